"""Writes for people: sign-up, e-mail confirmation, profile, API tokens, deletion."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from skillspact.accounts.models import ApiToken, User
from skillspact.core import audit, emails
from skillspact.core.errors import DomainError, InvalidInput, InvalidState
from skillspact.core.models import AuditEntry

CONFIRM_SALT = "accounts.email-confirmation"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 3


class EmailTaken(DomainError):
    code = "email_taken"
    status = 409


class BadConfirmationLink(DomainError):
    code = "bad_confirmation_link"


class LastContact(InvalidState):
    code = "last_contact"


@transaction.atomic
def user_signup(*, email: str, full_name: str, password: str) -> User:
    """Create an account and send the e-mail confirmation link."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken(_("An account with this e-mail address already exists."), field="email")
    user = User(email=email, full_name=full_name.strip())
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), fields={"password": error.messages}) from error
    user.set_password(password)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        if User.objects.filter(email__iexact=email).exists():
            # Another sign-up with this address committed since the check above (caught by the
            # field's or by the case-insensitive constraint's check, whichever ran later).
            raise EmailTaken(
                _("An account with this e-mail address already exists."), field="email"
            ) from error
        raise InvalidInput(" ".join(error.messages), fields=error.message_dict) from error
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # a parallel sign-up with the same address won
        raise EmailTaken(
            _("An account with this e-mail address already exists."), field="email"
        ) from error
    audit.record(user, "accounts.user.signed_up", actor=user)
    email_confirmation_send(user=user)
    return user


def email_confirmation_token(user: User) -> str:
    """A signed token that confirms `user` owns their current address."""
    return signing.dumps({"u": str(user.public_id), "e": user.email}, salt=CONFIRM_SALT)


def email_confirmation_send(*, user: User) -> None:
    """E-mail `user` a link that confirms their address."""
    link = reverse("accounts:confirm_email", kwargs={"token": email_confirmation_token(user)})
    emails.send_templated(
        "accounts/emails/confirm_email.txt", to=[user.email], context={"user": user, "link": link}
    )


@transaction.atomic
def user_confirm_email(*, token: str) -> User:
    """Mark the address in `token` as confirmed."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as error:
        raise BadConfirmationLink(
            _("This confirmation link has expired. Sign in and ask for a new one.")
        ) from error
    except signing.BadSignature as error:
        raise BadConfirmationLink(_("This confirmation link is not valid.")) from error
    user = User.objects.filter(public_id=data["u"], email=data["e"]).first()
    if user is None:
        raise BadConfirmationLink(_("This confirmation link is not valid."))
    if not user.has_confirmed_email:
        user.has_confirmed_email = True
        user.save(update_fields=["has_confirmed_email"])
        audit.record(user, "accounts.user.email_confirmed", actor=user)
    return user


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, actor: User) -> User:
    """Change a person's display name."""
    before = audit.snapshot(user, ["full_name"])
    user.full_name = full_name.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name"])
    audit.record(
        user,
        "accounts.user.updated",
        actor=actor,
        before=before,
        after=audit.snapshot(user, ["full_name"]),
    )
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; the secret is returned once and only its hash is kept."""
    name = name.strip()
    if not name:
        raise InvalidInput(
            _("Give the token a name."), fields={"name": [_("This field is required.")]}
        )
    if user.api_tokens.filter(revoked_at__isnull=True).count() >= 20:
        raise InvalidState(_("You already have 20 active tokens; revoke one first."))
    secret = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name[:100], token_hash=ApiToken.hash(secret), hint=secret[:8])
    token.full_clean()
    token.save()
    audit.record(token, "accounts.api_token.created", actor=user)
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token at once; requests with it fail from now on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(token, "accounts.api_token.revoked", actor=actor)
    return token


def api_token_authenticate(secret: str) -> User | None:
    """Return the active user a token secret belongs to, or None."""
    if not secret.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=ApiToken.hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Writing on every request would serialise readers; a minute's precision is enough.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_data_export(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about `user`, as one JSON-ready document (GDPR art. 15/20)."""
    from skillspact.organisations import selectors as organisation_selectors

    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": str(user.public_id),
            "email": user.email,
            "full_name": user.full_name,
            "email_confirmed": user.has_confirmed_email,
            "is_secretariat": user.is_secretariat,
            "joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "api_tokens": [
            {
                "name": token.name,
                "hint": token.hint,
                "created": token.created_at.isoformat(),
                "last_used": token.last_used_at.isoformat() if token.last_used_at else None,
                "revoked": token.revoked_at.isoformat() if token.revoked_at else None,
            }
            for token in user.api_tokens.all()
        ],
        **organisation_selectors.person_data_export(user=user),
        "activity": [
            {
                "when": entry.created_at.isoformat(),
                "action": entry.code,
                "object": entry.object_label,
            }
            for entry in AuditEntry.objects.filter(actor=user).order_by("created_at")
        ],
    }


@transaction.atomic
def user_delete(*, user: User, actor: User) -> None:
    """Erase a person's account (GDPR art. 17); the audit log keeps the action, not the name."""
    from skillspact.organisations import selectors as organisation_selectors

    sole = organisation_selectors.organisations_where_sole_contact(user=user)
    if sole:
        raise LastContact(
            _(
                "You are the only contact of %(names)s. Invite another contact, "
                "or ask the secretariat to name one, before deleting your account."
            )
            % {"names": ", ".join(org.legal_name for org in sole)}
        )
    AuditEntry.objects.filter(actor=user).update(actor_label=_("deleted account"))
    audit.record(user, "accounts.user.deleted", actor=None, after={"by_self": actor == user})
    # The entry above names the account by its public id only.
    AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.public_id)).update(
        object_label=_("deleted account")
    )
    user.delete()
