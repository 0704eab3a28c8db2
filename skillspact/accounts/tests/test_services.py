"""Accounts: sign-up, confirmation, tokens, data export and deletion."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from skillspact.accounts import services
from skillspact.accounts.factories import UserFactory
from skillspact.accounts.models import ApiToken, User
from skillspact.core.errors import InvalidInput
from skillspact.core.models import AuditEntry
from skillspact.organisations.factories import AffiliationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_sign_up_creates_an_unconfirmed_account_and_mails_a_link(committed):
    with committed():
        user = services.user_signup(
            email=" Nurse@Example.NET ", full_name="Nora Nurse", password="a-long-pass-phrase-9"
        )

    assert (user.email, user.has_confirmed_email) == ("nurse@example.net", False)
    assert user.check_password("a-long-pass-phrase-9")
    assert mail.outbox[0].to == ["nurse@example.net"]
    token = re.search(r"/accounts/confirm/([^/\s]+)/", mail.outbox[0].body).group(1)

    services.user_confirm_email(token=token)

    user.refresh_from_db()
    assert user.has_confirmed_email


def test_an_address_is_taken_whatever_its_case(health_worker):
    with pytest.raises(services.EmailTaken):
        services.user_signup(email="NURSE@example.net", full_name="X", password="another-pass-77")
    assert User.objects.count() == 1


def test_a_weak_password_is_refused_with_the_reason():
    with pytest.raises(InvalidInput) as caught:
        services.user_signup(email="a@example.org", full_name="A", password="123")

    assert "password" in caught.value.fields
    assert User.objects.count() == 0


def test_a_tampered_confirmation_link_is_refused(health_worker):
    token = services.email_confirmation_token(health_worker)

    with pytest.raises(services.BadConfirmationLink):
        services.user_confirm_email(token=token[:-2] + "xx")


def test_a_confirmation_link_for_an_old_address_no_longer_works(health_worker):
    token = services.email_confirmation_token(health_worker)
    health_worker.email = "new@example.net"
    health_worker.save()

    with pytest.raises(services.BadConfirmationLink):
        services.user_confirm_email(token=token)


def test_a_token_is_stored_hashed_and_authenticates_until_revoked(health_worker):
    token, secret = services.api_token_create(user=health_worker, name="script")

    assert secret.startswith("spk_") and len(secret) > 40
    assert token.token_hash == ApiToken.hash(secret) and secret not in token.token_hash
    assert services.api_token_authenticate(secret) == health_worker
    services.api_token_revoke(token=token, actor=health_worker)
    assert services.api_token_authenticate(secret) is None
    assert services.api_token_authenticate("spk_not-a-token") is None


def test_a_token_of_a_deactivated_person_does_not_authenticate(health_worker):
    _token, secret = services.api_token_create(user=health_worker, name="script")
    health_worker.is_active = False
    health_worker.save()

    assert services.api_token_authenticate(secret) is None


def test_a_token_needs_a_name(health_worker):
    with pytest.raises(InvalidInput):
        services.api_token_create(user=health_worker, name="  ")
    assert ApiToken.objects.count() == 0


def test_the_data_export_holds_the_account_organisations_and_activity(organisation_contact):
    services.api_token_create(user=organisation_contact, name="script")

    data = services.user_data_export(user=organisation_contact)

    assert data["account"]["email"] == "contact@hun.example.es"
    assert data["organisations"] == [
        {
            "organisation": "Hospital Universitario del Norte",
            "role": "contact",
            "since": data["organisations"][0]["since"],
        }
    ]
    assert [t["name"] for t in data["api_tokens"]] == ["script"]
    assert [a["action"] for a in data["activity"]] == ["accounts.api_token.created"]
    assert "token_hash" not in str(data)


def test_deleting_an_account_erases_the_person_but_keeps_an_anonymous_log(health_worker):
    services.api_token_create(user=health_worker, name="script")

    services.user_delete(user=health_worker, actor=health_worker)

    assert not User.objects.filter(email="nurse@example.net").exists()
    assert ApiToken.objects.count() == 0
    labels = set(AuditEntry.objects.values_list("actor_label", flat=True))
    assert "nurse@example.net" not in labels
    assert not AuditEntry.objects.filter(object_label__icontains="Hana").exists()


def test_the_only_contact_of_a_member_cannot_delete_their_account(organisation_contact):
    with pytest.raises(services.LastContact) as caught:
        services.user_delete(user=organisation_contact, actor=organisation_contact)

    assert "Hospital Universitario del Norte" in caught.value.message
    assert User.objects.filter(pk=organisation_contact.pk).exists()


def test_one_of_two_contacts_can_delete_their_account(organisation_contact, member_organisation):
    AffiliationFactory(organisation=member_organisation, user=UserFactory())

    services.user_delete(user=organisation_contact, actor=organisation_contact)

    assert member_organisation.affiliations.count() == 1
    assert OrganisationFactory._meta.model.objects.filter(pk=member_organisation.pk).exists()
