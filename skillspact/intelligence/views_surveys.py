"""The survey builder pages: list, settings, questions, publishing, invitations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from skillspact.core.errors import DomainError
from skillspact.core.forms import add_domain_error
from skillspact.core.paginate import paginate
from skillspact.core.permissions import secretariat_required
from skillspact.core.types import AuthedHttpRequest
from skillspact.intelligence import surveys
from skillspact.intelligence.forms_surveys import (
    InvitationsForm,
    QuestionForm,
    SkillPickerForm,
    SurveyForm,
)
from skillspact.intelligence.models import Question, Survey


def _edit_url(survey: Survey) -> str:
    return reverse("intelligence:survey_detail", args=[survey.slug])


def _skill_briefs(uris: list[str]) -> list[Any]:
    from skillspact.taxonomy import selectors as taxonomy

    found = taxonomy.concepts_describe(uris, concept_type="skill")
    return [found[uri] for uri in uris if uri in found]


def _text(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or next((text for text in texts.values() if text), "")


@secretariat_required
@require_GET
def survey_list(request: AuthedHttpRequest) -> HttpResponse:
    page = paginate(
        surveys.surveys_visible_to(request.user).order_by("-created_at", "-id"),
        request.GET.get("page"),
    )
    return render(request, "intelligence/surveys/list.html", {"page": page, "querystring_base": ""})


@secretariat_required
def survey_create(request: AuthedHttpRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and "refresh" not in request.POST and form.is_valid():
        try:
            survey = surveys.survey_create(actor=request.user, **form.service_fields())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Survey created as a draft. Now add its questions."))
            return redirect(_edit_url(survey))
    return render(request, "intelligence/surveys/form.html", {"form": form, "survey": None})


@secretariat_required
def survey_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    survey = surveys.survey_get_for_edit(request.user, slug)
    form = SurveyForm(request.POST or None, survey=survey)
    if request.method == "POST" and "refresh" not in request.POST and form.is_valid():
        try:
            surveys.survey_update(actor=request.user, survey=survey, **form.service_fields())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Survey saved."))
            return redirect(_edit_url(survey))
    return render(request, "intelligence/surveys/form.html", {"form": form, "survey": survey})


@secretariat_required
@require_GET
def survey_detail(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    survey = surveys.survey_get_for_edit(request.user, slug)
    questions = surveys.questions_current(survey)
    language = survey.default_language
    briefs = {b.uri: b for b in _skill_briefs([u for q in questions for u in q.skill_uris])}
    rows = [
        {
            "question": q,
            "text": _text(q.content.get("text", {}), language),
            "options": [_text(o["label"], language) for o in q.content.get("options", [])],
            "skills": [briefs[u] for u in q.skill_uris if u in briefs],
            "is_first": index == 0,
            "is_last": index == len(questions) - 1,
        }
        for index, q in enumerate(questions)
    ]
    counts = survey.responses.aggregate(
        started=Count("id"), submitted=Count("id", filter=Q(status="submitted"))
    )
    context = {
        "survey": survey,
        "rows": rows,
        "kinds": Question.Kind.choices,
        "problems": surveys.publish_problems(survey) if survey.status == "draft" else [],
        "open_url": request.build_absolute_uri(surveys.open_path(survey)),
        "started": counts["started"],
        "submitted": counts["submitted"],
        "language_names": [str(dict(surveys.SURVEY_LANGUAGES).get(c, c)) for c in survey.languages],
        "scale": surveys.SCALE,
    }
    return render(request, "intelligence/surveys/detail.html", context)


def _question_page(
    request: AuthedHttpRequest, survey: Survey, kind: str, question: Question | None
) -> HttpResponse:
    form = QuestionForm(request.POST or None, survey=survey, kind=kind, question=question)
    chosen = (
        request.POST.getlist("skill_uris")
        if request.method == "POST"
        else list(question.skill_uris if question else [])
    )
    if request.method == "POST" and form.is_valid():
        content = form.content()
        is_required = bool(form.cleaned_data.get("is_required"))
        condition: dict[str, Any] = form.cleaned_data.get("condition") or {}
        try:
            if question is None:
                surveys.question_add(
                    actor=request.user,
                    survey=survey,
                    kind=kind,
                    content=content,
                    skill_uris=chosen,
                    is_required=is_required,
                    condition=condition,
                )
            else:
                surveys.question_update(
                    actor=request.user,
                    question=question,
                    content=content,
                    skill_uris=chosen,
                    is_required=is_required,
                    condition=condition,
                )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Question saved."))
            return redirect(_edit_url(survey))
    context = {
        "survey": survey,
        "form": form,
        "kind": kind,
        "kind_label": dict(Question.Kind.choices).get(kind, kind),
        "question": question,
        "chosen_skills": _skill_briefs(chosen),
        "picker": SkillPickerForm(),
        "scale": surveys.SCALE,
        "is_published": survey.status != Survey.Status.DRAFT,
    }
    return render(request, "intelligence/surveys/question_form.html", context)


@secretariat_required
def question_add(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    survey = surveys.survey_get_for_edit(request.user, slug)
    kind = request.GET.get("kind") or request.POST.get("kind") or ""
    if kind not in Question.Kind.values:
        return redirect(_edit_url(survey))
    return _question_page(request, survey, kind, None)


@secretariat_required
def question_edit(request: AuthedHttpRequest, slug: str, key: str) -> HttpResponse:
    survey = surveys.survey_get_for_edit(request.user, slug)
    question = surveys.question_get_current(survey, key)
    return _question_page(request, survey, question.kind, question)


def _act(request: AuthedHttpRequest, survey: Survey, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
        for problem in getattr(error, "fields", {}).get("__all__", [])[1:]:
            messages.error(request, problem)
    else:
        messages.success(request, done)
    return redirect(_edit_url(survey))


@secretariat_required
@require_POST
def question_move(request: AuthedHttpRequest, slug: str, key: str) -> HttpResponse:
    survey = surveys.survey_get_for_edit(request.user, slug)
    question = surveys.question_get_current(survey, key)
    direction = request.POST.get("direction", "")
    return _act(
        request,
        survey,
        lambda: surveys.question_move(actor=request.user, question=question, direction=direction),
        _("Question moved."),
    )


@secretariat_required
@require_POST
def question_remove(request: AuthedHttpRequest, slug: str, key: str) -> HttpResponse:
    survey = surveys.survey_get_for_edit(request.user, slug)
    question = surveys.question_get_current(survey, key)
    return _act(
        request,
        survey,
        lambda: surveys.question_remove(actor=request.user, question=question),
        _("Question removed. Answers already given are kept.")
        if survey.status != Survey.Status.DRAFT
        else _("Question removed."),
    )


@secretariat_required
@require_POST
def survey_publish(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    survey = surveys.survey_get_for_edit(request.user, slug)
    return _act(
        request,
        survey,
        lambda: surveys.survey_publish(actor=request.user, survey=survey),
        _("The survey is published."),
    )


@secretariat_required
@require_POST
def survey_close(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    survey = surveys.survey_get_for_edit(request.user, slug)
    return _act(
        request,
        survey,
        lambda: surveys.survey_close(actor=request.user, survey=survey),
        _("The survey is closed."),
    )


@secretariat_required
@require_POST
def survey_reopen(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    survey = surveys.survey_get_for_edit(request.user, slug)
    return _act(
        request,
        survey,
        lambda: surveys.survey_reopen(actor=request.user, survey=survey),
        _("The survey is open again."),
    )


@secretariat_required
@require_GET
def survey_preview(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    survey = surveys.survey_get_for_edit(request.user, slug)
    language = request.GET.get("lang") or survey.default_language
    if language not in survey.languages:
        language = survey.default_language
    questions = surveys.questions_current(survey)
    briefs = {b.uri: b for b in _skill_briefs([u for q in questions for u in q.skill_uris])}
    keys = {q.key: q for q in questions}
    items = []
    for q in questions:
        condition = q.condition or {}
        source = keys.get(condition.get("question", ""))
        shown_when = ""
        if source is not None:
            labels = {o["value"]: _text(o["label"], language) for o in source.content["options"]}
            shown_when = _("Shown only when “%(question)s” is %(values)s.") % {
                "question": _text(source.content.get("text", {}), language),
                "values": " / ".join(labels.get(v, v) for v in condition.get("values", [])),
            }
        items.append(
            {
                "question": q,
                "text": _text(q.content.get("text", {}), language),
                "help": _text(q.content.get("help", {}), language),
                "options": [
                    (o["value"], _text(o["label"], language)) for o in q.content.get("options", [])
                ],
                "steps": list(range(q.content.get("min", 1), q.content.get("max", 5) + 1))
                if q.kind == Question.Kind.SCALE
                else [],
                "min_label": _text(q.content.get("min_label", {}), language),
                "max_label": _text(q.content.get("max_label", {}), language),
                "skills": [briefs[u] for u in q.skill_uris if u in briefs],
                "shown_when": shown_when,
            }
        )
    entry = survey.translations.get(language) or {}
    context = {
        "survey": survey,
        "language": language,
        "languages": [(c, str(dict(surveys.SURVEY_LANGUAGES).get(c, c))) for c in survey.languages],
        "title": entry.get("title") or survey.title,
        "introduction": entry.get("introduction") or "",
        "items": items,
        "scale_steps": list(range(surveys.SCALE[0], surveys.SCALE[1] + 1)),
        "scale_labels": surveys.SCALE_LABELS,
    }
    return render(request, "intelligence/surveys/preview.html", context)


@secretariat_required
@require_GET
def skill_options(request: AuthedHttpRequest) -> HttpResponse:
    """Matrix skills found by words, by collection or from an occupation's profile (htmx)."""
    from skillspact.taxonomy import selectors as taxonomy

    form = SkillPickerForm(request.GET)
    form.is_valid()
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    text = (data.get("q") or "").strip()
    collection = data.get("collection") or None
    occupation = (data.get("occupation") or "").strip()
    skills: list[Any] = []
    occupations: list[Any] = []
    profile_of = None
    if occupation.startswith("http"):
        found = taxonomy.occupations_by_uri([occupation])
        profile_of = found.get(occupation)
        if profile_of is not None:
            profile = taxonomy.occupation_skills(profile_of)
            skills = [(s.uri, s.preferred_label, True) for s in profile.essential]
            skills += [(s.uri, s.preferred_label, False) for s in profile.optional]
    elif occupation:
        occupations = taxonomy.concept_search(
            text=occupation, concept_type="occupation", limit=8
        ).hits
    elif text or collection:
        hits = taxonomy.concept_search(text=text, collection=collection, limit=25).hits
        skills = [(hit.uri, hit.preferred_label, None) for hit in hits]
    context = {
        "skills": skills[:60],
        "occupations": occupations,
        "profile_of": profile_of,
        "searched": bool(text or collection or occupation),
    }
    return render(request, "intelligence/surveys/skill_options.html", context)


@secretariat_required
def invitations(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    survey = surveys.survey_get_for_edit(request.user, slug)
    form = InvitationsForm(request.POST or None)
    problems: list[surveys.EmailProblem] = []
    if request.method == "POST" and form.is_valid():
        found, problems = surveys.emails_parse(form.cleaned_data["emails"])
        if problems:
            form.add_error(
                "emails",
                _("Some lines are not valid e-mail addresses; correct them and send again."),
            )
        elif not found:
            form.add_error("emails", _("Paste at least one e-mail address."))
        else:
            try:
                sent = surveys.invitations_send(actor=request.user, survey=survey, emails=found)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                skipped = len(found) - sent
                messages.success(
                    request,
                    _("%(sent)s invitations sent; %(skipped)s already invited.")
                    % {"sent": sent, "skipped": skipped},
                )
                return redirect(reverse("intelligence:survey_invitations", args=[survey.slug]))
    page = paginate(surveys.invitations_of(survey), request.GET.get("page"), per_page=50)
    flags = survey.invitations.aggregate(
        invited=Count("id"), responded=Count("id", filter=Q(has_responded=True))
    )
    context = {
        "survey": survey,
        "form": form,
        "problems": problems,
        "page": page,
        "querystring_base": "",
        "invited": flags["invited"],
        "responded": flags["responded"],
    }
    return render(request, "intelligence/surveys/invitations.html", context)


@secretariat_required
@require_POST
def invitations_resend(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    survey = surveys.survey_get_for_edit(request.user, slug)
    try:
        sent = surveys.invitations_resend(actor=request.user, survey=survey)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Reminder sent to %(n)s people.") % {"n": sent})
    return redirect(reverse("intelligence:survey_invitations", args=[survey.slug]))
