"""The forecasts pages: the latest run with its progress and the rising and falling series, one
page per series with its chart and backtest, and starting a run (secretariat).

Who sees them: the secretariat and the contacts of member organisations; anyone else gets 404
(anonymous people are sent to sign in).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from skillspact.core.errors import DomainError
from skillspact.core.forms import add_domain_error
from skillspact.core.permissions import is_secretariat
from skillspact.intelligence import forecasts
from skillspact.intelligence.models import Forecast

BLUE = "#0b4f8a"
GREEN = "#0f7b5f"
ORANGE = "#b35c00"
GREY = "#555555"


class RunForm(forms.Form):
    horizon_months = forms.TypedChoiceField(
        label=gettext_lazy("Forecast horizon"),
        choices=[
            (12, gettext_lazy("12 months")),
            (24, gettext_lazy("24 months")),
            (36, gettext_lazy("36 months")),
        ],
        coerce=int,
        initial=36,
    )


class TableFilter(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Series"),
        choices=[
            (Forecast.Kind.SKILL, gettext_lazy("Skills")),
            (Forecast.Kind.OCCUPATION, gettext_lazy("Occupations")),
        ],
        required=False,
    )
    tag = forms.ChoiceField(
        label=gettext_lazy("Skills of the ESCO collection"),
        choices=[
            ("", gettext_lazy("All skills")),
            ("digital", gettext_lazy("Digital skills")),
            ("green", gettext_lazy("Green skills")),
        ],
        required=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def forecast_index(request: HttpRequest) -> HttpResponse:
    latest = forecasts.run_latest(user=request.user)
    done = forecasts.run_latest_done(user=request.user)
    form = RunForm()
    if request.method == "POST":
        if not is_secretariat(request.user):
            raise Http404
        form = RunForm(request.POST)
        if form.is_valid():
            try:
                run = forecasts.forecast_run_start(
                    actor=request.user, horizon_months=form.cleaned_data["horizon_months"]
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The forecast run is queued."))
                return redirect(f"{request.path}#run-{run.public_id}")
    filters = TableFilter(request.GET or None)
    kind, tag = Forecast.Kind.SKILL, ""
    if filters.is_valid():
        kind = filters.cleaned_data["kind"] or Forecast.Kind.SKILL
        tag = filters.cleaned_data["tag"] if kind == Forecast.Kind.SKILL else ""
    table = forecasts.forecasts_table(run=done, kind=kind, tag=tag) if done else None
    return render(
        request,
        "intelligence/forecasts/index.html",
        {
            "latest": latest,
            "done": done,
            "table": table,
            "kind": kind,
            "tag": tag,
            "filters": filters,
            "form": form,
            "can_start": is_secretariat(request.user),
            "is_synthetic": forecasts.data_is_synthetic(),
            "is_active": latest is not None and latest.status in forecasts.ACTIVE,
        },
    )


@login_required
@require_GET
def forecast_run_progress(request: HttpRequest, public_id: str) -> HttpResponse:
    run = forecasts.run_get_for_view(user=request.user, public_id=public_id)
    return render(
        request,
        "intelligence/forecasts/_run.html",
        {"run": run, "is_active": run.status in forecasts.ACTIVE},
    )


@login_required
@require_GET
def forecast_series(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in Forecast.Kind.values:
        raise Http404
    uri = request.GET.get("uri", "")[:255]
    found = forecasts.forecasts_for(kind=kind, uri=uri, user=request.user)
    if not found:
        raise Http404
    label, is_digital, is_green = forecasts.concept_label(kind=kind, uri=uri)
    job_ads = next((f for f in found if f.source == Forecast.Source.JOB_ADS), None)
    waves = next((f for f in found if f.source == Forecast.Source.SURVEYS), None)
    context: dict[str, Any] = {
        "kind": kind,
        "uri": uri,
        "label": label,
        "is_digital": is_digital,
        "is_green": is_green,
        "forecast": job_ads,
        "waves": waves,
        "run": found[0].run,
        "is_synthetic": forecasts.data_is_synthetic(),
    }
    if job_ads is not None:
        context["chart"] = series_chart_json(job_ads, label)
        context["backtest_chart"] = backtest_chart_json(job_ads)
        backtest = job_ads.backtest
        context["backtest_rows"] = [
            (period, actual * 100, method * 100, naive * 100)
            for period, actual, method, naive in zip(
                backtest.get("periods", []),
                backtest.get("actual", []),
                backtest.get("method", []),
                backtest.get("naive", []),
                strict=False,
            )
        ]
        context["mae_points"] = backtest.get("mae", 0) * 100
        context["mae_naive_points"] = backtest.get("mae_naive", 0) * 100
        context["trend_points"] = job_ads.trend_per_year * 100
        prefix = "" if job_ads.beats_naive else "naive_"
        mean_key = "mean" if job_ads.beats_naive else "naive"
        context["yearly_rows"] = [
            (
                point["period"],
                point[mean_key] * 100,
                point[f"{prefix}lower_80"] * 100,
                point[f"{prefix}upper_80"] * 100,
                point[f"{prefix}lower_95"] * 100,
                point[f"{prefix}upper_95"] * 100,
            )
            for index, point in enumerate(job_ads.points)
            if (index + 1) % 12 == 0 or index + 1 == len(job_ads.points) and index < 11
        ]
    return render(request, "intelligence/forecasts/series.html", context)


# -- charts ------------------------------------------------------------------------------------


def _percent(values: list[float]) -> list[float]:
    return [round(value * 100, 3) for value in values]


def series_chart_json(forecast: Forecast, label: str) -> str:
    """History, the trusted forecast (the method's, or the naive one when the method lost the
    backtest) with its 80 % and 95 % bands, as Plotly JSON in percent of ads."""
    history = forecast.history
    points = forecast.points
    prefix = "" if forecast.beats_naive else "naive_"
    periods = [point["period"] for point in points]
    name = _("Forecast") if forecast.beats_naive else _("Naive forecast (last value)")

    def band(level: str, colour: str, text: str) -> list[dict[str, Any]]:
        return [
            {
                "type": "scatter",
                "mode": "lines",
                "x": periods,
                "y": _percent([p[f"{prefix}upper_{level}"] for p in points]),
                "line": {"width": 0},
                "showlegend": False,
                "hoverinfo": "skip",
            },
            {
                "type": "scatter",
                "mode": "lines",
                "x": periods,
                "y": _percent([p[f"{prefix}lower_{level}"] for p in points]),
                "line": {"width": 0},
                "fill": "tonexty",
                "fillcolor": colour,
                "name": text,
                "hoverinfo": "skip",
            },
        ]

    data: list[dict[str, Any]] = [
        *band("95", "rgba(11,79,138,0.12)", _("95 % prediction interval")),
        *band("80", "rgba(11,79,138,0.25)", _("80 % prediction interval")),
        {
            "type": "scatter",
            "mode": "lines",
            "name": _("History (share of job ads)"),
            "x": [row[0] for row in history],
            "y": _percent([row[1] for row in history]),
            "line": {"color": GREY, "width": 2},
            "hovertemplate": "%{x}: %{y:.2f} %<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": name,
            "x": periods,
            "y": _percent([p["mean" if forecast.beats_naive else "naive"] for p in points]),
            "line": {"color": BLUE, "width": 3, "dash": "dash"},
            "hovertemplate": "%{x}: %{y:.2f} %<extra></extra>",
        },
    ]
    if not forecast.beats_naive:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Method forecast (did not beat naive)"),
                "x": periods,
                "y": _percent([p["mean"] for p in points]),
                "line": {"color": ORANGE, "width": 1, "dash": "dot"},
                "hovertemplate": "%{x}: %{y:.2f} %<extra></extra>",
            }
        )
    figure = {
        "data": data,
        "layout": {
            "margin": {"l": 50, "r": 10, "t": 40, "b": 40},
            "height": 380,
            "font": {"family": "system-ui, sans-serif", "size": 12},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "title": {"text": label},
            "yaxis": {"title": {"text": _("% of job ads")}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "y": -0.2},
        },
    }
    return json.dumps(figure)


def backtest_chart_json(forecast: Forecast) -> str:
    """The held-back months: what happened, what the method and the naive forecast said."""
    backtest = forecast.backtest
    periods = backtest.get("periods", [])
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("Held-back actual"),
            "x": periods,
            "y": _percent(backtest.get("actual", [])),
            "line": {"color": GREY, "width": 2},
            "marker": {"symbol": "circle"},
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("Method"),
            "x": periods,
            "y": _percent(backtest.get("method", [])),
            "line": {"color": BLUE, "width": 2, "dash": "dash"},
            "marker": {"symbol": "square"},
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("Naive (last value)"),
            "x": periods,
            "y": _percent(backtest.get("naive", [])),
            "line": {"color": ORANGE, "width": 2, "dash": "dot"},
            "marker": {"symbol": "diamond"},
        },
    ]
    figure = {
        "data": data,
        "layout": {
            "margin": {"l": 50, "r": 10, "t": 40, "b": 40},
            "height": 300,
            "font": {"family": "system-ui, sans-serif", "size": 12},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "title": {"text": _("Backtest on held-back months")},
            "yaxis": {"title": {"text": _("% of job ads")}},
            "legend": {"orientation": "h", "y": -0.25},
        },
    }
    return json.dumps(figure)
