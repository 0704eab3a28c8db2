"""Pages of enrolments: enrolling and cancelling, "My courses", and the provider's learners page
(completion per learner, completions by file, exports)."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillspact.core.errors import DomainError
from skillspact.core.forms import add_domain_error
from skillspact.core.paginate import paginate
from skillspact.core.types import AuthedHttpRequest
from skillspact.training import enrolments
from skillspact.training.models import Course, Enrolment

LEARNERS_PER_PAGE = 50


class CompletionForm(forms.Form):
    """The provider's record of one learner's completion."""

    result = forms.ChoiceField(
        label=gettext_lazy("Result"),
        choices=[("", gettext_lazy("Choose…")), *Enrolment.Result.choices],
    )
    grade = forms.CharField(
        label=gettext_lazy("Grade"),
        required=False,
        max_length=50,
        help_text=gettext_lazy("Optional, as you give it: a mark, a score, a level."),
    )
    completed_on = forms.DateField(
        label=gettext_lazy("Completed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Empty: today."),
    )

    def __init__(self, *args: Any, enrolment: Enrolment, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_%s_{enrolment.public_id.hex}")
        if enrolment.status == Enrolment.Status.COMPLETED and "data" not in kwargs and not args:
            kwargs.setdefault(
                "initial",
                {
                    "result": enrolment.result,
                    "grade": enrolment.grade,
                    "completed_on": timezone.localdate(enrolment.completed_at)
                    if enrolment.completed_at
                    else None,
                },
            )
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment


class CompletionsUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Completions file"),
        help_text=format_lazy(
            gettext_lazy("CSV (UTF-8) or XLSX, up to {size} MB and {rows} rows."),
            size=enrolments.MAX_BYTES // 1_048_576,
            rows=f"{enrolments.MAX_ROWS:,}",
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": f".csv,.xlsx,text/csv,{enrolments.XLSX_TYPE}"}
        ),
    )


def _back_to_course(course: Course) -> HttpResponse:
    return redirect(enrolments.course_url(course))


# -- people ------------------------------------------------------------------------------------


@login_required
@require_POST
def enrol(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    course = enrolments.course_get_for_enrolment(user=request.user, slug=slug)
    try:
        enrolment = enrolments.enrolment_create(
            course=course, user=request.user, actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if enrolment.status == Enrolment.Status.ENROLLED:
            messages.success(
                request, _("You are enrolled. A confirmation is on its way to your inbox.")
            )
        else:
            messages.info(
                request,
                _(
                    "The course is full: you are number %(position)s on the waitlist and will "
                    "hear from us when a place is yours."
                )
                % {"position": enrolments.waitlist_position(enrolment=enrolment)},
            )
    return _back_to_course(course)


def _safe_next(request: AuthedHttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_required
@require_POST
def enrolment_cancel(request: AuthedHttpRequest, public_id: UUID) -> HttpResponse:
    try:
        enrolment = enrolments.enrolment_get_for_owner(user=request.user, public_id=public_id)
        is_owner = True
    except Http404:  # the provider cancels other people's enrolments
        enrolment = enrolments.enrolment_get_for_manage(user=request.user, public_id=public_id)
        is_owner = False
    try:
        enrolments.enrolment_cancel(enrolment=enrolment, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Your enrolment is cancelled.")
            if is_owner
            else _("The enrolment is cancelled; the learner is told."),
        )
    target = _safe_next(request)
    return redirect(target) if target else _back_to_course(enrolment.course)


@login_required
@require_GET
def my_courses(request: AuthedHttpRequest) -> HttpResponse:
    groups: dict[str, list[Enrolment]] = {status: [] for status in Enrolment.Status.values}
    for enrolment in enrolments.enrolments_of(user=request.user):
        groups[enrolment.status].append(enrolment)
    return render(
        request,
        "training/enrolments/mine.html",
        {
            "enrolled": groups[Enrolment.Status.ENROLLED],
            "waiting": groups[Enrolment.Status.WAITLISTED],
            "completed": groups[Enrolment.Status.COMPLETED],
            "cancelled": groups[Enrolment.Status.CANCELLED],
            "has_any": any(groups.values()),
        },
    )


# -- the provider ------------------------------------------------------------------------------


def _learners_page(
    request: AuthedHttpRequest,
    course: Course,
    *,
    bound: CompletionForm | None = None,
    status_code: int = 200,
) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Enrolment.Status.values:
        status = ""
    queryset = enrolments.learners_for_manage(user=request.user, course=course, status=status)
    page = paginate(queryset, request.GET.get("page"), per_page=LEARNERS_PER_PAGE)
    positions = enrolments.waitlist_positions(course=course)
    listed = list(page.object_list)
    if bound is not None and bound.enrolment.pk not in {e.pk for e in listed}:
        # The learner whose form has errors stays in view, whatever page was asked for.
        listed.insert(0, bound.enrolment)
    rows = []
    for enrolment in listed:
        can_complete = enrolment.status in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED)
        form = None
        if can_complete:
            form = (
                bound
                if bound is not None and bound.enrolment.pk == enrolment.pk
                else CompletionForm(enrolment=enrolment)
            )
        rows.append(
            {
                "enrolment": enrolment,
                "position": positions.get(enrolment.pk),
                "form": form,
                "is_successful": enrolments.is_successful(enrolment),
            }
        )
    return render(
        request,
        "training/enrolments/learners.html",
        {
            "course": course,
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": Enrolment.Status.choices,
            "counts": enrolments.enrolment_counts(course=course),
            "bound": bound,
            "querystring_base": urlencode({"status": status}) + "&" if status else "",
            "export_query": urlencode({"status": status}) + "&" if status else "",
            "this_page": reverse("training:learners", args=[course.slug])
            + (f"?{request.GET.urlencode()}" if request.GET else ""),
        },
        status=status_code,
    )


@login_required
@require_GET
def learners(request: AuthedHttpRequest, slug: str) -> HttpResponseBase:
    course = enrolments.course_get_for_learners(user=request.user, slug=slug)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        status = request.GET.get("status", "")
        queryset = enrolments.learners_for_manage(user=request.user, course=course, status=status)
        stamp = timezone.localdate().strftime("%Y%m%d")
        name = f"{course.slug}-learners-{stamp}.{export}"
        response: HttpResponseBase
        if export == "csv":
            response = StreamingHttpResponse(
                enrolments.export_csv_stream(course=course, learners=queryset.iterator()),
                content_type="text/csv; charset=utf-8",
            )
        else:
            response = HttpResponse(
                enrolments.export_xlsx_bytes(course=course, learners=queryset),
                content_type=enrolments.XLSX_TYPE,
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response
    return _learners_page(request, course)


@login_required
@require_POST
def enrolment_complete(request: AuthedHttpRequest, slug: str, public_id: UUID) -> HttpResponse:
    course = enrolments.course_get_for_learners(user=request.user, slug=slug)
    enrolment = enrolments.enrolment_get_for_manage(
        user=request.user, public_id=public_id, course=course
    )
    form = CompletionForm(request.POST, enrolment=enrolment)
    if form.is_valid():
        was_completed = enrolment.status == Enrolment.Status.COMPLETED
        completed_on: datetime.date | None = form.cleaned_data["completed_on"]
        try:
            saved = enrolments.enrolment_complete(
                enrolment=enrolment,
                actor=request.user,
                result=form.cleaned_data["result"],
                grade=form.cleaned_data["grade"],
                completed_at=completed_on,
            )
        except DomainError as error:
            add_domain_error(form, _on_form(error))
        else:
            name = saved.user.full_name if saved.user else ""
            messages.success(
                request,
                (
                    _("%(name)s: the result is corrected.")
                    if was_completed
                    else _("%(name)s: the completion is recorded.")
                )
                % {"name": name},
            )
            target = _safe_next(request)
            return redirect(target) if target else redirect("training:learners", slug=slug)
    return _learners_page(request, course, bound=form, status_code=400)


def _on_form(error: DomainError) -> DomainError:
    """The service names the date `completed_at`; the form calls it `completed_on`."""
    fields = getattr(error, "fields", None)
    if fields and "completed_at" in fields:
        fields["completed_on"] = fields.pop("completed_at")
    return error


@login_required
@require_http_methods(["GET", "POST"])
def completions_upload(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    course = enrolments.course_get_for_learners(user=request.user, slug=slug)
    form = (
        CompletionsUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else CompletionsUploadForm()
    )
    result: enrolments.ImportResult | None = None
    if request.method == "POST" and form.is_valid():
        try:
            result = enrolments.completions_import(
                actor=request.user, course=course, upload=form.cleaned_data["file"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if result.is_stored:
                messages.success(request, result.summary())
                return redirect("training:learners", slug=slug)
    return render(
        request,
        "training/enrolments/upload.html",
        {
            "course": course,
            "form": form,
            "result": result,
            "columns": enrolments.COLUMNS,
            "notes": enrolments.import_notes(),
        },
        status=400 if form.errors or (result and result.errors) else 200,
    )


@login_required
@require_GET
def completions_template(request: AuthedHttpRequest, slug: str, file_format: str) -> HttpResponse:
    course = enrolments.course_get_for_learners(user=request.user, slug=slug)
    if file_format == "xlsx":
        response = HttpResponse(
            enrolments.template_xlsx(course=course), content_type=enrolments.XLSX_TYPE
        )
    else:
        response = HttpResponse(
            enrolments.template_csv(course=course), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = (
        f'attachment; filename="{course.slug}-completions.{file_format}"'
    )
    # The template carries learners' addresses: never from a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
