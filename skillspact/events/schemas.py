"""API shapes for events, their programme and registrations."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.urls import reverse
from ninja import Field, Schema

from skillspact.core.schemas import InputSchema
from skillspact.events.models import Event, EventSession, Registration


class EventListQuery(Schema):
    q: str = Field(
        "", max_length=200, description="Words in the title, summary, venue or organiser"
    )
    kind: Event.Kind | None = None
    format: Event.Format | None = None
    language: str = Field("", max_length=10)
    when: str = Field("upcoming", pattern="^(upcoming|past|all)$")


class SessionOut(Schema):
    id: UUID = Field(..., alias="public_id")
    title: str
    kind: EventSession.Kind
    starts_at: datetime
    ends_at: datetime
    room: str
    speakers: str
    capacity: int | None
    places_taken: int = 0


class EventOut(Schema):
    id: UUID = Field(..., alias="public_id")
    slug: str
    title: str
    summary: str
    kind: Event.Kind
    status: Event.Status
    format: Event.Format
    audience: Event.Audience
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    venue: str
    address: str
    language: str
    capacity: int | None
    organiser: str
    url: str

    @staticmethod
    def resolve_organiser(event: Any) -> str:
        if isinstance(event, dict):
            return str(event["organiser"])
        return event.organisation.legal_name if event.organisation else "The secretariat"

    @staticmethod
    def resolve_url(event: Any) -> str:
        if isinstance(event, dict):
            return str(event["url"])
        return reverse("events:detail", args=[event.slug])


class EventDetailOut(EventOut):
    description: str
    places_taken: int
    waiting: int
    recording_url: str
    slides_url: str
    online_url: str = Field("", description="Only for confirmed participants and organisers")
    sessions: list[SessionOut]


class RegistrationIn(InputSchema):
    answers: dict[str, Any] = Field(
        default_factory=dict, description='Answers by question id: {"question_12": "Nurse"}'
    )
    sessions: list[UUID] = Field(default_factory=list, description="Sessions to take part in")


class RegistrationOut(Schema):
    id: UUID
    event: str = Field(..., description="The event's slug")
    status: Registration.Status
    waitlist_position: int | None
    sessions: dict[str, str] = Field(..., description="Session id → confirmed or waitlisted")
    created_at: datetime
