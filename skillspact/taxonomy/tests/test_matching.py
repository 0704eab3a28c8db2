"""The matching engine fed from the database: commands, API and page."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from skillspact.accounts import services as account_services
from skillspact.taxonomy import matching
from skillspact.taxonomy.tests.esco_files import O_NURSE, S_DATA, S_PYTHON

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_dir(settings, tmp_path):
    settings.ENGINE_CACHE_DIR = tmp_path / "engine"
    matching.forget_engines()
    yield settings.ENGINE_CACHE_DIR
    matching.forget_engines()


@pytest.fixture
def warm(esco_v1, engine_dir):
    matching.engine_for(esco_v1)
    return esco_v1


def run(command: str, lines: list[str], *args: str) -> list[dict]:
    out = io.StringIO()
    stdin = io.StringIO("\n".join(lines) + "\n")
    import sys

    real = sys.stdin
    sys.stdin = stdin
    try:
        call_command(command, *args, stdout=out, stderr=io.StringIO())
    finally:
        sys.stdin = real
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_match_skills_keeps_ids_and_order(warm):
    results = run(
        "match_skills",
        [
            json.dumps({"id": "a", "text": "You will write Python programs."}),
            json.dumps({"id": "b", "text": ""}),
            json.dumps(
                {"id": "c", "text": "Protect patient data under the GDPR (data protection)."}
            ),
        ],
        "--top",
        "3",
    )

    assert [row["id"] for row in results] == ["a", "b", "c"]
    assert results[0]["matches"][0]["uri"] == S_PYTHON
    assert results[1]["matches"] == []
    assert results[2]["matches"][0]["uri"] == S_DATA
    first = results[0]["matches"][0]
    assert set(first) == {"uri", "label", "score", "span"} and 0 <= first["score"] <= 1


def test_match_occupations_finds_a_nurse_from_a_french_or_german_title(warm):
    results = run(
        "match_occupations",
        [
            json.dumps({"id": "fr", "text": "infirmière"}),
            json.dumps({"id": "de", "text": "Krankenpflegerin"}),
        ],
        "--top",
        "2",
    )

    assert all(O_NURSE in [m["uri"] for m in row["matches"]] for row in results)


def test_a_malformed_line_stops_with_its_number(warm):
    with pytest.raises(CommandError, match="line 2, column 2"):
        run("match_skills", [json.dumps({"id": "a", "text": "x"}), "{oops"])


def test_the_api_matches_a_batch_for_a_signed_in_client(client, warm, health_worker):
    _token, secret = account_services.api_token_create(user=health_worker, name="t")

    response = client.post(
        "/api/v1/taxonomy/match/skills",
        json.dumps({"texts": ["Python programming", "data protection rules"], "top": 2}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )

    body = response.json()
    assert response.status_code == 200
    assert [r["matches"][0]["uri"] for r in body["results"]] == [S_PYTHON, S_DATA]


def test_the_api_says_when_the_engine_is_not_ready(
    client, esco_v1, engine_dir, health_worker, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    _token, secret = account_services.api_token_create(user=health_worker, name="t")

    response = client.post(
        "/api/v1/taxonomy/match/occupations",
        json.dumps({"texts": ["nurse"]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "engine_warming"


def test_the_api_needs_a_sign_in_and_bounded_input(client, warm):
    assert (
        client.post(
            "/api/v1/taxonomy/match/skills", "{}", content_type="application/json"
        ).status_code
        == 401
    )


def test_the_page_highlights_what_triggered_each_skill(client, warm):
    text = "We need someone who knows Python and data protection."

    response = client.post(reverse("taxonomy:match"), {"mode": "skills", "text": text})

    content = response.content.decode()
    uris = [m.uri for m in response.context["matches"]]
    assert S_PYTHON in uris and S_DATA in uris
    assert "<mark>Python</mark>" in content
    assert "".join(piece for piece, _marked in response.context["pieces"]) == text
