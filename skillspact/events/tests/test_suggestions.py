"""Suggestions of whom to meet: complementary offers and needs, shared interests, another
stakeholder type; never oneself, hidden people or people already asked."""

from __future__ import annotations

import pytest

from skillspact.events import networking_selectors
from skillspact.events.factories import MeetingRequestFactory
from skillspact.events.models import MeetingRequest
from skillspact.events.tests.test_networking import networking_event, participant
from skillspact.taxonomy.tests import esco_files
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401

pytestmark = pytest.mark.django_db


def names(found: list[networking_selectors.Suggestion]) -> list[str]:
    return [s.registration.user.full_name for s in found]


def test_the_best_match_offers_what_i_seek_and_seeks_what_i_offer():
    event = networking_event()
    me = participant(
        event,
        name="Me",
        profile={
            "offers": "Hospital placements for nursing students.",
            "seeks": "Simulation training for telehealth consultations.",
        },
    )
    participant(
        event,
        name="Both ways",
        profile={
            "offers": "Simulation training centre, telehealth scenarios.",
            "seeks": "Hospital placements for our students.",
        },
    )
    participant(
        event,
        name="One way",
        profile={"offers": "Simulation training for surgeons.", "seeks": "Investors."},
    )
    participant(
        event,
        name="Unrelated",
        profile={"offers": "Accounting software.", "seeks": "Retail partners in Asia."},
    )

    found = networking_selectors.suggestions_for(registration=me)

    assert names(found) == ["Both ways", "One way"]
    assert found[0].reasons == [
        "Offers what you look for: telehealth, simulation, training",
        "Looks for what you offer: hospital, placements, students",
    ]
    assert found[1].reasons == ["Offers what you look for: simulation, training"]


def test_rare_words_weigh_more_than_common_ones():
    event = networking_event()
    me = participant(event, name="Me", profile={"offers": "", "seeks": "digital robotics"})
    participant(event, name="Common", profile={"offers": "digital courses", "seeks": ""})
    participant(event, name="Rare", profile={"offers": "robotics courses", "seeks": ""})
    for i in range(4):
        participant(event, name=f"Filler {i}", profile={"offers": "digital workshops", "seeks": ""})

    found = networking_selectors.suggestions_for(registration=me)

    assert names(found)[0] == "Rare"


def test_shared_interests_and_another_stakeholder_type_count(esco_v1):  # noqa: F811
    event = networking_event()
    interests = [esco_files.S_INFORMATICS, esco_files.S_DATA]
    me = participant(
        event,
        name="Me",
        profile={
            "offers": "",
            "seeks": "",
            "interests": interests,
            "stakeholder_type": "healthcare_provider",
        },
    )
    participant(
        event,
        name="Same type",
        profile={
            "offers": "",
            "seeks": "",
            "interests": interests,
            "stakeholder_type": "healthcare_provider",
        },
    )
    participant(
        event,
        name="Other type",
        profile={
            "offers": "",
            "seeks": "",
            "interests": interests,
            "stakeholder_type": "education_vet",
        },
    )
    participant(
        event,
        name="One interest",
        profile={"offers": "", "seeks": "", "interests": [esco_files.S_DATA]},
    )
    participant(
        event,
        name="Type only",
        profile={"offers": "", "seeks": "", "stakeholder_type": "research"},
    )

    found = networking_selectors.suggestions_for(registration=me)

    assert names(found) == ["Other type", "Same type", "One interest"]
    assert found[0].reasons == [
        "Shared interests: data protection, health informatics",
        "Another perspective: Education and training provider — VET",
    ]


def test_never_oneself_hidden_people_or_people_already_asked():
    event = networking_event()
    text = {"offers": "simulation training", "seeks": "simulation training"}
    me = participant(event, name="Me", profile=text)
    hidden = participant(event, name="Hidden", profile={**text, "is_visible": False})
    asked = participant(event, name="Asked", profile=text)
    declined = participant(event, name="Declined me", profile=text)
    cancelled = participant(event, name="Cancelled", profile=text)
    participant(event, name="Fresh", profile=text)
    MeetingRequestFactory(
        event=event, sender=me, recipient=asked, status=MeetingRequest.Status.PENDING
    )
    MeetingRequestFactory(
        event=event, sender=me, recipient=declined, status=MeetingRequest.Status.DECLINED
    )
    MeetingRequestFactory(
        event=event, sender=cancelled, recipient=me, status=MeetingRequest.Status.CANCELLED
    )
    assert hidden

    found = networking_selectors.suggestions_for(registration=me)

    assert names(found) == ["Cancelled", "Fresh"]


def test_people_of_another_event_are_never_suggested():
    event, other_event = networking_event(), networking_event()
    me = participant(event, name="Me", profile={"offers": "", "seeks": "simulation"})
    participant(other_event, name="Elsewhere", profile={"offers": "simulation", "seeks": ""})

    assert networking_selectors.suggestions_for(registration=me) == []


def test_without_a_profile_there_are_no_suggestions():
    event = networking_event()
    me = participant(event, name="Me")
    participant(event, name="Someone", profile={"offers": "simulation", "seeks": ""})

    assert networking_selectors.suggestions_for(registration=me) == []


def test_words_are_normalised_before_they_are_compared():
    assert networking_selectors.tokens("Formación de Enfermeras, SIMULATIONS and training") == [
        ("formacion", "formacion"),
        ("enfermera", "enfermeras"),
        ("simulation", "simulations"),
        ("train", "training"),
    ]
