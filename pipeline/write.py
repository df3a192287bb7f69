"""Write Parquet atomically, and publish the dataset as one consistent set.

Two promises: a reader never sees a half-written file, and the four tables in
``processed/`` always come from the same run. Each file is written to a
temporary name and renamed into place (``os.replace`` is atomic on POSIX).
The dataset's tables are written into a fresh run folder
``<out>/.runs/<run_id>.<n>/``; then one symlink, ``<out>/current``, is
switched to it with a single rename. ``<out>/documents.parquet`` and the other
table names are fixed symlinks through ``current``, so all four change
together or not at all: a run killed at any moment leaves the previous
complete set in place.

Nothing time-dependent goes into a file: the same tables and metadata give
byte-identical Parquet.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

METADATA_KEY = b"orgfunctions"
KEEP_RUNS = 2


class OutputError(OSError):
    """The output folder cannot be written (permissions, full disk, a bad path)."""


def write_parquet(table: pa.Table, path: Path, schema: pa.Schema, metadata: dict | None = None) -> None:
    """Write ``table`` to ``path`` through a temporary file, with the explicit ``schema``."""
    path = Path(path)
    table = table.cast(schema) if table.schema != schema else table
    if metadata is not None:
        table = table.replace_schema_metadata({METADATA_KEY: json.dumps(metadata, sort_keys=True).encode()})
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, tmp, compression="zstd", write_statistics=True)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(exc.errno, f"cannot write {path}: {exc.strerror or exc}") from exc


def read_metadata(path: Path) -> dict:
    """The run metadata stored in a table's Parquet footer."""
    raw = (pq.read_schema(path).metadata or {}).get(METADATA_KEY)
    return json.loads(raw) if raw else {}


def publish_dataset(out: Path, tables: dict[str, pa.Table], schemas: dict[str, pa.Schema], metadata: dict,
                    extra: dict[str, tuple[pa.Table, pa.Schema]] | None = None) -> Path:
    """Write the dataset into a new run folder and switch ``<out>/current`` to it atomically.

    Returns the run folder. ``extra`` tables (the rejects table) travel with
    the dataset in the same folder.
    """
    out = Path(out)
    runs = out / ".runs"
    try:
        runs.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(exc.errno, f"cannot create {runs}: {exc.strerror or exc}") from exc
    run_id = metadata["run_id"]
    n = 1 + max((int(p.suffix[1:]) for p in runs.glob(f"{run_id}.*") if p.suffix[1:].isdigit()), default=0)
    folder = runs / f"{run_id}.{n}"
    staging = runs / f".staging-{run_id}.{n}-{os.getpid()}"
    try:
        staging.mkdir(parents=True)
        for name, table in tables.items():
            write_parquet(table, staging / f"{name}.parquet", schemas[name], metadata)
        for name, (table, schema) in (extra or {}).items():
            write_parquet(table, staging / f"{name}.parquet", schema, metadata)
        _fsync_dir(staging)
        os.replace(staging, folder)
        _switch(out / "current", Path(".runs") / folder.name)
        for name in [*tables, *(extra or {})]:
            _ensure_link(out / f"{name}.parquet", Path("current") / f"{name}.parquet")
        _fsync_dir(out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OutputError):
            raise
        raise OutputError(exc.errno, f"cannot publish the dataset in {out}: {exc.strerror or exc}") from exc
    _collect_garbage(runs, keep=folder)
    return folder


def _switch(link: Path, target: Path) -> None:
    tmp = link.with_name(f".{link.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _ensure_link(link: Path, target: Path) -> None:
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return
    _switch(link, target)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _collect_garbage(runs: Path, keep: Path) -> None:
    """Keep the current run and the one before it; remove older runs and dead staging folders."""
    finished = sorted((p for p in runs.iterdir() if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime)
    for old in finished[:-KEEP_RUNS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    for staging in runs.glob(".staging-*"):
        pid = staging.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class TableWriter:
    """Write a table batch by batch to a temporary file, renamed into place on success.

    Streaming stages use it so that no stage holds a whole table in memory and
    an interrupted stage leaves no fresh-looking partial file.
    """

    def __init__(self, path: Path, schema: pa.Schema, metadata: dict | None = None):
        self.path = Path(path)
        self.schema = schema if metadata is None else schema.with_metadata(
            {METADATA_KEY: json.dumps(metadata, sort_keys=True).encode()})
        self.tmp = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
        self.rows: list[dict] = []
        self.writer = None
        self.batch_rows = 2048

    def __enter__(self) -> "TableWriter":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(self.tmp, self.schema, compression="zstd")
        except OSError as exc:
            raise OutputError(exc.errno, f"cannot write {self.path}: {exc.strerror or exc}") from exc
        return self

    def write(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            try:
                self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            except OSError as exc:
                raise OutputError(exc.errno, f"cannot write {self.path}: {exc.strerror or exc}") from exc
            self.rows = []

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.flush()
            self.writer.close()
            if exc_type is None:
                os.replace(self.tmp, self.path)
        except OSError as error:
            raise OutputError(error.errno, f"cannot write {self.path}: {error.strerror or error}") from error
        finally:
            if self.tmp.exists():
                self.tmp.unlink()
