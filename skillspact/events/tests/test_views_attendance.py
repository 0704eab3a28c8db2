"""Pages of tickets, check-in, attendance, feedback, certificates, calendars and data deletion:
wiring, permissions (owner / organiser / 404) and forms that keep input."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from skillspact.core.models import AuditEntry
from skillspact.events import attendance
from skillspact.events.factories import (
    EventFactory,
    EventSessionFactory,
    QuestionFactory,
    RegistrationFactory,
)
from skillspact.events.models import CalendarFeed, Event, Feedback, Registration, SessionChoice

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def past_event(**kwargs: object) -> Event:
    starts = NOW - datetime.timedelta(days=3)
    return EventFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=8), **kwargs)


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


# -- calendar files and feeds ------------------------------------------------------------------


def test_the_owner_downloads_the_calendar_file_and_others_get_404(client, outsider):
    registration = RegistrationFactory()
    url = reverse("events:registration_calendar", args=[registration.public_id])

    client.force_login(registration.user)
    response = client.get(url)
    client.force_login(outsider)
    denied = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{registration.event.slug}.ics"'
    )
    [vevent] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{registration.event.public_id}@skillspact"
    assert denied.status_code == 404


def test_the_feed_needs_no_login_and_an_unknown_token_is_404(client, health_worker):
    registration = RegistrationFactory(user=health_worker)
    feed = attendance.calendar_feed_create(actor=health_worker)

    response = client.get(reverse("events:calendar_feed", args=[feed.token]))
    unknown = client.get(reverse("events:calendar_feed", args=["not-a-token"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    uids = [str(c["UID"]) for c in icalendar.Calendar.from_ical(response.content).walk("VEVENT")]
    assert uids == [f"event-{registration.event.public_id}@skillspact"]
    assert unknown.status_code == 404


def test_the_subscription_page_creates_on_request_and_reset_retires_the_old_address(
    client, health_worker
):
    client.force_login(health_worker)

    empty = client.get(reverse("events:calendar"))
    created = client.post(reverse("events:calendar"))
    old_token = CalendarFeed.objects.get(user=health_worker).token
    shown = client.get(reverse("events:calendar"))
    reset = client.post(reverse("events:calendar_reset"), {"next": "/events/mine/"})
    new_token = CalendarFeed.objects.get(user=health_worker).token

    assert b"Get my calendar address" in empty.content
    assert created.status_code == 302
    assert f"http://testserver/calendar/{old_token}.ics".encode() in shown.content
    assert reset.status_code == 302
    assert reset["Location"] == "/events/mine/"
    assert new_token != old_token
    assert client.get(reverse("events:calendar_feed", args=[old_token])).status_code == 404
    assert client.get(reverse("events:calendar_feed", args=[new_token])).status_code == 200


def test_reset_refuses_an_outside_next_address(client, health_worker):
    client.force_login(health_worker)

    response = client.post(reverse("events:calendar_reset"), {"next": "https://evil.example/"})

    assert response["Location"] == reverse("events:calendar")


def test_my_events_shows_the_feed_box(client, health_worker):
    client.force_login(health_worker)
    before = client.get(reverse("events:mine"))
    feed = attendance.calendar_feed_create(actor=health_worker)

    after = client.get(reverse("events:mine"))

    assert b"Get my calendar address" in before.content
    assert f"/calendar/{feed.token}.ics".encode() in after.content
    assert b"Reset the address" in after.content


# -- tickets -----------------------------------------------------------------------------------


def test_the_owner_sees_a_ticket_with_a_qr_code_and_others_get_404(client, outsider):
    registration = RegistrationFactory()
    url = reverse("events:ticket", args=[registration.public_id])

    client.force_login(registration.user)
    response = client.get(url)
    client.force_login(outsider)
    denied = client.get(url)

    assert response.status_code == 200
    assert b"<svg" in response.content
    assert b"ticket-qr-code" in response.content
    assert attendance.ticket_url(registration=registration) == (
        f"http://testserver/events/{registration.event.slug}/check-in/{registration.ticket_token}/"
    )
    assert denied.status_code == 404


def test_a_person_on_the_waitlist_has_no_qr_code_yet(client):
    registration = RegistrationFactory(
        status=Registration.Status.WAITLISTED, waitlisted_at=NOW, confirmed_at=None
    )
    client.force_login(registration.user)

    response = client.get(reverse("events:ticket", args=[registration.public_id]))

    assert response.status_code == 200
    assert b"<svg" not in response.content
    assert b"You get a ticket once your place is confirmed." in response.content


# -- check-in ----------------------------------------------------------------------------------


def test_the_check_in_page_is_for_organisers_and_others_get_404(
    client, outsider, secretariat_officer
):
    event = EventFactory()
    RegistrationFactory(event=event, user__full_name="Hana Novak", checked_in_at=NOW)
    RegistrationFactory(event=event, user__full_name="Ivo Horvat")
    url = reverse("events:check_in", args=[event.slug])

    client.force_login(outsider)
    denied = client.get(url)
    client.force_login(secretariat_officer)
    response = client.get(url)

    assert denied.status_code == 404
    assert response.status_code == 200
    assert b"1 of 2 checked in" in response.content
    assert b"Hana Novak" in response.content
    assert b"Ivo Horvat" in response.content


def test_the_live_search_answers_with_the_results_only(client, secretariat_officer):
    event = EventFactory()
    RegistrationFactory(event=event, user__full_name="Hana Novak")
    RegistrationFactory(event=event, user__full_name="Ivo Horvat")
    client.force_login(secretariat_officer)

    response = client.get(
        reverse("events:check_in", args=[event.slug]), {"q": "hana"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Hana Novak" in response.content
    assert b"Ivo Horvat" not in response.content


def test_the_check_in_list_answers_in_a_fixed_number_of_queries(
    client, secretariat_officer, django_assert_max_num_queries
):
    event = EventFactory()
    for _ in range(25):
        RegistrationFactory(event=event)
    client.force_login(secretariat_officer)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("events:check_in", args=[event.slug]))

    assert len(response.context["results"]) == 25


def test_the_qr_address_shows_the_person_and_a_confirm_button(client, secretariat_officer):
    registration = RegistrationFactory(user__full_name="Hana Novak")
    client.force_login(secretariat_officer)

    response = client.get(
        reverse("events:check_in_ticket", args=[registration.event.slug, registration.ticket_token])
    )

    assert response.status_code == 200
    assert b"Hana Novak" in response.content
    assert b"Confirm check-in" in response.content


def test_confirming_checks_in_and_a_second_time_says_when(client, secretariat_officer):
    registration = RegistrationFactory(event__time_zone="UTC")
    url = reverse(
        "events:check_in_ticket", args=[registration.event.slug, registration.ticket_token]
    )
    client.force_login(secretariat_officer)

    first = client.post(url, {"action": "check_in"}, follow=True)
    registration.refresh_from_db()
    second = client.post(url, {"action": "check_in"}, follow=True)

    time = registration.checked_in_at.astimezone(datetime.UTC).strftime("%H:%M")
    name = registration.user.full_name
    assert messages_of(first) == [f"{name} is checked in ({time})."]
    assert messages_of(second) == [f"{name} was already checked in at {time}."]
    assert f"Already checked in at {time}.".encode() in second.content
    assert AuditEntry.objects.filter(code="events.registration.checked_in").count() == 1


def test_checking_in_from_the_list_goes_back_to_the_search(client, secretariat_officer):
    registration = RegistrationFactory()
    client.force_login(secretariat_officer)

    response = client.post(
        reverse(
            "events:check_in_ticket", args=[registration.event.slug, registration.ticket_token]
        ),
        {"action": "check_in", "q": "hana"},
    )

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("events:check_in", args=[registration.event.slug]) + "?q=hana"
    )


def test_a_ticket_of_another_event_is_refused_without_showing_its_holder(
    client, secretariat_officer
):
    here = EventFactory()
    registration = RegistrationFactory(user__full_name="Someone Elsewhere")
    url = reverse("events:check_in_ticket", args=[here.slug, registration.ticket_token])
    client.force_login(secretariat_officer)

    shown = client.get(url)
    refused = client.post(url, {"action": "check_in"})

    assert b"This ticket belongs to another event." in shown.content
    assert b"Someone Elsewhere" not in shown.content
    assert refused.status_code == 409
    assert b"This ticket belongs to another event." in refused.content
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_a_cancelled_registration_is_refused_with_a_clear_message(client, secretariat_officer):
    registration = RegistrationFactory(status=Registration.Status.CANCELLED)
    client.force_login(secretariat_officer)

    response = client.post(
        reverse(
            "events:check_in_ticket", args=[registration.event.slug, registration.ticket_token]
        ),
        {"action": "check_in"},
    )

    assert response.status_code == 409
    assert b"This registration was cancelled (Cancelled)." in response.content
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_undo_takes_back_a_check_in(client, secretariat_officer):
    registration = RegistrationFactory(checked_in_at=NOW)
    client.force_login(secretariat_officer)

    response = client.post(
        reverse(
            "events:check_in_ticket", args=[registration.event.slug, registration.ticket_token]
        ),
        {"action": "undo"},
    )

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_people_who_do_not_organise_get_404_and_nothing_changes(client, outsider):
    registration = RegistrationFactory()
    url = reverse(
        "events:check_in_ticket", args=[registration.event.slug, registration.ticket_token]
    )

    client.force_login(registration.user)
    own_ticket = client.post(url, {"action": "check_in"})
    client.force_login(outsider)
    outsider_get = client.get(url)

    assert own_ticket.status_code == 404
    assert outsider_get.status_code == 404
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_an_anonymous_scan_is_sent_to_sign_in(client):
    registration = RegistrationFactory()
    url = reverse(
        "events:check_in_ticket", args=[registration.event.slug, registration.ticket_token]
    )

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_token_is_404(client, secretariat_officer):
    event = EventFactory()
    client.force_login(secretariat_officer)

    response = client.get(reverse("events:check_in_ticket", args=[event.slug, "nope"]))

    assert response.status_code == 404


# -- attendance list ---------------------------------------------------------------------------


def test_the_attendance_list_shows_people_sessions_answers_and_check_in(
    client, secretariat_officer, outsider
):
    event = EventFactory()
    QuestionFactory(event=event, label="Dietary requirements")
    group = EventSessionFactory(event=event, title="Group A")
    registration = RegistrationFactory(
        event=event,
        user__full_name="Hana Novak",
        answers={"Dietary requirements": "vegan"},
        checked_in_at=NOW,
    )
    SessionChoice.objects.create(registration=registration, session=group, status="confirmed")
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    url = reverse("events:attendance", args=[event.slug])

    client.force_login(outsider)
    denied = client.get(url)
    client.force_login(secretariat_officer)
    response = client.get(url)
    filtered = client.get(url, {"status": "cancelled"})

    assert denied.status_code == 404
    assert response.status_code == 200
    for text in (b"Hana Novak", b"Group A", b"Dietary requirements", b"vegan"):
        assert text in response.content
    assert b"Confirmed (1)" in response.content
    assert b"Cancelled (1)" in response.content
    assert [r.status for r in filtered.context["page"].object_list] == ["cancelled"]


def test_the_attendance_list_answers_in_a_fixed_number_of_queries(
    client, secretariat_officer, django_assert_max_num_queries
):
    event = EventFactory()
    groups = [EventSessionFactory(event=event) for _ in range(3)]
    for index in range(30):
        registration = RegistrationFactory(event=event)
        SessionChoice.objects.create(
            registration=registration, session=groups[index % 3], status="confirmed"
        )
    client.force_login(secretariat_officer)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("events:attendance", args=[event.slug]))

    assert response.context["page"].paginator.count == 30


def test_the_attendance_list_exports_csv_and_xlsx(client, secretariat_officer, outsider):
    registration = RegistrationFactory(user__full_name="Hana Novak")
    url = reverse("events:attendance", args=[registration.event.slug])
    client.force_login(secretariat_officer)

    as_csv = client.get(url, {"export": "csv"})
    as_xlsx = client.get(url, {"export": "xlsx"})
    client.force_login(outsider)
    denied = client.get(url, {"export": "csv"})

    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert "Hana Novak" in b"".join(as_csv.streaming_content).decode()
    assert as_xlsx["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert as_xlsx.content[:2] == b"PK"
    assert denied.status_code == 404


# -- feedback ----------------------------------------------------------------------------------


def test_feedback_opens_when_the_event_has_ended(client):
    registration = RegistrationFactory()
    client.force_login(registration.user)

    response = client.get(reverse("events:feedback", args=[registration.event.slug]))

    assert response.status_code == 200
    assert b"The feedback form opens when the event has ended." in response.content


def test_a_participant_sends_feedback_and_may_change_it(client):
    registration = RegistrationFactory(event=past_event())
    url = reverse("events:feedback", args=[registration.event.slug])
    client.force_login(registration.user)

    sent = client.post(url, {"rating": "4", "usefulness": "5", "comment": "Good groups"})
    form = client.get(url)
    changed = client.post(url, {"rating": "5", "usefulness": "", "comment": ""})

    assert sent.status_code == 302
    assert b"Good groups" in form.content
    assert changed.status_code == 302
    feedback = Feedback.objects.get(registration=registration)
    assert (feedback.rating, feedback.usefulness, feedback.comment) == (5, None, "")


def test_feedback_without_a_rating_keeps_what_was_typed(client):
    registration = RegistrationFactory(event=past_event())
    client.force_login(registration.user)

    response = client.post(
        reverse("events:feedback", args=[registration.event.slug]),
        {"usefulness": "3", "comment": "Please more time for questions"},
    )

    assert response.status_code == 422
    assert b"Please more time for questions" in response.content
    assert not Feedback.objects.exists()


def test_people_without_a_confirmed_place_get_404_for_feedback(client, outsider):
    event = past_event()
    client.force_login(outsider)

    response = client.post(reverse("events:feedback", args=[event.slug]), {"rating": "5"})

    assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_organisers_see_the_feedback_summary(client, secretariat_officer, outsider):
    event = past_event()
    Feedback.objects.create(
        registration=RegistrationFactory(event=event), rating=5, comment="Excellent"
    )
    url = reverse("events:feedback_results", args=[event.slug])

    client.force_login(outsider)
    denied = client.get(url)
    client.force_login(secretariat_officer)
    response = client.get(url)

    assert denied.status_code == 404
    assert response.status_code == 200
    assert response.context["summary"].count == 1
    assert b"Excellent" in response.content


# -- certificates ------------------------------------------------------------------------------


def test_a_checked_in_participant_downloads_a_certificate(client, secretariat_officer, outsider):
    registration = RegistrationFactory(
        event=past_event(), checked_in_at=NOW - datetime.timedelta(days=3)
    )
    url = reverse("events:certificate", args=[registration.public_id])

    client.force_login(registration.user)
    own = client.get(url)
    client.force_login(secretariat_officer)
    organiser = client.get(url)
    client.force_login(outsider)
    denied = client.get(url)

    assert own.status_code == 200
    assert own["Content-Type"] == "application/pdf"
    assert own.content.startswith(b"%PDF-")
    assert organiser.status_code == 200
    assert denied.status_code == 404


def test_no_certificate_for_someone_who_was_not_checked_in(client):
    registration = RegistrationFactory(event=past_event())
    client.force_login(registration.user)

    response = client.get(reverse("events:certificate", args=[registration.public_id]))

    assert response.status_code == 409
    assert b"Only people who were checked in at the event get a certificate." in response.content


# -- deleting one's data -----------------------------------------------------------------------


def test_deleting_ones_data_asks_first_then_deletes(client):
    registration = RegistrationFactory(event=past_event(), answers={"Diet": "vegan"})
    url = reverse("events:delete_data", args=[registration.public_id])
    client.force_login(registration.user)

    confirm = client.get(url)
    registration.refresh_from_db()
    assert registration.user is not None
    response = client.post(url)

    assert confirm.status_code == 200
    assert b"This cannot be undone." in confirm.content
    assert response.status_code == 302
    assert response["Location"] == reverse("events:mine")
    registration.refresh_from_db()
    assert (registration.user, registration.answers, registration.is_data_deleted) == (
        None,
        {},
        True,
    )


def test_data_cannot_be_deleted_before_the_end_or_by_someone_else(client, outsider):
    upcoming = RegistrationFactory(answers={"Diet": "vegan"})
    past = RegistrationFactory(event=past_event())

    client.force_login(upcoming.user)
    too_early = client.post(reverse("events:delete_data", args=[upcoming.public_id]))
    client.force_login(outsider)
    someone_else = client.post(reverse("events:delete_data", args=[past.public_id]))

    assert too_early.status_code == 409
    assert b"You can delete your registration data once the event has ended." in too_early.content
    assert someone_else.status_code == 404
    upcoming.refresh_from_db()
    past.refresh_from_db()
    assert upcoming.user is not None and upcoming.answers == {"Diet": "vegan"}
    assert past.user is not None


# -- the event page panel ----------------------------------------------------------------------


def test_the_event_page_links_a_confirmed_person_to_ticket_and_calendar(client):
    registration = RegistrationFactory()
    client.force_login(registration.user)

    response = client.get(reverse("events:detail", args=[registration.event.slug]))

    content = response.content.decode()
    assert reverse("events:ticket", args=[registration.public_id]) in content
    assert reverse("events:registration_calendar", args=[registration.public_id]) in content
    assert reverse("events:certificate", args=[registration.public_id]) not in content
    assert reverse("events:check_in", args=[registration.event.slug]) not in content


def test_after_the_event_the_page_offers_certificate_feedback_and_data_deletion(client):
    registration = RegistrationFactory(event=past_event(), checked_in_at=NOW)
    client.force_login(registration.user)

    response = client.get(reverse("events:detail", args=[registration.event.slug]))

    content = response.content.decode()
    assert reverse("events:ticket", args=[registration.public_id]) not in content
    assert reverse("events:certificate", args=[registration.public_id]) in content
    assert reverse("events:feedback", args=[registration.event.slug]) in content
    assert reverse("events:delete_data", args=[registration.public_id]) in content


def test_organisers_find_check_in_attendance_and_export_on_the_event_page(
    client, secretariat_officer
):
    event = EventFactory()
    client.force_login(secretariat_officer)

    response = client.get(reverse("events:detail", args=[event.slug]))

    content = response.content.decode()
    assert reverse("events:check_in", args=[event.slug]) in content
    assert reverse("events:attendance", args=[event.slug]) in content
    assert reverse("events:attendance", args=[event.slug]) + "?export=csv" in content
