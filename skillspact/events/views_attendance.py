"""Pages for tickets and check-in, attendance lists, feedback, certificates, calendar files and
feeds, and deleting one's registration data."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import segno
from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillspact.core.errors import DomainError
from skillspact.core.forms import add_domain_error
from skillspact.core.paginate import paginate
from skillspact.core.types import AuthedHttpRequest
from skillspact.events import attendance, calendars, selectors
from skillspact.events.models import Event, Registration

# -- calendars ---------------------------------------------------------------------------------


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=calendars.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def registration_calendar(request: AuthedHttpRequest, public_id: UUID) -> HttpResponse:
    registration = selectors.registration_get_for_owner(user=request.user, public_id=public_id)
    return _ics(
        calendars.registration_ics(registration=registration),
        calendars.filename(registration.event),
    )


@require_GET
@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    # No login: calendar programs cannot sign in; the secret token is the credential.
    feed = attendance.calendar_feed_get(token=token)
    response = HttpResponse(calendars.feed_ics(user=feed.user), content_type=calendars.CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


def feed_url(token: str) -> str:
    return settings.SITE_URL + reverse("events:calendar_feed", args=[token])


@login_required
@require_http_methods(["GET", "POST"])
def calendar_subscription(request: AuthedHttpRequest) -> HttpResponseBase:
    if request.method == "POST":
        attendance.calendar_feed_create(actor=request.user)
        messages.success(request, _("Your calendar address is ready."))
        return redirect(_next(request, reverse("events:calendar")))
    feed = attendance.calendar_feed_of(user=request.user)
    return render(
        request,
        "events/attendance/calendar.html",
        {"feed": feed, "feed_url": feed_url(feed.token) if feed else ""},
    )


@login_required
@require_POST
def calendar_reset(request: AuthedHttpRequest) -> HttpResponse:
    attendance.calendar_feed_reset(actor=request.user)
    messages.success(
        request,
        _("Your calendar has a new address. Subscribe again with it; the old one no longer works."),
    )
    return redirect(_next(request, reverse("events:calendar")))


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# -- tickets -----------------------------------------------------------------------------------


@login_required
@require_GET
def ticket(request: AuthedHttpRequest, public_id: UUID) -> HttpResponse:
    registration = selectors.registration_get_for_owner(user=request.user, public_id=public_id)
    event = registration.event
    is_valid = registration.is_confirmed and event.status != Event.Status.CANCELLED
    qr_svg = ""
    if is_valid:
        qr = segno.make(attendance.ticket_url(registration=registration), error="m")
        qr_svg = qr.svg_inline(
            scale=6,
            border=2,
            title=_("QR code of your ticket"),
            svgclass="ticket-qr-code",
            omitsize=True,
        )
    return render(
        request,
        "events/attendance/ticket.html",
        {
            "event": event,
            "registration": registration,
            "is_valid": is_valid,
            "qr_svg": qr_svg,
            "starts_at": attendance.event_time(event, event.starts_at),
            "ends_at": attendance.event_time(event, event.ends_at),
        },
    )


# -- check-in ----------------------------------------------------------------------------------


def _checked_in_time(event: Event, registration: Registration) -> str:
    assert registration.checked_in_at is not None
    return attendance.event_time(event, registration.checked_in_at).strftime("%H:%M")


@login_required
@require_GET
def check_in(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get_for_manage(user=request.user, slug=slug)
    q = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    context: dict[str, Any] = {
        "event": event,
        "q": q,
        "results": attendance.check_in_search(event=event, q=q),
        "counts": attendance.check_in_counts(event=event),
        "limit": attendance.CHECK_IN_RESULTS,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "events/attendance/check_in.html#results", context)
    return render(request, "events/attendance/check_in.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def check_in_ticket(request: AuthedHttpRequest, slug: str, token: str) -> HttpResponseBase:
    event = selectors.event_get_for_manage(user=request.user, slug=slug)
    registration = attendance.registration_get_for_ticket(event=event, token=token)
    problem = attendance.check_in_problem(event=event, registration=registration)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "check_in")
        back = request.POST.get("q")
        try:
            if action == "undo":
                registration = attendance.registration_check_in_undo(
                    event=event, registration=registration, actor=request.user
                )
                messages.success(
                    request, _("Check-in of %(name)s undone.") % {"name": _person(registration)}
                )
            else:
                result = attendance.registration_check_in(
                    event=event, registration=registration, actor=request.user
                )
                registration = result.registration
                name = _person(registration)
                when = _checked_in_time(event, registration)
                if result.was_already:
                    messages.info(
                        request,
                        _("%(name)s was already checked in at %(time)s.")
                        % {"name": name, "time": when},
                    )
                else:
                    messages.success(
                        request,
                        _("%(name)s is checked in (%(time)s).") % {"name": name, "time": when},
                    )
        except DomainError as error:
            problem = error.message
            status = error.status
        else:
            if back is not None:
                target = reverse("events:check_in", args=[event.slug])
                return redirect(f"{target}?{urlencode({'q': back})}" if back else target)
            return redirect("events:check_in_ticket", event.slug, token)
    is_other_event = registration.event_id != event.pk
    return render(
        request,
        "events/attendance/check_in_ticket.html",
        {
            "event": event,
            # A ticket of another event shows nothing about its holder.
            "registration": None if is_other_event else registration,
            "problem": problem,
            "checked_in_time": (
                _checked_in_time(event, registration)
                if registration.checked_in_at and not is_other_event
                else ""
            ),
            "counts": attendance.check_in_counts(event=event),
        },
        status=409 if problem and request.method == "POST" else status,
    )


def _person(registration: Registration) -> str:
    user = registration.user
    return (user.full_name or user.email) if user else _("(data deleted)")


# -- attendance list ---------------------------------------------------------------------------


@login_required
@require_GET
def attendance_list(request: AuthedHttpRequest, slug: str) -> HttpResponseBase:
    status = request.GET.get("status", "")
    if status not in Registration.Status.values:
        status = ""
    event, queryset = attendance.attendance_for_manage(user=request.user, slug=slug, status=status)
    export = request.GET.get("export")
    stamp = timezone.now().strftime("%Y%m%d")
    if export == "csv":
        registrations = list(queryset)
        labels = attendance.question_labels(event=event, registrations=registrations)
        response = StreamingHttpResponse(
            attendance.attendance_csv_stream(event, registrations, labels),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{event.slug}-attendance-{stamp}.csv"'
        )
        return response
    if export == "xlsx":
        registrations = list(queryset)
        labels = attendance.question_labels(event=event, registrations=registrations)
        xlsx = HttpResponse(
            attendance.attendance_xlsx_bytes(event, registrations, labels),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        xlsx["Content-Disposition"] = f'attachment; filename="{event.slug}-attendance-{stamp}.xlsx"'
        return xlsx
    page = paginate(queryset, request.GET.get("page"), per_page=50)
    rows = list(page.object_list)
    labels = attendance.question_labels(event=event, registrations=rows)
    summary = attendance.feedback_summary(event=event)
    return render(
        request,
        "events/attendance/list.html",
        {
            "event": event,
            "page": page,
            "rows": [
                {
                    "registration": registration,
                    "answers": [attendance.answer_text(registration, label) for label in labels],
                }
                for registration in rows
            ],
            "labels": labels,
            "status": status,
            "status_counts": attendance.attendance_status_counts(event=event),
            "check_in_counts": attendance.check_in_counts(event=event),
            "summary": summary,
            "querystring_base": urlencode({"status": status}) + "&" if status else "",
            "export_query": urlencode({"status": status}) + "&" if status else "",
        },
    )


# -- feedback ----------------------------------------------------------------------------------

SCORES = [(str(n), str(n)) for n in range(1, 6)]


class FeedbackForm(django_forms.Form):
    rating = django_forms.TypedChoiceField(
        label=gettext_lazy("Overall, how would you rate the event? (1 = poor, 5 = excellent)"),
        choices=SCORES,
        coerce=int,
        widget=django_forms.RadioSelect,
    )
    usefulness = django_forms.TypedChoiceField(
        label=gettext_lazy("How useful was it for your work? (1 = not at all, 5 = very)"),
        choices=SCORES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=django_forms.RadioSelect,
    )
    comment = django_forms.CharField(
        label=gettext_lazy("Comment"),
        help_text=gettext_lazy(
            "What worked, what should change next time? The organisers read it."
        ),
        required=False,
        max_length=4000,
        widget=django_forms.Textarea(attrs={"rows": 5}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request: AuthedHttpRequest, slug: str) -> HttpResponseBase:
    event, registration = attendance.feedback_registration(user=request.user, slug=slug)
    if registration is None:
        raise Http404
    if not event.is_past:
        return render(
            request,
            "events/attendance/feedback.html",
            {"event": event, "form": None, "is_open": False},
        )
    existing = attendance.feedback_of(registration=registration)
    initial = (
        {"rating": existing.rating, "usefulness": existing.usefulness, "comment": existing.comment}
        if existing
        else None
    )
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            attendance.feedback_submit(
                registration=registration,
                actor=request.user,
                rating=form.cleaned_data["rating"],
                usefulness=form.cleaned_data["usefulness"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("events:detail", event.slug)
    return render(
        request,
        "events/attendance/feedback.html",
        {"event": event, "form": form, "is_open": True, "existing": existing},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def feedback_results(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_get_for_manage(user=request.user, slug=slug)
    return render(
        request,
        "events/attendance/feedback_results.html",
        {"event": event, "summary": attendance.feedback_summary(event=event)},
    )


# -- certificates ------------------------------------------------------------------------------


@login_required
@require_GET
def certificate(request: AuthedHttpRequest, public_id: UUID) -> HttpResponse:
    registration = attendance.registration_get_for_certificate(
        user=request.user, public_id=public_id
    )
    problem = attendance.certificate_problem(registration=registration)
    if problem:
        return render(
            request,
            "events/attendance/no_certificate.html",
            {"event": registration.event, "problem": problem},
            status=409,
        )
    # The PDF library loads in seconds; only this page needs it.
    from skillspact.events import certificates

    body = certificates.certificate_pdf(
        registration=registration,
        sessions=attendance.sessions_attended(registration=registration),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificates.filename(registration)}"'
    return response


# -- deleting one's data -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def delete_data(request: AuthedHttpRequest, public_id: UUID) -> HttpResponseBase:
    registration = selectors.registration_get_for_owner(user=request.user, public_id=public_id)
    event = registration.event
    problem = attendance.data_delete_problem(registration=registration)
    if request.method == "POST" and not problem:
        try:
            attendance.registration_data_delete(registration=registration, actor=request.user)
        except DomainError as error:
            problem = error.message
        else:
            messages.success(
                request,
                _("Your registration data for “%(title)s” is deleted.") % {"title": event.title},
            )
            return redirect("events:mine")
    return render(
        request,
        "events/attendance/delete_data.html",
        {"event": event, "registration": registration, "problem": problem},
        status=409 if problem and request.method == "POST" else 200,
    )
