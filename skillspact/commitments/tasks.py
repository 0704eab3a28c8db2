"""Background work of commitments: the KPI roll-up and the reporting reminders."""

from __future__ import annotations

from django_tasks import task


@task()
def kpis_rebuild(*, year: int) -> float:
    """Rebuild the KPI claims and cells of `year` unless a rebuild already caught up (a bulk
    upload queues one per row; the first does the work)."""
    from skillspact.commitments import rollup

    return rollup.rebuild_year(year, only_if_stale=True).seconds


@task()
def send_window_reminders() -> int:
    """Send the reminders due today for every open reporting window (hourly, from `clock`)."""
    from skillspact.commitments import selectors, services

    return sum(services.window_send_reminders(window=w) for w in selectors.windows_open())
