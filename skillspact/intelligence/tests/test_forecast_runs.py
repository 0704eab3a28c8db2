"""Forecast runs: starting one, the task that computes it, idempotence, series and summary."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest

from skillspact.core.errors import InvalidInput, NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.intelligence import forecasts
from skillspact.intelligence.models import (
    Forecast,
    ForecastRun,
    JobAdMonthlyCount,
    SkillRating,
)
from skillspact.taxonomy.tests.esco_files import (
    O_NURSE,
    O_SPECIALIST,
    S_DATA,
    S_PYTHON,
    S_RISK,
    S_WASTE,
)

START = datetime.date(2023, 1, 1)
ADS_PER_MONTH = 2000


def month(index: int) -> datetime.date:
    year, rest = divmod(START.month - 1 + index, 12)
    return datetime.date(START.year + year, rest + 1, 1)


def write_job_ad_counts(months: int = 36, seed: int = 5) -> None:
    """Nurses' ads with a rising skill (S_PYTHON 2 % -> 9 %), a flat one (S_RISK 20 %), a
    falling one (S_WASTE 12 % -> 5 %), one seen only in the last year (S_DATA); specialists flat."""
    rng = random.Random(seed)
    rows = []
    for index in range(months):
        nurses = ADS_PER_MONTH * 3 // 4
        specialists = ADS_PER_MONTH - nurses
        shares = {
            S_PYTHON: 0.02 + 0.002 * index,
            S_RISK: 0.20,
            S_WASTE: 0.12 - 0.002 * index,
            S_DATA: 0.05 if index >= months - 12 else 0.0,
        }
        for occupation, total in ((O_NURSE, nurses), (O_SPECIALIST, specialists)):
            rows.append(
                JobAdMonthlyCount(
                    month=month(index), country="BE", occupation_uri=occupation, ads=total
                )
            )  # noqa: E501
            for skill, share in shares.items():
                if share <= 0:
                    continue
                ads = round(total * share + rng.gauss(0, 4))
                if ads > 0:
                    rows.append(
                        JobAdMonthlyCount(
                            month=month(index), country="BE", occupation_uri=occupation,
                            skill_uri=skill, ads=ads,
                        )
                    )  # fmt: skip
    JobAdMonthlyCount.objects.bulk_create(rows)


def test_secretariat_starts_a_run_and_the_task_stores_each_forecast(
    secretariat_officer: Any, committed: Any
) -> None:
    # given three years of monthly counts
    write_job_ad_counts()

    # when the secretariat starts a run (the task runs after commit)
    with committed():
        run = forecasts.forecast_run_start(actor=secretariat_officer, horizon_months=24)

    # then every series with two years of ads is forecast, with what it was made from
    run.refresh_from_db()
    assert run.status == ForecastRun.Status.DONE
    assert run.data_through == datetime.date(2025, 12, 1)
    rows = {(f.kind, f.uri): f for f in Forecast.objects.filter(run=run)}
    assert set(rows) == {
        ("skill", S_PYTHON), ("skill", S_RISK), ("skill", S_WASTE),
        ("occupation", O_NURSE), ("occupation", O_SPECIALIST),
    }  # fmt: skip
    rising = rows[("skill", S_PYTHON)]
    assert len(rising.history) == 36
    assert rising.history[0][0] == "2023-01"
    assert len(rising.points) == 24
    assert rising.backtest["held_back"] == 12
    assert rising.beats_naive is True
    assert rising.trend_per_year == pytest.approx(0.024, abs=0.004)
    assert rows[("skill", S_WASTE)].trend_per_year == pytest.approx(-0.024, abs=0.004)
    assert rows[("occupation", O_NURSE)].trend_per_year == pytest.approx(0.0, abs=0.002)
    assert run.total == 5
    assert run.done == 5
    assert run.summary["series"] == 5
    assert run.summary["skipped_short"] == 1  # S_DATA: one year of ads
    assert run.summary["beats_naive"] == sum(f.beats_naive for f in rows.values())
    assert run.summary["mean_mase"] > 0
    assert AuditEntry.objects.filter(code="intelligence.forecast_run.started").count() == 1
    assert AuditEntry.objects.filter(code="intelligence.forecast_run.done").count() == 1


def test_a_second_run_is_refused_while_one_is_queued(secretariat_officer: Any) -> None:
    # given a queued run
    first = forecasts.forecast_run_start(actor=secretariat_officer)

    # when another is asked for
    with pytest.raises(forecasts.RunAlreadyActive) as caught:
        forecasts.forecast_run_start(actor=secretariat_officer)

    # then nothing more is queued
    assert caught.value.code == "forecast_run_active"
    assert list(ForecastRun.objects.all()) == [first]


def test_a_run_silent_for_hours_no_longer_blocks_a_new_one(secretariat_officer: Any) -> None:
    stuck = forecasts.forecast_run_start(actor=secretariat_officer)
    ForecastRun.objects.filter(pk=stuck.pk).update(
        status=ForecastRun.Status.RUNNING,
        updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )

    fresh = forecasts.forecast_run_start(actor=secretariat_officer)

    stuck.refresh_from_db()
    assert stuck.status == ForecastRun.Status.FAILED
    assert fresh.status == ForecastRun.Status.QUEUED


def test_member_contacts_cannot_start_a_run(organisation_contact: Any) -> None:
    with pytest.raises(NotPermitted):
        forecasts.forecast_run_start(actor=organisation_contact)

    assert ForecastRun.objects.count() == 0


def test_only_the_offered_horizons_are_accepted(secretariat_officer: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        forecasts.forecast_run_start(actor=secretariat_officer, horizon_months=48)

    assert "horizon_months" in caught.value.fields
    assert ForecastRun.objects.count() == 0


def test_running_the_task_twice_replaces_the_rows_of_the_run(secretariat_officer: Any) -> None:
    # given a finished run
    write_job_ad_counts()
    run = forecasts.forecast_run_start(actor=secretariat_officer)
    forecasts.forecast_run_execute(run_id=run.pk)
    first_ids = set(Forecast.objects.filter(run=run).values_list("id", flat=True))

    # when the task runs again
    again = forecasts.forecast_run_execute(run_id=run.pk)

    # then the run has the same series once each, recomputed
    assert again is not None and again.status == ForecastRun.Status.DONE
    rows = Forecast.objects.filter(run=run)
    assert rows.count() == 5
    assert not first_ids & set(rows.values_list("id", flat=True))


def test_a_run_with_no_job_ads_finishes_empty(secretariat_officer: Any) -> None:
    run = forecasts.forecast_run_start(actor=secretariat_officer)

    done = forecasts.forecast_run_execute(run_id=run.pk)

    assert done is not None
    assert done.status == ForecastRun.Status.DONE
    assert done.summary["series"] == 0
    assert done.summary["mean_mase"] is None


def test_the_run_can_keep_only_the_series_with_most_ads(secretariat_officer: Any) -> None:
    write_job_ad_counts()
    run = forecasts.forecast_run_start(actor=secretariat_officer)

    done = forecasts.forecast_run_execute(run_id=run.pk, max_series=2)

    assert done is not None
    assert set(Forecast.objects.filter(run=run).values_list("uri", flat=True)) == {
        O_NURSE, O_SPECIALIST,
    }  # fmt: skip
    assert done.summary["left_out"] == 3


def test_series_job_ads_gives_the_monthly_share(db: None) -> None:
    write_job_ad_counts(months=3)

    series = forecasts.series_job_ads("occupation", O_NURSE)

    assert series == [("2023-01", 0.75), ("2023-02", 0.75), ("2023-03", 0.75)]


def test_skills_rated_in_two_survey_waves_get_the_change_and_no_forecast(
    secretariat_officer: Any,
) -> None:
    # given a skill rated in both waves of a survey series
    from skillspact.intelligence.factories import QuestionFactory, ResponseFactory, SurveyFactory

    ratings = []
    for wave, importance in (("2025", [3, 3, 4]), ("2026", [4, 5, 5])):
        survey = SurveyFactory(series="flash-digital-green", wave=wave)
        question = QuestionFactory(survey=survey, kind="skills_matrix", skill_uris=[S_PYTHON])
        for value in importance:
            response = ResponseFactory(survey=survey)
            ratings.append(
                SkillRating(
                    response=response, question=question, survey=survey, skill_uri=S_PYTHON,
                    proficiency=3, importance=value, submitted_on=datetime.date(2026, 1, 5),
                )
            )  # fmt: skip
    SkillRating.objects.bulk_create(ratings)

    # when a run is computed
    run = forecasts.forecast_run_start(actor=secretariat_officer)
    forecasts.forecast_run_execute(run_id=run.pk)

    # then the skill has a survey-waves row with the change and no forecast points
    row = Forecast.objects.get(run=run, source=Forecast.Source.SURVEYS)
    assert row.uri == S_PYTHON
    assert row.points == []
    assert [point[0] for point in row.history] == [
        "flash-digital-green 2025", "flash-digital-green 2026",
    ]  # fmt: skip
    assert row.backtest["change"] == pytest.approx(4.667 - 3.333, abs=0.01)
    run.refresh_from_db()
    assert run.summary["survey_series"] == 1
    assert run.summary["series"] == 0
