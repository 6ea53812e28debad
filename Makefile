# Quick start: `make run` (demo on http://127.0.0.1:8000) and `make test`.
# `make run ADDR=0.0.0.0:8080` serves on another address; links in e-mails follow it unless
# ANBUD_SITE_URL is set.
# Both bootstrap .venv from pyproject.toml on first use; nothing else is needed but Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ADDR ?= 127.0.0.1:8000
RUN_ENV := ANBUD_RUN_ADDR=$(ADDR)

.PHONY: run prod prod-check test lint typecheck bench messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The code lists come from ../shared/standards when it is beside the checkout; without it a
# built-in set of CPV divisions and Norwegian regions keeps the demo usable.
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	-@[ -d ../shared/standards/codelists ] && $(BIN)/python manage.py load_codelists
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	$(RUN_ENV) $(BIN)/python manage.py run_scheduler & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  $(RUN_ENV) $(BIN)/python manage.py runserver $(ADDR)

# The production profile on this machine (deploy/prod.sh, docs/operations.md): HAProxy on
# :8080 in front of two gunicorn processes, a Celery worker, the search writer and beat, on
# PostgreSQL, Redis, RabbitMQ and S3 (a local moto server unless ANBUD_S3_* name one).
prod: $(STAMP)
	bash deploy/prod.sh

prod-check: $(STAMP)
	bash deploy/prod.sh check

# The tests run in parallel (pytest-xdist), one worker per core, each with its own test
# database; a module stays on one worker so module-wide fixtures are built once.
# `make test TEST_WORKERS=0` runs them in one process.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l nb -l en --ignore '.venv/*' --ignore 'tests/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) data .pytest_cache
