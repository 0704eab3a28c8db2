"""Reporting by the file: every row stored or none, every problem by line and column."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from skillspact.commitments import bulk
from skillspact.commitments.factories import (
    CommitmentFactory,
    ProgressReportFactory,
    ReportingWindowFactory,
)
from skillspact.commitments.models import (
    METRICS,
    Commitment,
    ProgressReport,
    ReportInclusion,
    ReportingWindow,
    ReportOccupation,
)
from skillspact.commitments.services import WindowClosed
from skillspact.core.errors import NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.organisations.factories import OrganisationFactory
from skillspact.organisations.models import Organisation
from skillspact.taxonomy.tests.esco_files import O_NURSE

pytestmark = pytest.mark.django_db

HEADER = [
    "commitment_id",
    "commitment_title",
    "progress_status",
    "people_trained",
    "trained_women",
    "trained_men",
    "trained_other_gender",
    "trained_gender_unknown",
    "people_reached",
    "programmes",
    "stakeholders",
    "euros",
    "narrative",
    "evidence_links",
]


def row(commitment: Commitment, **values: Any) -> dict[str, Any]:
    """A row that satisfies every rule, changed by `values`."""
    data: dict[str, Any] = {
        "commitment_id": str(commitment.public_id),
        "commitment_title": commitment.title,
        "progress_status": "on_track",
        "people_trained": "120",
        "trained_women": "70",
        "trained_men": "45",
        "trained_other_gender": "1",
        "trained_gender_unknown": "4",
        "people_reached": "300",
        "programmes": "2",
        "stakeholders": "5",
        "euros": "40000",
        "narrative": "Two cohorts of ward nurses finished the telehealth course.",
        "evidence_links": "https://hun.example.es/a.pdf https://hun.example.es/b.pdf",
    }
    data.update(values)
    return data


def csv_file(
    rows: list[dict[str, Any]],
    header: list[str] | None = None,
    *,
    name: str = "reports.csv",
    bom: bool = False,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> SimpleUploadedFile:
    header = header or HEADER
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(name, "") for name in header])
    text = ("\ufeff" if bom else "") + buffer.getvalue()
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list[Any]], *, name: str = "reports.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=bulk.XLSX_TYPE)


def upload(actor: Any, organisation: Organisation, window: ReportingWindow, file: Any) -> Any:
    return bulk.reports_bulk_upload(
        actor=actor, organisation=organisation, window=window, upload=file
    )


def errors_of(result: bulk.BulkResult) -> list[tuple[int | None, str]]:
    return [(error.line, error.column) for error in result.errors]


@pytest.fixture
def second(member_organisation: Organisation) -> Commitment:
    return CommitmentFactory(organisation=member_organisation, title="Green skills for porters")


# -- files that store ----------------------------------------------------------------------------


def test_a_good_csv_submits_a_report_per_row_with_one_audit_entry(
    organisation_contact, member_organisation, window, commitment, second
):
    file = csv_file(
        [
            row(commitment),
            row(
                second,
                people_trained="10",
                trained_women="",
                **{
                    "trained_men": "",
                    "trained_other_gender": "",
                    "trained_gender_unknown": "",
                    "people_reached": "10",
                    "evidence_links": "",
                },
            ),
        ]
    )

    result = upload(organisation_contact, member_organisation, window, file)

    assert result.errors == []
    assert (result.submitted, result.drafts) == (2, 0)
    first = ProgressReport.objects.get(commitment=commitment, window=window)
    assert first.status == ProgressReport.Status.SUBMITTED
    assert first.submitted_by == organisation_contact
    assert (first.people_trained, first.trained_women, first.people_reached, first.euros) == (
        120,
        70,
        300,
        40_000,
    )
    assert first.evidence_links == ["https://hun.example.es/a.pdf", "https://hun.example.es/b.pdf"]
    other = ProgressReport.objects.get(commitment=second, window=window)
    assert (other.people_trained, other.trained_women, other.evidence_links) == (10, None, [])
    entries = AuditEntry.objects.filter(code="commitments.report.bulk_uploaded")
    assert entries.count() == 1
    assert entries.get().after["submitted"] == 2
    assert entries.get().organisation == member_organisation
    assert result.summary() == "2 reports submitted."


def test_a_good_xlsx_stores_numbers_labels_drafts_inclusions_and_occupations(
    esco_v1, organisation_contact, member_organisation, window, commitment, second
):
    nursing_home = OrganisationFactory(slug="residencia-norte", legal_name="Residencia Norte")
    header = [
        "Commitment ID",
        "Status",
        "Progress status",
        "people_trained",
        "people_reached",
        "programmes",
        "stakeholders",
        "euros",
        "includes_other_organisations",
        "included_organisations",
        "trained_by_occupation",
    ]
    file = xlsx_file(
        [
            header,
            ["# an explanation row, as in the template", *[""] * 10],
            [
                str(commitment.public_id),
                "",
                "On track",
                120,
                300,
                2,
                5,
                40000.0,
                "yes",
                "residencia-norte=20/50/0/1/5000",
                f"{O_NURSE}=80",
            ],
            [],
            [str(second.public_id), "draft", "delayed", 0, 0, 0, 0, 0, "no", "", ""],
        ]
    )

    result = upload(organisation_contact, member_organisation, window, file)

    assert result.errors == []
    assert (result.submitted, result.drafts) == (1, 1)
    report = ProgressReport.objects.get(commitment=commitment)
    assert (report.status, report.progress_status, report.euros) == (
        "submitted",
        "on_track",
        40_000,
    )
    assert report.includes_other_organisations is True
    inclusion = ReportInclusion.objects.get(report=report)
    assert (inclusion.organisation, inclusion.people_trained, inclusion.euros) == (
        nursing_home,
        20,
        5_000,
    )
    assert list(
        ReportOccupation.objects.filter(report=report).values_list("uri", "people_trained")
    ) == [(O_NURSE, 80)]
    draft = ProgressReport.objects.get(commitment=second)
    assert (draft.status, draft.progress_status, draft.people_trained) == ("draft", "delayed", 0)
    assert result.summary() == "1 report submitted, 1 saved as a draft."


def test_a_csv_with_a_bom_and_semicolons_from_a_european_spreadsheet_is_read(
    organisation_contact, member_organisation, window, commitment
):
    file = csv_file([row(commitment)], bom=True, delimiter=";")

    result = upload(organisation_contact, member_organisation, window, file)

    assert result.errors == []
    assert ProgressReport.objects.get(commitment=commitment).people_trained == 120


def test_the_secretariat_uploads_for_any_organisation(
    secretariat_officer, member_organisation, window, commitment
):
    result = upload(secretariat_officer, member_organisation, window, csv_file([row(commitment)]))

    assert result.errors == []
    assert ProgressReport.objects.get(commitment=commitment).submitted_by == secretariat_officer


def test_an_upload_changes_an_existing_draft_and_leaves_out_columns_alone(
    organisation_contact, member_organisation, window, commitment
):
    report = ProgressReportFactory(
        commitment=commitment,
        window=window,
        status=ProgressReport.Status.DRAFT,
        submitted_at=None,
        narrative="Kept as it was.",
    )
    header = ["commitment_id", "progress_status", *METRICS]
    file = csv_file([row(commitment, people_trained="90")], header)

    result = upload(organisation_contact, member_organisation, window, file)

    assert result.errors == []
    report.refresh_from_db()
    assert (report.status, report.people_trained, report.narrative) == (
        "submitted",
        90,
        "Kept as it was.",
    )


# -- files that store nothing ------------------------------------------------------------------


def test_a_file_with_bad_rows_stores_nothing_and_names_the_line_and_column_of_each_problem(
    organisation_contact, member_organisation, window, commitment, second
):
    third = CommitmentFactory(organisation=member_organisation, title="Data stewards")
    existing = ProgressReportFactory(
        commitment=second, window=window, status="draft", submitted_at=None, people_trained=7
    )
    file = csv_file(
        [
            row(commitment),
            row(second, people_trained="1,200", progress_status="soon"),
            row(
                third,
                people_trained="400",
                trained_women="",
                trained_men="",
                trained_other_gender="",
                trained_gender_unknown="",
                evidence_links="not-a-link",
            ),
        ]
    )

    result = upload(organisation_contact, member_organisation, window, file)

    assert errors_of(result) == [
        (3, "progress_status"),
        (3, "people_trained"),
        (4, "people_trained"),
        (4, "evidence_links"),
    ]
    messages = [error.message for error in result.errors]
    assert messages[1] == (
        "Write numbers with digits only: 1200, not “1,200” (separators between thousands are "
        "not read)."
    )
    assert messages[2].startswith("400 people trained but only 300 reached")
    assert messages[3] == "“not-a-link” is not a web address (http or https)."
    assert result.reports == [] and result.submitted == 0
    assert not ProgressReport.objects.filter(commitment__in=[commitment, third]).exists()
    existing.refresh_from_db()
    assert (existing.status, existing.people_trained) == ("draft", 7)
    assert not AuditEntry.objects.filter(code__startswith="commitments.report").exists()


def test_missing_and_unknown_columns_are_named_on_line_one(
    organisation_contact, member_organisation, window, commitment
):
    header = ["commitment_id", "progress_status", "people_trained", "programmes", "colour"]
    file = csv_file([row(commitment)], header)

    result = upload(organisation_contact, member_organisation, window, file)

    assert [(e.line, e.column, e.message) for e in result.errors] == [
        (1, "colour", "Unknown column “colour”; the columns are listed under “The file”."),
        (1, "people_reached", "This column is missing; it is required."),
        (1, "stakeholders", "This column is missing; it is required."),
        (1, "euros", "This column is missing; it is required."),
    ]
    assert not ProgressReport.objects.exists()


def test_a_commitment_of_another_organisation_is_refused(
    organisation_contact, member_organisation, window, commitment
):
    foreign = CommitmentFactory(title="Someone else's pledge")

    result = upload(
        organisation_contact,
        member_organisation,
        window,
        csv_file([row(commitment), row(foreign)]),
    )

    assert [(e.line, e.column, e.message) for e in result.errors] == [
        (3, "commitment_id", "Hospital Universitario del Norte has no commitment with this id.")
    ]
    assert not ProgressReport.objects.exists()


def test_unpublished_duplicated_and_malformed_commitment_ids_are_refused(
    organisation_contact, member_organisation, window, commitment
):
    draft = CommitmentFactory(
        organisation=member_organisation, title="Unfinished", status=Commitment.Status.DRAFT
    )

    result = upload(
        organisation_contact,
        member_organisation,
        window,
        csv_file(
            [row(commitment), row(commitment), row(draft), row(commitment, commitment_id="x")]
        ),
    )

    assert [(e.line, e.message) for e in result.errors] == [
        (3, "This commitment is on line 2 already; give each commitment once."),
        (4, "Only published commitments are reported on; “Unfinished” is draft."),
        (5, "“x” is not a commitment id; copy it from the template."),
    ]
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1 200", "Write numbers with digits only: 1200, not “1 200”"),
        ("1.200", "Write numbers with digits only: 1200, not “1.200”"),
        ("12.5", "Enter a whole number with digits only, not “12.5”."),
        ("many", "Enter a whole number with digits only, not “many”."),
    ],
)
def test_numbers_are_digits_only(
    organisation_contact, member_organisation, window, commitment, value, message
):
    result = upload(
        organisation_contact,
        member_organisation,
        window,
        csv_file([row(commitment, euros=value)]),
    )

    assert errors_of(result) == [(2, "euros")]
    assert result.errors[0].message.startswith(message)


def test_an_unknown_included_organisation_and_a_badly_written_one_are_named(
    organisation_contact, member_organisation, window, commitment, second
):
    header = [*HEADER, "included_organisations"]
    file = csv_file(
        [
            row(commitment, included_organisations="nobody-here=1/1/0/0/0"),
            row(second, included_organisations="hun 5 people"),
        ],
        header,
    )

    result = upload(organisation_contact, member_organisation, window, file)

    assert errors_of(result) == [(2, "included_organisations"), (3, "included_organisations")]
    assert "“nobody-here”" in result.errors[0].message
    assert result.errors[1].message.startswith("Write each organisation as identifier=")


def test_a_closed_window_refuses_the_upload(organisation_contact, member_organisation, commitment):
    today = timezone.localdate()
    closed = ReportingWindowFactory(
        year=2024,
        opens_on=today - datetime.timedelta(days=90),
        closes_on=today - datetime.timedelta(days=30),
    )

    with pytest.raises(WindowClosed):
        upload(organisation_contact, member_organisation, closed, csv_file([row(commitment)]))

    assert not ProgressReport.objects.exists()


def test_after_a_reopening_only_the_reopened_report_can_change(
    organisation_contact, member_organisation, commitment, second
):
    today = timezone.localdate()
    closed = ReportingWindowFactory(
        year=2024,
        opens_on=today - datetime.timedelta(days=90),
        closes_on=today - datetime.timedelta(days=30),
    )
    reopened = ProgressReportFactory(commitment=commitment, window=closed, is_reopened=True)
    ProgressReportFactory(commitment=second, window=closed)

    refused = upload(
        organisation_contact, member_organisation, closed, csv_file([row(commitment), row(second)])
    )
    stored = upload(organisation_contact, member_organisation, closed, csv_file([row(commitment)]))

    assert errors_of(refused) == [(3, "commitment_id")]
    assert "closed" in refused.errors[0].message
    assert stored.errors == []
    reopened.refresh_from_db()
    assert (reopened.people_trained, reopened.is_reopened) == (120, False)


def test_someone_who_does_not_act_for_the_organisation_is_refused(
    outsider, member_organisation, window, commitment
):
    with pytest.raises(NotPermitted):
        upload(outsider, member_organisation, window, csv_file([row(commitment)]))

    assert not ProgressReport.objects.exists()


def test_the_row_limit_is_one_thousand(organisation_contact, member_organisation, window):
    rows = [{"commitment_id": f"x{n}"} for n in range(1001)]

    result = upload(organisation_contact, member_organisation, window, csv_file(rows))

    assert [e.line for e in result.errors] == [None]
    assert "more than 1,000 report rows" in result.errors[0].message


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            SimpleUploadedFile("reports.csv", "commitment_id\nZürich".encode("latin-1")),
            "The file is not UTF-8 text (line 2).",
        ),
        (SimpleUploadedFile("reports.xls", b"\xd0\xcf\x11\xe0"), "Upload a CSV or an XLSX file"),
        (SimpleUploadedFile("reports.xlsx", b"commitment_id,euros\n"), "The file’s content"),
        (SimpleUploadedFile("reports.csv", b""), "The file is empty."),
        (SimpleUploadedFile("reports.csv", b"x" * (2 * 1024 * 1024 + 1)), "The file is 2.0 MB"),
    ],
)
def test_files_that_cannot_be_read_say_why(
    organisation_contact, member_organisation, window, file, message
):
    result = upload(organisation_contact, member_organisation, window, file)

    assert len(result.errors) == 1
    assert result.errors[0].message.startswith(message)


# -- the templates -------------------------------------------------------------------------------


def test_the_csv_template_lists_published_commitments_and_comes_back_as_it_went(
    client, organisation_contact, member_organisation, window, commitment, second
):
    CommitmentFactory(organisation=member_organisation, status=Commitment.Status.DRAFT)
    client.force_login(organisation_contact)

    response = client.get(
        reverse("commitments:report_template_csv", args=[member_organisation.slug, 2025])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="progress-reports-hun-2025.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffcommitment_id,commitment_title,status,progress_status,")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert [line[:2] for line in lines[2:]] == [
        [str(commitment.public_id), "Digital skills for 500 nurses"],
        [str(second.public_id), "Green skills for porters"],
    ]
    assert lines[1][0].startswith("# ")
    header = lines[0]
    lines[2][header.index("progress_status")] = "on_track"
    for name, value in {"people_trained": 5, "people_reached": 5, "programmes": 1}.items():
        lines[2][header.index(name)] = str(value)
    lines[2][header.index("stakeholders")] = lines[2][header.index("euros")] = "0"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    filled = buffer.getvalue()
    result = upload(
        organisation_contact,
        member_organisation,
        window,
        SimpleUploadedFile("filled.csv", filled.encode()),
    )
    # The unfilled row of the second commitment is submitted empty: the service says what is
    # missing, by column.
    assert errors_of(result) == [
        (4, "progress_status"),
        (4, "people_trained"),
        (4, "people_reached"),
        (4, "programmes"),
        (4, "stakeholders"),
        (4, "euros"),
    ]


def test_the_xlsx_template_is_filled_with_the_years_report_and_has_notes(
    client, organisation_contact, member_organisation, window, commitment
):
    network_member = OrganisationFactory(legal_name="Centro de Salud Sur", slug="cs-sur")
    network_member.networks.add(member_organisation)
    report = ProgressReportFactory(
        commitment=commitment,
        window=window,
        narrative="=1+1 is not a formula",
        includes_other_organisations=True,
    )
    ReportInclusion.objects.create(
        report=report, organisation=network_member, people_trained=10, people_reached=20
    )
    client.force_login(organisation_contact)

    response = client.get(
        reverse("commitments:report_template_xlsx", args=[member_organisation.slug, 2025])
    )

    workbook = load_workbook(io.BytesIO(response.content))
    reports, notes = workbook.worksheets
    values = {cell.value: reports.cell(3, cell.column).value for cell in reports[1]}
    assert values["commitment_id"] == str(commitment.public_id)
    assert values["people_trained"] == 100
    assert values["narrative"] == "=1+1 is not a formula"
    assert reports.cell(3, 14).data_type == "s"
    assert values["included_organisations"] == "cs-sur=10/20/0/0/0"
    note_text = [row[0] for row in notes.iter_rows(values_only=True) if row and row[0]]
    assert "Centro de Salud Sur" in note_text

    stored = upload(
        organisation_contact,
        member_organisation,
        window,
        SimpleUploadedFile("back.xlsx", response.content),
    )
    assert stored.errors == []
    report.refresh_from_db()
    assert report.narrative == "=1+1 is not a formula"


# -- the page ------------------------------------------------------------------------------------


def test_the_page_stores_a_good_file_and_says_how_many(
    client, organisation_contact, member_organisation, window, commitment
):
    client.force_login(organisation_contact)
    url = reverse("commitments:report_upload", args=[member_organisation.slug, 2025])

    response = client.post(url, {"file": csv_file([row(commitment)])}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert "1 report submitted." in response.content.decode()
    assert ProgressReport.objects.filter(status="submitted").count() == 1


def test_the_page_lists_every_problem_and_keeps_the_year(
    client, organisation_contact, member_organisation, window, commitment
):
    client.force_login(organisation_contact)
    url = reverse("commitments:report_upload", args=[member_organisation.slug, 2025])

    response = client.post(url, {"file": csv_file([row(commitment, euros="1,200")])})

    content = response.content.decode()
    assert response.status_code == 200
    assert "reports.csv: 1 problem, nothing was stored" in content
    assert "<td>2</td><td><code>euros</code></td>" in content
    # The form posts back to this page, so the next try is for the same year.
    assert "Upload the 2025 progress reports of Hospital Universitario del Norte" in content
    assert 'enctype="multipart/form-data"' in content
    assert not ProgressReport.objects.exists()


def test_the_page_asks_for_a_file_when_none_is_sent(
    client, organisation_contact, member_organisation, window
):
    client.force_login(organisation_contact)

    response = client.post(
        reverse("commitments:report_upload", args=[member_organisation.slug, 2025])
    )

    assert response.status_code == 200
    assert b"This field is required." in response.content


def test_the_page_and_templates_are_404_for_someone_who_does_not_act_for_the_organisation(
    client, outsider, member_organisation, window
):
    client.force_login(outsider)
    args = [member_organisation.slug, 2025]

    for name in ("report_upload", "report_template_csv", "report_template_xlsx"):
        assert client.get(reverse(f"commitments:{name}", args=args)).status_code == 404
    assert client.post(reverse("commitments:report_upload", args=args)).status_code == 404


def test_the_page_asks_anonymous_people_to_sign_in(client, member_organisation, window):
    response = client.get(
        reverse("commitments:report_upload", args=[member_organisation.slug, 2025])
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_page_of_a_closed_year_offers_no_upload(
    client, organisation_contact, member_organisation
):
    today = timezone.localdate()
    ReportingWindowFactory(
        year=2024,
        opens_on=today - datetime.timedelta(days=90),
        closes_on=today - datetime.timedelta(days=30),
    )
    client.force_login(organisation_contact)

    response = client.get(
        reverse("commitments:report_upload", args=[member_organisation.slug, 2024])
    )

    assert response.status_code == 200
    assert b"is not open, so reports cannot be uploaded" in response.content
    assert b'type="file"' not in response.content
