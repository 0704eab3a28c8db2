"""On the day and afterwards: check-in, attendance lists, feedback, reminders, calendar feeds and
deleting one's registration data.

Services (writes) take keyword-only arguments and an `actor`, run in one transaction and write an
audit entry; selectors (reads) take the person and raise 404 for anyone who may not see the thing.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from skillspact.core import audit, emails
from skillspact.core.errors import DomainError, InvalidState, NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.core.validation import full_clean
from skillspact.events import selectors
from skillspact.events.models import (
    Availability,
    CalendarFeed,
    Event,
    Feedback,
    MeetingRating,
    MeetingRequest,
    NetworkingProfile,
    Registration,
    SessionChoice,
    new_token,
)

REMINDER_WINDOW = datetime.timedelta(hours=24)
CHECK_IN_RESULTS = 30


class CheckInRefused(DomainError):
    code = "check_in_refused"
    status = 409
    default_message = gettext_lazy("This ticket cannot be checked in.")


class EventNotOver(DomainError):
    code = "event_not_over"
    status = 409
    default_message = gettext_lazy("This is possible once the event has ended.")


class NotAttended(DomainError):
    code = "not_attended"
    status = 409
    default_message = gettext_lazy(
        "Only people who were checked in at the event get a certificate."
    )


class FeedbackClosed(DomainError):
    code = "feedback_closed"
    status = 409
    default_message = gettext_lazy("Feedback is for confirmed participants after the event.")


def event_time(event: Event, moment: datetime.datetime) -> datetime.datetime:
    """`moment` in the event's own time zone (the server's when the name is unknown)."""
    try:
        zone = ZoneInfo(event.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.localtime(moment)
    return moment.astimezone(zone)


def _name(registration: Registration) -> str:
    user = registration.user
    if user is None:
        return _("(data deleted)")
    return user.full_name or user.email


# -- tickets and check-in ----------------------------------------------------------------------


def ticket_url(*, registration: Registration) -> str:
    """The absolute address the ticket's QR code holds: the organisers' check-in page."""
    return settings.SITE_URL + reverse(
        "events:check_in_ticket", args=[registration.event.slug, registration.ticket_token]
    )


def registration_get_for_ticket(*, event: Event, token: str) -> Registration:
    """The registration holding `token`, of any event (the check-in page explains a mismatch);
    404 for an unknown token."""
    registration = (
        Registration.objects.select_related("user", "event").filter(ticket_token=token).first()
    )
    if registration is None:
        raise Http404
    return registration


def check_in_problem(*, event: Event, registration: Registration) -> str:
    """Why this ticket cannot be checked in at `event`, or "" when it can."""
    if registration.event_id != event.pk:
        return _("This ticket belongs to another event.")
    if event.status == Event.Status.CANCELLED:
        return _("This event is cancelled.")
    if registration.is_data_deleted or registration.user_id is None:
        return _("This registration's data was deleted.")
    status = registration.status
    if status == Registration.Status.WAITLISTED:
        return _("This person is on the waitlist and has no place.")
    if status == Registration.Status.PENDING:
        return _("This registration still awaits the organiser's approval.")
    if status in (
        Registration.Status.CANCELLED,
        Registration.Status.DECLINED,
        Registration.Status.REJECTED,
    ):
        return _("This registration was cancelled (%(status)s).") % {
            "status": registration.get_status_display()
        }
    return ""


@dataclass
class CheckIn:
    registration: Registration
    was_already: bool


@transaction.atomic
def registration_check_in(*, event: Event, registration: Registration, actor: Any) -> CheckIn:
    """Check the ticket holder in; a second check-in changes nothing and says when the first was."""
    if not selectors.can_manage(user=actor, event=event):
        raise NotPermitted
    locked = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=registration.pk)
    )
    problem = check_in_problem(event=event, registration=locked)
    if problem:
        raise CheckInRefused(problem)
    if locked.checked_in_at is not None:
        return CheckIn(registration=locked, was_already=True)
    locked.checked_in_at = timezone.now()
    locked.save(update_fields=["checked_in_at", "updated_at"])
    audit.record(
        locked,
        "events.registration.checked_in",
        actor=actor,
        organisation=event.organisation,
        after={"checked_in_at": locked.checked_in_at.isoformat()},
    )
    return CheckIn(registration=locked, was_already=False)


@transaction.atomic
def registration_check_in_undo(
    *, event: Event, registration: Registration, actor: Any
) -> Registration:
    """Take back a check-in made by mistake."""
    if not selectors.can_manage(user=actor, event=event):
        raise NotPermitted
    locked = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=registration.pk)
    )
    if locked.event_id != event.pk:
        raise CheckInRefused(_("This ticket belongs to another event."))
    if locked.checked_in_at is None:
        return locked
    before = locked.checked_in_at.isoformat()
    locked.checked_in_at = None
    locked.save(update_fields=["checked_in_at", "updated_at"])
    audit.record(
        locked,
        "events.registration.check_in_undone",
        actor=actor,
        organisation=event.organisation,
        before={"checked_in_at": before},
        after={"checked_in_at": None},
    )
    return locked


def check_in_counts(*, event: Event) -> dict[str, int]:
    """Confirmed people and how many of them are checked in."""
    return Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).aggregate(
        confirmed=Count("id"), checked_in=Count("id", filter=Q(checked_in_at__isnull=False))
    )


def check_in_search(*, event: Event, q: str) -> list[Registration]:
    """Confirmed people whose name or e-mail contains every word of `q`, by name."""
    queryset = Registration.objects.filter(
        event=event, status=Registration.Status.CONFIRMED, user__isnull=False
    ).select_related("user")
    for word in q.replace("\x00", "").split()[:5]:
        queryset = queryset.filter(
            Q(user__full_name__icontains=word) | Q(user__email__icontains=word)
        )
    return list(queryset.order_by("user__full_name", "id")[:CHECK_IN_RESULTS])


# -- attendance list ---------------------------------------------------------------------------


def attendance_for_manage(
    *, user: Any, slug: str, status: str = ""
) -> tuple[Event, QuerySet[Registration]]:
    """The event and its registrations (every status, or one) with their people, sessions and
    feedback, for the organisers; 404 for everyone else."""
    event = selectors.event_get_for_manage(user=user, slug=slug)
    queryset = (
        Registration.objects.filter(event=event)
        .select_related("user", "feedback")
        .prefetch_related(
            Prefetch(
                "session_choices",
                queryset=SessionChoice.objects.select_related("session").order_by(
                    "session__starts_at", "session_id"
                ),
            )
        )
        .order_by("user__full_name", "created_at", "id")
    )
    if status in Registration.Status.values:
        queryset = queryset.filter(status=status)
    return event, queryset


def attendance_status_counts(*, event: Event) -> list[tuple[str, str, int]]:
    """(status, label, count) for every registration status, and checked-in people."""
    counts = dict(
        Registration.objects.filter(event=event)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return [
        (value, str(label), counts.get(value, 0)) for value, label in Registration.Status.choices
    ]


def question_labels(*, event: Event, registrations: list[Registration] | None = None) -> list[str]:
    """The event's questions in order, then labels only found in answers (removed questions)."""
    labels = list(event.questions.order_by("position", "id").values_list("label", flat=True))
    for registration in registrations or []:
        for label in registration.answers:
            if label not in labels:
                labels.append(label)
    return labels


def answer_text(registration: Registration, label: str) -> str:
    """The registration's answer to the question `label`, as text."""
    value = registration.answers.get(label, "")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in people's text (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def _when(event: Event, moment: datetime.datetime | None) -> str:
    return event_time(event, moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def attendance_rows(
    event: Event, registrations: Iterable[Registration], labels: list[str]
) -> Iterator[list[Any]]:
    """The header, then one row per registration: person, status, sessions, answers, check-in."""
    yield [
        "registration",
        "name",
        "email",
        "status",
        "registered_at",
        "confirmed_at",
        "waitlisted_at",
        "checked_in_at",
        "sessions",
        "sessions_waiting",
        "feedback_rating",
        *labels,
    ]
    for registration in registrations:
        user = registration.user
        choices = list(registration.session_choices.all())
        feedback = getattr(registration, "feedback", None)
        row = [
            str(registration.public_id),
            user.full_name if user else "",
            user.email if user else "",
            registration.status,
            _when(event, registration.created_at),
            _when(event, registration.confirmed_at),
            _when(event, registration.waitlisted_at),
            _when(event, registration.checked_in_at),
            "; ".join(
                c.session.title for c in choices if c.status == SessionChoice.Status.CONFIRMED
            ),
            "; ".join(
                c.session.title for c in choices if c.status == SessionChoice.Status.WAITLISTED
            ),
            feedback.rating if feedback else "",
            *[answer_text(registration, label) for label in labels],
        ]
        yield [_safe(value) for value in row]


class _Echo:
    def write(self, value: str) -> str:
        return value


def attendance_csv_stream(
    event: Event, registrations: Iterable[Registration], labels: list[str]
) -> Iterator[str]:
    """The attendance list as CSV lines."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read UTF-8
    for row in attendance_rows(event, registrations, labels):
        yield writer.writerow(row)


def attendance_xlsx_bytes(
    event: Event, registrations: Iterable[Registration], labels: list[str]
) -> bytes:
    """The attendance list as an XLSX workbook with one sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Attendance")[:31]
    for index, row in enumerate(attendance_rows(event, registrations, labels)):
        sheet.append(row)
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- feedback ----------------------------------------------------------------------------------


def feedback_registration(*, user: Any, slug: str) -> tuple[Event, Registration | None]:
    """The event and the person's confirmed registration for it (None when they have none);
    404 when they may not see the event."""
    event = selectors.event_get_for_view(user=user, slug=slug)
    registration = selectors.registration_of(user=user, event=event)
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return event, None
    return event, registration


def feedback_of(*, registration: Registration) -> Feedback | None:
    """The registration's feedback, or None."""
    return Feedback.objects.filter(registration=registration).first()


@transaction.atomic
def feedback_submit(
    *,
    registration: Registration,
    actor: Any,
    rating: int,
    usefulness: int | None = None,
    comment: str = "",
) -> Feedback:
    """Give (or change) one's feedback on an event that has ended."""
    if registration.user_id is None or registration.user_id != getattr(actor, "pk", None):
        raise NotPermitted
    event = registration.event
    if not event.is_past or registration.status != Registration.Status.CONFIRMED:
        raise FeedbackClosed
    feedback = Feedback.objects.select_for_update().filter(registration=registration).first()
    is_new = feedback is None
    if feedback is None:
        feedback = Feedback(registration=registration)
    feedback.rating = rating
    feedback.usefulness = usefulness
    feedback.comment = comment.strip()
    full_clean(feedback)
    feedback.save()
    audit.record(
        registration,
        "events.feedback.submitted" if is_new else "events.feedback.changed",
        actor=actor,
        organisation=event.organisation,
        after={"rating": rating, "usefulness": usefulness},
    )
    return feedback


@dataclass
class FeedbackSummary:
    count: int = 0
    rating_average: float | None = None
    usefulness_average: float | None = None
    # (score, count, percent of answers) for 5 down to 1
    rating_distribution: list[tuple[int, int, int]] = field(default_factory=list)
    usefulness_distribution: list[tuple[int, int, int]] = field(default_factory=list)
    comments: list[Feedback] = field(default_factory=list)


def _distribution(values: list[int]) -> list[tuple[int, int, int]]:
    counts = Counter(values)
    total = len(values)
    return [
        (score, counts[score], round(100 * counts[score] / total) if total else 0)
        for score in range(5, 0, -1)
    ]


def feedback_summary(*, event: Event) -> FeedbackSummary:
    """How many gave feedback, the averages and distributions, and the comments (newest first)."""
    rows = list(
        Feedback.objects.filter(registration__event=event).values_list("rating", "usefulness")
    )
    if not rows:
        return FeedbackSummary(
            rating_distribution=_distribution([]), usefulness_distribution=_distribution([])
        )
    ratings = [rating for rating, _usefulness in rows]
    usefulness = [value for _rating, value in rows if value is not None]
    comments = list(
        Feedback.objects.filter(registration__event=event)
        .exclude(comment="")
        .order_by("-created_at", "-id")[:200]
    )
    return FeedbackSummary(
        count=len(rows),
        rating_average=round(sum(ratings) / len(ratings), 1),
        usefulness_average=round(sum(usefulness) / len(usefulness), 1) if usefulness else None,
        rating_distribution=_distribution(ratings),
        usefulness_distribution=_distribution(usefulness),
        comments=comments,
    )


# -- certificates ------------------------------------------------------------------------------


def registration_get_for_certificate(*, user: Any, public_id: Any) -> Registration:
    """A registration for its owner or the event's organisers; 404 for everyone else."""
    registration = (
        Registration.objects.select_related("event", "event__organisation", "user")
        .filter(public_id=public_id)
        .first()
    )
    if registration is None or not (user and user.is_authenticated):
        raise Http404
    if registration.user_id != user.pk and not selectors.can_manage(
        user=user, event=registration.event
    ):
        raise Http404
    return registration


def certificate_problem(*, registration: Registration) -> str:
    """Why no certificate can be made for the registration, or "" when it can."""
    if registration.user_id is None:
        return _("The participant deleted their registration data.")
    if not registration.event.is_past:
        return str(EventNotOver.default_message)
    if registration.checked_in_at is None or registration.status != Registration.Status.CONFIRMED:
        return str(NotAttended.default_message)
    return ""


def sessions_attended(*, registration: Registration) -> list[Any]:
    """The sessions the person had a confirmed place in, in time order."""
    return [
        choice.session
        for choice in SessionChoice.objects.filter(
            registration=registration, status=SessionChoice.Status.CONFIRMED
        )
        .select_related("session")
        .order_by("session__starts_at", "session_id")
    ]


# -- deleting one's data -----------------------------------------------------------------------


def data_delete_problem(*, registration: Registration) -> str:
    """Why the registration's data cannot be deleted now, or "" when it can."""
    if registration.is_data_deleted:
        return _("This registration's data was already deleted.")
    if not registration.event.is_past:
        return _("You can delete your registration data once the event has ended.")
    return ""


@transaction.atomic
def registration_data_delete(*, registration: Registration, actor: Any) -> Registration:
    """Remove the person from their registration after the event: the row stays for the counts,
    the person, answers, networking profile, availability, messages and comments go."""
    locked = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=registration.pk)
    )
    if locked.user_id is None or locked.user_id != getattr(actor, "pk", None):
        raise NotPermitted
    if locked.is_data_deleted:
        raise InvalidState(data_delete_problem(registration=locked))
    if not locked.event.is_past:
        raise EventNotOver(data_delete_problem(registration=locked))
    NetworkingProfile.objects.filter(registration=locked).delete()
    Availability.objects.filter(registration=locked).delete()
    Feedback.objects.filter(registration=locked).update(comment="")
    MeetingRequest.objects.filter(sender=locked).update(message="")
    MeetingRating.objects.filter(registration=locked).update(note="")
    person = locked.user
    locked.user = None
    locked.answers = {}
    locked.is_data_deleted = True
    locked.save(update_fields=["user", "answers", "is_data_deleted", "updated_at"])
    # Entries the person wrote about this registration name them as actor: the name goes, the
    # entries stay (as when an account is deleted).
    AuditEntry.objects.filter(
        object_type=Registration._meta.label_lower,
        object_id=str(locked.public_id),
        actor=person,
    ).update(actor=None, actor_label="")
    # No actor and no label that names the person: the entry records only that it happened.
    audit.record(
        locked,
        "events.registration.data_deleted",
        actor=None,
        organisation=locked.event.organisation,
        message=_("The participant deleted their registration data."),
    )
    return locked


# -- calendar feeds ----------------------------------------------------------------------------


def calendar_feed_of(*, user: Any) -> CalendarFeed | None:
    """The person's calendar feed, or None before they asked for one."""
    if not (user and user.is_authenticated):
        return None
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_get(*, token: str) -> CalendarFeed:
    """The feed at `token` (the token is the credential); 404 for an unknown one."""
    feed = (
        CalendarFeed.objects.select_related("user").filter(token=token).first() if token else None
    )
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed


@transaction.atomic
def calendar_feed_create(*, actor: Any) -> CalendarFeed:
    """The person's calendar feed, made on first request."""
    feed, created = CalendarFeed.objects.get_or_create(user=actor)
    if created:
        audit.record(feed, "events.calendar_feed.created", actor=actor)
    return feed


@transaction.atomic
def calendar_feed_reset(*, actor: Any) -> CalendarFeed:
    """Give the person's feed a new address; the old one stops working at once."""
    feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
    if feed is None:
        feed = CalendarFeed(user=actor)
    feed.token = new_token()
    feed.save()
    audit.record(feed, "events.calendar_feed.reset", actor=actor)
    return feed


# -- reminders ---------------------------------------------------------------------------------


def registrations_remind(*, now: datetime.datetime | None = None) -> int:
    """E-mail each confirmed person of an event starting within 24 hours, once; returns how many
    were reminded. Safe to run twice at the same time: each registration is claimed first."""
    now = now or timezone.now()
    due = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            reminded_at__isnull=True,
            user__isnull=False,
            user__is_active=True,
            event__status=Event.Status.PUBLISHED,
            event__starts_at__gt=now,
            event__starts_at__lte=now + REMINDER_WINDOW,
        )
        .values_list("pk", flat=True)
        .order_by("event_id", "id")
    )
    per_event: Counter[int] = Counter()
    for pk in list(due):
        with transaction.atomic():
            claimed = Registration.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            registration = Registration.objects.select_related("event", "user").get(pk=pk)
            _send_reminder(registration)
            per_event[registration.event_id] += 1
    for event in Event.objects.filter(pk__in=per_event).select_related("organisation"):
        audit.record(
            event,
            "events.event.reminders_sent",
            actor=None,
            organisation=event.organisation,
            after={"count": per_event[event.pk]},
        )
    return sum(per_event.values())


def _send_reminder(registration: Registration) -> None:
    event = registration.event
    assert registration.user is not None
    emails.send_templated(
        "events/email/reminder.txt",
        to=[registration.user.email],
        context={
            "event": event,
            "person": registration.user,
            "url": reverse("events:detail", args=[event.slug]),
            "ticket_url": reverse("events:ticket", args=[registration.public_id]),
            "calendar_url": reverse("events:registration_calendar", args=[registration.public_id]),
            "online_url": event.online_url if event.format != Event.Format.IN_PERSON else "",
        },
    )
