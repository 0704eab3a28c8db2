"""Label search through the in-memory index: same answers as SQL, kept fresh, within budget."""

from __future__ import annotations

import pytest

from skillspact.taxonomy import importer, search_index, selectors
from skillspact.taxonomy.models import EscoVersion, Label, Occupation
from skillspact.taxonomy.tests import esco_files as ef

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "nurse",
    "nur",
    "urse",
    "nurse nurse",
    "Python",
    "ython",
    "(computer",
    "computer",
    "programming)",
    "data protection",
    "protection data",
    "clinical risk",
    "risk clinical",
    "manage",
    "a",
    "e i",
    "information",
    "the initiative",
    "nothing like this",
]
FILTERS = [
    {},
    {"collection": "digital"},
    {"collection": "green"},
    {"isco_group": "222"},
    {"is_health": True},
    {"is_health": False, "isco_group": "2"},
    {"language": "en"},
    {"language": "fr"},
    {"limit": 2, "offset": 1},
    {"limit": 0},
]


def described(page: selectors.SearchPage) -> tuple[int, list[tuple[str, str, str, str, int]]]:
    return page.total, [
        (hit.uri, hit.matched_label, hit.matched_language, hit.matched_label_type, hit.match)
        for hit in page.hits
    ]


def in_database(esco: EscoVersion, **kwargs: object) -> selectors.SearchPage:
    arguments = {
        "language": None,
        "collection": None,
        "isco_group": None,
        "is_health": None,
        "limit": 20,
        "offset": 0,
        **kwargs,
    }
    model = selectors.CONCEPT_MODELS[str(arguments["concept_type"])]
    return selectors._concept_search_in_database(esco=esco, model=model, **arguments)  # type: ignore[arg-type]


@pytest.fixture
def esco_en_fr(db: None, tmp_path) -> EscoVersion:
    importer.esco_import([ef.write_folder(tmp_path / "v1.1.1", languages=("en", "fr"))])
    return EscoVersion.objects.get(code="v1.1.1")


@pytest.mark.parametrize("concept_type", ["skill", "occupation", "isco_group", "skill_group"])
def test_the_index_answers_exactly_as_the_database_does(esco_en_fr, concept_type):
    for text in QUERIES:
        for filters in FILTERS:
            arguments = {"text": text, "concept_type": concept_type, **filters}

            indexed = selectors.concept_search(**arguments)  # type: ignore[arg-type]
            searched = in_database(esco_en_fr, **arguments)

            assert described(indexed) == described(searched), arguments


def test_a_query_word_matches_inside_a_word_and_next_to_punctuation(esco_v1):
    inside = selectors.concept_search(text="ython")
    bracket = selectors.concept_search(text="computer")

    assert [(hit.uri, hit.matched_label, hit.match) for hit in inside.hits] == [
        (ef.S_PYTHON, "Python (computer programming)", selectors.MATCH_SUBSTRING)
    ]
    assert [(hit.uri, hit.match) for hit in bracket.hits] == [
        (ef.S_PYTHON, selectors.MATCH_SUBSTRING)
    ]


def test_a_phrase_ranks_by_where_it_stands_and_repeated_words_count_as_the_phrase(esco_v1):
    phrase = selectors.concept_search(text="clinical risk")
    repeated = selectors.concept_search(text="nurse nurse", concept_type="occupation")

    assert [(hit.matched_label, hit.match) for hit in phrase.hits] == [
        ("clinical risk management", selectors.MATCH_FIRST_WORDS)
    ]
    assert repeated.total == 3
    assert {hit.match for hit in repeated.hits} == {selectors.MATCH_ALL_WORDS}


def test_a_new_import_of_the_version_replaces_its_index(esco_v1, tmp_path):
    before = selectors.concept_search(text="gerer", language="fr")
    importer.esco_import([ef.write_folder(tmp_path / "again" / "v1.1.1", languages=("en", "fr"))])

    after = selectors.concept_search(text="gerer", language="fr")

    assert (before.total, before.hits) == (0, [])
    assert [(hit.uri, hit.matched_label) for hit in after.hits] == [
        (ef.S_RISK, "gérer les risques cliniques")
    ]


def test_the_index_is_built_once_per_version_and_type(esco_v1):
    skills = search_index.label_index(esco_v1, "skill")

    assert skills is not None
    assert search_index.label_index(EscoVersion.objects.get(pk=esco_v1.pk), "skill") is skills
    assert search_index.label_index(esco_v1, "occupation") is not skills


def test_the_health_filter_reads_the_lens_as_it_is_now(esco_v1):
    assert (
        selectors.concept_search(text="nurse", concept_type="occupation", is_health=True).total == 2
    )

    Occupation.objects.filter(uri=ef.O_VET_NURSE).update(is_health=True)
    page = selectors.concept_search(text="nurse", concept_type="occupation", is_health=True)

    assert [hit.uri for hit in page.hits] == [ef.O_NURSE, ef.O_SPECIALIST, ef.O_VET_NURSE]


def test_a_warm_search_takes_two_queries_and_filters_one_more_each(
    esco_v1, django_assert_num_queries
):
    selectors.concept_search(text="nurse", concept_type="occupation")

    with django_assert_num_queries(2):
        plain = selectors.concept_search(text="nurse", concept_type="occupation")
    with django_assert_num_queries(3):
        filtered = selectors.concept_search(
            text="nurse", concept_type="occupation", isco_group="2221", is_health=True
        )
    with django_assert_num_queries(1):
        nothing = selectors.concept_search(text="zebra", concept_type="occupation")

    assert (plain.total, filtered.total, nothing.total) == (3, 2, 0)


def test_too_many_labels_or_an_unfinished_import_fall_back_to_the_database(esco_v1, monkeypatch):
    monkeypatch.setattr(search_index, "MAX_LABELS", 3)
    importing = EscoVersion.objects.get(pk=esco_v1.pk)
    importing.imported_at = None

    too_big = selectors.concept_search(text="manage", version=esco_v1)
    unfinished = selectors.concept_search(text="manage", version=importing)

    assert search_index.label_index(esco_v1, "skill") is None
    assert search_index.label_index(importing, "skill") is None
    assert [hit.uri for hit in too_big.hits] == [ef.S_WASTE, ef.S_RISK]
    assert [hit.uri for hit in unfinished.hits] == [ef.S_WASTE, ef.S_RISK]


def test_labels_changed_without_an_import_show_once_the_index_is_cleared(esco_v1):
    selectors.concept_search(text="waste")
    Label.objects.filter(concept_uri=ef.S_WASTE).update(
        text="manage waste streams", normalised="manage waste streams"
    )

    stale = selectors.concept_search(text="waste streams")
    search_index.clear()
    fresh = selectors.concept_search(text="waste streams")

    assert stale.total == 0
    assert [hit.matched_label for hit in fresh.hits] == ["manage waste streams"]
