"""Answering surveys: conditions, versions, anonymity, submitting, text matching."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from skillspact.core.errors import InvalidInput
from skillspact.core.models import AuditEntry
from skillspact.intelligence import respond
from skillspact.intelligence.factories import (
    QuestionFactory,
    SurveyFactory,
    SurveyInvitationFactory,
)
from skillspact.intelligence.models import (
    Answer,
    Question,
    Response,
    SkillRating,
    Survey,
    TextSkillMatch,
)
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401

S1 = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
S2 = "http://data.europa.eu/esco/skill/fb82ae25-b59f-43fd-aacf-a8308afbe85e"


def make_survey(**fields):
    """A published survey: a yes/no question, a matrix, a follow-up text shown on "yes"."""
    survey = SurveyFactory(status=Survey.Status.PUBLISHED, **fields)
    QuestionFactory(survey=survey, key="uses", position=1, is_required=True)
    QuestionFactory(
        survey=survey,
        key="matrix",
        position=2,
        kind=Question.Kind.SKILLS_MATRIX,
        skill_uris=[S1, S2],
        is_required=True,
        content={"text": {"en": "Rate these skills", "fr": "Évaluez"}},
    )
    QuestionFactory(
        survey=survey,
        key="how",
        position=3,
        kind=Question.Kind.TEXT,
        is_required=True,
        condition={"question": "uses", "values": ["yes"]},
        content={"text": {"en": "How do you use it?"}},
    )
    return survey


MATRIX = {
    S1: {"proficiency": "2", "importance": "5"},
    S2: {"proficiency": "4", "importance": "3"},
}
PROFILE = {"country": "ES", "region": "ES21", "stakeholder_type": "healthcare_provider"}


@pytest.mark.django_db
def test_a_question_is_shown_only_while_its_condition_holds():
    survey = make_survey()

    shown_yes = respond.visible_questions(survey, {"uses": "yes"})
    shown_no = respond.visible_questions(survey, {"uses": "no"})

    assert [q.key for q in shown_yes] == ["uses", "matrix", "how"]
    assert [q.key for q in shown_no] == ["uses", "matrix"]


@pytest.mark.django_db
def test_answers_to_hidden_questions_are_dropped_on_save():
    survey = make_survey()
    response = respond.response_start(survey=survey, language="en")

    respond.answers_save(
        response=response,
        answers={"uses": "no", "matrix": MATRIX, "how": "Video calls with patients"},
        profile=PROFILE,
    )

    assert sorted(
        Answer.objects.filter(response=response).values_list("question__key", flat=True)
    ) == [
        "matrix",
        "uses",
    ]


@pytest.mark.django_db
def test_a_wrong_answer_raises_by_field_and_saves_nothing():
    survey = make_survey()
    response = respond.response_start(survey=survey, language="en")

    with pytest.raises(InvalidInput) as caught:
        respond.answers_save(
            response=response,
            answers={"uses": "maybe", "matrix": {S1: {"proficiency": "9"}}},
            profile={"country": "US", "region": "FR10"},
        )

    assert set(caught.value.fields) == {"q_uses", "q_matrix", "country", "region"}
    assert Answer.objects.count() == 0


@pytest.mark.django_db
def test_region_must_belong_to_the_country():
    survey = make_survey()

    _cleaned, errors = respond.profile_clean(survey, {"country": "ES", "region": "FR10"})
    cleaned, none = respond.profile_clean(survey, {"country": "GR", "region": "EL30"})

    assert list(errors) == ["region"]
    assert none == {}
    assert cleaned["region"] == "EL30"


@pytest.mark.django_db
def test_submit_needs_every_shown_required_question():
    survey = make_survey()
    response = respond.response_start(survey=survey, language="en")
    respond.answers_save(response=response, answers={"uses": "yes"}, profile=PROFILE)

    with pytest.raises(InvalidInput) as caught:
        respond.response_submit(response=response)

    assert set(caught.value.fields) == {"q_matrix", "q_how"}
    response.refresh_from_db()
    assert response.status == Response.Status.DRAFT
    assert SkillRating.objects.count() == 0


@pytest.mark.django_db
def test_submit_writes_ratings_with_the_profile_copied_on(committed):
    survey = make_survey()
    response = respond.response_start(survey=survey, language="en")
    respond.answers_save(
        response=response, answers={"uses": "no", "matrix": MATRIX}, profile=PROFILE
    )

    with committed():
        respond.response_submit(response=response)

    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED
    rows = sorted(
        SkillRating.objects.values_list(
            "skill_uri", "proficiency", "importance", "country", "region", "stakeholder_type"
        )
    )
    assert rows == sorted(
        [
            (S1, 2, 5, "ES", "ES21", "healthcare_provider"),
            (S2, 4, 3, "ES", "ES21", "healthcare_provider"),
        ]
    )
    assert set(SkillRating.objects.values_list("submitted_on", flat=True)) == {
        timezone.localdate(response.submitted_at)
    }


@pytest.mark.django_db
def test_an_anonymous_survey_stores_no_identity(committed, health_worker):
    survey = make_survey(is_anonymous=True, access=Survey.Access.INVITATION)
    invitation = SurveyInvitationFactory(survey=survey, email="nurse@example.net")
    response = respond.response_start(
        survey=survey,
        invitation=invitation,
        actor=health_worker,
        language="en",
        ip_address="203.0.113.9",
    )
    respond.answers_save(
        response=response,
        answers={"uses": "yes", "matrix": MATRIX, "how": "Telehealth"},
        profile=PROFILE,
    )
    before = AuditEntry.objects.count()

    with committed():
        respond.response_submit(response=response, actor=health_worker, invitation=invitation)

    identity = ("nurse@example.net", "203.0.113.9", str(health_worker.pk), health_worker.email)
    written = [
        *Response.objects.filter(pk=response.pk).values(),
        *Answer.objects.values(),
        *SkillRating.objects.values(),
        *AuditEntry.objects.all()[: AuditEntry.objects.count() - before].values(),
    ]
    for row in written:
        for field, value in row.items():
            assert not any(str(value) == item or item in str(value) for item in identity[:2]), field
    saved = Response.objects.get(pk=response.pk)
    assert saved.respondent_id is None
    assert saved.invitation_id is None
    entry = AuditEntry.objects.get(code="intelligence.response.submitted")
    assert (entry.actor_id, entry.actor_label) == (None, "")
    invitation.refresh_from_db()
    assert invitation.has_responded is True


@pytest.mark.django_db
def test_a_named_survey_links_the_signed_in_respondent_and_the_invitation(health_worker):
    survey = make_survey(access=Survey.Access.INVITATION)
    invitation = SurveyInvitationFactory(survey=survey)

    response = respond.response_start(
        survey=survey, invitation=invitation, actor=health_worker, language="en"
    )
    again = respond.response_start(survey=survey, invitation=invitation, language="en")

    assert (response.respondent, response.invitation) == (health_worker, invitation)
    assert again.pk == response.pk


@pytest.mark.django_db
def test_a_used_invitation_and_a_closed_survey_refuse_answers():
    survey = make_survey(access=Survey.Access.INVITATION)
    used = SurveyInvitationFactory(survey=survey, has_responded=True)
    past = make_survey(closes_at=timezone.now() - datetime.timedelta(days=1))

    with pytest.raises(respond.AlreadyAnswered):
        respond.response_start(survey=survey, invitation=used)
    with pytest.raises(respond.InvitationRequired):
        respond.response_start(survey=survey)
    with pytest.raises(respond.SurveyClosed):
        respond.response_start(survey=past)
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_starts_are_rate_limited_per_address():
    survey = make_survey()
    for _ in range(respond.STARTS_PER_HOUR):
        respond.response_start(survey=survey, ip_address="198.51.100.1")

    with pytest.raises(respond.TooManyStarts):
        respond.response_start(survey=survey, ip_address="198.51.100.1")
    respond.response_start(survey=survey, ip_address="198.51.100.2")

    assert Response.objects.count() == respond.STARTS_PER_HOUR + 1


@pytest.mark.django_db
def test_a_draft_keeps_the_revision_it_answered_and_shows_the_current_one_otherwise():
    survey = make_survey()
    response = respond.response_start(survey=survey, language="en")
    respond.answers_save(response=response, answers={"uses": "yes"})
    for key in ("uses", "matrix"):
        old = Question.objects.get(survey=survey, key=key)
        Question.objects.filter(pk=old.pk).update(is_current=False)
        QuestionFactory(
            survey=survey,
            key=key,
            revision=2,
            position=old.position,
            kind=old.kind,
            skill_uris=old.skill_uris,
            content=old.content,
        )

    shown = {q.key: q.revision for q in respond.questions_for(survey, response)}

    assert shown == {"uses": 1, "matrix": 2, "how": 1}


@pytest.mark.django_db
def test_text_answers_are_matched_to_skills_once_however_often_it_runs(
    esco_v1,  # noqa: F811
    settings,
    tmp_path,
    monkeypatch,
):
    from skillspact.taxonomy import matching

    # The tiny ESCO fixture gives low calibrated scores; the rule under test is "no duplicates".
    monkeypatch.setattr(respond, "TEXT_MATCH_THRESHOLD", 0.0)

    settings.ENGINE_CACHE_DIR = tmp_path / "engine"
    matching.forget_engines()
    matching.engine_for(esco_v1)
    survey = make_survey()
    response = respond.response_start(survey=survey, language="en")
    respond.answers_save(
        response=response,
        answers={
            "uses": "yes",
            "matrix": MATRIX,
            "how": "I write Python programs for data protection.",
        },
        profile=PROFILE,
    )
    respond.response_submit(response=response)

    first = respond.text_answers_match(response_id=response.pk)
    second = respond.text_answers_match(response_id=response.pk)
    matching.forget_engines()

    assert first.is_engine_ready is True
    assert first.matches == second.matches == TextSkillMatch.objects.count()
    assert first.matches >= 1
    assert all(m.score >= respond.TEXT_MATCH_THRESHOLD for m in TextSkillMatch.objects.all())


@pytest.mark.django_db
def test_text_matching_waits_while_the_engine_warms_up(esco_v1, settings, tmp_path):  # noqa: F811
    from skillspact.taxonomy import matching

    settings.ENGINE_CACHE_DIR = tmp_path / "cold"
    matching.forget_engines()
    survey = make_survey()
    response = respond.response_start(survey=survey, language="en")
    respond.answers_save(
        response=response,
        answers={"uses": "yes", "matrix": MATRIX, "how": "Python"},
        profile=PROFILE,
    )
    respond.response_submit(response=response)

    outcome = respond.text_answers_match(response_id=response.pk)

    assert outcome.is_engine_ready is False
    assert TextSkillMatch.objects.count() == 0
