"""The enrolments API: enrol in a course (or join its waitlist), cancel, and one's enrolments."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema, Status

from skillspact.core.api import AUTH, ErrorOut
from skillspact.core.types import AuthedHttpRequest
from skillspact.training import enrolments
from skillspact.training.models import Enrolment

router = Router(tags=["training"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class EnrolmentOut(Schema):
    id: UUID
    course: str = Field(..., description="The course's slug")
    course_title: str
    status: Enrolment.Status
    waitlist_position: int | None = Field(
        ..., description="1 for the first person waiting; null when not waiting"
    )
    result: str = Field(..., description="passed, failed, attended, or empty until recorded")
    grade: str
    is_successful: bool = Field(..., description="Passed, or attended a course without assessment")
    enrolled_at: datetime | None
    waitlisted_at: datetime | None
    cancelled_at: datetime | None
    completed_at: datetime | None
    created_at: datetime


def _enrolment_out(enrolment: Enrolment, position: int | None = None) -> dict[str, Any]:
    if position is None and enrolment.status == Enrolment.Status.WAITLISTED:
        position = enrolments.waitlist_position(enrolment=enrolment)
    return {
        "id": enrolment.public_id,
        "course": enrolment.course.slug,
        "course_title": enrolment.course.title,
        "status": enrolment.status,
        "waitlist_position": position if enrolment.status == Enrolment.Status.WAITLISTED else None,
        "result": enrolment.result,
        "grade": enrolment.grade,
        "is_successful": enrolments.is_successful(enrolment),
        "enrolled_at": enrolment.enrolled_at,
        "waitlisted_at": enrolment.waitlisted_at,
        "cancelled_at": enrolment.cancelled_at,
        "completed_at": enrolment.completed_at,
        "created_at": enrolment.created_at,
    }


@router.post(
    "/courses/{slug}/enrolment",
    response={201: EnrolmentOut, **ERRORS},
    auth=AUTH,
    summary="Enrol in a course (or join its waitlist)",
)
def enrolment_create(request: AuthedHttpRequest, slug: str) -> Any:
    """Enrolled while places last, else waitlisted. Refused (409 `enrolment_closed`) for a
    course that is not published, whose enrolment has closed or that is over; 409
    `already_enrolled` when the caller is enrolled, waiting or has completed it."""
    course = enrolments.course_get_for_enrolment(user=request.user, slug=slug)
    enrolment = enrolments.enrolment_create(course=course, user=request.user, actor=request.user)
    return Status(201, _enrolment_out(enrolment))


@router.get(
    "/courses/{slug}/enrolment",
    response={200: EnrolmentOut, **ERRORS},
    auth=AUTH,
    summary="Your enrolment in a course",
)
def enrolment_get(request: AuthedHttpRequest, slug: str) -> Any:
    course = enrolments.course_get_for_enrolment(user=request.user, slug=slug)
    enrolment = enrolments.enrolment_of(user=request.user, course=course)
    if enrolment is None:
        raise Http404
    return _enrolment_out(enrolment)


@router.delete(
    "/courses/{slug}/enrolment",
    response={200: EnrolmentOut, **ERRORS},
    auth=AUTH,
    summary="Cancel your enrolment; the place goes to the first person waiting",
)
def enrolment_cancel(request: AuthedHttpRequest, slug: str) -> Any:
    course = enrolments.course_get_for_enrolment(user=request.user, slug=slug)
    enrolment = enrolments.enrolment_of(user=request.user, course=course)
    if enrolment is None:
        raise Http404
    return _enrolment_out(enrolments.enrolment_cancel(enrolment=enrolment, actor=request.user))


@router.get(
    "/me/enrolments",
    response={200: list[EnrolmentOut], 401: ErrorOut},
    auth=AUTH,
    summary="Your enrolments, the latest first",
)
def my_enrolments(request: AuthedHttpRequest) -> Any:
    return [
        _enrolment_out(enrolment, position=enrolment.queue_ahead + 1)  # type: ignore[attr-defined]
        for enrolment in enrolments.enrolments_of(user=request.user)
    ]
