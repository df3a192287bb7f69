"""TokenView: every attribute is the one spaCy's Token, Span and char_span would give."""
from __future__ import annotations

from tests.conftest import RAW

from pipeline.normalize import normalize_text
from pipeline.tokens import TokenView

_ODD = "  Le “Centre” d'Études\n\n\tCERT-EU's  ENISA (EU-CERT)…  ΑΒΓ ß İstanbul K-9 \n end"


def _texts():
    return [normalize_text(p.read_text(encoding="utf-8", errors="replace")) for p in sorted(RAW.glob("*.txt"))] + [
        _ODD, "", " ", "one"]


def test_lists_hold_what_tokens_say(nlp):
    for text in _texts():
        doc = nlp.make_doc(text)
        view = TokenView(doc, text)
        assert view.n == len(doc)
        assert view.texts == [t.text for t in doc]
        assert view.lowers == [t.lower_ for t in doc]
        assert view.idx == [t.idx for t in doc]
        assert [bool(v) for v in view.is_space] == [t.is_space for t in doc]
        assert [bool(v) for v in view.is_upper] == [t.is_upper for t in doc]
        assert [bool(v) for v in view.is_alpha] == [t.is_alpha for t in doc]
        assert [bool(v) for v in view.space_after] == [bool(t.whitespace_) for t in doc]
        assert view.text_lower == text.lower()
        for start in range(len(doc)):
            for end in range(start, min(len(doc), start + 4) + 1):
                assert view.span_text(start, end) == doc[start:end].text


def test_expand_is_char_span_expand(nlp):
    for text in _texts():
        doc = nlp.make_doc(text)
        view = TokenView(doc, text)
        step = max(1, len(text) // 300)      # every offset of the short texts, a sample of the long ones
        for start in range(0, len(text) + 1, step):
            for end in (start + 1, start + 3, start + 17):
                if end > len(text):
                    continue
                span = doc.char_span(start, end, alignment_mode="expand")
                assert view.expand(start, end) == (None if span is None else (span.start, span.end)), (start, end)
