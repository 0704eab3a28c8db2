"""The meeting scheduler: known optima, fixed meetings, validation messages, and properties of
random instances checked against an independent checker and a brute-force optimum."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillspact.events import scheduler
from skillspact.events.scheduler import (
    Instance,
    InstanceError,
    Participant,
    Placement,
    Request,
)


def person(pid: str, available: str = "s1", cap: int = 9) -> Participant:
    return Participant(id=pid, available=tuple(available.split()), cap=cap)


def pairs(*ends: str) -> tuple[Request, ...]:
    return tuple(Request(id=f"r{i}", a=e[0:2], b=e[2:4]) for i, e in enumerate(ends, start=1))


def solve(instance: Instance) -> scheduler.Schedule:
    result = scheduler.schedule(instance, time_limit=5)
    assert scheduler.check(instance, result) == []
    return result


def slots_of(result: scheduler.Schedule) -> dict[str, tuple[str, int]]:
    return {m.request: (m.slot, m.table) for m in result.meetings}


# ---------------------------------------------------------------------------------------------
# Known optima


def test_a_triangle_in_one_slot_meets_once():
    instance = Instance(
        slots=("s1",),
        tables=5,
        participants=(person("p1"), person("p2"), person("p3")),
        requests=pairs("p1p2", "p2p3", "p1p3"),
    )

    result = solve(instance)

    assert len(result.meetings) == 1
    assert result.upper_bound == 1
    assert result.status == "optimal"


def test_a_triangle_in_three_slots_meets_three_times():
    instance = Instance(
        slots=("s1", "s2", "s3"),
        tables=5,
        participants=tuple(person(p, "s1 s2 s3") for p in ("p1", "p2", "p3")),
        requests=pairs("p1p2", "p2p3", "p1p3"),
    )

    result = solve(instance)

    assert sorted(slots_of(result)) == ["r1", "r2", "r3"]
    assert len({slot for slot, _table in slots_of(result).values()}) == 3
    assert result.status == "optimal"


def test_a_cap_limits_a_popular_participant():
    instance = Instance(
        slots=("s1", "s2", "s3", "s4"),
        tables=5,
        participants=(
            person("p0", "s1 s2 s3 s4", cap=2),
            *(person(f"p{i}", "s1 s2 s3 s4") for i in range(1, 5)),
        ),
        requests=pairs("p0p1", "p0p2", "p0p3", "p0p4"),
    )

    result = solve(instance)

    assert len(result.meetings) == 2
    assert result.upper_bound == 2


def test_a_meeting_takes_a_slot_both_are_available_in():
    instance = Instance(
        slots=("s1", "s2", "s3"),
        tables=5,
        participants=(person("p1", "s1 s2"), person("p2", "s2 s3"), person("p3", "s3")),
        requests=pairs("p1p2", "p1p3"),
    )

    result = solve(instance)

    assert slots_of(result) == {"r1": ("s2", 1)}
    assert result.upper_bound == 1
    assert result.status == "optimal"


def test_tables_limit_the_meetings_per_slot_and_are_numbered_from_one():
    people = tuple(person(f"p{i}", "s1 s2") for i in range(1, 9))
    instance = Instance(
        slots=("s1", "s2"),
        tables=2,
        participants=people,
        requests=pairs("p1p2", "p3p4", "p5p6", "p7p8", "p1p3"),
    )

    result = solve(instance)

    assert len(result.meetings) == 4
    assert result.upper_bound == 4
    assert sorted((m.slot, m.table) for m in result.meetings) == [
        ("s1", 1),
        ("s1", 2),
        ("s2", 1),
        ("s2", 2),
    ]


def test_no_requests_give_an_empty_optimal_schedule():
    instance = Instance(slots=("s1",), tables=1, participants=(person("p1"),), requests=())

    result = solve(instance)

    assert result.meetings == ()
    assert result.upper_bound == 0
    assert result.status == "optimal"


def test_fixed_meetings_stay_and_count_towards_the_cap_and_the_tables():
    instance = Instance(
        slots=("s1", "s2"),
        tables=2,
        participants=(
            person("p1", "s1 s2", cap=1),
            person("p2", "s1 s2"),
            person("p3", "s1 s2"),
            person("p4", "s1 s2"),
            person("p5", "s1 s2"),
        ),
        requests=pairs("p1p2", "p1p3", "p4p5", "p2p3"),
        fixed=(Placement(request="r1", slot="s2", table=2),),
    )

    result = solve(instance)

    meetings = slots_of(result)
    assert meetings["r1"] == ("s2", 2)
    assert "r2" not in meetings  # p1's cap of 1 is used by the fixed meeting
    assert set(meetings) == {"r1", "r3", "r4"}
    assert meetings["r4"][0] == "s1"  # p2 is busy in s2 with the fixed meeting
    assert result.upper_bound == 3
    assert result.status == "optimal"


def test_the_same_instance_gives_the_same_schedule():
    instance = random_instance(random.Random(7), people=60, requests=300, slots=6, tables=20)

    first = scheduler.schedule(instance)
    second = scheduler.schedule(instance)

    assert first.meetings == second.meetings
    assert first.upper_bound == second.upper_bound


def test_a_mid_sized_instance_is_valid_and_within_the_bound():
    instance = random_instance(random.Random(3), people=400, requests=2000, slots=10, tables=60)

    result = solve(instance)

    assert 0.99 * result.upper_bound <= len(result.meetings) <= result.upper_bound


# ---------------------------------------------------------------------------------------------
# Fixed meetings that break a rule


def fixed_instance(*fixed: Placement, cap: int = 9) -> Instance:
    return Instance(
        slots=("s1", "s2"),
        tables=2,
        participants=(person("p1", "s1 s2", cap=cap), person("p2", "s1"), person("p3", "s1 s2")),
        requests=pairs("p1p2", "p1p3", "p2p3"),
        fixed=fixed,
    )


@pytest.mark.parametrize(
    ("fixed", "cap", "message"),
    [
        (
            [Placement("r1", "s2", 1)],
            9,
            'fixed[0] (request "r1"): participant "p2" is not available in slot "s2"',
        ),
        (
            [Placement("r1", "s1", 1), Placement("r2", "s1", 2)],
            9,
            'fixed[1] (request "r2"): participant "p1" already meets in slot "s1" '
            '(fixed[0], request "r1")',
        ),
        (
            [Placement("r1", "s1", 1), Placement("r2", "s2", 1)],
            1,
            'fixed[1] (request "r2"): participant "p1" would have more fixed meetings than '
            "their cap of 1",
        ),
        (
            [Placement("r1", "s1", 3)],
            9,
            'fixed[0] (request "r1"): table 3 is not between 1 and 2',
        ),
        (
            [Placement("r1", "s1", 1), Placement("r3", "s1", 1)],
            9,
            'fixed[1] (request "r3"): table 1 in slot "s1" is already taken by fixed[0] '
            '(request "r1")',
        ),
        (
            [Placement("r2", "s1", 1), Placement("r2", "s2", 1)],
            9,
            'fixed[1] (request "r2"): the request is fixed twice (also fixed[0])',
        ),
        ([Placement("r9", "s1", 1)], 9, 'fixed[0] (request "r9"): the request is not in requests'),
        ([Placement("r1", "s7", 1)], 9, 'fixed[0] (request "r1"): slot "s7" is not in slots'),
    ],
)
def test_a_fixed_meeting_that_breaks_a_rule_is_refused_by_name(fixed, cap, message):
    with pytest.raises(InstanceError) as caught:
        scheduler.schedule(fixed_instance(*fixed, cap=cap))

    assert str(caught.value) == message


# ---------------------------------------------------------------------------------------------
# Reading JSON


def valid_json() -> dict[str, Any]:
    return {
        "slots": ["s1", "s2"],
        "tables": 3,
        "participants": [
            {"id": "p1", "available": ["s1", "s2"], "cap": 2},
            {"id": "p2", "available": ["s1"], "cap": 1},
            {"id": "p3", "available": ["s2"], "cap": 1},
        ],
        "requests": [{"id": "r1", "a": "p1", "b": "p2"}, {"id": "r2", "a": "p1", "b": "p3"}],
        "fixed": [{"request": "r2", "slot": "s2", "table": 3}],
    }


def test_instance_from_json_reads_every_field():
    instance = scheduler.instance_from_json(valid_json())

    assert instance == Instance(
        slots=("s1", "s2"),
        tables=3,
        participants=(
            Participant("p1", ("s1", "s2"), 2),
            Participant("p2", ("s1",), 1),
            Participant("p3", ("s2",), 1),
        ),
        requests=(Request("r1", "p1", "p2"), Request("r2", "p1", "p3")),
        fixed=(Placement("r2", "s2", 3),),
    )


def test_fixed_is_optional_in_json():
    data = valid_json()
    del data["fixed"]

    assert scheduler.instance_from_json(data).fixed == ()


def change(path: str, value: Any) -> dict[str, Any]:
    """valid_json() with the entry at a dotted path (list indexes as numbers) set or deleted."""
    data = valid_json()
    *parents, last = path.split(".")
    node: Any = data
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    key_or_index: Any = int(last) if last.isdigit() else last
    if value is DELETE:
        del node[key_or_index]
    else:
        node[key_or_index] = value
    return data


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("tables", 0, "tables: must be at least 1, not 0"),
        ("tables", "3", "tables: expected an integer, got a string"),
        ("tables", 2.5, "tables: expected an integer, got the number 2.5"),
        ("slots", {}, "slots: expected a list, got an object"),
        ("slots.1", "s1", 'slots[1]: duplicate slot id "s1" (also slots[0])'),
        ("slots.1", None, "slots[1]: expected a string, got null"),
        ("requests", DELETE, 'instance: missing "requests"'),
        ("participants.1.cap", -1, 'participants[1].cap (id "p2"): must not be negative, not -1'),
        ("participants.1.cap", True, "participants[1].cap: expected an integer, got a boolean"),
        ("participants.1.cap", DELETE, 'participants[1]: missing "cap"'),
        ("participants.1.colour", "red", 'participants[1]: unknown key "colour"'),
        ("participants.2", "p3", "participants[2]: expected an object, got a string"),
        (
            "participants.2.id",
            "p1",
            'participants[2] (id "p1"): duplicate id (also participants[0])',
        ),
        (
            "participants.2.available.0",
            "s9",
            'participants[2].available[0] (id "p3"): slot "s9" is not in slots',
        ),
        (
            "participants.0.available.1",
            "s1",
            'participants[0].available[1] (id "p1"): slot "s1" is listed twice',
        ),
        ("requests.1.b", "p99", 'requests[1] (id "r2"): participant "p99" is not in participants'),
        (
            "requests.1.b",
            "p1",
            'requests[1] (id "r2"): a participant cannot meet themself ("p1")',
        ),
        ("requests.1.id", "r1", 'requests[1] (id "r1"): duplicate id (also requests[0])'),
        ("requests.0.a", 1, "requests[0].a: expected a string, got int 1"),
        ("fixed.0.request", "r7", 'fixed[0] (request "r7"): the request is not in requests'),
        (
            "fixed.0.slot",
            "s1",
            'fixed[0] (request "r2"): participant "p3" is not available in slot "s1"',
        ),
        ("fixed.0.table", 4, 'fixed[0] (request "r2"): table 4 is not between 1 and 3'),
    ],
)
def test_instance_from_json_names_the_bad_entry(path, value, message):
    with pytest.raises(InstanceError) as caught:
        scheduler.instance_from_json(change(path, value))

    assert str(caught.value) == message


def test_instance_from_json_refuses_a_list_at_the_top():
    with pytest.raises(InstanceError, match=r"^instance: expected an object, got a list$"):
        scheduler.instance_from_json([])


def test_schedule_to_json_lists_the_meetings_and_the_bound():
    result = scheduler.Schedule(
        meetings=(Placement("r1", "s1", 1),), upper_bound=2, seconds=0.25, status="feasible"
    )

    assert scheduler.schedule_to_json(result) == {
        "meetings": [{"request": "r1", "slot": "s1", "table": 1}],
        "placed": 1,
        "upper_bound": 2,
        "status": "feasible",
        "seconds": 0.25,
    }


# ---------------------------------------------------------------------------------------------
# The checker


def test_check_reports_every_broken_rule():
    instance = fixed_instance(Placement("r3", "s1", 2), cap=1)
    result = scheduler.Schedule(
        meetings=(
            Placement("r1", "s1", 1),
            Placement("r2", "s1", 1),
            Placement("r2", "s2", 3),
            Placement("r8", "s1", 1),
        ),
        upper_bound=2,
        seconds=0.0,
        status="optimal",
    )

    assert scheduler.check(instance, result) == [
        'meetings[1] (request "r2"): table 1 in slot "s1" is also used by meetings[0]',
        'meetings[1] (request "r2"): "p1" has another meeting in slot "s1" (meetings[0])',
        'meetings[2] (request "r2"): placed twice (also meetings[1])',
        'meetings[2] (request "r2"): table 3 is not between 1 and 2',
        'meetings[3] (request "r8"): the request is not in requests',
        'participant "p1": 3 meetings, more than the cap of 1',
        'fixed[0] (request "r3"): not in the schedule at slot "s1", table 2',
        "4 meetings placed but the upper bound is 2",
        'status is "optimal", expected "feasible"',
    ]


# ---------------------------------------------------------------------------------------------
# Random instances


def random_instance(
    rng: random.Random, *, people: int, requests: int, slots: int, tables: int
) -> Instance:
    slot_ids = tuple(f"s{i}" for i in range(1, slots + 1))
    participants = tuple(
        Participant(
            id=f"p{i}",
            available=tuple(s for s in slot_ids if rng.random() < 0.8),
            cap=rng.randint(2, 8),
        )
        for i in range(1, people + 1)
    )
    ends = []
    while len(ends) < requests:
        a, b = rng.sample(range(1, people + 1), 2)
        ends.append(Request(id=f"r{len(ends) + 1}", a=f"p{a}", b=f"p{b}"))
    return Instance(slots=slot_ids, tables=tables, participants=participants, requests=tuple(ends))


@st.composite
def tiny_instances(draw: st.DrawFn) -> Instance:
    """Up to 3 slots, 5 people and 6 requests, with some of them fixed where the rules allow."""
    slot_ids = tuple(f"s{i}" for i in range(1, draw(st.integers(1, 3)) + 1))
    count = draw(st.integers(2, 5))
    participants = tuple(
        Participant(
            id=f"p{i}",
            available=tuple(draw(st.lists(st.sampled_from(slot_ids), unique=True))),
            cap=draw(st.integers(0, 3)),
        )
        for i in range(1, count + 1)
    )
    ends = draw(
        st.lists(
            st.tuples(st.integers(1, count), st.integers(1, count)).filter(lambda t: t[0] != t[1]),
            max_size=6,
        )
    )
    requests = tuple(Request(f"r{i}", f"p{a}", f"p{b}") for i, (a, b) in enumerate(ends, 1))
    tables = draw(st.integers(1, 3))
    fixed: list[Placement] = []
    for request in requests:
        if draw(st.integers(0, 3)) == 0:
            placement = Placement(
                request.id, draw(st.sampled_from(slot_ids)), draw(st.integers(1, tables))
            )
            candidate = Instance(slot_ids, tables, participants, requests, (*fixed, placement))
            try:
                scheduler.instance_validate(candidate)
            except InstanceError:
                continue
            fixed.append(placement)
    return Instance(slot_ids, tables, participants, requests, tuple(fixed))


def brute_force_optimum(instance: Instance) -> int:
    """The most meetings any schedule has, by trying every slot (or none) for every request."""
    people = {p.id: p for p in instance.participants}
    fixed = {m.request: m.slot for m in instance.fixed}
    busy: set[tuple[str, str]] = set()
    count = dict.fromkeys(people, 0)
    load = dict.fromkeys(instance.slots, 0)

    def take(request: Request, slot: str, sign: int) -> None:
        for pid in (request.a, request.b):
            if sign > 0:
                busy.add((pid, slot))
            else:
                busy.discard((pid, slot))
            count[pid] += sign
        load[slot] += sign

    for request in instance.requests:
        if request.id in fixed:
            take(request, fixed[request.id], +1)
    free = [r for r in instance.requests if r.id not in fixed]

    def fits(request: Request, slot: str) -> bool:
        return load[slot] < instance.tables and all(
            slot in people[pid].available
            and (pid, slot) not in busy
            and count[pid] < people[pid].cap
            for pid in (request.a, request.b)
        )

    def best(k: int) -> int:
        if k == len(free):
            return 0
        result = best(k + 1)
        for slot in instance.slots:
            if fits(free[k], slot):
                take(free[k], slot, +1)
                result = max(result, 1 + best(k + 1))
                take(free[k], slot, -1)
        return result

    return len(fixed) + best(0)


@settings(deadline=None, max_examples=120)
@given(tiny_instances())
def test_tiny_instances_reach_the_brute_force_optimum(instance):
    result = scheduler.schedule(instance, time_limit=5)

    assert scheduler.check(instance, result) == []
    assert set(instance.fixed) <= set(result.meetings)
    assert len(result.meetings) == brute_force_optimum(instance)
    assert len(result.meetings) <= result.upper_bound


@settings(deadline=None, max_examples=25)
@given(
    st.integers(0, 2**32),
    st.integers(5, 60),
    st.integers(0, 300),
    st.integers(1, 8),
    st.integers(1, 30),
)
def test_random_instances_never_break_a_rule(seed, people, requests, slots, tables):
    rng = random.Random(seed)
    instance = random_instance(rng, people=people, requests=requests, slots=slots, tables=tables)
    # Fix a few meetings the way an organiser would: one at a time, where the rules allow.
    fixed: list[Placement] = []
    for request in instance.requests[: requests // 10]:
        placement = Placement(request.id, rng.choice(instance.slots), rng.randint(1, tables))
        candidate = Instance(
            instance.slots, tables, instance.participants, instance.requests, (*fixed, placement)
        )
        try:
            scheduler.instance_validate(candidate)
        except InstanceError:
            continue
        fixed.append(placement)
    instance = Instance(
        instance.slots, tables, instance.participants, instance.requests, tuple(fixed)
    )

    result = scheduler.schedule(instance, time_limit=5)

    assert scheduler.check(instance, result) == []
    assert set(instance.fixed) <= set(result.meetings)
    assert len(result.meetings) <= result.upper_bound
