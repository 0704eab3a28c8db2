"""The demo's strategy, its two versions and its two consultations."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.accounts.models import User
from skillspact.consultations import demo_data, demo_texts, selectors
from skillspact.consultations.models import (
    Amendment,
    Answer,
    Comment,
    Consultation,
    ContentReport,
    Outcome,
    Rating,
    Respondent,
    SectionChange,
    StrategyDocument,
    Theme,
)
from skillspact.organisations.factories import AffiliationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

PAST, OPEN = demo_texts.PAST_SLUG, demo_texts.OPEN_SLUG


@pytest.fixture
def people(secretariat_officer: User) -> dict[str, Any]:
    """The secretariat, the demo health worker and ten people, six of them for organisations."""
    for n in range(10):
        user = UserFactory(email=f"person{n}@example.org")
        if n < 6:
            AffiliationFactory(
                user=user, organisation=OrganisationFactory(country="PT", legal_name=f"Org {n}")
            )
    return {
        "secretariat": secretariat_officer,
        "worker": UserFactory(email="worker@example.org", full_name="Ana Novak"),
    }


def seeded(people: dict[str, Any], seed: int = 2026) -> demo_data.Seeded:
    return demo_data.seed(seed=seed, secretariat=people["secretariat"], worker=people["worker"])


def counts(slug: str) -> dict[str, Any]:
    of = {"respondent__consultation__slug": slug}
    return {
        "phase": Consultation.objects.get(slug=slug).phase,
        "respondents": Respondent.objects.filter(consultation__slug=slug).count(),
        "submitted": Respondent.objects.filter(
            consultation__slug=slug, submitted_at__isnull=False
        ).count(),
        "ratings": Counter(Rating.objects.filter(**of).values_list("stance", flat=True)),
        "comments": Counter(Comment.objects.filter(**of).values_list("status", flat=True)),
        "replies": Comment.objects.filter(**of, parent__isnull=False).count(),
        "amendments": Counter(Amendment.objects.filter(**of).values_list("status", flat=True)),
        "answers": Answer.objects.filter(**of).count(),
        "outcomes": Counter(
            Outcome.objects.filter(consultation__slug=slug).values_list("result", flat=True)
        ),
        "themes": Theme.objects.filter(consultation__slug=slug).count(),
    }


def test_a_closed_consultation_with_results_and_an_open_one(people):
    summary = seeded(people)

    assert counts(PAST) == {
        "phase": "results",
        "respondents": 81,
        "submitted": 81,
        "ratings": {"support": 251, "neutral": 81, "oppose": 64},
        "comments": {"published": 156},
        "replies": 12,
        "amendments": {"published": 3},
        "answers": 92,
        "outcomes": {"accepted": 19, "partly": 4, "not_taken": 9},
        "themes": 9,
    }
    assert counts(OPEN) == {
        "phase": "open",
        "respondents": 161,
        "submitted": 82,
        "ratings": {"support": 521, "neutral": 148, "oppose": 134},
        "comments": {"published": 338, "draft": 11, "hidden": 1},
        "replies": 30,
        "amendments": {"published": 4, "draft": 1},
        "answers": 162,
        "outcomes": {},
        "themes": 12,
    }
    assert summary.text() == (
        f"  consultations   2 ({PAST}, {OPEN})\n"
        "  respondents     242 (closed 81, open 161); comments 156 and 350; 4 changes in "
        "version 2, 32 outcomes"
    )


def test_version_two_changes_three_sections_and_adds_one(people):
    seeded(people)

    document = StrategyDocument.objects.get(slug=demo_texts.DOCUMENT_SLUG)
    first, second = document.versions.order_by("number")
    assert (first.is_published, second.is_published) == (True, True)
    assert first.sections.count() == 10
    assert list(second.sections.order_by("position").values_list("number", "heading"))[3:5] == [
        ("4", "Advanced digital and data skills"),
        ("5", "Artificial intelligence and patient safety"),
    ]
    past = Consultation.objects.get(slug=PAST)
    assert past.result_version == second
    changes = SectionChange.objects.filter(consultation=past)
    assert sorted(
        ((c.after or c.before).heading, c.kind)
        for c in changes  # type: ignore[union-attr]
    ) == [
        ("Artificial intelligence and patient safety", "added"),
        ("Digital skills for every health worker", "changed"),
        ("Green skills and sustainable healthcare", "changed"),
        ("Learning time and funding", "changed"),
    ]
    assert all(change.explanation for change in changes)
    assert Consultation.objects.get(slug=OPEN).version == second


def test_outcomes_answer_the_comments_that_led_to_a_change_and_were_sent(people):
    seeded(people)
    past = Consultation.objects.get(slug=PAST)

    outcomes = Outcome.objects.filter(consultation=past).select_related(
        "comment__section", "amendment__section", "change"
    )

    linked = [o for o in outcomes if o.change_id is not None]
    assert len(linked) == 23
    for outcome in linked:
        item = outcome.comment or outcome.amendment
        assert outcome.result in ("accepted", "partly")
        assert item.section.heading in (  # type: ignore[union-attr]
            outcome.change.before.heading if outcome.change.before else "",  # type: ignore[union-attr]
            "Advanced digital and data skills",
        )
    assert all(o.notified_at == past.results_published_at for o in outcomes)
    worker = Outcome.objects.filter(comment__respondent__user=people["worker"])
    assert sorted(worker.values_list("result", flat=True)) == ["not_taken", "partly"]


def test_the_open_consultation_has_reports_waiting_for_the_secretariat(people, client):
    seeded(people)

    queue = selectors.moderation_queue(user=people["secretariat"])

    assert [(item.kind, item.is_hidden, len(item.reports)) for item in queue] == [
        ("comment", True, 1 + 2),
        ("comment", False, 1),
    ]
    assert queue[0].item.body == demo_texts.SPAM_COMMENT
    assert ContentReport.objects.count() == 4
    client.force_login(people["secretariat"])
    page = client.get(f"/secretariat/consultations/{OPEN}/analysis/")
    assert page.status_code == 200
    assert [item.theme.size for item in page.context["themes"]][:3] == [67, 41, 35]


def test_comments_are_dated_within_their_consultation_and_replies_after_their_parent(people):
    seeded(people)

    now = timezone.now()
    for consultation in Consultation.objects.all():
        comments = Comment.objects.filter(
            respondent__consultation=consultation, status__in=["published", "hidden"]
        ).select_related("parent")
        for comment in comments:
            assert comment.published_at is not None
            assert consultation.opens_at <= comment.published_at <= min(consultation.closes_at, now)
            if comment.parent is not None:
                assert comment.published_at >= comment.parent.published_at  # type: ignore[operator]


def test_comments_are_varied_and_some_are_in_french_german_or_spanish(people):
    seeded(people)

    bodies = list(Comment.objects.values_list("body", flat=True))
    foreign = {text for texts in demo_texts.FOREIGN_POINTS.values() for text in texts}
    assert len(set(bodies)) == 371
    assert sum(body in foreign for body in bodies) == 52


def test_every_respondent_keeps_the_rules_of_the_profile_form(people):
    seeded(people)

    for respondent in Respondent.objects.all():
        respondent.full_clean()
        assert bool(respondent.organisation_name) == respondent.answers_for_organisation
        assert (respondent.user_id is None) == bool(respondent.anonymous_key)
    worker = Respondent.objects.filter(user=people["worker"])
    assert sorted(worker.values_list("consultation__slug", "is_anonymised")) == [
        (PAST, False),
        (OPEN, False),
    ]


class _Rollback(Exception):
    pass


def _bodies(people: dict[str, Any], seed: int) -> list[str]:
    found: list[str] = []
    try:
        with transaction.atomic():
            seeded(people, seed)
            found = list(Comment.objects.order_by("id").values_list("body", flat=True))
            raise _Rollback
    except _Rollback:
        pass
    return found


def test_the_same_seed_gives_the_same_comments(people):
    first, again, other = _bodies(people, 7), _bodies(people, 7), _bodies(people, 8)

    assert first and first == again
    assert other != first


def test_seed_demo_loads_the_consultations():
    out = io.StringIO()
    call_command(
        "seed_demo",
        organisations=60,
        job_ads=1_500,
        survey_responses=200,
        stdout=out,
        stderr=io.StringIO(),
    )

    assert (
        "  respondents     242 (closed 81, open 161); comments 156 and 350; 4 changes in "
        "version 2, 32 outcomes\n"
    ) in out.getvalue()
    assert Respondent.objects.filter(user__email="worker@demo.skillspact.eu").count() == 2
