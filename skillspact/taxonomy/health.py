"""The health lens: which occupations belong to the health ecosystem.

An occupation is in the lens when its ISCO-08 unit group falls under one of HEALTH_ISCO_GROUPS,
unless the secretariat's HealthLensOverride says otherwise (an override wins both ways).

Decisions, so pages and analyses agree on them:

* ISCO-08 sub-major groups 22 (health professionals) and 32 (health associate professionals)
  count, except veterinarians (225) and veterinary technicians (324): the Pact for Skills health
  ecosystem covers human health and care; animal health belongs to the agri-food ecosystem.
* Traditional and complementary medicine (223, 323) counts, as ISCO places it under health.
* Health and aged care services managers (1342, 1343), psychologists (2634), medical
  secretaries (3344) and personal care workers in health services (532: health care assistants,
  home-based personal care workers) count: hospitals and care homes employ them.
* Social work and counselling professionals (2635) do not count as a group: most work in social
  services, justice or education. The clinical ones (hospital, mental health, palliative care
  social workers) are included one by one through DEFAULT_CURATION, which also brings in health
  occupations ISCO files elsewhere (biomedical scientists, medical device engineers, ...).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from skillspact.taxonomy.models import EscoVersion, HealthLensOverride, Occupation

HEALTH_ISCO_GROUPS: dict[str, str] = {
    "1342": "Health services managers",
    "1343": "Aged care services managers",
    "221": "Medical doctors",
    "222": "Nursing and midwifery professionals",
    "223": "Traditional and complementary medicine professionals",
    "224": "Paramedical practitioners",
    "226": "Other health professionals",
    "2634": "Psychologists",
    "321": "Medical and pharmaceutical technicians",
    "322": "Nursing and midwifery associate professionals",
    "323": "Traditional and complementary medicine associate professionals",
    "325": "Other health associate professionals",
    "3344": "Medical secretaries",
    "532": "Personal care workers in health services",
}

_ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/"

# Overrides the platform ships as a starting point; seeded once, then the secretariat's to change.
DEFAULT_CURATION: list[tuple[str, bool, str]] = [
    (
        f"{_ESCO_OCCUPATION}738257d3-7e56-4745-9b2e-014e60d41d48",
        True,
        "Hospital social worker: works in hospitals, part of the care team (ISCO 2635).",
    ),
    (
        f"{_ESCO_OCCUPATION}6a167ceb-f847-4ef0-af47-89454c53770b",
        True,
        "Clinical social worker: provides clinical mental health care (ISCO 2635).",
    ),
    (
        f"{_ESCO_OCCUPATION}a76a05bb-e04d-4be8-953e-1ffd691dd58d",
        True,
        "Mental health social worker: mental health services (ISCO 2635).",
    ),
    (
        f"{_ESCO_OCCUPATION}be6d7fd3-2e51-499f-a31d-8aa0bbd32f2a",
        True,
        "Palliative care social worker: palliative care teams (ISCO 2635).",
    ),
    (
        f"{_ESCO_OCCUPATION}2e8820ba-5b2d-4572-92a1-942dbd02a6d6",
        True,
        "Biomedical scientist: hospital laboratories (ISCO 2131).",
    ),
    (
        f"{_ESCO_OCCUPATION}b7b17a85-ccd0-4d2f-92f2-7e99839731b0",
        True,
        "Biomedical scientist advanced: hospital laboratories (ISCO 2131).",
    ),
    (
        f"{_ESCO_OCCUPATION}acbb7a20-c947-480d-a07e-868a0ab3eab8",
        True,
        "Specialist biomedical scientist: hospital laboratories (ISCO 2131).",
    ),
    (
        f"{_ESCO_OCCUPATION}01ffb917-98dc-48c1-91ad-93c4104e791d",
        True,
        "Biomedical engineer: medical technology in care settings (ISCO 2149).",
    ),
    (
        f"{_ESCO_OCCUPATION}0c7c9606-fde3-4658-8136-8fe0c9b8bd09",
        True,
        "Medical device engineer: the MedTech part of the ecosystem (ISCO 2152).",
    ),
    (
        f"{_ESCO_OCCUPATION}30641348-f9f2-4fe5-ab8c-fe6ff9931a54",
        True,
        "Medical device engineering technician: MedTech (ISCO 3114).",
    ),
    (
        f"{_ESCO_OCCUPATION}f4de7e28-ca67-46cd-b760-30e02b3aa83b",
        True,
        "Medical laboratory manager: clinical laboratories (ISCO 1349).",
    ),
    (
        f"{_ESCO_OCCUPATION}d4d6842b-27f0-4222-85db-c542acf6d434",
        True,
        "Public health policy officer: health authorities (ISCO 2422).",
    ),
    (
        f"{_ESCO_OCCUPATION}68450507-b4a0-40e0-895b-385fe705be10",
        True,
        "Emergency medical dispatcher: emergency medical services (ISCO 4223).",
    ),
    (
        f"{_ESCO_OCCUPATION}3469cbcc-5332-41dc-977a-29cf1b7ef7be",
        True,
        "Front line medical receptionist: health care settings (ISCO 4226).",
    ),
    (
        f"{_ESCO_OCCUPATION}976f752c-5f10-42ca-84fb-89aa529af04f",
        True,
        "Patient transport services driver: patient transport (ISCO 8322).",
    ),
]


def is_health_isco(code: str) -> bool:
    """Whether an ISCO-08 code lies under one of the health groups."""
    return bool(code) and code.startswith(tuple(HEALTH_ISCO_GROUPS))


def _isco_condition() -> Q:
    condition = Q()
    for prefix in HEALTH_ISCO_GROUPS:
        condition |= Q(isco_group__startswith=prefix)
    return condition


def apply(*, versions: Iterable[EscoVersion] | None = None) -> int:
    """Set `Occupation.is_health` from the ISCO groups and the overrides; return how many are in.

    Three UPDATE statements per version, whatever its size.
    """
    chosen = list(versions) if versions is not None else list(EscoVersion.objects.all())
    overrides = dict(HealthLensOverride.objects.values_list("occupation_uri", "is_included"))
    included = [uri for uri, is_included in overrides.items() if is_included]
    excluded = [uri for uri, is_included in overrides.items() if not is_included]
    total = 0
    for version in chosen:
        occupations = Occupation.objects.filter(version=version)
        occupations.filter(_isco_condition()).exclude(is_health=True).update(is_health=True)
        occupations.exclude(_isco_condition()).exclude(is_health=False).update(is_health=False)
        if included:
            occupations.filter(uri__in=included).update(is_health=True)
        if excluded:
            occupations.filter(uri__in=excluded).update(is_health=False)
        total += occupations.filter(is_health=True).count()
    return total


def seed_default_curation() -> int:
    """Create the shipped overrides that do not exist yet; return how many were created."""
    existing = set(HealthLensOverride.objects.values_list("occupation_uri", flat=True))
    new = [
        HealthLensOverride(occupation_uri=uri, is_included=is_included, reason=reason)
        for uri, is_included, reason in DEFAULT_CURATION
        if uri not in existing
    ]
    HealthLensOverride.objects.bulk_create(new)
    return len(new)
