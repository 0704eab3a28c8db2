"""A large consultation on SQLite and PostgreSQL: the public pages, the analysis, the themes, the
exports and the API.

For each database the script starts itself again in a child process (one Django set-up per
database), which

1. builds a fresh database — an SQLite file `var/bench-consult.sqlite3`, or the scratch
   PostgreSQL database `skillspact_bench_consult` on `postgres://root@127.0.0.1:5432/` (dropped
   and created again; skipped with a note when the server does not answer) — and migrates it;
2. creates with `bulk_create`: a strategy version of 60 sections, an open consultation on it,
   5,000 respondents (1,000 with an account), about ten ratings each, 20,000 published comments
   (10% replies; a few sections draw many more than the others, the busiest about 2,000),
   200 amendments and answers to two general questions;
3. times, `--runs` times each after one untimed run: the public consultation page and the page
   of the busiest section through Django's test client (anonymous), `GET /api/v1/consultations`
   and `GET /api/v1/consultations/{slug}`, the analysis aggregates (`analysis.analysis_for`,
   without and with filters) and the whole analysis page for the secretariat; then, fewer
   times, the theme computation (clustering and writing) and the CSV and XLSX exports.

Progress goes to stderr; the numbers to stdout.

    .venv/bin/python bench/consultation_load.py --databases sqlite --comments 5000
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import timedelta
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

PG_BENCH_DATABASE = "skillspact_bench_consult"
SQLITE_FILE = ROOT / "var" / "bench-consult.sqlite3"
SLUG = "bench-consultation"
COUNTRIES = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"


def print_results(results: list[dict[str, Any]], heading: str) -> None:
    print()
    print(heading)
    builds = [r for r in results if r["kind"] == "build"]
    if builds:
        print()
        print("data set (bulk_create)")
        for r in builds:
            print(f"  {r['database']:8}  {r['what']:<66} {r['seconds']:7.1f} s")
    reads = [r for r in results if r["kind"] == "read"]
    print()
    print(
        f"{'database':8}  {'what':<48} {'queries':>7} {'runs':>5} {'p50 ms':>9} {'p95 ms':>9} "
        f"{'max ms':>9}"
    )
    for r in reads:
        times = r["ms"]
        print(
            f"{r['database']:8}  {r['what']:<48} {r['queries']:>7} {len(times):>5} "
            f"{percentile(times, 50):>9.1f} {percentile(times, 95):>9.1f} {max(times):>9.1f}"
        )
    notes = [r for r in results if r["kind"] == "note"]
    if notes:
        print()
        for r in notes:
            print(f"{r['database']:8}  {r['what']}")
    sys.stdout.flush()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated")
    parser.add_argument("--sections", type=int, default=60)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--respondents", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per page or read")
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
    child_args = ["--sections", str(args.sections), "--comments", str(args.comments)]
    child_args += ["--respondents", str(args.respondents), "--runs", str(args.runs)]
    child_args += ["--seed", str(args.seed)]
    results = run_databases(
        args.databases,
        args.pg_url,
        lambda database: run_child(__file__, database, databases, child_args, keep=args.keep),
    )
    import sqlite3

    print_results(
        results,
        f"Consultation load: {args.sections} sections, {args.respondents} respondents, "
        f"{args.comments} comments\n{os.cpu_count()} CPUs; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}; {time.monotonic() - began:.0f} s in all",
    )


# -- the child: one database --------------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    emit = child_setup(args.child)
    rng = random.Random(args.seed)
    built = build(rng, args, emit)
    analyze()
    reads(emit, built, args.runs)


def build(rng: random.Random, args: argparse.Namespace, emit: Any) -> dict[str, Any]:
    """The data set, with bulk_create; returns what the reads need."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from skillspact.accounts.models import User
    from skillspact.consultations import demo_texts
    from skillspact.consultations.models import (
        Amendment,
        Answer,
        Comment,
        Consultation,
        GeneralQuestion,
        Rating,
        Respondent,
        Section,
        StrategyDocument,
        StrategyVersion,
    )
    from skillspact.organisations.models import StakeholderType

    def timed(what: str, started: float) -> None:
        seconds = time.monotonic() - started
        note(f"  {what} ({seconds:.1f} s)")
        emit(kind="build", what=what, seconds=seconds)

    now = timezone.now()
    started = time.monotonic()
    officer = User.objects.create_user(
        "officer@bench.example.eu", "bench-password-1", is_secretariat=True, is_staff=True
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                email=f"person{n:05d}@bench.example.eu", full_name=f"Person {n}", password=password
            )
            for n in range(args.respondents // 5)
        ],
        batch_size=2000,
    )
    document = StrategyDocument.objects.create(title="Bench strategy", slug="bench-strategy")
    version = StrategyVersion.objects.create(
        document=document, number=1, title="Bench strategy", is_published=True, published_at=now
    )
    headings = [heading for heading, _body in demo_texts.V1_SECTIONS]
    bodies = [body for _heading, body in demo_texts.V1_SECTIONS]
    sections = Section.objects.bulk_create(
        Section(
            version=version,
            position=n + 1,
            number=str(n + 1),
            heading=f"{headings[n % len(headings)]} ({n + 1})",
            body=bodies[n % len(bodies)] * 3,
            key=f"section-{n + 1}",
        )
        for n in range(args.sections)
    )
    consultation = Consultation.objects.create(
        version=version,
        title="Bench consultation",
        slug=SLUG,
        introduction=demo_texts.OPEN_INTRODUCTION,
        opens_at=now - timedelta(days=40),
        closes_at=now + timedelta(days=20),
        phase=Consultation.Phase.OPEN,
        allows_anonymous=True,
    )
    questions = [
        GeneralQuestion.objects.create(consultation=consultation, position=n, text=text)
        for n, (text, _kind, _choices) in enumerate(demo_texts.QUESTIONS)
    ]
    types = list(StakeholderType.values)
    countries = COUNTRIES.split()
    respondents = []
    for n in range(args.respondents):
        user = users[n] if n < len(users) else None
        for_organisation = rng.random() < 0.3
        respondents.append(
            Respondent(
                consultation=consultation,
                user=user,
                anonymous_key="" if user else f"{n:064x}",
                stakeholder_type=rng.choice(types),
                country=rng.choice(countries),
                answers_for_organisation=for_organisation,
                organisation_name=f"Organisation {n}" if for_organisation else "",
                is_anonymised=rng.random() < 0.6,
                submitted_at=now - timedelta(minutes=rng.randrange(50_000)),
            )
        )
    with transaction.atomic():
        respondents = Respondent.objects.bulk_create(respondents, batch_size=2000)
    timed(f"{len(sections)} sections, {len(respondents)} respondents ({len(users)} users)", started)

    started = time.monotonic()
    ratings = []
    for respondent in respondents:
        for section in rng.sample(sections, min(len(sections), rng.randint(4, 16))):
            stance = rng.choices(("support", "neutral", "oppose"), (6, 2, 2))[0]
            ratings.append(Rating(respondent=respondent, section=section, stance=stance))
    answers = [
        Answer(respondent=respondent, question=question, text=rng.choice(demo_texts.ANSWERS_TEXT))
        for respondent in respondents
        if rng.random() < 0.5
        for question in questions
    ]
    with transaction.atomic():
        Rating.objects.bulk_create(ratings, batch_size=5000)
        Answer.objects.bulk_create(answers, batch_size=5000)
    timed(f"{len(ratings)} ratings, {len(answers)} answers", started)

    started = time.monotonic()
    points = [point for texts in demo_texts.POINTS.values() for point in texts]
    foreign = [point for texts in demo_texts.FOREIGN_POINTS.values() for point in texts]
    openers = [opener for texts in demo_texts.OPENERS.values() for opener in texts]
    # A few sections draw most comments, as in real consultations.
    weights = [1.0 / (1 + n) ** 0.8 for n in range(len(sections))]
    rng.shuffle(weights)
    replies_share = 0.1
    top_level = int(args.comments * (1 - replies_share))
    comments = []
    for n in range(top_level):
        text = (
            rng.choice(foreign)
            if rng.random() < 0.1
            else " ".join(
                part
                for part in (
                    rng.choice(openers),
                    rng.choice(points),
                    rng.choice(demo_texts.CLOSERS),
                )
                if part
            )
        )
        comments.append(
            Comment(
                respondent=rng.choice(respondents),
                section=rng.choices(sections, weights)[0],
                body=text,
                status=Comment.Status.PUBLISHED,
                published_at=now - timedelta(minutes=50_000 - n * 50_000 // top_level),
            )
        )
    with transaction.atomic():
        comments = Comment.objects.bulk_create(comments, batch_size=2000)
        replies = []
        for n in range(args.comments - top_level):
            parent = rng.choice(comments)
            replies.append(
                Comment(
                    respondent=rng.choice(respondents),
                    section=parent.section,
                    parent=parent,
                    body=rng.choice(demo_texts.REPLY_TEXTS),
                    status=Comment.Status.PUBLISHED,
                    published_at=(parent.published_at or now) + timedelta(minutes=n % 600 + 1),
                )
            )
        Comment.objects.bulk_create(replies, batch_size=2000)
        amendments = [
            Amendment(
                respondent=respondent,
                section=rng.choice(sections),
                text="Proposed text. " + rng.choice(points),
                rationale=rng.choice(demo_texts.AMENDMENT_RATIONALES),
                status=Amendment.Status.PUBLISHED,
                published_at=now,
            )
            for respondent in rng.sample(respondents, 200)
        ]
        Amendment.objects.bulk_create(amendments)
    per_section: dict[int, int] = {}
    for comment in [*comments, *replies]:
        per_section[comment.section_id] = per_section.get(comment.section_id, 0) + 1
    busiest_id = max(per_section, key=lambda key: per_section[key])
    busiest = next(s for s in sections if s.pk == busiest_id)
    timed(
        f"{len(comments) + len(replies)} comments ({len(replies)} replies; busiest section "
        f"{per_section[busiest_id]}), {len(amendments)} amendments",
        started,
    )
    return {"officer": officer, "busiest": busiest, "busiest_comments": per_section[busiest_id]}


def reads(emit: Any, built: dict[str, Any], runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from skillspact.consultations import analysis, exports, themes
    from skillspact.consultations.models import Comment, Consultation

    consultation = Consultation.objects.get(slug=SLUG)
    busiest = built["busiest"]

    def measure(what: str, call: Any, times: int, **extra: Any) -> Any:
        result = call()  # warm-up: compiled queries, templates, imports
        with CaptureQueriesContext(connection) as captured:
            call()
        queries = len(captured.captured_queries)
        spent = []
        for _ in range(times):
            began = time.perf_counter()
            result = call()
            spent.append((time.perf_counter() - began) * 1000)
        note(f"  {what}: p50 {percentile(spent, 50):.1f} ms")
        emit(kind="read", what=what, queries=queries, ms=spent, **extra)
        return result

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        public = Client()
        officer = Client()
        officer.force_login(built["officer"])

        def page(client: Client, url: str) -> Any:
            def get() -> Any:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response

            return get

        measure(
            "GET /consultations/{slug}/ (public)", page(public, f"/consultations/{SLUG}/"), runs
        )
        response = measure(
            f"GET section page ({built['busiest_comments']} comments)",
            page(public, f"/consultations/{SLUG}/{busiest.key}/"),
            runs,
        )
        emit(
            kind="note",
            what=f"section page size {len(response.content) // 1024} KiB",
        )
        measure("GET /api/v1/consultations", page(public, "/api/v1/consultations"), runs)
        measure(
            "GET /api/v1/consultations/{slug}", page(public, f"/api/v1/consultations/{SLUG}"), runs
        )
        measure(
            "analysis_for(): all respondents",
            lambda: analysis.analysis_for(
                consultation=consultation, filters=analysis.AnalysisFilters()
            ),
            runs,
        )
        measure(
            "analysis_for(): country + type + one section",
            lambda: analysis.analysis_for(
                consultation=consultation,
                filters=analysis.AnalysisFilters(
                    country="BE", stakeholder_type="healthcare_provider", section=busiest.key
                ),
            ),
            runs,
        )
        measure(
            "results_for() (the API's published results)",
            lambda: analysis.results_for([consultation]),
            runs,
        )

        texts = list(
            Comment.objects.filter(respondent__consultation=consultation)
            .order_by("id")
            .values_list("body", flat=True)
        )
        clusters = measure(
            f"themes.cluster_texts() on {len(texts)} comments",
            lambda: themes.cluster_texts(texts),
            3,
        )
        note("  themes: " + "; ".join(f"{c.label} ({len(c.members)})" for c in clusters))
        measure(
            "themes_compute() (load, cluster, store)",
            lambda: analysis.themes_compute(consultation_id=consultation.pk),
            3,
        )
        measure(
            "GET analysis page (secretariat)",
            page(officer, f"/secretariat/consultations/{SLUG}/analysis/"),
            runs,
        )
        csv_size = measure(
            "CSV export (everything)",
            lambda: sum(len(line) for line in exports.csv_stream(consultation=consultation)),
            3,
        )
        xlsx = measure(
            "XLSX export (everything)",
            lambda: exports.xlsx_bytes(consultation=consultation),
            3,
        )
        emit(kind="note", what=f"CSV {csv_size // 1024} KiB, XLSX {len(xlsx) // 1024} KiB")


if __name__ == "__main__":
    main()
