"""End to end through the CLI, on the seed corpus and on small corpora in temporary folders."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.write import read_metadata
from tests.conftest import RAW, ROOT, RULES

TABLES = ("documents", "mentions", "organizations", "org_functions")


def run(raw, out, rules=RULES) -> int:
    return main(["run", "--raw", str(raw), "--out", str(out), "--rules", str(rules)])


def test_seed_dataset_has_the_contract_columns(seed_dataset):
    contract = {
        "documents": {"doc_id", "source", "text"},
        "mentions": {"doc_id", "start", "end", "text", "label", "entity_id", "rule_id"},
        "organizations": {"org_id", "name", "acronym", "aliases", "org_type"},
        "org_functions": {"org_id", "function_id", "doc_ids"},
    }
    for name, columns in contract.items():
        frame = pd.read_parquet(seed_dataset / f"{name}.parquet")
        assert columns <= set(frame.columns), name
        assert len(frame) > 0, name
    docs = pd.read_parquet(seed_dataset / "documents.parquet")
    assert sorted(docs["source"]) == ["000_4a8186a5b212eb3e.txt", "002_7328ff7fe9fe9875.txt"]
    first = docs.set_index("source").loc["000_4a8186a5b212eb3e.txt"]
    assert first["n_homoglyph"] == 259 and "\u0435" not in first["text"]


def test_a_parent_is_named_even_when_the_corpus_does_not_mention_it(seed_dataset):
    orgs = pd.read_parquet(seed_dataset / "organizations.parquet").set_index("org_id")
    assert orgs.loc["enisa", "parent"] == "european_union" and "european_union" not in orgs.index
    assert orgs.loc["enisa", "parent_name"] == "European Union"
    with_parent = orgs[orgs["parent"].notna()]
    assert len(with_parent) > 3 and with_parent["parent_name"].notna().all()
    assert orgs.loc[orgs["parent"].isna(), "parent_name"].isna().all()


def test_mention_offsets_point_into_normalized_and_raw_text(seed_dataset):
    docs = pd.read_parquet(seed_dataset / "documents.parquet").set_index("doc_id")
    mentions = pd.read_parquet(seed_dataset / "mentions.parquet")
    for row in mentions.itertuples():
        doc = docs.loc[row.doc_id]
        assert doc["text"][row.start:row.end] == row.text
        raw_text = (RAW / doc["source"]).read_text(encoding="utf-8")
        assert raw_text[row.raw_start:row.raw_end].replace("\u0435", "e") == row.text


def test_all_tables_carry_one_run_id(seed_dataset):
    ids = {read_metadata(seed_dataset / f"{name}.parquet")["run_id"] for name in TABLES}
    assert len(ids) == 1
    meta = read_metadata(seed_dataset / "documents.parquet")
    assert set(meta["versions"]) == {"spacy", "ftfy", "pyarrow", "pandas"}
    assert set(meta["inputs"]) == {"000_4a8186a5b212eb3e.txt", "002_7328ff7fe9fe9875.txt"}
    assert "functions.yml" in meta["rules"]


def test_two_runs_give_byte_identical_parquet(tmp_path, seed_dataset):
    out = tmp_path / "again"
    assert run(RAW, out) == 0
    for name in TABLES:
        assert (out / f"{name}.parquet").read_bytes() == (seed_dataset / f"{name}.parquet").read_bytes(), name


def test_ids_do_not_depend_on_input_order_or_folder(tmp_path, seed_dataset):
    raw = tmp_path / "raw"
    raw.mkdir()
    # Same documents under other names: organization ids and facts are unchanged.
    for path in sorted(RAW.glob("*.txt"), reverse=True):
        shutil.copy(path, raw / f"z_{path.name}")
    assert run(raw, tmp_path / "out") == 0
    a = pd.read_parquet(seed_dataset / "organizations.parquet")
    b = pd.read_parquet(tmp_path / "out" / "organizations.parquet")
    assert sorted(a["org_id"]) == sorted(b["org_id"])
    fa = pd.read_parquet(seed_dataset / "org_functions.parquet")[["org_id", "function_id"]]
    fb = pd.read_parquet(tmp_path / "out" / "org_functions.parquet")[["org_id", "function_id"]]
    assert sorted(map(tuple, fa.values)) == sorted(map(tuple, fb.values))


def test_unreadable_file_is_rejected_and_the_rest_processed(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / "002_7328ff7fe9fe9875.txt", raw / "good.txt")
    (raw / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert run(raw, tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "image.txt" in err and "PNG" in err
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert list(docs["source"]) == ["good.txt"]
    rejects = pd.read_parquet(tmp_path / "out" / "rejects.parquet")
    assert list(rejects["source"]) == ["image.txt"]


@pytest.mark.parametrize("make_raw", [lambda p: p / "missing", lambda p: (p / "empty").mkdir() or p / "empty"])
def test_missing_or_empty_raw_is_one_line_error(tmp_path, capsys, make_raw):
    raw = make_raw(tmp_path)
    assert run(raw, tmp_path / "out") == 3
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(raw) in err


def test_failed_run_keeps_the_previous_dataset(tmp_path, rules_copy):
    out = tmp_path / "out"
    assert run(RAW, out, rules_copy) == 0
    before = {name: (out / f"{name}.parquet").read_bytes() for name in TABLES}
    (rules_copy / "functions.yml").write_text("functions: [oops\n")
    assert run(RAW, out, rules_copy) == 2
    assert {name: (out / f"{name}.parquet").read_bytes() for name in TABLES} == before


def test_cli_help_lists_every_stage():
    result = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    for command in ("run", "normalize", "extract", "resolve", "write", "rules"):
        assert command in result.stdout


def test_stages_one_by_one_equal_run(tmp_path, seed_dataset):
    out = tmp_path / "out"
    for stage in ("normalize", "extract", "resolve", "write"):
        assert main([stage, "--raw", str(RAW), "--out", str(out), "--rules", str(RULES)]) == 0, stage
    for name in TABLES:
        assert (out / f"{name}.parquet").read_bytes() == (seed_dataset / f"{name}.parquet").read_bytes(), name


def test_tables_load_with_pyarrow_duckdb_and_polars(seed_dataset):
    import duckdb
    import polars
    path = str(seed_dataset / "organizations.parquet")
    n = pq.read_table(path).num_rows
    assert duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchall()[0][0] == n
    assert duckdb.sql(f"select count(*) from read_parquet('{seed_dataset}/*.parquet', union_by_name=true)"
                      ).fetchall()[0][0] > n
    assert polars.read_parquet(path).height == n


def test_a_corpus_of_only_unreadable_files_keeps_the_previous_dataset(tmp_path, capsys):
    out = tmp_path / "out"
    assert run(RAW, out) == 0
    before = {name: (out / f"{name}.parquet").read_bytes() for name in TABLES}
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert run(raw, out) == 3
    err = capsys.readouterr().err
    assert "image.txt" in err and "no readable documents (1 rejected)" in err
    assert {name: (out / f"{name}.parquet").read_bytes() for name in TABLES} == before
