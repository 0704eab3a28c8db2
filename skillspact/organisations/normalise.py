"""Normalising names and web addresses, to catch one organisation applying twice."""

from __future__ import annotations

import difflib
import re
import unicodedata
from urllib.parse import urlparse

from skillspact.core import text

# Legal-form words that do not tell two organisations apart.
LEGAL_FORMS = {
    "ag",
    "asbl",
    "bv",
    "co",
    "gmbh",
    "inc",
    "kft",
    "llc",
    "ltd",
    "nv",
    "oy",
    "plc",
    "sa",
    "sas",
    "sarl",
    "sl",
    "spa",
    "srl",
    "sro",
    "ab",
    "as",
    "aps",
    "eg",
    "ev",
    "ggmbh",
    "the",
    "vzw",
}
SIMILAR_NAME_RATIO = 0.92


def name_key(name: str) -> str:
    """Lower-case, accent-free, punctuation-free name without legal-form words."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(word for word in words if word not in LEGAL_FORMS)


def names_are_near_identical(first: str, second: str) -> bool:
    """Whether two names differ only by case, accents, punctuation, legal form or a typo."""
    a, b = name_key(first), name_key(second)
    if not a or not b:
        return False
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= SIMILAR_NAME_RATIO


def website_domain(url: str) -> str:
    """The host of a web address without `www.`: `https://www.x.eu/a` gives `x.eu`."""
    if not url:
        return ""
    parsed = urlparse(url if "://" in url else f"https://{url}")
    host = (parsed.hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def search_text(*parts: str) -> str:
    """The key the directory search matches against: the parts joined, as `core.text` folds them."""
    return text.search_text(" ".join(part for part in parts if part))
