"""Answering pages: the open link, the personal link, the resume link, occupation matching."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from skillspact.core import ratelimit
from skillspact.core.errors import DomainError, InvalidInput
from skillspact.core.markdown import render as markdown
from skillspact.intelligence import forms_respond, respond
from skillspact.intelligence.models import Question, Response, Survey, SurveyInvitation

COOKIE_DAYS = 60


def _cookie_name(survey: Survey) -> str:
    return f"survey_{survey.public_id.hex[:16]}"


def _remember(reply: HttpResponse, survey: Survey, response: Response) -> None:
    reply.set_cookie(
        _cookie_name(survey),
        response.resume_token,
        max_age=COOKIE_DAYS * 86400,
        path="/s/",
        httponly=True,
        samesite="Lax",
    )


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _draft_from_cookie(request: HttpRequest, survey: Survey) -> Response | None:
    token = request.COOKIES.get(_cookie_name(survey))
    if not token:
        return None
    return Response.objects.filter(
        survey=survey, resume_token=token, status=Response.Status.DRAFT
    ).first()


def _unavailable(request: HttpRequest, survey: Survey, error: DomainError) -> HttpResponse:
    return render(
        request,
        "intelligence/respond/unavailable.html",
        {"survey": survey, "message": error.message, "code": error.code},
        status=403 if error.code == "invitation_required" else 200,
    )


def _raw_from_stored(question: Question, value: Any) -> Any:
    if value is None:
        return [] if question.kind == Question.Kind.MULTIPLE else ""
    if question.kind == Question.Kind.MULTIPLE:
        return [str(item) for item in value]
    if question.kind == Question.Kind.SKILLS_MATRIX:
        return {
            uri: {part: str(pair.get(part) or "") for part in ("proficiency", "importance")}
            for uri, pair in (value or {}).items()
        }
    return str(value)


def _skill_labels(uris: list[str], language: str) -> dict[str, str]:
    from skillspact.taxonomy import selectors as taxonomy_selectors

    briefs = taxonomy_selectors.concepts_describe(uris, concept_type="skill")
    labels = {uri: brief.label for uri, brief in briefs.items()}
    if language != "en":
        for uri in uris:
            own = taxonomy_selectors.labels_of(concept_uri=uri, language=language)
            preferred = [label for label in own if label.label_type == "preferred"]
            if preferred:
                labels[uri] = preferred[0].text
    return labels


def _rows(
    survey: Survey,
    questions: list[Question],
    raw: dict[str, Any],
    errors: dict[str, list[str]],
    language: str,
) -> list[dict[str, Any]]:
    default = survey.default_language
    parsed = {q.key: respond.answer_parse(q, raw.get(q.key))[0] for q in questions}
    shown = {q.key for q in respond.visible_questions(survey, parsed, questions=questions)}
    uris = [uri for q in questions for uri in (q.skill_uris or [])]
    labels = _skill_labels(uris, language) if uris else {}
    rows = []
    for number, question in enumerate(questions, start=1):
        content = question.content or {}
        value = raw.get(question.key)
        row: dict[str, Any] = {
            "question": question,
            "number": number,
            "name": respond.field_name(question),
            "text": respond.text_in(content.get("text"), language, default),
            "help": respond.text_in(content.get("help"), language, default),
            "errors": errors.get(respond.field_name(question), []),
            "is_visible": question.key in shown,
            "condition_key": (question.condition or {}).get("question", ""),
            "condition_values": "|".join(
                str(v) for v in (question.condition or {}).get("values") or []
            ),
            "value": value if value is not None else "",
            "values": [str(v) for v in value] if isinstance(value, list) else [],
        }
        row["options"] = [
            {
                "value": str(option.get("value")),
                "label": respond.text_in(option.get("label"), language, default),
            }
            for option in content.get("options") or []
        ]
        if question.kind == Question.Kind.SCALE:
            low, high = int(content.get("min", 1)), int(content.get("max", 5))
            row["scale"] = [str(n) for n in range(low, high + 1)]
            row["min_label"] = respond.text_in(content.get("min_label"), language, default)
            row["max_label"] = respond.text_in(content.get("max_label"), language, default)
        if question.kind == Question.Kind.SKILLS_MATRIX:
            given = value if isinstance(value, dict) else {}
            row["skills"] = [
                {
                    "index": index,
                    "uri": uri,
                    "label": labels.get(uri, uri),
                    "proficiency": str((given.get(uri) or {}).get("proficiency") or ""),
                    "importance": str((given.get(uri) or {}).get("importance") or ""),
                }
                for index, uri in enumerate(question.skill_uris or [])
            ]
        rows.append(row)
    return rows


def _occupation_label(uri: str) -> str:
    from skillspact.taxonomy import selectors as taxonomy_selectors

    if not uri:
        return ""
    brief = taxonomy_selectors.concepts_describe([uri], concept_type="occupation").get(uri)
    return brief.label if brief else ""


def _answer_page(
    request: HttpRequest,
    survey: Survey,
    invitation: SurveyInvitation | None,
    response: Response | None,
) -> HttpResponse:
    try:
        if response is None or response.pk is None:
            respond.survey_ensure_answerable(survey, invitation)
        else:
            respond.survey_ensure_open(survey)
    except DomainError as error:
        return _unavailable(request, survey, error)
    language = respond.language_choose(
        survey,
        asked=request.GET.get("lang")
        or request.POST.get("lang")
        or (response.language if response else ""),
        accept_language=request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
    )
    questions = respond.questions_for(survey, response)
    errors: dict[str, list[str]] = {}
    profile_form = forms_respond.ProfileForm(
        initial={
            name: getattr(response, name)
            for name in respond.PROFILE_FIELDS
            if response is not None and name != "occupation_uri"
        }
    )
    occupation_uri = response.occupation_uri if response is not None else ""
    if request.method == "POST":
        raw = forms_respond.answers_from_post(questions, request.POST)
        profile_form = forms_respond.ProfileForm(request.POST)
        profile_form.is_valid()
        occupation_uri = request.POST.get("occupation_uri", "")
        profile = {name: request.POST.get(name, "") for name in respond.PROFILE_FIELDS}
        action = request.POST.get("action", "save")
        try:
            if response is None:
                response = respond.response_start(
                    survey=survey,
                    invitation=invitation,
                    actor=request.user,  # type: ignore[arg-type]
                    language=language,
                    ip_address=_client_ip(request),
                )
            respond.answers_save(response=response, answers=raw, profile=profile, language=language)
            if action == "submit":
                respond.response_submit(
                    response=response,
                    actor=request.user,  # type: ignore[arg-type]
                    invitation=invitation,
                )
        except InvalidInput as error:
            errors = error.fields
            for name in respond.PROFILE_FIELDS:
                if (
                    name in errors
                    and name in profile_form.fields
                    and not profile_form.has_error(name)
                ):
                    for problem in errors[name]:
                        profile_form.add_error(name, problem)
        except DomainError as error:
            return _unavailable(request, survey, error)
        else:
            target = (
                request.path
                if invitation is not None
                else reverse("intelligence:respond_resume", args=[response.resume_token])
            )
            reply = redirect(f"{target}?{'submitted' if action == 'submit' else 'saved'}=1")
            if action == "submit":
                reply.delete_cookie(_cookie_name(survey), path="/s/")
            else:
                _remember(reply, survey, response)
            return reply
    else:
        stored = respond.answers_of(response) if response is not None else {}
        raw = {q.key: _raw_from_stored(q, stored.get(q.key)) for q in questions}
    resume_url = ""
    if response is not None and response.pk:
        resume_url = request.build_absolute_uri(
            request.path
            if invitation is not None
            else reverse("intelligence:respond_resume", args=[response.resume_token])
        )
    context = {
        "survey": survey,
        "language": language,
        "languages": respond.survey_languages(survey),
        "title": respond.survey_title(survey, language),
        "introduction": markdown(respond.survey_introduction(survey, language)),
        "rows": _rows(survey, questions, raw, errors, language),
        "profile_form": profile_form,
        "occupation_uri": occupation_uri,
        "occupation_label": _occupation_label(occupation_uri),
        "errors": errors,
        "is_saved": request.GET.get("saved") == "1",
        "resume_url": resume_url,
    }
    page = render(request, "intelligence/respond/answer.html", context)
    if response is not None and response.pk and response.status == Response.Status.DRAFT:
        # A draft started by a post that had errors: the next post continues it.
        _remember(page, survey, response)
    return page


def respond_open(request: HttpRequest, token: str) -> HttpResponse:
    """The open link: answer, or resume the draft this browser saved."""
    survey, _invitation = respond.survey_get_for_answer(token=token, personal=False)
    return _answer_page(request, survey, None, _draft_from_cookie(request, survey))


def respond_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """A personal link: answer, or resume the invitation's draft."""
    survey, invitation = respond.survey_get_for_answer(token=token, personal=True)
    if invitation is not None and invitation.has_responded:
        if request.GET.get("submitted") == "1":
            return render(request, "intelligence/respond/thanks.html", {"survey": survey})
        return _unavailable(request, survey, respond.AlreadyAnswered())
    draft = (
        respond.invitation_pending_for(survey=survey, invitation=invitation)
        if invitation is not None
        else None
    )
    if draft is None and survey.is_anonymous:
        draft = _draft_from_cookie(request, survey)
    return _answer_page(request, survey, invitation, draft)


def respond_resume(request: HttpRequest, resume_token: str) -> HttpResponse:
    """The resume link of a draft (and the thank-you page once it is submitted)."""
    response = respond.response_get_for_resume(resume_token=resume_token)
    if response.status == Response.Status.SUBMITTED:
        return render(request, "intelligence/respond/thanks.html", {"survey": response.survey})
    return _answer_page(request, response.survey, response.invitation, response)


@require_GET
def respond_occupations(request: HttpRequest) -> HttpResponse:
    """ESCO occupations matching a job title (the engine), or found by name while it warms up."""
    from skillspact.taxonomy import matching
    from skillspact.taxonomy import selectors as taxonomy_selectors

    title = request.GET.get("job_title", "").strip()[:200]
    query = request.GET.get("q", "").strip()[:100]
    language = request.GET.get("lang", "")[:10]
    context: dict[str, Any] = {"title": title, "query": query, "options": []}
    version = taxonomy_selectors.version_default()
    ip = _client_ip(request)
    if ratelimit.is_limited("survey-occupations", ip, limit=120):
        context["error"] = _("Too many searches; wait a few minutes.")
    elif version is None:
        context["error"] = _("Occupations cannot be matched at the moment; you can skip this.")
    elif query or not matching.engine_is_ready(version):
        ratelimit.hit("survey-occupations", ip, window=600)
        context["warming"] = not matching.engine_is_ready(version)
        if context["warming"]:
            matching.engine_warm_up_request(version)
        if query or title:
            page = taxonomy_selectors.concept_search(
                text=query or title, concept_type="occupation", language=language or None, limit=8
            )
            context["options"] = [
                {"uri": hit.concept.uri, "label": hit.concept.preferred_label} for hit in page.hits
            ]
    elif title:
        ratelimit.hit("survey-occupations", ip, window=600)
        found = matching.engine_for(version).match_occupations([title], top=5)[0]
        context["options"] = [{"uri": m.uri, "label": m.label} for m in found]
    else:
        context["error"] = _("Type your job title first.")
    return render(request, "intelligence/respond/occupations.html", context)
