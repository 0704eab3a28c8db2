"""Open Badges 3.0 credential documents: shape, mapping of the course facts, signed coverage."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from skillspact.credentials import ob3, proofs, statuslist

ISSUED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
ESCO = "http://data.europa.eu/esco/skill/"
SKILLS = [
    ("use e-health and mobile health technologies", "ccd0a1d9-afda-43d9-b901-96344886e14d"),
    ("digital literacy", "2e1f0a05-c2c6-4b6a-8e5b-2bd7ef6d0b6a"),
    ("protect personal data and privacy", "61e9c0fd-3a6c-4f4d-9a3e-2a1a8c6c50b5"),
    ("communicate with healthcare users", "0f7f5b42-7d8a-4a54-9d28-3c0b8e0a7a55"),
    ("apply telehealth", "a59c8a2c-61b2-4d5f-bbbe-3f1a0f1f0c42"),
]


def issuer() -> dict:
    return {
        "id": "did:web:skillspact.example:orgs:care-academy",
        "name": "Care Academy Lyon",
        "url": "https://care-academy.example",
        "email": "credentials@care-academy.example",
    }


def achievement(*, skills: int = 5) -> dict:
    return {
        "id": "https://skillspact.example/courses/telehealth-basics",
        "name": "Telehealth basics for community nurses",
        "description": "Plan and run safe video consultations with patients at home.",
        "criteria": "Completed all modules and passed the final assessment (70% or more).",
        "image": "https://skillspact.example/courses/telehealth-basics/badge.png",
        "alignments": [
            {
                "targetName": name,
                "targetUrl": ESCO + uuid,
                "targetFramework": "ESCO",
                "targetCode": uuid,
            }
            for name, uuid in SKILLS[:skills]
        ],
        "eqf_level": 5,
        "hours": 25,
        "ects": 1.0,
        "language": ["en", "fr"],
        "micro_credential": {
            "assessment type": "Online multiple-choice test, supervised",
            "quality assurance": "Internal QA, ISO 21001",
            "participation form": "online",
            "prerequisites": "Registered nurse",
            "stackable": True,
        },
    }


def subject() -> dict:
    return {"id": "urn:uuid:6c1d7a52-59a8-4c7e-9a55-0b6f2f4d2e11", "name": "Ana Martins"}


def credential(**overrides) -> dict:
    arguments = {
        "credential_id": "urn:uuid:0b7c5b1e-5c44-4a3c-8f24-9f3f6b0c1a77",
        "issuer": issuer(),
        "subject": subject(),
        "achievement": achievement(),
        "issued_at": ISSUED,
        "valid_until": ISSUED + timedelta(days=3 * 365),
        "status": statuslist.status_entry(
            list_url="https://skillspact.example/credentials/status/7", index=94567
        ),
    }
    arguments.update(overrides)
    return ob3.achievement_credential(**arguments)


def test_credential_is_an_open_badge_on_the_vc_2_data_model():
    document = credential()

    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://www.w3.org/ns/credentials/undefined-terms/v2",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == "urn:uuid:0b7c5b1e-5c44-4a3c-8f24-9f3f6b0c1a77"
    assert document["name"] == "Telehealth basics for community nurses"
    assert document["validFrom"] == "2026-11-20T09:30:00Z"
    assert document["validUntil"] == "2029-11-19T09:30:00Z"
    assert document["issuer"] == {
        "id": "did:web:skillspact.example:orgs:care-academy",
        "type": ["Profile"],
        "name": "Care Academy Lyon",
        "url": "https://care-academy.example",
        "email": "credentials@care-academy.example",
    }
    assert document["credentialSubject"]["type"] == ["AchievementSubject"]
    assert document["credentialSubject"]["id"] == "urn:uuid:6c1d7a52-59a8-4c7e-9a55-0b6f2f4d2e11"
    assert document["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert document["credentialSchema"][0]["type"] == "1EdTechJsonSchemaValidator2019"
    assert "issuanceDate" not in document and "expirationDate" not in document


def test_learning_outcomes_become_esco_alignments_and_the_eqf_level_one_more():
    achieved = credential()["credentialSubject"]["achievement"]

    assert achieved["type"] == ["Achievement"]
    assert achieved["achievementType"] == "MicroCredential"
    assert [a["targetUrl"] for a in achieved["alignment"]] == [
        ESCO + uuid for _, uuid in SKILLS
    ] + ["http://data.europa.eu/snb/eqf/5"]
    first = achieved["alignment"][0]
    assert first == {
        "type": ["Alignment"],
        "targetName": "use e-health and mobile health technologies",
        "targetUrl": ESCO + SKILLS[0][1],
        "targetFramework": "ESCO",
        "targetType": "ceasn:Competency",
        "targetCode": SKILLS[0][1],
    }
    assert achieved["alignment"][-1]["targetCode"] == "5"
    assert achieved["creditsAvailable"] == 1.0
    assert achieved["inLanguage"] == "en"
    assert achieved["criteria"] == {
        "narrative": "Completed all modules and passed the final assessment (70% or more)."
    }
    assert achieved["image"] == {
        "id": "https://skillspact.example/courses/telehealth-basics/badge.png",
        "type": "Image",
    }


def test_workload_and_micro_credential_elements_are_an_extension_with_camel_case_keys():
    extension = credential()["credentialSubject"]["achievement"]["microCredential"]

    assert extension == {
        "workloadHours": 25,
        "ects": 1,
        "eqfLevel": 5,
        "languages": ["en", "fr"],
        "assessmentType": "Online multiple-choice test, supervised",
        "qualityAssurance": "Internal QA, ISO 21001",
        "participationForm": "online",
        "prerequisites": "Registered nurse",
        "stackable": True,
    }


def test_empty_values_are_left_out():
    document = credential(valid_until=None, status=None, subject={"id": "did:example:123"})

    assert "validUntil" not in document
    assert "credentialStatus" not in document
    assert "name" not in document["credentialSubject"]


def test_a_naive_date_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        credential(issued_at=datetime(2026, 11, 20, 9, 30))


def test_every_field_is_part_of_the_signed_rdf_graph():
    """Terms JSON-LD would drop are not signed; with the shipped contexts nothing is dropped."""
    nquads = proofs.canonicalize(credential())

    for expected in (
        '"Ana Martins"',
        '"Care Academy Lyon"',
        f'"{ESCO}{SKILLS[4][1]}"^^<https://www.w3.org/2001/XMLSchema#anyURI>',
        '"http://data.europa.eu/snb/eqf/5"^^<https://www.w3.org/2001/XMLSchema#anyURI>',
        '<https://www.w3.org/ns/credentials/undefined-term#workloadHours> "25"',
        '<https://www.w3.org/ns/credentials/undefined-term#stackable> "true"',
        "<https://www.w3.org/ns/credentials/undefined-term#1EdTechJsonSchemaValidator2019>",
        '"Internal QA, ISO 21001"',
        "<https://purl.imsglobal.org/spec/vc/ob/vocab.html#creditsAvailable>",
        '"2029-11-19T09:30:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>',
        "<https://www.w3.org/ns/credentials/status#statusListIndex>",
    ):
        assert expected in nquads, expected


def test_decimal_workload_and_credits_from_the_database_become_json_numbers():
    facts = {**achievement(), "hours": Decimal("12.5"), "ects": Decimal("0.50")}
    facts["micro_credential"] = {"cpd points": Decimal("4")}

    document = credential(achievement=facts)

    achieved = document["credentialSubject"]["achievement"]
    assert achieved["creditsAvailable"] == 0.5
    assert achieved["microCredential"]["workloadHours"] == 12.5
    assert achieved["microCredential"]["cpdPoints"] == 4
    assert json.loads(json.dumps(document)) == document
