"""Events, their programme, registrations with waitlists, and one-to-one networking meetings.

An `Event` has a programme of `EventSession`s (plenaries, parallel tracks, discussion groups),
each with its own capacity. A person's `Registration` for the event is confirmed, waitlisted,
pending the organiser's approval, or ended (cancelled, declined, rejected); the waitlist is
ordered by `waitlisted_at`. `SessionChoice` rows place a registration in sessions the same way.

Networking events add a `NetworkingProfile` per registration, the organiser's `MeetingSlot`s and
tables, `MeetingRequest`s between participants, and `Meeting`s placed in a slot at a table. Each
meeting has one `MeetingSeat` per participant so that the database itself refuses a person in two
meetings of one slot; `(slot, table)` is unique too.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from skillspact.core.models import BaseModel


def new_token() -> str:
    """A random URL-safe token for QR codes, calendar feeds and decline links."""
    return secrets.token_urlsafe(24)


class Event(BaseModel):
    """A workshop, webinar, information session, networking event or conference."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        WEBINAR = "webinar", _("Webinar")
        INFO_SESSION = "info_session", _("Information session")
        NETWORKING = "networking", _("Networking event")
        CONFERENCE = "conference", _("Conference")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Public: anyone with an account")
        MEMBERS = "members", _("Members only")
        INVITATION = "invitation", _("Invitation only")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class AgendaState(models.TextChoices):
        NONE = "none", _("Not yet scheduled")
        PRELIMINARY = "preliminary", _("Preliminary agenda")
        FINAL = "final", _("Final agenda")

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    # Null: the secretariat organises it for the whole partnership.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels")
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.IN_PERSON
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Only registered (confirmed) people see the link.
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience.choices, default=Audience.PUBLIC
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    requires_approval = models.BooleanField(
        _("the organiser approves each registration"), default=False
    )
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    slides_url = models.URLField(_("slides"), max_length=500, blank=True)
    # iCalendar SEQUENCE: goes up at every change people's calendars must pick up.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Networking: tables (or online rooms) per slot and the cap of meetings per person.
    meeting_tables = models.PositiveIntegerField(_("meeting tables or rooms"), default=0)
    meeting_cap = models.PositiveIntegerField(_("meetings per participant at most"), default=8)
    agenda_state = models.CharField(
        _("agenda"), max_length=12, choices=AgendaState.choices, default=AgendaState.NONE
    )
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_event_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="events_event_capacity_positive",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_networking(self) -> bool:
        return self.kind == self.Kind.NETWORKING

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class EventSession(BaseModel):
    """One item of the programme: a plenary, a parallel track or a discussion group."""

    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary (everyone)")
        TRACK = "track", _("Parallel track")
        GROUP = "group", _("Discussion group")
        INTERACTIVE = "interactive", _("Interactive session")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.PLENARY)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.CharField(_("room"), max_length=200, blank=True)
    speakers = models.CharField(_("speakers"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )

    class Meta:
        ordering = ["event", "starts_at", "title", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_session_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="events_session_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_choosable(self) -> bool:
        """People choose tracks, groups and interactive sessions; plenaries are for everyone."""
        return self.kind != self.Kind.PLENARY

    def overlaps(self, starts_at: object, ends_at: object) -> bool:
        return bool(self.starts_at < ends_at and starts_at < self.ends_at)  # type: ignore[operator]


class Question(models.Model):
    """A custom question on the registration form."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        CHOICE = "choice", _("One choice")
        CHECKBOX = "checkbox", _("Yes / no")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    is_required = models.BooleanField(_("required"), default=False)

    class Meta:
        ordering = ["event", "position", "id"]
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")

    def __str__(self) -> str:
        return self.label


class Invitation(models.Model):
    """An address invited to an invitation-only event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "email"]
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="events_invitation_once")
        ]

    def __str__(self) -> str:
        return self.email


class Registration(BaseModel):
    """One person's place at an event (or on its waitlist)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")
        DECLINED = "declined", _("Declined the offered place")
        REJECTED = "rejected", _("Not accepted")

    ACTIVE = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    # Null once the person deleted their registration data after the event.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    waitlisted_at = models.DateTimeField(_("joined the waitlist"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("promoted from the waitlist"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # Printed as a QR code on the ticket; the check-in page reads it.
    ticket_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    is_data_deleted = models.BooleanField(_("personal data deleted"), default=False)

    class Meta:
        ordering = ["event", "created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="events_registration_one_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="events_registration_waitlist_has_time",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        # No name or address: this label is copied into the audit log.
        return f"{self.event} · registration {str(self.public_id)[:8]}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class SessionChoice(models.Model):
    """A registration's place in one session of the programme (or on its waitlist)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="session_choices"
    )
    session = models.ForeignKey(EventSession, on_delete=models.CASCADE, related_name="choices")
    status = models.CharField(max_length=12, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # Ordered by this on the session's waitlist.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    is_assigned = models.BooleanField(_("placed by the organiser"), default=False)

    class Meta:
        ordering = ["session", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="events_session_choice_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.registration_id}"


class CalendarFeed(models.Model):
    """A person's secret address for their subscribable calendar of events and meetings."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"


class Feedback(models.Model):
    """A participant's feedback after the event: one per registration."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(_("overall rating"))
    usefulness = models.PositiveSmallIntegerField(_("useful for my work"), null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="events_feedback_rating_range"
            ),
            models.CheckConstraint(
                condition=Q(usefulness__isnull=True) | Q(usefulness__gte=1, usefulness__lte=5),
                name="events_feedback_usefulness_range",
            ),
        ]

    def __str__(self) -> str:
        return f"feedback {self.registration_id}: {self.rating}"


# -- networking --------------------------------------------------------------------------------


class NetworkingProfile(models.Model):
    """What a participant of a networking event offers and looks for."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="networking_profile"
    )
    headline = models.CharField(_("role and organisation"), max_length=200, blank=True)
    offers = models.TextField(_("what I offer"), max_length=2000, blank=True)
    seeks = models.TextField(_("what I am looking for"), max_length=2000, blank=True)
    # ESCO skill URIs.
    interests = models.JSONField(_("interests (ESCO skills)"), default=list, blank=True)
    stakeholder_type = models.CharField(_("stakeholder type"), max_length=40, blank=True)
    is_visible = models.BooleanField(_("other participants can find me"), default=True)
    search_text = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"profile {self.registration_id}"


class MeetingSlot(BaseModel):
    """A time in which one-to-one meetings take place at the event's tables."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["event", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_slot_dates_ordered"
            ),
            models.UniqueConstraint(fields=["event", "starts_at"], name="events_slot_start_once"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class Availability(models.Model):
    """A participant can meet in this slot."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="availabilities"
    )
    slot = models.ForeignKey(MeetingSlot, on_delete=models.CASCADE, related_name="availabilities")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "slot"], name="events_availability_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} available at {self.slot_id}"


class MeetingRequest(BaseModel):
    """One participant asks another for a one-to-one meeting."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_requests")
    sender = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="meeting_requests_sent"
    )
    recipient = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="meeting_requests_received"
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=F("recipient")), name="events_request_not_to_self"
            ),
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=Q(status__in=["pending", "accepted"]),
                name="events_request_one_open_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"request {self.sender_id} → {self.recipient_id}"


class Meeting(BaseModel):
    """An accepted request placed in a slot at a table."""

    class Source(models.TextChoices):
        SCHEDULER = "scheduler", _("Scheduled")
        BOOKED = "booked", _("Booked by a participant")
        ORGANISER = "organiser", _("Placed by the organiser")

    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    slot = models.ForeignKey(MeetingSlot, on_delete=models.CASCADE, related_name="meetings")
    table = models.PositiveIntegerField(_("table"))
    source = models.CharField(max_length=10, choices=Source.choices)
    # Fixed meetings never move when the scheduler runs again.
    is_fixed = models.BooleanField(_("fixed"), default=False)

    class Meta:
        ordering = ["slot", "table"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "table"], name="events_meeting_table_once"),
            models.CheckConstraint(condition=Q(table__gte=1), name="events_meeting_table_positive"),
        ]

    def __str__(self) -> str:
        return f"meeting {self.request_id} at {self.slot} table {self.table}"


class MeetingSeat(models.Model):
    """One participant's seat in a meeting: unique per slot, so nobody is ever in two places."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="seats")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="meeting_seats"
    )
    slot = models.ForeignKey(MeetingSlot, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "slot"], name="events_seat_one_per_slot"
            ),
            models.UniqueConstraint(
                fields=["meeting", "registration"], name="events_seat_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"seat of {self.registration_id} in {self.meeting_id}"


class MeetingRating(models.Model):
    """A participant's word on a meeting's outcome, after the event."""

    class Outcome(models.TextChoices):
        NO_FOLLOW_UP = "none", _("No follow-up")
        FOLLOW_UP = "follow_up", _("Follow-up planned")
        PROJECT = "project", _("Joint project or proposal")
        PARTNERSHIP = "partnership", _("Partnership agreed")
        DID_NOT_MEET = "no_show", _("We did not meet")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="ratings")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="meeting_ratings"
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "registration"], name="events_rating_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.outcome} for {self.meeting_id}"


class ScheduleRun(BaseModel):
    """One run of the meeting scheduler for an event: what it placed and how good that is."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    is_final = models.BooleanField(_("final agenda"), default=False)
    requests_total = models.PositiveIntegerField(default=0)
    placed = models.PositiveIntegerField(default=0)
    kept = models.PositiveIntegerField(default=0)
    upper_bound = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"schedule {self.event_id} {self.status}"
