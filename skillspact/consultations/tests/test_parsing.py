"""Splitting strategy text (Markdown, or Word through mammoth) into numbered sections."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import pytest

from skillspact.consultations import parsing
from skillspact.consultations.parsing import ParsedSection, ParseError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(paragraphs: list[tuple[str, str]]) -> bytes:
    """A minimal real .docx: (style id, text) paragraphs, style "" for body text; the styles
    part names Heading1-3 "heading 1-3" as Word does."""
    body = "".join(
        "<w:p>"
        + (f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else "")
        + f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        for style, text in paragraphs
    )
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="Heading{n}">'
        f'<w:name w:val="heading {n}"/></w:style>'
        for n in (1, 2, 3)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            '<Override PartName="/word/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/_rels/document.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/styles" Target="styles.xml"/></Relationships>'
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
        ),
        "word/styles.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:styles xmlns:w="{W}">{styles}</w:styles>'
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


STRATEGY = """\
This strategy sets out how the partnership trains the health workforce.

# Vision
Every health worker has the skills of tomorrow.

## Digital skills
Nurses learn telehealth and health records.

#### Examples
Two pilot courses in Bilbao.

## Green skills
Hospitals cut waste.

# Funding
Erasmus+ and the ESF+ pay for it.

### Regional funds
Through the regions.
"""


def outline(sections: list[ParsedSection]) -> list[tuple[str, int, str, str]]:
    return [(s.number, s.level, s.heading, s.key) for s in sections]


# -- Markdown -----------------------------------------------------------------------------------


def test_markdown_headings_split_the_text_into_numbered_sections_with_a_preamble():
    sections = parsing.parse_markdown(STRATEGY)

    assert outline(sections) == [
        ("0", 1, "Preamble", "preamble"),
        ("1", 1, "Vision", "vision"),
        ("1.1", 2, "Digital skills", "digital-skills"),
        ("1.2", 2, "Green skills", "green-skills"),
        ("2", 1, "Funding", "funding"),
        # "###" straight under "#" is one level down, not two.
        ("2.1", 2, "Regional funds", "regional-funds"),
    ]
    assert sections[0].body == (
        "This strategy sets out how the partnership trains the health workforce."
    )
    # Deeper headings stay in the text of their section.
    assert sections[2].body == (
        "Nurses learn telehealth and health records.\n\n#### Examples\nTwo pilot courses in Bilbao."
    )
    assert [s.line for s in sections] == [1, 3, 6, 12, 15, 18]


def test_a_document_without_text_before_its_first_heading_has_no_preamble():
    sections = parsing.parse_markdown("# One\nA.\n# Two\nB.")

    assert outline(sections) == [("1", 1, "One", "one"), ("2", 1, "Two", "two")]


def test_headings_that_carry_a_number_keep_it_and_the_count_continues_from_it():
    text = "# 3. Vision\nA.\n## 3.4 Digital skills\nB.\n## Green skills\nC.\n# Funding\nD."

    assert outline(parsing.parse_markdown(text)) == [
        ("3", 1, "Vision", "vision"),
        ("3.4", 2, "Digital skills", "digital-skills"),
        ("3.5", 2, "Green skills", "green-skills"),
        ("4", 1, "Funding", "funding"),
    ]


def test_a_year_at_the_start_of_a_heading_is_not_a_section_number():
    assert outline(parsing.parse_markdown("# 2030 targets\nA.")) == [
        ("1", 1, "2030 targets", "2030-targets")
    ]


def test_chapters_written_as_level_two_headings_still_number_from_one():
    text = "## First\nA.\n### Detail\nB.\n## Second\nC."

    assert outline(parsing.parse_markdown(text)) == [
        ("1", 1, "First", "first"),
        ("1.1", 2, "Detail", "detail"),
        ("2", 1, "Second", "second"),
    ]


def test_duplicate_headings_get_distinct_keys():
    text = "# Actions\nA.\n## Actions\nB.\n# Actions\nC."

    keys = [s.key for s in parsing.parse_markdown(text)]

    assert keys == ["actions", "actions-2", "actions-3"]


def test_keys_never_take_the_name_of_a_page_beside_the_sections():
    assert [s.key for s in parsing.parse_markdown("# Results\nA.\n# Mine\nB.")] == [
        "results-2",
        "mine-2",
    ]


def test_headings_without_latin_letters_get_a_key_from_their_number():
    sections = parsing.parse_markdown("# Стратегия\nA.\n## Навыки\nB.")

    assert [s.key for s in sections] == ["section-1", "section-1-1"]


def test_keys_of_the_previous_version_are_reused_for_the_same_heading():
    previous = [("Vision", "vision"), ("Digital skills", "skills-old-key")]

    sections = parsing.parse_markdown(
        "# 1 Vision\nA.\n# 2 DIGITAL  skills\nB.\n# 3 New part\nC.", previous=previous
    )

    assert [s.key for s in sections] == ["vision", "skills-old-key", "new-part"]


def test_headings_inside_code_blocks_and_setext_headings():
    text = "Title\n=====\nIntro.\n```\n# not a heading\n```\nPart two\n--------\nText."

    sections = parsing.parse_markdown(text)

    assert outline(sections) == [
        ("1", 1, "Title", "title"),
        ("1.1", 2, "Part two", "part-two"),
    ]
    assert sections[0].body == "Intro.\n```\n# not a heading\n```"


def test_an_unclosed_code_block_is_reported_with_its_line():
    with pytest.raises(ParseError) as caught:
        parsing.parse_markdown("# A\ntext\n```\ncode", field="text")

    assert caught.value.line == 3
    assert caught.value.fields == {
        "text": ["Line 3: a code block (```) is opened but never closed."]
    }


@pytest.mark.parametrize("text", ["", "   \n\n  \t"])
def test_text_without_words_is_refused(text):
    with pytest.raises(ParseError, match="There is no text in it."):
        parsing.parse_markdown(text)


def test_a_section_longer_than_the_limit_is_refused_with_its_line():
    text = "# Short\nA.\n# Long\n" + "x" * (parsing.MAX_BODY + 1)

    with pytest.raises(ParseError) as caught:
        parsing.parse_markdown(text)

    assert caught.value.line == 3
    assert "Long" in caught.value.message


def test_too_many_sections_are_refused():
    text = "\n".join(f"# Part {n}" for n in range(parsing.MAX_SECTIONS + 1))

    with pytest.raises(ParseError, match="the limit is 500"):
        parsing.parse_markdown(text)


def test_escaped_markdown_in_headings_reads_as_plain_text():
    assert outline(parsing.parse_markdown("# Skills \\& jobs \\#1 #\nA.")) == [
        ("1", 1, "Skills & jobs #1", "skills-jobs-1")
    ]


# -- files --------------------------------------------------------------------------------------


def test_a_markdown_file_in_utf8_with_a_byte_order_mark_is_read():
    data = "\ufeff# Résumé\nÉducation.".encode()

    sections = parsing.parse_upload("strategy.md", data)

    assert outline(sections) == [("1", 1, "Résumé", "resume")]
    assert sections[0].body == "Éducation."


def test_a_file_that_is_not_utf8_is_refused_with_the_line():
    data = "# Vision\nGood.\nCaf\xe9 cr\xe8me\n".encode("latin-1")

    with pytest.raises(ParseError) as caught:
        parsing.parse_upload("strategy.txt", data)

    assert caught.value.line == 3
    assert caught.value.message.startswith("Line 3: the file is not UTF-8 text.")


def test_an_empty_file_is_refused():
    with pytest.raises(ParseError, match="The file is empty."):
        parsing.parse_upload("strategy.md", b"")


def test_other_file_types_are_refused():
    with pytest.raises(ParseError, match=r"Upload a Markdown \(\.md\)"):
        parsing.parse_upload("strategy.pdf", b"%PDF-1.4")


def test_a_word_document_is_split_at_its_heading_styles():
    data = docx_bytes(
        [
            ("", "Adopted by the partnership (2025)."),
            ("Heading1", "1. Vision"),
            ("", "Every health worker learns. Really!"),
            ("Heading2", "Digital skills"),
            ("", "Nurses learn telehealth (and more)."),
            ("Heading1", ""),
            ("Heading1", "Funding"),
            ("", "1. Erasmus+ first"),
        ]
    )

    sections = parsing.parse_upload("strategy.docx", data)

    assert outline(sections) == [
        ("0", 1, "Preamble", "preamble"),
        ("1", 1, "Vision", "vision"),
        ("1.1", 2, "Digital skills", "digital-skills"),
        ("2", 1, "Funding", "funding"),
    ]
    # mammoth's escapes are dropped mid-line, kept where Markdown needs them.
    assert sections[0].body == "Adopted by the partnership (2025)."
    assert sections[1].body == "Every health worker learns. Really!"
    assert sections[2].body == "Nurses learn telehealth (and more)."
    assert sections[3].body == "1\\. Erasmus+ first"


def test_a_file_named_docx_that_is_not_one_is_refused():
    with pytest.raises(ParseError, match=r"not a Word \(\.docx\) document"):
        parsing.parse_upload("strategy.docx", b"PK\x03\x04 not really a zip")


def test_a_zip_without_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")

    with pytest.raises(ParseError, match=r"not a Word \(\.docx\) document"):
        parsing.parse_upload("strategy.docx", buffer.getvalue())


def test_a_word_document_without_text_is_refused():
    with pytest.raises(ParseError, match="There is no text in it."):
        parsing.parse_upload("strategy.docx", docx_bytes([("", "")]))


# -- numbering ----------------------------------------------------------------------------------


def test_numbers_follow_the_levels():
    assert parsing.number_sections([1, 2, 2, 3, 1, 2]) == ["1", "1.1", "1.2", "1.2.1", "2", "2.1"]
