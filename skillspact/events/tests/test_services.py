"""Business rules of events and registrations: places, waitlists, approval, sessions."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.core.errors import InvalidInput, InvalidState, NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.events import services
from skillspact.events.factories import (
    EventFactory,
    EventSessionFactory,
    QuestionFactory,
    RegistrationFactory,
)
from skillspact.events.models import Event, Invitation, Registration, SessionChoice
from skillspact.organisations.factories import AffiliationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def register(event, user=None, **kwargs):
    user = user or UserFactory()
    return services.registration_create(event=event, user=user, actor=user, **kwargs)


def test_registration_is_confirmed_while_places_last_then_waitlisted(committed):
    event = EventFactory(capacity=2)
    with committed():
        first, second, third = register(event), register(event), register(event)

    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waitlisted"]
    assert third.waitlisted_at is not None
    subjects = [message.subject for message in mail.outbox]
    assert subjects.count(f"You are registered: {event.title}") == 2
    assert subjects.count(f"You are on the waitlist: {event.title}") == 1


def test_cancellation_promotes_the_first_person_waiting_who_is_told(committed):
    event = EventFactory(capacity=1)
    holder = register(event)
    first_waiting = register(event)
    second_waiting = register(event)
    mail.outbox.clear()

    with committed():
        services.registration_cancel(registration=holder, actor=holder.user)

    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == Registration.Status.CONFIRMED
    assert first_waiting.promoted_at is not None
    assert second_waiting.status == Registration.Status.WAITLISTED
    promoted_mail = [m for m in mail.outbox if m.subject == f"A place is yours: {event.title}"]
    assert [m.to for m in promoted_mail] == [[first_waiting.user.email]]
    assert AuditEntry.objects.filter(code="events.registration.promoted").count() == 1


def test_a_promoted_person_who_declines_passes_the_place_on():
    event = EventFactory(capacity=1)
    holder, waiting, next_waiting = register(event), register(event), register(event)
    services.registration_cancel(registration=holder, actor=holder.user)
    waiting.refresh_from_db()

    services.registration_decline(registration=waiting, actor=waiting.user)

    waiting.refresh_from_db()
    next_waiting.refresh_from_db()
    assert waiting.status == Registration.Status.DECLINED
    assert next_waiting.status == Registration.Status.CONFIRMED


def test_only_a_place_offered_from_the_waitlist_can_be_declined():
    event = EventFactory(capacity=3)
    registration = register(event)

    with pytest.raises(InvalidState):
        services.registration_decline(registration=registration, actor=registration.user)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_registering_twice_is_refused_and_changes_nothing():
    event = EventFactory()
    registration = register(event)

    with pytest.raises(services.AlreadyRegistered):
        register(event, registration.user)

    assert Registration.objects.filter(event=event).count() == 1


def test_a_cancelled_registration_can_register_again_at_the_back_of_the_queue():
    event = EventFactory(capacity=1)
    holder = register(event)
    services.registration_cancel(registration=holder, actor=holder.user)
    other = register(event)

    again = register(event, holder.user)

    assert again.pk == holder.pk
    assert again.status == Registration.Status.WAITLISTED
    assert other.status == Registration.Status.CONFIRMED


def test_raising_the_capacity_promotes_people_waiting(secretariat_officer):
    event = EventFactory(capacity=1)
    register(event)
    waiting = register(event)

    services.event_save(actor=secretariat_officer, event=event, data={"capacity": 2})

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_members_only_event_refuses_people_without_a_member_organisation(
    outsider, organisation_contact
):
    event = EventFactory(audience=Event.Audience.MEMBERS)

    with pytest.raises(services.RegistrationClosed, match="member organisations"):
        register(event, outsider)

    assert register(event, organisation_contact).status == Registration.Status.CONFIRMED
    assert not Registration.objects.filter(user=outsider).exists()


def test_invitation_only_event_takes_only_invited_addresses(outsider):
    event = EventFactory(audience=Event.Audience.INVITATION)
    invited = UserFactory(email="Invited@Example.org")
    Invitation.objects.create(event=event, email="invited@example.org")

    with pytest.raises(services.RegistrationClosed, match="invitation"):
        register(event, outsider)
    assert register(event, invited).status == Registration.Status.CONFIRMED


def test_registration_is_refused_after_it_closes_and_for_past_or_draft_events():
    closed = EventFactory(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))
    past = EventFactory(
        starts_at=timezone.now() - datetime.timedelta(days=2),
        ends_at=timezone.now() - datetime.timedelta(days=1),
    )
    draft = EventFactory(status=Event.Status.DRAFT)

    for event, words in [(closed, "closed"), (past, "over"), (draft, "not published")]:
        with pytest.raises(services.RegistrationClosed, match=words):
            register(event)
    assert Registration.objects.count() == 0


def test_approval_events_keep_registrations_pending_until_the_organiser_decides(
    secretariat_officer, committed
):
    event = EventFactory(requires_approval=True, capacity=1)
    first, second = register(event), register(event)
    assert first.status == second.status == Registration.Status.PENDING

    with committed():
        services.registration_approve(registration=first, actor=secretariat_officer)
        services.registration_approve(registration=second, actor=secretariat_officer)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED
    assert second.status == Registration.Status.WAITLISTED


def test_rejection_tells_the_person_with_the_reason(secretariat_officer, committed):
    event = EventFactory(requires_approval=True)
    registration = register(event)
    mail.outbox.clear()

    with committed():
        services.registration_reject(
            registration=registration, actor=secretariat_officer, reason="Clinicians only."
        )

    registration.refresh_from_db()
    assert registration.status == Registration.Status.REJECTED
    assert "Clinicians only." in mail.outbox[0].body
    with pytest.raises(services.RegistrationClosed):
        register(event, registration.user)


def test_only_organisers_approve(outsider):
    event = EventFactory(requires_approval=True)
    registration = register(event)

    with pytest.raises(NotPermitted):
        services.registration_approve(registration=registration, actor=outsider)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING


def test_a_contact_organises_the_events_of_their_organisation_only(
    organisation_contact, member_organisation
):
    data = {
        "title": "Telehealth webinar",
        "kind": Event.Kind.WEBINAR,
        "starts_at": timezone.now() + datetime.timedelta(days=5),
        "ends_at": timezone.now() + datetime.timedelta(days=5, hours=1),
        "format": Event.Format.ONLINE,
        "online_url": "https://meet.example.eu/telehealth",
    }
    event = services.event_save(
        actor=organisation_contact, organisation=member_organisation, data=data
    )
    assert event.status == Event.Status.DRAFT
    assert event.slug == "telehealth-webinar"

    other = OrganisationFactory()
    with pytest.raises(NotPermitted):
        services.event_save(actor=organisation_contact, organisation=other, data=data)
    assert Event.objects.count() == 1


def test_changing_the_time_raises_the_calendar_sequence_and_tells_participants(
    secretariat_officer, committed
):
    event = EventFactory()
    registration = register(event)
    mail.outbox.clear()

    with committed():
        services.event_save(
            actor=secretariat_officer,
            event=event,
            data={"starts_at": event.starts_at + datetime.timedelta(hours=1)},
        )

    event.refresh_from_db()
    assert event.sequence == 1
    assert [m.to for m in mail.outbox] == [[registration.user.email]]
    assert mail.outbox[0].subject == f"Changed: {event.title}"


def test_changing_only_the_summary_does_not_disturb_anyone(secretariat_officer, committed):
    event = EventFactory()
    register(event)
    mail.outbox.clear()

    with committed():
        services.event_save(actor=secretariat_officer, event=event, data={"summary": "New words."})

    event.refresh_from_db()
    assert event.sequence == 0
    assert mail.outbox == []


def test_cancelling_an_event_needs_a_reason_and_tells_everyone(secretariat_officer, committed):
    event = EventFactory(capacity=1)
    confirmed, waiting = register(event), register(event)
    mail.outbox.clear()

    with pytest.raises(InvalidInput):
        services.event_cancel(event=event, actor=secretariat_officer, reason="  ")
    with committed():
        services.event_cancel(event=event, actor=secretariat_officer, reason="Venue flooded.")

    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [confirmed.user.email, waiting.user.email]
    )
    assert "Venue flooded." in mail.outbox[0].body


def test_required_answers_and_choices_are_checked_by_field():
    event = EventFactory()
    required = QuestionFactory(event=event, label="Profession", is_required=True)
    choice = QuestionFactory(
        event=event, label="Lunch", kind="choice", choices=["Vegetarian", "Any"]
    )

    with pytest.raises(InvalidInput) as error:
        register(event, answers={f"question_{choice.pk}": "Fish"})

    assert set(error.value.fields) == {f"question_{required.pk}", f"question_{choice.pk}"}
    assert Registration.objects.count() == 0
    registration = register(
        event,
        answers={f"question_{required.pk}": "Nurse", f"question_{choice.pk}": "Vegetarian"},
    )
    assert registration.answers == {"Profession": "Nurse", "Lunch": "Vegetarian"}


def test_a_full_session_waitlists_and_a_leaver_promotes_the_first_waiting():
    event = EventFactory()
    group = EventSessionFactory(event=event, capacity=1)
    first = register(event, sessions=[group])
    second = register(event, sessions=[group])
    assert SessionChoice.objects.get(registration=first).status == "confirmed"
    assert SessionChoice.objects.get(registration=second).status == "waitlisted"

    services.session_leave(registration=first, session=group, actor=first.user)

    assert SessionChoice.objects.get(registration=second).status == "confirmed"


def test_cancelling_the_event_registration_frees_its_session_place():
    event = EventFactory()
    group = EventSessionFactory(event=event, capacity=1)
    first = register(event, sessions=[group])
    second = register(event, sessions=[group])

    services.registration_cancel(registration=first, actor=first.user)

    assert not SessionChoice.objects.filter(registration=first).exists()
    assert SessionChoice.objects.get(registration=second).status == "confirmed"


def test_overlapping_sessions_cannot_both_be_chosen():
    event = EventFactory()
    morning = EventSessionFactory(event=event, title="Green procurement")
    clash = EventSessionFactory(
        event=event, title="AI in radiology", starts_at=morning.starts_at, ends_at=morning.ends_at
    )

    with pytest.raises(services.SessionClash, match="same time"):
        register(event, sessions=[morning, clash])

    assert Registration.objects.count() == 0


def test_sessions_chosen_on_the_waitlist_are_taken_up_on_promotion():
    event = EventFactory(capacity=1)
    group = EventSessionFactory(event=event, capacity=5)
    holder = register(event)
    waiting = register(event, sessions=[group])
    assert SessionChoice.objects.get(registration=waiting).status == "waitlisted"

    services.registration_cancel(registration=holder, actor=holder.user)

    assert SessionChoice.objects.get(registration=waiting).status == "confirmed"


def test_the_organiser_moves_people_between_groups_but_not_into_a_full_one(secretariat_officer):
    event = EventFactory()
    group_a = EventSessionFactory(event=event, title="Group A", capacity=1)
    group_b = EventSessionFactory(
        event=event,
        title="Group B",
        capacity=1,
        starts_at=group_a.starts_at,
        ends_at=group_a.ends_at,
    )
    anna = register(event, sessions=[group_a])
    ben = register(event, sessions=[group_b])

    with pytest.raises(services.SessionFull):
        services.session_move(
            registration=anna, to_session=group_b, from_session=group_a, actor=secretariat_officer
        )
    assert SessionChoice.objects.get(registration=anna).session == group_a

    services.session_leave(registration=ben, session=group_b, actor=ben.user)
    services.session_move(
        registration=anna, to_session=group_b, from_session=group_a, actor=secretariat_officer
    )
    choice = SessionChoice.objects.get(registration=anna)
    assert (choice.session, choice.status, choice.is_assigned) == (group_b, "confirmed", True)


def test_a_session_must_lie_within_its_event(secretariat_officer):
    event = EventFactory()

    with pytest.raises(InvalidInput, match="during the event"):
        services.session_save(
            actor=secretariat_officer,
            event=event,
            data={
                "title": "Evening reception",
                "kind": "plenary",
                "starts_at": event.ends_at,
                "ends_at": event.ends_at + datetime.timedelta(hours=1),
            },
        )
    assert event.sessions.count() == 0


def test_invitations_are_checked_deduplicated_and_counted(secretariat_officer):
    event = EventFactory(audience=Event.Audience.INVITATION)

    with pytest.raises(InvalidInput, match="not-an-address"):
        services.invitations_add(
            actor=secretariat_officer, event=event, text="a@example.org, not-an-address"
        )
    assert Invitation.objects.count() == 0

    new = services.invitations_add(
        actor=secretariat_officer, event=event, text="a@example.org\nA@example.org; b@example.org"
    )
    assert new == ["a@example.org", "b@example.org"]
    assert (
        services.invitations_add(actor=secretariat_officer, event=event, text="b@example.org") == []
    )


def test_someone_else_cannot_cancel_my_registration(outsider):
    event = EventFactory()
    registration = register(event)

    with pytest.raises(NotPermitted):
        services.registration_cancel(registration=registration, actor=outsider)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_a_contact_of_the_organising_organisation_manages_its_registrations():
    organisation = OrganisationFactory()
    contact = UserFactory()
    AffiliationFactory(organisation=organisation, user=contact, role="contact")
    event = EventFactory(organisation=organisation, requires_approval=True)
    registration = register(event)

    services.registration_approve(registration=registration, actor=contact)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_a_registration_can_no_longer_be_cancelled_after_the_event():
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=2),
        ends_at=timezone.now() - datetime.timedelta(days=1),
    )

    with pytest.raises(InvalidState, match="over"):
        services.registration_cancel(registration=registration, actor=registration.user)
