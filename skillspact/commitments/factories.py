"""Factories for commitments, windows and reports, for tests, demo data and benchmarks."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from skillspact.commitments.models import (
    Commitment,
    CommitmentTarget,
    Principle,
    ProgressReport,
    ProgressStatus,
    ReportInclusion,
    ReportingWindow,
)
from skillspact.organisations.factories import OrganisationFactory


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A published commitment unless told otherwise."""

    class Meta:
        model = Commitment

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Digital skills for 500 nurses ({n})")
    description = "Upskilling nurses in telehealth and electronic health records."
    principles = factory.LazyFunction(lambda: [Principle.LIFELONG_LEARNING.value])
    countries = factory.LazyAttribute(lambda o: [str(o.organisation.country)])
    status = Commitment.Status.PUBLISHED
    submitted_at = factory.LazyFunction(timezone.now)
    published_at = factory.LazyFunction(timezone.now)
    search_text = factory.LazyAttribute(lambda o: f"{o.title} {o.description}".lower())


class CommitmentTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitmentTarget

    commitment = factory.SubFactory(CommitmentFactory)
    year = 2025
    people = 100
    programmes = 2
    euros = 50_000


class ReportingWindowFactory(factory.django.DjangoModelFactory):
    """Open today unless dates are given."""

    class Meta:
        model = ReportingWindow
        django_get_or_create = ["year"]

    year = 2025
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=20))
    reminder_days = factory.LazyFunction(lambda: [14, 3])


class ProgressReportFactory(factory.django.DjangoModelFactory):
    """A submitted report with consistent figures."""

    class Meta:
        model = ProgressReport

    commitment = factory.SubFactory(CommitmentFactory)
    window = factory.SubFactory(ReportingWindowFactory)
    organisation = factory.LazyAttribute(lambda o: o.commitment.organisation)
    status = ProgressReport.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    progress_status = ProgressStatus.ON_TRACK
    people_trained = 100
    people_reached = 150
    programmes = 2
    stakeholders = 3
    euros = 40_000


class ReportInclusionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportInclusion

    report = factory.SubFactory(ProgressReportFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    people_trained = 10
    people_reached = 10
    programmes = 0
    stakeholders = 0
    euros = 1_000
