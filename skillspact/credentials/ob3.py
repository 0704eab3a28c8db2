"""Open Badges 3.0 ``OpenBadgeCredential`` documents (W3C Verifiable Credentials 2.0).

The shape follows the Open Badges 3.0 specification (1EdTech, "Open Badges Specification v3.0",
data model appendix and "Serialization"): ``@context`` is the VC 2.0 context followed by the
Open Badges context ``https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json`` (both
shipped in ``contexts/``), ``type`` is ``["VerifiableCredential", "OpenBadgeCredential"]``, the
issuer is a ``Profile``, the subject an ``AchievementSubject`` with one ``Achievement``, dates
are ``validFrom`` / ``validUntil``, and ``credentialSchema`` names the 1EdTech JSON schema.

How the course's facts map onto the Open Badges data model:

* learning outcomes → ``achievement.alignment``: one ``Alignment`` per ESCO skill
  (``targetUrl`` the ESCO URI, ``targetFramework`` ``"ESCO"``, ``targetType``
  ``"ceasn:Competency"``, ``targetCode`` when given);
* EQF level → one more ``Alignment`` to the EQF level concept of the EU vocabularies
  (``http://data.europa.eu/snb/eqf/<n>``, ``targetFramework`` "European Qualifications
  Framework", ``targetType`` ``"ext:EQFLevel"``);
* ECTS → ``achievement.creditsAvailable`` (an Open Badges property);
* first language → ``achievement.inLanguage``;
* ``achievementType`` is ``"MicroCredential"`` (an Open Badges ``AchievementType`` value);
* workload hours, all languages and the EU micro-credential elements (Council Recommendation of
  16 June 2022, Annex I) → ``achievement.microCredential``, an extension object. Neither Open
  Badges nor VC 2.0 defines terms for them, and the final VC 2.0 context has no ``@vocab``: a
  JSON-LD processor would silently drop them, so a Data Integrity proof would not cover them
  and a changed value would go unnoticed. The credential therefore lists a third context, the
  W3C's ``https://www.w3.org/ns/credentials/undefined-terms/v2`` (only ``@vocab`` →
  ``https://www.w3.org/ns/credentials/undefined-term#``), which makes every such term part of the
  signed graph. It also gives the Open Badges schema type ``1EdTechJsonSchemaValidator2019`` an
  absolute IRI. Keys are normalised to lowerCamelCase ASCII (``"quality assurance"`` →
  ``qualityAssurance``) so that each becomes a valid IRI.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from decimal import Decimal

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
UNDEFINED_TERMS_CONTEXT = "https://www.w3.org/ns/credentials/undefined-terms/v2"
OB_V3_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
EQF_CONCEPT = "http://data.europa.eu/snb/eqf/{level}"


def xsd_datetime(value: datetime) -> str:
    """``2026-12-03T08:00:00Z``: UTC, whole seconds (JWT NumericDates are whole seconds)."""
    if value.tzinfo is None:
        raise ValueError("Credential dates must be timezone-aware.")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(value: object) -> datetime | None:
    """A timezone-aware datetime from an XML Schema dateTime string, or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _camel(key: str) -> str:
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    words = [w for w in re.split(r"[^A-Za-z0-9]+", ascii_key) if w]
    if not words:
        raise ValueError(f"{key!r} cannot be a property name.")
    first, rest = words[0], words[1:]
    name = first[:1].lower() + first[1:] + "".join(w[:1].upper() + w[1:] for w in rest)
    return name if not name[0].isdigit() else "n" + name


def _clean(value: object) -> object:
    """JSON values without empty strings, empty lists or None (Open Badges omits them)."""
    if isinstance(value, dict):
        out = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(value, list | tuple):
        return [v for v in (_clean(v) for v in value) if v not in (None, "", [], {})]
    return value


def alignment_list(achievement: dict) -> list[dict]:
    alignments = []
    for item in achievement.get("alignments") or []:
        alignment = {
            "type": ["Alignment"],
            "targetName": item["targetName"],
            "targetUrl": item["targetUrl"],
            "targetFramework": item.get("targetFramework") or "ESCO",
            "targetType": item.get("targetType") or "ceasn:Competency",
            "targetCode": item.get("targetCode"),
            "targetDescription": item.get("targetDescription"),
        }
        alignments.append(alignment)
    level = achievement.get("eqf_level")
    if level:
        alignments.append(
            {
                "type": ["Alignment"],
                "targetName": f"EQF level {int(level)}",
                "targetUrl": EQF_CONCEPT.format(level=int(level)),
                "targetFramework": "European Qualifications Framework",
                "targetType": "ext:EQFLevel",
                "targetCode": str(int(level)),
            }
        )
    return alignments


def _number(value: object) -> int | float | None:
    """A JSON number from an int, float or Decimal (whole numbers stay integers)."""
    if value in (None, ""):
        return None
    number = float(value)  # type: ignore[arg-type]
    return int(number) if number.is_integer() else number


def achievement_object(achievement: dict, *, issuer: dict) -> dict:
    languages = [str(code) for code in achievement.get("language") or []]
    extension: dict[str, object] = {
        "workloadHours": _number(achievement.get("hours")),
        "ects": _number(achievement.get("ects")),
        "eqfLevel": _number(achievement.get("eqf_level")),
        "languages": languages,
    }
    for key, value in (achievement.get("micro_credential") or {}).items():
        if isinstance(value, list | tuple):
            value = [str(v) for v in value]
        elif isinstance(value, Decimal):
            value = _number(value)
        elif not isinstance(value, bool | int | float):
            value = str(value)
        extension[_camel(str(key))] = value
    ects = achievement.get("ects")
    obj = {
        "id": achievement["id"],
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": achievement["name"],
        "description": achievement.get("description") or achievement["name"],
        "criteria": {"narrative": achievement.get("criteria") or achievement["name"]},
        "image": {"id": achievement["image"], "type": "Image"}
        if achievement.get("image")
        else None,
        "alignment": alignment_list(achievement),
        "creditsAvailable": float(ects) if ects not in (None, "") else None,
        "inLanguage": languages[0] if languages else None,
        "creator": {"id": issuer["id"], "type": ["Profile"], "name": issuer["name"]},
        "microCredential": extension,
    }
    return obj


def issuer_profile(issuer: dict) -> dict:
    return {
        "id": issuer["id"],
        "type": ["Profile"],
        "name": issuer["name"],
        "url": issuer.get("url"),
        "email": issuer.get("email"),
    }


def achievement_credential(
    *,
    credential_id: str,
    issuer: dict,
    subject: dict,
    achievement: dict,
    issued_at: datetime,
    valid_until: datetime | None = None,
    status: dict | None = None,
    name: str = "",
) -> dict:
    """An unsigned ``OpenBadgeCredential`` (see the module docstring for the mapping)."""
    credential = {
        "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT, UNDEFINED_TERMS_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name or achievement["name"],
        "issuer": issuer_profile(issuer),
        "validFrom": xsd_datetime(issued_at),
        "validUntil": xsd_datetime(valid_until) if valid_until else None,
        "credentialSubject": {
            "id": subject.get("id"),
            "type": ["AchievementSubject"],
            "name": subject.get("name"),
            "achievement": achievement_object(achievement, issuer=issuer),
        },
        "credentialStatus": status,
        "credentialSchema": [{"id": OB_V3_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    cleaned = _clean(credential)
    assert isinstance(cleaned, dict)
    return cleaned
