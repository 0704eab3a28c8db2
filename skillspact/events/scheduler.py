"""One-to-one meetings at a networking event: which accepted requests meet, in which slot, at
which table. Pure Python and OR-Tools; nothing here imports Django.

The rules: a participant meets at most one person per slot and at most `cap` people in all; a
meeting takes a slot both people are available in; a slot holds at most `tables` meetings, at
tables 1..tables; a request is placed at most once; fixed meetings stay where they are (and
count). The goal is as many meetings as possible.

Method. Tables are interchangeable, so they only say "at most `tables` meetings per slot" and
are numbered at the end. What is left is a list edge colouring with capacities: each request
(an edge between two participants) gets at most one slot from the intersection of both
availabilities, each participant at most one edge per slot and `cap` edges in all. A CP-SAT
model with one boolean per (request, slot) is exact but, at 15,000 requests and 20 slots
(~220,000 booleans), far from done in 30 s on two cores. So:

1. Upper bound. Every schedule's meetings form a b-matching: participant p is in at most
   b(p) = min(cap left, largest matching of p's requests to p's free slots) of them. The
   fractional b-matching (0 <= x <= 1 per request, sum over p's requests <= b(p)) is solved
   exactly as a max flow on the bipartite double cover (p on the left and on the right, a
   request as two arcs); its value is half the flow. The bound is the fixed meetings plus the
   least of: that value rounded down, the sum over slots of min(tables left, participants free
   in the slot // 2), and the number of placeable requests. On realistic instances the
   participants' caps are what binds, and this bound was within 0.1 % of the best schedules.
2. Heuristic. The requests the flow uses fully go first, then the half-used ones, then the
   rest; within each, the request with the fewest common free slots first. Each goes to the
   least-loaded common free slot. A request left over gets a breadth-first ejection chain
   (as in augmenting paths for matchings and Kempe chains for edge colouring): take a slot
   where only one meeting stands in the way (a meeting of one of the two people, or any
   meeting of a slot whose tables are all taken), move that meeting to another slot where at
   most one stands in its way, and so on until a meeting lands in a free slot. Then swaps: a
   left-over request (a, b) with a at its cap takes the place of a meeting (a, c) of a, when a
   request of c can then be placed (an alternating path of the b-matching); a swap that does
   not gain is undone. The budgets are counts of chain nodes, not clock time, so the same
   input gives the same schedule on any machine; the clock (60 % of the time limit) is only a
   safety net. At 3,000 people and 15,000 requests this takes under a second and has reached
   the bound on every generated instance so far (bench/meeting_scheduler.py).
3. Small instances (up to `EXACT_VARIABLES` (request, slot) pairs) that the heuristic did not
   place up to the bound go to CP-SAT with the heuristic's schedule as a hint, one worker and a
   deterministic time limit (for the same reason); its proven bound also tightens the upper
   bound. Tiny instances are thereby solved to optimality.

`status` is "optimal" when the schedule reaches the upper bound, else "feasible".
"""

from __future__ import annotations

import math
import random
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# Above this many (request, slot) booleans CP-SAT is not tried: its presolve and first
# solutions alone then take most of the time budget on two cores.
EXACT_VARIABLES = 60_000
# Nodes a breadth-first ejection chain may expand before giving up on one request, and within
# a swap (which tries many chains, most of them in vain).
CHAIN_NODES = 1_000
SWAP_CHAIN_NODES = 200
# Chain nodes the whole heuristic may expand: a count, not a clock, so that the same input
# gives the same schedule on any machine (about 5-10 s of Python; the clock is a safety net).
HEURISTIC_NODES = 1_000_000
SEED = 20_261_123


@dataclass(frozen=True)
class Participant:
    id: str
    available: tuple[str, ...]
    cap: int


@dataclass(frozen=True)
class Request:
    id: str
    a: str
    b: str


@dataclass(frozen=True)
class Placement:
    request: str
    slot: str
    table: int


@dataclass(frozen=True)
class Instance:
    slots: tuple[str, ...]
    tables: int
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...]
    fixed: tuple[Placement, ...] = ()


@dataclass(frozen=True)
class Schedule:
    meetings: tuple[Placement, ...]
    upper_bound: int
    seconds: float
    status: str


class InstanceError(ValueError):
    """An instance that breaks the format or the rules; the message names the entry."""


# ---------------------------------------------------------------------------------------------
# Reading and validating


def instance_from_json(data: Any) -> Instance:
    """Build an `Instance` from parsed JSON, raising `InstanceError` naming the bad entry."""
    top = _object(data, "instance", required=("slots", "tables", "participants", "requests"))
    _only_keys(top, "instance", ("slots", "tables", "participants", "requests", "fixed"))
    slots = tuple(_string(s, f"slots[{i}]") for i, s in enumerate(_list(top["slots"], "slots")))
    tables = _integer(top["tables"], "tables")
    participants = []
    for i, raw in enumerate(_list(top["participants"], "participants")):
        path = f"participants[{i}]"
        item = _object(raw, path, required=("id", "available", "cap"))
        _only_keys(item, path, ("id", "available", "cap"))
        available = _list(item["available"], f"{path}.available")
        participants.append(
            Participant(
                id=_string(item["id"], f"{path}.id"),
                available=tuple(
                    _string(s, f"{path}.available[{j}]") for j, s in enumerate(available)
                ),
                cap=_integer(item["cap"], f"{path}.cap"),
            )
        )
    requests = []
    for i, raw in enumerate(_list(top["requests"], "requests")):
        path = f"requests[{i}]"
        item = _object(raw, path, required=("id", "a", "b"))
        _only_keys(item, path, ("id", "a", "b"))
        requests.append(
            Request(
                id=_string(item["id"], f"{path}.id"),
                a=_string(item["a"], f"{path}.a"),
                b=_string(item["b"], f"{path}.b"),
            )
        )
    fixed = []
    for i, raw in enumerate(_list(top.get("fixed", []), "fixed")):
        path = f"fixed[{i}]"
        item = _object(raw, path, required=("request", "slot", "table"))
        _only_keys(item, path, ("request", "slot", "table"))
        fixed.append(
            Placement(
                request=_string(item["request"], f"{path}.request"),
                slot=_string(item["slot"], f"{path}.slot"),
                table=_integer(item["table"], f"{path}.table"),
            )
        )
    instance = Instance(
        slots=slots,
        tables=tables,
        participants=tuple(participants),
        requests=tuple(requests),
        fixed=tuple(fixed),
    )
    instance_validate(instance)
    return instance


def instance_validate(instance: Instance) -> None:
    """Raise `InstanceError` for unknown or duplicate ids, bad numbers and fixed meetings that
    break a rule."""
    slots: dict[str, int] = {}
    for i, slot in enumerate(instance.slots):
        if not slot:
            raise InstanceError(f"slots[{i}]: empty slot id")
        if slot in slots:
            raise InstanceError(
                f'slots[{i}]: duplicate slot id "{slot}" (also slots[{slots[slot]}])'
            )
        slots[slot] = i
    if instance.tables < 1:
        raise InstanceError(f"tables: must be at least 1, not {instance.tables}")
    people: dict[str, int] = {}
    for i, person in enumerate(instance.participants):
        path = f'participants[{i}] (id "{person.id}")'
        if not person.id:
            raise InstanceError(f"participants[{i}].id: empty participant id")
        if person.id in people:
            raise InstanceError(f"{path}: duplicate id (also participants[{people[person.id]}])")
        people[person.id] = i
        if person.cap < 0:
            raise InstanceError(
                f'participants[{i}].cap (id "{person.id}"): must not be negative, not {person.cap}'
            )
        seen: set[str] = set()
        for j, slot in enumerate(person.available):
            where = f'participants[{i}].available[{j}] (id "{person.id}")'
            if slot not in slots:
                raise InstanceError(f'{where}: slot "{slot}" is not in slots')
            if slot in seen:
                raise InstanceError(f'{where}: slot "{slot}" is listed twice')
            seen.add(slot)
    requests: dict[str, int] = {}
    for i, request in enumerate(instance.requests):
        path = f'requests[{i}] (id "{request.id}")'
        if not request.id:
            raise InstanceError(f"requests[{i}].id: empty request id")
        if request.id in requests:
            raise InstanceError(f"{path}: duplicate id (also requests[{requests[request.id]}])")
        requests[request.id] = i
        for side in ("a", "b"):
            person_id = getattr(request, side)
            if person_id not in people:
                raise InstanceError(f'{path}: participant "{person_id}" is not in participants')
        if request.a == request.b:
            raise InstanceError(f'{path}: a participant cannot meet themself ("{request.a}")')
    _fixed_validate(instance, people, requests)


def _fixed_validate(instance: Instance, people: dict[str, int], requests: dict[str, int]) -> None:
    slot_ids = set(instance.slots)
    available = {p.id: set(p.available) for p in instance.participants}
    caps = {p.id: p.cap for p in instance.participants}
    placed: dict[str, int] = {}
    tables: dict[tuple[str, int], int] = {}
    busy: dict[tuple[str, str], int] = {}
    count: dict[str, int] = {}
    for i, meeting in enumerate(instance.fixed):
        path = f'fixed[{i}] (request "{meeting.request}")'
        if meeting.request not in requests:
            raise InstanceError(f"{path}: the request is not in requests")
        if meeting.request in placed:
            raise InstanceError(
                f"{path}: the request is fixed twice (also fixed[{placed[meeting.request]}])"
            )
        placed[meeting.request] = i
        if meeting.slot not in slot_ids:
            raise InstanceError(f'{path}: slot "{meeting.slot}" is not in slots')
        if not 1 <= meeting.table <= instance.tables:
            raise InstanceError(
                f"{path}: table {meeting.table} is not between 1 and {instance.tables}"
            )
        if (meeting.slot, meeting.table) in tables:
            other = tables[(meeting.slot, meeting.table)]
            raise InstanceError(
                f'{path}: table {meeting.table} in slot "{meeting.slot}" is already taken by '
                f'fixed[{other}] (request "{instance.fixed[other].request}")'
            )
        tables[(meeting.slot, meeting.table)] = i
        request = instance.requests[requests[meeting.request]]
        for person in (request.a, request.b):
            if meeting.slot not in available[person]:
                raise InstanceError(
                    f'{path}: participant "{person}" is not available in slot "{meeting.slot}"'
                )
            if (person, meeting.slot) in busy:
                other = busy[(person, meeting.slot)]
                raise InstanceError(
                    f'{path}: participant "{person}" already meets in slot "{meeting.slot}" '
                    f'(fixed[{other}], request "{instance.fixed[other].request}")'
                )
            busy[(person, meeting.slot)] = i
            count[person] = count.get(person, 0) + 1
            if count[person] > caps[person]:
                raise InstanceError(
                    f'{path}: participant "{person}" would have more fixed meetings than '
                    f"their cap of {caps[person]}"
                )


def _object(value: Any, path: str, *, required: Sequence[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InstanceError(f"{path}: expected an object, got {_kind(value)}")
    for key in required:
        if key not in value:
            raise InstanceError(f'{path}: missing "{key}"')
    return value


def _only_keys(value: dict[str, Any], path: str, allowed: Sequence[str]) -> None:
    for key in value:
        if key not in allowed:
            raise InstanceError(f'{path}: unknown key "{key}"')


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise InstanceError(f"{path}: expected a list, got {_kind(value)}")
    return value


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise InstanceError(f"{path}: expected a string, got {_kind(value)}")
    return value


def _integer(value: Any, path: str) -> int:
    # bool is a subclass of int in Python; `"cap": true` is a mistake, not 1.
    if not isinstance(value, int) or isinstance(value, bool):
        raise InstanceError(f"{path}: expected an integer, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"the number {value!r}"
    return names.get(type(value), f"{type(value).__name__} {value!r}")


# ---------------------------------------------------------------------------------------------
# Solving


def schedule(instance: Instance, *, time_limit: float = 25.0) -> Schedule:
    """Place as many requests as possible; the fixed meetings stay as given."""
    started = time.perf_counter()
    instance_validate(instance)
    problem = _Problem(instance)
    bound = problem.upper_bound()
    state = _State(problem)
    state.heuristic(target=bound, deadline=started + 0.6 * time_limit)
    slot_of = list(state.slot_of)
    placed = sum(1 for s in slot_of if s >= 0)
    if placed < bound and problem.variables() <= EXACT_VARIABLES:
        # The work budget follows the time limit only, for determinism; the clock (less a
        # margin for numbering the tables) is a safety net.
        deadline = started + 0.95 * time_limit - 0.1
        exact, exact_bound = _cp_sat(
            problem, slot_of, bound=bound, work=0.3 * time_limit, deadline=deadline
        )
        if sum(1 for s in exact if s >= 0) > placed:
            slot_of = exact
            placed = sum(1 for s in exact if s >= 0)
        bound = min(bound, exact_bound)
    bound = max(bound, placed)  # a bound from a stopped solver can only be looser, never lower
    meetings = problem.placements(slot_of)
    total = len(instance.fixed) + bound
    return Schedule(
        meetings=meetings,
        upper_bound=total,
        seconds=round(time.perf_counter() - started, 3),
        status="optimal" if len(meetings) == total else "feasible",
    )


def schedule_to_json(result: Schedule) -> dict[str, Any]:
    """The JSON form of a schedule: meetings, upper bound, seconds, status and count placed."""
    return {
        "meetings": [
            {"request": m.request, "slot": m.slot, "table": m.table} for m in result.meetings
        ],
        "placed": len(result.meetings),
        "upper_bound": result.upper_bound,
        "status": result.status,
        "seconds": result.seconds,
    }


class _Problem:
    """The instance without its fixed meetings, by index: slots and participants as numbers,
    each participant's free slots as a bit mask."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        slot_index = {s: i for i, s in enumerate(instance.slots)}
        person_index = {p.id: i for i, p in enumerate(instance.participants)}
        self.n_slots = len(instance.slots)
        self.free = [0] * len(instance.participants)
        for i, person in enumerate(instance.participants):
            for slot in person.available:
                self.free[i] |= 1 << slot_index[slot]
        self.cap = [p.cap for p in instance.participants]
        self.tables = [instance.tables] * self.n_slots
        fixed_requests = {m.request for m in instance.fixed}
        by_id = {r.id: r for r in instance.requests}
        for meeting in instance.fixed:
            request = by_id[meeting.request]
            bit = 1 << slot_index[meeting.slot]
            for k in (person_index[request.a], person_index[request.b]):
                self.free[k] &= ~bit
                self.cap[k] -= 1
            self.tables[slot_index[meeting.slot]] -= 1
        # Only requests that could be placed at all: a common free slot, cap left on both sides.
        self.requests: list[Request] = []
        self.ends: list[tuple[int, int]] = []
        self.allowed: list[int] = []
        for request in instance.requests:
            if request.id in fixed_requests:
                continue
            a, b = person_index[request.a], person_index[request.b]
            allowed = self.free[a] & self.free[b]
            if allowed and self.cap[a] > 0 and self.cap[b] > 0:
                self.requests.append(request)
                self.ends.append((a, b))
                self.allowed.append(allowed)
        self.incident: list[list[int]] = [[] for _ in instance.participants]
        for e, (a, b) in enumerate(self.ends):
            self.incident[a].append(e)
            self.incident[b].append(e)
        self.half_used: list[float] = []

    def variables(self) -> int:
        return sum(m.bit_count() for m in self.allowed)

    def upper_bound(self) -> int:
        """A bound on the requests placeable besides the fixed ones (see the module docstring)."""
        n = len(self.cap)
        degree = [self._slot_matching(p) for p in range(n)]
        b = [min(self.cap[p], degree[p]) for p in range(n)]
        # OR-Tools loads in seconds; imported here so that pages never pay for it.
        from ortools.graph.python import max_flow

        flow = max_flow.SimpleMaxFlow()
        source, sink = 2 * n, 2 * n + 1
        for p in range(n):
            if b[p]:
                flow.add_arc_with_capacity(source, p, b[p])
                flow.add_arc_with_capacity(n + p, sink, b[p])
        arcs = []
        for a, c in self.ends:
            arcs.append(
                (flow.add_arc_with_capacity(a, n + c, 1), flow.add_arc_with_capacity(c, n + a, 1))
            )
        if arcs and flow.solve(source, sink) != flow.OPTIMAL:  # pragma: no cover - OR-Tools bug
            raise RuntimeError("max flow failed")
        total = flow.optimal_flow() if arcs else 0
        self.half_used = [(flow.flow(x) + flow.flow(y)) / 2 for x, y in arcs]
        per_slot = 0
        for s in range(self.n_slots):
            free_people = sum(1 for p in range(n) if self.free[p] >> s & 1 and b[p])
            per_slot += min(self.tables[s], free_people // 2)
        return min(total // 2, per_slot, len(self.ends))

    def _slot_matching(self, p: int) -> int:
        """How many of p's requests can get distinct free slots of p (Kuhn's augmenting paths)."""
        owner: dict[int, int] = {}

        def augment(e: int, seen: set[int]) -> bool:
            mask = self.allowed[e]
            while mask:
                low = mask & -mask
                mask ^= low
                s = low.bit_length() - 1
                if s in seen:
                    continue
                seen.add(s)
                if s not in owner or augment(owner[s], seen):
                    owner[s] = e
                    return True
            return False

        size = 0
        limit = min(self.cap[p], self.free[p].bit_count())
        for e in self.incident[p]:
            if size == limit:
                break
            if augment(e, set()):
                size += 1
        return size

    def placements(self, slot_of: Sequence[int]) -> tuple[Placement, ...]:
        """The fixed meetings and the placed requests, with tables numbered per slot."""
        instance = self.instance
        taken: dict[str, set[int]] = {s: set() for s in instance.slots}
        for meeting in instance.fixed:
            taken[meeting.slot].add(meeting.table)
        meetings = list(instance.fixed)
        next_table = dict.fromkeys(instance.slots, 1)
        for e, s in enumerate(slot_of):
            if s < 0:
                continue
            slot = instance.slots[s]
            table = next_table[slot]
            while table in taken[slot]:
                table += 1
            taken[slot].add(table)
            next_table[slot] = table + 1
            meetings.append(Placement(request=self.requests[e].id, slot=slot, table=table))
        order = {s: i for i, s in enumerate(instance.slots)}
        return tuple(sorted(meetings, key=lambda m: (order[m.slot], m.table)))


@dataclass
class _State:
    """A partial schedule of a `_Problem` and the moves that improve it."""

    problem: _Problem
    slot_of: list[int] = field(init=False)
    at: list[list[int]] = field(init=False)  # at[p][s]: p's request in slot s, or -1
    busy: list[int] = field(init=False)  # bit mask of p's slots in use
    count: list[int] = field(init=False)
    load: list[int] = field(init=False)
    # members[s]: the requests in slot s (a dict as an insertion-ordered set, for determinism)
    members: list[dict[int, None]] = field(init=False)
    expanded: int = field(init=False, default=0)  # chain nodes so far
    # (request, slot it had before) per change, while a move that may be undone is tried
    journal: list[tuple[int, int]] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        n, slots = len(self.problem.cap), self.problem.n_slots
        self.slot_of = [-1] * len(self.problem.ends)
        self.at = [[-1] * slots for _ in range(n)]
        self.busy = [0] * n
        self.count = [0] * n
        self.load = [0] * slots
        self.members = [{} for _ in range(slots)]

    def place(self, e: int, s: int) -> None:
        a, b = self.problem.ends[e]
        if self.journal is not None:
            self.journal.append((e, -1))
        self.slot_of[e] = s
        self.at[a][s] = self.at[b][s] = e
        self.busy[a] |= 1 << s
        self.busy[b] |= 1 << s
        self.count[a] += 1
        self.count[b] += 1
        self.load[s] += 1
        self.members[s][e] = None

    def remove(self, e: int) -> int:
        a, b = self.problem.ends[e]
        s = self.slot_of[e]
        if self.journal is not None:
            self.journal.append((e, s))
        self.slot_of[e] = -1
        self.at[a][s] = self.at[b][s] = -1
        self.busy[a] &= ~(1 << s)
        self.busy[b] &= ~(1 << s)
        self.count[a] -= 1
        self.count[b] -= 1
        self.load[s] -= 1
        del self.members[s][e]
        return s

    def open_slots(self) -> int:
        mask = 0
        for s, load in enumerate(self.load):
            if load < self.problem.tables[s]:
                mask |= 1 << s
        return mask

    def has_cap(self, e: int) -> bool:
        a, b = self.problem.ends[e]
        return self.count[a] < self.problem.cap[a] and self.count[b] < self.problem.cap[b]

    def free_slot(self, e: int, open_mask: int) -> int:
        """The least-loaded slot free for both people of e, or -1."""
        a, b = self.problem.ends[e]
        mask = self.problem.allowed[e] & ~self.busy[a] & ~self.busy[b] & open_mask
        best, best_load = -1, math.inf
        while mask:
            low = mask & -mask
            mask ^= low
            s = low.bit_length() - 1
            if self.load[s] < best_load:
                best, best_load = s, self.load[s]
        return best

    def heuristic(self, *, target: int, deadline: float) -> None:
        problem = self.problem
        order = sorted(
            range(len(problem.ends)),
            key=lambda e: (-problem.half_used[e], problem.allowed[e].bit_count(), e),
        )
        open_mask = self.open_slots()
        left = []
        for e in order:
            if not self.has_cap(e):
                left.append(e)
                continue
            s = self.free_slot(e, open_mask)
            if s < 0:
                left.append(e)
                continue
            self.place(e, s)
            if self.load[s] == problem.tables[s]:
                open_mask &= ~(1 << s)
        rng = random.Random(SEED)
        for _round in range(3):
            still = []
            for e in left:
                if self._done(target, deadline) or not (self.has_cap(e) and self.chain(e)):
                    still.append(e)
            still = [e for e in still if self._done(target, deadline) or not self.swap(e, rng)]
            if len(still) == len(left) or self._done(target, deadline):
                break
            left = still

    def _done(self, target: int, deadline: float) -> bool:
        # Nothing more to gain at the bound, and no chain can end when every slot's tables are
        # taken.
        return (
            sum(self.load) == target
            or not self.open_slots()
            or self.expanded > HEURISTIC_NODES
            or time.perf_counter() > deadline
        )

    def chain(self, start: int, budget: int = CHAIN_NODES) -> bool:
        """Place `start` by moving a chain of meetings, each to a slot where it displaces at
        most one other (a meeting of one of its people, or any meeting of a full slot); breadth
        first so that the chain is short."""
        problem = self.problem
        open_mask = self.open_slots()
        # parent[f] = (the request that displaces f, the slot it takes)
        parent: dict[int, tuple[int, int]] = {start: (-1, -1)}
        queue = deque([start])
        full_seen: set[int] = set()
        expanded = 0
        while queue and expanded < budget:
            f = queue.popleft()
            expanded += 1
            self.expanded += 1
            a, b = problem.ends[f]
            mask = problem.allowed[f]
            if self.slot_of[f] >= 0:
                mask &= ~(1 << self.slot_of[f])
            while mask:
                low = mask & -mask
                mask ^= low
                s = low.bit_length() - 1
                ga, gb = self.at[a][s], self.at[b][s]
                if ga < 0 and gb < 0:
                    if open_mask >> s & 1:
                        if self._apply(f, s, parent):
                            return True
                        continue
                    # Every table of s is taken: f may take the table of any meeting there,
                    # which then has to move on. Once per slot: after that they all have a
                    # parent already.
                    if s not in full_seen:
                        full_seen.add(s)
                        for g in self.members[s]:
                            if g not in parent:
                                parent[g] = (f, s)
                                queue.append(g)
                    continue
                if ga >= 0 and gb >= 0 and ga != gb:
                    continue
                g = ga if ga >= 0 else gb
                if g not in parent:
                    parent[g] = (f, s)
                    queue.append(g)
        return False

    def _apply(self, last: int, last_slot: int, parent: dict[int, tuple[int, int]]) -> bool:
        """Carry out the chain that ends with `last` moving to `last_slot`; undo it and return
        False when an earlier move of the same chain got in the way."""
        moves = [(last, last_slot)]
        f = last
        while parent[f][0] >= 0:
            moves.append(parent[f])
            f = parent[f][0]
        # moves[k] = (request, new slot), from the end of the chain back to the start.
        previous = {e: self.slot_of[e] for e, _ in moves}
        for e, _ in moves:
            if self.slot_of[e] >= 0:
                self.remove(e)
        done = []
        for e, s in moves:
            a, b = self.problem.ends[e]
            if self.at[a][s] >= 0 or self.at[b][s] >= 0 or self.load[s] >= self.problem.tables[s]:
                break
            self.place(e, s)
            done.append(e)
        else:
            return True
        for e in done:
            self.remove(e)
        for e, s in previous.items():
            if s >= 0:
                self.place(e, s)
        return False

    def swap(self, e: int, rng: random.Random) -> bool:
        """Place `e` = (a, b) where a (or b) is at cap by dropping a meeting (a, c) of theirs
        and placing another request of c instead: one meeting more, or nothing changed."""
        problem = self.problem
        cap = problem.cap
        for full, other in (problem.ends[e], problem.ends[e][::-1]):
            if self.count[other] >= cap[other] or self.count[full] < cap[full]:
                continue
            candidates = [f for f in self.at[full] if f >= 0]
            rng.shuffle(candidates)
            for f in candidates:
                self.journal = []
                self.remove(f)
                if self.chain(e, SWAP_CHAIN_NODES):
                    a, c = problem.ends[f]
                    freed = c if a == full else a
                    for g in problem.incident[freed]:
                        if (
                            g != f
                            and self.slot_of[g] < 0
                            and self.has_cap(g)
                            and self.chain(g, SWAP_CHAIN_NODES)
                        ):
                            self.journal = None
                            return True
                self.undo()
        return False

    def undo(self) -> None:
        """Take back every change since the journal was started, and stop journalling."""
        journal, self.journal = self.journal or [], None
        for e, s in reversed(journal):
            if self.slot_of[e] >= 0:
                self.remove(e)
            if s >= 0:
                self.place(e, s)


def _cp_sat(
    problem: _Problem, hint: Sequence[int], *, bound: int, work: float, deadline: float
) -> tuple[list[int], int]:
    """The exact model, hinted with the heuristic's schedule; its schedule and proven bound."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    chosen: list[list[tuple[int, cp_model.IntVar]]] = []
    per_person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    per_person: list[list[cp_model.IntVar]] = [[] for _ in problem.cap]
    per_slot: list[list[cp_model.IntVar]] = [[] for _ in range(problem.n_slots)]
    for e, (a, b) in enumerate(problem.ends):
        options = []
        for s in range(problem.n_slots):
            if problem.allowed[e] >> s & 1:
                x = model.new_bool_var(f"x{e}_{s}")
                model.add_hint(x, hint[e] == s)
                options.append((s, x))
                per_person_slot.setdefault((a, s), []).append(x)
                per_person_slot.setdefault((b, s), []).append(x)
                per_person[a].append(x)
                per_person[b].append(x)
                per_slot[s].append(x)
        model.add_at_most_one(x for _, x in options)
        chosen.append(options)
    for xs in per_person_slot.values():
        if len(xs) > 1:
            model.add_at_most_one(xs)
    for p, xs in enumerate(per_person):
        if len(xs) > problem.cap[p]:
            model.add(sum(xs) <= problem.cap[p])
    for s, xs in enumerate(per_slot):
        if len(xs) > problem.tables[s]:
            model.add(sum(xs) <= problem.tables[s])
    placed = sum(x for options in chosen for _, x in options)
    # The flow bound as a constraint: the search stops as soon as a schedule reaches it.
    model.add(placed <= bound)
    model.maximize(placed)
    seconds = deadline - time.perf_counter()
    if seconds < 0.2:
        return list(hint), bound
    solver = cp_model.CpSolver()
    # One worker and a deterministic time limit: the same input gives the same schedule; the
    # wall-clock limit is only a safety net.
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = SEED % 2**31
    solver.parameters.max_deterministic_time = work
    solver.parameters.max_time_in_seconds = seconds
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return list(hint), bound
    result = [-1] * len(problem.ends)
    for e, options in enumerate(chosen):
        for s, x in options:
            if solver.boolean_value(x):
                result[e] = s
    return result, math.floor(solver.best_objective_bound + 1e-6)


# ---------------------------------------------------------------------------------------------
# Checking


def check(instance: Instance, result: Schedule) -> list[str]:
    """Every rule the schedule breaks, as messages; empty when it is valid."""
    problems: list[str] = []
    slots = set(instance.slots)
    people = {p.id: p for p in instance.participants}
    requests = {r.id: r for r in instance.requests}
    seen_request: dict[str, int] = {}
    seen_table: dict[tuple[str, int], int] = {}
    seen_person: dict[tuple[str, str], int] = {}
    count: dict[str, int] = {}
    per_slot: dict[str, int] = {}
    for i, meeting in enumerate(result.meetings):
        path = f'meetings[{i}] (request "{meeting.request}")'
        request = requests.get(meeting.request)
        if request is None:
            problems.append(f"{path}: the request is not in requests")
            continue
        if meeting.request in seen_request:
            problems.append(
                f"{path}: placed twice (also meetings[{seen_request[meeting.request]}])"
            )
        seen_request[meeting.request] = i
        if meeting.slot not in slots:
            problems.append(f'{path}: slot "{meeting.slot}" is not in slots')
            continue
        per_slot[meeting.slot] = per_slot.get(meeting.slot, 0) + 1
        if not 1 <= meeting.table <= instance.tables:
            problems.append(f"{path}: table {meeting.table} is not between 1 and {instance.tables}")
        key = (meeting.slot, meeting.table)
        if key in seen_table:
            problems.append(
                f'{path}: table {meeting.table} in slot "{meeting.slot}" is also used by '
                f"meetings[{seen_table[key]}]"
            )
        seen_table[key] = i
        for person in (request.a, request.b):
            if meeting.slot not in people[person].available:
                problems.append(f'{path}: "{person}" is not available in slot "{meeting.slot}"')
            if (person, meeting.slot) in seen_person:
                problems.append(
                    f'{path}: "{person}" has another meeting in slot "{meeting.slot}" '
                    f"(meetings[{seen_person[(person, meeting.slot)]}])"
                )
            seen_person[(person, meeting.slot)] = i
            count[person] = count.get(person, 0) + 1
    for slot, n in per_slot.items():
        if n > instance.tables:
            problems.append(f'slot "{slot}": {n} meetings for {instance.tables} tables')
    for person, n in count.items():
        if n > people[person].cap:
            problems.append(
                f'participant "{person}": {n} meetings, more than the cap of {people[person].cap}'
            )
    placed = set(result.meetings)
    for i, meeting in enumerate(instance.fixed):
        if meeting not in placed:
            problems.append(
                f'fixed[{i}] (request "{meeting.request}"): not in the schedule at slot '
                f'"{meeting.slot}", table {meeting.table}'
            )
    if len(result.meetings) > result.upper_bound:
        problems.append(
            f"{len(result.meetings)} meetings placed but the upper bound is {result.upper_bound}"
        )
    expected = "optimal" if len(result.meetings) == result.upper_bound else "feasible"
    if result.status != expected:
        problems.append(f'status is "{result.status}", expected "{expected}"')
    return problems
