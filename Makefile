# The dataset is a dependency graph: each target is a real file, each recipe
# writes exactly its target (through a temporary name), and the code and rule
# files a stage reads are its prerequisites, so only stale stages rebuild.

SHELL := /bin/bash
.DELETE_ON_ERROR:
.SUFFIXES:

PYTHON_BASE ?= python3
VENV        ?= .venv
PY          := $(VENV)/bin/python
RAW         ?= raw
PROCESSED   ?= processed
RULES       ?= rules
WORKERS     ?= 1

# The environment is a file target too: it is rebuilt only when the pins change.
$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON_BASE) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

venv: $(VENV)/.installed ## create the virtual environment (.venv) from the pinned requirements
.PHONY: venv
