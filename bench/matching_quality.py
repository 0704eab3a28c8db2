"""Skills-matching quality and speed: SkillSkape DEV against all ESCO v1.1.1 skills.

Prints one table for BM25 alone, the embedding alone and the fused engine (with and without
the TRAIN split's sentences as examples): R-Precision@5, R-Precision@10, MRR and sentences per
second after start-up; then the start-up times and a job-title -> occupation check on French
and Spanish ESCO occupation labels held out of the index (150 per language, seeded), plus
hand-written plain job titles in English, German, Italian, Dutch, Polish and Greek
(bench/data/job_titles_multilingual.json: top-1 and top-5 per language, and the misses).

    uv run python bench/matching_quality.py            # progress on stderr, results on stdout

The first run encodes every ESCO label (about 7 minutes on 2 cores) into var/engine-cache/;
later runs load the vectors and finish in a couple of minutes. Nothing here is tuned on DEV or
on the held-out titles: the engine's parameters come from `engine/learn.py` (TRAIN only).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from skillspact.taxonomy.engine import (  # noqa: E402
    MatchingEngine,
    build_engine,
    load_esco_concepts,
    load_examples,
    normalise,
)
from skillspact.taxonomy.engine.engine import _label_variants  # noqa: E402
from skillspact.taxonomy.engine.esco import read_labels  # noqa: E402
from skillspact.taxonomy.engine.learn import fit_projection  # noqa: E402
from skillspact.taxonomy.engine.text import terms  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
VERSION = "esco-v1.1.1"

# Hand-written plain job titles (en, de, it, nl, pl, el) with the ESCO occupation they mean; held
# out: nothing in the engine is built or tuned on them. Provenance in the file's "about".
TITLES_FILE = ROOT / "bench" / "data" / "job_titles_multilingual.json"
MISS_LINES = 3  # lines of misses printed per language


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def rank_metrics(order: np.ndarray, gold: Sequence[set[int]]) -> tuple[float, float, float]:
    """RP@5, RP@10 and MRR (within the first 100) of rankings `order` (n, >=100)."""
    rp5 = rp10 = mrr = 0.0
    for row, g in zip(order, gold, strict=True):
        rp5 += len(g.intersection(row[:5].tolist())) / min(5, len(g))
        rp10 += len(g.intersection(row[:10].tolist())) / min(10, len(g))
        hits = np.flatnonzero(np.isin(row[:100], list(g)))
        mrr += 1.0 / (hits[0] + 1) if len(hits) else 0.0
    n = len(gold)
    return rp5 / n, rp10 / n, mrr / n


def top_order(scores: np.ndarray, k: int = 100) -> np.ndarray:
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(scores, part, axis=1)
    return np.take_along_axis(part, np.argsort(-vals, axis=1, kind="stable"), axis=1)


def timed_rate(
    fn: Callable[[list[str]], Any], texts: list[str], repeats: int = 2
) -> tuple[float, float]:
    """Sentences per second of fn over texts: (wall clock, CPU time of this process), best of
    `repeats`. The CPU rate hardly moves when other processes load the machine."""
    fn(texts[:32])  # warm-up
    wall = cpu = float("inf")
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn(texts)
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    return len(texts) / wall, len(texts) / cpu


def skills_table(
    engine: MatchingEngine,
    dev: list[tuple[str, list[str]]],
    train: list[tuple[str, list[str]]],
) -> list[tuple]:
    index = engine.skills
    texts = [t for t, _ in dev]
    gold = [{index.position[u] for u in uris} for _, uris in dev]
    rows = []

    def bm25_only(batch: list[str]) -> np.ndarray:
        return top_order(index.bm25.score([terms(t) for t in batch]).toarray(), 10)

    def embedding_only(batch: list[str]) -> np.ndarray:
        return top_order(engine.encoder.encode(batch) @ index.vectors.T, 10)

    log("scoring BM25 alone")
    order = top_order(index.bm25.score([terms(t) for t in texts]).toarray())
    rows.append(
        ("BM25 (labels + descriptions)", *rank_metrics(order, gold), timed_rate(bm25_only, texts))
    )
    log("scoring the embedding alone")
    vectors = engine.encoder.encode(texts)
    order = top_order(vectors @ index.vectors.T)
    rows.append(
        (
            "embedding (USE-m, labels + descr.)",
            *rank_metrics(order, gold),
            timed_rate(embedding_only, texts),
        )
    )

    log("scoring zero-shot with a projection learnt without any DEV skill (unseen skills)")
    dev_skills = set().union(*gold)
    pairs = [
        (i, index.position[u])
        for i, (_, uris) in enumerate(train)
        for u in uris
        if u in index.position and index.position[u] not in dev_skills
    ]
    train_vectors = engine.store.vectors([t for t, _ in train])
    projection = fit_projection(
        train_vectors[[i for i, _ in pairs]], index.vectors[[c for _, c in pairs]]
    )
    zero_weights = engine.params.skill_weights_zero_shot
    fused = np.zeros((len(texts), len(index)), dtype=np.float32)
    for start in range(0, len(texts), 256):
        feats = engine.skill_features(
            texts[start : start + 256], examples=None, projection=projection
        )
        fused[start : start + 256] = sum(w * feats[n] for n, w in zero_weights.items() if w)
    order = top_order(fused)
    rows.append(
        ("fused, zero-shot, DEV skills unseen", *rank_metrics(order, gold), (np.nan, np.nan))
    )

    examples = engine.examples
    engine.examples = None
    log("scoring the fused engine without examples (zero-shot)")
    order = top_order(engine.skill_scores(texts))
    rate = timed_rate(lambda b: engine.match_skills(b, top=10), texts)
    rows.append(("fused, zero-shot (no TRAIN examples)", *rank_metrics(order, gold), rate))
    engine.examples = examples
    log("scoring the fused engine with TRAIN sentences as examples")
    order = top_order(engine.skill_scores(texts))
    rate = timed_rate(lambda b: engine.match_skills(b, top=10), texts)
    rows.append(("fused engine (+ TRAIN examples)", *rank_metrics(order, gold), rate))
    return rows


def occupation_dev(
    concepts: list[dict[str, Any]], per_language: int, seed: int
) -> dict[str, list[tuple[str, str]]]:
    """(title, uri) pairs per language: one random label of a random occupation each."""
    english = {c["uri"] for c in concepts if c["type"] == "occupation"}
    sources = [SHARED / "esco" / "v1.0.x_trimmed_fr_es", SHARED / "esco" / "v1.1.1" / "fr_partial"]
    rng = random.Random(seed)
    dev: dict[str, list[tuple[str, str]]] = {}
    for lang in ("fr", "es"):
        labels: dict[str, list[str]] = {}
        for source in sources:
            for uri, ls in read_labels(source, "occupation", lang).items():
                if uri in english:
                    labels.setdefault(uri, []).extend(x for x in ls if x not in labels.get(uri, []))
        uris = sorted(labels)
        chosen = rng.sample(uris, per_language)
        dev[lang] = [(rng.choice(labels[u]), u) for u in chosen]
    return dev


def hold_out(concepts: list[dict[str, Any]], dev: dict[str, list[tuple[str, str]]]) -> list[dict]:
    """Copies of the occupation concepts without any label that shares a form with a dev title."""
    banned: dict[str, set[str]] = {}
    for pairs in dev.values():
        for title, uri in pairs:
            banned.setdefault(uri, set()).update(normalise(v) for v in _label_variants(title))
    out = []
    for c in concepts:
        if c["type"] != "occupation":
            continue
        gone = banned.get(c["uri"], set())
        out.append(
            {
                **c,
                "labels_by_language": {
                    lang: [
                        x
                        for x in labels
                        if not gone.intersection(normalise(v) for v in _label_variants(x))
                    ]
                    for lang, labels in c["labels_by_language"].items()
                },
            }
        )
    return out


def occupation_accuracy(
    engine: MatchingEngine, pairs: list[tuple[str, str]]
) -> tuple[float, float, float]:
    started = time.perf_counter()
    results = engine.match_occupations([t for t, _ in pairs], top=5)
    rate = len(pairs) / (time.perf_counter() - started)
    top1 = sum(bool(r) and r[0].uri == u for r, (_, u) in zip(results, pairs, strict=True))
    top5 = sum(u in {m.uri for m in r} for r, (_, u) in zip(results, pairs, strict=True))
    return top1 / len(pairs), top5 / len(pairs), rate


def load_hand_written(path: Path = TITLES_FILE) -> tuple[list[str], list[dict[str, Any]]]:
    """The languages and the entries of the hand-written job-title file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data["languages"]), list(data["titles"])


def _wrap(items: list[str], width: int, lines: int) -> list[str]:
    """`items` joined with "; " into at most `lines` lines of about `width` characters."""
    out: list[str] = []
    current = ""
    for n, item in enumerate(items):
        candidate = f"{current}; {item}" if current else item
        if len(candidate) <= width or not current:
            current = candidate
            continue
        out.append(current)
        current = item
        if len(out) == lines:
            return [*out[:-1], f"{out[-1]}; ... (+{len(items) - n} more)"]
    return [*out, current] if current else out


def hand_written_report(engine: MatchingEngine, width: int) -> None:
    """Top-1 / top-5 per language on the hand-written titles, then each language's misses."""
    languages, entries = load_hand_written()
    by_label = {c.preferred_label: c.uri for c in engine.occupations.concepts}
    unknown = [e["expected"] for e in entries if e["expected"] not in by_label]
    if unknown:
        raise SystemExit(f"{TITLES_FILE.name}: not ESCO occupation labels: {unknown}")
    label_of = {uri: label for label, uri in by_label.items()}
    health = sum(e["group"] == "health" for e in entries)
    print(
        f"\nhand-written plain job titles ({TITLES_FILE.relative_to(ROOT)}): {len(entries)} "
        f"occupations ({health} health), 1-3 everyday forms per language; never used for tuning"
    )
    print(
        f"{'language':{width}s} {'titles':>6s} {'top-1':>6s} {'top-5':>6s} "
        f"{'health':>6s} {'other':>6s} {'verbatim':>8s}"
    )
    misses: dict[str, list[str]] = {}
    for lang in languages:
        pairs = [(title, e) for e in entries for title in e[lang]]
        results = engine.match_occupations([t for t, _ in pairs], top=5)
        first = {"health": [0, 0], "general": [0, 0]}
        top1 = top5 = verbatim = 0
        misses[lang] = []
        for (title, entry), matches in zip(pairs, results, strict=True):
            uris = [m.uri for m in matches]
            expected = by_label[entry["expected"]]
            hit = uris[:1] == [expected]
            top1 += hit
            top5 += expected in uris
            first[entry["group"]][0] += hit
            first[entry["group"]][1] += 1
            # A title that is some occupation's label word for word (after folding), in any
            # language of the index: found by the exact-label path, not by understanding.
            verbatim += normalise(title) in engine.occupations.exact
            if not hit:
                got = label_of.get(uris[0], "?") if uris else "nothing"
                rank = f" [{uris.index(expected) + 1}]" if expected in uris else ""
                misses[lang].append(f"{title} -> {got}{rank}")
        n = len(pairs)
        health_1, health_n = first["health"]
        other_1, other_n = first["general"]
        print(
            f"{lang:{width}s} {n:6d} {top1 / n:6.3f} {top5 / n:6.3f} "
            f"{health_1 / max(health_n, 1):6.3f} {other_1 / max(other_n, 1):6.3f} {verbatim:8d}"
        )
    print(
        "health / other = top-1 among the health and the other occupations; verbatim = titles "
        "equal to an\nindexed label after folding (the index holds English, French and Spanish "
        "labels only)"
    )
    print("\nmisses (title -> what came first [rank of the expected one, if in the top 5])")
    for lang in languages:
        lines = _wrap(misses[lang], 100, MISS_LINES) or ["none"]
        print(f"  {lang}: {lines[0]}")
        for line in lines[1:]:
            print(f"      {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=str(ROOT / "var" / "engine-cache"))
    parser.add_argument("--titles", type=int, default=150, help="held-out titles per language")
    parser.add_argument("--seed", type=int, default=20250101)
    args = parser.parse_args()

    esco = SHARED / "esco" / "v1.1.1"
    languages = [esco / "fr_partial", SHARED / "esco" / "v1.0.x_trimmed_fr_es"]
    log("reading ESCO CSVs and SkillSkape")
    started = time.perf_counter()
    concepts = list(load_esco_concepts(esco, language_dirs=languages))
    train = load_examples(SHARED / "skillskape" / "train.jsonl")
    dev = load_examples(SHARED / "skillskape" / "dev.jsonl")
    read_seconds = time.perf_counter() - started

    log("building the engine (first run encodes every label; later runs load var/engine-cache)")
    started = time.perf_counter()
    engine = build_engine(
        [c for c in concepts if c["type"] == "skill"],
        version=VERSION,
        cache_dir=args.cache,
        examples=train,
        progress=log,
    )
    skill_build = time.perf_counter() - started
    encoded_skills = engine.store.encoded

    rows = skills_table(engine, dev, train)

    log("job titles -> occupations")
    occupation_sets = occupation_dev(concepts, args.titles, args.seed)
    started = time.perf_counter()
    held = build_engine(hold_out(concepts, occupation_sets), version=VERSION, cache_dir=args.cache)
    occupation_build = time.perf_counter() - started
    full = build_engine(
        [c for c in concepts if c["type"] == "occupation"], version=VERSION, cache_dir=args.cache
    )

    width = 38
    print(f"\nSkillSkape DEV: {len(dev)} sentences vs {len(engine.skills)} ESCO v1.1.1 skills")
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end; "
        "sent/s = sentences per second after start-up (wall clock);\n"
        "CPU s/s = sentences per second of this process's CPU time (steady under others' load)\n"
    )
    print(
        f"{'system':{width}s} {'RP@5':>6s} {'RP@10':>6s} {'MRR':>6s} {'sent/s':>8s} {'CPU s/s':>8s}"
    )
    for name, rp5, rp10, mrr, rate in rows:
        speed = "       -        -" if np.isnan(rate[0]) else f"{rate[0]:8.0f} {rate[1]:8.0f}"
        print(f"{name:{width}s} {rp5:6.3f} {rp10:6.3f} {mrr:6.3f} {speed}")
    print("\nstart-up")
    print(f"  read ESCO CSVs + SkillSkape           {read_seconds:6.1f} s")
    how = f"{encoded_skills} texts encoded" if encoded_skills else "vectors loaded from cache"
    print(f"  skills engine build                   {skill_build:6.1f} s  ({how})")
    print(f"  occupations engine build              {occupation_build:6.1f} s")
    print(f"  vector cache                          {engine.store.path}")

    print(f"\njob title -> occupation ({args.titles} ESCO titles per language, seed {args.seed})")
    print(f"{'titles':{width}s} {'top-1':>6s} {'top-5':>6s} {'titles/s':>8s}")
    for lang, pairs in occupation_sets.items():
        top1, top5, rate = occupation_accuracy(held, pairs)
        print(f"{lang + ', held out of the index':{width}s} {top1:6.3f} {top5:6.3f} {rate:8.0f}")
    for lang, pairs in occupation_sets.items():
        top1, top5, rate = occupation_accuracy(full, pairs)
        print(f"{lang + ', label in the index':{width}s} {top1:6.3f} {top5:6.3f} {rate:8.0f}")

    hand_written_report(full, width)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
