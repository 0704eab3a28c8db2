"""Factories for organisations, applications and working groups, for tests."""

from __future__ import annotations

import factory
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.organisations import normalise
from skillspact.organisations.models import (
    Affiliation,
    Interest,
    MembershipApplication,
    Organisation,
    StakeholderType,
    WorkingGroup,
)


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"interest-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    legal_name = factory.Sequence(lambda n: f"Example Hospital {n}")
    acronym = ""
    slug = factory.Sequence(lambda n: f"example-hospital-{n}")
    stakeholder_type = StakeholderType.HEALTHCARE_PROVIDER
    country = "BE"
    nuts2 = "BE10"
    size_band = "large"
    website = factory.Sequence(lambda n: f"https://hospital-{n}.example.org")
    description = "A university hospital training nurses in digital skills."
    pact_registration_ref = factory.Sequence(lambda n: f"PfS-{n:05d}")
    status = Organisation.Status.MEMBER
    is_listed = True
    joined_at = factory.LazyFunction(timezone.now)
    website_domain = factory.LazyAttribute(lambda o: normalise.website_domain(o.website))
    search_text = factory.LazyAttribute(
        lambda o: normalise.search_text(o.legal_name, o.acronym, o.description)
    )


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Affiliation.Role.CONTACT


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipApplication

    applicant = factory.SubFactory(UserFactory)
    legal_name = factory.Sequence(lambda n: f"Applicant Clinic {n}")
    stakeholder_type = StakeholderType.HEALTHCARE_PROVIDER
    country = "PT"
    nuts2 = ""
    website = factory.Sequence(lambda n: f"https://clinic-{n}.example.pt")
    website_domain = factory.LazyAttribute(lambda o: normalise.website_domain(o.website))
    pact_registration_ref = factory.Sequence(lambda n: f"PfS-A{n:05d}")
    has_consented_to_charter = True
    status = MembershipApplication.Status.DRAFT


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    name = factory.Sequence(lambda n: f"Digital skills group {n}")
    slug = factory.Sequence(lambda n: f"digital-skills-{n}")
    description = "Digital skills of nurses and allied health professionals."
