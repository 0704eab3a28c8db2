"""An in-memory index of one ESCO version's labels, so label search does not scan the table.

`selectors.concept_search` asks `label_index(version, concept_type)` for the index and falls back
to SQL when there is none. The index is a per-process, read-only cache of `Label` rows: it is
built lazily (under a second and ~35 MB for ESCO v1.1.1's 134k English labels), keyed by the
version's primary key and `imported_at`, so a re-import (which sets a new `imported_at`) makes
the next search rebuild it. Nothing else is cached here: filters that can change without an
import (the health lens) are read from the database on every search.

Matching is the same as the SQL path: a label matches when every query word is a substring of
it. Because labels are normalised (single spaces) and query words hold no space, "substring of
the label" is "substring of one of its space-separated words", so the index looks the query words
up in the vocabulary of label words and unions the labels of the words that contain them.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from skillspact.taxonomy.models import EscoVersion, Label

# How a label matches the query, best first; the label's type breaks ties within a kind.
(
    MATCH_EXACT,  # "nurse"
    MATCH_FIRST_WORDS,  # "nurse assistant"
    MATCH_PREFIX,  # "nursery nurse"
    MATCH_WORDS_INSIDE,  # "specialist nurse", "nurse" as whole words inside
    MATCH_WORD_PREFIX,  # "child nursery worker"
    MATCH_SUBSTRING,  # "dinnurse"
    MATCH_ALL_WORDS,  # every word of the query, in any order
) = range(7)
# A label's weight is (match kind * 3 + label type rank) * _LENGTH_WEIGHT + its length.
LENGTH_WEIGHT = 100_000
LABEL_TYPES = (Label.LabelType.PREFERRED, Label.LabelType.ALTERNATIVE, Label.LabelType.HIDDEN)
# About 300 bytes a label: beyond this many labels of one type (most ESCO languages loaded) the
# index would take more memory than a web process should; search then reads the database.
MAX_LABELS = 400_000
# Versions times concept types kept; older indexes (a deleted or replaced version) are dropped.
MAX_INDEXES = 8
_NO_MATCH = 127

IntArray = npt.NDArray[np.int64]


def phrase_rank(text: str, query: str) -> int:
    """How the normalised label `text` holds the normalised `query` (a MATCH_* value)."""
    if text == query:
        return MATCH_EXACT
    if text.startswith(f"{query} "):
        return MATCH_FIRST_WORDS
    if text.startswith(query):
        return MATCH_PREFIX
    if f" {query} " in text or text.endswith(f" {query}"):
        return MATCH_WORDS_INSIDE
    if f" {query}" in text:
        return MATCH_WORD_PREFIX
    if query in text:
        return MATCH_SUBSTRING
    return MATCH_ALL_WORDS


@dataclass(frozen=True)
class IndexHit:
    """A concept of a result page with its best label."""

    concept_uri: str
    label_text: str
    language: str
    label_type: str
    match: int


@dataclass(frozen=True)
class IndexPage:
    hits: list[IndexHit]
    total: int


class LabelIndex:
    """The labels of one version and concept type, with a vocabulary of their words.

    Labels are numbered 0..n-1 and concepts 0..m-1 in URI order, so ordering by concept number
    is ordering by URI, as the SQL path does.
    """

    def __init__(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        # rows: (concept_uri, language, label_type, text, normalised)
        count = len(rows)
        self.texts: list[str] = []
        self.displays: list[str] = []
        concept_uris = sorted({row[0] for row in rows})
        self.concept_uris = concept_uris
        self.concept_numbers = {uri: number for number, uri in enumerate(concept_uris)}
        languages = sorted({row[1] for row in rows})
        self.languages = languages
        language_numbers = {language: number for number, language in enumerate(languages)}
        type_numbers = {str(label_type): number for number, label_type in enumerate(LABEL_TYPES)}
        concept_of = np.empty(count, dtype=np.int32)
        language_of = np.empty(count, dtype=np.int16)
        type_of = np.empty(count, dtype=np.int8)
        lengths = np.empty(count, dtype=np.int64)
        word_count = np.empty(count, dtype=np.int32)
        words: dict[str, int] = {}
        entry_words: list[int] = []
        entry_labels: list[int] = []
        entry_first: list[bool] = []
        for number, (uri, language, label_type, text, normalised) in enumerate(rows):
            self.texts.append(normalised)
            # Most ESCO labels are already lower case: share the string instead of a copy.
            self.displays.append(normalised if text == normalised else text)
            concept_of[number] = self.concept_numbers[uri]
            language_of[number] = language_numbers[language]
            type_of[number] = type_numbers.get(label_type, 2)
            lengths[number] = len(normalised)
            tokens = normalised.split(" ")
            word_count[number] = len(tokens)
            for position, token in enumerate(tokens):
                if token:
                    entry_words.append(words.setdefault(token, len(words)))
                    entry_labels.append(number)
                    entry_first.append(position == 0)
        self.concept_of = concept_of
        self.language_of = language_of
        self.type_of = type_of
        self.lengths = lengths
        self.word_count = word_count
        # Position of each label in the A-to-Z order of the normalised texts (empty query).
        alphabetical = np.array(sorted(range(count), key=self.texts.__getitem__), dtype=np.int64)
        self.text_order = np.empty(count, dtype=np.int64)
        self.text_order[alphabetical] = np.arange(count, dtype=np.int64)
        # The vocabulary as one string, so finding the words that contain a query word is a
        # few str.find calls in C rather than a loop over every word.
        vocabulary = list(words)
        self.vocabulary = vocabulary
        self.blob = "\n".join(vocabulary)
        starts = array("q", [0])
        for word in vocabulary:
            starts.append(starts[-1] + len(word) + 1)
        self.word_starts = starts
        # The labels as one string as well, to find a several-word query as a phrase.
        self.text_blob = "\n".join(self.texts)
        text_starts = array("q", [0])
        for text in self.texts:
            text_starts.append(text_starts[-1] + len(text) + 1)
        self.text_starts = text_starts
        # Postings: the labels holding each word, grouped by word (CSR layout).
        word_array = np.array(entry_words, dtype=np.int32)
        order = np.argsort(word_array, kind="stable")
        self.posting_labels = np.array(entry_labels, dtype=np.int32)[order]
        self.posting_first = np.array(entry_first, dtype=np.bool_)[order]
        self.posting_starts = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(np.bincount(word_array, minlength=len(vocabulary)), out=self.posting_starts[1:])

    @property
    def size(self) -> int:
        return len(self.texts)

    # -- lookups ---------------------------------------------------------------------------

    def _words_containing(self, fragment: str) -> list[int]:
        """The vocabulary words that hold `fragment` (no whitespace) anywhere."""
        found = []
        blob, starts = self.blob, self.word_starts
        at = blob.find(fragment)
        while at >= 0:
            word = bisect_right(starts, at) - 1
            found.append(word)
            at = blob.find(fragment, starts[word + 1])
        return found

    def _labels_holding(self, phrase: str) -> list[int]:
        """The labels that hold `phrase` (no line break) anywhere."""
        found = []
        blob, starts = self.text_blob, self.text_starts
        at = blob.find(phrase)
        while at >= 0:
            label = bisect_right(starts, at) - 1
            found.append(label)
            at = blob.find(phrase, starts[label + 1])
        return found

    def _postings(self, word_numbers: IntArray) -> IntArray:
        """Positions in the posting arrays of every label of the given words."""
        starts = self.posting_starts[word_numbers]
        lengths = self.posting_starts[word_numbers + 1] - starts
        before = np.cumsum(lengths) - lengths
        return np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(starts - before, lengths)

    def _labels_with(self, fragment: str) -> npt.NDArray[np.bool_]:
        mask = np.zeros(self.size, dtype=np.bool_)
        words = np.array(self._words_containing(fragment), dtype=np.int64)
        mask[self.posting_labels[self._postings(words)]] = True
        return mask

    def _ranks_of_word(self, word: str) -> npt.NDArray[np.int8]:
        """MATCH_* of every label for a one-word query; _NO_MATCH where it does not match."""
        ranks = np.full(self.size, _NO_MATCH, dtype=np.int8)
        numbers = self._words_containing(word)
        if not numbers:
            return ranks
        kinds = np.array(
            [
                0 if self.vocabulary[n] == word else 1 if self.vocabulary[n].startswith(word) else 2
                for n in numbers
            ],
            dtype=np.int8,
        )
        words = np.array(numbers, dtype=np.int64)
        at = self._postings(words)
        lengths = self.posting_starts[words + 1] - self.posting_starts[words]
        kind = np.repeat(kinds, lengths)
        labels = self.posting_labels[at]
        first = self.posting_first[at]
        entry = np.full(len(at), MATCH_SUBSTRING, dtype=np.int8)
        equal, prefix = kind == 0, kind == 1
        entry[prefix & ~first] = MATCH_WORD_PREFIX
        entry[equal & ~first] = MATCH_WORDS_INSIDE
        entry[prefix & first] = MATCH_PREFIX
        alone = self.word_count[labels] == 1
        entry[equal & first & ~alone] = MATCH_FIRST_WORDS
        entry[equal & first & alone] = MATCH_EXACT
        np.minimum.at(ranks, labels, entry)
        return ranks

    # -- search ----------------------------------------------------------------------------

    def search(
        self,
        *,
        query: str,
        language: str | None,
        default_language: str,
        concept_uris: set[str] | None,
        limit: int,
        offset: int,
    ) -> IndexPage:
        """Concepts ranked as `selectors.concept_search` documents; `query` is normalised."""
        if query:
            words = list(dict.fromkeys(query.split()))
            is_one_word = " " not in query
            if is_one_word:
                ranks = self._ranks_of_word(query)
                selected = ranks != _NO_MATCH
            else:
                selected = self._labels_with(words[0])
                for word in words[1:]:
                    selected &= self._labels_with(word)
        else:
            language = language or default_language
            selected = self.type_of == 0
        if language:
            if language not in self.languages:
                return IndexPage([], 0)
            selected &= self.language_of == self.languages.index(language)
        if concept_uris is not None:
            allowed = np.zeros(len(self.concept_uris), dtype=np.bool_)
            numbers = self.concept_numbers
            allowed[[numbers[uri] for uri in concept_uris if uri in numbers]] = True
            selected &= allowed[self.concept_of]
        labels = np.flatnonzero(selected)
        if query:
            if is_one_word:
                match = ranks[labels].astype(np.int64)
            else:
                # Only labels holding the whole phrase rank above "all words in any order".
                phrase_ranks = np.full(self.size, MATCH_ALL_WORDS, dtype=np.int64)
                holding = self._labels_holding(query)
                phrase_ranks[holding] = [phrase_rank(self.texts[label], query) for label in holding]
                match = phrase_ranks[labels]
            weight = (match * 3 + self.type_of[labels]) * LENGTH_WEIGHT + self.lengths[labels]
        else:
            weight = self.text_order[labels]
        # Best label per concept: the smallest (weight, label number), packed into one integer.
        key = weight * self.size + labels
        best = np.full(len(self.concept_uris), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(best, self.concept_of[labels], key)
        concepts = np.flatnonzero(best != np.iinfo(np.int64).max)
        keys = best[concepts]
        end = offset + max(0, limit)
        if end <= offset:
            return IndexPage([], len(concepts))
        # Order by (weight, concept URI); concept numbers follow URI order.
        order = np.lexsort((concepts, keys // self.size))
        hits = []
        for position in order[offset:end].tolist():
            label = int(keys[position] % self.size)
            hits.append(
                IndexHit(
                    concept_uri=self.concept_uris[int(concepts[position])],
                    label_text=self.displays[label],
                    language=self.languages[int(self.language_of[label])],
                    label_type=str(LABEL_TYPES[int(self.type_of[label])]),
                    match=int(keys[position] // self.size // LENGTH_WEIGHT // 3)
                    if query
                    else MATCH_EXACT,
                )
            )
        return IndexPage(hits, len(concepts))


# -- the per-process cache -------------------------------------------------------------------

_Stamp = tuple[int, datetime]
_indexes: OrderedDict[tuple[int, str], tuple[_Stamp, LabelIndex | None]] = OrderedDict()
_lock = threading.Lock()


def label_index(version: EscoVersion, concept_type: str) -> LabelIndex | None:
    """The index of `version`'s labels of `concept_type`, built on first use; None if too big.

    Also None for a version without `imported_at` (still importing), which nothing could
    invalidate.
    """
    if version.imported_at is None:
        return None
    stamp: _Stamp = (version.pk, version.imported_at)
    key = (version.pk, concept_type)
    cached = _indexes.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        cached = _indexes.get(key)
        if cached is None or cached[0] != stamp:
            cached = (stamp, _build(version, concept_type))
            _indexes[key] = cached
            _indexes.move_to_end(key)
            while len(_indexes) > MAX_INDEXES:
                _indexes.popitem(last=False)
        return cached[1]


def clear() -> None:
    """Forget every index (tests that change labels without a new import)."""
    with _lock:
        _indexes.clear()


def _build(version: EscoVersion, concept_type: str) -> LabelIndex | None:
    rows = Label.objects.filter(version=version, concept_type=concept_type).order_by("pk")
    fetched: list[tuple[str, str, str, str, str]] = []
    for row in rows.values_list(
        "concept_uri", "language", "label_type", "text", "normalised"
    ).iterator(chunk_size=10_000):
        fetched.append(row)
        if len(fetched) > MAX_LABELS:
            return None
    return LabelIndex(fetched)
