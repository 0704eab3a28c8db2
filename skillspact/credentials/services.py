"""Writes for credentials: issuing (one enrolment, or a whole course in the background),
revoking, sharing, and rotating an issuer's keys.

Status list indexes are scarce: issuing locks the issuer organisation's row before it takes the
next free index of the issuer's status list, so two credentials issued at once never share a
bit (the unique `(status_list, status_index)` pair is the last guard; on SQLite the writing
transaction locks the whole database). Revoking locks the status list row before it flips the
credential's bit, so two revocations never overwrite each other's bits.
"""

from __future__ import annotations

import calendar
import datetime
import json
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skillspact.accounts.models import User
from skillspact.core import audit, emails, ratelimit
from skillspact.core.errors import DomainError, InvalidInput, InvalidState, NotPermitted
from skillspact.core.validation import full_clean
from skillspact.credentials import elm, keys, ob3, proofs, selectors, statuslist
from skillspact.credentials.models import (
    STATUS_LIST_BITS,
    Credential,
    IssueBatch,
    IssuerKey,
    StatusList,
    new_share_token,
)
from skillspact.organisations import selectors as organisation_selectors
from skillspact.organisations.models import Organisation
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.training.models import AssessmentType, Course, Enrolment, LearningOutcome

MAX_BATCH_ERRORS = 200


class NotEligible(DomainError):
    code = "not_eligible"
    status = 409
    default_message = gettext_lazy(
        "A credential is issued only for a completed enrolment that passed the assessment "
        "(or attended a course without assessment)."
    )


class AlreadyIssued(DomainError):
    code = "already_issued"
    status = 409
    default_message = gettext_lazy("A credential was already issued for this enrolment.")


class AlreadyRevoked(DomainError):
    code = "already_revoked"
    status = 409
    default_message = gettext_lazy("This credential is already revoked.")


class IssuerKeyLocked(DomainError):
    code = "issuer_key_locked"
    status = 409
    default_message = gettext_lazy(
        "The issuing key cannot be unlocked with this server's CREDENTIALS_SECRET_KEY. Restore "
        "the key it was stored with, or rotate to a new issuing key."
    )


# -- keys --------------------------------------------------------------------------------------


def _new_key(organisation: Organisation) -> IssuerKey:
    pair = keys.key_generate()
    key = IssuerKey(
        organisation=organisation,
        key_id=f"key-{secrets.token_hex(4)}",
        public_key_multibase=keys.public_multibase(pair.public_bytes),
        private_key_encrypted=keys.private_encrypt(
            pair.private_bytes, secret=settings.CREDENTIALS_SECRET_KEY
        ),
    )
    full_clean(key)
    key.save()
    return key


def issuer_key_private(key: IssuerKey) -> bytes:
    """The key's private half, decrypted with `settings.CREDENTIALS_SECRET_KEY`."""
    try:
        return keys.private_decrypt(
            key.private_key_encrypted, secret=settings.CREDENTIALS_SECRET_KEY
        )
    except keys.KeyDecryptionError as error:
        raise IssuerKeyLocked from error


def _lock_issuer(organisation: Organisation) -> Organisation:
    """Lock the issuer's row: keys and status indexes of one issuer change one at a time."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _active_key(organisation: Organisation) -> IssuerKey:
    """The issuer's active key, created on first use; the caller holds the issuer's lock."""
    key = IssuerKey.objects.filter(organisation=organisation, retired_at__isnull=True).first()
    if key is None:
        key = _new_key(organisation)
        audit.record(key, "credentials.issuer_key.created", actor=None, organisation=organisation)
    key.organisation = organisation
    return key


@transaction.atomic
def issuer_key_rotate(*, organisation: Organisation, actor: User) -> IssuerKey:
    """Retire the issuer's active key and sign with a new one from now on; the retired key
    stays published, so credentials it signed stay verifiable."""
    if not organisation_selectors.can_act_for(user=actor, organisation=organisation):
        raise NotPermitted(_("Only the organisation's contacts rotate its issuing key."))
    organisation = _lock_issuer(organisation)
    old = IssuerKey.objects.filter(organisation=organisation, retired_at__isnull=True).first()
    if old is not None:
        old.retired_at = timezone.now()
        old.save(update_fields=["retired_at", "updated_at"])
    key = _new_key(organisation)
    audit.record(
        key,
        "credentials.issuer_key.rotated",
        actor=actor,
        organisation=organisation,
        before={"key_id": old.key_id} if old else {},
        after={"key_id": key.key_id},
    )
    return key


# -- the credential's content ------------------------------------------------------------------


def _add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _course_url(course: Course) -> str:
    return selectors.absolute(reverse("training:detail", args=[course.slug]))


def _criteria(course: Course) -> str:
    if course.assessment_type == AssessmentType.NONE:
        return _("Took part in the whole course (%(hours)s hours).") % {"hours": course.hours}
    return _("Completed the course (%(hours)s hours) and passed the assessment: %(type)s.") % {
        "hours": course.hours,
        "type": course.get_assessment_type_display(),
    }


def achievement_of(course: Course, enrolment: Enrolment | None = None) -> dict[str, Any]:
    """The course as an Open Badges achievement: its outcomes aligned to ESCO skills, level,
    workload, language and the EU micro-credential elements."""
    outcomes = list(LearningOutcome.objects.filter(course=course).order_by("position", "id"))
    uris: list[str] = []
    for outcome in outcomes:
        for uri in outcome.skills or []:
            if uri not in uris:
                uris.append(uri)
    briefs = taxonomy_selectors.concepts_describe(uris, concept_type="skill")
    alignments = [
        {
            "targetName": briefs[uri].label if uri in briefs else uri,
            "targetUrl": uri,
            "targetFramework": "ESCO",
            "targetCode": uri.rstrip("/").rsplit("/", 1)[-1],
        }
        for uri in uris
    ]
    provider = course.provider
    mode = course.get_mode_display()
    if course.place:
        mode = f"{mode} ({course.place})"
    elements: dict[str, Any] = {
        "title": course.title,
        "awardingBody": provider.legal_name,
        "country": str(provider.country or course.country or ""),
        "learningOutcomes": [outcome.text for outcome in outcomes],
        "assessmentType": str(course.get_assessment_type_display()),
        "formOfParticipation": str(mode),
        "qualityAssurance": course.quality_assurance,
        "prerequisites": course.prerequisites,
        "supervisionAndIdentityVerification": str(course.get_supervision_display()),
        "gradeAchieved": enrolment.grade if enrolment is not None else "",
        "integrationAndStackability": course.stackability,
        "recognition": course.recognition,
        "furtherInformation": course.further_information,
    }
    achievement: dict[str, Any] = {
        "id": _course_url(course),
        "name": course.title,
        "description": course.summary or course.description[:1000] or course.title,
        "criteria": _criteria(course),
        "alignments": alignments,
        "hours": course.hours,
        "language": list(course.languages or []),
        "micro_credential": {
            name: value for name, value in elements.items() if value not in (None, "", [])
        },
    }
    if course.eqf_level:
        achievement["eqf_level"] = course.eqf_level
    if course.ects is not None:
        achievement["ects"] = float(course.ects)
    return achievement


def _take_status_index(organisation: Organisation) -> tuple[StatusList, int]:
    """The next free index of the issuer's status list (a new list when the last is full);
    the caller holds the issuer's lock, and the list row is locked too."""
    status_list = (
        StatusList.objects.select_for_update()
        .filter(
            organisation=organisation,
            purpose=StatusList.Purpose.REVOCATION,
            next_index__lt=STATUS_LIST_BITS,
        )
        .order_by("created_at", "id")
        .first()
    )
    if status_list is None:
        status_list = StatusList.objects.create(organisation=organisation)
    index = status_list.next_index
    status_list.next_index = index + 1
    status_list.save(update_fields=["next_index", "updated_at"])
    return status_list, index


def _document(
    credential: Credential, enrolment: Enrolment, organisation: Organisation
) -> dict[str, Any]:
    learner = enrolment.user
    assert learner is not None
    subject = {"id": f"urn:uuid:{credential.public_id}", "name": learner.full_name}
    return ob3.achievement_credential(
        credential_id=selectors.absolute(
            reverse("credentials:detail", args=[credential.public_id])
        ),
        issuer=selectors.issuer_profile(organisation),
        subject=subject,
        achievement=achievement_of(enrolment.course, enrolment),
        issued_at=credential.issued_at,
        valid_until=credential.valid_until,
        status=statuslist.status_entry(
            list_url=selectors.status_list_url(credential.status_list),
            index=credential.status_index,
        ),
        name=enrolment.course.title,
    )


# -- issuing -----------------------------------------------------------------------------------


@transaction.atomic
def credential_issue(
    *, enrolment: Enrolment, actor: User | None, notify: bool = True
) -> Credential:
    """Issue the enrolment's micro-credential, signed as VC-JWT and with a Data Integrity
    proof by the provider's active key; the learner is told by e-mail (unless `notify` is off,
    as for the demo's invented people)."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course", "course__provider", "user")
        .get(pk=enrolment.pk)
    )
    course = enrolment.course
    if not selectors.can_manage_course(user=actor, course=course):
        raise NotPermitted(_("Only the provider's contacts issue the course's credentials."))
    if Credential.objects.filter(enrolment=enrolment).exists():
        raise AlreadyIssued
    if not selectors.enrolment_is_eligible(enrolment):
        raise NotEligible
    organisation = _lock_issuer(course.provider)
    key = _active_key(organisation)
    private = issuer_key_private(key)
    status_list, index = _take_status_index(organisation)
    issued_at = timezone.now().replace(microsecond=0)
    valid_until = (
        _add_months(issued_at, course.credential_validity_months)
        if course.credential_validity_months
        else None
    )
    learner = enrolment.user
    assert learner is not None
    credential = Credential(
        public_id=uuid.uuid4(),
        enrolment=enrolment,
        course=course,
        learner=learner,
        issuer=organisation,
        issuer_key=key,
        status_list=status_list,
        status_index=index,
        issued_at=issued_at,
        valid_until=valid_until,
    )
    document = _document(credential, enrolment, organisation)
    method = selectors.verification_method_id(key)
    credential.document = document
    credential.jwt = proofs.sign_jwt(document, private_bytes=private, kid=method)
    credential.data_integrity = json.dumps(
        proofs.sign_data_integrity(
            document, private_bytes=private, verification_method=method, created=issued_at
        ),
        ensure_ascii=False,
    )
    full_clean(credential, exclude=["enrolment"])
    try:
        with transaction.atomic():
            credential.save()
    except IntegrityError as error:
        raise AlreadyIssued from error
    audit.record(
        credential,
        "credentials.credential.issued",
        actor=actor,
        organisation=organisation,
        after={"key_id": key.key_id, "status_index": index},
    )
    if notify and learner.is_active:
        emails.send_templated(
            "credentials/email/issued.txt",
            to=[learner.email],
            context={
                "credential": credential,
                "course": course,
                "issuer": organisation,
                "url": reverse("credentials:detail", args=[credential.public_id]),
            },
        )
    return credential


@transaction.atomic
def credential_revoke(
    *, credential: Credential, actor: User, reason: str, notify: bool = True
) -> Credential:
    """Revoke the credential: its status list bit is set, and the learner is told why."""
    credential = (
        Credential.objects.select_for_update(of=("self",))
        .select_related("course", "issuer", "learner")
        .get(pk=credential.pk)
    )
    if not organisation_selectors.can_act_for(user=actor, organisation=credential.issuer):
        raise NotPermitted(_("Only the issuer's contacts revoke its credentials."))
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the credential is revoked; the learner reads it.")
        raise InvalidInput(message, fields={"reason": [message]})
    if credential.is_revoked:
        raise AlreadyRevoked
    status_list = StatusList.objects.select_for_update().get(pk=credential.status_list_id)
    bits = bytearray(bytes(status_list.bits))
    statuslist.bit_set(bits, credential.status_index, True)
    status_list.bits = bytes(bits)
    status_list.save(update_fields=["bits", "updated_at"])
    credential.revoked_at = timezone.now()
    credential.revocation_reason = reason
    full_clean(credential, exclude=["enrolment"])
    credential.save(update_fields=["revoked_at", "revocation_reason", "updated_at"])
    audit.record(
        credential,
        "credentials.credential.revoked",
        actor=actor,
        organisation=credential.issuer,
        after={"reason": reason},
    )
    learner = credential.learner
    if notify and learner is not None and learner.is_active:
        emails.send_templated(
            "credentials/email/revoked.txt",
            to=[learner.email],
            context={
                "credential": credential,
                "course": credential.course,
                "issuer": credential.issuer,
                "reason": reason,
                "url": reverse("credentials:detail", args=[credential.public_id]),
            },
        )
    return credential


@transaction.atomic
def credential_share_set(*, credential: Credential, actor: User, is_shared: bool) -> Credential:
    """Turn the credential's public link on or off; turning it off makes a new link, so an
    old copy of the link stays dead when the learner shares again."""
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.learner_id is None or credential.learner_id != actor.pk:
        raise NotPermitted(_("Only the learner shares their credential."))
    if credential.is_shared == is_shared:
        return credential
    credential.is_shared = is_shared
    if not is_shared:
        credential.share_token = new_share_token()
    credential.save(update_fields=["is_shared", "share_token", "updated_at"])
    audit.record(
        credential,
        "credentials.credential.shared" if is_shared else "credentials.credential.unshared",
        actor=actor,
    )
    return credential


# -- batches -----------------------------------------------------------------------------------


@transaction.atomic
def batch_start(*, course: Course, actor: User) -> IssueBatch:
    """Queue the issuing of every credential the course's learners earned and do not have."""
    from skillspact.credentials import tasks

    if not selectors.can_manage_course(user=actor, course=course):
        raise NotPermitted(_("Only the provider's contacts issue the course's credentials."))
    course = Course.objects.select_for_update().get(pk=course.pk)
    if selectors.batch_active(course=course) is not None:
        raise InvalidState(_("Credentials for this course are already being issued."))
    total = selectors.enrolments_to_issue(course=course).count()
    if total == 0:
        raise InvalidState(_("Every learner who earned a credential in this course has one."))
    batch = IssueBatch(course=course, requested_by=actor, total=total)
    full_clean(batch)
    batch.save()
    audit.record(
        batch,
        "credentials.batch.started",
        actor=actor,
        organisation=course.provider,
        after={"total": total},
    )
    batch_id = batch.pk
    transaction.on_commit(lambda: tasks.issue_batch.enqueue(batch_id=batch_id))
    return batch


def batch_run(*, batch_id: int) -> IssueBatch | None:
    """Issue a batch's credentials one by one, counting progress; enrolments that have a
    credential meanwhile are skipped, so a second run (or a run after a crash) does no harm."""
    with transaction.atomic():
        batch = IssueBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status in (IssueBatch.Status.DONE, IssueBatch.Status.FAILED):
            return batch
        batch.status = IssueBatch.Status.RUNNING
        batch.started_at = batch.started_at or timezone.now()
        batch.save(update_fields=["status", "started_at", "updated_at"])
    actor = batch.requested_by
    for enrolment_id in list(
        selectors.enrolments_to_issue(course=batch.course).values_list("pk", flat=True)
    ):
        error = ""
        enrolment = Enrolment.objects.filter(pk=enrolment_id).first()
        if enrolment is None:
            continue
        try:
            credential_issue(enrolment=enrolment, actor=actor)
        except AlreadyIssued:
            continue
        except NotPermitted:
            _batch_stop(batch, _("The person who started this batch may no longer issue."))
            return batch
        except DomainError as problem:
            error = problem.message
        with transaction.atomic():
            locked = IssueBatch.objects.select_for_update().get(pk=batch.pk)
            if error:
                locked.failed += 1
                if len(locked.errors) < MAX_BATCH_ERRORS:
                    locked.errors = [
                        *locked.errors,
                        {"enrolment": str(enrolment.public_id), "message": error},
                    ]
            else:
                locked.done += 1
            locked.total = max(locked.total, locked.done + locked.failed)
            locked.save(update_fields=["done", "failed", "errors", "total", "updated_at"])
    with transaction.atomic():
        batch = IssueBatch.objects.select_for_update().get(pk=batch.pk)
        batch.status = IssueBatch.Status.DONE
        batch.finished_at = timezone.now()
        batch.save(update_fields=["status", "finished_at", "updated_at"])
        audit.record(
            batch,
            "credentials.batch.finished",
            actor=None,
            organisation=batch.course.provider,
            after={"done": batch.done, "failed": batch.failed},
        )
        if actor is not None and actor.is_active:
            emails.send_templated(
                "credentials/email/batch_finished.txt",
                to=[actor.email],
                context={
                    "batch": batch,
                    "course": batch.course,
                    "url": reverse("credentials:batch", args=[batch.public_id]),
                },
            )
    return batch


def _batch_stop(batch: IssueBatch, message: str) -> None:
    with transaction.atomic():
        locked = IssueBatch.objects.select_for_update().get(pk=batch.pk)
        locked.status = IssueBatch.Status.FAILED
        locked.finished_at = timezone.now()
        locked.errors = [*locked.errors, {"enrolment": "", "message": message}]
        locked.save(update_fields=["status", "finished_at", "errors", "updated_at"])
        batch.status = locked.status


# -- verification and exports ------------------------------------------------------------------

VERIFY_LIMIT = 60
VERIFY_WINDOW = 600


class VerifyRateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = gettext_lazy(
        "You have verified many credentials in a short time. Please wait a few minutes and "
        "try again."
    )


def verification_allow(*, client_address: str) -> None:
    """Count one verification from `client_address`; refuse past the limit, as for every
    public write."""
    identity = f"address:{client_address or 'unknown'}"
    if ratelimit.is_limited("credentials.verify", identity, limit=VERIFY_LIMIT):
        raise VerifyRateLimited
    ratelimit.hit("credentials.verify", identity, window=VERIFY_WINDOW)


def elm_export(credential: Credential) -> dict[str, Any]:
    """The credential's achievement in the European Learning Model (JSON-LD), unsigned, for an
    European Digital Credentials issuer to seal."""
    document = credential.document
    subject = document.get("credentialSubject") or {}
    enrolment = credential.enrolment
    return elm.elm_credential(
        credential_id=document.get("id") or f"urn:uuid:{credential.public_id}",
        issuer=selectors.issuer_profile(credential.issuer),
        subject={"id": subject.get("id"), "name": subject.get("name", "")},
        achievement=achievement_of(credential.course, enrolment),
        issued_at=credential.issued_at,
        valid_until=credential.valid_until,
    )


CHECK_LABELS = {
    "format": gettext_lazy("Readable credential"),
    "signature": gettext_lazy("Signature"),
    "proof": gettext_lazy("Signature"),
    "issuer": gettext_lazy("Issuer"),
    "issuer_key": gettext_lazy("Issuer's key"),
    "key": gettext_lazy("Issuer's key"),
    "dates": gettext_lazy("Validity dates"),
    "validity": gettext_lazy("Validity dates"),
    "expiry": gettext_lazy("Validity dates"),
    "status": gettext_lazy("Revocation"),
    "revocation": gettext_lazy("Revocation"),
}
FORMAT_LABELS = {
    "vc-jwt": gettext_lazy("VC-JWT (JOSE)"),
    "data-integrity": gettext_lazy("JSON with a Data Integrity proof (eddsa-rdfc-2022)"),
    "png": gettext_lazy("Badge image (PNG) with a baked credential"),
    "svg": gettext_lazy("Badge image (SVG) with a baked credential"),
}


def verification_explained(verification: selectors.Verification) -> dict[str, Any]:
    """The verification report in plain words for people and the API: a credential from an
    issuer this platform does not know says so, rather than only "key not found"."""
    report, issuer_id = verification.report, verification.issuer_id
    is_foreign = not verification.is_issuer_known
    checks = []
    for check in report.checks:
        message = check.message
        if is_foreign and not check.passed and check.code in ("signature", "issuer_key"):
            message = _(
                "The issuer “%(issuer)s” is unknown to this platform: its keys are not published "
                "here, so this page cannot check its signature. Ask the issuer how to verify it."
            ) % {"issuer": issuer_id}
        checks.append(
            {
                "code": check.code,
                "passed": check.passed,
                "message": message,
                "label": str(CHECK_LABELS.get(check.code, check.code.replace("_", " "))),
            }
        )
    credential = report.credential if isinstance(report.credential, dict) else {}
    return {
        "is_valid": bool(report.is_valid),
        "format": report.format,
        "format_label": str(FORMAT_LABELS.get(report.format, report.format or "—")),
        "checks": checks,
        "summary": str(credential.get("name") or ""),
        "issuer_id": issuer_id,
    }
