"""Background work of consultations: the themes across comments."""

from __future__ import annotations

from django_tasks import task


@task()
def consultation_themes_compute(*, consultation_id: int) -> int:
    """Cluster the consultation's published comments into themes again; returns how many
    themes. Running it twice replaces the first run's themes with the same ones."""
    from skillspact.consultations import analysis

    return analysis.themes_compute(consultation_id=consultation_id).themes
