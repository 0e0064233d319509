# Aduan — the two commands that matter: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: install setup run test test-postgres check bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Migrate the SQLite database under var/, load the real Kemendagri regions and the demo directory.
setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py regions_load
	$(BIN)/python manage.py agencies_load_demo
	$(BIN)/python manage.py routing_rules_seed
	$(BIN)/python manage.py routing_models_seed
	$(BIN)/python manage.py stats_refresh
	$(BIN)/python manage.py db_optimize

# Web on 127.0.0.1:8000 plus the background worker (Huey), on the embedded defaults.
run: setup
	sh scripts/run.sh

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

bench: setup
	$(BIN)/python bench/bench_reports.py

clean:
	rm -rf var/ $(VENV)
