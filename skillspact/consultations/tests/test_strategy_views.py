"""Pages of strategies, versions, consultation set-up, outcomes and public results: wiring,
permissions, and forms that keep what was typed."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.consultations import strategy
from skillspact.consultations.factories import (
    AmendmentFactory,
    CommentFactory,
    ConsultationFactory,
    RatingFactory,
    RespondentFactory,
)
from skillspact.consultations.models import (
    Comment,
    Consultation,
    Outcome,
    SectionChange,
    StrategyDocument,
    StrategyVersion,
)
from skillspact.consultations.tests.test_parsing import docx_bytes

pytestmark = pytest.mark.django_db

TEXT = "# Vision\nEvery health worker learns.\n\n# Funding\nErasmus+ pays."


def published(officer, title: str = "Skills strategy") -> StrategyVersion:
    version = strategy.strategy_import(actor=officer, title=title, text=TEXT)
    return strategy.version_publish(actor=officer, version=version)


# -- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["consultations:strategy_list", "consultations:setup_list", "consultations:setup_create"],
)
def test_secretariat_pages_refuse_others(client, outsider, name):
    url = reverse(name)

    assert client.get(url).status_code == 302  # to sign in
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_the_secretariat_bar_links_to_consultations(client, secretariat_officer):
    client.force_login(secretariat_officer)

    response = client.get(reverse("consultations:strategy_list"))

    assert f'href="{reverse("consultations:setup_list")}"' in response.content.decode()


# -- strategies and versions --------------------------------------------------------------------


def test_the_secretariat_imports_pasted_markdown(client, secretariat_officer):
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("consultations:strategy_list"), {"title": "Skills strategy", "text": TEXT}
    )

    version = StrategyVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "consultations:strategy_version", args=["skills-strategy", 1]
    )
    assert list(version.sections.values_list("number", "heading")) == [
        ("1", "Vision"),
        ("2", "Funding"),
    ]


def test_the_secretariat_imports_a_word_file(client, secretariat_officer):
    client.force_login(secretariat_officer)
    upload = SimpleUploadedFile(
        "strategy.docx", docx_bytes([("Heading1", "Vision"), ("", "Skills for all.")])
    )

    response = client.post(
        reverse("consultations:strategy_list"), {"title": "From Word", "upload": upload}
    )

    assert response.status_code == 302
    version = StrategyVersion.objects.get()
    assert (version.source_name, version.sections.get().body) == (
        "strategy.docx",
        "Skills for all.",
    )


def test_a_refused_import_keeps_what_was_typed(client, secretariat_officer):
    client.force_login(secretariat_officer)
    upload = SimpleUploadedFile("strategy.md", "# Vision\nCaf\xe9".encode("latin-1"))

    response = client.post(
        reverse("consultations:strategy_list"),
        {"title": "Typed title", "slug": "typed-slug", "upload": upload},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "upload": [
            "Line 2: the file is not UTF-8 text. Save it as UTF-8 (or as .docx) and upload it "
            "again."
        ]
    }
    assert 'value="Typed title"' in response.content.decode()
    assert StrategyDocument.objects.count() == 0


def test_the_version_page_lists_sections_and_publishes(client, secretariat_officer):
    version = strategy.strategy_import(actor=secretariat_officer, title="S", text=TEXT)
    client.force_login(secretariat_officer)
    url = reverse("consultations:strategy_version", args=[version.document.slug, 1])

    page = client.get(url)
    response = client.post(
        reverse("consultations:version_publish", args=[version.document.slug, 1])
    )

    assert page.status_code == 200
    assert [s.key for s in page.context["sections"]] == ["vision", "funding"]
    assert "Publish version 1" in page.content.decode()
    assert response["Location"] == url
    version.refresh_from_db()
    assert version.is_published is True
    after = client.get(url).content.decode()
    assert "Publish version 1" not in after
    assert reverse("consultations:section_add", args=[version.document.slug, 1]) not in after


def test_a_new_version_is_edited_section_by_section(client, secretariat_officer):
    first = published(secretariat_officer)
    slug = first.document.slug
    client.force_login(secretariat_officer)

    created = client.post(reverse("consultations:version_create", args=[slug]))
    edit_url = reverse("consultations:section_edit", args=[slug, 2, "vision"])
    form_page = client.get(edit_url)
    refused = client.post(edit_url, {"heading": "", "level": "1", "body": "Kept text."})
    saved = client.post(edit_url, {"heading": "Our vision", "level": "1", "body": "New text."})

    assert created["Location"] == reverse("consultations:strategy_version", args=[slug, 2])
    assert form_page.status_code == 200
    assert refused.status_code == 200
    assert "heading" in refused.context["form"].errors
    assert "Kept text." in refused.content.decode()
    assert saved.status_code == 302
    second = StrategyVersion.objects.get(number=2)
    assert second.sections.get(key="vision").heading == "Our vision"
    assert first.sections.get(key="vision").heading == "Vision"


def test_sections_of_a_published_version_cannot_be_edited(client, secretariat_officer):
    version = published(secretariat_officer)
    client.force_login(secretariat_officer)
    url = reverse("consultations:section_edit", args=[version.document.slug, 1, "vision"])

    response = client.post(url, {"heading": "Changed", "level": "1", "body": ""})

    assert response.status_code == 302
    assert version.sections.get(key="vision").heading == "Vision"


def test_a_section_is_added_after_another_and_moved(client, secretariat_officer):
    version = strategy.strategy_import(actor=secretariat_officer, title="S", text=TEXT)
    slug = version.document.slug
    client.force_login(secretariat_officer)

    client.post(
        reverse("consultations:section_add", args=[slug, 1]) + "?after=vision",
        {"heading": "Digital skills", "level": "2", "body": "", "after": "vision"},
    )
    client.post(
        reverse("consultations:section_move", args=[slug, 1, "funding"]), {"direction": "up"}
    )
    client.post(reverse("consultations:section_remove", args=[slug, 1, "digital-skills"]))

    assert list(version.sections.order_by("position").values_list("number", "key")) == [
        ("1", "vision"),
        ("2", "funding"),
    ]


def test_an_unknown_version_or_section_is_404(client, secretariat_officer):
    version = published(secretariat_officer)
    client.force_login(secretariat_officer)

    assert (
        client.get(
            reverse("consultations:strategy_version", args=[version.document.slug, 9])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("consultations:section_edit", args=[version.document.slug, 1, "nope"])
        ).status_code
        == 404
    )


# -- consultation set-up ------------------------------------------------------------------------


def consultation_post(version: StrategyVersion, **overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "version": version.pk,
        "title": "Consultation 2030",
        "slug": "",
        "introduction": "Tell us.",
        "opens_at": "2030-01-10T09:00",
        "closes_at": "2030-03-31T23:59",
        "allows_anonymous": "on",
    }
    data.update(overrides)
    return data


def test_a_new_consultation_needs_a_published_version(client, secretariat_officer):
    client.force_login(secretariat_officer)

    response = client.get(reverse("consultations:setup_create"))

    assert response["Location"] == reverse("consultations:strategy_list")


def test_the_secretariat_creates_a_consultation(client, secretariat_officer):
    version = published(secretariat_officer)
    client.force_login(secretariat_officer)

    form_page = client.get(reverse("consultations:setup_create") + f"?version={version.pk}")
    response = client.post(reverse("consultations:setup_create"), consultation_post(version))

    assert form_page.status_code == 200
    consultation = Consultation.objects.get()
    assert response["Location"] == reverse("consultations:setup_detail", args=[consultation.slug])
    assert consultation.opens_at == datetime.datetime(
        2030, 1, 10, 9, 0, tzinfo=timezone.get_current_timezone()
    )
    assert consultation.allows_anonymous is True


def test_a_refused_consultation_keeps_what_was_typed(client, secretariat_officer):
    version = published(secretariat_officer)
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("consultations:setup_create"),
        consultation_post(version, title="Kept title", closes_at="2029-12-31T10:00"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "closes_at": ["The consultation must close after it opens."]
    }
    assert 'value="Kept title"' in response.content.decode()
    assert Consultation.objects.count() == 0


def test_the_setup_page_edits_adds_questions_and_opens(client, secretariat_officer):
    version = published(secretariat_officer)
    consultation = ConsultationFactory(
        version=version, phase=Consultation.Phase.DRAFT, slug="draft-one"
    )
    client.force_login(secretariat_officer)
    url = reverse("consultations:setup_detail", args=["draft-one"])

    page = client.get(url)
    edited = client.post(url, consultation_post(version, title="Renamed", slug="draft-one"))
    refused_question = client.post(
        reverse("consultations:question_add", args=["draft-one"]),
        {"text": "Which one?", "kind": "choice", "choices": "Only one"},
    )
    added_question = client.post(
        reverse("consultations:question_add", args=["draft-one"]),
        {"text": "Which one?", "kind": "choice", "choices": "Yes\nNo"},
    )
    opened = client.post(
        reverse("consultations:setup_phase", args=["draft-one"]), {"action": "open"}
    )

    assert page.status_code == 200
    assert edited["Location"] == url
    assert refused_question.status_code == 200
    assert refused_question.context["question_form"].errors == {
        "choices": ["Give from 2 to 20 different choices."]
    }
    assert "Which one?" in refused_question.content.decode()
    assert added_question.status_code == 302
    assert opened["Location"] == url
    consultation.refresh_from_db()
    assert (consultation.title, consultation.phase) == ("Renamed", Consultation.Phase.OPEN)
    assert list(consultation.questions.values_list("choices", flat=True)) == [["Yes", "No"]]


def test_a_refused_phase_change_says_why(client, secretariat_officer):
    ConsultationFactory(phase=Consultation.Phase.ANALYSIS, slug="closed-one")
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("consultations:setup_phase", args=["closed-one"]), {"action": "open"}, follow=True
    )

    assert "Under analysis" in response.content.decode()
    assert Consultation.objects.get().phase == Consultation.Phase.ANALYSIS


def test_an_unknown_consultation_is_404_for_the_secretariat(client, secretariat_officer):
    client.force_login(secretariat_officer)

    assert client.get(reverse("consultations:setup_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("consultations:outcomes", args=["nope"])).status_code == 404


# -- "you said, we did" -------------------------------------------------------------------------


@pytest.fixture
def concluded(secretariat_officer) -> Consultation:
    """Under analysis on version 1; version 2 changes "Vision" and is the result version."""
    first = published(secretariat_officer)
    consultation = ConsultationFactory(
        version=first, phase=Consultation.Phase.ANALYSIS, slug="skills-2030"
    )
    second = strategy.version_create_next(actor=secretariat_officer, document=first.document)
    strategy.section_update(
        actor=secretariat_officer,
        section=second.sections.get(key="vision"),
        heading="Vision",
        body="Every health and care worker learns.",
    )
    strategy.version_publish(actor=secretariat_officer, version=second)
    strategy.result_version_set(
        actor=secretariat_officer,
        consultation=consultation,
        version=StrategyVersion.objects.get(pk=second.pk),
    )
    return consultation


def test_the_outcomes_page_shows_the_diff_and_the_comments(
    client, secretariat_officer, concluded, outsider
):
    comment = CommentFactory(
        respondent=RespondentFactory(consultation=concluded),
        section=concluded.version.sections.get(key="vision"),
        body="<script>alert(1)</script> Name care workers.",
    )
    url = reverse("consultations:outcomes", args=[concluded.slug])

    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(secretariat_officer)
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<ins>(<span[^>]*>[^<]*</span>)?and care ", html)
    assert f'id="item-{comment.public_id}"' in html
    assert "<script>alert(1)</script>" not in html


def test_a_refused_outcome_keeps_what_was_chosen(client, secretariat_officer, concluded):
    comment = CommentFactory(
        respondent=RespondentFactory(consultation=concluded),
        section=concluded.version.sections.get(key="vision"),
    )
    change = SectionChange.objects.get(consultation=concluded)
    prefix = f"comment-{comment.public_id}"
    url = reverse("consultations:outcome_set", args=[concluded.slug, "comment", comment.public_id])
    client.force_login(secretariat_officer)

    refused = client.post(url + "?pending=1", {f"{prefix}-result": "partly", f"{prefix}-reply": ""})
    saved = client.post(
        url + "?pending=1",
        {
            f"{prefix}-result": "accepted",
            f"{prefix}-reply": "Care workers are named now.",
            f"{prefix}-change": str(change.pk),
        },
    )

    assert refused.status_code == 200
    row = next(r for r in refused.context["rows"] if r["item"].pk == comment.pk)
    assert row["form"].errors == {"reply": ["This field is required."]}
    assert 'value="partly" selected' in refused.content.decode()
    assert saved["Location"] == (
        reverse("consultations:outcomes", args=[concluded.slug])
        + f"?pending=1#item-{comment.public_id}"
    )
    outcome = Outcome.objects.get()
    assert (outcome.comment, outcome.result, outcome.change) == (comment, "accepted", change)


def test_an_outcome_for_another_consultations_comment_is_404(
    client, secretariat_officer, concluded
):
    foreign = CommentFactory()
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("consultations:outcome_set", args=[concluded.slug, "comment", foreign.public_id]),
        {},
    )

    assert response.status_code == 404


def test_the_secretariat_explains_a_change(client, secretariat_officer, concluded):
    change = SectionChange.objects.get(consultation=concluded)
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("consultations:change_explain", args=[concluded.slug, change.pk]),
        {f"change-{change.pk}-explanation": "Many asked for care workers."},
    )

    assert response.status_code == 302
    change.refresh_from_db()
    assert change.explanation == "Many asked for care workers."


def test_publishing_results_emails_and_opens_the_results_page(
    client, secretariat_officer, concluded, health_worker, django_capture_on_commit_callbacks
):
    respondent = RespondentFactory(
        consultation=concluded, user=health_worker, submitted_at=timezone.now()
    )
    comment = CommentFactory(respondent=respondent, section=concluded.version.sections.first())
    strategy.outcome_set(
        actor=secretariat_officer,
        consultation=concluded,
        comment=comment,
        result="accepted",
        reply="Thank you.",
    )
    client.force_login(secretariat_officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consultations:results_publish", args=[concluded.slug]))

    assert response["Location"] == reverse("consultations:results", args=[concluded.slug])
    assert [m.to for m in mail.outbox] == [[health_worker.email]]
    concluded.refresh_from_db()
    assert concluded.phase == Consultation.Phase.RESULTS


# -- public results -----------------------------------------------------------------------------


def test_results_are_hidden_until_published(client, secretariat_officer, concluded, outsider):
    url = reverse("consultations:results", args=[concluded.slug])
    draft = ConsultationFactory(phase=Consultation.Phase.DRAFT)

    public = client.get(url)
    client.force_login(secretariat_officer)
    preview = client.get(url)
    client.force_login(outsider)

    assert public.status_code == 200
    assert "The results are not published yet." in public.content.decode()
    assert public.context["summary"] is None
    assert "Preview: only the secretariat sees this page" in preview.content.decode()
    assert preview.context["summary"] is not None
    assert client.get(reverse("consultations:results", args=[draft.slug])).status_code == 404
    assert client.get(reverse("consultations:results", args=["nope"])).status_code == 404


def test_the_results_page_shows_changes_outcomes_and_counts_without_names(
    client, secretariat_officer, concluded
):
    vision = concluded.version.sections.get(key="vision")
    change = SectionChange.objects.get(consultation=concluded)
    strategy.change_explain(
        actor=secretariat_officer, change=change, explanation="Care workers were missing."
    )
    named = RespondentFactory(
        consultation=concluded, user=UserFactory(full_name="Nadia Named"), is_anonymised=False
    )
    hidden_name = RespondentFactory(
        consultation=concluded, user=UserFactory(full_name="Harry Hidden")
    )
    anonymous = RespondentFactory(
        consultation=concluded, user=None, anonymous_key="b" * 64, is_anonymised=False
    )
    for respondent, body in [
        (named, "Please add care workers."),
        (hidden_name, "<img src=x onerror=alert(1)> Care workers too."),
        (anonymous, "Anonymous idea."),
    ]:
        comment = CommentFactory(respondent=respondent, section=vision, body=body)
        strategy.outcome_set(
            actor=secretariat_officer,
            consultation=concluded,
            comment=comment,
            result="accepted",
            reply="Done.",
            change=change,
        )
    removed = CommentFactory(respondent=named, section=vision, body="Something rude.")
    strategy.outcome_set(
        actor=secretariat_officer,
        consultation=concluded,
        comment=removed,
        result="not_taken",
        reply="No.",
        change=change,
    )
    Comment.objects.filter(pk=removed.pk).update(status=Comment.Status.REMOVED)
    AmendmentFactory(respondent=named, section=vision)
    RatingFactory(respondent=named, section=vision, stance="support")
    RatingFactory(respondent=hidden_name, section=vision, stance="oppose")
    strategy.results_publish(actor=secretariat_officer, consultation=concluded)
    client.logout()

    response = client.get(reverse("consultations:results", args=[concluded.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Care workers were missing." in html
    assert "Every health and care worker learns." in html  # version 2 in full
    assert "Please add care workers." in html
    assert "Nadia Named" in html
    assert "Harry Hidden" not in html
    assert "Anonymous idea." in html
    assert "Something rude." not in html
    assert "<img src=x" not in html
    row = next(r for r in response.context["summary"].sections if r.section.key == "vision")
    assert (row.ratings.support, row.ratings.oppose, row.comments, row.amendments) == (1, 1, 3, 1)
    assert response.context["summary"].by_result == [
        ("accepted", "Accepted", 3),
        ("partly", "Partly taken up", 0),
        ("not_taken", "Not taken up", 1),
    ]


def test_the_results_page_answers_in_a_fixed_number_of_queries(
    client, secretariat_officer, concluded, django_assert_max_num_queries
):
    change = SectionChange.objects.get(consultation=concluded)
    vision = concluded.version.sections.get(key="vision")
    for _ in range(15):
        comment = CommentFactory(
            respondent=RespondentFactory(consultation=concluded), section=vision
        )
        strategy.outcome_set(
            actor=secretariat_officer,
            consultation=concluded,
            comment=comment,
            result="accepted",
            reply="Done.",
            change=change,
        )
    Consultation.objects.filter(pk=concluded.pk).update(phase=Consultation.Phase.RESULTS)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("consultations:results", args=[concluded.slug]))

    assert len(response.context["summary"].changes[0].outcomes) == 15


def test_every_secretariat_page_opens(client, secretariat_officer, concluded):
    slug = concluded.version.document.slug
    client.force_login(secretariat_officer)

    for url in [
        reverse("consultations:strategy_list"),
        reverse("consultations:strategy_detail", args=[slug]),
        reverse("consultations:version_import", args=[slug]),
        reverse("consultations:strategy_version", args=[slug, 2]),
        reverse("consultations:setup_list"),
        reverse("consultations:setup_create"),
        reverse("consultations:setup_detail", args=[concluded.slug]),
        reverse("consultations:outcomes", args=[concluded.slug]) + "?kind=amendment",
    ]:
        assert client.get(url).status_code == 200, url


def test_a_revised_file_becomes_the_next_version(client, secretariat_officer):
    first = published(secretariat_officer)
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("consultations:version_import", args=[first.document.slug]),
        {"title": "", "upload": SimpleUploadedFile("v2.md", b"# Funding\nMore.\n# Vision\nAll.")},
    )

    second = StrategyVersion.objects.get(number=2)
    assert response["Location"] == reverse(
        "consultations:strategy_version", args=[first.document.slug, 2]
    )
    assert list(second.sections.values_list("key", flat=True)) == ["funding", "vision"]


def test_the_outcomes_page_answers_in_a_fixed_number_of_queries(
    client, secretariat_officer, concluded, django_assert_max_num_queries
):
    vision = concluded.version.sections.get(key="vision")
    for _ in range(25):
        CommentFactory(respondent=RespondentFactory(consultation=concluded), section=vision)
    client.force_login(secretariat_officer)

    with django_assert_max_num_queries(18):
        response = client.get(reverse("consultations:outcomes", args=[concluded.slug]))

    assert len(response.context["rows"]) == 25


def test_a_refused_outcome_shows_even_when_the_filter_hides_its_comment(
    client, secretariat_officer, concluded
):
    comment = CommentFactory(
        respondent=RespondentFactory(consultation=concluded),
        section=concluded.version.sections.get(key="vision"),
    )
    strategy.outcome_set(
        actor=secretariat_officer,
        consultation=concluded,
        comment=comment,
        result="accepted",
        reply="Yes.",
    )
    prefix = f"comment-{comment.public_id}"
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("consultations:outcome_set", args=[concluded.slug, "comment", comment.public_id])
        + "?pending=1",
        {f"{prefix}-result": "partly", f"{prefix}-reply": ""},
    )

    assert [row["item"] for row in response.context["rows"]] == [comment]
    assert response.context["rows"][0]["form"].errors == {"reply": ["This field is required."]}
    assert Outcome.objects.get().result == "accepted"
