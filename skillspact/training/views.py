"""Pages of the catalogue: the search with live results, the course page, the provider's course
management with the course form (outcomes mapped to ESCO skills), series, and the import."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from skillspact.core import ratelimit
from skillspact.core.errors import DomainError
from skillspact.core.forms import add_domain_error
from skillspact.core.paginate import paginate
from skillspact.core.permissions import is_secretariat
from skillspact.core.types import AuthedHttpRequest
from skillspact.taxonomy import matching
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import ConceptType
from skillspact.training import bulk, forms, selectors, services
from skillspact.training.models import Course

PER_PAGE = 20


# -- search and reading ---------------------------------------------------------------------------


def course_list(request: HttpRequest) -> HttpResponse:
    """The catalogue: words and filters, results that follow them live."""
    series = list(selectors.series_all())
    form = forms.CourseFilterForm(request.GET or None, series=series)
    filters = form.filters()
    page = paginate(
        selectors.course_page_items(selectors.course_search(filters)),
        request.GET.get("page"),
        per_page=PER_PAGE,
    )
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    skill_label = ""
    if filters.skill:
        found = taxonomy_selectors.concepts_describe(
            [filters.skill], concept_type=ConceptType.SKILL
        )
        skill_label = found[filters.skill].label if filters.skill in found else filters.skill
    occupation_label = ""
    if filters.occupation:
        found = taxonomy_selectors.concepts_describe(
            [filters.occupation], concept_type=ConceptType.OCCUPATION
        )
        occupation_label = found[filters.occupation].label if filters.occupation in found else ""
    context: dict[str, Any] = {
        "form": form,
        "filters": filters,
        "page": page,
        "count": page.paginator.count,
        "querystring_base": urlencode(query) + "&" if query else "",
        "is_filtered": filters.is_filtered(),
        "skill_label": skill_label,
        "occupation_label": occupation_label or filters.occupation,
        "language_names": forms.LANGUAGE_NAMES,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "training/list.html#results", context)
    context["featured"] = selectors.featured_series()
    context["can_create"] = request.user.is_authenticated and selectors.can_create_course(
        user=request.user
    )
    return render(request, "training/list.html", context)


def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = selectors.course_get_for_view(user=request.user, slug=slug)
    can_manage = selectors.can_manage(user=request.user, course=course)
    return render(
        request,
        "training/detail.html",
        {
            "course": course,
            "outcomes": selectors.course_outcomes(course=course),
            "occupations": selectors.course_occupations(course=course),
            "language_list": [forms.LANGUAGE_NAMES.get(code, code) for code in course.languages],
            "can_manage": can_manage,
            "publish_problems": services.publish_problems(course)
            if can_manage and course.status == Course.Status.DRAFT
            else [],
        },
    )


# -- the provider's courses -----------------------------------------------------------------------


@login_required
def manage(request: AuthedHttpRequest) -> HttpResponse:
    """The courses of the organisations the person acts for, to edit, publish and archive."""
    status = request.GET.get("status", "")
    courses = selectors.courses_managed_by(
        user=request.user, status=status, provider=request.GET.get("provider", "")[:120]
    )
    page = paginate(courses, request.GET.get("page"), per_page=PER_PAGE)
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    return render(
        request,
        "training/manage.html",
        {
            "page": page,
            "status": status if status in Course.Status.values else "",
            "statuses": Course.Status.choices,
            "querystring_base": urlencode(query) + "&" if query else "",
            "can_create": selectors.can_create_course(user=request.user),
            "series": selectors.series_managed_by(user=request.user),
            "can_create_series": is_secretariat(request.user)
            or selectors.providers_for_new_course(user=request.user).exists(),
        },
    )


def _skills_by_outcome(request: HttpRequest, slots: int) -> dict[int, list[str]]:
    return {n: request.POST.getlist(f"outcome_{n}_skills") for n in range(1, slots + 1)}


def _outcome_slots(request: HttpRequest, course: Course | None) -> int:
    if request.method == "POST":
        try:
            slots = int(request.POST.get("outcome_slots", forms.OUTCOME_SLOTS_MIN))
        except ValueError:
            slots = forms.OUTCOME_SLOTS_MIN
        return slots + (1 if "add_outcome" in request.POST else 0)
    stored = course.outcomes.count() if course else 0
    return stored + 1


def _outcome_error(form: forms.CourseForm, error: DomainError) -> None:
    """Put outcome problems (`outcome_N`, `outcome_N_skills`) beside the outcome's text."""
    fields = getattr(error, "fields", None) or {}
    for name, problems in list(fields.items()):
        if name.startswith("outcome_"):
            target = name.removesuffix("_skills") + "_text"
            for problem in problems:
                form.add_error(target if target in form.fields else None, problem)
            del fields[name]
    if fields or not getattr(error, "fields", None):
        add_domain_error(form, error)


def _course_form_page(request: AuthedHttpRequest, course: Course | None) -> HttpResponse:
    providers = selectors.providers_for_new_course(user=request.user)
    if course is None and not providers.exists():
        messages.info(request, _("Only the contacts of member organisations publish courses."))
        return redirect("training:list")
    slots = _outcome_slots(request, course)
    provider = course.provider if course else None
    if provider is None and request.method == "POST":
        provider = providers.filter(pk=request.POST.get("provider") or 0).first()
    if provider is None and course is None and providers.count() == 1:
        provider = providers.first()
    form = forms.CourseForm(
        request.POST or None,
        initial=forms.CourseForm.initial_for(course)
        if course
        else {"country": provider.country if provider else "", "languages": ["en"]},
        providers=providers,
        series=selectors.series_for_course(user=request.user, provider=provider),
        course=course,
        can_feature=is_secretariat(request.user),
        outcome_slots=slots,
    )
    if request.method == "POST":
        skills_of = _skills_by_outcome(request, form.outcome_slots)
        occupations = request.POST.getlist("occupations")
    elif course is not None:
        stored = list(course.outcomes.all())
        skills_of = {n: list(o.skills) for n, o in enumerate(stored, start=1)}
        occupations = list(course.target_occupations or [])
    else:
        skills_of, occupations = {}, []
    if request.method == "POST" and "add_outcome" not in request.POST and form.is_valid():
        data = form.data_for_service()
        data["target_occupations"] = occupations
        try:
            saved = services.course_save(
                actor=request.user,
                data=data,
                outcomes=form.outcomes(skills_of),
                course=course,
                provider=form.cleaned_data.get("provider") if course is None else None,
            )
            if request.POST.get("publish") == "1" and saved.status == Course.Status.DRAFT:
                saved = services.course_publish(course=saved, actor=request.user)
        except DomainError as error:
            _outcome_error(form, error)
        else:
            messages.success(
                request,
                _("The course is published.")
                if saved.is_published and request.POST.get("publish") == "1"
                else _("The course is saved."),
            )
            return redirect("training:detail", slug=saved.slug)
    all_skills = {uri for uris in skills_of.values() for uri in uris}
    skill_briefs = taxonomy_selectors.concepts_describe(all_skills, concept_type=ConceptType.SKILL)
    occupation_briefs = taxonomy_selectors.concepts_describe(
        occupations, concept_type=ConceptType.OCCUPATION
    )
    outcome_rows = [
        {
            "number": number,
            "field": bound,
            "skills": [
                skill_briefs.get(uri) or taxonomy_selectors.ConceptBrief(uri=uri, label=uri)
                for uri in skills_of.get(number, [])
            ],
        }
        for number, bound in form.outcome_rows()
    ]
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "course": course,
            "outcome_rows": outcome_rows,
            "chosen_occupations": [
                occupation_briefs.get(uri) or taxonomy_selectors.ConceptBrief(uri=uri, label=uri)
                for uri in occupations
            ],
            "form_action": reverse("training:edit", args=[course.slug])
            if course
            else reverse("training:create"),
        },
    )


@login_required
def course_create(request: AuthedHttpRequest) -> HttpResponse:
    return _course_form_page(request, None)


@login_required
def course_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    course = selectors.course_get_for_edit(user=request.user, slug=slug)
    if course.status == Course.Status.ARCHIVED:
        messages.info(request, _("An archived course cannot be changed."))
        return redirect("training:detail", slug=course.slug)
    return _course_form_page(request, course)


@login_required
@require_POST
def course_publish(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    course = selectors.course_get_for_edit(user=request.user, slug=slug)
    try:
        services.course_publish(course=course, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The course is published."))
    return redirect(request.POST.get("next") or reverse("training:detail", args=[course.slug]))


@login_required
@require_POST
def course_archive(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    course = selectors.course_get_for_edit(user=request.user, slug=slug)
    try:
        services.course_archive(course=course, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The course is archived; it no longer appears in the search."))
    return redirect(request.POST.get("next") or reverse("training:detail", args=[course.slug]))


# -- skills and occupations for the form (htmx) ---------------------------------------------------


@login_required
@require_POST
def suggest_skills(request: AuthedHttpRequest) -> HttpResponse:
    """ESCO skills the matching engine reads in one learning outcome's text."""
    try:
        number = int(request.POST.get("outcome", "0"))
    except ValueError:
        number = 0
    text = request.POST.get(f"outcome_{number}_text", "").strip()[:500]
    chosen = set(request.POST.getlist(f"outcome_{number}_skills"))
    context: dict[str, Any] = {"number": number, "name": f"outcome_{number}_skills"}
    version = taxonomy_selectors.version_default()
    if not 1 <= number <= services.MAX_OUTCOMES:
        context["error"] = _("Choose a learning outcome.")
    elif len(text) < 10:
        context["error"] = _("Write the learning outcome first; suggestions read it.")
    elif version is None:
        context["error"] = _("No ESCO version is imported yet; find skills by name below.")
    elif ratelimit.is_limited("training-suggest", str(request.user.pk), limit=60):
        context["error"] = _("Too many suggestions asked for; wait a few minutes.")
    elif not matching.engine_is_ready(version):
        matching.engine_warm_up_request(version)
        context["error"] = _(
            "The matching engine is warming up (a few minutes after an import). Find skills by "
            "name below in the meantime, or try again shortly."
        )
        context["warming"] = True
    else:
        ratelimit.hit("training-suggest", str(request.user.pk), window=600)
        engine = matching.engine_for(version)
        found = engine.match_skills([text], top=8)[0]
        briefs = taxonomy_selectors.concepts_describe(
            [m.uri for m in found], concept_type=ConceptType.SKILL
        )
        context["options"] = [
            briefs[m.uri] for m in found if m.uri in briefs and m.uri not in chosen
        ]
    # Always a 200 fragment, like the commitments' suggestions: htmx swaps only successful
    # answers, and the person must read why there is nothing to tick.
    return render(request, "training/includes/skill_suggestions.html", context)


@login_required
@require_GET
def concept_options(request: AuthedHttpRequest) -> HttpResponse:
    """Skills (for one outcome) or occupations matching a name, to tick."""
    kind = "skill" if request.GET.get("kind") == "skill" else "occupation"
    name = request.GET.get("name", "occupations")
    if kind == "skill" and not (name.startswith("outcome_") and name.endswith("_skills")):
        name = "outcome_1_skills"
    if kind == "occupation":
        name = "occupations"
    text = request.GET.get("q", "").strip()[:200]
    options: list[taxonomy_selectors.ConceptBrief] = []
    if len(text) >= 2:
        concept_type = ConceptType.SKILL if kind == "skill" else ConceptType.OCCUPATION
        hits = taxonomy_selectors.concept_search(text=text, concept_type=concept_type, limit=10)
        uris = [hit.uri for hit in hits.hits]
        if kind == "occupation":
            uris = [r.uri for r in taxonomy_selectors.local_roles_visible(text=text)[:3]] + uris
        found = taxonomy_selectors.concepts_describe(uris, concept_type=concept_type)
        options = [found[uri] for uri in uris if uri in found]
    return render(
        request,
        "training/includes/concept_options.html",
        {"options": options, "name": name, "text": text},
    )


# -- series ---------------------------------------------------------------------------------------


def _series_form_page(request: AuthedHttpRequest, series: Any) -> HttpResponse:
    providers = selectors.providers_for_new_course(user=request.user)
    form = forms.SeriesForm(
        request.POST or None,
        initial={name: getattr(series, name) for name in services.SERIES_FIELDS} if series else {},
        can_feature=is_secretariat(request.user),
    )
    if request.method == "POST" and form.is_valid():
        organisation = None
        if series is None and not is_secretariat(request.user):
            organisation = providers.filter(pk=request.POST.get("organisation") or 0).first()
            organisation = organisation or providers.first()
        try:
            saved = services.series_save(
                actor=request.user,
                data=form.cleaned_data,
                series=series,
                organisation=organisation,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The series is saved."))
            return redirect(f"{reverse('training:list')}?series={saved.slug}")
    return render(
        request,
        "training/series_form.html",
        {
            "form": form,
            "series": series,
            "providers": providers if series is None and not is_secretariat(request.user) else [],
        },
    )


@login_required
def series_create(request: AuthedHttpRequest) -> HttpResponse:
    if not (
        is_secretariat(request.user)
        or selectors.providers_for_new_course(user=request.user).exists()
    ):
        messages.info(request, _("Only the contacts of member organisations create series."))
        return redirect("training:list")
    return _series_form_page(request, None)


@login_required
def series_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    return _series_form_page(request, selectors.series_get_for_edit(user=request.user, slug=slug))


# -- import ---------------------------------------------------------------------------------------


@login_required
def course_import(request: AuthedHttpRequest) -> HttpResponse:
    providers = selectors.providers_for_new_course(user=request.user)
    if not providers.exists():
        messages.info(request, _("Only the contacts of member organisations import courses."))
        return redirect("training:list")
    form = forms.ImportForm(request.POST or None, request.FILES or None, providers=providers)
    result: bulk.ImportResult | None = None
    if request.method == "POST" and form.is_valid():
        try:
            result = bulk.courses_import(
                actor=request.user,
                provider=form.cleaned_data["provider"],
                upload=form.cleaned_data["file"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if result.is_stored:
                messages.success(request, result.summary())
                return redirect("training:manage")
    return render(
        request,
        "training/import.html",
        {
            "form": form,
            "result": result,
            "columns": bulk.COLUMNS,
            "notes": bulk.notes(),
            "max_rows": bulk.MAX_ROWS,
            "max_mb": bulk.MAX_BYTES // 1_048_576,
        },
    )


@login_required
@require_GET
def import_template(request: AuthedHttpRequest, file_format: str) -> HttpResponse:
    if file_format == "xlsx":
        response = HttpResponse(bulk.template_xlsx(), content_type=bulk.XLSX_TYPE)
    else:
        response = HttpResponse(bulk.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="courses-template.{file_format}"'
    return response
