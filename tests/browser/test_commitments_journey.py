"""The commitment cycle, walked in Chromium: pledge, review, report, close, and the totals."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from skillspact.accounts.models import User
from skillspact.commitments.models import Commitment, ProgressReport
from tests.browser.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NewPage = Callable[[], Page]


def test_a_commitment_is_pledged_published_reported_and_counted(
    page: Page,
    new_page: NewPage,
    organisation_contact: User,
    secretariat_officer: User,
    password: str,
    tmp_path,
) -> None:
    today = datetime.date.today()
    year = today.year

    # Given a member organisation's contact, signed in
    sign_in(page, email=organisation_contact.email, password=password)

    # When they draft a commitment and submit it
    page.get_by_role("link", name="Commitments", exact=True).click()
    page.get_by_role("link", name="Make a commitment").click()
    page.get_by_label("Title").fill("Telehealth skills for 300 ward nurses")
    page.get_by_label("What you commit to do").fill(
        "Blended courses on telehealth and electronic health records for ward nurses."
    )
    page.get_by_label("Promoting a culture of lifelong learning for all").check()
    page.get_by_label("Countries covered").select_option(label="Spain")
    page.get_by_label(f"{year} — people").fill("300")
    page.get_by_label(f"{year} — euros").fill("90000")
    page.get_by_role("button", name="Submit for review").click()

    # Then it waits for the secretariat
    expect(page.get_by_role("status")).to_have_text(
        "Your commitment is submitted. The secretariat will review it."
    )
    expect(page.get_by_text("Submitted for review")).to_be_visible()

    # When the secretariat publishes it and opens this year's reporting window
    officer = new_page()
    sign_in(officer, email=secretariat_officer.email, password=password)
    officer.get_by_role("link", name="Commitments to review").click()
    officer.get_by_role("link", name="Telehealth skills for 300 ward nurses").click()
    officer.get_by_role("button", name="Publish").click()
    expect(officer.get_by_role("status")).to_have_text("The commitment is published.")
    officer.get_by_role("link", name="Reporting windows").click()
    officer.get_by_label("Year reported on").fill(str(year))
    officer.get_by_label("Opens on").fill((today - datetime.timedelta(days=5)).isoformat())
    officer.get_by_label("Closes on").fill((today + datetime.timedelta(days=20)).isoformat())
    officer.get_by_role("button", name="Save the window").click()
    expect(officer.get_by_role("status")).to_have_text(f"The reporting window for {year} is saved.")

    # And the member reports on it, first with an impossible figure
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("button", name="Start the report").click()
    page.get_by_label("On track").check()
    page.get_by_label("People trained").fill("120")
    page.get_by_label("People reached").fill("100")
    page.get_by_label("Training programmes created or updated").fill("2")
    page.get_by_label("Stakeholders engaged in partnerships").fill("4")
    page.get_by_label("Euros invested").fill("30000")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_text("120 people trained but only 100 reached").first).to_be_visible()
    expect(page.get_by_label("People trained")).to_have_value("120")
    page.get_by_label("People reached").fill("250")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_role("status")).to_have_text("Your report is submitted. Thank you.")

    # When the window closes
    officer.get_by_role("link", name="Change").first.click()
    officer.get_by_label("Opens on").fill((today - datetime.timedelta(days=30)).isoformat())
    officer.get_by_label("Closes on").fill((today - datetime.timedelta(days=1)).isoformat())
    officer.get_by_role("button", name="Save").click()
    expect(officer.get_by_role("status")).to_have_text("The reporting window is changed.")

    # Then the report is locked for the member
    report = ProgressReport.objects.get()
    page.goto(f"/reports/{report.public_id}/edit/")
    expect(page.get_by_role("status")).to_contain_text("this report is locked")
    assert Commitment.objects.get().status == Commitment.Status.PUBLISHED

    # And the partnership's dashboard and annual workbook show the totals to the secretariat
    # (public visitors see no figure that fewer than three organisations make up)
    officer.goto(f"/kpis/?year={year}")
    expect(officer.locator("main")).to_contain_text("120")
    expect(officer.locator("main")).to_contain_text("30,000")
    visitor = new_page()
    visitor.goto(f"/kpis/?year={year}")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Partnership KPIs")
    with officer.expect_download() as download_info:
        officer.get_by_role("link", name="Annual report (XLSX)").click()
    path = tmp_path / "annual-report.xlsx"
    download_info.value.save_as(path)
    workbook = load_workbook(path, read_only=True)
    cells = [
        value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
    ]
    assert 120 in cells
    assert 30000 in cells
