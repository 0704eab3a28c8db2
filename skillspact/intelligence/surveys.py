"""Surveys the secretariat builds: settings, versioned questions, publishing and invitations.

A draft survey's questions are edited in place. Once a survey has been published, editing a
question retires its row and adds a new revision with the same key, so every answer keeps
pointing at the wording it answered; removing a question retires it. The skills matrix always
uses the same 1-5 scale (`SCALE`) so that waves of a series compare.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skillspact.core import audit, emails
from skillspact.core.errors import InvalidInput, InvalidState
from skillspact.core.permissions import is_secretariat
from skillspact.core.validation import full_clean
from skillspact.intelligence.models import Question, Survey, SurveyInvitation

if TYPE_CHECKING:
    from skillspact.accounts.models import User

# The proficiency and importance scale of every skills matrix: fixed, so that waves compare.
SCALE = (1, 5)
SCALE_LABELS = {
    "proficiency": gettext_lazy("Your current proficiency (1 = none, 5 = expert)"),
    "importance": gettext_lazy("Importance for your role (1 = not important, 5 = essential)"),
}
# Languages a survey can be offered in.
SURVEY_LANGUAGES = [
    ("en", gettext_lazy("English")),
    ("fr", gettext_lazy("French")),
    ("de", gettext_lazy("German")),
    ("es", gettext_lazy("Spanish")),
    ("it", gettext_lazy("Italian")),
    ("nl", gettext_lazy("Dutch")),
    ("pl", gettext_lazy("Polish")),
    ("pt", gettext_lazy("Portuguese")),
]
LANGUAGE_CODES = [code for code, _label in SURVEY_LANGUAGES]
CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
MAX_OPTIONS = 30
MAX_MATRIX_SKILLS = 40
MAX_INVITATIONS = 2000
SURVEY_FIELDS = [
    "title",
    "introduction",
    "translations",
    "languages",
    "default_language",
    "series",
    "wave",
    "access",
    "is_anonymous",
    "asks_profile",
    "opens_at",
    "closes_at",
]


class SurveyNotEditable(InvalidState):
    code = "survey_not_editable"
    default_message = gettext_lazy("This cannot be changed once the survey has been published.")


class SurveyNotReady(InvalidInput):
    code = "survey_not_ready"
    default_message = gettext_lazy("The survey cannot be published yet.")


class QuestionInvalid(InvalidInput):
    code = "question_invalid"
    default_message = gettext_lazy("The question is not complete.")


class QuestionInUse(InvalidState):
    code = "question_in_use"
    default_message = gettext_lazy("Another question is shown only for answers to this one.")


class InvitationsInvalid(InvalidInput):
    code = "invitations_invalid"
    default_message = gettext_lazy("Some e-mail addresses are not valid.")


# -- paths ------------------------------------------------------------------------------------


def open_path(survey: Survey) -> str:
    """The path of the survey's open link."""
    return f"/s/{survey.open_token}/"


def invitation_path(invitation: SurveyInvitation) -> str:
    """The path of a personal invitation link."""
    return f"/s/i/{invitation.token}/"


# -- selectors --------------------------------------------------------------------------------


def surveys_visible_to(user: Any) -> QuerySet[Survey]:
    """Surveys the person may manage, with their response counts: the secretariat sees all."""
    if not is_secretariat(user):
        return Survey.objects.none()
    return Survey.objects.annotate(
        responses_started=Count("responses", distinct=True),
        responses_submitted=Count(
            "responses", filter=Q(responses__status="submitted"), distinct=True
        ),
    )


def survey_get_for_edit(user: Any, slug: str) -> Survey:
    """A survey the secretariat builds, or 404 for anyone else."""
    if not is_secretariat(user):
        raise Http404
    survey = Survey.objects.filter(slug=slug).first()
    if survey is None:
        raise Http404
    return survey


def survey_get_for_results(user: Any, slug: str) -> Survey:
    """A survey whose results the secretariat reads, or 404 for anyone else."""
    return survey_get_for_edit(user, slug)


def questions_current(survey: Survey) -> list[Question]:
    """The survey's current question revisions, in order."""
    return list(survey.questions.filter(is_current=True).order_by("position", "id"))


def question_get_current(survey: Survey, key: str) -> Question:
    """The current revision of the question `key`, or 404."""
    question = survey.questions.filter(key=key, is_current=True).first()
    if question is None:
        raise Http404
    return question


def invitations_of(survey: Survey) -> QuerySet[SurveyInvitation]:
    """The survey's invitations, newest first (responded shows only the flag)."""
    return survey.invitations.order_by("-created_at", "-id")


# -- survey settings ----------------------------------------------------------------------------


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "survey"
    slug, number = base, 2
    while Survey.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def _clean_languages(languages: Iterable[str], default_language: str) -> tuple[list[str], str]:
    chosen: list[str] = []
    for code in languages:
        if code not in LANGUAGE_CODES:
            raise InvalidInput(
                _("Unknown language: %(code)s.") % {"code": code},
                fields={"languages": [_("Unknown language: %(code)s.") % {"code": code}]},
            )
        if code not in chosen:
            chosen.append(code)
    if not chosen:
        message = _("Choose at least one language.")
        raise InvalidInput(message, fields={"languages": [message]})
    if default_language not in chosen:
        default_language = chosen[0]
    return chosen, default_language


def _clean_translations(translations: dict[str, Any], languages: list[str]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for code in languages:
        entry = translations.get(code) or {}
        cleaned[code] = {
            "title": str(entry.get("title") or "").strip()[:200],
            "introduction": str(entry.get("introduction") or "").strip()[:4000],
        }
    return cleaned


def _apply_fields(survey: Survey, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise TypeError(f"unknown survey fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.languages, survey.default_language = _clean_languages(
        survey.languages or [], survey.default_language or "en"
    )
    survey.translations = _clean_translations(survey.translations or {}, survey.languages)
    default = survey.translations[survey.default_language]
    # The default language's texts double as the survey's own title and introduction.
    if default["title"]:
        survey.title = default["title"]
    elif survey.title:
        default["title"] = survey.title
    if default["introduction"]:
        survey.introduction = default["introduction"]
    elif survey.introduction:
        default["introduction"] = survey.introduction


@transaction.atomic
def survey_create(*, actor: User, **fields: Any) -> Survey:
    """Create a draft survey; `translations` holds the title and introduction per language."""
    fields.setdefault("languages", ["en"])
    fields.setdefault("access", Survey.Access.OPEN)
    survey = Survey(created_by=actor)
    _apply_fields(survey, fields)
    survey.slug = _unique_slug(survey.title)
    full_clean(survey)
    survey.save()
    audit.record(survey, "intelligence.survey.created", actor=actor)
    return survey


@transaction.atomic
def survey_update(*, actor: User, survey: Survey, **fields: Any) -> Survey:
    """Change a survey's settings; access and anonymity are fixed once it has been published."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.DRAFT:
        for locked in ("access", "is_anonymous"):
            if locked in fields and fields[locked] != getattr(survey, locked):
                raise SurveyNotEditable(
                    _("Access and anonymity cannot change once the survey has been published."),
                    field=locked,
                )
    before = audit.snapshot(survey, SURVEY_FIELDS)
    _apply_fields(survey, fields)
    full_clean(survey)
    survey.save()
    old, new = audit.changed(before, audit.snapshot(survey, SURVEY_FIELDS))
    if new:
        audit.record(survey, "intelligence.survey.updated", actor=actor, before=old, after=new)
    return survey


# -- questions ----------------------------------------------------------------------------------


def _texts(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        return {"en": value.strip()} if value.strip() else {}
    if not isinstance(value, dict):
        return {}
    return {str(code): str(text or "").strip() for code, text in value.items()}


def _clean_content(kind: str, content: dict[str, Any], languages: list[str]) -> dict[str, Any]:
    """Check a question's content for its kind and keep only what the kind uses."""
    problems: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {"text": _texts(content.get("text"))}
    if not any(cleaned["text"].values()):
        problems.setdefault("text", []).append(_("Write the question."))
    help_texts = _texts(content.get("help"))
    if any(help_texts.values()):
        cleaned["help"] = help_texts
    if kind in CHOICE_KINDS:
        options: list[dict[str, Any]] = []
        seen: set[str] = set()
        for option in content.get("options") or []:
            value = slugify(str(option.get("value") or ""))[:60]
            labels = _texts(option.get("label"))
            if not value or not any(labels.values()):
                continue
            if value in seen:
                problems.setdefault("options", []).append(
                    _("Two options have the same value: %(value)s.") % {"value": value}
                )
                continue
            seen.add(value)
            options.append({"value": value, "label": labels})
        if len(options) < 2:
            problems.setdefault("options", []).append(_("Give at least two options."))
        if len(options) > MAX_OPTIONS:
            problems.setdefault("options", []).append(
                _("Give at most %(n)s options.") % {"n": MAX_OPTIONS}
            )
        cleaned["options"] = options
    elif kind == Question.Kind.SCALE:
        try:
            low, high = int(content.get("min", SCALE[0])), int(content.get("max", SCALE[1]))
        except (TypeError, ValueError):
            low, high = 0, -1
        if not (0 <= low < high <= 10):
            problems.setdefault("max", []).append(
                _("A scale runs from 0 or more to at most 10, the end above the start.")
            )
        cleaned.update(
            {
                "min": low,
                "max": high,
                "min_label": _texts(content.get("min_label")),
                "max_label": _texts(content.get("max_label")),
            }
        )
    elif kind == Question.Kind.NUMBER:
        bounds: dict[str, float] = {}
        for name in ("min", "max"):
            raw = content.get(name)
            if raw in (None, ""):
                continue
            try:
                bounds[name] = float(raw)
            except (TypeError, ValueError):
                problems.setdefault(name, []).append(_("Enter a number."))
        if "min" in bounds and "max" in bounds and bounds["min"] >= bounds["max"]:
            problems.setdefault("max", []).append(_("The largest must be above the smallest."))
        for name, number in bounds.items():
            cleaned[name] = int(number) if number.is_integer() else number
    elif kind == Question.Kind.SKILLS_MATRIX:
        # The scale is the same for every survey and is not stored per question.
        pass
    elif kind != Question.Kind.TEXT:
        problems.setdefault("kind", []).append(_("Unknown type of question."))
    for code in list(cleaned["text"]):
        if code not in languages:
            del cleaned["text"][code]
    if problems:
        first = next(iter(problems.values()))[0]
        raise QuestionInvalid(first, fields=problems)
    return cleaned


def _clean_skills(kind: str, skill_uris: Iterable[str]) -> list[str]:
    if kind != Question.Kind.SKILLS_MATRIX:
        return []
    from skillspact.taxonomy import selectors as taxonomy

    uris: list[str] = []
    for uri in skill_uris:
        uri = str(uri).strip()
        if uri and uri not in uris:
            uris.append(uri)
    message = ""
    if not uris:
        message = _("Choose at least one ESCO skill for the matrix.")
    elif len(uris) > MAX_MATRIX_SKILLS:
        message = _("Choose at most %(n)s skills.") % {"n": MAX_MATRIX_SKILLS}
    else:
        known = taxonomy.concepts_describe(uris, concept_type="skill")
        unknown = [uri for uri in uris if uri not in known]
        if unknown:
            message = _("Not an ESCO skill: %(uri)s.") % {"uri": unknown[0]}
    if message:
        raise QuestionInvalid(message, fields={"skill_uris": [message]})
    return uris


def _option_values(question: Question) -> list[str]:
    return [option["value"] for option in question.content.get("options", [])]


def _clean_condition(
    survey: Survey, condition: dict[str, Any] | None, *, position: int, own_key: str | None
) -> dict[str, Any]:
    """A condition may only name an earlier current choice question and some of its options."""
    if not condition or not condition.get("question"):
        return {}
    key = str(condition["question"])
    values = [str(value) for value in condition.get("values") or []]
    source = survey.questions.filter(key=key, is_current=True).first()
    message = ""
    if source is None or key == own_key:
        message = _("The condition must name another question of this survey.")
    elif source.kind not in CHOICE_KINDS:
        message = _("A condition can only depend on a single or multiple choice question.")
    elif source.position >= position:
        message = _("A condition can only depend on an earlier question.")
    elif not values:
        message = _("Choose the answers for which the question is shown.")
    else:
        unknown = [value for value in values if value not in _option_values(source)]
        if unknown:
            message = _("%(value)s is not an option of that question.") % {"value": unknown[0]}
    if message:
        raise QuestionInvalid(message, fields={"condition": [message]})
    return {"question": key, "values": values}


def _dependants(survey: Survey, key: str) -> list[Question]:
    return [
        question
        for question in survey.questions.filter(is_current=True).exclude(key=key)
        if (question.condition or {}).get("question") == key
    ]


def _check_dependants_keep_options(survey: Survey, key: str, content: dict[str, Any]) -> None:
    values = {option["value"] for option in content.get("options", [])}
    for dependant in _dependants(survey, key):
        missing = [value for value in dependant.condition.get("values", []) if value not in values]
        if missing:
            message = _(
                "Question %(other)s is shown only for the option %(value)s; keep that option "
                "or change that question's condition first."
            ) % {"other": dependant.key, "value": missing[0]}
            raise QuestionInvalid(message, fields={"options": [message]})


def _new_key(survey: Survey) -> str:
    keys = set(survey.questions.values_list("key", flat=True))
    number = len(keys) + 1
    while f"q{number}" in keys:
        number += 1
    return f"q{number}"


def _ensure_not_closed(survey: Survey) -> None:
    if survey.status == Survey.Status.CLOSED:
        raise InvalidState(_("The survey is closed; reopen it to change its questions."))


@transaction.atomic
def question_add(
    *,
    actor: User,
    survey: Survey,
    kind: str,
    content: dict[str, Any],
    skill_uris: Iterable[str] = (),
    is_required: bool = False,
    condition: dict[str, Any] | None = None,
    key: str | None = None,
) -> Question:
    """Add a question at the end of the survey (a draft's or a published one's)."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _ensure_not_closed(survey)
    if kind not in Question.Kind.values:
        raise QuestionInvalid(_("Unknown type of question."), fields={"kind": [_("Unknown type.")]})
    if key is not None:
        key = slugify(key)[:60]
        if not key or survey.questions.filter(key=key).exists():
            message = _("Another question of this survey already has this key.")
            raise QuestionInvalid(message, fields={"key": [message]})
    key = key or _new_key(survey)
    last = survey.questions.filter(is_current=True).aggregate(top=Max("position"))["top"]
    position = (last or 0) + 1
    question = Question(
        survey=survey,
        key=key,
        revision=1,
        position=position,
        kind=kind,
        is_required=is_required,
        content=_clean_content(kind, content, survey.languages),
        skill_uris=_clean_skills(kind, skill_uris),
        condition=_clean_condition(survey, condition, position=position, own_key=key),
    )
    full_clean(question)
    question.save()
    audit.record(survey, "intelligence.question.added", actor=actor, after={"key": key})
    return question


@transaction.atomic
def question_update(
    *,
    actor: User,
    question: Question,
    content: dict[str, Any] | None = None,
    skill_uris: Iterable[str] | None = None,
    is_required: bool | None = None,
    condition: dict[str, Any] | None = None,
) -> Question:
    """Change a question. A draft's is edited in place; a published survey's question is
    retired and a new revision with the same key takes its place, so no answer is lost.

    `condition=None` keeps the current condition; `{}` removes it.
    """
    question = Question.objects.select_for_update().get(pk=question.pk)
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    if not question.is_current:
        raise InvalidState(_("This revision of the question has been replaced."))
    _ensure_not_closed(survey)
    new_content = _clean_content(
        question.kind, question.content if content is None else content, survey.languages
    )
    new_skills = (
        question.skill_uris if skill_uris is None else _clean_skills(question.kind, skill_uris)
    )
    new_required = question.is_required if is_required is None else is_required
    new_condition = _clean_condition(
        survey,
        question.condition if condition is None else condition,
        position=question.position,
        own_key=question.key,
    )
    if question.kind in CHOICE_KINDS:
        _check_dependants_keep_options(survey, question.key, new_content)
    if (new_content, new_skills, new_required, new_condition) == (
        question.content,
        question.skill_uris,
        question.is_required,
        question.condition,
    ):
        return question
    if survey.status == Survey.Status.DRAFT:
        question.content, question.skill_uris = new_content, new_skills
        question.is_required, question.condition = new_required, new_condition
        full_clean(question)
        question.save()
        audit.record(
            survey, "intelligence.question.updated", actor=actor, after={"key": question.key}
        )
        return question
    question.is_current = False
    question.retired_at = timezone.now()
    question.save(update_fields=["is_current", "retired_at"])
    revision = Question(
        survey=survey,
        key=question.key,
        revision=question.revision + 1,
        position=question.position,
        kind=question.kind,
        is_required=new_required,
        content=new_content,
        skill_uris=new_skills,
        condition=new_condition,
    )
    full_clean(revision)
    revision.save()
    audit.record(
        survey,
        "intelligence.question.revised",
        actor=actor,
        after={"key": question.key, "revision": revision.revision},
    )
    return revision


@transaction.atomic
def question_remove(*, actor: User, question: Question) -> None:
    """Remove a question: a draft's is deleted, a published survey's is retired."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    if not question.is_current:
        raise InvalidState(_("This revision of the question has already been replaced."))
    _ensure_not_closed(survey)
    dependants = _dependants(survey, question.key)
    if dependants:
        raise QuestionInUse(
            _("Question %(other)s is shown only for some answers to this one; change it first.")
            % {"other": dependants[0].key}
        )
    if survey.status == Survey.Status.DRAFT and not question.answers.exists():
        question.delete()
    else:
        question.is_current = False
        question.retired_at = timezone.now()
        question.save(update_fields=["is_current", "retired_at"])
    audit.record(survey, "intelligence.question.removed", actor=actor, after={"key": question.key})


@transaction.atomic
def question_move(*, actor: User, question: Question, direction: str) -> list[Question]:
    """Move a current question one place up or down; conditions must still look back."""
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _ensure_not_closed(survey)
    current = questions_current(survey)
    keys = [item.key for item in current]
    if question.key not in keys or direction not in ("up", "down"):
        raise InvalidState(_("This question cannot be moved."))
    index = keys.index(question.key)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(current):
        return current
    current[index], current[other] = current[other], current[index]
    seen: set[str] = set()
    for item in current:
        depends_on = (item.condition or {}).get("question")
        if depends_on and depends_on not in seen:
            raise InvalidState(
                _("Question %(key)s depends on %(other)s and must stay after it.")
                % {"key": item.key, "other": depends_on}
            )
        seen.add(item.key)
    for position, item in enumerate(current, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    audit.record(
        survey,
        "intelligence.question.moved",
        actor=actor,
        after={"key": question.key, "direction": direction},
    )
    return current


# -- publishing --------------------------------------------------------------------------------


def publish_problems(survey: Survey) -> list[str]:
    """What stands between the survey and publication, in words (empty: ready)."""
    problems: list[str] = []
    names = dict(SURVEY_LANGUAGES)
    questions = questions_current(survey)
    if not questions:
        problems.append(_("Add at least one question."))
    for code in survey.languages:
        language = names.get(code, code)
        if not (survey.translations.get(code) or {}).get("title"):
            problems.append(_("The title is missing in %(language)s.") % {"language": language})
        for question in questions:
            texts: list[dict[str, str]] = [question.content.get("text", {})]
            texts += [option["label"] for option in question.content.get("options", [])]
            if any(not (text.get(code) or "").strip() for text in texts):
                problems.append(
                    _("Question %(key)s is not fully written in %(language)s.")
                    % {"key": question.key, "language": language}
                )
    if survey.closes_at and survey.closes_at <= timezone.now():
        problems.append(_("The closing date has passed; choose one in the future."))
    return problems


@transaction.atomic
def survey_publish(*, actor: User, survey: Survey) -> Survey:
    """Open a draft survey to answers once every check passes."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.DRAFT:
        raise InvalidState(_("Only a draft survey can be published."))
    problems = publish_problems(survey)
    if problems:
        raise SurveyNotReady(problems[0], fields={"__all__": problems})
    survey.status = Survey.Status.PUBLISHED
    survey.published_at = timezone.now()
    survey.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(survey, "intelligence.survey.published", actor=actor)
    return survey


@transaction.atomic
def survey_close(*, actor: User, survey: Survey) -> Survey:
    """Stop taking answers."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.PUBLISHED:
        raise InvalidState(_("Only a published survey can be closed."))
    survey.status = Survey.Status.CLOSED
    survey.save(update_fields=["status", "updated_at"])
    audit.record(survey, "intelligence.survey.closed", actor=actor)
    return survey


@transaction.atomic
def survey_reopen(*, actor: User, survey: Survey, closes_at: Any = None) -> Survey:
    """Take answers again; a closing date that has passed must be moved (or cleared first)."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.CLOSED:
        raise InvalidState(_("Only a closed survey can be reopened."))
    if closes_at is not None:
        survey.closes_at = closes_at
    if survey.closes_at and survey.closes_at <= timezone.now():
        message = _("The closing date has passed; choose one in the future.")
        raise InvalidInput(message, fields={"closes_at": [message]})
    survey.status = Survey.Status.PUBLISHED
    survey.save(update_fields=["status", "closes_at", "updated_at"])
    audit.record(survey, "intelligence.survey.reopened", actor=actor)
    return survey


# -- invitations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailProblem:
    line: int
    value: str
    message: str


def emails_parse(text: str) -> tuple[list[str], list[EmailProblem]]:
    """Addresses pasted one per line or separated by commas or semicolons: valid ones (lower
    case, first occurrence kept) and the bad ones with their line number."""
    found: list[str] = []
    problems: list[EmailProblem] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        for part in re.split(r"[,;]", line):
            value = part.strip().strip("<>").strip()
            if not value:
                continue
            try:
                validate_email(value)
            except ValidationError:
                problems.append(EmailProblem(number, value, _("not a valid e-mail address")))
                continue
            address = value.lower()
            if address not in seen:
                seen.add(address)
                found.append(address)
    return found, problems


def _send_invitation(survey: Survey, invitation: SurveyInvitation) -> None:
    language = survey.default_language
    emails.send_templated(
        "intelligence/email/survey_invitation.txt",
        to=[invitation.email],
        context={
            "survey": survey,
            "title": (survey.translations.get(language) or {}).get("title") or survey.title,
            "introduction": (survey.translations.get(language) or {}).get("introduction", ""),
            "path": invitation_path(invitation),
            "is_anonymous": survey.is_anonymous,
        },
    )


def _ensure_invitation_survey(survey: Survey) -> None:
    if survey.access != Survey.Access.INVITATION:
        raise InvalidState(_("This survey is open to anyone with the link; it has no invitations."))
    if survey.status != Survey.Status.PUBLISHED:
        raise InvalidState(_("Publish the survey before sending invitations."))


@transaction.atomic
def invitations_send(*, actor: User, survey: Survey, emails: Iterable[str]) -> int:
    """Invite each new address with its own link, one e-mail per person; returns how many
    were sent (addresses already invited are skipped)."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _ensure_invitation_survey(survey)
    wanted: list[str] = []
    bad: list[str] = []
    for raw in emails:
        address = str(raw).strip().lower()
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
            continue
        if address not in wanted:
            wanted.append(address)
    if bad:
        message = _("Not a valid e-mail address: %(value)s.") % {"value": bad[0]}
        raise InvitationsInvalid(message, fields={"emails": [message]})
    existing = set(survey.invitations.filter(email__in=wanted).values_list("email", flat=True))
    new = [address for address in wanted if address not in existing]
    if survey.invitations.count() + len(new) > MAX_INVITATIONS:
        message = _("A survey can have at most %(n)s invitations.") % {"n": MAX_INVITATIONS}
        raise InvitationsInvalid(message, fields={"emails": [message]})
    now = timezone.now()
    for address in new:
        invitation = SurveyInvitation(survey=survey, email=address, sent_at=now)
        full_clean(invitation)
        invitation.save()
        _send_invitation(survey, invitation)
    if new:
        audit.record(
            survey, "intelligence.invitations.sent", actor=actor, after={"count": len(new)}
        )
    return len(new)


@transaction.atomic
def invitations_resend(*, actor: User, survey: Survey) -> int:
    """Send the link again to everyone invited who has not answered; returns how many."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _ensure_invitation_survey(survey)
    pending = list(survey.invitations.filter(has_responded=False).order_by("id"))
    now = timezone.now()
    for invitation in pending:
        invitation.sent_at = now
        invitation.save(update_fields=["sent_at", "updated_at"])
        _send_invitation(survey, invitation)
    if pending:
        audit.record(
            survey, "intelligence.invitations.resent", actor=actor, after={"count": len(pending)}
        )
    return len(pending)
