"""The events API: listing, detail, registering and cancelling, typed errors."""

from __future__ import annotations

import pytest
from django.utils import timezone

from skillspact.accounts import services as account_services
from skillspact.events.factories import (
    EventFactory,
    EventSessionFactory,
    QuestionFactory,
    RegistrationFactory,
)
from skillspact.events.models import Event, Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(outsider):
    return account_services.api_token_create(user=outsider, name="tests")[1]


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_anyone_lists_published_events(client):
    EventFactory(title="Open webinar")
    EventFactory(title="Draft", status=Event.Status.DRAFT)

    response = client.get("/api/v1/events")

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert data["items"][0]["title"] == "Open webinar"
    assert data["items"][0]["organiser"] == "The secretariat"


def test_the_detail_hides_the_online_link_from_people_not_registered(client, token):
    event = EventFactory(format="online", online_url="https://meet.example.eu/x")
    session = EventSessionFactory(event=event, capacity=3)

    anonymous = client.get(f"/api/v1/events/{event.slug}").json()
    assert anonymous["online_url"] == ""
    assert anonymous["sessions"][0]["id"] == str(session.public_id)

    created = client.post(
        f"/api/v1/events/{event.slug}/registration",
        {"sessions": [str(session.public_id)]},
        content_type="application/json",
        **auth(token),
    )
    assert created.status_code == 201
    assert created.json()["sessions"] == {str(session.public_id): "confirmed"}
    detail = client.get(f"/api/v1/events/{event.slug}", **auth(token)).json()
    assert detail["online_url"] == "https://meet.example.eu/x"
    assert detail["sessions"][0]["places_taken"] == 1


def test_registering_twice_is_a_typed_conflict(client, token):
    event = EventFactory()
    url = f"/api/v1/events/{event.slug}/registration"
    client.post(url, {}, content_type="application/json", **auth(token))

    response = client.post(url, {}, content_type="application/json", **auth(token))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_registered"


def test_a_missing_required_answer_names_the_question(client, token):
    event = EventFactory()
    question = QuestionFactory(event=event, is_required=True)

    response = client.post(
        f"/api/v1/events/{event.slug}/registration",
        {"answers": {}},
        content_type="application/json",
        **auth(token),
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == [f"question_{question.pk}"]
    assert not Registration.objects.exists()


def test_an_unknown_session_is_refused(client, token):
    event = EventFactory()

    response = client.post(
        f"/api/v1/events/{event.slug}/registration",
        {"sessions": ["00000000-0000-0000-0000-000000000000"]},
        content_type="application/json",
        **auth(token),
    )

    assert response.status_code == 422
    assert "sessions" in response.json()["error"]["fields"]


def test_cancelling_through_the_api_promotes_the_next(client, token):
    event = EventFactory(capacity=1)
    url = f"/api/v1/events/{event.slug}/registration"
    client.post(url, {}, content_type="application/json", **auth(token))
    waiting = RegistrationFactory(
        event=event, status="waitlisted", waitlisted_at=timezone.now(), confirmed_at=None
    )

    response = client.delete(url, **auth(token))

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert client.get("/api/v1/me/registrations", **auth(token)).json()[0]["status"] == "cancelled"


def test_registering_needs_authentication(client):
    event = EventFactory()

    response = client.post(
        f"/api/v1/events/{event.slug}/registration", {}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
