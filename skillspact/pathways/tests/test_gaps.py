"""The gap: the target's essential (weight 1.0) and optional (0.3) skills against what is held,
with a held narrower skill counting toward a broader required one."""

from __future__ import annotations

import pytest

from skillspact.pathways import gaps, selectors
from skillspact.pathways.errors import UnknownTarget
from skillspact.pathways.factories import LearnerProfileFactory, ProfileSkillFactory
from skillspact.taxonomy import services as taxonomy_services
from skillspact.taxonomy.models import Broader
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import (
    O_NURSE,
    O_SPECIALIST,
    S_DATA,
    S_INFORMATICS,
    S_INITIATIVE,
    S_PYTHON,
    S_RISK,
    S_WASTE,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("esco_v1")]


@pytest.fixture
def esco(request):
    """The tiny ESCO version (the `esco_v1` fixture's value)."""
    return request.getfixturevalue("esco_v1")


def _narrower(version, narrower: str, broader: str) -> None:
    """A skill-to-skill hierarchy edge, as ESCO has between its skills (the tiny file has
    none)."""
    Broader.objects.create(
        version=version,
        narrower_uri=narrower,
        narrower_type="skill",
        broader_uri=broader,
        broader_type="skill",
    )


def test_the_gap_weighs_essential_skills_one_and_optional_ones_less():
    gap = gaps.gap_of(held=[S_RISK], target_uri=O_NURSE)

    assert gap.target_label == "nurse responsible for general care"
    assert [(s.uri, s.is_essential, s.weight, s.state) for s in gap.skills] == [
        (S_DATA, True, 1.0, "missing"),
        (S_RISK, True, 1.0, "held"),
        (S_INFORMATICS, False, 0.3, "missing"),
        (S_INITIATIVE, False, 0.3, "missing"),
    ]
    assert [s.uri for s in gap.missing_essential] == [S_DATA]
    assert gap.total_weight == pytest.approx(2.6)


def test_a_held_narrower_skill_counts_toward_the_broader_required_one_and_says_which(esco):
    _narrower(esco, S_PYTHON, S_DATA)

    gap = gaps.gap_of(held=[S_PYTHON], target_uri=O_NURSE)

    data = next(s for s in gap.skills if s.uri == S_DATA)
    assert data.state == "held"
    assert data.held_via_uri == S_PYTHON
    assert data.held_via_label == "Python (computer programming)"
    assert [s.uri for s in gap.missing] == [S_RISK, S_INFORMATICS, S_INITIATIVE]


def test_the_narrower_skill_counts_through_several_levels(esco):
    _narrower(esco, S_PYTHON, S_WASTE)
    _narrower(esco, S_WASTE, S_DATA)

    gap = gaps.gap_of(held=[S_PYTHON], target_uri=O_NURSE)

    data = next(s for s in gap.skills if s.uri == S_DATA)
    assert (data.state, data.held_via_uri) == ("held", S_PYTHON)


def test_a_broader_skill_held_does_not_count_toward_a_narrower_one(esco):
    _narrower(esco, S_RISK, S_PYTHON)

    gap = gaps.gap_of(held=[S_PYTHON], target_uri=O_SPECIALIST)

    assert [s.uri for s in gap.missing] == [S_INFORMATICS, S_RISK]


def test_a_local_role_is_a_target_with_its_profile(secretariat_officer):
    role = taxonomy_services.local_role_create(
        actor=secretariat_officer,
        slug="clinical-informatics-specialist",
        preferred_label="clinical informatics specialist",
        description="Bridges clinical care and information technology.",
        source="test",
        skills={S_INFORMATICS: "essential", S_DATA: "essential", S_PYTHON: "optional"},
    )
    profile = LearnerProfileFactory()
    ProfileSkillFactory(profile=profile, skill_uri=S_DATA)

    gap = selectors.gap_for(profile=profile, target_uri=role.uri)

    assert gap.is_local is True
    assert gap.target_label == "clinical informatics specialist"
    assert [(s.uri, s.weight, s.state) for s in gap.skills] == [
        (S_DATA, 1.0, "held"),
        (S_INFORMATICS, 1.0, "missing"),
        (S_PYTHON, 0.3, "missing"),
    ]


def test_an_inactive_local_role_or_an_unknown_uri_is_not_a_target(secretariat_officer):
    role = taxonomy_services.local_role_create(
        actor=secretariat_officer,
        slug="retired-role",
        preferred_label="retired role",
        description="No longer used.",
        source="test",
        skills={S_DATA: "essential"},
    )
    role.is_active = False
    role.save()

    with pytest.raises(UnknownTarget):
        gaps.gap_of(held=[], target_uri=role.uri)
    with pytest.raises(UnknownTarget):
        gaps.gap_of(held=[], target_uri="http://data.europa.eu/esco/occupation/nothing")
    with pytest.raises(UnknownTarget):
        gaps.gap_of(held=[], target_uri=S_DATA)


def test_broader_skills_of_reads_every_level_in_few_queries(esco, django_assert_max_num_queries):
    _narrower(esco, S_PYTHON, S_WASTE)
    _narrower(esco, S_WASTE, S_DATA)

    with django_assert_max_num_queries(16):
        found = gaps.broader_skills_of([S_PYTHON, S_RISK])

    assert found == {S_PYTHON: {S_WASTE, S_DATA}, S_RISK: set()}
