"""Pages of the KPIs: the partnership's dashboard, the annual report and the overlaps to resolve."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_countries import countries

from skillspact.commitments import annual_report as annual
from skillspact.commitments import charts, kpis, services
from skillspact.commitments.models import KpiClaim
from skillspact.core.errors import DomainError
from skillspact.core.paginate import paginate
from skillspact.core.permissions import is_secretariat, secretariat_required
from skillspact.core.types import AuthedHttpRequest
from skillspact.organisations.models import StakeholderType

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class KpiFilterForm(forms.Form):
    """The dashboard's filters; a value that is not valid is ignored (and said so)."""

    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None
    )
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    stakeholder_type = forms.ChoiceField(label=gettext_lazy("Stakeholder type"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = {
            "year": [("", _("Latest reported year"))]
            + [(str(year), str(year)) for year in reversed(kpis.YEARS)],
            "country": [("", _("All countries")), *countries],
            "stakeholder_type": [("", _("All stakeholder types")), *StakeholderType.choices],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options

    def filters(self) -> kpis.KpiFilters:
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # the fields that are valid land in cleaned_data
            data = self.cleaned_data
        return kpis.KpiFilters(
            year=data.get("year") or None,
            country=data.get("country") or "",
            stakeholder_type=data.get("stakeholder_type") or "",
        )


def _options(choices: Iterable[tuple[Any, Any]], selected: Any) -> str:
    """<option>s of a filter; built here, as the template's loop over 250 countries is slow."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )


def _filter_choices(filters: kpis.KpiFilters) -> dict[str, Any]:
    return {
        "year_options": _options(((y, y) for y in reversed(kpis.YEARS)), filters.year),
        "country_options": _options(countries, filters.country),
        "type_options": _options(StakeholderType.choices, filters.stakeholder_type),
    }


def _filters(request: HttpRequest) -> tuple[KpiFilterForm, kpis.KpiFilters]:
    query = {k: v for k, v in request.GET.items() if k in ("year", "country", "stakeholder_type")}
    form = KpiFilterForm(query or None)
    return form, form.filters()


def _filter_label(filters: kpis.KpiFilters) -> str:
    parts = []
    if filters.country:
        parts.append(kpis.country_label(filters.country))
    if filters.stakeholder_type:
        parts.append(kpis.stakeholder_type_label(filters.stakeholder_type))
    return ", ".join(parts)


def _query(filters: kpis.KpiFilters, **extra: Any) -> str:
    values = {
        "year": filters.year or "",
        "country": filters.country,
        "stakeholder_type": filters.stakeholder_type,
        **extra,
    }
    return urlencode({k: v for k, v in values.items() if v})


def _charts(found: kpis.Kpis) -> dict[str, Any]:
    """The page's figures as Plotly JSON, each next to the breakdown it draws."""
    shown = [row for row in found.rows if not row.figures.is_suppressed]
    return {
        "years": charts.years_json(
            _("People trained and reached per year"),
            [row.year for row in shown if row.year is not None],
            [
                (_("People trained"), [row.figures.people_trained for row in shown]),
                (_("People reached"), [row.figures.people_reached for row in shown]),
            ],
        ),
        "progress": charts.progress_json(found.progress_line, found.target.partnership_target),
        "breakdowns": [
            {
                "breakdown": breakdown,
                "element_id": f"data-{breakdown.dimension}",
                "chart": charts.bar_json(
                    breakdown.title + " — " + _("people trained"),
                    [row.label for row in breakdown.visible_rows],
                    [row.figures.people_trained for row in breakdown.visible_rows],
                ),
            }
            for breakdown in found.breakdowns
        ],
    }


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    found = kpis.kpis_for(user=request.user, filters=filters)
    context: dict[str, Any] = {
        "form": form,
        "filters": filters,
        "kpis": found,
        "charts": _charts(found),
        "min_organisations": kpis.PUBLIC_MIN_ORGANISATIONS,
        "query": _query(filters),
        "filter_label": _filter_label(filters),
        "member_rows": kpis.member_figures(user=request.user),
        **_filter_choices(filters),
    }
    if is_secretariat(request.user) and found.year:
        page = paginate(
            kpis.organisations_with_figures(user=request.user, year=found.year, filters=filters),
            request.GET.get("page"),
            per_page=50,
        )
        context["page"] = page
        context["organisation_rows"] = kpis.organisation_figures(
            user=request.user, year=found.year, organisations=page.object_list
        )
        base = _query(filters)
        context["querystring_base"] = base + "&" if base else ""
        context["states"] = kpis.build_states(user=request.user)
    return render(request, "commitments/kpis/dashboard.html", context)


@require_GET
def annual_report(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    report = annual.report_for(user=request.user, filters=filters)
    return render(
        request,
        "commitments/kpis/annual_report.html",
        {
            "form": form,
            "filters": filters,
            "report": report,
            "kpis": report.indicators,
            "query": _query(filters),
            "filter_label": _filter_label(filters),
            "min_organisations": kpis.PUBLIC_MIN_ORGANISATIONS,
            "overlaps": [
                (year, annual.reason_label(reason), figures)
                for year, reason, figures in report.overlaps
            ],
            "breakdown_years": sorted(report.breakdowns.items(), reverse=True),
            **_filter_choices(filters),
        },
    )


@require_GET
def annual_report_xlsx(request: HttpRequest) -> HttpResponse:
    _form, filters = _filters(request)
    response = HttpResponse(
        annual.workbook_bytes(user=request.user, filters=filters), content_type=XLSX
    )
    stamp = timezone.now().strftime("%Y%m%d")
    scope = str(filters.year) if filters.year else "all-years"
    response["Content-Disposition"] = f'attachment; filename="kpis-{scope}-{stamp}.xlsx"'
    return response


# -- overlaps ------------------------------------------------------------------------------------


def _year(value: str | None, default: int) -> int:
    try:
        year = int(value or "")
    except ValueError:
        return default
    return year if year in kpis.YEARS else default


@secretariat_required
def overlaps(request: AuthedHttpRequest) -> HttpResponse:
    reported = kpis.years_reported()
    year = _year(
        request.GET.get("year"),
        kpis.overlap_year_default(years=reported) or timezone.now().year,
    )
    reason = request.GET.get("reason", "")
    if reason not in KpiClaim.SetAside.values or not reason:
        reason = ""
    organisations = kpis.overlap_organisations(user=request.user, year=year, reason=reason)
    page = paginate(organisations, request.GET.get("page"), per_page=20)
    base = urlencode({k: v for k, v in {"year": year, "reason": reason}.items() if v})
    return render(
        request,
        "commitments/kpis/overlaps.html",
        {
            "year": year,
            "years": reported,
            "reason": reason,
            "reasons": [c for c in KpiClaim.SetAside.choices if c[0]],
            "page": page,
            "overlaps": kpis.overlaps_detail(
                user=request.user, year=year, organisations=list(page.object_list)
            ),
            "querystring_base": base + "&",
            "metrics": [(name, kpis.METRIC_LABELS[name]) for name in kpis.METRICS],
        },
    )


@secretariat_required
@require_POST
def overlap_resolve(request: AuthedHttpRequest) -> HttpResponse:
    year = _year(request.POST.get("year"), 0)
    back = reverse("commitments:overlaps") + "?" + urlencode({"year": year or ""})
    if not year:
        messages.error(request, _("Choose a year between 2021 and 2030."))
        return redirect(back)
    organisation = kpis.overlap_target_get(
        user=request.user, year=year, organisation_id=request.POST.get("organisation", "")
    )
    choice = request.POST.get("counted", "")
    reason = request.POST.get("reason", "")[:2000]
    try:
        if choice == "reset":
            services.overlap_reset(
                actor=request.user,
                resolution=kpis.overlap_resolution_get(
                    user=request.user, year=year, organisation=organisation
                ),
            )
            messages.success(
                request,
                _("The default rules decide again for %(name)s.")
                % {"name": organisation.legal_name},
            )
        elif choice == "own":
            services.overlap_resolve(
                actor=request.user,
                year=year,
                organisation=organisation,
                counted_report=None,
                reason=reason,
            )
            messages.success(
                request,
                _("%(name)s: its own reports count; reports including it are set aside.")
                % {"name": organisation.legal_name},
            )
        elif choice:
            report = kpis.overlap_report_get(user=request.user, year=year, public_id=choice)
            services.overlap_resolve(
                actor=request.user,
                year=year,
                organisation=organisation,
                counted_report=report,
                reason=reason,
            )
            messages.success(
                request,
                _("%(name)s: the report of %(reporter)s counts; the others are set aside.")
                % {"name": organisation.legal_name, "reporter": report.organisation.legal_name},
            )
        else:
            messages.error(request, _("Choose which report counts."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(back + f"#org-{organisation.public_id}")
