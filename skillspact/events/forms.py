"""Forms for events, their programme and registration. The rules live in services; forms parse
what a person typed (times in the event's own time zone) and keep it when a rule says no."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from skillspact.events.models import Event, EventSession, Question
from skillspact.organisations.models import Organisation

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
LANGUAGES = [
    ("bg", "български"), ("cs", "čeština"), ("da", "dansk"), ("de", "Deutsch"),
    ("el", "ελληνικά"), ("en", "English"), ("es", "español"), ("et", "eesti"),
    ("fi", "suomi"), ("fr", "français"), ("ga", "Gaeilge"), ("hr", "hrvatski"),
    ("hu", "magyar"), ("it", "italiano"), ("lt", "lietuvių"), ("lv", "latviešu"),
    ("mt", "Malti"), ("nl", "Nederlands"), ("pl", "polski"), ("pt", "português"),
    ("ro", "română"), ("sk", "slovenčina"), ("sl", "slovenščina"), ("sv", "svenska"),
]  # fmt: skip
TIME_ZONES = sorted(zone for zone in available_timezones() if zone.startswith("Europe/")) + ["UTC"]


def _localise(value: datetime.datetime | None, zone: str) -> datetime.datetime | None:
    """A time typed in the event's zone, as an aware moment."""
    if value is None:
        return None
    naive = timezone.make_naive(value) if timezone.is_aware(value) else value
    try:
        return naive.replace(tzinfo=ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.make_aware(naive)


def _in_zone(value: datetime.datetime | None, zone: str) -> datetime.datetime | None:
    if value is None:
        return None
    try:
        return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    except (ZoneInfoNotFoundError, ValueError):
        return value


class EventForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organised by"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("The secretariat, for the whole partnership"),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=Event.Kind.choices)
    summary = forms.CharField(
        label=_("Summary"), max_length=300, required=False, help_text=_("One or two sentences.")
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        required=False,
        help_text=_("Markdown: **bold**, lists, links."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(z, z) for z in TIME_ZONES])
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME_WIDGET)
    format = forms.ChoiceField(label=_("Format"), choices=Event.Format.choices)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Online link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Shown only to people whose registration is confirmed."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, initial="en")
    audience = forms.ChoiceField(label=_("Who may register"), choices=Event.Audience.choices)
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, required=False, help_text=_("Leave empty for no limit.")
    )
    requires_approval = forms.BooleanField(label=_("I approve each registration"), required=False)
    registration_closes_at = forms.DateTimeField(
        label=_("Registration closes"), widget=DATETIME_WIDGET, required=False
    )
    recording_url = forms.URLField(
        label=_("Recording"), max_length=500, required=False, assume_scheme="https"
    )
    slides_url = forms.URLField(
        label=_("Slides"), max_length=500, required=False, assume_scheme="https"
    )
    meeting_tables = forms.IntegerField(
        label=_("Meeting tables or online rooms"),
        min_value=0,
        max_value=5000,
        required=False,
        help_text=_("Networking events: how many one-to-one meetings can run at once."),
    )
    meeting_cap = forms.IntegerField(
        label=_("Meetings per participant at most"), min_value=1, max_value=50, required=False
    )

    def __init__(
        self, *args: Any, organisations: Any = None, event: Event | None = None, **kwargs: Any
    ) -> None:
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(event)
        kwargs.setdefault("initial", {}).setdefault("time_zone", settings.TIME_ZONE)
        super().__init__(*args, **kwargs)
        if event is not None or organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    GROUPS = (
        (_("About the event"), ("organisation", "title", "kind", "summary", "description")),
        (
            _("When and where"),
            ("time_zone", "starts_at", "ends_at", "format", "venue", "address", "online_url"),
        ),
        (
            _("Registration"),
            ("language", "audience", "capacity", "requires_approval", "registration_closes_at"),
        ),
        (_("After the event"), ("recording_url", "slides_url")),
        (_("One-to-one meetings (networking events)"), ("meeting_tables", "meeting_cap")),
    )

    def groups(self) -> list[tuple[str, list[Any]]]:
        """The form's fields in fieldsets, for a long form people can scan."""
        return [
            (str(legend), [self[name] for name in names if name in self.fields])
            for legend, names in self.GROUPS
        ]

    @staticmethod
    def initial_for(event: Event) -> dict[str, Any]:
        initial = {name: getattr(event, name) for name in (
            "title", "kind", "summary", "description", "time_zone", "format", "venue", "address",
            "online_url", "language", "audience", "capacity", "requires_approval",
            "recording_url", "slides_url", "meeting_tables", "meeting_cap",
        )}  # fmt: skip
        for name in ("starts_at", "ends_at", "registration_closes_at"):
            initial[name] = _in_zone(getattr(event, name), event.time_zone)
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = data.get("time_zone") or settings.TIME_ZONE
        for name in ("starts_at", "ends_at", "registration_closes_at"):
            if data.get(name):
                data[name] = _localise(data[name], zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The event must end after it starts."))
        if data.get("format") in ("online", "hybrid") and not data.get("online_url"):
            self.add_error("online_url", _("An online or hybrid event needs its online link."))
        if data.get("format") in ("in_person", "hybrid") and not data.get("venue"):
            self.add_error("venue", _("Say where the event takes place."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = {name: value for name, value in self.cleaned_data.items() if name != "organisation"}
        data["meeting_tables"] = data.get("meeting_tables") or 0
        data["meeting_cap"] = data.get("meeting_cap") or 8
        return data


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=EventSession.Kind.choices)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME_WIDGET)
    room = forms.CharField(label=_("Room or link"), max_length=200, required=False)
    speakers = forms.CharField(label=_("Speakers"), max_length=500, required=False)
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, required=False, help_text=_("Leave empty for no limit.")
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )

    def __init__(
        self, *args: Any, event: Event, session: EventSession | None = None, **kwargs: Any
    ) -> None:
        self.event = event
        if session is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": session.title, "kind": session.kind, "room": session.room,
                "speakers": session.speakers, "capacity": session.capacity,
                "description": session.description,
                "starts_at": _in_zone(session.starts_at, event.time_zone),
                "ends_at": _in_zone(session.ends_at, event.time_zone),
            }  # fmt: skip
        elif "initial" not in kwargs:
            kwargs["initial"] = {
                "starts_at": _in_zone(event.starts_at, event.time_zone),
                "ends_at": _in_zone(event.starts_at + datetime.timedelta(hours=1), event.time_zone),
            }
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = _("In the event's time zone (%(zone)s).") % {
            "zone": event.time_zone
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("starts_at", "ends_at"):
            if data.get(name):
                data[name] = _localise(data[name], self.event.time_zone)
        return data


class QuestionForm(forms.Form):
    label = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Answer type"), choices=Question.Kind.choices)
    choices = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("For “One choice”: one option per line."),
    )
    is_required = forms.BooleanField(label=_("An answer is required"), required=False)


class InvitationsForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses to invite"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=100_000,
        help_text=_("Separated by commas, spaces or new lines."),
    )


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the event cancelled?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Everyone registered or waiting receives this in an e-mail."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the person)"), max_length=1000, required=False
    )


class RegistrationForm(forms.Form):
    """The event's custom questions, and the sessions a person chooses."""

    sessions = forms.MultipleChoiceField(
        label=_("Sessions and discussion groups"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(
        self, *args: Any, event: Event, sessions: list[EventSession], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        choosable = [session for session in sessions if session.is_choosable]
        self.session_objects = {str(session.public_id): session for session in choosable}
        if choosable:
            self.fields["sessions"].choices = [  # type: ignore[attr-defined]
                (str(s.public_id), self._session_label(s)) for s in choosable
            ]
            self.fields["sessions"].help_text = _(
                "Choose sessions that do not overlap. A full one puts you on its waitlist."
            )
        else:
            del self.fields["sessions"]
        for question in event.questions.all():
            name = f"question_{question.pk}"
            field: forms.Field
            if question.kind == Question.Kind.CHOICE:
                field = forms.ChoiceField(
                    label=question.label,
                    choices=[("", "—"), *[(c, c) for c in question.choices]],
                    required=question.is_required,
                )
            elif question.kind == Question.Kind.CHECKBOX:
                field = forms.BooleanField(label=question.label, required=question.is_required)
            else:
                field = forms.CharField(
                    label=question.label, max_length=1000, required=question.is_required
                )
            self.fields[name] = field

    def _session_label(self, session: EventSession) -> str:
        start = timezone.localtime(session.starts_at, ZoneInfo(self.event.time_zone))
        end = timezone.localtime(session.ends_at, ZoneInfo(self.event.time_zone))
        places = ""
        if session.capacity is not None:
            left = max(session.capacity - getattr(session, "confirmed_count", 0), 0)
            places = " · " + (
                str(_("full, waitlist"))
                if left == 0
                else ngettext("%(n)s place left", "%(n)s places left", left) % {"n": left}
            )
        return f"{start:%H:%M}–{end:%H:%M} · {session.title} ({session.get_kind_display()}){places}"

    def chosen_sessions(self) -> list[EventSession]:
        return [
            self.session_objects[key]
            for key in self.cleaned_data.get("sessions", [])
            if key in self.session_objects
        ]

    def answers(self) -> dict[str, Any]:
        return {
            name: value for name, value in self.cleaned_data.items() if name.startswith("question_")
        }
