"""Tests for pipeline.normalize: golden cases, seed documents and properties."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.homoglyphs import confusable_table
from pipeline.normalize import _MOJIBAKE_HINT, KINDS, Change, Normalized, normalize, normalize_text

DATA = Path(__file__).parent / "data"
RAW = Path(__file__).parent.parent / "raw"
CASES = yaml.safe_load((DATA / "normalize_cases.yml").read_text(encoding="utf-8"))

CYRILLIC_OR_GREEK = re.compile("[\u0370-\u03ff\u0400-\u04ff]")

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that exercise every step: look-alikes, invisibles, spaces, line
# breaks, controls, mojibake ingredients, joiners, emoji and no-space scripts.
INTERESTING = list(
    "еаорсхуіЕАОРСТНМКВІΑΒΕΗΙΚΜΝΟΡΤΧΥαονιρ"  # look-alikes
    "жлдбЭЯλπωΣΔμβ"  # letters without a Latin twin
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202e\u2066\u061c"
    "\u00a0\u202f\u2007\u3000\u1680"
    "\r\n\u2028\u2029\x0b\x0c\t"
    "\x00\x01\x07\x1b\x7f\x81\x85\x8d\x92\x9d"
    "ÃÂâ€™œ©®°±²³´µ¶·¸¹º»¼½¾¿ÐÑØÙàéèëíñóöüÉÈÊŠšŽž‚„…†‡ˆ‰‹›–—˜™"
    "РСВГЂўΒΓΞΟβā"
    "ﬁﬂ👩💻❤️🔥กขคง"
    "aeIlTU0 .-'"
)
ANY_TEXT = st.text(alphabet=st.one_of(st.characters(exclude_categories=()), st.sampled_from(INTERESTING)),
                   max_size=60)


def rebuild(source: str, changes: tuple[Change, ...]) -> str:
    parts, pos = [], 0
    for change in changes:
        parts.append(source[pos:change.start])
        parts.append(change.replacement)
        pos = change.end
    parts.append(source[pos:])
    return "".join(parts)


def assert_consistent(source: str, result: Normalized) -> None:
    previous_end = 0
    previous_norm_end = 0
    for change in result.changes:
        assert change.kind in KINDS
        assert source[change.start:change.end] == change.original
        assert result.text[change.norm_start:change.norm_start + len(change.replacement)] == change.replacement
        assert change.original != change.replacement
        assert change.start >= previous_end and change.norm_start >= previous_norm_end
        previous_end, previous_norm_end = change.end, change.norm_start + len(change.replacement)
    assert rebuild(source, result.changes) == result.text


# --- golden cases ------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_golden_case(case: dict) -> None:
    result = normalize(case["input"])
    assert result.text == case.get("expected", case["input"])
    for kind, count in (case.get("counts") or {}).items():
        assert result.counts()[kind] == count, kind
    if "expected" not in case:
        assert result.changes == ()
    assert_consistent(case["input"], result)
    assert normalize_text(case["input"]) == result.text


def test_golden_file_has_enough_must_not_change_rows() -> None:
    unchanged = [c for c in CASES if c.get("expected", c["input"]) == c["input"]]
    assert len(unchanged) >= 30 and len(CASES) - len(unchanged) >= 25


# --- seed documents ----------------------------------------------------------

def test_first_seed_loses_every_cyrillic_letter() -> None:
    source = (RAW / "000_4a8186a5b212eb3e.txt").read_text(encoding="utf-8")
    result = normalize(source)
    assert not CYRILLIC_OR_GREEK.search(result.text)
    homoglyphs = [c for c in result.changes if c.kind == "homoglyph"]
    assert len(homoglyphs) == 259
    assert {(c.original, c.replacement) for c in homoglyphs} == {("\u0435", "e")}
    assert "likе thе" not in result.text and "the International Telecommunication Union (ITU)" in result.text
    assert result.counts() == {**dict.fromkeys(KINDS, 0), "homoglyph": 259, "space": 1}
    assert_consistent(source, result)


def test_second_seed_keeps_its_text() -> None:
    """The clean seed keeps every letter; only its trailing no-break spaces become spaces."""
    source = (RAW / "002_7328ff7fe9fe9875.txt").read_text(encoding="utf-8")
    result = normalize(source)
    assert result.text == source.replace("\u00a0", " ")
    assert result.counts() == {**dict.fromkeys(KINDS, 0), "space": source.count("\u00a0")}


# --- API details -------------------------------------------------------------

def test_counts_has_every_kind() -> None:
    assert normalize("plain").counts() == dict.fromkeys(KINDS, 0)
    assert normalize("a\u200bb\r\n").counts() == {**dict.fromkeys(KINDS, 0), "invisible": 1, "newline": 1}


def test_ascii_fast_path_returns_the_same_object() -> None:
    text = "The ITU (International Telecommunication Union)\n\n1. Standards\n"
    result = normalize(text)
    assert result.text is text and result.changes == ()


def test_change_offsets_after_a_removal() -> None:
    result = normalize("a\u200bbе c")
    assert result.text == "abe c"
    assert result.changes == (
        Change(1, 2, "\u200b", "", "invisible", 1),
        Change(3, 4, "е", "e", "homoglyph", 2),
    )


def test_merged_change_takes_the_first_kind_in_kinds_order() -> None:
    # The control character splits a mojibake pair; both repairs make one change.
    result = normalize("x Ã\x01© y")
    assert result.text == "x é y"
    assert result.changes == (Change(2, 5, "Ã\x01©", "é", "mojibake", 2),)


def test_raw_span_covers_whole_originals() -> None:
    result = normalize("The I\u200bT\u200bU and Ã©tÃ©.")
    assert result.text == "The ITU and été."
    assert result.raw_span(4, 7) == (4, 9)          # "ITU" covers both removals
    assert result.raw_span(5, 7) == (6, 9)          # a removal at the edge stays outside
    start = result.text.index("été")
    assert result.raw_span(start, start + 1) == (14, 16)      # "é" -> "Ã©"
    assert result.raw_span(start, start + 3) == (14, 19)
    assert result.raw_span(0, 3) == (0, 3)
    assert result.raw_span(len(result.text), len(result.text)) == (result.raw_length, result.raw_length)
    with pytest.raises(ValueError):
        result.raw_span(3, 2)


def test_raw_span_on_the_first_seed() -> None:
    source = (RAW / "000_4a8186a5b212eb3e.txt").read_text(encoding="utf-8")
    result = normalize(source)
    start = result.text.index("International Telecommunication Union")
    raw_start, raw_end = result.raw_span(start, start + len("International Telecommunication Union"))
    assert source[raw_start:raw_end] == "Intеrnational Tеlеcommunication Union"


def test_mojibake_is_recorded_per_non_ascii_run_even_on_long_lines() -> None:
    line = "Ã©tÃ©" + " and more words" * 2000 + " itâ€™s"
    result = normalize(line)
    assert result.text == "été" + " and more words" * 2000 + " it’s"
    assert [(c.original, c.replacement) for c in result.changes] == [("Ã©", "é"), ("Ã©", "é"), ("â€™", "’")]


def test_never_nfc_normalizes() -> None:
    assert normalize("Cafe\u0301 \u00a0").text == "Cafe\u0301  "


# --- properties ----------------------------------------------------------------

@PROPERTY
@given(ANY_TEXT)
def test_normalizing_twice_equals_once(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@PROPERTY
@given(ANY_TEXT)
def test_changes_rebuild_the_output(text: str) -> None:
    assert_consistent(text, normalize(text))


@PROPERTY
@given(ANY_TEXT, st.data())
def test_raw_span_stays_in_bounds_and_maps_unchanged_text(text: str, data: st.DataObject) -> None:
    result = normalize(text)
    n = len(result.text)
    assert result.raw_length == len(text)
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    raw_start, raw_end = result.raw_span(start, end)
    assert 0 <= raw_start <= raw_end <= len(text)
    touched = [c for c in result.changes if c.norm_start < end and c.norm_start + len(c.replacement) > start
               or start < c.norm_start < end]
    if not touched:
        assert text[raw_start:raw_end] == result.text[start:end]


@PROPERTY
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from("\t\n"),
               max_size=200))
def test_ascii_without_controls_is_untouched(text: str) -> None:
    # Every line ends a sentence, so no line break is a soft one (those are joined: pipeline.unwrap).
    text = text.replace("\n", "!\n")
    result = normalize(text)
    assert result.text == text and result.changes == ()


@PROPERTY
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from("\t\n-"),
               max_size=200))
def test_ascii_changes_only_at_soft_line_breaks(text: str) -> None:
    result = normalize(text)
    for change in result.changes:
        assert change.kind == "wrap"
        assert (change.original, change.replacement) in {("\n", " "), ("\n", ""), ("-\n", "")}
    assert normalize_text(result.text) == result.text


_LOOKALIKES: dict[str, list[str]] = {}
for _source, _target in confusable_table().items():
    _LOOKALIKES.setdefault(_target, []).append(_source)
ENGLISH = ("the international telecommunication union organization cooperation security agency "
           "committee council development programme research standards member states Europe "
           "OSCE ITU IMPACT CICTE ENISA NATO United Nations capacity building information sharing").split()


@st.composite
def spoofed_english(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    words = draw(st.lists(st.sampled_from(ENGLISH), min_size=1, max_size=12))
    spoofed = []
    for word in words:
        chars = [draw(st.sampled_from(_LOOKALIKES[c])) if c in _LOOKALIKES and draw(st.booleans()) else c
                 for c in word]
        spoofed.append("".join(chars))
    return words, spoofed


@PROPERTY
@given(spoofed_english(), st.sampled_from([" ", "\n", ", ", "\u00a0"]))
def test_spoofed_english_is_idempotent_and_mostly_latin_words_come_back(
        pair: tuple[list[str], list[str]], separator: str) -> None:
    words, spoofed = pair
    text = separator.join(spoofed)
    once = normalize(text)
    assert normalize_text(once.text) == once.text
    assert_consistent(text, once)
    # Words one per line are joined into a line (pipeline.unwrap), so split on any whitespace.
    out_words = once.text.split(", ") if separator == ", " else once.text.split()
    for original, disguised, out in zip(words, spoofed, out_words):
        n_fold = sum(1 for a, b in zip(original, disguised) if a != b)
        if len(original) - n_fold >= n_fold:
            assert out == original


@PROPERTY
@given(st.text(alphabet=st.sampled_from(
    sorted(set("abcxyzAZ .,?!\n\t0" + "".join(MOJIBAKE_CATEGORIES.values()).replace("-", "")
               + "ÂÃÎÐ€œŠš¢£ŸžØÙà√≈‚Äâóвгрсђўβā×²³µΒΓΞΟВГРСЂабвгдеАБВГДЕαβγΑΒΓ"))), max_size=8))
def test_mojibake_hint_is_necessary_for_ftfy_heuristic(text: str) -> None:
    """The prefilter may skip a line only if ftfy's own heuristic cannot match it."""
    if BADNESS_RE.search(text):
        assert _MOJIBAKE_HINT.search(text)


# Pieces of hard-wrapped prose: words of every kind the unwrap rules read, joined by
# spaces, soft and hard line breaks, hyphenated line ends, blank lines and list markers.
_PROSE_PIECES = ENGLISH + ["the", "by", "of", "and", "The", "Union", "(ITU)", "informa-", "tion", "build-", "ing",
                           "well-", "known", "Key", "objectives", "thе", "Wоrld", "Bank,", "2020.", "funds:", "-"]


@PROPERTY
@given(st.lists(st.tuples(st.sampled_from(_PROSE_PIECES),
                          st.sampled_from([" ", " ", "\n", "\n", "\n\n", ", ", ". ", "\n- ", "\n  ", " \n",
                                           "  \n"])),
                min_size=1, max_size=40))
def test_unwrapping_is_a_fixed_point_and_recorded(pieces: list[tuple[str, str]]) -> None:
    text = "".join(word + separator for word, separator in pieces)
    once = normalize(text)
    assert_consistent(text, once)
    assert normalize_text(once.text) == once.text
    for change in once.changes:
        if change.kind == "wrap":
            assert "\n" in change.original and "\n" not in change.replacement
