"""Plans: proposing (not saved), saving, enrolling from a step, and keeping a saved plan current
as the learner progresses.

A proposal runs the planner (`planner.py`) on the catalogue's candidates (`catalogue.py`) for
the gap (`gaps.py`). Saving stores the steps (course, the missing skills it covers, the reason
as the planner's code and parameters in JSON, the planned dates) and one `PlanSkill` per target
skill: held (directly or through a narrower skill), covered by a step, or uncovered by anything
in the catalogue, with whether it is essential and its weight.

Refreshing a plan: the steps whose course the learner completed successfully (or holds a
credential of) are marked completed; the credentials' skills join the profile
(`profile_sync_credentials`); the steps the learner is enrolled in stay; the rest is planned
again from today's catalogue, with the completed courses as `completed`. When every step is
completed and no target skill waits for a course, the plan is achieved: the stackable pathway
achievement, shown with its credentials.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skillspact.core import audit
from skillspact.core.errors import NotPermitted
from skillspact.core.validation import full_clean
from skillspact.pathways import catalogue, gaps, selectors
from skillspact.pathways.catalogue import CatalogueCourse, Constraints
from skillspact.pathways.errors import (
    PlanNotActive,
    StepDone,
    StepNotFound,
    StepWithoutCourse,
)
from skillspact.pathways.gaps import Gap, GapSkill
from skillspact.pathways.models import (
    LearnerProfile,
    Objective,
    Plan,
    PlanSkill,
    PlanStep,
)

if TYPE_CHECKING:
    from skillspact.pathways.planner import PlanResult
    from skillspact.training.models import Enrolment

VARIANTS = ("best", "fastest", "cheapest", "online")


@dataclass
class Proposal:
    """A plan to a target, not saved: the gap, the planner's result, the chosen courses in
    timeline order (each with the missing skills it covers and the reason as data), and the
    missing skills no course covers."""

    target_uri: str
    target_label: str
    is_local: bool
    gap: Gap
    result: PlanResult
    courses: list[CatalogueCourse]
    uncovered: list[GapSkill]
    objective: str
    variant: str
    constraints: Constraints
    completed: frozenset[str] = frozenset()
    candidates: int = 0
    esco_version: str = ""
    kept: list[CatalogueCourse] = field(default_factory=list)

    @property
    def total_hours(self) -> float:
        return float(sum(course.hours for course in self.courses))

    @property
    def total_cost(self) -> Decimal:
        return sum((course.price for course in self.courses), Decimal("0"))

    @property
    def covered(self) -> list[GapSkill]:
        covered = set(self.result.covered)
        return [skill for skill in self.gap.skills if skill.uri in covered]


# -- proposing ---------------------------------------------------------------------------------


def _completed_slugs(user: Any) -> set[str]:
    """The courses the person completed successfully (or holds a valid credential of)."""
    if user is None:
        return set()
    from skillspact.training import enrolments as training_enrolments

    done = set()
    for enrolment in training_enrolments.enrolments_of(user=user).filter(status="completed"):
        if training_enrolments.is_successful(enrolment):
            done.add(enrolment.course.slug)
    return done


def _run(instance: Any, variant: str) -> PlanResult:
    from skillspact.pathways import planner

    if variant == "best":
        return planner.plan(instance)
    # A variant with the same courses as the best plan is left out by the planner: it is the
    # best plan then.
    results = planner.plan_variants(instance, variants=("best", variant))
    return results.get(variant) or results["best"]


def _proposal(
    *,
    gap: Gap,
    result: PlanResult,
    courses: list[CatalogueCourse],
    objective: str,
    variant: str,
    constraints: Constraints,
    completed: frozenset[str],
) -> Proposal:
    by_id = {course.id: course for course in courses}
    explanations = {step.course_id: step for step in result.steps}
    chosen = []
    for course_id in result.courses:
        course = by_id.get(course_id)
        if course is None:
            continue
        step = explanations.get(course_id)
        reason: dict[str, Any] = (
            {"code": step.reason, **(step.params or {})} if step is not None else {}
        )
        planned = result.schedule.get(course_id, (None, None))
        chosen.append(
            dataclasses.replace(
                course,
                covers=list(step.covers) if step is not None else [],
                reason=dict(reason or {}),
                planned_start=planned[0],
                planned_end=planned[1],
            )
        )
    uncovered = set(result.uncovered)
    from skillspact.taxonomy import selectors as taxonomy_selectors

    version = taxonomy_selectors.version_default()
    return Proposal(
        target_uri=gap.target_uri,
        target_label=gap.target_label,
        is_local=gap.is_local,
        gap=gap,
        result=result,
        courses=chosen,
        uncovered=[skill for skill in gap.missing if skill.uri in uncovered],
        objective=objective,
        variant=variant,
        constraints=constraints,
        completed=completed,
        candidates=len(courses),
        esco_version=version.code if version else "",
    )


def _propose(
    *,
    gap: Gap,
    constraints: Constraints,
    objective: str,
    variant: str,
    completed: set[str],
) -> Proposal:
    courses = catalogue.candidates_for(
        missing=[skill.uri for skill in gap.missing], languages=constraints.languages
    )
    instance = catalogue.instance_for(
        gap=gap,
        courses=courses,
        constraints=constraints,
        objective=objective,
        completed=completed,
    )
    return _proposal(
        gap=gap,
        result=_run(instance, variant),
        courses=courses,
        objective=objective,
        variant=variant,
        constraints=constraints,
        completed=frozenset(completed),
    )


def plan_propose(
    *,
    profile: LearnerProfile,
    target_uri: str,
    objective: str | None = None,
    variant: str = "best",
) -> Proposal:
    """The plan from the profile to the target (not saved): `variant` is "best" (for the
    objective: the profile's unless given), "fastest", "cheapest" or "online"."""
    from skillspact.pathways import selectors

    gap = selectors.gap_for(profile=profile, target_uri=target_uri)
    return _propose(
        gap=gap,
        constraints=catalogue.constraints_of(profile),
        objective=_objective(objective or profile.objective),
        variant=variant if variant in VARIANTS else "best",
        completed=_completed_slugs(profile.user),
    )


def _objective(value: str | None) -> str:
    return value if value in Objective.values else Objective.HOURS


def plan_alternatives(*, profile: LearnerProfile, target_uri: str) -> dict[str, Proposal]:
    """The four variants of the plan ("best", "fastest", "cheapest", "online"), one planner
    call each on the same candidates."""
    from skillspact.pathways import planner, selectors

    gap = selectors.gap_for(profile=profile, target_uri=target_uri)
    constraints = catalogue.constraints_of(profile)
    objective = _objective(profile.objective)
    completed = _completed_slugs(profile.user)
    courses = catalogue.candidates_for(
        missing=[skill.uri for skill in gap.missing], languages=constraints.languages
    )
    instance = catalogue.instance_for(
        gap=gap, courses=courses, constraints=constraints, objective=objective, completed=completed
    )
    results = planner.plan_variants(instance)
    return {
        name: _proposal(
            gap=gap,
            result=result,
            courses=courses,
            objective=objective,
            variant=name,
            constraints=constraints,
            completed=frozenset(completed),
        )
        for name, result in results.items()
    }


def plan_for_api(
    *, held: list[str], target_uri: str, constraints: dict[str, Any], objective: str
) -> Proposal:
    """A plan for other career-guidance tools: held skill URIs, a target, constraints
    (`max_hours`, `max_cost`, `modes`, `languages`, `start_eqf_level`, `deadline`) and the
    objective; no profile, nothing saved. UnknownTarget for an unknown target."""
    gap = gaps.gap_of(held=held, target_uri=target_uri)
    budget = constraints.get("max_cost")
    limits = Constraints(
        budget_eur=Decimal(str(budget)) if budget is not None else None,
        modes=tuple(constraints.get("modes") or ()),
        languages=tuple(constraints.get("languages") or ()),
        start_eqf_level=constraints.get("start_eqf_level") or None,
        deadline=constraints.get("deadline") or None,
    )
    courses = catalogue.candidates_for(
        missing=[skill.uri for skill in gap.missing], languages=limits.languages
    )
    instance = catalogue.instance_for(
        gap=gap, courses=courses, constraints=limits, objective=_objective(objective)
    )
    max_hours = constraints.get("max_hours")
    if max_hours is not None:
        instance = dataclasses.replace(instance, max_hours=float(max_hours))
    return _proposal(
        gap=gap,
        result=_run(instance, "best"),
        courses=courses,
        objective=_objective(objective),
        variant="best",
        constraints=limits,
        completed=frozenset(),
    )


# -- saving ------------------------------------------------------------------------------------


def _ensure_owner(actor: Any, user_id: int | None) -> None:
    if actor is None or not actor.is_authenticated or actor.pk != user_id:
        raise NotPermitted


def _json(data: Any) -> Any:
    """Plain JSON (dates as ISO strings) for a JSONField."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _result_json(proposal: Proposal) -> dict[str, Any]:
    from skillspact.pathways import planner

    data = dict(planner.result_to_json(proposal.result))
    data.update(
        {
            "objective": float(proposal.result.objective),
            "bound": float(proposal.result.bound),
            "optimal": bool(proposal.result.optimal),
            "seconds": float(proposal.result.seconds),
            "covered_weight": float(proposal.result.covered_weight),
            "total_weight": float(proposal.result.total_weight),
            "infeasible_reasons": list(proposal.result.infeasible_reasons),
            "candidates": proposal.candidates,
        }
    )
    return _json(data)


def _skill_rows(plan: Plan, gap: Gap, covered: set[str], credentialed: set[str]) -> list[PlanSkill]:
    rows = []
    for skill in gap.skills:
        if skill.is_held:
            state = PlanSkill.State.HELD
        elif skill.uri in covered:
            state = PlanSkill.State.COVERED
        else:
            state = PlanSkill.State.UNCOVERED
        rows.append(
            PlanSkill(
                plan=plan,
                skill_uri=skill.uri,
                is_essential=skill.is_essential,
                weight=skill.weight,
                state=state,
                held_via_uri=skill.held_via_uri,
                is_credentialed=skill.is_held
                and (skill.uri in credentialed or skill.held_via_uri in credentialed),
                country=plan.country,
                target_uri=plan.target_uri,
            )
        )
    return rows


def _step_row(plan: Plan, position: int, course: CatalogueCourse) -> PlanStep:
    return PlanStep(
        plan=plan,
        position=position,
        course_id=course.course_id,
        course_title=course.title[:200],
        covers=list(course.covers),
        reason=json.dumps(course.reason or {}, cls=DjangoJSONEncoder),
        hours=course.hours,
        cost_eur=course.price,
        starts_on=course.planned_start or course.starts_on,
        ends_on=course.planned_end or course.ends_on,
    )


def _store_result(plan: Plan, proposal: Proposal, steps: list[CatalogueCourse]) -> None:
    plan.result = _result_json(proposal)
    plan.is_optimal = bool(proposal.result.optimal)
    plan.total_hours = int(round(sum(course.hours for course in steps)))
    plan.total_cost_eur = sum((course.price for course in steps), Decimal("0"))
    plan.planned_at = timezone.now()


@transaction.atomic
def plan_save(*, actor: Any, profile: LearnerProfile, proposal: Proposal, name: str = "") -> Plan:
    """Save a proposal as the person's plan, with its steps and the states of its skills."""
    _ensure_owner(actor, profile.user_id)
    plan = Plan(
        user=profile.user,
        name=(name or "").strip()[:200]
        or (_("Pathway to %(target)s") % {"target": proposal.target_label})[:200],
        target_uri=proposal.target_uri,
        target_label=proposal.target_label[:300],
        esco_version=proposal.esco_version or profile.esco_version or "-",
        variant=proposal.variant,
        objective=proposal.objective,
        constraints=_json(proposal.constraints.as_json()),
        country=profile.country,
    )
    _store_result(plan, proposal, proposal.courses)
    full_clean(plan)
    plan.save()
    steps = [
        _step_row(plan, position, course)
        for position, course in enumerate(proposal.courses, start=1)
    ]
    for step in steps:
        full_clean(step, exclude=["plan"], validate_constraints=False)
    PlanStep.objects.bulk_create(steps)
    PlanSkill.objects.bulk_create(
        _skill_rows(
            plan,
            proposal.gap,
            set(proposal.result.covered),
            selectors.credentialed_skill_uris(profile),
        )
    )
    audit.record(
        plan,
        "pathways.plan.saved",
        actor=actor,
        after={
            "target": plan.target_uri,
            "variant": plan.variant,
            "steps": [course.slug for course in proposal.courses],
            "optimal": plan.is_optimal,
        },
    )
    return plan


# -- progress ----------------------------------------------------------------------------------


def _course_progress(user: Any, course_ids: list[int]) -> tuple[dict[int, Any], dict[int, str]]:
    """For the plan's courses: when each was completed successfully (enrolment or credential),
    and the status of each active enrolment."""
    from skillspact.credentials import selectors as credential_selectors
    from skillspact.training import enrolments as training_enrolments

    done: dict[int, Any] = {}
    active: dict[int, str] = {}
    if not course_ids:
        return done, active
    enrolments: list[Enrolment] = list(
        training_enrolments.enrolments_of(user=user).filter(course_id__in=course_ids)
    )
    for enrolment in enrolments:
        if training_enrolments.is_successful(enrolment):
            done[enrolment.course_id] = enrolment.completed_at or timezone.now()
        elif enrolment.is_active:
            active[enrolment.course_id] = enrolment.status
    for credential in credential_selectors.credentials_of(user=user).filter(
        course_id__in=course_ids, revoked_at__isnull=True
    ):
        done.setdefault(credential.course_id, credential.issued_at)
    return done, active


@transaction.atomic
def plan_refresh(*, actor: Any, plan: Plan) -> Plan:
    """Catch the plan up with the learner's progress and re-plan the rest (see the module's
    docstring); an achieved plan is marked so."""
    from skillspact.pathways import selectors, services

    _ensure_owner(actor, plan.user_id)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Plan.Status.ACTIVE:
        raise PlanNotActive
    profile = services.profile_ensure(actor=actor)
    services.profile_sync_credentials(actor=actor, profile=profile)
    old_steps = list(plan.steps.select_related("course").order_by("position"))
    course_ids = [step.course_id for step in old_steps if step.course_id]
    done, active = _course_progress(plan.user, course_ids)
    kept: list[tuple[PlanStep, Any]] = []  # (step, completed_at or None)
    for step in old_steps:
        if step.course_id in done:
            kept.append((step, step.completed_at or done[step.course_id]))
    for step in old_steps:
        if step.course_id in active and step.course_id not in done:
            kept.append((step, None))
    kept_slugs = {step.course.slug for step, _at in kept if step.course is not None}
    kept_covers = {uri for step, _at in kept for uri in (step.covers or [])}
    gap = selectors.gap_for(profile=profile, target_uri=plan.target_uri)
    constraints = catalogue.constraints_of(profile)
    completed = _completed_slugs(plan.user) | kept_slugs
    # The courses kept (done or under way) cover their skills: the planner plans the rest.
    planning_gap = dataclasses.replace(
        gap,
        skills=[
            dataclasses.replace(skill, state=gaps.HELD) if skill.uri in kept_covers else skill
            for skill in gap.skills
        ],
    )
    proposal = _propose(
        gap=planning_gap,
        constraints=constraints,
        objective=_objective(plan.objective),
        variant=plan.variant,
        completed=completed,
    )
    new_courses = [course for course in proposal.courses if course.slug not in kept_slugs]
    plan.steps.all().delete()
    rows = []
    position = 0
    for step, completed_at in kept:
        position += 1
        rows.append(
            PlanStep(
                plan=plan,
                position=position,
                course_id=step.course_id,
                course_title=step.course_title,
                covers=step.covers,
                reason=step.reason,
                hours=step.hours,
                cost_eur=step.cost_eur,
                starts_on=step.starts_on,
                ends_on=step.ends_on,
                completed_at=completed_at,
            )
        )
    for course in new_courses:
        position += 1
        rows.append(_step_row(plan, position, course))
    PlanStep.objects.bulk_create(rows)
    covered = set(proposal.result.covered) | {
        uri for step, at in kept if at is None for uri in (step.covers or [])
    }
    plan.skills.all().delete()
    skill_rows = _skill_rows(plan, gap, covered, selectors.credentialed_skill_uris(profile))
    PlanSkill.objects.bulk_create(skill_rows)
    before = {"steps": len(old_steps), "done": sum(1 for s in old_steps if s.completed_at)}
    plan.result = _result_json(proposal)
    plan.is_optimal = bool(proposal.result.optimal)
    plan.total_hours = int(sum(row.hours for row in rows))
    plan.total_cost_eur = sum((row.cost_eur for row in rows), Decimal("0"))
    plan.planned_at = timezone.now()
    plan.constraints = _json(constraints.as_json())
    plan.country = profile.country
    all_done = all(row.completed_at is not None for row in rows)
    waiting = any(row.state == PlanSkill.State.COVERED for row in skill_rows)
    any_done = any(row.completed_at is not None for row in rows)
    all_held = all(row.state == PlanSkill.State.HELD for row in skill_rows)
    if all_done and not waiting and (any_done or all_held):
        plan.status = Plan.Status.ACHIEVED
        plan.achieved_at = timezone.now()
    full_clean(plan)
    plan.save()
    audit.record(
        plan,
        "pathways.plan.refreshed",
        actor=actor,
        before=before,
        after={"steps": len(rows), "done": sum(1 for row in rows if row.completed_at)},
    )
    if plan.status == Plan.Status.ACHIEVED:
        audit.record(plan, "pathways.plan.achieved", actor=actor)
    return plan


@transaction.atomic
def plan_enrol_step(*, actor: Any, plan: Plan, step_position: int) -> Enrolment:
    """Enrol the plan's owner in the course of one of its steps (on the waitlist when it is
    full); the catalogue's own rules apply (EnrolmentClosed, AlreadyEnrolled)."""
    from skillspact.training import enrolments as training_enrolments

    _ensure_owner(actor, plan.user_id)
    if plan.status != Plan.Status.ACTIVE:
        raise PlanNotActive
    step = plan.steps.select_related("course").filter(position=step_position).first()
    if step is None:
        raise StepNotFound
    if step.completed_at is not None:
        raise StepDone
    if step.course is None:
        raise StepWithoutCourse
    return training_enrolments.enrolment_create(course=step.course, user=actor, actor=actor)


@transaction.atomic
def plan_archive(*, actor: Any, plan: Plan) -> Plan:
    """Archive the plan: it stays readable, no longer changes, and leaves the secretariat's
    counts."""
    _ensure_owner(actor, plan.user_id)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == Plan.Status.ARCHIVED:
        return plan
    before = plan.status
    plan.status = Plan.Status.ARCHIVED
    full_clean(plan)
    plan.save(update_fields=["status", "updated_at"])
    audit.record(plan, "pathways.plan.archived", actor=actor, before={"status": before}, after={})
    return plan


@transaction.atomic
def plan_share_set(*, actor: Any, plan: Plan, is_shared: bool) -> Plan:
    """Switch the plan's public link on or off."""
    _ensure_owner(actor, plan.user_id)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_shared == bool(is_shared):
        return plan
    plan.is_shared = bool(is_shared)
    plan.save(update_fields=["is_shared", "updated_at"])
    audit.record(plan, "pathways.plan.shared", actor=actor, after={"is_shared": plan.is_shared})
    return plan
