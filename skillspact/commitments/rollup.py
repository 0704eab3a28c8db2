"""The KPI roll-up: submitted reports → claims (each organisation's figures once) → cells.

`rebuild_year(year)` reads every report of the year and replaces that year's `KpiClaim` and
`KpiCell` rows in one transaction; dashboards, the annual report and the API only read cells.
The rules, as implemented:

**Input.** Every `ProgressReport` with status *submitted* whose window is for `year`. Drafts never
count (a submitted report saved again as a draft stops counting until it is submitted again).
Reports on withdrawn commitments still count: the work happened.

**Claims.** Each report yields

- one *own* claim for the reporting organisation (`report.organisation`): the report's figures
  minus the sum of its `ReportInclusion` figures, metric by metric (`METRICS`; an empty figure
  counts as 0; a negative remainder, which validation prevents, is clamped to 0);
- one *included* claim per `ReportInclusion`, for the included organisation, with the
  inclusion's figures.

The reporter of every claim is the reporting organisation, and its commitment the report's.

**Which claims count, per (year, organisation).**

1. An `OverlapResolution` for (year, organisation) naming a `counted_report`: only that report's
   included claim for the organisation counts; every other claim for it — its own ones included —
   is set aside as ``RESOLVED``. *Decision:* if the named report no longer includes the
   organisation (the report went back to draft, or its inclusion was removed), the decision no
   longer applies and rules 3–5 decide; the overlaps page shows such a decision as outdated.
2. A resolution with no counted report: the organisation's own claims count; every included
   claim for it is set aside as ``RESOLVED``.
3. No resolution, and the organisation has at least one own claim that year (for any of its
   commitments): its own claims count; every included claim for it is set aside as
   ``SELF_REPORTED``.
4. No resolution, no own claim, exactly one report includes it: that included claim counts.
5. No resolution, no own claim, several reports include it: the included claim of the earliest
   submitted report (by `submitted_at`, then id) counts; the others are set aside as ``CONFLICT``,
   for the secretariat to resolve. Two reports of the same umbrella (two of its commitments)
   including the same organisation are "several reports" too.

Which claims count is decided before all-zero claims are dropped, so an organisation that
reports zeros itself still sets aside what an umbrella reported for it (rule 3). Claims whose
figures are all zero are then not stored: they change no sum.

**Cells.** `KpiCell` rows sum the *counted* claims per (year, country, stakeholder type) of the
claim's organisation — the organisation whose figures they are, not the reporter — and one
dimension value:

- ``dimension=""``: the total;
- ``"principle"``: each charter principle of the claim's commitment (a commitment serving two
  principles counts in both rows, so principle rows add up to more than the total);
- ``"occupation_group"``: the ISCO-08 major group (one digit) of each target occupation of the
  commitment; occupations without a group are left out when the commitment has some with one;
  ``""`` (shown as "not specified") when it has none. Multi-valued like principles;
- ``"skill_area"``: ``"digital"`` and/or ``"green"`` for target skills in the ESCO digital or
  green collections (a skill in both counts in both), ``"other"`` for target skills in neither,
  ``""`` (not specified) for a commitment without target skills. Multi-valued;
- ``"pledge"`` (value ``""``): what published commitments pledge for the year — the sums of their
  `CommitmentTarget` rows (people → ``people_trained``, ``programmes``, ``euros``) per the
  *commitment's* organisation's country and type, with ``organisations`` the number of distinct
  organisations pledging, and — *decision* — ``reports`` the number of commitments published by
  the end of the year and not withdrawn since (the dashboard's "commitments", read with the
  pledges instead of counting every commitment on each page view). No set-aside sums.

In every other row: ``organisations`` is the number of distinct organisations with a counted
claim in the cell (an organisation has one country and one type, so totals add up across
cells); ``reports`` counts the submitted reports and ``progressing`` those whose progress status
is in `PROGRESSING` — *decision:* a report is counted in the cell of its *reporting*
organisation (and, in dimension rows, under its commitment's values), so that every submitted
report is counted exactly once in the totals, whoever's figures it carries;
``set_aside_people`` / ``set_aside_euros`` sum the set-aside claims' people trained and euros,
in the cell of the organisation they belong to.

**Freshness.** Services mark a year stale (`services.kpis_changed`) after every change to its
reports or overlap decisions and enqueue `tasks.kpis_rebuild`; readers (`kpis.ensure_fresh`)
rebuild a stale or never-built year before reading, so the numbers are right even without a task
worker. Pledges change with commitments rather than reports: `rebuild_pledges()` redoes only the
pledge rows, and `kpis.ensure_fresh` calls it when a commitment changed after the last build.
Not tracked: an organisation changing its country or stakeholder type — its figures move to the
new cell at the year's next rebuild.

**Writing.** The claims and cells are computed from `values_list()` rows (no model instances)
and written as plain rows (`_insert`: `executemany` on SQLite, `COPY` on PostgreSQL), not with
`bulk_create`, which costs seconds a year at 20,000 reports (bench/README.md has the numbers).

A rebuild locks the year's `KpiState` row (on PostgreSQL; SQLite's write lock does the same), so
two rebuilds of one year never interleave their deletes and inserts.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from skillspact.commitments.models import (
    FIRST_YEAR,
    METRICS,
    PROGRESSING,
    TARGET_YEAR,
    Commitment,
    CommitmentConcept,
    CommitmentTarget,
    KpiCell,
    KpiClaim,
    KpiState,
    OverlapResolution,
    Principle,
    ProgressReport,
    ReportInclusion,
)
from skillspact.organisations.models import Organisation

YEARS = tuple(range(FIRST_YEAR, TARGET_YEAR + 1))
DIMENSIONS = ("principle", "occupation_group", "skill_area")
PLEDGE = "pledge"
CLAIM_FIELDS = (
    "year",
    "report",
    "commitment",
    "organisation",
    "reporter",
    "kind",
    "set_aside",
    *METRICS,
)
CELL_FIELDS = (
    "year",
    "country",
    "stakeholder_type",
    "dimension",
    "value",
    "organisations",
    "reports",
    "progressing",
    *METRICS,
    "set_aside_people",
    "set_aside_euros",
)

OWN = KpiClaim.Kind.OWN.value
INCLUDED = KpiClaim.Kind.INCLUDED.value
COUNTED = KpiClaim.SetAside.COUNTED.value
SELF_REPORTED = KpiClaim.SetAside.SELF_REPORTED.value
RESOLVED = KpiClaim.SetAside.RESOLVED.value
CONFLICT = KpiClaim.SetAside.CONFLICT.value

_PROGRESSING = frozenset(str(status) for status in PROGRESSING)
_PRINCIPLES = frozenset(Principle.values)
_NO_FIGURES = (0,) * len(METRICS)

# A cell's sums, in this order: the counted metrics, then the set-aside people and euros.
_SUMS = (*METRICS, "set_aside_people", "set_aside_euros")
# `_cells` unpacks the metrics by name, in this order.
assert METRICS == ("people_trained", "people_reached", "programmes", "stakeholders", "euros")
_TOTAL_ONLY = (("", ""),)
_PEOPLE = METRICS.index("people_trained")
_PROGRAMMES = METRICS.index("programmes")
_EUROS = METRICS.index("euros")


@dataclass(frozen=True)
class RebuildResult:
    """What one rebuild did, and how long it took."""

    year: int
    seconds: float
    reports: int = 0
    claims: int = 0
    counted: int = 0
    set_aside: int = 0
    cells: int = 0
    skipped: bool = False


class _Claim:
    """One organisation's figures in one report (a row of `KpiClaim` before it is stored)."""

    __slots__ = ("report", "commitment", "organisation", "reporter", "kind", "figures", "set_aside")

    def __init__(
        self,
        report: int,
        commitment: int,
        organisation: int,
        reporter: int,
        kind: str,
        figures: tuple[int, ...],
    ) -> None:
        self.report = report
        self.commitment = commitment
        self.organisation = organisation
        self.reporter = reporter
        self.kind = kind
        self.figures = figures
        self.set_aside = COUNTED


class _Cell:
    __slots__ = ("sums", "organisations", "reports", "progressing")

    def __init__(self) -> None:
        self.sums = [0] * len(_SUMS)
        self.organisations: set[int] = set()
        self.reports = 0
        self.progressing = 0


# -- reading the year's reports -----------------------------------------------------------------


def _submitted(year: int) -> Any:
    return ProgressReport.objects.filter(
        window__year=year, status=ProgressReport.Status.SUBMITTED
    ).order_by()


def _claims(
    year: int,
) -> tuple[list[tuple[Any, ...]], list[_Claim], dict[int, tuple[datetime, int]]]:
    """The year's submitted reports (as tuples), the claims they make, and the submission order
    of the reports that include other organisations (what settles a conflict)."""
    reports = list(
        _submitted(year).values_list(
            "id", "commitment_id", "organisation_id", "progress_status", *METRICS
        )
    )
    inclusions: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    order: dict[int, tuple[datetime, int]] = {}
    for report_id, submitted_at, *row in (
        ReportInclusion.objects.filter(
            report__window__year=year, report__status=ProgressReport.Status.SUBMITTED
        )
        .order_by()
        .values_list("report_id", "report__submitted_at", "organisation_id", *METRICS)
    ):
        inclusions[report_id].append(tuple(row))
        order[report_id] = (submitted_at, report_id)
    claims: list[_Claim] = []
    for report_id, commitment_id, organisation_id, _status, *figures in reports:
        total = [value or 0 for value in figures]
        for included_id, *included in inclusions.get(report_id, ()):
            claims.append(
                _Claim(
                    report_id,
                    commitment_id,
                    included_id,
                    organisation_id,
                    INCLUDED,
                    tuple(included),
                )
            )
            total = [t - i for t, i in zip(total, included, strict=True)]
        claims.append(
            _Claim(
                report_id,
                commitment_id,
                organisation_id,
                organisation_id,
                OWN,
                tuple(max(0, value) for value in total),
            )
        )
    return reports, claims, order


def _decide(
    claims: list[_Claim],
    resolutions: dict[int, int | None],
    submitted_order: dict[int, tuple[datetime, int]],
) -> None:
    """Set `set_aside` on every claim, organisation by organisation (the rules above)."""
    by_organisation: dict[int, list[_Claim]] = defaultdict(list)
    for claim in claims:
        by_organisation[claim.organisation].append(claim)
    for organisation, mine in by_organisation.items():
        own = [c for c in mine if c.kind == OWN]
        included = [c for c in mine if c.kind == INCLUDED]
        if not included:
            continue  # own claims only: they count, nothing overlaps
        if organisation in resolutions:
            counted_report = resolutions[organisation]
            if counted_report is None:
                for claim in included:
                    claim.set_aside = RESOLVED
                continue
            if any(c.report == counted_report for c in included):
                for claim in mine:
                    if claim.kind != INCLUDED or claim.report != counted_report:
                        claim.set_aside = RESOLVED
                continue
            # The decision names a report that no longer includes the organisation: default rules.
        if own:
            for claim in included:
                claim.set_aside = SELF_REPORTED
        elif len(included) > 1:
            included.sort(key=lambda c: submitted_order[c.report])
            for claim in included[1:]:
                claim.set_aside = CONFLICT


def _commitment_values(year: int) -> dict[int, tuple[tuple[str, str], ...]]:
    """Per commitment reported on in `year`: the cell keys its figures go to — the total
    ``("", "")`` and one (dimension, value) pair per principle, occupation group, skill area."""
    reported = _submitted(year).values("commitment_id")
    principles: dict[int, str] = {}
    # Read as text and decoded once per distinct list: a few dozen lists for 20,000 rows.
    decoded: dict[str, list[str]] = {}
    for commitment_id, text in (
        Commitment.objects.filter(id__in=reported)
        .order_by()
        .values_list("id", Cast("principles", output_field=TextField()))
    ):
        text = text or ""
        if text not in decoded:
            listed = json.loads(text) if text else []
            decoded[text] = [
                p for p in (listed if isinstance(listed, list) else []) if p in _PRINCIPLES
            ] or [""]
        principles[commitment_id] = text
    groups: dict[int, set[str]] = defaultdict(set)
    areas: dict[int, set[str]] = defaultdict(set)
    for commitment_id, kind, is_green, is_digital, isco_major in (
        CommitmentConcept.objects.filter(commitment_id__in=reported)
        .order_by()
        .values_list("commitment_id", "kind", "is_green", "is_digital", "isco_major")
    ):
        if kind == CommitmentConcept.Kind.OCCUPATION:
            groups[commitment_id].add(isco_major or "")
        else:
            found = areas[commitment_id]
            if is_digital:
                found.add("digital")
            if is_green:
                found.add("green")
            if not (is_digital or is_green):
                found.add("other")
    # Many commitments share their keys: work them out (and keep one tuple) per distinct set.
    shared: dict[tuple[str, frozenset[str], frozenset[str]], tuple[tuple[str, str], ...]] = {}
    values: dict[int, tuple[tuple[str, str], ...]] = {}
    no_values: frozenset[str] = frozenset()
    for commitment_id, text in principles.items():
        signature = (
            text,
            frozenset(groups[commitment_id]) if commitment_id in groups else no_values,
            frozenset(areas[commitment_id]) if commitment_id in areas else no_values,
        )
        keys = shared.get(signature)
        if keys is None:
            known = sorted(g for g in signature[1] if g) or [""]
            keys = shared[signature] = (
                *_TOTAL_ONLY,
                *(("principle", p) for p in dict.fromkeys(decoded[text])),
                *(("occupation_group", g) for g in known),
                *(("skill_area", a) for a in sorted(signature[2]) or [""]),
            )
        values[commitment_id] = keys
    return values


def _pledge_cells(years: Iterable[int]) -> list[tuple[Any, ...]]:
    """The pledge rows of `years`: published commitments' targets and number, per organisation
    country and type."""
    years = sorted(set(years))
    cells: dict[tuple[int, str, str], _Cell] = defaultdict(_Cell)
    for year, country, stakeholder_type, organisation, people, programmes, euros in (
        CommitmentTarget.objects.filter(
            year__in=years, commitment__status=Commitment.Status.PUBLISHED
        )
        .order_by()
        .values_list(
            "year",
            "commitment__organisation__country",
            "commitment__organisation__stakeholder_type",
            "commitment__organisation_id",
            "people",
            "programmes",
            "euros",
        )
    ):
        cell = cells[(year, country, stakeholder_type)]
        cell.organisations.add(organisation)
        cell.sums[_PEOPLE] += people
        cell.sums[_PROGRAMMES] += programmes
        cell.sums[_EUROS] += euros
    # In pledge rows `reports` counts the commitments published by the end of the year (and
    # not withdrawn since): the dashboard's "commitments" without a query over all of them.
    ends = {f"y{year}": timezone.make_aware(datetime(year + 1, 1, 1)) for year in years}
    published = (
        Commitment.objects.filter(status=Commitment.Status.PUBLISHED)
        .order_by()
        .values("organisation__country", "organisation__stakeholder_type")
        .annotate(**{k: Count("id", filter=Q(published_at__lt=end)) for k, end in ends.items()})
    )
    for row in cast(Iterable[dict[str, Any]], published):
        place = (row["organisation__country"], row["organisation__stakeholder_type"])
        for year in years:
            if row[f"y{year}"]:
                cells[(year, *place)].reports += row[f"y{year}"]
    return [
        (year, country, stakeholder_type, PLEDGE, "", len(cell.organisations), cell.reports, 0)
        + tuple(cell.sums)
        for (year, country, stakeholder_type), cell in cells.items()
    ]


def _cells(
    year: int,
    reports: list[tuple[Any, ...]],
    claims: list[_Claim],
    places: dict[int, tuple[str, str]],
    values: dict[int, tuple[tuple[str, str], ...]],
) -> list[tuple[Any, ...]]:
    """Sum the claims into cells: per place (country, type), per (dimension, value)."""
    # The hot loop of the roll-up (some 100,000 cell updates a year): nested dicts, no
    # per-update tuples, the five metrics unpacked by name.
    by_place: dict[tuple[str, str], dict[tuple[str, str], _Cell]] = defaultdict(dict)
    for claim in claims:
        cells = by_place[places[claim.organisation]]
        keys = values.get(claim.commitment, _TOTAL_ONLY)
        trained, reached, programmes, stakeholders, euros = claim.figures
        if claim.set_aside == COUNTED:
            organisation = claim.organisation
            for key in keys:
                cell = cells.get(key)
                if cell is None:
                    cell = cells[key] = _Cell()
                cell.organisations.add(organisation)
                sums = cell.sums
                sums[0] += trained
                sums[1] += reached
                sums[2] += programmes
                sums[3] += stakeholders
                sums[4] += euros
        elif trained or euros:
            for key in keys:
                cell = cells.get(key)
                if cell is None:
                    cell = cells[key] = _Cell()
                cell.sums[5] += trained
                cell.sums[6] += euros
    for _id, commitment_id, organisation_id, progress_status, *_figures in reports:
        cells = by_place[places[organisation_id]]
        is_progressing = progress_status in _PROGRESSING
        for key in values.get(commitment_id, _TOTAL_ONLY):
            cell = cells.get(key)
            if cell is None:
                cell = cells[key] = _Cell()
            cell.reports += 1
            if is_progressing:
                cell.progressing += 1
    return [
        (
            year,
            country,
            stakeholder_type,
            dimension,
            value,
            len(cell.organisations),
            cell.reports,
            cell.progressing,
            *cell.sums,
        )
        for (country, stakeholder_type), cells in by_place.items()
        for (dimension, value), cell in cells.items()
    ]


# -- writing -------------------------------------------------------------------------------------


def _insert(model: Any, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert plain rows into `model`'s table, in the caller's transaction.

    Not `bulk_create`: Django prepares each value through its field (about 5 µs apiece), and a
    year of 20,000 reports writes some 400,000 values — seconds instead of a fraction of one.
    The rows hold only integers and short strings the roll-up computed itself. SQLite runs one
    prepared statement many times; PostgreSQL takes them through COPY (`executemany` costs a
    round trip per row, and large multi-row INSERTs spend their time quoting parameters).
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in names)
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(names))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def _lock(years: Iterable[int]) -> dict[int, KpiState]:
    """The years' states, created when missing, locked until the transaction ends."""
    years = sorted(set(years))
    existing = set(KpiState.objects.filter(year__in=years).values_list("year", flat=True))
    missing = [KpiState(year=year) for year in years if year not in existing]
    if missing:
        KpiState.objects.bulk_create(missing, ignore_conflicts=True)
    return {
        state.year: state
        for state in KpiState.objects.select_for_update().filter(year__in=years).order_by("year")
    }


def rebuild_year(year: int, *, only_if_stale: bool = False) -> RebuildResult:
    """Replace the claims and cells of `year` with what its submitted reports say now."""
    started = time.perf_counter()
    built_at = timezone.now()
    with transaction.atomic():
        state = _lock([year])[year]
        if only_if_stale and not state.is_stale and state.built_at is not None:
            # Another process rebuilt it while this one waited for the lock.
            return RebuildResult(year=year, seconds=time.perf_counter() - started, skipped=True)
        reports, claims, order = _claims(year)
        resolutions: dict[int, int | None] = dict(
            OverlapResolution.objects.filter(year=year)
            .order_by()
            .values_list("organisation_id", "counted_report_id")
        )
        _decide(claims, resolutions, order)
        organisations = {c.organisation for c in claims} | {row[2] for row in reports}
        places = {
            pk: (country, stakeholder_type)
            for pk, country, stakeholder_type in Organisation.objects.order_by().values_list(
                "id", "country", "stakeholder_type"
            )
            if pk in organisations
        }
        cells = _cells(year, reports, claims, places, _commitment_values(year))
        cells += _pledge_cells([year])
        stored = [
            (year, c.report, c.commitment, c.organisation, c.reporter, c.kind, c.set_aside)
            + c.figures
            for c in claims
            if c.figures != _NO_FIGURES
        ]
        KpiClaim.objects.filter(year=year).delete()
        KpiCell.objects.filter(year=year).delete()
        _insert(KpiClaim, CLAIM_FIELDS, stored)
        _insert(KpiCell, CELL_FIELDS, cells)
        seconds = time.perf_counter() - started
        KpiState.objects.filter(year=year).update(
            is_stale=False, built_at=built_at, build_seconds=seconds
        )
    counted = sum(1 for row in stored if row[6] == COUNTED)
    return RebuildResult(
        year=year,
        seconds=time.perf_counter() - started,
        reports=len(reports),
        claims=len(stored),
        counted=counted,
        set_aside=len(stored) - counted,
        cells=len(cells),
    )


def rebuild_pledges(years: Iterable[int] = YEARS) -> float:
    """Replace only the pledge rows of `years` (after commitments were published or changed)."""
    started = time.perf_counter()
    built_at = timezone.now()
    years = sorted(set(years))
    with transaction.atomic():
        _lock(years)
        cells = _pledge_cells(years)
        KpiCell.objects.filter(year__in=years, dimension=PLEDGE).delete()
        _insert(KpiCell, CELL_FIELDS, cells)
        KpiState.objects.filter(year__in=years).update(built_at=built_at)
    return time.perf_counter() - started


def rebuild_all(years: Iterable[int] = YEARS) -> list[RebuildResult]:
    """Rebuild every year (a management task, the benchmark, or after a bulk import)."""
    return [rebuild_year(year) for year in years]
