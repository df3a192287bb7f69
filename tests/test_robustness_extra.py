"""Odd but realistic inputs: documents and corpora at the edges of what the README promises."""
from __future__ import annotations

import re

from pipeline.structure import MAX_SENTENCE_CHARS, segment

# A document on one line with no sentence end (a period followed by a capital): one "sentence".
ENDLESS = ("The ITU supports capacity building, and ENISA shares information with CERTs; " * 600)[:40_000]


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
