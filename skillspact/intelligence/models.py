"""Skills intelligence: ESCO-aware surveys, employer needs, job ads and demand forecasts.

Surveys. A `Survey` has `Question`s that are versioned: editing a question of a published survey
retires the row (`is_current=False`) and adds a new revision with the same `key`, so every
`Answer` keeps pointing at the wording it answered. Question text lives in `content` per language.
A `Response` is a draft until submitted; it carries the respondent profile block (country,
region, stakeholder type, occupation) and, only when the survey is not anonymous, who answered.
Submitting writes one `SkillRating` per skill of each skills-matrix question, with the profile
copied onto it so that gap queries over a million ratings read one table, and adds it to
`SkillRatingPlaceSum` and `SkillRatingOccupationSum`, the sums the gap pages read instead where
they can (`summaries.py`). Free-text answers are mapped to ESCO skills in the background
(`TextSkillMatch`).

Employer needs. An organisation's `EmployerNeed` for a year lists `NeedRole`s (occupations to hire
or retrain for, with counts, horizon and place) and `NeedSkill`s (the hardest skills to get, rated
1-5).

Job ads. A `JobAdUpload` (CSV or JSON lines) is processed by a task into `JobAd` rows with their
matched occupation and `JobAdSkill`s; `JobAdMonthlyCount` holds the monthly counts per skill,
occupation and region the gap and forecast queries read (`skill_uri=""` is the count of all ads
in that cell); `JobAdCountryMonthlyCount` and `JobAdOccupationMonthlyCount` are the same counts
summed per country and per occupation, rewritten with them.

Forecasts. A `ForecastRun` fits one `Forecast` per series with enough history and stores the
history it was made from, the forecast with its prediction intervals and the backtest.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from skillspact.core.models import BaseModel

RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def new_token() -> str:
    """A random URL-safe token for survey links, invitations and draft resumes."""
    return secrets.token_urlsafe(24)


class Survey(BaseModel):
    """A questionnaire the secretariat publishes; waves of one series compare."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    class Access(models.TextChoices):
        OPEN = "open", _("Anyone with the link")
        INVITATION = "invitation", _("Personal invitation links only")

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    # Per language: {"en": {"title": ..., "introduction": ...}, "fr": {...}}
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    introduction = models.TextField(_("introduction"), max_length=4000, blank=True)
    languages = models.JSONField(_("languages"), default=list)
    default_language = models.CharField(_("default language"), max_length=10, default="en")
    series = models.SlugField(
        _("series"),
        max_length=80,
        blank=True,
        help_text=_("Waves of the same series are compared, e.g. flash-digital-green."),
    )
    wave = models.CharField(_("wave"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    access = models.CharField(_("access"), max_length=12, choices=Access.choices)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("No identity is stored with the answers.")
    )
    asks_profile = models.BooleanField(_("ask the respondent profile"), default=True)
    open_token = models.CharField(max_length=64, unique=True, default=new_token)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """One revision of a survey question; answers point at the revision they answered."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE = "scale", _("Scale")
        NUMBER = "number", _("Number")
        TEXT = "text", _("Free text")
        SKILLS_MATRIX = "skills_matrix", _("Skills matrix")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("key"), max_length=60)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    is_current = models.BooleanField(_("current"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    is_required = models.BooleanField(_("required"), default=False)
    # {"text": {"en": ..., "fr": ...}, "help": {...}, "options": [{"value": "a", "label": {...}}],
    #  "min": 1, "max": 5, "min_label": {...}, "max_label": {...}}
    content = models.JSONField(_("content"), default=dict)
    # Skills of a skills matrix, by ESCO URI, in the order shown.
    skill_uris = models.JSONField(_("skills"), default=list, blank=True)
    # Shown only when another question's answer is among some values:
    # {"question": "<key>", "values": ["a", "b"]}
    condition = models.JSONField(_("shown when"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "key", "revision"], name="intelligence_question_revision"
            ),
            models.UniqueConstraint(
                fields=["survey", "key"],
                condition=Q(is_current=True),
                name="intelligence_question_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} r{self.revision}"


class SurveyInvitation(BaseModel):
    """A personal link to a survey sent by e-mail; never tied to an anonymous survey's answers."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    token = models.CharField(max_length=64, unique=True, default=new_token)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    has_responded = models.BooleanField(_("responded"), default=False)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "email"], name="intelligence_invitation_once"
            ),
        ]

    def __str__(self) -> str:
        return self.email


class Response(BaseModel):
    """One respondent's answers to a survey: a draft until submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # Identity: only for surveys that are not anonymous.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    invitation = models.ForeignKey(
        SurveyInvitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resume_token = models.CharField(max_length=64, unique=True, default=new_token)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # The respondent profile block.
    country = models.CharField(_("country"), max_length=2, blank=True)
    region = models.CharField(_("region (NUTS-2)"), max_length=4, blank=True)
    stakeholder_type = models.CharField(_("type of employer"), max_length=30, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    occupation_uri = models.CharField(_("occupation"), max_length=255, blank=True)
    years_experience = models.PositiveSmallIntegerField(
        _("years of experience"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["survey", "status"])]

    def __str__(self) -> str:
        return str(self.public_id)


class Answer(models.Model):
    """The answer to one question revision: choice(s), a number, a text or matrix ratings."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # single: "a"; multiple: ["a", "b"]; scale/number: 3; text: "..."; skills matrix:
    # {"<uri>": {"proficiency": 3, "importance": 5}}
    value = models.JSONField(_("answer"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="intelligence_answer_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class SkillRating(models.Model):
    """A submitted skills-matrix rating, with the respondent profile copied on for gap queries."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="ratings")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    skill_uri = models.CharField(max_length=255)
    proficiency = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=RATING_VALIDATORS
    )
    importance = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=RATING_VALIDATORS
    )
    country = models.CharField(max_length=2, blank=True)
    region = models.CharField(max_length=4, blank=True)
    stakeholder_type = models.CharField(max_length=30, blank=True)
    occupation_uri = models.CharField(max_length=255, blank=True)
    submitted_on = models.DateField()

    class Meta:
        verbose_name = _("skill rating")
        verbose_name_plural = _("skill ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "skill_uri"], name="intelligence_rating_once"
            ),
            models.CheckConstraint(
                condition=Q(proficiency__isnull=True) | Q(proficiency__gte=1, proficiency__lte=5),
                name="intelligence_rating_proficiency_1_5",
            ),
            models.CheckConstraint(
                condition=Q(importance__isnull=True) | Q(importance__gte=1, importance__lte=5),
                name="intelligence_rating_importance_1_5",
            ),
        ]
        indexes = [
            models.Index(fields=["skill_uri", "country"]),
            models.Index(fields=["occupation_uri", "skill_uri"]),
            models.Index(fields=["survey", "skill_uri"]),
            # The slices no rating summary holds: a place with occupations, or a place's
            # heatmap by occupation.
            models.Index(fields=["country", "occupation_uri"]),
            models.Index(fields=["region", "occupation_uri"]),
        ]

    def __str__(self) -> str:
        return self.skill_uri


class RatingSums(models.Model):
    """Sums of skills-matrix ratings: a mean and its spread come from these few numbers."""

    ratings = models.PositiveIntegerField(default=0)
    n_importance = models.PositiveIntegerField(default=0)
    sum_importance = models.PositiveIntegerField(default=0)
    sumsq_importance = models.PositiveIntegerField(default=0)
    n_proficiency = models.PositiveIntegerField(default=0)
    sum_proficiency = models.PositiveIntegerField(default=0)
    sumsq_proficiency = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class SkillRatingPlaceSum(RatingSums):
    """The `SkillRating`s of a survey, skill, country, region and type of employer, summed."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    skill_uri = models.CharField(max_length=255)
    country = models.CharField(max_length=2, blank=True)
    region = models.CharField(max_length=4, blank=True)
    stakeholder_type = models.CharField(max_length=30, blank=True)

    class Meta:
        verbose_name = _("rating sums per place")
        verbose_name_plural = _("rating sums per place")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "skill_uri", "country", "region", "stakeholder_type"],
                name="intelligence_placesum_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill_uri} {self.region or self.country}"


class SkillRatingOccupationSum(RatingSums):
    """The `SkillRating`s of a survey, skill, occupation and type of employer, summed."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    skill_uri = models.CharField(max_length=255)
    occupation_uri = models.CharField(max_length=255, blank=True)
    stakeholder_type = models.CharField(max_length=30, blank=True)

    class Meta:
        verbose_name = _("rating sums per occupation")
        verbose_name_plural = _("rating sums per occupation")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "skill_uri", "occupation_uri", "stakeholder_type"],
                name="intelligence_occupationsum_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill_uri} {self.occupation_uri}"


class TextSkillMatch(models.Model):
    """An ESCO skill the matching engine found in a free-text answer."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="skill_matches")
    skill_uri = models.CharField(max_length=255)
    score = models.FloatField()

    class Meta:
        verbose_name = _("skill found in a text answer")
        verbose_name_plural = _("skills found in text answers")
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "skill_uri"], name="intelligence_textmatch_once"
            ),
        ]

    def __str__(self) -> str:
        return self.skill_uri


class EmployerNeed(BaseModel):
    """An employer's declared hiring and retraining needs for one year."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="employer_needs"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        verbose_name = _("employer needs")
        verbose_name_plural = _("employer needs")
        ordering = ["-year", "organisation_id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="intelligence_need_year"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}"


class NeedRole(models.Model):
    """A role an employer will hire or retrain for."""

    class Kind(models.TextChoices):
        HIRE = "hire", _("Hire")
        RETRAIN = "retrain", _("Retrain")

    need = models.ForeignKey(EmployerNeed, on_delete=models.CASCADE, related_name="roles")
    occupation_uri = models.CharField(_("occupation"), max_length=255)
    kind = models.CharField(_("hire or retrain"), max_length=10, choices=Kind.choices)
    count = models.PositiveIntegerField(_("people"), validators=[MinValueValidator(1)])
    horizon_months = models.PositiveSmallIntegerField(
        _("horizon"), choices=[(12, _("12 months")), (36, _("36 months"))]
    )
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("region (NUTS-2)"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("role needed")
        verbose_name_plural = _("roles needed")
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="intelligence_needrole_count"),
        ]

    def __str__(self) -> str:
        return self.occupation_uri


class NeedSkill(models.Model):
    """A skill an employer finds hard to get, and how hard (1-5)."""

    need = models.ForeignKey(EmployerNeed, on_delete=models.CASCADE, related_name="skills")
    skill_uri = models.CharField(_("skill"), max_length=255)
    difficulty = models.PositiveSmallIntegerField(
        _("how hard to find"), validators=RATING_VALIDATORS
    )

    class Meta:
        verbose_name = _("hard-to-find skill")
        verbose_name_plural = _("hard-to-find skills")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "skill_uri"], name="intelligence_needskill_once"
            ),
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=5),
                name="intelligence_needskill_difficulty_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.skill_uri


class JobAdUpload(BaseModel):
    """A file of job ads and the progress of the task that maps it to ESCO."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Processing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        JSONL = "jsonl", _("JSON lines")

    file = models.FileField(_("file"), upload_to="intelligence/job-ads/")
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=5, choices=Format.choices)
    source = models.CharField(_("source of the ads"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    loaded = models.PositiveIntegerField(_("ads loaded"), default=0)
    rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    # [{"line": 12, "column": "date", "message": "..."}], capped.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("job-ad upload")
        verbose_name_plural = _("job-ad uploads")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class JobAd(models.Model):
    """One job ad, with the occupation its title was matched to."""

    upload = models.ForeignKey(JobAdUpload, on_delete=models.CASCADE, related_name="ads")
    line = models.PositiveIntegerField(_("line"))
    posted_on = models.DateField(_("date"))
    month = models.DateField(_("month"), db_index=True)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("region"), max_length=4, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    occupation_uri = models.CharField(_("occupation"), max_length=255, blank=True)
    occupation_score = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("job ad")
        verbose_name_plural = _("job ads")
        constraints = [
            models.UniqueConstraint(fields=["upload", "line"], name="intelligence_jobad_line"),
        ]

    def __str__(self) -> str:
        return self.title


class JobAdSkill(models.Model):
    """A skill the engine found in a job ad's text."""

    ad = models.ForeignKey(JobAd, on_delete=models.CASCADE, related_name="skills")
    skill_uri = models.CharField(max_length=255)
    score = models.FloatField()

    class Meta:
        verbose_name = _("job-ad skill")
        verbose_name_plural = _("job-ad skills")
        constraints = [
            models.UniqueConstraint(
                fields=["ad", "skill_uri"], name="intelligence_jobadskill_once"
            ),
        ]
        indexes = [models.Index(fields=["skill_uri"])]

    def __str__(self) -> str:
        return self.skill_uri


class JobAdMonthlyCount(models.Model):
    """Job ads per month, country, region, occupation and skill (`skill_uri=""`: all ads)."""

    month = models.DateField()
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=4, blank=True)
    occupation_uri = models.CharField(max_length=255, blank=True)
    skill_uri = models.CharField(max_length=255, blank=True)
    ads = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly job-ad count")
        verbose_name_plural = _("monthly job-ad counts")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "country", "region", "occupation_uri", "skill_uri"],
                name="intelligence_monthly_cell",
            ),
        ]
        indexes = [
            models.Index(fields=["skill_uri", "month"]),
            models.Index(fields=["occupation_uri", "skill_uri"]),
            models.Index(fields=["country", "skill_uri"]),
            # The gap pages' slices that no job-ad summary holds: a region, or a country with
            # occupations (covering, so PostgreSQL reads the index alone).
            models.Index(fields=["region", "month"]),
            models.Index(
                fields=["country", "month"],
                include=["occupation_uri", "skill_uri", "ads"],
                name="intelligence_ads_country_m",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.skill_uri}"


class JobAdCountryMonthlyCount(models.Model):
    """`JobAdMonthlyCount` summed over regions and occupations: per month, country and skill."""

    month = models.DateField()
    country = models.CharField(max_length=2)
    skill_uri = models.CharField(max_length=255, blank=True)
    ads = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly job-ad count per country")
        verbose_name_plural = _("monthly job-ad counts per country")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "month", "skill_uri"], name="intelligence_country_month_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.country} {self.skill_uri}"


class JobAdOccupationMonthlyCount(models.Model):
    """`JobAdMonthlyCount` summed over places: per month, occupation and skill."""

    month = models.DateField()
    occupation_uri = models.CharField(max_length=255, blank=True)
    skill_uri = models.CharField(max_length=255, blank=True)
    ads = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly job-ad count per occupation")
        verbose_name_plural = _("monthly job-ad counts per occupation")
        constraints = [
            models.UniqueConstraint(
                fields=["occupation_uri", "month", "skill_uri"],
                name="intelligence_occupation_month_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.occupation_uri} {self.skill_uri}"


class ForecastRun(BaseModel):
    """One run of the forecasts over every series with enough history."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    horizon_months = models.PositiveSmallIntegerField(_("horizon in months"), default=36)
    min_history_months = models.PositiveSmallIntegerField(_("minimum history"), default=24)
    data_through = models.DateField(_("data up to"), null=True, blank=True)
    total = models.PositiveIntegerField(_("series"), default=0)
    done = models.PositiveIntegerField(_("series done"), default=0)
    # {"series": n, "beats_naive": n, "skipped_short": n, "mean_mase": x}
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("forecast run")
        verbose_name_plural = _("forecast runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.public_id)


class Forecast(models.Model):
    """The demand forecast of one series (a skill or an occupation), with what it was made from."""

    class Kind(models.TextChoices):
        SKILL = "skill", _("Skill")
        OCCUPATION = "occupation", _("Occupation")

    class Source(models.TextChoices):
        JOB_ADS = "job_ads", _("Job ads (share of ads per month)")
        SURVEYS = "surveys", _("Survey waves (mean importance)")

    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="forecasts")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    uri = models.CharField(max_length=255)
    source = models.CharField(max_length=10, choices=Source.choices)
    # What the forecast was made from: [["2024-01", value], ...]
    history = models.JSONField(default=list)
    method = models.CharField(max_length=80)
    # [{"period": "2027-01", "mean": x, "lower": x, "upper": x}], 80 % and 95 % intervals inside.
    points = models.JSONField(default=list)
    # {"held_back": 12, "mae": x, "mae_naive": x, "mase": x}
    backtest = models.JSONField(default=dict)
    beats_naive = models.BooleanField(default=False)
    trend_per_year = models.FloatField(default=0.0)

    class Meta:
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "kind", "uri", "source"], name="intelligence_forecast_series"
            ),
        ]
        indexes = [models.Index(fields=["kind", "uri"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.uri}"
