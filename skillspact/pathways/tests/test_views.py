"""The pathways pages: wiring, access, what each page says, forms that keep what was typed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from skillspact.accounts.models import User
from skillspact.core.text import search_text
from skillspact.pathways import selectors, services
from skillspact.pathways.models import LearnerProfile, Plan, ProfileSkill
from skillspact.taxonomy import matching
from skillspact.taxonomy import services as taxonomy_services
from skillspact.taxonomy.models import ConceptType, EscoVersion, Label
from skillspact.taxonomy.tests import conftest as taxonomy_fixtures
from skillspact.taxonomy.tests.esco_files import (
    O_NURSE,
    S_DATA,
    S_INFORMATICS,
    S_INITIATIVE,
    S_PYTHON,
    S_RISK,
)
from skillspact.training.factories import course_teaching
from skillspact.training.models import Course, Enrolment
from skillspact.training.models import Enrolment as EnrolmentModel

esco_folder = taxonomy_fixtures.esco_folder
esco_v1 = taxonomy_fixtures.esco_v1

pytestmark = pytest.mark.django_db
ROLE = "clinical informatics specialist"
ROLE_URI = "urn:skillspact:occupation:clinical-informatics-specialist"


def _course(provider: Any, *, slug: str, skills: list[str], **fields: Any) -> Course:
    return course_teaching(provider=provider, slug=slug, skills=skills, **fields)


@pytest.fixture
def role(esco_v1: EscoVersion, secretariat_officer: User) -> Any:
    return taxonomy_services.local_role_create(
        actor=secretariat_officer,
        slug="clinical-informatics-specialist",
        preferred_label=ROLE,
        description="Bridges clinical practice and health information systems.",
        source="The partnership's role definitions.",
        skills={S_INFORMATICS: "essential", S_DATA: "essential", S_PYTHON: "optional"},
    )


@pytest.fixture
def courses(role: Any, member_organisation: Any) -> list[Course]:
    return [
        _course(
            member_organisation,
            slug="informatics-for-nurses",
            title="Health informatics for nurses",
            skills=[S_INFORMATICS, S_DATA],
            hours=30,
            price_eur=Decimal("200"),
        ),
        _course(
            member_organisation,
            slug="python-clinical-data",
            title="Python for clinical data",
            skills=[S_PYTHON],
            hours=40,
            price_eur=Decimal("0"),
        ),
    ]


@pytest.fixture
def learner(health_worker: User, esco_v1: EscoVersion) -> LearnerProfile:
    profile = services.profile_ensure(actor=health_worker)
    profile = services.profile_set_occupation(
        actor=health_worker, profile=profile, job_title="Krankenschwester", occupation_uri=O_NURSE
    )
    services.profile_skills_add(
        actor=health_worker, profile=profile, skill_uris=[S_RISK], source="declared"
    )
    return profile


@pytest.fixture
def saved_plan(learner: LearnerProfile, health_worker: User, courses: list[Course]) -> Plan:
    proposal = services.plan_propose(profile=learner, target_uri=ROLE_URI)
    return services.plan_save(actor=health_worker, profile=learner, proposal=proposal)


@pytest.fixture
def warm_engine(esco_v1: EscoVersion, settings: Any, tmp_path: Any) -> Any:
    Label.objects.create(
        version=esco_v1,
        concept_uri=O_NURSE,
        concept_type=ConceptType.OCCUPATION,
        language="de",
        label_type=Label.LabelType.ALTERNATIVE,
        text="Krankenschwester",
        normalised=search_text("Krankenschwester"),
    )
    settings.ENGINE_CACHE_DIR = tmp_path / "engine"
    matching.forget_engines()
    matching.engine_for(esco_v1)
    yield esco_v1
    matching.forget_engines()


@pytest.fixture
def cold_engine(esco_v1: EscoVersion, settings: Any, tmp_path: Any) -> Any:
    settings.ENGINE_CACHE_DIR = tmp_path / "cold"
    matching.forget_engines()
    yield esco_v1
    matching.forget_engines()


# -- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["pathways:home", "pathways:profile", "pathways:target", "pathways:plan"]
)
def test_the_pathways_pages_send_anonymous_people_to_sign_in(client: Any, name: str) -> None:
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_someone_elses_plan_is_not_found_and_stays_unchanged(
    client: Any, outsider: User, saved_plan: Plan
) -> None:
    client.force_login(outsider)

    seen = client.get(reverse("pathways:plan_detail", args=[saved_plan.public_id]))
    archived = client.post(reverse("pathways:plan_archive", args=[saved_plan.public_id]))
    shared = client.post(
        reverse("pathways:plan_share", args=[saved_plan.public_id]), {"is_shared": "1"}
    )

    assert (seen.status_code, archived.status_code, shared.status_code) == (404, 404, 404)
    saved_plan.refresh_from_db()
    assert saved_plan.status == Plan.Status.ACTIVE
    assert saved_plan.is_shared is False


# -- start page ----------------------------------------------------------------------------------


def test_a_first_visit_is_invited_to_build_a_profile(client: Any, health_worker: User) -> None:
    client.force_login(health_worker)

    response = client.get(reverse("pathways:home"))

    assert response.status_code == 200
    assert b"Start with where you are." in response.content
    assert b"No saved plan yet." in response.content
    assert LearnerProfile.objects.filter(user=health_worker).exists() is False


def test_the_start_page_shows_the_profile_and_saved_plans_with_progress(
    client: Any, health_worker: User, saved_plan: Plan, django_assert_max_num_queries: Any
) -> None:
    client.force_login(health_worker)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("pathways:home"))

    content = response.content.decode()
    assert "nurse responsible for general care" in content
    assert saved_plan.name in content
    assert "0 of 2 steps completed (0 %)" in content
    assert '<progress max="100" value="0"' in content


# -- the profile ---------------------------------------------------------------------------------


def test_the_constraints_are_saved(client: Any, health_worker: User, learner: Any) -> None:
    client.force_login(health_worker)

    response = client.post(
        reverse("pathways:profile"),
        {
            "step": "details",
            "country": "DE",
            "languages": ["de", "en"],
            "hours_per_week": "6",
            "budget_eur": "500",
            "modes": ["online"],
            "start_eqf_level": "5",
            "deadline": "2027-06-30",
            "objective": "cost",
        },
    )

    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.country, learner.languages, learner.hours_per_week) == ("DE", ["de", "en"], 6)
    assert (learner.budget_eur, learner.modes, learner.start_eqf_level) == (
        Decimal("500.00"),
        ["online"],
        5,
    )
    assert (str(learner.deadline), learner.objective) == ("2027-06-30", "cost")


def test_constraints_with_a_mistake_are_shown_again_as_typed_and_not_saved(
    client: Any, health_worker: User, learner: Any
) -> None:
    client.force_login(health_worker)

    response = client.post(
        reverse("pathways:profile"),
        {"step": "details", "hours_per_week": "99", "budget_eur": "750", "objective": "hours"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 60." in content
    assert 'value="99"' in content
    assert 'value="750"' in content
    learner.refresh_from_db()
    assert (learner.hours_per_week, learner.budget_eur) == (None, None)


def test_a_german_job_title_finds_the_nurse_occupation(
    client: Any, health_worker: User, warm_engine: Any
) -> None:
    client.force_login(health_worker)

    response = client.get(reverse("pathways:occupation_matches"), {"job_title": "Krankenschwester"})

    content = response.content.decode()
    assert response.status_code == 200
    assert f'value="{O_NURSE}"' in content
    assert "nurse responsible for general care" in content


def test_while_the_engine_warms_up_the_occupation_is_found_by_name(
    client: Any, health_worker: User, cold_engine: Any
) -> None:
    client.force_login(health_worker)

    warming = client.get(reverse("pathways:occupation_matches"), {"job_title": "Pflegekraft"})
    by_name = client.get(reverse("pathways:occupation_matches"), {"by_name": "nurse"})

    assert warming.status_code == 200
    assert b"The matching engine is warming up" in warming.content
    assert b'name="by_name"' in warming.content
    assert f'value="{O_NURSE}"'.encode() in by_name.content


def test_confirming_an_occupation_keeps_the_job_title_typed(
    client: Any, health_worker: User, esco_v1: Any
) -> None:
    client.force_login(health_worker)

    missing = client.post(
        reverse("pathways:profile"), {"step": "occupation", "job_title": "Krankenschwester"}
    )
    chosen = client.post(
        reverse("pathways:profile"),
        {"step": "occupation", "job_title": "Krankenschwester", "occupation_uri": O_NURSE},
    )

    assert missing.status_code == 200
    assert b"Choose the occupation that matches your job." in missing.content
    assert b'value="Krankenschwester"' in missing.content
    assert chosen.status_code == 302
    profile = LearnerProfile.objects.get(user=health_worker)
    assert (profile.job_title, profile.occupation_uri) == ("Krankenschwester", O_NURSE)
    assert profile.occupation_label == "nurse responsible for general care"


def test_the_profile_offers_the_occupations_skills_not_held_yet(
    client: Any, health_worker: User, learner: Any
) -> None:
    client.force_login(health_worker)

    response = client.get(reverse("pathways:profile"))

    content = response.content.decode()
    for uri in (S_INFORMATICS, S_DATA, S_INITIATIVE):
        assert f'name="skills" value="{uri}"' in content
    assert f'name="skills" value="{S_RISK}"' not in content


def test_ticked_skills_are_added_with_their_source(
    client: Any, health_worker: User, learner: Any
) -> None:
    client.force_login(health_worker)

    client.post(
        reverse("pathways:profile"),
        {"step": "skills_add", "source": "extracted", "skills": [S_PYTHON, S_DATA]},
    )
    response = client.get(reverse("pathways:profile"))

    rows = set(learner.skills.values_list("skill_uri", "source"))
    assert rows == {(S_RISK, "declared"), (S_PYTHON, "extracted"), (S_DATA, "extracted")}
    assert "Extracted from a text" in response.content.decode()


def test_a_credentialed_skill_shows_a_badge_and_cannot_be_removed(
    client: Any, health_worker: User, learner: Any
) -> None:
    ProfileSkill.objects.create(
        profile=learner, skill_uri=S_DATA, source=ProfileSkill.Source.CREDENTIALED
    )
    client.force_login(health_worker)

    page = client.get(reverse("pathways:profile"))
    removed = client.post(reverse("pathways:profile"), {"step": "skill_remove", "skill": S_DATA})

    assert "Proved by a credential" in page.content.decode()
    assert removed.status_code == 302
    assert learner.skills.filter(skill_uri=S_DATA).count() == 1


def test_a_declared_skill_is_removed(client: Any, health_worker: User, learner: Any) -> None:
    client.force_login(health_worker)

    client.post(reverse("pathways:profile"), {"step": "skill_remove", "skill": S_RISK})

    assert learner.skills.filter(skill_uri=S_RISK).exists() is False


def test_a_pasted_text_needs_a_few_sentences(client: Any, health_worker: User) -> None:
    client.force_login(health_worker)

    response = client.post(reverse("pathways:skills_extract"), {"text": "nurse"})

    assert b"Paste a few sentences" in response.content


def test_skills_are_found_by_name(client: Any, health_worker: User, esco_v1: Any) -> None:
    client.force_login(health_worker)

    response = client.get(reverse("pathways:skill_options"), {"q": "data protection"})

    assert f'value="{S_DATA}"'.encode() in response.content


# -- the target ----------------------------------------------------------------------------------


def test_the_target_search_marks_local_roles_as_emerging(
    client: Any, health_worker: User, role: Any
) -> None:
    client.force_login(health_worker)

    response = client.get(reverse("pathways:target"), {"q": "informatics"})

    content = response.content.decode()
    assert ROLE in content
    assert "emerging role" in content
    assert "?target=urn%3Askillspact%3Aoccupation%3Aclinical-informatics-specialist" in content


def test_the_target_page_suggests_nearest_roles_with_the_missing_count(
    client: Any, health_worker: User, learner: Any, courses: Any
) -> None:
    client.force_login(health_worker)

    response = client.get(reverse("pathways:target"))

    suggestions = selectors.target_suggestions(profile=learner, limit=5)
    content = response.content.decode()
    assert response.status_code == 200
    for suggestion in suggestions:
        assert suggestion.label in content


# -- the plan ------------------------------------------------------------------------------------


def test_the_plan_shows_the_courses_in_order_and_that_it_is_optimal(
    client: Any, health_worker: User, learner: Any, courses: list[Course]
) -> None:
    client.force_login(health_worker)

    response = client.get(reverse("pathways:plan"), {"target": ROLE_URI})

    content = response.content.decode()
    assert response.status_code == 200
    assert f"Your pathway to {ROLE}" in content
    assert content.index("Health informatics for nurses") < content.index(
        "Python for clinical data"
    )
    assert "This plan is optimal" in content
    assert "Save this plan" in content
    assert 'aria-label="Alternative plans"' in content


def test_an_infeasible_plan_is_explained_in_words(
    client: Any, health_worker: User, learner: Any, courses: list[Course]
) -> None:
    services.profile_update(
        actor=health_worker, profile=learner, budget_eur=Decimal("50"), objective="cost"
    )
    client.force_login(health_worker)

    response = client.get(reverse("pathways:plan"), {"target": ROLE_URI})

    content = response.content.decode()
    assert response.status_code == 200
    assert "What stands in the way" in content
    assert "Your budget does not stretch" in content


def test_an_unknown_target_is_explained_not_an_error_page(
    client: Any, health_worker: User, learner: Any
) -> None:
    client.force_login(health_worker)

    response = client.get(reverse("pathways:plan"), {"target": "urn:skillspact:occupation:nope"})

    assert response.status_code == 200
    assert b"This pathway cannot be planned" in response.content


def test_skills_no_course_teaches_are_listed_as_uncovered(
    client: Any, health_worker: User, learner: Any, role: Any, member_organisation: Any
) -> None:
    _course(member_organisation, slug="informatics", skills=[S_INFORMATICS], hours=20)
    client.force_login(health_worker)

    response = client.get(reverse("pathways:plan"), {"target": ROLE_URI})

    content = response.content.decode()
    assert "Not covered by any course" in content
    assert "No course in the catalogue teaches these yet." in content


def test_saving_a_plan_opens_it(
    client: Any, health_worker: User, learner: Any, courses: list[Course]
) -> None:
    client.force_login(health_worker)

    response = client.post(
        reverse("pathways:plan_save"), {"target": ROLE_URI, "variant": "best", "name": "My move"}
    )

    plan = Plan.objects.get(user=health_worker)
    assert response.status_code == 302
    assert response["Location"] == reverse("pathways:plan_detail", args=[plan.public_id])
    assert (plan.name, plan.target_uri, plan.steps.count()) == ("My move", ROLE_URI, 2)


def test_enrolling_from_a_plan_enrols_in_the_steps_course(
    client: Any, health_worker: User, saved_plan: Plan, courses: list[Course]
) -> None:
    client.force_login(health_worker)

    response = client.post(reverse("pathways:plan_enrol", args=[saved_plan.public_id, 1]))
    page = client.get(reverse("pathways:plan_detail", args=[saved_plan.public_id]))

    assert response.status_code == 302
    enrolment = EnrolmentModel.objects.get(user=health_worker, course=courses[0])
    assert enrolment.status == Enrolment.Status.ENROLLED
    assert "Enrolled" in page.content.decode()


def test_a_plan_is_shared_by_a_link_and_unshared(
    client: Any, health_worker: User, saved_plan: Plan
) -> None:
    client.force_login(health_worker)
    url = reverse("pathways:shared", args=[saved_plan.share_token])

    private = client.get(url)
    client.post(reverse("pathways:plan_share", args=[saved_plan.public_id]), {"is_shared": "1"})
    client.logout()
    public = client.get(url)

    assert private.status_code == 404
    assert public.status_code == 200
    assert f"Pathway to {ROLE}".encode() in public.content


def test_archiving_a_plan_leaves_it_on_the_list_as_archived(
    client: Any, health_worker: User, saved_plan: Plan
) -> None:
    client.force_login(health_worker)

    response = client.post(reverse("pathways:plan_archive", args=[saved_plan.public_id]))

    saved_plan.refresh_from_db()
    assert response.status_code == 302
    assert saved_plan.status == Plan.Status.ARCHIVED


def test_the_plan_page_translates_reason_codes_into_sentences() -> None:
    from skillspact.pathways.views import infeasible_sentence, optimality_line, reason_sentence

    assert reason_sentence({"code": "prerequisite_of", "course": "c7"}, {"c7": "Advanced"}) == (
        "It comes first because “Advanced” requires it."
    )
    assert reason_sentence({"code": "eqf_progression", "level": 5}, {}).startswith(
        "It is at EQF level 5"
    )
    assert infeasible_sentence("modes").startswith("Some missing skills are only taught in modes")
    assert optimality_line(optimal=False, objective=100, bound=98) == (
        "This plan is within 2.0 % of the best possible."
    )
