"""Repair decoded text so rules can match it, and record every change made.

``normalize`` runs a fixed, flat list of small steps (textacy-style). Each
step reads the previous step's output and returns edits ``(start, end,
replacement)``; the edits are composed into one list of ``Change`` records
that map the output back to the input exactly, so a span found in the
normalized text can be traced to the raw document (``Normalized.raw_span``).
Pure-ASCII text without control characters or soft line breaks is returned as it is.

Order of the steps, and why:

1. ``control`` (C0): remove C0 controls other than TAB, LF, the line breaks
   CR, VT, FF, and ESC; and DEL. First, so that a stray control character
   inside a mojibake sequence does not hide it from ftfy.
2. ``mojibake``: ftfy (``FTFY_CONFIG``), line by line, only on lines that
   could need it. Before every step that rewrites non-ASCII characters:
   mojibake is made of C1 controls, no-break spaces and soft hyphens that
   those steps would delete or rewrite before ftfy could read them.
3. ``newline``: CRLF, CR, VT, FF and U+2028 become LF (Unicode treats all of
   them as mandatory breaks, UAX #14); U+2029 PARAGRAPH SEPARATOR becomes a
   blank line, which is how paragraphs are marked downstream. After ftfy,
   because a repaired sequence can decode to U+2028.
4. ``control``: remove the C0 and C1 controls that remain. ftfy has already
   turned C1 characters into their cp1252 meaning (so U+0085 becomes "…",
   not a line break); the five bytes cp1252 leaves undefined go here.
5. ``invisible``: remove zero-width and other default-ignorable format
   characters (``_INVISIBLE``). Before the homoglyph step, so that
   ``I\u200bT\u200bU`` is one word when it is examined.
6. ``space``: no-break and other odd-width spaces become U+0020.
7. ``wrap``: join the lines of hard-wrapped paragraphs (``pipeline.unwrap``):
   a soft line break becomes a space (or goes, after a line that ends in
   spaces), a word hyphenated at a line end is rejoined. After the newline step, which leaves only LF; before the
   homoglyph step, whose decisions look at whole lines.
8. ``homoglyph``: fold Cyrillic and Greek look-alikes (``pipeline.homoglyphs``).
   Last, because it decides by whole words and their neighbours.

A later step that edits inside an earlier step's replacement extends that
change; the merged change takes the first of its kinds in ``KINDS`` order.
If a later step turns a line into one ftfy would now repair (a removed
control character joining the two halves of a mojibake pair), the steps run
again on the output, so that normalizing twice gives the same text as
normalizing once.

Decisions:

* NFC is applied nowhere. Canonical equivalence changes no meaning, NFC fits
  none of the recorded change kinds, and applying it only to the lines ftfy
  rewrites would make a document's normalization form depend on whether one
  of its lines held mojibake. Decomposed accents therefore stay decomposed.
* Runs of spaces are not collapsed and tabs are kept: offsets stay simple and
  layout (indented lists, aligned tables) stays readable to the structure stage.
* U+3000 IDEOGRAPHIC SPACE is kept: it is a full-width character whose width
  matters in CJK layout, just as ftfy's fix_character_width is off below.

Known limits: ftfy's heuristic can "repair" text that really contains a
mojibake-like sequence, and misses mojibake it has no rule for. Its changes
are recorded per run of non-ASCII characters when the repair kept the line's
ASCII characters (the usual case), else per block of a character diff
(``difflib``), which can group two neighbouring repairs into one change; a
differing stretch longer than ``_MAX_DIFF`` characters is one change.
"""
from __future__ import annotations

import difflib
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Callable

import ftfy
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES, is_bad

from pipeline.homoglyphs import homoglyph_edits
from pipeline.unwrap import may_need_unwrapping, unwrap_edits

KINDS = ("mojibake", "homoglyph", "invisible", "space", "wrap", "newline", "control")
_KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS)}

Edit = tuple[int, int, str]

# ftfy configuration, one decision per option:
# - unescape_html off: documents may legitimately contain "&amp;"; markup is the
#   extraction stage's concern.
# - remove_terminal_escapes on: ANSI colour codes in pasted logs are never content.
# - fix_encoding, restore_byte_a0, replace_lossy_sequences, decode_inconsistent_utf8
#   on: together they are the mojibake repair, including the common case of one
#   mis-decoded quote in otherwise correct text; an unrecoverable sequence
#   becomes U+FFFD rather than staying as letter-like garbage.
# - fix_c1_controls on: C1 characters in text are cp1252 bytes read as Latin-1.
# - fix_latin_ligatures on: PDF extraction leaves "ﬁ"/"ﬂ", which hide words
#   ("ﬁnancial") from matching.
# - fix_character_width off: full-width Latin and digits are ordinary typography
#   in Chinese and Japanese text.
# - uncurl_quotes off: curly quotes are correct typography (and "’" is what
#   repairing "â€™" should give).
# - fix_line_breaks off: the newline step records line-break changes itself.
# - fix_surrogates on: surrogate pairs from JSON or UTF-16 mishandling.
# - remove_control_chars off: the control and invisible steps record them.
# - normalization None: see "NFC is applied nowhere" above.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=True,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)

_MAX_DIFF = 4000
_ASCII_SPLIT = re.compile("([\x00-\x7f]+)")
_MAX_PASSES = 4
# With the configuration above ftfy changes a line only if its mojibake
# heuristic (ftfy.badness.is_bad, which ftfy runs before trying an encoding fix)
# matches, or the line holds a C1 control, ESC, a Latin ligature or a surrogate.
# is_bad costs as much as a third of ftfy, so it runs only on lines holding a
# "hint": a character without which no BADNESS_RE rule can match. Those are the
# characters of ftfy's mojibake categories except the plain Cyrillic and Greek
# letters, plus the other non-ASCII characters the rules name literally ("вЂ",
# "[ВГРС]"...). Every rule needs one of them (tests/test_normalize.py checks
# this property), so Russian or homoglyph-laden lines skip the heuristic.
_LETTER_CATEGORIES = ("lower_common", "upper_common")
_FTFY_EXTRA = "\x80-\x9f\x1b\ufb00-\ufb06\ud800-\udfff"
_FTFY_EXTRA_RE = re.compile(f"[{_FTFY_EXTRA}]")


def _hint_class() -> str:
    named = "".join(v for k, v in MOJIBAKE_CATEGORIES.items() if k not in _LETTER_CATEGORIES)
    letters = set("".join(MOJIBAKE_CATEGORIES[k] for k in _LETTER_CATEGORIES))
    literal = sorted({c for c in BADNESS_RE.pattern if ord(c) > 0x7F} - letters - set(named))
    return named + "".join(re.escape(c) for c in literal) + _FTFY_EXTRA


_MOJIBAKE_HINT = re.compile(f"[{_hint_class()}]")
_SEGMENT_END = re.compile("[\n\r\v\f\u2028\u2029]")

_C0_EARLY = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_NEWLINE = re.compile("\r\n|[\r\v\f\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ASCII_NEEDS_WORK = re.compile("[\x00-\x08\x0b-\x1f\x7f]")

# Default-ignorable format characters removed: ZWSP, ZWNJ, ZWJ, LRM, RLM,
# soft hyphen, word joiner, invisible math operators (U+2061-2064), bidi
# embeddings, overrides and isolates (U+202A-202E, U+2066-2069, ALM U+061C: they
# steer display only, and are a known spoofing vector), deprecated format
# characters (U+206A-206F) and the BOM. Not touched: variation selectors,
# emoji tags, the combining grapheme joiner, the Mongolian vowel separator and
# Hangul fillers, which carry meaning in their scripts.
_INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]+")
_JOINERS = "\u200c\u200d"
# ZWJ and ZWNJ are spelling in Arabic-script and Indic text and glue emoji
# sequences, so they are kept unless both neighbours are "plain": Latin,
# Greek, Cyrillic, Armenian, general punctuation, spaces, or the text's edge.
_PLAIN = re.compile("[\x00-\u058f\u1680\u1e00-\u1fff\u2000-\u206f]")
# ZWSP marks word boundaries in Thai, Lao, Tibetan, Myanmar and Khmer, which
# write no spaces; it is kept between two letters of those scripts.
_NO_SPACE_SCRIPT = re.compile("[\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff]")

_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f]")


@dataclass(frozen=True, slots=True)
class Change:
    """One repaired piece: ``original`` at ``start`` in the input is ``replacement`` at ``norm_start``.

    ``replacement`` is "" for removals; ``kind`` is one of ``KINDS``.
    """

    start: int
    end: int
    original: str
    replacement: str
    kind: str
    norm_start: int

    @property
    def norm_end(self) -> int:
        return self.norm_start + len(self.replacement)


@dataclass(frozen=True)
class Normalized:
    """Normalized text with the changes that map it back to the input.

    ``changes`` are sorted by ``start`` and do not overlap, in the input or in
    the output.
    """

    text: str
    changes: tuple[Change, ...] = ()
    _norm_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _shift: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        shift = [0]
        for c in self.changes:
            shift.append(shift[-1] + len(c.replacement) - len(c.original))
        object.__setattr__(self, "_norm_starts", tuple(c.norm_start for c in self.changes))
        object.__setattr__(self, "_shift", tuple(shift))

    @property
    def raw_length(self) -> int:
        """Length of the input text."""
        return len(self.text) - self._shift[-1]

    def counts(self) -> dict[str, int]:
        """Number of changes of each kind; every kind is present, 0 when none."""
        result = dict.fromkeys(KINDS, 0)
        for c in self.changes:
            result[c.kind] += 1
        return result

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the output to the span of the input it came from.

        A span that covers part of a replacement covers that change's whole
        original. A removal that sits exactly at either edge of the span is
        left outside it; one inside the span is covered.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside 0:{len(self.text)}")
        raw_start = self._raw_start(start)
        if end == start:
            return raw_start, raw_start
        return raw_start, self._raw_end(end)

    def _raw_start(self, pos: int) -> int:
        k = bisect_right(self._norm_starts, pos)
        if k:
            c = self.changes[k - 1]
            if c.norm_start <= pos < c.norm_end:
                return c.start
        return pos - self._shift[k]

    def _raw_end(self, pos: int) -> int:
        k = bisect_left(self._norm_starts, pos)
        if k:
            c = self.changes[k - 1]
            if pos <= c.norm_end and c.norm_start < c.norm_end:
                return c.end
        return pos - self._shift[k]


# --- steps: each returns sorted, non-overlapping edits on its input ---------

def _removals(pattern: re.Pattern[str], text: str) -> list[Edit]:
    return [(m.start(), m.end(), "") for m in pattern.finditer(text)]


def _early_controls(text: str) -> list[Edit]:
    return _removals(_C0_EARLY, text)


def _controls(text: str) -> list[Edit]:
    return _removals(_CONTROL, text)


def _newlines(text: str) -> list[Edit]:
    return [(m.start(), m.end(), "\n\n" if m.group() == "\u2029" else "\n")
            for m in _NEWLINE.finditer(text)]


def _spaces(text: str) -> list[Edit]:
    return [(m.start(), m.end(), " ") for m in _SPACES.finditer(text)]


def _invisibles(text: str) -> list[Edit]:
    edits: list[Edit] = []
    for m in _INVISIBLE.finditer(text):
        start, end = m.span()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        plain = (not before or _PLAIN.match(before)) and (not after or _PLAIN.match(after))
        no_space = bool(before and after and _NO_SPACE_SCRIPT.match(before) and _NO_SPACE_SCRIPT.match(after))
        run = m.group()
        for i, char in enumerate(run, start):
            if char in _JOINERS and not plain:
                continue
            if char == "\u200b" and no_space:
                continue
            if edits and edits[-1][1] == i:
                edits[-1] = (edits[-1][0], i + 1, "")
            else:
                edits.append((i, i + 1, ""))
    return edits


def _hinted_segments(text: str) -> list[tuple[int, int]]:
    """Spans of the lines (without their line break) that hold a mojibake hint."""
    match = _MOJIBAKE_HINT.search(text)
    if match is None:
        return []
    breaks = [m.start() for m in _SEGMENT_END.finditer(text)]
    bounds = [-1, *breaks, len(text)]
    spans: list[tuple[int, int]] = []
    while match is not None:
        k = bisect_left(breaks, match.start())
        start, end = bounds[k] + 1, bounds[k + 1]
        spans.append((start, end))
        match = _MOJIBAKE_HINT.search(text, end + 1)
    return spans


def _ftfy_repair(segment: str) -> str:
    if _FTFY_EXTRA_RE.search(segment) or is_bad(segment):
        return ftfy.fix_text(segment, FTFY_CONFIG)
    return segment


def _widen(start: int, repl: str, before: str, offset: int) -> Edit:
    """Give a pure insertion at ``start`` one original character to stand on."""
    if start > offset:
        return start - 1, start, before[start - 1 - offset] + repl
    return start, start + 1, repl + before[start - offset]


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, by binary search over slices (no per-character loop)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _run_edits(before: str, after: str, offset: int) -> list[Edit] | None:
    """Edits pairing the non-ASCII runs of both sides, or None if their ASCII runs differ.

    Re-decoding mojibake leaves ASCII characters alone, so the ASCII runs of a
    repaired line usually match the original's one to one, and each changed
    non-ASCII run ("Ã©", "â€™") is one change. Linear, unlike a diff.
    """
    old, new = _ASCII_SPLIT.split(before), _ASCII_SPLIT.split(after)
    if len(old) != len(new) or old[1::2] != new[1::2]:
        return None
    edits: list[Edit] = []
    pos = offset
    for i, (a, b) in enumerate(zip(old, new)):
        if i % 2 == 0 and a != b:
            edits.append(_widen(pos, b, before, offset) if not a else (pos, pos + len(a), b))
        pos += len(a)
    return edits


def _diff_edits(before: str, after: str, offset: int) -> list[Edit]:
    """Character-level edits turning ``before`` into ``after``, shifted by ``offset``."""
    runs = _run_edits(before, after, offset)
    if runs is not None:
        return runs
    head = _common_prefix(before, after)
    tail = _common_prefix(before[head:][::-1], after[head:][::-1])
    a, b = before[head:len(before) - tail], after[head:len(after) - tail]
    base = offset + head
    if len(a) > _MAX_DIFF or len(b) > _MAX_DIFF:
        opcodes = [("replace", 0, len(a), 0, len(b))]
    else:
        opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    edits: list[Edit] = []
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal":
            continue
        if edits and edits[-1][1] == base + i1:
            prev_start, _, prev_repl = edits[-1]
            edits[-1] = (prev_start, base + i2, prev_repl + b[j1:j2])
        else:
            edits.append((base + i1, base + i2, b[j1:j2]))
    return [_widen(s, r, before, offset) if s == e else (s, e, r) for s, e, r in edits]


def _mojibake(text: str) -> list[Edit]:
    if text.isascii() and "\x1b" not in text:
        return []
    edits: list[Edit] = []
    for start, end in _hinted_segments(text):
        segment = text[start:end]
        repaired = _ftfy_repair(segment)
        if repaired != segment:
            edits.extend(_diff_edits(segment, repaired, start))
    return edits


Step = tuple[str, Callable[[str], list[Edit]]]

STEPS: tuple[Step, ...] = (
    ("control", _early_controls),
    ("mojibake", _mojibake),
    ("newline", _newlines),
    ("control", _controls),
    ("invisible", _invisibles),
    ("space", _spaces),
    ("wrap", unwrap_edits),
    ("homoglyph", homoglyph_edits),
)


# --- composition -------------------------------------------------------------

# A change under composition: (raw_start, raw_end, cur_start, cur_end, kind),
# where cur_* are offsets in the text produced by the steps so far.
_Span = tuple[int, int, int, int, str]
_KindEdit = tuple[int, int, str, str]


def _apply(text: str, edits: list[_KindEdit]) -> str:
    parts: list[str] = []
    pos = 0
    for start, end, repl, _ in edits:
        parts.append(text[pos:start])
        parts.append(repl)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _compose(spans: list[_Span], edits: list[_KindEdit]) -> list[_Span]:
    """Fold edits on the current text into the change spans that produced it.

    Spans and edits that overlap (a removal strictly inside an edit counts;
    merely touching does not) become one span, which covers all their
    originals and takes the first of their kinds in ``KINDS`` order
    (``Ã\x01©`` -> ``é`` is mojibake, not a control removal).
    """
    items: list[tuple[int, int, int, object]] = [(s[2], 0, i, s) for i, s in enumerate(spans)]
    items += [(e[0], 1, i, e) for i, e in enumerate(edits)]
    items.sort(key=lambda item: (item[0], item[1], item[2]))
    out: list[_Span] = []
    raw_shift = 0   # current offset minus raw offset, before the open unit
    step_shift = 0  # new offset minus current offset, before the open unit
    unit: list | None = None  # [lo, hi, raw_lo, kind, delta, unit_raw_shift, last_span]

    def close() -> None:
        nonlocal raw_shift, step_shift
        lo, hi, raw_lo, kind, delta, unit_shift, last = unit
        if last is not None and last[3] == hi:
            raw_hi = last[1]
        else:
            raw_hi = hi - raw_shift - unit_shift
        out.append((raw_lo, raw_hi, lo + step_shift, hi + step_shift + delta, kind))
        raw_shift += unit_shift
        step_shift += delta

    for start, is_edit, _, item in items:
        if unit is not None and start < unit[1]:
            if is_edit:
                unit[1] = max(unit[1], item[1])
                unit[3] = min(unit[3], item[3], key=_KIND_RANK.__getitem__)
                unit[4] += len(item[2]) - (item[1] - item[0])
            else:
                unit[1] = max(unit[1], item[3])
                unit[5] += (item[3] - item[2]) - (item[1] - item[0])
                unit[3] = min(unit[3], item[4], key=_KIND_RANK.__getitem__)
                unit[6] = item
            continue
        if unit is not None:
            close()
        if is_edit:
            s, e, repl, kind = item
            unit = [s, e, s - raw_shift, kind, len(repl) - (e - s), 0, None]
        else:
            rs, re_, cs, ce, kind = item
            unit = [cs, ce, rs, kind, 0, (ce - cs) - (re_ - rs), item]
    if unit is not None:
        close()
    return out


def _run_steps(text: str) -> tuple[str, list[_Span]]:
    spans: list[_Span] = []
    for kind, step in STEPS:
        edits = [(s, e, r, kind) for s, e, r in step(text)]
        if edits:
            spans = _compose(spans, edits)
            text = _apply(text, edits)
    return text, spans


def _ftfy_unstable(text: str, spans: list[_Span]) -> bool:
    """Whether a changed line is one ftfy would now repair.

    Lines no step changed were seen by ftfy as they are. A line only ftfy
    changed is its fixed point, but a merged change may hide a later step's
    edit, so every changed line that holds a hint is checked.
    """
    if not spans:
        return False
    ends = [ce for _, _, _, ce, _ in spans]
    for start, end in _hinted_segments(text):
        k = bisect_left(ends, start)
        if k < len(spans) and spans[k][2] <= end:
            segment = text[start:end]
            if _ftfy_repair(segment) != segment:
                return True
    return False


def normalize(text: str) -> Normalized:
    """Repair ``text`` (see the module docstring) and record every change."""
    if text.isascii() and not _ASCII_NEEDS_WORK.search(text) and not may_need_unwrapping(text):
        return Normalized(text, ())
    current, spans = _run_steps(text)
    for _ in range(_MAX_PASSES - 1):
        if not _ftfy_unstable(current, spans):
            break
        again, more = _run_steps(current)
        if not more:
            break
        spans = _compose(spans, [(rs, re_, again[cs:ce], kind) for rs, re_, cs, ce, kind in more])
        current = again
    changes = []
    for rs, re_, cs, ce, kind in spans:
        original, replacement = text[rs:re_], current[cs:ce]
        if original != replacement:
            changes.append(Change(rs, re_, original, replacement, kind, cs))
    return Normalized(current, tuple(changes))


def normalize_text(text: str) -> str:
    """Return only the normalized text: ``normalize(text).text``."""
    return normalize(text).text
