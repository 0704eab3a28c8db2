"""The organisations API: the public directory, membership applications and their review."""

from typing import Any
from uuid import UUID

from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from skillspact.core.api import AUTH, ErrorOut
from skillspact.core.errors import InvalidInput
from skillspact.core.permissions import is_secretariat
from skillspact.core.types import AuthedHttpRequest
from skillspact.organisations import schemas, selectors, services
from skillspact.organisations.models import Interest, MembershipApplication

router = Router(tags=["organisations"])

ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


@router.get(
    "/organisations",
    response=list[schemas.OrganisationOut],
    auth=None,
    summary="Search the member directory",
)
@paginate(LimitOffsetPagination)
def organisation_list(request: HttpRequest, filters: Query[schemas.DirectoryQuery]) -> Any:
    """Member organisations listed in the public directory; the same filters as the page."""
    found = selectors.directory_search(selectors.DirectoryFilters(**filters.dict()))
    return found.prefetch_related("interests", "networks")


@router.get(
    "/organisations/{organisation_id}",
    response={200: schemas.OrganisationOut, 404: ErrorOut},
    auth=None,
    summary="One member organisation",
)
def organisation_get(request: HttpRequest, organisation_id: UUID) -> Any:
    organisation = (
        selectors.directory_members()
        .prefetch_related("interests", "networks")
        .filter(public_id=organisation_id)
        .first()
    )
    if organisation is None:
        raise Http404
    return organisation


def _interests(slugs: list[str]) -> list[Interest]:
    found = list(Interest.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {interest.slug for interest in found})
    if unknown:
        raise InvalidInput(
            f"Unknown areas of interest: {', '.join(unknown)}",
            fields={"interests": [f"'{slug}' is not an area of interest" for slug in unknown]},
        )
    return found


def _reload(application: MembershipApplication, request: HttpRequest) -> MembershipApplication:
    return selectors.application_get_for_view(user=request.user, public_id=application.public_id)


@router.post(
    "/membership-applications",
    response={201: schemas.ApplicationOut, **ERRORS},
    auth=AUTH,
    summary="Apply for an organisation to join",
)
@transaction.atomic
def application_create(request: AuthedHttpRequest, payload: schemas.ApplicationIn) -> Any:
    """Save a draft application, or submit it at once with `submit: true` (all or nothing)."""
    data = payload.dict(exclude={"interests", "submit"})
    data = {key: ("" if value is None else value) for key, value in data.items()}
    interests = _interests(payload.interests)
    application = services.application_save(actor=request.user, data=data, interests=interests)
    if payload.submit:
        application = services.application_submit(application=application, actor=request.user)
    return Status(201, _reload(application, request))


@router.get(
    "/membership-applications",
    response={200: list[schemas.ApplicationOut], **ERRORS},
    auth=AUTH,
    summary="Your applications, or the review queue for the secretariat",
)
@paginate(LimitOffsetPagination)
def application_list(
    request: AuthedHttpRequest, filters: Query[schemas.ApplicationListQuery]
) -> Any:
    status = filters.status.value if filters.status else ""
    if is_secretariat(request.user):
        queryset = selectors.applications_review_queue(user=request.user, status=status)
    else:
        queryset = selectors.applications_of(user=request.user)
        if status:
            queryset = queryset.filter(status=status)
    return queryset.select_related("organisation").prefetch_related("interests", "messages")


@router.get(
    "/membership-applications/{application_id}",
    response={200: schemas.ApplicationOut, **ERRORS},
    auth=AUTH,
    summary="One application (its applicant or the secretariat)",
)
def application_get(request: AuthedHttpRequest, application_id: UUID) -> Any:
    return selectors.application_get_for_view(user=request.user, public_id=application_id)


@router.patch(
    "/membership-applications/{application_id}",
    response={200: schemas.ApplicationOut, **ERRORS},
    auth=AUTH,
    summary="Change a draft, or an application the secretariat asked more information about",
)
def application_update(
    request: AuthedHttpRequest, application_id: UUID, payload: schemas.ApplicationPatch
) -> Any:
    application = selectors.application_get_for_edit(user=request.user, public_id=application_id)
    data = payload.dict(exclude_unset=True, exclude={"interests"})
    data = {key: ("" if value is None else value) for key, value in data.items()}
    interests = _interests(payload.interests) if payload.interests is not None else None
    application = services.application_save(
        actor=request.user, data=data, interests=interests, application=application
    )
    return _reload(application, request)


@router.post(
    "/membership-applications/{application_id}/submit",
    response={200: schemas.ApplicationOut, **ERRORS},
    auth=AUTH,
    summary="Submit an application for review",
)
def application_submit(
    request: AuthedHttpRequest, application_id: UUID, payload: schemas.DecisionIn | None = None
) -> Any:
    application = selectors.application_get_for_edit(user=request.user, public_id=application_id)
    services.application_submit(
        application=application, actor=request.user, reply=payload.message if payload else ""
    )
    return _reload(application, request)


@router.post(
    "/membership-applications/{application_id}/approve",
    response={200: schemas.ApplicationOut, **ERRORS},
    auth=AUTH,
    summary="Approve (secretariat)",
)
def application_approve(
    request: AuthedHttpRequest, application_id: UUID, payload: schemas.DecisionIn
) -> Any:
    application = selectors.application_get_for_review(user=request.user, public_id=application_id)
    services.application_approve(
        application=application, actor=request.user, message=payload.message
    )
    return _reload(application, request)


@router.post(
    "/membership-applications/{application_id}/reject",
    response={200: schemas.ApplicationOut, **ERRORS},
    auth=AUTH,
    summary="Reject with a reason (secretariat)",
)
def application_reject(
    request: AuthedHttpRequest, application_id: UUID, payload: schemas.RejectIn
) -> Any:
    application = selectors.application_get_for_review(user=request.user, public_id=application_id)
    services.application_reject(application=application, actor=request.user, reason=payload.reason)
    return _reload(application, request)


@router.post(
    "/membership-applications/{application_id}/request-info",
    response={200: schemas.ApplicationOut, **ERRORS},
    auth=AUTH,
    summary="Ask the applicant for more information (secretariat)",
)
def application_request_info(
    request: AuthedHttpRequest, application_id: UUID, payload: schemas.DecisionIn
) -> Any:
    application = selectors.application_get_for_review(user=request.user, public_id=application_id)
    services.application_request_info(
        application=application, actor=request.user, message=payload.message
    )
    return _reload(application, request)
