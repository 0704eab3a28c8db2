"""Reads of commitments, windows and reports. Every read for a person checks what they may see:
published commitments are public; drafts, reviews and reports belong to the organisation's
people and the secretariat."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from skillspact.commitments.models import (
    Commitment,
    CommitmentConcept,
    ProgressReport,
    ReportingWindow,
)
from skillspact.core.permissions import is_secretariat
from skillspact.core.text import search_text
from skillspact.organisations import selectors as organisation_selectors
from skillspact.organisations.models import Affiliation, Organisation

# -- commitments -------------------------------------------------------------------------------


@dataclass
class CommitmentFilters:
    """What a commitment list asks for; the page and the API share it."""

    q: str = ""
    organisation: str = ""  # slug
    status: str = ""
    principle: str = ""
    country: str = ""
    mine: bool = False


def _organisation_ids_of(user: Any, *, roles: tuple[str, ...] = ("contact", "member")) -> list[int]:
    if not (user and user.is_authenticated):
        return []
    return list(
        Affiliation.objects.filter(user=user, role__in=roles).values_list(
            "organisation_id", flat=True
        )
    )


def commitments_visible_to(
    *, user: Any, filters: CommitmentFilters | None = None
) -> QuerySet[Commitment]:
    """Published commitments, plus every commitment of the person's organisations (all for the
    secretariat), filtered."""
    filters = filters or CommitmentFilters()
    queryset = Commitment.objects.select_related("organisation")
    if not is_secretariat(user):
        own = _organisation_ids_of(user)
        queryset = queryset.filter(Q(status=Commitment.Status.PUBLISHED) | Q(organisation__in=own))
    if filters.mine:
        queryset = queryset.filter(organisation__in=_organisation_ids_of(user))
    if filters.q.strip():
        for word in search_text(filters.q).split():
            queryset = queryset.filter(
                Q(search_text__contains=word) | Q(organisation__search_text__contains=word)
            )
    if filters.organisation:
        queryset = queryset.filter(organisation__slug=filters.organisation)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.principle:
        # JSON `contains` does not exist on SQLite; the quoted value matches one list item.
        queryset = queryset.filter(principles__icontains=f'"{filters.principle}"')
    if filters.country:
        queryset = queryset.filter(
            Q(countries__contains=filters.country.upper())
            | Q(organisation__country=filters.country.upper())
        )
    # NULLs sort first on PostgreSQL and last on SQLite unless told: unpublished ones go last.
    return queryset.order_by(F("published_at").desc(nulls_last=True), "-created_at", "-id")


def commitment_get_for_view(*, user: Any, public_id: Any) -> Commitment:
    """A commitment the person may read, with its organisation, or 404."""
    commitment = (
        Commitment.objects.select_related("organisation")
        .prefetch_related(
            "partners",
            "targets",
            Prefetch("concepts", queryset=CommitmentConcept.objects.order_by("kind", "label")),
        )
        .filter(public_id=public_id)
        .first()
    )
    if commitment is None:
        raise Http404
    if commitment.status == Commitment.Status.PUBLISHED or is_secretariat(user):
        return commitment
    if commitment.organisation_id in _organisation_ids_of(user):
        return commitment
    raise Http404


def commitment_get_for_edit(*, user: Any, public_id: Any) -> Commitment:
    """A commitment the person may change (a contact of its organisation, or the secretariat)."""
    commitment = (
        Commitment.objects.select_related("organisation").filter(public_id=public_id).first()
    )
    if commitment is None or not organisation_selectors.can_act_for(
        user=user, organisation=commitment.organisation
    ):
        raise Http404
    return commitment


def commitment_get_for_review(*, user: Any, public_id: Any) -> Commitment:
    """Any commitment, for the secretariat only."""
    if not is_secretariat(user):
        raise Http404
    return commitment_get_for_view(user=user, public_id=public_id)


def commitments_review_queue(*, user: Any) -> QuerySet[Commitment]:
    """Commitments awaiting the secretariat, oldest first."""
    if not is_secretariat(user):
        return Commitment.objects.none()
    return (
        Commitment.objects.filter(status=Commitment.Status.SUBMITTED)
        .select_related("organisation")
        .order_by("submitted_at", "id")
    )


def commitment_concepts(commitment: Commitment) -> dict[str, list[CommitmentConcept]]:
    """Its target occupations and skills, A to Z (reads the prefetched concepts)."""
    grouped: dict[str, list[CommitmentConcept]] = {"occupation": [], "skill": []}
    for concept in commitment.concepts.all():
        grouped[concept.kind].append(concept)
    return grouped


def organisations_for_new_commitment(*, user: Any) -> QuerySet[Organisation]:
    """The member organisations the person can make a commitment for."""
    if is_secretariat(user):
        return Organisation.objects.filter(status=Organisation.Status.MEMBER).order_by("legal_name")
    return organisation_selectors.organisations_acted_for(user=user).filter(
        status=Organisation.Status.MEMBER
    )


def partner_candidates(*, q: str, exclude: Organisation | None = None) -> QuerySet[Organisation]:
    """Member organisations matching `q`, for the partner and inclusion pickers (first 20)."""
    queryset = Organisation.objects.filter(status=Organisation.Status.MEMBER)
    for word in search_text(q).split():
        queryset = queryset.filter(search_text__contains=word)
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return queryset.order_by("legal_name")[:20]


def organisations_by_public_id(public_ids: list[str]) -> list[Organisation]:
    """Member organisations by public id, in the given order; unknown ids are left out."""
    found = {
        str(o.public_id): o
        for o in Organisation.objects.filter(public_id__in=[p for p in public_ids if p])
    }
    return [found[p] for p in public_ids if p in found]


# -- reporting windows -------------------------------------------------------------------------


def windows_all() -> QuerySet[ReportingWindow]:
    """Every reporting window, latest year first, with its report counts."""
    return ReportingWindow.objects.annotate(
        submitted=Count("reports", filter=Q(reports__status=ProgressReport.Status.SUBMITTED)),
        drafts=Count("reports", filter=Q(reports__status=ProgressReport.Status.DRAFT)),
    ).order_by("-year")


def windows_open() -> list[ReportingWindow]:
    """The windows open today."""
    today = timezone.localdate()
    return list(ReportingWindow.objects.filter(opens_on__lte=today, closes_on__gte=today))


def window_get(*, year: int) -> ReportingWindow:
    window = ReportingWindow.objects.filter(year=year).first()
    if window is None:
        raise Http404
    return window


# -- reports -----------------------------------------------------------------------------------


@dataclass
class ReportTodo:
    """One published commitment in one window: its report, if started."""

    commitment: Commitment
    window: ReportingWindow
    report: ProgressReport | None

    @property
    def state(self) -> str:
        if self.report is None:
            return "not_started"
        return self.report.status


@dataclass
class ReportsOverview:
    windows: list[ReportingWindow] = field(default_factory=list)
    rows: list[ReportTodo] = field(default_factory=list)


def reports_overview(*, user: Any) -> ReportsOverview:
    """For a person's organisations: each window that is open or has reports, and per published
    commitment its report (or none yet)."""
    organisation_ids = _organisation_ids_of(user, roles=("contact",))
    overview = ReportsOverview()
    if not organisation_ids:
        return overview
    reports = {
        (r.commitment_id, r.window_id): r
        for r in ProgressReport.objects.filter(organisation__in=organisation_ids).select_related(
            "window"
        )
    }
    windows = [
        w
        for w in ReportingWindow.objects.order_by("-year")
        if w.is_open() or any(key[1] == w.pk for key in reports)
    ]
    commitments = list(
        Commitment.objects.filter(organisation__in=organisation_ids)
        .filter(Q(status=Commitment.Status.PUBLISHED) | Q(reports__isnull=False))
        .distinct()
        .select_related("organisation")
        .order_by("organisation__legal_name", "title")
    )
    overview.windows = windows
    for window in windows:
        for commitment in commitments:
            report = reports.get((commitment.pk, window.pk))
            if report is None and not (
                window.is_open() and commitment.status == Commitment.Status.PUBLISHED
            ):
                continue
            overview.rows.append(ReportTodo(commitment=commitment, window=window, report=report))
    return overview


def report_get_for_view(*, user: Any, public_id: Any) -> ProgressReport:
    """A report the person may read: the organisation's people and the secretariat."""
    report = (
        ProgressReport.objects.select_related("commitment", "window", "organisation")
        .prefetch_related("occupation_figures", "inclusions__organisation", "reopenings")
        .filter(public_id=public_id)
        .first()
    )
    if report is None:
        raise Http404
    if is_secretariat(user) or report.organisation_id in _organisation_ids_of(user):
        return report
    raise Http404


def report_get_for_edit(*, user: Any, public_id: Any) -> ProgressReport:
    """A report the person may change: a contact of its organisation, or the secretariat."""
    report = report_get_for_view(user=user, public_id=public_id)
    if not organisation_selectors.can_act_for(user=user, organisation=report.organisation):
        raise Http404
    return report


def reports_visible_to(*, user: Any, year: int | None = None) -> QuerySet[ProgressReport]:
    """The reports of the person's organisations (every report for the secretariat), newest
    year first."""
    queryset = ProgressReport.objects.select_related("commitment", "window", "organisation")
    if not is_secretariat(user):
        queryset = queryset.filter(organisation__in=_organisation_ids_of(user))
    if year:
        queryset = queryset.filter(window__year=year)
    return queryset.order_by("-window__year", "organisation__legal_name", "commitment__title", "id")


def reports_for_secretariat(
    *, user: Any, year: int | None = None, status: str = "", q: str = ""
) -> QuerySet[ProgressReport]:
    """Every report (secretariat only), newest year first, filtered."""
    if not is_secretariat(user):
        return ProgressReport.objects.none()
    queryset = ProgressReport.objects.select_related("commitment", "window", "organisation")
    if year:
        queryset = queryset.filter(window__year=year)
    if status == "reopened":
        queryset = queryset.filter(is_reopened=True)
    elif status:
        queryset = queryset.filter(status=status)
    for word in search_text(q).split():
        queryset = queryset.filter(
            Q(commitment__search_text__contains=word) | Q(organisation__search_text__contains=word)
        )
    return queryset.order_by("-window__year", "organisation__legal_name", "commitment__title")
