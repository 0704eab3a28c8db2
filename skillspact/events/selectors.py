"""Reads of events, programmes and registrations. Every read for a person checks what they may
see: published public and members-only events are listed for everyone (members-only ones say who
may register); invitation-only events only for the invited, the registered and the organisers;
drafts only for the organisers. Organisers are the secretariat and the contacts of the organising
organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from skillspact.core.permissions import is_secretariat
from skillspact.core.text import search_text
from skillspact.events.models import (
    Event,
    EventSession,
    Invitation,
    Registration,
    SessionChoice,
)
from skillspact.organisations import selectors as organisation_selectors
from skillspact.organisations.models import Organisation


@dataclass
class EventFilters:
    """What an event list asks for; the page and the API share it."""

    q: str = ""
    kind: str = ""
    format: str = ""
    language: str = ""
    when: str = "upcoming"  # upcoming | past | all


def _managed_organisation_ids(user: Any) -> list[int]:
    return list(
        organisation_selectors.organisations_acted_for(user=user).values_list("pk", flat=True)
    )


def _visibility(user: Any) -> Q:
    public = Q(status=Event.Status.PUBLISHED) & ~Q(audience=Event.Audience.INVITATION)
    if not (user and user.is_authenticated):
        return public
    invited = Q(status=Event.Status.PUBLISHED, invitations__email__iexact=user.email)
    registered = Q(registrations__user=user) & ~Q(status=Event.Status.DRAFT)
    organised = Q(organisation__in=_managed_organisation_ids(user))
    return public | invited | registered | organised


def events_visible_to(*, user: Any, filters: EventFilters | None = None) -> QuerySet[Event]:
    """Events the person may see, filtered, soonest first (latest first for past events)."""
    filters = filters or EventFilters()
    queryset = Event.objects.select_related("organisation")
    if not is_secretariat(user):
        ids = Event.objects.filter(_visibility(user)).values("pk")
        queryset = queryset.filter(pk__in=ids)
    now = timezone.now()
    if filters.when == "upcoming":
        queryset = queryset.filter(ends_at__gt=now)
    elif filters.when == "past":
        queryset = queryset.filter(ends_at__lte=now)
    for word in search_text(filters.q).split():
        queryset = queryset.filter(search_text__contains=word)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.format:
        queryset = queryset.filter(format=filters.format)
    if filters.language:
        queryset = queryset.filter(language=filters.language)
    queryset = queryset.annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status="confirmed"))
    )
    if filters.when == "past":
        return queryset.order_by("-starts_at", "-id")
    return queryset.order_by("starts_at", "id")


def can_manage(*, user: Any, event: Event) -> bool:
    """Whether `user` organises `event`: the secretariat, or a contact of its organisation."""
    if is_secretariat(user):
        return True
    if event.organisation is None or not (user and user.is_authenticated):
        return False
    return organisation_selectors.can_act_for(user=user, organisation=event.organisation)


def _can_see(user: Any, event: Event) -> bool:
    if can_manage(user=user, event=event):
        return True
    if event.status == Event.Status.DRAFT:
        return False
    if event.audience != Event.Audience.INVITATION:
        return True
    if not (user and user.is_authenticated):
        return False
    return (
        is_invited(user=user, event=event)
        or Registration.objects.filter(event=event, user=user).exists()
    )


def event_get_for_view(*, user: Any, slug: str) -> Event:
    """The event at `slug` if the person may see it; 404 otherwise."""
    event = Event.objects.select_related("organisation").filter(slug=slug).first()
    if event is None or not _can_see(user, event):
        raise Http404
    return event


def event_get_for_manage(*, user: Any, slug: str) -> Event:
    """The event at `slug` for its organisers; 404 for everyone else."""
    event = Event.objects.select_related("organisation").filter(slug=slug).first()
    if event is None or not can_manage(user=user, event=event):
        raise Http404
    return event


def organisations_for_new_event(*, user: Any) -> QuerySet[Organisation]:
    """Member organisations the person may organise events for (the secretariat: any)."""
    if is_secretariat(user):
        return Organisation.objects.filter(status=Organisation.Status.MEMBER).order_by("legal_name")
    return organisation_selectors.organisations_acted_for(user=user).filter(
        status=Organisation.Status.MEMBER
    )


def can_create_event(*, user: Any) -> bool:
    """Whether the person may create an event at all."""
    return is_secretariat(user) or organisations_for_new_event(user=user).exists()


def is_invited(*, user: Any, event: Event) -> bool:
    """Whether the person's address is on the event's invitation list."""
    if not (user and user.is_authenticated):
        return False
    return Invitation.objects.filter(event=event, email__iexact=user.email).exists()


def is_member_person(*, user: Any) -> bool:
    """Whether the person belongs to a member organisation (or is in the secretariat)."""
    if is_secretariat(user):
        return True
    return organisation_selectors.person_is_member(user=user)


def registration_block_reason(*, user: Any, event: Event) -> str:
    """Why the person cannot register for the event now, or "" when they can."""
    now = timezone.now()
    if event.status != Event.Status.PUBLISHED:
        return (
            _("This event is cancelled.")
            if event.status == Event.Status.CANCELLED
            else _("This event is not published yet.")
        )
    if event.ends_at <= now:
        return _("This event is over.")
    if event.registration_closes_at and event.registration_closes_at <= now:
        return _("Registration closed on %(date)s.") % {
            "date": timezone.localtime(event.registration_closes_at).strftime("%d/%m/%Y %H:%M")
        }
    if not (user and user.is_authenticated):
        return _("Sign in to register.")
    if event.audience == Event.Audience.MEMBERS and not is_member_person(user=user):
        return _("This event is for people of member organisations.")
    if event.audience == Event.Audience.INVITATION and not (
        is_invited(user=user, event=event) or can_manage(user=user, event=event)
    ):
        return _("This event is by invitation only.")
    return ""


def registration_of(*, user: Any, event: Event) -> Registration | None:
    """The person's registration for the event, in whatever state, or None."""
    if not (user and user.is_authenticated):
        return None
    return Registration.objects.filter(event=event, user=user).first()


def registration_get_for_owner(*, user: Any, public_id: Any) -> Registration:
    """The person's own registration; 404 for anyone else."""
    registration = (
        Registration.objects.select_related("event", "event__organisation")
        .filter(public_id=public_id, user=user)
        .first()
        if user and user.is_authenticated
        else None
    )
    if registration is None:
        raise Http404
    return registration


def registration_get_for_manage(*, user: Any, public_id: Any) -> Registration:
    """A registration for the organisers of its event; 404 for anyone else."""
    registration = (
        Registration.objects.select_related("event", "event__organisation", "user")
        .filter(public_id=public_id)
        .first()
    )
    if registration is None or not can_manage(user=user, event=registration.event):
        raise Http404
    return registration


def registrations_of(*, user: Any) -> QuerySet[Registration]:
    """The person's registrations, the next event first, ended ones included."""
    if not (user and user.is_authenticated):
        return Registration.objects.none()
    return (
        Registration.objects.filter(user=user)
        .select_related("event", "event__organisation")
        .order_by("event__starts_at", "id")
    )


def waitlist_position(*, registration: Registration) -> int | None:
    """1 for the first person waiting, and so on; None when not waiting."""
    if registration.status != Registration.Status.WAITLISTED or registration.waitlisted_at is None:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=Registration.Status.WAITLISTED
    ).filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def event_counts(*, event: Event) -> dict[str, Any]:
    """Confirmed, waiting and pending people, and the places left (None: no limit)."""
    counts = dict(
        Registration.objects.filter(event=event)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    confirmed = counts.get(Registration.Status.CONFIRMED, 0)
    pending = counts.get(Registration.Status.PENDING, 0)
    left = None if event.capacity is None else max(event.capacity - confirmed, 0)
    return {
        "confirmed": confirmed,
        "waitlisted": counts.get(Registration.Status.WAITLISTED, 0),
        "pending": pending,
        "cancelled": counts.get(Registration.Status.CANCELLED, 0)
        + counts.get(Registration.Status.DECLINED, 0),
        "places_left": left,
        "is_full": left == 0,
    }


def programme_of(*, event: Event) -> list[EventSession]:
    """The event's sessions in time order, each with its confirmed and waiting counts."""
    return list(
        EventSession.objects.filter(event=event)
        .annotate(
            confirmed_count=Count("choices", filter=Q(choices__status="confirmed")),
            waiting_count=Count("choices", filter=Q(choices__status="waitlisted")),
        )
        .order_by("starts_at", "title", "id")
    )


def session_get(*, event: Event, public_id: Any) -> EventSession:
    """A session of the event; 404 when it belongs to another event."""
    session = EventSession.objects.filter(event=event, public_id=public_id).first()
    if session is None:
        raise Http404
    return session


def choices_of(*, registration: Registration) -> dict[int, str]:
    """Session id → the registration's status in it."""
    return dict(
        SessionChoice.objects.filter(registration=registration).values_list("session_id", "status")
    )


def registrations_waiting(*, event: Event) -> QuerySet[Registration]:
    """The waitlist in order of arrival."""
    return (
        Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED)
        .select_related("user")
        .order_by("waitlisted_at", "id")
    )


def registrations_pending(*, event: Event) -> QuerySet[Registration]:
    """Registrations awaiting the organiser's approval, oldest first."""
    return (
        Registration.objects.filter(event=event, status=Registration.Status.PENDING)
        .select_related("user")
        .order_by("created_at", "id")
    )


def session_people(*, session: EventSession) -> QuerySet[SessionChoice]:
    """Who is in a session and who waits for it, in order of arrival."""
    return (
        SessionChoice.objects.filter(session=session)
        .select_related("registration__user")
        .order_by("status", "waitlisted_at", "created_at", "id")
    )


def registrations_confirmed(*, event: Event) -> QuerySet[Registration]:
    """Confirmed registrations by name, for the organisers' group assignment."""
    return (
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        .select_related("user")
        .order_by("user__full_name", "id")
    )
