"""Workers, Dask and incremental runs give exactly the tables of a plain run."""
from __future__ import annotations

import shutil

import pytest

from pipeline import stages
from pipeline.cli import main
from tests.conftest import RAW, RULES

TABLES = ("documents", "mentions", "organizations", "org_functions")


def same_tables(a, b):
    for name in TABLES:
        assert (a / f"{name}.parquet").read_bytes() == (b / f"{name}.parquet").read_bytes(), name


def test_two_worker_processes_give_identical_tables(tmp_path, seed_dataset):
    out = tmp_path / "out"
    assert main(["run", "--raw", str(RAW), "--out", str(out), "--rules", str(RULES), "--workers", "2"]) == 0
    same_tables(out, seed_dataset)


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_dask_local_cluster_gives_identical_tables(tmp_path, seed_dataset):
    out = tmp_path / "out"
    code = main(["run", "--raw", str(RAW), "--out", str(out), "--rules", str(RULES), "--engine", "dask",
                 "--workers", "2"])
    assert code == 0
    same_tables(out, seed_dataset)


def test_rerun_extracts_only_new_or_changed_documents(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    out = tmp_path / "out"
    first = stages.Summary()
    stages.normalize_stage(raw, out, first)
    stages.extract_stage(out, RULES, first)
    assert (first.extracted, first.reused) == (2, 0)

    (raw / "new.txt").write_text("The Andean Digital Security Initiative trains officials in Lima.\n")
    again = stages.Summary()
    stages.normalize_stage(raw, out, again)
    stages.extract_stage(out, RULES, again)
    assert (again.extracted, again.reused) == (1, 2)
    stages.resolve_stage(out, RULES, again)
    stages.write_stage(raw, out, RULES, again)

    fresh = tmp_path / "fresh"
    assert main(["run", "--raw", str(raw), "--out", str(fresh), "--rules", str(RULES)]) == 0
    same_tables(out, fresh)


def test_changed_rules_extract_everything_again(tmp_path, rules_copy):
    out = tmp_path / "out"
    first = stages.Summary()
    stages.normalize_stage(RAW, out, first)
    stages.extract_stage(out, rules_copy, first)
    with open(rules_copy / "org_shapes.yml", "a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    again = stages.Summary()
    stages.extract_stage(out, rules_copy, again)
    assert (again.extracted, again.reused) == (2, 0)
