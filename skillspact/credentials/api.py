"""The credentials API: verifying any credential (anyone), and one's own credentials."""

import json
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router

from skillspact.accounts.forms import client_address
from skillspact.core.api import AUTH, ErrorOut
from skillspact.core.types import AuthedHttpRequest
from skillspact.credentials import schemas, selectors, services
from skillspact.credentials.models import Credential

router = Router(tags=["credentials"])


def _credential_out(credential: Credential) -> dict[str, Any]:
    return {
        "id": credential.public_id,
        "course": credential.course.title,
        "course_slug": credential.course.slug,
        "issuer": credential.issuer.legal_name,
        "issuer_id": selectors.issuer_did(credential.issuer),
        "issued_at": credential.issued_at,
        "valid_until": credential.valid_until,
        "revoked_at": credential.revoked_at,
        "is_shared": credential.is_shared,
        "share_url": selectors.absolute(
            reverse("credentials:shared", args=[credential.share_token])
        )
        if credential.is_shared
        else "",
        "url": selectors.absolute(reverse("credentials:detail", args=[credential.public_id])),
    }


@router.post(
    "/credentials/verify",
    response={200: schemas.VerifyOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Verify a credential: signature, issuer key, dates and revocation",
)
def credential_verify(request: HttpRequest, payload: schemas.VerifyIn) -> Any:
    """Anyone may verify; `valid` is true only when every check passed. A credential from an
    issuer this platform does not know fails the issuer check with a message that says so."""
    data = payload.credential
    text = data if isinstance(data, str) else json.dumps(data)
    services.verification_allow(client_address=client_address(request))
    report = services.verification_explained(selectors.credential_verify(data=text))
    return {
        "valid": report["is_valid"],
        "format": report["format"],
        "checks": [
            {"code": check["code"], "passed": check["passed"], "message": check["message"]}
            for check in report["checks"]
        ],
    }


@router.get(
    "/me/credentials",
    response={200: list[schemas.CredentialOut], 401: ErrorOut},
    auth=AUTH,
    summary="Your credentials, newest first",
)
def my_credentials(request: AuthedHttpRequest) -> Any:
    return [_credential_out(c) for c in selectors.credentials_of(user=request.user)]


@router.get(
    "/credentials/{uuid:credential_id}",
    response={200: schemas.CredentialDetailOut, 401: ErrorOut, 404: ErrorOut},
    auth=AUTH,
    summary="One of your credentials with both proof forms",
)
def credential_get(request: AuthedHttpRequest, credential_id: str) -> Any:
    credential = selectors.credential_get_for_owner(user=request.user, public_id=credential_id)
    return {
        **_credential_out(credential),
        "jwt": credential.jwt,
        "credential": json.loads(credential.data_integrity),
    }
