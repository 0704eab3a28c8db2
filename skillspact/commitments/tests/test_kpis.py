"""The KPI pages and API: wiring, who sees what, exact figures, query budgets."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from skillspact.accounts.models import User
from skillspact.commitments import kpis
from skillspact.commitments.factories import (
    CommitmentFactory,
    CommitmentTargetFactory,
    ProgressReportFactory,
    ReportInclusionFactory,
    ReportingWindowFactory,
)
from skillspact.commitments.models import KpiClaim, OverlapResolution, ProgressReport
from skillspact.core.models import AuditEntry
from skillspact.organisations.factories import OrganisationFactory
from skillspact.organisations.models import Organisation

pytestmark = pytest.mark.django_db

YEAR = 2025
T0 = timezone.make_aware(datetime.datetime(2026, 2, 1, 9, 0))
DASHBOARD = "/kpis/"
API = "/api/v1/kpis"


def organisation(name: str, country: str = "BE", kind: str = "healthcare_provider") -> Organisation:
    return OrganisationFactory(  # type: ignore[no-any-return]
        legal_name=name, slug=name.lower().replace(" ", "-"), country=country, stakeholder_type=kind
    )


def report(
    org: Organisation, trained: int, *, euros: int = 10_000, minutes: int = 0, year: int = YEAR
) -> ProgressReport:
    return ProgressReportFactory(  # type: ignore[no-any-return]
        commitment=CommitmentFactory(organisation=org),
        window=ReportingWindowFactory(year=year),
        submitted_at=T0 + datetime.timedelta(minutes=minutes),
        people_trained=trained,
        people_reached=trained + 50,
        programmes=1,
        stakeholders=2,
        euros=euros,
    )


@pytest.fixture
def partnership(member_organisation: Organisation) -> dict[str, Any]:
    """Five Belgian hospitals, the Spanish member, and a Maltese clinic two umbrellas include.

    Counted people trained in 2025: 5 × 100 + 40 (HUN) + (300 − 20) + (200 − 10) + 20 (the
    clinic, through the earlier umbrella) = 1,030; the later umbrella's 10 for the clinic is a
    conflict.
    """
    for index in range(5):
        report(organisation(f"Belgian Hospital {index}"), 100)
    report(member_organisation, 40, euros=4_000)
    clinic = organisation("Maltese Clinic", country="MT", kind="education_vet")
    early = report(organisation("Network Early", country="FR"), 300, minutes=1)
    late = report(organisation("Network Late", country="FR"), 200, minutes=2)
    for umbrella_report, people in ((early, 20), (late, 10)):
        umbrella_report.includes_other_organisations = True
        umbrella_report.save()
        ReportInclusionFactory(
            report=umbrella_report,
            organisation=clinic,
            people_trained=people,
            people_reached=people,
            euros=500,
        )
    CommitmentTargetFactory(
        commitment=CommitmentFactory(organisation=member_organisation), year=2030, people=5_000
    )
    return {"clinic": clinic, "early": early, "late": late}


# -- the dashboard -------------------------------------------------------------------------------


def test_the_public_dashboard_shows_the_partnerships_totals_within_a_query_budget(
    client: Client, partnership: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    kpis.ensure_fresh()

    with django_assert_max_num_queries(10):
        response = client.get(DASHBOARD)

    assert response.status_code == 200
    page = response.content.decode()
    assert "1,030" in page
    assert "5,000" in page  # the pledge for 2030
    assert "vendor/plotly.min.js" in page
    assert 'data-chart="data-country"' in page
    # Aggregates only: no organisation is named, Malta's lone clinic is folded into "Other".
    assert "Maltese Clinic" not in page
    assert "Network Early" not in page
    countries = response.context["kpis"].breakdown("country")
    assert [row.label for row in countries.rows] == [
        "Belgium",
        "Other (each fewer than 3 organisations)",
    ]
    assert "Overlaps to resolve" not in page
    assert "Per organisation" not in page


def test_the_dashboard_rebuilds_a_stale_year_before_showing_it(
    client: Client, partnership: dict[str, Any]
) -> None:
    response = client.get(DASHBOARD)

    assert "1,030" in response.content.decode()
    assert KpiClaim.objects.filter(year=YEAR).count() == 10


def test_a_country_filter_narrows_the_figures(client: Client, partnership: dict[str, Any]) -> None:
    response = client.get(DASHBOARD, {"country": "BE", "year": YEAR})

    found = response.context["kpis"]
    assert response.context["filters"] == kpis.KpiFilters(year=YEAR, country="BE")
    assert found.rows[0].figures.people_trained == 500
    assert found.rows[0].figures.organisations == 5


def test_a_filter_that_is_not_valid_is_ignored_and_said_so(
    client: Client, partnership: dict[str, Any]
) -> None:
    response = client.get(DASHBOARD, {"country": "ZZ", "stakeholder_type": "healthcare_provider"})

    assert response.status_code == 200
    assert response.context["filters"] == kpis.KpiFilters(stakeholder_type="healthcare_provider")
    assert "Some filters were not valid" in response.content.decode()


def test_a_member_also_sees_its_own_figures(
    client: Client, organisation_contact: User, partnership: dict[str, Any]
) -> None:
    client.force_login(organisation_contact)

    response = client.get(DASHBOARD)

    rows = response.context["member_rows"]
    assert [
        (r.organisation.acronym, r.year, r.reports, r.counted.people_trained) for r in rows
    ] == [("HUN", 2025, 1, 40)]
    assert "Your organisation’s figures" in response.content.decode()
    assert "Per organisation" not in response.content.decode()


def test_the_secretariat_sees_every_organisation_and_the_overlaps_link(
    client: Client, secretariat_officer: User, partnership: dict[str, Any]
) -> None:
    client.force_login(secretariat_officer)

    response = client.get(DASHBOARD)

    page = response.content.decode()
    assert response.context["page"].paginator.count == 9
    assert "Maltese Clinic" in page
    assert "Overlaps to resolve" in page
    table = {
        row.organisation.legal_name: (row.counted.people_trained, row.set_aside.people_trained)
        for row in response.context["organisation_rows"]
    }
    assert table["Maltese Clinic"] == (20, 10)
    assert table["Network Early"] == (280, 0)


# -- the annual report ---------------------------------------------------------------------------


def test_the_printable_annual_report(client: Client, partnership: dict[str, Any]) -> None:
    response = client.get(reverse("commitments:kpis_annual_report"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "@media print" in page
    assert "Indicators of the annual member survey" in page
    assert "1,030" in page
    assert "Maltese Clinic" not in page


def _sheets(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def test_the_public_workbook_holds_aggregates_only(
    client: Client, partnership: dict[str, Any]
) -> None:
    response = client.get(reverse("commitments:kpis_annual_report_xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = _sheets(response.content)
    assert list(sheets) == [
        "About",
        "Indicators",
        "By country",
        "By stakeholder type",
        "By principle",
        "By occupation group",
        "By skill area",
        "Overlaps set aside",
    ]
    header, year_2025, everything = sheets["Indicators"]
    row = dict(zip(header, year_2025, strict=True))
    assert row["Year"] == 2025
    assert row["People trained"] == 1030
    # The later umbrella's 500 euros for the clinic are set aside.
    assert row["Euros invested"] == 5 * 10_000 + 4_000 + 20_000 - 500
    assert dict(zip(header, everything, strict=True))["People pledged"] == 5_000
    # One conflict (one organisation): too few to show.
    assert sheets["Overlaps set aside"][1][:3] == (
        2025,
        KpiClaim.SetAside.CONFLICT.label,
        "not shown",
    )
    assert "Maltese Clinic" not in str(sheets)


def test_the_secretariats_workbook_names_organisations_and_overlaps(
    client: Client, secretariat_officer: User, partnership: dict[str, Any]
) -> None:
    client.force_login(secretariat_officer)

    sheets = _sheets(client.get(reverse("commitments:kpis_annual_report_xlsx")).content)

    assert "Per organisation" in sheets
    overlaps = sheets["Overlaps set aside"]
    assert overlaps[1][:3] == (2025, "Maltese Clinic", "Network Late")
    per_organisation = {row[1]: row for row in sheets["Per organisation"][1:]}
    assert per_organisation["Maltese Clinic"][5] == 20  # people trained, counted
    assert per_organisation["Maltese Clinic"][10] == 10  # people set aside


# -- the overlaps --------------------------------------------------------------------------------


def test_only_the_secretariat_reaches_the_overlaps(
    client: Client, organisation_contact: User, partnership: dict[str, Any]
) -> None:
    url = reverse("commitments:overlaps")
    assert client.get(url).status_code == 302
    client.force_login(organisation_contact)
    assert client.get(url).status_code == 403
    response = client.post(
        reverse("commitments:overlap_resolve"),
        {"year": YEAR, "organisation": str(partnership["clinic"].public_id), "counted": "own"},
    )
    assert response.status_code == 403
    assert not OverlapResolution.objects.exists()


def test_the_overlaps_page_opens_on_the_year_with_a_conflict_to_settle(
    client: Client, secretariat_officer: User, partnership: dict[str, Any]
) -> None:
    later = ReportingWindowFactory(year=YEAR + 1)
    ProgressReportFactory(commitment__organisation=OrganisationFactory(), window=later)
    client.force_login(secretariat_officer)

    page = client.get(reverse("commitments:overlaps"))

    assert page.context["year"] == YEAR
    assert [o.organisation.legal_name for o in page.context["overlaps"]] == ["Maltese Clinic"]


def test_the_secretariat_resolves_a_conflict_for_the_later_umbrella(
    client: Client, secretariat_officer: User, partnership: dict[str, Any]
) -> None:
    client.force_login(secretariat_officer)
    page = client.get(reverse("commitments:overlaps"), {"year": YEAR})
    assert [o.organisation.legal_name for o in page.context["overlaps"]] == ["Maltese Clinic"]
    assert page.context["overlaps"][0].reasons == ["conflict"]

    response = client.post(
        reverse("commitments:overlap_resolve"),
        {
            "year": YEAR,
            "organisation": str(partnership["clinic"].public_id),
            "counted": str(partnership["late"].public_id),
            "reason": "The later network runs the courses.",
        },
    )

    assert response.status_code == 302
    resolution = OverlapResolution.objects.get()
    assert resolution.counted_report == partnership["late"]
    assert AuditEntry.objects.filter(code="commitments.overlap.resolved").count() == 1
    found = kpis.kpis_for(user=secretariat_officer, filters=kpis.KpiFilters())
    assert found.rows[0].figures.people_trained == 1030 - 20 + 10

    client.post(
        reverse("commitments:overlap_resolve"),
        {"year": YEAR, "organisation": str(partnership["clinic"].public_id), "counted": "reset"},
    )
    assert not OverlapResolution.objects.exists()
    found = kpis.kpis_for(user=secretariat_officer, filters=kpis.KpiFilters())
    assert found.rows[0].figures.people_trained == 1030


def test_naming_a_report_that_does_not_exist_is_not_found(
    client: Client, secretariat_officer: User, partnership: dict[str, Any]
) -> None:
    client.force_login(secretariat_officer)

    response = client.post(
        reverse("commitments:overlap_resolve"),
        {"year": YEAR, "organisation": str(partnership["clinic"].public_id), "counted": "nope"},
    )

    assert response.status_code == 404
    assert not OverlapResolution.objects.exists()


def test_naming_a_report_that_does_not_include_the_organisation_is_refused(
    client: Client, secretariat_officer: User, partnership: dict[str, Any]
) -> None:
    client.force_login(secretariat_officer)
    unrelated = ProgressReport.objects.exclude(includes_other_organisations=True).first()
    assert unrelated is not None

    response = client.post(
        reverse("commitments:overlap_resolve"),
        {
            "year": YEAR,
            "organisation": str(partnership["clinic"].public_id),
            "counted": str(unrelated.public_id),
        },
        follow=True,
    )

    assert "does not include Maltese Clinic" in response.content.decode()
    assert not OverlapResolution.objects.exists()


# -- the API -------------------------------------------------------------------------------------


def test_the_api_gives_the_public_aggregates_as_json(
    client: Client, partnership: dict[str, Any]
) -> None:
    response = client.get(API, {"year": YEAR})

    assert response.status_code == 200
    body = response.json()
    assert body["filters"] == {"year": 2025, "country": "", "stakeholder_type": ""}
    assert body["min_organisations"] == 3
    [year] = body["years"]
    assert year["year"] == 2025
    assert year["figures"] == {
        "suppressed": False,
        "organisations": 9,
        "reports": 8,
        "progressing": 8,
        "share_progressing": 100.0,
        "people_trained": 1030,
        "people_reached": 1030 + 8 * 50 - 30 + 30,
        "programmes": 8,
        "stakeholders": 16,
        "euros": 73_500,
        "set_aside_people": 10,
        "set_aside_euros": 500,
    }
    assert body["cumulative"]["pledge"] == {"people": 5_000, "programmes": 2, "euros": 50_000}
    assert body["target"]["people_pledged"] == 5_000
    assert body["breakdown_year"] == 2025
    countries = next(b for b in body["breakdowns"] if b["dimension"] == "country")
    assert [(r["key"], r["figures"]["people_trained"]) for r in countries["rows"]][0] == ("BE", 500)
    assert "MT" not in {r["key"] for r in countries["rows"]}


def test_the_api_suppresses_a_small_selection(client: Client, partnership: dict[str, Any]) -> None:
    body = client.get(API, {"country": "MT"}).json()

    assert body["years"][0]["figures"]["suppressed"] is True
    assert body["years"][0]["figures"]["people_trained"] is None
    assert body["target"]["people_trained"] is None


def test_the_api_gives_csv(client: Client, partnership: dict[str, Any]) -> None:
    response = client.get(API, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (rows[0]["section"], rows[0]["year"], rows[0]["people_trained"]) == (
        "year",
        "2025",
        "1030",
    )
    assert rows[1]["section"] == "cumulative"
    assert {row["dimension"] for row in rows[2:]} == {
        "country",
        "stakeholder_type",
        "principle",
        "occupation_group",
        "skill_area",
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": "2019"}, "year"),
        ({"year": "soon"}, "year"),
        ({"country": "ZZ"}, "country"),
        ({"stakeholder_type": "wizards"}, "stakeholder_type"),
        ({"format": "pdf"}, "format"),
    ],
)
def test_the_api_refuses_a_bad_filter_with_a_typed_error(
    client: Client, query: dict[str, str], field: str
) -> None:
    response = client.get(API, query)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert list(error["fields"]) == [field]


def test_progress_is_also_shown_against_the_partnerships_target(
    client: Client, partnership: dict[str, Any], settings: Any
) -> None:
    settings.PARTNERSHIP_TARGET_PEOPLE_2030 = 10_300

    response = client.get(DASHBOARD)
    body = client.get(API).json()

    target = response.context["kpis"].target
    assert (target.trained, target.pledged, target.partnership_target) == (1030, 5_000, 10_300)
    assert target.share_of_target == pytest.approx(10.0)
    assert "10.0 % of the partnership’s target of 10,300 people" in response.content.decode()
    assert body["target"] == {
        "people_trained": 1030,
        "people_pledged": 5_000,
        "share_of_pledge": pytest.approx(20.6),
        "partnership_target": 10_300,
        "share_of_target": pytest.approx(10.0),
    }
