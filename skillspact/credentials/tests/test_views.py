"""Pages: a learner's credentials, downloads, sharing, verification, issuing and revoking."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory

from skillspact.credentials import baking, services
from skillspact.credentials.factories import CompletedEnrolmentFactory
from skillspact.credentials.models import Credential

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(completed, organisation_contact):
    return services.credential_issue(enrolment=completed, actor=organisation_contact)


def _verify_page(client, **data):
    return client.post("/verify/", data)


def test_my_credentials_lists_only_mine_within_a_query_budget(
    client, course, issued, health_worker, organisation_contact, django_assert_max_num_queries
):
    for _ in range(3):
        services.credential_issue(
            enrolment=CompletedEnrolmentFactory(course=course), actor=organisation_contact
        )
    client.force_login(health_worker)

    with django_assert_max_num_queries(8):
        response = client.get("/credentials/")

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [issued]


def test_the_credential_page_is_the_owners(client, issued, health_worker, outsider):
    client.force_login(outsider)
    assert client.get(f"/credentials/{issued.public_id}/").status_code == 404

    client.force_login(health_worker)
    response = client.get(f"/credentials/{issued.public_id}/")
    assert response.status_code == 200
    assert "use telehealth" in response.content.decode()


def test_downloads_carry_the_credential_in_every_form(client, issued, health_worker):
    client.force_login(health_worker)
    base = f"/credentials/{issued.public_id}/download"

    as_json = client.get(f"{base}/json/")
    as_jwt = client.get(f"{base}/jwt/")
    as_png = client.get(f"{base}/png/")
    as_svg = client.get(f"{base}/svg/")
    as_elm = client.get(f"{base}/elm/")

    assert json.loads(as_json.content) == json.loads(issued.data_integrity)
    assert as_jwt.content.decode() == issued.jwt
    assert as_jwt["Content-Disposition"].startswith('attachment; filename="telehealth-nurses-')
    assert as_png["Content-Type"] == "image/png"
    assert baking.png_unbake(as_png.content) == issued.jwt
    assert baking.svg_unbake(as_svg.content.decode()) == issued.jwt
    assert "EuropeanDigitalCredential" in as_elm.content.decode()
    assert client.get(f"{base}/exe/").status_code == 404


def test_sharing_on_and_off(client, issued, health_worker):
    client.force_login(health_worker)
    token = issued.share_token
    assert client.get(f"/credentials/share/{token}/").status_code == 404

    client.post(f"/credentials/{issued.public_id}/share/", {"is_shared": "on"})
    client.logout()
    shared = client.get(f"/credentials/share/{token}/")
    assert shared.status_code == 200
    page = shared.content.decode()
    assert "Telehealth for nurses" in page
    assert "Hospital Universitario del Norte" in page
    assert "maintain electronic health records" in page
    verified = client.post(f"/credentials/share/{token}/verify/")
    assert verified.context["report"]["is_valid"] is True

    client.force_login(health_worker)
    client.post(f"/credentials/{issued.public_id}/share/", {"is_shared": "off"})
    client.logout()
    assert client.get(f"/credentials/share/{token}/").status_code == 404


def test_verify_page_accepts_a_pasted_jwt_and_json(client, issued):
    for text in (issued.jwt, issued.data_integrity):
        response = _verify_page(client, credential=text)

        report = response.context["report"]
        assert report["is_valid"] is True
        assert [c["code"] for c in report["checks"]] == [
            "format",
            "signature",
            "issuer_key",
            "dates",
            "revocation",
        ]
        assert "This credential is valid." in response.content.decode()


def test_verify_page_accepts_a_baked_badge(client, issued, health_worker):
    client.force_login(health_worker)
    png = client.get(f"/credentials/{issued.public_id}/download/png/").content
    svg = client.get(f"/credentials/{issued.public_id}/download/svg/").content

    for name, content in (("badge.png", png), ("badge.svg", svg)):
        response = _verify_page(client, file=SimpleUploadedFile(name, content))

        assert response.context["report"]["is_valid"] is True
        assert response.context["report"]["format"] == name.rsplit(".", 1)[1]


def test_verify_page_rejects_a_changed_character_and_a_revoked_credential(
    client, issued, organisation_contact
):
    changed = issued.data_integrity.replace("Hana Health-Worker", "Hana Health-Workex")

    response = _verify_page(client, credential=changed)

    report = response.context["report"]
    assert report["is_valid"] is False
    assert {c["code"]: c["passed"] for c in report["checks"]}["signature"] is False
    assert "This credential is not valid." in response.content.decode()

    services.credential_revoke(credential=issued, actor=organisation_contact, reason="Fraud.")
    response = _verify_page(client, credential=issued.jwt)
    checks = {c["code"]: c for c in response.context["report"]["checks"]}
    assert checks["revocation"]["passed"] is False
    assert "revoked" in checks["revocation"]["message"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("badge.exe", b"MZ...", "are not accepted"),
        ("badge.png", b"GIF89a", "not a PNG image"),
        ("badge.svg", b"<html></html>", "not an SVG image"),
        ("badge.json", b"\xff\xfe\x00", "does not look like text"),
    ],
)
def test_verify_page_refuses_uploads_of_the_wrong_type(client, db, name, content, message):
    response = _verify_page(client, file=SimpleUploadedFile(name, content))

    assert response.context["report"] is None
    assert message in str(response.context["form"].errors)


def test_verify_page_refuses_a_too_large_upload(client, db):
    big = SimpleUploadedFile("badge.png", b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024))

    response = _verify_page(client, file=big)

    assert "the limit is 2 MB" in str(response.context["form"].errors)


def test_verify_page_asks_for_something(client, db):
    response = _verify_page(client, credential="")

    assert "Paste a credential or upload a file" in str(response.context["form"].errors)


def test_the_provider_issues_from_the_learners_page_and_others_cannot(
    client, completed, organisation_contact, outsider
):
    client.force_login(outsider)
    assert client.post(f"/credentials/enrolments/{completed.public_id}/issue/").status_code == 404
    assert Credential.objects.count() == 0

    client.force_login(organisation_contact)
    response = client.post(
        f"/credentials/enrolments/{completed.public_id}/issue/", {"next": "/somewhere/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/somewhere/"
    assert Credential.objects.get().enrolment == completed


def test_the_provider_revokes_with_a_reason(client, issued, organisation_contact, outsider):
    client.force_login(outsider)
    assert client.get(f"/credentials/{issued.public_id}/revoke/").status_code == 404

    client.force_login(organisation_contact)
    empty = client.post(f"/credentials/{issued.public_id}/revoke/", {"reason": ""})
    assert empty.status_code == 200
    assert Credential.objects.get().revoked_at is None
    client.post(f"/credentials/{issued.public_id}/revoke/", {"reason": "Issued by mistake."})

    assert Credential.objects.get().revocation_reason == "Issued by mistake."


def test_the_enrolment_include_shows_issue_for_the_provider_and_the_link_for_the_learner(
    completed, organisation_contact, health_worker
):
    request = RequestFactory().get("/training/mine/")
    request.user = organisation_contact

    before = render_to_string(
        "credentials/includes/enrolment_credential.html",
        {"enrolment": completed, "can_manage": True, "request": request},
    )
    credential = services.credential_issue(enrolment=completed, actor=organisation_contact)
    completed.refresh_from_db()
    after = render_to_string(
        "credentials/includes/enrolment_credential.html",
        {"enrolment": completed, "can_manage": True, "request": request},
    )
    request.user = health_worker
    learner = render_to_string(
        "credentials/includes/enrolment_credential.html",
        {"enrolment": completed, "request": request},
    )

    assert "Issue credential" in before
    assert f"/credentials/{credential.public_id}/revoke/" in after
    assert "Issue credential" not in after
    assert f"/credentials/{credential.public_id}/" in learner
    assert "revoke" not in learner
