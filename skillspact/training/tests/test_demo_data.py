"""The demo catalogue: at least 500 published courses across countries, languages and levels,
and the pilot programme on digital skills as a featured series."""

from __future__ import annotations

from collections import Counter

import pytest

from skillspact.accounts.models import User
from skillspact.organisations.factories import OrganisationFactory
from skillspact.organisations.models import Organisation, StakeholderType
from skillspact.training import demo_data, selectors
from skillspact.training.models import Course, CourseSeries, LearningOutcome
from skillspact.training.selectors import CourseFilters

pytestmark = pytest.mark.django_db

COUNTRIES = ["DE", "FR", "ES", "IT", "PL", "NL", "BE", "AT", "PT", "SE"]
TYPES = [
    StakeholderType.EDUCATION_VET,
    StakeholderType.EDUCATION_HIGHER,
    StakeholderType.HEALTHCARE_PROVIDER,
    StakeholderType.EDUCATION_OTHER,
]


@pytest.fixture
def providers(db: None) -> list[Organisation]:
    made = [
        OrganisationFactory(country=COUNTRIES[n % len(COUNTRIES)], stakeholder_type=TYPES[n % 4])
        for n in range(24)
    ]
    OrganisationFactory(stakeholder_type=StakeholderType.INDUSTRY_PHARMA)  # offers no course
    return made


def test_the_demo_has_over_500_published_courses_across_the_catalogue(
    providers: list[Organisation], secretariat_officer: User, member_organisation: Organisation
) -> None:
    seeded = demo_data.seed(
        seed=7, secretariat=secretariat_officer, contact_organisation=member_organisation
    )

    published = Course.objects.filter(status=Course.Status.PUBLISHED)
    assert published.count() == demo_data.COURSES >= 500
    assert (
        Course.objects.filter(status=Course.Status.DRAFT, provider=member_organisation).count() == 2
    )
    assert not published.filter(provider__stakeholder_type=StakeholderType.INDUSTRY_PHARMA).exists()
    assert set(published.values_list("eqf_level", flat=True)) == {3, 4, 5, 6, 7, 8}
    assert {"en", "fr", "de", "es", "it", "pl", "nl"} <= {
        code for languages in published.values_list("languages", flat=True) for code in languages
    }
    assert len(set(published.values_list("country", flat=True))) >= 10
    assert set(published.values_list("mode", flat=True)) == {"online", "in_person", "blended"}
    assert published.filter(is_self_paced=True).exists()
    assert published.filter(price_eur=0).exists() and published.filter(price_eur__gt=0).exists()
    assert LearningOutcome.objects.count() == seeded.outcomes
    # Without ESCO the outcomes carry no skills.
    assert seeded.with_skills == 0
    assert "courses         562 (560 published, 2 drafts)" in seeded.text()


def test_the_pilot_programme_is_a_featured_series_of_six_courses(
    providers: list[Organisation], secretariat_officer: User
) -> None:
    demo_data.seed(seed=7, secretariat=secretariat_officer)

    pilot = CourseSeries.objects.get(slug=demo_data.PILOT_SERIES_SLUG)
    assert pilot.title == "The pilot training programme on digital skills"
    assert pilot.is_featured is True
    assert pilot.courses.filter(status=Course.Status.PUBLISHED).count() == 6
    assert selectors.course_search(CourseFilters(series=pilot.slug)).count() == 6


def test_the_same_seed_gives_the_same_catalogue(
    providers: list[Organisation], secretariat_officer: User
) -> None:
    demo_data.seed(seed=7, secretariat=secretariat_officer, count=40)
    first = list(
        Course.objects.order_by("id").values_list("slug", "title", "eqf_level", "price_eur")
    )
    Course.objects.all().delete()
    CourseSeries.objects.all().delete()

    demo_data.seed(seed=7, secretariat=secretariat_officer, count=40)
    second = list(
        Course.objects.order_by("id").values_list("slug", "title", "eqf_level", "price_eur")
    )

    assert first == second
    assert Counter(title.split(" — ")[0] for _s, title, _e, _p in first)


def test_demo_courses_are_found_by_their_words(
    providers: list[Organisation], secretariat_officer: User
) -> None:
    demo_data.seed(seed=7, secretariat=secretariat_officer, count=60)

    found = selectors.course_search(CourseFilters(q="telehealth consultations"))

    assert found.exists()
    assert all("telehealth" in c.search_text for c in found)


def test_no_provider_no_course(secretariat_officer: User) -> None:
    seeded = demo_data.seed(seed=7, secretariat=secretariat_officer)

    assert (seeded.courses, Course.objects.count()) == (0, 0)
