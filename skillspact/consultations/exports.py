"""Everything a consultation received, as CSV and XLSX, for the secretariat.

The respondents' profiles, ratings, comments (replies too), amendments and answers to the
general questions. Drafts are left out: nobody sent them. A respondent who asked to be left out
(`Respondent.is_anonymised`) appears without name, e-mail or organisation name; every respondent
is named by a number (R00001) that only this file uses. Text people typed never starts a
spreadsheet formula.

The CSV is one table, a row per record (`record`: respondent, rating, comment, amendment or
answer) with the respondent's profile repeated on each row, so a spreadsheet filter finds
anything; it is streamed. The XLSX has the figures per section, the respondents with their
stance on each section in one column per section, and a sheet each for comments, amendments
and answers.

The workbook is written by `XlsxWriter` below, a plain streaming writer of inline strings and
numbers: openpyxl builds an XML element per cell and took 22 s for a consultation of 20,000
comments and 50,000 ratings, this writer under 2 s (bench/consultation_load.py).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import IO, Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _

from skillspact.consultations import analysis
from skillspact.consultations.models import (
    Amendment,
    Answer,
    Comment,
    Consultation,
    Rating,
    Respondent,
    Section,
)

CHUNK = 2000
PROFILE = [
    "respondent",
    "stakeholder_type",
    "country",
    "answers_for_organisation",
    "organisation_name",
    "name",
    "email",
    "is_anonymised",
    "started_at",
    "submitted_at",
]
ITEM = [
    "id",
    "section_number",
    "section_key",
    "section_heading",
    "question",
    "stance",
    "text",
    "rationale",
    "status",
    "published_at",
    "reply_to",
    "theme",
    "reports",
    "outcome",
    "outcome_reply",
]
CSV_COLUMNS = ["record", *PROFILE, *ITEM]
WHO = ["respondent", "stakeholder_type", "country"]
SHEETS: dict[str, list[str]] = {
    "comment": [
        *WHO,
        "id",
        "section_number",
        "text",
        "status",
        "published_at",
        "reply_to",
        "theme",
        "reports",
        "outcome",
        "outcome_reply",
    ],
    "amendment": [
        *WHO,
        "id",
        "section_number",
        "text",
        "rationale",
        "status",
        "published_at",
        "reports",
        "outcome",
        "outcome_reply",
    ],
    "answer": [*WHO, "question", "text"],
}
SENT = [Comment.Status.PUBLISHED, Comment.Status.HIDDEN, Comment.Status.REMOVED]

Record = dict[str, Any]


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text people typed (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def _dates() -> Callable[[datetime | None], str]:
    """Local "YYYY-MM-DD HH:MM" of a moment; the time zone is looked up once per export
    (`timezone.localtime()` looks it up on every call, which costs more than the rest)."""
    zone = timezone.get_current_timezone()

    def when(value: datetime | None) -> str:
        if value is None:
            return ""
        local = value.astimezone(zone)
        return (
            f"{local.year:04d}-{local.month:02d}-{local.day:02d} "
            f"{local.hour:02d}:{local.minute:02d}"
        )

    return when


def _yes(value: bool) -> str:
    return "yes" if value else "no"


class _Records:
    """The records of one consultation, kind by kind, each with its respondent's profile."""

    def __init__(self, consultation: Consultation) -> None:
        self.consultation = consultation
        self.when = _dates()
        self.profiles = self._profiles()

    def _profiles(self) -> dict[int, Record]:
        """Each respondent's profile by primary key, numbered in the order they started."""
        when = self.when
        profiles: dict[int, Record] = {}
        rows = (
            Respondent.objects.filter(consultation=self.consultation)
            .order_by("created_at", "id")
            .values_list(
                "pk",
                "stakeholder_type",
                "country",
                "answers_for_organisation",
                "organisation_name",
                "is_anonymised",
                "created_at",
                "submitted_at",
                "user__full_name",
                "user__email",
            )
        )
        for number, row in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
            pk, kind, country, for_org, org_name, anonymised, started, submitted, name, email = row
            profiles[pk] = {
                "respondent": f"R{number:05d}",
                "stakeholder_type": kind,
                "country": str(country or ""),
                "answers_for_organisation": _yes(for_org),
                "organisation_name": "" if anonymised else org_name,
                "name": "" if anonymised else (name or ""),
                "email": "" if anonymised else (email or ""),
                "is_anonymised": _yes(anonymised),
                "started_at": when(started),
                "submitted_at": when(submitted),
            }
        return profiles

    def ratings(self) -> Iterator[Record]:
        rows = (
            Rating.objects.filter(respondent__consultation=self.consultation)
            .order_by("section__position", "respondent_id")
            .values_list(
                "respondent_id",
                "section__number",
                "section__key",
                "section__heading",
                "stance",
                "updated_at",
            )
        )
        for respondent_id, number, key, heading, stance, updated in rows.iterator(CHUNK):
            yield {
                **self.profiles[respondent_id],
                "section_number": number,
                "section_key": key,
                "section_heading": heading,
                "stance": stance,
                "published_at": self.when(updated),
            }

    def comments(self) -> Iterator[Record]:
        rows = (
            Comment.objects.filter(respondent__consultation=self.consultation, status__in=SENT)
            .order_by("section__position", "published_at", "id")
            .values_list(
                "respondent_id",
                "public_id",
                "section__number",
                "section__key",
                "section__heading",
                "body",
                "status",
                "published_at",
                "parent__public_id",
                "theme__label",
                "report_count",
                "outcome__result",
                "outcome__reply",
            )
        )
        for row in rows.iterator(CHUNK):
            (respondent_id, public_id, number, key, heading, body, status, published, parent) = row[
                :9
            ]
            theme, reports, outcome, reply = row[9:]
            yield {
                **self.profiles[respondent_id],
                "id": str(public_id),
                "section_number": number,
                "section_key": key,
                "section_heading": heading,
                "text": body,
                "status": status,
                "published_at": self.when(published),
                "reply_to": str(parent) if parent else "",
                "theme": theme or "",
                "reports": reports,
                "outcome": outcome or "",
                "outcome_reply": reply or "",
            }

    def amendments(self) -> Iterator[Record]:
        rows = (
            Amendment.objects.filter(respondent__consultation=self.consultation, status__in=SENT)
            .order_by("section__position", "published_at", "id")
            .values_list(
                "respondent_id",
                "public_id",
                "section__number",
                "section__key",
                "section__heading",
                "text",
                "rationale",
                "status",
                "published_at",
                "report_count",
                "outcome__result",
                "outcome__reply",
            )
        )
        for row in rows.iterator(CHUNK):
            respondent_id, public_id, number, key, heading, text, rationale, status = row[:8]
            published, reports, outcome, reply = row[8:]
            yield {
                **self.profiles[respondent_id],
                "id": str(public_id),
                "section_number": number,
                "section_key": key,
                "section_heading": heading,
                "text": text,
                "rationale": rationale,
                "status": status,
                "published_at": self.when(published),
                "reports": reports,
                "outcome": outcome or "",
                "outcome_reply": reply or "",
            }

    def answers(self) -> Iterator[Record]:
        rows = (
            Answer.objects.filter(respondent__consultation=self.consultation)
            .order_by("question__position", "question_id", "respondent_id")
            .values_list("respondent_id", "question__text", "text")
        )
        for respondent_id, question, text in rows.iterator(CHUNK):
            yield {**self.profiles[respondent_id], "question": question, "text": text}


def records(consultation: Consultation) -> Iterator[tuple[str, Record]]:
    """(kind, values) for every respondent, rating, comment, amendment and answer, in that
    order; values are keyed by the names of `CSV_COLUMNS` and not yet made formula-safe."""
    found = _Records(consultation)
    for profile in found.profiles.values():
        yield "respondent", profile
    for kind, rows in (
        ("rating", found.ratings()),
        ("comment", found.comments()),
        ("amendment", found.amendments()),
        ("answer", found.answers()),
    ):
        for values in rows:
            yield kind, values


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(*, consultation: Consultation) -> Iterator[str]:
    """The CSV, line by line, so that a large consultation does not sit in memory."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read UTF-8
    yield writer.writerow(CSV_COLUMNS)
    columns = CSV_COLUMNS[1:]
    for kind, values in records(consultation):
        yield writer.writerow([kind, *[_safe(values.get(name, "")) for name in columns]])


# -- a streaming XLSX writer -----------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 cannot carry (a stray form feed in a comment would break the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Excel's limit for the text of a cell; an amendment may be longer.
MAX_CELL_TEXT = 32_767
_STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _column(index: int) -> str:
    """A, B, ..., Z, AA, AB, ... for 0, 1, ..."""
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(65 + remainder) + name
    return name


def _cell(reference: str, value: Any, style: str = "") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, int | float):
        return f'<c r="{reference}"{style}><v>{value}</v></c>'
    text = escape(_NOT_XML.sub("", str(value))[:MAX_CELL_TEXT])
    return (
        f'<c r="{reference}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    )


class XlsxWriter:
    """Writes a workbook sheet by sheet, row by row, into `stream`: text (inline strings) and
    numbers only, the first row of each sheet bold and frozen."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.archive = zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED)
        self.titles: list[str] = []
        self.columns: list[str] = []

    def sheet(self, title: str, header: list[str], rows: Iterable[list[Any]]) -> None:
        """Add a sheet named `title` (31 characters at most) with `header` and `rows`."""
        self.titles.append(title[:31])
        with self.archive.open(f"xl/worksheets/sheet{len(self.titles)}.xml", "w") as part:
            part.write(
                (
                    _XML + f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    "</sheetView></sheetViews><sheetData>"
                ).encode()
            )
            chunk = [self._row(1, header, ' s="1"')]
            for number, row in enumerate(rows, start=2):
                chunk.append(self._row(number, row))
                if len(chunk) >= 500:
                    part.write("".join(chunk).encode())
                    chunk = []
            chunk.append("</sheetData></worksheet>")
            part.write("".join(chunk).encode())

    def _row(self, number: int, values: list[Any], style: str = "") -> str:
        while len(self.columns) < len(values):
            self.columns.append(_column(len(self.columns)))
        cells = "".join(
            _cell(f"{self.columns[index]}{number}", value, style)
            for index, value in enumerate(values)
        )
        return f'<row r="{number}">{cells}</row>'

    def close(self) -> None:
        """Write the workbook's parts that name the sheets, and finish the archive."""
        count = len(self.titles)
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, count + 1)
        )
        self.archive.writestr(
            "[Content_Types].xml",
            _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' + sheets + "</Types>",
        )
        self.archive.writestr(
            "_rels/.rels",
            _XML + f'<Relationships xmlns="{_PACKAGE}"><Relationship Id="rId1" '
            f'Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        names = "".join(
            f'<sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
            for n, title in enumerate(self.titles, start=1)
        )
        self.archive.writestr(
            "xl/workbook.xml",
            _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
            f"<sheets>{names}</sheets></workbook>",
        )
        links = "".join(
            f'<Relationship Id="rId{n}" Type="{_RELATIONSHIPS}/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, count + 1)
        )
        self.archive.writestr(
            "xl/_rels/workbook.xml.rels",
            _XML + f'<Relationships xmlns="{_PACKAGE}">{links}'
            f'<Relationship Id="rId{count + 1}" Type="{_RELATIONSHIPS}/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        self.archive.writestr("xl/styles.xml", _STYLES)
        self.archive.close()


# -- the workbook ------------------------------------------------------------------------------


def _headers() -> dict[str, str]:
    return {
        "respondent": _("Respondent"),
        "stakeholder_type": _("Stakeholder type"),
        "country": _("Country"),
        "answers_for_organisation": _("Answers for an organisation"),
        "organisation_name": _("Organisation"),
        "name": _("Name"),
        "email": _("E-mail"),
        "is_anonymised": _("Asked to be left out of exports"),
        "started_at": _("Started"),
        "submitted_at": _("Submitted"),
        "id": _("Id"),
        "section_number": _("Section"),
        "question": _("Question"),
        "text": _("Text"),
        "rationale": _("Why"),
        "status": _("Status"),
        "published_at": _("When"),
        "reply_to": _("Reply to"),
        "theme": _("Theme"),
        "reports": _("Open reports"),
        "outcome": _("Outcome"),
        "outcome_reply": _("Reply of the secretariat"),
    }


def _safe_row(row: list[Any]) -> list[Any]:
    return [_safe(value) for value in row]


def _about(consultation: Consultation, when: Callable[..., str]) -> list[list[Any]]:
    return [
        [_("Consultation"), consultation.title],
        [_("Version"), str(consultation.version)],
        [_("Phase"), str(consultation.get_phase_display())],
        [_("Exported"), when(timezone.now())],
        [
            _("Anonymity"),
            _(
                "Respondents are numbered (R00001) for this file only. Respondents who asked to be "
                "left out appear without name, e-mail or organisation name."
            ),
        ],
        [_("Drafts"), _("Comments and amendments not yet sent are not included.")],
        [
            _("Ratings"),
            _(
                "On the Respondents sheet, one column per section (by its number): support, "
                "neutral or oppose, empty when the respondent did not rate it."
            ),
        ],
    ]


def _section_rows(consultation: Consultation) -> Iterator[list[Any]]:
    found = analysis.analysis_for(consultation=consultation, filters=analysis.AnalysisFilters())
    for row in found.sections:
        assert row.section is not None
        yield [
            row.section.number,
            row.section.heading,
            row.ratings.support,
            row.ratings.neutral,
            row.ratings.oppose,
            row.ratings.share("support") if row.ratings.total else None,
            row.ratings.share("oppose") if row.ratings.total else None,
            row.comments,
            row.replies,
            row.awaiting_moderation,
            row.amendments,
        ]


def xlsx_bytes(*, consultation: Consultation) -> bytes:
    """The XLSX workbook: about, sections, respondents (with their ratings), comments,
    amendments, answers."""
    found = _Records(consultation)
    headers = _headers()
    buffer = io.BytesIO()
    workbook = XlsxWriter(buffer)
    workbook.sheet(
        _("About"),
        [_("Item"), _("Value")],
        (_safe_row(row) for row in _about(consultation, found.when)),
    )
    workbook.sheet(
        _("Sections"),
        [
            _("Section"),
            _("Heading"),
            _("Support"),
            _("Neutral"),
            _("Oppose"),
            _("Support (%)"),
            _("Oppose (%)"),
            _("Comments"),
            _("Replies"),
            _("Hidden after reports"),
            _("Amendments"),
        ],
        (_safe_row(row) for row in _section_rows(consultation)),
    )
    sections = list(
        Section.objects.filter(version_id=consultation.version_id)
        .order_by("position")
        .values_list("pk", "number")
    )
    stances: dict[int, dict[int, str]] = defaultdict(dict)
    for respondent_id, section_id, stance in (
        Rating.objects.filter(respondent__consultation=consultation)
        .values_list("respondent_id", "section_id", "stance")
        .iterator(CHUNK)
    ):
        stances[respondent_id][section_id] = stance
    workbook.sheet(
        _("Respondents"),
        [headers[name] for name in PROFILE] + [str(number) for _pk, number in sections],
        (
            _safe_row([profile[name] for name in PROFILE])
            + [stances.get(pk, {}).get(s) for s, _number in sections]
            for pk, profile in found.profiles.items()
        ),
    )
    titles = {"comment": _("Comments"), "amendment": _("Amendments"), "answer": _("Answers")}
    for kind, rows in (
        ("comment", found.comments()),
        ("amendment", found.amendments()),
        ("answer", found.answers()),
    ):
        columns = SHEETS[kind]
        workbook.sheet(
            titles[kind],
            [headers[name] for name in columns],
            (_safe_row([values.get(name, "") for name in columns]) for values in rows),
        )
    workbook.close()
    return buffer.getvalue()
