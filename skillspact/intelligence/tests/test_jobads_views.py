"""The job-ad pages: permissions, the upload form, the progress row, an upload's ads, errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from skillspact.intelligence import jobads
from skillspact.intelligence.models import JobAd, JobAdUpload
from skillspact.intelligence.tests.test_jobads import (
    GOOD_AND_BAD,
    HEADER,
    O_NURSE,
    S_CARE,
    S_DIGITAL,
    FakeEngine,
    make_upload,
)


@pytest.fixture
def fake_engine(monkeypatch):
    engine = FakeEngine()
    monkeypatch.setattr(jobads, "_engine", lambda: engine)
    monkeypatch.setattr(jobads, "engine_ready_or_requested", lambda: True)
    return engine


@pytest.fixture
def processed(db):
    upload = make_upload(GOOD_AND_BAD)
    jobads.upload_process(upload.pk, engine=FakeEngine())
    upload.refresh_from_db()
    return upload


def _pages(upload: JobAdUpload) -> list[str]:
    return [
        reverse("intelligence:jobads"),
        reverse("intelligence:jobads_upload", args=[upload.public_id]),
        reverse("intelligence:jobads_upload_row", args=[upload.public_id]),
        reverse("intelligence:jobads_errors_csv", args=[upload.public_id]),
    ]


@pytest.mark.parametrize("persona", ["organisation_contact", "outsider", "health_worker"])
def test_only_the_secretariat_reaches_the_job_ad_pages(client, request, persona, processed):
    client.force_login(request.getfixturevalue(persona))

    statuses = [client.get(url).status_code for url in _pages(processed)]
    posted = client.post(
        reverse("intelligence:jobads"),
        {"upload_file": SimpleUploadedFile("ads.csv", GOOD_AND_BAD.encode()), "source": "x"},
    )
    again = client.post(reverse("intelligence:jobads_reprocess", args=[processed.public_id]))

    assert statuses == [403, 403, 403, 403]
    assert (posted.status_code, again.status_code) == (403, 403)
    assert JobAdUpload.objects.count() == 1
    assert JobAdUpload.objects.get().status == "done"


def test_anonymous_people_are_sent_to_sign_in(client, processed):
    response = client.get(reverse("intelligence:jobads"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_secretariat_uploads_a_file_and_it_is_processed(
    client, secretariat_officer, fake_engine, django_capture_on_commit_callbacks
):
    client.force_login(secretariat_officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("intelligence:jobads"),
            {
                "upload_file": SimpleUploadedFile("jan.csv", GOOD_AND_BAD.encode()),
                "source": "Public employment service",
            },
        )

    assert response.status_code == 302
    upload = JobAdUpload.objects.get()
    assert (upload.original_name, upload.source, upload.uploaded_by) == (
        "jan.csv",
        "Public employment service",
        secretariat_officer,
    )
    assert (upload.status, upload.loaded, upload.rejected) == ("done", 3, 2)
    page = client.get(reverse("intelligence:jobads"))
    assert "jan.csv" in page.content.decode()
    assert 'data-chart="data-ads"' in page.content.decode()


def test_a_refused_file_is_shown_on_the_form_and_nothing_is_stored(client, secretariat_officer):
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("intelligence:jobads"),
        {"upload_file": SimpleUploadedFile("ads.xlsx", b"PK\x03\x04"), "source": "Kept source"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Upload a .csv or a .jsonl file." in body
    assert 'value="Kept source"' in body
    assert JobAdUpload.objects.count() == 0


def test_the_progress_row_polls_while_running_and_stops_when_done(
    client, secretariat_officer, processed
):
    client.force_login(secretariat_officer)
    running = make_upload(HEADER, name="running.csv", status="running")
    JobAdUpload.objects.filter(pk=running.pk).update(total_rows=4000, processed=1000)

    busy = client.get(reverse("intelligence:jobads_upload_row", args=[running.public_id]))
    done = client.get(reverse("intelligence:jobads_upload_row", args=[processed.public_id]))

    busy_html, done_html = busy.content.decode(), done.content.decode()
    assert 'hx-trigger="every 2s"' in busy_html
    assert '<progress max="4000" value="1000"' in busy_html
    assert "1000 of 4000 rows (25 %)" in busy_html
    assert "hx-trigger" not in done_html
    assert '<td class="num">3</td>' in done_html  # loaded
    assert '<td class="num">2</td>' in done_html  # rejected


def test_the_upload_page_lists_ads_with_their_matches_and_filters_them(
    client, secretariat_officer, processed, django_assert_max_num_queries
):
    client.force_login(secretariat_officer)
    url = reverse("intelligence:jobads_upload", args=[processed.public_id])

    with django_assert_max_num_queries(16):
        response = client.get(url)
    filtered = client.get(url, {"skill": S_DIGITAL})
    by_occupation = client.get(url, {"occupation": O_NURSE})

    body = response.content.decode()
    assert "Staff nurse" in body and "Porter" in body
    assert "Write the date as YYYY-MM-DD (or DD/MM/YYYY)." in body
    assert "No occupation matched" in body
    assert [item["ad"].line for item in filtered.context["ads"]] == [2]
    assert [item["ad"].line for item in by_occupation.context["ads"]] == [2, 5]
    assert filtered.context["ads"][0]["skills"] == [(S_CARE, 0.8), (S_DIGITAL, 0.7)]


def test_the_upload_list_keeps_its_query_budget(
    client, secretariat_officer, processed, django_assert_max_num_queries
):
    for number in range(5):
        make_upload(HEADER, name=f"more-{number}.csv", status="done")
    client.force_login(secretariat_officer)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("intelligence:jobads"))

    assert len(response.context["rows"]) == 6


def test_every_problem_downloads_as_csv(client, secretariat_officer, processed, monkeypatch):
    monkeypatch.setattr(jobads, "MAX_ERRORS_KEPT", 1)
    jobads.upload_process(processed.pk, engine=FakeEngine())
    client.force_login(secretariat_officer)

    response = client.get(reverse("intelligence:jobads_errors_csv", args=[processed.public_id]))

    processed.refresh_from_db()
    assert len(processed.errors) == 1
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(response.streaming_content).decode() == (
        "\ufeffline,column,message\r\n"
        "4,date,Write the date as YYYY-MM-DD (or DD/MM/YYYY).\r\n"
        "7,country,“US” is not the two-letter code of an EU or EEA country.\r\n"
    )


def test_processing_again_from_the_page_replaces_the_ads(
    client, secretariat_officer, processed, fake_engine, django_capture_on_commit_callbacks
):
    client.force_login(secretariat_officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intelligence:jobads_reprocess", args=[processed.public_id]))

    assert response.status_code == 302
    processed.refresh_from_db()
    assert (processed.status, processed.loaded) == ("done", 3)
    assert JobAd.objects.count() == 3
    assert fake_engine.titles_seen == ["Nurse", "Porter", "Staff nurse"]


def test_a_running_upload_cannot_be_queued_again(client, secretariat_officer):
    client.force_login(secretariat_officer)
    running = make_upload(HEADER, status="running")

    client.post(reverse("intelligence:jobads_reprocess", args=[running.public_id]))

    running.refresh_from_db()
    assert running.status == "running"


def test_the_month_charts_come_with_their_figures_as_a_table(
    client, secretariat_officer, processed
):
    client.force_login(secretariat_officer)

    response = client.get(reverse("intelligence:jobads_upload", args=[processed.public_id]))

    assert response.context["table"] == [
        {"month": "2024-01", "ads": 2, "shares": [50.0, 50.0]},
        {"month": "2024-02", "ads": 1, "shares": [100.0, 0.0]},
    ]
