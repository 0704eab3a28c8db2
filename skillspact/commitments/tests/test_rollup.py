"""The KPI roll-up: each organisation's figures counted once, proved on hand-made cases."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from skillspact.accounts.models import User
from skillspact.commitments import kpis, rollup, services
from skillspact.commitments.factories import (
    CommitmentFactory,
    CommitmentTargetFactory,
    ProgressReportFactory,
    ReportInclusionFactory,
    ReportingWindowFactory,
)
from skillspact.commitments.models import (
    Commitment,
    CommitmentConcept,
    KpiCell,
    KpiClaim,
    KpiState,
    OverlapResolution,
    Principle,
    ProgressReport,
    ProgressStatus,
)
from skillspact.organisations.factories import OrganisationFactory
from skillspact.organisations.models import Organisation, StakeholderType

pytestmark = pytest.mark.django_db

YEAR = 2025
SUMS = ("organisations", "reports", "progressing", "people_trained", "people_reached")
SUMS += ("programmes", "stakeholders", "euros", "set_aside_people", "set_aside_euros")
T0 = timezone.make_aware(datetime.datetime(2026, 2, 1, 9, 0))


def organisation(name: str, country: str = "BE", kind: str = "healthcare_provider") -> Organisation:
    return OrganisationFactory(
        legal_name=name, slug=name.lower().replace(" ", "-"), country=country, stakeholder_type=kind
    )


def report(
    org: Organisation,
    trained: int,
    *,
    reached: int | None = None,
    programmes: int = 1,
    stakeholders: int = 2,
    euros: int = 10_000,
    year: int = YEAR,
    minutes: int = 0,
    status: str = ProgressReport.Status.SUBMITTED,
    progress: str = ProgressStatus.ON_TRACK,
    commitment: Commitment | None = None,
    principles: list[str] | None = None,
) -> ProgressReport:
    """A report of `org` on a commitment of its own, submitted `minutes` after T0."""
    if commitment is None:
        commitment = CommitmentFactory(
            organisation=org, principles=principles or [Principle.LIFELONG_LEARNING.value]
        )
    return ProgressReportFactory(
        commitment=commitment,
        window=ReportingWindowFactory(year=year),
        status=status,
        submitted_at=T0 + datetime.timedelta(minutes=minutes)
        if status == ProgressReport.Status.SUBMITTED
        else None,
        progress_status=progress,
        people_trained=trained,
        people_reached=trained + 50 if reached is None else reached,
        programmes=programmes,
        stakeholders=stakeholders,
        euros=euros,
        includes_other_organisations=False,
    )


def include(
    umbrella_report: ProgressReport, org: Organisation, trained: int, euros: int = 1_000
) -> None:
    umbrella_report.includes_other_organisations = True
    umbrella_report.save(update_fields=["includes_other_organisations"])
    ReportInclusionFactory(
        report=umbrella_report,
        organisation=org,
        people_trained=trained,
        people_reached=trained,
        programmes=0,
        stakeholders=0,
        euros=euros,
    )


def totals(
    year: int = YEAR, dimension: str = "", value: str = "", **lookups: Any
) -> dict[str, int]:
    """The sums of the year's cells (all countries and types unless `lookups` narrow them)."""
    found = KpiCell.objects.filter(
        year=year, dimension=dimension, value=value, **lookups
    ).aggregate(**{name: Sum(name, default=0) for name in SUMS})
    return dict(found)


def claims(year: int = YEAR) -> set[tuple[str, str, str, str, int, int]]:
    """(organisation, reporter, kind, set aside, people trained, euros) of every stored claim."""
    return {
        (
            c.organisation.legal_name,
            c.reporter.legal_name,
            c.kind,
            c.set_aside or "counted",
            c.people_trained,
            c.euros,
        )
        for c in KpiClaim.objects.filter(year=year).select_related("organisation", "reporter")
    }


# -- the rules ----------------------------------------------------------------------------------


def test_a_single_report_is_counted_as_it_is() -> None:
    hospital = organisation("Hospital A")
    report(hospital, 100, reached=150, programmes=2, stakeholders=3, euros=40_000)

    result = rollup.rebuild_year(YEAR)

    assert (result.reports, result.claims, result.counted, result.set_aside) == (1, 1, 1, 0)
    assert totals() == {
        "organisations": 1,
        "reports": 1,
        "progressing": 1,
        "people_trained": 100,
        "people_reached": 150,
        "programmes": 2,
        "stakeholders": 3,
        "euros": 40_000,
        "set_aside_people": 0,
        "set_aside_euros": 0,
    }
    assert claims() == {("Hospital A", "Hospital A", "own", "counted", 100, 40_000)}
    state = KpiState.objects.get(year=YEAR)
    assert state.is_stale is False
    assert state.built_at is not None


def test_a_member_that_reports_itself_counts_once_and_the_umbrellas_inclusion_is_set_aside() -> (
    None
):
    umbrella = organisation("Nursing Network")
    member = organisation("Hospital M", country="FR")
    umbrella_report = report(umbrella, 500, reached=800, euros=100_000)
    include(umbrella_report, member, 120, euros=20_000)
    report(member, 100, reached=150, euros=40_000)

    rollup.rebuild_year(YEAR)

    assert claims() == {
        ("Nursing Network", "Nursing Network", "own", "counted", 380, 80_000),
        ("Hospital M", "Nursing Network", "included", "self_reported", 120, 20_000),
        ("Hospital M", "Hospital M", "own", "counted", 100, 40_000),
    }
    # 380 of the umbrella's own + 100 the member reported; the umbrella's 120 for it set aside.
    assert totals()["people_trained"] == 480
    assert totals()["euros"] == 120_000
    assert totals(country="FR") | {} == {
        "organisations": 1,
        "reports": 1,
        "progressing": 1,
        "people_trained": 100,
        "people_reached": 150,
        "programmes": 1,
        "stakeholders": 2,
        "euros": 40_000,
        "set_aside_people": 120,
        "set_aside_euros": 20_000,
    }
    assert totals(country="BE")["people_trained"] == 380
    assert totals(country="BE")["people_reached"] == 800 - 120


def test_a_member_that_does_not_report_is_counted_through_its_umbrella() -> None:
    umbrella = organisation("Nursing Network")
    member = organisation("Clinic Quiet", country="FR", kind="education_vet")
    umbrella_report = report(umbrella, 500, euros=100_000)
    include(umbrella_report, member, 120, euros=20_000)

    rollup.rebuild_year(YEAR)

    assert claims() == {
        ("Nursing Network", "Nursing Network", "own", "counted", 380, 80_000),
        ("Clinic Quiet", "Nursing Network", "included", "counted", 120, 20_000),
    }
    assert totals()["people_trained"] == 500
    assert totals()["euros"] == 100_000
    assert totals()["organisations"] == 2
    # The member's figures sit in its own country and type; the report in the umbrella's.
    member_cell = totals(country="FR", stakeholder_type="education_vet")
    assert (
        member_cell["people_trained"],
        member_cell["reports"],
        member_cell["organisations"],
    ) == (
        120,
        0,
        1,
    )
    assert totals(country="BE")["reports"] == 1


def test_two_umbrellas_including_the_same_member_count_the_earliest_and_flag_a_conflict() -> None:
    first, second = organisation("Network One"), organisation("Network Two")
    member = organisation("Clinic Quiet", country="FR")
    later = report(second, 300, euros=30_000, minutes=60)
    earlier = report(first, 200, euros=20_000, minutes=5)
    include(earlier, member, 120, euros=2_000)
    include(later, member, 80, euros=1_000)

    rollup.rebuild_year(YEAR)

    assert claims() == {
        ("Network One", "Network One", "own", "counted", 80, 18_000),
        ("Network Two", "Network Two", "own", "counted", 220, 29_000),
        ("Clinic Quiet", "Network One", "included", "counted", 120, 2_000),
        ("Clinic Quiet", "Network Two", "included", "conflict", 80, 1_000),
    }
    assert totals()["people_trained"] == 200 + 300 - 80
    assert totals()["set_aside_people"] == 80
    assert totals()["set_aside_euros"] == 1_000


def test_same_submission_time_breaks_the_tie_by_report_id() -> None:
    first, second = organisation("Network One"), organisation("Network Two")
    member = organisation("Clinic Quiet")
    a = report(first, 200)
    b = report(second, 300)
    include(a, member, 120)
    include(b, member, 80)

    rollup.rebuild_year(YEAR)

    assert ("Clinic Quiet", "Network One", "included", "counted", 120, 1_000) in claims()
    assert ("Clinic Quiet", "Network Two", "included", "conflict", 80, 1_000) in claims()


def test_the_secretariat_can_count_the_later_umbrella_instead(
    secretariat_officer: User,
) -> None:
    first, second = organisation("Network One"), organisation("Network Two")
    member = organisation("Clinic Quiet", country="FR")
    earlier = report(first, 200, minutes=5)
    later = report(second, 300, minutes=60)
    include(earlier, member, 120, euros=2_000)
    include(later, member, 80, euros=1_000)

    services.overlap_resolve(
        actor=secretariat_officer,
        year=YEAR,
        organisation=member,
        counted_report=later,
        reason="Network Two runs the clinic's courses.",
    )
    rollup.rebuild_year(YEAR)

    assert ("Clinic Quiet", "Network Two", "included", "counted", 80, 1_000) in claims()
    assert ("Clinic Quiet", "Network One", "included", "resolved", 120, 2_000) in claims()
    assert totals()["people_trained"] == 200 + 300 - 120
    assert totals(country="FR")["people_trained"] == 80
    assert totals(country="FR")["set_aside_people"] == 120


def test_a_resolution_can_count_the_umbrella_over_the_members_own_report(
    secretariat_officer: User,
) -> None:
    umbrella = organisation("Nursing Network")
    member = organisation("Hospital M", country="FR")
    umbrella_report = report(umbrella, 500, euros=100_000)
    include(umbrella_report, member, 120, euros=20_000)
    report(member, 100, euros=40_000)

    services.overlap_resolve(
        actor=secretariat_officer, year=YEAR, organisation=member, counted_report=umbrella_report
    )
    rollup.rebuild_year(YEAR)

    assert claims() == {
        ("Nursing Network", "Nursing Network", "own", "counted", 380, 80_000),
        ("Hospital M", "Nursing Network", "included", "counted", 120, 20_000),
        ("Hospital M", "Hospital M", "own", "resolved", 100, 40_000),
    }
    assert totals()["people_trained"] == 500
    assert totals()["euros"] == 100_000
    assert totals(country="FR")["set_aside_people"] == 100
    # The member's report still counts as a report (and as progressing) in its cell.
    assert totals(country="FR")["reports"] == 1


def test_a_resolution_without_a_report_counts_the_members_own_figures(
    secretariat_officer: User,
) -> None:
    first, second = organisation("Network One"), organisation("Network Two")
    member = organisation("Hospital M", country="FR")
    a = report(first, 200, minutes=1)
    b = report(second, 300, minutes=2)
    include(a, member, 120)
    include(b, member, 80)
    report(member, 100)

    services.overlap_resolve(
        actor=secretariat_officer, year=YEAR, organisation=member, counted_report=None
    )
    rollup.rebuild_year(YEAR)

    assert ("Hospital M", "Hospital M", "own", "counted", 100, 10_000) in claims()
    assert ("Hospital M", "Network One", "included", "resolved", 120, 1_000) in claims()
    assert ("Hospital M", "Network Two", "included", "resolved", 80, 1_000) in claims()
    assert totals()["people_trained"] == 80 + 220 + 100


def test_a_resolution_without_a_report_for_a_member_that_does_not_report_counts_nothing_for_it(
    secretariat_officer: User,
) -> None:
    umbrella = organisation("Nursing Network")
    member = organisation("Clinic Quiet", country="FR")
    umbrella_report = report(umbrella, 500)
    include(umbrella_report, member, 120)

    services.overlap_resolve(
        actor=secretariat_officer, year=YEAR, organisation=member, counted_report=None
    )
    rollup.rebuild_year(YEAR)

    assert claims() == {
        ("Nursing Network", "Nursing Network", "own", "counted", 380, 9_000),
        ("Clinic Quiet", "Nursing Network", "included", "resolved", 120, 1_000),
    }
    assert totals()["people_trained"] == 380


def test_a_decision_naming_a_report_that_no_longer_includes_the_member_gives_way_to_the_rules(
    secretariat_officer: User,
) -> None:
    umbrella = organisation("Nursing Network")
    member = organisation("Hospital M", country="FR")
    umbrella_report = report(umbrella, 500)
    include(umbrella_report, member, 120)
    report(member, 100)
    services.overlap_resolve(
        actor=secretariat_officer, year=YEAR, organisation=member, counted_report=umbrella_report
    )

    # The umbrella's figures no longer include the member (a corrected report).
    umbrella_report.inclusions.all().delete()
    rollup.rebuild_year(YEAR)

    assert claims() == {
        ("Nursing Network", "Nursing Network", "own", "counted", 500, 10_000),
        ("Hospital M", "Hospital M", "own", "counted", 100, 10_000),
    }
    assert totals()["people_trained"] == 600


def test_drafts_never_count() -> None:
    hospital = organisation("Hospital A")
    report(hospital, 100)
    report(hospital, 999, status=ProgressReport.Status.DRAFT)
    umbrella = organisation("Nursing Network")
    draft = report(umbrella, 500, status=ProgressReport.Status.DRAFT)
    include(draft, hospital, 50)

    rollup.rebuild_year(YEAR)

    assert claims() == {("Hospital A", "Hospital A", "own", "counted", 100, 10_000)}
    assert totals()["people_trained"] == 100
    assert totals()["reports"] == 1


def test_a_member_reporting_zeros_itself_still_sets_aside_what_an_umbrella_claimed_for_it() -> None:
    umbrella = organisation("Nursing Network")
    member = organisation("Hospital M")
    umbrella_report = report(umbrella, 500)
    include(umbrella_report, member, 120)
    report(member, 0, reached=0, programmes=0, stakeholders=0, euros=0)

    result = rollup.rebuild_year(YEAR)

    # The member's all-zero own claim is not stored, but it decided the overlap.
    assert claims() == {
        ("Nursing Network", "Nursing Network", "own", "counted", 380, 9_000),
        ("Hospital M", "Nursing Network", "included", "self_reported", 120, 1_000),
    }
    assert result.reports == 2
    assert totals()["people_trained"] == 380
    assert totals()["reports"] == 2
    # Its report counts, its organisation does not add figures but is one whose figures count.
    assert totals()["organisations"] == 2


def test_a_reopened_and_resubmitted_report_counts_with_its_new_figures(
    secretariat_officer: User, organisation_contact: User, member_organisation: Organisation
) -> None:
    window = ReportingWindowFactory(
        year=2024,
        opens_on=timezone.localdate() - datetime.timedelta(days=60),
        closes_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    submitted = report(member_organisation, 100, year=2024)
    assert submitted.window == window
    assert (
        kpis.kpis_for(user=secretariat_officer, filters=kpis.KpiFilters())
        .rows[0]
        .figures.people_trained
        == 100
    )

    services.report_reopen(report=submitted, actor=secretariat_officer, reason="Wrong total")
    services.report_save(
        report=submitted,
        actor=organisation_contact,
        data={"people_trained": 140, "people_reached": 200},
        submit=True,
    )

    found = kpis.kpis_for(user=secretariat_officer, filters=kpis.KpiFilters())
    assert [(row.year, row.figures.people_trained) for row in found.rows] == [(2024, 140)]
    assert totals(2024)["people_trained"] == 140


def test_saving_a_submitted_report_as_draft_takes_it_out_of_the_totals(
    secretariat_officer: User, organisation_contact: User, member_organisation: Organisation
) -> None:
    ReportingWindowFactory(year=YEAR)
    submitted = report(member_organisation, 100)
    report(organisation("Hospital B"), 50)
    rollup.rebuild_year(YEAR)

    services.report_save(
        report=submitted, actor=organisation_contact, data={"people_trained": 120}, submit=False
    )

    found = kpis.kpis_for(user=secretariat_officer, filters=kpis.KpiFilters(year=YEAR))
    assert found.rows[0].figures.people_trained == 50
    assert found.rows[0].figures.reports == 1


def test_reports_on_withdrawn_commitments_still_count(
    organisation_contact: User, member_organisation: Organisation
) -> None:
    submitted = report(member_organisation, 100)
    services.commitment_withdraw(
        commitment=submitted.commitment, actor=organisation_contact, reason="Funding ended"
    )

    rollup.rebuild_year(YEAR)

    assert Commitment.objects.get(pk=submitted.commitment_id).status == "withdrawn"
    assert totals()["people_trained"] == 100
    assert totals()["reports"] == 1


def test_breakdowns_by_principle_country_and_stakeholder_type(secretariat_officer: User) -> None:
    spanish_school = organisation("Escuela", country="ES", kind="education_vet")
    belgian_hospital = organisation("Hospital A", country="BE")
    report(
        spanish_school,
        100,
        progress=ProgressStatus.DELAYED,
        principles=[Principle.LIFELONG_LEARNING.value, Principle.EQUALITY.value],
    )
    report(belgian_hospital, 40, principles=[Principle.PARTNERSHIPS.value])
    report(belgian_hospital, 10, principles=[Principle.LIFELONG_LEARNING.value])

    rollup.rebuild_year(YEAR)

    principle = {
        v: totals(dimension="principle", value=v)["people_trained"]
        for v in ("lifelong_learning", "equality", "partnerships", "intelligence")
    }
    assert principle == {
        "lifelong_learning": 110,
        "equality": 100,
        "partnerships": 40,
        "intelligence": 0,
    }
    assert totals()["people_trained"] == 150
    assert totals(country="ES")["people_trained"] == 100
    assert totals(country="BE")["people_trained"] == 50
    assert totals(stakeholder_type="education_vet")["people_trained"] == 100
    assert totals(stakeholder_type="healthcare_provider")["people_trained"] == 50
    assert totals()["reports"] == 3
    assert totals()["progressing"] == 2
    assert totals(country="BE")["organisations"] == 1

    found = kpis.kpis_for(user=secretariat_officer, filters=kpis.KpiFilters(year=YEAR))
    assert found.rows[0].figures.share_progressing == pytest.approx(200 / 3)
    # Two organisations only: the public sees no figures at all.
    assert kpis.kpis_for(user=None, filters=kpis.KpiFilters()).rows[0].figures.is_suppressed


def test_breakdowns_by_occupation_group_and_skill_area() -> None:
    hospital = organisation("Hospital A")
    first = report(hospital, 100)
    second = report(hospital, 30)
    concepts = [
        (first.commitment, "occupation", "nurse", False, False, "2"),
        (first.commitment, "occupation", "care-assistant", False, False, "5"),
        (first.commitment, "skill", "telehealth", False, True, ""),
        (first.commitment, "skill", "waste", True, True, ""),
        (second.commitment, "occupation", "local-role", False, False, ""),
        (second.commitment, "skill", "empathy", False, False, ""),
    ]
    CommitmentConcept.objects.bulk_create(
        CommitmentConcept(
            commitment=commitment,
            kind=kind,
            uri=f"http://example.org/{uri}",
            esco_version="v1.1.1",
            label=uri,
            is_green=green,
            is_digital=digital,
            isco_major=group,
        )
        for commitment, kind, uri, green, digital, group in concepts
    )

    rollup.rebuild_year(YEAR)

    def breakdown(dimension: str) -> dict[str, int]:
        return dict(
            KpiCell.objects.filter(year=YEAR, dimension=dimension).values_list(
                "value", "people_trained"
            )
        )

    assert breakdown("occupation_group") == {"2": 100, "5": 100, "": 30}
    assert breakdown("skill_area") == {"digital": 100, "green": 100, "other": 30}
    third = report(hospital, 7)
    rollup.rebuild_year(YEAR)
    assert breakdown("skill_area")[""] == 7
    assert third.commitment.concepts.count() == 0


def test_pledges_sum_the_targets_of_published_commitments_by_year() -> None:
    hospital = organisation("Hospital A")
    school = organisation("Escuela", country="ES", kind="education_vet")
    published = CommitmentFactory(organisation=hospital)
    CommitmentTargetFactory(commitment=published, year=2025, people=200, programmes=2, euros=5)
    CommitmentTargetFactory(commitment=published, year=2026, people=300, programmes=1, euros=7)
    other = CommitmentFactory(organisation=school)
    CommitmentTargetFactory(commitment=other, year=2025, people=50, programmes=0, euros=1)
    draft = CommitmentFactory(organisation=school, status=Commitment.Status.DRAFT)
    CommitmentTargetFactory(commitment=draft, year=2025, people=999)

    rollup.rebuild_year(2025)
    rollup.rebuild_year(2026)

    assert totals(2025, dimension="pledge")["people_trained"] == 250
    assert totals(2025, dimension="pledge", country="ES")["people_trained"] == 50
    assert totals(2025, dimension="pledge")["organisations"] == 2
    assert totals(2026, dimension="pledge")["people_trained"] == 300
    assert totals(2026, dimension="pledge")["euros"] == 7


def test_publishing_a_commitment_refreshes_the_pledges_on_the_next_read(
    secretariat_officer: User, member_organisation: Organisation
) -> None:
    kpis.ensure_fresh()
    commitment = CommitmentFactory(
        organisation=member_organisation,
        status=Commitment.Status.SUBMITTED,
        published_at=None,
    )
    CommitmentTargetFactory(commitment=commitment, year=2027, people=400)
    kpis.ensure_fresh()
    assert totals(2027, dimension="pledge")["people_trained"] == 0

    services.commitment_publish(commitment=commitment, actor=secretariat_officer)
    found = kpis.kpis_for(user=None, filters=kpis.KpiFilters())

    assert totals(2027, dimension="pledge")["people_trained"] == 400
    assert found.cumulative.pledge.people == 400
    assert found.target.pledged == 400


def test_a_rebuild_replaces_the_years_rows_and_leaves_other_years_alone() -> None:
    hospital = organisation("Hospital A")
    report(hospital, 100)
    report(hospital, 7, year=2024)
    rollup.rebuild_year(YEAR)
    rollup.rebuild_year(2024)

    rollup.rebuild_year(YEAR)
    rollup.rebuild_year(YEAR)

    assert KpiClaim.objects.filter(year=YEAR).count() == 1
    assert KpiCell.objects.filter(year=YEAR, dimension="").count() == 1
    assert totals()["people_trained"] == 100
    assert totals(2024)["people_trained"] == 7


def test_a_rebuild_asked_only_if_stale_skips_a_fresh_year() -> None:
    report(organisation("Hospital A"), 100)
    rollup.rebuild_year(YEAR)

    result = rollup.rebuild_year(YEAR, only_if_stale=True)

    assert result.skipped is True


# -- freshness: the numbers follow every change --------------------------------------------------


def test_the_dashboard_shows_a_report_as_soon_as_it_is_submitted(
    secretariat_officer: User,
    organisation_contact: User,
    member_organisation: Organisation,
    committed: Any,
) -> None:
    window = ReportingWindowFactory(year=YEAR)
    commitment = CommitmentFactory(organisation=member_organisation)
    for name in ("Hospital B", "Hospital C"):
        report(organisation(name), 10)
    before = kpis.kpis_for(user=secretariat_officer, filters=kpis.KpiFilters(year=YEAR))
    assert before.rows[0].figures.people_trained == 20

    draft = services.report_get_or_start(
        commitment=commitment, window=window, actor=organisation_contact
    )
    with committed():
        services.report_save(
            report=draft,
            actor=organisation_contact,
            data={
                "progress_status": "on_track",
                "people_trained": 100,
                "people_reached": 150,
                "programmes": 2,
                "stakeholders": 4,
                "euros": 40_000,
            },
            submit=True,
        )

    after = kpis.kpis_for(user=None, filters=kpis.KpiFilters(year=YEAR))
    assert after.rows[0].figures.people_trained == 120
    assert after.rows[0].figures.reports == 3
    assert after.rows[0].figures.organisations == 3
    assert KpiState.objects.get(year=YEAR).is_stale is False


def test_a_stale_year_is_rebuilt_by_the_reader_without_a_task(
    secretariat_officer: User, member_organisation: Organisation
) -> None:
    report(member_organisation, 100)
    rollup.rebuild_year(YEAR)
    report(organisation("Hospital B"), 5)
    # What services.kpis_changed does, without the task that would follow the commit.
    KpiState.objects.filter(year=YEAR).update(is_stale=True)

    found = kpis.kpis_for(user=secretariat_officer, filters=kpis.KpiFilters(year=YEAR))

    assert found.rows[0].figures.people_trained == 105


def test_an_overlap_decision_shows_on_the_next_read(secretariat_officer: User) -> None:
    first, second = organisation("Network One"), organisation("Network Two")
    member = organisation("Clinic Quiet")
    earlier = report(first, 200, minutes=1)
    later = report(second, 300, minutes=2)
    include(earlier, member, 120)
    include(later, member, 80)
    assert kpis.kpis_for(user=None, filters=kpis.KpiFilters()).rows[0].figures.people_trained == 420

    services.overlap_resolve(
        actor=secretariat_officer, year=YEAR, organisation=member, counted_report=later
    )
    assert (
        kpis.kpis_for(user=None, filters=kpis.KpiFilters()).rows[0].figures.people_trained
        == 200 + 300 - 120
    )

    services.overlap_reset(
        actor=secretariat_officer,
        resolution=OverlapResolution.objects.get(year=YEAR, organisation=member),
    )
    assert kpis.kpis_for(user=None, filters=kpis.KpiFilters()).rows[0].figures.people_trained == 420


def test_every_year_gets_a_state_and_the_years_without_reports_only_pledges() -> None:
    results = kpis.ensure_fresh()

    assert [r.year for r in results] == list(range(2021, 2031))
    assert KpiState.objects.filter(is_stale=False).count() == 10
    assert kpis.ensure_fresh() == []


# -- what the public may see ---------------------------------------------------------------------


def test_the_public_never_sees_the_figures_of_fewer_than_three_organisations(
    secretariat_officer: User,
) -> None:
    for index in range(3):
        report(organisation(f"Hospital {index}", country="BE"), 100)
    report(organisation("Lonely Clinic", country="MT"), 7, euros=777)

    public = kpis.kpis_for(user=None, filters=kpis.KpiFilters(year=YEAR))
    officer = kpis.kpis_for(user=secretariat_officer, filters=kpis.KpiFilters(year=YEAR))

    assert public.rows[0].figures.people_trained == 307
    by_country = public.breakdown("country")
    shown = {row.label: row.figures.people_trained for row in by_country.visible_rows}
    # Malta's single clinic is folded together with Belgium: only a group of four is shown.
    assert "Malta" not in shown
    assert by_country.merged == 2
    assert {row.label: row.figures.people_trained for row in officer.breakdown("country").rows} == {
        "Belgium": 300,
        "Malta": 7,
    }

    malta = kpis.kpis_for(user=None, filters=kpis.KpiFilters(year=YEAR, country="MT"))
    assert malta.rows[0].figures.is_suppressed is True
    assert malta.rows[0].figures.people_trained == 0
    assert malta.cumulative.figures.is_suppressed is True
    # Belgium alone has three organisations, but the partnership minus Belgium is one: hidden.
    belgium = kpis.kpis_for(user=None, filters=kpis.KpiFilters(year=YEAR, country="BE"))
    assert belgium.rows[0].figures.is_suppressed is True
    assert (
        kpis.kpis_for(user=secretariat_officer, filters=kpis.KpiFilters(country="MT"))
        .rows[0]
        .figures.people_trained
        == 7
    )


def test_members_and_commitments_per_year() -> None:
    def moment(year: int, month: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime(year, month, 1))

    early = OrganisationFactory(joined_at=moment(2020, 1))
    OrganisationFactory(joined_at=moment(2025, 6))
    OrganisationFactory(
        joined_at=moment(2024, 6), status=Organisation.Status.LEFT, left_at=moment(2024, 9)
    )
    OrganisationFactory(
        joined_at=moment(2020, 1), status=Organisation.Status.LEFT, left_at=moment(2023, 9)
    )
    CommitmentFactory(organisation=early, published_at=moment(2024, 3))
    CommitmentFactory(organisation=early, published_at=moment(2025, 3))
    CommitmentFactory(organisation=early, status=Commitment.Status.DRAFT, published_at=None)
    CommitmentFactory(organisation=early, status=Commitment.Status.WITHDRAWN)
    ReportingWindowFactory(year=2024)
    ReportingWindowFactory(year=2025)

    found = kpis.kpis_for(user=None, filters=kpis.KpiFilters())

    # 2024: the early member and the one that left during 2024; 2025: early and the newcomer.
    assert {row.year: row.members for row in found.rows} == {2024: 2, 2025: 2}
    assert found.cumulative.members == 2
    assert {row.year: row.commitments for row in found.rows} == {2024: 1, 2025: 2}
    assert found.cumulative.commitments == 2
    assert (
        kpis.kpis_for(
            user=None, filters=kpis.KpiFilters(stakeholder_type=StakeholderType.RESEARCH)
        ).cumulative.commitments
        == 0
    )


@pytest.mark.django_db(transaction=True)
def test_two_rebuilds_of_one_year_at_once_leave_one_set_of_rows() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    import threading

    for index in range(3):
        report(organisation(f"Hospital {index}"), 100)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def rebuild() -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            rollup.rebuild_year(YEAR)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=rebuild) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert KpiClaim.objects.filter(year=YEAR).count() == 3
    assert KpiCell.objects.filter(year=YEAR, dimension="").count() == 1
    assert totals()["people_trained"] == 300
