"""Read a folder of raw documents safely.

This is the input edge of the pipeline: it lists the documents, refuses what
must not be read (links that leave the folder, files too large to hold), and
turns each file into decoded text or a rejection with a reason. One bad file
never stops the others.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.decode import UndecodableError, decode_bytes

DEFAULT_PATTERNS = ("*.txt",)
MAX_BYTES = 16 * 1024 * 1024   # larger documents are rejected before they are read (see README: Limits)


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
    """A file name safe to print on one line (newlines and control characters escaped)."""
    return source.encode("unicode_escape", "backslashreplace").decode("ascii") \
        if any(ord(c) < 32 or ord(c) == 127 for c in source) else source


def list_documents(raw: Path, patterns: tuple[str, ...] = DEFAULT_PATTERNS) -> list[Path]:
    """Document files under ``raw`` in a stable order (hidden files and folders skipped).

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
            if path.is_file() or path.is_symlink():
                found.add(path)
    if not found:
        raise CorpusError(f"{raw}: no documents (looked for {', '.join(patterns)})")
    return sorted(found, key=lambda p: p.relative_to(raw).as_posix())


def read_document(raw: Path, path: Path, max_bytes: int = MAX_BYTES) -> RawDocument | Reject:
    """Read and decode one file, or say why it cannot be used."""
    raw = Path(raw)
    source = path.relative_to(raw).as_posix()
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return Reject(source, "broken symbolic link")
    if path.is_symlink() or real != path.absolute():
        try:
            real.relative_to(raw.resolve())
        except ValueError:
            return Reject(source, "symbolic link to a file outside the raw folder (refused)")
    if not real.is_file():
        return Reject(source, "not a regular file")
    try:
        size = real.stat().st_size
        if size > max_bytes:
            return Reject(source, f"larger than the {max_bytes // (1024 * 1024)} MiB document limit "
                                  f"({size / (1024 * 1024):.1f} MiB); split it into smaller files")
        with open(real, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except PermissionError:
        return Reject(source, "permission denied")
    except OSError as exc:
        return Reject(source, f"cannot be read ({exc.strerror or exc})")
    if not data:
        return Reject(source, "empty file")
    try:
        decoded = decode_bytes(data)
    except UndecodableError as exc:
        return Reject(source, exc.reason)
    if not decoded.text.strip():
        return Reject(source, "no text (whitespace only)")
    return RawDocument(doc_id_for(source), source, decoded.text, decoded.encoding,
                       hashlib.sha256(data).hexdigest())


def file_hashes(raw: Path, paths: list[Path]) -> dict[str, str]:
    """sha256 of every input file (for the run id and the Parquet footer)."""
    out = {}
    for path in paths:
        source = path.relative_to(raw).as_posix()
        try:
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            out[source] = digest.hexdigest()
        except OSError:
            out[source] = "unreadable"
    return out


def check_output_folder(out: Path) -> None:
    """Fail early, before any work, when the output folder cannot be written."""
    out = Path(out)
    probe_dir = out if out.exists() else next((p for p in out.parents if p.exists()), Path("."))
    if not os.access(probe_dir, os.W_OK | os.X_OK):
        raise PermissionError(f"{out}: the output folder is not writable")
