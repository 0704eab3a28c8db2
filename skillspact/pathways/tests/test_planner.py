"""The pathway planner on hand-made catalogues whose best plan is known, and against brute force."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillspact.pathways import planner
from skillspact.pathways.planner import CourseOption, PlanInstance, TargetSkill

S1, S2, S3, S4 = (f"http://data.europa.eu/esco/skill/s{i}" for i in range(1, 5))


def course(
    course_id: str, skills: set[str], hours: float, cost: float = 0, **extra
) -> CourseOption:
    return CourseOption(id=course_id, skills=frozenset(skills), hours=hours, cost=cost, **extra)


def instance(courses, target, held=(), **extra) -> PlanInstance:
    return PlanInstance(
        courses=tuple(courses),
        held=frozenset(held),
        target=tuple(t if isinstance(t, TargetSkill) else TargetSkill(t) for t in target),
        time_limit_s=5.0,
        **extra,
    )


def test_two_cheap_overlapping_courses_beat_one_long_course():
    given_ = instance(
        [
            course("long", {S1, S2, S3}, 100),
            course("first", {S1, S2}, 20),
            course("second", {S2, S3}, 30),
        ],
        [S1, S2, S3],
    )

    result = planner.plan(given_)

    assert sorted(result.courses) == ["first", "second"]
    assert result.objective == 50
    assert result.covered == [S1, S2, S3]
    assert result.uncovered == []
    assert result.optimal is True
    assert result.bound == 50


def test_the_single_course_wins_when_it_is_cheaper_by_cost():
    given_ = instance(
        [
            course("long", {S1, S2, S3}, 100, 200),
            course("first", {S1, S2}, 20, 150),
            course("second", {S2, S3}, 30, 150),
        ],
        [S1, S2, S3],
        objective="cost",
    )

    result = planner.plan(given_)

    assert result.courses == ["long"]
    assert result.objective == 200


def test_a_prerequisite_forces_an_extra_course_first():
    given_ = instance(
        [
            course("basics", set(), 10),
            course("advanced", {S1, S2}, 20, prerequisites=("basics",)),
            course("alone1", {S1}, 16),
            course("alone2", {S2}, 16),
        ],
        [S1, S2],
    )

    result = planner.plan(given_)

    assert result.courses == ["basics", "advanced"]
    assert result.objective == 30
    assert result.steps[0].reason == "prerequisite_of"
    assert result.steps[0].params == {"course": "advanced"}
    assert result.steps[1].covers == [S1, S2]


def test_a_completed_prerequisite_is_not_taken_again():
    given_ = instance(
        [
            course("basics", set(), 10),
            course("advanced", {S1, S2}, 20, prerequisites=("basics",)),
            course("alone1", {S1}, 12),
            course("alone2", {S2}, 12),
        ],
        [S1, S2],
        completed=frozenset({"basics"}),
    )

    result = planner.plan(given_)

    assert result.courses == ["advanced"]
    assert result.objective == 20


def test_a_budget_too_small_for_everything_gives_the_heaviest_partial_cover():
    given_ = instance(
        [
            course("a", {S1}, 10, 300),
            course("b", {S2, S3}, 10, 500),
            course("c", {S4}, 10, 400),
        ],
        [TargetSkill(S1, 1.0), TargetSkill(S2, 1.0), TargetSkill(S3, 1.0), TargetSkill(S4, 0.5)],
        max_cost=800,
    )

    result = planner.plan(given_)

    assert sorted(result.courses) == ["a", "b"]
    assert result.covered == [S1, S2, S3]
    assert result.uncovered == [S4]
    assert result.covered_weight == 3.0
    assert result.total_weight == 3.5
    assert result.infeasible_reasons == ["budget"]
    assert result.uncovered_reasons == {S4: ["budget"]}
    assert result.optimal is True


def test_modes_that_exclude_the_only_course_leave_its_skill_uncovered_with_the_reason():
    given_ = instance(
        [course("online", {S1}, 10), course("onsite", {S2}, 10, mode="in_person")],
        [S1, S2],
        modes=frozenset({"online"}),
    )

    result = planner.plan(given_)

    assert result.courses == ["online"]
    assert result.uncovered == [S2]
    assert result.infeasible_reasons == ["modes"]


def test_a_skill_no_course_teaches_is_reported_as_such():
    result = planner.plan(instance([course("a", {S1}, 10)], [S1, S2]))

    assert result.courses == ["a"]
    assert result.uncovered == [S2]
    assert result.infeasible_reasons == ["no_course_covers"]


def test_eqf_progression_needs_a_step_at_the_level_below():
    given_ = instance(
        [
            course("level6", {S1, S2}, 20, eqf_level=6),
            course("level5", {S1}, 30, eqf_level=5),
            course("other", {S2}, 40, eqf_level=4),
        ],
        [S1, S2],
        start_eqf_level=4,
    )

    result = planner.plan(given_)

    assert result.courses == ["level5", "level6"]
    assert result.objective == 50
    assert result.steps[0].reason == "eqf_progression"
    assert result.steps[0].params == {"level": 6}


def test_eqf_progression_without_a_step_rules_the_course_out():
    given_ = instance([course("level7", {S1}, 20, eqf_level=7)], [S1], start_eqf_level=4)

    result = planner.plan(given_)

    assert result.courses == []
    assert result.uncovered == [S1]
    assert result.infeasible_reasons == ["eqf_level"]


def test_a_dated_course_ending_after_the_deadline_is_out():
    given_ = instance(
        [
            course("late", {S1}, 10, starts_on=date(2027, 5, 1), ends_on=date(2027, 6, 30)),
            course("soon", {S1}, 30, starts_on=date(2027, 2, 1), ends_on=date(2027, 3, 1)),
        ],
        [S1],
        today=date(2027, 1, 1),
        deadline=date(2027, 4, 1),
    )

    result = planner.plan(given_)

    assert result.courses == ["soon"]
    assert result.schedule == {"soon": (date(2027, 2, 1), date(2027, 3, 1))}
    assert result.steps[0].reason == "fixed_dates"


def test_self_paced_courses_are_scheduled_one_after_the_other_and_must_fit_the_deadline():
    given_ = instance(
        [course("a", {S1}, 20), course("b", {S2}, 40), course("c", {S3}, 200)],
        [S1, S2, S3],
        today=date(2027, 1, 4),
        hours_per_week=10,
        deadline=date(2027, 3, 1),
    )

    result = planner.plan(given_)

    assert result.courses == ["a", "b"]
    assert result.schedule == {
        "a": (date(2027, 1, 4), date(2027, 1, 18)),
        "b": (date(2027, 1, 18), date(2027, 2, 15)),
    }
    assert result.uncovered == [S3]
    assert result.infeasible_reasons == ["deadline"]


def test_an_empty_target_gives_an_empty_optimal_plan():
    result = planner.plan(instance([course("a", {S1}, 10)], []))

    assert result.courses == []
    assert result.covered == [] and result.uncovered == []
    assert result.optimal is True
    assert result.objective == 0


def test_when_everything_is_held_nothing_is_needed():
    result = planner.plan(instance([course("a", {S1}, 10)], [S1], held={S1}))

    assert result.courses == []
    assert result.covered == [] and result.uncovered == []
    assert result.total_weight == 0


def test_the_variants_differ_and_duplicates_are_dropped():
    given_ = instance(
        [
            course("slow_cheap", {S1}, 40, 0, mode="in_person"),
            course("quick_dear", {S1}, 10, 900),
            course("mid", {S1}, 20, 300, mode="online"),
        ],
        [S1],
    )

    variants = planner.plan_variants(given_)

    assert variants["best"].courses == ["quick_dear"]
    assert variants["cheapest"].courses == ["slow_cheap"]
    assert "fastest" not in variants  # no dates: the same courses as the best plan
    assert "online" not in variants  # quick_dear is online too


def test_instance_from_json_names_the_bad_entry():
    data = {"courses": [{"id": "c1", "skills": [], "hours": -1, "cost": 0}], "target": []}

    with pytest.raises(
        planner.InstanceError, match=r"^courses\[0\]\.hours: must be a number >= 0$"
    ):
        planner.instance_from_json(data)


def test_instance_from_json_rejects_unknown_prerequisites_by_name():
    data = {
        "courses": [{"id": "c1", "skills": [], "hours": 1, "cost": 0, "prerequisites": ["x", "y"]}],
        "target": [],
    }

    with pytest.raises(planner.InstanceError, match=r"unknown course ids: x, y"):
        planner.instance_from_json(data)


# ---------------------------------------------------------------------------------------------
# Against brute force

SKILLS = [S1, S2, S3, S4]


def brute_force(given_: PlanInstance) -> tuple[float, float]:
    """The best covered weight, then the least objective at it, over every subset."""
    missing = {t.uri: t.weight for t in given_.target if t.uri not in given_.held}
    by_id = {c.id: c for c in given_.courses}
    best = (-1.0, 0.0)
    open_courses = [c for c in given_.courses if c.id not in given_.completed]  # done already
    for size in range(len(open_courses) + 1):
        for chosen in itertools.combinations(open_courses, size):
            ids = {c.id for c in chosen}
            needed = {p for c in chosen for p in c.prerequisites}
            if any(not c.skills & missing.keys() and c.id not in needed for c in chosen):
                continue  # the planner leaves out courses that serve no missing skill
            if any(
                p not in ids and p not in given_.completed for c in chosen for p in c.prerequisites
            ):
                continue
            if given_.modes is not None and any(c.mode not in given_.modes for c in chosen):
                continue
            if given_.max_hours is not None and sum(c.hours for c in chosen) > given_.max_hours:
                continue
            if given_.max_cost is not None and sum(c.cost for c in chosen) > given_.max_cost:
                continue
            if given_.start_eqf_level is not None:
                levels = {c.eqf_level for c in chosen} | {
                    by_id[c].eqf_level for c in given_.completed
                }
                if any(
                    c.eqf_level is not None
                    and c.eqf_level > given_.start_eqf_level + 1
                    and c.eqf_level - 1 not in levels
                    for c in chosen
                ):
                    continue
            covered = {s for c in chosen for s in c.skills} & missing.keys()
            weight = sum(missing[s] for s in covered)
            value = sum(c.cost if given_.objective == "cost" else c.hours for c in chosen)
            if weight > best[0] + 1e-9 or (abs(weight - best[0]) <= 1e-9 and value < best[1]):
                best = (weight, value)
    return best


@st.composite
def tiny_instances(draw) -> PlanInstance:
    n = draw(st.integers(1, 6))
    courses = []
    for i in range(n):
        earlier = [f"c{j}" for j in range(i)]
        courses.append(
            course(
                f"c{i}",
                set(draw(st.lists(st.sampled_from(SKILLS), max_size=3))),
                draw(st.integers(1, 50)),
                draw(st.integers(0, 500)),
                prerequisites=tuple(
                    draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True))
                )
                if earlier
                else (),
                mode=draw(st.sampled_from(planner.MODES)),
                eqf_level=draw(st.none() | st.integers(3, 6)),
            )
        )
    target = [
        TargetSkill(uri, draw(st.sampled_from([0.5, 1.0, 2.0])))
        for uri in draw(st.lists(st.sampled_from(SKILLS), unique=True, max_size=4))
    ]
    return instance(
        courses,
        target,
        held=set(draw(st.lists(st.sampled_from(SKILLS), max_size=1))),
        objective=draw(st.sampled_from(["hours", "cost"])),
        max_hours=draw(st.none() | st.integers(10, 120)),
        max_cost=draw(st.none() | st.integers(0, 800)),
        modes=draw(st.none() | st.just(frozenset({"online", "blended"}))),
        start_eqf_level=draw(st.none() | st.integers(2, 5)),
        completed=frozenset(draw(st.lists(st.sampled_from([c.id for c in courses]), max_size=1))),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_instances())
def test_the_planner_matches_brute_force_on_tiny_instances(given_):
    weight, value = brute_force(given_)

    result = planner.plan(given_)

    assert result.covered_weight == pytest.approx(weight)
    assert result.objective == pytest.approx(value)
    assert result.optimal is True


def test_of_two_equivalent_courses_on_different_dates_one_is_kept():
    # Same skills, hours and cost; only the dates differ, which the best plan does not compare.
    given_ = instance(
        [
            course("spring", {S1}, 25, starts_on=date(2030, 3, 1), ends_on=date(2030, 3, 31)),
            course("autumn", {S1}, 25, starts_on=date(2030, 9, 1), ends_on=date(2030, 9, 30)),
        ],
        [S1],
    )

    result = planner.plan(given_)

    assert result.covered == [S1]
    assert result.courses == ["autumn"]
    assert result.optimal is True
