"""Directory search over HTTP: throughput and p50/p95/p99 latency on SQLite and PostgreSQL.

For each database the script builds a fresh database with `seed_demo --organisations N`, starts
gunicorn on a free local port and sends a mix of filtered, paginated directory requests from
concurrent clients, each on its own keep-alive connection: the full `/members/` page, its htmx
results fragment and the JSON API. It prints one table; `make bench` runs it. Every request goes
to 127.0.0.1 only. bench/README.md explains the options and the numbers.

    .venv/bin/python bench/directory_search.py --databases sqlite --requests 500
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SEED_COMMAND = ROOT / "skillspact" / "organisations" / "management" / "commands" / "seed_demo.py"

PG_SERVER_URL = "postgres://root@127.0.0.1:5432/"
PG_BENCH_DATABASE = "skillspact_bench"
GOAL_P95_MS = 50.0

# The directory's text search finds each word anywhere in name, acronym and description; these
# words are too common to tell organisations apart, so no client searches for them.
STOP_WORDS = {
    "and", "for", "the", "und", "der", "die", "des", "del", "della", "van", "von", "voor",
    "with", "pour", "per", "para", "och", "ltd", "gmbh", "asbl", "vzw",
}  # fmt: skip


# -- results -----------------------------------------------------------------------------------


@dataclass
class Result:
    """What one scenario measured on one database."""

    database: str
    scenario: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    empty: int = 0
    seconds: float = 0.0
    # The share of the machine's CPU that processes other than the bench, gunicorn and its
    # PostgreSQL sessions took while the scenario ran (None where /proc cannot tell).
    foreign_cpu: float | None = None
    error_samples: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds."""
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return math.nan
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def print_table(results: list[Result], heading: str) -> None:
    columns = ("database", "scenario", "requests", "errors", "empty", "req/s")
    columns += ("p50 ms", "p95 ms", "p99 ms", "max ms", "other CPU", "p95 < 50 ms")
    rows = [
        (
            r.database,
            r.scenario,
            str(r.requests),
            str(r.errors),
            f"{100 * r.empty / r.requests:.0f}%" if r.requests else "-",
            f"{r.throughput:.1f}",
            f"{r.percentile(50):.1f}",
            f"{r.percentile(95):.1f}",
            f"{r.percentile(99):.1f}",
            f"{max(r.latencies_ms, default=math.nan):.1f}",
            "-" if r.foreign_cpu is None else f"{100 * r.foreign_cpu:.0f}%",
            "yes" if r.requests and r.errors == 0 and r.percentile(95) < GOAL_P95_MS else "NO",
        )
        for r in results
    ]
    widths = [max([len(c), *(len(row[i]) for row in rows)]) for i, c in enumerate(columns)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        )

    print()
    print(heading)
    print(line(columns))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
    busy = [r for r in results if r.foreign_cpu is not None and r.foreign_cpu > 0.1]
    if busy:
        print(
            "  note: other programs took more than 10% of the CPU during "
            + ", ".join(f"{r.database} {r.scenario}" for r in busy)
            + "; those numbers understate the app. Run again on a quiet machine."
        )
    for r in results:
        for sample in r.error_samples:
            print(f"  error ({r.database}, {r.scenario}): {sample}")
    sys.stdout.flush()


# -- other programs' share of the CPU ---------------------------------------------------------


TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (0 where there is no /proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields)
    # Steal is time the hypervisor gave to other machines: lost to us all the same.
    return (user + nice + system + irq + softirq + steal) / TICKS


def wait_for_quiet(max_wait: float) -> None:
    """Wait up to `max_wait` seconds until other programs leave the CPU (mostly) idle."""
    deadline = time.monotonic() + max_wait
    while True:
        before = machine_busy_seconds()
        time.sleep(2)
        share = (machine_busy_seconds() - before) / (2 * (os.cpu_count() or 1))
        if share < 0.1 or time.monotonic() >= deadline:
            return
        note(f"  waiting for a quiet machine: other programs use {100 * share:.0f}% of the CPU")


class CpuMeter:
    """How much CPU other programs took from a run, read from Linux's /proc.

    The machine may be shared: another program using a core halves what gunicorn can do, and the
    table should say so instead of blaming the app.
    """

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.busy = 0.0
        self.started = 0.0
        self.ours: dict[int, float] = {}

    def start(self) -> None:
        self.busy, self.started = machine_busy_seconds(), time.monotonic()
        self.ours = {pid: self._process(pid) for pid in self._our_pids()}

    def foreign_share(self) -> float | None:
        busy = machine_busy_seconds() - self.busy
        elapsed = time.monotonic() - self.started
        if not busy or elapsed <= 0:
            return None
        ours = sum(self._process(pid) - self.ours.get(pid, 0.0) for pid in self._our_pids())
        return max(0.0, (busy - ours) / (elapsed * (os.cpu_count() or 1)))

    def _process(self, pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return 0.0
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime

    def _our_pids(self) -> list[int]:
        pids = [os.getpid(), self.server_pid]
        session = f" {PG_BENCH_DATABASE} ".encode()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                # A PostgreSQL session shows its database in its process title.
                is_ours = ppid == self.server_pid or session in (entry / "cmdline").read_bytes()
            except (OSError, IndexError, ValueError):
                continue
            if is_ours:
                pids.append(int(entry.name))
        return pids


# -- the database and the server ---------------------------------------------------------------


def postgres_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 2).close()
    except OSError:
        return False
    return True


def postgres_admin(server_url: str) -> psycopg.Connection:
    # DROP/CREATE DATABASE cannot run inside a transaction, hence autocommit.
    return psycopg.connect(server_url.rstrip("/") + "/postgres", autocommit=True)


def postgres_recreate(server_url: str) -> None:
    with postgres_admin(server_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{PG_BENCH_DATABASE}"')


def postgres_drop(server_url: str) -> None:
    with postgres_admin(server_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DATABASE}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str) -> None:
    """Run one management command; show its output only when it fails."""
    started = time.monotonic()
    done = subprocess.run(
        [PYTHON, "-m", "skillspact", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"`python -m skillspact {' '.join(args)}` failed ({done.returncode})")
    note(f"  {' '.join(args)} ({time.monotonic() - started:.1f} s)")


def prepare_database(env: dict[str, str], organisations: int) -> None:
    if not SEED_COMMAND.exists():
        raise SystemExit(f"{SEED_COMMAND.relative_to(ROOT)} is missing: the bench needs seed_demo")
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    manage(env, "seed_demo", "--organisations", str(organisations))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(
    env: dict[str, str], *, workers: int, threads: int, log: Path
) -> Iterator[tuple[int, int]]:
    """Run gunicorn on a free local port until the block ends; yield its port and pid."""
    port = free_port()
    command = [GUNICORN, "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads), "--graceful-timeout", "5"]
    # Clients pause between requests for no longer than a request takes; 5 s stops gunicorn
    # from closing a keep-alive connection that a slow request leaves idle.
    command += ["--keep-alive", "5"]
    with log.open("w") as log_file:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
        try:
            wait_until_healthy(port, server, log)
            yield port, server.pid
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wait_until_healthy(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.stderr.write(log.read_text()[-4000:])
            raise SystemExit("gunicorn stopped before it answered")
        try:
            status, _body = get(port, "/api/v1/health")
        except OSError:
            status = 0
        if status == 200:
            return
        time.sleep(0.25)
    sys.stderr.write(log.read_text()[-4000:])
    raise SystemExit("gunicorn did not answer /api/v1/health with 200 within 60 s")


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# -- what the clients ask for ------------------------------------------------------------------


def words_of(text: str) -> list[str]:
    """Lower-case, accent-free words as the directory's search sees them."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [w for w in re.findall(r"[a-z]+", plain) if len(w) >= 4 and w not in STOP_WORDS]


@dataclass
class Sample:
    """Organisations drawn from the API: the real values the clients filter by."""

    organisations: list[dict[str, object]]
    total: int
    name_words: Counter[str]


def sample_directory(port: int, rng: random.Random, size: int = 600) -> Sample:
    status, body = get(port, "/api/v1/organisations?limit=1")
    if status != 200:
        raise SystemExit(f"GET /api/v1/organisations answered {status}")
    total = int(json.loads(body)["count"])
    if total == 0:
        raise SystemExit("the directory is empty: did seed_demo create any listed member?")
    organisations: list[dict[str, object]] = []
    offsets = sorted(rng.sample(range(0, total, 100), min(size // 100 + 1, math.ceil(total / 100))))
    for offset in offsets:
        status, body = get(port, f"/api/v1/organisations?limit=100&offset={offset}")
        if status != 200:
            raise SystemExit(f"GET /api/v1/organisations answered {status}")
        organisations += json.loads(body)["items"]
    name_words = Counter(w for org in organisations for w in set(words_of(str(org["legal_name"]))))
    return Sample(organisations=organisations, total=total, name_words=name_words)


def html_plan(sample: Sample, rng: random.Random, size: int) -> list[str]:
    """`/members/` query strings: single and combined filters from real rows, pages 1 to 5."""
    # Words that name a few organisations or more, so that a search has pages to turn.
    common = [w for w, n in sample.name_words.most_common(60) if n >= 3] or list(sample.name_words)
    families = ["education", "industry", "public"]
    plan = []
    for _ in range(size):
        org = rng.choice(sample.organisations)
        interests = [str(i) for i in org["interests"]] or [""]  # type: ignore[attr-defined]
        own_words = words_of(str(org["legal_name"])) or common
        kind = rng.choices(
            ["country", "type", "family", "q", "interest", "country+type", "country+interest",
             "q+country", "all"],
            weights=[15, 10, 5, 15, 10, 15, 10, 15, 5],
        )[0]  # fmt: skip
        query: dict[str, object] = {}
        if kind in {"country", "country+type", "country+interest", "q+country", "all"}:
            query["country"] = org["country"]
        if kind in {"type", "country+type", "all"}:
            query["stakeholder_type"] = org["stakeholder_type"]
        if kind == "family":
            query["stakeholder_type"] = rng.choice(families)
        if kind == "q":
            query["q"] = rng.choice(common)
        if kind in {"q+country", "all"}:
            query["q"] = rng.choice(own_words)
        if kind in {"interest", "country+interest", "all"}:
            query["interest"] = rng.choice(interests)
        if rng.random() < 0.1:
            query["sort"] = rng.choice(["newest", "-name", "country"])
        # Most people look past the first page; a page beyond the last shows the last one.
        if rng.random() < 0.75:
            query["page"] = rng.randint(2, 5)
        plan.append("/members/?" + urlencode({k: v for k, v in query.items() if v}))
    return plan


def api_plan(sample: Sample, rng: random.Random, size: int) -> list[str]:
    """`/api/v1/organisations` query strings: country, type and words; 20 a page, offsets 0-80."""
    common = [w for w, n in sample.name_words.most_common(60) if n >= 3] or list(sample.name_words)
    plan = []
    for _ in range(size):
        org = rng.choice(sample.organisations)
        kind = rng.choices(["country", "q", "country+q", "country+type"], [30, 25, 35, 10])[0]
        query: dict[str, object] = {}
        if kind != "q":
            query["country"] = org["country"]
        if kind == "q":
            query["q"] = rng.choice(common)
        if kind == "country+q":
            query["q"] = rng.choice(words_of(str(org["legal_name"])) or common)
        if kind == "country+type":
            query["stakeholder_type"] = org["stakeholder_type"]
        query["limit"] = 20
        # Deep offsets only where the result is large enough to have them, as a client paging on.
        query["offset"] = rng.choice(
            {"country": [0, 0, 20, 40, 60, 80], "q": [0, 0, 20, 40]}.get(kind, [0, 0, 20])
        )
        plan.append("/api/v1/organisations?" + urlencode(query))
    return plan


# -- the load ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    plan: list[str]
    headers: dict[str, str]
    # Whether a 200 response lists no organisation (how many searches came back empty).
    is_empty: Callable[[bytes], bool]


def html_is_empty(body: bytes) -> bool:
    return b'class="org-list"' not in body


def api_is_empty(body: bytes) -> bool:
    return b'"items":[]' in body.replace(b" ", b"")


def run_scenario(
    port: int,
    scenario: Scenario,
    *,
    database: str,
    clients: int,
    requests: int,
    time_limit: float,
    keep_alive: bool = True,
    meter: CpuMeter | None = None,
    show_progress: bool = True,
) -> Result:
    """Send `requests` requests (or as many as fit in `time_limit`) from `clients` threads."""
    result = Result(database=database, scenario=scenario.name)
    lock = threading.Lock()
    issued = 0
    started = time.perf_counter()
    deadline = started + time_limit
    finished = threading.Event()
    # Without keep-alive every request takes a new connection, which gunicorn hands to whichever
    # worker is free; a kept-alive connection stays with the worker that accepted it.
    headers = scenario.headers if keep_alive else {**scenario.headers, "Connection": "close"}

    def next_path() -> str | None:
        nonlocal issued
        with lock:
            if issued >= requests or time.perf_counter() >= deadline:
                return None
            issued += 1
            return scenario.plan[(issued - 1) % len(scenario.plan)]

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies: list[float] = []
        errors, empty, samples = 0, 0, []
        while (path := next_path()) is not None:
            began = time.perf_counter()
            status, body, problem = 0, b"", ""
            # One retry on a fresh connection when the server had closed the kept-alive one.
            for attempt in range(2):
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    body = response.read()
                    status = response.status
                    if response.will_close:
                        connection.close()
                    break
                except (http.client.HTTPException, OSError) as error:
                    connection.close()
                    problem = f"{type(error).__name__}: {error}"
                    if attempt == 1 or not isinstance(
                        error, http.client.RemoteDisconnected | BrokenPipeError
                    ):
                        break
            latencies.append((time.perf_counter() - began) * 1000)
            if status != 200:
                errors += 1
                if len(samples) < 3:
                    samples.append(f"{status or problem} for {path}")
            elif scenario.is_empty(body):
                empty += 1
        connection.close()
        with lock:
            result.latencies_ms += latencies
            result.errors += errors
            result.empty += empty
            if len(result.error_samples) < 3:
                result.error_samples += samples[: 3 - len(result.error_samples)]

    def progress() -> None:
        tty = sys.stderr.isatty()
        last = 0.0
        while not finished.wait(0.5):
            elapsed = time.perf_counter() - started
            if not tty and elapsed - last < 10:
                continue
            last = elapsed
            text = (
                f"  {database} {scenario.name}: {issued}/{requests} requests, "
                f"{issued / elapsed:.0f} req/s, {elapsed:.0f}/{time_limit:.0f} s"
            )
            sys.stderr.write(f"\r{text:<78}" if tty else text + "\n")
            sys.stderr.flush()
        if tty:
            sys.stderr.write("\r" + " " * 78 + "\r")

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    reporter = threading.Thread(target=progress, daemon=True)
    if show_progress:
        reporter.start()
    if meter:
        meter.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    result.foreign_cpu = meter.foreign_share() if meter else None
    finished.set()
    if show_progress:
        reporter.join()
    return result


# -- one database, end to end ------------------------------------------------------------------


def bench_database(
    database: str, args: argparse.Namespace, base_env: dict[str, str], work: Path
) -> list[Result]:
    var_dir = work / database
    var_dir.mkdir()
    env = dict(base_env, VAR_DIR=str(var_dir))
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    else:
        postgres_recreate(args.pg_url)
        env["DATABASE_URL"] = args.pg_url.rstrip("/") + "/" + PG_BENCH_DATABASE

    note(f"== {database}: preparing a database with {args.organisations} organisations")
    prepare_database(env, args.organisations)
    if database == "postgres":
        # Autovacuum would analyse the freshly loaded tables within a minute of a real start;
        # do it now so that the planner's row estimates match what a running site has.
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")

    note(f"== {database}: gunicorn, {args.workers} workers × {args.threads} threads")
    with gunicorn(
        env, workers=args.workers, threads=args.threads, log=var_dir / "gunicorn.log"
    ) as (port, server_pid):
        meter = CpuMeter(server_pid)
        rng = random.Random(args.seed)
        sample = sample_directory(port, rng)
        note(f"  {sample.total} organisations listed; sampled {len(sample.organisations)}")
        html = html_plan(sample, rng, 1000)
        scenarios = [
            Scenario("html /members/", html, {}, html_is_empty),
            Scenario("htmx /members/", html, {"HX-Request": "true"}, html_is_empty),
            Scenario("api /organisations", api_plan(sample, rng, 1000), {}, api_is_empty),
        ]
        # Warm-up: every worker process imports, compiles templates and opens its connection.
        for scenario in scenarios:
            run_scenario(
                port,
                scenario,
                database=database,
                clients=args.clients,
                requests=max(args.clients * 4, args.requests // 20),
                time_limit=args.time_limit / 4,
                keep_alive=args.keep_alive,
                show_progress=False,
            )
        results = []
        for scenario in scenarios:
            wait_for_quiet(args.quiet_wait)
            results.append(
                run_scenario(
                    port,
                    scenario,
                    database=database,
                    clients=args.clients,
                    requests=args.requests,
                    time_limit=args.time_limit,
                    keep_alive=args.keep_alive,
                    meter=meter,
                )
            )
            note(
                f"  {scenario.name}: {results[-1].throughput:.1f} req/s, "
                f"p95 {results[-1].percentile(95):.1f} ms"
            )
    return results


def note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=10_000, help="seeded (10000)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per scenario (2000)")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=45.0,
        help="seconds per scenario at most, whatever --requests says (45)",
    )
    parser.add_argument(
        "--databases", default="sqlite,postgres", help="comma-separated: sqlite,postgres"
    )
    parser.add_argument("--pg-url", default=PG_SERVER_URL, help=f"server ({PG_SERVER_URL})")
    # Two workers for two cores: a request's Python code holds its process's GIL, so two
    # processes can keep both cores busy, and more would only take turns on them with the load
    # generator and PostgreSQL. Four threads each overlap a worker's waits on the database and
    # serve the several kept-alive clients that land on one worker. Measured with 16 clients:
    # 2x4, 2x8, 3x4, 4x2 and 4x4 differ by less than the run-to-run noise (about 20%).
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument(
        "--keep-alive",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="each client keeps one connection open, as a browser does (default); "
        "--no-keep-alive opens one per request, as a proxy without upstream keep-alive does",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=60.0,
        help="seconds to wait before each scenario for other programs to leave the CPU idle (60)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the request mix")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    # A plain `kill` stops the bench as Ctrl-C does: gunicorn stopped, files and database removed.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(databases) - {"sqlite", "postgres"}
    if unknown:
        raise SystemExit(f"unknown database(s): {', '.join(sorted(unknown))}")
    if "postgres" in databases and not postgres_answers(args.pg_url):
        print(f"note: PostgreSQL at {args.pg_url} does not answer; skipping it")
        databases.remove("postgres")
    if not databases:
        print("no database to measure")
        return

    base_env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    base_env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        SECRET_KEY="bench-" + os.urandom(16).hex(),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    results: list[Result] = []
    # Other work on the machine shows in the numbers; the load average before the run tells.
    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="skillspact-bench-"))
    began = time.monotonic()
    try:
        for database in databases:
            results += bench_database(database, args, base_env, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if "postgres" in databases:
            postgres_drop(args.pg_url)
    versions = f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    if "postgres" in databases:
        with postgres_admin(args.pg_url) as admin:
            row = admin.execute("SHOW server_version").fetchone()
        versions += f", PostgreSQL {row[0] if row else '?'}"
    connections = "keep-alive" if args.keep_alive else "a new connection per request"
    print_table(
        results,
        f"Directory search over HTTP, {args.organisations} organisations: {args.clients} clients "
        f"({connections}), gunicorn {args.workers} workers × {args.threads} threads\n"
        f"{os.cpu_count()} CPUs, load average {load_before:.1f} before; {versions}; "
        f"{time.monotonic() - began:.0f} s in all",
    )


if __name__ == "__main__":
    main()
