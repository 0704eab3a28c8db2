"""Writes of the pathways: the learner's profile and skills, and (from `progress`) the plans.

Every service takes keyword arguments and an `actor`; a profile and its plans change only by
their owner. The plan services live in `progress.py` and are re-exported here, so that callers
read `services.plan_save(...)`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skillspact.core import audit
from skillspact.core.errors import InvalidInput, NotPermitted
from skillspact.core.validation import full_clean
from skillspact.pathways.errors import (
    CredentialedSkill,
    InvalidSource,
    SkillNotHeld,
    UnknownSkill,
    UnknownTarget,
)
from skillspact.pathways.models import LearnerProfile, ProfileSkill
from skillspact.pathways.progress import (  # noqa: F401  (the plan services, re-exported)
    Proposal,
    plan_alternatives,
    plan_archive,
    plan_enrol_step,
    plan_for_api,
    plan_propose,
    plan_refresh,
    plan_save,
    plan_share_set,
)
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import ConceptType

PROFILE_FIELDS = (
    "job_title",
    "country",
    "languages",
    "hours_per_week",
    "budget_eur",
    "modes",
    "start_eqf_level",
    "deadline",
    "objective",
)
ADDABLE_SOURCES = (ProfileSkill.Source.DECLARED, ProfileSkill.Source.EXTRACTED)
MAX_SKILLS_AT_ONCE = 200


def _ensure_owner(actor: Any, profile: LearnerProfile) -> None:
    if actor is None or not actor.is_authenticated or actor.pk != profile.user_id:
        raise NotPermitted


def _profile_snapshot(profile: LearnerProfile) -> dict[str, Any]:
    return audit.snapshot(profile, [*PROFILE_FIELDS, "occupation_uri"])


@transaction.atomic
def profile_ensure(*, actor: Any) -> LearnerProfile:
    """The actor's learner profile, created empty on first use."""
    if actor is None or not actor.is_authenticated:
        raise NotPermitted
    profile = LearnerProfile.objects.filter(user=actor).first()
    if profile is not None:
        return profile
    profile, created = LearnerProfile.objects.get_or_create(user=actor)
    if created:
        audit.record(profile, "pathways.profile.updated", actor=actor, after={"created": True})
    return profile


@transaction.atomic
def profile_update(*, actor: Any, profile: LearnerProfile, **fields: Any) -> LearnerProfile:
    """Change the profile's constraints, country, languages or objective (`PROFILE_FIELDS`)."""
    _ensure_owner(actor, profile)
    unknown = sorted(set(fields) - set(PROFILE_FIELDS))
    if unknown:
        raise InvalidInput(fields={name: [_("Not a profile field.")] for name in unknown})
    profile = LearnerProfile.objects.select_for_update().get(pk=profile.pk)
    before = _profile_snapshot(profile)
    for name, value in fields.items():
        if name in ("languages", "modes"):
            value = list(dict.fromkeys(str(item) for item in value or [] if item))
        elif name == "country":
            value = (value or "").upper()
        elif name == "job_title":
            value = (value or "").strip()
        setattr(profile, name, value)
    full_clean(profile)
    profile.save()
    old, new = audit.changed(before, _profile_snapshot(profile))
    if new:
        audit.record(profile, "pathways.profile.updated", actor=actor, before=old, after=new)
    return profile


@transaction.atomic
def profile_set_occupation(
    *, actor: Any, profile: LearnerProfile, job_title: str, occupation_uri: str
) -> LearnerProfile:
    """Set the person's current occupation (an ESCO occupation or an active local role) with
    the job title they typed."""
    _ensure_owner(actor, profile)
    uri = (occupation_uri or "").strip()
    found = taxonomy_selectors.concepts_describe([uri], concept_type=ConceptType.OCCUPATION)
    if uri not in found:
        raise UnknownTarget(fields={"occupation_uri": [str(UnknownTarget.default_message)]})
    profile = LearnerProfile.objects.select_for_update().get(pk=profile.pk)
    before = _profile_snapshot(profile)
    version = taxonomy_selectors.version_default()
    profile.job_title = (job_title or "").strip()[:200]
    profile.occupation_uri = uri
    profile.occupation_label = found[uri].label[:300]
    profile.esco_version = version.code if version else ""
    full_clean(profile)
    profile.save()
    old, new = audit.changed(before, _profile_snapshot(profile))
    audit.record(profile, "pathways.profile.updated", actor=actor, before=old, after=new)
    return profile


@transaction.atomic
def profile_skills_add(*, actor: Any, profile: LearnerProfile, skill_uris: Any, source: str) -> int:
    """Add ESCO skills the person declares (or kept from a text the engine read); returns how
    many skills are new on the profile. UnknownSkill if any URI is not an ESCO skill."""
    _ensure_owner(actor, profile)
    if source not in ADDABLE_SOURCES:
        raise InvalidSource()
    uris = list(dict.fromkeys(uri.strip() for uri in skill_uris or [] if uri and uri.strip()))
    if not uris:
        return 0
    if len(uris) > MAX_SKILLS_AT_ONCE:
        raise InvalidInput(
            _("Add at most %(limit)s skills at once.") % {"limit": MAX_SKILLS_AT_ONCE},
            fields={"skills": [_("Too many skills at once.")]},
        )
    found = taxonomy_selectors.concepts_describe(uris, concept_type=ConceptType.SKILL)
    unknown = [uri for uri in uris if uri not in found]
    if unknown:
        raise UnknownSkill(fields={"skills": unknown})
    existing = set(profile.skills.values_list("skill_uri", "source"))
    held = {uri for uri, _source in existing}
    rows = [
        ProfileSkill(profile=profile, skill_uri=uri, source=source)
        for uri in uris
        if (uri, source) not in existing
    ]
    for row in rows:
        full_clean(row, validate_constraints=False)
    ProfileSkill.objects.bulk_create(rows, ignore_conflicts=True)
    added = [uri for uri in uris if uri not in held]
    if rows:
        audit.record(
            profile,
            "pathways.profile.updated",
            actor=actor,
            after={"skills_added": [row.skill_uri for row in rows], "source": source},
        )
    return len(added)


@transaction.atomic
def profile_skill_remove(*, actor: Any, profile: LearnerProfile, skill_uri: str) -> None:
    """Remove a self-declared or extracted skill; a credentialed one stays (CredentialedSkill)."""
    _ensure_owner(actor, profile)
    rows = profile.skills.filter(skill_uri=(skill_uri or "").strip())
    if rows.filter(source=ProfileSkill.Source.CREDENTIALED).exists():
        raise CredentialedSkill
    deleted, _kinds = rows.delete()
    if not deleted:
        raise SkillNotHeld
    audit.record(
        profile, "pathways.profile.updated", actor=actor, after={"skill_removed": skill_uri}
    )


def credential_skills(*, user: Any) -> dict[str, str]:
    """The ESCO skills of the person's valid credentials (neither revoked nor expired): the
    achievement's ESCO alignments, or the course's skills when it has none; URI → the public id
    of the (newest) credential behind it."""
    from skillspact.credentials import selectors as credential_selectors

    now = timezone.now()
    skills: dict[str, str] = {}
    credentials = credential_selectors.credentials_of(user=user).filter(revoked_at__isnull=True)
    for credential in credentials.order_by("issued_at", "id"):
        if credential.valid_until is not None and credential.valid_until <= now:
            continue
        subject = (credential.document or {}).get("credentialSubject") or {}
        alignments = (subject.get("achievement") or {}).get("alignment") or []
        uris = [
            str(item.get("targetUrl"))
            for item in alignments
            if isinstance(item, dict)
            and item.get("targetFramework") == "ESCO"
            and str(item.get("targetUrl") or "").startswith(taxonomy_selectors.SKILL_URI_PREFIX)
        ]
        if not uris:
            uris = list(credential.course.skill_uris or [])
        for uri in uris:
            skills[uri] = str(credential.public_id)
    return skills


@transaction.atomic
def profile_sync_credentials(*, actor: Any, profile: LearnerProfile) -> int:
    """Make the profile's credentialed skills those of the person's valid credentials (new
    credentials add skills; revoked or expired ones take theirs away). Returns how many
    credentialed skills the profile has."""
    if actor is not None and actor.is_authenticated and actor.pk != profile.user_id:
        raise NotPermitted
    wanted = credential_skills(user=profile.user)
    current = {
        row.skill_uri: row for row in profile.skills.filter(source=ProfileSkill.Source.CREDENTIALED)
    }
    gone = [row.pk for uri, row in current.items() if uri not in wanted]
    if gone:
        ProfileSkill.objects.filter(pk__in=gone).delete()
    added = []
    for uri, credential_id in wanted.items():
        row = current.get(uri)
        if row is None:
            added.append(
                ProfileSkill(
                    profile=profile,
                    skill_uri=uri,
                    source=ProfileSkill.Source.CREDENTIALED,
                    credential_public_id=credential_id,
                )
            )
        elif str(row.credential_public_id) != credential_id:
            row.credential_public_id = credential_id  # type: ignore[assignment]
            row.save(update_fields=["credential_public_id"])
    if added:
        ProfileSkill.objects.bulk_create(added, ignore_conflicts=True)
    if added or gone:
        audit.record(
            profile,
            "pathways.profile.updated",
            actor=actor,
            after={
                "credentialed_added": [row.skill_uri for row in added],
                "credentialed_removed": len(gone),
            },
        )
    return len(wanted)
