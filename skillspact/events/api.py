"""The events API: the event list, one event with its programme, and one's own registrations."""

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from skillspact.core.api import AUTH, ErrorOut
from skillspact.core.errors import InvalidInput
from skillspact.core.types import AuthedHttpRequest
from skillspact.events import schemas, selectors, services
from skillspact.events.models import Event, Registration

router = Router(tags=["events"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _anyone_without_a_token(request: HttpRequest) -> bool:
    """Lets anonymous readers through; a token that was sent but refused stays refused."""
    return "Authorization" not in request.headers


AUTH_OPTIONAL = [*AUTH, _anyone_without_a_token]


def _event_out(event: Event) -> dict[str, Any]:
    return {
        "public_id": event.public_id,
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary,
        "kind": event.kind,
        "status": event.status,
        "format": event.format,
        "audience": event.audience,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "time_zone": event.time_zone,
        "venue": event.venue,
        "address": event.address,
        "language": event.language,
        "capacity": event.capacity,
        "organiser": event.organisation.legal_name if event.organisation else _("The secretariat"),
        "url": reverse("events:detail", args=[event.slug]),
    }


def _registration_out(registration: Registration) -> dict[str, Any]:
    choices = registration.session_choices.select_related("session")
    return {
        "id": registration.public_id,
        "event": registration.event.slug,
        "status": registration.status,
        "waitlist_position": selectors.waitlist_position(registration=registration),
        "sessions": {str(c.session.public_id): c.status for c in choices},
        "created_at": registration.created_at,
    }


@router.get(
    "/events",
    response={200: list[schemas.EventOut], 401: ErrorOut, 422: ErrorOut},
    auth=AUTH_OPTIONAL,
    summary="Search events",
)
@paginate(LimitOffsetPagination)
def event_list(request: HttpRequest, filters: Query[schemas.EventListQuery]) -> Any:
    """Events the caller may see: upcoming ones soonest first, past ones latest first."""
    found = selectors.events_visible_to(
        user=request.user,
        filters=selectors.EventFilters(
            q=filters.q,
            kind=filters.kind.value if filters.kind else "",
            format=filters.format.value if filters.format else "",
            language=filters.language,
            when=filters.when,
        ),
    )
    return found


@router.get(
    "/events/{slug}",
    response={200: schemas.EventDetailOut, 401: ErrorOut, 404: ErrorOut},
    auth=AUTH_OPTIONAL,
    summary="One event with its programme",
)
def event_get(request: HttpRequest, slug: str) -> Any:
    event = selectors.event_get_for_view(user=request.user, slug=slug)
    counts = selectors.event_counts(event=event)
    registration = selectors.registration_of(user=request.user, event=event)
    shows_link = selectors.can_manage(user=request.user, event=event) or bool(
        registration and registration.is_confirmed
    )
    return {
        **_event_out(event),
        "description": event.description,
        "places_taken": counts["confirmed"],
        "waiting": counts["waitlisted"],
        "recording_url": event.recording_url,
        "slides_url": event.slides_url,
        "online_url": event.online_url if shows_link else "",
        "sessions": [
            {
                "public_id": s.public_id,
                "title": s.title,
                "kind": s.kind,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "room": s.room,
                "speakers": s.speakers,
                "capacity": s.capacity,
                "places_taken": s.confirmed_count,  # type: ignore[attr-defined]
            }
            for s in selectors.programme_of(event=event)
        ],
    }


@router.post(
    "/events/{slug}/registration",
    response={201: schemas.RegistrationOut, **ERRORS},
    auth=AUTH,
    summary="Register for an event (or join its waitlist)",
)
def registration_create(
    request: AuthedHttpRequest, slug: str, payload: schemas.RegistrationIn
) -> Any:
    """Confirmed while places last, else waitlisted; pending when the organiser approves each
    registration. Answers are keyed `question_<id>`; sessions by their id."""
    event = selectors.event_get_for_view(user=request.user, slug=slug)
    sessions = {str(s.public_id): s for s in selectors.programme_of(event=event)}
    unknown = [str(key) for key in payload.sessions if str(key) not in sessions]
    if unknown:
        message = _("Not a session of this event: %(ids)s.") % {"ids": ", ".join(unknown)}
        raise InvalidInput(message, fields={"sessions": [message]})
    registration = services.registration_create(
        event=event,
        user=request.user,
        actor=request.user,
        answers=payload.answers,
        sessions=[sessions[str(key)] for key in payload.sessions],
    )
    return Status(201, _registration_out(registration))


@router.get(
    "/events/{slug}/registration",
    response={200: schemas.RegistrationOut, **ERRORS},
    auth=AUTH,
    summary="Your registration for an event",
)
def registration_get(request: AuthedHttpRequest, slug: str) -> Any:
    event = selectors.event_get_for_view(user=request.user, slug=slug)
    registration = selectors.registration_of(user=request.user, event=event)
    if registration is None:
        raise Http404
    return _registration_out(registration)


@router.delete(
    "/events/{slug}/registration",
    response={200: schemas.RegistrationOut, **ERRORS},
    auth=AUTH,
    summary="Cancel your registration; the place goes to the first person waiting",
)
def registration_cancel(request: AuthedHttpRequest, slug: str) -> Any:
    event = selectors.event_get_for_view(user=request.user, slug=slug)
    registration = selectors.registration_of(user=request.user, event=event)
    if registration is None:
        raise Http404
    return _registration_out(
        services.registration_cancel(registration=registration, actor=request.user)
    )


@router.get(
    "/me/registrations",
    response={200: list[schemas.RegistrationOut], 401: ErrorOut},
    auth=AUTH,
    summary="Your registrations, the next event first",
)
def my_registrations(request: AuthedHttpRequest) -> Any:
    return [_registration_out(r) for r in selectors.registrations_of(user=request.user)]
