"""Writes of the training catalogue: courses with their learning outcomes, publication and
archiving, and course series.

A course is a draft until its provider publishes it, and archived when it is no longer offered
(archived courses stay readable: credentials point at them). Only the contacts of the provider
(a member organisation) and the secretariat change a course. Each save recomputes what search
reads: the confirmed ESCO skills of the outcomes (`skill_uris` and the `CourseSkill` rows), the
target occupations (`CourseOccupation`), whether a skill is in ESCO's digital or green collection,
and the folded search text.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf.locale import LANG_INFO
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_countries import countries

from skillspact.accounts.models import User
from skillspact.core import audit
from skillspact.core.errors import InvalidInput, InvalidState, NotPermitted
from skillspact.core.permissions import is_secretariat
from skillspact.core.text import search_text
from skillspact.core.validation import full_clean
from skillspact.organisations import selectors as organisation_selectors
from skillspact.organisations.models import Organisation
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import ConceptType
from skillspact.training import search_index, selectors
from skillspact.training.models import (
    Course,
    CourseOccupation,
    CourseSeries,
    CourseSkill,
    LearningOutcome,
    Mode,
)

COURSE_FIELDS = [
    "title",
    "summary",
    "description",
    "series",
    "target_occupations",
    "eqf_level",
    "hours",
    "ects",
    "mode",
    "country",
    "place",
    "languages",
    "is_self_paced",
    "starts_on",
    "ends_on",
    "enrolment_closes_on",
    "price_eur",
    "places",
    "prerequisites",
    "assessment_type",
    "supervision",
    "quality_assurance",
    "recognition",
    "stackability",
    "further_information",
    "credential_validity_months",
    "is_featured",
]
SERIES_FIELDS = ["title", "description", "is_featured"]
MAX_OUTCOMES = 20
MAX_SKILLS_PER_OUTCOME = 15
MAX_OCCUPATIONS = 20
# ISO 639-1: the two-letter codes Django knows (every EU language and many more).
LANGUAGE_CODES = frozenset(code for code in LANG_INFO if len(code) == 2)
_LANGUAGE_SPLIT = re.compile(r"[\s,;|]+")


@dataclass(frozen=True)
class OutcomeIn:
    """One learning outcome as a provider wrote it, with the ESCO skills they confirmed."""

    text: str
    skills: list[str] = field(default_factory=list)


# -- the search index of a course ---------------------------------------------------------------


@dataclass(frozen=True)
class IndexValues:
    """What search reads of a course, computed from its fields and outcomes."""

    skill_uris: list[str]
    is_digital: bool
    is_green: bool
    search_text: str
    search_title: str
    language_codes: str
    sort_date: datetime.date


def language_codes_key(languages: Iterable[str]) -> str:
    """ "|en|fr|": the value the language filter looks into."""
    codes = [code for code in languages if code]
    return f"|{'|'.join(codes)}|" if codes else ""


def index_values(
    course: Course,
    outcomes: Sequence[OutcomeIn],
    *,
    skill_briefs: Mapping[str, taxonomy_selectors.ConceptBrief],
    provider_name: str,
) -> IndexValues:
    """The search values of `course` with `outcomes`; `skill_briefs` describes their skills."""
    skill_uris = list(dict.fromkeys(uri for outcome in outcomes for uri in outcome.skills))
    briefs = [skill_briefs[uri] for uri in skill_uris if uri in skill_briefs]
    text = " ".join(
        [
            course.title,
            course.summary,
            course.description,
            provider_name,
            course.place,
            course.recognition,
            *(outcome.text for outcome in outcomes),
            *(brief.label for brief in briefs),
        ]
    )
    return IndexValues(
        skill_uris=skill_uris,
        is_digital=any(brief.is_digital for brief in briefs),
        is_green=any(brief.is_green for brief in briefs),
        search_text=search_text(text),
        search_title=search_text(course.title)[:200],
        language_codes=language_codes_key(course.languages or []),
        sort_date=course.starts_on or datetime.date.max,
    )


def _apply_index(course: Course, values: IndexValues) -> None:
    course.skill_uris = values.skill_uris
    course.is_digital = values.is_digital
    course.is_green = values.is_green
    course.search_text = values.search_text
    course.search_title = values.search_title
    course.language_codes = values.language_codes
    course.sort_date = values.sort_date


def _store_index_rows(course: Course) -> None:
    """The `CourseSkill` and `CourseOccupation` rows and the word index of a saved course,
    replaced."""
    search_index.store([course])
    CourseSkill.objects.filter(course=course).delete()
    CourseSkill.objects.bulk_create(
        [CourseSkill(course=course, skill_uri=uri) for uri in course.skill_uris]
    )
    CourseOccupation.objects.filter(course=course).delete()
    CourseOccupation.objects.bulk_create(
        [
            CourseOccupation(course=course, occupation_uri=uri)
            for uri in dict.fromkeys(course.target_occupations or [])
        ]
    )


def refresh_course_index(course: Course) -> Course:
    """Recompute and store what search reads of `course` from its stored outcomes (for
    factories, imports and after an ESCO update)."""
    outcomes = [OutcomeIn(o.text, list(o.skills)) for o in course.outcomes.all()]
    uris = {uri for outcome in outcomes for uri in outcome.skills}
    briefs = taxonomy_selectors.concepts_describe(uris, concept_type=ConceptType.SKILL)
    _apply_index(
        course,
        index_values(course, outcomes, skill_briefs=briefs, provider_name=_provider_name(course)),
    )
    course.save(
        update_fields=[
            "skill_uris",
            "is_digital",
            "is_green",
            "search_text",
            "search_title",
            "language_codes",
            "sort_date",
            "updated_at",
        ]
    )
    _store_index_rows(course)
    return course


def _provider_name(course: Course) -> str:
    provider = course.provider
    return " ".join(part for part in (provider.legal_name, provider.acronym) if part)


# -- checks -------------------------------------------------------------------------------------


def _unique_slug(title: str) -> str:
    base = slugify(title)[:120] or "course"
    slug, number = base, 1
    while Course.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _unique_series_slug(title: str) -> str:
    base = slugify(title)[:100] or "series"
    slug, number = base, 1
    while CourseSeries.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def clean_languages(value: Any) -> list[str]:
    """ISO 639-1 codes from a list or from text such as "en, fr"; InvalidInput otherwise."""
    items = _LANGUAGE_SPLIT.split(value) if isinstance(value, str) else list(value or [])
    codes = [str(item).strip().lower() for item in items if str(item).strip()]
    unknown = [code for code in codes if code not in LANGUAGE_CODES]
    if unknown:
        message = _("Not a language code: %(codes)s. Use ISO 639-1 codes such as en, fr, de.") % {
            "codes": ", ".join(unknown)
        }
        raise InvalidInput(message, fields={"languages": [message]})
    return list(dict.fromkeys(codes))


def clean_outcomes(outcomes: Sequence[OutcomeIn]) -> tuple[list[OutcomeIn], dict[str, Any]]:
    """The outcomes with their text trimmed and empty ones left out, and the briefs of their
    skills; InvalidInput names any skill that is not a known ESCO skill."""
    kept = [
        OutcomeIn(o.text.strip(), list(dict.fromkeys(u.strip() for u in o.skills if u.strip())))
        for o in outcomes
        if o.text.strip() or o.skills
    ]
    problems: dict[str, list[str]] = {}
    if len(kept) > MAX_OUTCOMES:
        problems["outcomes"] = [
            _("A course has at most %(count)s learning outcomes.") % {"count": MAX_OUTCOMES}
        ]
    wanted = {uri for outcome in kept for uri in outcome.skills}
    briefs = taxonomy_selectors.concepts_describe(wanted, concept_type=ConceptType.SKILL)
    for number, outcome in enumerate(kept, start=1):
        key = f"outcome_{number}"
        if not outcome.text:
            problems.setdefault(key, []).append(
                _("Learning outcome %(number)s has skills but no text.") % {"number": number}
            )
        elif len(outcome.text) > 500:
            problems.setdefault(key, []).append(
                _("Learning outcome %(number)s is longer than 500 characters.") % {"number": number}
            )
        if len(outcome.skills) > MAX_SKILLS_PER_OUTCOME:
            problems.setdefault(f"{key}_skills", []).append(
                _("Learning outcome %(number)s has more than %(count)s skills.")
                % {"number": number, "count": MAX_SKILLS_PER_OUTCOME}
            )
        missing = [uri for uri in outcome.skills if uri not in briefs]
        if missing:
            problems.setdefault(f"{key}_skills", []).append(
                _("Not a known ESCO skill: %(uris)s") % {"uris": ", ".join(missing)}
            )
    if problems:
        raise InvalidInput(next(iter(problems.values()))[0], fields=problems)
    return kept, briefs


def clean_occupations(uris: Iterable[str]) -> list[str]:
    """Known ESCO occupations and active local roles, in order, without repeats."""
    wanted = list(dict.fromkeys(uri.strip() for uri in uris if uri and uri.strip()))
    if len(wanted) > MAX_OCCUPATIONS:
        message = _("Choose at most %(count)s target occupations.") % {"count": MAX_OCCUPATIONS}
        raise InvalidInput(message, fields={"target_occupations": [message]})
    found = taxonomy_selectors.concepts_describe(wanted, concept_type=ConceptType.OCCUPATION)
    missing = [uri for uri in wanted if uri not in found]
    if missing:
        message = _("Not a known occupation or local role: %(uris)s") % {"uris": ", ".join(missing)}
        raise InvalidInput(message, fields={"target_occupations": [message]})
    return wanted


def _check_course(course: Course) -> None:
    """The rules between fields that the form and the file share."""
    problems: dict[str, list[str]] = {}
    if course.country and course.country not in countries:
        problems["country"] = [_("Choose a country by its two-letter code, such as BE.")]
    if course.mode in (Mode.IN_PERSON, Mode.BLENDED) and not course.place.strip():
        problems["place"] = [_("Say where the course takes place (in person or blended).")]
    if not course.is_self_paced and course.starts_on is None:
        problems["starts_on"] = [_("Give the start date, or mark the course as self-paced.")]
    if course.starts_on and course.ends_on and course.ends_on < course.starts_on:
        problems["ends_on"] = [_("The course must end on or after its start.")]
    if (
        course.enrolment_closes_on
        and course.ends_on
        and course.enrolment_closes_on > course.ends_on
    ):
        problems["enrolment_closes_on"] = [_("Enrolment must close before the course ends.")]
    if course.ects is not None and course.ects <= 0:
        problems["ects"] = [_("ECTS credits must be more than 0, or left empty.")]
    if course.ects is not None and course.hours and course.ects * 20 > Decimal(course.hours):
        # One ECTS credit is 25 to 30 hours of work; fewer than 20 is not credible.
        problems["ects"] = [
            _("%(ects)s ECTS credits need at least %(hours)s hours of work (20 to 30 an ECTS).")
            % {"ects": course.ects, "hours": int(course.ects * 20)}
        ]
    if problems:
        raise InvalidInput(next(iter(problems.values()))[0], fields=problems)


def _check_series(actor: User, course: Course) -> None:
    series = course.series
    if series is None:
        return
    if series.organisation_id is not None and series.organisation_id != course.provider_id:
        message = _("This series belongs to another provider.")
        raise InvalidInput(message, fields={"series": [message]})


def _ensure_can_manage(actor: User, course: Course) -> None:
    if not selectors.can_manage(user=actor, course=course):
        raise NotPermitted(_("Only the provider's contacts and the secretariat change a course."))


# -- courses ------------------------------------------------------------------------------------


def _store_outcomes(course: Course, outcomes: Sequence[OutcomeIn]) -> None:
    LearningOutcome.objects.filter(course=course).delete()
    LearningOutcome.objects.bulk_create(
        [
            LearningOutcome(course=course, position=position, text=o.text, skills=o.skills)
            for position, o in enumerate(outcomes)
        ]
    )


@transaction.atomic
def course_save(
    *,
    actor: User,
    data: Mapping[str, Any],
    outcomes: Sequence[OutcomeIn] | None = None,
    course: Course | None = None,
    provider: Organisation | None = None,
) -> Course:
    """Create a course (a draft) for `provider`, or change one, with its learning outcomes
    (`None` keeps the stored ones); recompute what search reads of it."""
    if course is None:
        if provider is None:
            raise InvalidInput(
                _("Choose the organisation that provides the course."),
                fields={"provider": [_("Choose the organisation that provides the course.")]},
            )
        if not is_secretariat(actor):
            organisation_selectors.ensure_can_act_for(
                user=actor,
                organisation=provider,
                message=_("Only the contacts of an organisation publish its courses."),
            )
        if provider.status != Organisation.Status.MEMBER:
            raise InvalidState(_("Only member organisations offer courses in the catalogue."))
        course = Course(provider=provider, created_by=actor, country=str(provider.country or ""))
        before: dict[str, Any] = {}
    else:
        course = Course.objects.select_for_update().select_related("provider").get(pk=course.pk)
        _ensure_can_manage(actor, course)
        if course.status == Course.Status.ARCHIVED:
            raise InvalidState(_("An archived course cannot be changed."))
        before = audit.snapshot(course, COURSE_FIELDS)
        before["outcomes"] = [
            {"text": o.text, "skills": list(o.skills)} for o in course.outcomes.all()
        ]
    for name in COURSE_FIELDS:
        if name in data:
            setattr(course, name, data[name])
    if "is_featured" in data and data["is_featured"] and not is_secretariat(actor):
        # Featuring is the secretariat's choice; a provider's save keeps what it was.
        course.is_featured = bool(before.get("is_featured", False))
    course.languages = clean_languages(course.languages)
    course.target_occupations = clean_occupations(course.target_occupations or [])
    course.country = str(course.country or "").upper()
    for name in ("title", "summary", "place", "quality_assurance", "recognition", "stackability"):
        setattr(course, name, (getattr(course, name) or "").strip())
    _check_course(course)
    _check_series(actor, course)
    if outcomes is None:
        stored = course.outcomes.all() if course.pk else []
        kept = [OutcomeIn(o.text, list(o.skills)) for o in stored]
        briefs = taxonomy_selectors.concepts_describe(
            {uri for o in kept for uri in o.skills}, concept_type=ConceptType.SKILL
        )
    else:
        kept, briefs = clean_outcomes(outcomes)
    if course.is_published and not kept:
        message = _("A published course keeps at least one learning outcome.")
        raise InvalidInput(message, fields={"outcomes": [message]})
    if not course.slug:
        course.slug = _unique_slug(course.title)
    _apply_index(
        course,
        index_values(course, kept, skill_briefs=briefs, provider_name=_provider_name(course)),
    )
    full_clean(course)
    is_new = course.pk is None
    course.save()
    if outcomes is not None:
        _store_outcomes(course, kept)
    _store_index_rows(course)
    after = audit.snapshot(course, COURSE_FIELDS)
    after["outcomes"] = [{"text": o.text, "skills": o.skills} for o in kept]
    if is_new:
        audit.record(
            course, "training.course.created", actor=actor, organisation=provider, after=after
        )
        return course
    changed_before, changed_after = audit.changed(before, after)
    if changed_after:
        audit.record(
            course,
            "training.course.changed",
            actor=actor,
            organisation=course.provider,
            before=changed_before,
            after=changed_after,
        )
    return course


def publish_problems(course: Course) -> list[str]:
    """What keeps `course` from being published, in words for its provider (empty: nothing)."""
    problems: list[str] = []
    if not course.outcomes.exists():
        problems.append(_("Add at least one learning outcome."))
    if not course.languages:
        problems.append(_("Say in which languages the course is taught."))
    if not course.country:
        problems.append(_("Give the provider's country."))
    if not course.is_self_paced and course.starts_on is None:
        problems.append(_("Give the start date, or mark the course as self-paced."))
    if course.ends_on and course.ends_on < timezone.localdate():
        problems.append(_("The course is over; change its dates to publish it."))
    return problems


@transaction.atomic
def course_publish(*, course: Course, actor: User) -> Course:
    """Publish a draft: it appears in the search and people can enrol."""
    course = Course.objects.select_for_update().select_related("provider").get(pk=course.pk)
    _ensure_can_manage(actor, course)
    if course.status != Course.Status.DRAFT:
        raise InvalidState(_("Only a draft course can be published."))
    problems = publish_problems(course)
    if problems:
        raise InvalidState(" ".join(problems))
    course.status = Course.Status.PUBLISHED
    course.published_at = timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(course, "training.course.published", actor=actor, organisation=course.provider)
    return course


@transaction.atomic
def course_archive(*, course: Course, actor: User) -> Course:
    """Take a course out of the catalogue; its page and credentials stay readable."""
    course = Course.objects.select_for_update().select_related("provider").get(pk=course.pk)
    _ensure_can_manage(actor, course)
    if course.status == Course.Status.ARCHIVED:
        raise InvalidState(_("This course is already archived."))
    course.status = Course.Status.ARCHIVED
    course.is_featured = False
    course.save(update_fields=["status", "is_featured", "updated_at"])
    audit.record(course, "training.course.archived", actor=actor, organisation=course.provider)
    return course


# -- series -------------------------------------------------------------------------------------


@transaction.atomic
def series_save(
    *,
    actor: User,
    data: Mapping[str, Any],
    series: CourseSeries | None = None,
    organisation: Organisation | None = None,
) -> CourseSeries:
    """Create a course series (of a provider, or the secretariat's when `organisation` is
    None), or change one. Only the secretariat features a series."""
    if series is None:
        if organisation is None:
            if not is_secretariat(actor):
                raise NotPermitted(_("Only the secretariat creates the partnership's programmes."))
        elif not is_secretariat(actor):
            organisation_selectors.ensure_can_act_for(
                user=actor,
                organisation=organisation,
                message=_("Only the contacts of an organisation create its series."),
            )
        series = CourseSeries(organisation=organisation)
        before: dict[str, Any] = {}
    else:
        series = CourseSeries.objects.select_for_update().get(pk=series.pk)
        if not selectors.can_manage_series(user=actor, series=series):
            raise NotPermitted
        before = audit.snapshot(series, SERIES_FIELDS)
    for name in SERIES_FIELDS:
        if name in data:
            setattr(series, name, data[name])
    if not is_secretariat(actor):
        series.is_featured = bool(before.get("is_featured", False))
    series.title = (series.title or "").strip()
    if not series.slug:
        series.slug = _unique_series_slug(series.title)
    full_clean(series)
    is_new = series.pk is None
    series.save()
    after = audit.snapshot(series, SERIES_FIELDS)
    if is_new:
        audit.record(
            series,
            "training.series.created",
            actor=actor,
            organisation=series.organisation,
            after=after,
        )
    else:
        changed_before, changed_after = audit.changed(before, after)
        if changed_after:
            audit.record(
                series,
                "training.series.changed",
                actor=actor,
                organisation=series.organisation,
                before=changed_before,
                after=changed_after,
            )
    return series
