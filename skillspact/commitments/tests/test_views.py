"""Pages of commitments, windows and reports: wiring, permissions, and forms that keep input."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from skillspact.commitments.factories import (
    CommitmentFactory,
    ProgressReportFactory,
    ReportingWindowFactory,
)
from skillspact.commitments.models import Commitment, ProgressReport, ReportingWindow
from skillspact.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def commitment_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Telehealth for 300 nurses",
        "description": "Courses on telehealth and electronic health records for ward nurses.",
        "principles": ["lifelong_learning"],
        "countries": ["ES"],
        "regions": "ES21",
        "target_people_2026": "150",
        "target_programmes_2026": "2",
        "target_euros_2026": "40000",
        "submit": "0",
    }
    data.update(overrides)
    return data


# -- commitments -------------------------------------------------------------------------------


def test_the_public_list_shows_published_commitments_only(client, member_organisation):
    CommitmentFactory(organisation=member_organisation, title="Published pledge")
    CommitmentFactory(
        organisation=member_organisation, title="Secret draft", status=Commitment.Status.DRAFT
    )

    response = client.get(reverse("commitments:list"))

    assert response.status_code == 200
    assert b"Published pledge" in response.content
    assert b"Secret draft" not in response.content


def test_the_list_answers_in_a_fixed_number_of_queries(
    client, member_organisation, django_assert_max_num_queries
):
    for _ in range(25):
        CommitmentFactory(organisation=member_organisation)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("commitments:list"))

    assert response.context["page"].paginator.count == 25


def test_a_contact_sees_their_own_draft_but_an_outsider_gets_404(
    client, organisation_contact, outsider, member_organisation
):
    draft = CommitmentFactory(organisation=member_organisation, status=Commitment.Status.DRAFT)
    url = reverse("commitments:detail", args=[draft.public_id])

    client.force_login(organisation_contact)
    assert client.get(url).status_code == 200
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("commitments:edit", args=[draft.public_id])).status_code == 404


def test_a_contact_drafts_a_commitment_and_submits_it(
    client, organisation_contact, member_organisation, secretariat_officer
):
    client.force_login(organisation_contact)

    response = client.post(
        reverse("commitments:create"),
        commitment_post(organisation=member_organisation.pk, submit="1"),
    )

    commitment = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("commitments:detail", args=[commitment.public_id])
    assert commitment.status == Commitment.Status.SUBMITTED
    assert commitment.regions == ["ES21"]
    assert [(t.year, t.people, t.programmes, t.euros) for t in commitment.targets.all()] == [
        (2026, 150, 2, 40000)
    ]


def test_a_rejected_form_keeps_what_was_typed(client, organisation_contact, member_organisation):
    client.force_login(organisation_contact)

    response = client.post(
        reverse("commitments:create"),
        commitment_post(
            organisation=member_organisation.pk, regions="FR10", target_people_2026="-5"
        ),
    )

    assert response.status_code == 200
    assert Commitment.objects.count() == 0
    form = response.context["form"]
    assert form.errors["target_people_2026"]
    assert b"Telehealth for 300 nurses" in response.content
    assert b'value="FR10"' in response.content


def test_a_region_outside_the_countries_is_refused_with_its_field(
    client, organisation_contact, member_organisation
):
    client.force_login(organisation_contact)

    response = client.post(
        reverse("commitments:create"),
        commitment_post(organisation=member_organisation.pk, regions="FR10"),
    )

    assert response.status_code == 200
    assert "FR10" in str(response.context["form"].errors["regions"])
    assert Commitment.objects.count() == 0


def test_a_person_without_an_organisation_cannot_start_a_commitment(client, outsider):
    client.force_login(outsider)

    response = client.get(reverse("commitments:create"))

    assert response.status_code == 302
    assert response["Location"] == reverse("commitments:list")


def test_the_secretariat_publishes_a_submitted_commitment(
    client, secretariat_officer, organisation_contact, member_organisation, committed
):
    commitment = CommitmentFactory(
        organisation=member_organisation, status=Commitment.Status.SUBMITTED, published_at=None
    )
    client.force_login(secretariat_officer)

    with committed():
        response = client.post(
            reverse("commitments:review", args=[commitment.public_id]),
            {"decision": "publish", "note": "Thank you."},
        )

    commitment.refresh_from_db()
    assert response.status_code == 302
    assert commitment.status == Commitment.Status.PUBLISHED
    assert [m.to for m in mail.outbox] == [[organisation_contact.email]]


def test_returning_without_a_note_shows_the_error_and_changes_nothing(
    client, secretariat_officer, member_organisation
):
    commitment = CommitmentFactory(
        organisation=member_organisation, status=Commitment.Status.SUBMITTED, published_at=None
    )
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("commitments:review", args=[commitment.public_id]), {"decision": "return"}
    )

    commitment.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert commitment.status == Commitment.Status.SUBMITTED


def test_the_review_pages_are_for_the_secretariat_only(client, organisation_contact):
    client.force_login(organisation_contact)

    assert client.get(reverse("commitments:review_queue")).status_code == 403
    assert client.get(reverse("commitments:windows")).status_code == 403
    assert client.get(reverse("commitments:reports_admin")).status_code == 403


def test_an_amendment_shows_in_the_history(client, organisation_contact, member_organisation):
    commitment = CommitmentFactory(organisation=member_organisation, countries=["ES"])
    client.force_login(organisation_contact)

    response = client.post(
        reverse("commitments:edit", args=[commitment.public_id]),
        commitment_post(title="Telehealth for 400 nurses", amendment_reason="Second hospital"),
    )
    history = client.get(reverse("commitments:history", args=[commitment.public_id]))

    assert response.status_code == 302
    assert b"Second hospital" in history.content
    assert b"Telehealth for 400 nurses" in history.content


# -- windows and reports -----------------------------------------------------------------------


def test_the_secretariat_opens_a_window_and_a_duplicate_year_is_refused(
    client, secretariat_officer
):
    client.force_login(secretariat_officer)
    data = {
        "year": 2026,
        "opens_on": TODAY.isoformat(),
        "closes_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
        "reminder_days": "14, 3",
    }

    first = client.post(reverse("commitments:windows"), data)
    second = client.post(reverse("commitments:windows"), data)

    assert first.status_code == 302
    assert second.status_code == 200
    assert second.context["form"].errors["year"]
    assert list(ReportingWindow.objects.values_list("year", "reminder_days")) == [(2026, [14, 3])]


def test_a_contact_starts_and_submits_a_report(client, organisation_contact, member_organisation):
    commitment = CommitmentFactory(organisation=member_organisation)
    ReportingWindowFactory(year=2026)
    client.force_login(organisation_contact)

    start = client.post(reverse("commitments:report_start", args=[commitment.public_id, 2026]))
    report = ProgressReport.objects.get()
    submit = client.post(
        reverse("commitments:report_edit", args=[report.public_id]),
        {
            "progress_status": "on_track",
            "people_trained": "80",
            "trained_women": "50",
            "trained_men": "30",
            "people_reached": "200",
            "programmes": "1",
            "stakeholders": "3",
            "euros": "25000",
            "evidence_links": "https://example.org/report-2026",
            "submit": "1",
        },
    )

    report.refresh_from_db()
    assert start["Location"] == reverse("commitments:report_edit", args=[report.public_id])
    assert submit.status_code == 302
    assert report.status == ProgressReport.Status.SUBMITTED
    assert (report.people_trained, report.trained_women, report.evidence_links) == (
        80,
        50,
        ["https://example.org/report-2026"],
    )


def test_a_breakdown_that_does_not_add_up_is_explained_and_nothing_is_stored(
    client, organisation_contact, member_organisation
):
    report = ProgressReportFactory(
        commitment__organisation=member_organisation,
        status=ProgressReport.Status.DRAFT,
        submitted_at=None,
        people_trained=None,
    )
    client.force_login(organisation_contact)

    response = client.post(
        reverse("commitments:report_edit", args=[report.public_id]),
        {
            "progress_status": "on_track",
            "people_trained": "100",
            "trained_women": "60",
            "trained_men": "30",
            "people_reached": "150",
            "programmes": "1",
            "stakeholders": "1",
            "euros": "0",
            "submit": "1",
        },
    )

    report.refresh_from_db()
    assert response.status_code == 200
    assert "adds up to 90" in str(response.context["form"].errors["trained_women"])
    assert b'value="60"' in response.content
    assert report.status == ProgressReport.Status.DRAFT
    assert report.people_trained is None


def test_a_locked_report_cannot_be_edited_and_the_secretariat_reopens_it(
    client, organisation_contact, member_organisation, secretariat_officer
):
    window = ReportingWindowFactory(
        year=2024,
        opens_on=TODAY - datetime.timedelta(days=60),
        closes_on=TODAY - datetime.timedelta(days=1),
    )
    report = ProgressReportFactory(commitment__organisation=member_organisation, window=window)
    edit_url = reverse("commitments:report_edit", args=[report.public_id])

    client.force_login(organisation_contact)
    locked = client.get(edit_url)
    client.force_login(secretariat_officer)
    reopened = client.post(
        reverse("commitments:report_reopen", args=[report.public_id]),
        {"reason": "The euros were in thousands."},
    )
    client.force_login(organisation_contact)
    editable = client.get(edit_url)

    assert locked.status_code == 302
    assert reopened.status_code == 302
    assert editable.status_code == 200


def test_an_outsider_cannot_see_or_start_a_report(client, outsider, member_organisation):
    report = ProgressReportFactory(commitment__organisation=member_organisation)
    commitment = CommitmentFactory(organisation=member_organisation)
    client.force_login(outsider)

    assert client.get(reverse("commitments:report", args=[report.public_id])).status_code == 404
    started = client.post(
        reverse("commitments:report_start", args=[commitment.public_id, report.window.year])
    )
    assert started.status_code == 404
    assert ProgressReport.objects.count() == 1


def test_the_overview_lists_each_published_commitment_of_an_open_window(
    client, organisation_contact, member_organisation
):
    CommitmentFactory(organisation=member_organisation, title="Green procurement")
    CommitmentFactory(organisation=OrganisationFactory(), title="Someone else's")
    ReportingWindowFactory(year=2026)
    client.force_login(organisation_contact)

    response = client.get(reverse("commitments:reports"))

    assert b"Green procurement" in response.content
    assert b"Someone else" not in response.content
    assert b"Start the report" in response.content


# -- the clock and the reminders ---------------------------------------------------------------


def test_the_clock_sends_due_reminders_once(
    organisation_contact, member_organisation, django_capture_on_commit_callbacks
):
    CommitmentFactory(organisation=member_organisation, title="Green procurement")
    ReportingWindowFactory(
        year=2026,
        opens_on=timezone.localdate() - datetime.timedelta(days=20),
        closes_on=timezone.localdate() + datetime.timedelta(days=3),
        reminder_days=[14, 3],
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("clock", "--once")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("clock", "--once")

    assert [m.to for m in mail.outbox] == [[organisation_contact.email]]
    assert "Green procurement" in mail.outbox[0].body
    assert ReportingWindow.objects.get().reminders_sent == [14, 3]


# -- suggestions from the matching engine ------------------------------------------------------


@pytest.fixture
def warm_engine(esco_v1, settings, tmp_path):
    from skillspact.taxonomy import matching

    settings.ENGINE_CACHE_DIR = tmp_path / "engine"
    matching.forget_engines()
    matching.engine_for(esco_v1)
    yield esco_v1
    matching.forget_engines()


def test_the_engine_suggests_skills_and_target_groups_from_the_text(
    client, organisation_contact, warm_engine
):
    from skillspact.taxonomy.tests.esco_files import O_NURSE, S_PYTHON

    client.force_login(organisation_contact)

    response = client.post(
        reverse("commitments:suggest"),
        {"title": "Python programming for nurses", "description": "Nurses learn Python."},
    )

    assert response.status_code == 200
    assert f'value="{S_PYTHON}"'.encode() in response.content
    assert f'value="{O_NURSE}"'.encode() in response.content


def test_suggestions_leave_out_what_is_already_chosen_and_need_some_text(
    client, organisation_contact, warm_engine
):
    from skillspact.taxonomy.tests.esco_files import S_PYTHON

    client.force_login(organisation_contact)

    chosen = client.post(
        reverse("commitments:suggest"),
        {"title": "Python programming", "description": "Python.", "skills": [S_PYTHON]},
    )
    short = client.post(reverse("commitments:suggest"), {"title": "Py"})

    assert f'value="{S_PYTHON}"'.encode() not in chosen.content
    assert b"Write a title and a description first" in short.content


def test_the_concept_picker_finds_occupations_by_label(client, organisation_contact, esco_v1):
    from skillspact.taxonomy.tests.esco_files import O_NURSE

    client.force_login(organisation_contact)

    response = client.get(
        reverse("commitments:concept_options"), {"kind": "occupation", "occupation_q": "nurse"}
    )

    assert f'value="{O_NURSE}"'.encode() in response.content
