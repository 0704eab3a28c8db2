"""Pages for reporting by the file: the upload with its error report, and the templates."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from skillspact.commitments import bulk, selectors
from skillspact.core.errors import DomainError
from skillspact.core.forms import add_domain_error
from skillspact.core.types import AuthedHttpRequest
from skillspact.organisations import selectors as organisation_selectors


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Progress reports file"),
        help_text=format_lazy(
            gettext_lazy("CSV (UTF-8) or XLSX, up to {size} MB and {rows} rows."),
            size=bulk.MAX_BYTES // 1_048_576,
            rows=f"{bulk.MAX_ROWS:,}",
        ),
        widget=forms.ClearableFileInput(attrs={"accept": f".csv,.xlsx,text/csv,{bulk.XLSX_TYPE}"}),
    )


@login_required
def report_upload(request: AuthedHttpRequest, slug: str, year: int) -> HttpResponse:
    organisation = organisation_selectors.organisation_get_for_edit(user=request.user, slug=slug)
    window = selectors.window_get(year=year)
    form = (
        BulkUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else BulkUploadForm()
    )
    result: bulk.BulkResult | None = None
    if request.method == "POST" and form.is_valid():
        try:
            result = bulk.reports_bulk_upload(
                actor=request.user,
                organisation=organisation,
                window=window,
                upload=form.cleaned_data["file"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if result.is_stored:
                messages.success(request, result.summary())
                return redirect("commitments:report_upload", slug=organisation.slug, year=year)
    return render(
        request,
        "commitments/bulk_upload.html",
        {
            "organisation": organisation,
            "window": window,
            "accepts_uploads": bulk.window_accepts_uploads(
                window=window, organisation=organisation
            ),
            "other_windows": [w for w in selectors.windows_open() if w.pk != window.pk],
            "form": form,
            "result": result,
            "columns": bulk.COLUMNS,
            "notes": bulk.notes(),
            "network_members": bulk.network_members(organisation=organisation),
        },
    )


@login_required
@require_GET
def report_template(
    request: AuthedHttpRequest, slug: str, year: int, file_format: str
) -> HttpResponse:
    organisation = organisation_selectors.organisation_get_for_edit(user=request.user, slug=slug)
    window = selectors.window_get(year=year)
    if file_format == "xlsx":
        response = HttpResponse(
            bulk.template_xlsx(organisation=organisation, window=window),
            content_type=bulk.XLSX_TYPE,
        )
    else:
        response = HttpResponse(
            bulk.template_csv(organisation=organisation, window=window),
            content_type="text/csv; charset=utf-8",
        )
    name = bulk.template_file_name(organisation=organisation, window=window, ext=file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # The template carries the organisation's unpublished figures: never from a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
