"""The public consultation, walked in Chromium: import a strategy, consult on it, moderate,
answer with the next version ("you said, we did"), and each respondent sees the outcome."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from skillspact.accounts.models import User
from skillspact.consultations.models import Comment, Consultation, Rating
from tests.browser.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NewPage = Callable[[], Page]

STRATEGY = "Health workforce skills strategy"
CONSULTATION = "Consultation on the health workforce skills strategy"
STRATEGY_MARKDOWN = """\
# Why skills matter

Health systems need nurses and carers with up-to-date skills.

# Digital skills for nurses

Every nurse should learn telehealth by 2030.

# Funding the training

Member states fund the courses through the ESF+.
"""
DIGITAL = "2 Digital skills for nurses"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
CONTACT_COMMENT = "Telehealth alone is too narrow: add electronic health records."
REPLY = "We added electronic health records to the section."


def said(page: Page) -> Locator:
    """The page's messages; a section page has a second live region, for the rating."""
    return page.get_by_role("status").first


def local(moment: datetime.datetime) -> str:
    """A datetime-local input's value, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def fill_profile(page: Page, *, stakeholder: str, country: str, organisation: str = "") -> None:
    """From the consultation's page: say briefly who one is."""
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    page.get_by_label("You answer as").select_option(label=stakeholder)
    page.get_by_label("Country").select_option(label=country)
    if organisation:
        page.get_by_label("I answer on behalf of an organisation").check()
        page.get_by_label("Name of the organisation").fill(organisation)
        page.get_by_label("Leave my name out of published results and exports").uncheck()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("status")).to_have_text("Thank you. Your profile is saved.")


def open_consultation(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Consultation", exact=True).click()
    page.get_by_role("link", name=CONSULTATION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CONSULTATION)


def rate(page: Page, stance: str) -> None:
    rating = page.get_by_role("region", name="Do you support this section?")
    rating.get_by_label(stance, exact=True).check()
    rating.get_by_role("button", name="my view").click()
    expect(rating.get_by_role("status")).to_have_text(
        "Your view is saved. You can change it while the consultation is open."
    )


def comment(page: Page, text: str) -> None:
    page.get_by_label("Your comment").fill(text)
    page.get_by_role("button", name="Publish now").click()
    expect(said(page)).to_have_text("Your comment is published.")


def report(page: Page, *, author: str, reason: str) -> None:
    page.get_by_role("link", name=f"Report the comment by {author}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a comment")
    page.get_by_label("What is wrong with it?").fill(reason)
    page.get_by_role("button", name="Send the report").click()
    expect(said(page)).to_have_text("Thank you. The moderators will look at it.")


def test_a_strategy_is_consulted_on_and_respondents_see_what_became_of_their_comments(
    page: Page,
    new_page: NewPage,
    secretariat_officer: User,
    organisation_contact: User,
    health_worker: User,
    outsider: User,
    password: str,
) -> None:
    now = timezone.now()
    # The live server's first answer imports every URLconf (the APIs, numpy, scipy: seconds on a
    # busy machine); only this first page gets longer than the 5-second default.
    page.goto("/", timeout=30_000)

    # Given the secretariat imports a strategy from a Markdown file
    officer = page
    sign_in(officer, email=secretariat_officer.email, password=password)
    officer.get_by_role("navigation", name="Secretariat").get_by_role(
        "link", name="Consultations"
    ).click()
    officer.get_by_role("link", name="Strategies and versions").click()
    officer.get_by_label("Title").fill(STRATEGY)
    officer.get_by_label("File").set_input_files(
        files=[
            {
                "name": "strategy.md",
                "mimeType": "text/markdown",
                "buffer": STRATEGY_MARKDOWN.encode(),
            }
        ]
    )
    officer.get_by_role("button", name="Import as a draft").click()
    expect(officer.get_by_role("status")).to_have_text(
        "The strategy is imported as a draft with 3 sections. Check them, then publish the version."
    )
    expect(officer.get_by_role("heading", level=3)).to_have_text(
        ["1 Why skills matter", DIGITAL, "3 Funding the training"]
    )

    # And publishes version 1 and opens a consultation on it, anonymous answers allowed
    officer.get_by_role("button", name="Publish version 1").click()
    expect(officer.get_by_role("status")).to_have_text(
        "Version 1 is published; it will not change any more."
    )
    officer.get_by_role("link", name="Start a consultation on this version").click()
    officer.get_by_label("Version consulted on").select_option(label=f"{STRATEGY} — v1")
    officer.get_by_label("Title").fill(CONSULTATION)
    officer.get_by_label("Opens").fill(local(now - datetime.timedelta(hours=1)))
    officer.get_by_label("Closes").fill(local(now + datetime.timedelta(days=30)))
    officer.get_by_label("People may answer without an account").check()
    officer.get_by_role("button", name="Save").click()
    expect(officer.get_by_role("status")).to_have_text(
        "The consultation is saved in preparation. Add the general questions, then open it."
    )
    officer.get_by_role("button", name="Open the consultation").click()
    expect(officer.get_by_role("status")).to_have_text("The consultation is open.")

    # When a member organisation's contact gives their profile, rates a section and changes
    # their mind, comments, and proposes an amendment
    contact = new_page()
    sign_in(contact, email=organisation_contact.email, password=password)
    open_consultation(contact)
    fill_profile(
        contact,
        stakeholder="Healthcare provider",
        country="Spain",
        organisation="Hospital Universitario del Norte",
    )
    contact.get_by_role("link", name=DIGITAL).click()
    expect(contact.get_by_role("heading", level=1)).to_have_text(DIGITAL)
    rate(contact, "I oppose it")
    rate(contact, "I support it")
    comment(contact, CONTACT_COMMENT)
    contact.get_by_label("The text you propose for this section").fill(
        "Every nurse should learn telehealth and electronic health records by 2028."
    )
    contact.get_by_label("Why this change?").fill("Records are part of daily work.")
    contact.get_by_role("button", name="Show my changes").click()
    preview = contact.locator("#amendment-preview .diff")
    expect(preview.locator("ins")).to_contain_text(["and electronic health records", "2028."])
    expect(preview.locator("del")).to_contain_text(["2030."])
    contact.get_by_role("button", name="Publish my change").click()
    expect(said(contact)).to_have_text("Your amendment is published.")
    amendment = contact.get_by_role("article", name="Amendment by Hospital Universitario del Norte")
    expect(amendment.locator(".diff ins")).to_contain_text(["and electronic health records"])
    expect(amendment.locator(".diff del")).to_contain_text(["2030."])

    # And a health worker does the same with a comment that tries to run a script
    worker = new_page()
    sign_in(worker, email=health_worker.email, password=password)
    open_consultation(worker)
    fill_profile(worker, stakeholder="Other", country="Portugal")
    worker.get_by_role("link", name=DIGITAL).click()
    rate(worker, "I support it")
    comment(worker, f"Nice plan {XSS}")

    # And an anonymous visitor too
    visitor = new_page()
    open_consultation(visitor)
    fill_profile(visitor, stakeholder="Research institution", country="Belgium")
    visitor.get_by_role("link", name=DIGITAL).click()
    rate(visitor, "Neutral")
    comment(visitor, "Who trains the trainers?")

    # Then the section shows all three comments, the script inert, and one rating per person
    visitor.reload()
    thread = visitor.get_by_role("list", name="Comments")
    expect(thread.get_by_role("article")).to_have_count(3)
    xss_comment = visitor.get_by_role("article", name="Comment by Other, Portugal")
    expect(xss_comment).to_contain_text("Nice plan")
    expect(xss_comment.locator("script, [onerror]")).to_have_count(0)
    assert visitor.evaluate("window.__xss") is None
    assert worker.evaluate("window.__xss") is None
    expect(visitor.get_by_role("region", name="Do you support this section?")).to_contain_text(
        "2 people support it 1 is neutral 0 oppose it"
    )
    contact_rating = Rating.objects.get(
        respondent__user=organisation_contact, section__key="digital-skills-for-nurses"
    )
    assert contact_rating.stance == Rating.Stance.SUPPORT
    assert Rating.objects.filter(respondent__user=organisation_contact).count() == 1

    # When three different people report that comment
    contact.reload()
    report(contact, author="Other, Portugal", reason="It tries to run a script.")
    report(visitor, author="Other, Portugal", reason="Spam with code in it.")
    reporter = new_page()
    sign_in(reporter, email=outsider.email, password=password)
    open_consultation(reporter)
    reporter.get_by_role("link", name=DIGITAL).click()
    report(reporter, author="Other, Portugal", reason="Looks like an attack.")

    # Then it is hidden: a fresh visitor sees only a placeholder
    fresh = new_page()
    open_consultation(fresh)
    fresh.get_by_role("link", name=DIGITAL).click()
    hidden = fresh.get_by_role("article", name="Hidden comment")
    expect(hidden).to_have_text("This comment is hidden pending moderation.")
    expect(fresh.get_by_text("Nice plan")).to_have_count(0)
    assert fresh.evaluate("window.__xss") is None
    assert Comment.objects.get(body__startswith="Nice plan").status == Comment.Status.HIDDEN
    [alert] = [m for m in mail.outbox if m.to == [secretariat_officer.email]]
    assert alert.subject == "A comment is hidden after reports"

    # And the secretariat finds it in the moderation queue, with the reasons
    officer.get_by_role("link", name="Moderation").click()
    queue = officer.get_by_role("table", name="Reported contributions")
    row = queue.get_by_role("row").filter(has_text="Nice plan")
    expect(row.get_by_role("cell").nth(2)).to_have_text("3")
    expect(row.get_by_role("listitem")).to_have_text(
        ["It tries to run a script.", "Spam with code in it.", "Looks like an attack."]
    )
    expect(row.get_by_role("cell").nth(4)).to_have_text("Hidden")
    assert officer.evaluate("window.__xss") is None

    # When the secretariat closes the consultation
    officer.get_by_role("navigation", name="Secretariat").get_by_role(
        "link", name="Consultations"
    ).click()
    officer.get_by_role("link", name=CONSULTATION).click()
    officer.get_by_role("button", name="Close it and start the analysis").click()
    expect(officer.get_by_role("status")).to_have_text(
        "The consultation is closed for comments; the analysis starts."
    )

    # And edits the next version of the strategy and publishes it
    officer.get_by_role("link", name="You said, we did: changes and outcomes").click()
    officer.get_by_role("link", name=STRATEGY, exact=True).click()
    officer.get_by_role("button", name="Create version 2 as a copy").click()
    expect(officer.get_by_role("status")).to_have_text(
        "Version 2 is a draft copy of the latest version. Edit it, then publish it."
    )
    officer.get_by_role("link", name=f"Edit {DIGITAL}").click()
    officer.get_by_label("Text (Markdown)").fill(
        "Every nurse should learn telehealth and electronic health records by 2030."
    )
    officer.get_by_role("button", name="Save the section").click()
    expect(officer.get_by_role("status")).to_have_text("The section is saved.")
    officer.get_by_role("button", name="Publish version 2").click()
    expect(officer.get_by_role("status")).to_have_text(
        "Version 2 is published; it will not change any more."
    )

    # And, on the outcomes page, takes it as the answer, explains the change and answers the
    # contact's comment, linked to that change
    officer.get_by_role("navigation", name="Secretariat").get_by_role(
        "link", name="Consultations"
    ).click()
    officer.get_by_role("link", name=CONSULTATION).click()
    officer.get_by_role("link", name="You said, we did: changes and outcomes").click()
    officer.get_by_label("Version that answers the consultation", exact=True).select_option(
        label=f"{STRATEGY} — v2"
    )
    officer.get_by_role("button", name="Compare the versions").click()
    expect(officer.get_by_role("status")).to_contain_text(
        "1 section changed between the versions. Explain the change, then answer the comments."
    )
    expect(officer.get_by_role("heading", name="2. 1 change, and why")).to_be_visible()
    change = officer.get_by_role("article", name=f"Changed {DIGITAL}")
    expect(change.locator(".diff ins")).to_contain_text(["and electronic health records"])
    change.get_by_label("What we changed and why").fill(
        "Many of you asked for electronic health records; they are now part of the section."
    )
    change.get_by_role("button", name="Save the explanation").click()
    expect(officer.get_by_role("status")).to_have_text("The explanation is saved.")
    answer = officer.get_by_role("article").filter(has_text=CONTACT_COMMENT)
    answer.get_by_label("Outcome").select_option(label="Accepted")
    answer.get_by_label("Reply to the respondent").fill(REPLY)
    answer.get_by_label("Led to the change").select_option(label=f"Changed: {DIGITAL}")
    answer.get_by_role("button", name="Save the outcome").click()
    expect(officer.get_by_role("status")).to_have_text("The outcome is saved.")
    expect(officer.get_by_role("article").filter(has_text=CONTACT_COMMENT)).to_contain_text(
        "Accepted"
    )

    # And publishes the results
    mail.outbox.clear()
    officer.get_by_role("button", name="Publish the results").click()
    expect(officer.get_by_role("status")).to_contain_text("The results are published;")
    expect(officer.get_by_role("heading", level=1)).to_have_text(f"Results: {CONSULTATION}")
    assert Consultation.objects.get().phase == Consultation.Phase.RESULTS

    # Then the contact reads what became of their comment on their own page
    open_consultation(contact)
    contact.get_by_role("link", name=DIGITAL).click()
    contact.get_by_role("link", name="My contributions").click()
    mine = contact.locator("li").filter(has_text=CONTACT_COMMENT)
    expect(mine.locator(".message")).to_have_text(f"What became of it: Accepted {REPLY}")

    # And by e-mail
    [email] = [m for m in mail.outbox if m.to == [organisation_contact.email]]
    assert email.subject == f"Results of the consultation “{CONSULTATION}”"
    assert f"Accepted. {REPLY}" in email.body
    assert "/results/" in email.body

    # And the public results page shows the change, why, and the support for each section
    public = fresh
    open_consultation(public)
    public.get_by_role("link", name="You said, we did").click()
    expect(public.get_by_role("heading", level=1)).to_have_text(f"Results: {CONSULTATION}")
    result = public.get_by_role("article", name=f"Changed {DIGITAL}")
    expect(result).to_contain_text("Many of you asked for electronic health records")
    expect(result.get_by_role("heading", level=4)).to_have_text("1 contribution behind this change")
    expect(result).to_contain_text(CONTACT_COMMENT)
    expect(result).to_contain_text(f"Our answer: {REPLY}")
    table = public.get_by_role("table", name="Ratings and contributions per section")
    digital = table.get_by_role("row").filter(has_text=DIGITAL)
    expect(digital.get_by_role("cell")).to_have_text(["2", "1", "0", "2", "1"])
