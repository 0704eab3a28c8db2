"""The skill-gap query and page at the issue's scale, on SQLite and PostgreSQL.

For each database the script starts itself again in a child process (one Django set-up per
database), which

1. builds a fresh database — an SQLite file `var/bench-gaps.sqlite3`, or the scratch PostgreSQL
   database `skillspact_bench_gaps` on `postgres://root@127.0.0.1:5432/` (dropped and created
   again; skipped with a note when the server does not answer) — and migrates it;
2. creates with `bulk_create`: a small ESCO version (400 skills, a fifth digital and a tenth
   green; 60 occupations in 12 ISCO groups), four published waves of one survey series with a
   40-skill matrix each, `--ratings` skill ratings (default 1,000,000) from responses of 20
   ratings each across 27 countries, 81 regions, 5 employer types and the 60 occupations
   (skewed: a few occupations and countries have most answers); the monthly job-ad counts that
   `--ads` job ads (default 500,000) over 36 months produce, 6 skills an ad; 300 employers'
   needs; 300 published courses and 200 published commitments naming skills; then, since the
   bulk load goes around the services, recomputes the gap summaries (`gap_summaries_rebuild`);
3. times `gaps.gap_table()` for 10 slices, `--runs` times each, and the gap page
   (`/intelligence/gaps/` with its heatmap) for the same slices through Django's test client.

Progress goes to stderr; the numbers to stdout. The goal (from the issue): a gap page under
500 ms on PostgreSQL. `--keep` leaves the databases; `--reuse` times them again without building
them (after migrating them, so a changed schema can be tried on the same rows).

    .venv/bin/python bench/gap_query.py --databases sqlite --ratings 100000 --ads 50000
    .venv/bin/python bench/gap_query.py --databases postgres --keep    # then: --reuse
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from collections import Counter
from datetime import date
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

PG_BENCH_DATABASE = "skillspact_bench_gaps"
SQLITE_FILE = ROOT / "var" / "bench-gaps.sqlite3"
GOAL_MS = 500.0
COUNTRIES = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
COUNTRIES_LIST = COUNTRIES.split()
TYPES = [
    "healthcare_provider",
    "education_vet",
    "education_higher",
    "industry_medtech",
    "public_regional",
]
ISCO = [
    "2211",
    "2212",
    "2221",
    "2222",
    "2240",
    "2262",
    "2264",
    "3221",
    "3256",
    "5321",
    "2512",
    "1342",
]
SKILL = "http://data.europa.eu/esco/skill/bench-{:04d}"
OCCUPATION = "http://data.europa.eu/esco/occupation/bench-{:03d}"
SLICES: list[tuple[str, dict[str, str]]] = [
    ("everything", {}),
    ("country ES", {"country": "ES"}),
    ("country DE, healthcare providers", {"country": "DE", "stakeholder_type": TYPES[0]}),
    ("region FR1", {"region": "FR1"}),
    ("one occupation", {"occupation": OCCUPATION.format(2)}),
    ("ISCO group 222", {"isco_group": "222"}),
    ("digital skills", {"collection": "digital"}),
    ("series wave 2026-1", {"series": "flash", "wave": "2026-1"}),
    ("country IT, digital skills", {"country": "IT", "collection": "digital"}),
    ("ISCO 22 in PL", {"isco_group": "22", "country": "PL"}),
]


def print_results(results: list[dict[str, Any]], heading: str) -> None:
    print()
    print(heading)
    builds = [row for row in results if row.get("kind") == "build"]
    for row in builds:
        print(f"  {row['database']:<9} built {row['what']:<34} {row['seconds']:8.1f} s")
    print()
    print(f"  {'database':<9} {'what':<6} {'slice':<34} {'rows':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for row in results:
        if row.get("kind") != "timing":
            continue
        flag = "" if row["what"] != "page" or row["p95"] < GOAL_MS else "  > goal"
        print(
            f"  {row['database']:<9} {row['what']:<6} {row['slice']:<34} {row['rows']:>5} "
            f"{row['p50']:8.1f} {row['p95']:8.1f}{flag}"
        )
    print(f"\n  goal: the gap page under {GOAL_MS:.0f} ms on PostgreSQL")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated")
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--ads", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per slice")
    parser.add_argument("--pg-url", default=PG_SERVER_URL)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the databases a --keep run left (migrated, not built again); implies --keep",
    )
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.child:
        child(args)
        return
    began = time.monotonic()
    kind = KeptDatabases if args.reuse else Databases
    databases = kind(sqlite_file=SQLITE_FILE, pg_database=PG_BENCH_DATABASE, pg_url=args.pg_url)
    child_args = ["--ratings", str(args.ratings), "--ads", str(args.ads)]
    child_args += ["--runs", str(args.runs), "--seed", str(args.seed)]
    child_args += ["--reuse"] if args.reuse else []
    keep = args.keep or args.reuse
    results = run_databases(
        args.databases,
        args.pg_url,
        lambda database: run_child(__file__, database, databases, child_args, keep=keep),
    )
    import sqlite3

    print_results(
        results,
        f"Skill gaps: {args.ratings:,} ratings × {args.ads:,} job ads (monthly counts)\n"
        f"{os.cpu_count()} CPUs; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}; {time.monotonic() - began:.0f} s in all",
    )


class KeptDatabases(Databases):
    """The databases an earlier `--keep` run left: used as they are, never dropped."""

    def create(self, database: str) -> str:
        if database == "sqlite":
            if not self.sqlite_file.exists():
                raise SystemExit(f"--reuse: no {self.sqlite_file}; run once with --keep")
            return f"sqlite:///{self.sqlite_file}"
        return self.pg_url.rstrip("/") + "/" + self.pg_database

    def drop(self, database: str) -> None:
        pass


# -- the child: one database --------------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    emit = child_setup(args.child)  # migrates, so a kept database gets new migrations
    if not args.reuse:
        rng = random.Random(args.seed)
        build(rng, args, emit)
    analyze()
    timings(emit, args.runs)


def _skewed(rng: random.Random, items: list[Any], *, power: float = 1.3) -> Any:
    """A few items often, most rarely (a Zipf-like pick)."""
    return items[min(len(items) - 1, int(len(items) * rng.random() ** power))]


def build(rng: random.Random, args: argparse.Namespace, emit: Any) -> None:
    from django.db import transaction
    from django.utils import timezone

    from skillspact.commitments.models import Commitment, CommitmentConcept, CommitmentTarget
    from skillspact.intelligence import summaries
    from skillspact.intelligence.models import (
        EmployerNeed,
        JobAdMonthlyCount,
        NeedRole,
        NeedSkill,
        Question,
        Response,
        SkillRating,
        Survey,
    )
    from skillspact.organisations.models import Organisation
    from skillspact.taxonomy.models import CollectionMember, EscoVersion, Occupation, Skill
    from skillspact.training.models import Course, CourseSkill

    def timed(what: str, started: float) -> None:
        seconds = time.monotonic() - started
        note(f"  {what}: {seconds:.1f} s")
        emit(kind="build", what=what, seconds=seconds)

    started = time.monotonic()
    with transaction.atomic():
        esco = EscoVersion.objects.create(code="bench", status="ready", is_default=True)
        skills = [SKILL.format(i) for i in range(400)]
        Skill.objects.bulk_create(
            Skill(
                version=esco,
                uri=uri,
                preferred_label=f"skill {i}",
                collections=(["digital"] if i % 5 == 0 else [])
                + (["green"] if i % 10 == 3 else []),
            )
            for i, uri in enumerate(skills)
        )
        CollectionMember.objects.bulk_create(
            CollectionMember(version=esco, collection=code, concept_uri=uri, concept_type="skill")
            for i, uri in enumerate(skills)
            for code, hit in (("digital", i % 5 == 0), ("green", i % 10 == 3))
            if hit
        )
        occupations = [OCCUPATION.format(i) for i in range(60)]
        Occupation.objects.bulk_create(
            Occupation(
                version=esco,
                uri=uri,
                preferred_label=f"occupation {i}",
                isco_group=ISCO[i % len(ISCO)],
                is_health=True,
            )
            for i, uri in enumerate(occupations)
        )
    timed("ESCO (400 skills, 60 occupations)", started)

    regions = [f"{country}{digit}" for country in COUNTRIES_LIST for digit in "123"]
    started = time.monotonic()
    surveys = []
    for number, wave in enumerate(("2025-1", "2025-2", "2026-1", "2026-2")):
        survey = Survey.objects.create(
            slug=f"flash-{wave}",
            title=f"Flash survey {wave}",
            languages=["en"],
            series="flash",
            wave=wave,
            status=Survey.Status.PUBLISHED,
            access=Survey.Access.OPEN,
            is_synthetic=True,
        )
        matrix = skills[number * 20 : number * 20 + 40] + skills[200:210]
        question = Question.objects.create(
            survey=survey, key="matrix", kind=Question.Kind.SKILLS_MATRIX, skill_uris=matrix
        )
        surveys.append((survey, question, matrix))
    per_response = 20
    responses = args.ratings // per_response
    batch = 2000
    for start in range(0, responses, batch):
        with transaction.atomic():
            made = []
            for _ in range(min(batch, responses - start)):
                survey, question, matrix = rng.choice(surveys)
                region = _skewed(rng, regions)
                made.append(
                    (
                        Response(
                            survey=survey,
                            language="en",
                            status=Response.Status.SUBMITTED,
                            country=region[:2],
                            region=region,
                            stakeholder_type=_skewed(rng, TYPES),
                            occupation_uri=_skewed(rng, occupations),
                            is_synthetic=True,
                        ),
                        question,
                        matrix,
                    )
                )
            Response.objects.bulk_create([response for response, _q, _m in made])
            ratings = []
            for response, question, matrix in made:
                for uri in rng.sample(matrix, per_response):
                    importance = min(5, max(1, round(rng.gauss(3.6, 1))))
                    ratings.append(
                        SkillRating(
                            response=response,
                            question=question,
                            survey_id=response.survey_id,
                            skill_uri=uri,
                            importance=importance,
                            proficiency=min(5, max(1, round(rng.gauss(3.0, 1)))),
                            country=response.country,
                            region=response.region,
                            stakeholder_type=response.stakeholder_type,
                            occupation_uri=response.occupation_uri,
                            submitted_on=date(2026, 6, 1),
                        )
                    )
            SkillRating.objects.bulk_create(ratings, batch_size=5000)
        if start and start % 10000 == 0:
            note(f"    {start * per_response:,} ratings")
    timed(f"{responses * per_response:,} ratings", started)

    started = time.monotonic()
    cells: Counter[tuple[date, str, str, str, str]] = Counter()
    months = [date(2023 + (m + 9) // 12, (m + 9) % 12 + 1, 1) for m in range(36)]
    for _ in range(args.ads):
        month = rng.choice(months)
        region = _skewed(rng, regions)
        occupation = _skewed(rng, occupations, power=1.6)
        cells[(month, region[:2], region, occupation, "")] += 1
        for uri in rng.sample(skills[:240], 6):
            cells[(month, region[:2], region, occupation, uri)] += 1
    rows = [
        JobAdMonthlyCount(
            month=month,
            country=country,
            region=region,
            occupation_uri=occupation,
            skill_uri=uri,
            ads=ads,
        )
        for (month, country, region, occupation, uri), ads in cells.items()
    ]
    with transaction.atomic():
        JobAdMonthlyCount.objects.bulk_create(rows, batch_size=5000)
    timed(f"{args.ads:,} ads → {len(rows):,} monthly cells", started)

    started = time.monotonic()
    now = timezone.now()
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            Organisation(
                legal_name=f"Bench employer {i}",
                slug=f"bench-employer-{i}",
                country=COUNTRIES_LIST[i % 27],
                stakeholder_type=TYPES[i % len(TYPES)],
                status=Organisation.Status.MEMBER,
            )
            for i in range(300)
        )
        needs = EmployerNeed.objects.bulk_create(
            EmployerNeed(organisation=organisation, year=2026, is_synthetic=True)
            for organisation in organisations
        )
        NeedRole.objects.bulk_create(
            NeedRole(
                need=need,
                occupation_uri=_skewed(rng, occupations),
                kind=NeedRole.Kind.HIRE,
                count=rng.randint(1, 40),
                horizon_months=12,
                country=str(need.organisation.country),
                region=f"{need.organisation.country}1",
            )
            for need in needs
            for _ in range(3)
        )
        NeedSkill.objects.bulk_create(
            NeedSkill(need=need, skill_uri=uri, difficulty=rng.randint(1, 5))
            for need in needs
            for uri in rng.sample(skills[:240], 5)
        )
        courses = Course.objects.bulk_create(
            Course(
                slug=f"bench-course-{i}",
                provider=organisations[i % 300],
                title=f"Course {i}",
                status=Course.Status.PUBLISHED,
                mode="online",
                country="BE",
                languages=["en"],
                eqf_level=5,
                hours=25,
                sort_date=date(2026, 10, 1),
                starts_on=date(2026, 10, 1),
            )
            for i in range(300)
        )
        CourseSkill.objects.bulk_create(
            CourseSkill(course=course, skill_uri=uri)
            for course in courses
            for uri in rng.sample(skills, 4)
        )
        commitments = Commitment.objects.bulk_create(
            Commitment(
                organisation=organisations[i % 300],
                title=f"Commitment {i}",
                status=Commitment.Status.PUBLISHED,
                submitted_at=now,
                published_at=now,
            )
            for i in range(200)
        )
        CommitmentConcept.objects.bulk_create(
            CommitmentConcept(
                commitment=commitment, kind="skill", uri=uri, esco_version="bench", label=uri
            )
            for commitment in commitments
            for uri in rng.sample(skills, 3)
        )
        CommitmentTarget.objects.bulk_create(
            CommitmentTarget(commitment=commitment, year=2026, people=rng.randint(10, 500))
            for commitment in commitments
        )
    timed("needs, courses, commitments", started)

    # Bulk loads go behind the services, so the gap summaries are recomputed once at the end.
    started = time.monotonic()
    written = summaries.gap_summaries_rebuild()
    timed(f"gap summaries ({sum(written.values()):,} rows)", started)


def timings(emit: Any, runs: int) -> None:
    from django.conf import settings
    from django.test.utils import override_settings

    # The pages' static files without a collectstatic manifest.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        _timings(emit, runs)


def _timings(emit: Any, runs: int) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from skillspact.accounts.models import User
    from skillspact.intelligence import gaps

    email = "bench-officer@secretariat.example.eu"
    officer = User.objects.filter(email=email).first() or User.objects.create_user(
        email, full_name="Bench", is_secretariat=True
    )
    client = Client()
    client.force_login(officer)
    for name, query in SLICES:
        filters = gaps.filters_validate(
            gaps.GapFilters(
                **{
                    ("occupation_uri" if key == "occupation" else key): v
                    for key, v in query.items()
                }
            )
        )
        gaps.gap_table(filters)  # warm: taxonomy and first plans
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            table = gaps.gap_table(filters)
            samples.append(1000 * (time.perf_counter() - started))
        emit(
            kind="timing",
            what="table",
            slice=name,
            rows=len(table.rows),
            p50=percentile(samples, 50),
            p95=percentile(samples, 95),
        )
        client.get("/intelligence/gaps/", query)
        samples = []
        queries = 0
        for _ in range(runs):
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get("/intelligence/gaps/", query)
                samples.append(1000 * (time.perf_counter() - started))
            assert response.status_code == 200, response.status_code
            queries = len(captured.captured_queries)
        emit(
            kind="timing",
            what="page",
            slice=name,
            rows=len(table.rows),
            p50=percentile(samples, 50),
            p95=percentile(samples, 95),
            queries=queries,
        )
        note(f"  {name}: page p50 {percentile(samples, 50):.0f} ms, {queries} queries")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    main()
