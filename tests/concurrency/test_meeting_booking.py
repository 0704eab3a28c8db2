"""Parallel meeting bookings on PostgreSQL: the last table of a slot goes once, and nobody sits
in two meetings of one slot."""

from __future__ import annotations

import pytest
from django.db import connection

from skillspact.events import networking
from skillspact.events.models import Meeting, MeetingSeat
from skillspact.events.tests.test_networking import (
    accepted,
    make_slots,
    networking_event,
    participant,
)
from tests.concurrency.test_parallel import run_in_parallel

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel transactions are tested on PostgreSQL")


def test_two_pairs_booking_the_last_table_at_once_get_it_once():
    event = networking_event(tables=1)
    slot = make_slots(event, 1)[0]
    people = [participant(event, available=[slot]) for _ in range(4)]
    requests = [accepted(people[0], people[1]), accepted(people[2], people[3])]

    results = run_in_parallel(
        [
            lambda request=request: networking.meeting_book(
                request=request, slot=slot, actor=request.sender.user
            )
            for request in requests
        ]
    )

    assert sum(isinstance(result, Meeting) for result in results) == 1
    errors = [result for result in results if not isinstance(result, Meeting)]
    assert [type(error) for error in errors] == [networking.SlotTaken], [repr(r) for r in results]
    assert Meeting.objects.filter(slot=slot).count() == 1
    assert MeetingSeat.objects.filter(slot=slot).count() == 2


def test_one_person_booked_from_two_requests_into_one_slot_at_once_meets_once():
    event = networking_event(tables=5)
    slot = make_slots(event, 1)[0]
    anna, ben, cleo = (participant(event, available=[slot]) for _ in range(3))
    requests = [accepted(anna, ben), accepted(anna, cleo)]

    results = run_in_parallel(
        [
            lambda request=request: networking.meeting_book(
                request=request, slot=slot, actor=request.recipient.user
            )
            for request in requests
        ]
    )

    assert sum(isinstance(result, Meeting) for result in results) == 1
    assert sum(isinstance(result, networking.SlotTaken) for result in results) == 1
    assert MeetingSeat.objects.filter(registration=anna, slot=slot).count() == 1
    assert Meeting.objects.count() == 1


def test_many_pairs_racing_for_three_tables_fill_them_exactly():
    event = networking_event(tables=3)
    slot = make_slots(event, 1)[0]
    people = [participant(event, available=[slot]) for _ in range(12)]
    requests = [accepted(people[2 * i], people[2 * i + 1]) for i in range(6)]

    results = run_in_parallel(
        [
            lambda request=request: networking.meeting_book(
                request=request, slot=slot, actor=request.sender.user
            )
            for request in requests
        ]
    )

    assert sum(isinstance(result, Meeting) for result in results) == 3
    assert sorted(Meeting.objects.values_list("table", flat=True)) == [1, 2, 3]
