"""`python -m skillspact esco_load_default [--if-empty]`

Import the ESCO v1.1.1 (English) copy that ships with the platform as the default version, apply
the health lens with its shipped curation and seed the emerging health roles. `make run` calls it
with `--if-empty`, which does nothing once any version is ready.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillspact.taxonomy import importer, seed
from skillspact.taxonomy.management.progress import ProgressBar
from skillspact.taxonomy.management.summary import write_summary


class Command(BaseCommand):
    help = "Import the shipped ESCO v1.1.1 (English), apply the health lens, seed local roles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when an ESCO version has been imported already.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bar = ProgressBar(self.stderr) if options["verbosity"] > 0 else None
        try:
            loaded = seed.shipped_esco_load(is_if_empty=options["if_empty"], progress=bar)
        except importer.EscoFormatError as error:
            raise CommandError(error.message) from error
        finally:
            if bar is not None:
                bar.close()
        self._warm_engine(verbosity=options["verbosity"])
        if loaded is None:
            if options["verbosity"] > 0:
                self.stdout.write("ESCO is loaded already; nothing to do.")
            return
        if loaded.report is not None and options["verbosity"] > 0:
            write_summary(self.stdout, loaded.report, show_bad_rows=5)
        roles = loaded.roles
        self.stdout.write(
            f"Health lens: {loaded.health_overrides_created} shipped overrides added. "
            f"Local roles: {len(roles.created)} created, {len(roles.kept)} kept."
        )
        for missing in roles.missing_skills:
            self.stderr.write(f"  skill not in this ESCO version, left out: {missing}")

    def _warm_engine(self, *, verbosity: int) -> None:
        """Queue the first build of the matching engine's vectors unless they are stored."""
        from skillspact.taxonomy import matching, selectors, tasks

        version = selectors.version_default()
        if version is not None and not matching.engine_is_ready(version):
            tasks.engine_warm_task.enqueue(version=version.code)
            if verbosity > 0:
                self.stdout.write(
                    "The task worker is preparing the matching engine (a few minutes, once)."
                )
