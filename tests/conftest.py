"""Shared fixtures: the real rules, compiled once per test session."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import spacy  # noqa: F401 - imported here, before sockets are blocked: urllib3 probes IPv6 support on import

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
RULES = ROOT / "rules"
DATA = Path(__file__).resolve().parent / "data"

os.environ.setdefault("ORGFUNCTIONS_NO_PROGRESS", "1")
if "ORGFUNCTIONS_CACHE" not in os.environ:
    # The suite never writes into ~/.cache. Its own cache, removed at exit, lets the many runs of
    # the same rules (in process and in the subprocesses that inherit it) load the compiled
    # pipeline instead of building it each time; tests of the cache set their own location.
    _SESSION_CACHE = tempfile.mkdtemp(prefix="orgfunctions-test-cache-")
    atexit.register(shutil.rmtree, _SESSION_CACHE, ignore_errors=True)
    os.environ["ORGFUNCTIONS_CACHE"] = _SESSION_CACHE


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


# -- shared by the bad-input, fault and safety tests ------------------------------------------

GOOD_TEXT = ("Cooperation report\n\nThe International Telecommunication Union (ITU) supports capacity building "
             "in developing countries. ENISA shares information with national CERTs.\n")
DATASET_TABLES = ("documents", "mentions", "organizations", "org_functions", "rejects")


@pytest.fixture
def fast_rules(monkeypatch, rules, nlp):
    """Reuse the session's compiled rules when a CLI run reads ``rules/``.

    A run parses the rule files twice and compiles the spaCy pipeline; tests
    that push many small corpora through the CLI share one copy instead. Any
    other rules folder is loaded as usual.
    """
    import pipeline.nlp
    import pipeline.rules

    load_rules, load_nlp = pipeline.rules.load_rules, pipeline.nlp.load_nlp

    def is_default(rules_dir) -> bool:
        return Path(rules_dir).resolve() == RULES.resolve()

    monkeypatch.setattr(pipeline.rules, "load_rules", lambda d: rules if is_default(d) else load_rules(d))
    monkeypatch.setattr(pipeline.nlp, "load_nlp", lambda d: (nlp, rules) if is_default(d) else load_nlp(d))


def leftovers(out: Path) -> list[str]:
    """Temporary files and staging folders anywhere under ``out`` (hidden folders included)."""
    found = []
    for folder, dirs, files in os.walk(out):
        for name in [*dirs, *files]:
            if ".tmp-" in name or name.startswith(".staging-"):
                found.append(os.path.relpath(os.path.join(folder, name), out))
    return sorted(found)


def dataset_state(out: Path) -> dict:
    """The published dataset: every table's bytes and run id (raises if a table is missing or unreadable)."""
    from pipeline.write import read_metadata
    import pyarrow.parquet as pq

    state = {}
    for name in DATASET_TABLES:
        path = Path(out) / f"{name}.parquet"
        pq.read_table(path)
        state[name] = (read_metadata(path)["run_id"], path.read_bytes())
    run_ids = {run_id for run_id, _ in state.values()}
    assert len(run_ids) == 1, f"tables from different runs: {run_ids}"
    return state


class Blocked(BaseException):
    """Raised by ``watchdog``; a BaseException, so that no ``except Exception`` (or ``except OSError``:
    TimeoutError is one) in the code under test can swallow it."""


@pytest.fixture
def watchdog():
    """Fail after 30 s instead of hanging forever (a read that blocks, an exponential walk)."""
    import signal

    def expire(signum, frame):
        raise Blocked("still running after 30 s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
