"""`python -m skillspact taxonomy_seed_local_roles [--version v1.1.1]`

Create the shipped emerging health roles (clinical informatics specialist, digital clinical safety
officer, health data steward, telehealth coordinator, sustainability lead in healthcare) that do
not exist yet. Roles that exist are left as the secretariat made them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillspact.taxonomy import seed
from skillspact.taxonomy.models import EscoVersion


class Command(BaseCommand):
    help = "Create the shipped emerging health roles as local extensions (idempotent)."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--version",
            "--esco-version",
            dest="esco_version",
            default=None,
            help="ESCO version the profiles are made against (default: the default version).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        versions = EscoVersion.objects.filter(status=EscoVersion.Status.READY)
        code = options["esco_version"]
        version = (
            versions.filter(code=code).first() if code else versions.filter(is_default=True).first()
        )
        if version is None:
            raise CommandError("No such ready ESCO version; import ESCO first (esco_load_default).")
        result = seed.local_roles_seed(version=version)
        self.stdout.write(
            f"Local roles against ESCO {version.code}: {len(result.created)} created "
            f"({', '.join(result.created) or '-'}), {len(result.kept)} kept."
        )
        for missing in result.missing_skills:
            self.stderr.write(f"  skill not in this ESCO version, left out: {missing}")
