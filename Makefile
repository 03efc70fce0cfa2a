# congso: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1:8000

.PHONY: run test install lint schema check worker clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# The demo also starts the national-portal simulator (a separate process, ADR 0018) and points the sync at it.
PORTALSIM_PORT ?= 8200
run: install
	$(BIN)/congso migrate --noinput
	$(BIN)/congso load_demo
	@mkdir -p var
	@$(BIN)/congso portalsim serve --port $(PORTALSIM_PORT) --db var/portalsim.sqlite3 & \
	  SIM=$$!; trap 'kill $$SIM 2>/dev/null' EXIT INT TERM; \
	  PORTALSYNC_URL=$${PORTALSYNC_URL:-http://127.0.0.1:$(PORTALSIM_PORT)} \
	  PORTALSYNC_USERNAME=$${PORTALSYNC_USERNAME:-congso} \
	  PORTALSYNC_PASSWORD=$${PORTALSYNC_PASSWORD:-congso-portal-test} \
	  $(BIN)/congso runserver $(HOST)

test: install
	$(BIN)/python -m pytest

worker: install
	$(BIN)/celery -A config worker -B --loglevel=INFO

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy congso config
	$(BIN)/lint-imports

schema: install
	$(BIN)/congso spectacular --file openapi.yaml --validate --fail-on-warn

check: lint
	$(BIN)/congso makemigrations --check --dry-run
	$(BIN)/congso spectacular --file $(VENV)/openapi.check.yaml --validate --fail-on-warn
	diff -u openapi.yaml $(VENV)/openapi.check.yaml

clean:
	rm -rf $(VENV) var
