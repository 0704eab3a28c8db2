"""The matching engine fed from the database: one engine per process and ESCO version.

The first build for a version encodes every label (minutes on two cores) and stores the vectors
under `ENGINE_CACHE_DIR`; every later build, in any process, loads them in seconds. Web requests
never pay for the first build: they ask `engine_is_ready()` and a task warms the cache.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from skillspact.taxonomy.engine import MatchingEngine, build_engine
from skillspact.taxonomy.models import ConceptType, EscoVersion, Label, LocalRole, Occupation, Skill

_engines: dict[str, MatchingEngine] = {}
_lock = threading.Lock()


def _key(version: EscoVersion) -> str:
    return f"esco-{version.code}"


def _ready_marker(version: EscoVersion) -> Path:
    return Path(settings.ENGINE_CACHE_DIR) / f"{_key(version)}.ready"


def engine_is_ready(version: EscoVersion) -> bool:
    """Whether the engine for `version` loads in seconds (its vectors are cached)."""
    return version.code in _engines or _ready_marker(version).exists()


def engine_warm_up_request(version: EscoVersion) -> None:
    """Queue the first build of the engine's vectors, once however many requests ask."""
    from django.core.cache import cache

    from skillspact.taxonomy import tasks

    if cache.add(f"engine-warm:{version.code}", 1, timeout=900):
        tasks.engine_warm_task.enqueue(version=version.code)


def concept_dicts(version: EscoVersion) -> Iterator[dict[str, Any]]:
    """Skills, occupations and active local roles of `version` as the engine's concept dicts."""
    labels: dict[str, dict[str, dict[str, list[str]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for uri, language, label_type, text in (
        Label.objects.filter(
            version=version, concept_type__in=[ConceptType.SKILL, ConceptType.OCCUPATION]
        )
        .values_list("concept_uri", "language", "label_type", "text")
        .iterator(chunk_size=5000)
    ):
        labels[uri][language][label_type].append(text)
    primary = version.primary_language
    for model, kind in ((Skill, "skill"), (Occupation, "occupation")):
        for uri, preferred, description in (
            model.objects.filter(version=version)
            .values_list("uri", "preferred_label", "description")
            .iterator(chunk_size=5000)
        ):
            own = labels.get(uri, {})
            mine = own.get(primary, {})
            yield {
                "uri": uri,
                "type": kind,
                "preferred_label": preferred,
                "alt_labels": mine.get("alternative", []),
                "hidden_labels": mine.get("hidden", []),
                "description": description,
                "labels_by_language": {
                    language: [*kinds.get("preferred", []), *kinds.get("alternative", [])]
                    for language, kinds in own.items()
                    if language != primary
                },
            }
    for role in LocalRole.objects.filter(is_active=True):
        yield {
            "uri": role.uri,
            "type": "occupation",
            "preferred_label": role.preferred_label,
            "alt_labels": list(role.alt_labels),
            "hidden_labels": [],
            "description": role.description,
            "labels_by_language": {},
        }


def _examples() -> list[tuple[str, list[str]]]:
    path = settings.ENGINE_EXAMPLES
    if not path or not Path(path).exists():
        return []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [(row["text"], list(row["esco_uris"])) for row in rows]


def engine_for(
    version: EscoVersion, *, progress: Callable[[str], None] | None = None
) -> MatchingEngine:
    """The engine of `version`, built once per process (minutes the first time on a machine)."""
    with _lock:
        engine = _engines.get(version.code)
        if engine is None:
            cache_dir = Path(settings.ENGINE_CACHE_DIR)
            cache_dir.mkdir(parents=True, exist_ok=True)
            engine = build_engine(
                list(concept_dicts(version)),
                version=_key(version),
                cache_dir=cache_dir,
                examples=_examples(),
                progress=progress,
            )
            _ready_marker(version).write_text(version.code)
            _engines[version.code] = engine
        return engine


def forget_engines() -> None:
    """Drop the engines this process holds (after an import or in tests)."""
    with _lock:
        _engines.clear()
