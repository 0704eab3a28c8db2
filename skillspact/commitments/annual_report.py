"""The annual report for the European Commission: the Pact survey's indicators as an XLSX workbook
and as the data of a printable page.

Sheets: indicators per year (and cumulated), by country, by stakeholder type, by charter
principle, by target occupation group, by skill area, the overlaps set aside and — for the
secretariat only — the figures of every organisation. Anyone else gets the public aggregates,
with the same small-group protection as the dashboard (`kpis`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from skillspact.commitments import kpis
from skillspact.commitments.models import METRICS, KpiClaim
from skillspact.core.permissions import is_secretariat


@dataclass
class AnnualReport:
    """What the printable page and the workbook show."""

    indicators: kpis.Kpis
    breakdowns: dict[int, list[kpis.Breakdown]]
    overlaps: list[tuple[int, str, kpis.Figures]]
    generated_at: Any
    is_secretariat: bool


def report_for(*, user: Any, filters: kpis.KpiFilters) -> AnnualReport:
    """The indicators of every reported year, each year's breakdowns and the overlaps."""
    found = kpis.kpis_for(user=user, filters=filters)
    years = [filters.year] if filters.year else found.years
    return AnnualReport(
        indicators=found,
        breakdowns=kpis.breakdowns_by_year(user=user, filters=filters, years=years, fresh=True),
        overlaps=kpis.overlap_summary(user=user, years=years, fresh=True),
        generated_at=timezone.now(),
        is_secretariat=is_secretariat(user),
    )


def reason_label(code: str) -> str:
    return str(KpiClaim.SetAside(code).label) if code in KpiClaim.SetAside.values else code


# -- the workbook ------------------------------------------------------------------------------


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in names people typed (formula injection)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def _figure_headers() -> list[str]:
    return [
        _("Organisations counted"),
        _("Reports"),
        _("Reports progressing"),
        _("Share progressing (%)"),
        _("People trained"),
        _("People reached"),
        _("Training programmes"),
        _("Stakeholders engaged"),
        _("Euros invested"),
        _("People set aside as overlaps"),
        _("Euros set aside as overlaps"),
    ]


def _figure_cells(figures: kpis.Figures) -> list[Any]:
    if figures.is_suppressed:
        return [_("not shown")] + [None] * (len(_figure_headers()) - 1)
    share = figures.share_progressing
    return [
        figures.organisations,
        figures.reports,
        figures.progressing,
        round(share, 1) if share is not None else None,
        figures.people_trained,
        figures.people_reached,
        figures.programmes,
        figures.stakeholders,
        figures.euros,
        figures.set_aside_people,
        figures.set_aside_euros,
    ]


def _sheet(workbook: Workbook, title: str, header: list[str], rows: Iterable[list[Any]]) -> None:
    sheet = workbook.create_sheet(title[:31])
    assert isinstance(sheet, WriteOnlyWorksheet)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([_safe(value) for value in row])


def _indicator_rows(report: AnnualReport) -> Iterator[list[Any]]:
    for row in [*report.indicators.rows, report.indicators.cumulative]:
        yield [
            row.year if row.year is not None else _("All years"),
            row.members,
            row.commitments,
            *_figure_cells(row.figures),
            row.pledge.people,
            row.pledge.programmes,
            row.pledge.euros,
        ]


def _breakdown_rows(report: AnnualReport, dimension: str) -> Iterator[list[Any]]:
    for year, breakdowns in sorted(report.breakdowns.items()):
        breakdown = next(b for b in breakdowns if b.dimension == dimension)
        for row in breakdown.rows:
            yield [
                year,
                row.key if not row.is_other else "",
                row.label,
                *_figure_cells(row.figures),
            ]


def _organisation_rows(
    user: Any, filters: kpis.KpiFilters, years: list[int]
) -> Iterator[list[Any]]:
    for year, name, country, stakeholder_type, *values in kpis.organisation_rows_for_export(
        user=user, filters=filters, years=years
    ):
        yield [
            year,
            name,
            kpis.country_label(country),
            kpis.stakeholder_type_label(stakeholder_type),
            *values,
        ]


def _overlap_rows(user: Any, report: AnnualReport, years: list[int]) -> Iterator[list[Any]]:
    if is_secretariat(user):
        for claim in kpis.overlap_claims_for_export(user=user, years=years):
            yield [
                claim.year,
                claim.organisation.legal_name,
                claim.reporter.legal_name,
                claim.commitment.title,
                str(claim.get_kind_display()),
                reason_label(claim.set_aside),
                *[getattr(claim, name) for name in METRICS],
            ]
        return
    for year, reason, figures in report.overlaps:
        if figures.is_suppressed:
            yield [year, reason_label(reason), _("not shown"), None, None]
        else:
            yield [
                year,
                reason_label(reason),
                figures.organisations,
                figures.people_trained,
                figures.euros,
            ]


def workbook_bytes(*, user: Any, filters: kpis.KpiFilters) -> bytes:
    """The annual report as an XLSX workbook."""
    report = report_for(user=user, filters=filters)
    years = sorted(report.breakdowns)
    workbook = Workbook(write_only=True)
    about = [
        [_("Partnership KPIs: the annual report")],
        [_("Generated"), report.generated_at.strftime("%Y-%m-%d %H:%M %Z")],
        [_("Year"), filters.year or _("all reported years")],
        [_("Country"), kpis.country_label(filters.country) if filters.country else _("all")],
        [
            _("Stakeholder type"),
            kpis.stakeholder_type_label(filters.stakeholder_type)
            if filters.stakeholder_type
            else _("all"),
        ],
        [
            _("Counting"),
            _(
                "Each organisation's figures count once: its own report, or else one report that "
                "includes it; overlaps are set aside (see the sheet of overlaps)."
            ),
        ],
        [
            _("Multi-valued breakdowns"),
            _(
                "A commitment serving several principles, occupation groups or skill areas "
                "counts in each of them: those sheets add up to more than the total."
            ),
        ],
    ]
    if not report.is_secretariat:
        about.append(
            [
                _("Protection"),
                _(
                    "Figures drawn from fewer than %(count)s organisations are not shown; in each "
                    "breakdown they are grouped as “Other”."
                )
                % {"count": kpis.PUBLIC_MIN_ORGANISATIONS},
            ]
        )
    _sheet(workbook, _("About"), [_("Item"), _("Value")], about)
    _sheet(
        workbook,
        _("Indicators"),
        [
            _("Year"),
            _("Member organisations"),
            _("Published commitments"),
            *_figure_headers(),
            _("People pledged"),
            _("Programmes pledged"),
            _("Euros pledged"),
        ],
        _indicator_rows(report),
    )
    titles = {
        "country": _("By country"),
        "stakeholder_type": _("By stakeholder type"),
        "principle": _("By principle"),
        "occupation_group": _("By occupation group"),
        "skill_area": _("By skill area"),
    }
    for dimension in kpis.BREAKDOWN_DIMENSIONS:
        _sheet(
            workbook,
            titles[dimension],
            [_("Year"), _("Code"), _("Name"), *_figure_headers()],
            _breakdown_rows(report, dimension),
        )
    if report.is_secretariat:
        _sheet(
            workbook,
            _("Overlaps set aside"),
            [
                _("Year"),
                _("Organisation"),
                _("Reported by"),
                _("Commitment"),
                _("Kind"),
                _("Why set aside"),
                *[str(kpis.METRIC_LABELS[name]) for name in METRICS],
            ],
            _overlap_rows(user, report, years),
        )
        _sheet(
            workbook,
            _("Per organisation"),
            [
                _("Year"),
                _("Organisation"),
                _("Country"),
                _("Stakeholder type"),
                _("Reports with its figures"),
                _("People trained"),
                _("People reached"),
                _("Training programmes"),
                _("Stakeholders engaged"),
                _("Euros invested"),
                _("People set aside"),
                _("Euros set aside"),
            ],
            _organisation_rows(user, filters, years),
        )
    else:
        _sheet(
            workbook,
            _("Overlaps set aside"),
            [
                _("Year"),
                _("Why set aside"),
                _("Organisations"),
                _("People trained"),
                _("Euros invested"),
            ],
            _overlap_rows(user, report, years),
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
