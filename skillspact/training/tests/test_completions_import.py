"""Completions by the file: every row recorded or none, every problem by line and column."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from skillspact.accounts.factories import UserFactory
from skillspact.core.errors import NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.training import enrolments
from skillspact.training.enrolments import RowError
from skillspact.training.factories import CourseFactory, EnrolmentFactory
from skillspact.training.models import Enrolment

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def csv_file(rows: list[list[Any]], *, name: str = "completions.csv", delimiter: str = ","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow(row)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list[Any]], *, name: str = "completions.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=enrolments.XLSX_TYPE)


@pytest.fixture
def course(member_organisation):
    return CourseFactory(
        provider=member_organisation,
        title="Telehealth for nurses",
        starts_on=days(-30),
        ends_on=days(-2),
    )


@pytest.fixture
def anna(course):
    return EnrolmentFactory(
        course=course, user=UserFactory(email="anna@example.net", full_name="Anna Andersen")
    )


@pytest.fixture
def ben(course):
    return EnrolmentFactory(
        course=course, user=UserFactory(email="ben@example.net", full_name="Ben Bauer")
    )


def upload(actor, course, file):
    return enrolments.completions_import(actor=actor, course=course, upload=file)


def test_a_file_records_every_learners_result(course, anna, ben, organisation_contact, committed):
    file = csv_file(
        [
            ["email", "result", "grade", "completed_on"],
            ["Anna@Example.net", "passed", "A", days(-3).isoformat()],
            ["ben@example.net", "Not passed", "", ""],
        ]
    )

    with committed():
        result = upload(organisation_contact, course, file)

    assert result.errors == []
    assert (result.completed, result.corrected, result.unchanged, result.skipped) == (2, 0, 0, 0)
    assert result.summary() == "2 completions recorded."
    anna.refresh_from_db()
    ben.refresh_from_db()
    assert (anna.status, anna.result, anna.grade) == ("completed", "passed", "A")
    assert timezone.localdate(anna.completed_at) == days(-3)
    assert (ben.status, ben.result) == ("completed", "failed")
    assert timezone.localdate(ben.completed_at) == timezone.localdate()
    assert AuditEntry.objects.filter(code="training.enrolment.completed").count() == 2
    entry = AuditEntry.objects.get(code="training.completions.imported")
    assert entry.after == {
        "file": "completions.csv",
        "completed": 2,
        "corrected": 0,
        "unchanged": 0,
        "skipped": 0,
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.net", "ben@example.net"]


def test_a_file_with_any_problem_records_nothing_and_lists_every_problem(
    course, anna, ben, organisation_contact, committed
):
    waiting = EnrolmentFactory(
        course=course,
        user=UserFactory(email="wait@example.net"),
        status=Enrolment.Status.WAITLISTED,
        enrolled_at=None,
        waitlisted_at=timezone.now(),
    )
    file = csv_file(
        [
            ["email", "result", "grade", "completed_on"],
            ["anna@example.net", "passed", "A", ""],
            ["nobody@example.net", "passed", "", ""],
            ["ben@example.net", "excellent", "", "31/12/2025"],
            ["anna@example.net", "failed", "", ""],
            [waiting.user.email, "passed", "", ""],
            ["", "passed", "", ""],
            ["ben@example.net", "passed", "", days(5).isoformat()],
        ]
    )

    with committed():
        result = upload(organisation_contact, course, file)

    assert result.errors == [
        RowError(
            3, "email", "Nobody with the address “nobody@example.net” is enrolled in this course."
        ),
        RowError(4, "result", "“excellent” is not a result; write passed, failed or attended."),
        RowError(
            4, "completed_on", "Write the date as YYYY-MM-DD, e.g. 2026-06-30, not “31/12/2025”."
        ),
        RowError(5, "email", "This learner is on line 2 already; give each learner once."),
        RowError(
            6,
            "email",
            "This person is on the waitlist and has no place on the course to complete.",
        ),
        RowError(7, "email", "Give the learner’s e-mail address."),
        RowError(8, "email", "This learner is on line 4 already; give each learner once."),
    ]
    assert result.completed == 0
    assert not Enrolment.objects.filter(status="completed").exists()
    assert not AuditEntry.objects.filter(code__startswith="training.").exists()
    assert mail.outbox == []


def test_a_refused_date_is_reported_on_its_line_and_column(course, anna, organisation_contact):
    file = csv_file([["email", "result", "completed_on"], ["anna@example.net", "passed", days(4)]])

    result = upload(organisation_contact, course, file)

    assert result.errors == [
        RowError(2, "completed_on", "The completion date cannot be in the future.")
    ]
    anna.refresh_from_db()
    assert anna.status == "enrolled"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["email", "grade"],
            [RowError(1, "result", "This column is missing; it is required.")],
        ),
        (
            ["email", "result", "score"],
            [
                RowError(
                    1,
                    "score",
                    "Unknown column “score”; the columns are email, name, result, grade, "
                    "completed_on.",
                )
            ],
        ),
        (
            ["email", "result", "result"],
            [RowError(1, "result", "This column appears twice.")],
        ),
    ],
)
def test_the_header_is_checked_first(course, anna, organisation_contact, header, expected):
    file = csv_file([header, ["anna@example.net", "passed", "passed"]])

    result = upload(organisation_contact, course, file)

    assert result.errors == expected
    anna.refresh_from_db()
    assert anna.status == "enrolled"


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("results.xls", b"\xd0\xcf\x11\xe0"), "Upload a CSV or an XLSX file"),
        (SimpleUploadedFile("results.csv", "email\nZürich".encode("latin-1")), "not UTF-8"),
        (SimpleUploadedFile("results.xlsx", b"email,result\n"), "The file’s content"),
        (SimpleUploadedFile("results.csv", b""), "The file is empty."),
    ],
)
def test_an_unreadable_file_is_refused_with_a_reason(course, organisation_contact, file, message):
    result = upload(organisation_contact, course, file)

    assert len(result.errors) == 1
    assert message in result.errors[0].message


def test_rows_without_a_result_are_skipped(course, anna, ben, organisation_contact):
    file = csv_file(
        [
            ["email", "name", "result"],
            ["anna@example.net", "Anna", "pass"],
            ["ben@example.net", "Ben", ""],
        ]
    )

    result = upload(organisation_contact, course, file)

    assert result.errors == []
    assert (result.completed, result.skipped) == (1, 1)
    assert result.summary() == "1 completion recorded, 1 row without a result skipped."
    ben.refresh_from_db()
    assert ben.status == "enrolled"


def test_a_file_without_any_result_is_refused(course, anna, organisation_contact):
    file = csv_file([["email", "result"], ["anna@example.net", ""]])

    result = upload(organisation_contact, course, file)

    assert result.errors == [
        RowError(
            None,
            "result",
            "No row has a result; write passed, failed or attended for each learner.",
        )
    ]


def test_an_uploaded_file_corrects_recorded_results(course, anna, ben, organisation_contact):
    enrolments.enrolment_complete(enrolment=anna, actor=organisation_contact, result="failed")
    enrolments.enrolment_complete(enrolment=ben, actor=organisation_contact, result="passed")
    file = csv_file(
        [
            ["email", "result", "grade"],
            ["anna@example.net", "passed", "B"],
            ["ben@example.net", "passed", ""],
        ]
    )

    result = upload(organisation_contact, course, file)

    assert (result.completed, result.corrected, result.unchanged) == (0, 1, 1)
    anna.refresh_from_db()
    assert (anna.result, anna.grade) == ("passed", "B")
    entry = AuditEntry.objects.get(code="training.enrolment.corrected")
    assert entry.before == {"result": "failed", "grade": ""}


def test_an_xlsx_workbook_with_date_cells_and_semicolon_csv_are_read(
    course, anna, ben, organisation_contact
):
    workbook = xlsx_file(
        [["Email", "Result", "Completed on"], ["anna@example.net", "Passed", days(-4)]]
    )
    semicolons = csv_file(
        [["email", "result", "grade"], ["ben@example.net", "attended", "'=1+1"]], delimiter=";"
    )

    first = upload(organisation_contact, course, workbook)
    second = upload(organisation_contact, course, semicolons)

    assert first.errors == [] and second.errors == []
    anna.refresh_from_db()
    ben.refresh_from_db()
    assert timezone.localdate(anna.completed_at) == days(-4)
    assert (ben.result, ben.grade) == ("attended", "=1+1")


def test_only_the_provider_uploads_completions(course, anna, outsider):
    file = csv_file([["email", "result"], ["anna@example.net", "passed"]])

    with pytest.raises(NotPermitted):
        upload(outsider, course, file)

    anna.refresh_from_db()
    assert anna.status == "enrolled"


def test_the_template_lists_the_learners_with_a_place_formula_safe(
    course, anna, organisation_contact
):
    EnrolmentFactory(course=course, user=UserFactory(email="eve@example.net", full_name="=cmd()"))
    EnrolmentFactory(
        course=course,
        user=UserFactory(email="waiting@example.net"),
        status=Enrolment.Status.WAITLISTED,
        waitlisted_at=timezone.now(),
    )
    EnrolmentFactory(
        course=course,
        user=UserFactory(email="gone@example.net"),
        status=Enrolment.Status.CANCELLED,
    )
    done = EnrolmentFactory(course=course, user=UserFactory(email="done@example.net"))
    enrolments.enrolment_complete(
        enrolment=done,
        actor=organisation_contact,
        result="passed",
        grade="A",
        completed_at=days(-3),
    )

    rows = list(csv.reader(io.StringIO(enrolments.template_csv(course=course).lstrip("\ufeff"))))

    assert rows[0] == ["email", "name", "result", "grade", "completed_on"]
    assert rows[1][0].startswith("# ")
    assert sorted(rows[2:4]) == [
        ["anna@example.net", "Anna Andersen", "", "", ""],
        ["eve@example.net", "'=cmd()", "", "", ""],
    ]
    assert rows[4:] == [
        ["done@example.net", done.user.full_name, "passed", "A", days(-3).isoformat()]
    ]


def test_the_filled_in_template_uploads_as_it_is(course, anna, ben, organisation_contact):
    rows = list(csv.reader(io.StringIO(enrolments.template_csv(course=course).lstrip("\ufeff"))))
    for row in rows[2:]:
        row[2] = "passed"

    result = upload(organisation_contact, course, csv_file(rows))

    assert result.errors == []
    assert result.completed == 2


def test_the_xlsx_template_keeps_text_as_text(course, anna, organisation_contact):
    EnrolmentFactory(course=course, user=UserFactory(email="eve@example.net", full_name="=cmd()"))

    workbook = load_workbook(io.BytesIO(enrolments.template_xlsx(course=course)))

    sheet = workbook.worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert ["eve@example.net", "=cmd()"] in [row[:2] for row in values]
    eve = next(row for row in sheet.iter_rows(min_row=3) if row[0].value == "eve@example.net")
    assert eve[1].data_type == "s"
    assert workbook.sheetnames[1] == "Notes"
