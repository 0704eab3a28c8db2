"""Reads for organisations. Every read made for a person checks what that person may see."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django_countries import countries

from skillspact.core.errors import NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.core.permissions import ensure_secretariat, is_secretariat
from skillspact.organisations import normalise
from skillspact.organisations.models import (
    Affiliation,
    Interest,
    Invitation,
    MembershipApplication,
    Organisation,
    StakeholderType,
    WorkingGroup,
    WorkingGroupDocument,
)

SORTS = {
    "name": ("legal_name", "id"),
    "-name": ("-legal_name", "-id"),
    "newest": ("-joined_at", "-id"),
    "oldest": ("joined_at", "id"),
    "country": ("country", "legal_name", "id"),
}


@dataclass(frozen=True)
class DirectoryFilters:
    """What a directory search asks for; the page and the API share it."""

    q: str = ""
    country: str = ""
    region: str = ""
    stakeholder_type: str = ""
    interest: str = ""
    sort: str = "name"


# -- roles -------------------------------------------------------------------------------------


def can_act_for(*, user: Any, organisation: Organisation) -> bool:
    """Whether `user` may act for `organisation`: one of its contacts, or the secretariat."""
    if not (user and user.is_authenticated):
        return False
    if is_secretariat(user):
        return True
    return Affiliation.objects.filter(
        organisation=organisation, user=user, role=Affiliation.Role.CONTACT
    ).exists()


def ensure_can_act_for(*, user: Any, organisation: Organisation, message: str = "") -> None:
    """Raise NotPermitted (with `message`, if given) unless `user` is a contact of
    `organisation` or the secretariat."""
    if not can_act_for(user=user, organisation=organisation):
        raise NotPermitted(message or None)


def contact_emails(*, organisation: Organisation) -> list[str]:
    """The addresses of an organisation's active contacts, for notifications."""
    return list(
        organisation.affiliations.filter(
            role=Affiliation.Role.CONTACT, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def organisations_acted_for(*, user: Any) -> QuerySet[Organisation]:
    """The organisations `user` is a contact of."""
    if not (user and user.is_authenticated):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        affiliations__user=user, affiliations__role=Affiliation.Role.CONTACT
    ).order_by("legal_name")


def affiliations_of(*, user: Any) -> QuerySet[Affiliation]:
    """A person's links to organisations, with the organisation loaded."""
    return Affiliation.objects.filter(user=user).select_related("organisation")


def organisations_where_sole_contact(*, user: Any) -> list[Organisation]:
    """Member organisations that would be left without a contact if `user` went away."""
    result = []
    for org in organisations_acted_for(user=user).filter(status=Organisation.Status.MEMBER):
        if org.affiliations.filter(role=Affiliation.Role.CONTACT).count() == 1:
            result.append(org)
    return result


# -- the public directory ----------------------------------------------------------------------


def directory_members() -> QuerySet[Organisation]:
    """Every member organisation that opted in to the public directory."""
    return Organisation.objects.filter(status=Organisation.Status.MEMBER, is_listed=True)


def directory_search(filters: DirectoryFilters) -> QuerySet[Organisation]:
    """The directory filtered by text (all words must match), country, region, type, interest."""
    queryset = directory_members()
    for word in normalise.search_text(filters.q).split()[:8]:
        queryset = queryset.filter(search_text__contains=word)
    if filters.country:
        queryset = queryset.filter(country=filters.country.upper())
    if filters.region:
        queryset = queryset.filter(nuts2=filters.region.upper())
    if filters.stakeholder_type:
        if filters.stakeholder_type in StakeholderType.values:
            queryset = queryset.filter(stakeholder_type=filters.stakeholder_type)
        else:  # a family: "education", "industry", "public"
            queryset = queryset.filter(stakeholder_type__startswith=f"{filters.stakeholder_type}_")
    if filters.interest:
        queryset = queryset.filter(interests__slug=filters.interest)
    return queryset.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def directory_page_items(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """What a directory row shows, loaded in two queries."""
    return queryset.prefetch_related(
        Prefetch("interests", queryset=Interest.objects.order_by("name"))
    )


STATS_CACHE_KEY = "organisations:directory-stats"
STATS_CACHE_SECONDS = 300


def directory_stats() -> dict[str, Any]:
    """The partnership in numbers: listed members per country and type, members over time.

    Cached for every process; services that change membership call `directory_stats_forget()`.
    """
    cached = cache.get(STATS_CACHE_KEY)
    if cached is None:
        cached = {
            "facets": directory_facets(directory_members()),
            "members_over_time": members_over_time(),
        }
        cache.set(STATS_CACHE_KEY, cached, STATS_CACHE_SECONDS)
    return dict(cached)


def directory_stats_forget() -> None:
    """Drop the cached numbers after a change to membership."""
    cache.delete(STATS_CACHE_KEY)


def directory_facets(queryset: QuerySet[Organisation]) -> dict[str, list[tuple[str, str, int]]]:
    """Counts per country and per stakeholder type of a directory result, largest first."""
    by_country = queryset.order_by().values("country").annotate(n=Count("id")).order_by("-n")
    by_type = queryset.order_by().values("stakeholder_type").annotate(n=Count("id")).order_by("-n")
    labels = dict(StakeholderType.choices)
    return {
        "country": [
            (row["country"], countries.name(row["country"]), row["n"]) for row in by_country
        ],
        "stakeholder_type": [
            (row["stakeholder_type"], str(labels.get(row["stakeholder_type"], "")), row["n"])
            for row in by_type
        ],
    }


def members_over_time() -> list[tuple[str, int]]:
    """Member organisations at the end of every month in which one joined or left."""
    changes: Counter[str] = Counter()
    for field, sign in (("joined_at", 1), ("left_at", -1)):
        rows = (
            Organisation.objects.filter(**{f"{field}__isnull": False})
            .annotate(month=TruncMonth(field))
            .values("month")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            changes[row["month"].strftime("%Y-%m")] += sign * row["n"]
    total, series = 0, []
    for month in sorted(changes):
        total += changes[month]
        series.append((month, total))
    return series


def interests_all() -> QuerySet[Interest]:
    """Every area of interest, by name."""
    return Interest.objects.order_by("name")


def organisation_get_public(*, user: Any, slug: str) -> Organisation:
    """An organisation's public page: listed members for all; its own people and the secretariat
    also see it when unlisted or former."""
    organisation = (
        Organisation.objects.filter(slug=slug)
        .prefetch_related("interests", "networks", "working_groups")
        .first()
    )
    if organisation is None:
        raise Http404
    if organisation.is_member and organisation.is_listed:
        return organisation
    if is_secretariat(user) or (
        user.is_authenticated and organisation.affiliations.filter(user=user).exists()
    ):
        return organisation
    raise Http404


def organisation_get_for_edit(*, user: Any, slug: str) -> Organisation:
    """An organisation its contact or the secretariat may change; 404 for anyone else."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not can_act_for(user=user, organisation=organisation):
        raise Http404
    return organisation


def organisation_people(*, organisation: Organisation) -> QuerySet[Affiliation]:
    """The people linked to an organisation, contacts first."""
    return organisation.affiliations.select_related("user").order_by("role", "user__full_name")


def invitations_pending(*, organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations of an organisation still waiting for an answer."""
    return organisation.invitations.filter(status=Invitation.Status.PENDING).order_by("-created_at")


def invitation_get_for_action(*, user: Any, public_id: Any) -> Invitation:
    """An invitation its organisation's contact (or the secretariat) may revoke."""
    invitation = (
        Invitation.objects.select_related("organisation").filter(public_id=public_id).first()
    )
    if invitation is None or not can_act_for(user=user, organisation=invitation.organisation):
        raise Http404
    return invitation


def invitation_get_by_link(*, public_id: Any) -> Invitation:
    """The invitation behind an e-mailed link (the unguessable id is the credential)."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(public_id=public_id)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def affiliation_get_for_removal(*, user: Any, public_id: Any) -> Affiliation:
    """A person's link that `user` may remove: their own, or any of an organisation they act for."""
    affiliation = (
        Affiliation.objects.select_related("organisation", "user")
        .filter(public_id=public_id)
        .first()
    )
    if affiliation is None:
        raise Http404
    if affiliation.user_id == user.pk or can_act_for(
        user=user, organisation=affiliation.organisation
    ):
        return affiliation
    raise Http404


# -- applications ------------------------------------------------------------------------------


def applications_of(*, user: Any) -> QuerySet[MembershipApplication]:
    """The applications a person has made, newest first."""
    return MembershipApplication.objects.filter(applicant=user).order_by("-created_at")


def application_get_for_view(*, user: Any, public_id: Any) -> MembershipApplication:
    """An application its applicant or the secretariat may read; 404 for everyone else."""
    application = (
        MembershipApplication.objects.select_related("applicant", "organisation", "decided_by")
        .prefetch_related("interests", "messages__author")
        .filter(public_id=public_id)
        .first()
    )
    if application is None or not (
        is_secretariat(user) or (user.is_authenticated and application.applicant_id == user.pk)
    ):
        raise Http404
    return application


def application_get_for_edit(*, user: Any, public_id: Any) -> MembershipApplication:
    """An application its applicant may still change."""
    application = MembershipApplication.objects.filter(public_id=public_id).first()
    if application is None or not user.is_authenticated or application.applicant_id != user.pk:
        raise Http404
    return application


def applications_review_queue(*, user: Any, status: str = "") -> QuerySet[MembershipApplication]:
    """The secretariat's queue: open applications first, oldest submission first."""
    ensure_secretariat(user)
    queryset = MembershipApplication.objects.exclude(
        status=MembershipApplication.Status.DRAFT
    ).select_related("applicant")
    if status:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.filter(status__in=MembershipApplication.OPEN_STATUSES)
    return queryset.order_by("submitted_at", "id")


def application_review_counts(*, user: Any) -> dict[str, int]:
    """How many applications are in each state, for the queue's tabs."""
    ensure_secretariat(user)
    return {
        row["status"]: row["n"]
        for row in MembershipApplication.objects.values("status").annotate(n=Count("id"))
    }


def application_get_for_review(*, user: Any, public_id: Any) -> MembershipApplication:
    """An application for the secretariat to review."""
    ensure_secretariat(user)
    return application_get_for_view(user=user, public_id=public_id)


# -- secretariat views -------------------------------------------------------------------------


def members_for_export(*, user: Any) -> QuerySet[Organisation]:
    """Every organisation, listed or not, for the secretariat's export."""
    ensure_secretariat(user)
    return Organisation.objects.prefetch_related("interests", "networks").order_by("legal_name")


def audit_entries_for_organisation(
    *, user: Any, organisation: Organisation
) -> QuerySet[AuditEntry]:
    """An organisation's audit log, newest first (secretariat only)."""
    ensure_secretariat(user)
    return AuditEntry.objects.filter(organisation=organisation).select_related("actor")


# -- working groups ----------------------------------------------------------------------------


def person_is_member(*, user: Any) -> bool:
    """Whether the person belongs (as contact or member) to a member organisation."""
    return _is_member_person(user)


def _is_member_person(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and Affiliation.objects.filter(
            user=user, organisation__status=Organisation.Status.MEMBER
        ).exists()
    )


def working_groups_visible_to(*, user: Any) -> QuerySet[WorkingGroup]:
    """Working groups for people of member organisations and the secretariat."""
    if is_secretariat(user):
        queryset = WorkingGroup.objects.all()
    elif _is_member_person(user):
        queryset = WorkingGroup.objects.filter(is_active=True)
    else:
        raise PermissionDenied
    return queryset.annotate(
        member_count=Count(
            "organisations",
            filter=Q(organisations__status=Organisation.Status.MEMBER),
            distinct=True,
        )
    ).order_by("-is_active", "name")


def working_group_get_for_view(*, user: Any, slug: str) -> WorkingGroup:
    """A working group page, for people of member organisations and the secretariat."""
    group = working_groups_visible_to(user=user).filter(slug=slug).first()
    if group is None:
        raise Http404
    return group


def working_group_members(*, group: WorkingGroup) -> QuerySet[Organisation]:
    """The member organisations in a group, by name."""
    return group.organisations.filter(status=Organisation.Status.MEMBER).order_by("legal_name")


def working_group_is_participant(*, user: Any, group: WorkingGroup) -> bool:
    """Whether `user` belongs to an organisation taking part in `group`."""
    return bool(
        user.is_authenticated
        and Affiliation.objects.filter(
            user=user, organisation__working_groups=group, organisation__status="member"
        ).exists()
    )


def working_group_document_get(*, user: Any, public_id: Any) -> WorkingGroupDocument:
    """A document for download: the group's participants and the secretariat only."""
    document = (
        WorkingGroupDocument.objects.select_related("group").filter(public_id=public_id).first()
    )
    if document is None:
        raise Http404
    if is_secretariat(user) or working_group_is_participant(user=user, group=document.group):
        return document
    raise Http404


# -- personal data -----------------------------------------------------------------------------


def person_data_export(*, user: Any) -> dict[str, Any]:
    """The organisation-related part of a person's data export."""
    return {
        "organisations": [
            {
                "organisation": a.organisation.legal_name,
                "role": a.role,
                "since": a.created_at.isoformat(),
            }
            for a in affiliations_of(user=user)
        ],
        "membership_applications": [
            {
                "id": str(app.public_id),
                "organisation": app.legal_name,
                "status": app.status,
                "created": app.created_at.isoformat(),
                "submitted": app.submitted_at.isoformat() if app.submitted_at else None,
                "motivation": app.motivation,
            }
            for app in applications_of(user=user)
        ],
    }
