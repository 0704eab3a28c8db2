"""A BM25 index over short documents, on scipy sparse matrices.

Documents are bags of terms (see `text.terms`); each document may carry several fields whose
term counts are weighted before the BM25 saturation (a labels field counts more than a
description). Scoring a batch of queries is one sparse matrix product.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse


class BM25Index:
    """Okapi BM25 over `n` documents; `score(queries)` returns an (n_queries, n) matrix."""

    def __init__(
        self,
        documents: Sequence[Sequence[tuple[Sequence[str], float]]],
        *,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        """`documents[i]` is a list of (terms, weight) fields of document i."""
        self.k1 = k1
        self.b = b
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for i, fields in enumerate(documents):
            counts: dict[int, float] = {}
            for field_terms, weight in fields:
                for term in field_terms:
                    j = vocab.setdefault(term, len(vocab))
                    counts[j] = counts.get(j, 0.0) + weight
            rows.extend([i] * len(counts))
            cols.extend(counts)
            vals.extend(counts.values())
        n_docs = len(documents)
        self.vocab = vocab
        tf = sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)),
            shape=(n_docs, max(len(vocab), 1)),
            dtype=np.float32,
        )
        doc_len = np.asarray(tf.sum(axis=1)).ravel()
        avg_len = float(doc_len.mean()) if n_docs else 1.0
        avg_len = avg_len if avg_len > 0 else 1.0
        df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float32)
        # The "plus one" variant keeps every idf positive, even for terms in most documents.
        self.idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = k1 * (1.0 - b + b * doc_len / avg_len)
        tf = tf.tocoo()
        data = tf.data * (k1 + 1.0) / (tf.data + norm[tf.row])
        data *= self.idf[tf.col]
        # Stored term-major so that a query touches only the rows of its own terms.
        self._weights = sparse.csr_matrix(
            (data.astype(np.float32), (tf.col, tf.row)), shape=(tf.shape[1], n_docs)
        )
        self.n_docs = n_docs

    def query_matrix(self, queries: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """A (n_queries, vocabulary) matrix of query term counts; unknown terms are dropped."""
        rows: list[int] = []
        cols: list[int] = []
        for i, q in enumerate(queries):
            for term in q:
                j = self.vocab.get(term)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
        return sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(queries), self._weights.shape[0]),
        )

    def score(self, queries: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """BM25 scores of every document for every query, as a sparse (n_queries, n) matrix."""
        q = self.query_matrix(queries)
        # A repeated query term counts once: queries are short sentences, not documents.
        q.data[:] = 1.0
        return (q @ self._weights).tocsr()

    def term_idf(self, term: str) -> float:
        """The idf of `term`, or 0 when no document holds it."""
        j = self.vocab.get(term)
        return float(self.idf[j]) if j is not None else 0.0
