"""Issuing, revoking, sharing and key rotation, at the service level."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from skillspact.accounts.factories import UserFactory
from skillspact.core.errors import InvalidInput, NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.credentials import selectors, services, statuslist
from skillspact.credentials.factories import CompletedEnrolmentFactory, CredentialFactory
from skillspact.credentials.models import Credential, IssuerKey, StatusList
from skillspact.credentials.tests.conftest import RECORDS, TELEHEALTH
from skillspact.training.factories import CourseFactory, EnrolmentFactory
from skillspact.training.models import AssessmentType, Enrolment

pytestmark = pytest.mark.django_db


def _verify(data):
    return selectors.credential_verify(data=data).report


def _checks(report):
    return {check.code: check.passed for check in report.checks}


def test_the_providers_contact_issues_a_credential_for_a_passed_enrolment(
    completed, organisation_contact, committed
):
    with committed():
        credential = services.credential_issue(enrolment=completed, actor=organisation_contact)

    assert credential.learner == completed.user
    assert credential.issuer == completed.course.provider
    assert credential.status_index == 0
    document = credential.document
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"]["id"] == "did:web:testserver:issuers:hun"
    assert document["credentialSubject"]["id"] == f"urn:uuid:{credential.public_id}"
    assert document["credentialSubject"]["name"] == "Hana Health-Worker"
    achievement = document["credentialSubject"]["achievement"]
    esco = [a for a in achievement["alignment"] if a["targetFramework"] == "ESCO"]
    assert [(a["targetUrl"], a["targetName"]) for a in esco] == [
        (TELEHEALTH, "use telehealth"),
        (RECORDS, "maintain electronic health records"),
    ]
    assert achievement["microCredential"]["eqfLevel"] == 5
    assert achievement["microCredential"]["workloadHours"] == 25
    assert achievement["microCredential"]["gradeAchieved"] == "92 %"
    assert document["credentialStatus"]["statusListIndex"] == "0"
    assert "validUntil" not in document
    assert [m.to for m in mail.outbox] == [["nurse@example.net"]]
    assert "Telehealth for nurses" in mail.outbox[0].subject
    assert AuditEntry.objects.filter(code="credentials.credential.issued").count() == 1


def test_both_proof_forms_verify_against_the_issuers_published_keys(
    completed, organisation_contact
):
    credential = services.credential_issue(enrolment=completed, actor=organisation_contact)

    for data in (credential.jwt, credential.data_integrity):
        report = _verify(data)
        assert report.is_valid, report.checks
        assert _checks(report) == {
            "format": True,
            "signature": True,
            "issuer_key": True,
            "dates": True,
            "revocation": True,
        }
    assert _verify(credential.jwt).format == "vc-jwt"
    assert _verify(credential.data_integrity).format == "data-integrity"


def test_validity_months_set_valid_until(completed, organisation_contact):
    completed.course.credential_validity_months = 24
    completed.course.save()

    credential = services.credential_issue(enrolment=completed, actor=organisation_contact)

    assert credential.valid_until.year == credential.issued_at.year + 2
    assert credential.document["validUntil"].startswith(str(credential.issued_at.year + 2))


def test_the_secretariat_may_issue_too(completed, secretariat_officer):
    credential = services.credential_issue(enrolment=completed, actor=secretariat_officer)

    assert credential.pk is not None


@pytest.mark.parametrize("who", ["outsider", "health_worker"])
def test_only_the_provider_or_the_secretariat_issues(completed, request, who):
    actor = request.getfixturevalue(who)

    with pytest.raises(NotPermitted):
        services.credential_issue(enrolment=completed, actor=actor)

    assert Credential.objects.count() == 0
    assert StatusList.objects.count() == 0


def test_another_providers_contact_may_not_issue(completed):
    other_course = CourseFactory()
    from skillspact.organisations.factories import AffiliationFactory

    stranger = UserFactory()
    AffiliationFactory(organisation=other_course.provider, user=stranger, role="contact")

    with pytest.raises(NotPermitted):
        services.credential_issue(enrolment=completed, actor=stranger)
    assert Credential.objects.count() == 0


@pytest.mark.parametrize(
    ("status", "result"),
    [
        (Enrolment.Status.ENROLLED, ""),
        (Enrolment.Status.CANCELLED, ""),
        (Enrolment.Status.COMPLETED, Enrolment.Result.FAILED),
        (Enrolment.Status.COMPLETED, Enrolment.Result.ATTENDED),
    ],
)
def test_only_a_completed_and_passed_enrolment_earns_a_credential(
    course, organisation_contact, status, result
):
    enrolment = EnrolmentFactory(course=course, status=status, result=result)

    with pytest.raises(services.NotEligible):
        services.credential_issue(enrolment=enrolment, actor=organisation_contact)

    assert Credential.objects.count() == 0


def test_attending_earns_a_credential_when_the_course_has_no_assessment(
    member_organisation, organisation_contact, esco_skills
):
    course = CourseFactory(provider=member_organisation, assessment_type=AssessmentType.NONE)
    enrolment = CompletedEnrolmentFactory(course=course, result=Enrolment.Result.ATTENDED)

    credential = services.credential_issue(enrolment=enrolment, actor=organisation_contact)

    narrative = credential.document["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert narrative == "Took part in the whole course (25 hours)."


def test_a_credential_is_issued_once_per_enrolment(completed, organisation_contact):
    first = services.credential_issue(enrolment=completed, actor=organisation_contact)

    with pytest.raises(services.AlreadyIssued):
        services.credential_issue(enrolment=completed, actor=organisation_contact)

    assert list(Credential.objects.all()) == [first]


def test_each_credential_takes_the_next_index_of_the_issuers_status_list(
    course, organisation_contact
):
    credentials = [
        services.credential_issue(
            enrolment=CompletedEnrolmentFactory(course=course), actor=organisation_contact
        )
        for _ in range(3)
    ]

    assert [c.status_index for c in credentials] == [0, 1, 2]
    assert len({c.status_list_id for c in credentials}) == 1
    assert StatusList.objects.get().next_index == 3


def test_a_full_status_list_is_followed_by_a_new_one(course, organisation_contact):
    first = services.credential_issue(
        enrolment=CompletedEnrolmentFactory(course=course), actor=organisation_contact
    )
    StatusList.objects.filter(pk=first.status_list_id).update(
        next_index=statuslist.STATUS_LIST_SIZE
    )

    second = services.credential_issue(
        enrolment=CompletedEnrolmentFactory(course=course), actor=organisation_contact
    )

    assert second.status_list_id != first.status_list_id
    assert second.status_index == 0


def test_revoking_sets_the_bit_and_the_check_fails(completed, organisation_contact, committed):
    credential = services.credential_issue(enrolment=completed, actor=organisation_contact)
    mail.outbox.clear()

    with committed():
        services.credential_revoke(
            credential=credential, actor=organisation_contact, reason="Assessment irregularity."
        )

    credential.refresh_from_db()
    assert credential.revocation_reason == "Assessment irregularity."
    assert statuslist.bit_get(bytes(credential.status_list.bits), credential.status_index)
    for data in (credential.jwt, credential.data_integrity):
        report = _verify(data)
        assert report.is_valid is False
        assert _checks(report)["revocation"] is False
        assert _checks(report)["signature"] is True
    assert [m.to for m in mail.outbox] == [["nurse@example.net"]]
    assert "Assessment irregularity." in mail.outbox[0].body


def test_revoking_one_credential_leaves_the_others_valid(course, organisation_contact):
    first, second = (
        services.credential_issue(
            enrolment=CompletedEnrolmentFactory(course=course), actor=organisation_contact
        )
        for _ in range(2)
    )

    services.credential_revoke(credential=first, actor=organisation_contact, reason="Mistake.")

    assert _verify(second.jwt).is_valid is True


def test_only_the_issuer_revokes_and_a_reason_is_required(
    completed, organisation_contact, outsider
):
    credential = services.credential_issue(enrolment=completed, actor=organisation_contact)

    with pytest.raises(NotPermitted):
        services.credential_revoke(credential=credential, actor=outsider, reason="No.")
    with pytest.raises(InvalidInput):
        services.credential_revoke(credential=credential, actor=organisation_contact, reason=" ")

    credential.refresh_from_db()
    assert credential.revoked_at is None
    assert _verify(credential.jwt).is_valid is True


def test_a_credential_is_revoked_once(completed, organisation_contact):
    credential = services.credential_issue(enrolment=completed, actor=organisation_contact)
    services.credential_revoke(credential=credential, actor=organisation_contact, reason="One.")

    with pytest.raises(services.AlreadyRevoked):
        services.credential_revoke(credential=credential, actor=organisation_contact, reason="2")

    credential.refresh_from_db()
    assert credential.revocation_reason == "One."


def test_rotation_keeps_old_credentials_valid_and_signs_new_ones_with_the_new_key(
    course, organisation_contact, member_organisation
):
    old = services.credential_issue(
        enrolment=CompletedEnrolmentFactory(course=course), actor=organisation_contact
    )

    new_key = services.issuer_key_rotate(
        organisation=member_organisation, actor=organisation_contact
    )
    new = services.credential_issue(
        enrolment=CompletedEnrolmentFactory(course=course), actor=organisation_contact
    )

    assert old.issuer_key.key_id != new_key.key_id
    assert IssuerKey.objects.get(pk=old.issuer_key_id).retired_at is not None
    assert new.issuer_key == new_key
    assert json.loads(new.data_integrity)["proof"]["verificationMethod"].endswith(new_key.key_id)
    for credential in (old, new):
        assert _verify(credential.jwt).is_valid is True
        assert _verify(credential.data_integrity).is_valid is True


def test_a_retired_key_does_not_vouch_for_a_credential_dated_after_its_retirement(
    completed, organisation_contact, member_organisation
):
    credential = services.credential_issue(enrolment=completed, actor=organisation_contact)
    services.issuer_key_rotate(organisation=member_organisation, actor=organisation_contact)
    IssuerKey.objects.filter(pk=credential.issuer_key_id).update(
        retired_at=credential.issued_at.replace(year=credential.issued_at.year - 1)
    )

    report = _verify(credential.jwt)

    assert report.is_valid is False
    assert _checks(report)["issuer_key"] is False


def test_only_the_organisations_contacts_rotate_its_key(member_organisation, outsider):
    with pytest.raises(NotPermitted):
        services.issuer_key_rotate(organisation=member_organisation, actor=outsider)

    assert IssuerKey.objects.count() == 0


def test_keys_are_stored_encrypted_and_a_wrong_secret_is_said_plainly(
    completed, organisation_contact, settings
):
    credential = services.credential_issue(enrolment=completed, actor=organisation_contact)
    key = credential.issuer_key
    assert key.private_key_encrypted.startswith("v1.")

    settings.CREDENTIALS_SECRET_KEY = "another secret"
    with pytest.raises(services.IssuerKeyLocked):
        services.credential_issue(
            enrolment=CompletedEnrolmentFactory(course=completed.course),
            actor=organisation_contact,
        )
    assert Credential.objects.count() == 1


def test_one_changed_character_fails_verification(completed, organisation_contact):
    credential = services.credential_issue(enrolment=completed, actor=organisation_contact)
    changed_json = credential.data_integrity.replace(
        "Telehealth for nurses", "Telehealth for nursez", 1
    )
    header, payload, signature = credential.jwt.split(".")
    changed_jwt = ".".join([header, payload, ("A" if signature[0] != "A" else "B") + signature[1:]])

    for data in (changed_json, changed_jwt):
        report = _verify(data)
        assert report.is_valid is False
        assert _checks(report)["signature"] is False


def test_a_credential_of_another_issuer_is_said_to_be_unknown(completed, organisation_contact):
    credential = services.credential_issue(enrolment=completed, actor=organisation_contact)
    document = json.loads(credential.data_integrity)
    document["issuer"]["id"] = "did:web:badges.example.org"

    explained = services.verification_explained(
        selectors.credential_verify(data=json.dumps(document))
    )

    assert explained["is_valid"] is False
    failed = {c["code"]: c["message"] for c in explained["checks"] if not c["passed"]}
    assert "unknown to this platform" in failed["issuer_key"]
    assert "did:web:badges.example.org" in failed["issuer_key"]


def test_sharing_is_the_learners_and_switching_off_kills_the_old_link(
    completed, organisation_contact, health_worker
):
    credential = services.credential_issue(enrolment=completed, actor=organisation_contact)
    token = credential.share_token

    with pytest.raises(NotPermitted):
        services.credential_share_set(
            credential=credential, actor=organisation_contact, is_shared=True
        )
    services.credential_share_set(credential=credential, actor=health_worker, is_shared=True)
    assert selectors.credential_get_shared(token=token) == credential
    services.credential_share_set(credential=credential, actor=health_worker, is_shared=False)

    credential.refresh_from_db()
    assert credential.is_shared is False
    assert credential.share_token != token


def test_the_factory_issues_through_the_service(course):
    credential = CredentialFactory(enrolment=CompletedEnrolmentFactory(course=course))

    assert _verify(credential.jwt).is_valid is True


def test_the_elm_export_carries_the_achievement(completed, organisation_contact):
    credential = services.credential_issue(enrolment=completed, actor=organisation_contact)

    exported = services.elm_export(credential)

    text = json.dumps(exported)
    assert "EuropeanDigitalCredential" in text
    assert TELEHEALTH in text
    assert "PT25H" in text
