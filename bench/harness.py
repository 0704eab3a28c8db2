"""What the database benches share: one child process per database, fresh scratch databases,
JSON lines from child to parent, percentiles.

The parent calls `run_databases()`; the script, started again with `--child DATABASE`, calls
`child_setup()` and prints one JSON object per line with the `emit` it gets back.
"""

from __future__ import annotations

import json
import math
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER_URL = "postgres://root@127.0.0.1:5432/"


def note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def postgres_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 2).close()
    except OSError:
        return False
    return True


def postgres_admin(server_url: str, statement: str) -> None:
    import psycopg

    # DROP/CREATE DATABASE cannot run inside a transaction, hence autocommit.
    with psycopg.connect(server_url.rstrip("/") + "/postgres", autocommit=True) as admin:
        admin.execute(statement)


class Databases:
    """The scratch databases of one bench: an SQLite file and a PostgreSQL database."""

    def __init__(self, *, sqlite_file: Path, pg_database: str, pg_url: str) -> None:
        self.sqlite_file = sqlite_file
        self.pg_database = pg_database
        self.pg_url = pg_url

    def drop(self, database: str) -> None:
        if database == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.sqlite_file}{suffix}").unlink(missing_ok=True)
        else:
            statement = f'DROP DATABASE IF EXISTS "{self.pg_database}" WITH (FORCE)'
            postgres_admin(self.pg_url, statement)

    def create(self, database: str) -> str:
        """A fresh, empty database; returns its DATABASE_URL."""
        self.drop(database)
        if database == "sqlite":
            self.sqlite_file.parent.mkdir(exist_ok=True)
            return f"sqlite:///{self.sqlite_file}"
        postgres_admin(self.pg_url, f'CREATE DATABASE "{self.pg_database}"')
        return self.pg_url.rstrip("/") + "/" + self.pg_database


def run_child(
    script: str, database: str, databases: Databases, child_args: list[str], *, keep: bool
) -> list[dict[str, Any]]:
    """Run `script --child database ...` on a fresh database; its JSON lines."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    env["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    env["DEBUG"] = "0"
    env["EMAIL_URL"] = "locmem://"
    env["DATABASE_URL"] = databases.create(database)
    command = [sys.executable, script, "--child", database, *child_args]
    try:
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    finally:
        if not keep:
            databases.drop(database)
    if done.returncode != 0:
        raise SystemExit(f"the {database} run failed ({done.returncode})")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def run_databases(
    names: str, pg_url: str, run: Callable[[str], list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """`run(database)` for each of the comma-separated `names`; PostgreSQL is skipped with a
    note when it does not answer."""
    results: list[dict[str, Any]] = []
    for database in [d.strip() for d in names.split(",") if d.strip()]:
        if database == "postgres" and not postgres_answers(pg_url):
            note(f"== PostgreSQL does not answer at {pg_url}: skipped")
            continue
        note(f"== {database}")
        results += run(database)
    return results


def child_setup(database: str) -> Callable[..., None]:
    """In the child: Django set up on the fresh database, migrated; returns `emit(**row)`."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if connection.vendor == "postgresql":
        note(f"  PostgreSQL {connection.cursor().connection.info.server_version}")

    def emit(**row: Any) -> None:
        print(json.dumps({"database": database, **row}), flush=True)

    return emit


def analyze() -> None:
    """Fresh planner statistics after the bulk inserts."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
