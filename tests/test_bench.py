"""The benchmark scripts run end to end on a tiny corpus and print every figure they promise.

They print measurements, never compare them with a threshold: these tests
check what is printed and that the synthetic corpus is what the README says,
not how fast anything is.
"""
from __future__ import annotations

import io
import re
from contextlib import redirect_stdout

import pipeline.extract
from pipeline.bench import corpus, parts
from tests.conftest import RAW, RULES


def test_synthetic_corpus_varies_names_and_defines_acronyms(tmp_path):
    pool = corpus.sentences(RAW)
    n = corpus.build_corpus(tmp_path, 0.05, pool, seed=1)
    texts = [p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("*.txt"))]
    assert n == len(texts) >= 2
    assert sum(len(t.encode()) for t in texts) >= 0.05e6
    definitions = re.findall(r"The ((?:[A-Z][a-z]+ )+[A-Z][a-z]+) \(([A-Z]+\d)\)", "".join(texts))
    assert len({name for name, _ in definitions}) > 3, "generated organization names should vary"
    for name, acronym in definitions:
        assert acronym[:-1] == "".join(word[0] for word in name.split()).upper()
    # The same seed gives the same corpus; another seed another.
    again = tmp_path / "again"
    corpus.build_corpus(again, 0.05, pool, seed=1)
    assert [p.read_text(encoding="utf-8") for p in sorted(again.glob("*.txt"))] == texts
    other = tmp_path / "other"
    corpus.build_corpus(other, 0.05, pool, seed=2)
    assert sorted(other.glob("*.txt"))[0].read_text(encoding="utf-8") != texts[0]


def test_timed_callees_time_the_real_function_and_put_it_back():
    real = pipeline.extract.segment
    with parts.timed_callees([("pipeline.extract", "segment", "segmentation")]) as totals:
        assert pipeline.extract.segment is not real
        segments = pipeline.extract.segment("The ITU sets standards. ENISA trains.")
        assert totals["segmentation"] > 0
    assert pipeline.extract.segment is real
    assert len(segments) == 2


def test_parts_report_lists_every_part_against_the_tokenizer(tmp_path):
    corpus.build_corpus(tmp_path, 0.03, corpus.sentences(RAW), seed=3)
    words, measured = parts.measure_parts(tmp_path, RULES)
    names = [name for name, _ in measured]
    assert names[:3] == ["decode and normalize", "MinHash signatures (near-duplicates)", "spaCy tokenizer"]
    assert {"spaCy component anchored_matcher", "spaCy component function_phrase_ruler",
            "extract_document (after spaCy)", "  of which linking", "  of which acronym definitions"} <= set(names)
    assert all(seconds >= 0 for _, seconds in measured)
    out = io.StringIO()
    parts.report(words, measured, out)
    lines = out.getvalue().splitlines()
    tokenizer_line = next(line for line in lines if line.startswith("spaCy tokenizer"))
    assert tokenizer_line.split()[-1] == "1.00"          # the unit of the last column
    assert len(lines) == len(measured) + 3
    assert re.match(r"the per-document work runs at \d\.\d{3} times the tokenizer's throughput", lines[-1])


def test_corpus_benchmark_prints_both_sizes_and_the_workers_line(tmp_path):
    out = io.StringIO()
    with redirect_stdout(out):
        assert corpus.main(["--mb", "0.05", "--scale", "2", "--workers", "2", "--raw", str(RAW)]) == 0
    text = out.getvalue()
    rows = {line.split()[0]: line.split() for line in text.splitlines() if line.split()[:1] in (["small"], ["large"])}
    assert set(rows) == {"small", "large"}
    small_words, large_words = (int(rows[k][2].replace(",", "")) for k in ("small", "large"))
    assert 1.6 < large_words / small_words < 2.4
    assert re.search(r"large/small: words x\d\.\d\d, pipeline time x\d+\.\d\d, peak RSS x\d+\.\d\d", text)
    assert re.search(r"2 workers on the small corpus: [\d,]+ w/s, x\d+\.\d\d the one-process throughput", text)
