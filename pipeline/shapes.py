"""Find organization-shaped names that no gazetteer lists.

A name is a run of capitalized words joined by connectors ("of", "for", "on",
"and", ...) that contains a head word naming a kind of body ("Council",
"Agency", "Initiative"): "Commonwealth Cybercrime Initiative", "Forum of
Incident Response", "Atlantic Council". The word lists live in
``rules/org_shapes.yml``; this module only walks the tokens.

Guards against what only looks like a name (each list is in the rule file):
sentence-initial and heading capitals, generic phrases ("International
Organizations", "member states"), documents, treaties, events and goals
("Budapest Convention", "World Summit", "Sustainable Development Goals").

Known limits: a coordinated name whose second conjunct holds its own head word
("Forum of Incident Response and Security Teams") is cut at "and" unless the
gazetteer or an acronym definition supplies the full name; lowercase names
("the cyber police unit") are not found.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from pipeline.names import name_key


@dataclass(frozen=True)
class ShapeLexicon:
    """The word lists of ``rules/org_shapes.yml``, lowercased for lookup."""

    heads: frozenset
    head_types: dict
    connectors: frozenset
    initial_stopwords: frozenset
    generic_modifiers: frozenset
    place_modifiers: frozenset
    generic_phrases: frozenset
    non_org_heads: frozenset
    non_org_names: frozenset

    @classmethod
    def from_rules(cls, shapes: dict) -> "ShapeLexicon":
        low = lambda key: frozenset(str(w).lower() for w in shapes.get(key, ()))  # noqa: E731
        return cls(
            heads=low("head_words"),
            head_types={str(k).lower(): v for k, v in (shapes.get("head_types") or {}).items()},
            connectors=low("connectors"),
            initial_stopwords=low("name_initial_stopwords"),
            generic_modifiers=low("generic_modifiers"),
            place_modifiers=low("place_modifiers"),
            generic_phrases=frozenset(_singular_key(p) for p in shapes.get("generic_phrases", ())),
            non_org_heads=low("non_org_heads"),
            non_org_names=frozenset(name_key(p) for p in shapes.get("non_org_names", ())),
        )

    def head_of(self, word: str) -> str | None:
        """The head word a token stands for, plural or singular, or None."""
        lower = word.lower()
        if lower in self.heads:
            return lower
        for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
            if lower.endswith(suffix) and lower[: -len(suffix)] + repl in self.heads:
                return lower[: -len(suffix)] + repl
        return None

    def is_non_org_head(self, word: str) -> bool:
        lower = word.lower()
        return lower in self.non_org_heads or (lower.endswith("s") and lower[:-1] in self.non_org_heads)


def _singular_key(text: str) -> str:
    words = name_key(text).split()
    if words and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


_CAP_CACHE: dict[str, bool] = {}


def _cap_text(text: str) -> bool:
    cached = _CAP_CACHE.get(text)
    if cached is None:
        cached = _CAP_CACHE[text] = text[:1].isupper() and any(c.isalpha() for c in text)
        if len(_CAP_CACHE) > 500_000:
            _CAP_CACHE.clear()
    return cached


def capitals(doc: Doc) -> list[bool]:
    """Per token: a capitalized word, or the lowercase tail of a hyphenated capitalized word ("Co-operation")."""
    texts = [t.text for t in doc]
    spaces = [bool(t.whitespace_) for t in doc]
    caps = [_cap_text(t) for t in texts]
    for i in range(2, len(texts)):
        if not caps[i] and texts[i - 1] in ("-", "\u2010", "\u2011") and not spaces[i - 1] and not spaces[i - 2] \
                and caps[i - 2] and any(c.isalpha() for c in texts[i]):
            caps[i] = True
    return caps


def find_shaped_names(doc: Doc, lexicon: ShapeLexicon, known: set[int]) -> list[Span]:
    """Organization-shaped spans of ``doc``.

    Args:
        known: indices of tokens already inside a gazetteer name or acronym;
            a name does not extend into them (so "Council of Europe and OSCE"
            stops before "OSCE").
    Returns:
        Spans labelled ORG with ``kb_id_`` set to the shape rule that fired and
        ``id_`` empty (the id is given later from the name).
    """
    caps = capitals(doc)
    lowers = [t.lower_ for t in doc]
    breaks = [("\n" in t.whitespace_) or t.is_space for t in doc]
    uppers = [t.is_upper for t in doc]
    spans: list[Span] = []
    n = len(doc)
    i = 0
    while i < n:
        if not caps[i]:
            i += 1
            continue
        # A known acronym may open a name ("EU Cyber Capacity Building Network"),
        # but a name never runs into a known name or acronym further right.
        leading_acronym = i in known and uppers[i] and i + 1 < n and (i + 1) not in known \
            and caps[i + 1] and not breaks[i]
        if i in known and not leading_acronym:
            i += 1
            continue
        j = last_cap = i
        while j + 1 < n:
            if breaks[j] or breaks[j + 1] or (j + 1) in known:
                break
            if caps[j + 1]:
                last_cap = j + 1
            elif lowers[j + 1] not in lexicon.connectors:
                break
            j += 1
        cursor = i
        while cursor <= last_cap:
            found = _name_in_run(doc, caps, cursor, last_cap, lexicon, known)
            if found is None:
                break
            span, resume = found
            if span is not None:
                spans.append(span)
            cursor = resume
        i = last_cap + 1
    return spans


_FUSED_TEAM = re.compile(r"[A-Za-z]{2,}(CERT|CSIRT|CIRT|SIRT)")


def find_fused_team_names(doc: Doc, known: set[int]) -> list[Span]:
    """One-word response teams: a name fused with CERT ("AfricaCERT", "tunCERT", "KrCERT").

    Spelled with its lowercase part, such a word is nothing but a name; all
    capitals ("APCERT") it is an acronym the gazetteer or a definition handles.
    """
    return [Span(doc, t.i, t.i + 1, label="ORG", kb_id=f"shape:{_FUSED_TEAM.fullmatch(t.text).group(1).lower()}")
            for t in doc if t.i not in known and not t.is_upper and _FUSED_TEAM.fullmatch(t.text)]


def _name_in_run(doc: Doc, caps: list[bool], run_start: int, run_end: int, lexicon: ShapeLexicon,
                  known: set[int]):
    """The first name in tokens run_start..run_end: (span or None, where to resume), or None."""
    first = next((k for k in range(run_start, run_end + 1) if caps[k] and lexicon.head_of(doc[k].text)),
                 None)
    if first is None:
        return None
    # The name starts at the capitalized group holding the first head word.
    start = first
    while start - 1 >= run_start and (caps[start - 1] or (
            doc[start - 1].text == "-" and start - 2 >= run_start and caps[start - 2])):
        start -= 1
    while start < first and doc[start].lower_ in lexicon.initial_stopwords:
        start += 1
    end = first + 1
    while end <= run_end and (caps[end] or (doc[end].text == "-" and end + 1 <= run_end
                                                      and caps[end + 1])):
        end += 1
    # "Internet Service Providers": a plural after the head word names a kind of
    # thing, not one organization.
    last_head = max(k for k in range(first, end) if caps[k] and lexicon.head_of(doc[k].text))
    if any(len(doc[k]) > 3 and doc[k].lower_.endswith("s") and not doc[k].lower_.endswith("ss")
           and not doc[k].is_upper for k in range(last_head + 1, end)):
        return None, end
    # Extend right over "of/for/on ... Capitalized" complements, and over
    # "and Capitalized" inside such a complement, but never into another name.
    in_complement = False
    k = end
    while k <= run_end:
        word = doc[k].lower_
        if word in ("and", "&") and (not in_complement or (k + 1 <= run_end and doc[k + 1].lower_ == "the")):
            break
        m = k
        while m <= run_end and not caps[m]:
            m += 1
        if m > run_end:
            break
        stop = m
        while stop <= run_end and caps[stop]:
            stop += 1
        if word in ("and", "&") and any(lexicon.head_of(doc[x].text) for x in range(m, stop)) and \
                not any(lexicon.head_of(doc[x].text) for x in range(first + 1, end)):
            pass  # "Forum of Incident Response and Security Teams": the head closes the complement
        in_complement = in_complement or word in ("of", "for", "on", "against", "in", "-")
        end = k = stop
    return _check(doc, caps, start, end, first, lexicon), end


def _check(doc: Doc, caps: list[bool], start: int, end: int, first: int, lexicon: ShapeLexicon) -> Span | None:
    if start >= end:
        return None
    tokens = doc[start:end]
    words = [doc[k] for k in range(start, end) if caps[k]]
    if len(words) < 2:
        return None
    # "Budapest Convention", "Council Framework Decision": a document or an event
    # when a non-organization head follows the last organization head word;
    # "Cybercrime Convention Committee" is the committee of a convention.
    last_head = max(i for i, t in enumerate(words) if lexicon.head_of(t.text))
    if any(lexicon.is_non_org_head(t.text) for t in words[last_head + 1:]) or lexicon.is_non_org_head(words[-1].text):
        return None
    key = name_key(tokens.text)
    if key in lexicon.non_org_names or _singular_key(tokens.text) in lexicon.generic_phrases:
        return None
    modifiers = [t for t in words if not lexicon.head_of(t.text)]
    if len(words) == 2 and len(modifiers) == 1 and modifiers[0] is words[0] and not modifiers[0].is_upper \
            and modifiers[0].lower_ not in lexicon.place_modifiers and _common_word(modifiers[0].lower_):
        return None      # "Trust Fund", "Police Office", "Steering Committee": a kind, not a name
    if all(t.lower_ in lexicon.generic_modifiers for t in modifiers):
        plural_head = any(lexicon.head_of(t.text) and lexicon.head_of(t.text) != t.lower_ for t in words)
        # "European Commission", "World Bank": a place or the world before one
        # singular head makes a name; "Regional Centre", "Working Group" stay kinds.
        placed = any(t.lower_ in lexicon.place_modifiers for t in modifiers)
        if plural_head or (len(words) <= 2 and not placed):
            return None
    letters = [c for c in tokens.text if c.isalpha()]
    if len(words) > 2 and sum(1 for c in letters if c.isupper()) > 0.8 * len(letters):
        return None  # an ALL-CAPS heading, not a name
    head = lexicon.head_of(doc[first].text)
    return Span(doc, start, end, label="ORG", kb_id=f"shape:{head}")


def _common_word(lower: str) -> bool:
    from pipeline.nlp import _english_word
    return _english_word(lower)


def org_type_for(name: str, lexicon: ShapeLexicon) -> str:
    """The organization type a name's head words suggest, or 'unknown'."""
    for word in reversed(name.split()):
        head = lexicon.head_of(word.strip(",.()"))
        if head and head in lexicon.head_types:
            return lexicon.head_types[head]
    return "unknown"
