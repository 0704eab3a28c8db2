"""Template tags for the enrolment panels that the catalogue's course pages include."""

from __future__ import annotations

from typing import Any

from django import template

from skillspact.training import enrolments
from skillspact.training.models import Course

register = template.Library()


@register.simple_tag(takes_context=True)
def enrolment_panel(context: template.Context, course: Course) -> dict[str, Any]:
    """What the person sees about enrolling in `course`: their enrolment and place on the
    waitlist, the places left, and why they cannot enrol (if so)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    enrolment = enrolments.enrolment_of(user=user, course=course)
    counts = enrolments.enrolment_counts(course=course)
    return {
        "enrolment": enrolment,
        "counts": counts,
        "block_reason": enrolments.enrolment_block_reason(user=user, course=course),
        "position": enrolments.waitlist_position(enrolment=enrolment) if enrolment else None,
        "can_cancel": bool(
            enrolment
            and (
                enrolment.status == enrolment.Status.WAITLISTED
                or (
                    enrolment.status == enrolment.Status.ENROLLED and not enrolments.is_over(course)
                )
            )
        ),
        "next": request.get_full_path() if request is not None else "",
    }


@register.simple_tag
def learner_counts(course: Course) -> dict[str, Any]:
    """Enrolled, waiting and completed learners of `course`, for its provider; from the
    annotations of `enrolments.with_learner_counts()` when the list has them."""
    if hasattr(course, "learners_enrolled"):
        enrolled = int(getattr(course, "learners_enrolled", 0))
        completed = int(getattr(course, "learners_completed", 0))
        return {
            "enrolled": enrolled,
            "waitlisted": int(getattr(course, "learners_waitlisted", 0)),
            "completed": completed,
            "places_taken": enrolled + completed,
        }
    return enrolments.enrolment_counts(course=course)
