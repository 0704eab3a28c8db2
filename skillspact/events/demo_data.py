"""The demo partnership's events, for `seed_demo`.

* A past workshop in Brussels: 35 participants in five discussion groups and three interactive
  sessions, attendance taken at the door, feedback, the recording and the slides.
* An upcoming webinar for members, full, with a waitlist in order of arrival (the demo health
  worker is on it).
* An upcoming networking event with a few hundred participants: profiles with what they offer and
  look for (interests tagged with ESCO skills when ESCO is loaded), meeting slots and tables,
  availability, meeting requests (most accepted) and a preliminary agenda from the scheduler.
* An upcoming information session with approval, and a draft event of the demo contact's
  organisation.

Rows are bulk-created with the values the services write: the services e-mail every person
they touch, and the demo must not queue e-mails to invented people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from skillspact.accounts.models import User
from skillspact.core.text import search_text
from skillspact.events.models import (
    Availability,
    Event,
    EventSession,
    Feedback,
    MeetingRequest,
    MeetingSlot,
    NetworkingProfile,
    Question,
    Registration,
    ScheduleRun,
    SessionChoice,
)
from skillspact.organisations.models import Affiliation, Organisation

BRUSSELS = ZoneInfo("Europe/Brussels")
WORKSHOP_PEOPLE = 35
WEBINAR_PLACES = 40
WEBINAR_WAITING = 9
NETWORKING_PEOPLE = 240
NETWORKING_SLOTS = 12
NETWORKING_TABLES = 40
MEETING_CAP = 6
REQUESTS_EACH = (0, 1, 1, 2, 2, 3, 4)
ACCEPTED_SHARE = 0.8

# ESCO v1.1.1 skills that networking profiles tag as interests when ESCO is loaded.
INTEREST_SKILLS = [
    "http://data.europa.eu/esco/skill/16636767-c215-4cf0-b126-e144fea20926",  # e-health
    "http://data.europa.eu/esco/skill/a46743b7-ff8c-49b6-99f7-7fa5bc241771",  # EHR in nursing
    "http://data.europa.eu/esco/skill/fb82ae25-b59f-43fd-aacf-a8308afbe85e",  # health informatics
    "http://data.europa.eu/esco/skill/436b8f31-1a12-408a-be5f-a951942fbf92",  # simulation
    "http://data.europa.eu/esco/skill/79fc83a3-9c76-4e21-b766-2e9c0f8d31eb",  # patient safety
    "http://data.europa.eu/esco/skill/16284f84-15c9-4542-b122-a6d584f937ee",  # clinical risk
    "http://data.europa.eu/esco/skill/e465a154-93f7-4973-9ce1-31659fe16dd2",  # AI principles
    "http://data.europa.eu/esco/skill/097c6a36-f031-4d3e-b5c1-62d6ffcb430b",  # data protection
    "http://data.europa.eu/esco/skill/426ceaba-6867-481c-bb6b-aee3933da7d2",  # ICT safety
    "http://data.europa.eu/esco/skill/8abdc43c-2bfd-417c-97c2-27fcdaf53171",  # environment
    "http://data.europa.eu/esco/skill/40fa39b5-0f69-432a-b5ea-b01b5d98649a",  # hazardous waste
    "http://data.europa.eu/esco/skill/29cd7e7b-215c-483a-b67a-6bdad0647de9",  # procurement
    "http://data.europa.eu/esco/skill/d5145a9a-602e-40bf-b3e1-f04cf9c3ef86",  # leadership
]
OFFERS = [
    "Simulation training for nurses on telehealth consultations.",
    "A blended course on electronic health records for hospital staff.",
    "Funding advice for Erasmus+ and EU4Health skills projects.",
    "Green procurement guidance for hospital purchasing teams.",
    "Data protection and cybersecurity awareness training for clinicians.",
    "Placements for digital health trainees in our hospitals.",
    "A micro-credential in clinical informatics, EQF level 6.",
    "Learning analytics on our health workforce upskilling programmes.",
    "Train-the-trainer programmes on artificial intelligence in radiology.",
    "Waste reduction and energy saving pilots in operating theatres.",
]
SEEKS = [
    "Hospitals to pilot a telehealth skills programme with us.",
    "Training providers for green skills of facility managers.",
    "Partners for an Erasmus+ alliance on digital health skills.",
    "Employers who hire clinical informatics specialists.",
    "Trainers on artificial intelligence for clinicians.",
    "Evidence on which digital skills nurses lack most.",
    "Regional authorities to scale a cybersecurity course.",
    "Universities to recognise our micro-credentials.",
    "Companies to co-fund simulation centres.",
    "Peers who measured the impact of upskilling on patient safety.",
]
HEADLINES = [
    "Head of nursing education",
    "Digital health programme manager",
    "Training coordinator",
    "Sustainability officer",
    "EU projects officer",
    "Chief medical information officer",
    "Policy adviser, health workforce",
    "Director of a VET centre",
]
WORKSHOP_GROUPS = [
    "Group 1 · Digital skills for nurses",
    "Group 2 · Artificial intelligence and patient safety",
    "Group 3 · Green skills in hospitals",
    "Group 4 · Funding upskilling",
    "Group 5 · Recognising micro-credentials",
]
WORKSHOP_INTERACTIVE = [
    "Interactive · Mapping skills gaps with ESCO",
    "Interactive · Designing a pathway to clinical informatics",
    "Interactive · Pledges for 2027",
]


@dataclass
class Seeded:
    """What `seed()` created, for the command's closing report."""

    events: list[str] = field(default_factory=list)
    registrations: int = 0
    waiting: int = 0
    requests: int = 0
    meetings: int = 0
    upper_bound: int = 0

    def text(self) -> str:
        return "\n".join(
            [
                f"  events          {len(self.events)} ({', '.join(self.events)})",
                f"  registrations   {self.registrations} ({self.waiting} waiting); meeting "
                f"requests {self.requests}, {self.meetings} meetings in the preliminary agenda "
                f"(bound {self.upper_bound})",
            ]
        )


def _at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def seed(
    *,
    seed: int,
    secretariat: User,
    worker: User | None = None,
    contact_organisation: Organisation | None = None,
    now: datetime | None = None,
) -> Seeded:
    """Add the demo's events; the same `seed` gives the same events, people and requests."""
    return _Builder(seed, secretariat, worker, contact_organisation, now or timezone.now()).build()


class _Builder:
    def __init__(
        self,
        seed: int,
        secretariat: User,
        worker: User | None,
        contact_organisation: Organisation | None,
        now: datetime,
    ) -> None:
        self.rng = random.Random(f"events-{seed}")
        self.secretariat = secretariat
        self.worker = worker
        self.contact_organisation = contact_organisation
        self.now = now.astimezone(BRUSSELS)
        self.seeded = Seeded()
        self.people = self._people()

    def _people(self) -> list[tuple[User, Organisation | None]]:
        organisation_of: dict[int, Organisation] = {}
        for affiliation in Affiliation.objects.select_related("organisation").order_by("id"):
            organisation_of.setdefault(affiliation.user_id, affiliation.organisation)
        users = User.objects.filter(is_active=True, is_secretariat=False).order_by("pk")
        if self.worker is not None:
            users = users.exclude(pk=self.worker.pk)
        return [(user, organisation_of.get(user.pk)) for user in users]

    def build(self) -> Seeded:
        self._workshop()
        self._webinar()
        self._information_session()
        self._networking()
        self._draft()
        return self.seeded

    # -- helpers -----------------------------------------------------------------------------

    def _event(self, **fields: Any) -> Event:
        event = Event(created_by=self.secretariat, **fields)
        if event.status != Event.Status.DRAFT:
            event.published_at = min(self.now, event.starts_at) - timedelta(days=30)
        organiser = event.organisation.legal_name if event.organisation else ""
        event.search_text = search_text(
            " ".join([event.title, event.summary, event.venue, event.address, organiser])
        )
        event.save()
        self.seeded.events.append(event.slug)
        return event

    def _register(
        self,
        event: Event,
        people: list[User],
        *,
        status: str = Registration.Status.CONFIRMED,
        start: datetime,
    ) -> list[Registration]:
        rows = []
        for index, user in enumerate(people):
            moment = start + timedelta(minutes=7 * index)
            rows.append(
                Registration(
                    event=event,
                    user=user,
                    status=status,
                    confirmed_at=moment if status == Registration.Status.CONFIRMED else None,
                    waitlisted_at=moment if status == Registration.Status.WAITLISTED else None,
                    answers={},
                )
            )
        created = Registration.objects.bulk_create(rows)
        # bulk_create leaves created_at to the database clock; arrival order is what matters.
        self.seeded.registrations += len(created)
        if status == Registration.Status.WAITLISTED:
            self.seeded.waiting += len(created)
        return created

    def _sample(self, count: int, *, exclude: set[int] | None = None) -> list[User]:
        pool = [user for user, _ in self.people if not exclude or user.pk not in exclude]
        return self.rng.sample(pool, min(count, len(pool)))

    # -- the events --------------------------------------------------------------------------

    def _workshop(self) -> None:
        day = _at(self.now - timedelta(days=46), 9, 30)
        event = self._event(
            slug="brussels-workshop-digital-green-skills",
            title="Workshop: digital and green skills of the health workforce",
            summary="Five discussion groups and three interactive sessions on the partnership's "
            "skills strategy.",
            description=(
                "The partnership's members met in Brussels to work on the **skills strategy**: "
                "which digital and green skills health workers lack, how to fund their "
                "upskilling, and how to recognise micro-credentials across borders.\n\n"
                "The recording and the slides are linked on this page."
            ),
            kind=Event.Kind.WORKSHOP,
            status=Event.Status.PUBLISHED,
            starts_at=day,
            ends_at=_at(day, 17, 0),
            format=Event.Format.IN_PERSON,
            venue="Square Brussels Meeting Centre",
            address="Mont des Arts, 1000 Brussels, Belgium",
            capacity=40,
            recording_url="https://video.example.eu/lsp-health/workshop-brussels",
            slides_url="https://files.example.eu/lsp-health/workshop-brussels-slides.pdf",
        )
        EventSession.objects.create(
            event=event,
            title="Welcome and the partnership's progress",
            kind=EventSession.Kind.PLENARY,
            starts_at=day,
            ends_at=_at(day, 10, 15),
            room="Auditorium",
            speakers="The secretariat",
        )
        groups = [
            EventSession.objects.create(
                event=event,
                title=title,
                kind=EventSession.Kind.GROUP,
                starts_at=_at(day, 10, 30),
                ends_at=_at(day, 12, 30),
                room=f"Room {index + 1}",
                capacity=8,
            )
            for index, title in enumerate(WORKSHOP_GROUPS)
        ]
        interactive = [
            EventSession.objects.create(
                event=event,
                title=title,
                kind=EventSession.Kind.INTERACTIVE,
                starts_at=_at(day, 14, 0),
                ends_at=_at(day, 15, 30),
                room=f"Studio {index + 1}",
                capacity=15,
            )
            for index, title in enumerate(WORKSHOP_INTERACTIVE)
        ]
        people = self._sample(WORKSHOP_PEOPLE)
        if self.worker is not None:
            people[-1] = self.worker
        registrations = self._register(event, people, start=day - timedelta(days=40))
        choices = []
        for index, registration in enumerate(registrations):
            choices.append(
                SessionChoice(
                    registration=registration,
                    session=groups[index % len(groups)],
                    status=SessionChoice.Status.CONFIRMED,
                )
            )
            choices.append(
                SessionChoice(
                    registration=registration,
                    session=interactive[index % len(interactive)],
                    status=SessionChoice.Status.CONFIRMED,
                )
            )
        SessionChoice.objects.bulk_create(choices)
        # Most came; they were checked in at the door between 9:00 and 9:40.
        attended = [r for r in registrations if self.rng.random() < 0.9 or r.user == self.worker]
        for registration in attended:
            registration.checked_in_at = _at(day, 9, 0) + timedelta(minutes=self.rng.randint(0, 40))
        Registration.objects.bulk_update(attended, ["checked_in_at"])
        comments = [
            "The discussion groups were the most useful part.",
            "More time for the interactive sessions, please.",
            "Good mix of hospitals, universities and industry.",
            "",
            "",
        ]
        Feedback.objects.bulk_create(
            [
                Feedback(
                    registration=registration,
                    rating=self.rng.choice([3, 4, 4, 5, 5]),
                    usefulness=self.rng.choice([3, 4, 5, 5]),
                    comment=self.rng.choice(comments),
                )
                for registration in attended
                if self.rng.random() < 0.6
            ]
        )

    def _webinar(self) -> None:
        day = _at(self.now + timedelta(days=12), 14, 0)
        event = self._event(
            slug="webinar-ai-in-clinical-practice",
            title="Webinar: artificial intelligence in clinical practice",
            summary="What clinicians need to know to use AI tools safely, and how to train them.",
            description="A one-hour webinar for members, with questions from the audience.",
            kind=Event.Kind.WEBINAR,
            status=Event.Status.PUBLISHED,
            starts_at=day,
            ends_at=day + timedelta(hours=1),
            format=Event.Format.ONLINE,
            online_url="https://meet.example.eu/lsp-health/ai-clinical-practice",
            audience=Event.Audience.MEMBERS,
            capacity=WEBINAR_PLACES,
        )
        Question.objects.create(
            event=event,
            position=1,
            label="Your profession",
            kind=Question.Kind.CHOICE,
            choices=["Nurse", "Physician", "Pharmacist", "Educator", "Manager", "Other"],
            is_required=True,
        )
        confirmed = self._sample(WEBINAR_PLACES)
        taken = {user.pk for user in confirmed}
        waiting = self._sample(WEBINAR_WAITING - (1 if self.worker else 0), exclude=taken)
        if self.worker is not None:
            waiting.insert(3, self.worker)
        start = self.now - timedelta(days=10)
        self._register(event, confirmed, start=start)
        self._register(
            event, waiting, status=Registration.Status.WAITLISTED, start=start + timedelta(days=5)
        )

    def _information_session(self) -> None:
        day = _at(self.now + timedelta(days=26), 10, 0)
        event = self._event(
            slug="information-session-joining-the-partnership",
            title="Information session: joining the partnership and making a commitment",
            summary="For organisations thinking of joining: what members do and report.",
            kind=Event.Kind.INFO_SESSION,
            status=Event.Status.PUBLISHED,
            starts_at=day,
            ends_at=day + timedelta(hours=1, minutes=30),
            format=Event.Format.HYBRID,
            venue="Pact for Skills support service",
            address="Rue Belliard 100, 1040 Brussels, Belgium",
            online_url="https://meet.example.eu/lsp-health/joining",
            requires_approval=True,
            capacity=60,
        )
        people = self._sample(14)
        self._register(event, people[:8], start=self.now - timedelta(days=3))
        self._register(
            event,
            people[8:],
            status=Registration.Status.PENDING,
            start=self.now - timedelta(days=1),
        )

    def _networking(self) -> None:
        day = _at(self.now + timedelta(days=33), 9, 0)
        event = self._event(
            slug="networking-day-health-skills",
            title="Networking day: partners for health workforce skills",
            summary="Meet members one to one: training providers, hospitals, industry and "
            "authorities looking for partners.",
            description=(
                "Fill in your profile, say when you are free, request meetings with the people "
                "you want to meet and accept the requests you receive. The scheduler places "
                "accepted meetings at tables; your agenda appears on your page and in your "
                "calendar."
            ),
            kind=Event.Kind.NETWORKING,
            status=Event.Status.PUBLISHED,
            starts_at=day,
            ends_at=_at(day, 17, 30),
            format=Event.Format.IN_PERSON,
            venue="The Egg Brussels",
            address="Rue Bara 175, 1070 Brussels, Belgium",
            capacity=300,
            meeting_tables=NETWORKING_TABLES,
            meeting_cap=MEETING_CAP,
        )
        EventSession.objects.create(
            event=event,
            title="Opening plenary",
            kind=EventSession.Kind.PLENARY,
            starts_at=day,
            ends_at=_at(day, 9, 45),
            room="Main hall",
        )
        pitch = EventSession.objects.create(
            event=event,
            title="Pitches: five pilots looking for partners",
            kind=EventSession.Kind.TRACK,
            starts_at=_at(day, 13, 30),
            ends_at=_at(day, 14, 30),
            room="Main hall",
            capacity=120,
        )
        slots = MeetingSlot.objects.bulk_create(
            [
                MeetingSlot(
                    event=event,
                    starts_at=_at(day, 10, 0) + timedelta(minutes=30 * index),
                    ends_at=_at(day, 10, 0) + timedelta(minutes=30 * index + 25),
                )
                for index in range(NETWORKING_SLOTS // 2)
            ]
            + [
                MeetingSlot(
                    event=event,
                    starts_at=_at(day, 14, 30) + timedelta(minutes=30 * index),
                    ends_at=_at(day, 14, 30) + timedelta(minutes=30 * index + 25),
                )
                for index in range(NETWORKING_SLOTS // 2)
            ]
        )
        people = self._sample(NETWORKING_PEOPLE - (1 if self.worker else 0))
        if self.worker is not None:
            people.insert(0, self.worker)
        registrations = self._register(event, people, start=self.now - timedelta(days=20))
        organisation_of = {user.pk: organisation for user, organisation in self.people}
        known = self._known_skills()
        profiles = []
        for registration in registrations:
            organisation = organisation_of.get(registration.user_id or 0)
            offers = self.rng.choice(OFFERS)
            seeks = self.rng.choice(SEEKS)
            headline = self.rng.choice(HEADLINES) + (
                f", {organisation.legal_name}" if organisation else ""
            )
            interests = self.rng.sample(known, min(len(known), self.rng.randint(1, 3)))
            profiles.append(
                NetworkingProfile(
                    registration=registration,
                    headline=headline[:200],
                    offers=offers,
                    seeks=seeks,
                    interests=interests,
                    stakeholder_type=organisation.stakeholder_type if organisation else "",
                    search_text=search_text(f"{headline} {offers} {seeks}"),
                )
            )
        NetworkingProfile.objects.bulk_create(profiles)
        # A third go to the pitches, and so are not free for meetings at that time.
        SessionChoice.objects.bulk_create(
            [
                SessionChoice(
                    registration=registration,
                    session=pitch,
                    status=SessionChoice.Status.CONFIRMED,
                )
                for registration in registrations
                if self.rng.random() < 0.33
            ]
        )
        availability = []
        for registration in registrations:
            share = self.rng.choice([0.6, 0.8, 1.0, 1.0])
            for slot in slots:
                if self.rng.random() < share:
                    availability.append(Availability(registration=registration, slot=slot))
        Availability.objects.bulk_create(availability)
        # Popular people get more requests: weights follow a long tail.
        weights = [1.0 / (1 + index % 40) for index in range(len(registrations))]
        seeks_of = {p.registration_id: p.seeks.rstrip(".").lower() for p in profiles}
        pairs: set[frozenset[int]] = set()
        requests = []
        sent_at = self.now - timedelta(days=6)
        for sender in registrations:
            for _ in range(self.rng.choice(REQUESTS_EACH)):
                recipient = self.rng.choices(registrations, weights=weights)[0]
                pair = frozenset((sender.pk, recipient.pk))
                if recipient.pk == sender.pk or pair in pairs:
                    continue
                pairs.add(pair)
                roll = self.rng.random()
                status = (
                    MeetingRequest.Status.ACCEPTED
                    if roll < ACCEPTED_SHARE
                    else MeetingRequest.Status.DECLINED
                    if roll < ACCEPTED_SHARE + 0.05
                    else MeetingRequest.Status.PENDING
                )
                requests.append(
                    MeetingRequest(
                        event=event,
                        sender=sender,
                        recipient=recipient,
                        message=f"I would like to talk about {seeks_of[sender.pk]}.",
                        status=status,
                        answered_at=None if status == MeetingRequest.Status.PENDING else sent_at,
                    )
                )
        MeetingRequest.objects.bulk_create(requests)
        self.seeded.requests = len(requests)
        self.networking_event = event
        self._agenda(event)

    def _agenda(self, event: Event) -> None:
        """The preliminary agenda: the scheduler places the accepted requests."""
        from skillspact.events import networking

        queued = ScheduleRun.objects.create(event=event, requested_by=self.secretariat)
        run = networking.schedule_run_execute(run_id=queued.pk, time_limit=10.0)
        Event.objects.filter(pk=event.pk).update(agenda_state=Event.AgendaState.PRELIMINARY)
        self.seeded.meetings = run.placed
        self.seeded.upper_bound = run.upper_bound

    def _known_skills(self) -> list[str]:
        from skillspact.taxonomy import selectors as taxonomy_selectors

        return sorted(taxonomy_selectors.skills_by_uri(INTEREST_SKILLS))

    def _draft(self) -> None:
        if self.contact_organisation is None:
            return
        day = _at(self.now + timedelta(days=60), 9, 0)
        self._event(
            slug="train-the-trainer-telehealth",
            title="Train-the-trainer: telehealth consultations",
            summary="Two days for nurse educators who will teach telehealth.",
            kind=Event.Kind.WORKSHOP,
            status=Event.Status.DRAFT,
            organisation=self.contact_organisation,
            starts_at=day,
            ends_at=_at(day + timedelta(days=1), 17, 0),
            format=Event.Format.IN_PERSON,
            venue="Simulation centre",
            capacity=24,
        )
