"""Reads for one-to-one meetings at networking events. The `*_access` functions are the access
check: confirmed participants of the event (and, for reading, its organisers) get in; everyone
else gets a 404, as if the pages did not exist."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from skillspact.core.text import search_text
from skillspact.events import selectors as event_selectors
from skillspact.events.models import (
    Availability,
    Event,
    EventSession,
    Meeting,
    MeetingRating,
    MeetingRequest,
    MeetingSeat,
    MeetingSlot,
    NetworkingProfile,
    Registration,
    ScheduleRun,
    SessionChoice,
)
from skillspact.organisations import selectors as organisation_selectors
from skillspact.organisations.models import StakeholderType
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import ConceptType

OPEN_REQUEST_STATUSES = (MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED)


# -- access ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkingAccess:
    """Who looks at a networking event: their confirmed registration, and whether they organise."""

    event: Event
    registration: Registration | None
    can_manage: bool

    @property
    def is_participant(self) -> bool:
        return self.registration is not None


def confirmed_registration(*, user: Any, event: Event) -> Registration | None:
    """The person's confirmed registration for the event, or None."""
    if not (user and user.is_authenticated):
        return None
    return (
        Registration.objects.select_related("user")
        .filter(event=event, user=user, status=Registration.Status.CONFIRMED)
        .first()
    )


def networking_access(*, user: Any, slug: str) -> NetworkingAccess:
    """A networking event for its confirmed participants and its organisers; 404 otherwise."""
    event = event_selectors.event_get_for_view(user=user, slug=slug)
    if not event.is_networking:
        raise Http404
    registration = confirmed_registration(user=user, event=event)
    manage = event_selectors.can_manage(user=user, event=event)
    if registration is None and not manage:
        raise Http404
    if registration is not None:
        registration.event = event
    return NetworkingAccess(event=event, registration=registration, can_manage=manage)


def participant_access(*, user: Any, slug: str) -> NetworkingAccess:
    """Like `networking_access`, for pages only participants use (their profile, agenda...)."""
    access = networking_access(user=user, slug=slug)
    if access.registration is None:
        raise Http404
    return access


def organiser_event(*, user: Any, slug: str) -> Event:
    """A networking event for its organisers; 404 for everyone else."""
    event = event_selectors.event_get_for_manage(user=user, slug=slug)
    if not event.is_networking:
        raise Http404
    return event


def is_networking_participant(*, registration: Registration | None) -> bool:
    """Whether the registration opens the networking pages (the event panel asks)."""
    return bool(
        registration is not None
        and registration.status == Registration.Status.CONFIRMED
        and registration.event.is_networking
    )


# -- slots and availability --------------------------------------------------------------------


def slots_of(*, event: Event) -> QuerySet[MeetingSlot]:
    """The event's meeting slots in time order, with how many meetings each holds."""
    return (
        MeetingSlot.objects.filter(event=event)
        .annotate(meeting_count=Count("meetings", distinct=True))
        .order_by("starts_at", "id")
    )


def slot_get(*, event: Event, public_id: Any) -> MeetingSlot:
    """A slot of the event; 404 when it belongs to another event."""
    slot = (
        MeetingSlot.objects.select_related("event").filter(event=event, public_id=public_id).first()
    )
    if slot is None:
        raise Http404
    return slot


def blocked_slot_ids(*, event: Event, registration_ids: Iterable[int]) -> dict[int, set[int]]:
    """Registration id → the ids of the event's slots that overlap a session the person attends
    (a confirmed choice, or any plenary): they are never offered nor used for meetings."""
    ids = list(registration_ids)
    slots = list(MeetingSlot.objects.filter(event=event).values_list("pk", "starts_at", "ends_at"))
    plenaries = list(
        EventSession.objects.filter(event=event, kind=EventSession.Kind.PLENARY).values_list(
            "starts_at", "ends_at"
        )
    )
    common = {pk for pk, start, end in slots if any(s < end and start < e for s, e in plenaries)}
    blocked = {rid: set(common) for rid in ids}
    chosen = SessionChoice.objects.filter(
        registration_id__in=ids, status=SessionChoice.Status.CONFIRMED
    ).values_list("registration_id", "session__starts_at", "session__ends_at")
    for rid, s, e in chosen:
        blocked[rid].update(pk for pk, start, end in slots if s < end and start < e)
    return blocked


def effective_availability(*, event: Event, registration_ids: Iterable[int]) -> dict[int, set[int]]:
    """Registration id → the slot ids the person ticked and no session of theirs blocks."""
    ids = list(registration_ids)
    blocked = blocked_slot_ids(event=event, registration_ids=ids)
    available: dict[int, set[int]] = {rid: set() for rid in ids}
    for rid, slot_id in Availability.objects.filter(
        registration_id__in=ids, slot__event=event
    ).values_list("registration_id", "slot_id"):
        if slot_id not in blocked[rid]:
            available[rid].add(slot_id)
    return available


@dataclass(frozen=True)
class SlotChoice:
    """A slot as the availability form shows it to one participant."""

    slot: MeetingSlot
    is_available: bool
    blocked_by: str  # the session that makes the slot impossible, or ""
    meeting_with: str  # whom the person meets then, or ""


def availability_choices(*, registration: Registration) -> list[SlotChoice]:
    """Every slot of the event, ticked or not, with what blocks it and the meeting in it."""
    event = registration.event
    slots = list(MeetingSlot.objects.filter(event=event).order_by("starts_at", "id"))
    ticked = set(
        Availability.objects.filter(registration=registration).values_list("slot_id", flat=True)
    )
    sessions = [
        (s.title, s.starts_at, s.ends_at)
        for s in EventSession.objects.filter(
            Q(kind=EventSession.Kind.PLENARY)
            | Q(choices__registration=registration, choices__status=SessionChoice.Status.CONFIRMED),
            event=event,
        ).distinct()
    ]
    meetings = {
        item.slot.pk: item.other_name
        for item in agenda_of(registration=registration, published_only=False)
    }
    choices = []
    for slot in slots:
        blocker = next(
            (title for title, s, e in sessions if s < slot.ends_at and slot.starts_at < e), ""
        )
        choices.append(
            SlotChoice(
                slot=slot,
                is_available=slot.pk in ticked and not blocker,
                blocked_by=blocker,
                meeting_with=meetings.get(slot.pk, ""),
            )
        )
    return choices


# -- profiles ----------------------------------------------------------------------------------


def profile_of(*, registration: Registration) -> NetworkingProfile | None:
    """The participant's networking profile, or None before they fill it in."""
    return NetworkingProfile.objects.filter(registration=registration).first()


def profile_initial(*, registration: Registration) -> dict[str, Any]:
    """What a new profile form starts with: the headline and stakeholder type of the person's
    organisation."""
    user = registration.user
    affiliation = organisation_selectors.affiliations_of(user=user).first() if user else None
    if affiliation is None:
        return {"headline": "", "stakeholder_type": "", "is_visible": True}
    organisation = affiliation.organisation
    return {
        "headline": organisation.display_name,
        "stakeholder_type": organisation.stakeholder_type,
        "is_visible": True,
    }


def interests_describe(uris: Iterable[str]) -> dict[str, taxonomy_selectors.ConceptBrief]:
    """Labels of ESCO skill URIs, for profiles and filters."""
    return taxonomy_selectors.concepts_describe(list(uris), concept_type=ConceptType.SKILL)


def event_interests(*, event: Event) -> list[taxonomy_selectors.ConceptBrief]:
    """The ESCO skills that visible participants of the event named, by label (for filters)."""
    uris: set[str] = set()
    for interests in NetworkingProfile.objects.filter(
        registration__event=event,
        registration__status=Registration.Status.CONFIRMED,
        is_visible=True,
    ).values_list("interests", flat=True):
        uris.update(interests or [])
    return sorted(interests_describe(uris).values(), key=lambda brief: brief.label.lower())


def stakeholder_label(value: str) -> str:
    return str(StakeholderType(value).label) if value in StakeholderType.values else ""


@dataclass
class ParticipantFilters:
    q: str = ""
    stakeholder_type: str = ""
    interest: str = ""


def participants_search(
    *, access: NetworkingAccess, filters: ParticipantFilters | None = None
) -> QuerySet[Registration]:
    """The event's other participants who let themselves be found, by name."""
    filters = filters or ParticipantFilters()
    queryset = (
        Registration.objects.filter(
            event=access.event, status=Registration.Status.CONFIRMED, user__isnull=False
        )
        .exclude(networking_profile__is_visible=False)
        .select_related("user", "networking_profile")
    )
    if access.registration is not None:
        queryset = queryset.exclude(pk=access.registration.pk)
    for word in search_text(filters.q).split()[:8]:
        queryset = queryset.filter(
            Q(networking_profile__search_text__contains=word) | Q(user__full_name__icontains=word)
        )
    if filters.stakeholder_type:
        queryset = queryset.filter(networking_profile__stakeholder_type=filters.stakeholder_type)
    if filters.interest:
        # The URI in quotes: one list element, not a prefix of a longer URI.
        queryset = queryset.filter(networking_profile__interests__icontains=f'"{filters.interest}"')
    return queryset.order_by("user__full_name", "id")


def participant_get(*, access: NetworkingAccess, public_id: Any) -> Registration:
    """Another participant's registration and profile, if they can be found (or already have a
    request with the viewer); 404 otherwise."""
    registration = (
        Registration.objects.select_related("user", "networking_profile", "event")
        .filter(
            event=access.event,
            public_id=public_id,
            status=Registration.Status.CONFIRMED,
            user__isnull=False,
        )
        .first()
    )
    if registration is None:
        raise Http404
    profile = getattr(registration, "networking_profile", None)
    hidden = profile is not None and not profile.is_visible
    if hidden and not access.can_manage:
        mine = access.registration
        related = mine is not None and (
            mine.pk == registration.pk
            or MeetingRequest.objects.filter(
                Q(sender=mine, recipient=registration) | Q(sender=registration, recipient=mine)
            ).exists()
        )
        if not related:
            raise Http404
    return registration


def profile_of_loaded(registration: Registration) -> NetworkingProfile | None:
    """The profile loaded with select_related, without a query when there is none."""
    try:
        return registration.networking_profile
    except NetworkingProfile.DoesNotExist:
        return None


def request_between(*, one: Registration, other: Registration) -> MeetingRequest | None:
    """The open request between the two, in either direction, or the latest closed one."""
    pair = Q(sender=one, recipient=other) | Q(sender=other, recipient=one)
    found = MeetingRequest.objects.filter(pair).order_by("-created_at", "-id")
    return found.filter(status__in=OPEN_REQUEST_STATUSES).first() or found.first()


def request_partners(*, registration: Registration) -> dict[int, str]:
    """The other side's registration id → the status of the open request with them."""
    partners: dict[int, str] = {}
    for sender, recipient, status in MeetingRequest.objects.filter(
        Q(sender=registration) | Q(recipient=registration), status__in=OPEN_REQUEST_STATUSES
    ).values_list("sender_id", "recipient_id", "status"):
        partners[recipient if sender == registration.pk else sender] = status
    return partners


# -- suggestions -------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{3,}")
# Words that say nothing about a topic (and the verbs of offering and seeking themselves).
_STOP = frozenset({
    "about", "above", "after", "again", "against", "all", "also", "and", "any", "are", "around",
    "avec", "because", "been", "before", "being", "between", "both", "but", "can", "could",
    "dans", "des", "did", "does", "doing", "during", "each", "est", "etc", "few", "for", "from",
    "further", "had", "has", "have", "having", "help", "helping", "her", "here", "hers", "him",
    "his", "how", "into", "its", "itself", "just", "les", "like", "look", "looking", "more",
    "most", "need", "needs", "new", "offer", "offering", "offers", "other", "our", "ours", "out",
    "over", "own", "par", "partner", "partners", "people", "pour", "same", "seek", "seeking",
    "share", "sharing", "she", "should", "some", "such", "sur", "than", "that", "the", "their",
    "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "too",
    "under", "une", "until", "very", "want", "was", "way", "we", "were", "what", "when", "where",
    "which", "while", "who", "whom", "why", "will", "wish", "with", "work", "working", "would",
    "you", "your", "yours",
})  # fmt: skip
TEXT_WEIGHT = 1.0
INTEREST_WEIGHT = 0.6
STAKEHOLDER_BONUS = 0.1


def _stem(word: str) -> str:
    """A light English stem: plural and -ing forms meet their base word."""
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokens(text: str) -> list[tuple[str, str]]:
    """(stem, word) pairs of the meaningful words of `text`, normalised like searches."""
    return [
        (_stem(word), word) for word in _WORD.findall(search_text(text or "")) if word not in _STOP
    ]


@dataclass
class _Doc:
    offers: Counter[str]
    seeks: Counter[str]
    words: dict[str, str]  # stem → a word as the person wrote it


def _doc(profile: NetworkingProfile) -> _Doc:
    offers, seeks = tokens(profile.offers), tokens(profile.seeks)
    words: dict[str, str] = {}
    for stem, word in offers + seeks:
        words.setdefault(stem, word)
    return _Doc(
        offers=Counter(stem for stem, _w in offers),
        seeks=Counter(stem for stem, _w in seeks),
        words=words,
    )


def _weights(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    vector = {term: (1 + math.log(n)) * idf.get(term, 0.0) for term, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {term: v / norm for term, v in vector.items()} if norm else {}


def _cosine(a: dict[str, float], b: dict[str, float]) -> tuple[float, list[str]]:
    """The cosine of two unit vectors and the shared terms, the strongest first."""
    shared = sorted((-a[t] * b[t], t) for t in a.keys() & b.keys())
    return -sum(w for w, _t in shared), [t for _w, t in shared]


def _name(registration: Registration) -> str:
    return registration.user.full_name if registration.user else ""


@dataclass
class Suggestion:
    """Someone to meet, how well they fit, and why."""

    registration: Registration
    profile: NetworkingProfile
    score: float
    reasons: list[str] = field(default_factory=list)


def suggestions_for(*, registration: Registration, limit: int = 10) -> list[Suggestion]:
    """Whom the participant might meet: complementary offers and requests both ways (TF-IDF
    cosine of what one seeks against what the other offers), shared ESCO interests and a small
    bonus for another stakeholder type. Leaves out the person, anyone hidden, and anyone they
    already have a request with (open, or declined)."""
    event = registration.event
    mine = profile_of(registration=registration)
    if mine is None:
        return []
    excluded = {registration.pk}
    for sender, recipient in MeetingRequest.objects.filter(
        Q(sender=registration) | Q(recipient=registration),
        status__in=[*OPEN_REQUEST_STATUSES, MeetingRequest.Status.DECLINED],
    ).values_list("sender_id", "recipient_id"):
        excluded.update((sender, recipient))
    candidates = [
        profile
        for profile in NetworkingProfile.objects.filter(
            registration__event=event,
            registration__status=Registration.Status.CONFIRMED,
            registration__user__isnull=False,
            is_visible=True,
        ).select_related("registration__user")
        if profile.registration_id not in excluded
    ]
    docs = {p.registration_id: _doc(p) for p in candidates}
    own = _doc(mine)
    corpus = [own.offers, own.seeks] + [c for d in docs.values() for c in (d.offers, d.seeks)]
    frequency: Counter[str] = Counter()
    for counts in corpus:
        frequency.update(counts.keys())
    total = len(corpus)
    idf = {term: math.log((1 + total) / (1 + n)) + 1 for term, n in frequency.items()}
    my_seeks, my_offers = _weights(own.seeks, idf), _weights(own.offers, idf)
    my_interests = set(mine.interests or [])
    labels = interests_describe(
        my_interests & {uri for p in candidates for uri in (p.interests or [])}
    )
    found: list[Suggestion] = []
    for profile in candidates:
        doc = docs[profile.registration_id]
        they_offer, offer_terms = _cosine(my_seeks, _weights(doc.offers, idf))
        they_seek, seek_terms = _cosine(my_offers, _weights(doc.seeks, idf))
        theirs = set(profile.interests or [])
        shared = my_interests & theirs
        interest = len(shared) / math.sqrt(len(my_interests) * len(theirs)) if shared else 0.0
        if not (they_offer or they_seek or interest):
            continue
        score = TEXT_WEIGHT * (they_offer + they_seek) + INTEREST_WEIGHT * interest
        reasons = []
        if they_offer:
            reasons.append(
                _("Offers what you look for: %(words)s")
                % {"words": ", ".join(doc.words.get(t, t) for t in offer_terms[:4])}
            )
        if they_seek:
            reasons.append(
                _("Looks for what you offer: %(words)s")
                % {"words": ", ".join(own.words.get(t, t) for t in seek_terms[:4])}
            )
        if shared:
            names = sorted(labels[uri].label if uri in labels else uri for uri in shared)
            reasons.append(_("Shared interests: %(names)s") % {"names": ", ".join(names[:4])})
        if (
            mine.stakeholder_type
            and profile.stakeholder_type
            and mine.stakeholder_type != profile.stakeholder_type
        ):
            score += STAKEHOLDER_BONUS
            reasons.append(
                _("Another perspective: %(type)s")
                % {"type": stakeholder_label(profile.stakeholder_type)}
            )
        found.append(
            Suggestion(
                registration=profile.registration,
                profile=profile,
                score=round(score, 4),
                reasons=reasons,
            )
        )
    found.sort(key=lambda s: (-s.score, _name(s.registration), s.registration.pk))
    return found[:limit]


# -- requests ----------------------------------------------------------------------------------


@dataclass
class RequestLists:
    received: list[MeetingRequest]
    sent: list[MeetingRequest]
    accepted: list[MeetingRequest]
    closed: list[MeetingRequest]


def requests_of(*, registration: Registration) -> RequestLists:
    """The participant's requests: waiting for their answer, waiting for the other's answer,
    accepted (with the meeting, if any), and declined or cancelled ones."""
    items = list(
        MeetingRequest.objects.filter(Q(sender=registration) | Q(recipient=registration))
        .select_related(
            "sender__user",
            "recipient__user",
            "sender__networking_profile",
            "recipient__networking_profile",
            "meeting__slot",
        )
        .order_by("-created_at", "-id")
    )
    for item in items:
        item.is_mine = item.sender_id == registration.pk  # type: ignore[attr-defined]
        item.other = item.recipient if item.is_mine else item.sender  # type: ignore[attr-defined]
        item.scheduled = getattr(item, "meeting", None) if _has_meeting(item) else None  # type: ignore[attr-defined]
    pending = MeetingRequest.Status.PENDING
    return RequestLists(
        received=[r for r in items if r.status == pending and r.recipient_id == registration.pk],
        sent=[r for r in items if r.status == pending and r.sender_id == registration.pk],
        accepted=[r for r in items if r.status == MeetingRequest.Status.ACCEPTED],
        closed=[r for r in items if r.status not in OPEN_REQUEST_STATUSES],
    )


def _has_meeting(request: MeetingRequest) -> bool:
    try:
        return request.meeting is not None
    except Meeting.DoesNotExist:
        return False


def request_get_for_party(*, access: NetworkingAccess, public_id: Any) -> MeetingRequest:
    """A request of the event that the viewer sent or received; 404 otherwise."""
    mine = access.registration
    request = (
        MeetingRequest.objects.select_related(
            "event", "sender__user", "recipient__user", "sender__event", "recipient__event"
        )
        .filter(event=access.event, public_id=public_id)
        .filter(Q(sender=mine) | Q(recipient=mine))
        .first()
        if mine is not None
        else None
    )
    if request is None:
        raise Http404
    return request


def pending_sent_count(*, registration: Registration) -> int:
    return MeetingRequest.objects.filter(
        sender=registration, status=MeetingRequest.Status.PENDING
    ).count()


def bookable_slots(*, request: MeetingRequest) -> list[MeetingSlot]:
    """Future slots in which both sides are available and free, with a free table, while
    neither has reached the cap. Booking checks all of it again under locks."""
    event = request.event
    people = [request.sender_id, request.recipient_id]
    counts = Counter(
        MeetingSeat.objects.filter(registration_id__in=people).values_list(
            "registration_id", flat=True
        )
    )
    if any(counts[p] >= event.meeting_cap for p in people) or event.meeting_tables < 1:
        return []
    available = effective_availability(event=event, registration_ids=people)
    both = available[people[0]] & available[people[1]]
    busy = set(
        MeetingSeat.objects.filter(registration_id__in=people).values_list("slot_id", flat=True)
    )
    return list(
        MeetingSlot.objects.filter(pk__in=both - busy, starts_at__gt=timezone.now())
        .annotate(meeting_count=Count("meetings"))
        .filter(meeting_count__lt=event.meeting_tables)
        .order_by("starts_at")
    )


# -- agendas -----------------------------------------------------------------------------------


@dataclass
class AgendaItem:
    """One meeting in a person's agenda."""

    meeting: Meeting
    slot: MeetingSlot
    table: int
    other: Registration
    other_profile: NetworkingProfile | None
    rating: str = ""

    @property
    def other_name(self) -> str:
        return self.other.user.full_name if self.other.user else _("A former participant")

    @property
    def other_headline(self) -> str:
        return self.other_profile.headline if self.other_profile else ""


_SEAT_RELATED = (
    "meeting__slot",
    "meeting__request__sender__user",
    "meeting__request__recipient__user",
    "meeting__request__sender__networking_profile",
    "meeting__request__recipient__networking_profile",
)


def _item(seat: MeetingSeat, registration_id: int) -> AgendaItem:
    meeting = seat.meeting
    request = meeting.request
    other = request.recipient if request.sender_id == registration_id else request.sender
    return AgendaItem(
        meeting=meeting,
        slot=meeting.slot,
        table=meeting.table,
        other=other,
        other_profile=profile_of_loaded(other),
    )


def agenda_of(*, registration: Registration, published_only: bool = True) -> list[AgendaItem]:
    """The participant's meetings in time order; one per slot by construction (MeetingSeat).

    Meetings the scheduler placed show once the organiser published an agenda (unless
    `published_only` is false); booked ones at once.
    """
    seats = (
        MeetingSeat.objects.filter(registration=registration)
        .select_related(*_SEAT_RELATED)
        .order_by("meeting__slot__starts_at", "meeting__table")
    )
    if published_only and registration.event.agenda_state == Event.AgendaState.NONE:
        seats = seats.exclude(meeting__source=Meeting.Source.SCHEDULER)
    items = [_item(seat, registration.pk) for seat in seats]
    ratings = dict(
        MeetingRating.objects.filter(
            registration=registration, meeting__in=[i.meeting for i in items]
        ).values_list("meeting_id", "outcome")
    )
    for item in items:
        item.rating = ratings.get(item.meeting.pk, "")
    return items


def unplaced_count(*, registration: Registration) -> int:
    """Accepted requests of the participant that have no meeting yet."""
    return MeetingRequest.objects.filter(
        Q(sender=registration) | Q(recipient=registration),
        status=MeetingRequest.Status.ACCEPTED,
        meeting__isnull=True,
    ).count()


def agendas_of_event(*, event: Event) -> list[tuple[Registration, list[AgendaItem], int]]:
    """Each confirmed participant with meetings or accepted requests: their agenda and how many
    accepted requests have no slot, for the agenda e-mails."""
    seats = (
        MeetingSeat.objects.filter(slot__event=event)
        .select_related("registration__user", *_SEAT_RELATED)
        .order_by("meeting__slot__starts_at", "meeting__table")
    )
    agendas: dict[int, list[AgendaItem]] = defaultdict(list)
    people: dict[int, Registration] = {}
    for seat in seats:
        people[seat.registration_id] = seat.registration
        agendas[seat.registration_id].append(_item(seat, seat.registration_id))
    unplaced: Counter[int] = Counter()
    for sender, recipient in MeetingRequest.objects.filter(
        event=event, status=MeetingRequest.Status.ACCEPTED, meeting__isnull=True
    ).values_list("sender_id", "recipient_id"):
        unplaced.update((sender, recipient))
    missing = set(unplaced) - set(people)
    for registration in Registration.objects.filter(pk__in=missing).select_related("user"):
        people[registration.pk] = registration
    return [
        (people[pk], agendas.get(pk, []), unplaced.get(pk, 0))
        for pk in sorted(people)
        if people[pk].status == Registration.Status.CONFIRMED
    ]


def meeting_get_for_participant(*, access: NetworkingAccess, public_id: Any) -> Meeting:
    """A meeting of the event the viewer sits in; 404 otherwise."""
    meeting = (
        Meeting.objects.select_related("slot", "request")
        .filter(
            public_id=public_id, slot__event=access.event, seats__registration=access.registration
        )
        .first()
        if access.registration is not None
        else None
    )
    if meeting is None:
        raise Http404
    return meeting


# -- for the organisers ------------------------------------------------------------------------


def meetings_of_event(*, event: Event) -> QuerySet[Meeting]:
    """Every meeting of the event by time and table, with both people."""
    return (
        Meeting.objects.filter(slot__event=event)
        .select_related("slot", "request__sender__user", "request__recipient__user")
        .order_by("slot__starts_at", "table")
    )


def schedule_runs_of(*, event: Event) -> QuerySet[ScheduleRun]:
    """The event's scheduler runs, the latest first."""
    return (
        ScheduleRun.objects.filter(event=event)
        .select_related("requested_by")
        .order_by("-created_at", "-id")
    )


def schedule_run_get(*, event: Event, public_id: Any) -> ScheduleRun:
    run = ScheduleRun.objects.filter(event=event, public_id=public_id).first()
    if run is None:
        raise Http404
    return run


def networking_stats(*, event: Event) -> dict[str, int]:
    """Participants, profiles, requests by status and meetings: the organiser's overview."""
    requests = dict(
        MeetingRequest.objects.filter(event=event)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "participants": Registration.objects.filter(
            event=event, status=Registration.Status.CONFIRMED
        ).count(),
        "profiles": NetworkingProfile.objects.filter(registration__event=event).count(),
        "pending": requests.get(MeetingRequest.Status.PENDING, 0),
        "accepted": requests.get(MeetingRequest.Status.ACCEPTED, 0),
        "declined": requests.get(MeetingRequest.Status.DECLINED, 0),
        "meetings": Meeting.objects.filter(slot__event=event).count(),
        "slots": MeetingSlot.objects.filter(event=event).count(),
    }


def rating_counts(*, event: Event) -> list[tuple[str, str, int]]:
    """(outcome, label, count) for every outcome, in the order of the choices."""
    counts = dict(
        MeetingRating.objects.filter(meeting__slot__event=event)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .values_list("outcome", "n")
    )
    return [
        (value, str(label), counts.get(value, 0)) for value, label in MeetingRating.Outcome.choices
    ]
