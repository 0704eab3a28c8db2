"""Strategy documents in versions and sections, the public consultations on them, what
respondents say (ratings, comments, amendments, answers), moderation, and "you said, we did".

A `StrategyVersion` is split into numbered `Section`s; a `Consultation` runs on one version in
phases. A `Respondent` is one person (signed in, or anonymous with a cookie key) in one
consultation, with a short profile. When the secretariat publishes the next version, each
`SectionChange` between the versions can be linked to the comments and amendments that led to it
through `Outcome` rows, which respondents see on their own page and by e-mail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from skillspact.core.models import BaseModel
from skillspact.organisations.models import StakeholderType

# Reports by this many different people hide a comment until the secretariat decides.
HIDE_AFTER_REPORTS = 3


class StrategyDocument(BaseModel):
    """A strategy the partnership co-creates; its text lives in versions."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("strategy document")
        verbose_name_plural = _("strategy documents")

    def __str__(self) -> str:
        return self.title


class StrategyVersion(BaseModel):
    """One version of a strategy: a draft while the secretariat edits it, then published."""

    document = models.ForeignKey(
        StrategyDocument, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("what changed"), max_length=4000, blank=True)
    source_name = models.CharField(_("imported from"), max_length=200, blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_versions"
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="consultations_version"),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False),
                name="consultations_version_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class Section(models.Model):
    """A numbered part of a version ("2.3 Digital skills for nurses"), its text in Markdown.

    `key` stays the same for the same section across versions, so changes can be paired.
    """

    version = models.ForeignKey(StrategyVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=20)
    level = models.PositiveSmallIntegerField(default=1)
    heading = models.CharField(_("heading"), max_length=300)
    body = models.TextField(_("text"), max_length=50_000, blank=True)
    key = models.SlugField(max_length=120)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="consultations_section_position"
            ),
            models.UniqueConstraint(fields=["version", "key"], name="consultations_section_key"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3), name="consultations_section_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.heading}"


class Consultation(BaseModel):
    """A public consultation on one version, between two dates, in phases."""

    class Phase(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        OPEN = "open", _("Open for comments")
        ANALYSIS = "analysis", _("Under analysis")
        RESULTS = "results", _("Results published")

    version = models.ForeignKey(
        StrategyVersion, on_delete=models.PROTECT, related_name="consultations"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    introduction = models.TextField(_("introduction"), max_length=8000, blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, default=Phase.DRAFT)
    allows_anonymous = models.BooleanField(_("people may answer without an account"), default=False)
    # The version published in answer to this consultation ("you said, we did").
    result_version = models.ForeignKey(
        StrategyVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answered_consultations",
    )
    results_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="consultations_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_accepting(self, now: object = None) -> bool:
        """Whether respondents can write now: the open phase, between the dates."""
        now = now or timezone.now()
        return self.phase == self.Phase.OPEN and self.opens_at <= now < self.closes_at  # type: ignore[operator]


class GeneralQuestion(models.Model):
    """A question the secretariat asks of every respondent, beside the sections."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Free text")
        CHOICE = "choice", _("One choice")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        ordering = ["consultation", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Respondent(BaseModel):
    """One person in one consultation, with the short profile every respondent gives."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="respondents"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_responses",
    )
    # SHA-256 of the anonymous respondent's cookie; the cookie itself is never stored.
    anonymous_key = models.CharField(max_length=64, blank=True)
    stakeholder_type = models.CharField(
        _("you answer as"), max_length=40, choices=StakeholderType.choices
    )
    country = CountryField(_("country"))
    answers_for_organisation = models.BooleanField(
        _("I answer on behalf of an organisation"), default=False
    )
    organisation_name = models.CharField(_("organisation"), max_length=255, blank=True)
    is_anonymised = models.BooleanField(
        _("leave my name out of published results and exports"), default=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"],
                condition=Q(user__isnull=False),
                name="consultations_one_respondent_per_user",
            ),
            models.UniqueConstraint(
                fields=["consultation", "anonymous_key"],
                condition=~Q(anonymous_key=""),
                name="consultations_one_respondent_per_key",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(anonymous_key=""),
                name="consultations_respondent_is_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} — {self.pk}"


class Rating(models.Model):
    """Whether a respondent supports a section; one per respondent and section."""

    class Stance(models.TextChoices):
        SUPPORT = "support", _("I support it")
        NEUTRAL = "neutral", _("Neutral")
        OPPOSE = "oppose", _("I oppose it")

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="ratings")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="ratings")
    stance = models.CharField(max_length=10, choices=Stance.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "section"], name="consultations_rating_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.section}: {self.stance}"


class Comment(BaseModel):
    """A comment on a section (or a reply to one), in Markdown rendered safely."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden, awaiting moderation")
        REMOVED = "removed", _("Removed by the moderators")

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(_("comment"), max_length=5000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    report_count = models.PositiveIntegerField(default=0)
    theme = models.ForeignKey(
        "Theme", null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )

    class Meta:
        ordering = ["published_at", "id"]
        indexes = [models.Index(fields=["section", "status"])]

    def __str__(self) -> str:
        return self.body[:60]


class Amendment(BaseModel):
    """Replacement text a respondent proposes for a section, shown as a diff."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden, awaiting moderation")
        REMOVED = "removed", _("Removed by the moderators")

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="amendments")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField(_("proposed text"), max_length=50_000)
    rationale = models.TextField(_("why"), max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    report_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["published_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "section"], name="consultations_one_amendment_per_section"
            )
        ]

    def __str__(self) -> str:
        return f"{self.section}: {self.text[:40]}"


class Answer(models.Model):
    """A respondent's answer to a general question."""

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(GeneralQuestion, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(max_length=5000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "question"], name="consultations_answer_once"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ContentReport(models.Model):
    """Someone flags a comment or an amendment; once per person and item."""

    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    # A signed-in reporter's user id, or the hashed cookie of an anonymous one.
    reporter_key = models.CharField(max_length=80)
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    is_resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter_key"],
                condition=Q(comment__isnull=False),
                name="consultations_report_comment_once",
            ),
            models.UniqueConstraint(
                fields=["amendment", "reporter_key"],
                condition=Q(amendment__isnull=False),
                name="consultations_report_amendment_once",
            ),
            models.CheckConstraint(
                condition=Q(comment__isnull=False, amendment__isnull=True)
                | Q(comment__isnull=True, amendment__isnull=False),
                name="consultations_report_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.reason[:60]


class ModerationDecision(models.Model):
    """The secretariat keeps or removes a reported item; every decision is kept."""

    class Decision(models.TextChoices):
        KEEP = "keep", _("Keep it visible")
        REMOVE = "remove", _("Remove it")

    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.decision


class Theme(models.Model):
    """A group of similar comments found by the analysis."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="themes")
    label = models.CharField(max_length=300)
    keywords = models.JSONField(default=list, blank=True)
    size = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-size", "id"]

    def __str__(self) -> str:
        return self.label


class SectionChange(models.Model):
    """How one section changed from the consulted version to the next (added, changed, removed)."""

    class Kind(models.TextChoices):
        ADDED = "added", _("Added")
        CHANGED = "changed", _("Changed")
        REMOVED = "removed", _("Removed")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="changes")
    before = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    after = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    explanation = models.TextField(_("what we changed and why"), max_length=4000, blank=True)

    class Meta:
        ordering = ["consultation", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "before"],
                condition=Q(before__isnull=False),
                name="consultations_change_before_once",
            ),
            models.UniqueConstraint(
                fields=["consultation", "after"],
                condition=Q(after__isnull=False),
                name="consultations_change_after_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.after or self.before}"


class Outcome(models.Model):
    """What became of one comment or amendment, with the secretariat's reply."""

    class Result(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        PARTLY = "partly", _("Partly taken up")
        NOT_TAKEN = "not_taken", _("Not taken up")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="outcomes"
    )
    comment = models.OneToOneField(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="outcome"
    )
    amendment = models.OneToOneField(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="outcome"
    )
    change = models.ForeignKey(
        SectionChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes"
    )
    result = models.CharField(max_length=10, choices=Result.choices)
    reply = models.TextField(_("reply"), max_length=4000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(comment__isnull=False, amendment__isnull=True)
                | Q(comment__isnull=True, amendment__isnull=False),
                name="consultations_outcome_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.result
