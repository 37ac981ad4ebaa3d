# doudi — the two commands of the README, plus helpers for developers.
#   make demo   install, create var/doudi.sqlite3 with the demo county, serve on $PORT (default 8000)
#   make test   install the dev tools and run the whole suite (SQLite, or DATABASE_URL)

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DOUDI_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test install install-dev lint messages check-messages check-migrations ci clean

$(VENV)/.runtime: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "doudi needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

demo: install
	$(BIN)/doudi migrate --noinput
	$(BIN)/doudi demo
	PORT=$(PORT) $(BIN)/doudi rundemo

test: install-dev
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)

check-migrations: install-dev
	DOUDI_DATA_DIR=$$(mktemp -d) $(BIN)/doudi makemigrations --check --dry-run

# Regenerate the zh_Hans catalogues of every app and compile them (needs GNU gettext).
messages: install-dev
	@for app in src/doudi/*/apps.py; do d=$$(dirname $$app); mkdir -p $$d/locale; \
	  (cd $$d && ../../../$(BIN)/doudi makemessages -l zh_Hans --no-location --ignore 'tests/*' >/dev/null); done
	$(BIN)/doudi compilemessages --ignore '.venv' >/dev/null

check-messages: install-dev
	bash .ci/check-messages

clean:
	rm -rf $(VENV) var *.egg-info src/*.egg-info
