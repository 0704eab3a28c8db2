"""Markdown written by people, rendered to HTML that can never run a script.

markdown-it (CommonMark, raw HTML disabled) turns the text into HTML; nh3 (the Ammonia
sanitiser) then keeps only the tags and attributes below, and only http(s) and mailto links,
each with rel="nofollow noopener noreferrer".
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_PARSER.enable("table")
_PARSER.enable("strikethrough")

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render(text: str) -> SafeString:
    """Safe HTML for `text` (Markdown); headings start at h3 so they sit under the page's own."""
    html = _PARSER.render(text or "")
    # Demote headings: a comment's "# Title" must not compete with the page's h1 and h2.
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>"
        )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
