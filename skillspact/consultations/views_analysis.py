"""The secretariat's analysis of a consultation: ratings, breakdowns, themes, and the exports."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from skillspact.consultations import analysis, exports
from skillspact.consultations.models import Rating
from skillspact.consultations.selectors import StanceCounts
from skillspact.core.paginate import paginate
from skillspact.core.permissions import secretariat_required
from skillspact.core.types import AuthedHttpRequest
from skillspact.organisations.charts import LAYOUT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STANCE_COLOURS = {"support": "#0f7b5f", "neutral": "#8a939c", "oppose": "#b35c00"}


def stance_bars_json(title: str, labels: list[str], rows: list[StanceCounts]) -> str:
    """Horizontal bars stacked to 100 %: the share of each stance per row, counts on hover."""
    stances = [(value, str(label)) for value, label in Rating.Stance.choices]
    names = {"support": _("Support"), "neutral": _("Neutral"), "oppose": _("Oppose")}
    figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": names.get(value, label),
                "x": [row.share(value) for row in rows][::-1],
                "y": labels[::-1],
                "customdata": [getattr(row, value) for row in rows][::-1],
                "marker": {"color": STANCE_COLOURS[value]},
                "hovertemplate": "%{y}: %{x} % (%{customdata:,})<extra>"
                + names.get(value, label)
                + "</extra>",
            }
            for value, label in stances
        ],
        "layout": {
            **LAYOUT,
            "height": max(220, 60 + 26 * len(labels)),
            "title": {"text": title},
            "barmode": "stack",
            "xaxis": {"range": [0, 100], "ticksuffix": " %"},
            "yaxis": {"automargin": True},
            "legend": {"orientation": "h", "y": -0.12},
        },
    }
    return json.dumps(figure)


def _filters(request: AuthedHttpRequest, found: tuple[list[Any], list[Any]]) -> Any:
    """The page's filters; a value that is not offered is ignored."""
    types, countries = found
    stakeholder_type = request.GET.get("stakeholder_type", "")
    country = request.GET.get("country", "")
    return analysis.AnalysisFilters(
        stakeholder_type=stakeholder_type if stakeholder_type in {t for t, _l in types} else "",
        country=country if country in {c for c, _l in countries} else "",
        section=request.GET.get("section", "")[:120],
    )


def _query(filters: analysis.AnalysisFilters, **extra: str) -> str:
    values = {
        "stakeholder_type": filters.stakeholder_type,
        "country": filters.country,
        "section": filters.section,
        **extra,
    }
    return urlencode({k: v for k, v in values.items() if v})


@secretariat_required
@require_GET
def analysis_page(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    consultation = analysis.consultation_get_for_analysis(user=request.user, slug=slug)
    filters = _filters(request, analysis.respondent_options(consultation=consultation))
    found = analysis.analysis_for(consultation=consultation, filters=filters)
    rated = [row for row in found.sections if row.ratings.total]
    charts = {
        "sections": stance_bars_json(
            _("Ratings per section"),
            [f"{row.section.number} {row.section.heading}"[:60] for row in rated if row.section],
            [row.ratings for row in rated],
        )
        if rated
        else "",
        "types": stance_bars_json(
            _("By stakeholder type"),
            [row.label for row in found.by_type],
            [row.ratings for row in found.by_type],
        )
        if found.by_type
        else "",
        "countries": stance_bars_json(
            _("By country"),
            [row.label for row in found.by_country],
            [row.ratings for row in found.by_country],
        )
        if found.by_country
        else "",
    }
    return render(
        request,
        "consultations/analysis.html",
        {
            "consultation": consultation,
            "analysis": found,
            "filters": filters,
            "charts": charts,
            "themes": analysis.themes_for(consultation=consultation),
            "theme_state": analysis.themes_state(consultation=consultation),
            "query": _query(filters),
        },
    )


@secretariat_required
@require_POST
def themes_recompute(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    consultation = analysis.consultation_get_for_analysis(user=request.user, slug=slug)
    analysis.themes_request(consultation=consultation, actor=request.user)
    messages.success(
        request,
        _("The themes are being computed again. Reload this page in a minute to see them."),
    )
    return redirect("consultations:analysis", slug=consultation.slug)


@secretariat_required
@require_GET
def theme_detail(request: AuthedHttpRequest, slug: str, number: int) -> HttpResponse:
    consultation = analysis.consultation_get_for_analysis(user=request.user, slug=slug)
    theme = analysis.theme_get(consultation=consultation, number=number)
    page = paginate(analysis.theme_comments(theme=theme), request.GET.get("page"), per_page=50)
    return render(
        request,
        "consultations/analysis_theme.html",
        {"consultation": consultation, "theme": theme, "number": number, "page": page},
    )


def _export_name(slug: str, extension: str) -> str:
    return f"{slug}-{timezone.now():%Y%m%d}.{extension}"


@secretariat_required
@require_GET
def export_csv(request: AuthedHttpRequest, slug: str) -> StreamingHttpResponse:
    consultation = analysis.consultation_get_for_analysis(user=request.user, slug=slug)
    response = StreamingHttpResponse(
        exports.csv_stream(consultation=consultation), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(slug, "csv")}"'
    return response


@secretariat_required
@require_GET
def export_xlsx(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    consultation = analysis.consultation_get_for_analysis(user=request.user, slug=slug)
    response = HttpResponse(exports.xlsx_bytes(consultation=consultation), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_export_name(slug, "xlsx")}"'
    return response
