"""Progress reports by the file: one CSV or XLSX row per commitment, every row stored or none.

Large members and umbrella networks report on many commitments at once. They download a
template (`template_csv()`, `template_xlsx()`) that lists their published commitments, fill in
one row per commitment and upload it (`reports_bulk_upload()`). The upload runs every row
through `services.report_save()` — the same rules as the report form — inside one transaction
with a savepoint per row; if any row fails, the whole transaction is rolled back and the person
gets every problem as (line, column, message), the line numbered as a spreadsheet shows it
(the header is line 1).

The format, as the template's notes explain it:

* The first row names the columns (`COLUMNS`; order free, case and spaces ignored). The
  required ones must be there; unknown ones are refused. An optional column that is left out
  leaves that part of an existing report as it is; an empty cell clears it.
* A row whose `commitment_id` starts with `#` is a comment (the template's explanation row);
  empty rows are skipped.
* Numbers are whole numbers written with digits only. "1200" is read; "1 200", "1,200" and
  "1.200" are refused with a message, because the separators mean different things in different
  countries (1.200 is twelve hundred in Germany and one point two in Ireland).
* `status` is `submitted` (the default when empty) or `draft`: a row is submitted unless it
  says draft.
* `included_organisations`: `slug=trained/reached/programmes/stakeholders/euros`, several
  separated by `;` or line breaks, e.g. `klinikum-nordheide=120/300/2/5/40000; hun=0/50/0/1/0`.
* `trained_by_occupation`: `URI=people`, several separated by `;` or line breaks.
* A row with unreadable cells is not run through the rules until they are fixed: the rules
  would judge it without them and say misleading things.
* At most 2 MB and 1,000 report rows; CSV in UTF-8 (with or without BOM), separated by commas
  or semicolons; XLSX: the first sheet is read.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from skillspact.accounts.models import User
from skillspact.commitments import services
from skillspact.commitments.models import (
    FIGURE_FIELDS,
    METRICS,
    Commitment,
    ProgressReport,
    ProgressStatus,
    ReportingWindow,
)
from skillspact.core import audit
from skillspact.core.errors import DomainError, InvalidInput, NotPermitted
from skillspact.core.uploads import validate_document
from skillspact.organisations import selectors as organisation_selectors
from skillspact.organisations.models import Organisation

MAX_BYTES = 2 * 1024 * 1024
# About 16 ms a row through the services: 1,000 rows store in well under the web timeout.
MAX_ROWS = 1000
MAX_COLUMNS = 40
# Blank lines do not count as rows, but a sheet cannot run on for ever.
MAX_LINES = 100_000
# An XLSX is a zip: 2 MB of it must not unpack into gigabytes.
MAX_XLSX_UNPACKED = 60 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FIGURE_COLUMNS = FIGURE_FIELDS
INCLUSION_EXAMPLE = "klinikum-nordheide=120/300/2/5/40000; hun=0/50/0/1/0"
OCCUPATION_EXAMPLE = "http://data.europa.eu/esco/occupation/…=40"


@dataclass(frozen=True)
class Column:
    """One column of the file: its name (never translated), whether it is required, and what
    to write in it."""

    name: str
    is_required: bool
    help: Promise
    example: str = ""


COLUMNS: list[Column] = [
    Column(
        "commitment_id",
        True,
        gettext_lazy("The commitment’s id, as the template gives it. Do not change it."),
    ),
    Column(
        "commitment_title",
        False,
        gettext_lazy("The commitment’s title, to help you find your way; it is not read."),
    ),
    Column(
        "status",
        False,
        gettext_lazy("“submitted” (also when empty) or “draft” to save without submitting."),
        "submitted",
    ),
    Column(
        "progress_status",
        True,
        gettext_lazy(
            "not_started, on_track, delayed, completed or stopped (the English label, such as "
            "“On track”, is read too)."
        ),
        "on_track",
    ),
    Column("people_trained", True, gettext_lazy("People trained this year."), "120"),
    Column("trained_women", False, gettext_lazy("Of the people trained: women."), "70"),
    Column("trained_men", False, gettext_lazy("Of the people trained: men."), "45"),
    Column(
        "trained_other_gender", False, gettext_lazy("Of the people trained: another gender."), "1"
    ),
    Column(
        "trained_gender_unknown",
        False,
        gettext_lazy(
            "Of the people trained: gender not known. With a breakdown, the four figures add "
            "up to people_trained."
        ),
        "4",
    ),
    Column(
        "people_reached",
        True,
        gettext_lazy("People reached (at least the people trained)."),
        "300",
    ),
    Column(
        "programmes",
        True,
        gettext_lazy("Training programmes created or updated."),
        "2",
    ),
    Column(
        "stakeholders",
        True,
        gettext_lazy("Stakeholders engaged in partnerships."),
        "5",
    ),
    Column("euros", True, gettext_lazy("Euros invested, whole euros."), "40000"),
    Column(
        "narrative",
        False,
        gettext_lazy("What happened this year, up to 4,000 characters."),
    ),
    Column(
        "evidence_links",
        False,
        gettext_lazy("Up to 10 web addresses (http or https), separated by spaces or line breaks."),
        "https://www.example.org/report-2025.pdf",
    ),
    Column(
        "includes_other_organisations",
        False,
        gettext_lazy(
            "yes or no: do these figures include other organisations (members of your network)?"
        ),
        "no",
    ),
    Column(
        "included_organisations",
        False,
        gettext_lazy(
            "The part of the figures that belongs to each included organisation: its identifier "
            "(the last part of its address in the member directory), “=”, then five figures "
            "separated by “/”: people trained/people reached/programmes/stakeholders/euros. "
            "Separate organisations with “;”."
        ),
        INCLUSION_EXAMPLE,
    ),
    Column(
        "trained_by_occupation",
        False,
        gettext_lazy(
            "People trained per target occupation, where you know it: the occupation’s ESCO URI "
            "(or the local role’s), “=”, the number; separate occupations with “;”."
        ),
        OCCUPATION_EXAMPLE,
    ),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
REQUIRED_COLUMNS = [column.name for column in COLUMNS if column.is_required]
COLUMN_ORDER = {name: index for index, name in enumerate(COLUMN_NAMES)}

# Which column a field named in the services' errors stands for.
FIELD_COLUMNS = {
    "occupations": "trained_by_occupation",
    "inclusions": "included_organisations",
    "__all__": "",
}

_DIGITS = re.compile(r"-?[0-9]+")
_GROUPED = re.compile(r"-?[0-9]{1,3}(?:[ ,.'\u00a0\u202f][0-9]{3})+")
_FORMULA_GUARD = re.compile(r"'(?=[=+\-@])")
_LIST_SPLIT = re.compile(r"[;\n\r]+")
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem in the file: its line (1 is the header; None for the file as a whole), the
    column it concerns ("" for the whole row) and what is wrong."""

    line: int | None
    column: str
    message: str


@dataclass
class BulkResult:
    """What an upload did: every problem found, or the reports it stored."""

    file_name: str = ""
    errors: list[RowError] = field(default_factory=list)
    reports: list[ProgressReport] = field(default_factory=list)
    submitted: int = 0
    drafts: int = 0

    @property
    def is_stored(self) -> bool:
        return not self.errors and bool(self.reports)

    def summary(self) -> str:
        """One sentence on what was stored, for the page."""
        submitted = ngettext(
            "%(count)s report submitted", "%(count)s reports submitted", self.submitted
        ) % {"count": self.submitted}
        if not self.drafts:
            return _("%(submitted)s.") % {"submitted": submitted}
        drafts = ngettext(
            "%(count)s saved as a draft", "%(count)s saved as drafts", self.drafts
        ) % {"count": self.drafts}
        return _("%(submitted)s, %(drafts)s.") % {"submitted": submitted, "drafts": drafts}


class FileProblem(Exception):
    """The file cannot be read as a table at all."""

    def __init__(self, message: str, *, line: int | None = None, column: str = "") -> None:
        super().__init__(message)
        self.error = RowError(line, column, message)


class CellProblem(Exception):
    """One cell's value cannot be read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- reading the file into a table -------------------------------------------------------------


@dataclass
class Table:
    """A file's header and its non-empty rows, each with the line a spreadsheet shows."""

    header: list[str]
    rows: list[tuple[int, list[Any]]]


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_name(value: Any) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"[\s\-]+", "_", text.replace("\ufeff", "").strip().lower())


def _collect(lines: Iterable[list[Any]]) -> Table:
    """The header and the non-blank rows of `lines`, enforcing the row and column limits."""
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(lines, start=1):
        if number > MAX_LINES:
            raise FileProblem(
                _("The file runs to more than %(count)s lines; remove the empty ones.")
                % {"count": f"{MAX_LINES:,}"}
            )
        if header is None:
            if all(_is_blank(cell) for cell in cells):
                raise FileProblem(
                    _("Line 1 must name the columns; it is empty."), line=1, column=""
                )
            values = list(cells)
            while values and _is_blank(values[-1]):
                values.pop()
            if len(values) > MAX_COLUMNS:
                raise FileProblem(
                    _("The file has %(count)s columns; a report file has at most %(limit)s.")
                    % {"count": len(values), "limit": MAX_COLUMNS},
                    line=1,
                )
            header = [_header_name(value) for value in values]
            continue
        if all(_is_blank(cell) for cell in cells):
            continue
        rows.append((number, list(cells)))
        if len(rows) > MAX_ROWS:
            raise FileProblem(
                _(
                    "The file has more than %(limit)s report rows; split it into files of at most "
                    "%(limit)s rows."
                )
                % {"limit": f"{MAX_ROWS:,}"}
            )
    if header is None:
        raise FileProblem(_("The file is empty."))
    return Table(header=header, rows=rows)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileProblem(
            _(
                "The file is not UTF-8 text (line %(line)s). In your spreadsheet program, save it "
                "as “CSV UTF-8”, or upload it as XLSX."
            )
            % {"line": line},
            line=line,
        ) from error


def _csv_lines(text: str) -> Iterator[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    read = 0
    try:
        for row in reader:
            read += 1
            yield row
    except csv.Error as error:
        raise FileProblem(
            _("Line %(line)s cannot be read as CSV: %(reason)s.")
            % {"line": read + 1, "reason": error},
            line=read + 1,
        ) from error


def _xlsx_lines(data: bytes) -> Iterator[list[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise FileProblem(_("The file cannot be read as an XLSX workbook.")) from error
    if unpacked > MAX_XLSX_UNPACKED:
        raise FileProblem(
            _("The workbook unpacks to more than %(size)s MB; upload a smaller one.")
            % {"size": MAX_XLSX_UNPACKED // 1_048_576}
        )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not keep; the values are read.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    raise FileProblem(_("The workbook has no sheet."))
                sheet = workbook.worksheets[0]
                sheet.reset_dimensions()  # type: ignore[union-attr]
                for row in sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True):
                    yield list(row)
            finally:
                workbook.close()
    except FileProblem:
        raise
    except Exception as error:  # openpyxl raises many kinds of errors on broken files
        raise FileProblem(_("The file cannot be read as an XLSX workbook.")) from error


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
            _(
                "Upload a CSV or an XLSX file (this one is “%(ext)s”). Older .xls and .ods "
                "workbooks can be saved as XLSX."
            )
            % {"ext": extension or _("(none)")}
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    # A CSV's encoding first: the general check would only say "not text", not where or why.
    text = _decode(data) if extension == ".csv" else ""
    try:
        validate_document(upload)
    except ValidationError as error:
        raise FileProblem(error.messages[0]) from error
    return _collect(_csv_lines(text) if extension == ".csv" else _xlsx_lines(data))


# -- reading the cells ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").strip()
    # Spreadsheet programs (and our CSV template) put ' before = + - @ to keep text from
    # becoming a formula; the apostrophe is not part of the text.
    return _FORMULA_GUARD.sub("", text, count=1) if text.startswith("'") else text


def _number(value: Any) -> int | None:
    """A whole number, or None for an empty cell; CellProblem otherwise."""
    if _is_blank(value):
        return None
    if isinstance(value, bool | datetime | date):
        raise CellProblem(_("Enter a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellProblem(_("Enter a whole number, not %(value)s.") % {"value": value})
    text = str(value).strip()
    if _DIGITS.fullmatch(text):
        if len(text.lstrip("-")) > 15:
            raise CellProblem(_("%(value)s is too large.") % {"value": text[:20]})
        return int(text)
    if _GROUPED.fullmatch(text):
        plain = re.sub(r"[^0-9\-]", "", text)
        raise CellProblem(
            _(
                "Write numbers with digits only: %(plain)s, not “%(value)s” (separators "
                "between thousands are not read)."
            )
            % {"plain": plain, "value": text}
        )
    raise CellProblem(
        _("Enter a whole number with digits only, not “%(value)s”.") % {"value": text[:40]}
    )


def _progress_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for choice in ProgressStatus:
        codes[choice.value] = choice.value
        codes[str(choice.label).strip().lower()] = choice.value
        with translation.override("en"):
            codes[str(choice.label).strip().lower()] = choice.value
    return codes


def _progress_status(value: Any, codes: dict[str, str]) -> str:
    text = re.sub(r"\s+", " ", _text(value)).lower()
    if not text:
        return ""
    code = codes.get(text) or codes.get(text.replace(" ", "_"))
    if code is None:
        raise CellProblem(
            _("“%(value)s” is not a progress status; write one of %(codes)s.")
            % {"value": _text(value)[:40], "codes": ", ".join(ProgressStatus.values)}
        )
    return code


def _submit(value: Any) -> bool:
    text = _text(value).lower()
    if text in ("", "submitted", "submit", str(ProgressReport.Status.SUBMITTED.label).lower()):
        return True
    if text in ("draft", str(ProgressReport.Status.DRAFT.label).lower()):
        return False
    raise CellProblem(
        _("Write “submitted” or “draft”, not “%(value)s”.") % {"value": _text(value)[:40]}
    )


def _yes_no(value: Any) -> bool:
    text = _text(value).lower()
    if text in YES or text == _("yes").lower():
        return True
    if text in NO or text == _("no").lower():
        return False
    raise CellProblem(_("Write “yes” or “no”, not “%(value)s”.") % {"value": _text(value)[:40]})


def _entries(value: Any) -> list[str]:
    return [entry.strip() for entry in _LIST_SPLIT.split(_text(value)) if entry.strip()]


def _occupations(value: Any) -> list[tuple[str, int]]:
    figures: list[tuple[str, int]] = []
    for entry in _entries(value):
        uri, sign, people = entry.rpartition("=")
        number = _number(people) if sign else None
        if not (sign and uri.strip() and number is not None):
            raise CellProblem(
                _("Write each occupation as URI=people, e.g. %(example)s; “%(entry)s” is not.")
                % {"example": OCCUPATION_EXAMPLE, "entry": entry[:80]}
            )
        figures.append((uri.strip(), number))
    return figures


def _inclusion_entries(value: Any) -> list[tuple[str, dict[str, int]]]:
    """(identifier, figures) for each organisation in an `included_organisations` cell."""
    parsed: list[tuple[str, dict[str, int]]] = []
    for entry in _entries(value):
        key, sign, rest = entry.partition("=")
        parts = rest.split("/")
        if not (sign and key.strip() and len(parts) == len(METRICS)):
            raise CellProblem(
                _(
                    "Write each organisation as identifier=people trained/people reached/"
                    "programmes/stakeholders/euros, e.g. %(example)s; “%(entry)s” is not."
                )
                % {"example": INCLUSION_EXAMPLE, "entry": entry[:80]}
            )
        figures: dict[str, int] = {}
        for metric, part in zip(METRICS, parts, strict=True):
            figures[metric] = _number(part) or 0
        parsed.append((key.strip().lower(), figures))
    return parsed


# -- checking the file ---------------------------------------------------------------------------


def _header_errors(header: list[str]) -> list[RowError]:
    errors: list[RowError] = []
    seen: set[str] = set()
    for index, name in enumerate(header, start=1):
        if not name:
            errors.append(
                RowError(
                    1,
                    get_column_letter(index),
                    _("Column %(letter)s has no name; name it or delete the column.")
                    % {"letter": get_column_letter(index)},
                )
            )
        elif name not in COLUMN_NAMES:
            errors.append(
                RowError(
                    1,
                    name[:60],
                    _("Unknown column “%(name)s”; the columns are listed under “The file”.")
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


@dataclass
class _Row:
    """One row of the file, read into what `report_save` takes."""

    line: int
    cells: dict[str, Any]
    commitment: Commitment | None = None
    submit: bool = True
    data: dict[str, Any] = field(default_factory=dict)
    occupation_figures: list[tuple[str, int]] | None = None
    inclusions: list[tuple[Organisation, dict[str, int]]] | None = None
    errors: list[RowError] = field(default_factory=list)

    def problem(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))


def _read_rows(table: Table, organisation: Organisation) -> list[_Row]:
    """The table's rows with their cells read and their commitments and organisations found."""
    header = table.header
    rows: list[_Row] = []
    for line, cells in table.rows:
        padded = [*cells, *[None] * (len(header) - len(cells))]
        values = {name: padded[index] for index, name in enumerate(header) if name}
        if _text(values.get("commitment_id")).startswith("#"):
            continue  # a comment, like the template's explanation row
        rows.append(_Row(line=line, cells=values))

    ids: dict[str, uuid.UUID] = {}
    for row in rows:
        text = _text(row.cells.get("commitment_id"))
        try:
            ids[text] = uuid.UUID(text)
        except ValueError:
            continue
    commitments = {
        c.public_id: c
        for c in Commitment.objects.filter(public_id__in=set(ids.values())).select_related(
            "organisation"
        )
    }
    identifiers: set[str] = set()
    for row in rows:
        try:
            entries = _inclusion_entries(row.cells.get("included_organisations"))
        except CellProblem:
            continue
        identifiers.update(key for key, _figures in entries)
    organisations = _organisations_by_identifier(identifiers)

    codes = _progress_codes()
    first_line: dict[uuid.UUID, int] = {}
    present = set(header)
    for row in rows:
        _read_commitment(row, ids, commitments, organisation, first_line)
        _read_values(row, present, codes, organisations)
    return rows


def _read_values(
    row: _Row, present: set[str], codes: dict[str, str], organisations: dict[str, Organisation]
) -> None:
    cells = row.cells
    try:
        row.submit = _submit(cells.get("status"))
    except CellProblem as problem:
        row.problem("status", problem.message)
    if "progress_status" in present:
        try:
            row.data["progress_status"] = _progress_status(cells.get("progress_status"), codes)
        except CellProblem as problem:
            row.problem("progress_status", problem.message)
    for name in FIGURE_COLUMNS:
        if name in present:
            try:
                row.data[name] = _number(cells.get(name))
            except CellProblem as problem:
                row.problem(name, problem.message)
    if "narrative" in present:
        row.data["narrative"] = _text(cells.get("narrative"))
    if "evidence_links" in present:
        row.data["evidence_links"] = _text(cells.get("evidence_links")).split()
    if "trained_by_occupation" in present:
        try:
            row.occupation_figures = _occupations(cells.get("trained_by_occupation"))
        except CellProblem as problem:
            row.problem("trained_by_occupation", problem.message)
    if "included_organisations" in present:
        _read_inclusions(row, organisations)
    if "includes_other_organisations" in present:
        try:
            row.data["includes_other_organisations"] = _yes_no(
                cells.get("includes_other_organisations")
            )
        except CellProblem as problem:
            row.problem("includes_other_organisations", problem.message)
    elif row.inclusions is not None:
        row.data["includes_other_organisations"] = bool(row.inclusions)


def _read_commitment(
    row: _Row,
    ids: dict[str, uuid.UUID],
    commitments: dict[uuid.UUID, Commitment],
    organisation: Organisation,
    first_line: dict[uuid.UUID, int],
) -> None:
    text = _text(row.cells.get("commitment_id"))
    if not text:
        row.problem("commitment_id", _("Give the commitment’s id; copy it from the template."))
        return
    public_id = ids.get(text)
    commitment = commitments.get(public_id) if public_id else None
    if public_id is None:
        row.problem(
            "commitment_id",
            _("“%(value)s” is not a commitment id; copy it from the template.")
            % {"value": text[:60]},
        )
    elif commitment is None or commitment.organisation_id != organisation.pk:
        row.problem(
            "commitment_id",
            _("%(organisation)s has no commitment with this id.")
            % {"organisation": organisation.legal_name},
        )
    elif commitment.status != Commitment.Status.PUBLISHED:
        row.problem(
            "commitment_id",
            _("Only published commitments are reported on; “%(title)s” is %(status)s.")
            % {"title": commitment.title, "status": commitment.get_status_display().lower()},
        )
    elif commitment.public_id in first_line:
        row.problem(
            "commitment_id",
            _("This commitment is on line %(line)s already; give each commitment once.")
            % {"line": first_line[commitment.public_id]},
        )
    else:
        first_line[commitment.public_id] = row.line
        row.commitment = commitment


def _organisations_by_identifier(identifiers: set[str]) -> dict[str, Organisation]:
    if not identifiers:
        return {}
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=identifiers)}
    public_ids = []
    for identifier in identifiers - set(found):
        try:
            public_ids.append(uuid.UUID(identifier))
        except ValueError:
            continue
    found.update(
        {str(o.public_id): o for o in Organisation.objects.filter(public_id__in=public_ids)}
    )
    return found


def _read_inclusions(row: _Row, organisations: dict[str, Organisation]) -> None:
    try:
        entries = _inclusion_entries(row.cells.get("included_organisations"))
    except CellProblem as problem:
        row.problem("included_organisations", problem.message)
        return
    unknown = [key for key, _figures in entries if key not in organisations]
    if unknown:
        row.problem(
            "included_organisations",
            _(
                "No organisation has the identifier “%(identifier)s”; use the last part of its "
                "address in the member directory."
            )
            % {"identifier": unknown[0][:80]},
        )
        return
    row.inclusions = [(organisations[key], figures) for key, figures in entries]


# -- the upload --------------------------------------------------------------------------------


def window_accepts_uploads(*, window: ReportingWindow, organisation: Organisation) -> bool:
    """Whether the window is open, or the secretariat reopened one of the organisation's reports
    in it."""
    return (
        window.is_open()
        or ProgressReport.objects.filter(
            window=window, organisation=organisation, is_reopened=True
        ).exists()
    )


def reports_bulk_upload(
    *, actor: User, organisation: Organisation, window: ReportingWindow, upload: UploadedFile
) -> BulkResult:
    """Store the progress reports of an uploaded CSV or XLSX file: every row, or — when any
    row breaks a rule — none, with every problem by line and column."""
    if not organisation_selectors.can_act_for(user=actor, organisation=organisation):
        raise NotPermitted
    if not window_accepts_uploads(window=window, organisation=organisation):
        raise services.WindowClosed(
            _("The reporting window for %(year)s is not open.") % {"year": window.year}
        )
    result = BulkResult(file_name=PurePath(upload.name or "").name)
    try:
        table = read_table(upload)
    except FileProblem as problem:
        result.errors.append(problem.error)
        return result
    result.errors = _header_errors(table.header)
    if result.errors:
        return result
    rows = _read_rows(table, organisation)
    if not rows:
        result.errors.append(
            RowError(None, "", _("The file has no report rows: fill in one row per commitment."))
        )
        return result

    with transaction.atomic():
        for row in rows:
            if row.errors or row.commitment is None:
                # The rules would judge a row without its unreadable cells and say misleading
                # things (a total compared with a stored figure); the cells come first.
                result.errors += row.errors
                continue
            _store_row(row, actor=actor, window=window, result=result)
        if result.errors:
            # Nothing from a file with errors is kept: the person fixes the file and sends it
            # again, and never has to work out which half was stored.
            transaction.set_rollback(True)
            result.reports, result.submitted, result.drafts = [], 0, 0
        else:
            audit.record(
                window,
                "commitments.report.bulk_uploaded",
                actor=actor,
                organisation=organisation,
                after={
                    "file": result.file_name,
                    "submitted": result.submitted,
                    "drafts": result.drafts,
                    "reports": [str(report.public_id) for report in result.reports],
                },
                message=result.file_name,
            )
    result.errors.sort(key=lambda error: (error.line or 0, COLUMN_ORDER.get(error.column, 99)))
    return result


def _store_row(row: _Row, *, actor: User, window: ReportingWindow, result: BulkResult) -> None:
    """Save the row's report in a savepoint; add what the services refuse to the errors."""
    assert row.commitment is not None
    try:
        with transaction.atomic():
            report = services.report_get_or_start(
                commitment=row.commitment, window=window, actor=actor
            )
            report = services.report_save(
                report=report,
                actor=actor,
                data=row.data,
                occupation_figures=row.occupation_figures,
                inclusions=row.inclusions,
                submit=row.submit,
            )
    except InvalidInput as error:
        fields = error.fields or {"__all__": [error.message]}
        for name, messages in fields.items():
            column = FIELD_COLUMNS.get(name, name)
            result.errors += [RowError(row.line, column, message) for message in messages]
    except DomainError as error:
        result.errors.append(RowError(row.line, "commitment_id", error.message))
    else:
        result.reports.append(report)
        if row.submit:
            result.submitted += 1
        else:
            result.drafts += 1


# -- the template --------------------------------------------------------------------------------


def _template_values(report: ProgressReport | None) -> dict[str, Any]:
    if report is None:
        return {}
    values: dict[str, Any] = {name: getattr(report, name) for name in FIGURE_COLUMNS}
    values.update(
        progress_status=report.progress_status,
        narrative=report.narrative,
        evidence_links=" ".join(report.evidence_links),
        includes_other_organisations="yes" if report.includes_other_organisations else "no",
        included_organisations="; ".join(
            f"{inclusion.organisation.slug}="
            + "/".join(str(getattr(inclusion, metric)) for metric in METRICS)
            for inclusion in report.inclusions.all()
        ),
        trained_by_occupation="; ".join(
            f"{figure.uri}={figure.people_trained}" for figure in report.occupation_figures.all()
        ),
    )
    return values


def template_rows(*, organisation: Organisation, window: ReportingWindow) -> list[list[Any]]:
    """The header, the explanation row, then one row per published commitment, filled in with
    the year's report where there is one."""
    commitments = list(
        Commitment.objects.filter(
            organisation=organisation, status=Commitment.Status.PUBLISHED
        ).order_by("title", "id")
    )
    reports = {
        report.commitment_id: report
        for report in ProgressReport.objects.filter(
            window=window, commitment__in=commitments
        ).prefetch_related("inclusions__organisation", "occupation_figures")
    }
    explanation = [str(column.help) for column in COLUMNS]
    explanation[0] = "# " + explanation[0]
    rows: list[list[Any]] = [COLUMN_NAMES, explanation]
    for commitment in commitments:
        values = _template_values(reports.get(commitment.pk))
        values.update(commitment_id=str(commitment.public_id), commitment_title=commitment.title)
        rows.append([values.get(name, "") for name in COLUMN_NAMES])
    return rows


def _csv_safe(value: Any) -> Any:
    """Keep user text from becoming a spreadsheet formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    return "" if value is None else value


def template_csv(*, organisation: Organisation, window: ReportingWindow) -> str:
    """The template as CSV text (UTF-8 with a BOM, so that spreadsheet programs read it)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in template_rows(organisation=organisation, window=window):
        writer.writerow([_csv_safe(value) for value in row])
    return buffer.getvalue()


def notes() -> list[str]:
    """The general rules of the file, as sentences."""
    return [
        _("Fill in one row per commitment; the first row names the columns and stays as it is."),
        _(
            "Rows whose commitment_id starts with # are comments and are not read; empty rows "
            "are skipped."
        ),
        _("Required columns: %(columns)s. The other columns may be left out.")
        % {"columns": ", ".join(REQUIRED_COLUMNS)},
        _(
            "A column you leave out keeps what an earlier report says; an empty cell in a column "
            "you keep clears it."
        ),
        _(
            "Numbers are whole numbers written with digits only: 1200, not 1 200, 1,200 or "
            "1.200 (separators mean different things in different countries)."
        ),
        _(
            "A row is submitted unless its status says draft. A submitted report counts in the "
            "partnership’s figures; saving it again as a draft takes it out until it is submitted."
        ),
        _("included_organisations, for example: %(example)s") % {"example": INCLUSION_EXAMPLE},
        _(
            "If any row has a problem, nothing from the file is stored: the page lists every "
            "problem by line and column, and you upload the corrected file. A row with a cell "
            "that cannot be read is checked against the reporting rules once the cell is fixed."
        ),
        _(
            "At most %(rows)s rows and %(size)s MB. CSV files are read as UTF-8, separated by "
            "commas or semicolons; in an XLSX workbook, the first sheet is read."
        )
        % {"rows": f"{MAX_ROWS:,}", "size": MAX_BYTES // 1_048_576},
    ]


def network_members(*, organisation: Organisation) -> list[Organisation]:
    """The organisations in `organisation`'s network, whose identifiers its file may name."""
    return list(organisation.network_members.order_by("legal_name"))


def template_xlsx(*, organisation: Organisation, window: ReportingWindow) -> bytes:
    """The template as an XLSX workbook: the reports sheet, then a sheet of notes."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = (_("Reports %(year)s") % {"year": window.year})[:31]
    for row in template_rows(organisation=organisation, window=window):
        # Control characters are not allowed in a workbook; they carry no meaning in a report.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="555555")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row_cells in sheet.iter_rows(min_row=3):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text that starts with = stays text
    for index, column in enumerate(COLUMNS, start=1):
        width = 38 if column.name in ("commitment_id", "commitment_title", "narrative") else 18
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C3"

    guide = workbook.create_sheet(_("Notes")[:31])
    guide.append(
        [
            _("Progress reports of %(name)s for %(year)s")
            % {
                "name": organisation.legal_name,
                "year": window.year,
            }
        ]
    )
    guide["A1"].font = Font(bold=True, size=13)
    guide.append([])
    for sentence in notes():
        guide.append([sentence])
    guide.append([])
    guide.append([_("Column"), _("Required"), _("What to write"), _("Example")])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        guide.append(
            [
                column.name,
                _("yes") if column.is_required else _("no"),
                str(column.help),
                column.example,
            ]
        )
    members = network_members(organisation=organisation)
    if members:
        guide.append([])
        guide.append([_("Organisations in your network"), _("Identifier")])
        for cell in guide[guide.max_row]:
            cell.font = Font(bold=True)
        for member in members:
            guide.append([member.legal_name, member.slug])
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["C"].width = 90
    guide.column_dimensions["D"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_file_name(*, organisation: Organisation, window: ReportingWindow, ext: str) -> str:
    return f"progress-reports-{organisation.slug}-{window.year}.{ext}"
