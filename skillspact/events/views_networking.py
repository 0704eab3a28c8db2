"""Pages for one-to-one meetings at networking events: profiles, participants, suggestions,
requests, availability, booking, agendas and ratings; for organisers the slots and tables, the
scheduler, the agendas and the meetings."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

import icalendar
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillspact.core import ratelimit
from skillspact.core.errors import DomainError
from skillspact.core.forms import add_domain_error
from skillspact.core.paginate import paginate
from skillspact.core.types import AuthedHttpRequest
from skillspact.events import networking, networking_selectors
from skillspact.events.models import Event, MeetingRating, MeetingRequest, ScheduleRun
from skillspact.organisations.models import StakeholderType
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import ConceptType

# -- forms -------------------------------------------------------------------------------------


class _FreeMultipleChoiceField(forms.MultipleChoiceField):
    """A list of ESCO URIs the service checks."""

    def valid_value(self, value: Any) -> bool:
        return isinstance(value, str) and 0 < len(value) <= 255


def _stakeholder_choices() -> list[tuple[str, Any]]:
    return [("", gettext_lazy("— not given —")), *StakeholderType.choices]


class ProfileForm(forms.Form):
    headline = forms.CharField(
        label=gettext_lazy("Role and organisation"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For example: Nurse educator, Hospital Universitario del Norte."),
    )
    offers = forms.CharField(
        label=gettext_lazy("What I offer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Expertise, training, tools or places you can share."),
    )
    seeks = forms.CharField(
        label=gettext_lazy("What I am looking for"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Partners, know-how or funding you hope to find here."),
    )
    stakeholder_type = forms.ChoiceField(
        label=gettext_lazy("Stakeholder type"), choices=_stakeholder_choices, required=False
    )
    interests = _FreeMultipleChoiceField(label=gettext_lazy("Interests"), required=False)
    is_visible = forms.BooleanField(
        label=gettext_lazy("Other participants can find me and ask me for a meeting"),
        required=False,
    )


class RequestForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Say what you would like to talk about."),
    )


class MeetingSettingsForm(forms.Form):
    tables = forms.IntegerField(
        label=gettext_lazy("Tables (or online rooms) per slot"), min_value=0, max_value=5000
    )
    cap = forms.IntegerField(
        label=gettext_lazy("Meetings per participant at most"), min_value=1, max_value=100
    )


class SlotsForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("First slot starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes per slot"), min_value=5, max_value=240, initial=20
    )
    count = forms.IntegerField(
        label=gettext_lazy("Number of slots"),
        min_value=1,
        max_value=networking.SLOTS_PER_CALL_MAX,
        initial=1,
    )
    gap_minutes = forms.IntegerField(
        label=gettext_lazy("Pause between slots (minutes)"), min_value=0, max_value=240, initial=0
    )


class RatingForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=MeetingRating.Outcome.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


# -- helpers -----------------------------------------------------------------------------------


def _page(
    request: AuthedHttpRequest,
    template: str,
    access: networking_selectors.NetworkingAccess,
    context: dict[str, Any],
    *,
    section: str,
) -> HttpResponse:
    return render(
        request,
        f"events/networking/{template}",
        {
            "event": access.event,
            "access": access,
            "registration": access.registration,
            "section": section,
            **context,
        },
    )


def _interest_options(uris: list[str]) -> list[taxonomy_selectors.ConceptBrief]:
    found = networking_selectors.interests_describe(uris)
    return [found[uri] for uri in uris if uri in found]


def _labels_for(registrations: list[Any]) -> None:
    """Attach the interest labels to each registration's profile, in one query."""
    uris = {
        uri
        for r in registrations
        for uri in (getattr(networking_selectors.profile_of_loaded(r), "interests", None) or [])
    }
    found = networking_selectors.interests_describe(uris)
    for r in registrations:
        profile = networking_selectors.profile_of_loaded(r)
        r.profile = profile
        r.interest_labels = [
            found[uri].label for uri in (profile.interests if profile else []) if uri in found
        ]


def _stakeholder_of(person: Any) -> str:
    profile = networking_selectors.profile_of_loaded(person)
    return networking_selectors.stakeholder_label(profile.stakeholder_type if profile else "")


def _zone_override(event: Event) -> Any:
    return timezone.override(event.time_zone)


# -- profile -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthedHttpRequest, slug: str) -> HttpResponseBase:
    access = networking_selectors.participant_access(user=request.user, slug=slug)
    registration = access.registration
    assert registration is not None
    profile = networking_selectors.profile_of(registration=registration)
    initial: dict[str, Any]
    if profile is not None:
        initial = {
            "headline": profile.headline,
            "offers": profile.offers,
            "seeks": profile.seeks,
            "stakeholder_type": profile.stakeholder_type,
            "interests": list(profile.interests or []),
            "is_visible": profile.is_visible,
        }
    else:
        initial = networking_selectors.profile_initial(registration=registration)
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            networking.profile_save(
                registration=registration,
                actor=request.user,
                headline=form.cleaned_data["headline"],
                offers=form.cleaned_data["offers"],
                seeks=form.cleaned_data["seeks"],
                interests=form.cleaned_data["interests"],
                stakeholder_type=form.cleaned_data["stakeholder_type"],
                is_visible=form.cleaned_data["is_visible"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Your networking profile is saved."))
            return redirect("events:networking_suggestions", slug=slug)
    chosen: list[str] = (
        request.POST.getlist("interests") if form.is_bound else list(initial.get("interests") or [])
    )
    return _page(
        request,
        "profile_form.html",
        access,
        {"form": form, "profile": profile, "chosen_interests": _interest_options(chosen)},
        section="profile",
    )


@login_required
@require_GET
def skill_options(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """ESCO skills to add to a profile's interests (htmx)."""
    networking_selectors.participant_access(user=request.user, slug=slug)
    text = request.GET.get("interest_q", "").strip()[:200]
    options: list[taxonomy_selectors.ConceptBrief] = []
    if len(text) >= 2:
        hits = taxonomy_selectors.concept_search(
            text=text, concept_type=ConceptType.SKILL, limit=10
        )
        options = _interest_options([hit.uri for hit in hits.hits])
    return render(
        request,
        "events/networking/_skill_options.html",
        {"options": options, "text": text},
    )


# -- participants and suggestions --------------------------------------------------------------


@login_required
@require_GET
def participants(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = networking_selectors.networking_access(user=request.user, slug=slug)
    filters = networking_selectors.ParticipantFilters(
        q=request.GET.get("q", "")[:200],
        stakeholder_type=request.GET.get("stakeholder_type", "")[:40],
        interest=request.GET.get("interest", "")[:255],
    )
    queryset = networking_selectors.participants_search(access=access, filters=filters)
    page = paginate(queryset, request.GET.get("page"))
    _labels_for(list(page.object_list))
    partners = (
        networking_selectors.request_partners(registration=access.registration)
        if access.registration
        else {}
    )
    for item in page.object_list:
        item.request_status = partners.get(item.pk, "")
    query = request.GET.copy()
    query.pop("page", None)
    interests = networking_selectors.event_interests(event=access.event)
    return _page(
        request,
        "participants.html",
        access,
        {
            "page": page,
            "filters": filters,
            "stakeholder_types": StakeholderType.choices,
            "interests": interests,
            "querystring_base": query.urlencode() + "&" if query else "",
            "is_filtered": bool(filters.q or filters.stakeholder_type or filters.interest),
        },
        section="participants",
    )


@login_required
@require_GET
def participant_detail(request: AuthedHttpRequest, slug: str, public_id: UUID) -> HttpResponse:
    access = networking_selectors.networking_access(user=request.user, slug=slug)
    person = networking_selectors.participant_get(access=access, public_id=public_id)
    _labels_for([person])
    existing = (
        networking_selectors.request_between(one=access.registration, other=person)
        if access.registration and access.registration.pk != person.pk
        else None
    )
    return _page(
        request,
        "participant.html",
        access,
        {
            "person": person,
            "existing": existing,
            "stakeholder_type": _stakeholder_of(person),
            "form": RequestForm(),
            "is_self": access.registration is not None and access.registration.pk == person.pk,
        },
        section="participants",
    )


@login_required
@require_POST
def request_send(request: AuthedHttpRequest, slug: str, public_id: UUID) -> HttpResponseBase:
    access = networking_selectors.participant_access(user=request.user, slug=slug)
    person = networking_selectors.participant_get(access=access, public_id=public_id)
    form = RequestForm(request.POST)
    if form.is_valid():
        if ratelimit.is_limited("meeting-request", str(request.user.pk), limit=60):
            form.add_error(None, _("Too many requests sent; wait a few minutes."))
        else:
            ratelimit.hit("meeting-request", str(request.user.pk), window=600)
            try:
                networking.request_send(
                    sender=access.registration,  # type: ignore[arg-type]
                    recipient=person,
                    actor=request.user,
                    message=form.cleaned_data["message"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("Your request is sent to %(name)s.")
                    % {"name": person.user.full_name if person.user else ""},
                )
                return redirect("events:networking_requests", slug=slug)
    _labels_for([person])
    return _page(
        request,
        "participant.html",
        access,
        {
            "person": person,
            "existing": None,
            "stakeholder_type": _stakeholder_of(person),
            "form": form,
            "is_self": False,
        },
        section="participants",
    )


@login_required
@require_GET
def suggestions(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = networking_selectors.participant_access(user=request.user, slug=slug)
    assert access.registration is not None
    profile = networking_selectors.profile_of(registration=access.registration)
    found = networking_selectors.suggestions_for(registration=access.registration, limit=15)
    return _page(
        request,
        "suggestions.html",
        access,
        {"profile": profile, "suggestions": found},
        section="suggestions",
    )


# -- requests ----------------------------------------------------------------------------------


@login_required
@require_GET
def requests_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = networking_selectors.participant_access(user=request.user, slug=slug)
    assert access.registration is not None
    lists = networking_selectors.requests_of(registration=access.registration)
    return _page(
        request,
        "requests.html",
        access,
        {
            "lists": lists,
            "pending_max": networking.PENDING_REQUESTS_MAX,
            "agenda_is_final": access.event.agenda_state == Event.AgendaState.FINAL,
        },
        section="requests",
    )


def _request_action(request: AuthedHttpRequest, slug: str, public_id: UUID, action: str) -> Any:
    access = networking_selectors.participant_access(user=request.user, slug=slug)
    item = networking_selectors.request_get_for_party(access=access, public_id=public_id)
    service = {
        "accept": networking.request_accept,
        "decline": networking.request_decline,
        "cancel": networking.request_cancel,
    }[action]
    done = {
        "accept": _("Request accepted."),
        "decline": _("Request declined."),
        "cancel": _("Request cancelled."),
    }[action]
    try:
        service(request=item, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("events:networking_requests", slug=slug)


@login_required
@require_POST
def request_accept(request: AuthedHttpRequest, slug: str, public_id: UUID) -> HttpResponseBase:
    return _request_action(request, slug, public_id, "accept")  # type: ignore[no-any-return]


@login_required
@require_POST
def request_decline(request: AuthedHttpRequest, slug: str, public_id: UUID) -> HttpResponseBase:
    return _request_action(request, slug, public_id, "decline")  # type: ignore[no-any-return]


@login_required
@require_POST
def request_cancel(request: AuthedHttpRequest, slug: str, public_id: UUID) -> HttpResponseBase:
    return _request_action(request, slug, public_id, "cancel")  # type: ignore[no-any-return]


@login_required
@require_http_methods(["GET", "POST"])
def meeting_book(request: AuthedHttpRequest, slug: str, public_id: UUID) -> HttpResponseBase:
    access = networking_selectors.participant_access(user=request.user, slug=slug)
    item = networking_selectors.request_get_for_party(access=access, public_id=public_id)
    if item.status != MeetingRequest.Status.ACCEPTED:
        messages.error(request, _("Only an accepted request can be booked."))
        return redirect("events:networking_requests", slug=slug)
    error = ""
    if request.method == "POST":
        slot = networking_selectors.slot_get(event=access.event, public_id=request.POST.get("slot"))
        try:
            meeting = networking.meeting_book(request=item, slot=slot, actor=request.user)
        except DomainError as problem:
            error = problem.message
        else:
            messages.success(
                request, _("Your meeting is booked at table %(table)s.") % {"table": meeting.table}
            )
            return redirect("events:networking_agenda", slug=slug)
    other = item.recipient if item.sender_id == access.registration.pk else item.sender  # type: ignore[union-attr]
    return _page(
        request,
        "book.html",
        access,
        {
            "item": item,
            "other": other,
            "slots": networking_selectors.bookable_slots(request=item),
            "error": error,
        },
        section="requests",
    )


# -- availability ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def availability(request: AuthedHttpRequest, slug: str) -> HttpResponseBase:
    access = networking_selectors.participant_access(user=request.user, slug=slug)
    registration = access.registration
    assert registration is not None
    error = ""
    if request.method == "POST":
        wanted = request.POST.getlist("slots")
        slots = [
            choice.slot
            for choice in networking_selectors.availability_choices(registration=registration)
            if str(choice.slot.public_id) in wanted
        ]
        try:
            networking.availability_set(registration=registration, actor=request.user, slots=slots)
        except DomainError as problem:
            error = problem.message
        else:
            messages.success(request, _("Your availability is saved."))
            return redirect("events:networking_availability", slug=slug)
    return _page(
        request,
        "availability.html",
        access,
        {
            "choices": networking_selectors.availability_choices(registration=registration),
            "error": error,
        },
        section="availability",
    )


# -- agenda ------------------------------------------------------------------------------------


@login_required
@require_GET
def agenda(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = networking_selectors.participant_access(user=request.user, slug=slug)
    assert access.registration is not None
    items = networking_selectors.agenda_of(registration=access.registration)
    now = timezone.now()
    return _page(
        request,
        "agenda.html",
        access,
        {
            "items": items,
            "unplaced": networking_selectors.unplaced_count(registration=access.registration),
            "rating_form": RatingForm(),
            "outcomes": MeetingRating.Outcome.choices,
            "now": now,
        },
        section="agenda",
    )


def agenda_calendar(event: Event, items: list[networking_selectors.AgendaItem]) -> bytes:
    """The person's meetings as an iCalendar file; UIDs match the event calendar's."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//skillspact//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Meetings · %(event)s") % {"event": event.title})
    stamp = timezone.now().astimezone(datetime.UTC)
    url = settings.SITE_URL + reverse("events:networking_agenda", args=[event.slug])
    for item in items:
        component = icalendar.Event()
        component.add("uid", f"meeting-{item.meeting.public_id}@skillspact")
        component.add("dtstamp", stamp)
        component.add("dtstart", item.slot.starts_at.astimezone(datetime.UTC))
        component.add("dtend", item.slot.ends_at.astimezone(datetime.UTC))
        component.add(
            "summary",
            _("Meeting with %(name)s · %(event)s")
            % {"name": item.other_name, "event": event.title},
        )
        table = _("Table %(number)s") % {"number": item.table}
        component.add("location", ", ".join(p for p in (table, event.venue) if p))
        lines = [item.other_headline, table]
        if event.agenda_state == Event.AgendaState.PRELIMINARY:
            lines.append(_("Preliminary agenda: the time may still change."))
        lines.append(url)
        component.add("description", "\n\n".join(line for line in lines if line))
        component.add("url", url)
        component.add(
            "status",
            "TENTATIVE" if event.agenda_state == Event.AgendaState.PRELIMINARY else "CONFIRMED",
        )
        component.add("sequence", event.sequence)
        calendar.add_component(component)
    return calendar.to_ical()


@login_required
@require_GET
def agenda_ics(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = networking_selectors.participant_access(user=request.user, slug=slug)
    assert access.registration is not None
    items = networking_selectors.agenda_of(registration=access.registration)
    response = HttpResponse(
        agenda_calendar(access.event, items), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{access.event.slug}-meetings.ics"'
    return response


@login_required
@require_POST
def meeting_rate(request: AuthedHttpRequest, slug: str, public_id: UUID) -> HttpResponseBase:
    access = networking_selectors.participant_access(user=request.user, slug=slug)
    meeting = networking_selectors.meeting_get_for_participant(access=access, public_id=public_id)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome for the meeting."))
    else:
        try:
            networking.meeting_rate(
                meeting=meeting,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you: your rating is saved."))
    return redirect("events:networking_agenda", slug=slug)


# -- organisers --------------------------------------------------------------------------------


def _organiser_access(
    request: AuthedHttpRequest, slug: str
) -> networking_selectors.NetworkingAccess:
    event = networking_selectors.organiser_event(user=request.user, slug=slug)
    registration = networking_selectors.confirmed_registration(user=request.user, event=event)
    return networking_selectors.NetworkingAccess(
        event=event, registration=registration, can_manage=True
    )


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: AuthedHttpRequest, slug: str) -> HttpResponseBase:
    access = _organiser_access(request, slug)
    event = access.event
    action = request.POST.get("action") if request.method == "POST" else None
    settings_form = MeetingSettingsForm(
        request.POST if action == "settings" else None,
        initial={"tables": event.meeting_tables, "cap": event.meeting_cap},
    )
    local_start = timezone.localtime(event.starts_at, _zone(event)).replace(tzinfo=None)
    slots_form = SlotsForm(
        request.POST if action == "slots" else None,
        initial={"starts_at": local_start, "minutes": 20, "count": 1, "gap_minutes": 0},
    )
    if action == "settings" and settings_form.is_valid():
        try:
            networking.meeting_settings_save(
                event=event,
                actor=request.user,
                tables=settings_form.cleaned_data["tables"],
                cap=settings_form.cleaned_data["cap"],
            )
        except DomainError as error:
            add_domain_error(settings_form, error)
        else:
            messages.success(request, _("Tables and cap are saved."))
            return redirect("events:networking_setup", slug=slug)
    if action == "slots":
        with _zone_override(event):
            valid = slots_form.is_valid()
        if valid:
            try:
                created = networking.slots_add(
                    event=event,
                    actor=request.user,
                    starts_at=slots_form.cleaned_data["starts_at"],
                    minutes=slots_form.cleaned_data["minutes"],
                    count=slots_form.cleaned_data["count"],
                    gap_minutes=slots_form.cleaned_data["gap_minutes"],
                )
            except DomainError as error:
                add_domain_error(slots_form, error)
            else:
                messages.success(
                    request,
                    _("%(count)s slots added.") % {"count": len(created)},
                )
                return redirect("events:networking_setup", slug=slug)
    return _page(
        request,
        "setup.html",
        access,
        {
            "settings_form": settings_form,
            "slots_form": slots_form,
            "slots": list(networking_selectors.slots_of(event=event)),
        },
        section="setup",
    )


def _zone(event: Event) -> datetime.tzinfo:
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(event.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


@login_required
@require_POST
def slot_delete(request: AuthedHttpRequest, slug: str, public_id: UUID) -> HttpResponseBase:
    event = networking_selectors.organiser_event(user=request.user, slug=slug)
    slot = networking_selectors.slot_get(event=event, public_id=public_id)
    try:
        networking.slot_delete(slot=slot, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The slot is removed."))
    return redirect("events:networking_setup", slug=slug)


def _run_rows(runs: list[ScheduleRun]) -> list[ScheduleRun]:
    for run in runs:
        run.share = (  # type: ignore[attr-defined]
            round(100 * run.placed / run.upper_bound, 1) if run.upper_bound else None
        )
        run.is_active = run.status in (  # type: ignore[attr-defined]
            ScheduleRun.Status.QUEUED,
            ScheduleRun.Status.RUNNING,
        )
    return runs


@login_required
@require_http_methods(["GET", "POST"])
def scheduler_page(request: AuthedHttpRequest, slug: str) -> HttpResponseBase:
    access = _organiser_access(request, slug)
    event = access.event
    if request.method == "POST":
        try:
            networking.schedule_run_start(event=event, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The scheduler is running; this page shows its progress."))
        return redirect("events:networking_scheduler", slug=slug)
    runs = _run_rows(list(networking_selectors.schedule_runs_of(event=event)[:10]))
    ratings = networking_selectors.rating_counts(event=event)
    rated = sum(count for _v, _l, count in ratings)
    return _page(
        request,
        "scheduler.html",
        access,
        {
            "runs": runs,
            "stats": networking_selectors.networking_stats(event=event),
            "ratings": [
                (value, label, count, round(100 * count / rated) if rated else 0)
                for value, label, count in ratings
            ],
            "rated": rated,
        },
        section="scheduler",
    )


@login_required
@require_GET
def run_status(request: AuthedHttpRequest, slug: str, public_id: UUID) -> HttpResponse:
    """One run's row, polled by htmx while the run is queued or running."""
    event = networking_selectors.organiser_event(user=request.user, slug=slug)
    run = networking_selectors.schedule_run_get(event=event, public_id=public_id)
    return render(
        request,
        "events/networking/_run_row.html",
        {"run": _run_rows([run])[0], "event": event},
    )


@login_required
@require_POST
def agenda_publish(request: AuthedHttpRequest, slug: str) -> HttpResponseBase:
    event = networking_selectors.organiser_event(user=request.user, slug=slug)
    final = request.POST.get("final") == "1"
    try:
        count = networking.agenda_publish(event=event, actor=request.user, final=final)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            (
                _("The final agenda is published and sent to %(count)s participants.")
                if final
                else _("The preliminary agenda is published and sent to %(count)s participants.")
            )
            % {"count": count},
        )
    return redirect("events:networking_scheduler", slug=slug)


@login_required
@require_GET
def meetings_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = _organiser_access(request, slug)
    page = paginate(
        networking_selectors.meetings_of_event(event=access.event),
        request.GET.get("page"),
        per_page=50,
    )
    return _page(
        request,
        "meetings.html",
        access,
        {"page": page, "querystring_base": ""},
        section="meetings",
    )
