"""Parallel registrations on PostgreSQL: the last seat of an event or a session goes to one."""

from __future__ import annotations

import pytest
from django.db import connection

from skillspact.accounts.factories import UserFactory
from skillspact.events import services
from skillspact.events.factories import EventFactory, EventSessionFactory, RegistrationFactory
from skillspact.events.models import Registration, SessionChoice
from tests.concurrency.test_parallel import run_in_parallel

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel transactions are tested on PostgreSQL")


def test_last_seat_goes_to_one_of_several_parallel_registrations():
    event = EventFactory(capacity=3)
    RegistrationFactory.create_batch(2, event=event)
    people = UserFactory.create_batch(4)

    results = run_in_parallel(
        [
            lambda person=person: (
                services.registration_create(event=event, user=person, actor=person).status
            )
            for person in people
        ]
    )

    assert sorted(results) == ["confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert Registration.objects.filter(event=event, status="confirmed").count() == 3


def test_a_freed_seat_goes_once_when_two_people_cancel_and_register_at_once():
    event = EventFactory(capacity=1)
    holder = RegistrationFactory(event=event)
    newcomer = UserFactory()

    results = run_in_parallel(
        [
            lambda: services.registration_cancel(registration=holder, actor=holder.user).status,
            lambda: services.registration_create(event=event, user=newcomer, actor=newcomer).status,
        ]
    )

    assert results[0] == "cancelled"
    assert Registration.objects.filter(event=event, status="confirmed").count() == 1


def test_last_session_place_goes_to_one_of_two_parallel_joins():
    event = EventFactory()
    group = EventSessionFactory(event=event, capacity=1)
    first, second = RegistrationFactory.create_batch(2, event=event)

    results = run_in_parallel(
        [
            lambda registration=registration: (
                services.session_join(
                    registration=registration, session=group, actor=registration.user
                ).status
            )
            for registration in (first, second)
        ]
    )

    assert sorted(results) == ["confirmed", "waitlisted"]
    assert SessionChoice.objects.filter(session=group, status="confirmed").count() == 1
