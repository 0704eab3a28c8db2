"""The course search: each filter, the words, the ranking and the query budget."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from skillspact.training import selectors
from skillspact.training.factories import (
    CourseFactory,
    CourseOccupationFactory,
    CourseSeriesFactory,
    CourseSkillFactory,
)
from skillspact.training.models import Course
from skillspact.training.selectors import CourseFilters

pytestmark = pytest.mark.django_db

SKILL = "http://data.europa.eu/esco/skill/16636767-c215-4cf0-b126-e144fea20926"
OTHER_SKILL = "http://data.europa.eu/esco/skill/a4346013-a967-4a58-a533-6b32ad1364c5"
OCCUPATION = "http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50"


def _in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _titles(**filters: Any) -> list[str]:
    return [c.title for c in selectors.course_search(CourseFilters(**filters))]


def test_only_published_courses_are_found() -> None:
    CourseFactory(title="Published course")
    CourseFactory(title="Draft course", status=Course.Status.DRAFT)
    CourseFactory(title="Archived course", status=Course.Status.ARCHIVED)

    assert _titles() == ["Published course"]


def test_soonest_start_first_and_courses_without_a_date_last() -> None:
    CourseFactory(title="In two months", starts_on=_in_days(60))
    CourseFactory(title="Self-paced", starts_on=None, ends_on=None, is_self_paced=True)
    CourseFactory(title="Next week", starts_on=_in_days(7))

    assert _titles() == ["Next week", "In two months", "Self-paced"]


def test_every_word_must_start_a_word_of_the_course() -> None:
    CourseFactory(title="Telehealth for nurses", summary="Video consultations")
    CourseFactory(title="Wound care", summary="Dressings for chronic wounds")
    CourseFactory(title="Hôpital numérique", summary="Dossier patient informatisé")

    assert _titles(q="tele") == ["Telehealth for nurses"]
    assert _titles(q="tele wound") == []
    assert _titles(q="WOUND dressing") == ["Wound care"]
    assert _titles(q="hopital numerique") == ["Hôpital numérique"]  # accents folded
    assert _titles(q="ealth") == []  # inside a word is not the start of one


def test_a_title_hit_ranks_above_a_description_hit_whatever_the_date() -> None:
    CourseFactory(
        title="Data protection for clinicians",
        description="Telehealth is one of the examples.",
        starts_on=_in_days(3),
    )
    CourseFactory(
        title="Telehealth in practice", description="Remote care.", starts_on=_in_days(90)
    )

    assert _titles(q="telehealth") == [
        "Telehealth in practice",
        "Data protection for clinicians",
    ]


def test_skill_and_occupation_filters_use_the_index_rows() -> None:
    teaches = CourseFactory(title="Teaches the skill")
    CourseSkillFactory(course=teaches, skill_uri=SKILL)
    other = CourseFactory(title="Teaches another")
    CourseSkillFactory(course=other, skill_uri=OTHER_SKILL)
    CourseOccupationFactory(course=other, occupation_uri=OCCUPATION)

    assert _titles(skill=SKILL) == ["Teaches the skill"]
    assert _titles(occupation=OCCUPATION) == ["Teaches another"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"is_digital": True}, ["Match"]),
        ({"is_green": True}, ["Match"]),
        ({"mode": "blended"}, ["Match"]),
        ({"language": "de"}, ["Match"]),
        ({"country": "pl"}, ["Match"]),
        ({"eqf_level": 7}, ["Match"]),
        ({"max_price": Decimal("100")}, ["Match"]),
        ({"is_self_paced": True}, ["Match"]),
        ({"is_self_paced": False}, ["Other"]),
        ({"is_featured": True}, ["Match"]),
    ],
)
def test_each_filter_keeps_only_the_matching_course(
    filters: dict[str, Any], expected: list[str]
) -> None:
    CourseFactory(
        title="Match",
        is_digital=True,
        is_green=True,
        mode="blended",
        place="Kraków",
        languages=["pl", "de"],
        country="PL",
        eqf_level=7,
        price_eur=Decimal("100"),
        is_self_paced=True,
        is_featured=True,
    )
    CourseFactory(
        title="Other",
        languages=["en"],
        country="BE",
        eqf_level=5,
        price_eur=Decimal("100.01"),
    )

    assert _titles(**filters) == expected


def test_start_date_window() -> None:
    CourseFactory(title="Too soon", starts_on=_in_days(5))
    CourseFactory(title="Inside", starts_on=_in_days(30))
    CourseFactory(title="Too late", starts_on=_in_days(120))
    CourseFactory(title="No date", starts_on=None, ends_on=None, is_self_paced=True)

    assert _titles(starts_after=_in_days(10), starts_before=_in_days(60)) == ["Inside"]


def test_series_and_featured_series() -> None:
    pilot = CourseSeriesFactory(slug="pilot", is_featured=True)
    CourseFactory(title="In the pilot", series=pilot, is_featured=False)
    CourseFactory(title="Alone", is_featured=False)

    assert _titles(series="pilot") == ["In the pilot"]
    assert _titles(is_featured=True) == ["In the pilot"]


def test_filters_combine() -> None:
    CourseFactory(title="Telehealth", country="DE", languages=["de"])
    CourseFactory(title="Telehealth in Austria", country="AT", languages=["de"])
    CourseFactory(title="Telehealth in French", country="FR", languages=["fr"])

    assert _titles(q="telehealth", country="DE", language="de") == ["Telehealth"]


def test_courses_teaching_a_skill_are_limited_and_soonest_first() -> None:
    for days in (40, 10, 20):
        course = CourseFactory(title=f"In {days} days", starts_on=_in_days(days))
        CourseSkillFactory(course=course, skill_uri=SKILL)

    found = selectors.courses_teaching_skill(skill_uri=SKILL, limit=2)

    assert [c.title for c in found] == ["In 10 days", "In 20 days"]


def test_a_page_of_results_takes_two_queries(django_assert_num_queries: Any) -> None:
    series = CourseSeriesFactory()
    for number in range(25):
        CourseFactory(title=f"Telehealth {number}", series=series if number % 2 else None)

    with django_assert_num_queries(2):  # the count and the page with provider and series
        queryset = selectors.course_page_items(
            selectors.course_search(CourseFilters(q="telehealth", mode="online"))
        )
        page = list(queryset[:20])
        count = queryset.count()
        labels = [(c.provider.legal_name, c.series.title if c.series else "") for c in page]

    assert (count, len(labels)) == (25, 20)


def test_drafts_are_seen_by_their_provider_only(
    organisation_contact: Any, member_organisation: Any, outsider: Any
) -> None:
    draft = CourseFactory(provider=member_organisation, status=Course.Status.DRAFT)

    assert selectors.course_get_for_view(user=organisation_contact, slug=draft.slug) == draft
    with pytest.raises(selectors.Http404):
        selectors.course_get_for_view(user=outsider, slug=draft.slug)
    with pytest.raises(selectors.Http404):
        selectors.course_get_for_edit(user=outsider, slug=CourseFactory().slug)
