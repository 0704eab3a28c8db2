"""Parallel enrolments on PostgreSQL: the last place in a course goes to one person."""

from __future__ import annotations

import pytest
from django.db import connection

from skillspact.accounts.factories import UserFactory
from skillspact.training import enrolments
from skillspact.training.factories import CourseFactory, EnrolmentFactory
from skillspact.training.models import Enrolment
from tests.concurrency.test_parallel import run_in_parallel

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel transactions are tested on PostgreSQL")


def test_the_last_place_goes_to_one_of_two_people_enrolling_at_the_same_moment():
    course = CourseFactory(places=1)
    people = UserFactory.create_batch(2)

    results = run_in_parallel(
        [
            lambda person=person: (
                enrolments.enrolment_create(course=course, user=person, actor=person).status
            )
            for person in people
        ]
    )

    assert sorted(results) == ["enrolled", "waitlisted"]
    assert Enrolment.objects.filter(course=course, status="enrolled").count() == 1


def test_the_last_place_goes_to_one_of_many_parallel_enrolments():
    course = CourseFactory(places=3)
    EnrolmentFactory.create_batch(2, course=course)
    people = UserFactory.create_batch(6)

    results = run_in_parallel(
        [
            lambda person=person: (
                enrolments.enrolment_create(course=course, user=person, actor=person).status
            )
            for person in people
        ]
    )

    assert sorted(results) == ["enrolled", *["waitlisted"] * 5]
    assert Enrolment.objects.filter(course=course, status="enrolled").count() == 3
    queue = Enrolment.objects.filter(course=course, status="waitlisted").order_by(
        "waitlisted_at", "id"
    )
    assert [enrolments.waitlist_position(enrolment=e) for e in queue] == [1, 2, 3, 4, 5]


def test_the_same_person_enrolling_twice_at_once_gets_one_enrolment():
    course = CourseFactory(places=5)
    person = UserFactory()

    results = run_in_parallel(
        [
            lambda: enrolments.enrolment_create(course=course, user=person, actor=person),
            lambda: enrolments.enrolment_create(course=course, user=person, actor=person),
        ]
    )

    assert sorted(type(result).__name__ for result in results) == ["AlreadyEnrolled", "Enrolment"]
    assert Enrolment.objects.filter(course=course, user=person).count() == 1


def test_a_freed_place_goes_once_when_one_cancels_and_another_enrols_at_once():
    course = CourseFactory(places=1)
    holder = EnrolmentFactory(course=course)
    waiting = EnrolmentFactory(
        course=course, status="waitlisted", enrolled_at=None, waitlisted_at=holder.enrolled_at
    )
    newcomer = UserFactory()

    results = run_in_parallel(
        [
            lambda: enrolments.enrolment_cancel(enrolment=holder, actor=holder.user).status,
            lambda: (
                enrolments.enrolment_create(course=course, user=newcomer, actor=newcomer).status
            ),
        ]
    )

    assert results[0] == "cancelled"
    assert Enrolment.objects.filter(course=course, status="enrolled").count() == 1
    waiting.refresh_from_db()
    # Whoever came first, the person already waiting is ahead of the newcomer.
    assert waiting.status == "enrolled"
    assert results[1] == "waitlisted"
