"""Pages for commitments and their review, reporting windows and progress reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_countries import countries

from skillspact.commitments import forms, selectors, services
from skillspact.commitments.models import (
    METRICS,
    Commitment,
    CommitmentConcept,
    Principle,
    ProgressReport,
)
from skillspact.core import ratelimit
from skillspact.core.errors import DomainError
from skillspact.core.forms import add_domain_error
from skillspact.core.paginate import paginate
from skillspact.core.permissions import is_secretariat, secretariat_required
from skillspact.core.types import AuthedHttpRequest
from skillspact.organisations import selectors as organisation_selectors
from skillspact.taxonomy import matching
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import ConceptType

# -- commitments -------------------------------------------------------------------------------


@require_GET
def commitment_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.CommitmentFilters(
        q=request.GET.get("q", "")[:200],
        status=request.GET.get("status", "") if request.user.is_authenticated else "",
        principle=request.GET.get("principle", ""),
        country=request.GET.get("country", "")[:2].upper(),
        mine=request.GET.get("mine") == "1",
    )
    queryset = selectors.commitments_visible_to(user=request.user, filters=filters)
    page = paginate(queryset, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    can_create = (
        request.user.is_authenticated
        and selectors.organisations_for_new_commitment(user=request.user).exists()
    )
    return render(
        request,
        "commitments/list.html",
        {
            "page": page,
            "filters": filters,
            "principles": Principle.choices,
            "countries": list(countries),
            "statuses": Commitment.Status.choices,
            "querystring_base": query.urlencode() + "&" if query else "",
            "can_create": can_create,
        },
    )


def _concept_options(uris: list[str], concept_type: str) -> list[taxonomy_selectors.ConceptBrief]:
    found = taxonomy_selectors.concepts_describe(uris, concept_type=concept_type)
    return [found[uri] for uri in uris if uri in found]


def _commitment_form_page(
    request: AuthedHttpRequest, commitment: Commitment | None
) -> HttpResponse:
    organisations = selectors.organisations_for_new_commitment(user=request.user)
    if commitment is None and not organisations.exists():
        messages.info(request, _("Only the contacts of member organisations make commitments."))
        return redirect("commitments:list")
    initial = forms.CommitmentForm.initial_for(commitment) if commitment else {}
    form = forms.CommitmentForm(
        request.POST or None,
        initial=initial,
        organisations=organisations,
        commitment=commitment,
    )
    if request.method == "POST" and form.is_valid():
        data = {
            "title": form.cleaned_data["title"],
            "description": form.cleaned_data["description"],
            "principles": form.cleaned_data["principles"],
            "countries": form.cleaned_data["countries"],
            "regions": form.regions_list(),
        }
        saved: Commitment | None = None
        try:
            saved = services.commitment_save(
                actor=request.user,
                organisation=form.cleaned_data.get("organisation"),
                commitment=commitment,
                data=data,
                occupations=form.cleaned_data["occupations"],
                skills=form.cleaned_data["skills"],
                partners=selectors.organisations_by_public_id(form.cleaned_data["partners"]),
                targets=form.targets(),
                amendment_reason=form.cleaned_data.get("amendment_reason", ""),
            )
            if request.POST.get("submit") == "1":
                services.commitment_submit(commitment=saved, actor=request.user)
                messages.success(
                    request, _("Your commitment is submitted. The secretariat will review it.")
                )
            elif saved.status == Commitment.Status.PUBLISHED:
                messages.success(request, _("The amendment is saved; its history is kept."))
            else:
                messages.success(request, _("Your draft is saved."))
        except DomainError as error:
            add_domain_error(form, error)
            commitment = saved if saved is not None else commitment
        else:
            return redirect("commitments:detail", public_id=saved.public_id)
    values = form.data if form.is_bound else form.initial
    getlist = values.getlist if hasattr(values, "getlist") else values.get
    return render(
        request,
        "commitments/form.html",
        {
            "form": form,
            "commitment": commitment,
            "chosen_occupations": _concept_options(
                list(getlist("occupations") or []), ConceptType.OCCUPATION
            ),
            "chosen_skills": _concept_options(list(getlist("skills") or []), ConceptType.SKILL),
            "chosen_partners": selectors.organisations_by_public_id(
                list(getlist("partners") or [])
            ),
            "form_action": reverse("commitments:edit", args=[commitment.public_id])
            if commitment
            else reverse("commitments:create"),
        },
    )


@login_required
def commitment_create(request: AuthedHttpRequest) -> HttpResponse:
    return _commitment_form_page(request, None)


@login_required
def commitment_edit(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    commitment = selectors.commitment_get_for_edit(user=request.user, public_id=public_id)
    if not commitment.is_editable:
        messages.info(request, _("This commitment can no longer be changed."))
        return redirect("commitments:detail", public_id=commitment.public_id)
    return _commitment_form_page(request, commitment)


def commitment_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    commitment = selectors.commitment_get_for_view(user=request.user, public_id=public_id)
    can_act = organisation_selectors.can_act_for(
        user=request.user, organisation=commitment.organisation
    )
    reports = (
        commitment.reports.filter(status=ProgressReport.Status.SUBMITTED)
        .select_related("window")
        .order_by("window__year")
        if can_act
        else None
    )
    return render(
        request,
        "commitments/detail.html",
        {
            "commitment": commitment,
            "concepts": selectors.commitment_concepts(commitment),
            "can_act": can_act,
            "reports": reports,
        },
    )


@login_required
@require_POST
def commitment_submit(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    commitment = selectors.commitment_get_for_edit(user=request.user, public_id=public_id)
    try:
        services.commitment_submit(commitment=commitment, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("commitments:edit", public_id=commitment.public_id)
    messages.success(request, _("Your commitment is submitted. The secretariat will review it."))
    return redirect("commitments:detail", public_id=commitment.public_id)


@login_required
def commitment_withdraw(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    commitment = selectors.commitment_get_for_edit(user=request.user, public_id=public_id)
    form = forms.ReasonForm(request.POST or None)
    form.fields["reason"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_withdraw(
                commitment=commitment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The commitment is withdrawn. Its reports stay counted."))
            return redirect("commitments:detail", public_id=commitment.public_id)
    return render(request, "commitments/withdraw.html", {"commitment": commitment, "form": form})


def commitment_history(request: HttpRequest, public_id: str) -> HttpResponse:
    commitment = selectors.commitment_get_for_view(user=request.user, public_id=public_id)
    revisions = list(commitment.revisions.select_related("amended_by"))
    current = services.commitment_content(commitment)
    # Each revision is shown against the one after it (the newest against the current text).
    steps = []
    newer = current
    for revision in revisions:
        steps.append(
            {
                "revision": revision,
                "changes": services.content_changes(revision.content, newer),
            }
        )
        newer = revision.content
    return render(
        request,
        "commitments/history.html",
        {"commitment": commitment, "steps": steps},
    )


@login_required
@require_POST
def commitment_suggest(request: AuthedHttpRequest) -> HttpResponse:
    """Skills and occupations the matching engine reads in the commitment's text (htmx)."""
    text = f"{request.POST.get('title', '')}\n{request.POST.get('description', '')}".strip()
    context: dict[str, Any] = {"suggested": True}
    version = taxonomy_selectors.version_default()
    if len(text) < 10:
        context["error"] = _("Write a title and a description first; suggestions read them.")
    elif version is None:
        context["error"] = _("No ESCO version is imported yet.")
    elif ratelimit.is_limited("commitment-suggest", str(request.user.pk), limit=30):
        context["error"] = _("Too many suggestions asked for; wait a few minutes.")
    elif not matching.engine_is_ready(version):
        matching.engine_warm_up_request(version)
        context["error"] = _(
            "The matching engine is being prepared (a few minutes after an import). "
            "Try again shortly."
        )
    else:
        ratelimit.hit("commitment-suggest", str(request.user.pk), window=600)
        engine = matching.engine_for(version)
        chosen = set(request.POST.getlist("skills")) | set(request.POST.getlist("occupations"))
        skills = engine.match_skills([text], top=12)[0]
        occupations = engine.match_occupations([text], top=6)[0]
        context["skills"] = [
            b
            for b in _concept_options([m.uri for m in skills], ConceptType.SKILL)
            if b.uri not in chosen
        ]
        context["occupations"] = [
            b
            for b in _concept_options([m.uri for m in occupations], ConceptType.OCCUPATION)
            if b.uri not in chosen
        ]
    return render(request, "commitments/_suggestions.html", context)


@login_required
@require_GET
def concept_options(request: AuthedHttpRequest) -> HttpResponse:
    """Search results to add to a concept picker (htmx)."""
    kind = "skill" if request.GET.get("kind") == "skill" else "occupation"
    text = request.GET.get(f"{kind}_q", "").strip()[:200]
    options: list[taxonomy_selectors.ConceptBrief] = []
    if len(text) >= 2:
        concept_type = ConceptType.SKILL if kind == "skill" else ConceptType.OCCUPATION
        hits = taxonomy_selectors.concept_search(text=text, concept_type=concept_type, limit=10)
        uris = [hit.uri for hit in hits.hits]
        if kind == "occupation":
            uris = [r.uri for r in taxonomy_selectors.local_roles_visible(text=text)[:3]] + uris
        options = _concept_options(uris, concept_type)
    return render(
        request,
        "commitments/_concept_options.html",
        {"options": options, "name": f"{kind}s", "text": text},
    )


@login_required
@require_GET
def organisation_options(request: AuthedHttpRequest) -> HttpResponse:
    """Member organisations to add as partners (htmx)."""
    text = request.GET.get("partner_q", "").strip()[:200]
    options = list(selectors.partner_candidates(q=text)) if len(text) >= 2 else []
    return render(
        request, "commitments/_organisation_options.html", {"options": options, "text": text}
    )


# -- the secretariat's review ------------------------------------------------------------------


@secretariat_required
def review_queue(request: AuthedHttpRequest) -> HttpResponse:
    queue = selectors.commitments_review_queue(user=request.user)
    return render(
        request, "commitments/review_queue.html", {"page": paginate(queue, request.GET.get("page"))}
    )


@secretariat_required
def review_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    commitment = selectors.commitment_get_for_review(user=request.user, public_id=public_id)
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if request.POST.get("decision") == "publish":
                services.commitment_publish(commitment=commitment, actor=request.user, note=note)
                messages.success(request, _("The commitment is published."))
            else:
                services.commitment_return(commitment=commitment, actor=request.user, note=note)
                messages.success(request, _("The commitment is returned to the organisation."))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("commitments:review_queue")
    return render(
        request,
        "commitments/review_detail.html",
        {
            "commitment": commitment,
            "concepts": selectors.commitment_concepts(commitment),
            "form": form,
        },
    )


# -- reporting windows -------------------------------------------------------------------------


@secretariat_required
def windows(request: AuthedHttpRequest) -> HttpResponse:
    form = forms.WindowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            window = services.window_save(
                actor=request.user,
                year=form.cleaned_data["year"],
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
                reminder_days=form.cleaned_data["reminder_days"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("The reporting window for %(year)s is saved.") % {"year": window.year}
            )
            return redirect("commitments:windows")
    return render(
        request,
        "commitments/windows.html",
        {"windows": selectors.windows_all(), "form": form},
    )


@secretariat_required
def window_edit(request: AuthedHttpRequest, year: int) -> HttpResponse:
    window = selectors.window_get(year=year)
    initial = {
        "year": window.year,
        "opens_on": window.opens_on,
        "closes_on": window.closes_on,
        "reminder_days": ", ".join(str(d) for d in window.reminder_days),
    }
    form = forms.WindowForm(request.POST or None, initial=initial, is_new=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.window_save(
                actor=request.user,
                year=window.year,
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
                reminder_days=form.cleaned_data["reminder_days"],
                window=window,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The reporting window is changed."))
            return redirect("commitments:windows")
    return render(request, "commitments/window_edit.html", {"window": window, "form": form})


# -- progress reports --------------------------------------------------------------------------


@login_required
def report_overview(request: AuthedHttpRequest) -> HttpResponse:
    overview = selectors.reports_overview(user=request.user)
    return render(
        request,
        "commitments/reports.html",
        {
            "overview": overview,
            "organisations": organisation_selectors.organisations_acted_for(user=request.user),
        },
    )


@login_required
@require_POST
def report_start(request: AuthedHttpRequest, commitment_id: str, year: int) -> HttpResponse:
    commitment = selectors.commitment_get_for_edit(user=request.user, public_id=commitment_id)
    window = selectors.window_get(year=year)
    try:
        report = services.report_get_or_start(
            commitment=commitment, window=window, actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("commitments:reports")
    return redirect("commitments:report_edit", public_id=report.public_id)


def _inclusion_choices(report: ProgressReport) -> list[Any]:
    """Who a report may include: the reporter's network members, the commitment's partners and
    whoever it already includes."""
    organisation = report.organisation
    chosen = {i.organisation.pk: i.organisation for i in report.inclusions.all()}
    for other in organisation.network_members.filter(status="member"):
        chosen.setdefault(other.pk, other)
    for partner in report.commitment.partners.all():
        chosen.setdefault(partner.pk, partner)
    chosen.pop(organisation.pk, None)
    return sorted(chosen.values(), key=lambda o: o.legal_name.lower())


@login_required
def report_edit(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    report = selectors.report_get_for_edit(user=request.user, public_id=public_id)
    if not report.is_editable:
        messages.info(
            request,
            _("The reporting window for %(year)s is closed; this report is locked.")
            % {"year": report.window.year},
        )
        return redirect("commitments:report", public_id=report.public_id)
    occupation_rows = [
        (c.uri, c.label)
        for c in report.commitment.concepts.filter(kind=CommitmentConcept.Kind.OCCUPATION)
    ]
    known = {o.uri: o for o in report.occupation_figures.all()}
    occupation_rows += [
        (uri, o.label) for uri, o in known.items() if uri not in dict(occupation_rows)
    ]
    inclusion_choices = _inclusion_choices(report)
    initial = forms.ReportForm.initial_for(report)
    for index, (uri, _label) in enumerate(occupation_rows):
        if uri in known:
            initial[f"occupation_{index}"] = known[uri].people_trained
    for inclusion in report.inclusions.all():
        for metric in METRICS:
            initial[f"inc_{inclusion.organisation.public_id}_{metric}"] = getattr(inclusion, metric)
    form = forms.ReportForm(
        request.POST or None,
        initial=initial,
        occupation_rows=occupation_rows,
        inclusion_choices=inclusion_choices,
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("submit") == "1"
        try:
            services.report_save(
                report=report,
                actor=request.user,
                data=form.report_data(),
                occupation_figures=form.occupation_figures(),
                inclusions=form.inclusion_figures(),
                submit=submit,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if submit:
                messages.success(request, _("Your report is submitted. Thank you."))
                return redirect("commitments:report", public_id=report.public_id)
            messages.success(request, _("Your draft is saved."))
            return redirect("commitments:report_edit", public_id=report.public_id)
    return render(request, "commitments/report_form.html", {"report": report, "form": form})


@login_required
def report_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    report = selectors.report_get_for_view(user=request.user, public_id=public_id)
    return render(
        request,
        "commitments/report_detail.html",
        {
            "report": report,
            "can_edit": report.is_editable
            and organisation_selectors.can_act_for(
                user=request.user, organisation=report.organisation
            ),
            "reopen_form": forms.ReasonForm() if is_secretariat(request.user) else None,
        },
    )


@secretariat_required
def reports_admin(request: AuthedHttpRequest) -> HttpResponse:
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else None
    status = request.GET.get("status", "")
    queryset = selectors.reports_for_secretariat(
        user=request.user, year=year, status=status, q=request.GET.get("q", "")[:200]
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "commitments/reports_admin.html",
        {
            "page": paginate(queryset, request.GET.get("page"), per_page=50),
            "windows": selectors.windows_all(),
            "year": year,
            "status": status,
            "q": request.GET.get("q", ""),
            "querystring_base": query.urlencode() + "&" if query else "",
        },
    )


@secretariat_required
@require_POST
def report_reopen(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    report = selectors.report_get_for_view(user=request.user, public_id=public_id)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for reopening the report."))
    else:
        try:
            services.report_reopen(
                report=report, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The report is reopened; its organisation is told why."))
    return redirect("commitments:report", public_id=report.public_id)
