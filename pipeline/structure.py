"""Split a document into sentences and find the structure that scopes them.

Extraction links an organization to a function not only inside one sentence
but through the heading it stands under ("2. Capacity Building and Training:"),
a paragraph lead ("Information Sharing: ..."), or the question its paragraph
answers ("Q. How do institutions promote information sharing? Ans. ...").
This module finds those units with regular expressions over the normalized
text: it is pure, cheap, and needs no statistical model.

Known limits: a one-line paragraph in Title Case that is really a sentence
fragment may be taken for a heading; headings in ALL CAPS are recognized only
when they are short.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

HEADING, LEAD, QUESTION, ANSWER, BODY = "heading", "lead", "question", "answer", "body"

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*")
_LINE = re.compile(r"[^\n]+")
_NUMBERED = re.compile(r"^\s*(?:#{1,6}\s+|(?:\d{1,2}(?:\.\d{1,2})*|[IVXivx]{1,4}|[A-Za-z])[.)]\s+)")
_LEAD = re.compile(
    r"^\s*((?:\d{1,2}[.)]\s+)?[A-Z][\w'’-]*(?:[ \t]+(?:[A-Z][\w'’-]*|and|of|for|the|in|on|to|&)){0,7}):[ \t]+(?=\S)")
# A footnote number may follow the final punctuation: 'titled "Cyberspace."1 It ...'.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?:(?<=[\"'”’)\]])\d{1,3})?(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|vs|cf|al|approx|art|arts|fig|figs|mr|mrs|ms|dr|prof|st|inc|ltd|co|corp|jr|sr|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|para|paras|vol|ed|eds|op|pp|p)|\b[A-Z]|\b(?:[A-Z]\.)+[A-Z])$",
    re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
# Longer spans without a sentence end (a document on one line with no period followed by a capital)
# are cut into pieces: linking pairs every organization of a sentence with every function of it and
# each link carries its sentence, so one endless sentence costs time and memory quadratic in its
# length. Real sentences are far shorter (the longest in tests/data has 579 characters).
MAX_SENTENCE_CHARS = 2000
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to",
                "with", "vs", "via", "&"}


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence, heading, question or answer sentence, with what scopes it.

    ``scope`` is the index of the heading, lead or question segment whose
    topic applies to this segment, or -1.
    """

    start: int
    end: int
    kind: str
    paragraph: int
    scope: int = -1


def is_heading_line(line: str) -> bool:
    """A short line without final punctuation, numbered or in Title Case.

    >>> is_heading_line("2. Capacity Building and Training:")
    True
    >>> is_heading_line("Facilitating Cooperation And Coordination")
    True
    >>> is_heading_line("International institutions play a vital role.")
    False
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 120 or stripped[-1] in ".!?;,":
        return False
    words = _WORD.findall(stripped)
    if not words or len(words) > 14:
        return False
    if _NUMBERED.match(stripped):
        return True
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    if not content:
        return False
    capitalized = sum(1 for w in content if w[0].isupper())
    return capitalized / len(content) >= 0.75 and (len(words) >= 2 or stripped.endswith(":"))


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]`` (one line or one paragraph).

    A period ends a sentence when a capital, digit or opening quote follows
    and the word before it is not a known abbreviation or an initial.
    """
    spans, cursor = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        before = text[max(cursor, match.start() - 12):match.start()]
        if match.group().startswith(".") and _ABBREVIATION.search(before):
            continue
        spans.append((cursor, match.end()))
        cursor = match.end()
        while cursor < end and text[cursor].isspace():
            cursor += 1
    if cursor < end:
        spans.append((cursor, end))
    return [(s, _rstrip(text, s, e)) for start, stop in spans for s, e in _bounded(text, start, stop)
            if text[s:e].strip()]


def _bounded(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``MAX_SENTENCE_CHARS``, each cut after its last
    semicolon, else its last colon, else its last comma, else its last space (mid-word only
    when a piece has none)."""
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = -1
        for mark in (";", ":", ",", " "):
            found = text.rfind(mark, start + MAX_SENTENCE_CHARS // 2, limit - 1)
            if found >= 0:
                cut = found + 1
                break
        if cut < 0:
            cut = limit
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


QUESTION_MARKERS = (r"^(?:Q\d*[.:)]|Question\s*\d*[.:])\s*",)
ANSWER_MARKERS = (r"^(?:A(?:ns(?:wer)?)?\s*\d*[.:)])\s*",)


def segment(text: str, question_markers: tuple[str, ...] = (), answer_markers: tuple[str, ...] = ()) -> list[Segment]:
    """Segments of a document in order, each with its kind and scope.

    Headings and paragraph leads scope every following segment up to the next
    heading or lead; a question scopes the paragraphs that answer it, up to
    the next question or heading.
    """
    questions = [re.compile(p) for p in question_markers or QUESTION_MARKERS]
    answers = [re.compile(p) for p in answer_markers or ANSWER_MARKERS]
    segments: list[Segment] = []
    scope = -1
    for p_index, para in enumerate(_PARAGRAPH.finditer(text)):
        p_start, p_end = para.start(), _rstrip(text, para.start(), para.end())
        first_line = text[p_start:p_end].split("\n", 1)[0]
        question = next((m for m in (q.match(first_line) for q in questions) if m), None)
        answer = next((m for m in (a.match(first_line) for a in answers) if m), None)
        if question:
            q_start = p_start + question.end()
            for s, e in split_sentences(text, q_start, p_end):
                segments.append(Segment(s, e, QUESTION, p_index, -1))
            scope = len(segments) - 1
            continue
        if answer:
            body_start = p_start + answer.end()
            for s, e in split_sentences(text, body_start, p_end):
                segments.append(Segment(s, e, ANSWER, p_index, scope))
            continue
        for line in _LINE.finditer(text, p_start, p_end):
            l_start, l_end = line.start(), _rstrip(text, line.start(), line.end())
            if l_start >= l_end:
                continue
            line_text = text[l_start:l_end]
            if is_heading_line(line_text):
                segments.append(Segment(l_start + (len(line_text) - len(line_text.lstrip())), l_end, HEADING,
                                        p_index, -1))
                scope = len(segments) - 1
                continue
            lead = _LEAD.match(line_text) if l_start == p_start else None
            body_start = l_start
            if lead and len(_WORD.findall(lead.group(1))) <= 8:
                segments.append(Segment(l_start + (len(line_text) - len(line_text.lstrip())),
                                        l_start + lead.end(1) + 1, LEAD, p_index, -1))
                scope = len(segments) - 1
                body_start = l_start + lead.end()
            for s, e in split_sentences(text, body_start, l_end):
                segments.append(Segment(s, e, BODY, p_index, scope))
    return segments
