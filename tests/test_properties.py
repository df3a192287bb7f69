"""Properties on arbitrary Unicode: normalization, acronym definitions, extraction, decoding.

For any text, each function returns without raising, every offset it reports
lies inside the text and points at what it says it does, and the same input
gives the same output. The texts mix arbitrary characters with fragments that
reach the interesting paths (brackets, acronyms, organization names, function
phrases, line breaks, look-alike letters, mojibake, invisible characters).

``ORGFUNCTIONS_PROPERTY_SCALE=20`` multiplies the number of examples, for a
longer hunt than the test suite's budget allows.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.acronyms import find_definition_spans
from pipeline.decode import UndecodableError, decode_bytes
from pipeline.extract import extract_document
from pipeline.normalize import KINDS, normalize

FRAGMENTS = [
    "(", ")", "[", "]", " (", ") ", "ITU", "International Telecommunication Union", "ENISA", "INTERPOL", "CERT",
    "the European Union Agency for Cybersecurity", " (ENISA)", "World Health Organization (WHO)", "They ", "It ",
    "capacity building", "shares information", "develops standards", "incident response", ". ", ", ", "\n", "\n\n",
    "\r\n", "\u2028", "\u2029", "# ", "1. ", "- ", "?", "Q: ", "A: ", "e.g. ", "such as ", "and ", "of ", "the ",
    "\u0415NIS\u0410", "\u0421ERT", "Ã©", "â€™", "\u200b", "\u00ad", "\ufeff", "\u00a0", "\u202e", "\u0301", "\x1b[0m",
    "\x07", "\ufb01", "\ud7ff", "\U0001f600", "Ministry of Digital Affairs",
    "National Cyber Security Centre (NCSC)",
]
TEXT = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(FRAGMENTS)), max_size=40).map("".join)
SCALE = int(os.environ.get("ORGFUNCTIONS_PROPERTY_SCALE", "1"))


def examples(n: int) -> settings:
    return settings(max_examples=n * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@examples(300)
@given(TEXT)
def test_normalize_maps_every_change_back_to_the_input(text: str) -> None:
    result = normalize(text)
    assert normalize(text) == result
    assert result.raw_length == len(text)
    previous_end, previous_norm_end = 0, 0
    for change in result.changes:
        assert change.kind in KINDS
        assert previous_end <= change.start <= change.end <= len(text)
        assert previous_norm_end <= change.norm_start <= change.norm_end <= len(result.text)
        assert text[change.start:change.end] == change.original
        assert result.text[change.norm_start:change.norm_end] == change.replacement
        previous_end, previous_norm_end = change.end, change.norm_end
    for start in range(0, len(result.text) + 1, max(1, len(result.text) // 7)):
        for end in (start, min(len(result.text), start + 3), len(result.text)):
            raw_start, raw_end = result.raw_span(start, end)
            assert 0 <= raw_start <= raw_end <= len(text)


@examples(300)
@given(TEXT)
def test_normalizing_twice_changes_nothing_more(text: str) -> None:
    once = normalize(text).text
    assert normalize(once).text == once


@examples(300)
@given(TEXT)
def test_acronym_definitions_point_at_the_text(text: str) -> None:
    found = find_definition_spans(text)
    assert find_definition_spans(text) == found
    for d in found:
        assert 0 <= d.short_start < d.short_end <= len(text)
        assert 0 <= d.long_start < d.long_end <= len(text)
        assert text[d.short_start:d.short_end] == d.short
        assert text[d.long_start:d.long_end] == d.long
    assert found == sorted(found, key=lambda d: (min(d.short_start, d.long_start), d.short_start, d.long_start,
                                                 d.short_end, d.long_end))


def _check_extraction(text: str, ctx) -> None:
    first = extract_document(text, ctx)
    again = extract_document(text, ctx)
    assert first.mentions == again.mentions and first.links == again.links
    assert sorted(first.orgs) == sorted(again.orgs)
    for m in first.mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.label in ("ORG", "FUNCTION")
        if m.label == "ORG":
            assert m.key in first.orgs
    for link in first.links:
        assert link.org_key in first.orgs
        for start, end in ((link.sentence_start, link.sentence_end), (link.org_start, link.org_end),
                           (link.function_start, link.function_end)):
            assert 0 <= start <= end <= len(text)


@examples(200)
@given(TEXT)
def test_extraction_of_normalized_text(ctx, text: str) -> None:
    _check_extraction(normalize(text).text, ctx)


@examples(100)
@given(TEXT)
def test_extraction_of_raw_text(ctx, text: str) -> None:
    _check_extraction(text, ctx)


@examples(300)
@given(st.one_of(st.binary(max_size=400), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
                 TEXT.map(lambda t: t.encode("utf-16-le", "surrogatepass"))))
def test_decoded_text_can_always_be_stored(data: bytes) -> None:
    """Whatever the bytes, decoded text holds no lone surrogate (Parquet would refuse it) and no NUL."""
    try:
        decoded = decode_bytes(data)
    except UndecodableError:
        return
    decoded.text.encode("utf-8")
    assert "\x00" not in decoded.text
