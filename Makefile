# The two commands of the README: `make run` and `make test`.
# Both create .venv with Python 3.11+ when it is missing and install the project into it.
# `make run` keeps the store in the checkout (data/events.db) unless $DASHBOARD_DB says otherwise.

VENV := .venv
PY := $(VENV)/bin/python
# The first interpreter found that is Python 3.11 or newer.
BASE_PYTHON := $(shell for p in python3.11 python3.12 python3.13 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)

.PHONY: run test lint bench clean-venv

$(PY):
	@test -n "$(BASE_PYTHON)" || { echo "Python 3.11 or newer is needed (python3.11 or python3)"; exit 1; }
	$(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files re-run the install only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(PY) -m dashboard serve --address 127.0.0.1 --port $${PORT:-8501} --db $${DASHBOARD_DB:-data/events.db}

test: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .

clean-venv:
	rm -rf $(VENV)
