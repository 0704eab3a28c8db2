"""Writes for the taxonomy: ESCO imports and the default version, local roles, the health lens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from skillspact.accounts.models import User
from skillspact.core import audit
from skillspact.core.errors import InvalidInput, InvalidState
from skillspact.core.permissions import ensure_secretariat
from skillspact.core.validation import full_clean as _full_clean
from skillspact.taxonomy import health, importer, tasks
from skillspact.taxonomy.models import (
    LOCAL_URI_PREFIX,
    EscoVersion,
    HealthLensOverride,
    LocalRole,
    LocalRoleSkill,
    Relation,
    Skill,
)

LOCAL_ROLE_FIELDS = [
    "preferred_label",
    "alt_labels",
    "description",
    "isco_group",
    "source",
    "content_version",
    "is_health",
    "is_active",
]


# -- ESCO versions -----------------------------------------------------------------------------


@transaction.atomic
def esco_import_start(
    *, actor: User, path: str, version: str | None = None, make_default: bool = False
) -> EscoVersion:
    """Queue the import of an ESCO download on disk; the version shows `importing` until done.

    `path` must be one the caller controls (an upload saved by the view), never typed by a user.
    """
    ensure_secretariat(actor)
    if not Path(path).exists():
        message = _("No file or folder at %(path)s.") % {"path": path}
        raise InvalidInput(message, fields={"path": [message]})
    try:
        code = importer.infer_version([path], version)
    except importer.EscoFormatError as error:
        raise InvalidInput(error.message, fields={"version": [error.message]}) from error
    esco_version, created = EscoVersion.objects.get_or_create(
        code=code, defaults={"source_note": Path(path).name}
    )
    if not created and esco_version.status == EscoVersion.Status.FAILED:
        esco_version.status = EscoVersion.Status.IMPORTING
        esco_version.save(update_fields=["status"])
    audit.record(
        esco_version,
        "taxonomy.esco_import.started",
        actor=actor,
        after={"path": str(path), "make_default": make_default},
    )
    transaction.on_commit(
        lambda: tasks.esco_import_task.enqueue(
            path=str(path), version=code, make_default=make_default, actor_id=actor.pk
        )
    )
    return esco_version


@transaction.atomic
def esco_version_make_default(*, actor: User, version: EscoVersion) -> EscoVersion:
    """Make a ready version the one pages, searches and new references use."""
    ensure_secretariat(actor)
    version = EscoVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_ready:
        raise InvalidState(_("Only a fully imported version can become the default."))
    if version.is_default:
        return version
    previous = list(EscoVersion.objects.filter(is_default=True).values_list("code", flat=True))
    EscoVersion.objects.filter(is_default=True).update(is_default=False)
    version.is_default = True
    version.save(update_fields=["is_default"])
    audit.record(
        version,
        "taxonomy.version.made_default",
        actor=actor,
        before={"default": previous[0] if previous else None},
        after={"default": version.code},
    )
    return version


# -- local roles -------------------------------------------------------------------------------


def _check_profile(skills: Mapping[str, str], esco_version: EscoVersion) -> list[tuple[str, str]]:
    """The profile as (URI, relation) pairs once every URI and relation has been checked."""
    if not skills:
        raise InvalidInput(
            _("A local role needs at least one ESCO skill."),
            fields={"skills": [_("Add at least one ESCO skill.")]},
        )
    wrong_relation = [uri for uri, relation in skills.items() if relation not in Relation.values]
    if wrong_relation:
        raise InvalidInput(
            _("Each skill is essential or optional."),
            fields={"skills": [_("Each skill is essential or optional.")]},
        )
    uris = [uri.strip() for uri in skills]
    known = set(
        Skill.objects.filter(version=esco_version, uri__in=uris).values_list("uri", flat=True)
    )
    unknown = sorted(set(uris) - known)
    if unknown:
        message = _("Not skills of ESCO %(version)s: %(uris)s") % {
            "version": esco_version.code,
            "uris": ", ".join(unknown),
        }
        raise InvalidInput(message, fields={"skills": [message]})
    return [(uri.strip(), relation) for uri, relation in skills.items()]


def _ready_version(esco_version: EscoVersion | None) -> EscoVersion:
    version = esco_version or EscoVersion.objects.filter(is_default=True).first()
    if version is None or not version.is_ready:
        raise InvalidState(_("Import an ESCO version before defining local roles."))
    return version


def _replace_profile(
    role: LocalRole, profile: Sequence[tuple[str, str]], esco_version: EscoVersion
) -> None:
    role.skills.all().delete()
    LocalRoleSkill.objects.bulk_create(
        LocalRoleSkill(role=role, skill_uri=uri, esco_version=esco_version, relation=relation)
        for uri, relation in profile
    )


def _role_snapshot(role: LocalRole) -> dict[str, Any]:
    data = audit.snapshot(role, [*LOCAL_ROLE_FIELDS, "esco_version"])
    data["skills"] = sorted(
        f"{relation}:{uri}" for uri, relation in role.skills.values_list("skill_uri", "relation")
    )
    return data


@transaction.atomic
def local_role_create(
    *,
    actor: User,
    slug: str,
    preferred_label: str,
    description: str,
    source: str,
    skills: Mapping[str, str],
    alt_labels: Sequence[str] = (),
    isco_group: str = "",
    content_version: str = "1.0",
    esco_version: EscoVersion | None = None,
) -> LocalRole:
    """Add an occupation ESCO lacks, with a profile of ESCO skills (URI -> essential/optional)."""
    ensure_secretariat(actor)
    version = _ready_version(esco_version)
    role = LocalRole(
        slug=slug.strip(),
        uri=f"{LOCAL_URI_PREFIX}{slug.strip()}",
        preferred_label=preferred_label.strip(),
        alt_labels=[label.strip() for label in alt_labels if label.strip()],
        description=description.strip(),
        isco_group=isco_group.strip(),
        source=source.strip(),
        content_version=content_version.strip(),
        esco_version=version,
    )
    _full_clean(role)
    profile = _check_profile(skills, version)
    try:
        with transaction.atomic():
            role.save()
    except IntegrityError as error:
        raise InvalidInput(
            _("A local role with this slug exists already."),
            fields={"slug": [_("Choose another slug.")]},
        ) from error
    _replace_profile(role, profile, version)
    audit.record(role, "taxonomy.local_role.created", actor=actor, after=_role_snapshot(role))
    return role


@transaction.atomic
def local_role_update(
    *,
    actor: User,
    role: LocalRole,
    data: Mapping[str, Any] | None = None,
    skills: Mapping[str, str] | None = None,
    esco_version: EscoVersion | None = None,
) -> LocalRole:
    """Change a local role's fields and, when given, its skill profile or its ESCO version.

    The slug and URI never change: other domains point at the URI.
    """
    ensure_secretariat(actor)
    role = LocalRole.objects.select_for_update().get(pk=role.pk)
    before = _role_snapshot(role)
    for name, value in (data or {}).items():
        if name not in LOCAL_ROLE_FIELDS:
            raise InvalidInput(_("%(name)s cannot be changed.") % {"name": name})
        if name == "alt_labels":
            value = [str(label).strip() for label in value if str(label).strip()]
        elif isinstance(value, str):
            value = value.strip()
        setattr(role, name, value)
    version = role.esco_version
    if esco_version is not None and esco_version.pk != role.esco_version_id:
        version = _ready_version(esco_version)
        role.esco_version = version
        if skills is None:
            skills = dict(role.skills.values_list("skill_uri", "relation"))
    _full_clean(role)
    if skills is not None:
        profile = _check_profile(skills, version)
        role.save()
        _replace_profile(role, profile, version)
    else:
        role.save()
    before, after = audit.changed(before, _role_snapshot(role))
    if after:
        audit.record(role, "taxonomy.local_role.updated", actor=actor, before=before, after=after)
    return role


# -- the health lens ---------------------------------------------------------------------------


@transaction.atomic
def health_override_set(
    *, actor: User, occupation_uri: str, is_included: bool, reason: str
) -> HealthLensOverride:
    """Put an occupation in or out of the health lens, whatever its ISCO group says."""
    ensure_secretariat(actor)
    uri = occupation_uri.strip()
    if not reason.strip():
        raise InvalidInput(
            _("Say why the occupation is in or out of the health lens."),
            fields={"reason": [_("This field is required.")]},
        )
    override = HealthLensOverride.objects.select_for_update().filter(occupation_uri=uri).first()
    before = audit.snapshot(override, ["is_included", "reason"]) if override else {}
    if override is None:
        override = HealthLensOverride(occupation_uri=uri)
    override.is_included = is_included
    override.reason = reason.strip()
    _full_clean(override)
    override.save()
    health.apply()
    audit.record(
        override,
        "taxonomy.health_override.set",
        actor=actor,
        before=before,
        after=audit.snapshot(override, ["occupation_uri", "is_included", "reason"]),
    )
    return override


@transaction.atomic
def health_override_remove(*, actor: User, override: HealthLensOverride) -> None:
    """Let the ISCO groups decide again for this occupation."""
    ensure_secretariat(actor)
    before = audit.snapshot(override, ["occupation_uri", "is_included", "reason"])
    audit.record(override, "taxonomy.health_override.removed", actor=actor, before=before)
    override.delete()
    health.apply()
