"""The README documents every column of every table."""
from __future__ import annotations

import re

from pipeline.schemas import DATASET
from tests.conftest import ROOT


def test_data_dictionary_lists_every_column():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_0-9]+)`", readme))
    for table, schema in DATASET.items():
        missing = [name for name in schema.names if name not in documented]
        assert not missing, f"{table}: columns missing from the README data dictionary: {missing}"


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make all" in readme and "make test" in readme


def test_readme_queries_run_on_the_seed_dataset(seed_dataset):
    import duckdb
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    queries = re.findall(r'duckdb\.sql\("""(.*?)"""\)', readme, flags=re.S)
    assert len(queries) >= 4
    results = {}
    for query in queries:
        rows = duckdb.sql(query.replace("'processed/", f"'{seed_dataset}/")).fetchall()
        assert rows, query
        results[query] = rows
    conflicts = [rows for q, rows in results.items() if "acronym_conflicts" in q]
    assert conflicts and conflicts[0][0][0] == "ICPO"
