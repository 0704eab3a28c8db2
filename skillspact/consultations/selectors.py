"""Reads for the respondent's side of a consultation and for moderation.

Every read made for a person checks what that person may see: a consultation in preparation is
the secretariat's alone; drafts belong to their respondent; hidden and removed comments and
amendments are never shown to the public (a placeholder keeps the thread readable).

Who a respondent is: a signed-in person is keyed by their user; an anonymous one (only where the
consultation allows it) by the SHA-256 of a random cookie (`anonymous_key_from_cookie`).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django_countries import countries

from skillspact.consultations.models import (
    Amendment,
    Answer,
    Comment,
    Consultation,
    ContentReport,
    GeneralQuestion,
    Outcome,
    Rating,
    Respondent,
    Section,
)
from skillspact.core.permissions import is_secretariat

PUBLIC_PHASES = (
    Consultation.Phase.OPEN,
    Consultation.Phase.ANALYSIS,
    Consultation.Phase.RESULTS,
)
# What a thread shows: published text, and a placeholder for hidden and removed items.
THREAD_STATUSES = (
    Comment.Status.PUBLISHED,
    Comment.Status.HIDDEN,
    Comment.Status.REMOVED,
)
KINDS = ("comment", "amendment")


# -- who is answering --------------------------------------------------------------------------


def anonymous_key_from_cookie(value: str) -> str:
    """The SHA-256 (hex) of an anonymous respondent's cookie: what the database keeps."""
    if not value:
        return ""
    return hashlib.sha256(value.encode()).hexdigest()


def reporter_key_for(*, user: Any = None, anonymous_key: str = "") -> str:
    """The key a report is filed under: the signed-in user, else the hashed cookie; "" if none."""
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    if anonymous_key:
        return f"anon:{anonymous_key}"
    return ""


def respondent_for(
    *, consultation: Consultation, user: Any = None, anonymous_key: str = ""
) -> Respondent | None:
    """The respondent a signed-in `user` (else the hashed cookie `anonymous_key`) is in
    `consultation`, or None when they have not filled in the profile yet."""
    respondent: Respondent | None = None
    if user is not None and getattr(user, "is_authenticated", False):
        respondent = Respondent.objects.filter(consultation=consultation, user=user).first()
    elif anonymous_key and consultation.allows_anonymous:
        respondent = Respondent.objects.filter(
            consultation=consultation, anonymous_key=anonymous_key, user__isnull=True
        ).first()
    if respondent is not None:
        respondent.consultation = consultation  # saves a query in every service that checks it
    return respondent


def respondent_label(respondent: Respondent) -> str:
    """How a respondent is named in public: their name unless anonymised, else who they are."""
    kind = respondent.get_stakeholder_type_display()
    country = countries.name(str(respondent.country)) if respondent.country else ""
    if not respondent.is_anonymised:
        if respondent.answers_for_organisation and respondent.organisation_name:
            return respondent.organisation_name
        user = respondent.user
        if user is not None and user.full_name:
            return user.full_name
    if country:
        return _("%(kind)s, %(country)s") % {"kind": kind, "country": country}
    return str(kind)


# -- consultations and sections ----------------------------------------------------------------


def consultations_visible_to(*, user: Any) -> QuerySet[Consultation]:
    """Consultations open, under analysis or with results; the secretariat also sees drafts."""
    queryset = Consultation.objects.select_related("version", "version__document")
    if not is_secretariat(user):
        queryset = queryset.filter(phase__in=PUBLIC_PHASES)
    return queryset.order_by("-opens_at", "-id")


def consultation_get_for_view(*, user: Any, slug: str) -> Consultation:
    """A consultation the person may read, with its version, or 404."""
    consultation = consultations_visible_to(user=user).filter(slug=slug).first()
    if consultation is None:
        raise Http404
    return consultation


def sections_of(*, consultation: Consultation) -> QuerySet[Section]:
    """The sections of the consulted version, in reading order."""
    return Section.objects.filter(version_id=consultation.version_id).order_by("position")


def section_get(*, consultation: Consultation, key: str) -> Section:
    """The section with `key` in the consulted version, or 404."""
    section = sections_of(consultation=consultation).filter(key=key).first()
    if section is None:
        raise Http404
    return section


def section_neighbours(
    *, consultation: Consultation, section: Section
) -> tuple[Section | None, Section | None]:
    """The sections before and after `section`, for "previous / next" links."""
    # One query for the whole outline (a strategy has tens of sections, not thousands).
    sections = list(
        sections_of(consultation=consultation).only("key", "number", "heading", "position")
    )
    before = [s for s in sections if s.position < section.position]
    after = [s for s in sections if s.position > section.position]
    return (before[-1] if before else None), (after[0] if after else None)


def questions_of(*, consultation: Consultation) -> QuerySet[GeneralQuestion]:
    """The general questions of `consultation`, in order."""
    return GeneralQuestion.objects.filter(consultation=consultation).order_by("position", "id")


def answers_of(*, respondent: Respondent) -> dict[int, str]:
    """The respondent's answers, by question id."""
    return dict(Answer.objects.filter(respondent=respondent).values_list("question_id", "text"))


@dataclass
class StanceCounts:
    """How many respondents support, are neutral about or oppose a section."""

    support: int = 0
    neutral: int = 0
    oppose: int = 0

    @property
    def total(self) -> int:
        return self.support + self.neutral + self.oppose

    def share(self, stance: str) -> int:
        """Whole-number percentage of `stance` among all ratings."""
        return round(100 * getattr(self, stance) / self.total) if self.total else 0


@dataclass
class SectionSummary:
    """One line of a consultation's outline: public counts and the respondent's own progress."""

    section: Section
    comments: int = 0
    amendments: int = 0
    ratings: StanceCounts = field(default_factory=StanceCounts)
    my_stance: str = ""
    my_comments: int = 0
    my_drafts: int = 0
    my_amendment: str = ""  # the status of the respondent's amendment, if any

    @property
    def has_contributed(self) -> bool:
        return bool(self.my_stance or self.my_comments or self.my_amendment)


def _stance_counts(consultation: Consultation, sections: Any) -> dict[int, StanceCounts]:
    counts: dict[int, StanceCounts] = defaultdict(StanceCounts)
    rows = (
        Rating.objects.filter(respondent__consultation=consultation, section__in=sections)
        .values_list("section_id", "stance")
        .annotate(n=Count("id"))
        .order_by()
    )
    for section_id, stance, n in rows:
        if stance in Rating.Stance.values:
            setattr(counts[section_id], stance, n)
    return counts


def section_outline(
    *, consultation: Consultation, respondent: Respondent | None = None
) -> list[SectionSummary]:
    """Every section of `consultation` with its public counts and, given a respondent, what
    they have done there; a fixed number of queries whatever the size."""
    sections = list(sections_of(consultation=consultation))
    ids = [s.pk for s in sections]
    comments = dict(
        Comment.objects.filter(
            respondent__consultation=consultation,
            section_id__in=ids,
            status=Comment.Status.PUBLISHED,
        )
        .values_list("section_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    amendments = dict(
        Amendment.objects.filter(
            respondent__consultation=consultation,
            section_id__in=ids,
            status=Amendment.Status.PUBLISHED,
        )
        .values_list("section_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    stances = _stance_counts(consultation, ids)
    summaries = {
        s.pk: SectionSummary(
            section=s,
            comments=comments.get(s.pk, 0),
            amendments=amendments.get(s.pk, 0),
            ratings=stances.get(s.pk, StanceCounts()),
        )
        for s in sections
    }
    if respondent is not None:
        for section_id, stance in Rating.objects.filter(respondent=respondent).values_list(
            "section_id", "stance"
        ):
            if section_id in summaries:
                summaries[section_id].my_stance = stance
        for section_id, status in Comment.objects.filter(respondent=respondent).values_list(
            "section_id", "status"
        ):
            if section_id in summaries:
                summaries[section_id].my_comments += 1
                if status == Comment.Status.DRAFT:
                    summaries[section_id].my_drafts += 1
        for section_id, status in Amendment.objects.filter(respondent=respondent).values_list(
            "section_id", "status"
        ):
            if section_id in summaries:
                summaries[section_id].my_amendment = status
    return list(summaries.values())


def section_stances(*, consultation: Consultation, section: Section) -> StanceCounts:
    """The public rating counts of one section."""
    return _stance_counts(consultation, [section.pk]).get(section.pk, StanceCounts())


def rating_of(*, respondent: Respondent | None, section: Section) -> str:
    """The respondent's stance on `section`, or ""."""
    if respondent is None:
        return ""
    stance = (
        Rating.objects.filter(respondent=respondent, section=section)
        .values_list("stance", flat=True)
        .first()
    )
    return stance or ""


# -- threads -----------------------------------------------------------------------------------


@dataclass
class CommentNode:
    """A comment in a thread. `is_visible` is False for hidden and removed ones: the template
    shows a placeholder instead of `comment.body`."""

    comment: Comment
    author: str
    is_visible: bool
    is_mine: bool
    has_reported: bool
    replies: list[CommentNode] = field(default_factory=list)
    depth: int = 0


def _reported_ids(reporter_key: str, *, comments: Any = None, amendments: Any = None) -> set[int]:
    if not reporter_key:
        return set()
    if comments is not None:
        return set(
            ContentReport.objects.filter(
                reporter_key=reporter_key, comment__in=comments
            ).values_list("comment_id", flat=True)
        )
    return set(
        ContentReport.objects.filter(
            reporter_key=reporter_key, amendment__in=amendments
        ).values_list("amendment_id", flat=True)
    )


def _visible_comments(
    consultation: Consultation, section: Section, respondent: Respondent | None
) -> QuerySet[Comment]:
    """Published comments (and hidden and removed ones, shown as placeholders) and the viewer's
    own drafts, in the order of the thread."""
    visible = Q(status__in=THREAD_STATUSES)
    if respondent is not None:
        visible |= Q(respondent=respondent)
    return (
        Comment.objects.filter(visible, respondent__consultation=consultation, section=section)
        .select_related("respondent", "respondent__user")
        .order_by(F("published_at").asc(nulls_last=True), "created_at", "id")
    )


def _nest(
    comments: list[Comment], respondent: Respondent | None, reporter_key: str
) -> list[CommentNode]:
    """The thread's top comments with their replies nested under them."""
    reported = _reported_ids(reporter_key, comments=[c.pk for c in comments])
    viewer_id = respondent.pk if respondent is not None else None
    nodes = {
        c.pk: CommentNode(
            comment=c,
            author=respondent_label(c.respondent),
            # Authors still read their own hidden or removed text, marked as such.
            is_visible=c.status == Comment.Status.PUBLISHED or c.respondent_id == viewer_id,
            is_mine=c.respondent_id == viewer_id,
            has_reported=c.pk in reported,
        )
        for c in comments
    }
    roots: list[CommentNode] = []
    for node in nodes.values():
        parent = nodes.get(node.comment.parent_id) if node.comment.parent_id else None
        if parent is None:
            roots.append(node)
        else:
            parent.replies.append(node)

    def set_depth(items: list[CommentNode], depth: int) -> None:
        for item in items:
            item.depth = depth
            set_depth(item.replies, depth + 1)

    set_depth(roots, 0)
    return roots


def comment_thread(
    *,
    consultation: Consultation,
    section: Section,
    respondent: Respondent | None = None,
    reporter_key: str = "",
) -> list[CommentNode]:
    """The whole comment thread of `section`: published comments (placeholders for hidden and
    removed ones) and the viewer's own drafts, replies nested under their parent; two queries."""
    comments = list(_visible_comments(consultation, section, respondent))
    return _nest(comments, respondent, reporter_key)


THREADS_PER_PAGE = 30


def comment_thread_page(
    *,
    consultation: Consultation,
    section: Section,
    page: Any = 1,
    respondent: Respondent | None = None,
    reporter_key: str = "",
) -> tuple[list[CommentNode], Page]:
    """One page of the thread: `THREADS_PER_PAGE` top comments with all their replies. A
    section with thousands of comments reads only what the page shows (a query per level of
    replies)."""
    visible = _visible_comments(consultation, section, respondent).annotate(
        has_replies=Exists(Comment.objects.filter(parent=OuterRef("pk")))
    )
    roots = visible.filter(parent__isnull=True)
    paginator = Paginator(roots, THREADS_PER_PAGE)
    first = list(roots[: THREADS_PER_PAGE + 1]) if str(page or "1") == "1" else []
    if first and len(first) <= THREADS_PER_PAGE:
        # The whole thread fits on one page: no COUNT query needed.
        paginator.count = len(first)
        page_of_roots = Page(first, 1, paginator)
    else:
        page_of_roots = paginator.get_page(page)
    comments: list[Comment] = list(page_of_roots.object_list)
    level = [c.pk for c in comments if getattr(c, "has_replies", False)]
    while level:
        replies = list(visible.filter(parent__in=level))
        comments.extend(replies)
        level = [c.pk for c in replies if getattr(c, "has_replies", False)]
    return _nest(comments, respondent, reporter_key), page_of_roots


@dataclass
class AmendmentView:
    """An amendment as the section page shows it."""

    amendment: Amendment
    author: str
    is_visible: bool
    is_mine: bool
    has_reported: bool


def amendments_for_section(
    *,
    consultation: Consultation,
    section: Section,
    respondent: Respondent | None = None,
    reporter_key: str = "",
) -> list[AmendmentView]:
    """Published amendments of `section` (placeholders for hidden and removed ones) and the
    viewer's own, whatever its state."""
    visible = Q(status__in=THREAD_STATUSES)
    if respondent is not None:
        visible |= Q(respondent=respondent)
    amendments = list(
        Amendment.objects.filter(visible, respondent__consultation=consultation, section=section)
        .select_related("respondent", "respondent__user")
        .order_by(F("published_at").asc(nulls_last=True), "created_at", "id")
    )
    reported = _reported_ids(reporter_key, amendments=[a.pk for a in amendments])
    viewer_id = respondent.pk if respondent is not None else None
    return [
        AmendmentView(
            amendment=a,
            author=respondent_label(a.respondent),
            is_visible=a.status == Amendment.Status.PUBLISHED or a.respondent_id == viewer_id,
            is_mine=a.respondent_id == viewer_id,
            has_reported=a.pk in reported,
        )
        for a in amendments
    ]


def comment_get_for_reply(
    *, consultation: Consultation, section: Section, public_id: Any
) -> Comment:
    """A published comment of `section` one may reply to, or 404."""
    comment = (
        Comment.objects.filter(
            public_id=public_id,
            section=section,
            respondent__consultation=consultation,
            status=Comment.Status.PUBLISHED,
        )
        .select_related("section")
        .first()
    )
    if comment is None:
        raise Http404
    return comment


def comment_get_own(*, respondent: Respondent | None, public_id: Any) -> Comment:
    """One of the respondent's own comments, or 404."""
    comment = (
        Comment.objects.filter(public_id=public_id, respondent=respondent)
        .select_related("section")
        .first()
        if respondent is not None
        else None
    )
    if comment is None:
        raise Http404
    return comment


def amendment_get_own(*, respondent: Respondent | None, public_id: Any) -> Amendment:
    """One of the respondent's own amendments, or 404."""
    amendment = (
        Amendment.objects.filter(public_id=public_id, respondent=respondent)
        .select_related("section")
        .first()
        if respondent is not None
        else None
    )
    if amendment is None:
        raise Http404
    return amendment


def content_get_for_report(
    *, consultation: Consultation, kind: str, public_id: Any
) -> Comment | Amendment:
    """A published comment or amendment (`kind`) of `consultation` that anyone may report,
    or 404."""
    model: type[Comment] | type[Amendment]
    if kind == "comment":
        model = Comment
    elif kind == "amendment":
        model = Amendment
    else:
        raise Http404
    item = (
        model.objects.filter(
            public_id=public_id,
            respondent__consultation=consultation,
            status=model.Status.PUBLISHED,
        )
        .select_related("section", "respondent")
        .first()
    )
    if item is None:
        raise Http404
    return item


# -- the respondent's own page ------------------------------------------------------------------


@dataclass
class Contribution:
    """One of the respondent's comments or amendments, with what became of it (if decided)."""

    kind: str  # "comment" or "amendment"
    item: Comment | Amendment
    section: Section
    outcome: Outcome | None

    @property
    def is_draft(self) -> bool:
        return self.item.status == Comment.Status.DRAFT


def _outcome(item: Comment | Amendment) -> Outcome | None:
    try:
        return item.outcome
    except ObjectDoesNotExist:
        return None


def respondent_contributions(*, respondent: Respondent) -> list[Contribution]:
    """The respondent's comments and amendments in section order, each with its outcome (the
    secretariat's answer, once results are published); two queries."""
    comments = Comment.objects.filter(respondent=respondent).select_related(
        "section", "parent", "outcome"
    )
    amendments = Amendment.objects.filter(respondent=respondent).select_related(
        "section", "outcome"
    )
    items = [
        Contribution(kind="comment", item=c, section=c.section, outcome=_outcome(c))
        for c in comments
    ] + [
        Contribution(kind="amendment", item=a, section=a.section, outcome=_outcome(a))
        for a in amendments
    ]
    items.sort(key=lambda c: (c.section.position, c.kind, c.item.created_at, c.item.pk))
    return items


def drafts_count(*, respondent: Respondent | None) -> int:
    """How many comments and amendments the respondent has not yet published."""
    if respondent is None:
        return 0
    return (
        Comment.objects.filter(respondent=respondent, status=Comment.Status.DRAFT).count()
        + Amendment.objects.filter(respondent=respondent, status=Amendment.Status.DRAFT).count()
    )


# -- moderation --------------------------------------------------------------------------------


@dataclass
class ModerationItem:
    """A reported comment or amendment in the secretariat's queue."""

    kind: str  # "comment" or "amendment"
    item: Comment | Amendment
    reports: list[ContentReport]
    author: str

    @property
    def is_hidden(self) -> bool:
        return self.item.status == Comment.Status.HIDDEN

    @property
    def reasons(self) -> list[tuple[str, int]]:
        """The reasons given, most frequent first."""
        return Counter(r.reason for r in self.reports).most_common()


def moderation_queue(*, user: Any) -> list[ModerationItem]:
    """Comments and amendments with reports not yet decided, for the secretariat only (404
    otherwise): hidden ones first, then the most reported; a fixed number of queries."""
    if not is_secretariat(user):
        raise Http404
    open_reports = ContentReport.objects.filter(is_resolved=False).order_by("created_at")
    related = (
        "section",
        "respondent",
        "respondent__user",
        "respondent__consultation",
    )
    comments = (
        Comment.objects.filter(reports__is_resolved=False)
        .distinct()
        .select_related(*related)
        .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_reports"))
    )
    amendments = (
        Amendment.objects.filter(reports__is_resolved=False)
        .distinct()
        .select_related(*related)
        .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_reports"))
    )
    items = [
        ModerationItem("comment", c, list(c.open_reports), respondent_label(c.respondent))  # type: ignore[attr-defined]
        for c in comments
    ] + [
        ModerationItem("amendment", a, list(a.open_reports), respondent_label(a.respondent))  # type: ignore[attr-defined]
        for a in amendments
    ]
    # Every item has at least one open report (that is how it was found).
    items.sort(key=lambda m: (not m.is_hidden, -len(m.reports), m.reports[0].created_at))
    return items


def content_get_for_moderation(*, user: Any, kind: str, public_id: Any) -> Comment | Amendment:
    """Any comment or amendment (`kind`), for the secretariat only; 404 otherwise."""
    if not is_secretariat(user) or kind not in KINDS:
        raise Http404
    model: type[Comment] | type[Amendment] = Comment if kind == "comment" else Amendment
    item = (
        model.objects.filter(public_id=public_id)
        .select_related("section", "respondent", "respondent__user", "respondent__consultation")
        .first()
    )
    if item is None:
        raise Http404
    return item


def reports_of(item: Comment | Amendment) -> QuerySet[ContentReport]:
    """Every report of `item`, newest first (for the secretariat's decision page)."""
    if isinstance(item, Comment):
        return ContentReport.objects.filter(comment=item).order_by("-created_at")
    return ContentReport.objects.filter(amendment=item).order_by("-created_at")
