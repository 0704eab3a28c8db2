"""Recompute the summaries the gap pages read (rating sums, job-ad counts) from the raw rows."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from skillspact.intelligence import summaries


class Command(BaseCommand):
    help = (
        "Recompute the rating sums and the monthly job-ad counts per country and per occupation "
        "that the gap pages read, from the ratings and the monthly counts (after a bulk load; "
        "safe at any time)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = summaries.gap_summaries_rebuild()
        self.stdout.write(
            f"{written['rating_cells']} rating cells, "
            f"{written['ad_counts']} monthly job-ad counts per country or occupation"
        )
