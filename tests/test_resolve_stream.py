"""The resolve stage streams: partitioned facts, Arrow-grouped mention counts, reused input hashes.

Each streaming shortcut is checked against the plain in-memory computation it
replaces, so the published tables stay byte for byte what they were.
"""
from __future__ import annotations

import os
from collections import Counter, defaultdict

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import stages
from pipeline.cli import main
from pipeline.resolve import (EVIDENCE_SIMILARITY, MentionStats, _words, collapse_evidence, fact_partitions,
                              fact_rows)
from pipeline.write import scratch_dir
from tests.conftest import RAW, RULES

TABLES = ("documents", "mentions", "organizations", "org_functions")


def _collapse_by_value(rows):
    """collapse_evidence as it was: membership by dict equality (quadratic), the reference."""
    entries, exact, by_document = [], {}, defaultdict(list)
    for row in sorted(rows, key=lambda r: (r["doc_id"], r["sentence_start"], r["method"])):
        sentence = " ".join((row.get("sentence") or "").split())
        location = {"doc_id": row["doc_id"], "start": row["sentence_start"], "end": row["sentence_end"],
                    "method": row["method"]}
        entry = exact.get(sentence)
        if entry is None:
            words = _words(sentence)
            for candidate in by_document[row["doc_id"]]:
                shorter = min(len(words), len(candidate["_words"]))
                if shorter and len(words & candidate["_words"]) / shorter >= EVIDENCE_SIMILARITY:
                    entry = candidate
                    break
            if entry is None:
                entry = {"sentence": sentence, "locations": [], "_words": words}
                entries.append(entry)
                exact[sentence] = entry
        if entry not in by_document[row["doc_id"]]:
            by_document[row["doc_id"]].append(entry)
        if location not in entry["locations"]:
            entry["locations"].append(location)
    return [{"sentence": e["sentence"], "locations": e["locations"]} for e in entries]


def _link(doc_id, start, sentence, method="pattern", end=None):
    return {"doc_id": doc_id, "sentence_start": start, "sentence_end": end or start + len(sentence or ""),
            "method": method, "sentence": sentence}


def test_collapse_evidence_equals_the_by_value_version():
    body = "ENISA supports national CERTs with training and exercises."
    rows = [
        _link("b", 10, body), _link("a", 10, body), _link("a", 10, body),          # a repeated location
        _link("a", 10, body, method="dependency"),                                 # same place, other method
        _link("a", 90, "ENISA supports national CERTs with training."),            # near-duplicate, same doc
        _link("c", 5, "ENISA supports national CERTs with training."),             # same words, other doc
        _link("c", 60, "The agency  publishes\nthreat reports."),                  # spacing differs
        _link("d", 0, "The agency publishes threat reports."),
        _link("d", 0, "The agency publishes threat reports.", end=99),              # same start, other end
        _link("d", 50, ""), _link("d", 50, None),
    ]
    assert collapse_evidence(rows) == _collapse_by_value(rows)
    assert collapse_evidence(list(reversed(rows))) == _collapse_by_value(list(reversed(rows)))


def test_fact_partitions_keep_facts_whole_and_in_output_order():
    key_to_org = {"k1": "b_org", "k2": "a_org", "k3": "b_org", "k4": "c_org"}
    counts = {("k1", "f2"): 3, ("k3", "f2"): 2, ("k2", "f1"): 4, ("k2", "f3"): 1, ("k4", "f1"): 9,
              ("k1", "f1"): 1, ("lost", "f1"): 7}
    partition_of = fact_partitions(counts, key_to_org, links_per_partition=5)
    assert ("lost", "f1") not in partition_of
    # Keys of one organization and function share a partition.
    assert partition_of[("k1", "f2")] == partition_of[("k3", "f2")]
    facts = sorted({(key_to_org[k], f): p for (k, f), p in partition_of.items()}.items())
    assert [p for _, p in facts] == sorted(p for _, p in facts)        # partitions follow the output order
    sizes = Counter()
    for key, number in partition_of.items():
        sizes[number] += counts[key]
    assert all(n <= 5 or n == 9 for n in sizes.values())               # a fact larger than the target is alone


def test_partitioned_facts_equal_facts_of_all_links():
    links = [
        {"doc_id": f"d{i % 3}", "org_key": f"k{i % 4}", "function_id": f"f{i % 5}", "method": "pattern",
         "sentence_start": i, "sentence_end": i + 10, "sentence": f"Sentence {i % 6} about cooperation."}
        for i in range(60)
    ]
    key_to_org = {"k0": "org_b", "k1": "org_a", "k2": "org_b"}       # k3 resolves to nothing
    table = pa.Table.from_pylist(links)
    counts = Counter(zip(table.column("org_key").to_pylist(), table.column("function_id").to_pylist()))
    partition_of = fact_partitions(counts, key_to_org, links_per_partition=7)
    assert len(set(partition_of.values())) > 1
    pieces = []
    for number in sorted(set(partition_of.values())):
        part = [r for r in links if partition_of.get((r["org_key"], r["function_id"])) == number]
        pieces += fact_rows(pa.Table.from_pylist(part), key_to_org, {})
    assert pieces == fact_rows(table, key_to_org, {})
    assert [(r["org_id"], r["function_id"]) for r in pieces] == sorted((r["org_id"], r["function_id"])
                                                                        for r in pieces)


def test_small_partitions_publish_the_same_bytes(tmp_path, seed_dataset, monkeypatch):
    spilled = []
    spill = stages._spill_partitions

    def counting(*args, **kwargs):
        files = spill(*args, **kwargs)
        spilled.append(len(files))
        return files

    monkeypatch.setattr(stages, "LINKS_PER_PARTITION", 3)
    monkeypatch.setattr(stages, "_spill_partitions", counting)
    out = tmp_path / "out"
    assert main(["run", "--raw", str(RAW), "--out", str(out), "--rules", str(RULES)]) == 0
    assert spilled and spilled[0] > 5
    for name in TABLES:
        assert (out / f"{name}.parquet").read_bytes() == (seed_dataset / f"{name}.parquet").read_bytes(), name
    assert not list((out / ".work" / "resolved").glob(".links.tmp-*"))   # spill files are gone


def test_mention_counts_by_arrow_equal_counting_one_by_one():
    rows = [("org_a", "d1", "ENISA"), ("org_a", "d1", "ENISA"), ("org_a", "d2", "the Agency"),
            ("org_b", "d2", "ITU"), ("org_a", "d3", None)]
    one_by_one, grouped = MentionStats(), MentionStats()
    for row in rows:
        one_by_one.add(*row)
    half = len(rows) // 2
    for piece in (rows[:half], rows[half:]):
        grouped.add_table(pa.table({"org_id": [r[0] for r in piece], "doc_id": [r[1] for r in piece],
                                    "text": [r[2] for r in piece]}))
    assert grouped.n_mentions == one_by_one.n_mentions
    assert dict(grouped.documents) == dict(one_by_one.documents)
    assert {k: v - {None} for k, v in grouped.surfaces.items()} == \
        {k: v - {None} for k, v in one_by_one.surfaces.items()}


def test_run_metadata_reuses_the_hashes_of_normalize(tmp_path, seed_dataset):
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in RAW.iterdir():
        if path.is_file() and not path.name.startswith("."):
            (raw / path.name).write_bytes(path.read_bytes())
    (raw / "empty.txt").write_bytes(b"")                      # rejected: not in the documents table
    documents = pq.read_table(seed_dataset / "documents.parquet", columns=["source", "raw_sha256"])
    known = dict(zip(*documents.to_pydict().values()))
    assert known and "empty.txt" not in known
    assert stages.run_metadata(raw, RULES, known) == stages.run_metadata(raw, RULES)


def test_extract_leaves_no_spacy_pipeline_behind(tmp_path):
    out = tmp_path / "out"
    summary = stages.Summary()
    stages.normalize_stage(RAW, out, summary)
    stages.extract_stage(out, RULES, summary)
    assert not stages._WORKER


def test_extract_freezes_the_pipeline_only_while_it_extracts(tmp_path):
    """gc.freeze keeps the collector off the pipeline during extraction; afterwards nothing stays frozen.

    The tables are the same whether the collector walks the pipeline or not:
    the byte-for-byte comparison is test_pipeline's; here, the state it leaves.
    """
    import gc

    out = tmp_path / "out"
    summary = stages.Summary()
    stages.normalize_stage(RAW, out, summary)
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    stages._init_extractor(str(RULES.resolve()))
    try:
        assert gc.get_freeze_count() > 0 and gc.isenabled()
    finally:
        stages._release_extractor()
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    stages.extract_stage(out, RULES, summary)
    assert gc.get_freeze_count() == 0 and gc.isenabled() and not stages._WORKER


def test_scratch_dir_is_removed_with_what_dead_runs_left(tmp_path):
    stale = tmp_path / ".links.tmp-999999999"          # no such process
    stale.mkdir()
    (stale / "0.arrow").write_bytes(b"x")
    with scratch_dir(tmp_path, "links") as folder:
        assert folder.name == f".links.tmp-{os.getpid()}" and folder.is_dir()
        assert not stale.exists()
        (folder / "0.arrow").write_bytes(b"x")
    assert not folder.exists()
