"""Time ``normalize`` against ``ftfy.fix_text`` on the same text in the same run.

Usage: ``python -m pipeline.bench.normalize [--mb 20] [--repeat 3] [FILE ...]``
(default files: ``raw/*.txt``). Documents are decoded with ``decode_bytes``,
repeated until the corpus reaches ``--mb`` megabytes of UTF-8, and each
function is called once per document, as the pipeline calls it. Three corpora
are timed: all documents; only the documents that hold homoglyphs (fair to
ftfy, whose cost grows with non-ASCII text); and pure ASCII text (the
documents after normalization, non-ASCII characters dropped). Each figure is
the best of ``--repeat`` runs. The goal is a ratio of at most 1.5.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

import ftfy

from pipeline.decode import UndecodableError, decode_bytes
from pipeline.normalize import normalize

DEFAULT_RAW = Path("raw")


def _load(paths: list[Path]) -> list[str]:
    texts = []
    for path in paths:
        try:
            texts.append(decode_bytes(path.read_bytes()).text)
        except UndecodableError as error:
            print(f"skip {path}: {error.reason}", file=sys.stderr)
    return [t for t in texts if t]


def _corpus(texts: list[str], megabytes: float) -> tuple[list[str], int]:
    corpus, size = [], 0
    while size < megabytes * 1e6:
        for text in texts:
            corpus.append(text)
            size += len(text.encode("utf-8"))
    return corpus, size


def _best_of(function: Callable[[str], object], corpus: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for text in corpus:
            function(text)
        best = min(best, time.perf_counter() - start)
    return best


def _report(label: str, texts: list[str], megabytes: float, repeat: int) -> None:
    corpus, size = _corpus(texts, megabytes)
    ftfy_time = _best_of(ftfy.fix_text, corpus, repeat)
    ours_time = _best_of(normalize, corpus, repeat)
    mb = size / 1e6
    print(f"{label:<34} {mb:6.1f} MB  ftfy.fix_text {mb / ftfy_time:8.2f} MB/s  "
          f"normalize {mb / ours_time:8.2f} MB/s  normalize/ftfy time {ours_time / ftfy_time:5.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in megabytes (default 20)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure, best kept (default 3)")
    args = parser.parse_args(argv)

    paths = args.files or sorted(DEFAULT_RAW.glob("*.txt"))
    texts = _load(paths)
    if not texts:
        print("no documents to time", file=sys.stderr)
        return 1
    normalize(texts[0])  # build the homoglyph table outside the timings

    _report(f"all documents ({len(texts)})", texts, args.mb, args.repeat)
    spoofed = [t for t in texts if normalize(t).counts()["homoglyph"]]
    if spoofed:
        _report(f"documents with homoglyphs ({len(spoofed)})", spoofed, args.mb, args.repeat)
    ascii_texts = [normalize(t).text.encode("ascii", "ignore").decode("ascii") for t in texts]
    _report("pure ASCII", ascii_texts, args.mb, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
