"""Survey results: counts and rates, per-question figures, the matrix, filters, revisions, waves
and the anonymised exports."""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

import pytest
from django.utils import timezone

from skillspact.intelligence import exports, results
from skillspact.intelligence.factories import (
    AnswerFactory,
    QuestionFactory,
    ResponseFactory,
    SkillRatingFactory,
    SurveyFactory,
    SurveyInvitationFactory,
    TextSkillMatchFactory,
)
from skillspact.intelligence.models import Question, Response, Survey
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import O_NURSE, S_DATA, S_PYTHON, S_RISK

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey() -> Survey:
    return SurveyFactory(status=Survey.Status.PUBLISHED, published_at=timezone.now())


def matrix_question(survey: Survey, **kwargs: Any) -> Question:
    return QuestionFactory(
        survey=survey,
        kind=Question.Kind.SKILLS_MATRIX,
        content={"text": {"en": "Rate these skills", "fr": "Évaluez"}},
        skill_uris=[S_RISK, S_DATA],
        **kwargs,
    )


def rate(
    question: Question, response: Response, uri: str, proficiency: int, importance: int
) -> None:
    SkillRatingFactory(
        response=response,
        question=question,
        survey=question.survey,
        skill_uri=uri,
        proficiency=proficiency,
        importance=importance,
    )


def block(data: results.SurveyResults, key: str) -> results.QuestionResult:
    return next(item for item in data.questions if item.key == key)


def test_counts_and_rate_of_an_open_survey(survey: Survey) -> None:
    ResponseFactory.create_batch(2, survey=survey)
    ResponseFactory(survey=survey, status=Response.Status.DRAFT, submitted_at=None)
    data = results.survey_results(survey)
    assert (data.started, data.submitted, data.invitations) == (3, 2, 0)
    assert data.rate == pytest.approx(2 / 3)


def test_rate_of_an_invitation_survey_is_over_invitations() -> None:
    survey = SurveyFactory(access=Survey.Access.INVITATION, status=Survey.Status.PUBLISHED)
    SurveyInvitationFactory.create_batch(4, survey=survey)
    ResponseFactory(survey=survey)
    data = results.survey_results(survey)
    assert (data.submitted, data.invitations) == (1, 4)
    assert data.rate == 0.25


def test_no_response_gives_no_rate(survey: Survey) -> None:
    assert results.survey_results(survey).rate is None


def test_choice_answers_are_counted_per_option(survey: Survey) -> None:
    single = QuestionFactory(survey=survey, key="where")
    multiple = QuestionFactory(
        survey=survey,
        key="tools",
        kind=Question.Kind.MULTIPLE,
        content={
            "text": {"en": "Tools?"},
            "options": [
                {"value": "ehr", "label": {"en": "Health records"}},
                {"value": "video", "label": {"en": "Video"}},
            ],
        },
    )
    for value, tools in (("yes", ["ehr", "video"]), ("yes", ["ehr"]), ("no", [])):
        response = ResponseFactory(survey=survey)
        AnswerFactory(response=response, question=single, value=value)
        AnswerFactory(response=response, question=multiple, value=tools)
    draft = ResponseFactory(survey=survey, status=Response.Status.DRAFT)
    AnswerFactory(response=draft, question=single, value="no")

    data = results.survey_results(survey)

    assert block(data, "where").options == [("Yes", 2), ("No", 1)]
    assert block(data, "where").n == 3
    assert block(data, "tools").options == [("Health records", 2), ("Video", 1)]
    assert block(data, "tools").n == 2
    figure = json.loads(block(data, "where").chart)
    assert figure["data"][0]["x"] == [1, 2]


def test_scale_and_number_give_histograms_and_means_with_n(survey: Survey) -> None:
    scale = QuestionFactory(
        survey=survey,
        key="ready",
        kind=Question.Kind.SCALE,
        content={"text": {"en": "Ready?"}, "min": 1, "max": 5},
    )
    number = QuestionFactory(
        survey=survey, key="hours", kind=Question.Kind.NUMBER, content={"text": {"en": "Hours?"}}
    )
    for step, hours in ((2, 10), (4, 20), (4, 36)):
        response = ResponseFactory(survey=survey)
        AnswerFactory(response=response, question=scale, value=step)
        AnswerFactory(response=response, question=number, value=hours)
    data = results.survey_results(survey)
    assert block(data, "ready").options == [("1", 0), ("2", 1), ("3", 0), ("4", 2), ("5", 0)]
    assert (block(data, "ready").mean.value, block(data, "ready").mean.n) == (3.33, 3)
    assert block(data, "ready").mean.is_small is True
    assert block(data, "hours").mean.value == 22.0
    assert json.loads(block(data, "hours").chart)["data"][0]["type"] == "histogram"


def test_matrix_means_per_skill_with_n_and_small_sample_flag(survey: Survey, esco_v1: Any) -> None:  # noqa: F811
    matrix = matrix_question(survey, key="skills")
    for index in range(10):
        response = ResponseFactory(survey=survey)
        rate(matrix, response, S_RISK, 2 + index % 2, 5)
    response = ResponseFactory(survey=survey)
    rate(matrix, response, S_DATA, 4, 3)

    data = results.survey_results(survey)
    rows = {row.uri: row for row in block(data, "skills").matrix}

    assert rows[S_RISK].label == "manage clinical risk"
    assert (rows[S_RISK].proficiency.value, rows[S_RISK].importance.value) == (2.5, 5.0)
    assert rows[S_RISK].n == 10 and rows[S_RISK].is_small is False
    assert rows[S_RISK].gap == 2.5
    assert (rows[S_DATA].n, rows[S_DATA].is_small) == (1, True)
    figure = json.loads(block(data, "skills").chart)
    assert [trace["name"] for trace in figure["data"]] == [
        "Skill",
        "Skill, fewer than 10 answers",
    ]
    assert figure["data"][0]["x"] == [2.5] and figure["data"][0]["y"] == [5.0]
    assert len(figure["layout"]["annotations"]) == 4


def test_profile_filters_narrow_every_figure(survey: Survey) -> None:
    single = QuestionFactory(survey=survey, key="where")
    matrix = matrix_question(survey, key="skills")
    people = [
        ("ES", "ES21", "healthcare_provider", O_NURSE, 3, "yes", 1),
        ("ES", "ES30", "industry_medtech", "", 12, "no", 5),
        ("FR", "FR10", "healthcare_provider", O_NURSE, 25, "no", 3),
    ]
    for country, region, stakeholder, occupation, years, value, proficiency in people:
        response = ResponseFactory(
            survey=survey,
            country=country,
            region=region,
            stakeholder_type=stakeholder,
            occupation_uri=occupation,
            years_experience=years,
        )
        AnswerFactory(response=response, question=single, value=value)
        rate(matrix, response, S_RISK, proficiency, 4)

    def figures(**filters: Any) -> tuple[int, list[tuple[str, int]], float | None]:
        data = results.survey_results(survey, results.ResultFilters(**filters))
        risk = block(data, "skills").matrix[0]
        return data.matching, block(data, "where").options, risk.proficiency.value

    assert figures(country="ES") == (2, [("Yes", 1), ("No", 1)], 3.0)
    assert figures(region="FR10") == (1, [("Yes", 0), ("No", 1)], 3.0)
    assert figures(stakeholder_type="healthcare_provider")[0] == 2
    assert figures(occupation_uri=O_NURSE)[2] == 2.0
    assert figures(experience="0-4") == (1, [("Yes", 1), ("No", 0)], 1.0)
    assert figures(experience="10-19")[2] == 5.0
    assert figures(experience="20+")[0] == 1
    options = results.survey_results(survey).options
    assert options["country"] == [("ES", "ES"), ("FR", "FR")]
    assert [code for code, _label in options["experience"]] == ["0-4", "5-9", "10-19", "20+"]


def test_filters_from_query_ignore_unknown_values() -> None:
    filters = results.ResultFilters.from_query(
        {"country": "es", "experience": "99+", "rev_q1": "2", "rev_q2": "x"}
    )
    assert filters.country == "ES"
    assert filters.experience == ""
    assert filters.revisions == {"q1": 2}
    assert filters.querystring() == "country=ES&rev_q1=2"


def test_a_changed_question_can_be_read_per_revision(survey: Survey) -> None:
    old = QuestionFactory(survey=survey, key="where", revision=1, is_current=False)
    new = QuestionFactory(survey=survey, key="where", revision=2, position=old.position)
    AnswerFactory(response=ResponseFactory(survey=survey), question=old, value="yes")
    AnswerFactory(response=ResponseFactory(survey=survey), question=new, value="no")
    AnswerFactory(response=ResponseFactory(survey=survey), question=new, value="no")

    combined = block(results.survey_results(survey), "where")
    first = block(
        results.survey_results(survey, results.ResultFilters(revisions={"where": 1})), "where"
    )

    assert combined.revisions == [1, 2]
    assert combined.revision is None
    assert combined.options == [("Yes", 1), ("No", 2)]
    assert first.revision == 1
    assert first.question.pk == old.pk
    assert first.options == [("Yes", 1), ("No", 0)]


def test_text_answers_show_the_top_skills_found(survey: Survey, esco_v1: Any) -> None:  # noqa: F811
    text = QuestionFactory(
        survey=survey, key="needs", kind=Question.Kind.TEXT, content={"text": {"en": "Needs?"}}
    )
    for uris in ([S_PYTHON, S_DATA], [S_DATA], [S_DATA]):
        answer = AnswerFactory(
            response=ResponseFactory(survey=survey), question=text, value="Python and GDPR"
        )
        for uri in uris:
            TextSkillMatchFactory(answer=answer, skill_uri=uri)
    needs = block(results.survey_results(survey), "needs")
    assert needs.n == 3
    assert needs.text_skills == [("data protection", 3), ("Python (computer programming)", 1)]


def test_waves_of_a_series_compare_the_same_skills(esco_v1: Any) -> None:  # noqa: F811
    first = SurveyFactory(
        series="flash",
        wave="2025",
        status=Survey.Status.CLOSED,
        published_at=timezone.now() - datetime.timedelta(days=365),
    )
    second = SurveyFactory(
        series="flash", wave="2026", status=Survey.Status.PUBLISHED, published_at=timezone.now()
    )
    SurveyFactory(series="flash", wave="draft")
    for survey, importance in ((first, 3), (second, 5)):
        matrix = matrix_question(survey, key="skills")
        rate(matrix, ResponseFactory(survey=survey), S_RISK, 2, importance)
    comparison = results.survey_results(second).waves
    assert comparison is not None
    assert [wave.wave for wave in comparison.waves] == ["2025", "2026"]
    risk = next(row for row in comparison.rows if row.uri == S_RISK)
    assert [cell.importance.value for cell in risk.cells] == [3.0, 5.0]
    assert [cell.importance.n for cell in risk.cells] == [1, 1]
    data = next(row for row in comparison.rows if row.uri == S_DATA)
    assert [cell.importance.n for cell in data.cells] == [0, 0]
    assert results.survey_results(SurveyFactory()).waves is None


def test_results_take_a_fixed_number_of_queries(
    survey: Survey,
    esco_v1: Any,  # noqa: F811
    django_assert_max_num_queries: Any,
) -> None:
    questions = [QuestionFactory(survey=survey, key=f"c{n}") for n in range(6)]
    matrix = matrix_question(survey, key="skills")
    for _index in range(5):
        response = ResponseFactory(survey=survey)
        for question in questions:
            AnswerFactory(response=response, question=question, value="yes")
        rate(matrix, response, S_RISK, 3, 4)
    with django_assert_max_num_queries(12):
        data = results.survey_results(survey)
    assert len(data.questions) == 7


# -- exports -----------------------------------------------------------------------------------


@pytest.fixture
def answered(survey: Survey, health_worker: Any, esco_v1: Any) -> Survey:  # noqa: F811
    """A survey that is not anonymous, answered by an invited, signed-in health worker."""
    invitation = SurveyInvitationFactory(survey=survey, email=health_worker.email)
    single = QuestionFactory(survey=survey, key="where", position=1)
    text = QuestionFactory(
        survey=survey,
        key="needs",
        kind=Question.Kind.TEXT,
        position=2,
        content={"text": {"en": "Needs?"}},
    )
    matrix = matrix_question(survey, key="skills", position=3)
    response = ResponseFactory(
        survey=survey,
        respondent=health_worker,
        invitation=invitation,
        occupation_uri=O_NURSE,
        job_title="Nurse at Hospital Universitario del Norte",
        submitted_at=datetime.datetime(2026, 5, 4, 13, 37, 21, tzinfo=datetime.UTC),
    )
    AnswerFactory(response=response, question=single, value="yes")
    AnswerFactory(response=response, question=text, value="=HYPERLINK(1)")
    AnswerFactory(
        response=response,
        question=matrix,
        value={S_RISK: {"proficiency": 2, "importance": 5}},
    )
    ResponseFactory(survey=survey, status=Response.Status.DRAFT, submitted_at=None)
    return survey


def test_export_has_one_row_per_submitted_response_and_matrix_columns(answered: Survey) -> None:
    rows = list(exports.export_rows(answered))
    header, line = rows[0], rows[1]
    assert len(rows) == 2
    assert header == [
        "response", "submitted_on", "language", "country", "region", "stakeholder_type",
        "occupation_uri", "occupation", "years_experience",
        "where", "where:revision", "needs", "needs:revision", "skills:revision",
        "skills:manage clinical risk:proficiency", "skills:manage clinical risk:importance",
        "skills:data protection:proficiency", "skills:data protection:importance",
    ]  # fmt: skip
    assert line == [
        1, "2026-05-04", "en", "ES", "ES21", "healthcare_provider", O_NURSE,
        "nurse responsible for general care", 7,
        "yes", 1, "'=HYPERLINK(1)", 1, 1, 2, 5, "", "",
    ]  # fmt: skip


def test_export_carries_no_identity_even_when_the_survey_is_not_anonymous(
    answered: Survey, health_worker: Any
) -> None:
    response = answered.responses.get(status=Response.Status.SUBMITTED)
    text = exports.csv_text(answered)
    for secret in (
        health_worker.email,
        health_worker.full_name,
        str(health_worker.public_id),
        response.resume_token,
        str(response.public_id),
        response.invitation.token,
        str(response.invitation.public_id),
        "13:37",
        "Hospital Universitario",
    ):
        assert secret not in text
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    for column in ("email", "name", "respondent", "user", "invitation", "resume_token"):
        assert column not in header


def test_xlsx_export_has_the_same_rows(answered: Survey) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exports.xlsx_bytes(answered))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["response", "submitted_on", "language"]
    assert values[1][:3] == [1, "2026-05-04", "en"]
    assert len(values) == 2


def test_any_rows_export_neutralises_formulas_in_csv_and_xlsx() -> None:
    from openpyxl import load_workbook

    from skillspact.intelligence import exports

    rows = [["Organisation", "Count"], ["=HYPERLINK(1)", -3]]

    text = exports.rows_csv(rows)
    sheet = load_workbook(io.BytesIO(exports.rows_xlsx(rows, title="Needs"))).active

    assert text.splitlines()[1] == "'=HYPERLINK(1),-3"
    assert [cell.value for cell in sheet[2]] == ["'=HYPERLINK(1)", -3]
