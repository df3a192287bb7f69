"""Organizations named only by the company they keep: owners and list members.

Many organizations carry no head word a shape rule could see ("Microsoft",
"ESET", "Europol") and are never defined with an acronym. Two contexts still
fix them as organizations, whatever their spelling:

* **owners**: a capitalized name in the possessive directly before an
  organization owns it ("Microsoft's Digital Crimes Unit", "INTERPOL's
  Cybercrime Directorate", "Lumen's Black Lotus Labs");
* **list members**: the items of a list that a plural kind of organization
  introduces ("Its partners include FS-ISAC, ESET, NTT and Symantec",
  "agencies (e.g. Eurojust, EEAS, ENISA)", "companies such as Kaspersky").

Guards: a place is neither ("Canada's Communications Security
Establishment"; "partners such as France"); a single capitalized word that is
a common English word is not a name ("Commission", "Today's"); items run only
over capitalized words, so a list stops at the first lowercase word that is
not a connector. The word lists (kinds, openers) are in ``rules/org_shapes.yml``
and the places in ``rules/places.yml``. Pure functions over a parsed Doc.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy
from spacy.tokens import Doc

from pipeline.linking.cues import _IRREGULAR_PAST
from pipeline.names import name_key, place_keys
from pipeline.tokens import TokenView

POSSESSIVE_MARKERS = {"'s", "’s", "'", "’"}     # also read by pipeline.extract
_SEPARATORS = {",", "and", "or", "&", "as", "well"}
_ITEM_JOINERS = {"of", "for", "on", "and", "the", "&", "-", "de"}
MAX_ITEM_TOKENS = 6


@dataclass(frozen=True)
class ContextLexicon:
    """The word lists this module reads, lowercased."""

    kinds: frozenset            # plural kinds of organization that open a list
    openers: tuple              # token sequences between the kind and the list
    places: frozenset           # name keys of countries, regions and subdivisions
    stopwords: frozenset        # words that never open a name
    non_acronyms: frozenset = frozenset()   # capitals that name things, not bodies ("ICT", "GDP")

    @classmethod
    def from_rules(cls, shapes: dict, places: dict) -> "ContextLexicon":
        return cls(
            kinds=frozenset(str(w).lower() for w in shapes.get("list_kinds", ())),
            openers=tuple(tuple(str(o).lower().split()) for o in shapes.get("list_openers", ())),
            places=place_keys(places),
            stopwords=frozenset(str(w).lower() for w in shapes.get("name_initial_stopwords", ())),
            non_acronyms=frozenset(str(w).lower() for w in shapes.get("non_org_acronyms", ())),
        )

    def is_place(self, text: str) -> bool:
        return name_key(text) in self.places


@dataclass(frozen=True)
class Found:
    """A character span the context says is an organization, and which context."""

    start: int
    end: int
    rule_id: str


def find_context_names(doc: Doc, taken: list[tuple[int, int]], lexicon: ContextLexicon,
                       common_word, view: TokenView | None = None,
                       verb_frames=frozenset()) -> list[Found]:
    """Owners, list members and acting acronyms of ``doc`` outside the token ranges in ``taken``.

    Args:
        taken: (start token, end token) of the organization mentions already
            chosen; owners are found before them, and nothing found overlaps them.
        common_word: ``lower -> bool``, true for common English words.
        view: the document's token view, when the caller has one.
        verb_frames: tokens where a function that opens with a lowercase verb
            begins ("trains ...", "invest CHF 8 million"), or a function returning
            them when first needed: an undefined acronym right before one acts
            (see :func:`_acting_acronym`).
    """
    view = TokenView(doc) if view is None else view
    texts, lowers = view.texts, view.lowers
    owned_at = {start for start, _ in taken}
    busy = bytearray(view.n)
    for start, end in taken:
        busy[start:end] = b"\x01" * (end - start)
    found: list[Found] = []

    def accept(start: int, end: int, rule_id: str) -> None:
        if end <= start or any(busy[start:end]):
            return
        words = [k for k in range(start, end) if view.is_alpha[k] or "-" in texts[k]]
        if not words or lexicon.is_place(view.span_text(start, end)) or lowers[start] in lexicon.stopwords:
            return
        if len(words) == 1 and not view.is_upper[words[0]] and common_word(lowers[words[0]]):
            return
        busy[start:end] = b"\x01" * (end - start)
        found.append(Found(view.idx[start], view.end_char(end - 1), rule_id))

    # Only tokens whose string can start a context are looked at.
    possessives = [i for i, text in enumerate(texts) if text in POSSESSIVE_MARKERS]
    kinds = [i for i, lower in enumerate(lowers) if lower in lexicon.kinds]

    # Owners: "Microsoft ’s [Digital Crimes Unit]".
    for i in possessives:
        if i + 1 in owned_at and i > 0 and _capital(texts[i - 1]):
            start = i - 1
            while start - 1 >= 0 and i - start < 4 and _capital(texts[start - 1]) and not busy[start - 1]:
                start -= 1
            while start < i - 1 and lowers[start] in lexicon.stopwords:
                start += 1
            accept(start, i, "context:owner")

    # List members: "partners include A, B and C".
    for i in kinds:
        k = _after_opener(view, i + 1, lexicon.openers)
        if k is None:
            k = _after_short_clause(view, i + 1)
        if k is None:
            continue
        for start, end in _items(view, k):
            accept(start, end, "context:list_member")

    # Acting acronyms: "SECO will invest CHF 8 million". The frames are read only for a
    # word in capitals that could be one (most documents have none).
    frames = None
    for i in numpy.flatnonzero(view.is_upper).tolist():
        k = _acting_acronym(view, i, lexicon, common_word) if not busy[i] else None
        if k is None:
            continue
        if frames is None:
            frames = verb_frames() if callable(verb_frames) else verb_frames
        if k in frames:
            accept(i, i + 1, "context:acronym_subject")
    return sorted(found, key=lambda f: f.start)


# Words between an acting acronym and its verb: "SECO will invest", "WACREN has recently trained".
_AUXILIARY_WORDS = {"will", "would", "shall", "can", "could", "may", "has", "have", "had", "is", "was", "also",
                    "recently", "now", "today", "jointly", "already", "further"}
# What may stand right before it: the start of a clause.
_CLAUSE_OPENING = {".", ",", ";", ":", "and", "the", "The", "\n", "\n\n"}


def _acting_acronym(view: TokenView, i: int, lexicon: ContextLexicon, common_word) -> int | None:
    """Where the verb of token ``i`` stands if ``i`` may be an undefined acronym that opens a
    clause and acts: capitals (3 to 8 letters or digits, a letter first), after the start of a
    clause, and followed by a lowercase verb, directly in -s or -ed ("WACREN trains ...") or
    after an auxiliary ("SECO will invest ..."). The caller checks that a function opens there."""
    texts, n = view.texts, view.n
    word = texts[i]
    if not (3 <= len(word) <= 8 and word[0].isalpha() and word.isalnum() and word.isupper()):
        return None
    if i > 0 and texts[i - 1].strip() and texts[i - 1] not in _CLAUSE_OPENING:
        return None
    if i > 0 and texts[i - 1].isupper() and texts[i - 1].isalpha() or i + 1 < n and texts[i + 1].isupper():
        return None      # a line in capitals: "WACREN TRAINS ENGINEERS"
    k = i + 1
    while k < n and k - i <= 3 and texts[k] in _AUXILIARY_WORDS:
        k += 1
    verb = k + 2 if k + 2 < n and texts[k] == "co" and texts[k + 1] == "-" else k    # "KOTRA co-hosted"
    if k >= n or not texts[k][:1].islower() or not (k > i + 1 or texts[verb].endswith(("s", "ed"))
                                                     or texts[verb] in _IRREGULAR_PAST):
        return None      # "WACREN trains", "CCCPA held a workshop"
    lower = word.lower()
    if lower in lexicon.non_acronyms or common_word(lower) or lexicon.is_place(word):
        return None
    return k


def _capital(text: str) -> bool:
    return text[:1].isupper() and any(c.isalpha() for c in text)


@functools.lru_cache(maxsize=8)
def _longest(openers: tuple) -> int:
    """Words in the longest opener (asked after every kind word: worked out once per opener list)."""
    return max((len(o) for o in openers), default=0)


def _after_opener(view: TokenView, k: int, openers: tuple) -> int | None:
    """The token after "such as" / "including" / "(e.g." following a kind word, or None."""
    n, texts = view.n, view.texts
    if k < n and texts[k] == "(":
        k += 1
    following = tuple(view.lowers[k:k + _longest(openers)])
    for opener in openers:
        if following[:len(opener)] == opener:
            k += len(opener)
            while k < n and texts[k] in (",", ":"):
                k += 1
            return k
    return None


_INCLUDE = {"include", "includes", "included"}


def _after_short_clause(view: TokenView, k: int) -> int | None:
    """The token after "include" when up to four lowercase words stand between the kind
    and it: "Other donors supporting the programme include the GCF, the EU ..."."""
    lowers, texts = view.lowers, view.texts
    for j in range(k, min(k + 5, view.n)):
        if lowers[j] in _INCLUDE:
            if j == k:
                return None      # right after the kind, "include" is an opener of its own
            j += 1
            while j < view.n and texts[j] in (",", ":"):
                j += 1
            return j
        if not (view.is_alpha[j] and texts[j].islower()) or lowers[j] in _RELATIVES or lowers[j] in _NOT_A_LIST \
                or lowers[j].endswith("ed"):
            return None      # "agencies that include", "should include", "funded through ... include": no list of them
    return None


_RELATIVES = {"that", "which", "who", "whose"}
# Words that make "include" say what something should contain, not who is in a list.
_NOT_A_LIST = {"to", "should", "must", "may", "might", "can", "could", "will", "would", "shall", "often", "also",
               "now", "are", "is", "were", "was", "be", "been", "always", "usually", "generally", "typically"}


def _items(view: TokenView, k: int):
    """(start, end) token ranges of the capitalized items of a list starting at token ``k``."""
    n, texts, lowers = view.n, view.texts, view.lowers
    while k < n:
        while k < n and (lowers[k] in _SEPARATORS or lowers[k] == "the"):
            k += 1
        if k >= n or not _capital(texts[k]):
            return
        start = end = k
        while end < n and end - start < MAX_ITEM_TOKENS:
            if _capital(texts[end]):
                end += 1
            elif lowers[end] in _ITEM_JOINERS and lowers[end] != "and" and end + 1 < n and _capital(texts[end + 1]):
                end += 1
            else:
                break
        if "\n" in view.span_text(start, end):
            return
        k = end
        if k < n and view.is_alpha[k] and texts[k].islower() and lowers[k] not in _SEPARATORS:
            # "the Canadian government", "the Lagos office": the capitals only describe a noun.
            while k < n and view.is_alpha[k] and texts[k].islower() and lowers[k] not in _SEPARATORS \
                    and k - end < 3:
                k += 1
            if k < n and lowers[k] in _SEPARATORS:
                continue
            return
        yield start, end
        # "Lumen's Black Lotus Labs": the owner and what it owns are both items.
        if k + 1 < n and texts[k] in POSSESSIVE_MARKERS and _capital(texts[k + 1]):
            k += 1
            continue
        if k < n and lowers[k] not in _SEPARATORS:
            return
