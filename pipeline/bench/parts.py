"""Where the time goes: each part of the per-document work as a multiple of spaCy's tokenizer.

Usage: ``python -m pipeline.bench.parts [--mb 5] [--raw raw]`` (``make bench-parts``).

:mod:`pipeline.bench.corpus` gives one figure, the whole pipeline's throughput
against the tokenizer alone. This script splits the per-document work of that
figure so a change can be aimed and its effect read: on a synthetic corpus
built the same way, in one process, it times

* decoding and normalization (:func:`pipeline.normalize.normalize`), and apart from them the
  MinHash signatures of near-duplicate detection (:func:`pipeline.dedup.signature`);
* spaCy's tokenizer (``nlp.make_doc``): the unit every other line is counted in;
* each component of the rule pipeline, one at a time, over the same Docs;
* :func:`pipeline.extract.extract_document` on those Docs (everything after
  spaCy), with the time of its largest callees (linking, acronym definitions,
  organization shapes, context names, segmentation) measured inside it.

Resolution and writing work on the extracted tables, not per document; the
full run of :mod:`pipeline.bench.corpus` includes them. Every part keeps its
inputs in memory here (the pipeline itself streams), so use a corpus of a few
megabytes. Figures, not assertions: machines are noisy.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import sys
import tempfile
import time
from pathlib import Path

# Callees of extract_document timed inside it: (module, function) as extract.py imports them.
INNER = [
    ("pipeline.extract", "link_document", "linking"),
    ("pipeline.extract", "find_definition_spans", "acronym definitions"),
    ("pipeline.extract", "find_shaped_names", "organization shapes"),
    ("pipeline.extract", "find_context_names", "context names"),
    ("pipeline.extract", "segment", "segmentation"),
]


@contextlib.contextmanager
def timed_callees(spec: list[tuple[str, str, str]]):
    """Replace each named function by a wrapper that adds its time to the dict yielded."""
    import importlib

    totals = {label: 0.0 for _, _, label in spec}
    saved = []
    for module_name, name, label in spec:
        module = importlib.import_module(module_name)
        real = getattr(module, name)

        def wrapper(*args, _real=real, _label=label, **kwargs):
            start = time.perf_counter()
            try:
                return _real(*args, **kwargs)
            finally:
                totals[_label] += time.perf_counter() - start
        saved.append((module, name, real))
        setattr(module, name, wrapper)
    try:
        yield totals
    finally:
        for module, name, real in saved:
            setattr(module, name, real)


def measure_parts(folder: Path, rules_dir: Path) -> tuple[int, list[tuple[str, float]]]:
    """(words, [(part, seconds)]) for the documents in ``folder``, in the order the pipeline runs them."""
    from pipeline.decode import decode_bytes
    from pipeline.dedup import signature
    from pipeline.extract import Context, extract_document
    from pipeline.nlp import load_nlp
    from pipeline.normalize import normalize

    nlp, rules = load_nlp(rules_dir)
    ctx = Context.build(rules, nlp)
    raw = [path.read_bytes() for path in sorted(folder.glob("*.txt"))]
    parts = []

    gc.collect()
    gc.freeze()                      # as the pipeline does: the loaded rules are never collected
    start = time.perf_counter()
    texts = [normalize(decode_bytes(data).text).text for data in raw]
    parts.append(("decode and normalize", time.perf_counter() - start))
    start = time.perf_counter()
    for text in texts:
        signature(text)
    parts.append(("MinHash signatures (near-duplicates)", time.perf_counter() - start))
    words = sum(len(text.split()) for text in texts)

    start = time.perf_counter()
    docs = [nlp.make_doc(text) for text in texts]
    parts.append(("spaCy tokenizer", time.perf_counter() - start))
    for name, component in nlp.pipeline:
        start = time.perf_counter()
        for doc in docs:
            component(doc)
        parts.append((f"spaCy component {name}", time.perf_counter() - start))

    extract_document(texts[0], ctx, docs[0])        # first-use tables (lemma lookups, compiled cues)
    with timed_callees(INNER) as inner:
        start = time.perf_counter()
        for text, doc in zip(texts, docs):
            extract_document(text, ctx, doc)
        total = time.perf_counter() - start
    parts.append(("extract_document (after spaCy)", total))
    for label, seconds in inner.items():
        parts.append((f"  of which {label}", seconds))
    parts.append(("  of which the rest of extraction", total - sum(inner.values())))
    gc.unfreeze()
    return words, parts


def report(words: int, parts: list[tuple[str, float]], out=sys.stdout) -> None:
    tokenizer = dict(parts)["spaCy tokenizer"]
    print(f"{'part':<40}{'seconds':>9}{'words/s':>13}{'x tokenizer':>13}", file=out)
    for name, seconds in parts:
        rate = f"{words / seconds:>13,.0f}" if seconds > 0 else f"{'-':>13}"
        print(f"{name:<40}{seconds:>9.2f}{rate}{seconds / tokenizer:>13.2f}", file=out)
    top = sum(seconds for name, seconds in parts if not name.startswith(" "))
    print(f"{'all parts':<40}{top:>9.2f}{words / top:>13,.0f}{top / tokenizer:>13.2f}", file=out)
    print(f"the per-document work runs at {tokenizer / top:.3f} times the tokenizer's throughput "
          f"({words:,} words; resolution and writing come on top)", file=out)


def main(argv: list[str] | None = None) -> int:
    from pipeline.bench.corpus import build_corpus, sentences

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=5.0, help="corpus size in megabytes (default 5)")
    parser.add_argument("--raw", type=Path, default=Path("raw"))
    parser.add_argument("--rules", type=Path, default=Path("rules"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="orgfunctions-parts-") as tmp:
        corpus = Path(tmp) / "corpus"
        n_docs = build_corpus(corpus, args.mb, sentences(args.raw), seed=1)
        print(f"corpus: {args.mb:g} MB, {n_docs} documents", file=sys.stderr)
        words, parts = measure_parts(corpus, args.rules)
    report(words, parts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
