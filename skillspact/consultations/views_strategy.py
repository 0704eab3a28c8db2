"""Pages for strategy documents and versions, consultation set-up, "you said, we did" (the
secretariat's outcomes page) and the public results page."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from skillspact.consultations import diff, strategy, strategy_forms, strategy_selectors
from skillspact.consultations.models import (
    Amendment,
    Comment,
    Consultation,
    Outcome,
    SectionChange,
    StrategyVersion,
)
from skillspact.core.errors import DomainError
from skillspact.core.forms import add_domain_error
from skillspact.core.paginate import paginate
from skillspact.core.permissions import secretariat_required
from skillspact.core.types import AuthedHttpRequest

# -- strategy documents ------------------------------------------------------------------------


def _version_url(version: StrategyVersion) -> str:
    return reverse("consultations:strategy_version", args=[version.document.slug, version.number])


@secretariat_required
def strategy_list(request: AuthedHttpRequest) -> HttpResponse:
    form = strategy_forms.StrategyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = strategy.strategy_import(
                actor=request.user,
                title=form.cleaned_data["title"],
                slug=form.cleaned_data["slug"],
                text=form.cleaned_data["text"],
                upload=form.cleaned_data["upload"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "The strategy is imported as a draft with %(count)s sections. Check them, then "
                    "publish the version."
                )
                % {"count": version.sections.count()},
            )
            return redirect(_version_url(version))
    return render(
        request,
        "consultations/strategy_list.html",
        {
            "documents": strategy_selectors.strategies_for_secretariat(user=request.user),
            "form": form,
        },
    )


@secretariat_required
def strategy_detail(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    document = strategy_selectors.strategy_get_for_edit(user=request.user, slug=slug)
    versions = list(strategy_selectors.versions_of(document=document))
    latest = versions[0] if versions else None
    return render(
        request,
        "consultations/strategy_detail.html",
        {
            "document": document,
            "versions": versions,
            "latest": latest,
            "can_start_version": latest is not None and latest.is_published,
            "import_form": strategy_forms.VersionImportForm(),
        },
    )


@secretariat_required
@require_POST
def version_create(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    document = strategy_selectors.strategy_get_for_edit(user=request.user, slug=slug)
    try:
        version = strategy.version_create_next(actor=request.user, document=document)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("consultations:strategy_detail", slug=document.slug)
    messages.success(
        request,
        _("Version %(number)s is a draft copy of the latest version. Edit it, then publish it.")
        % {"number": version.number},
    )
    return redirect(_version_url(version))


@secretariat_required
def version_import(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    document = strategy_selectors.strategy_get_for_edit(user=request.user, slug=slug)
    form = strategy_forms.VersionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = strategy.version_import(
                actor=request.user,
                document=document,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                upload=form.cleaned_data["upload"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Version %(number)s is imported as a draft. Check it, then publish it.")
                % {"number": version.number},
            )
            return redirect(_version_url(version))
    return render(
        request, "consultations/strategy_import.html", {"document": document, "form": form}
    )


# -- versions and sections ---------------------------------------------------------------------


@secretariat_required
def version_detail(request: AuthedHttpRequest, slug: str, number: int) -> HttpResponse:
    version = strategy_selectors.version_get_for_edit(user=request.user, slug=slug, number=number)
    form = None
    if not version.is_published:
        form = strategy_forms.VersionForm(
            request.POST or None, initial={"title": version.title, "summary": version.summary}
        )
        if request.method == "POST" and form.is_valid():
            try:
                strategy.version_update(
                    actor=request.user,
                    version=version,
                    title=form.cleaned_data["title"],
                    summary=form.cleaned_data["summary"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The version is saved."))
                return redirect(_version_url(version))
    return render(
        request,
        "consultations/strategy_version.html",
        {
            "version": version,
            "document": version.document,
            "sections": list(strategy_selectors.sections_of_version(version=version)),
            "form": form,
        },
    )


@secretariat_required
@require_POST
def version_publish(request: AuthedHttpRequest, slug: str, number: int) -> HttpResponse:
    version = strategy_selectors.version_get_for_edit(user=request.user, slug=slug, number=number)
    try:
        strategy.version_publish(actor=request.user, version=version)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Version %(number)s is published; it will not change any more.")
            % {"number": version.number},
        )
    return redirect(_version_url(version))


def _section_form_page(
    request: AuthedHttpRequest, version: StrategyVersion, section: Any | None
) -> HttpResponse:
    if version.is_published:
        messages.info(request, _("This version is published; create a new version to edit it."))
        return redirect(_version_url(version))
    initial = (
        {"heading": section.heading, "level": section.level, "body": section.body}
        if section
        else {"level": request.GET.get("level", 1)}
    )
    form = strategy_forms.SectionForm(request.POST or None, initial=initial)
    after_key = request.POST.get("after") or request.GET.get("after", "")
    after = (
        strategy_selectors.section_get_for_edit(user=request.user, version=version, key=after_key)
        if after_key and section is None
        else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            if section is None:
                saved = strategy.section_add(
                    actor=request.user,
                    version=version,
                    heading=form.cleaned_data["heading"],
                    body=form.cleaned_data["body"],
                    level=form.cleaned_data["level"],
                    after=after,
                )
                messages.success(request, _("The section is added."))
            else:
                saved = strategy.section_update(
                    actor=request.user,
                    section=section,
                    heading=form.cleaned_data["heading"],
                    body=form.cleaned_data["body"],
                    level=form.cleaned_data["level"],
                )
                messages.success(request, _("The section is saved."))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect(f"{_version_url(version)}#section-{saved.key}")
    return render(
        request,
        "consultations/strategy_section_form.html",
        {"version": version, "section": section, "form": form, "after": after},
    )


@secretariat_required
def section_add(request: AuthedHttpRequest, slug: str, number: int) -> HttpResponse:
    version = strategy_selectors.version_get_for_edit(user=request.user, slug=slug, number=number)
    return _section_form_page(request, version, None)


@secretariat_required
def section_edit(request: AuthedHttpRequest, slug: str, number: int, key: str) -> HttpResponse:
    version = strategy_selectors.version_get_for_edit(user=request.user, slug=slug, number=number)
    section = strategy_selectors.section_get_for_edit(user=request.user, version=version, key=key)
    return _section_form_page(request, version, section)


@secretariat_required
@require_POST
def section_remove(request: AuthedHttpRequest, slug: str, number: int, key: str) -> HttpResponse:
    version = strategy_selectors.version_get_for_edit(user=request.user, slug=slug, number=number)
    section = strategy_selectors.section_get_for_edit(user=request.user, version=version, key=key)
    try:
        strategy.section_remove(actor=request.user, section=section)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The section “%(heading)s” is removed.") % {"heading": section.heading}
        )
    return redirect(_version_url(version))


@secretariat_required
@require_POST
def section_move(request: AuthedHttpRequest, slug: str, number: int, key: str) -> HttpResponse:
    version = strategy_selectors.version_get_for_edit(user=request.user, slug=slug, number=number)
    section = strategy_selectors.section_get_for_edit(user=request.user, version=version, key=key)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        strategy.section_move(actor=request.user, section=section, offset=offset)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(f"{_version_url(version)}#section-{section.key}")


# -- consultation set-up -----------------------------------------------------------------------


@secretariat_required
def setup_list(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request,
        "consultations/strategy_consultations.html",
        {
            "consultations": strategy_selectors.consultations_for_secretariat(user=request.user),
            "has_published_versions": strategy_selectors.published_versions(
                user=request.user
            ).exists(),
        },
    )


def _consultation_data(form: strategy_forms.ConsultationForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in strategy.CONSULTATION_FIELDS}


@secretariat_required
def setup_create(request: AuthedHttpRequest) -> HttpResponse:
    versions = strategy_selectors.published_versions(user=request.user)
    if not versions.exists():
        messages.info(
            request, _("Publish a version of a strategy first: consultations run on one.")
        )
        return redirect("consultations:strategy_list")
    now = strategy_forms.local_now_rounded()
    form = strategy_forms.ConsultationForm(
        request.POST or None,
        versions=versions,
        initial={
            "version": request.GET.get("version") or versions.first().pk,  # type: ignore[union-attr]
            "opens_at": now,
            "closes_at": now.replace(hour=23, minute=59) + datetime.timedelta(weeks=12),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            consultation = strategy.consultation_create(
                actor=request.user, **_consultation_data(form)
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "The consultation is saved in preparation. "
                    "Add the general questions, then open it."
                ),
            )
            return redirect("consultations:setup_detail", slug=consultation.slug)
    return render(
        request, "consultations/consultation_form.html", {"form": form, "consultation": None}
    )


def _setup_page(
    request: AuthedHttpRequest,
    consultation: Consultation,
    *,
    form: strategy_forms.ConsultationForm | None = None,
    question_form: strategy_forms.QuestionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_draft = consultation.phase == Consultation.Phase.DRAFT
    if form is None and is_draft:
        form = strategy_forms.ConsultationForm(
            initial=strategy_forms.ConsultationForm.initial_for(consultation),
            versions=strategy_selectors.published_versions(user=request.user),
        )
    return render(
        request,
        "consultations/consultation_form.html",
        {
            "consultation": consultation,
            "form": form if is_draft else None,
            "questions": list(consultation.questions.all()),
            "question_form": question_form or strategy_forms.QuestionForm(),
            "is_draft": is_draft,
            "can_reopen": consultation.phase == Consultation.Phase.ANALYSIS
            and consultation.closes_at > timezone.now(),
            "progress": strategy_selectors.outcome_progress(consultation=consultation),
        },
        status=status,
    )


@secretariat_required
def setup_detail(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    consultation = strategy_selectors.consultation_get_for_setup(user=request.user, slug=slug)
    if request.method != "POST":
        return _setup_page(request, consultation)
    form = strategy_forms.ConsultationForm(
        request.POST, versions=strategy_selectors.published_versions(user=request.user)
    )
    if form.is_valid():
        try:
            consultation = strategy.consultation_update(
                actor=request.user, consultation=consultation, **_consultation_data(form)
            )
        except DomainError as error:
            add_domain_error(form, error)
            consultation.refresh_from_db()
        else:
            messages.success(request, _("The consultation is saved."))
            return redirect("consultations:setup_detail", slug=consultation.slug)
    return _setup_page(request, consultation, form=form)


@secretariat_required
@require_POST
def setup_phase(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    consultation = strategy_selectors.consultation_get_for_setup(user=request.user, slug=slug)
    actions = {
        "open": (strategy.consultation_open, _("The consultation is open.")),
        "close": (
            strategy.consultation_close,
            _("The consultation is closed for comments; the analysis starts."),
        ),
        "reopen": (strategy.consultation_reopen, _("The consultation is open again.")),
    }
    action = actions.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Choose what to do with the consultation."))
        return redirect("consultations:setup_detail", slug=consultation.slug)
    service, done = action
    try:
        service(actor=request.user, consultation=consultation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("consultations:setup_detail", slug=consultation.slug)


@secretariat_required
@require_POST
def question_add(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    consultation = strategy_selectors.consultation_get_for_setup(user=request.user, slug=slug)
    form = strategy_forms.QuestionForm(request.POST)
    if form.is_valid():
        try:
            strategy.question_save(
                actor=request.user,
                consultation=consultation,
                text=form.cleaned_data["text"],
                kind=form.cleaned_data["kind"],
                choices=form.choice_list(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The question is added."))
            return redirect(
                reverse("consultations:setup_detail", args=[consultation.slug]) + "#questions"
            )
    return _setup_page(request, consultation, question_form=form)


@secretariat_required
@require_POST
def question_remove(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = strategy_selectors.consultation_get_for_setup(user=request.user, slug=slug)
    question = consultation.questions.filter(pk=pk).first()
    if question is None:
        messages.error(request, _("That question no longer exists."))
    else:
        try:
            strategy.question_remove(actor=request.user, question=question)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The question is removed."))
    return redirect(reverse("consultations:setup_detail", args=[consultation.slug]) + "#questions")


# -- "you said, we did" ------------------------------------------------------------------------

KINDS = ("comment", "amendment")


def _outcomes_query(request: HttpRequest) -> str:
    return request.GET.urlencode()


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode() + "&" if query else ""


def _outcomes_url(request: HttpRequest, consultation: Consultation, anchor: str = "") -> str:
    url = reverse("consultations:outcomes", args=[consultation.slug])
    query = _outcomes_query(request)
    return f"{url}{'?' + query if query else ''}{'#' + anchor if anchor else ''}"


def _outcomes_page(
    request: AuthedHttpRequest,
    consultation: Consultation,
    *,
    bound: tuple[Comment | Amendment, strategy_forms.OutcomeForm] | None = None,
    bound_change: tuple[int, strategy_forms.ChangeExplanationForm] | None = None,
    version_form: strategy_forms.ResultVersionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    kind = request.GET.get("kind", "comment")
    kind = kind if kind in KINDS else "comment"
    section_key = request.GET.get("section", "")[:120]
    pending_only = request.GET.get("pending") == "1"
    changes = strategy_selectors.changes_of(consultation=consultation)
    change_queryset = SectionChange.objects.filter(consultation=consultation).select_related(
        "before", "after"
    )
    change_choices = strategy_forms.change_choices(change_queryset)
    page = paginate(
        strategy_selectors.outcome_targets(
            consultation=consultation,
            kind=kind,
            section_key=section_key,
            pending_only=pending_only,
        ),
        request.GET.get("page"),
        per_page=25,
    )
    items = list(page.object_list)
    if bound and bound[0] not in items:
        # The refused form is shown even when the filters no longer list its item.
        bound_kind = "amendment" if isinstance(bound[0], Amendment) else "comment"
        items = [bound[0], *items] if bound_kind == kind else [bound[0]]
        kind = bound_kind
    rows = []
    for item in items:
        prefix = f"{kind}-{item.public_id}"
        if bound and bound[0] == item:
            form = bound[1]
        else:
            outcome = _outcome_of(item)
            form = strategy_forms.OutcomeForm(
                prefix=prefix,
                changes=change_queryset,
                change_choices=change_choices,
                initial={
                    "result": outcome.result,
                    "reply": outcome.reply,
                    "change": outcome.change_id,
                }
                if outcome
                else {},
            )
        rows.append(
            {
                "item": item,
                "form": form,
                "outcome": _outcome_of(item),
                "diff": diff.inline_word_diff(item.section.body, item.text)
                if isinstance(item, Amendment)
                else None,
            }
        )
    change_rows = []
    for view in changes:
        if bound_change and bound_change[0] == view.change.pk:
            change_form = bound_change[1]
        else:
            change_form = strategy_forms.ChangeExplanationForm(
                prefix=f"change-{view.change.pk}",
                initial={"explanation": view.change.explanation},
            )
        change_rows.append({"view": view, "form": change_form})
    is_open_for_outcomes = consultation.phase in (
        Consultation.Phase.ANALYSIS,
        Consultation.Phase.RESULTS,
    )
    return render(
        request,
        "consultations/outcomes.html",
        {
            "consultation": consultation,
            "changes": change_rows,
            "rows": rows,
            "page": page,
            "kind": kind,
            "section_key": section_key,
            "pending_only": pending_only,
            "sections": strategy_selectors.sections_of_version(version=consultation.version),
            "version_form": version_form
            or strategy_forms.ResultVersionForm(
                versions=strategy_selectors.result_version_choices(consultation=consultation),
                initial={"version": consultation.result_version_id},
            ),
            "has_result_choices": strategy_selectors.result_version_choices(
                consultation=consultation
            ).exists(),
            "progress": strategy_selectors.outcome_progress(consultation=consultation),
            "is_open_for_outcomes": is_open_for_outcomes,
            "query": _outcomes_query(request),
            "query_without_page": _query_without_page(request),
        },
        status=status,
    )


def _outcome_of(item: Comment | Amendment) -> Outcome | None:
    try:
        return item.outcome
    except Outcome.DoesNotExist:
        return None


@secretariat_required
@require_GET
def outcomes(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    consultation = strategy_selectors.consultation_get_for_setup(user=request.user, slug=slug)
    return _outcomes_page(request, consultation)


@secretariat_required
@require_POST
def outcomes_result_version(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    consultation = strategy_selectors.consultation_get_for_setup(user=request.user, slug=slug)
    form = strategy_forms.ResultVersionForm(
        request.POST, versions=strategy_selectors.result_version_choices(consultation=consultation)
    )
    if form.is_valid():
        try:
            changes = strategy.result_version_set(
                actor=request.user, consultation=consultation, version=form.cleaned_data["version"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s section changed between the versions. Explain the change, then "
                    "answer the comments.",
                    "%(count)s sections changed between the versions. Explain each change, then "
                    "answer the comments.",
                    len(changes),
                )
                % {"count": len(changes)},
            )
            return redirect(_outcomes_url(request, consultation, "changes"))
    return _outcomes_page(request, consultation, version_form=form)


@secretariat_required
@require_POST
def change_explain(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = strategy_selectors.consultation_get_for_setup(user=request.user, slug=slug)
    change = strategy_selectors.change_get(user=request.user, consultation=consultation, pk=pk)
    form = strategy_forms.ChangeExplanationForm(request.POST, prefix=f"change-{change.pk}")
    if form.is_valid():
        try:
            strategy.change_explain(
                actor=request.user, change=change, explanation=form.cleaned_data["explanation"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The explanation is saved."))
            return redirect(_outcomes_url(request, consultation, f"change-{change.pk}"))
    return _outcomes_page(request, consultation, bound_change=(change.pk, form))


@secretariat_required
@require_POST
def outcome_set(request: AuthedHttpRequest, slug: str, kind: str, public_id: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    consultation = strategy_selectors.consultation_get_for_setup(user=request.user, slug=slug)
    item = strategy_selectors.outcome_target_get(
        user=request.user, consultation=consultation, kind=kind, public_id=public_id
    )
    form = strategy_forms.OutcomeForm(
        request.POST,
        prefix=f"{kind}-{item.public_id}",
        changes=SectionChange.objects.filter(consultation=consultation),
    )
    if form.is_valid():
        try:
            strategy.outcome_set(
                actor=request.user,
                consultation=consultation,
                comment=item if isinstance(item, Comment) else None,
                amendment=item if isinstance(item, Amendment) else None,
                result=form.cleaned_data["result"],
                reply=form.cleaned_data["reply"],
                change=form.cleaned_data["change"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The outcome is saved."))
            return redirect(_outcomes_url(request, consultation, f"item-{item.public_id}"))
    return _outcomes_page(request, consultation, bound=(item, form))


@secretariat_required
@require_POST
def results_publish(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    consultation = strategy_selectors.consultation_get_for_setup(user=request.user, slug=slug)
    try:
        mailed = strategy.results_publish(actor=request.user, consultation=consultation)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("consultations:outcomes", slug=consultation.slug)
    messages.success(
        request,
        ngettext(
            "The results are published; %(count)s respondent is told by e-mail.",
            "The results are published; %(count)s respondents are told by e-mail.",
            mailed,
        )
        % {"count": mailed},
    )
    return redirect("consultations:results", slug=consultation.slug)


# -- public results ----------------------------------------------------------------------------


@require_GET
def results(request: HttpRequest, slug: str) -> HttpResponse:
    access = strategy_selectors.consultation_get_results(user=request.user, slug=slug)
    summary = (
        strategy_selectors.results_summary(consultation=access.consultation)
        if access.is_published or access.is_preview
        else None
    )
    return render(
        request,
        "consultations/results.html",
        {
            "consultation": access.consultation,
            "access": access,
            "summary": summary,
        },
    )
