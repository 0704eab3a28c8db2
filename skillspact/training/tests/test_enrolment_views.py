"""Pages and API of enrolments: wiring, permissions, what people see, query budgets."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from skillspact.accounts import services as account_services
from skillspact.accounts.factories import UserFactory
from skillspact.core.models import AuditEntry
from skillspact.training import enrolments
from skillspact.training.factories import CourseFactory, EnrolmentFactory
from skillspact.training.models import Course, Enrolment

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def course(member_organisation):
    return CourseFactory(
        provider=member_organisation,
        slug="telehealth",
        title="Telehealth for nurses",
        places=1,
        starts_on=days(-7),
        ends_on=days(21),
    )


def learners_url(course: Course) -> str:
    return reverse("training:learners", args=[course.slug])


def waitlisted(course: Course, **kwargs) -> Enrolment:
    return EnrolmentFactory(
        course=course,
        status=Enrolment.Status.WAITLISTED,
        enrolled_at=None,
        waitlisted_at=timezone.now(),
        **kwargs,
    )


# -- enrolling and cancelling ------------------------------------------------------------------


def test_a_person_enrols_from_the_course_page(client, course, health_worker):
    client.force_login(health_worker)

    response = client.post(reverse("training:enrol", args=[course.slug]), follow=True)

    assert response.redirect_chain == [(reverse("training:detail", args=[course.slug]), 302)]
    enrolment = Enrolment.objects.get(course=course, user=health_worker)
    assert enrolment.status == "enrolled"
    assert "You are enrolled." in response.content.decode()


def test_a_person_joins_the_waitlist_of_a_full_course_and_learns_their_position(
    client, course, health_worker
):
    EnrolmentFactory(course=course)
    waitlisted(course)
    client.force_login(health_worker)

    response = client.post(reverse("training:enrol", args=[course.slug]), follow=True)

    assert Enrolment.objects.get(course=course, user=health_worker).status == "waitlisted"
    assert "you are number 2 on the waitlist" in response.content.decode()


def test_enrolling_in_a_closed_course_says_why_and_changes_nothing(
    client, member_organisation, health_worker
):
    course = CourseFactory(provider=member_organisation, enrolment_closes_on=days(-1))
    client.force_login(health_worker)

    response = client.post(reverse("training:enrol", args=[course.slug]), follow=True)

    assert "Enrolment closed on" in response.content.decode()
    assert not Enrolment.objects.filter(course=course).exists()


def test_anonymous_people_are_sent_to_sign_in_before_enrolling(client, course):
    response = client.post(reverse("training:enrol", args=[course.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Enrolment.objects.exists()


def test_a_draft_course_is_not_found_by_people_who_do_not_run_it(
    client, member_organisation, health_worker
):
    course = CourseFactory(provider=member_organisation, status=Course.Status.DRAFT)
    client.force_login(health_worker)

    response = client.post(reverse("training:enrol", args=[course.slug]))

    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_a_person_cancels_their_enrolment_and_the_next_person_gets_the_place(
    client, course, health_worker
):
    mine = EnrolmentFactory(course=course, user=health_worker)
    next_in_line = waitlisted(course)
    client.force_login(health_worker)

    response = client.post(reverse("training:enrolment_cancel", args=[mine.public_id]))

    assert response.status_code == 302
    mine.refresh_from_db()
    next_in_line.refresh_from_db()
    assert mine.status == "cancelled"
    assert next_in_line.status == "enrolled"


def test_a_stranger_cannot_cancel_someone_elses_enrolment(client, course, outsider):
    enrolment = EnrolmentFactory(course=course)
    client.force_login(outsider)

    response = client.post(reverse("training:enrolment_cancel", args=[enrolment.public_id]))

    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"


def test_the_provider_cancels_an_enrolment_from_the_learners_page(
    client, course, organisation_contact
):
    enrolment = EnrolmentFactory(course=course)
    client.force_login(organisation_contact)

    response = client.post(
        reverse("training:enrolment_cancel", args=[enrolment.public_id]),
        {"next": learners_url(course)},
    )

    assert response["Location"] == learners_url(course)
    enrolment.refresh_from_db()
    assert enrolment.status == "cancelled"


def test_cancelling_never_redirects_to_another_site(client, course, health_worker):
    mine = EnrolmentFactory(course=course, user=health_worker)
    client.force_login(health_worker)

    response = client.post(
        reverse("training:enrolment_cancel", args=[mine.public_id]),
        {"next": "https://evil.example.com/"},
    )

    assert response["Location"] == reverse("training:detail", args=[course.slug])


# -- the panel on the course page --------------------------------------------------------------


def render_panel(course: Course, user) -> str:
    request = RequestFactory().get(f"/training/courses/{course.slug}/")
    request.user = user
    return render_to_string(
        "training/includes/enrolment_panel.html", {"course": course}, request=request
    )


def test_the_panel_offers_to_enrol_while_places_last(course, health_worker):
    html = render_panel(course, health_worker)

    assert "1 place left of 1" in html
    assert ">Enrol</button>" in html
    assert reverse("training:enrol", args=[course.slug]) in html


def test_the_panel_offers_the_waitlist_when_the_course_is_full(course, health_worker):
    EnrolmentFactory(course=course)

    html = render_panel(course, health_worker)

    assert "Join the waitlist" in html
    assert "0 places left of 1" in html


def test_the_panel_shows_my_place_on_the_waitlist_and_lets_me_leave_it(course, health_worker):
    EnrolmentFactory(course=course)
    waitlisted(course)
    mine = waitlisted(course, user=health_worker)

    html = render_panel(course, health_worker)

    assert "You are number 2 on the waitlist." in html
    assert reverse("training:enrolment_cancel", args=[mine.public_id]) in html
    assert "Leave the waitlist" in html


def test_the_panel_shows_my_result_once_completed(course, health_worker, organisation_contact):
    mine = EnrolmentFactory(course=course, user=health_worker)
    enrolments.enrolment_complete(
        enrolment=mine, actor=organisation_contact, result="passed", grade="A"
    )

    html = render_panel(course, health_worker)

    assert "Your result: Passed." in html
    assert "Grade: A." in html
    assert "Cancel my enrolment" not in html


def test_the_panel_asks_anonymous_people_to_sign_in(course):
    from django.contrib.auth.models import AnonymousUser

    html = render_panel(course, AnonymousUser())

    assert "Sign in to enrol." in html
    assert "<form" not in html


# -- My courses --------------------------------------------------------------------------------


def test_my_courses_lists_every_enrolment_by_state_with_links(
    client, member_organisation, health_worker, organisation_contact, django_assert_max_num_queries
):
    enrolled = CourseFactory(provider=member_organisation, title="Enrolled course")
    EnrolmentFactory(course=enrolled, user=health_worker)
    full = CourseFactory(provider=member_organisation, title="Full course", places=1)
    EnrolmentFactory(course=full)
    waitlisted(full)
    waitlisted(full, user=health_worker)
    done = CourseFactory(provider=member_organisation, title="Done course", starts_on=days(-9))
    finished = EnrolmentFactory(course=done, user=health_worker)
    enrolments.enrolment_complete(
        enrolment=finished, actor=organisation_contact, result="failed", grade="7/20"
    )
    dropped = CourseFactory(provider=member_organisation, title="Dropped course")
    mine = EnrolmentFactory(course=dropped, user=health_worker)
    enrolments.enrolment_cancel(enrolment=mine, actor=health_worker)
    client.force_login(health_worker)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("training:my_courses"))

    html = response.content.decode()
    assert response.status_code == 200
    for title in ("Enrolled course", "Full course", "Done course", "Dropped course"):
        assert title in html
    assert reverse("training:detail", args=[done.slug]) in html
    assert "Number 2" in html
    assert "Not passed" in html and "7/20" in html
    assert html.index("Enrolled course") < html.index("Full course") < html.index("Done course")


def test_my_courses_says_so_when_there_is_none(client, health_worker):
    client.force_login(health_worker)

    response = client.get(reverse("training:my_courses"))

    assert "You are not enrolled in any course yet." in response.content.decode()


# -- the provider's learners page --------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "health_worker", "learner"])
def test_the_learners_page_is_not_found_for_anyone_but_the_provider(client, course, who, request):
    enrolment = EnrolmentFactory(course=course)
    user = enrolment.user if who == "learner" else request.getfixturevalue(who)
    client.force_login(user)

    for url in (
        learners_url(course),
        learners_url(course) + "?export=csv",
        reverse("training:completions_upload", args=[course.slug]),
        reverse("training:completions_template_csv", args=[course.slug]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(
        reverse("training:enrolment_complete", args=[course.slug, enrolment.public_id]),
        {"result": "passed"},
    )
    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"


def test_the_learners_page_lists_status_waitlist_order_and_results(
    client, course, organisation_contact, secretariat_officer, django_assert_max_num_queries
):
    Course.objects.filter(pk=course.pk).update(places=30)
    for n in range(20):
        EnrolmentFactory(course=course, user=UserFactory(full_name=f"Learner {n:02d}"))
    first = waitlisted(course, user=UserFactory(full_name="Waiting First"))
    waitlisted(course, user=UserFactory(full_name="Waiting Second"))
    done = EnrolmentFactory(course=course, user=UserFactory(full_name="Done Person"))
    enrolments.enrolment_complete(
        enrolment=done, actor=organisation_contact, result="passed", grade="B+"
    )
    client.force_login(organisation_contact)

    with django_assert_max_num_queries(12):
        response = client.get(learners_url(course))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Learner 19") < html.index("Waiting First") < html.index("Waiting Second")
    assert html.index("Waiting Second") < html.index("Done Person")
    assert "B+" in html
    assert f'id="learner-{first.public_id}"' in html
    client.force_login(secretariat_officer)
    assert client.get(learners_url(course)).status_code == 200


def test_the_provider_records_a_completion_from_the_row_form(client, course, organisation_contact):
    enrolment = EnrolmentFactory(course=course)
    client.force_login(organisation_contact)

    response = client.post(
        reverse("training:enrolment_complete", args=[course.slug, enrolment.public_id]),
        {"result": "passed", "grade": "A", "completed_on": days(-1).isoformat()},
        follow=True,
    )

    assert response.status_code == 200
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.result, enrolment.grade) == ("completed", "passed", "A")
    assert timezone.localdate(enrolment.completed_at) == days(-1)
    assert "the completion is recorded" in response.content.decode()


def test_a_refused_completion_keeps_what_was_typed_and_says_why(
    client, course, organisation_contact
):
    enrolment = EnrolmentFactory(course=course)
    client.force_login(organisation_contact)

    response = client.post(
        reverse("training:enrolment_complete", args=[course.slug, enrolment.public_id]),
        {"result": "passed", "grade": "Excellent", "completed_on": days(5).isoformat()},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "The completion date cannot be in the future." in html
    assert 'value="Excellent"' in html
    assert f'value="{days(5).isoformat()}"' in html
    enrolment.refresh_from_db()
    assert enrolment.status == "enrolled"


def test_a_learner_of_another_course_is_not_found_under_this_one(
    client, course, member_organisation, organisation_contact
):
    other = EnrolmentFactory(course=CourseFactory(provider=member_organisation))
    client.force_login(organisation_contact)

    response = client.post(
        reverse("training:enrolment_complete", args=[course.slug, other.public_id]),
        {"result": "passed"},
    )

    assert response.status_code == 404


def test_the_learners_export_is_formula_safe(client, course, organisation_contact):
    EnrolmentFactory(course=course, user=UserFactory(full_name="=HYPERLINK(1)", email="x@e.net"))
    waitlisted(course, user=UserFactory(full_name="Wanda", email="w@e.net"))
    client.force_login(organisation_contact)

    response = client.get(learners_url(course) + "?export=csv")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == enrolments.EXPORT_COLUMNS
    assert rows[1][:4] == ["'=HYPERLINK(1)", "x@e.net", "enrolled", ""]
    assert rows[2][:4] == ["Wanda", "w@e.net", "waitlisted", "1"]

    workbook = client.get(learners_url(course) + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    assert sheet["A2"].value == "'=HYPERLINK(1)"
    assert sheet["A2"].data_type == "s"


def test_the_completions_template_is_prefilled_with_the_learners(
    client, course, organisation_contact
):
    EnrolmentFactory(course=course, user=UserFactory(email="anna@example.net"))
    client.force_login(organisation_contact)

    csv_response = client.get(reverse("training:completions_template_csv", args=[course.slug]))
    xlsx_response = client.get(reverse("training:completions_template_xlsx", args=[course.slug]))

    assert (
        csv_response["Content-Disposition"] == 'attachment; filename="telehealth-completions.csv"'
    )
    assert "anna@example.net" in csv_response.content.decode()
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).worksheets[0]
    assert sheet["A3"].value == "anna@example.net"


def test_an_upload_with_problems_lists_them_by_line_and_column(
    client, course, organisation_contact
):
    EnrolmentFactory(course=course, user=UserFactory(email="anna@example.net"))
    client.force_login(organisation_contact)
    file = SimpleUploadedFile(
        "results.csv", b"email,result\nanna@example.net,great\n", content_type="text/csv"
    )

    response = client.post(
        reverse("training:completions_upload", args=[course.slug]), {"file": file}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "results.csv: 1 problem, nothing was recorded" in html
    assert "<td>2</td><td><code>result</code></td>" in html
    assert not Enrolment.objects.filter(status="completed").exists()


def test_a_good_upload_records_the_completions_and_returns_to_the_learners(
    client, course, organisation_contact
):
    enrolment = EnrolmentFactory(course=course, user=UserFactory(email="anna@example.net"))
    client.force_login(organisation_contact)
    file = SimpleUploadedFile(
        "results.csv", b"email,result,grade\nanna@example.net,passed,A\n", content_type="text/csv"
    )

    response = client.post(
        reverse("training:completions_upload", args=[course.slug]), {"file": file}, follow=True
    )

    assert response.redirect_chain == [(learners_url(course), 302)]
    assert "1 completion recorded." in response.content.decode()
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.result) == ("completed", "passed")
    assert AuditEntry.objects.filter(code="training.completions.imported").count() == 1


# -- API ---------------------------------------------------------------------------------------


@pytest.fixture
def token(health_worker):
    return account_services.api_token_create(user=health_worker, name="tests")[1]


def auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_api_enrols_me_then_refuses_a_second_time(client, course, token):
    created = client.post(f"/api/v1/courses/{course.slug}/enrolment", **auth(token))
    again = client.post(f"/api/v1/courses/{course.slug}/enrolment", **auth(token))

    assert created.status_code == 201
    body = created.json()
    assert (body["course"], body["status"], body["waitlist_position"]) == (
        "telehealth",
        "enrolled",
        None,
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_enrolled"


def test_the_api_puts_me_on_the_waitlist_with_my_position(client, course, token):
    EnrolmentFactory(course=course)

    response = client.post(f"/api/v1/courses/{course.slug}/enrolment", **auth(token))

    assert response.status_code == 201
    assert (response.json()["status"], response.json()["waitlist_position"]) == ("waitlisted", 1)


def test_the_api_says_why_enrolment_is_closed(client, member_organisation, token):
    course = CourseFactory(provider=member_organisation, enrolment_closes_on=days(-2))

    response = client.post(f"/api/v1/courses/{course.slug}/enrolment", **auth(token))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "enrolment_closed"
    assert response.json()["error"]["message"].startswith("Enrolment closed on")


def test_the_api_cancels_and_lists_my_enrolments(client, course, token, health_worker):
    EnrolmentFactory(course=course, user=health_worker)
    other = CourseFactory(provider=course.provider, slug="other", places=1)
    EnrolmentFactory(course=other)
    waitlisted(other, user=health_worker)

    cancelled = client.delete(f"/api/v1/courses/{course.slug}/enrolment", **auth(token))
    mine = client.get("/api/v1/me/enrolments", **auth(token))

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert {(e["course"], e["status"], e["waitlist_position"]) for e in mine.json()} == {
        ("telehealth", "cancelled", None),
        ("other", "waitlisted", 1),
    }


def test_the_api_needs_a_person_and_hides_drafts(client, member_organisation, token):
    draft = CourseFactory(provider=member_organisation, status=Course.Status.DRAFT)

    assert client.get("/api/v1/me/enrolments").status_code == 401
    assert client.post(f"/api/v1/courses/{draft.slug}/enrolment").status_code == 401
    missing = client.post(f"/api/v1/courses/{draft.slug}/enrolment", **auth(token))
    assert missing.status_code == 404
    assert (
        client.delete(f"/api/v1/courses/{draft.slug}/enrolment", **auth(token)).status_code == 404
    )
    assert not Enrolment.objects.exists()


def test_the_course_page_carries_the_enrolment_panel(client, course, health_worker):
    client.force_login(health_worker)

    response = client.get(reverse("training:detail", args=[course.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-labelledby="enrolment-title"' in html
    assert reverse("training:enrol", args=[course.slug]) in html


def test_the_course_page_shows_the_provider_its_learners(client, course, organisation_contact):
    EnrolmentFactory(course=course)
    client.force_login(organisation_contact)

    response = client.get(reverse("training:detail", args=[course.slug]))

    html = response.content.decode()
    assert reverse("training:learners", args=[course.slug]) in html
    assert "1 of 1" in html


def test_a_list_of_courses_shows_learner_counts_without_a_query_per_course(
    member_organisation, django_assert_num_queries
):
    for _ in range(3):
        course = CourseFactory(provider=member_organisation, places=5)
        EnrolmentFactory(course=course)
        waitlisted(course)
    courses = list(enrolments.with_learner_counts(Course.objects.order_by("id")))

    with django_assert_num_queries(0):
        html = "".join(
            render_to_string(
                "training/includes/learners_panel.html", {"course": c, "compact": True}
            )
            for c in courses
        )

    assert html.count("1 enrolled · 1 waiting · 0 completed") == 3
