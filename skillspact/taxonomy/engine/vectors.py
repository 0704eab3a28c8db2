"""A file cache of text vectors, keyed by taxonomy version and encoder.

One store is one file in the cache directory, `<version>__<encoder>.npz`, holding a float16
matrix (one row per text) and the texts in row order. A process asks for the vectors of a list
of texts; texts the store lacks are encoded, appended and the file rewritten atomically (written
under a temporary name, then renamed), so that another process, or the next start, loads them
instead of encoding again. Two processes that extend the same store at once each write a
complete, consistent file; the later rename wins and the other's extra rows are encoded again
by whoever next needs them.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .encoder import Encoder


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9.+-]+", "_", part).strip("_") or "x"


class VectorStore:
    """Vectors of texts for one (taxonomy version, encoder) pair, cached on disk."""

    def __init__(self, cache_dir: str | os.PathLike[str] | None, version: str, encoder: Encoder):
        self.encoder = encoder
        self.version = version
        stem = f"{_safe(version)}__{_safe(encoder.name)}"
        self.dir = Path(cache_dir) if cache_dir is not None else None
        self.path = self.dir / f"{stem}.npz" if self.dir else None
        self._texts: list[str] = []
        self._rows: dict[str, int] = {}
        self._matrix = np.zeros((0, encoder.dim), dtype=np.float16)
        self.loaded_from_disk = 0
        self.encoded = 0
        self._load()

    def _load(self) -> None:
        if not (self.path and self.path.exists()):
            return
        try:
            with np.load(self.path, allow_pickle=False) as data:
                meta = json.loads(data["meta"].tobytes().decode("utf-8"))
                matrix = data["vectors"]
        except (OSError, ValueError, KeyError):
            return  # a damaged cache is recomputed, never trusted
        texts = meta.get("texts", [])
        if meta.get("encoder") != self.encoder.name or matrix.shape != (
            len(texts),
            self.encoder.dim,
        ):
            return
        self._texts = list(texts)
        self._rows = {t: i for i, t in enumerate(self._texts)}
        self._matrix = matrix.astype(np.float16, copy=False)
        self.loaded_from_disk = len(texts)

    def __len__(self) -> int:
        return len(self._texts)

    def vectors(
        self,
        texts: Sequence[str],
        *,
        progress: Callable[[int, int], None] | None = None,
        chunk: int = 4096,
    ) -> np.ndarray:
        """Float32 unit vectors of `texts`, encoding (and saving) only the ones not cached."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._rows))
        if missing:
            new_parts = []
            for i in range(0, len(missing), chunk):
                new_parts.append(self.encoder.encode(missing[i : i + chunk]).astype(np.float16))
                if progress:
                    progress(min(i + chunk, len(missing)), len(missing))
            new = np.vstack(new_parts)
            start = len(self._texts)
            self._texts.extend(missing)
            self._rows.update({t: start + i for i, t in enumerate(missing)})
            self._matrix = np.vstack([self._matrix, new])
            self.encoded += len(missing)
            self.save()
        rows = np.fromiter((self._rows[t] for t in texts), dtype=np.int64, count=len(texts))
        return self._matrix[rows].astype(np.float32)

    def save(self) -> None:
        """Write the store atomically; a store without a cache directory stays in memory."""
        if not (self.dir and self.path):
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        meta = {
            "version": self.version,
            "encoder": self.encoder.name,
            "dim": self.encoder.dim,
            "texts": self._texts,
        }
        # Vectors and texts travel in one file so that a reader never pairs rows with the
        # texts of another writer.
        blob = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), np.uint8)
        fd, tmp = tempfile.mkstemp(dir=self.dir, suffix=".npz.tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, vectors=self._matrix, meta=blob)
            os.chmod(tmp, 0o644)  # mkstemp makes it private; other workers must read it
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
