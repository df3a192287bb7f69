"""Odd but realistic inputs: documents and corpora at the edges of what the README promises."""
from __future__ import annotations

import errno
import re
from pathlib import Path

from pipeline import stages
from pipeline.cli import main
from pipeline.structure import MAX_SENTENCE_CHARS, segment
from pipeline.write import OutputError, write_parquet
from tests.conftest import GOOD_TEXT, RULES

TABLES = ("documents", "mentions", "organizations", "org_functions")

# A document on one line with no sentence end (a period followed by a capital): one "sentence".
ENDLESS = ("The ITU supports capacity building, and ENISA shares information with CERTs; " * 600)[:40_000]


def run(raw: Path, out: Path, *options: str) -> int:
    return main(["run", "--raw", str(raw), "--out", str(out), "--rules", str(RULES), *options])


def same_tables(a: Path, b: Path) -> None:
    for name in TABLES:
        assert (a / f"{name}.parquet").read_bytes() == (b / f"{name}.parquet").read_bytes(), name


def test_a_line_without_sentence_ends_is_cut_into_bounded_sentences():
    segments = segment(ENDLESS)
    assert len(segments) > 1
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in segments)
    covered = "".join(ENDLESS[s.start:s.end] for s in segments)
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", ENDLESS)   # every character but spaces, once, in order
    assert all(ENDLESS[s.end - 1] == ";" for s in segments[:-1])       # cut after a semicolon where there is one


def test_links_of_an_endless_line_carry_bounded_evidence(extract):
    result = extract(ENDLESS)
    assert ("itu", "capacity_building") in {(link.org_key, link.function_id) for link in result.links}
    assert all(link.sentence_end - link.sentence_start <= MAX_SENTENCE_CHARS for link in result.links)


def test_a_run_that_fails_after_extraction_does_not_poison_the_next_one(tmp_path, monkeypatch, fast_rules):
    raw, out, fresh = tmp_path / "raw", tmp_path / "out", tmp_path / "fresh"
    raw.mkdir()
    (raw / "a.txt").write_text(GOOD_TEXT)
    (raw / "b.txt").write_text("INTERPOL trains police officers in Lyon.\n")
    assert run(raw, out) == 0
    (raw / "0.txt").write_text(GOOD_TEXT)   # a.txt is now a duplicate of 0.txt: not extracted in this run

    def full_disk(table, path, *args, **kwargs):
        if Path(path).name == "extract_index.parquet":
            raise OutputError(errno.ENOSPC, f"cannot write {path}: No space left on device")
        return write_parquet(table, path, *args, **kwargs)
    monkeypatch.setattr(stages, "write_parquet", full_disk)
    assert run(raw, out) == 4
    monkeypatch.setattr(stages, "write_parquet", write_parquet)
    (raw / "0.txt").unlink()                # a.txt is a document of its own again, as in the first run
    assert run(raw, out) == 0
    assert run(raw, fresh) == 0
    same_tables(out, fresh)


def test_the_tokenizer_splits_like_spacy_and_long_punctuation_runs_do_not_hang(watchdog):
    """spaCy's suffix search scanned the whole remaining string once per stripped suffix: a run of 40,000
    brackets did not finish. The search now reads only the string's end (pipeline.nlp.TailSearch)."""
    import spacy

    from pipeline.nlp import blank_english

    ours, stock = blank_english(), spacy.blank("en")
    for text in ["(((ITU))) ... e.g. the U.S. 5km $5 it's \"x\" [y] end.", "=" * 600, "." * 600 + " end",
                 "CERT-EU's (CSIRTs), ENISA’s; cyber-security!?", "(" * 300 + "ITU" + ")" * 300]:
        assert [t.text for t in ours.make_doc(text)] == [t.text for t in stock.make_doc(text)], text[:40]
    doc = ours.make_doc("(" * 20_000 + "ITU" + ")" * 20_000)
    assert [t.text for t in doc][20_000] == "ITU" and len(doc) == 40_001


def test_hyphenated_co_words_are_one_token_with_the_norm_of_the_plain_word():
    """"co-operation between" is found by the phrase "cooperation between"; other hyphens split as before."""
    from pipeline.nlp import blank_english

    nlp = blank_english()
    doc = nlp.make_doc("(Co-operation), co-ordinated and co-operates; cooperation, co-pilot.")
    assert [t.text for t in doc] == ["(", "Co-operation", ")", ",", "co-ordinated", "and", "co-operates", ";",
                                     "cooperation", ",", "co", "-", "pilot", "."]
    assert doc[1].norm_ == doc[8].norm_ == "cooperation"
    assert doc[4].norm_ == nlp.make_doc("coordinated")[0].norm_
    assert doc[6].norm_ == nlp.make_doc("cooperates")[0].norm_
