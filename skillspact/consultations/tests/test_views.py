"""Pages of the respondent's side and of moderation: wiring, permissions, forms that keep input,
query budgets."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from skillspact.accounts.factories import UserFactory
from skillspact.accounts.models import User
from skillspact.consultations import services
from skillspact.consultations.factories import (
    AmendmentFactory,
    CommentFactory,
    ConsultationFactory,
    RatingFactory,
    RespondentFactory,
    SectionFactory,
)
from skillspact.consultations.models import (
    Amendment,
    Answer,
    Comment,
    Consultation,
    ContentReport,
    GeneralQuestion,
    ModerationDecision,
    Outcome,
    Rating,
    Respondent,
    Section,
)
from skillspact.consultations.views import COOKIE_NAME

pytestmark = pytest.mark.django_db

PROFILE_POST = {
    "stakeholder_type": "healthcare_provider",
    "country": "BE",
    "is_anonymised": "on",
}


@pytest.fixture
def consultation() -> Consultation:
    return ConsultationFactory(slug="skills-2030", title="Skills strategy 2030")


@pytest.fixture
def section(consultation: Consultation) -> Section:
    return SectionFactory(
        version=consultation.version,
        key="digital-skills",
        number="2.3",
        heading="Digital skills for nurses",
        body="Every nurse should reach a basic level of digital skills by 2030.",
    )


@pytest.fixture
def respondent(consultation: Consultation, health_worker: User) -> Respondent:
    return RespondentFactory(consultation=consultation, user=health_worker)


def url(name: str, *args: object) -> str:
    return reverse(f"consultations:{name}", args=args)


# -- lists and the outline ---------------------------------------------------------------------


def test_the_list_shows_public_consultations_only(client, django_assert_max_num_queries):
    for n in range(5):
        ConsultationFactory(title=f"Open consultation {n}")
    ConsultationFactory(title="Secret preparation", phase=Consultation.Phase.DRAFT)

    with django_assert_max_num_queries(4):
        response = client.get(url("list"))

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 5
    assert b"Secret preparation" not in response.content
    assert b'href="/consultations/"' in response.content  # the main navigation


def test_a_consultation_in_preparation_is_the_secretariats_alone(
    client, secretariat_officer, outsider
):
    draft = ConsultationFactory(slug="later", phase=Consultation.Phase.DRAFT)

    assert client.get(url("detail", draft.slug)).status_code == 404
    client.force_login(outsider)
    assert client.get(url("detail", draft.slug)).status_code == 404
    client.force_login(secretariat_officer)
    assert client.get(url("detail", draft.slug)).status_code == 200


def test_the_outline_shows_public_counts_and_my_progress(
    client, consultation, section, respondent, health_worker
):
    other = SectionFactory(version=consultation.version, key="green-skills")
    CommentFactory(respondent=respondent, section=section)
    CommentFactory(section=section, respondent=RespondentFactory(consultation=consultation))
    CommentFactory(respondent=respondent, section=section, status=Comment.Status.DRAFT)
    RatingFactory(respondent=respondent, section=section, stance="oppose")
    client.force_login(health_worker)

    response = client.get(url("detail", consultation.slug))

    outline = {item.section.key: item for item in response.context["outline"]}
    assert (outline["digital-skills"].comments, outline["digital-skills"].ratings.oppose) == (2, 1)
    assert (outline["digital-skills"].my_stance, outline["digital-skills"].my_drafts) == (
        "oppose",
        1,
    )
    assert outline[other.key].has_contributed is False
    assert response.context["done"] == 1
    assert "You have given your view on 1 section of 2." in response.content.decode()


# -- profile -----------------------------------------------------------------------------------


def test_a_signed_in_person_fills_the_profile_and_returns_to_the_section(
    client, consultation, section, health_worker
):
    client.force_login(health_worker)
    next_url = url("section", consultation.slug, section.key)

    response = client.post(url("profile", consultation.slug), {**PROFILE_POST, "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == next_url
    respondent = Respondent.objects.get()
    assert (respondent.user, respondent.stakeholder_type, respondent.is_anonymised) == (
        health_worker,
        "healthcare_provider",
        True,
    )
    assert COOKIE_NAME not in response.cookies


def test_an_anonymous_person_gets_a_private_cookie_and_only_its_hash_is_kept(client, consultation):
    response = client.post(url("profile", consultation.slug), PROFILE_POST)

    assert response.status_code == 302
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    respondent = Respondent.objects.get()
    assert respondent.user is None
    assert respondent.anonymous_key == hashlib.sha256(cookie.value.encode()).hexdigest()
    # The same browser is recognised afterwards.
    page = client.get(url("detail", consultation.slug))
    assert page.context["respondent"] == respondent


def test_an_anonymous_person_is_sent_to_sign_in_where_accounts_are_required(client, consultation):
    consultation.allows_anonymous = False
    consultation.save()

    response = client.post(url("profile", consultation.slug), PROFILE_POST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Respondent.objects.count() == 0


def test_a_rejected_profile_keeps_what_was_typed(client, consultation, health_worker):
    client.force_login(health_worker)

    response = client.post(
        url("profile", consultation.slug),
        {**PROFILE_POST, "country": "PT", "answers_for_organisation": "on"},
    )

    assert response.status_code == 422
    assert Respondent.objects.count() == 0
    assert response.context["form"].errors["organisation_name"] == [
        "Give the name of the organisation."
    ]
    content = response.content.decode()
    assert '<option value="PT" selected>' in content
    assert 'name="answers_for_organisation" id="id_answers_for_organisation" checked' in content


# -- the section page --------------------------------------------------------------------------


def test_the_section_page_asks_for_the_profile_first(client, consultation, section, outsider):
    client.force_login(outsider)

    page = client.get(url("section", consultation.slug, section.key))
    response = client.post(url("rate", consultation.slug, section.key), {"stance": "support"})

    assert page.status_code == 200
    assert "Fill in my profile" in page.content.decode()
    assert 'id="comment-form"' not in page.content.decode()
    assert response.status_code == 302
    assert response["Location"].startswith(url("profile", consultation.slug) + "?next=")
    assert Rating.objects.count() == 0


def test_rating_through_the_page_and_through_htmx(
    client, consultation, section, respondent, health_worker
):
    client.force_login(health_worker)

    page = client.post(url("rate", consultation.slug, section.key), {"stance": "support"})
    partial = client.post(
        url("rate", consultation.slug, section.key), {"stance": "neutral"}, HTTP_HX_REQUEST="true"
    )

    assert page.status_code == 302
    assert page["Location"] == url("section", consultation.slug, section.key) + "#rating"
    assert partial.status_code == 200
    content = partial.content.decode()
    assert "<html" not in content
    assert content.count('<div id="rating-body">') == 1
    assert 'hx-swap-oob="innerHTML"' in content
    assert "Your view is saved." in content
    assert list(Rating.objects.values_list("stance", flat=True)) == ["neutral"]


def test_a_draft_comment_is_seen_by_its_author_only(
    client, consultation, section, respondent, health_worker, outsider
):
    client.force_login(health_worker)

    response = client.post(
        url("comment", consultation.slug, section.key),
        {"body": "Nurses need **protected** time.", "action": "draft"},
    )

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.public_id}")
    assert comment.status == Comment.Status.DRAFT
    mine = client.get(url("section", consultation.slug, section.key)).content.decode()
    assert "<strong>protected</strong>" in mine
    assert "Draft — only you can see it" in mine
    client.force_login(outsider)
    theirs = client.get(url("section", consultation.slug, section.key)).content.decode()
    assert "protected" not in theirs


def test_a_reply_is_published_under_its_parent(
    client, consultation, section, respondent, health_worker
):
    parent = CommentFactory(
        section=section, respondent=RespondentFactory(consultation=consultation)
    )
    client.force_login(health_worker)

    client.post(
        url("comment", consultation.slug, section.key),
        {"body": "I agree.", "parent": str(parent.public_id)},
    )

    reply = Comment.objects.get(parent=parent)
    assert (reply.respondent, reply.status) == (respondent, Comment.Status.PUBLISHED)
    thread = client.get(url("section", consultation.slug, section.key)).context["thread"]
    assert [[r.comment for r in node.replies] for node in thread] == [[reply]]


def test_a_comment_too_long_keeps_what_was_typed(
    client, consultation, section, respondent, health_worker
):
    client.force_login(health_worker)
    body = "Too long. " * 501

    response = client.post(
        url("comment", consultation.slug, section.key), {"body": body, "action": "publish"}
    )

    assert response.status_code == 422
    assert Comment.objects.count() == 0
    assert response.context["comment_form"].errors["body"]
    assert body.strip() in response.content.decode()


def test_the_flood_limit_is_explained_and_the_text_kept(
    client, consultation, section, respondent, health_worker
):
    client.force_login(health_worker)
    for n in range(services.WRITE_LIMIT):
        client.post(url("comment", consultation.slug, section.key), {"body": f"Comment {n}"})

    response = client.post(
        url("comment", consultation.slug, section.key), {"body": "Thirty-first comment"}
    )

    assert response.status_code == 429
    assert Comment.objects.count() == services.WRITE_LIMIT
    content = response.content.decode()
    assert "Please wait a few minutes and try again" in content
    assert "Thirty-first comment</textarea>" in content


def test_an_amendment_preview_shows_the_diff_and_saves_nothing(
    client, consultation, section, respondent, health_worker
):
    client.force_login(health_worker)
    text = "Every nurse and assistant should reach a basic level of digital skills by 2028."

    page = client.post(
        url("amend", consultation.slug, section.key), {"text": text, "action": "preview"}
    )
    partial = client.post(url("amendment_preview", consultation.slug, section.key), {"text": text})

    assert page.status_code == 200
    assert Amendment.objects.count() == 0
    for content in (page.content.decode(), partial.content.decode()):
        assert (
            'Every nurse<ins><span class="visually-hidden">[added: </span> and assistant'
            '<span class="visually-hidden"> ]</span></ins> should' in content
        )
        assert '<del><span class="visually-hidden">[removed: </span>2030.' in content
    assert f"{text}</textarea>" in page.content.decode()


def test_an_amendment_is_saved_as_a_draft_then_published(
    client, consultation, section, respondent, health_worker
):
    client.force_login(health_worker)
    client.post(
        url("amend", consultation.slug, section.key),
        {"text": "Every nurse by 2028.", "rationale": "Sooner.", "action": "draft"},
    )
    amendment = Amendment.objects.get()

    response = client.post(url("amendment_publish", consultation.slug, amendment.public_id))

    amendment.refresh_from_db()
    assert response.status_code == 302
    assert amendment.status == Amendment.Status.PUBLISHED


def test_the_section_page_answers_in_a_fixed_number_of_queries(
    client, consultation, section, respondent, health_worker, django_assert_max_num_queries
):
    others = [RespondentFactory(consultation=consultation) for _ in range(5)]
    parents = [
        CommentFactory(respondent=others[n % 5], section=section, body=f"Comment {n}")
        for n in range(25)
    ]
    for n, parent in enumerate(parents):
        CommentFactory(respondent=others[n % 5], section=section, parent=parent, body="Reply")
    for other in others[:3]:
        AmendmentFactory(respondent=other, section=section)
        RatingFactory(respondent=other, section=section)
    client.force_login(health_worker)

    with django_assert_max_num_queries(14):
        response = client.get(url("section", consultation.slug, section.key))

    assert response.status_code == 200
    assert sum(1 + len(node.replies) for node in response.context["thread"]) == 50
    assert len(response.context["amendments"]) == 3


def test_a_long_thread_is_shown_thirty_conversations_a_page_with_their_replies(
    client, consultation, section
):
    others = [RespondentFactory(consultation=consultation) for _ in range(5)]
    parents = [
        CommentFactory(respondent=others[n % 5], section=section, body=f"Comment {n}")
        for n in range(35)
    ]
    reply = CommentFactory(respondent=others[0], section=section, parent=parents[-1], body="R")
    CommentFactory(respondent=others[1], section=section, parent=reply, body="Reply to a reply")

    first = client.get(url("section", consultation.slug, section.key))
    second = client.get(url("section", consultation.slug, section.key) + "?page=2")

    assert [n.comment.body for n in first.context["thread"]] == [f"Comment {n}" for n in range(30)]
    assert [n.comment.body for n in second.context["thread"]] == [
        f"Comment {n}" for n in range(30, 35)
    ]
    last = second.context["thread"][-1]
    assert [r.comment.body for r in last.replies] == ["R"]
    assert [r.comment.body for r in last.replies[0].replies] == ["Reply to a reply"]
    assert second.context["page"].paginator.count == 35


# -- the respondent's own page -----------------------------------------------------------------


def test_submitting_my_contributions_publishes_my_drafts(
    client, consultation, section, respondent, health_worker
):
    CommentFactory(respondent=respondent, section=section, status=Comment.Status.DRAFT)
    AmendmentFactory(respondent=respondent, section=section, status=Amendment.Status.DRAFT)
    client.force_login(health_worker)
    page = client.get(url("mine", consultation.slug))
    assert page.context["drafts"] == 2

    response = client.post(url("submit", consultation.slug), follow=True)

    assert "2 contributions are now published." in response.content.decode()
    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.PUBLISHED}
    assert Amendment.objects.get().status == Amendment.Status.PUBLISHED
    respondent.refresh_from_db()
    assert respondent.submitted_at is not None


def test_my_page_shows_what_became_of_each_comment(
    client, consultation, section, respondent, health_worker
):
    answered = CommentFactory(respondent=respondent, section=section, body="Add assistants.")
    CommentFactory(respondent=respondent, section=section, body="Unanswered.")
    Outcome.objects.create(
        consultation=consultation,
        comment=answered,
        result=Outcome.Result.ACCEPTED,
        reply="We added *healthcare assistants* to 2.3.",
    )
    consultation.phase = Consultation.Phase.RESULTS
    consultation.save()
    client.force_login(health_worker)

    response = client.get(url("mine", consultation.slug))

    content = response.content.decode()
    assert [c.outcome.result if c.outcome else None for c in response.context["contributions"]] == [
        "accepted",
        None,
    ]
    assert "We added <em>healthcare assistants</em> to 2.3." in content
    assert "The secretariat has not answered this one individually." in content
    assert "Submit my contributions" not in content


def test_someone_elses_draft_cannot_be_published_or_deleted(
    client, consultation, section, respondent, outsider
):
    draft = CommentFactory(respondent=respondent, section=section, status=Comment.Status.DRAFT)
    RespondentFactory(consultation=consultation, user=outsider)
    client.force_login(outsider)

    publish = client.post(url("comment_publish", consultation.slug, draft.public_id))
    discard = client.post(url("comment_discard", consultation.slug, draft.public_id))

    assert (publish.status_code, discard.status_code) == (404, 404)
    draft.refresh_from_db()
    assert draft.status == Comment.Status.DRAFT


def test_general_questions_are_answered(client, consultation, respondent, health_worker):
    question = GeneralQuestion.objects.create(consultation=consultation, text="What is missing?")
    client.force_login(health_worker)

    response = client.post(
        url("questions", consultation.slug), {f"question_{question.pk}": "Funding for training."}
    )

    assert response.status_code == 302
    assert list(Answer.objects.values_list("respondent", "text")) == [
        (respondent.pk, "Funding for training.")
    ]
    page = client.get(url("questions", consultation.slug)).content.decode()
    assert "Funding for training.</textarea>" in page


# -- reports and moderation --------------------------------------------------------------------


def test_an_anonymous_visitor_reports_a_comment_once(client, consultation, section):
    comment = CommentFactory(
        section=section, respondent=RespondentFactory(consultation=consultation)
    )
    report_url = url("report", consultation.slug, "comment", comment.public_id)

    first = client.post(report_url, {"reason": "Spam"})
    second = client.post(report_url, {"reason": "Spam again"})

    assert first.status_code == 302
    assert first["Location"].endswith(f"#comment-{comment.public_id}")
    assert COOKIE_NAME in first.cookies
    assert second.status_code == 409
    assert "You have already reported this." in second.content.decode()
    assert list(ContentReport.objects.values_list("reason", flat=True)) == ["Spam"]
    page = client.get(url("section", consultation.slug, section.key)).content.decode()
    assert "You reported this comment." in page


def test_a_draft_or_hidden_comment_cannot_be_reported(client, consultation, section):
    hidden = CommentFactory(
        section=section,
        respondent=RespondentFactory(consultation=consultation),
        status=Comment.Status.HIDDEN,
    )

    response = client.post(
        url("report", consultation.slug, "comment", hidden.public_id), {"reason": "x"}
    )

    assert response.status_code == 404
    assert ContentReport.objects.count() == 0


def test_the_moderation_queue_is_the_secretariats_alone(client, outsider, secretariat_officer):
    queue = reverse("consultations:moderation")

    assert client.get(queue).status_code == 302
    client.force_login(outsider)
    assert client.get(queue).status_code == 403
    client.force_login(secretariat_officer)
    assert client.get(queue).status_code == 200


def test_the_queue_shows_hidden_items_first_with_reasons_and_counts(
    client, consultation, section, secretariat_officer, django_assert_max_num_queries
):
    author = RespondentFactory(consultation=consultation)
    once = CommentFactory(respondent=author, section=section, body="Reported once")
    hidden = CommentFactory(respondent=author, section=section, body="Reported thrice")
    amendment = AmendmentFactory(respondent=author, section=section)
    services.content_report(item=once, actor=UserFactory(), reason="Off topic")
    services.content_report(item=amendment, actor=UserFactory(), reason="Spam")
    for reason in ("Insulting", "Insulting", "Personal data"):
        services.content_report(item=hidden, actor=UserFactory(), reason=reason)
    client.force_login(secretariat_officer)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("consultations:moderation"))

    items = response.context["items"]
    assert [(m.kind, m.item, len(m.reports), m.is_hidden) for m in items] == [
        ("comment", hidden, 3, True),
        ("comment", once, 1, False),
        ("amendment", amendment, 1, False),
    ]
    assert items[0].reasons == [("Insulting", 2), ("Personal data", 1)]
    assert "Insulting (×2)" in response.content.decode()


def test_the_secretariat_removes_a_comment_through_the_page(
    client, consultation, section, secretariat_officer
):
    comment = CommentFactory(
        section=section, respondent=RespondentFactory(consultation=consultation)
    )
    services.content_report(item=comment, actor=UserFactory(), reason="Insulting")
    client.force_login(secretariat_officer)
    decide = reverse("consultations:moderation_decide", args=["comment", comment.public_id])

    refused = client.post(decide, {"decision": "remove", "reason": ""})
    response = client.post(decide, {"decision": "remove", "reason": "Insults."})

    assert refused.status_code == 422
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:moderation")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    assert list(ModerationDecision.objects.values_list("decision", "reason")) == [
        ("remove", "Insults.")
    ]
    page = client.get(url("section", consultation.slug, section.key)).content.decode()
    assert "This comment was removed by the moderators." in page
    assert comment.body not in page


def test_the_secretariat_bar_links_to_moderation(client, secretariat_officer):
    client.force_login(secretariat_officer)

    response = client.get(url("list"))

    assert f'href="{reverse("consultations:moderation")}"' in response.content.decode()


def test_the_secretariat_reaches_a_hidden_comment_from_the_thread(
    client, consultation, section, secretariat_officer
):
    hidden = CommentFactory(
        section=section,
        respondent=RespondentFactory(consultation=consultation),
        body="Reported text",
        status=Comment.Status.HIDDEN,
    )
    client.force_login(secretariat_officer)

    content = client.get(url("section", consultation.slug, section.key)).content.decode()

    assert "This comment is hidden pending moderation." in content
    assert "Reported text" not in content
    assert reverse("consultations:moderation_decide", args=["comment", hidden.public_id]) in content


def test_the_outline_links_to_the_results_once_published(client, consultation):
    consultation.phase = Consultation.Phase.RESULTS
    consultation.save()

    content = client.get(url("detail", consultation.slug)).content.decode()

    assert f'href="{url("results", consultation.slug)}"' in content
    assert "not open for contributions now" in content


def test_an_htmx_rating_on_a_closed_consultation_says_why(
    client, consultation, section, respondent, health_worker
):
    consultation.phase = Consultation.Phase.ANALYSIS
    consultation.save()
    client.force_login(health_worker)

    response = client.post(
        url("rate", consultation.slug, section.key), {"stance": "oppose"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200  # htmx swaps only successful answers
    assert (
        '<p class="message error">This consultation is not open for contributions.</p>'
        in response.content.decode()
    )
    assert Rating.objects.count() == 0
