"""Job ads: reading both formats, bad rows, dedupe, processing, monthly counts and shares."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Sequence

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from skillspact.core.errors import NotPermitted
from skillspact.intelligence import jobads
from skillspact.intelligence.models import JobAd, JobAdMonthlyCount, JobAdSkill, JobAdUpload
from skillspact.taxonomy.engine.engine import Match
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401

HEADER = "date,title,text,country,region,employer\n"
S_CARE = "http://data.europa.eu/esco/skill/care"
S_DIGITAL = "http://data.europa.eu/esco/skill/digital"
O_NURSE = "http://data.europa.eu/esco/occupation/nurse"


class FakeEngine:
    """Nurse titles → O_NURSE (0.9), others below the threshold; "care" and "digital" in a
    text → those skills (0.8), "weak" → a skill below the threshold."""

    def __init__(self, *, fail_on: str = "") -> None:
        self.fail_on = fail_on
        self.titles_seen: list[str] = []

    def match_occupations(self, titles: Sequence[str], top: int = 5) -> list[list[Match]]:
        self.titles_seen += list(titles)
        if self.fail_on and any(self.fail_on in title for title in titles):
            raise RuntimeError("engine broke")
        return [
            [Match(O_NURSE, "nurse", 0.9 if "nurse" in title.lower() else 0.02, 0, len(title))]
            for title in titles
        ]

    def match_skills(self, texts: Sequence[str], top: int = 10) -> list[list[Match]]:
        found = []
        for text in texts:
            matches = []
            if "care" in text:
                matches.append(Match(S_CARE, "care", 0.8, 0, 4))
            if "digital" in text:
                matches.append(Match(S_DIGITAL, "digital", 0.7, 0, 4))
            if "weak" in text:
                matches.append(Match("http://data.europa.eu/esco/skill/weak", "w", 0.01, 0, 4))
            found.append(matches)
        return found


def make_upload(content: str | bytes, *, name: str = "ads.csv", status: str = "queued"):
    file_format = "jsonl" if name.endswith(".jsonl") else "csv"
    upload = JobAdUpload(original_name=name, file_format=file_format, status=status)
    data = content.encode("utf-8") if isinstance(content, str) else content
    upload.file.save(name, ContentFile(data), save=False)
    upload.save()
    return upload


def parse(content: str, file_format: str = "csv") -> list[jobads.ParseItem]:
    return list(jobads.parse_stream(io.BytesIO(content.encode("utf-8")), file_format))


def errors_of(content: str, file_format: str = "csv") -> list[tuple[int, str]]:
    return [(e.line, e.column) for item in parse(content, file_format) for e in item.errors]


# -- reading ------------------------------------------------------------------------------------


def test_a_csv_is_read_with_its_header_in_any_case_and_order_and_extra_columns_ignored():
    content = (
        "\ufeffTitle;DATE;Country;Region;Text;Salary\n"
        "Staff nurse;2024-03-15;BE;BE10;Wound care.;3000\n"
        "Data steward;05/04/2024;el;EL30;;\n"
    )

    items = parse(content)

    assert [item.ad for item in items] == [
        jobads.AdRow(
            line=2,
            posted_on=datetime.date(2024, 3, 15),
            title="Staff nurse",
            text="Wound care.",
            country="BE",
            region="BE10",
        ),
        jobads.AdRow(
            line=3,
            posted_on=datetime.date(2024, 4, 5),
            title="Data steward",
            text="",
            country="GR",
            region="EL30",
        ),
    ]


def test_json_lines_are_read_one_object_per_line():
    content = (
        json.dumps({"date": "2024-01-02", "title": "Nurse", "text": "Care.", "country": "DE"})
        + "\n\n"
        + json.dumps(
            {
                "Date": "2024-01-03",
                "title": "Midwife",
                "country": "NO",
                "region": "NO08",
                "employer": "Ullevål",
                "extra": [1, 2],
            }
        )
        + "\n"
    )

    ads = [item.ad for item in parse(content, "jsonl")]

    assert [(ad.line, ad.title, ad.country, ad.region, ad.employer) for ad in ads if ad] == [
        (1, "Nurse", "DE", "", ""),
        (3, "Midwife", "NO", "NO08", "Ullevål"),
    ]


def test_a_quoted_text_over_several_lines_keeps_the_line_numbers_of_later_rows():
    content = HEADER + '2024-01-01,Nurse,"one\ntwo\nthree",BE,,\n2024-13-01,Nurse,,BE,,\n'

    items = parse(content)

    assert items[0].ad is not None and items[0].ad.text == "one\ntwo\nthree"
    assert [(e.line, e.column) for e in items[1].errors] == [(5, "date")]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (",Nurse,,BE,,", "date", "The date is required."),
        ("2024-02-30,Nurse,,BE,,", "date", "“2024-02-30” is not a date in the calendar."),
        ("March 2024,Nurse,,BE,,", "date", "Write the date as YYYY-MM-DD (or DD/MM/YYYY)."),
        ("1985-01-01,Nurse,,BE,,", "date", "Dates before 1990 are not accepted."),
        ("2999-01-01,Nurse,,BE,,", "date", "The date is in the future."),
        ("2024-01-01,,text,BE,,", "title", "The title is required."),
        (
            "2024-01-01," + "x" * 301 + ",,BE,,",
            "title",
            "The title has 301 characters; at most 300 are accepted.",
        ),
        ("2024-01-01,Nurse,,,,", "country", "The country is required."),
        (
            "2024-01-01,Nurse,,US,,",
            "country",
            "“US” is not the two-letter code of an EU or EEA country.",
        ),
        ("2024-01-01,Nurse,,BE,B-1,", "region", "“B-1” is not a NUTS code."),
        (
            "2024-01-01,Nurse,,GR,GR30,",
            "region",
            "The region GR30 is not in the country GR (its codes start with EL).",
        ),
        (
            "2024-01-01,Nurse,,BE," + "DE11," + "E",
            "region",
            "The region DE11 is not in the country BE (its codes start with BE).",
        ),
        (
            "2024-01-01,Nurse,,BE,," + "e" * 201,
            "employer",
            "The employer has 201 characters; at most 200 are accepted.",
        ),
    ],
)
def test_every_kind_of_bad_row_is_rejected_with_its_line_column_and_message(row, column, message):
    items = parse(HEADER + "2024-01-01,Nurse,,BE,,\n" + row + "\n")

    assert items[0].ad is not None
    assert items[1].ad is None
    assert [e.as_dict() for e in items[1].errors] == [
        {"line": 3, "column": column, "message": message}
    ]


def test_a_row_with_several_problems_lists_each_of_them():
    items = parse(HEADER + "someday,,,XX,,\n")

    assert [(e.line, e.column) for e in items[0].errors] == [
        (2, "date"),
        (2, "title"),
        (2, "country"),
    ]


def test_bad_json_is_rejected_with_its_line_and_column():
    content = (
        '{"date": "2024-01-01", "title": "Nurse", "country": "BE"}\n'
        '{"date": "2024-01-01", "title": "Nurse" "country": "BE"}\n'
        '["not", "an", "object"]\n'
        '{"date": "2024-01-01", "title": 5, "country": {"code": "BE"}}\n'
    )

    items = parse(content, "jsonl")

    assert items[0].ad is not None
    assert [e.as_dict() for e in items[1].errors] == [
        {
            "line": 2,
            "column": "41",
            "message": "This line is not valid JSON: Expecting ',' delimiter (column 41).",
        }
    ]
    assert [e.as_dict() for e in items[2].errors] == [
        {"line": 3, "column": "", "message": "Each line must be one JSON object."}
    ]
    assert [(e.line, e.column) for e in items[3].errors] == [(4, "country"), (4, "country")]


def test_a_csv_without_a_required_column_is_refused_as_a_whole():
    with pytest.raises(jobads.FileRefused) as refused:
        parse("date,text,country\n2024-01-01,Care.,BE\n")

    assert refused.value.line == 1
    assert refused.value.message == (
        "The first line must name the columns date, title, text, country, region, employer; "
        "missing: title. Nothing was loaded."
    )


# -- checking the upload ------------------------------------------------------------------------


def test_an_upload_is_checked_for_size_type_and_utf8_and_a_bom_is_tolerated(monkeypatch):
    monkeypatch.setattr(jobads, "MAX_BYTES", 100)

    def message(upload):
        with pytest.raises(jobads.UploadRefused) as refused:
            jobads.validate_upload(upload)
        return refused.value.message

    assert message(SimpleUploadedFile("ads.csv", b"x" * 101)) == (
        "The file is 0.0 MB; the limit is 0 MB. Split it into several files."
    )
    assert message(SimpleUploadedFile("ads.xlsx", b"PK")) == (
        "Files of type “.xlsx” are not accepted: upload a .csv or a .jsonl file."
    )
    assert message(SimpleUploadedFile("ads.csv", b"date\nt\xe9st\n")) == (
        "The file is not UTF-8 text (line 2). Save it as “CSV UTF-8”."
    )
    assert message(SimpleUploadedFile("ads.csv", b"")) == "The file is empty."
    assert jobads.validate_upload(SimpleUploadedFile("ads.csv", "\ufeffdate\n".encode())) == "csv"
    assert jobads.validate_upload(SimpleUploadedFile("ads.ndjson", b"{}\n")) == "jsonl"


def test_only_the_secretariat_uploads(organisation_contact):
    with pytest.raises(NotPermitted):
        jobads.upload_create(
            actor=organisation_contact,
            upload_file=SimpleUploadedFile("ads.csv", HEADER.encode()),
        )

    assert JobAdUpload.objects.count() == 0


# -- processing ---------------------------------------------------------------------------------


GOOD_AND_BAD = (
    HEADER
    + "2024-01-10,Staff nurse,Wound care and digital records.,BE,BE10,Hospital A\n"
    + "2024-01-11,Porter,,BE,,\n"
    + "not a date,Nurse,,BE,,\n"
    + "2024-02-01,Nurse,Patient care. weak,DE,DE11,\n"
    + "2024-02-01,Nurse,Patient care. weak,DE,DE11,\n"
    + "2024-02-03,Nurse,,US,,\n"
)


@pytest.mark.django_db
def test_processing_loads_the_good_rows_reports_the_bad_ones_and_skips_duplicates():
    upload = make_upload(GOOD_AND_BAD)
    seen: list[tuple[int, int]] = []

    done = jobads.upload_process(
        upload.pk, engine=FakeEngine(), progress=lambda a, b: seen.append((a, b))
    )

    assert done is not None
    assert (done.status, done.total_rows, done.processed) == ("done", 6, 6)
    assert (done.loaded, done.rejected, jobads.upload_duplicates(done)) == (3, 2, 1)
    assert done.errors == [
        {"line": 4, "column": "date", "message": "Write the date as YYYY-MM-DD (or DD/MM/YYYY)."},
        {
            "line": 7,
            "column": "country",
            "message": "“US” is not the two-letter code of an EU or EEA country.",
        },
    ]
    assert seen == [(6, 6)]
    ads = {
        ad.line: (ad.title, ad.occupation_uri, ad.occupation_score, ad.month)
        for ad in JobAd.objects.filter(upload=upload)
    }
    assert ads == {
        2: ("Staff nurse", O_NURSE, 0.9, datetime.date(2024, 1, 1)),
        3: ("Porter", "", 0.02, datetime.date(2024, 1, 1)),
        5: ("Nurse", O_NURSE, 0.9, datetime.date(2024, 2, 1)),
    }
    assert sorted(JobAdSkill.objects.values_list("ad__line", "skill_uri", "score")) == [
        (2, S_CARE, 0.8),
        (2, S_DIGITAL, 0.7),
        (5, S_CARE, 0.8),
    ]


@pytest.mark.django_db
def test_each_distinct_title_is_matched_once_per_chunk():
    engine = FakeEngine()
    upload = make_upload(HEADER + "".join(f"2024-01-{d:02d},Nurse,,BE,,\n" for d in range(1, 9)))

    jobads.upload_process(upload.pk, engine=engine)

    assert engine.titles_seen == ["Nurse"]


@pytest.mark.django_db
def test_a_file_with_only_bad_rows_loads_nothing_and_lists_every_row():
    upload = make_upload(HEADER + "x,Nurse,,BE,,\n2024-01-01,,,BE,,\n")

    done = jobads.upload_process(upload.pk, engine=FakeEngine())

    assert done is not None
    assert (done.status, done.loaded, done.rejected) == ("done", 0, 2)
    assert [(e.line, e.column) for e in jobads.upload_errors(done)] == [(2, "date"), (3, "title")]
    assert JobAd.objects.count() == 0
    assert JobAdMonthlyCount.objects.count() == 0


@pytest.mark.django_db
def test_a_file_missing_a_required_column_fails_with_a_clear_message():
    upload = make_upload("date,text,country\n2024-01-01,Care.,BE\n")

    done = jobads.upload_process(upload.pk, engine=FakeEngine())

    assert done is not None
    assert done.status == "failed"
    assert done.last_error.startswith("The first line must name the columns")
    assert done.loaded == 0
    assert [e.line for e in jobads.upload_errors(done)] == [0]


@pytest.mark.django_db
def test_a_file_beyond_the_row_limit_is_refused_with_the_limit(monkeypatch):
    monkeypatch.setattr(jobads, "MAX_ROWS", 2)
    upload = make_upload(HEADER + "2024-01-01,Nurse,,BE,,\n" * 3)

    done = jobads.upload_process(upload.pk, engine=FakeEngine())

    assert done is not None
    assert done.status == "failed"
    assert done.last_error == (
        "The file has 3 rows; at most 2 are accepted. Split it into several files."
    )
    assert JobAd.objects.count() == 0


@pytest.mark.django_db
def test_processing_again_replaces_the_ads_and_the_counts_stay_exact():
    upload = make_upload(GOOD_AND_BAD)
    jobads.upload_process(upload.pk, engine=FakeEngine())
    first = sorted(JobAdMonthlyCount.objects.values_list("month", "skill_uri", "ads"))

    again = jobads.upload_process(upload.pk, engine=FakeEngine())

    assert again is not None
    assert (again.status, again.loaded, again.rejected) == ("done", 3, 2)
    assert JobAd.objects.count() == 3
    assert JobAdSkill.objects.count() == 3
    assert sorted(JobAdMonthlyCount.objects.values_list("month", "skill_uri", "ads")) == first


@pytest.mark.django_db
def test_a_crash_marks_the_upload_failed_and_leaves_nothing_counted(monkeypatch):
    monkeypatch.setattr(jobads, "CHUNK_ROWS", 1)
    monkeypatch.setattr(jobads, "chunks", lambda items, size=1: ([item] for item in items))
    upload = make_upload(HEADER + "2024-01-01,Nurse,care,BE,,\n2024-01-02,Crash,,BE,,\n")
    earlier = make_upload(HEADER + "2024-01-05,Nurse,care,BE,,\n")
    jobads.upload_process(earlier.pk, engine=FakeEngine())

    done = jobads.upload_process(upload.pk, engine=FakeEngine(fail_on="Crash"))

    assert done is not None
    assert done.status == "failed"
    assert done.last_error == "Processing stopped: engine broke"
    assert done.loaded == 0
    assert JobAd.objects.filter(upload=upload).count() == 0
    assert sorted(JobAdMonthlyCount.objects.values_list("month", "skill_uri", "ads")) == [
        (datetime.date(2024, 1, 1), "", 1),
        (datetime.date(2024, 1, 1), S_CARE, 1),
    ]


@pytest.mark.django_db
def test_an_upload_another_worker_is_processing_is_left_alone():
    upload = make_upload(GOOD_AND_BAD, status="running")

    assert jobads.upload_process(upload.pk, engine=FakeEngine()) is None
    assert JobAd.objects.count() == 0


# -- monthly counts and shares ------------------------------------------------------------------


def _ad(line, day, country="BE", region="", title="Nurse"):
    return jobads.AdRow(
        line=line, posted_on=day, title=title, text="", country=country, region=region
    )


def _store_hand_made_set():
    """Jan 2024: BE nurse ×3 (care on 2, digital on 1), BE other ×1 (care); DE nurse ×1.
    Feb 2024: BE nurse ×2 (digital on 2)."""
    jan, feb = datetime.date(2024, 1, 15), datetime.date(2024, 2, 3)
    nurse = (O_NURSE, 0.9)
    rows_matches = [
        (_ad(2, jan, region="BE10"), jobads.AdMatch(*nurse, ((S_CARE, 0.8), (S_DIGITAL, 0.6)))),
        (_ad(3, jan, region="BE10"), jobads.AdMatch(*nurse, ((S_CARE, 0.8),))),
        (_ad(4, jan, region="BE10"), jobads.AdMatch(*nurse, ())),
        (_ad(5, jan, title="Porter"), jobads.AdMatch("", None, ((S_CARE, 0.9),))),
        (_ad(6, jan, country="DE"), jobads.AdMatch(*nurse, ())),
        (_ad(7, feb, region="BE10"), jobads.AdMatch(*nurse, ((S_DIGITAL, 0.7),))),
        (_ad(8, feb, region="BE10"), jobads.AdMatch(*nurse, ((S_DIGITAL, 0.7),))),
    ]
    upload = make_upload(HEADER, status="done")
    stored = jobads.store_ads(
        upload, [row for row, _m in rows_matches], [match for _r, match in rows_matches]
    )
    return upload, stored


@pytest.mark.django_db
def test_monthly_counts_are_exact_on_a_hand_made_set():
    _upload, stored = _store_hand_made_set()

    written = jobads.monthly_counts_rebuild()

    jan, feb = datetime.date(2024, 1, 1), datetime.date(2024, 2, 1)
    assert stored == 7
    assert written == 8
    assert sorted(
        JobAdMonthlyCount.objects.values_list(
            "month", "country", "region", "occupation_uri", "skill_uri", "ads"
        )
    ) == sorted(
        [
            (jan, "BE", "BE10", O_NURSE, "", 3),
            (jan, "BE", "BE10", O_NURSE, S_CARE, 2),
            (jan, "BE", "BE10", O_NURSE, S_DIGITAL, 1),
            (jan, "BE", "", "", "", 1),
            (jan, "BE", "", "", S_CARE, 1),
            (jan, "DE", "", O_NURSE, "", 1),
            (feb, "BE", "BE10", O_NURSE, "", 2),
            (feb, "BE", "BE10", O_NURSE, S_DIGITAL, 2),
        ]
    )


@pytest.mark.django_db
def test_counts_leave_out_uploads_that_are_not_done_and_rebuild_only_the_months_given():
    upload, _stored = _store_hand_made_set()
    jobads.monthly_counts_rebuild()
    JobAdUpload.objects.filter(pk=upload.pk).update(status="running")

    jobads.monthly_counts_rebuild(months=[datetime.date(2024, 2, 20)])

    assert sorted(
        JobAdMonthlyCount.objects.filter(skill_uri="").values_list("month", "country", "ads")
    ) == [
        (datetime.date(2024, 1, 1), "BE", 1),
        (datetime.date(2024, 1, 1), "BE", 3),
        (datetime.date(2024, 1, 1), "DE", 1),
    ]


@pytest.mark.django_db
def test_job_ad_shares_divide_the_skill_s_ads_by_all_ads_of_the_same_cells():
    _store_hand_made_set()
    jobads.monthly_counts_rebuild()
    jan, feb = datetime.date(2024, 1, 1), datetime.date(2024, 2, 1)

    everywhere = jobads.job_ad_shares(skill_uri=S_CARE)
    nurses_in_be = jobads.job_ad_shares(skill_uri=S_DIGITAL, occupation_uri=O_NURSE, country="BE")
    nurse_share = jobads.job_ad_shares(occupation_uri=O_NURSE, country="BE")
    in_march = jobads.job_ad_shares(
        skill_uri=S_CARE, first=datetime.date(2024, 3, 1), last=datetime.date(2024, 3, 31)
    )

    assert everywhere == [
        jobads.SharePoint(jan, 3, 5, 0.6),
        jobads.SharePoint(feb, 0, 2, 0.0),
    ]
    assert nurses_in_be == [
        jobads.SharePoint(jan, 1, 3, round(1 / 3, 6)),
        jobads.SharePoint(feb, 2, 2, 1.0),
    ]
    assert nurse_share == [
        jobads.SharePoint(jan, 3, 4, 0.75),
        jobads.SharePoint(feb, 2, 2, 1.0),
    ]
    assert in_march == [jobads.SharePoint(datetime.date(2024, 3, 1), 0, 0, None)]


@pytest.mark.django_db
def test_the_overview_series_gives_ads_per_month_and_the_top_skills_shares():
    _store_hand_made_set()
    jobads.monthly_counts_rebuild()

    series = jobads.overview_month_series(top_skills=2)

    assert series.months == [datetime.date(2024, 1, 1), datetime.date(2024, 2, 1)]
    assert series.ads == [5, 2]
    assert series.shares == {S_CARE: [0.6, 0.0], S_DIGITAL: [0.2, 1.0]}


# -- the task with the real engine --------------------------------------------------------------


@pytest.fixture
def warm_engine(esco_v1, settings, tmp_path):  # noqa: F811
    from skillspact.taxonomy import matching

    settings.ENGINE_CACHE_DIR = tmp_path / "engine"
    matching.forget_engines()
    matching.engine_for(esco_v1)
    yield esco_v1
    matching.forget_engines()


def test_the_task_maps_titles_and_texts_with_the_engine_and_counts_the_months(
    secretariat_officer, warm_engine, django_capture_on_commit_callbacks
):
    from skillspact.taxonomy.tests.esco_files import O_DEVELOPER, O_NURSE, S_PYTHON

    content = (
        HEADER
        + "2024-05-02,Nurse responsible for general care,We ask for Python programming.,BE,,\n"
        + "2024-05-09,Software developer,Python programming every day.,FR,FR10,\n"
        + "2024-05-09,Software developer,Python programming every day.,FR,FR10,\n"
        + "bad,Nurse,,BE,,\n"
    )

    with django_capture_on_commit_callbacks(execute=True):
        upload = jobads.upload_create(
            actor=secretariat_officer,
            upload_file=SimpleUploadedFile("may.csv", content.encode()),
            source="Portal",
        )

    upload.refresh_from_db()
    assert (upload.status, upload.loaded, upload.rejected, upload.source) == (
        "done",
        2,
        1,
        "Portal",
    )
    assert dict(JobAd.objects.values_list("line", "occupation_uri")) == {
        2: O_NURSE,
        3: O_DEVELOPER,
    }
    assert set(JobAdSkill.objects.values_list("ad__line", "skill_uri")) >= {
        (2, S_PYTHON),
        (3, S_PYTHON),
    }
    assert all(
        score >= jobads.SKILL_MIN_SCORE
        for score in JobAdSkill.objects.values_list("score", flat=True)
    )
    assert jobads.job_ad_shares(skill_uri=S_PYTHON) == [
        jobads.SharePoint(datetime.date(2024, 5, 1), 2, 2, 1.0)
    ]
