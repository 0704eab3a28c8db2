"""Background work of skills intelligence (each function keeps its imports inside)."""

from __future__ import annotations

from django_tasks import task


@task()
def forecasts_run(*, run_id: int) -> int:
    """Compute a queued forecast run; running it twice replaces the run's rows, no harm done."""
    from skillspact.intelligence import forecasts

    run = forecasts.forecast_run_execute(run_id=run_id)
    return run.done if run is not None else 0


# How long a text-matching task waits for the engine to warm up before trying again, and how
# many times it tries (24 x 5 minutes: two hours) before leaving the answers unmatched.
TEXT_MATCH_RETRY_MINUTES = 5
TEXT_MATCH_ATTEMPTS = 24


@task()
def text_answers_match(*, response_id: int, attempt: int = 1) -> int:
    """Find ESCO skills in a submitted response's free-text answers (`TextSkillMatch`); running
    it twice replaces the rows, no duplicates. While the engine warms up it asks for the warm-up
    and queues itself again in five minutes (backends that can defer: the database and RQ)."""
    import datetime

    from django.utils import timezone
    from django_tasks import default_task_backend

    from skillspact.intelligence import respond

    outcome = respond.text_answers_match(response_id=response_id)
    if (
        not outcome.is_engine_ready
        and attempt < TEXT_MATCH_ATTEMPTS
        and default_task_backend.supports_defer
    ):
        run_after = timezone.now() + datetime.timedelta(minutes=TEXT_MATCH_RETRY_MINUTES)
        text_answers_match.using(run_after=run_after).enqueue(
            response_id=response_id, attempt=attempt + 1
        )
    return outcome.matches


# While the matching engine warms up, job-ad processing waits this long between checks, this
# many times (12 x 2 minutes), before building the engine in the task itself.
JOB_ADS_ENGINE_RETRY_MINUTES = 2
JOB_ADS_ENGINE_ATTEMPTS = 12


@task()
def job_ads_process(*, upload_id: int, attempt: int = 1) -> int:
    """Read, match and count a job-ad upload; running it twice replaces its ads (no harm done).
    While the engine warms up it asks for the warm-up and queues itself again in two minutes
    (backends that can defer); after the last attempt, or on backends that cannot defer, it
    builds the engine itself."""
    import datetime

    from django.utils import timezone
    from django_tasks import default_task_backend

    from skillspact.intelligence import jobads

    if (
        not jobads.engine_ready_or_requested()
        and attempt < JOB_ADS_ENGINE_ATTEMPTS
        and default_task_backend.supports_defer
    ):
        run_after = timezone.now() + datetime.timedelta(minutes=JOB_ADS_ENGINE_RETRY_MINUTES)
        job_ads_process.using(run_after=run_after).enqueue(upload_id=upload_id, attempt=attempt + 1)
        return 0
    upload = jobads.upload_process(upload_id)
    return upload.loaded if upload is not None else 0
