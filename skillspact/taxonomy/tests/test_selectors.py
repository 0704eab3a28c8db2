"""Reads: search ranking and filters, concepts, profiles, hierarchies, versions, local roles."""

from __future__ import annotations

import pytest
from django.http import Http404

from skillspact.taxonomy import importer, seed, selectors, services
from skillspact.taxonomy.models import EscoVersion, Label
from skillspact.taxonomy.tests import esco_files as ef

pytestmark = pytest.mark.django_db


def uris(page: selectors.SearchPage) -> list[str]:
    return [hit.uri for hit in page.hits]


# -- search ------------------------------------------------------------------------------------


def test_search_ranks_exact_then_first_words_then_inside_then_all_words(esco_v1):
    page = selectors.concept_search(text="Nurse", concept_type="occupation")

    assert [
        (hit.preferred_label, hit.matched_label, hit.matched_label_type) for hit in page.hits
    ] == [
        ("nurse responsible for general care", "nurse responsible for general care", "preferred"),
        ("specialist nurse", "nurse specialist", "alternative"),
        ("veterinary nurse", "veterinary nurse", "preferred"),
    ]
    assert [hit.match for hit in page.hits] == [
        selectors.MATCH_FIRST_WORDS,
        selectors.MATCH_FIRST_WORDS,
        selectors.MATCH_WORDS_INSIDE,
    ]
    assert page.total == 3


def test_an_exact_alternative_label_beats_a_preferred_prefix(esco_v1):
    page = selectors.concept_search(text="python", concept_type="skill")

    assert uris(page) == [ef.S_PYTHON]
    assert (page.hits[0].matched_label, page.hits[0].match) == ("Python", selectors.MATCH_EXACT)


def test_a_preferred_label_beats_an_alternative_of_the_same_kind(esco_v1):
    page = selectors.concept_search(text="data protection", concept_type="skill")

    assert page.hits[0].matched_label_type == "preferred"
    assert uris(page) == [ef.S_DATA]


def test_each_concept_appears_once_and_words_match_in_any_order(esco_v1):
    page = selectors.concept_search(text="risk clinical", concept_type="skill")

    assert uris(page) == [ef.S_RISK]
    assert page.hits[0].match == selectors.MATCH_ALL_WORDS


def test_search_folds_case_and_accents_and_filters_by_language(tmp_path):
    importer.esco_import([ef.write_folder(tmp_path / "v1.1.1", languages=("en", "fr"))])

    french = selectors.concept_search(text="GÉRER", concept_type="skill", language="fr")
    english = selectors.concept_search(text="gerer", concept_type="skill", language="en")

    assert uris(french) == [ef.S_RISK]
    assert french.hits[0].matched_label == "gérer les risques cliniques"
    assert french.hits[0].preferred_label == "manage clinical risk"
    assert uris(english) == []


def test_search_filters_by_collection_isco_group_and_health(esco_v1):
    digital = selectors.concept_search(text="", concept_type="skill", collection="digital")
    nursing = selectors.concept_search(text="", concept_type="occupation", isco_group="222")
    health = selectors.concept_search(text="nurse", concept_type="occupation", is_health=True)

    assert uris(digital) == [ef.S_DATA, ef.S_PYTHON]
    assert uris(nursing) == [ef.O_NURSE, ef.O_SPECIALIST]
    assert uris(health) == [ef.O_NURSE, ef.O_SPECIALIST]


def test_search_pages_through_results(esco_v1):
    first = selectors.concept_search(text="", concept_type="skill", limit=4)
    second = selectors.concept_search(text="", concept_type="skill", limit=4, offset=4)

    assert (first.total, second.total) == (6, 6)
    assert [hit.preferred_label for hit in first.hits + second.hits] == [
        "data protection",
        "health informatics",
        "manage clinical risk",
        "manage waste",
        "Python (computer programming)",
        "show initiative",
    ]


def test_search_reads_a_chosen_version_and_stays_within_a_query_budget(
    esco_v1, tmp_path, django_assert_max_num_queries
):
    importer.esco_import([ef.write_folder(tmp_path / "v1.2.0", naming="1.2")])
    Label.objects.filter(version__code="v1.2.0", concept_uri=ef.S_WASTE).update(
        text="manage waste streams", normalised="manage waste streams"
    )

    with django_assert_max_num_queries(5):
        page = selectors.concept_search(
            text="waste streams", concept_type="skill", version="v1.2.0"
        )

    assert page.version is not None and page.version.code == "v1.2.0"
    assert uris(page) == [ef.S_WASTE]
    assert uris(selectors.concept_search(text="waste streams", concept_type="skill")) == []


def test_search_before_any_import_finds_nothing(db):
    assert selectors.concept_search(text="nurse", concept_type="occupation").hits == []


# -- concepts ----------------------------------------------------------------------------------


def test_a_skill_is_found_by_uri_or_uuid_in_its_version(esco_v1):
    uuid = ef.S_RISK.rsplit("/", 1)[1]

    assert selectors.skill_get(uri_or_uuid=uuid).uri == ef.S_RISK
    assert selectors.skill_get(uri_or_uuid=ef.S_RISK, version="v1.1.1").uuid == uuid
    with pytest.raises(Http404):
        selectors.skill_get(uri_or_uuid=ef.UNKNOWN_SKILL)
    with pytest.raises(Http404):
        selectors.skill_get(uri_or_uuid=uuid, version="v9.9.9")
    with pytest.raises(Http404):
        selectors.occupation_get(uri_or_uuid=ef.S_RISK)


def test_an_occupation_lists_its_essential_and_optional_skills(esco_v1, django_assert_num_queries):
    nurse = selectors.occupation_get(uri_or_uuid=ef.O_NURSE)

    with django_assert_num_queries(1):
        profile = selectors.occupation_skills(nurse)

    assert [skill.preferred_label for skill in profile.essential] == [
        "data protection",
        "manage clinical risk",
    ]
    assert [skill.preferred_label for skill in profile.optional] == [
        "health informatics",
        "show initiative",
    ]


def test_the_green_and_digital_share_of_an_occupation(esco_v1):
    nurse = selectors.occupation_get(uri_or_uuid=ef.O_NURSE)
    developer = selectors.occupation_get(uri_or_uuid=ef.O_DEVELOPER)

    share = selectors.occupation_green_digital_share(nurse)
    essential = selectors.occupation_green_digital_share(developer, is_essential_only=True)

    assert (share.total, share.green, share.digital, share.digital_share) == (4, 0, 1, 0.25)
    assert (essential.total, essential.digital, essential.digital_share) == (1, 1, 1.0)


def test_hierarchies_go_both_ways(esco_v1):
    risk = selectors.skill_get(uri_or_uuid=ef.S_RISK)
    nurse = selectors.occupation_get(uri_or_uuid=ef.O_NURSE)

    skill_tree = selectors.skill_broader_narrower(risk)
    occupation_tree = selectors.occupation_broader_narrower(nurse)

    assert [(ref.preferred_label, ref.code) for ref in skill_tree.broader] == [
        ("managing health risks", "S4.9")
    ]
    assert skill_tree.narrower == []
    assert [(ref.concept_type, ref.code) for ref in occupation_tree.broader] == [
        ("isco_group", "2221")
    ]
    assert [ref.uri for ref in occupation_tree.narrower] == [ef.O_SPECIALIST]


def test_related_skills_and_the_occupations_of_a_skill(esco_v1):
    informatics = selectors.skill_get(uri_or_uuid=ef.S_INFORMATICS)

    related = selectors.skill_related(informatics)
    occupations = selectors.skill_occupations(informatics)

    assert [(item.skill.uri, item.relation_type, item.direction) for item in related] == [
        (ef.S_DATA, "optional", "out"),
        (ef.S_RISK, "optional", "in"),
    ]
    assert [o.uri for o in occupations.essential] == [ef.O_SPECIALIST]
    assert [o.uri for o in occupations.optional] == [ef.O_NURSE]


def test_health_occupations_and_versions(esco_v1, tmp_path):
    importer.esco_import([ef.write_folder(tmp_path / "v1.10.0", naming="1.2")])

    assert [o.uri for o in selectors.health_occupations()] == [ef.O_NURSE, ef.O_SPECIALIST]
    assert selectors.version_default() == esco_v1
    assert [v.code for v in selectors.versions_all()] == ["v1.10.0", "v1.1.1"]
    assert selectors.version_get(code="v1.10.0").code == "v1.10.0"
    EscoVersion.objects.filter(code="v1.10.0").update(status="importing")
    with pytest.raises(Http404):
        selectors.version_get(code="v1.10.0")


# -- local roles -------------------------------------------------------------------------------


def test_local_roles_are_listed_searched_and_resolved_to_esco_skills(esco_v1, secretariat_officer):
    seed.local_roles_seed(version=esco_v1)
    steward = selectors.local_role_get(slug="health-data-steward")
    services.local_role_update(
        actor=secretariat_officer,
        role=selectors.local_role_get(slug="telehealth-coordinator"),
        data={"is_active": False},
    )

    visible = [role.slug for role in selectors.local_roles_visible()]
    found = [role.slug for role in selectors.local_roles_visible(text="CUSTODIAN")]
    profile = selectors.local_role_profile(steward)

    assert visible == [
        "clinical-informatics-specialist",
        "digital-clinical-safety-officer",
        "health-data-steward",
        "sustainability-lead-in-healthcare",
    ]
    assert found == ["health-data-steward"]
    assert [skill.uri for skill in profile.essential] == [ef.S_DATA]
    assert profile.missing == []
    with pytest.raises(Http404):
        selectors.local_role_get(slug="nobody")
