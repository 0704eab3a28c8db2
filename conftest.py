"""Shared fixtures: the named personas every test suite uses."""

from __future__ import annotations

import pytest

from skillspact.accounts.factories import PASSWORD, UserFactory
from skillspact.accounts.models import User
from skillspact.organisations.factories import AffiliationFactory, OrganisationFactory
from skillspact.organisations.models import Affiliation, Organisation


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache (rate-limit counters live there)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """`with committed():` runs what services schedule after commit, as a request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def secretariat_officer(db: None) -> User:
    """Runs the partnership: reviews applications, exports the member list."""
    return UserFactory(
        email="officer@secretariat.example.eu",
        full_name="Sofia Secretariat",
        is_secretariat=True,
        is_staff=True,
    )


@pytest.fixture
def member_organisation(db: None) -> Organisation:
    return OrganisationFactory(
        legal_name="Hospital Universitario del Norte",
        acronym="HUN",
        slug="hun",
        country="ES",
        nuts2="ES21",
        website="https://www.hun.example.es",
    )


@pytest.fixture
def organisation_contact(member_organisation: Organisation) -> User:
    """Acts for a member organisation."""
    user = UserFactory(email="contact@hun.example.es", full_name="Carla Contact")
    AffiliationFactory(organisation=member_organisation, user=user, role=Affiliation.Role.CONTACT)
    return user


@pytest.fixture
def outsider(db: None) -> User:
    """Signed in, but linked to no organisation and with no special role."""
    return UserFactory(email="outsider@example.net", full_name="Oscar Outsider")


@pytest.fixture
def health_worker(db: None) -> User:
    """An individual learner with no organisation."""
    return UserFactory(email="nurse@example.net", full_name="Hana Health-Worker")
