"""Organisation pages: wiring, permissions, bad input, exports, query budgets."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from skillspact.core.models import AuditEntry
from skillspact.organisations import services
from skillspact.organisations.factories import (
    ApplicationFactory,
    InterestFactory,
    OrganisationFactory,
    WorkingGroupFactory,
)
from skillspact.organisations.models import MembershipApplication, Organisation

pytestmark = pytest.mark.django_db


def test_the_directory_lists_listed_members_only(client):
    OrganisationFactory(legal_name="Listed Clinic")
    OrganisationFactory(legal_name="Hidden Clinic", is_listed=False)
    OrganisationFactory(legal_name="Former Clinic", status="left", left_at="2025-01-01T00:00Z")

    content = client.get(reverse("organisations:directory")).content.decode()

    assert "Listed Clinic" in content
    assert "Hidden Clinic" not in content
    assert "Former Clinic" not in content


def test_the_directory_filters_by_text_country_type_and_interest(client):
    digital = InterestFactory(slug="digital-health", name="Digital health")
    match = OrganisationFactory(
        legal_name="Klinikum Nordheide", country="DE", nuts2="DE93", description="Pflege digital"
    )
    match.interests.set([digital])
    OrganisationFactory(legal_name="Klinikum Süd", country="DE", nuts2="DE21")
    OrganisationFactory(
        legal_name="Nordheide Pharma",
        country="DE",
        nuts2="DE93",
        stakeholder_type="industry_pharma",
    )

    response = client.get(
        reverse("organisations:directory"),
        {
            "q": "klinikum nordheide",
            "country": "DE",
            "stakeholder_type": "healthcare_provider",
            "interest": "digital-health",
            "region": "de93",
        },
    )

    assert [org.legal_name for org in response.context["page"].object_list] == [
        "Klinikum Nordheide"
    ]


def test_the_directory_search_ignores_accents_and_case(client):
    OrganisationFactory(legal_name="Hôpital Saint-Aubin", country="FR", nuts2="FR10")

    response = client.get(reverse("organisations:directory"), {"q": "HOPITAL saint"})

    assert response.context["count"] == 1


def test_the_directory_answers_htmx_with_the_results_fragment_only(client):
    OrganisationFactory(legal_name="Fragment Clinic")

    response = client.get(reverse("organisations:directory"), HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert "Fragment Clinic" in content
    assert "<html" not in content and 'id="results"' in content


def test_the_directory_page_stays_within_its_query_budget(client):
    interests = [InterestFactory() for _ in range(3)]
    for _ in range(30):
        OrganisationFactory().interests.set(interests)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("organisations:directory"), {"page": 2})

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 10
    # count, page, interests of the page, two facet counts, the growth line (2), filter choices (1)
    assert len(queries) <= 9, [q["sql"] for q in queries]


def test_an_unknown_page_number_falls_back_to_the_last_page(client):
    OrganisationFactory()

    response = client.get(reverse("organisations:directory"), {"page": 999})

    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_user_text_is_escaped(client):
    OrganisationFactory(
        legal_name="<script>alert(1)</script> Clinic", description="<img src=x onerror=alert(1)>"
    )

    content = client.get(reverse("organisations:directory")).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<img src=x" not in content


def test_an_unlisted_organisation_page_is_hidden_from_outsiders(client, outsider):
    organisation = OrganisationFactory(is_listed=False, slug="quiet")
    client.force_login(outsider)

    assert client.get(reverse("organisations:detail", args=["quiet"])).status_code == 404
    assert organisation.pk


def test_the_application_form_keeps_what_was_typed_on_error(client, outsider):
    client.force_login(outsider)

    response = client.post(
        reverse("organisations:application_create"),
        {
            "legal_name": "",
            "country": "XX",
            "website": "https://keep.example.pt",
            "pact_registration_ref": "PfS-KEEP-1",
            "submit": "1",
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice. XX is not one of the available choices." in content
    assert 'value="https://keep.example.pt"' in content
    assert 'value="PfS-KEEP-1"' in content
    assert MembershipApplication.objects.count() == 0


def test_submitting_an_incomplete_application_saves_the_draft_and_marks_the_fields(
    client, outsider
):
    client.force_login(outsider)

    response = client.post(
        reverse("organisations:application_create"),
        {"legal_name": "Clínica Sol", "country": "PT", "submit": "1"},
    )

    content = response.content.decode()
    assert "This field is required to submit." in content
    assert "The partnership’s charter must be accepted to join." in content
    application = MembershipApplication.objects.get()
    assert (application.legal_name, application.status) == ("Clínica Sol", "draft")


def test_an_outsider_cannot_read_someone_elses_draft(client, outsider):
    draft = ApplicationFactory()
    client.force_login(outsider)

    assert (
        client.get(reverse("organisations:application_detail", args=[draft.public_id])).status_code
        == 404
    )
    assert (
        client.get(reverse("organisations:application_edit", args=[draft.public_id])).status_code
        == 404
    )
    response = client.post(reverse("organisations:application_withdraw", args=[draft.public_id]))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_an_outsider_cannot_manage_an_organisation(client, outsider, member_organisation):
    client.force_login(outsider)
    url = reverse("organisations:manage", args=[member_organisation.slug])

    assert client.get(url).status_code == 404
    response = client.post(url, {"action": "profile", "legal_name": "Hijacked"})
    assert response.status_code == 404
    response = client.post(url, {"action": "invite", "email": "me@evil.example", "role": "contact"})
    assert response.status_code == 404
    member_organisation.refresh_from_db()
    assert member_organisation.legal_name == "Hospital Universitario del Norte"
    assert member_organisation.invitations.count() == 0


@pytest.mark.parametrize(
    "name",
    ["organisations:review_queue", "organisations:members_admin"],
)
def test_secretariat_pages_refuse_everyone_else(client, outsider, organisation_contact, name):
    assert client.get(reverse(name)).status_code == 302  # anonymous: sign in first
    client.force_login(outsider)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(organisation_contact)
    assert client.get(reverse(name)).status_code == 403


def test_a_contact_cannot_decide_an_application_or_read_the_audit_log(
    client, organisation_contact, member_organisation
):
    application = ApplicationFactory(status="submitted")
    client.force_login(organisation_contact)

    response = client.post(
        reverse("organisations:review_detail", args=[application.public_id]), {"action": "approve"}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"
    audit = client.get(reverse("organisations:audit", args=[member_organisation.slug]))
    assert audit.status_code == 403


def test_the_secretariat_approves_from_the_review_page(client, secretariat_officer):
    application = ApplicationFactory(legal_name="Clínica Sol")
    services.application_submit(application=application, actor=application.applicant)
    client.force_login(secretariat_officer)

    queue = client.get(reverse("organisations:review_queue")).content.decode()
    assert "Clínica Sol" in queue
    response = client.post(
        reverse("organisations:review_detail", args=[application.public_id]),
        {"action": "approve", "message": ""},
    )

    assert response.status_code == 302
    assert Organisation.objects.get().legal_name == "Clínica Sol"


def test_rejecting_without_a_reason_keeps_the_application_open(client, secretariat_officer):
    application = ApplicationFactory(status="submitted")
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("organisations:review_detail", args=[application.public_id]),
        {"action": "reject", "reason": ""},
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_rejected_applicant_sees_the_reason(client, secretariat_officer):
    application = ApplicationFactory(status="submitted")
    services.application_reject(
        application=application, actor=secretariat_officer, reason="Not a Pact signatory yet."
    )
    client.force_login(application.applicant)

    content = client.get(
        reverse("organisations:application_detail", args=[application.public_id])
    ).content.decode()

    assert "Not a Pact signatory yet." in content


def test_the_secretariat_exports_every_organisation_as_csv_and_xlsx(client, secretariat_officer):
    OrganisationFactory(legal_name='=HYPERLINK("x") Clinic')
    OrganisationFactory(legal_name="Unlisted Clinic", is_listed=False)
    client.force_login(secretariat_officer)

    csv_response = client.get(reverse("organisations:members_admin"), {"export": "csv"})
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("id,legal_name,acronym,status")
    assert len(lines) == 3
    assert "'=HYPERLINK" in text
    assert "Unlisted Clinic" in text

    xlsx = client.get(reverse("organisations:members_admin"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3
    assert sheet["B1"].value == "legal_name"


def test_the_audit_log_shows_changes_for_the_secretariat(
    client, secretariat_officer, organisation_contact, member_organisation
):
    services.organisation_update(
        organisation=member_organisation, actor=organisation_contact, data={"acronym": "HUNO"}
    )
    client.force_login(secretariat_officer)

    content = client.get(
        reverse("organisations:audit", args=[member_organisation.slug])
    ).content.decode()

    assert "organisations.organisation.updated" in content
    assert "HUNO" in content and "contact@hun.example.es" in content


def test_a_contact_edits_the_profile_and_bad_region_keeps_the_input(
    client, organisation_contact, member_organisation
):
    client.force_login(organisation_contact)
    url = reverse("organisations:manage", args=[member_organisation.slug])

    response = client.post(
        url,
        {
            "action": "profile",
            "legal_name": "HUN Renamed",
            "stakeholder_type": "healthcare_provider",
            "country": "ES",
            "nuts2": "FR10",
            "description": "kept text",
            "is_listed": "on",
        },
    )

    assert response.status_code == 200
    assert "kept text" in response.content.decode()
    member_organisation.refresh_from_db()
    assert member_organisation.legal_name == "Hospital Universitario del Norte"


def test_region_options_follow_the_country(client):
    content = client.get(reverse("organisations:regions"), {"country": "BE"}).content.decode()

    assert 'value="BE10"' in content
    assert 'value="FR10"' not in content


def test_working_groups_are_for_members_and_the_secretariat(client, outsider, organisation_contact):
    group = WorkingGroupFactory(slug="green")

    assert client.get(reverse("organisations:working_groups")).status_code == 302
    client.force_login(outsider)
    assert client.get(reverse("organisations:working_groups")).status_code == 403
    assert client.get(reverse("organisations:working_group", args=["green"])).status_code == 403
    client.force_login(organisation_contact)
    assert client.get(reverse("organisations:working_group", args=["green"])).status_code == 200
    assert group.pk


def test_a_wrong_type_upload_is_refused_with_a_message(client, secretariat_officer):
    group = WorkingGroupFactory(slug="green")
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("organisations:working_group", args=["green"]),
        {
            "action": "document",
            "title": "Agenda",
            "file": SimpleUploadedFile("agenda.exe", b"MZ..."),
        },
    )

    assert response.status_code == 200
    assert "are not accepted" in response.content.decode()
    assert 'value="Agenda"' in response.content.decode()
    assert group.documents.count() == 0


def test_documents_are_downloadable_only_by_participants(client, secretariat_officer, outsider):
    group = WorkingGroupFactory()
    document = services.working_group_document_upload(
        group=group,
        actor=secretariat_officer,
        title="Minutes",
        upload=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes"),
    )
    url = reverse("organisations:document", args=[document.public_id])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(secretariat_officer)
    response = client.get(url)
    assert b"".join(response.streaming_content) == b"%PDF-1.4 minutes"
    assert AuditEntry.objects.filter(code="organisations.working_group.document_added").count() == 1


def test_fixing_a_failed_submission_changes_the_same_draft(client, outsider):
    client.force_login(outsider)
    first = client.post(
        reverse("organisations:application_create"),
        {"legal_name": "Clínica Sol", "country": "PT", "submit": "1"},
    )
    draft = MembershipApplication.objects.get()
    assert f'action="{reverse("organisations:application_edit", args=[draft.public_id])}"' in (
        first.content.decode()
    )

    client.post(
        reverse("organisations:application_edit", args=[draft.public_id]),
        {
            "legal_name": "Clínica Sol",
            "country": "PT",
            "stakeholder_type": "healthcare_provider",
            "pact_registration_ref": "PfS-1",
            "has_consented_to_charter": "on",
            "submit": "1",
        },
    )

    draft.refresh_from_db()
    assert MembershipApplication.objects.count() == 1
    assert draft.status == "submitted"


def test_odd_input_in_query_strings_never_breaks_a_page(
    client, secretariat_officer, organisation_contact
):
    client.force_login(secretariat_officer)
    for url, params in [
        (reverse("organisations:directory"), {"q": "a\x00b", "region": "\x00", "page": "x"}),
        (reverse("organisations:members_admin"), {"q": "a\x00b"}),
        (reverse("organisations:review_queue"), {"status": "nonsense", "page": "-1"}),
        (reverse("organisations:regions"), {"country": "\x00"}),
    ]:
        assert client.get(url, params).status_code == 200, url
    group = WorkingGroupFactory(slug="g")
    client.force_login(organisation_contact)
    response = client.post(
        reverse("organisations:working_group", args=["g"]),
        {"action": "leave", "organisation": "not-a-uuid"},
    )
    assert response.status_code == 302
    assert group.pk


def test_the_directory_finds_names_in_greek_and_cyrillic_script(client):
    OrganisationFactory(legal_name="Νοσοκομείο Αθηνών", country="GR", nuts2="EL30")
    OrganisationFactory(legal_name="Университетска болница София", country="BG", nuts2="BG41")

    greek = client.get(reverse("organisations:directory"), {"q": "νοσοκομειο"})
    bulgarian = client.get(reverse("organisations:directory"), {"q": "БОЛНИЦА"})

    assert [o.legal_name for o in greek.context["page"].object_list] == ["Νοσοκομείο Αθηνών"]
    assert bulgarian.context["count"] == 1


def test_members_over_time_counts_departures_in_months_without_joins():
    from datetime import UTC, datetime

    from skillspact.organisations import selectors

    OrganisationFactory(joined_at=datetime(2024, 1, 10, tzinfo=UTC))
    OrganisationFactory(joined_at=datetime(2024, 1, 20, tzinfo=UTC))
    OrganisationFactory(
        joined_at=datetime(2024, 2, 5, tzinfo=UTC),
        status="left",
        left_at=datetime(2024, 5, 1, tzinfo=UTC),
    )

    assert selectors.members_over_time() == [("2024-01", 2), ("2024-02", 3), ("2024-05", 2)]


def test_a_country_without_listed_members_filters_to_nothing(client):
    OrganisationFactory(country="BE", nuts2="BE10")

    response = client.get(reverse("organisations:directory"), {"country": "MT"})

    assert response.context["count"] == 0
    assert "No organisation matches these filters." in response.content.decode()
