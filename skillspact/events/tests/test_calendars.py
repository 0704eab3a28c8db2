"""Calendar files and feeds: valid RFC 5545 that calendar programs import and keep up to date."""

from __future__ import annotations

import datetime

import icalendar
import pytest

from skillspact.events import calendars, services
from skillspact.events.factories import (
    EventFactory,
    EventSessionFactory,
    MeetingRequestFactory,
    MeetingSlotFactory,
    RegistrationFactory,
)
from skillspact.events.models import (
    Event,
    Meeting,
    MeetingSeat,
    Registration,
    SessionChoice,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def parse(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def vevents(body: bytes) -> dict[str, icalendar.Event]:
    return {str(c["UID"]): c for c in parse(body).walk("VEVENT")}


def place_meeting(
    event: Event, sender: Registration, recipient: Registration, *, table: int = 3
) -> Meeting:
    slot = MeetingSlotFactory(event=event)
    request = MeetingRequestFactory(event=event, sender=sender, recipient=recipient)
    meeting = Meeting.objects.create(
        request=request, slot=slot, table=table, source=Meeting.Source.SCHEDULER
    )
    for registration in (sender, recipient):
        MeetingSeat.objects.create(meeting=meeting, registration=registration, slot=slot)
    return meeting


def test_a_registration_file_holds_the_event_with_every_required_property():
    registration = RegistrationFactory(event__title="Digital skills workshop")
    event = registration.event

    calendar = parse(calendars.registration_ics(registration=registration))

    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == calendars.PRODID
    assert str(calendar["METHOD"]) == "PUBLISH"
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{event.public_id}@skillspact"
    assert str(vevent["SUMMARY"]) == "Digital skills workshop"
    assert vevent.decoded("DTSTART") == event.starts_at.astimezone(UTC)
    assert vevent.decoded("DTSTART").tzinfo is not None
    assert vevent.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    assert vevent.decoded("DTEND") == event.ends_at.astimezone(UTC)
    assert "DTSTAMP" in vevent
    assert vevent["SEQUENCE"] == 0
    assert str(vevent["URL"]) == f"http://testserver/events/{event.slug}/"
    assert str(vevent["LOCATION"]) == "Square Brussels Meeting Centre, Mont des Arts, 1000 Brussels"
    assert str(vevent["STATUS"]) == "CONFIRMED"


def test_lines_end_in_crlf_and_are_folded_at_75_octets():
    registration = RegistrationFactory(
        event__title="Compétences numériques pour les soignants — atelier européen " * 3,
        event__summary="Ζωή και υγεία: ψηφιακές δεξιότητες για νοσηλευτές και γιατρούς " * 2,
    )

    body = calendars.registration_ics(registration=registration)

    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # long lines were folded
    for line in lines:
        line.decode("utf-8")  # a fold never splits a character
    [vevent] = parse(body).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == registration.event.title


def test_sessions_the_person_is_confirmed_in_get_their_own_entry():
    registration = RegistrationFactory()
    group = EventSessionFactory(event=registration.event, title="Group A", room="Room 2")
    waiting = EventSessionFactory(event=registration.event, title="Group B")
    EventSessionFactory(event=registration.event, title="Group C")
    SessionChoice.objects.create(registration=registration, session=group, status="confirmed")
    SessionChoice.objects.create(
        registration=registration,
        session=waiting,
        status="waitlisted",
        waitlisted_at=datetime.datetime.now(UTC),
    )

    events = vevents(calendars.registration_ics(registration=registration))

    assert sorted(events) == sorted(
        [
            f"event-{registration.event.public_id}@skillspact",
            f"session-{group.public_id}@skillspact",
        ]
    )
    session = events[f"session-{group.public_id}@skillspact"]
    assert str(session["SUMMARY"]) == f"Group A · {registration.event.title}"
    assert session.decoded("DTSTART") == group.starts_at.astimezone(UTC)
    assert str(session["LOCATION"]).startswith("Room 2, Square Brussels")


def test_a_meeting_names_the_other_person_its_slot_and_table():
    event = EventFactory(
        kind=Event.Kind.NETWORKING, meeting_tables=10, agenda_state=Event.AgendaState.FINAL
    )
    me = RegistrationFactory(event=event, user__full_name="Hana Health-Worker")
    other = RegistrationFactory(event=event, user__full_name="Carla Contact")
    meeting = place_meeting(event, me, other, table=7)

    events = vevents(calendars.registration_ics(registration=me))

    entry = events[f"meeting-{meeting.public_id}@skillspact"]
    assert str(entry["SUMMARY"]) == f"Meeting with Carla Contact · {event.title}"
    assert entry.decoded("DTSTART") == meeting.slot.starts_at.astimezone(UTC)
    assert entry.decoded("DTEND") == meeting.slot.ends_at.astimezone(UTC)
    assert str(entry["LOCATION"]).startswith("Table 7, ")
    assert str(entry["STATUS"]) == "CONFIRMED"
    theirs = vevents(calendars.registration_ics(registration=other))
    assert str(theirs[f"meeting-{meeting.public_id}@skillspact"]["SUMMARY"]).startswith(
        "Meeting with Hana Health-Worker"
    )


def test_scheduled_meetings_wait_for_a_published_agenda_and_are_tentative_when_preliminary():
    event = EventFactory(kind=Event.Kind.NETWORKING, meeting_tables=10)
    me, other = RegistrationFactory(event=event), RegistrationFactory(event=event)
    meeting = place_meeting(event, me, other)
    uid = f"meeting-{meeting.public_id}@skillspact"

    assert uid not in vevents(calendars.registration_ics(registration=me))

    Event.objects.filter(pk=event.pk).update(agenda_state=Event.AgendaState.PRELIMINARY)
    assert str(vevents(calendars.registration_ics(registration=me))[uid]["STATUS"]) == "TENTATIVE"


def test_the_online_link_is_given_to_confirmed_people_only():
    event = EventFactory(
        format=Event.Format.ONLINE, venue="", address="", online_url="https://meet.example.eu/x"
    )
    confirmed = RegistrationFactory(event=event)
    waiting = RegistrationFactory(
        event=event,
        status=Registration.Status.WAITLISTED,
        waitlisted_at=datetime.datetime.now(UTC),
        confirmed_at=None,
    )

    [mine] = parse(calendars.registration_ics(registration=confirmed)).walk("VEVENT")
    [theirs] = parse(calendars.registration_ics(registration=waiting)).walk("VEVENT")

    assert str(mine["LOCATION"]) == "https://meet.example.eu/x"
    assert "LOCATION" not in theirs
    assert str(theirs["STATUS"]) == "TENTATIVE"
    assert b"meet.example.eu" not in calendars.registration_ics(registration=waiting)


def test_a_cancelled_event_or_registration_is_marked_cancelled():
    cancelled_event = RegistrationFactory(event__status=Event.Status.CANCELLED)
    cancelled_registration = RegistrationFactory(status=Registration.Status.CANCELLED)

    [first] = parse(calendars.registration_ics(registration=cancelled_event)).walk("VEVENT")
    [second] = parse(calendars.registration_ics(registration=cancelled_registration)).walk("VEVENT")

    assert str(first["STATUS"]) == "CANCELLED"
    assert str(second["STATUS"]) == "CANCELLED"


def test_the_feed_holds_every_active_registration_and_the_same_uids_as_the_files(health_worker):
    first = RegistrationFactory(user=health_worker)
    second = RegistrationFactory(
        user=health_worker,
        status=Registration.Status.WAITLISTED,
        waitlisted_at=datetime.datetime.now(UTC),
    )
    RegistrationFactory(user=health_worker, status=Registration.Status.CANCELLED)
    RegistrationFactory()  # someone else's
    group = EventSessionFactory(event=first.event)
    SessionChoice.objects.create(registration=first, session=group, status="confirmed")

    calendar = parse(calendars.feed_ics(user=health_worker))

    assert str(calendar["METHOD"]) == "PUBLISH"
    assert sorted(str(c["UID"]) for c in calendar.walk("VEVENT")) == sorted(
        [
            f"event-{first.event.public_id}@skillspact",
            f"event-{second.event.public_id}@skillspact",
            f"session-{group.public_id}@skillspact",
        ]
    )
    assert set(vevents(calendars.registration_ics(registration=first))) <= {
        str(c["UID"]) for c in calendar.walk("VEVENT")
    }


def test_a_date_change_raises_the_sequence_and_shows_in_the_feed(
    secretariat_officer, health_worker
):
    registration = RegistrationFactory(user=health_worker)
    event = registration.event
    uid = f"event-{event.public_id}@skillspact"
    before = vevents(calendars.feed_ics(user=health_worker))[uid]
    new_start = event.starts_at + datetime.timedelta(days=7)

    services.event_save(
        actor=secretariat_officer,
        event=event,
        data={"starts_at": new_start, "ends_at": new_start + datetime.timedelta(hours=8)},
    )

    after = vevents(calendars.feed_ics(user=health_worker))[uid]
    assert before["SEQUENCE"] == 0
    assert after["SEQUENCE"] == 1
    assert after.decoded("DTSTART") == new_start.astimezone(UTC)
    file_entry = vevents(calendars.registration_ics(registration=registration))[uid]
    assert file_entry["SEQUENCE"] == 1


def test_a_moved_session_gets_a_higher_sequence():
    registration = RegistrationFactory()
    group = EventSessionFactory(event=registration.event)
    SessionChoice.objects.create(registration=registration, session=group, status="confirmed")
    uid = f"session-{group.public_id}@skillspact"
    before = vevents(calendars.registration_ics(registration=registration))[uid]["SEQUENCE"]

    group.starts_at += datetime.timedelta(hours=1)
    group.ends_at += datetime.timedelta(hours=1)
    group.updated_at = group.created_at + datetime.timedelta(minutes=5)
    type(group).objects.filter(pk=group.pk).update(
        starts_at=group.starts_at, ends_at=group.ends_at, updated_at=group.updated_at
    )

    after = vevents(calendars.registration_ics(registration=registration))[uid]["SEQUENCE"]
    assert after > before
