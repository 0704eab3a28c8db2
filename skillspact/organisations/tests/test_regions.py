"""Tests of the shipped NUTS 2021 level-2 region list and its reader."""

from skillspact.organisations.regions import (
    Region,
    is_valid_region,
    nuts_prefix,
    region_choices,
    region_name,
    regions,
    regions_for_country,
)

EU27 = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}  # fmt: skip
EFTA = {"CH", "IS", "LI", "NO"}


def test_eu27_has_242_regions() -> None:
    eu = [region for region in regions().values() if region.country in EU27]
    assert len(eu) == 242
    assert {region.country for region in eu} == EU27


def test_only_eu27_and_efta_countries() -> None:
    assert {region.country for region in regions().values()} == EU27 | EFTA


def test_greek_regions_use_el_code_and_gr_country() -> None:
    assert is_valid_region("EL30", "GR") is True
    assert is_valid_region("el30", "gr") is True
    assert is_valid_region("EL30", "EL") is False
    assert nuts_prefix("GR") == "EL"


def test_region_of_another_country_is_invalid() -> None:
    assert is_valid_region("BE10", "FR") is False
    assert is_valid_region("BE10", "BE") is True
    assert is_valid_region("BEZZ", "BE") is False
    assert is_valid_region("XX99", "BE") is False


def test_every_code_has_four_characters_and_its_country_prefix() -> None:
    for code, region in regions().items():
        assert code == region.code
        assert len(code) == 4
        assert code.startswith(nuts_prefix(region.country))
        assert not code.endswith("ZZ")


def test_names_are_non_empty_and_trimmed() -> None:
    for region in regions().values():
        assert region.name
        assert region.name == region.name.strip()


def test_known_names() -> None:
    assert region_name("BE10") == "Région de Bruxelles-Capitale/Brussels Hoofdstedelijk Gewest"
    assert region_name("ES30") == "Comunidad de Madrid"
    assert region_name("DE21") == "Oberbayern"
    assert region_name("EL51") == "Anatoliki Makedonia, Thraki"
    assert region_name("NOPE") == ""


def test_regions_for_country_sorted_by_code() -> None:
    irish = regions_for_country("IE")
    assert [region.code for region in irish] == ["IE04", "IE05", "IE06"]
    assert irish[2] == Region(code="IE06", country="IE", name="Eastern and Midland")
    assert len(regions_for_country("gr")) == 13
    assert regions_for_country("UK") == []


def test_region_choices() -> None:
    assert region_choices("LU") == [("LU00", "LU00 — Luxembourg")]
    everything = region_choices()
    assert len(everything) == len(regions())
    assert [code for code, _ in everything] == sorted(regions())
