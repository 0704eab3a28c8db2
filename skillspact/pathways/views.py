"""Pages of the pathways app: the learner's start page and profile, the target, the proposed plan
with its alternatives, the saved plans with their progress, and the shared achievement."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from skillspact.core import ratelimit
from skillspact.core.errors import DomainError
from skillspact.core.forms import add_domain_error
from skillspact.core.paginate import paginate
from skillspact.core.types import AuthedHttpRequest
from skillspact.pathways import errors, forms, selectors, services
from skillspact.pathways.models import Objective, Plan, PlanSkill, ProfileSkill
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import ConceptType

MAX_TEXT = 20_000
VARIANTS = ("best", "fastest", "cheapest", "online")


# -- words for the planner's codes ---------------------------------------------------------------


def reason_sentence(reason: Any, titles: dict[str, str]) -> str:
    """A planner's reason code (with its parameters) as a sentence a person reads."""
    if isinstance(reason, str):
        reason = {"code": reason}
    reason = dict(reason or {})
    code = str(reason.get("code", ""))
    course = titles.get(str(reason.get("course", "")), str(reason.get("course", "")))
    if code == "prerequisite_of" and not course:
        return _("It comes first because a later course requires it.")
    if code == "prerequisite_of":
        return _("It comes first because “%(course)s” requires it.") % {"course": course}
    if code == "after_prerequisite":
        return _("It comes after “%(course)s”, which it requires.") % {"course": course}
    if code == "eqf_progression":
        return _(
            "It is at EQF level %(level)s, so it comes once the earlier courses have led up to "
            "that level."
        ) % {"level": reason.get("level", "?")}
    if code == "earliest_start":
        return _("It is placed by its start date: it is the earliest of the courses left.")
    if code == "self_paced":
        return _("It is self-paced: it fits wherever you have the time.")
    if code in ("dates", "fixed_dates"):
        return _("It is placed by its dates in the catalogue.")
    if code == "completed":
        return _("You have completed it already.")
    if code == "covers_most":
        return _("It covers the most missing skills for its workload.")
    return _("It covers missing skills that no cheaper combination of courses covers.")


def infeasible_sentence(code: str) -> str:
    """Why part of the target stays uncovered, in words."""
    sentences = {
        "no_course_covers": _(
            "No course in the catalogue teaches some of the missing skills yet. They are "
            "reported to the partnership as unmet training needs."
        ),
        "budget": _(
            "Your budget does not stretch to every course needed; raise it on your profile or "
            "plan for the least cost."
        ),
        "max_cost": _(
            "Your budget does not stretch to every course needed; raise it on your profile or "
            "plan for the least cost."
        ),
        "hours": _("The courses needed take more hours than you can give before your deadline."),
        "max_hours": _(
            "The courses needed take more hours than you can give before your deadline."
        ),
        "deadline": _("Some courses needed end after your deadline."),
        "dates": _(
            "Some courses that teach missing skills have started already, or their dates clash "
            "with courses the plan needs."
        ),
        "modes": _(
            "Some missing skills are only taught in modes you cannot attend; allow more modes on "
            "your profile to cover them."
        ),
        "languages": _(
            "Some missing skills are only taught in languages you did not list on your profile."
        ),
        "eqf": _("Some courses needed are too far above the EQF level you can start at."),
        "eqf_level": _("Some courses needed are too far above the EQF level you can start at."),
        "prerequisites": _("Some courses needed require courses that cannot be taken."),
        "nothing_missing": _("You hold every skill of this role already."),
        "no_target_skills": _("This role has no skill profile to plan against."),
        "time_limit": _(
            "The search stopped at its time limit; the plan is the best found, within the gap "
            "shown from the best possible."
        ),
    }
    return str(
        sentences.get(code, _("Part of the target cannot be covered: %(code)s.") % {"code": code})
    )


def optimality_line(*, optimal: bool, objective: float, bound: float) -> str:
    """“This plan is optimal”, or how far from the best possible it may be."""
    if optimal:
        return _("This plan is optimal: no other choice of courses covers as much for less.")
    if objective > 0 and bound >= 0:
        gap = max(0.0, (objective - bound) / objective * 100)
        return _("This plan is within %(gap)s %% of the best possible.") % {"gap": f"{gap:.1f}"}
    return _("This plan is the best found in the time allowed.")


# -- start page ----------------------------------------------------------------------------------


def _with_progress(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """The plans with their step and skill counts, in one query."""
    return plans.annotate(
        n_steps=Count("steps", distinct=True),
        n_steps_done=Count("steps", filter=Q(steps__completed_at__isnull=False), distinct=True),
        n_skills=Count("skills", distinct=True),
        n_skills_held=Count("skills", filter=Q(skills__state=PlanSkill.State.HELD), distinct=True),
    )


def _progress_of(plan: Any) -> dict[str, int]:
    total, done = plan.n_steps, plan.n_steps_done
    percent = round(100 * done / total) if total else (100 if plan.status == "achieved" else 0)
    return {
        "steps_total": total,
        "steps_completed": done,
        "progress_percent": percent,
        "skills_total": plan.n_skills,
        "skills_held": plan.n_skills_held,
    }


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    """Your profile in short, your saved plans with their progress, and where to go next."""
    profile = selectors.profile_of(user=request.user)
    held = selectors.profile_skills(profile) if profile else []
    page = paginate(_with_progress(selectors.plans_of(user=request.user)), request.GET.get("page"))
    rows = [{"plan": plan, "view": _progress_of(plan)} for plan in page.object_list]
    return render(
        request,
        "pathways/home.html",
        {"profile": profile, "held": held, "rows": rows, "page": page},
    )


# -- the profile ---------------------------------------------------------------------------------


def _held_rows(held: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for skill in held:
        sources = list(getattr(skill, "sources", []) or [])
        rows.append(
            {
                "skill": skill,
                "sources": [
                    ProfileSkill.Source(source).label
                    for source in sources
                    if source in ProfileSkill.Source.values
                    and source != ProfileSkill.Source.CREDENTIALED
                ],
                "is_credentialed": ProfileSkill.Source.CREDENTIALED in sources,
                "is_removable": any(s != ProfileSkill.Source.CREDENTIALED for s in sources),
            }
        )
    return rows


@login_required
def profile(request: AuthedHttpRequest) -> HttpResponse:
    """The profile in steps: occupation, constraints, skills. Each form posts its own `step`."""
    learner = services.profile_ensure(actor=request.user)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    details_form = forms.ProfileForm(
        request.POST if step == "details" else None,
        initial=forms.ProfileForm.initial_for(learner),
    )
    title_form = forms.JobTitleForm(
        request.POST if step == "occupation" else None,
        initial={"job_title": learner.job_title},
    )
    if step == "details" and details_form.is_valid():
        try:
            services.profile_update(
                actor=request.user, profile=learner, **details_form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(details_form, error)
        else:
            messages.success(request, _("Your constraints are saved."))
            return redirect(f"{reverse('pathways:profile')}#skills")
    elif step == "occupation" and title_form.is_valid():
        uri = request.POST.get("occupation_uri", "").strip()
        if not uri:
            title_form.add_error(None, _("Choose the occupation that matches your job."))
        else:
            try:
                services.profile_set_occupation(
                    actor=request.user,
                    profile=learner,
                    job_title=title_form.cleaned_data["job_title"],
                    occupation_uri=uri,
                )
            except DomainError as error:
                add_domain_error(title_form, error)
            else:
                messages.success(request, _("Your occupation is saved."))
                return redirect(f"{reverse('pathways:profile')}#details")
    elif step == "skills_add":
        uris = [uri for uri in request.POST.getlist("skills") if uri.strip()]
        source = (
            ProfileSkill.Source.EXTRACTED
            if request.POST.get("source") == ProfileSkill.Source.EXTRACTED
            else ProfileSkill.Source.DECLARED
        )
        if not uris:
            messages.info(request, _("Tick the skills to add first."))
        else:
            try:
                added = services.profile_skills_add(
                    actor=request.user, profile=learner, skill_uris=uris, source=source
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("%(count)s skill(s) added to your profile.") % {"count": added},
                )
        return redirect(f"{reverse('pathways:profile')}#skills")
    elif step == "skill_remove":
        try:
            services.profile_skill_remove(
                actor=request.user, profile=learner, skill_uri=request.POST.get("skill", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The skill is removed from your profile."))
        return redirect(f"{reverse('pathways:profile')}#skills")
    elif step == "sync":
        count = services.profile_sync_credentials(actor=request.user, profile=learner)
        messages.success(
            request,
            _("Your credentials are read again: %(count)s skill(s) from them.") % {"count": count},
        )
        return redirect(f"{reverse('pathways:profile')}#skills")

    held = selectors.profile_skills(learner)
    held_uris = {skill.uri for skill in held}
    occupation_skills = (
        [
            choice
            for choice in selectors.occupation_profile_skills(uri=learner.occupation_uri)
            if choice.uri not in held_uris
        ]
        if learner.occupation_uri
        else []
    )
    return render(
        request,
        "pathways/profile.html",
        {
            "learner": learner,
            "details_form": details_form,
            "title_form": title_form,
            "held_rows": _held_rows(held),
            "occupation_skills": occupation_skills,
        },
    )


def _warming_context() -> dict[str, Any]:
    return {
        "warming": True,
        "error": _(
            "The matching engine is warming up (a few minutes after an import). Find it by name "
            "below in the meantime, or try again shortly."
        ),
    }


@login_required
@require_GET
def occupation_matches(request: AuthedHttpRequest) -> HttpResponse:
    """ESCO occupations (and local roles) matching a typed job title, to confirm one (htmx)."""
    text = request.GET.get("job_title", "").strip()[:200]
    by_name = request.GET.get("by_name", "").strip()[:200]
    context: dict[str, Any] = {"text": text, "by_name": by_name}
    if by_name:
        context["options"] = _occupations_by_name(by_name)
        context["is_by_name"] = True
    elif len(text) < 2:
        context["error"] = _("Type your job title first.")
    elif ratelimit.is_limited("pathways-match", str(request.user.pk), limit=60):
        context["error"] = _("Too many searches; wait a few minutes.")
    else:
        ratelimit.hit("pathways-match", str(request.user.pk), window=600)
        try:
            language = getattr(request, "LANGUAGE_CODE", "en")
            context["options"] = selectors.occupation_matches(job_title=text, language=language)
        except errors.EngineWarming:
            context.update(_warming_context())
    # Always a 200 fragment: htmx swaps only successful answers, and the person must read why.
    return render(request, "pathways/includes/occupation_matches.html", context)


def _occupations_by_name(text: str) -> list[Any]:
    if len(text) < 2:
        return []
    hits = taxonomy_selectors.concept_search(
        text=text, concept_type=ConceptType.OCCUPATION, limit=10
    )
    uris = [r.uri for r in taxonomy_selectors.local_roles_visible(text=text)[:3]]
    uris += [hit.uri for hit in hits.hits]
    found = taxonomy_selectors.concepts_describe(uris, concept_type=ConceptType.OCCUPATION)
    return [found[uri] for uri in dict.fromkeys(uris) if uri in found]


@login_required
@require_GET
def skill_options(request: AuthedHttpRequest) -> HttpResponse:
    """ESCO skills whose name matches, to tick and add (htmx)."""
    text = request.GET.get("q", "").strip()[:200]
    options: list[Any] = []
    if len(text) >= 2:
        hits = taxonomy_selectors.concept_search(
            text=text, concept_type=ConceptType.SKILL, limit=10
        )
        uris = [hit.uri for hit in hits.hits]
        found = taxonomy_selectors.concepts_describe(uris, concept_type=ConceptType.SKILL)
        options = [found[uri] for uri in uris if uri in found]
    return render(
        request,
        "pathways/includes/skill_options.html",
        {"options": options, "text": text, "prefix": "find"},
    )


@login_required
@require_POST
def skills_extract(request: AuthedHttpRequest) -> HttpResponse:
    """Skills the engine reads in a pasted CV or job description, to tick which to keep (htmx)."""
    text = request.POST.get("text", "").strip()[:MAX_TEXT]
    context: dict[str, Any] = {"prefix": "extract", "is_extract": True}
    if len(text) < 20:
        context["error"] = _("Paste a few sentences of a CV or a job description first.")
    elif ratelimit.is_limited("pathways-extract", str(request.user.pk), limit=30):
        context["error"] = _("Too many texts read; wait a few minutes.")
    else:
        ratelimit.hit("pathways-extract", str(request.user.pk), window=600)
        try:
            context["options"] = selectors.skills_extract(text=text)
        except errors.EngineWarming:
            context.update(_warming_context())
            context["error"] = _(
                "The matching engine is warming up (a few minutes after an import). Find "
                "skills by name above in the meantime, or try again shortly."
            )
    return render(request, "pathways/includes/skill_options.html", context)


# -- the target ----------------------------------------------------------------------------------


@login_required
def target(request: AuthedHttpRequest) -> HttpResponse:
    """Search a target role, or see the nearest roles from where you are."""
    learner = selectors.profile_of(user=request.user)
    form = forms.TargetSearchForm(request.GET or None)
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = selectors.target_search(text=text, limit=20) if len(text) >= 2 else []
    context: dict[str, Any] = {"form": form, "text": text, "results": results, "learner": learner}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "pathways/target.html#results", context)
    context["suggestions"] = (
        selectors.target_suggestions(profile=learner, limit=5) if learner else []
    )
    return render(request, "pathways/target.html", context)


# -- the proposed plan ---------------------------------------------------------------------------


def proposal_context(proposal: Any) -> dict[str, Any]:
    """What the plan templates show of a proposal: rows with sentences, not codes."""
    result = proposal.result
    gap = proposal.gap
    labels = gap.labels
    titles = {row.id: row.title for row in proposal.courses}
    covered = set(result.covered)
    step_of: dict[str, int] = {}
    steps = []
    for position, row in enumerate(proposal.courses, start=1):
        for uri in row.covers:
            step_of.setdefault(uri, position)
        steps.append(
            {
                "position": position,
                "slug": row.slug,
                "title": row.title,
                "provider": row.provider,
                "hours": row.hours,
                "cost": row.price,
                "mode_label": row.mode_label,
                "eqf_level": row.eqf_level,
                "starts_on": row.planned_start or row.starts_on,
                "ends_on": row.planned_end or row.ends_on,
                "covers": [{"uri": uri, "label": labels.get(uri, uri)} for uri in row.covers],
                "why": reason_sentence(row.reason, titles) if row.reason else "",
            }
        )
    rows = []
    for skill in gap.skills:
        if skill.is_held:
            state = "held"
        elif skill.uri in covered:
            state = "covered"
        else:
            state = "uncovered"
        rows.append(
            {
                "uri": skill.uri,
                "label": skill.label,
                "is_essential": skill.is_essential,
                "state": state,
                "held_via_label": skill.held_via_label,
                "step": step_of.get(skill.uri),
            }
        )
    missing = [skill for skill in gap.skills if not skill.is_held]
    return {
        "proposal": proposal,
        "result": result,
        "gap": gap,
        "steps": steps,
        "essential_rows": [row for row in rows if row["is_essential"]],
        "optional_rows": [row for row in rows if not row["is_essential"]],
        "uncovered": proposal.uncovered,
        "none_teaches": "no_course_covers" in result.infeasible_reasons,
        "covered_count": len([s for s in missing if s.uri in covered]),
        "missing_count": len(missing),
        "optimality": optimality_line(
            optimal=bool(result.optimal),
            objective=float(result.objective),
            bound=float(result.bound),
        ),
        "problems": [infeasible_sentence(code) for code in result.infeasible_reasons],
        "total_hours": proposal.total_hours,
        "total_cost": float(proposal.total_cost),
    }


@login_required
@require_GET
def plan_proposal(request: AuthedHttpRequest) -> HttpResponse:
    """The proposed plan to a target, with the gap, the timeline and the alternatives."""
    target_uri = request.GET.get("target", "").strip()[:255]
    learner = selectors.profile_of(user=request.user)
    if not target_uri:
        return redirect("pathways:target")
    if learner is None:
        messages.info(request, _("Tell us where you are first: your occupation and skills."))
        return redirect("pathways:profile")
    variant = request.GET.get("variant", "best")
    variant = variant if variant in VARIANTS else "best"
    asked = request.GET.get("objective", "")
    objective = asked if asked in Objective.values else None
    if ratelimit.is_limited("pathways-plan", str(request.user.pk), limit=120):
        messages.error(request, _("Too many plans asked for; wait a few minutes."))
        return redirect("pathways:target")
    ratelimit.hit("pathways-plan", str(request.user.pk), window=600)
    try:
        proposal = services.plan_propose(
            profile=learner, target_uri=target_uri, objective=objective, variant=variant
        )
    except DomainError as error:
        return render(
            request,
            "pathways/plan.html",
            {"error": error.message, "target_uri": target_uri, "learner": learner},
            status=200 if error.status < 500 else error.status,
        )
    base = {"target": target_uri}
    if objective:
        base["objective"] = objective
    tabs = [
        {
            "variant": name,
            "label": Plan.Variant(name).label,
            "url": f"{reverse('pathways:plan')}?{urlencode({**base, 'variant': name})}",
            "is_current": name == variant,
        }
        for name in VARIANTS
    ]
    context = proposal_context(proposal)
    context.update(
        {
            "learner": learner,
            "target_uri": target_uri,
            "variant": variant,
            "objective": objective or learner.objective,
            "tabs": tabs,
            "objective_urls": [
                {
                    "value": value,
                    "label": label,
                    "url": f"{reverse('pathways:plan')}?"
                    + urlencode({"target": target_uri, "objective": value, "variant": variant}),
                    "is_current": value == (objective or learner.objective),
                }
                for value, label in Objective.choices
            ],
        }
    )
    return render(request, "pathways/plan.html", context)


@login_required
@require_POST
def plan_save(request: AuthedHttpRequest) -> HttpResponse:
    learner = selectors.profile_of(user=request.user)
    target_uri = request.POST.get("target", "").strip()[:255]
    variant = request.POST.get("variant", "best")
    variant = variant if variant in VARIANTS else "best"
    objective = request.POST.get("objective", "")
    if learner is None or not target_uri:
        return redirect("pathways:target")
    try:
        proposal = services.plan_propose(
            profile=learner,
            target_uri=target_uri,
            objective=objective if objective in Objective.values else None,
            variant=variant,
        )
        saved = services.plan_save(
            actor=request.user,
            profile=learner,
            proposal=proposal,
            name=request.POST.get("name", "").strip()[:200],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('pathways:plan')}?{urlencode({'target': target_uri})}")
    messages.success(request, _("Your plan is saved. Enrol in its first course when ready."))
    return redirect("pathways:plan_detail", public_id=saved.public_id)


# -- saved plans ---------------------------------------------------------------------------------


def _step_rows(view: Any, plan: Plan, *, is_owner: bool) -> list[dict[str, Any]]:
    """The plan's steps as the templates show them: the reason in words, the enrol button."""
    titles = {step.slug: step.title for step in view.steps if step.slug}
    rows = []
    for step in view.steps:
        row = dict(vars(step))
        row["why"] = reason_sentence(step.reason, titles) if step.reason else ""
        row["enrol_url"] = (
            reverse("pathways:plan_enrol", args=[plan.public_id, step.position])
            if is_owner and plan.status == Plan.Status.ACTIVE and step.can_enrol
            else ""
        )
        rows.append(row)
    return rows


def _plan_page_context(
    plan: Plan, *, is_owner: bool, view: selectors.PlanView | None = None
) -> dict[str, Any]:
    view = view or selectors.plan_view(plan=plan)
    return {
        "plan": plan,
        "view": view,
        "steps": _step_rows(view, plan, is_owner=is_owner),
        "skill_rows": view.skills,
        "problems": [infeasible_sentence(code) for code in view.infeasible_reasons],
        "is_owner": is_owner,
    }


def _has_news(plan: Plan, view: selectors.PlanView) -> bool:
    """Whether anything the plan (shown as `view`) depends on changed since it was made: a
    step's course completed or credentialed, a course gone from the catalogue, credentials
    earned or revoked."""
    for step in view.steps:
        if not step.is_done and (step.credential_id or step.status == "completed" or not step.slug):
            return True
    learner = selectors.profile_of(user=plan.user)
    held = selectors.credentialed_skill_uris(learner) if learner is not None else set()
    return held != set(services.credential_skills(user=plan.user))


@login_required
def plan_detail(request: AuthedHttpRequest, public_id: Any) -> HttpResponse:
    """A saved plan and its progress; it catches up with credentials earned since last time."""
    plan = selectors.plan_get_for_owner(user=request.user, public_id=public_id)
    view = selectors.plan_view(plan=plan)
    if plan.status == Plan.Status.ACTIVE and _has_news(plan, view):
        plan = services.plan_refresh(actor=request.user, plan=plan)
        view = selectors.plan_view(plan=plan)
    context = _plan_page_context(plan, is_owner=True, view=view)
    context["share_url"] = request.build_absolute_uri(
        reverse("pathways:shared", args=[plan.share_token])
    )
    context["optimality"] = optimality_line(
        optimal=plan.is_optimal,
        objective=float((plan.result or {}).get("objective", 0) or 0),
        bound=float((plan.result or {}).get("bound", 0) or 0),
    )
    return render(request, "pathways/plan_detail.html", context)


def plan_shared(request: HttpRequest, token: str) -> HttpResponse:
    """The pathway achievement (or the plan under way) that its owner shared by a link."""
    plan = selectors.plan_get_shared(token=token)
    context = _plan_page_context(plan, is_owner=False)
    context["owner_name"] = plan.user.full_name or _("a health worker")
    return render(request, "pathways/shared.html", context)


def _plan_action(request: AuthedHttpRequest, public_id: Any) -> Plan:
    return selectors.plan_get_for_owner(user=request.user, public_id=public_id)


@login_required
@require_POST
def plan_enrol(request: AuthedHttpRequest, public_id: Any, position: int) -> HttpResponse:
    plan = _plan_action(request, public_id)
    try:
        services.plan_enrol_step(actor=request.user, plan=plan, step_position=position)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("You are enrolled. A confirmation is on its way to your inbox.")
        )
    return redirect("pathways:plan_detail", public_id=plan.public_id)


@login_required
@require_POST
def plan_replan(request: AuthedHttpRequest, public_id: Any) -> HttpResponse:
    plan = _plan_action(request, public_id)
    try:
        services.plan_refresh(actor=request.user, plan=plan)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The plan is made again from today's catalogue."))
    return redirect("pathways:plan_detail", public_id=plan.public_id)


@login_required
@require_POST
def plan_archive(request: AuthedHttpRequest, public_id: Any) -> HttpResponse:
    plan = _plan_action(request, public_id)
    try:
        services.plan_archive(actor=request.user, plan=plan)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("pathways:plan_detail", public_id=plan.public_id)
    messages.success(request, _("The plan is archived."))
    return redirect("pathways:home")


@login_required
@require_POST
def plan_share(request: AuthedHttpRequest, public_id: Any) -> HttpResponse:
    plan = _plan_action(request, public_id)
    is_shared = request.POST.get("is_shared") == "1"
    try:
        services.plan_share_set(actor=request.user, plan=plan, is_shared=is_shared)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Anyone with the link can now see this pathway.")
            if is_shared
            else _("The public link is switched off."),
        )
    return redirect("pathways:plan_detail", public_id=plan.public_id)
