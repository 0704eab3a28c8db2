"""The gap table on a hand-made slice: signals, score, band, small-sample flags and filters."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any

import pytest

from skillspact.commitments.factories import CommitmentFactory, CommitmentTargetFactory
from skillspact.commitments.models import Commitment, CommitmentConcept
from skillspact.core.errors import InvalidInput
from skillspact.intelligence import gaps, summaries
from skillspact.intelligence.models import (
    EmployerNeed,
    JobAdMonthlyCount,
    NeedRole,
    NeedSkill,
    Question,
    Response,
    SkillRating,
    Survey,
)
from skillspact.organisations.factories import OrganisationFactory
from skillspact.organisations.models import StakeholderType
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import (
    O_DEVELOPER,
    O_NURSE,
    S_DATA,
    S_PYTHON,
    S_RISK,
)
from skillspact.training.factories import CourseFactory, CourseSkillFactory
from skillspact.training.models import Course

MONTHS = [datetime.date(2026, 7, 1), datetime.date(2026, 8, 1), datetime.date(2026, 9, 1)]


@dataclass
class GapData:
    wave_1: Survey
    wave_2: Survey


def _rate(
    survey: Survey,
    question: Question,
    skill: str,
    importance: int,
    proficiency: int,
    **profile: Any,
) -> None:
    response = Response.objects.create(
        survey=survey, language="en", status=Response.Status.SUBMITTED, **profile
    )
    rating = SkillRating.objects.create(
        response=response,
        question=question,
        survey=survey,
        skill_uri=skill,
        importance=importance,
        proficiency=proficiency,
        submitted_on=datetime.date(2026, 9, 15),
        **profile,
    )  # fmt: skip
    summaries.rating_sums_add(ratings=[rating])


def _survey(slug: str, wave: str) -> tuple[Survey, Question]:
    survey = Survey.objects.create(
        slug=slug, title=slug, languages=["en"], series="flash", wave=wave,
        status=Survey.Status.PUBLISHED, access=Survey.Access.OPEN,
    )  # fmt: skip
    question = Question.objects.create(
        survey=survey, key="matrix", kind=Question.Kind.SKILLS_MATRIX,
        skill_uris=[S_DATA, S_PYTHON],
    )  # fmt: skip
    return survey, question


def build_gap_data() -> GapData:
    """S_DATA: 4 ratings in ES21 by nurses of healthcare providers (importance 5, 5, 3, 3;
    proficiency 2 each), cited by 2 employers (difficulty 4 and 2; roles of 10 and 20 nurses),
    asked by 20, 30, 40 of 100 ads a month, taught by 5 published courses, 500 people pledged.
    S_RISK: 5 of 100 ads a month, nothing else. S_PYTHON: one rating in FR10 by a developer of
    a digital-health firm in wave 2 (importance 5, proficiency 1)."""
    wave_1, question_1 = _survey("flash-1", "2026-1")
    wave_2, question_2 = _survey("flash-2", "2026-2")
    nurse = {
        "country": "ES",
        "region": "ES21",
        "stakeholder_type": StakeholderType.HEALTHCARE_PROVIDER,
        "occupation_uri": O_NURSE,
    }
    for importance in (5, 5, 3, 3):
        _rate(wave_1, question_1, S_DATA, importance, 2, **nurse)
    _rate(
        wave_2, question_2, S_PYTHON, 5, 1, country="FR", region="FR10",
        stakeholder_type=StakeholderType.INDUSTRY_DIGITAL_HEALTH, occupation_uri=O_DEVELOPER,
    )  # fmt: skip
    for difficulty, people in ((4, 10), (2, 20)):
        organisation = OrganisationFactory(stakeholder_type=StakeholderType.HEALTHCARE_PROVIDER)
        if difficulty == 4:  # an older year of the same employer: replaced by the latest
            old = EmployerNeed.objects.create(organisation=organisation, year=2025)
            NeedSkill.objects.create(need=old, skill_uri=S_DATA, difficulty=5)
        need = EmployerNeed.objects.create(organisation=organisation, year=2026)
        NeedRole.objects.create(
            need=need, occupation_uri=O_NURSE, kind=NeedRole.Kind.HIRE, count=people,
            horizon_months=12, country="ES", region="ES21",
        )  # fmt: skip
        NeedSkill.objects.create(need=need, skill_uri=S_DATA, difficulty=difficulty)
    cell = {"country": "ES", "region": "ES21", "occupation_uri": O_NURSE}
    # An old month outside the 12-month window.
    JobAdMonthlyCount.objects.create(
        month=datetime.date(2025, 1, 1), skill_uri="", ads=1000, **cell
    )
    JobAdMonthlyCount.objects.create(
        month=datetime.date(2025, 1, 1), skill_uri=S_DATA, ads=1000, **cell
    )
    for month, data_ads in zip(MONTHS, (20, 30, 40), strict=True):
        JobAdMonthlyCount.objects.create(month=month, skill_uri="", ads=100, **cell)
        JobAdMonthlyCount.objects.create(month=month, skill_uri=S_DATA, ads=data_ads, **cell)
        JobAdMonthlyCount.objects.create(month=month, skill_uri=S_RISK, ads=5, **cell)
    summaries.ad_counts_rebuild()
    for _ in range(5):
        CourseSkillFactory(course=CourseFactory(), skill_uri=S_DATA)
    CourseSkillFactory(course=CourseFactory(status=Course.Status.DRAFT), skill_uri=S_DATA)
    commitment = CommitmentFactory()
    CommitmentConcept.objects.create(
        commitment=commitment, kind="skill", uri=S_DATA, esco_version="v1.1.1",
        label="data protection",
    )  # fmt: skip
    CommitmentTargetFactory(commitment=commitment, year=2025, people=200)
    CommitmentTargetFactory(commitment=commitment, year=2026, people=300)
    withdrawn = CommitmentFactory(status=Commitment.Status.WITHDRAWN)
    CommitmentConcept.objects.create(
        commitment=withdrawn, kind="skill", uri=S_DATA, esco_version="v1.1.1", label="x"
    )
    CommitmentTargetFactory(commitment=withdrawn, year=2025, people=999)
    return GapData(wave_1=wave_1, wave_2=wave_2)


@pytest.fixture
def gap_data(esco_v1: Any) -> GapData:  # noqa: F811  # noqa: F811
    return build_gap_data()


def _row(table: gaps.GapTable, uri: str) -> gaps.GapRow:
    return next(row for row in table.rows if row.skill_uri == uri)


def test_gap_table_gives_every_signal_of_a_skill(gap_data: GapData) -> None:
    table = gaps.gap_table(gaps.GapFilters())

    row = _row(table, S_DATA)
    assert row.label == "data protection"
    assert (row.is_digital, row.is_green) == (True, False)
    assert row.importance == gaps.Mean(mean=4.0, n=4, se=pytest.approx(math.sqrt(1 / 3)))
    assert row.proficiency == gaps.Mean(mean=2.0, n=4, se=0.0)
    assert row.difficulty is not None
    assert (row.difficulty.mean, row.difficulty.n, row.difficulty.se) == (3.0, 2, 1.0)
    assert row.volume == 30
    assert row.job_ads == 300
    assert row.job_ad_share == pytest.approx(0.3)
    assert row.job_ad_trend == pytest.approx(1.2)
    assert row.courses == 5
    assert row.pledged == 500
    assert (table.ratings, table.responses, table.employers, table.job_ads) == (5, 5, 2, 300)
    assert table.window == (datetime.date(2025, 10, 1), datetime.date(2026, 9, 1))


def test_gap_score_and_band_follow_the_documented_formula(gap_data: GapData) -> None:
    table = gaps.gap_table(gaps.GapFilters())

    row = _row(table, S_DATA)
    # Demand: 0.4 × 0.75 + 0.3 × 0.5 + 0.3 × 1 (share 0.3 ≥ 0.25); supply: 0.6 × 0.25 + 0.2 ×
    # 5/10 + 0.2 × 500/1000.
    assert row.demand == pytest.approx(0.75)
    assert row.supply == pytest.approx(0.35)
    assert row.score == pytest.approx(0.4)
    half = 1.96 * math.sqrt((0.4 * math.sqrt(1 / 3) / 4) ** 2 + (0.3 * 1.0 / 4) ** 2)
    assert half == pytest.approx(0.18551, abs=1e-5)
    assert (row.band_low, row.band_high) == (pytest.approx(0.4 - half), pytest.approx(0.4 + half))
    assert row.signals == [
        "importance",
        "difficulty",
        "job_ads",
        "proficiency",
        "courses",
        "pledged",
    ]


def test_missing_signals_are_left_out_of_the_score(gap_data: GapData) -> None:
    table = gaps.gap_table(gaps.GapFilters())

    row = _row(table, S_RISK)
    assert row.signals == ["job_ads", "courses", "pledged"]
    assert row.importance is None and row.difficulty is None
    assert row.demand == pytest.approx(0.2)  # share 0.05 / 0.25
    assert row.supply == 0.0
    assert row.score == pytest.approx(0.2)
    half = 1.96 * math.sqrt(0.05 * 0.95 / 300) / 0.25
    assert row.band_high - row.score == pytest.approx(half)
    assert row.job_ad_trend == pytest.approx(0.0)


def test_gap_table_ranks_the_largest_gap_first(gap_data: GapData) -> None:
    table = gaps.gap_table(gaps.GapFilters())

    # S_PYTHON: demand 1 (importance 5), supply 0.6 × 0 / 1.0 → 1.0.
    assert [(row.skill_uri, round(row.score, 4)) for row in table.rows] == [
        (S_PYTHON, 1.0),
        (S_DATA, 0.4),
        (S_RISK, 0.2),
    ]


def test_a_single_rating_gets_the_widest_band_not_none(gap_data: GapData) -> None:
    row = _row(gaps.gap_table(gaps.GapFilters()), S_PYTHON)

    assert row.importance == gaps.Mean(mean=5.0, n=1, se=2.0)
    # Importance and proficiency, each weight 1 of its side after scaling: ±(2/4) each.
    half = 1.96 * math.sqrt(0.5**2 + (0.6 * 0.5) ** 2)
    assert row.score == pytest.approx(1.0)
    # The band is cut at 1, the largest score there is.
    assert (row.band_low, row.band_high) == (pytest.approx(1.0 - half), 1.0)


def test_small_samples_are_flagged_not_hidden(gap_data: GapData) -> None:
    table = gaps.gap_table(gaps.GapFilters())

    assert _row(table, S_DATA).small_sample_reasons == ["ratings", "employers"]
    assert _row(table, S_PYTHON).is_small_sample is True
    assert _row(table, S_RISK).small_sample_reasons == []


def test_enough_ratings_and_employers_clear_the_flag(gap_data: GapData) -> None:
    question = Question.objects.get(survey=gap_data.wave_1)
    for _ in range(gaps.MIN_RATINGS - 4):
        _rate(gap_data.wave_1, question, S_DATA, 4, 2, country="ES")
    for _ in range(gaps.MIN_EMPLOYERS - 2):
        need = EmployerNeed.objects.create(organisation=OrganisationFactory(), year=2026)
        NeedSkill.objects.create(need=need, skill_uri=S_DATA, difficulty=3)

    row = _row(gaps.gap_table(gaps.GapFilters()), S_DATA)

    assert (row.n_ratings, row.n_employers) == (30, 5)
    assert row.is_small_sample is False


def _skills(filters: gaps.GapFilters) -> list[str]:
    return sorted(row.skill_uri for row in gaps.gap_table(gaps.filters_validate(filters)).rows)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (gaps.GapFilters(country="fr"), [S_PYTHON]),
        (gaps.GapFilters(country="ES"), sorted([S_DATA, S_RISK])),
        (gaps.GapFilters(region="FR10"), [S_PYTHON]),
        (gaps.GapFilters(occupation_uri=O_DEVELOPER), [S_PYTHON]),
        (gaps.GapFilters(isco_group="222"), sorted([S_DATA, S_RISK])),
        (gaps.GapFilters(isco_group="25"), [S_PYTHON]),
        (gaps.GapFilters(collection="digital"), sorted([S_DATA, S_PYTHON])),
        (gaps.GapFilters(series="flash", wave="2026-2"), sorted([S_DATA, S_PYTHON, S_RISK])),
    ],
)
def test_each_filter_narrows_the_skills(
    gap_data: GapData, filters: gaps.GapFilters, expected: list[str]
) -> None:
    assert _skills(filters) == expected


def test_survey_wave_narrows_ratings_only(gap_data: GapData) -> None:
    table = gaps.gap_table(gaps.filters_validate(gaps.GapFilters(series="flash", wave="2026-2")))

    data = _row(table, S_DATA)
    assert data.importance is None  # its ratings are of wave 1
    assert data.difficulty is not None and data.job_ad_share == pytest.approx(0.3)
    assert _row(table, S_PYTHON).n_ratings == 1


def test_stakeholder_type_narrows_ratings_and_employers(gap_data: GapData) -> None:
    table = gaps.gap_table(
        gaps.GapFilters(stakeholder_type=StakeholderType.INDUSTRY_DIGITAL_HEALTH)
    )

    data = _row(table, S_DATA)
    assert (data.importance, data.difficulty) == (None, None)
    assert _row(table, S_PYTHON).n_ratings == 1
    assert table.employers == 0


def test_unknown_filter_values_are_refused_by_name(gap_data: GapData) -> None:
    with pytest.raises(InvalidInput) as caught:
        gaps.filters_validate(
            gaps.GapFilters(
                country="XX", region="nowhere", occupation_uri="http://example.org/o",
                isco_group="2x", stakeholder_type="giant", collection="purple",
                series="nope",
            )
        )  # fmt: skip

    assert sorted(caught.value.fields) == [
        "collection", "country", "isco_group", "occupation", "region", "series",
        "stakeholder_type",
    ]  # fmt: skip


def test_heatmap_gives_the_survey_gap_per_occupation(gap_data: GapData) -> None:
    heatmap = gaps.gap_heatmap(gaps.GapFilters(), "occupation")

    assert [uri for uri, _label in heatmap.skills] == [S_PYTHON, S_DATA]
    assert [key for key, _label in heatmap.columns] == [O_NURSE, O_DEVELOPER]
    assert heatmap.value(S_DATA, O_NURSE) == (0.5, 4)
    assert heatmap.value(S_PYTHON, O_DEVELOPER) == (1.0, 1)
    assert heatmap.value(S_DATA, O_DEVELOPER) is None


def test_heatmap_by_region(gap_data: GapData) -> None:
    heatmap = gaps.gap_heatmap(gaps.GapFilters(), "region")

    assert [key for key, _label in heatmap.columns] == ["ES21", "FR10"]


def test_evidence_of_a_skill(gap_data: GapData) -> None:
    evidence = gaps.gap_evidence(gaps.GapFilters(), S_DATA, show_employers=True)

    assert evidence.importance_counts == [0, 0, 2, 0, 2]
    assert evidence.proficiency_counts == [0, 4, 0, 0, 0]
    assert evidence.difficulty_counts == [0, 1, 0, 1, 0]
    assert [difficulty for _name, difficulty in evidence.employers] == [4, 2]
    assert [(month, ads) for month, _share, ads in evidence.job_ad_series] == [
        (datetime.date(2025, 1, 1), 1000),
        *zip(MONTHS, (20, 30, 40), strict=True),
    ]
    assert evidence.courses_total == 5 and len(evidence.courses) == 5
    assert [people for _t, _o, people in evidence.commitments] == [500]


def test_evidence_names_no_employer_unless_asked(gap_data: GapData) -> None:
    evidence = gaps.gap_evidence(gaps.GapFilters(), S_DATA)

    assert evidence.employers == []
    assert evidence.difficulty_counts == [0, 1, 0, 1, 0]


def test_an_empty_slice_has_no_rows(db: None) -> None:
    table = gaps.gap_table(gaps.GapFilters())

    assert table.rows == [] and table.window is None and table.is_synthetic is False
