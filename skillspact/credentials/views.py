"""Pages for credentials: a learner's credentials with downloads and sharing, the public share
and verification pages, the provider's issuing, revoking and batches, and the issuers' public
documents (DID document, key set, Open Badges profile, status lists)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillspact.accounts.forms import client_address
from skillspact.core.errors import DomainError
from skillspact.core.forms import add_domain_error
from skillspact.core.paginate import paginate
from skillspact.core.types import AuthedHttpRequest
from skillspact.credentials import baking, forms, selectors, services
from skillspact.credentials.models import Credential

JSON_LD_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _public_json(data: Any, *, content_type: str = "application/json") -> HttpResponse:
    """A public JSON document that wallets and verifiers may fetch from any origin."""
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# -- a learner's credentials -------------------------------------------------------------------


@login_required
@require_GET
def my_credentials(request: AuthedHttpRequest) -> HttpResponse:
    page = paginate(selectors.credentials_of(user=request.user), request.GET.get("page"))
    return render(request, "credentials/mine.html", {"page": page})


def _skills(credential: Credential) -> list[dict[str, str]]:
    """The achievement's ESCO alignments as issued."""
    subject = credential.document.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    return [
        {"name": str(item.get("targetName", "")), "url": str(item.get("targetUrl", ""))}
        for item in achievement.get("alignment") or achievement.get("alignments") or []
        # The EQF level is an alignment too; the page shows it in its own row.
        if isinstance(item, dict) and item.get("targetFramework") == "ESCO"
    ]


@login_required
@require_GET
def credential_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    credential = selectors.credential_get_for_owner(user=request.user, public_id=public_id)
    share_url = request.build_absolute_uri(
        reverse("credentials:shared", args=[credential.share_token])
    )
    return render(
        request,
        "credentials/detail.html",
        {
            "credential": credential,
            "skills": _skills(credential),
            "share_url": share_url,
            "downloads": [
                ("json", _("Credential (JSON, Data Integrity proof)")),
                ("jwt", _("Credential (VC-JWT)")),
                ("png", _("Badge image with the credential (PNG)")),
                ("svg", _("Badge image with the credential (SVG)")),
                ("elm", _("European Learning Model (Europass) JSON-LD")),
            ],
        },
    )


DOWNLOADS = {
    "json": ("application/vc", "json"),
    "jwt": ("application/vc+jwt", "jwt"),
    "png": ("image/png", "png"),
    "svg": ("image/svg+xml", "svg"),
    "elm": ("application/ld+json", "elm.jsonld"),
}


@login_required
@require_GET
def credential_download(request: AuthedHttpRequest, public_id: str, kind: str) -> HttpResponse:
    if kind not in DOWNLOADS:
        raise Http404
    credential = selectors.credential_get_for_owner(user=request.user, public_id=public_id)
    content_type, extension = DOWNLOADS[kind]
    body: bytes | str
    title, issuer = credential.course.title, credential.issuer.legal_name
    if kind == "json":
        body = credential.data_integrity
    elif kind == "jwt":
        body = credential.jwt
    elif kind == "png":
        body = baking.png_bake(baking.badge_png(title=title, subtitle=issuer), credential.jwt)
    elif kind == "svg":
        body = baking.svg_bake(baking.badge_svg(title=title, subtitle=issuer), credential.jwt)
    else:
        body = json.dumps(services.elm_export(credential), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type=content_type)
    name = f"{credential.course.slug}-{str(credential.public_id)[:8]}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def credential_share(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    credential = selectors.credential_get_for_owner(user=request.user, public_id=public_id)
    is_shared = request.POST.get("is_shared") == "on"
    services.credential_share_set(credential=credential, actor=request.user, is_shared=is_shared)
    messages.success(
        request,
        _("Anyone with the link can now see this credential.")
        if is_shared
        else _("The public link is switched off; the old link no longer works."),
    )
    return redirect("credentials:detail", credential.public_id)


@require_GET
def credential_shared(request: HttpRequest, token: str) -> HttpResponse:
    credential = selectors.credential_get_shared(token=token)
    response = render(
        request,
        "credentials/shared.html",
        {
            "credential": credential,
            "skills": _skills(credential),
            "learner_name": (credential.document.get("credentialSubject") or {}).get("name", ""),
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response


# -- verification ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    report: dict[str, Any] | None = None
    form = forms.VerifyForm()
    if request.method == "POST":
        form = forms.VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.verification_allow(client_address=client_address(request))
            except DomainError as error:
                add_domain_error(form, error)
            else:
                verification = selectors.credential_verify(data=form.data_to_verify())
                report = services.verification_explained(verification)
    return render(request, "credentials/verify.html", {"form": form, "report": report}, status=200)


@require_POST
def verify_shared(request: HttpRequest, token: str) -> HttpResponse:
    """The "Verify" button of a shared credential: checks the credential as issued."""
    credential = selectors.credential_get_shared(token=token)
    try:
        services.verification_allow(client_address=client_address(request))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("credentials:shared", token)
    report = services.verification_explained(selectors.credential_verify(data=credential.jwt))
    return render(
        request,
        "credentials/verify.html",
        {"form": forms.VerifyForm(), "report": report, "shared": credential},
    )


# -- issuing and revoking (the provider) -------------------------------------------------------


@login_required
@require_POST
def credential_issue(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    enrolment = selectors.enrolment_get_for_issue(user=request.user, public_id=public_id)
    fallback = reverse("credentials:course", args=[enrolment.course.slug])
    try:
        services.credential_issue(enrolment=enrolment, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The credential is issued; the learner receives it by e-mail."))
    return redirect(_safe_next(request, fallback))


@login_required
@require_http_methods(["GET", "POST"])
def credential_revoke(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    credential = selectors.credential_get_for_manage(user=request.user, public_id=public_id)
    fallback = reverse("credentials:course", args=[credential.course.slug])
    form = forms.RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.credential_revoke(
                credential=credential, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The credential is revoked; the learner is told why."))
            return redirect(_safe_next(request, fallback))
    return render(
        request,
        "credentials/revoke.html",
        {"credential": credential, "form": form, "next": _safe_next(request, fallback)},
    )


@login_required
@require_GET
def course_credentials(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    course = selectors.course_get_for_issue(user=request.user, slug=slug)
    page = paginate(
        selectors.credentials_of_course(course=course), request.GET.get("page"), per_page=50
    )
    return render(
        request,
        "credentials/course.html",
        {
            "course": course,
            "page": page,
            "to_issue": selectors.enrolments_to_issue(course=course).count(),
            "active_batch": selectors.batch_active(course=course),
            "batches": selectors.batches_of(course=course)[:5],
        },
    )


@login_required
@require_POST
def batch_start(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    course = selectors.course_get_for_issue(user=request.user, slug=slug)
    try:
        batch = services.batch_start(course=course, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("credentials:course", course.slug)
    return redirect("credentials:batch", batch.public_id)


@login_required
@require_GET
def batch_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    batch = selectors.batch_get_for_view(user=request.user, public_id=public_id)
    template = "credentials/batch.html"
    if request.headers.get("HX-Request"):
        template = "credentials/_batch_progress.html"
    return render(request, template, {"batch": batch, "course": batch.course})


# -- the issuers' public documents -------------------------------------------------------------


@require_GET
def issuer_profile(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.issuer_get(slug=slug)
    profile = {
        "@context": JSON_LD_CONTEXTS,
        "type": ["Profile"],
        **selectors.issuer_profile(organisation),
    }
    if organisation.description:
        profile["description"] = organisation.description
    preferred = request.get_preferred_type(["text/html", "application/json", "application/ld+json"])
    if preferred in ("application/json", "application/ld+json"):
        response = _public_json(profile, content_type=preferred)
    else:
        response = render(
            request,
            "credentials/issuer.html",
            {
                "organisation": organisation,
                "profile": profile,
                "did": selectors.issuer_did(organisation),
                "keys": selectors.issuer_keys(organisation),
                "stats": selectors.issuer_stats(organisation),
                "can_manage": selectors.can_manage_issuer(
                    user=request.user, organisation=organisation
                ),
            },
        )
    patch_vary_headers(response, ["Accept"])
    return response


@require_GET
def issuer_did(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.issuer_get(slug=slug)
    return _public_json(selectors.did_document(organisation))


@require_GET
def issuer_jwks(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.issuer_get(slug=slug)
    return _public_json(selectors.jwks(organisation))


@login_required
@require_http_methods(["GET", "POST"])
def issuer_keys(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_keys(user=request.user, slug=slug)
    if request.method == "POST":
        try:
            services.issuer_key_rotate(organisation=organisation, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "A new issuing key signs from now on. The old key stays published, so "
                    "credentials it signed stay valid."
                ),
            )
        return redirect("credentials:issuer_keys", organisation.slug)
    return render(
        request,
        "credentials/keys.html",
        {
            "organisation": organisation,
            "keys": selectors.issuer_key_history(user=request.user, organisation=organisation),
            "did": selectors.issuer_did(organisation),
        },
    )


@require_GET
def status_list(request: HttpRequest, public_id: str) -> HttpResponse:
    found = selectors.status_list_get(public_id=public_id)
    document = selectors.status_list_credential(found)
    etag = f'"{found.public_id.hex}-{int(found.updated_at.timestamp() * 1000)}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = _public_json(document, content_type="application/vc")
    response["ETag"] = etag
    # Short, so that a revocation reaches verifiers within minutes.
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
