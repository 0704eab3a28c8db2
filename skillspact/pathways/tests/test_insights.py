"""The secretariat's view of the pathways: who may see it, the tables, the country filter and the
CSV of uncovered skills."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from skillspact.accounts.models import User
from skillspact.pathways.factories import PlanFactory, PlanSkillFactory
from skillspact.pathways.models import Plan, PlanSkill
from skillspact.taxonomy.models import EscoVersion
from skillspact.taxonomy.tests import conftest as taxonomy_fixtures
from skillspact.taxonomy.tests.esco_files import O_NURSE, S_DATA, S_PYTHON

esco_folder = taxonomy_fixtures.esco_folder
esco_v1 = taxonomy_fixtures.esco_v1

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(esco_v1: EscoVersion) -> list[Plan]:
    belgian = PlanFactory(country="BE")
    german = PlanFactory(country="DE")
    nurse = PlanFactory(
        country="DE", target_uri=O_NURSE, target_label="nurse responsible for general care"
    )
    archived = PlanFactory(country="DE", status=Plan.Status.ARCHIVED)
    for plan in (belgian, german, archived):
        PlanSkillFactory(plan=plan, skill_uri=S_PYTHON)
    PlanSkillFactory(plan=german, skill_uri=S_DATA)
    PlanSkillFactory(plan=nurse, skill_uri=S_DATA, state=PlanSkill.State.COVERED)
    return [belgian, german, nurse, archived]


@pytest.mark.parametrize("name", ["pathways:insights", "pathways:insights_uncovered_csv"])
def test_only_the_secretariat_sees_the_insights(
    client: Any, health_worker: User, organisation_contact: User, name: str
) -> None:
    client.force_login(health_worker)
    worker = client.get(reverse(name))
    client.force_login(organisation_contact)
    contact = client.get(reverse(name))

    assert (worker.status_code, contact.status_code) == (403, 403)


def test_the_insights_count_targets_and_uncovered_skills_without_archived_plans(
    client: Any, secretariat_officer: User, plans: list[Plan], django_assert_max_num_queries: Any
) -> None:
    client.force_login(secretariat_officer)

    with django_assert_max_num_queries(16):
        response = client.get(reverse("pathways:insights"))

    data = response.context["data"]
    assert response.status_code == 200
    assert (data.plans, data.people) == (3, 3)
    assert [(row.label, row.plans) for row in data.targets] == [
        ("clinical informatics specialist", 2),
        ("nurse responsible for general care", 1),
    ]
    assert [(row.label, row.plans, row.countries) for row in data.uncovered] == [
        ("Python (computer programming)", 2, ["BE", "DE"]),
        ("data protection", 1, ["DE"]),
    ]
    content = response.content.decode()
    assert "<caption>Skills that stay uncovered most often</caption>" in content
    assert 'data-chart="data-uncovered"' in content


def test_the_insights_filter_by_country(
    client: Any, secretariat_officer: User, plans: list[Plan]
) -> None:
    client.force_login(secretariat_officer)

    response = client.get(reverse("pathways:insights"), {"country": "BE"})

    data = response.context["data"]
    assert data.plans == 1
    assert [(row.label, row.plans) for row in data.uncovered] == [
        ("Python (computer programming)", 1)
    ]
    assert "?country=BE" in response.content.decode()


def test_the_uncovered_skills_download_as_csv(
    client: Any, secretariat_officer: User, plans: list[Plan]
) -> None:
    client.force_login(secretariat_officer)

    response = client.get(reverse("pathways:insights_uncovered_csv"), {"country": "DE"})

    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="uncovered-skills-de.csv"' in response["Content-Disposition"]
    assert rows == [
        ["ESCO skill", "URI", "Plans that need it", "People", "Countries"],
        ["data protection", S_DATA, "1", "1", "DE"],
        ["Python (computer programming)", S_PYTHON, "1", "1", "DE"],
    ]


def test_an_empty_insights_page_says_so(client: Any, secretariat_officer: User) -> None:
    client.force_login(secretariat_officer)

    response = client.get(reverse("pathways:insights"))

    assert b"No plan is saved yet." in response.content
