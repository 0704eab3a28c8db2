"""Write the API's OpenAPI schema to a file, or check that the committed one is current."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Write the OpenAPI schema of /api/v1/ to PATH, or with --check compare it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--check", action="store_true", help="fail if PATH differs")

    def handle(self, *args: Any, path: Path, check: bool, **options: Any) -> None:
        from config.api import api

        schema = api.get_openapi_schema(path_prefix="/api/v1/")
        text = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if not check:
            path.write_text(text)
            self.stdout.write(f"wrote {path}")
            return
        current = path.read_text() if path.exists() else ""
        if current != text:
            diff = "".join(
                difflib.unified_diff(
                    current.splitlines(True), text.splitlines(True), str(path), "generated", n=2
                )
            )
            raise CommandError(
                f"{path} is out of date with the API; run `make openapi` and review:\n{diff[:6000]}"
            )
        self.stdout.write(f"{path} matches the API")
