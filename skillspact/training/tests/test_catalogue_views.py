"""The catalogue's pages: the search, the course page, the form that keeps what was typed,
management and import, and the 404s for other people's courses."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from skillspact.accounts.models import User
from skillspact.organisations.models import Organisation
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import S_DATA, S_RISK
from skillspact.training.factories import CourseFactory, CourseSkillFactory, LearningOutcomeFactory
from skillspact.training.models import Course

pytestmark = pytest.mark.django_db


def _form(**changes: Any) -> dict[str, Any]:
    start = timezone.localdate() + datetime.timedelta(days=30)
    data: dict[str, Any] = {
        "title": "Telehealth for nurses",
        "summary": "Consult by video.",
        "hours": "25",
        "mode": "online",
        "country": "ES",
        "languages": ["en", "es"],
        "starts_on": start.isoformat(),
        "ends_on": (start + datetime.timedelta(days=28)).isoformat(),
        "price_eur": "0",
        "assessment_type": "online_test",
        "supervision": "unsupervised",
        "quality_assurance": "Accredited",
        "outcome_slots": "3",
        "outcome_1_text": "Protect patient data during a video consultation",
        "outcome_1_skills": [S_DATA],
        "outcome_2_text": "Manage clinical risk in remote care",
        "outcome_2_skills": [S_RISK],
        "publish": "1",
    }
    data.update(changes)
    return data


def test_the_catalogue_lists_published_courses_within_a_query_budget(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    for number in range(22):
        CourseFactory(title=f"Telehealth {number:02d}")
    CourseFactory(title="A draft", status=Course.Status.DRAFT)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("training:list"), {"q": "telehealth"})

    assert response.status_code == 200
    assert response.context["count"] == 22
    assert len(response.context["page"].object_list) == 20
    assert b"A draft" not in response.content


def test_htmx_gets_only_the_results(client: Client) -> None:
    CourseFactory(title="Wound care")

    response = client.get(reverse("training:list"), {"q": "wound"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="results"')
    assert b"Wound care" in response.content


def test_the_empty_state_says_what_to_try(client: Client) -> None:
    response = client.get(reverse("training:list"), {"q": "nothing-like-this"})

    assert b"No course matches." in response.content


def test_the_course_page_shows_the_micro_credential_and_outcomes(client: Client) -> None:
    course = CourseFactory(title="Wound care", recognition="10 CPD credits", eqf_level=6)
    LearningOutcomeFactory(course=course, text="Assess a chronic wound")

    response = client.get(reverse("training:detail", args=[course.slug]))

    content = response.content.decode()
    assert response.status_code == 200
    for text in ("Assess a chronic wound", "10 CPD credits", "EQF level 6", "Type of assessment"):
        assert text in content


def test_a_draft_is_404_for_others_and_shown_to_its_provider(
    client: Client, organisation_contact: User, member_organisation: Organisation, outsider: User
) -> None:
    draft = CourseFactory(provider=member_organisation, status=Course.Status.DRAFT)

    client.force_login(outsider)
    assert client.get(reverse("training:detail", args=[draft.slug])).status_code == 404
    assert client.get(reverse("training:edit", args=[draft.slug])).status_code == 404
    assert client.post(reverse("training:publish", args=[draft.slug])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Course.Status.DRAFT

    client.force_login(organisation_contact)
    assert client.get(reverse("training:detail", args=[draft.slug])).status_code == 200


@pytest.mark.usefixtures("esco_v1")
def test_a_contact_publishes_a_course_from_the_form(
    client: Client, organisation_contact: User, member_organisation: Organisation
) -> None:
    client.force_login(organisation_contact)

    response = client.post(reverse("training:create"), _form(provider=member_organisation.pk))

    course = Course.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("training:detail", args=[course.slug])
    assert course.provider == member_organisation
    assert course.status == Course.Status.PUBLISHED
    assert course.skill_uris == [S_DATA, S_RISK]
    assert course.languages == ["en", "es"]


@pytest.mark.usefixtures("esco_v1")
def test_the_form_keeps_what_was_typed_when_a_rule_says_no(
    client: Client, organisation_contact: User, member_organisation: Organisation
) -> None:
    client.force_login(organisation_contact)

    response = client.post(
        reverse("training:create"),
        _form(mode="in_person", place="", title="Wound care", provider=member_organisation.pk),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert Course.objects.count() == 0
    assert "Say where the course takes place (in person or blended)." in content
    assert 'value="Wound care"' in content
    assert "Protect patient data during a video consultation" in content
    assert f'value="{S_DATA}" id="skill-1-1" checked' in content  # the confirmed skill stays


def test_add_another_outcome_shows_one_more_box_and_saves_nothing(
    client: Client, organisation_contact: User
) -> None:
    client.force_login(organisation_contact)

    response = client.post(reverse("training:create"), _form(add_outcome="1"))

    assert response.status_code == 200
    assert response.context["form"].outcome_slots == 4
    assert Course.objects.count() == 0


def test_suggestions_without_esco_say_so(client: Client, organisation_contact: User) -> None:
    client.force_login(organisation_contact)

    response = client.post(
        reverse("training:suggest_skills"),
        {"outcome": "1", "outcome_1_text": "Run a video consultation with a patient"},
    )

    assert response.status_code == 200
    assert b"No ESCO version is imported yet; find skills by name below." in response.content


@pytest.mark.usefixtures("esco_v1")
def test_suggestions_while_the_engine_warms_up_point_to_the_search(
    client: Client, organisation_contact: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skillspact.taxonomy import matching

    monkeypatch.setattr(matching, "engine_is_ready", lambda version: False)
    monkeypatch.setattr(matching, "engine_warm_up_request", lambda version: None)
    client.force_login(organisation_contact)

    response = client.post(
        reverse("training:suggest_skills"),
        {"outcome": "1", "outcome_1_text": "Run a video consultation with a patient"},
    )

    assert b"The matching engine is warming up" in response.content


@pytest.mark.usefixtures("esco_v1")
def test_skills_found_by_name_for_an_outcome(client: Client, organisation_contact: User) -> None:
    client.force_login(organisation_contact)

    response = client.get(
        reverse("training:concept_options"),
        {"kind": "skill", "name": "outcome_2_skills", "q": "data protection"},
    )

    assert f'name="outcome_2_skills" value="{S_DATA}"' in response.content.decode()


def test_the_management_list_shows_only_the_contacts_courses(
    client: Client, organisation_contact: User, member_organisation: Organisation,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    for number in range(5):
        CourseFactory(provider=member_organisation, title=f"Ours {number}")
    CourseFactory(title="Someone else's")
    client.force_login(organisation_contact)

    # 8 for the page, and the learners summary of each course (the enrolments' include).
    with django_assert_max_num_queries(8 + 5):
        response = client.get(reverse("training:manage"))

    assert [c.title for c in response.context["page"].object_list] == [
        f"Ours {n}" for n in (4, 3, 2, 1, 0)
    ]


def test_archive_from_the_management_list(
    client: Client, organisation_contact: User, member_organisation: Organisation
) -> None:
    course = CourseFactory(provider=member_organisation)
    client.force_login(organisation_contact)

    response = client.post(
        reverse("training:archive", args=[course.slug]), {"next": reverse("training:manage")}
    )

    assert response.url == reverse("training:manage")
    course.refresh_from_db()
    assert course.status == Course.Status.ARCHIVED


@pytest.mark.usefixtures("esco_v1")
def test_the_import_page_reports_errors_and_keeps_nothing(
    client: Client, organisation_contact: User, member_organisation: Organisation
) -> None:
    client.force_login(organisation_contact)
    upload = SimpleUploadedFile(
        "courses.csv",
        b"title,outcomes,hours,mode,languages,assessment_type,quality_assurance\n"
        b"Telehealth,Run a consultation,many,online,en,online_test,Accredited\n",
        content_type="text/csv",
    )

    response = client.post(
        reverse("training:import"), {"provider": member_organisation.pk, "file": upload}
    )

    assert response.status_code == 200
    assert "Enter a whole number with digits only, not “many”." in response.content.decode()
    assert Course.objects.count() == 0


def test_the_import_templates_download(client: Client, organisation_contact: User) -> None:
    client.force_login(organisation_contact)

    csv_response = client.get(reverse("training:import_template_csv"))
    xlsx_response = client.get(reverse("training:import_template_xlsx"))

    assert csv_response["Content-Disposition"] == 'attachment; filename="courses-template.csv"'
    assert xlsx_response.content[:2] == b"PK"


@pytest.mark.usefixtures("esco_v1")
def test_the_skill_page_lists_courses_that_teach_it(client: Client) -> None:
    course = CourseFactory(title="Data protection for nurses")
    CourseSkillFactory(course=course, skill_uri=S_DATA)

    response = client.get(reverse("taxonomy:skill", args=[S_DATA]))

    content = response.content.decode()
    assert "Courses that teach this skill" in content
    assert "Data protection for nurses" in content
