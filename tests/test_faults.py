"""Faults while writing: a full disk, and a run killed with SIGKILL.

The promise (README "Errors and exit statuses", pipeline/write.py): a failed or
killed run never touches the published dataset, leaves no temporary file
behind once the next run has started, and the next run succeeds.

The killed runs are real processes. Each child slows one step down (a sleep
after each staged table, before the symlink switch, or per document while the
work table is open) so that the parent can kill it at a known moment instead
of racing a run that takes milliseconds.
"""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.write import read_metadata
from tests.conftest import GOOD_TEXT, ROOT, RULES, dataset_state, leftovers

ENOSPC = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def corpus(tmp_path: Path, name: str, n_extra: int = 0) -> Path:
    raw = tmp_path / name
    raw.mkdir()
    (raw / "good.txt").write_text(GOOD_TEXT)
    for i in range(n_extra):
        (raw / f"extra_{i:03d}.txt").write_text(f"Report {i}: the ITU supports capacity building in region {i}. "
                                                f"INTERPOL shares information with police forces of {i} states.\n")
    return raw


def run(raw: Path, out: Path) -> int:
    return main(["run", "--raw", str(raw), "--out", str(out), "--rules", str(RULES), "--workers", "1"])


@pytest.fixture
def previous(tmp_path, fast_rules):
    """An output folder holding a complete dataset, and a corpus whose run would replace it."""
    out = tmp_path / "out"
    assert run(corpus(tmp_path, "before"), out) == 0
    return out, dataset_state(out), corpus(tmp_path, "after", n_extra=3)


# -- a full disk ----------------------------------------------------------------------------------

def _fail_staged_tables(monkeypatch):
    """The disk fills up while the second table is staged (the first is complete), however it is written."""
    write_table, write_batch = pq.write_table, pq.ParquetWriter.write_table

    def staged_mentions(where) -> bool:
        return ".staging-" in str(where) and "mentions" in Path(str(where)).name

    def one_shot(table, where, *args, **kwargs):
        if staged_mentions(where):
            raise ENOSPC
        return write_table(table, where, *args, **kwargs)

    def batch(self, table, *args, **kwargs):
        if staged_mentions(self.where):
            raise ENOSPC
        return write_batch(self, table, *args, **kwargs)
    monkeypatch.setattr(pq, "write_table", one_shot)
    monkeypatch.setattr(pq.ParquetWriter, "write_table", batch)
    return "cannot write", "mentions.parquet: No space left on device"


def _fail_work_table(monkeypatch):
    def write_table(self, table, *args, **kwargs):
        raise ENOSPC
    monkeypatch.setattr(pq.ParquetWriter, "write_table", write_table)
    return "cannot write", "normalized.parquet: No space left on device"


def _fail_symlink_switch(monkeypatch):
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst).name == "current":
            raise ENOSPC
        return real(src, dst, *args, **kwargs)
    monkeypatch.setattr(os, "replace", replace)
    return "cannot publish the dataset in", "No space left on device"


def _fail_rename_into_runs(monkeypatch):
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(src).name.startswith(".staging-"):
            raise ENOSPC
        return real(src, dst, *args, **kwargs)
    monkeypatch.setattr(os, "replace", replace)
    return "cannot publish the dataset in", "No space left on device"


@pytest.mark.parametrize("fail", [_fail_staged_tables, _fail_work_table, _fail_symlink_switch, _fail_rename_into_runs],
                         ids=lambda f: f.__name__.strip("_"))
def test_full_disk_keeps_the_previous_dataset(fail, previous, monkeypatch, capsys):
    out, before, raw = previous
    runs_before = sorted(p.name for p in (out / ".runs").iterdir())
    start, end = fail(monkeypatch)
    capsys.readouterr()
    assert run(raw, out) == 4
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {start}") and lines[0].endswith(end), lines
    assert "[Errno" not in lines[0] and lines[0].count(start) == 1, lines
    monkeypatch.undo()
    assert dataset_state(out) == before
    assert leftovers(out) == []
    assert sorted(p.name for p in (out / ".runs").iterdir()) == runs_before, "a run folder nobody points at"
    assert run(raw, out) == 0
    assert dataset_state(out)["documents"][0] != before["documents"][0]


def test_a_table_that_does_not_fit_its_schema_leaves_nothing_behind(tmp_path):
    """Not only OSError: any failure while staging removes the staging folder and keeps the old set."""
    import pyarrow as pa

    from pipeline.write import publish_dataset
    schema = pa.schema([("n", pa.int64())])
    out = tmp_path / "out"
    publish_dataset(out, {"t": pa.table({"n": [1]})}, {"t": schema}, {"run_id": "a"})
    with pytest.raises(pa.ArrowInvalid):
        publish_dataset(out, {"t": pa.table({"n": ["not a number"]})}, {"t": schema}, {"run_id": "b"})
    assert read_metadata(out / "t.parquet")["run_id"] == "a"
    assert sorted(p.name for p in (out / ".runs").iterdir()) == ["a.1"]
    assert leftovers(out) == []


# -- a run killed while it writes -----------------------------------------------------------------

CHILD = textwrap.dedent("""
    import sys, time
    import spacy  # before sockets are blocked (urllib3 probes IPv6 support on import)
    import pytest_socket
    import pipeline.stages as stages
    import pipeline.write as write

    pytest_socket.disable_socket(allow_unix_socket=True)   # the real run needs no network either
    mode, argv = sys.argv[1], sys.argv[2:]
    if mode == "work":
        read_document = stages.read_document

        def slow_read(*args, **kwargs):
            time.sleep(0.5)
            return read_document(*args, **kwargs)
        stages.read_document = slow_read
    elif mode == "staging":
        replace = write.os.replace

        def slow_replace(src, dst, *args, **kwargs):
            replace(src, dst, *args, **kwargs)
            if ".staging-" in str(dst) and str(dst).endswith(".parquet"):
                time.sleep(5)   # each staged table is complete; the next is not started
        write.os.replace = slow_replace
    elif mode == "switch":
        switch = write._switch

        def slow_switch(link, target):
            if link.name == "current":
                time.sleep(60)
            switch(link, target)
        write._switch = slow_switch
    from pipeline.cli import main
    sys.exit(main(argv))
""")


def _work_temp_file(out: Path, before: dict) -> bool:
    return any((out / ".work").glob(".normalized.parquet.tmp-*"))


def _half_staged(out: Path, before: dict) -> bool:
    return any((out / ".runs").glob(".staging-*/documents.parquet"))


def _unswitched_run_folder(out: Path, before: dict) -> bool:
    current = os.readlink(out / "current")
    return any(not p.name.startswith(".") and p.name != Path(current).name for p in (out / ".runs").iterdir())


@pytest.mark.parametrize("moment", [_work_temp_file, _half_staged, _unswitched_run_folder],
                         ids=lambda f: f.__name__.strip("_"))
def test_killed_run_keeps_the_previous_dataset(moment, previous):
    out, before, raw = previous
    mode = {"_work_temp_file": "work", "_half_staged": "staging", "_unswitched_run_folder": "switch"}[moment.__name__]
    argv = ["run", "--raw", str(raw), "--out", str(out), "--rules", str(RULES), "--workers", "1"]
    child = subprocess.Popen([sys.executable, "-c", CHILD, mode, *argv], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not moment(out, before):
            assert child.poll() is None, child.communicate()[1].decode()
            assert time.monotonic() < deadline, "the child never reached the moment to kill it"
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.communicate()
    assert child.returncode == -signal.SIGKILL
    assert dataset_state(out) == before
    if mode != "switch":
        assert leftovers(out), "the kill should have left a temporary file or staging folder behind"

    assert run(raw, out) == 0
    after = dataset_state(out)
    assert after["documents"][0] != before["documents"][0]
    assert len(pq.read_table(out / "documents.parquet")) == 4
    assert leftovers(out) == []
