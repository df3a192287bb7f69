# The dataset is a dependency graph: each target is a real file, each recipe
# writes its targets through temporary names, and the code and rule files a
# stage reads are its prerequisites, so only stale stages rebuild:
#   editing rules/*.yml reruns extract, resolve and write, never normalize.
#
#   make all                        build processed/ from raw/
#   make all RAW=dir PROCESSED=dir  the same for another corpus
#   make test                       the whole test suite
#   make help                       every target

SHELL := /bin/bash
.DELETE_ON_ERROR:
.SUFFIXES:
.DEFAULT_GOAL := all

PYTHON_BASE ?= python3
VENV        ?= .venv
PY          := $(VENV)/bin/python
RAW         ?= raw
PROCESSED   ?= processed
RULES       ?= rules
WORKERS     ?= 1
WORK        := $(PROCESSED)/.work
PIPE        := ORGFUNCTIONS_WORKERS=$(WORKERS) $(PY) -m pipeline

RAW_FILES   := $(shell find $(RAW) -type f -name '*.txt' -not -path '*/.*' 2>/dev/null | sort)
RULE_FILES  := $(shell find $(RULES) -type f -name '*.yml' 2>/dev/null | sort)
COMMON_CODE := pipeline/__init__.py pipeline/cli.py pipeline/stages.py pipeline/schemas.py pipeline/write.py \
               pipeline/progress.py
NORMALIZE_CODE := pipeline/corpus.py pipeline/decode.py pipeline/normalize.py pipeline/homoglyphs.py \
                  pipeline/unwrap.py pipeline/dedup.py
EXTRACT_CODE   := pipeline/extract.py pipeline/nlp.py pipeline/rules.py pipeline/yamlsafe.py pipeline/names.py \
                  pipeline/shapes.py pipeline/structure.py pipeline/acronyms.py \
                  pipeline/members.py pipeline/tokens.py \
                  pipeline/linking/__init__.py pipeline/linking/cues.py pipeline/linking/sentence.py \
                  pipeline/linking/activities.py pipeline/linking/clauses.py pipeline/linking/roles.py \
                  pipeline/linking/constructions.py pipeline/linking/discourse.py
RESOLVE_CODE   := pipeline/resolve.py
TABLES := $(PROCESSED)/documents.parquet $(PROCESSED)/mentions.parquet \
          $(PROCESSED)/organizations.parquet $(PROCESSED)/org_functions.parquet

all: $(TABLES) ## build the dataset in processed/ (creates .venv if missing)
.PHONY: all

# The environment is a file target too: rebuilt only when the pins change.
$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON_BASE) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@# The project's own package is used in place: a .pth file puts this folder on the path.
	$(PY) -c "import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()['purelib'], 'orgfunctions.pth').write_text('$(CURDIR)\n')"
	@touch $@

venv: $(VENV)/.installed ## create the virtual environment (.venv) from the pinned requirements
.PHONY: venv

$(WORK)/normalized.parquet $(WORK)/rejects.parquet &: $(RAW_FILES) $(NORMALIZE_CODE) $(COMMON_CODE) | $(VENV)/.installed
	$(PIPE) normalize --raw $(RAW) --out $(PROCESSED) --rules $(RULES)

$(WORK)/mentions.parquet $(WORK)/links.parquet $(WORK)/local_orgs.parquet &: $(WORK)/normalized.parquet \
		$(RULE_FILES) $(EXTRACT_CODE) $(COMMON_CODE) | $(VENV)/.installed
	$(PIPE) extract --raw $(RAW) --out $(PROCESSED) --rules $(RULES)

RESOLVED := $(WORK)/resolved/mentions.parquet $(WORK)/resolved/organizations.parquet \
            $(WORK)/resolved/org_functions.parquet
$(RESOLVED) &: $(WORK)/mentions.parquet $(WORK)/links.parquet $(WORK)/local_orgs.parquet $(RULE_FILES) \
		$(RESOLVE_CODE) $(COMMON_CODE) | $(VENV)/.installed
	$(PIPE) resolve --raw $(RAW) --out $(PROCESSED) --rules $(RULES)

# A run that rejects some documents still publishes the dataset (exit 1): make
# reports it and goes on, because the tables are complete for the rest.
$(TABLES) &: $(WORK)/normalized.parquet $(WORK)/rejects.parquet $(RESOLVED) | $(VENV)/.installed
	$(PIPE) write --raw $(RAW) --out $(PROCESSED) --rules $(RULES) || test $$? -eq 1

REPORT_CODE := pipeline/report.py
$(PROCESSED)/report/index.html: $(TABLES) $(REPORT_CODE) | $(VENV)/.installed
	$(PY) -m pipeline.report --out $(PROCESSED)

report: $(PROCESSED)/report/index.html ## write a static HTML report to processed/report/ (opens from disk)
.PHONY: report

# Headless Chromium for the report's browser test (Debian package; root installs it).
browser: ## install Debian's chromium for the report test, when it is missing
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium not installed: the browser test will say so"; }
.PHONY: browser

eval: $(VENV)/.installed ## quality: seed and development sets (with and without the gazetteer), acronyms on Ab3P
	$(PY) -m pipeline.evaluation --rules $(RULES)
.PHONY: eval

bench: $(VENV)/.installed ## benchmark: pipeline vs tokenizer alone, 20 MB and 80 MB synthetic corpora (BENCH_MB=20)
	$(PY) -m pipeline.bench.corpus --mb $(or $(BENCH_MB),20) --workers 2 --raw $(RAW)
.PHONY: bench

bench-parts: $(VENV)/.installed ## benchmark: where the per-document time goes, each part x the tokenizer (BENCH_MB=5)
	$(PY) -m pipeline.bench.parts --mb $(or $(BENCH_MB),5) --raw $(RAW) --rules $(RULES)
.PHONY: bench-parts

test: $(VENV)/.installed browser ## run the whole test suite (one test process per core)
	$(PY) -m pytest -q -n auto
.PHONY: test

check-rules: $(VENV)/.installed ## validate every rule file (file:line: problem; fix)
	$(PY) -m pipeline rules check --rules $(RULES)
.PHONY: check-rules

clean: ## remove the built dataset (outputs only; raw/, rules/ and .venv stay)
	rm -rf $(PROCESSED)/.work $(PROCESSED)/.runs $(PROCESSED)/current $(PROCESSED)/*.parquet
.PHONY: clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-zA-Z_-]+):.*## /  \1\t/' | expand -t 16
.PHONY: help
