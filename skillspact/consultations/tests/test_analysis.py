"""The secretariat's analysis: exact aggregates, themes across comments, the page and exports."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from skillspact.accounts.factories import UserFactory
from skillspact.consultations import analysis, exports, tasks, themes
from skillspact.consultations.factories import (
    AmendmentFactory,
    CommentFactory,
    ConsultationFactory,
    RatingFactory,
    RespondentFactory,
    SectionFactory,
)
from skillspact.consultations.models import Comment, Consultation, Respondent, Section, Theme
from skillspact.core.models import AuditEntry

pytestmark = pytest.mark.django_db

TRAINING = [
    "Nurses need protected training time on the ward to learn the new digital tools.",
    "Without protected training time, ward staff cannot attend the digital courses.",
    "Please guarantee protected training time for healthcare assistants during their shifts.",
]
ENERGY = [
    "Hospitals should measure the energy use of their buildings and publish it every year.",
    "The energy use of hospitals (heating, lighting, ventilation) must fall by 2030.",
    "Train estates staff to cut the energy use of hospitals, starting with operating theatres.",
]


def counts(stances: Any) -> tuple[int, int, int]:
    return (stances.support, stances.neutral, stances.oppose)


@pytest.fixture
def consultation() -> Consultation:
    return ConsultationFactory(slug="health-skills-2030", title="Health skills strategy 2030")


@pytest.fixture
def sections(consultation: Consultation) -> list[Section]:
    return [
        SectionFactory(version=consultation.version, position=1, number="1", key="digital",
                       heading="Digital skills"),
        SectionFactory(version=consultation.version, position=2, number="2", key="green",
                       heading="Green skills"),
    ]  # fmt: skip


@pytest.fixture
def respondents(consultation: Consultation, sections: list[Section]) -> dict[str, Respondent]:
    """Four respondents of two types in three countries, and what they rated.

    digital: A support, B support, C neutral, D oppose;  green: A oppose, C oppose.
    """
    digital, green = sections
    people = {
        "A": RespondentFactory(
            consultation=consultation, stakeholder_type="healthcare_provider", country="BE"
        ),
        "B": RespondentFactory(
            consultation=consultation, stakeholder_type="healthcare_provider", country="FR"
        ),
        "C": RespondentFactory(
            consultation=consultation, stakeholder_type="research", country="BE"
        ),
        "D": RespondentFactory(
            consultation=consultation, stakeholder_type="research", country="DE"
        ),
    }
    for who, section, stance in [
        ("A", digital, "support"),
        ("B", digital, "support"),
        ("C", digital, "neutral"),
        ("D", digital, "oppose"),
        ("A", green, "oppose"),
        ("C", green, "oppose"),
    ]:
        RatingFactory(respondent=people[who], section=section, stance=stance)
    # Someone in another consultation on the same version does not count here.
    elsewhere = RespondentFactory(
        consultation=ConsultationFactory(version=consultation.version), country="BE"
    )
    RatingFactory(respondent=elsewhere, section=digital, stance="oppose")
    return people


# -- aggregates --------------------------------------------------------------------------------


def test_ratings_per_section_are_counted_with_their_shares(consultation, sections, respondents):
    found = analysis.analysis_for(consultation=consultation, filters=analysis.AnalysisFilters())

    assert found.respondents == 4
    assert [(row.section.key, counts(row.ratings)) for row in found.sections] == [
        ("digital", (2, 1, 1)),
        ("green", (0, 0, 2)),
    ]
    assert found.sections[0].shares == {"support": 50, "neutral": 25, "oppose": 25}
    assert found.sections[1].shares == {"support": 0, "neutral": 0, "oppose": 100}
    assert counts(found.totals.ratings) == (2, 1, 3)


def test_ratings_are_broken_down_by_stakeholder_type_and_country(
    consultation, sections, respondents
):
    found = analysis.analysis_for(consultation=consultation, filters=analysis.AnalysisFilters())

    assert [(r.key, r.label, counts(r.ratings)) for r in found.by_type] == [
        ("healthcare_provider", "Healthcare provider", (2, 0, 1)),
        ("research", "Research institution", (0, 1, 2)),
    ]
    assert [(r.key, r.label, counts(r.ratings)) for r in found.by_country] == [
        ("BE", "Belgium", (1, 1, 2)),
        ("FR", "France", (1, 0, 0)),
        ("DE", "Germany", (0, 0, 1)),
    ]
    assert found.stakeholder_types == [
        ("healthcare_provider", "Healthcare provider"),
        ("research", "Research institution"),
    ]
    assert found.countries == [("BE", "Belgium"), ("FR", "France"), ("DE", "Germany")]


def test_the_breakdowns_can_be_for_one_section(consultation, sections, respondents):
    filters = analysis.AnalysisFilters(section="green")

    found = analysis.analysis_for(consultation=consultation, filters=filters)

    assert found.breakdown_section == sections[1]
    assert [(r.key, counts(r.ratings)) for r in found.by_type] == [
        ("healthcare_provider", (0, 0, 1)),
        ("research", (0, 0, 1)),
    ]
    assert [(r.key, counts(r.ratings)) for r in found.by_country] == [("BE", (0, 0, 2))]


@pytest.mark.parametrize(
    ("filters", "respondents_count", "digital", "green"),
    [
        ({"country": "BE"}, 2, (1, 1, 0), (0, 0, 2)),
        ({"stakeholder_type": "research"}, 2, (0, 1, 1), (0, 0, 1)),
        ({"stakeholder_type": "research", "country": "BE"}, 1, (0, 1, 0), (0, 0, 1)),
        ({"country": "IT"}, 0, (0, 0, 0), (0, 0, 0)),
    ],
)
def test_filters_select_the_respondents_that_count(
    consultation, sections, respondents, filters, respondents_count, digital, green
):
    found = analysis.analysis_for(
        consultation=consultation, filters=analysis.AnalysisFilters(**filters)
    )

    assert found.respondents == respondents_count
    assert [counts(row.ratings) for row in found.sections] == [digital, green]


def test_comments_and_amendments_are_counted_per_section(consultation, sections, respondents):
    digital, green = sections
    first = CommentFactory(respondent=respondents["A"], section=digital)
    CommentFactory(respondent=respondents["C"], section=digital)
    CommentFactory(respondent=respondents["B"], section=digital, parent=first)
    CommentFactory(respondent=respondents["D"], section=digital, status=Comment.Status.HIDDEN)
    CommentFactory(respondent=respondents["D"], section=digital, status=Comment.Status.REMOVED)
    CommentFactory(
        respondent=respondents["D"], section=green, status=Comment.Status.DRAFT, published_at=None
    )
    AmendmentFactory(respondent=respondents["A"], section=green)
    AmendmentFactory(respondent=respondents["C"], section=green, status="draft", published_at=None)

    everyone = analysis.analysis_for(consultation=consultation, filters=analysis.AnalysisFilters())
    in_france = analysis.analysis_for(
        consultation=consultation, filters=analysis.AnalysisFilters(country="FR")
    )

    assert [
        (row.comments, row.replies, row.awaiting_moderation, row.amendments)
        for row in everyone.sections
    ] == [(3, 1, 1, 0), (0, 0, 0, 1)]
    assert (everyone.totals.comments, everyone.totals.amendments) == (3, 1)
    assert [(row.comments, row.replies) for row in in_france.sections] == [(1, 1), (0, 0)]


def test_the_analysis_takes_a_fixed_number_of_queries(
    consultation, sections, respondents, django_assert_num_queries
):
    for n in range(5):
        CommentFactory(respondent=respondents["A"], section=sections[n % 2])

    with django_assert_num_queries(6):
        analysis.analysis_for(consultation=consultation, filters=analysis.AnalysisFilters())


def test_published_results_count_every_consultation_in_one_go(consultation, sections, respondents):
    CommentFactory(respondent=respondents["A"], section=sections[0])
    CommentFactory(respondent=respondents["B"], section=sections[0], status="hidden")
    other = ConsultationFactory()
    SectionFactory(version=other.version, key="only")

    found = analysis.results_for([consultation, other])

    assert found[consultation.pk].respondents == 4
    assert [
        (r.section.key, counts(r.ratings), r.comments) for r in found[consultation.pk].sections
    ] == [("digital", (2, 1, 1), 1), ("green", (0, 0, 2), 0)]
    assert found[other.pk].respondents == 0
    assert [(r.section.key, r.comments) for r in found[other.pk].sections] == [("only", 0)]


# -- themes ------------------------------------------------------------------------------------


def test_obviously_similar_comments_form_one_theme_each():
    clusters = themes.cluster_texts([TRAINING[0], ENERGY[0], TRAINING[1], ENERGY[1], *TRAINING[2:],
                                     *ENERGY[2:]])  # fmt: skip

    assert sorted(sorted(c.members) for c in clusters) == [[0, 2, 4], [1, 3, 5]]
    labels = {tuple(sorted(c.members)): c.label for c in clusters}
    assert labels[(0, 2, 4)].startswith("protected training time")
    assert "energy use" in labels[(1, 3, 5)]


@pytest.mark.parametrize(("comments", "expected"), [(0, 0), (1, 0), (2, 1), (6, 2), (200, 10),
                                                    (300, 12), (20_000, 12)])  # fmt: skip
def test_the_number_of_themes_grows_with_the_comments_up_to_twelve(comments, expected):
    assert themes.theme_count(comments) == expected


def test_a_text_of_stop_words_only_belongs_to_no_theme():
    clusters = themes.cluster_texts(["and the of", *TRAINING, *ENERGY])

    assert sorted(sorted(c.members) for c in clusters) == [[1, 2, 3], [4, 5, 6]]


def _comment_bodies(theme: Theme) -> set[str]:
    return set(theme.comments.values_list("body", flat=True))


def test_computing_themes_stores_them_and_points_each_comment_at_its_theme(
    consultation, sections, respondents
):
    for index, body in enumerate([*TRAINING, *ENERGY]):
        CommentFactory(respondent=respondents["ABCD"[index % 4]], section=sections[0], body=body)
    hidden = CommentFactory(
        respondent=respondents["A"], section=sections[0], body=ENERGY[0], status="hidden"
    )

    run = analysis.themes_compute(consultation_id=consultation.pk)

    assert (run.comments, run.themes) == (6, 2)
    stored = list(Theme.objects.filter(consultation=consultation).order_by("label"))
    assert [theme.size for theme in stored] == [3, 3]
    assert {frozenset(_comment_bodies(theme)) for theme in stored} == {
        frozenset(TRAINING),
        frozenset(ENERGY),
    }
    assert stored[0].label.startswith("energy use")
    assert stored[1].label.startswith("protected training time")
    hidden.refresh_from_db()
    assert hidden.theme is None
    state = analysis.themes_state(consultation=consultation)
    assert state.computed_at is not None
    assert state.comments == 6
    assert not state.is_pending


def test_computing_themes_twice_gives_the_same_themes(consultation, sections, respondents):
    for index, body in enumerate([*TRAINING, *ENERGY]):
        CommentFactory(respondent=respondents["ABCD"[index % 4]], section=sections[0], body=body)
    tasks.consultation_themes_compute.call(consultation_id=consultation.pk)
    first = sorted((t.label, t.size, tuple(t.keywords)) for t in Theme.objects.all())

    tasks.consultation_themes_compute.call(consultation_id=consultation.pk)

    assert sorted((t.label, t.size, tuple(t.keywords)) for t in Theme.objects.all()) == first
    assert Theme.objects.count() == 2
    assert Comment.objects.filter(theme__isnull=True).count() == 0


def test_a_comment_hidden_since_the_last_run_leaves_its_theme(consultation, sections, respondents):
    comments = [
        CommentFactory(respondent=respondents["ABCD"[index % 4]], section=sections[0], body=body)
        for index, body in enumerate([*TRAINING, *ENERGY])
    ]
    analysis.themes_compute(consultation_id=consultation.pk)
    first_themes = set(Theme.objects.values_list("pk", flat=True))
    Comment.objects.filter(pk=comments[0].pk).update(status=Comment.Status.HIDDEN)

    run = analysis.themes_compute(consultation_id=consultation.pk)

    comments[0].refresh_from_db()
    assert comments[0].theme is None
    assert (run.comments, run.themes) == (5, 2)
    assert sorted(Theme.objects.values_list("size", flat=True)) == [2, 3]
    assert not first_themes & set(Theme.objects.values_list("pk", flat=True))


def test_a_theme_lists_its_first_comments_and_is_found_by_its_place(
    consultation, sections, respondents
):
    for index, body in enumerate([*TRAINING, *ENERGY, "More protected training time, please."]):
        CommentFactory(respondent=respondents["ABCD"[index % 4]], section=sections[0], body=body)
    analysis.themes_compute(consultation_id=consultation.pk)

    found = analysis.themes_for(consultation=consultation, sample=2)

    assert [(item.number, item.theme.size, len(item.comments)) for item in found] == [
        (1, 4, 2),
        (2, 3, 2),
    ]
    assert analysis.theme_get(consultation=consultation, number=2) == found[1].theme
    assert analysis.theme_comments(theme=found[0].theme).count() == 4


# -- the page ----------------------------------------------------------------------------------


def test_the_secretariat_reads_the_analysis_within_a_query_budget(
    client, secretariat_officer, consultation, sections, respondents, django_assert_max_num_queries
):
    for index, body in enumerate([*TRAINING, *ENERGY]):
        CommentFactory(respondent=respondents["ABCD"[index % 4]], section=sections[0], body=body)
    analysis.themes_compute(consultation_id=consultation.pk)
    client.force_login(secretariat_officer)

    with django_assert_max_num_queries(20):
        response = client.get(
            "/secretariat/consultations/health-skills-2030/analysis/",
            {"country": "BE", "section": "digital"},
        )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ratings of 1 Digital skills, by who rated" in page
    assert "Belgium" in page
    assert "protected training time" in page
    assert 'id="data-sections"' in page
    assert response.context["analysis"].respondents == 2


@pytest.mark.parametrize("persona", ["outsider", "organisation_contact"])
def test_nobody_but_the_secretariat_reads_the_analysis(request, client, consultation, persona):
    client.force_login(request.getfixturevalue(persona))

    for url in ("analysis/", "export.csv", "export.xlsx"):
        response = client.get(f"/secretariat/consultations/health-skills-2030/{url}")
        assert response.status_code == 403


def test_an_unknown_consultation_is_not_found(client, secretariat_officer):
    client.force_login(secretariat_officer)

    assert client.get("/secretariat/consultations/nope/analysis/").status_code == 404


def test_recompute_asks_for_themes_and_the_task_computes_them(
    client, secretariat_officer, consultation, sections, respondents, committed
):
    for index, body in enumerate([*TRAINING, *ENERGY]):
        CommentFactory(respondent=respondents["ABCD"[index % 4]], section=sections[0], body=body)
    client.force_login(secretariat_officer)

    with committed():
        response = client.post("/secretariat/consultations/health-skills-2030/analysis/themes/")

    assert response.status_code == 302
    assert Theme.objects.filter(consultation=consultation).count() == 2
    codes = list(
        AuditEntry.objects.filter(object_id=str(consultation.public_id))
        .order_by("id")
        .values_list("code", "actor__email")
    )
    assert codes == [
        ("consultations.themes.requested", "officer@secretariat.example.eu"),
        ("consultations.themes.computed", None),
    ]
    theme_page = client.get("/secretariat/consultations/health-skills-2030/analysis/themes/1/")
    assert theme_page.status_code == 200
    assert (
        client.get("/secretariat/consultations/health-skills-2030/analysis/themes/3/").status_code
        == 404
    )


def test_a_request_not_yet_computed_shows_as_pending(consultation, secretariat_officer):
    analysis.themes_request(consultation=consultation, actor=secretariat_officer)  # not committed

    assert analysis.themes_state(consultation=consultation).is_pending


# -- exports -----------------------------------------------------------------------------------


@pytest.fixture
def answered(consultation, sections) -> dict[str, Respondent]:
    """A named respondent and one who asked to be left out, with what they wrote."""
    named = RespondentFactory(
        consultation=consultation,
        user=UserFactory(full_name="Nadia Named", email="nadia@example.org"),
        answers_for_organisation=True,
        organisation_name="Hôpital Saint-Luc",
        is_anonymised=False,
        country="BE",
    )
    hidden = RespondentFactory(
        consultation=consultation,
        user=UserFactory(full_name="Ali Anonymous", email="ali@example.org"),
        answers_for_organisation=True,
        organisation_name="Secret Clinic",
        is_anonymised=True,
        country="FR",
    )
    RatingFactory(respondent=named, section=sections[0], stance="support")
    RatingFactory(respondent=hidden, section=sections[0], stance="oppose")
    first = CommentFactory(respondent=named, section=sections[0], body='=HYPERLINK("http://x")')
    CommentFactory(respondent=hidden, section=sections[0], body="+1 from us", parent=first)
    CommentFactory(respondent=hidden, section=sections[1], body="a draft", status="draft")
    AmendmentFactory(respondent=hidden, section=sections[1], text="@SUM(A1)", rationale="-why")
    from skillspact.consultations.models import Answer, GeneralQuestion

    question = GeneralQuestion.objects.create(consultation=consultation, text="Anything else?")
    Answer.objects.create(respondent=named, question=question, text="-2+3")
    return {"named": named, "hidden": hidden}


def _csv(consultation: Consultation) -> list[dict[str, str]]:
    text = "".join(exports.csv_stream(consultation=consultation))
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_csv_has_everything_and_leaves_out_who_asked_to_be_left_out(consultation, answered):
    rows = _csv(consultation)

    assert [(row["record"], row["respondent"]) for row in rows] == [
        ("respondent", "R00001"),
        ("respondent", "R00002"),
        ("rating", "R00001"),
        ("rating", "R00002"),
        ("comment", "R00001"),
        ("comment", "R00002"),
        ("amendment", "R00002"),
        ("answer", "R00001"),
    ]
    named, hidden = rows[0], rows[1]
    assert (named["name"], named["email"], named["organisation_name"]) == (
        "Nadia Named",
        "nadia@example.org",
        "Hôpital Saint-Luc",
    )
    assert (hidden["name"], hidden["email"], hidden["organisation_name"]) == ("", "", "")
    assert (hidden["answers_for_organisation"], hidden["is_anonymised"]) == ("yes", "yes")
    text = "".join(exports.csv_stream(consultation=consultation))
    assert "Ali Anonymous" not in text
    assert "ali@example.org" not in text
    assert "Secret Clinic" not in text
    assert "a draft" not in text
    assert rows[5]["reply_to"] == rows[4]["id"]


def test_the_csv_never_starts_a_formula(consultation, answered):
    rows = _csv(consultation)

    assert rows[4]["text"] == '\'=HYPERLINK("http://x")'
    assert rows[5]["text"] == "'+1 from us"
    assert (rows[6]["text"], rows[6]["rationale"]) == ("'@SUM(A1)", "'-why")
    assert rows[7]["text"] == "'-2+3"


def test_the_workbook_has_a_sheet_per_kind_anonymised_and_formula_safe(consultation, answered):
    workbook = load_workbook(io.BytesIO(exports.xlsx_bytes(consultation=consultation)))

    assert workbook.sheetnames == [
        "About",
        "Sections",
        "Respondents",
        "Comments",
        "Amendments",
        "Answers",
    ]
    respondents = list(workbook["Respondents"].iter_rows(values_only=True))
    assert respondents[0][-3:] == ("Submitted", "1", "2")
    assert respondents[1][:8] == (
        "R00001", "healthcare_provider", "BE", "yes", "Hôpital Saint-Luc", "Nadia Named",
        "nadia@example.org", "no",
    )  # fmt: skip
    assert respondents[1][-2:] == ("support", None)
    assert respondents[2][4:8] == (None, None, None, "yes")
    assert respondents[2][-2:] == ("oppose", None)
    sections = list(workbook["Sections"].iter_rows(values_only=True))
    assert sections[1][:5] == ("1", "Digital skills", 1, 0, 1)
    comments = list(workbook["Comments"].iter_rows(values_only=True))
    assert [row[5] for row in comments[1:]] == ['\'=HYPERLINK("http://x")', "'+1 from us"]
    assert comments[2][8] == comments[1][3]  # the reply names its parent
    amendments = list(workbook["Amendments"].iter_rows(values_only=True))
    assert amendments[1][5:7] == ("'@SUM(A1)", "'-why")
    answers = list(workbook["Answers"].iter_rows(values_only=True))
    assert answers[1] == ("R00001", "healthcare_provider", "BE", "Anything else?", "'-2+3")
    every_value = [
        value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
    ]
    assert "Ali Anonymous" not in every_value
    assert "Secret Clinic" not in every_value
    assert "ali@example.org" not in every_value


def test_the_workbook_keeps_text_a_spreadsheet_could_not_hold(consultation, sections):
    someone = RespondentFactory(consultation=consultation)
    CommentFactory(respondent=someone, section=sections[0], body="Form\x0cfeed & <tags>")
    AmendmentFactory(respondent=someone, section=sections[0], text="x" * 40_000)

    workbook = load_workbook(io.BytesIO(exports.xlsx_bytes(consultation=consultation)))

    assert workbook["Comments"]["F2"].value == "Formfeed & <tags>"
    assert workbook["Amendments"]["F2"].value == "x" * 32_767


@pytest.mark.parametrize(("index", "name"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"),
                                             (702, "AAA")])  # fmt: skip
def test_spreadsheet_columns_are_named_like_excel_names_them(index, name):
    assert exports._column(index) == name


def test_the_secretariat_downloads_both_exports(
    client, secretariat_officer, consultation, answered
):
    client.force_login(secretariat_officer)

    as_csv = client.get("/secretariat/consultations/health-skills-2030/export.csv")
    as_xlsx = client.get("/secretariat/consultations/health-skills-2030/export.xlsx")

    assert as_csv.status_code == 200
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="health-skills-2030-' in as_csv["Content-Disposition"]
    assert b"".join(as_csv.streaming_content).decode().count("\n") == 9
    assert as_xlsx.status_code == 200
    assert as_xlsx.content[:2] == b"PK"
