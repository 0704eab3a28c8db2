"""Reads for strategy documents and versions, consultation set-up and "you said, we did".

Everything but the public results is the secretariat's: the selectors raise 404 for anyone
else. The results page is public once the results are published; before that the secretariat
sees a preview and everyone else a short notice (a consultation in preparation stays 404).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from skillspact.consultations import diff
from skillspact.consultations import selectors as consultation_selectors
from skillspact.consultations.models import (
    Amendment,
    Comment,
    Consultation,
    Outcome,
    Respondent,
    Section,
    SectionChange,
    StrategyDocument,
    StrategyVersion,
)
from skillspact.core.permissions import is_secretariat

# The public results list at most this many outcomes under one change; the count says the rest.
OUTCOMES_PER_CHANGE = 50


def _ensure_secretariat(user: Any) -> None:
    if not is_secretariat(user):
        raise Http404


# -- strategy documents and versions -----------------------------------------------------------


def strategies_for_secretariat(*, user: Any) -> QuerySet[StrategyDocument]:
    """Every strategy document with its number of versions and latest version number."""
    _ensure_secretariat(user)
    return StrategyDocument.objects.annotate(
        version_count=Count("versions"),
        latest_number=Max("versions__number"),
        published_count=Count("versions", filter=Q(versions__is_published=True)),
    ).order_by("title", "id")


def strategy_get_for_edit(*, user: Any, slug: str) -> StrategyDocument:
    """A strategy document, for the secretariat only."""
    _ensure_secretariat(user)
    document = StrategyDocument.objects.filter(slug=slug).first()
    if document is None:
        raise Http404
    return document


def versions_of(*, document: StrategyDocument) -> QuerySet[StrategyVersion]:
    """The versions of a document, newest first, with their section and consultation counts."""
    return (
        StrategyVersion.objects.filter(document=document)
        .annotate(
            section_count=Count("sections", distinct=True),
            consultation_count=Count("consultations", distinct=True),
        )
        .order_by("-number")
    )


def version_get_for_edit(*, user: Any, slug: str, number: int) -> StrategyVersion:
    """One version of a document, for the secretariat only."""
    _ensure_secretariat(user)
    version = (
        StrategyVersion.objects.select_related("document", "previous")
        .filter(document__slug=slug, number=number)
        .first()
    )
    if version is None:
        raise Http404
    return version


def sections_of_version(*, version: StrategyVersion) -> QuerySet[Section]:
    """The sections of a version in reading order."""
    return Section.objects.filter(version=version).order_by("position")


def section_get_for_edit(*, user: Any, version: StrategyVersion, key: str) -> Section:
    """A section of a version, for the secretariat only."""
    _ensure_secretariat(user)
    section = Section.objects.filter(version=version, key=key).select_related("version").first()
    if section is None:
        raise Http404
    return section


def published_versions(*, user: Any) -> QuerySet[StrategyVersion]:
    """Versions a consultation can run on (published ones), newest first per document."""
    _ensure_secretariat(user)
    return (
        StrategyVersion.objects.filter(is_published=True)
        .select_related("document")
        .order_by("document__title", "-number")
    )


# -- consultations -----------------------------------------------------------------------------


def consultations_for_secretariat(*, user: Any) -> QuerySet[Consultation]:
    """Every consultation, newest first, with its version and number of respondents."""
    _ensure_secretariat(user)
    return (
        Consultation.objects.select_related("version__document", "result_version")
        .annotate(respondent_count=Count("respondents"))
        .order_by("-opens_at", "-id")
    )


def consultation_get_for_setup(*, user: Any, slug: str) -> Consultation:
    """A consultation to set up or conclude, for the secretariat only."""
    _ensure_secretariat(user)
    consultation = (
        Consultation.objects.select_related("version__document", "result_version")
        .filter(slug=slug)
        .first()
    )
    if consultation is None:
        raise Http404
    return consultation


def result_version_choices(*, consultation: Consultation) -> QuerySet[StrategyVersion]:
    """Published versions of the consulted document later than the consulted version."""
    return StrategyVersion.objects.filter(
        document_id=consultation.version.document_id,
        is_published=True,
        number__gt=consultation.version.number,
    ).order_by("-number")


# -- changes between versions ------------------------------------------------------------------


@dataclass
class ChangeView:
    """A change between the consulted and the result version, ready to show."""

    change: SectionChange
    number: str
    heading: str
    heading_diff: SafeString
    body_diff: SafeString
    outcome_count: int = 0

    @property
    def heading_changed(self) -> bool:
        before, after = self.change.before, self.change.after
        return bool(before and after and before.heading != after.heading)


def _order(changes: Sequence[SectionChange], consultation: Consultation) -> list[SectionChange]:
    """Changes in the reading order of the result version; a removed section goes where it
    stood, before the first kept section that followed it."""
    old = dict(
        Section.objects.filter(version_id=consultation.version_id).values_list("key", "position")
    )
    new = dict(
        Section.objects.filter(version_id=consultation.result_version_id).values_list(
            "key", "position"
        )
    )
    kept = sorted((old[key], new[key]) for key in old.keys() & new.keys())

    def place(change: SectionChange) -> tuple[float, int]:
        if change.after is not None:
            return (change.after.position, 0)
        assert change.before is not None
        following = [after for before, after in kept if before > change.before.position]
        return (min(following) if following else math.inf, -1)

    return sorted(changes, key=lambda c: (*place(c), c.pk))


def changes_of(*, consultation: Consultation) -> list[ChangeView]:
    """The changes of a consultation with a word diff of heading and text, in reading order."""
    if consultation.result_version_id is None:
        return []
    changes = list(
        SectionChange.objects.filter(consultation=consultation)
        .select_related("before", "after")
        .annotate(outcome_count=Count("outcomes"))
    )
    views = []
    for change in _order(changes, consultation):
        before, after = change.before, change.after
        shown = after or before
        assert shown is not None
        views.append(
            ChangeView(
                change=change,
                number=shown.number,
                heading=shown.heading,
                heading_diff=diff.inline_word_diff(
                    before.heading if before else "", after.heading if after else ""
                ),
                body_diff=diff.inline_word_diff(
                    before.body if before else "", after.body if after else ""
                ),
                outcome_count=change.outcome_count,  # type: ignore[attr-defined]
            )
        )
    return views


# -- outcomes ----------------------------------------------------------------------------------


def outcome_targets(
    *,
    consultation: Consultation,
    kind: str = "comment",
    section_key: str = "",
    pending_only: bool = False,
) -> QuerySet[Any]:
    """The published comments (or amendments) of a consultation the secretariat answers, in
    section order, each with its section, respondent and outcome."""
    model: type[Comment] | type[Amendment] = Amendment if kind == "amendment" else Comment
    queryset = model.objects.filter(
        respondent__consultation=consultation, status=Comment.Status.PUBLISHED
    ).select_related("section", "respondent__user", "outcome", "outcome__change")
    if section_key:
        queryset = queryset.filter(section__key=section_key)
    if pending_only:
        queryset = queryset.filter(outcome__isnull=True)
    return queryset.order_by("section__position", "published_at", "id")


def outcome_target_get(
    *, user: Any, consultation: Consultation, kind: str, public_id: Any
) -> Comment | Amendment:
    """A published comment or amendment of this consultation, for the secretariat, or 404."""
    _ensure_secretariat(user)
    model: type[Comment] | type[Amendment] = Amendment if kind == "amendment" else Comment
    item = (
        model.objects.filter(public_id=public_id, respondent__consultation=consultation)
        .select_related("respondent", "section")
        .first()
    )
    if item is None:
        raise Http404
    return item


def change_get(*, user: Any, consultation: Consultation, pk: int) -> SectionChange:
    """A change of this consultation, for the secretariat, or 404."""
    _ensure_secretariat(user)
    change = SectionChange.objects.filter(consultation=consultation, pk=pk).first()
    if change is None:
        raise Http404
    return change


@dataclass
class OutcomeProgress:
    """How far the secretariat is with answering: published items, and outcomes by result."""

    comments: int = 0
    amendments: int = 0
    by_result: dict[str, int] = field(default_factory=dict)
    notified: int = 0

    @property
    def items(self) -> int:
        return self.comments + self.amendments

    @property
    def decided(self) -> int:
        return sum(self.by_result.values())


def outcome_progress(*, consultation: Consultation) -> OutcomeProgress:
    """Counts for the outcomes page and the results page, in three queries."""
    published = {"respondent__consultation": consultation, "status": Comment.Status.PUBLISHED}
    progress = OutcomeProgress(
        comments=Comment.objects.filter(**published).count(),
        amendments=Amendment.objects.filter(**published).count(),
    )
    rows = (
        Outcome.objects.filter(consultation=consultation)
        .values_list("result")
        .annotate(n=Count("id"), told=Count("id", filter=Q(notified_at__isnull=False)))
        .order_by()
    )
    for result, n, told in rows:
        progress.by_result[result] = n
        progress.notified += told
    return progress


# -- public results ----------------------------------------------------------------------------


@dataclass
class ResultsAccess:
    consultation: Consultation
    is_published: bool
    is_preview: bool


def consultation_get_results(*, user: Any, slug: str) -> ResultsAccess:
    """A consultation whose results page the person may open: published results for everyone,
    a preview for the secretariat, a notice for a public consultation without results yet;
    404 for a consultation in preparation (unless secretariat) or an unknown one."""
    consultation = (
        Consultation.objects.select_related("version__document", "result_version")
        .filter(slug=slug)
        .first()
    )
    if consultation is None:
        raise Http404
    is_published = consultation.phase == Consultation.Phase.RESULTS
    if is_published:
        return ResultsAccess(consultation, is_published=True, is_preview=False)
    if is_secretariat(user):
        return ResultsAccess(consultation, is_published=False, is_preview=True)
    if consultation.phase == Consultation.Phase.DRAFT:
        raise Http404
    return ResultsAccess(consultation, is_published=False, is_preview=False)


def author_label(respondent: Respondent) -> str:
    """Who wrote something, in public: a name only when the respondent has an account and did
    not ask to be left out; otherwise what kind of stakeholder they are."""
    user = respondent.user
    if not respondent.is_anonymised and user is not None and user.full_name:
        if respondent.answers_for_organisation and respondent.organisation_name:
            return _("%(name)s (%(organisation)s)") % {
                "name": user.full_name,
                "organisation": respondent.organisation_name,
            }
        return user.full_name
    return str(respondent.get_stakeholder_type_display())


@dataclass
class PublicOutcome:
    """One answered comment or amendment as the public sees it."""

    kind: str  # "comment" or "amendment"
    result: str
    result_label: str
    reply: str
    text: str  # "" when the item is hidden or removed
    author: str
    section_number: str


@dataclass
class ChangeResult:
    view: ChangeView
    outcomes: list[PublicOutcome] = field(default_factory=list)
    more: int = 0


@dataclass
class ResultsSummary:
    sections: list[consultation_selectors.SectionSummary]
    changes: list[ChangeResult]
    progress: OutcomeProgress
    by_result: list[tuple[str, str, int]]  # (value, label, count)
    new_sections: list[Section]  # the full text of the version that answers


def _public(outcome: Outcome) -> PublicOutcome:
    item: Comment | Amendment | None = outcome.comment or outcome.amendment
    assert item is not None
    is_visible = item.status == Comment.Status.PUBLISHED
    text = (item.body if isinstance(item, Comment) else item.text) if is_visible else ""
    return PublicOutcome(
        kind="comment" if outcome.comment_id else "amendment",
        result=outcome.result,
        result_label=outcome.get_result_display(),
        reply=outcome.reply,
        text=text,
        author=author_label(item.respondent),
        section_number=item.section.number,
    )


def results_summary(*, consultation: Consultation) -> ResultsSummary:
    """What the public results page shows: per section the ratings and counts, each change with
    its explanation and the outcomes linked to it, and the outcomes by result."""
    views = changes_of(consultation=consultation)
    outcomes = (
        Outcome.objects.filter(consultation=consultation, change__isnull=False)
        .select_related(
            "comment__respondent__user",
            "comment__section",
            "amendment__respondent__user",
            "amendment__section",
        )
        .order_by("change_id", "id")
    )
    linked: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        assert outcome.change_id is not None
        linked.setdefault(outcome.change_id, []).append(outcome)
    changes = []
    for view in views:
        mine = linked.get(view.change.pk, [])
        changes.append(
            ChangeResult(
                view=view,
                outcomes=[_public(o) for o in mine[:OUTCOMES_PER_CHANGE]],
                more=max(0, len(mine) - OUTCOMES_PER_CHANGE),
            )
        )
    progress = outcome_progress(consultation=consultation)
    counts = Counter(progress.by_result)
    return ResultsSummary(
        sections=consultation_selectors.section_outline(consultation=consultation),
        changes=changes,
        progress=progress,
        by_result=[(value, str(label), counts[value]) for value, label in Outcome.Result.choices],
        new_sections=list(sections_of_version(version=consultation.result_version))
        if consultation.result_version
        else [],
    )
