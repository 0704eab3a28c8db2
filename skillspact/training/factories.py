"""Factories for courses, course series, learning outcomes and enrolments, for tests, demo data
and benchmarks."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import cast

import factory
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.core.text import search_text
from skillspact.organisations.factories import OrganisationFactory
from skillspact.training import search_index
from skillspact.training.models import (
    AssessmentType,
    Course,
    CourseOccupation,
    CourseSeries,
    CourseSkill,
    Enrolment,
    LearningOutcome,
    Mode,
)
from skillspact.training.services import language_codes_key, refresh_course_index


class CourseSeriesFactory(factory.django.DjangoModelFactory):
    """A featured programme of courses."""

    class Meta:
        model = CourseSeries

    slug = factory.Sequence(lambda n: f"programme-{n}")
    title = factory.Sequence(lambda n: f"Digital skills programme {n}")
    description = "A programme of short courses on the digital skills of health workers."
    is_featured = True


class CourseFactory(factory.django.DjangoModelFactory):
    """A published online course of a member organisation, starting in a month's time."""

    class Meta:
        model = Course
        # The only post-generation hook writes the word index; the course needs no second save.
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"course-{n}")
    provider = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Telehealth for nurses {n}")
    summary = "Consultations by video, safely and with the patient's consent."
    description = "Four weeks of guided online study with a final online test."
    status = Course.Status.PUBLISHED
    eqf_level = 5
    hours = 25
    ects = Decimal("1.0")
    mode = Mode.ONLINE
    country = "BE"
    languages = factory.LazyFunction(lambda: ["en"])
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=28))
    price_eur = Decimal("0")
    assessment_type = AssessmentType.ONLINE_TEST
    quality_assurance = "Internal quality assurance of the provider, externally accredited."
    published_at = factory.LazyFunction(timezone.now)
    search_text = factory.LazyAttribute(
        lambda o: search_text(f"{o.title} {o.summary} {o.description}")
    )
    search_title = factory.LazyAttribute(lambda o: search_text(o.title)[:200])
    language_codes = factory.LazyAttribute(lambda o: language_codes_key(o.languages))
    sort_date = factory.LazyAttribute(lambda o: o.starts_on or datetime.date.max)

    @factory.post_generation
    def search_index(obj: Course, create: bool, extracted: object, **kwargs: object) -> None:
        """The word index row, as the services write it."""
        if create:
            search_index.store([obj])


class LearningOutcomeFactory(factory.django.DjangoModelFactory):
    """An outcome without confirmed skills; pass `skills=[...]` and call
    `training.services.refresh_course_index(course)` (or build `CourseSkill` rows) when the
    course's denormalised skills matter."""

    class Meta:
        model = LearningOutcome

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(lambda n: n)
    text = "Run a video consultation with a patient and document it in the record."
    skills = factory.LazyFunction(list)


def course_teaching(
    *, skills: list[str], outcome: str = "The outcome of it.", **fields: object
) -> Course:
    """A course (`CourseFactory` with `fields`) whose one learning outcome teaches `skills`,
    with its denormalised skills and search index refreshed, as a published course has them."""
    course = cast(Course, CourseFactory(**fields))
    LearningOutcomeFactory(course=course, position=1, text=outcome, skills=skills)
    refresh_course_index(course)
    return course


class CourseSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseSkill

    course = factory.SubFactory(CourseFactory)
    skill_uri = factory.Sequence(lambda n: f"http://data.europa.eu/esco/skill/example-{n}")


class CourseOccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseOccupation

    course = factory.SubFactory(CourseFactory)
    occupation_uri = factory.Sequence(lambda n: f"http://data.europa.eu/esco/occupation/ex-{n}")


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """A confirmed place in a course."""

    class Meta:
        model = Enrolment

    course = factory.SubFactory(CourseFactory)
    user = factory.SubFactory(UserFactory)
    status = Enrolment.Status.ENROLLED
    enrolled_at = factory.LazyFunction(timezone.now)
