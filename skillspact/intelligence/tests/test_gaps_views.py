"""The landing page and the gap pages: who sees them, what they show, exports, query budget."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from skillspact.intelligence.models import Survey
from skillspact.intelligence.tests.test_gaps import GapData, build_gap_data
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import O_NURSE, S_DATA, S_PYTHON, S_RISK


@pytest.fixture
def gap_data(esco_v1: Any) -> GapData:  # noqa: F811  # noqa: F811
    return build_gap_data()


PAGES = ["intelligence:index", "intelligence:gaps", "intelligence:gaps_export"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_people_are_sent_to_sign_in(client: Client, name: str) -> None:
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", PAGES)
def test_outsiders_and_health_workers_are_refused(
    client: Client, outsider: Any, health_worker: Any, name: str
) -> None:
    for person in (outsider, health_worker):
        client.force_login(person)
        assert client.get(reverse(name)).status_code == 403


def test_member_contacts_see_the_gaps(
    client: Client, gap_data: GapData, organisation_contact: Any
) -> None:
    client.force_login(organisation_contact)

    response = client.get(reverse("intelligence:gaps"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "data protection" in page
    assert 'aria-live="polite"' in page
    assert "How this is computed" in page
    assert [row.skill_uri for row in response.context["page"].object_list] == [
        S_PYTHON, S_DATA, S_RISK,
    ]  # fmt: skip
    assert page.count("Small sample</span>") == 2


def test_landing_page_gives_headline_numbers_and_the_synthetic_label(
    client: Client, gap_data: GapData, secretariat_officer: Any
) -> None:
    Survey.objects.filter(slug="flash-1").update(is_synthetic=True)
    client.force_login(secretariat_officer)

    response = client.get(reverse("intelligence:index"))

    assert response.status_code == 200
    numbers = response.context["numbers"]
    assert (numbers["surveys"], numbers["responses"], numbers["ratings"]) == (2, 5, 5)
    assert numbers["employers"] == 2
    assert "Synthetic demo data" in response.content.decode()
    assert reverse("intelligence:gaps") in response.content.decode()


def test_gap_page_filters_and_htmx_gets_the_results_only(
    client: Client, gap_data: GapData, secretariat_officer: Any
) -> None:
    client.force_login(secretariat_officer)

    response = client.get(reverse("intelligence:gaps"), {"country": "FR"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "intelligence/gaps/_results.html"
    assert [row.skill_uri for row in response.context["page"].object_list] == [S_PYTHON]


def test_invalid_filters_are_said_and_left_out(
    client: Client, gap_data: GapData, secretariat_officer: Any
) -> None:
    client.force_login(secretariat_officer)

    response = client.get(reverse("intelligence:gaps"), {"isco_group": "abc", "country": "FR"})

    assert response.status_code == 200
    assert "Not an ISCO-08 group code" in response.content.decode()
    assert response.context["filters"].country == "FR"
    assert response.context["filters"].isco_group == ""


def test_gap_page_heatmap_by_occupation_with_its_table(
    client: Client, gap_data: GapData, secretariat_officer: Any
) -> None:
    client.force_login(secretariat_officer)

    response = client.get(reverse("intelligence:gaps"))

    assert [key for key, _l in response.context["heatmap"].columns][0] == O_NURSE
    assert '"type": "heatmap"' in response.context["heatmap_json"]
    assert "The heatmap as a table" in response.content.decode()


def test_gap_page_keeps_to_a_query_budget(
    client: Client,
    gap_data: GapData,
    secretariat_officer: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(secretariat_officer)

    with django_assert_max_num_queries(30):
        response = client.get(reverse("intelligence:gaps"), {"by": "region"})

    assert response.status_code == 200


def test_drill_down_shows_the_evidence(
    client: Client, gap_data: GapData, secretariat_officer: Any
) -> None:
    client.force_login(secretariat_officer)

    response = client.get(reverse("intelligence:gap_skill"), {"uri": S_DATA, "country": "ES"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>data protection</h1>" in page
    assert response.context["ratings_table"] == [
        (1, 0, 0),
        (2, 0, 4),
        (3, 2, 0),
        (4, 0, 0),
        (5, 2, 0),
    ]
    assert response.context["employers_cited"] == 2
    assert "By name (secretariat only)" in page
    assert '"type": "scatter"' in response.context["series_json"]


def test_drill_down_names_no_employer_to_member_contacts(
    client: Client, gap_data: GapData, organisation_contact: Any
) -> None:
    client.force_login(organisation_contact)

    response = client.get(reverse("intelligence:gap_skill"), {"uri": S_DATA})

    assert response.status_code == 200
    assert response.context["evidence"].employers == []
    assert "By name (secretariat only)" not in response.content.decode()


def test_drill_down_of_an_unknown_skill_is_404(
    client: Client, gap_data: GapData, secretariat_officer: Any
) -> None:
    client.force_login(secretariat_officer)

    assert client.get(reverse("intelligence:gap_skill"), {"uri": "nope"}).status_code == 404
    assert client.get(reverse("intelligence:gap_skill")).status_code == 404


def test_export_csv_has_every_row(
    client: Client, gap_data: GapData, secretariat_officer: Any
) -> None:
    client.force_login(secretariat_officer)

    response = client.get(reverse("intelligence:gaps_export"), {"format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())  # spreadsheets read it as UTF-8
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Rank,Skill URI,Skill,Digital,Green,Gap score")
    assert len(lines) == 4
    assert lines[2].split(",")[:6] == ["2", S_DATA, "data protection", "True", "False", "0.4"]


def test_export_xlsx_opens(client: Client, gap_data: GapData, secretariat_officer: Any) -> None:
    from openpyxl import load_workbook

    client.force_login(secretariat_officer)

    response = client.get(reverse("intelligence:gaps_export"), {"format": "xlsx", "country": "FR"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == S_PYTHON
