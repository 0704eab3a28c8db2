"""The learner's profile and skills, the engine's matches (and its warming up), the targets,
the suggestions, the access checks and the secretariat's insights."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from skillspact.core.errors import InvalidInput, NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.pathways import errors, selectors, services
from skillspact.pathways.factories import (
    LearnerProfileFactory,
    PlanFactory,
    PlanSkillFactory,
    ProfileSkillFactory,
)
from skillspact.pathways.models import LearnerProfile, Plan, PlanSkill, ProfileSkill
from skillspact.taxonomy import services as taxonomy_services
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import (
    O_NURSE,
    O_SPECIALIST,
    S_DATA,
    S_INFORMATICS,
    S_PYTHON,
    S_RISK,
)
from skillspact.training.factories import CourseFactory, CourseSkillFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("esco_v1")]


@pytest.fixture
def esco(request):
    """The tiny ESCO version (the `esco_v1` fixture's value)."""
    return request.getfixturevalue("esco_v1")


@pytest.fixture
def warm_engine(esco, settings, tmp_path):
    from skillspact.taxonomy import matching

    settings.ENGINE_CACHE_DIR = tmp_path / "engine"
    matching.forget_engines()
    matching.engine_for(esco)
    yield esco
    matching.forget_engines()


@pytest.fixture
def cold_engine(settings, tmp_path, monkeypatch):
    from skillspact.taxonomy import matching

    settings.ENGINE_CACHE_DIR = tmp_path / "cold"
    matching.forget_engines()
    asked: list[str] = []
    monkeypatch.setattr(matching, "engine_warm_up_request", lambda v: asked.append(v.code))
    yield asked
    matching.forget_engines()


@pytest.fixture
def local_role(secretariat_officer):
    return taxonomy_services.local_role_create(
        actor=secretariat_officer,
        slug="clinical-informatics-specialist",
        preferred_label="clinical informatics specialist",
        alt_labels=["nurse informaticist"],
        description="Bridges clinical care and information technology.",
        source="test",
        skills={S_INFORMATICS: "essential", S_RISK: "essential", S_PYTHON: "optional"},
    )


def _codes(code: str) -> int:
    return AuditEntry.objects.filter(code=code).count()


# -- the profile -------------------------------------------------------------------------------


def test_the_profile_is_created_once_on_first_use(health_worker):
    first = services.profile_ensure(actor=health_worker)
    second = services.profile_ensure(actor=health_worker)

    assert first.pk == second.pk
    assert LearnerProfile.objects.filter(user=health_worker).count() == 1
    assert _codes("pathways.profile.updated") == 1
    assert selectors.profile_of(user=health_worker) == first


def test_the_owner_updates_the_constraints_with_an_audit_entry(health_worker):
    profile = services.profile_ensure(actor=health_worker)

    services.profile_update(
        actor=health_worker,
        profile=profile,
        country="de",
        languages=["de", "en", "de"],
        hours_per_week=8,
        modes=["online"],
        start_eqf_level=5,
    )

    profile.refresh_from_db()
    assert (profile.country, profile.languages, profile.hours_per_week) == ("DE", ["de", "en"], 8)
    assert (profile.modes, profile.start_eqf_level) == (["online"], 5)
    entry = AuditEntry.objects.filter(code="pathways.profile.updated").latest("id")
    assert entry.after["country"] == "DE"


def test_someone_else_cannot_change_a_profile(health_worker, outsider):
    profile = services.profile_ensure(actor=health_worker)

    with pytest.raises(NotPermitted):
        services.profile_update(actor=outsider, profile=profile, hours_per_week=30)
    with pytest.raises(NotPermitted):
        services.profile_skills_add(
            actor=outsider, profile=profile, skill_uris=[S_DATA], source="declared"
        )

    profile.refresh_from_db()
    assert profile.hours_per_week is None
    assert not profile.skills.exists()


def test_an_invalid_constraint_or_an_unknown_field_is_refused_and_nothing_changes(health_worker):
    profile = services.profile_ensure(actor=health_worker)

    with pytest.raises(InvalidInput) as invalid:
        services.profile_update(actor=health_worker, profile=profile, hours_per_week=90)
    with pytest.raises(InvalidInput):
        services.profile_update(actor=health_worker, profile=profile, user_id=1)

    assert "hours_per_week" in invalid.value.fields
    profile.refresh_from_db()
    assert profile.hours_per_week is None


def test_the_occupation_is_an_esco_occupation_or_a_local_role(health_worker, local_role):
    profile = services.profile_ensure(actor=health_worker)

    services.profile_set_occupation(
        actor=health_worker, profile=profile, job_title="Krankenschwester", occupation_uri=O_NURSE
    )
    profile.refresh_from_db()
    assert (profile.job_title, profile.occupation_uri) == ("Krankenschwester", O_NURSE)
    assert profile.occupation_label == "nurse responsible for general care"
    assert profile.esco_version == "v1.1.1"

    services.profile_set_occupation(
        actor=health_worker,
        profile=profile,
        job_title="informaticist",
        occupation_uri=local_role.uri,
    )
    profile.refresh_from_db()
    assert profile.occupation_label == "clinical informatics specialist"

    with pytest.raises(errors.UnknownTarget):
        services.profile_set_occupation(
            actor=health_worker, profile=profile, job_title="x", occupation_uri=S_DATA
        )
    profile.refresh_from_db()
    assert profile.occupation_uri == local_role.uri


def test_skills_are_added_once_each_with_their_source(health_worker):
    profile = services.profile_ensure(actor=health_worker)

    added = services.profile_skills_add(
        actor=health_worker, profile=profile, skill_uris=[S_DATA, S_RISK, S_DATA], source="declared"
    )
    again = services.profile_skills_add(
        actor=health_worker, profile=profile, skill_uris=[S_RISK, S_PYTHON], source="extracted"
    )

    assert (added, again) == (2, 1)
    held = {skill.uri: skill.sources for skill in selectors.profile_skills(profile)}
    assert held == {
        S_DATA: ["declared"],
        S_RISK: ["declared", "extracted"],
        S_PYTHON: ["extracted"],
    }


def test_unknown_skills_and_the_credentialed_source_are_refused(health_worker):
    profile = services.profile_ensure(actor=health_worker)

    with pytest.raises(errors.UnknownSkill):
        services.profile_skills_add(
            actor=health_worker,
            profile=profile,
            skill_uris=[S_DATA, "http://data.europa.eu/esco/skill/nothing"],
            source="declared",
        )
    with pytest.raises(errors.InvalidSource):
        services.profile_skills_add(
            actor=health_worker, profile=profile, skill_uris=[S_DATA], source="credentialed"
        )

    assert not profile.skills.exists()


def test_a_declared_skill_can_be_removed_but_a_credentialed_one_cannot(health_worker):
    profile = services.profile_ensure(actor=health_worker)
    ProfileSkillFactory(profile=profile, skill_uri=S_DATA, source="declared")
    ProfileSkillFactory(profile=profile, skill_uri=S_RISK, source="credentialed")

    services.profile_skill_remove(actor=health_worker, profile=profile, skill_uri=S_DATA)
    with pytest.raises(errors.CredentialedSkill):
        services.profile_skill_remove(actor=health_worker, profile=profile, skill_uri=S_RISK)
    with pytest.raises(errors.SkillNotHeld):
        services.profile_skill_remove(actor=health_worker, profile=profile, skill_uri=S_PYTHON)

    assert list(profile.skills.values_list("skill_uri", "source")) == [(S_RISK, "credentialed")]
    held = selectors.profile_skills(profile)
    assert [(s.uri, s.is_credentialed, s.is_removable) for s in held] == [(S_RISK, True, False)]


def test_the_skills_of_valid_credentials_join_the_profile_and_leave_it_when_revoked(
    health_worker, secretariat_officer
):
    from skillspact.credentials import services as credential_services
    from skillspact.credentials.factories import CompletedEnrolmentFactory
    from skillspact.training.factories import LearningOutcomeFactory

    course = CourseFactory()
    LearningOutcomeFactory(course=course, skills=[S_DATA, S_RISK])
    enrolment = CompletedEnrolmentFactory(course=course, user=health_worker)
    credential = credential_services.credential_issue(
        enrolment=enrolment, actor=secretariat_officer, notify=False
    )
    profile = services.profile_ensure(actor=health_worker)

    count = services.profile_sync_credentials(actor=health_worker, profile=profile)

    assert count == 2
    rows = profile.skills.filter(source=ProfileSkill.Source.CREDENTIALED)
    assert sorted(rows.values_list("skill_uri", flat=True)) == sorted([S_DATA, S_RISK])
    assert {str(row.credential_public_id) for row in rows} == {str(credential.public_id)}

    credential_services.credential_revoke(
        credential=credential, actor=secretariat_officer, reason="Issued in error.", notify=False
    )
    assert services.profile_sync_credentials(actor=health_worker, profile=profile) == 0
    assert not profile.skills.exists()


# -- the engine --------------------------------------------------------------------------------


def test_a_job_title_is_matched_to_occupations_by_the_engine(warm_engine, health_worker):
    found = selectors.occupation_matches(job_title="nurse", language="en")

    assert found[0].uri in {O_NURSE, O_SPECIALIST}
    assert O_NURSE in [choice.uri for choice in found]
    assert all(choice.score is not None for choice in found)


def test_skills_are_extracted_from_a_pasted_text(warm_engine):
    text = "Manage clinical risk on a busy ward.\n• Data protection of patient records."

    found = selectors.skills_extract(text=text)

    assert {S_RISK, S_DATA} <= {choice.uri for choice in found}


def test_while_the_engine_warms_up_matching_says_so_and_asks_for_a_warm_up(cold_engine):
    with pytest.raises(errors.EngineWarming) as warming:
        selectors.occupation_matches(job_title="nurse")
    with pytest.raises(errors.EngineWarming):
        selectors.skills_extract(text="Manage clinical risk on a busy ward.")

    assert warming.value.code == "engine_warming"
    assert "warming up" in warming.value.message
    assert cold_engine == ["v1.1.1", "v1.1.1"]
    # Meanwhile the person searches by name.
    assert O_NURSE in [choice.uri for choice in selectors.target_search(text="nurse")]


def test_a_pasted_text_is_cut_into_lines_bullets_and_sentences_and_capped():
    pieces = selectors.text_pieces("First line. Second one!\n- third • fourth\n\n  ok  ")

    assert pieces == ["First line.", "Second one!", "third", "fourth"]
    assert len(selectors.text_pieces("word. " * 10_000)) == selectors.MAX_PIECES
    assert len("".join(selectors.text_pieces("x" * 50_000))) == selectors.MAX_TEXT


# -- targets -----------------------------------------------------------------------------------


def test_target_search_lists_local_roles_first_then_esco_occupations(local_role):
    found = selectors.target_search(text="informati")
    nurses = selectors.target_search(text="nurse")

    assert [(c.uri, c.is_local) for c in found] == [(local_role.uri, True)]
    assert nurses[0].uri == local_role.uri  # by its alternative label
    assert O_NURSE in [c.uri for c in nurses]


def test_the_occupation_profile_lists_essential_then_optional_skills(local_role):
    nurse = selectors.occupation_profile_skills(uri=O_NURSE)
    role = selectors.occupation_profile_skills(uri=local_role.uri)

    assert [(c.uri, c.is_essential) for c in nurse][:2] == [(S_DATA, True), (S_RISK, True)]
    assert [(c.uri, c.is_essential) for c in role] == [
        (S_INFORMATICS, True),
        (S_RISK, True),
        (S_PYTHON, False),
    ]
    assert selectors.occupation_profile_skills(uri="urn:nothing") == []


def test_suggestions_are_the_nearest_roles_by_overlap_with_missing_skills_and_hours(
    local_role, health_worker, django_assert_max_num_queries
):
    from skillspact.taxonomy.models import Occupation

    Occupation.objects.filter(uri__in=[O_NURSE, O_SPECIALIST]).update(is_health=True)
    profile = LearnerProfileFactory(user=health_worker, occupation_uri=O_NURSE)
    ProfileSkillFactory(profile=profile, skill_uri=S_RISK)
    ProfileSkillFactory(profile=profile, skill_uri=S_DATA)
    teaching = CourseFactory(hours=40)
    CourseSkillFactory(course=teaching, skill_uri=S_INFORMATICS)
    CourseSkillFactory(course=teaching, skill_uri=S_PYTHON)

    with django_assert_max_num_queries(20):
        found = selectors.target_suggestions(profile=profile, limit=5)

    assert [(s.uri, s.is_local, s.overlap, s.missing) for s in found] == [
        (local_role.uri, True, 0.5, 1),  # a tie: A to Z
        (O_SPECIALIST, False, 0.5, 1),
    ]
    assert [s.hours_estimate for s in found] == [20.0, 20.0]


# -- access ------------------------------------------------------------------------------------


def test_another_persons_plan_is_not_found(health_worker, outsider):
    plan = PlanFactory(user=health_worker)

    assert selectors.plan_get_for_owner(user=health_worker, public_id=plan.public_id) == plan
    with pytest.raises(Http404):
        selectors.plan_get_for_owner(user=outsider, public_id=plan.public_id)
    with pytest.raises(Http404):
        selectors.plan_get_for_owner(user=health_worker, public_id="not-a-uuid")
    assert list(selectors.plans_of(user=outsider)) == []


def test_a_plan_is_seen_by_its_link_only_while_shared(health_worker):
    plan = PlanFactory(user=health_worker)

    with pytest.raises(Http404):
        selectors.plan_get_shared(token=plan.share_token)
    Plan.objects.filter(pk=plan.pk).update(is_shared=True)

    assert selectors.plan_get_shared(token=plan.share_token) == plan


# -- insights ----------------------------------------------------------------------------------


def test_insights_are_for_the_secretariat_only(health_worker, organisation_contact):
    with pytest.raises(PermissionDenied):
        selectors.insights(user=health_worker)
    with pytest.raises(PermissionDenied):
        selectors.insights(user=organisation_contact)


def test_insights_count_targets_uncovered_skills_and_countries(
    secretariat_officer, health_worker, outsider, django_assert_max_num_queries
):
    role = "urn:skillspact:occupation:clinical-informatics-specialist"
    first = PlanFactory(user=health_worker, country="DE", target_uri=role)
    second = PlanFactory(user=outsider, country="FR", target_uri=role, status="achieved")
    third = PlanFactory(user=outsider, country="FR", target_uri=O_NURSE, target_label="nurse")
    archived = PlanFactory(user=outsider, country="FR", target_uri=O_NURSE, status="archived")
    for plan in (first, second, third, archived):
        PlanSkillFactory(plan=plan, skill_uri=S_PYTHON, state=PlanSkill.State.UNCOVERED)
    PlanSkillFactory(plan=first, skill_uri=S_DATA, state=PlanSkill.State.UNCOVERED)
    PlanSkillFactory(plan=second, skill_uri=S_DATA, state=PlanSkill.State.COVERED)

    with django_assert_max_num_queries(12):
        data = selectors.insights(user=secretariat_officer)
    by_country = selectors.insights(user=secretariat_officer, country="de")

    assert (data.plans, data.people, data.achieved) == (3, 2, 1)
    assert [(t.uri, t.is_local, t.plans, t.achieved) for t in data.targets] == [
        (role, True, 2, 1),
        (O_NURSE, False, 1, 0),
    ]
    assert data.targets[0].share_achieved == 0.5
    assert [(u.uri, u.label, u.plans, u.people, u.countries) for u in data.uncovered] == [
        (S_PYTHON, "Python (computer programming)", 3, 2, ["DE", "FR"]),
        (S_DATA, "data protection", 1, 1, ["DE"]),
    ]
    assert [(c.country, c.plans, c.people, c.uncovered) for c in data.countries] == [
        ("FR", 2, 1, 1),
        ("DE", 1, 1, 2),
    ]
    assert data.countries[1].name == "Germany"
    assert (by_country.plans, [u.uri for u in by_country.uncovered]) == (1, [S_DATA, S_PYTHON])
