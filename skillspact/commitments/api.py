"""The commitments API: commitments and their review, yearly progress reports."""

from typing import Any
from uuid import UUID

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from skillspact.commitments import schemas, selectors, services
from skillspact.commitments.models import Commitment, ProgressReport
from skillspact.core.api import AUTH, ErrorOut
from skillspact.core.errors import InvalidInput
from skillspact.core.types import AuthedHttpRequest
from skillspact.organisations.models import Organisation

router = Router(tags=["commitments"])

ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def _anyone_without_a_token(request: HttpRequest) -> bool:
    """Lets anonymous readers through; a token that was sent but refused stays refused."""
    return "Authorization" not in request.headers


# Public reads: published commitments for anyone; with a token or session, also one's own.
AUTH_OPTIONAL = [*AUTH, _anyone_without_a_token]


def _with_content(queryset: Any) -> Any:
    return queryset.prefetch_related("partners", "targets", "concepts")


def _organisations(slugs: list[str], *, field: str) -> list[Organisation]:
    """Organisations by slug, in the order given (repeats kept); 422 naming the unknown ones."""
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=set(slugs))}
    unknown = sorted({slug for slug in slugs if slug not in found})
    if unknown:
        messages = [_("“%(slug)s” is not an organisation.") % {"slug": slug} for slug in unknown]
        raise InvalidInput(messages[0], fields={field: messages})
    return [found[slug] for slug in slugs]


def _targets(targets: list[schemas.CommitmentTargetIn]) -> dict[int, dict[str, int]]:
    years = [target.year for target in targets]
    if len(set(years)) != len(years):
        message = _("Give each year once.")
        raise InvalidInput(message, fields={"targets": [message]})
    return {
        t.year: {"people": t.people, "programmes": t.programmes, "euros": t.euros} for t in targets
    }


def _save_commitment(
    request: AuthedHttpRequest,
    payload: schemas.CommitmentIn | schemas.CommitmentPatch,
    **kwargs: Any,
) -> Commitment:
    sent = payload.dict(exclude_unset=True)
    data = {
        name: sent[name]
        for name in services.COMMITMENT_FIELDS
        if sent.get(name) is not None  # null leaves a field as it is
    }
    if "principles" in data:
        data["principles"] = [principle.value for principle in payload.principles or []]
    return services.commitment_save(
        actor=request.user,
        data=data,
        occupations=payload.occupations,
        skills=payload.skills,
        partners=(
            _organisations(payload.partners, field="partners")
            if payload.partners is not None
            else None
        ),
        targets=_targets(payload.targets) if payload.targets is not None else None,
        **kwargs,
    )


def _commitment_out(request: HttpRequest, commitment: Commitment) -> Commitment:
    """The commitment as the caller now sees it, with everything the detail shape shows."""
    return selectors.commitment_get_for_view(user=request.user, public_id=commitment.public_id)


def _report_out(request: HttpRequest, report: ProgressReport) -> ProgressReport:
    return selectors.report_get_for_view(user=request.user, public_id=report.public_id)


# -- commitments -------------------------------------------------------------------------------


@router.get(
    "/commitments",
    response={200: list[schemas.CommitmentOut], 401: ErrorOut, 422: ErrorOut},
    auth=AUTH_OPTIONAL,
    summary="Search commitments",
)
@paginate(LimitOffsetPagination)
def commitment_list(request: HttpRequest, filters: Query[schemas.CommitmentListQuery]) -> Any:
    """Published commitments, and with a token or session also your organisations' drafts and
    reviews (every commitment for the secretariat), newest published first."""
    found = selectors.commitments_visible_to(
        user=request.user,
        filters=selectors.CommitmentFilters(
            q=filters.q,
            organisation=filters.organisation,
            status=filters.status.value if filters.status else "",
            principle=filters.principle.value if filters.principle else "",
            country=filters.country,
        ),
    )
    return _with_content(found)


@router.get(
    "/commitments/{commitment_id}",
    response={200: schemas.CommitmentDetailOut, 401: ErrorOut, 404: ErrorOut},
    auth=AUTH_OPTIONAL,
    summary="One commitment, with its targets, concepts, partners and history",
)
def commitment_get(request: HttpRequest, commitment_id: UUID) -> Any:
    return selectors.commitment_get_for_view(user=request.user, public_id=commitment_id)


@router.post(
    "/commitments",
    response={201: schemas.CommitmentDetailOut, **ERRORS},
    auth=AUTH,
    summary="Draft a commitment for your organisation",
)
@transaction.atomic
def commitment_create(request: AuthedHttpRequest, payload: schemas.CommitmentIn) -> Any:
    """Save a draft, or submit it for review at once with `submit: true` (all or nothing)."""
    organisation = _organisations([payload.organisation], field="organisation")[0]
    commitment = _save_commitment(request, payload, organisation=organisation)
    if payload.submit:
        commitment = services.commitment_submit(commitment=commitment, actor=request.user)
    return Status(201, _commitment_out(request, commitment))


@router.patch(
    "/commitments/{commitment_id}",
    response={200: schemas.CommitmentDetailOut, **ERRORS},
    auth=AUTH,
    summary="Change a draft or returned commitment, or amend a published one",
)
def commitment_update(
    request: AuthedHttpRequest, commitment_id: UUID, payload: schemas.CommitmentPatch
) -> Any:
    """Only the fields sent change. A published commitment needs an `amendment_reason`; its
    previous content is kept as a revision."""
    commitment = selectors.commitment_get_for_edit(user=request.user, public_id=commitment_id)
    commitment = _save_commitment(
        request, payload, commitment=commitment, amendment_reason=payload.amendment_reason
    )
    return _commitment_out(request, commitment)


@router.post(
    "/commitments/{commitment_id}/submit",
    response={200: schemas.CommitmentDetailOut, **ERRORS},
    auth=AUTH,
    summary="Submit a draft or returned commitment for review",
)
def commitment_submit(request: AuthedHttpRequest, commitment_id: UUID) -> Any:
    commitment = selectors.commitment_get_for_edit(user=request.user, public_id=commitment_id)
    services.commitment_submit(commitment=commitment, actor=request.user)
    return _commitment_out(request, commitment)


@router.post(
    "/commitments/{commitment_id}/withdraw",
    response={200: schemas.CommitmentDetailOut, **ERRORS},
    auth=AUTH,
    summary="Withdraw a commitment",
)
def commitment_withdraw(
    request: AuthedHttpRequest, commitment_id: UUID, payload: schemas.WithdrawIn | None = None
) -> Any:
    commitment = selectors.commitment_get_for_edit(user=request.user, public_id=commitment_id)
    services.commitment_withdraw(
        commitment=commitment, actor=request.user, reason=payload.reason if payload else ""
    )
    return _commitment_out(request, commitment)


@router.post(
    "/commitments/{commitment_id}/publish",
    response={200: schemas.CommitmentDetailOut, **ERRORS},
    auth=AUTH,
    summary="Publish a submitted commitment (secretariat)",
)
def commitment_publish(
    request: AuthedHttpRequest, commitment_id: UUID, payload: schemas.ReviewIn | None = None
) -> Any:
    commitment = selectors.commitment_get_for_view(user=request.user, public_id=commitment_id)
    services.commitment_publish(
        commitment=commitment, actor=request.user, note=payload.note if payload else ""
    )
    return _commitment_out(request, commitment)


@router.post(
    "/commitments/{commitment_id}/return",
    response={200: schemas.CommitmentDetailOut, **ERRORS},
    auth=AUTH,
    summary="Return a submitted commitment for changes (secretariat)",
)
def commitment_return(
    request: AuthedHttpRequest, commitment_id: UUID, payload: schemas.ReturnIn
) -> Any:
    commitment = selectors.commitment_get_for_view(user=request.user, public_id=commitment_id)
    services.commitment_return(commitment=commitment, actor=request.user, note=payload.note)
    return _commitment_out(request, commitment)


# -- progress reports --------------------------------------------------------------------------


@router.get(
    "/reports",
    response={200: list[schemas.ReportOut], **ERRORS},
    auth=AUTH,
    summary="Your organisations' progress reports (every report for the secretariat)",
)
@paginate(LimitOffsetPagination)
def report_list(request: AuthedHttpRequest, filters: Query[schemas.ReportListQuery]) -> Any:
    return selectors.reports_visible_to(user=request.user, year=filters.year).prefetch_related(
        "occupation_figures", "inclusions__organisation"
    )


@router.get(
    "/reports/{report_id}",
    response={200: schemas.ReportOut, **ERRORS},
    auth=AUTH,
    summary="One progress report",
)
def report_get(request: AuthedHttpRequest, report_id: UUID) -> Any:
    return selectors.report_get_for_view(user=request.user, public_id=report_id)


@router.put(
    "/commitments/{commitment_id}/reports/{year}",
    response={200: schemas.ReportOut, 201: schemas.ReportOut, **ERRORS},
    auth=AUTH,
    summary="Write the progress report of a year: save a draft, or submit it",
)
@transaction.atomic
def report_put(
    request: AuthedHttpRequest, commitment_id: UUID, year: int, payload: schemas.ReportIn
) -> Any:
    """The whole report: what is left out is empty afterwards. Reports change while the year's
    window is open, or after the secretariat reopened them; anything invalid stores nothing."""
    commitment = selectors.commitment_get_for_edit(user=request.user, public_id=commitment_id)
    window = selectors.window_get(year=year)
    is_new = not commitment.reports.filter(window=window).exists()
    report = services.report_get_or_start(commitment=commitment, window=window, actor=request.user)
    data = payload.dict(include=set(services.REPORT_FIELDS))
    data["progress_status"] = payload.progress_status.value if payload.progress_status else ""
    inclusions = _organisations([i.organisation for i in payload.inclusions], field="inclusions")
    services.report_save(
        report=report,
        actor=request.user,
        data=data,
        occupation_figures=[(o.uri, o.people_trained) for o in payload.occupations],
        inclusions=[
            (organisation, item.dict(exclude={"organisation"}))
            for organisation, item in zip(inclusions, payload.inclusions, strict=True)
        ],
        submit=payload.submit,
    )
    return Status(201 if is_new else 200, _report_out(request, report))


@router.post(
    "/reports/{report_id}/reopen",
    response={200: schemas.ReportOut, **ERRORS},
    auth=AUTH,
    summary="Reopen a report after its window closed, with a reason (secretariat)",
)
def report_reopen(request: AuthedHttpRequest, report_id: UUID, payload: schemas.ReopenIn) -> Any:
    report = selectors.report_get_for_view(user=request.user, public_id=report_id)
    services.report_reopen(report=report, actor=request.user, reason=payload.reason)
    return _report_out(request, report)
