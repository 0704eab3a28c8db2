"""Background work of the taxonomy: ESCO imports started from the web."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from skillspact.accounts.models import User
from skillspact.core import audit
from skillspact.taxonomy import importer
from skillspact.taxonomy.models import EscoVersion


@task()
def esco_import_task(
    *, path: str, version: str, make_default: bool, actor_id: int | None = None
) -> dict[str, Any]:
    """Import an ESCO download; running it twice imports the same version twice, harmlessly."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        report = importer.esco_import([path], version=version, make_default=make_default)
    except importer.EscoFormatError as error:
        failed = EscoVersion.objects.filter(code=version).first()
        if failed is not None:
            audit.record(failed, "taxonomy.esco_import.failed", actor=actor, message=error.message)
        return {"version": version, "is_imported": False, "error": error.message}
    imported = EscoVersion.objects.get(code=version)
    engine_warm_task.enqueue(version=version)
    audit.record(
        imported,
        "taxonomy.esco_import.finished",
        actor=actor,
        after={"counts": report.counts, "bad_rows": len(report.bad_rows)},
    )
    return {
        "version": version,
        "is_imported": True,
        "counts": report.counts,
        "bad_rows": len(report.bad_rows),
        "seconds": round(report.duration, 1),
    }


@task()
def engine_warm_task(*, version: str) -> dict[str, Any]:
    """Compute and store the matching engine's vectors for a version; later runs only load them."""
    from skillspact.taxonomy import matching

    esco = EscoVersion.objects.filter(code=version, status=EscoVersion.Status.READY).first()
    if esco is None:
        return {"version": version, "is_ready": False}
    matching.engine_for(esco)
    return {"version": version, "is_ready": True}
