"""Business rules of commitments, reporting windows, progress reports and overlap decisions."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.commitments import services
from skillspact.commitments.factories import (
    CommitmentFactory,
    CommitmentTargetFactory,
    ProgressReportFactory,
    ReportInclusionFactory,
    ReportingWindowFactory,
)
from skillspact.commitments.models import (
    METRICS,
    Commitment,
    CommitmentConcept,
    CommitmentRevision,
    CommitmentTarget,
    KpiState,
    OverlapResolution,
    ProgressReport,
    ReportInclusion,
    ReportingWindow,
    ReportOccupation,
    ReportReopening,
)
from skillspact.core.errors import InvalidInput, InvalidState, NotPermitted
from skillspact.core.models import AuditEntry
from skillspact.organisations.factories import AffiliationFactory, OrganisationFactory
from skillspact.organisations.models import Affiliation, Organisation
from skillspact.taxonomy.tests.esco_files import (
    O_DEVELOPER,
    O_NURSE,
    S_DATA,
    S_PYTHON,
    S_WASTE,
    UNKNOWN_SKILL,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate

DRAFT = {
    "title": "Telehealth skills for 500 nurses",
    "description": "Upskilling nurses of northern Spain in telehealth and health records.",
    "principles": ["lifelong_learning"],
    "countries": ["ES"],
    "regions": ["ES21"],
}
TARGETS = {2025: {"people": 200, "programmes": 2, "euros": 50_000}}

# A complete, consistent year of figures.
FIGURES: dict[str, Any] = {
    "progress_status": "on_track",
    "people_trained": 100,
    "trained_women": 60,
    "trained_men": 35,
    "trained_other_gender": 0,
    "trained_gender_unknown": 5,
    "people_reached": 150,
    "programmes": 2,
    "stakeholders": 4,
    "euros": 40_000,
    "narrative": "Two telehealth courses ran in Bilbao and Vitoria.",
    "evidence_links": ["https://www.hun.example.es/news/telehealth"],
    "includes_other_organisations": False,
}


def audit_codes(prefix: str = "commitments.") -> list[str]:
    return list(
        AuditEntry.objects.filter(code__startswith=prefix)
        .order_by("id")
        .values_list("code", flat=True)
    )


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def draft_of(organisation: Organisation, actor, **overrides: Any) -> Commitment:
    return services.commitment_save(
        actor=actor, organisation=organisation, data={**DRAFT, **overrides}, targets=TARGETS
    )


def submitted_of(organisation: Organisation, actor) -> Commitment:
    return services.commitment_submit(commitment=draft_of(organisation, actor), actor=actor)


def close(window: ReportingWindow) -> None:
    """The window closed yesterday."""
    ReportingWindow.objects.filter(pk=window.pk).update(
        opens_on=TODAY() - datetime.timedelta(days=40),
        closes_on=TODAY() - datetime.timedelta(days=1),
    )


def stale_years() -> list[int]:
    return sorted(KpiState.objects.filter(is_stale=True).values_list("year", flat=True))


def fresh_kpis(*years: int) -> None:
    for year in years:
        KpiState.objects.update_or_create(year=year, defaults={"is_stale": False})


@pytest.fixture
def report(commitment, window, organisation_contact) -> ProgressReport:
    """An empty draft report on the published commitment, in the open 2025 window."""
    return services.report_get_or_start(
        commitment=commitment, window=window, actor=organisation_contact
    )


def report_state(report: ProgressReport) -> dict[str, Any]:
    """Everything report_save can change, to show that a refused save changed nothing."""
    report = ProgressReport.objects.get(pk=report.pk)
    return {
        "fields": {name: getattr(report, name) for name in ["status", *services.REPORT_FIELDS]},
        "submitted_at": report.submitted_at,
        "is_reopened": report.is_reopened,
        "occupations": list(
            report.occupation_figures.values_list("uri", "people_trained").order_by("uri")
        ),
        "inclusions": list(
            report.inclusions.values_list("organisation_id", "people_trained").order_by("pk")
        ),
    }


# -- commitment drafts -------------------------------------------------------------------------


def test_a_contact_saves_a_draft_with_concepts_partners_and_targets(
    organisation_contact, member_organisation, esco_v1
):
    partner = OrganisationFactory(legal_name="Universidad de Deusto")

    commitment = services.commitment_save(
        actor=organisation_contact,
        organisation=member_organisation,
        data={
            **DRAFT,
            "title": "  Telehealth skills for 500 nurses ",
            "principles": ["equality", "lifelong_learning"],
            "regions": ["es21", " ES13 "],
        },
        occupations=[O_NURSE],
        skills=[S_PYTHON, S_WASTE, S_PYTHON],
        partners=[partner],
        targets={
            2025: {"people": 200, "programmes": 2, "euros": 50_000},
            2030: {"people": "300", "programmes": "", "euros": None},
            2026: {"people": 0, "programmes": 0, "euros": 0},
        },
    )

    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.DRAFT
    assert commitment.title == "Telehealth skills for 500 nurses"
    assert commitment.principles == ["lifelong_learning", "equality"]
    assert commitment.regions == ["ES13", "ES21"]
    assert commitment.revision == 1
    assert commitment.created_by == organisation_contact
    assert commitment.search_text == (
        "telehealth skills for 500 nurses upskilling nurses of northern spain in telehealth "
        "and health records."
    )
    assert list(commitment.partners.all()) == [partner]
    assert list(
        commitment.concepts.order_by("kind", "uri").values_list(
            "kind", "uri", "esco_version", "is_green", "is_digital", "isco_major"
        )
    ) == [
        ("occupation", O_NURSE, "v1.1.1", False, False, "2"),
        ("skill", S_WASTE, "v1.1.1", True, False, ""),
        ("skill", S_PYTHON, "v1.1.1", False, True, ""),
    ]
    assert list(commitment.targets.values_list("year", "people", "programmes", "euros")) == [
        (2025, 200, 2, 50_000),
        (2030, 300, 0, 0),
    ]
    assert audit_codes() == ["commitments.commitment.created"]


def test_saving_a_draft_again_replaces_what_is_given_and_keeps_the_rest(
    organisation_contact, member_organisation, esco_v1
):
    commitment = services.commitment_save(
        actor=organisation_contact,
        organisation=member_organisation,
        data=DRAFT,
        occupations=[O_NURSE],
        skills=[S_PYTHON, S_DATA],
        targets=TARGETS,
    )

    services.commitment_save(
        actor=organisation_contact,
        commitment=commitment,
        data={"title": "Telehealth skills for 600 nurses"},
        skills=[S_DATA, S_WASTE],
    )

    commitment.refresh_from_db()
    assert commitment.title == "Telehealth skills for 600 nurses"
    assert commitment.description == DRAFT["description"]
    assert sorted(commitment.concepts.values_list("kind", "uri")) == sorted(
        [("occupation", O_NURSE), ("skill", S_DATA), ("skill", S_WASTE)]
    )
    assert list(commitment.targets.values_list("year", "people")) == [(2025, 200)]
    assert commitment.revision == 1
    assert CommitmentRevision.objects.count() == 0


def test_the_secretariat_may_draft_for_any_member_organisation(
    secretariat_officer, member_organisation
):
    commitment = draft_of(member_organisation, secretariat_officer)

    assert commitment.organisation == member_organisation
    assert commitment.created_by == secretariat_officer


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"principles": ["lifelong_learning", "world_peace"]}, {"principles"}),
        ({"countries": ["ES"], "regions": ["BE10"]}, {"regions"}),
        ({"countries": [], "regions": ["ES21"]}, {"regions"}),
        ({"regions": ["ES2"]}, {"regions"}),
        ({"countries": ["XX"], "regions": []}, {"countries"}),
        ({"title": "   "}, {"title"}),
        ({"title": "x" * 201}, {"title"}),
        ({"description": "x" * 8001}, {"description"}),
    ],
    ids=[
        "unknown principle",
        "region of another country",
        "region without a country",
        "not a NUTS-2 code",
        "unknown country",
        "blank title",
        "title too long",
        "description too long",
    ],
)
def test_a_draft_with_an_invalid_field_is_refused_and_nothing_is_stored(
    organisation_contact, member_organisation, overrides, fields
):
    with pytest.raises(InvalidInput) as caught:
        draft_of(member_organisation, organisation_contact, **overrides)

    assert set(caught.value.fields) == fields
    assert Commitment.objects.count() == 0
    assert audit_codes() == []


def test_the_principle_and_region_messages_name_the_problem(
    organisation_contact, member_organisation
):
    with pytest.raises(InvalidInput) as principle:
        draft_of(member_organisation, organisation_contact, principles=["world_peace"])
    with pytest.raises(InvalidInput) as region:
        draft_of(member_organisation, organisation_contact, regions=["BE10"])

    assert principle.value.message == "Unknown principle: world_peace"
    assert principle.value.fields == {"principles": ["Choose among the charter's principles."]}
    assert region.value.message == "BE10 is not a NUTS-2 region of the countries covered."
    assert region.value.fields == {
        "regions": ["BE10 is not a NUTS-2 region of the countries covered."]
    }


def test_a_greek_region_uses_the_nuts_prefix_el(organisation_contact, member_organisation):
    commitment = draft_of(
        member_organisation, organisation_contact, countries=["GR"], regions=["EL30"]
    )

    assert commitment.regions == ["EL30"]


def test_changing_the_countries_revalidates_the_regions_kept(
    organisation_contact, member_organisation
):
    commitment = draft_of(member_organisation, organisation_contact)

    with pytest.raises(InvalidInput) as caught:
        services.commitment_save(
            actor=organisation_contact, commitment=commitment, data={"countries": ["PT"]}
        )

    assert set(caught.value.fields) == {"regions"}
    commitment.refresh_from_db()
    assert [str(c) for c in commitment.countries] == ["ES"]


@pytest.mark.parametrize(
    ("targets", "fields"),
    [
        ({2020: {"people": 10}}, {"targets_2020": ["Targets run from 2021 to 2030."]}),
        ({2031: {"people": 10}}, {"targets_2031": ["Targets run from 2021 to 2030."]}),
        (
            {2025: {"people": -1, "euros": -100}},
            {
                "target_people_2025": ["A target cannot be negative (2025)."],
                "target_euros_2025": ["A target cannot be negative (2025)."],
            },
        ),
        ({2026: {"programmes": "two"}}, {"target_programmes_2026": ["Enter a whole number."]}),
    ],
    ids=["before 2021", "after 2030", "negative", "not a number"],
)
def test_targets_outside_the_pact_years_or_negative_are_refused(
    organisation_contact, member_organisation, targets, fields
):
    with pytest.raises(InvalidInput) as caught:
        services.commitment_save(
            actor=organisation_contact,
            organisation=member_organisation,
            data=DRAFT,
            targets=targets,
        )

    assert caught.value.fields == fields
    assert Commitment.objects.count() == 0
    assert CommitmentTarget.objects.count() == 0
    assert audit_codes() == []


def test_targets_at_both_ends_of_the_pact_are_accepted(organisation_contact, member_organisation):
    commitment = services.commitment_save(
        actor=organisation_contact,
        organisation=member_organisation,
        data=DRAFT,
        targets={2021: {"people": 1}, 2030: {"euros": 1}},
    )

    assert list(commitment.targets.values_list("year", "people", "euros")) == [
        (2021, 1, 0),
        (2030, 0, 1),
    ]


@pytest.mark.parametrize(
    ("concepts", "field", "uri"),
    [
        ({"skills": [S_PYTHON, UNKNOWN_SKILL]}, "skills", UNKNOWN_SKILL),
        ({"occupations": [S_PYTHON]}, "occupations", S_PYTHON),
        ({"skills": [O_NURSE]}, "skills", O_NURSE),
    ],
    ids=["unknown skill", "a skill as occupation", "an occupation as skill"],
)
def test_unknown_concept_uris_are_refused(
    organisation_contact, member_organisation, esco_v1, concepts, field, uri
):
    with pytest.raises(InvalidInput) as caught:
        services.commitment_save(
            actor=organisation_contact, organisation=member_organisation, data=DRAFT, **concepts
        )

    assert caught.value.fields == {field: [f"Not a known concept: {uri}"]}
    assert Commitment.objects.count() == 0
    assert CommitmentConcept.objects.count() == 0


def test_an_organisation_cannot_be_its_own_partner(organisation_contact, member_organisation):
    other = OrganisationFactory()

    with pytest.raises(InvalidInput) as caught:
        services.commitment_save(
            actor=organisation_contact,
            organisation=member_organisation,
            data=DRAFT,
            partners=[other, member_organisation],
        )

    assert caught.value.fields == {"partners": ["An organisation cannot be its own partner."]}
    assert Commitment.objects.count() == 0


def test_a_draft_needs_an_organisation(organisation_contact):
    with pytest.raises(InvalidInput) as caught:
        services.commitment_save(actor=organisation_contact, data=DRAFT)

    assert caught.value.message == "Choose the organisation the commitment belongs to."
    assert Commitment.objects.count() == 0


@pytest.mark.parametrize("persona", ["outsider", "health_worker", "plain_member"])
def test_only_a_contact_of_the_organisation_drafts_its_commitments(
    request, member_organisation, persona
):
    if persona == "plain_member":
        actor = UserFactory()
        AffiliationFactory(
            organisation=member_organisation, user=actor, role=Affiliation.Role.MEMBER
        )
    else:
        actor = request.getfixturevalue(persona)

    with pytest.raises(NotPermitted):
        draft_of(member_organisation, actor)

    assert Commitment.objects.count() == 0
    assert audit_codes() == []


def test_a_contact_of_another_organisation_cannot_change_a_draft(
    organisation_contact, member_organisation
):
    commitment = draft_of(member_organisation, organisation_contact)
    stranger = UserFactory()
    AffiliationFactory(user=stranger, role=Affiliation.Role.CONTACT)

    with pytest.raises(NotPermitted):
        services.commitment_save(actor=stranger, commitment=commitment, data={"title": "Mine"})

    commitment.refresh_from_db()
    assert commitment.title == DRAFT["title"]
    assert audit_codes() == ["commitments.commitment.created"]


def test_a_former_member_makes_no_commitments(organisation_contact, member_organisation):
    Organisation.objects.filter(pk=member_organisation.pk).update(status=Organisation.Status.LEFT)
    member_organisation.refresh_from_db()

    with pytest.raises(InvalidState):
        draft_of(member_organisation, organisation_contact)

    assert Commitment.objects.count() == 0


@pytest.mark.parametrize("status", [Commitment.Status.SUBMITTED, Commitment.Status.WITHDRAWN])
def test_a_submitted_or_withdrawn_commitment_cannot_be_changed(
    organisation_contact, member_organisation, status
):
    commitment = CommitmentFactory(organisation=member_organisation, status=status)

    with pytest.raises(InvalidState):
        services.commitment_save(
            actor=organisation_contact,
            commitment=commitment,
            data={"title": "Changed"},
            amendment_reason="Because",
        )

    commitment.refresh_from_db()
    assert commitment.title != "Changed"
    assert audit_codes() == []


# -- submission and review ---------------------------------------------------------------------


def test_submitting_a_complete_draft_queues_it_and_tells_the_secretariat(
    organisation_contact, member_organisation, secretariat_officer, committed
):
    commitment = draft_of(member_organisation, organisation_contact)

    with committed():
        services.commitment_submit(commitment=commitment, actor=organisation_contact)

    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.SUBMITTED
    assert commitment.submitted_at is not None
    assert audit_codes() == ["commitments.commitment.created", "commitments.commitment.submitted"]
    assert recipients() == ["officer@secretariat.example.eu"]
    assert mail.outbox[0].subject == "Commitment to review: Telehealth skills for 500 nurses"


def test_submission_names_every_missing_part(
    organisation_contact, member_organisation, secretariat_officer, committed
):
    commitment = services.commitment_save(
        actor=organisation_contact,
        organisation=member_organisation,
        data={"title": "Just a title"},
    )

    with committed(), pytest.raises(InvalidInput) as caught:
        services.commitment_submit(commitment=commitment, actor=organisation_contact)

    assert caught.value.fields == {
        "description": ["Describe the actions you commit to."],
        "principles": ["Choose at least one of the charter's principles."],
        "countries": ["Choose at least one country covered."],
        "targets": ["Give a target for at least one year."],
    }
    assert caught.value.message == (
        "Complete the commitment before submitting it: Describe the actions you commit to."
    )
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.DRAFT
    assert commitment.submitted_at is None
    assert audit_codes() == ["commitments.commitment.created"]
    assert mail.outbox == []


def test_targets_of_zero_do_not_count_as_a_target(organisation_contact, member_organisation):
    commitment = services.commitment_save(
        actor=organisation_contact,
        organisation=member_organisation,
        data=DRAFT,
        targets={2025: {"people": 0, "programmes": 0, "euros": 0}},
    )

    with pytest.raises(InvalidInput) as caught:
        services.commitment_submit(commitment=commitment, actor=organisation_contact)

    assert set(caught.value.fields) == {"targets"}


def test_a_submitted_commitment_cannot_be_submitted_again(
    organisation_contact, member_organisation
):
    commitment = submitted_of(member_organisation, organisation_contact)

    with pytest.raises(InvalidState):
        services.commitment_submit(commitment=commitment, actor=organisation_contact)

    assert audit_codes().count("commitments.commitment.submitted") == 1


def test_an_outsider_cannot_submit(organisation_contact, member_organisation, outsider):
    commitment = draft_of(member_organisation, organisation_contact)

    with pytest.raises(NotPermitted):
        services.commitment_submit(commitment=commitment, actor=outsider)

    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.DRAFT


def test_the_secretariat_publishes_and_the_contacts_are_told(
    organisation_contact, member_organisation, secretariat_officer, committed
):
    commitment = submitted_of(member_organisation, organisation_contact)
    plain_member = UserFactory(email="member@hun.example.es")
    AffiliationFactory(
        organisation=member_organisation, user=plain_member, role=Affiliation.Role.MEMBER
    )
    mail.outbox.clear()

    with committed():
        services.commitment_publish(
            commitment=commitment, actor=secretariat_officer, note="  Welcome aboard. "
        )

    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.PUBLISHED
    assert commitment.published_at is not None
    assert commitment.review_note == "Welcome aboard."
    assert audit_codes()[-1] == "commitments.commitment.published"
    assert recipients() == ["contact@hun.example.es"]
    assert mail.outbox[0].subject == "Your commitment “Telehealth skills for 500 nurses”: Published"


def test_the_secretariat_returns_with_a_note_and_the_contacts_are_told(
    organisation_contact, member_organisation, secretariat_officer, committed
):
    commitment = submitted_of(member_organisation, organisation_contact)
    mail.outbox.clear()

    with committed():
        services.commitment_return(
            commitment=commitment, actor=secretariat_officer, note="Add a target for 2026."
        )

    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.RETURNED
    assert commitment.published_at is None
    assert commitment.review_note == "Add a target for 2026."
    assert audit_codes()[-1] == "commitments.commitment.returned"
    assert recipients() == ["contact@hun.example.es"]
    assert "Add a target for 2026." in mail.outbox[0].body


def test_a_returned_commitment_is_changed_and_submitted_again(
    organisation_contact, member_organisation, secretariat_officer
):
    commitment = submitted_of(member_organisation, organisation_contact)
    services.commitment_return(commitment=commitment, actor=secretariat_officer, note="More.")

    services.commitment_save(
        actor=organisation_contact, commitment=commitment, data={"description": "More detail."}
    )
    services.commitment_submit(commitment=commitment, actor=organisation_contact)

    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.SUBMITTED
    assert commitment.description == "More detail."
    assert commitment.revision == 1


def test_returning_needs_a_note(organisation_contact, member_organisation, secretariat_officer):
    commitment = submitted_of(member_organisation, organisation_contact)

    with pytest.raises(InvalidInput) as caught:
        services.commitment_return(commitment=commitment, actor=secretariat_officer, note="  ")

    assert caught.value.fields == {"note": ["Say what should change."]}
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.SUBMITTED


@pytest.mark.parametrize("action", ["publish", "return"])
def test_only_the_secretariat_reviews(organisation_contact, member_organisation, committed, action):
    commitment = submitted_of(member_organisation, organisation_contact)
    mail.outbox.clear()
    review = getattr(services, f"commitment_{action}")

    with committed(), pytest.raises(PermissionDenied):
        review(commitment=commitment, actor=organisation_contact, note="")

    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.SUBMITTED
    assert audit_codes() == ["commitments.commitment.created", "commitments.commitment.submitted"]
    assert mail.outbox == []


@pytest.mark.parametrize("action", ["publish", "return"])
def test_only_a_submitted_commitment_is_reviewed(
    organisation_contact, member_organisation, secretariat_officer, action
):
    commitment = draft_of(member_organisation, organisation_contact)
    review = getattr(services, f"commitment_{action}")

    with pytest.raises(InvalidState):
        review(commitment=commitment, actor=secretariat_officer, note="Fine.")

    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.DRAFT


# -- amendments and withdrawal -----------------------------------------------------------------


def test_amending_a_published_commitment_needs_a_reason(organisation_contact, commitment):
    with pytest.raises(InvalidInput) as caught:
        services.commitment_save(
            actor=organisation_contact,
            commitment=commitment,
            data={"title": "Digital skills for 800 nurses"},
            amendment_reason="   ",
        )

    assert caught.value.fields == {
        "amendment_reason": ["Say why the published commitment changes."]
    }
    commitment.refresh_from_db()
    assert commitment.title == "Digital skills for 500 nurses"
    assert commitment.revision == 1
    assert CommitmentRevision.objects.count() == 0
    assert audit_codes() == []


def test_an_amendment_keeps_the_previous_content_and_tells_the_secretariat(
    organisation_contact, commitment, secretariat_officer, committed
):
    CommitmentTargetFactory(commitment=commitment, year=2025, people=100, programmes=2, euros=5)
    partner = OrganisationFactory(legal_name="Universidad de Deusto")
    commitment.partners.set([partner])

    with committed():
        services.commitment_save(
            actor=organisation_contact,
            commitment=commitment,
            data={"title": "Digital skills for 800 nurses"},
            targets={2025: {"people": 800, "programmes": 2, "euros": 5}},
            amendment_reason="  A second hospital joined. ",
        )

    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.PUBLISHED
    assert commitment.revision == 2
    revision = CommitmentRevision.objects.get()
    assert revision.commitment == commitment
    assert revision.number == 1
    assert revision.reason == "A second hospital joined."
    assert revision.amended_by == organisation_contact
    assert revision.content == {
        "title": "Digital skills for 500 nurses",
        "description": "Upskilling nurses in telehealth and electronic health records.",
        "principles": ["lifelong_learning"],
        "countries": ["ES"],
        "regions": [],
        "partners": [str(partner.public_id)],
        "partner_names": ["Universidad de Deusto"],
        "occupations": [],
        "skills": [],
        "targets": {"2025": {"people": 100, "programmes": 2, "euros": 5}},
    }
    entry = AuditEntry.objects.get(code="commitments.commitment.amended")
    assert entry.before == {
        "title": "Digital skills for 500 nurses",
        "targets": {"2025": {"people": 100, "programmes": 2, "euros": 5}},
    }
    assert entry.after == {
        "title": "Digital skills for 800 nurses",
        "targets": {"2025": {"people": 800, "programmes": 2, "euros": 5}},
    }
    assert entry.message == "A second hospital joined."
    assert entry.actor == organisation_contact
    assert recipients() == ["officer@secretariat.example.eu"]
    assert mail.outbox[0].subject == "Commitment amended: Digital skills for 800 nurses"
    assert "now revision 2" in mail.outbox[0].body


def test_a_second_amendment_is_revision_two(organisation_contact, commitment):
    for title, reason in (("Second title", "One"), ("Third title", "Two")):
        services.commitment_save(
            actor=organisation_contact,
            commitment=commitment,
            data={"title": title},
            amendment_reason=reason,
        )

    commitment.refresh_from_db()
    assert commitment.revision == 3
    assert list(CommitmentRevision.objects.values_list("number", "content__title", "reason")) == [
        (2, "Second title", "Two"),
        (1, "Digital skills for 500 nurses", "One"),
    ]


def test_an_amendment_marks_the_kpis_of_the_years_reported_stale(organisation_contact, commitment):
    ProgressReportFactory(commitment=commitment, window=ReportingWindowFactory(year=2024))
    ProgressReportFactory(commitment=commitment, window=ReportingWindowFactory(year=2025))
    fresh_kpis(2023, 2024, 2025)

    services.commitment_save(
        actor=organisation_contact,
        commitment=commitment,
        data={"principles": ["partnerships"]},
        amendment_reason="We build partnerships too.",
    )

    assert stale_years() == [2024, 2025]


def test_an_invalid_amendment_stores_no_revision(organisation_contact, commitment):
    with pytest.raises(InvalidInput):
        services.commitment_save(
            actor=organisation_contact,
            commitment=commitment,
            data={"title": "New", "principles": ["world_peace"]},
            amendment_reason="Because.",
        )

    commitment.refresh_from_db()
    assert commitment.revision == 1
    assert commitment.title == "Digital skills for 500 nurses"
    assert CommitmentRevision.objects.count() == 0
    assert audit_codes() == []


def test_a_contact_withdraws_a_published_commitment(organisation_contact, commitment):
    services.commitment_withdraw(
        commitment=commitment, actor=organisation_contact, reason=" The project ended. "
    )

    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.WITHDRAWN
    assert commitment.review_note == "The project ended."
    entry = AuditEntry.objects.get()
    assert (entry.code, entry.message) == ("commitments.commitment.withdrawn", "The project ended.")
    with pytest.raises(InvalidState):
        services.commitment_withdraw(commitment=commitment, actor=organisation_contact)
    with pytest.raises(InvalidState):
        services.commitment_save(
            actor=organisation_contact, commitment=commitment, data={"title": "Back"}
        )


def test_an_outsider_cannot_withdraw(commitment, outsider):
    with pytest.raises(NotPermitted):
        services.commitment_withdraw(commitment=commitment, actor=outsider, reason="Spite")

    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.PUBLISHED
    assert audit_codes() == []


# -- reporting windows -------------------------------------------------------------------------


def test_the_secretariat_opens_a_window_with_reminders(secretariat_officer):
    window = services.window_save(
        actor=secretariat_officer,
        year=2026,
        opens_on=datetime.date(2027, 1, 15),
        closes_on=datetime.date(2027, 3, 31),
        reminder_days=[3, "14", 3, 0],
    )

    window.refresh_from_db()
    assert (window.year, window.opens_on, window.closes_on) == (
        2026,
        datetime.date(2027, 1, 15),
        datetime.date(2027, 3, 31),
    )
    assert window.reminder_days == [14, 3, 0]
    assert window.reminders_sent == []
    assert window.created_by == secretariat_officer
    entry = AuditEntry.objects.get()
    assert entry.code == "commitments.window.created"
    assert entry.after == {
        "opens_on": "2027-01-15",
        "closes_on": "2027-03-31",
        "reminder_days": ["14", "3", "0"],
    }


def test_a_window_opens_and_closes_on_the_same_day(secretariat_officer):
    day = datetime.date(2027, 3, 1)

    window = services.window_save(
        actor=secretariat_officer, year=2026, opens_on=day, closes_on=day, reminder_days=[90]
    )

    assert window.is_open(day)


@pytest.mark.parametrize("persona", ["organisation_contact", "outsider"])
def test_only_the_secretariat_opens_windows(request, persona):
    with pytest.raises(PermissionDenied):
        services.window_save(
            actor=request.getfixturevalue(persona),
            year=2026,
            opens_on=datetime.date(2027, 1, 1),
            closes_on=datetime.date(2027, 2, 1),
        )

    assert ReportingWindow.objects.count() == 0
    assert audit_codes() == []


@pytest.mark.parametrize(
    ("year", "opens_on", "closes_on", "reminder_days", "fields"),
    [
        (
            2025,
            datetime.date(2026, 1, 1),
            datetime.date(2026, 2, 1),
            [14],
            {"year": ["There is already a reporting window for this year."]},
        ),
        (
            2026,
            datetime.date(2027, 2, 1),
            datetime.date(2027, 1, 31),
            [14],
            {"closes_on": ["The window must close on or after the day it opens."]},
        ),
        (
            2026,
            datetime.date(2027, 1, 1),
            datetime.date(2027, 2, 1),
            [14, 91],
            {"reminder_days": ["Reminders go out between 0 and 90 days before closing."]},
        ),
        (
            2026,
            datetime.date(2027, 1, 1),
            datetime.date(2027, 2, 1),
            [-1],
            {"reminder_days": ["Reminders go out between 0 and 90 days before closing."]},
        ),
        (
            2026,
            datetime.date(2027, 1, 1),
            datetime.date(2027, 2, 1),
            ["soon"],
            {"reminder_days": ["Reminders are whole numbers of days before closing."]},
        ),
        (
            2020,
            datetime.date(2021, 1, 1),
            datetime.date(2021, 2, 1),
            [14],
            {"year": ["Reporting windows run from 2021 to 2030."]},
        ),
        (
            2031,
            datetime.date(2032, 1, 1),
            datetime.date(2032, 2, 1),
            [14],
            {"year": ["Reporting windows run from 2021 to 2030."]},
        ),
    ],
    ids=[
        "duplicate year",
        "closes before it opens",
        "reminder too early",
        "negative reminder",
        "reminder not a number",
        "year before the pact",
        "year after 2030",
    ],
)
def test_an_invalid_window_is_refused(
    secretariat_officer, window, year, opens_on, closes_on, reminder_days, fields
):
    with pytest.raises(InvalidInput) as caught:
        services.window_save(
            actor=secretariat_officer,
            year=year,
            opens_on=opens_on,
            closes_on=closes_on,
            reminder_days=reminder_days,
        )

    assert caught.value.fields == fields
    assert list(ReportingWindow.objects.values_list("year", flat=True)) == [2025]
    assert audit_codes() == []


def test_changing_a_window_keeps_the_reminders_already_sent_that_remain(
    secretariat_officer, window
):
    ReportingWindow.objects.filter(pk=window.pk).update(reminders_sent=[14, 3])
    window.refresh_from_db()
    opens_on, closes_on = window.opens_on, window.closes_on

    services.window_save(
        actor=secretariat_officer,
        year=2025,
        window=window,
        opens_on=opens_on,
        closes_on=closes_on + datetime.timedelta(days=7),
        reminder_days=[7, 3],
    )

    window.refresh_from_db()
    assert window.closes_on == closes_on + datetime.timedelta(days=7)
    assert window.reminder_days == [7, 3]
    assert window.reminders_sent == [3]
    entry = AuditEntry.objects.get()
    assert entry.code == "commitments.window.changed"
    assert entry.before == {"closes_on": closes_on.isoformat(), "reminder_days": ["14", "3"]}
    assert entry.after == {
        "closes_on": (closes_on + datetime.timedelta(days=7)).isoformat(),
        "reminder_days": ["7", "3"],
    }


# -- reminders ---------------------------------------------------------------------------------


@pytest.fixture
def reminder_window(db: None) -> ReportingWindow:
    """The 2025 window: 1 March to 30 April 2026, reminders 14 and 3 days before closing."""
    return ReportingWindowFactory(
        year=2025,
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 4, 30),
        reminder_days=[14, 3],
    )


def organisation_with_contact(name: str, email: str, **kwargs: Any) -> Organisation:
    organisation = OrganisationFactory(legal_name=name, **kwargs)
    AffiliationFactory(organisation=organisation, user=UserFactory(email=email))
    return organisation


@pytest.fixture
def reporters(reminder_window) -> dict[str, Organisation]:
    """Organisations in every situation a reminder cares about."""
    silent = organisation_with_contact("Silent Hospital", "silent@example.org")
    CommitmentFactory(organisation=silent, title="Nurses")
    CommitmentFactory(organisation=silent, title="Doctors")
    drafting = organisation_with_contact("Drafting Clinic", "drafting@example.org")
    ProgressReportFactory(
        commitment=CommitmentFactory(organisation=drafting),
        window=reminder_window,
        status=ProgressReport.Status.DRAFT,
        submitted_at=None,
    )
    done = organisation_with_contact("Done Institute", "done@example.org")
    ProgressReportFactory(commitment=CommitmentFactory(organisation=done), window=reminder_window)
    last_year = organisation_with_contact("Last Year Academy", "last-year@example.org")
    ProgressReportFactory(
        commitment=CommitmentFactory(organisation=last_year),
        window=ReportingWindowFactory(
            year=2024, opens_on=datetime.date(2025, 3, 1), closes_on=datetime.date(2025, 4, 30)
        ),
    )
    only_drafts = organisation_with_contact("Planning Agency", "planning@example.org")
    CommitmentFactory(organisation=only_drafts, status=Commitment.Status.DRAFT)
    former = organisation_with_contact(
        "Former Member", "former@example.org", status=Organisation.Status.LEFT
    )
    CommitmentFactory(organisation=former)
    return {"silent": silent, "drafting": drafting}


def test_reminders_go_to_organisations_without_a_submitted_report(
    reminder_window, reporters, committed
):
    with committed():
        reminded = services.window_send_reminders(
            window=reminder_window, today=datetime.date(2026, 4, 16)
        )

    assert reminded == 3
    assert recipients() == ["drafting@example.org", "last-year@example.org", "silent@example.org"]
    silent = next(m for m in mail.outbox if m.to == ["silent@example.org"])
    assert silent.subject == "Progress report 2025: 14 days left"
    assert "- Doctors\n- Nurses" in silent.body
    reminder_window.refresh_from_db()
    assert reminder_window.reminders_sent == [14]
    entry = AuditEntry.objects.get()
    assert (entry.code, entry.message) == (
        "commitments.window.reminded",
        "3 organisations reminded",
    )


def test_a_reminder_goes_out_once_per_due_day(reminder_window, reporters, committed):
    with committed():
        services.window_send_reminders(window=reminder_window, today=datetime.date(2026, 4, 16))
    reminder_window.refresh_from_db()
    mail.outbox.clear()

    with committed():
        again = services.window_send_reminders(
            window=reminder_window, today=datetime.date(2026, 4, 16)
        )
        next_day = services.window_send_reminders(
            window=reminder_window, today=datetime.date(2026, 4, 17)
        )

    assert (again, next_day) == (0, 0)
    assert mail.outbox == []
    assert audit_codes() == ["commitments.window.reminded"]


def test_a_stale_window_object_does_not_send_twice(reminder_window, reporters, committed):
    stale_copy = ReportingWindow.objects.get(pk=reminder_window.pk)
    with committed():
        services.window_send_reminders(window=reminder_window, today=datetime.date(2026, 4, 16))
    mail.outbox.clear()

    with committed():
        again = services.window_send_reminders(window=stale_copy, today=datetime.date(2026, 4, 16))

    assert again == 0
    assert mail.outbox == []


def test_the_last_reminder_follows_the_first(reminder_window, reporters, committed):
    with committed():
        services.window_send_reminders(window=reminder_window, today=datetime.date(2026, 4, 16))
    reminder_window.refresh_from_db()
    mail.outbox.clear()

    with committed():
        reminded = services.window_send_reminders(
            window=reminder_window, today=datetime.date(2026, 4, 27)
        )

    assert reminded == 3
    assert {m.subject for m in mail.outbox} == {"Progress report 2025: 3 days left"}
    reminder_window.refresh_from_db()
    assert reminder_window.reminders_sent == [14, 3]


def test_a_late_run_sends_one_reminder_for_every_day_missed(reminder_window, reporters, committed):
    with committed():
        reminded = services.window_send_reminders(
            window=reminder_window, today=datetime.date(2026, 4, 28)
        )

    assert reminded == 3
    assert len(mail.outbox) == 3
    reminder_window.refresh_from_db()
    assert reminder_window.reminders_sent == [14, 3]


@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 4, 1), datetime.date(2026, 5, 1), datetime.date(2026, 2, 28)],
    ids=["not due yet", "window closed", "window not open yet"],
)
def test_no_reminder_is_sent_when_none_is_due_or_the_window_is_not_open(
    reminder_window, reporters, committed, today
):
    with committed():
        reminded = services.window_send_reminders(window=reminder_window, today=today)

    assert reminded == 0
    assert mail.outbox == []
    reminder_window.refresh_from_db()
    assert reminder_window.reminders_sent == []
    assert audit_codes() == []


# -- starting a report -------------------------------------------------------------------------


def test_a_contact_starts_an_empty_draft_report_once(
    commitment, window, organisation_contact, member_organisation
):
    first = services.report_get_or_start(
        commitment=commitment, window=window, actor=organisation_contact
    )
    second = services.report_get_or_start(
        commitment=commitment, window=window, actor=organisation_contact
    )

    assert first.pk == second.pk
    assert first.status == ProgressReport.Status.DRAFT
    assert first.organisation == member_organisation
    assert first.people_trained is None
    assert ProgressReport.objects.count() == 1


@pytest.mark.parametrize(
    "status",
    [Commitment.Status.DRAFT, Commitment.Status.SUBMITTED, Commitment.Status.WITHDRAWN],
)
def test_only_published_commitments_are_reported_on(
    member_organisation, window, organisation_contact, status
):
    commitment = CommitmentFactory(organisation=member_organisation, status=status)

    with pytest.raises(InvalidState):
        services.report_get_or_start(
            commitment=commitment, window=window, actor=organisation_contact
        )

    assert ProgressReport.objects.count() == 0


@pytest.mark.parametrize(
    ("opens_in", "closes_in"), [(-40, -1), (5, 30)], ids=["closed", "not open yet"]
)
def test_no_report_starts_outside_an_open_window(
    commitment, organisation_contact, opens_in, closes_in
):
    window = ReportingWindowFactory(
        year=2025,
        opens_on=TODAY() + datetime.timedelta(days=opens_in),
        closes_on=TODAY() + datetime.timedelta(days=closes_in),
    )

    with pytest.raises(services.WindowClosed) as caught:
        services.report_get_or_start(
            commitment=commitment, window=window, actor=organisation_contact
        )

    assert caught.value.message == "The reporting window for 2025 is not open."
    assert ProgressReport.objects.count() == 0


def test_an_existing_report_is_found_after_its_window_closed(
    commitment, window, organisation_contact, report
):
    close(window)
    window.refresh_from_db()

    found = services.report_get_or_start(
        commitment=commitment, window=window, actor=organisation_contact
    )

    assert found.pk == report.pk


def test_an_outsider_cannot_start_a_report(commitment, window, outsider):
    with pytest.raises(NotPermitted):
        services.report_get_or_start(commitment=commitment, window=window, actor=outsider)

    assert ProgressReport.objects.count() == 0


# -- saving and submitting a report ------------------------------------------------------------


def test_a_draft_saves_partial_figures(report, organisation_contact):
    fresh_kpis(2025)

    services.report_save(
        report=report,
        actor=organisation_contact,
        data={"people_trained": 40, "narrative": "  First courses started. "},
    )

    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    assert report.people_trained == 40
    assert report.people_reached is None
    assert report.narrative == "First courses started."
    assert report.submitted_at is None
    entry = AuditEntry.objects.get()
    assert entry.code == "commitments.report.saved"
    assert entry.before == {"people_trained": None, "narrative": ""}
    assert entry.after == {"people_trained": 40, "narrative": "First courses started."}
    assert stale_years() == []


def test_a_complete_report_is_submitted_and_marks_the_kpis_stale(
    report, organisation_contact, esco_v1
):
    fresh_kpis(2025)

    services.report_save(
        report=report,
        actor=organisation_contact,
        data=FIGURES,
        occupation_figures=[(O_NURSE, 70), (O_DEVELOPER, 30)],
        submit=True,
    )

    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.submitted_at is not None
    assert report.submitted_by == organisation_contact
    assert report.is_reopened is False
    assert {name: getattr(report, name) for name in FIGURES} == FIGURES
    assert list(report.occupation_figures.values_list("uri", "label", "people_trained")) == [
        (O_NURSE, "nurse responsible for general care", 70),
        (O_DEVELOPER, "software developer", 30),
    ]
    assert audit_codes() == ["commitments.report.submitted"]
    assert stale_years() == [2025]


def test_zero_is_an_answer(report, organisation_contact):
    zeros = dict.fromkeys(METRICS, 0)

    services.report_save(
        report=report,
        actor=organisation_contact,
        data={"progress_status": "not_started", **zeros},
        submit=True,
    )

    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert {metric: getattr(report, metric) for metric in METRICS} == zeros


def test_submission_needs_the_progress_and_every_figure(report, organisation_contact):
    with pytest.raises(InvalidInput) as caught:
        services.report_save(
            report=report, actor=organisation_contact, data={"people_trained": 5}, submit=True
        )

    assert caught.value.fields == {
        "progress_status": ["Say how the commitment is progressing."],
        "people_reached": ["Give people reached (0 if none)."],
        "programmes": ["Give training programmes created or updated (0 if none)."],
        "stakeholders": ["Give stakeholders engaged in partnerships (0 if none)."],
        "euros": ["Give euros invested (0 if none)."],
    }
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    assert report.people_trained is None
    assert audit_codes() == []


def test_saving_a_submitted_report_without_submitting_makes_it_a_draft_again(
    report, organisation_contact
):
    services.report_save(report=report, actor=organisation_contact, data=FIGURES, submit=True)
    fresh_kpis(2025)

    services.report_save(report=report, actor=organisation_contact, data={"euros": 45_000})

    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    assert report.submitted_at is None
    assert report.euros == 45_000
    assert audit_codes() == ["commitments.report.submitted", "commitments.report.saved"]
    assert AuditEntry.objects.order_by("id").last().after == {"status": "draft", "euros": 45_000}
    assert stale_years() == [2025]


def test_an_invalid_progress_status_is_refused(report, organisation_contact):
    with pytest.raises(InvalidInput) as caught:
        services.report_save(
            report=report, actor=organisation_contact, data={"progress_status": "flourishing"}
        )

    assert caught.value.fields == {"progress_status": ["Choose one of the progress statuses."]}


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        (
            {"people_trained": -1, "euros": -5, "people_reached": 3},
            {
                "people_trained": ["People trained cannot be negative."],
                "euros": ["Euros invested cannot be negative."],
            },
        ),
        (
            {"people_trained": 10, "trained_women": -1, "trained_men": 11},
            {"trained_women": ["Of whom women cannot be negative."]},
        ),
        (
            {"people_trained": 120, "people_reached": 100},
            {
                "people_trained": [
                    "120 people trained but only 100 reached: everyone trained was also reached, "
                    "so people reached must be at least people trained."
                ]
            },
        ),
        (
            {"people_trained": 100, "trained_women": 60, "trained_men": 30},
            {
                "trained_women": [
                    "The breakdown by gender adds up to 90, but 100 people were trained; the four "
                    "figures must add up to the total (use “gender not known” for the rest)."
                ]
            },
        ),
        (
            {"people_trained": 100, "trained_women": 60, "trained_gender_unknown": 50},
            {
                "trained_women": [
                    "The breakdown by gender adds up to 110, but 100 people were trained; the "
                    "four figures must add up to the total (use “gender not known” for the rest)."
                ]
            },
        ),
        (
            {"trained_women": 10},
            {
                "people_trained": [
                    "Give the total of people trained as well as its breakdown by gender."
                ]
            },
        ),
        (
            {"narrative": "x" * 4001},
            {"narrative": ["Ensure this value has at most 4000 characters (it has 4001)."]},
        ),
    ],
    ids=[
        "negative figures",
        "negative breakdown",
        "more trained than reached",
        "breakdown below the total",
        "breakdown above the total",
        "breakdown without total",
        "narrative too long",
    ],
)
def test_impossible_figures_are_refused_naming_the_field(
    report, organisation_contact, data, fields
):
    before = report_state(report)

    with pytest.raises(InvalidInput) as caught:
        services.report_save(report=report, actor=organisation_contact, data=data)

    assert caught.value.fields == fields
    assert report_state(report) == before
    assert audit_codes() == []


def test_a_gender_breakdown_that_adds_up_is_accepted(report, organisation_contact):
    services.report_save(
        report=report,
        actor=organisation_contact,
        data={"people_trained": 10, "trained_women": 7, "trained_gender_unknown": 3},
    )

    report.refresh_from_db()
    assert report.gender_breakdown() == [7, None, None, 3]


@pytest.mark.parametrize(
    ("trained", "figures", "message"),
    [
        (
            100,
            [(O_NURSE, 70), (O_DEVELOPER, 31)],
            "The people trained by occupation add up to 101, more than the 100 people trained "
            "in total.",
        ),
        (
            None,
            [(O_NURSE, 1)],
            "The people trained by occupation add up to 1, more than the 0 people trained "
            "in total.",
        ),
        (100, [(O_NURSE, -1)], "People trained by occupation cannot be negative."),
        (100, [(O_NURSE, 10), (O_NURSE, 20)], "Each occupation can be listed once."),
        (100, [(S_PYTHON, 10)], f"Not a known occupation: {S_PYTHON}"),
    ],
    ids=["above the total", "without a total", "negative", "listed twice", "not an occupation"],
)
def test_occupation_figures_obey_the_total(
    report, organisation_contact, esco_v1, trained, figures, message
):
    with pytest.raises(InvalidInput) as caught:
        services.report_save(
            report=report,
            actor=organisation_contact,
            data={"people_trained": trained, "people_reached": 200},
            occupation_figures=figures,
        )

    assert caught.value.fields == {"occupations": [message]}
    assert ReportOccupation.objects.count() == 0
    report.refresh_from_db()
    assert report.people_trained is None


def test_occupation_figures_are_kept_when_not_given_and_replaced_when_given(
    report, organisation_contact, esco_v1
):
    services.report_save(
        report=report,
        actor=organisation_contact,
        data={"people_trained": 100},
        occupation_figures=[(O_NURSE, 60), ("", 5)],
    )

    services.report_save(report=report, actor=organisation_contact, data={"people_trained": 90})
    kept = list(report.occupation_figures.values_list("uri", "people_trained"))
    services.report_save(
        report=report, actor=organisation_contact, data={}, occupation_figures=[(O_DEVELOPER, 9)]
    )

    assert kept == [(O_NURSE, 60)]
    assert list(report.occupation_figures.values_list("uri", "people_trained")) == [
        (O_DEVELOPER, 9)
    ]


def test_lowering_the_total_below_the_kept_occupation_figures_is_refused(
    report, organisation_contact, esco_v1
):
    services.report_save(
        report=report,
        actor=organisation_contact,
        data={"people_trained": 100},
        occupation_figures=[(O_NURSE, 60)],
    )

    with pytest.raises(InvalidInput) as caught:
        services.report_save(report=report, actor=organisation_contact, data={"people_trained": 50})

    assert set(caught.value.fields) == {"occupations"}
    report.refresh_from_db()
    assert report.people_trained == 100


# -- inclusions of other organisations ---------------------------------------------------------


@pytest.fixture
def network_member(db: None) -> Organisation:
    return OrganisationFactory(legal_name="Clínica San Telmo")


def member_share(**figures: int) -> dict[str, int]:
    return {
        "people_trained": 20,
        "people_reached": 30,
        "programmes": 1,
        "stakeholders": 1,
        "euros": 5_000,
        **figures,
    }


def test_an_umbrella_lists_the_figures_of_its_members(report, organisation_contact, network_member):
    fresh_kpis(2025)
    other = OrganisationFactory(legal_name="Ambulatorio Deusto")

    services.report_save(
        report=report,
        actor=organisation_contact,
        data={**FIGURES, "includes_other_organisations": True},
        inclusions=[
            (network_member, member_share()),
            (other, {"people_trained": "5", "euros": "", "people_reached": None}),
        ],
        submit=True,
    )

    rows = ReportInclusion.objects.filter(report=report).order_by("organisation__legal_name")
    assert [
        (r.organisation.legal_name, r.people_trained, r.people_reached, r.euros) for r in rows
    ] == [
        ("Ambulatorio Deusto", 5, 0, 0),
        ("Clínica San Telmo", 20, 30, 5_000),
    ]
    assert stale_years() == [2025]


@pytest.mark.parametrize(
    ("tick", "inclusions", "message"),
    [
        (
            True,
            lambda own, member: [(member, member_share(people_trained=101))],
            "The figures of the other organisations add up to 101 people trained, more than "
            "the report's total of 100.",
        ),
        (
            True,
            lambda own, member: [
                (member, member_share(euros=30_000)),
                (OrganisationFactory(), member_share(euros=10_001)),
            ],
            "The figures of the other organisations add up to 40001 euros invested, more than "
            "the report's total of 40000.",
        ),
        (
            True,
            lambda own, member: [(own, member_share())],
            "List other organisations only; your own figures are the rest.",
        ),
        (
            True,
            lambda own, member: [(member, member_share()), (member, member_share())],
            "Each organisation can be listed once.",
        ),
        (
            False,
            lambda own, member: [(member, member_share())],
            "Tick “these figures include other organisations” to list them.",
        ),
        (
            True,
            lambda own, member: [(member, member_share(programmes=-1))],
            "Figures of Clínica San Telmo cannot be negative.",
        ),
    ],
    ids=[
        "above the total",
        "two above the total together",
        "own organisation",
        "listed twice",
        "listed without the tick",
        "negative",
    ],
)
def test_inclusions_are_refused_when_they_cannot_be_true(
    report, organisation_contact, member_organisation, network_member, tick, inclusions, message
):
    before = report_state(report)

    with pytest.raises(InvalidInput) as caught:
        services.report_save(
            report=report,
            actor=organisation_contact,
            data={**FIGURES, "includes_other_organisations": tick},
            inclusions=inclusions(member_organisation, network_member),
        )

    assert caught.value.fields == {"inclusions": [message]}
    assert report_state(report) == before
    assert ReportInclusion.objects.count() == 0
    assert audit_codes() == []


def test_an_inclusion_without_the_own_figure_is_refused(
    report, organisation_contact, network_member
):
    with pytest.raises(InvalidInput) as caught:
        services.report_save(
            report=report,
            actor=organisation_contact,
            data={"includes_other_organisations": True},
            inclusions=[(network_member, {"euros": 10})],
        )

    assert caught.value.fields == {
        "inclusions": [
            "The figures of the other organisations add up to 10 euros invested, more than "
            "the report's total of 0."
        ]
    }


def test_the_tick_without_any_organisation_is_refused_on_submission(report, organisation_contact):
    with pytest.raises(InvalidInput) as caught:
        services.report_save(
            report=report,
            actor=organisation_contact,
            data={**FIGURES, "includes_other_organisations": True},
            inclusions=[],
            submit=True,
        )

    assert caught.value.fields == {
        "inclusions": ["List the organisations whose figures you include."]
    }
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT


def test_unticking_drops_the_organisations_listed(report, organisation_contact, network_member):
    services.report_save(
        report=report,
        actor=organisation_contact,
        data={**FIGURES, "includes_other_organisations": True},
        inclusions=[(network_member, member_share())],
    )

    services.report_save(
        report=report, actor=organisation_contact, data={"includes_other_organisations": False}
    )

    assert ReportInclusion.objects.count() == 0


# -- evidence links ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("links", "messages"),
    [
        (
            ["ftp://files.hun.example.es/report.pdf"],
            ["“ftp://files.hun.example.es/report.pdf” is not a web address (http or https)."],
        ),
        (
            ["www.hun.example.es", "javascript:alert(1)"],
            [
                "“www.hun.example.es” is not a web address (http or https).",
                "“javascript:alert(1)” is not a web address (http or https).",
            ],
        ),
        (
            [f"https://hun.example.es/evidence/{n}" for n in range(11)],
            ["Give at most 10 evidence links."],
        ),
    ],
    ids=["ftp", "no scheme and javascript", "eleven links"],
)
def test_evidence_links_are_web_addresses_and_at_most_ten(
    report, organisation_contact, links, messages
):
    with pytest.raises(InvalidInput) as caught:
        services.report_save(
            report=report, actor=organisation_contact, data={"evidence_links": links}
        )

    assert caught.value.fields == {"evidence_links": messages}
    report.refresh_from_db()
    assert report.evidence_links == []


def test_ten_evidence_links_are_kept_without_blanks(report, organisation_contact):
    links = [f"http://hun.example.es/evidence/{n}" for n in range(10)]

    services.report_save(
        report=report, actor=organisation_contact, data={"evidence_links": [" ", *links, ""]}
    )

    report.refresh_from_db()
    assert report.evidence_links == links


# -- who may save, and when --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["outsider", "health_worker"])
def test_only_the_organisation_saves_its_report(request, report, persona):
    before = report_state(report)

    with pytest.raises(NotPermitted):
        services.report_save(
            report=report, actor=request.getfixturevalue(persona), data=FIGURES, submit=True
        )

    assert report_state(report) == before
    assert audit_codes() == []


def test_a_report_locks_when_its_window_closes(report, organisation_contact, window):
    services.report_save(report=report, actor=organisation_contact, data=FIGURES, submit=True)
    close(window)
    before = report_state(report)
    fresh_kpis(2025)

    with pytest.raises(services.WindowClosed) as caught:
        services.report_save(
            report=report, actor=organisation_contact, data={"euros": 1}, submit=True
        )

    yesterday = (TODAY() - datetime.timedelta(days=1)).isoformat()
    assert caught.value.message == (
        f"The reporting window for 2025 closed on {yesterday}; ask the secretariat to reopen "
        "this report."
    )
    assert caught.value.code == "window_closed"
    assert report_state(report) == before
    assert audit_codes() == ["commitments.report.submitted"]
    assert stale_years() == []


def test_even_the_secretariat_cannot_change_a_locked_report(
    report, organisation_contact, secretariat_officer, window
):
    close(window)

    with pytest.raises(services.WindowClosed):
        services.report_save(report=report, actor=secretariat_officer, data={"euros": 1})

    report.refresh_from_db()
    assert report.euros is None


# -- reopening and locking ---------------------------------------------------------------------


@pytest.fixture
def locked_report(report, organisation_contact, window) -> ProgressReport:
    """A submitted report whose window closed yesterday."""
    services.report_save(report=report, actor=organisation_contact, data=FIGURES, submit=True)
    close(window)
    return ProgressReport.objects.get(pk=report.pk)


def test_the_secretariat_reopens_a_locked_report_and_tells_the_contacts(
    locked_report, secretariat_officer, committed
):
    with committed():
        services.report_reopen(
            report=locked_report, actor=secretariat_officer, reason="  The euros are in cents. "
        )

    locked_report.refresh_from_db()
    assert locked_report.is_reopened is True
    assert locked_report.reopen_reason == "The euros are in cents."
    assert locked_report.status == ProgressReport.Status.SUBMITTED
    reopening = ReportReopening.objects.get()
    assert (reopening.reason, reopening.reopened_by) == (
        "The euros are in cents.",
        secretariat_officer,
    )
    entry = AuditEntry.objects.filter(code="commitments.report.reopened").get()
    assert entry.message == "The euros are in cents."
    assert recipients() == ["contact@hun.example.es"]
    assert (
        mail.outbox[0].subject
        == "Your 2025 report on “Digital skills for 500 nurses” is open again"
    )
    assert "The euros are in cents." in mail.outbox[0].body


def test_a_reopened_report_is_corrected_and_locks_again_on_resubmission(
    locked_report, secretariat_officer, organisation_contact
):
    services.report_reopen(report=locked_report, actor=secretariat_officer, reason="Cents.")

    services.report_save(
        report=locked_report, actor=organisation_contact, data={"euros": 400}, submit=True
    )

    locked_report.refresh_from_db()
    assert locked_report.euros == 400
    assert locked_report.status == ProgressReport.Status.SUBMITTED
    assert locked_report.is_reopened is False
    with pytest.raises(services.WindowClosed):
        services.report_save(report=locked_report, actor=organisation_contact, data={"euros": 1})
    locked_report.refresh_from_db()
    assert locked_report.euros == 400


def test_a_reopened_report_saved_as_draft_stays_open(
    locked_report, secretariat_officer, organisation_contact
):
    services.report_reopen(report=locked_report, actor=secretariat_officer, reason="Cents.")

    services.report_save(report=locked_report, actor=organisation_contact, data={"euros": 400})

    locked_report.refresh_from_db()
    assert locked_report.status == ProgressReport.Status.DRAFT
    assert locked_report.is_reopened is True


def test_reopening_needs_a_reason(locked_report, secretariat_officer):
    with pytest.raises(InvalidInput) as caught:
        services.report_reopen(report=locked_report, actor=secretariat_officer, reason=" ")

    assert caught.value.fields == {"reason": ["Give the reason for reopening the report."]}
    locked_report.refresh_from_db()
    assert locked_report.is_reopened is False
    assert ReportReopening.objects.count() == 0


@pytest.mark.parametrize("persona", ["organisation_contact", "outsider"])
def test_only_the_secretariat_reopens(request, locked_report, committed, persona):
    mail.outbox.clear()

    with committed(), pytest.raises(PermissionDenied):
        services.report_reopen(
            report=locked_report, actor=request.getfixturevalue(persona), reason="Please."
        )

    locked_report.refresh_from_db()
    assert locked_report.is_reopened is False
    assert ReportReopening.objects.count() == 0
    assert audit_codes() == ["commitments.report.submitted"]
    assert mail.outbox == []


def test_a_report_is_not_reopened_while_its_window_is_open(report, secretariat_officer):
    with pytest.raises(InvalidState):
        services.report_reopen(report=report, actor=secretariat_officer, reason="Why not.")

    report.refresh_from_db()
    assert report.is_reopened is False
    assert ReportReopening.objects.count() == 0


def test_a_reopened_report_is_not_reopened_twice(locked_report, secretariat_officer):
    services.report_reopen(report=locked_report, actor=secretariat_officer, reason="Once.")

    with pytest.raises(InvalidState):
        services.report_reopen(report=locked_report, actor=secretariat_officer, reason="Twice.")

    assert ReportReopening.objects.count() == 1


def test_the_secretariat_locks_a_reopened_report_again(
    locked_report, secretariat_officer, organisation_contact
):
    services.report_reopen(report=locked_report, actor=secretariat_officer, reason="Cents.")

    services.report_lock(report=locked_report, actor=secretariat_officer)

    locked_report.refresh_from_db()
    assert locked_report.is_reopened is False
    assert audit_codes()[-1] == "commitments.report.locked"
    with pytest.raises(services.WindowClosed):
        services.report_save(report=locked_report, actor=organisation_contact, data={"euros": 1})


def test_locking_needs_a_reopened_report_and_the_secretariat(
    locked_report, secretariat_officer, organisation_contact
):
    with pytest.raises(InvalidState):
        services.report_lock(report=locked_report, actor=secretariat_officer)
    services.report_reopen(report=locked_report, actor=secretariat_officer, reason="Cents.")

    with pytest.raises(PermissionDenied):
        services.report_lock(report=locked_report, actor=organisation_contact)

    locked_report.refresh_from_db()
    assert locked_report.is_reopened is True
    assert "commitments.report.locked" not in audit_codes()


# -- overlaps between umbrellas and members ----------------------------------------------------


@pytest.fixture
def umbrella_report(window, network_member) -> ProgressReport:
    """A network's 2025 report that includes the figures of one of its members."""
    inclusion = ReportInclusionFactory(
        report__window=window,
        report__commitment__organisation__legal_name="Red de Hospitales",
        organisation=network_member,
    )
    return inclusion.report


def test_the_secretariat_decides_which_report_counts_an_organisation(
    umbrella_report, network_member, secretariat_officer
):
    fresh_kpis(2025)

    resolution = services.overlap_resolve(
        actor=secretariat_officer,
        year=2025,
        organisation=network_member,
        counted_report=umbrella_report,
        reason=" The network collected the figures. ",
    )

    assert (resolution.year, resolution.organisation, resolution.counted_report) == (
        2025,
        network_member,
        umbrella_report,
    )
    assert resolution.reason == "The network collected the figures."
    assert resolution.decided_by == secretariat_officer
    entry = AuditEntry.objects.get()
    assert entry.code == "commitments.overlap.resolved"
    assert entry.after == {"year": 2025, "counted_report": str(umbrella_report.public_id)}
    assert entry.organisation == network_member
    assert stale_years() == [2025]


def test_a_new_decision_replaces_the_previous_one(
    umbrella_report, network_member, secretariat_officer
):
    services.overlap_resolve(
        actor=secretariat_officer,
        year=2025,
        organisation=network_member,
        counted_report=umbrella_report,
    )

    services.overlap_resolve(
        actor=secretariat_officer, year=2025, organisation=network_member, counted_report=None
    )

    resolution = OverlapResolution.objects.get()
    assert resolution.counted_report is None
    assert audit_codes() == ["commitments.overlap.resolved", "commitments.overlap.resolved"]


@pytest.mark.parametrize("case", ["other organisation", "other year"])
def test_the_counted_report_must_include_the_organisation_that_year(
    umbrella_report, network_member, secretariat_officer, case
):
    organisation, year = network_member, 2025
    if case == "other organisation":
        organisation = OrganisationFactory(legal_name="Clínica Ajena")
    else:
        year = 2024
    fresh_kpis(2024, 2025)

    with pytest.raises(InvalidInput) as caught:
        services.overlap_resolve(
            actor=secretariat_officer,
            year=year,
            organisation=organisation,
            counted_report=umbrella_report,
        )

    assert caught.value.message == (
        f"That report does not include {organisation.legal_name} for {year}."
    )
    assert OverlapResolution.objects.count() == 0
    assert audit_codes() == []
    assert stale_years() == []


def test_only_the_secretariat_resolves_overlaps(
    umbrella_report, network_member, organisation_contact
):
    with pytest.raises(PermissionDenied):
        services.overlap_resolve(
            actor=organisation_contact,
            year=2025,
            organisation=network_member,
            counted_report=umbrella_report,
        )

    assert OverlapResolution.objects.count() == 0
    assert audit_codes() == []


def test_resetting_a_decision_restores_the_default_rules(
    umbrella_report, network_member, secretariat_officer, organisation_contact
):
    resolution = services.overlap_resolve(
        actor=secretariat_officer,
        year=2025,
        organisation=network_member,
        counted_report=umbrella_report,
    )
    fresh_kpis(2025)

    with pytest.raises(PermissionDenied):
        services.overlap_reset(actor=organisation_contact, resolution=resolution)
    assert OverlapResolution.objects.count() == 1
    assert stale_years() == []

    services.overlap_reset(actor=secretariat_officer, resolution=resolution)

    assert OverlapResolution.objects.count() == 0
    assert audit_codes() == ["commitments.overlap.resolved", "commitments.overlap.reset"]
    assert stale_years() == [2025]
