"""The shortcuts in pipeline.acronyms must not change what it finds.

_match_tokens is cached on the text around a bracket, _align looks only at positions
holding a short-form character in ASCII windows (and stops at the leftmost possible
start), and _contains_word is a find loop instead of a regex per short form.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import acronyms
from pipeline.acronyms import find_definition_spans, find_definitions


def _shifted(text: str, prefix: str) -> None:
    """The definitions of prefix + text are those of text, moved by len(prefix)."""
    alone = find_definition_spans(text)
    moved = [d for d in find_definition_spans(prefix + text) if d.short_start >= len(prefix)]
    n = len(prefix)
    assert [(d.short, d.long, d.short_start + n, d.long_start + n) for d in alone] == [
        (d.short, d.long, d.short_start, d.long_start) for d in moved
    ]


def test_cached_match_is_moved_to_each_position() -> None:
    clause = "The Agency for Cyber Defence (ACD) met the Group of Seven (G7). "
    text = clause * 3
    found = find_definition_spans(text)
    assert [(d.short, d.long) for d in found] == [
        ("ACD", "Agency for Cyber Defence"), ("G7", "Group of Seven")
    ] * 3
    for d in found:
        assert text[d.long_start : d.long_end] == d.long
    _shifted(clause, "Some words before it. ")


def test_cache_sees_the_character_before_the_long_form() -> None:
    # The same words, once after a space and once glued to a hyphenated prefix: the
    # character before the first token is part of the cache key.
    a = find_definitions("They met the Agency for Cyber Defence (ACD).")
    b = find_definitions("They met the x-Agency for Cyber Defence (ACD).")
    acronyms._match_context.cache_clear()
    assert find_definitions("They met the x-Agency for Cyber Defence (ACD).") == b
    assert find_definitions("They met the Agency for Cyber Defence (ACD).") == a


def test_number_words_and_non_ascii_windows() -> None:
    assert find_definitions("a two-dimensional (2D) model") == [("2D", "two-dimensional")]
    assert find_definitions("the Group of Seven (G7) met") == [("G7", "Group of Seven")]
    # A non-ASCII letter elsewhere in the window takes the general path: same answer.
    assert find_definitions("über the Agency for Cyber Defence (ACD)") == find_definitions(
        "uber the Agency for Cyber Defence (ACD)"
    )


def _contains_word_regex(long: str, short: str) -> bool:
    return re.search(r"(?<![^\W_])" + re.escape(short) + r"(?![^\W_])", long) is not None


@settings(max_examples=500, deadline=None)
@given(st.text("aAb1_ -.\u00e9\u0130\u03a3\u00b2\u2163\u0301", max_size=10),
       st.text("aAb1_ -\u00e9\u0130\u03a3\u00b2\u2163", min_size=1, max_size=3))
def test_contains_word_matches_the_regex(long: str, short: str) -> None:
    assert acronyms._contains_word(long, short) == _contains_word_regex(long, short)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(
    ["the", "of", "Agency", "for", "Cyber", "Defence", "two-dimensional", "Seven", "Group",
     "(ACD)", "(G7)", "(2D)", "(CD)", "Über", "İnternational", ".", ",", "\n\n", "x-ray"]
), max_size=25))
def test_cache_is_invisible(words: list[str]) -> None:
    text = " ".join(words)
    acronyms._match_context.cache_clear()
    cold = find_definition_spans(text)
    assert find_definition_spans(text) == cold
    _shifted(text, "Prefix text. ")
