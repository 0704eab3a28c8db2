"""Events, walked in Chromium: an event fills up, its waitlist moves and a ticket is scanned at
the door; a networking event's meeting requests are accepted, scheduled and shown on agendas."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
import segno
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Dialog, Page, expect

from skillspact.accounts.factories import UserFactory
from skillspact.accounts.models import User
from skillspact.events.factories import (
    EventFactory,
    NetworkingProfileFactory,
    RegistrationFactory,
)
from skillspact.events.models import (
    Availability,
    Event,
    EventSession,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    Registration,
    SessionChoice,
)
from tests.browser.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NewPage = Callable[[], Page]

EVENT_TITLE = "Digital skills for ward nurses: Brussels workshop"


def _accept_confirm(page: Page) -> None:
    """The next `confirm()` the page asks is answered with OK, as a person clicking it would."""

    def accept(dialog: Dialog) -> None:
        dialog.accept()

    page.once("dialog", accept)


def _qr_path(url: str) -> str:
    """The drawing of a QR code holding `url`, as the ticket page renders it."""
    svg = segno.make(url, error="m").svg_inline(scale=6, border=2, omitsize=True)
    found = re.search(r' d="([^"]+)"', svg)
    assert found is not None
    return found.group(1)


def _open_event(page: Page, title: str) -> None:
    page.get_by_role("link", name="Events", exact=True).click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_an_event_fills_up_a_waitlisted_person_is_promoted_and_checked_in_by_qr(
    page: Page, new_page: NewPage, secretariat_officer: User, password: str
) -> None:
    day = timezone.localdate() + datetime.timedelta(days=30)
    ana = UserFactory(email="ana@hospital-porto.example.pt", full_name="Ana Almeida")
    bruno = UserFactory(email="bruno@vet-school.example.be", full_name="Bruno Berger")
    chiara = UserFactory(email="chiara@asl-roma.example.it", full_name="Chiara Conti")

    # Given the secretariat creates a workshop with two places
    officer = page
    sign_in(officer, email=secretariat_officer.email, password=password)
    officer.get_by_role("link", name="Events", exact=True).click()
    officer.get_by_role("link", name="Create an event").first.click()
    officer.get_by_label("Title").fill(EVENT_TITLE)
    officer.get_by_label("Type", exact=True).select_option(label="Workshop")
    officer.get_by_label("Summary").fill("Two discussion groups on telehealth and records.")
    officer.get_by_label("Starts").fill(f"{day.isoformat()}T09:00")
    officer.get_by_label("Ends").fill(f"{day.isoformat()}T17:00")
    officer.get_by_label("Format").select_option(label="In person")
    officer.get_by_label("Venue").fill("Square Brussels Meeting Centre")
    officer.get_by_label("Places").fill("2")
    officer.get_by_role("button", name="Save as draft").click()
    expect(officer.get_by_role("status")).to_have_text(
        "The event is saved as a draft. Add its programme, then publish it."
    )

    # And adds two discussion groups at the same time, one place each
    for title in ("Telehealth at the bedside", "Electronic health records"):
        officer.get_by_role("link", name="Add a session").click()
        officer.get_by_label("Title").fill(title)
        officer.get_by_label("Type").select_option(label="Discussion group")
        officer.get_by_label("Starts").fill(f"{day.isoformat()}T10:00")
        officer.get_by_label("Ends").fill(f"{day.isoformat()}T12:00")
        officer.get_by_label("Places").fill("1")
        officer.get_by_role("button", name="Save the session").click()
        expect(officer.get_by_role("row", name=re.compile(title))).to_be_visible()

    # And publishes it
    officer.get_by_role("button", name="Publish").click()
    expect(officer.get_by_role("status")).to_have_text("The event is published.")
    event = Event.objects.get(title=EVENT_TITLE)
    assert event.capacity == 2
    assert event.sessions.count() == 2

    # When two people register, each for a discussion group
    people = {}
    for person, group in ((ana, "Telehealth at the bedside"), (bruno, "Electronic health records")):
        person_page = new_page()
        sign_in(person_page, email=person.email, password=password)
        _open_event(person_page, EVENT_TITLE)
        person_page.get_by_label(re.compile(group)).check()
        person_page.get_by_role("button", name="Register", exact=True).click()
        expect(person_page.get_by_role("status")).to_have_text(
            "You are registered. A confirmation is on its way to your inbox."
        )
        expect(person_page.get_by_text("Confirmed", exact=True)).to_be_visible()
        people[person.pk] = person_page

    # Then the third person finds the event full and joins the waitlist for it and for a group
    third = new_page()
    sign_in(third, email=chiara.email, password=password)
    _open_event(third, EVENT_TITLE)
    expect(third.get_by_text("2 of 2 taken")).to_be_visible()
    expect(third.get_by_text("The event is full. Register to join the waitlist")).to_be_visible()
    third.get_by_label(re.compile("Telehealth at the bedside")).check()
    third.get_by_role("button", name="Join the waitlist").click()
    expect(third.get_by_role("status")).to_have_text(
        "The event is full: you are on the waitlist and will hear from us when a place frees up."
    )
    expect(third.get_by_text("You are number 1 on the waitlist.")).to_be_visible()
    expect(
        third.get_by_role("row", name=re.compile("Telehealth at the bedside")).get_by_text(
            "Waitlist", exact=True
        )
    ).to_be_visible()
    expect(third.get_by_role("link", name="Ticket with QR code")).to_have_count(0)

    # When the first person cancels
    first = people[ana.pk]
    _accept_confirm(first)
    first.get_by_role("button", name="Cancel my registration").click()
    expect(first.get_by_role("status")).to_have_text("The registration is cancelled.")

    # Then the waiting person has the place, and the group place the first person left
    third.reload()
    expect(third.get_by_text("Confirmed", exact=True)).to_be_visible()
    expect(third.get_by_text("A place freed up and is now yours.")).to_be_visible()
    expect(third.get_by_role("button", name="Decline the place")).to_be_visible()
    expect(
        third.get_by_role("row", name=re.compile("Telehealth at the bedside")).get_by_text(
            "You are in"
        )
    ).to_be_visible()
    promoted_mail = [m for m in mail.outbox if m.to == [chiara.email]][-1]
    assert promoted_mail.subject == f"A place is yours: {EVENT_TITLE}"

    # And their ticket's QR code holds the organisers' check-in address for their registration
    third.get_by_role("link", name="Ticket with QR code").click()
    expect(third.get_by_role("heading", name="Your ticket")).to_be_visible()
    expect(third.get_by_text("Show this code at the entrance.")).to_be_visible()
    # (the test reads the code as a phone would: it finds which ticket address draws it)
    drawn = third.locator("svg.ticket-qr-code path").get_attribute("d")
    tickets = {
        settings.SITE_URL
        + reverse("events:check_in_ticket", args=[event.slug, r.ticket_token]): r.user.full_name
        for r in Registration.objects.filter(event=event).select_related("user")
    }
    read = [url for url in tickets if _qr_path(url) == drawn]
    assert len(read) == 1
    check_in_url = read[0]
    assert tickets[check_in_url] == "Chiara Conti"

    # When the organiser scans it at the door and confirms
    officer.goto(urlsplit(check_in_url).path)
    expect(officer.get_by_role("heading", name="Chiara Conti")).to_be_visible()
    expect(officer.get_by_text("0 of 2 checked in")).to_be_visible()
    officer.get_by_role("button", name="Confirm check-in").click()
    expect(officer.get_by_role("status").first).to_contain_text("Chiara Conti is checked in")
    expect(officer.get_by_text("1 of 2 checked in")).to_be_visible()

    # Then the attendance list shows them checked in, and nobody else
    officer.get_by_role("link", name="Back to the check-in list").click()
    officer.get_by_role("link", name="Attendance", exact=True).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(f"Attendance: {EVENT_TITLE}")
    chiara_row = officer.get_by_role("row", name=re.compile("Chiara Conti"))
    expect(chiara_row.get_by_role("cell").last.locator("time")).to_be_visible()
    bruno_row = officer.get_by_role("row", name=re.compile("Bruno Berger"))
    expect(bruno_row.get_by_role("cell").last).to_have_text("no")

    # And the database agrees
    statuses = {
        r.user.full_name: (r.status, r.checked_in_at is not None, r.promoted_at is not None)
        for r in Registration.objects.filter(event=event).select_related("user")
    }
    assert statuses == {
        "Ana Almeida": (Registration.Status.CANCELLED, False, False),
        "Bruno Berger": (Registration.Status.CONFIRMED, False, False),
        "Chiara Conti": (Registration.Status.CONFIRMED, True, True),
    }
    groups = {
        (choice.registration.user.full_name, choice.session.title): choice.status
        for choice in SessionChoice.objects.filter(session__event=event).select_related(
            "registration__user", "session"
        )
    }
    assert groups == {
        ("Bruno Berger", "Electronic health records"): SessionChoice.Status.CONFIRMED,
        ("Chiara Conti", "Telehealth at the bedside"): SessionChoice.Status.CONFIRMED,
    }
    assert set(EventSession.objects.filter(event=event).values_list("capacity", flat=True)) == {1}


def _agenda(page: Page) -> list[tuple[str, str, str]]:
    """(time, table, with whom) of each meeting on the person's agenda page."""
    table = page.get_by_role("table", name="My meetings")
    rows = []
    for row in table.locator("tbody tr").all():
        when, number, other = row.get_by_role("cell").all()[:3]
        name = other.get_by_role("link").inner_text()
        rows.append((when.inner_text(), number.inner_text(), name))
    return rows


def test_a_networking_event_requests_are_accepted_scheduled_and_each_agenda_is_clash_free(
    page: Page, new_page: NewPage, secretariat_officer: User, password: str
) -> None:
    # Given a published networking event with two tables and at most three meetings a person
    title = "Health workforce matchmaking day"
    event = EventFactory(
        slug="health-workforce-matchmaking",
        title=title,
        kind=Event.Kind.NETWORKING,
        meeting_tables=2,
        meeting_cap=3,
    )
    names = ["Ana Almeida", "Bruno Berger", "Chiara Conti", "Dario Duarte"]
    people = {
        name: UserFactory(email=f"{name.split()[0].lower()}@example.eu", full_name=name)
        for name in names
    }
    registrations = {
        name: RegistrationFactory(event=event, user=user) for name, user in people.items()
    }
    for name in ("Chiara Conti", "Dario Duarte"):
        NetworkingProfileFactory(
            registration=registrations[name],
            offers="Simulation training for telehealth.",
            seeks="Clinical placements for nursing students.",
        )

    # And the organiser sets three meeting slots of twenty minutes
    officer = page
    sign_in(officer, email=secretariat_officer.email, password=password)
    _open_event(officer, title)
    officer.get_by_role("link", name="Meeting slots and tables").click()
    officer.get_by_label("Minutes per slot").fill("20")
    officer.get_by_label("Number of slots").fill("3")
    officer.get_by_role("button", name="Add the slots").click()
    expect(officer.get_by_role("status")).to_have_text("3 slots added.")
    expect(officer.get_by_role("heading", name="3 slots")).to_be_visible()
    slots = list(event.meeting_slots.order_by("starts_at"))
    assert len(slots) == 3
    for name in ("Chiara Conti", "Dario Duarte"):
        Availability.objects.bulk_create(
            Availability(registration=registrations[name], slot=slot) for slot in slots
        )

    # When two participants fill in their profile and say when they can meet
    pages = {}
    profiles = {
        "Ana Almeida": (
            "Nurse educator, Centro Hospitalar do Porto",
            "Healthcare provider",
            "Clinical placements for nursing students.",
            "Simulation training for telehealth.",
        ),
        "Bruno Berger": (
            "Director, VET school for care professions",
            "Education and training provider — VET",
            "Simulation training for telehealth.",
            "Clinical placements for nursing students.",
        ),
    }
    for name, (headline, stakeholder, offers, seeks) in profiles.items():
        person = new_page()
        sign_in(person, email=people[name].email, password=password)
        _open_event(person, title)
        person.get_by_role("link", name="My networking profile").click()
        person.get_by_label("Role and organisation").fill(headline)
        person.get_by_label("What I offer").fill(offers)
        person.get_by_label("What I am looking for").fill(seeks)
        person.get_by_label("Stakeholder type").select_option(label=stakeholder)
        expect(
            person.get_by_label("Other participants can find me and ask me for a meeting")
        ).to_be_checked()
        person.get_by_role("button", name="Save my profile").click()
        expect(person.get_by_role("status")).to_have_text("Your networking profile is saved.")
        person.get_by_role("link", name="Availability").click()
        slot_boxes = person.get_by_role("group", name="Meeting slots").get_by_role("checkbox")
        expect(slot_boxes).to_have_count(3)
        for box in slot_boxes.all():
            box.check()
        person.get_by_role("button", name="Save my availability").click()
        expect(person.get_by_role("status")).to_have_text("Your availability is saved.")
        pages[name] = person

    # And Ana asks a participant suggested to her for a meeting
    ana = pages["Ana Almeida"]
    ana.get_by_role("link", name="Suggestions", exact=True).click()
    expect(ana.get_by_role("heading", level=1)).to_have_text("Whom to meet")
    suggested = ana.get_by_role("listitem").filter(
        has=ana.get_by_role("heading", name="Chiara Conti")
    )
    expect(suggested).to_contain_text("Offers what you look for")
    suggested.get_by_role("link", name="See Chiara Conti's profile and ask for a meeting").click()
    ana.get_by_label("Message").fill("Could your simulation centre train our ward nurses?")
    ana.get_by_role("button", name="Ask Chiara Conti for a meeting").click()
    expect(ana.get_by_role("status")).to_have_text("Your request is sent to Chiara Conti.")

    # And two more from the participants list, and Bruno asks Chiara too
    for sender, recipient in (
        ("Ana Almeida", "Bruno Berger"),
        ("Ana Almeida", "Dario Duarte"),
        ("Bruno Berger", "Chiara Conti"),
    ):
        person = pages[sender]
        person.get_by_role("link", name="Participants", exact=True).click()
        person.get_by_role("link", name=recipient).click()
        person.get_by_label("Message").fill("Shall we talk about clinical placements?")
        person.get_by_role("button", name=f"Ask {recipient} for a meeting").click()
        expect(person.get_by_role("status")).to_have_text(f"Your request is sent to {recipient}.")

    # And the others accept what they received
    for name in ("Chiara Conti", "Dario Duarte"):
        person = new_page()
        sign_in(person, email=people[name].email, password=password)
        _open_event(person, title)
        person.get_by_role("link", name="My meeting requests").click()
        pages[name] = person
    pages["Bruno Berger"].get_by_role("link", name="Requests", exact=True).click()
    for name, count in (("Bruno Berger", 1), ("Chiara Conti", 2), ("Dario Duarte", 1)):
        person = pages[name]
        waiting = person.get_by_role("region", name=re.compile("Waiting for your answer"))
        for left in range(count, 0, -1):
            expect(waiting.get_by_role("button", name="Accept")).to_have_count(left)
            waiting.get_by_role("button", name="Accept").first.click()
            expect(person.get_by_role("status")).to_have_text("Request accepted.")
        expect(person.get_by_text("No request waits for your answer.")).to_be_visible()
    assert (
        MeetingRequest.objects.filter(event=event, status=MeetingRequest.Status.ACCEPTED).count()
        == 4
    )

    # When the organiser runs the scheduler and publishes the preliminary agenda
    officer.get_by_role("link", name="Scheduler", exact=True).click()
    expect(officer.get_by_text("The scheduler has not run yet.")).to_be_visible()
    officer.get_by_role("button", name="Run the scheduler").click()
    expect(officer.get_by_role("status")).to_have_text(
        "The scheduler is running; this page shows its progress."
    )
    run_row = officer.get_by_role("table", name="Scheduler runs").locator("tbody tr").first
    expect(run_row.get_by_role("cell").nth(1)).to_have_text("Done", timeout=15_000)
    expect(run_row.get_by_role("cell").nth(2)).to_have_text("4 of 4")
    officer.get_by_role("button", name="Publish the preliminary agenda").click()
    expect(officer.get_by_role("status")).to_have_text(
        "The preliminary agenda is published and sent to 4 participants."
    )

    # Then each participant's agenda lists their meetings, never two at the same time
    expected_partners = {
        "Ana Almeida": {"Bruno Berger", "Chiara Conti", "Dario Duarte"},
        "Bruno Berger": {"Ana Almeida", "Chiara Conti"},
        "Chiara Conti": {"Ana Almeida", "Bruno Berger"},
        "Dario Duarte": {"Ana Almeida"},
    }
    seen: dict[tuple[str, str], set[str]] = {}
    for name, partners in expected_partners.items():
        person = pages[name]
        person.get_by_role("link", name="My agenda").first.click()
        expect(person.get_by_role("heading", level=1)).to_have_text("My agenda Preliminary")
        agenda = _agenda(person)
        assert {other for _when, _table, other in agenda} == partners, name
        times = [when for when, _table, _other in agenda]
        assert len(times) == len(set(times)), f"{name} has two meetings at once: {times}"
        for when, table, other in agenda:
            assert table in {"1", "2"}
            seen.setdefault((when, table), set()).update({name, other})
    # Both sides see the same meeting at the same table, and a table holds one meeting a slot
    assert all(len(pair) == 2 for pair in seen.values()), seen
    assert len(seen) == 4

    # And the database agrees: every accepted request is placed, nobody is in two places at once
    meetings = list(Meeting.objects.filter(slot__event=event).select_related("request"))
    assert len(meetings) == 4
    assert {m.request_id for m in meetings} == set(
        MeetingRequest.objects.filter(event=event, status="accepted").values_list("pk", flat=True)
    )
    seats = list(MeetingSeat.objects.filter(meeting__slot__event=event))
    assert len(seats) == 8
    assert len({(seat.registration_id, seat.slot_id) for seat in seats}) == 8
    assert len({(m.slot_id, m.table) for m in meetings}) == 4
    for meeting in meetings:
        parties = {meeting.request.sender_id, meeting.request.recipient_id}
        assert {s.registration_id for s in seats if s.meeting_id == meeting.pk} == parties
        assert 1 <= meeting.table <= 2
    per_person = dict.fromkeys(names, 0)
    for seat in seats:
        per_person[next(n for n, r in registrations.items() if r.pk == seat.registration_id)] += 1
    assert per_person == {
        "Ana Almeida": 3,
        "Bruno Berger": 2,
        "Chiara Conti": 2,
        "Dario Duarte": 1,
    }
    event.refresh_from_db()
    assert event.agenda_state == Event.AgendaState.PRELIMINARY
    agenda_mails = [
        m for m in mail.outbox if m.subject == f"Your preliminary meeting agenda: {title}"
    ]
    assert sorted(m.to[0] for m in agenda_mails) == sorted(u.email for u in people.values())
