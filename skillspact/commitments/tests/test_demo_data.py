"""The demo's commitments, windows, reports and overlaps that `seed_demo` loads."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from skillspact.accounts.models import User
from skillspact.commitments import demo_data, selectors, services
from skillspact.commitments.models import (
    METRICS,
    Commitment,
    CommitmentConcept,
    CommitmentTarget,
    OverlapResolution,
    ProgressReport,
    ReportInclusion,
    ReportingWindow,
)
from skillspact.organisations.management.commands.seed_demo import CONTACT_EMAIL
from skillspact.taxonomy.seed import LOCAL_ROLES, SHIPPED_ZIP

pytestmark = pytest.mark.django_db


def seed(**options: Any) -> str:
    out = io.StringIO()
    options = {"job_ads": 1_500, "survey_responses": 200, **options}
    call_command("seed_demo", organisations=60, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def counts() -> dict[str, Any]:
    return {
        "commitments": Counter(Commitment.objects.values_list("status", flat=True)),
        "reports": Counter(ProgressReport.objects.values_list("window__year", "status")),
        "inclusions": ReportInclusion.objects.count(),
        "resolutions": OverlapResolution.objects.count(),
        "windows": sorted((w.year, w.state) for w in ReportingWindow.objects.all()),
    }


def test_sixty_organisations_get_commitments_windows_and_three_years_of_reports() -> None:
    output = seed()

    assert counts() == {
        "commitments": {"published": 18, "submitted": 2, "draft": 1},
        "reports": {
            (2023, "submitted"): 8,
            (2024, "submitted"): 9,
            (2025, "submitted"): 13,
            (2026, "submitted"): 4,
            (2026, "draft"): 1,
        },
        "inclusions": 10,
        "resolutions": 1,
        "windows": [(2023, "closed"), (2024, "closed"), (2025, "closed"), (2026, "open")],
    }
    assert "  commitments     21 (draft 1, submitted 2, published 18)\n" in output
    assert CommitmentTarget.objects.filter(year=2030).count() == 21
    assert not CommitmentConcept.objects.exclude(
        uri__in=[c.uri for c in (*demo_data.OCCUPATIONS.values(), *demo_data.SKILLS.values())]
    ).exists()


def test_every_report_keeps_the_rules_of_the_report_form() -> None:
    seed()

    reports = ProgressReport.objects.select_related("commitment", "window").prefetch_related(
        "occupation_figures", "inclusions"
    )
    for report in reports:
        report.full_clean()
        assert report.commitment.status == Commitment.Status.PUBLISHED
        assert report.organisation_id == report.commitment.organisation_id
        assert report.commitment.published_at.year <= report.window.year
        if report.status == ProgressReport.Status.DRAFT:
            continue
        assert report.submitted_at is not None
        assert report.window.opens_on <= report.submitted_at.date() <= report.window.closes_on
        assert report.progress_status
        assert all(getattr(report, metric) is not None for metric in METRICS), report
        assert report.people_trained <= report.people_reached
        breakdown = report.gender_breakdown()
        if any(value is not None for value in breakdown):
            assert sum(value or 0 for value in breakdown) == report.people_trained
            assert min(value or 0 for value in breakdown) >= 0
        by_occupation = sum(f.people_trained for f in report.occupation_figures.all())
        assert by_occupation <= report.people_trained
        inclusions = list(report.inclusions.all())
        assert report.includes_other_organisations == bool(inclusions)
        for metric in METRICS:
            assert sum(getattr(i, metric) for i in inclusions) <= getattr(report, metric)
        assert report.organisation_id not in [i.organisation_id for i in inclusions]
    for commitment in Commitment.objects.all():
        commitment.full_clean()


def test_umbrella_networks_overlap_with_their_members() -> None:
    seed()

    included = ReportInclusion.objects.select_related("report__window", "organisation")
    own = {
        (organisation, year)
        for organisation, year in ProgressReport.objects.filter(status="submitted").values_list(
            "organisation_id", "window__year"
        )
    }
    # A network includes a member that reports the same year itself.
    self_reported = [i for i in included if (i.organisation_id, i.report.window.year) in own]
    assert self_reported
    assert all(
        i.organisation.networks.filter(pk=i.report.organisation_id).exists() for i in self_reported
    )
    # Two networks include the same member, which does not report itself, in 2025.
    by_member = Counter(i.organisation_id for i in included if i.report.window.year == 2025)
    conflicts = [org for org, n in by_member.items() if n > 1 and (org, 2025) not in own]
    assert len(conflicts) == 1
    # The same overlap in 2024 was settled by the secretariat.
    resolution = OverlapResolution.objects.get()
    assert (resolution.year, resolution.organisation_id) == (2024, conflicts[0])
    assert resolution.counted_report.inclusions.filter(organisation_id=conflicts[0]).exists()


def test_the_demo_contact_can_report_in_the_open_window() -> None:
    seed()
    contact = User.objects.get(email=CONTACT_EMAIL)

    mine = Commitment.objects.filter(organisation__affiliations__user=contact)
    assert Counter(mine.values_list("status", flat=True)) == {"published": 2, "draft": 1}
    overview = selectors.reports_overview(user=contact)
    current = [row for row in overview.rows if row.window.year == 2026]
    assert sorted(row.state for row in current) == ["draft", "not_started"]
    not_started = next(row for row in current if row.report is None)

    report = services.report_get_or_start(
        commitment=not_started.commitment, window=not_started.window, actor=contact
    )

    assert report.status == ProgressReport.Status.DRAFT


def test_if_empty_leaves_the_seeded_commitments_alone() -> None:
    seed()
    before = counts()

    output = seed(if_empty=True)

    assert output.strip() == "database already has data; demo data not loaded"
    assert counts() == before


class _Rollback(Exception):
    pass


def _seeded_reports(seed_value: int) -> list[tuple[str, int, int | None]]:
    found: list[tuple[str, int, int | None]] = []
    try:
        with transaction.atomic():
            seed(seed=seed_value)
            found = list(
                ProgressReport.objects.order_by("commitment__title", "window__year").values_list(
                    "commitment__title", "window__year", "people_trained"
                )
            )
            raise _Rollback
    except _Rollback:
        pass
    return found


def test_the_same_seed_gives_the_same_reports() -> None:
    first, again = _seeded_reports(7), _seeded_reports(7)

    assert first and first == again


def _shipped(name: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(SHIPPED_ZIP) as archive, archive.open(name) as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")))


def test_the_target_concepts_are_esco_v1_1_1_or_shipped_local_roles() -> None:
    occupations = {row["conceptUri"]: row for row in _shipped("occupations_en.csv")}
    skills = {row["conceptUri"]: row for row in _shipped("skills_en.csv")}
    green = {row["conceptUri"] for row in _shipped("greenSkillsCollection_en.csv")}
    digital = {row["conceptUri"] for row in _shipped("digitalSkillsCollection_en.csv")}
    local = {f"urn:skillspact:occupation:{role.slug}": role for role in LOCAL_ROLES}

    for concept in demo_data.OCCUPATIONS.values():
        if concept.is_local:
            role = local[concept.uri]
            assert (concept.label, concept.isco_major) == (
                role.preferred_label,
                role.isco_group[:1],
            )
            continue
        row = occupations[concept.uri]
        assert (concept.label, concept.isco_major) == (
            row["preferredLabel"].strip(),
            row["iscoGroup"][:1],
        )
    for concept in demo_data.SKILLS.values():
        assert concept.label == skills[concept.uri]["preferredLabel"].strip()
        assert (concept.is_green, concept.is_digital) == (
            concept.uri in green,
            concept.uri in digital,
        )
    assert any(c.is_green for c in demo_data.SKILLS.values())
    assert any(c.is_digital for c in demo_data.SKILLS.values())
