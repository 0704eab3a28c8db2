"""The same achievement in the European Learning Model (ELM 3), the format of European Digital
Credentials (EDC / Europass), as JSON-LD ready for an EDC issuer to seal.

What this follows (read for this module): the ELM 3 application profile for EDC
("edc-generic-full", documented in the ELM browser at
europa.eu/europass/elm-browser/documentation/rdf/ap/edc/), the ELM repository of the European
Commission (github.com/european-commission-empl/European-Learning-Model), and published
EDC credentials and their JSON schemas (e.g. the EBSI "Europass EDC credential" schema based
on ELM 3.2, and sample EDC micro-credentials built with the EDC issuer). From those:

* ``@context`` ``["https://www.w3.org/2018/credentials/v1",
  "http://data.europa.eu/snb/model/context/edc-ap"]`` — the EDC issuer and its validators
  expect exactly this pair — and ``type`` ``["VerifiableCredential", "EuropeanDigitalCredential"]``;
* ``credentialSchema`` the SHACL shape ``http://data.europa.eu/snb/model/ap/edc-generic-full``
  (``ShaclValidator2017``), ``credentialProfiles`` the "Generic" credential type concept;
* ``issuer`` an ``Organisation`` with ``legalName`` (language map); ``issuanceDate``,
  ``validFrom`` and, when given, ``expirationDate``;
* ``credentialSubject`` a ``Person`` whose ``hasClaim`` is a ``LearningAchievement`` with
  ``awardedBy`` → ``AwardingProcess`` (``awardingBody`` the issuing organisation) and
  ``specifiedBy`` → ``LearningAchievementSpecification`` carrying ``title``, ``learningOutcome``
  (``LearningOutcome`` with ``relatedESCOSkill`` concepts whose ids are the ESCO skill URIs),
  ``eqfLevel`` (``http://data.europa.eu/snb/eqf/<n>``), ``volumeOfLearning`` as an ISO 8601
  duration (``PT25H``), ``creditPoint`` (``CreditPoint`` in the ECTS framework concept),
  ``mode`` (the EU "mode of learning and assessment" concepts) and ``language``
  (EU Publications Office language authority);
* a ``displayParameter`` with the title, the languages and a description. The per-language
  rendered pages (``individualDisplay``) are left to the EDC issuer, which draws them when it
  seals the credential.

Unsigned on purpose: an EDC credential is sealed by its issuer with an eIDAS seal in the EDC
issuer tool; this document is its input.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from .ob3 import xsd_datetime

ELM_CONTEXT = [
    "https://www.w3.org/2018/credentials/v1",
    "http://data.europa.eu/snb/model/context/edc-ap",
]
EDC_SCHEMA = "http://data.europa.eu/snb/model/ap/edc-generic-full"
GENERIC_CREDENTIAL = "http://data.europa.eu/snb/credential/e34929035b"
EQF_SCHEME = "http://data.europa.eu/snb/eqf/25831c2"
ECTS_CONCEPT = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
CREDIT_SCHEME = "http://data.europa.eu/snb/education-credit/25831c2"
MODE_SCHEME = "http://data.europa.eu/snb/learning-assessment/25831c2"
MODES = {
    "online": ("http://data.europa.eu/snb/learning-assessment/920fbb3cbe", "Online"),
    "in_person": ("http://data.europa.eu/snb/learning-assessment/9191af2ed9", "Presential"),
    "blended": ("http://data.europa.eu/snb/learning-assessment/e92d221e4d", "Blended"),
}
ESCO_SKILLS_SCHEME = "http://data.europa.eu/esco/concept-scheme/skills"
LANGUAGE_AUTHORITY = "http://publications.europa.eu/resource/authority/language"
LANGUAGES = {  # ISO 639-1 → EU Publications Office language authority (ISO 639-3 based) codes
    "bg": "BUL", "cs": "CES", "da": "DAN", "de": "DEU", "el": "ELL", "en": "ENG", "es": "SPA",
    "et": "EST", "fi": "FIN", "fr": "FRA", "ga": "GLE", "hr": "HRV", "hu": "HUN", "it": "ITA",
    "lt": "LIT", "lv": "LAV", "mt": "MLT", "nl": "NLD", "pl": "POL", "pt": "POR", "ro": "RON",
    "sk": "SLK", "sl": "SLV", "sv": "SWE", "is": "ISL", "no": "NOR", "nb": "NOB", "mk": "MKD",
    "sq": "SQI", "sr": "SRP", "tr": "TUR", "uk": "UKR", "ca": "CAT", "eu": "EUS", "gl": "GLG",
}  # fmt: skip


def _text(value: str, lang: str) -> dict:
    return {lang: value}


def _concept(concept_id: str, scheme: str, label: str, lang: str = "en") -> dict:
    return {
        "id": concept_id,
        "type": "Concept",
        "inScheme": {"id": scheme, "type": "ConceptScheme"},
        "prefLabel": {lang: label},
    }


def iso_duration_hours(hours: float | int | Decimal) -> str:
    """ISO 8601 duration of a workload: 25 → ``PT25H``, 1.5 → ``PT1H30M``."""
    minutes = round(float(hours) * 60)
    whole, rest = divmod(minutes, 60)
    return "PT" + (f"{whole}H" if whole or not rest else "") + (f"{rest}M" if rest else "")


def _language_concept(code: str) -> dict | None:
    authority = LANGUAGES.get(code.lower()[:2])
    if not authority:
        return None
    return _concept(f"{LANGUAGE_AUTHORITY}/{authority}", LANGUAGE_AUTHORITY, code.lower())


def elm_credential(
    *,
    credential_id: str,
    issuer: dict,
    subject: dict,
    achievement: dict,
    issued_at: datetime,
    valid_until: datetime | None = None,
) -> dict:
    """An unsigned EDC ``EuropeanDigitalCredential`` (see the module docstring)."""
    languages = [code.lower() for code in achievement.get("language") or []] or ["en"]
    lang = languages[0][:2]
    organisation = {
        "id": issuer["id"],
        "type": "Organisation",
        "legalName": _text(issuer["name"], lang),
    }
    if issuer.get("url"):
        organisation["homepage"] = [
            {"id": f"{credential_id}#homepage", "type": "WebResource", "contentURL": issuer["url"]}
        ]
    if issuer.get("email"):
        organisation["contactPoint"] = [
            {
                "id": f"{credential_id}#contact",
                "type": "ContactPoint",
                "emailAddress": [{"id": f"mailto:{issuer['email']}", "type": "Mailbox"}],
            }
        ]

    outcomes = []
    for number, item in enumerate(achievement.get("alignments") or [], start=1):
        outcomes.append(
            {
                "id": f"{credential_id}#learning-outcome-{number}",
                "type": "LearningOutcome",
                "title": _text(item["targetName"], lang),
                "relatedESCOSkill": [
                    _concept(item["targetUrl"], ESCO_SKILLS_SCHEME, item["targetName"], lang)
                ],
            }
        )

    specification: dict = {
        "id": achievement["id"],
        "type": "LearningAchievementSpecification",
        "title": _text(achievement["name"], lang),
    }
    if achievement.get("description"):
        specification["description"] = _text(achievement["description"], lang)
    if outcomes:
        specification["learningOutcome"] = outcomes
    if achievement.get("eqf_level"):
        level = int(achievement["eqf_level"])
        specification["eqfLevel"] = _concept(
            f"http://data.europa.eu/snb/eqf/{level}", EQF_SCHEME, f"Level {level}"
        )
    if achievement.get("hours"):
        specification["volumeOfLearning"] = iso_duration_hours(achievement["hours"])
    if achievement.get("ects") not in (None, ""):
        ects = Decimal(str(achievement["ects"])).normalize()
        specification["creditPoint"] = [
            {
                "id": f"{credential_id}#credit-point",
                "type": "CreditPoint",
                "framework": _concept(ECTS_CONCEPT, CREDIT_SCHEME, "ECTS"),
                "point": format(ects, "f"),
            }
        ]
    mode = (achievement.get("micro_credential") or {}).get("mode") or achievement.get("mode")
    if mode in MODES:
        concept_id, label = MODES[mode]
        specification["mode"] = [_concept(concept_id, MODE_SCHEME, label)]
    language_concepts = [c for c in (_language_concept(code) for code in languages) if c]
    if language_concepts:
        specification["language"] = language_concepts
    display_languages = language_concepts or [
        _concept(f"{LANGUAGE_AUTHORITY}/ENG", LANGUAGE_AUTHORITY, "en")
    ]

    person: dict = {"id": subject.get("id") or f"{credential_id}#subject", "type": "Person"}
    if subject.get("name"):
        person["fullName"] = _text(subject["name"], lang)
    person["hasClaim"] = [
        {
            "id": f"{credential_id}#achievement",
            "type": "LearningAchievement",
            "title": _text(achievement["name"], lang),
            "awardedBy": {
                "id": f"{credential_id}#awarding-process",
                "type": "AwardingProcess",
                "awardingBody": [organisation],
                "awardingDate": xsd_datetime(issued_at),
            },
            "specifiedBy": specification,
        }
    ]

    credential: dict = {
        "@context": list(ELM_CONTEXT),
        "id": credential_id,
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialSchema": [{"id": EDC_SCHEMA, "type": "ShaclValidator2017"}],
        "credentialProfiles": [
            _concept(GENERIC_CREDENTIAL, "http://data.europa.eu/snb/credential/25831c2", "Generic")
        ],
        "issuer": organisation,
        "issuanceDate": xsd_datetime(issued_at),
        "validFrom": xsd_datetime(issued_at),
        "credentialSubject": person,
        "displayParameter": {
            "id": f"{credential_id}#display",
            "type": "DisplayParameter",
            "title": _text(achievement["name"], lang),
            "description": _text(achievement.get("description") or achievement["name"], lang),
            "language": display_languages,
            "primaryLanguage": display_languages[0],
        },
    }
    if valid_until:
        credential["expirationDate"] = xsd_datetime(valid_until)
    return credential
