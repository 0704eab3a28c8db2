"""Reads for credentials: issuer identities (did:web), a person's credentials, the provider's
view of a course, status lists, and the verification of any credential handed to us.

The selectors that take a `user` are the access check: anyone else gets a 404.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from skillspact.credentials import keys, ob3, proofs, statuslist, verify
from skillspact.credentials.models import Credential, IssueBatch, IssuerKey, StatusList
from skillspact.organisations import selectors as organisation_selectors
from skillspact.organisations.models import Organisation
from skillspact.training.models import AssessmentType, Course, Enrolment

DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
# A signed status list is cached per list state and signing key; any change makes a new key.
STATUS_LIST_CACHE_SECONDS = 300


# -- issuer identities -------------------------------------------------------------------------


def site_did() -> str:
    """`did:web:<host>[:<path>]` of the platform's address, a port percent-encoded."""
    parts = urlsplit(settings.SITE_URL)
    segments = [quote(parts.netloc, safe="")]
    segments += [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return "did:web:" + ":".join(segments)


def issuer_did(organisation: Organisation) -> str:
    """The organisation's issuer identifier; it resolves to `/issuers/<slug>/did.json`."""
    return f"{site_did()}:issuers:{organisation.slug}"


def verification_method_id(key: IssuerKey) -> str:
    return f"{issuer_did(key.organisation)}#{key.key_id}"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def issuer_profile(organisation: Organisation) -> dict[str, Any]:
    """The issuer as an Open Badges 3.0 Profile: its DID, name, web address and country."""
    profile: dict[str, Any] = {
        "id": issuer_did(organisation),
        "name": organisation.legal_name,
        "url": organisation.website
        or absolute(reverse("credentials:issuer_profile", args=[organisation.slug])),
    }
    return profile


def issuer_keys(organisation: Organisation) -> list[IssuerKey]:
    """Every key the organisation ever signed with, retired ones too, oldest first."""
    return list(IssuerKey.objects.filter(organisation=organisation).order_by("created_at", "id"))


def issuer_get(*, slug: str) -> Organisation:
    """An organisation that issues credentials (it has a key), or 404."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not IssuerKey.objects.filter(organisation=organisation).exists():
        raise Http404
    return organisation


def did_document(organisation: Organisation) -> dict[str, Any]:
    """The issuer's DID document: one Multikey per key, retired ones included, so that
    credentials signed before a rotation stay verifiable."""
    did = issuer_did(organisation)
    methods = [
        {
            "id": f"{did}#{key.key_id}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in issuer_keys(organisation)
    ]
    ids = [method["id"] for method in methods]
    return {
        "@context": DID_CONTEXT,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
    }


def jwks(organisation: Organisation) -> dict[str, Any]:
    """The same keys as a JSON Web Key Set, for JOSE tools; `kid` is the verification method."""
    result = []
    for key in issuer_keys(organisation):
        jwk = keys.public_jwk(keys.public_from_multibase(key.public_key_multibase))
        result.append({**jwk, "kid": verification_method_id(key), "use": "sig", "alg": "EdDSA"})
    return {"keys": result}


def can_manage_issuer(*, user: Any, organisation: Organisation) -> bool:
    """Whether `user` may rotate the organisation's keys: its contacts and the secretariat."""
    return organisation_selectors.can_act_for(user=user, organisation=organisation)


def organisation_get_for_keys(*, user: Any, slug: str) -> Organisation:
    """An organisation whose issuing keys `user` manages, or 404."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not can_manage_issuer(user=user, organisation=organisation):
        raise Http404
    return organisation


def issuer_key_history(*, user: Any, organisation: Organisation) -> list[IssuerKey]:
    """The organisation's keys, for its contacts and the secretariat; 404 for anyone else."""
    if not organisation_selectors.can_act_for(user=user, organisation=organisation):
        raise Http404
    return list(reversed(issuer_keys(organisation)))


def issuer_stats(organisation: Organisation) -> dict[str, int]:
    issued = Credential.objects.filter(issuer=organisation)
    return {"issued": issued.count(), "revoked": issued.filter(revoked_at__isnull=False).count()}


def organisation_for_did(did: str) -> Organisation | None:
    """The platform's organisation behind `did`, or None when the DID is not ours."""
    prefix = f"{site_did()}:issuers:"
    if not did.startswith(prefix):
        return None
    slug = did[len(prefix) :]
    if not slug or ":" in slug:
        return None
    return Organisation.objects.filter(slug=slug).first()


def key_for(issuer_id: str, key_id: str) -> IssuerKey | None:
    """The platform's key named by `key_id` (a verification method id or its fragment) of the
    issuer `issuer_id`, or None."""
    organisation = organisation_for_did(issuer_id)
    if organisation is None:
        return None
    did, _, fragment = key_id.rpartition("#")
    if did and did != issuer_id:
        return None
    fragment = fragment or key_id
    return (
        IssuerKey.objects.filter(organisation=organisation, key_id=fragment)
        .select_related("organisation")
        .first()
    )


# -- status lists ------------------------------------------------------------------------------


def status_list_url(status_list: StatusList) -> str:
    return absolute(reverse("credentials:status_list", args=[status_list.public_id]))


def status_list_get(*, public_id: Any) -> StatusList:
    """A status list by its public id, or 404."""
    found = StatusList.objects.select_related("organisation").filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def status_list_credential(status_list: StatusList) -> dict[str, Any]:
    """The list as a BitstringStatusListCredential signed (Data Integrity) by the issuer's
    active key; cached until the list changes or the key rotates."""
    from skillspact.credentials import services

    organisation = status_list.organisation
    key = IssuerKey.objects.filter(organisation=organisation, retired_at__isnull=True).first()
    if key is None:
        raise Http404
    key.organisation = organisation
    stamp = int(status_list.updated_at.timestamp() * 1_000_000)
    cache_key = f"credentials:status-list:{status_list.pk}:{stamp}:{key.pk}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    issued_at = status_list.updated_at.replace(microsecond=0)
    unsigned = statuslist.status_list_credential(
        list_url=status_list_url(status_list),
        issuer=issuer_profile(organisation),
        encoded_list=statuslist.bitstring_encode(bytes(status_list.bits)),
        issued_at=issued_at,
        purpose=status_list.purpose,
    )
    signed = proofs.sign_data_integrity(
        unsigned,
        private_bytes=services.issuer_key_private(key),
        verification_method=verification_method_id(key),
        created=issued_at,
    )
    cache.set(cache_key, signed, STATUS_LIST_CACHE_SECONDS)
    return signed


def status_list_for_url(url: str) -> dict[str, Any] | None:
    """The signed status list credential served at `url`, when `url` is one of ours."""
    zero = str(uuid.UUID(int=0))
    prefix = absolute(reverse("credentials:status_list", args=[zero])).removesuffix(zero)
    if not url.startswith(prefix):
        return None
    try:
        public_id = uuid.UUID(url[len(prefix) :].strip("/"))
    except ValueError:
        return None
    found = StatusList.objects.select_related("organisation").filter(public_id=public_id).first()
    if found is None:
        return None
    try:
        return status_list_credential(found)
    except Http404:
        return None


# -- verification ------------------------------------------------------------------------------


@dataclass
class Verification:
    """A verification report with what the platform knows of the issuer the credential names."""

    report: verify.Report
    issuer_id: str = ""
    key: IssuerKey | None = None

    @property
    def is_issuer_known(self) -> bool:
        return not self.issuer_id or organisation_for_did(self.issuer_id) is not None


def credential_verify(*, data: bytes | str, now: datetime.datetime | None = None) -> Verification:
    """Check a credential in any form (JWT, JSON, baked PNG or SVG) against the platform's issuer
    keys and status lists; say what passed and what failed."""
    now = now or timezone.now()
    calls: list[tuple[str, IssuerKey | None]] = []

    def resolve_key(issuer_id: str, key_id: str) -> bytes | None:
        key = key_for(issuer_id, key_id)
        calls.append((issuer_id, key))
        return keys.public_from_multibase(key.public_key_multibase) if key else None

    report = verify.verify_any(
        data, resolve_key=resolve_key, load_status_list=status_list_for_url, now=now
    )
    # The first key asked for is the credential's own; status lists ask after it.
    issuer_id, key = calls[0] if calls else ("", None)
    if key is not None and key.retired_at is not None and report.credential is not None:
        # A key signs nothing after it was retired: a later credential with it is forged.
        valid_from = ob3.parse_datetime(report.credential.get("validFrom"))
        if valid_from is None or valid_from > key.retired_at:
            for check in report.checks:
                if check.code == "issuer_key":
                    check.passed = False
                    check.message = (
                        f"The key {key.key_id} was retired on "
                        f"{key.retired_at:%Y-%m-%d %H:%M} UTC, before this credential says it "
                        "was issued."
                    )
            report.is_valid = False
    return Verification(report=report, issuer_id=issuer_id, key=key)


# -- people's credentials ----------------------------------------------------------------------


def credentials_of(*, user: Any) -> QuerySet[Credential]:
    """The credentials issued to `user`, newest first."""
    if not (user and user.is_authenticated):
        return Credential.objects.none()
    return Credential.objects.filter(learner=user).select_related("course", "issuer")


def credential_get_for_owner(*, user: Any, public_id: Any) -> Credential:
    """One of `user`'s own credentials, or 404."""
    found = credentials_of(user=user).filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def credentials_of_course(*, course: Course) -> QuerySet[Credential]:
    """The credentials issued for a course, newest first, with their learners."""
    return Credential.objects.filter(course=course).select_related("learner", "enrolment")


def credential_get_for_manage(*, user: Any, public_id: Any) -> Credential:
    """A credential the issuer's contacts (or the secretariat) may revoke, or 404."""
    found = (
        Credential.objects.select_related("course", "issuer", "learner")
        .filter(public_id=public_id)
        .first()
    )
    if found is None or not organisation_selectors.can_act_for(
        user=user, organisation=found.issuer
    ):
        raise Http404
    return found


def credential_get_shared(*, token: str) -> Credential:
    """A credential its learner shares by a public link, or 404 (also once they stop)."""
    found = (
        Credential.objects.select_related("course", "issuer")
        .filter(share_token=token, is_shared=True)
        .first()
        if token
        else None
    )
    if found is None:
        raise Http404
    return found


# -- issuing -----------------------------------------------------------------------------------


def can_manage_course(*, user: Any, course: Course) -> bool:
    """Whether `user` may issue and revoke the course's credentials."""
    return organisation_selectors.can_act_for(user=user, organisation=course.provider)


def enrolment_is_eligible(enrolment: Enrolment) -> bool:
    """Completed and passed, or attended when the course has no assessment."""
    if enrolment.status != Enrolment.Status.COMPLETED or enrolment.user_id is None:
        return False
    if enrolment.result == Enrolment.Result.PASSED:
        return True
    return (
        enrolment.result == Enrolment.Result.ATTENDED
        and enrolment.course.assessment_type == AssessmentType.NONE
    )


def enrolments_to_issue(*, course: Course) -> QuerySet[Enrolment]:
    """The course's enrolments that earned a credential and have none yet."""
    earned = Q(result=Enrolment.Result.PASSED)
    if course.assessment_type == AssessmentType.NONE:
        earned |= Q(result=Enrolment.Result.ATTENDED)
    return (
        Enrolment.objects.filter(
            course=course, status=Enrolment.Status.COMPLETED, user__isnull=False
        )
        .filter(earned)
        .filter(credential__isnull=True)
        .order_by("completed_at", "id")
    )


def enrolment_get_for_issue(*, user: Any, public_id: Any) -> Enrolment:
    """An enrolment whose course `user` manages, or 404."""
    found = (
        Enrolment.objects.select_related("course", "course__provider", "user")
        .filter(public_id=public_id)
        .first()
    )
    if found is None or not can_manage_course(user=user, course=found.course):
        raise Http404
    return found


def course_get_for_issue(*, user: Any, slug: str) -> Course:
    """A course whose credentials `user` may issue, or 404."""
    found = Course.objects.select_related("provider").filter(slug=slug).first()
    if found is None or not can_manage_course(user=user, course=found):
        raise Http404
    return found


def batch_get_for_view(*, user: Any, public_id: Any) -> IssueBatch:
    """An issuing batch of a course `user` manages, or 404."""
    found = (
        IssueBatch.objects.select_related("course", "course__provider")
        .filter(public_id=public_id)
        .first()
    )
    if found is None or not can_manage_course(user=user, course=found.course):
        raise Http404
    return found


def batch_active(*, course: Course) -> IssueBatch | None:
    """The course's batch that is waiting or running, if any."""
    return IssueBatch.objects.filter(course=course, status__in=IssueBatch.ACTIVE).first()


def batches_of(*, course: Course) -> QuerySet[IssueBatch]:
    return IssueBatch.objects.filter(course=course).order_by("-created_at", "-id")


def credential_of_enrolment(enrolment: Enrolment) -> Credential | None:
    """The enrolment's credential, if one was issued."""
    return Credential.objects.filter(enrolment=enrolment).first()
