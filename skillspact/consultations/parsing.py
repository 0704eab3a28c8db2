"""Strategy text into numbered sections. Pure: no database, no settings; the services in
`strategy.py` store what these functions return.

A document is split at its headings of levels 1 to 3 (`#`, `##`, `###`, or Word's "Heading 1"
to "Heading 3" styles through mammoth's Markdown output); deeper headings stay in the text of
their section. Sections are numbered "1", "1.1", "2"... unless the heading starts with its own
number. Text before the first heading becomes a "Preamble". Each section gets a `key`: the slug
of its heading, unique within the version, reused for the same heading of the previous version
so that sections pair across versions.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.text import slugify
from django.utils.translation import gettext as _

from skillspact.core.errors import InvalidInput

PREAMBLE_KEY = "preamble"
# Keys that would collide with the pages beside a section's ("/consultations/<slug>/<key>/").
RESERVED_KEYS = frozenset({"profile", "questions", "mine", "results", "new"})
PREAMBLE_NUMBER = "0"
MAX_LEVEL = 3
# Limits of the model fields and of what one consultation can reasonably carry.
MAX_HEADING = 300
MAX_BODY = 50_000
MAX_KEY = 100
MAX_SECTIONS = 500
MAX_TEXT = 1_000_000
# A .docx is a zip: refuse archives that would unpack to more than this (zip bombs).
MAX_DOCX_UNPACKED = 50 * 1024 * 1024
TEXT_EXTENSIONS = {".md", ".txt"}
DOCX_EXTENSIONS = {".docx"}

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_OWN_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,5})\.?[ \t]+(\S.*)$")
# A line that is not plain paragraph text, so the line under it is not a setext underline.
_NOT_PARAGRAPH = re.compile(r"^ {0,3}(?:[-+*>#]|\d+[.)]|`{3}|~{3})|^ {4}")
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


class ParseError(InvalidInput):
    """The text cannot be split into sections; `line` says where, when known."""

    code = "unreadable_document"

    def __init__(self, message: str, *, field: str = "upload", line: int | None = None) -> None:
        if line is not None:
            message = _("Line %(line)s: %(problem)s") % {"line": line, "problem": message}
        super().__init__(message, fields={field: [message]})
        self.field = field
        self.line = line


@dataclass(frozen=True)
class ParsedSection:
    """One section as found in the text."""

    number: str
    level: int
    heading: str
    body: str
    key: str
    line: int = 0  # where its heading is, for messages


# -- reading files ------------------------------------------------------------------------------


def parse_upload(
    name: str,
    data: bytes,
    *,
    previous: Iterable[tuple[str, str]] = (),
    field: str = "upload",
) -> list[ParsedSection]:
    """Sections of an uploaded Markdown/text or .docx file (chosen by its extension)."""
    extension = PurePath(name or "").suffix.lower()
    if not data:
        raise ParseError(_("The file is empty."), field=field)
    if extension in DOCX_EXTENSIONS:
        return parse_markdown(docx_to_markdown(data, field=field), previous=previous, field=field)
    if extension in TEXT_EXTENSIONS:
        return parse_markdown(decode_text(data, field=field), previous=previous, field=field)
    raise ParseError(
        _("Upload a Markdown (.md), text (.txt) or Word (.docx) file."),
        field=field,
    )


def decode_text(data: bytes, *, field: str = "upload") -> str:
    """The text of a UTF-8 file (a byte-order mark is dropped); says on which line it is not."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ParseError(_("the file is not text (it holds a NUL byte)."), field=field, line=line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ParseError(
            _("the file is not UTF-8 text. Save it as UTF-8 (or as .docx) and upload it again."),
            field=field,
            line=line,
        ) from error
    return text


def docx_to_markdown(data: bytes, *, field: str = "upload") -> str:
    """Markdown for a Word document: headings by style, lists, emphasis; images left out."""
    import mammoth  # imported here: only imports of Word files need it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except zipfile.BadZipFile as error:
        raise ParseError(_("The file is not a Word (.docx) document."), field=field) from error
    if unpacked > MAX_DOCX_UNPACKED:
        raise ParseError(_("The Word document is too large once unpacked."), field=field)
    if "word/document.xml" not in names:
        raise ParseError(_("The file is not a Word (.docx) document."), field=field)
    try:
        result = mammoth.convert_to_markdown(io.BytesIO(data), convert_image=_no_image)
    except Exception as error:  # noqa: BLE001 - mammoth raises many kinds on damaged files
        raise ParseError(
            _("The Word document could not be read: it may be damaged."), field=field
        ) from error
    return _tidy_mammoth(result.value)


def _no_image(image: object) -> list[object]:
    # Images stay out of the sections: the text is what people comment on.
    return []


def _tidy_mammoth(markdown: str) -> str:
    """Drop the backslashes mammoth puts before every dot and bracket where Markdown does not
    need them (mid-line), so that the text reads well when edited and diffed."""
    lines = []
    for line in markdown.replace("\r\n", "\n").split("\n"):
        prefix = re.match(r"^ *(?:\\[#+\-]|\d+\\[.)]|#{1,6} )?", line)
        start = prefix.end() if prefix else 0
        rest = re.sub(
            r"\\(\\|[.(){}!+\-#])",
            lambda m: m.group(0) if m.group(1) == "\\" else m.group(1),
            line[start:],
        )
        lines.append(line[:start] + rest)
    return "\n".join(lines)


# -- splitting Markdown -------------------------------------------------------------------------


@dataclass
class _Heading:
    level: int
    text: str
    line: int
    body_lines: list[str]


def parse_markdown(
    text: str, *, previous: Iterable[tuple[str, str]] = (), field: str = "upload"
) -> list[ParsedSection]:
    """Split Markdown `text` into numbered sections at its headings of levels 1 to 3.

    `previous` holds (heading, key) pairs of the version before, whose keys are reused.
    """
    text = unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > MAX_TEXT:
        raise ParseError(
            _("The text is longer than %(limit)s characters.") % {"limit": f"{MAX_TEXT:,}"},
            field=field,
        )
    if not text.strip():
        raise ParseError(_("There is no text in it."), field=field)
    preamble, headings = _split(text, field=field)

    sections: list[tuple[str, int, str, str, int]] = []  # number, level, heading, body, line
    preamble_text = _body("\n".join(preamble))
    if preamble_text:
        sections.append((PREAMBLE_NUMBER, 1, _("Preamble"), preamble_text, 1))
    levels = _outline([h.level for h in headings])
    numbers = number_sections(levels, [_own_number(h.text)[0] for h in headings])
    for heading, level, section_number in zip(headings, levels, numbers, strict=True):
        title = _own_number(heading.text)[1] or heading.text
        if not title:
            raise ParseError(_("a heading has no text."), field=field, line=heading.line)
        if len(title) > MAX_HEADING:
            raise ParseError(
                _("the heading is longer than %(limit)s characters.") % {"limit": MAX_HEADING},
                field=field,
                line=heading.line,
            )
        body = _body("\n".join(heading.body_lines))
        if len(body) > MAX_BODY:
            raise ParseError(
                _("the section “%(heading)s” is longer than %(limit)s characters.")
                % {"heading": title[:80], "limit": f"{MAX_BODY:,}"},
                field=field,
                line=heading.line,
            )
        sections.append((section_number, level, title, body, heading.line))
    if preamble_text and len(preamble_text) > MAX_BODY:
        raise ParseError(
            _("the text before the first heading is longer than %(limit)s characters.")
            % {"limit": f"{MAX_BODY:,}"},
            field=field,
            line=1,
        )
    if len(sections) > MAX_SECTIONS:
        raise ParseError(
            _("The document has %(count)s sections; the limit is %(limit)s.")
            % {"count": len(sections), "limit": MAX_SECTIONS},
            field=field,
        )
    keys = assign_keys(
        [(heading, section_number) for section_number, _level, heading, _body_, _line in sections],
        previous=previous,
        preamble_first=bool(preamble_text),
    )
    return [
        ParsedSection(
            number=section_number, level=level, heading=heading, body=body, key=key, line=line
        )
        for (section_number, level, heading, body, line), key in zip(sections, keys, strict=True)
    ]


def _split(text: str, *, field: str) -> tuple[list[str], list[_Heading]]:
    """The lines before the first heading, and each heading of levels 1 to 3 with its lines;
    lines inside fenced code blocks are never headings."""
    preamble: list[str] = []
    headings: list[_Heading] = []
    fence = ""
    fence_line = 0
    for number, line in enumerate(text.split("\n"), start=1):
        target = headings[-1].body_lines if headings else preamble
        fence_match = _FENCE.match(line)
        if fence:
            marker = fence_match.group(1) if fence_match else ""
            if marker[:1] == fence[0] and len(marker) >= len(fence):
                fence = ""
            target.append(line)
            continue
        if fence_match:
            fence, fence_line = fence_match.group(1), number
            target.append(line)
            continue
        atx = _ATX.match(line)
        if atx and len(atx.group(1)) <= MAX_LEVEL:
            if _plain(atx.group(2) or ""):  # an empty heading (often an empty Word paragraph)
                headings.append(_Heading(len(atx.group(1)), _plain(atx.group(2)), number, []))
            continue
        setext = _SETEXT.match(line)
        # Only a one-line paragraph above "===" or "---" becomes a heading; under a longer
        # paragraph "---" was most likely meant as a rule.
        if (
            setext
            and target
            and target[-1].strip()
            and not _NOT_PARAGRAPH.match(target[-1])
            and (len(target) < 2 or not target[-2].strip() or _FENCE.match(target[-2]))
        ):
            level = 1 if setext.group(1)[0] == "=" else 2
            headings.append(_Heading(level, _plain(target.pop()), number - 1, []))
            continue
        target.append(line)
    if fence:
        # An unclosed code fence swallows the rest of the document; say so rather than guess.
        raise ParseError(
            _("a code block (```) is opened but never closed."), field=field, line=fence_line
        )
    return preamble, headings


def _plain(heading: str) -> str:
    """A heading as plain text: Markdown escapes removed, spaces collapsed."""
    return " ".join(_BACKSLASH_ESCAPE.sub(r"\1", heading).split())


def _body(text: str) -> str:
    return text.strip("\n").rstrip()


def _own_number(heading: str) -> tuple[str, str]:
    """("2.1", "Digital skills") for "2.1 Digital skills"; ("", heading) without a number."""
    match = _OWN_NUMBER.match(heading)
    if not match:
        return "", heading
    return match.group(1), match.group(2).strip()


def _outline(levels: list[int]) -> list[int]:
    """Levels by nesting rather than by the number of "#": a heading one step below the one
    before it is one level down whatever it skips, and a document whose chapters are `##`
    still numbers them "1", "2"."""
    result: list[int] = []
    open_levels: list[int] = []  # the written levels of the headings this one may sit under
    for level in levels:
        while open_levels and open_levels[-1] >= level:
            open_levels.pop()
        result.append(min(len(open_levels) + 1, MAX_LEVEL))
        open_levels.append(level)
    return result


def number_sections(levels: list[int], own: list[str] | None = None) -> list[str]:
    """Hierarchical numbers ("1", "1.1", "1.2", "2") for sections at `levels`; where `own`
    gives a section its own number, that number is kept and the count continues from it."""
    own = own or [""] * len(levels)
    counters = [0] * MAX_LEVEL
    numbers: list[str] = []
    for level, given in zip(levels, own, strict=True):
        if given:
            parts = [int(part) for part in given.split(".")][:MAX_LEVEL]
            for index in range(MAX_LEVEL):
                counters[index] = parts[index] if index < len(parts) else 0
            numbers.append(given)
            continue
        counters[level - 1] += 1
        for index in range(level, MAX_LEVEL):
            counters[index] = 0
        numbers.append(".".join(str(max(count, 1)) for count in counters[:level]))
    return numbers


# -- keys ---------------------------------------------------------------------------------------


def heading_key(heading: str, number: str = "") -> str:
    """The slug of a heading (ASCII; "section-2-1" when the heading has no Latin letters)."""
    slug = slugify(unicodedata.normalize("NFKD", heading))[:MAX_KEY].strip("-")
    if not slug:
        slug = slugify(f"section-{number.replace('.', '-')}") if number else "section"
    return slug


def _same_heading(heading: str) -> str:
    return " ".join(heading.casefold().split())


def assign_keys(
    headings: list[tuple[str, str]],
    *,
    previous: Iterable[tuple[str, str]] = (),
    preamble_first: bool = False,
    taken: Iterable[str] = (),
) -> list[str]:
    """A key for each (heading, number): the previous version's key for the same heading, else
    the heading's slug; duplicates get "-2", "-3"... Keys in `taken` are not handed out."""
    reusable: dict[str, list[str]] = {}
    for heading, key in previous:
        reusable.setdefault(_same_heading(heading), []).append(key)
    used = set(taken) | RESERVED_KEYS
    keys: list[str] = []
    for index, (heading, number) in enumerate(headings):
        if index == 0 and preamble_first:
            key = PREAMBLE_KEY
        else:
            candidates = reusable.get(_same_heading(heading), [])
            key = ""
            while candidates:
                candidate = candidates.pop(0)
                if candidate not in used:
                    key = candidate
                    break
            if not key:
                key = unique_key(heading_key(heading, number), used)
        used.add(key)
        keys.append(key)
    return keys


def unique_key(base: str, used: set[str] | Mapping[str, object]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not in `used`."""
    if base not in used:
        return base
    suffix = 2
    while True:
        candidate = f"{base[: MAX_KEY - len(str(suffix)) - 1]}-{suffix}"
        if candidate not in used:
            return candidate
        suffix += 1
