r"""Join the lines of hard-wrapped paragraphs, so that phrases and names split by a line end match.

Text copied from PDFs, e-mails and plain-text reports is often wrapped at a
fixed width: "information\nsharing", "supported by the\nInternational
Telecommunication Union", "capacity build-\ning". spaCy keeps a line break as a
token of its own, so no phrase, name or pattern matches across one, and the
structure stage reads each line as a unit: on the development and held-out
passages wrapped at 72 columns, seven links in ten were lost.

A line break between two non-blank lines, the second not indented, is a soft
one, and becomes a space (or goes, after a line that ends in spaces), when the next line does not open with a list,
quotation, heading or question marker, the two lines are not rows of a table
(both with aligned columns or dot leaders), and

* the next line starts with a lowercase letter and the line before ends with a
  letter, a digit, one of ``,)%`` or a closing quote ("information\nsharing"),
  or with a full stop (an abbreviation: "e.g.\nmalware"), or
* the line before ends with a function word ("by the\nInternational
  Telecommunication Union"), or with a comma after at least ``_PROSE_LENGTH``
  characters (not "Dear Dr. Smith,\nI am writing"), or
* the next line opens a bracket right after a word ("the International
  Telecommunication Union\n(ITU)"), or
* the next line starts with a capitalized word that is no function word or
  pronoun (those open sentences: a title before "The ITU is ..."), and the line
  before ends with a word, is full (the next line's first word would not have
  fitted on it at the width of the next line), at least ``_PROSE_LENGTH``
  characters long, and holds a lowercase word that is no function word, a comma
  or a bracket: prose, not a heading or a name ("... work closely with the
  International\nTelecommunication Union").

A word hyphenated at the line end ("build-\ning", "Telecommunica-\ntion",
"ORGANIZA-\nTION") loses its hyphen when the joined word is written that way
elsewhere in the document, or, unless the document writes it with the hyphen,
when it is an English word (spaCy's English lookup lemmas and lemma index) or
neither half is one ("Cyberse-\ncurity"); otherwise only the line break goes
("well-\nknown", "capacity-\nbuilding", "non-\ngovernmental", "ASEAN-\nSingapore" keep
their hyphens).

Breaks after a sentence end, a colon or a semicolon, and after a short or
heading-like line before a capital, stay: they are headings, lead-ins and list
items as often as wrapped prose, and a sentence end is a segment boundary
either way.

Lines already joined count as one line for the next decision, and a joined
next line is only longer, so the result is a fixed point: unwrapping
unwrapped text changes nothing. Words are compared after folding look-alike
letters (``pipeline.homoglyphs``), because this step runs before the homoglyph
repair, whose decisions look at whole lines.
"""
from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.homoglyphs import fold_look_alikes

Edit = tuple[int, int, str]

# A line that opens a list item, a quotation, a heading, a question or an answer: "- ", "• ",
# "3. ", "b) ", "(iv) ", "> ", "## ", "Q: ", "Question 2: ", "Answer: " (and PDF symbol-font bullets).
_MARKER = re.compile(
    r"(?:[-*+•–—·▪◦‣➢►■□✓✔>]|#{1,6}|[\uf000-\uf0ff]|\d{1,3}[.)]|(?:[^\W\d_]|[ivxIVX]{1,4})[.)]"
    r"|\((?:[^\W\d_]|[ivxIVX]{1,4}|\d{1,3})\)|[QA]\d*[.:)]|Question\s*\d*[.:]|Ans(?:wer)?\s*\d*[.:)])(?:\s|$)")
# A gap between aligned columns, or dot leaders: a row of a table or of a table of contents.
_COLUMNS = re.compile(r"[^\s.!?:] {2,}\S|\t|\.{4,}")     # (two spaces after a sentence are no gap)
# A line break before text. (A lookbehind for the character before it would make the regular
# expression engine try every position of the text instead of scanning for line breaks.)
_BREAK_BEFORE_TEXT = re.compile(r"\n(?=\S)")
_HARD_ENDS = ".!?:;"
_WORD_END = re.compile(r"[^\W\d_]+$")
_WORD_START = re.compile(r"[^\W\d_]+")
_DOCUMENT_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_CONTINUING_PUNCTUATION = ",)%\"”’'"
_PROSE_LENGTH = 40
_PROSE_SIGNS = 1
_TAIL = 64           # characters of a line's end that its last word is read from

# Words that cannot end a sentence or a heading: a line ending in one goes on.
_FUNCTION_WORDS = frozenset(
    """a an the of for and or nor but in on at to by with from as than that which who whose whom its their
    his her our your my into onto upon under over between among amongst via per such including include
    includes like is are was were be been being has have had will would can could may might should must
    shall not also both either neither this these those""".split()
)
# Capitalized, these open a sentence rather than continue a name.
_SENTENCE_OPENERS = _FUNCTION_WORDS | frozenset("it we they he she i you there here".split())


@dataclass
class _Line:
    """The output line so far: a physical line with the lines already joined to it."""

    length: int
    signs: int          # lowercase content words, commas and brackets (see _prose_signs)
    tail: str           # its last word, or the last _TAIL characters of it
    head: str           # the first character of its last word
    columns: bool       # a part of it has aligned columns


def may_need_unwrapping(text: str) -> bool:
    """A cheap test: does ``text`` hold a line break that could be soft (text on both sides, and
    no sentence end, colon or semicolon before it, unless a lowercase letter follows a full stop)?"""
    for match in _BREAK_BEFORE_TEXT.finditer(text):
        at = match.start()
        end = at
        while end > 0 and text[end - 1] in " \t":
            end -= 1         # a line may end in spaces ("format=flowed" mail, text copied from PDFs)
        before = text[end - 1] if end else "\n"
        if before != "\n" and (before not in _HARD_ENDS or before == "." and text[at + 1].islower()):
            return True
    return False


def unwrap_edits(text: str) -> list[Edit]:
    """Edits ``(start, end, replacement)`` that join the soft line breaks of ``text`` (see the module)."""
    if not may_need_unwrapping(text):
        return []
    edits: list[Edit] = []
    vocabulary = _Vocabulary(text)
    current: _Line | None = None
    joined = None                   # how the break before the physical line was joined: (added, signs, glued)
    line_start = 0
    while True:
        end = text.find("\n", line_start)
        line = text[line_start:] if end < 0 else text[line_start:end]
        words = line.split()
        last_word = words[-1] if words else ""
        if joined is None or current is None:
            current = _Line(len(line), _prose_signs(line), last_word[-_TAIL:], last_word[:1],
                            bool(_COLUMNS.search(line)))
        else:
            added, signs, glued = joined
            current.length += len(line) + added
            current.signs += _prose_signs(line) + signs
            if glued and len(words) == 1:
                # The line is one word, rejoined to the last one ("informa-" + "tion"): that goes on.
                current.tail = (current.tail[:len(current.tail) + added] + last_word)[-_TAIL:]
            else:
                current.tail, current.head = last_word[-_TAIL:], last_word[:1]
            current.columns = current.columns or bool(_COLUMNS.search(line))
        if end < 0:
            return edits
        following_end = text.find("\n", end + 1)
        following = text[end + 1:] if following_end < 0 else text[end + 1:following_end]
        joined = None
        stripped = line.rstrip(" \t")
        if stripped and following and not stripped[-1].isspace() and not following[0].isspace() \
                and _MARKER.match(following) is None \
                and not (current.columns and _COLUMNS.search(following)):
            joined = _join(end, stripped, len(line) - len(stripped), following, current, vocabulary, edits)
        line_start = end + 1


def _join(at: int, line: str, trailing: int, following: str, current: _Line, vocabulary: _Vocabulary,
          edits: list[Edit]) -> tuple[int, int, bool] | None:
    """Join the break at ``at`` when it is soft, appending the edit. ``line`` is the physical line
    without the ``trailing`` spaces it ends in. Returns how the two lines combine: (characters
    added, change in prose signs beyond the next line's own, whether the last word of the line and
    the first of the next were glued into one), or None for a hard break."""
    last, first = line[-1], following[0]
    if last == "-" and not trailing and len(line) > 1 and line[-2].isalnum() and first.isalnum():
        left, right = _WORD_END.search(line[-_TAIL:-1]), _WORD_START.match(following)
        dehyphenate = left is not None and right is not None and vocabulary.closed(left.group(), right.group())
        edits.append((at - 1, at + 1, "") if dehyphenate else (at, at + 1, ""))   # "build-\ning", "well-\nknown"
        right_word = following.split(None, 1)[0]
        glued = (current.tail[:-1] if dehyphenate else current.tail) + right_word
        signs = _word_sign(glued, current.head) - _word_sign(current.tail, current.head) - _word_sign(right_word)
        return (-1 if dehyphenate else 0), signs, True
    first_word = following.split(None, 1)[0]
    if first.islower() and (last.isalnum() or last in _CONTINUING_PUNCTUATION or last == "."):
        soft = True
    elif last == ",":
        soft = first.islower() or current.length >= _PROSE_LENGTH
    elif current.head.islower() and _fold(current.tail) in _FUNCTION_WORDS:
        soft = True      # ("Annex A\nList of ...", "12 May\nDear ...": capitalized, they end headings and dates)
    elif first == "(" and last.isalnum():
        soft = True
    else:
        # A wrapped line is full: the next line's first word would not have fitted on it, at the
        # width the next line shows. A heading is shorter ("Key objectives\nEC3 was tasked ...").
        soft = first.isupper() and last.isalnum() and current.length >= _PROSE_LENGTH \
            and current.signs >= _PROSE_SIGNS and current.length + 1 + len(first_word) > len(following) \
            and (first_word.isupper() or _fold(first_word.strip("\"“‘'(")) not in _SENTENCE_OPENERS)
    if not soft:
        return None
    if trailing:
        edits.append((at, at + 1, ""))         # "with the \nUnited Nations": the space is there
        return 0, 0, False
    edits.append((at, at + 1, " "))
    return 1, 0, False


def _prose_signs(line: str) -> int:
    """Lowercase content words, commas and brackets: a heading or a name has none of them."""
    return sum(_word_sign(word) for word in line.split()) + line.count(",") + line.count("(")


def _word_sign(word: str, head: str | None = None) -> int:
    """1 for a lowercase word that is no function word. ``head`` is its first character when
    ``word`` is only its end."""
    return int((word[:1] if head is None else head).islower()
               and _fold(word.strip(".,;:!?\"“”‘’'()")) not in _FUNCTION_WORDS)


class _Vocabulary:
    """Decides whether a word hyphenated at a line end is one word ("informa-\ntion") or two."""

    def __init__(self, text: str):
        self.text = text
        self._document = None

    def closed(self, left: str, right: str) -> bool:
        """Write ``left`` + ``right`` without the hyphen? Lowercase continuations only, or all capitals."""
        capitals = left.isupper() and right.isupper()
        if not (right.islower() or capitals):
            return False
        if self._document is None:
            self._document = frozenset(_fold(word) for word in _DOCUMENT_WORDS.findall(self.text))
        hyphenated, joined = _fold(f"{left}-{right}"), _fold(left + right)
        if joined in self._document:
            return True
        if hyphenated in self._document:
            return False
        words = _words()
        # A known word ("building"), or two halves neither of which is a word ("Cyberse-curity");
        # in capitals only a known word ("ORGANIZA-TION", not "OSCE-ODIHR").
        return joined in words or not capitals and _fold(left) not in words and _fold(right) not in words


def _fold(word: str) -> str:
    """A word in lower case with look-alike letters folded to Latin."""
    return fold_look_alikes(word).lower()


@lru_cache(maxsize=1)
def _words() -> frozenset:
    """English words: the forms and lemmas of spaCy's lookup lemmas, and the words of its lemma index."""
    import spacy_lookups_data

    data = Path(spacy_lookups_data.__file__).parent / "data"
    with gzip.open(data / "en_lemma_lookup.json.gz", "rt", encoding="utf-8") as handle:
        lookup = json.load(handle)
    with gzip.open(data / "en_lemma_index.json.gz", "rt", encoding="utf-8") as handle:
        index = json.load(handle)
    words = {word for pair in lookup.items() for word in pair if isinstance(word, str)}
    words.update(word for entries in index.values() for word in entries if isinstance(word, str))
    return frozenset(word.lower() for word in words)
