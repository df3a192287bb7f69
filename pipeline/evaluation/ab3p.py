"""Score an acronym-definition finder on the Ab3P MED1250 gold set.

The set (Sohn et al. 2008, BMC Bioinformatics 9:402; public domain) is biomedical, but
introducing an abbreviation in parentheses is the same act in any domain, so it is an
honest external check on a detector built for organization names.

Run ``python -m pipeline.evaluation.ab3p [PATH] [--errors N]``.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.acronyms import find_definitions

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "tests" / "data" / "ab3p" / "MED1250_labeled"

# Exact (short, long) pair figures as published, for context next to our own line.
PUBLISHED = (
    ("Schwartz & Hearst 2003 (their 1,000-abstract set)", 0.95, 0.82),
    ("Ab3P, Sohn et al. 2008 (this set)", 0.965, 0.832),
)

_ID_LINE = re.compile(r"\d+")

Pair = tuple[str, str]
Finder = Callable[[str], Iterable[Pair]]


@dataclass(frozen=True, slots=True)
class Record:
    """One abstract with its gold pairs (deduplicated, as the published count of 1,203 is)."""

    id: str
    title: str
    abstract: str
    gold: frozenset[Pair]

    @property
    def text(self) -> str:
        """The string the detector sees: title and abstract joined by one space."""
        return f"{self.title} {self.abstract}"


@dataclass(frozen=True, slots=True)
class Score:
    """Micro-averaged counts over all records; pairs match only if both strings are equal."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def decode(raw: bytes) -> list[str]:
    """Split the file into lines the way its authors meant them.

    Bare carriage returns are sentence breaks inside an abstract, not line ends, so they
    become spaces before splitting; universal newlines would cut most abstracts short.
    The bytes are cp1252 (a few curly quotes in annotator comments).
    """
    return raw.replace(b"\r", b" ").decode("cp1252", errors="replace").split("\n")


def parse_lines(lines: Iterable[str]) -> list[Record]:
    """Group lines into records keyed by their PubMed id line.

    Blank lines cannot delimit records: two abstracts contain blank lines, after which
    their id is repeated before the rest of the text. A repeated id therefore continues
    the earlier record. Lines starting with ``//`` are annotator comments, including
    ``//*  SHORT|LONG`` pairs the annotators struck out, so they are not gold.
    """
    titles: dict[str, str | None] = {}
    parts: dict[str, list[str]] = {}
    gold: dict[str, set[Pair]] = {}
    current: str | None = None
    for line in lines:
        stripped = line.strip()
        if _ID_LINE.fullmatch(stripped):
            current = stripped
            if current not in titles:
                titles[current] = None
                parts[current] = []
                gold[current] = set()
            continue
        if current is None or line.startswith("//"):
            continue
        if line.startswith("  ") and "|" in line:
            short, _, long = stripped.partition("|")
            gold[current].add((short.strip(), long.strip()))
        elif titles[current] is None:
            titles[current] = stripped
        elif stripped:
            parts[current].append(stripped)
    return [
        Record(key, titles[key] or "", " ".join(parts[key]), frozenset(gold[key]))
        for key in titles
    ]


def load_records(path: str | Path = DEFAULT_PATH) -> list[Record]:
    """Read the MED1250 file into records, handling the traps described in its README."""
    return parse_lines(decode(Path(path).read_bytes()))


def predictions(record: Record, finder: Finder = find_definitions) -> set[Pair]:
    """The distinct pairs the finder reports for one record."""
    return set(finder(record.text))


def score(records: Iterable[Record], finder: Finder = find_definitions) -> Score:
    """Exact pair matching per record, summed over the set."""
    tp = fp = fn = 0
    for record in records:
        found = predictions(record, finder)
        tp += len(found & record.gold)
        fp += len(found - record.gold)
        fn += len(record.gold - found)
    return Score(tp, fp, fn)


def errors(
    records: Iterable[Record], finder: Finder = find_definitions
) -> tuple[list[tuple[str, Pair]], list[tuple[str, Pair]]]:
    """False positives and false negatives as (record id, pair), in file order."""
    false_pos: list[tuple[str, Pair]] = []
    false_neg: list[tuple[str, Pair]] = []
    for record in records:
        found = predictions(record, finder)
        false_pos += [(record.id, pair) for pair in sorted(found - record.gold)]
        false_neg += [(record.id, pair) for pair in sorted(record.gold - found)]
    return false_pos, false_neg


def summary(result: Score, n_records: int) -> str:
    """One line, stable enough to paste into a changelog."""
    return (
        f"ab3p MED1250: {n_records} records  tp={result.tp} fp={result.fp} fn={result.fn}  "
        f"P={result.precision:.3f} R={result.recall:.3f} F1={result.f1:.3f}"
    )


def main(argv: list[str] | None = None) -> int:
    """Print our line, the published figures beside it, and optionally an error sample."""
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.evaluation.ab3p", description=__doc__.splitlines()[0]
    )
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH), help="MED1250_labeled file")
    parser.add_argument(
        "--errors", type=int, default=0, metavar="N", help="show N false positives and negatives"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for the error sample")
    args = parser.parse_args(argv)

    records = load_records(args.path)
    result = score(records)
    print(summary(result, len(records)))
    for name, p, r in PUBLISHED:
        f1 = 2 * p * r / (p + r)
        print(f"  published  {name}: P={p:.3f} R={r:.3f} F1={f1:.3f}")
    if args.errors > 0:
        false_pos, false_neg = errors(records)
        rng = random.Random(args.seed)
        for label, items in (("false positives", false_pos), ("false negatives", false_neg)):
            sample = sorted(rng.sample(items, min(args.errors, len(items))))
            print(f"\n{label} ({len(items)}, showing {len(sample)}):")
            for record_id, (short, long) in sample:
                print(f"  {record_id}  {short!r} -> {long!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
