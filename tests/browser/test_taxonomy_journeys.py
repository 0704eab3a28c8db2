"""Journeys through the taxonomy: search, an occupation, its skills, the skills finder."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from skillspact.taxonomy import importer, matching
from skillspact.taxonomy.tests import esco_files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def esco(tmp_path: Path, settings) -> None:
    settings.ENGINE_CACHE_DIR = tmp_path / "engine"
    matching.forget_engines()
    importer.esco_import([esco_files.write_folder(tmp_path / "v1.1.1")])
    yield
    matching.forget_engines()


def test_a_person_finds_an_occupation_and_its_essential_skills(page: Page, esco: None) -> None:
    page.goto("/")
    page.get_by_role("link", name="Skills", exact=True).click()
    page.get_by_label("Look for").select_option("occupation")
    page.get_by_role("searchbox", name="Search").fill("nurse")
    page.get_by_role("button", name="Search").click()

    page.get_by_role("link", name="nurse responsible for general care").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("nurse responsible for general care")
    essential = page.get_by_role("region", name="Essential skills and knowledge")
    expect(essential.get_by_role("link")).to_have_text(["data protection", "manage clinical risk"])
    essential.get_by_role("link", name="manage clinical risk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("manage clinical risk")
    expect(
        page.get_by_text("This service uses the ESCO classification of the European Commission.")
    )


def test_the_skills_finder_marks_the_words_behind_a_skill(page: Page, esco: None) -> None:
    from skillspact.taxonomy import selectors

    version = selectors.version_default()
    assert version is not None
    matching.engine_for(version)

    page.goto("/taxonomy/match/")
    page.get_by_role("textbox", name="Text").fill("You will write Python code for our data team.")
    page.get_by_role("button", name="Match").click()

    expect(page.locator("mark").first).to_have_text("Python")
    expect(page.get_by_role("region", name="Skills").get_by_role("link").first).to_have_text(
        "Python (computer programming)"
    )
