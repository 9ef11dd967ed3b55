# trustmonitor — `make run` serves the demo, `make test` runs every check.
# Everything installs into .venv (Python 3.12); nothing touches the system
# Python. The only system packages used are Debian's chromium (installed by
# `test-deps` when missing) and the machine's PostgreSQL 15 (for `test`).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
PYTEST := $(VENV)/bin/pytest
RUFF := $(VENV)/bin/ruff

# Stamps named after the requirement files' content: editing a file makes a
# new stamp name, so the next run installs again; otherwise nothing is done.
REQ_HASH := $(shell cat requirements.txt 2>/dev/null | sha256sum | cut -c1-12)
DEV_HASH := $(shell cat requirements.txt requirements-dev.txt 2>/dev/null | sha256sum | cut -c1-12)
STAMP := $(VENV)/.installed-req-$(REQ_HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(DEV_HASH)

PG_HOST := 127.0.0.1
PG_PORT := 5432
PG_USER := postgres
# PG_DB=… names another database (pytest makes test_<PG_DB>_gw0, _gw1), so
# two `make test` runs on one machine do not clash.
PG_DB ?= trustmonitor
PG_URL := postgres://$(PG_USER)@$(PG_HOST):$(PG_PORT)/$(PG_DB)
PG_VERSION ?= $(or $(shell ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1),15)

RUN_ADDR ?= 127.0.0.1:8000
# One process a half, the two halves at once (tools/test_both.sh): the
# machines here have 2 cores, and two xdist workers a half on top of that
# (four processes, each with its Chromium) took 21 min in CI against about
# half that. The 25 slowest tests are listed in each half's log.
PYTEST_ARGS ?= --durations=25
# Where each half's log is kept (sqlite.log, postgresql.log).
TEST_LOGS ?= test-logs

.PHONY: help venv run serve test-deps pg redis test lint format bench mutate clean

help:
	@echo "make run     set up the demo (venv, migrate, fixtures, demo accounts, static) and serve it on http://$(RUN_ADDR)/ with the background worker and the daily scheduler"
	@echo "make test    lint, migration check, deploy check, tests on SQLite and on PostgreSQL (together; PG_DB=… for another database)"
	@echo "make serve   production: migrate, collectstatic, then gunicorn (needs DEBUG=false, SECRET_KEY, ALLOWED_HOSTS; docs/deploy.md)"
	@echo "make mutate  mutation testing of the domain modules (slow, not in CI; MUTATE_MODULES=\"rating periods\"; docs/testing.md)"
	@echo "other targets: venv test-deps pg lint format bench clean"

# --- virtual environment ----------------------------------------------------

venv: $(STAMP)

$(PY):
	@set -euo pipefail; \
	candidates=(); \
	if command -v python3.12 >/dev/null 2>&1; then candidates+=("$$(command -v python3.12)"); fi; \
	while IFS= read -r p; do candidates+=("$$p"); done < <(ls -d "$(HOME)"/.pyenv/versions/3.12*/bin/python 2>/dev/null | sort -rV); \
	found=""; \
	for c in "$${candidates[@]}"; do \
	  if "$$c" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1; then found="$$c"; break; fi; \
	done; \
	if [ -z "$$found" ]; then \
	  echo "error: Python 3.12 not found (looked for python3.12 on PATH and $(HOME)/.pyenv/versions/3.12*/bin/python)." >&2; \
	  echo "       Install it, e.g. 'pyenv install 3.12', then run make again." >&2; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$found ($$("$$found" --version))"; \
	rm -rf $(VENV); \
	"$$found" -m venv $(VENV)

$(STAMP): $(PY)
	$(PIP) install --upgrade --progress-bar off pip
	$(PIP) install --progress-bar off -r requirements.txt
	rm -f $(VENV)/.installed-req-*
	touch $@

$(DEV_STAMP): $(STAMP)
	$(PIP) install --progress-bar off -r requirements-dev.txt
	rm -f $(VENV)/.installed-dev-*
	touch $@

# --- run the demo -------------------------------------------------------------

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_setup
	$(PY) manage.py collectstatic --noinput
	@# The worker and the scheduler run beside the server, in the same process
	@# group: Ctrl-C reaches all three, and when the server stops (Ctrl-C, or
	@# its port is taken by another `make run`) the trap stops the other two.
	@set -u; pids=""; \
	trap 'kill $$pids 2>/dev/null; wait' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(PY) manage.py db_worker & pids="$$!"; \
	$(PY) manage.py run_scheduler & pids="$$pids $$!"; \
	$(PY) manage.py runserver $(RUN_ADDR)

# --- serve in production ------------------------------------------------------

# Configuration comes from the environment (docs/deploy.md); gunicorn.conf.py
# reads GUNICORN_BIND, WEB_CONCURRENCY and the log settings.
serve: venv
	@$(PY) -c 'import os, sys; sys.exit(os.environ.get("DEBUG", "true").strip().lower() not in {"0", "false", "no", "off"})' \
	  || { echo "error: make serve is the production server: set DEBUG=false, SECRET_KEY and ALLOWED_HOSTS (see docs/deploy.md); 'make run' serves the demo." >&2; exit 1; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py check --deploy
	exec $(VENV)/bin/gunicorn -c gunicorn.conf.py

# --- test dependencies and services --------------------------------------------

test-deps: $(DEV_STAMP)
	@set -euo pipefail; \
	if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	else echo "error: /usr/bin/chromium is missing and installing it needs root (no sudo found)." >&2; exit 1; fi; \
	echo "Installing Debian's chromium for the browser tests"; \
	$$sudo apt-get update; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

pg:
	@set -euo pipefail; \
	if pg_isready -q -h $(PG_HOST) -p $(PG_PORT); then exit 0; fi; \
	echo "Starting PostgreSQL $(PG_VERSION)"; \
	pg_ctlcluster --skip-systemctl-redirect $(PG_VERSION) main start || true; \
	for _ in $$(seq 30); do \
	  if pg_isready -q -h $(PG_HOST) -p $(PG_PORT); then exit 0; fi; \
	  sleep 1; \
	done; \
	echo "error: PostgreSQL is not accepting connections on $(PG_HOST):$(PG_PORT) after 30 s." >&2; \
	exit 1

# The two-server test (tests/kpis/test_status_cache_servers.py) needs Redis on
# 127.0.0.1:6379: started here if it is not running, with nothing saved to disk.
redis:
	@set -euo pipefail; \
	if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then exit 0; fi; \
	command -v redis-server >/dev/null || { echo "error: redis-server is missing (apt-get install redis-server)." >&2; exit 1; }; \
	echo "Starting Redis on 127.0.0.1:6379"; \
	redis-server --bind 127.0.0.1 --port 6379 --save "" --appendonly no --daemonize yes >/dev/null; \
	for _ in $$(seq 30); do \
	  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then exit 0; fi; \
	  sleep 1; \
	done; \
	echo "error: Redis is not answering on 127.0.0.1:6379 after 30 s." >&2; \
	exit 1

# --- checks ---------------------------------------------------------------------

test: test-deps pg redis
	$(RUFF) check .
	$(RUFF) format --check .
	$(VENV)/bin/bandit -c pyproject.toml -r kpis inspections reports trustmonitor ops national notifications schedule6 -ll -q
	$(PY) manage.py makemigrations --check --dry-run
	DEBUG=false ALLOWED_HOSTS=example.org \
	  SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(PY) manage.py check --deploy --fail-level WARNING
	@psql -h $(PG_HOST) -p $(PG_PORT) -U $(PG_USER) -d postgres -tAc \
	  "SELECT 1 FROM pg_database WHERE datname = '$(PG_DB)'" | grep -q 1 \
	  || createdb -h $(PG_HOST) -p $(PG_PORT) -U $(PG_USER) $(PG_DB)
	@echo "--- pytest on SQLite and on PostgreSQL ($(PG_URL)) together; logs in $(TEST_LOGS)/"
	tools/test_both.sh $(PYTEST) $(PG_URL) $(TEST_LOGS) $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(RUFF) check .
	$(RUFF) format --check .

format: $(DEV_STAMP)
	$(RUFF) format .
	$(RUFF) check --fix .

# Every bench/*.py except modules named _*.py (such as __init__.py).
bench: venv
	@set -euo pipefail; \
	shopt -s nullglob; \
	files=(bench/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "no bench/*.py to run"; exit 0; fi; \
	for f in "$${files[@]}"; do \
	  case "$$(basename "$$f")" in _*) continue;; esac; \
	  echo "--- $$f"; \
	  $(PY) "$$f"; \
	done

# Mutation testing (mutmut): each module against its own test files, in a
# scratch copy under /tmp; slow (minutes to an hour a module), so not in CI.
# Scores go in docs/testing.md. MUTATE_CHILDREN: parallel mutants (default 2).
MUTATE_MODULES ?=
mutate: $(DEV_STAMP)
	$(PY) tools/mutate.py $(MUTATE_MODULES)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles $(TEST_LOGS)
