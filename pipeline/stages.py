"""The four stages over files: the thin I/O shell around the pure stage functions.

Each stage reads what the previous one wrote under ``<out>/.work/`` and writes
its own files there; ``write`` publishes the dataset into ``<out>/``. The
Makefile calls them one by one (so only stale stages rerun); ``run`` calls
them in one process.

Documents stream: normalize and extract work shard by shard (groups of files,
row groups of the work tables) on 1..N workers or a Dask cluster
(:mod:`pipeline.shards`) and write their tables incrementally; resolve streams
the links (in partitions of facts) and the mentions; no stage holds every
document, every Doc or every link in memory. Extraction
is incremental: a document whose text, rules and code have not changed since
the last run is not extracted again, its rows are copied from that run.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
import os
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# Before pyarrow loads: Arrow picks its C++ default allocator then (see _prefer_jemalloc).
if sys.platform.startswith("linux") and "pyarrow" not in sys.modules:
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline import __version__, schemas
from pipeline.corpus import (CorpusError, Reject, check_output_folder, display_name, file_hashes, list_documents,
                             read_document, source_name)
from pipeline.dedup import DuplicateFinder, signature, text_digest
from pipeline.normalize import Change, Normalized, normalize
from pipeline.progress import progress
from pipeline.shards import chunks, map_shards
from pipeline.write import TableWriter, publish_dataset, scratch_dir, write_parquet

WORK = ".work"
FILES_PER_SHARD = 64
DOCS_PER_ROW_GROUP = 128
# The modules extraction runs, relative to pipeline/ (tests/test_stage_code.py keeps the list whole).
EXTRACT_CODE = ("extract.py", "nlp.py", "rules.py", "names.py", "shapes.py", "structure.py", "acronyms.py",
                "yamlsafe.py", "tokens.py", "members.py",
                *(f"linking/{name}.py" for name in ("__init__", "cues", "sentence", "activities", "clauses", "roles",
                                                    "constructions", "discourse")))


def _prefer_jemalloc() -> None:
    """Give Arrow the jemalloc allocator where this pyarrow has it (unless the user chose one).

    Streaming stages allocate and free Arrow buffers batch after batch; with
    pyarrow's default (mimalloc) the process kept far more than Arrow held:
    the 20 MB benchmark corpus peaked at about 400 MB with mimalloc and 340 MB
    with jemalloc, which returns freed pages to the system.

    Only the allocator Arrow's C++ code defaults to gives the whole gain, and
    Arrow chooses it from ``ARROW_DEFAULT_MEMORY_POOL`` once, when pyarrow
    loads: so this module sets that default before importing pyarrow (on
    Linux, whose pyarrow wheels have jemalloc; the workers inherit it). When
    pyarrow was loaded first (pandas, spaCy and tests load it), only pyarrow's
    own default can still change, which is done here; that saves less
    (measured: about 390 MB). A pool the user chose with the variable stays.
    """
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL", "jemalloc") != "jemalloc":
        return
    if pa.default_memory_pool().backend_name != "jemalloc":
        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except NotImplementedError:   # a pyarrow built without jemalloc: keep its default
            pass


_prefer_jemalloc()


def _load_rules(rules_dir: Path):
    """The validated rules, read once per process for unchanged files (:func:`pipeline.rules.load_rules_reused`)."""
    from pipeline.rules import load_rules_reused
    return load_rules_reused(rules_dir)


@dataclass
class Options:
    """How to run: number of workers, engine ('local' or 'dask'), Dask scheduler address."""

    workers: int = 1
    engine: str = "local"
    scheduler: str | None = None


@dataclass
class Summary:
    documents: int = 0
    rejected: list = field(default_factory=list)
    duplicates: int = 0
    mentions: int = 0
    organizations: int = 0
    links: int = 0
    extracted: int = 0
    reused: int = 0
    conflicts: list = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def line(self) -> str:
        return (f"{self.documents} documents ({self.duplicates} duplicates, {len(self.rejected)} rejected), "
                f"{self.mentions} mentions, {self.organizations} organizations, {self.links} links, "
                f"{time.perf_counter() - self.started:.1f} s")


def work_dir(out: Path) -> Path:
    return Path(out) / WORK


# -- normalize -------------------------------------------------------------------

def _normalize_shard(shard: tuple) -> list:
    """Worker: decode and normalize a group of files; dedup needs order, so it stays with the caller."""
    raw, paths = shard
    results = []
    for path in paths:
        item = read_document(Path(raw), Path(path))
        if isinstance(item, Reject):
            results.append(item)
        else:
            row = document_row(item)
            results.append((row, signature(row["text"])))
    return results


def normalize_stage(raw: Path, out: Path, summary: Summary, options: Options = Options()) -> None:
    """raw/ → .work/normalized.parquet and .work/rejects.parquet."""
    raw, out = Path(raw), Path(out)
    paths = list_documents(raw)
    check_output_folder(out)
    finder = DuplicateFinder()
    rejects = []
    kept = 0
    shards = [(str(raw), [str(p) for p in group]) for group in chunks(paths, FILES_PER_SHARD)]
    bar = progress(None, "normalize", total=len(paths))
    with TableWriter(work_dir(out) / "normalized.parquet", schemas.DOCUMENTS) as table:
        table.batch_rows = DOCS_PER_ROW_GROUP
        for results in map_shards(_normalize_shard, shards, options.workers, options.engine, options.scheduler):
            for item in results:
                bar.advance()
                if isinstance(item, Reject):
                    rejects.append({"source": item.source, "reason": item.reason})
                    print(f"rejected {display_name(item.source)}: {item.reason}", file=sys.stderr)
                    continue
                row, minhash = item
                duplicate = finder.add(row["doc_id"], row["text_sha256"], minhash)
                if duplicate is not None:
                    row.update(duplicate_of=duplicate.of, duplicate_kind=duplicate.kind,
                               duplicate_similarity=duplicate.similarity)
                table.write(row)
                kept += 1
        if not kept:
            # Publishing an empty dataset over the last good one would lose it for nothing.
            raise CorpusError(f"{raw}: no readable documents ({len(rejects)} rejected)")
    bar.close()
    write_parquet(pa.Table.from_pylist(rejects, schema=schemas.REJECTS), work_dir(out) / "rejects.parquet",
                  schemas.REJECTS)
    summary.rejected = rejects


def document_row(item) -> dict:
    """One row of the documents table from a decoded document (duplicate columns left empty)."""
    result = normalize(item.text)
    text = result.text
    counts = result.counts()
    return {
        "doc_id": item.doc_id, "source": item.source, "text": text, "encoding": item.encoding,
        "raw_sha256": item.raw_sha256, "text_sha256": text_digest(text),
        "n_chars": len(text), "n_words": len(text.split()),
        "duplicate_of": None, "duplicate_kind": None, "duplicate_similarity": None,
        **{f"n_{kind}": counts.get(kind, 0) for kind in schemas.CHANGE_KINDS},
        "changes": [{"start": c.start, "end": c.end, "norm_start": c.norm_start, "original": c.original,
                     "replacement": c.replacement, "kind": c.kind} for c in result.changes],
    }


# -- extract ---------------------------------------------------------------------

_WORKER: dict = {}


def _init_extractor(rules_dir: str) -> None:
    """Worker start: compile the rules once per process, and keep the garbage collector off them.

    The spaCy pipeline and the compiled rules are hundreds of thousands of
    objects that live until extraction ends. Python's full collections walked
    all of them again and again: on the 5 MB benchmark corpus they took 0.7 s,
    with the collector paused while the pipeline loads (it allocates much and
    frees nothing) and those objects frozen (``gc.freeze``), almost nothing.
    Freezing changes when memory of cyclic garbage is reclaimed, never what is
    computed; :func:`_release_extractor` unfreezes them.
    """
    from pipeline.extract import Context
    from pipeline.nlp import load_nlp

    if _WORKER.get("rules_dir") != rules_dir:
        _release_extractor()
        with _collector_paused():
            nlp, rules = load_nlp(Path(rules_dir))
            _WORKER.update(rules_dir=rules_dir, nlp=nlp, ctx=Context.build(rules, nlp))
        gc.freeze()


@contextlib.contextmanager
def _collector_paused():
    """Run the block with automatic garbage collection off (as it was before, afterwards)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _extract_shard(shard: tuple) -> tuple:
    """Worker: extract every document of one row group that is not a duplicate and not reused."""
    from pipeline.extract import extract_document

    path, row_group, skip, rules_dir = shard
    _init_extractor(rules_dir)
    nlp, ctx = _WORKER["nlp"], _WORKER["ctx"]
    rows = pq.ParquetFile(path).read_row_group(
        row_group, columns=["doc_id", "text", "duplicate_of", "changes"]).to_pylist()
    todo = [r for r in rows if r["duplicate_of"] is None and r["doc_id"] not in skip]
    # Rows are tuples in schema order, turned into columns at the end: Table.from_pylist
    # on one dict per mention cost more than a tenth of extraction.
    mentions, links, local_orgs = [], [], []
    for row, doc in zip(todo, nlp.pipe((r["text"] for r in todo), batch_size=32)):
        text, doc_id = row["text"], row["doc_id"]
        result = extract_document(text, ctx, doc)
        mapping = Normalized(text, tuple(Change(**c) for c in row["changes"]))
        for m in result.mentions:
            raw_start, raw_end = mapping.raw_span(m.start, m.end)
            mentions.append((doc_id, m.start, m.end, raw_start, raw_end, m.text, m.label, m.key, m.rule_id,
                             m.rule_file))
        for link in result.links:
            links.append((doc_id, link.org_key, link.function_id, link.method, link.sentence_start,
                          link.sentence_end, link.org_start, link.org_end, link.function_start, link.function_end,
                          text[link.sentence_start:link.sentence_end]))
        for org in result.orgs.values():
            local_orgs.append((doc_id, org.key, org.name, org.gazetteer_id, org.acronym, org.org_type,
                               sorted(org.surfaces), sorted(org.long_forms), sorted(org.conflicts)))
    return ([r["doc_id"] for r in rows], len(todo), _table(mentions, schemas.MENTIONS),
            _table(links, schemas.LINKS), _table(local_orgs, schemas.LOCAL_ORGS))


def _table(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    """A table from row tuples whose values are in the schema's column order.

    Each column goes to ``pa.array`` as the tuple ``zip`` makes: copying it into a
    list first, as ``Table.from_pydict`` needs, took longer than converting it.
    """
    columns = list(zip(*rows)) if rows else [() for _ in schema.names]
    return pa.Table.from_arrays([pa.array(column, type=field.type) for column, field in zip(columns, schema)],
                                schema=schema)


def extraction_fingerprint(rules) -> str:
    """What extraction depends on besides the text: the rules, the code and the library versions."""
    import spacy

    digest = hashlib.sha256(f"{rules.fingerprint}\0{__version__}\0{spacy.__version__}".encode())
    here = Path(__file__).resolve().parent
    for name in EXTRACT_CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


class _Previous:
    """The last run's extraction, to copy the rows of unchanged documents instead of extracting them again."""

    def __init__(self, work: Path, fingerprint: str):
        self.hashes: dict[str, str] = {}
        self.runs: dict[str, dict[str, tuple[int, int]]] = {}
        index = work / "extract_index.parquet"
        try:
            meta = (pq.read_schema(index).metadata or {}).get(b"fingerprint", b"").decode()
            if meta != fingerprint:
                return
            self.hashes = dict(zip(*pq.read_table(index).to_pydict().values()))
            self.tables = {name: pq.read_table(work / f"{name}.parquet")
                           for name in ("mentions", "links", "local_orgs")}
        except (OSError, pa.ArrowInvalid, ValueError):
            self.hashes = {}
            return
        # Work tables are in document order, so each document's rows are one run:
        # find the runs once instead of scanning the whole table for every shard.
        for name, table in self.tables.items():
            runs: dict[str, tuple[int, int]] = {}
            for i, doc_id in enumerate(table.column("doc_id").to_pylist()):
                start, _ = runs.get(doc_id, (i, i))
                runs[doc_id] = (start, i + 1)
            self.runs[name] = runs

    def reusable(self, doc_index: dict) -> set:
        return {d for d, h in doc_index.items() if self.hashes.get(d) == h}

    def rows_of(self, name: str, doc_ids: list[str]) -> pa.Table:
        table, runs = self.tables[name], self.runs[name]
        pieces = [table.slice(start, end - start) for start, end in (runs[d] for d in doc_ids if d in runs)]
        return pa.concat_tables(pieces) if pieces else table.slice(0, 0)


def _in_document_order(order: list[str], fresh: pa.Table, reused: pa.Table | None) -> pa.Table:
    """Rows of one row group in document order, whether freshly extracted or copied."""
    if reused is None or reused.num_rows == 0:
        return fresh
    combined = pa.concat_tables([fresh, reused])
    position = {doc_id: i for i, doc_id in enumerate(order)}
    keys = pa.array([position[d] for d in combined.column("doc_id").to_pylist()], pa.int64())
    indices = pc.sort_indices(pa.table({"k": keys, "i": pa.array(range(combined.num_rows), pa.int64())}),
                              sort_keys=[("k", "ascending"), ("i", "ascending")])
    return combined.take(indices)


def extract_stage(out: Path, rules_dir: Path, summary: Summary, options: Options = Options()) -> None:
    """.work/normalized.parquet → .work/{mentions,links,local_orgs,extract_index}.parquet."""
    work = work_dir(out)
    rules = _load_rules(rules_dir)        # fail early, in this process, on invalid rules
    fingerprint = extraction_fingerprint(rules)
    source = work / "normalized.parquet"
    index_table = pq.read_table(source, columns=["doc_id", "text_sha256", "duplicate_of"])
    doc_index = {d: h for d, h, dup in zip(*index_table.to_pydict().values()) if dup is None}
    previous = _Previous(work, fingerprint)
    reuse = previous.reusable(doc_index)
    groups = pq.ParquetFile(source).metadata.num_row_groups
    shards = [(str(source), i, reuse, str(Path(rules_dir).resolve())) for i in range(groups)]
    bar = progress(None, "extract", total=index_table.num_rows)
    with TableWriter(work / "mentions.parquet", schemas.MENTIONS) as mentions, \
            TableWriter(work / "links.parquet", schemas.LINKS) as links, \
            TableWriter(work / "local_orgs.parquet", schemas.LOCAL_ORGS) as local_orgs:
        for order, extracted, *tables in map_shards(_extract_shard, shards, options.workers, options.engine,
                                                     options.scheduler, _init_extractor,
                                                     (str(Path(rules_dir).resolve()),)):
            kept = [d for d in order if d in reuse]
            for writer, name, table in zip((mentions, links, local_orgs), ("mentions", "links", "local_orgs"),
                                           tables):
                copied = previous.rows_of(name, kept) if kept else None
                writer.write_table(_in_document_order(order, table, copied))
            summary.extracted += extracted
            summary.reused += len(kept)
            bar.advance(len(order))
        # The old index describes the old tables, which are about to be replaced: a run that
        # stopped before writing the new index would otherwise reuse rows it never extracted.
        (work / "extract_index.parquet").unlink(missing_ok=True)
    bar.close()
    index = pa.table({"doc_id": list(doc_index), "text_sha256": list(doc_index.values())},
                     schema=schemas.EXTRACT_INDEX.with_metadata({b"fingerprint": fingerprint.encode()}))
    write_parquet(index, work / "extract_index.parquet", index.schema)
    _release_extractor()


def _release_extractor() -> None:
    """Drop the spaCy pipeline and compiled rules that extraction left in this process.

    With one worker, extraction runs here and ``_WORKER`` keeps them (about
    80 MB) for the rest of the process: ``run`` would carry them through
    resolve and write, which need neither. Freed, that memory is reused there.
    """
    if _WORKER:
        _WORKER.clear()
        gc.unfreeze()    # frozen by _init_extractor; the pipeline's cycles can be collected again
        gc.collect()


# -- resolve ---------------------------------------------------------------------

LINKS_PER_PARTITION = 50_000      # links resolved into facts at a time (about 20 MB of Arrow)
MAX_PARTITIONS = 256              # spill files open at once; past that, partitions grow instead
LOCAL_ORG_COLUMNS = ("key", "name", "gazetteer_id", "acronym", "org_type", "long_forms", "conflicts")


def _batches(path: Path, columns, batch_size: int = 8192):
    """Record batches of some columns of a work table, decoded one at a time on this thread.

    ``pq.read_table`` decodes every column at once on a thread pool, and the
    allocator keeps those buffers: reading the links that way took RSS up by
    3.5 times their Arrow size, and the whole stage grew with the corpus.
    """
    return pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=list(columns), use_threads=False)


def resolve_stage(out: Path, rules_dir: Path, summary: Summary, options: Options = Options()) -> None:
    """.work/ extraction tables → .work/resolved/{mentions,organizations,org_functions}.parquet.

    Only the organizations (a few rows per document) are resolved in memory;
    the links and mentions stream through, so memory does not grow with the
    corpus (the organizations table, one row per organization, aside).
    """
    from pipeline.resolve import function_labels, organization_rows, resolve_organizations

    work = work_dir(out)
    rules = _load_rules(rules_dir)
    resolution = resolve_organizations(row for batch in _batches(work / "local_orgs.parquet", LOCAL_ORG_COLUMNS, 4096)
                                       for row in batch.to_pylist())
    resolved = work / "resolved"
    functions_of = _write_facts(work / "links.parquet", resolved / "org_functions.parquet", resolution.key_to_org,
                                function_labels(rules))
    stats = _write_mentions(work / "mentions.parquet", resolved / "mentions.parquet", resolution.key_to_org)
    write_parquet(pa.Table.from_pylist(organization_rows(resolution, stats, rules, functions_of),
                                       schema=schemas.ORGANIZATIONS),
                  resolved / "organizations.parquet", schemas.ORGANIZATIONS)
    for message in resolution.messages:
        print(f"warning: {message}", file=sys.stderr)
    summary.conflicts = resolution.messages


def _write_facts(links: Path, path: Path, key_to_org: dict, labels: dict) -> dict[str, set]:
    """Build the org_functions table from the links partition by partition; return org_id → function ids.

    The links (every evidence sentence of the corpus) are the stage's largest
    input. They are read twice, a batch at a time: first only (org_key,
    function_id), to count each fact's links and cut the facts into partitions
    in output order (:func:`pipeline.resolve.fact_partitions`); then every
    column, to spill each batch's links into their partitions' files. Each
    partition is then read back and made into rows on its own, so memory holds
    one partition's links and the finished facts in Arrow, not every link as
    Python rows. The partitions, in order, give exactly the rows of
    :func:`pipeline.resolve.fact_rows` over all the links; they are written as
    one table (one row group, as before) so the file's bytes do not depend on
    the partitioning.
    """
    from pipeline.resolve import LINK_COLUMNS, fact_partitions, fact_rows

    counts: Counter = Counter()
    for batch in _batches(links, ("org_key", "function_id")):
        counts.update(zip(batch.column("org_key").to_pylist(), batch.column("function_id").to_pylist()))
    size = max(LINKS_PER_PARTITION, -(-sum(counts.values()) // MAX_PARTITIONS))
    partition_of = fact_partitions(counts, key_to_org, size)
    del counts
    functions_of: dict[str, set] = defaultdict(set)
    facts = []
    with scratch_dir(path.parent, "links") as spill:
        files = _spill_partitions(links, LINK_COLUMNS, partition_of, spill)
        for file in files:
            with pa.OSFile(str(file)) as source:
                part = pa.ipc.open_file(source).read_all()
            file.unlink()
            rows = fact_rows(part, key_to_org, labels)
            del part
            for row in rows:
                functions_of[row["org_id"]].add(row["function_id"])
            facts.append(pa.Table.from_pylist(rows, schema=schemas.ORG_FUNCTIONS))
            del rows
            pa.default_memory_pool().release_unused()
    table = pa.concat_tables(facts).combine_chunks() if facts else schemas.ORG_FUNCTIONS.empty_table()
    del facts
    write_parquet(table, path, schemas.ORG_FUNCTIONS)
    return functions_of


def _spill_partitions(links: Path, columns, partition_of: dict, folder: Path) -> list[Path]:
    """Copy each link into the file of its fact's partition, keeping the table's order; return the files in order.

    Links of no partition (of no resolved organization) are dropped. Files are
    Arrow IPC, zstd-compressed: written and read back once, never published.
    """
    count = 1 + max(partition_of.values(), default=-1)
    files = [folder / f"{i:05d}.arrow" for i in range(count)]
    writers: dict[int, pa.ipc.RecordBatchFileWriter] = {}
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    try:
        for batch in _batches(links, columns):
            keys = zip(batch.column("org_key").to_pylist(), batch.column("function_id").to_pylist())
            partitions = pa.array([partition_of.get(key) for key in keys], pa.int32())
            # Stable sort, nulls last: each partition's links stay in the table's order.
            order = pc.array_sort_indices(partitions)
            order = order.slice(0, len(order) - partitions.null_count)
            batch = batch.take(order)
            start = 0
            for number, run in itertools.groupby(partitions.take(order).to_pylist()):
                length = sum(1 for _ in run)
                if number not in writers:
                    writers[number] = pa.ipc.new_file(str(files[number]), batch.schema, options=options)
                writers[number].write_batch(batch.slice(start, length))
                start += length
    finally:
        for writer in writers.values():
            writer.close()
    return files


def _write_mentions(source: Path, path: Path, key_to_org: dict):
    """Copy the mentions with their organizations' resolved ids, batch by batch, counting them per organization."""
    from pipeline.resolve import MentionStats

    keys = pa.array(list(key_to_org), pa.string())
    org_ids = pa.array(list(key_to_org.values()), pa.string())
    stats = MentionStats()
    with TableWriter(path, schemas.MENTIONS) as mentions:
        for batch in _batches(source, schemas.MENTIONS.names):
            entity = batch.column("entity_id")
            is_org = pc.fill_null(pc.equal(batch.column("label"), "ORG"), False)
            found = pc.index_in(entity, value_set=keys)
            # key_to_org.get(key, key) for ORG mentions; every other entity id stays.
            entity = pc.if_else(pc.and_(is_org, pc.is_valid(found)), org_ids.take(found), entity)
            stats.add_table(pa.table({"org_id": entity, "doc_id": batch.column("doc_id"),
                                      "text": batch.column("text")}).filter(is_org))
            batch = batch.set_column(batch.schema.get_field_index("entity_id"), "entity_id", entity)
            mentions.write_table(pa.Table.from_batches([batch]))
    return stats


# -- write -----------------------------------------------------------------------

def run_metadata(raw: Path, rules_dir: Path, known: dict | None = None) -> dict:
    """Provenance for the Parquet footers: versions and input and rule hashes, nothing time-dependent.

    ``known`` maps sources to the sha256 that normalize computed while reading
    them (the documents table's ``raw_sha256``): those files are not read a
    second time; the rest (rejected files) are hashed here.
    """
    import ftfy
    import pandas
    import spacy

    from pipeline.rules import rule_files
    raw, rules_dir = Path(raw), Path(rules_dir)
    try:
        known = known or {}
        sources = {source_name(raw, p): p for p in list_documents(raw)}
        hashed = file_hashes(raw, [p for s, p in sources.items() if s not in known])
        inputs = {s: known[s] if s in known else hashed[s] for s in sources}
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


def write_stage(raw: Path, out: Path, rules_dir: Path, summary: Summary, options: Options = Options()) -> Path:
    """.work/ tables → the published dataset in <out>/ (one atomic switch)."""
    work = work_dir(out)
    sources = {
        "documents": work / "normalized.parquet",
        "mentions": work / "resolved" / "mentions.parquet",
        "organizations": work / "resolved" / "organizations.parquet",
        "org_functions": work / "resolved" / "org_functions.parquet",
    }
    missing = [p for p in sources.values() if not p.exists()]
    if missing:
        raise FileNotFoundError(2, "missing", str(missing[0]))
    rejects = pq.read_table(work / "rejects.parquet").replace_schema_metadata(None)
    documents = pq.read_table(sources["documents"], columns=["source", "raw_sha256", "duplicate_of"],
                              use_threads=False)
    known = dict(zip(documents.column("source").to_pylist(), documents.column("raw_sha256").to_pylist()))
    folder = publish_dataset(out, sources, schemas.DATASET, run_metadata(raw, rules_dir, known),
                             extra={"rejects": (rejects, schemas.REJECTS)})
    rows = {name: pq.ParquetFile(path).metadata.num_rows for name, path in sources.items()}
    duplicates = documents.column("duplicate_of")
    summary.documents = rows["documents"]
    summary.duplicates = len(duplicates) - duplicates.null_count
    summary.mentions = rows["mentions"]
    summary.organizations = rows["organizations"]
    summary.links = rows["org_functions"]
    summary.rejected = rejects.to_pylist()
    return folder
