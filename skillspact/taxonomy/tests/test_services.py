"""Business rules of imports started from the web, the default version, local roles, the lens."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied

from skillspact.core.errors import InvalidInput, InvalidState
from skillspact.core.models import AuditEntry
from skillspact.taxonomy import exports, health, importer, seed, services
from skillspact.taxonomy.models import (
    EscoVersion,
    HealthLensOverride,
    LocalRole,
    LocalRoleSkill,
    Occupation,
)
from skillspact.taxonomy.tests import esco_files as ef

pytestmark = pytest.mark.django_db


def create_role(actor, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "slug": "telehealth-coordinator",
        "preferred_label": "telehealth coordinator",
        "description": "Organises care at a distance.",
        "source": "Working group 3, 2026",
        "skills": {ef.S_DATA: "essential", ef.S_INITIATIVE: "optional"},
        "alt_labels": ["telemedicine coordinator", " "],
        "isco_group": "3259",
    }
    values.update(overrides)
    return services.local_role_create(actor=actor, **values)


# -- imports started from the web --------------------------------------------------------------


def test_the_secretariat_starts_an_import_that_runs_after_commit(
    secretariat_officer, esco_folder, committed
):
    with committed():
        version = services.esco_import_start(
            actor=secretariat_officer, path=str(esco_folder), make_default=True
        )

    version.refresh_from_db()
    assert (version.code, version.status, version.is_default) == ("v1.1.1", "ready", True)
    assert version.counts == ef.COUNTS
    assert list(
        AuditEntry.objects.filter(object_id=str(version.pk))
        .order_by("id")
        .values_list("code", "actor")
    ) == [
        ("taxonomy.esco_import.started", secretariat_officer.pk),
        ("taxonomy.esco_import.finished", secretariat_officer.pk),
    ]


def test_an_import_that_fails_is_marked_and_audited(secretariat_officer, esco_folder, committed):
    (esco_folder / "skills_en.csv").write_text("conceptUri\r\n")

    with committed():
        version = services.esco_import_start(actor=secretariat_officer, path=str(esco_folder))

    version.refresh_from_db()
    assert version.status == "failed"
    assert version.last_error.startswith("skills_en.csv:1: missing required column(s)")
    failed = AuditEntry.objects.get(code="taxonomy.esco_import.failed")
    assert failed.message == version.last_error


def test_only_the_secretariat_starts_an_import(organisation_contact, esco_folder, committed):
    with committed(), pytest.raises(PermissionDenied):
        services.esco_import_start(actor=organisation_contact, path=str(esco_folder))

    assert not EscoVersion.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_import_needs_an_existing_path_and_a_version(secretariat_officer, tmp_path):
    with pytest.raises(InvalidInput):
        services.esco_import_start(actor=secretariat_officer, path=str(tmp_path / "nothing"))
    with pytest.raises(InvalidInput) as caught:
        services.esco_import_start(actor=secretariat_officer, path=str(tmp_path))

    assert "version" in caught.value.fields
    assert not EscoVersion.objects.exists()


def test_the_default_version_switches_and_stays_unique(secretariat_officer, esco_v1, tmp_path):
    importer.esco_import([ef.write_folder(tmp_path / "v1.2.0", naming="1.2")])
    second = EscoVersion.objects.get(code="v1.2.0")

    services.esco_version_make_default(actor=secretariat_officer, version=second)

    assert list(EscoVersion.objects.filter(is_default=True)) == [second]
    entry = AuditEntry.objects.get(code="taxonomy.version.made_default")
    assert (entry.before, entry.after) == ({"default": "v1.1.1"}, {"default": "v1.2.0"})


def test_a_version_still_importing_cannot_become_the_default(secretariat_officer, esco_v1):
    importing = EscoVersion.objects.create(code="v1.2.0")

    with pytest.raises(InvalidState):
        services.esco_version_make_default(actor=secretariat_officer, version=importing)

    assert list(EscoVersion.objects.filter(is_default=True)) == [esco_v1]


# -- local roles -------------------------------------------------------------------------------


def test_the_secretariat_adds_a_local_role_outside_the_esco_namespace(secretariat_officer, esco_v1):
    role = create_role(secretariat_officer)

    assert role.uri == "urn:skillspact:occupation:telehealth-coordinator"
    assert not role.is_esco
    assert (role.is_health, role.is_active, role.content_version) == (True, True, "1.0")
    assert role.alt_labels == ["telemedicine coordinator"]
    assert role.esco_version == esco_v1
    assert sorted(role.skills.values_list("skill_uri", "relation", "esco_version")) == sorted(
        [(ef.S_DATA, "essential", esco_v1.pk), (ef.S_INITIATIVE, "optional", esco_v1.pk)]
    )
    entry = AuditEntry.objects.get(code="taxonomy.local_role.created")
    assert entry.after["skills"] == [f"essential:{ef.S_DATA}", f"optional:{ef.S_INITIATIVE}"]


def test_a_local_role_with_a_skill_esco_lacks_is_refused(secretariat_officer, esco_v1):
    with pytest.raises(InvalidInput) as caught:
        create_role(secretariat_officer, skills={ef.UNKNOWN_SKILL: "essential"})

    assert caught.value.fields == {"skills": [f"Not skills of ESCO v1.1.1: {ef.UNKNOWN_SKILL}"]}
    assert not LocalRole.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"skills": {}}, "skills"),
        ({"skills": {ef.S_DATA: "mandatory"}}, "skills"),
        ({"slug": "Not a slug!"}, "slug"),
        ({"description": ""}, "description"),
    ],
)
def test_a_local_role_needs_valid_fields(secretariat_officer, esco_v1, overrides, field):
    with pytest.raises(InvalidInput) as caught:
        create_role(secretariat_officer, **overrides)

    assert field in caught.value.fields
    assert not LocalRole.objects.exists()


def test_two_local_roles_cannot_share_a_slug(secretariat_officer, esco_v1):
    create_role(secretariat_officer)

    with pytest.raises(InvalidInput):
        create_role(secretariat_officer, preferred_label="another")

    assert LocalRole.objects.count() == 1


def test_only_the_secretariat_edits_local_roles(secretariat_officer, outsider, esco_v1):
    with pytest.raises(PermissionDenied):
        create_role(outsider)
    role = create_role(secretariat_officer)

    with pytest.raises(PermissionDenied):
        services.local_role_update(actor=outsider, role=role, data={"is_active": False})

    role.refresh_from_db()
    assert role.is_active


def test_updating_a_local_role_audits_what_changed(secretariat_officer, esco_v1):
    role = create_role(secretariat_officer)

    services.local_role_update(
        actor=secretariat_officer,
        role=role,
        data={"description": "Organises remote care.", "content_version": "1.1"},
        skills={ef.S_DATA: "essential", ef.S_RISK: "essential"},
    )

    role.refresh_from_db()
    assert role.description == "Organises remote care."
    assert sorted(role.skills.values_list("skill_uri", flat=True)) == sorted([ef.S_DATA, ef.S_RISK])
    entry = AuditEntry.objects.get(code="taxonomy.local_role.updated")
    assert entry.before["content_version"] == "1.0"
    assert entry.after["content_version"] == "1.1"
    assert entry.after["skills"] == [f"essential:{ef.S_RISK}", f"essential:{ef.S_DATA}"]
    assert "slug" not in entry.after


def test_a_local_role_moves_to_a_new_esco_version_with_its_profile(
    secretariat_officer, esco_v1, tmp_path
):
    importer.esco_import([ef.write_folder(tmp_path / "v1.2.0", naming="1.2")])
    second = EscoVersion.objects.get(code="v1.2.0")
    role = create_role(secretariat_officer)

    services.local_role_update(actor=secretariat_officer, role=role, esco_version=second)

    role.refresh_from_db()
    assert role.esco_version == second
    assert set(LocalRoleSkill.objects.values_list("esco_version__code", flat=True)) == {"v1.2.0"}


def test_local_roles_export_in_the_esco_csv_layout(secretariat_officer, esco_v1):
    role = create_role(secretariat_officer)

    occupations = list(csv.reader(io.StringIO(exports.local_roles_occupations_csv())))
    relations = list(csv.reader(io.StringIO(exports.local_roles_relations_csv())))

    assert occupations[0] == ef.OCCUPATION_COLUMNS
    row = dict(zip(occupations[0], occupations[1], strict=True))
    assert row["conceptUri"] == role.uri
    assert row["preferredLabel"] == "telehealth coordinator"
    assert row["altLabels"] == "telemedicine coordinator"
    assert row["iscoGroup"] == "3259"
    assert row["inScheme"] == "urn:skillspact:concept-scheme:local-extensions"
    assert row["scopeNote"].startswith("Not part of ESCO")
    assert relations == [
        ["occupationUri", "relationType", "skillType", "skillUri"],
        [role.uri, "essential", "knowledge", ef.S_DATA],
        [role.uri, "optional", "skill/competence", ef.S_INITIATIVE],
    ]
    with zipfile.ZipFile(io.BytesIO(exports.local_roles_zip())) as archive:
        assert archive.namelist() == ["occupations_en.csv", "occupationSkillRelations.csv"]


def test_the_shipped_roles_are_seeded_once(esco_v1):
    first = seed.local_roles_seed(version=esco_v1)
    LocalRole.objects.filter(slug="health-data-steward").update(description="Edited.")

    second = seed.local_roles_seed(version=esco_v1)

    assert len(first.created) == 5
    assert second.created == []
    assert len(second.kept) == 5
    assert LocalRole.objects.get(slug="health-data-steward").description == "Edited."
    # The tiny ESCO set has only some of the profiles' skills; the rest are reported.
    steward = LocalRole.objects.get(slug="health-data-steward")
    assert list(steward.skills.values_list("skill_uri", flat=True)) == [ef.S_DATA]
    assert f"health-data-steward: {ef.S_DATA}" not in first.missing_skills
    assert len(first.missing_skills) == 56 - 3


# -- the health lens ---------------------------------------------------------------------------


def health_uris(version: EscoVersion) -> set[str]:
    return set(
        Occupation.objects.filter(version=version, is_health=True).values_list("uri", flat=True)
    )


def test_the_health_lens_follows_isco_groups(esco_v1):
    # 2221 nursing professionals are in; 2512 developers, 3240 veterinary and 2635 social are out.
    assert health_uris(esco_v1) == {ef.O_NURSE, ef.O_SPECIALIST}
    assert health.is_health_isco("2221")
    assert not health.is_health_isco("2250")
    assert not health.is_health_isco("")


def test_overrides_put_occupations_in_and_out_of_the_lens_in_every_version(
    secretariat_officer, esco_v1, tmp_path
):
    importer.esco_import([ef.write_folder(tmp_path / "v1.2.0", naming="1.2")])
    second = EscoVersion.objects.get(code="v1.2.0")

    services.health_override_set(
        actor=secretariat_officer,
        occupation_uri=ef.O_SOCIAL,
        is_included=True,
        reason="Hospital-based.",
    )
    override = services.health_override_set(
        actor=secretariat_officer,
        occupation_uri=ef.O_SPECIALIST,
        is_included=False,
        reason="Test exclusion.",
    )

    assert health_uris(esco_v1) == {ef.O_NURSE, ef.O_SOCIAL}
    assert health_uris(second) == {ef.O_NURSE, ef.O_SOCIAL}
    services.health_override_remove(actor=secretariat_officer, override=override)
    assert health_uris(esco_v1) == {ef.O_NURSE, ef.O_SOCIAL, ef.O_SPECIALIST}
    assert list(
        AuditEntry.objects.filter(code__startswith="taxonomy.health_override").values_list(
            "code", flat=True
        )
    ) == [
        "taxonomy.health_override.removed",
        "taxonomy.health_override.set",
        "taxonomy.health_override.set",
    ]


def test_an_override_survives_a_reimport(secretariat_officer, esco_v1, esco_folder):
    services.health_override_set(
        actor=secretariat_officer, occupation_uri=ef.O_SOCIAL, is_included=True, reason="In."
    )

    importer.esco_import([esco_folder])

    assert ef.O_SOCIAL in health_uris(EscoVersion.objects.get())


def test_an_override_needs_a_reason_and_the_secretariat(secretariat_officer, outsider, esco_v1):
    with pytest.raises(InvalidInput):
        services.health_override_set(
            actor=secretariat_officer, occupation_uri=ef.O_SOCIAL, is_included=True, reason=" "
        )
    with pytest.raises(PermissionDenied):
        services.health_override_set(
            actor=outsider, occupation_uri=ef.O_SOCIAL, is_included=True, reason="Mine."
        )

    assert not HealthLensOverride.objects.exists()
    assert health_uris(esco_v1) == {ef.O_NURSE, ef.O_SPECIALIST}


def test_the_shipped_curation_is_seeded_once(esco_v1):
    assert health.seed_default_curation() == len(health.DEFAULT_CURATION)
    assert health.seed_default_curation() == 0
    health.apply()

    assert ef.O_SOCIAL in health_uris(esco_v1)
