"""The pathways' domain errors: each says what happened in words a person can act on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from skillspact.core.errors import DomainError, InvalidInput, InvalidState, NotPermitted


class EngineWarming(DomainError):
    """The matching engine's vectors are being built; search by name meanwhile."""

    code = "engine_warming"
    status = 503
    default_message = _(
        "The matching engine is warming up (a few minutes after an import). Search by name in "
        "the meantime, or try again shortly."
    )


class NoEscoVersion(DomainError):
    code = "no_esco_version"
    status = 503
    default_message = _("No ESCO version is imported yet.")


class UnknownTarget(InvalidInput):
    code = "unknown_target"
    default_message = _("This role is neither an ESCO occupation nor an active local role.")


class UnknownSkill(InvalidInput):
    code = "unknown_skill"
    default_message = _("Some of these skills are not in ESCO.")


class InvalidSource(InvalidInput):
    code = "invalid_source"
    default_message = _("Skills are added as self-declared or extracted from a text.")


class CredentialedSkill(InvalidState):
    code = "credentialed_skill"
    default_message = _(
        "This skill comes from a credential you earned; it stays on your profile while the "
        "credential is valid."
    )


class SkillNotHeld(InvalidInput):
    code = "skill_not_held"
    default_message = _("This skill is not on your profile.")


class PlanNotActive(InvalidState):
    code = "plan_not_active"
    default_message = _("This plan is archived or achieved already; it no longer changes.")


class StepNotFound(InvalidInput):
    code = "step_not_found"
    default_message = _("This plan has no such step.")


class StepWithoutCourse(InvalidState):
    code = "step_without_course"
    default_message = _("This course is no longer in the catalogue; make the plan again.")


class StepDone(InvalidState):
    code = "step_done"
    default_message = _("You have completed this course already.")


class NotYourPlan(NotPermitted):
    code = "not_your_plan"
    default_message = _("Only the plan's owner changes it.")
