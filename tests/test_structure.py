"""Headings, paragraph leads, questions and sentences of real document layouts."""
from __future__ import annotations

from pipeline.structure import ANSWER, BODY, HEADING, LEAD, QUESTION, is_heading_line, segment, split_sentences


def kinds(text):
    return [(s.kind, text[s.start:s.end]) for s in segment(text)]


def test_numbered_heading_scopes_following_paragraphs():
    text = "2. Capacity Building and Training:\n\nThe UNODC trains officials.\nIt also runs workshops.\n"
    segs = segment(text)
    assert segs[0].kind == HEADING and text[segs[0].start:segs[0].end] == "2. Capacity Building and Training:"
    assert all(s.scope == 0 for s in segs[1:]) and len(segs) == 3


def test_paragraph_lead():
    text = "Information Sharing: Effective information sharing is crucial. It enables detection."
    out = kinds(text)
    assert out[0] == (LEAD, "Information Sharing:")
    assert out[1] == (BODY, "Effective information sharing is crucial.")


def test_question_scopes_its_answer_until_the_next_question():
    text = ("Q. How do institutions promote information sharing?\n\nAns. They build platforms.\n\n"
            "Q. How do they build capacity?\n\nAns. Through training.")
    segs = segment(text)
    assert [s.kind for s in segs] == [QUESTION, ANSWER, QUESTION, ANSWER]
    assert segs[1].scope == 0 and segs[3].scope == 2
    assert text[segs[1].start:segs[1].end] == "They build platforms."


def test_sentences_respect_abbreviations():
    text = "The U.S. Department of State, e.g. the CISA, works. The ITU acts! Dr. Smith left."
    spans = [text[a:b] for a, b in split_sentences(text, 0, len(text))]
    assert spans == ["The U.S. Department of State, e.g. the CISA, works.", "The ITU acts!", "Dr. Smith left."]


def test_body_sentences_are_not_headings():
    assert not is_heading_line("International institutions play a vital role.")
    assert not is_heading_line("the quick brown fox jumps over the lazy dog")
    assert is_heading_line("Facilitating Cooperation And Coordination")
    assert is_heading_line("II. Norms")


def test_footnote_number_after_a_sentence_does_not_glue_sentences():
    text = "They convened a workshop titled “Cyberspace and Geopolitics.”1 It brought together experts."
    spans = [text[a:b] for a, b in split_sentences(text, 0, len(text))]
    assert spans == ["They convened a workshop titled “Cyberspace and Geopolitics.”1", "It brought together experts."]
