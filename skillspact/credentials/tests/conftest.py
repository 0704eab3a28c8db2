"""Fixtures of the credentials tests: a course of the member organisation with outcomes mapped
to ESCO skills, and a learner who completed it."""

from __future__ import annotations

import pytest

from skillspact.accounts.models import User
from skillspact.credentials.factories import CompletedEnrolmentFactory
from skillspact.organisations.models import Organisation
from skillspact.taxonomy.models import EscoVersion, Skill
from skillspact.training.factories import CourseFactory, LearningOutcomeFactory
from skillspact.training.models import Course, Enrolment

TELEHEALTH = "http://data.europa.eu/esco/skill/0a1b2c3d-telehealth"
RECORDS = "http://data.europa.eu/esco/skill/4e5f6a7b-records"


@pytest.fixture
def esco_skills(db: None) -> EscoVersion:
    version = EscoVersion.objects.create(
        code="v1.1.1", is_default=True, status=EscoVersion.Status.READY
    )
    Skill.objects.create(version=version, uri=TELEHEALTH, preferred_label="use telehealth")
    Skill.objects.create(
        version=version, uri=RECORDS, preferred_label="maintain electronic health records"
    )
    return version


@pytest.fixture
def course(member_organisation: Organisation, esco_skills: EscoVersion) -> Course:
    course = CourseFactory(
        provider=member_organisation, slug="telehealth-nurses", title="Telehealth for nurses"
    )
    LearningOutcomeFactory(
        course=course, position=1, text="Run a video consultation.", skills=[TELEHEALTH]
    )
    LearningOutcomeFactory(
        course=course, position=2, text="Document it in the record.", skills=[RECORDS, TELEHEALTH]
    )
    return course


@pytest.fixture
def completed(course: Course, health_worker: User) -> Enrolment:
    """The health worker completed the course and passed its online test."""
    return CompletedEnrolmentFactory(course=course, user=health_worker, grade="92 %")
