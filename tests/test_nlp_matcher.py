"""AnchoredMatcher: its vectorized sentence filter never changes what the patterns find."""
from __future__ import annotations

import pickle

from tests.conftest import DATA, RAW

from pipeline.nlp import FUNCTION_PATTERNS, ORG_PATTERNS, AnchoredMatcher, blank_english
from pipeline.normalize import normalize_text


def _spans(doc, keys):
    return {key: [(s.start, s.end, s.label_, s.id_, s.kb_id_) for s in doc.spans[key]] for key in keys}


def _every_pattern_on_every_sentence(matcher: AnchoredMatcher, doc):
    """What the component must find: each pattern's Matcher run on each sentence, no filter."""
    from spacy.tokens import Span
    found = {key: [] for key in matcher.spans_keys}
    ends = [t.i for t in doc if t.text in (".", "!", "?", ";") or (t.is_space and "\n" in t.text)]
    starts = [0] + [end + 1 for end in ends]
    for start, end in zip(starts, ends + [len(doc) - 1]):
        if end < start:
            continue
        for p in matcher.patterns:
            for _, s, e in p.matcher(doc[start:end + 1]):
                found[p.key].append(Span(doc, start + s, start + e, label=p.label, span_id=p.id, kb_id=p.rule_id))
    return {key: [(s.start, s.end, s.label_, s.id_, s.kb_id_) for s in spans] for key, spans in found.items()}


def _texts():
    paths = sorted(RAW.glob("*.txt")) + sorted((DATA / "devset" / "passages").glob("*.txt"))
    return [normalize_text(p.read_text(encoding="utf-8", errors="replace")) for p in paths]


def test_the_filter_loses_no_match_of_the_real_rules(nlp):
    matcher = nlp.get_pipe("anchored_matcher")
    total = 0
    for text in _texts():
        doc = matcher(nlp.make_doc(text))
        got = _spans(doc, matcher.spans_keys)
        assert got == _every_pattern_on_every_sentence(matcher, doc)
        total += sum(len(v) for v in got.values())
    assert total > 20


def test_more_than_64_required_words_and_patterns_without_any():
    nlp = blank_english()
    matcher = AnchoredMatcher(nlp, [FUNCTION_PATTERNS, ORG_PATTERNS])
    for i in range(70):   # 140 distinct required tokens: masks span three 64-bit words
        matcher.add(FUNCTION_PATTERNS, "FUNCTION", f"f{i}", f"f{i}/p",
                    [{"LOWER": f"verb{i}"}, {"OP": "?"}, {"LEMMA": {"IN": [f"noun{i}", "thing"]}}])
    matcher.add(ORG_PATTERNS, "ORG", "", "shape", [{"IS_UPPER": True}, {"LOWER": "team"}])
    matcher.add(ORG_PATTERNS, "ORG", "", "anything", [{"IS_TITLE": True}, {"IS_DIGIT": True}])  # no anchor
    doc = matcher(nlp.make_doc("They verb69 the noun69. Verb3 things\n\nCERT team 7; verb64 noun3 Room 12."))
    assert [(s.text, s.kb_id_) for s in doc.spans[FUNCTION_PATTERNS]] == [
        ("verb69 the noun69", "f69/p"), ("Verb3 things", "f3/p")]
    # "Room 12" is found: its sentence holds an anchor word (verb64); a sentence without one is never tried
    assert [(s.text, s.kb_id_) for s in doc.spans[ORG_PATTERNS]] == [("CERT team", "shape"), ("Room 12", "anything")]
    assert not matcher(nlp.make_doc("Room 12 is free.")).spans[ORG_PATTERNS]


def test_a_pickled_matcher_drops_its_tables_and_finds_the_same(nlp):
    text = _texts()[0]
    before = _spans(nlp(text), [FUNCTION_PATTERNS, ORG_PATTERNS])
    matcher = nlp.get_pipe("anchored_matcher")
    assert matcher._index is not None
    copy = pickle.loads(pickle.dumps(nlp))
    assert copy.get_pipe("anchored_matcher")._index is None
    assert _spans(copy(text), [FUNCTION_PATTERNS, ORG_PATTERNS]) == before


def test_matches_reaching_before_and_after_the_required_words_are_all_found():
    """The matcher runs each pattern only between its first and last possible required words, widened by
    what the pattern can hold before and after them: nothing outside that window can match."""
    from pipeline.nlp import _most_tokens
    assert _most_tokens([{"OP": "?"}, {"LOWER": "a"}, {"OP": "{0,3}"}, {"OP": "{2}"}, {"OP": "!"}]) == 8
    assert _most_tokens([{"OP": "+"}]) is None and _most_tokens([{"OP": "{1,}"}]) is None
    nlp = blank_english()
    matcher = AnchoredMatcher(nlp, [FUNCTION_PATTERNS, ORG_PATTERNS])
    matcher.add(FUNCTION_PATTERNS, "FUNCTION", "f", "f/wide",
                [{"IS_TITLE": True, "OP": "{0,2}"}, {"LOWER": "verb"}, {"OP": "{0,2}"}, {"LOWER": "noun"},
                 {"IS_DIGIT": True, "OP": "?"}, {"IS_ALPHA": True}])
    matcher.add(FUNCTION_PATTERNS, "FUNCTION", "g", "g/open", [{"IS_TITLE": True, "OP": "+"}, {"LOWER": "verb"}])
    doc = matcher(nlp.make_doc("Big Red verb the noun 7 now, verb noun verb x y noun 3 z and Some Title verb."))
    got = _spans(doc, matcher.spans_keys)
    assert got == _every_pattern_on_every_sentence(matcher, doc)
    assert len(got[FUNCTION_PATTERNS]) > 4
