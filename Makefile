# Quick start: `make run` (demo on http://127.0.0.1:8000) and `make test`.
# Both bootstrap .venv from pyproject.toml on first use; nothing else is needed but Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck bench messages clean

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
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py run_scheduler & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l nb -l en --ignore '.venv/*' --ignore 'tests/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) data .pytest_cache
