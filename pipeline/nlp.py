"""Build the spaCy pipeline that the rules describe.

The pipeline is ``spacy.blank("en")`` (no statistical model: nothing to
download, and a rule system runs far faster) with:

* token norms set once per vocabulary entry to the lowercase lookup lemma with
  British spellings folded (``Organisations`` → ``organization``), so phrase
  patterns survive inflection and spelling at no per-token cost;
* three SpanRulers: organization names (PhraseMatcher on NORM), acronyms
  (PhraseMatcher on ORTH, case-sensitive so "who" is never WHO) and function
  phrases (PhraseMatcher on NORM); the pattern ``id`` carries the canonical id;
* an anchored token matcher for the few token patterns (function verb-object
  patterns, generic organization patterns). Token patterns cost time on every
  token they are tried at, so each runs only on sentences that contain one of
  its anchor words;
* the organization-shape scanner (:mod:`pipeline.shapes`).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy
import spacy
from spacy.attrs import IS_SPACE, LOWER, NORM, ORTH
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex

from pipeline.corpus import MAX_CHARS
from pipeline.names import fold_spelling, surface_variants
from pipeline.rules import Rules, thaw

ORG_NAMES, ORG_ACRONYMS, ORG_PATTERNS = "org_names", "org_acronyms", "org_patterns"
SHORT_NAME = "ORG_SHORT"     # the label of a gazetteer short name ("the Security Council"): it needs context
FUNCTION_PHRASES, FUNCTION_PATTERNS = "function_phrases", "function_patterns"

# Lemmas from the lookup table that are wrong for matching purposes.
_LEMMA_OVERRIDES = {"first": "first", "data": "data", "media": "media", "us": "us", "best": "best",
                    "better": "better", "left": "left", "united": "united", "nations": "nation",
                    "states": "state", "tools": "tool", "rules": "rule", "aids": "aids",
                    # The lookup table gives "develope" for these (but "develop" for "develops"),
                    # so no LEMMA develop pattern matched "developed standards" or "developing strategies".
                    "developed": "develop", "developing": "develop", "developes": "develop"}


@functools.lru_cache(maxsize=1)
def _lemma_table():
    """spaCy's English lookup lemmas (a Table: string keys are hashed on lookup)."""
    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


def token_norm(text: str) -> str:
    """The norm every token gets: lowercase lookup lemma, British spelling folded."""
    lower = text.lower()
    lemma = _LEMMA_OVERRIDES.get(lower)
    if lemma is None:
        # The lookup table is not closed ("warnings" -> "warning" -> "warn"):
        # follow it to a fixed point so every form of a word gets one norm.
        lemma = lower
        for _ in range(3):
            nxt = _lemma_table().get(lemma, lemma)
            if not isinstance(nxt, str) or nxt == lemma or (not nxt.isalpha() and lemma.isalpha()):
                break
            lemma = nxt
    return fold_spelling(lemma)


def is_english_word(acronym: str) -> bool:
    """True for acronyms that are also common English words (WHO, FIRST, IMPACT).

    Such acronyms only count as names in name-like context. Two-letter
    acronyms (UN, EU, AU) are never flagged: written in capitals they are names.
    """
    if len(acronym) < 3 or not acronym.isalpha():
        return False
    return _english_word(acronym.lower())


def is_common_word(lower: str) -> bool:
    """A lowercase word that is a stop word or an inflected English word ("commission", "lumen")."""
    return _english_word(lower)


@functools.lru_cache(maxsize=4096)
def _english_word(lower: str) -> bool:
    """A stop word, or a word the lemma table knows inflected forms of ("impacts", "cares")."""
    table = _lemma_table()
    return lower in STOP_WORDS or lower in table or f"{lower}s" in table or f"{lower}ed" in table


class TailSearch:
    """A tokenizer suffix search that reads only the end of the string.

    spaCy strips a token's suffixes one at a time and searches the whole
    remaining string for a suffix each time; its suffix expression (an
    alternation ending in ``$``) is tried at every position. A run of
    punctuation without spaces ("=====...", "((((...") therefore cost time
    quadratic in its length: 4,000 "=" took six seconds and a 40,000-character
    run did not finish. Suffixes are short, so the search starts
    :data:`TAIL` characters before the end (lookbehinds still see what comes
    before). Only a suffix longer than that (a run of more than 64 dots) is cut
    into several tokens instead of one.
    """

    TAIL = 64

    def __init__(self, regex: re.Pattern):
        self.__self__ = regex          # what spaCy's serializer reads from a bound ``regex.search``

    def __call__(self, string: str):
        return self.__self__.search(string, max(0, len(string) - self.TAIL))

    def __reduce__(self):
        return TailSearch, (self.__self__,)


def blank_english() -> Language:
    """spaCy's English tokenizer with our token norms installed on the vocabulary."""
    nlp = spacy.blank("en")
    nlp.tokenizer.suffix_search = TailSearch(nlp.tokenizer.suffix_search.__self__)
    # "(UIS)/UNICEF": spaCy splits a slash only between letters, so a closing bracket kept
    # "UIS)/UNICEF" one token and the second name was never seen.
    nlp.tokenizer.infix_finditer = compile_infix_regex(
        (*nlp.Defaults.infixes, r"(?<=[A-Za-z0-9])[)\]](?=/[A-Za-z])", r"(?<=[)\]])/(?=[A-Za-z])")).finditer
    # Normalization can lengthen a text a little (a paragraph separator becomes a
    # blank line, a ligature two letters): leave room above the corpus limit.
    nlp.max_length = 3 * MAX_CHARS
    nlp.vocab.lex_attr_getters[NORM] = token_norm
    for lexeme in nlp.vocab:
        lexeme.norm_ = token_norm(lexeme.orth_)
    for word in _PREFIXED_WORDS:
        for written in {word, word.capitalize(), word.upper(), "-".join(p.capitalize() for p in word.split("-"))}:
            nlp.tokenizer.add_special_case(written, [{ORTH: written, NORM: token_norm(word.replace("-", ""))}])
    return nlp


# British and UN usage hyphenates these words ("co-operation", "co-ordinate"). spaCy splits
# a hyphen between letters, so "co-operation between" was three tokens that no pattern for
# "cooperation between" matched. Kept whole, they carry the norm of the unhyphenated word.
_PREFIXED_WORDS = tuple(f"co-{stem}{ending}" for stem, endings in (
    ("operat", ("e", "es", "ed", "ing", "ion", "ions", "ive", "ively", "ives")),
    ("ordinat", ("e", "es", "ed", "ing", "ion", "or", "ors")),
) for ending in endings)


@dataclass(frozen=True)
class AnchoredPattern:
    key: str            # spans key the match goes to
    label: str
    id: str             # canonical id (function id, or '' for generic organization patterns)
    rule_id: str        # the pattern that fired, kept on the span as kb_id
    requires: tuple     # per required token: frozenset of (attribute id, string hash) it can match
    matcher: object
    before: int | None = None   # most tokens a match holds before its first required token (None: no limit)
    after: int | None = None    # most tokens a match holds after its last required token (None: no limit)


@Language.factory("anchored_matcher", default_config={"spans_keys": [FUNCTION_PATTERNS, ORG_PATTERNS]})
def make_anchored_matcher(nlp: Language, name: str, spans_keys: list[str]):
    return AnchoredMatcher(nlp, spans_keys)


_ANCHOR_ATTRS = {"ORTH": ORTH, "TEXT": ORTH, "LOWER": LOWER, "NORM": NORM}


class AnchoredMatcher:
    """Run each token pattern only on the sentences that hold all of its required words.

    spaCy's Matcher costs time on every token for every pattern. A pattern like
    "develop ... standards" can only match a sentence that contains one of its
    verbs AND one of its objects, so the Matcher runs on a few sentences
    instead of the whole document.

    The test is vectorized, because a per-sentence Python loop (a set of token
    hashes checked against every pattern) cost as much as the Matcher itself:
    every distinct required token ("one of these verbs") gets a bit; each token
    gets the bits of the requirements it satisfies (a sorted-hash lookup per
    attribute); a sentence's bits are the OR of its tokens' bits
    (``bitwise_or.reduceat``); a pattern runs on a sentence that has all of
    its bits. The lookup tables are derived from ``patterns`` on first use and
    are not pickled (see :meth:`__getstate__`).

    The Matcher then sees only the part of the sentence where a match can be:
    from the first token that can be the pattern's first required token, less
    the most tokens the pattern holds before it, to the last token that can be
    its last required token, plus the most it holds after it. Most such
    windows are a few tokens, and the Matcher's cost is per token.
    """

    def __init__(self, nlp: Language, spans_keys: list[str]):
        self.spans_keys = spans_keys
        self.patterns: list[AnchoredPattern] = []
        self.nlp = nlp
        self._index = None
        self._newline = {}

    def __getstate__(self) -> dict:
        # The derived tables are rebuilt from ``patterns`` on first use: keeps
        # pickles (pipeline.cache) small and independent of what was matched.
        return {**self.__dict__, "_index": None, "_newline": {}}

    def add(self, key: str, label: str, entity_id: str, rule_id: str, pattern: list[dict]) -> None:
        pattern = _lemma_to_norm(pattern)
        matcher = Matcher(self.nlp.vocab, validate=True)
        matcher.add(rule_id, [pattern])
        strings = self.nlp.vocab.strings
        requires, required_at = [], []
        for position, token in enumerate(pattern):
            if token.get("OP") in ("?", "*", "!") or str(token.get("OP", "")).startswith("{0"):
                continue
            options = set()
            for attr, value in token.items():
                if attr not in _ANCHOR_ATTRS:
                    continue
                values = [value] if isinstance(value, str) else (value.get("IN") if isinstance(value, dict) else None)
                if not isinstance(values, list) and not isinstance(value, str):
                    continue
                for v in values:
                    options.add((_ANCHOR_ATTRS[attr], strings.add(v)))
            if options:
                requires.append(frozenset(options))
                required_at.append(position)
        before = after = None
        if required_at:
            before = _most_tokens(pattern[:required_at[0]])
            after = _most_tokens(pattern[required_at[-1] + 1:])
        self.patterns.append(AnchoredPattern(key, label, entity_id, rule_id, tuple(requires), matcher, before, after))
        self._index = None

    def __call__(self, doc: Doc) -> Doc:
        found: dict[str, list] = {key: [] for key in self.spans_keys}
        if self.patterns and len(doc):
            index = self._index or self._build_index()
            table = doc.to_array(_COLUMNS)
            bits = index.token_bits(table)
            if bits.any():
                starts, ends = self._sentences(table, index.stops)
                sentence_bits = numpy.bitwise_or.reduceat(bits, starts, axis=0)
                # Sentences without any anchor word are never tried, not even by a pattern that requires none.
                candidates = numpy.flatnonzero(sentence_bits.any(axis=1))
                masks = index.pattern_masks
                runs = ((sentence_bits[candidates, None, :] & masks) == masks).all(axis=2)  # sentences x patterns
                # (sentence, pattern) pairs in sentence order, then pattern order: the order of the spans.
                pairs = numpy.argwhere(runs)
                lo, hi = index.windows(bits, starts, ends, candidates, pairs)
                keep = numpy.flatnonzero(lo < hi)
                for p, lo_, hi_ in zip(pairs[keep, 1].tolist(), lo[keep].tolist(), hi[keep].tolist()):
                    pattern = self.patterns[p]
                    for _, s, e in pattern.matcher(doc[lo_:hi_]):
                        found[pattern.key].append(Span(doc, lo_ + s, lo_ + e, label=pattern.label,
                                                       span_id=pattern.id, kb_id=pattern.rule_id))
        for key, spans in found.items():
            doc.spans[key] = spans
        return doc

    def _sentences(self, table, stops):
        """First and last token of each sentence: a sentence ends at . ! ? ; or at whitespace with a newline.

        Whitespace tokens are tested once per distinct string (cached by hash), not once per token.
        """
        space = numpy.unique(table[table[:, _IS_SPACE] != 0, _ORTH]).tolist()
        breaks = [h for h in space if self._has_newline(h)]
        boundary = numpy.isin(table[:, _ORTH], numpy.concatenate((stops, numpy.array(breaks, dtype=numpy.uint64))))
        ends = numpy.flatnonzero(boundary)
        last = len(table) - 1
        if not len(ends) or ends[-1] != last:
            ends = numpy.append(ends, last)
        starts = numpy.concatenate(([0], ends[:-1] + 1))
        return starts, ends

    def _has_newline(self, orth: int) -> bool:
        known = self._newline.get(orth)
        if known is None:
            known = self._newline[orth] = "\n" in self.nlp.vocab.strings[orth]
        return known

    def _build_index(self) -> _AnchorIndex:
        bit_of: dict[frozenset, int] = {}      # one bit per distinct required token
        for p in self.patterns:
            for need in p.requires:
                bit_of.setdefault(need, len(bit_of))
        words = max(1, -(-len(bit_of) // 64))  # uint64 words per mask

        def mask(bits) -> numpy.ndarray:
            out = numpy.zeros(words, dtype=numpy.uint64)
            for b in bits:
                out[b // 64] |= numpy.uint64(1 << (b % 64))
            return out

        bits_by_key: dict[tuple, set] = {}     # (attribute, hash) -> bits of the requirements it satisfies
        for need, b in bit_of.items():
            for key in need:
                bits_by_key.setdefault(key, set()).add(b)
        lookup = {}
        for attr in _ANCHOR_COLUMNS:
            hashes = sorted(h for a, h in bits_by_key if a == attr)
            if hashes:
                lookup[_ANCHOR_COLUMNS[attr]] = (numpy.array(hashes, dtype=numpy.uint64),
                                                 numpy.array([mask(bits_by_key[attr, h]) for h in hashes]))
        strings = self.nlp.vocab.strings
        # The bits whose first and last positions in a sentence bound where a pattern can match.
        edge_bits: dict[int, int] = {}
        edge_first, edge_last, before, after = [], [], [], []
        for p in self.patterns:
            bounded = p.requires and p.before is not None and p.after is not None
            edge_first.append(edge_bits.setdefault(bit_of[p.requires[0]], len(edge_bits)) if bounded else -1)
            edge_last.append(edge_bits.setdefault(bit_of[p.requires[-1]], len(edge_bits)) if bounded else -1)
            before.append(p.before if bounded else 0)
            after.append(p.after if bounded else 0)
        self._index = _AnchorIndex(
            lookup=lookup,
            pattern_masks=numpy.array([mask(bit_of[need] for need in p.requires) for p in self.patterns]),
            stops=numpy.array([strings[s] for s in (".", "!", "?", ";")], dtype=numpy.uint64),
            edge_bits=tuple(edge_bits), edge_first=numpy.array(edge_first), edge_last=numpy.array(edge_last),
            before=numpy.array(before), after=numpy.array(after))
        return self._index


_COLUMNS = [ORTH, LOWER, NORM, IS_SPACE]           # the columns of ``doc.to_array`` the matcher reads
_ORTH, _IS_SPACE = 0, 3
_ANCHOR_COLUMNS = {ORTH: 0, LOWER: 1, NORM: 2}


@dataclass(frozen=True)
class _AnchorIndex:
    """What :class:`AnchoredMatcher` derives from its patterns to test a document in a few numpy calls."""

    lookup: dict                # column -> (sorted anchor hashes, their requirement bits: hashes x words)
    pattern_masks: object       # patterns x words: the bits each pattern requires
    stops: object               # hashes of the sentence-ending punctuation
    edge_bits: tuple = ()       # requirement bits whose positions bound a pattern's matches
    edge_first: object = None   # per pattern: its first required token's column among edge_bits, or -1 if unbounded
    edge_last: object = None    # per pattern: the same for its last required token
    before: object = None       # per pattern: the most tokens it holds before its first required token
    after: object = None        # per pattern: the most after its last

    def windows(self, bits, starts, ends, rows, pairs) -> tuple:
        """Token windows [lo, hi) where each (candidate sentence, pattern) pair in ``pairs`` can match.

        A pattern with edges matches within ``before`` tokens of the first token of
        its sentence that can be its first required token, and ``after`` tokens of
        the last that can be its last one; a pattern without edges gets the whole
        sentence. ``rows`` maps candidate numbers to sentence numbers.
        """
        sentence = rows[pairs[:, 0]]
        lo, hi = starts[sentence], ends[sentence] + 1
        if not self.edge_bits or not len(pairs):
            return lo, hi
        pattern = pairs[:, 1]
        bounded = self.edge_first[pattern] >= 0
        k, sentence_k = pattern[bounded], sentence[bounded]
        if not len(k):
            return lo, hi
        # Only the edge bits of the patterns that run here: columns of `held`.
        firsts, lasts = self.edge_first[k], self.edge_last[k]
        need = numpy.unique(numpy.concatenate((firsts, lasts)))
        edge_bits = numpy.array(self.edge_bits)[need]
        held = ((bits[:, edge_bits // 64] >> (edge_bits % 64).astype(numpy.uint64)) & numpy.uint64(1)).astype(bool)
        n = len(bits)
        position = numpy.arange(n)[:, None]
        first = numpy.minimum.reduceat(numpy.where(held, position, n), starts, axis=0)
        last = numpy.maximum.reduceat(numpy.where(held, position, -1), starts, axis=0)
        lo[bounded] = numpy.maximum(lo[bounded], first[sentence_k, numpy.searchsorted(need, firsts)] - self.before[k])
        hi[bounded] = numpy.minimum(hi[bounded], last[sentence_k, numpy.searchsorted(need, lasts)] + 1 + self.after[k])
        return lo, hi

    def token_bits(self, table) -> numpy.ndarray:
        """tokens x words: the bits of the requirements each token satisfies."""
        bits = numpy.zeros((len(table), self.pattern_masks.shape[1]), dtype=numpy.uint64)
        for column, (hashes, masks) in self.lookup.items():
            values = table[:, column]
            pos = numpy.minimum(numpy.searchsorted(hashes, values), len(hashes) - 1)
            hit = hashes[pos] == values
            bits[hit] |= masks[pos[hit]]
        return bits


_REPEAT = re.compile(r"\{(\d*)(,?)(\d*)\}")


def _most_tokens(tokens: list[dict]) -> int | None:
    """The most tokens a run of pattern tokens can match, or None when unbounded ("+", "*", "{2,}")."""
    total = 0
    for token in tokens:
        op = token.get("OP")
        if op in (None, "!", "?"):          # "!" matches one token that fails the test
            total += 1
            continue
        repeat = _REPEAT.fullmatch(str(op))
        if repeat is None or (repeat.group(2) and not repeat.group(3)):
            return None
        total += int(repeat.group(3) if repeat.group(2) else repeat.group(1))
    return total


def _lemma_to_norm(pattern: list[dict]) -> list[dict]:
    """Rule files say LEMMA; our lemma lives in NORM (see module docstring)."""
    out = []
    for token in pattern:
        token = dict(token)
        if "LEMMA" in token:
            value = token.pop("LEMMA")
            if isinstance(value, str):
                value = token_norm(value)
            elif isinstance(value, dict):
                value = {op: ([token_norm(v) for v in vals] if isinstance(vals, list) else vals)
                         for op, vals in value.items()}
            token["NORM"] = value
        out.append(token)
    return out


def phrase_variants(phrase: str) -> set[str]:
    """A trigger phrase with each gap written as a space or a hyphen, and hyphens closed up.

    "capacity building" also matches "capacity-building"; "co-operation" also
    matches "co operation" and "cooperation". Phrases of up to four words get
    every combination; longer ones only all-spaces and all-hyphens.
    """
    words = phrase.replace("-", " ").split()
    variants = set(surface_variants(phrase))
    gaps = len(words) - 1
    if 0 < gaps <= 3:
        for mask in range(1 << gaps):
            out = words[0]
            for k, word in enumerate(words[1:]):
                out += ("-" if mask >> k & 1 else " ") + word
            variants.add(out)
    elif gaps > 3:
        variants |= {" ".join(words), "-".join(words)}
    return variants


def build_nlp(rules: Rules) -> Language:
    """Compile the rules into a spaCy pipeline (see module docstring)."""
    nlp = blank_english()
    names = nlp.add_pipe("span_ruler", name="org_name_ruler",
                         config={"spans_key": ORG_NAMES, "phrase_matcher_attr": "NORM", "validate": True,
                                 "overwrite": True})
    acronyms = nlp.add_pipe("span_ruler", name="org_acronym_ruler",
                            config={"spans_key": ORG_ACRONYMS, "phrase_matcher_attr": "ORTH", "validate": True,
                                    "overwrite": True})
    functions = nlp.add_pipe("span_ruler", name="function_phrase_ruler",
                             config={"spans_key": FUNCTION_PHRASES, "phrase_matcher_attr": "NORM",
                                     "validate": True, "overwrite": True})
    name_patterns, acronym_patterns, seen = [], [], set()
    for org in rules.organizations:
        names_and_labels = [(n, "ORG") for n in (org.name, *org.aliases)] + [(n, SHORT_NAME) for n in org.short_names]
        for name, label in names_and_labels:
            for variant in sorted(surface_variants(name)):
                key = (org.id, tuple(token_norm(t) for t in variant.split()))
                if key in seen:
                    continue
                seen.add(key)
                name_patterns.append({"label": label, "pattern": variant, "id": org.id})
        for acronym in org.acronyms:
            acronym_patterns.append({"label": "ORG", "pattern": acronym, "id": org.id})
            if "-" in acronym or " " in acronym:
                for variant in sorted(surface_variants(acronym) | {acronym.replace(" ", "")}):
                    if variant != acronym:
                        acronym_patterns.append({"label": "ORG", "pattern": variant, "id": org.id})
    names.add_patterns(name_patterns)
    acronyms.add_patterns(acronym_patterns)
    phrase_patterns = []
    for fn in rules.functions:
        for phrase in fn.phrases:
            for variant in sorted(phrase_variants(phrase)):
                phrase_patterns.append({"label": "FUNCTION", "pattern": variant, "id": fn.id})
    functions.add_patterns(phrase_patterns)
    anchored = nlp.add_pipe("anchored_matcher")
    for fn in rules.functions:
        for pattern in fn.patterns:
            anchored.add(FUNCTION_PATTERNS, "FUNCTION", fn.id, f"{fn.id}/{pattern.id}", thaw(pattern.pattern))
    for pattern in rules.org_patterns:
        anchored.add(ORG_PATTERNS, "ORG", "", pattern.id, thaw(pattern.pattern))
    return nlp


def load_nlp(rules_dir) -> tuple[Language, Rules]:
    """Load and validate the rules in ``rules_dir`` and return their pipeline.

    The compiled pipeline is cached on disk (:mod:`pipeline.cache`), keyed by the
    rule files, the library versions and this module's source; the rules are
    validated on every call. ``ORGFUNCTIONS_CACHE=off`` always builds.
    """
    from pipeline.cache import load_nlp_cached
    return load_nlp_cached(rules_dir)
