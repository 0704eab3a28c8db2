"""The KPI roll-up and the dashboard's reads at the issue's scale, on SQLite and PostgreSQL.

For each database the script starts itself again in a child process (one Django set-up per
database), which

1. builds a fresh database — an SQLite file `var/bench-kpis.sqlite3`, or the scratch PostgreSQL
   database `skillspact_bench_kpis` on `postgres://root@127.0.0.1:5432/` (dropped and created
   again; skipped with a note when the server does not answer) — and migrates it;
2. creates with `bulk_create`: 5,000 organisations (5% umbrella networks, 10% members that never
   submit), 20,000 published commitments (4 per organisation, 1–2 principles, target
   occupations and skills, targets 2024–2030), the reporting windows 2024–2030 and 7 reports per
   commitment (140,000; the quiet members' stay drafts); umbrella reports include 1–4 other
   members, half of them quiet (conflicts when two umbrellas include the same one), and the
   secretariat has resolved 40 overlaps a year;
3. times `rollup.rebuild_year()` for each year, then all years in a row;
4. times the dashboard's reads — the selector calls `/kpis/` makes — for the public (all; one
   country; one country and type), a member's contact and the secretariat (with its page of 50
   organisations): each `--runs` times cold (a new database connection each time) and warm;
   then the whole page through Django's test client, and a read right after a change (the
   year is stale, so the read rebuilds it first).

Progress goes to stderr; the numbers to stdout. The goal (from the issue): the dashboard's
queries together under 300 ms.

    .venv/bin/python bench/kpi_rollup.py --databases sqlite --commitments 4000
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import datetime, timedelta
from typing import Any

from harness import (
    PG_SERVER_URL,
    ROOT,
    Databases,
    analyze,
    child_setup,
    note,
    percentile,
    run_child,
    run_databases,
)

PG_BENCH_DATABASE = "skillspact_bench_kpis"
SQLITE_FILE = ROOT / "var" / "bench-kpis.sqlite3"
YEARS = list(range(2024, 2031))
GOAL_MS = 300.0
COUNTRIES = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
COUNTRIES_LIST = COUNTRIES.split()


def print_results(results: list[dict[str, Any]], heading: str) -> None:
    print()
    print(heading)
    builds = [r for r in results if r["kind"] == "build"]
    if builds:
        print()
        print("data set (bulk_create)")
        for r in builds:
            print(f"  {r['database']:8}  {r['what']:<58} {r['seconds']:8.1f} s")
    rebuilds = [r for r in results if r["kind"] == "rebuild"]
    print()
    print(
        f"{'database':8}  {'roll-up':<12} {'reports':>8} {'claims':>8} {'set aside':>9} "
        f"{'cells':>7} {'seconds':>8}"
    )
    for r in rebuilds:
        print(
            f"{r['database']:8}  {r['what']:<12} {r['reports']:>8} {r['claims']:>8} "
            f"{r['set_aside']:>9} {r['cells']:>7} {r['seconds']:>8.2f}"
        )
    reads = [r for r in results if r["kind"] == "read"]
    print()
    print(
        f"{'database':8}  {'dashboard reads':<44} {'queries':>7} {'runs':>5} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'max ms':>8}  {'< 300 ms':>8}"
    )
    for r in reads:
        times = r["ms"]
        goal = "" if not r.get("goal") else ("yes" if percentile(times, 95) < GOAL_MS else "NO")
        print(
            f"{r['database']:8}  {r['what']:<44} {r['queries']:>7} {len(times):>5} "
            f"{percentile(times, 50):>8.1f} {percentile(times, 95):>8.1f} {max(times):>8.1f}  "
            f"{goal:>8}"
        )
    sys.stdout.flush()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated")
    parser.add_argument("--organisations", type=int, default=5000)
    parser.add_argument("--commitments", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per read scenario")
    parser.add_argument("--pg-url", default=PG_SERVER_URL)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.child:
        child(args)
        return
    began = time.monotonic()
    databases = Databases(
        sqlite_file=SQLITE_FILE, pg_database=PG_BENCH_DATABASE, pg_url=args.pg_url
    )
    child_args = ["--organisations", str(args.organisations)]
    child_args += ["--commitments", str(args.commitments), "--runs", str(args.runs)]
    child_args += ["--seed", str(args.seed)]
    results = run_databases(
        args.databases,
        args.pg_url,
        lambda database: run_child(__file__, database, databases, child_args, keep=args.keep),
    )
    import sqlite3

    print_results(
        results,
        f"KPI roll-up: {args.organisations} organisations × {args.commitments} commitments × "
        f"{len(YEARS)} yearly reports\n{os.cpu_count()} CPUs; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}; {time.monotonic() - began:.0f} s in all",
    )


# -- the child: one database --------------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    emit = child_setup(args.child)
    rng = random.Random(args.seed)
    people = build(rng, args, emit)
    analyze()
    rebuilds(emit)
    reads(emit, people, args.runs)


def build(rng: random.Random, args: argparse.Namespace, emit: Any) -> dict[str, Any]:
    """The data set, with bulk_create; returns the people the reads act as."""
    from django.db import transaction
    from django.utils import timezone

    from skillspact.accounts.models import User
    from skillspact.commitments.models import (
        Commitment,
        CommitmentConcept,
        CommitmentTarget,
        OverlapResolution,
        Principle,
        ProgressReport,
        ProgressStatus,
        ReportInclusion,
        ReportingWindow,
    )
    from skillspact.organisations.models import Affiliation, Organisation, StakeholderType

    def timed(what: str, started: float) -> None:
        seconds = time.monotonic() - started
        note(f"  {what} ({seconds:.1f} s)")
        emit(kind="build", what=what, seconds=seconds)

    def aware(day: datetime) -> datetime:
        return timezone.make_aware(day)

    types = [t for t in StakeholderType.values if t != StakeholderType.PROFESSIONAL_ASSOCIATION]
    n_orgs = args.organisations
    started = time.monotonic()
    organisations = []
    for index in range(n_orgs):
        is_umbrella = index < n_orgs // 20
        organisations.append(
            Organisation(
                legal_name=f"Bench organisation {index:05d}",
                slug=f"bench-{index:05d}",
                stakeholder_type=StakeholderType.PROFESSIONAL_ASSOCIATION
                if is_umbrella
                else rng.choice(types),
                country=rng.choice(COUNTRIES_LIST),
                pact_registration_ref=f"PfS-B{index:05d}",
                joined_at=aware(datetime(2021, 1, 1) + timedelta(days=rng.randrange(1800))),
                search_text=f"bench organisation {index:05d}",
            )
        )
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(organisations, batch_size=2000)
    umbrellas = organisations[: n_orgs // 20]
    others = organisations[n_orgs // 20 :]
    quiet = set(rng.sample(range(len(others)), len(others) // 10))
    quiet_orgs = [org for index, org in enumerate(others) if index in quiet]
    talkers = [org for index, org in enumerate(others) if index not in quiet]
    timed(f"{n_orgs} organisations", started)

    started = time.monotonic()
    principles = Principle.values
    commitments = []
    per_org = max(1, args.commitments // n_orgs)
    for index in range(args.commitments):
        org = organisations[(index // per_org) % n_orgs]
        commitments.append(
            Commitment(
                organisation=org,
                title=f"Commitment {index:06d}",
                description="Upskilling health workers.",
                principles=rng.sample(principles, rng.choice((1, 1, 2))),
                countries=[str(org.country)],
                status=Commitment.Status.WITHDRAWN if rng.random() < 0.02 else "published",
                submitted_at=aware(datetime(2023, 6, 1)),
                published_at=aware(datetime(2021, 3, 1) + timedelta(days=rng.randrange(1300))),
                search_text=f"commitment {index:06d}",
            )
        )
    with transaction.atomic():
        commitments = Commitment.objects.bulk_create(commitments, batch_size=2000)
    concepts = []
    targets = []
    for commitment in commitments:
        for number in range(rng.choice((1, 2))):
            group = rng.choice(("2", "2", "3", "3", "5", ""))
            concepts.append(
                CommitmentConcept(
                    commitment=commitment,
                    kind="occupation",
                    uri=f"http://data.europa.eu/esco/occupation/bench-{group}-{number}",
                    esco_version="v1.1.1",
                    label=f"Occupation {group}",
                    isco_major=group,
                )
            )
        for number in range(rng.choice((1, 2, 3))):
            roll = rng.random()
            concepts.append(
                CommitmentConcept(
                    commitment=commitment,
                    kind="skill",
                    uri=f"http://data.europa.eu/esco/skill/bench-{number}",
                    esco_version="v1.1.1",
                    label=f"Skill {number}",
                    is_digital=roll < 0.45,
                    is_green=0.4 < roll < 0.6,
                )
            )
        for year in YEARS:
            targets.append(
                CommitmentTarget(
                    commitment=commitment,
                    year=year,
                    people=rng.randrange(10, 400),
                    programmes=rng.randrange(0, 4),
                    euros=rng.randrange(0, 200_000),
                )
            )
    with transaction.atomic():
        CommitmentConcept.objects.bulk_create(concepts, batch_size=2000)
        CommitmentTarget.objects.bulk_create(targets, batch_size=2000)
    timed(
        f"{len(commitments)} commitments, {len(concepts)} concepts, {len(targets)} targets",
        started,
    )

    started = time.monotonic()
    windows = {
        year: ReportingWindow(
            year=year,
            opens_on=datetime(year + 1, 1, 10).date(),
            closes_on=datetime(year + 1, 3, 31).date(),
        )
        for year in YEARS
    }
    ReportingWindow.objects.bulk_create(windows.values())
    windows = {w.year: w for w in ReportingWindow.objects.all()}
    year_of = {w.pk: w.year for w in windows.values()}
    quiet_ids = {org.pk for org in quiet_orgs}
    umbrella_ids = {org.pk for org in umbrellas}
    statuses = ProgressStatus.values
    reports = []
    for year in YEARS:
        for commitment in commitments:
            is_quiet = commitment.organisation_id in quiet_ids
            trained = rng.randrange(0, 500) * (
                4 if commitment.organisation_id in umbrella_ids else 1
            )
            reports.append(
                ProgressReport(
                    commitment=commitment,
                    window=windows[year],
                    organisation_id=commitment.organisation_id,
                    status="draft" if is_quiet else "submitted",
                    submitted_at=None
                    if is_quiet
                    else aware(
                        datetime(year + 1, 1, 10) + timedelta(minutes=rng.randrange(100_000))
                    ),
                    progress_status=rng.choice(statuses),
                    people_trained=trained,
                    people_reached=trained + rng.randrange(0, 300),
                    programmes=rng.randrange(0, 5),
                    stakeholders=rng.randrange(0, 8),
                    euros=rng.randrange(0, 300_000),
                    includes_other_organisations=commitment.organisation_id in umbrella_ids,
                )
            )
    with transaction.atomic():
        reports = ProgressReport.objects.bulk_create(reports, batch_size=2000)
    timed(f"{len(reports)} reports ({len(YEARS)} windows)", started)

    started = time.monotonic()
    inclusions = []
    including: dict[tuple[int, int], list[int]] = {}
    for report in reports:
        if not report.includes_other_organisations:
            continue
        chosen: set[int] = set()
        for _ in range(rng.choice((1, 2, 3, 4))):
            org = rng.choice(quiet_orgs) if rng.random() < 0.5 else rng.choice(talkers)
            chosen.add(org.pk)
        share = max(1, (report.people_trained or 0) // 10)
        for org_id in chosen:
            inclusions.append(
                ReportInclusion(
                    report=report,
                    organisation_id=org_id,
                    people_trained=rng.randrange(0, share),
                    people_reached=0,
                    programmes=0,
                    stakeholders=0,
                    euros=rng.randrange(0, max(1, (report.euros or 0) // 10)),
                )
            )
            if org_id in quiet_ids:
                year = year_of[report.window_id]
                including.setdefault((year, org_id), []).append(report.pk)
    with transaction.atomic():
        ReportInclusion.objects.bulk_create(inclusions, batch_size=2000)
    officer = User.objects.create_user(
        "officer@bench.example.eu", "bench-password-1", is_secretariat=True
    )
    contact = User.objects.create_user("contact@bench.example.eu", "bench-password-1")
    Affiliation.objects.create(organisation=umbrellas[0], user=contact, role="contact")
    conflicts = [(key, ids) for key, ids in including.items() if len(ids) > 1]
    resolutions = []
    for year in YEARS:
        of_year = [(key, ids) for key, ids in conflicts if key[0] == year]
        for (year_, org_id), ids in rng.sample(of_year, min(40, len(of_year))):
            resolutions.append(
                OverlapResolution(
                    year=year_,
                    organisation_id=org_id,
                    counted_report_id=ids[-1],
                    decided_by=officer,
                )
            )
    OverlapResolution.objects.bulk_create(resolutions)
    timed(
        f"{len(inclusions)} inclusions ({len(conflicts)} conflicts), "
        f"{len(resolutions)} resolutions",
        started,
    )
    return {"officer": officer, "contact": contact, "country": organisations[0].country}


def rebuilds(emit: Any) -> None:
    from skillspact.commitments import rollup

    total = time.monotonic()
    for year in YEARS:
        result = rollup.rebuild_year(year)
        note(f"  rebuild {year}: {result.seconds:.2f} s")
        emit(
            kind="rebuild",
            what=str(year),
            reports=result.reports,
            claims=result.claims,
            set_aside=result.set_aside,
            cells=result.cells,
            seconds=result.seconds,
        )
    del total
    results = rollup.rebuild_all(YEARS)
    all_seconds = sum(r.seconds for r in results)
    note(f"  rebuild all years: {all_seconds:.2f} s")
    emit(
        kind="rebuild",
        what="all years",
        reports=sum(r.reports for r in results),
        claims=sum(r.claims for r in results),
        set_aside=sum(r.set_aside for r in results),
        cells=sum(r.cells for r in results),
        seconds=all_seconds,
    )


def reads(emit: Any, people: dict[str, Any], runs: int) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    counted: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counted.append(sql)
        return execute(sql, params, many, context)

    from skillspact.commitments import kpis
    from skillspact.organisations.models import Organisation

    kpis.ensure_fresh()  # the years without reports (2021–2023) get their (empty) rows
    country = str(people["country"])
    some = Organisation.objects.filter(country=country).exclude(stakeholder_type="").first()
    assert some is not None
    anonymous = AnonymousUser()

    def public(filters: kpis.KpiFilters) -> Any:
        return lambda: kpis.kpis_for(user=anonymous, filters=filters)

    def member() -> None:
        kpis.kpis_for(user=people["contact"], filters=kpis.KpiFilters())
        kpis.member_figures(user=people["contact"])

    def secretariat() -> None:
        from django.core.paginator import Paginator

        officer = people["officer"]
        found = kpis.kpis_for(user=officer, filters=kpis.KpiFilters())
        kpis.member_figures(user=officer)
        assert found.year is not None
        listed = kpis.organisations_with_figures(
            user=officer, year=found.year, filters=kpis.KpiFilters()
        )
        page = Paginator(listed, 50).get_page(1)
        kpis.organisation_figures(user=officer, year=found.year, organisations=page.object_list)
        kpis.build_states(user=officer)

    scenarios = [
        ("public, all", public(kpis.KpiFilters())),
        (f"public, country={country}", public(kpis.KpiFilters(country=country))),
        (
            f"public, {country} + {some.stakeholder_type}"[:30],
            public(kpis.KpiFilters(country=country, stakeholder_type=some.stakeholder_type)),
        ),
        ("member (own figures too)", member),
        ("secretariat (+ 50 organisations)", secretariat),
    ]
    for name, call in scenarios:
        call()  # warm-up: compiled queries, imports
        with CaptureQueriesContext(connection) as captured:
            call()
        queries = len(captured.captured_queries)
        for temperature in ("cold", "warm"):
            times = []
            for _ in range(runs):
                if temperature == "cold":
                    connection.close()
                started = time.perf_counter()
                call()
                times.append((time.perf_counter() - started) * 1000)
            note(f"  {name}, {temperature}: p50 {percentile(times, 50):.1f} ms")
            emit(kind="read", what=f"{name}, {temperature}", queries=queries, ms=times, goal=True)
        reset_queries()

    # The whole page: the reads above plus templates, charts and the response.
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        client = Client()
        assert client.get("/kpis/").status_code == 200
        counted.clear()
        with connection.execute_wrapper(count):
            client.get("/kpis/")
        page_queries = len(counted)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get("/kpis/")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        emit(
            kind="read",
            what="GET /kpis/ (whole page, public), warm",
            queries=page_queries,
            ms=times,
        )
        counted.clear()
        with connection.execute_wrapper(count):
            client.get("/api/v1/kpis")
        api_queries = len(counted)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            assert client.get("/api/v1/kpis").status_code == 200
            times.append((time.perf_counter() - started) * 1000)
        emit(
            kind="read",
            what="GET /api/v1/kpis (JSON), warm",
            queries=api_queries,
            ms=times,
        )

    # A change makes a year stale: the next read rebuilds it (what happens without a worker).
    from skillspact.commitments.models import KpiState

    times = []
    for _ in range(3):
        KpiState.objects.filter(year=YEARS[1]).update(is_stale=True)
        started = time.perf_counter()
        kpis.kpis_for(user=anonymous, filters=kpis.KpiFilters())
        times.append((time.perf_counter() - started) * 1000)
    emit(kind="read", what="public, right after a change (rebuilds a year)", queries=0, ms=times)


if __name__ == "__main__":
    main()
