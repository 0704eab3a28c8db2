"""From the training catalogue to a planner instance.

The candidates are the published courses that teach at least one missing skill of the gap
(`training.selectors.courses_for_planning`, two queries), taught in one of the learner's
languages (any language when none is given), not over and with enrolment not closed, and not
already completed by the learner (those are passed to the planner as `completed`, so that the
courses that build on them may follow).

Prerequisites: the catalogue's prerequisites are free text for people, so the planner is given
only those a course series makes explicit: within one series, a course at a lower EQF level
that does not start after a course is its prerequisite (the series is a programme meant to be
followed upwards). Only candidates (and completed courses) are mapped; the free text stays on the
course page for the learner to read.

Limits: `max_hours` is the hours per week times the weeks left to the deadline (no limit without
both); `max_cost` is the budget; `modes` the modes the learner can attend (any when none).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from skillspact.pathways.gaps import Gap

if TYPE_CHECKING:
    from skillspact.pathways import planner


@dataclass(frozen=True)
class Constraints:
    """What the learner can give to learning, as the planner reads it."""

    hours_per_week: int | None = None
    budget_eur: Decimal | None = None
    modes: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    start_eqf_level: int | None = None
    deadline: datetime.date | None = None

    def max_hours(self, today: datetime.date) -> float | None:
        """Hours per week times the weeks left to the deadline; None without both."""
        if not self.hours_per_week or self.deadline is None:
            return None
        days = max(0, (self.deadline - today).days)
        return float(self.hours_per_week) * days / 7

    def as_json(self) -> dict[str, Any]:
        """The snapshot a saved plan keeps."""
        return {
            "hours_per_week": self.hours_per_week,
            "budget_eur": str(self.budget_eur) if self.budget_eur is not None else None,
            "modes": list(self.modes),
            "languages": list(self.languages),
            "start_eqf_level": self.start_eqf_level,
            "deadline": self.deadline.isoformat() if self.deadline else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Constraints:
        data = data or {}
        budget = data.get("budget_eur")
        deadline = data.get("deadline")
        if isinstance(deadline, str) and deadline:
            deadline = datetime.date.fromisoformat(deadline)
        return cls(
            hours_per_week=data.get("hours_per_week") or None,
            budget_eur=Decimal(str(budget)) if budget not in (None, "") else None,
            modes=tuple(data.get("modes") or ()),
            languages=tuple(data.get("languages") or ()),
            start_eqf_level=data.get("start_eqf_level") or None,
            deadline=deadline or None,
        )


def constraints_of(profile: Any) -> Constraints:
    """A learner profile's constraints."""
    return Constraints(
        hours_per_week=profile.hours_per_week,
        budget_eur=profile.budget_eur,
        modes=tuple(profile.modes or ()),
        languages=tuple(profile.languages or ()),
        start_eqf_level=profile.start_eqf_level,
        deadline=profile.deadline,
    )


@dataclass
class CatalogueCourse:
    """A course as a proposal shows it; `covers` and `reason` are filled for a plan's steps."""

    id: str  # the slug: the planner's course id
    course_id: int
    slug: str
    title: str
    provider: str
    hours: int
    price: Decimal
    mode: str
    eqf_level: int | None
    languages: tuple[str, ...]
    is_self_paced: bool
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    series_id: int | None
    skills: frozenset[str]
    prerequisites: tuple[str, ...] = ()
    covers: list[str] = field(default_factory=list)
    reason: dict[str, Any] = field(default_factory=dict)
    planned_start: datetime.date | None = None
    planned_end: datetime.date | None = None

    @property
    def mode_label(self) -> str:
        from skillspact.training.models import Mode

        return str(Mode(self.mode).label) if self.mode in Mode.values else self.mode

    @property
    def cost(self) -> Decimal:
        return self.price


def today() -> datetime.date:
    return timezone.localdate()


def candidates_for(
    *,
    missing: Iterable[str],
    languages: Iterable[str] = (),
    on: datetime.date | None = None,
) -> list[CatalogueCourse]:
    """Courses teaching any of the `missing` skill URIs, open on `on`, in `languages` (any when
    empty), with the series prerequisites mapped among them. Two queries."""
    from skillspact.training import selectors as training_selectors

    rows = training_selectors.courses_for_planning(
        skill_uris=list(missing), languages=list(languages), today=on or today()
    )
    courses = [
        CatalogueCourse(
            id=row.slug,
            course_id=row.pk,
            slug=row.slug,
            title=row.title,
            provider=row.provider,
            hours=row.hours,
            price=row.price_eur,
            mode=row.mode,
            eqf_level=row.eqf_level,
            languages=row.languages,
            is_self_paced=row.is_self_paced,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            series_id=row.series_id,
            skills=row.skill_uris,
        )
        for row in rows
    ]
    return with_series_prerequisites(courses)


def with_series_prerequisites(courses: list[CatalogueCourse]) -> list[CatalogueCourse]:
    """Each course with the courses of its series at a lower EQF level that do not start after
    it as prerequisites (see the module's docstring)."""
    by_series: dict[int, list[CatalogueCourse]] = {}
    for course in courses:
        if course.series_id is not None and course.eqf_level is not None:
            by_series.setdefault(course.series_id, []).append(course)
    found: list[CatalogueCourse] = []
    for course in courses:
        siblings = by_series.get(course.series_id or 0, []) if course.eqf_level else []
        before = tuple(
            other.id
            for other in siblings
            if other.id != course.id
            and other.eqf_level is not None
            and course.eqf_level is not None
            and other.eqf_level < course.eqf_level
            and not (other.starts_on and course.starts_on and other.starts_on > course.starts_on)
        )
        found.append(dataclasses.replace(course, prerequisites=before) if before else course)
    return found


def instance_for(
    *,
    gap: Gap,
    courses: list[CatalogueCourse],
    constraints: Constraints,
    objective: str,
    completed: Iterable[str] = (),
    on: datetime.date | None = None,
    modes: Iterable[str] | None = None,
) -> planner.PlanInstance:
    """The planner's instance: the gap's skills as weighted targets (held ones in `held`), the
    courses as options, the learner's limits. `modes` overrides the learner's modes."""
    from skillspact.pathways import planner

    day = on or today()
    done = frozenset(completed)
    options = tuple(
        planner.CourseOption(
            id=course.id,
            skills=frozenset(course.skills),
            hours=float(course.hours),
            cost=float(course.price),
            prerequisites=tuple(p for p in course.prerequisites if p not in done),
            mode=course.mode,
            eqf_level=course.eqf_level,
            starts_on=course.starts_on,
            ends_on=course.ends_on,
        )
        for course in courses
        if course.id not in done
    )
    chosen_modes = tuple(modes) if modes is not None else constraints.modes
    return planner.PlanInstance(
        courses=options,
        held=frozenset(skill.uri for skill in gap.held),
        target=tuple(planner.TargetSkill(uri=s.uri, weight=s.weight) for s in gap.skills),
        objective=objective,
        max_hours=constraints.max_hours(day),
        max_cost=float(constraints.budget_eur) if constraints.budget_eur is not None else None,
        modes=frozenset(chosen_modes) if chosen_modes else None,
        start_eqf_level=constraints.start_eqf_level,
        completed=done,
        today=day,
        hours_per_week=float(constraints.hours_per_week) if constraints.hours_per_week else None,
        deadline=constraints.deadline,
    )
