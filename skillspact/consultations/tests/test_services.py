"""Business rules of the respondent's side of a consultation and of moderation."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.accounts.models import User
from skillspact.consultations import selectors, services
from skillspact.consultations.factories import (
    AmendmentFactory,
    CommentFactory,
    ConsultationFactory,
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
    Rating,
    Respondent,
    Section,
)
from skillspact.core.errors import InvalidInput, InvalidState, NotPermitted
from skillspact.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PROFILE = {
    "stakeholder_type": "healthcare_provider",
    "country": "BE",
    "answers_for_organisation": False,
    "organisation_name": "",
    "is_anonymised": True,
}
ANON_KEY = "a" * 64
OTHER_KEY = "b" * 64


@pytest.fixture
def consultation() -> Consultation:
    return ConsultationFactory(slug="skills-2030", title="Skills strategy 2030")


@pytest.fixture
def section(consultation: Consultation) -> Section:
    return SectionFactory(
        version=consultation.version,
        key="digital-skills",
        body="Every nurse should reach a basic level of digital skills by 2030.",
    )


@pytest.fixture
def respondent(consultation: Consultation, health_worker: User) -> Respondent:
    return RespondentFactory(consultation=consultation, user=health_worker)


def reporters(consultation: Consultation, count: int) -> list[User]:
    return [UserFactory(email=f"reporter{n}@example.org") for n in range(count)]


def counts() -> dict[str, int]:
    return {
        "respondents": Respondent.objects.count(),
        "ratings": Rating.objects.count(),
        "comments": Comment.objects.count(),
        "published": Comment.objects.filter(status=Comment.Status.PUBLISHED).count(),
        "amendments": Amendment.objects.count(),
        "answers": Answer.objects.count(),
        "reports": ContentReport.objects.count(),
    }


# -- profile -----------------------------------------------------------------------------------


def test_a_signed_in_person_fills_the_profile_once_and_can_change_it(consultation, health_worker):
    first = services.respondent_save(consultation=consultation, actor=health_worker, data=PROFILE)

    second = services.respondent_save(
        consultation=consultation,
        actor=health_worker,
        data={**PROFILE, "answers_for_organisation": True, "organisation_name": "HUN"},
    )

    assert second.pk == first.pk
    respondent = Respondent.objects.get()
    assert (respondent.user, respondent.anonymous_key) == (health_worker, "")
    assert (respondent.stakeholder_type, str(respondent.country)) == ("healthcare_provider", "BE")
    assert (respondent.answers_for_organisation, respondent.organisation_name) == (True, "HUN")
    assert list(
        AuditEntry.objects.filter(code__startswith="consultations.respondent")
        .order_by("id")
        .values_list("code", "after")
    ) == [
        ("consultations.respondent.created", PROFILE | {"answers_for_organisation": False}),
        (
            "consultations.respondent.updated",
            {"answers_for_organisation": True, "organisation_name": "HUN"},
        ),
    ]


def test_an_anonymous_person_answers_with_the_hash_of_their_cookie(consultation):
    key = selectors.anonymous_key_from_cookie("raw-cookie-value")

    respondent = services.respondent_save(
        consultation=consultation, actor=None, anonymous_key=key, data=PROFILE
    )

    assert respondent.user is None
    assert respondent.anonymous_key == key
    assert len(key) == 64 and "raw-cookie-value" not in key
    assert selectors.respondent_for(consultation=consultation, anonymous_key=key) == respondent


def test_an_anonymous_person_is_refused_where_an_account_is_required(consultation):
    consultation.allows_anonymous = False
    consultation.save()

    with pytest.raises(services.AnonymousNotAllowed) as caught:
        services.respondent_save(
            consultation=consultation, actor=None, anonymous_key=ANON_KEY, data=PROFILE
        )

    assert caught.value.code == "sign_in_required"
    assert Respondent.objects.count() == 0
    assert selectors.respondent_for(consultation=consultation, anonymous_key=ANON_KEY) is None


def test_answering_for_an_organisation_needs_its_name(consultation, health_worker):
    with pytest.raises(InvalidInput) as caught:
        services.respondent_save(
            consultation=consultation,
            actor=health_worker,
            data={**PROFILE, "answers_for_organisation": True},
        )

    assert list(caught.value.fields) == ["organisation_name"]
    assert Respondent.objects.count() == 0


def test_an_unknown_stakeholder_type_or_country_is_refused(consultation, health_worker):
    with pytest.raises(InvalidInput) as caught:
        services.respondent_save(
            consultation=consultation,
            actor=health_worker,
            data={**PROFILE, "stakeholder_type": "astronaut", "country": "XX"},
        )

    assert sorted(caught.value.fields) == ["country", "stakeholder_type"]
    assert Respondent.objects.count() == 0


# -- ratings -----------------------------------------------------------------------------------


def test_a_rating_counts_once_and_a_second_one_replaces_it(respondent, section):
    services.rating_set(respondent=respondent, section=section, stance="support")

    services.rating_set(respondent=respondent, section=section, stance="oppose")

    assert list(Rating.objects.values_list("respondent", "section", "stance")) == [
        (respondent.pk, section.pk, "oppose")
    ]
    assert list(
        AuditEntry.objects.filter(code="consultations.rating.set")
        .order_by("id")
        .values_list("before", "after")
    ) == [({}, {"stance": "support"}), ({"stance": "support"}, {"stance": "oppose"})]


def test_a_rating_of_a_section_outside_the_consultation_is_refused(respondent):
    elsewhere = SectionFactory()

    with pytest.raises(InvalidInput):
        services.rating_set(respondent=respondent, section=elsewhere, stance="support")

    assert Rating.objects.count() == 0


def test_an_unknown_stance_is_refused(respondent, section):
    with pytest.raises(InvalidInput) as caught:
        services.rating_set(respondent=respondent, section=section, stance="love")

    assert list(caught.value.fields) == ["stance"]
    assert Rating.objects.count() == 0


# -- comments ----------------------------------------------------------------------------------


def test_a_comment_is_a_draft_until_published(respondent, section):
    draft = services.comment_create(respondent=respondent, section=section, body="  Needs time. ")
    published = services.comment_create(
        respondent=respondent, section=section, body="Protected time.", publish=True
    )

    assert (draft.status, draft.published_at, draft.body) == (
        Comment.Status.DRAFT,
        None,
        "Needs time.",
    )
    assert published.status == Comment.Status.PUBLISHED
    assert published.published_at is not None


def test_publishing_a_single_draft(respondent, section):
    draft = services.comment_create(respondent=respondent, section=section, body="Needs time.")

    services.comment_publish(respondent=respondent, comment=draft)

    draft.refresh_from_db()
    assert draft.status == Comment.Status.PUBLISHED
    assert draft.published_at is not None


def test_someone_else_cannot_publish_or_discard_my_draft(respondent, section, consultation):
    draft = services.comment_create(respondent=respondent, section=section, body="Needs time.")
    other = RespondentFactory(consultation=consultation)

    with pytest.raises(NotPermitted):
        services.comment_publish(respondent=other, comment=draft)
    with pytest.raises(NotPermitted):
        services.comment_discard(respondent=other, comment=draft)

    draft.refresh_from_db()
    assert draft.status == Comment.Status.DRAFT


def test_a_reply_goes_under_a_published_comment_only(respondent, section, consultation):
    parent = CommentFactory(
        respondent=RespondentFactory(consultation=consultation), section=section
    )
    hidden = CommentFactory(
        respondent=RespondentFactory(consultation=consultation),
        section=section,
        status=Comment.Status.HIDDEN,
    )

    reply = services.comment_create(
        respondent=respondent, section=section, body="I agree.", parent=parent, publish=True
    )
    with pytest.raises(InvalidInput) as caught:
        services.comment_create(
            respondent=respondent, section=section, body="Me too.", parent=hidden, publish=True
        )

    assert reply.parent == parent
    assert list(caught.value.fields) == ["parent"]
    assert Comment.objects.filter(parent=hidden).count() == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "Write your comment."), ("x" * 5001, "at most 5000 characters")],
)
def test_an_empty_or_too_long_comment_is_refused(respondent, section, body, message):
    with pytest.raises(InvalidInput) as caught:
        services.comment_create(respondent=respondent, section=section, body=body)

    assert message in caught.value.fields["body"][0]
    assert Comment.objects.count() == 0


def test_submitting_publishes_every_draft_and_notes_the_time(respondent, section, consultation):
    services.comment_create(respondent=respondent, section=section, body="One.")
    services.comment_create(respondent=respondent, section=section, body="Two.")
    services.amendment_save(respondent=respondent, section=section, text="Every nurse, by 2028.")
    someone_else = services.comment_create(
        respondent=RespondentFactory(consultation=consultation), section=section, body="Not mine."
    )

    published = services.contributions_submit(respondent=respondent)

    respondent.refresh_from_db()
    someone_else.refresh_from_db()
    assert published == 3
    assert respondent.submitted_at is not None
    assert set(Comment.objects.filter(respondent=respondent).values_list("status", flat=True)) == {
        Comment.Status.PUBLISHED
    }
    assert Amendment.objects.get().status == Amendment.Status.PUBLISHED
    assert someone_else.status == Comment.Status.DRAFT


# -- amendments --------------------------------------------------------------------------------


def test_an_amendment_is_one_per_section_and_its_draft_can_change(respondent, section):
    first = services.amendment_save(
        respondent=respondent, section=section, text="Every nurse by 2028.", rationale="Sooner."
    )

    second = services.amendment_save(
        respondent=respondent, section=section, text="Every nurse and assistant by 2028."
    )

    assert second.pk == first.pk
    assert list(Amendment.objects.values_list("text", "rationale", "status")) == [
        ("Every nurse and assistant by 2028.", "", Amendment.Status.DRAFT)
    ]


def test_a_published_amendment_can_no_longer_change(respondent, section):
    services.amendment_save(
        respondent=respondent, section=section, text="Every nurse by 2028.", publish=True
    )

    with pytest.raises(InvalidState):
        services.amendment_save(respondent=respondent, section=section, text="Something else.")

    assert list(Amendment.objects.values_list("text", "status")) == [
        ("Every nurse by 2028.", Amendment.Status.PUBLISHED)
    ]


def test_an_amendment_that_changes_nothing_is_refused(respondent, section):
    with pytest.raises(InvalidInput) as caught:
        services.amendment_save(respondent=respondent, section=section, text=section.body)

    assert list(caught.value.fields) == ["text"]
    assert Amendment.objects.count() == 0


# -- general questions -------------------------------------------------------------------------


def test_answers_are_saved_replaced_and_removed(respondent, consultation):
    free = GeneralQuestion.objects.create(consultation=consultation, text="What is missing?")
    choice = GeneralQuestion.objects.create(
        consultation=consultation,
        text="Most urgent?",
        kind=GeneralQuestion.Kind.CHOICE,
        choices=["Digital", "Green"],
    )
    services.answers_save(respondent=respondent, answers={free.pk: "Funding.", choice.pk: "Green"})

    services.answers_save(respondent=respondent, answers={free.pk: "", choice.pk: "Digital"})

    assert selectors.answers_of(respondent=respondent) == {choice.pk: "Digital"}


def test_an_answer_outside_the_choices_is_refused(respondent, consultation):
    choice = GeneralQuestion.objects.create(
        consultation=consultation, text="Most urgent?", kind="choice", choices=["Digital"]
    )

    with pytest.raises(InvalidInput) as caught:
        services.answers_save(respondent=respondent, answers={choice.pk: "Space travel"})

    assert list(caught.value.fields) == [f"question_{choice.pk}"]
    assert Answer.objects.count() == 0


# -- closed consultations ----------------------------------------------------------------------


def _close_by_phase(consultation: Consultation) -> None:
    consultation.phase = Consultation.Phase.ANALYSIS
    consultation.save()


def _close_by_date(consultation: Consultation) -> None:
    consultation.opens_at = timezone.now() - datetime.timedelta(days=40)
    consultation.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    consultation.save()


def _not_open_yet(consultation: Consultation) -> None:
    consultation.opens_at = timezone.now() + datetime.timedelta(days=1)
    consultation.closes_at = timezone.now() + datetime.timedelta(days=30)
    consultation.save()


@pytest.mark.parametrize("close", [_close_by_phase, _close_by_date, _not_open_yet])
def test_a_closed_consultation_refuses_every_write(
    close: Callable[[Consultation], None], consultation, section, respondent, health_worker
):
    draft = CommentFactory(respondent=respondent, section=section, status=Comment.Status.DRAFT)
    amendment = AmendmentFactory(
        respondent=respondent, section=section, status=Amendment.Status.DRAFT
    )
    question = GeneralQuestion.objects.create(consultation=consultation, text="Anything else?")
    close(consultation)
    respondent.consultation.refresh_from_db()
    before = counts()
    writes: list[Callable[[], Any]] = [
        lambda: services.respondent_save(
            consultation=consultation, actor=health_worker, data=PROFILE
        ),
        lambda: services.respondent_save(
            consultation=consultation, actor=None, anonymous_key=ANON_KEY, data=PROFILE
        ),
        lambda: services.rating_set(respondent=respondent, section=section, stance="support"),
        lambda: services.comment_create(respondent=respondent, section=section, body="Late."),
        lambda: services.comment_publish(respondent=respondent, comment=draft),
        lambda: services.comment_discard(respondent=respondent, comment=draft),
        lambda: services.comment_update(respondent=respondent, comment=draft, body="Edited."),
        lambda: services.amendment_save(respondent=respondent, section=section, text="Late."),
        lambda: services.amendment_publish(respondent=respondent, amendment=amendment),
        lambda: services.amendment_discard(respondent=respondent, amendment=amendment),
        lambda: services.answers_save(respondent=respondent, answers={question.pk: "Late."}),
        lambda: services.contributions_submit(respondent=respondent),
    ]

    for write in writes:
        with pytest.raises(services.ConsultationClosed) as caught:
            write()
        assert caught.value.code == "consultation_closed"

    assert counts() == before
    draft.refresh_from_db()
    amendment.refresh_from_db()
    respondent.refresh_from_db()
    assert (draft.status, draft.body) == (Comment.Status.DRAFT, CommentFactory.body)
    assert amendment.status == Amendment.Status.DRAFT
    assert respondent.submitted_at is None


# -- rate limits -------------------------------------------------------------------------------


def test_the_thirty_first_comment_in_ten_minutes_is_refused(respondent, section):
    for n in range(services.WRITE_LIMIT):
        services.comment_create(respondent=respondent, section=section, body=f"Comment {n}")

    with pytest.raises(services.RateLimited) as caught:
        services.comment_create(respondent=respondent, section=section, body="One too many")

    assert caught.value.status == 429
    assert "wait a few minutes" in caught.value.message
    assert Comment.objects.count() == services.WRITE_LIMIT


def test_the_limit_also_holds_per_client_address(consultation, section):
    first, second = (
        RespondentFactory(consultation=consultation),
        RespondentFactory(consultation=consultation),
    )
    for n in range(services.WRITE_LIMIT):
        services.comment_create(
            respondent=first, section=section, body=f"Comment {n}", client_address="203.0.113.9"
        )

    with pytest.raises(services.RateLimited):
        services.comment_create(
            respondent=second, section=section, body="Same bot", client_address="203.0.113.9"
        )
    services.comment_create(
        respondent=second, section=section, body="Someone else", client_address="198.51.100.1"
    )

    assert Comment.objects.filter(respondent=second).count() == 1


# -- reports -----------------------------------------------------------------------------------


def test_a_person_reports_a_comment_once(section, consultation, outsider):
    comment = CommentFactory(
        respondent=RespondentFactory(consultation=consultation), section=section
    )
    services.content_report(item=comment, actor=outsider, reason="Spam")

    with pytest.raises(services.AlreadyReported):
        services.content_report(item=comment, actor=outsider, reason="Spam again")

    comment.refresh_from_db()
    assert list(ContentReport.objects.values_list("reporter_key", "reason")) == [
        (f"user:{outsider.pk}", "Spam")
    ]
    assert (comment.report_count, comment.status) == (1, Comment.Status.PUBLISHED)


def test_three_different_reporters_hide_a_comment_and_the_secretariat_is_told(
    section, consultation, secretariat_officer, committed
):
    comment = CommentFactory(
        respondent=RespondentFactory(consultation=consultation), section=section
    )
    first, second, third = reporters(consultation, 3)
    services.content_report(item=comment, actor=first, reason="Insulting")
    services.content_report(item=comment, actor=None, anonymous_key=ANON_KEY, reason="Rude")
    comment.refresh_from_db()
    assert (comment.report_count, comment.status) == (2, Comment.Status.PUBLISHED)

    with committed():
        services.content_report(item=comment, actor=third, reason="Insulting")

    comment.refresh_from_db()
    assert (comment.report_count, comment.status) == (3, Comment.Status.HIDDEN)
    assert AuditEntry.objects.filter(code="consultations.comment.hidden").count() == 1
    assert [m.to for m in mail.outbox] == [[secretariat_officer.email]]
    assert mail.outbox[0].subject == "A comment is hidden after reports"


def test_an_anonymous_reporter_counts_once_per_address_whatever_the_cookie(section, consultation):
    comment = CommentFactory(
        respondent=RespondentFactory(consultation=consultation), section=section
    )
    services.content_report(
        item=comment, actor=None, anonymous_key=ANON_KEY, reason="Rude", client_address="192.0.2.7"
    )

    with pytest.raises(services.AlreadyReported):
        services.content_report(
            item=comment,
            actor=None,
            anonymous_key=OTHER_KEY,
            reason="Rude",
            client_address="192.0.2.7",
        )

    assert ContentReport.objects.count() == 1


def test_nobody_reports_their_own_comment_or_a_draft(section, respondent, health_worker):
    own = CommentFactory(respondent=respondent, section=section)
    draft = CommentFactory(section=section, status=Comment.Status.DRAFT)

    with pytest.raises(NotPermitted):
        services.content_report(item=own, actor=health_worker, reason="Oops")
    with pytest.raises(InvalidState):
        services.content_report(item=draft, actor=health_worker, reason="Peeking")

    assert ContentReport.objects.count() == 0


def test_amendments_are_reported_and_hidden_like_comments(section, consultation):
    amendment = AmendmentFactory(
        respondent=RespondentFactory(consultation=consultation), section=section
    )

    for reporter in reporters(consultation, 3):
        services.content_report(item=amendment, actor=reporter, reason="Spam")

    amendment.refresh_from_db()
    assert (amendment.report_count, amendment.status) == (3, Amendment.Status.HIDDEN)


# -- moderation decisions ----------------------------------------------------------------------


@pytest.fixture
def hidden_comment(section: Section, consultation: Consultation, health_worker: User) -> Comment:
    author = RespondentFactory(consultation=consultation, user=health_worker)
    comment = CommentFactory(respondent=author, section=section, body="You are all idiots.")
    for reporter in reporters(consultation, 3):
        services.content_report(item=comment, actor=reporter, reason="Insulting")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    return comment


def test_keeping_a_hidden_comment_publishes_it_again_and_closes_its_reports(
    hidden_comment, secretariat_officer
):
    decision = services.moderation_decide(
        item=hidden_comment, actor=secretariat_officer, decision="keep", reason="Robust, not rude."
    )

    hidden_comment.refresh_from_db()
    assert (hidden_comment.status, hidden_comment.report_count) == (Comment.Status.PUBLISHED, 0)
    assert list(ContentReport.objects.values_list("is_resolved", flat=True)) == [True] * 3
    assert (decision.comment, decision.decision, decision.decided_by) == (
        hidden_comment,
        "keep",
        secretariat_officer,
    )
    assert AuditEntry.objects.get(code="consultations.comment.kept").message == "Robust, not rude."


def test_removing_a_comment_logs_it_and_tells_the_author(
    hidden_comment, secretariat_officer, health_worker, committed
):
    with committed():
        services.moderation_decide(
            item=hidden_comment, actor=secretariat_officer, decision="remove", reason="Insults."
        )

    hidden_comment.refresh_from_db()
    assert hidden_comment.status == Comment.Status.REMOVED
    assert ModerationDecision.objects.get().decision == "remove"
    entry = AuditEntry.objects.get(code="consultations.comment.removed")
    assert (entry.actor, entry.before, entry.after) == (
        secretariat_officer,
        {"status": "hidden"},
        {"status": "removed"},
    )
    assert [m.to for m in mail.outbox] == [[health_worker.email]]
    assert mail.outbox[0].subject == "Your comment was removed by the moderators"
    assert "Insults." in mail.outbox[0].body


def test_an_anonymous_authors_removed_comment_sends_no_mail(
    section, consultation, secretariat_officer, committed
):
    author = RespondentFactory(consultation=consultation, user=None, anonymous_key=ANON_KEY)
    comment = CommentFactory(respondent=author, section=section)

    with committed():
        services.moderation_decide(
            item=comment, actor=secretariat_officer, decision="remove", reason="Spam."
        )

    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    assert mail.outbox == []


def test_new_reports_after_a_keep_decision_count_from_zero(hidden_comment, secretariat_officer):
    services.moderation_decide(
        item=hidden_comment, actor=secretariat_officer, decision="keep", reason="Fine."
    )

    services.content_report(item=hidden_comment, actor=UserFactory(), reason="Still rude")

    hidden_comment.refresh_from_db()
    assert (hidden_comment.status, hidden_comment.report_count) == (Comment.Status.PUBLISHED, 1)


def test_only_the_secretariat_decides(hidden_comment, outsider):
    with pytest.raises(PermissionDenied):
        services.moderation_decide(
            item=hidden_comment, actor=outsider, decision="keep", reason="I like it."
        )

    hidden_comment.refresh_from_db()
    assert hidden_comment.status == Comment.Status.HIDDEN
    assert ModerationDecision.objects.count() == 0
    assert ContentReport.objects.filter(is_resolved=False).count() == 3


def test_a_decision_needs_a_reason(hidden_comment, secretariat_officer):
    with pytest.raises(InvalidInput) as caught:
        services.moderation_decide(
            item=hidden_comment, actor=secretariat_officer, decision="remove", reason=" "
        )

    assert list(caught.value.fields) == ["reason"]
    hidden_comment.refresh_from_db()
    assert hidden_comment.status == Comment.Status.HIDDEN
    assert ModerationDecision.objects.count() == 0


# -- selectors ---------------------------------------------------------------------------------


def test_the_public_sees_open_consultations_and_the_secretariat_drafts_too(
    secretariat_officer, outsider
):
    ConsultationFactory(slug="open-one")
    ConsultationFactory(slug="in-preparation", phase=Consultation.Phase.DRAFT)

    assert [c.slug for c in selectors.consultations_visible_to(user=outsider)] == ["open-one"]
    assert sorted(c.slug for c in selectors.consultations_visible_to(user=secretariat_officer)) == [
        "in-preparation",
        "open-one",
    ]
    with pytest.raises(Http404):
        selectors.consultation_get_for_view(user=outsider, slug="in-preparation")


def test_a_thread_shows_placeholders_for_hidden_comments_and_only_my_drafts(
    section, consultation, respondent
):
    other = RespondentFactory(consultation=consultation)
    parent = CommentFactory(respondent=other, section=section, body="Parent")
    hidden = CommentFactory(
        respondent=other, section=section, parent=parent, status=Comment.Status.HIDDEN
    )
    mine = CommentFactory(respondent=respondent, section=section, status=Comment.Status.DRAFT)
    CommentFactory(respondent=other, section=section, status=Comment.Status.DRAFT)

    as_me = selectors.comment_thread(
        consultation=consultation, section=section, respondent=respondent
    )
    as_public = selectors.comment_thread(consultation=consultation, section=section)

    assert [(n.comment, n.is_visible, [r.comment for r in n.replies]) for n in as_me] == [
        (parent, True, [hidden]),
        (mine, True, []),
    ]
    assert as_me[0].replies[0].is_visible is False
    assert [n.comment for n in as_public] == [parent]
