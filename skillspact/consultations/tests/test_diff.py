"""The word diff of amendments and versions."""

from __future__ import annotations

from skillspact.consultations.diff import diff_counts, inline_word_diff


def test_text_wrapped_differently_is_not_a_change():
    html = inline_word_diff(
        "reach the European\nDigital Competence Framework", "reach the\nEuropean Digital Competence"
    )

    assert str(html).startswith("reach the\nEuropean Digital Competence")
    assert "<ins>" not in html
    assert html.count("<del>") == 1
    assert "Framework" in html.split("<del>")[1]


def test_changed_words_are_marked_and_escaped():
    html = inline_word_diff("a <b>bold</b> plan", "a <i>new</i> plan")

    assert "&lt;b&gt;bold&lt;/b&gt;" in html.split("<del>")[1]
    assert "&lt;i&gt;new&lt;/i&gt;" in html.split("<ins>")[1]
    assert "<b>" not in html and "<i>" not in html
    assert diff_counts("a <b>bold</b> plan", "a <i>new</i> plan") == (1, 1)
