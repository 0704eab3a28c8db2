"""Organisations, their people, membership applications, invitations and working groups."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from skillspact.core.models import BaseModel


class StakeholderType(models.TextChoices):
    EDUCATION_VET = "education_vet", _("Education and training provider — VET")
    EDUCATION_HIGHER = "education_higher", _("Education and training provider — higher education")
    EDUCATION_OTHER = "education_other", _("Education and training provider — other")
    HEALTHCARE_PROVIDER = "healthcare_provider", _("Healthcare provider")
    INDUSTRY_MEDTECH = "industry_medtech", _("Industry — MedTech")
    INDUSTRY_PHARMA = "industry_pharma", _("Industry — pharma")
    INDUSTRY_BIOTECH = "industry_biotech", _("Industry — biotech")
    INDUSTRY_DIGITAL_HEALTH = "industry_digital_health", _("Industry — digital health")
    INDUSTRY_OTHER = "industry_other", _("Industry — other")
    PUBLIC_NATIONAL = "public_national", _("Public authority — national")
    PUBLIC_REGIONAL = "public_regional", _("Public authority — regional")
    PUBLIC_LOCAL = "public_local", _("Public authority — local")
    SOCIAL_PARTNER_EMPLOYERS = "social_partner_employers", _("Social partner — employers")
    SOCIAL_PARTNER_TRADE_UNION = "social_partner_trade_union", _("Social partner — trade union")
    LABOUR_MARKET_ACTOR = "labour_market_actor", _("Labour-market actor")
    RESEARCH = "research", _("Research institution")
    PROFESSIONAL_ASSOCIATION = "professional_association", _("Professional association or network")
    CIVIL_SOCIETY = "civil_society", _("Patient or civil-society organisation")
    OTHER = "other", _("Other")


class SizeBand(models.TextChoices):
    MICRO = "micro", _("Micro (fewer than 10 people)")
    SMALL = "small", _("Small (10–49)")
    MEDIUM = "medium", _("Medium (50–249)")
    LARGE = "large", _("Large (250 or more)")


class Interest(models.Model):
    """An area of interest members tag themselves with (digital health, green skills, ...)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("area of interest")
        verbose_name_plural = _("areas of interest")

    def __str__(self) -> str:
        return self.name


class OrganisationProfile(models.Model):
    """The fields an organisation and an application for it share."""

    legal_name = models.CharField(_("legal name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    stakeholder_type = models.CharField(
        _("stakeholder type"), max_length=40, choices=StakeholderType.choices
    )
    country = CountryField(_("country"))
    nuts2 = models.CharField(
        _("NUTS-2 region"), max_length=4, blank=True, help_text=_("For example BE10 or ES30.")
    )
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=4000, blank=True)

    class Meta:
        abstract = True


class Organisation(BaseModel, OrganisationProfile):
    """An organisation known to the partnership; a member once its application is approved."""

    class Status(models.TextChoices):
        MEMBER = "member", _("Member")
        LEFT = "left", _("Former member")

    slug = models.SlugField(max_length=120, unique=True)
    status = models.CharField(
        _("membership"), max_length=10, choices=Status.choices, default=Status.MEMBER
    )
    website_domain = models.CharField(max_length=253, blank=True, db_index=True)
    interests = models.ManyToManyField(
        Interest, blank=True, related_name="organisations", verbose_name=_("areas of interest")
    )
    networks = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="network_members",
        verbose_name=_("member of networks"),
        help_text=_("Umbrella networks this organisation belongs to."),
    )
    is_listed = models.BooleanField(_("listed in the public directory"), default=True)
    pact_registration_ref = models.CharField(_("Pact for Skills reference"), max_length=60)
    joined_at = models.DateTimeField(_("member since"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    # Lower-cased name, acronym and description: what the directory's text search reads.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["status", "is_listed", "legal_name"]),
            models.Index(fields=["country", "stakeholder_type"]),
            models.Index(fields=["joined_at"]),
            # The directory: listed members of one country, by name.
            models.Index(
                fields=["country", "legal_name", "id"],
                condition=Q(status="member", is_listed=True),
                name="organisations_listed_country",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="left") | Q(left_at__isnull=True),
                name="organisations_left_at_only_when_left",
            )
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def is_member(self) -> bool:
        return self.status == self.Status.MEMBER

    @property
    def stakeholder_type_label(self) -> str:
        """The type's label; cheaper than get_stakeholder_type_display() in long lists."""
        return str(StakeholderType(self.stakeholder_type).label)

    @property
    def display_name(self) -> str:
        return f"{self.legal_name} ({self.acronym})" if self.acronym else self.legal_name


class Affiliation(models.Model):
    """A person's link to an organisation: a contact acts for it, a member belongs to it."""

    class Role(models.TextChoices):
        CONTACT = "contact", _("Organisation contact")
        MEMBER = "member", _("Member")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="affiliations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliations"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="organisations_one_affiliation_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class MembershipApplication(BaseModel, OrganisationProfile):
    """An application for an organisation to join the partnership, and its review."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, awaiting review")
        INFO_REQUESTED = "info_requested", _("More information requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATUSES = (Status.SUBMITTED, Status.INFO_REQUESTED)
    EDITABLE_STATUSES = (Status.DRAFT, Status.INFO_REQUESTED)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="membership_applications",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    interests = models.ManyToManyField(Interest, blank=True, verbose_name=_("areas of interest"))
    pact_registration_ref = models.CharField(
        _("Pact for Skills registration reference"),
        max_length=60,
        blank=True,
        help_text=_("The reference you received when your organisation signed the Pact."),
    )
    has_consented_to_charter = models.BooleanField(
        _("we subscribe to the partnership’s charter"), default=False
    )
    motivation = models.TextField(_("why you want to join"), max_length=4000, blank=True)
    website_domain = models.CharField(max_length=253, blank=True, db_index=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        help_text=_("The member organisation created on approval."),
    )

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return self.legal_name or str(_("(untitled application)"))

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ApplicationMessage(models.Model):
    """One message in an application's review: a request for information, a reply, a decision."""

    class Kind(models.TextChoices):
        INFO_REQUEST = "info_request", _("Request for information")
        REPLY = "reply", _("Reply")
        DECISION = "decision", _("Decision")

    application = models.ForeignKey(
        MembershipApplication, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


def _invitation_expiry() -> datetime:
    return timezone.now() + timedelta(days=14)


class Invitation(BaseModel):
    """An invitation by e-mail to become a contact or member of an organisation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", pgettext_lazy("invitation", "Revoked")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Affiliation.Role.choices, default=Affiliation.Role.CONTACT
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(status="pending"),
                name="organisations_one_pending_invitation_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()


class WorkingGroup(BaseModel):
    """A thematic working group the secretariat runs; member organisations join it."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    organisations = models.ManyToManyField(
        Organisation, through="WorkingGroupMembership", related_name="working_groups"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def __str__(self) -> str:
        return self.name


class WorkingGroupMembership(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "organisation"], name="organisations_one_group_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.group}"


class WorkingGroupMeeting(BaseModel):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    location = models.CharField(_("place or online link"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda"), max_length=4000, blank=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


def _document_path(instance: WorkingGroupDocument, filename: str) -> str:
    return f"working-groups/{instance.group.public_id}/{instance.public_id}/{filename}"


class WorkingGroupDocument(BaseModel):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=300)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
