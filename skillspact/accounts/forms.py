"""Forms for signing up, signing in and managing one's account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from skillspact.core import ratelimit


def client_address(request: HttpRequest | None) -> str:
    """The client's address as the web server saw it."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", _("The two passwords differ."))
        return data


class RateLimitedLoginForm(AuthenticationForm):
    """The standard login form, refusing further tries after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "rate_limited": _(
            "Too many failed sign-in attempts. Wait %(minutes)s minutes or reset your password."
        ),
    }

    def clean(self) -> dict[str, Any]:
        email = (self.data.get("username") or "").strip().lower()
        address = client_address(self.request)
        limit, window = settings.LOGIN_RATE_LIMIT, settings.LOGIN_RATE_WINDOW
        # The per-address limit is looser: many people may share an office's address.
        if ratelimit.is_limited("login-email", email, limit=limit) or ratelimit.is_limited(
            "login-ip", address, limit=limit * 4
        ):
            raise forms.ValidationError(
                self.error_messages["rate_limited"],
                code="rate_limited",
                params={"minutes": window // 60},
            )
        try:
            data = super().clean()
        except forms.ValidationError:
            ratelimit.hit("login-email", email, window=window)
            ratelimit.hit("login-ip", address, window=window)
            raise
        ratelimit.reset("login-email", email)
        return data


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, such as “monitoring script”."),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return str(password)
