"""Fold Cyrillic and Greek look-alike letters back to the Latin letters they imitate.

Text that hides Latin letters behind Cyrillic or Greek twins (``Thе`` with
U+0435) matches no rule. The Unicode confusables data (UTS #39) says which
letters look alike, but it is built to detect spoofing, not to repair text:
applied blindly it rewrites real Russian and Greek and turns ``rn`` into ``m``.
So this module keeps only cross-script, letter-to-letter pairs and folds a word
only when the word itself, or the text around it, says it is Latin:

* A word is a maximal run of letters (and combining marks). Hyphens, digits,
  apostrophes and underscores end a word, so ``α-helix`` is two words and the
  ``α`` stays a symbol.
* A *candidate* word consists of Latin letters and look-alike letters only,
  with at least one look-alike. A word holding any other Cyrillic or Greek
  letter (``ж``, ``λ``, ``ё``...) or a combining mark right after a look-alike
  (a decomposed ``й``, ``ї``) is genuinely written in that script and is left
  alone, as are ``μs`` and ``β`` (no Latin twin in the data).
* A candidate with at least as many Latin letters as look-alikes ("mostly
  Latin": ``Thе``, ``Intеrnational``, ``résumе``) is folded on its own.
* Any other candidate (written entirely or mostly in look-alikes: ``ІМРАСТ``,
  ``ΙΤU``) is folded only in Latin context: among the letters within
  ``_WINDOW`` characters on each side, on the same line, Latin letters number
  at least ``_MIN_LATIN`` and at least ``_LATIN_RATIO`` times the letters that
  are clearly another script (Cyrillic or Greek without a Latin twin, or any
  other script). Look-alike letters count for neither side, since they are
  the question. When the line alone holds fewer than ``_MIN_EVIDENCE``
  decisive letters, none of them foreign (a heading, a one-word line), the
  window may cross lines; one genuine Cyrillic or Greek letter on the line
  (``ВТО и ООН``) keeps the decision on the line.
  Folded words count as Latin for their neighbours, and the rule is applied
  until nothing more folds, so folding twice changes nothing.
* A lone Greek letter is never folded (``α = 0.05``, ``ρ-value``): in English
  text it is a symbol. A lone Cyrillic letter in Latin context is (``а`` as
  the English article), because Cyrillic letters are not used as symbols.

The thresholds are judgement calls checked against the golden cases in
tests/data/normalize_cases.yml, not values measured on a corpus.

Known limits: a real Russian or Greek word made only of look-alikes
(``хор``, ``ΚΑΙ``) quoted inside an English sentence is folded, and so is a
Greek letter glued to Latin ones (``pKα`` -> ``pKa``); a fully
spoofed line with no genuine Latin letter near it (``СОРЕ ОР ТНЕ АВС`` alone)
is not; Latin letters hidden inside Russian words (the reverse spoof) are not
repaired; look-alikes from other scripts (Armenian, Cherokee, fullwidth forms,
mathematical alphabets) are out of scope.
"""
from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import confusable_homoglyphs

Edit = tuple[int, int, str]

_WINDOW = 80
_MIN_LATIN = 3
_LATIN_RATIO = 3
_MIN_EVIDENCE = 4

# Latin letters: ASCII, Latin-1 letters (without × and ÷), Latin Extended-A/B and
# Latin Extended Additional, so French, Polish or Vietnamese words count as Latin.
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
# Combining marks of the general, Cyrillic and supplementary diacritic blocks.
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_LINE_BREAK = "\n"


def _script(char: str) -> str | None:
    name = unicodedata.name(char, "")
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    if name.startswith("GREEK"):
        return "greek"
    return None


@lru_cache(maxsize=1)
def confusable_table() -> dict[str, str]:
    """Map each Cyrillic or Greek look-alike letter to its ASCII Latin twin.

    Built once from the confusables.json shipped by ``confusable_homoglyphs``
    (UTS #39 data). Kept: pairs whose source is a single cased Cyrillic or
    Greek letter (Lu or Ll) and whose target is a single ASCII letter. Never
    digits, symbols, multi-character targets or Latin-to-Latin pairs. The data
    pairs ``I`` with ``l``, so it maps capital ``Ι`` and ``І`` to ``l``; a
    target whose case differs from the source is replaced by its same-case
    ASCII partner from the same data (``l`` -> ``I``), and the pair is dropped
    when there is none (``Ь`` -> ``b``).
    """
    path = Path(confusable_homoglyphs.__file__).with_name("confusables.json")
    data = json.loads(path.read_text(encoding="utf-8"))

    def ascii_twins(char: str) -> list[str]:
        return [e["c"] for e in data.get(char, ())
                if len(e["c"]) == 1 and e["c"].isascii() and e["c"].isalpha()]

    table: dict[str, str] = {}
    for source in data:
        if len(source) != 1 or _script(source) is None:
            continue
        category = unicodedata.category(source)
        if category not in ("Lu", "Ll"):
            continue
        targets = ascii_twins(source)
        if len(targets) != 1:
            continue
        target = targets[0]
        if (category == "Lu") != target.isupper():
            partners = [t for t in ascii_twins(target) if (category == "Lu") == t.isupper()]
            if len(partners) != 1:
                continue
            target = partners[0]
        table[source] = target
    return table


class _Patterns(NamedTuple):
    candidate: re.Pattern[str]       # a word of Latin letters and look-alikes only
    look_alike: re.Pattern[str]
    look_alike_then_mark: re.Pattern[str]
    latin: re.Pattern[str]
    foreign: re.Pattern[str]         # a letter neither Latin nor a look-alike
    translation: dict[int, str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    table = confusable_table()
    fold = "".join(re.escape(c) for c in sorted(table))
    word_char = f"[{_LATIN}{fold}{_MARKS}]"
    # [^\W\d_] is "a letter"; the look-arounds keep the match a whole word.
    candidate = re.compile(
        rf"(?<![^\W\d_])(?<![{_MARKS}]){word_char}*[{fold}]{word_char}*(?![^\W\d_])(?![{_MARKS}])")
    return _Patterns(
        candidate=candidate,
        look_alike=re.compile(f"[{fold}]"),
        look_alike_then_mark=re.compile(f"[{fold}][{_MARKS}]"),
        latin=re.compile(f"[{_LATIN}]"),
        foreign=re.compile(rf"(?![{_LATIN}{fold}])[^\W\d_]"),
        translation=str.maketrans(table),
    )


def _evidence(text: str, lo: int, hi: int) -> tuple[int, int]:
    patterns = _patterns()
    return len(patterns.latin.findall(text, lo, hi)), len(patterns.foreign.findall(text, lo, hi))


def _latin_context(text: str, start: int, end: int) -> bool:
    """Whether the letters around ``text[start:end]`` are mostly Latin."""
    line_start = text.rfind(_LINE_BREAK, 0, start) + 1
    line_end = text.find(_LINE_BREAK, end)
    if line_end < 0:
        line_end = len(text)
    lo, hi = max(line_start, start - _WINDOW), min(line_end, end + _WINDOW)
    latin_l, foreign_l = _evidence(text, lo, start)
    latin_r, foreign_r = _evidence(text, end, hi)
    latin, foreign = latin_l + latin_r, foreign_l + foreign_r
    if latin + foreign < _MIN_EVIDENCE and not foreign:
        lo, hi = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
        latin_l, foreign_l = _evidence(text, lo, start)
        latin_r, foreign_r = _evidence(text, end, hi)
        latin, foreign = latin_l + latin_r, foreign_l + foreign_r
    return latin >= _MIN_LATIN and latin >= _LATIN_RATIO * foreign


def homoglyph_edits(text: str) -> list[Edit]:
    """Return one ``(start, end, latin_letter)`` edit per look-alike letter to fold.

    Edits are sorted and each covers one character, so applying them keeps
    every offset in place.
    """
    patterns = _patterns()
    if not patterns.look_alike.search(text):
        return []
    folded: list[tuple[int, int]] = []
    pending: list[tuple[int, int]] = []
    for match in patterns.candidate.finditer(text):
        word = match.group()
        if patterns.look_alike_then_mark.search(word):
            continue
        n_fold = len(patterns.look_alike.findall(word))
        n_latin = len(word) - n_fold if word.isalpha() else len(patterns.latin.findall(word))
        if n_latin and n_latin >= n_fold:
            folded.append(match.span())
        elif len(word) == 1 and _script(word) == "greek":
            continue
        else:
            pending.append(match.span())

    if pending:
        folded.extend(_fold_in_context(text, folded, pending))
        folded.sort()
    edits: list[Edit] = []
    for start, end in folded:
        for m in patterns.look_alike.finditer(text, start, end):
            i = m.start()
            edits.append((i, i + 1, text[i].translate(patterns.translation)))
    return edits


def _fold_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """Return ``text`` with the look-alikes inside the sorted ``spans`` folded."""
    translation = _patterns().translation
    parts, pos = [], 0
    for start, end in spans:
        parts.append(text[pos:start])
        parts.append(text[start:end].translate(translation))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _fold_in_context(text: str, folded: list[tuple[int, int]],
                     pending: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fold the pending words whose context is Latin, until nothing more folds.

    Each fold adds Latin letters to its neighbours' context, so a word is
    re-examined when a word within its window folds; iterating to the fixed
    point is what makes a second pass find nothing. Folding keeps lengths, so
    offsets stay valid while the working text changes.
    """
    work = _fold_spans(text, folded) if folded else text
    done: list[tuple[int, int]] = []
    remaining = pending
    dirty = pending
    while dirty:
        newly = [(s, e) for s, e in dirty if _latin_context(work, s, e)]
        if not newly:
            break
        work = _fold_spans(work, newly)
        done.extend(newly)
        fresh = set(newly)
        remaining = [span for span in remaining if span not in fresh]
        ends = [e for _, e in newly]
        dirty = []
        for s, e in remaining:
            # The first newly folded word that ends after this word's window opens.
            i = bisect_right(ends, s - _WINDOW)
            if i < len(newly) and newly[i][0] < e + _WINDOW:
                dirty.append((s, e))
    return done


def fold_look_alikes(word: str) -> str:
    """``word`` with every look-alike letter folded, whatever its context: for comparing words."""
    return word.translate(_patterns().translation)


def fold_homoglyphs(text: str) -> str:
    """Return ``text`` with look-alike letters folded (see module docstring)."""
    edits = homoglyph_edits(text)
    if not edits:
        return text
    chars = list(text)
    for start, _, latin in edits:
        chars[start] = latin
    return "".join(chars)
