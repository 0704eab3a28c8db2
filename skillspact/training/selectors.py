"""Reads of the training catalogue. Published and archived courses are public; drafts only for
their provider's contacts and the secretariat, who are also the only ones to edit a course
(everyone else gets a 404).

`course_search()` is the search the page and the API share. It is built for 50,000 published
courses: every filter is a column of `Course` covered by a composite index with `status`, or a
lookup in the indexed `CourseSkill` / `CourseOccupation` rows; words are matched in the folded
`search_text` through a word index
(`search_index`), and the rank (a word in the title before one only in the description, then the
soonest start) is computed in the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from skillspact.core.permissions import is_secretariat
from skillspact.organisations import selectors as organisation_selectors
from skillspact.organisations.models import Organisation
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import ConceptType
from skillspact.training import search_index
from skillspact.training.models import (
    Course,
    CourseOccupation,
    CourseSeries,
    CourseSkill,
    LearningOutcome,
)


@dataclass
class CourseFilters:
    """What a course search asks for; the page and the API share it."""

    q: str = ""
    skill: str = ""
    occupation: str = ""
    is_digital: bool = False
    is_green: bool = False
    mode: str = ""
    language: str = ""
    country: str = ""
    eqf_level: int | None = None
    max_price: Decimal | None = None
    starts_after: datetime.date | None = None
    starts_before: datetime.date | None = None
    is_self_paced: bool | None = None
    series: str = ""
    is_featured: bool = False

    def is_filtered(self) -> bool:
        return any(getattr(self, f.name) not in ("", None, False) for f in fields(self))


def course_search(filters: CourseFilters | None = None) -> QuerySet[Course]:
    """Published courses matching `filters`, most relevant first: each word must start a word
    of the course's text; a course whose title has all of them ranks first; then the soonest
    start (courses without a date, self-paced ones, after the dated ones)."""
    filters = filters or CourseFilters()
    queryset = Course.objects.filter(status=Course.Status.PUBLISHED)
    words = search_index.terms(filters.q)
    if words:
        queryset = queryset.filter(pk__in=search_index.matching_ids(words))
    if filters.skill:
        queryset = queryset.filter(
            pk__in=CourseSkill.objects.filter(skill_uri=filters.skill).values("course_id")
        )
    if filters.occupation:
        queryset = queryset.filter(
            pk__in=CourseOccupation.objects.filter(occupation_uri=filters.occupation).values(
                "course_id"
            )
        )
    if filters.is_digital:
        queryset = queryset.filter(is_digital=True)
    if filters.is_green:
        queryset = queryset.filter(is_green=True)
    if filters.mode:
        queryset = queryset.filter(mode=filters.mode)
    if filters.language:
        queryset = queryset.filter(language_codes__contains=f"|{filters.language.lower()}|")
    if filters.country:
        queryset = queryset.filter(country=filters.country.upper())
    if filters.eqf_level is not None:
        queryset = queryset.filter(eqf_level=filters.eqf_level)
    if filters.max_price is not None:
        queryset = queryset.filter(price_eur__lte=filters.max_price)
    if filters.starts_after is not None:
        queryset = queryset.filter(starts_on__gte=filters.starts_after)
    if filters.starts_before is not None:
        queryset = queryset.filter(starts_on__lte=filters.starts_before)
    if filters.is_self_paced is not None:
        queryset = queryset.filter(is_self_paced=filters.is_self_paced)
    if filters.series:
        queryset = queryset.filter(series__slug=filters.series)
    if filters.is_featured:
        featured = list(CourseSeries.objects.filter(is_featured=True).values_list("pk", flat=True))
        queryset = queryset.filter(Q(is_featured=True) | Q(series__in=featured))
    ordering: list[Any] = []
    if words:
        title_has_all = Q()
        for word in words:
            title_has_all &= Q(search_title__contains=word)
        queryset = queryset.annotate(
            title_rank=Case(
                When(title_has_all, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        ordering.append("title_rank")
    ordering += ["sort_date", "id"]
    return queryset.order_by(*ordering)


def course_page_items(queryset: QuerySet[Course]) -> QuerySet[Course]:
    """What a list of course cards reads besides the course: the provider and the series."""
    return queryset.select_related("provider", "series").defer("search_text", "description")


def courses_teaching_skill(*, skill_uri: str, limit: int = 10) -> list[Course]:
    """Published courses whose outcomes teach the skill, soonest first (at most `limit`)."""
    return list(course_page_items(course_search(CourseFilters(skill=skill_uri)))[:limit])


def courses_teaching_skill_count(*, skill_uri: str) -> int:
    """How many published courses teach the skill."""
    return course_search(CourseFilters(skill=skill_uri)).count()


def featured_series() -> list[CourseSeries]:
    """The featured programmes, for the top of the catalogue."""
    return list(CourseSeries.objects.filter(is_featured=True).order_by("title"))


def series_all() -> QuerySet[CourseSeries]:
    """Every series, for the search filter."""
    return CourseSeries.objects.order_by("title")


# -- access ---------------------------------------------------------------------------------------


def can_manage(*, user: Any, course: Course) -> bool:
    """Whether `user` manages `course`: the secretariat, or a contact of its provider."""
    if is_secretariat(user):
        return True
    if not (user and user.is_authenticated):
        return False
    return organisation_selectors.can_act_for(user=user, organisation=course.provider)


def can_manage_series(*, user: Any, series: CourseSeries) -> bool:
    """The secretariat manages every series; a provider's contacts manage its own."""
    if is_secretariat(user):
        return True
    if series.organisation is None or not (user and user.is_authenticated):
        return False
    return organisation_selectors.can_act_for(user=user, organisation=series.organisation)


def course_get_for_view(*, user: Any, slug: str) -> Course:
    """The course at `slug`: published and archived ones for everyone, drafts for those who
    manage them; 404 otherwise."""
    course = Course.objects.select_related("provider", "series").filter(slug=slug).first()
    if course is None:
        raise Http404
    if course.status == Course.Status.DRAFT and not can_manage(user=user, course=course):
        raise Http404
    return course


def course_get_for_edit(*, user: Any, slug: str) -> Course:
    """The course at `slug` for its provider's contacts and the secretariat; 404 otherwise."""
    course = Course.objects.select_related("provider", "series").filter(slug=slug).first()
    if course is None or not can_manage(user=user, course=course):
        raise Http404
    return course


def providers_for_new_course(*, user: Any) -> QuerySet[Organisation]:
    """Member organisations the person may publish courses for (the secretariat: any)."""
    if is_secretariat(user):
        return Organisation.objects.filter(status=Organisation.Status.MEMBER).order_by("legal_name")
    if not (user and user.is_authenticated):
        return Organisation.objects.none()
    return organisation_selectors.organisations_acted_for(user=user).filter(
        status=Organisation.Status.MEMBER
    )


def can_create_course(*, user: Any) -> bool:
    """Whether the person may create a course at all."""
    return is_secretariat(user) or providers_for_new_course(user=user).exists()


def courses_managed_by(*, user: Any, status: str = "", provider: str = "") -> QuerySet[Course]:
    """The courses of the organisations the person acts for (the secretariat: all), newest
    change first."""
    queryset = Course.objects.select_related("provider", "series")
    if not is_secretariat(user):
        ids = organisation_selectors.organisations_acted_for(user=user).values("pk")
        queryset = queryset.filter(provider__in=ids)
    if status in Course.Status.values:
        queryset = queryset.filter(status=status)
    if provider:
        queryset = queryset.filter(provider__slug=provider)
    return queryset.defer("search_text", "description").order_by("-updated_at", "-id")


def series_for_course(*, user: Any, provider: Organisation | None) -> QuerySet[CourseSeries]:
    """Series a course of `provider` may join: the secretariat's programmes and its own."""
    condition = Q(organisation__isnull=True)
    if provider is not None:
        condition |= Q(organisation=provider)
    elif is_secretariat(user):
        condition = Q()
    return CourseSeries.objects.filter(condition).order_by("title")


def series_managed_by(*, user: Any) -> QuerySet[CourseSeries]:
    """The series the person manages."""
    if is_secretariat(user):
        return CourseSeries.objects.select_related("organisation").order_by("title")
    ids = organisation_selectors.organisations_acted_for(user=user).values("pk")
    return (
        CourseSeries.objects.select_related("organisation")
        .filter(organisation__in=ids)
        .order_by("title")
    )


def series_get_for_edit(*, user: Any, slug: str) -> CourseSeries:
    """A series for those who manage it; 404 otherwise."""
    series = CourseSeries.objects.select_related("organisation").filter(slug=slug).first()
    if series is None or not can_manage_series(user=user, series=series):
        raise Http404
    return series


def series_get(*, slug: str) -> CourseSeries:
    """A series by its slug, or 404."""
    series = CourseSeries.objects.filter(slug=slug).first()
    if series is None:
        raise Http404
    return series


# -- one course's content -----------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeView:
    """A learning outcome with its skills described (label, digital, green)."""

    text: str
    skills: list[taxonomy_selectors.ConceptBrief]
    unknown_skills: list[str]


def course_outcomes(*, course: Course) -> list[OutcomeView]:
    """The course's outcomes, each with its ESCO skills described in one query."""
    outcomes = list(LearningOutcome.objects.filter(course=course).order_by("position", "id"))
    uris = {uri for outcome in outcomes for uri in outcome.skills}
    briefs = taxonomy_selectors.concepts_describe(uris, concept_type=ConceptType.SKILL)
    return [
        OutcomeView(
            text=outcome.text,
            skills=[briefs[uri] for uri in outcome.skills if uri in briefs],
            unknown_skills=[uri for uri in outcome.skills if uri not in briefs],
        )
        for outcome in outcomes
    ]


def course_occupations(*, course: Course) -> list[taxonomy_selectors.ConceptBrief]:
    """The course's target occupations described; unknown URIs are shown by their URI."""
    uris = list(course.target_occupations or [])
    found = taxonomy_selectors.concepts_describe(uris, concept_type=ConceptType.OCCUPATION)
    return [found.get(uri) or taxonomy_selectors.ConceptBrief(uri=uri, label=uri) for uri in uris]


# -- planning --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanningCourse:
    """What the pathway planner reads of a published course, without loading the model."""

    pk: int
    slug: str
    title: str
    provider: str
    series_id: int | None
    hours: int
    price_eur: Decimal
    mode: str
    eqf_level: int | None
    languages: tuple[str, ...]
    is_self_paced: bool
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    enrolment_closes_on: datetime.date | None
    skill_uris: frozenset[str]


def courses_for_planning(
    *,
    skill_uris: Any,
    languages: Any = (),
    today: datetime.date | None = None,
) -> list[PlanningCourse]:
    """Published courses teaching any of `skill_uris`, open to enrolment on `today` (not over,
    enrolment not closed) and, when `languages` are given, taught in one of them; each with the
    skills it teaches (its `CourseSkill` rows). Two queries, however many courses."""
    wanted = sorted({uri for uri in skill_uris if uri})
    if not wanted:
        return []
    day = today or datetime.date.today()
    courses = Course.objects.filter(
        status=Course.Status.PUBLISHED,
        pk__in=CourseSkill.objects.filter(skill_uri__in=wanted).values("course_id"),
    ).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day),
        Q(enrolment_closes_on__isnull=True) | Q(enrolment_closes_on__gte=day),
    )
    codes = [code.strip().lower() for code in languages or () if code and code.strip()]
    if codes:
        spoken = Q()
        for code in codes:
            spoken |= Q(language_codes__contains=f"|{code}|")
        courses = courses.filter(spoken)
    skills: dict[int, set[str]] = {}
    for course_id, uri in CourseSkill.objects.filter(course__in=courses).values_list(
        "course_id", "skill_uri"
    ):
        skills.setdefault(course_id, set()).add(uri)
    rows = courses.order_by("sort_date", "id").values_list(
        "pk",
        "slug",
        "title",
        "provider__legal_name",
        "series_id",
        "hours",
        "price_eur",
        "mode",
        "eqf_level",
        "languages",
        "is_self_paced",
        "starts_on",
        "ends_on",
        "enrolment_closes_on",
    )
    return [
        PlanningCourse(
            pk=pk,
            slug=slug,
            title=title,
            provider=provider or "",
            series_id=series_id,
            hours=hours,
            price_eur=price,
            mode=mode,
            eqf_level=eqf_level,
            languages=tuple(course_languages or ()),
            is_self_paced=is_self_paced,
            starts_on=starts_on,
            ends_on=ends_on,
            enrolment_closes_on=closes_on,
            skill_uris=frozenset(skills.get(pk, ())),
        )
        for (
            pk,
            slug,
            title,
            provider,
            series_id,
            hours,
            price,
            mode,
            eqf_level,
            course_languages,
            is_self_paced,
            starts_on,
            ends_on,
            closes_on,
        ) in rows
    ]
