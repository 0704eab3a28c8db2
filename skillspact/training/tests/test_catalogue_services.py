"""The catalogue's writes: who may create and change courses, the rules of a course, publishing
and archiving, series, and what each save recomputes for search."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from skillspact.accounts.models import User
from skillspact.core.errors import InvalidInput, InvalidState, NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.organisations.factories import OrganisationFactory
from skillspact.organisations.models import Organisation
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import (
    O_NURSE,
    S_DATA,
    S_INFORMATICS,
    S_RISK,
    S_WASTE,
    UNKNOWN_SKILL,
)
from skillspact.training import services
from skillspact.training.factories import CourseFactory, CourseSeriesFactory
from skillspact.training.models import Course, CourseOccupation, CourseSkill, LearningOutcome

pytestmark = pytest.mark.django_db


def _data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Telehealth consultations for nurses",
        "summary": "Consult by video, safely.",
        "description": "Four weeks online.",
        "hours": 25,
        "ects": Decimal("1.0"),
        "eqf_level": 5,
        "mode": "online",
        "languages": ["en", "fr"],
        "starts_on": timezone.localdate() + datetime.timedelta(days=20),
        "ends_on": timezone.localdate() + datetime.timedelta(days=50),
        "price_eur": Decimal("0"),
        "assessment_type": "online_test",
        "quality_assurance": "Accredited by the national agency",
    }
    data.update(changes)
    return data


OUTCOMES = [
    services.OutcomeIn("Protect patient data in a video consultation", [S_DATA]),
    services.OutcomeIn("Manage clinical risk in remote care", [S_RISK, S_INFORMATICS]),
]


@pytest.mark.usefixtures("esco_v1")
def test_contact_creates_a_draft_course_with_outcomes_and_the_search_index(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    course = services.course_save(
        actor=organisation_contact,
        provider=member_organisation,
        data=_data(target_occupations=[O_NURSE]),
        outcomes=OUTCOMES,
    )

    assert course.status == Course.Status.DRAFT
    assert course.slug == "telehealth-consultations-for-nurses"
    assert course.country == "ES"  # the provider's, when none is given
    assert course.skill_uris == [S_DATA, S_RISK, S_INFORMATICS]
    assert sorted(
        CourseSkill.objects.filter(course=course).values_list("skill_uri", flat=True)
    ) == sorted([S_DATA, S_RISK, S_INFORMATICS])
    assert list(
        CourseOccupation.objects.filter(course=course).values_list("occupation_uri", flat=True)
    ) == [O_NURSE]
    assert course.is_digital is True  # data protection is in ESCO's digital collection
    assert course.is_green is False
    assert course.language_codes == "|en|fr|"
    assert course.search_title == "telehealth consultations for nurses"
    assert "manage clinical risk" in course.search_text  # the skill's label
    assert "hospital universitario del norte" in course.search_text  # the provider
    assert [(o.text, o.skills) for o in course.outcomes.all()] == [
        ("Protect patient data in a video consultation", [S_DATA]),
        ("Manage clinical risk in remote care", [S_RISK, S_INFORMATICS]),
    ]
    assert AuditEntry.objects.filter(code="training.course.created").count() == 1


@pytest.mark.usefixtures("esco_v1")
def test_changing_the_outcomes_recomputes_the_skills_and_flags(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    course = services.course_save(
        actor=organisation_contact, provider=member_organisation, data=_data(), outcomes=OUTCOMES
    )

    course = services.course_save(
        actor=organisation_contact,
        course=course,
        data={},
        outcomes=[services.OutcomeIn("Sort and reduce clinical waste", [S_WASTE])],
    )

    assert course.skill_uris == [S_WASTE]
    assert list(CourseSkill.objects.filter(course=course).values_list("skill_uri", flat=True)) == [
        S_WASTE
    ]
    assert (course.is_digital, course.is_green) == (False, True)
    assert LearningOutcome.objects.filter(course=course).count() == 1
    entry = AuditEntry.objects.get(code="training.course.changed")
    assert entry.after["outcomes"] == [
        {"text": "Sort and reduce clinical waste", "skills": [S_WASTE]}
    ]


@pytest.mark.usefixtures("esco_v1")
def test_an_unknown_skill_is_refused_beside_its_outcome(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.course_save(
            actor=organisation_contact,
            provider=member_organisation,
            data=_data(),
            outcomes=[services.OutcomeIn("Something", [UNKNOWN_SKILL])],
        )

    assert caught.value.fields == {"outcome_1_skills": [f"Not a known ESCO skill: {UNKNOWN_SKILL}"]}
    assert Course.objects.count() == 0


def test_an_outsider_cannot_create_a_course_for_an_organisation(
    outsider: User, member_organisation: Organisation
) -> None:
    with pytest.raises(NotPermitted):
        services.course_save(
            actor=outsider, provider=member_organisation, data=_data(), outcomes=[]
        )

    assert Course.objects.count() == 0


def test_an_organisation_that_is_not_a_member_offers_no_course(secretariat_officer: User) -> None:
    former = OrganisationFactory(status=Organisation.Status.LEFT)

    with pytest.raises(InvalidState):
        services.course_save(actor=secretariat_officer, provider=former, data=_data(), outcomes=[])

    assert Course.objects.count() == 0


def test_another_organisation_contact_cannot_edit_the_course(
    organisation_contact: User, outsider: User
) -> None:
    course = CourseFactory(title="Wound care")

    with pytest.raises(NotPermitted):
        services.course_save(actor=organisation_contact, course=course, data={"title": "Mine now"})

    course.refresh_from_db()
    assert course.title == "Wound care"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"mode": "in_person", "place": ""}, "place", "Say where the course takes place (in person or blended)."),  # noqa: E501
        ({"starts_on": None}, "starts_on", "Give the start date, or mark the course as self-paced."),  # noqa: E501
        ({"languages": ["en", "xx"]}, "languages", "Not a language code: xx. Use ISO 639-1 codes such as en, fr, de."),  # noqa: E501
        ({"ects": Decimal("5"), "hours": 25}, "ects", "5 ECTS credits need at least 100 hours of work (20 to 30 an ECTS)."),  # noqa: E501
        (
            {"enrolment_closes_on": timezone.localdate() + datetime.timedelta(days=60)},
            "enrolment_closes_on",
            "Enrolment must close before the course ends.",
        ),
        ({"target_occupations": ["http://example.org/not-an-occupation"]}, "target_occupations", "Not a known occupation or local role: http://example.org/not-an-occupation"),  # noqa: E501
    ],
)  # fmt: skip
@pytest.mark.usefixtures("esco_v1")
def test_course_rules_name_the_field_at_fault(
    organisation_contact: User,
    member_organisation: Organisation,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.course_save(
            actor=organisation_contact,
            provider=member_organisation,
            data=_data(**changes),
            outcomes=OUTCOMES,
        )

    assert caught.value.fields[field] == [message]
    assert Course.objects.count() == 0


def test_a_self_paced_course_needs_no_start_date(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    course = services.course_save(
        actor=organisation_contact,
        provider=member_organisation,
        data=_data(is_self_paced=True, starts_on=None, ends_on=None),
        outcomes=[services.OutcomeIn("Explain telehealth to a patient")],
    )

    assert course.is_self_paced is True
    assert course.starts_on is None


def test_publishing_needs_an_outcome_and_then_lists_the_course(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    empty = services.course_save(
        actor=organisation_contact, provider=member_organisation, data=_data(), outcomes=[]
    )
    with pytest.raises(InvalidState) as caught:
        services.course_publish(course=empty, actor=organisation_contact)
    assert caught.value.message == "Add at least one learning outcome."
    empty.refresh_from_db()
    assert empty.status == Course.Status.DRAFT

    course = services.course_save(
        actor=organisation_contact,
        course=empty,
        data={},
        outcomes=[services.OutcomeIn("Explain telehealth to a patient")],
    )
    course = services.course_publish(course=course, actor=organisation_contact)

    assert course.status == Course.Status.PUBLISHED
    assert course.published_at is not None
    assert AuditEntry.objects.filter(code="training.course.published").count() == 1


def test_a_published_course_cannot_be_published_again(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    course = CourseFactory(provider=member_organisation)

    with pytest.raises(InvalidState):
        services.course_publish(course=course, actor=organisation_contact)


def test_archiving_takes_the_course_out_and_freezes_it(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    course = CourseFactory(provider=member_organisation, is_featured=True)

    services.course_archive(course=course, actor=organisation_contact)

    course.refresh_from_db()
    assert (course.status, course.is_featured) == (Course.Status.ARCHIVED, False)
    with pytest.raises(InvalidState):
        services.course_save(actor=organisation_contact, course=course, data={"title": "Again"})
    with pytest.raises(InvalidState):
        services.course_archive(course=course, actor=organisation_contact)


def test_an_outsider_cannot_archive(outsider: User) -> None:
    course = CourseFactory()

    with pytest.raises(NotPermitted):
        services.course_archive(course=course, actor=outsider)

    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED


def test_only_the_secretariat_features_a_course(
    organisation_contact: User, member_organisation: Organisation, secretariat_officer: User
) -> None:
    course = services.course_save(
        actor=organisation_contact,
        provider=member_organisation,
        data=_data(is_featured=True),
        outcomes=OUTCOMES[:0],
    )
    assert course.is_featured is False

    course = services.course_save(
        actor=secretariat_officer, course=course, data={"is_featured": True}
    )
    assert course.is_featured is True


def test_a_course_joins_the_secretariat_series_or_its_own_not_another_providers(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    programme = CourseSeriesFactory(organisation=None)
    other = CourseSeriesFactory(organisation=OrganisationFactory())

    course = services.course_save(
        actor=organisation_contact,
        provider=member_organisation,
        data=_data(series=programme),
        outcomes=[],
    )
    assert course.series == programme

    with pytest.raises(InvalidInput) as caught:
        services.course_save(actor=organisation_contact, course=course, data={"series": other})
    assert caught.value.fields == {"series": ["This series belongs to another provider."]}
    course.refresh_from_db()
    assert course.series == programme


def test_series_of_the_secretariat_and_of_a_provider(
    organisation_contact: User, member_organisation: Organisation, secretariat_officer: User
) -> None:
    with pytest.raises(NotPermitted):
        services.series_save(actor=organisation_contact, data={"title": "Pilot programme"})

    own = services.series_save(
        actor=organisation_contact,
        organisation=member_organisation,
        data={"title": "Our nursing track", "is_featured": True},
    )
    assert (own.slug, own.is_featured, own.organisation) == (
        "our-nursing-track",
        False,
        member_organisation,
    )

    pilot = services.series_save(
        actor=secretariat_officer,
        data={"title": "The pilot training programme on digital skills", "is_featured": True},
    )
    assert (pilot.is_featured, pilot.organisation) == (True, None)
    assert AuditEntry.objects.filter(code="training.series.created").count() == 2


@pytest.mark.usefixtures("esco_v1")
def test_refresh_course_index_rebuilds_from_stored_outcomes() -> None:
    course = CourseFactory(title="Green hospitals", languages=["de"])
    LearningOutcome.objects.create(course=course, text="Reduce waste", skills=[S_WASTE])

    services.refresh_course_index(course)

    course.refresh_from_db()
    assert course.skill_uris == [S_WASTE]
    assert course.is_green is True
    assert list(course.course_skills.values_list("skill_uri", flat=True)) == [S_WASTE]
