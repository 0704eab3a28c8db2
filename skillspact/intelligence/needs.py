"""Employer needs: the roles an organisation will hire or retrain for in a year, and the skills
it finds hardest to get. One declaration per organisation and year; its contacts and the
secretariat edit it; every change is audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from skillspact.core import audit
from skillspact.core.errors import InvalidInput
from skillspact.core.permissions import is_secretariat
from skillspact.core.validation import full_clean
from skillspact.intelligence.models import EmployerNeed, NeedRole, NeedSkill
from skillspact.intelligence.respond import EU_COUNTRIES

if TYPE_CHECKING:
    from skillspact.accounts.models import User
    from skillspact.organisations.models import Organisation

HORIZONS = (12, 36)


# -- selectors ---------------------------------------------------------------------------------


def organisations_for_needs(*, user: Any) -> QuerySet[Organisation]:
    """The organisations whose needs `user` may declare: all for the secretariat, else those
    they are a contact of."""
    from skillspact.organisations import selectors as organisation_selectors
    from skillspact.organisations.models import Organisation

    if is_secretariat(user):
        return Organisation.objects.order_by("legal_name")
    return organisation_selectors.organisations_acted_for(user=user)


def organisation_get_for_needs(*, user: Any, slug: str) -> Organisation:
    """The organisation behind `slug` if `user` may declare its needs; Http404 otherwise."""
    organisation = organisations_for_needs(user=user).filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def needs_visible_to(*, user: Any) -> QuerySet[EmployerNeed]:
    """The declarations `user` may read, newest year first, with their counts."""
    return (
        EmployerNeed.objects.filter(organisation__in=organisations_for_needs(user=user))
        .select_related("organisation")
        .annotate(
            role_count=Count("roles", distinct=True), skill_count=Count("skills", distinct=True)
        )
        .order_by("-year", "organisation__legal_name")
    )


def need_get(*, organisation: Organisation, year: int) -> EmployerNeed | None:
    """The organisation's declaration for `year`, if any (call after the access check)."""
    return EmployerNeed.objects.filter(organisation=organisation, year=year).first()


def need_previous(*, organisation: Organisation, year: int) -> EmployerNeed | None:
    """The organisation's latest declaration before `year` ("start from last year's")."""
    return (
        EmployerNeed.objects.filter(organisation=organisation, year__lt=year)
        .order_by("-year")
        .first()
    )


def need_rows(need: EmployerNeed | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A declaration's roles and skills as plain dictionaries (form initial data)."""
    if need is None:
        return [], []
    roles = [
        {
            "occupation": role.occupation_uri,
            "kind": role.kind,
            "count": role.count,
            "horizon_months": role.horizon_months,
            "country": role.country,
            "region": role.region,
        }
        for role in need.roles.order_by("pk")
    ]
    skills = [
        {"skill": skill.skill_uri, "difficulty": skill.difficulty}
        for skill in need.skills.order_by("-difficulty", "pk")
    ]
    return roles, skills


# -- resolving names to concepts ---------------------------------------------------------------


def concept_resolve(text: str, *, concept_type: str) -> str:
    """A concept URI for what was typed: a known URI as it is, else the best match of the
    name (occupations include the partnership's local roles); "" when nothing matches."""
    from skillspact.taxonomy import selectors as taxonomy_selectors

    text = (text or "").strip()
    if not text:
        return ""
    if text.startswith(("http://", "https://", "urn:")):
        known = taxonomy_selectors.concepts_describe([text], concept_type=concept_type)
        return text if text in known else ""
    if concept_type == "occupation":
        for role in taxonomy_selectors.local_roles_visible():
            if role.preferred_label.lower() == text.lower():
                return str(role.uri)
    page = taxonomy_selectors.concept_search(text=text, concept_type=concept_type, limit=1)
    return str(page.hits[0].concept.uri) if page.hits else ""


def concept_labels(uris: Iterable[str], *, concept_type: str) -> dict[str, str]:
    """Labels of the concepts named by `uris` (for showing a declaration)."""
    from skillspact.taxonomy import selectors as taxonomy_selectors

    briefs = taxonomy_selectors.concepts_describe(list(uris), concept_type=concept_type)
    return {uri: brief.label for uri, brief in briefs.items()}


# -- writing -----------------------------------------------------------------------------------


def _clean_roles(rows: Iterable[Mapping[str, Any]], errors: dict[str, list[str]]) -> list[NeedRole]:
    from skillspact.organisations import regions

    roles = []
    for index, row in enumerate(rows):
        prefix = f"roles-{index}-"
        occupation = concept_resolve(str(row.get("occupation") or ""), concept_type="occupation")
        if not occupation:
            errors[prefix + "occupation"] = [_("No ESCO occupation or local role has that name.")]
        kind = str(row.get("kind") or "")
        if kind not in NeedRole.Kind.values:
            errors[prefix + "kind"] = [_("Choose hire or retrain.")]
        try:
            count = int(row.get("count") or 0)
        except (TypeError, ValueError):
            count = 0
        if count < 1:
            errors[prefix + "count"] = [_("Enter how many people, at least 1.")]
        try:
            horizon = int(row.get("horizon_months") or 0)
        except (TypeError, ValueError):
            horizon = 0
        if horizon not in HORIZONS:
            errors[prefix + "horizon_months"] = [_("Choose 12 or 36 months.")]
        country = str(row.get("country") or "").upper()
        if country not in EU_COUNTRIES:
            errors[prefix + "country"] = [_("Choose an EU country.")]
        region = str(row.get("region") or "").upper()
        if region and not regions.is_valid_region(region, country):
            errors[prefix + "region"] = [_("Choose a region of the country you chose.")]
        roles.append(
            NeedRole(
                occupation_uri=occupation,
                kind=kind,
                count=max(count, 1),
                horizon_months=horizon or 12,
                country=country,
                region=region,
            )
        )
    return roles


def _clean_skills(
    rows: Iterable[Mapping[str, Any]], errors: dict[str, list[str]]
) -> list[NeedSkill]:
    skills = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        prefix = f"skills-{index}-"
        uri = concept_resolve(str(row.get("skill") or ""), concept_type="skill")
        if not uri:
            errors[prefix + "skill"] = [_("No ESCO skill has that name.")]
        elif uri in seen:
            errors[prefix + "skill"] = [_("This skill is already listed.")]
        seen.add(uri)
        try:
            difficulty = int(row.get("difficulty") or 0)
        except (TypeError, ValueError):
            difficulty = 0
        if not 1 <= difficulty <= 5:
            errors[prefix + "difficulty"] = [_("Rate how hard from 1 to 5.")]
        skills.append(NeedSkill(skill_uri=uri, difficulty=min(max(difficulty, 1), 5)))
    return skills


@transaction.atomic
def need_save(
    *,
    actor: User,
    organisation: Organisation,
    year: int,
    roles: Iterable[Mapping[str, Any]],
    skills: Iterable[Mapping[str, Any]],
    notes: str = "",
) -> EmployerNeed:
    """Declare (or replace) `organisation`'s needs for `year`. Roles and skills are given by
    name or URI; wrong rows raise InvalidInput keyed `roles-<n>-<field>` / `skills-<n>-<field>`
    and nothing changes. The caller has checked access (`organisation_get_for_needs`)."""
    from skillspact.organisations import selectors as organisation_selectors

    organisation_selectors.ensure_can_act_for(user=actor, organisation=organisation)
    errors: dict[str, list[str]] = {}
    if not 2000 <= int(year) <= 2100:
        errors["year"] = [_("Enter a year between 2000 and 2100.")]
    role_rows = _clean_roles(roles, errors)
    skill_rows = _clean_skills(skills, errors)
    if errors:
        raise InvalidInput(_("Please correct the rows marked below."), fields=errors)
    need = (
        EmployerNeed.objects.select_for_update()
        .filter(organisation=organisation, year=year)
        .first()
    )
    before: dict[str, Any] = {}
    if need is None:
        need = EmployerNeed(organisation=organisation, year=year)
    else:
        old_roles, old_skills = need_rows(need)
        before = {"notes": need.notes, "roles": len(old_roles), "skills": len(old_skills)}
    need.notes = notes
    need.submitted_by = actor
    full_clean(need)
    need.save()
    need.roles.all().delete()
    need.skills.all().delete()
    for role in role_rows:
        role.need = need
        full_clean(role)
    for skill in skill_rows:
        skill.need = need
        full_clean(skill)
    NeedRole.objects.bulk_create(role_rows)
    NeedSkill.objects.bulk_create(skill_rows)
    audit.record(
        need,
        "intelligence.employer_need.updated" if before else "intelligence.employer_need.created",
        actor=actor,
        organisation=organisation,
        before=before,
        after={"notes": notes, "roles": len(role_rows), "skills": len(skill_rows)},
    )
    return need


def needs_export_rows(*, user: Any) -> list[list[Any]]:
    """One CSV row per declared role and per hard-to-find skill of the declarations `user` may
    read, with a header row."""
    rows: list[list[Any]] = [
        ["organisation", "year", "row", "concept_uri", "kind", "count", "horizon_months",
         "country", "region", "difficulty"],
    ]  # fmt: skip
    needs = needs_visible_to(user=user).prefetch_related("roles", "skills")
    for need in needs:
        name = need.organisation.legal_name
        for role in need.roles.all():
            rows.append(
                [name, need.year, "role", role.occupation_uri, role.kind, role.count,
                 role.horizon_months, role.country, role.region, ""]
            )  # fmt: skip
        for skill in need.skills.all():
            rows.append(
                [name, need.year, "skill", skill.skill_uri, "", "", "", "", "", skill.difficulty]
            )
    return rows
