"""Greek ESCO labels: imported as "el", found by label search without accents or case, and
matched by the engine's lexical side.

The tiny fixture download gets an occupations_el.csv and a skills_el.csv in the real column
layout, with the accents, capitals and final sigma that Greek labels carry.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from django.urls import reverse

from skillspact.taxonomy import importer, matching, search_index, selectors
from skillspact.taxonomy.engine import HashingEncoder, build_engine
from skillspact.taxonomy.models import EscoVersion, Label
from skillspact.taxonomy.tests import esco_files as ef

pytestmark = pytest.mark.django_db

GREEK_OCCUPATIONS = [
    ef._occupation(
        ef.O_NURSE,
        "2221",
        "νοσηλευτής γενικών καθηκόντων/νοσηλεύτρια γενικών καθηκόντων",
        "νοσηλευτής\nΝοσηλεύτρια",
        "2221.2",
    ),
    ef._occupation(
        ef.O_SPECIALIST, "2221", "ειδικευμένος νοσηλευτής/ειδικευμένη νοσηλεύτρια", "", "2221.3"
    ),
    ef._occupation(
        ef.O_DEVELOPER, "2512", "προγραμματιστής λογισμικού", "Προγραμματίστρια", "2512.4"
    ),
    ef._occupation(
        ef.O_VET_NURSE, "3240", "κτηνιατρικός νοσηλευτής/κτηνιατρική νοσηλεύτρια", "", "3240.2.4"
    ),
    ef._occupation(ef.O_SOCIAL, "2635", "κοινωνικός λειτουργός νοσοκομείου", "", "2635.3.16"),
]
GREEK_SKILLS = [
    ef._skill(ef.S_RISK, "skill/competence", "cross-sector", "διαχείριση κλινικού κινδύνου"),
    ef._skill(ef.S_PYTHON, "knowledge", "sector-specific", "Python (προγραμματισμός Η/Υ)"),
]


def write_greek(folder: Path) -> Path:
    """The tiny download in English plus Greek occupation and skill labels."""
    ef.write_folder(folder)
    for name, columns, rows in (
        ("occupations_el.csv", ef.OCCUPATION_COLUMNS, GREEK_OCCUPATIONS),
        ("skills_el.csv", ef.SKILL_COLUMNS, GREEK_SKILLS),
    ):
        (folder / name).write_text(ef._csv(columns, rows), encoding="utf-8", newline="")
    return folder


@pytest.fixture
def greek_version(tmp_path: Path) -> EscoVersion:
    importer.esco_import([write_greek(tmp_path / "v1.1.1")])
    search_index.clear()
    return EscoVersion.objects.get(code="v1.1.1")


@pytest.fixture
def without_search_index(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Force concept_search onto its SQL path (what a version too big for the index uses)."""
    monkeypatch.setattr(search_index, "MAX_LABELS", 0)
    search_index.clear()
    yield
    search_index.clear()


def uris(page: selectors.SearchPage) -> list[str]:
    return [hit.uri for hit in page.hits]


# -- import ----------------------------------------------------------------------------------------


def test_greek_files_import_as_el_beside_english(tmp_path):
    report = importer.esco_import([write_greek(tmp_path / "v1.1.1")])

    version = EscoVersion.objects.get(code="v1.1.1")
    assert report.languages == ["el", "en"]
    assert report.bad_rows == []
    assert version.languages == ["el", "en"]
    assert version.primary_language == "en"
    assert sorted(
        Label.objects.filter(concept_uri=ef.O_NURSE, language="el").values_list(
            "label_type", "text", "normalised"
        )
    ) == [
        ("alternative", "Νοσηλεύτρια", "νοσηλευτρια"),
        ("alternative", "νοσηλευτής", "νοσηλευτησ"),
        (
            "preferred",
            "νοσηλευτής γενικών καθηκόντων/νοσηλεύτρια γενικών καθηκόντων",
            "νοσηλευτησ γενικων καθηκοντων/νοσηλευτρια γενικων καθηκοντων",
        ),
    ]
    assert Label.objects.filter(language="el", concept_type="occupation").count() == 8
    assert Label.objects.filter(language="el", concept_type="skill").count() == 2


# -- label search (taxonomy pages and API) ---------------------------------------------------------


@pytest.mark.parametrize("path", ["index", "database"])
@pytest.mark.parametrize(
    ("text", "matched_label"),
    [("νοσηλευτρια", "Νοσηλεύτρια"), ("ΝΟΣΗΛΕΥΤΗΣ", "νοσηλευτής"), ("Νοσηλεύτρια", "Νοσηλεύτρια")],
)
def test_greek_search_ignores_accents_and_case(greek_version, request, path, text, matched_label):
    if path == "database":
        request.getfixturevalue("without_search_index")

    page = selectors.concept_search(text=text, concept_type="occupation")

    assert uris(page)[0] == ef.O_NURSE
    assert set(uris(page)) == {ef.O_NURSE, ef.O_SPECIALIST, ef.O_VET_NURSE}
    assert page.hits[0].matched_label == matched_label
    assert page.hits[0].matched_language == "el"
    assert page.hits[0].match == selectors.MATCH_EXACT
    assert page.hits[0].preferred_label == "nurse responsible for general care"


def test_greek_search_can_be_limited_to_greek_labels(greek_version):
    greek = selectors.concept_search(text="προγραμματιστρια", concept_type="occupation")
    english_only = selectors.concept_search(
        text="προγραμματιστρια", concept_type="occupation", language="en"
    )
    skill = selectors.concept_search(text="ΚΙΝΔΥΝΟΥ", concept_type="skill", language="el")

    assert uris(greek) == [ef.O_DEVELOPER]
    assert uris(english_only) == []
    assert uris(skill) == [ef.S_RISK]
    assert skill.hits[0].matched_label == "διαχείριση κλινικού κινδύνου"


def test_the_search_page_and_api_find_a_nurse_from_a_greek_title(client, greek_version):
    page = client.get(reverse("taxonomy:search"), {"text": "νοσηλευτρια", "type": "occupation"})
    api = client.get(
        "/api/v1/taxonomy/search", {"text": "ΝΟΣΗΛΕΥΤΗΣ", "type": "occupation", "language": "el"}
    ).json()

    assert page.status_code == 200
    assert uris(page.context["result"])[0] == ef.O_NURSE
    assert "Νοσηλεύτρια" in page.content.decode()
    assert api["items"][0] == {
        "uri": ef.O_NURSE,
        "preferred_label": "nurse responsible for general care",
        "type": "occupation",
        "matched_label": "νοσηλευτής",
        "matched_language": "el",
        "collections": [],
    }


# -- matching engine -------------------------------------------------------------------------------


def test_bm25_ranks_the_nurse_first_for_greek_titles_with_or_without_accents(
    greek_version, tmp_path
):
    # The hashing encoder knows no meaning, so only the lexical side (BM25 + exact labels) can
    # put the right occupation first; the concepts come from the database as in production.
    engine = build_engine(
        list(matching.concept_dicts(greek_version)),
        version="esco-v1.1.1",
        encoder=HashingEncoder(),
        cache_dir=tmp_path / "engine",
    )
    titles = ["Νοσηλεύτρια γενικών καθηκόντων", "ΝΟΣΗΛΕΥΤΗΣ ΓΕΝΙΚΩΝ ΚΑΘΗΚΟΝΤΩΝ", "νοσηλευτρια"]

    bm25 = engine.occupation_features(titles)["bm25"]
    results = engine.match_occupations(titles, top=3)

    nurse = engine.occupations.position[ef.O_NURSE]
    assert [int(np.argmax(row)) for row in bm25] == [nurse, nurse, nurse]
    assert bm25[0, nurse] == bm25[1, nurse] == 1.0
    assert [r[0].uri for r in results] == [ef.O_NURSE, ef.O_NURSE, ef.O_NURSE]


def test_the_platform_engine_matches_a_greek_title_that_is_no_label(
    greek_version, settings, tmp_path
):
    # The engine the API and pages use (the multilingual model, no example sentences).
    settings.ENGINE_CACHE_DIR = tmp_path / "engine"
    matching.forget_engines()
    try:
        engine = matching.engine_for(greek_version)
        results = engine.match_occupations(["Νοσηλεύτρια γενικών καθηκόντων σε κλινική"], top=3)
    finally:
        matching.forget_engines()

    assert results[0][0].uri == ef.O_NURSE
