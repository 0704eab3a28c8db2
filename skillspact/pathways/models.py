"""Learner profiles, target roles and course plans: the upskilling pathways of health workers.

A person's `LearnerProfile` holds where they are (an ESCO occupation matched from the job title
they typed), their constraints (hours per week, budget, modes, languages, the EQF level they can
start at, a deadline) and their skills as `ProfileSkill` rows, each with its source: declared by
the person, extracted from a pasted text by the matching engine, or carried by a credential earned
on the platform.

A `Plan` is a saved answer to "what do I need to learn to get from here to there": the target
role (an ESCO occupation or a local role, by URI), the objective, a snapshot of the constraints,
the planner's result (optimal or not, the bound), its `PlanStep`s (courses in order, with the
missing skills each covers and why it is there) and its `PlanSkill` rows (each target skill held,
covered by a step, or uncovered by anything in the catalogue), which the secretariat's view counts.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from skillspact.core.models import BaseModel


def new_share_token() -> str:
    """A random URL-safe token for a pathway achievement's public link."""
    return secrets.token_urlsafe(24)


class Objective(models.TextChoices):
    HOURS = "hours", _("Least total workload")
    COST = "cost", _("Least total cost")


class LearnerProfile(BaseModel):
    """Where a health worker is now and what they can give to learning."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    job_title = models.CharField(_("your job title"), max_length=200, blank=True)
    occupation_uri = models.CharField(_("current occupation"), max_length=255, blank=True)
    occupation_label = models.CharField(max_length=300, blank=True, editable=False)
    esco_version = models.CharField(_("ESCO version"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    languages = models.JSONField(_("languages you can learn in"), default=list, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week for learning"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    budget_eur = models.DecimalField(
        _("budget (EUR)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    modes = models.JSONField(_("modes you can attend"), default=list, blank=True)
    start_eqf_level = models.PositiveSmallIntegerField(
        _("EQF level you can start at"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
    )
    deadline = models.DateField(_("reach the target by"), null=True, blank=True)
    objective = models.CharField(
        _("plan for"), max_length=10, choices=Objective.choices, default=Objective.HOURS
    )

    class Meta:
        verbose_name = _("learner profile")
        verbose_name_plural = _("learner profiles")

    def __str__(self) -> str:
        return str(self.user)


class ProfileSkill(models.Model):
    """One skill a learner holds, and how the platform knows."""

    class Source(models.TextChoices):
        DECLARED = "declared", _("Self-declared")
        EXTRACTED = "extracted", _("Extracted from a text")
        CREDENTIALED = "credentialed", _("Credentialed")

    profile = models.ForeignKey(LearnerProfile, on_delete=models.CASCADE, related_name="skills")
    skill_uri = models.CharField(_("ESCO skill"), max_length=255)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    # The credential that proves it, for credentialed skills (kept as a public id: the
    # credentials app owns its rows).
    credential_public_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("skill held")
        verbose_name_plural = _("skills held")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "skill_uri", "source"], name="pathways_profileskill_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.skill_uri


class Plan(BaseModel):
    """A saved pathway from the learner's profile to a target role through real courses."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ACHIEVED = "achieved", _("Achieved")
        ARCHIVED = "archived", _("Archived")

    class Variant(models.TextChoices):
        BEST = "best", _("Best for your objective")
        FASTEST = "fastest", _("Fastest")
        CHEAPEST = "cheapest", _("Cheapest")
        ONLINE = "online", _("Most online")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pathway_plans"
    )
    name = models.CharField(_("name"), max_length=200)
    target_uri = models.CharField(_("target role"), max_length=255)
    target_label = models.CharField(max_length=300)
    esco_version = models.CharField(_("ESCO version"), max_length=20)
    variant = models.CharField(
        _("plan"), max_length=10, choices=Variant.choices, default=Variant.BEST
    )
    objective = models.CharField(_("objective"), max_length=10, choices=Objective.choices)
    # What the plan was made from: the profile's constraints and country at the time.
    constraints = models.JSONField(_("constraints"), default=dict, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    # The planner's answer: objective value, lower bound, whether optimal, seconds, notes.
    result = models.JSONField(_("planner result"), default=dict, blank=True)
    is_optimal = models.BooleanField(_("optimal"), default=False)
    total_hours = models.PositiveIntegerField(_("total hours"), default=0)
    total_cost_eur = models.DecimalField(
        _("total cost (EUR)"), max_digits=10, decimal_places=2, default=0
    )
    planned_at = models.DateTimeField(_("planned"), null=True, blank=True)
    achieved_at = models.DateTimeField(_("achieved"), null=True, blank=True)
    share_token = models.CharField(max_length=64, unique=True, default=new_share_token)
    is_shared = models.BooleanField(_("shared by a public link"), default=False)

    class Meta:
        verbose_name = _("pathway plan")
        verbose_name_plural = _("pathway plans")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_uri", "country"])]

    def __str__(self) -> str:
        return self.name


class PlanStep(models.Model):
    """One course of a plan, in its place on the timeline."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(_("position"))
    # SET_NULL: a course deleted from the catalogue leaves the step readable until the next re-plan.
    course = models.ForeignKey(
        "training.Course", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    course_title = models.CharField(max_length=200)
    covers = models.JSONField(_("missing skills it covers"), default=list, blank=True)
    reason = models.TextField(_("why it is here"), blank=True)
    hours = models.PositiveIntegerField(_("hours"), default=0)
    cost_eur = models.DecimalField(_("cost (EUR)"), max_digits=9, decimal_places=2, default=0)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="pathways_planstep_position"),
        ]

    def __str__(self) -> str:
        return self.course_title


class PlanSkill(models.Model):
    """One skill of a plan's target and where it stands: held, covered by a step, or uncovered."""

    class State(models.TextChoices):
        HELD = "held", _("Already held")
        COVERED = "covered", _("Covered by a course in the plan")
        UNCOVERED = "uncovered", _("No course in the catalogue covers it")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="skills")
    skill_uri = models.CharField(_("ESCO skill"), max_length=255)
    is_essential = models.BooleanField(_("essential"), default=True)
    weight = models.FloatField(_("weight"), default=1.0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    # Held through a narrower skill: the URI of that narrower skill, to say so.
    held_via_uri = models.CharField(max_length=255, blank=True)
    # Covered by a credential earned since the plan was made.
    is_credentialed = models.BooleanField(_("credentialed"), default=False)
    # Denormalised for the secretariat's counts by country and target.
    country = models.CharField(max_length=2, blank=True)
    target_uri = models.CharField(max_length=255)

    class Meta:
        verbose_name = _("plan skill")
        verbose_name_plural = _("plan skills")
        constraints = [
            models.UniqueConstraint(fields=["plan", "skill_uri"], name="pathways_planskill_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=0), name="pathways_planskill_weight_nonnegative"
            ),
        ]
        indexes = [models.Index(fields=["state", "country", "skill_uri"])]

    def __str__(self) -> str:
        return self.skill_uri
