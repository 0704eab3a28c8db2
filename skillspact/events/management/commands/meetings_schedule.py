"""`python -m skillspact meetings_schedule --instance IN.json --out OUT.json [--time-limit S]`"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillspact.events import scheduler


class Command(BaseCommand):
    help = (
        "Schedule one-to-one meetings: slots, tables, participants, accepted requests and fixed "
        "meetings in (JSON); meetings with slot and table, and an upper bound, out (JSON)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instance", required=True, help="the instance, a JSON file")
        parser.add_argument("--out", default="-", help="where the schedule goes; - for stdout")
        parser.add_argument(
            "--time-limit", type=float, default=25.0, help="seconds at most (default 25)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["time_limit"] <= 0:
            raise CommandError("--time-limit must be more than 0 seconds")
        path = Path(options["instance"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: cannot read: {error}") from error
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
            ) from error
        try:
            instance = scheduler.instance_from_json(data)
        except scheduler.InstanceError as error:
            raise CommandError(f"{path}: {error}") from error
        result = scheduler.schedule(instance, time_limit=options["time_limit"])
        problems = scheduler.check(instance, result)
        if problems:  # pragma: no cover - the scheduler's own bug, not the input's
            raise CommandError("the schedule breaks a rule: " + "; ".join(problems[:5]))
        output = _dumps(scheduler.schedule_to_json(result))
        if options["out"] == "-":
            self.stdout.write(output)
        else:
            Path(options["out"]).write_text(output + "\n", encoding="utf-8")
        if options["verbosity"] > 0:
            # The summary must not mix with the JSON when the JSON goes to stdout.
            summary = self.stderr if options["out"] == "-" else self.stdout
            summary.write(
                f"{len(result.meetings)} meetings placed of at most {result.upper_bound} "
                f"({result.status}) in {result.seconds:.1f} s"
            )


def _dumps(data: dict[str, Any]) -> str:
    """JSON with one meeting per line: readable, and diffable between two runs."""
    lines = ["{", ' "meetings": [']
    meetings = [json.dumps(m) for m in data["meetings"]]
    lines += [f"  {m}," for m in meetings[:-1]] + [f"  {m}" for m in meetings[-1:]]
    lines.append(" ],")
    rest = [
        f" {json.dumps(key)}: {json.dumps(value)}"
        for key, value in data.items()
        if key != "meetings"
    ]
    lines += [line + "," for line in rest[:-1]] + rest[-1:] + ["}"]
    return "\n".join(lines)
