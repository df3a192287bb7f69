"""Start-up cache: the compiled spaCy pipeline, kept on disk between runs.

Compiling the rules (:func:`pipeline.nlp.build_nlp`) tokenizes every name,
acronym and trigger phrase of ``rules/`` into PhraseMatcher patterns. The
result depends only on the rule files and on the code and libraries that
compile them, so it is pickled once and loaded by later runs with the same
inputs (``explain``, small runs, each stage of ``make``).

Key: a sha256 of the rules' :attr:`~pipeline.rules.Rules.fingerprint`, the
versions of spaCy, spacy-lookups-data and this package, the Python version
(pickles of code are version-bound) and the source of the modules that build
the pipeline (:data:`SOURCE_MODULES`). Any change to one of them gives a new
key, so a stale pipeline is never loaded; old entries are pruned
(:data:`KEEP` most recently used stay).

Location: ``$ORGFUNCTIONS_CACHE`` if set (``off`` disables caching), else
``$XDG_CACHE_HOME/orgfunctions`` or ``~/.cache/orgfunctions``.

Why pickle: spaCy pickles a ``Language`` with its components, including the
custom ``anchored_matcher`` and the vocabulary's attribute getters, so the
token norms installed by :func:`pipeline.nlp.blank_english` come back with it
(``token_norm`` is pickled by reference to its module). ``nlp.to_bytes()``
would not do: the anchored matcher has no serializer, and ``from_bytes``
re-tokenizes every pattern, which is slower than building.

The rules are validated on every load (validation is what reports problems
to the rule author); the cache only skips the build. Within one process,
rules already validated from the same unchanged files are reused
(:func:`pipeline.rules.load_rules_reused`). A cache never makes a
run fail: any error reading, checking or writing an entry falls back to
building. A pickle runs code when loaded, so entries are written with mode
0600 into a folder of mode 0700, and a file that another user owns or that
others can write is ignored.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import pickle
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ENV = "ORGFUNCTIONS_CACHE"
OFF = "off"
FORMAT = 1                 # bump when the file layout below changes
MAGIC = b"orgfunctions-nlp-cache\n"
KEEP = 8                   # cache entries kept (most recently used)
SOURCE_MODULES = ("nlp.py", "shapes.py", "names.py", "rules.py", "yamlsafe.py")
_PREFIX, _SUFFIX = "nlp-", ".pickle"
_STALE_TMP_SECONDS = 3600
FROM_ENV = object()        # default of ``directory``: the folder :func:`cache_dir` names

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """What :func:`load` returns: the pipeline, the rules and what the cache did."""

    nlp: object
    rules: object
    status: str              # 'hit', 'built' (and stored), 'built-uncached' or 'off'
    path: Path | None        # the cache entry, when there is a cache folder
    seconds: float           # time spent loading or building the pipeline


def cache_dir() -> Path | None:
    """The cache folder from the environment, or None when caching is off."""
    value = os.environ.get(ENV)
    if value is not None and value.strip():
        if value.strip().lower() == OFF:
            return None
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "orgfunctions"


@functools.lru_cache(maxsize=1)
def source_hash() -> str:
    """sha256 of the source of the modules that build the pipeline."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in SOURCE_MODULES:
        digest.update(name.encode() + b"\0")
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(b"<missing>")
        digest.update(b"\n")
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def key_parts(rules) -> dict:
    """Everything the compiled pipeline depends on (see the module docstring)."""
    import spacy

    try:
        from pipeline import __version__ as version
    except ImportError:  # a stale editable install can shadow the package's __init__
        version = _version("orgfunctions")
    return {
        "format": FORMAT,
        "rules": rules.fingerprint,
        "spacy": spacy.__version__,
        "spacy-lookups-data": _version("spacy-lookups-data"),
        "orgfunctions": version,
        "python": f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}",
        "source": source_hash(),
    }


def cache_key(rules) -> str:
    """The hex key of the pipeline compiled from ``rules``."""
    blob = json.dumps(key_parts(rules), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


def entry_path(directory: Path, key: str) -> Path:
    return Path(directory) / f"{_PREFIX}{key[:40]}{_SUFFIX}"


def load(rules_dir, directory=FROM_ENV) -> Loaded:
    """Validate the rules in ``rules_dir`` and return their pipeline, from the cache if possible.

    Args:
        directory: the cache folder; by default :func:`cache_dir` (the
            environment); None turns caching off.
    Raises:
        pipeline.rules.RuleError: the rule files have problems (never a cache error).
    """
    from pipeline.nlp import build_nlp
    from pipeline.rules import load_rules_reused

    rules = load_rules_reused(rules_dir)   # validated; not read again when this process just did
    if directory is FROM_ENV:
        try:
            directory = cache_dir()
        except (OSError, RuntimeError) as exc:  # no home folder: no cache
            log.debug("no cache folder (%s); building", exc)
            directory = None
    started = time.perf_counter()
    if directory is None:
        return Loaded(build_nlp(rules), rules, "off", None, time.perf_counter() - started)
    try:
        directory = Path(directory)
        key = cache_key(rules)
        path = entry_path(directory, key)
    except Exception as exc:  # noqa: BLE001 - a cache must never make a run fail
        log.debug("no cache key (%s: %s); building", type(exc).__name__, exc)
        return Loaded(build_nlp(rules), rules, "built-uncached", None, time.perf_counter() - started)
    nlp = _read(path, key)
    if nlp is not None:
        _touch(path)
        return Loaded(nlp, rules, "hit", path, time.perf_counter() - started)
    nlp = build_nlp(rules)
    seconds = time.perf_counter() - started
    stored = _write(directory, path, key, nlp)
    if stored:
        _prune(directory, keep=path)
    return Loaded(nlp, rules, "built" if stored else "built-uncached", path, seconds)


def load_nlp_cached(rules_dir, directory=FROM_ENV):
    """``(nlp, rules)`` like :func:`pipeline.nlp.load_nlp`, with the build cached on disk."""
    loaded = load(rules_dir, directory)
    return loaded.nlp, loaded.rules


# -- the entry file: MAGIC, one JSON header line, the pickle ------------------------

def _header(key: str, payload: bytes, nlp) -> bytes:
    header = {"key": key, "sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload),
              "pipes": list(nlp.pipe_names)}
    return json.dumps(header, sort_keys=True).encode() + b"\n"


def _trusted(path: Path) -> bool:
    """Only our own files that nobody else can write are unpickled."""
    st = path.stat()
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        log.debug("cache entry %s belongs to another user: ignored", path)
        return False
    if st.st_mode & 0o022:
        log.debug("cache entry %s is writable by others: ignored", path)
        return False
    return True


def _read(path: Path, key: str):
    """The pipeline stored at ``path`` for ``key``, or None (missing, foreign, corrupt, stale)."""
    from spacy.language import Language
    try:
        if not path.is_file() or not _trusted(path):
            return None
        with open(path, "rb") as handle:
            data = handle.read()
        if not data.startswith(MAGIC):
            raise ValueError("not a cache entry")
        newline = data.index(b"\n", len(MAGIC))
        header = json.loads(data[len(MAGIC):newline])
        payload = data[newline + 1:]
        if header.get("key") != key:
            raise ValueError("entry for another key")
        if header.get("size") != len(payload) or header.get("sha256") != hashlib.sha256(payload).hexdigest():
            raise ValueError("truncated or damaged entry")
        nlp = pickle.loads(payload)  # noqa: S301 - our own file, checked above
        if not isinstance(nlp, Language) or list(nlp.pipe_names) != header.get("pipes"):
            raise ValueError("entry does not hold the expected pipeline")
        return nlp
    except Exception as exc:  # noqa: BLE001 - a cache must never make a run fail
        log.debug("cache entry %s not used (%s: %s); building", path, type(exc).__name__, exc)
        return None


def _write(directory: Path, path: Path, key: str, nlp) -> bool:
    """Store ``nlp`` atomically (temporary file + os.replace); False if it could not be stored."""
    tmp = None
    try:
        payload = pickle.dumps(nlp, protocol=pickle.HIGHEST_PROTOCOL)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{_PREFIX}", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC + _header(key, payload, nlp) + payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        return True
    except Exception as exc:  # noqa: BLE001 - a cache must never make a run fail
        log.debug("cannot store the pipeline in %s (%s: %s)", directory, type(exc).__name__, exc)
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return False


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


def _prune(directory: Path, keep: Path) -> None:
    """Remove all but the :data:`KEEP` most recently used entries, and abandoned temporary files."""
    try:
        entries = sorted(directory.glob(f"{_PREFIX}*{_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in [p for p in entries if p != keep][KEEP - 1:]:
            old.unlink(missing_ok=True)
        now = time.time()
        for tmp in directory.glob(f".{_PREFIX}*.tmp"):
            if now - tmp.stat().st_mtime > _STALE_TMP_SECONDS:
                tmp.unlink(missing_ok=True)
    except OSError as exc:
        log.debug("cannot prune %s (%s)", directory, exc)
