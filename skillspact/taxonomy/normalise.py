"""Search keys for labels: lower-case, accents folded, spaces squeezed."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def search_text(text: str) -> str:
    """The text search compares against: "Hôpital  Général" becomes "hopital general".

    Only combining marks go, so Greek, Cyrillic and Bulgarian labels stay searchable. The same
    rule as the member directory (organisations.normalise.search_text), kept here because the
    taxonomy is the vocabulary every domain builds on and depends on none of them.
    """
    if text.isascii():
        return _SPACES.sub(" ", text).strip().lower()
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(char for char in folded if not unicodedata.combining(char)).casefold()
    return _SPACES.sub(" ", folded).strip()
