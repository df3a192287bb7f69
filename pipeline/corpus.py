"""Read a folder of raw documents safely.

This is the input edge of the pipeline: it lists the documents, refuses what
must not be read (links that leave the folder, files that are not regular
files, files too large to hold, names that are not text), and turns each file
into decoded text or a rejection with a reason. One bad file never stops the
others.

Limits (see README, "Limits"): a file larger than ``MAX_BYTES`` is refused
from its size alone, before a byte of it is read; a decoded document longer
than ``MAX_CHARS`` characters is refused too: memory and time per document stay
bounded (spaCy's pipeline allows three times that, because normalization can
lengthen a text slightly). Longer texts must be split into several files.
No file larger than ``MAX_BYTES`` can decode to ``MAX_CHARS`` characters or
fewer (the widest encoding read, UTF-32, takes four bytes a character), so
nothing acceptable is refused by size.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pipeline.decode import UndecodableError, decode_bytes

DEFAULT_PATTERNS = ("*.txt",)
MAX_CHARS = 1_000_000           # longer decoded documents are rejected (see the module docstring)
MAX_BYTES = 4 * 1024 * 1024    # larger files are rejected before they are read (4 bytes a character at most)

# Opening flags: never block on a FIFO or device that replaced a file after it was listed, never
# follow a link at the last step of an already resolved path, never leak the descriptor to a child.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
# Characters that would break a one-line message or change how it reads: controls (newline, ESC),
# line and paragraph separators, format characters (bidirectional overrides), lone surrogates
# (bytes of a file name that is not UTF-8) and unassigned code points.
_UNPRINTABLE = {"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"}


class CorpusError(Exception):
    """The corpus as a whole cannot be read (the folder is missing or holds no documents)."""


@dataclass(frozen=True)
class RawDocument:
    doc_id: str
    source: str          # path relative to the raw folder, with '/' separators
    text: str            # decoded, not yet normalized
    encoding: str
    raw_sha256: str


@dataclass(frozen=True)
class Reject:
    source: str
    reason: str


def doc_id_for(source: str) -> str:
    """A stable id from the file's place in the corpus: same file name, same id, in any run order."""
    return hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def display_name(source: str) -> str:
    """A file name (or message) safe to print on one line.

    Newlines and the other characters of ``_UNPRINTABLE`` are written as
    Python escapes (``\\n``, ``\\u2028``, ``\\udcff``) and backslashes are
    doubled, so that the escaped name reads back unambiguously. Names without
    such characters, non-ASCII letters included, are printed as they are.
    """
    if not any(unicodedata.category(c) in _UNPRINTABLE for c in source):
        return source
    return "".join(c.encode("unicode_escape").decode("ascii")
                   if c == "\\" or unicodedata.category(c) in _UNPRINTABLE else c for c in source)


def source_name(raw: Path, path: Path) -> str:
    """The file's name relative to ``raw`` as it is stored in the tables.

    A name that is not valid UTF-8 (Linux allows any bytes) would reach
    Python as lone surrogates, which Parquet cannot store: its undecodable
    bytes are written as ``\\xNN`` instead (see ``read_document``, which
    rejects such files).
    """
    source = Path(path).relative_to(raw).as_posix()
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(source).decode("utf-8", "backslashreplace")
    return source


def list_documents(raw: Path, patterns: tuple[str, ...] = DEFAULT_PATTERNS) -> list[Path]:
    """Document files under ``raw`` in a stable order (hidden files and folders skipped).

    Symbolic links, FIFOs and devices named like documents are listed too, so
    that ``read_document`` can say why each is refused instead of skipping it
    in silence; linked folders are not entered.

    Raises:
        CorpusError: ``raw`` does not exist, is not a folder, or holds no documents.
    """
    raw = Path(raw)
    if not raw.exists():
        raise CorpusError(f"{raw}: the raw folder does not exist")
    if not raw.is_dir():
        raise CorpusError(f"{raw}: not a folder")
    found = set()
    for pattern in patterns:
        for path in raw.rglob(pattern):
            rel = path.relative_to(raw)
            if any(part.startswith(".") for part in rel.parts):
                continue
            if path.is_symlink() or not path.is_dir():
                found.add(path)
    if not found:
        raise CorpusError(f"{raw}: no documents (looked for {', '.join(patterns)})")
    return sorted(found, key=lambda p: p.relative_to(raw).as_posix())


def _too_large(size: int, max_bytes: int) -> str:
    return (f"larger than the {max_bytes / (1024 * 1024):g} MiB document limit ({size / (1024 * 1024):.1f} MiB); "
            "split it into smaller files")


def _open_document(raw: Path, path: Path, max_bytes: int) -> tuple[BinaryIO, int] | str:
    """Open a document for reading, or say why it must not be read.

    The one place that decides what may be read, for the text and for the
    hashes in the run metadata alike: a link that leaves the raw folder, a
    FIFO or a device would otherwise be read (or block) while hashing.
    The type and the size come from the opened descriptor, so a file swapped
    after it was listed cannot slip past the checks.
    """
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        if path.is_symlink():
            return "broken symbolic link"
        return f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
    if path.is_symlink() or real != path.absolute():
        try:
            real.relative_to(Path(raw).resolve())
        except ValueError:
            return "symbolic link to a file outside the raw folder (refused)"
    try:
        fd = os.open(real, _OPEN_FLAGS)
    except PermissionError:
        return "permission denied"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link changed while being read (refused)"
        return f"cannot be read ({exc.strerror or exc})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            return "not a regular file"
        if info.st_size > max_bytes:
            os.close(fd)
            return _too_large(info.st_size, max_bytes)
        return os.fdopen(fd, "rb"), info.st_size
    except OSError as exc:
        os.close(fd)
        return f"cannot be read ({exc.strerror or exc})"


def read_document(raw: Path, path: Path, max_bytes: int = MAX_BYTES,
                  max_chars: int = MAX_CHARS) -> RawDocument | Reject:
    """Read and decode one file, or say why it cannot be used."""
    raw = Path(raw)
    source = source_name(raw, path)
    if source != Path(path).relative_to(raw).as_posix():
        return Reject(source, "file name is not valid UTF-8; rename the file")
    opened = _open_document(raw, path, max_bytes)
    if isinstance(opened, str):
        return Reject(source, opened)
    handle, _ = opened
    try:
        with handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return Reject(source, f"cannot be read ({exc.strerror or exc})")
    if len(data) > max_bytes:   # the file grew after its size was checked
        return Reject(source, _too_large(len(data), max_bytes))
    if not data:
        return Reject(source, "empty file")
    try:
        decoded = decode_bytes(data)
    except UndecodableError as exc:
        return Reject(source, exc.reason)
    if not decoded.text.strip():
        return Reject(source, "no text (whitespace only)")
    if len(decoded.text) > max_chars:
        return Reject(source, f"longer than the {max_chars:,}-character document limit "
                              f"({len(decoded.text):,} characters); split it into smaller files")
    return RawDocument(doc_id_for(source), source, decoded.text, decoded.encoding,
                       hashlib.sha256(data).hexdigest())


def file_hashes(raw: Path, paths: list[Path], max_bytes: int = MAX_BYTES) -> dict[str, str]:
    """sha256 of every input file (for the run id and the Parquet footer).

    A file that must not be read (see ``_open_document``) is not hashed: its
    value says why, so that the metadata still lists every input.
    """
    raw = Path(raw)
    out = {}
    for path in paths:
        source = source_name(raw, path)
        opened = _open_document(raw, path, max_bytes)
        if isinstance(opened, str):
            out[source] = f"not read: {opened}"
            continue
        handle, _ = opened
        try:
            digest = hashlib.sha256()
            with handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            out[source] = digest.hexdigest()
        except OSError:
            out[source] = "unreadable"
    return out


def check_output_folder(out: Path) -> None:
    """Fail early, before any work, when the output folder cannot be written.

    Raises:
        NotADirectoryError: ``out`` or the nearest existing folder above it is a file.
        PermissionError: that folder cannot be written.
    """
    out = Path(out)
    probe_dir = out if out.exists() else next((p for p in out.parents if p.exists()), Path("."))
    if not probe_dir.is_dir():
        what = "is a file, not a folder" if probe_dir == out else f"cannot be created: {probe_dir} is a file"
        raise NotADirectoryError(f"{out}: the output folder {what}")
    if not os.access(probe_dir, os.W_OK | os.X_OK):
        raise PermissionError(f"{out}: the output folder is not writable (permission denied on {probe_dir})")
