"""Proposals, saving, enrolling from a plan, and a plan keeping up with credentials until it is
achieved."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from skillspact.core.errors import NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.pathways import errors, selectors, services
from skillspact.pathways.factories import LearnerProfileFactory, ProfileSkillFactory
from skillspact.pathways.models import Plan, PlanSkill, PlanStep
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import (
    O_NURSE,
    S_DATA,
    S_INFORMATICS,
    S_INITIATIVE,
    S_RISK,
)
from skillspact.training.enrolments import EnrolmentClosed
from skillspact.training.factories import (
    CourseFactory,
    CourseSkillFactory,
    LearningOutcomeFactory,
)
from skillspact.training.models import Course, Enrolment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("esco_v1")]


@pytest.fixture
def esco(request):
    """The tiny ESCO version (the `esco_v1` fixture's value)."""
    return request.getfixturevalue("esco_v1")


def _course(slug: str, skills: list[str], **fields) -> Course:
    course = CourseFactory(slug=slug, **fields)
    LearningOutcomeFactory(course=course, skills=skills)
    for uri in skills:
        CourseSkillFactory(course=course, skill_uri=uri)
    return course


@pytest.fixture
def nurse(health_worker):
    """A nurse holding "manage clinical risk", aiming at the nurse's full profile: missing data
    protection (essential), health informatics and show initiative (optional)."""
    profile = LearnerProfileFactory(user=health_worker, country="DE")
    ProfileSkillFactory(profile=profile, skill_uri=S_RISK)
    return profile


@pytest.fixture
def catalogue():
    """Known optimum by hours: "data-and-informatics" (30 h) covers both skills that "data"
    (20 h) and "informatics" (25 h) cover apart; nothing teaches "show initiative"."""
    return {
        "both": _course("data-and-informatics", [S_DATA, S_INFORMATICS], hours=30),
        "data": _course("data", [S_DATA], hours=20, price_eur=Decimal("10")),
        "informatics": _course("informatics", [S_INFORMATICS], hours=25),
    }


def test_the_proposal_is_the_least_workload_cover_and_names_what_no_course_covers(nurse, catalogue):
    proposal = services.plan_propose(profile=nurse, target_uri=O_NURSE)

    assert [course.slug for course in proposal.courses] == ["data-and-informatics"]
    assert set(proposal.courses[0].covers) == {S_DATA, S_INFORMATICS}
    assert proposal.courses[0].reason["code"]
    assert proposal.result.optimal is True
    assert proposal.result.objective == pytest.approx(30.0)
    assert [skill.uri for skill in proposal.uncovered] == [S_INITIATIVE]
    assert "no_course_covers" in proposal.result.infeasible_reasons
    assert proposal.total_hours == 30.0


def test_the_budget_is_respected_and_the_rest_is_uncovered(nurse, catalogue):
    Course.objects.filter(slug="data-and-informatics").update(price_eur=Decimal("500"))
    Course.objects.filter(slug="informatics").update(price_eur=Decimal("500"))
    nurse.budget_eur = Decimal("100")
    nurse.save()

    proposal = services.plan_propose(profile=nurse, target_uri=O_NURSE)

    assert [course.slug for course in proposal.courses] == ["data"]
    assert {skill.uri for skill in proposal.uncovered} == {S_INFORMATICS, S_INITIATIVE}


def test_an_unknown_target_is_a_clear_error(nurse):
    with pytest.raises(errors.UnknownTarget):
        services.plan_propose(profile=nurse, target_uri="urn:skillspact:occupation:nothing")


def test_the_alternatives_are_offered_by_name(nurse, catalogue):
    found = services.plan_alternatives(profile=nurse, target_uri=O_NURSE)

    assert "best" in found
    assert set(found) <= {"best", "fastest", "cheapest", "online"}
    assert all(p.target_uri == O_NURSE for p in found.values())


def test_a_saved_plan_keeps_its_steps_and_the_state_of_each_skill(nurse, catalogue):
    proposal = services.plan_propose(profile=nurse, target_uri=O_NURSE)

    plan = services.plan_save(actor=nurse.user, profile=nurse, proposal=proposal, name="")

    assert plan.name == "Pathway to nurse responsible for general care"
    assert (plan.status, plan.is_optimal, plan.total_hours, plan.country) == (
        "active",
        True,
        30,
        "DE",
    )
    assert plan.result["courses"] == ["data-and-informatics"]
    step = PlanStep.objects.get(plan=plan)
    assert (step.position, step.course_id, step.hours) == (1, catalogue["both"].pk, 30)
    assert set(step.covers) == {S_DATA, S_INFORMATICS}
    states = {
        s.skill_uri: (s.state, s.is_essential, s.weight, s.country, s.target_uri)
        for s in PlanSkill.objects.filter(plan=plan)
    }
    assert states == {
        S_RISK: ("held", True, 1.0, "DE", O_NURSE),
        S_DATA: ("covered", True, 1.0, "DE", O_NURSE),
        S_INFORMATICS: ("covered", False, 0.3, "DE", O_NURSE),
        S_INITIATIVE: ("uncovered", False, 0.3, "DE", O_NURSE),
    }
    assert AuditEntry.objects.filter(code="pathways.plan.saved").count() == 1


def test_nobody_else_saves_a_plan_on_a_profile(nurse, catalogue, outsider):
    proposal = services.plan_propose(profile=nurse, target_uri=O_NURSE)

    with pytest.raises(NotPermitted):
        services.plan_save(actor=outsider, profile=nurse, proposal=proposal)

    assert not Plan.objects.exists()


def _saved(nurse) -> Plan:
    proposal = services.plan_propose(profile=nurse, target_uri=O_NURSE)
    return services.plan_save(actor=nurse.user, profile=nurse, proposal=proposal)


def test_enrolling_from_a_step_enrols_or_waitlists_through_the_catalogue(
    nurse, catalogue, outsider
):
    plan = _saved(nurse)
    Course.objects.filter(pk=catalogue["both"].pk).update(places=1)
    Enrolment.objects.create(
        course=catalogue["both"], user=outsider, status="enrolled", enrolled_at=timezone.now()
    )

    enrolment = services.plan_enrol_step(actor=nurse.user, plan=plan, step_position=1)

    assert (enrolment.course_id, enrolment.user_id, enrolment.status) == (
        catalogue["both"].pk,
        nurse.user.pk,
        "waitlisted",
    )
    view = selectors.plan_view(plan=plan)
    assert (view.steps[0].status, view.steps[0].is_done) == ("waitlisted", False)


def test_enrolling_is_refused_for_someone_else_a_missing_step_or_a_closed_course(
    nurse, catalogue, outsider
):
    plan = _saved(nurse)

    with pytest.raises(NotPermitted):
        services.plan_enrol_step(actor=outsider, plan=plan, step_position=1)
    with pytest.raises(errors.StepNotFound):
        services.plan_enrol_step(actor=nurse.user, plan=plan, step_position=7)
    Course.objects.filter(pk=catalogue["both"].pk).update(
        enrolment_closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(EnrolmentClosed):
        services.plan_enrol_step(actor=nurse.user, plan=plan, step_position=1)

    assert not Enrolment.objects.exists()


def test_a_credential_completes_its_step_and_the_plan_is_achieved(
    nurse, catalogue, secretariat_officer
):
    from skillspact.credentials import services as credential_services

    plan = _saved(nurse)
    enrolment = services.plan_enrol_step(actor=nurse.user, plan=plan, step_position=1)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status="completed", result="passed", completed_at=timezone.now()
    )
    enrolment.refresh_from_db()
    credential = credential_services.credential_issue(
        enrolment=enrolment, actor=secretariat_officer, notify=False
    )

    plan = services.plan_refresh(actor=nurse.user, plan=plan)

    step = PlanStep.objects.get(plan=plan)
    assert step.completed_at is not None
    held = {s.uri for s in selectors.profile_skills(nurse) if s.is_credentialed}
    assert held == {S_DATA, S_INFORMATICS}
    states = {
        s.skill_uri: (s.state, s.is_credentialed) for s in PlanSkill.objects.filter(plan=plan)
    }
    assert states[S_DATA] == ("held", True)
    assert states[S_INFORMATICS] == ("held", True)
    assert states[S_INITIATIVE] == ("uncovered", False)
    assert (plan.status, plan.achieved_at is not None) == ("achieved", True)
    view = selectors.plan_view(plan=plan)
    assert (view.steps_completed, view.steps_total, view.progress_percent) == (1, 1, 100)
    assert [c.title for c in view.credentials] == [credential.course.title]
    codes = set(AuditEntry.objects.values_list("code", flat=True))
    assert {"pathways.plan.refreshed", "pathways.plan.achieved"} <= codes
    with pytest.raises(errors.PlanNotActive):
        services.plan_refresh(actor=nurse.user, plan=plan)


def test_refreshing_re_plans_the_rest_after_the_first_course(nurse, secretariat_officer):
    from skillspact.credentials import services as credential_services

    first = _course("data", [S_DATA], hours=10)
    _course("informatics", [S_INFORMATICS], hours=10)
    plan = _saved(nurse)
    assert set(plan.steps.values_list("course__slug", flat=True)) == {"data", "informatics"}
    position = plan.steps.get(course=first).position
    enrolment = services.plan_enrol_step(actor=nurse.user, plan=plan, step_position=position)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status="completed", result="passed", completed_at=timezone.now()
    )
    enrolment.refresh_from_db()
    credential_services.credential_issue(
        enrolment=enrolment, actor=secretariat_officer, notify=False
    )
    better = _course("informatics-short", [S_INFORMATICS], hours=4)

    plan = services.plan_refresh(actor=nurse.user, plan=plan)

    steps = list(plan.steps.order_by("position"))
    assert [(s.course_id, s.completed_at is not None) for s in steps] == [
        (first.pk, True),
        (better.pk, False),
    ]
    assert plan.status == "active"
    view = selectors.plan_view(plan=plan)
    assert (view.steps_completed, view.progress_percent) == (1, 50)


def test_refresh_archive_and_share_belong_to_the_owner(nurse, catalogue, outsider):
    plan = _saved(nurse)

    for action in (
        lambda: services.plan_refresh(actor=outsider, plan=plan),
        lambda: services.plan_archive(actor=outsider, plan=plan),
        lambda: services.plan_share_set(actor=outsider, plan=plan, is_shared=True),
    ):
        with pytest.raises(NotPermitted):
            action()
    plan.refresh_from_db()
    assert (plan.status, plan.is_shared) == ("active", False)

    services.plan_share_set(actor=nurse.user, plan=plan, is_shared=True)
    services.plan_archive(actor=nurse.user, plan=plan)
    plan.refresh_from_db()
    assert (plan.status, plan.is_shared) == ("archived", True)
    codes = set(AuditEntry.objects.values_list("code", flat=True))
    assert {"pathways.plan.shared", "pathways.plan.archived"} <= codes


def test_the_api_plans_from_held_skills_and_constraints_without_a_profile(catalogue):
    proposal = services.plan_for_api(
        held=[S_RISK],
        target_uri=O_NURSE,
        constraints={"max_hours": 25, "modes": ["online"], "languages": ["en"]},
        objective="hours",
    )

    assert [course.slug for course in proposal.courses] == ["data"]
    assert {s.uri for s in proposal.uncovered} == {S_INFORMATICS, S_INITIATIVE}
