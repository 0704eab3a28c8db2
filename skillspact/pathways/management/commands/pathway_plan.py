"""`python -m skillspact pathway_plan --instance IN.json [--out OUT.json] [--variants]`"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillspact.pathways import planner


class Command(BaseCommand):
    help = (
        "Plan an upskilling pathway: courses, held skills, target skills and constraints in "
        "(JSON); the chosen courses in order, covered and uncovered skills, out (JSON)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instance", required=True, help="the instance, a JSON file")
        parser.add_argument("--out", default="-", help="where the plan goes; - for stdout")
        parser.add_argument(
            "--variants",
            action="store_true",
            help='also the fastest, cheapest and most online plans (under "variants")',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["instance"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: cannot read: {error}", returncode=2) from error
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
                returncode=2,
            ) from error
        try:
            instance = planner.instance_from_json(data)
        except planner.InstanceError as error:
            raise CommandError(f"{path}: {error}", returncode=2) from error
        if options["variants"]:
            variants = planner.plan_variants(instance)
            result = variants["best"]
            output = planner.result_to_json(result)
            output["variants"] = {
                name: planner.result_to_json(other) for name, other in variants.items()
            }
        else:
            result = planner.plan(instance)
            output = planner.result_to_json(result)
        text = json.dumps(output, indent=1)
        if options["out"] == "-":
            self.stdout.write(text)
        else:
            Path(options["out"]).write_text(text + "\n", encoding="utf-8")
        if options["verbosity"] > 0:
            # The summary must not mix with the JSON when the JSON goes to stdout.
            summary = self.stderr if options["out"] == "-" else self.stdout
            status = "optimal" if result.optimal else f"bound {result.bound:g}"
            summary.write(
                f"{len(result.courses)} courses cover {len(result.covered)} of "
                f"{len(result.covered) + len(result.uncovered)} missing skills; objective "
                f"{result.objective:g} ({status}) in {result.seconds:.2f} s"
            )
