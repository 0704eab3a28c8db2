"""Importing ESCO downloads: layouts, languages, bad files, bad rows, versions side by side."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from skillspact.taxonomy import importer
from skillspact.taxonomy.models import (
    Broader,
    CollectionMember,
    EscoVersion,
    IscoGroup,
    Label,
    Occupation,
    OccupationSkill,
    Skill,
    SkillGroup,
    SkillRelation,
)
from skillspact.taxonomy.seed import LOCAL_ROLES, SHIPPED_ZIP
from skillspact.taxonomy.tests import esco_files as ef

pytestmark = pytest.mark.django_db

TABLES = [
    Skill,
    Occupation,
    IscoGroup,
    SkillGroup,
    Label,
    OccupationSkill,
    SkillRelation,
    Broader,
    CollectionMember,
]


def table_counts(version: EscoVersion | None = None) -> dict[str, int]:
    counts = {}
    for model in TABLES:
        rows = model.objects.all()
        if version is not None:
            rows = rows.filter(version=version)
        counts[model.__name__] = rows.count()
    return counts


def nothing_imported() -> dict[str, int]:
    return {model.__name__: 0 for model in TABLES}


# -- layouts -----------------------------------------------------------------------------------


def test_a_v1_1_folder_imports_every_table_and_becomes_the_default(esco_folder):
    report = importer.esco_import([esco_folder])

    version = EscoVersion.objects.get()
    assert (version.code, version.status, version.is_default) == ("v1.1.1", "ready", True)
    assert version.languages == ["en"]
    assert report.counts == ef.COUNTS
    assert version.counts == ef.COUNTS
    assert report.bad_rows == []
    assert report.ignored_files == ["conceptSchemes_en.csv"]
    nurse = Occupation.objects.get(uri=ef.O_NURSE)
    assert (nurse.code, nurse.isco_group, nurse.is_health) == ("2221.2", "2221", True)
    assert nurse.regulated_profession_note.endswith("/unregulated")
    assert not nurse.is_regulated_profession
    data = Skill.objects.get(uri=ef.S_DATA)
    assert (data.skill_type, data.reuse_level) == ("knowledge", "sector-specific")
    assert data.collections == ["digital", "digcomp"]
    assert sorted(
        Label.objects.filter(concept_uri=ef.S_DATA).values_list("label_type", "text")
    ) == [
        ("alternative", "information protection"),
        ("hidden", "data protecton"),
        ("preferred", "data protection"),
    ]
    assert OccupationSkill.objects.get(occupation=nurse, skill__uri=ef.S_RISK).relation == (
        "essential"
    )
    assert Broader.objects.get(narrower_uri=ef.O_NURSE).broader_type == "isco_group"


def test_the_same_download_with_v1_2_file_names_imports_the_same(tmp_path):
    folder = ef.write_folder(tmp_path / "esco", naming="1.2")

    report = importer.esco_import([folder], version="v1.2.0")

    assert report.counts == ef.COUNTS
    assert report.bad_rows == []
    assert EscoVersion.objects.get().code == "v1.2.0"


def test_a_zip_with_its_files_in_a_subfolder_imports_the_same(tmp_path):
    archive = ef.write_zip(tmp_path / "ESCO dataset - v1.1.1 - classification - en - csv.zip",
                           subfolder="csv/")  # fmt: skip

    report = importer.esco_import([archive])

    assert report.version == "v1.1.1"
    assert report.counts == ef.COUNTS
    assert table_counts() == {
        "Skill": 6,
        "Occupation": 5,
        "IscoGroup": 7,
        "SkillGroup": 5,
        "Label": 35,
        "OccupationSkill": 10,
        "SkillRelation": 2,
        "Broader": 13,
        "CollectionMember": 5,
    }


def test_gzip_compressed_csvs_import_the_same(tmp_path):
    folder = ef.write_folder(tmp_path / "v1.1.1", gz=True)

    assert importer.esco_import([folder]).counts == ef.COUNTS


def test_a_copy_in_a_subfolder_is_left_out(tmp_path, esco_folder):
    ef.write_folder(esco_folder / "fr_partial", languages=("fr",))

    report = importer.esco_import([esco_folder])

    assert report.languages == ["en"]
    assert "skills_fr.csv (in a subfolder)" in report.ignored_files


def test_the_skills_hierarchy_supplies_groups_and_codes_the_skill_groups_file_lacks(esco_v1):
    from_hierarchy = SkillGroup.objects.get(uri=ef.G_ONLY_IN_HIERARCHY)
    assert (from_hierarchy.preferred_label, from_hierarchy.code) == (
        "managing health risks",
        "S4.9",
    )
    assert from_hierarchy.description == "Managing risks to health."
    assert SkillGroup.objects.get(uri=ef.G_ISCED_0914).code == "0914"
    assert Broader.objects.filter(narrower_uri=ef.S_RISK, broader_uri=ef.G_ONLY_IN_HIERARCHY)


def test_progress_is_reported_up_to_the_end(esco_folder):
    seen: list[importer.Progress] = []

    importer.esco_import([esco_folder], progress=seen.append)

    assert seen[-1].fraction == 1.0
    assert seen[-1].rows == 55
    assert [p.done_bytes for p in seen] == sorted(p.done_bytes for p in seen)


# -- languages ---------------------------------------------------------------------------------


def test_labels_of_every_language_are_joined_by_uri(tmp_path):
    folder = ef.write_folder(tmp_path / "v1.1.1", languages=("en", "fr"))

    report = importer.esco_import([folder])

    assert report.languages == ["en", "fr"]
    assert EscoVersion.objects.get().languages == ["en", "fr"]
    risk = Skill.objects.get(uri=ef.S_RISK)
    assert risk.preferred_label == "manage clinical risk"
    assert sorted(
        Label.objects.filter(concept_uri=ef.S_RISK, language="fr").values_list(
            "label_type", "text", "normalised"
        )
    ) == [
        ("alternative", "gestion des risques cliniques", "gestion des risques cliniques"),
        ("preferred", "gérer les risques cliniques", "gerer les risques cliniques"),
    ]
    assert Label.objects.filter(language="fr").count() == 5
    assert [str(row) for row in report.bad_rows] == [
        f"skills_fr.csv:4: unknown concept {ef.UNKNOWN_SKILL}: not in the en file"
    ]


def test_only_the_languages_asked_for_are_read(tmp_path):
    folder = ef.write_folder(tmp_path / "v1.1.1", languages=("en", "fr"))

    report = importer.esco_import([folder], languages=["en"])

    assert report.languages == ["en"]
    assert not Label.objects.filter(language="fr").exists()


def test_labels_can_come_from_a_second_path(tmp_path, esco_folder):
    french = ef.write_folder(tmp_path / "french", languages=("fr",))

    importer.esco_import([esco_folder, french / "skills_fr.csv"])

    assert Label.objects.filter(language="fr", concept_type="skill").count() == 3


def test_a_french_only_download_takes_its_labels_from_french(tmp_path):
    folder = ef.write_folder(tmp_path / "v1.1.1", languages=("fr",))
    (folder / "occupationSkillRelations.csv").unlink()

    report = importer.esco_import([folder])

    assert report.languages == ["fr"]
    assert Skill.objects.get(uri=ef.S_RISK).preferred_label == "gérer les risques cliniques"


# -- a download that cannot be imported ----------------------------------------------------------


def test_a_missing_column_stops_the_import_with_the_file_and_line(esco_folder):
    relations = esco_folder / "occupationSkillRelations.csv"
    relations.write_text(relations.read_text().replace(",skillUri", ",skillURL", 1))

    with pytest.raises(importer.EscoFormatError) as caught:
        importer.esco_import([esco_folder])

    assert caught.value.message == (
        "occupationSkillRelations.csv:1: missing required column(s) skillUri; the header line "
        "reads: occupationUri,relationType,skillType,skillURL"
    )
    assert (caught.value.file, caught.value.line) == ("occupationSkillRelations.csv", 1)
    assert table_counts() == nothing_imported()
    assert not EscoVersion.objects.filter(status=EscoVersion.Status.READY).exists()


def test_a_file_that_breaks_late_in_the_import_rolls_everything_back(esco_folder):
    # Long enough that the header check reads only its beginning: the error comes mid-import.
    broader = esco_folder / "broaderRelationsOccPillar.csv"
    padding = f"Occupation,{ef.O_SOCIAL},ISCOGroup,{ef.ESCO}/isco/C2635\r\n".encode() * 500
    broader.write_bytes(broader.read_bytes() + padding + b"Occupation,caf\xe9,ISCOGroup,x\r\n")

    with pytest.raises(importer.EscoFormatError) as caught:
        importer.esco_import([esco_folder])

    assert caught.value.message == "broaderRelationsOccPillar.csv:510: is not UTF-8 text"
    assert table_counts() == nothing_imported()
    version = EscoVersion.objects.get()
    assert (version.status, version.is_default) == ("failed", False)
    assert version.last_error == caught.value.message


def test_a_failed_reimport_leaves_the_ready_version_as_it_was(esco_v1, esco_folder):
    before = table_counts(esco_v1)
    (esco_folder / "skills_en.csv").write_text("conceptUri,preferredLabel\r\n")

    with pytest.raises(importer.EscoFormatError):
        importer.esco_import([esco_folder])

    esco_v1.refresh_from_db()
    assert (esco_v1.status, esco_v1.is_default) == ("ready", True)
    assert esco_v1.last_error.startswith("skills_en.csv:1: missing required column(s) skillType")
    assert table_counts(esco_v1) == before


def test_a_download_without_skills_or_occupations_is_refused(tmp_path, esco_folder):
    (esco_folder / "occupations_en.csv").unlink()

    with pytest.raises(importer.EscoFormatError) as caught:
        importer.esco_import([esco_folder])

    assert caught.value.message == "v1.1.1: has no occupations_en.csv, which is required"


def test_the_version_comes_from_the_path_or_must_be_given(tmp_path):
    folder = ef.write_folder(tmp_path / "download")

    with pytest.raises(importer.EscoFormatError) as caught:
        importer.esco_import([folder])

    assert "give it, e.g. --version v1.1.1" in caught.value.message
    assert importer.infer_version([folder], "1.2.0") == "v1.2.0"
    assert importer.infer_version([tmp_path / "esco-v1.1.1-en.zip"]) == "v1.1.1"


# -- bad rows ----------------------------------------------------------------------------------


def test_bad_rows_are_reported_by_file_and_line_and_skipped(esco_folder):
    def append(name: str, text: str) -> None:
        path = esco_folder / name
        path.write_text(path.read_text() + text, newline="")

    append("skills_en.csv", "KnowledgeSkillCompetence,http://x/too-few-fields,knowledge\r\n")
    append("skills_en.csv", ",".join(ef._skill("", "knowledge", "", "no uri")) + "\r\n")
    append("skills_en.csv", ",".join(ef._skill(ef.S_RISK, "knowledge", "", "again")) + "\r\n")
    append(
        "occupationSkillRelations.csv", f"{ef.O_NURSE},essential,knowledge,{ef.UNKNOWN_SKILL}\r\n"
    )
    append("occupationSkillRelations.csv", f"{ef.O_NURSE},mandatory,knowledge,{ef.S_WASTE}\r\n")
    append("occupationSkillRelations.csv", f"{ef.O_NURSE},optional,knowledge,{ef.S_RISK}\r\n")
    append("skillSkillRelations.csv", f"{ef.S_RISK},k,optional,k,{ef.S_RISK}\r\n")
    append("greenSkillsCollection_en.csv", f"{ef.KSC},{ef.UNKNOWN_SKILL},,,,,,,,\r\n")

    report = importer.esco_import([esco_folder])

    assert [str(row) for row in report.bad_rows] == [
        "skills_en.csv:10: expected 13 fields, found 3",
        "skills_en.csv:11: missing conceptUri",
        f"skills_en.csv:12: duplicate concept {ef.S_RISK} (first on line 2)",
        "greenSkillsCollection_en.csv:3: unknown concept "
        f"{ef.UNKNOWN_SKILL}: not a skill or occupation",
        f"occupationSkillRelations.csv:12: unknown skill {ef.UNKNOWN_SKILL}",
        "occupationSkillRelations.csv:13: relationType 'mandatory' is not essential or optional",
        "occupationSkillRelations.csv:14: duplicate relation (first on line 2)",
        f"skillSkillRelations.csv:4: a skill related to itself: {ef.S_RISK}",
    ]
    assert report.counts == ef.COUNTS
    assert Skill.objects.get(uri=ef.S_RISK).preferred_label == "manage clinical risk"
    assert report.files["skills_en.csv"].rows == 9
    assert report.files["skills_en.csv"].bad == 3
    assert report.files["skills_en.csv"].loaded == 6
    stored = EscoVersion.objects.get().report
    assert stored["bad_row_count"] == 8


def test_multi_line_cells_count_their_lines(esco_folder):
    skills = esco_folder / "skills_en.csv"
    skills.write_text(skills.read_text() + "broken,row\r\n", newline="")

    report = importer.esco_import([esco_folder])

    # Two skills above have two-line label cells: the 7th row starts on line 10.
    assert [str(row) for row in report.bad_rows] == [
        "skills_en.csv:10: expected 13 fields, found 2"
    ]


# -- versions ----------------------------------------------------------------------------------


def test_reimporting_the_same_version_keeps_the_counts_and_makes_no_duplicates(
    esco_v1, esco_folder
):
    before = table_counts()

    report = importer.esco_import([esco_folder])

    assert report.counts == ef.COUNTS
    assert table_counts() == before
    assert EscoVersion.objects.count() == 1
    assert EscoVersion.objects.get().is_default


def test_a_second_version_lives_beside_the_first(esco_v1, tmp_path):
    second = ef.write_folder(tmp_path / "v1.2.0", naming="1.2")
    (second / "skills_en.csv").write_text(
        ef._csv(ef.SKILL_COLUMNS, [row for row in ef.SKILLS if row[1] != ef.S_WASTE])
    )

    report = importer.esco_import([second])
    importer.esco_import([second])  # again: only v1.2.0's rows are replaced

    v2 = EscoVersion.objects.get(code="v1.2.0")
    assert report.made_default is False
    assert (v2.status, v2.is_default) == ("ready", False)
    assert list(EscoVersion.objects.filter(is_default=True)) == [esco_v1]
    assert table_counts(esco_v1)["Skill"] == 6
    assert table_counts(v2)["Skill"] == 5
    assert Skill.objects.filter(uri=ef.S_RISK).count() == 2
    assert table_counts(esco_v1)["OccupationSkill"] == 10
    assert table_counts(esco_v1)["Label"] == 35
    assert [str(row) for row in report.bad_rows] == [
        f"greenSkillsCollection_en.csv:2: unknown concept {ef.S_WASTE}: not a skill or occupation"
    ]


def test_importing_with_make_default_switches_the_default(esco_v1, tmp_path):
    second = ef.write_folder(tmp_path / "v1.2.0", naming="1.2")

    importer.esco_import([second], make_default=True)

    assert list(EscoVersion.objects.filter(is_default=True).values_list("code", flat=True)) == [
        "v1.2.0"
    ]


# -- the shipped copy --------------------------------------------------------------------------


def test_the_shipped_copy_is_small_and_has_every_seeded_skill():
    import csv
    import io

    assert SHIPPED_ZIP.stat().st_size < 15 * 1024 * 1024
    with zipfile.ZipFile(SHIPPED_ZIP) as archive:
        names = set(archive.namelist())
        with archive.open("skills_en.csv") as raw:
            reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
            uris = {row["conceptUri"] for row in reader}
    assert {"skills_en.csv", "occupations_en.csv", "occupationSkillRelations.csv"} <= names
    assert not any("/" in name for name in names)
    assert len(uris) == 13_896
    seeded = {uri for role in LOCAL_ROLES for uri, _relation in role.skills}
    assert seeded - uris == set()
    assert all(6 <= len(role.skills) <= 12 for role in LOCAL_ROLES)


def test_the_path_must_exist(tmp_path):
    with pytest.raises(importer.EscoFormatError) as caught:
        importer.esco_import([tmp_path / "v1.1.1" / "missing"], version="v1.1.1")

    assert caught.value.message.endswith("missing: no such file or folder")
    assert not Path(tmp_path / "v1.1.1").exists()
