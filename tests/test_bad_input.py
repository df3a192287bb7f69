"""Bad input through the CLI, each case beside a good document.

Every case checks the whole contract of README "Errors and exit statuses": one
line on stderr that names the file (escaped, so that a newline in a name cannot
break the line) and the reason, the documented exit status, the good document
still processed, and nothing half-written in the output folder.

Permissions: the suite runs as root, where a mode of 000 does not stop a read.
``test_unreadable_file_is_rejected`` simulates the refusal by making the open
call raise ``PermissionError`` for one file; ``test_real_permissions`` runs the
CLI in a child process that drops to an unprivileged uid (or, when the suite
does not run as root, uses chmod directly).
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import pipeline.corpus
from pipeline.cli import main
from pipeline.corpus import MAX_BYTES, MAX_CHARS, display_name, file_hashes, list_documents, read_document
from tests.conftest import GOOD_TEXT, ROOT, RULES, dataset_state, leftovers

MIB = 1024 * 1024


def make_corpus(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    return raw


def write(folder: Path, name: str | bytes, data: bytes) -> None:
    """Write a file whose name may be any bytes (Linux allows every byte but '/' and NUL)."""
    name = name if isinstance(name, bytes) else name.encode()
    with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
        handle.write(data)


def run(raw: Path, out: Path, capsys) -> tuple[int, list[str]]:
    capsys.readouterr()
    status = main(["run", "--raw", str(raw), "--out", str(out), "--rules", str(RULES), "--workers", "1"])
    return status, capsys.readouterr().err.splitlines()


def assert_good_document_processed(out: Path) -> pd.DataFrame:
    docs = pd.read_parquet(out / "documents.parquet")
    mentions = pd.read_parquet(out / "mentions.parquet")
    good = docs.set_index("source").loc["good.txt"]
    assert set(mentions[mentions["doc_id"] == good["doc_id"]]["entity_id"]) >= {"itu", "enisa", "capacity_building"}
    facts = pd.read_parquet(out / "org_functions.parquet")
    assert ("itu", "capacity_building") in set(zip(facts["org_id"], facts["function_id"]))
    return docs


def assert_one_line_about(lines: list[str], shown: str, reason: str) -> None:
    about = [line for line in lines if shown in line]
    assert len(about) == 1, lines
    assert about[0] == f"rejected {shown}: {reason}" or about[0].startswith(f"rejected {shown}: {reason}"), about


# -- rejected files: exit 1, one line each, the rest processed ------------------------------------

def _png(raw, monkeypatch):
    write(raw, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    return "image.txt", "binary content (PNG image)"


def _pdf(raw, monkeypatch):
    write(raw, "paper.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
    return "paper.txt", "binary content (PDF document)"


def _zip(raw, monkeypatch):
    write(raw, "archive.txt", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(200)))
    return "archive.txt", "binary content (ZIP archive)"


def _empty(raw, monkeypatch):
    write(raw, "empty.txt", b"")
    return "empty.txt", "empty file"


def _whitespace(raw, monkeypatch):
    write(raw, "blank.txt", " \n\t\r\n \u00a0\u3000\n".encode())
    return "blank.txt", "no text (whitespace only)"


def _invalid_utf8_noise(raw, monkeypatch):
    write(raw, "noise.txt", bytes((i * 131 + 7) % 128 + 128 for i in range(600)))
    return "noise.txt", "not valid text in any plausible encoding"


def _nul_bytes(raw, monkeypatch):
    write(raw, "nul.txt", b"The ITU met in Geneva.\x00 It agreed on standards for the networks.\n")
    return "nul.txt", "NUL bytes"


def _fifty_megabytes(raw, monkeypatch):
    with open(raw / "huge.txt", "wb") as handle:   # sparse: no disk used, no line break anywhere
        handle.write(b"word " * 1000)
        handle.truncate(50 * MIB)
    return "huge.txt", f"larger than the {MAX_BYTES // MIB} MiB document limit (50.0 MiB)"


def _one_mib_token(raw, monkeypatch):
    write(raw, "token.txt", b"A" * MIB)
    return "token.txt", f"longer than the {MAX_CHARS:,}-character document limit ({MIB:,} characters)"


def _symlink_outside(raw, monkeypatch):
    secret = raw.parent / "secret.txt"
    secret.write_text("The ITU supports capacity building. Secret outside the raw folder.\n")
    (raw / "link.txt").symlink_to(secret)
    return "link.txt", "symbolic link to a file outside the raw folder (refused)"


def _symlink_to_device(raw, monkeypatch):
    (raw / "zero.txt").symlink_to("/dev/zero")
    return "zero.txt", "symbolic link to a file outside the raw folder (refused)"


def _broken_symlink(raw, monkeypatch):
    (raw / "dangling.txt").symlink_to(raw / "nowhere")
    return "dangling.txt", "broken symbolic link"


def _fifo(raw, monkeypatch):
    os.mkfifo(raw / "pipe.txt")
    return "pipe.txt", "not a regular file"


def _fifo_behind_link(raw, monkeypatch):
    os.mkfifo(raw / "fifo")
    (raw / "piped.txt").symlink_to("fifo")
    return "piped.txt", "not a regular file"


def _name_not_utf8(raw, monkeypatch):
    write(raw, b"caf\xe9.txt", b"The ITU supports capacity building.\n")
    return "caf\\xe9.txt", "file name is not valid UTF-8; rename the file"


def _newline_in_name(raw, monkeypatch):
    write(raw, "two\nlines.txt", b"")
    return "two\\nlines.txt", "empty file"


def _separators_in_name(raw, monkeypatch):
    write(raw, "a\u2028b\u0085c\u2029d\u202eé.txt", b"")   # line breaks for str.splitlines, a bidi override
    return "a\\u2028b\\x85c\\u2029d\\u202eé.txt", "empty file"


def _terminal_escape_in_name(raw, monkeypatch):
    write(raw, "red\x1b[31m\\name.txt", b"")
    return "red\\x1b[31m\\\\name.txt", "empty file"


def _permission_denied(raw, monkeypatch):
    write(raw, "locked.txt", b"The ITU supports capacity building.\n")
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):
        if os.fspath(path).endswith("locked.txt"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)
    monkeypatch.setattr(pipeline.corpus.os, "open", refusing_open)
    return "locked.txt", "permission denied"


REJECTED = [pytest.param(build, id=build.__name__.strip("_")) for build in (
    _png, _pdf, _zip, _empty, _whitespace, _invalid_utf8_noise, _nul_bytes, _fifty_megabytes, _one_mib_token,
    _symlink_outside, _symlink_to_device, _broken_symlink, _fifo, _fifo_behind_link, _name_not_utf8,
    _newline_in_name, _separators_in_name, _terminal_escape_in_name, _permission_denied)]


@pytest.mark.parametrize("build", REJECTED)
def test_rejected_file(build, tmp_path, capsys, monkeypatch, fast_rules, watchdog):
    raw = make_corpus(tmp_path)
    shown, reason = build(raw, monkeypatch)
    out = tmp_path / "out"
    status, lines = run(raw, out, capsys)
    assert status == 1, lines
    assert_one_line_about(lines, shown, reason)
    assert len(lines) == 2 and lines[-1].startswith("1 documents (0 duplicates, 1 rejected)"), lines
    docs = assert_good_document_processed(out)
    assert list(docs["source"]) == ["good.txt"]
    rejects = pd.read_parquet(out / "rejects.parquet")
    assert len(rejects) == 1 and rejects["reason"][0].startswith(reason)
    assert display_name(rejects["source"][0]) == shown
    dataset_state(out)
    assert leftovers(out) == []


def test_run_hashes_read_only_what_documents_may_read(tmp_path, watchdog):
    """The run metadata hashes every input, but never a refused one: /dev/zero would never end."""
    raw = make_corpus(tmp_path)
    _symlink_to_device(raw, None)
    _fifo_behind_link(raw, None)
    with open(raw / "huge.txt", "wb") as handle:
        handle.truncate(50 * MIB)
    hashes = file_hashes(raw, list_documents(raw))
    assert hashes["good.txt"] == hashlib.sha256(GOOD_TEXT.encode()).hexdigest()
    assert hashes["zero.txt"] == "not read: symbolic link to a file outside the raw folder (refused)"
    assert hashes["piped.txt"] == "not read: not a regular file"
    assert hashes["huge.txt"].startswith("not read: larger than the 4 MiB document limit")


def test_fifty_megabytes_keep_memory_bounded(tmp_path):
    """Peak RSS of a real process: normalizing beside a 50 MB file costs no more than without it."""
    raw = make_corpus(tmp_path)
    child = textwrap.dedent("""
        import json, resource, sys
        from pipeline.cli import main
        good_raw, big_raw, out = sys.argv[1:]
        statuses = [main(["normalize", "--raw", good_raw, "--out", out + "/a"])]
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        statuses.append(main(["normalize", "--raw", big_raw, "--out", out + "/b"]))
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({"statuses": statuses, "before_kib": before, "after_kib": after}))
    """)
    big = tmp_path / "big"
    big.mkdir()
    (big / "good.txt").write_text(GOOD_TEXT)
    chunk = b"word" * (MIB // 4)
    with open(big / "huge.txt", "wb") as handle:
        for _ in range(50):
            handle.write(chunk)
    result = subprocess.run([sys.executable, "-c", child, str(raw), str(big), str(tmp_path / "out")],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["statuses"] == [0, 1]
    assert "rejected huge.txt: larger than the 4 MiB document limit" in result.stderr
    growth_mib = (report["after_kib"] - report["before_kib"]) / 1024
    assert growth_mib < 20, f"peak RSS grew by {growth_mib:.0f} MiB beside a 50 MiB file"
    assert report["after_kib"] / 1024 < 1024


# -- accepted oddities: exit 0, no message, decoded as documented ---------------------------------

def test_odd_but_valid_documents_are_processed(tmp_path, capsys, fast_rules):
    raw = make_corpus(tmp_path)
    write(raw, "stray bytes.txt", "Le développement des capacités, la sécurité numérique des réseaux: ".encode()
          + b"\x93ENISA\x94 shares information.\n")
    write(raw, "legacy.txt", "Réunion à Genève: l'ENISA partage des données.\n".encode("cp1252"))
    write(raw, "utf16le.txt", "The European Union Agency for Cybersecurity (ENISA) builds capacity.\n"
          .encode("utf-16-le"))
    write(raw, "utf16be.txt", "INTERPOL shares information with police forces.\n".encode("utf-16-be"))
    combining = "".join(c + "\u0301\u0308\u0323\u0332" for c in "The ITU supports capacity building. " * 40)
    write(raw, "zalgo.txt", ("INTERPOL shares information. " + combining).encode())
    write(raw, "token.txt", b"A" * MAX_CHARS)
    write(raw, "sous-dossier é ж 中.txt", b"The ITU supports capacity building in Africa.\n")
    write(raw, "two\nlines.txt", b"ENISA shares information with CERTs in two lines.\n")
    status, lines = run(raw, tmp_path / "out", capsys)
    assert status == 0, lines
    assert len(lines) == 1 and lines[0].startswith("9 documents (0 duplicates, 0 rejected)"), lines
    docs = assert_good_document_processed(tmp_path / "out").set_index("source")
    assert docs.loc["stray bytes.txt", "encoding"] == "utf-8+cp1252"
    assert "\u201cENISA\u201d" in docs.loc["stray bytes.txt", "text"]
    assert docs.loc["legacy.txt", "encoding"] == "cp1252" and "Genève" in docs.loc["legacy.txt", "text"]
    assert docs.loc["utf16le.txt", "encoding"] == "utf-16" and docs.loc["utf16le.txt", "text"].startswith("The ")
    assert docs.loc["utf16be.txt", "encoding"] == "utf-16"
    assert docs.loc["token.txt", "n_chars"] == MAX_CHARS
    assert "sous-dossier é ж 中.txt" in docs.index and "two\nlines.txt" in docs.index
    mentions = pd.read_parquet(tmp_path / "out" / "mentions.parquet")
    for row in mentions.itertuples():
        assert docs.set_index("doc_id").loc[row.doc_id, "text"][row.start:row.end] == row.text
    found = mentions.merge(docs.reset_index()[["doc_id", "source"]], on="doc_id")
    assert {"enisa"} <= set(found[found["source"] == "utf16le.txt"]["entity_id"])
    assert {"interpol"} <= set(found[found["source"] == "zalgo.txt"]["entity_id"])
    assert leftovers(tmp_path / "out") == []


# -- limits, at their boundaries ------------------------------------------------------------------

def test_size_limit_boundaries(tmp_path):
    at, above = tmp_path / "at.txt", tmp_path / "above.txt"
    at.write_bytes(b"\xff\xfe\x00\x00" + "a".encode("utf-32-le") * (MAX_BYTES // 4 - 1))   # UTF-32: 4 bytes a char
    with open(above, "wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    assert os.path.getsize(at) == MAX_BYTES
    assert read_document(tmp_path, at).reason.startswith("longer than the 1,000,000-character document limit")
    assert read_document(tmp_path, above).reason.startswith("larger than the 4 MiB document limit")
    assert MAX_BYTES >= 4 * MAX_CHARS + 4, "a file under MAX_CHARS characters must never be refused by size"


def test_character_limit_boundaries(tmp_path):
    (tmp_path / "at.txt").write_text("é" * MAX_CHARS, encoding="utf-8")
    (tmp_path / "above.txt").write_text("é" * (MAX_CHARS + 1), encoding="utf-8")
    assert len(read_document(tmp_path, tmp_path / "at.txt").text) == MAX_CHARS
    assert read_document(tmp_path, tmp_path / "above.txt").reason == (
        "longer than the 1,000,000-character document limit (1,000,001 characters); split it into smaller files")


def test_a_file_that_grows_after_its_size_is_checked_is_still_refused(tmp_path, monkeypatch):
    path = tmp_path / "growing.txt"
    path.write_bytes(b"word " * 10)
    real_fstat = os.fstat

    def stale_fstat(fd):   # the size seen before the file grew to 50 bytes
        info = real_fstat(fd)
        return os.stat_result((*info[:6], 10, *info[7:]))
    monkeypatch.setattr(pipeline.corpus.os, "fstat", stale_fstat)
    assert read_document(tmp_path, path, max_bytes=20).reason.startswith("larger than the")


def test_a_document_that_grows_in_normalization(tmp_path, capsys, fast_rules):
    raw = make_corpus(tmp_path)
    write(raw, "grows.txt", ("A" * (MAX_CHARS - 1) + "\u2029").encode())
    status, lines = run(raw, tmp_path / "out", capsys)
    assert status in (0, 1), lines
    assert_good_document_processed(tmp_path / "out")


# -- no input: exit 3; output not writable: exit 4 ------------------------------------------------

@pytest.mark.parametrize("kind", ["missing", "empty", "only hidden or other files", "a file"])
def test_no_input_keeps_the_previous_dataset(kind, tmp_path, capsys, fast_rules):
    out = tmp_path / "out"
    assert run(make_corpus(tmp_path), out, capsys)[0] == 0
    before = dataset_state(out)
    raw = tmp_path / "input\nfolder"
    if kind == "empty":
        raw.mkdir()
    elif kind == "only hidden or other files":
        raw.mkdir()
        (raw / ".hidden.txt").write_text(GOOD_TEXT)
        (raw / ".git").mkdir()
        (raw / ".git" / "notes.txt").write_text(GOOD_TEXT)
        (raw / "notes.md").write_text(GOOD_TEXT)
    elif kind == "a file":
        raw.write_text(GOOD_TEXT)
    status, lines = run(raw, out, capsys)
    assert status == 3
    assert len(lines) == 1 and lines[0].startswith("error: ") and "input\\nfolder" in lines[0], lines
    assert dataset_state(out) == before
    assert leftovers(out) == []


@pytest.mark.parametrize("kind", ["under a file", "is a file"])
def test_output_folder_that_cannot_be_created(kind, tmp_path, capsys, fast_rules):
    (tmp_path / "file.txt").write_text("not a folder")
    out = tmp_path / "file.txt" / "processed" if kind == "under a file" else tmp_path / "file.txt"
    status, lines = run(make_corpus(tmp_path), out, capsys)
    assert status == 4
    reason = ("is a file, not a folder" if kind == "is a file"
              else f"cannot be created: {tmp_path / 'file.txt'} is a file")
    assert lines == [f"error: {out}: the output folder {reason}"]
    assert (tmp_path / "file.txt").read_text() == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "raw"]


CHILD_AS_NOBODY = textwrap.dedent("""
    import json, os, sys
    import ftfy, pandas, pyarrow.parquet, spacy  # imported while the interpreter's own files are readable
    import pipeline.cli, pipeline.extract, pipeline.nlp, pipeline.resolve, pipeline.rules, pipeline.stages
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    raw, writable, locked_out = sys.argv[1:]
    print(json.dumps([pipeline.cli.main(["run", "--raw", raw, "--out", writable, "--workers", "1"]),
                      pipeline.cli.main(["run", "--raw", raw, "--out", locked_out, "--workers", "1"])]))
""")


def test_real_permissions(tmp_path_factory):
    """A file the user cannot read (exit 1) and an output folder the user cannot write (exit 4), for real.

    As root, the child drops to uid 65534 after its imports; in a world-readable
    folder, since pytest's own temporary folders are private to their owner.
    """
    import shutil
    import tempfile
    root = Path(tempfile.mkdtemp(prefix="orgfunctions-perm-"))
    try:
        root.chmod(0o755)
        raw = make_corpus(root)
        raw.chmod(0o755)
        (raw / "good.txt").chmod(0o644)
        write(raw, "locked.txt", b"The ITU supports capacity building.\n")
        (raw / "locked.txt").chmod(0)
        writable, locked_out = root / "writable", root / "locked-out"
        writable.mkdir()
        locked_out.mkdir(mode=0o555)
        locked_out.chmod(0o555)
        if os.geteuid() == 0:
            os.chown(writable, 65534, 65534)
        result = subprocess.run([sys.executable, "-c", CHILD_AS_NOBODY, str(raw), str(writable), str(locked_out)],
                                capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout.splitlines()[-1]) == [1, 4]
        lines = result.stderr.splitlines()
        assert "rejected locked.txt: permission denied" in lines
        assert f"error: {locked_out}: the output folder is not writable (permission denied on {locked_out})" in lines
        assert "Traceback" not in result.stderr
        assert list(pd.read_parquet(writable / "documents.parquet")["source"]) == ["good.txt"]
        assert list(locked_out.iterdir()) == []
    finally:
        shutil.rmtree(root, ignore_errors=True)
