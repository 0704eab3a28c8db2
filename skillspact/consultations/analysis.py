"""What a consultation says, in numbers: the secretariat's analysis and the published results.

* `analysis_for()`: per section how many respondents support, are neutral about or oppose it,
  with the shares; the same broken down by stakeholder type and by country (for one section or
  all pooled); comment and amendment counts; all of it filtered by stakeholder type and country.
  A fixed number of grouped queries whatever the number of respondents.
* `results_for()`: the per-section counts the API publishes once results are out.
* themes: `themes_request()` (the "Recompute themes" button, and the move to analysis) enqueues
  `tasks.consultation_themes_compute`, which runs `themes_compute()`: published comments are
  clustered by `themes.cluster_texts()` into `Theme` rows, each comment pointing at its theme.
  The audit log remembers when themes were asked for and when they were last computed.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from skillspact.consultations.models import (
    Amendment,
    Comment,
    Consultation,
    Rating,
    Respondent,
    Section,
    Theme,
)
from skillspact.consultations.selectors import StanceCounts
from skillspact.core import audit
from skillspact.core.models import AuditEntry
from skillspact.core.permissions import ensure_secretariat
from skillspact.organisations.models import StakeholderType

THEMES_REQUESTED = "consultations.themes.requested"
THEMES_COMPUTED = "consultations.themes.computed"
# Comments shown under each theme on the analysis page; the theme's own page lists them all.
THEME_SAMPLE = 5
# Comments are written to their theme in chunks, under every database's parameter limit.
UPDATE_CHUNK = 900


def consultation_get_for_analysis(*, user: Any, slug: str) -> Consultation:
    """Any consultation, for the secretariat only (PermissionDenied for anyone else); 404."""
    ensure_secretariat(user)
    consultation = (
        Consultation.objects.select_related("version", "version__document")
        .filter(slug=slug)
        .first()
    )
    if consultation is None:
        raise Http404
    return consultation


def stakeholder_type_label(code: str) -> str:
    return str(StakeholderType(code).label) if code in StakeholderType.values else code


def country_label(code: str) -> str:
    return str(countries.name(code)) or code or _("not specified")


def shares(ratings: StanceCounts) -> dict[str, int]:
    """Whole-number percentages of each stance (for templates, which cannot pass arguments)."""
    return {stance: ratings.share(stance) for stance in Rating.Stance.values}


# -- the analysis ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalysisFilters:
    """Which respondents count (by stakeholder type and country), and which section the
    breakdowns are for ("" pools every section)."""

    stakeholder_type: str = ""
    country: str = ""
    section: str = ""  # a section key

    def respondents(self, prefix: str = "") -> Q:
        """The condition on respondents, reached through `prefix` ("respondent__")."""
        condition = Q()
        if self.stakeholder_type:
            condition &= Q(**{f"{prefix}stakeholder_type": self.stakeholder_type})
        if self.country:
            condition &= Q(**{f"{prefix}country": self.country})
        return condition

    @property
    def is_filtered(self) -> bool:
        return bool(self.stakeholder_type or self.country)


@dataclass
class SectionAnalysis:
    """One section's ratings and how much was written about it (`section` None: all of them)."""

    section: Section | None
    ratings: StanceCounts = field(default_factory=StanceCounts)
    comments: int = 0  # published, replies included
    replies: int = 0
    awaiting_moderation: int = 0  # hidden after reports
    amendments: int = 0  # published

    @property
    def shares(self) -> dict[str, int]:
        return shares(self.ratings)


@dataclass
class BreakdownRow:
    """Ratings of one stakeholder type or country."""

    key: str
    label: str
    ratings: StanceCounts

    @property
    def shares(self) -> dict[str, int]:
        return shares(self.ratings)


@dataclass
class Analysis:
    """Everything the analysis page shows but the themes."""

    consultation: Consultation
    filters: AnalysisFilters
    respondents: int
    sections: list[SectionAnalysis]
    totals: SectionAnalysis  # the sum over sections (its `section` is None)
    breakdown_section: Section | None
    by_type: list[BreakdownRow]
    by_country: list[BreakdownRow]
    stakeholder_types: list[tuple[str, str]]  # the types and countries respondents gave
    countries: list[tuple[str, str]]


def _stances(rows: Iterable[tuple[Any, str, int]]) -> dict[Any, StanceCounts]:
    counts: dict[Any, StanceCounts] = defaultdict(StanceCounts)
    for key, stance, n in rows:
        if stance in Rating.Stance.values:
            setattr(counts[key], stance, getattr(counts[key], stance) + n)
    return counts


def respondent_options(*, consultation: Consultation) -> tuple[list[tuple[str, str]], list[Any]]:
    """The stakeholder types (in their usual order) and countries (by name) respondents gave."""
    given = set(
        Respondent.objects.filter(consultation=consultation)
        .values_list("stakeholder_type", "country")
        .distinct()
    )
    types = {t for t, _c in given}
    codes = {str(c) for _t, c in given if c}
    return (
        [(value, str(label)) for value, label in StakeholderType.choices if value in types],
        sorted(((code, country_label(code)) for code in codes), key=lambda item: item[1]),
    )


def analysis_for(*, consultation: Consultation, filters: AnalysisFilters) -> Analysis:
    """Ratings, comments and amendments per section, and the ratings by stakeholder type and by
    country, of the respondents `filters` selects; six queries."""
    sections = list(Section.objects.filter(version_id=consultation.version_id).order_by("position"))
    by_key = {s.key: s for s in sections}
    ids = [s.pk for s in sections]
    who = filters.respondents("respondent__")
    ratings = Rating.objects.filter(who, respondent__consultation=consultation, section_id__in=ids)
    breakdown_section = by_key.get(filters.section)
    # One pass over the ratings, by section, type, country and stance; Python sums the rest
    # (into lists: tens of thousands of groups for a large consultation).
    column = {stance: index for index, stance in enumerate(Rating.Stance.values)}
    section_sums: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    type_sums: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    country_sums: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    breakdown_id = breakdown_section.pk if breakdown_section else None
    for section_id, stakeholder_type, country, stance, n in (
        ratings.values_list(
            "section_id", "respondent__stakeholder_type", "respondent__country", "stance"
        )
        .annotate(n=Count("id"))
        .order_by()
    ):
        index = column.get(stance)
        if index is None:
            continue
        section_sums[section_id][index] += n
        if breakdown_id is None or section_id == breakdown_id:
            type_sums[stakeholder_type][index] += n
            country_sums[country][index] += n
    per_section, by_type, by_country = (
        {key: StanceCounts(**dict(zip(column, sums, strict=True))) for key, sums in found.items()}
        for found in (section_sums, type_sums, country_sums)
    )
    published = Q(status=Comment.Status.PUBLISHED)
    written = {
        section_id: (comments, replies, hidden)
        for section_id, comments, replies, hidden in Comment.objects.filter(
            who, respondent__consultation=consultation, section_id__in=ids
        )
        .values_list("section_id")
        .annotate(
            n_published=Count("id", filter=published),
            n_replies=Count("id", filter=published & Q(parent__isnull=False)),
            n_hidden=Count("id", filter=Q(status=Comment.Status.HIDDEN)),
        )
        .order_by()
    }
    amendments = dict(
        Amendment.objects.filter(
            who,
            respondent__consultation=consultation,
            section_id__in=ids,
            status=Amendment.Status.PUBLISHED,
        )
        .values_list("section_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = []
    totals = SectionAnalysis(section=None)
    for section in sections:
        comments, replies, hidden = written.get(section.pk, (0, 0, 0))
        row = SectionAnalysis(
            section=section,
            ratings=per_section.get(section.pk, StanceCounts()),
            comments=comments,
            replies=replies,
            awaiting_moderation=hidden,
            amendments=amendments.get(section.pk, 0),
        )
        rows.append(row)
        for stance in Rating.Stance.values:
            setattr(
                totals.ratings,
                stance,
                getattr(totals.ratings, stance) + getattr(row.ratings, stance),
            )
        totals.comments += row.comments
        totals.replies += row.replies
        totals.awaiting_moderation += row.awaiting_moderation
        totals.amendments += row.amendments

    type_options, country_options = respondent_options(consultation=consultation)
    return Analysis(
        consultation=consultation,
        filters=filters,
        respondents=Respondent.objects.filter(filters.respondents(), consultation=consultation)
        .order_by()
        .count(),
        sections=rows,
        totals=totals,
        breakdown_section=breakdown_section,
        by_type=[
            BreakdownRow(key, stakeholder_type_label(key), by_type[key])
            for key in [
                *StakeholderType.values,
                *sorted(set(by_type) - set(StakeholderType.values)),
            ]
            if key in by_type
        ],
        by_country=sorted(
            (BreakdownRow(str(key), country_label(str(key)), c) for key, c in by_country.items()),
            key=lambda row: row.label,
        ),
        stakeholder_types=type_options,
        countries=country_options,
    )


# -- published results ------------------------------------------------------------------------


@dataclass
class SectionResult:
    """One section's public counts."""

    section: Section
    ratings: StanceCounts
    comments: int


@dataclass
class Results:
    """What the consultation's respondents said, in numbers."""

    respondents: int
    sections: list[SectionResult]


def results_for(consultations: list[Consultation]) -> dict[int, Results]:
    """The public counts of each consultation (by primary key): respondents, and per section the
    ratings and published comments; four queries for any number of consultations."""
    if not consultations:
        return {}
    ids = [c.pk for c in consultations]
    sections: dict[int, list[Section]] = defaultdict(list)
    for section in Section.objects.filter(
        version_id__in={c.version_id for c in consultations}
    ).order_by("position"):
        sections[section.version_id].append(section)
    stances = _stances(
        ((consultation_id, section_id), stance, n)
        for consultation_id, section_id, stance, n in Rating.objects.filter(
            respondent__consultation_id__in=ids
        )
        .values_list("respondent__consultation_id", "section_id", "stance")
        .annotate(n=Count("id"))
        .order_by()
    )
    comments = {
        (consultation_id, section_id): n
        for consultation_id, section_id, n in Comment.objects.filter(
            respondent__consultation_id__in=ids, status=Comment.Status.PUBLISHED
        )
        .values_list("respondent__consultation_id", "section_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    respondents = dict(
        Respondent.objects.filter(consultation_id__in=ids)
        .values_list("consultation_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        c.pk: Results(
            respondents=respondents.get(c.pk, 0),
            sections=[
                SectionResult(
                    section=s,
                    ratings=stances.get((c.pk, s.pk), StanceCounts()),
                    comments=comments.get((c.pk, s.pk), 0),
                )
                for s in sections[c.version_id]
            ],
        )
        for c in consultations
    }


# -- themes ------------------------------------------------------------------------------------


@dataclass
class ThemeView:
    """A theme with its place in the list and a few of its comments."""

    number: int
    theme: Theme
    comments: list[Comment]


@dataclass
class ThemeState:
    """When themes were last computed and whether a computation is waiting."""

    computed_at: Any = None
    requested_at: Any = None
    comments: int = 0
    seconds: float | None = None

    @property
    def is_pending(self) -> bool:
        return self.requested_at is not None and (
            self.computed_at is None or self.requested_at > self.computed_at
        )


def themes_state(*, consultation: Consultation) -> ThemeState:
    """The last request for themes and the last computation, from the audit log."""
    state = ThemeState()
    entries = AuditEntry.objects.filter(
        object_type=consultation._meta.label_lower, object_id=str(consultation.public_id)
    )
    computed = entries.filter(code=THEMES_COMPUTED).order_by("-created_at", "-id").first()
    requested = entries.filter(code=THEMES_REQUESTED).order_by("-created_at", "-id").first()
    if computed is not None:
        state.computed_at = computed.created_at
        state.comments = int(computed.after.get("comments", 0))
        state.seconds = computed.after.get("seconds")
    if requested is not None:
        state.requested_at = requested.created_at
    return state


def themes_for(*, consultation: Consultation, sample: int = THEME_SAMPLE) -> list[ThemeView]:
    """The consultation's themes, largest first, each with its first `sample` comments; three
    queries."""
    found = list(Theme.objects.filter(consultation=consultation).order_by("-size", "id"))
    comments: dict[int, list[Comment]] = defaultdict(list)
    if found and sample:
        # The first ids of each theme from a list of (theme, id) pairs: a window function over
        # 20,000 comments took 130 ms on SQLite, this takes 20.
        first: dict[int, list[int]] = defaultdict(list)
        for theme_id, comment_id in (
            Comment.objects.filter(theme__in=found, status=Comment.Status.PUBLISHED)
            .order_by("theme_id", "id")
            .values_list("theme_id", "id")
        ):
            if len(first[theme_id]) < sample:
                first[theme_id].append(comment_id)
        chosen = [comment_id for ids in first.values() for comment_id in ids]
        for comment in (
            Comment.objects.filter(pk__in=chosen).select_related("section").order_by("id")
        ):
            assert comment.theme_id is not None
            comments[comment.theme_id].append(comment)
    return [
        ThemeView(number=number, theme=theme, comments=comments.get(theme.pk, []))
        for number, theme in enumerate(found, start=1)
    ]


def theme_get(*, consultation: Consultation, number: int) -> Theme:
    """The theme at place `number` (1 is the largest), or 404."""
    if number < 1:
        raise Http404
    theme = Theme.objects.filter(consultation=consultation).order_by("-size", "id")[
        number - 1 : number
    ]
    found = list(theme)
    if not found:
        raise Http404
    return found[0]


def theme_comments(*, theme: Theme) -> QuerySet[Comment]:
    """The published comments of `theme`, with their section, oldest first."""
    return (
        Comment.objects.filter(theme=theme, status=Comment.Status.PUBLISHED)
        .select_related("section")
        .order_by("id")
    )


def themes_request(*, consultation: Consultation, actor: Any) -> None:
    """Ask for the themes of `consultation` to be computed again, in the background."""
    from skillspact.consultations import tasks

    audit.record(consultation, THEMES_REQUESTED, actor=actor)
    consultation_id = consultation.pk
    transaction.on_commit(
        lambda: tasks.consultation_themes_compute.enqueue(consultation_id=consultation_id)
    )


@dataclass
class ThemeRun:
    """What one computation of themes did."""

    comments: int
    themes: int
    seconds: float


def themes_compute(*, consultation_id: int) -> ThemeRun:
    """Cluster the published comments of the consultation into themes, replacing the themes
    of an earlier run; running it twice gives the same themes."""
    started = time.perf_counter()
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:  # deleted since the task was queued
        return ThemeRun(comments=0, themes=0, seconds=0.0)
    rows = list(
        Comment.objects.filter(
            respondent__consultation=consultation, status=Comment.Status.PUBLISHED
        )
        .order_by("id")
        .values_list("pk", "body")
    )
    # Imported here: numpy and scipy cost a second at start-up, and only this task needs them.
    from skillspact.consultations import themes

    clusters = themes.cluster_texts([body for _pk, body in rows])
    computed_at = timezone.now()
    with transaction.atomic():
        # Two runs at once take turns here; the last one's themes stay.
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        old = list(Theme.objects.filter(consultation=consultation).values_list("pk", flat=True))
        created = Theme.objects.bulk_create(
            Theme(
                consultation=consultation,
                label=cluster.label[:300] or _("Other comments"),
                keywords=cluster.keywords,
                size=len(cluster.members),
                computed_at=computed_at,
            )
            for cluster in clusters
        )
        # Each comment is written once, to its new theme; then the comments left in an old
        # theme (hidden since, or without words) lose it, and the old themes go.
        for theme, cluster in zip(created, clusters, strict=True):
            ids = [rows[index][0] for index in cluster.members]
            for start in range(0, len(ids), UPDATE_CHUNK):
                Comment.objects.filter(pk__in=ids[start : start + UPDATE_CHUNK]).update(theme=theme)
        Comment.objects.filter(theme_id__in=old).update(theme=None)
        Theme.objects.filter(pk__in=old).delete()
        seconds = round(time.perf_counter() - started, 3)
        audit.record(
            consultation,
            THEMES_COMPUTED,
            actor=None,
            after={"comments": len(rows), "themes": len(created), "seconds": seconds},
        )
    return ThemeRun(comments=len(rows), themes=len(created), seconds=seconds)
