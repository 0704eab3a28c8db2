"""Factories for events, programmes, registrations and networking, for tests, demo data and
benchmarks."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.events.models import (
    Event,
    EventSession,
    MeetingRequest,
    MeetingSlot,
    NetworkingProfile,
    Question,
    Registration,
)


def _in_days(days: int, hour: int = 9) -> datetime.datetime:
    moment = timezone.now() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


class EventFactory(factory.django.DjangoModelFactory):
    """A published public workshop in a month's time, organised by the secretariat."""

    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"workshop-{n}")
    title = factory.Sequence(lambda n: f"Digital skills workshop {n}")
    summary = "Working together on the digital skills of the health workforce."
    description = "Five discussion groups and three interactive sessions."
    kind = Event.Kind.WORKSHOP
    status = Event.Status.PUBLISHED
    starts_at = factory.LazyFunction(lambda: _in_days(30, 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=8))
    venue = "Square Brussels Meeting Centre"
    address = "Mont des Arts, 1000 Brussels"
    published_at = factory.LazyFunction(timezone.now)
    search_text = factory.LazyAttribute(lambda o: f"{o.title} {o.summary}".lower())


class EventSessionFactory(factory.django.DjangoModelFactory):
    """A discussion group in the morning of its event."""

    class Meta:
        model = EventSession

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Discussion group {n}")
    kind = EventSession.Kind.GROUP
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at + datetime.timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    event = factory.SubFactory(EventFactory)
    label = "Dietary requirements"
    kind = Question.Kind.TEXT


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


class MeetingSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSlot

    event = factory.SubFactory(EventFactory, kind=Event.Kind.NETWORKING, meeting_tables=10)
    starts_at = factory.Sequence(lambda n: _in_days(30, 9) + datetime.timedelta(minutes=20 * n))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(minutes=20))


class NetworkingProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkingProfile

    registration = factory.SubFactory(RegistrationFactory)
    headline = "Nurse educator"
    offers = "Simulation training for telehealth."
    seeks = "Partners for a digital skills programme."


class MeetingRequestFactory(factory.django.DjangoModelFactory):
    """An accepted request between two registrations of the same event."""

    class Meta:
        model = MeetingRequest

    event = factory.SubFactory(EventFactory, kind=Event.Kind.NETWORKING, meeting_tables=10)
    sender = factory.SubFactory(RegistrationFactory, event=factory.SelfAttribute("..event"))
    recipient = factory.SubFactory(RegistrationFactory, event=factory.SelfAttribute("..event"))
    message = "Shall we talk about simulation training?"
    status = MeetingRequest.Status.ACCEPTED
    answered_at = factory.LazyFunction(timezone.now)
