"""Background work of events: reminders before an event starts."""

from __future__ import annotations

from django_tasks import task


@task()
def send_event_reminders() -> int:
    """E-mail confirmed people of events starting within 24 hours, once each (hourly, from
    `clock`)."""
    from skillspact.events import attendance

    return attendance.registrations_remind()


@task()
def meetings_schedule(*, run_id: int) -> int:
    """Place a networking event's accepted meeting requests for a queued scheduler run; a run
    that already started or finished is left alone, so running this twice does no harm."""
    from skillspact.events import networking

    run = networking.schedule_run_execute(run_id=run_id)
    return run.placed if run is not None else 0
