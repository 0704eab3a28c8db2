"""iCalendar (RFC 5545) files: one per registration, and a subscribable feed per person.

Each event, session and meeting keeps the same UID in every file it appears in, so a calendar
program that imported the registration's file and also subscribes to the feed sees one entry, and
a changed date replaces the old entry instead of adding a second one. `SEQUENCE` follows
`Event.sequence`, which the organiser's changes raise; sessions and meetings add the seconds
between their creation and their last change, so a moved session or meeting is picked up too.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

import icalendar
from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from skillspact.events.models import (
    Event,
    Meeting,
    MeetingSeat,
    Registration,
    SessionChoice,
)

PRODID = "-//skillspact//Events//EN"
UID_DOMAIN = "skillspact"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _event_url(event: Event) -> str:
    return settings.SITE_URL + reverse("events:detail", args=[event.slug])


def _sequence(event: Event, item: Any) -> int:
    """The event's sequence, plus how far the item's last change lies after its creation."""
    changed = int((item.updated_at - item.created_at).total_seconds())
    return event.sequence + max(changed, 0)


def _is_cancelled(registration: Registration) -> bool:
    return (
        registration.event.status == Event.Status.CANCELLED
        or registration.status not in Registration.ACTIVE
    )


def _status(registration: Registration) -> str:
    if _is_cancelled(registration):
        return "CANCELLED"
    if registration.status == Registration.Status.CONFIRMED:
        return "CONFIRMED"
    return "TENTATIVE"


def _place(event: Event, registration: Registration) -> str:
    """Venue and address; the online link only for confirmed people."""
    parts = [part for part in (event.venue, event.address) if part]
    if (
        event.online_url
        and registration.status == Registration.Status.CONFIRMED
        and event.format in (Event.Format.ONLINE, Event.Format.HYBRID)
    ):
        parts.append(event.online_url)
    return ", ".join(parts)


def _base(
    component: icalendar.Event,
    *,
    uid: str,
    summary: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    sequence: int,
    stamp: datetime.datetime,
    modified: datetime.datetime,
) -> None:
    component.add("uid", uid)
    component.add("dtstamp", stamp)
    component.add("last-modified", _utc(modified))
    component.add("sequence", sequence)
    component.add("summary", summary)
    component.add("dtstart", _utc(starts_at))
    component.add("dtend", _utc(ends_at))


def _event_component(registration: Registration, stamp: datetime.datetime) -> icalendar.Event:
    event = registration.event
    component = icalendar.Event()
    _base(
        component,
        uid=f"event-{event.public_id}@{UID_DOMAIN}",
        summary=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        sequence=event.sequence,
        stamp=stamp,
        modified=event.updated_at,
    )
    url = _event_url(event)
    description = "\n\n".join(part for part in (event.summary, url) if part)
    component.add("description", description)
    component.add("url", url)
    place = _place(event, registration)
    if place:
        component.add("location", place)
    component.add("status", _status(registration))
    component.add("transp", "OPAQUE")
    return component


def _session_component(
    choice: SessionChoice, registration: Registration, stamp: datetime.datetime
) -> icalendar.Event:
    session = choice.session
    event = registration.event
    component = icalendar.Event()
    _base(
        component,
        uid=f"session-{session.public_id}@{UID_DOMAIN}",
        summary=f"{session.title} · {event.title}",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        sequence=_sequence(event, session),
        stamp=stamp,
        modified=max(session.updated_at, event.updated_at),
    )
    lines = [session.description]
    if session.speakers:
        lines.append(_("Speakers: %(names)s") % {"names": session.speakers})
    lines.append(_event_url(event))
    component.add("description", "\n\n".join(line for line in lines if line))
    component.add("url", _event_url(event))
    place = ", ".join(part for part in (session.room, _place(event, registration)) if part)
    if place:
        component.add("location", place)
    component.add("status", _status(registration))
    component.add("related-to", f"event-{event.public_id}@{UID_DOMAIN}")
    return component


def _other_name(meeting: Meeting, registration: Registration) -> str:
    request = meeting.request
    other = request.recipient if request.sender_id == registration.pk else request.sender
    if other.user is None:
        return _("a participant")
    return other.user.full_name or _("a participant")


def _meeting_component(
    seat: MeetingSeat, registration: Registration, stamp: datetime.datetime
) -> icalendar.Event:
    meeting = seat.meeting
    slot = meeting.slot
    event = registration.event
    other = _other_name(meeting, registration)
    component = icalendar.Event()
    _base(
        component,
        uid=f"meeting-{meeting.public_id}@{UID_DOMAIN}",
        summary=_("Meeting with %(name)s · %(event)s") % {"name": other, "event": event.title},
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        sequence=_sequence(event, meeting),
        stamp=stamp,
        modified=max(meeting.updated_at, event.updated_at),
    )
    table = (
        _("Online room %(number)s")
        if event.format == Event.Format.ONLINE
        else _("Table %(number)s")
    ) % {"number": meeting.table}
    message = meeting.request.message
    lines = [_("One-to-one meeting with %(name)s.") % {"name": other}, table, message]
    if event.agenda_state == Event.AgendaState.PRELIMINARY:
        lines.append(_("Preliminary agenda: the time may still change."))
    lines.append(_event_url(event))
    component.add("description", "\n\n".join(line for line in lines if line))
    component.add("url", _event_url(event))
    component.add("location", ", ".join(p for p in (table, _place(event, registration)) if p))
    status = _status(registration)
    if status == "CONFIRMED" and event.agenda_state == Event.AgendaState.PRELIMINARY:
        status = "TENTATIVE"
    component.add("status", status)
    component.add("related-to", f"event-{event.public_id}@{UID_DOMAIN}")
    return component


def _published_meeting(seat: MeetingSeat, event: Event) -> bool:
    """Scheduled meetings show once the organiser published an agenda; booked ones at once."""
    return (
        seat.meeting.source != Meeting.Source.SCHEDULER
        or event.agenda_state != Event.AgendaState.NONE
    )


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _with_details(queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    return queryset.select_related("event").prefetch_related(
        Prefetch(
            "session_choices",
            queryset=SessionChoice.objects.filter(status=SessionChoice.Status.CONFIRMED)
            .select_related("session")
            .order_by("session__starts_at", "session_id"),
            to_attr="confirmed_choices",
        ),
        Prefetch(
            "meeting_seats",
            queryset=MeetingSeat.objects.select_related(
                "meeting__slot",
                "meeting__request__sender__user",
                "meeting__request__recipient__user",
            ).order_by("slot__starts_at", "id"),
            to_attr="seats",
        ),
    )


def _components(
    registrations: Iterable[Registration], stamp: datetime.datetime
) -> Iterable[icalendar.Event]:
    for registration in registrations:
        yield _event_component(registration, stamp)
        if registration.status not in Registration.ACTIVE:
            continue
        for choice in getattr(registration, "confirmed_choices", []):
            yield _session_component(choice, registration, stamp)
        for seat in getattr(registration, "seats", []):
            if _published_meeting(seat, registration.event):
                yield _meeting_component(seat, registration, stamp)


def registration_ics(*, registration: Registration, now: datetime.datetime | None = None) -> bytes:
    """The `.ics` file of one registration: the event, its sessions and meetings."""
    stamp = _utc(now or timezone.now())
    loaded = _with_details(Registration.objects.filter(pk=registration.pk)).get()
    calendar = _calendar(loaded.event.title)
    for component in _components([loaded], stamp):
        calendar.add_component(component)
    return calendar.to_ical()


def feed_ics(*, user: Any, now: datetime.datetime | None = None) -> bytes:
    """The person's subscribable calendar: every active registration's event, sessions and
    meetings; events the organiser cancelled stay in it, marked cancelled."""
    stamp = _utc(now or timezone.now())
    registrations = _with_details(
        Registration.objects.filter(user=user, status__in=Registration.ACTIVE).exclude(
            event__status=Event.Status.DRAFT
        )
    ).order_by("event__starts_at", "id")
    calendar = _calendar(_("%(site)s events") % {"site": settings.PARTNERSHIP_NAME})
    # Calendar programs that honour these poll the feed hourly.
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for component in _components(registrations, stamp):
        calendar.add_component(component)
    return calendar.to_ical()


def filename(event: Event) -> str:
    """A safe download name for an event's calendar file."""
    return f"{event.slug}.ics"
