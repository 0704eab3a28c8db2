"""Accounts pages: sign-up, login limits, password reset, profile, export, deletion."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from skillspact.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db


def test_the_signup_form_keeps_what_was_typed_when_passwords_differ(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Nora Nurse",
            "email": "nora@example.net",
            "password1": "a-long-pass-9",
            "password2": "other",
        },
    )

    assert response.status_code == 200
    assert "The two passwords differ." in response.content.decode()
    assert 'value="nora@example.net"' in response.content.decode()
    assert 'value="Nora Nurse"' in response.content.decode()
    assert User.objects.count() == 0


def test_signing_up_signs_in_and_sends_a_confirmation(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup"),
            {
                "full_name": "Nora",
                "email": "nora@example.net",
                "password1": "a-long-pass-9x",
                "password2": "a-long-pass-9x",
            },
        )

    assert response.status_code == 302
    assert response.wsgi_request.user.email == "nora@example.net"
    assert len(mail.outbox) == 1


def test_login_is_refused_after_five_failures_even_with_the_right_password(
    client, health_worker, password
):
    url = reverse("accounts:login")
    for _attempt in range(5):
        client.post(url, {"username": health_worker.email, "password": "wrong"})

    response = client.post(url, {"username": health_worker.email, "password": password})

    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_works_with_the_right_password(client, health_worker, password):
    response = client.post(
        reverse("accounts:login"), {"username": "NURSE@example.net", "password": password}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(health_worker.pk)


def test_password_reset_mails_a_working_link(client, health_worker):
    client.post(reverse("accounts:password_reset"), {"email": health_worker.email})

    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body
    ).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "brand-new-pass-42", "new_password2": "brand-new-pass-42"}
    )

    assert response.status_code == 302
    health_worker.refresh_from_db()
    assert health_worker.check_password("brand-new-pass-42")


def test_the_profile_shows_a_new_token_once(client, health_worker):
    client.force_login(health_worker)

    response = client.post(reverse("accounts:profile"), {"action": "token", "name": "monitoring"})

    secret = re.search(r'id="new-token">(spk_[^<]+)<', response.content.decode()).group(1)
    assert ApiToken.objects.get().token_hash == ApiToken.hash(secret)
    assert secret not in client.get(reverse("accounts:profile")).content.decode()


def test_nobody_can_revoke_another_persons_token(client, health_worker, outsider):
    token = ApiToken.objects.create(
        user=health_worker, name="x", token_hash="a" * 64, hint="spk_aaaa"
    )
    client.force_login(outsider)

    response = client.post(reverse("accounts:token_revoke", args=[token.public_id]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_data_export_downloads_as_json(client, health_worker):
    client.force_login(health_worker)

    response = client.get(reverse("accounts:data_export"))

    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["account"]["email"] == "nurse@example.net"


def test_deleting_needs_the_password(client, health_worker, password):
    client.force_login(health_worker)

    refused = client.post(reverse("accounts:delete"), {"password": "wrong"})
    assert "The password is not correct." in refused.content.decode()
    assert User.objects.filter(pk=health_worker.pk).exists()

    response = client.post(reverse("accounts:delete"), {"password": password})
    assert response.status_code == 302
    assert not User.objects.filter(pk=health_worker.pk).exists()


def test_account_pages_need_a_sign_in(client):
    for name in ["accounts:profile", "accounts:data_export", "accounts:delete"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
