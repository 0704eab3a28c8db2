"""Read ESCO CSV files straight into concept dicts, for the benchmark, tests and scripts.

The Django importer reads the same files into the database; the engine only needs the dicts
that `concepts.concept_from_dict` accepts, whichever side produces them.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import IO, Any

CSV_NAMES = {"skill": "skills", "occupation": "occupations"}


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _find(directory: Path, kind: str, lang: str) -> Path | None:
    for name in (f"{CSV_NAMES[kind]}_{lang}.csv", f"{CSV_NAMES[kind]}_{lang}.csv.gz"):
        if (directory / name).exists():
            return directory / name
    return None


def _split(cell: str | None) -> list[str]:
    return [line.strip() for line in (cell or "").split("\n") if line.strip()]


def read_labels(directory: Path, kind: str, lang: str) -> dict[str, list[str]]:
    """{uri: [preferred label, alt labels...]} from one language's ESCO CSV, if present."""
    path = _find(directory, kind, lang)
    if path is None:
        return {}
    with _open(path) as fh:
        return {
            row["conceptUri"]: [row["preferredLabel"].strip(), *_split(row.get("altLabels"))]
            for row in csv.DictReader(fh)
            if row.get("conceptUri") and row.get("preferredLabel")
        }


def load_esco_concepts(
    esco_dir: str | Path,
    *,
    types: Collection[str] = ("skill", "occupation"),
    language_dirs: Collection[str | Path] = (),
    languages: Collection[str] = ("fr", "es", "de", "it", "nl", "pl", "el"),
    uris: Collection[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Concept dicts from the English ESCO CSVs in `esco_dir`, with labels in `languages`
    taken from any of `language_dirs` that hold `<skills|occupations>_<lang>.csv[.gz]`.

    Only released concepts are returned; `uris` restricts the result to those concepts.
    """
    esco_dir = Path(esco_dir)
    for kind in types:
        path = _find(esco_dir, kind, "en")
        if path is None:
            raise FileNotFoundError(f"no {CSV_NAMES[kind]}_en.csv[.gz] in {esco_dir}")
        foreign: dict[str, dict[str, list[str]]] = {}
        for directory in map(Path, language_dirs):
            for lang in languages:
                for uri, labels in read_labels(directory, kind, lang).items():
                    have = foreign.setdefault(uri, {}).setdefault(lang, [])
                    have.extend(label for label in labels if label not in have)
        with _open(path) as fh:
            for row in csv.DictReader(fh):
                uri = row["conceptUri"]
                if uris is not None and uri not in uris:
                    continue
                if row.get("status", "released") not in ("released", ""):
                    continue
                yield {
                    "uri": uri,
                    "type": kind,
                    "preferred_label": row["preferredLabel"],
                    "alt_labels": _split(row.get("altLabels")),
                    "hidden_labels": _split(row.get("hiddenLabels")),
                    "description": (row.get("description") or "").strip(),
                    "labels_by_language": foreign.get(uri, {}),
                }


def load_examples(path: str | Path) -> list[tuple[str, list[str]]]:
    """(text, [concept uri, ...]) pairs from a JSON-lines file with "text" and "esco_uris"."""
    with Path(path).open(encoding="utf-8") as fh:
        return [
            (item["text"], list(item["esco_uris"]))
            for item in map(json.loads, fh)
            if item.get("text") and item.get("esco_uris")
        ]
