# Everything a fresh machine needs is installed here; nothing is expected to be there already.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
CONFIG ?= configs/example
DEMO_STATE ?= .ses-reconciler/demo-account.json
PYTEST_WORKERS ?= 2

.PHONY: install test lint demo bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[local,dev]'
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(VENV)/bin/ruff check reconciler tests bench

test: install lint
	$(PY) -m pytest -q -n $(PYTEST_WORKERS)

demo: install
	rm -f $(DEMO_STATE)
	$(VENV)/bin/ses-reconciler validate $(CONFIG)
	$(VENV)/bin/ses-reconciler plan $(CONFIG) --target local --local-state $(DEMO_STATE)
	$(VENV)/bin/ses-reconciler apply $(CONFIG) --target local --local-state $(DEMO_STATE) --auto-approve
	$(VENV)/bin/ses-reconciler drift $(CONFIG) --target local --local-state $(DEMO_STATE)

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .ses-reconciler
