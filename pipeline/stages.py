"""The four stages over files: the thin I/O shell around the pure stage functions.

Each stage reads what the previous one wrote under ``<out>/.work/`` and writes
its own files there; ``write`` publishes the dataset into ``<out>/``. The
Makefile calls them one by one (so only stale stages rerun); ``run`` calls
them in one process.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import __version__, schemas
from pipeline.corpus import Reject, check_output_folder, display_name, file_hashes, list_documents, read_document
from pipeline.dedup import DuplicateFinder
from pipeline.normalize import Change, Normalized, normalize
from pipeline.progress import progress
from pipeline.write import TableWriter, publish_dataset, write_parquet

WORK = ".work"


@dataclass
class Summary:
    documents: int = 0
    rejected: list = field(default_factory=list)
    duplicates: int = 0
    mentions: int = 0
    organizations: int = 0
    links: int = 0
    conflicts: list = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def line(self) -> str:
        return (f"{self.documents} documents ({self.duplicates} duplicates, {len(self.rejected)} rejected), "
                f"{self.mentions} mentions, {self.organizations} organizations, {self.links} links, "
                f"{time.perf_counter() - self.started:.1f} s")


def work_dir(out: Path) -> Path:
    return Path(out) / WORK


# -- normalize -------------------------------------------------------------------

def normalize_stage(raw: Path, out: Path, summary: Summary) -> None:
    """raw/ → .work/normalized.parquet and .work/rejects.parquet."""
    raw, out = Path(raw), Path(out)
    paths = list_documents(raw)
    check_output_folder(out)
    finder = DuplicateFinder()
    rejects = []
    with TableWriter(work_dir(out) / "normalized.parquet", schemas.DOCUMENTS) as table:
        for path in progress(paths, "normalize"):
            item = read_document(raw, path)
            if isinstance(item, Reject):
                rejects.append({"source": item.source, "reason": item.reason})
                print(f"rejected {display_name(item.source)}: {item.reason}", file=sys.stderr)
                continue
            table.write(document_row(item, finder))
    write_parquet(pa.Table.from_pylist(rejects, schema=schemas.REJECTS), work_dir(out) / "rejects.parquet",
                  schemas.REJECTS)
    summary.rejected = rejects


def document_row(item, finder: DuplicateFinder) -> dict:
    """One row of the documents table from a decoded document."""
    result = normalize(item.text)
    text = result.text
    duplicate = finder.add(item.doc_id, text)
    counts = result.counts()
    return {
        "doc_id": item.doc_id, "source": item.source, "text": text, "encoding": item.encoding,
        "raw_sha256": item.raw_sha256,
        "text_sha256": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        "n_chars": len(text), "n_words": len(text.split()),
        "duplicate_of": duplicate.of if duplicate else None,
        "duplicate_kind": duplicate.kind if duplicate else None,
        "duplicate_similarity": duplicate.similarity if duplicate else None,
        **{f"n_{kind}": counts.get(kind, 0) for kind in schemas.CHANGE_KINDS},
        "changes": [{"start": c.start, "end": c.end, "norm_start": c.norm_start, "original": c.original,
                     "replacement": c.replacement, "kind": c.kind} for c in result.changes],
    }


# -- extract ---------------------------------------------------------------------

def extract_stage(out: Path, rules_dir: Path, summary: Summary) -> None:
    """.work/normalized.parquet → .work/{mentions,links,local_orgs}.parquet."""
    from pipeline.extract import Context, extract_document
    from pipeline.nlp import load_nlp

    work = work_dir(out)
    nlp, rules = load_nlp(rules_dir)
    ctx = Context.build(rules, nlp)
    source = pq.ParquetFile(work / "normalized.parquet")
    total = source.metadata.num_rows
    with TableWriter(work / "mentions.parquet", schemas.MENTIONS) as mentions, \
            TableWriter(work / "links.parquet", schemas.LINKS) as links, \
            TableWriter(work / "local_orgs.parquet", schemas.LOCAL_ORGS) as local_orgs:
        bar = progress(None, "extract", total=total)
        for batch in source.iter_batches(batch_size=64, columns=["doc_id", "text", "duplicate_of", "changes"]):
            rows = [r for r in batch.to_pylist()]
            todo = [r for r in rows if r["duplicate_of"] is None]
            for row, doc in zip(todo, nlp.pipe((r["text"] for r in todo), batch_size=32)):
                result = extract_document(row["text"], ctx, doc)
                mapping = Normalized(row["text"], tuple(Change(**c) for c in row["changes"]))
                for m in result.mentions:
                    raw_start, raw_end = mapping.raw_span(m.start, m.end)
                    mentions.write({"doc_id": row["doc_id"], "start": m.start, "end": m.end, "raw_start": raw_start,
                                    "raw_end": raw_end, "text": m.text, "label": m.label, "entity_id": m.key,
                                    "rule_id": m.rule_id, "rule_file": m.rule_file})
                for link in result.links:
                    links.write({"doc_id": row["doc_id"], "org_key": link.org_key, "function_id": link.function_id,
                                 "method": link.method, "sentence_start": link.sentence_start,
                                 "sentence_end": link.sentence_end, "org_start": link.org_start,
                                 "org_end": link.org_end, "function_start": link.function_start,
                                 "function_end": link.function_end})
                for org in result.orgs.values():
                    local_orgs.write({"doc_id": row["doc_id"], "key": org.key, "name": org.name,
                                      "gazetteer_id": org.gazetteer_id, "acronym": org.acronym,
                                      "org_type": org.org_type, "surfaces": sorted(org.surfaces),
                                      "long_forms": sorted(org.long_forms), "conflicts": sorted(org.conflicts)})
            bar.advance(len(rows))
        bar.close()


# -- resolve ---------------------------------------------------------------------

def resolve_stage(out: Path, rules_dir: Path, summary: Summary) -> None:
    """.work/ extraction tables → .work/resolved/{mentions,organizations,org_functions}.parquet."""
    from pipeline.resolve import resolve
    from pipeline.rules import load_rules

    work = work_dir(out)
    rules = load_rules(rules_dir)
    docs = pq.read_table(work / "normalized.parquet", columns=["doc_id", "text", "duplicate_of"]).to_pylist()
    texts = {d["doc_id"]: d["text"] for d in docs if d["duplicate_of"] is None}
    result = resolve(texts, pq.read_table(work / "local_orgs.parquet").to_pylist(),
                     pq.read_table(work / "mentions.parquet").to_pylist(),
                     pq.read_table(work / "links.parquet").to_pylist(), rules)
    resolved = work / "resolved"
    write_parquet(pa.Table.from_pylist(result.mentions, schema=schemas.MENTIONS), resolved / "mentions.parquet",
                  schemas.MENTIONS)
    write_parquet(pa.Table.from_pylist(result.organizations, schema=schemas.ORGANIZATIONS),
                  resolved / "organizations.parquet", schemas.ORGANIZATIONS)
    write_parquet(pa.Table.from_pylist(result.org_functions, schema=schemas.ORG_FUNCTIONS),
                  resolved / "org_functions.parquet", schemas.ORG_FUNCTIONS)
    for message in result.conflicts:
        print(f"warning: {message}", file=sys.stderr)
    summary.conflicts = result.conflicts


# -- write -----------------------------------------------------------------------

def run_metadata(raw: Path, rules_dir: Path) -> dict:
    """Provenance for the Parquet footers: versions and input and rule hashes, nothing time-dependent."""
    import ftfy
    import pandas
    import spacy

    from pipeline.rules import rule_files
    raw, rules_dir = Path(raw), Path(rules_dir)
    try:
        inputs = file_hashes(raw, list_documents(raw))
    except Exception:  # noqa: BLE001 - metadata must not fail a run whose stages succeeded
        inputs = {}
    rule_hashes = {p.relative_to(rules_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                   for p in rule_files(rules_dir)}
    meta = {
        "package": "orgfunctions", "package_version": __version__,
        "versions": {"spacy": spacy.__version__, "ftfy": ftfy.__version__, "pyarrow": pa.__version__,
                     "pandas": pandas.__version__},
        "inputs": inputs, "rules": rule_hashes,
    }
    meta["run_id"] = hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()[:16]
    return meta


def write_stage(raw: Path, out: Path, rules_dir: Path, summary: Summary) -> Path:
    """.work/ tables → the published dataset in <out>/ (one atomic switch)."""
    work = work_dir(out)
    tables = {
        "documents": pq.read_table(work / "normalized.parquet"),
        "mentions": pq.read_table(work / "resolved" / "mentions.parquet"),
        "organizations": pq.read_table(work / "resolved" / "organizations.parquet"),
        "org_functions": pq.read_table(work / "resolved" / "org_functions.parquet"),
    }
    tables = {name: t.replace_schema_metadata(None) for name, t in tables.items()}
    rejects = pq.read_table(work / "rejects.parquet").replace_schema_metadata(None)
    folder = publish_dataset(out, tables, schemas.DATASET, run_metadata(raw, rules_dir),
                             extra={"rejects": (rejects, schemas.REJECTS)})
    docs = tables["documents"]
    summary.documents = docs.num_rows
    summary.duplicates = docs.num_rows - docs.column("duplicate_of").null_count
    summary.mentions = tables["mentions"].num_rows
    summary.organizations = tables["organizations"].num_rows
    summary.links = tables["org_functions"].num_rows
    summary.rejected = rejects.to_pylist()
    return folder
