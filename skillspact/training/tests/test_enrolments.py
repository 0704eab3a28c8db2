"""Business rules of enrolments: places and waitlists, cancellation, completion and results."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.http import Http404
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.core.errors import InvalidInput, InvalidState, NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.training import enrolments
from skillspact.training.factories import CourseFactory, EnrolmentFactory
from skillspact.training.models import AssessmentType, Course, Enrolment

pytestmark = pytest.mark.django_db


def enrol(course, user=None):
    user = user or UserFactory()
    return enrolments.enrolment_create(course=course, user=user, actor=user)


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def course(member_organisation):
    """Two places; it started a week ago and runs for three more weeks."""
    return CourseFactory(
        provider=member_organisation,
        places=2,
        title="Telehealth for nurses",
        starts_on=days(-7),
        ends_on=days(21),
    )


# -- enrolling ---------------------------------------------------------------------------------


def test_people_are_enrolled_while_places_last_then_waitlisted(course, committed):
    with committed():
        first, second, third = enrol(course), enrol(course), enrol(course)

    assert [first.status, second.status, third.status] == ["enrolled", "enrolled", "waitlisted"]
    assert first.enrolled_at is not None and first.waitlisted_at is None
    assert third.waitlisted_at is not None and third.enrolled_at is None
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [
        "You are enrolled: Telehealth for nurses",
        "You are enrolled: Telehealth for nurses",
        "You are on the waitlist: Telehealth for nurses",
    ]
    assert [message.to for message in mail.outbox if "waitlist" in message.subject] == [
        [third.user.email]
    ]
    assert AuditEntry.objects.filter(code="training.enrolment.created").count() == 3


def test_a_course_without_a_limit_takes_everyone(member_organisation):
    course = CourseFactory(provider=member_organisation, places=None)

    statuses = {enrol(course).status for _ in range(5)}

    assert statuses == {"enrolled"}
    assert enrolments.enrolment_counts(course=course)["places_left"] is None


def test_waitlist_positions_follow_the_order_of_arrival(course):
    enrol(course), enrol(course)
    waiting = [enrol(course) for _ in range(3)]

    assert [enrolments.waitlist_position(enrolment=e) for e in waiting] == [1, 2, 3]
    assert enrolments.waitlist_positions(course=course) == {
        e.pk: n for n, e in enumerate(waiting, start=1)
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": Course.Status.DRAFT}, "This course is not published yet."),
        ({"status": Course.Status.ARCHIVED}, "This course is no longer offered."),
        (
            {"starts_on": days(-30), "ends_on": days(-1), "enrolment_closes_on": None},
            "This course is over.",
        ),
        ({"enrolment_closes_on": days(-1)}, "Enrolment closed on"),
    ],
)
def test_enrolment_is_refused_when_the_course_does_not_take_people(
    member_organisation, changes, message
):
    course = CourseFactory(provider=member_organisation, **changes)
    person = UserFactory()

    with pytest.raises(enrolments.EnrolmentClosed) as raised:
        enrol(course, person)

    assert raised.value.message.startswith(message)
    assert raised.value.code == "enrolment_closed"
    assert not Enrolment.objects.filter(course=course).exists()
    assert not AuditEntry.objects.filter(code="training.enrolment.created").exists()


def test_enrolment_is_open_on_the_day_it_closes(member_organisation):
    course = CourseFactory(provider=member_organisation, enrolment_closes_on=days(0))

    assert enrol(course).status == "enrolled"


def test_a_self_paced_course_without_dates_takes_people(member_organisation):
    course = CourseFactory(
        provider=member_organisation, is_self_paced=True, starts_on=None, ends_on=None
    )

    assert enrol(course).status == "enrolled"


@pytest.mark.parametrize("waiting", [False, True])
def test_enrolling_twice_is_refused_and_changes_nothing(course, waiting):
    if waiting:
        enrol(course), enrol(course)
    enrolment = enrol(course)
    before = (enrolment.status, enrolment.enrolled_at, enrolment.waitlisted_at)

    with pytest.raises(enrolments.AlreadyEnrolled):
        enrol(course, enrolment.user)

    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.enrolled_at, enrolment.waitlisted_at) == before
    assert Enrolment.objects.filter(course=course, user=enrolment.user).count() == 1


def test_someone_who_cancelled_may_enrol_again_at_the_back_of_the_queue(course):
    holder = enrol(course)
    enrolments.enrolment_cancel(enrolment=holder, actor=holder.user)
    enrol(course), enrol(course)

    again = enrol(course, holder.user)

    assert again.pk == holder.pk
    assert again.status == "waitlisted"
    assert again.cancelled_at is None
    assert enrolments.waitlist_position(enrolment=again) == 1


def test_someone_who_completed_the_course_cannot_enrol_again(course, organisation_contact):
    enrolment = enrol(course)
    enrolments.enrolment_complete(enrolment=enrolment, actor=organisation_contact, result="passed")

    with pytest.raises(enrolments.AlreadyEnrolled) as raised:
        enrol(course, enrolment.user)

    assert raised.value.message == "You have already completed this course."
    enrolment.refresh_from_db()
    assert enrolment.status == "completed"


def test_nobody_enrols_someone_else_but_the_provider(course, outsider, organisation_contact):
    person = UserFactory()

    with pytest.raises(NotPermitted):
        enrolments.enrolment_create(course=course, user=person, actor=outsider)
    assert not Enrolment.objects.filter(course=course).exists()

    enrolment = enrolments.enrolment_create(course=course, user=person, actor=organisation_contact)
    assert enrolment.status == "enrolled"
    assert enrolment.user == person


def test_completed_learners_keep_their_place(member_organisation, organisation_contact):
    course = CourseFactory(provider=member_organisation, places=1, starts_on=days(-1))
    first = enrol(course)
    enrolments.enrolment_complete(enrolment=first, actor=organisation_contact, result="failed")

    second = enrol(course)

    assert second.status == "waitlisted"
    assert enrolments.enrolment_counts(course=course)["places_left"] == 0


# -- cancelling --------------------------------------------------------------------------------


def test_a_freed_place_goes_to_the_first_person_waiting_who_is_told(course, committed):
    holder, _other = enrol(course), enrol(course)
    first_waiting, second_waiting = enrol(course), enrol(course)
    mail.outbox.clear()

    with committed():
        cancelled = enrolments.enrolment_cancel(enrolment=holder, actor=holder.user)

    assert cancelled.status == "cancelled"
    assert cancelled.cancelled_at is not None
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == "enrolled"
    assert first_waiting.promoted_at is not None
    assert first_waiting.enrolled_at is not None
    assert second_waiting.status == "waitlisted"
    assert enrolments.waitlist_position(enrolment=second_waiting) == 1
    promoted = [m for m in mail.outbox if m.subject == f"A place is yours: {course.title}"]
    assert [m.to for m in promoted] == [[first_waiting.user.email]]
    assert [m.to for m in mail.outbox if m.subject.startswith("Enrolment cancelled")] == [
        [holder.user.email]
    ]
    assert AuditEntry.objects.filter(code="training.enrolment.promoted").count() == 1


def test_leaving_the_waitlist_promotes_nobody(course):
    enrol(course), enrol(course)
    first_waiting, second_waiting = enrol(course), enrol(course)

    enrolments.enrolment_cancel(enrolment=first_waiting, actor=first_waiting.user)

    second_waiting.refresh_from_db()
    assert second_waiting.status == "waitlisted"
    assert enrolments.waitlist_position(enrolment=second_waiting) == 1
    assert not AuditEntry.objects.filter(code="training.enrolment.promoted").exists()


def test_the_provider_may_cancel_an_enrolment_and_the_learner_is_told(
    course, organisation_contact, committed
):
    enrolment = enrol(course)
    mail.outbox.clear()

    with committed():
        enrolments.enrolment_cancel(enrolment=enrolment, actor=organisation_contact)

    assert [m.subject for m in mail.outbox] == [f"Enrolment cancelled: {course.title}"]
    assert "Hospital Universitario del Norte cancelled your enrolment" in mail.outbox[0].body


def test_a_stranger_cannot_cancel_someone_elses_enrolment(course, outsider):
    enrolment = enrol(course)

    with pytest.raises(NotPermitted):
        enrolments.enrolment_cancel(enrolment=enrolment, actor=outsider)

    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"
    assert not AuditEntry.objects.filter(code="training.enrolment.cancelled").exists()


def test_cancelling_twice_or_a_completed_course_is_refused(course, organisation_contact):
    cancelled = enrol(course)
    enrolments.enrolment_cancel(enrolment=cancelled, actor=cancelled.user)
    completed = enrol(course)
    enrolments.enrolment_complete(enrolment=completed, actor=organisation_contact, result="passed")

    with pytest.raises(InvalidState, match="already cancelled"):
        enrolments.enrolment_cancel(enrolment=cancelled, actor=cancelled.user)
    with pytest.raises(InvalidState, match="completed course cannot be cancelled"):
        enrolments.enrolment_cancel(enrolment=completed, actor=completed.user)

    completed.refresh_from_db()
    assert completed.status == "completed"


def test_an_enrolment_cannot_be_cancelled_once_the_course_is_over(member_organisation):
    course = CourseFactory(provider=member_organisation)
    enrolment = enrol(course)
    Course.objects.filter(pk=course.pk).update(starts_on=days(-20), ends_on=days(-1))

    with pytest.raises(InvalidState, match="The course is over"):
        enrolments.enrolment_cancel(enrolment=enrolment, actor=enrolment.user)

    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"


def test_nobody_is_promoted_into_an_archived_course(course):
    holder, _other = enrol(course), enrol(course)
    waiting = enrol(course)
    Course.objects.filter(pk=course.pk).update(status=Course.Status.ARCHIVED)

    enrolments.enrolment_cancel(enrolment=holder, actor=holder.user)

    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"


def test_more_places_are_filled_from_the_waitlist(course):
    enrol(course), enrol(course)
    first, second, third = enrol(course), enrol(course), enrol(course)
    Course.objects.filter(pk=course.pk).update(places=4)

    promoted = enrolments.waitlist_promote(course=course, actor=None)

    assert [e.pk for e in promoted] == [first.pk, second.pk]
    third.refresh_from_db()
    assert third.status == "waitlisted"


# -- completing --------------------------------------------------------------------------------


def test_the_provider_records_a_pass_with_a_grade_and_the_learner_is_told(
    course, organisation_contact, committed
):
    enrolment = enrol(course)
    mail.outbox.clear()

    with committed():
        completed = enrolments.enrolment_complete(
            enrolment=enrolment, actor=organisation_contact, result="passed", grade=" 18/20 "
        )

    completed.refresh_from_db()
    assert completed.status == "completed"
    assert completed.result == "passed"
    assert completed.grade == "18/20"
    assert completed.recorded_by == organisation_contact
    assert timezone.now() - completed.completed_at < datetime.timedelta(minutes=1)
    assert enrolments.is_successful(completed)
    entry = AuditEntry.objects.get(code="training.enrolment.completed")
    assert entry.after["result"] == "passed"
    assert entry.organisation == course.provider
    assert [m.subject for m in mail.outbox] == [f"Your result: {course.title}"]
    assert mail.outbox[0].to == [enrolment.user.email]
    assert "Passed" in mail.outbox[0].body


def test_a_failed_result_is_recorded_but_is_not_a_successful_completion(
    course, organisation_contact
):
    enrolment = enrol(course)

    completed = enrolments.enrolment_complete(
        enrolment=enrolment, actor=organisation_contact, result="failed", grade="8/20"
    )

    assert (completed.status, completed.result) == ("completed", "failed")
    assert not enrolments.is_successful(completed)
    counts = enrolments.enrolment_counts(course=course)
    assert (counts["completed"], counts["successful"]) == (1, 0)


@pytest.mark.parametrize(
    ("assessment", "successful"), [(AssessmentType.NONE, True), (AssessmentType.ONLINE_TEST, False)]
)
def test_attendance_completes_successfully_only_a_course_without_assessment(
    member_organisation, organisation_contact, assessment, successful
):
    course = CourseFactory(
        provider=member_organisation, assessment_type=assessment, starts_on=days(-1)
    )
    enrolment = enrol(course)

    completed = enrolments.enrolment_complete(
        enrolment=enrolment, actor=organisation_contact, result="attended"
    )

    assert completed.result == "attended"
    assert enrolments.is_successful(completed) is successful


def test_the_secretariat_may_record_a_completion(course, secretariat_officer):
    enrolment = enrol(course)

    completed = enrolments.enrolment_complete(
        enrolment=enrolment, actor=secretariat_officer, result="passed"
    )

    assert completed.status == "completed"


@pytest.mark.parametrize("who", ["outsider", "learner", "other_provider"])
def test_only_the_provider_records_a_completion(course, outsider, who):
    enrolment = enrol(course)
    actor = {
        "outsider": outsider,
        "learner": enrolment.user,
        "other_provider": _contact_of_another_provider(),
    }[who]

    with pytest.raises(NotPermitted):
        enrolments.enrolment_complete(enrolment=enrolment, actor=actor, result="passed")

    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.result) == ("enrolled", "")
    assert not AuditEntry.objects.filter(code="training.enrolment.completed").exists()


def _contact_of_another_provider():
    from skillspact.organisations.factories import AffiliationFactory, OrganisationFactory
    from skillspact.organisations.models import Affiliation

    user = UserFactory()
    AffiliationFactory(organisation=OrganisationFactory(), user=user, role=Affiliation.Role.CONTACT)
    return user


def test_people_without_a_place_cannot_complete(course, organisation_contact):
    enrol(course), enrol(course)
    waiting = enrol(course)
    cancelled = enrol(course)
    enrolments.enrolment_cancel(enrolment=cancelled, actor=cancelled.user)

    with pytest.raises(InvalidState, match="waitlist"):
        enrolments.enrolment_complete(
            enrolment=waiting, actor=organisation_contact, result="passed"
        )
    with pytest.raises(InvalidState, match="cancelled"):
        enrolments.enrolment_complete(
            enrolment=cancelled, actor=organisation_contact, result="passed"
        )

    assert Enrolment.objects.filter(course=course, status="completed").count() == 0


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"result": "excellent"}, "result", "Choose the result"),
        ({"result": ""}, "result", "Choose the result"),
        ({"result": "passed", "grade": "x" * 51}, "grade", "at most 50 characters"),
        (
            {"result": "passed", "completed_at": days(3)},
            "completed_at",
            "The completion date cannot be in the future.",
        ),
    ],
)
def test_a_completion_with_invalid_values_is_refused(
    course, organisation_contact, kwargs, field, message
):
    enrolment = enrol(course)

    with pytest.raises(InvalidInput) as raised:
        enrolments.enrolment_complete(enrolment=enrolment, actor=organisation_contact, **kwargs)

    assert field in raised.value.fields
    assert message in raised.value.fields[field][0]
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"


def test_a_course_cannot_be_completed_before_it_starts(member_organisation, organisation_contact):
    course = CourseFactory(provider=member_organisation, starts_on=days(30), ends_on=days(60))
    enrolment = enrol(course)

    with pytest.raises(InvalidInput) as raised:
        enrolments.enrolment_complete(
            enrolment=enrolment, actor=organisation_contact, result="passed", completed_at=days(0)
        )

    assert raised.value.fields["completed_at"][0].startswith("The course starts on")


def test_a_completion_date_is_kept_as_that_day(course, organisation_contact):
    Course.objects.filter(pk=course.pk).update(starts_on=days(-60), ends_on=days(-5))
    enrolment = EnrolmentFactory(course=course)

    completed = enrolments.enrolment_complete(
        enrolment=enrolment, actor=organisation_contact, result="passed", completed_at=days(-6)
    )

    assert timezone.localdate(completed.completed_at) == days(-6)


def test_a_correction_is_audited_with_what_changed_and_the_learner_is_told(
    course, organisation_contact, committed
):
    enrolment = enrol(course)
    enrolments.enrolment_complete(
        enrolment=enrolment, actor=organisation_contact, result="failed", grade="9/20"
    )
    first_date = Enrolment.objects.get(pk=enrolment.pk).completed_at
    mail.outbox.clear()

    with committed():
        corrected = enrolments.enrolment_complete(
            enrolment=enrolment, actor=organisation_contact, result="passed", grade="12/20"
        )

    assert (corrected.result, corrected.grade) == ("passed", "12/20")
    assert corrected.completed_at == first_date  # no date given: the recorded one stays
    entry = AuditEntry.objects.get(code="training.enrolment.corrected")
    assert entry.before == {"result": "failed", "grade": "9/20"}
    assert entry.after == {"result": "passed", "grade": "12/20"}
    assert [m.subject for m in mail.outbox] == [f"Your result was corrected: {course.title}"]


def test_recording_the_same_result_again_changes_nothing(course, organisation_contact):
    enrolment = enrol(course)
    enrolments.enrolment_complete(enrolment=enrolment, actor=organisation_contact, result="passed")

    enrolments.enrolment_complete(enrolment=enrolment, actor=organisation_contact, result="passed")

    assert not AuditEntry.objects.filter(code="training.enrolment.corrected").exists()


# -- selectors ---------------------------------------------------------------------------------


def test_the_learners_list_is_only_for_the_provider_and_the_secretariat(
    course, outsider, health_worker, organisation_contact, secretariat_officer
):
    enrol(course)

    for person in (outsider, health_worker, None):
        with pytest.raises(Http404):
            enrolments.learners_for_manage(user=person, course=course)

    assert enrolments.learners_for_manage(user=organisation_contact, course=course).count() == 1
    assert enrolments.learners_for_manage(user=secretariat_officer, course=course).count() == 1


def test_learners_are_listed_enrolled_then_waiting_in_order_then_completed_then_cancelled(
    course, organisation_contact
):
    zoe = enrol(course, UserFactory(full_name="Zoe Zed"))
    adam = enrol(course, UserFactory(full_name="Adam Ant"))
    waiting_first = enrol(course, UserFactory(full_name="Yann Later"))
    waiting_second = enrol(course, UserFactory(full_name="Bea Early"))
    enrolments.enrolment_complete(enrolment=zoe, actor=organisation_contact, result="passed")
    enrolments.enrolment_cancel(enrolment=waiting_second, actor=waiting_second.user)

    names = [
        e.user.full_name
        for e in enrolments.learners_for_manage(user=organisation_contact, course=course)
    ]

    assert names == ["Adam Ant", "Yann Later", "Zoe Zed", "Bea Early"]
    assert Enrolment.objects.get(pk=waiting_first.pk).status == "waitlisted"
    assert Enrolment.objects.get(pk=adam.pk).status == "enrolled"


def test_my_enrolments_say_how_many_people_wait_before_me(course, health_worker):
    enrol(course), enrol(course), enrol(course)
    mine = enrol(course, health_worker)
    other = CourseFactory(provider=course.provider)
    enrol(other, health_worker)

    found = {e.course_id: e for e in enrolments.enrolments_of(user=health_worker)}

    assert found[course.pk].status == "waitlisted"
    assert found[course.pk].queue_ahead == 1
    assert found[other.pk].status == "enrolled"
    assert mine.pk == found[course.pk].pk


def test_counts_say_who_holds_a_place_and_who_waits(course, organisation_contact):
    first, second = enrol(course), enrol(course)
    enrol(course)
    enrolments.enrolment_complete(enrolment=first, actor=organisation_contact, result="passed")
    cancelled = enrol(CourseFactory(provider=course.provider))
    enrolments.enrolment_cancel(enrolment=cancelled, actor=cancelled.user)

    assert enrolments.enrolment_counts(course=course) == {
        "enrolled": 1,
        "waitlisted": 1,
        "completed": 1,
        "successful": 1,
        "cancelled": 0,
        "places_taken": 2,
        "places_left": 0,
        "is_full": True,
    }
    assert second.status == "enrolled"
