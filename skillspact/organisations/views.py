"""Pages for the directory, membership applications and their review, members and groups."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_countries import countries

from skillspact.core.errors import DomainError
from skillspact.core.forms import add_domain_error
from skillspact.core.paginate import paginate
from skillspact.core.permissions import ensure_secretariat, is_secretariat, secretariat_required
from skillspact.core.types import AuthedHttpRequest
from skillspact.organisations import charts, exports, forms, regions, selectors, services
from skillspact.organisations.models import MembershipApplication, Organisation


def _uuid_or_none(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


# -- directory ---------------------------------------------------------------------------------


def _directory_filters(form: forms.DirectoryFilterForm) -> selectors.DirectoryFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.DirectoryFilters(
        q=data.get("q", ""),
        country=data.get("country", ""),
        region=data.get("region", ""),
        stakeholder_type=data.get("stakeholder_type", ""),
        interest=data.get("interest", ""),
        sort=data.get("sort") or "name",
    )


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    stats = selectors.directory_stats()
    present = sorted(
        ((code, name) for code, name, _n in stats["facets"]["country"]), key=lambda c: c[1]
    )
    asked = request.GET.get("country", "").upper()
    if asked in countries and asked not in dict(present):
        # A bookmarked country without listed members still filters (to nothing).
        present.append((asked, countries.name(asked)))
    form = forms.DirectoryFilterForm(request.GET or None, countries_present=present)
    filters = _directory_filters(form)
    results = selectors.directory_search(filters)
    page = paginate(selectors.directory_page_items(results), request.GET.get("page"), per_page=20)
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "count": page.paginator.count,
        "querystring_base": urlencode(query) + "&" if query else "",
        "is_filtered": bool(query.keys() - {"sort"}),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "organisations/directory.html#results", context)
    facets = stats["facets"]
    context.update(
        country_chart=charts.bar_json(
            _("Members per country"),
            [label for _code, label, _n in facets["country"]],
            [n for _code, _label, n in facets["country"]],
        ),
        type_chart=charts.bar_json(
            _("Members per stakeholder type"),
            [label for _code, label, _n in facets["stakeholder_type"]],
            [n for _code, _label, n in facets["stakeholder_type"]],
        ),
        members_chart=charts.members_line_json(stats["members_over_time"]),
        country_total=len(facets["country"]),
    )
    return render(request, "organisations/directory.html", context)


@require_GET
def region_options(request: HttpRequest) -> HttpResponse:
    country = request.GET.get("country", "")
    return render(
        request,
        "organisations/region_options.html",
        {
            "choices": regions.region_choices(country or None),
            "selected": request.GET.get("nuts2", ""),
        },
    )


@require_GET
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_public(user=request.user, slug=slug)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "region_name": regions.region_name(organisation.nuts2),
            "can_act": selectors.can_act_for(user=request.user, organisation=organisation),
        },
    )


# -- managing a member organisation -----------------------------------------------------------


@login_required
def organisation_manage(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_edit(user=request.user, slug=slug)
    form = forms.OrganisationForm(
        request.POST if request.POST.get("action") == "profile" else None,
        instance=organisation,
        initial={
            "interests": organisation.interests.all(),
            "networks": organisation.networks.all(),
        },
    )
    invite_form = forms.InvitationForm(
        request.POST if request.POST.get("action") == "invite" else None
    )
    if request.method == "POST":
        if request.POST.get("action") == "profile" and form.is_valid():
            data = {
                name: form.cleaned_data[name]
                for name in form.Meta.fields
                if name not in {"interests", "networks"}
            }
            try:
                services.organisation_update(
                    organisation=Organisation.objects.get(pk=organisation.pk),
                    actor=request.user,
                    data=data,
                    interests=list(form.cleaned_data["interests"]),
                    networks=list(form.cleaned_data["networks"]),
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The organisation’s profile is saved."))
                return redirect("organisations:manage", slug=organisation.slug)
        elif request.POST.get("action") == "invite" and invite_form.is_valid():
            try:
                invitation = services.invitation_create(
                    organisation=organisation,
                    actor=request.user,
                    email=invite_form.cleaned_data["email"],
                    role=invite_form.cleaned_data["role"],
                )
            except DomainError as error:
                add_domain_error(invite_form, error)
            else:
                messages.success(
                    request, _("We sent an invitation to %(email)s.") % {"email": invitation.email}
                )
                return redirect("organisations:manage", slug=organisation.slug)
    return render(
        request,
        "organisations/manage.html",
        {
            "organisation": organisation,
            "form": form,
            "invite_form": invite_form,
            "people": selectors.organisation_people(organisation=organisation),
            "invitations": selectors.invitations_pending(organisation=organisation),
        },
    )


@login_required
@require_POST
def invitation_revoke(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    invitation = selectors.invitation_get_for_action(user=request.user, public_id=public_id)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        )
    return redirect("organisations:manage", slug=invitation.organisation.slug)


@login_required
@require_POST
def affiliation_remove(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    affiliation = selectors.affiliation_get_for_removal(user=request.user, public_id=public_id)
    organisation = affiliation.organisation
    is_self = affiliation.user_id == request.user.pk
    try:
        services.affiliation_remove(affiliation=affiliation, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("organisations:manage", slug=organisation.slug)
    messages.success(request, _("The person is removed from the organisation."))
    if is_self and not is_secretariat(request.user):
        return redirect("accounts:profile")
    return redirect("organisations:manage", slug=organisation.slug)


@login_required
def organisation_leave(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_edit(user=request.user, slug=slug)
    form = forms.LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_leave(
                organisation=organisation, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("%(name)s has left the partnership.") % {"name": organisation.legal_name}
            )
            return redirect("accounts:profile")
    return render(request, "organisations/leave.html", {"organisation": organisation, "form": form})


def invitation_accept(request: HttpRequest, public_id: str) -> HttpResponse:
    invitation = selectors.invitation_get_by_link(public_id=public_id)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        try:
            affiliation = services.invitation_accept(invitation=invitation, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("You have joined %(name)s (role: %(role)s).")
                % {
                    "role": affiliation.get_role_display(),
                    "name": affiliation.organisation.legal_name,
                },
            )
            return redirect("organisations:detail", slug=affiliation.organisation.slug)
    return render(
        request,
        "organisations/invitation_accept.html",
        {
            "invitation": invitation,
            "email_matches": request.user.is_authenticated
            and request.user.email.lower() == invitation.email.lower(),
            "next": request.path,
        },
    )


# -- applications ------------------------------------------------------------------------------


def application_list(request: HttpRequest) -> HttpResponse:
    applications = (
        selectors.applications_of(user=request.user) if request.user.is_authenticated else []
    )
    return render(request, "organisations/application_list.html", {"applications": applications})


def _application_form_page(
    request: AuthedHttpRequest, application: MembershipApplication | None
) -> HttpResponse:
    initial = {"interests": application.interests.all()} if application else {}
    form = forms.ApplicationForm(request.POST or None, instance=application, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.APPLICATION_FIELDS}
        saved: MembershipApplication | None = None
        try:
            saved = services.application_save(
                actor=request.user,
                data=data,
                interests=list(form.cleaned_data["interests"]),
                application=application,
            )
            if request.POST.get("submit") == "1":
                services.application_submit(
                    application=saved, actor=request.user, reply=request.POST.get("reply", "")
                )
                messages.success(
                    request, _("Your application is submitted. The secretariat will review it.")
                )
            else:
                messages.success(request, _("Your draft is saved."))
        except DomainError as error:
            add_domain_error(form, error)
            # A draft saved before a failed submission is kept: edit it from now on.
            application = saved if saved is not None else application
        else:
            return redirect("organisations:application_detail", public_id=saved.public_id)
    return render(
        request,
        "organisations/application_form.html",
        {
            "form": form,
            "application": application,
            # Once a draft exists, further posts change it instead of starting another.
            "form_action": reverse("organisations:application_edit", args=[application.public_id])
            if application
            else reverse("organisations:application_create"),
        },
    )


@login_required
def application_create(request: AuthedHttpRequest) -> HttpResponse:
    return _application_form_page(request, None)


@login_required
def application_edit(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    application = selectors.application_get_for_edit(user=request.user, public_id=public_id)
    if not application.is_editable:
        messages.info(request, _("This application can no longer be changed."))
        return redirect("organisations:application_detail", public_id=application.public_id)
    return _application_form_page(request, application)


@login_required
def application_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    application = selectors.application_get_for_view(user=request.user, public_id=public_id)
    return render(
        request,
        "organisations/application_detail.html",
        {
            "application": application,
            "is_applicant": application.applicant_id == request.user.pk,
            "region_name": regions.region_name(application.nuts2),
        },
    )


@login_required
@require_POST
def application_withdraw(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    application = selectors.application_get_for_edit(user=request.user, public_id=public_id)
    try:
        services.application_withdraw(application=application, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("organisations:application_detail", public_id=application.public_id)


# -- the secretariat's review ------------------------------------------------------------------


@secretariat_required
def review_queue(request: AuthedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status and status not in MembershipApplication.Status.values:
        status = ""
    queryset = selectors.applications_review_queue(user=request.user, status=status)
    page = paginate(queryset, request.GET.get("page"), per_page=25)
    counts = selectors.application_review_counts(user=request.user)
    return render(
        request,
        "organisations/review_queue.html",
        {
            "page": page,
            "status": status,
            "statuses": [
                (choice.value, choice.label, counts.get(choice.value, 0))
                for choice in MembershipApplication.Status
                if choice != MembershipApplication.Status.DRAFT
            ],
            "querystring_base": f"status={status}&" if status else "",
        },
    )


@secretariat_required
def review_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    application = selectors.application_get_for_review(user=request.user, public_id=public_id)
    action = request.POST.get("action")
    info_form = forms.MessageForm(request.POST if action == "request_info" else None)
    approve_form = forms.ApproveForm(request.POST if action == "approve" else None)
    reject_form = forms.RejectForm(request.POST if action == "reject" else None)
    if request.method == "POST":
        form = {"request_info": info_form, "approve": approve_form, "reject": reject_form}.get(
            action or ""
        )
        if form is not None and form.is_valid():
            try:
                if action == "request_info":
                    services.application_request_info(
                        application=application,
                        actor=request.user,
                        message=form.cleaned_data["message"],
                    )
                    messages.success(request, _("The applicant is asked for more information."))
                elif action == "approve":
                    organisation = services.application_approve(
                        application=application,
                        actor=request.user,
                        message=form.cleaned_data["message"],
                    )
                    messages.success(
                        request, _("%(name)s is now a member.") % {"name": organisation.legal_name}
                    )
                else:
                    services.application_reject(
                        application=application,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(
                        request, _("The application is rejected; the applicant is told why.")
                    )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return redirect("organisations:review_queue")
    return render(
        request,
        "organisations/review_detail.html",
        {
            "application": application,
            "region_name": regions.region_name(application.nuts2),
            "duplicates": services.application_duplicates(application)
            if application.is_open
            else [],
            "info_form": info_form,
            "approve_form": approve_form,
            "reject_form": reject_form,
        },
    )


@secretariat_required
def members_admin(request: AuthedHttpRequest) -> HttpResponseBase:
    queryset = selectors.members_for_export(user=request.user)
    export = request.GET.get("export")
    stamp = timezone.now().strftime("%Y%m%d")
    if export == "csv":
        response = StreamingHttpResponse(
            exports.csv_stream(queryset.iterator(chunk_size=500)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="members-{stamp}.csv"'
        return response
    if export == "xlsx":
        xlsx = HttpResponse(
            exports.xlsx_bytes(queryset),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        xlsx["Content-Disposition"] = f'attachment; filename="members-{stamp}.xlsx"'
        return xlsx
    q = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    if q:
        queryset = queryset.filter(Q(legal_name__icontains=q) | Q(acronym__icontains=q))
    totals = Organisation.objects.aggregate(
        members=Count("id", filter=Q(status="member")),
        listed=Count("id", filter=Q(status="member", is_listed=True)),
        left=Count("id", filter=Q(status="left")),
    )
    page = paginate(queryset.prefetch_related(None), request.GET.get("page"), per_page=50)
    return render(
        request,
        "organisations/members_admin.html",
        {
            "page": page,
            "q": q,
            "totals": totals,
            "querystring_base": urlencode({"q": q}) + "&" if q else "",
        },
    )


@secretariat_required
def organisation_audit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_edit(user=request.user, slug=slug)
    entries = selectors.audit_entries_for_organisation(user=request.user, organisation=organisation)
    page = paginate(entries, request.GET.get("page"), per_page=50)
    return render(request, "organisations/audit.html", {"organisation": organisation, "page": page})


# -- working groups ----------------------------------------------------------------------------


@login_required
def working_groups(request: AuthedHttpRequest) -> HttpResponse:
    groups = selectors.working_groups_visible_to(user=request.user)
    form = forms.WorkingGroupForm(request.POST or None) if is_secretariat(request.user) else None
    if request.method == "POST":
        ensure_secretariat(request.user)
        assert form is not None
        if form.is_valid():
            try:
                group = services.working_group_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(
                    request, _("The working group “%(name)s” is open.") % {"name": group.name}
                )
                return redirect("organisations:working_group", slug=group.slug)
    return render(request, "organisations/working_groups.html", {"groups": groups, "form": form})


@login_required
def working_group_detail(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    group = selectors.working_group_get_for_view(user=request.user, slug=slug)
    mine = selectors.organisations_acted_for(user=request.user).filter(
        status=Organisation.Status.MEMBER
    )
    in_group = set(group.organisations.values_list("pk", flat=True))
    join_form = forms.JoinGroupForm(
        request.POST if request.POST.get("action") == "join" else None,
        organisations=mine.exclude(pk__in=in_group),
    )
    document_form = forms.DocumentForm(
        request.POST if request.POST.get("action") == "document" else None,
        request.FILES if request.POST.get("action") == "document" else None,
    )
    meeting_form = forms.MeetingForm(
        request.POST if request.POST.get("action") == "meeting" else None
    )
    edit_form = forms.WorkingGroupForm(
        request.POST if request.POST.get("action") == "edit" else None,
        initial={
            "name": group.name,
            "description": group.description,
            "is_active": group.is_active,
        },
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "join" and join_form.is_valid():
                services.working_group_join(
                    group=group,
                    organisation=join_form.cleaned_data["organisation"],
                    actor=request.user,
                )
                messages.success(request, _("Your organisation joined the group."))
                return redirect(request.path)
            if action == "leave":
                organisation_id = _uuid_or_none(request.POST.get("organisation", ""))
                organisation = (
                    mine.filter(public_id=organisation_id).first() if organisation_id else None
                )
                if organisation is not None:
                    services.working_group_leave(
                        group=group, organisation=organisation, actor=request.user
                    )
                    messages.success(request, _("Your organisation left the group."))
                return redirect(request.path)
            if action == "document" and document_form.is_valid():
                services.working_group_document_upload(
                    group=group,
                    actor=request.user,
                    title=document_form.cleaned_data["title"],
                    upload=document_form.cleaned_data["file"],
                )
                messages.success(request, _("The document is added."))
                return redirect(request.path)
            if action == "meeting" and meeting_form.is_valid():
                services.working_group_meeting_create(
                    group=group, actor=request.user, **meeting_form.cleaned_data
                )
                messages.success(request, _("The meeting is scheduled."))
                return redirect(request.path)
            if action == "edit" and edit_form.is_valid():
                services.working_group_update(
                    group=group, actor=request.user, **edit_form.cleaned_data
                )
                messages.success(request, _("The working group is saved."))
                return redirect("organisations:working_group", slug=group.slug)
        except DomainError as error:
            target = {"document": document_form, "meeting": meeting_form, "edit": edit_form}.get(
                action or "", join_form
            )
            add_domain_error(target, error)
    return render(
        request,
        "organisations/working_group.html",
        {
            "group": group,
            "members": selectors.working_group_members(group=group),
            "meetings_upcoming": group.meetings.filter(starts_at__gte=timezone.now()),
            "meetings_past": group.meetings.filter(starts_at__lt=timezone.now()).order_by(
                "-starts_at"
            )[:10],
            "documents": group.documents.select_related("uploaded_by"),
            "my_in_group": mine.filter(pk__in=in_group),
            "join_form": join_form
            if join_form.fields["organisation"].queryset.exists()  # type: ignore[attr-defined]
            else None,
            "can_upload": is_secretariat(request.user)
            or selectors.working_group_is_participant(user=request.user, group=group),
            "document_form": document_form,
            "meeting_form": meeting_form,
            "edit_form": edit_form,
        },
    )


@login_required
def working_group_document(request: AuthedHttpRequest, public_id: str) -> HttpResponseBase:
    document = selectors.working_group_document_get(user=request.user, public_id=public_id)
    if request.method == "POST":
        slug = document.group.slug
        try:
            services.working_group_document_delete(document=document, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The document is removed."))
        return redirect("organisations:working_group", slug=slug)
    name = (document.file.name or "document").rsplit("/", 1)[-1]
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)
