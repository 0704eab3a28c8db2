"""Event pages: wiring, permissions, forms that keep what was typed, query budgets."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.events.factories import (
    EventFactory,
    EventSessionFactory,
    QuestionFactory,
    RegistrationFactory,
)
from skillspact.events.models import Event, Registration

pytestmark = pytest.mark.django_db


def test_the_event_list_shows_upcoming_published_events_within_a_query_budget(
    client, django_assert_max_num_queries
):
    for number in range(25):
        EventFactory(title=f"Webinar {number}")
    EventFactory(title="Hidden draft", status=Event.Status.DRAFT)
    EventFactory(title="Secret round table", audience=Event.Audience.INVITATION)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("events:list"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "25 events" in body
    assert "Hidden draft" not in body
    assert "Secret round table" not in body


def test_the_event_list_filters_by_words_and_shows_an_empty_state(client):
    EventFactory(
        title="Green procurement in hospitals", search_text="green procurement in hospitals"
    )

    found = client.get(reverse("events:list"), {"q": "procurement"}).content.decode()
    none = client.get(reverse("events:list"), {"q": "astronomy"}).content.decode()

    assert "Green procurement in hospitals" in found
    assert "No upcoming event matches." in none


def test_a_draft_is_404_for_everyone_but_its_organisers(client, outsider, secretariat_officer):
    event = EventFactory(status=Event.Status.DRAFT)

    client.force_login(outsider)
    assert client.get(reverse("events:detail", args=[event.slug])).status_code == 404
    assert client.get(reverse("events:manage", args=[event.slug])).status_code == 404
    client.force_login(secretariat_officer)
    assert client.get(reverse("events:manage", args=[event.slug])).status_code == 200


def test_registering_through_the_page_confirms_and_shows_the_online_link(client, outsider):
    event = EventFactory(format="online", online_url="https://meet.example.eu/room-42")
    client.force_login(outsider)
    page = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    assert "https://meet.example.eu/room-42" not in page

    response = client.post(reverse("events:register", args=[event.slug]), follow=True)

    assert Registration.objects.get(event=event, user=outsider).status == "confirmed"
    assert "https://meet.example.eu/room-42" in response.content.decode()


def test_a_missing_required_answer_keeps_what_was_typed(client, outsider):
    event = EventFactory()
    profession = QuestionFactory(event=event, label="Profession", is_required=True)
    lunch = QuestionFactory(event=event, label="Lunch wishes")
    client.force_login(outsider)

    response = client.post(
        reverse("events:register", args=[event.slug]),
        {f"question_{lunch.pk}": "No nuts, please"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "No nuts, please" in body
    assert "This field is required." in body
    assert not Registration.objects.filter(event=event).exists()
    assert profession.pk


def test_a_full_event_offers_the_waitlist_and_tells_the_position(client, outsider):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    client.force_login(outsider)

    page = client.get(reverse("events:detail", args=[event.slug])).content.decode()
    assert "Join the waitlist" in page
    response = client.post(reverse("events:register", args=[event.slug]), follow=True)

    assert "You are number 1 on the waitlist." in response.content.decode()


def test_cancelling_from_the_page_frees_the_place(client, outsider):
    event = EventFactory(capacity=1)
    registration = RegistrationFactory(event=event, user=outsider)
    waiting = RegistrationFactory(
        event=event, status="waitlisted", waitlisted_at=timezone.now(), confirmed_at=None
    )
    client.force_login(outsider)

    client.post(reverse("events:registration_cancel", args=[registration.public_id]))

    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_someone_else_cannot_cancel_a_registration_through_the_page(client, outsider):
    registration = RegistrationFactory()
    client.force_login(outsider)

    response = client.post(reverse("events:registration_cancel", args=[registration.public_id]))

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_creating_an_event_keeps_input_on_error_and_saves_a_draft(client, secretariat_officer):
    client.force_login(secretariat_officer)
    data = {
        "title": "Digital clinical safety",
        "kind": "workshop",
        "time_zone": "Europe/Brussels",
        "starts_at": "2030-03-10T09:00",
        "ends_at": "2030-03-10T08:00",
        "format": "in_person",
        "venue": "",
        "language": "en",
        "audience": "public",
    }

    response = client.post(reverse("events:create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Digital clinical safety" in body
    assert "The event must end after it starts." in body
    assert "Say where the event takes place." in body
    assert not Event.objects.exists()

    data.update(ends_at="2030-03-10T17:00", venue="Square Brussels")
    response = client.post(reverse("events:create"), data)
    event = Event.objects.get()
    assert response.url == reverse("events:manage", args=[event.slug])
    assert event.status == "draft"
    # 09:00 in Brussels in March is 08:00 UTC.
    assert event.starts_at == datetime.datetime(2030, 3, 10, 8, 0, tzinfo=datetime.UTC)


def test_an_outsider_cannot_create_events(client, outsider):
    client.force_login(outsider)

    response = client.post(reverse("events:create"), {"title": "Mine"})

    assert response.status_code == 302
    assert not Event.objects.exists()


def test_the_organiser_adds_a_session_and_moves_people(client, secretariat_officer):
    event = EventFactory()
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("events:session_create", args=[event.slug]),
        {
            "title": "Group 1: telehealth",
            "kind": "group",
            "starts_at": timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(event.starts_at + datetime.timedelta(hours=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "capacity": "7",
        },
    )

    assert response.status_code == 302
    session = event.sessions.get()
    assert (session.title, session.capacity) == ("Group 1: telehealth", 7)
    registration = RegistrationFactory(event=event)
    client.post(
        reverse("events:session_people", args=[event.slug, session.public_id]),
        {"registration": str(registration.public_id)},
    )
    assert registration.session_choices.get().session == session


def test_the_manage_page_lists_approvals_and_waitlist(client, secretariat_officer):
    event = EventFactory(capacity=1, requires_approval=True)
    RegistrationFactory(event=event)
    pending = RegistrationFactory(event=event, status="pending", confirmed_at=None)
    waiting = RegistrationFactory(
        event=event, status="waitlisted", waitlisted_at=timezone.now(), confirmed_at=None
    )
    client.force_login(secretariat_officer)

    body = client.get(reverse("events:manage", args=[event.slug])).content.decode()

    assert pending.user.full_name in body
    assert waiting.user.full_name in body
    client.post(
        reverse("events:registration_approve", args=[pending.public_id]), {"next": "manage"}
    )
    pending.refresh_from_db()
    assert pending.status == "waitlisted"


def test_my_events_lists_upcoming_and_past(client):
    person = UserFactory()
    RegistrationFactory(user=person, event=EventFactory(title="Coming soon"))
    past = EventFactory(title="Long ago")
    Event.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=10),
        ends_at=timezone.now() - datetime.timedelta(days=9),
    )
    RegistrationFactory(user=person, event=past)
    client.force_login(person)

    body = client.get(reverse("events:mine")).content.decode()

    assert body.index("Coming soon") < body.index("Long ago")


def test_joining_a_session_from_the_event_page(client, outsider):
    event = EventFactory()
    group = EventSessionFactory(event=event, capacity=1)
    RegistrationFactory(event=event, user=outsider)
    client.force_login(outsider)

    client.post(reverse("events:session_join", args=[event.slug, group.public_id]))

    assert group.choices.get().status == "confirmed"
