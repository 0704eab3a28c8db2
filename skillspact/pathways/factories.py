"""Factories for learner profiles, their skills and saved plans, for tests and benchmarks."""

from __future__ import annotations

import factory
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.pathways.models import LearnerProfile, Plan, PlanSkill, PlanStep, ProfileSkill


class LearnerProfileFactory(factory.django.DjangoModelFactory):
    """A nurse in Belgium learning in English, online or blended, ten hours a week."""

    class Meta:
        model = LearnerProfile

    user = factory.SubFactory(UserFactory)
    job_title = "Nurse"
    country = "BE"
    languages = factory.LazyFunction(lambda: ["en"])
    hours_per_week = 10
    modes = factory.LazyFunction(list)


class ProfileSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileSkill

    profile = factory.SubFactory(LearnerProfileFactory)
    skill_uri = factory.Sequence(lambda n: f"http://data.europa.eu/esco/skill/example-{n}")
    source = ProfileSkill.Source.DECLARED


class PlanFactory(factory.django.DjangoModelFactory):
    """A saved, active plan toward a local role, without steps or skills."""

    class Meta:
        model = Plan

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Pathway {n}")
    target_uri = "urn:skillspact:occupation:clinical-informatics-specialist"
    target_label = "clinical informatics specialist"
    esco_version = "v1.1.1"
    objective = "hours"
    country = "BE"
    planned_at = factory.LazyFunction(timezone.now)


class PlanStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanStep

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    course_title = factory.Sequence(lambda n: f"Course {n}")
    hours = 20


class PlanSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanSkill

    plan = factory.SubFactory(PlanFactory)
    skill_uri = factory.Sequence(lambda n: f"http://data.europa.eu/esco/skill/example-{n}")
    state = PlanSkill.State.UNCOVERED
    country = factory.LazyAttribute(lambda o: o.plan.country)
    target_uri = factory.LazyAttribute(lambda o: o.plan.target_uri)
