"""`meetings_schedule`: a JSON instance in, a JSON schedule out, precise errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

INSTANCE = {
    "slots": ["s1", "s2"],
    "tables": 1,
    "participants": [
        {"id": "p1", "available": ["s1", "s2"], "cap": 2},
        {"id": "p2", "available": ["s1", "s2"], "cap": 2},
        {"id": "p3", "available": ["s2"], "cap": 1},
    ],
    "requests": [{"id": "r1", "a": "p1", "b": "p2"}, {"id": "r2", "a": "p1", "b": "p3"}],
    "fixed": [],
}


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("meetings_schedule", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "instance.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_schedule_is_written_to_the_out_file(tmp_path):
    source = write(tmp_path, json.dumps(INSTANCE))
    target = tmp_path / "schedule.json"

    out, _err = run("--instance", source, "--out", str(target), "--time-limit", "5")

    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["meetings"] == [
        {"request": "r1", "slot": "s1", "table": 1},
        {"request": "r2", "slot": "s2", "table": 1},
    ]
    assert written["placed"] == 2
    assert written["upper_bound"] == 2
    assert written["status"] == "optimal"
    assert isinstance(written["seconds"], float)
    assert out.startswith("2 meetings placed of at most 2 (optimal) in ")


def test_without_out_the_schedule_goes_to_stdout_and_the_summary_to_stderr(tmp_path):
    source = write(tmp_path, json.dumps(INSTANCE))

    out, err = run("--instance", source)

    assert json.loads(out)["placed"] == 2
    assert err.startswith("2 meetings placed of at most 2 (optimal)")


def test_a_bad_entry_is_named(tmp_path):
    instance = json.loads(json.dumps(INSTANCE))
    instance["requests"][1]["b"] = "p9"
    source = write(tmp_path, json.dumps(instance))

    with pytest.raises(CommandError) as caught:
        run("--instance", source)

    assert str(caught.value) == (
        f'{source}: requests[1] (id "r2"): participant "p9" is not in participants'
    )


def test_invalid_json_gives_the_line_and_column(tmp_path):
    source = write(tmp_path, '{"slots": ["s1"],\n "tables": 1,,\n}')

    with pytest.raises(CommandError) as caught:
        run("--instance", source)

    assert str(caught.value) == (
        f"{source}: not valid JSON at line 2, column 14: Expecting property name enclosed in "
        "double quotes"
    )


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.json: cannot read: "):
        run("--instance", str(tmp_path / "nowhere.json"))


def test_the_time_limit_must_be_positive(tmp_path):
    source = write(tmp_path, json.dumps(INSTANCE))

    with pytest.raises(CommandError, match=r"^--time-limit must be more than 0 seconds$"):
        run("--instance", source, "--time-limit", "0")
