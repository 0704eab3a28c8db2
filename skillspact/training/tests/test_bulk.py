"""Course import by the file: a good file stores every course, a bad one nothing, with each
problem by line and column."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from skillspact.accounts.models import User
from skillspact.commitments.bulk import RowError
from skillspact.core.errors import NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.organisations.models import Organisation
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import O_NURSE, S_DATA, S_RISK, UNKNOWN_SKILL
from skillspact.training import bulk
from skillspact.training.factories import CourseSeriesFactory
from skillspact.training.models import Course, CourseSkill

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("esco_v1")]

HEADER = [
    "title", "status", "outcomes", "outcome_skills", "target_occupations", "eqf_level", "hours",
    "ects", "mode", "place", "languages", "self_paced", "starts_on", "ends_on", "price_eur",
    "assessment_type", "quality_assurance", "series",
]  # fmt: skip


def _start(days: int = 30) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _row(**values: Any) -> dict[str, Any]:
    row = {
        "title": "Telehealth for nurses",
        "status": "published",
        "outcomes": "Run a video consultation | Manage clinical risk remotely",
        "outcome_skills": f"{S_DATA} | {S_RISK}",
        "target_occupations": O_NURSE,
        "eqf_level": "5",
        "hours": "25",
        "ects": "1",
        "mode": "online",
        "place": "",
        "languages": "en; fr",
        "self_paced": "no",
        "starts_on": _start(),
        "ends_on": _start(60),
        "price_eur": "120.50",
        "assessment_type": "online_test",
        "quality_assurance": "Accredited",
        "series": "",
    }
    row.update(values)
    return row


def _csv(rows: list[dict[str, Any]], header: list[str] = HEADER) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return SimpleUploadedFile("courses.csv", buffer.getvalue().encode(), content_type="text/csv")


def _xlsx(rows: list[dict[str, Any]]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row.get(name, "") for name in HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("courses.xlsx", buffer.getvalue(), content_type=bulk.XLSX_TYPE)


def test_a_good_csv_stores_every_course_with_its_outcomes_and_skills(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    series = CourseSeriesFactory(slug="pilot", organisation=None)
    upload = _csv([_row(series="pilot"), _row(title="Data protection", status="draft")])

    result = bulk.courses_import(
        actor=organisation_contact, provider=member_organisation, upload=upload
    )

    assert result.errors == []
    assert (len(result.courses), result.published) == (2, 1)
    course = Course.objects.get(title="Telehealth for nurses")
    assert course.status == Course.Status.PUBLISHED
    assert course.series == series
    assert course.languages == ["en", "fr"]
    assert course.country == "ES"  # the provider's
    assert str(course.price_eur) == "120.50"
    assert [(o.text, o.skills) for o in course.outcomes.all()] == [
        ("Run a video consultation", [S_DATA]),
        ("Manage clinical risk remotely", [S_RISK]),
    ]
    assert set(CourseSkill.objects.filter(course=course).values_list("skill_uri", flat=True)) == {
        S_DATA,
        S_RISK,
    }
    assert Course.objects.get(title="Data protection").status == Course.Status.DRAFT
    assert AuditEntry.objects.filter(code="training.course.imported").count() == 1


def test_an_xlsx_is_read_the_same_way(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    result = bulk.courses_import(
        actor=organisation_contact, provider=member_organisation, upload=_xlsx([_row()])
    )

    assert result.errors == []
    assert Course.objects.get().title == "Telehealth for nurses"


def test_bad_rows_are_reported_by_line_and_column_and_nothing_is_stored(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    upload = _csv(
        [
            _row(),  # line 2: fine on its own
            _row(hours="twenty", starts_on="15/09/2026"),  # line 3: unreadable cells
            _row(outcome_skills=f"{S_DATA} | {UNKNOWN_SKILL}", languages="en; xx"),  # line 4
            _row(mode="in_person", place=""),  # line 5: the rules of the form
            _row(outcomes="", mode="hybrid"),  # line 6
        ]
    )

    result = bulk.courses_import(
        actor=organisation_contact, provider=member_organisation, upload=upload
    )

    assert result.errors == [
        RowError(3, "hours", "Enter a whole number with digits only, not “twenty”."),
        RowError(
            3, "starts_on", "Write the date as YYYY-MM-DD, such as 2026-09-15, not “15/09/2026”."
        ),  # noqa: E501
        RowError(
            4, "languages", "Not a language code: xx. Use ISO 639-1 codes such as en, fr, de."
        ),  # noqa: E501
        RowError(5, "place", "Say where the course takes place (in person or blended)."),
        RowError(6, "outcomes", "Write at least one learning outcome."),
        RowError(6, "mode", "“hybrid” is not one of online, in_person, blended."),
    ]
    assert result.courses == []
    assert Course.objects.count() == 0
    assert AuditEntry.objects.filter(code__startswith="training.").count() == 0


def test_an_unknown_skill_is_named_with_its_outcome(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    upload = _csv([_row(outcome_skills=f"{S_DATA} | {UNKNOWN_SKILL}")])

    result = bulk.courses_import(
        actor=organisation_contact, provider=member_organisation, upload=upload
    )

    assert result.errors == [
        RowError(2, "outcome_skills", f"Outcome 2: Not a known ESCO skill: {UNKNOWN_SKILL}")
    ]
    assert Course.objects.count() == 0


def test_header_problems_stop_before_the_rows(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    header = [name for name in HEADER if name != "hours"] + ["colour"]

    result = bulk.courses_import(
        actor=organisation_contact, provider=member_organisation, upload=_csv([_row()], header)
    )

    assert result.errors == [
        RowError(1, "colour", "Unknown column “colour”; the columns are listed on the page."),
        RowError(1, "hours", "This column is missing; it is required."),
    ]


def test_more_rows_than_the_limit_are_refused(
    organisation_contact: User, member_organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "MAX_ROWS", 2)

    result = bulk.courses_import(
        actor=organisation_contact, provider=member_organisation, upload=_csv([_row()] * 3)
    )

    assert result.errors == [
        RowError(None, "", "The file has more than 2 courses; split it into smaller files.")
    ]
    assert Course.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    upload = SimpleUploadedFile("courses.xlsx", b"not a zip at all", content_type=bulk.XLSX_TYPE)

    result = bulk.courses_import(
        actor=organisation_contact, provider=member_organisation, upload=upload
    )

    assert len(result.errors) == 1
    assert result.errors[0].line is None
    assert Course.objects.count() == 0


def test_an_outsider_cannot_import(outsider: User, member_organisation: Organisation) -> None:
    with pytest.raises(NotPermitted):
        bulk.courses_import(actor=outsider, provider=member_organisation, upload=_csv([_row()]))

    assert Course.objects.count() == 0


def test_the_templates_list_every_column_and_an_example() -> None:
    text = bulk.template_csv()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == bulk.COLUMN_NAMES
    assert rows[1][0].startswith("# ")

    workbook = load_workbook(io.BytesIO(bulk.template_xlsx()))
    assert [cell.value for cell in workbook.worksheets[0][1]] == bulk.COLUMN_NAMES
    assert workbook.sheetnames[1] == "Notes"


def test_the_template_example_row_imports(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    # The example uses real ESCO URIs that the tiny test download does not hold; without them
    # the row is the same as a provider's first try.
    rows = bulk.template_rows()
    example = dict(zip(rows[0], rows[2], strict=True))
    example["outcome_skills"] = ""

    result = bulk.courses_import(
        actor=organisation_contact,
        provider=member_organisation,
        upload=_csv([example], header=list(rows[0])),
    )

    assert result.errors == []
    assert Course.objects.get().is_self_paced is True
