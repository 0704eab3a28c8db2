"""Skills intelligence, walked in Chromium: the secretariat builds a survey with a skills matrix
in two languages, publishes it and invites a nurse; the nurse opens the personal link from the
e-mail and answers; the results page shows the response and the gap page lists the skills."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from skillspact.accounts.models import User
from skillspact.intelligence.models import Response, Survey, SurveyInvitation
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from tests.browser.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NewPage = Callable[[], Page]
PASSWORD = "correct horse battery staple"
NURSE = "ward.nurse@hospital.example.eu"


def shot(page: Page, name: str) -> None:
    page.screenshot(path=f"/tmp/intel-{name}.png", full_page=True)  # noqa: S108


def answer_in_browser(page: Page) -> None:
    """The nurse answers on the respondent pages: profile, the matrix, then submit."""
    page.get_by_label(re.compile("Country")).first.select_option("ES")
    for box in page.locator("input[type=radio][value='4']").all():
        box.check()
    page.get_by_role("button", name=re.compile("Submit|Send", re.I)).click()
    expect(page.get_by_text(re.compile("Thank you", re.I)).first).to_be_visible()


def test_build_publish_invite_answer_and_read_results(
    new_page: NewPage,
    esco_v1: Any,  # noqa: F811
    secretariat_officer: User,
) -> None:
    secretariat_officer.set_password(PASSWORD)
    secretariat_officer.save()
    officer = new_page()
    sign_in(officer, email=secretariat_officer.email, password=PASSWORD)

    # The secretariat builds the survey in English and French, by invitation only.
    officer.goto("/intelligence/surveys/")
    expect(officer.get_by_text("No survey yet.")).to_be_visible()
    officer.get_by_role("link", name="Build a survey").first.click()
    officer.get_by_label("Title (English)").fill("Flash survey on digital skills")
    officer.get_by_label("Introduction (English)").fill("Ten minutes on the skills you use.")
    officer.get_by_label("Title (French)").fill("Enquête flash sur les compétences numériques")
    officer.get_by_label("Personal invitation links only").check()
    officer.get_by_label("Series").fill("flash-digital")
    officer.get_by_label("Wave", exact=True).fill("2026")
    officer.get_by_role("button", name="Create the draft").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Flash survey on digital skills")

    # A skills matrix: one skill found by name, one from the occupation's profile.
    officer.get_by_label("Add a question of type").select_option("skills_matrix")
    officer.get_by_role("button", name="Add a question").click()
    officer.get_by_label("Question (English)").fill("Rate these skills")
    officer.get_by_label("Question (French)").fill("Évaluez ces compétences")
    officer.get_by_label("Find skills by name").fill("clinical risk")
    officer.locator("#skill-results").get_by_label("manage clinical risk").check()
    expect(officer.locator("#chosen-skills")).to_contain_text("manage clinical risk")
    officer.get_by_label("Find skills by name").fill("data protection")
    officer.locator("#skill-results").get_by_label("data protection").check()
    expect(officer.locator("#chosen-skills")).to_contain_text("data protection")
    shot(officer, "question-form")
    officer.get_by_role("button", name="Save the question").click()
    expect(officer.locator("#question-q1")).to_contain_text("manage clinical risk")
    expect(officer.locator("#question-q1")).to_contain_text("data protection")

    officer.get_by_role("link", name="Preview as a respondent").click()
    expect(officer.get_by_role("heading", name=re.compile("Rate these skills"))).to_be_visible()
    shot(officer, "preview")
    officer.go_back()

    officer.get_by_role("button", name="Publish").click()
    expect(officer.get_by_text("The survey is published.")).to_be_visible()
    shot(officer, "survey-detail")

    # An invitation with a bad line first: nothing is sent and the line is named.
    officer.get_by_role("link", name="Invitations").click()
    officer.get_by_label("E-mail addresses").fill(f"{NURSE}\nnot an address")
    officer.get_by_role("button", name="Send the invitations").click()
    expect(officer.get_by_role("alert")).to_contain_text("Line 2")
    assert mail.outbox == []
    officer.get_by_label("E-mail addresses").fill(NURSE)
    officer.get_by_role("button", name="Send the invitations").click()
    expect(officer.get_by_text("1 invitations sent")).to_be_visible()
    shot(officer, "invitations")

    # The nurse opens the personal link from the e-mail and answers.
    message = next(m for m in mail.outbox if m.to == [NURSE])
    link = re.search(r"https?://\S+(/s/i/[\w-]+/)", message.body)
    assert link is not None
    invitation = SurveyInvitation.objects.get(email=NURSE)
    assert link.group(1) == f"/s/i/{invitation.token}/"
    nurse = new_page()
    nurse.goto(link.group(1))
    answer_in_browser(nurse)
    assert Response.objects.filter(status="submitted").count() == 1

    # The results page shows the response and the matrix; the gap page lists the skills.
    survey = Survey.objects.get()
    officer.goto(f"/intelligence/surveys/{survey.slug}/results/")
    expect(officer.locator("#count-submitted")).to_have_text("1")
    expect(officer.locator("#result-q1")).to_contain_text("manage clinical risk")
    expect(officer.locator("#result-q1")).to_contain_text("small sample")
    expect(officer.locator("#chart-q1 + div, [data-chart=chart-q1]").first).to_be_visible()
    shot(officer, "results")
    officer.goto("/intelligence/gaps/")
    expect(officer.get_by_text("manage clinical risk").first).to_be_visible()
    expect(officer.get_by_text("data protection").first).to_be_visible()
    shot(officer, "gaps")
