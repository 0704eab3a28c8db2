"""The demo pathways on the demo catalogue: three health workers with plans at different
stages, and the demo worker's plan toward clinical informatics specialist."""

from __future__ import annotations

import pytest

from skillspact.organisations.factories import OrganisationFactory
from skillspact.organisations.models import StakeholderType
from skillspact.pathways import demo_data, selectors
from skillspact.pathways.models import LearnerProfile, Plan, ProfileSkill
from skillspact.taxonomy.seed import local_roles_seed
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import S_INFORMATICS
from skillspact.training import demo_data as training_demo
from skillspact.training.factories import (
    CourseFactory,
    CourseSkillFactory,
    LearningOutcomeFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("esco_v1")]


@pytest.fixture
def esco(request):
    """The tiny ESCO version (the `esco_v1` fixture's value)."""
    return request.getfixturevalue("esco_v1")


@pytest.fixture
def demo_catalogue(esco, secretariat_officer, member_organisation):
    local_roles_seed(version=esco)
    for n in range(12):
        OrganisationFactory(
            country=["DE", "ES", "FR", "BE"][n % 4],
            stakeholder_type=[
                StakeholderType.EDUCATION_VET,
                StakeholderType.EDUCATION_HIGHER,
                StakeholderType.HEALTHCARE_PROVIDER,
            ][n % 3],
        )
    training_demo.seed(
        seed=7, secretariat=secretariat_officer, contact_organisation=member_organisation
    )
    # The tiny ESCO maps few of the demo's skills: one sure course teaches health informatics,
    # the essential skill of clinical informatics specialist it has.
    course = CourseFactory(slug="health-informatics-basics", languages=["en"])
    LearningOutcomeFactory(course=course, skills=[S_INFORMATICS])
    CourseSkillFactory(course=course, skill_uri=S_INFORMATICS)


def test_the_demo_pathways_seed_on_the_demo_catalogue(
    demo_catalogue, secretariat_officer, health_worker
):
    seeded = demo_data.seed(seed=7, secretariat=secretariat_officer, worker=health_worker)

    assert seeded.people == 3
    assert seeded.profiles == 4
    assert LearnerProfile.objects.count() == 4
    nurse = LearnerProfile.objects.get(user__email=demo_data.WORKERS[0].email)
    assert nurse.job_title == "Krankenschwester"
    assert nurse.user.has_usable_password() is False
    worker_plan = Plan.objects.get(user=health_worker)
    assert worker_plan.target_uri.endswith(":clinical-informatics-specialist")
    plans = {p.user.email: p for p in Plan.objects.exclude(user=health_worker)}
    assert seeded.plans == len(plans) + 1 >= 2
    nurse_plan = plans[demo_data.WORKERS[0].email]
    view = selectors.plan_view(plan=nurse_plan)
    assert view.steps_total >= 1
    assert view.steps[0].is_done is True
    assert len(view.credentials) == 1
    assert nurse.skills.filter(source=ProfileSkill.Source.CREDENTIALED).exists()
    assert seeded.credentials == 1
    assert "saved plans" in seeded.text()
    # Each plan carries its owner's country, which the secretariat's insights count by.
    for plan in Plan.objects.select_related("user__learner_profile"):
        assert plan.country and plan.country == plan.user.learner_profile.country


def test_seeding_twice_adds_no_second_plan(demo_catalogue, secretariat_officer):
    demo_data.seed(seed=7, secretariat=secretariat_officer)
    plans = Plan.objects.count()

    again = demo_data.seed(seed=7, secretariat=secretariat_officer)

    assert (again.people, again.plans, Plan.objects.count()) == (0, 0, plans)
