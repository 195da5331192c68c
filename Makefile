# coachmap — the project's verbs. Each target creates .venv when it is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/coachmap
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo serve test test-sqlite test-postgres lint fmt typecheck bench install clean-demo messages

$(VENV)/.installed: pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

## demo: migrate a SQLite database under var/, load the demo district once, and serve it with its task worker
demo: install
	@mkdir -p var
	DEBUG=true $(BIN)/coachmap migrate --noinput -v 0
	DEBUG=true $(BIN)/coachmap demo-data --profile demo --seed 1
	DEBUG=true $(BIN)/coachmap audit-tables
	@echo "Serving http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@DEBUG=true $(BIN)/coachmap db_worker --interval 1 >var/worker.log 2>&1 & worker=$$!; \
	  trap "kill $$worker 2>/dev/null" EXIT; \
	  DEBUG=true $(BIN)/coachmap runserver $(HOST):$(PORT)

## serve: production: collectstatic, then gunicorn (WEB_CONCURRENCY or 2 x cores + 1 workers) on
## HOST:PORT and the task worker beside it, against DATABASE_URL; needs SECRET_KEY (docs/deploy.md)
serve: install
	HOST=$(HOST) PORT=$(PORT) $(BIN)/coachmap serve

## test: lint, type checks, then the whole suite on SQLite and on PostgreSQL (browser tests included).
## The two passes run side by side, one per core, each line marked with its database; the run fails
## when either pass fails. `make test-sqlite` or `make test-postgres` runs one pass alone.
test: install lint typecheck
	@set -o pipefail; \
	  ( $(MAKE) --no-print-directory test-sqlite 2>&1 | sed -u 's/^/[sqlite]     /' ) & sqlite=$$!; \
	  ( $(MAKE) --no-print-directory test-postgres 2>&1 | sed -u 's/^/[postgresql] /' ) & postgresql=$$!; \
	  trap 'kill $$sqlite $$postgresql 2>/dev/null' INT TERM; \
	  wait $$sqlite; sqlite_exit=$$?; wait $$postgresql; postgresql_exit=$$?; \
	  echo "The SQLite pass exited $$sqlite_exit; the PostgreSQL pass exited $$postgresql_exit (0 is a pass)."; \
	  test $$sqlite_exit -eq 0 && test $$postgresql_exit -eq 0

test-sqlite: install
	$(BIN)/pytest -q -p no:cacheprovider

test-postgres: install
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)'.rsplit('/', 1)[0] + '/postgres').close()" 2>/dev/null; then \
	  DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -p no:cacheprovider; \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL is not reachable at $(PG_URL): under CI this is a failure, not a skip." >&2; exit 1; \
	else \
	  echo "PostgreSQL is not reachable at $(PG_URL): skipping the PostgreSQL run (CI would fail here)." >&2; \
	fi

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/djlint --lint src/coachmap/templates --quiet
	$(BIN)/lint-imports

fmt: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

typecheck: install
	DEBUG=true $(BIN)/mypy

## bench: the volume benchmarks on the large-district profile; figures go to bench/results/
bench: install
	$(BIN)/python -m bench

## messages: gather the family reports' strings into every catalog, then compile them (needs GNU gettext:
## apt-get install -y gettext); commit both the .po and the .mo (docs/families.md)
messages: install
	cd src/coachmap && DEBUG=true ../../$(BIN)/coachmap makemessages --all --no-location --ignore "static/*"
	cd src/coachmap && DEBUG=true ../../$(BIN)/coachmap compilemessages

clean-demo:
	rm -f var/coachmap.sqlite3 var/coachmap.sqlite3-wal var/coachmap.sqlite3-shm
