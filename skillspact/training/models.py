"""The training catalogue: courses of member organisations, their learning outcomes mapped to
ESCO skills, course series, and people's enrolments with waitlists, completions and results.

A `Course` carries the elements of the EU micro-credential standard (Council Recommendation of
16 June 2022, Annex I): title, awarding body (the provider), country, learning outcomes, notional
workload (hours and ECTS), level (EQF), type of assessment, form of participation, type of
quality assurance; and the optional ones: prerequisites, supervision and identity verification,
integration and stackability, further information. The date of issue, the learner and the grade
belong to the credential issued at completion.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from skillspact.core.models import BaseModel


class Mode(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    BLENDED = "blended", _("Blended")


class AssessmentType(models.TextChoices):
    NONE = "none", _("No assessment")
    WRITTEN_EXAM = "written_exam", _("Written examination")
    ONLINE_TEST = "online_test", _("Online test")
    PRACTICAL = "practical", _("Practical demonstration")
    SIMULATION = "simulation", _("Simulation-based assessment")
    PROJECT = "project", _("Project or portfolio")
    ORAL = "oral", _("Oral examination")


class Supervision(models.TextChoices):
    UNSUPERVISED = "unsupervised", _("Unsupervised, no identity verification")
    SUPERVISED_ONLINE = "supervised_online", _("Supervised online, identity verified")
    SUPERVISED_ONSITE = "supervised_onsite", _("Supervised on site, identity verified")


class CourseSeries(BaseModel):
    """A programme of several courses, e.g. the pilot training programme on digital skills."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    # The provider whose contacts manage the series; empty for the secretariat's programmes,
    # which any provider may add its courses to.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="course_series",
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("course series")
        verbose_name_plural = _("course series")

    def __str__(self) -> str:
        return self.title


class Course(BaseModel):
    """A training offer of a member organisation."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(max_length=140, unique=True)
    provider = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    series = models.ForeignKey(
        CourseSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # ESCO occupation URIs (or local role URIs) the course is for.
    target_occupations = models.JSONField(_("target occupations"), default=list, blank=True)
    eqf_level = models.PositiveSmallIntegerField(_("EQF level"), null=True, blank=True)
    hours = models.PositiveIntegerField(_("workload in hours"))
    ects = models.DecimalField(
        _("ECTS credits"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    country = models.CharField(_("country"), max_length=2, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    # ISO 639-1 codes.
    languages = models.JSONField(_("languages"), default=list)
    is_self_paced = models.BooleanField(_("self-paced"), default=False)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    enrolment_closes_on = models.DateField(_("enrolment closes"), null=True, blank=True)
    price_eur = models.DecimalField(_("price (EUR)"), max_digits=9, decimal_places=2, default=0)
    places = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    prerequisites = models.TextField(_("prerequisites"), max_length=2000, blank=True)
    assessment_type = models.CharField(
        _("type of assessment"), max_length=20, choices=AssessmentType.choices
    )
    supervision = models.CharField(
        _("supervision and identity verification"),
        max_length=20,
        choices=Supervision.choices,
        default=Supervision.UNSUPERVISED,
    )
    quality_assurance = models.CharField(_("type of quality assurance"), max_length=500)
    recognition = models.CharField(
        _("recognition"),
        max_length=500,
        blank=True,
        help_text=_("E.g. continuing professional development credits for a profession."),
    )
    stackability = models.CharField(_("integration and stackability"), max_length=500, blank=True)
    further_information = models.URLField(_("further information"), max_length=500, blank=True)
    credential_validity_months = models.PositiveIntegerField(
        _("credential valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the credential does not expire."),
    )
    is_featured = models.BooleanField(_("featured"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Denormalised for search: every confirmed ESCO skill URI of the outcomes, and whether any
    # of them is in ESCO's digital or green collection.
    skill_uris = models.JSONField(default=list, blank=True, editable=False)
    is_digital = models.BooleanField(_("digital skills"), default=False, editable=False)
    is_green = models.BooleanField(_("green skills"), default=False, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    # The title alone, folded like `search_text`: a word found here ranks above one found only
    # in the description.
    search_title = models.CharField(max_length=200, blank=True, editable=False)
    # "|en|fr|": one indexable text for the language filter on every database (SQLite has no
    # JSON containment).
    language_codes = models.CharField(max_length=100, blank=True, editable=False)
    # The start date, or the last day for courses without one: the search orders by it, so that
    # an index in date order serves "soonest first" on every database.
    sort_date = models.DateField(default=datetime.date.max, editable=False)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(eqf_level__isnull=True) | Q(eqf_level__gte=1, eqf_level__lte=8),
                name="training_course_eqf_range",
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=1), name="training_course_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(price_eur__gte=0), name="training_course_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(places__isnull=True) | Q(places__gte=1),
                name="training_course_places_positive",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="training_course_dates_ordered",
            ),
        ]
        indexes = [
            # Each search filter with the order of the results, so that the first page is read
            # in index order; see `selectors.course_search()` and bench/course_search.py.
            models.Index(fields=["status", "sort_date"]),
            models.Index(fields=["status", "mode", "sort_date"]),
            models.Index(fields=["status", "country", "sort_date"]),
            models.Index(fields=["status", "eqf_level", "sort_date"]),
            models.Index(fields=["status", "is_digital", "sort_date"]),
            models.Index(fields=["status", "is_green", "sort_date"]),
            models.Index(fields=["status", "is_featured", "sort_date"]),
            models.Index(fields=["status", "starts_on"]),
            models.Index(fields=["status", "price_eur"]),
            # Every filter column in date order, narrow: a combination of filters that no
            # index above narrows down is checked on this index alone, without reading the
            # courses' long rows (a few MB for 50,000 courses instead of tens).
            models.Index(
                fields=[
                    "status",
                    "sort_date",
                    "mode",
                    "country",
                    "eqf_level",
                    "price_eur",
                    "is_digital",
                    "is_green",
                    "is_self_paced",
                    "is_featured",
                    "series",
                    "language_codes",
                ],
                name="training_course_filters",
            ),
            models.Index(fields=["series", "status"]),
            models.Index(fields=["provider", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class LearningOutcome(models.Model):
    """What a learner can do after the course, mapped to ESCO skills the provider confirmed."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(_("learning outcome"), max_length=500)
    # ESCO skill URIs (or local extension URIs).
    skills = models.JSONField(_("ESCO skills"), default=list, blank=True)

    class Meta:
        ordering = ["course", "position", "id"]
        verbose_name = _("learning outcome")
        verbose_name_plural = _("learning outcomes")

    def __str__(self) -> str:
        return self.text


class CourseSkill(models.Model):
    """One skill a course teaches: the index behind "courses that teach this skill"."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="course_skills")
    skill_uri = models.CharField(max_length=255, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "skill_uri"], name="training_course_skill")
        ]

    def __str__(self) -> str:
        return f"{self.course_id} teaches {self.skill_uri}"


class CourseOccupation(models.Model):
    """One occupation (ESCO or local role) a course is for: the index behind the occupation
    filter."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="course_occupations")
    occupation_uri = models.CharField(max_length=255, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course", "occupation_uri"], name="training_course_occupation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course_id} is for {self.occupation_uri}"


class Enrolment(BaseModel):
    """One person's place in a course (or on its waitlist), and how it ended."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Not passed")
        ATTENDED = "attended", _("Attended (no assessment)")

    ACTIVE = (Status.ENROLLED, Status.WAITLISTED)

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    waitlisted_at = models.DateTimeField(_("joined the waitlist"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("promoted from the waitlist"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    grade = models.CharField(_("grade"), max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["course", "created_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"],
                condition=Q(user__isnull=False),
                name="training_enrolment_one_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="training_enrolment_waitlist_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(result=""),
                name="training_enrolment_completed_has_result",
            ),
        ]
        indexes = [models.Index(fields=["course", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        # No name or address: this label is copied into the audit log.
        return f"{self.course} · enrolment {str(self.public_id)[:8]}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
