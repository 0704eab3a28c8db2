"""Upskilling pathway planner: which courses close a skills gap, in which order. Pure Python and
OR-Tools (imported lazily); nothing here imports Django.

The problem is a weighted set cover. Each missing target skill (a target skill not in `held`)
has a weight; a course covers some of them. The plan maximises the covered weight first
(lexicographically), then minimises total hours (or cost) of the chosen courses.

Rules a plan keeps:

- Prerequisites: a chosen course needs each of its prerequisites chosen too, unless the
  prerequisite is in `completed`. A prerequisite must end before the course that needs it
  starts (dated courses run on their dates; self-paced ones follow their prerequisites).
- Modes: with `modes` set, only courses in those modes.
- `max_hours` / `max_cost`: the chosen courses' total hours / cost, prerequisites included.
- Dates: a dated course (with `starts_on`/`ends_on`) that starts before `today` or ends after
  the deadline is out. Self-paced courses are scheduled one after the other from `today` at
  `hours_per_week`; with a deadline, their total hours must fit in the weeks up to it and each
  one's prerequisite chain must end by it.
- EQF progression: a course at EQF level L is allowed when `start_eqf_level` >= L - 1, or when
  an earlier course at level >= L - 1 is in the plan (or completed). An earlier course at level
  L or above needs such a step itself, so the rule comes down to: for each chosen level L above
  `start_eqf_level` + 1, the plan holds a course at level L - 1 that can come first (for a
  dated course: one that ends before it starts). Courses without a level, and every course
  when `start_eqf_level` is None, are free of the rule.

Method. Courses that cover no missing skill (and are no chosen course's prerequisite) are out;
so are courses that break a rule on their own (mode, hours, cost, dates, an unmet prerequisite
chain, an EQF level nothing can lead up to). The per-catalogue data (skill index, numeric arrays)
is built once per catalogue and reused, and courses without prerequisites are screened in bulk.
A course is dominated, and out, when another covers a superset of its useful skills at no more
hours and cost, with no more prerequisites, the same EQF level, the same kind of dates within its
own window, and a mode at least as online. For the best plan alone only what that plan depends
on is compared (hours or cost where the objective or a limit uses them, the EQF level only where
the rule touches the course, then its start only where it needs a step and its end only where it
can be one). What is left goes to CP-SAT with a greedy hint that brings each course's
prerequisites and cheapest EQF step: most coverable weight first, then (with that weight fixed)
the least objective; when the objective has its own limit, both in one objective. The EQF rule
is one "some course among the first k of the level below, by end" literal per distinct k,
chained, instead of a clause per course listing every possible step. CP-SAT runs on one worker
with its LP relaxation and without presolve, probing or cuts (all measured slower here), under a
limit in deterministic time, so the same instance gives the same plan however busy the machine.
`optimal` is True only when CP-SAT proved both; otherwise `bound` is its
proven lower bound on the objective. Uncovered skills are explained by checking every course of
the unfiltered catalogue that covers them.
"""

from __future__ import annotations

import gc
import heapq
import math
import time
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

MODES = ("online", "blended", "in_person")
# How online a mode is, for dominance and the "online" variant.
MODE_RANK = {"online": 2, "blended": 1, "in_person": 0}
HOURS_SCALE = 100  # hundredths of an hour
COST_SCALE = 100  # cents
WEIGHT_SCALE = 1000
SEED = 20_261_203
MAX_ORDINAL = date.max.toordinal() + 1


@dataclass(frozen=True)
class CourseOption:
    id: str
    skills: frozenset[str]
    hours: float
    cost: float
    prerequisites: tuple[str, ...] = ()
    mode: str = "online"  # online | blended | in_person
    eqf_level: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class TargetSkill:
    uri: str
    weight: float = 1.0


@dataclass(frozen=True)
class PlanInstance:
    courses: tuple[CourseOption, ...]
    held: frozenset[str]
    target: tuple[TargetSkill, ...]
    objective: str = "hours"  # "hours" | "cost"
    max_hours: float | None = None
    max_cost: float | None = None
    modes: frozenset[str] | None = None  # None = any mode
    start_eqf_level: int | None = None
    completed: frozenset[str] = frozenset()
    today: date | None = None
    hours_per_week: float | None = None
    deadline: date | None = None
    time_limit_s: float = 0.25


@dataclass
class StepExplanation:
    course_id: str
    covers: list[str]
    reason: str  # a code: prerequisite_of | eqf_progression | fixed_dates | earliest_start
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class PlanResult:
    courses: list[str]
    covered: list[str]
    uncovered: list[str]
    objective: float
    covered_weight: float
    total_weight: float
    bound: float
    optimal: bool
    seconds: float
    steps: list[StepExplanation]
    schedule: dict[str, tuple[date | None, date | None]]
    infeasible_reasons: list[str]
    uncovered_reasons: dict[str, list[str]] = field(default_factory=dict)
    total_hours: float = 0.0
    total_cost: float = 0.0
    finishes_on: date | None = None


class InstanceError(ValueError):
    """An instance that breaks the format; the message starts with the path of the bad entry."""


# ---------------------------------------------------------------------------------------------
# Preparing: what is missing, which courses can take part


@dataclass
class _Prepared:
    instance: PlanInstance
    missing: dict[str, float]  # uri -> weight, target order
    by_id: dict[str, CourseOption]
    blocked: dict[str, set[str]]  # course id -> reason codes, for courses out on their own
    end: dict[str, date | None]  # earliest end of each eligible course
    candidates: list[CourseOption]
    useful: dict[str, frozenset[str]]
    pending: dict[str, tuple[str, ...]]  # prerequisites not completed
    capacity_hours: float | None  # self-paced hours that fit before the deadline


@dataclass
class _Catalogue:
    """What a plan reads of every course, built once per catalogue (the same tuple of courses)
    and reused by every plan against it: ids, the skill index, and per-course arrays."""

    courses: tuple[CourseOption, ...]
    by_id: dict[str, CourseOption]
    position: dict[str, int]
    index: dict[str, list[str]]  # skill -> course ids
    positions: dict[str, Any]  # skill -> numpy array of course positions
    hours: Any
    cost: Any
    mode: Any  # index in MODES, len(MODES) for an unknown mode
    dated: Any
    start: Any  # ordinals of the first and last day, 0 when self-paced
    end: Any
    has_prerequisites: Any
    level: Any  # EQF level, -1 for none
    id_rank: Any  # place of the id in sorted order: ties go to the smaller id


_CATALOGUE: list[_Catalogue] = []  # the last catalogue planned against


def _catalogue_of(courses: tuple[CourseOption, ...]) -> _Catalogue:
    cached = next(iter(_CATALOGUE), None)  # one read: another thread may replace it
    if cached is not None and cached.courses is courses:
        return cached
    import numpy as np

    index: dict[str, list[str]] = {}
    spread: dict[str, list[int]] = {}
    for position, course in enumerate(courses):
        for skill in course.skills:
            index.setdefault(skill, []).append(course.id)
            spread.setdefault(skill, []).append(position)
    spans = [_span(c) if _is_dated(c) else None for c in courses]
    catalogue = _Catalogue(
        courses=courses,
        by_id={course.id: course for course in courses},
        position={course.id: position for position, course in enumerate(courses)},
        index=index,
        positions={skill: np.array(p, dtype=np.int64) for skill, p in spread.items()},
        hours=np.array([c.hours for c in courses], dtype=float),
        cost=np.array([c.cost for c in courses], dtype=float),
        mode=np.array(
            [MODES.index(c.mode) if c.mode in MODES else len(MODES) for c in courses],
            dtype=np.int64,
        ),
        dated=np.array([span is not None for span in spans], dtype=bool),
        start=np.array([span[0].toordinal() if span else 0 for span in spans], dtype=np.int64),
        end=np.array([span[1].toordinal() if span else 0 for span in spans], dtype=np.int64),
        has_prerequisites=np.array([bool(c.prerequisites) for c in courses], dtype=bool),
        level=np.array(
            [c.eqf_level if c.eqf_level is not None else -1 for c in courses], dtype=np.int64
        ),
        id_rank=np.argsort(np.argsort(np.array([c.id for c in courses]), kind="stable")),
    )
    _CATALOGUE[:] = [catalogue]
    return catalogue


def _skill_index(courses: tuple[CourseOption, ...]) -> dict[str, list[str]]:
    return _catalogue_of(courses).index


def _is_dated(course: CourseOption) -> bool:
    return course.starts_on is not None or course.ends_on is not None


def _span(course: CourseOption) -> tuple[date, date]:
    start = course.starts_on or course.ends_on
    end = course.ends_on or course.starts_on
    assert start is not None and end is not None
    return start, end


def _self_paced_days(instance: PlanInstance, hours: float) -> float | None:
    if not instance.hours_per_week:
        return None
    return hours / instance.hours_per_week * 7


def _own_blocks(instance: PlanInstance, course: CourseOption) -> set[str]:
    """Reasons a course is out on its own (without looking at its prerequisites)."""
    reasons = set()
    if instance.modes is not None and course.mode not in instance.modes:
        reasons.add("modes")
    if instance.max_hours is not None and course.hours > instance.max_hours + 1e-9:
        reasons.add("hours")
    if instance.max_cost is not None and course.cost > instance.max_cost + 1e-9:
        reasons.add("budget")
    if _is_dated(course):
        start, end = _span(course)
        if instance.today is not None and start < instance.today:
            reasons.add("dates")
        if instance.deadline is not None and end > instance.deadline:
            reasons.add("deadline")
    return reasons


def _screen(prepared: _Prepared, catalogue: _Catalogue, *, is_best_only: bool) -> list[str]:
    """The ids of the courses teaching a missing skill that are worth a closer look, from the
    catalogue's arrays in bulk: out are completed courses, courses without prerequisites that
    break a rule on their own (`_alone_blocks` says which, when asked), and, for the best plan
    alone, courses teaching one missing skill that another such course teaches at no more of
    what the plan compares. Courses with prerequisites are always looked at closer."""
    import numpy as np

    instance = prepared.instance
    arrays = [
        (k, catalogue.positions[uri])
        for k, uri in enumerate(prepared.missing)
        if uri in catalogue.positions
    ]
    if not arrays:
        return []
    counts = np.bincount(
        np.concatenate([positions for _k, positions in arrays]), minlength=len(catalogue.courses)
    )
    useful = np.flatnonzero(counts)
    plain = ~catalogue.has_prerequisites[useful]
    ok = np.ones(len(useful), dtype=bool)
    hours, cost = catalogue.hours[useful], catalogue.cost[useful]
    dated = catalogue.dated[useful]
    if instance.modes is not None:
        allowed = [MODES.index(m) for m in instance.modes if m in MODES]
        ok &= np.isin(catalogue.mode[useful], allowed)
    if instance.max_hours is not None:
        ok &= hours <= instance.max_hours + 1e-9
    if instance.max_cost is not None:
        ok &= cost <= instance.max_cost + 1e-9
    if instance.today is not None:
        ok &= ~dated | (catalogue.start[useful] >= instance.today.toordinal())
    if instance.deadline is not None:
        deadline = instance.deadline.toordinal()
        ok &= ~dated | (catalogue.end[useful] <= deadline)
        if instance.today is not None and instance.hours_per_week:
            days = np.ceil(hours / instance.hours_per_week * 7)
            ok &= dated | (instance.today.toordinal() + days <= deadline)
    if prepared.capacity_hours is not None:
        ok &= dated | (hours <= prepared.capacity_hours)
    keep = ~plain | ok
    if instance.completed:
        done = [catalogue.position[c] for c in instance.completed if c in catalogue.position]
        keep &= ~np.isin(useful, done)
    courses = catalogue.courses
    # Earliest ends of the courses without prerequisites (as `visit` in `_prepare` finds them;
    # 0 when unknown).
    ends = np.where(dated, catalogue.end[useful], 0)
    if instance.today is not None and instance.hours_per_week:
        paced_end = instance.today.toordinal() + np.ceil(hours / instance.hours_per_week * 7)
        ends = np.where(dated, ends, paced_end.astype(np.int64))
    if is_best_only:
        # The missing skill of each course teaching just one.
        skill_of = np.full(len(courses), -1, dtype=np.int64)
        for k, positions in arrays:
            skill_of[positions] = k
        single = plain & ok & keep & (counts[useful] == 1)
        _drop_single_dominated(prepared, catalogue, useful, skill_of, single, ends, keep)
    # What `visit` would find for the courses without prerequisites that stay.
    settled = plain & ok & keep
    for w in np.flatnonzero(settled).tolist():
        course_id = courses[int(useful[w])].id
        prepared.pending[course_id] = ()
        end = int(ends[w])
        prepared.end[course_id] = date.fromordinal(end) if end else None
    return [courses[int(i)].id for i in useful[keep].tolist()]


def _drop_single_dominated(
    prepared: _Prepared,
    catalogue: _Catalogue,
    useful: Any,
    skill_of: Any,
    single: Any,
    ends: Any,
    keep: Any,
) -> None:
    """For the best plan: a course without prerequisites teaching one missing skill is out
    (`keep` set False) when another such course of the same kind teaches it at no more of what
    the plan compares (as `_prune_dominated`, within groups: skill, EQF level where the rule
    may touch it, dated or self-paced under a deadline)."""
    import numpy as np

    instance = prepared.instance
    where = np.flatnonzero(single)
    if not len(where):
        return
    at = useful[where]
    has_capacity = prepared.capacity_hours is not None
    use_hours = instance.objective == "hours" or instance.max_hours is not None or has_capacity
    use_cost = instance.objective == "cost" or instance.max_cost is not None
    level = catalogue.level[at]
    dated = catalogue.dated[at]
    start_level = instance.start_eqf_level
    if start_level is None:
        free = np.ones(len(at), dtype=bool)
        needs = np.zeros(len(at), dtype=bool)
    else:
        free = (level < 0) | (level <= start_level)
        done = sorted(_done_levels(prepared))
        needs = ~free & (level > start_level + 1) & ~np.isin(level - 1, done)
    hours = catalogue.hours[at] if use_hours else np.zeros(len(at))
    cost = catalogue.cost[at] if use_cost else np.zeros(len(at))
    # A later start leaves more courses to be the step before it (a self-paced one follows
    # any); an earlier end lets it be the step before more. Negated starts: less is better.
    start = np.where(needs & dated, -catalogue.start[at], -MAX_ORDINAL)
    end = np.where(free, 0, ends[where])
    columns = (
        skill_of[at],
        np.where(free, -1, level),
        dated & has_capacity,
        hours,
        cost,
        start,
        end,
        catalogue.id_rank[at],
    )
    order = np.lexsort(columns[::-1])
    rows = zip(*(column[order].tolist() for column in columns), where[order].tolist(), strict=True)
    group: tuple[Any, ...] | None = None
    kept: list[tuple[float, int, int]] = []
    for skill, level_class, kind, _h, c, s, e, _at, w in rows:
        if (skill, level_class, kind) != group:
            group, kept = (skill, level_class, kind), []
        if any(kc <= c and ks <= s and ke <= e for kc, ks, ke in kept):
            keep[w] = False  # an earlier course takes no more hours (sorted) nor more of the rest
        else:
            kept.append((c, s, e))


def _alone_blocks(prepared: _Prepared, course: CourseOption) -> set[str]:
    """Why a course without prerequisites is out on its own (as `visit` in `_prepare`)."""
    instance = prepared.instance
    reasons = _own_blocks(instance, course)
    if not _is_dated(course):
        days = _self_paced_days(instance, course.hours)
        if instance.today is not None and days is not None:
            end = instance.today + timedelta(days=math.ceil(days))
            if instance.deadline is not None and end > instance.deadline:
                reasons.add("deadline")
        if prepared.capacity_hours is not None and course.hours > prepared.capacity_hours:
            reasons.add("deadline")
    return reasons


def _prepare(instance: PlanInstance, *, is_best_only: bool = False) -> _Prepared:
    missing: dict[str, float] = {}
    for target in instance.target:
        if target.uri not in instance.held and target.uri not in missing:
            missing[target.uri] = target.weight
    catalogue = _catalogue_of(instance.courses)
    by_id = catalogue.by_id
    capacity = None
    if instance.today and instance.hours_per_week and instance.deadline:
        capacity = max(0, (instance.deadline - instance.today).days) / 7 * instance.hours_per_week
    prepared = _Prepared(instance, missing, by_id, {}, {}, [], {}, {}, capacity)
    if not missing:
        return prepared
    useful_ids = _screen(prepared, catalogue, is_best_only=is_best_only)
    # The useful courses and their prerequisite chains, each checked on its own (those without
    # prerequisites already were, in bulk).
    state: dict[str, int] = dict.fromkeys(prepared.pending, 2)

    def visit(course_id: str) -> bool:
        if state.get(course_id) == 2:
            return course_id not in prepared.blocked
        if state.get(course_id) == 1:  # a prerequisite cycle
            prepared.blocked.setdefault(course_id, set()).add("prerequisites")
            return False
        state[course_id] = 1
        course = by_id[course_id]
        reasons = _own_blocks(instance, course)
        pending = tuple(p for p in course.prerequisites if p not in instance.completed)
        latest: date | None = None
        unknown_end = False
        for p in pending:
            if p not in by_id or not visit(p):
                reasons.add("prerequisites")
                reasons.update(prepared.blocked.get(p, set()) - {"prerequisites"})
                continue
            p_end = prepared.end.get(p)
            if p_end is None:
                unknown_end = True
            elif latest is None or p_end > latest:
                latest = p_end
        end: date | None = None
        if _is_dated(course):
            start, end = _span(course)
            if latest is not None and latest >= start:
                reasons.add("dates")
        else:
            days = _self_paced_days(instance, course.hours)
            begin = instance.today
            if latest is not None:
                begin = max(begin, latest + timedelta(days=1)) if begin else None
            if begin is not None and days is not None and not unknown_end:
                end = begin + timedelta(days=math.ceil(days))
                if instance.deadline is not None and end > instance.deadline:
                    reasons.add("deadline")
            if prepared.capacity_hours is not None and course.hours > prepared.capacity_hours:
                reasons.add("deadline")
        state[course_id] = 2
        prepared.pending[course_id] = pending
        if reasons:
            prepared.blocked[course_id] = reasons
            return False
        prepared.end[course_id] = end
        return True

    alive = [by_id[c] for c in sorted(useful_ids) if visit(c)]
    chosen: dict[str, CourseOption] = {}

    def add(course: CourseOption) -> None:
        if course.id in chosen:
            return
        chosen[course.id] = course
        for p in prepared.pending[course.id]:
            add(by_id[p])

    for course in alive:
        add(course)
    # EQF progression: drop levels nothing can lead up to, until nothing changes.
    start_level = instance.start_eqf_level
    if start_level is not None:
        done_levels = {
            by_id[c].eqf_level for c in instance.completed if c in by_id and by_id[c].eqf_level
        }
        dependents: dict[str, list[str]] = {}
        for course in chosen.values():
            for p in prepared.pending[course.id]:
                dependents.setdefault(p, []).append(course.id)
        changed = True
        while changed:
            changed = False
            # Per level, the earliest end among its courses (0: an unknown end, which can
            # precede anything): a course needs one of the level below ending before it starts.
            earliest: dict[int, int] = {}
            for course in chosen.values():
                if course.eqf_level is not None:
                    end = prepared.end.get(course.id)
                    ordinal = end.toordinal() if end else 0
                    if ordinal < earliest.get(course.eqf_level, MAX_ORDINAL):
                        earliest[course.eqf_level] = ordinal
            for course in list(chosen.values()):
                level = course.eqf_level
                if level is None or level <= start_level + 1 or level - 1 in done_levels:
                    continue
                if course.id not in chosen:
                    continue
                below = earliest.get(level - 1)
                if below is None or (_is_dated(course) and below >= _span(course)[0].toordinal()):
                    prepared.blocked.setdefault(course.id, set()).add("eqf_level")
                    _drop(chosen, course.id, prepared, dependents)
                    changed = True
    for course in chosen.values():
        prepared.useful[course.id] = course.skills & missing.keys()
    prepared.candidates = _prune_dominated(
        prepared, list(chosen.values()), is_best_only=is_best_only
    )
    return prepared


def _drop(
    chosen: dict[str, CourseOption],
    course_id: str,
    prepared: _Prepared,
    dependents: Mapping[str, list[str]],
) -> None:
    """Remove a course and every course that needs it."""
    chosen.pop(course_id, None)
    for other in dependents.get(course_id, ()):
        if other in chosen:
            prepared.blocked.setdefault(other, set()).add("prerequisites")
            _drop(chosen, other, prepared, dependents)


def _can_precede(prepared: _Prepared, first: CourseOption, then: CourseOption) -> bool:
    if not _is_dated(then):
        return True
    end = prepared.end.get(first.id)
    return end is None or end < _span(then)[0]


def _done_levels(prepared: _Prepared) -> set[int]:
    instance = prepared.instance
    return {
        level
        for c in instance.completed
        if c in prepared.by_id and (level := prepared.by_id[c].eqf_level) is not None
    }


def _eqf_roles(prepared: _Prepared, courses: list[CourseOption]) -> dict[str, tuple[bool, bool]]:
    """Course id -> (needs an EQF step before it, can be the step of a course that needs one)."""
    start = prepared.instance.start_eqf_level
    done = _done_levels(prepared)
    needs = {
        c.id: c.eqf_level is not None
        and start is not None
        and c.eqf_level > start + 1
        and c.eqf_level - 1 not in done
        for c in courses
    }
    wanted = {c.eqf_level - 1 for c in courses if needs[c.id] and c.eqf_level is not None}
    return {c.id: (needs[c.id], c.eqf_level in wanted) for c in courses}


def _prune_dominated(
    prepared: _Prepared, courses: list[CourseOption], *, is_best_only: bool
) -> list[CourseOption]:
    """Drop dominated courses (see the module docstring). For the best plan alone only what
    that plan depends on is compared: hours and cost only where the objective or a limit uses
    them, mode never, and the EQF level only for a course the EQF rule touches; then its start
    only when it needs a step (a later start, or self-paced, leaves more courses to be that
    step) and its end only when it can be one (an earlier end precedes more)."""
    instance = prepared.instance
    needed = {p for c in courses for p in prepared.pending[c.id]}
    has_eqf = instance.start_eqf_level is not None
    has_capacity = prepared.capacity_hours is not None
    use_hours = (
        not is_best_only
        or instance.objective == "hours"
        or (instance.max_hours is not None or has_capacity)
    )
    use_cost = not is_best_only or instance.objective == "cost" or instance.max_cost is not None
    role = _eqf_roles(prepared, courses) if has_eqf else {}
    keys: dict[str, _Key] = {}
    rank: dict[str, tuple[Any, ...]] = {}
    pending, useful, ends = prepared.pending, prepared.useful, prepared.end
    for c in courses:
        dated = c.starts_on is not None or c.ends_on is not None
        needs, supports = role.get(c.id, (False, False)) if role else (False, False)
        if is_best_only:
            end = ends.get(c.id)
            key = _Key(
                c.hours if use_hours else 0.0,
                c.cost if use_cost else 0.0,
                0,
                c.eqf_level if (needs or supports) else None,
                needs or supports,
                needs,
                supports,
                # A self-paced course follows any step; a dated one only those ending before.
                _span(c)[0].toordinal() if dated and needs else MAX_ORDINAL,
                (end.toordinal() if end else 0) if supports else 0,
                dated and has_capacity,  # self-paced hours count against the deadline
                frozenset(pending[c.id]),
                useful[c.id],
            )
        else:
            start, end_day = _span(c) if dated else (date.min, date.min)
            key = _Key(
                c.hours,
                c.cost,
                -MODE_RANK.get(c.mode, 0),
                c.eqf_level,
                True,
                needs,
                supports,
                start.toordinal(),
                end_day.toordinal(),
                dated,
                frozenset(pending[c.id]),
                useful[c.id],
            )
        keys[c.id] = key
        rank[c.id] = (
            key.hours,
            key.cost,
            -len(key.useful),
            key.mode,
            len(key.pending),
            -key.start,
            key.end,
            c.id,
        )
    # Courses in an order where a dominating course comes first (least measure, then the most
    # useful skills, the most online mode, the fewest prerequisites, the latest start, the
    # earliest end, the smallest id); each one is compared only with the courses kept before
    # it (dominance is transitive) that cover its rarest useful skill.
    order = sorted(courses, key=lambda c: rank[c.id])
    bit = {uri: 1 << k for k, uri in enumerate(prepared.missing)}
    mask = {c.id: sum(bit[uri] for uri in prepared.useful[c.id]) for c in courses}

    def group_of(key: _Key) -> tuple[Any, ...] | None:
        """Courses that may dominate each other share a group, or a course outside the EQF
        rule is dominated by one that needs no step (group None, or a step-only level)."""
        if not key.has_role:
            return None
        return (key.level, None if is_best_only else key.dated)

    step_only = sorted(
        {group_of(k) for k in keys.values() if k.has_role and not k.needs} - {None},
        key=repr,
    )
    # Per (useful skill, group): the kept courses covering it as (useful-skill mask, key, id),
    # and per useful skill the least cost kept (a quick "nothing can dominate").
    kept_by: dict[tuple[str, Any], list[tuple[int, _Key, str]]] = {}
    least_cost: dict[str, float] = {}
    kept_ids: set[str] = set()

    def keep(course: CourseOption) -> None:
        kept_ids.add(course.id)
        key = keys[course.id]
        entry, group = (mask[course.id], key, course.id), group_of(key)
        for uri in prepared.useful[course.id]:
            kept_by.setdefault((uri, group), []).append(entry)
            if key.cost < least_cost.get(uri, math.inf):
                least_cost[uri] = key.cost

    empty: list[tuple[int, _Key, str]] = []
    for a in order:
        useful_a = prepared.useful[a.id]
        if a.id in needed:
            keep(a)
            continue
        if not useful_a:
            continue
        key_a = keys[a.id]
        if len(useful_a) == 1:
            (only,) = useful_a
            if least_cost.get(only, math.inf) > key_a.cost:
                keep(a)
                continue
        elif any(least_cost.get(uri, math.inf) > key_a.cost for uri in useful_a):
            keep(a)
            continue
        groups = [group_of(key_a)] if key_a.has_role else [None, *step_only]
        if len(useful_a) == 1:
            (rarest,) = useful_a
        else:
            rarest = min(
                useful_a, key=lambda uri: sum(len(kept_by.get((uri, g), empty)) for g in groups)
            )
        mask_a = mask[a.id]
        is_dominated = False
        for group in groups:
            for mask_b, key_b, b_id in kept_by.get((rarest, group), empty):
                if mask_a & ~mask_b or not key_b.dominates(key_a, is_best_only=is_best_only):
                    continue
                # Equal in every compared respect: only the smaller id dominates, so that
                # one of two equivalent courses always stays.
                if key_b == key_a and b_id > a.id:
                    continue
                is_dominated = True
                break
            if is_dominated:
                break
        if not is_dominated:
            keep(a)
    return [c for c in courses if c.id in kept_ids]


class _Key(NamedTuple):
    """What dominance compares of a course (fields not compared hold the same value for all)."""

    hours: float
    cost: float
    mode: int  # minus how online: lower is better
    level: int | None
    has_role: bool  # the EQF rule touches the course
    needs: bool  # it needs an EQF step before it
    supports: bool  # it can be the step of another
    start: int  # best plan: later is better; variants: the dated window
    end: int  # earlier is better
    dated: bool
    pending: frozenset[str]
    useful: frozenset[str]

    def dominates(self, other: _Key, *, is_best_only: bool) -> bool:
        """Whether a plan can take this course wherever it takes `other` (useful skills are
        compared by the caller)."""
        if (
            self.hours > other.hours
            or self.cost > other.cost
            or self.mode > other.mode
            or not self.pending <= other.pending
        ):
            return False
        if not is_best_only:
            if self.level != other.level or self.dated != other.dated:
                return False
            return not self.dated or (self.start >= other.start and self.end <= other.end)
        if other.has_role:
            if self.level != other.level:
                return False
            if other.needs and self.start < other.start:
                return False
            if other.supports and self.end > other.end:
                return False
        elif self.needs:
            return False
        # Under a deadline, self-paced hours count against it and dated ones do not.
        return not (other.dated and not self.dated)


# ---------------------------------------------------------------------------------------------
# Solving


@dataclass
class _Model:
    """Candidates as index arrays."""

    ids: list[str]
    skills: list[str]
    weight: list[int]
    covers: list[list[int]]  # skill -> candidate indices
    hours: list[int]
    cost: list[int]
    prereqs: list[list[int]]
    # For a course needing an EQF step: (level, stop): the first `stop` courses of
    # `by_level[level]` (ordered by earliest end) can be that step. None: no step needed.
    supports: list[tuple[int, int] | None]
    by_level: dict[int, list[int]]
    level_position: list[int]  # position in by_level[its level], -1 without a level
    is_self_paced: list[bool]
    off_hours: list[int]  # 2 x in-person hours + blended hours: the "online" variant's measure
    end_days: list[int]  # days from the reference date to the earliest end, 0 if unknown
    skill_sets: list[list[int]] = field(default_factory=list)  # candidate -> skill indices
    greedy: dict[str, set[int]] = field(default_factory=dict)  # greedy plans by measure


def _model_of(prepared: _Prepared) -> _Model:
    instance = prepared.instance
    cands = prepared.candidates
    position = {c.id: i for i, c in enumerate(cands)}
    taught = {uri for c in cands for uri in prepared.useful[c.id]}
    skills = [uri for uri in prepared.missing if uri in taught]
    skill_pos = {uri: k for k, uri in enumerate(skills)}
    covers: list[list[int]] = [[] for _ in skills]
    skill_sets: list[list[int]] = [[] for _ in cands]
    for i, c in enumerate(cands):
        for uri in prepared.useful[c.id]:
            covers[skill_pos[uri]].append(i)
            skill_sets[i].append(skill_pos[uri])
    supports: list[tuple[int, int] | None] = []
    done_levels = _done_levels(prepared)
    # Courses of each level by their earliest end (unknown ends first: they can precede any).
    ordered: dict[int, list[tuple[int, int]]] = {}
    for j, d in enumerate(cands):
        if d.eqf_level is not None:
            end = prepared.end.get(d.id)
            ordered.setdefault(d.eqf_level, []).append((end.toordinal() if end else 0, j))
    for group in ordered.values():
        group.sort()
    level_position = [-1] * len(cands)
    for group in ordered.values():
        for place, (_end, j) in enumerate(group):
            level_position[j] = place
    for c in cands:
        level, start = c.eqf_level, instance.start_eqf_level
        if start is None or level is None or level <= start + 1 or level - 1 in done_levels:
            supports.append(None)
            continue
        group = ordered.get(level - 1, [])
        # A step must end before a dated course starts; anything can precede a self-paced one.
        stop = bisect_left(group, (_span(c)[0].toordinal(), -1)) if _is_dated(c) else len(group)
        supports.append((level - 1, stop))
    ends = [prepared.end.get(c.id) for c in cands]
    known = [e for e in ends if e is not None]
    reference = instance.today or (min(known) if known else None)
    return _Model(
        ids=[c.id for c in cands],
        skills=skills,
        weight=[round(prepared.missing[uri] * WEIGHT_SCALE) for uri in skills],
        covers=covers,
        hours=[round(c.hours * HOURS_SCALE) for c in cands],
        cost=[round(c.cost * COST_SCALE) for c in cands],
        prereqs=[[position[p] for p in prepared.pending[c.id]] for c in cands],
        supports=supports,
        by_level={level: [j for _end, j in group] for level, group in ordered.items()},
        level_position=level_position,
        is_self_paced=[not _is_dated(c) for c in cands],
        off_hours=[round(c.hours * HOURS_SCALE) * (2 - MODE_RANK.get(c.mode, 0)) for c in cands],
        end_days=[
            (e - reference).days if e is not None and reference is not None else 0 for e in ends
        ],
        skill_sets=skill_sets,
    )


def _measure(model: _Model, kind: str) -> list[int]:
    return {
        "hours": model.hours,
        "cost": model.cost,
        "off_hours": model.off_hours,
    }[kind]


def _limits(prepared: _Prepared) -> tuple[int | None, int | None, int | None]:
    instance = prepared.instance
    max_hours = (
        None if instance.max_hours is None else math.floor(instance.max_hours * HOURS_SCALE + 1e-6)
    )
    max_cost = (
        None if instance.max_cost is None else math.floor(instance.max_cost * COST_SCALE + 1e-6)
    )
    capacity = (
        None
        if prepared.capacity_hours is None
        else math.floor(prepared.capacity_hours * HOURS_SCALE + 1e-6)
    )
    return max_hours, max_cost, capacity


def _closures(model: _Model, measure: list[int]) -> list[set[int]]:
    """Per course, what taking it brings along: its prerequisites and, where it needs an EQF
    step, the step of least measure that can come first (with what that one brings along).
    An empty set: the course cannot be taken (no step can come before it)."""
    n = len(model.ids)
    # Per level, the course of least measure among the first k by end.
    cheapest: dict[int, list[int]] = {}
    for level, group in model.by_level.items():
        best: list[int] = []
        for j in group:
            best.append(j if not best or measure[j] < measure[best[-1]] else best[-1])
        cheapest[level] = best
    memo: dict[int, set[int]] = {}
    busy: set[int] = set()

    def of(i: int) -> set[int]:
        if i in memo:
            return memo[i]
        if i in busy:  # a cycle through steps and prerequisites: leave it to the solver
            return {i}
        busy.add(i)
        bring = {i}
        for p in model.prereqs[i]:
            bring |= of(p) or {p}
        step = model.supports[i]
        if step is not None and not _has_step(model, i, bring):
            level, stop = step
            if stop == 0:
                bring = set()
            else:
                bring |= of(cheapest[level][stop - 1]) or set()
        busy.discard(i)
        memo[i] = bring
        return bring

    return [of(i) for i in range(n)]


def _greedy(prepared: _Prepared, model: _Model, kind: str) -> set[int]:
    """Most new weight per unit of measure, with prerequisites and EQF steps, within the
    limits. Lazy: a course's ratio is recomputed only when it comes to the top of the heap.
    Kept on the model per measure (a plan asks for the same one more than once)."""
    if kind not in model.greedy:
        model.greedy[kind] = _greedy_plan(prepared, model, kind)
    return set(model.greedy[kind])


def _greedy_plan(prepared: _Prepared, model: _Model, kind: str) -> set[int]:
    max_hours, max_cost, capacity = _limits(prepared)
    measure = _measure(model, kind) if kind != "finish" else model.hours
    n = len(model.ids)
    closure = _closures(model, measure)
    skill_sets, weight = model.skill_sets, model.weight
    hours_of, cost_of, paced_of = model.hours, model.cost, model.is_self_paced
    chosen: set[int] = set()
    covered: set[int] = set()
    used = [0, 0, 0]

    def ratio(i: int) -> float | None:
        """New weight per unit of measure, or None when the course can no longer help."""
        bring = closure[i]
        if len(bring) == 1:  # the course alone: the common case, kept short
            gain = sum(weight[k] for k in skill_sets[i] if k not in covered)
            if gain <= 0:
                return None
            hours, cost = hours_of[i], cost_of[i]
            paced = hours if paced_of[i] else 0
            spent = measure[i]
        else:
            add = bring - chosen
            gain = sum(weight[k] for j in add for k in skill_sets[j] if k not in covered)
            if gain <= 0:
                return None
            hours = sum(hours_of[j] for j in add)
            cost = sum(cost_of[j] for j in add)
            paced = sum(hours_of[j] for j in add if paced_of[j])
            spent = sum(measure[j] for j in add)
        if (
            (max_hours is not None and used[0] + hours > max_hours)
            or (max_cost is not None and used[1] + cost > max_cost)
            or (capacity is not None and used[2] + paced > capacity)
        ):
            return None
        return gain / (spent + 1)

    heap = [(-value, i) for i in range(n) if closure[i] and (value := ratio(i)) is not None]
    heapq.heapify(heap)
    while heap:
        _stale, best = heapq.heappop(heap)
        if best in chosen:
            continue
        value = ratio(best)
        if value is None:
            continue
        if heap and (-value, best) > heap[0]:
            heapq.heappush(heap, (-value, best))
            continue
        add = closure[best] - chosen
        chosen |= add
        used[0] += sum(hours_of[j] for j in add)
        used[1] += sum(cost_of[j] for j in add)
        used[2] += sum(hours_of[j] for j in add if paced_of[j])
        for j in add:
            covered.update(skill_sets[j])
    return chosen


def _best_greedy(prepared: _Prepared, model: _Model, kind: str) -> set[int]:
    """The greedy by the objective, and by each limited measure: the most weight, then the
    least objective."""
    instance = prepared.instance
    kinds = [kind]
    if kind != "hours" and (instance.max_hours is not None or prepared.capacity_hours):
        kinds.append("hours")
    if kind != "cost" and instance.max_cost is not None:
        kinds.append("cost")
    measure = _measure(model, kind)
    first = _greedy(prepared, model, kind)
    if _weight_of(model, first) >= sum(model.weight):
        return first  # every coverable skill: another measure could only cover as much
    return max(
        [first, *(_greedy(prepared, model, k) for k in kinds[1:])],
        key=lambda chosen: (_weight_of(model, chosen), -sum(measure[i] for i in chosen)),
    )


@dataclass
class _Solution:
    chosen: set[int]
    weight: int
    value: int
    bound: int
    is_optimal: bool


def _add_steps(cp: Any, model: _Model, x: list[Any]) -> None:
    """EQF steps: a chosen course needing one implies some course of the level below among
    the first `stop` by end. One "some of the first k" literal per distinct stop, chained, so
    the model grows with the courses, not with courses x possible steps."""
    stops: dict[int, set[int]] = {}
    for step in model.supports:
        if step is not None:
            stops.setdefault(step[0], set()).add(step[1])
    prefix: dict[tuple[int, int], Any] = {}
    for level, wanted in stops.items():
        group = model.by_level.get(level, [])
        previous, begin = None, 0
        for stop in sorted(wanted):
            if stop == 0:
                continue
            literal = cp.new_bool_var(f"step{level}_{stop}")
            members = [x[j] for j in group[begin:stop]]
            cp.add_bool_or(
                [*members, *([previous] if previous is not None else [])]
            ).only_enforce_if(literal)
            prefix[(level, stop)] = literal
            previous, begin = literal, stop
    for i, step in enumerate(model.supports):
        if step is None:
            continue
        if step[1] == 0:
            cp.add(x[i] == 0)
        else:
            cp.add_implication(x[i], prefix[step])


def _has_step(model: _Model, i: int, chosen: set[int]) -> bool:
    """Whether `chosen` holds an EQF step for course i (or i needs none)."""
    step = model.supports[i]
    if step is None:
        return True
    level, stop = step
    group = model.by_level.get(level, [])
    # A course j is among the first `stop` of the level when its position there is below
    # `stop` and the course at that position is j itself (positions are per level).
    return any(
        0 <= (position := model.level_position[j]) < stop and group[position] == j for j in chosen
    )


def _hint(cp: Any, x: list[Any], chosen: set[int]) -> None:
    """Every course variable hinted in one go (`add_hint` per variable is slow in Python)."""
    hint = cp.proto.solution_hint
    hint.vars.extend(v.index for v in x)
    hint.values.extend(int(i in chosen) for i in range(len(x)))


def _chosen(solver: Any, n: int) -> set[int]:
    """The courses of the solution: the first n variables are the course variables."""
    values = solver.response_proto.solution
    return {i for i in range(n) if values[i]}


def _time_limit(solver: Any, seconds: float) -> None:
    """A limit in CP-SAT's deterministic time (about seconds of work on a quiet core), so that
    the same instance gives the same plan however busy the machine; wall time is capped at
    four times that."""
    solver.parameters.max_deterministic_time = max(0.01, seconds)
    solver.parameters.max_time_in_seconds = max(0.04, 4 * seconds)


def _solve(
    prepared: _Prepared,
    model: _Model,
    objectives: list[str],
    *,
    min_weight: int | None,
    hint: set[int],
    seconds: float,
) -> _Solution:
    """Maximise weight (min_weight None) or, at min_weight, minimise `objectives` in order.

    With min_weight None and one objective, both at once: maximise weight x W - measure, where W
    exceeds any measure a plan can take, so that weight comes first; the solution's value and
    bound are then the measure's at the weight found, and `is_optimal` says both are proven."""
    from ortools.sat.python import cp_model

    n = len(model.ids)
    max_hours, max_cost, capacity = _limits(prepared)
    weighted = cp_model.LinearExpr.weighted_sum
    cp = cp_model.CpModel()
    x = [cp.new_bool_var("") for _ in range(n)]  # variables 0..n-1: x[i] has index i
    _hint(cp, x, hint)
    for i in range(n):
        for p in model.prereqs[i]:
            cp.add_implication(x[i], x[p])
    _add_steps(cp, model, x)
    if max_hours is not None:
        cp.add(weighted(x, model.hours) <= max_hours)
    if max_cost is not None:
        cp.add(weighted(x, model.cost) <= max_cost)
    if capacity is not None:
        paced = [i for i in range(n) if model.is_self_paced[i]]
        cp.add(weighted([x[i] for i in paced], [model.hours[i] for i in paced]) <= capacity)
    full = sum(model.weight)
    if min_weight is not None and min_weight >= full:
        for cands in model.covers:
            cp.add_bool_or([x[i] for i in cands])
        weight_expr: Any = full
    else:
        y = [cp.new_bool_var(f"y{k}") for k in range(len(model.skills))]
        for k, cands in enumerate(model.covers):
            cp.add_bool_or([x[i] for i in cands]).only_enforce_if(y[k])
        weight_expr = weighted(y, model.weight)
        if min_weight is not None:
            cp.add(weight_expr >= min_weight)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    # The LP relaxation proves set covers of this size quickly; presolve, probing and cuts cost
    # more than they save on these models (measured with bench/pathway_planner.py: the slowest
    # plans about twice as fast, as many proven optimal).
    solver.parameters.linearization_level = 2
    solver.parameters.cp_model_presolve = False
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.cut_level = 0
    solver.parameters.random_seed = SEED
    if min_weight is None and objectives:
        measure = _measure(model, objectives[0])
        limit = {"hours": max_hours, "cost": max_cost}.get(objectives[0])
        scale = min(sum(measure), limit if limit is not None else sum(measure)) + 1
        measure_expr = weighted(x, measure)
        cp.maximize(scale * weight_expr - measure_expr)
        _time_limit(solver, seconds)
        status = solver.solve(cp)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Solution(hint, _weight_of(model, hint), 0, 0, False)
        chosen = _chosen(solver, n)
        weight = _weight_of(model, chosen)
        value = sum(measure[i] for i in chosen)
        best = math.floor(solver.best_objective_bound + 1e-6)
        # A plan of more weight would score above weight x W: the bound rules that out when it
        # is at most weight x W, and then bounds the measure at this weight.
        bound = scale * weight - best if best <= scale * weight else 0
        return _Solution(chosen, weight, value, max(0, bound), status == cp_model.OPTIMAL)
    if min_weight is None:
        cp.maximize(weight_expr)
        _time_limit(solver, seconds)
        status = solver.solve(cp)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Solution(hint, _weight_of(model, hint), 0, 0, False)
        chosen = _chosen(solver, n)
        return _Solution(chosen, _weight_of(model, chosen), 0, 0, status == cp_model.OPTIMAL)
    chosen, value, bound, is_optimal = set(hint), 0, 0, True
    finish = None
    for level, kind in enumerate(objectives):
        if kind == "finish":
            finish = cp.new_int_var(0, max([0, *model.end_days]) + 1, "finish")
            for i in range(n):
                if model.end_days[i]:
                    cp.add(finish >= model.end_days[i]).only_enforce_if(x[i])
            expr: Any = finish
        else:
            measure = _measure(model, kind)
            expr = weighted(x, measure)
        cp.minimize(expr)
        _time_limit(solver, seconds / len(objectives))
        status = solver.solve(cp)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            is_optimal = False
            break
        chosen = _chosen(solver, n)
        value = round(solver.objective_value)
        bound = math.ceil(solver.best_objective_bound - 1e-6)
        is_optimal = is_optimal and status == cp_model.OPTIMAL
        if level + 1 < len(objectives):
            cp.add(expr <= value)
            cp.clear_hints()
            _hint(cp, x, chosen)
    if not is_optimal and len(objectives) == 1 and objectives[0] in ("hours", "cost"):
        # No proof in time: every target skill still needs one of its courses, so the dearest
        # of those cheapest-per-skill courses is a valid lower bound (instead of none at all).
        measure = _measure(model, objectives[0])
        if min_weight >= full and all(model.covers):
            bound = max(bound, max(min(measure[i] for i in cands) for cands in model.covers))
    return _Solution(chosen, _weight_of(model, chosen), value, bound, is_optimal)


def _trim(model: _Model, chosen: set[int]) -> set[int]:
    """Drop courses that add nothing (a free course the solver kept on a tie): no new skill,
    no chosen course needs them as a prerequisite or EQF step. Longest first."""
    kept = set(chosen)
    weight = _weight_of(model, kept)
    for i in sorted(chosen, key=lambda i: (-model.hours[i], -model.cost[i], model.ids[i])):
        rest = kept - {i}
        if any(i in model.prereqs[j] for j in rest):
            continue
        if not all(_has_step(model, j, rest) for j in rest):
            continue
        if _weight_of(model, rest) >= weight:
            kept = rest
    return kept


def _weight_of(model: _Model, chosen: set[int]) -> int:
    covered = {k for i in chosen for k in model.skill_sets[i]}
    return sum(model.weight[k] for k in covered)


# ---------------------------------------------------------------------------------------------
# Public functions

VARIANTS = {
    "best": None,  # the instance's objective
    "fastest": ["finish", "hours"],
    "cheapest": ["cost"],
    "online": ["off_hours", None],
}


def plan(instance: PlanInstance) -> PlanResult:
    """The best plan for the instance's objective (see the module docstring)."""
    return plan_variants(instance, variants=("best",))["best"]


def plan_variants(
    instance: PlanInstance, *, variants: Iterable[str] = ("best", "fastest", "cheapest", "online")
) -> dict[str, PlanResult]:
    """The best plan and alternatives, each at the best coverage; a variant with the same
    courses as an earlier one is left out. The cyclic garbage collector waits meanwhile: a
    plan makes no cycles, and a full collection over a large catalogue costs more than a plan."""
    is_collecting = gc.isenabled()
    gc.disable()
    try:
        return _plan_variants(instance, tuple(variants))
    finally:
        if is_collecting:
            gc.enable()


def _plan_variants(instance: PlanInstance, variants: tuple[str, ...]) -> dict[str, PlanResult]:
    started = time.perf_counter()
    prepared = _prepare(instance, is_best_only=variants == ("best",))
    if not prepared.candidates:
        result = _result(prepared, set(), None, time.perf_counter() - started, 0.0, True)
        return {"best": result}
    model = _model_of(prepared)
    max_hours, max_cost, capacity = _limits(prepared)
    full = sum(model.weight)
    limit = instance.time_limit_s
    coverage_optimal = True
    best_first: _Solution | None = None
    if max_hours is None and max_cost is None and capacity is None:
        min_weight = full
    else:
        hint = _best_greedy(prepared, model, instance.objective)
        has_steps = all(_has_step(model, i, hint) for i in hint)
        if has_steps and _weight_of(model, hint) >= full:
            min_weight = full
        elif {"hours": max_hours, "cost": max_cost}[instance.objective] is not None:
            # The objective's own limit bounds its measure, so most weight and then least
            # measure fit one objective with small enough numbers: one solve, the best plan.
            first = _solve(
                prepared, model, [instance.objective], min_weight=None, hint=hint, seconds=limit
            )
            min_weight, coverage_optimal = first.weight, first.is_optimal
            best_first = first
            limit /= 2
        else:
            first = _solve(prepared, model, [], min_weight=None, hint=hint, seconds=limit / 2)
            min_weight, coverage_optimal = first.weight, first.is_optimal
            limit /= 2
    results: dict[str, PlanResult] = {}
    seen: set[frozenset[str]] = set()
    for name in variants:
        objectives = [k or instance.objective for k in (VARIANTS[name] or [instance.objective])]
        begun = time.perf_counter()
        if name == "best" and best_first is not None:
            solution = best_first
        else:
            hint = _greedy(prepared, model, objectives[0])
            if _weight_of(model, hint) < min_weight:
                hint = _greedy(prepared, model, instance.objective)
            solution = _solve(
                prepared, model, objectives, min_weight=min_weight, hint=hint, seconds=limit
            )
        chosen = {model.ids[i] for i in _trim(model, solution.chosen)}
        if frozenset(chosen) in seen:
            continue
        seen.add(frozenset(chosen))
        last = objectives[-1]
        scale = COST_SCALE if last == "cost" else HOURS_SCALE
        bound = solution.bound / scale if last in ("hours", "cost") else 0.0
        spent = time.perf_counter() - (started if name == "best" else begun)
        result = _result(
            prepared, chosen, last, spent, bound, solution.is_optimal and coverage_optimal
        )
        results[name] = result
    return results


def _result(
    prepared: _Prepared,
    chosen: set[str],
    objective: str | None,
    seconds: float,
    bound: float,
    is_optimal: bool,
) -> PlanResult:
    instance = prepared.instance
    courses = [prepared.by_id[c] for c in chosen]
    covered_set = {uri for c in courses for uri in c.skills} & prepared.missing.keys()
    covered = [uri for uri in prepared.missing if uri in covered_set]
    uncovered = [uri for uri in prepared.missing if uri not in covered_set]
    order, schedule = _timeline(prepared, courses)
    total_hours = sum(c.hours for c in courses)
    total_cost = sum(c.cost for c in courses)
    value = total_cost if (objective or instance.objective) == "cost" else total_hours
    reasons = {uri: _why_uncovered(prepared, uri, chosen) for uri in uncovered}
    ends = [end for _start, end in schedule.values() if end is not None]
    return PlanResult(
        courses=[c.id for c in order],
        covered=covered,
        uncovered=uncovered,
        objective=value,
        covered_weight=sum(prepared.missing[uri] for uri in covered),
        total_weight=sum(prepared.missing.values()),
        bound=value if is_optimal else min(value, bound),
        optimal=is_optimal,
        seconds=seconds,
        steps=_steps(prepared, order),
        schedule=schedule,
        infeasible_reasons=sorted({code for codes in reasons.values() for code in codes}),
        uncovered_reasons=reasons,
        total_hours=total_hours,
        total_cost=total_cost,
        finishes_on=max(ends) if ends else None,
    )


def _why_uncovered(prepared: _Prepared, uri: str, chosen: set[str]) -> list[str]:
    """Machine codes: what would have to change for some course to cover the skill."""
    instance = prepared.instance
    ids = _skill_index(instance.courses).get(uri, []) if instance.courses else []
    if not ids:
        return ["no_course_covers"]
    codes: set[str] = set()
    for course_id in ids:
        if course_id in instance.completed:
            continue
        course = prepared.by_id[course_id]
        alone = set() if course.prerequisites else _alone_blocks(prepared, course)
        if course_id in prepared.blocked or alone:
            codes |= prepared.blocked.get(course_id, set()) | alone
        elif course_id not in chosen and course_id not in instance.completed:
            # Usable alone, left out together: a limit binds.
            if instance.max_hours is not None:
                codes.add("hours")
            if instance.max_cost is not None:
                codes.add("budget")
            if prepared.capacity_hours is not None:
                codes.add("deadline")
    return sorted(codes) or ["no_course_covers"]


def _timeline(
    prepared: _Prepared, courses: list[CourseOption]
) -> tuple[list[CourseOption], dict[str, tuple[date | None, date | None]]]:
    """Prerequisites first, dated courses by date, the rest by EQF level then length;
    self-paced courses one after the other from today at hours_per_week."""
    instance = prepared.instance
    ids = {c.id for c in courses}
    left = {c.id: c for c in courses}
    order: list[CourseOption] = []
    schedule: dict[str, tuple[date | None, date | None]] = {}
    cursor = 0.0  # days after today taken by self-paced courses
    levels_placed: set[int] = set()
    start_level = instance.start_eqf_level

    def ready(c: CourseOption) -> bool:
        if any(p in left for p in prepared.pending.get(c.id, ()) if p in ids):
            return False
        level = c.eqf_level
        if start_level is None or level is None or level <= start_level + 1:
            return True
        wanted = level - 1
        return wanted in levels_placed or not any(o.eqf_level == wanted for o in left.values())

    def planned(c: CourseOption) -> tuple[date | None, date | None, float]:
        if _is_dated(c):
            start, end = _span(c)
            return start, end, cursor
        if instance.today is None:
            return None, None, cursor
        begin = cursor
        for p in prepared.pending.get(c.id, ()):
            p_end = schedule.get(p, (None, None))[1]
            if p_end is not None:
                begin = max(begin, (p_end - instance.today).days + 1)
        days = _self_paced_days(instance, c.hours)
        start = instance.today + timedelta(days=math.floor(begin))
        if days is None:
            return start, None, begin
        return start, instance.today + timedelta(days=math.ceil(begin + days)), begin + days

    while left:
        pool = [c for c in left.values() if ready(c)] or list(left.values())
        best = min(
            pool,
            key=lambda c: (planned(c)[0] or date.max, c.eqf_level or 0, c.hours, c.id),
        )
        start, end, after = planned(best)
        if not _is_dated(best):
            cursor = after
        schedule[best.id] = (start, end)
        order.append(best)
        if best.eqf_level is not None:
            levels_placed.add(best.eqf_level)
        del left[best.id]
    return order, schedule


def _steps(prepared: _Prepared, order: list[CourseOption]) -> list[StepExplanation]:
    steps = []
    start_level = prepared.instance.start_eqf_level
    for position, course in enumerate(order):
        later = order[position + 1 :]
        covers = [uri for uri in prepared.missing if uri in course.skills]
        needed_by = next((c for c in later if course.id in prepared.pending.get(c.id, ())), None)
        level = course.eqf_level
        leads_to = next(
            (
                c
                for c in later
                if level is not None
                and start_level is not None
                and c.eqf_level == level + 1
                and level + 1 > start_level + 1
            ),
            None,
        )
        params: dict[str, Any]
        if needed_by is not None:
            reason, params = "prerequisite_of", {"course": needed_by.id}
        elif leads_to is not None:
            reason, params = "eqf_progression", {"level": leads_to.eqf_level}
        elif _is_dated(course):
            reason, params = "fixed_dates", {"starts_on": _span(course)[0].isoformat()}
        else:
            reason, params = "earliest_start", {}
        steps.append(StepExplanation(course.id, covers, reason, params))
    return steps


# ---------------------------------------------------------------------------------------------
# JSON


def _path_error(path: str, message: str) -> InstanceError:
    return InstanceError(f"{path}: {message}")


def _number(value: Any, path: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _path_error(path, "must be a number > 0" if positive else "must be a number >= 0")
    if value < 0 or (positive and value == 0):
        raise _path_error(path, "must be a number > 0" if positive else "must be a number >= 0")
    return float(value)


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise _path_error(path, "must be a non-empty string")
    return value


def _strings(value: Any, path: str) -> list[str]:
    if not isinstance(value, list):
        raise _path_error(path, "must be a list of strings")
    return [_string(item, f"{path}[{i}]") for i, item in enumerate(value)]


def _date(value: Any, path: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) else _fail(path)
    except ValueError:
        raise _path_error(path, "must be a date YYYY-MM-DD") from None


def _fail(path: str) -> date:
    raise _path_error(path, "must be a date YYYY-MM-DD")


def _level(value: Any, path: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 8:
        raise _path_error(path, "must be an EQF level, a whole number from 1 to 8")
    return value


def _keys(item: Mapping[str, Any], path: str, allowed: Iterable[str]) -> None:
    unknown = sorted(set(item) - set(allowed))
    if unknown:
        raise _path_error(path, "unknown keys: " + ", ".join(unknown))


COURSE_KEYS = (
    "id",
    "skills",
    "hours",
    "cost",
    "prerequisites",
    "mode",
    "eqf_level",
    "starts_on",
    "ends_on",
)
TOP_KEYS = (
    "courses",
    "held",
    "target",
    "objective",
    "max_hours",
    "max_cost",
    "modes",
    "start_eqf_level",
    "completed",
    "today",
    "hours_per_week",
    "deadline",
    "time_limit_s",
)


def instance_from_json(data: Mapping[str, Any]) -> PlanInstance:
    """Build a `PlanInstance` from parsed JSON; `InstanceError` names the bad entry's path."""
    if not isinstance(data, Mapping):
        raise _path_error("instance", "must be an object")
    _keys(data, "instance", TOP_KEYS)
    for key in ("courses", "target"):
        if key not in data:
            raise _path_error(key, "is required")
    if not isinstance(data["courses"], list):
        raise _path_error("courses", "must be a list of objects")
    courses = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(data["courses"]):
        path = f"courses[{i}]"
        if not isinstance(raw, Mapping):
            raise _path_error(path, "must be an object")
        _keys(raw, path, COURSE_KEYS)
        for key in ("id", "skills", "hours", "cost"):
            if key not in raw:
                raise _path_error(f"{path}.{key}", "is required")
        course_id = _string(raw["id"], f"{path}.id")
        if course_id in seen:
            raise _path_error(
                f"{path}.id", f'duplicate id "{course_id}" (also courses[{seen[course_id]}])'
            )
        seen[course_id] = i
        mode = raw.get("mode", "online")
        if mode not in MODES:
            raise _path_error(f"{path}.mode", "must be one of " + ", ".join(MODES))
        starts_on = _date(raw.get("starts_on"), f"{path}.starts_on")
        ends_on = _date(raw.get("ends_on"), f"{path}.ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            raise _path_error(f"{path}.ends_on", "must not be before starts_on")
        courses.append(
            CourseOption(
                id=course_id,
                skills=frozenset(_strings(raw["skills"], f"{path}.skills")),
                hours=_number(raw["hours"], f"{path}.hours"),
                cost=_number(raw["cost"], f"{path}.cost"),
                prerequisites=tuple(
                    _strings(raw.get("prerequisites", []), f"{path}.prerequisites")
                ),
                mode=mode,
                eqf_level=_level(raw.get("eqf_level"), f"{path}.eqf_level"),
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )
    for i, course in enumerate(courses):
        unknown = [p for p in course.prerequisites if p not in seen]
        if unknown:
            raise _path_error(
                f"courses[{i}].prerequisites", "unknown course ids: " + ", ".join(unknown)
            )
        if course.id in course.prerequisites:
            raise _path_error(f"courses[{i}].prerequisites", "a course cannot need itself")
    if not isinstance(data["target"], list):
        raise _path_error("target", "must be a list of objects")
    target = []
    for i, raw in enumerate(data["target"]):
        path = f"target[{i}]"
        if isinstance(raw, str):
            raw = {"uri": raw}
        if not isinstance(raw, Mapping):
            raise _path_error(path, "must be an object")
        _keys(raw, path, ("uri", "weight"))
        if "uri" not in raw:
            raise _path_error(f"{path}.uri", "is required")
        target.append(
            TargetSkill(
                uri=_string(raw["uri"], f"{path}.uri"),
                weight=_number(raw.get("weight", 1.0), f"{path}.weight"),
            )
        )
    objective = data.get("objective", "hours")
    if objective not in ("hours", "cost"):
        raise _path_error("objective", 'must be "hours" or "cost"')
    modes = None
    if data.get("modes") is not None:
        modes = frozenset(_strings(data["modes"], "modes"))
        for i, mode in enumerate(data["modes"]):
            if mode not in MODES:
                raise _path_error(f"modes[{i}]", "must be one of " + ", ".join(MODES))

    def optional(key: str, *, positive: bool = False) -> float | None:
        value = data.get(key)
        return None if value is None else _number(value, key, positive=positive)

    completed = frozenset(_strings(data.get("completed", []), "completed"))
    time_limit = optional("time_limit_s", positive=True)
    return PlanInstance(
        courses=tuple(courses),
        held=frozenset(_strings(data.get("held", []), "held")),
        target=tuple(target),
        objective=objective,
        max_hours=optional("max_hours"),
        max_cost=optional("max_cost"),
        modes=modes,
        start_eqf_level=_level(data.get("start_eqf_level"), "start_eqf_level"),
        completed=completed,
        today=_date(data.get("today"), "today"),
        hours_per_week=optional("hours_per_week", positive=True),
        deadline=_date(data.get("deadline"), "deadline"),
        time_limit_s=time_limit if time_limit is not None else 0.25,
    )


def result_to_json(result: PlanResult) -> dict[str, Any]:
    """The issue's output shape, then the extras."""
    return {
        "courses": result.courses,
        "covered": result.covered,
        "uncovered": result.uncovered,
        "objective": round(result.objective, 6),
        "optimal": result.optimal,
        "bound": round(result.bound, 6),
        "covered_weight": round(result.covered_weight, 6),
        "total_weight": round(result.total_weight, 6),
        "total_hours": round(result.total_hours, 6),
        "total_cost": round(result.total_cost, 6),
        "finishes_on": result.finishes_on.isoformat() if result.finishes_on else None,
        "seconds": round(result.seconds, 4),
        "schedule": {
            course_id: {
                "starts_on": start.isoformat() if start else None,
                "ends_on": end.isoformat() if end else None,
            }
            for course_id, (start, end) in result.schedule.items()
        },
        "steps": [
            {"course": s.course_id, "covers": s.covers, "reason": {"code": s.reason, **s.params}}
            for s in result.steps
        ],
        "infeasible_reasons": result.infeasible_reasons,
        "uncovered_reasons": result.uncovered_reasons,
    }
