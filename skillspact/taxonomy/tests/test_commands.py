"""The import commands: arguments, progress, summary, exit status; loading the shipped copy."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from skillspact.taxonomy import seed
from skillspact.taxonomy.importer import Progress
from skillspact.taxonomy.management.progress import ProgressBar
from skillspact.taxonomy.models import EscoVersion, HealthLensOverride, LocalRole, Skill
from skillspact.taxonomy.tests import esco_files as ef

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_esco_import_takes_the_version_option_and_prints_a_summary(esco_folder):
    out, err = run("esco_import", str(esco_folder), "--version", "v1.1.2", "--default")

    assert out.splitlines()[0].startswith("ESCO v1.1.2 imported in ")
    assert out.splitlines()[0].endswith("(languages: en; the default version)")
    assert "  skills                       6" in out
    assert "Not read: conceptSchemes_en.csv" in out
    assert "100%" in err
    assert EscoVersion.objects.get().code == "v1.1.2"


def test_esco_import_reads_only_the_languages_asked_for(tmp_path):
    folder = ef.write_folder(tmp_path / "v1.1.1", languages=("en", "fr"))

    out, _err = run("esco_import", str(folder), "--languages", "fr,en", "-v", "0")

    assert "(languages: fr, en; the default version)" in out
    # English stays the language of the concepts' own labels.
    assert Skill.objects.get(uri=ef.S_RISK).preferred_label == "manage clinical risk"
    assert "skills_fr.csv:4: unknown concept" in out


def test_esco_import_fails_with_the_file_and_line(esco_folder):
    relations = esco_folder / "skillSkillRelations.csv"
    relations.write_text("originalSkillUri,relationType\r\n")

    with pytest.raises(CommandError) as caught:
        run("esco_import", str(esco_folder))

    assert str(caught.value).startswith(
        "skillSkillRelations.csv:1: missing required column(s) relatedSkillUri;"
    )
    assert not Skill.objects.exists()


def test_esco_load_default_imports_once_and_seeds(monkeypatch, tmp_path):
    monkeypatch.setattr(seed, "SHIPPED_ZIP", ef.write_zip(tmp_path / "shipped.zip"))

    out, _err = run("esco_load_default", "--if-empty", "-v", "0")
    again, _err = run("esco_load_default", "--if-empty")

    version = EscoVersion.objects.get()
    assert (version.code, version.is_default, version.status) == ("v1.1.1", True, "ready")
    assert "Local roles: 5 created, 0 kept." in out
    assert again == "ESCO is loaded already; nothing to do.\n"
    assert LocalRole.objects.count() == 5
    assert HealthLensOverride.objects.count() == 15


def test_taxonomy_seed_local_roles_is_idempotent(esco_v1):
    first, first_err = run("taxonomy_seed_local_roles")
    second, _err = run("taxonomy_seed_local_roles", "--version", "v1.1.1")

    assert first.startswith("Local roles against ESCO v1.1.1: 5 created")
    assert "skill not in this ESCO version, left out: clinical-informatics-specialist" in first_err
    assert second == "Local roles against ESCO v1.1.1: 0 created (-), 5 kept.\n"


def test_taxonomy_seed_local_roles_needs_an_esco_version(db):
    with pytest.raises(CommandError):
        run("taxonomy_seed_local_roles")


def test_the_progress_bar_draws_percentage_rows_and_rate():
    stream = io.StringIO()
    bar = ProgressBar(stream)

    bar(Progress(file="skills_en.csv", done_bytes=50, total_bytes=100, rows=2000, elapsed=2.0))
    bar(Progress(file="", done_bytes=100, total_bytes=100, rows=4000, elapsed=4.0))

    assert stream.getvalue().splitlines() == [
        "[###############...............]  50%  2,000 rows  1,000 rows/s  skills_en.csv",
        "[##############################] 100%  4,000 rows  1,000 rows/s  ",
    ]
