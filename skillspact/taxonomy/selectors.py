"""Reads of the taxonomy. ESCO and the local roles are public, so nothing here checks a person.

Every read takes an optional `version` (an EscoVersion or its code) and uses the default version
when it is left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, IntegerField, Min, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.http import Http404

from skillspact.core.text import search_text
from skillspact.taxonomy import search_index
from skillspact.taxonomy.models import (
    Broader,
    Collection,
    CollectionMember,
    ConceptType,
    EscoVersion,
    HealthLensOverride,
    IscoGroup,
    Label,
    LocalRole,
    Occupation,
    OccupationSkill,
    Relation,
    Skill,
    SkillGroup,
    SkillRelation,
)
from skillspact.taxonomy.search_index import LENGTH_WEIGHT as _LENGTH_WEIGHT
from skillspact.taxonomy.search_index import (  # the MATCH_* values hits carry
    MATCH_ALL_WORDS,
    MATCH_EXACT,
    MATCH_FIRST_WORDS,
    MATCH_PREFIX,
    MATCH_SUBSTRING,
    MATCH_WORD_PREFIX,
    MATCH_WORDS_INSIDE,
)

SKILL_URI_PREFIX = "http://data.europa.eu/esco/skill/"
OCCUPATION_URI_PREFIX = "http://data.europa.eu/esco/occupation/"
CONCEPT_MODELS: dict[str, type[Skill] | type[Occupation] | type[IscoGroup] | type[SkillGroup]] = {
    ConceptType.SKILL: Skill,
    ConceptType.OCCUPATION: Occupation,
    ConceptType.ISCO_GROUP: IscoGroup,
    ConceptType.SKILL_GROUP: SkillGroup,
}
Concept = Skill | Occupation | IscoGroup | SkillGroup


# -- versions ----------------------------------------------------------------------------------


def version_default() -> EscoVersion | None:
    """The ready version pages and new references use, or None before the first import."""
    return EscoVersion.objects.filter(is_default=True, status=EscoVersion.Status.READY).first()


def versions_all() -> list[EscoVersion]:
    """Every version, newest release first, whatever its status."""
    return sorted(EscoVersion.objects.all(), key=lambda version: version.sort_key, reverse=True)


def version_get(*, code: str) -> EscoVersion:
    """A ready version by its code (v1.1.1), or 404."""
    version = EscoVersion.objects.filter(code=code, status=EscoVersion.Status.READY).first()
    if version is None:
        raise Http404
    return version


def _version(version: EscoVersion | str | None) -> EscoVersion | None:
    if isinstance(version, EscoVersion):
        return version
    if version:
        return EscoVersion.objects.filter(code=version, status=EscoVersion.Status.READY).first()
    return version_default()


# -- search ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConceptHit:
    """A concept found by search, with the label that matched best."""

    concept: Any
    concept_type: str
    matched_label: str
    matched_language: str
    matched_label_type: str
    match: int

    @property
    def uri(self) -> str:
        return str(self.concept.uri)

    @property
    def preferred_label(self) -> str:
        return str(self.concept.preferred_label)


@dataclass(frozen=True)
class SearchPage:
    hits: list[ConceptHit]
    total: int
    version: EscoVersion | None


def _match_rank(query: str) -> Case:
    return Case(
        When(normalised=query, then=Value(MATCH_EXACT)),
        When(normalised__startswith=f"{query} ", then=Value(MATCH_FIRST_WORDS)),
        When(normalised__startswith=query, then=Value(MATCH_PREFIX)),
        When(
            Q(normalised__contains=f" {query} ") | Q(normalised__endswith=f" {query}"),
            then=Value(MATCH_WORDS_INSIDE),
        ),
        When(normalised__contains=f" {query}", then=Value(MATCH_WORD_PREFIX)),
        When(normalised__contains=query, then=Value(MATCH_SUBSTRING)),
        default=Value(MATCH_ALL_WORDS),
        output_field=IntegerField(),
    )


_TYPE_RANK = Case(
    When(label_type=Label.LabelType.PREFERRED, then=Value(0)),
    When(label_type=Label.LabelType.ALTERNATIVE, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def concept_search(
    *,
    text: str,
    concept_type: str = ConceptType.SKILL,
    language: str | None = None,
    collection: str | None = None,
    isco_group: str | None = None,
    is_health: bool | None = None,
    version: EscoVersion | str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Concepts whose labels contain every word of `text`, best matches first.

    An exact label comes first, then labels that start with the text as whole words, start
    with it, hold it as whole words, hold a word starting with it, hold it anywhere, and last
    hold all its words in any order; within each, a preferred label beats an alternative one,
    which beats a hidden one, and a shorter label a longer one. Each concept appears once.
    An empty `text` lists preferred labels A to Z. `isco_group` (a code prefix) and
    `is_health` apply to occupations.

    The labels are read from a per-process index of the version (search_index), built on the
    first search after an import; then two to four queries: the version, the filters' concepts
    and the page's concepts. Without an index (every language loaded, or a version still
    importing) the labels are searched in the database, in five queries.
    """
    esco = _version(version)
    model = CONCEPT_MODELS.get(concept_type)
    if esco is None or model is None:
        return SearchPage([], 0, esco)
    index = search_index.label_index(esco, concept_type)
    if index is None:
        return _concept_search_in_database(
            esco=esco,
            model=model,
            text=text,
            concept_type=concept_type,
            language=language,
            collection=collection,
            isco_group=isco_group,
            is_health=is_health,
            limit=limit,
            offset=offset,
        )
    found = index.search(
        query=search_text(text),
        language=language,
        default_language=esco.primary_language,
        concept_uris=_concept_uris_filtered(esco, concept_type, collection, isco_group, is_health),
        limit=limit,
        offset=offset,
    )
    if not found.hits:
        return SearchPage([], found.total, esco)
    concepts = {
        concept.uri: concept
        for concept in model.objects.filter(
            version=esco, uri__in=[hit.concept_uri for hit in found.hits]
        )
    }
    hits = [
        ConceptHit(
            concept=concepts[hit.concept_uri],
            concept_type=concept_type,
            matched_label=hit.label_text,
            matched_language=hit.language,
            matched_label_type=hit.label_type,
            match=hit.match,
        )
        for hit in found.hits
        if hit.concept_uri in concepts
    ]
    return SearchPage(hits, found.total, esco)


def _concept_uris_filtered(
    esco: EscoVersion,
    concept_type: str,
    collection: str | None,
    isco_group: str | None,
    is_health: bool | None,
) -> set[str] | None:
    """The concepts the filters leave, or None without filters. Read fresh: the health lens
    changes `is_health` without a new import."""
    uris: set[str] | None = None
    if collection:
        uris = set(
            CollectionMember.objects.filter(version=esco, collection=collection).values_list(
                "concept_uri", flat=True
            )
        )
    if concept_type == ConceptType.OCCUPATION and (isco_group or is_health is not None):
        occupations = Occupation.objects.filter(version=esco)
        if isco_group:
            occupations = occupations.filter(isco_group__startswith=isco_group.strip())
        if is_health is not None:
            occupations = occupations.filter(is_health=is_health)
        found = set(occupations.values_list("uri", flat=True))
        uris = found if uris is None else uris & found
    return uris


def skill_uris_in_collection(
    *, collection: str, version: EscoVersion | str | None = None
) -> set[str]:
    """The URIs of the skills in an ESCO collection (digital, green, ...) of `version`."""
    esco = _version(version)
    if esco is None or not collection:
        return set()
    return _concept_uris_filtered(esco, ConceptType.SKILL, collection, None, None) or set()


def occupation_uris_in_isco_group(
    *, isco_group: str, version: EscoVersion | str | None = None
) -> set[str]:
    """The URIs of the occupations under an ISCO-08 code prefix of `version`."""
    esco = _version(version)
    if esco is None or not isco_group.strip():
        return set()
    return _concept_uris_filtered(esco, ConceptType.OCCUPATION, None, isco_group, None) or set()


def _concept_search_in_database(
    *,
    esco: EscoVersion,
    model: type[Concept],
    text: str,
    concept_type: str,
    language: str | None,
    collection: str | None,
    isco_group: str | None,
    is_health: bool | None,
    limit: int,
    offset: int,
) -> SearchPage:
    """concept_search in SQL: a LIKE over every label of the version, then a GROUP BY."""
    labels = Label.objects.filter(version=esco, concept_type=concept_type)
    if language:
        labels = labels.filter(language=language)
    if collection:
        labels = labels.filter(
            concept_uri__in=CollectionMember.objects.filter(
                version=esco, collection=collection
            ).values("concept_uri")
        )
    if concept_type == ConceptType.OCCUPATION and (isco_group or is_health is not None):
        occupations = Occupation.objects.filter(version=esco)
        if isco_group:
            occupations = occupations.filter(isco_group__startswith=isco_group.strip())
        if is_health is not None:
            occupations = occupations.filter(is_health=is_health)
        labels = labels.filter(concept_uri__in=occupations.values("uri"))
    query = search_text(text)
    if query:
        for word in query.split():
            labels = labels.filter(normalised__contains=word)
        score: Any = _match_rank(query) * 3 + _TYPE_RANK
    else:
        labels = labels.filter(
            label_type=Label.LabelType.PREFERRED, language=language or esco.primary_language
        )
        score = Value(0)
    labels = labels.annotate(score=score, weight=score * _LENGTH_WEIGHT + Length("normalised"))
    ranked = (
        labels.values("concept_uri").annotate(best=Min("weight")).order_by("best", "concept_uri")
        if query
        else labels.values("concept_uri").annotate(best=Min("normalised")).order_by("best")
    )
    total = ranked.count()
    page = [row["concept_uri"] for row in ranked[offset : offset + max(0, limit)]]
    if not page:
        return SearchPage([], total, esco)
    concepts = {
        concept.uri: concept for concept in model.objects.filter(version=esco, uri__in=page)
    }
    best: dict[str, tuple[int, str, str, str]] = {}
    for row in labels.filter(concept_uri__in=page).values_list(
        "concept_uri", "weight", "text", "language", "label_type"
    ):
        uri, weight, label_text, label_language, label_type = row
        if uri not in best or weight < best[uri][0]:
            best[uri] = (weight, label_text, label_language, label_type)
    hits = []
    for uri in page:
        if uri not in concepts:
            continue
        weight, label_text, label_language, label_type = best[uri]
        hits.append(
            ConceptHit(
                concept=concepts[uri],
                concept_type=concept_type,
                matched_label=label_text,
                matched_language=label_language,
                matched_label_type=label_type,
                match=weight // _LENGTH_WEIGHT // 3 if query else MATCH_EXACT,
            )
        )
    return SearchPage(hits, total, esco)


# -- single concepts ---------------------------------------------------------------------------


def _concept_get(
    model: type[Skill] | type[Occupation], prefix: str, uri_or_uuid: str, version: Any
) -> Any:
    esco = _version(version)
    value = uri_or_uuid.strip()
    if esco is None or not value:
        raise Http404
    uri = value if ":" in value else f"{prefix}{value}"
    concept = model.objects.filter(version=esco, uri=uri).first()
    if concept is None:
        raise Http404
    return concept


def skill_get(*, uri_or_uuid: str, version: EscoVersion | str | None = None) -> Skill:
    """A skill by its URI or the UUID at the end of it, or 404."""
    return _concept_get(Skill, SKILL_URI_PREFIX, uri_or_uuid, version)  # type: ignore[no-any-return]


def occupation_get(*, uri_or_uuid: str, version: EscoVersion | str | None = None) -> Occupation:
    """An occupation by its URI or the UUID at the end of it, or 404."""
    return _concept_get(  # type: ignore[no-any-return]
        Occupation, OCCUPATION_URI_PREFIX, uri_or_uuid, version
    )


def skills_by_uri(
    uris: Iterable[str], *, version: EscoVersion | str | None = None
) -> dict[str, Skill]:
    """The skills of `version` among `uris`, keyed by URI; unknown URIs are left out."""
    esco = _version(version)
    if esco is None:
        return {}
    return {skill.uri: skill for skill in Skill.objects.filter(version=esco, uri__in=set(uris))}


def occupations_by_uri(
    uris: Iterable[str], *, version: EscoVersion | str | None = None
) -> dict[str, Occupation]:
    """The occupations of `version` among `uris`, keyed by URI."""
    esco = _version(version)
    if esco is None:
        return {}
    return {
        occupation.uri: occupation
        for occupation in Occupation.objects.filter(version=esco, uri__in=set(uris))
    }


@dataclass(frozen=True)
class ConceptBrief:
    """What another domain stores next to a concept URI: its label and its groupings."""

    uri: str
    label: str
    is_green: bool = False
    is_digital: bool = False
    isco_major: str = ""
    is_local: bool = False


def concepts_describe(
    uris: Iterable[str], *, concept_type: str, version: EscoVersion | str | None = None
) -> dict[str, ConceptBrief]:
    """Briefs of the skills, or the occupations and active local roles, among `uris`.

    Unknown URIs are left out, so a caller can tell the person which ones were not found.
    """
    wanted = {uri.strip() for uri in uris if uri and uri.strip()}
    if not wanted:
        return {}
    found: dict[str, ConceptBrief] = {}
    if concept_type == ConceptType.SKILL:
        for uri, label, codes in Skill.objects.filter(
            version=_version(version), uri__in=wanted
        ).values_list("uri", "preferred_label", "collections"):
            codes = codes or []
            found[uri] = ConceptBrief(
                uri=uri,
                label=label,
                is_green=Collection.GREEN in codes,
                is_digital=Collection.DIGITAL in codes,
            )
        return found
    for uri, label, isco in Occupation.objects.filter(
        version=_version(version), uri__in=wanted
    ).values_list("uri", "preferred_label", "isco_group"):
        found[uri] = ConceptBrief(uri=uri, label=label, isco_major=(isco or "")[:1])
    for uri, label, isco in LocalRole.objects.filter(uri__in=wanted, is_active=True).values_list(
        "uri", "preferred_label", "isco_group"
    ):
        found[uri] = ConceptBrief(uri=uri, label=label, isco_major=(isco or "")[:1], is_local=True)
    return found


def labels_of(
    *, concept_uri: str, version: EscoVersion | str | None = None, language: str | None = None
) -> list[Label]:
    """A concept's labels in every language (or one), preferred first."""
    esco = _version(version)
    if esco is None:
        return []
    labels = Label.objects.filter(version=esco, concept_uri=concept_uri)
    if language:
        labels = labels.filter(language=language)
    return list(labels.annotate(rank=_TYPE_RANK).order_by("language", "rank", "text"))


# -- occupations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillProfile:
    essential: list[Skill] = field(default_factory=list)
    optional: list[Skill] = field(default_factory=list)


def occupation_skills(occupation: Occupation) -> SkillProfile:
    """An occupation's essential and optional skills, A to Z. One query."""
    profile = SkillProfile()
    skills = (
        Skill.objects.filter(occupation_links__occupation=occupation)
        .annotate(relation=F("occupation_links__relation"))
        .order_by("preferred_label")
    )
    for skill in skills:
        target = profile.essential if skill.relation == Relation.ESSENTIAL else profile.optional
        target.append(skill)
    return profile


@dataclass(frozen=True)
class GreenDigitalShare:
    total: int
    green: int
    digital: int

    @property
    def green_share(self) -> float:
        return self.green / self.total if self.total else 0.0

    @property
    def digital_share(self) -> float:
        return self.digital / self.total if self.total else 0.0


def occupation_green_digital_share(
    occupation: Occupation, *, is_essential_only: bool = False
) -> GreenDigitalShare:
    """How many of an occupation's skills are in ESCO's green and digital collections. One query."""
    links = OccupationSkill.objects.filter(occupation=occupation)
    if is_essential_only:
        links = links.filter(relation=Relation.ESSENTIAL)
    collections = list(links.values_list("skill__collections", flat=True))
    return GreenDigitalShare(
        total=len(collections),
        green=sum(1 for codes in collections if Collection.GREEN in (codes or [])),
        digital=sum(1 for codes in collections if Collection.DIGITAL in (codes or [])),
    )


def health_occupations(*, version: EscoVersion | str | None = None) -> QuerySet[Occupation]:
    """The occupations the health lens shows, A to Z."""
    esco = _version(version)
    if esco is None:
        return Occupation.objects.none()
    return Occupation.objects.filter(version=esco, is_health=True).order_by("preferred_label")


def health_overrides_all() -> QuerySet[HealthLensOverride]:
    """The secretariat's health-lens decisions."""
    return HealthLensOverride.objects.order_by("occupation_uri")


# -- hierarchies and relations -----------------------------------------------------------------


@dataclass(frozen=True)
class ConceptRef:
    uri: str
    concept_type: str
    preferred_label: str
    code: str = ""


@dataclass(frozen=True)
class Hierarchy:
    broader: list[ConceptRef]
    narrower: list[ConceptRef]


def _refs(version_id: int, pairs: list[tuple[str, str]]) -> dict[str, ConceptRef]:
    by_type: dict[str, set[str]] = defaultdict(set)
    for uri, concept_type in pairs:
        by_type[concept_type].add(uri)
    refs: dict[str, ConceptRef] = {}
    for concept_type, uris in by_type.items():
        model = CONCEPT_MODELS[concept_type]
        has_code = model in (Occupation, IscoGroup, SkillGroup)
        columns = ["uri", "preferred_label", *(["code"] if has_code else [])]
        for row in model.objects.filter(version_id=version_id, uri__in=uris).values(*columns):
            refs[row["uri"]] = ConceptRef(
                row["uri"], concept_type, row["preferred_label"], row.get("code", "")
            )
    return refs


def _hierarchy(version_id: int, uri: str) -> Hierarchy:
    edges = list(
        Broader.objects.filter(version_id=version_id)
        .filter(Q(narrower_uri=uri) | Q(broader_uri=uri))
        .values_list("narrower_uri", "narrower_type", "broader_uri", "broader_type")
    )
    broader_pairs = [(b, bt) for n, _nt, b, bt in edges if n == uri]
    narrower_pairs = [(n, nt) for n, nt, b, _bt in edges if b == uri]
    refs = _refs(version_id, broader_pairs + narrower_pairs)

    def ordered(pairs: list[tuple[str, str]]) -> list[ConceptRef]:
        found = [refs[pair_uri] for pair_uri, _type in pairs if pair_uri in refs]
        return sorted(found, key=lambda ref: (ref.code, ref.preferred_label))

    return Hierarchy(broader=ordered(broader_pairs), narrower=ordered(narrower_pairs))


def skill_broader_narrower(skill: Skill) -> Hierarchy:
    """The skill groups and skills above and below a skill. At most three queries."""
    return _hierarchy(skill.version_id, skill.uri)


def occupation_broader_narrower(occupation: Occupation) -> Hierarchy:
    """The ISCO group or occupation above an occupation, and the occupations below it."""
    return _hierarchy(occupation.version_id, occupation.uri)


@dataclass(frozen=True)
class RelatedSkill:
    skill: Skill
    relation_type: str
    # "out": `skill` is related to the one asked about; "in": the other way round.
    direction: str


def skill_related(skill: Skill) -> list[RelatedSkill]:
    """Skills ESCO relates to this one, in both directions. Two queries."""
    outgoing = SkillRelation.objects.filter(from_skill=skill).select_related("to_skill")
    incoming = SkillRelation.objects.filter(to_skill=skill).select_related("from_skill")
    related = [RelatedSkill(link.to_skill, link.relation_type, "out") for link in outgoing]
    related += [RelatedSkill(link.from_skill, link.relation_type, "in") for link in incoming]
    return sorted(related, key=lambda item: (item.relation_type, item.skill.preferred_label))


@dataclass(frozen=True)
class SkillOccupations:
    essential: list[Occupation] = field(default_factory=list)
    optional: list[Occupation] = field(default_factory=list)


def skill_occupations(skill: Skill, *, is_health: bool | None = None) -> SkillOccupations:
    """The occupations that need a skill, as essential or optional, A to Z. One query."""
    result = SkillOccupations()
    occupations = Occupation.objects.filter(skill_links__skill=skill)
    if is_health is not None:
        occupations = occupations.filter(is_health=is_health)
    for occupation in occupations.annotate(relation=F("skill_links__relation")).order_by(
        "preferred_label"
    ):
        target = result.essential if occupation.relation == Relation.ESSENTIAL else result.optional
        target.append(occupation)
    return result


# -- local roles -------------------------------------------------------------------------------


def local_roles_visible(*, text: str = "") -> QuerySet[LocalRole]:
    """The active local roles, A to Z, optionally those whose labels contain `text`."""
    roles = (
        LocalRole.objects.filter(is_active=True)
        .select_related("esco_version")
        .prefetch_related("skills")
        .order_by("preferred_label")
    )
    query = text.strip()
    if query:
        # Few rows: the alternative labels are matched in Python, on every database alike.
        key = search_text(query)
        slugs = [
            role.slug
            for role in roles
            if key in search_text(" ".join([role.preferred_label, *role.alt_labels]))
        ]
        roles = roles.filter(slug__in=slugs)
    return roles


def local_role_get(*, slug: str) -> LocalRole:
    """A local role by its slug (active or not), or 404."""
    role = LocalRole.objects.select_related("esco_version").filter(slug=slug).first()
    if role is None:
        raise Http404
    return role


@dataclass(frozen=True)
class LocalRoleProfile:
    essential: list[Skill]
    optional: list[Skill]
    # URIs of the profile that the role's ESCO version does not (or no longer) have.
    missing: list[str]


def local_role_profile(role: LocalRole) -> LocalRoleProfile:
    """A local role's skills as ESCO skills of the version the profile was made against."""
    links = list(role.skills.all())
    skills = {
        skill.uri: skill
        for skill in Skill.objects.filter(
            version_id=role.esco_version_id, uri__in=[link.skill_uri for link in links]
        )
    }
    essential = [
        skills[link.skill_uri]
        for link in links
        if link.relation == Relation.ESSENTIAL and link.skill_uri in skills
    ]
    optional = [
        skills[link.skill_uri]
        for link in links
        if link.relation == Relation.OPTIONAL and link.skill_uri in skills
    ]
    return LocalRoleProfile(
        essential=sorted(essential, key=lambda skill: skill.preferred_label),
        optional=sorted(optional, key=lambda skill: skill.preferred_label),
        missing=sorted(link.skill_uri for link in links if link.skill_uri not in skills),
    )
