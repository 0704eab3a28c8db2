"""The job-ad pages: uploads with their progress, one upload's ads and errors, the charts.

Only the secretariat reaches them (403 for anyone else signed in; anonymous people are sent to
sign in).
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillspact.core.errors import DomainError
from skillspact.core.forms import add_domain_error
from skillspact.core.paginate import paginate
from skillspact.core.permissions import secretariat_required
from skillspact.intelligence import forms_jobads, jobads
from skillspact.intelligence.models import JobAdUpload
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import ConceptType

UPLOADS_PER_PAGE = 20
ADS_PER_PAGE = 50
ERRORS_SHOWN = 50
COLOURS = ["#0b4f8a", "#0f7b5f", "#b35c00", "#6b3fa0", "#a8324a"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash"]


def _row(upload: JobAdUpload) -> dict[str, Any]:
    percent = round(100 * upload.processed / upload.total_rows) if upload.total_rows else 0
    return {
        "upload": upload,
        "is_active": upload.status in (JobAdUpload.Status.QUEUED, JobAdUpload.Status.RUNNING),
        "percent": min(percent, 100),
        "duplicates": jobads.upload_duplicates(upload),
    }


def _month_label(month: datetime.date) -> str:
    return month.strftime("%Y-%m")


def _charts(series: jobads.MonthSeries, labels: dict[str, str]) -> dict[str, str]:
    """Plotly figures (plain JSON) of ads per month and of the top skills' monthly shares."""
    from skillspact.organisations.charts import LAYOUT

    months = [_month_label(month) for month in series.months]
    ads = {
        "data": [
            {
                "type": "bar",
                "name": _("Job ads"),
                "x": months,
                "y": series.ads,
                "marker": {"color": COLOURS[0]},
                "hovertemplate": "%{x}: %{y:,}<extra></extra>",
            }
        ],
        "layout": {
            **LAYOUT,
            "title": {"text": _("Job ads per month")},
            "xaxis": {"type": "category"},
            "yaxis": {"rangemode": "tozero"},
        },
    }
    shares = {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": labels.get(uri, uri),
                "x": months,
                "y": [_percent(value) for value in values],
                # Dashes and markers as well as colours: the lines differ without colour too.
                "line": {"color": COLOURS[index % 5], "dash": DASHES[index % 5], "width": 2},
                "hovertemplate": "%{x}: %{y} %<extra>" + labels.get(uri, uri)[:40] + "</extra>",
            }
            for index, (uri, values) in enumerate(series.shares.items())
        ],
        "layout": {
            **LAYOUT,
            "title": {"text": _("Share of the month's ads asking for each top skill (%)")},
            "xaxis": {"type": "category"},
            "yaxis": {"rangemode": "tozero", "ticksuffix": " %"},
            "legend": {"orientation": "h", "y": -0.2},
        },
    }
    return {"ads": json.dumps(ads), "shares": json.dumps(shares)}


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _share_rows(series: jobads.MonthSeries, labels: dict[str, str]) -> list[dict[str, Any]]:
    """The chart's figures as a table: one row per month."""
    return [
        {
            "month": _month_label(month),
            "ads": series.ads[index],
            "shares": [_percent(values[index]) for values in series.shares.values()],
        }
        for index, month in enumerate(series.months)
    ]


@secretariat_required
@require_http_methods(["GET", "POST"])
def jobads_home(request: HttpRequest) -> HttpResponseBase:
    """Upload a file of job ads; the uploads with their progress; the overview chart."""
    form = forms_jobads.JobAdUploadForm()
    if request.method == "POST":
        form = forms_jobads.JobAdUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                upload = jobads.upload_create(
                    actor=request.user,  # type: ignore[arg-type]
                    upload_file=form.cleaned_data["upload_file"],
                    source=form.cleaned_data["source"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("“%(name)s” is uploaded; this page shows its progress.")
                    % {"name": upload.original_name},
                )
                return redirect("intelligence:jobads")
    page = paginate(
        jobads.uploads_visible_to(request.user), request.GET.get("page"), per_page=UPLOADS_PER_PAGE
    )
    series = jobads.overview_month_series()
    labels = _skill_labels(list(series.shares))
    return render(
        request,
        "intelligence/jobads/index.html",
        {
            "form": form,
            "page": page,
            "rows": [_row(upload) for upload in page.object_list],
            "querystring_base": "",
            "summary": jobads.job_ads_summary(),
            "series": series,
            "charts": _charts(series, labels) if series.months else None,
            "skill_names": [labels.get(uri, uri) for uri in series.shares],
            "table": _share_rows(series, labels),
            "limits": {
                "mb": jobads.MAX_BYTES // 1_048_576,
                "rows": jobads.MAX_ROWS,
                "occupation_score": jobads.OCCUPATION_MIN_SCORE,
                "skill_score": jobads.SKILL_MIN_SCORE,
                "skills_per_ad": jobads.MAX_SKILLS_PER_AD,
            },
        },
    )


def _skill_labels(uris: list[str]) -> dict[str, str]:
    briefs = taxonomy_selectors.concepts_describe(uris, concept_type=ConceptType.SKILL)
    return {uri: brief.label for uri, brief in briefs.items()}


def _occupation_labels(uris: list[str]) -> dict[str, str]:
    briefs = taxonomy_selectors.concepts_describe(uris, concept_type=ConceptType.OCCUPATION)
    return {uri: brief.label for uri, brief in briefs.items()}


@secretariat_required
@require_GET
def jobads_upload_row(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One upload's row with its progress, polled by htmx while it is queued or running."""
    upload = jobads.upload_get_for_view(user=request.user, public_id=public_id)
    return render(request, "intelligence/jobads/_upload_row.html", {"row": _row(upload)})


@secretariat_required
@require_GET
def jobads_upload(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One upload: its figures, its first errors, its ads with their matches, its charts."""
    upload = jobads.upload_get_for_view(user=request.user, public_id=public_id)
    top_occupations = jobads.upload_top_occupations(upload, top=50)
    top_skills = jobads.upload_top_skills(upload, top=50)
    skill_uris = [uri for uri, _n in top_skills]
    series = jobads.upload_month_series(upload, skill_uris=skill_uris)
    chosen: dict[str, str] = {}
    occupation = request.GET.get("occupation", "")
    skill = request.GET.get("skill", "")
    if occupation in {uri for uri, _n in top_occupations}:
        chosen["occupation"] = occupation
    if skill in set(skill_uris):
        chosen["skill"] = skill
    page = paginate(
        jobads.upload_ads(
            upload,
            occupation_uri=chosen.get("occupation", ""),
            skill_uri=chosen.get("skill", ""),
        ),
        request.GET.get("page"),
        per_page=ADS_PER_PAGE,
    )
    ads_page = list(page.object_list)
    # Every label the page shows, in one lookup per kind of concept.
    occupation_labels = _occupation_labels(
        sorted({uri for uri, _n in top_occupations} | {ad.occupation_uri for ad in ads_page})
    )
    skill_labels = _skill_labels(
        sorted(set(skill_uris) | {skill.skill_uri for ad in ads_page for skill in ad.skills.all()})
    )
    filters = forms_jobads.JobAdFilterForm(
        request.GET or None,
        occupations=[
            (uri, f"{occupation_labels.get(uri, uri)} ({n})") for uri, n in top_occupations
        ],
        skills=[(uri, f"{skill_labels.get(uri, uri)} ({n})") for uri, n in top_skills],
    )
    ads = [
        {
            "ad": ad,
            "occupation": occupation_labels.get(ad.occupation_uri, ad.occupation_uri),
            "skills": sorted(
                ((skill_labels.get(s.skill_uri, s.skill_uri), s.score) for s in ad.skills.all()),
                key=lambda pair: -pair[1],
            ),
        }
        for ad in ads_page
    ]
    return render(
        request,
        "intelligence/jobads/upload.html",
        {
            "row": _row(upload),
            "upload": upload,
            "errors": upload.errors[:ERRORS_SHOWN],
            "filters": filters,
            "page": page,
            "ads": ads,
            "querystring_base": urlencode(chosen) + "&" if chosen else "",
            "is_filtered": bool(chosen),
            "charts": _charts(series, skill_labels) if series.months else None,
            "skill_names": [skill_labels.get(uri, uri) for uri in series.shares],
            "table": _share_rows(series, skill_labels),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@secretariat_required
@require_GET
def jobads_errors_csv(request: HttpRequest, public_id: UUID) -> StreamingHttpResponse:
    """Every rejected row's problems as CSV (the file is read again; nothing is capped)."""
    upload = jobads.upload_get_for_view(user=request.user, public_id=public_id)
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(["line", "column", "message"])
        for error in jobads.upload_errors(upload):
            yield writer.writerow([error.line or "", error.column, error.message])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="job-ads-{upload.public_id}-errors.csv"'
    )
    return response


@secretariat_required
@require_POST
def jobads_reprocess(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    """Process an upload again; its ads are replaced."""
    upload = jobads.upload_get_for_view(user=request.user, public_id=public_id)
    try:
        jobads.upload_reprocess(actor=request.user, upload=upload)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The file is queued to be processed again."))
    return redirect("intelligence:jobads_upload", public_id=upload.public_id)
