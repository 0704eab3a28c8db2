"""The taxonomy API: search, skills and occupations with their relations (public, read-only)."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from skillspact.core.api import AUTH, ErrorOut
from skillspact.core.errors import DomainError
from skillspact.core.permissions import is_secretariat
from skillspact.core.types import AuthedHttpRequest
from skillspact.taxonomy import matching, schemas, selectors, services
from skillspact.taxonomy.models import Label, Occupation, Skill

router = Router(tags=["taxonomy"])


def _ref(concept: Skill | Occupation, kind: str) -> dict[str, str]:
    return {
        "uri": concept.uri,
        "type": kind,
        "preferred_label": concept.preferred_label,
        "code": getattr(concept, "code", ""),
    }


def _labels(labels: list[Label]) -> list[dict[str, str]]:
    return [{"language": x.language, "type": x.label_type, "text": x.text} for x in labels]


def _hierarchy(hierarchy: selectors.Hierarchy) -> dict[str, Any]:
    def out(ref: selectors.ConceptRef) -> dict[str, str]:
        return {
            "uri": ref.uri,
            "type": ref.concept_type,
            "preferred_label": ref.preferred_label,
            "code": ref.code,
        }

    return {
        "broader": [out(ref) for ref in hierarchy.broader],
        "narrower": [out(ref) for ref in hierarchy.narrower],
    }


@router.get(
    "/taxonomy/search",
    response={200: schemas.SearchOut, 422: ErrorOut},
    auth=None,
    summary="Search skills or occupations by label, in any loaded language",
)
def search(request: HttpRequest, query: Query[schemas.SearchQuery]) -> Any:
    """Concepts whose labels hold every word of `text`, best matches first."""
    result = selectors.concept_search(
        text=query.text,
        concept_type=query.type,
        language=query.language or None,
        collection=query.collection.value if query.collection else None,
        isco_group=query.isco_group or None,
        is_health=query.is_health,
        version=query.version or None,
        limit=query.limit,
        offset=query.offset,
    )
    return {
        "version": result.version.code if result.version else None,
        "count": result.total,
        "items": [
            {
                "uri": hit.uri,
                "preferred_label": hit.preferred_label,
                "type": hit.concept_type,
                "matched_label": hit.matched_label,
                "matched_language": hit.matched_language,
                "collections": list(getattr(hit.concept, "collections", [])),
            }
            for hit in result.hits
        ],
    }


@router.get(
    "/taxonomy/skills/{path:ref}",
    response={200: schemas.SkillOut, 404: ErrorOut},
    auth=None,
    summary="One skill by URI or UUID, with its relations",
)
def skill(request: HttpRequest, ref: str, version: str = "") -> Any:
    found = selectors.skill_get(uri_or_uuid=ref, version=version or None)
    occupations = selectors.skill_occupations(found)
    return {
        "uri": found.uri,
        "version": found.version.code,
        "preferred_label": found.preferred_label,
        "description": found.description,
        "skill_type": found.skill_type,
        "reuse_level": found.reuse_level,
        "collections": found.collections,
        "labels": _labels(selectors.labels_of(concept_uri=found.uri, version=found.version)),
        **_hierarchy(selectors.skill_broader_narrower(found)),
        "related": [
            {
                "uri": item.skill.uri,
                "preferred_label": item.skill.preferred_label,
                "relation_type": item.relation_type,
                "direction": item.direction,
            }
            for item in selectors.skill_related(found)
        ],
        "essential_for": [_ref(o, "occupation") for o in occupations.essential],
        "optional_for": [_ref(o, "occupation") for o in occupations.optional],
    }


@router.get(
    "/taxonomy/occupations/{path:ref}",
    response={200: schemas.OccupationOut, 404: ErrorOut},
    auth=None,
    summary="One occupation by URI or UUID, with its skills",
)
def occupation(request: HttpRequest, ref: str, version: str = "") -> Any:
    found = selectors.occupation_get(uri_or_uuid=ref, version=version or None)
    profile = selectors.occupation_skills(found)
    share = selectors.occupation_green_digital_share(found)
    return {
        "uri": found.uri,
        "version": found.version.code,
        "preferred_label": found.preferred_label,
        "description": found.description,
        "code": found.code,
        "isco_group": found.isco_group,
        "regulated_profession_note": found.regulated_profession_note,
        "is_health": found.is_health,
        "labels": _labels(selectors.labels_of(concept_uri=found.uri, version=found.version)),
        **_hierarchy(selectors.occupation_broader_narrower(found)),
        "essential_skills": [_ref(s, "skill") for s in profile.essential],
        "optional_skills": [_ref(s, "skill") for s in profile.optional],
        "green_share": round(share.green_share, 4),
        "digital_share": round(share.digital_share, 4),
    }


class EngineWarming(DomainError):
    code = "engine_warming"
    status = 503


def _engine(version_code: str) -> Any:
    version = selectors.version_get(code=version_code) if version_code else None
    version = version or selectors.version_default()
    if version is None:
        raise EngineWarming("No ESCO version is imported yet.")
    if not matching.engine_is_ready(version):
        matching.engine_warm_up_request(version)
        raise EngineWarming(
            "The matching engine is being prepared for this ESCO version (a few minutes after "
            "an import). Try again shortly."
        )
    return version, matching.engine_for(version)


def _results(version: Any, found: list[list[Any]]) -> dict[str, Any]:
    return {
        "version": version.code,
        "results": [
            {
                "matches": [
                    {
                        "uri": m.uri,
                        "label": m.label,
                        "score": round(float(m.score), 4),
                        "start": m.start,
                        "end": m.end,
                    }
                    for m in matches
                ]
            }
            for matches in found
        ],
    }


@router.post(
    "/taxonomy/match/skills",
    response={200: schemas.MatchResultsOut, 401: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    auth=AUTH,
    summary="Texts to ESCO skills, best first, with the span that triggered each",
)
def match_skills(request: HttpRequest, payload: schemas.MatchIn) -> Any:
    version, engine = _engine(payload.version)
    return _results(version, engine.match_skills(payload.texts, top=payload.top))


@router.post(
    "/taxonomy/match/occupations",
    response={200: schemas.MatchResultsOut, 401: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    auth=AUTH,
    summary="Job titles to ESCO occupations and local roles, best first",
)
def match_occupations(request: HttpRequest, payload: schemas.MatchIn) -> Any:
    version, engine = _engine(payload.version)
    return _results(version, engine.match_occupations(payload.texts, top=payload.top))


def _role_out(role: Any) -> dict[str, Any]:
    links = list(role.skills.all())
    return {
        "slug": role.slug,
        "uri": role.uri,
        "preferred_label": role.preferred_label,
        "alt_labels": list(role.alt_labels),
        "description": role.description,
        "isco_group": role.isco_group,
        "source": role.source,
        "content_version": role.content_version,
        "is_active": role.is_active,
        "esco_version": role.esco_version.code,
        "essential_skills": sorted(x.skill_uri for x in links if x.relation == "essential"),
        "optional_skills": sorted(x.skill_uri for x in links if x.relation == "optional"),
    }


def _profile(essential: list[str], optional: list[str]) -> dict[str, str]:
    profile = {uri.strip(): "optional" for uri in optional if uri.strip()}
    profile.update({uri.strip(): "essential" for uri in essential if uri.strip()})
    return profile


@router.get(
    "/taxonomy/local-roles",
    response=list[schemas.LocalRoleOut],
    auth=None,
    summary="The partnership's local roles (not ESCO), with their ESCO skill profiles",
)
def local_role_list(request: HttpRequest) -> Any:
    return [_role_out(role) for role in selectors.local_roles_visible()]


@router.get(
    "/taxonomy/local-roles/{slug}",
    response={200: schemas.LocalRoleOut, 404: ErrorOut},
    auth=None,
    summary="One local role",
)
def local_role_get(request: HttpRequest, slug: str) -> Any:
    role = selectors.local_role_get(slug=slug)
    if not role.is_active and not is_secretariat(request.user):
        raise Http404
    return _role_out(role)


@router.post(
    "/taxonomy/local-roles",
    response={
        201: schemas.LocalRoleOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    auth=AUTH,
    summary="Add a local role (secretariat)",
)
def local_role_create(request: AuthedHttpRequest, payload: schemas.LocalRoleIn) -> Any:
    data = payload.dict(exclude={"essential_skills", "optional_skills"})
    role = services.local_role_create(
        actor=request.user,
        skills=_profile(payload.essential_skills, payload.optional_skills),
        **data,
    )
    return Status(201, _role_out(selectors.local_role_get(slug=role.slug)))


@router.patch(
    "/taxonomy/local-roles/{slug}",
    response={
        200: schemas.LocalRoleOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    auth=AUTH,
    summary="Change a local role or its skill profile (secretariat)",
)
def local_role_update(
    request: AuthedHttpRequest, slug: str, payload: schemas.LocalRolePatch
) -> Any:
    role = selectors.local_role_get(slug=slug)
    changes = payload.dict(exclude_unset=True)
    essential = changes.pop("essential_skills", None)
    optional = changes.pop("optional_skills", None)
    skills = None
    if essential is not None or optional is not None:
        current = _role_out(role)
        skills = _profile(
            essential if essential is not None else current["essential_skills"],
            optional if optional is not None else current["optional_skills"],
        )
    services.local_role_update(
        actor=request.user,
        role=role,
        data=changes,
        skills=skills,
    )
    return _role_out(selectors.local_role_get(slug=slug))
