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
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

METADATA_KEY = b"orgfunctions"
KEEP_RUNS = 2


class OutputError(OSError):
    """The output folder cannot be written (permissions, full disk, a bad path).

    Raised as ``OutputError(errno, message)``; prints as the message alone
    (the CLI's one error line), without the ``[Errno 28]`` prefix.
    """

    def __str__(self) -> str:
        return self.strerror if self.strerror and self.errno is not None else super().__str__()


def write_parquet(table: pa.Table, path: Path, schema: pa.Schema, metadata: dict | None = None) -> None:
    """Write ``table`` to ``path`` through a temporary file, with the explicit ``schema``."""
    path = Path(path)
    table = table.cast(schema) if table.schema != schema else table
    if metadata is not None:
        table = table.replace_schema_metadata({METADATA_KEY: json.dumps(metadata, sort_keys=True).encode()})
    tmp = _temp_name(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(path.parent, f".{path.name}.tmp-*")
        pq.write_table(table, tmp, compression="zstd", write_statistics=True)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise OutputError(exc.errno, f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:  # a bad table or an interrupt: no temporary file stays behind either
        _unlink_quietly(tmp)
        raise


def _temp_name(path: Path) -> Path:
    """A hidden name beside ``path`` that carries the writer's pid (see ``_remove_stale``)."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _remove_stale(folder: Path, pattern: str) -> None:
    """Remove temporary files and folders that a killed process left behind.

    A run killed with SIGKILL cannot clean up, so the next writer of the same
    name does: an entry whose pid suffix names no live process is garbage. An
    entry of a live process (a concurrent run) is left alone.
    """
    try:
        entries = list(folder.glob(pattern))
    except OSError:
        return
    for entry in entries:
        pid = entry.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                _unlink_quietly(entry)


@contextmanager
def scratch_dir(parent: Path, name: str) -> Iterator[Path]:
    """A private folder ``<parent>/.<name>.tmp-<pid>`` for a stage's spill files, removed on exit.

    Folders that killed runs left behind are removed first (see ``_remove_stale``),
    so spill files never accumulate, and concurrent runs keep their own.
    """
    folder = Path(parent) / f".{name}.tmp-{os.getpid()}"
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(folder.parent, f".{name}.tmp-*")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    except OSError as exc:
        raise OutputError(exc.errno, f"cannot create {folder}: {exc.strerror or exc}") from exc
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def read_metadata(path: Path) -> dict:
    """The run metadata stored in a table's Parquet footer."""
    raw = (pq.read_schema(path).metadata or {}).get(METADATA_KEY)
    return json.loads(raw) if raw else {}


def copy_parquet(source: Path, path: Path, schema: pa.Schema, metadata: dict) -> None:
    """Copy a Parquet file row group by row group with the run metadata (memory bounded by a row group)."""
    with TableWriter(path, schema, metadata) as writer:
        reader = pq.ParquetFile(source)
        for i in range(reader.metadata.num_row_groups):
            writer.write_table(reader.read_row_group(i).replace_schema_metadata(None))


def publish_dataset(out: Path, tables: dict[str, pa.Table | Path], schemas: dict[str, pa.Schema], metadata: dict,
                    extra: dict[str, tuple[pa.Table, pa.Schema]] | None = None) -> Path:
    """Write the dataset into a new run folder and switch ``<out>/current`` to it atomically.

    Returns the run folder. A table given as a path is copied row group by row
    group, so publishing a large corpus does not hold it in memory. ``extra``
    tables (the rejects table) travel with the dataset in the same folder.
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
    switched = False
    try:
        staging.mkdir(parents=True)
        for name, table in tables.items():
            if isinstance(table, (str, Path)):
                copy_parquet(Path(table), staging / f"{name}.parquet", schemas[name], metadata)
            else:
                write_parquet(table, staging / f"{name}.parquet", schemas[name], metadata)
        for name, (table, schema) in (extra or {}).items():
            write_parquet(table, staging / f"{name}.parquet", schema, metadata)
        _fsync_dir(staging)
        os.replace(staging, folder)
        _switch(out / "current", Path(".runs") / folder.name)
        switched = True
        for name in [*tables, *(extra or {})]:
            _ensure_link(out / f"{name}.parquet", Path("current") / f"{name}.parquet")
        _fsync_dir(out)
    except BaseException as exc:
        # Whatever failed (a full disk, a bad table, an interrupt), nothing half-written stays:
        # the staging folder goes, and so does a complete run folder that was never switched to.
        shutil.rmtree(staging, ignore_errors=True)
        if not switched:
            shutil.rmtree(folder, ignore_errors=True)
        if isinstance(exc, OutputError) or not isinstance(exc, OSError):
            raise
        raise OutputError(exc.errno, f"cannot publish the dataset in {out}: {exc.strerror or exc}") from exc
    try:
        _collect_garbage(runs, keep=folder)
    except OSError:  # the dataset is published; a folder vanishing under the cleanup must not fail the run
        pass
    return folder


def _switch(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` with one rename: readers see the old link or the new, never none."""
    tmp = _temp_name(link)
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    try:
        os.replace(tmp, link)
    except BaseException:
        _unlink_quietly(tmp)
        raise


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
    """Keep the current run and the one before it; remove older runs and what killed runs left.

    A run killed between renaming its folder and switching ``current`` leaves
    a complete folder nobody points at; it ages out with the other old runs.
    """
    finished = sorted((p for p in runs.iterdir() if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime)
    for old in finished[:-KEEP_RUNS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    for staging in runs.glob(".staging-*"):
        pid = staging.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or not process_alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)
    _remove_stale(runs.parent, ".*.tmp-*")


def process_alive(pid: int) -> bool:
    """True while process ``pid`` exists (its temporary files may still be in use)."""
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
        self.tmp = _temp_name(self.path)
        self.rows: list[dict] = []
        self.writer = None
        self.batch_rows = 2048

    def __enter__(self) -> "TableWriter":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale(self.path.parent, f".{self.path.name}.tmp-*")
            self.writer = pq.ParquetWriter(self.tmp, self.schema, compression="zstd")
        except OSError as exc:
            raise OutputError(exc.errno, f"cannot write {self.path}: {exc.strerror or exc}") from exc
        return self

    def write(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch_rows:
            self.flush()

    def write_table(self, table: pa.Table) -> None:
        """Append a whole Arrow table (rows buffered by ``write`` go first)."""
        self.flush()
        if table.num_rows:
            try:
                self.writer.write_table(table.cast(self.schema) if table.schema != self.schema else table)
            except OSError as exc:
                raise OutputError(exc.errno, f"cannot write {self.path}: {exc.strerror or exc}") from exc

    def flush(self) -> None:
        if self.rows:
            try:
                self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            except OSError as exc:
                raise OutputError(exc.errno, f"cannot write {self.path}: {exc.strerror or exc}") from exc
            self.rows = []

    def __exit__(self, exc_type, exc, tb) -> None:
        """Close the file, then rename it into place on success or remove it on failure.

        The writer is closed even when the last flush fails (a full disk), and
        an ``OutputError`` from that flush passes through unwrapped.
        """
        try:
            try:
                if exc_type is None:
                    self.flush()
            finally:
                self.writer.close()
            if exc_type is None:
                os.replace(self.tmp, self.path)
        except OutputError:
            raise
        except OSError as error:
            raise OutputError(error.errno, f"cannot write {self.path}: {error.strerror or error}") from error
        finally:
            _unlink_quietly(self.tmp)
