"""Reads of the KPIs for dashboards, the annual report and the API; each one is an access check.

Every reader calls `ensure_fresh()` first: a year whose `KpiState` is stale (or that was never
built) is rebuilt before it is read, and pledges are redone when a commitment changed after the
last build — so the numbers are right after every change, with or without a task worker.

Who sees what:

- everyone sees aggregates. For anyone but the secretariat, an aggregate drawn from fewer than
  `PUBLIC_MIN_ORGANISATIONS` organisations is not shown (`Figures.is_suppressed`); in each
  breakdown such rows are merged into one "other" row of at least that many organisations and
  at least two rows, so the total minus the rows shown reveals no one; a filtered total is also
  hidden when the rest of its parent total (the partnership, or the country / the type alone)
  comes from fewer organisations. Counts of members and commitments, and pledges, are public
  anyway (the directory and published commitments show them) and are never hidden.
  Not covered: differences between many filtered views taken together; the secretariat can
  tighten this by raising the threshold.
- a signed-in person affiliated with organisations also sees their figures (`member_figures`);
- the secretariat sees everything unsuppressed, the per-organisation table and the overlaps.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from skillspact.commitments import rollup
from skillspact.commitments.models import (
    METRICS,
    Commitment,
    KpiCell,
    KpiClaim,
    KpiState,
    OverlapResolution,
    Principle,
    ProgressReport,
    ReportingWindow,
)
from skillspact.core.permissions import is_secretariat
from skillspact.organisations.models import Affiliation, Organisation, StakeholderType

PUBLIC_MIN_ORGANISATIONS = 3
YEARS = rollup.YEARS
CELL_SUMS = (
    "organisations",
    "reports",
    "progressing",
    *METRICS,
    "set_aside_people",
    "set_aside_euros",
)

ISCO_MAJOR_GROUPS = {
    "0": gettext_lazy("Armed forces occupations"),
    "1": gettext_lazy("Managers"),
    "2": gettext_lazy("Professionals"),
    "3": gettext_lazy("Technicians and associate professionals"),
    "4": gettext_lazy("Clerical support workers"),
    "5": gettext_lazy("Service and sales workers"),
    "6": gettext_lazy("Skilled agricultural, forestry and fishery workers"),
    "7": gettext_lazy("Craft and related trades workers"),
    "8": gettext_lazy("Plant and machine operators, and assemblers"),
    "9": gettext_lazy("Elementary occupations"),
}
METRIC_LABELS = {
    "people_trained": gettext_lazy("People trained"),
    "people_reached": gettext_lazy("People reached"),
    "programmes": gettext_lazy("Training programmes"),
    "stakeholders": gettext_lazy("Stakeholders engaged"),
    "euros": gettext_lazy("Euros invested"),
}
SKILL_AREAS = {
    "digital": gettext_lazy("Digital skills"),
    "green": gettext_lazy("Green skills"),
    "other": gettext_lazy("Other skills"),
}


# -- shapes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiFilters:
    """What a KPI page or API call asks for; empty means all."""

    year: int | None = None
    country: str = ""
    stakeholder_type: str = ""

    @property
    def is_filtered(self) -> bool:
        return bool(self.country or self.stakeholder_type)

    def matches(self, country: str, stakeholder_type: str) -> bool:
        return (not self.country or country == self.country) and (
            not self.stakeholder_type or stakeholder_type == self.stakeholder_type
        )


@dataclass
class Figures:
    """Summed figures of counted claims, and what was set aside as overlaps."""

    organisations: int = 0
    reports: int = 0
    progressing: int = 0
    people_trained: int = 0
    people_reached: int = 0
    programmes: int = 0
    stakeholders: int = 0
    euros: int = 0
    set_aside_people: int = 0
    set_aside_euros: int = 0
    is_suppressed: bool = False

    def add(self, other: Figures | dict[str, Any] | tuple[int, ...]) -> None:
        if isinstance(other, tuple):
            values = dict(zip(CELL_SUMS, other, strict=True))
        elif isinstance(other, Figures):
            values = {name: getattr(other, name) for name in CELL_SUMS}
        else:
            values = other
        for name in CELL_SUMS:
            setattr(self, name, getattr(self, name) + (values.get(name) or 0))

    def minus(self, other: Figures) -> Figures:
        return Figures(**{name: getattr(self, name) - getattr(other, name) for name in CELL_SUMS})

    @property
    def has_data(self) -> bool:
        return any(getattr(self, name) for name in CELL_SUMS)

    @property
    def is_small(self) -> bool:
        """Drawn from too few organisations to publish."""
        return self.has_data and self.organisations < PUBLIC_MIN_ORGANISATIONS

    @property
    def share_progressing(self) -> float | None:
        """Per cent of the reports (one per commitment and year) on track or completed."""
        return 100 * self.progressing / self.reports if self.reports else None

    def hidden(self) -> Figures:
        """The same row with every figure withheld."""
        return Figures(is_suppressed=True)


@dataclass
class Pledge:
    people: int = 0
    programmes: int = 0
    euros: int = 0
    organisations: int = 0


@dataclass
class YearRow:
    """One year's indicators (or, with `year` None, the cumulative ones)."""

    year: int | None
    members: int
    commitments: int
    figures: Figures
    pledge: Pledge


@dataclass
class BreakdownRow:
    key: str
    label: str
    figures: Figures
    is_other: bool = False


@dataclass
class Breakdown:
    dimension: str
    title: str
    rows: list[BreakdownRow]
    is_multi_valued: bool = False
    merged: int = 0  # rows folded into "other" to protect small groups

    @property
    def visible_rows(self) -> list[BreakdownRow]:
        return [row for row in self.rows if not row.figures.is_suppressed]


@dataclass
class Target:
    """Progress toward 2030: people trained so far against the pledges and the target."""

    trained: int
    pledged: int
    partnership_target: int
    is_suppressed: bool = False

    @property
    def share_of_pledge(self) -> float | None:
        return 100 * self.trained / self.pledged if self.pledged else None

    @property
    def share_of_target(self) -> float | None:
        if not self.partnership_target:
            return None
        return 100 * self.trained / self.partnership_target


@dataclass
class Kpis:
    """Everything the dashboard, the printable report and the API show for some filters."""

    filters: KpiFilters
    is_public: bool
    years: list[int]
    rows: list[YearRow]
    cumulative: YearRow
    year: int | None
    breakdowns: list[Breakdown]
    target: Target
    # (year, cumulative people trained or None after the last reported year, cumulative pledge)
    progress_line: list[tuple[int, int | None, int]] = field(default_factory=list)

    def breakdown(self, dimension: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.dimension == dimension)


# -- freshness ---------------------------------------------------------------------------------


def ensure_fresh(
    years: Iterable[int] | None = None, *, pledges: bool = True
) -> list[rollup.RebuildResult]:
    """Rebuild every stale or never-built year, and the pledges if commitments changed since
    (`pledges=False` for readers of claims only)."""
    wanted = sorted(set(years) if years is not None else YEARS)
    states = {
        year: (is_stale, built_at)
        for year, is_stale, built_at in KpiState.objects.filter(year__in=wanted).values_list(
            "year", "is_stale", "built_at"
        )
    }
    todo = [y for y in wanted if y not in states or states[y][0] or states[y][1] is None]
    results = [rollup.rebuild_year(year, only_if_stale=True) for year in todo]
    built = [states[y][1] for y in wanted if y not in todo]
    if built and pledges:
        oldest = min(b for b in built if b is not None)
        # Publishing, amending or withdrawing a commitment changes the pledges, not the reports.
        # (Only commitments that were ever published pledge anything.)
        changed = Commitment.objects.filter(updated_at__gte=oldest, published_at__isnull=False)
        if changed.exists():
            rollup.rebuild_pledges([y for y in wanted if y not in todo])
    return results


# -- helpers -----------------------------------------------------------------------------------


def _year_end(year: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year + 1, 1, 1))


def _year_start(year: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, 1, 1))


def country_label(code: str) -> str:
    return str(countries.name(code)) or code or _("not specified")


def stakeholder_type_label(code: str) -> str:
    return str(StakeholderType(code).label) if code in StakeholderType.values else code


def value_label(dimension: str, value: str) -> str:
    """A person's words for a cell's dimension value."""
    if not value:
        return _("not specified")
    if dimension == "principle":
        return str(Principle(value).label) if value in Principle.values else value
    if dimension == "occupation_group":
        return f"{value} {ISCO_MAJOR_GROUPS[value]}" if value in ISCO_MAJOR_GROUPS else value
    if dimension == "skill_area":
        return str(SKILL_AREAS.get(value, value))
    if dimension == "country":
        return country_label(value)
    if dimension == "stakeholder_type":
        return stakeholder_type_label(value)
    return value


def dimension_titles() -> dict[str, str]:
    return {
        "country": _("By country"),
        "stakeholder_type": _("By stakeholder type"),
        "principle": _("By charter principle"),
        "occupation_group": _("By target occupation group (ISCO-08)"),
        "skill_area": _("By skill area"),
    }


BREAKDOWN_DIMENSIONS = ("country", "stakeholder_type", *rollup.DIMENSIONS)


def _cells(filters: KpiFilters, **lookups: Any) -> QuerySet[KpiCell]:
    queryset = KpiCell.objects.filter(**lookups).order_by()
    if filters.country:
        queryset = queryset.filter(country=filters.country)
    if filters.stakeholder_type:
        queryset = queryset.filter(stakeholder_type=filters.stakeholder_type)
    return queryset


def organisation_q(filters: KpiFilters, prefix: str = "") -> Q:
    """The filters' country and type, as a condition on organisations (at `prefix`)."""
    q = Q()
    if filters.country:
        q &= Q(**{f"{prefix}country": filters.country})
    if filters.stakeholder_type:
        q &= Q(**{f"{prefix}stakeholder_type": filters.stakeholder_type})
    return q


def years_reported() -> list[int]:
    """The years that have a reporting window, oldest first."""
    return sorted(ReportingWindow.objects.order_by().values_list("year", flat=True))


def _members(years: list[int], filters: KpiFilters) -> tuple[dict[int, int], int]:
    """Member organisations in each year (joined by its end, not left before it), and today."""
    counts: dict[str, Any] = {
        f"y{year}": Count(
            "id",
            filter=(Q(joined_at__lt=_year_end(year)) | Q(joined_at__isnull=True))
            & (
                Q(left_at__isnull=True, status=Organisation.Status.MEMBER)
                | Q(left_at__gte=_year_start(year))
            ),
        )
        for year in years
    }
    counts["today"] = Count("id", filter=Q(status=Organisation.Status.MEMBER))
    found = Organisation.objects.filter(organisation_q(filters)).aggregate(**counts)
    return {year: found[f"y{year}"] for year in years}, found["today"]


Grid = dict[tuple[str, str], tuple[int, ...]]


def _grid(years: Iterable[int]) -> dict[int, Grid]:
    """Per year, the total sums (`CELL_SUMS`) of every (country, stakeholder type) cell."""
    grid: dict[int, Grid] = defaultdict(dict)
    for year, country, stakeholder_type, *sums in (
        KpiCell.objects.filter(year__in=list(years), dimension="")
        .order_by()
        .values_list("year", "country", "stakeholder_type", *CELL_SUMS)
    ):
        grid[year][(country, stakeholder_type)] = tuple(sums)
    return grid


def _figures(rows: Iterable[tuple[int, ...]]) -> Figures:
    """The column sums of cell rows, as figures (summed in C: thousands of cells a page)."""
    totals = [sum(column) for column in zip(*rows, strict=True)]
    return Figures(**dict(zip(CELL_SUMS, totals, strict=True))) if totals else Figures()


def _total(cells: Grid, filters: KpiFilters) -> Figures:
    return _figures(sums for key, sums in cells.items() if filters.matches(*key))


def _is_disclosive(cells: Grid, filters: KpiFilters) -> bool:
    """Whether the filtered total, or what its parent totals leave beside it, is too small."""
    total = _total(cells, filters)
    if total.is_small:
        return True
    if not filters.is_filtered:
        return False
    parents = [KpiFilters()]
    if filters.country and filters.stakeholder_type:
        parents = [
            KpiFilters(country=filters.country),
            KpiFilters(stakeholder_type=filters.stakeholder_type),
        ]
    return any(_total(cells, parent).minus(total).is_small for parent in parents)


def _protect(rows: list[BreakdownRow], other_label: str) -> tuple[list[BreakdownRow], int]:
    """Fold rows of too few organisations into one "other" row that is safe to publish."""
    small = [row for row in rows if row.figures.is_small]
    if not small:
        return rows, 0
    folded = list(small)
    spare = sorted(
        (row for row in rows if row not in small and row.figures.has_data),
        key=lambda row: (row.figures.organisations, row.figures.people_trained),
    )
    while spare and (
        len(folded) < 2 or sum(r.figures.organisations for r in folded) < PUBLIC_MIN_ORGANISATIONS
    ):
        folded.append(spare.pop(0))
    other = Figures()
    for row in folded:
        other.add(row.figures)
    if len(folded) < 2 or other.organisations < PUBLIC_MIN_ORGANISATIONS:
        other = other.hidden()
    kept = [row for row in rows if row not in folded]
    return [*kept, BreakdownRow(key="", label=other_label, figures=other, is_other=True)], len(
        folded
    )


def _breakdowns(
    year: int,
    filters: KpiFilters,
    grid: Grid,
    *,
    public: bool,
) -> list[Breakdown]:
    """The year's figures by country, stakeholder type, principle, occupation group, skill area."""
    titles = dimension_titles()
    result: list[Breakdown] = []
    for dimension, index in (("country", 0), ("stakeholder_type", 1)):
        groups: dict[str, list[tuple[int, ...]]] = defaultdict(list)
        for key, cell in grid.items():
            if filters.matches(*key):
                groups[key[index]].append(cell)
        sums = {key: _figures(rows) for key, rows in groups.items()}
        result.append(_breakdown(dimension, titles[dimension], sums, public=public))
    by_value: dict[str, dict[str, Figures]] = {d: {} for d in rollup.DIMENSIONS}
    for dimension, value, *values in (
        _cells(filters, year=year, dimension__in=rollup.DIMENSIONS)
        .values_list("dimension", "value")
        .annotate(*[Sum(name) for name in CELL_SUMS])
    ):
        by_value[dimension][value] = _figures([tuple(values)])
    for dimension in rollup.DIMENSIONS:
        result.append(
            _breakdown(dimension, titles[dimension], by_value[dimension], public=public, multi=True)
        )
    return result


def _breakdown(
    dimension: str, title: str, sums: dict[str, Figures], *, public: bool, multi: bool = False
) -> Breakdown:
    rows = [
        BreakdownRow(key=key, label=value_label(dimension, key), figures=figures)
        for key, figures in sums.items()
        if figures.has_data
    ]
    if dimension in ("principle", "occupation_group"):
        rows.sort(key=lambda row: (row.key == "", row.key))
    else:
        rows.sort(key=lambda row: (-row.figures.people_trained, row.label))
    merged = 0
    if public:
        rows, merged = _protect(
            rows,
            _("Other (each fewer than %(count)s organisations)")
            % {"count": PUBLIC_MIN_ORGANISATIONS},
        )
    return Breakdown(
        dimension=dimension, title=title, rows=rows, is_multi_valued=multi, merged=merged
    )


# -- the selectors -----------------------------------------------------------------------------


def kpis_for(*, user: Any, filters: KpiFilters) -> Kpis:
    """The indicators per year and cumulated, and one year's breakdowns, as `user` may see them."""
    ensure_fresh()
    public = not is_secretariat(user)
    years = years_reported()
    grid = _grid(years)
    pledges: dict[int, Pledge] = defaultdict(Pledge)
    commitments: dict[int, int] = defaultdict(int)
    for year, people, programmes, euros, organisations, published in (
        _cells(filters, dimension=rollup.PLEDGE)
        .values_list("year")
        .annotate(
            Sum("people_trained"),
            Sum("programmes"),
            Sum("euros"),
            Sum("organisations"),
            Sum("reports"),
        )
    ):
        pledges[year] = Pledge(people, programmes, euros, organisations)
        # Pledge rows count the commitments published by the end of their year (rollup.py).
        commitments[year] = published
    commitments_today = commitments[YEARS[-1]]
    members, members_today = _members(years, filters)

    rows: list[YearRow] = []
    cumulative = Figures()
    any_hidden = False
    for year in years:
        cells = grid.get(year, {})
        figures = _total(cells, filters)
        cumulative.add(figures)
        # Organisations are not additive over years: the cumulative row keeps the largest year.
        cumulative.organisations = max(
            cumulative.organisations - figures.organisations, figures.organisations
        )
        if public and _is_disclosive(cells, filters):
            figures = figures.hidden()
            any_hidden = True
        rows.append(
            YearRow(
                year=year,
                members=members[year],
                commitments=commitments[year],
                figures=figures,
                pledge=pledges[year],
            )
        )
    total_pledge = Pledge()
    for pledge in pledges.values():
        total_pledge.people += pledge.people
        total_pledge.programmes += pledge.programmes
        total_pledge.euros += pledge.euros
    trained = cumulative.people_trained
    if any_hidden:
        cumulative = cumulative.hidden()
    cumulative_row = YearRow(
        year=None,
        members=members_today,
        commitments=commitments_today,
        figures=cumulative,
        pledge=total_pledge,
    )
    target = Target(
        trained=0 if any_hidden else trained,
        pledged=total_pledge.people,
        partnership_target=0
        if filters.is_filtered
        else int(getattr(settings, "PARTNERSHIP_TARGET_PEOPLE_2030", 0) or 0),
        is_suppressed=any_hidden,
    )
    reported = [row.year for row in rows if row.figures.reports or row.figures.has_data]
    year = filters.year or (reported[-1] if reported else None)
    breakdowns = _breakdowns(year, filters, grid.get(year, {}), public=public) if year else []
    line: list[tuple[int, int | None, int]] = []
    trained_so_far, pledged_so_far = 0, 0
    last = reported[-1] if reported else None
    visible = {row.year: row.figures for row in rows}
    for each in YEARS:
        pledged_so_far += pledges[each].people if each in pledges else 0
        seen = visible.get(each)
        if seen is not None and not seen.is_suppressed:
            trained_so_far += seen.people_trained
        shown = trained_so_far if last is not None and each <= last and not any_hidden else None
        line.append((each, shown, pledged_so_far))
    return Kpis(
        filters=filters,
        is_public=public,
        years=years,
        rows=rows,
        cumulative=cumulative_row,
        year=year,
        breakdowns=breakdowns,
        target=target,
        progress_line=line,
    )


def breakdowns_by_year(
    *, user: Any, filters: KpiFilters, years: list[int], fresh: bool = False
) -> dict[int, list[Breakdown]]:
    """Each year's breakdowns (for the annual report); `fresh` when the caller just made sure."""
    if not fresh:
        ensure_fresh(years, pledges=False)
    public = not is_secretariat(user)
    grid = _grid(years)
    return {year: _breakdowns(year, filters, grid.get(year, {}), public=public) for year in years}


# -- a member's own figures ----------------------------------------------------------------------


@dataclass
class MemberYear:
    """One organisation's figures in one year: what counted, what was set aside, who reported."""

    organisation: Organisation
    year: int
    reports: int = 0
    counted: Figures = field(default_factory=Figures)
    set_aside: Figures = field(default_factory=Figures)
    included_others: Figures = field(default_factory=Figures)


def _own_organisations(user: Any) -> list[Organisation]:
    if not (user and user.is_authenticated):
        return []
    ids = Affiliation.objects.filter(user=user).values("organisation_id")
    return list(Organisation.objects.filter(id__in=ids).order_by("legal_name"))


def member_figures(*, user: Any) -> list[MemberYear]:
    """Per organisation the person is affiliated with, and per year: its figures in the KPIs."""
    organisations = _own_organisations(user)
    if not organisations:
        return []
    ensure_fresh(pledges=False)
    by_id = {o.pk: o for o in organisations}
    rows: dict[tuple[int, int], MemberYear] = {}

    def row(organisation_id: int, year: int) -> MemberYear:
        key = (organisation_id, year)
        if key not in rows:
            rows[key] = MemberYear(organisation=by_id[organisation_id], year=year)
        return rows[key]

    for organisation_id, year, reports in (
        ProgressReport.objects.filter(
            organisation__in=list(by_id), status=ProgressReport.Status.SUBMITTED
        )
        .order_by()
        .values_list("organisation_id", "window__year")
        .annotate(Count("id"))
    ):
        row(organisation_id, year).reports = reports
    sums = [Sum(name) for name in METRICS]
    for organisation_id, year, set_aside, *values in (
        KpiClaim.objects.filter(organisation__in=list(by_id))
        .order_by()
        .values_list("organisation_id", "year", "set_aside")
        .annotate(*sums)
    ):
        target = row(organisation_id, year)
        figures = dict(zip(METRICS, values, strict=True))
        (target.set_aside if set_aside else target.counted).add(figures)
    for reporter_id, year, *values in (
        KpiClaim.objects.filter(reporter__in=list(by_id), kind=KpiClaim.Kind.INCLUDED)
        .order_by()
        .values_list("reporter_id", "year")
        .annotate(*sums)
    ):
        row(reporter_id, year).included_others.add(dict(zip(METRICS, values, strict=True)))
    return sorted(rows.values(), key=lambda r: (r.organisation.legal_name, -r.year))


# -- the secretariat's views ---------------------------------------------------------------------


def organisations_with_figures(
    *, user: Any, year: int, filters: KpiFilters
) -> QuerySet[Organisation]:
    """The organisations with figures in `year`, A to Z, to page through (secretariat only)."""
    if not is_secretariat(user):
        return Organisation.objects.none()
    ensure_fresh([year], pledges=False)
    with_claims = KpiClaim.objects.filter(year=year).values("organisation_id")
    return (
        Organisation.objects.filter(id__in=with_claims)
        .filter(organisation_q(filters))
        .order_by("legal_name", "id")
    )


@dataclass
class OrganisationFigures:
    """One organisation's figures in one year: counted, set aside, and in how many reports."""

    organisation: Organisation
    reports: int = 0
    counted: Figures = field(default_factory=Figures)
    set_aside: Figures = field(default_factory=Figures)


def organisation_figures(
    *, user: Any, year: int, organisations: Iterable[Organisation]
) -> list[OrganisationFigures]:
    """The figures of each of `organisations` in `year` (secretariat only), in their order."""
    if not is_secretariat(user):
        return []
    rows = {o.pk: OrganisationFigures(organisation=o) for o in organisations}
    for organisation_id, set_aside, reports, *values in (
        KpiClaim.objects.filter(year=year, organisation__in=list(rows))
        .order_by()
        .values_list("organisation_id", "set_aside")
        .annotate(Count("report", distinct=True), *[Sum(name) for name in METRICS])
    ):
        row = rows[organisation_id]
        row.reports += reports
        (row.set_aside if set_aside else row.counted).add(dict(zip(METRICS, values, strict=True)))
    return list(rows.values())


def organisation_rows_for_export(
    *, user: Any, filters: KpiFilters, years: list[int]
) -> QuerySet[Any, Any]:
    """(year, name, country, type, reports, counted metrics…, set-aside people and euros) of
    every organisation with figures (secretariat only)."""
    if not is_secretariat(user):
        return KpiClaim.objects.none().values_list("year")
    counted = Q(set_aside="")
    return (
        KpiClaim.objects.filter(year__in=years)
        .filter(organisation_q(filters, "organisation__"))
        .values_list(
            "year",
            "organisation__legal_name",
            "organisation__country",
            "organisation__stakeholder_type",
        )
        .annotate(
            reports=Count("report", distinct=True),
            **{f"counted_{name}": Sum(name, filter=counted, default=0) for name in METRICS},
            set_aside_people=Sum("people_trained", filter=~counted, default=0),
            set_aside_euros=Sum("euros", filter=~counted, default=0),
        )
        .order_by("year", "organisation__legal_name")
    )


@dataclass
class OverlapClaim:
    report_id: int
    report_public_id: str
    commitment_title: str
    reporter: str
    kind: str
    set_aside: str
    submitted_at: datetime.datetime | None
    figures: dict[str, int]

    @property
    def is_counted(self) -> bool:
        return not self.set_aside

    @property
    def is_own(self) -> bool:
        return self.kind == KpiClaim.Kind.OWN


@dataclass
class Overlap:
    """An organisation whose figures several reports carry in one year, and the decision."""

    organisation: Organisation
    year: int
    claims: list[OverlapClaim]
    resolution: OverlapResolution | None
    reasons: list[str]

    @property
    def has_own(self) -> bool:
        return any(c.is_own for c in self.claims)

    @property
    def is_outdated(self) -> bool:
        """A decision naming a report that no longer includes the organisation: not applied."""
        if self.resolution is None or self.resolution.counted_report_id is None:
            return False
        return self.resolution.counted_report_id not in {
            c.report_id for c in self.claims if not c.is_own
        }


def overlap_organisations(*, user: Any, year: int, reason: str = "") -> QuerySet[Organisation]:
    """Organisations with claims set aside in `year` (secretariat only), A to Z."""
    if not is_secretariat(user):
        return Organisation.objects.none()
    ensure_fresh([year], pledges=False)
    claims = KpiClaim.objects.filter(year=year).exclude(set_aside="")
    if reason:
        claims = claims.filter(set_aside=reason)
    return Organisation.objects.filter(id__in=claims.values("organisation_id")).order_by(
        "legal_name", "id"
    )


def overlap_year_default(*, years: list[int]) -> int | None:
    """The year the overlaps page opens on: the latest with a conflict awaiting the
    secretariat, else the latest with figures set aside, else the latest reported."""
    if not years:
        return None
    ensure_fresh(years, pledges=False)
    set_aside = KpiClaim.objects.filter(year__in=years).exclude(set_aside="").order_by("-year")
    conflict = set_aside.filter(set_aside=KpiClaim.SetAside.CONFLICT).values_list("year", flat=True)
    latest = conflict.first() or set_aside.values_list("year", flat=True).first()
    return latest or years[-1]


def overlaps_detail(*, user: Any, year: int, organisations: list[Organisation]) -> list[Overlap]:
    """Every claim of each organisation in `year`, with both reports' figures and the decision."""
    if not is_secretariat(user):
        return []
    ids = [o.pk for o in organisations]
    claims: dict[int, list[OverlapClaim]] = defaultdict(list)
    for claim in (
        KpiClaim.objects.filter(year=year, organisation__in=ids)
        .select_related("report", "reporter", "commitment")
        .order_by("report__submitted_at", "report_id", "kind")
    ):
        claims[claim.organisation_id].append(
            OverlapClaim(
                report_id=claim.report_id,
                report_public_id=str(claim.report.public_id),
                commitment_title=claim.commitment.title,
                reporter=claim.reporter.legal_name,
                kind=claim.kind,
                set_aside=claim.set_aside,
                submitted_at=claim.report.submitted_at,
                figures={name: getattr(claim, name) for name in METRICS},
            )
        )
    resolutions = {
        r.organisation_id: r
        for r in OverlapResolution.objects.filter(year=year, organisation__in=ids).select_related(
            "decided_by"
        )
    }
    return [
        Overlap(
            organisation=o,
            year=year,
            claims=claims.get(o.pk, []),
            resolution=resolutions.get(o.pk),
            reasons=sorted({c.set_aside for c in claims.get(o.pk, []) if c.set_aside}),
        )
        for o in organisations
    ]


def overlap_summary(
    *, user: Any, years: list[int], fresh: bool = False
) -> list[tuple[int, str, Figures]]:
    """Per year and reason, what was set aside (small rows hidden from all but the secretariat)."""
    if not fresh:
        ensure_fresh(years, pledges=False)
    public = not is_secretariat(user)
    rows: list[tuple[int, str, Figures]] = []
    for year, reason, organisations, *values in (
        KpiClaim.objects.filter(year__in=years)
        .exclude(set_aside="")
        .order_by()
        .values_list("year", "set_aside")
        .annotate(Count("organisation", distinct=True), *[Sum(name) for name in METRICS])
        .order_by("year", "set_aside")
    ):
        figures = Figures(organisations=organisations)
        figures.add(dict(zip(METRICS, values, strict=True)))
        if public and figures.is_small:
            figures = figures.hidden()
        rows.append((year, reason, figures))
    return rows


def overlap_claims_for_export(*, user: Any, years: list[int]) -> QuerySet[KpiClaim]:
    """Every set-aside claim with both organisations named (secretariat only)."""
    if not is_secretariat(user):
        return KpiClaim.objects.none()
    return (
        KpiClaim.objects.filter(year__in=years)
        .exclude(set_aside="")
        .select_related("organisation", "reporter", "commitment", "report")
        .order_by("year", "organisation__legal_name", "report__submitted_at")
    )


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def overlap_target_get(*, user: Any, year: int, organisation_id: Any) -> Organisation:
    """The organisation an overlap decision is about (secretariat only), or 404."""
    if not is_secretariat(user):
        raise Http404
    organisation = Organisation.objects.filter(public_id=_uuid(organisation_id)).first()
    if organisation is None:
        raise Http404
    return organisation


def overlap_report_get(*, user: Any, year: int, public_id: Any) -> ProgressReport:
    """A submitted report of `year` the secretariat may name as the one that counts, or 404."""
    if not is_secretariat(user):
        raise Http404
    report = (
        ProgressReport.objects.select_related("window", "organisation")
        .filter(public_id=_uuid(public_id), window__year=year)
        .first()
    )
    if report is None:
        raise Http404
    return report


def overlap_resolution_get(
    *, user: Any, year: int, organisation: Organisation
) -> OverlapResolution:
    if not is_secretariat(user):
        raise Http404
    resolution = OverlapResolution.objects.filter(year=year, organisation=organisation).first()
    if resolution is None:
        raise Http404
    return resolution


def build_states(*, user: Any) -> list[KpiState]:
    """When each year was last built, and how long it took (secretariat only)."""
    if not is_secretariat(user):
        return []
    return list(KpiState.objects.order_by("-year"))
