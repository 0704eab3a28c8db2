"""Import an official ESCO CSV download: a folder, a zip, or single CSV files, any languages.

Reads ESCO v1.1.x (relation files without a language suffix) and v1.2.x (`*_en.csv`) names,
plain `.csv`, `.csv.gz` and `.zip` (files possibly inside a subfolder). Everything is written
in one transaction: a missing column, a file that is not UTF-8 or a broken archive stops the
import with the file and line and leaves the database as it was; a bad row (wrong number of
fields, missing URI, unknown relation target, duplicate) is reported as `file:line: message`
and skipped. Importing a version again replaces that version's rows and no other version's.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, TypeVar, cast

from django.db import connection, models, transaction
from django.utils import timezone

from skillspact.core.errors import DomainError
from skillspact.core.text import search_text as normalised_key
from skillspact.taxonomy import health
from skillspact.taxonomy.models import (
    Broader,
    Collection,
    CollectionMember,
    ConceptType,
    EscoVersion,
    IscoGroup,
    Label,
    Occupation,
    OccupationSkill,
    Skill,
    SkillGroup,
    SkillRelation,
)

BATCH_SIZE = 2000
PROGRESS_EVERY_ROWS = 2000
# ESCO cells are far below this; the csv module's default (128 KiB) is not.
FIELD_SIZE_LIMIT = 64 * 1024 * 1024
BAD_ROWS_KEPT_IN_REPORT = 500
VERSION_PATTERN = re.compile(r"v(\d+(?:\.\d+){1,2})", re.IGNORECASE)
VALID_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
LANGUAGE = r"(?P<lang>[a-z]{2,3}(?:-[a-z]{2,4})?)"
RELATIONS = frozenset({"essential", "optional"})
SKILL_TYPES = frozenset(Skill.SkillType.values)
REUSE_LEVELS = frozenset(Skill.ReuseLevel.values)
ISCED_PREFIX = "http://data.europa.eu/esco/isced-f/"


class EscoFormatError(DomainError):
    """The download cannot be imported as it is; nothing was changed."""

    code = "esco_format"
    status = 422

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file = file
        self.line = line
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")


@dataclass(frozen=True)
class BadRow:
    """A row that was reported and skipped (or, for warnings, kept with a blank value)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Progress:
    """How far an import has come, for a progress bar."""

    file: str
    done_bytes: int
    total_bytes: int
    rows: int
    elapsed: float

    @property
    def fraction(self) -> float:
        return min(1.0, self.done_bytes / self.total_bytes) if self.total_bytes else 0.0


ProgressCallback = Callable[[Progress], None]


@dataclass
class FileCount:
    rows: int = 0
    loaded: int = 0
    bad: int = 0


@dataclass
class ImportReport:
    """What an import did: rows per table and per file, bad rows, ignored files, duration."""

    version: str
    languages: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    files: dict[str, FileCount] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)
    warnings: list[BadRow] = field(default_factory=list)
    ignored_files: list[str] = field(default_factory=list)
    duration: float = 0.0
    made_default: bool = False

    def as_json(self) -> dict[str, Any]:
        """The report as stored on the version (bad rows capped)."""
        return {
            "version": self.version,
            "languages": self.languages,
            "counts": self.counts,
            "files": {name: vars(count) for name, count in self.files.items()},
            "bad_row_count": len(self.bad_rows),
            "bad_rows": [str(row) for row in self.bad_rows[:BAD_ROWS_KEPT_IN_REPORT]],
            "warning_count": len(self.warnings),
            "warnings": [str(row) for row in self.warnings[:BAD_ROWS_KEPT_IN_REPORT]],
            "ignored_files": self.ignored_files,
            "duration_seconds": round(self.duration, 2),
        }


# -- the files of a download -----------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    key: str
    stem: str
    required: tuple[str, ...]
    # Label files are read in every language; of the others one copy is read.
    has_labels: bool = False
    collection: str = ""
    # ESCO's skillsHierarchy files leave out trailing empty cells (rows of 11 to 13 of 14 fields).
    allows_short_rows: bool = False

    @property
    def pattern(self) -> re.Pattern[str]:
        suffix = f"_{LANGUAGE}" if self.has_labels else f"(?:_{LANGUAGE})?"
        return re.compile(rf"{self.stem}{suffix}\.csv(?:\.gz)?", re.IGNORECASE)


HIERARCHY_COLUMNS = tuple(
    f"Level {level} {part}" for level in range(4) for part in ("URI", "preferred term")
)
KINDS = (
    FileKind("skills", "skills", ("conceptUri", "preferredLabel", "skillType"), has_labels=True),
    FileKind("occupations", "occupations", ("conceptUri", "preferredLabel", "iscoGroup"), True),
    FileKind("isco_groups", "ISCOGroups", ("conceptUri", "code", "preferredLabel"), True),
    FileKind("skill_groups", "skillGroups", ("conceptUri", "preferredLabel"), True),
    FileKind("skills_hierarchy", "skillsHierarchy", HIERARCHY_COLUMNS, allows_short_rows=True),
    FileKind(
        "occupation_skill",
        "occupationSkillRelations",
        ("occupationUri", "relationType", "skillUri"),
    ),
    FileKind(
        "skill_skill",
        "skillSkillRelations",
        ("originalSkillUri", "relationType", "relatedSkillUri"),
    ),
    FileKind("broader_skill", "broaderRelationsSkillPillar", ("conceptUri", "broaderUri")),
    FileKind("broader_occupation", "broaderRelationsOccPillar", ("conceptUri", "broaderUri")),
    FileKind("green", "greenSkillsCollection", ("conceptUri",), collection=Collection.GREEN),
    FileKind("digital", "digitalSkillsCollection", ("conceptUri",), collection=Collection.DIGITAL),
    FileKind(
        "transversal",
        "transversalSkillsCollection",
        ("conceptUri",),
        collection=Collection.TRANSVERSAL,
    ),
    FileKind("digcomp", "digCompSkillsCollection", ("conceptUri",), collection=Collection.DIGCOMP),
    FileKind(
        "language", "languageSkillsCollection", ("conceptUri",), collection=Collection.LANGUAGE
    ),
    FileKind(
        "research_skills",
        "researchSkillsCollection",
        ("conceptUri",),
        collection=Collection.RESEARCH_SKILLS,
    ),
    FileKind(
        "research_occupations",
        "researchOccupationsCollection",
        ("conceptUri",),
        collection=Collection.RESEARCH_OCCUPATIONS,
    ),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}
_PATTERNS = [(kind, kind.pattern) for kind in KINDS]


@dataclass(frozen=True)
class EscoFile:
    """One CSV of a download, wherever it lies (folder, .gz, zip entry)."""

    kind: FileKind
    language: str
    name: str
    size: int
    depth: int
    opener: Callable[[], IO[bytes]] = field(compare=False, repr=False)


def classify(name: str) -> tuple[FileKind, str] | None:
    """The kind and language of an ESCO file name, or None for a file the import does not read."""
    base = name.rsplit("/", 1)[-1]
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(base)
        if match:
            return kind, (match.group("lang") or "").lower()
    return None


def _gzip_size(path: Path) -> int:
    # The last four bytes of a gzip file hold the uncompressed size (modulo 4 GiB).
    with path.open("rb") as handle:
        handle.seek(-4, os.SEEK_END)
        return int(struct.unpack("<I", handle.read(4))[0])


def _open_plain(path: Path) -> Callable[[], IO[bytes]]:
    if path.name.lower().endswith(".gz"):
        return lambda: cast(IO[bytes], gzip.open(path, "rb"))
    return lambda: path.open("rb")


def _open_zip_entry(archive: Path, entry: str) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        # The entry keeps the archive open until the entry itself is closed.
        stream = zipfile.ZipFile(archive).open(entry)  # noqa: SIM115
        if entry.lower().endswith(".gz"):
            return cast(IO[bytes], gzip.GzipFile(fileobj=stream))
        return stream

    return opener


def _zip_files(archive: Path, base_depth: int, ignored: list[str]) -> list[EscoFile]:
    try:
        with zipfile.ZipFile(archive) as opened:
            infos = opened.infolist()
    except zipfile.BadZipFile as error:
        raise EscoFormatError(archive.name, 0, f"not a readable zip archive ({error})") from error
    found = []
    for info in infos:
        name = info.filename
        base = name.rsplit("/", 1)[-1]
        if info.is_dir() or name.startswith("__MACOSX/") or base.startswith("."):
            continue
        classified = classify(base)
        if classified is None:
            ignored.append(f"{archive.name}:{name}")
            continue
        kind, language = classified
        size = info.file_size * (4 if base.lower().endswith(".gz") else 1)
        found.append(
            EscoFile(
                kind,
                language,
                base,
                size,
                base_depth + name.count("/"),
                _open_zip_entry(archive, name),
            )
        )
    return found


def discover(paths: Sequence[str | Path]) -> tuple[list[EscoFile], list[str]]:
    """The ESCO files under `paths` and the names of the files that will not be read.

    In a folder or archive only the shallowest level holding ESCO files counts, so a copy in a
    subfolder (e.g. `fr_partial/`) is left out unless its folder is given as a path of its own.
    """
    files: list[EscoFile] = []
    ignored: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    for raw_path in paths:
        path = Path(raw_path)
        candidates: list[EscoFile] = []
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs.sort()
                depth = len(Path(root).relative_to(path).parts)
                for name in sorted(names):
                    full = Path(root) / name
                    if name.lower().endswith(".zip"):
                        candidates += _zip_files(full, depth, ignored)
                        continue
                    classified = classify(name)
                    if classified is None:
                        ignored.append(str(full.relative_to(path)))
                        continue
                    candidates.append(_plain_file(full, depth, *classified))
        elif path.is_file() and path.name.lower().endswith(".zip"):
            candidates = _zip_files(path, 0, ignored)
        elif path.is_file():
            classified = classify(path.name)
            if classified is None:
                raise EscoFormatError(path.name, 0, "not an ESCO CSV file name")
            candidates = [_plain_file(path, 0, *classified)]
        else:
            raise EscoFormatError(str(raw_path), 0, "no such file or folder")
        if not candidates:
            raise EscoFormatError(str(raw_path), 0, "holds no ESCO CSV files")
        top = min(candidate.depth for candidate in candidates)
        for candidate in candidates:
            key = (candidate.kind.key, candidate.language)
            if candidate.depth != top:
                ignored.append(f"{candidate.name} (in a subfolder)")
            elif key in seen:
                ignored.append(f"{candidate.name} (a second copy; {seen[key]} is read)")
            else:
                seen[key] = candidate.name
                files.append(candidate)
    return files, ignored


def _plain_file(path: Path, depth: int, kind: FileKind, language: str) -> EscoFile:
    compressed = path.name.lower().endswith(".gz")
    size = _gzip_size(path) if compressed else path.stat().st_size
    return EscoFile(kind, language, path.name, size, depth, _open_plain(path))


def infer_version(paths: Sequence[str | Path], version: str | None = None) -> str:
    """The version code: `version` if given, else the first `vX.Y.Z` in the paths' names."""
    if version:
        code = version.strip()
        if code[:1].isdigit():
            code = f"v{code}"
        if not VALID_VERSION.match(code):
            raise EscoFormatError(code, 0, "is not a version code such as v1.1.1")
        return code
    for raw_path in paths:
        for part in reversed(Path(raw_path).resolve().parts):
            match = VERSION_PATTERN.search(part)
            if match:
                return f"v{match.group(1)}"
    raise EscoFormatError(
        str(paths[0]) if paths else "?",
        0,
        "cannot tell the ESCO version from the path; give it, e.g. --version v1.1.1",
    )


# -- reading one CSV ---------------------------------------------------------------------------


class _CsvReader:
    """A streaming reader of one file: checks the header, yields good rows, reports bad ones."""

    def __init__(self, importer: EscoImporter, file: EscoFile) -> None:
        self.importer = importer
        self.file = file
        self.columns: dict[str, int] = {}
        self.count = importer.report.files.setdefault(file.name, FileCount())
        self._raw: IO[bytes] | None = None
        self._reader: Any = None
        self._width = 0

    def __enter__(self) -> _CsvReader:
        name = self.file.name
        try:
            self._raw = self.file.opener()
            text = io.TextIOWrapper(self._raw, encoding="utf-8-sig", newline="")
            self._reader = csv.reader(text)
            header = next(self._reader, None)
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile, csv.Error) as error:
            raise EscoFormatError(name, 1, f"cannot be read ({error})") from error
        except UnicodeDecodeError as error:
            raise EscoFormatError(name, _first_bad_line(self.file), "is not UTF-8 text") from error
        if not header:
            raise EscoFormatError(name, 1, "is empty; a header line was expected")
        self.columns = {column.strip().lower(): index for index, column in enumerate(header)}
        missing = [
            column for column in self.file.kind.required if column.lower() not in self.columns
        ]
        if missing:
            raise EscoFormatError(
                name,
                1,
                "missing required column(s) {}; the header line reads: {}".format(
                    ", ".join(missing), ",".join(header)[:300]
                ),
            )
        self._width = len(header)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._raw is not None:
            self._raw.close()

    def index(self, column: str) -> int | None:
        """The position of an optional column, or None when the file does not have it."""
        return self.columns.get(column.lower())

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield (line, fields) for every row with the header's number of fields."""
        reader = self._reader
        importer = self.importer
        count = self.count
        line_end = reader.line_num
        line = line_end + 1
        try:
            for row in reader:
                line = line_end + 1
                line_end = reader.line_num
                if not row:
                    continue
                count.rows += 1
                if len(row) != self._width:
                    if len(row) < self._width and self.file.kind.allows_short_rows:
                        row += [""] * (self._width - len(row))
                    else:
                        self.bad(line, f"expected {self._width} fields, found {len(row)}")
                        continue
                yield line, row
                if count.rows % PROGRESS_EVERY_ROWS == 0:
                    importer._tick(self.file, self._position())
        except UnicodeDecodeError as error:
            # The text layer decodes ahead in chunks; find the line in the bytes themselves.
            bad_line = _first_bad_line(self.file)
            raise EscoFormatError(self.file.name, bad_line, "is not UTF-8 text") from error
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile, csv.Error) as error:
            raise EscoFormatError(self.file.name, line, f"cannot be read ({error})") from error

    def bad(self, line: int, message: str) -> None:
        self.count.bad += 1
        self.importer.report.bad_rows.append(BadRow(self.file.name, line, message))

    def warn(self, line: int, message: str) -> None:
        self.importer.report.warnings.append(BadRow(self.file.name, line, message))

    def _position(self) -> int:
        try:
            return self._raw.tell() if self._raw is not None else 0
        except (OSError, ValueError):
            return 0


def _first_bad_line(file: EscoFile) -> int:
    """The line of the first byte that is not UTF-8 (0 when none is found)."""
    with file.opener() as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0


def _labels_in(cell: str) -> list[str]:
    """The labels of a multi-valued cell: ESCO separates them with line breaks."""
    return [text.strip() for text in cell.split("\n") if text.strip()] if cell else []


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None else ""


ModelT = TypeVar("ModelT", bound=models.Model)


# -- the import ---------------------------------------------------------------------------------


class EscoImporter:
    """Load one ESCO version from files on disk in one transaction; see the module docstring."""

    def __init__(
        self,
        paths: Sequence[str | Path],
        *,
        version: str | None = None,
        make_default: bool = False,
        languages: Sequence[str] | None = None,
        progress: ProgressCallback | None = None,
        source_note: str = "",
    ) -> None:
        self.paths = list(paths)
        self.code = infer_version(self.paths, version)
        self.make_default = make_default
        self.wanted_languages = [language.strip().lower() for language in languages or []]
        self.progress = progress
        self.source_note = source_note or ", ".join(Path(path).name for path in self.paths)
        self.report = ImportReport(version=self.code)
        self.files: list[EscoFile] = []
        self.primary = ""
        self._started = 0.0
        self._total_bytes = 0
        self._done_bytes = 0
        self._rows_done = 0
        self._version_id = 0
        self._labels: list[Label] = []
        self._counts: dict[str, int] = {}
        self._hierarchy_file = "skillsHierarchy"

    # -- public -----------------------------------------------------------------------------

    def run(self) -> ImportReport:
        """Import, or raise EscoFormatError having changed nothing but the version's status."""
        csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
        self._started = time.monotonic()
        try:
            self._select_files()
            self._check_headers()
        except EscoFormatError as error:
            self._mark_failed(str(error))
            raise
        version = self._version_row()
        try:
            with transaction.atomic():
                version = EscoVersion.objects.select_for_update().get(pk=version.pk)
                self._version_id = version.pk
                self._clear(version)
                self._load()
                health.apply(versions=[version])
                self._refresh_statistics()
                self._finish(version)
        except Exception as error:
            self._mark_failed(str(error))
            raise
        return self.report

    def _mark_failed(self, message: str) -> None:
        """Record the error on the version; a version that was ready keeps its old rows."""
        existing = EscoVersion.objects.filter(code=self.code)
        existing.exclude(status=EscoVersion.Status.READY).update(
            status=EscoVersion.Status.FAILED, last_error=message[:2000]
        )
        existing.filter(status=EscoVersion.Status.READY).update(last_error=message[:2000])

    # -- preparing --------------------------------------------------------------------------

    def _select_files(self) -> None:
        found, ignored = discover(self.paths)
        self.report.ignored_files = ignored
        label_languages = sorted({f.language for f in found if f.kind.has_labels})
        if self.wanted_languages:
            unknown = [lang for lang in self.wanted_languages if lang not in label_languages]
            if unknown:
                raise EscoFormatError(
                    self.source_note,
                    0,
                    "no label files in {} (found: {})".format(
                        ", ".join(unknown), ", ".join(label_languages) or "none"
                    ),
                )
            languages = list(self.wanted_languages)
        else:
            languages = label_languages
        if not languages:
            raise EscoFormatError(
                self.source_note, 0, "holds no skills_xx.csv or occupations_xx.csv"
            )
        self.primary = "en" if "en" in languages else languages[0]
        chosen: list[EscoFile] = []
        for kind in KINDS:
            of_kind = [f for f in found if f.kind is kind]
            if kind.has_labels:
                picked = sorted(
                    (f for f in of_kind if f.language in languages),
                    key=lambda f: (f.language != self.primary, languages.index(f.language)),
                )
            else:
                # One copy of each relation or collection file: v1.1 has no suffix, v1.2 one per
                # language with the same rows.
                ranked = sorted(
                    of_kind,
                    key=lambda f: (f.language != "", f.language != self.primary, f.language),
                )
                picked = ranked[:1]
            chosen += picked
            reason = "language not selected" if kind.has_labels else "same rows as the file read"
            ignored += [f"{f.name} ({reason})" for f in of_kind if f not in picked]
        for required in ("skills", "occupations"):
            if not any(f.kind.key == required and f.language == self.primary for f in chosen):
                stem = KINDS_BY_KEY[required].stem
                raise EscoFormatError(
                    self.source_note, 0, f"has no {stem}_{self.primary}.csv, which is required"
                )
        self.files = chosen
        self.report.languages = languages
        self._total_bytes = sum(f.size for f in chosen) or 1

    def _check_headers(self) -> None:
        # Fail fast, before the database is touched, when a column is missing.
        for file in self.files:
            with _CsvReader(self, file):
                pass
        self.report.files.clear()

    def _version_row(self) -> EscoVersion:
        # Committed before the import's transaction, so a failure can be recorded on it.
        version, _created = EscoVersion.objects.get_or_create(
            code=self.code, defaults={"source_note": self.source_note}
        )
        return version

    def _clear(self, version: EscoVersion) -> None:
        # Children first, so that every delete is a plain DELETE ... WHERE version_id = ?.
        for model in (
            Label,
            CollectionMember,
            Broader,
            SkillRelation,
            OccupationSkill,
            Occupation,
            Skill,
            IscoGroup,
            SkillGroup,
        ):
            model.objects.filter(version=version).delete()

    # -- loading ----------------------------------------------------------------------------

    def _files(self, key: str) -> list[EscoFile]:
        return [f for f in self.files if f.kind.key == key]

    def _load(self) -> None:
        memberships = self._read_collections()
        isco_ids = self._load_concepts("isco_groups", IscoGroup, ConceptType.ISCO_GROUP, {})
        hierarchy = self._read_hierarchy()
        group_ids = self._load_concepts(
            "skill_groups", SkillGroup, ConceptType.SKILL_GROUP, {}, hierarchy=hierarchy
        )
        skill_ids = self._load_concepts("skills", Skill, ConceptType.SKILL, memberships)
        occupation_ids = self._load_concepts(
            "occupations", Occupation, ConceptType.OCCUPATION, memberships
        )
        self._flush_labels(force=True)
        types: dict[str, str] = {}
        for ids, concept_type in (
            (isco_ids, ConceptType.ISCO_GROUP),
            (group_ids, ConceptType.SKILL_GROUP),
            (skill_ids, ConceptType.SKILL),
            (occupation_ids, ConceptType.OCCUPATION),
        ):
            types.update(dict.fromkeys(ids, str(concept_type)))
        self._load_collection_members(memberships, types)
        self._load_occupation_skills(occupation_ids, skill_ids)
        self._load_skill_relations(skill_ids)
        self._load_broader(types)
        self._tick(None, 0)

    def _read_collections(self) -> dict[str, list[tuple[str, str, int]]]:
        """Collection codes by concept URI, with where each membership was read."""
        memberships: dict[str, list[tuple[str, str, int]]] = {}
        for kind in KINDS:
            if not kind.collection:
                continue
            for file in self._files(kind.key):
                with _CsvReader(self, file) as reader:
                    uri_at = reader.index("conceptUri")
                    for line, row in reader.rows():
                        uri = _cell(row, uri_at)
                        if not uri:
                            reader.bad(line, "missing conceptUri")
                            continue
                        entries = memberships.setdefault(uri, [])
                        if any(code == kind.collection for code, _name, _line in entries):
                            reader.bad(line, f"duplicate member {uri}")
                            continue
                        entries.append((kind.collection, file.name, line))
                        reader.count.loaded += 1
                self._file_done(file)
        return memberships

    def _read_hierarchy(self) -> dict[str, tuple[str, str, str]]:
        """Label, code and description of every level of the skills hierarchy, by URI."""
        levels: dict[str, tuple[str, str, str]] = {}
        for file in self._files("skills_hierarchy"):
            self._hierarchy_file = file.name
            with _CsvReader(self, file) as reader:
                columns = [
                    (
                        reader.index(f"Level {level} URI"),
                        reader.index(f"Level {level} preferred term"),
                        reader.index(f"Level {level} code"),
                    )
                    for level in range(4)
                ]
                description_at = reader.index("Description")
                for line, row in reader.rows():
                    deepest = ""
                    for uri_at, label_at, code_at in columns:
                        uri = _cell(row, uri_at)
                        if uri:
                            deepest = uri
                            previous = levels.get(uri, ("", "", ""))
                            levels[uri] = (
                                _cell(row, label_at) or previous[0],
                                _cell(row, code_at) or previous[1],
                                previous[2],
                            )
                    if not deepest:
                        reader.bad(line, "no URI on any level")
                        continue
                    label, code, _description = levels[deepest]
                    levels[deepest] = (label, code, _cell(row, description_at))
                    reader.count.loaded += 1
            self._file_done(file)
        return levels

    def _load_concepts(
        self,
        key: str,
        model: type[ModelT],
        concept_type: str,
        memberships: dict[str, list[tuple[str, str, int]]],
        *,
        hierarchy: dict[str, tuple[str, str, str]] | None = None,
    ) -> dict[str, int]:
        """Create the concepts of the primary language's file; add every language's labels."""
        known: dict[str, int] = {}  # URI -> line in the primary file
        pending: list[ModelT] = []
        created = 0
        for file in self._files(key):
            is_primary = file.language == self.primary
            with _CsvReader(self, file) as reader:
                uri_at = reader.index("conceptUri")
                label_at = reader.index("preferredLabel")
                alt_at = reader.index("altLabels")
                hidden_at = reader.index("hiddenLabels")
                build = self._builder(key, reader)
                for line, row in reader.rows():
                    uri = _cell(row, uri_at)
                    if not uri:
                        reader.bad(line, "missing conceptUri")
                        continue
                    preferred = _cell(row, label_at)
                    if is_primary:
                        if uri in known:
                            reader.bad(
                                line, f"duplicate concept {uri} (first on line {known[uri]})"
                            )
                            continue
                        if not preferred:
                            reader.bad(line, f"missing preferredLabel for {uri}")
                            continue
                        known[uri] = line
                        fields = build(line, row)
                        codes = [code for code, _n, _l in memberships.get(uri, ())]
                        if codes and hasattr(model, "collections"):
                            fields["collections"] = codes
                        pending.append(
                            model(
                                version_id=self._version_id,
                                uri=uri,
                                preferred_label=preferred,
                                **fields,
                            )
                        )
                        if len(pending) >= BATCH_SIZE:
                            created += self._bulk(model, pending)
                    elif uri not in known:
                        reader.bad(line, f"unknown concept {uri}: not in the {self.primary} file")
                        continue
                    elif not preferred:
                        reader.bad(line, f"missing preferredLabel for {uri}")
                        continue
                    self._add_labels(
                        uri,
                        concept_type,
                        file.language,
                        preferred,
                        _cell(row, alt_at),
                        _cell(row, hidden_at),
                    )
                    reader.count.loaded += 1
            if is_primary and hierarchy:
                created += self._add_hierarchy_groups(model, pending, known, hierarchy)
            created += self._bulk(model, pending)
            self._file_done(file)
        self._counts[model._meta.model_name or key] = created
        return dict(
            model._default_manager.filter(version_id=self._version_id).values_list("uri", "pk")
        )

    def _builder(self, key: str, reader: _CsvReader) -> Callable[[int, list[str]], dict[str, Any]]:
        """The function that turns a row of `key`'s file into model fields."""
        description_at = reader.index("description")
        code_at = reader.index("code")
        if key == "skills":
            type_at = reader.index("skillType")
            reuse_at = reader.index("reuseLevel")

            def skill(line: int, row: list[str]) -> dict[str, Any]:
                skill_type = _cell(row, type_at)
                if skill_type and skill_type not in SKILL_TYPES:
                    reader.warn(line, f"unknown skillType {skill_type!r} stored as blank")
                    skill_type = ""
                reuse = _cell(row, reuse_at)
                if reuse and reuse not in REUSE_LEVELS:
                    reader.warn(line, f"unknown reuseLevel {reuse!r} stored as blank")
                    reuse = ""
                return {
                    "skill_type": skill_type,
                    "reuse_level": reuse,
                    "description": _cell(row, description_at),
                }

            return skill
        if key == "occupations":
            isco_at = reader.index("iscoGroup")
            note_at = reader.index("regulatedProfessionNote")

            def occupation(line: int, row: list[str]) -> dict[str, Any]:
                return {
                    "code": _cell(row, code_at)[:40],
                    "isco_group": _cell(row, isco_at)[:10],
                    "regulated_profession_note": _cell(row, note_at),
                    "description": _cell(row, description_at),
                }

            return occupation

        def group(line: int, row: list[str]) -> dict[str, Any]:
            code = _cell(row, code_at)
            return {"code": code[:20], "description": _cell(row, description_at)}

        return group

    def _add_hierarchy_groups(
        self,
        model: type[ModelT],
        pending: list[ModelT],
        known: dict[str, int],
        hierarchy: dict[str, tuple[str, str, str]],
    ) -> int:
        """Complete the skill groups from skillsHierarchy: codes, and groups skillGroups lacks.

        ESCO v1.1.1's skillGroups_en.csv leaves out 7 groups of the hierarchy (S6.8 and below,
        S7.1.3, S4.4.1, S3.4.3) that skills and the broader relations point at.
        """
        created = self._bulk(model, pending)
        codes = {uri: code for uri, (_label, code, _d) in hierarchy.items() if code}
        missing_code = SkillGroup.objects.filter(version_id=self._version_id, code="")
        updates = []
        for group in missing_code.only("pk", "uri", "code"):
            code = codes.get(group.uri) or (
                group.uri[len(ISCED_PREFIX) :] if group.uri.startswith(ISCED_PREFIX) else ""
            )
            if code:
                group.code = code[:20]
                updates.append(group)
        SkillGroup.objects.bulk_update(updates, ["code"], batch_size=BATCH_SIZE)
        for uri, (label, code, description) in hierarchy.items():
            if uri in known or not label:
                continue
            known[uri] = 0
            pending.append(
                model(
                    version_id=self._version_id,
                    uri=uri,
                    preferred_label=label,
                    code=code[:20],
                    description=description,
                )
            )
            self._add_labels(uri, ConceptType.SKILL_GROUP, self.primary, label, "", "")
            self.report.warnings.append(
                BadRow(
                    self._hierarchy_file, 0, f"skill group {code or uri} taken from the hierarchy"
                )
            )
        return created

    def _add_labels(
        self,
        uri: str,
        concept_type: str,
        language: str,
        preferred: str,
        alternatives: str,
        hidden: str,
    ) -> None:
        seen = {preferred}
        search_text = normalised_key
        labels = self._labels
        version_id = self._version_id
        labels.append(
            Label(
                version_id=version_id,
                concept_uri=uri,
                concept_type=concept_type,
                language=language,
                label_type=Label.LabelType.PREFERRED,
                text=preferred,
                normalised=search_text(preferred),
            )
        )
        for label_type, cell in (
            (Label.LabelType.ALTERNATIVE, alternatives),
            (Label.LabelType.HIDDEN, hidden),
        ):
            for text in _labels_in(cell):
                if text in seen:
                    continue
                seen.add(text)
                labels.append(
                    Label(
                        version_id=version_id,
                        concept_uri=uri,
                        concept_type=concept_type,
                        language=language,
                        label_type=label_type,
                        text=text,
                        normalised=search_text(text),
                    )
                )
        if len(labels) >= BATCH_SIZE:
            self._flush_labels()

    def _flush_labels(self, *, force: bool = False) -> None:
        if self._labels and (force or len(self._labels) >= BATCH_SIZE):
            self._counts["label"] = self._counts.get("label", 0) + self._bulk(Label, self._labels)

    def _load_collection_members(
        self, memberships: dict[str, list[tuple[str, str, int]]], types: dict[str, str]
    ) -> None:
        members: list[CollectionMember] = []
        created = 0
        for uri, entries in memberships.items():
            concept_type = types.get(uri)
            for code, file_name, line in entries:
                if concept_type is None:
                    self.report.bad_rows.append(
                        BadRow(file_name, line, f"unknown concept {uri}: not a skill or occupation")
                    )
                    self.report.files[file_name].bad += 1
                    self.report.files[file_name].loaded -= 1
                    continue
                members.append(
                    CollectionMember(
                        version_id=self._version_id,
                        collection=code,
                        concept_uri=uri,
                        concept_type=concept_type,
                    )
                )
                if len(members) >= BATCH_SIZE:
                    created += self._bulk(CollectionMember, members)
        created += self._bulk(CollectionMember, members)
        self._counts["collectionmember"] = created

    def _load_occupation_skills(
        self, occupation_ids: dict[str, int], skill_ids: dict[str, int]
    ) -> None:
        links: list[OccupationSkill] = []
        created = 0
        seen: dict[tuple[int, int], int] = {}
        for file in self._files("occupation_skill"):
            with _CsvReader(self, file) as reader:
                occupation_at = reader.index("occupationUri")
                skill_at = reader.index("skillUri")
                relation_at = reader.index("relationType")
                for line, row in reader.rows():
                    occupation_uri = _cell(row, occupation_at)
                    skill_uri = _cell(row, skill_at)
                    relation = _cell(row, relation_at).lower()
                    if not occupation_uri or not skill_uri:
                        reader.bad(line, "missing occupationUri or skillUri")
                        continue
                    occupation_id = occupation_ids.get(occupation_uri)
                    skill_id = skill_ids.get(skill_uri)
                    if occupation_id is None:
                        reader.bad(line, f"unknown occupation {occupation_uri}")
                        continue
                    if skill_id is None:
                        reader.bad(line, f"unknown skill {skill_uri}")
                        continue
                    if relation not in RELATIONS:
                        reader.bad(line, f"relationType {relation!r} is not essential or optional")
                        continue
                    pair = (occupation_id, skill_id)
                    if pair in seen:
                        reader.bad(line, f"duplicate relation (first on line {seen[pair]})")
                        continue
                    seen[pair] = line
                    links.append(
                        OccupationSkill(
                            version_id=self._version_id,
                            occupation_id=occupation_id,
                            skill_id=skill_id,
                            relation=relation,
                        )
                    )
                    reader.count.loaded += 1
                    if len(links) >= BATCH_SIZE:
                        created += self._bulk(OccupationSkill, links)
            created += self._bulk(OccupationSkill, links)
            self._file_done(file)
        self._counts["occupationskill"] = created

    def _load_skill_relations(self, skill_ids: dict[str, int]) -> None:
        relations: list[SkillRelation] = []
        created = 0
        seen: dict[tuple[int, int], int] = {}
        for file in self._files("skill_skill"):
            with _CsvReader(self, file) as reader:
                from_at = reader.index("originalSkillUri")
                to_at = reader.index("relatedSkillUri")
                type_at = reader.index("relationType")
                for line, row in reader.rows():
                    from_uri, to_uri = _cell(row, from_at), _cell(row, to_at)
                    relation_type = _cell(row, type_at).lower()
                    if not from_uri or not to_uri:
                        reader.bad(line, "missing originalSkillUri or relatedSkillUri")
                        continue
                    from_id, to_id = skill_ids.get(from_uri), skill_ids.get(to_uri)
                    if from_id is None or to_id is None:
                        unknown = from_uri if from_id is None else to_uri
                        reader.bad(line, f"unknown skill {unknown}")
                        continue
                    if from_id == to_id:
                        reader.bad(line, f"a skill related to itself: {from_uri}")
                        continue
                    if not relation_type or len(relation_type) > 20:
                        reader.bad(line, f"relationType {relation_type!r} is not valid")
                        continue
                    pair = (from_id, to_id)
                    if pair in seen:
                        reader.bad(line, f"duplicate relation (first on line {seen[pair]})")
                        continue
                    seen[pair] = line
                    relations.append(
                        SkillRelation(
                            version_id=self._version_id,
                            from_skill_id=from_id,
                            to_skill_id=to_id,
                            relation_type=relation_type,
                        )
                    )
                    reader.count.loaded += 1
                    if len(relations) >= BATCH_SIZE:
                        created += self._bulk(SkillRelation, relations)
            created += self._bulk(SkillRelation, relations)
            self._file_done(file)
        self._counts["skillrelation"] = created

    def _load_broader(self, types: dict[str, str]) -> None:
        edges: list[Broader] = []
        created = 0
        seen: dict[tuple[str, str], int] = {}
        for file in self._files("broader_skill") + self._files("broader_occupation"):
            with _CsvReader(self, file) as reader:
                narrower_at = reader.index("conceptUri")
                broader_at = reader.index("broaderUri")
                for line, row in reader.rows():
                    narrower, broader = _cell(row, narrower_at), _cell(row, broader_at)
                    if not narrower or not broader:
                        reader.bad(line, "missing conceptUri or broaderUri")
                        continue
                    narrower_type, broader_type = types.get(narrower), types.get(broader)
                    if narrower_type is None or broader_type is None:
                        reader.bad(
                            line, f"unknown concept {broader if narrower_type else narrower}"
                        )
                        continue
                    if narrower == broader:
                        reader.bad(line, f"a concept broader than itself: {narrower}")
                        continue
                    pair = (narrower, broader)
                    if pair in seen:
                        reader.bad(line, f"duplicate relation (first on line {seen[pair]})")
                        continue
                    seen[pair] = line
                    edges.append(
                        Broader(
                            version_id=self._version_id,
                            narrower_uri=narrower,
                            narrower_type=narrower_type,
                            broader_uri=broader,
                            broader_type=broader_type,
                        )
                    )
                    reader.count.loaded += 1
                    if len(edges) >= BATCH_SIZE:
                        created += self._bulk(Broader, edges)
            created += self._bulk(Broader, edges)
            self._file_done(file)
        self._counts["broader"] = created

    def _refresh_statistics(self) -> None:
        """Tell the query planner how big the tables are now.

        After a bulk load PostgreSQL still plans for near-empty tables until autovacuum catches
        up, and a filtered search then takes seconds instead of milliseconds.
        """
        if connection.vendor not in {"postgresql", "sqlite"}:
            return
        with connection.cursor() as cursor:
            for model in (Label, Skill, Occupation, OccupationSkill, CollectionMember, Broader):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"ANALYZE {table}")  # noqa: S608 - a table name, not input

    def _bulk(self, model: type[ModelT], objects: list[ModelT]) -> int:
        """Insert and empty `objects`; return how many rows were written."""
        if not objects:
            return 0
        count = len(objects)
        model._default_manager.bulk_create(objects, batch_size=BATCH_SIZE)
        objects.clear()
        return count

    # -- finishing --------------------------------------------------------------------------

    def _finish(self, version: EscoVersion) -> None:
        report = self.report
        names = {
            "skill": "skills",
            "occupation": "occupations",
            "iscogroup": "isco_groups",
            "skillgroup": "skill_groups",
            "label": "labels",
            "occupationskill": "occupation_skills",
            "skillrelation": "skill_relations",
            "broader": "broader_relations",
            "collectionmember": "collection_members",
        }
        report.counts = {names[key]: self._counts.get(key, 0) for key in names}
        report.counts["health_occupations"] = Occupation.objects.filter(
            version=version, is_health=True
        ).count()
        others_default = EscoVersion.objects.filter(is_default=True).exclude(pk=version.pk)
        report.made_default = self.make_default or version.is_default or not others_default.exists()
        if report.made_default and not version.is_default:
            others_default.update(is_default=False)
        report.duration = time.monotonic() - self._started
        version.status = EscoVersion.Status.READY
        version.is_default = report.made_default
        version.languages = report.languages
        version.imported_at = timezone.now()
        version.counts = report.counts
        version.report = report.as_json()
        version.source_note = self.source_note
        version.last_error = ""
        version.save()

    # -- progress ---------------------------------------------------------------------------

    def _file_done(self, file: EscoFile) -> None:
        self._done_bytes += file.size
        self._tick(file, 0)

    def _tick(self, file: EscoFile | None, position: int) -> None:
        if self.progress is None:
            return
        self._rows_done = sum(count.rows for count in self.report.files.values())
        done = self._total_bytes if file is None else self._done_bytes + min(position, file.size)
        self.progress(
            Progress(
                file=file.name if file else "",
                done_bytes=done,
                total_bytes=self._total_bytes,
                rows=self._rows_done,
                elapsed=time.monotonic() - self._started,
            )
        )


def esco_import(
    paths: Sequence[str | Path],
    *,
    version: str | None = None,
    make_default: bool = False,
    languages: Sequence[str] | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import an ESCO download (folder, zip or CSV files) as one version; see EscoImporter."""
    return EscoImporter(
        paths,
        version=version,
        make_default=make_default,
        languages=languages,
        progress=progress,
    ).run()
