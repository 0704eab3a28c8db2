"""Verifiable micro-credentials: issuers' signing keys, status lists, credentials and batches.

Each provider organisation signs with its own Ed25519 `IssuerKey`; the private half is stored
encrypted with `settings.CREDENTIALS_SECRET_KEY`. Rotating a key retires the old one without
deleting it: retired keys stay in the issuer's DID document, so credentials signed before the
rotation stay verifiable.

A `Credential` is an Open Badges 3.0 `OpenBadgeCredential` kept in both proof forms (VC-JWT and
Data Integrity `eddsa-rdfc-2022`). Its revocation bit lives at `status_index` of a `StatusList`
(W3C Bitstring Status List): the pair is unique, so two credentials never share a bit.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from skillspact.core.models import BaseModel
from skillspact.credentials.statuslist import STATUS_LIST_SIZE

# 131,072 bits: the minimum size the Bitstring Status List specification asks for, so that an
# observer cannot tell which credential a verifier checks ("herd privacy").
STATUS_LIST_BITS = STATUS_LIST_SIZE
STATUS_LIST_BYTES = STATUS_LIST_BITS // 8


def new_share_token() -> str:
    """A random, unguessable token for a credential's public link."""
    return secrets.token_urlsafe(24)


def empty_bits() -> bytes:
    return bytes(STATUS_LIST_BYTES)


class IssuerKey(BaseModel):
    """One Ed25519 key of an issuing organisation; at most one is active at a time."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="issuer_keys"
    )
    # The fragment of the verification method in the issuer's DID document: "key-3f9a0c1d".
    key_id = models.CharField(_("key id"), max_length=40)
    public_key_multibase = models.CharField(_("public key (multibase)"), max_length=100)
    private_key_encrypted = models.TextField(_("private key (encrypted)"), editable=False)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        ordering = ["organisation", "created_at", "id"]
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key_id"], name="credentials_issuer_key_id_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(retired_at__isnull=True),
                name="credentials_one_active_key_per_issuer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}#{self.key_id}"

    @property
    def is_active(self) -> bool:
        return self.retired_at is None


class StatusList(BaseModel):
    """A Bitstring Status List of one issuer: bit n set means credential n is revoked."""

    class Purpose(models.TextChoices):
        REVOCATION = "revocation", _("Revocation")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="status_lists"
    )
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.REVOCATION
    )
    bits = models.BinaryField(_("bits"), max_length=STATUS_LIST_BYTES, default=empty_bits)
    next_index = models.PositiveIntegerField(_("next free index"), default=0)

    class Meta:
        ordering = ["organisation", "created_at", "id"]
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_index__lte=STATUS_LIST_BITS),
                name="credentials_status_list_index_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"status list {str(self.public_id)[:8]}"

    @property
    def is_full(self) -> bool:
        return self.next_index >= STATUS_LIST_BITS


class Credential(BaseModel):
    """A micro-credential issued to a learner for a completed enrolment."""

    enrolment = models.OneToOneField(
        "training.Enrolment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credential",
    )
    course = models.ForeignKey(
        "training.Course", on_delete=models.PROTECT, related_name="credentials"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credentials",
    )
    issuer = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="issued_credentials"
    )
    issuer_key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="+")
    # The credential as issued, before any proof; the two signed forms follow.
    document = models.JSONField(_("credential"), default=dict)
    jwt = models.TextField(_("VC-JWT"))
    # Kept as the exact JSON text that was signed, not re-serialised by the database.
    data_integrity = models.TextField(_("credential with Data Integrity proof"))
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    status_index = models.PositiveIntegerField(_("status list index"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    share_token = models.CharField(max_length=64, unique=True, default=new_share_token)
    is_shared = models.BooleanField(_("shared by a public link"), default=False)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="credentials_status_index_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("issued_at")),
                name="credentials_credential_valid_after_issue",
            ),
        ]
        indexes = [models.Index(fields=["learner", "issued_at"])]

    def __str__(self) -> str:
        # No learner name: this label is copied into the audit log.
        return f"{self.course} · credential {str(self.public_id)[:8]}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until <= timezone.now()


class IssueBatch(BaseModel):
    """Issuing the credentials of a whole course in the background, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Issuing")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Stopped with an error")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    course = models.ForeignKey(
        "training.Course", on_delete=models.CASCADE, related_name="credential_batches"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("to issue"), default=0)
    done = models.PositiveIntegerField(_("issued"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    # [{"enrolment": "<public id>", "message": "..."}] in the order they happened.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("issuing batch")
        verbose_name_plural = _("issuing batches")

    def __str__(self) -> str:
        return f"{self.course} · batch {str(self.public_id)[:8]}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * (self.done + self.failed) / self.total))
