"""Business rules of membership applications, organisations and working groups."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from skillspact.accounts.factories import UserFactory
from skillspact.core.errors import InvalidInput, InvalidState, NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.organisations import services
from skillspact.organisations.factories import (
    AffiliationFactory,
    ApplicationFactory,
    InterestFactory,
    OrganisationFactory,
    WorkingGroupFactory,
)
from skillspact.organisations.models import (
    Affiliation,
    Invitation,
    MembershipApplication,
    Organisation,
    WorkingGroupMembership,
)

pytestmark = pytest.mark.django_db

COMPLETE = {
    "legal_name": "Centro Hospitalar do Tejo",
    "stakeholder_type": "healthcare_provider",
    "country": "PT",
    "nuts2": "PT17",
    "website": "https://www.cht.example.pt/about",
    "pact_registration_ref": "PfS-2024-00042",
    "has_consented_to_charter": True,
}


def submitted_application(**overrides: object) -> MembershipApplication:
    application = ApplicationFactory(**overrides)
    return services.application_submit(application=application, actor=application.applicant)


# -- drafts and submission ---------------------------------------------------------------------


def test_a_draft_saves_with_only_a_name(outsider):
    application = services.application_save(actor=outsider, data={"legal_name": "Clínica Sol"})

    assert application.status == MembershipApplication.Status.DRAFT
    assert application.legal_name == "Clínica Sol"
    assert application.applicant == outsider
    assert AuditEntry.objects.filter(code="organisations.application.created").count() == 1


def test_submitting_a_complete_application_queues_it_and_tells_the_secretariat(
    outsider, secretariat_officer, committed
):
    application = services.application_save(actor=outsider, data=COMPLETE)

    with committed():
        services.application_submit(application=application, actor=outsider)

    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED
    assert application.submitted_at is not None
    assert application.website_domain == "cht.example.pt"
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["officer@secretariat.example.eu", "outsider@example.net"]


def test_submission_without_reference_and_consent_names_the_missing_fields(outsider):
    data = {**COMPLETE, "pact_registration_ref": "", "has_consented_to_charter": False}
    application = services.application_save(actor=outsider, data=data)

    with pytest.raises(InvalidInput) as caught:
        services.application_submit(application=application, actor=outsider)

    assert set(caught.value.fields) == {"pact_registration_ref", "has_consented_to_charter"}
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.DRAFT


def test_a_region_of_another_country_is_refused(outsider):
    with pytest.raises(InvalidInput) as caught:
        services.application_save(actor=outsider, data={**COMPLETE, "nuts2": "BE10"})

    assert "nuts2" in caught.value.fields
    assert MembershipApplication.objects.count() == 0


def test_an_invalid_country_is_refused(outsider):
    with pytest.raises(InvalidInput) as caught:
        services.application_save(actor=outsider, data={**COMPLETE, "country": "XX", "nuts2": ""})

    assert "country" in caught.value.fields
    assert MembershipApplication.objects.count() == 0


def test_an_application_for_a_member_with_the_same_website_domain_is_caught(
    outsider, member_organisation
):
    data = {**COMPLETE, "legal_name": "Something Else Entirely", "website": "http://hun.example.es"}
    application = services.application_save(actor=outsider, data=data)

    with pytest.raises(services.DuplicateOrganisation) as caught:
        services.application_submit(application=application, actor=outsider)

    assert "Hospital Universitario del Norte" in caught.value.message
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.DRAFT


def test_a_near_identical_name_of_an_application_under_review_is_caught(outsider):
    submitted_application(legal_name="Klinikum Nordheide GmbH", country="DE", website="")
    data = {**COMPLETE, "legal_name": "Klinikum Nordheide", "country": "DE", "nuts2": ""}
    data["website"] = ""
    application = services.application_save(actor=outsider, data=data)

    with pytest.raises(services.DuplicateOrganisation):
        services.application_submit(application=application, actor=outsider)


def test_a_similar_but_different_name_is_not_a_duplicate(outsider, member_organisation):
    data = {**COMPLETE, "legal_name": "Hospital Universitario del Sur", "country": "ES"}
    data.update(nuts2="", website="")
    application = services.application_save(actor=outsider, data=data)

    services.application_submit(application=application, actor=outsider)

    assert application.__class__.objects.get(pk=application.pk).status == "submitted"


def test_someone_else_cannot_edit_or_submit_my_draft(outsider, health_worker):
    application = services.application_save(actor=outsider, data=COMPLETE)

    with pytest.raises(NotPermitted):
        services.application_save(
            actor=health_worker, data={"legal_name": "X"}, application=application
        )
    with pytest.raises(NotPermitted):
        services.application_submit(application=application, actor=health_worker)

    application.refresh_from_db()
    assert (application.legal_name, application.status) == (COMPLETE["legal_name"], "draft")


# -- review ------------------------------------------------------------------------------------


def test_approval_creates_a_member_with_the_applicant_as_contact(secretariat_officer, committed):
    interest = InterestFactory(slug="digital-health", name="Digital health")
    application = ApplicationFactory(legal_name="Centro Hospitalar do Tejo", acronym="CHT")
    application.interests.set([interest])
    services.application_submit(application=application, actor=application.applicant)
    mail.outbox.clear()

    with committed():
        organisation = services.application_approve(
            application=application, actor=secretariat_officer, message="Welcome!"
        )

    assert organisation.status == Organisation.Status.MEMBER
    assert organisation.slug == "cht"
    assert organisation.joined_at is not None
    assert list(organisation.interests.values_list("slug", flat=True)) == ["digital-health"]
    assert "centro hospitalar do tejo" in organisation.search_text
    affiliation = Affiliation.objects.get(organisation=organisation)
    assert (affiliation.user, affiliation.role) == (application.applicant, "contact")
    application.refresh_from_db()
    assert (application.status, application.organisation) == ("approved", organisation)
    assert [message.to for message in mail.outbox] == [[application.applicant.email]]
    assert "approved" in mail.outbox[0].subject.lower()


def test_only_the_secretariat_can_decide(organisation_contact):
    application = submitted_application()

    with pytest.raises(PermissionDenied):
        services.application_approve(application=application, actor=organisation_contact)
    with pytest.raises(PermissionDenied):
        services.application_reject(
            application=application, actor=application.applicant, reason="x"
        )

    application.refresh_from_db()
    assert application.status == "submitted"
    assert Organisation.objects.filter(legal_name=application.legal_name).count() == 0


def test_rejection_needs_a_reason_that_the_applicant_receives(secretariat_officer, committed):
    application = submitted_application()

    with pytest.raises(InvalidInput):
        services.application_reject(application=application, actor=secretariat_officer, reason=" ")
    with committed():
        services.application_reject(
            application=application, actor=secretariat_officer, reason="Not a signatory yet."
        )

    application.refresh_from_db()
    assert (application.status, application.decision_reason) == ("rejected", "Not a signatory yet.")
    assert "Not a signatory yet." in mail.outbox[-1].body


def test_request_for_information_returns_the_application_for_editing_and_resubmission(
    secretariat_officer,
):
    application = submitted_application()
    services.application_request_info(
        application=application, actor=secretariat_officer, message="Which hospitals are covered?"
    )
    application.refresh_from_db()
    assert application.status == "info_requested"
    assert application.is_editable

    services.application_save(
        actor=application.applicant,
        data={"description": "Three hospitals."},
        application=application,
    )
    services.application_submit(
        application=application, actor=application.applicant, reply="All three of them."
    )

    application.refresh_from_db()
    assert application.status == "submitted"
    assert [m.kind for m in application.messages.all()] == ["info_request", "reply"]
    assert AuditEntry.objects.filter(code="organisations.application.resubmitted").count() == 1


def test_a_decided_application_cannot_be_decided_again(secretariat_officer):
    application = submitted_application()
    services.application_reject(application=application, actor=secretariat_officer, reason="No.")

    with pytest.raises(InvalidState):
        services.application_approve(application=application, actor=secretariat_officer)

    assert Organisation.objects.count() == 0


def test_approving_two_organisations_with_the_same_acronym_gives_distinct_slugs(
    secretariat_officer,
):
    first = submitted_application(acronym="UMC", legal_name="University Medical Centre North")
    second = submitted_application(
        acronym="UMC", legal_name="Universitair Medisch Centrum Zuid", country="NL"
    )

    a = services.application_approve(application=first, actor=secretariat_officer)
    b = services.application_approve(application=second, actor=secretariat_officer)

    assert a.slug == "umc"
    assert b.slug == "umc-universitair-medisch-centrum-zuid"


def test_withdrawing_is_for_undecided_applications_of_the_applicant(secretariat_officer):
    application = submitted_application()
    services.application_withdraw(application=application, actor=application.applicant)
    application.refresh_from_db()
    assert application.status == "withdrawn"

    with pytest.raises(InvalidState):
        services.application_withdraw(application=application, actor=application.applicant)


# -- organisations and people ------------------------------------------------------------------


def test_a_contact_updates_the_profile_and_the_audit_log_keeps_before_and_after(
    organisation_contact, member_organisation
):
    services.organisation_update(
        organisation=member_organisation,
        actor=organisation_contact,
        data={"description": "Now with a simulation centre.", "is_listed": False},
    )

    entry = AuditEntry.objects.get(code="organisations.organisation.updated")
    assert entry.organisation == member_organisation
    assert entry.actor == organisation_contact
    assert entry.before == {
        "description": "A university hospital training nurses in digital skills.",
        "is_listed": True,
    }
    assert entry.after == {"description": "Now with a simulation centre.", "is_listed": False}


def test_an_outsider_cannot_update_another_organisation(outsider, member_organisation):
    with pytest.raises(NotPermitted):
        services.organisation_update(
            organisation=member_organisation, actor=outsider, data={"legal_name": "Hijacked"}
        )

    member_organisation.refresh_from_db()
    assert member_organisation.legal_name == "Hospital Universitario del Norte"
    assert AuditEntry.objects.count() == 0


def test_an_organisation_cannot_be_its_own_network(organisation_contact, member_organisation):
    with pytest.raises(InvalidInput):
        services.organisation_update(
            organisation=member_organisation,
            actor=organisation_contact,
            data={},
            networks=[member_organisation],
        )
    assert member_organisation.networks.count() == 0


def test_an_invited_colleague_accepts_and_becomes_a_contact(
    organisation_contact, member_organisation, committed
):
    with committed():
        invitation = services.invitation_create(
            organisation=member_organisation,
            actor=organisation_contact,
            email="Colleague@HUN.example.es",
        )
    assert invitation.email == "colleague@hun.example.es"
    assert f"/invitations/{invitation.public_id}/" in mail.outbox[-1].body
    colleague = UserFactory(email="colleague@hun.example.es", has_confirmed_email=False)

    affiliation = services.invitation_accept(invitation=invitation, user=colleague)

    assert (affiliation.organisation, affiliation.role) == (member_organisation, "contact")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    colleague.refresh_from_db()
    assert colleague.has_confirmed_email


def test_an_invitation_cannot_be_accepted_by_someone_with_another_address(
    organisation_contact, member_organisation, outsider
):
    invitation = services.invitation_create(
        organisation=member_organisation,
        actor=organisation_contact,
        email="colleague@hun.example.es",
    )

    with pytest.raises(NotPermitted):
        services.invitation_accept(invitation=invitation, user=outsider)

    assert not Affiliation.objects.filter(user=outsider).exists()


def test_inviting_twice_replaces_the_pending_invitation(organisation_contact, member_organisation):
    first = services.invitation_create(
        organisation=member_organisation, actor=organisation_contact, email="a@hun.example.es"
    )
    second = services.invitation_create(
        organisation=member_organisation, actor=organisation_contact, email="a@hun.example.es"
    )

    first.refresh_from_db()
    assert (first.status, second.status) == ("revoked", "pending")


def test_a_revoked_invitation_cannot_be_accepted(organisation_contact, member_organisation):
    invitation = services.invitation_create(
        organisation=member_organisation, actor=organisation_contact, email="b@hun.example.es"
    )
    services.invitation_revoke(invitation=invitation, actor=organisation_contact)
    invited = UserFactory(email="b@hun.example.es")

    with pytest.raises(InvalidState):
        services.invitation_accept(invitation=invitation, user=invited)
    assert not Affiliation.objects.filter(user=invited).exists()


def test_the_last_contact_cannot_be_removed(organisation_contact, member_organisation):
    affiliation = Affiliation.objects.get(user=organisation_contact)

    with pytest.raises(InvalidState):
        services.affiliation_remove(affiliation=affiliation, actor=organisation_contact)

    assert Affiliation.objects.filter(pk=affiliation.pk).exists()


def test_a_contact_removes_a_colleague(organisation_contact, member_organisation):
    colleague = AffiliationFactory(organisation=member_organisation, role="member")

    services.affiliation_remove(affiliation=colleague, actor=organisation_contact)

    assert list(member_organisation.affiliations.values_list("user", flat=True)) == [
        organisation_contact.pk
    ]


def test_leaving_takes_the_organisation_out_of_the_directory_and_its_groups(
    organisation_contact, member_organisation, secretariat_officer, committed
):
    group = WorkingGroupFactory()
    services.working_group_join(
        group=group, organisation=member_organisation, actor=organisation_contact
    )

    with committed():
        services.organisation_leave(
            organisation=member_organisation, actor=organisation_contact, reason="Merged."
        )

    member_organisation.refresh_from_db()
    assert member_organisation.status == "left"
    assert member_organisation.left_at is not None
    assert WorkingGroupMembership.objects.count() == 0
    assert mail.outbox[-1].to == ["officer@secretariat.example.eu"]
    with pytest.raises(InvalidState):
        services.organisation_leave(organisation=member_organisation, actor=organisation_contact)


# -- working groups ----------------------------------------------------------------------------


def test_only_the_secretariat_creates_working_groups(secretariat_officer, organisation_contact):
    group = services.working_group_create(actor=secretariat_officer, name="Green hospitals")
    assert group.slug == "green-hospitals"
    again = services.working_group_create(actor=secretariat_officer, name="Green hospitals")
    assert again.slug == "green-hospitals-2"

    with pytest.raises(PermissionDenied):
        services.working_group_create(actor=organisation_contact, name="Mine")


def test_a_closed_group_cannot_be_joined(organisation_contact, member_organisation):
    group = WorkingGroupFactory(is_active=False)

    with pytest.raises(InvalidState):
        services.working_group_join(
            group=group, organisation=member_organisation, actor=organisation_contact
        )
    assert WorkingGroupMembership.objects.count() == 0


def test_a_participant_uploads_a_pdf(organisation_contact, member_organisation):
    group = WorkingGroupFactory()
    services.working_group_join(
        group=group, organisation=member_organisation, actor=organisation_contact
    )
    upload = SimpleUploadedFile(
        "minutes.pdf", b"%PDF-1.4\n%minutes\n", content_type="application/pdf"
    )

    document = services.working_group_document_upload(
        group=group, actor=organisation_contact, title="Minutes", upload=upload
    )

    assert (document.title, document.size) == ("Minutes", 18)
    assert document.file.read() == b"%PDF-1.4\n%minutes\n"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("script.exe", b"MZ\x90\x00", "not accepted"),
        ("fake.pdf", b"<html>not a pdf</html>", "does not match"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_uploads_are_checked_by_type_and_content(secretariat_officer, name, content, problem):
    group = WorkingGroupFactory()
    upload = SimpleUploadedFile(name, content)

    with pytest.raises(InvalidInput) as caught:
        services.working_group_document_upload(
            group=group, actor=secretariat_officer, title="", upload=upload
        )

    assert problem in caught.value.message
    assert group.documents.count() == 0


def test_an_oversized_upload_is_refused(secretariat_officer, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    group = WorkingGroupFactory()
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 2048)

    with pytest.raises(InvalidInput) as caught:
        services.working_group_document_upload(
            group=group, actor=secretariat_officer, title="", upload=upload
        )

    assert "limit" in caught.value.message
    assert group.documents.count() == 0


def test_an_outsider_cannot_upload(outsider):
    group = WorkingGroupFactory()
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4")

    with pytest.raises(NotPermitted):
        services.working_group_document_upload(group=group, actor=outsider, title="", upload=upload)
    assert group.documents.count() == 0


def test_a_member_of_another_organisation_cannot_act_for_this_one(member_organisation):
    other_contact = AffiliationFactory(organisation=OrganisationFactory()).user
    group = WorkingGroupFactory()

    with pytest.raises(NotPermitted):
        services.working_group_join(
            group=group, organisation=member_organisation, actor=other_contact
        )
    with pytest.raises(NotPermitted):
        services.invitation_create(
            organisation=member_organisation, actor=other_contact, email="x@example.org"
        )
    assert WorkingGroupMembership.objects.count() == 0
    assert Invitation.objects.count() == 0
