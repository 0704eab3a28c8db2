"""The main journeys, walked in Chromium as a person would: by labels, links and buttons."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from skillspact.accounts.factories import UserFactory
from skillspact.accounts.models import User
from skillspact.organisations.factories import ApplicationFactory
from skillspact.organisations.models import Affiliation, MembershipApplication, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NewPage = Callable[[], Page]  # the `new_page` fixture: one more person, in a new context

INVITATION_PATH = re.compile(
    r"/invitations/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/"
)


def sign_in(page: Page, *, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_up(page: Page, *, full_name: str, email: str, password: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Full name").fill(full_name)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Welcome! We sent a confirmation link to {email}."
    )


def test_an_applicant_is_approved_and_the_organisation_appears_in_the_directory(
    page: Page, new_page: NewPage, secretariat_officer: User, password: str
) -> None:
    # Given a person who has just created an account
    sign_up(page, full_name="Paula Pereira", email="paula@cfs-porto.example.pt", password=password)

    # When they apply for their organisation
    page.get_by_role("link", name="Join", exact=True).click()
    page.get_by_role("link", name="Start an application").click()
    expect(page).to_have_url(re.compile(r"/join/new/$"))
    page.get_by_label("Legal name").fill("Centro de Formação em Saúde do Porto")
    page.get_by_label("Stakeholder type").select_option(
        label="Education and training provider — VET"
    )
    page.get_by_label("Country").select_option(label="Portugal")
    page.get_by_label("Website").fill("https://www.cfs-porto.example.pt")
    page.get_by_label("Pact for Skills registration reference").fill("PfS-2026-0417")
    page.get_by_label("We subscribe to the partnership’s charter").check()
    page.get_by_role("button", name="Submit for review").click()

    # Then they see it waits for review
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Centro de Formação em Saúde do Porto Submitted, awaiting review"
    )
    expect(page.get_by_role("status")).to_have_text(
        "Your application is submitted. The secretariat will review it."
    )

    # When the secretariat approves it from the review queue
    officer = new_page()
    sign_in(officer, email=secretariat_officer.email, password=password)
    officer.get_by_role("link", name="Applications").click()
    officer.get_by_role("link", name="Centro de Formação em Saúde do Porto").click()
    officer.get_by_role("button", name="Approve as member").click()
    expect(officer.get_by_role("status")).to_have_text(
        "Centro de Formação em Saúde do Porto is now a member."
    )

    # Then the public directory lists the organisation when searched by its name
    officer.goto("/members/")
    officer.get_by_role("searchbox", name="Search").fill("Formação em Saúde do Porto")
    officer.get_by_role("button", name="Apply filters").click()
    results = officer.locator("#results")
    expect(results.locator("p").first).to_have_text("1 organisation matches your filters")
    expect(results.get_by_role("heading", level=3)).to_have_text(
        "Centro de Formação em Saúde do Porto"
    )
    organisation = Organisation.objects.get()
    assert organisation.legal_name == "Centro de Formação em Saúde do Porto"
    assert organisation.status == Organisation.Status.MEMBER
    assert organisation.affiliations.get().user.email == "paula@cfs-porto.example.pt"


def test_a_contact_invites_a_colleague_who_accepts(
    page: Page,
    new_page: NewPage,
    organisation_contact: User,
    member_organisation: Organisation,
    password: str,
) -> None:
    # Given the contact of a member organisation on its manage page
    sign_in(page, email=organisation_contact.email, password=password)
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="manage", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Manage Hospital Universitario del Norte"
    )

    # When they invite a colleague as a contact
    page.get_by_label("Colleague’s e-mail address").fill("colleague@hun.example.es")
    page.get_by_label("Role").select_option(label="Organisation contact")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_have_text(
        "We sent an invitation to colleague@hun.example.es."
    )
    [invitation_email] = [m for m in mail.outbox if m.to == ["colleague@hun.example.es"]]
    link = INVITATION_PATH.search(invitation_email.body)
    assert link is not None, invitation_email.body

    # And the colleague creates an account with that address and accepts
    colleague = new_page()
    sign_up(
        colleague, full_name="Colin Colleague", email="colleague@hun.example.es", password=password
    )
    colleague.goto(link.group(0))
    colleague.get_by_role("button", name="Accept the invitation").click()
    expect(colleague.get_by_role("status")).to_have_text(
        "You have joined Hospital Universitario del Norte (role: Organisation contact)."
    )

    # Then the manage page lists them as a contact
    page.reload()
    people = page.get_by_role("table", name="People linked to the organisation")
    expect(people.get_by_role("row")).to_have_count(3)
    colleague_row = people.get_by_role("row").filter(has_text="colleague@hun.example.es")
    expect(colleague_row.get_by_role("cell").nth(0)).to_have_accessible_name(
        "Colin Colleague colleague@hun.example.es"
    )
    expect(colleague_row.get_by_role("cell").nth(1)).to_have_text("Organisation contact")
    assert member_organisation.affiliations.get(user__email="colleague@hun.example.es").role == (
        Affiliation.Role.CONTACT
    )


def test_a_rejected_applicant_reads_the_reason(
    page: Page, new_page: NewPage, secretariat_officer: User, password: str
) -> None:
    # Given an application awaiting review
    applicant = UserFactory(email="rui@clinica-mondego.example.pt", full_name="Rui Rodrigues")
    application = ApplicationFactory(
        applicant=applicant,
        legal_name="Clínica do Mondego",
        status=MembershipApplication.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )

    # When the secretariat rejects it with a reason
    sign_in(page, email=secretariat_officer.email, password=password)
    page.get_by_role("link", name="Applications").click()
    page.get_by_role("link", name="Clínica do Mondego").click()
    page.get_by_label("Reason for the rejection").fill("Not a Pact for Skills signatory yet")
    page.get_by_role("button", name="Reject", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(
        "The application is rejected; the applicant is told why."
    )

    # Then the applicant, opening the application from their profile, reads that reason
    own = new_page()
    sign_in(own, email=applicant.email, password=password)
    own.goto("/accounts/profile/")
    own.get_by_role("link", name="Clínica do Mondego").click()
    expect(own.get_by_role("heading", level=1)).to_have_text("Clínica do Mondego Rejected")
    expect(own.get_by_role("alert").get_by_role("paragraph")).to_have_text(
        [
            "Your application was not accepted.",
            "Reason given by the secretariat: Not a Pact for Skills signatory yet",
        ]
    )
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.REJECTED
    assert application.decision_reason == "Not a Pact for Skills signatory yet"


def test_a_submission_without_legal_name_shows_an_error_and_keeps_the_input(
    page: Page, health_worker: User, password: str
) -> None:
    # Given a signed-in person on the application form
    sign_in(page, email=health_worker.email, password=password)
    page.goto("/join/new/")

    # When they submit it with everything but the legal name
    page.get_by_label("Stakeholder type").select_option(label="Healthcare provider")
    page.get_by_label("Country").select_option(label="Portugal")
    page.get_by_label("Website").fill("https://www.hospital-braga.example.pt")
    page.get_by_label("Pact for Skills registration reference").fill("PfS-2026-0999")
    page.get_by_label("We subscribe to the partnership’s charter").check()
    page.get_by_role("button", name="Submit for review").click()

    # Then they are told what is missing, and what they typed is still there
    expect(page.get_by_role("alert")).to_have_text(
        "Some required information is missing; the fields are marked below."
    )
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(page.locator(".field.has-error")).to_contain_text("This field is required to submit.")
    expect(page.get_by_label("Legal name")).to_have_value("")
    expect(page.get_by_label("Website")).to_have_value("https://www.hospital-braga.example.pt")
    expect(page.get_by_label("Pact for Skills registration reference")).to_have_value(
        "PfS-2026-0999"
    )
    expect(page.get_by_label("Country")).to_have_value("PT")
    expect(page.get_by_label("We subscribe to the partnership’s charter")).to_be_checked()
    assert not MembershipApplication.objects.filter(
        status=MembershipApplication.Status.SUBMITTED
    ).exists()

    # And when they add the legal name and submit again, that one application is submitted
    page.get_by_label("Legal name").fill("Hospital de Braga")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hospital de Braga Submitted, awaiting review"
    )
    assert list(MembershipApplication.objects.values_list("legal_name", "status")) == [
        ("Hospital de Braga", MembershipApplication.Status.SUBMITTED)
    ]
