"""Commitments, their yearly targets, reporting windows, progress reports and the KPI roll-up.

A member organisation pledges a commitment; every year, in the secretariat's reporting window,
it reports progress on each published commitment. The roll-up (`rollup.py`) turns submitted
reports into `KpiClaim` rows — one per organisation whose figures a report carries — decides
which claims count and which are set aside as overlaps, and sums the counted ones into
`KpiCell` rows that dashboards, the annual report and the API read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from skillspact.core.models import BaseModel

FIRST_YEAR = 2021
TARGET_YEAR = 2030


class Principle(models.TextChoices):
    """The four principles of the Pact for Skills charter."""

    LIFELONG_LEARNING = "lifelong_learning", _("Promoting a culture of lifelong learning for all")
    PARTNERSHIPS = "partnerships", _("Building strong skills partnerships")
    INTELLIGENCE = "intelligence", _("Monitoring skills supply and demand and anticipating needs")
    EQUALITY = (
        "equality",
        _("Working against discrimination and for gender equality and equal opportunities"),
    )


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    DELAYED = "delayed", _("Delayed")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


# Statuses that count as "progressing" in the KPIs.
PROGRESSING = (ProgressStatus.ON_TRACK, ProgressStatus.COMPLETED)

# The figures a report gives, in the order forms, exports and the roll-up show them.
METRICS = ("people_trained", "people_reached", "programmes", "stakeholders", "euros")
# The breakdown of people trained by gender; when given, it adds up to the total.
GENDER_FIELDS = ("trained_women", "trained_men", "trained_other_gender", "trained_gender_unknown")
# Every number a report holds, in form order.
FIGURE_FIELDS = (
    "people_trained",
    *GENDER_FIELDS,
    "people_reached",
    "programmes",
    "stakeholders",
    "euros",
)


class Commitment(BaseModel):
    """A member organisation's pledge of upskilling and reskilling actions up to 2030."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Returned for changes")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", pgettext_lazy("commitment status", "Withdrawn")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=8000, blank=True)
    principles = models.JSONField(_("charter principles"), default=list, blank=True)
    countries = CountryField(_("countries covered"), multiple=True, blank=True)
    regions = models.JSONField(_("NUTS-2 regions covered"), default=list, blank=True)
    partners = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="partner_commitments",
        verbose_name=_("partner organisations"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    review_note = models.TextField(_("note from the secretariat"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Lower-cased title and description, for the list's text search.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [models.Index(fields=["status", "organisation"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["draft", "submitted", "returned", "published", "withdrawn"]
                ),
                name="commitments_commitment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="commitments_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        """Whether a contact may change it (drafts and returned freely, published by amendment)."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED, self.Status.PUBLISHED)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def principle_labels(self) -> list[str]:
        return [str(Principle(p).label) for p in self.principles if p in Principle.values]


class CommitmentConcept(models.Model):
    """A target occupation (ESCO or local role) or target skill of a commitment, by URI."""

    class Kind(models.TextChoices):
        OCCUPATION = "occupation", _("Target group (occupation)")
        SKILL = "skill", _("Target skill")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="concepts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    uri = models.CharField(_("URI"), max_length=255)
    esco_version = models.CharField(_("ESCO version"), max_length=20)
    label = models.CharField(_("label"), max_length=300)
    # Read from the ESCO collections when the concept is stored, so the KPIs need no join.
    is_green = models.BooleanField(_("green"), default=False)
    is_digital = models.BooleanField(_("digital"), default=False)
    # ISCO-08 major group ("2" professionals ...) of an occupation, for the KPI breakdown.
    isco_major = models.CharField(max_length=1, blank=True)

    class Meta:
        ordering = ["kind", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "kind", "uri"], name="commitments_concept_unique"
            )
        ]

    def __str__(self) -> str:
        return self.label


class CommitmentTarget(models.Model):
    """What a commitment pledges for one year (the figures of that year, not cumulative)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    people = models.PositiveIntegerField(_("people to upskill or reskill"), default=0)
    programmes = models.PositiveIntegerField(_("training programmes"), default=0)
    euros = models.PositiveBigIntegerField(_("euros to invest"), default=0)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "year"], name="commitments_target_year"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=TARGET_YEAR),
                name="commitments_target_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} {self.year}"


class CommitmentRevision(models.Model):
    """The content of a commitment before an amendment: its history."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    content = models.JSONField(_("content"))
    reason = models.TextField(_("reason for the amendment"), blank=True)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "number"], name="commitments_revision")
        ]

    def __str__(self) -> str:
        return f"{self.commitment} r{self.number}"


class ReportingWindow(BaseModel):
    """The period in which members report on one year; reports lock when it closes."""

    year = models.PositiveSmallIntegerField(_("year reported on"), unique=True)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"), help_text=_("Last day on which reports can change."))
    reminder_days = models.JSONField(_("reminders (days before closing)"), default=list, blank=True)
    # Days whose reminder has gone out, so a task that runs twice sends once.
    reminders_sent = models.JSONField(default=list, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("reporting window")
        verbose_name_plural = _("reporting windows")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="commitments_window_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=TARGET_YEAR),
                name="commitments_window_year_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def is_open(self, today: object = None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on  # type: ignore[operator]

    def is_closed(self, today: object = None) -> bool:
        today = today or timezone.localdate()
        return today > self.closes_on  # type: ignore[operator]

    @property
    def state(self) -> str:
        if self.is_open():
            return "open"
        return "closed" if self.is_closed() else "scheduled"


class ProgressReport(BaseModel):
    """What a member reports on one commitment for one year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", pgettext_lazy("report status", "Submitted")

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="reports")
    window = models.ForeignKey(ReportingWindow, on_delete=models.PROTECT, related_name="reports")
    # The organisation at the time of reporting (the commitment's), kept for the roll-up.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="progress_reports"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    progress_status = models.CharField(
        _("progress"), max_length=12, choices=ProgressStatus.choices, blank=True
    )
    people_trained = models.PositiveIntegerField(_("people trained"), null=True, blank=True)
    trained_women = models.PositiveIntegerField(_("of whom women"), null=True, blank=True)
    trained_men = models.PositiveIntegerField(_("of whom men"), null=True, blank=True)
    trained_other_gender = models.PositiveIntegerField(
        _("of whom another gender"), null=True, blank=True
    )
    trained_gender_unknown = models.PositiveIntegerField(
        _("of whom gender not known"), null=True, blank=True
    )
    people_reached = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    programmes = models.PositiveIntegerField(
        _("training programmes created or updated"), null=True, blank=True
    )
    stakeholders = models.PositiveIntegerField(
        _("stakeholders engaged in partnerships"), null=True, blank=True
    )
    euros = models.PositiveBigIntegerField(_("euros invested"), null=True, blank=True)
    narrative = models.TextField(_("what happened this year"), max_length=4000, blank=True)
    evidence_links = models.JSONField(_("evidence links"), default=list, blank=True)
    includes_other_organisations = models.BooleanField(
        _("these figures include other organisations"), default=False
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set by the secretariat to let a report change after its window closed.
    is_reopened = models.BooleanField(_("reopened"), default=False)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        ordering = ["-window__year", "commitment__title"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "window"], name="commitments_one_report_per_year"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="commitments_submitted_has_date",
            ),
        ]
        indexes = [models.Index(fields=["window", "status"])]

    def __str__(self) -> str:
        return f"{self.commitment} — {self.window.year}"

    @property
    def year(self) -> int:
        return self.window.year

    @property
    def is_editable(self) -> bool:
        """Members may change a report while its window is open, or after a reopening."""
        if self.is_reopened:
            return True
        return self.window.is_open()

    def gender_breakdown(self) -> list[int | None]:
        return [
            self.trained_women,
            self.trained_men,
            self.trained_other_gender,
            self.trained_gender_unknown,
        ]


class ReportOccupation(models.Model):
    """People trained in one target occupation, where the member knows it."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="occupation_figures"
    )
    uri = models.CharField(_("occupation"), max_length=255)
    label = models.CharField(max_length=300)
    people_trained = models.PositiveIntegerField(_("people trained"))

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["report", "uri"], name="commitments_report_occupation")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.people_trained}"


class ReportInclusion(models.Model):
    """The part of a report's figures that belongs to another organisation (e.g. an umbrella's
    member); the roll-up uses it to count that organisation once."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="inclusions")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    people_trained = models.PositiveIntegerField(_("people trained"), default=0)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    programmes = models.PositiveIntegerField(_("programmes"), default=0)
    stakeholders = models.PositiveIntegerField(_("stakeholders"), default=0)
    euros = models.PositiveBigIntegerField(_("euros"), default=0)

    class Meta:
        ordering = ["organisation__legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "organisation"], name="commitments_inclusion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} ⊃ {self.organisation}"


class ReportReopening(models.Model):
    """The secretariat let a report change after its window closed: who, when and why."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="reopenings")
    reason = models.TextField(_("reason"))
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.report}: {self.reason[:40]}"


class OverlapResolution(models.Model):
    """The secretariat's decision on which report counts an organisation's figures for a year.

    `counted_report` empty means: the organisation's own reports count and every report that
    includes it is set aside; otherwise that report's inclusion counts and all others —
    the organisation's own reports included — are set aside.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    counted_report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "organisation"], name="commitments_overlap_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.organisation}"


class KpiClaim(models.Model):
    """One organisation's figures in one submitted report, and whether the roll-up counts them.

    Rebuilt from the reports by `rollup.rebuild_year()`; never edited by hand.
    """

    class Kind(models.TextChoices):
        OWN = "own", _("Own figures")
        INCLUDED = "included", _("Included by another organisation")

    class SetAside(models.TextChoices):
        COUNTED = "", _("Counted")
        SELF_REPORTED = "self_reported", _("The organisation reported these figures itself")
        RESOLVED = "resolved", _("Another report counts them (secretariat's decision)")
        CONFLICT = "conflict", _("Several organisations included it; awaiting the secretariat")

    year = models.PositiveSmallIntegerField()
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="+")
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    reporter = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    set_aside = models.CharField(max_length=16, choices=SetAside.choices, blank=True)
    people_trained = models.PositiveIntegerField(default=0)
    people_reached = models.PositiveIntegerField(default=0)
    programmes = models.PositiveIntegerField(default=0)
    stakeholders = models.PositiveIntegerField(default=0)
    euros = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["year", "organisation"]),
            models.Index(fields=["year", "set_aside"]),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.organisation_id} {self.kind} {self.set_aside or 'counted'}"

    @property
    def is_counted(self) -> bool:
        return not self.set_aside


class KpiCell(models.Model):
    """Counted figures summed per year, country and stakeholder type of the organisation, and
    one dimension value (`dimension` "" is the total; others: principle, occupation group,
    skill area) — what dashboards, the annual report and the API read."""

    year = models.PositiveSmallIntegerField()
    country = models.CharField(max_length=2)
    stakeholder_type = models.CharField(max_length=40)
    dimension = models.CharField(max_length=20, blank=True)
    value = models.CharField(max_length=40, blank=True)
    organisations = models.PositiveIntegerField(default=0)
    reports = models.PositiveIntegerField(default=0)
    progressing = models.PositiveIntegerField(default=0)
    people_trained = models.PositiveBigIntegerField(default=0)
    people_reached = models.PositiveBigIntegerField(default=0)
    programmes = models.PositiveBigIntegerField(default=0)
    stakeholders = models.PositiveBigIntegerField(default=0)
    euros = models.PositiveBigIntegerField(default=0)
    set_aside_people = models.PositiveBigIntegerField(default=0)
    set_aside_euros = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["dimension", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.country} {self.stakeholder_type} {self.dimension}={self.value}"


class KpiState(models.Model):
    """Per year: whether the cells match the reports. Writes mark a year stale; the roll-up
    marks it fresh; a reader that finds it stale rebuilds before reading."""

    year = models.PositiveSmallIntegerField(unique=True)
    is_stale = models.BooleanField(default=True)
    changed_at = models.DateTimeField(default=timezone.now)
    built_at = models.DateTimeField(null=True, blank=True)
    build_seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.year} {'stale' if self.is_stale else 'fresh'}"
