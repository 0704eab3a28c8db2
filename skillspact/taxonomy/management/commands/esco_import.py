"""`python -m skillspact esco_import PATH [PATH ...] [--version v1.1.1] [--default]
[--languages en,fr]`

Import an official ESCO CSV download (folder, zip or single CSV files) as one version. Shows a
progress bar on stderr and a summary on stdout; exits with status 1 and `file:line: message` when
the download cannot be imported, in which case nothing was changed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillspact.taxonomy import importer
from skillspact.taxonomy.management.progress import ProgressBar
from skillspact.taxonomy.management.summary import write_summary


class Command(BaseCommand):
    help = "Import an ESCO CSV download (v1.1.x or v1.2.x file names, any languages)."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Our --version names the ESCO version; it replaces Django's "print Django's version".
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="Folder, .zip, .csv or .csv.gz files.")
        parser.add_argument(
            "--version",
            "--esco-version",
            dest="esco_version",
            default=None,
            help="ESCO version code, e.g. v1.1.1; by default read from the path (…/v1.1.1/).",
        )
        parser.add_argument(
            "--default", dest="make_default", action="store_true", help="Make it the default."
        )
        parser.add_argument(
            "--languages", default="", help="Comma-separated languages to read, e.g. en,fr."
        )
        parser.add_argument(
            "--show-bad-rows", type=int, default=20, help="How many bad rows to print (20)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        languages = [lang for lang in options["languages"].split(",") if lang.strip()]
        bar = ProgressBar(self.stderr) if options["verbosity"] > 0 else None
        try:
            report = importer.esco_import(
                options["paths"],
                version=options["esco_version"],
                make_default=options["make_default"],
                languages=languages or None,
                progress=bar,
            )
        except importer.EscoFormatError as error:
            raise CommandError(error.message) from error
        finally:
            if bar is not None:
                bar.close()
        write_summary(self.stdout, report, show_bad_rows=options["show_bad_rows"])
