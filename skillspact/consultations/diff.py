"""An inline word diff of two texts as safe HTML: every piece of text is escaped, and only the
<ins> and <del> tags this module writes itself are markup."""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Words and the whitespace between them are separate tokens, so line breaks survive.
_TOKENS = re.compile(r"\s+|[^\s]+")
# Beyond this many tokens difflib's "junk" heuristic keeps the diff fast on very long texts.
_EXACT_LIMIT = 4000


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall((text or "").replace("\r\n", "\n"))


def _keys(tokens: list[str]) -> list[str]:
    return [" " if token.isspace() else token for token in tokens]


def inline_word_diff(before: str, after: str) -> SafeString:
    """`after` compared with `before`, word by word: removed words in <del>, added in <ins>."""
    old, new = _tokens(before), _tokens(after)
    # Any run of whitespace compares equal to any other, so text wrapped differently is not a
    # change; the output shows the new text's own spaces and line breaks.
    matcher = difflib.SequenceMatcher(
        None, _keys(old), _keys(new), autojunk=len(old) + len(new) > _EXACT_LIMIT
    )
    removed = escape(_("[removed:"))
    added = escape(_("[added:"))
    end = escape(_("]"))
    parts: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(new[j1:j2])))
            continue
        # Screen readers do not announce <del> and <ins>: hidden words say what they mean.
        if op in ("delete", "replace"):
            parts.append(
                f'<del><span class="visually-hidden">{removed} </span>'
                f"{escape(''.join(old[i1:i2]))}"
                f'<span class="visually-hidden"> {end}</span></del>'
            )
        if op in ("insert", "replace"):
            parts.append(
                f'<ins><span class="visually-hidden">{added} </span>'
                f"{escape(''.join(new[j1:j2]))}"
                f'<span class="visually-hidden"> {end}</span></ins>'
            )
    return mark_safe("".join(parts))  # noqa: S308 - every text piece is escaped above


def diff_counts(before: str, after: str) -> tuple[int, int]:
    """How many words were added and removed, for a short summary."""
    old = [t for t in _tokens(before) if not t.isspace()]
    new = [t for t in _tokens(after) if not t.isspace()]
    added = removed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if op in ("delete", "replace"):
            removed += i2 - i1
        if op in ("insert", "replace"):
            added += j2 - j1
    return added, removed
