"""Survey results pages of the secretariat: figures, charts, filters, wave comparison, exports."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from skillspact.core.permissions import secretariat_required
from skillspact.intelligence import exports, results, surveys


@secretariat_required
@require_GET
def results_page(request: HttpRequest, slug: str) -> HttpResponse:
    survey = surveys.survey_get_for_results(request.user, slug)
    filters = results.ResultFilters.from_query(request.GET)
    data = results.survey_results(survey, filters)
    context = {
        "survey": survey,
        "results": data,
        "filters": filters,
        "querystring": filters.querystring(),
        "small_sample": results.SMALL_SAMPLE,
    }
    return render(request, "intelligence/results/results.html", context)


def _filename(survey: object, extension: str) -> str:
    slug = getattr(survey, "slug", "survey")
    return f"{slug}-answers-{timezone.localdate().isoformat()}.{extension}"


@secretariat_required
@require_GET
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    survey = surveys.survey_get_for_results(request.user, slug)
    filters = results.ResultFilters.from_query(request.GET)
    response = HttpResponse(
        exports.csv_text(survey, filters), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(survey, "csv")}"'
    return response


@secretariat_required
@require_GET
def export_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    survey = surveys.survey_get_for_results(request.user, slug)
    filters = results.ResultFilters.from_query(request.GET)
    response = HttpResponse(
        exports.xlsx_bytes(survey, filters),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(survey, "xlsx")}"'
    return response
