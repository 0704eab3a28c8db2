"""Security of the consultation pages: stored XSS renders inert, a closed consultation refuses
every write, one person's rating counts once, hidden text never reaches the public."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from skillspact.accounts.models import User
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
    Rating,
    Respondent,
    Section,
)

pytestmark = pytest.mark.django_db

XSS = (
    "<script>alert('comment')</script>\n\n"
    '<img src=x onerror="alert(1)">\n\n'
    "[click me](javascript:alert(2))\n\n"
    '<a href="#" onclick="alert(3)">raw link</a>'
)


@pytest.fixture
def consultation() -> Consultation:
    return ConsultationFactory(slug="skills-2030")


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


def section_url(consultation: Consultation, section: Section, name: str = "section") -> str:
    return reverse(f"consultations:{name}", args=[consultation.slug, section.key])


class _Elements(HTMLParser):
    """Every element of a page with its attributes, as a browser would build them."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def assert_inert(content: str) -> None:
    """No element the attacker wrote: no script from them, no image, no event handler, no
    javascript: link (the page's own scripts come from the site's static files)."""
    parser = _Elements()
    parser.feed(content)
    for tag, attrs in parser.elements:
        assert not (tag == "script" and "src" not in attrs), attrs
        assert tag != "img"
        assert not [name for name in attrs if name.startswith("on") and name != "onchange"], tag
        assert not attrs.get("href", "").strip().lower().startswith("javascript:")
    assert "alert(" not in "".join(str(attrs) for _, attrs in parser.elements)


def test_a_stored_xss_attempt_in_a_comment_renders_inert(
    client, consultation, section, respondent, health_worker, outsider
):
    client.force_login(health_worker)
    client.post(section_url(consultation, section, "comment"), {"body": XSS, "action": "publish"})
    assert Comment.objects.get().body == XSS.strip()

    client.force_login(outsider)
    content = client.get(section_url(consultation, section)).content.decode()

    assert_inert(content)
    assert "&lt;script&gt;alert(" in content  # shown as text


def test_a_stored_xss_attempt_in_an_amendment_renders_inert_in_the_diff(
    client, consultation, section, respondent, health_worker, outsider
):
    client.force_login(health_worker)
    client.post(
        section_url(consultation, section, "amend"),
        {"text": f"Every nurse {XSS}", "rationale": XSS, "action": "publish"},
    )
    assert Amendment.objects.get().status == Amendment.Status.PUBLISHED

    client.force_login(outsider)
    content = client.get(section_url(consultation, section)).content.decode()

    assert_inert(content)
    diff = content[content.index('<div class="diff">') :]
    assert "<ins>" in diff
    assert "&lt;script&gt;alert(&#x27;comment&#x27;)&lt;/script&gt;" in diff


def test_the_diff_preview_is_inert_too(client, consultation, section, respondent, health_worker):
    client.force_login(health_worker)

    response = client.post(section_url(consultation, section, "amendment_preview"), {"text": XSS})

    assert_inert(response.content.decode())
    assert Amendment.objects.count() == 0


def test_the_secretariats_section_text_is_rendered_with_the_same_sanitiser(
    client, consultation, health_worker
):
    section = SectionFactory(version=consultation.version, key="evil", body=XSS)

    content = client.get(section_url(consultation, section)).content.decode()

    assert_inert(content)


def test_a_closed_consultation_refuses_writes_through_the_pages(
    client, consultation, section, respondent, health_worker
):
    draft = CommentFactory(respondent=respondent, section=section, status=Comment.Status.DRAFT)
    question = GeneralQuestion.objects.create(consultation=consultation, text="Anything else?")
    consultation.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    consultation.opens_at = timezone.now() - datetime.timedelta(days=30)
    consultation.save()
    client.force_login(health_worker)
    posts = [
        (section_url(consultation, section, "rate"), {"stance": "oppose"}),
        (section_url(consultation, section, "comment"), {"body": "Late", "action": "publish"}),
        (section_url(consultation, section, "amend"), {"text": "Late", "action": "publish"}),
        (reverse("consultations:profile", args=[consultation.slug]), {"country": "FR"}),
        (reverse("consultations:questions", args=[consultation.slug]), {}),
    ]

    statuses = [client.post(path, data).status_code for path, data in posts]
    publish = client.post(
        reverse("consultations:comment_publish", args=[consultation.slug, draft.public_id]),
        follow=True,
    )
    submit = client.post(reverse("consultations:submit", args=[consultation.slug]), follow=True)
    page = client.get(section_url(consultation, section)).content.decode()

    # The incomplete profile (422) is refused before the dates are looked at.
    assert statuses == [409, 409, 409, 422, 409]
    assert "not open for contributions" in publish.content.decode()
    assert "not open for contributions" in submit.content.decode()
    assert "not open for contributions" in page
    assert 'id="comment-form"' not in page
    assert (Rating.objects.count(), Amendment.objects.count(), Answer.objects.count()) == (0, 0, 0)
    assert list(Comment.objects.values_list("status", flat=True)) == [Comment.Status.DRAFT]
    respondent.refresh_from_db()
    assert (respondent.submitted_at, str(respondent.country)) == (None, "BE")
    assert question.answers.count() == 0


def test_a_complete_profile_is_refused_when_closed(client, consultation, health_worker):
    consultation.phase = Consultation.Phase.RESULTS
    consultation.save()
    client.force_login(health_worker)

    response = client.post(
        reverse("consultations:profile", args=[consultation.slug]),
        {"stakeholder_type": "healthcare_provider", "country": "BE"},
    )

    assert response.status_code == 409
    assert Respondent.objects.count() == 0


def test_one_person_cannot_rate_a_section_twice(
    client, consultation, section, respondent, health_worker
):
    client.force_login(health_worker)

    for stance in ("support", "oppose", "support", "neutral"):
        client.post(section_url(consultation, section, "rate"), {"stance": stance})

    assert list(Rating.objects.values_list("respondent", "section", "stance")) == [
        (respondent.pk, section.pk, "neutral")
    ]


def test_an_anonymous_person_rates_once_with_the_same_cookie(client, consultation, section):
    client.post(
        reverse("consultations:profile", args=[consultation.slug]),
        {"stakeholder_type": "other", "country": "FR"},
    )

    for stance in ("support", "oppose"):
        client.post(section_url(consultation, section, "rate"), {"stance": stance})

    assert list(Rating.objects.values_list("stance", flat=True)) == ["oppose"]


def test_a_forged_cookie_is_nobody(client, consultation, section):
    anonymous = RespondentFactory(consultation=consultation, user=None, anonymous_key="f" * 64)
    draft = CommentFactory(respondent=anonymous, section=section, status=Comment.Status.DRAFT)
    client.cookies["spk_consult"] = "f" * 64  # the stored hash is not the cookie

    page = client.get(reverse("consultations:mine", args=[consultation.slug]))
    publish = client.post(
        reverse("consultations:comment_publish", args=[consultation.slug, draft.public_id])
    )

    assert page.status_code == 302
    assert publish.status_code == 404
    draft.refresh_from_db()
    assert draft.status == Comment.Status.DRAFT


def test_hidden_and_removed_text_never_reaches_the_public(client, consultation, section):
    author = RespondentFactory(consultation=consultation)
    CommentFactory(respondent=author, section=section, body="Hidden insult", status="hidden")
    CommentFactory(respondent=author, section=section, body="Removed insult", status="removed")
    AmendmentFactory(respondent=author, section=section, text="Secret proposal", status="hidden")

    content = client.get(section_url(consultation, section)).content.decode()

    assert "insult" not in content
    assert "Secret proposal" not in content
    assert "This comment is hidden pending moderation." in content
    assert "This comment was removed by the moderators." in content
    assert "This amendment is hidden pending moderation." in content


def test_the_report_form_cannot_be_used_on_another_consultations_comment(client, section):
    other = ConsultationFactory(slug="another")
    comment = CommentFactory(respondent=RespondentFactory(consultation=other), section=section)

    response = client.post(
        reverse("consultations:report", args=["skills-2030", "comment", comment.public_id]),
        {"reason": "Spam"},
    )

    assert response.status_code == 404
    assert ContentReport.objects.count() == 0
