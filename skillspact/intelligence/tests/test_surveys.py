"""The survey builder's rules: settings, questions, conditions, versioning, publishing,
invitations."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.http import Http404
from django.utils import timezone

from skillspact.core.errors import InvalidInput, InvalidState
from skillspact.core.models import AuditEntry
from skillspact.intelligence import surveys
from skillspact.intelligence.factories import (
    AnswerFactory,
    ResponseFactory,
    SurveyFactory,
    SurveyInvitationFactory,
)
from skillspact.intelligence.models import Answer, Question, Survey, SurveyInvitation
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import S_DATA, S_PYTHON, S_RISK, UNKNOWN_SKILL

pytestmark = pytest.mark.django_db


def choice_content(*values: str) -> dict[str, Any]:
    return {
        "text": {"en": "Where do you work?", "fr": "Où travaillez-vous ?"},
        "options": [
            {"value": value, "label": {"en": value.title(), "fr": value.upper()}}
            for value in values
        ],
    }


def text_content(en: str = "Anything else?", fr: str = "Autre chose ?") -> dict[str, Any]:
    return {"text": {"en": en, "fr": fr}}


@pytest.fixture
def survey(secretariat_officer: Any) -> Survey:
    return surveys.survey_create(
        actor=secretariat_officer,
        languages=["en", "fr"],
        translations={
            "en": {"title": "Flash survey 2026", "introduction": "Ten minutes."},
            "fr": {"title": "Enquête flash 2026", "introduction": "Dix minutes."},
        },
        access=Survey.Access.OPEN,
        series="flash-digital-green",
        wave="2026",
    )


def published(survey: Survey, actor: Any) -> Survey:
    if not surveys.questions_current(survey):
        surveys.question_add(actor=actor, survey=survey, kind="text", content=text_content())
    return surveys.survey_publish(actor=actor, survey=survey)


# -- settings ----------------------------------------------------------------------------------


def test_survey_create_takes_title_from_default_language_and_makes_a_unique_slug(
    secretariat_officer: Any, survey: Survey
) -> None:
    again = surveys.survey_create(
        actor=secretariat_officer,
        languages=["fr", "en"],
        default_language="en",
        translations={"en": {"title": "Flash survey 2026"}, "fr": {"title": "Enquête"}},
    )
    assert survey.title == "Flash survey 2026"
    assert survey.introduction == "Ten minutes."
    assert survey.slug == "flash-survey-2026"
    assert again.slug == "flash-survey-2026-2"
    assert again.languages == ["fr", "en"]
    assert survey.status == Survey.Status.DRAFT
    assert AuditEntry.objects.filter(code="intelligence.survey.created").count() == 2


def test_survey_create_refuses_an_unknown_language(secretariat_officer: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        surveys.survey_create(
            actor=secretariat_officer, languages=["xx"], translations={"xx": {"title": "T"}}
        )
    assert "languages" in caught.value.fields
    assert Survey.objects.count() == 0


def test_access_and_anonymity_are_fixed_once_published(
    secretariat_officer: Any, survey: Survey
) -> None:
    published(survey, secretariat_officer)
    with pytest.raises(surveys.SurveyNotEditable):
        surveys.survey_update(actor=secretariat_officer, survey=survey, is_anonymous=True)
    survey.refresh_from_db()
    assert survey.is_anonymous is False
    surveys.survey_update(actor=secretariat_officer, survey=survey, wave="2026 spring")
    survey.refresh_from_db()
    assert survey.wave == "2026 spring"


# -- questions ---------------------------------------------------------------------------------


def test_question_add_numbers_keys_and_positions(secretariat_officer: Any, survey: Survey) -> None:
    first = surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="single", content=choice_content("a", "b")
    )
    second = surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="text", content=text_content()
    )
    assert (first.key, first.position, second.key, second.position) == ("q1", 1, "q2", 2)
    assert [q.key for q in surveys.questions_current(survey)] == ["q1", "q2"]


@pytest.mark.parametrize(
    ("kind", "content", "field"),
    [
        ("single", choice_content("only"), "options"),
        ("multiple", {"text": {"en": "Q"}, "options": []}, "options"),
        ("text", {"text": {"en": "", "fr": ""}}, "text"),
        ("scale", {"text": {"en": "Q"}, "min": 5, "max": 1}, "max"),
        ("number", {"text": {"en": "Q"}, "min": 10, "max": 2}, "max"),
        ("number", {"text": {"en": "Q"}, "min": "ten"}, "min"),
    ],
)
def test_question_add_refuses_incomplete_content(
    secretariat_officer: Any, survey: Survey, kind: str, content: dict[str, Any], field: str
) -> None:
    with pytest.raises(surveys.QuestionInvalid) as caught:
        surveys.question_add(actor=secretariat_officer, survey=survey, kind=kind, content=content)
    assert field in caught.value.fields
    assert survey.questions.count() == 0


def test_scale_and_number_keep_their_bounds(secretariat_officer: Any, survey: Survey) -> None:
    scale = surveys.question_add(
        actor=secretariat_officer,
        survey=survey,
        kind="scale",
        content={"text": {"en": "How ready?"}, "min": 0, "max": 10, "min_label": {"en": "No"}},
    )
    number = surveys.question_add(
        actor=secretariat_officer,
        survey=survey,
        kind="number",
        content={"text": {"en": "Hours?"}, "min": "0", "max": "80"},
    )
    assert (scale.content["min"], scale.content["max"]) == (0, 10)
    assert scale.content["min_label"] == {"en": "No"}
    assert (number.content["min"], number.content["max"]) == (0, 80)


def test_skills_matrix_needs_known_esco_skills(
    secretariat_officer: Any,
    survey: Survey,
    esco_v1: Any,  # noqa: F811
) -> None:
    with pytest.raises(surveys.QuestionInvalid) as caught:
        surveys.question_add(
            actor=secretariat_officer,
            survey=survey,
            kind="skills_matrix",
            content=text_content("Rate"),
            skill_uris=[S_RISK, UNKNOWN_SKILL],
        )
    assert "skill_uris" in caught.value.fields
    with pytest.raises(surveys.QuestionInvalid):
        surveys.question_add(
            actor=secretariat_officer,
            survey=survey,
            kind="skills_matrix",
            content=text_content("Rate"),
            skill_uris=[],
        )
    matrix = surveys.question_add(
        actor=secretariat_officer,
        survey=survey,
        kind="skills_matrix",
        content=text_content("Rate"),
        skill_uris=[S_RISK, S_DATA, S_RISK],
    )
    assert matrix.skill_uris == [S_RISK, S_DATA]
    # The scale is the same for every survey, not stored per question.
    assert "min" not in matrix.content and "max" not in matrix.content
    assert surveys.SCALE == (1, 5)


def test_a_condition_must_name_an_earlier_choice_question_and_its_options(
    secretariat_officer: Any, survey: Survey
) -> None:
    choice = surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="single", content=choice_content("a", "b")
    )
    free = surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="text", content=text_content()
    )
    bad = [
        {"question": "nope", "values": ["a"]},
        {"question": free.key, "values": ["x"]},
        {"question": choice.key, "values": ["z"]},
        {"question": choice.key, "values": []},
    ]
    for condition in bad:
        with pytest.raises(surveys.QuestionInvalid) as caught:
            surveys.question_add(
                actor=secretariat_officer,
                survey=survey,
                kind="text",
                content=text_content(),
                condition=condition,
            )
        assert "condition" in caught.value.fields
    shown = surveys.question_add(
        actor=secretariat_officer,
        survey=survey,
        kind="text",
        content=text_content(),
        condition={"question": choice.key, "values": ["b"]},
    )
    assert shown.condition == {"question": choice.key, "values": ["b"]}
    # A condition can not point forward: the first question cannot depend on a later one.
    with pytest.raises(surveys.QuestionInvalid):
        surveys.question_update(
            actor=secretariat_officer,
            question=choice,
            condition={"question": shown.key, "values": ["b"]},
        )
    assert survey.questions.count() == 3


def test_moving_keeps_conditions_looking_back(secretariat_officer: Any, survey: Survey) -> None:
    choice = surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="single", content=choice_content("a", "b")
    )
    dependant = surveys.question_add(
        actor=secretariat_officer,
        survey=survey,
        kind="text",
        content=text_content(),
        condition={"question": choice.key, "values": ["a"]},
    )
    other = surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="text", content=text_content()
    )
    with pytest.raises(InvalidState):
        surveys.question_move(actor=secretariat_officer, question=dependant, direction="up")
    surveys.question_move(actor=secretariat_officer, question=other, direction="up")
    assert [q.key for q in surveys.questions_current(survey)] == ["q1", "q3", "q2"]
    surveys.question_move(actor=secretariat_officer, question=other, direction="up")
    assert [q.key for q in surveys.questions_current(survey)] == ["q3", "q1", "q2"]


def test_a_question_others_depend_on_cannot_be_removed_or_lose_the_option(
    secretariat_officer: Any, survey: Survey
) -> None:
    choice = surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="single", content=choice_content("a", "b")
    )
    surveys.question_add(
        actor=secretariat_officer,
        survey=survey,
        kind="text",
        content=text_content(),
        condition={"question": choice.key, "values": ["b"]},
    )
    with pytest.raises(surveys.QuestionInUse):
        surveys.question_remove(actor=secretariat_officer, question=choice)
    with pytest.raises(surveys.QuestionInvalid) as caught:
        surveys.question_update(
            actor=secretariat_officer, question=choice, content=choice_content("a", "c")
        )
    assert "options" in caught.value.fields
    choice.refresh_from_db()
    assert [o["value"] for o in choice.content["options"]] == ["a", "b"]
    assert choice.is_current is True


# -- versioning --------------------------------------------------------------------------------


def test_a_draft_question_is_edited_in_place(secretariat_officer: Any, survey: Survey) -> None:
    question = surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="text", content=text_content()
    )
    updated = surveys.question_update(
        actor=secretariat_officer, question=question, content=text_content("Something else?")
    )
    assert updated.pk == question.pk
    assert updated.revision == 1
    assert updated.content["text"]["en"] == "Something else?"
    assert survey.questions.count() == 1


def test_editing_a_published_question_retires_it_and_keeps_its_answers(
    secretariat_officer: Any, survey: Survey
) -> None:
    question = surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="single", content=choice_content("a", "b")
    )
    published(survey, secretariat_officer)
    answer = AnswerFactory(response=ResponseFactory(survey=survey), question=question, value="a")

    revision = surveys.question_update(
        actor=secretariat_officer,
        question=question,
        content=choice_content("a", "b", "c"),
        is_required=True,
    )

    question.refresh_from_db()
    answer.refresh_from_db()
    assert question.is_current is False
    assert question.retired_at is not None
    assert [o["value"] for o in question.content["options"]] == ["a", "b"]
    assert (revision.key, revision.revision, revision.is_current) == (question.key, 2, True)
    assert revision.position == question.position
    assert revision.is_required is True
    assert [o["value"] for o in revision.content["options"]] == ["a", "b", "c"]
    assert answer.question_id == question.pk
    assert answer.value == "a"
    assert [q.pk for q in surveys.questions_current(survey)] == [revision.pk]
    assert AuditEntry.objects.filter(code="intelligence.question.revised").count() == 1


def test_a_second_edit_makes_a_third_revision(secretariat_officer: Any, survey: Survey) -> None:
    question = surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="text", content=text_content("One?")
    )
    published(survey, secretariat_officer)
    second = surveys.question_update(
        actor=secretariat_officer, question=question, content=text_content("Two?")
    )
    third = surveys.question_update(
        actor=secretariat_officer, question=second, content=text_content("Three?")
    )
    rows = list(survey.questions.filter(key=question.key).order_by("revision"))
    assert [(q.revision, q.is_current) for q in rows] == [(1, False), (2, False), (3, True)]
    assert [q.content["text"]["en"] for q in rows] == ["One?", "Two?", "Three?"]
    assert third.revision == 3
    with pytest.raises(InvalidState):
        surveys.question_update(actor=secretariat_officer, question=question, is_required=True)


def test_an_edit_that_changes_nothing_makes_no_revision(
    secretariat_officer: Any, survey: Survey
) -> None:
    question = surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="text", content=text_content()
    )
    published(survey, secretariat_officer)
    same = surveys.question_update(
        actor=secretariat_officer, question=question, content=text_content()
    )
    assert same.pk == question.pk
    assert survey.questions.count() == 1


def test_editing_a_published_matrix_keeps_the_old_skills_on_the_old_revision(
    secretariat_officer: Any,
    survey: Survey,
    esco_v1: Any,  # noqa: F811
) -> None:
    matrix = surveys.question_add(
        actor=secretariat_officer,
        survey=survey,
        kind="skills_matrix",
        content=text_content("Rate"),
        skill_uris=[S_RISK, S_DATA],
    )
    published(survey, secretariat_officer)
    answer = AnswerFactory(
        response=ResponseFactory(survey=survey),
        question=matrix,
        value={S_RISK: {"proficiency": 2, "importance": 5}},
    )
    revision = surveys.question_update(
        actor=secretariat_officer, question=matrix, skill_uris=[S_RISK, S_PYTHON]
    )
    matrix.refresh_from_db()
    assert matrix.skill_uris == [S_RISK, S_DATA]
    assert revision.skill_uris == [S_RISK, S_PYTHON]
    assert Answer.objects.get(pk=answer.pk).question_id == matrix.pk


def test_removing_a_published_question_retires_it(secretariat_officer: Any, survey: Survey) -> None:
    question = surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="text", content=text_content()
    )
    published(survey, secretariat_officer)
    AnswerFactory(response=ResponseFactory(survey=survey), question=question, value="Yes")
    surveys.question_remove(actor=secretariat_officer, question=question)
    question.refresh_from_db()
    assert question.is_current is False
    assert Answer.objects.filter(question=question).count() == 1
    assert surveys.questions_current(survey) == []


def test_removing_a_draft_question_deletes_it(secretariat_officer: Any, survey: Survey) -> None:
    question = surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="text", content=text_content()
    )
    surveys.question_remove(actor=secretariat_officer, question=question)
    assert survey.questions.count() == 0


def test_a_closed_survey_refuses_question_changes(secretariat_officer: Any, survey: Survey) -> None:
    question = surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="text", content=text_content()
    )
    published(survey, secretariat_officer)
    surveys.survey_close(actor=secretariat_officer, survey=survey)
    with pytest.raises(InvalidState):
        surveys.question_update(
            actor=secretariat_officer, question=question, content=text_content("New?")
        )
    with pytest.raises(InvalidState):
        surveys.question_add(
            actor=secretariat_officer, survey=survey, kind="text", content=text_content()
        )
    assert survey.questions.count() == 1


# -- publishing --------------------------------------------------------------------------------


def test_publish_lists_every_problem(secretariat_officer: Any, survey: Survey) -> None:
    with pytest.raises(surveys.SurveyNotReady) as caught:
        surveys.survey_publish(actor=secretariat_officer, survey=survey)
    assert caught.value.fields["__all__"] == ["Add at least one question."]

    surveys.question_add(
        actor=secretariat_officer,
        survey=survey,
        kind="single",
        content={
            "text": {"en": "Where?", "fr": ""},
            "options": [
                {"value": "a", "label": {"en": "A", "fr": "A"}},
                {"value": "b", "label": {"en": "B", "fr": ""}},
            ],
        },
    )
    surveys.survey_update(
        actor=secretariat_officer,
        survey=survey,
        translations={"en": {"title": "Flash"}, "fr": {"title": ""}},
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(surveys.SurveyNotReady) as caught:
        surveys.survey_publish(actor=secretariat_officer, survey=survey)
    assert caught.value.fields["__all__"] == [
        "The title is missing in French.",
        "Question q1 is not fully written in French.",
        "The closing date has passed; choose one in the future.",
    ]
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT


def test_publish_close_reopen(secretariat_officer: Any, survey: Survey) -> None:
    surveys.question_add(
        actor=secretariat_officer, survey=survey, kind="text", content=text_content()
    )
    surveys.survey_update(
        actor=secretariat_officer,
        survey=survey,
        closes_at=timezone.now() + datetime.timedelta(days=10),
    )
    survey = surveys.survey_publish(actor=secretariat_officer, survey=survey)
    assert survey.status == Survey.Status.PUBLISHED
    assert survey.published_at is not None
    with pytest.raises(InvalidState):
        surveys.survey_publish(actor=secretariat_officer, survey=survey)
    survey = surveys.survey_close(actor=secretariat_officer, survey=survey)
    assert survey.status == Survey.Status.CLOSED
    survey = surveys.survey_reopen(actor=secretariat_officer, survey=survey)
    assert survey.status == Survey.Status.PUBLISHED


def test_reopen_needs_a_future_closing_date(secretariat_officer: Any, survey: Survey) -> None:
    published(survey, secretariat_officer)
    surveys.survey_close(actor=secretariat_officer, survey=survey)
    Survey.objects.filter(pk=survey.pk).update(
        closes_at=timezone.now() - datetime.timedelta(days=1)
    )
    with pytest.raises(InvalidInput):
        surveys.survey_reopen(actor=secretariat_officer, survey=survey)
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED
    later = timezone.now() + datetime.timedelta(days=7)
    survey = surveys.survey_reopen(actor=secretariat_officer, survey=survey, closes_at=later)
    assert survey.status == Survey.Status.PUBLISHED
    assert survey.closes_at == later


# -- invitations -------------------------------------------------------------------------------


def test_emails_parse_validates_dedupes_and_reports_lines() -> None:
    found, problems = surveys.emails_parse(
        "ana@example.eu, BEN@example.eu\n\nnot-an-address\nben@example.eu; <cy@example.eu>\n@x"
    )
    assert found == ["ana@example.eu", "ben@example.eu", "cy@example.eu"]
    assert [(p.line, p.value) for p in problems] == [(3, "not-an-address"), (5, "@x")]


@pytest.fixture
def invitation_survey(secretariat_officer: Any) -> Survey:
    survey = surveys.survey_create(
        actor=secretariat_officer,
        languages=["en"],
        translations={"en": {"title": "Ward survey"}},
        access=Survey.Access.INVITATION,
    )
    return published(survey, secretariat_officer)


def test_invitations_send_one_email_per_person_with_their_own_link(
    secretariat_officer: Any, invitation_survey: Survey, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = surveys.invitations_send(
            actor=secretariat_officer,
            survey=invitation_survey,
            emails=["ana@example.eu", "ben@example.eu", "ANA@example.eu"],
        )
    assert sent == 2
    invitations = {i.email: i for i in invitation_survey.invitations.all()}
    assert sorted(invitations) == ["ana@example.eu", "ben@example.eu"]
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert len(message.to) == 1
        assert not message.cc and not message.bcc
        token = invitations[message.to[0]].token
        assert f"/s/i/{token}/" in message.body
        assert "Ward survey" in message.subject
    # Addresses already invited are skipped.
    with django_capture_on_commit_callbacks(execute=True):
        again = surveys.invitations_send(
            actor=secretariat_officer, survey=invitation_survey, emails=["ben@example.eu"]
        )
    assert again == 0
    assert len(mail.outbox) == 2


def test_invitations_send_refuses_a_bad_address_and_sends_nothing(
    secretariat_officer: Any, invitation_survey: Survey, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(surveys.InvitationsInvalid),
    ):
        surveys.invitations_send(
            actor=secretariat_officer,
            survey=invitation_survey,
            emails=["ana@example.eu", "nope"],
        )
    assert SurveyInvitation.objects.count() == 0
    assert mail.outbox == []


def test_invitations_need_a_published_invitation_survey(
    secretariat_officer: Any, survey: Survey
) -> None:
    with pytest.raises(InvalidState):
        surveys.invitations_send(actor=secretariat_officer, survey=survey, emails=["a@b.eu"])
    Survey.objects.filter(pk=survey.pk).update(access=Survey.Access.INVITATION)
    survey.refresh_from_db()
    with pytest.raises(InvalidState):
        surveys.invitations_send(actor=secretariat_officer, survey=survey, emails=["a@b.eu"])
    assert SurveyInvitation.objects.count() == 0


def test_resend_goes_only_to_those_who_have_not_answered(
    secretariat_officer: Any, invitation_survey: Survey, django_capture_on_commit_callbacks: Any
) -> None:
    SurveyInvitationFactory(survey=invitation_survey, email="done@example.eu", has_responded=True)
    waiting = SurveyInvitationFactory(survey=invitation_survey, email="wait@example.eu")
    with django_capture_on_commit_callbacks(execute=True):
        count = surveys.invitations_resend(actor=secretariat_officer, survey=invitation_survey)
    assert count == 1
    assert [m.to for m in mail.outbox] == [["wait@example.eu"]]
    assert f"/s/i/{waiting.token}/" in mail.outbox[0].body


# -- selectors ---------------------------------------------------------------------------------


def test_only_the_secretariat_sees_and_edits_surveys(
    secretariat_officer: Any, organisation_contact: Any, outsider: Any
) -> None:
    survey = SurveyFactory()
    ResponseFactory(survey=survey)
    ResponseFactory(survey=survey, status="draft", submitted_at=None)
    listed = surveys.surveys_visible_to(secretariat_officer).get()
    assert (listed.responses_started, listed.responses_submitted) == (2, 1)
    for person in (organisation_contact, outsider):
        assert surveys.surveys_visible_to(person).count() == 0
        with pytest.raises(Http404):
            surveys.survey_get_for_edit(person, survey.slug)
        with pytest.raises(Http404):
            surveys.survey_get_for_results(person, survey.slug)
    assert surveys.survey_get_for_edit(secretariat_officer, survey.slug) == survey


def test_question_kinds_cover_every_type() -> None:
    assert set(Question.Kind.values) == {
        "single",
        "multiple",
        "scale",
        "number",
        "text",
        "skills_matrix",
    }
