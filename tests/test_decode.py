"""Tests for pipeline.decode: encodings accepted, binary content rejected."""
from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.decode import Decoded, UndecodableError, decode_bytes

RAW = Path(__file__).parent.parent / "raw"

ENGLISH = "The organization’s “Global Cybersecurity Index” measures commitment — it’s published yearly."
FRENCH = "Les organisations internationales coopèrent étroitement ; l’Union européenne finance des projets."
GERMAN = "Die Vereinten Nationen und die Europäische Union arbeiten bei der Cybersicherheit zusammen."
RUSSIAN = ("Организация Объединённых Наций и Международный союз электросвязи (МСЭ) "
           "обсуждают вопросы кибербезопасности.")
GREEK = "Η Ευρωπαϊκή Ένωση και ο Οργανισμός Ηνωμένων Εθνών συνεργάζονται για την ασφάλεια."


def reason_of(data: bytes) -> str:
    with pytest.raises(UndecodableError) as caught:
        decode_bytes(data)
    assert str(caught.value) == caught.value.reason
    return caught.value.reason


@pytest.mark.parametrize(("data", "text", "encoding"), [
    (RUSSIAN.encode(), RUSSIAN, "utf-8"),
    (codecs.BOM_UTF8 + FRENCH.encode(), FRENCH, "utf-8-sig"),
    (codecs.BOM_UTF16_LE + ENGLISH.encode("utf-16-le"), ENGLISH, "utf-16"),
    (codecs.BOM_UTF16_BE + RUSSIAN.encode("utf-16-be"), RUSSIAN, "utf-16"),
    (codecs.BOM_UTF32_LE + GREEK.encode("utf-32-le"), GREEK, "utf-32"),
    (ENGLISH.encode("utf-16-le"), ENGLISH, "utf-16"),
    (RUSSIAN.encode("utf-16-be"), RUSSIAN, "utf-16"),
    (FRENCH.encode("cp1252"), FRENCH, "cp1252"),
    (ENGLISH.encode("cp1252"), ENGLISH, "cp1252"),
    (GERMAN.encode("cp1252"), GERMAN, "cp1252"),
    (RUSSIAN.encode("cp1251"), RUSSIAN, "cp1251"),
    (RUSSIAN.encode("koi8_r"), RUSSIAN, "koi8-r"),
], ids=["utf-8", "utf-8 bom", "utf-16le bom", "utf-16be bom", "utf-32 bom", "utf-16le no bom",
        "utf-16be no bom cyrillic", "cp1252 french", "cp1252 english", "cp1252 german", "cp1251", "koi8-r"])
def test_decodes(data: bytes, text: str, encoding: str) -> None:
    assert decode_bytes(data) == Decoded(text, encoding)


def test_greek_legacy_text_decodes_to_the_same_text() -> None:
    # ISO-8859-7 and cp1253 agree on these letters; either name is right.
    decoded = decode_bytes(GREEK.encode("iso8859_7"))
    assert decoded.text == GREEK and decoded.encoding in ("iso-8859-7", "cp1253")


def test_seed_documents_are_utf8() -> None:
    for path in sorted(RAW.glob("*.txt")):
        data = path.read_bytes()
        assert decode_bytes(data) == Decoded(data.decode("utf-8"), "utf-8")


def test_empty_bytes_are_empty_text() -> None:
    assert decode_bytes(b"") == Decoded("", "utf-8")
    assert decode_bytes(codecs.BOM_UTF8) == Decoded("", "utf-8-sig")


@pytest.mark.parametrize(("data", "name"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
    (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "ZIP archive"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "GZIP archive"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
    (b"\x7fELF\x02\x01\x01\x00", "ELF executable"),
    (b"GIF89a\x01\x00", "GIF image"),
])
def test_magic_numbers_are_named(data: bytes, name: str) -> None:
    assert reason_of(data) == f"binary content ({name})"


def test_random_binary_is_rejected() -> None:
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(4096))
    assert reason_of(data).startswith("binary content (unknown format")


def test_random_high_bytes_are_not_text() -> None:
    rng = random.Random(11)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(600))
    assert reason_of(data) == "not valid text in any plausible encoding"


def test_nul_bytes_inside_text_are_rejected() -> None:
    assert reason_of(b"The ITU met in Geneva.\x00 It agreed on standards for the networks.") == "NUL bytes"


def test_control_characters_mean_binary() -> None:
    assert reason_of(bytes(range(1, 9)) * 40 + b"some text").startswith("binary content")


def test_stray_cp1252_byte_in_utf8_text() -> None:
    data = RUSSIAN.encode() + b" \x93quoted\x94"
    assert decode_bytes(data) == Decoded(RUSSIAN + " “quoted”", "utf-8+cp1252")


def test_invalid_utf8_without_language_goes_to_cp1252() -> None:
    # No valid multi-byte sequence and no language evidence: every single-byte
    # encoding explains it equally, and the most common one is chosen.
    assert decode_bytes(b"abc \xff def") == Decoded("abc ÿ def", "cp1252")


def test_truncated_utf16_after_bom_is_rejected() -> None:
    assert reason_of(codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00") == \
        "invalid UTF-16 after its byte-order mark"


def test_utf16_without_bom_needs_nuls_on_one_parity() -> None:
    data = b"The ITU\x00 met in Geneva; it\x00\x00 agreed on standards for mobile networks and satellites."
    assert reason_of(data) == "NUL bytes"
    mostly_nul = b"ab\x00\x00cd\x00\x00ef\x00\x00gh\x00\x00"
    assert reason_of(mostly_nul).startswith("binary content (unknown format")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_never_raises_anything_else_and_is_deterministic(data: bytes) -> None:
    try:
        first = decode_bytes(data)
    except UndecodableError as error:
        with pytest.raises(UndecodableError) as again:
            decode_bytes(data)
        assert again.value.reason == error.reason
    else:
        assert decode_bytes(data) == first
        assert isinstance(first.text, str)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), max_size=200))
def test_any_utf8_text_round_trips(text: str) -> None:
    decoded = decode_bytes(text.encode("utf-8"))
    assert decoded.text == text
    assert decoded.encoding in ("utf-8", "utf-8-sig")
