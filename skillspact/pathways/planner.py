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
chain, an EQF level nothing can lead up to). A course is dominated, and out, when another covers
a superset of its useful skills at no more hours and cost, with no more prerequisites, the same
EQF level, the same kind of dates within its own window, and a mode at least as online. What is
left goes to CP-SAT with a greedy hint: first the most coverable weight, then (with that weight
fixed) the least objective. `optimal` is True only when CP-SAT proved both; otherwise `bound` is
its proven lower bound on the objective. Uncovered skills are explained by checking every
course of the unfiltered catalogue that covers them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

MODES = ("online", "blended", "in_person")
# How online a mode is, for dominance and the "online" variant.
MODE_RANK = {"online": 2, "blended": 1, "in_person": 0}
HOURS_SCALE = 100  # hundredths of an hour
COST_SCALE = 100  # cents
WEIGHT_SCALE = 1000
SEED = 20_261_203


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


_INDEX: list[Any] = [None, None]  # (courses tuple, skill -> course ids): reused while same


def _skill_index(courses: tuple[CourseOption, ...]) -> dict[str, list[str]]:
    if _INDEX[0] is courses:
        return _INDEX[1]  # type: ignore[no-any-return]
    index: dict[str, list[str]] = {}
    for course in courses:
        for skill in course.skills:
            index.setdefault(skill, []).append(course.id)
    _INDEX[0], _INDEX[1] = courses, index
    return index


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


def _prepare(instance: PlanInstance, *, is_best_only: bool = False) -> _Prepared:
    missing: dict[str, float] = {}
    for target in instance.target:
        if target.uri not in instance.held and target.uri not in missing:
            missing[target.uri] = target.weight
    by_id = {course.id: course for course in instance.courses}
    capacity = None
    if instance.today and instance.hours_per_week and instance.deadline:
        capacity = max(0, (instance.deadline - instance.today).days) / 7 * instance.hours_per_week
    prepared = _Prepared(instance, missing, by_id, {}, {}, [], {}, {}, capacity)
    if not missing:
        return prepared
    index = _skill_index(instance.courses)
    useful_ids: set[str] = set()
    for uri in missing:
        useful_ids.update(index.get(uri, ()))
    # The useful courses and their prerequisite chains, each checked on its own.
    state: dict[str, int] = {}  # 1 = in progress, 2 = done

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

    alive = [by_id[c] for c in sorted(useful_ids) if c not in instance.completed and visit(c)]
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
        changed = True
        while changed:
            changed = False
            by_level: dict[int, list[CourseOption]] = {}
            for course in chosen.values():
                if course.eqf_level is not None:
                    by_level.setdefault(course.eqf_level, []).append(course)
            for course in list(chosen.values()):
                level = course.eqf_level
                if level is None or level <= start_level + 1 or level - 1 in done_levels:
                    continue
                if course.id not in chosen:
                    continue
                if not any(
                    other.id in chosen and _can_precede(prepared, other, course)
                    for other in by_level.get(level - 1, ())
                ):
                    prepared.blocked.setdefault(course.id, set()).add("eqf_level")
                    _drop(chosen, course.id, prepared)
                    changed = True
    for course in chosen.values():
        prepared.useful[course.id] = course.skills & missing.keys()
    prepared.candidates = _prune_dominated(
        prepared, list(chosen.values()), is_best_only=is_best_only
    )
    return prepared


def _drop(chosen: dict[str, CourseOption], course_id: str, prepared: _Prepared) -> None:
    """Remove a course and every course that needs it."""
    chosen.pop(course_id, None)
    for other in list(chosen.values()):
        if course_id in prepared.pending.get(other.id, ()):
            prepared.blocked.setdefault(other.id, set()).add("prerequisites")
            _drop(chosen, other.id, prepared)


def _can_precede(prepared: _Prepared, first: CourseOption, then: CourseOption) -> bool:
    if not _is_dated(then):
        return True
    end = prepared.end.get(first.id)
    return end is None or end < _span(then)[0]


def _prune_dominated(
    prepared: _Prepared, courses: list[CourseOption], *, is_best_only: bool
) -> list[CourseOption]:
    """Drop dominated courses (see the module docstring). For the best plan alone only what
    that plan depends on is compared: hours and cost only where the objective or a limit uses
    them, mode never, EQF level and dates only where the EQF rule or the deadline needs them."""
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
    use_mode = not is_best_only
    use_window = not is_best_only or has_eqf
    keys = {}
    for c in courses:
        dated = _is_dated(c)
        start, end = _span(c) if dated else (date.min, date.min)
        keys[c.id] = (
            c.hours if use_hours else 0.0,
            c.cost if use_cost else 0.0,
            -MODE_RANK.get(c.mode, 0) if use_mode else 0,
            c.eqf_level if (has_eqf or not is_best_only) else None,
            dated,
            start,
            end,
            frozenset(prepared.pending[c.id]),
            prepared.useful[c.id],
        )
    covering: dict[str, list[CourseOption]] = {}
    for course in courses:
        for uri in prepared.useful[course.id]:
            covering.setdefault(uri, []).append(course)
    for group in covering.values():
        group.sort(key=lambda c: (keys[c.id][0], keys[c.id][1], c.id))
    kept = []
    for a in courses:
        useful_a = prepared.useful[a.id]
        if a.id in needed:
            kept.append(a)
            continue
        if not useful_a:
            continue
        ha, ca, ma, la, da, sa, ea, pa, ua = keys[a.id]
        rarest = min(useful_a, key=lambda uri: len(covering[uri]))
        is_dominated = False
        for b in covering[rarest]:
            hb, cb, mb, lb, db, sb, eb, pb, ub = keys[b.id]
            if hb > ha:
                break
            if b is a or cb > ca or mb > ma or lb != la or not pb <= pa or not ua <= ub:
                continue
            if db != da and (not is_best_only or use_window or (db is False and has_capacity)):
                continue
            if da and db and use_window and (sb < sa or eb > ea):
                continue
            # Equal in every compared respect: only the smaller id dominates, so that one of
            # two equivalent courses always stays (dates and the dated flag count only where
            # they were compared above).
            is_window_compared = use_window and da and db
            is_same = (hb, cb, mb, pb, ub) == (ha, ca, ma, pa, ua) and (
                not is_window_compared or (sb, eb) == (sa, ea)
            )
            if is_same and b.id > a.id:
                continue
            is_dominated = True
            break
        if not is_dominated:
            kept.append(a)
    return kept


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
    supports: list[list[int]]  # for a course needing an EQF step: the courses that can be it
    is_self_paced: list[bool]
    off_hours: list[int]  # 2 x in-person hours + blended hours: the "online" variant's measure
    end_days: list[int]  # days from the reference date to the earliest end, 0 if unknown


def _model_of(prepared: _Prepared) -> _Model:
    instance = prepared.instance
    cands = prepared.candidates
    position = {c.id: i for i, c in enumerate(cands)}
    skills = [uri for uri in prepared.missing if any(uri in prepared.useful[c.id] for c in cands)]
    skill_pos = {uri: k for k, uri in enumerate(skills)}
    covers: list[list[int]] = [[] for _ in skills]
    for i, c in enumerate(cands):
        for uri in prepared.useful[c.id]:
            covers[skill_pos[uri]].append(i)
    supports: list[list[int]] = []
    done_levels = {prepared.by_id[c].eqf_level for c in instance.completed if c in prepared.by_id}
    at_level: dict[int, list[int]] = {}
    for j, d in enumerate(cands):
        if d.eqf_level is not None:
            at_level.setdefault(d.eqf_level, []).append(j)
    for c in cands:
        level, start = c.eqf_level, instance.start_eqf_level
        if start is None or level is None or level <= start + 1 or level - 1 in done_levels:
            supports.append([])
        else:
            supports.append(
                [j for j in at_level.get(level - 1, ()) if _can_precede(prepared, cands[j], c)]
            )
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
        is_self_paced=[not _is_dated(c) for c in cands],
        off_hours=[round(c.hours * HOURS_SCALE) * (2 - MODE_RANK.get(c.mode, 0)) for c in cands],
        end_days=[
            (e - reference).days if e is not None and reference is not None else 0 for e in ends
        ],
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


def _greedy(prepared: _Prepared, model: _Model, kind: str) -> set[int]:
    """Most new weight per unit of measure, with prerequisites, within the limits."""
    max_hours, max_cost, capacity = _limits(prepared)
    measure = _measure(model, kind) if kind != "finish" else model.hours
    n = len(model.ids)
    closure: list[set[int]] = []
    for i in range(n):
        seen, stack = {i}, [i]
        while stack:
            for p in model.prereqs[stack.pop()]:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        closure.append(seen)
    skill_sets = [set() for _ in range(n)]  # type: list[set[int]]
    for k, cands in enumerate(model.covers):
        for i in cands:
            skill_sets[i].add(k)
    chosen: set[int] = set()
    covered: set[int] = set()
    used = [0, 0, 0]
    while True:
        best, best_ratio = None, 0.0
        for i in range(n):
            if i in chosen:
                continue
            add = closure[i] - chosen
            gain = sum(model.weight[k] for j in add for k in skill_sets[j] - covered)
            if gain <= 0:
                continue
            hours = sum(model.hours[j] for j in add)
            cost = sum(model.cost[j] for j in add)
            paced = sum(model.hours[j] for j in add if model.is_self_paced[j])
            if (
                (max_hours is not None and used[0] + hours > max_hours)
                or (max_cost is not None and used[1] + cost > max_cost)
                or (capacity is not None and used[2] + paced > capacity)
            ):
                continue
            ratio = gain / (sum(measure[j] for j in add) + 1)
            if ratio > best_ratio:
                best, best_ratio = i, ratio
        if best is None:
            break
        add = closure[best] - chosen
        chosen |= add
        used[0] += sum(model.hours[j] for j in add)
        used[1] += sum(model.cost[j] for j in add)
        used[2] += sum(model.hours[j] for j in add if model.is_self_paced[j])
        for j in add:
            covered |= skill_sets[j]
    return chosen


@dataclass
class _Solution:
    chosen: set[int]
    weight: int
    value: int
    bound: int
    is_optimal: bool


def _solve(
    prepared: _Prepared,
    model: _Model,
    objectives: list[str],
    *,
    min_weight: int | None,
    hint: set[int],
    seconds: float,
) -> _Solution:
    """Maximise weight (min_weight None) or, at min_weight, minimise `objectives` in order."""
    from ortools.sat.python import cp_model

    n = len(model.ids)
    max_hours, max_cost, capacity = _limits(prepared)
    cp = cp_model.CpModel()
    x = [cp.new_bool_var(f"x{i}") for i in range(n)]
    for i in range(n):
        cp.add_hint(x[i], i in hint)
        for p in model.prereqs[i]:
            cp.add_implication(x[i], x[p])
        if model.supports[i]:
            cp.add_bool_or([x[j] for j in model.supports[i]]).only_enforce_if(x[i])
    if max_hours is not None:
        cp.add(sum(model.hours[i] * x[i] for i in range(n)) <= max_hours)
    if max_cost is not None:
        cp.add(sum(model.cost[i] * x[i] for i in range(n)) <= max_cost)
    if capacity is not None:
        cp.add(sum(model.hours[i] * x[i] for i in range(n) if model.is_self_paced[i]) <= capacity)
    full = sum(model.weight)
    if min_weight is not None and min_weight >= full:
        for cands in model.covers:
            cp.add_bool_or([x[i] for i in cands])
        weight_expr: Any = full
    else:
        y = [cp.new_bool_var(f"y{k}") for k in range(len(model.skills))]
        for k, cands in enumerate(model.covers):
            cp.add_bool_or([x[i] for i in cands]).only_enforce_if(y[k])
        weight_expr = sum(model.weight[k] * y[k] for k in range(len(y)))
        if min_weight is not None:
            cp.add(weight_expr >= min_weight)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = SEED
    if min_weight is None:
        cp.maximize(weight_expr)
        solver.parameters.max_time_in_seconds = max(0.01, seconds)
        status = solver.solve(cp)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Solution(hint, _weight_of(model, hint), 0, 0, False)
        chosen = {i for i in range(n) if solver.boolean_value(x[i])}
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
            expr = sum(measure[i] * x[i] for i in range(n))
        cp.minimize(expr)
        solver.parameters.max_time_in_seconds = max(0.01, seconds / len(objectives))
        status = solver.solve(cp)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            is_optimal = False
            break
        chosen = {i for i in range(n) if solver.boolean_value(x[i])}
        value = round(solver.objective_value)
        bound = math.ceil(solver.best_objective_bound - 1e-6)
        is_optimal = is_optimal and status == cp_model.OPTIMAL
        if level + 1 < len(objectives):
            cp.add(expr <= value)
            cp.clear_hints()
            for i in range(n):
                cp.add_hint(x[i], i in chosen)
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
        if any(model.supports[j] and not rest & set(model.supports[j]) for j in rest):
            continue
        if _weight_of(model, rest) >= weight:
            kept = rest
    return kept


def _weight_of(model: _Model, chosen: set[int]) -> int:
    return sum(
        model.weight[k] for k, cands in enumerate(model.covers) if any(i in chosen for i in cands)
    )


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
    courses as an earlier one is left out."""
    started = time.perf_counter()
    variants = tuple(variants)
    prepared = _prepare(instance, is_best_only=variants == ("best",))
    if not prepared.candidates:
        result = _result(prepared, set(), None, time.perf_counter() - started, 0.0, True)
        return {"best": result}
    model = _model_of(prepared)
    max_hours, max_cost, capacity = _limits(prepared)
    full = sum(model.weight)
    limit = instance.time_limit_s
    coverage_optimal = True
    if max_hours is None and max_cost is None and capacity is None:
        min_weight = full
    else:
        hint = _greedy(prepared, model, instance.objective)
        has_steps = all(not model.supports[i] or hint & set(model.supports[i]) for i in hint)
        if has_steps and _weight_of(model, hint) >= full:
            min_weight = full
        else:
            first = _solve(prepared, model, [], min_weight=None, hint=hint, seconds=limit / 2)
            min_weight, coverage_optimal = first.weight, first.is_optimal
            limit /= 2
    results: dict[str, PlanResult] = {}
    seen: set[frozenset[str]] = set()
    for name in variants:
        objectives = [k or instance.objective for k in (VARIANTS[name] or [instance.objective])]
        begun = time.perf_counter()
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
        if course_id in prepared.blocked:
            codes |= prepared.blocked[course_id]
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
