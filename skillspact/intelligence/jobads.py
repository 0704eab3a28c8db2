"""Job ads: upload a file, map each ad to ESCO in the background, count ads per month.

The file
--------
CSV or JSON lines, UTF-8 (a byte-order mark is tolerated), at most `MAX_BYTES` (100 MB) and
`MAX_ROWS` (500,000 ads); larger files are refused as a whole with a message saying so.

* CSV: the first line names the columns `date,title,text,country,region,employer` (names in any
  case and order, separated by commas, semicolons or tabs; other columns are ignored). A file
  without the required columns `date`, `title` and `country` is refused as a whole.
* JSON lines: one object per line with the same keys; a line that is not valid JSON is rejected
  with its line and the character column where reading stopped.

Each row (line numbers as an editor shows them; the CSV header is line 1):

* `date`: `YYYY-MM-DD` or `DD/MM/YYYY` (the European order; `MM/DD/YYYY` is never read), not
  before 1990 and not in the future;
* `title`: required, at most 300 characters; `text` may be empty (at most 50,000 characters);
* `country`: ISO 3166-1 alpha-2 code of an EU or EEA country (`EL` is read as Greece, `GR`);
* `region`: optional NUTS code of that country (`EL...` for Greece); a NUTS-3 code is stored as
  its NUTS-2 region;
* `employer`: optional, at most 200 characters.

A bad row is rejected with every problem as (line, column, message) and the rest loads. Rows
repeating an earlier row's date, title, employer and text are counted as duplicates and skipped;
`duplicates = processed - loaded - rejected`.

Processing
----------
`upload_process()` (the task `job_ads_process`) streams the file from storage in chunks of
`CHUNK_ROWS` (2,000), matches each distinct title to an occupation
(`engine.match_occupations(top=1)`, kept from `OCCUPATION_MIN_SCORE`, 0.05) and each distinct
text to skills (`engine.match_skills`, which reads the text sentence by sentence; at most
`MAX_SKILLS_PER_AD`, 8, skills from `SKILL_MIN_SCORE`, 0.04; why these values: beside them),
bulk-inserts the ads and their skills and records the progress. When the matching engine is
not built yet the task asks for the warm-up and queues itself again a few minutes later
(`tasks.job_ads_process`: 12 tries, 2 minutes apart); after that, or on a task backend that
cannot defer, it builds the engine itself (minutes, once per machine).

Re-running an upload deletes its earlier ads first. A failure deletes the ads loaded so far,
marks the upload failed with the error and rebuilds the counts of the months it touched, so no
half-loaded file is ever counted.

Monthly counts
--------------
`JobAdMonthlyCount` is rebuilt from the `JobAd` rows of finished uploads (status done) with one
SQL GROUP BY per kind, for the months an upload touched. Per cell (month, country, region,
occupation_uri):

* the row with `skill_uri=""` holds the number of all ads of the cell;
* one row per skill holds the number of ads of the cell asking for that skill.

`occupation_uri=""` is the cell of ads whose title matched no occupation, `region=""` of ads
without a region; there are no "all occupations" or "all regions" total rows: a slice is the sum
of its cells. The share of ads asking for skill S in a slice is
`sum(ads where skill_uri=S) / sum(ads where skill_uri="")` over the same cells
(`job_ad_shares()` does exactly that). The same rebuild rewrites, for those months, the sums the
gap pages read (`JobAdCountryMonthlyCount`, `JobAdOccupationMonthlyCount`: see `summaries.py`).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from skillspact.core import audit
from skillspact.core.errors import InvalidInput, InvalidState, NotPermitted
from skillspact.core.permissions import is_secretariat
from skillspact.intelligence import summaries
from skillspact.intelligence.models import JobAd, JobAdMonthlyCount, JobAdSkill, JobAdUpload

if TYPE_CHECKING:
    from skillspact.accounts.models import User

logger = logging.getLogger(__name__)

MAX_BYTES = 100 * 1024 * 1024
MAX_ROWS = 500_000
EXTENSIONS = {".csv": JobAdUpload.Format.CSV, ".jsonl": JobAdUpload.Format.JSONL}
EXTENSION_ALIASES = {".ndjson": ".jsonl", ".json": ".jsonl", ".txt": ".csv"}
COLUMNS = ("date", "title", "text", "country", "region", "employer")
REQUIRED_COLUMNS = ("date", "title", "country")
MAX_TITLE = 300
MAX_TEXT = 50_000
MAX_EMPLOYER = 200
CHUNK_ROWS = 2_000
# Score thresholds, set by reading the engine's answers on health job ads against the shipped
# ESCO v1.1.1 (about 14,000 skills, 3,000 occupations): the calibrated scores spread thin over so
# many concepts, so a right skill of a multi-sentence ad typically scores 0.04-0.25 and a wrong
# one below 0.04; a clear job title scores 0.5-0.99 and a vague one ("Physiotherapist (m/f/d)")
# still 0.05-0.1 for the right occupation, while an untranslated or unknown title stays below.
OCCUPATION_MIN_SCORE = 0.05
SKILL_MIN_SCORE = 0.04
MAX_SKILLS_PER_AD = 8
TEXT_BATCH = 64
# Errors kept on the upload for its page; the CSV download lists every one (read again).
MAX_ERRORS_KEPT = 200
# A running upload whose progress has not moved for this long is taken as stopped.
STALE_AFTER = datetime.timedelta(minutes=15)
EARLIEST = datetime.date(1990, 1, 1)

# The EU member states and the other EEA countries (ISO 3166-1 alpha-2).
COUNTRIES = frozenset((
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO",
))  # fmt: skip
# NUTS prefixes that differ from the ISO code.
NUTS_PREFIX = {"GR": "EL"}
_REGION = re.compile(r"^[A-Z]{2}[0-9A-Z]{1,3}$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_EU_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


# -- errors ------------------------------------------------------------------------------------


class UploadRefused(InvalidInput):
    code = "job_ads_upload_refused"


class UploadBusy(InvalidState):
    code = "job_ads_upload_busy"


class FileRefused(Exception):
    """The whole file cannot be read (missing columns, too many rows, not UTF-8)."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# -- rows --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdRow:
    """One valid ad of a file, as it will be stored."""

    line: int
    posted_on: datetime.date
    title: str
    text: str
    country: str
    region: str = ""
    employer: str = ""

    @property
    def month(self) -> datetime.date:
        return self.posted_on.replace(day=1)

    def dedupe_key(self) -> bytes:
        """Same date, title, employer and text: the same ad posted twice."""
        raw = "\x1f".join((self.posted_on.isoformat(), self.title, self.employer, self.text))
        return hashlib.blake2b(raw.encode("utf-8"), digest_size=16).digest()


@dataclass(frozen=True)
class RowError:
    """One problem of a row: its line, the column ("" for the whole row) and what is wrong."""

    line: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class AdMatch:
    """What the engine found for one ad: its occupation (or "") and its skills."""

    occupation_uri: str = ""
    occupation_score: float | None = None
    skills: tuple[tuple[str, float], ...] = ()


@dataclass
class ParseItem:
    """A row read from the file: either an ad or its problems."""

    line: int
    ad: AdRow | None = None
    errors: list[RowError] = field(default_factory=list)


# -- reading a file ----------------------------------------------------------------------------


class _Raw(io.RawIOBase):
    """Any file-like object with `read()` (storage files included) as a raw binary stream."""

    def __init__(self, source: Any) -> None:
        self.source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.source.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _text_stream(binary: Any) -> io.TextIOWrapper:
    return io.TextIOWrapper(
        io.BufferedReader(_Raw(binary), 1 << 16), encoding="utf-8-sig", newline=""
    )


@contextlib.contextmanager
def open_file(upload: JobAdUpload) -> Iterator[IO[bytes]]:
    """The upload's file, opened afresh from storage."""
    handle = upload.file.storage.open(upload.file.name or "", "rb")
    try:
        yield handle
    finally:
        handle.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _parse_date(value: str) -> datetime.date:
    iso = _ISO_DATE.match(value)
    eu = _EU_DATE.match(value)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif eu:
        day, month, year = (int(part) for part in eu.groups())
    else:
        raise ValueError(_("Write the date as YYYY-MM-DD (or DD/MM/YYYY)."))
    try:
        parsed = datetime.date(year, month, day)
    except ValueError as error:
        raise ValueError(
            _("“%(value)s” is not a date in the calendar.") % {"value": value}
        ) from error
    if parsed < EARLIEST:
        raise ValueError(_("Dates before 1990 are not accepted."))
    if parsed > timezone.localdate() + datetime.timedelta(days=1):
        raise ValueError(_("The date is in the future."))
    return parsed


def validate_row(line: int, values: dict[str, Any]) -> ParseItem:
    """Check one row's values (keyed by column name); the ad or every problem found."""
    errors: list[RowError] = []

    def problem(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    texts: dict[str, str] = {}
    for column in COLUMNS:
        value = values.get(column)
        if value is not None and not isinstance(value, str | int | float):
            problem(column, _("This must be text."))
            value = ""
        texts[column] = _cell(value)

    posted_on: datetime.date | None = None
    if not texts["date"]:
        problem("date", _("The date is required."))
    else:
        try:
            posted_on = _parse_date(texts["date"])
        except ValueError as error:
            problem("date", str(error))

    title = " ".join(texts["title"].split())
    if not title:
        problem("title", _("The title is required."))
    elif len(title) > MAX_TITLE:
        problem(
            "title",
            _("The title has %(length)s characters; at most %(limit)s are accepted.")
            % {"length": len(title), "limit": MAX_TITLE},
        )

    text = texts["text"]
    if len(text) > MAX_TEXT:
        problem(
            "text",
            _("The text has %(length)s characters; at most %(limit)s are accepted.")
            % {"length": len(text), "limit": MAX_TEXT},
        )

    country = texts["country"].upper()
    if country == "EL":
        country = "GR"
    if not country:
        problem("country", _("The country is required."))
    elif country not in COUNTRIES:
        problem(
            "country",
            _("“%(value)s” is not the two-letter code of an EU or EEA country.")
            % {"value": texts["country"][:20]},
        )

    region = texts["region"].upper().replace(" ", "")
    if region:
        prefix = NUTS_PREFIX.get(country, country)
        if not _REGION.match(region):
            problem("region", _("“%(value)s” is not a NUTS code.") % {"value": region[:20]})
        elif country in COUNTRIES and not region.startswith(prefix):
            problem(
                "region",
                _("The region %(region)s is not in the country %(country)s (its codes start "
                  "with %(prefix)s).")
                % {"region": region, "country": country, "prefix": prefix},
            )  # fmt: skip
        region = region[:4]

    employer = texts["employer"]
    if len(employer) > MAX_EMPLOYER:
        problem(
            "employer",
            _("The employer has %(length)s characters; at most %(limit)s are accepted.")
            % {"length": len(employer), "limit": MAX_EMPLOYER},
        )

    if errors or posted_on is None:
        return ParseItem(line=line, errors=errors)
    ad = AdRow(
        line=line,
        posted_on=posted_on,
        title=title,
        text=text,
        country=country,
        region=region,
        employer=employer,
    )
    return ParseItem(line=line, ad=ad)


def _header_name(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.replace("\ufeff", "").strip().lower())


def _csv_items(stream: IO[str]) -> Iterator[ParseItem]:
    first = stream.readline()
    if not first.strip():
        raise FileRefused(_("The file is empty: the first line must name the columns."), line=1)
    delimiter = max((",", ";", "\t"), key=first.count)
    header = [_header_name(name) for name in next(csv.reader([first], delimiter=delimiter))]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise FileRefused(
            _(
                "The first line must name the columns %(columns)s; missing: %(missing)s. "
                "Nothing was loaded."
            )
            % {"columns": ", ".join(COLUMNS), "missing": ", ".join(missing)},
            line=1,
        )
    positions = {name: header.index(name) for name in COLUMNS if name in header}
    reader = csv.reader(stream, delimiter=delimiter)
    consumed = 1  # the header's line
    try:
        for cells in reader:
            line = consumed + 1
            consumed = reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            values = {
                name: cells[index] if index < len(cells) else None
                for name, index in positions.items()
            }
            yield validate_row(line, values)
    except csv.Error as error:
        raise FileRefused(
            _("Line %(line)s cannot be read as CSV: %(reason)s.")
            % {"line": consumed + 1, "reason": error},
            line=consumed + 1,
        ) from error


def _jsonl_items(stream: IO[str]) -> Iterator[ParseItem]:
    for line, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            yield ParseItem(
                line=line,
                errors=[
                    RowError(
                        line,
                        str(error.colno),
                        _("This line is not valid JSON: %(reason)s (column %(column)s).")
                        % {"reason": error.msg, "column": error.colno},
                    )
                ],
            )
            continue
        if not isinstance(value, dict):
            yield ParseItem(
                line=line,
                errors=[RowError(line, "", _("Each line must be one JSON object."))],
            )
            continue
        keys = {_header_name(str(key)): item for key, item in value.items()}
        yield validate_row(line, keys)


def parse_stream(binary: Any, file_format: str) -> Iterator[ParseItem]:
    """Every row of a job-ad file, valid or not, in file order. Raises FileRefused when the
    file cannot be read at all (also half-way: a byte that is not UTF-8)."""
    stream = _text_stream(binary)
    items = _csv_items(stream) if file_format == JobAdUpload.Format.CSV else _jsonl_items(stream)
    try:
        yield from items
    except UnicodeDecodeError as error:
        raise FileRefused(
            _("The file is not UTF-8 text (%(reason)s). Save it as “CSV UTF-8”.")
            % {"reason": error.reason}
        ) from error


def count_rows(binary: Any, file_format: str) -> int:
    """How many rows (records that are not blank) the file has, without checking them."""
    stream = _text_stream(binary)
    try:
        if file_format == JobAdUpload.Format.CSV:
            first = stream.readline()
            delimiter = max((",", ";", "\t"), key=first.count)
            return sum(
                1
                for cells in csv.reader(stream, delimiter=delimiter)
                if any(c.strip() for c in cells)
            )
        return sum(1 for raw in stream if raw.strip())
    except (UnicodeDecodeError, csv.Error):
        return 0  # the reading pass reports the problem with its line


def chunks(items: Iterable[Any], size: int = CHUNK_ROWS) -> Iterator[list[Any]]:
    """`items` in lists of `size`."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- checking an upload ------------------------------------------------------------------------


def _format_of(name: str) -> str:
    extension = PurePath(name or "").suffix.lower()
    extension = EXTENSION_ALIASES.get(extension, extension)
    if extension not in EXTENSIONS:
        raise UploadRefused(
            _("Files of type “%(ext)s” are not accepted: upload a .csv or a .jsonl file.")
            % {"ext": PurePath(name or "").suffix.lower() or _("(none)")},
            fields={"upload_file": [_("Upload a .csv or a .jsonl file.")]},
        )
    return str(EXTENSIONS[extension])


def validate_upload(upload_file: UploadedFile) -> str:
    """Check size, extension and that the whole file is UTF-8 text; returns its format."""

    def refuse(message: str) -> UploadRefused:
        return UploadRefused(message, fields={"upload_file": [message]})

    if not upload_file.size:
        raise refuse(_("The file is empty."))
    if upload_file.size > MAX_BYTES:
        raise refuse(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into several files.")
            % {
                "size": f"{upload_file.size / 1_048_576:.1f}",
                "limit": f"{MAX_BYTES / 1_048_576:.0f}",
            }
        )
    file_format = _format_of(upload_file.name or "")
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    upload_file.seek(0)
    for block in upload_file.chunks():
        if b"\x00" in block:
            raise refuse(_("The file does not look like text."))
        try:
            decoder.decode(block)
        except UnicodeDecodeError as error:
            line += block[: error.start].count(b"\n")
            raise refuse(
                _("The file is not UTF-8 text (line %(line)s). Save it as “CSV UTF-8”.")
                % {"line": line}
            ) from error
        line += block.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise refuse(_("The file ends in the middle of a character.")) from error
    upload_file.seek(0)
    return file_format


# -- services ----------------------------------------------------------------------------------


def _ensure_secretariat(actor: Any) -> None:
    if not is_secretariat(actor):
        raise NotPermitted


@transaction.atomic
def upload_create(*, actor: User, upload_file: UploadedFile, source: str = "") -> JobAdUpload:
    """Store a job-ad file and queue its processing."""
    _ensure_secretariat(actor)
    file_format = validate_upload(upload_file)
    name = PurePath(upload_file.name or "job-ads").name[:255]
    upload = JobAdUpload(
        original_name=name,
        file_format=file_format,
        source=source.strip()[:200],
        uploaded_by=actor,
    )
    upload.file.save(name, upload_file, save=False)
    upload.full_clean()
    upload.save()
    audit.record(upload, "intelligence.job_ads.uploaded", actor=actor, after={"file": name})
    upload_id = upload.pk
    transaction.on_commit(lambda: _enqueue(upload_id))
    return upload


def _enqueue(upload_id: int) -> None:
    from skillspact.intelligence import tasks

    tasks.job_ads_process.enqueue(upload_id=upload_id)


@transaction.atomic
def upload_reprocess(*, actor: User, upload: JobAdUpload) -> JobAdUpload:
    """Queue an upload again (after a failure or a new ESCO version); its ads are replaced."""
    _ensure_secretariat(actor)
    upload = JobAdUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status == JobAdUpload.Status.RUNNING and not _is_stale(upload):
        raise UploadBusy(_("This file is being processed; wait until it finishes."))
    upload.status = JobAdUpload.Status.QUEUED
    upload.last_error = ""
    upload.save(update_fields=["status", "last_error", "updated_at"])
    audit.record(upload, "intelligence.job_ads.reprocess_requested", actor=actor)
    upload_id = upload.pk
    transaction.on_commit(lambda: _enqueue(upload_id))
    return upload


def _is_stale(upload: JobAdUpload) -> bool:
    return upload.updated_at < timezone.now() - STALE_AFTER


def engine_ready_or_requested() -> bool:
    """Whether the matching engine of the default ESCO version loads in seconds; when it does
    not, its warm-up is requested (once however many ask). No ESCO version: True (the
    processing then fails with a clear message)."""
    from skillspact.taxonomy import matching
    from skillspact.taxonomy import selectors as taxonomy_selectors

    version = taxonomy_selectors.version_default()
    if version is None or matching.engine_is_ready(version):
        return True
    matching.engine_warm_up_request(version)
    return False


def _engine() -> Any:
    """The matching engine of the default ESCO version (built here when not warm yet: this
    runs in a background task)."""
    from skillspact.taxonomy import matching
    from skillspact.taxonomy import selectors as taxonomy_selectors

    version = taxonomy_selectors.version_default()
    if version is None:
        raise FileRefused(_("No ESCO version is imported yet; import ESCO first."))
    return matching.engine_for(version)


def match_ads(engine: Any, ads: Sequence[AdRow]) -> list[AdMatch]:
    """Occupation and skills of each ad; each distinct title and text is matched once."""
    titles = sorted({ad.title for ad in ads})
    texts = sorted({ad.text for ad in ads if ad.text.strip()})
    occupations: dict[str, tuple[str, float | None]] = {}
    for title, found in zip(titles, engine.match_occupations(titles, top=1), strict=True):
        best = found[0] if found else None
        if best is not None and best.score >= OCCUPATION_MIN_SCORE:
            occupations[title] = (best.uri, float(best.score))
        else:
            occupations[title] = ("", float(best.score) if best is not None else None)
    skills: dict[str, tuple[tuple[str, float], ...]] = {}
    # Texts go to the engine in small batches: one call scores every sentence against every
    # skill, and 2,000 ads at once would hold a matrix of gigabytes.
    for start in range(0, len(texts), TEXT_BATCH):
        batch = texts[start : start + TEXT_BATCH]
        for text, found in zip(
            batch, engine.match_skills(batch, top=MAX_SKILLS_PER_AD), strict=True
        ):
            kept: dict[str, float] = {}
            for match in found:
                if match.score >= SKILL_MIN_SCORE and match.uri not in kept:
                    kept[match.uri] = float(match.score)
            skills[text] = tuple(kept.items())[:MAX_SKILLS_PER_AD]
    return [
        AdMatch(
            occupation_uri=occupations[ad.title][0],
            occupation_score=occupations[ad.title][1],
            skills=skills.get(ad.text, ()),
        )
        for ad in ads
    ]


def store_ads(upload: JobAdUpload, rows: Sequence[AdRow], matches: Sequence[AdMatch]) -> int:
    """Bulk-insert `rows` of `upload` with their `matches` (same order); returns the ads stored.

    The fast path: no validation and no matching (the demo data passes known matches). It does
    not touch the upload's status or the monthly counts: mark the upload done and call
    `monthly_counts_rebuild(months=...)` afterwards.
    """
    if len(rows) != len(matches):
        raise ValueError("every row needs its match")
    if not rows:
        return 0
    with transaction.atomic():
        ads = JobAd.objects.bulk_create(
            [
                JobAd(
                    upload=upload,
                    line=row.line,
                    posted_on=row.posted_on,
                    month=row.month,
                    title=row.title,
                    text=row.text,
                    country=row.country,
                    region=row.region,
                    employer=row.employer,
                    occupation_uri=match.occupation_uri,
                    occupation_score=match.occupation_score,
                )
                for row, match in zip(rows, matches, strict=True)
            ],
            batch_size=1000,
        )
        if ads and ads[0].pk is None:  # backends that do not return keys
            by_line = dict(
                JobAd.objects.filter(
                    upload=upload, line__in=[row.line for row in rows]
                ).values_list("line", "pk")
            )
            ad_ids = [by_line[row.line] for row in rows]
        else:
            ad_ids = [ad.pk for ad in ads]
        JobAdSkill.objects.bulk_create(
            [
                JobAdSkill(ad_id=ad_id, skill_uri=uri, score=score)
                for ad_id, match in zip(ad_ids, matches, strict=True)
                for uri, score in match.skills
            ],
            batch_size=2000,
        )
    return len(rows)


def _delete_ads(upload_id: int) -> set[datetime.date]:
    """Delete an upload's ads; the months they were in."""
    months = set(
        JobAd.objects.filter(upload_id=upload_id).values_list("month", flat=True).distinct()
    )
    JobAdSkill.objects.filter(ad__upload_id=upload_id).delete()
    JobAd.objects.filter(upload_id=upload_id).delete()
    return months


def _claim(upload_id: int) -> JobAdUpload | None:
    with transaction.atomic():
        upload = JobAdUpload.objects.select_for_update().filter(pk=upload_id).first()
        if upload is None:
            return None
        if upload.status == JobAdUpload.Status.RUNNING and not _is_stale(upload):
            return None  # another worker is on it
        upload.status = JobAdUpload.Status.RUNNING
        upload.started_at = timezone.now()
        upload.finished_at = None
        upload.total_rows = upload.processed = upload.loaded = upload.rejected = 0
        upload.errors = []
        upload.last_error = ""
        upload.save()
    return upload


def _save_progress(upload: JobAdUpload, errors: list[RowError]) -> None:
    JobAdUpload.objects.filter(pk=upload.pk).update(
        total_rows=upload.total_rows,
        processed=upload.processed,
        loaded=upload.loaded,
        rejected=upload.rejected,
        errors=[error.as_dict() for error in errors[:MAX_ERRORS_KEPT]],
        updated_at=timezone.now(),
    )


def upload_process(
    upload_id: int,
    *,
    progress: Callable[[int, int], None] | None = None,
    engine: Any = None,
) -> JobAdUpload | None:
    """Read, check, match and store an upload's ads, then rebuild the counts of its months.

    Runs again without harm: the upload's earlier ads are deleted first. Returns the upload, or
    None when it does not exist or another worker is processing it.
    """
    upload = _claim(upload_id)
    if upload is None:
        return None
    touched = _delete_ads(upload.pk)
    errors: list[RowError] = []
    try:
        with open_file(upload) as binary:
            upload.total_rows = count_rows(binary, upload.file_format)
        if upload.total_rows > MAX_ROWS:
            raise FileRefused(
                _("The file has %(rows)s rows; at most %(limit)s are accepted. Split it into "
                  "several files.")
                % {"rows": f"{upload.total_rows:,}", "limit": f"{MAX_ROWS:,}"}
            )  # fmt: skip
        _save_progress(upload, errors)
        engine = engine if engine is not None else _engine()
        seen: set[bytes] = set()
        with open_file(upload) as binary:
            for batch in chunks(parse_stream(binary, upload.file_format)):
                ads: list[AdRow] = []
                for item in batch:
                    if item.ad is None:
                        upload.rejected += 1
                        errors.extend(item.errors)
                        continue
                    key = item.ad.dedupe_key()
                    if key in seen:
                        continue
                    seen.add(key)
                    ads.append(item.ad)
                upload.processed += len(batch)
                if ads:
                    upload.loaded += store_ads(upload, ads, match_ads(engine, ads))
                touched |= {ad.month for ad in ads}
                _save_progress(upload, errors)
                if progress is not None:
                    progress(upload.processed, upload.total_rows)
        upload.total_rows = upload.processed
        with transaction.atomic():
            JobAdUpload.objects.filter(pk=upload.pk).update(
                status=JobAdUpload.Status.DONE,
                total_rows=upload.total_rows,
                finished_at=timezone.now(),
                updated_at=timezone.now(),
            )
            monthly_counts_rebuild(months=touched)
    except Exception as error:  # noqa: BLE001 - the upload records why it failed
        if isinstance(error, FileRefused):
            message = error.message
        else:
            logger.exception("job-ad upload %s failed", upload_id)
            message = _("Processing stopped: %(error)s") % {"error": error}
        touched |= _delete_ads(upload.pk)
        monthly_counts_rebuild(months=touched)
        JobAdUpload.objects.filter(pk=upload.pk).update(
            status=JobAdUpload.Status.FAILED,
            loaded=0,
            last_error=str(message)[:4000],
            errors=[e.as_dict() for e in errors[:MAX_ERRORS_KEPT]],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        upload.refresh_from_db()
        return upload
    upload.refresh_from_db()
    audit.record(
        upload,
        "intelligence.job_ads.processed",
        actor=None,
        after={
            "rows": upload.processed,
            "loaded": upload.loaded,
            "rejected": upload.rejected,
            "duplicates": upload_duplicates(upload),
        },
    )
    return upload


def upload_duplicates(upload: JobAdUpload) -> int:
    """Rows skipped because an earlier row of the file was the same ad."""
    if upload.status != JobAdUpload.Status.DONE:
        return 0
    return max(0, upload.processed - upload.loaded - upload.rejected)


def upload_errors(upload: JobAdUpload) -> Iterator[RowError]:
    """Every problem of the file, read again from storage (the upload keeps the first ones)."""
    if upload.last_error and not upload.processed:
        yield RowError(0, "", upload.last_error)
        return
    try:
        with open_file(upload) as binary:
            for item in parse_stream(binary, upload.file_format):
                yield from item.errors
    except FileRefused as error:
        yield RowError(error.line or 0, "", error.message)


# -- monthly counts ----------------------------------------------------------------------------


def monthly_counts_rebuild(*, months: Iterable[datetime.date] | None = None) -> int:
    """Recount `JobAdMonthlyCount` from the ads of finished uploads for `months` (None: all);
    returns the number of count rows written."""
    counts = JobAdMonthlyCount._meta.db_table
    ads = JobAd._meta.db_table
    skills = JobAdSkill._meta.db_table
    uploads = JobAdUpload._meta.db_table
    done = JobAdUpload.Status.DONE
    month_list = None if months is None else sorted({m.replace(day=1) for m in months})
    if month_list == []:
        return 0
    with transaction.atomic():
        if month_list is None:
            JobAdMonthlyCount.objects.all().delete()
        else:
            JobAdMonthlyCount.objects.filter(month__in=month_list).delete()
        written = 0
        # Chunks of months keep the statements within every backend's parameter limit. The
        # table names come from the models and the values are parameters: nothing user-typed
        # reaches the SQL text.
        columns = f"INSERT INTO {counts} (month, country, region, occupation_uri, skill_uri, ads) "
        cell = "a.month, a.country, a.region, a.occupation_uri"
        for batch in [None] if month_list is None else list(chunks(month_list, 200)):
            params: list[Any] = [done]
            where = ""
            if batch is not None:
                where = " AND a.month IN ({})".format(", ".join(["%s"] * len(batch)))
                params += [connection.ops.adapt_datefield_value(m) for m in batch]
            all_ads = (
                f"{columns}SELECT {cell}, '', COUNT(*) FROM {ads} a "  # noqa: S608
                f"JOIN {uploads} u ON u.id = a.upload_id WHERE u.status = %s{where} "
                f"GROUP BY {cell}"
            )
            per_skill = (
                f"{columns}SELECT {cell}, s.skill_uri, COUNT(*) FROM {skills} s "  # noqa: S608
                f"JOIN {ads} a ON a.id = s.ad_id JOIN {uploads} u ON u.id = a.upload_id "
                f"WHERE u.status = %s{where} GROUP BY {cell}, s.skill_uri"
            )
            with connection.cursor() as cursor:
                for statement in (all_ads, per_skill):
                    cursor.execute(statement, params)
                    written += max(cursor.rowcount, 0)
        summaries.ad_counts_rebuild(months=month_list)
    return written


# -- selectors ---------------------------------------------------------------------------------


def uploads_visible_to(user: Any) -> QuerySet[JobAdUpload]:
    """The uploads `user` may see: all for the secretariat, none for anyone else."""
    if not is_secretariat(user):
        return JobAdUpload.objects.none()
    return JobAdUpload.objects.select_related("uploaded_by").order_by("-created_at", "-id")


def upload_get_for_view(*, user: Any, public_id: Any) -> JobAdUpload:
    """One upload for the secretariat; 404 for anyone else."""
    upload = uploads_visible_to(user).filter(public_id=public_id).first()
    if upload is None:
        raise Http404
    return upload


def upload_ads(
    upload: JobAdUpload, *, occupation_uri: str = "", skill_uri: str = ""
) -> QuerySet[JobAd]:
    """The ads of an upload in file order, filtered by occupation or skill."""
    ads = JobAd.objects.filter(upload=upload)
    if occupation_uri:
        ads = ads.filter(occupation_uri=occupation_uri)
    if skill_uri:
        ads = ads.filter(skills__skill_uri=skill_uri)
    return ads.prefetch_related("skills").order_by("line")


def upload_top_occupations(upload: JobAdUpload, *, top: int = 30) -> list[tuple[str, int]]:
    """The occupations most ads of an upload were matched to, with their counts."""
    return list(
        JobAd.objects.filter(upload=upload)
        .exclude(occupation_uri="")
        .values("occupation_uri")
        .annotate(n=Count("id"))
        .order_by("-n", "occupation_uri")
        .values_list("occupation_uri", "n")[:top]
    )


def upload_top_skills(upload: JobAdUpload, *, top: int = 30) -> list[tuple[str, int]]:
    """The skills most ads of an upload ask for, with their counts."""
    return list(
        JobAdSkill.objects.filter(ad__upload=upload)
        .values("skill_uri")
        .annotate(n=Count("id"))
        .order_by("-n", "skill_uri")
        .values_list("skill_uri", "n")[:top]
    )


@dataclass(frozen=True)
class MonthSeries:
    """Ads per month and, for a few skills, the share of ads asking for each."""

    months: list[datetime.date]
    ads: list[int]
    shares: dict[str, list[float | None]]


def _month_range(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months = []
    current = first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months


def _series(
    totals: dict[datetime.date, int], per_skill: dict[str, dict[datetime.date, int]]
) -> MonthSeries:
    if not totals:
        return MonthSeries(months=[], ads=[], shares={})
    months = _month_range(min(totals), max(totals))
    return MonthSeries(
        months=months,
        ads=[totals.get(m, 0) for m in months],
        shares={
            uri: [
                round(by_month.get(m, 0) / totals[m], 4) if totals.get(m) else None for m in months
            ]
            for uri, by_month in per_skill.items()
        },
    )


def upload_month_series(
    upload: JobAdUpload, *, top_skills: int = 5, skill_uris: Sequence[str] | None = None
) -> MonthSeries:
    """Ads per month of one upload and the monthly share of its top skills (or of
    `skill_uris`, the top skills when the caller has them already)."""
    totals = dict(
        JobAd.objects.filter(upload=upload)
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    uris = (
        list(skill_uris)[:top_skills]
        if skill_uris is not None
        else [uri for uri, _n in upload_top_skills(upload, top=top_skills)]
    )
    per_skill: dict[str, dict[datetime.date, int]] = {uri: {} for uri in uris}
    for uri, month, n in (
        JobAdSkill.objects.filter(ad__upload=upload, skill_uri__in=uris)
        .values("skill_uri", "ad__month")
        .annotate(n=Count("id"))
        .values_list("skill_uri", "ad__month", "n")
    ):
        per_skill[uri][month] = n
    return _series(totals, per_skill)


def _slice(
    counts: QuerySet[JobAdMonthlyCount],
    *,
    country: str = "",
    region: str = "",
    occupation_uris: Sequence[str] = (),
) -> QuerySet[JobAdMonthlyCount]:
    if country:
        counts = counts.filter(country=country)
    if region:
        counts = counts.filter(region=region)
    if occupation_uris:
        counts = counts.filter(occupation_uri__in=list(occupation_uris))
    return counts


def overview_month_series(*, top_skills: int = 5, country: str = "") -> MonthSeries:
    """Ads per month over every finished upload and the monthly share of the top skills."""
    counts = _slice(JobAdMonthlyCount.objects.all(), country=country)
    totals = dict(
        counts.filter(skill_uri="").values("month").annotate(n=Sum("ads")).values_list("month", "n")
    )
    uris = list(
        counts.exclude(skill_uri="")
        .values("skill_uri")
        .annotate(n=Sum("ads"))
        .order_by("-n", "skill_uri")
        .values_list("skill_uri", flat=True)[:top_skills]
    )
    per_skill: dict[str, dict[datetime.date, int]] = {uri: {} for uri in uris}
    for uri, month, n in (
        counts.filter(skill_uri__in=uris)
        .values("skill_uri", "month")
        .annotate(n=Sum("ads"))
        .values_list("skill_uri", "month", "n")
    ):
        per_skill[uri][month] = n
    return _series(totals, per_skill)


@dataclass(frozen=True)
class SharePoint:
    """One month of a share series: ads asking for the skill (or of the occupation) among all
    ads of the slice; `share` is None for a month without any ad in the slice."""

    month: datetime.date
    ads: int
    total: int
    share: float | None


def job_ad_shares(
    *,
    skill_uri: str = "",
    occupation_uri: str = "",
    occupation_uris: Sequence[str] = (),
    country: str = "",
    region: str = "",
    first: datetime.date | None = None,
    last: datetime.date | None = None,
) -> list[SharePoint]:
    """The monthly share series of a skill or an occupation in a slice, every month from the
    slice's first to its last month with ads (or `first`..`last`).

    * `skill_uri`: the share of the slice's ads asking for the skill; the slice is narrowed to
      `occupation_uri` / `occupation_uris` (an occupation group's members) when given.
    * only `occupation_uri` (or `occupation_uris`): the share of the slice's ads whose title
      matched that occupation (or any of them), among all ads of the country/region.
    Read from `JobAdMonthlyCount`, so finished uploads only.
    """
    if not skill_uri and not occupation_uri and not occupation_uris:
        raise ValueError("give a skill or an occupation")
    wanted = [occupation_uri] if occupation_uri else list(occupation_uris)
    counts = _slice(JobAdMonthlyCount.objects.all(), country=country, region=region)
    if first is not None:
        counts = counts.filter(month__gte=first.replace(day=1))
    if last is not None:
        counts = counts.filter(month__lte=last.replace(day=1))
    if skill_uri:
        base = counts.filter(occupation_uri__in=wanted) if wanted else counts
        denominator = base.filter(skill_uri="")
        numerator = base.filter(skill_uri=skill_uri)
    else:
        denominator = counts.filter(skill_uri="")
        numerator = denominator.filter(occupation_uri__in=wanted)
    totals = dict(denominator.values("month").annotate(n=Sum("ads")).values_list("month", "n"))
    hits = dict(numerator.values("month").annotate(n=Sum("ads")).values_list("month", "n"))
    if not totals and (first is None or last is None):
        return []
    start = first.replace(day=1) if first is not None else min(totals)
    end = last.replace(day=1) if last is not None else max(totals)
    return [
        SharePoint(
            month=month,
            ads=int(hits.get(month, 0)),
            total=int(totals.get(month, 0)),
            share=round(hits.get(month, 0) / totals[month], 6) if totals.get(month) else None,
        )
        for month in _month_range(start, end)
    ]


def job_ads_summary() -> dict[str, Any]:
    """Headline numbers over the finished uploads: ads, months covered, first and last month."""
    totals = JobAdMonthlyCount.objects.filter(skill_uri="").aggregate(
        ads=Sum("ads"), first=Min("month"), last=Max("month")
    )
    return {
        "ads": int(totals["ads"] or 0),
        "first": totals["first"],
        "last": totals["last"],
        "uploads": JobAdUpload.objects.filter(status=JobAdUpload.Status.DONE).count(),
        "is_synthetic": JobAdUpload.objects.filter(
            Q(status=JobAdUpload.Status.DONE) & Q(is_synthetic=True)
        ).exists(),
    }
