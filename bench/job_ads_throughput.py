"""Job-ad processing end to end, on the shipped ESCO with the real matching engine.

For each database the script starts itself again in a child process, which

1. builds a fresh database — an SQLite file `var/bench-job-ads.sqlite3`, or the scratch
   PostgreSQL database `skillspact_bench_job_ads` on `postgres://root@127.0.0.1:5432/` (dropped
   and created again; skipped with a note when the server does not answer) — migrates it and
   imports the shipped ESCO v1.1.1 (English) with the health lens;
2. loads the matching engine and reports that time apart: seconds when the vectors are cached
   under `ENGINE_CACHE_DIR`, minutes the first time on a machine (the first run encodes every
   label once);
3. generates `--ads` job ads (default 20,000) as a CSV file: titles from the health
   occupations' ESCO labels (with "(m/f/d)", "Senior", "part time" variants), texts of three to
   five sentences naming two to four of the occupation's ESCO skills in everyday phrasing, 27
   countries with NUTS-2 regions, dates over three years; 1 % of the rows bad and 1 % repeated;
4. uploads it through `jobads.upload_create()` and times `jobads.upload_process()` — reading,
   checking, matching, inserting and the monthly counts — recording how long the matching,
   the inserts and the counts took inside it; then times a parse-only pass over the file and a
   full `monthly_counts_rebuild()`;
5. prints, per database: ads per second end to end, and the rate of each phase. It also says
   how often the matched occupation is the one the ad was generated from and what share of the
   generated skills were found (a sanity check of the thresholds, not a quality benchmark:
   see `matching_quality.py`).

    .venv/bin/python bench/job_ads_throughput.py                      # 20,000 ads, both databases
    .venv/bin/python bench/job_ads_throughput.py --ads 100000 --databases postgres
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import sys
import time
from datetime import date, timedelta
from typing import Any

from harness import PG_SERVER_URL, ROOT, Databases, child_setup, note, run_child, run_databases

PG_BENCH_DATABASE = "skillspact_bench_job_ads"
SQLITE_FILE = ROOT / "var" / "bench-job-ads.sqlite3"
COUNTRIES = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
NUTS = {"GR": "EL"}
EMPLOYERS = [
    "University Hospital",
    "Regional Health Centre",
    "Care Home Group",
    "Rehabilitation Clinic",
    "MedTech Solutions",
    "Community Health Service",
    "Children's Hospital",
    "Pharma Operations",
]
UNITS = ["intensive care unit", "outpatient clinic", "surgical ward", "laboratory", "home care"]
OPENINGS = [
    "We are looking for a {title} to join our {unit} team in {place}.",
    "{employer} is hiring a {title} for its {unit}.",
    "Join {employer} as {title} in {place}.",
]
SKILL_SENTENCES = [
    "You will {skill}.",
    "Your main task is to {skill}.",
    "Knowledge of {skill} is an asset.",
    "Experience with {skill} is required.",
    "You are able to {skill} independently.",
]
CLOSINGS = [
    "We offer a permanent contract, flexible hours and paid training.",
    "Apply with your CV before the end of the month.",
    "",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--databases", default="sqlite,postgres", help="comma-separated")
    parser.add_argument("--ads", type=int, default=20_000)
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
    child_args = ["--ads", str(args.ads), "--seed", str(args.seed)]
    results = run_databases(
        args.databases,
        args.pg_url,
        lambda database: run_child(__file__, database, databases, child_args, keep=args.keep),
    )
    import sqlite3

    print()
    print(
        f"Job ads end to end: {args.ads:,} generated ads, shipped ESCO v1.1.1, real engine\n"
        f"{os.cpu_count()} CPUs; Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}; {time.monotonic() - began:.0f} s in all"
    )
    for row in results:
        if row["kind"] == "setup":
            print(f"  {row['database']:8}  {row['what']:<44} {row['seconds']:8.1f} s")
    print()
    header = (
        f"{'database':8}  {'rows':>7} {'loaded':>7} {'skills':>7}  {'end-to-end':>11} "
        f"{'parse only':>11} {'matching':>11} {'insert':>11} {'counts':>8} {'full counts':>11}"
    )
    print(header)
    print(f"{'':8}  {'':>7} {'':>7} {'':>7}  {'ads/s':>11} {'ads/s':>11} {'ads/s':>11} "
          f"{'ads/s':>11} {'s':>8} {'s':>11}")  # fmt: skip
    for r in (row for row in results if row["kind"] == "run"):
        print(
            f"{r['database']:8}  {r['rows']:>7,} {r['loaded']:>7,} {r['skills']:>7,}  "
            f"{r['end_to_end']:>11,.0f} {r['parse_only']:>11,.0f} {r['matching']:>11,.0f} "
            f"{r['insert']:>11,.0f} {r['counts_s']:>8.2f} {r['full_counts_s']:>11.2f}"
        )
    for r in (row for row in results if row["kind"] == "run"):
        print(
            f"\n{r['database']}: {r['seconds']:.1f} s for the upload ({r['match_s']:.1f} s "
            f"matching, {r['insert_s']:.1f} s inserting, {r['counts_s']:.2f} s counting, "
            f"{r['other_s']:.1f} s reading, checking and progress); {r['rejected']} rows "
            f"rejected, {r['duplicates']} duplicates; {r['count_rows']:,} monthly count rows.\n"
            f"  sanity: matched occupation = generated one for {r['occupation_agreement']:.0%} "
            f"of the ads ({r['occupation_none']:.0%} without an occupation); "
            f"{r['skill_recall']:.0%} of the generated skills found, "
            f"{r['skills_per_ad']:.1f} skills kept per ad."
        )


# -- the child: one database --------------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    emit = child_setup(args.child)
    from skillspact.taxonomy import matching, seed
    from skillspact.taxonomy import selectors as taxonomy_selectors

    started = time.perf_counter()
    seed.shipped_esco_load(is_if_empty=True)
    emit(kind="setup", what="import the shipped ESCO", seconds=time.perf_counter() - started)
    version = taxonomy_selectors.version_default()
    assert version is not None
    was_cached = matching.engine_is_ready(version)
    started = time.perf_counter()
    note("  loading the matching engine" + ("" if was_cached else " (first build: minutes)"))
    engine = matching.engine_for(version)
    what = "engine load (vectors cached)" if was_cached else "engine first build (encodes ESCO)"
    emit(kind="setup", what=what, seconds=time.perf_counter() - started)
    rng = random.Random(args.seed)
    started = time.perf_counter()
    content, truth = generate(rng, args.ads)
    emit(kind="setup", what=f"generate {args.ads:,} ads", seconds=time.perf_counter() - started)
    run(emit, engine, content, truth)


def _profiles() -> list[tuple[str, str, list[str]]]:
    """(occupation URI, label, skill labels) of the health occupations with a skill profile."""
    from skillspact.taxonomy import selectors as taxonomy_selectors

    profiles = []
    for occupation in taxonomy_selectors.health_occupations():
        profile = taxonomy_selectors.occupation_skills(occupation)
        skills = [(s.uri, s.preferred_label) for s in profile.essential + profile.optional]
        if len(skills) >= 4:
            profiles.append((occupation.uri, occupation.preferred_label, skills))
    return profiles  # type: ignore[return-value]


def generate(rng: random.Random, count: int) -> tuple[bytes, dict[int, tuple[str, set[str]]]]:
    """A CSV of `count` ads and, per line, the occupation and skills each was generated from."""
    profiles = _profiles()
    note(f"  {len(profiles)} health occupations with a skill profile")
    countries = COUNTRIES.split()
    first = date.today() - timedelta(days=3 * 365)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["date", "title", "text", "country", "region", "employer"])
    truth: dict[int, tuple[str, set[str]]] = {}
    previous: list[str] = []
    for index in range(count):
        line = index + 2
        roll = rng.random()
        if roll < 0.01 and previous:
            writer.writerow(previous)  # the same ad posted twice
            continue
        uri, label, skills = rng.choice(profiles)
        title = label
        variant = rng.random()
        if variant < 0.2:
            title = f"{label} (m/f/d)"
        elif variant < 0.3:
            title = f"Senior {label}"
        elif variant < 0.4:
            title = f"{label} – part time"
        title = title[0].upper() + title[1:]
        country = rng.choice(countries)
        region = f"{NUTS.get(country, country)}{rng.randint(1, 4)}{rng.randint(1, 3)}"
        employer = f"{rng.choice(EMPLOYERS)} {country}"
        chosen = rng.sample(skills, rng.randint(2, 4))
        sentences = [
            rng.choice(OPENINGS).format(
                title=label, unit=rng.choice(UNITS), place=region, employer=employer
            )
        ]
        sentences += [rng.choice(SKILL_SENTENCES).format(skill=name) for _uri, name in chosen]
        sentences.append(rng.choice(CLOSINGS))
        posted = first + timedelta(days=rng.randrange(3 * 365))
        row = [posted.isoformat(), title, " ".join(s for s in sentences if s), country, region]
        row.append(employer)
        if roll > 0.99:
            row[0] = "soon"  # a bad row
        writer.writerow(row)
        previous = row
        truth[line] = (uri, {skill_uri for skill_uri, _name in chosen})
    return buffer.getvalue().encode("utf-8"), truth


def run(emit: Any, engine: Any, content: bytes, truth: dict[int, tuple[str, set[str]]]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from skillspact.accounts.models import User
    from skillspact.intelligence import jobads
    from skillspact.intelligence.models import JobAd, JobAdMonthlyCount, JobAdSkill

    officer = User.objects.create_user(
        email="bench@secretariat.example.eu", password=None, is_secretariat=True
    )
    upload = jobads.upload_create(
        actor=officer,
        upload_file=SimpleUploadedFile("bench.csv", content, content_type="text/csv"),
        source="bench",
    )
    timers = {"match_ads": 0.0, "store_ads": 0.0, "monthly_counts_rebuild": 0.0}
    originals = {name: getattr(jobads, name) for name in timers}

    def timed(name: str) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return originals[name](*args, **kwargs)
            finally:
                timers[name] += time.perf_counter() - began

        return wrapper

    for name in timers:
        setattr(jobads, name, timed(name))

    def progress(done: int, total: int) -> None:
        if done % 10_000 < jobads.CHUNK_ROWS:
            note(f"  {done:,} of {total:,} rows")

    started = time.perf_counter()
    done = jobads.upload_process(upload.pk, engine=engine, progress=progress)
    seconds = time.perf_counter() - started
    for name, original in originals.items():
        setattr(jobads, name, original)
    assert done is not None and done.status == "done", done and done.last_error

    started = time.perf_counter()
    parsed = 0
    with jobads.open_file(done) as binary:
        for _item in jobads.parse_stream(binary, done.file_format):
            parsed += 1
    parse_seconds = time.perf_counter() - started

    started = time.perf_counter()
    jobads.monthly_counts_rebuild()
    full_counts = time.perf_counter() - started

    ads = dict(JobAd.objects.filter(upload=done).values_list("line", "occupation_uri"))
    found: dict[int, set[str]] = {}
    for line, uri in JobAdSkill.objects.filter(ad__upload=done).values_list(
        "ad__line", "skill_uri"
    ):
        found.setdefault(line, set()).add(uri)
    judged = [line for line in ads if line in truth]
    agree = sum(1 for line in judged if ads[line] == truth[line][0])
    none = sum(1 for line in judged if not ads[line])
    wanted = sum(len(truth[line][1]) for line in judged)
    hit = sum(len(truth[line][1] & found.get(line, set())) for line in judged)
    skills = JobAdSkill.objects.filter(ad__upload=done).count()
    loaded = done.loaded
    other = seconds - sum(timers.values())
    emit(
        kind="run",
        rows=done.processed,
        loaded=loaded,
        rejected=done.rejected,
        duplicates=jobads.upload_duplicates(done),
        skills=skills,
        seconds=seconds,
        end_to_end=loaded / seconds,
        parse_only=parsed / parse_seconds,
        matching=loaded / timers["match_ads"],
        insert=loaded / timers["store_ads"],
        match_s=timers["match_ads"],
        insert_s=timers["store_ads"],
        counts_s=timers["monthly_counts_rebuild"],
        other_s=other,
        full_counts_s=full_counts,
        count_rows=JobAdMonthlyCount.objects.count(),
        occupation_agreement=agree / len(judged) if judged else 0.0,
        occupation_none=none / len(judged) if judged else 0.0,
        skill_recall=hit / wanted if wanted else 0.0,
        skills_per_ad=skills / loaded if loaded else 0.0,
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    main()
