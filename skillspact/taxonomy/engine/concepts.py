"""The engine's view of a taxonomy concept, independent of where it is stored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ConceptType = Literal["skill", "occupation"]


@dataclass(frozen=True, slots=True)
class Concept:
    """An ESCO skill or occupation with its labels in English and any other languages."""

    uri: str
    type: ConceptType
    preferred_label: str
    alt_labels: tuple[str, ...] = ()
    hidden_labels: tuple[str, ...] = ()
    description: str = ""
    #: Labels in other languages, e.g. {"fr": ["infirmier", ...]}; preferred label first.
    labels_by_language: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def english_labels(self) -> list[str]:
        """Preferred, alternative and hidden English labels, without duplicates."""
        return _unique([self.preferred_label, *self.alt_labels, *self.hidden_labels])

    def foreign_labels(self) -> list[str]:
        """All labels in languages other than English, without duplicates."""
        return _unique(label for labels in self.labels_by_language.values() for label in labels)


def concept_from_dict(data: Mapping[str, Any]) -> Concept:
    """Build a Concept from a plain dict, as the Django side or the CSV loader produce it.

    Keys: uri, type ('skill' | 'occupation'), preferred_label, alt_labels, hidden_labels,
    description, labels_by_language. Missing optional keys default to empty.
    """
    kind = data["type"]
    if kind not in ("skill", "occupation"):
        raise ValueError(f"unknown concept type {kind!r} for {data.get('uri')!r}")
    by_language = {
        lang: tuple(_clean(labels))
        for lang, labels in (data.get("labels_by_language") or {}).items()
        if lang != "en" and _clean(labels)
    }
    return Concept(
        uri=str(data["uri"]),
        type=kind,
        preferred_label=str(data["preferred_label"]).strip(),
        alt_labels=tuple(_clean(data.get("alt_labels") or ())),
        hidden_labels=tuple(_clean(data.get("hidden_labels") or ())),
        description=str(data.get("description") or "").strip(),
        labels_by_language=by_language,
    )


def _clean(labels: Iterable[str]) -> list[str]:
    return _unique(label.strip() for label in labels if label and label.strip())


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
