"""The answering pages: wiring, drafts by link and cookie, refusals, errors kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from skillspact.intelligence.factories import SurveyInvitationFactory
from skillspact.intelligence.models import Answer, Response, Survey
from skillspact.intelligence.tests.test_respond_services import S1, S2, make_survey
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401

POST = {
    "country": "ES",
    "region": "ES21",
    "stakeholder_type": "healthcare_provider",
    "q_uses": "no",
    "q_matrix__0__proficiency": "2",
    "q_matrix__0__importance": "5",
    "q_matrix__1__proficiency": "4",
    "q_matrix__1__importance": "3",
}


@pytest.mark.django_db
def test_the_open_link_shows_the_questions_in_the_browser_language(client):
    survey = make_survey()

    page = client.get(f"/s/{survey.open_token}/", HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9")

    assert page.status_code == 200
    assert "Évaluez" in page.content.decode()
    assert 'name="q_matrix__1__importance"' in page.content.decode()


@pytest.mark.django_db
def test_save_gives_a_resume_link_and_a_cookie_that_resumes_the_open_link(client):
    survey = make_survey()

    saved = client.post(f"/s/{survey.open_token}/", {**POST, "action": "save"})

    response = Response.objects.get()
    assert saved.status_code == 302
    assert saved["Location"].startswith(
        reverse("intelligence:respond_resume", args=[response.resume_token])
    )
    again = client.get(f"/s/{survey.open_token}/")
    assert 'value="2" checked' in again.content.decode()
    client.post(f"/s/{survey.open_token}/", {**POST, "action": "save"})
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_errors_come_back_beside_the_field_with_everything_typed_kept(client):
    survey = make_survey()

    page = client.post(
        f"/s/{survey.open_token}/",
        {**POST, "q_uses": "yes", "region": "FR10", "action": "submit"},
    )

    missing = client.post(f"/s/{survey.open_token}/", {**POST, "q_uses": "yes", "action": "submit"})

    text = page.content.decode()
    assert page.status_code == 200
    assert "Choose a region of the country you chose." in text
    assert 'value="FR10"' in text
    assert "This question needs an answer." in missing.content.decode()
    assert 'value="yes" id="q_uses-1" checked' in missing.content.decode()
    assert Response.objects.get().status == Response.Status.DRAFT


@pytest.mark.django_db
def test_submitting_by_invitation_link_marks_it_answered_and_the_link_says_so(client):
    survey = make_survey(access=Survey.Access.INVITATION)
    invitation = SurveyInvitationFactory(survey=survey)

    done = client.post(f"/s/i/{invitation.token}/", {**POST, "action": "submit"})
    thanks = client.get(done["Location"])
    later = client.get(f"/s/i/{invitation.token}/")

    invitation.refresh_from_db()
    assert invitation.has_responded is True
    assert "your answers are recorded" in thanks.content.decode()
    assert "already been answered" in later.content.decode()
    assert sorted(Answer.objects.values_list("question__key", flat=True)) == ["matrix", "uses"]


@pytest.mark.django_db
def test_an_invitation_survey_refuses_its_open_link(client):
    survey = make_survey(access=Survey.Access.INVITATION)

    page = client.post(f"/s/{survey.open_token}/", {**POST, "action": "save"})

    assert page.status_code == 403
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_a_closed_survey_says_so_politely(client):
    survey = make_survey()
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)

    page = client.get(f"/s/{survey.open_token}/")

    assert page.status_code == 200
    assert "This survey is closed." in page.content.decode()


@pytest.mark.django_db
def test_a_draft_survey_and_an_unknown_token_are_not_found(client):
    survey = make_survey()
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.DRAFT)

    assert client.get(f"/s/{survey.open_token}/").status_code == 404
    assert client.get("/s/r/nothing/").status_code == 404


@pytest.mark.django_db
def test_occupation_search_works_while_the_engine_warms_up(
    client,
    esco_v1,  # noqa: F811
    settings,
    tmp_path,
    monkeypatch,
):
    from skillspact.taxonomy import matching
    from skillspact.taxonomy.tests.esco_files import O_NURSE

    asked = []
    monkeypatch.setattr(matching, "engine_warm_up_request", asked.append)

    settings.ENGINE_CACHE_DIR = tmp_path / "cold"
    matching.forget_engines()

    page = client.get(reverse("intelligence:respond_occupations"), {"job_title": "nurse"})

    assert "warming up" in page.content.decode()
    assert f'value="{O_NURSE}"'.encode() in page.content
    assert asked == [esco_v1]


_ = (S1, S2)
