"""Answering a survey: finding it by link, drafts, conditions, versions, anonymity, submitting.

The rules, in one place:

* A survey answers only while it is published and between `opens_at` and `closes_at`. An
  invitation survey refuses its open link; a personal link that has been used says so.
* A draft is a `Response` with `status=draft`, resumed by its `resume_token` (a link and a
  cookie). For a survey that is not anonymous, a personal link resumes the invitation's draft.
* Questions are versioned. A draft shows the current revision of each question, except that a
  question it already answered keeps the revision it answered (so the answer keeps its wording).
* A question with a `condition` is shown only while the answer to the question it names is among
  the condition's values (and that question is shown). Answers to hidden questions are dropped.
* Anonymous surveys store no identity: the Response has no respondent and no invitation, nothing
  records an IP address, an e-mail or a user agent, and the audit entry has no actor; the
  invitation only gets `has_responded=True`.
* Submitting writes one `SkillRating` per rated skill with the profile copied on, adds them to the
  rating summaries the gap pages read (`summaries.py`), and queues the task that finds ESCO
  skills in free-text answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skillspact.core import audit
from skillspact.core.errors import InvalidInput, InvalidState, NotPermitted
from skillspact.core.validation import full_clean
from skillspact.intelligence import summaries
from skillspact.intelligence.models import (
    Answer,
    Question,
    Response,
    SkillRating,
    Survey,
    SurveyInvitation,
)

if TYPE_CHECKING:
    from skillspact.accounts.models import User

# The 27 EU member states by ISO 3166-1 alpha-2 code (Greece is GR; its NUTS prefix is EL).
EU_COUNTRIES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
SCALE = (1, 5)
# New drafts one IP address may start per hour (the address itself is never stored).
STARTS_PER_HOUR = 30
MAX_TEXT = 4000
PROFILE_FIELDS = (
    "country",
    "region",
    "stakeholder_type",
    "job_title",
    "occupation_uri",
    "years_experience",
)


# -- errors ------------------------------------------------------------------------------------


class SurveyNotOpen(InvalidState):
    code = "survey_not_open"
    default_message = gettext_lazy("This survey is not open for answers yet.")


class SurveyClosed(InvalidState):
    code = "survey_closed"
    default_message = gettext_lazy("This survey is closed. Thank you for your interest.")


class InvitationRequired(NotPermitted):
    code = "invitation_required"
    default_message = gettext_lazy(
        "This survey is answered by personal invitation only: please use the link in your "
        "invitation e-mail."
    )


class AlreadyAnswered(InvalidState):
    code = "already_answered"
    default_message = gettext_lazy("This survey has already been answered with this link.")


class TooManyStarts(InvalidState):
    code = "too_many_starts"
    status = 429
    default_message = gettext_lazy(
        "Too many answers have been started from your network; please try again in an hour."
    )


# -- finding the survey ------------------------------------------------------------------------


def survey_get_for_answer(
    *, token: str, personal: bool | None = None
) -> tuple[Survey, SurveyInvitation | None]:
    """The published (or closed) survey behind an open link or a personal link, and the
    invitation when it is a personal link. `personal=True` reads only invitation tokens,
    `False` only open tokens, `None` both. Unknown tokens and draft surveys raise Http404."""
    visible = [Survey.Status.PUBLISHED, Survey.Status.CLOSED]
    if personal is not True:
        survey = Survey.objects.filter(open_token=token, status__in=visible).first()
        if survey is not None:
            return survey, None
    if personal is not False:
        invitation = (
            SurveyInvitation.objects.select_related("survey")
            .filter(token=token, survey__status__in=visible)
            .first()
        )
        if invitation is not None:
            return invitation.survey, invitation
    raise Http404


def response_get_for_resume(*, resume_token: str) -> Response:
    """The draft (or submitted response) behind a resume link; Http404 for anything else."""
    response = (
        Response.objects.select_related("survey")
        .filter(
            resume_token=resume_token,
            survey__status__in=[Survey.Status.PUBLISHED, Survey.Status.CLOSED],
        )
        .first()
    )
    if response is None:
        raise Http404
    return response


def survey_ensure_open(survey: Survey, *, now: datetime | None = None) -> None:
    """Raise SurveyClosed or SurveyNotOpen unless `survey` takes answers now."""
    now = now or timezone.now()
    if survey.status == Survey.Status.CLOSED or (survey.closes_at and survey.closes_at <= now):
        raise SurveyClosed
    if survey.status != Survey.Status.PUBLISHED or (survey.opens_at and survey.opens_at > now):
        raise SurveyNotOpen


def survey_ensure_answerable(
    survey: Survey, invitation: SurveyInvitation | None, *, now: datetime | None = None
) -> None:
    """The checks before showing the questions: open, the right kind of link, not used up."""
    survey_ensure_open(survey, now=now)
    if survey.access == Survey.Access.INVITATION and invitation is None:
        raise InvitationRequired
    if invitation is not None and invitation.has_responded:
        raise AlreadyAnswered


# -- languages and texts -----------------------------------------------------------------------


def survey_languages(survey: Survey) -> list[str]:
    """The languages the survey is offered in, its default language first."""
    languages = [str(code) for code in (survey.languages or []) if code]
    if survey.default_language in languages:
        languages.remove(survey.default_language)
    return [survey.default_language, *languages]


def language_choose(survey: Survey, *, asked: str = "", accept_language: str = "") -> str:
    """The language to show: the one asked for when offered, else the browser's first offered
    language (`fr-BE` matches `fr`), else the survey's default."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    offered = survey_languages(survey)
    if asked in offered:
        return asked
    for code, _quality in parse_accept_lang_header(accept_language or ""):
        code = code.lower()
        for candidate in (code, code.split("-")[0]):
            if candidate in offered:
                return candidate
    return survey.default_language


def text_in(value: Any, language: str, default: str = "en") -> str:
    """A translated text (`{"en": ..., "fr": ...}` or a plain string) in `language`, else in
    `default`, else in any language it has."""
    if isinstance(value, Mapping):
        for code in (language, default):
            if value.get(code):
                return str(value[code])
        return next((str(text) for text in value.values() if text), "")
    return str(value or "")


def survey_title(survey: Survey, language: str) -> str:
    """The survey's title in `language` when translated."""
    own = (survey.translations or {}).get(language) or {}
    return str(own.get("title") or survey.title)


def survey_introduction(survey: Survey, language: str) -> str:
    """The survey's introduction (Markdown) in `language` when translated."""
    own = (survey.translations or {}).get(language) or {}
    return str(own.get("introduction") or survey.introduction)


# -- questions, versions and conditions --------------------------------------------------------


def questions_current(survey: Survey) -> list[Question]:
    """The survey's current question revisions in order."""
    return list(Question.objects.filter(survey=survey, is_current=True).order_by("position", "id"))


def questions_for(survey: Survey, response: Response | None = None) -> list[Question]:
    """The revisions a respondent sees: the current ones, except that a question the draft
    already answered keeps the revision it answered."""
    questions = questions_current(survey)
    if response is None or response.pk is None:
        return questions
    answered = {
        answer.question.key: answer.question
        for answer in response.answers.select_related("question")
    }
    return [answered.get(question.key, question) for question in questions]


def _chosen(value: Any) -> set[str]:
    if value is None or value == "":
        return set()
    if isinstance(value, list | tuple | set):
        return {str(item) for item in value}
    return {str(value)}


def visible_questions(
    survey: Survey, answers: Mapping[str, Any], *, questions: Iterable[Question] | None = None
) -> list[Question]:
    """The questions shown for these answers (by question key): a question with a condition
    is shown while the answer to the question it names is among the condition's values and
    that question is itself shown."""
    ordered = list(questions) if questions is not None else questions_current(survey)
    shown: set[str] = set()
    result = []
    for question in ordered:
        condition = question.condition or {}
        key = condition.get("question")
        if key:
            values = {str(value) for value in condition.get("values") or []}
            if key not in shown or not (_chosen(answers.get(key)) & values):
                continue
        shown.add(question.key)
        result.append(question)
    return result


# -- parsing and checking answers --------------------------------------------------------------


def _options(question: Question) -> list[str]:
    return [str(option.get("value")) for option in (question.content or {}).get("options") or []]


def _int(raw: Any) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    return int(str(raw).strip())


def answer_parse(question: Question, raw: Any) -> tuple[Any, list[str]]:
    """Turn what a person typed or chose for `question` into the stored value, with the
    problems found. An empty answer is None. Skills-matrix input is
    `{uri: {"proficiency": "3", "importance": "5"}}`."""
    kind = question.kind
    content = question.content or {}
    if kind == Question.Kind.SKILLS_MATRIX:
        ratings: dict[str, dict[str, int | None]] = {}
        for uri in question.skill_uris or []:
            given = (raw or {}).get(uri) or {}
            pair: dict[str, int | None] = {}
            for part in ("proficiency", "importance"):
                try:
                    number = _int(given.get(part))
                except ValueError:
                    return None, [_("Choose a rating from 1 to 5.")]
                if number is not None and not SCALE[0] <= number <= SCALE[1]:
                    return None, [_("Choose a rating from 1 to 5.")]
                pair[part] = number
            if pair["proficiency"] is not None or pair["importance"] is not None:
                ratings[uri] = pair
        return (ratings or None), []
    if kind == Question.Kind.MULTIPLE:
        chosen = [str(item) for item in (raw or []) if str(item)]
        if any(item not in _options(question) for item in chosen):
            return None, [_("Choose among the options shown.")]
        return (chosen or None), []
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None, []
    if kind == Question.Kind.SINGLE:
        if text not in _options(question):
            return None, [_("Choose one of the options shown.")]
        return text, []
    if kind == Question.Kind.SCALE:
        low, high = int(content.get("min", SCALE[0])), int(content.get("max", SCALE[1]))
        try:
            number = int(text)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            return None, [
                _("Choose a value from %(low)s to %(high)s.") % {"low": low, "high": high}
            ]
        return number, []
    if kind == Question.Kind.NUMBER:
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            return None, [_("Enter a number.")]
        if value != value or value in (float("inf"), float("-inf")):
            return None, [_("Enter a number.")]
        lowest, highest = content.get("min"), content.get("max")
        if lowest is not None and value < float(lowest):
            return None, [_("Enter a number of at least %(low)s.") % {"low": lowest}]
        if highest is not None and value > float(highest):
            return None, [_("Enter a number of at most %(high)s.") % {"high": highest}]
        return (int(value) if value.is_integer() else value), []
    if len(text) > MAX_TEXT:
        return None, [_("Keep the answer under %(limit)s characters.") % {"limit": MAX_TEXT}]
    return text, []


def answer_missing(question: Question, value: Any) -> str:
    """Why a required question's value is incomplete, or "" when it is answered."""
    if not question.is_required:
        return ""
    if question.kind == Question.Kind.SKILLS_MATRIX:
        rated = value or {}
        complete = all(
            (rated.get(uri) or {}).get("proficiency") and (rated.get(uri) or {}).get("importance")
            for uri in question.skill_uris or []
        )
        return "" if complete else _("Rate every skill for both proficiency and importance.")
    if value is None or value == [] or value == "":
        return _("This question needs an answer.")
    return ""


def field_name(question: Question) -> str:
    """The form field name of a question (errors are keyed by it)."""
    return f"q_{question.key}"


def profile_clean(survey: Survey, profile: Mapping[str, Any]) -> tuple[dict[str, Any], dict]:
    """The respondent profile block checked: an EU country, a NUTS-2 region of that country,
    a known type of employer, an occupation the taxonomy knows, 0-60 years of experience."""
    from skillspact.organisations import regions
    from skillspact.organisations.models import StakeholderType
    from skillspact.taxonomy import selectors as taxonomy_selectors

    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    country = str(profile.get("country") or "").strip().upper()
    if country and country not in EU_COUNTRIES:
        errors["country"] = [_("Choose an EU country.")]
    cleaned["country"] = country
    region = str(profile.get("region") or "").strip().upper()
    if region:
        if not country:
            errors["region"] = [_("Choose the country first.")]
        elif not region.startswith(regions.nuts_prefix(country)) or not regions.is_valid_region(
            region, country
        ):
            errors["region"] = [_("Choose a region of the country you chose.")]
    cleaned["region"] = region
    kind = str(profile.get("stakeholder_type") or "").strip()
    if kind and kind not in StakeholderType.values:
        errors["stakeholder_type"] = [_("Choose a type of employer from the list.")]
    cleaned["stakeholder_type"] = kind
    cleaned["job_title"] = str(profile.get("job_title") or "").strip()[:200]
    occupation = str(profile.get("occupation_uri") or "").strip()
    if occupation in ("none", "skip"):
        occupation = ""
    if occupation and not taxonomy_selectors.concepts_describe(
        [occupation], concept_type="occupation"
    ):
        errors["occupation_uri"] = [_("Choose one of the occupations offered.")]
    cleaned["occupation_uri"] = occupation
    try:
        years = _int(profile.get("years_experience"))
    except ValueError:
        years = -1
    if years is not None and not 0 <= years <= 60:
        errors["years_experience"] = [_("Enter a whole number of years from 0 to 60.")]
        years = None
    cleaned["years_experience"] = years
    return cleaned, errors


# -- drafts ------------------------------------------------------------------------------------


@transaction.atomic
def response_start(
    *,
    survey: Survey,
    invitation: SurveyInvitation | None = None,
    actor: User | None = None,
    language: str = "",
    ip_address: str = "",
) -> Response:
    """Start (or, for a non-anonymous personal link, resume) a draft. `ip_address` only counts
    starts against the rate limit; it is never stored."""
    from skillspact.core import ratelimit

    survey_ensure_answerable(survey, invitation)
    if invitation is not None and not survey.is_anonymous:
        existing = Response.objects.filter(
            survey=survey, invitation=invitation, status=Response.Status.DRAFT
        ).first()
        if existing is not None:
            return existing
    if ip_address:
        if ratelimit.is_limited("survey-start", ip_address, limit=STARTS_PER_HOUR):
            raise TooManyStarts
        ratelimit.hit("survey-start", ip_address, window=3600)
    response = Response(survey=survey, language=language or survey.default_language)
    if not survey.is_anonymous:
        response.invitation = invitation
        if actor is not None and actor.is_authenticated:
            response.respondent = actor
    full_clean(response)
    response.save()
    return response


def _ensure_draft(response: Response) -> None:
    if response.status != Response.Status.DRAFT:
        raise AlreadyAnswered(_("These answers have already been submitted. Thank you."))


@transaction.atomic
def answers_save(
    *,
    response: Response,
    answers: Mapping[str, Any],
    profile: Mapping[str, Any] | None = None,
    language: str | None = None,
) -> Response:
    """Save a draft's answers (raw input by question key) and profile; incomplete answers are
    fine, wrong ones raise InvalidInput with messages by field (`q_<key>`, profile fields) and
    nothing is saved. Answers to hidden questions are dropped."""
    response = Response.objects.select_for_update().select_related("survey").get(pk=response.pk)
    _ensure_draft(response)
    survey = response.survey
    survey_ensure_open(survey)
    errors: dict[str, list[str]] = {}
    questions = questions_for(survey, response)
    values: dict[str, Any] = {}
    for question in questions:
        value, problems = answer_parse(question, answers.get(question.key))
        if problems:
            errors[field_name(question)] = problems
        values[question.key] = value
    cleaned: dict[str, Any] = {}
    if profile is not None and survey.asks_profile:
        cleaned, profile_errors = profile_clean(survey, profile)
        errors.update(profile_errors)
    if errors:
        raise InvalidInput(_("Please correct the answers marked below."), fields=errors)
    if language and language in survey_languages(survey):
        response.language = language
    for name, value in cleaned.items():
        setattr(response, name, value)
    full_clean(response)
    response.save()
    shown = {
        question.key: question
        for question in visible_questions(survey, values, questions=questions)
    }
    keep: list[int] = []
    for key, question in shown.items():
        value = values.get(key)
        if value is None:
            continue
        answer, _created = Answer.objects.update_or_create(
            response=response, question=question, defaults={"value": value}
        )
        keep.append(answer.pk)
    response.answers.exclude(pk__in=keep).delete()
    return response


def answers_of(response: Response) -> dict[str, Any]:
    """The draft's stored answers by question key."""
    if response.pk is None:
        return {}
    return {
        answer.question.key: answer.value for answer in response.answers.select_related("question")
    }


# -- submitting --------------------------------------------------------------------------------


@transaction.atomic
def response_submit(
    *,
    response: Response,
    actor: User | None = None,
    invitation: SurveyInvitation | None = None,
) -> Response:
    """Submit a draft: every shown required question answered, answers to hidden questions
    dropped, skill ratings written with the profile copied on, the invitation marked as
    answered, free-text answers queued for skill matching. `invitation` is the personal link
    it came through (an anonymous survey's draft does not keep it)."""
    from skillspact.intelligence import tasks

    response = Response.objects.select_for_update().select_related("survey").get(pk=response.pk)
    _ensure_draft(response)
    survey = response.survey
    survey_ensure_open(survey)
    invitation = response.invitation or invitation
    if invitation is not None:
        invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.survey_id != survey.pk:
            raise InvalidState(_("This invitation is for another survey."))
        if invitation.has_responded:
            raise AlreadyAnswered
    questions = questions_for(survey, response)
    stored = {answer.question.key: answer for answer in response.answers.select_related("question")}
    values = {key: answer.value for key, answer in stored.items()}
    shown = visible_questions(survey, values, questions=questions)
    errors: dict[str, list[str]] = {}
    for question in shown:
        problem = answer_missing(question, values.get(question.key))
        if problem:
            errors[field_name(question)] = [problem]
    if survey.asks_profile and not response.country:
        errors["country"] = [_("Choose the country you work in.")]
    if errors:
        raise InvalidInput(_("Please answer the questions marked below."), fields=errors)
    shown_keys = {question.key for question in shown}
    response.answers.exclude(question__key__in=shown_keys).delete()
    if survey.is_anonymous:
        response.respondent = None
        response.invitation = None
    response.status = Response.Status.SUBMITTED
    response.submitted_at = timezone.now()
    full_clean(response)
    response.save()
    submitted_on = timezone.localdate(response.submitted_at)
    ratings = []
    for question in shown:
        if question.kind != Question.Kind.SKILLS_MATRIX:
            continue
        for uri, pair in (values.get(question.key) or {}).items():
            ratings.append(
                SkillRating(
                    response=response,
                    question=stored[question.key].question,
                    survey=survey,
                    skill_uri=uri,
                    proficiency=pair.get("proficiency"),
                    importance=pair.get("importance"),
                    country=response.country,
                    region=response.region,
                    stakeholder_type=response.stakeholder_type,
                    occupation_uri=response.occupation_uri,
                    submitted_on=submitted_on,
                )
            )
    SkillRating.objects.bulk_create(ratings)
    summaries.rating_sums_add(ratings=ratings)
    if invitation is not None:
        SurveyInvitation.objects.filter(pk=invitation.pk).update(
            has_responded=True, updated_at=timezone.now()
        )
    audit.record(
        response,
        "intelligence.response.submitted",
        actor=None if survey.is_anonymous else actor,
        message=f"{survey.slug}: {len(ratings)} ratings",
    )
    has_text = any(
        question.kind == Question.Kind.TEXT and values.get(question.key) for question in shown
    )
    if has_text:
        response_id = response.pk
        transaction.on_commit(lambda: tasks.text_answers_match.enqueue(response_id=response_id))
    return response


def invitation_pending_for(*, survey: Survey, invitation: SurveyInvitation) -> Response | None:
    """The draft a non-anonymous invitation left, if any."""
    if survey.is_anonymous:
        return None
    return Response.objects.filter(
        survey=survey, invitation=invitation, status=Response.Status.DRAFT
    ).first()


# -- skills in free-text answers ---------------------------------------------------------------

# A skill found in a text answer is kept when the engine's calibrated score (roughly the
# probability that it is right) is at least this; five at most per answer.
TEXT_MATCH_THRESHOLD = 0.5
TEXT_MATCH_TOP = 5


@dataclass(frozen=True)
class TextMatchOutcome:
    answers: int
    matches: int
    is_engine_ready: bool


def text_answers_match(*, response_id: int) -> TextMatchOutcome:
    """Map the free-text answers of a submitted response to ESCO skills with the engine, into
    `TextSkillMatch` rows; running it again replaces them (no duplicates). When the engine is
    warming up, nothing is written and the outcome says so."""
    from skillspact.intelligence.models import TextSkillMatch
    from skillspact.taxonomy import matching
    from skillspact.taxonomy import selectors as taxonomy_selectors

    answers = list(
        Answer.objects.filter(
            response_id=response_id,
            response__status=Response.Status.SUBMITTED,
            question__kind=Question.Kind.TEXT,
        ).order_by("pk")
    )
    answers = [answer for answer in answers if isinstance(answer.value, str) and answer.value]
    if not answers:
        return TextMatchOutcome(answers=0, matches=0, is_engine_ready=True)
    version = taxonomy_selectors.version_default()
    if version is None:
        return TextMatchOutcome(answers=len(answers), matches=0, is_engine_ready=False)
    if not matching.engine_is_ready(version):
        matching.engine_warm_up_request(version)
        return TextMatchOutcome(answers=len(answers), matches=0, is_engine_ready=False)
    engine = matching.engine_for(version)
    found = engine.match_skills([str(answer.value) for answer in answers], top=TEXT_MATCH_TOP)
    rows = [
        TextSkillMatch(answer=answer, skill_uri=match.uri, score=match.score)
        for answer, matches in zip(answers, found, strict=True)
        for match in matches
        if match.score >= TEXT_MATCH_THRESHOLD
    ]
    with transaction.atomic():
        TextSkillMatch.objects.filter(answer__in=answers).delete()
        TextSkillMatch.objects.bulk_create(rows)
    return TextMatchOutcome(answers=len(answers), matches=len(rows), is_engine_ready=True)
