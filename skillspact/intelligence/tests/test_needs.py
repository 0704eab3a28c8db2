"""Employer needs: declaring, replacing, copying last year's, permissions, export."""

from __future__ import annotations

import pytest
from django.urls import reverse

from skillspact.core.errors import InvalidInput
from skillspact.core.models import AuditEntry
from skillspact.intelligence import needs
from skillspact.intelligence.models import EmployerNeed, NeedRole, NeedSkill
from skillspact.organisations.factories import OrganisationFactory
from skillspact.taxonomy.tests.conftest import esco_folder, esco_v1  # noqa: F401
from skillspact.taxonomy.tests.esco_files import O_NURSE, S_PYTHON, S_RISK

ROLE = {"occupation": "nurse responsible for general care", "kind": "hire", "count": "4",
        "horizon_months": "12", "country": "ES", "region": "ES21"}  # fmt: skip
SKILL = {"skill": "health informatics", "difficulty": "5"}


def test_a_contact_declares_roles_and_skills_by_name(
    organisation_contact,
    member_organisation,
    esco_v1,  # noqa: F811
):
    need = needs.need_save(
        actor=organisation_contact,
        organisation=member_organisation,
        year=2026,
        roles=[ROLE],
        skills=[SKILL, {"skill": S_PYTHON, "difficulty": "3"}],
    )

    assert list(need.roles.values_list("occupation_uri", "kind", "count", "country", "region")) == [
        (O_NURSE, "hire", 4, "ES", "ES21")
    ]
    assert sorted(need.skills.values_list("difficulty", flat=True)) == [3, 5]
    assert AuditEntry.objects.filter(code="intelligence.employer_need.created").count() == 1


def test_saving_again_replaces_the_year_and_keeps_one_per_year(
    organisation_contact,
    member_organisation,
    esco_v1,  # noqa: F811
):
    needs.need_save(actor=organisation_contact, organisation=member_organisation, year=2026,
                    roles=[ROLE], skills=[SKILL])  # fmt: skip

    needs.need_save(actor=organisation_contact, organisation=member_organisation, year=2026,
                    roles=[], skills=[{"skill": S_RISK, "difficulty": "2"}])  # fmt: skip

    assert EmployerNeed.objects.count() == 1
    assert NeedRole.objects.count() == 0
    assert list(NeedSkill.objects.values_list("skill_uri", "difficulty")) == [(S_RISK, 2)]
    assert AuditEntry.objects.filter(code="intelligence.employer_need.updated").count() == 1


def test_wrong_rows_are_reported_by_row_and_field_and_nothing_changes(
    organisation_contact,
    member_organisation,
    esco_v1,  # noqa: F811
):
    with pytest.raises(InvalidInput) as caught:
        needs.need_save(
            actor=organisation_contact,
            organisation=member_organisation,
            year=2026,
            roles=[{**ROLE, "occupation": "astronaut", "horizon_months": "24", "region": "FR10"}],
            skills=[SKILL, SKILL, {"skill": S_RISK, "difficulty": "9"}],
        )

    assert set(caught.value.fields) == {
        "roles-0-occupation", "roles-0-horizon_months", "roles-0-region",
        "skills-1-skill", "skills-2-difficulty",
    }  # fmt: skip
    assert EmployerNeed.objects.count() == 0


def test_another_organisations_contact_gets_404_and_nothing_changes(
    client,
    organisation_contact,
    esco_v1,  # noqa: F811
):
    other = OrganisationFactory(slug="other-hospital")
    client.force_login(organisation_contact)

    page = client.post(
        reverse("intelligence:needs_edit", args=[other.slug, 2026]),
        {"roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0",
         "skills-TOTAL_FORMS": "0", "skills-INITIAL_FORMS": "0"},
    )  # fmt: skip

    assert page.status_code == 404
    assert EmployerNeed.objects.count() == 0


def test_the_form_keeps_what_was_typed_on_errors_and_saves_when_right(
    client,
    organisation_contact,
    member_organisation,
    esco_v1,  # noqa: F811
):
    client.force_login(organisation_contact)
    url = reverse("intelligence:needs_edit", args=[member_organisation.slug, 2026])
    data = {"roles-TOTAL_FORMS": "1", "roles-INITIAL_FORMS": "0",
            "skills-TOTAL_FORMS": "1", "skills-INITIAL_FORMS": "0",
            **{f"roles-0-{k}": v for k, v in ROLE.items()},
            "skills-0-skill": "no such skill anywhere", "skills-0-difficulty": "4"}  # fmt: skip

    wrong = client.post(url, data)
    right = client.post(
        url,
        {**data, "skills-0-skill": "health informatics", "roles-TOTAL_FORMS": "2",
         "roles-1-occupation": "", "roles-1-kind": "", "roles-1-horizon_months": "",
         "roles-1-country": ""},
    )  # fmt: skip

    assert "No ESCO skill has that name." in wrong.content.decode()
    assert 'value="no such skill anywhere"' in wrong.content.decode()
    assert right.status_code == 302
    assert EmployerNeed.objects.get().roles.get().occupation_uri == O_NURSE


def test_start_from_last_year_copies_the_previous_declaration(
    client,
    organisation_contact,
    member_organisation,
    esco_v1,  # noqa: F811
):
    needs.need_save(actor=organisation_contact, organisation=member_organisation, year=2025,
                    roles=[ROLE], skills=[SKILL])  # fmt: skip
    client.force_login(organisation_contact)

    page = client.get(
        reverse("intelligence:needs_edit", args=[member_organisation.slug, 2026]),
        {"from": "previous"},
    )

    assert 'value="nurse responsible for general care"' in page.content.decode()
    assert EmployerNeed.objects.count() == 1


def test_the_secretariat_sees_every_declaration_and_exports_it(
    client,
    secretariat_officer,
    organisation_contact,
    member_organisation,
    esco_v1,  # noqa: F811
    django_assert_max_num_queries,
):
    needs.need_save(actor=organisation_contact, organisation=member_organisation, year=2026,
                    roles=[ROLE], skills=[SKILL])  # fmt: skip
    client.force_login(secretariat_officer)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("intelligence:needs_list"))
    export = client.get(reverse("intelligence:needs_export"))

    assert member_organisation.legal_name in page.content.decode()
    lines = export.content.decode().strip().splitlines()
    assert len(lines) == 3
    assert lines[1].startswith(f"{member_organisation.legal_name},2026,role,{O_NURSE},hire,4")


def test_an_outsider_sees_no_declarations(
    client,
    outsider,
    organisation_contact,
    member_organisation,
    esco_v1,  # noqa: F811
):
    needs.need_save(actor=organisation_contact, organisation=member_organisation, year=2026,
                    roles=[ROLE], skills=[])  # fmt: skip
    client.force_login(outsider)

    page = client.get(reverse("intelligence:needs_list"))

    assert member_organisation.legal_name not in page.content.decode()
    assert needs.needs_visible_to(user=outsider).count() == 0
