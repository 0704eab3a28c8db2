"""People's Markdown renders as HTML in which no script can run."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from skillspact.core.markdown import render


class Elements(HTMLParser):
    """The tags and attributes of a piece of HTML, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "![x](javascript:alert(1))",
        '<svg onload="alert(1)"></svg>',
        "<iframe src='https://evil.example'></iframe>",
        '[x](" onmouseover="alert(1))',
    ],
)
def test_no_script_survives(attack):
    found = elements(render(attack))

    assert {tag for tag, _attrs in found} <= {"p", "a"}
    for _tag, attrs in found:
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith("javascript:")


def test_plain_markdown_keeps_its_meaning_and_links_are_marked():
    html = render("# Skills\n\n**Digital** skills, see [the plan](https://example.org/plan).")

    assert html == (
        "<h3>Skills</h3>\n<p><strong>Digital</strong> skills, see "
        '<a href="https://example.org/plan" rel="nofollow noopener noreferrer">the plan</a>.</p>\n'
    )
