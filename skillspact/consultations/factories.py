"""Factories for strategies, consultations and what respondents say, for tests and benches."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.consultations.models import (
    Amendment,
    Comment,
    Consultation,
    Rating,
    Respondent,
    Section,
    StrategyDocument,
    StrategyVersion,
)


class StrategyDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategyDocument

    title = factory.Sequence(lambda n: f"Skills strategy for the health ecosystem {n}")
    slug = factory.Sequence(lambda n: f"skills-strategy-{n}")


class StrategyVersionFactory(factory.django.DjangoModelFactory):
    """A published version."""

    class Meta:
        model = StrategyVersion

    document = factory.SubFactory(StrategyDocumentFactory)
    number = 1
    title = factory.LazyAttribute(lambda o: o.document.title)
    is_published = True
    published_at = factory.LazyFunction(timezone.now)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    version = factory.SubFactory(StrategyVersionFactory)
    position = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: str(o.position))
    level = 1
    heading = factory.Sequence(lambda n: f"Digital skills for nurses {n}")
    body = "Every nurse should reach a basic level of digital skills by 2030."
    key = factory.Sequence(lambda n: f"section-{n}")


class ConsultationFactory(factory.django.DjangoModelFactory):
    """Open now for a month, anonymous answers allowed."""

    class Meta:
        model = Consultation

    version = factory.SubFactory(StrategyVersionFactory)
    title = factory.Sequence(lambda n: f"Consultation on the skills strategy {n}")
    slug = factory.Sequence(lambda n: f"consultation-{n}")
    introduction = "Tell us what you think of the draft strategy."
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    phase = Consultation.Phase.OPEN
    allows_anonymous = True


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Respondent

    consultation = factory.SubFactory(ConsultationFactory)
    user = factory.SubFactory(UserFactory)
    stakeholder_type = "healthcare_provider"
    country = "BE"


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    respondent = factory.SubFactory(RespondentFactory)
    section = factory.SubFactory(SectionFactory)
    stance = Rating.Stance.SUPPORT


class CommentFactory(factory.django.DjangoModelFactory):
    """A published comment."""

    class Meta:
        model = Comment

    respondent = factory.SubFactory(RespondentFactory)
    section = factory.SubFactory(SectionFactory)
    body = "Digital skills need protected training time on the ward."
    status = Comment.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class AmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amendment

    respondent = factory.SubFactory(RespondentFactory)
    section = factory.SubFactory(SectionFactory)
    text = "Every nurse and healthcare assistant should reach a basic level of digital skills."
    status = Amendment.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
