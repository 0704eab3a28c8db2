"""One-to-one meetings at networking events: profiles, availability, meeting slots, requests,
direct booking, scheduler runs, agendas and ratings (the writes).

Participants are the confirmed registrations of an event whose kind is `networking`. A meeting
takes one of the organiser's slots at one of the event's tables. The database refuses a person
in two meetings of one slot (`MeetingSeat`) and two meetings at one table of a slot (`Meeting`);
the services below lock the slot and the two registrations first so that people get a clear
answer instead of a constraint error, and turn the constraint error into one when a parallel
booking won anyway.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skillspact.core import audit
from skillspact.core.emails import send_templated
from skillspact.core.errors import InvalidInput, InvalidState, NotPermitted
from skillspact.core.text import search_text
from skillspact.core.validation import full_clean
from skillspact.events import networking_selectors, scheduler
from skillspact.events import selectors as event_selectors
from skillspact.events.models import (
    Availability,
    Event,
    Meeting,
    MeetingRating,
    MeetingRequest,
    MeetingSeat,
    MeetingSlot,
    NetworkingProfile,
    Registration,
    ScheduleRun,
)
from skillspact.organisations.models import StakeholderType
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import ConceptType

logger = logging.getLogger(__name__)

# Pending requests a person may have sent and not yet had answered.
PENDING_REQUESTS_MAX = 50
INTERESTS_MAX = 20
SLOTS_PER_CALL_MAX = 100
# A run that has been "running" longer than this is taken as lost (a worker that died).
RUN_STALE_AFTER = datetime.timedelta(minutes=15)
SCHEDULER_SECONDS = 25.0


# -- errors ------------------------------------------------------------------------------------


class NotNetworking(InvalidState):
    code = "not_networking"
    default_message = gettext_lazy("This event has no one-to-one meetings.")


class NotParticipant(NotPermitted):
    code = "not_participant"
    default_message = gettext_lazy("Only confirmed participants of this event can do this.")


class EventClosed(InvalidState):
    code = "event_closed"
    default_message = gettext_lazy("This event is over or cancelled.")


class RequestToSelf(InvalidInput):
    code = "request_to_self"
    default_message = gettext_lazy("You cannot ask yourself for a meeting.")


class RequestExists(InvalidState):
    code = "request_exists"
    default_message = gettext_lazy("There is already an open meeting request between you two.")


class TooManyPendingRequests(InvalidState):
    code = "too_many_pending_requests"


class RecipientHidden(InvalidState):
    code = "recipient_hidden"
    default_message = gettext_lazy("This participant cannot be found by others.")


class RequestNotOpen(InvalidState):
    code = "request_not_open"
    default_message = gettext_lazy("This request was already answered or cancelled.")


class SlotTaken(InvalidState):
    code = "slot_taken"
    default_message = gettext_lazy(
        "This slot was just taken: one of you, or the last table, is booked in it now. "
        "Choose another slot."
    )


class SlotUnavailable(InvalidState):
    code = "slot_unavailable"


class MeetingCapReached(InvalidState):
    code = "meeting_cap_reached"


class AlreadyScheduled(InvalidState):
    code = "already_scheduled"
    default_message = gettext_lazy("This meeting already has a slot.")


class SlotsOverlap(InvalidInput):
    code = "slots_overlap"


class SlotInUse(InvalidState):
    code = "slot_in_use"


class RunInProgress(InvalidState):
    code = "run_in_progress"
    default_message = gettext_lazy("The scheduler is already running for this event.")


class AgendaIsFinal(InvalidState):
    code = "agenda_final"
    default_message = gettext_lazy("The final agenda is published; it can no longer change.")


class TooEarlyToRate(InvalidState):
    code = "too_early_to_rate"
    default_message = gettext_lazy("A meeting can be rated once it has taken place.")


# -- checks ------------------------------------------------------------------------------------


def _ensure_networking(event: Event) -> None:
    if not event.is_networking:
        raise NotNetworking


def _ensure_open(event: Event) -> None:
    if event.status != Event.Status.PUBLISHED or event.is_past:
        raise EventClosed


def _ensure_participant(registration: Registration, actor: Any) -> None:
    """`registration` is the actor's own confirmed registration for a networking event."""
    _ensure_networking(registration.event)
    if (
        registration.status != Registration.Status.CONFIRMED
        or registration.user_id is None
        or actor is None
        or registration.user_id != actor.pk
    ):
        raise NotParticipant


def _ensure_manager(event: Event, actor: Any) -> None:
    if not event_selectors.can_manage(user=actor, event=event):
        raise NotPermitted
    _ensure_networking(event)


def _lock_registrations(*registrations: Registration) -> dict[int, Registration]:
    """Lock the registrations' rows, always in key order so that two bookings never deadlock."""
    ids = sorted({r.pk for r in registrations})
    locked = Registration.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {r.pk: r for r in locked}


# -- profiles ----------------------------------------------------------------------------------


def _interests_clean(uris: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(u.strip() for u in uris if u and u.strip()))
    if len(wanted) > INTERESTS_MAX:
        message = _("Choose at most %(count)s interests.") % {"count": INTERESTS_MAX}
        raise InvalidInput(message, fields={"interests": [message]})
    found = taxonomy_selectors.concepts_describe(wanted, concept_type=ConceptType.SKILL)
    missing = [uri for uri in wanted if uri not in found]
    if missing:
        message = _("Not a known ESCO skill: %(uri)s") % {"uri": missing[0]}
        raise InvalidInput(message, fields={"interests": [message]})
    return wanted


def profile_search_text(
    profile: NetworkingProfile, *, name: str, interest_labels: list[str]
) -> str:
    """What the participant search reads: name, headline, offers, seeks, interests and type."""
    label = (
        str(StakeholderType(profile.stakeholder_type).label)
        if profile.stakeholder_type in StakeholderType.values
        else ""
    )
    parts = [name, profile.headline, profile.offers, profile.seeks, label, *interest_labels]
    return search_text(" ".join(part for part in parts if part))


@transaction.atomic
def profile_save(
    *,
    registration: Registration,
    actor: Any,
    headline: str,
    offers: str,
    seeks: str,
    interests: Iterable[str],
    stakeholder_type: str,
    is_visible: bool,
) -> NetworkingProfile:
    """Create or update the participant's networking profile."""
    _ensure_participant(registration, actor)
    if stakeholder_type and stakeholder_type not in StakeholderType.values:
        message = _("Choose a stakeholder type from the list.")
        raise InvalidInput(message, fields={"stakeholder_type": [message]})
    uris = _interests_clean(interests)
    profile = NetworkingProfile.objects.filter(registration=registration).first()
    created = profile is None
    if profile is None:
        profile = NetworkingProfile(registration=registration)
    fields = ["headline", "offers", "seeks", "interests", "stakeholder_type", "is_visible"]
    before = audit.snapshot(profile, fields)
    profile.headline = headline.strip()
    profile.offers = offers.strip()
    profile.seeks = seeks.strip()
    profile.interests = uris
    profile.stakeholder_type = stakeholder_type
    profile.is_visible = is_visible
    labels = taxonomy_selectors.concepts_describe(uris, concept_type=ConceptType.SKILL)
    profile.search_text = profile_search_text(
        profile,
        name=registration.user.full_name if registration.user else "",
        interest_labels=[labels[uri].label for uri in uris if uri in labels],
    )
    full_clean(profile)
    profile.save()
    old, new = audit.changed(before, audit.snapshot(profile, fields))
    audit.record(
        registration,
        "events.networking.profile_created" if created else "events.networking.profile_updated",
        actor=actor,
        before={} if created else old,
        after=new,
    )
    return profile


# -- availability ------------------------------------------------------------------------------


@transaction.atomic
def availability_set(
    *, registration: Registration, actor: Any, slots: Iterable[MeetingSlot]
) -> set[int]:
    """Make the participant available in exactly `slots`; returns the slot ids kept.

    A slot a session of theirs blocks is refused, and so is dropping a slot in which they
    already have a meeting.
    """
    _ensure_participant(registration, actor)
    event = registration.event
    _ensure_open(event)
    wanted = {slot.pk for slot in slots}
    own = set(MeetingSlot.objects.filter(event=event).values_list("pk", flat=True))
    if wanted - own:
        raise InvalidInput(_("A chosen slot does not belong to this event."))
    blocked = networking_selectors.blocked_slot_ids(
        event=event, registration_ids=[registration.pk]
    )[registration.pk]
    clash = wanted & blocked
    if clash:
        slot = MeetingSlot.objects.get(pk=min(clash))
        raise SlotUnavailable(
            _("You attend a session at %(time)s, so you cannot meet then.")
            % {"time": _slot_label(slot, event)}
        )
    busy = set(
        MeetingSeat.objects.filter(registration=registration).values_list("slot_id", flat=True)
    )
    dropped_busy = busy - wanted
    if dropped_busy:
        slot = MeetingSlot.objects.get(pk=min(dropped_busy))
        raise SlotInUse(
            _("You have a meeting at %(time)s; cancel it before you remove that slot.")
            % {"time": _slot_label(slot, event)}
        )
    current = set(
        Availability.objects.filter(registration=registration).values_list("slot_id", flat=True)
    )
    Availability.objects.filter(registration=registration, slot_id__in=current - wanted).delete()
    Availability.objects.bulk_create(
        [Availability(registration=registration, slot_id=pk) for pk in sorted(wanted - current)]
    )
    if wanted != current:
        audit.record(
            registration,
            "events.networking.availability_set",
            actor=actor,
            before={"slots": len(current)},
            after={"slots": len(wanted)},
        )
    return wanted


def _slot_label(slot: MeetingSlot, event: Event) -> str:
    local = timezone.localtime(slot.starts_at, _zone(event))
    return local.strftime("%d/%m/%Y %H:%M")


def _zone(event: Event) -> datetime.tzinfo:
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(event.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


# -- the organiser's slots, tables and cap -----------------------------------------------------


@transaction.atomic
def meeting_settings_save(*, event: Event, actor: Any, tables: int, cap: int) -> Event:
    """Set the number of tables (or online rooms) per slot and the cap of meetings per person."""
    _ensure_manager(event, actor)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if tables < 0 or cap < 1:
        raise InvalidInput(_("Tables cannot be negative and the cap must be at least 1."))
    highest = Meeting.objects.filter(slot__event=event).order_by("-table").first()
    if highest is not None and highest.table > tables:
        message = _("A meeting already uses table %(table)s; keep at least that many tables.") % {
            "table": highest.table
        }
        raise InvalidInput(message, fields={"tables": [message]})
    busiest = (
        MeetingSeat.objects.filter(slot__event=event)
        .values("registration")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest is not None and busiest["n"] > cap:
        message = _("A participant already has %(count)s meetings; the cap cannot be lower.") % {
            "count": busiest["n"]
        }
        raise InvalidInput(message, fields={"cap": [message]})
    fields = ["meeting_tables", "meeting_cap"]
    before = audit.snapshot(event, fields)
    event.meeting_tables = tables
    event.meeting_cap = cap
    event.save(update_fields=["meeting_tables", "meeting_cap", "updated_at"])
    old, new = audit.changed(before, audit.snapshot(event, fields))
    if new:
        audit.record(
            event, "events.networking.settings_changed", actor=actor, before=old, after=new
        )
    return event


@transaction.atomic
def slots_add(
    *,
    event: Event,
    actor: Any,
    starts_at: datetime.datetime,
    minutes: int,
    count: int = 1,
    gap_minutes: int = 0,
) -> list[MeetingSlot]:
    """Add `count` slots of `minutes` each from `starts_at`, `gap_minutes` apart, within the
    event's dates and overlapping no existing slot."""
    _ensure_manager(event, actor)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if minutes < 5 or minutes > 240:
        message = _("A slot lasts between 5 and 240 minutes.")
        raise InvalidInput(message, fields={"minutes": [message]})
    if count < 1 or count > SLOTS_PER_CALL_MAX:
        message = _("Add between 1 and %(max)s slots at a time.") % {"max": SLOTS_PER_CALL_MAX}
        raise InvalidInput(message, fields={"count": [message]})
    if gap_minutes < 0:
        message = _("The pause between slots cannot be negative.")
        raise InvalidInput(message, fields={"gap_minutes": [message]})
    length = datetime.timedelta(minutes=minutes)
    step = length + datetime.timedelta(minutes=gap_minutes)
    wanted = [(starts_at + i * step, starts_at + i * step + length) for i in range(count)]
    if wanted[0][0] < event.starts_at or wanted[-1][1] > event.ends_at:
        message = _("The slots must lie within the event's dates.")
        raise InvalidInput(message, fields={"starts_at": [message]})
    existing = list(MeetingSlot.objects.filter(event=event))
    for start, end in wanted:
        for slot in existing:
            if slot.starts_at < end and start < slot.ends_at:
                message = _("A new slot overlaps the slot at %(time)s.") % {
                    "time": _slot_label(slot, event)
                }
                raise SlotsOverlap(message, fields={"starts_at": [message]})
    created = []
    for start, end in wanted:
        slot = MeetingSlot(event=event, starts_at=start, ends_at=end)
        full_clean(slot)
        slot.save()
        created.append(slot)
    audit.record(
        event,
        "events.networking.slots_added",
        actor=actor,
        after={"count": count, "minutes": minutes, "starts_at": starts_at.isoformat()},
    )
    return created


@transaction.atomic
def slot_delete(*, slot: MeetingSlot, actor: Any) -> None:
    """Remove a slot that holds no meeting."""
    event = slot.event
    _ensure_manager(event, actor)
    slot = MeetingSlot.objects.select_for_update().get(pk=slot.pk)
    if Meeting.objects.filter(slot=slot).exists():
        raise SlotInUse(_("Meetings take place in this slot; it cannot be removed."))
    label = _slot_label(slot, event)
    slot.delete()
    audit.record(event, "events.networking.slot_deleted", actor=actor, before={"slot": label})


# -- requests ----------------------------------------------------------------------------------


def _other_side_email(request: MeetingRequest, registration: Registration) -> list[str]:
    other = request.recipient if registration.pk == request.sender_id else request.sender
    return [other.user.email] if other.user_id and other.user else []


def _request_email(template: str, request: MeetingRequest, *, to: Registration) -> None:
    if not (to.user_id and to.user):
        return
    send_templated(
        f"events/email/{template}.txt",
        to=[to.user.email],
        context={
            "request": request,
            "event": request.event,
            "sender": request.sender.user,
            "recipient": request.recipient.user,
            "person": to.user,
        },
    )


@transaction.atomic
def request_send(
    *, sender: Registration, recipient: Registration, actor: Any, message: str = ""
) -> MeetingRequest:
    """Ask another participant for a one-to-one meeting."""
    _ensure_participant(sender, actor)
    event = sender.event
    _ensure_open(event)
    if recipient.pk == sender.pk:
        raise RequestToSelf
    locked = _lock_registrations(sender, recipient)
    recipient = locked[recipient.pk]
    if recipient.event_id != event.pk or recipient.status != Registration.Status.CONFIRMED:
        raise NotParticipant(_("This person does not take part in this event."))
    profile = NetworkingProfile.objects.filter(registration=recipient).first()
    if profile is not None and not profile.is_visible:
        raise RecipientHidden
    open_statuses = [MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED]
    pair = Q(sender=sender, recipient=recipient) | Q(sender=recipient, recipient=sender)
    if MeetingRequest.objects.filter(pair, status__in=open_statuses).exists():
        raise RequestExists
    pending = MeetingRequest.objects.filter(
        sender=sender, status=MeetingRequest.Status.PENDING
    ).count()
    if pending >= PENDING_REQUESTS_MAX:
        raise TooManyPendingRequests(
            _(
                "You have %(count)s requests waiting for an answer, the most allowed. "
                "Wait for answers or cancel some before you send more."
            )
            % {"count": pending}
        )
    request = MeetingRequest(
        event=event, sender=sender, recipient=recipient, message=message.strip()
    )
    full_clean(request, exclude=["event", "sender", "recipient"])
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as error:
        raise RequestExists from error
    audit.record(request, "events.networking.request_sent", actor=actor)
    _request_email("networking_request_received", request, to=recipient)
    return request


def _lock_request(request: MeetingRequest) -> MeetingRequest:
    return (
        MeetingRequest.objects.select_for_update(of=("self",))
        .select_related("event", "sender__user", "recipient__user")
        .get(pk=request.pk)
    )


def _answer(request: MeetingRequest, actor: Any, status: str, code: str) -> MeetingRequest:
    request = _lock_request(request)
    _ensure_participant(request.recipient, actor)
    if request.status != MeetingRequest.Status.PENDING:
        raise RequestNotOpen
    if status == MeetingRequest.Status.ACCEPTED:
        _ensure_open(request.event)
    request.status = status
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answered_at", "updated_at"])
    audit.record(request, code, actor=actor)
    _request_email("networking_request_answered", request, to=request.sender)
    return request


@transaction.atomic
def request_accept(*, request: MeetingRequest, actor: Any) -> MeetingRequest:
    """The recipient accepts: the two may now be scheduled or book a slot."""
    return _answer(
        request, actor, MeetingRequest.Status.ACCEPTED, "events.networking.request_accepted"
    )


@transaction.atomic
def request_decline(*, request: MeetingRequest, actor: Any) -> MeetingRequest:
    """The recipient declines."""
    return _answer(
        request, actor, MeetingRequest.Status.DECLINED, "events.networking.request_declined"
    )


@transaction.atomic
def request_cancel(*, request: MeetingRequest, actor: Any) -> MeetingRequest:
    """The sender withdraws a pending request, or either side calls off an accepted one (its
    meeting, if any, is removed and its table freed)."""
    request = _lock_request(request)
    is_sender = request.sender.user_id is not None and request.sender.user_id == getattr(
        actor, "pk", None
    )
    is_recipient = request.recipient.user_id is not None and request.recipient.user_id == getattr(
        actor, "pk", None
    )
    if request.status == MeetingRequest.Status.PENDING and not is_sender:
        raise NotPermitted(_("Only the sender can withdraw a request; decline it instead."))
    if request.status == MeetingRequest.Status.ACCEPTED and not (is_sender or is_recipient):
        raise NotPermitted
    if request.status not in (MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED):
        raise RequestNotOpen
    mine = request.sender if is_sender else request.recipient
    _ensure_participant(mine, actor)
    meeting = Meeting.objects.filter(request=request).select_related("slot").first()
    if meeting is not None:
        if meeting.slot.starts_at <= timezone.now():
            raise InvalidState(_("This meeting has already taken place."))
        meeting.delete()
    request.status = MeetingRequest.Status.CANCELLED
    request.answered_at = request.answered_at or timezone.now()
    request.save(update_fields=["status", "answered_at", "updated_at"])
    audit.record(
        request,
        "events.networking.request_cancelled",
        actor=actor,
        after={"meeting_removed": meeting is not None},
    )
    other = request.recipient if is_sender else request.sender
    send_templated(
        "events/email/networking_request_cancelled.txt",
        to=_other_side_email(request, mine),
        context={
            "request": request,
            "event": request.event,
            "by": actor,
            "person": other.user,
            "had_meeting": meeting is not None,
        },
    )
    return request


# -- direct booking ----------------------------------------------------------------------------


def _free_table(slot: MeetingSlot, tables: int) -> int | None:
    used = set(Meeting.objects.filter(slot=slot).values_list("table", flat=True))
    return next((t for t in range(1, tables + 1) if t not in used), None)


@transaction.atomic
def meeting_book(*, request: MeetingRequest, slot: MeetingSlot, actor: Any) -> Meeting:
    """A side of an accepted request books a slot for it: both are available and free then,
    neither has reached the cap, and a table is free. Locks the slot, then both registrations."""
    slot = (
        MeetingSlot.objects.select_for_update(of=("self",)).select_related("event").get(pk=slot.pk)
    )
    request = _lock_request(request)
    event = request.event
    if slot.event_id != event.pk:
        raise InvalidInput(_("This slot belongs to another event."))
    mine = (
        request.sender if request.sender.user_id == getattr(actor, "pk", -1) else request.recipient
    )
    _ensure_participant(mine, actor)
    _ensure_open(event)
    if request.status != MeetingRequest.Status.ACCEPTED:
        raise InvalidState(_("Only an accepted request can be booked."))
    if event.agenda_state == Event.AgendaState.FINAL:
        raise AgendaIsFinal
    if slot.starts_at <= timezone.now():
        raise SlotUnavailable(_("This slot has already begun."))
    if Meeting.objects.filter(request=request).exists():
        raise AlreadyScheduled
    locked = _lock_registrations(request.sender, request.recipient)
    people = [locked[request.sender_id], locked[request.recipient_id]]
    if any(p.status != Registration.Status.CONFIRMED for p in people):
        raise NotParticipant(_("One of you no longer takes part in this event."))
    available = networking_selectors.effective_availability(
        event=event, registration_ids=[p.pk for p in people]
    )
    for person in people:
        if slot.pk not in available[person.pk]:
            who = _("You are") if person.pk == mine.pk else _("The other participant is")
            raise SlotUnavailable(_("%(who)s not available in this slot.") % {"who": who})
    if MeetingSeat.objects.filter(registration__in=people, slot=slot).exists():
        raise SlotTaken
    counts = dict(
        MeetingSeat.objects.filter(registration__in=people)
        .values_list("registration")
        .annotate(n=Count("id"))
        .values_list("registration", "n")
    )
    for person in people:
        if counts.get(person.pk, 0) >= event.meeting_cap:
            who = _("You have") if person.pk == mine.pk else _("The other participant has")
            raise MeetingCapReached(
                _("%(who)s reached the limit of %(cap)s meetings.")
                % {"who": who, "cap": event.meeting_cap}
            )
    table = _free_table(slot, event.meeting_tables)
    if table is None:
        raise SlotTaken(_("Every table is taken in this slot. Choose another slot."))
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                request=request, slot=slot, table=table, source=Meeting.Source.BOOKED
            )
            MeetingSeat.objects.bulk_create(
                [MeetingSeat(meeting=meeting, registration=p, slot=slot) for p in people]
            )
    except IntegrityError as error:
        raise SlotTaken from error
    audit.record(
        meeting,
        "events.networking.meeting_booked",
        actor=actor,
        after={"slot": _slot_label(slot, event), "table": table},
    )
    other = people[1] if people[0].pk == mine.pk else people[0]
    if other.user_id and other.user:
        send_templated(
            "events/email/networking_meeting_booked.txt",
            to=[other.user.email],
            context={
                "event": event,
                "meeting": meeting,
                "slot_label": _slot_label(slot, event),
                "by": actor,
                "person": other.user,
            },
        )
    return meeting


# -- the scheduler -----------------------------------------------------------------------------


@transaction.atomic
def schedule_run_start(*, event: Event, actor: Any) -> ScheduleRun:
    """Queue a scheduler run for the event; the task places the accepted requests."""
    _ensure_manager(event, actor)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.agenda_state == Event.AgendaState.FINAL:
        raise AgendaIsFinal
    if event.meeting_tables < 1:
        raise InvalidState(_("Set the number of tables first."))
    if not MeetingSlot.objects.filter(event=event).exists():
        raise InvalidState(_("Add meeting slots first."))
    stale = timezone.now() - RUN_STALE_AFTER
    active = ScheduleRun.objects.filter(
        event=event, status__in=[ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING]
    )
    if active.filter(updated_at__gt=stale).exists():
        raise RunInProgress
    active.update(
        status=ScheduleRun.Status.FAILED,
        error=_("Stopped without finishing."),
        finished_at=timezone.now(),
    )
    run = ScheduleRun.objects.create(event=event, requested_by=actor)
    audit.record(run, "events.networking.schedule_requested", actor=actor)
    from skillspact.events import tasks

    run_id = run.pk
    transaction.on_commit(lambda: tasks.meetings_schedule.enqueue(run_id=run_id))
    return run


@dataclass
class _World:
    """What a run reads from the database: who may meet when, and what stays."""

    slots: list[int]
    participants: dict[int, set[int]]  # registration id → available slot ids
    requests: dict[int, tuple[int, int]]  # accepted request id → (sender id, recipient id)
    kept: list[Meeting] = field(default_factory=list)


def _world(event: Event) -> _World:
    slots = list(
        MeetingSlot.objects.filter(event=event).order_by("starts_at").values_list("pk", flat=True)
    )
    pairs = {
        pk: (a, b)
        for pk, a, b in MeetingRequest.objects.filter(
            event=event,
            status=MeetingRequest.Status.ACCEPTED,
            sender__status=Registration.Status.CONFIRMED,
            recipient__status=Registration.Status.CONFIRMED,
        ).values_list("pk", "sender_id", "recipient_id")
    }
    people = sorted({p for pair in pairs.values() for p in pair})
    available = networking_selectors.effective_availability(event=event, registration_ids=people)
    kept = list(
        Meeting.objects.filter(slot__event=event, request_id__in=list(pairs))
        .filter(Q(is_fixed=True) | ~Q(source=Meeting.Source.SCHEDULER))
        .order_by("slot_id", "table")
    )
    for meeting in kept:
        # A kept meeting is a promise: its slot counts as available for both people.
        for person in pairs[meeting.request_id]:
            available[person].add(meeting.slot_id)
    return _World(slots=slots, participants=available, requests=pairs, kept=kept)


def schedule_instance(event: Event) -> tuple[scheduler.Instance, _World]:
    """The scheduler's input for the event, built from the database."""
    world = _world(event)
    kept_count: dict[int, int] = {}
    for meeting in world.kept:
        for person in world.requests[meeting.request_id]:
            kept_count[person] = kept_count.get(person, 0) + 1
    order = {pk: i for i, pk in enumerate(world.slots)}
    instance = scheduler.Instance(
        slots=tuple(str(pk) for pk in world.slots),
        tables=event.meeting_tables,
        participants=tuple(
            scheduler.Participant(
                id=str(pk),
                available=tuple(str(s) for s in sorted(slots, key=order.__getitem__)),
                cap=max(event.meeting_cap, kept_count.get(pk, 0)),
            )
            for pk, slots in sorted(world.participants.items())
        ),
        requests=tuple(
            scheduler.Request(id=str(pk), a=str(a), b=str(b))
            for pk, (a, b) in sorted(world.requests.items())
        ),
        fixed=tuple(
            scheduler.Placement(request=str(m.request_id), slot=str(m.slot_id), table=m.table)
            for m in world.kept
        ),
    )
    return instance, world


def schedule_run_execute(*, run_id: int, time_limit: float = SCHEDULER_SECONDS) -> ScheduleRun:
    """Run the scheduler for a queued run and write its meetings. Runs once: a run that is no
    longer queued is returned as it is."""
    with transaction.atomic():
        run = ScheduleRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != ScheduleRun.Status.QUEUED:
            return run  # type: ignore[return-value]
        run.status = ScheduleRun.Status.RUNNING
        run.save(update_fields=["status", "updated_at"])
    event = Event.objects.get(pk=run.event_id)
    try:
        instance, world = schedule_instance(event)
        result = scheduler.schedule(instance, time_limit=time_limit)
        placed = _schedule_write(event, result)
    except Exception as error:  # noqa: BLE001 - the run records why it failed
        logger.exception("meeting scheduler run %s failed", run_id)
        ScheduleRun.objects.filter(pk=run.pk).update(
            status=ScheduleRun.Status.FAILED,
            error=str(error)[:2000],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        run.refresh_from_db()
        return run
    run.status = ScheduleRun.Status.DONE
    run.requests_total = len(world.requests)
    run.kept = len(world.kept)
    run.placed = placed
    run.upper_bound = result.upper_bound
    run.seconds = result.seconds
    run.finished_at = timezone.now()
    run.save()
    audit.record(
        run,
        "events.networking.schedule_done",
        actor=None,
        after={"placed": placed, "upper_bound": result.upper_bound, "of": len(world.requests)},
    )
    return run


@transaction.atomic
def _schedule_write(event: Event, result: scheduler.Schedule) -> int:
    """Replace the movable meetings with the schedule's, in one transaction; returns how many
    meetings the event has afterwards. Placements that something booked meanwhile contradicts
    are left out, so the database never sees a clash."""
    list(MeetingSlot.objects.select_for_update().filter(event=event).order_by("pk"))
    world = _world(event)  # read again under the locks: bookings may have happened meanwhile
    Meeting.objects.filter(slot__event=event).filter(
        (Q(source=Meeting.Source.SCHEDULER) & Q(is_fixed=False))
        | ~Q(request_id__in=list(world.requests))
    ).delete()
    tables_used: set[tuple[int, int]] = set()
    busy: set[tuple[int, int]] = set()
    count: dict[int, int] = {}
    done: set[int] = set()
    for request_id, slot_id, table in Meeting.objects.filter(slot__event=event).values_list(
        "request_id", "slot_id", "table"
    ):
        done.add(request_id)
        tables_used.add((slot_id, table))
        for person in world.requests[request_id]:
            busy.add((person, slot_id))
            count[person] = count.get(person, 0) + 1
    new_meetings: list[Meeting] = []
    seats: list[tuple[Meeting, int, int]] = []
    for placement in result.meetings:
        request_id, slot_id = int(placement.request), int(placement.slot)
        pair = world.requests.get(request_id)
        if pair is None or request_id in done:
            continue
        if (slot_id, placement.table) in tables_used or placement.table > event.meeting_tables:
            continue
        if any(
            (p, slot_id) in busy
            or slot_id not in world.participants.get(p, set())
            or count.get(p, 0) >= event.meeting_cap
            for p in pair
        ):
            continue
        meeting = Meeting(
            request_id=request_id,
            slot_id=slot_id,
            table=placement.table,
            source=Meeting.Source.SCHEDULER,
        )
        new_meetings.append(meeting)
        done.add(request_id)
        tables_used.add((slot_id, placement.table))
        for person in pair:
            busy.add((person, slot_id))
            count[person] = count.get(person, 0) + 1
            seats.append((meeting, person, slot_id))
    Meeting.objects.bulk_create(new_meetings, batch_size=1000)
    if new_meetings and new_meetings[0].pk is None:
        # Databases that do not return keys from bulk inserts: read them back.
        ids = dict(
            Meeting.objects.filter(request_id__in=[m.request_id for m in new_meetings]).values_list(
                "request_id", "pk"
            )
        )
        for meeting in new_meetings:
            meeting.pk = ids[meeting.request_id]
    MeetingSeat.objects.bulk_create(
        [MeetingSeat(meeting=m, registration_id=p, slot_id=s) for m, p, s in seats],
        batch_size=2000,
    )
    return len(done)


# -- agendas -----------------------------------------------------------------------------------


@transaction.atomic
def agenda_publish(*, event: Event, actor: Any, final: bool) -> int:
    """Publish the preliminary or the final agenda and e-mail each participant theirs; the final
    one fixes every meeting. Returns how many people were written to."""
    _ensure_manager(event, actor)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.agenda_state == Event.AgendaState.FINAL:
        raise AgendaIsFinal
    if ScheduleRun.objects.filter(
        event=event, status__in=[ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING]
    ).exists():
        raise RunInProgress(_("Wait for the scheduler to finish before publishing."))
    before = event.agenda_state
    event.agenda_state = Event.AgendaState.FINAL if final else Event.AgendaState.PRELIMINARY
    event.save(update_fields=["agenda_state", "updated_at"])
    if final:
        Meeting.objects.filter(slot__event=event).update(is_fixed=True)
    audit.record(
        event,
        "events.networking.agenda_published",
        actor=actor,
        before={"agenda_state": before},
        after={"agenda_state": event.agenda_state},
    )
    agendas = networking_selectors.agendas_of_event(event=event)
    for registration, items, unplaced in agendas:
        if not (registration.user_id and registration.user):
            continue
        send_templated(
            "events/email/networking_agenda.txt",
            to=[registration.user.email],
            context={
                "event": event,
                "person": registration.user,
                "items": items,
                "unplaced": unplaced,
                "is_final": final,
            },
        )
    return len(agendas)


# -- ratings -----------------------------------------------------------------------------------


@transaction.atomic
def meeting_rate(*, meeting: Meeting, actor: Any, outcome: str, note: str = "") -> MeetingRating:
    """A participant of the meeting says what came of it (once; later calls change it)."""
    seat = (
        MeetingSeat.objects.select_related("registration__event", "meeting__slot")
        .filter(meeting=meeting, registration__user=actor)
        .first()
        if getattr(actor, "is_authenticated", False)
        else None
    )
    if seat is None:
        raise NotPermitted
    if seat.meeting.slot.starts_at > timezone.now():
        raise TooEarlyToRate
    if outcome not in MeetingRating.Outcome.values:
        message = _("Choose an outcome from the list.")
        raise InvalidInput(message, fields={"outcome": [message]})
    rating, created = MeetingRating.objects.select_for_update().get_or_create(
        meeting=meeting, registration=seat.registration, defaults={"outcome": outcome, "note": note}
    )
    before = audit.snapshot(rating, ["outcome", "note"])
    rating.outcome = outcome
    rating.note = note.strip()
    full_clean(rating, exclude=["meeting", "registration"], validate_unique=False)
    rating.save()
    audit.record(
        meeting,
        "events.networking.meeting_rated",
        actor=actor,
        before={} if created else before,
        after=audit.snapshot(rating, ["outcome", "note"]),
    )
    return rating
