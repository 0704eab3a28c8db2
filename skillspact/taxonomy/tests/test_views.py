"""Taxonomy pages and API: wiring, permissions, bad input."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from skillspact.taxonomy.models import EscoVersion, LocalRole
from skillspact.taxonomy.tests import esco_files
from skillspact.taxonomy.tests.esco_files import O_NURSE, S_DATA, S_INFORMATICS, S_RISK

pytestmark = pytest.mark.django_db


def test_search_finds_a_skill_by_an_alternative_label(client, esco_v1):
    response = client.get(reverse("taxonomy:search"), {"text": "information protection"})

    hits = response.context["result"].hits
    assert [hit.uri for hit in hits] == [S_DATA]
    assert "This service uses the ESCO classification of the European Commission." in (
        response.content.decode()
    )


def test_search_for_health_occupations_in_an_isco_group(client, esco_v1):
    response = client.get(
        reverse("taxonomy:search"), {"type": "occupation", "isco_group": "22", "health": "on"}
    )

    labels = [hit.preferred_label for hit in response.context["result"].hits]
    assert labels == ["nurse responsible for general care", "specialist nurse"]


def test_a_non_numeric_isco_group_is_shown_as_an_error(client, esco_v1):
    response = client.get(reverse("taxonomy:search"), {"type": "occupation", "isco_group": "ab"})

    assert "An ISCO-08 code has digits only." in response.content.decode()


def test_the_search_page_without_esco_says_so(client, db):
    response = client.get(reverse("taxonomy:search"))

    assert "No ESCO version is loaded yet." in response.content.decode()


def test_the_occupation_page_lists_essential_and_optional_skills(client, esco_v1):
    uuid = O_NURSE.rsplit("/", 1)[-1]

    response = client.get(reverse("taxonomy:occupation", args=[uuid]))

    profile = response.context["profile"]
    assert [s.uri for s in profile.essential] == [S_DATA, S_RISK]
    assert [s.uri for s in profile.optional] == [S_INFORMATICS, esco_files.S_INITIATIVE]


def test_the_skill_page_answers_by_uri_and_404s_for_unknown(client, esco_v1):
    assert client.get(reverse("taxonomy:skill", args=[S_RISK])).status_code == 200
    assert client.get(reverse("taxonomy:skill", args=["not-a-skill"])).status_code == 404


def test_the_api_search_and_concept_endpoints(client, esco_v1):
    found = client.get("/api/v1/taxonomy/search", {"text": "nurse", "type": "occupation"}).json()
    occupation = client.get(f"/api/v1/taxonomy/occupations/{O_NURSE.rsplit('/', 1)[-1]}").json()
    skill = client.get(f"/api/v1/taxonomy/skills/{S_RISK}").json()

    assert found["version"] == "v1.1.1"
    assert found["items"][0]["uri"] == O_NURSE
    assert [s["uri"] for s in occupation["essential_skills"]] == [S_DATA, S_RISK]
    assert {o["uri"] for o in skill["essential_for"]} >= {O_NURSE}
    assert skill["labels"][0] == {
        "language": "en",
        "type": "preferred",
        "text": "manage clinical risk",
    }


def test_the_api_refuses_bad_search_parameters_with_typed_errors(client, esco_v1):
    response = client.get("/api/v1/taxonomy/search", {"type": "planet", "limit": 1000})

    body = response.json()
    assert response.status_code == 422
    assert set(body["error"]["fields"]) == {"type", "limit"}


def test_local_roles_are_public_and_only_the_secretariat_edits(
    client, esco_v1, outsider, secretariat_officer
):
    assert client.get(reverse("taxonomy:local_roles")).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("taxonomy:local_role_create")).status_code == 403
    response = client.post(
        reverse("taxonomy:local_role_create"), {"slug": "x", "preferred_label": "X"}
    )
    assert response.status_code == 403
    assert LocalRole.objects.count() == 0

    client.force_login(secretariat_officer)
    response = client.post(
        reverse("taxonomy:local_role_create"),
        {
            "slug": "telehealth-coordinator",
            "preferred_label": "telehealth coordinator",
            "description": "Runs remote consultations and monitoring.",
            "source": "Partnership working group, 2026",
            "content_version": "1.0",
            "essential_skills": f"{S_INFORMATICS}\n{S_DATA}",
            "optional_skills": S_RISK,
        },
    )

    assert response.status_code == 302
    role = LocalRole.objects.get()
    assert role.uri == "urn:skillspact:occupation:telehealth-coordinator"
    assert sorted((link.skill_uri, link.relation) for link in role.skills.all()) == sorted(
        [(S_INFORMATICS, "essential"), (S_DATA, "essential"), (S_RISK, "optional")]
    )
    page = client.get(reverse("taxonomy:local_role", args=["telehealth-coordinator"]))
    assert "local role, not ESCO" in page.content.decode()


def test_a_local_role_with_an_unknown_skill_keeps_the_input(client, esco_v1, secretariat_officer):
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("taxonomy:local_role_create"),
        {
            "slug": "data-steward",
            "preferred_label": "health data steward",
            "description": "Keeps health data findable.",
            "source": "WG",
            "content_version": "1.0",
            "essential_skills": esco_files.UNKNOWN_SKILL,
        },
    )

    assert response.status_code == 200
    assert "health data steward" in response.content.decode()
    assert LocalRole.objects.count() == 0


def test_the_local_roles_export_is_a_zip_in_the_esco_layout(client, esco_v1, secretariat_officer):
    from skillspact.taxonomy import services

    services.local_role_create(
        actor=secretariat_officer,
        slug="telehealth-coordinator",
        preferred_label="telehealth coordinator",
        description="Runs remote care.",
        source="WG",
        skills={S_INFORMATICS: "essential"},
    )

    response = client.get(reverse("taxonomy:local_roles"), {"export": "zip"})

    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert any(name.startswith("occupations") for name in names)
    assert any(name.startswith("occupationSkillRelations") for name in names)


def test_the_versions_page_is_for_the_secretariat(client, esco_v1, organisation_contact):
    client.force_login(organisation_contact)
    assert client.get(reverse("taxonomy:versions")).status_code == 403


def test_uploading_a_download_imports_it_as_another_version(
    client, esco_v1, secretariat_officer, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_DIR = tmp_path / "imports"
    archive = esco_files.write_zip(tmp_path / "esco.zip", naming="1.2")
    client.force_login(secretariat_officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("taxonomy:versions"),
            {"archive": SimpleUploadedFile("esco.zip", archive.read_bytes()), "version": "v1.2.0"},
        )

    assert response.status_code == 302
    imported = EscoVersion.objects.get(code="v1.2.0")
    assert imported.status == EscoVersion.Status.READY
    assert EscoVersion.objects.get(is_default=True).code == "v1.1.1"


def test_a_non_zip_upload_is_refused_with_a_message(client, esco_v1, secretariat_officer):
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("taxonomy:versions"),
        {"archive": SimpleUploadedFile("esco.zip", b"not a zip"), "version": "v1.2.0"},
    )

    assert "Upload the zip file of an ESCO CSV download." in response.content.decode()
    assert not EscoVersion.objects.filter(code="v1.2.0").exists()


def test_local_roles_through_the_api(client, esco_v1, secretariat_officer, outsider):
    from skillspact.accounts import services as account_services

    _t, officer = account_services.api_token_create(user=secretariat_officer, name="t")
    _t, other = account_services.api_token_create(user=outsider, name="t")
    body = {
        "slug": "health-data-steward",
        "preferred_label": "health data steward",
        "description": "Keeps health data findable and lawful.",
        "source": "Partnership working group",
        "essential_skills": [S_DATA],
        "optional_skills": [S_INFORMATICS],
    }

    denied = client.post(
        "/api/v1/taxonomy/local-roles",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {other}",
    )
    created = client.post(
        "/api/v1/taxonomy/local-roles",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {officer}",
    )
    patched = client.patch(
        "/api/v1/taxonomy/local-roles/health-data-steward",
        {"optional_skills": [], "content_version": "1.1"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {officer}",
    )
    listed = client.get("/api/v1/taxonomy/local-roles").json()

    assert denied.status_code == 403
    assert created.status_code == 201
    assert created.json()["uri"] == "urn:skillspact:occupation:health-data-steward"
    assert patched.json()["optional_skills"] == [] and patched.json()["essential_skills"] == [
        S_DATA
    ]
    assert patched.json()["content_version"] == "1.1"
    assert [role["slug"] for role in listed] == ["health-data-steward"]
