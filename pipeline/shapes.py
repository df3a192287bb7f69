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

A kind of body ("National Police", "Police Service") is a name after a country's
possessive, and keeps the country: "Colombia's National Police".

A coordinated modifier before the head word belongs to the name when its first
conjunct is a common English word ("Science and Technology Department"), not a
proper name ("Kenya and Uganda Trade Council" is cut to "Uganda Trade Council").

Known limits: a coordinated name whose second conjunct holds its own head word
("Forum of Incident Response and Security Teams") is cut at "and" unless the
gazetteer or an acronym definition supplies the full name; lowercase names
("the cyber police unit") are not found.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from spacy.attrs import IS_SPACE, IS_UPPER, LOWER, ORTH, SPACY
from spacy.tokens import Doc, Span

from pipeline.names import DATE_WORDS, name_key, place_keys
from pipeline.tokens import TokenView


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
    field_heads: frozenset = frozenset()    # non-organization heads that also name a field ("Conflict Resolution")
    organs: tuple = ()          # lowercase word tuples of ``organ_names``, longest first
    # Name keys of the countries and subdivisions of ``rules/places.yml``: "Keio University in
    # Japan" ends before "in Japan". Regions are left out: "Forum for Agricultural Research in Africa".
    places: frozenset = frozenset()
    # head_of() answers by word: asked for every capitalized token, it would redo the same suffix tests.
    _heads_of: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_rules(cls, shapes: dict, places: dict | None = None) -> "ShapeLexicon":
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
            field_heads=low("field_heads") | frozenset(f"{w}s" for w in low("field_heads")),
            non_org_names=frozenset(name_key(p) for p in (*shapes.get("non_org_names", ()),
                                                            *shapes.get("organ_names", ()))),
            organs=tuple(sorted({tuple(str(p).lower().split()) for p in shapes.get("organ_names", ())},
                                key=len, reverse=True)),
            places=place_keys(places or {}, ("countries", "subdivisions")),
        )

    def organ_at(self, lowers: list, k: int) -> int:
        """The number of tokens of the organ name that starts at token ``k`` ("Board of Directors"), or 0."""
        for organ in self.organs:
            if tuple(lowers[k:k + len(organ)]) == organ:
                return len(organ)
        return 0

    def head_of(self, word: str) -> str | None:
        """The head word a token stands for, plural or singular, or None."""
        try:
            return self._heads_of[word]
        except KeyError:
            if len(self._heads_of) > 100_000:
                self._heads_of.clear()
            head = self._heads_of[word] = self._find_head(word)
            return head

    def _find_head(self, word: str) -> str | None:
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


_HYPHENS = ("-", "\u2010", "\u2011")
_ATTRS = [ORTH, SPACY, IS_SPACE, IS_UPPER, LOWER]


class _WordFacts:
    """Per-string facts (capitalized? has a letter? a hyphen?) cached by the string's hash.

    The token arrays of a Doc hold hashes, not strings: looking facts up by
    hash avoids creating a Token object per token, which was most of the cost
    of scanning a document. Bounded so a huge vocabulary cannot grow it forever.
    """

    def __init__(self, limit: int = 500_000):
        self.limit = limit
        self.facts: dict[int, tuple[bool, bool, bool]] = {}

    def __call__(self, key: int, strings) -> tuple[bool, bool, bool]:
        facts = self.facts.get(key)
        if facts is None:
            text = strings[key]
            alpha = any(c.isalpha() for c in text)
            facts = (text[:1].isupper() and alpha, alpha, text in _HYPHENS)
            if len(self.facts) >= self.limit:
                self.facts.clear()
            self.facts[key] = facts
        return facts


_FACTS = _WordFacts()


def _token_arrays(doc: Doc):
    """(orth hashes, trailing space, is space, is upper, lower hashes) of every token, as numpy arrays."""
    table = doc.to_array(_ATTRS).reshape(len(doc), len(_ATTRS))
    return table[:, 0], table[:, 1].astype(bool), table[:, 2].astype(bool), table[:, 3].astype(bool), table[:, 4]


def capitals(doc: Doc, arrays=None) -> np.ndarray:
    """Per token: a capitalized word, or the lowercase tail of a hyphenated capitalized word ("Co-operation")."""
    orths, spaces, _, _, _ = arrays if arrays is not None else _token_arrays(doc)
    if len(orths) == 0:
        return np.zeros(0, dtype=bool)
    strings = doc.vocab.strings
    unique, where = np.unique(orths, return_inverse=True)
    known = _FACTS.facts
    facts = np.array([known.get(h) or _FACTS(h, strings) for h in unique.tolist()],
                     dtype=bool).reshape(len(unique), 3)[where]
    caps, alpha, hyphen = facts[:, 0].copy(), facts[:, 1], facts[:, 2]
    # "Co-operation-Based": each fix can enable the next one, so repeat until stable.
    while len(caps) > 2:
        tail = (hyphen[1:-1] & ~caps[2:] & ~spaces[1:-1] & ~spaces[:-2] & caps[:-2] & alpha[2:])
        if not tail.any():
            break
        caps[2:] |= tail
    return caps


def find_shaped_names(doc: Doc, lexicon: ShapeLexicon, known: set[int], view: TokenView | None = None) -> list[Span]:
    """Organization-shaped spans of ``doc``.

    Args:
        known: indices of tokens already inside a gazetteer name or acronym;
            a name does not extend into them (so "Council of Europe and OSCE"
            stops before "OSCE").
        view: the document's token view, when the caller has one.
    Returns:
        Spans labelled ORG with ``kb_id_`` set to the shape rule that fired and
        ``id_`` empty (the id is given later from the name).
    """
    view = TokenView(doc) if view is None else view
    table, column = view.table, TokenView.COLUMNS
    cap_flags = capitals(doc, (table[:, column[ORTH]], table[:, column[SPACY]].astype(bool), None, None, None))
    starts = np.flatnonzero(cap_flags).tolist()
    caps = cap_flags.tolist()
    breaks, uppers, lowers = view.is_space, view.is_upper, view.lowers
    # spaCy keeps a newline as a token of its own (is_space), never in a
    # token's trailing whitespace, so IS_SPACE marks every line break.
    connectors = lexicon.connectors
    spans: list[Span] = []
    n = len(doc)
    i = 0
    for first in starts:
        if first < i:
            continue
        i = first
        # A known acronym may open a name ("EU Cyber Capacity Building Network"),
        # but a name never runs into a known name or acronym further right.
        leading_acronym = i in known and uppers[i] and i + 1 < n and (i + 1) not in known \
            and caps[i + 1] and not breaks[i] and not lexicon.organ_at(lowers, i + 1)   # "the OAS Secretariat"
        if i in known and not leading_acronym:
            i += 1
            continue
        j = last_cap = i
        while j + 1 < n:
            if breaks[j] or breaks[j + 1] or (j + 1) in known:
                break
            if caps[j + 1]:
                last_cap = j + 1
            elif lowers[j + 1] not in connectors:
                break
            j += 1
        cursor = i
        while cursor <= last_cap:
            found = _name_in_run(view, caps, cursor, last_cap, lexicon)
            if found is None:
                break
            span, resume = found
            if span is not None:
                spans.append(span)
            cursor = resume
        i = last_cap + 1
    return spans


_TEAM_SUFFIX = re.compile(r"(?:CERT|CIRT|SIRT)(?![\w-])")
_WORD_OR_HYPHEN = re.compile(r"[\w-]")


def _fused_words(text: str):
    """(start, end, team word) of each ``(?<![\\w-])[A-Za-z]{2,}(CERT|CSIRT|CIRT|SIRT)(?![\\w-])`` in ``text``.

    The same matches, found from the team word back to the start of its word:
    that regex tries every position of a long text. The team word is always the
    last four letters (greedy letters leave "SIRT" of "CSIRT").
    """
    for match in _TEAM_SUFFIX.finditer(text):
        start = match.start()
        while start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
            start -= 1
        if match.start() - start >= 2 and not (start > 0 and _WORD_OR_HYPHEN.match(text, start - 1)):
            yield start, match.end(), match.group()


def find_fused_team_names(doc: Doc, known: set[int], text: str | None = None) -> list[Span]:
    """One-word response teams: a name fused with CERT ("AfricaCERT", "tunCERT", "KrCERT").

    Spelled with its lowercase part, such a word is nothing but a name; all
    capitals ("APCERT") it is an acronym the gazetteer or a definition handles.
    ``text`` is ``doc.text`` when the caller has it (spaCy rebuilds it on every access).
    """
    spans = []
    for start, end, team in _fused_words(doc.text if text is None else text):
        span = doc.char_span(start, end)
        if span is not None and len(span) == 1 and span.start not in known and not span[0].is_upper:
            spans.append(Span(doc, span.start, span.end, label="ORG", kb_id=f"shape:{team.lower()}"))
    return spans


def _name_in_run(view: TokenView, caps: list[bool], run_start: int, run_end: int, lexicon: ShapeLexicon):
    """The first name in tokens run_start..run_end: (span or None, where to resume), or None."""
    texts, lowers = view.texts, view.lowers
    first = next((k for k in range(run_start, run_end + 1) if caps[k] and lexicon.head_of(texts[k])),
                 None)
    if first is None:
        return None
    # The name starts at the capitalized group holding the first head word.
    start = first
    while start - 1 >= run_start and (caps[start - 1] or (
            texts[start - 1] == "-" and start - 2 >= run_start and caps[start - 2])):
        start -= 1
    start = _coordinated_modifier(view, caps, run_start, start, lexicon)
    while start < first and lowers[start] in lexicon.initial_stopwords:
        start += 1
    start = _after_description(view, start, first, lexicon)
    end = first + 1
    while end <= run_end and (caps[end] or (texts[end] == "-" and end + 1 <= run_end
                                                      and caps[end + 1])):
        end += 1
    # "Internet Service Providers": a plural after the head word names a kind of
    # thing, not one organization.
    last_head = max(k for k in range(first, end) if caps[k] and lexicon.head_of(texts[k]))
    if any(len(texts[k]) > 3 and lowers[k].endswith("s") and not lowers[k].endswith("ss")
           and not view.is_upper[k] for k in range(last_head + 1, end)):
        return None, end
    # Extend right over "of/for/on ... Capitalized" complements, and over
    # "and Capitalized" inside such a complement, but never into another name.
    in_complement = False
    k = end
    while k <= run_end:
        word = lowers[k]
        if word in ("and", "&") and (not in_complement or (k + 1 <= run_end and lowers[k + 1] == "the")):
            break
        m = k
        while m <= run_end and not caps[m]:
            m += 1
        if m > run_end:
            break
        stop = m
        while stop <= run_end and caps[stop]:
            stop += 1
        if _where_or_when(view, word, m, stop, lexicon):
            break    # "Keio University in Japan", "the Security Council on Tuesday": not part of the name
        if word in ("and", "&") and stop < view.n and texts[stop] in ("'s", "’s") \
                and name_key(view.span_text(m, stop)) in lexicon.places:
            break    # "Nigeria's Ministry of Health and Kenya's ...": the next country's body
        if word in ("and", "&") and _opens_another_body(view, caps, m, run_end, lexicon):
            break    # "... Bureau for Education in Bangkok and Asia-Pacific Centre of Education ..."
        in_complement = in_complement or word in ("of", "for", "on", "against", "in", "-")
        end = k = stop
    name_end = end
    if name_end - start > 3 and lowers[name_end - 1] in _DESCRIBING_TAILS and texts[name_end - 2] in _HYPHENS:
        name_end -= 2      # "University of Glasgow-led research": the name ends before its tail
    return _check(view, caps, start, name_end, first, lexicon), end


def _opens_another_body(view: TokenView, caps: list[bool], m: int, run_end: int, lexicon: ShapeLexicon) -> bool:
    """The capitalized words from token ``m`` (after "and" in a name's complement) open the name of
    another body: a singular head word, after at most a hyphenated compound, with a complement of
    its own ("and Department of Operational Support", "and Asia-Pacific Centre of Education").

    Anything else belongs to the first name: a plural head ("Forum of Incident Response and
    Security Teams"), a head that closes it ("Department of the Prime Minister and Cabinet",
    "Centre for Internet and Society") or one after other words ("Department of Health and Human
    Services Office of Inspector General", "Ministry of Local Government and Community Development").
    """
    texts, lowers = view.texts, view.lowers
    k = m
    while k + 2 <= run_end and texts[k + 1] == "-" and caps[k + 2]:
        k += 2                                      # "Asia-Pacific"
    if k > m:
        k += 1
    return k + 1 <= run_end and caps[k] and lexicon.head_of(texts[k]) == lowers[k] \
        and lowers[k] not in _FIELD_LIKE_HEADS and lowers[k + 1] in ("of", "for", "on")


# Head words that also name what a body works on: "Institute for Technology and Society of Rio".
_FIELD_LIKE_HEADS = frozenset({"society", "community", "cabinet", "police", "service", "security"})


def _coordinated_modifier(view: TokenView, caps: list[bool], run_start: int, start: int,
                          lexicon: ShapeLexicon) -> int:
    """Where a name starts when its modifier is coordinated: "Peace and Security Council",
    "Science and Technology Department", "National Science and Technology Council".

    The word before "and" (or "&") must be a common English word that is no head word and
    does not open the sentence ("Peace", "Science"), and the word after it no place:
    "Microsoft and Security Council", "the ITU and World Bank Group" and "Journalists and
    Nigeria Police Force officers" are no such modifier. At most three capitalized words are
    taken before it.
    """
    texts, lowers = view.texts, view.lowers
    k = start - 1
    if k - 1 < run_start or lowers[k] not in ("and", "&") or not caps[k - 1] \
            or lexicon.head_of(texts[k - 1]) or view.is_upper[k - 1] or not _common_word(lowers[k - 1]) \
            or name_key(texts[start]) in lexicon.places or _opens_sentence(view, k - 1):
        return start      # "Journalists and Nigeria Police Force officers": a place, and a capital of the sentence
    new_start = k - 1
    while new_start - 1 >= run_start and k - new_start < 3 and caps[new_start - 1] \
            and not lexicon.head_of(texts[new_start - 1]):
        new_start -= 1
    return new_start


def _where_or_when(view: TokenView, connector: str, start: int, end: int, lexicon: ShapeLexicon) -> bool:
    """The complement ``connector`` + tokens ``start``..``end`` says where or when, not which body:
    "on Tuesday", "on Oct. 3", "in October 2014", "in Japan". "Commission on Human Rights",
    "Committee on March of Dimes", "Center of Excellence in Malaria Research" and "Forum for
    Agricultural Research in Africa" keep their complements, and so does "of" ("Ministry of
    Health of Kenya")."""
    if connector in ("on", "in") and end == start + 1 and view.lowers[start].rstrip(".") in DATE_WORDS:
        return True
    return connector == "in" and name_key(view.span_text(start, end)) in lexicon.places


# Lowercase tails of a hyphenated word that say where a body sits or who leads it. ("-funded",
# "-backed" and the like are left in the name: cut off, they would read as a function of their own.)
_DESCRIBING_TAILS = frozenset({"based", "headquartered", "registered", "led", "run", "managed", "chaired"})


def _after_description(view: TokenView, start: int, first: int, lexicon: ShapeLexicon) -> int:
    """Where a name starts after a description of place or leader before it: "Uganda-based
    Regional Universities Forum", "the G7-led Global Partnership". The part before the hyphen
    is a country, a state or a word in capitals; "Faith-based Organizations Network",
    "Women-led Peace Initiative" and "Africa-led International Support Mission" keep theirs."""
    texts = view.texts
    for k in range(first - 1, start - 1, -1):
        if texts[k] not in _DESCRIBING_TAILS or k < 2 or texts[k - 1] not in _HYPHENS:
            continue
        prefix = k - 2
        while prefix - 1 >= start and texts[prefix - 1][:1].isupper():
            prefix -= 1
        while prefix < k - 1:
            before = view.span_text(prefix, k - 1)
            if name_key(before) in lexicon.places or (prefix == k - 2 and before.isupper()):
                return k + 1
            prefix += 1
        if k == start:
            return k + 1     # the name would open with the tail itself ("G7-led", G7 known)
    return start


def _check(view: TokenView, caps: list[bool], start: int, end: int, first: int, lexicon: ShapeLexicon) -> Span | None:
    if start >= end:
        return None
    texts, lowers = view.texts, view.lowers
    name = view.span_text(start, end)
    words = [k for k in range(start, end) if caps[k]]    # token indices of the capitalized words
    if len(words) < 2:
        return None
    # "Budapest Convention", "Council Framework Decision": a document or an event
    # when a non-organization head follows the last organization head word;
    # "Cybercrime Convention Committee" is the committee of a convention.
    last_head = max(i for i, k in enumerate(words) if lexicon.head_of(texts[k]))
    if any(lexicon.is_non_org_head(texts[k]) and not _names_a_field(view, words[last_head], k, end, lexicon)
           for k in words[last_head + 1:]) or \
            (lexicon.is_non_org_head(texts[words[-1]]) and not _names_a_field(view, words[last_head], words[-1], end,
                                                                                lexicon)):
        return None
    key = name_key(name)
    if key in lexicon.non_org_names or _singular_key(name) in lexicon.generic_phrases:
        return None
    modifiers = [k for k in words if not lexicon.head_of(texts[k])]
    owner = country_owner(view, start, lexicon)
    kind = start + 1 if lowers[start] in ("federal", "national") else start
    if owner is not None and lowers[kind] in _NATIONAL_KINDS and end - kind >= 3 and lowers[kind + 1] == "of":
        # "Nigeria's (Federal) Ministry of Health": every country has one, and only the country tells them apart
        return Span(view.doc, owner, end, label="ORG", kb_id=f"shape:{lexicon.head_of(texts[kind])}")
    if owner is not None and len(words) == 2 and all(lowers[k] in lexicon.generic_modifiers or _common_word(lowers[k])
                                                      for k in modifiers):
        # "Colombia's National Police", "Kenya's Police Service": a kind, made a name by its country
        return Span(view.doc, owner, end, label="ORG", kb_id=f"shape:{lexicon.head_of(texts[first])}")
    if len(words) == 2 and len(modifiers) == 1 and modifiers[0] == words[0] and not view.is_upper[modifiers[0]] \
            and lowers[modifiers[0]] not in lexicon.place_modifiers and "-" not in lowers[modifiers[0]] \
            and _common_word(lowers[modifiers[0]]):
        return None      # "Trust Fund", "Police Office": a kind, not a name ("Co-operative Bank" is one)
    if all(lowers[k] in lexicon.generic_modifiers for k in modifiers):
        plural_head = any(lexicon.head_of(texts[k]) and lexicon.head_of(texts[k]) != lowers[k] for k in words)
        # "European Commission", "World Bank": a place or the world before one
        # singular head makes a name; "Regional Centre", "Working Group" stay kinds.
        placed = any(lowers[k] in lexicon.place_modifiers for k in modifiers)
        if plural_head or (len(words) <= 2 and not placed):
            return None
    letters = [c for c in name if c.isalpha()]
    if len(words) > 2 and sum(1 for c in letters if c.isupper()) > 0.8 * len(letters):
        return None  # an ALL-CAPS heading, not a name
    head = lexicon.head_of(texts[first])
    return Span(view.doc, start, end, label="ORG", kb_id=f"shape:{head}")


def _names_a_field(view: TokenView, head: int, k: int, end: int, lexicon: ShapeLexicon) -> bool:
    """The non-organization head at token ``k`` is a field of work in the complement of the organization head
    at ``head``: "Centre for Conflict Resolution", "Agency for Technology and Standards", "Institute of
    International Law".

    It must be one of ``field_heads`` after "for", "of" or "on" following the organization head, with no number
    after the name ("Commission on Human Rights Resolution No. 2005/80" is a resolution). A law is a field
    after an adjective-like word ("International Law", "Comparative Public Law"); every field word right after
    the preposition or "and" ("Bureau of Standards", "Group on Rules", "... Technology and Standards"); the
    others also as the second word after "for" ("Institute for Security Policy"). A longer complement before
    them is most often a whole name, and the word starts a document's title: "Ministry of Finance Regulation",
    "Department of Defense Cyber Policy", "Commission on Human Rights Resolution", "Ministry of Justice Law".
    """
    lowers = view.lowers
    if lowers[k] not in lexicon.field_heads:
        return False
    prepositions = [j for j in range(head + 1, k) if lowers[j] in ("for", "of", "on")]
    if not prepositions or _number_follows(view, end):
        return False
    before = k - 2 if lowers[k - 1] == "the" else k - 1        # "Centre for the Rule of Law"
    if lowers[before] in ("for", "of", "on", "and"):
        return True
    if lowers[k] in ("law", "laws"):
        # a kind of law ("Institute of International Law", "... Comparative Public Law"), not a
        # ministry's law ("Ministry of Justice Law on Criminal Procedure")
        return lowers[before].endswith(("al", "an", "ic", "ive", "ary"))
    # ... but not a plural: "the High Commissioner for Refugees Policy on Age" is the office's policy
    word = lowers[before]
    plural = word.endswith("s") and not word.endswith(("ss", "us", "is", "ics"))
    return before - 1 == prepositions[-1] and lowers[prepositions[-1]] == "for" and not plural


def _number_follows(view: TokenView, end: int) -> bool:
    """A number, or "No." before one, follows token ``end`` (after spaces, a comma or a bracket)."""
    texts, n = view.texts, len(view.texts)
    j = end
    for _ in range(3):
        while j < n and view.is_space[j]:
            j += 1
        if j >= n:
            return False
        if any(c.isdigit() for c in texts[j]) or view.lowers[j] in ("no", "no.", "nos", "nos.", "number"):
            return True
        if texts[j] not in (",", "("):
            return False
        j += 1
    return False


# Heads of the "<Head> of <sector>" names of a government's own bodies.
_NATIONAL_KINDS = frozenset({"ministry", "department"})


def _opens_sentence(view: TokenView, k: int) -> bool:
    """Token ``k`` is the first word of its sentence or line, so its capital says nothing."""
    j = k - 1
    while j >= 0 and view.texts[j] in {'"', "“", "(", "'"}:
        j -= 1
    return j < 0 or view.is_space[j] or view.texts[j] in {".", "!", "?", ":", ";"}


def country_owner(view: TokenView, start: int, lexicon: ShapeLexicon) -> int | None:
    """The first token of a country whose possessive stands right before the name, or None:
    "Colombia's National Police" is one body, named with its country ("National Police" alone
    is a kind, and would merge the police of every country).

    The whole run of capitalized words before the possessive (an opening "The" aside) must
    be the place: in "the University of Ghana's Department of Physics" and "the Democratic
    Republic of the Congo's Ministry of Health" the owner is the longer name, which is a
    university, or a country only as a whole ("Republic of Korea"). "Government of Kenya's"
    is Kenya's.
    """
    texts, lowers = view.texts, view.lowers
    if start < 2 or texts[start - 1] not in ("'s", "’s"):
        return None
    end = start - 1
    first = _run_start(texts, end)
    j = first - 1
    if j >= 1 and lowers[j] == "the":
        j -= 1
    if j >= 1 and lowers[j] == "of":
        longer = _run_start(texts, j)             # "Republic of Korea", "University of Ghana"
        if longer < j and name_key(view.span_text(longer, end)) in lexicon.places:
            return longer
        if not (j - longer == 1 and lowers[longer] == "government"):
            return None
    return first if name_key(view.span_text(first, end)) in lexicon.places else None


def _run_start(texts: list[str], end: int) -> int:
    """The first of up to four capitalized words ending before token ``end`` (an opening "The" aside)."""
    first = end - 1
    while first > 0 and end - first < 4 and texts[first - 1][:1].isupper():
        first -= 1
    if texts[first] == "The" and first < end - 1:
        first += 1
    return first


def _common_word(lower: str) -> bool:
    from pipeline.nlp import is_common_word
    return is_common_word(lower)


def org_type_for(name: str, lexicon: ShapeLexicon) -> str:
    """The organization type a name's head words suggest, or 'unknown'."""
    for word in reversed(name.split()):
        head = lexicon.head_of(word.strip(",.()"))
        if head and head in lexicon.head_types:
            return lexicon.head_types[head]
    return "unknown"
