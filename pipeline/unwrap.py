r"""Join the lines of hard-wrapped paragraphs, so that phrases and names split by a line end match.

Text copied from PDFs, e-mails and plain-text reports is often wrapped at a
fixed width: "information\nsharing", "supported by the\nInternational
Telecommunication Union", "capacity build-\ning". spaCy keeps a line break as a
token of its own, so no phrase, name or pattern matches across one, and the
structure stage reads each line as a unit: on the development and held-out
passages wrapped at 72 columns, three quarters of the links were lost.

A line break between two non-blank lines, neither of them indented, is a soft
one, and becomes a space, when the next line does not open with a list or
question marker and

* the next line starts with a lowercase letter and the line before ends with a
  letter, a digit or one of ``,);%`` ("information\nsharing"), or
* the line before ends with a comma or a function word ("by the\nInternational
  Telecommunication Union"), or
* the next line opens a bracket right after a word ("the International
  Telecommunication Union\n(ITU)"), or
* the next line starts with a capital, and the line before ends with a word, is
  full (the next line's first word would not have fitted on it at the width of
  the next line), at least ``_PROSE_LENGTH`` characters long, and holds at
  least ``_PROSE_SIGNS`` lowercase words and commas together: prose, not a
  heading ("... work closely with the International\nTelecommunication Union").

A word hyphenated at the line end ("build-\ning", "Telecommunica-\ntion")
loses its hyphen when the joined word is an English word (spaCy's English
lookup lemmas); otherwise only the line break goes ("well-\nknown",
"capacity-\nbuilding", "ASEAN-\nSingapore" keep their hyphens).

Breaks after a sentence end or a colon, and after a short or heading-like line
before a capital, stay: they are headings, lead-ins and list items as often as
wrapped prose, and a sentence end is a segment boundary either way.

Lines already joined count as one line for the next decision, and a joined
next line is only longer, so the result is a fixed point: unwrapping
unwrapped text changes nothing. Words are compared
after folding look-alike letters (``pipeline.homoglyphs``), because this step
runs before the homoglyph repair, whose decisions look at whole lines.
"""
from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from pathlib import Path

from pipeline.homoglyphs import confusable_table

Edit = tuple[int, int, str]

# A line that opens a list item or a question or answer: "- ", "• ", "3. ", "(b) ", "(iv) ", "Q: ".
_MARKER = re.compile(r"(?:[-*+•–—·▪◦‣]|\d{1,3}[.)]|\(?(?:[A-Za-z]|[ivxIVX]{1,4}|\d{1,3})\)|[QA]\d*[.:)])(?:\s|$)")
# A line break before text. (A lookbehind for the character before it would make the regular
# expression engine try every position of the text instead of scanning for line breaks.)
_BREAK_BEFORE_TEXT = re.compile(r"\n(?=\S)")
_HARD_ENDS = ".!?:;"
_WORD_END = re.compile(r"[^\W\d_]+$")
_WORD_START = re.compile(r"[^\W\d_]+")
_CONTINUING_PUNCTUATION = ",);%"
_PROSE_LENGTH = 40
_PROSE_SIGNS = 2

# Words that cannot end a sentence or a heading: a line ending in one goes on.
_FUNCTION_WORDS = frozenset(
    """a an the of for and or nor but in on at to by with from as than that which who whose whom its their
    his her our your my into onto upon under over between among amongst via per such including include
    includes like is are was were be been being has have had will would can could may might should must
    shall not also both either neither this these those""".split()
)


def may_need_unwrapping(text: str) -> bool:
    """A cheap test: does ``text`` hold a line break that could be soft (text on both sides, and
    no sentence end, colon or semicolon before it)?"""
    for match in _BREAK_BEFORE_TEXT.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        if not before.isspace() and before not in _HARD_ENDS:
            return True
    return False


def unwrap_edits(text: str) -> list[Edit]:
    """Edits ``(start, end, replacement)`` that join the soft line breaks of ``text`` (see the module)."""
    if not may_need_unwrapping(text):
        return []
    edits: list[Edit] = []
    line_start = 0
    # The current line, with the lines already joined to it: length, prose signs, last word.
    merged_length, merged_signs, merged_tail = 0, 0, ""
    joined = None                        # how the break before the current physical line was joined
    while True:
        end = text.find("\n", line_start)
        line = text[line_start:] if end < 0 else text[line_start:end]
        length, signs, words = len(line), _prose_signs(line), line.split()
        tail = words[-1] if words else ""
        if joined is None:
            merged_length, merged_signs, merged_tail = length, signs, tail
        else:
            added, merged_words = joined
            merged_length += length + added
            merged_signs += signs - merged_words
            # A word rejoined across the break ("informa-" + "tion") may be the line's last word.
            merged_tail = merged_tail[:len(merged_tail) + added] + tail if added <= 0 and len(words) == 1 else tail
        if end < 0:
            return edits
        following_end = text.find("\n", end + 1)
        following = text[end + 1:] if following_end < 0 else text[end + 1:following_end]
        joined = None
        if line and following and not line[-1].isspace() and not following[0].isspace() \
                and _MARKER.match(following) is None:
            joined = _join(end, line, following, merged_length, merged_signs, merged_tail, edits)
        line_start = end + 1


def _join(at: int, line: str, following: str, merged_length: int, merged_signs: int, merged_tail: str,
          edits: list[Edit]) -> tuple[int, int] | None:
    """Join the break at ``at`` when it is soft, appending the edit. Returns how the two lines
    combine: (characters added, lowercase words glued to the word before), or None for a hard
    break. Added characters are -1 or 0 exactly when two words were glued into one."""
    last, first = line[-1], following[0]
    if last == "-" and len(line) > 1 and line[-2].isalnum() and first.isalnum():
        left, right = _WORD_END.search(line[:-1]), _WORD_START.match(following)
        lowercase = int(first.islower())
        if lowercase and left is not None and right is not None and _fold(left.group() + right.group()) in _words():
            edits.append((at - 1, at + 1, ""))     # "build-\ning" -> "building"
            return -1, lowercase
        edits.append((at, at + 1, ""))             # "well-\nknown", "ASEAN-\nSingapore" keep their hyphens
        return 0, lowercase
    if first.islower() and (last.isalnum() or last in _CONTINUING_PUNCTUATION):
        soft = True
    elif last == "," or _fold(merged_tail) in _FUNCTION_WORDS:
        soft = True
    elif first == "(" and last.isalnum():
        soft = True
    else:
        # A wrapped line is full: the next line's first word would not have fitted on it, at the
        # width the next line shows. A heading is shorter ("Key objectives\nEC3 was tasked ...").
        first_word = following.split(None, 1)[0]
        soft = first.isupper() and last.isalnum() and merged_length >= _PROSE_LENGTH \
            and merged_signs >= _PROSE_SIGNS and merged_length + 1 + len(first_word) > len(following)
    if not soft:
        return None
    edits.append((at, at + 1, " "))
    return 1, 0


def _prose_signs(line: str) -> int:
    """Lowercase words and commas: a heading has few of either."""
    return sum(1 for word in line.split() if word[:1].islower()) + line.count(",")


def _fold(word: str) -> str:
    """A word in lower case with look-alike letters folded to Latin."""
    return word.translate(_fold_table()).lower()


@lru_cache(maxsize=1)
def _fold_table() -> dict:
    return str.maketrans(confusable_table())


@lru_cache(maxsize=1)
def _words() -> frozenset:
    """English words, inflected forms included: the keys and values of spaCy's lookup lemmas."""
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        table = json.load(handle)
    return frozenset(word.lower() for pair in table.items() for word in pair if isinstance(word, str))
