"""Issuing a whole course in the background, with progress."""

from __future__ import annotations

import pytest
from django.core import mail

from skillspact.core.errors import InvalidState, NotPermitted
from skillspact.credentials import services
from skillspact.credentials.factories import CompletedEnrolmentFactory
from skillspact.credentials.models import Credential, IssueBatch
from skillspact.training.factories import EnrolmentFactory
from skillspact.training.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def learners(course):
    """Three who passed, one who failed, one still enrolled."""
    passed = CompletedEnrolmentFactory.create_batch(3, course=course)
    CompletedEnrolmentFactory(course=course, result=Enrolment.Result.FAILED)
    EnrolmentFactory(course=course)
    return passed


def test_a_batch_issues_every_earned_credential_and_counts_progress(
    course, learners, organisation_contact, committed
):
    services.credential_issue(enrolment=learners[0], actor=organisation_contact)
    mail.outbox.clear()

    with committed():
        batch = services.batch_start(course=course, actor=organisation_contact)

    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.done, batch.failed) == ("done", 2, 2, 0)
    assert batch.percent == 100
    assert Credential.objects.filter(course=course).count() == 3
    # The two learners, and the person who started the batch.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [learners[1].user.email, learners[2].user.email, "contact@hun.example.es"]
    )


def test_running_a_batch_twice_issues_nothing_twice(course, learners, organisation_contact):
    batch = services.batch_start(course=course, actor=organisation_contact)  # not run: no commit
    services.batch_run(batch_id=batch.pk)
    IssueBatch.objects.filter(pk=batch.pk).update(status=IssueBatch.Status.RUNNING)

    services.batch_run(batch_id=batch.pk)

    batch.refresh_from_db()
    assert Credential.objects.filter(course=course).count() == 3
    assert (batch.done, batch.failed) == (3, 0)
    assert batch.status == "done"


def test_a_finished_batch_is_left_alone(course, learners, organisation_contact):
    batch = services.batch_start(course=course, actor=organisation_contact)
    services.batch_run(batch_id=batch.pk)
    CompletedEnrolmentFactory(course=course)

    services.batch_run(batch_id=batch.pk)

    assert Credential.objects.filter(course=course).count() == 3


def test_failures_are_listed_and_the_rest_issued(
    course, learners, organisation_contact, monkeypatch
):
    real = services.credential_issue
    failing = learners[1].pk

    def issue(*, enrolment, actor):
        if enrolment.pk == failing:
            raise services.NotEligible("The learner's record is incomplete.")
        return real(enrolment=enrolment, actor=actor)

    batch = services.batch_start(course=course, actor=organisation_contact)
    monkeypatch.setattr(services, "credential_issue", issue)
    services.batch_run(batch_id=batch.pk)

    batch.refresh_from_db()
    assert (batch.done, batch.failed) == (2, 1)
    assert batch.errors == [
        {"enrolment": str(learners[1].public_id), "message": "The learner's record is incomplete."}
    ]


def test_one_batch_at_a_time_and_only_with_something_to_issue(
    course, learners, organisation_contact, outsider
):
    with pytest.raises(NotPermitted):
        services.batch_start(course=course, actor=outsider)
    services.batch_start(course=course, actor=organisation_contact)
    with pytest.raises(InvalidState):
        services.batch_start(course=course, actor=organisation_contact)
    IssueBatch.objects.update(status=IssueBatch.Status.DONE)
    for enrolment in learners:
        services.credential_issue(enrolment=enrolment, actor=organisation_contact)

    with pytest.raises(InvalidState):
        services.batch_start(course=course, actor=organisation_contact)
    assert IssueBatch.objects.count() == 1


def test_the_batch_page_polls_while_running_and_lists_errors(
    client, course, learners, organisation_contact, outsider
):
    batch = services.batch_start(course=course, actor=organisation_contact)
    client.force_login(outsider)
    assert client.get(f"/credentials/batches/{batch.public_id}/").status_code == 404

    client.force_login(organisation_contact)
    page = client.get(f"/credentials/batches/{batch.public_id}/").content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "<progress" in page

    IssueBatch.objects.filter(pk=batch.pk).update(
        status="done", done=2, failed=1, errors=[{"enrolment": "abcd1234-x", "message": "Nope."}]
    )
    partial = client.get(
        f"/credentials/batches/{batch.public_id}/", headers={"HX-Request": "true"}
    ).content.decode()
    assert "hx-trigger" not in partial
    assert "Nope." in partial
    assert "<html" not in partial


def test_the_course_page_starts_a_batch(client, course, learners, organisation_contact, committed):
    client.force_login(organisation_contact)
    page = client.get(f"/credentials/courses/{course.slug}/")
    assert page.context["to_issue"] == 3

    with committed():
        response = client.post(f"/credentials/courses/{course.slug}/issue-all/")

    batch = IssueBatch.objects.get()
    assert response["Location"] == f"/credentials/batches/{batch.public_id}/"
    assert Credential.objects.filter(course=course).count() == 3
