"""The JSON-lines contract of `match_skills` and `match_occupations`, shared by both commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillspact.taxonomy import matching, selectors
from skillspact.taxonomy.engine import Match, MatchingEngine

BATCH = 64


class MatchCommand(BaseCommand):
    """Read `{"id", "text"}` lines on stdin, write `{"id", "matches": [...]}` lines on stdout."""

    kind = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--top", type=int, default=10, help="matches per line (1 to 100)")
        parser.add_argument("--input", default="-", help="a JSON-lines file; - for stdin")
        parser.add_argument("--esco-version", default="", help="ESCO version; the default if empty")

    def match(self, engine: MatchingEngine, texts: Sequence[str], top: int) -> list[list[Match]]:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        top = options["top"]
        if not 1 <= top <= 100:
            raise CommandError("--top must be between 1 and 100")
        version = (
            selectors.version_get(code=options["esco_version"])
            if options["esco_version"]
            else selectors.version_default()
        )
        if version is None:
            raise CommandError("No ESCO version is imported; run esco_load_default first.")
        source: IO[str] = (
            sys.stdin if options["input"] == "-" else open(options["input"], encoding="utf-8")  # noqa: SIM115
        )
        try:
            rows = list(_read(source))
        finally:
            if source is not sys.stdin:
                source.close()
        engine = matching.engine_for(version, progress=lambda message: self.stderr.write(message))
        done = 0
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            results = self.match(engine, [text for _id, text in batch], top)
            for (row_id, _text), matches in zip(batch, results, strict=True):
                self.stdout.write(
                    json.dumps(
                        {"id": row_id, "matches": [_out(m) for m in matches]}, ensure_ascii=False
                    )
                )
            done += len(batch)
            if options["verbosity"] > 0:
                self.stderr.write(f"\r{done}/{len(rows)} lines", ending="")
        if options["verbosity"] > 0 and rows:
            self.stderr.write("")


def _out(match: Match) -> dict[str, Any]:
    return {
        "uri": match.uri,
        "label": match.label,
        "score": round(float(match.score), 4),
        "span": [match.start, match.end],
    }


def _read(source: IO[str]) -> Any:
    """(id, text) per non-blank line; a malformed line stops with its number."""
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"line {number}, column {error.colno}: not valid JSON ({error.msg})"
            ) from error
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise CommandError(f'line {number}: expected an object with a "text" string')
        yield str(row.get("id", number)), row["text"]
