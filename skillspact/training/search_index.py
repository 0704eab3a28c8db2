"""The full-text index of the course search: every word of a query must start a word of the
course's folded search text.

A `LIKE '%word%'` over 50,000 courses reads every row (hundreds of milliseconds); a word index
answers in a few. PostgreSQL has one built in: a GIN index on `to_tsvector('simple',
search_text)` (created by the migration) that follows every change by itself. SQLite has FTS5:
the table `training_course_fts`, whose rowid is the course's id, written by `store()` wherever
the search values of a course are written (the services, the import, the demo data, the
factories). Course ids are never reused (AUTOINCREMENT), so the row of a deleted course matches
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL

from skillspact.core.text import search_text

MAX_TERMS = 8
_TOKEN = re.compile(r"\w+")

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS training_course_fts USING fts5("
    "search_title, search_text, tokenize = 'unicode61 remove_diacritics 2')"
)
POSTGRES_CREATE = (
    "CREATE INDEX IF NOT EXISTS training_course_search_gin ON training_course "
    "USING gin (to_tsvector('simple'::regconfig, search_text))"
)


def terms(text: str) -> list[str]:
    """The words of a query as the index holds them (folded; letters and digits only)."""
    return _TOKEN.findall(search_text(text))[:MAX_TERMS]


def create(schema_editor: Any) -> None:
    """The index of the database `schema_editor` works on (a migration step)."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
        schema_editor.execute(
            "INSERT INTO training_course_fts(rowid, search_title, search_text) "
            "SELECT id, search_title, search_text FROM training_course"
        )
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)


def drop(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS training_course_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS training_course_search_gin")


def store(courses: Iterable[Any]) -> None:
    """Write the index rows of `courses` (after their search values changed); a no-op where
    the database keeps its index itself."""
    if connection.vendor != "sqlite":
        return
    rows = [(course.pk, course.search_title, course.search_text) for course in courses]
    if not rows:
        return
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            cursor.executemany(
                "DELETE FROM training_course_fts WHERE rowid = %s", [(row[0],) for row in chunk]
            )
            cursor.executemany(
                "INSERT INTO training_course_fts(rowid, search_title, search_text) "
                "VALUES (%s, %s, %s)",
                chunk,
            )


def matching_ids(words: list[str]) -> RawSQL:
    """The ids of courses whose search text has a word starting with each of `words`, as a
    subquery for `pk__in`."""
    if connection.vendor == "postgresql":
        query = " & ".join(f"{word}:*" for word in words)
        # The query is a bound parameter; the SQL around it is constant.
        # OFFSET 0 keeps the planner from folding the subquery into the outer query: it would
        # then check the words row by row on the courses the other filters found, computing
        # to_tsvector() for each (seconds with a popular skill), instead of asking the index.
        return RawSQL(  # noqa: S611
            "SELECT id FROM training_course WHERE to_tsvector('simple'::regconfig, search_text) "
            "@@ to_tsquery('simple'::regconfig, %s) OFFSET 0",
            [query],
        )
    if connection.vendor == "sqlite":
        query = " AND ".join(f'"{word}"*' for word in words)
        return RawSQL(  # noqa: S611
            "SELECT rowid FROM training_course_fts WHERE training_course_fts MATCH %s", [query]
        )
    raise NotImplementedError(connection.vendor)
