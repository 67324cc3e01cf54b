# The two set-up commands of the README:
#   make atlas   install the tool and build the atlas into atlas/
#   make test    install the tool, its test dependencies and headless Chromium; run every test
PYTHON ?= python3
PIP = $(PYTHON) -m pip --disable-pip-version-check

.PHONY: atlas test install install-test system-deps bench rebuild-layers lint

install:
	$(PIP) install -q -e .

atlas: install
	$(PYTHON) -m geo build --out atlas

system-deps:
	bash scripts/system-deps.sh

install-test: system-deps
	$(PIP) install -q -e ".[test,rebuild]"

test: install-test
	$(PYTHON) -m pytest

bench: install-test
	$(PYTHON) bench/run.py

rebuild-layers:
	$(PIP) install -q -e ".[rebuild]"
	$(PYTHON) scripts/rebuild_layers.py

lint:
	$(PYTHON) -m ruff check geo tests bench scripts
	$(PYTHON) -m mypy geo
