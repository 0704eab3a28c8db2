"""Tests of `seed_demo`, the command that loads the fictional demo partnership."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from skillspact.accounts.models import User
from skillspact.organisations import regions
from skillspact.organisations.management.commands.seed_demo import (
    CONTACT_EMAIL,
    DEMO_PASSWORD,
    SECRETARIAT_EMAIL,
    WORKER_EMAIL,
)
from skillspact.organisations.models import (
    Affiliation,
    ApplicationMessage,
    Interest,
    MembershipApplication,
    Organisation,
    StakeholderType,
    WorkingGroup,
    WorkingGroupDocument,
    WorkingGroupMeeting,
    WorkingGroupMembership,
)

pytestmark = pytest.mark.django_db

DEMO_LOGINS = [SECRETARIAT_EMAIL, CONTACT_EMAIL, WORKER_EMAIL]


def seed(**options: Any) -> str:
    out = io.StringIO()
    # The synthetic skills-intelligence data is kept small here; its own test checks it.
    options = {"job_ads": 1_500, "survey_responses": 200, **options}
    call_command("seed_demo", organisations=60, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [
        User,
        Organisation,
        Affiliation,
        Interest,
        MembershipApplication,
        ApplicationMessage,
        WorkingGroup,
        WorkingGroupMembership,
        WorkingGroupMeeting,
        WorkingGroupDocument,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_demo_logins_sign_in_with_the_demo_password() -> None:
    seed()

    for email in DEMO_LOGINS:
        assert authenticate(username=email, password=DEMO_PASSWORD) is not None, email
    officer = User.objects.get(email=SECRETARIAT_EMAIL)
    assert officer.full_name == "Sofia Marques"
    assert officer.is_secretariat and officer.is_staff and officer.is_superuser
    assert User.objects.filter(email__in=DEMO_LOGINS, has_confirmed_email=True).count() == 3


def test_only_the_demo_logins_have_a_usable_password() -> None:
    seed()

    usable = [user.email for user in User.objects.all() if user.has_usable_password()]

    assert sorted(usable) == sorted(DEMO_LOGINS)


def test_demo_contact_acts_for_a_german_university_hospital_with_its_approved_application() -> None:
    seed()

    contact = User.objects.get(email=CONTACT_EMAIL)
    affiliation = Affiliation.objects.get(user=contact)
    organisation = affiliation.organisation
    assert contact.full_name == "Lukas Weber"
    assert affiliation.role == Affiliation.Role.CONTACT
    assert (organisation.legal_name, organisation.country.code, organisation.stakeholder_type) == (
        "Universitätsklinikum Nordheide",
        "DE",
        StakeholderType.HEALTHCARE_PROVIDER,
    )
    application = MembershipApplication.objects.get(applicant=contact)
    assert application.status == MembershipApplication.Status.APPROVED
    assert application.organisation == organisation


def test_health_worker_has_no_organisation_and_no_application() -> None:
    seed()

    worker = User.objects.get(email=WORKER_EMAIL)

    assert worker.full_name == "Ana Novak"
    assert not worker.is_secretariat
    assert not Affiliation.objects.filter(user=worker).exists()
    assert not MembershipApplication.objects.filter(applicant=worker).exists()


def test_sixty_organisations_cover_every_stakeholder_type() -> None:
    seed()

    assert Organisation.objects.count() == 60
    assert Organisation.objects.filter(status=Organisation.Status.MEMBER).count() >= 50
    assert set(Organisation.objects.values_list("stakeholder_type", flat=True)) == set(
        StakeholderType.values
    )


def test_organisations_are_complete_and_consistent() -> None:
    seed()

    for organisation in Organisation.objects.all():
        assert organisation.slug and organisation.pact_registration_ref.startswith("PfS-20")
        assert organisation.website_domain.endswith(".example"), organisation.website
        assert organisation.affiliations.filter(role=Affiliation.Role.CONTACT).exists()
        assert organisation.joined_at is not None
        if organisation.status == Organisation.Status.LEFT:
            assert organisation.left_at is not None
            assert organisation.joined_at < organisation.left_at < timezone.now()
        else:
            assert organisation.left_at is None
    assert Organisation.objects.filter(status=Organisation.Status.LEFT).count() == 5
    assert Organisation.objects.filter(network_members__isnull=False).distinct().exists()
    assert Interest.objects.count() == 14


def test_every_region_is_a_region_of_the_organisations_country() -> None:
    seed()

    located = Organisation.objects.exclude(nuts2="")

    assert located.exists()
    for organisation in located:
        assert regions.is_valid_region(organisation.nuts2, organisation.country.code), (
            organisation.legal_name,
            organisation.nuts2,
            organisation.country.code,
        )


def test_applications_exist_in_every_state() -> None:
    seed()

    statuses = set(MembershipApplication.objects.values_list("status", flat=True))

    assert statuses == set(MembershipApplication.Status.values)
    for application in MembershipApplication.objects.filter(
        status=MembershipApplication.Status.APPROVED
    ):
        assert application.organisation is not None
        assert application.organisation.legal_name == application.legal_name
    for application in MembershipApplication.objects.filter(
        status=MembershipApplication.Status.REJECTED
    ):
        assert application.decision_reason
        assert application.messages.filter(kind=ApplicationMessage.Kind.DECISION).exists()
    for application in MembershipApplication.objects.filter(
        status=MembershipApplication.Status.INFO_REQUESTED
    ):
        assert application.messages.filter(kind=ApplicationMessage.Kind.INFO_REQUEST).exists()


def test_five_working_groups_with_members_meetings_and_documents() -> None:
    seed()

    groups = WorkingGroup.objects.all()

    assert groups.count() == 5
    for group in groups:
        assert 10 <= group.organisations.count() <= 40
        assert not group.organisations.exclude(status=Organisation.Status.MEMBER).exists()
        assert 1 <= group.meetings.count() <= 3
        assert 1 <= group.documents.count() <= 2
        for document in group.documents.all():
            head = document.file.open("rb").read(5)
            assert head == b"%PDF-" if document.file.name.endswith(".pdf") else head.isascii()
            assert document.size == document.file.size
    now = timezone.now()
    assert WorkingGroupMeeting.objects.filter(starts_at__lt=now).exists()
    assert WorkingGroupMeeting.objects.filter(starts_at__gt=now).exists()


def test_if_empty_leaves_a_seeded_database_unchanged() -> None:
    seed()
    before = counts()

    output = seed(if_empty=True)

    assert output.strip() == "database already has data; demo data not loaded"
    assert counts() == before


def test_if_empty_does_nothing_when_only_a_person_exists() -> None:
    User.objects.create_user("someone@example.org", "x-long-password-1", full_name="Someone")

    seed(if_empty=True)

    assert Organisation.objects.count() == 0
    assert User.objects.count() == 1


def test_if_empty_loads_an_empty_database() -> None:
    output = seed(if_empty=True)

    assert "Demo data loaded" in output
    assert Organisation.objects.count() == 60


class _Rollback(Exception):
    pass


def _seeded_names(seed_value: int) -> list[tuple[str, str, str]]:
    names: list[tuple[str, str, str]] = []
    try:
        with transaction.atomic():
            seed(seed=seed_value)
            names = list(
                Organisation.objects.order_by("slug").values_list("slug", "legal_name", "nuts2")
            )
            raise _Rollback
    except _Rollback:
        pass
    return names


def test_the_same_seed_gives_the_same_organisations() -> None:
    first, again, other = _seeded_names(7), _seeded_names(7), _seeded_names(8)

    assert len(first) == 60
    assert first == again
    assert first != other
