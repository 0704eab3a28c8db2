"""The demo's events: a past workshop, a full webinar, a networking event with an agenda."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.accounts.models import User
from skillspact.events import demo_data
from skillspact.events.models import (
    Event,
    EventSession,
    Meeting,
    MeetingSeat,
    Registration,
    SessionChoice,
)
from skillspact.organisations.factories import AffiliationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(secretariat_officer: User) -> demo_data.Seeded:
    worker = UserFactory(email="worker@demo.example.eu")
    for n in range(120):
        person = UserFactory()
        if n % 2:
            AffiliationFactory(user=person, organisation=OrganisationFactory(), role="member")
    return demo_data.seed(
        seed=7, secretariat=secretariat_officer, worker=worker, contact_organisation=None
    )


def test_the_past_workshop_has_five_groups_three_interactive_sessions_and_attendance(seeded):
    workshop = Event.objects.get(slug="brussels-workshop-digital-green-skills")

    kinds = Counter(workshop.sessions.values_list("kind", flat=True))
    assert kinds == {"group": 5, "interactive": 3, "plenary": 1}
    assert workshop.ends_at < timezone.now()
    assert workshop.registrations.count() == 35
    assert 25 <= workshop.registrations.filter(checked_in_at__isnull=False).count() <= 35
    # Nobody is in more places than a group has.
    for group in workshop.sessions.filter(kind="group"):
        assert SessionChoice.objects.filter(session=group).count() <= group.capacity


def test_the_webinar_is_full_with_the_demo_worker_on_its_waitlist(seeded):
    webinar = Event.objects.get(slug="webinar-ai-in-clinical-practice")

    assert webinar.registrations.filter(status="confirmed").count() == webinar.capacity
    waiting = list(
        webinar.registrations.filter(status="waitlisted").order_by("waitlisted_at", "id")
    )
    assert len(waiting) == demo_data.WEBINAR_WAITING
    assert waiting[3].user.email == "worker@demo.example.eu"


def test_the_networking_agenda_has_no_clash_and_respects_caps_and_tables(seeded):
    event = Event.objects.get(slug="networking-day-health-skills")

    assert event.agenda_state == Event.AgendaState.PRELIMINARY
    assert seeded.meetings > 0
    assert seeded.meetings <= seeded.upper_bound
    meetings = Meeting.objects.filter(slot__event=event)
    assert meetings.count() == seeded.meetings
    per_slot = Counter(meetings.values_list("slot_id", flat=True))
    assert max(per_slot.values()) <= event.meeting_tables
    seats = Counter(
        MeetingSeat.objects.filter(slot__event=event).values_list("registration_id", "slot_id")
    )
    assert max(seats.values()) == 1
    per_person = Counter(
        MeetingSeat.objects.filter(slot__event=event).values_list("registration_id", flat=True)
    )
    assert max(per_person.values()) <= event.meeting_cap
    # Nobody meets during the pitches they chose.
    pitch = EventSession.objects.get(event=event, kind="track")
    busy = set(
        SessionChoice.objects.filter(session=pitch).values_list("registration_id", flat=True)
    )
    for seat in MeetingSeat.objects.filter(
        slot__event=event, registration_id__in=busy
    ).select_related("slot"):
        assert not pitch.overlaps(seat.slot.starts_at, seat.slot.ends_at)


def test_the_same_seed_gives_the_same_events(secretariat_officer):
    for _ in range(30):
        UserFactory()
    first = demo_data.seed(seed=3, secretariat=secretariat_officer)
    counts = (first.registrations, first.requests)
    Event.objects.all().delete()
    second = demo_data.seed(seed=3, secretariat=secretariat_officer)

    assert (second.registrations, second.requests) == counts
    assert Registration.objects.count() == counts[0]
