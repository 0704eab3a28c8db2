"""Text normalisation, tokenisation with character offsets, and sentence splitting.

Everything here is language-light on purpose: lower-casing, accent folding and a very small
suffix stripper work the same way for English, French, Spanish, German, Italian, Dutch and
Polish labels, so that one BM25 index can hold labels of several languages.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# A word is a run of letters or digits; "c++", "c#" and ".net" keep their symbol because ESCO
# has skills named exactly that.
_WORD = re.compile(r"[^\W_]+(?:[+#]+|(?:['’][^\W_]+))?|\.net\b", re.UNICODE)
# Sentence ends: ., !, ?, ; or a line break, followed by space; bullet characters open one.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[^\s])|\n\s*\n|\n(?=\s*[-*•·▪●◦‣])|[•·▪●◦‣]")
_SPLIT_LONG = re.compile(r",\s+|\s+(?:and|or|et|ou|y|o|und|oder)\s+")

# Very common words in the languages we see; they carry no skill and only blur spans.
_STOPWORDS_TEXT = """
    a about above after all also an and any are as at be been being both but by can could do
    does during each either etc for from had has have having he her his how i if in
    including into is it its itself may me more most must my no nor not of on or other our
    ours out over own per she should so some such than that the their them then there these
    they this those through to too under up us very was we well were what when where which
    while who whom why will with within without would you your yours able ability abilities
    strong good excellent experience experienced knowledge skills skill skilled proficient
    proficiency proven working work ensure ensuring candidate candidates ideal role position
    job seeking looking required requires require requirement requirements demonstrated
    solid familiarity familiar understanding expertise expert effectively effective highly
    various relevant related using le la les un une des du de et ou en au aux pour par sur
    dans avec sans est sont à d l el los las unos unas del y o en con sin por para es son al
    der die das ein eine und oder mit von für zu im in auf ist sind dem den des il lo gli di
    da con per su è e het een en of van voor met op te is zijn
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


@dataclass(frozen=True, slots=True)
class Token:
    """One normalised token and the character span it came from in the original text."""

    text: str
    start: int
    end: int


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower-case and strip accents: 'Infirmière' -> 'infirmiere', 'Ärztin' -> 'arztin'."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Strip a few inflectional endings so that 'nurses', 'nursing' and 'nurse' meet.

    Deliberately tiny (no language detection): it only removes endings that are inflections in
    English and plurals in the Romance languages, and never shortens a word below four letters.
    """
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix, keep in (
        ("ies", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", "e"),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            base = word[: len(word) - len(suffix)] + keep
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "es" and word[-3] in "sxz":
                return word[:-2]
            if suffix in ("ing", "ed") and len(base) >= 2 and base[-1] == base[-2]:
                base = base[:-1]
            return base
    return word


def tokenize(text: str, *, keep_stopwords: bool = False) -> list[Token]:
    """Split `text` into normalised, stemmed tokens with their character offsets."""
    tokens = []
    for m in _WORD.finditer(text):
        word = fold(m.group())
        if not keep_stopwords and word in STOPWORDS:
            continue
        tokens.append(Token(stem(word), m.start(), m.end()))
    return tokens


def terms(text: str) -> list[str]:
    """The normalised terms of `text`, stop words removed (what the BM25 index sees)."""
    return [t.text for t in tokenize(text)]


def normalise(text: str) -> str:
    """A canonical form of a label for exact lookup: folded words joined by single spaces."""
    return " ".join(fold(m.group()) for m in _WORD.finditer(text))


def split_sentences(text: str, *, max_chars: int = 400) -> list[tuple[int, int]]:
    """Character spans of the sentences (or bullet items) of `text`, empty ones dropped.

    A sentence longer than `max_chars` is cut further at commas and conjunctions so that each
    piece names a handful of skills at most.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        for c, d in _cut_long(text, a, b, max_chars):
            while c < d and text[c].isspace():
                c += 1
            while d > c and text[d - 1].isspace():
                d -= 1
            if c < d and _WORD.search(text, c, d):
                out.append((c, d))
    return out


def _cut_long(text: str, a: int, b: int, max_chars: int) -> list[tuple[int, int]]:
    if b - a <= max_chars:
        return [(a, b)]
    pieces: list[tuple[int, int]] = []
    start = a
    last = a
    for m in _SPLIT_LONG.finditer(text, a, b):
        if m.start() - start > max_chars and last > start:
            pieces.append((start, last))
            start = last
        last = m.start()
    if b - start > max_chars and last > start:
        pieces.append((start, last))
        start = last
    pieces.append((start, b))
    return pieces
