"""Shared fixtures: the real rules, compiled once per test session."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import spacy  # noqa: F401 - imported here, before sockets are blocked: urllib3 probes IPv6 support on import

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
RULES = ROOT / "rules"
DATA = Path(__file__).resolve().parent / "data"

os.environ.setdefault("ORGFUNCTIONS_NO_PROGRESS", "1")


@pytest.fixture(scope="session")
def rules():
    from pipeline.rules import load_rules
    return load_rules(RULES)


@pytest.fixture(scope="session")
def nlp(rules):
    from pipeline.nlp import build_nlp
    return build_nlp(rules)


@pytest.fixture(scope="session")
def ctx(rules, nlp):
    from pipeline.extract import Context
    return Context.build(rules, nlp)


@pytest.fixture(scope="session")
def extract(ctx):
    """Normalize and extract one text, as the pipeline does."""
    from pipeline.extract import extract_document
    from pipeline.normalize import normalize_text

    def run(text: str):
        return extract_document(normalize_text(text), ctx)
    return run


@pytest.fixture(scope="session")
def seed_dataset(tmp_path_factory):
    """The dataset built from the seed documents, once per session."""
    from pipeline.cli import main
    out = tmp_path_factory.mktemp("seed") / "processed"
    assert main(["run", "--raw", str(RAW), "--out", str(out), "--rules", str(RULES)]) == 0
    return out


@pytest.fixture
def rules_copy(tmp_path):
    """A writable copy of rules/ for tests that edit rules."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target
