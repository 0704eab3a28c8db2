"""Reads of the pathways. A profile and its plans are their owner's; `plan_get_for_owner` and
`plan_get_shared` are the access checks (404 for anyone else), and `insights` is the
secretariat's only.

ESCO is read through `taxonomy.selectors`, the catalogue through `training.selectors` and
`training.enrolments`, credentials through `credentials.selectors`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from skillspact.core.permissions import is_secretariat
from skillspact.pathways import gaps
from skillspact.pathways.errors import EngineWarming, NoEscoVersion
from skillspact.pathways.gaps import Gap
from skillspact.pathways.models import LearnerProfile, Plan, PlanSkill, PlanStep, ProfileSkill
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import ConceptType

MAX_TEXT = 20_000  # characters of a pasted CV or job description that are read
MAX_PIECES = 400  # pieces of it sent to the engine
MIN_SKILL_SCORE = 0.2  # calibrated engine score below which an extracted skill is left out
MIN_BEST_SCORE = 0.02  # ... or, for the best match of a piece of the text, this
EXTRACT_LIMIT = 30


# -- the profile -------------------------------------------------------------------------------


@dataclass
class HeldSkill:
    """A skill on a learner's profile with every source it comes from."""

    uri: str
    label: str
    sources: list[str] = field(default_factory=list)
    credential_ids: list[str] = field(default_factory=list)

    @property
    def is_credentialed(self) -> bool:
        return ProfileSkill.Source.CREDENTIALED in self.sources

    @property
    def is_removable(self) -> bool:
        """Credentialed skills stay while their credential is valid."""
        return not self.is_credentialed


@dataclass(frozen=True)
class ConceptChoice:
    """An occupation, local role or skill offered to pick, with the engine's score if any."""

    uri: str
    label: str
    score: float | None = None
    is_local: bool = False
    is_essential: bool = False
    is_green: bool = False
    is_digital: bool = False


def profile_of(*, user: Any) -> LearnerProfile | None:
    """The person's learner profile, or None before they start one."""
    if not (user and user.is_authenticated):
        return None
    return LearnerProfile.objects.filter(user=user).first()


def held_uris(profile: LearnerProfile | None) -> set[str]:
    """The URIs of every skill on the profile, whatever its source."""
    if profile is None:
        return set()
    return set(profile.skills.values_list("skill_uri", flat=True))


def profile_skills(profile: LearnerProfile | None) -> list[HeldSkill]:
    """The profile's skills A to Z, each with its sources and the credentials behind it. Two
    queries."""
    if profile is None:
        return []
    found: dict[str, HeldSkill] = {}
    for uri, source, credential in profile.skills.order_by("created_at", "id").values_list(
        "skill_uri", "source", "credential_public_id"
    ):
        held = found.setdefault(uri, HeldSkill(uri=uri, label=uri))
        if source not in held.sources:
            held.sources.append(source)
        if credential and str(credential) not in held.credential_ids:
            held.credential_ids.append(str(credential))
    briefs = taxonomy_selectors.concepts_describe(found, concept_type=ConceptType.SKILL)
    for uri, held in found.items():
        if uri in briefs:
            held.label = briefs[uri].label
    return sorted(found.values(), key=lambda held: (held.label.lower(), held.uri))


def _engine() -> Any:
    """The matching engine of the default version; EngineWarming while its vectors build."""
    from skillspact.taxonomy import matching

    version = taxonomy_selectors.version_default()
    if version is None:
        raise NoEscoVersion
    if not matching.engine_is_ready(version):
        matching.engine_warm_up_request(version)
        raise EngineWarming
    return matching.engine_for(version)


def occupation_matches(*, job_title: str, language: str = "", top: int = 5) -> list[ConceptChoice]:
    """The ESCO occupations and local roles most likely meant by a job title typed in any
    language, best first, for the person to confirm one. EngineWarming while the engine warms
    up (search by name with `target_search` meanwhile). `language` is the page's language; the
    engine reads every language it has labels for."""
    title = (job_title or "").strip()[:200]
    if not title:
        return []
    matches = _engine().match_occupations([title], top=top)[0]
    briefs = taxonomy_selectors.concepts_describe(
        [m.uri for m in matches], concept_type=ConceptType.OCCUPATION
    )
    return [
        ConceptChoice(
            uri=m.uri,
            label=briefs[m.uri].label,
            score=m.score,
            is_local=briefs[m.uri].is_local,
        )
        for m in matches
        if m.uri in briefs
    ]


_PIECE_BREAK = re.compile(r"(?:\r?\n)+|(?<=[.!?;])\s+|\s*[•·▪●◦\u2022]\s*")


def text_pieces(text: str) -> list[str]:
    """A pasted text cut into the pieces the engine reads: lines, bullets and sentences (at
    most MAX_TEXT characters, at most MAX_PIECES pieces, each of at least three letters)."""
    pieces = []
    for piece in _PIECE_BREAK.split((text or "")[:MAX_TEXT]):
        piece = piece.strip(" \t-*–—:")
        if sum(ch.isalpha() for ch in piece) >= 3:
            pieces.append(piece)
    return pieces[:MAX_PIECES]


def skills_extract(*, text: str, limit: int = EXTRACT_LIMIT) -> list[ConceptChoice]:
    """ESCO skills the engine reads in a pasted CV or job description, best first, each once
    (its best score over the text's pieces). EngineWarming while the engine warms up."""
    pieces = text_pieces(text)
    if not pieces:
        return []
    engine = _engine()
    best: dict[str, float] = {}
    for matches in engine.match_skills(pieces, top=5):
        for rank, m in enumerate(matches):
            # A piece's best match is kept unless it is a mere guess; the others need a
            # clearer score.
            floor = MIN_BEST_SCORE if rank == 0 else MIN_SKILL_SCORE
            if m.score >= floor and m.score > best.get(m.uri, -1.0):
                best[m.uri] = m.score
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
    briefs = taxonomy_selectors.concepts_describe(
        [uri for uri, _score in ranked], concept_type=ConceptType.SKILL
    )
    return [
        ConceptChoice(
            uri=uri,
            label=briefs[uri].label,
            score=score,
            is_green=briefs[uri].is_green,
            is_digital=briefs[uri].is_digital,
        )
        for uri, score in ranked
        if uri in briefs
    ]


def occupation_profile_skills(*, uri: str) -> list[ConceptChoice]:
    """The essential then optional skills of an ESCO occupation or an active local role, to
    tick; empty for an unknown URI."""
    from skillspact.pathways.errors import UnknownTarget

    try:
        profile = gaps.target_profile(uri)
    except UnknownTarget:
        return []
    return [
        ConceptChoice(uri=skill_uri, label=label, is_essential=is_essential)
        for skill_uri, label, is_essential in profile.skills
    ]


def target_search(*, text: str, limit: int = 20) -> list[ConceptChoice]:
    """Local roles and ESCO occupations whose names contain the words of `text`: local roles
    first (they are the emerging health roles), then the best ESCO matches."""
    query = (text or "").strip()[:200]
    if len(query) < 2:
        return []
    uris = [role.uri for role in taxonomy_selectors.local_roles_visible(text=query)[:limit]]
    hits = taxonomy_selectors.concept_search(
        text=query, concept_type=ConceptType.OCCUPATION, limit=limit
    )
    uris += [hit.uri for hit in hits.hits]
    briefs = taxonomy_selectors.concepts_describe(uris, concept_type=ConceptType.OCCUPATION)
    return [
        ConceptChoice(uri=uri, label=briefs[uri].label, is_local=briefs[uri].is_local)
        for uri in dict.fromkeys(uris)
        if uri in briefs
    ][:limit]


# -- target suggestions ------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetSuggestion:
    """A role near the learner's profile: how much of it they hold and what is left."""

    uri: str
    label: str
    is_local: bool
    overlap: float  # share of the role's essential skills held, 0-1
    missing: int  # essential skills not held
    hours_estimate: float | None  # None when no course teaches the missing skills


def target_suggestions(*, profile: LearnerProfile | None, limit: int = 5) -> list[TargetSuggestion]:
    """The roles nearest the profile by skill overlap: the health occupations that need any held
    skill, and the active local roles, ranked by the share of their essential skills held (ties:
    the Jaccard index of held and essential skills), the current occupation left out.

    `hours_estimate` is the missing skills times the average hours per skill of the courses
    teaching them (a course's hours shared among the skills it teaches), not a planner run: it
    is a quick guide, and the plan gives the real figure. About 10 + held skills queries.
    """
    if profile is None:
        return []
    held = held_uris(profile)
    if not held:
        return []
    candidates: dict[str, tuple[str, bool, set[str]]] = {}
    for role in taxonomy_selectors.local_roles_visible():
        essential = {link.skill_uri for link in role.skills.all() if link.relation == "essential"}
        if essential:
            candidates[role.uri] = (role.preferred_label, True, essential)
    shared: Counter[str] = Counter()
    occupations: dict[str, Any] = {}
    for skill in taxonomy_selectors.skills_by_uri(held).values():
        for occupation in taxonomy_selectors.skill_occupations(skill, is_health=True).essential:
            shared[occupation.uri] += 1
            occupations[occupation.uri] = occupation
    for uri, _count in shared.most_common(limit * 4):
        occupation = occupations[uri]
        essential = {s.uri for s in taxonomy_selectors.occupation_skills(occupation).essential}
        candidates[uri] = (occupation.preferred_label, False, essential)
    candidates.pop(profile.occupation_uri, None)
    ranked = []
    for uri, (label, is_local, essential) in candidates.items():
        have = len(essential & held)
        if not have:
            continue
        ranked.append(
            (
                have / len(essential),
                have / len(essential | held),
                uri,
                label,
                is_local,
                essential - held,
            )
        )
    ranked.sort(key=lambda row: (-row[0], -row[1], row[3]))
    chosen = ranked[:limit]
    per_skill = _hours_per_skill(set().union(*(row[5] for row in chosen)) if chosen else set())
    suggestions = []
    for overlap, _jaccard, uri, label, is_local, missing in chosen:
        known = [per_skill[uri_] for uri_ in missing if uri_ in per_skill]
        estimate = round(sum(known), 1) if known or not missing else None
        suggestions.append(
            TargetSuggestion(
                uri=uri,
                label=label,
                is_local=is_local,
                overlap=round(overlap, 3),
                missing=len(missing),
                hours_estimate=estimate,
            )
        )
    return suggestions


def _hours_per_skill(uris: set[str]) -> dict[str, float]:
    """For each skill, the average over the open courses teaching it of hours / skills taught."""
    from skillspact.pathways import catalogue

    if not uris:
        return {}
    shares: dict[str, list[float]] = defaultdict(list)
    for course in catalogue.candidates_for(missing=uris):
        if not course.skills:
            continue
        share = course.hours / len(course.skills)
        for uri in course.skills & uris:
            shares[uri].append(share)
    return {uri: sum(values) / len(values) for uri, values in shares.items()}


# -- the gap -----------------------------------------------------------------------------------


def gap_for(*, profile: LearnerProfile | None, target_uri: str) -> Gap:
    """The target's skills against the profile's (broader/narrower aware: see gaps.py)."""
    return gaps.gap_of(held=held_uris(profile), target_uri=target_uri)


# -- plans -------------------------------------------------------------------------------------


def plans_of(*, user: Any) -> QuerySet[Plan]:
    """The person's plans, newest first (archived ones included, with their status)."""
    if not (user and user.is_authenticated):
        return Plan.objects.none()
    return Plan.objects.filter(user=user).order_by("-created_at", "-id")


def plan_get_for_owner(*, user: Any, public_id: Any) -> Plan:
    """One of the person's own plans; 404 for anyone else."""
    try:
        plan = plans_of(user=user).filter(public_id=public_id).first()
    except (ValidationError, ValueError) as error:
        raise Http404 from error
    if plan is None:
        raise Http404
    return plan


def plan_get_shared(*, token: str) -> Plan:
    """A plan its owner shared by a public link; 404 unless it is shared."""
    plan = Plan.objects.filter(share_token=token or "-", is_shared=True).first()
    if plan is None:
        raise Http404
    return plan


@dataclass
class StepView:
    """A plan step with its course and where the learner stands in it."""

    position: int
    title: str
    slug: str
    provider: str
    hours: int
    cost: Any
    mode: str
    mode_label: str
    eqf_level: int | None
    starts_on: Any
    ends_on: Any
    covers: list[dict[str, str]]
    reason: dict[str, Any]
    is_done: bool
    status: str  # "", or the enrolment's status: enrolled, waitlisted, cancelled, completed
    status_label: str
    credential_id: str = ""

    @property
    def can_enrol(self) -> bool:
        return bool(self.slug) and not self.is_done and self.status in ("", "cancelled")


@dataclass
class SkillView:
    """A target skill of a plan and its state: credentialed, held, covered or uncovered."""

    uri: str
    label: str
    is_essential: bool
    weight: float
    state: str
    held_via_uri: str = ""
    held_via_label: str = ""
    step: int | None = None


@dataclass
class CredentialRow:
    title: str
    issuer: str
    issued_on: Any
    url: str


@dataclass
class PlanView:
    """Everything a plan's page shows besides the plan itself."""

    steps: list[StepView]
    skills: list[SkillView]
    credentials: list[CredentialRow]
    steps_total: int
    steps_completed: int
    skills_total: int
    skills_held: int
    progress_percent: int
    is_achievable: bool
    infeasible_reasons: list[str]

    @property
    def uncovered(self) -> list[SkillView]:
        return [skill for skill in self.skills if skill.state == PlanSkill.State.UNCOVERED]


def credentialed_skill_uris(profile: LearnerProfile) -> set[str]:
    """The skills the profile holds from credentials (one query, no labels)."""
    return set(
        profile.skills.filter(source=ProfileSkill.Source.CREDENTIALED).values_list(
            "skill_uri", flat=True
        )
    )


def plan_view(*, plan: Plan) -> PlanView:
    """A plan's steps (with enrolment and credential status), its skills with their states, its
    progress and credentials. About six queries."""
    from skillspact.credentials import selectors as credential_selectors
    from skillspact.training import enrolments as training_enrolments

    steps = list(PlanStep.objects.filter(plan=plan).select_related("course", "course__provider"))
    skills = list(PlanSkill.objects.filter(plan=plan).order_by("-is_essential", "skill_uri"))
    course_ids = [step.course_id for step in steps if step.course_id]
    enrolments: dict[int | None, Any] = {}
    credentials: list[Any] = []
    if plan.user_id and course_ids:
        enrolments = {
            e.course_id: e
            for e in training_enrolments.enrolments_of(user=plan.user).filter(
                course_id__in=course_ids
            )
        }
        credentials = list(
            credential_selectors.credentials_of(user=plan.user).filter(
                course_id__in=course_ids, revoked_at__isnull=True
            )
        )
    uris = {skill.skill_uri for skill in skills} | {
        s.held_via_uri for s in skills if s.held_via_uri
    }
    briefs = taxonomy_selectors.concepts_describe(uris, concept_type=ConceptType.SKILL)

    def label(uri: str) -> str:
        return briefs[uri].label if uri in briefs else uri

    credential_by_course: dict[int | None, Any] = {c.course_id: c for c in credentials}
    step_views = []
    covered_in: dict[str, int] = {}
    for step in steps:
        enrolment = enrolments.get(step.course_id)
        course = step.course
        credential = credential_by_course.get(step.course_id)
        for uri in step.covers or []:
            covered_in.setdefault(uri, step.position)
        reason: dict[str, Any] = {}
        try:
            reason = _reason_data(step.reason)
        except ValueError:
            reason = {}
        step_views.append(
            StepView(
                position=step.position,
                title=course.title if course else step.course_title,
                slug=course.slug if course else "",
                provider=course.provider.legal_name if course else "",
                hours=step.hours,
                cost=step.cost_eur,
                mode=course.mode if course else "",
                mode_label=str(course.get_mode_display()) if course else "",
                eqf_level=course.eqf_level if course else None,
                starts_on=step.starts_on,
                ends_on=step.ends_on,
                covers=[{"uri": uri, "label": label(uri)} for uri in step.covers or []],
                reason=reason,
                is_done=step.completed_at is not None,
                status=enrolment.status if enrolment else "",
                status_label=str(enrolment.get_status_display()) if enrolment else "",
                credential_id=str(credential.public_id) if credential else "",
            )
        )
    skill_views = []
    for skill in skills:
        state = skill.state
        if state == PlanSkill.State.HELD and skill.is_credentialed:
            state = "credentialed"
        skill_views.append(
            SkillView(
                uri=skill.skill_uri,
                label=label(skill.skill_uri),
                is_essential=skill.is_essential,
                weight=skill.weight,
                state=state,
                held_via_uri=skill.held_via_uri,
                held_via_label=label(skill.held_via_uri) if skill.held_via_uri else "",
                step=covered_in.get(skill.skill_uri)
                if skill.state == PlanSkill.State.COVERED
                else None,
            )
        )
    done = sum(1 for step in steps if step.completed_at is not None)
    total = len(steps)
    if total:
        percent = round(100 * done / total)
    else:
        percent = 100 if plan.status == Plan.Status.ACHIEVED else 0
    held = sum(1 for skill in skills if skill.state == PlanSkill.State.HELD)
    return PlanView(
        steps=step_views,
        skills=skill_views,
        credentials=[
            CredentialRow(
                title=c.course.title,
                issuer=c.issuer.legal_name,
                issued_on=c.issued_at,
                url=reverse("credentials:detail", args=[c.public_id]),
            )
            for c in sorted(credentials, key=lambda c: (c.issued_at, c.pk))
        ],
        steps_total=total,
        steps_completed=done,
        skills_total=len(skills),
        skills_held=held,
        progress_percent=percent,
        is_achievable=not any(
            s.state == PlanSkill.State.UNCOVERED and s.is_essential for s in skills
        ),
        infeasible_reasons=list((plan.result or {}).get("infeasible_reasons") or []),
    )


def _reason_data(text: str) -> dict[str, Any]:
    """A step's stored reason (JSON of the planner's code and parameters) as data."""
    import json

    if not text:
        return {}
    data = json.loads(text)
    if isinstance(data, str):
        return {"code": data}
    if not isinstance(data, dict):
        raise ValueError(text)
    return data


# -- the secretariat's insights ----------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    uri: str
    label: str
    is_local: bool
    plans: int
    achieved: int

    @property
    def share_achieved(self) -> float:
        return self.achieved / self.plans if self.plans else 0.0


@dataclass(frozen=True)
class UncoveredRow:
    uri: str
    label: str
    plans: int
    people: int
    countries: list[str]


@dataclass(frozen=True)
class CountryRow:
    country: str
    name: str
    plans: int
    people: int
    uncovered: int
    targets: list[tuple[str, int]]  # (label, plans), most aimed at first


@dataclass(frozen=True)
class Insights:
    plans: int
    people: int
    achieved: int
    targets: list[TargetRow]
    uncovered: list[UncoveredRow]
    countries: list[CountryRow]


def insights(
    *, user: Any, country: str | None = None, target_uri: str | None = None, limit: int = 50
) -> Insights:
    """What the secretariat commissions training from: the target roles people aim for (plans,
    achieved), the target skills no course covers most often (plans and people needing them,
    by country) and the plans by country. Archived plans are left out. The secretariat only
    (PermissionDenied otherwise). About ten queries."""
    if not is_secretariat(user):
        raise PermissionDenied
    plans = Plan.objects.exclude(status=Plan.Status.ARCHIVED)
    skills = PlanSkill.objects.filter(state=PlanSkill.State.UNCOVERED).exclude(
        plan__status=Plan.Status.ARCHIVED
    )
    if country:
        plans = plans.filter(country=country.upper())
        skills = skills.filter(country=country.upper())
    if target_uri:
        plans = plans.filter(target_uri=target_uri)
        skills = skills.filter(target_uri=target_uri)
    totals = plans.aggregate(
        plans=Count("id"),
        people=Count("user", distinct=True),
        achieved=Count("id", filter=Q(status=Plan.Status.ACHIEVED)),
    )
    target_rows = list(
        plans.values("target_uri")
        .annotate(
            plans=Count("id"),
            achieved=Count("id", filter=Q(status=Plan.Status.ACHIEVED)),
        )
        .order_by("-plans", "target_uri")[:limit]
    )
    uncovered_rows = list(
        skills.values("skill_uri")
        .annotate(plans=Count("plan", distinct=True), people=Count("plan__user", distinct=True))
        .order_by("-plans", "skill_uri")[:limit]
    )
    countries_of: dict[str, set[str]] = defaultdict(set)
    for uri, code in (
        skills.filter(skill_uri__in=[row["skill_uri"] for row in uncovered_rows])
        .exclude(country="")
        .values_list("skill_uri", "country")
        .distinct()
    ):
        countries_of[uri].add(code)
    by_country = list(
        plans.values("country")
        .annotate(plans=Count("id"), people=Count("user", distinct=True))
        .order_by("-plans", "country")
    )
    uncovered_by_country = dict(
        skills.values("country")
        .annotate(n=Count("skill_uri", distinct=True))
        .values_list("country", "n")
    )
    targets_by_country: dict[str, Counter[str]] = defaultdict(Counter)
    target_labels: dict[str, str] = {}
    for code, uri, label in plans.values_list("country", "target_uri", "target_label"):
        targets_by_country[code][uri] += 1
        target_labels[uri] = label
    occupation_briefs = taxonomy_selectors.concepts_describe(
        [row["target_uri"] for row in target_rows], concept_type=ConceptType.OCCUPATION
    )
    skill_briefs = taxonomy_selectors.concepts_describe(
        [row["skill_uri"] for row in uncovered_rows], concept_type=ConceptType.SKILL
    )
    return Insights(
        plans=totals["plans"] or 0,
        people=totals["people"] or 0,
        achieved=totals["achieved"] or 0,
        targets=[
            TargetRow(
                uri=row["target_uri"],
                label=(
                    occupation_briefs[row["target_uri"]].label
                    if row["target_uri"] in occupation_briefs
                    else target_labels.get(row["target_uri"], row["target_uri"])
                ),
                is_local=row["target_uri"].startswith("urn:skillspact:"),
                plans=row["plans"],
                achieved=row["achieved"],
            )
            for row in target_rows
        ],
        uncovered=[
            UncoveredRow(
                uri=row["skill_uri"],
                label=skill_briefs[row["skill_uri"]].label
                if row["skill_uri"] in skill_briefs
                else row["skill_uri"],
                plans=row["plans"],
                people=row["people"],
                countries=sorted(countries_of.get(row["skill_uri"], ())),
            )
            for row in uncovered_rows
        ],
        countries=[
            CountryRow(
                country=row["country"],
                name=_country_name(row["country"]),
                plans=row["plans"],
                people=row["people"],
                uncovered=uncovered_by_country.get(row["country"], 0),
                targets=[
                    (target_labels.get(uri, uri), n)
                    for uri, n in targets_by_country[row["country"]].most_common(3)
                ],
            )
            for row in by_country
        ],
    )


def _country_name(code: str) -> str:
    from django_countries import countries

    return str(countries.name(code)) or code if code else str(_("not given"))
