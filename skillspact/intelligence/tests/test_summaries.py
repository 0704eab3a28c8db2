"""The summaries the gap pages read stay equal to the raw rows, and read the same gaps."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Sum

from skillspact.intelligence import gaps, jobads, respond, summaries
from skillspact.intelligence.factories import QuestionFactory, SkillRatingFactory, SurveyFactory
from skillspact.intelligence.models import (
    JobAd,
    JobAdCountryMonthlyCount,
    JobAdMonthlyCount,
    JobAdOccupationMonthlyCount,
    JobAdSkill,
    JobAdUpload,
    Question,
    Response,
    SkillRating,
    SkillRatingOccupationSum,
    SkillRatingPlaceSum,
    Survey,
)
from skillspact.organisations.models import StakeholderType
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import (
    O_DEVELOPER,
    O_NURSE,
    O_VET_NURSE,
    S_DATA,
    S_INITIATIVE,
    S_PYTHON,
    S_RISK,
    S_WASTE,
)

SKILLS = [S_DATA, S_PYTHON, S_RISK, S_WASTE, S_INITIATIVE]
PLACES = [("ES", "ES21"), ("ES", "ES30"), ("FR", "FR10"), ("DE", "DE11"), ("DE", ""), ("", "")]
TYPES = [
    StakeholderType.HEALTHCARE_PROVIDER,
    StakeholderType.INDUSTRY_DIGITAL_HEALTH,
    StakeholderType.EDUCATION_VET,
    "",
]
OCCUPATIONS = [O_NURSE, O_DEVELOPER, O_VET_NURSE, ""]
SUMMED = [
    (SkillRatingPlaceSum, ("survey_id", "skill_uri", "country", "region", "stakeholder_type")),
    (SkillRatingOccupationSum, ("survey_id", "skill_uri", "occupation_uri", "stakeholder_type")),
]
AD_SUMMED = [(JobAdCountryMonthlyCount, "country"), (JobAdOccupationMonthlyCount, "occupation_uri")]


def _raw_sums(columns: tuple[str, ...]) -> set[tuple[Any, ...]]:
    """Every cell of a summary, computed from `SkillRating` with the ORM."""
    return {
        tuple(item.values())
        for item in SkillRating.objects.values(*columns)
        .annotate(
            ratings=Count("id"),
            n_importance=Count("importance"),
            sum_importance=Sum("importance", default=0),
            sumsq_importance=Sum(F("importance") * F("importance"), default=0),
            n_proficiency=Count("proficiency"),
            sum_proficiency=Sum("proficiency", default=0),
            sumsq_proficiency=Sum(F("proficiency") * F("proficiency"), default=0),
        )
        .order_by()
    }


def _stored_sums(model: Any, columns: tuple[str, ...]) -> set[tuple[Any, ...]]:
    return set(model.objects.values_list(*columns, *summaries.SUM_COLUMNS))


def assert_summaries_match_the_ratings() -> None:
    for model, columns in SUMMED:
        assert _stored_sums(model, columns) == _raw_sums(columns), model.__name__


def ad_counts() -> list[set[tuple[Any, ...]]]:
    return [
        set(model.objects.values_list("month", column, "skill_uri", "ads"))
        for model, column in AD_SUMMED
    ]


def ad_counts_from_cells() -> list[set[tuple[Any, ...]]]:
    return [
        {
            (item["month"], item[column], item["skill_uri"], item["ads"])
            for item in JobAdMonthlyCount.objects.values("month", column, "skill_uri")
            .annotate(ads=Sum("ads"))
            .order_by()
        }
        for _model, column in AD_SUMMED
    ]


def build_mixed_data(seed: int = 7) -> None:
    """Ratings over three surveys (two waves of one series), six places, four employer types and
    four occupations, some without importance or proficiency; monthly job-ad cells over the
    same places and occupations."""
    rng = random.Random(seed)
    surveys = [
        SurveyFactory(status=Survey.Status.PUBLISHED, series=series, wave=wave)
        for series, wave in (("flash", "2026-1"), ("flash", "2026-2"), ("other", "2026-1"))
    ]
    for survey in surveys:
        question = QuestionFactory(
            survey=survey, key="matrix", kind=Question.Kind.SKILLS_MATRIX, skill_uris=SKILLS
        )
        for _ in range(12):
            country, region = rng.choice(PLACES)
            response = Response.objects.create(
                survey=survey,
                language="en",
                status=Response.Status.SUBMITTED,
                country=country,
                region=region,
                stakeholder_type=rng.choice(TYPES),
                occupation_uri=rng.choice(OCCUPATIONS),
            )
            for skill in rng.sample(SKILLS, 3):
                SkillRatingFactory(
                    response=response,
                    question=question,
                    skill_uri=skill,
                    importance=rng.choice([1, 2, 3, 4, 5, 5, None]),
                    proficiency=rng.choice([1, 2, 3, 3, 4, None]),
                )
    months = [datetime.date(2025, month, 1) for month in range(1, 13)] + [
        datetime.date(2026, month, 1) for month in range(1, 4)
    ]
    for month in months:
        for country, region in PLACES[:5]:
            for occupation in OCCUPATIONS:
                if rng.random() < 0.4:
                    continue
                cell = {"country": country, "region": region, "occupation_uri": occupation}
                total = rng.randint(1, 60)
                JobAdMonthlyCount.objects.create(month=month, skill_uri="", ads=total, **cell)
                for skill in rng.sample(SKILLS, 3):
                    JobAdMonthlyCount.objects.create(
                        month=month, skill_uri=skill, ads=rng.randint(0, total), **cell
                    )
    summaries.ad_counts_rebuild()


@pytest.fixture
def mixed(esco_v1: Any) -> None:  # noqa: F811
    build_mixed_data()


# -- staying true ------------------------------------------------------------------------------


MATRIX = {
    S_DATA: {"proficiency": "2", "importance": "5"},
    S_PYTHON: {"proficiency": "4", "importance": "3"},
}


def _submit(survey: Survey, matrix: dict[str, Any], **profile: str) -> None:
    response = respond.response_start(survey=survey, language="en")
    respond.answers_save(response=response, answers={"matrix": matrix}, profile=profile)
    respond.response_submit(response=response)


@pytest.mark.django_db
def test_submitted_responses_are_summed_as_the_ratings_they_write() -> None:
    survey = SurveyFactory(status=Survey.Status.PUBLISHED, asks_profile=True)
    QuestionFactory(
        survey=survey,
        key="matrix",
        kind=Question.Kind.SKILLS_MATRIX,
        skill_uris=[S_DATA, S_PYTHON],
        is_required=True,
    )

    _submit(survey, MATRIX, country="ES", region="ES21", stakeholder_type="healthcare_provider")
    _submit(survey, MATRIX, country="ES", region="ES21", stakeholder_type="healthcare_provider")
    other = {
        S_DATA: {"proficiency": "1", "importance": "4"},
        S_PYTHON: {"proficiency": "5", "importance": "2"},
    }
    _submit(survey, other, country="FR")

    assert SkillRating.objects.count() == 6
    assert_summaries_match_the_ratings()
    assert set(
        SkillRatingPlaceSum.objects.filter(skill_uri=S_DATA).values_list(
            "country", "region", "ratings", "sum_importance", "sumsq_importance", "sum_proficiency"
        )
    ) == {("ES", "ES21", 2, 10, 50, 4), ("FR", "", 1, 4, 16, 1)}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_to_one_cell_both_count() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    import threading

    survey = SurveyFactory(status=Survey.Status.PUBLISHED, asks_profile=True)
    QuestionFactory(
        survey=survey,
        key="matrix",
        kind=Question.Kind.SKILLS_MATRIX,
        skill_uris=[S_DATA, S_PYTHON],
        is_required=True,
    )
    profile = {"country": "ES", "region": "ES21", "stakeholder_type": "healthcare_provider"}
    drafts = []
    for _ in range(4):
        draft = respond.response_start(survey=survey, language="en")
        respond.answers_save(response=draft, answers={"matrix": MATRIX}, profile=profile)
        drafts.append(draft)
    barrier = threading.Barrier(len(drafts))
    errors: list[BaseException] = []

    def submit(draft: Response) -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            respond.response_submit(response=draft)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=submit, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert SkillRating.objects.count() == 8
    assert_summaries_match_the_ratings()
    assert SkillRatingPlaceSum.objects.get(skill_uri=S_DATA).ratings == 4


@pytest.mark.django_db
def test_a_refused_submission_adds_nothing_to_the_summaries() -> None:
    survey = SurveyFactory(status=Survey.Status.PUBLISHED, asks_profile=True)
    QuestionFactory(
        survey=survey,
        key="matrix",
        kind=Question.Kind.SKILLS_MATRIX,
        skill_uris=[S_DATA],
        is_required=True,
    )
    response = respond.response_start(survey=survey, language="en")
    respond.answers_save(response=response, answers={"matrix": MATRIX}, profile={})

    with pytest.raises(respond.InvalidInput):
        respond.response_submit(response=response)  # no country: refused

    assert SkillRatingPlaceSum.objects.count() == 0
    assert SkillRatingOccupationSum.objects.count() == 0


def test_the_factory_and_bulk_writers_keep_the_summaries_true(mixed: None) -> None:
    assert SkillRating.objects.count() == 3 * 12 * 3
    assert SkillRating.objects.filter(importance__isnull=True).exists()
    assert_summaries_match_the_ratings()
    assert ad_counts() == ad_counts_from_cells()


def test_rebuild_recovers_drift_and_is_idempotent(mixed: None) -> None:
    SkillRatingPlaceSum.objects.update(ratings=F("ratings") + 1)  # drift behind the services
    SkillRatingOccupationSum.objects.filter(skill_uri=S_DATA).delete()
    JobAdCountryMonthlyCount.objects.filter(country="ES").delete()
    JobAdOccupationMonthlyCount.objects.filter(occupation_uri=O_NURSE).update(ads=0)

    first = summaries.gap_summaries_rebuild()
    once = [_stored_sums(model, columns) for model, columns in SUMMED] + ad_counts()
    second = summaries.gap_summaries_rebuild()

    assert first == second
    assert first["rating_cells"] == SkillRatingPlaceSum.objects.count() + (
        SkillRatingOccupationSum.objects.count()
    )
    assert [_stored_sums(model, columns) for model, columns in SUMMED] + ad_counts() == once
    assert_summaries_match_the_ratings()
    assert ad_counts() == ad_counts_from_cells()


def test_the_rebuild_command_recomputes_the_summaries(mixed: None) -> None:
    SkillRatingPlaceSum.objects.all().delete()

    call_command("gap_summaries_rebuild", stdout=None)

    assert_summaries_match_the_ratings()


@pytest.mark.django_db
def test_recounting_job_ads_rewrites_their_sums_for_those_months() -> None:
    upload = JobAdUpload.objects.create(
        original_name="ads.csv", file_format=JobAdUpload.Format.CSV, status=JobAdUpload.Status.DONE
    )
    for line, (month, country, skill) in enumerate(
        [
            (datetime.date(2026, 1, 5), "ES", S_DATA),
            (datetime.date(2026, 1, 9), "ES", S_PYTHON),
            (datetime.date(2026, 2, 3), "FR", S_DATA),
        ],
        start=1,
    ):
        ad = JobAd.objects.create(
            upload=upload, line=line, posted_on=month, month=month.replace(day=1), country=country
        )
        JobAdSkill.objects.create(ad=ad, skill_uri=skill, score=0.9)
    jobads.monthly_counts_rebuild()
    assert ad_counts() == ad_counts_from_cells()

    JobAdSkill.objects.filter(skill_uri=S_PYTHON).delete()
    jobads.monthly_counts_rebuild(months=[datetime.date(2026, 1, 1)])

    assert ad_counts() == ad_counts_from_cells()
    assert (datetime.date(2026, 1, 1), "ES", "", 2) in ad_counts()[0]
    assert (datetime.date(2026, 1, 1), "", "", 2) in ad_counts()[1]
    assert not JobAdCountryMonthlyCount.objects.filter(skill_uri=S_PYTHON).exists()
    assert not JobAdOccupationMonthlyCount.objects.filter(skill_uri=S_PYTHON).exists()


# -- the same gaps from the summaries as from the raw rows -------------------------------------

SLICES = [
    {},
    {"country": "ES"},
    {"country": "DE", "stakeholder_type": StakeholderType.HEALTHCARE_PROVIDER},
    {"region": "ES21"},
    {"stakeholder_type": StakeholderType.INDUSTRY_DIGITAL_HEALTH},
    {"occupation_uri": O_NURSE},
    {"isco_group": "22"},
    {"series": "flash"},
    {"series": "flash", "wave": "2026-2"},
    {"wave": "2026-1"},
    {"collection": "digital"},
    {"country": "ES", "collection": "digital", "wave": "2026-1"},
    {"isco_group": "2", "country": "DE"},
    {"isco_group": "22", "stakeholder_type": StakeholderType.HEALTHCARE_PROVIDER},
    {"region": "ES21", "collection": "digital"},
    {"occupation_uri": O_DEVELOPER, "series": "other"},
]


def _everything(filters: gaps.GapFilters) -> tuple[Any, ...]:
    table = gaps.gap_table(filters)
    return (
        table,
        gaps.gap_heatmap(filters, "occupation", table=table),
        gaps.gap_heatmap(filters, "region", table=table),
        gaps.gap_evidence(filters, S_DATA, show_employers=True),
    )


@pytest.mark.parametrize("query", SLICES, ids=lambda query: "+".join(query) or "everything")
def test_gaps_from_the_summaries_equal_gaps_from_the_raw_rows(
    mixed: None, query: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    filters = gaps.filters_validate(gaps.GapFilters(**query))
    summed = _everything(filters)

    monkeypatch.setattr(gaps, "_SUMMARY_COLUMNS", [])
    monkeypatch.setattr(gaps, "_AD_SUMMARIES", [])
    raw = _everything(filters)

    assert summed[0].rows  # the slice is not empty
    assert summed == raw


@pytest.mark.parametrize(
    ("query", "column", "source"),
    [
        ({}, "", SkillRatingPlaceSum),
        ({"region": "ES21", "stakeholder_type": "education_vet"}, "", SkillRatingPlaceSum),
        ({"wave": "2026-1"}, "occupation_uri", SkillRatingOccupationSum),
        ({"isco_group": "22"}, "", SkillRatingOccupationSum),
        ({"stakeholder_type": "education_vet"}, "occupation_uri", SkillRatingOccupationSum),
        ({"country": "ES"}, "occupation_uri", SkillRating),
        ({"isco_group": "22", "region": "ES21"}, "", SkillRating),
        ({"occupation_uri": O_NURSE}, "region", SkillRating),
    ],
)
def test_a_slice_reads_the_summary_that_holds_its_columns(
    mixed: None, query: dict[str, str], column: str, source: Any
) -> None:
    filters = gaps.GapFilters(**query)

    ratings, _aggregates = gaps._rating_source(filters, gaps._occupations_of(filters), column)

    assert ratings.model is source


def test_job_ads_are_read_per_country_or_per_occupation_when_the_slice_allows(
    mixed: None,
) -> None:
    def model(**query: str) -> Any:
        filters = gaps.GapFilters(**query)
        return gaps._ads(filters, gaps._occupations_of(filters)).model

    assert model() is JobAdCountryMonthlyCount
    assert model(country="ES", stakeholder_type="education_vet") is JobAdCountryMonthlyCount
    assert model(isco_group="22", wave="2026-1") is JobAdOccupationMonthlyCount
    assert model(region="ES21") is JobAdMonthlyCount
    assert model(country="ES", occupation_uri=O_NURSE) is JobAdMonthlyCount
