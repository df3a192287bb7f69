"""Safety: no network, and no file written outside the output folder whatever the input names are."""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pandas as pd
import pytest
import pytest_socket

from pipeline.cli import main
from tests.conftest import GOOD_TEXT, RULES, dataset_state, leftovers


def run(raw: Path, out: Path) -> int:
    return main(["run", "--raw", str(raw), "--out", str(out), "--rules", str(RULES), "--workers", "1"])


def test_opening_a_socket_fails_inside_tests():
    with pytest.raises(pytest_socket.SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(pytest_socket.SocketBlockedError):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    with pytest.raises(pytest_socket.SocketBlockedError):
        socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)


def test_a_full_run_needs_no_network(tmp_path, monkeypatch):
    """A whole run with the real rules, counting every socket that anything tries to open.

    Counting matters: a library that catches the blocked socket's exception
    (urllib3 probing for IPv6 does) would otherwise hide the attempt.
    """
    attempts = []
    blocked = socket.socket

    class Recorder(blocked):
        def __new__(cls, family=-1, *args, **kwargs):
            attempts.append(family)
            return blocked.__new__(cls, family, *args, **kwargs)
    monkeypatch.setattr(socket, "socket", Recorder)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text(GOOD_TEXT)
    assert run(raw, tmp_path / "out") == 0
    assert [family for family in attempts if family != socket.AF_UNIX] == []
    assert set(pd.read_parquet(tmp_path / "out" / "mentions.parquet")["entity_id"]) >= {"itu", "enisa"}


HOSTILE_NAMES = [
    "..txt.txt", "..\\..\\escape.txt", "\\etc\\passwd.txt", "%2e%2e%2fescape.txt", "-rf.txt", "~.txt", " .txt",
    "new\nline.txt", "tab\tname.txt", "\u202etxt.exe.txt", "CON.txt", "current.txt", "documents.parquet.txt",
    "*.txt", "$(touch pwned).txt", "name;rm -rf ~.txt", "\u2028.txt", "very" + "long" * 60 + ".txt",
]


def _tree(root: Path) -> set[str]:
    return {os.path.relpath(os.path.join(folder, name), root)
            for folder, dirs, files in os.walk(root) for name in [*dirs, *files]}


def test_output_never_leaves_the_output_folder(tmp_path, capsys, fast_rules):
    raw = tmp_path / "raw"
    deep = raw / "sub" / "a..b" / "deeper"
    deep.mkdir(parents=True)
    for i, name in enumerate(HOSTILE_NAMES):
        folder = deep if i % 3 == 0 else raw
        (folder / name).write_text(f"Document {i}. The ITU supports capacity building in region {i}.\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "planted.txt").write_text(GOOD_TEXT)
    (raw / "linked_folder").symlink_to(outside, target_is_directory=True)
    out = tmp_path / "out"
    before = _tree(tmp_path)
    assert run(raw, out) == 0
    assert {p for p in _tree(tmp_path) - before if not p.startswith("out" + os.sep) and p != "out"} == set()
    assert (outside / "planted.txt").read_text() == GOOD_TEXT and os.listdir(outside) == ["planted.txt"]

    run_folder = Path(os.readlink(out / "current")).name
    tables = {f"{name}.parquet" for name in ("documents", "mentions", "organizations", "org_functions", "rejects")}
    assert set(os.listdir(out)) == {".runs", ".work", "current"} | tables
    assert set(os.listdir(out / ".runs")) == {run_folder} and set(os.listdir(out / ".runs" / run_folder)) == tables
    written = _tree(out)
    for name in HOSTILE_NAMES:   # no output path is made from an input name (two of them imitate output names)
        stem = name.rsplit(".txt", 1)[0]
        if len(stem) > 3 and stem not in ("current", "documents.parquet"):
            assert not any(stem in path for path in written), name
    for path in written:
        assert os.path.realpath(out / path).startswith(os.path.realpath(out) + os.sep), path
    docs = pd.read_parquet(out / "documents.parquet")
    assert sorted(docs["source"]) == sorted(   # hidden names (a leading dot) are skipped, as documented
        f"sub/a..b/deeper/{name}" if i % 3 == 0 else name for i, name in enumerate(HOSTILE_NAMES)
        if not name.startswith("."))
    dataset_state(out)
    assert leftovers(out) == []
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_output_inside_the_raw_folder_is_not_read_back(tmp_path, fast_rules):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text(GOOD_TEXT)
    for _ in range(2):
        assert run(raw, raw / "processed") == 0
        assert list(pd.read_parquet(raw / "processed" / "documents.parquet")["source"]) == ["good.txt"]
