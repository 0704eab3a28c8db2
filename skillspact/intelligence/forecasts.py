"""Forecast runs: the service that starts one, the work the task does, and the selectors.

A run forecasts every skill and every occupation with enough job-ad history: the series is the
share of all job ads of a month that ask for the skill (or are for the occupation), read from
`JobAdMonthlyCount`. Each `Forecast` stores the history it was made from, its points with 80 %
and 95 % intervals, the backtest against the naive forecast and the trend per year
(`forecasting.py` documents the method). Skills rated in two or more waves of a survey series
get a "survey waves" row: the change in mean importance between waves, and no forecast.

Reading: the secretariat and the contacts of member organisations. Starting a run: the
secretariat; one run at a time.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from skillspact.core import audit
from skillspact.core.errors import InvalidInput, InvalidState, NotPermitted
from skillspact.core.permissions import is_secretariat
from skillspact.core.validation import full_clean
from skillspact.intelligence.models import (
    Forecast,
    ForecastRun,
    JobAdMonthlyCount,
    SkillRating,
    Survey,
)

logger = logging.getLogger(__name__)

HORIZONS = (12, 24, 36)
MIN_HISTORY = 24
# A run that has said nothing for this long is taken as dead: a new one may start.
STALE_AFTER = datetime.timedelta(hours=2)
ACTIVE = (ForecastRun.Status.QUEUED, ForecastRun.Status.RUNNING)
PROGRESS_EVERY = 10
TOP_ROWS = 15


class RunAlreadyActive(InvalidState):
    code = "forecast_run_active"
    default_message = _(
        "A forecast run is already queued or running. Wait for it to finish before starting "
        "another."
    )


# -- access ------------------------------------------------------------------------------------


def can_read(user: Any) -> bool:
    """The secretariat and the contacts of member organisations read the forecasts."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if is_secretariat(user):
        return True
    from skillspact.organisations import selectors as organisation_selectors
    from skillspact.organisations.models import Organisation

    return (
        organisation_selectors.organisations_acted_for(user=user)
        .filter(status=Organisation.Status.MEMBER)
        .exists()
    )


def ensure_can_read(user: Any) -> None:
    """Raise Http404 for anyone who may not read the forecasts."""
    if not can_read(user):
        raise Http404


# -- the run -----------------------------------------------------------------------------------


@transaction.atomic
def forecast_run_start(*, actor: Any, horizon_months: int = 36) -> ForecastRun:
    """Queue a forecast run over every series with enough history (secretariat only; one
    queued or running run at a time)."""
    from skillspact.intelligence import tasks

    if not is_secretariat(actor):
        raise NotPermitted(str(_("Only the secretariat starts forecast runs.")))
    if horizon_months not in HORIZONS:
        raise InvalidInput(
            str(_("Choose a horizon of 12, 24 or 36 months.")),
            fields={"horizon_months": [str(_("Choose 12, 24 or 36 months."))]},
        )
    # Lock the active runs so that two requests at once cannot both pass the check.
    active = list(ForecastRun.objects.select_for_update().filter(status__in=ACTIVE))
    stale_before = timezone.now() - STALE_AFTER
    for run in active:
        if run.updated_at >= stale_before:
            raise RunAlreadyActive()
        run.status = ForecastRun.Status.FAILED
        run.last_error = "Stopped: no progress for two hours."
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "last_error", "finished_at", "updated_at"])
    run = ForecastRun(
        horizon_months=horizon_months, min_history_months=MIN_HISTORY, requested_by=actor
    )
    full_clean(run)
    run.save()
    audit.record(
        run, "intelligence.forecast_run.started", actor=actor, after={"horizon": horizon_months}
    )
    run_id = run.pk
    transaction.on_commit(lambda: tasks.forecasts_run.enqueue(run_id=run_id))
    return run


def forecast_run_execute(*, run_id: int, max_series: int | None = None) -> ForecastRun | None:
    """Compute a run's forecasts, replacing any rows it has (so running it twice does no
    harm). A run another worker is computing right now is left alone. `max_series` keeps only
    the series with the most ads (None: all)."""
    with transaction.atomic():
        run = ForecastRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return None
        is_busy = (
            run.status == ForecastRun.Status.RUNNING
            and run.updated_at >= timezone.now() - STALE_AFTER
        )
        if is_busy:
            return run
        run.status = ForecastRun.Status.RUNNING
        run.started_at = timezone.now()
        run.finished_at = None
        run.done = 0
        run.last_error = ""
        run.save()
    try:
        _compute(run, max_series=max_series)
    except Exception as error:  # noqa: BLE001 - the run records why it failed
        logger.exception("forecast run %s failed", run_id)
        ForecastRun.objects.filter(pk=run.pk).update(
            status=ForecastRun.Status.FAILED,
            last_error=str(error)[:2000],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


@dataclass
class SeriesSet:
    """The job-ad series of one kind, ready to forecast, and how many were too short."""

    series: dict[str, list[tuple[str, float]]]
    volume: dict[str, int]
    skipped_short: int


def _compute(run: ForecastRun, *, max_series: int | None) -> None:
    from skillspact.intelligence import forecasting

    months = _months_with_ads()
    work: list[tuple[str, str, list[tuple[str, float]], int]] = []
    skipped = 0
    for series_kind in (Forecast.Kind.SKILL, Forecast.Kind.OCCUPATION):
        found = job_ad_series(kind=series_kind, months=months, min_history=run.min_history_months)
        skipped += found.skipped_short
        work.extend(
            (str(series_kind), uri, history, found.volume[uri])
            for uri, history in found.series.items()
        )
    limited = 0
    if max_series is not None and len(work) > max_series:
        work.sort(key=lambda item: (-item[3], item[0], item[1]))
        limited = len(work) - max_series
        work = work[:max_series]
    waves = survey_wave_series()
    run.total = len(work) + len(waves)
    run.data_through = months[-1] if months else None
    run.save(update_fields=["total", "data_through", "updated_at"])
    Forecast.objects.filter(run=run).delete()

    rows: list[Forecast] = []
    mases: list[float] = []
    beats = 0
    for index, (kind, uri, history, _volume) in enumerate(work, start=1):
        result = forecasting.forecast(
            history, horizon=run.horizon_months, min_history=run.min_history_months
        )
        backtest = result.backtest.as_dict()
        backtest["parameters"] = result.parameters
        rows.append(
            Forecast(
                run=run,
                kind=kind,
                uri=uri,
                source=Forecast.Source.JOB_ADS,
                history=[[period, value] for period, value in result.history],
                method=result.method[:80],
                points=result.points,
                backtest=backtest,
                beats_naive=result.beats_naive,
                trend_per_year=result.trend_per_year,
            )
        )
        beats += int(result.beats_naive)
        if result.backtest.mase is not None:
            mases.append(result.backtest.mase)
        if index % PROGRESS_EVERY == 0:
            _progress(run, index, rows)
            rows = []
    for uri, points in waves.items():
        change = forecasting.waves_change([(wave, mean) for wave, mean, _n in points])
        rows.append(
            Forecast(
                run=run,
                kind=Forecast.Kind.SKILL,
                uri=uri,
                source=Forecast.Source.SURVEYS,
                history=[[wave, mean, count] for wave, mean, count in points],
                method="Change between survey waves (no forecast)",
                points=[],
                backtest={"reason": change.reason, "change": change.change},
                beats_naive=False,
                trend_per_year=0.0,
            )
        )
    _progress(run, run.total, rows)
    run.summary = {
        "series": len(work),
        "beats_naive": beats,
        "skipped_short": skipped,
        "mean_mase": round(sum(mases) / len(mases), 3) if mases else None,
        "survey_series": len(waves),
        "left_out": limited,
    }
    run.status = ForecastRun.Status.DONE
    run.done = run.total
    run.finished_at = timezone.now()
    run.save()
    audit.record(run, "intelligence.forecast_run.done", actor=None, after=run.summary)


def _progress(run: ForecastRun, done: int, rows: list[Forecast]) -> None:
    Forecast.objects.bulk_create(rows, batch_size=200)
    ForecastRun.objects.filter(pk=run.pk).update(done=done, updated_at=timezone.now())


# -- the series ---------------------------------------------------------------------------------


def _months_with_ads() -> list[datetime.date]:
    """Every month from the first to the last with any job ad."""
    first_last = JobAdMonthlyCount.objects.filter(skill_uri="").order_by("month")
    first = first_last.values_list("month", flat=True).first()
    last = first_last.reverse().values_list("month", flat=True).first()
    if first is None or last is None:
        return []
    months = []
    current = first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months


def _totals() -> dict[datetime.date, int]:
    rows = (
        JobAdMonthlyCount.objects.filter(skill_uri="")
        .values("month")
        .annotate(ads=Sum("ads"))
        .values_list("month", "ads")
    )
    return {month: int(ads or 0) for month, ads in rows}


def job_ad_series(
    *,
    kind: str,
    months: list[datetime.date] | None = None,
    min_history: int = MIN_HISTORY,
    uris: Iterable[str] | None = None,
) -> SeriesSet:
    """Share of job ads per month for every skill (or occupation) with ads in at least
    `min_history` months; the others are counted as skipped. Months without ads for the
    series count as 0."""
    months = months if months is not None else _months_with_ads()
    totals = _totals()
    counts = JobAdMonthlyCount.objects.all()
    if kind == Forecast.Kind.SKILL:
        counts = counts.exclude(skill_uri="")
        field = "skill_uri"
    else:
        counts = counts.filter(skill_uri="").exclude(occupation_uri="")
        field = "occupation_uri"
    if uris is not None:
        counts = counts.filter(**{f"{field}__in": list(uris)})
    per_uri: dict[str, dict[datetime.date, int]] = defaultdict(dict)
    for uri, month, ads in (
        counts.values(field, "month").annotate(ads=Sum("ads")).values_list(field, "month", "ads")
    ):
        per_uri[uri][month] = int(ads or 0)
    series: dict[str, list[tuple[str, float]]] = {}
    volume: dict[str, int] = {}
    skipped = 0
    for uri, by_month in per_uri.items():
        if sum(1 for value in by_month.values() if value > 0) < min_history:
            skipped += 1
            continue
        series[uri] = [
            (month.strftime("%Y-%m"), by_month.get(month, 0) / totals[month])
            for month in months
            if totals.get(month)
        ]
        volume[uri] = sum(by_month.values())
    return SeriesSet(series=series, volume=volume, skipped_short=skipped)


def series_job_ads(kind: str, uri: str) -> list[tuple[str, float]]:
    """The monthly share of job ads of one skill or occupation (every month, 0 when none)."""
    found = job_ad_series(kind=kind, uris=[uri], min_history=0)
    return found.series.get(uri, [])


def survey_wave_series(*, min_waves: int = 2) -> dict[str, list[tuple[str, float, int]]]:
    """Per skill: the mean importance in each wave of a survey series it was rated in, as
    (series/wave, mean, ratings), for skills rated in at least `min_waves` waves of one series."""
    surveys = {
        survey.pk: survey
        for survey in Survey.objects.exclude(series="").exclude(wave="").only("series", "wave")
    }
    if not surveys:
        return {}
    rows = (
        SkillRating.objects.filter(survey_id__in=list(surveys), importance__isnull=False)
        .values("survey_id", "skill_uri")
        .annotate(mean=Avg("importance"), count=Count("id"))
        .values_list("survey_id", "skill_uri", "mean", "count")
    )
    by_skill: dict[tuple[str, str], list[tuple[str, float, int]]] = defaultdict(list)
    for survey_id, uri, mean, count in rows:
        survey = surveys[survey_id]
        by_skill[(uri, survey.series)].append(
            (f"{survey.series} {survey.wave}", round(float(mean), 3), int(count))
        )
    result: dict[str, list[tuple[str, float, int]]] = {}
    for (uri, _series), points in sorted(by_skill.items()):
        if len(points) >= min_waves and uri not in result:
            result[uri] = sorted(points)
    return result


# -- selectors ---------------------------------------------------------------------------------


def run_latest(*, user: Any) -> ForecastRun | None:
    """The most recent run, for someone who may read the forecasts."""
    ensure_can_read(user)
    return ForecastRun.objects.order_by("-created_at", "-id").first()


def run_latest_done(*, user: Any) -> ForecastRun | None:
    """The most recent finished run."""
    ensure_can_read(user)
    return (
        ForecastRun.objects.filter(status=ForecastRun.Status.DONE)
        .order_by("-finished_at", "-id")
        .first()
    )


def run_get_for_view(*, user: Any, public_id: Any) -> ForecastRun:
    """One run, for someone who may read the forecasts."""
    ensure_can_read(user)
    run = ForecastRun.objects.filter(public_id=public_id).first()
    if run is None:
        raise Http404
    return run


def forecasts_for(*, kind: str, uri: str, user: Any = None) -> list[Forecast]:
    """The forecasts of one series in the latest finished run (job ads first, then survey
    waves). With `user`, checks that they may read them."""
    if user is not None:
        ensure_can_read(user)
    run = (
        ForecastRun.objects.filter(status=ForecastRun.Status.DONE)
        .order_by("-finished_at", "-id")
        .first()
    )
    if run is None:
        return []
    return list(Forecast.objects.filter(run=run, kind=kind, uri=uri).order_by("source", "id"))


@dataclass
class Row:
    """One line of the rising/falling table."""

    forecast: Forecast
    label: str
    is_digital: bool
    is_green: bool

    @property
    def last_value(self) -> float | None:
        history = self.forecast.history
        return history[-1][1] if history else None

    @property
    def last_percent(self) -> float | None:
        value = self.last_value
        return None if value is None else value * 100

    @property
    def trend_points(self) -> float:
        """Trend per year in percentage points of ads."""
        return self.forecast.trend_per_year * 100

    @property
    def in_a_year_percent(self) -> float | None:
        value = self.in_a_year
        return None if value is None else value * 100

    @property
    def in_a_year(self) -> float | None:
        """The forecast (or the naive forecast, when the method lost) 12 months ahead."""
        points = self.forecast.points
        if len(points) < 12:
            return None
        key = "mean" if self.forecast.beats_naive else "naive"
        return points[11][key]


@dataclass
class Table:
    rising: list[Row]
    falling: list[Row]
    total: int


def forecasts_table(*, run: ForecastRun, kind: str, tag: str = "", top: int = TOP_ROWS) -> Table:
    """The strongest rising and falling job-ad series of a kind in `run`; `tag` "digital" or
    "green" keeps only skills of that ESCO collection."""
    from skillspact.taxonomy import selectors as taxonomy_selectors

    forecasts = list(
        Forecast.objects.filter(run=run, kind=kind, source=Forecast.Source.JOB_ADS)
        .only("id", "kind", "uri", "history", "points", "beats_naive", "trend_per_year", "method")
        .order_by("-trend_per_year", "uri")
    )
    concept_type = "skill" if kind == Forecast.Kind.SKILL else "occupation"
    briefs = taxonomy_selectors.concepts_describe(
        [forecast.uri for forecast in forecasts], concept_type=concept_type
    )
    rows = []
    for forecast in forecasts:
        brief = briefs.get(forecast.uri)
        row = Row(
            forecast=forecast,
            label=brief.label if brief else forecast.uri,
            is_digital=bool(brief and brief.is_digital),
            is_green=bool(brief and brief.is_green),
        )
        if tag == "digital" and not row.is_digital:
            continue
        if tag == "green" and not row.is_green:
            continue
        rows.append(row)
    rising = [row for row in rows if row.forecast.trend_per_year > 0][:top]
    falling = [row for row in reversed(rows) if row.forecast.trend_per_year < 0][:top]
    return Table(rising=rising, falling=falling, total=len(rows))


def concept_label(*, kind: str, uri: str) -> tuple[str, bool, bool]:
    """(label, is_digital, is_green) of a skill or occupation; the URI when unknown."""
    from skillspact.taxonomy import selectors as taxonomy_selectors

    concept_type = "skill" if kind == Forecast.Kind.SKILL else "occupation"
    brief = taxonomy_selectors.concepts_describe([uri], concept_type=concept_type).get(uri)
    if brief is None:
        return uri, False, False
    return brief.label, brief.is_digital, brief.is_green


def data_is_synthetic() -> bool:
    """Whether the job ads the forecasts read come (partly) from the synthetic demo data."""
    from skillspact.intelligence.models import JobAdUpload

    return JobAdUpload.objects.filter(is_synthetic=True).exists()
