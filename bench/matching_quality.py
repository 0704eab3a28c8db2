"""Skills-matching quality and speed: SkillSkape DEV against all ESCO v1.1.1 skills.

Prints one table for BM25 alone, the embedding alone and the fused engine (with and without
the TRAIN split's sentences as examples): R-Precision@5, R-Precision@10, MRR and sentences per
second after start-up; then the start-up times and a job-title -> occupation check on French
and Spanish ESCO occupation labels held out of the index (150 per language, seeded), plus a
small hand-written spot check in German, Italian, Dutch, Polish and Greek.

    uv run python bench/matching_quality.py            # progress on stderr, results on stdout

The first run encodes every ESCO label (about 7 minutes on 2 cores) into var/engine-cache/;
later runs load the vectors and finish in a couple of minutes. Nothing here is tuned on DEV or
on the held-out titles: the engine's parameters come from `engine/learn.py` (TRAIN only).
"""

from __future__ import annotations

import argparse
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

# Hand-written translations of a few health and other titles (not ESCO labels), to see whether
# languages ESCO's French/Spanish files do not cover reach the right English concept.
SPOT_CHECK: dict[str, dict[str, str]] = {
    "nurse responsible for general care": {
        "de": "Krankenpfleger",
        "it": "infermiere",
        "nl": "verpleegkundige",
        "pl": "pielęgniarka",
        "el": "νοσηλευτής",
    },
    "software developer": {
        "de": "Softwareentwickler",
        "it": "sviluppatore software",
        "nl": "softwareontwikkelaar",
        "pl": "programista",
        "el": "προγραμματιστής λογισμικού",
    },
    "pharmacist": {
        "de": "Apotheker",
        "it": "farmacista",
        "nl": "apotheker",
        "pl": "farmaceuta",
        "el": "φαρμακοποιός",
    },
    "physiotherapist": {
        "de": "Physiotherapeut",
        "it": "fisioterapista",
        "nl": "fysiotherapeut",
        "pl": "fizjoterapeuta",
        "el": "φυσιοθεραπευτής",
    },
    "cook": {"de": "Koch", "it": "cuoco", "nl": "kok", "pl": "kucharz", "el": "μάγειρας"},
    "general practitioner": {
        "de": "Allgemeinarzt",
        "it": "medico di medicina generale",
        "nl": "huisarts",
        "pl": "lekarz rodzinny",
        "el": "γενικός ιατρός",
    },
    "secondary school teacher": {
        "de": "Gymnasiallehrer",
        "it": "insegnante di scuola secondaria",
        "nl": "leraar voortgezet onderwijs",
        "pl": "nauczyciel szkoły średniej",
        "el": "καθηγητής δευτεροβάθμιας εκπαίδευσης",
    },
    "electrician": {
        "de": "Elektriker",
        "it": "elettricista",
        "nl": "elektricien",
        "pl": "elektryk",
        "el": "ηλεκτρολόγος",
    },
}


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

    print("\nspot check, hand-written titles (top-5 hit / top-1 label)")
    by_label = {c.preferred_label: c.uri for c in full.occupations.concepts}
    spot_langs = ("de", "it", "nl", "pl", "el")
    print(f"{'expected':{width}s} " + " ".join(f"{lang:>4s}" for lang in spot_langs))
    hits = dict.fromkeys(spot_langs, 0)
    for expected, titles in SPOT_CHECK.items():
        results = full.match_occupations([titles[lang] for lang in spot_langs], top=5)
        marks = []
        for lang, r in zip(spot_langs, results, strict=True):
            uris = [m.uri for m in r]
            mark = (
                "1"
                if uris[:1] == [by_label[expected]]
                else ("5" if by_label[expected] in uris else "-")
            )
            hits[lang] += mark != "-"
            marks.append(mark)
        print(f"{expected:{width}s} " + " ".join(f"{m:>4s}" for m in marks))
    print(
        f"{'top-5 hits':{width}s} "
        + " ".join(f"{hits[lang]:>4d}" for lang in spot_langs)
        + f"  (of {len(SPOT_CHECK)}; 1 = first, 5 = in top 5, - = missed)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
