# The two commands: `make run` (set up and serve on 127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev migrate seed password lint format schema ci clean tagger worker beat

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

## A Celery worker for the background work (rechecks, extraction on import, bulk accepts,
## the full recompute), on the broker in CELERY_BROKER_URL (README, "Production layout").
## WORKER_CONCURRENCY pool processes (default: one per core); one task at a time each.
## `make worker` with the beat (the outbox sweep) built in suits one machine; with several
## workers, run `make beat` once and the workers with WORKER_BEAT= (empty).
WORKER_CONCURRENCY ?= $(shell nproc 2>/dev/null || echo 2)
WORKER_BEAT ?= --beat
worker: install
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0): without a broker, tasks run in-process and no worker is needed." >&2; exit 1; }
	$(VENV)/bin/celery -A tracker worker --loglevel INFO --concurrency $(WORKER_CONCURRENCY) \
		--prefetch-multiplier 1 --max-tasks-per-child 200 $(WORKER_BEAT) \
		--schedule $(VENV)/celerybeat-schedule

## Celery beat alone (the outbox sweep every TRACKER_TASK_SWEEP_SECONDS): once per site.
beat: install
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL first." >&2; exit 1; }
	$(VENV)/bin/celery -A tracker beat --loglevel INFO --schedule $(VENV)/celerybeat-schedule

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
