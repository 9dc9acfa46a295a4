# innohub: `make run` serves the catalogue, `make test` runs the tests. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test api-check bench loadtest deploy-check screenshots lint format migrations-check check clean

# The virtualenv is rebuilt when pyproject.toml changes; the stamp files record each install.
$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "innohub needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py seed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production serving: gunicorn, 2 x cores + 1 workers (WORKERS=n to change), persistent
# database connections (settings.py), static files by whitenoise. Needs DJANGO_SECRET_KEY and
# the production environment of README's "Deploying".
WORKERS ?= $(shell echo $$(( 2 * $$(nproc 2>/dev/null || echo 1) + 1 )))
serve: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn innohub.wsgi --workers $(WORKERS) --bind $(HOST):$(PORT) --timeout 30 --keep-alive 5

# Django's deployment checks with the production settings README documents (as CI runs them).
deploy-check: $(VENV)/.installed
	DJANGO_DEBUG=0 DJANGO_HTTPS=1 DJANGO_ALLOWED_HOSTS=catalogue.example.org \
	DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# schemathesis against gunicorn on a fresh copy of the seed (see .ci/api-check).
api-check: $(VENV)/.installed-dev
	bash .ci/api-check

# Benchmarks in a separate database beside DATABASE_URL's (see cases/management/commands/bench.py).
bench: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk)) || echo "wrk is missing: the load test will be skipped"
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py bench $(BENCH_ARGS) $$(command -v wrk >/dev/null || echo --no-load)

# 64 connections for 30 s on / and a filtered page against gunicorn (not part of CI).
loadtest: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk))
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py loadtest $(LOADTEST_ARGS)

# PNGs of the main pages at 1280 and 375 px in screenshots/ (needs Debian's chromium).
screenshots: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q tests/browser/screenshots.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.installed-dev
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-migrations-check} $(BIN)/python manage.py makemigrations --check --dry-run

check: lint migrations-check test

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
