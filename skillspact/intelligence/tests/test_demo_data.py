"""The synthetic skills-intelligence demo data, on a small scale."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Avg

from skillspact.intelligence import demo_data
from skillspact.intelligence.models import (
    EmployerNeed,
    Forecast,
    ForecastRun,
    JobAd,
    JobAdUpload,
    Response,
    SkillRating,
    Survey,
)
from skillspact.intelligence.tests.test_summaries import (
    ad_counts,
    ad_counts_from_cells,
    assert_summaries_match_the_ratings,
)
from skillspact.organisations.factories import OrganisationFactory

NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)


def test_the_seed_runs_small_and_the_forecasts_find_the_planted_rising_trends(
    secretariat_officer: Any,
) -> None:
    # given a few member healthcare providers
    OrganisationFactory.create_batch(3, stakeholder_type="healthcare_provider")

    # when the demo data is seeded on a small scale (one seed: it fits forecasts)
    seeded = demo_data.seed(
        seed=1,
        secretariat=secretariat_officer,
        responses=120,
        job_ads=9000,
        months=30,
        needs=3,
        now=NOW,
    )

    # then two labelled waves of the flash survey hold the submitted responses and ratings
    surveys = list(Survey.objects.order_by("wave"))
    assert [(s.series, s.wave) for s in surveys] == [
        ("flash-digital-green", "2025"), ("flash-digital-green", "2026"),
    ]  # fmt: skip
    assert all(s.is_synthetic and s.languages == ["en", "fr"] for s in surveys)
    assert Response.objects.filter(is_synthetic=True, status="submitted").count() == 120
    assert SkillRating.objects.count() == 120 * len(demo_data.MATRIX) == seeded.ratings
    # and digital skills matter more in the second wave
    digital = [uri for _label, uri, kind in demo_data.MATRIX.values() if kind == "digital"]
    means = dict(
        SkillRating.objects.filter(skill_uri__in=digital)
        .values("survey__wave")
        .annotate(mean=Avg("importance"))
        .values_list("survey__wave", "mean")
    )
    assert means["2026"] > means["2025"] + 0.3
    # and the gap pages' summaries hold exactly those ratings and job ads
    assert_summaries_match_the_ratings()
    assert ad_counts() == ad_counts_from_cells()
    # and employer needs and job ads are there, flagged synthetic
    assert EmployerNeed.objects.filter(is_synthetic=True).count() == 3
    assert JobAd.objects.count() == 9000
    upload = JobAdUpload.objects.get()
    assert upload.is_synthetic is True
    assert upload.status == JobAdUpload.Status.DONE
    # and one finished forecast run finds the planted rising skills, not the falling one
    run = ForecastRun.objects.get()
    assert run.status == ForecastRun.Status.DONE
    assert run.summary["series"] == seeded.forecasts > 0
    trends = dict(
        Forecast.objects.filter(run=run, kind="skill", source="job_ads").values_list(
            "uri", "trend_per_year"
        )
    )
    for key in demo_data.RISING_SKILLS:
        assert trends[demo_data.SKILL_URI[key]] > 0.003, key
    assert trends[demo_data.SKILL_URI["digital_literacy"]] < 0.003
