"""Services of one-to-one meetings: profiles, availability, slots, requests, booking, the
scheduler runs, agendas and ratings."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core import mail
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.core.errors import InvalidInput, NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.events import networking, networking_selectors
from skillspact.events.factories import (
    EventFactory,
    EventSessionFactory,
    MeetingRequestFactory,
    NetworkingProfileFactory,
    RegistrationFactory,
)
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
from skillspact.organisations.factories import AffiliationFactory, OrganisationFactory
from skillspact.taxonomy.tests import esco_files
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401

pytestmark = pytest.mark.django_db


# -- building blocks (the view and suggestion tests use them too) ------------------------------


def networking_event(*, tables: int = 10, cap: int = 8, **kwargs: object) -> Event:
    """A published networking event in a month, 9:00 to 17:00."""
    return EventFactory(
        kind=Event.Kind.NETWORKING, meeting_tables=tables, meeting_cap=cap, **kwargs
    )


def make_slots(event: Event, count: int, *, minutes: int = 20) -> list[MeetingSlot]:
    """`count` back-to-back slots from the event's start."""
    return [
        MeetingSlot.objects.create(
            event=event,
            starts_at=event.starts_at + datetime.timedelta(minutes=minutes * i),
            ends_at=event.starts_at + datetime.timedelta(minutes=minutes * (i + 1)),
        )
        for i in range(count)
    ]


def participant(
    event: Event,
    *,
    name: str = "",
    available: list[MeetingSlot] | tuple[MeetingSlot, ...] = (),
    profile: dict[str, object] | None = None,
    status: str = Registration.Status.CONFIRMED,
) -> Registration:
    """A registration of a new person, available in `available`, with an optional profile."""
    user = UserFactory(full_name=name) if name else UserFactory()
    registration = RegistrationFactory(event=event, user=user, status=status)
    Availability.objects.bulk_create(
        [Availability(registration=registration, slot=slot) for slot in available]
    )
    if profile is not None:
        NetworkingProfileFactory(registration=registration, **profile)
    return registration


def accepted(a: Registration, b: Registration) -> MeetingRequest:
    return MeetingRequestFactory(event=a.event, sender=a, recipient=b)


def book(request: MeetingRequest, slot: MeetingSlot) -> Meeting:
    return networking.meeting_book(request=request, slot=slot, actor=request.sender.user)


# -- profiles ----------------------------------------------------------------------------------


def test_a_participant_saves_a_profile_that_search_reads():
    event = networking_event()
    anna = participant(event, name="Anna Åström")

    profile = networking.profile_save(
        registration=anna,
        actor=anna.user,
        headline="  Nurse educator, Karolinska ",
        offers="Simulation training",
        seeks="Telehealth partners",
        interests=[],
        stakeholder_type="healthcare_provider",
        is_visible=True,
    )

    assert profile.headline == "Nurse educator, Karolinska"
    assert profile.search_text == (
        "anna astrom nurse educator, karolinska simulation training telehealth partners "
        "healthcare provider"
    )
    assert AuditEntry.objects.filter(code="events.networking.profile_created").count() == 1


def test_profile_interests_are_esco_skills_with_their_labels_searchable(esco_v1):  # noqa: F811
    event = networking_event()
    anna = participant(event, name="Anna")

    profile = networking.profile_save(
        registration=anna,
        actor=anna.user,
        headline="",
        offers="",
        seeks="",
        interests=[esco_files.S_INFORMATICS, esco_files.S_INFORMATICS, esco_files.S_DATA],
        stakeholder_type="",
        is_visible=True,
    )

    assert profile.interests == [esco_files.S_INFORMATICS, esco_files.S_DATA]
    assert profile.search_text == "anna health informatics data protection"


def test_an_unknown_interest_is_refused_and_nothing_saved(esco_v1):  # noqa: F811
    event = networking_event()
    anna = participant(event)

    with pytest.raises(InvalidInput) as error:
        networking.profile_save(
            registration=anna,
            actor=anna.user,
            headline="x",
            offers="",
            seeks="",
            interests=["http://data.europa.eu/esco/skill/not-a-skill"],
            stakeholder_type="",
            is_visible=True,
        )

    assert "interests" in error.value.fields
    assert not NetworkingProfile.objects.exists()


def test_nobody_saves_someone_elses_profile():
    event = networking_event()
    anna, ben = participant(event), participant(event)

    with pytest.raises(networking.NotParticipant):
        networking.profile_save(
            registration=anna,
            actor=ben.user,
            headline="Not me",
            offers="",
            seeks="",
            interests=[],
            stakeholder_type="",
            is_visible=True,
        )

    assert not NetworkingProfile.objects.exists()


def test_a_person_awaiting_approval_has_no_networking_profile():
    event = networking_event()
    waiting = participant(event, status=Registration.Status.PENDING)

    with pytest.raises(networking.NotParticipant):
        networking.profile_save(
            registration=waiting,
            actor=waiting.user,
            headline="",
            offers="",
            seeks="",
            interests=[],
            stakeholder_type="",
            is_visible=True,
        )


def test_a_workshop_has_no_networking_profiles():
    registration = RegistrationFactory()

    with pytest.raises(networking.NotNetworking):
        networking.profile_save(
            registration=registration,
            actor=registration.user,
            headline="",
            offers="",
            seeks="",
            interests=[],
            stakeholder_type="",
            is_visible=True,
        )


def test_a_new_profile_starts_from_the_persons_organisation():
    event = networking_event()
    anna = participant(event)
    organisation = OrganisationFactory(
        legal_name="Hospital del Norte", acronym="HDN", stakeholder_type="healthcare_provider"
    )
    AffiliationFactory(organisation=organisation, user=anna.user)

    initial = networking_selectors.profile_initial(registration=anna)

    assert initial == {
        "headline": "Hospital del Norte (HDN)",
        "stakeholder_type": "healthcare_provider",
        "is_visible": True,
    }


# -- requests ----------------------------------------------------------------------------------


def test_a_request_is_sent_and_the_recipient_told(committed):
    event = networking_event()
    anna, ben = participant(event, name="Anna"), participant(event, name="Ben")

    with committed():
        request = networking.request_send(
            sender=anna, recipient=ben, actor=anna.user, message="Simulation?"
        )

    assert request.status == MeetingRequest.Status.PENDING
    assert request.message == "Simulation?"
    assert [m.to for m in mail.outbox] == [[ben.user.email]]
    assert mail.outbox[0].subject == f"Anna would like to meet you at {event.title}"
    assert "Simulation?" in mail.outbox[0].body


def test_nobody_asks_themself_for_a_meeting():
    event = networking_event()
    anna = participant(event)

    with pytest.raises(networking.RequestToSelf):
        networking.request_send(sender=anna, recipient=anna, actor=anna.user)

    assert not MeetingRequest.objects.exists()


@pytest.mark.parametrize("direction", ["same", "reverse"])
def test_one_open_request_per_pair_in_either_direction(direction):
    event = networking_event()
    anna, ben = participant(event), participant(event)
    networking.request_send(sender=anna, recipient=ben, actor=anna.user)

    sender, recipient = (anna, ben) if direction == "same" else (ben, anna)
    with pytest.raises(networking.RequestExists):
        networking.request_send(sender=sender, recipient=recipient, actor=sender.user)

    assert MeetingRequest.objects.count() == 1


def test_a_new_request_may_follow_a_cancelled_one():
    event = networking_event()
    anna, ben = participant(event), participant(event)
    first = networking.request_send(sender=anna, recipient=ben, actor=anna.user)
    networking.request_cancel(request=first, actor=anna.user)

    second = networking.request_send(sender=anna, recipient=ben, actor=anna.user)

    assert second.status == MeetingRequest.Status.PENDING
    assert MeetingRequest.objects.count() == 2


def test_pending_requests_sent_are_capped_with_a_clear_error(monkeypatch):
    monkeypatch.setattr(networking, "PENDING_REQUESTS_MAX", 2)
    event = networking_event()
    anna = participant(event)
    others = [participant(event) for _ in range(3)]
    for other in others[:2]:
        networking.request_send(sender=anna, recipient=other, actor=anna.user)

    with pytest.raises(networking.TooManyPendingRequests) as error:
        networking.request_send(sender=anna, recipient=others[2], actor=anna.user)

    assert error.value.code == "too_many_pending_requests"
    assert "2 requests waiting for an answer" in error.value.message
    assert MeetingRequest.objects.filter(sender=anna).count() == 2


def test_a_hidden_participant_cannot_be_asked():
    event = networking_event()
    anna = participant(event)
    hidden = participant(event, profile={"is_visible": False})

    with pytest.raises(networking.RecipientHidden):
        networking.request_send(sender=anna, recipient=hidden, actor=anna.user)

    assert not MeetingRequest.objects.exists()


def test_a_person_awaiting_approval_cannot_be_asked():
    event = networking_event()
    anna = participant(event)
    waiting = participant(event, status=Registration.Status.PENDING)

    with pytest.raises(networking.NotParticipant):
        networking.request_send(sender=anna, recipient=waiting, actor=anna.user)

    assert not MeetingRequest.objects.exists()


def test_the_recipient_accepts_and_the_sender_is_told(committed):
    event = networking_event()
    anna, ben = participant(event, name="Anna"), participant(event, name="Ben")
    request = networking.request_send(sender=anna, recipient=ben, actor=anna.user)
    mail.outbox.clear()

    with committed():
        networking.request_accept(request=request, actor=ben.user)

    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.ACCEPTED
    assert request.answered_at is not None
    assert [m.to for m in mail.outbox] == [[anna.user.email]]
    assert mail.outbox[0].subject == "Ben accepted your meeting request"


def test_the_recipient_declines_and_the_sender_is_told(committed):
    event = networking_event()
    anna, ben = participant(event, name="Anna"), participant(event, name="Ben")
    request = networking.request_send(sender=anna, recipient=ben, actor=anna.user)

    with committed():
        networking.request_decline(request=request, actor=ben.user)

    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.DECLINED
    assert mail.outbox[-1].subject == "Ben declined your meeting request"


def test_the_sender_cannot_accept_their_own_request():
    event = networking_event()
    anna, ben = participant(event), participant(event)
    request = networking.request_send(sender=anna, recipient=ben, actor=anna.user)

    with pytest.raises(networking.NotParticipant):
        networking.request_accept(request=request, actor=anna.user)

    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.PENDING


def test_an_answered_request_cannot_be_answered_again():
    event = networking_event()
    anna, ben = participant(event), participant(event)
    request = networking.request_send(sender=anna, recipient=ben, actor=anna.user)
    networking.request_decline(request=request, actor=ben.user)

    with pytest.raises(networking.RequestNotOpen):
        networking.request_accept(request=request, actor=ben.user)

    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.DECLINED


def test_the_recipient_cannot_withdraw_a_pending_request_but_can_decline_it():
    event = networking_event()
    anna, ben = participant(event), participant(event)
    request = networking.request_send(sender=anna, recipient=ben, actor=anna.user)

    with pytest.raises(NotPermitted):
        networking.request_cancel(request=request, actor=ben.user)

    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.PENDING


def test_calling_off_an_accepted_request_frees_its_table(committed):
    event = networking_event()
    slot = make_slots(event, 1)[0]
    anna = participant(event, name="Anna", available=[slot])
    ben = participant(event, name="Ben", available=[slot])
    request = accepted(anna, ben)
    book(request, slot)
    mail.outbox.clear()

    with committed():
        networking.request_cancel(request=request, actor=ben.user)

    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.CANCELLED
    assert not Meeting.objects.exists()
    assert not MeetingSeat.objects.exists()
    assert [m.to for m in mail.outbox] == [[anna.user.email]]
    assert "The meeting is removed from your agenda." in mail.outbox[0].body


# -- availability and slots --------------------------------------------------------------------


def test_a_participant_ticks_their_slots():
    event = networking_event()
    slots = make_slots(event, 3)
    anna = participant(event, available=[slots[0]])

    kept = networking.availability_set(registration=anna, actor=anna.user, slots=slots[1:])

    assert kept == {slots[1].pk, slots[2].pk}
    assert set(Availability.objects.filter(registration=anna).values_list("slot", flat=True)) == {
        slots[1].pk,
        slots[2].pk,
    }


def test_a_slot_during_a_plenary_is_never_available():
    event = networking_event()
    slots = make_slots(event, 3)
    EventSessionFactory(
        event=event,
        kind=EventSession.Kind.PLENARY,
        starts_at=slots[1].starts_at,
        ends_at=slots[1].ends_at,
    )
    anna = participant(event)

    with pytest.raises(networking.SlotUnavailable):
        networking.availability_set(registration=anna, actor=anna.user, slots=slots)

    assert not Availability.objects.exists()


def test_a_slot_during_a_chosen_discussion_group_is_blocked_for_that_person_only():
    event = networking_event()
    slots = make_slots(event, 2)
    group = EventSessionFactory(
        event=event,
        kind=EventSession.Kind.GROUP,
        starts_at=slots[0].starts_at + datetime.timedelta(minutes=10),
        ends_at=slots[0].ends_at + datetime.timedelta(minutes=10),
    )
    anna, ben = participant(event, available=slots), participant(event, available=slots)
    SessionChoice.objects.create(
        registration=anna, session=group, status=SessionChoice.Status.CONFIRMED
    )

    available = networking_selectors.effective_availability(
        event=event, registration_ids=[anna.pk, ben.pk]
    )

    # The group overlaps both slots (10 minutes into the second one).
    assert available == {anna.pk: set(), ben.pk: {slots[0].pk, slots[1].pk}}


def test_a_slot_with_a_meeting_cannot_be_unticked():
    event = networking_event()
    slots = make_slots(event, 2)
    anna = participant(event, available=slots)
    ben = participant(event, available=slots)
    book(accepted(anna, ben), slots[0])

    with pytest.raises(networking.SlotInUse):
        networking.availability_set(registration=anna, actor=anna.user, slots=[slots[1]])

    assert Availability.objects.filter(registration=anna).count() == 2


def test_the_organiser_adds_slots_with_a_pause(secretariat_officer):
    event = networking_event()

    created = networking.slots_add(
        event=event,
        actor=secretariat_officer,
        starts_at=event.starts_at + datetime.timedelta(hours=2),
        minutes=15,
        count=3,
        gap_minutes=5,
    )

    assert [(s.starts_at - event.starts_at, s.ends_at - s.starts_at) for s in created] == [
        (datetime.timedelta(hours=2), datetime.timedelta(minutes=15)),
        (datetime.timedelta(hours=2, minutes=20), datetime.timedelta(minutes=15)),
        (datetime.timedelta(hours=2, minutes=40), datetime.timedelta(minutes=15)),
    ]


def test_slots_may_not_overlap_nor_leave_the_event(secretariat_officer):
    event = networking_event()
    make_slots(event, 1)

    with pytest.raises(networking.SlotsOverlap):
        networking.slots_add(
            event=event,
            actor=secretariat_officer,
            starts_at=event.starts_at + datetime.timedelta(minutes=10),
            minutes=20,
        )
    with pytest.raises(InvalidInput):
        networking.slots_add(
            event=event, actor=secretariat_officer, starts_at=event.ends_at, minutes=20
        )

    assert MeetingSlot.objects.count() == 1


def test_only_organisers_change_slots_and_tables(outsider):
    event = networking_event(tables=4)

    with pytest.raises(NotPermitted):
        networking.meeting_settings_save(event=event, actor=outsider, tables=10, cap=3)
    with pytest.raises(NotPermitted):
        networking.slots_add(event=event, actor=outsider, starts_at=event.starts_at, minutes=20)

    event.refresh_from_db()
    assert (event.meeting_tables, event.meeting_cap) == (4, 8)
    assert not MeetingSlot.objects.exists()


def test_tables_cannot_drop_below_a_table_in_use(secretariat_officer):
    event = networking_event(tables=3)
    slot = make_slots(event, 1)[0]
    people = [participant(event, available=[slot]) for _ in range(6)]
    for i in range(3):
        book(accepted(people[2 * i], people[2 * i + 1]), slot)

    with pytest.raises(InvalidInput) as error:
        networking.meeting_settings_save(event=event, actor=secretariat_officer, tables=2, cap=8)

    assert "tables" in error.value.fields
    event.refresh_from_db()
    assert event.meeting_tables == 3


def test_a_slot_with_meetings_cannot_be_removed(secretariat_officer):
    event = networking_event()
    slot = make_slots(event, 1)[0]
    book(accepted(participant(event, available=[slot]), participant(event, available=[slot])), slot)

    with pytest.raises(networking.SlotInUse):
        networking.slot_delete(slot=slot, actor=secretariat_officer)

    assert MeetingSlot.objects.count() == 1


# -- direct booking ----------------------------------------------------------------------------


def test_booking_takes_the_first_free_table_and_seats_both(committed):
    event = networking_event(tables=2)
    slot = make_slots(event, 1)[0]
    anna = participant(event, name="Anna", available=[slot])
    ben = participant(event, name="Ben", available=[slot])
    request = accepted(anna, ben)

    with committed():
        meeting = book(request, slot)

    assert (meeting.slot, meeting.table, meeting.source) == (slot, 1, Meeting.Source.BOOKED)
    assert set(MeetingSeat.objects.values_list("registration", "slot")) == {
        (anna.pk, slot.pk),
        (ben.pk, slot.pk),
    }
    assert [m.to for m in mail.outbox] == [[ben.user.email]]
    assert mail.outbox[0].subject == "Meeting booked with Anna"


def test_a_person_is_never_booked_twice_in_one_slot():
    event = networking_event()
    slot = make_slots(event, 1)[0]
    anna, ben, cleo = (participant(event, available=[slot]) for _ in range(3))
    book(accepted(anna, ben), slot)
    second = accepted(anna, cleo)

    with pytest.raises(networking.SlotTaken):
        book(second, slot)

    assert Meeting.objects.count() == 1


def test_the_last_table_goes_once():
    event = networking_event(tables=1)
    slot = make_slots(event, 1)[0]
    people = [participant(event, available=[slot]) for _ in range(4)]
    book(accepted(people[0], people[1]), slot)

    with pytest.raises(networking.SlotTaken) as error:
        book(accepted(people[2], people[3]), slot)

    assert error.value.code == "slot_taken"
    assert Meeting.objects.count() == 1


def test_both_must_be_available_in_the_slot():
    event = networking_event()
    slots = make_slots(event, 2)
    anna = participant(event, available=slots)
    ben = participant(event, available=[slots[1]])

    with pytest.raises(networking.SlotUnavailable) as error:
        book(accepted(anna, ben), slots[0])

    assert error.value.message == "The other participant is not available in this slot."
    assert not Meeting.objects.exists()


def test_a_plenary_blocks_booking_even_when_the_slot_was_ticked():
    event = networking_event()
    slot = make_slots(event, 1)[0]
    anna, ben = participant(event, available=[slot]), participant(event, available=[slot])
    EventSessionFactory(
        event=event, kind=EventSession.Kind.PLENARY, starts_at=slot.starts_at, ends_at=slot.ends_at
    )

    with pytest.raises(networking.SlotUnavailable):
        book(accepted(anna, ben), slot)

    assert not Meeting.objects.exists()


def test_the_cap_of_meetings_per_person_holds_when_booking():
    event = networking_event(cap=1)
    slots = make_slots(event, 2)
    anna, ben, cleo = (participant(event, available=slots) for _ in range(3))
    book(accepted(anna, ben), slots[0])

    with pytest.raises(networking.MeetingCapReached) as error:
        book(accepted(anna, cleo), slots[1])

    assert error.value.message == "You have reached the limit of 1 meetings."
    assert Meeting.objects.count() == 1


def test_only_the_two_sides_book_and_only_accepted_requests():
    event = networking_event()
    slot = make_slots(event, 1)[0]
    anna, ben = participant(event, available=[slot]), participant(event, available=[slot])
    stranger = participant(event, available=[slot])
    request = accepted(anna, ben)
    pending = MeetingRequestFactory(
        event=event, sender=ben, recipient=stranger, status=MeetingRequest.Status.PENDING
    )

    with pytest.raises(networking.NotParticipant):
        networking.meeting_book(request=request, slot=slot, actor=stranger.user)
    with pytest.raises(networking.InvalidState):
        networking.meeting_book(request=pending, slot=slot, actor=ben.user)

    assert not Meeting.objects.exists()


def test_bookable_slots_are_those_both_can_use():
    event = networking_event(tables=1)
    slots = make_slots(event, 4)
    anna = participant(event, available=slots[:3])
    ben = participant(event, available=slots[1:])
    cleo, dan = (participant(event, available=slots) for _ in range(2))
    book(accepted(cleo, dan), slots[2])  # the only table of slot 2 is taken

    found = networking_selectors.bookable_slots(request=accepted(anna, ben))

    assert found == [slots[1]]


# -- the scheduler -----------------------------------------------------------------------------


def run_scheduler(event: Event, actor, committed) -> ScheduleRun:  # type: ignore[no-untyped-def]
    with committed():
        run = networking.schedule_run_start(event=event, actor=actor)
    run.refresh_from_db()
    return run


def test_a_run_places_accepted_requests_and_reports_the_bound(secretariat_officer, committed):
    event = networking_event(tables=1, cap=8)
    slots = make_slots(event, 2)
    anna, ben, cleo = (participant(event, available=slots) for _ in range(3))
    requests = [accepted(anna, ben), accepted(anna, cleo), accepted(ben, cleo)]

    run = run_scheduler(event, secretariat_officer, committed)

    # Three meetings among three people need three slots; there are two.
    assert (run.status, run.requests_total, run.placed, run.upper_bound, run.kept) == (
        ScheduleRun.Status.DONE,
        3,
        2,
        2,
        0,
    )
    assert Meeting.objects.filter(request__in=requests).count() == 2
    assert MeetingSeat.objects.count() == 4
    assert run.finished_at is not None


def test_a_run_never_uses_a_slot_the_person_attends_a_session_in(secretariat_officer, committed):
    event = networking_event(tables=5)
    slots = make_slots(event, 2)
    anna, ben = participant(event, available=slots), participant(event, available=slots)
    EventSessionFactory(
        event=event,
        kind=EventSession.Kind.PLENARY,
        starts_at=slots[0].starts_at,
        ends_at=slots[0].ends_at,
    )
    accepted(anna, ben)

    run_scheduler(event, secretariat_officer, committed)

    assert list(Meeting.objects.values_list("slot", flat=True)) == [slots[1].pk]


def test_a_rerun_keeps_booked_and_fixed_meetings_and_replaces_the_rest(
    secretariat_officer, committed
):
    event = networking_event(tables=2)
    slots = make_slots(event, 3)
    people = [participant(event, available=slots) for _ in range(6)]
    booked = book(accepted(people[0], people[1]), slots[2])
    fixed_request = accepted(people[2], people[3])
    fixed = Meeting.objects.create(
        request=fixed_request,
        slot=slots[1],
        table=2,
        source=Meeting.Source.SCHEDULER,
        is_fixed=True,
    )
    MeetingSeat.objects.bulk_create(
        [MeetingSeat(meeting=fixed, registration=p, slot=slots[1]) for p in people[2:4]]
    )
    accepted(people[4], people[5])
    first = run_scheduler(event, secretariat_officer, committed)
    movable = Meeting.objects.get(source=Meeting.Source.SCHEDULER, is_fixed=False)

    second = run_scheduler(event, secretariat_officer, committed)

    assert (first.placed, first.kept, second.placed, second.kept) == (3, 2, 3, 2)
    assert Meeting.objects.get(pk=booked.pk).slot == slots[2]
    assert (Meeting.objects.get(pk=fixed.pk).slot, Meeting.objects.get(pk=fixed.pk).table) == (
        slots[1],
        2,
    )
    replaced = Meeting.objects.get(source=Meeting.Source.SCHEDULER, is_fixed=False)
    assert replaced.request_id == movable.request_id
    assert replaced.pk != movable.pk
    assert MeetingSeat.objects.count() == 6


def test_a_run_executes_once(secretariat_officer, committed):
    event = networking_event()
    slots = make_slots(event, 1)
    accepted(participant(event, available=slots), participant(event, available=slots))
    run = run_scheduler(event, secretariat_officer, committed)
    meeting = Meeting.objects.get()

    again = networking.schedule_run_execute(run_id=run.pk)

    assert again.status == ScheduleRun.Status.DONE
    assert list(Meeting.objects.all()) == [meeting]


def test_a_second_run_waits_for_the_first(secretariat_officer):
    event = networking_event()
    make_slots(event, 1)
    networking.schedule_run_start(event=event, actor=secretariat_officer)

    with pytest.raises(networking.RunInProgress):
        networking.schedule_run_start(event=event, actor=secretariat_officer)

    assert ScheduleRun.objects.count() == 1


def test_a_run_needs_tables_and_slots(secretariat_officer):
    event = networking_event(tables=0)

    with pytest.raises(networking.InvalidState):
        networking.schedule_run_start(event=event, actor=secretariat_officer)

    assert not ScheduleRun.objects.exists()


def test_meetings_of_a_cancelled_participant_go_on_the_next_run(secretariat_officer, committed):
    event = networking_event()
    slots = make_slots(event, 2)
    anna, ben, cleo = (participant(event, available=slots) for _ in range(3))
    book(accepted(anna, ben), slots[0])
    accepted(anna, cleo)
    Registration.objects.filter(pk=ben.pk).update(status=Registration.Status.CANCELLED)

    run = run_scheduler(event, secretariat_officer, committed)

    assert (run.requests_total, run.placed) == (1, 1)
    assert list(Meeting.objects.values_list("request__recipient", flat=True)) == [cleo.pk]


def test_every_agenda_is_clash_free_after_a_run_of_a_random_event(secretariat_officer, committed):
    rng = random.Random(7)
    event = networking_event(tables=4, cap=3)
    slots = make_slots(event, 5)
    people = [participant(event, available=rng.sample(slots, rng.randint(1, 5))) for _ in range(16)]
    pairs = {tuple(sorted(rng.sample(range(16), 2))) for _ in range(40)}
    for a, b in pairs:
        accepted(people[a], people[b])
    book_request = MeetingRequest.objects.first()
    assert book_request is not None

    run = run_scheduler(event, secretariat_officer, committed)

    assert run.status == ScheduleRun.Status.DONE
    assert 0 < run.placed <= run.upper_bound
    for person in people:
        items = networking_selectors.agenda_of(registration=person, published_only=False)
        assert len({item.slot.pk for item in items}) == len(items)
        assert len(items) <= 3
        assert {item.slot.pk for item in items} <= {
            a.slot_id for a in Availability.objects.filter(registration=person)
        }
    per_slot_tables = list(Meeting.objects.values_list("slot", "table"))
    assert len(set(per_slot_tables)) == len(per_slot_tables)
    assert all(1 <= table <= 4 for _slot, table in per_slot_tables)


# -- agendas -----------------------------------------------------------------------------------


def test_publishing_the_final_agenda_fixes_meetings_and_writes_to_each_participant(
    secretariat_officer, committed
):
    event = networking_event()
    slots = make_slots(event, 2)
    anna = participant(event, name="Anna", available=slots, profile={"headline": "Nurse"})
    ben = participant(event, name="Ben", available=slots, profile={"headline": "Engineer"})
    cleo = participant(event, name="Cleo", available=[])
    accepted(anna, ben)
    accepted(anna, cleo)
    run_scheduler(event, secretariat_officer, committed)
    mail.outbox.clear()

    with committed():
        count = networking.agenda_publish(event=event, actor=secretariat_officer, final=True)

    event.refresh_from_db()
    assert event.agenda_state == Event.AgendaState.FINAL
    assert count == 3
    assert list(Meeting.objects.values_list("is_fixed", flat=True)) == [True]
    bodies = {m.to[0]: m for m in mail.outbox}
    assert set(bodies) == {anna.user.email, ben.user.email, cleo.user.email}
    assert bodies[anna.user.email].subject == f"Your final meeting agenda: {event.title}"
    assert "Ben (Engineer)" in bodies[anna.user.email].body
    assert "1 accepted request has no slot yet." in bodies[anna.user.email].body
    assert "No meeting could be placed for you yet." in bodies[cleo.user.email].body


def test_a_final_agenda_cannot_be_published_again_nor_rescheduled(secretariat_officer):
    event = networking_event(agenda_state=Event.AgendaState.FINAL)
    make_slots(event, 1)

    with pytest.raises(networking.AgendaIsFinal):
        networking.agenda_publish(event=event, actor=secretariat_officer, final=False)
    with pytest.raises(networking.AgendaIsFinal):
        networking.schedule_run_start(event=event, actor=secretariat_officer)

    event.refresh_from_db()
    assert event.agenda_state == Event.AgendaState.FINAL


def test_scheduled_meetings_show_in_the_agenda_once_published(secretariat_officer, committed):
    event = networking_event()
    slots = make_slots(event, 1)
    anna, ben = participant(event, available=slots), participant(event, available=slots)
    accepted(anna, ben)
    run_scheduler(event, secretariat_officer, committed)

    before = networking_selectors.agenda_of(registration=anna)
    networking.agenda_publish(event=event, actor=secretariat_officer, final=False)
    anna.event.refresh_from_db()
    after = networking_selectors.agenda_of(registration=anna)

    assert before == []
    assert [(item.other, item.table) for item in after] == [(ben, 1)]


# -- ratings -----------------------------------------------------------------------------------


def past_meeting() -> tuple[Meeting, Registration, Registration]:
    event = networking_event()
    slot = make_slots(event, 1)[0]
    anna, ben = participant(event, available=[slot]), participant(event, available=[slot])
    request = accepted(anna, ben)
    meeting = book(request, slot)
    earlier = timezone.now() - datetime.timedelta(days=1)
    MeetingSlot.objects.filter(pk=slot.pk).update(
        starts_at=earlier, ends_at=earlier + datetime.timedelta(minutes=20)
    )
    meeting.refresh_from_db()
    return meeting, anna, ben


def test_each_side_rates_the_outcome_once_and_may_change_it():
    meeting, anna, ben = past_meeting()

    networking.meeting_rate(meeting=meeting, actor=anna.user, outcome="follow_up")
    networking.meeting_rate(meeting=meeting, actor=anna.user, outcome="partnership", note="Yes!")
    networking.meeting_rate(meeting=meeting, actor=ben.user, outcome="follow_up")

    assert set(MeetingRating.objects.values_list("registration", "outcome", "note")) == {
        (anna.pk, "partnership", "Yes!"),
        (ben.pk, "follow_up", ""),
    }
    counts = networking_selectors.rating_counts(event=meeting.slot.event)
    assert [(value, count) for value, _label, count in counts] == [
        ("none", 0),
        ("follow_up", 1),
        ("project", 0),
        ("partnership", 1),
        ("no_show", 0),
    ]


def test_a_meeting_is_rated_only_by_its_people_and_only_afterwards():
    event = networking_event()
    slot = make_slots(event, 1)[0]
    anna, ben = participant(event, available=[slot]), participant(event, available=[slot])
    future = book(accepted(anna, ben), slot)
    meeting, _anna, _ben = past_meeting()

    with pytest.raises(networking.TooEarlyToRate):
        networking.meeting_rate(meeting=future, actor=anna.user, outcome="follow_up")
    with pytest.raises(NotPermitted):
        networking.meeting_rate(meeting=meeting, actor=anna.user, outcome="follow_up")

    assert not MeetingRating.objects.exists()
