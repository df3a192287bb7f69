"""Benchmark the whole pipeline against spaCy's tokenizer alone, on two corpus sizes.

Usage: ``python -m pipeline.bench.corpus [--mb 20] [--scale 4] [--workers 2] [--raw raw]``
(``make bench``). It builds two synthetic corpora from the documents in
``raw/`` (their sentences shuffled into new documents, with generated
organization names, acronym definitions and acronym uses, so matches are not
all identical): ``--mb`` megabytes and ``--scale`` times that. For each it
runs, every measurement in a fresh process so peak memory is its own:

* the floor: ``nlp.tokenizer.pipe`` over the same texts (what every spaCy
  pipeline pays);
* the full pipeline end to end (normalize, extract, link, resolve, write) in
  one process; on the smaller corpus also with ``--workers`` processes.

It prints words per second, the pipeline/tokenizer ratio, peak RSS, and the
ratios between the two sizes. Standard library and the project's own
dependencies only; figures, not assertions (machines are noisy).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

PLACES = ["Baltic", "Andean", "Sahel", "Pacific", "Nordic", "Caspian", "Danube", "Mekong", "Atlas", "Alpine",
          "Adriatic", "Caribbean", "Arctic", "Horn", "Great Lakes", "Levant", "Balkan", "Himalayan"]
THEMES = ["Cyber Resilience", "Digital Security", "Incident Response", "Cybercrime", "Network Defence",
          "Information Integrity", "Critical Infrastructure", "Data Protection"]
HEADS = ["Agency", "Council", "Centre", "Network", "Institute", "Forum", "Initiative", "Alliance", "Commission"]
ACTIONS = ["shares threat intelligence with member states", "trains law enforcement officials",
           "develops international standards", "funds research and development projects",
           "conducts joint investigations", "facilitates dialogue and cooperation between countries",
           "provides technical assistance to national CERTs", "coordinates incident response"]

_TOKENIZER = """
import json, resource, sys, time
from pathlib import Path
import spacy
nlp = spacy.blank("en")
paths = sorted(Path(sys.argv[1]).glob("*.txt"))
texts = (p.read_text(encoding="utf-8") for p in paths)
words = 0
start = time.perf_counter()
for doc in nlp.tokenizer.pipe(texts, batch_size=64):
    words += len(doc.text.split())
seconds = time.perf_counter() - start
print(json.dumps({"words": words, "seconds": seconds,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_PIPELINE = """
import json, resource, sys, time
from pipeline.cli import main
start = time.perf_counter()
code = main(["run", "--raw", sys.argv[1], "--out", sys.argv[2], "--workers", sys.argv[3]])
seconds = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"code": code, "seconds": seconds, "rss_mb": own + (children if int(sys.argv[3]) > 1 else 0)}))
"""


def sentences(raw: Path) -> list[str]:
    from pipeline.decode import decode_bytes
    from pipeline.normalize import normalize_text

    out = []
    for path in sorted(raw.glob("*.txt")):
        text = normalize_text(decode_bytes(path.read_bytes()).text)
        out += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 5]
    return out


def build_corpus(folder: Path, megabytes: float, pool: list[str], seed: int) -> int:
    """Write documents of ~40 shuffled sentences each until the corpus reaches ``megabytes``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    size, n = 0, 0
    while size < megabytes * 1e6:
        picked = rng.sample(pool, min(40, len(pool)))
        for _ in range(3):
            name = f"{rng.choice(PLACES)} {rng.choice(THEMES)} {rng.choice(HEADS)}"
            acronym = "".join(w[0] for w in name.split()).upper() + str(rng.randrange(10))
            picked.insert(rng.randrange(len(picked)), f"The {name} ({acronym}) {rng.choice(ACTIONS)}.")
            picked.insert(rng.randrange(len(picked)), f"The {acronym} also {rng.choice(ACTIONS)}.")
        paragraphs = [" ".join(picked[k:k + 4]) for k in range(0, len(picked), 4)]
        text = "\n\n".join(paragraphs) + "\n"
        (folder / f"doc{n:06d}.txt").write_text(text, encoding="utf-8")
        size += len(text.encode())
        n += 1
    return n


def measure(script: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                            env={**__import__("os").environ, "ORGFUNCTIONS_NO_PROGRESS": "1"})
    if result.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=20.0, help="size of the smaller corpus (default 20)")
    parser.add_argument("--scale", type=float, default=4.0, help="the larger corpus is this many times bigger")
    parser.add_argument("--workers", type=int, default=2, help="workers for the parallel run (default 2)")
    parser.add_argument("--raw", type=Path, default=Path("raw"))
    args = parser.parse_args(argv)

    pool = sentences(args.raw)
    rows = {}
    with tempfile.TemporaryDirectory(prefix="orgfunctions-bench-") as tmp:
        tmp = Path(tmp)
        for label, mb, seed in (("small", args.mb, 1), ("large", args.mb * args.scale, 2)):
            corpus = tmp / label
            n_docs = build_corpus(corpus, mb, pool, seed)
            tokenizer = measure(_TOKENIZER, str(corpus))
            full = measure(_PIPELINE, str(corpus), str(tmp / f"{label}-out"), "1")
            rows[label] = {"mb": mb, "docs": n_docs, "words": tokenizer["words"], "tokenizer": tokenizer, "full": full}
            print(f"built and measured {label}: {mb:.0f} MB, {n_docs} documents", file=sys.stderr)
        parallel = measure(_PIPELINE, str(tmp / "small"), str(tmp / "small-out-par"), str(args.workers))

    print(f"{'corpus':<8}{'MB':>6}{'words':>12}{'tokenizer w/s':>16}{'pipeline w/s':>15}{'ratio':>8}"
          f"{'tok RSS MB':>12}{'pipe RSS MB':>13}")
    for label, row in rows.items():
        words = row["words"]
        tok = words / row["tokenizer"]["seconds"]
        full = words / row["full"]["seconds"]
        print(f"{label:<8}{row['mb']:>6.0f}{words:>12,}{tok:>16,.0f}{full:>15,.0f}{full / tok:>8.3f}"
              f"{row['tokenizer']['rss_mb']:>12.0f}{row['full']['rss_mb']:>13.0f}")
    small, large = rows["small"], rows["large"]
    one = small["words"] / small["full"]["seconds"]
    many = small["words"] / parallel["seconds"]
    print(f"large/small: words x{large['words'] / small['words']:.2f}, pipeline time "
          f"x{large['full']['seconds'] / small['full']['seconds']:.2f}, peak RSS "
          f"x{large['full']['rss_mb'] / small['full']['rss_mb']:.2f}")
    print(f"{args.workers} workers on the small corpus: {many:,.0f} w/s, x{many / one:.2f} the one-process "
          f"throughput (peak RSS {parallel['rss_mb']:.0f} MB, parent + largest worker)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
