"""Pages for signing up, signing in, confirming an address and managing one's account."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from skillspact.accounts import forms, selectors, services
from skillspact.core.errors import DomainError, InvalidInput
from skillspact.core.types import AuthedHttpRequest
from skillspact.organisations import selectors as organisation_selectors


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = forms.SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_signup(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except InvalidInput as error:
            for field, problems in error.fields.items():
                form.add_error("password1" if field == "password" else None, problems)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome! We sent a confirmation link to %(email)s.") % {"email": user.email},
            )
            return redirect(request.GET.get("next") or "accounts:profile")
    return render(request, "accounts/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = forms.RateLimitedLoginForm
    redirect_authenticated_user = True


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("core:home")


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.user_confirm_email(token=token)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your e-mail address is confirmed."))
    return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")


@login_required
@require_POST
def resend_confirmation(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.has_confirmed_email:
        services.email_confirmation_send(user=request.user)
        messages.info(
            request,
            _("We sent a new confirmation link to %(email)s.") % {"email": request.user.email},
        )
    return redirect("accounts:profile")


@login_required
def profile(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    profile_form = forms.ProfileForm(
        request.POST if request.POST.get("action") == "profile" else None,
        initial={"full_name": user.full_name},
    )
    token_form = forms.ApiTokenForm(request.POST if request.POST.get("action") == "token" else None)
    new_secret = None
    if request.method == "POST":
        if request.POST.get("action") == "profile" and profile_form.is_valid():
            services.user_update_profile(
                user=user, full_name=profile_form.cleaned_data["full_name"], actor=user
            )
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
        if request.POST.get("action") == "token" and token_form.is_valid():
            try:
                token, new_secret = services.api_token_create(
                    user=user, name=token_form.cleaned_data["name"]
                )
            except DomainError as error:
                token_form.add_error("name", error.message)
            else:
                token_form = forms.ApiTokenForm()
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_form": profile_form,
            "token_form": token_form,
            "new_secret": new_secret,
            "tokens": selectors.api_tokens_of(user=user),
            "affiliations": organisation_selectors.affiliations_of(user=user),
            "applications": organisation_selectors.applications_of(user=user)[:20],
        },
    )


@login_required
@require_POST
def token_revoke(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    token = selectors.api_token_get_for_owner(user=request.user, public_id=public_id)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:profile")


@login_required
def data_export(request: AuthedHttpRequest) -> HttpResponse:
    data = services.user_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="skillspact-my-data-{stamp}.json"'
    return response


@login_required
def delete_account(request: AuthedHttpRequest) -> HttpResponse:
    form = forms.DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(user=request.user, actor=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            logout(request)
            messages.success(request, _("Your account and personal data are deleted."))
            return redirect("core:home")
    return render(request, "accounts/delete.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)
