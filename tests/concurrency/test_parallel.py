"""Parallel requests on PostgreSQL: a decision is taken once, an address is taken once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from skillspact.accounts import services as account_services
from skillspact.accounts.factories import UserFactory
from skillspact.accounts.models import User
from skillspact.core.errors import DomainError
from skillspact.organisations import services
from skillspact.organisations.factories import ApplicationFactory
from skillspact.organisations.models import Affiliation, Organisation

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel transactions are tested on PostgreSQL")


def run_in_parallel(calls: list[Callable[[], Any]]) -> list[Any]:
    """Start every call at the same moment in its own thread and connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_officers_approving_at_once_create_one_member():
    officers = [UserFactory(is_secretariat=True) for _ in range(2)]
    application = ApplicationFactory(status="submitted")

    results = run_in_parallel(
        [
            lambda officer=officer: services.application_approve(
                application=application, actor=officer
            )
            for officer in officers
        ]
    )

    assert sum(isinstance(result, Organisation) for result in results) == 1
    assert sum(isinstance(result, DomainError) for result in results) == 1
    assert Organisation.objects.filter(legal_name=application.legal_name).count() == 1
    assert Affiliation.objects.filter(user=application.applicant).count() == 1


def test_approve_and_reject_at_once_leave_one_decision():
    officer = UserFactory(is_secretariat=True)
    application = ApplicationFactory(status="submitted")

    results = run_in_parallel(
        [
            lambda: services.application_approve(application=application, actor=officer),
            lambda: services.application_reject(
                application=application, actor=officer, reason="No."
            ),
        ]
    )

    application.refresh_from_db()
    assert sum(isinstance(result, DomainError) for result in results) == 1
    expected_members = 1 if application.status == "approved" else 0
    assert Organisation.objects.count() == expected_members


def test_two_sign_ups_with_one_address_create_one_account():
    results = run_in_parallel(
        [
            lambda: account_services.user_signup(
                email="twin@example.org", full_name="Twin", password="a-long-pass-phrase-1"
            )
            for _ in range(4)
        ]
    )

    assert User.objects.filter(email="twin@example.org").count() == 1
    assert sum(isinstance(result, User) for result in results) == 1
    assert all(
        isinstance(result, account_services.EmailTaken)
        for result in results
        if not isinstance(result, User)
    ), [repr(result) for result in results]
