"""The intelligence landing page and the gap pages: ranked gaps, heatmap, evidence, export.

Who sees them: the secretariat and the contacts of member organisations (aggregates only;
employers citing a skill are named to the secretariat alone). Anyone else signed in gets 403;
anonymous people are sent to sign in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from skillspact.core.errors import InvalidInput
from skillspact.core.permissions import is_secretariat
from skillspact.intelligence import exports, gaps
from skillspact.intelligence.api import row_out

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 25
FILTER_NAMES = (
    "country",
    "region",
    "occupation",
    "isco_group",
    "stakeholder_type",
    "collection",
    "series",
    "wave",
)


def gaps_access(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Sign-in first; then 403 for anyone but the secretariat and member contacts."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not gaps.can_see_gaps(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class OptionsSelect(forms.Select):
    """A flat select whose options are written in Python: the country list's 250 options cost
    tens of milliseconds on every gap page through the option template, a millisecond here."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        selected = set(self.format_value(value))
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (option, " selected" if str(option) in selected else "", label)
                for option, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class GapFilterForm(forms.Form):
    """The slice; values that are not valid are said so and left out."""

    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False, widget=OptionsSelect)
    region = forms.CharField(label=gettext_lazy("Region (NUTS-2)"), required=False, max_length=4)
    occupation = forms.CharField(
        label=gettext_lazy("Occupation (ESCO URI)"), required=False, max_length=255
    )
    isco_group = forms.CharField(
        label=gettext_lazy("Occupation group (ISCO-08 code)"), required=False, max_length=4
    )
    stakeholder_type = forms.ChoiceField(label=gettext_lazy("Type of employer"), required=False)
    collection = forms.ChoiceField(label=gettext_lazy("Skill collection"), required=False)
    series = forms.ChoiceField(label=gettext_lazy("Survey series"), required=False)
    wave = forms.CharField(label=gettext_lazy("Survey wave"), required=False, max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django_countries import countries

        from skillspact.intelligence.models import Survey
        from skillspact.organisations.models import StakeholderType
        from skillspact.taxonomy.models import Collection

        super().__init__(*args, **kwargs)
        series = (
            Survey.objects.exclude(status=Survey.Status.DRAFT)
            .exclude(series="")
            .order_by("series")
            .values_list("series", flat=True)
            .distinct()
        )
        choices = {
            "country": [("", _("All countries")), *countries],
            "stakeholder_type": [("", _("All types")), *StakeholderType.choices],
            "collection": [("", _("All skills")), *Collection.choices[:6]],
            "series": [("", _("All surveys")), *((value, value) for value in series)],
        }
        for name, options in choices.items():
            self.fields[name].choices = options  # type: ignore[attr-defined]


def _filters(request: HttpRequest) -> tuple[GapFilterForm, gaps.GapFilters]:
    """The form and the valid part of the slice the query string asks for."""
    data = {name: request.GET.get(name, "") for name in FILTER_NAMES}
    form = GapFilterForm(data)
    form.is_valid()
    raw = gaps.GapFilters(
        country=data["country"],
        region=data["region"],
        occupation_uri=data["occupation"],
        isco_group=data["isco_group"],
        stakeholder_type=data["stakeholder_type"],
        collection=data["collection"],
        series=data["series"],
        wave=data["wave"],
    )
    try:
        return form, gaps.filters_validate(raw)
    except InvalidInput as error:
        for name, messages in error.fields.items():
            for message in messages:
                if name not in form.errors.get(name, []):
                    form.add_error(name if name in form.fields else None, message)
        blank = {("occupation_uri" if name == "occupation" else name): "" for name in error.fields}
        return form, gaps.filters_validate(gaps.GapFilters(**{**raw.__dict__, **blank}))


def _query(filters: gaps.GapFilters, **extra: Any) -> str:
    return urlencode({**filters.as_query(), **{k: v for k, v in extra.items() if v}})


# -- landing -----------------------------------------------------------------------------------


@require_GET
@gaps_access
def index(request: HttpRequest) -> HttpResponse:
    """The skills-intelligence landing page: headline numbers and the way to each part."""
    return render(request, "intelligence/gaps/index.html", {"numbers": gaps.headline_numbers()})


# -- gaps --------------------------------------------------------------------------------------


def heatmap_height(heatmap: gaps.Heatmap) -> int:
    """Room for every skill's row and the column labels under them."""
    return 260 + 22 * len(heatmap.skills)


def heatmap_json(heatmap: gaps.Heatmap) -> str:
    """A Plotly heatmap of the survey gap; the page also gives it as a table."""
    z = [
        [
            None if heatmap.value(uri, key) is None else round(heatmap.value(uri, key)[0], 3)  # type: ignore[index]
            for key, _label in heatmap.columns
        ]
        for uri, _label in heatmap.skills
    ]
    figure = {
        "data": [
            {
                "type": "heatmap",
                "z": z,
                "x": [label[:40] for _key, label in heatmap.columns],
                "y": [label[:50] for _uri, label in heatmap.skills],
                "zmin": -0.5,
                "zmax": 0.5,
                # Blue: supplied beyond its importance; red: important and not supplied.
                "colorscale": [[0, "#2166ac"], [0.5, "#f7f7f7"], [1, "#b2182b"]],
                "colorbar": {"title": {"text": _("Gap")}},
                "hovertemplate": "%{y} · %{x}: %{z}<extra></extra>",
            }
        ],
        "layout": {
            "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
            "height": heatmap_height(heatmap),
            "font": {"family": "system-ui, sans-serif", "size": 11},
            "title": {"text": _("Survey gap: importance minus proficiency")},
            "yaxis": {"automargin": True, "autorange": "reversed"},
            "xaxis": {"automargin": True, "tickangle": -35},
        },
    }
    return json.dumps(figure)


@require_GET
@gaps_access
def gap_list(request: HttpRequest) -> HttpResponse:
    """The ranked gaps of a slice, with the heatmap; htmx asks for the results part only."""
    form, filters = _filters(request)
    by = "region" if request.GET.get("by") == "region" else "occupation"
    table = gaps.gap_table(filters)
    page = Paginator(table.rows, PER_PAGE).get_page(request.GET.get("page"))
    heatmap = gaps.gap_heatmap(filters, by, table=table)
    context = {
        "form": form,
        "filters": filters,
        "table": table,
        "page": page,
        "first_rank": page.start_index(),
        "heatmap": heatmap,
        "heatmap_rows": [
            (label, uri, [heatmap.value(uri, key) for key, _l in heatmap.columns])
            for uri, label in heatmap.skills
        ],
        "heatmap_json": heatmap_json(heatmap) if heatmap.skills and heatmap.columns else "",
        "heatmap_height": heatmap_height(heatmap),
        "by": by,
        "query": _query(filters),
        "page_query": (_query(filters, by=by if by != "occupation" else "") + "&").lstrip("&"),
        "min_ratings": gaps.MIN_RATINGS,
        "min_employers": gaps.MIN_EMPLOYERS,
        "min_ads": gaps.MIN_ADS,
        "demand_weights": gaps.DEMAND_WEIGHTS,
        "supply_weights": gaps.SUPPLY_WEIGHTS,
    }
    template = "intelligence/gaps/list.html"
    if getattr(request, "htmx", False):
        template = "intelligence/gaps/_results.html"
    return render(request, template, context)


def _series_json(evidence: gaps.Evidence) -> str:
    figure = {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [month.isoformat()[:7] for month, _share, _ads in evidence.job_ad_series],
                "y": [round(100 * share, 2) for _m, share, _ads in evidence.job_ad_series],
                "line": {"color": "#0b4f8a", "width": 2},
                "hovertemplate": "%{x}: %{y} %<extra></extra>",
            }
        ],
        "layout": {
            "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
            "height": 300,
            "font": {"family": "system-ui, sans-serif", "size": 12},
            "title": {"text": _("Share of job ads asking for the skill (%)")},
            "yaxis": {"automargin": True, "rangemode": "tozero"},
        },
    }
    return json.dumps(figure)


@require_GET
@gaps_access
def gap_skill(request: HttpRequest) -> HttpResponse:
    """The evidence behind one skill's gap in the slice."""
    from django.http import Http404

    uri = request.GET.get("uri", "").strip()
    if not uri:
        raise Http404
    form, filters = _filters(request)
    evidence = gaps.gap_evidence(filters, uri, show_employers=is_secretariat(request.user))
    if evidence.row is None and evidence.label == uri and not any(evidence.importance_counts):
        raise Http404
    scale = list(range(1, 6))
    return render(
        request,
        "intelligence/gaps/skill.html",
        {
            "form": form,
            "filters": filters,
            "evidence": evidence,
            "row": evidence.row,
            "ratings_table": list(
                zip(scale, evidence.importance_counts, evidence.proficiency_counts, strict=True)
            ),
            "difficulty_table": list(zip(scale, evidence.difficulty_counts, strict=True)),
            "employers_cited": sum(evidence.difficulty_counts),
            "series_json": _series_json(evidence) if evidence.job_ad_series else "",
            "query": _query(filters),
            "is_secretariat": is_secretariat(request.user),
            "is_synthetic": gaps._is_synthetic(),
        },
    )


# -- export ------------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    ("rank", gettext_lazy("Rank")),
    ("skill_uri", gettext_lazy("Skill URI")),
    ("label", gettext_lazy("Skill")),
    ("is_digital", gettext_lazy("Digital")),
    ("is_green", gettext_lazy("Green")),
    ("score", gettext_lazy("Gap score")),
    ("band_low", gettext_lazy("Band low (95 %)")),
    ("band_high", gettext_lazy("Band high (95 %)")),
    ("demand", gettext_lazy("Demand")),
    ("supply", gettext_lazy("Supply")),
    ("importance", gettext_lazy("Mean importance")),
    ("n_ratings", gettext_lazy("Ratings")),
    ("proficiency", gettext_lazy("Mean proficiency")),
    ("difficulty", gettext_lazy("Mean difficulty (employers)")),
    ("n_employers", gettext_lazy("Employers")),
    ("volume", gettext_lazy("People in roles needed")),
    ("job_ad_share", gettext_lazy("Share of job ads")),
    ("job_ads", gettext_lazy("Job ads in window")),
    ("job_ad_trend", gettext_lazy("Share trend per year")),
    ("courses", gettext_lazy("Courses")),
    ("pledged", gettext_lazy("People pledged")),
    ("is_small_sample", gettext_lazy("Small sample")),
]


def _export_rows(table: gaps.GapTable) -> list[list[Any]]:
    rows = []
    for rank, row in enumerate(table.rows, start=1):
        data = row_out(rank, row)
        for name in ("importance", "proficiency", "difficulty"):
            data[name] = data[name]["mean"] if data[name] else None
        rows.append([data[key] for key, _label in EXPORT_COLUMNS])
    return rows


@require_GET
@gaps_access
def gap_export(request: HttpRequest) -> HttpResponse:
    """The whole ranked table as CSV (default) or XLSX."""
    _form, filters = _filters(request)
    table = gaps.gap_table(filters)
    header = [str(label) for _key, label in EXPORT_COLUMNS]
    rows = _export_rows(table)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            exports.rows_xlsx([header, *rows], title=_("Skill gaps")), content_type=XLSX
        )
        response["Content-Disposition"] = 'attachment; filename="skill-gaps.xlsx"'
        return response
    response = HttpResponse(
        exports.rows_csv([header, *rows]), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="skill-gaps.csv"'
    return response
