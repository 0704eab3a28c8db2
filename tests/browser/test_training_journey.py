"""Training, walked in Chromium: a provider publishes a course whose outcome teaches an ESCO
skill; a health worker finds it by that skill, enrols and completes it; the credential the
provider issues is downloaded, shared and verified, and fails verification once tampered with
and once revoked."""

from __future__ import annotations

import base64
import datetime
import json
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from skillspact.accounts.models import User
from skillspact.core.text import search_text
from skillspact.credentials import statuslist
from skillspact.credentials.models import Credential
from skillspact.organisations.factories import OrganisationFactory
from skillspact.organisations.models import Organisation
from skillspact.taxonomy import matching
from skillspact.taxonomy.models import ConceptType, EscoVersion, Label, Skill
from skillspact.training import services as training_services
from skillspact.training.factories import CourseFactory, LearningOutcomeFactory
from skillspact.training.models import AssessmentType, Course, Enrolment, Mode
from tests.browser.test_journeys import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NewPage = Callable[[], Page]

TELEHEALTH = "http://data.europa.eu/esco/skill/8e5c2b1a-4f0d-4c3e-9a7b-telehealth01"
RECORDS = "http://data.europa.eu/esco/skill/2d7f9c40-1b6e-4a8d-8f35-records00001"
COURSE_TITLE = "Video consultations for ward nurses"
LEARNER_NAME = "Hana Health-Worker"


@pytest.fixture
def esco(tmp_path: Path, settings: Any) -> Iterator[EscoVersion]:
    """A tiny ESCO version with two skills and their labels, whose matching engine is still
    being built by a worker (as in the minutes after an import)."""
    settings.ENGINE_CACHE_DIR = tmp_path / "engine"
    matching.forget_engines()
    version = EscoVersion.objects.create(
        code="v1.1.1", is_default=True, status=EscoVersion.Status.READY, languages=["en"]
    )
    for uri, label in ((TELEHEALTH, "use telehealth"), (RECORDS, "maintain health records")):
        Skill.objects.create(
            version=version,
            uri=uri,
            preferred_label=label,
            skill_type=Skill.SkillType.SKILL,
            description=f"The ability to {label}.",
        )
        Label.objects.create(
            version=version,
            concept_uri=uri,
            concept_type=ConceptType.SKILL,
            language="en",
            label_type=Label.LabelType.PREFERRED,
            text=label,
            normalised=search_text(label),
        )
    # The import queued the engine's first build; a worker is on it, so no request builds it.
    cache.set(f"engine-warm:{version.code}", 1, timeout=900)
    yield version
    matching.forget_engines()


@pytest.fixture
def other_course(esco: EscoVersion) -> Course:
    """A course of another member that teaches records, not telehealth."""
    course = CourseFactory(
        provider=OrganisationFactory(legal_name="Instituto de Formação Clínica", slug="ifc"),
        slug="health-records-basics",
        title="Electronic health records basics",
    )
    LearningOutcomeFactory(
        course=course, position=1, text="Keep a patient record up to date.", skills=[RECORDS]
    )
    training_services.refresh_course_index(course)
    return course


def _checks(result: Locator) -> list[str]:
    """The verification checks as shown: "Passed: Signature", "Failed: Revocation", ..."""
    return [item.inner_text().split(" — ", 1)[0] for item in result.get_by_role("listitem").all()]


def _verify_pasted(page: Page, text: str) -> Locator:
    page.get_by_role("link", name="Verify a credential").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify a credential")
    page.get_by_label("Paste a credential").fill(text)
    page.get_by_role("button", name="Verify", exact=True).click()
    return page.get_by_role("region", name=re.compile(r"^This credential is (not )?valid\.$"))


def _download(page: Page, link: str) -> bytes:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link).click()
    download = download_info.value
    path = download.path()
    assert path is not None, download.failure()
    return Path(path).read_bytes()


def _png_text_chunks(png: bytes) -> dict[str, str]:
    """The iTXt chunks of a PNG, keyword to text, each CRC checked (PNG specification, 5.3)."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    chunks: dict[str, str] = {}
    position = 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        if kind == b"iTXt":
            keyword, rest = data.split(b"\x00", 1)
            compressed, _method = rest[0], rest[1]
            _language, _translated, text = rest[2:].split(b"\x00", 2)
            chunks[keyword.decode("latin-1")] = (
                zlib.decompress(text) if compressed else text
            ).decode("utf-8")
        position += 12 + length
        if kind == b"IEND":
            break
    return chunks


def _jwt_part(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_a_course_is_published_taken_completed_and_its_credential_verified(
    page: Page,
    new_page: NewPage,
    organisation_contact: User,
    member_organisation: Organisation,
    health_worker: User,
    password: str,
    esco: EscoVersion,
    other_course: Course,
) -> None:
    today = timezone.localdate()

    # Given the provider's contact opens the course form from the catalogue
    provider = page
    sign_in(provider, email=organisation_contact.email, password=password)
    provider.get_by_role("link", name="Training", exact=True).click()
    provider.get_by_role("link", name="Publish a course").click()
    expect(provider.get_by_role("heading", level=1)).to_have_text("Publish a course")

    # When they describe the course
    provider.get_by_label("Title").fill(COURSE_TITLE)
    provider.get_by_label("Summary").fill("Safe, consented consultations by video.")
    provider.get_by_label("Description").fill(
        "Four weeks of guided study and practice on a simulated ward, then an online test."
    )

    # And write the learning outcomes; the suggestions wait for the engine, so they find the
    # skills by name and tick them
    first = provider.get_by_role("group", name="ESCO skills of outcome 1")
    provider.get_by_label("Learning outcome 1").fill(
        "Run a video consultation with a patient, with their consent, from the ward."
    )
    first.get_by_role("button", name="Suggest skills").click()
    expect(first.get_by_role("status")).to_contain_text("The matching engine is warming up")
    first.get_by_label("Find a skill by name").fill("telehealth")
    first.get_by_label("use telehealth").check()
    second = provider.get_by_role("group", name="ESCO skills of outcome 2")
    provider.get_by_label("Learning outcome 2").fill(
        "Document the consultation in the patient's electronic record."
    )
    second.get_by_label("Find a skill by name").fill("health records")
    second.get_by_label("maintain health records").check()

    # And the level, workload, place, dates, languages, places and assessment
    provider.get_by_label("EQF level").select_option("5")
    provider.get_by_label("Workload in hours").fill("30")
    provider.get_by_label("ECTS credits").fill("1")
    provider.get_by_label("Mode").select_option(label="Blended")
    expect(provider.get_by_label("Country")).to_have_value("ES")
    provider.get_by_label("Place", exact=True).fill("Santander, simulation centre")
    provider.get_by_label("English").check()
    provider.get_by_label("español").check()
    provider.get_by_label("Starts").fill(today.isoformat())
    provider.get_by_label("Ends").fill((today + datetime.timedelta(days=56)).isoformat())
    provider.get_by_label("Enrolment closes").fill(
        (today + datetime.timedelta(days=14)).isoformat()
    )
    provider.get_by_label("Places", exact=True).fill("12")
    provider.get_by_label("Type of assessment").select_option(label="Online test")
    provider.get_by_label("Supervision and identity verification").select_option(
        label="Supervised online, identity verified"
    )
    provider.get_by_label("Type of quality assurance").fill(
        "Internal quality assurance, accredited by the regional health agency."
    )
    provider.get_by_label("Recognition").fill(
        "3 continuing professional development credits of the nursing council."
    )

    # And save and publish it
    provider.get_by_role("button", name="Save and publish").click()

    # Then the course page shows it published, with the skills its outcomes teach
    expect(provider.get_by_role("status")).to_have_text("The course is published.")
    expect(provider.get_by_role("heading", level=1)).to_have_text(COURSE_TITLE)
    outcomes = provider.get_by_role("region", name="Learning outcomes")
    expect(outcomes.get_by_role("link")).to_have_text(["use telehealth", "maintain health records"])
    expect(provider.get_by_text("EQF level 5")).to_be_visible()
    course = Course.objects.get(title=COURSE_TITLE)
    assert course.status == Course.Status.PUBLISHED
    assert course.provider == member_organisation
    assert [o.skills for o in course.outcomes.order_by("position")] == [[TELEHEALTH], [RECORDS]]
    assert (course.eqf_level, course.hours, str(course.ects)) == (5, 30, "1.0")
    assert (course.mode, course.places, course.country) == (Mode.BLENDED, 12, "ES")
    assert sorted(course.languages) == ["en", "es"]
    assert course.assessment_type == AssessmentType.ONLINE_TEST
    assert course.starts_on == today

    # When a health worker looks up the skill and the courses that teach it
    worker = new_page()
    sign_in(worker, email=health_worker.email, password=password)
    worker.get_by_role("link", name="Skills", exact=True).click()
    worker.get_by_role("searchbox", name="Search").fill("telehealth")
    worker.get_by_role("button", name="Search").click()
    worker.get_by_role("link", name="use telehealth").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("use telehealth")
    teaching = worker.get_by_role("region", name="Courses that teach this skill")
    expect(teaching.get_by_role("link", name=COURSE_TITLE)).to_be_visible()
    expect(teaching.get_by_role("link", name=other_course.title)).to_have_count(0)
    teaching.get_by_role("link", name="See every course that teaches it in the catalogue").click()

    # Then the catalogue lists that course alone, filtered by the skill
    expect(worker.get_by_role("heading", level=1)).to_have_text("Training catalogue")
    expect(worker.get_by_label("use telehealth")).to_be_checked()
    results = worker.locator("#results")
    expect(results.get_by_text("1 course matches")).to_be_visible()
    expect(results.get_by_role("link", name=other_course.title)).to_have_count(0)

    # When they open it and enrol
    results.get_by_role("link", name=COURSE_TITLE).click()
    expect(worker.get_by_role("heading", level=1)).to_have_text(COURSE_TITLE)
    expect(worker.get_by_text("12 places left of 12")).to_be_visible()
    worker.get_by_role("button", name="Enrol", exact=True).click()
    expect(worker.get_by_role("status").first).to_have_text(
        "You are enrolled. A confirmation is on its way to your inbox."
    )
    expect(worker.get_by_text("You have a place in this course.")).to_be_visible()
    expect(worker.get_by_text("11 places left of 12")).to_be_visible()
    enrolled_mail = [m for m in mail.outbox if m.to == [health_worker.email]][-1]
    assert enrolled_mail.subject == f"You are enrolled: {COURSE_TITLE}"

    # When the provider records on the learners page that the worker passed
    provider.reload()
    provider.get_by_role("link", name="Learners, results and completions").click()
    expect(provider.get_by_role("heading", level=1)).to_have_text(f"Learners of {COURSE_TITLE}")
    row = provider.get_by_role("row", name=re.compile(LEARNER_NAME))
    row.get_by_label("Result").select_option(label="Passed")
    row.get_by_label("Grade").fill("92 %")
    row.get_by_role("button", name="Record").click()
    expect(provider.get_by_role("status")).to_have_text(
        f"{LEARNER_NAME}: the completion is recorded."
    )

    # And issues the credential
    row = provider.get_by_role("row", name=re.compile(LEARNER_NAME))
    expect(row.get_by_text("Completed", exact=True)).to_be_visible()
    row.get_by_role("button", name="Issue credential").click()
    expect(provider.get_by_role("status")).to_have_text(
        "The credential is issued; the learner receives it by e-mail."
    )
    row = provider.get_by_role("row", name=re.compile(LEARNER_NAME))
    expect(row.get_by_text("Valid", exact=True)).to_be_visible()
    credential = Credential.objects.get(enrolment__course=course, learner=health_worker)
    issued_mail = [m for m in mail.outbox if m.to == [health_worker.email]][-1]
    assert issued_mail.subject == f"Your micro-credential: {COURSE_TITLE}"
    assert f"/credentials/{credential.public_id}/" in issued_mail.body

    # Then the worker finds it under My credentials
    worker.get_by_role("navigation", name="Main").get_by_role("link", name="Training").click()
    worker.get_by_role("link", name="My courses").click()
    completed = worker.get_by_role("region", name="Completed")
    expect(completed.get_by_role("row", name=re.compile(COURSE_TITLE))).to_contain_text("Passed")
    worker.get_by_role("link", name="My credentials").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("My credentials")
    listed = worker.get_by_role("row", name=re.compile(COURSE_TITLE))
    expect(listed).to_contain_text(member_organisation.legal_name)
    expect(listed).to_contain_text("Valid")
    listed.get_by_role("link", name=COURSE_TITLE).click()
    expect(worker.get_by_role("heading", level=1)).to_have_text(COURSE_TITLE)

    # And downloads it as JSON, as a VC-JWT and baked into a PNG badge
    document = _download(worker, "Credential (JSON, Data Integrity proof)").decode("utf-8")
    signed = json.loads(document)
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert signed["credentialSubject"]["name"] == LEARNER_NAME
    alignment = signed["credentialSubject"]["achievement"]["alignment"]
    assert [(a["targetFramework"], a["targetUrl"], a["targetName"]) for a in alignment] == [
        ("ESCO", TELEHEALTH, "use telehealth"),
        ("ESCO", RECORDS, "maintain health records"),
        ("European Qualifications Framework", "http://data.europa.eu/snb/eqf/5", "EQF level 5"),
    ]
    jwt = _download(worker, "Credential (VC-JWT)").decode("ascii").strip()
    parts = jwt.split(".")
    assert len(parts) == 3
    assert _jwt_part(parts[0])["alg"] == "EdDSA"
    assert _jwt_part(parts[1])["credentialSubject"]["name"] == LEARNER_NAME
    badge = _download(worker, "Badge image with the credential (PNG)")
    assert _png_text_chunks(badge)["openbadgecredential"] == jwt

    # When they share it and someone opens the link without signing in
    worker.get_by_role("button", name="Create a public link").click()
    expect(worker.get_by_role("status")).to_have_text(
        "Anyone with the link can now see this credential."
    )
    share_url = worker.get_by_label("Public link").input_value()
    employer = new_page()
    employer.goto(share_url)

    # Then they see the achievement and can verify it
    expect(employer.get_by_role("heading", level=1)).to_have_text(COURSE_TITLE)
    expect(
        employer.get_by_text(
            f"A micro-credential issued to {LEARNER_NAME} by {member_organisation.legal_name}."
        )
    ).to_be_visible()
    expect(employer.get_by_role("link", name="use telehealth")).to_be_visible()
    expect(employer.get_by_role("button", name="Sign out")).to_have_count(0)
    employer.get_by_role("button", name="Verify", exact=True).click()
    expect(employer.get_by_role("heading", name="This credential is valid.")).to_be_visible()

    # When the pasted JWT is verified on the public verification page
    result = _verify_pasted(employer, jwt)

    # Then every check passed
    expect(result.get_by_role("heading")).to_have_text("This credential is valid.")
    expect(result).to_contain_text("Format: VC-JWT (JOSE)")
    assert _checks(result) == [
        "Passed: Readable credential",
        "Passed: Signature",
        "Passed: Issuer's key",
        "Passed: Validity dates",
        "Passed: Revocation",
    ]

    # When the JSON is pasted with one character of the learner's name changed
    assert document.count(LEARNER_NAME) == 1
    tampered = document.replace(LEARNER_NAME, LEARNER_NAME.replace("Hana", "Hena"))
    result = _verify_pasted(employer, tampered)

    # Then the signature check fails
    expect(result.get_by_role("heading")).to_have_text("This credential is not valid.")
    expect(result).to_contain_text("Format: JSON with a Data Integrity proof (eddsa-rdfc-2022)")
    assert _checks(result) == [
        "Passed: Readable credential",
        "Failed: Signature",
        "Passed: Issuer's key",
        "Passed: Validity dates",
        "Passed: Revocation",
    ]
    expect(result).to_contain_text(
        "The signature does not match the credential: it was changed after issuing"
    )

    # When the provider revokes the credential, saying why
    provider.get_by_role("link", name="Revoke credential").click()
    expect(provider.get_by_role("heading", level=1)).to_have_text("Revoke a credential")
    provider.get_by_label("Reason").fill("The online test was taken by someone else.")
    provider.get_by_role("button", name="Revoke the credential").click()
    expect(provider.get_by_role("status")).to_have_text(
        "The credential is revoked; the learner is told why."
    )
    expect(provider.get_by_role("heading", level=1)).to_have_text(f"Learners of {COURSE_TITLE}")
    row = provider.get_by_role("row", name=re.compile(LEARNER_NAME))
    expect(row.get_by_text("Revoked", exact=True)).to_be_visible()

    # Then the same JWT is verified as revoked, its signature still sound
    result = _verify_pasted(employer, jwt)
    expect(result.get_by_role("heading")).to_have_text("This credential is not valid.")
    assert _checks(result) == [
        "Passed: Readable credential",
        "Passed: Signature",
        "Passed: Issuer's key",
        "Passed: Validity dates",
        "Failed: Revocation",
    ]
    expect(result).to_contain_text("The issuer has revoked this credential.")

    # And the worker's credential page says so, with the reason
    worker.reload()
    expect(worker.get_by_role("status")).to_contain_text(
        "Reason: The online test was taken by someone else."
    )

    # And the database agrees
    enrolment = Enrolment.objects.get(course=course, user=health_worker)
    assert (enrolment.status, enrolment.result, enrolment.grade) == (
        Enrolment.Status.COMPLETED,
        Enrolment.Result.PASSED,
        "92 %",
    )
    assert enrolment.completed_at is not None
    assert timezone.localdate(enrolment.completed_at) == today
    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert credential.revocation_reason == "The online test was taken by someone else."
    assert credential.is_shared is True
    assert credential.jwt == jwt
    assert credential.data_integrity == document
    assert statuslist.bit_get(bytes(credential.status_list.bits), credential.status_index)
    assert Credential.objects.count() == 1
    revoked_mail = [m for m in mail.outbox if m.to == [health_worker.email]][-1]
    assert revoked_mail.subject == f"Your micro-credential was revoked: {COURSE_TITLE}"
