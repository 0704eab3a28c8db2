"""The gap between a learner's skills and a target role's: what is missing, and what is held
(directly, or through a narrower skill).

The target's essential skills weigh 1.0 and its optional ones 0.3 (`ESSENTIAL_WEIGHT`,
`OPTIONAL_WEIGHT`): the planner covers as much weight as it can, so an optional skill is worth
covering only where it comes cheaply with the essential ones.

Broader and narrower: ESCO places skills in a hierarchy (`Broader` rows). A held skill that is
narrower than a required one (directly or through several levels) counts toward it: someone who
can "use an electronic health record system" has part of "healthcare data systems". The Gap says
which held skill made it count (`held_via_uri`). ESCO is read only through
`taxonomy.selectors`; the walk up the hierarchy is `broader_skills_of` below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import Http404

from skillspact.pathways.errors import UnknownTarget
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import LOCAL_URI_PREFIX, ConceptType

ESSENTIAL_WEIGHT = 1.0
OPTIONAL_WEIGHT = 0.3
MAX_DEPTH = 4  # skill-to-skill levels walked up; ESCO's skill hierarchy is shallower

HELD = "held"
MISSING = "missing"


@dataclass(frozen=True)
class GapSkill:
    """One skill of the target and whether the learner has it."""

    uri: str
    label: str
    is_essential: bool
    weight: float
    state: str  # "held" | "missing"
    held_via_uri: str = ""
    held_via_label: str = ""

    @property
    def is_held(self) -> bool:
        return self.state == HELD


@dataclass
class Gap:
    """A target role's skills against what the learner holds."""

    target_uri: str
    target_label: str
    skills: list[GapSkill] = field(default_factory=list)
    is_local: bool = False

    @property
    def missing(self) -> list[GapSkill]:
        return [skill for skill in self.skills if skill.state == MISSING]

    @property
    def held(self) -> list[GapSkill]:
        return [skill for skill in self.skills if skill.state == HELD]

    @property
    def missing_essential(self) -> list[GapSkill]:
        return [skill for skill in self.missing if skill.is_essential]

    @property
    def total_weight(self) -> float:
        return sum(skill.weight for skill in self.skills)

    @property
    def labels(self) -> dict[str, str]:
        return {skill.uri: skill.label for skill in self.skills}


@dataclass(frozen=True)
class TargetProfile:
    """A target role's skill profile: (uri, label, is_essential) per skill, essential first."""

    uri: str
    label: str
    is_local: bool
    skills: list[tuple[str, str, bool]]


def target_profile(target_uri: str, *, version: object = None) -> TargetProfile:
    """The skill profile of an ESCO occupation or an active local role; UnknownTarget otherwise."""
    uri = (target_uri or "").strip()
    if uri.startswith(LOCAL_URI_PREFIX):
        try:
            role = taxonomy_selectors.local_role_get(slug=uri[len(LOCAL_URI_PREFIX) :])
        except Http404 as error:
            raise UnknownTarget() from error
        if not role.is_active:
            raise UnknownTarget()
        local = taxonomy_selectors.local_role_profile(role)
        essential, optional = local.essential, local.optional
        label, is_local = role.preferred_label, True
    else:
        found = taxonomy_selectors.occupations_by_uri([uri], version=version)  # type: ignore[arg-type]
        if uri not in found:
            raise UnknownTarget()
        occupation = found[uri]
        profile = taxonomy_selectors.occupation_skills(occupation)
        essential, optional = profile.essential, profile.optional
        label, is_local = occupation.preferred_label, False
    skills = [(skill.uri, skill.preferred_label, True) for skill in essential]
    seen = {skill.uri for skill in essential}
    skills += [(s.uri, s.preferred_label, False) for s in optional if s.uri not in seen]
    return TargetProfile(uri=uri, label=label, is_local=is_local, skills=skills)


def broader_skills_of(uris: Iterable[str], *, version: object = None) -> dict[str, set[str]]:
    """For each skill URI, the skills above it in ESCO's hierarchy (every level up to
    MAX_DEPTH; skill groups are left out). Read through `taxonomy.selectors`: one query for the
    skills of each level, then `skill_broader_narrower` per skill (two queries each)."""
    start = {uri for uri in uris if uri}
    parents: dict[str, set[str]] = {}
    level = set(start)
    depth = 0
    while level and depth < MAX_DEPTH:
        skills = taxonomy_selectors.skills_by_uri(level, version=version)  # type: ignore[arg-type]
        next_level: set[str] = set()
        for uri, skill in skills.items():
            hierarchy = taxonomy_selectors.skill_broader_narrower(skill)
            above = {ref.uri for ref in hierarchy.broader if ref.concept_type == ConceptType.SKILL}
            parents[uri] = above
            next_level |= above - parents.keys()
        level = next_level
        depth += 1
    ancestors: dict[str, set[str]] = {}
    for uri in start:
        seen: set[str] = set()
        todo = list(parents.get(uri, ()))
        while todo:
            parent = todo.pop()
            if parent in seen or parent == uri:
                continue
            seen.add(parent)
            todo.extend(parents.get(parent, ()))
        ancestors[uri] = seen
    return ancestors


def gap_of(*, held: Iterable[str], target_uri: str) -> Gap:
    """The gap from the skills `held` (URIs) to the target (an ESCO occupation or a local role);
    raises UnknownTarget for anything else."""
    profile = target_profile(target_uri)
    held_set = {uri for uri in held if uri}
    required = {uri for uri, _label, _essential in profile.skills}
    # Only held skills that are not required themselves can stand in for a broader one.
    via: dict[str, str] = {}
    stand_ins = sorted(held_set - required)
    if stand_ins and required - held_set:
        for narrower, above in sorted(broader_skills_of(stand_ins).items()):
            for uri in sorted(above & (required - held_set)):
                via.setdefault(uri, narrower)
    via_labels = (
        {
            uri: brief.label
            for uri, brief in taxonomy_selectors.concepts_describe(
                via.values(), concept_type=ConceptType.SKILL
            ).items()
        }
        if via
        else {}
    )
    skills = []
    for uri, label, is_essential in profile.skills:
        weight = ESSENTIAL_WEIGHT if is_essential else OPTIONAL_WEIGHT
        if uri in held_set:
            skills.append(GapSkill(uri, label, is_essential, weight, HELD))
        elif uri in via:
            skills.append(
                GapSkill(
                    uri,
                    label,
                    is_essential,
                    weight,
                    HELD,
                    held_via_uri=via[uri],
                    held_via_label=via_labels.get(via[uri], via[uri]),
                )
            )
        else:
            skills.append(GapSkill(uri, label, is_essential, weight, MISSING))
    return Gap(
        target_uri=profile.uri,
        target_label=profile.label,
        skills=skills,
        is_local=profile.is_local,
    )
