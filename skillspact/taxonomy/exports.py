"""Local roles in ESCO's CSV layout, so tools that read ESCO downloads read them too.

`occupations_en.csv` columns and `occupationSkillRelations.csv` rows (the v1.1 layout). The
rows are marked as not ESCO three ways: the URI is `urn:skillspact:occupation:<slug>`, the
concept scheme is `urn:skillspact:concept-scheme:local-extensions` and the scope note says so.
Values are written as they are (no spreadsheet-formula escaping) so the files stay faithful.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable

from skillspact.taxonomy.models import LOCAL_SCHEME_URI, LocalRole, Skill

OCCUPATION_COLUMNS = [
    "conceptType",
    "conceptUri",
    "iscoGroup",
    "preferredLabel",
    "altLabels",
    "hiddenLabels",
    "status",
    "modifiedDate",
    "regulatedProfessionNote",
    "scopeNote",
    "definition",
    "inScheme",
    "description",
    "code",
]
RELATION_COLUMNS = ["occupationUri", "relationType", "skillType", "skillUri"]
OCCUPATIONS_FILE = "occupations_en.csv"
RELATIONS_FILE = "occupationSkillRelations.csv"


def _roles(roles: Iterable[LocalRole] | None) -> list[LocalRole]:
    chosen = roles if roles is not None else LocalRole.objects.filter(is_active=True)
    return sorted(chosen, key=lambda role: role.slug)


def _scope_note(role: LocalRole) -> str:
    return (
        f"Not part of ESCO: a local extension of the partnership (version {role.content_version},"
        f" skills from ESCO {role.esco_version.code}). Source: {role.source}"
    )


def local_roles_occupations_csv(roles: Iterable[LocalRole] | None = None) -> str:
    """The local roles as rows of ESCO's occupations_en.csv."""
    chosen = _roles(roles)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(OCCUPATION_COLUMNS)
    for role in chosen:
        writer.writerow(
            [
                "Occupation",
                role.uri,
                role.isco_group,
                role.preferred_label,
                "\n".join(role.alt_labels),
                "",
                "released" if role.is_active else "deprecated",
                role.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ") if role.updated_at else "",
                "",
                _scope_note(role),
                "",
                LOCAL_SCHEME_URI,
                role.description,
                "",
            ]
        )
    return buffer.getvalue()


def local_roles_relations_csv(roles: Iterable[LocalRole] | None = None) -> str:
    """The local roles' skill profiles as rows of ESCO's occupationSkillRelations.csv."""
    chosen = _roles(roles)
    links = [(role, link) for role in chosen for link in role.skills.all()]
    skill_types = dict(
        Skill.objects.filter(
            uri__in={link.skill_uri for _role, link in links},
            version_id__in={link.esco_version_id for _role, link in links},
        ).values_list("uri", "skill_type")
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(RELATION_COLUMNS)
    for role, link in sorted(
        links, key=lambda pair: (pair[0].slug, pair[1].relation, pair[1].skill_uri)
    ):
        writer.writerow(
            [role.uri, link.relation, skill_types.get(link.skill_uri, ""), link.skill_uri]
        )
    return buffer.getvalue()


def local_roles_zip(roles: Iterable[LocalRole] | None = None) -> bytes:
    """Both files in one zip, as an ESCO download is served."""
    chosen = _roles(roles)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(OCCUPATIONS_FILE, local_roles_occupations_csv(chosen))
        archive.writestr(RELATIONS_FILE, local_roles_relations_csv(chosen))
    return buffer.getvalue()
