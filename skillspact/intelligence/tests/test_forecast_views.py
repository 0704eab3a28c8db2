"""The forecasts pages: who sees them, starting a run, the progress box, a series page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from skillspact.intelligence import forecasts
from skillspact.intelligence.models import Forecast, ForecastRun
from skillspact.intelligence.tests.test_forecast_runs import write_job_ad_counts
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import S_PYTHON, S_RISK


@pytest.fixture
def finished_run(secretariat_officer: Any, esco_v1: Any) -> ForecastRun:  # noqa: F811
    write_job_ad_counts()
    run = forecasts.forecast_run_start(actor=secretariat_officer)
    done = forecasts.forecast_run_execute(run_id=run.pk)
    assert done is not None
    return done


def test_anonymous_people_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("intelligence:forecasts"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_outsiders_and_health_workers_get_not_found(
    client: Client, outsider: Any, health_worker: Any
) -> None:
    for person in (outsider, health_worker):
        client.force_login(person)
        assert client.get(reverse("intelligence:forecasts")).status_code == 404


def test_member_contacts_read_the_forecasts_but_cannot_start_a_run(
    client: Client, organisation_contact: Any, finished_run: ForecastRun
) -> None:
    client.force_login(organisation_contact)

    page = client.get(reverse("intelligence:forecasts"))
    refused = client.post(reverse("intelligence:forecasts"), {"horizon_months": 36})

    assert page.status_code == 200
    assert "Start the run" not in page.content.decode()
    assert refused.status_code == 404
    assert ForecastRun.objects.count() == 1


def test_the_secretariat_starts_a_run_from_the_page(
    client: Client, secretariat_officer: Any, committed: Any
) -> None:
    client.force_login(secretariat_officer)

    with committed():
        response = client.post(reverse("intelligence:forecasts"), {"horizon_months": 12})

    assert response.status_code == 302
    run = ForecastRun.objects.get()
    assert run.horizon_months == 12
    assert run.status == ForecastRun.Status.DONE


def test_a_second_run_is_refused_on_the_form(client: Client, secretariat_officer: Any) -> None:
    forecasts.forecast_run_start(actor=secretariat_officer)
    client.force_login(secretariat_officer)

    response = client.post(reverse("intelligence:forecasts"), {"horizon_months": 36})

    assert response.status_code == 200
    assert "already queued or running" in response.content.decode()
    assert ForecastRun.objects.count() == 1


def test_the_progress_box_refreshes_while_the_run_is_active(
    client: Client, secretariat_officer: Any
) -> None:
    run = forecasts.forecast_run_start(actor=secretariat_officer)
    client.force_login(secretariat_officer)

    box = client.get(reverse("intelligence:forecast_run", args=[run.public_id]))

    html = box.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert 'aria-live="polite"' in html


def test_the_table_lists_rising_and_falling_skills_within_a_query_budget(
    client: Client,
    secretariat_officer: Any,
    finished_run: ForecastRun,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(secretariat_officer)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("intelligence:forecasts"), {"kind": "skill"})

    html = page.content.decode()
    assert "Rising fastest" in html
    assert "Falling fastest" in html
    assert "Beats naive" in html
    assert "How this is computed" in html


def test_a_series_page_shows_the_chart_the_backtest_and_the_verdict(
    client: Client, secretariat_officer: Any, finished_run: ForecastRun
) -> None:
    client.force_login(secretariat_officer)

    page = client.get(reverse("intelligence:forecast_series", args=["skill"]), {"uri": S_PYTHON})

    html = page.content.decode()
    assert page.status_code == 200
    assert "The method beat the naive forecast" in html
    assert 'id="data-forecast"' in html
    assert 'id="data-backtest"' in html
    assert "rose by" in html


def test_a_series_the_method_did_not_beat_says_so_and_shows_the_naive_forecast(
    client: Client, secretariat_officer: Any, finished_run: ForecastRun
) -> None:
    Forecast.objects.filter(run=finished_run, uri=S_RISK).update(beats_naive=False)
    client.force_login(secretariat_officer)

    page = client.get(reverse("intelligence:forecast_series", args=["skill"]), {"uri": S_RISK})

    html = page.content.decode()
    assert "The method did not beat the naive forecast." in html
    assert "Trust the naive forecast" in html
    assert "Naive forecast share of job ads (the one to trust)" in html


def test_an_unknown_series_is_not_found(
    client: Client, secretariat_officer: Any, finished_run: ForecastRun
) -> None:
    client.force_login(secretariat_officer)

    page = client.get(
        reverse("intelligence:forecast_series", args=["skill"]), {"uri": "http://x/none"}
    )

    assert page.status_code == 404
