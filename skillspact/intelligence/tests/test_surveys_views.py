"""The builder and results pages: wiring, permissions, forms that keep what was typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from skillspact.intelligence import surveys
from skillspact.intelligence.factories import (
    AnswerFactory,
    QuestionFactory,
    ResponseFactory,
    SkillRatingFactory,
    SurveyFactory,
)
from skillspact.intelligence.models import Question, Survey, SurveyInvitation
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import O_NURSE, S_DATA, S_RISK

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def officer(client: Client, secretariat_officer: Any) -> Client:
    return signed_in(client, secretariat_officer)


@pytest.fixture
def survey() -> Survey:
    survey = SurveyFactory(slug="flash")
    QuestionFactory(survey=survey, key="where", position=1)
    return survey


def page_urls(survey: Survey) -> list[tuple[str, str]]:
    slug = survey.slug
    return [
        ("get", reverse("intelligence:survey_list")),
        ("get", reverse("intelligence:survey_create")),
        ("get", reverse("intelligence:survey_detail", args=[slug])),
        ("get", reverse("intelligence:survey_edit", args=[slug])),
        ("get", reverse("intelligence:survey_preview", args=[slug])),
        ("get", reverse("intelligence:survey_question_add", args=[slug]) + "?kind=text"),
        ("get", reverse("intelligence:survey_question_edit", args=[slug, "where"])),
        ("get", reverse("intelligence:survey_invitations", args=[slug])),
        ("get", reverse("intelligence:survey_skill_options") + "?q=risk"),
        ("get", reverse("intelligence:survey_results", args=[slug])),
        ("get", reverse("intelligence:survey_results_csv", args=[slug])),
        ("get", reverse("intelligence:survey_results_xlsx", args=[slug])),
        ("post", reverse("intelligence:survey_publish", args=[slug])),
        ("post", reverse("intelligence:survey_close", args=[slug])),
        ("post", reverse("intelligence:survey_reopen", args=[slug])),
        ("post", reverse("intelligence:survey_question_remove", args=[slug, "where"])),
        ("post", reverse("intelligence:survey_question_move", args=[slug, "where"])),
        ("post", reverse("intelligence:survey_invitations_resend", args=[slug])),
    ]


@pytest.mark.parametrize("persona", ["organisation_contact", "outsider", "health_worker"])
def test_only_the_secretariat_reaches_the_builder_and_results(
    client: Client, survey: Survey, persona: str, request: pytest.FixtureRequest
) -> None:
    signed_in(client, request.getfixturevalue(persona))
    for method, url in page_urls(survey):
        response = getattr(client, method)(url, {"kind": "text", "direction": "up"})
        assert response.status_code in (403, 404), url
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT
    assert survey.questions.filter(is_current=True).count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, survey: Survey) -> None:
    for method, url in page_urls(survey):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/accounts/" in response["Location"]
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT


def test_list_shows_surveys_with_counts_within_a_query_budget(
    officer: Client, django_assert_max_num_queries: Any
) -> None:
    for index in range(5):
        survey = SurveyFactory(title=f"Survey {index}")
        ResponseFactory.create_batch(2, survey=survey)
    with django_assert_max_num_queries(10):
        response = officer.get(reverse("intelligence:survey_list"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 6


def test_create_a_survey_with_texts_in_two_languages(officer: Client) -> None:
    response = officer.post(
        reverse("intelligence:survey_create"),
        {
            "languages": ["en", "fr"],
            "default_language": "en",
            "title_en": "Flash survey",
            "introduction_en": "Ten minutes.",
            "title_fr": "Enquête flash",
            "introduction_fr": "Dix minutes.",
            "series": "flash-digital-green",
            "wave": "2026",
            "access": "invitation",
            "is_anonymous": "on",
            "asks_profile": "on",
        },
    )
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intelligence:survey_detail", args=[survey.slug])
    assert survey.translations == {
        "en": {"title": "Flash survey", "introduction": "Ten minutes."},
        "fr": {"title": "Enquête flash", "introduction": "Dix minutes."},
    }
    assert (survey.access, survey.is_anonymous, survey.series) == (
        "invitation",
        True,
        "flash-digital-green",
    )


def test_create_without_a_title_keeps_what_was_typed(officer: Client) -> None:
    response = officer.post(
        reverse("intelligence:survey_create"),
        {
            "languages": ["en", "fr"],
            "default_language": "en",
            "title_fr": "Enquête",
            "access": "open",
        },
    )
    assert response.status_code == 200
    assert Survey.objects.count() == 0
    assert "Give the survey a title." in response.content.decode()
    assert 'value="Enquête"' in response.content.decode()


def test_add_a_choice_question_with_options_per_language_and_a_condition(
    officer: Client, survey: Survey
) -> None:
    url = reverse("intelligence:survey_question_add", args=[survey.slug]) + "?kind=multiple"
    response = officer.post(
        url,
        {
            "text_en": "Which tools?",
            "text_fr": "Quels outils ?",
            "options_en": "Health records\nVideo calls\n",
            "options_fr": "Dossiers\nVidéo",
            "is_required": "on",
            "condition": ["where::yes"],
        },
    )
    assert response.status_code == 302
    question = survey.questions.get(key="q2")
    assert question.kind == "multiple"
    assert question.is_required is True
    assert question.content["options"] == [
        {"value": "health-records", "label": {"en": "Health records", "fr": "Dossiers"}},
        {"value": "video-calls", "label": {"en": "Video calls", "fr": "Vidéo"}},
    ]
    assert question.condition == {"question": "where", "values": ["yes"]}


def test_a_matrix_question_takes_the_ticked_skills(
    officer: Client,
    survey: Survey,
    esco_v1: Any,  # noqa: F811
) -> None:
    url = reverse("intelligence:survey_question_add", args=[survey.slug]) + "?kind=skills_matrix"
    response = officer.post(
        url, {"text_en": "Rate", "text_fr": "Évaluez", "skill_uris": [S_RISK, S_DATA]}
    )
    assert response.status_code == 302
    assert survey.questions.get(kind="skills_matrix").skill_uris == [S_RISK, S_DATA]
    page = officer.get(reverse("intelligence:survey_detail", args=[survey.slug])).content.decode()
    assert "manage clinical risk" in page and "data protection" in page


def test_an_invalid_question_keeps_the_form(officer: Client, survey: Survey) -> None:
    url = reverse("intelligence:survey_question_add", args=[survey.slug]) + "?kind=single"
    response = officer.post(url, {"text_en": "Where?", "options_en": "Only one"})
    assert response.status_code == 200
    assert "Give at least two options." in response.content.decode()
    assert "Only one" in response.content.decode()
    assert survey.questions.count() == 1


def test_editing_a_published_question_through_the_page_makes_a_revision(
    officer: Client, survey: Survey
) -> None:
    old = survey.questions.get()
    AnswerFactory(response=ResponseFactory(survey=survey), question=old, value="yes")
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.PUBLISHED)
    response = officer.post(
        reverse("intelligence:survey_question_edit", args=[survey.slug, "where"]),
        {
            "text_en": "Do you use telehealth at work?",
            "text_fr": "Utilisez-vous la télésanté ?",
            "options_en": "Yes\nNo",
            "options_fr": "Oui\nNon",
        },
    )
    assert response.status_code == 302
    rows = list(survey.questions.order_by("revision"))
    assert [(q.revision, q.is_current) for q in rows] == [(1, False), (2, True)]
    assert [o["value"] for o in rows[1].content["options"]] == ["yes", "no"]
    assert old.answers.count() == 1


def test_skill_options_search_by_words_collection_and_occupation(
    officer: Client,
    esco_v1: Any,  # noqa: F811
) -> None:
    url = reverse("intelligence:survey_skill_options")
    by_words = officer.get(url, {"q": "clinical risk"}).content.decode()
    assert S_RISK in by_words
    by_occupation = officer.get(url, {"occupation": "nurse"}).content.decode()
    assert "nurse responsible for general care" in by_occupation
    profile = officer.get(url, {"occupation": O_NURSE}).content.decode()
    assert 'name="skill_uris"' in profile
    by_collection = officer.get(url, {"collection": "digital"})
    assert by_collection.status_code == 200


def test_publish_shows_the_problems_and_changes_nothing(officer: Client) -> None:
    survey = SurveyFactory(slug="empty")
    response = officer.post(reverse("intelligence:survey_publish", args=[survey.slug]), follow=True)
    assert "Add at least one question." in response.content.decode()
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT


def test_publish_then_the_open_link_is_shown(officer: Client, survey: Survey) -> None:
    officer.post(reverse("intelligence:survey_publish", args=[survey.slug]))
    survey.refresh_from_db()
    assert survey.status == Survey.Status.PUBLISHED
    page = officer.get(reverse("intelligence:survey_detail", args=[survey.slug])).content.decode()
    assert f"/s/{survey.open_token}/" in page


def test_preview_renders_the_survey_in_the_chosen_language(officer: Client, survey: Survey) -> None:
    page = officer.get(
        reverse("intelligence:survey_preview", args=[survey.slug]), {"lang": "fr"}
    ).content.decode()
    assert "Utilisez-vous la télésanté ?" in page
    assert "Oui" in page


def test_invitations_report_bad_lines_and_send_nothing(
    officer: Client, django_capture_on_commit_callbacks: Any
) -> None:
    survey = SurveyFactory(access=Survey.Access.INVITATION, status=Survey.Status.PUBLISHED)
    url = reverse("intelligence:survey_invitations", args=[survey.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(url, {"emails": "ana@example.eu\nnot-valid\nben@example.eu"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Line 2" in page and "not-valid" in page
    assert SurveyInvitation.objects.count() == 0
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(url, {"emails": "ana@example.eu, ben@example.eu\nana@example.eu"})
    assert response.status_code == 302
    assert SurveyInvitation.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.eu", "ben@example.eu"]
    listing = officer.get(url).content.decode()
    assert "ana@example.eu" in listing


def test_results_page_within_a_query_budget(
    officer: Client,
    survey: Survey,
    esco_v1: Any,  # noqa: F811
    django_assert_max_num_queries: Any,
) -> None:
    matrix = QuestionFactory(
        survey=survey,
        key="skills",
        kind=Question.Kind.SKILLS_MATRIX,
        content={"text": {"en": "Rate"}},
        skill_uris=[S_RISK],
        position=2,
    )
    for _index in range(12):
        response = ResponseFactory(survey=survey)
        AnswerFactory(response=response, question=survey.questions.get(key="where"))
        SkillRatingFactory(response=response, question=matrix, skill_uri=S_RISK, proficiency=2)
    with django_assert_max_num_queries(20):
        page = officer.get(reverse("intelligence:survey_results", args=[survey.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="count-submitted">12<' in text
    assert "chart-skills" in text


def test_exports_are_downloads_without_identity(
    officer: Client, survey: Survey, health_worker: Any
) -> None:
    ResponseFactory(survey=survey, respondent=health_worker)
    csv_response = officer.get(reverse("intelligence:survey_results_csv", args=[survey.slug]))
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in csv_response["Content-Disposition"]
    assert health_worker.email not in csv_response.content.decode()
    xlsx = officer.get(reverse("intelligence:survey_results_xlsx", args=[survey.slug]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_removing_and_moving_through_the_page(officer: Client, survey: Survey) -> None:
    surveys.question_add(
        actor=None,  # type: ignore[arg-type]
        survey=survey,
        kind="text",
        content={"text": {"en": "More?", "fr": "Plus ?"}},
    )
    officer.post(
        reverse("intelligence:survey_question_move", args=[survey.slug, "q2"]),
        {"direction": "up"},
    )
    assert [q.key for q in surveys.questions_current(survey)] == ["q2", "where"]
    officer.post(reverse("intelligence:survey_question_remove", args=[survey.slug, "q2"]))
    assert [q.key for q in surveys.questions_current(survey)] == ["where"]
