"""Parallel issuing on PostgreSQL: two credentials issued at once never share a status bit."""

from __future__ import annotations

import pytest
from django.db import connection

from skillspact.accounts.factories import UserFactory
from skillspact.credentials import services
from skillspact.credentials.factories import CompletedEnrolmentFactory
from skillspact.credentials.models import Credential, IssuerKey, StatusList
from skillspact.training.factories import CourseFactory
from tests.concurrency.test_parallel import run_in_parallel

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel transactions are tested on PostgreSQL")


def test_credentials_issued_at_the_same_moment_get_different_status_indexes():
    course = CourseFactory()
    officer = UserFactory(is_secretariat=True)
    enrolments = CompletedEnrolmentFactory.create_batch(4, course=course)

    results = run_in_parallel(
        [
            lambda enrolment=enrolment: (
                services.credential_issue(enrolment=enrolment, actor=officer).status_index
            )
            for enrolment in enrolments
        ]
    )

    assert sorted(results) == [0, 1, 2, 3]
    assert StatusList.objects.count() == 1
    assert StatusList.objects.get().next_index == 4
    # The first issue made the issuer's key; the others waited for it and signed with it.
    assert IssuerKey.objects.count() == 1
    assert Credential.objects.values("issuer_key").distinct().count() == 1


def test_the_same_enrolment_issued_twice_at_once_gets_one_credential():
    enrolment = CompletedEnrolmentFactory()
    officer = UserFactory(is_secretariat=True)

    results = run_in_parallel(
        [lambda: services.credential_issue(enrolment=enrolment, actor=officer) for _ in range(2)]
    )

    assert sorted(type(result).__name__ for result in results) == ["AlreadyIssued", "Credential"]
    assert Credential.objects.count() == 1
