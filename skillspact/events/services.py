"""Writes for events, their programme, invitations and registrations with waitlists.

Seats are scarce: every change that takes or frees a place locks the event row (and the session
row for a session's places) before it counts, so two people never get the last seat; on SQLite
the whole database is locked by the writing transaction, which gives the same guarantee. A freed
place goes to the first person on the waitlist, in order of arrival, who is told by e-mail and
may decline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skillspact.accounts.models import User
from skillspact.core import audit, emails
from skillspact.core.errors import DomainError, InvalidInput, InvalidState, NotPermitted
from skillspact.core.permissions import is_secretariat
from skillspact.core.text import search_text
from skillspact.core.validation import full_clean
from skillspact.events import selectors
from skillspact.events.models import (
    Event,
    EventSession,
    Invitation,
    Meeting,
    MeetingRequest,
    Question,
    Registration,
    SessionChoice,
)
from skillspact.organisations import selectors as organisation_selectors
from skillspact.organisations.models import Organisation

EVENT_FIELDS = [
    "title",
    "summary",
    "description",
    "kind",
    "starts_at",
    "ends_at",
    "time_zone",
    "format",
    "venue",
    "address",
    "online_url",
    "language",
    "audience",
    "capacity",
    "requires_approval",
    "registration_closes_at",
    "recording_url",
    "slides_url",
    "meeting_tables",
    "meeting_cap",
]
# A change to one of these reaches people's calendars and inboxes.
CALENDAR_FIELDS = {"title", "starts_at", "ends_at", "venue", "address", "online_url", "format"}
SESSION_FIELDS = [
    "title",
    "description",
    "kind",
    "starts_at",
    "ends_at",
    "room",
    "speakers",
    "capacity",
]
MAX_INVITATIONS = 2000


class RegistrationClosed(DomainError):
    code = "registration_closed"
    status = 409
    default_message = gettext_lazy("Registration for this event is closed.")


class AlreadyRegistered(DomainError):
    code = "already_registered"
    status = 409
    default_message = gettext_lazy("You are already registered for this event.")


class SessionFull(DomainError):
    code = "session_full"
    status = 409
    default_message = gettext_lazy("This session is full.")


class SessionClash(DomainError):
    code = "session_clash"
    status = 409
    default_message = gettext_lazy("This session overlaps another session you chose.")


# -- events ------------------------------------------------------------------------------------


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "event"
    slug, number = base, 1
    while Event.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _check_time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidInput(
            _("“%(zone)s” is not a time zone.") % {"zone": name},
            fields={"time_zone": [_("Choose a time zone such as Europe/Brussels.")]},
        ) from error


def _event_search_text(event: Event) -> str:
    organiser = (
        event.organisation.legal_name if event.organisation_id and event.organisation else ""
    )
    return search_text(
        " ".join([event.title, event.summary, event.venue, event.address, organiser])
    )


def _participant_emails(event: Event, statuses: Iterable[str] = Registration.ACTIVE) -> list[str]:
    return list(
        Registration.objects.filter(event=event, status__in=list(statuses), user__is_active=True)
        .values_list("user__email", flat=True)
        .distinct()
    )


def _tell_each(template: str, addresses: Iterable[str], context: dict[str, Any]) -> None:
    """One e-mail per person, so that nobody sees the other participants' addresses."""
    for address in addresses:
        emails.send_templated(template, to=[address], context=context)


def _event_url(event: Event) -> str:
    return reverse("events:detail", args=[event.slug])


@transaction.atomic
def event_save(
    *,
    actor: User,
    data: Mapping[str, Any],
    event: Event | None = None,
    organisation: Organisation | None = None,
) -> Event:
    """Create an event (a draft) or change one; people already registered hear of changes to
    its time or place, and their calendars update."""
    if event is None:
        if organisation is not None:
            organisation_selectors.ensure_can_act_for(
                user=actor,
                organisation=organisation,
                message=_("Only the contacts of an organisation organise its events."),
            )
        elif not is_secretariat(actor):
            raise NotPermitted(_("Choose the organisation that organises the event."))
        event = Event(organisation=organisation, created_by=actor)
        before: dict[str, Any] = {}
    else:
        event = Event.objects.select_for_update().get(pk=event.pk)
        if not selectors.can_manage(user=actor, event=event):
            raise NotPermitted
        if event.status == Event.Status.CANCELLED:
            raise InvalidState(_("A cancelled event cannot be changed."))
        before = audit.snapshot(event, EVENT_FIELDS)
    for name in EVENT_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    _check_time_zone(event.time_zone)
    if (
        event.registration_closes_at
        and event.ends_at
        and event.registration_closes_at > event.ends_at
    ):
        raise InvalidInput(
            _("Registration must close before the event ends."),
            fields={
                "registration_closes_at": [_("Registration must close before the event ends.")]
            },
        )
    if event.is_networking and not event.meeting_tables:
        event.meeting_tables = 10
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        raise InvalidInput(
            _("The event must end after it starts."),
            fields={"ends_at": [_("The event must end after it starts.")]},
        )
    if not event.slug:
        event.slug = _unique_slug(event.title)
    after = audit.snapshot(event, EVENT_FIELDS)
    changed_before, changed_after = audit.changed(before, after)
    is_new = event.pk is None
    if not is_new and CALENDAR_FIELDS & set(changed_after):
        event.sequence += 1
    event.search_text = _event_search_text(event)
    full_clean(event)
    event.save()
    if is_new:
        audit.record(
            event, "events.event.created", actor=actor, organisation=organisation, after=after
        )
        return event
    if changed_after:
        audit.record(
            event,
            "events.event.changed",
            actor=actor,
            organisation=event.organisation,
            before=changed_before,
            after=changed_after,
        )
    if event.is_published and CALENDAR_FIELDS & set(changed_after):
        _tell_each(
            "events/email/event_changed.txt",
            _participant_emails(
                event, [Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]
            ),
            {"event": event, "url": _event_url(event)},
        )
    if "capacity" in changed_after:
        _promote_waiting(event, actor=actor)
    return event


@transaction.atomic
def event_publish(*, event: Event, actor: User) -> Event:
    """Publish a draft event: it appears in the list and people can register."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not selectors.can_manage(user=actor, event=event):
        raise NotPermitted
    if event.status != Event.Status.DRAFT:
        raise InvalidState(_("Only a draft event can be published."))
    if event.ends_at <= timezone.now():
        raise InvalidState(_("An event that is already over cannot be published."))
    event.status = Event.Status.PUBLISHED
    event.published_at = timezone.now()
    event.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(event, "events.event.published", actor=actor, organisation=event.organisation)
    # Addresses invited while the event was a draft hear of it now.
    _tell_each(
        "events/email/invitation.txt",
        event.invitations.values_list("email", flat=True),
        {"event": event, "url": _event_url(event)},
    )
    return event


@transaction.atomic
def event_cancel(*, event: Event, actor: User, reason: str) -> Event:
    """Cancel an event; everyone registered or waiting is told why."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not selectors.can_manage(user=actor, event=event):
        raise NotPermitted
    if event.status == Event.Status.CANCELLED:
        raise InvalidState(_("This event is already cancelled."))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            _("Say why the event is cancelled; participants will read it."),
            fields={"reason": [_("Say why the event is cancelled; participants will read it.")]},
        )
    was_published = event.status == Event.Status.PUBLISHED
    event.status = Event.Status.CANCELLED
    event.cancelled_at = timezone.now()
    event.sequence += 1
    event.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
    audit.record(
        event,
        "events.event.cancelled",
        actor=actor,
        organisation=event.organisation,
        message=reason,
    )
    if was_published:
        _tell_each(
            "events/email/event_cancelled.txt",
            _participant_emails(event),
            {"event": event, "reason": reason, "url": _event_url(event)},
        )
    return event


# -- programme ---------------------------------------------------------------------------------


def _ensure_manager(actor: User, event: Event) -> None:
    if not selectors.can_manage(user=actor, event=event):
        raise NotPermitted


@transaction.atomic
def session_save(
    *, actor: User, event: Event, data: Mapping[str, Any], session: EventSession | None = None
) -> EventSession:
    """Add a session to the programme, or change one; it must lie within the event."""
    _ensure_manager(actor, event)
    if event.status == Event.Status.CANCELLED:
        raise InvalidState(_("A cancelled event cannot be changed."))
    if session is None:
        session = EventSession(event=event)
        before: dict[str, Any] = {}
    else:
        session = EventSession.objects.select_for_update().get(pk=session.pk, event=event)
        before = audit.snapshot(session, SESSION_FIELDS)
    for name in SESSION_FIELDS:
        if name in data:
            setattr(session, name, data[name])
    if session.starts_at and session.ends_at:
        if session.ends_at <= session.starts_at:
            raise InvalidInput(
                _("The session must end after it starts."),
                fields={"ends_at": [_("The session must end after it starts.")]},
            )
        if session.starts_at < event.starts_at or session.ends_at > event.ends_at:
            raise InvalidInput(
                _("A session must take place during the event."),
                fields={"starts_at": [_("A session must take place during the event.")]},
            )
    full_clean(session)
    session.save()
    after = audit.snapshot(session, SESSION_FIELDS)
    changed_before, changed_after = audit.changed(before, after)
    code = "events.session.changed" if before else "events.session.created"
    audit.record(
        session,
        code,
        actor=actor,
        organisation=event.organisation,
        before=changed_before,
        after=changed_after,
    )
    if {"starts_at", "ends_at", "title", "room"} & set(changed_after) and before:
        Event.objects.filter(pk=event.pk).update(sequence=event.sequence + 1)
    if "capacity" in changed_after:
        _promote_in_session(session, actor=actor)
    return session


@transaction.atomic
def session_delete(*, actor: User, session: EventSession) -> None:
    """Remove a session from the programme; the people in it are told."""
    event = session.event
    _ensure_manager(actor, event)
    people = list(
        SessionChoice.objects.filter(
            session=session, registration__user__is_active=True
        ).values_list("registration__user__email", flat=True)
    )
    audit.record(session, "events.session.deleted", actor=actor, organisation=event.organisation)
    title = session.title
    session.delete()
    Event.objects.filter(pk=event.pk).update(sequence=event.sequence + 1)
    _tell_each(
        "events/email/session_removed.txt",
        people,
        {"event": event, "session_title": title, "url": _event_url(event)},
    )


@transaction.atomic
def question_save(
    *, actor: User, event: Event, data: Mapping[str, Any], question: Question | None = None
) -> Question:
    """Add or change a custom question of the registration form."""
    _ensure_manager(actor, event)
    question = question or Question(event=event, position=event.questions.count() + 1)
    question.label = str(data.get("label", question.label)).strip()
    question.kind = data.get("kind", question.kind)
    question.is_required = bool(data.get("is_required", question.is_required))
    raw_choices = data.get("choices", question.choices)
    if isinstance(raw_choices, str):
        raw_choices = [line.strip() for line in raw_choices.splitlines()]
    question.choices = [str(choice).strip()[:200] for choice in raw_choices if str(choice).strip()]
    if question.kind == Question.Kind.CHOICE and len(question.choices) < 2:
        raise InvalidInput(
            _("A question with one choice needs at least two options, one per line."),
            fields={"choices": [_("Give at least two options, one per line.")]},
        )
    if question.kind != Question.Kind.CHOICE:
        question.choices = []
    full_clean(question)
    question.save()
    audit.record(
        event,
        "events.question.saved",
        actor=actor,
        organisation=event.organisation,
        after={"label": question.label},
    )
    return question


@transaction.atomic
def question_delete(*, actor: User, question: Question) -> None:
    """Remove a custom question; answers already given stay with the registrations."""
    _ensure_manager(actor, question.event)
    audit.record(
        question.event,
        "events.question.deleted",
        actor=actor,
        organisation=question.event.organisation,
        before={"label": question.label},
    )
    question.delete()


_EMAIL_SPLIT = re.compile(r"[\s,;]+")


@transaction.atomic
def invitations_add(*, actor: User, event: Event, text: str) -> list[str]:
    """Invite the addresses in `text` (separated by commas, spaces or lines); return the new
    ones. Each new invitee gets an e-mail when the event is published."""
    _ensure_manager(actor, event)
    addresses: list[str] = []
    bad: list[str] = []
    for raw in _EMAIL_SPLIT.split(text.strip()):
        if not raw:
            continue
        try:
            validate_email(raw)
        except ValidationError:
            bad.append(raw)
            continue
        if raw.lower() not in addresses:
            addresses.append(raw.lower())
    if bad:
        message = _("These are not e-mail addresses: %(list)s.") % {"list": ", ".join(bad[:10])}
        raise InvalidInput(message, fields={"emails": [message]})
    existing = set(Invitation.objects.filter(event=event).values_list("email", flat=True))
    new = [address for address in addresses if address not in existing]
    if len(existing) + len(new) > MAX_INVITATIONS:
        raise InvalidInput(
            _("An event takes at most %(max)s invitations.") % {"max": MAX_INVITATIONS},
            fields={"emails": [_("Too many addresses.")]},
        )
    Invitation.objects.bulk_create([Invitation(event=event, email=address) for address in new])
    if new:
        audit.record(
            event,
            "events.invitations.added",
            actor=actor,
            organisation=event.organisation,
            after={"count": len(new)},
        )
    if new and event.is_published:
        for address in new:
            emails.send_templated(
                "events/email/invitation.txt",
                to=[address],
                context={"event": event, "url": _event_url(event)},
            )
    return new


# -- registrations -----------------------------------------------------------------------------


def _clean_answers(event: Event, answers: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for question in event.questions.all():
        key = f"question_{question.pk}"
        value = answers.get(key, answers.get(str(question.pk)))
        if question.kind == Question.Kind.CHECKBOX:
            value = bool(value) and value not in ("0", "false", "False", "off")
            if question.is_required and not value:
                errors[key] = [_("Tick this box to register.")]
            cleaned[question.label] = value
            continue
        value = str(value or "").strip()
        if question.is_required and not value:
            errors[key] = [_("Answer this question to register.")]
        elif question.kind == Question.Kind.CHOICE and value and value not in question.choices:
            errors[key] = [_("Choose one of the options.")]
        elif len(value) > 1000:
            errors[key] = [_("Keep the answer under 1,000 characters.")]
        if value:
            cleaned[question.label] = value
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    return cleaned


def _check_no_clash(sessions: list[EventSession]) -> None:
    choosable = [session for session in sessions if session.is_choosable]
    for index, first in enumerate(choosable):
        for second in choosable[index + 1 :]:
            if first.overlaps(second.starts_at, second.ends_at):
                raise SessionClash(
                    _("“%(a)s” and “%(b)s” take place at the same time; choose one.")
                    % {"a": first.title, "b": second.title},
                    field="sessions",
                )


def _confirmed_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()


def _has_place(event: Event) -> bool:
    return event.capacity is None or _confirmed_count(event) < event.capacity


def _notify(registration: Registration, template: str, **context: Any) -> None:
    if registration.user is None or not registration.user.is_active:
        return
    emails.send_templated(
        f"events/email/{template}.txt",
        to=[registration.user.email],
        context={
            "event": registration.event,
            "registration": registration,
            "person": registration.user,
            "url": _event_url(registration.event),
            **context,
        },
    )


@transaction.atomic
def registration_create(
    *,
    event: Event,
    user: User,
    actor: User,
    answers: Mapping[str, Any] | None = None,
    sessions: Iterable[EventSession] = (),
) -> Registration:
    """Register `user` for `event`: confirmed while places last, else on the waitlist; pending
    when the organiser approves each registration. Chosen sessions are taken the same way."""
    if actor.pk != user.pk and not selectors.can_manage(user=actor, event=event):
        raise NotPermitted
    # The lock on the event row orders every registration for this event.
    event = Event.objects.select_for_update().get(pk=event.pk)
    reason = selectors.registration_block_reason(user=user, event=event)
    if reason:
        raise RegistrationClosed(reason)
    chosen = [session for session in sessions if session.event_id == event.pk]
    _check_no_clash(chosen)
    cleaned = _clean_answers(event, answers or {})
    registration = Registration.objects.filter(event=event, user=user).first()
    if registration is not None:
        if registration.is_active:
            raise AlreadyRegistered
        if registration.status == Registration.Status.REJECTED:
            raise RegistrationClosed(_("The organiser did not accept your registration."))
    else:
        registration = Registration(event=event, user=user)
    now = timezone.now()
    registration.answers = cleaned
    registration.cancelled_at = None
    registration.promoted_at = None
    registration.waitlisted_at = None
    registration.confirmed_at = None
    if event.requires_approval and not selectors.can_manage(user=actor, event=event):
        registration.status = Registration.Status.PENDING
    elif _has_place(event):
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
    else:
        registration.status = Registration.Status.WAITLISTED
        registration.waitlisted_at = now
    full_clean(registration, validate_constraints=False)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:
        raise AlreadyRegistered from error
    for session in chosen:
        _session_take(registration, session)
    audit.record(
        registration,
        "events.registration.created",
        actor=actor,
        organisation=event.organisation,
        after={"status": registration.status},
    )
    _notify(registration, f"registration_{registration.status}")
    return registration


def _session_take(
    registration: Registration, session: EventSession, *, assigned: bool = False
) -> SessionChoice:
    """Place the registration in the session, or on its waitlist (caller holds the event lock)."""
    session = EventSession.objects.select_for_update().get(pk=session.pk)
    if not session.is_choosable:
        raise InvalidInput(
            _("Everyone attends “%(title)s”; there is nothing to choose.")
            % {"title": session.title},
            fields={"sessions": [_("This session is for everyone.")]},
        )
    choice = SessionChoice.objects.filter(registration=registration, session=session).first()
    if choice is not None:
        return choice
    taken = SessionChoice.objects.filter(
        session=session, status=SessionChoice.Status.CONFIRMED
    ).count()
    has_place = session.capacity is None or taken < session.capacity
    if registration.is_confirmed and has_place:
        status, waitlisted_at = SessionChoice.Status.CONFIRMED, None
    else:
        status, waitlisted_at = SessionChoice.Status.WAITLISTED, timezone.now()
    return SessionChoice.objects.create(
        registration=registration,
        session=session,
        status=status,
        waitlisted_at=waitlisted_at,
        is_assigned=assigned,
    )


def _promote_in_session(session: EventSession, *, actor: User | None) -> list[SessionChoice]:
    """Give the session's free places to the first waiting people whose registration is
    confirmed, in order of arrival."""
    session = EventSession.objects.select_for_update().get(pk=session.pk)
    promoted: list[SessionChoice] = []
    while True:
        taken = SessionChoice.objects.filter(
            session=session, status=SessionChoice.Status.CONFIRMED
        ).count()
        if session.capacity is not None and taken >= session.capacity:
            break
        nxt = (
            SessionChoice.objects.select_for_update(of=("self",))
            .filter(
                session=session,
                status=SessionChoice.Status.WAITLISTED,
                registration__status=Registration.Status.CONFIRMED,
            )
            .order_by("waitlisted_at", "id")
            .select_related("registration__user", "registration__event")
            .first()
        )
        if nxt is None:
            break
        nxt.status = SessionChoice.Status.CONFIRMED
        nxt.waitlisted_at = None
        nxt.save(update_fields=["status", "waitlisted_at"])
        promoted.append(nxt)
        _notify(nxt.registration, "session_promoted", session=session)
    return promoted


def _confirm(registration: Registration, *, promoted: bool) -> None:
    now = timezone.now()
    registration.status = Registration.Status.CONFIRMED
    registration.confirmed_at = now
    registration.waitlisted_at = None
    if promoted:
        registration.promoted_at = now
    registration.save(
        update_fields=["status", "confirmed_at", "waitlisted_at", "promoted_at", "updated_at"]
    )
    # Sessions chosen while waiting are taken up now, as far as they have room.
    for choice in registration.session_choices.select_related("session"):
        if choice.status == SessionChoice.Status.WAITLISTED:
            _promote_in_session(choice.session, actor=None)


def _promote_waiting(event: Event, *, actor: User | None) -> list[Registration]:
    """Give free places to the first people on the waitlist (caller holds the event lock)."""
    promoted: list[Registration] = []
    while _has_place(event):
        nxt = (
            Registration.objects.select_for_update()
            .filter(event=event, status=Registration.Status.WAITLISTED)
            .order_by("waitlisted_at", "id")
            .first()
        )
        if nxt is None:
            break
        _confirm(nxt, promoted=True)
        promoted.append(nxt)
        audit.record(
            nxt, "events.registration.promoted", actor=actor, organisation=event.organisation
        )
        _notify(nxt, "registration_promoted")
    return promoted


def _release(registration: Registration) -> None:
    """Free the registration's session places and meetings, promoting whoever waits."""
    choices = list(registration.session_choices.select_related("session"))
    for choice in choices:
        was_confirmed = choice.status == SessionChoice.Status.CONFIRMED
        choice.delete()
        if was_confirmed:
            _promote_in_session(choice.session, actor=None)
    open_requests = MeetingRequest.objects.filter(
        status__in=[MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED]
    ).filter(sender=registration) | MeetingRequest.objects.filter(
        status__in=[MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED],
        recipient=registration,
    )
    request_ids = list(open_requests.values_list("pk", flat=True))
    Meeting.objects.filter(request_id__in=request_ids).delete()
    MeetingRequest.objects.filter(pk__in=request_ids).update(
        status=MeetingRequest.Status.CANCELLED, answered_at=timezone.now()
    )


@transaction.atomic
def registration_cancel(
    *, registration: Registration, actor: User, status: str = Registration.Status.CANCELLED
) -> Registration:
    """Cancel a registration (or decline an offered place); the place goes to the first person
    waiting."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    is_owner = registration.user_id is not None and registration.user_id == actor.pk
    if not (is_owner or selectors.can_manage(user=actor, event=event)):
        raise NotPermitted
    if not registration.is_active:
        raise InvalidState(_("This registration is already cancelled."))
    if event.ends_at <= timezone.now():
        raise InvalidState(_("The event is over; the registration can no longer be cancelled."))
    was_confirmed = registration.is_confirmed
    registration.status = status
    registration.cancelled_at = timezone.now()
    registration.waitlisted_at = None
    registration.save(update_fields=["status", "cancelled_at", "waitlisted_at", "updated_at"])
    _release(registration)
    code = (
        "events.registration.declined"
        if status == Registration.Status.DECLINED
        else "events.registration.cancelled"
    )
    audit.record(registration, code, actor=actor, organisation=event.organisation)
    _notify(registration, "registration_cancelled", by_organiser=not is_owner)
    if was_confirmed:
        _promote_waiting(event, actor=actor)
    return registration


def registration_decline(*, registration: Registration, actor: User) -> Registration:
    """The person promoted from the waitlist cannot come after all: the place moves on."""
    if registration.promoted_at is None or not registration.is_confirmed:
        raise InvalidState(_("Only a place offered from the waitlist can be declined."))
    return registration_cancel(
        registration=registration, actor=actor, status=Registration.Status.DECLINED
    )


@transaction.atomic
def registration_approve(*, registration: Registration, actor: User) -> Registration:
    """Accept a pending registration: confirmed while places last, else waitlisted."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    _ensure_manager(actor, event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.PENDING:
        raise InvalidState(_("Only a registration awaiting approval can be approved."))
    if _has_place(event):
        _confirm(registration, promoted=False)
    else:
        registration.status = Registration.Status.WAITLISTED
        registration.waitlisted_at = timezone.now()
        registration.save(update_fields=["status", "waitlisted_at", "updated_at"])
    audit.record(
        registration,
        "events.registration.approved",
        actor=actor,
        organisation=event.organisation,
        after={"status": registration.status},
    )
    _notify(registration, f"registration_{registration.status}")
    return registration


@transaction.atomic
def registration_reject(
    *, registration: Registration, actor: User, reason: str = ""
) -> Registration:
    """Turn down a pending registration; the person is told, with the reason if given."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    _ensure_manager(actor, event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.PENDING:
        raise InvalidState(_("Only a registration awaiting approval can be turned down."))
    registration.status = Registration.Status.REJECTED
    registration.save(update_fields=["status", "updated_at"])
    _release(registration)
    audit.record(
        registration,
        "events.registration.rejected",
        actor=actor,
        organisation=event.organisation,
        message=reason,
    )
    _notify(registration, "registration_rejected", reason=reason.strip())
    return registration


# -- sessions of a registration ----------------------------------------------------------------


def _ensure_owner_or_manager(actor: User, registration: Registration) -> None:
    if registration.user_id == actor.pk:
        return
    if not selectors.can_manage(user=actor, event=registration.event):
        raise NotPermitted


@transaction.atomic
def session_join(
    *, registration: Registration, session: EventSession, actor: User
) -> SessionChoice:
    """Take a place in a session of the programme (or wait for one)."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    _ensure_owner_or_manager(actor, registration)
    if session.event_id != event.pk:
        raise NotPermitted
    if not registration.is_active:
        raise InvalidState(_("Register for the event first."))
    if event.ends_at <= timezone.now():
        raise InvalidState(_("The event is over."))
    others = [choice.session for choice in registration.session_choices.select_related("session")]
    _check_no_clash([*[s for s in others if s.pk != session.pk], session])
    choice = _session_take(registration, session)
    audit.record(
        registration,
        "events.session.joined",
        actor=actor,
        organisation=event.organisation,
        after={"session": session.title, "status": choice.status},
    )
    return choice


@transaction.atomic
def session_leave(*, registration: Registration, session: EventSession, actor: User) -> None:
    """Give up a place in a session (or its waitlist); the first person waiting gets it."""
    Event.objects.select_for_update().get(pk=registration.event_id)
    _ensure_owner_or_manager(actor, registration)
    choice = SessionChoice.objects.filter(registration=registration, session=session).first()
    if choice is None:
        raise InvalidState(_("You are not in this session."))
    was_confirmed = choice.status == SessionChoice.Status.CONFIRMED
    choice.delete()
    audit.record(
        registration,
        "events.session.left",
        actor=actor,
        organisation=registration.event.organisation,
        before={"session": session.title},
    )
    if was_confirmed:
        _promote_in_session(session, actor=actor)


@transaction.atomic
def session_move(
    *,
    registration: Registration,
    to_session: EventSession,
    actor: User,
    from_session: EventSession | None = None,
) -> SessionChoice:
    """The organiser places a confirmed participant in a session, out of another one; refused
    when the session is full, and then nothing moves."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    _ensure_manager(actor, event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_confirmed:
        raise InvalidState(_("Only confirmed participants can be placed in sessions."))
    if to_session.event_id != event.pk or (from_session and from_session.event_id != event.pk):
        raise NotPermitted
    if from_session is not None:
        SessionChoice.objects.filter(registration=registration, session=from_session).delete()
    existing = SessionChoice.objects.filter(registration=registration, session=to_session).first()
    if existing is not None and existing.status == SessionChoice.Status.CONFIRMED:
        raise InvalidState(_("This person is already in that session."))
    if existing is not None:
        existing.delete()
    others = [c.session for c in registration.session_choices.select_related("session")]
    _check_no_clash([*others, to_session])
    choice = _session_take(registration, to_session, assigned=True)
    if choice.status != SessionChoice.Status.CONFIRMED:
        raise SessionFull(_("“%(title)s” is full; nobody was moved.") % {"title": to_session.title})
    if from_session is not None:
        _promote_in_session(from_session, actor=actor)
    audit.record(
        registration,
        "events.session.assigned",
        actor=actor,
        organisation=event.organisation,
        before={"session": from_session.title if from_session else ""},
        after={"session": to_session.title},
    )
    _notify(registration, "session_assigned", session=to_session)
    return choice
