"""Pages for events: the list, an event with its programme and registration, the organisers'
pages (edit, programme, questions, invitations, approvals, waitlists, groups) and "My events"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from skillspact.core.errors import DomainError, InvalidState
from skillspact.core.forms import add_domain_error
from skillspact.core.paginate import paginate
from skillspact.core.permissions import is_secretariat
from skillspact.core.types import AuthedHttpRequest
from skillspact.events import forms, selectors, services
from skillspact.events.models import Event, Question, Registration


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    when = request.GET.get("when", "upcoming")
    filters = selectors.EventFilters(
        q=request.GET.get("q", "")[:200],
        kind=request.GET.get("kind", "") if request.GET.get("kind") in Event.Kind.values else "",
        format=request.GET.get("format", "")
        if request.GET.get("format") in Event.Format.values
        else "",
        language=request.GET.get("language", "")[:10],
        when=when if when in ("upcoming", "past", "all") else "upcoming",
    )
    page = paginate(
        selectors.events_visible_to(user=request.user, filters=filters), request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": Event.Kind.choices,
            "formats": Event.Format.choices,
            "languages": forms.LANGUAGES,
            "querystring_base": query.urlencode() + "&" if query else "",
            "can_create": request.user.is_authenticated
            and selectors.can_create_event(user=request.user),
        },
    )


def _detail_context(
    request: HttpRequest, event: Event, form: forms.RegistrationForm | None = None
) -> dict[str, Any]:
    registration = selectors.registration_of(user=request.user, event=event)
    programme = selectors.programme_of(event=event)
    can_manage = selectors.can_manage(user=request.user, event=event)
    block_reason = selectors.registration_block_reason(user=request.user, event=event)
    if form is None and not (registration and registration.is_active) and not block_reason:
        form = forms.RegistrationForm(event=event, sessions=programme)
    choices = selectors.choices_of(registration=registration) if registration else {}
    return {
        "event": event,
        "registration": registration,
        "programme": [(session, choices.get(session.pk, "")) for session in programme],
        "has_choosable": any(session.is_choosable for session in programme),
        "can_manage": can_manage,
        "counts": selectors.event_counts(event=event),
        "block_reason": block_reason,
        "form": form,
        "waitlist_position": selectors.waitlist_position(registration=registration)
        if registration
        else None,
        "shows_online_link": bool(event.online_url)
        and (can_manage or (registration is not None and registration.is_confirmed)),
    }


@require_GET
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get_for_view(user=request.user, slug=slug)
    return render(request, "events/detail.html", _detail_context(request, event))


@login_required
@require_POST
def event_register(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get_for_view(user=request.user, slug=slug)
    programme = selectors.programme_of(event=event)
    form = forms.RegistrationForm(request.POST, event=event, sessions=programme)
    if form.is_valid():
        try:
            registration = services.registration_create(
                event=event,
                user=request.user,
                actor=request.user,
                answers=form.answers(),
                sessions=form.chosen_sessions(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                {
                    str(Registration.Status.CONFIRMED): _(
                        "You are registered. A confirmation is on its way to your inbox."
                    ),
                    str(Registration.Status.WAITLISTED): _(
                        "The event is full: you are on the waitlist and will hear from us "
                        "when a place frees up."
                    ),
                    str(Registration.Status.PENDING): _(
                        "Your registration is received; the organiser will approve it."
                    ),
                }.get(registration.status, _("Saved.")),
            )
            return redirect("events:detail", slug=event.slug)
    return render(request, "events/detail.html", _detail_context(request, event, form), status=400)


def _registration_action(request: AuthedHttpRequest, public_id: Any, action: str) -> HttpResponse:
    owner_actions = {"cancel", "decline"}
    if action in owner_actions:
        try:
            registration = selectors.registration_get_for_owner(
                user=request.user, public_id=public_id
            )
        except Http404:  # organisers act on other people's registrations
            registration = selectors.registration_get_for_manage(
                user=request.user, public_id=public_id
            )
    else:
        registration = selectors.registration_get_for_manage(user=request.user, public_id=public_id)
    event = registration.event
    try:
        if action == "cancel":
            services.registration_cancel(registration=registration, actor=request.user)
            messages.success(request, _("The registration is cancelled."))
        elif action == "decline":
            services.registration_decline(registration=registration, actor=request.user)
            messages.success(
                request, _("You declined the place; it goes to the next person waiting.")
            )
        elif action == "approve":
            registration = services.registration_approve(
                registration=registration, actor=request.user
            )
            messages.success(
                request, _("Approved: %(status)s.") % {"status": registration.get_status_display()}
            )
        elif action == "reject":
            services.registration_reject(
                registration=registration,
                actor=request.user,
                reason=request.POST.get("reason", "")[:1000],
            )
            messages.success(request, _("The registration is turned down; the person is told."))
    except DomainError as error:
        messages.error(request, error.message)
    next_url = request.POST.get("next", "")
    if next_url == "manage" and selectors.can_manage(user=request.user, event=event):
        return redirect("events:manage", slug=event.slug)
    return redirect("events:detail", slug=event.slug)


@login_required
@require_POST
def registration_cancel(request: AuthedHttpRequest, public_id: Any) -> HttpResponse:
    return _registration_action(request, public_id, "cancel")


@login_required
@require_POST
def registration_decline(request: AuthedHttpRequest, public_id: Any) -> HttpResponse:
    return _registration_action(request, public_id, "decline")


@login_required
@require_POST
def registration_approve(request: AuthedHttpRequest, public_id: Any) -> HttpResponse:
    return _registration_action(request, public_id, "approve")


@login_required
@require_POST
def registration_reject(request: AuthedHttpRequest, public_id: Any) -> HttpResponse:
    return _registration_action(request, public_id, "reject")


@login_required
@require_POST
def session_join(request: AuthedHttpRequest, slug: str, public_id: Any) -> HttpResponse:
    event = selectors.event_get_for_view(user=request.user, slug=slug)
    session = selectors.session_get(event=event, public_id=public_id)
    registration = selectors.registration_of(user=request.user, event=event)
    if registration is None:
        messages.error(request, _("Register for the event first."))
        return redirect("events:detail", slug=slug)
    try:
        choice = services.session_join(
            registration=registration, session=session, actor=request.user
        )
        if choice.status == "confirmed":
            messages.success(
                request, _("You have a place in “%(title)s”.") % {"title": session.title}
            )
        else:
            messages.info(
                request,
                _("“%(title)s” is full: you are on its waitlist.") % {"title": session.title},
            )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("events:detail", slug=slug)


@login_required
@require_POST
def session_leave(request: AuthedHttpRequest, slug: str, public_id: Any) -> HttpResponse:
    event = selectors.event_get_for_view(user=request.user, slug=slug)
    session = selectors.session_get(event=event, public_id=public_id)
    registration = selectors.registration_of(user=request.user, event=event)
    try:
        if registration is None:
            raise InvalidState(_("You are not in this session."))
        services.session_leave(registration=registration, session=session, actor=request.user)
        messages.success(request, _("You left “%(title)s”.") % {"title": session.title})
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("events:detail", slug=slug)


@login_required
def my_events(request: AuthedHttpRequest) -> HttpResponse:
    registrations = list(selectors.registrations_of(user=request.user))
    upcoming = [r for r in registrations if not r.event.is_past]
    past = [r for r in registrations if r.event.is_past]
    return render(request, "events/mine.html", {"upcoming": upcoming, "past": list(reversed(past))})


# -- organisers --------------------------------------------------------------------------------


def _event_form_page(request: AuthedHttpRequest, event: Event | None) -> HttpResponse:
    organisations = (
        selectors.organisations_for_new_event(user=request.user) if event is None else None
    )
    if event is None and not selectors.can_create_event(user=request.user):
        messages.info(
            request,
            _("Events are organised by the secretariat and the contacts of member organisations."),
        )
        return redirect("events:list")
    form = forms.EventForm(request.POST or None, organisations=organisations, event=event)
    if (
        event is None
        and not request.POST
        and organisations is not None
        and not is_secretariat(request.user)
    ):
        form.fields["organisation"].required = True
        form.fields["organisation"].empty_label = None  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.event_save(
                actor=request.user,
                event=event,
                organisation=form.cleaned_data.get("organisation"),
                data=form.service_data(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The event is saved.")
                if event
                else _("The event is saved as a draft. Add its programme, then publish it."),
            )
            return redirect("events:manage", slug=saved.slug)
    return render(
        request,
        "events/form.html",
        {"form": form, "event": event},
        status=400 if form.errors else 200,
    )


@login_required
def event_create(request: AuthedHttpRequest) -> HttpResponse:
    return _event_form_page(request, None)


@login_required
def event_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get_for_manage(user=request.user, slug=slug)
    return _event_form_page(request, event)


@login_required
def event_manage(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get_for_manage(user=request.user, slug=slug)
    return render(
        request,
        "events/manage.html",
        {
            "event": event,
            "counts": selectors.event_counts(event=event),
            "programme": selectors.programme_of(event=event),
            "questions": list(event.questions.all()),
            "pending": list(selectors.registrations_pending(event=event)[:200]),
            "waiting": list(selectors.registrations_waiting(event=event)[:200]),
            "invitations": event.invitations.count(),
            "question_form": forms.QuestionForm(),
            "invitations_form": forms.InvitationsForm(),
            "can_manage": True,
        },
    )


@login_required
@require_POST
def event_publish(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get_for_manage(user=request.user, slug=slug)
    try:
        services.event_publish(event=event, actor=request.user)
        messages.success(request, _("The event is published."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("events:manage", slug=slug)


@login_required
def event_cancel(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get_for_manage(user=request.user, slug=slug)
    form = forms.CancelEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_cancel(
                event=event, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The event is cancelled; everyone registered is told."))
            return redirect("events:manage", slug=slug)
    return render(request, "events/cancel.html", {"form": form, "event": event})


@login_required
def session_form(request: AuthedHttpRequest, slug: str, public_id: Any = None) -> HttpResponse:
    event = selectors.event_get_for_manage(user=request.user, slug=slug)
    session = selectors.session_get(event=event, public_id=public_id) if public_id else None
    form = forms.SessionForm(request.POST or None, event=event, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(
                actor=request.user, event=event, session=session, data=form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect("events:manage", slug=slug)
    return render(
        request,
        "events/session_form.html",
        {"form": form, "event": event, "session": session},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def session_delete(request: AuthedHttpRequest, slug: str, public_id: Any) -> HttpResponse:
    event = selectors.event_get_for_manage(user=request.user, slug=slug)
    session = selectors.session_get(event=event, public_id=public_id)
    services.session_delete(actor=request.user, session=session)
    messages.success(request, _("The session is removed; the people in it are told."))
    return redirect("events:manage", slug=slug)


@login_required
def session_people(request: AuthedHttpRequest, slug: str, public_id: Any) -> HttpResponse:
    event = selectors.event_get_for_manage(user=request.user, slug=slug)
    session = selectors.session_get(event=event, public_id=public_id)
    if request.method == "POST":
        try:
            registration = selectors.registration_get_for_manage(
                user=request.user, public_id=request.POST.get("registration", "")
            )
        except (Http404, ValidationError):  # a bad choice is a mistake on the form, not a 404
            messages.error(request, _("Choose a participant."))
            return redirect("events:session_people", slug=slug, public_id=public_id)
        from_session = None
        if request.POST.get("from_session"):
            from_session = selectors.session_get(
                event=event, public_id=request.POST["from_session"]
            )
        try:
            services.session_move(
                registration=registration,
                to_session=session,
                from_session=from_session,
                actor=request.user,
            )
            messages.success(
                request,
                _("%(name)s is now in “%(title)s”.")
                % {
                    "name": registration.user.full_name if registration.user else "—",
                    "title": session.title,
                },
            )
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("events:session_people", slug=slug, public_id=public_id)
    people = list(selectors.session_people(session=session))
    in_session = {choice.registration_id for choice in people}
    return render(
        request,
        "events/session_people.html",
        {
            "event": event,
            "session": session,
            "people": people,
            "others": [
                r for r in selectors.registrations_confirmed(event=event) if r.pk not in in_session
            ],
            "sessions": [
                s
                for s in selectors.programme_of(event=event)
                if s.is_choosable and s.pk != session.pk
            ],
        },
    )


@login_required
@require_POST
def question_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get_for_manage(user=request.user, slug=slug)
    if request.POST.get("action") == "delete":
        question = Question.objects.filter(
            event=event, pk=request.POST.get("question") or 0
        ).first()
        if question is not None:
            services.question_delete(actor=request.user, question=question)
            messages.success(request, _("The question is removed."))
        return redirect("events:manage", slug=slug)
    form = forms.QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_save(actor=request.user, event=event, data=form.cleaned_data)
            messages.success(request, _("The question is added to the registration form."))
            return redirect("events:manage", slug=slug)
        except DomainError as error:
            add_domain_error(form, error)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("events:manage", slug=slug)


@login_required
@require_POST
def invitations_add(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get_for_manage(user=request.user, slug=slug)
    form = forms.InvitationsForm(request.POST)
    if form.is_valid():
        try:
            new = services.invitations_add(
                actor=request.user, event=event, text=form.cleaned_data["emails"]
            )
            messages.success(request, _("%(count)s new invitations.") % {"count": len(new)})
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Enter at least one e-mail address."))
    return redirect("events:manage", slug=slug)
