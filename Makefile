# Portail Famille. `make run` serves the demo portal; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
PAYFIP_PORT ?= 5001

.PHONY: run test guide bench lint format typecheck imports check messages ci lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--constraint constraints.txt --editable ".[dev]"
	touch $(STAMP)

# The communes `make run` loads the demo into and sends the e-mails of: with PORTAIL_COMMUNES_FILE
# each commune of the file (docs/operator-guide.md, « Many communes »), else "-", the only one.
# The PayFiP simulator knows the first one's client number (the demo's, the same in each).
RUN_COMMUNES = $(if $(PORTAIL_COMMUNES_FILE),$(shell $(BIN)/portail communes list --format csv | tail -n +2 | cut -d, -f1),-)
## run: migrate the local SQLite database (instance/), load the demo commune if empty, start the
## PayFiP simulator on :5001 and the e-mail dispatcher (e-mails printed here), serve the portal
## on :5000 (Ctrl+C stops them all). PORT=5101 serves elsewhere, links and e-mails included.
run: export PORTAIL_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
run: export PORTAIL_PAYFIP_URL ?= http://127.0.0.1:$(PAYFIP_PORT)
run: $(STAMP)
	$(BIN)/portail db upgrade
	for commune in $(RUN_COMMUNES); do PORTAIL_COMMUNE=$${commune#-} $(BIN)/portail demo load || exit 1; done
	PORTAIL_COMMUNE=$(patsubst -,,$(firstword $(RUN_COMMUNES))) \
		$(BIN)/portail payfip simulator --port $(PAYFIP_PORT) & simulator=$$!; \
	for commune in $(RUN_COMMUNES); do \
		PORTAIL_COMMUNE=$${commune#-} $(BIN)/portail outbox send --watch --every 3 & \
		dispatchers="$$dispatchers $$!"; done; \
	trap 'kill $$simulator $$dispatchers 2>/dev/null' EXIT INT TERM; \
	$(BIN)/portail serve --development --host $(HOST) --port $(PORT)

## test: the whole suite (PostgreSQL tests need PORTAIL_TEST_POSTGRES_URL; browser tests chromium)
test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

## guide: the families' guide from the demo portal in Chromium (src/entrypoints/guide): each journey
## on a fixed clock, a numbered screenshot a step; writes docs/guide-familles.md, its pictures in
## docs/guide-familles/ and docs/guide-familles.pdf (tagged). Same portal, same Markdown.
guide: $(STAMP)
	$(BIN)/python -m entrypoints.guide docs

## bench: the benchmarks (benchmarks/README.md): SQLite in a temporary file, and PostgreSQL at
## PORTAIL_BENCH_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test)
bench: $(STAMP)
	$(BIN)/python -m benchmarks.planning
	$(BIN)/python -m benchmarks.confirmations
	$(BIN)/python -m benchmarks.billing
	$(BIN)/python -m benchmarks.pages
	$(BIN)/python -m benchmarks.cli_startup
	$(BIN)/python -m benchmarks.rush

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

check: lint typecheck imports

## messages: compile click's French catalog (src/entrypoints/cli/locale) to the .mo committed with it
messages: $(STAMP)
	$(BIN)/pybabel compile --domain portail --directory src/entrypoints/cli/locale --locale fr --statistics

## lock: re-pin every dependency after changing pyproject.toml (then review the diff)
lock: $(BIN)/python
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade "pip==25.3"
	.lock-venv/bin/python -m pip install --quiet ".[dev]"
	(echo "# Exact versions used by make and .ci/run; regenerate with 'make lock'."; \
	 .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^portail-famille') > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis build src/*.egg-info
