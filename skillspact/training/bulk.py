"""Course import by the file: one CSV or XLSX row per course, every row stored or none.

Providers with a large offer download a template (`template_csv()`, `template_xlsx()`), fill in
one row per course and upload it (`courses_import()`). Each row goes through
`services.course_save()` (and `course_publish()` when its status says so) — the same rules as the
course form — inside one transaction with a savepoint per row; if any row fails, the whole
transaction is rolled back and the person gets every problem as (line, column, message), the
line numbered as a spreadsheet shows it (the header is line 1).

The format:

* The first row names the columns (`COLUMNS`; order free, case and spaces ignored); the
  required ones must be there, unknown ones are refused. A row whose title starts with `#` is a
  comment; empty rows are skipped.
* `outcomes`: the learning outcomes, separated by `|`. `outcome_skills`: the ESCO skill URIs of
  each outcome, in the same order, the groups separated by `|` and the URIs within a group by
  `;` (`uri-a; uri-b | uri-c` gives outcome 1 two skills and outcome 2 one).
* `languages` and `target_occupations`: several separated by `;`.
* Dates are `YYYY-MM-DD` (or a date cell in XLSX); numbers use a dot for decimals and no
  separators between thousands.
* At most 2 MB and 500 courses; CSV in UTF-8 (with or without BOM), separated by commas or
  semicolons; XLSX: the first sheet is read.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from skillspact.accounts.models import User

# Reading CSV and XLSX cells is shared with the commitments' upload: the same encodings,
# delimiters, formula guards and workbook limits.
from skillspact.commitments.bulk import (
    FileProblem,
    RowError,
    _csv_lines,
    _decode,
    _header_name,
    _is_blank,
    _text,
    _xlsx_lines,
)
from skillspact.core import audit
from skillspact.core.errors import DomainError, InvalidInput, NotPermitted
from skillspact.core.permissions import is_secretariat
from skillspact.core.uploads import validate_document
from skillspact.organisations import selectors as organisation_selectors
from skillspact.organisations.models import Organisation
from skillspact.training import services
from skillspact.training.models import AssessmentType, Course, CourseSeries, Mode, Supervision

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
MAX_LINES = 50_000
EXTENSIONS = (".csv", ".xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}
_LIST_SPLIT = re.compile(r"[;\n\r]+")


@dataclass(frozen=True)
class Column:
    """One column of the file: its name (never translated), whether it is required, and what
    to write in it."""

    name: str
    is_required: bool
    help: Promise
    example: str = ""


SKILL_EXAMPLE = (
    "http://data.europa.eu/esco/skill/16636767-c215-4cf0-b126-e144fea20926 | "
    "http://data.europa.eu/esco/skill/097c6a36-f031-4d3e-b5c1-62d6ffcb430b"
)
COLUMNS: list[Column] = [
    Column("title", True, gettext_lazy("The course's title."), "Telehealth consultations"),
    Column("summary", False, gettext_lazy("One or two sentences for the search results.")),
    Column("description", False, gettext_lazy("Content and methods (Markdown allowed).")),
    Column("status", False, gettext_lazy("“draft” (also when empty) or “published”."), "draft"),
    Column("series", False, gettext_lazy("The identifier of a series, as its page shows it.")),
    Column(
        "outcomes",
        True,
        gettext_lazy("The learning outcomes, separated by |."),
        "Run a video consultation | Protect patient data online",
    ),
    Column(
        "outcome_skills",
        False,
        gettext_lazy(
            "ESCO skill URIs of each outcome in the same order: groups separated by |, URIs "
            "within a group by ;."
        ),
        SKILL_EXAMPLE,
    ),
    Column(
        "target_occupations",
        False,
        gettext_lazy("ESCO occupation or local role URIs, separated by ;."),
    ),
    Column("eqf_level", False, gettext_lazy("1 to 8, or empty."), "5"),
    Column("hours", True, gettext_lazy("Notional workload in hours."), "25"),
    Column("ects", False, gettext_lazy("ECTS credits, with a dot for decimals."), "1"),
    Column("mode", True, gettext_lazy("online, in_person or blended."), "online"),
    Column("country", False, gettext_lazy("Two-letter code; empty: the provider's."), "BE"),
    Column("place", False, gettext_lazy("Town and venue (in person or blended)."), ""),
    Column("languages", True, gettext_lazy("ISO 639-1 codes separated by ;."), "en; fr"),
    Column("self_paced", False, gettext_lazy("yes or no (empty: no)."), "no"),
    Column("starts_on", False, gettext_lazy("YYYY-MM-DD; required unless self-paced."), ""),
    Column("ends_on", False, gettext_lazy("YYYY-MM-DD."), ""),
    Column("enrolment_closes_on", False, gettext_lazy("YYYY-MM-DD."), ""),
    Column("price_eur", False, gettext_lazy("Euros, with a dot for cents (empty: free)."), "0"),
    Column("places", False, gettext_lazy("Empty for no limit."), ""),
    Column("prerequisites", False, gettext_lazy("What learners need before starting.")),
    Column(
        "assessment_type",
        True,
        gettext_lazy("none, written_exam, online_test, practical, simulation, project or oral."),
        "online_test",
    ),
    Column(
        "supervision",
        False,
        gettext_lazy("unsupervised (default), supervised_online or supervised_onsite."),
    ),
    Column(
        "quality_assurance",
        True,
        gettext_lazy("The type of quality assurance."),
        "Internal quality assurance",
    ),
    Column("recognition", False, gettext_lazy("E.g. continuing professional development.")),
    Column("stackability", False, gettext_lazy("Integration and stackability.")),
    Column("further_information", False, gettext_lazy("A web address (https://...).")),
    Column(
        "credential_validity_months",
        False,
        gettext_lazy("Months the credential stays valid; empty: no expiry."),
    ),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
REQUIRED_COLUMNS = [column.name for column in COLUMNS if column.is_required]
COLUMN_ORDER = {name: index for index, name in enumerate(COLUMN_NAMES)}
# Service field -> the column it came from (the others have the same name).
FIELD_COLUMNS = {
    "is_self_paced": "self_paced",
    "outcomes": "outcomes",
    "__all__": "",
}


@dataclass
class ImportResult:
    """What an upload did: every problem found, or the courses it stored."""

    file_name: str = ""
    errors: list[RowError] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)
    published: int = 0

    @property
    def is_stored(self) -> bool:
        return not self.errors and bool(self.courses)

    def summary(self) -> str:
        """One sentence on what was stored, for the page."""
        stored = ngettext(
            "%(count)s course imported", "%(count)s courses imported", len(self.courses)
        ) % {"count": len(self.courses)}
        return _("%(stored)s (%(published)s published).") % {
            "stored": stored,
            "published": self.published,
        }


class CellProblem(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- reading ---------------------------------------------------------------------------------


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[Any]]]


def _collect(lines: Any) -> Table:
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(lines, start=1):
        if number > MAX_LINES:
            raise FileProblem(
                _("The file runs to more than %(count)s lines; remove the empty ones.")
                % {"count": f"{MAX_LINES:,}"}
            )
        if header is None:
            values = list(cells)
            while values and _is_blank(values[-1]):
                values.pop()
            if not values:
                raise FileProblem(_("Line 1 must name the columns; it is empty."), line=1)
            header = [_header_name(value) for value in values]
            continue
        if all(_is_blank(cell) for cell in cells):
            continue
        rows.append((number, list(cells)))
        if len(rows) > MAX_ROWS:
            raise FileProblem(
                _("The file has more than %(limit)s courses; split it into smaller files.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
    if header is None:
        raise FileProblem(_("The file is empty."))
    return Table(header=header, rows=rows)


def read_table(upload: UploadedFile) -> Table:
    """The header and rows of an uploaded CSV or XLSX file; FileProblem says what is wrong."""
    size = upload.size or 0
    if size > MAX_BYTES:
        raise FileProblem(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{size / 1_048_576:.1f}", "limit": MAX_BYTES // 1_048_576}
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in EXTENSIONS:
        raise FileProblem(
            _("Upload a CSV or an XLSX file (this one is “%(ext)s”).")
            % {"ext": extension or _("(none)")}
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    text = _decode(data) if extension == ".csv" else ""
    try:
        validate_document(upload)
    except ValidationError as error:
        raise FileProblem(error.messages[0]) from error
    return _collect(_csv_lines(text) if extension == ".csv" else _xlsx_lines(data))


def _header_errors(header: list[str]) -> list[RowError]:
    errors: list[RowError] = []
    seen: set[str] = set()
    for index, name in enumerate(header, start=1):
        if not name:
            letter = get_column_letter(index)
            errors.append(
                RowError(
                    1,
                    letter,
                    _("Column %(letter)s has no name; name it or delete the column.")
                    % {"letter": letter},
                )
            )
        elif name not in COLUMN_NAMES:
            errors.append(
                RowError(
                    1,
                    name[:60],
                    _("Unknown column “%(name)s”; the columns are listed on the page.")
                    % {"name": name[:60]},
                )
            )
        elif name in seen:
            errors.append(RowError(1, name, _("This column appears twice.")))
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(RowError(1, name, _("This column is missing; it is required.")))
    return errors


def _integer(value: Any) -> int | None:
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellProblem(_("Enter a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    if re.fullmatch(r"[0-9]{1,9}", text):
        return int(text)
    raise CellProblem(
        _("Enter a whole number with digits only, not “%(value)s”.") % {"value": text[:40]}
    )


def _decimal(value: Any) -> Decimal | None:
    if _is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = _text(value)
    if not re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,2})?", text):
        raise CellProblem(
            _("Enter a number with a dot for decimals, such as 1.5, not “%(value)s”.")
            % {"value": text[:40]}
        )
    try:
        return Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the pattern rules it out
        raise CellProblem(_("Enter a number.")) from error


def _date(value: Any) -> date | None:
    if _is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CellProblem(
            _("Write the date as YYYY-MM-DD, such as 2026-09-15, not “%(value)s”.")
            % {"value": text[:40]}
        ) from error


def _yes_no(value: Any) -> bool:
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellProblem(_("Write yes or no, not “%(value)s”.") % {"value": text[:40]})


def _choice(value: Any, choices: list[str], default: str = "") -> str:
    text = _text(value).lower().replace(" ", "_").replace("-", "_")
    if not text:
        if default:
            return default
        raise CellProblem(
            _("This cell is required; write one of %(codes)s.") % {"codes": ", ".join(choices)}
        )
    if text not in choices:
        raise CellProblem(
            _("“%(value)s” is not one of %(codes)s.")
            % {"value": _text(value)[:40], "codes": ", ".join(choices)}
        )
    return text


def _entries(value: Any) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(_text(value)) if part.strip()]


@dataclass
class _Row:
    line: int
    data: dict[str, Any] = field(default_factory=dict)
    outcomes: list[services.OutcomeIn] = field(default_factory=list)
    publish: bool = False
    errors: list[RowError] = field(default_factory=list)


def _read_row(
    line: int, cells: dict[str, Any], series: dict[str, CourseSeries], provider: Organisation
) -> _Row:
    row = _Row(line=line)

    def read(column: str, reader: Any, *args: Any) -> Any:
        if column not in cells:
            return None
        try:
            return reader(cells[column], *args)
        except CellProblem as problem:
            row.errors.append(RowError(line, column, problem.message))
            return None

    data = row.data
    for name in (
        "title",
        "summary",
        "description",
        "place",
        "prerequisites",
        "quality_assurance",
        "recognition",
        "stackability",
        "further_information",
    ):
        if name in cells:
            data[name] = _text(cells[name])
    if not data.get("title"):
        row.errors.append(RowError(line, "title", _("This cell is required.")))
    status = read("status", _choice, ["draft", "published"], "draft")
    row.publish = status == "published"
    for name in ("eqf_level", "hours", "places", "credential_validity_months"):
        if name in cells:
            data[name] = read(name, _integer)
    if (
        "hours" in cells
        and data.get("hours") is None
        and not any(error.column == "hours" for error in row.errors)
    ):
        row.errors.append(RowError(line, "hours", _("This cell is required.")))
    for name in ("ects", "price_eur"):
        if name in cells:
            data[name] = read(name, _decimal)
    if data.get("price_eur") is None:
        data["price_eur"] = Decimal("0")
    for name in ("starts_on", "ends_on", "enrolment_closes_on"):
        if name in cells:
            data[name] = read(name, _date)
    if "self_paced" in cells:
        data["is_self_paced"] = bool(read("self_paced", _yes_no))
    data["mode"] = read("mode", _choice, list(Mode.values))
    data["assessment_type"] = read("assessment_type", _choice, list(AssessmentType.values))
    if "supervision" in cells:
        data["supervision"] = read(
            "supervision", _choice, list(Supervision.values), Supervision.UNSUPERVISED
        )
    data["country"] = _text(cells.get("country")).upper() or str(provider.country or "")
    data["languages"] = _entries(cells.get("languages"))
    if not data["languages"]:
        row.errors.append(RowError(line, "languages", _("This cell is required.")))
    if "target_occupations" in cells:
        data["target_occupations"] = _entries(cells["target_occupations"])
    slug = _text(cells.get("series"))
    if slug:
        if slug in series:
            data["series"] = series[slug]
        else:
            row.errors.append(
                RowError(line, "series", _("No series “%(slug)s” is open to you.") % {"slug": slug})
            )
    texts = [part.strip() for part in _text(cells.get("outcomes")).split("|")]
    texts = [text for text in texts if text]
    groups = [
        [uri.strip() for uri in group.split(";") if uri.strip()]
        for group in _text(cells.get("outcome_skills")).split("|")
    ]
    while groups and not groups[-1]:
        groups.pop()
    if not texts:
        row.errors.append(RowError(line, "outcomes", _("Write at least one learning outcome.")))
    elif len(groups) > len(texts):
        row.errors.append(
            RowError(
                line,
                "outcome_skills",
                _(
                    "%(groups)s groups of skills for %(outcomes)s outcomes; separate the "
                    "groups by |."
                )
                % {"groups": len(groups), "outcomes": len(texts)},
            )
        )
    row.outcomes = [
        services.OutcomeIn(text, groups[index] if index < len(groups) else [])
        for index, text in enumerate(texts)
    ]
    return row


def _column_of(name: str) -> str:
    match = re.fullmatch(r"outcome_(\d+)(_skills)?", name)
    if match:
        return "outcome_skills" if match.group(2) else "outcomes"
    return FIELD_COLUMNS.get(name, name if name in COLUMN_ORDER else "")


def _message_of(name: str, message: str) -> str:
    match = re.fullmatch(r"outcome_(\d+)(_skills)?", name)
    if match and match.group(2):
        return _("Outcome %(number)s: %(message)s") % {"number": match.group(1), "message": message}
    return message


def courses_import(*, actor: User, provider: Organisation, upload: UploadedFile) -> ImportResult:
    """Store the courses of an uploaded CSV or XLSX file for `provider`: every row, or — when
    any row breaks a rule — none, with every problem by line and column."""
    if not (
        is_secretariat(actor)
        or organisation_selectors.can_act_for(user=actor, organisation=provider)
    ):
        raise NotPermitted(_("Only the contacts of an organisation import its courses."))
    result = ImportResult(file_name=PurePath(upload.name or "").name)
    try:
        table = read_table(upload)
    except FileProblem as problem:
        result.errors.append(problem.error)
        return result
    result.errors = _header_errors(table.header)
    if result.errors:
        return result
    series = {
        s.slug: s
        for s in CourseSeries.objects.filter(organisation__isnull=True)
        | CourseSeries.objects.filter(organisation=provider)
    }
    rows = []
    for line, cells in table.rows:
        values = dict(zip(table.header, cells, strict=False))
        if _text(values.get("title")).startswith("#"):
            continue
        rows.append(_read_row(line, values, series, provider))
    if not rows:
        result.errors.append(RowError(None, "", _("The file has no course rows.")))
        return result
    with transaction.atomic():
        for row in rows:
            if row.errors:
                result.errors += row.errors
                continue
            _store_row(row, actor=actor, provider=provider, result=result)
        if result.errors:
            # Nothing from a file with errors is kept: the provider fixes the file and sends it
            # again, and never has to work out which half was stored.
            transaction.set_rollback(True)
            result.courses, result.published = [], 0
        else:
            audit.record(
                provider,
                "training.course.imported",
                actor=actor,
                organisation=provider,
                after={
                    "file": result.file_name,
                    "courses": [course.slug for course in result.courses],
                    "published": result.published,
                },
                message=result.file_name,
            )
    result.errors.sort(key=lambda e: (e.line or 0, COLUMN_ORDER.get(e.column, 99)))
    return result


def _store_row(row: _Row, *, actor: User, provider: Organisation, result: ImportResult) -> None:
    try:
        with transaction.atomic():
            course = services.course_save(
                actor=actor, provider=provider, data=row.data, outcomes=row.outcomes
            )
            if row.publish:
                course = services.course_publish(course=course, actor=actor)
    except InvalidInput as error:
        problems = error.fields or {"__all__": [error.message]}
        for name, messages in problems.items():
            column = _column_of(name)
            result.errors += [RowError(row.line, column, _message_of(name, m)) for m in messages]
    except DomainError as error:
        result.errors.append(RowError(row.line, "status" if row.publish else "", error.message))
    else:
        result.courses.append(course)
        result.published += int(row.publish)


# -- the template --------------------------------------------------------------------------


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    return "" if value is None else value


def template_rows() -> list[list[Any]]:
    """The header, a comment row explaining each column, and an example course."""
    example = {
        "title": "Telehealth consultations for nurses",
        "summary": "Consult patients by video safely.",
        "status": "draft",
        "outcomes": "Run a video consultation with a patient | Protect patient data in remote care",
        "outcome_skills": SKILL_EXAMPLE,
        "eqf_level": 5,
        "hours": 25,
        "ects": 1,
        "mode": "online",
        "languages": "en; fr",
        "self_paced": "yes",
        "price_eur": 0,
        "assessment_type": "online_test",
        "supervision": "unsupervised",
        "quality_assurance": "Internal quality assurance of the provider",
        "recognition": "5 CPD credits",
    }
    comment = [
        f"# {column.help}" if index == 0 else str(column.help)
        for index, column in enumerate(COLUMNS)
    ]
    return [COLUMN_NAMES, comment, [example.get(name, "") for name in COLUMN_NAMES]]


def template_csv() -> str:
    """The template as CSV text (UTF-8 with a BOM, so that spreadsheet programs read it)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in template_rows():
        writer.writerow([_csv_safe(value) for value in row])
    return buffer.getvalue()


def template_xlsx() -> bytes:
    """The template as an XLSX workbook: the courses sheet, then a sheet of notes."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Courses")[:31]
    for row in template_rows():
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="555555")
    for index in range(1, len(COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 24
    guide = workbook.create_sheet(_("Notes")[:31])
    for sentence in notes():
        guide.append([sentence])
    guide.append([])
    guide.append([_("Column"), _("Required"), _("What to write"), _("Example")])
    for column in COLUMNS:
        guide.append(
            [
                column.name,
                _("yes") if column.is_required else _("no"),
                str(column.help),
                column.example,
            ]
        )
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def notes() -> list[str]:
    """The general rules of the file, as sentences."""
    return [
        _("Fill in one row per course; the first row names the columns and stays as it is."),
        _("Rows whose title starts with # are comments and are not read; empty rows are skipped."),
        _("Required columns: %(columns)s.") % {"columns": ", ".join(REQUIRED_COLUMNS)},
        _(
            "Separate learning outcomes by |. In outcome_skills, give the ESCO skill URIs of each "
            "outcome in the same order: groups separated by |, URIs within a group by ;."
        ),
        _("Dates are written YYYY-MM-DD; numbers with a dot for decimals."),
        _(
            "If any row has a problem, nothing from the file is stored: the page lists every "
            "problem by line and column, and you upload the corrected file."
        ),
        _(
            "At most %(rows)s courses and %(size)s MB. CSV files are read as UTF-8, separated by "
            "commas or semicolons; in an XLSX workbook, the first sheet is read."
        )
        % {"rows": f"{MAX_ROWS:,}", "size": MAX_BYTES // 1_048_576},
    ]
