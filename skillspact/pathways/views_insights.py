"""The secretariat's view of the pathways: the roles people aim for, the gaps no course covers,
by country — the evidence for commissioning new training."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from skillspact.core.permissions import secretariat_required
from skillspact.core.types import AuthedHttpRequest
from skillspact.pathways import forms, selectors

CHART_ROWS = 10


def _charts(data: Any) -> dict[str, str]:
    """Two horizontal bar charts drawn from the rows the tables also show."""
    from skillspact.commitments.charts import bar_json

    charts: dict[str, str] = {}
    targets = list(data.targets)[:CHART_ROWS]
    if targets:
        charts["targets"] = bar_json(
            _("Target roles people aim for"),
            [row.label for row in targets],
            [row.plans for row in targets],
        )
    uncovered = list(data.uncovered)[:CHART_ROWS]
    if uncovered:
        charts["uncovered"] = bar_json(
            _("Skills no course covers, by plans that need them"),
            [row.label for row in uncovered],
            [row.plans for row in uncovered],
        )
    return charts


@secretariat_required
@require_GET
def insights(request: AuthedHttpRequest) -> HttpResponse:
    form = forms.InsightsFilterForm(request.GET or None)
    country = form.country_code()
    data = selectors.insights(user=request.user, country=country or None)
    return render(
        request,
        "pathways/insights.html",
        {"form": form, "country": country, "data": data, "charts": _charts(data)},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _uncovered_rows(data: Any) -> Iterator[list[Any]]:
    yield [_("ESCO skill"), _("URI"), _("Plans that need it"), _("People"), _("Countries")]
    for row in data.uncovered:
        yield [row.label, row.uri, row.plans, row.people, " ".join(row.countries)]


@secretariat_required
@require_GET
def uncovered_csv(request: AuthedHttpRequest) -> StreamingHttpResponse:
    """The uncovered-skills table as CSV (UTF-8 with a BOM for spreadsheets)."""
    form = forms.InsightsFilterForm(request.GET or None)
    country = form.country_code()
    data = selectors.insights(user=request.user, country=country or None)
    writer = csv.writer(_Echo())
    stream = ("\ufeff", *(writer.writerow(row) for row in _uncovered_rows(data)))
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    suffix = f"-{country.lower()}" if country else ""
    response["Content-Disposition"] = f'attachment; filename="uncovered-skills{suffix}.csv"'
    return response
