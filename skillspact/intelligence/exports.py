"""Exports of anonymised survey answers, CSV and XLSX: one row per submitted response.

Columns: a row number, the date submitted (the date only), the language, the profile block
(country, region, type of employer, occupation, years of experience), then per question key
its answer and the revision answered; a skills matrix gives two columns per skill,
`<key>:<skill label>:proficiency` and `<key>:<skill label>:importance`. Never an e-mail, a
name, a user or invitation id, a resume token or an exact time, even for surveys that are not
anonymous; the free job title is left out too, as people often type their employer in it.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from skillspact.intelligence.models import Answer, Question, Survey
from skillspact.intelligence.results import ResultFilters, responses_filtered

PROFILE_COLUMNS = [
    "country",
    "region",
    "stakeholder_type",
    "occupation_uri",
    "occupation",
    "years_experience",
]


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text people typed (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def _columns(survey: Survey) -> list[tuple[str, Question, list[tuple[str, str]]]]:
    """Per question key (current order, removed ones last): its latest revision and, for a
    matrix, its skills (URI, label) over every revision."""
    from skillspact.taxonomy import selectors as taxonomy

    by_key: dict[str, list[Question]] = defaultdict(list)
    for question in survey.questions.order_by("key", "revision"):
        by_key[question.key].append(question)
    uris: list[str] = []
    for revisions in by_key.values():
        for question in revisions:
            uris += [uri for uri in question.skill_uris if uri not in uris]
    labels = {
        uri: brief.label
        for uri, brief in taxonomy.concepts_describe(uris, concept_type="skill").items()
    }
    keys = sorted(
        by_key,
        key=lambda key: (not by_key[key][-1].is_current, by_key[key][-1].position, key),
    )
    columns = []
    for key in keys:
        latest = by_key[key][-1]
        skills: list[tuple[str, str]] = []
        if latest.kind == Question.Kind.SKILLS_MATRIX:
            for question in reversed(by_key[key]):
                for uri in question.skill_uris:
                    if uri not in [pair[0] for pair in skills]:
                        skills.append((uri, labels.get(uri, uri)))
        columns.append((key, latest, skills))
    return columns


def export_rows(survey: Survey, filters: ResultFilters | None = None) -> Iterator[list[Any]]:
    """The header, then one anonymised row per submitted response matching `filters`."""
    from skillspact.taxonomy import selectors as taxonomy

    columns = _columns(survey)
    header = ["response", "submitted_on", "language", *PROFILE_COLUMNS]
    for key, latest, skills in columns:
        if latest.kind == Question.Kind.SKILLS_MATRIX:
            header.append(f"{key}:revision")
            for _uri, label in skills:
                header += [f"{key}:{label}:proficiency", f"{key}:{label}:importance"]
        else:
            header += [key, f"{key}:revision"]
    yield header

    responses = list(
        responses_filtered(survey, filters or ResultFilters())
        .order_by("submitted_at", "id")
        .values(
            "id",
            "submitted_at",
            "language",
            "country",
            "region",
            "stakeholder_type",
            "occupation_uri",
            "years_experience",
        )
    )
    occupations = {
        uri: brief.label
        for uri, brief in taxonomy.concepts_describe(
            {row["occupation_uri"] for row in responses}, concept_type="occupation"
        ).items()
    }
    answers: dict[int, dict[str, tuple[int | str, Any]]] = defaultdict(dict)
    for response_id, key, answered_revision, answer_value in Answer.objects.filter(
        response_id__in=[row["id"] for row in responses]
    ).values_list("response_id", "question__key", "question__revision", "value"):
        answers[response_id][key] = (answered_revision, answer_value)
    for number, row in enumerate(responses, start=1):
        submitted = row["submitted_at"]
        line: list[Any] = [
            number,
            submitted.date().isoformat() if submitted else "",
            row["language"],
            row["country"],
            row["region"],
            row["stakeholder_type"],
            row["occupation_uri"],
            occupations.get(row["occupation_uri"], ""),
            "" if row["years_experience"] is None else row["years_experience"],
        ]
        given = answers.get(row["id"], {})
        for key, latest, skills in columns:
            revision, value = given.get(key, ("", None))
            if latest.kind == Question.Kind.SKILLS_MATRIX:
                line.append(revision)
                ratings = value if isinstance(value, dict) else {}
                for uri, _label in skills:
                    rating = ratings.get(uri) or {}
                    line += [rating.get("proficiency", ""), rating.get("importance", "")]
            else:
                if isinstance(value, list):
                    value = "; ".join(str(item) for item in value)
                line += ["" if value is None else _safe(value), revision]
        yield line


def csv_text(survey: Survey, filters: ResultFilters | None = None) -> str:
    """The export as CSV text (with a byte-order mark so spreadsheets read UTF-8)."""
    return rows_csv(export_rows(survey, filters))


def xlsx_bytes(survey: Survey, filters: ResultFilters | None = None) -> bytes:
    """The export as an XLSX workbook with one sheet."""
    return rows_xlsx(export_rows(survey, filters), title=_("Answers"))


def rows_csv(rows: Iterable[list[Any]]) -> str:
    """Rows (the header first) as CSV text with a byte-order mark, formulas neutralised."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_safe(value) for value in row])
    return buffer.getvalue()


def rows_xlsx(rows: Iterable[list[Any]], *, title: str) -> bytes:
    """Rows (the header first, in bold and frozen) as an XLSX workbook with one sheet; text
    stays text, formulas neutralised."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    for index, row in enumerate(rows):
        sheet.append(
            [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in map(_safe, row)]
        )
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
