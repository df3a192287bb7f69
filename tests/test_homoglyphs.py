"""Tests for pipeline.homoglyphs: the look-alike table and the folding rule."""
from __future__ import annotations

import unicodedata

import pytest

from pipeline.homoglyphs import confusable_table, fold_homoglyphs, homoglyph_edits


def test_table_maps_cyrillic_and_greek_letters_to_single_ascii_letters() -> None:
    table = confusable_table()
    assert 40 <= len(table) <= 120
    for source, target in table.items():
        assert unicodedata.name(source).startswith(("CYRILLIC", "GREEK"))
        assert unicodedata.category(source) in ("Lu", "Ll")
        assert len(target) == 1 and target.isascii() and target.isalpha()
        assert source.isupper() == target.isupper()


def test_table_contents() -> None:
    table = confusable_table()
    assert table["е"] == "e" and table["о"] == "o" and table["ο"] == "o" and table["С"] == "C"
    assert table["І"] == "I" and table["Ι"] == "I"  # the data says "l"; case fixes it
    for absent in "Ьμβλжи1lm":
        assert absent not in table


def test_table_is_built_once() -> None:
    assert confusable_table() is confusable_table()


@pytest.mark.parametrize(("text", "expected"), [
    ("Thе", "The"),                          # 2 Latin, 1 look-alike
    ("еasе of use", "ease of use"),          # tie: as many Latin letters as look-alikes
    ("sее the ITU", "see the ITU"),          # look-alike majority, Latin context
    ("sее", "sее"),                          # look-alike majority, no context
    ("рКα", "рКα"),                          # no Latin letter at all, no context
    ("pKα of the acid", "pKa of the acid"),  # mostly Latin: folded (a known cost)
    ("résumе", "résumе".replace("е", "e")),  # accented Latin letters count as Latin
])
def test_word_rule(text: str, expected: str) -> None:
    assert fold_homoglyphs(text) == expected


def test_lone_greek_letter_is_a_symbol_but_lone_cyrillic_is_not() -> None:
    assert fold_homoglyphs("the value of α in the model") == "the value of α in the model"
    assert fold_homoglyphs("this is а test of the model") == "this is a test of the model"


def test_words_stop_at_hyphens_digits_and_apostrophes() -> None:
    assert fold_homoglyphs("the α-helix model") == "the α-helix model"
    assert fold_homoglyphs("Thе's") == "The's"
    assert fold_homoglyphs("СО2 emissions from the sector") == "CO2 emissions from the sector"


def test_combining_mark_after_a_look_alike_keeps_the_word() -> None:
    # A decomposed Cyrillic ё (е + U+0308) is a different letter.
    assert fold_homoglyphs("the word е\u0308 in the text") == "the word е\u0308 in the text"


def test_context_is_the_line_unless_the_line_is_too_short() -> None:
    text = "The ITU report.\nВТО и ООН"
    assert fold_homoglyphs(text) == text
    assert fold_homoglyphs("ІМРАСТ\nThe partnership of the ITU") == "IMPACT\nThe partnership of the ITU"


def test_russian_context_outweighs_a_few_latin_letters() -> None:
    text = "Организация ООН и ITU"
    assert fold_homoglyphs(text) == text


def test_folds_cascade_to_a_fixed_point() -> None:
    # The second acronym has Latin context only once the first is folded.
    text = "The programme ІТU САТ ОАЅ"
    once = fold_homoglyphs(text)
    assert once == "The programme ITU CAT OAS"
    assert fold_homoglyphs(once) == once


def test_edits_are_single_characters_in_order() -> None:
    edits = homoglyph_edits("Thе Intеrnational")
    assert edits == [(2, 3, "e"), (7, 8, "e")]
    assert homoglyph_edits("plain ascii") == []
    assert homoglyph_edits("Русский текст") == []
