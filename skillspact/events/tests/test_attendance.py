"""Check-in, attendance lists, feedback, certificates, reminders, calendar feeds and deleting
one's registration data: the rules, at the service level."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zlib

import pytest
from django.conf import settings
from django.core import mail
from django.http import Http404
from django.utils import timezone
from openpyxl import load_workbook

from skillspact.accounts.factories import UserFactory
from skillspact.core import audit
from skillspact.core.errors import InvalidInput, InvalidState, NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.events import attendance, certificates, tasks
from skillspact.events.factories import (
    EventFactory,
    EventSessionFactory,
    MeetingRequestFactory,
    MeetingSlotFactory,
    NetworkingProfileFactory,
    QuestionFactory,
    RegistrationFactory,
)
from skillspact.events.models import (
    Availability,
    CalendarFeed,
    Event,
    Feedback,
    NetworkingProfile,
    Registration,
    SessionChoice,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def past_event(**kwargs: object) -> Event:
    starts = NOW - datetime.timedelta(days=3)
    return EventFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=8), **kwargs)


def waitlisted(**kwargs: object) -> Registration:
    return RegistrationFactory(
        status=Registration.Status.WAITLISTED, waitlisted_at=NOW, confirmed_at=None, **kwargs
    )


# -- check-in ----------------------------------------------------------------------------------


def test_an_organiser_checks_a_confirmed_person_in_with_an_audit_entry(secretariat_officer):
    registration = RegistrationFactory()

    result = attendance.registration_check_in(
        event=registration.event, registration=registration, actor=secretariat_officer
    )

    registration.refresh_from_db()
    assert result.was_already is False
    assert registration.checked_in_at is not None
    entry = AuditEntry.objects.get(code="events.registration.checked_in")
    assert entry.actor == secretariat_officer
    assert entry.object_id == str(registration.public_id)


def test_checking_in_twice_keeps_the_first_time_and_says_so(secretariat_officer):
    registration = RegistrationFactory()
    first = attendance.registration_check_in(
        event=registration.event, registration=registration, actor=secretariat_officer
    )

    second = attendance.registration_check_in(
        event=registration.event, registration=registration, actor=secretariat_officer
    )

    assert second.was_already is True
    assert second.registration.checked_in_at == first.registration.checked_in_at
    assert AuditEntry.objects.filter(code="events.registration.checked_in").count() == 1


def test_a_ticket_of_another_event_is_refused_and_nothing_changes(secretariat_officer):
    here = EventFactory()
    registration = RegistrationFactory()

    with pytest.raises(attendance.CheckInRefused) as error:
        attendance.registration_check_in(
            event=here, registration=registration, actor=secretariat_officer
        )

    assert error.value.message == "This ticket belongs to another event."
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert not AuditEntry.objects.filter(code="events.registration.checked_in").exists()


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("cancelled", "This registration was cancelled (Cancelled)."),
        ("waitlisted", "This person is on the waitlist and has no place."),
        ("pending", "This registration still awaits the organiser's approval."),
    ],
)
def test_a_registration_without_a_place_is_refused(secretariat_officer, status, message):
    registration = RegistrationFactory(
        status=status, waitlisted_at=NOW if status == "waitlisted" else None
    )

    with pytest.raises(attendance.CheckInRefused) as error:
        attendance.registration_check_in(
            event=registration.event, registration=registration, actor=secretariat_officer
        )

    assert error.value.message == message
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_only_organisers_check_people_in(outsider):
    registration = RegistrationFactory()

    with pytest.raises(NotPermitted):
        attendance.registration_check_in(
            event=registration.event, registration=registration, actor=outsider
        )

    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_a_contact_of_the_organising_organisation_checks_people_in(
    organisation_contact, member_organisation
):
    registration = RegistrationFactory(event__organisation=member_organisation)

    result = attendance.registration_check_in(
        event=registration.event, registration=registration, actor=organisation_contact
    )

    assert result.registration.checked_in_at is not None
    assert AuditEntry.objects.get(code="events.registration.checked_in").organisation == (
        member_organisation
    )


def test_undoing_a_check_in_clears_it_with_an_audit_entry(secretariat_officer):
    registration = RegistrationFactory(checked_in_at=NOW)

    attendance.registration_check_in_undo(
        event=registration.event, registration=registration, actor=secretariat_officer
    )

    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert AuditEntry.objects.get(code="events.registration.check_in_undone").actor == (
        secretariat_officer
    )


def test_check_in_search_finds_confirmed_people_by_name_or_email():
    event = EventFactory()
    hana = RegistrationFactory(event=event, user__full_name="Hana Novak", user__email="h@x.eu")
    RegistrationFactory(event=event, user__full_name="Ivo Horvat", user__email="ivo@hana.example")
    waitlisted(event=event, user__full_name="Hana Waiting")
    RegistrationFactory(user__full_name="Hana Elsewhere")

    by_name = attendance.check_in_search(event=event, q="hana nov")
    by_email = attendance.check_in_search(event=event, q="hana.example")

    assert by_name == [hana]
    assert [r.user.full_name for r in by_email] == ["Ivo Horvat"]
    assert attendance.check_in_counts(event=event) == {"confirmed": 2, "checked_in": 0}


# -- attendance list and exports ---------------------------------------------------------------


def test_the_attendance_list_is_for_organisers_only(outsider, secretariat_officer):
    registration = RegistrationFactory()

    with pytest.raises(Http404):
        attendance.attendance_for_manage(user=outsider, slug=registration.event.slug)
    event, queryset = attendance.attendance_for_manage(
        user=secretariat_officer, slug=registration.event.slug
    )

    assert event == registration.event
    assert list(queryset) == [registration]


def test_the_attendance_list_filters_by_status_and_counts_each(secretariat_officer):
    event = EventFactory()
    confirmed = RegistrationFactory(event=event)
    waitlisted(event=event)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)

    _event, queryset = attendance.attendance_for_manage(
        user=secretariat_officer, slug=event.slug, status="confirmed"
    )

    assert list(queryset) == [confirmed]
    counts = {value: n for value, _label, n in attendance.attendance_status_counts(event=event)}
    assert counts == {
        "pending": 0,
        "confirmed": 1,
        "waitlisted": 1,
        "cancelled": 1,
        "declined": 0,
        "rejected": 0,
    }


def test_exports_hold_sessions_answers_and_check_in_and_neutralise_formulas(secretariat_officer):
    event = EventFactory(time_zone="UTC")
    QuestionFactory(event=event, label="Dietary requirements")
    QuestionFactory(event=event, label="Interpreter", kind="checkbox")
    group = EventSessionFactory(event=event, title="Group A")
    checked_in_at = datetime.datetime(2030, 5, 6, 9, 15, tzinfo=datetime.UTC)
    registration = RegistrationFactory(
        event=event,
        user__full_name='=HYPERLINK("http://evil")',
        user__email="nurse@example.net",
        answers={"Dietary requirements": "-vegan", "Interpreter": True},
        checked_in_at=checked_in_at,
    )
    SessionChoice.objects.create(registration=registration, session=group, status="confirmed")
    _event, queryset = attendance.attendance_for_manage(user=secretariat_officer, slug=event.slug)
    registrations = list(queryset)
    labels = attendance.question_labels(event=event, registrations=registrations)

    text = "".join(attendance.attendance_csv_stream(event, registrations, labels))
    workbook = load_workbook(
        io.BytesIO(attendance.attendance_xlsx_bytes(event, registrations, labels))
    )

    header, row = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header[-2:] == ["Dietary requirements", "Interpreter"]
    record = dict(zip(header, row, strict=True))
    assert record["name"] == '\'=HYPERLINK("http://evil")'
    assert record["email"] == "nurse@example.net"
    assert record["status"] == "confirmed"
    assert record["sessions"] == "Group A"
    assert record["checked_in_at"] == "2030-05-06 09:15"
    assert record["Dietary requirements"] == "'-vegan"
    assert record["Interpreter"] == "yes"
    sheet = workbook.active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]] == header
    assert sheet.cell(row=2, column=2).value == '\'=HYPERLINK("http://evil")'


# -- feedback ----------------------------------------------------------------------------------


def test_a_participant_gives_feedback_once_and_may_change_it():
    registration = RegistrationFactory(event=past_event())
    person = registration.user

    attendance.feedback_submit(
        registration=registration, actor=person, rating=4, usefulness=5, comment=" Great groups "
    )
    attendance.feedback_submit(registration=registration, actor=person, rating=2, comment="")

    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.usefulness, feedback.comment) == (2, None, "")
    assert list(
        AuditEntry.objects.filter(code__startswith="events.feedback").values_list("code", flat=True)
    ) == ["events.feedback.changed", "events.feedback.submitted"]


def test_feedback_waits_for_the_end_of_the_event():
    registration = RegistrationFactory()

    with pytest.raises(attendance.FeedbackClosed):
        attendance.feedback_submit(registration=registration, actor=registration.user, rating=5)

    assert not Feedback.objects.exists()


def test_feedback_is_for_confirmed_participants_and_only_their_own(outsider):
    cancelled = RegistrationFactory(event=past_event(), status=Registration.Status.CANCELLED)
    other = RegistrationFactory(event=past_event())

    with pytest.raises(attendance.FeedbackClosed):
        attendance.feedback_submit(registration=cancelled, actor=cancelled.user, rating=5)
    with pytest.raises(NotPermitted):
        attendance.feedback_submit(registration=other, actor=outsider, rating=5)

    assert not Feedback.objects.exists()


def test_a_rating_outside_one_to_five_is_refused():
    registration = RegistrationFactory(event=past_event())

    with pytest.raises(InvalidInput):
        attendance.feedback_submit(registration=registration, actor=registration.user, rating=6)

    assert not Feedback.objects.exists()


def test_the_feedback_summary_counts_averages_and_distributes():
    event = past_event()
    for rating, usefulness, comment in [(5, 4, "Useful"), (4, None, ""), (3, 2, "Too long")]:
        registration = RegistrationFactory(event=event)
        Feedback.objects.create(
            registration=registration, rating=rating, usefulness=usefulness, comment=comment
        )
    Feedback.objects.create(registration=RegistrationFactory(), rating=1)  # another event

    summary = attendance.feedback_summary(event=event)

    assert summary.count == 3
    assert summary.rating_average == 4.0
    assert summary.usefulness_average == 3.0
    assert summary.rating_distribution == [(5, 1, 33), (4, 1, 33), (3, 1, 33), (2, 0, 0), (1, 0, 0)]
    assert summary.usefulness_distribution == [
        (5, 0, 0),
        (4, 1, 50),
        (3, 0, 0),
        (2, 1, 50),
        (1, 0, 0),
    ]
    assert sorted(f.comment for f in summary.comments) == ["Too long", "Useful"]


# -- certificates ------------------------------------------------------------------------------


def pdf_text(body: bytes) -> str:
    """The decompressed content streams of a PDF, for looking for text set in a core font."""
    parts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            parts.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(parts)


def test_the_certificate_names_the_person_event_sessions_and_reference(monkeypatch):
    monkeypatch.setattr(certificates, "_dejavu", lambda: None)  # core font: text is searchable
    event = past_event(title="Digital skills workshop", time_zone="Europe/Brussels")
    group = EventSessionFactory(event=event, title="Telehealth group")
    registration = RegistrationFactory(
        event=event, user__full_name="Zoë Łukasiewicz", checked_in_at=event.starts_at
    )
    SessionChoice.objects.create(registration=registration, session=group, status="confirmed")

    body = certificates.certificate_pdf(
        registration=registration,
        sessions=attendance.sessions_attended(registration=registration),
    )

    assert body.startswith(b"%PDF-")
    text = pdf_text(body)
    assert "Certificate of attendance" in text
    assert "Zoë Lukasiewicz" in text  # Ł is outside Latin-1: written without its stroke
    assert "Digital skills workshop" in text
    assert "Telehealth group" in text
    assert str(registration.public_id) in text
    assert "Square Brussels Meeting Centre" in text


def test_a_certificate_with_a_name_in_any_script_never_breaks():
    registration = RegistrationFactory(
        event=past_event(),
        user__full_name="Ἀθηνᾶ Παπαδοπούλου 王小明 Иван",
        checked_in_at=NOW - datetime.timedelta(days=3),
    )

    body = certificates.certificate_pdf(registration=registration, sessions=[])

    assert body.startswith(b"%PDF-")
    assert certificates.latin1("Ἀθηνᾶ 王 Zoë Čapek") == "????? ? Zoë Capek"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"checked_in_at": None},
            "Only people who were checked in at the event get a certificate.",
        ),
        ({"past": False}, "This is possible once the event has ended."),
    ],
)
def test_no_certificate_without_check_in_or_before_the_end(changes, problem):
    event = past_event() if changes.get("past", True) else EventFactory()
    registration = RegistrationFactory(
        event=event, checked_in_at=changes.get("checked_in_at", event.starts_at)
    )

    assert attendance.certificate_problem(registration=registration) == problem


def test_the_certificate_is_for_its_owner_and_the_organisers_only(outsider, secretariat_officer):
    registration = RegistrationFactory(event=past_event(), checked_in_at=NOW)

    assert (
        attendance.registration_get_for_certificate(
            user=registration.user, public_id=registration.public_id
        )
        == registration
    )
    assert (
        attendance.registration_get_for_certificate(
            user=secretariat_officer, public_id=registration.public_id
        )
        == registration
    )
    with pytest.raises(Http404):
        attendance.registration_get_for_certificate(user=outsider, public_id=registration.public_id)


# -- deleting one's data -----------------------------------------------------------------------


def test_deleting_ones_data_keeps_the_row_for_counts_but_removes_the_person():
    event = past_event(kind=Event.Kind.NETWORKING, meeting_tables=5)
    registration = RegistrationFactory(
        event=event, answers={"Dietary requirements": "vegan"}, checked_in_at=event.starts_at
    )
    person = registration.user
    NetworkingProfileFactory(registration=registration)
    slot = MeetingSlotFactory(event=event)
    Availability.objects.create(registration=registration, slot=slot)
    request = MeetingRequestFactory(
        event=event, sender=registration, message="Let us talk about my project."
    )
    Feedback.objects.create(registration=registration, rating=4, comment="Loved it, Hana")
    earlier = audit.record(registration, "events.registration.created", actor=person)
    assert person.email not in earlier.object_label

    attendance.registration_data_delete(registration=registration, actor=person)

    registration.refresh_from_db()
    assert registration.user is None
    assert registration.answers == {}
    assert registration.is_data_deleted is True
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.checked_in_at is not None
    assert not NetworkingProfile.objects.filter(registration=registration).exists()
    assert not Availability.objects.filter(registration=registration).exists()
    feedback = Feedback.objects.get(registration=registration)
    assert (feedback.rating, feedback.comment) == (4, "")
    request.refresh_from_db()
    assert request.message == ""
    entry = AuditEntry.objects.get(code="events.registration.data_deleted")
    assert entry.actor is None
    assert entry.actor_label == ""
    assert person.email not in entry.object_label
    assert person.full_name not in f"{entry.object_label} {entry.message} {entry.after}"
    earlier.refresh_from_db()
    assert (earlier.actor, earlier.actor_label, earlier.code) == (
        None,
        "",
        "events.registration.created",
    )
    assert person.email not in earlier.object_label


def test_data_can_be_deleted_only_after_the_event_and_only_by_its_owner(outsider):
    upcoming = RegistrationFactory(answers={"Dietary requirements": "vegan"})
    past = RegistrationFactory(event=past_event())

    with pytest.raises(attendance.EventNotOver):
        attendance.registration_data_delete(registration=upcoming, actor=upcoming.user)
    with pytest.raises(NotPermitted):
        attendance.registration_data_delete(registration=past, actor=outsider)

    upcoming.refresh_from_db()
    past.refresh_from_db()
    assert upcoming.user is not None and upcoming.answers == {"Dietary requirements": "vegan"}
    assert past.user is not None and past.is_data_deleted is False
    assert not AuditEntry.objects.filter(code="events.registration.data_deleted").exists()


def test_data_deleted_once_cannot_be_deleted_again():
    registration = RegistrationFactory(event=past_event())
    person = registration.user
    attendance.registration_data_delete(registration=registration, actor=person)
    registration.refresh_from_db()
    registration.user = person  # as if the person still held it

    with pytest.raises((InvalidState, NotPermitted)):
        attendance.registration_data_delete(registration=registration, actor=person)

    assert AuditEntry.objects.filter(code="events.registration.data_deleted").count() == 1


# -- calendar feeds ----------------------------------------------------------------------------


def test_the_calendar_feed_is_made_once_and_reset_gives_a_new_token(health_worker):
    first = attendance.calendar_feed_create(actor=health_worker)
    again = attendance.calendar_feed_create(actor=health_worker)

    reset = attendance.calendar_feed_reset(actor=health_worker)

    assert again.token == first.token
    assert reset.token != first.token
    assert CalendarFeed.objects.get(user=health_worker).token == reset.token
    with pytest.raises(Http404):
        attendance.calendar_feed_get(token=first.token)
    assert attendance.calendar_feed_get(token=reset.token).user == health_worker
    assert AuditEntry.objects.filter(code="events.calendar_feed.reset").count() == 1


def test_an_inactive_persons_feed_is_gone(health_worker):
    feed = attendance.calendar_feed_create(actor=health_worker)
    health_worker.is_active = False
    health_worker.save()

    with pytest.raises(Http404):
        attendance.calendar_feed_get(token=feed.token)


# -- reminders ---------------------------------------------------------------------------------


def test_reminders_go_once_to_confirmed_people_of_events_starting_within_a_day(committed):
    soon = EventFactory(
        title="Webinar tomorrow",
        starts_at=NOW + datetime.timedelta(hours=20),
        ends_at=NOW + datetime.timedelta(hours=22),
    )
    later = EventFactory(
        starts_at=NOW + datetime.timedelta(days=2),
        ends_at=NOW + datetime.timedelta(days=2, hours=2),
    )
    confirmed = RegistrationFactory(event=soon, user__email="nurse@example.net")
    waitlisted(event=soon)
    RegistrationFactory(event=soon, status=Registration.Status.CANCELLED)
    RegistrationFactory(event=later)
    RegistrationFactory(event=past_event())

    with committed():
        first = attendance.registrations_remind(now=NOW)
    with committed():
        second = attendance.registrations_remind(now=NOW)

    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [["nurse@example.net"]]
    assert mail.outbox[0].subject == "Reminder: Webinar tomorrow starts soon"
    assert f"/events/registrations/{confirmed.public_id}/ticket/" in mail.outbox[0].body
    confirmed.refresh_from_db()
    assert confirmed.reminded_at == NOW
    assert AuditEntry.objects.get(code="events.event.reminders_sent").after == {"count": 1}


def test_the_reminder_task_runs_hourly_and_sends_nothing_twice(committed):
    event = EventFactory(
        starts_at=timezone.now() + datetime.timedelta(hours=2),
        ends_at=timezone.now() + datetime.timedelta(hours=4),
    )
    RegistrationFactory(event=event)

    with committed():
        tasks.send_event_reminders.enqueue()
        tasks.send_event_reminders.enqueue()

    assert "skillspact.events.tasks.send_event_reminders" in settings.PERIODIC_TASKS
    assert len(mail.outbox) == 1


def test_nobody_without_an_account_is_reminded(committed):
    event = EventFactory(
        starts_at=NOW + datetime.timedelta(hours=2), ends_at=NOW + datetime.timedelta(hours=4)
    )
    RegistrationFactory(event=event, user=UserFactory(is_active=False))

    with committed():
        assert attendance.registrations_remind(now=NOW) == 0

    assert mail.outbox == []
