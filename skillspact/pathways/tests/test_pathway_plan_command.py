"""`pathway_plan`: a JSON instance in, a JSON plan out, precise errors with exit code 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

S1, S2, S3 = (f"http://data.europa.eu/esco/skill/s{i}" for i in range(1, 4))
INSTANCE = {
    "courses": [
        {"id": "c0", "skills": [], "hours": 5, "cost": 0},
        {"id": "c1", "skills": [S1, S2], "hours": 40, "cost": 300, "prerequisites": ["c0"]},
        {"id": "c2", "skills": [S1], "hours": 30, "cost": 100, "mode": "in_person"},
        {"id": "c3", "skills": [S2], "hours": 30, "cost": 100},
    ],
    "held": [],
    "target": [{"uri": S1, "weight": 1.0}, {"uri": S2, "weight": 1.0}, {"uri": S3, "weight": 0.5}],
    "objective": "hours",
    "max_hours": 200,
    "max_cost": 1500,
    "modes": ["online", "blended"],
}


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("pathway_plan", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "instance.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_plan_is_written_to_the_out_file(tmp_path):
    source = write(tmp_path, json.dumps(INSTANCE))
    target = tmp_path / "plan.json"

    out, _err = run("--instance", source, "--out", str(target))

    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["courses"] == ["c0", "c1"]
    assert written["covered"] == [S1, S2]
    assert written["uncovered"] == [S3]
    assert written["objective"] == 45.0
    assert written["optimal"] is True
    assert written["bound"] == 45.0
    assert written["infeasible_reasons"] == ["no_course_covers"]
    assert written["steps"][0] == {
        "course": "c0",
        "covers": [],
        "reason": {"code": "prerequisite_of", "course": "c1"},
    }
    assert out.startswith("2 courses cover 2 of 3 missing skills; objective 45 (optimal) in ")


def test_without_out_the_plan_goes_to_stdout_and_the_summary_to_stderr(tmp_path):
    source = write(tmp_path, json.dumps(INSTANCE))

    out, err = run("--instance", source)

    assert json.loads(out)["courses"] == ["c0", "c1"]
    assert err.startswith("2 courses cover")


def test_variants_are_added_on_request(tmp_path):
    data = dict(INSTANCE, objective="cost", modes=None)
    source = write(tmp_path, json.dumps(data))

    out, _err = run("--instance", source, "--variants")

    written = json.loads(out)
    assert written["courses"] == ["c2", "c3"]
    assert written["variants"]["best"]["courses"] == ["c2", "c3"]
    # Without dates the fastest plan is the shortest; the most online one is the same courses.
    assert written["variants"]["fastest"]["courses"] == ["c0", "c1"]
    assert set(written["variants"]) == {"best", "fastest"}


def test_malformed_json_is_reported_with_line_and_column(tmp_path):
    source = write(tmp_path, '{\n  "courses": [,\n}')

    with pytest.raises(CommandError) as caught:
        run("--instance", source)

    assert str(caught.value) == (f"{source}: not valid JSON at line 2, column 15: Expecting value")
    assert caught.value.returncode == 2


def test_a_wrong_shape_is_reported_with_its_path(tmp_path):
    data = json.loads(json.dumps(INSTANCE))
    data["courses"][3]["hours"] = "forty"
    source = write(tmp_path, json.dumps(data))

    with pytest.raises(CommandError) as caught:
        run("--instance", source)

    assert str(caught.value) == f"{source}: courses[3].hours: must be a number >= 0"
    assert caught.value.returncode == 2


def test_unknown_prerequisites_are_named(tmp_path):
    data = json.loads(json.dumps(INSTANCE))
    data["courses"][1]["prerequisites"] = ["c0", "nope"]
    source = write(tmp_path, json.dumps(data))

    with pytest.raises(CommandError) as caught:
        run("--instance", source)

    assert str(caught.value) == f"{source}: courses[1].prerequisites: unknown course ids: nope"


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("--instance", str(tmp_path / "absent.json"))


def test_from_the_shell_a_bad_instance_exits_with_2_and_no_traceback(tmp_path):
    source = write(tmp_path, '{"courses": 3, "target": []}')

    done = subprocess.run(  # noqa: S603 - our own interpreter and a temporary file
        [sys.executable, "-m", "skillspact", "pathway_plan", "--instance", source],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )

    assert done.returncode == 2
    assert "courses: must be a list of objects" in done.stderr
    assert "Traceback" not in done.stderr
