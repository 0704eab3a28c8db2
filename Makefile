# skillspact — the two commands are `make run` and `make test`.
SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
PG_TEST_URL ?= postgres://root@127.0.0.1:5432/skillspact

.PHONY: run test setup lint types checks pytest pytest-sqlite pytest-postgres bench openapi migrations messages clean

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen
	touch $@

setup: .venv/.synced

run: setup
	bin/run

test: setup lint types checks pytest

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

types:
	$(PY) -m mypy config skillspact

checks:
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m skillspact makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m skillspact export_openapi --check openapi.json

pytest: pytest-sqlite pytest-postgres

pytest-sqlite:
	$(PY) -m pytest -q

pytest-postgres:
	@if [ -n "$$TEST_DATABASE_URL" ] || $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
		echo "== the suite again on PostgreSQL"; \
		TEST_DATABASE_URL="$${TEST_DATABASE_URL:-$(PG_TEST_URL)}" $(PY) -m pytest -q -m "not browser"; \
	else echo "== PostgreSQL not reachable: skipping the PostgreSQL run"; fi

bench: setup
	$(PY) bench/directory_search.py
	$(PY) bench/taxonomy_search.py
	$(PY) bench/matching_quality.py
	$(PY) bench/kpi_rollup.py
	$(PY) bench/consultation_load.py
	$(PY) bench/meeting_scheduler.py
	$(PY) bench/course_search.py
	$(PY) bench/credentials_throughput.py
	$(PY) bench/pathway_planner.py
	$(PY) bench/job_ads_throughput.py
	$(PY) bench/gap_query.py

openapi: setup
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m skillspact export_openapi openapi.json

messages: setup
	$(PY) -m skillspact makemessages -l fr --ignore=.venv --ignore=.tools --ignore=var
	$(PY) -m skillspact compilemessages -l fr --ignore=.venv --ignore=.tools

migrations: setup
	$(PY) -m skillspact makemigrations

clean:
	rm -rf .venv .tools var/test*.sqlite3
