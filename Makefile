# The two commands in README: `make run` and `make test`. Everything else is for developers.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test bench loadtest lint

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(INSTALLED)

# `make run PORT=8001` serves on another port. The first run writes a git-ignored .env with
# DEBUG=1, which settings read, so `manage.py` typed by hand afterwards works the same.
PORT ?= 8000
run: $(INSTALLED)
	test -f .env || printf '# Written by make run for development; git-ignored, read by settings.\nDEBUG=1\n' > .env
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_demo
	DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# One pytest-xdist worker per core (at most 4), each with its own database and Redis database
# (tests/settings.py); `--dist load` keeps pytest-django's order, transactional tests last, on each.
test: $(INSTALLED)
	$(BIN)/python -m pytest -q -n auto --maxprocesses 4 --dist load

# The database DATABASE_URL names (PostgreSQL, say; bench asks first unless BENCH_ARGS=--yes),
# else a throwaway SQLite file under build/; kept between runs so the data set is built once.
bench: $(INSTALLED)
	mkdir -p build
	DEBUG=0 SECRET_KEY=bench CALENDAR_SECRETS_KEY=bench DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/build/bench.sqlite3} \
		$(BIN)/python manage.py bench $(BENCH_ARGS)

# gunicorn (4 workers) on 127.0.0.1 under 50 clients for LOADTEST_SECONDS (60) each: healthy, with
# Redis hung, with the database hung and frozen. PostgreSQL at DATABASE_URL, else calendar_loadtest on
# 127.0.0.1 (created when missing); figures in build/loadtest.json, server logs in build/.
loadtest: $(INSTALLED)
	mkdir -p build
	DEBUG=0 SECRET_KEY=loadtest CALENDAR_SECRETS_KEY=loadtest \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/calendar_loadtest} \
		$(BIN)/python manage.py loadtest $(LOADTEST_ARGS)

# Style (ruff), the layer rules (import-linter, contracts in pyproject.toml) and types (mypy).
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
