"""Taxonomy search latency: label search through the API, on an imported ESCO v1.1.1.

Imports the shipped ESCO copy into a fresh SQLite database (or uses DATABASE_URL when given),
then sends a fixed list of realistic queries to GET /api/v1/taxonomy/search in-process and
prints latency percentiles per kind of query. The goal is p95 under 20 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

QUERIES = {
    "skill, one word": ["nursing", "python", "welding", "hygiene", "wound", "triage", "ethics"],
    "skill, phrase": [
        "patient safety",
        "wound care",
        "data protection",
        "manage waste",
        "health informatics",
        "clinical risk",
        "infection control",
        "medical devices",
        "electronic health records",
    ],
    "occupation": ["nurse", "midwife", "pharmacist", "radiographer", "care assistant", "physician"],
    "with filters": [
        "&collection=green",
        "&collection=digital&text=data",
        "&type=occupation&is_health=true",
    ],
    "prefix while typing": ["nu", "nur", "nurs", "pat", "pati", "dat", "data p"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20, help="times each query is sent")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="skillspact-taxbench-"))
    os.environ.setdefault("VAR_DIR", str(work))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    print(f"database: {os.environ.get('DATABASE_URL', 'SQLite in ' + str(work))}", file=sys.stderr)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("esco_load_default", if_empty=True, verbosity=0)
    print(f"ESCO import: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    client = Client()
    rows = []
    everything: list[float] = []
    for kind, queries in QUERIES.items():
        times: list[float] = []
        for _round in range(args.rounds):
            for query in queries:
                url = "/api/v1/taxonomy/search?limit=20" + (
                    query if query.startswith("&") else f"&text={query}"
                )
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.content[:200])
        # The first round warms caches; it is left out of the figures.
        measured = times[len(queries) :]
        everything += measured
        rows.append((kind, len(measured), *percentiles(measured)))
    rows.append(("all", len(everything), *percentiles(everything)))
    print(f"{'queries':24} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, count, p50, p95, p99, worst in rows:
        print(f"{kind:24} {count:6d} {p50:8.1f} {p95:8.1f} {p99:8.1f} {worst:8.1f}")
    overall_p95 = rows[-1][3]
    print(f"goal p95 < 20 ms: {'met' if overall_p95 < 20 else 'missed'} ({overall_p95:.1f} ms)")


def percentiles(values: list[float]) -> tuple[float, float, float, float]:
    ordered = sorted(values)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98], ordered[-1]


if __name__ == "__main__":
    main()
