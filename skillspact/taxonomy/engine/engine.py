"""The matching engine: text -> ESCO skills, job title -> ESCO occupations.

For each concept type the engine keeps

* a BM25 index over the concept's labels (English and any other language) and, for skills,
  its description at a lower weight;
* a vector per concept: the mean of its English label vectors plus half its description
  vector (skills), or every label vector in every language (occupations, ranked by the best
  label);
* optionally, labelled example sentences ("documents" of the skills they name): a sentence
  like an example votes for the example's skills, found both by BM25 and by cosine;
* a linear projection, learnt from examples, that maps a job-ad sentence's vector towards the
  vectors of the skills it names.

The features are fused by a weighted sum whose weights were tuned on training sentences
(`learn.py`), and a logistic calibration turns the sum into a score between 0 and 1.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from . import text as textmod
from .bm25 import BM25Index
from .concepts import Concept, concept_from_dict
from .encoder import Encoder, UseEncoder
from .vectors import VectorStore

PARAMS_DIR = Path(__file__).resolve().parent / "data"
SKILL_FEATURES = ("bm25", "cosine", "projected", "example_cosine", "example_bm25")
OCCUPATION_FEATURES = ("bm25", "best_label", "centroid", "exact")
# How many nearest example sentences vote, and how sharply closer ones count more.
EXAMPLE_NEIGHBOURS = 30
EXAMPLE_POWER = 3.0
DESCRIPTION_WEIGHT = 0.3  # a description term counts this much of a label term in BM25
BATCH = 256


@dataclass(frozen=True, slots=True)
class Match:
    """A concept found in a text: its URI and preferred label, a score in [0, 1], and the
    character span [start, end) of the input text that triggered it."""

    uri: str
    label: str
    score: float
    start: int
    end: int


@dataclass
class EngineParams:
    """Everything the engine learnt from examples: fusion weights, score calibration and the
    sentence-to-concept projection (for one encoder)."""

    encoder: str = UseEncoder.name
    skill_weights: dict[str, float] = field(
        default_factory=lambda: {
            "bm25": 1.0,
            "cosine": 1.0,
            "projected": 0.0,
            "example_cosine": 1.0,
            "example_bm25": 1.0,
        }
    )
    #: Weights used when the engine has no examples (zero-shot: labels and descriptions only).
    skill_weights_zero_shot: dict[str, float] = field(
        default_factory=lambda: {"bm25": 1.0, "cosine": 1.0, "projected": 0.0}
    )
    skill_calibration: tuple[float, float] = (4.0, -4.0)
    skill_calibration_zero_shot: tuple[float, float] = (4.0, -4.0)
    occupation_weights: dict[str, float] = field(
        default_factory=lambda: {"bm25": 0.3, "best_label": 1.0, "centroid": 0.3, "exact": 0.5}
    )
    occupation_calibration: tuple[float, float] = (6.0, -6.0)
    projection: np.ndarray | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    def save(self, directory: str | Path, name: str = "params") -> None:
        """Write `<name>.json` and, if there is a projection, `<name>.projection.npy`."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        data = {
            "encoder": self.encoder,
            "skill_weights": self.skill_weights,
            "skill_weights_zero_shot": self.skill_weights_zero_shot,
            "skill_calibration": list(self.skill_calibration),
            "skill_calibration_zero_shot": list(self.skill_calibration_zero_shot),
            "occupation_weights": self.occupation_weights,
            "occupation_calibration": list(self.occupation_calibration),
            "notes": self.notes,
        }
        (directory / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
        if self.projection is not None:
            np.save(directory / f"{name}.projection.npy", self.projection.astype(np.float16))

    @classmethod
    def load(cls, directory: str | Path = PARAMS_DIR, name: str = "params") -> EngineParams:
        """Read what `save` wrote; missing files give the defaults."""
        directory = Path(directory)
        path = directory / f"{name}.json"
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())
        projection_path = directory / f"{name}.projection.npy"
        projection = (
            np.load(projection_path).astype(np.float32) if projection_path.exists() else None
        )
        return cls(
            encoder=data["encoder"],
            skill_weights=data["skill_weights"],
            skill_weights_zero_shot=data["skill_weights_zero_shot"],
            skill_calibration=tuple(data["skill_calibration"]),  # type: ignore[arg-type]
            skill_calibration_zero_shot=tuple(data["skill_calibration_zero_shot"]),  # type: ignore[arg-type]
            occupation_weights=data["occupation_weights"],
            occupation_calibration=tuple(data["occupation_calibration"]),  # type: ignore[arg-type]
            projection=projection,
            notes=data.get("notes", {}),
        )


def _unit_rows(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


def _row_max_normalise(m: np.ndarray) -> np.ndarray:
    peak = m.max(axis=1, keepdims=True) if m.shape[1] else np.ones((m.shape[0], 1))
    peak[peak <= 0] = 1.0
    return m / peak


def _sigmoid(x: np.ndarray, ab: Sequence[float]) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * (ab[0] * x + ab[1])))  # the logistic, overflow-free


def _top_k_sparse(scores: np.ndarray, k: int, power: float = 1.0) -> sparse.csr_matrix:
    """Keep each row's k largest positive scores (raised to `power`) as a sparse matrix."""
    n, m = scores.shape
    k = min(k, m)
    if k == 0 or n == 0:
        return sparse.csr_matrix((n, m), dtype=np.float32)
    cols = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(scores, cols, axis=1)
    vals = np.where(vals > 0, vals, 0.0) ** power
    rows = np.repeat(np.arange(n), k)
    return sparse.csr_matrix((vals.ravel().astype(np.float32), (rows, cols.ravel())), shape=(n, m))


class _ConceptIndex:
    """BM25 and vectors for the concepts of one type."""

    def __init__(
        self,
        concepts: list[Concept],
        store: VectorStore,
        *,
        description_weight: float,
        foreign_vectors: bool,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.concepts = concepts
        self.position = {c.uri: i for i, c in enumerate(concepts)}
        self.labels: list[list[str]] = [c.english_labels() + c.foreign_labels() for c in concepts]
        self.label_terms: list[list[tuple[str, frozenset[str]]]] = [
            [(label, frozenset(textmod.terms(label))) for label in labels] for labels in self.labels
        ]
        self.bm25 = BM25Index(
            [
                [
                    ([t for _, ts in label_terms for t in ts], 1.0),
                    (textmod.terms(c.description), description_weight),
                ]
                for c, label_terms in zip(concepts, self.label_terms, strict=True)
            ]
        )
        self.exact: dict[str, list[int]] = {}
        for i, labels in enumerate(self.labels):
            for label in labels:
                for variant in _label_variants(label):
                    key = textmod.normalise(variant)
                    if key and i not in self.exact.setdefault(key, []):
                        self.exact[key].append(i)
        # Vectors: every English label, the description, and foreign labels if asked for.
        owners: list[int] = []
        texts: list[str] = []
        for i, c in enumerate(concepts):
            mine = c.english_labels() + (c.foreign_labels() if foreign_vectors else [])
            texts.extend(mine)
            owners.extend([i] * len(mine))
        descriptions = [c.description or c.preferred_label for c in concepts]
        if progress:
            progress(f"vectors for {len(texts)} labels and {len(descriptions)} descriptions")
        label_vectors = store.vectors(texts + descriptions)
        self.label_vectors = label_vectors[: len(texts)]
        self.label_owner = np.asarray(owners, dtype=np.int64)
        description_vectors = label_vectors[len(texts) :]
        dim = label_vectors.shape[1]
        centroid = np.zeros((len(concepts), dim), dtype=np.float32)
        np.add.at(centroid, self.label_owner, self.label_vectors)
        centroid = _unit_rows(centroid)
        self.centroid = centroid
        self.vectors = _unit_rows(centroid + 0.5 * description_vectors).astype(np.float32)
        # For max-over-labels: labels sorted by owner, and where each owner's run starts.
        order = np.argsort(self.label_owner, kind="stable")
        self._label_order = order
        sorted_owners = self.label_owner[order]
        self._label_starts = np.flatnonzero(np.diff(sorted_owners, prepend=-1) != 0)
        self._owners_with_labels = sorted_owners[self._label_starts]

    def __len__(self) -> int:
        return len(self.concepts)

    def best_label_cosine(self, queries: np.ndarray) -> np.ndarray:
        """For each query and concept, the cosine of the query with the closest label."""
        out = np.full((queries.shape[0], len(self.concepts)), -1.0, dtype=np.float32)
        if not len(self.label_owner):
            return out
        sims = queries @ self.label_vectors[self._label_order].T
        out[:, self._owners_with_labels] = np.maximum.reduceat(sims, self._label_starts, axis=1)
        return out


class _ExampleIndex:
    """Labelled example sentences, each voting for the concepts it is labelled with."""

    def __init__(
        self,
        texts: list[str],
        concept_rows: list[list[int]],
        vectors: np.ndarray,
        n_concepts: int,
    ) -> None:
        self.texts = texts
        self.vectors = vectors
        self.bm25 = BM25Index([[(textmod.terms(t), 1.0)] for t in texts])
        rows = [i for i, cs in enumerate(concept_rows) for _ in cs]
        cols = [c for cs in concept_rows for c in cs]
        self.labels = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(texts), n_concepts)
        )

    def __len__(self) -> int:
        return len(self.texts)

    def votes(
        self, query_vectors: np.ndarray, query_terms: list[list[str]]
    ) -> dict[str, np.ndarray]:
        """Concept votes of the nearest examples, by cosine and by BM25, row-normalised."""
        near = _top_k_sparse(query_vectors @ self.vectors.T, EXAMPLE_NEIGHBOURS, EXAMPLE_POWER)
        by_cosine = (near @ self.labels).toarray()
        lexical = self.bm25.score(query_terms).toarray()
        by_bm25 = (_top_k_sparse(lexical, EXAMPLE_NEIGHBOURS) @ self.labels).toarray()
        return {
            "example_cosine": _row_max_normalise(by_cosine),
            "example_bm25": _row_max_normalise(by_bm25),
        }


def _label_variants(label: str) -> list[str]:
    """'infirmier/infirmière' -> the label itself and each gendered form."""
    parts = [p.strip() for p in label.split("/") if p.strip()]
    return [label, *parts] if len(parts) > 1 else [label]


class MatchingEngine:
    """Matches free text to ESCO skills and job titles to ESCO occupations.

    Build it with `build_engine`; it is read-only afterwards and safe to share between the
    threads of one process. Every process builds (or loads) its own.
    """

    def __init__(
        self,
        concepts: Iterable[Concept | Mapping[str, Any]],
        *,
        version: str,
        encoder: Encoder | None = None,
        cache_dir: str | Path | None = None,
        examples: Iterable[tuple[str, Sequence[str]]] = (),
        params: EngineParams | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        started = time.perf_counter()
        self.version = version
        self.encoder: Encoder = encoder or UseEncoder()
        self.store = VectorStore(cache_dir, version, self.encoder)
        self.params = params if params is not None else EngineParams.load()
        self._progress = progress
        by_type: dict[str, list[Concept]] = {"skill": [], "occupation": []}
        for item in concepts:
            concept = item if isinstance(item, Concept) else concept_from_dict(item)
            by_type[concept.type].append(concept)
        self.skills = _ConceptIndex(
            by_type["skill"],
            self.store,
            description_weight=DESCRIPTION_WEIGHT,
            foreign_vectors=False,
            progress=progress,
        )
        self.occupations = _ConceptIndex(
            by_type["occupation"],
            self.store,
            description_weight=0.0,
            foreign_vectors=True,
            progress=progress,
        )
        self.projection = (
            self.params.projection if self.params.encoder == self.encoder.name else None
        )
        self.examples: _ExampleIndex | None = None
        self.set_examples(examples)
        self.build_seconds = time.perf_counter() - started

    # ----------------------------------------------------------------- examples
    def set_examples(self, examples: Iterable[tuple[str, Sequence[str]]]) -> None:
        """Use these labelled sentences as extra evidence for the skills they name."""
        texts: list[str] = []
        rows: list[list[int]] = []
        for sentence, uris in examples:
            known = [self.skills.position[u] for u in uris if u in self.skills.position]
            if sentence.strip() and known:
                texts.append(sentence)
                rows.append(known)
        if not texts:
            self.examples = None
            return
        vectors = self.store.vectors(texts)
        self.examples = _ExampleIndex(texts, rows, vectors, len(self.skills))

    # ----------------------------------------------------------------- skills
    def skill_features(
        self,
        sentences: Sequence[str],
        *,
        vectors: np.ndarray | None = None,
        examples: _ExampleIndex | None | bool = True,
        projection: np.ndarray | None | bool = True,
    ) -> dict[str, np.ndarray]:
        """Every skill feature for every sentence: name -> (len(sentences), n_skills).

        `examples` and `projection` default to the engine's own; pass None to leave them out
        or other ones to evaluate them (as `learn.py` does, fold by fold).
        """
        index = self.skills
        query_terms = [textmod.terms(s) for s in sentences]
        if vectors is None:
            vectors = self.encoder.encode(list(sentences))
        feats: dict[str, np.ndarray] = {
            "bm25": _row_max_normalise(index.bm25.score(query_terms).toarray()),
            "cosine": vectors @ index.vectors.T,
        }
        proj = self.projection if projection is True else projection
        if proj is not None and proj is not False:
            feats["projected"] = _unit_rows(vectors @ proj) @ index.vectors.T
        ex = self.examples if examples is True else examples
        if isinstance(ex, _ExampleIndex):
            feats.update(ex.votes(vectors, query_terms))
        return feats

    def _skill_weights(self) -> tuple[dict[str, float], tuple[float, float]]:
        if self.examples is not None:
            return self.params.skill_weights, self.params.skill_calibration
        return self.params.skill_weights_zero_shot, self.params.skill_calibration_zero_shot

    def skill_scores(self, sentences: Sequence[str]) -> np.ndarray:
        """Fused (uncalibrated) scores of every skill for every sentence; higher is better.

        Ranking happens on these; `calibrate_skill_scores` turns them into 0..1 scores.
        """
        weights, _ = self._skill_weights()
        out = np.zeros((len(sentences), len(self.skills)), dtype=np.float32)
        for i in range(0, len(sentences), BATCH):
            feats = self.skill_features(sentences[i : i + BATCH])
            out[i : i + BATCH] = sum(
                (w * feats[name] for name, w in weights.items() if w and name in feats),
                np.zeros_like(out[i : i + BATCH]),
            )
        return out

    def calibrate_skill_scores(self, fused: np.ndarray) -> np.ndarray:
        """Map fused scores to [0, 1], read as the probability that the skill is named."""
        return _sigmoid(fused, self._skill_weights()[1])

    def match_skills(self, texts: Sequence[str], top: int = 10) -> list[list[Match]]:
        """The `top` best skills for each text, best first.

        A long text is split into sentences (and long sentences at commas); each skill keeps
        its best sentence, and the span points at the words of that sentence that match the
        skill's label (or the whole sentence when the match is by meaning only).
        """
        if not len(self.skills) or top <= 0:
            return [[] for _ in texts]
        pieces: list[tuple[int, int, int]] = []  # (text index, start, end)
        for t, text in enumerate(texts):
            pieces.extend((t, a, b) for a, b in textmod.split_sentences(text or ""))
        results: list[list[Match]] = [[] for _ in texts]
        if not pieces:
            return results
        scores = self.skill_scores([texts[t][a:b] for t, a, b in pieces])
        piece_text = np.asarray([t for t, _, _ in pieces])
        for t in range(len(texts)):
            rows = np.flatnonzero(piece_text == t)
            if not len(rows):
                continue
            block = scores[rows]
            best_row = block.argmax(axis=0)
            best = block.max(axis=0)
            k = min(top, len(best))
            chosen = np.argpartition(-best, k - 1)[:k]
            chosen = chosen[np.argsort(-best[chosen], kind="stable")]
            calibrated = self.calibrate_skill_scores(best[chosen])
            for c, score in zip(chosen, calibrated, strict=True):
                _, a, b = pieces[rows[best_row[c]]]
                start, end = self._span(self.skills, int(c), texts[t], a, b)
                concept = self.skills.concepts[c]
                results[t].append(
                    Match(concept.uri, concept.preferred_label, round(float(score), 4), start, end)
                )
        return results

    # ----------------------------------------------------------------- occupations
    def occupation_features(self, titles: Sequence[str]) -> dict[str, np.ndarray]:
        """Every occupation feature for every title: name -> (len(titles), n_occupations)."""
        index = self.occupations
        vectors = self.encoder.encode(list(titles))
        exact = np.zeros((len(titles), len(index)), dtype=np.float32)
        for i, title in enumerate(titles):
            for variant in _label_variants(title):
                for c in index.exact.get(textmod.normalise(variant), []):
                    exact[i, c] = 1.0
        return {
            "bm25": _row_max_normalise(
                index.bm25.score([textmod.terms(t) for t in titles]).toarray()
            ),
            "best_label": index.best_label_cosine(vectors),
            "centroid": vectors @ index.centroid.T,
            "exact": exact,
        }

    def match_occupations(self, titles: Sequence[str], top: int = 5) -> list[list[Match]]:
        """The `top` most likely occupations for each job title (any supported language)."""
        results: list[list[Match]] = [[] for _ in titles]
        live = [i for i, t in enumerate(titles) if t and textmod.normalise(t)]
        if not live or not len(self.occupations) or top <= 0:
            return results
        weights = self.params.occupation_weights
        for i in range(0, len(live), BATCH):
            batch = live[i : i + BATCH]
            feats = self.occupation_features([titles[j] for j in batch])
            fused = np.asarray(sum(w * feats[name] for name, w in weights.items() if w))
            scores = _sigmoid(fused, self.params.occupation_calibration)
            k = min(top, scores.shape[1])
            for row, j in enumerate(batch):
                # Rank on the fused score: the calibrated one can saturate and tie.
                chosen = np.argpartition(-fused[row], k - 1)[:k]
                chosen = chosen[np.argsort(-fused[row][chosen], kind="stable")]
                for c in chosen:
                    start, end = self._span(self.occupations, int(c), titles[j], 0, len(titles[j]))
                    concept = self.occupations.concepts[c]
                    results[j].append(
                        Match(
                            concept.uri,
                            concept.preferred_label,
                            round(float(scores[row, c]), 4),
                            start,
                            end,
                        )
                    )
        return results

    # ----------------------------------------------------------------- spans
    def _span(self, index: _ConceptIndex, c: int, text: str, a: int, b: int) -> tuple[int, int]:
        """The words of text[a:b] that best match one of concept c's labels, as a span.

        Each label is scored by the idf-weighted share of its terms found in the sentence; the
        matched words of the best label are grouped into runs (gaps of up to two words) and the
        run with the most idf weight is the span. No shared word: the whole sentence.
        """
        tokens = textmod.tokenize(text[a:b])
        if not tokens:
            return a, b
        best: tuple[float, list[int]] | None = None
        for _label, label_terms in index.label_terms[c]:
            if not label_terms:
                continue
            positions = [i for i, tok in enumerate(tokens) if tok.text in label_terms]
            if not positions:
                continue
            found = {tokens[i].text for i in positions}
            total = sum(index.bm25.term_idf(t) or 1.0 for t in label_terms)
            share = sum(index.bm25.term_idf(t) or 1.0 for t in found) / total
            if best is None or share > best[0]:
                best = (share, positions)
        if best is None:
            return a, b
        runs: list[list[int]] = []
        for p in best[1]:
            if runs and p - runs[-1][-1] <= 3:
                runs[-1].append(p)
            else:
                runs.append([p])

        def weight(run: list[int]) -> float:
            return sum(index.bm25.term_idf(t) for t in {tokens[i].text for i in run})

        run = max(runs, key=weight)
        return a + tokens[run[0]].start, a + tokens[run[-1]].end


def build_engine(
    concepts: Iterable[Concept | Mapping[str, Any]],
    *,
    version: str,
    encoder: Encoder | None = None,
    cache_dir: str | Path | None = None,
    examples: Iterable[tuple[str, Sequence[str]]] = (),
    params: EngineParams | None = None,
    progress: Callable[[str], None] | None = None,
) -> MatchingEngine:
    """Build a matching engine from concept dicts (or `Concept`s) of one taxonomy version.

    `version` keys the vector cache in `cache_dir` (e.g. "esco-v1.1.1"): the first build
    encodes every label and saves the vectors; later builds, in any process, load them.
    `examples` are (sentence, [skill uri, ...]) pairs used as extra evidence; `params`
    defaults to the weights and projection shipped in `engine/data/`.
    """
    return MatchingEngine(
        concepts,
        version=version,
        encoder=encoder,
        cache_dir=cache_dir,
        examples=examples,
        params=params,
        progress=progress,
    )
