"""Pathways, walked in Chromium: a nurse types her job title in German, confirms the nurse
occupation, picks the emerging role of clinical informatics specialist, gets a plan of real
courses, saves it and enrols in the first course; once the provider has completed her enrolment
and issued the credential, the plan shows the skills credentialed and plans the rest again."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from skillspact.accounts.models import User
from skillspact.core.text import search_text
from skillspact.credentials import services as credential_services
from skillspact.organisations.models import Organisation
from skillspact.pathways.models import Plan, PlanSkill
from skillspact.taxonomy import importer, matching
from skillspact.taxonomy import services as taxonomy_services
from skillspact.taxonomy.models import ConceptType, EscoVersion, Label
from skillspact.taxonomy.tests import esco_files
from skillspact.taxonomy.tests.esco_files import (
    O_NURSE,
    S_DATA,
    S_INFORMATICS,
    S_PYTHON,
    S_RISK,
)
from skillspact.training import enrolments as training_enrolments
from skillspact.training.factories import course_teaching
from skillspact.training.models import Course, Enrolment, Mode
from tests.browser.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NewPage = Callable[[], Page]
ROLE = "clinical informatics specialist"
FIRST_COURSE = "Health informatics for nurses"
SECOND_COURSE = "Python for clinical data"


def _shot(page: Page, name: str) -> None:
    # The screenshots are looked at after the run, by name, as the journey's record.
    page.screenshot(path=f"/tmp/pathways-{name}.png", full_page=True)  # noqa: S108


@pytest.fixture
def esco(tmp_path: Path, settings: Any, secretariat_officer: User) -> Iterator[EscoVersion]:
    """The tiny ESCO with a German label for the nurse, the local role of clinical informatics
    specialist, and a warm matching engine that knows both."""
    importer.esco_import([esco_files.write_folder(tmp_path / "v1.1.1")])
    version = EscoVersion.objects.get(code="v1.1.1")
    Label.objects.create(
        version=version,
        concept_uri=O_NURSE,
        concept_type=ConceptType.OCCUPATION,
        language="de",
        label_type=Label.LabelType.ALTERNATIVE,
        text="Krankenschwester",
        normalised=search_text("Krankenschwester"),
    )
    taxonomy_services.local_role_create(
        actor=secretariat_officer,
        slug="clinical-informatics-specialist",
        preferred_label=ROLE,
        description="Bridges clinical practice and health information systems.",
        source="The partnership's role definitions, 2025.",
        skills={S_INFORMATICS: "essential", S_DATA: "essential", S_PYTHON: "optional"},
    )
    settings.ENGINE_CACHE_DIR = tmp_path / "engine"
    matching.forget_engines()
    matching.engine_for(version)
    # The planner's solver loads in seconds on a busy machine: here, not in the live server's
    # first plan, which would spend them past the short wait.
    from ortools.sat.python import cp_model  # noqa: F401

    yield version
    matching.forget_engines()


def _course(
    provider: Organisation, *, slug: str, title: str, skills: list[str], **fields: Any
) -> Course:
    return course_teaching(
        provider=provider,
        slug=slug,
        title=title,
        skills=skills,
        outcome=f"{title}: the outcome.",
        **fields,
    )


@pytest.fixture
def courses(esco: EscoVersion, member_organisation: Organisation) -> list[Course]:
    today = timezone.localdate()
    return [
        _course(
            member_organisation,
            slug="informatics-for-nurses",
            title=FIRST_COURSE,
            skills=[S_INFORMATICS, S_DATA],
            hours=30,
            mode=Mode.ONLINE,
            places=20,
            # The soonest: it comes first on the timeline.
            starts_on=today + datetime.timedelta(days=1),
            ends_on=today + datetime.timedelta(days=21),
        ),
        _course(
            member_organisation,
            slug="python-clinical-data",
            title=SECOND_COURSE,
            skills=[S_PYTHON],
            hours=40,
            mode=Mode.ONLINE,
        ),
    ]


def test_a_nurse_plans_a_pathway_enrols_and_sees_it_update_as_her_credential_arrives(
    page: Page,
    health_worker: User,
    organisation_contact: User,
    password: str,
    esco: EscoVersion,
    courses: list[Course],
) -> None:
    first, second = courses

    # Given a health worker on her pathways page for the first time
    worker = page
    sign_in(worker, email=health_worker.email, password=password)
    worker.goto("/pathways/")
    expect(worker.get_by_role("heading", level=1)).to_have_text("My pathways")
    expect(worker.get_by_text("No saved plan yet.")).to_be_visible()
    _shot(worker, "home-empty")
    worker.get_by_role("link", name="Build your profile").click()

    # When she types her job title in German and asks for matching occupations
    expect(worker.get_by_role("heading", level=1)).to_have_text("Your learner profile")
    worker.get_by_label("Your job title, in your own language").fill("Krankenschwester")
    worker.get_by_role("button", name="Find matching occupations").click()

    # Then the engine offers the nurse occupation, and she confirms it
    nurse = worker.get_by_label("nurse responsible for general care")
    expect(nurse).to_be_checked()
    worker.get_by_role("button", name="Confirm this occupation").click()
    expect(worker.get_by_role("status")).to_have_text("Your occupation is saved.")
    expect(worker.get_by_text("nurse responsible for general care").first).to_be_visible()

    # When she ticks a skill of her occupation she has
    worker.get_by_label("manage clinical risk").check()
    worker.get_by_role("button", name="Add the ticked skills").first.click()
    skills = worker.get_by_role("table", name=re.compile("on your profile"))
    expect(skills.get_by_role("row", name=re.compile("manage clinical risk"))).to_contain_text(
        "Self-declared"
    )
    _shot(worker, "profile")

    # And searches the emerging role of clinical informatics specialist
    worker.get_by_role("link", name="Next: choose a target role").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Choose a target role")
    worker.get_by_label("Search a target role").fill("informatics")
    worker.get_by_role("button", name="Search", exact=True).click()
    results = worker.locator("#results")
    expect(results.get_by_role("link", name=ROLE)).to_be_visible()
    expect(results.get_by_text("emerging role")).to_be_visible()
    _shot(worker, "target")
    results.get_by_role("link", name=ROLE).click()

    # Then the plan takes both courses in order, says why, and that it is optimal
    expect(worker.get_by_role("heading", level=1)).to_have_text(f"Your pathway to {ROLE}")
    _shot(worker, "plan")
    steps = worker.locator(".plan-steps > li")
    expect(steps).to_have_count(2)
    expect(steps.nth(0).get_by_role("link", name=FIRST_COURSE)).to_be_visible()
    expect(steps.nth(1).get_by_role("link", name=SECOND_COURSE)).to_be_visible()
    expect(steps.nth(0)).to_contain_text("health informatics")
    expect(worker.get_by_text(re.compile("This plan is optimal"))).to_be_visible()
    expect(worker.get_by_role("navigation", name="Alternative plans")).to_be_visible()

    # When she saves it and enrols in the first course
    worker.get_by_role("button", name="Save this plan").last.click()
    expect(worker.get_by_role("status").first).to_have_text(
        "Your plan is saved. Enrol in its first course when ready."
    )
    worker.get_by_role("button", name=f"Enrol {FIRST_COURSE}").click()
    expect(worker.get_by_role("status").first).to_have_text(
        "You are enrolled. A confirmation is on its way to your inbox."
    )
    enrolment = Enrolment.objects.get(course=first, user=health_worker)
    assert enrolment.status == Enrolment.Status.ENROLLED
    _shot(worker, "plan-saved")

    # When the course has run
    Course.objects.filter(pk=first.pk).update(
        starts_on=timezone.localdate() - datetime.timedelta(days=20),
        ends_on=timezone.localdate(),
    )

    # And the provider records that she passed and issues the credential
    enrolment = training_enrolments.enrolment_complete(
        enrolment=enrolment,
        actor=organisation_contact,
        result=Enrolment.Result.PASSED,
        completed_at=timezone.localdate(),
    )
    credential_services.credential_issue(enrolment=enrolment, actor=organisation_contact)

    # And she opens her plan again
    worker.reload()

    # Then the skills of that course are credentialed and the rest is planned again
    table = worker.get_by_role("table", name="Skills of the target role and where you stand")
    expect(table.get_by_role("row", name=re.compile("health informatics"))).to_contain_text(
        "Credentialed"
    )
    expect(table.get_by_role("row", name=re.compile("data protection"))).to_contain_text(
        "Credentialed"
    )
    expect(table.get_by_role("row", name=re.compile("Python"))).to_contain_text("To learn")
    expect(worker.get_by_text("1 of 2 steps completed (50 %)")).to_be_visible()
    _shot(worker, "plan-progress")

    plan = Plan.objects.get(user=health_worker)
    states = dict(plan.skills.values_list("skill_uri", "state"))
    assert states[S_INFORMATICS] == PlanSkill.State.HELD
    assert states[S_DATA] == PlanSkill.State.HELD
    assert states[S_PYTHON] == PlanSkill.State.COVERED
    assert plan.skills.get(skill_uri=S_INFORMATICS).is_credentialed is True
    assert S_RISK not in states
    assert second.slug == "python-clinical-data"
