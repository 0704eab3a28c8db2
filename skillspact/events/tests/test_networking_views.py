"""Pages of one-to-one meetings: who gets in, what the forms do, the agenda and its calendar
file, the organisers' slots, scheduler and meetings."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from skillspact.accounts.factories import PASSWORD
from skillspact.accounts.models import User
from skillspact.events import networking
from skillspact.events.factories import EventFactory, RegistrationFactory
from skillspact.events.models import (
    Event,
    Meeting,
    MeetingRating,
    MeetingRequest,
    MeetingSlot,
    NetworkingProfile,
    Registration,
    ScheduleRun,
)
from skillspact.events.tests.test_networking import (
    accepted,
    book,
    make_slots,
    networking_event,
    participant,
    past_meeting,
)

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def url(name: str, event: Event, *args: object) -> str:
    return reverse(f"events:networking_{name}", args=[event.slug, *args])


PARTICIPANT_PAGES = ["profile", "participants", "suggestions", "requests", "availability", "agenda"]


# -- who gets in -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PARTICIPANT_PAGES)
def test_people_who_do_not_take_part_get_a_404(client, outsider, page):
    event = networking_event()
    pending = participant(event, status=Registration.Status.PENDING)

    assert signed_in(outsider).get(url(page, event)).status_code == 404
    assert signed_in(pending.user).get(url(page, event)).status_code == 404


@pytest.mark.parametrize("page", PARTICIPANT_PAGES)
def test_confirmed_participants_open_every_page(page):
    event = networking_event()
    make_slots(event, 2)
    anna = participant(event, profile={})

    response = signed_in(anna.user).get(url(page, event))

    assert response.status_code == 200


def test_anonymous_people_are_sent_to_sign_in(client):
    event = networking_event()

    response = client.get(url("participants", event))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_workshop_has_no_networking_pages():
    registration = RegistrationFactory(event=EventFactory())

    response = signed_in(registration.user).get(url("participants", registration.event))

    assert response.status_code == 404


@pytest.mark.parametrize("page", ["setup", "scheduler", "meetings"])
def test_organiser_pages_are_404_for_participants_and_open_for_organisers(
    page, secretariat_officer
):
    event = networking_event()
    anna = participant(event)

    assert signed_in(anna.user).get(url(page, event)).status_code == 404
    assert signed_in(secretariat_officer).get(url(page, event)).status_code == 200


def test_the_event_page_links_to_the_networking_pages():
    event = networking_event()
    anna = participant(event)

    page = signed_in(anna.user).get(reverse("events:detail", args=[event.slug])).content.decode()

    assert url("profile", event) in page
    assert url("agenda", event) in page
    assert url("scheduler", event) not in page


# -- profile -----------------------------------------------------------------------------------


def test_a_participant_fills_in_their_profile():
    event = networking_event()
    anna = participant(event)

    response = signed_in(anna.user).post(
        url("profile", event),
        {
            "headline": "Nurse educator",
            "offers": "Simulation training",
            "seeks": "Partners",
            "stakeholder_type": "healthcare_provider",
            "is_visible": "on",
        },
    )

    assert response.status_code == 302
    profile = NetworkingProfile.objects.get(registration=anna)
    assert (profile.headline, profile.stakeholder_type, profile.is_visible) == (
        "Nurse educator",
        "healthcare_provider",
        True,
    )


def test_a_refused_profile_keeps_what_was_typed():
    event = networking_event()
    anna = participant(event)

    response = signed_in(anna.user).post(
        url("profile", event),
        {"headline": "Kept headline", "interests": ["http://data.europa.eu/esco/skill/nope"]},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Not a known ESCO skill" in page
    assert 'value="Kept headline"' in page
    assert not NetworkingProfile.objects.exists()


# -- participants ------------------------------------------------------------------------------


def test_the_participant_list_finds_people_by_text_and_type_within_a_query_budget(
    django_assert_max_num_queries,
):
    event = networking_event()
    me = participant(event, name="Me")
    for i in range(30):
        participant(
            event,
            name=f"Person {i:02}",
            profile={"headline": "Engineer", "stakeholder_type": "research", "search_text": ""},
        )
    participant(
        event,
        name="Zoë Simulation",
        profile={
            "headline": "Simulation lead",
            "stakeholder_type": "education_vet",
            "search_text": "zoe simulation simulation lead",
        },
    )
    participant(event, name="Hidden Simulation", profile={"is_visible": False})
    client = signed_in(me.user)

    with django_assert_max_num_queries(16):
        response = client.get(url("participants", event))
    found = client.get(url("participants", event), {"q": "simulation"}).context["page"]
    by_type = client.get(url("participants", event), {"stakeholder_type": "education_vet"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 31
    assert [r.user.full_name for r in found.object_list] == ["Zoë Simulation"]
    assert [r.user.full_name for r in by_type.context["page"].object_list] == ["Zoë Simulation"]


def test_the_participant_list_filters_by_interest():
    event = networking_event()
    me = participant(event)
    uri = "http://data.europa.eu/esco/skill/abc"
    participant(event, name="Tagged", profile={"interests": [uri]})
    participant(event, name="Longer", profile={"interests": [uri + "def"]})

    page = signed_in(me.user).get(url("participants", event), {"interest": uri}).context["page"]

    assert [r.user.full_name for r in page.object_list] == ["Tagged"]


def test_a_hidden_participant_has_no_profile_page_for_others():
    event = networking_event()
    me = participant(event)
    hidden = participant(event, profile={"is_visible": False})

    response = signed_in(me.user).get(url("participant", event, hidden.public_id))

    assert response.status_code == 404


def test_a_participant_of_another_event_has_no_profile_page_here():
    event, other = networking_event(), networking_event()
    me = participant(event)
    elsewhere = participant(other)

    response = signed_in(me.user).get(url("participant", event, elsewhere.public_id))

    assert response.status_code == 404


# -- requests ----------------------------------------------------------------------------------


def test_a_request_is_sent_from_a_profile_page():
    event = networking_event()
    me, ben = participant(event), participant(event, profile={"headline": "Engineer"})
    client = signed_in(me.user)
    assert "Engineer" in client.get(url("participant", event, ben.public_id)).content.decode()

    response = client.post(url("request_send", event, ben.public_id), {"message": "Hello"})

    assert response.status_code == 302
    request = MeetingRequest.objects.get()
    assert (request.sender, request.recipient, request.message) == (me, ben, "Hello")


def test_a_refused_request_shows_why_on_the_profile_page():
    event = networking_event()
    me, ben = participant(event), participant(event)
    networking.request_send(sender=ben, recipient=me, actor=ben.user)

    response = signed_in(me.user).post(url("request_send", event, ben.public_id), {"message": "Hi"})

    assert response.status_code == 200
    assert "There is already an open meeting request between you two." in response.content.decode()
    assert MeetingRequest.objects.count() == 1


def test_the_recipient_accepts_from_the_requests_page():
    event = networking_event()
    me, ben = participant(event, name="Me"), participant(event, name="Ben")
    request = networking.request_send(sender=ben, recipient=me, actor=ben.user, message="Talk?")
    client = signed_in(me.user)
    page = client.get(url("requests", event))
    assert [r.pk for r in page.context["lists"].received] == [request.pk]

    response = client.post(url("request_accept", event, request.public_id))

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.ACCEPTED


def test_someone_else_cannot_answer_a_request():
    event = networking_event()
    me, ben, cleo = participant(event), participant(event), participant(event)
    request = networking.request_send(sender=ben, recipient=me, actor=ben.user)

    response = signed_in(cleo.user).post(url("request_accept", event, request.public_id))

    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.PENDING


def test_suggestions_say_why():
    event = networking_event()
    me = participant(event, profile={"offers": "", "seeks": "simulation training"})
    participant(event, name="Trainer", profile={"offers": "simulation training", "seeks": ""})

    page = signed_in(me.user).get(url("suggestions", event)).content.decode()

    assert "Trainer" in page
    assert "Offers what you look for: simulation, training" in page


# -- availability, booking, agenda -------------------------------------------------------------


def test_a_participant_ticks_slots_on_the_availability_page():
    event = networking_event()
    slots = make_slots(event, 3)
    me = participant(event)

    response = signed_in(me.user).post(
        url("availability", event), {"slots": [str(slots[0].public_id), str(slots[2].public_id)]}
    )

    assert response.status_code == 302
    assert set(me.availabilities.values_list("slot", flat=True)) == {slots[0].pk, slots[2].pk}


def test_a_pair_books_a_slot_and_sees_it_in_the_agenda():
    event = networking_event()
    slots = make_slots(event, 2)
    me = participant(event, available=slots)
    ben = participant(event, name="Ben", available=[slots[1]], profile={"headline": "Engineer"})
    request = accepted(me, ben)
    client = signed_in(me.user)
    assert client.get(url("book", event, request.public_id)).context["slots"] == [slots[1]]

    response = client.post(url("book", event, request.public_id), {"slot": slots[1].public_id})

    assert response.status_code == 302
    assert response.url == url("agenda", event)
    agenda = client.get(url("agenda", event))
    assert [(item.other, item.table) for item in agenda.context["items"]] == [(ben, 1)]
    assert "Engineer" in agenda.content.decode()


def test_a_taken_slot_is_explained_on_the_booking_page():
    event = networking_event(tables=1)
    slot = make_slots(event, 1)[0]
    people = [participant(event, available=[slot]) for _ in range(4)]
    book(accepted(people[0], people[1]), slot)
    request = accepted(people[2], people[3])

    response = signed_in(people[2].user).post(
        url("book", event, request.public_id), {"slot": slot.public_id}
    )

    assert response.status_code == 200
    assert "Every table is taken in this slot." in response.content.decode()
    assert Meeting.objects.count() == 1


def ics_events(body: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return list(calendar.walk("VEVENT"))


def overlaps(items: Iterable[icalendar.Event]) -> bool:
    spans = sorted((e.decoded("dtstart"), e.decoded("dtend")) for e in items)
    return any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:], strict=False))


def test_the_agenda_calendar_file_holds_each_meeting_once_without_clashes(
    secretariat_officer, committed
):
    event = networking_event(tables=3)
    slots = make_slots(event, 4)
    me = participant(event, available=slots)
    others = [participant(event, name=f"Other {i}", available=slots) for i in range(5)]
    for other in others:
        accepted(me, other)
    with committed():
        networking.schedule_run_start(event=event, actor=secretariat_officer)
    networking.agenda_publish(event=event, actor=secretariat_officer, final=False)

    response = signed_in(me.user).get(url("agenda_ics", event))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    items = ics_events(response.content)
    meetings = Meeting.objects.filter(seats__registration=me)
    assert len(items) == meetings.count() == 4
    assert {str(e["uid"]) for e in items} == {f"meeting-{m.public_id}@skillspact" for m in meetings}
    assert {str(e["status"]) for e in items} == {"TENTATIVE"}
    assert not overlaps(items)


def test_a_participant_rates_a_past_meeting_from_the_agenda():
    meeting, anna, _ben = past_meeting()
    event = meeting.slot.event

    response = signed_in(anna.user).post(
        url("rate", event, meeting.public_id), {"outcome": "project"}
    )

    assert response.status_code == 302
    assert list(MeetingRating.objects.values_list("registration", "outcome")) == [
        (anna.pk, "project")
    ]
    page = signed_in(anna.user).get(url("agenda", event)).content.decode()
    assert '<option value="project" selected>' in page


def test_nobody_rates_a_meeting_they_did_not_have():
    meeting, _anna, _ben = past_meeting()
    event = meeting.slot.event
    stranger = participant(event)

    response = signed_in(stranger.user).post(
        url("rate", event, meeting.public_id), {"outcome": "project"}
    )

    assert response.status_code == 404
    assert not MeetingRating.objects.exists()


# -- organisers --------------------------------------------------------------------------------


def test_the_organiser_sets_tables_and_adds_slots_in_the_events_time_zone(secretariat_officer):
    event = networking_event(time_zone="Europe/Brussels")
    client = signed_in(secretariat_officer)
    local = timezone.localtime(event.starts_at, zoneinfo.ZoneInfo("Europe/Brussels"))

    client.post(url("setup", event), {"action": "settings", "tables": "40", "cap": "6"})
    response = client.post(
        url("setup", event),
        {
            "action": "slots",
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "minutes": "30",
            "count": "4",
            "gap_minutes": "10",
        },
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.meeting_tables, event.meeting_cap) == (40, 6)
    starts = list(MeetingSlot.objects.filter(event=event).values_list("starts_at", flat=True))
    assert starts == [event.starts_at + datetime.timedelta(minutes=40 * i) for i in range(4)]


def test_the_organiser_runs_the_scheduler_and_sees_its_result(secretariat_officer, committed):
    event = networking_event()
    slots = make_slots(event, 2)
    accepted(participant(event, available=slots), participant(event, available=slots))
    client = signed_in(secretariat_officer)

    with committed():
        response = client.post(url("scheduler", event))

    assert response.status_code == 302
    run = ScheduleRun.objects.get()
    assert (run.status, run.placed, run.requests_total, run.upper_bound) == ("done", 1, 1, 1)
    row = client.get(url("run_status", event, run.public_id)).content.decode()
    assert "1 of 1" in row
    assert "100.0 %" in row
    assert "hx-trigger" not in row


def test_a_queued_run_keeps_polling(secretariat_officer):
    event = networking_event()
    run = ScheduleRun.objects.create(event=event, requested_by=secretariat_officer)

    row = signed_in(secretariat_officer).get(url("run_status", event, run.public_id))

    assert 'hx-trigger="every 2s"' in row.content.decode()


def test_the_organiser_publishes_the_final_agenda(secretariat_officer, committed):
    event = networking_event()
    slot = make_slots(event, 1)[0]
    book(accepted(participant(event, available=[slot]), participant(event, available=[slot])), slot)

    response = signed_in(secretariat_officer).post(url("publish", event), {"final": "1"})

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.agenda_state == Event.AgendaState.FINAL
    assert Meeting.objects.get().is_fixed


def test_a_participant_cannot_publish_the_agenda():
    event = networking_event()
    anna = participant(event)

    response = signed_in(anna.user).post(url("publish", event), {"final": "1"})

    assert response.status_code == 404
    event.refresh_from_db()
    assert event.agenda_state == Event.AgendaState.NONE


def test_the_meeting_list_stays_within_a_query_budget(
    secretariat_officer, django_assert_max_num_queries
):
    event = networking_event(tables=20)
    slot = make_slots(event, 1)[0]
    for _ in range(15):
        book(
            accepted(participant(event, available=[slot]), participant(event, available=[slot])),
            slot,
        )
    client = signed_in(secretariat_officer)

    with django_assert_max_num_queries(10):
        response = client.get(url("meetings", event))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 15


def test_the_scheduler_page_counts_outcomes(secretariat_officer):
    meeting, anna, ben = past_meeting()
    networking.meeting_rate(meeting=meeting, actor=anna.user, outcome="follow_up")
    networking.meeting_rate(meeting=meeting, actor=ben.user, outcome="follow_up")

    response = signed_in(secretariat_officer).get(url("scheduler", meeting.slot.event))

    assert response.context["rated"] == 2
    assert ("follow_up", "Follow-up planned", 2, 100) in response.context["ratings"]
