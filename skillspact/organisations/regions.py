"""NUTS 2021 level-2 regions of the EU-27 and EFTA countries, read from the shipped CSV.

Each region has its 4-character NUTS code (Greece uses the NUTS prefix `EL`), the ISO 3166-1
alpha-2 code of its country (`GR` for Greece) and the Latin-script name Eurostat gives it.
Extra-regio codes (`..ZZ`) are not included.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

DATA_PACKAGE = "skillspact.organisations"
DATA_FILE = ("data", "nuts2_2021.csv")

# Where the NUTS code prefix differs from the ISO 3166-1 alpha-2 country code.
NUTS_PREFIX_BY_COUNTRY = {"GR": "EL"}


@dataclass(frozen=True)
class Region:
    """One NUTS 2021 level-2 region."""

    code: str
    country: str
    name: str


def nuts_prefix(country: str) -> str:
    """The two letters NUTS codes of an ISO country start with: `GR` → `EL`, else the same."""
    country = country.upper()
    return NUTS_PREFIX_BY_COUNTRY.get(country, country)


@cache
def regions() -> dict[str, Region]:
    """Every region, keyed by NUTS code, in code order."""
    text = resources.files(DATA_PACKAGE).joinpath(*DATA_FILE).read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text))
    found = [Region(code=row["code"], country=row["country"], name=row["name"]) for row in rows]
    return {region.code: region for region in sorted(found, key=lambda region: region.code)}


def regions_for_country(country: str) -> list[Region]:
    """The regions of one ISO country code, sorted by NUTS code."""
    country = country.upper()
    return [region for region in regions().values() if region.country == country]


def region_name(code: str) -> str:
    """The name of the region with this NUTS code, or "" when there is none."""
    region = regions().get(code.upper())
    return region.name if region else ""


def is_valid_region(code: str, country: str) -> bool:
    """Whether the NUTS code is a level-2 region of that ISO country."""
    region = regions().get(code.upper())
    return region is not None and region.country == country.upper()


def region_choices(country: str | None = None) -> list[tuple[str, str]]:
    """Form choices `(code, "code — name")` for one ISO country, or for all when None."""
    chosen = regions().values() if country is None else regions_for_country(country)
    return [(region.code, f"{region.code} — {region.name}") for region in chosen]
