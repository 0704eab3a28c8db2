"""Pathway planner: plan time, optimality and coverage over random profiles and a 50,000-course
catalogue built from the shipped ESCO copy's real occupation-skill relations.

Courses each cover 2-8 skills of one occupation (so they are related), take 8-200 hours and cost
0-3,000; modes, EQF levels, some prerequisites and some fixed dates. A profile holds a random
health occupation's essential skills (ISCO 22xx, 32xx, 532x) and aims at a random other
occupation or an emerging health role (essential skills weight 1, optional ones 0.25), with
random constraints. Prints p50/p95/max plan time, the share proven optimal, the worst and mean
gap to the bound, and the share fully covered. The goal: p95 under 300 ms, optimal or within
2 % of the bound. No database and no Django settings are needed.

    .venv/bin/python bench/pathway_planner.py
    .venv/bin/python bench/pathway_planner.py --courses 50000 --profiles 1000 --seed 2026
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import re
import sys
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from skillspact.pathways import planner  # noqa: E402

ESCO_ZIP = ROOT / "skillspact" / "taxonomy" / "data" / "esco-v1.1.1-en.zip"
SEED_FILE = ROOT / "skillspact" / "taxonomy" / "seed.py"
HEALTH_ISCO = ("22", "32", "532")
TODAY = date(2027, 1, 4)


def esco_relations() -> tuple[dict[str, list[tuple[str, bool]]], set[str]]:
    """occupation URI -> [(skill URI, is_essential)], and the health occupations' URIs."""
    relations: dict[str, list[tuple[str, bool]]] = {}
    health: set[str] = set()
    with zipfile.ZipFile(ESCO_ZIP) as archive:
        with archive.open("occupationSkillRelations.csv") as raw:
            for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")):
                relations.setdefault(row["occupationUri"], []).append(
                    (row["skillUri"], row["relationType"] == "essential")
                )
        with archive.open("occupations_en.csv") as raw:
            for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")):
                if str(row["iscoGroup"]).startswith(HEALTH_ISCO):
                    health.add(row["conceptUri"])
    return relations, health & relations.keys()


def local_roles() -> dict[str, list[tuple[str, bool]]]:
    """The emerging health roles' profiles, read from the seed file's text (no Django)."""
    text = SEED_FILE.read_text(encoding="utf-8")
    roles: dict[str, list[tuple[str, bool]]] = {}
    for block in text.split("RoleSeed(")[2:]:
        slug = re.search(r'slug="([^"]+)"', block)
        skills = re.findall(r'\{SKILL\}([0-9a-f-]{36})",?\s*\)?,?\s*(ESSENTIAL|OPTIONAL)', block)
        if slug and skills:
            roles[f"local:{slug.group(1)}"] = [
                (f"http://data.europa.eu/esco/skill/{uuid}", kind == "ESSENTIAL")
                for uuid, kind in skills
            ]
    return roles


def catalogue(
    relations: dict[str, list[tuple[str, bool]]], *, size: int, rng: random.Random
) -> tuple[planner.CourseOption, ...]:
    occupations = sorted(relations)
    courses: list[planner.CourseOption] = []
    for i in range(size):
        skills = [uri for uri, _ in relations[rng.choice(occupations)]]
        chosen = frozenset(rng.sample(skills, min(len(skills), rng.randint(2, 8))))
        hours = float(rng.randint(8, 200))
        cost = 0.0 if rng.random() < 0.15 else float(round(rng.uniform(50, 3000), -1))
        mode = rng.choices(planner.MODES, weights=(5, 2, 3))[0]
        prerequisites: tuple[str, ...] = ()
        if courses and rng.random() < 0.1:
            prerequisites = (rng.choice(courses[-200:]).id,)
        starts_on = ends_on = None
        if rng.random() < 0.3:
            starts_on = TODAY + timedelta(days=rng.randint(7, 400))
            ends_on = starts_on + timedelta(days=rng.randint(1, 120))
        courses.append(
            planner.CourseOption(
                id=f"c{i}",
                skills=chosen,
                hours=hours,
                cost=cost,
                prerequisites=prerequisites,
                mode=mode,
                eqf_level=rng.choice([None, 4, 5, 5, 6, 6, 7]),
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )
    return tuple(courses)


def profile(
    courses: tuple[planner.CourseOption, ...],
    relations: dict[str, list[tuple[str, bool]]],
    health: list[str],
    targets: list[str],
    rng: random.Random,
) -> planner.PlanInstance:
    held = frozenset(uri for uri, essential in relations[rng.choice(health)] if essential)
    goal = rng.choice(targets)
    target = tuple(
        planner.TargetSkill(uri, 1.0 if essential else 0.25) for uri, essential in relations[goal]
    )
    return planner.PlanInstance(
        courses=courses,
        held=held,
        target=target,
        objective=rng.choice(["hours", "cost"]),
        max_hours=rng.choice([None, None, float(rng.randint(100, 1200))]),
        max_cost=rng.choice([None, None, float(rng.randint(500, 8000))]),
        modes=rng.choice([None, None, frozenset({"online"}), frozenset({"online", "blended"})]),
        start_eqf_level=rng.choice([None, 3, 4, 5, 6]),
        today=TODAY,
        hours_per_week=float(rng.randint(4, 20)),
        deadline=rng.choice([None, TODAY + timedelta(days=rng.randint(90, 900))]),
        time_limit_s=0.25,
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--courses", type=int, default=50_000)
    parser.add_argument("--profiles", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"Pathway planner: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    started = time.perf_counter()
    relations, health_set = esco_relations()
    roles = local_roles()
    relations.update(roles)
    courses = catalogue(relations, size=args.courses, rng=rng)
    health = sorted(health_set)
    targets = [uri for uri in sorted(relations) if uri not in health_set]
    print(
        f"  {len(courses):,} courses from {len(relations):,} occupations and roles "
        f"({len(roles)} local roles, {len(health)} health occupations); "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    planner.plan(profile(courses, relations, health, targets, rng))  # imports OR-Tools, indexes
    seconds, gaps, optimal, full, missing_counts = [], [], 0, 0, []
    for _ in range(args.profiles):
        instance = profile(courses, relations, health, targets, rng)
        began = time.perf_counter()
        result = planner.plan(instance)
        seconds.append(time.perf_counter() - began)
        optimal += result.optimal
        full += not result.uncovered
        missing_counts.append(len(result.covered) + len(result.uncovered))
        gap = (
            0.0
            if result.optimal or result.objective == 0
            else ((result.objective - result.bound) / result.objective)
        )
        gaps.append(gap)
    n = len(seconds)
    print(f"  {n} profiles; missing skills per profile: p50 {percentile(missing_counts, 50):.0f}")
    print(
        f"  plan time: p50 {percentile(seconds, 50) * 1000:.0f} ms, "
        f"p95 {percentile(seconds, 95) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms "
        "(goal: p95 under 300 ms)"
    )
    within = sum(1 for gap in gaps if gap <= 0.02)
    print(
        f"  proven optimal: {optimal / n:.1%}; optimal or within 2 % of the bound: "
        f"{within / n:.1%}; gap to the bound: worst {max(gaps):.2%}, mean {sum(gaps) / n:.3%}"
    )
    print(f"  fully covered: {full / n:.1%}")


if __name__ == "__main__":
    main()
