"""European Learning Model (EDC) export of an achievement."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from skillspact.credentials import elm
from skillspact.credentials.tests.test_ob3 import ESCO, SKILLS, achievement, issuer, subject

ISSUED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def export(**overrides) -> dict:
    arguments = {
        "credential_id": "urn:uuid:0b7c5b1e-5c44-4a3c-8f24-9f3f6b0c1a77",
        "issuer": issuer(),
        "subject": subject(),
        "achievement": {**achievement(), "mode": "blended"},
        "issued_at": ISSUED,
        "valid_until": ISSUED + timedelta(days=365),
    }
    arguments.update(overrides)
    return elm.elm_credential(**arguments)


def test_export_is_an_unsigned_european_digital_credential():
    document = export()

    assert document["@context"] == [
        "https://www.w3.org/2018/credentials/v1",
        "http://data.europa.eu/snb/model/context/edc-ap",
    ]
    assert document["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert document["credentialSchema"] == [
        {"id": "http://data.europa.eu/snb/model/ap/edc-generic-full", "type": "ShaclValidator2017"}
    ]
    assert document["issuer"]["type"] == "Organisation"
    assert document["issuer"]["legalName"] == {"en": "Care Academy Lyon"}
    assert document["issuanceDate"] == "2026-11-20T09:30:00Z"
    assert document["validFrom"] == "2026-11-20T09:30:00Z"
    assert document["expirationDate"] == "2027-11-20T09:30:00Z"
    assert "proof" not in document
    assert json.loads(json.dumps(document)) == document


def test_the_claim_is_a_learning_achievement_awarded_by_the_provider():
    person = export()["credentialSubject"]

    assert person["type"] == "Person"
    assert person["id"] == "urn:uuid:6c1d7a52-59a8-4c7e-9a55-0b6f2f4d2e11"
    assert person["fullName"] == {"en": "Ana Martins"}
    (claim,) = person["hasClaim"]
    assert claim["type"] == "LearningAchievement"
    assert claim["title"] == {"en": "Telehealth basics for community nurses"}
    assert claim["awardedBy"]["type"] == "AwardingProcess"
    assert claim["awardedBy"]["awardingBody"][0]["id"] == issuer()["id"]


def test_the_specification_carries_outcomes_level_workload_credits_mode_and_languages():
    specification = export()["credentialSubject"]["hasClaim"][0]["specifiedBy"]

    assert specification["type"] == "LearningAchievementSpecification"
    assert specification["id"] == "https://skillspact.example/courses/telehealth-basics"
    outcomes = specification["learningOutcome"]
    assert [o["type"] for o in outcomes] == ["LearningOutcome"] * 5
    assert [o["relatedESCOSkill"][0]["id"] for o in outcomes] == [ESCO + u for _, u in SKILLS]
    assert outcomes[0]["relatedESCOSkill"][0]["inScheme"]["id"] == (
        "http://data.europa.eu/esco/concept-scheme/skills"
    )
    assert specification["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/5"
    assert specification["volumeOfLearning"] == "PT25H"
    (credit,) = specification["creditPoint"]
    assert credit["point"] == "1"
    assert credit["framework"]["id"] == "http://data.europa.eu/snb/education-credit/6fcec5c5af"
    assert specification["mode"][0]["id"] == (
        "http://data.europa.eu/snb/learning-assessment/e92d221e4d"
    )
    assert [c["id"] for c in specification["language"]] == [
        "http://publications.europa.eu/resource/authority/language/ENG",
        "http://publications.europa.eu/resource/authority/language/FRA",
    ]


def test_workloads_are_iso_8601_durations():
    assert elm.iso_duration_hours(25) == "PT25H"
    assert elm.iso_duration_hours(1.5) == "PT1H30M"
    assert elm.iso_duration_hours(0.25) == "PT15M"


def test_missing_facts_are_left_out():
    bare = {"id": "https://example.org/a", "name": "First aid refresher", "language": ["de"]}

    document = export(achievement=bare, valid_until=None)

    specification = document["credentialSubject"]["hasClaim"][0]["specifiedBy"]
    assert set(specification) == {"id", "type", "title", "language"}
    assert specification["title"] == {"de": "First aid refresher"}
    assert "expirationDate" not in document
