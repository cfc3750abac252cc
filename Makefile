# Everything a fresh machine needs is installed here; nothing is expected to be there already.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
CONFIG ?= configs/example
DEMO_STATE ?= .ses-reconciler/demo-account.json
PYTEST_WORKERS ?= 2
WORKFLOW_TMP ?= .ses-reconciler/lint-workflows

.PHONY: install test lint lint-workflows examples demo bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[local,dev]'
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(VENV)/bin/ruff check reconciler tests bench

# SES_RECONCILER_PRECOMMIT_TEST=1: also run `pre-commit try-repo` on this checkout (it pip-installs
# the project into a fresh virtualenv, ~40-70 s).
test: install lint lint-workflows
	SES_RECONCILER_PRECOMMIT_TEST=1 $(PY) -m pytest -q -n $(PYTEST_WORKERS)

# Every workflow shipped (examples/) or written by `init`: actionlint clean, and no zizmor finding
# of medium severity or more (a finding is accepted only with a `# zizmor: ignore[...]` comment
# on its line saying why it is safe). zizmor runs offline: CI has no GitHub API.
lint-workflows: install
	rm -rf $(WORKFLOW_TMP) && $(VENV)/bin/ses-reconciler init $(WORKFLOW_TMP) >/dev/null
	$(VENV)/bin/actionlint -shellcheck=$(VENV)/bin/shellcheck \
	    examples/gitops/.github/workflows/*.yml $(WORKFLOW_TMP)/.github/workflows/*.yml
	$(VENV)/bin/zizmor --offline --quiet --min-severity medium action.yml examples/gitops $(WORKFLOW_TMP)
	rm -rf $(WORKFLOW_TMP)

# examples/gitops is exactly what `init` writes (the schema aside); a test keeps them equal.
examples: install
	$(VENV)/bin/ses-reconciler init examples/gitops --force >/dev/null
	rm -rf examples/gitops/schemas

demo: install
	rm -f $(DEMO_STATE)
	$(VENV)/bin/ses-reconciler validate $(CONFIG)
	$(VENV)/bin/ses-reconciler plan $(CONFIG) --target local --local-state $(DEMO_STATE)
	$(VENV)/bin/ses-reconciler apply $(CONFIG) --target local --local-state $(DEMO_STATE) --auto-approve
	$(VENV)/bin/ses-reconciler drift $(CONFIG) --target local --local-state $(DEMO_STATE)

# The benchmarks' optional extra (matplotlib, for the chart in docs/performance.md).
bench: install
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .ses-reconciler
