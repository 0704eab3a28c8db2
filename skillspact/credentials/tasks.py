"""Background work of credentials: issuing a whole course's credentials."""

from __future__ import annotations

from django_tasks import task


@task()
def issue_batch(*, batch_id: int) -> int:
    """Issue the credentials of a queued batch; a finished batch is left alone and enrolments
    that already have a credential are skipped, so running this twice does no harm."""
    from skillspact.credentials import services

    batch = services.batch_run(batch_id=batch_id)
    return batch.done if batch is not None else 0
