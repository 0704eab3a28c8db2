"""Search keys shared by every domain: one rule for the directory and the taxonomy alike."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def search_text(text: str) -> str:
    """The text searches compare against: "Hôpital  Général" becomes "hopital general".

    Case-folded, spaces squeezed, and only combining marks removed, so Greek and Cyrillic names
    and labels stay searchable.
    """
    if text.isascii():
        return _SPACES.sub(" ", text).strip().lower()
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(char for char in folded if not unicodedata.combining(char)).casefold()
    return _SPACES.sub(" ", folded).strip()
