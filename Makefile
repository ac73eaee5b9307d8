# The two commands: `make run` (set up and serve on 127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev migrate seed password lint format schema ci clean tagger

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	DEBUG=1 $(PY) manage.py migrate --noinput

seed: migrate
	DEBUG=1 $(PY) manage.py load_seed

## Install, migrate, load the seed article, print a login, and serve the site on
## HOST:PORT (127.0.0.1:8000 unless given: make run PORT=8123). The login is the last
## thing printed before the server's own start-up lines (the checks ran with migrate).
run: seed
	@DEBUG=1 $(PY) manage.py local_login --address http://$(HOST):$(PORT)/
	@DEBUG=1 DJANGO_RUNSERVER_HIDE_WARNING=true $(PY) manage.py runserver --skip-checks $(HOST):$(PORT)

## Print a new password for the local 'admin' user.
password: install
	@DEBUG=1 $(PY) manage.py local_login --reset --address http://$(HOST):$(PORT)/

## Install what the tests need and run them (SQLite unless DATABASE_URL is set), on two
## processes (pytest-xdist; PYTEST_WORKERS=0 runs them in this one).
PYTEST_WORKERS ?= 2
test: install-dev
	$(PY) -m pytest -n $(PYTEST_WORKERS)

## Retrain the extractor's attribution tagger (suggestions/extraction/models/) on the
## development split of ../shared/corpora/polnear-train; same corpus and seed, same file.
tagger: install
	DEBUG=1 $(PY) manage.py train_tagger

## Regenerate the committed OpenAPI schema after an API change.
schema: install
	DEBUG=1 $(PY) manage.py spectacular --file openapi.yaml --validate --fail-on-warn

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(VENV)/bin/mypy

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
