"""From the catalogue to the planner's instance: the candidates, the series prerequisites and
the learner's limits."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from skillspact.pathways import catalogue, gaps
from skillspact.pathways.catalogue import Constraints
from skillspact.pathways.factories import LearnerProfileFactory
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import (
    O_NURSE,
    S_DATA,
    S_INFORMATICS,
    S_INITIATIVE,
    S_PYTHON,
    S_RISK,
)
from skillspact.training import selectors as training_selectors
from skillspact.training.factories import CourseFactory, CourseSeriesFactory, CourseSkillFactory
from skillspact.training.models import Course

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("esco_v1")]


@pytest.fixture
def esco(request):
    """The tiny ESCO version (the `esco_v1` fixture's value)."""
    return request.getfixturevalue("esco_v1")


def _course(skills: list[str], **fields) -> Course:
    course = CourseFactory(**fields)
    for uri in skills:
        CourseSkillFactory(course=course, skill_uri=uri)
    return course


def test_the_candidates_are_open_published_courses_teaching_a_missing_skill_in_a_language(
    django_assert_num_queries,
):
    today = timezone.localdate()
    teaching = _course([S_DATA, S_PYTHON], slug="data-protection", hours=30, languages=["en"])
    _course([S_DATA], slug="in-german", languages=["de"])
    _course([S_DATA], slug="draft", status=Course.Status.DRAFT)
    _course([S_DATA], slug="over", starts_on=today - datetime.timedelta(days=30),
            ends_on=today - datetime.timedelta(days=1))  # fmt: skip
    _course([S_DATA], slug="closed", enrolment_closes_on=today - datetime.timedelta(days=1))
    _course([S_RISK], slug="other-skill")

    with django_assert_num_queries(2):
        found = training_selectors.courses_for_planning(
            skill_uris=[S_DATA], languages=["en", "fr"], today=today
        )

    assert [row.slug for row in found] == ["data-protection"]
    row = found[0]
    assert row.pk == teaching.pk
    assert row.skill_uris == frozenset({S_DATA, S_PYTHON})
    assert (row.hours, row.price_eur, row.mode, row.eqf_level) == (30, Decimal("0"), "online", 5)
    assert row.provider == teaching.provider.legal_name


def test_without_languages_every_language_is_a_candidate():
    _course([S_DATA], slug="in-english", languages=["en"])
    _course([S_DATA], slug="in-german", languages=["de"])

    found = catalogue.candidates_for(missing=[S_DATA])

    assert sorted(course.id for course in found) == ["in-english", "in-german"]


def test_an_earlier_course_of_the_same_series_at_a_lower_eqf_level_is_a_prerequisite():
    series = CourseSeriesFactory()
    today = timezone.localdate()
    _course([S_DATA], slug="basics", series=series, eqf_level=4,
            starts_on=today + datetime.timedelta(days=10))  # fmt: skip
    _course([S_RISK], slug="advanced", series=series, eqf_level=6,
            starts_on=today + datetime.timedelta(days=60))  # fmt: skip
    _course([S_RISK], slug="same-level", series=series, eqf_level=4,
            starts_on=today + datetime.timedelta(days=90))  # fmt: skip
    _course([S_RISK], slug="starts-first", series=series, eqf_level=3,
            starts_on=today + datetime.timedelta(days=70))  # fmt: skip
    _course([S_RISK], slug="elsewhere", eqf_level=7)

    found = {c.id: c.prerequisites for c in catalogue.candidates_for(missing=[S_DATA, S_RISK])}

    assert found["advanced"] == ("basics",)
    assert found["same-level"] == ("starts-first",)
    assert found["basics"] == ()
    assert found["starts-first"] == ()
    assert found["elsewhere"] == ()


def test_max_hours_are_the_hours_per_week_until_the_deadline():
    today = datetime.date(2026, 1, 1)

    limits = Constraints(hours_per_week=10, deadline=datetime.date(2026, 3, 12))

    assert limits.max_hours(today) == pytest.approx(100.0)
    assert Constraints(hours_per_week=10).max_hours(today) is None
    assert Constraints(deadline=datetime.date(2026, 3, 12)).max_hours(today) is None
    assert Constraints(hours_per_week=10, deadline=datetime.date(2025, 1, 1)).max_hours(today) == 0


def test_the_constraints_snapshot_reads_back_the_same():
    limits = Constraints(
        hours_per_week=6,
        budget_eur=Decimal("450.00"),
        modes=("online",),
        languages=("en", "de"),
        start_eqf_level=4,
        deadline=datetime.date(2027, 6, 30),
    )

    assert Constraints.from_json(limits.as_json()) == limits


def test_the_instance_carries_the_gap_the_courses_and_the_limits():
    today = timezone.localdate()
    series = CourseSeriesFactory()
    _course([S_DATA], slug="done-before", series=series, eqf_level=4, price_eur=Decimal("50"))
    _course([S_DATA, S_INFORMATICS], slug="next", series=series, eqf_level=5,
            price_eur=Decimal("120.50"), mode="blended")  # fmt: skip
    profile = LearnerProfileFactory(
        hours_per_week=5,
        deadline=today + datetime.timedelta(days=70),
        budget_eur=Decimal("300"),
        modes=["online", "blended"],
        start_eqf_level=4,
    )
    gap = gaps.gap_of(held=[S_RISK], target_uri=O_NURSE)
    courses = catalogue.candidates_for(missing=[s.uri for s in gap.missing])

    instance = catalogue.instance_for(
        gap=gap,
        courses=courses,
        constraints=catalogue.constraints_of(profile),
        objective="cost",
        completed={"done-before"},
        on=today,
    )

    assert [c.id for c in instance.courses] == ["next"]
    option = instance.courses[0]
    assert (option.skills, option.hours, option.cost, option.mode, option.eqf_level) == (
        frozenset({S_DATA, S_INFORMATICS}),
        25.0,
        120.5,
        "blended",
        5,
    )
    assert option.prerequisites == ()  # met: the learner completed it
    assert instance.held == frozenset({S_RISK})
    assert [(t.uri, t.weight) for t in instance.target] == [
        (S_DATA, 1.0),
        (S_RISK, 1.0),
        (S_INFORMATICS, 0.3),
        (S_INITIATIVE, 0.3),
    ]
    assert instance.objective == "cost"
    assert instance.max_hours == pytest.approx(50.0)
    assert instance.max_cost == 300.0
    assert instance.modes == frozenset({"online", "blended"})
    assert instance.start_eqf_level == 4
    assert instance.completed == frozenset({"done-before"})
    assert instance.hours_per_week == 5.0
    assert instance.deadline == profile.deadline


def test_no_modes_and_no_budget_mean_no_limit():
    gap = gaps.gap_of(held=[], target_uri=O_NURSE)

    instance = catalogue.instance_for(
        gap=gap, courses=[], constraints=Constraints(), objective="hours"
    )

    assert (instance.modes, instance.max_cost, instance.max_hours) == (None, None, None)
