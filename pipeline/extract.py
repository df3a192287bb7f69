"""Find ORGANIZATION and FUNCTION mentions in one document, and link them.

``extract_document`` is the stage's one public function: normalized text in,
mentions and links out, with no I/O. Organization candidates come from five
rules, and overlaps are settled by one policy, longest match first, then rule
priority (:data:`PRIORITY`):

1. acronym definitions found in the text ("Long Form (ACR)", "ACR (Long Form)");
2. gazetteer names (SpanRuler on token norms: case, inflection and British
   spelling do not matter; hyphenation variants are generated);
3. generic token patterns from ``rules/org_patterns.yml``;
4. organization-shaped names (:mod:`pipeline.shapes`);
5. acronyms: the gazetteer's (case-sensitive) and the ones this document defines.

A document's own definition wins over the gazetteer when they disagree
(ICPO as "International Cyber Police Organisation" is not INTERPOL): the
organization stays separate and the conflict is recorded.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span

from pipeline.acronyms import find_definition_spans
from pipeline.linking import PARTNER_ADVERBS, link_document
from pipeline.linking.cues import activity_verb
from pipeline.names import content_words, country_key, name_key, split_country
from pipeline.nlp import (FUNCTION_PATTERNS, FUNCTION_PHRASES, ORG_ACRONYMS, ORG_NAMES, ORG_PATTERNS, SHORT_NAME,
                          is_common_word, is_english_word)
from pipeline.members import POSSESSIVE_MARKERS, ContextLexicon, find_context_names
from pipeline.shapes import ShapeLexicon, country_owner, find_fused_team_names, find_shaped_names, org_type_for
from pipeline.structure import segment
from pipeline.tokens import TokenView

PRIORITY = {"definition": 0, "gazetteer": 1, "pattern": 2, "shape": 3, "acronym": 4, "document_acronym": 4,
            "context": 5}


@dataclass(frozen=True, slots=True)
class Mention:
    """One span of the normalized text: an organization or a function."""

    start: int
    end: int
    text: str
    label: str          # 'ORG' | 'FUNCTION'
    key: str            # organization key (see LocalOrg) or function id
    rule_id: str
    rule_file: str


@dataclass
class LocalOrg:
    """An organization as one document knows it, before corpus-wide resolution.

    ``key`` is the gazetteer id, or ``new:<name key>`` for an organization that
    the gazetteer does not list.
    """

    key: str
    name: str
    gazetteer_id: str | None = None
    acronym: str | None = None
    org_type: str = "unknown"
    surfaces: set = field(default_factory=set)
    long_forms: set = field(default_factory=set)
    conflicts: set = field(default_factory=set)   # gazetteer ids whose acronym this document redefines


@dataclass
class Extraction:
    """What one document yields."""

    mentions: list
    orgs: dict          # key -> LocalOrg
    links: list         # list[Link]


@dataclass(frozen=True)
class Context:
    """Everything extraction needs that is built once per process."""

    nlp: object
    rules: object
    lexicon: ShapeLexicon
    name_index: dict        # name key -> gazetteer id
    acronym_index: dict     # acronym -> (primary id, *shared ids)
    org_names: dict         # gazetteer id -> set of content-word sets of its names
    rule_files: dict        # kind -> rule file, for provenance
    org_name_orders: dict = field(default_factory=dict)   # gazetteer id -> content words of each name, in order
    word_index: dict = field(default_factory=dict)        # content word -> gazetteer ids whose names hold it
    context_lexicon: ContextLexicon | None = None
    before_name: frozenset = frozenset()                  # rule ids of function patterns that end before a name
    owners: dict = field(default_factory=dict)            # rule id of a function pattern -> where its owner's name is
    country_codes: dict = field(default_factory=dict)     # name key of a country -> its ISO 3166-1 code
    national_names: dict = field(default_factory=dict)    # (name key, country code) -> gazetteer id

    @classmethod
    def build(cls, rules, nlp) -> "Context":
        name_index, acronym_index, org_names = {}, {}, {}
        for org in rules.organizations:
            for name in (org.name, *org.aliases):
                name_index.setdefault(name_key(name), org.id)
            org_names[org.id] = [content_words(n) for n in (org.name, *org.aliases)]
            for acronym in org.acronyms:
                acronym_index[acronym] = (org.id, *acronym_index.get(acronym, ()))
        for org in rules.organizations:
            for acronym in org.shared_acronyms:
                acronym_index[acronym] = (*acronym_index.get(acronym, ()), org.id)
        files = {o.id: o.path for o in rules.organizations}
        files.update({f.id: f.path for f in rules.functions})
        orders = {o.id: [_ordered_content(n) for n in (o.name, *o.aliases)] for o in rules.organizations}
        word_index: dict = {}
        for org_id, sets in org_names.items():
            for words in sets:
                for word in words:
                    word_index.setdefault(word, set()).add(org_id)
        before_name = frozenset(f"{f.id}/{p.id}" for f in rules.functions for p in f.patterns if p.before_name)
        owners = {f"{f.id}/{p.id}": p.owner for f in rules.functions for p in f.patterns if p.owner}
        countries = (rules.places or {}).get("countries") or {}
        country_codes = {name_key(n): code for code, names in countries.items() for n in names}
        national_names = {(name_key(n), o.country): o.id for o in rules.organizations if o.country
                          for n in (o.name, *o.aliases)}
        return cls(nlp, rules, ShapeLexicon.from_rules(rules.shapes, rules.places), name_index, acronym_index, org_names, files,
                   orders, word_index, ContextLexicon.from_rules(rules.shapes, rules.places), before_name, owners,
                   country_codes, national_names)


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    kind: str
    key: str
    rule_id: str
    rule_file: str


def extract_document(text: str, ctx: Context, doc: Doc | None = None) -> Extraction:
    """Mentions and links of one normalized document (pure: no I/O)."""
    if doc is None:
        doc = ctx.nlp(text)
    view = TokenView(doc, text)
    # Each iteration of a span group creates new Span objects: read each group once.
    name_spans = list(doc.spans.get(ORG_NAMES, []))
    acronym_spans = list(doc.spans.get(ORG_ACRONYMS, []))
    fn_spans = {key: list(doc.spans.get(key, [])) for key in (FUNCTION_PATTERNS, FUNCTION_PHRASES)}
    if any(s.label_ == SHORT_NAME for s in name_spans):
        name_spans = _short_names_in_context(name_spans, acronym_spans, ctx)
    orgs: dict[str, LocalOrg] = {}
    candidates: list[_Candidate] = []
    doc_acronyms: dict[str, str] = {}

    def org_for(key: str, name: str, gid: str | None, acronym: str | None = None) -> LocalOrg:
        local = orgs.get(key)
        if local is None:
            entry = ctx.rules.organization(gid) if gid else None
            local = LocalOrg(key=key, name=entry.name if entry else name, gazetteer_id=gid,
                             acronym=(entry.acronyms[0] if entry and entry.acronyms else acronym),
                             org_type=entry.type if entry else org_type_for(name, ctx.lexicon))
            orgs[key] = local
        if acronym and not local.acronym:
            local.acronym = acronym
        return local

    # 1. Acronym definitions written in this document.
    for d in find_definition_spans(text) + _qualified_definitions(text, name_spans, ctx):
        d = _trim_long_form(d, text)
        key, gid, conflict = _resolve_definition(d.short, d.long, ctx, view, name_spans, d.long_start, d.long_end)
        if key is None:
            continue
        if gid is not None and (first := view.token_by_char(d.long_start)) is not None \
                and (other := _other_country(gid, first, ctx, view)) is not None:
            # "New Zealand's National Cyber Security Centre (NCSC)": the New Zealand centre
            key = other[0]
            gid = None if key.startswith("new:") else key
        local = org_for(key, d.long, gid, d.short)
        local.long_forms.add(d.long)
        if conflict:
            local.conflicts.update(conflict)
        doc_acronyms[d.short] = key
        candidates.append(_Candidate(d.long_start, d.long_end, "definition", key, "definition:long_form",
                                     "pipeline/acronyms.py"))
        candidates.append(_Candidate(d.short_start, d.short_end, "definition", key, "definition:short_form",
                                     "pipeline/acronyms.py"))

    # 2. Gazetteer names, unless they only modify a longer proper name.
    modifiers = set()        # (start, end) of names that open a longer one: "Adaptation Fund Board"
    moved: dict[str, set] = {}   # gazetteer id -> keys its names got here ("New Zealand's ..." moves it)
    for span in name_spans:
        if not _capitalized(span, view):
            continue
        if _modifies_longer_name(span, ctx.lexicon, view):
            modifiers.add((span.start, span.end))
            continue
        suffix = ":short_name" if span.label_ == SHORT_NAME else ""
        other = _other_country(span.id_, span.start, ctx, view)
        if other is not None:
            # "New Zealand's National Cyber Security Centre" is not the UK's: that country's
            # entry, or an organization of its own. The mention stays the name; the
            # organization is named with its country.
            key, start = other
            org_for(key, text[start:span.end_char], None if key.startswith("new:") else key)
            candidates.append(_Candidate(span.start_char, span.end_char, "gazetteer", key,
                                         f"gazetteer:{span.id_}:other_country", ctx.rule_files.get(span.id_, "")))
            moved.setdefault(span.id_, set()).add(key)
            continue
        moved.setdefault(span.id_, set()).add(span.id_)
        candidates.append(_Candidate(span.start_char, span.end_char, "gazetteer", span.id_,
                                     f"gazetteer:{span.id_}{suffix}", ctx.rule_files.get(span.id_, "")))
    # A short name ("Security Council") may end a longer name of its own ("Andean Digital Security
    # Council"): it neither stops an organization shape nor gives one its id.
    full_names = [s for s in name_spans if s.label_ != SHORT_NAME]
    # A name that only opens a longer one leaves its words to the organization shapes.
    known_tokens = {t for s in full_names if (s.start, s.end) not in modifiers for t in range(s.start, s.end)}
    known_tokens |= {t for s in acronym_spans for t in range(s.start, s.end)}

    # 3 and 4. Generic token patterns and organization-shaped names.
    generic = [(s, "pattern", f"pattern:{s.kb_id_}", "rules/org_patterns.yml") for s in doc.spans.get(ORG_PATTERNS, [])]
    shaped = find_shaped_names(doc, ctx.lexicon, known_tokens, view) + find_fused_team_names(doc, known_tokens, text)
    if ctx.context_lexicon is not None:
        # "the Russian Federation", "the Syrian Arab Republic": a country is shaped like a name, and is none.
        shaped = [s for s in shaped if not ctx.context_lexicon.is_place(s.text)]
    # Headlines capitalize every word, so a shape found only in a headline
    # ("Partners Announce New Global Fund") is kept only if the body names it too.
    shaped_keys = [name_key(s.text) for s in shaped]
    headline_lines: dict[int, bool] = {}       # line start -> is a headline (many names share a line)
    in_body = {k for s, k in zip(shaped, shaped_keys) if not _headline(text, s.start_char, headline_lines)}
    generic += [(s, "shape", s.kb_id_, "rules/org_shapes.yml") for s, k in zip(shaped, shaped_keys)
                if k in in_body]
    national_kinds = _one_countrys_bodies(shaped, ctx)
    for span, kind, rule_id, rule_file in generic:
        gid = _gazetteer_for_name(span, ctx, full_names)
        key = gid or f"new:{name_key(span.text)}"
        name = span.text
        if key in national_kinds:
            # "Kenya's Ministry of Health ... The Ministry of Health said": the one this document names
            key, name = national_kinds[key]
        org_for(key, name, gid)
        candidates.append(_Candidate(span.start_char, span.end_char, kind, key, rule_id, rule_file))

    # 5. Acronyms: this document's definitions first, then the gazetteer's.
    shouted_lines: dict = {}
    frames = None          # where function token patterns start: read for the first English-word acronym
    defined_here = set(doc_acronyms)
    # Entries this document names by one of their names: a shared acronym means the one named here
    # ("the Bureau of Indian Standards ... BIS certification" is not the Bank for International Settlements).
    named_here = {g for g, keys in moved.items() if g in keys}
    for span in acronym_spans:
        surface = view.span_text(span.start, span.end)
        if surface in defined_here:
            continue
        ids = ctx.acronym_index.get(surface, (span.id_,))
        gid = ids[0]
        if len(ids) > 1 and len(named := [i for i in ids if i in named_here]) == 1:
            gid = named[0]
        if frames is None and is_english_word(surface):
            frames = _verb_frames(fn_spans, view, ctx)
        if is_english_word(surface) and not _name_context(span, view, ctx, gid, frames):
            continue
        if _shouting(span, view, shouted_lines):
            continue
        coded = _country_coded(span, surface, gid, ctx, view)
        if coded is not None:
            # "NCSC NZ" with no definition here: the New Zealand centre, as "NCSC NZ" defined elsewhere is.
            key, end_char = coded
            if key.startswith("new:"):
                org_for(key, text[span.start_char:end_char], None, text[span.start_char:end_char])
            candidates.append(_Candidate(span.start_char, end_char, "acronym", key,
                                         f"gazetteer:{gid}:country_code", ctx.rule_files.get(gid, "")))
            continue
        other = _other_country(gid, span.start, ctx, view)
        if other is not None:
            # "New Zealand's NCSC"
            key, start = other
            org_for(key, text[start:span.end_char], None if key.startswith("new:") else key)
            candidates.append(_Candidate(span.start_char, span.end_char, "acronym", key,
                                         f"gazetteer:{gid}:other_country", ctx.rule_files.get(gid, "")))
            moved.setdefault(gid, set()).add(key)
            continue
        if view.texts[span.start - 1:span.start] in (["'s"], ["’s"]):
            moved.setdefault(gid, set()).add(gid)       # "the UK's NCSC"
        elif len(moved.get(gid, ())) == 1 and gid not in moved[gid]:
            # "New Zealand's National Cyber Security Centre ... The NCSC also runs exercises":
            # every name of the entry here was another country's body, and so is its acronym.
            (key,) = moved[gid]
            candidates.append(_Candidate(span.start_char, span.end_char, "acronym", key,
                                         f"gazetteer:{gid}:other_country", ctx.rule_files.get(gid, "")))
            continue
        candidates.append(_Candidate(span.start_char, span.end_char, "acronym", gid, f"gazetteer:{gid}:acronym",
                                     ctx.rule_files.get(gid, "")))
    for start, end, acronym in _acronym_uses(text, doc_acronyms):
        candidates.append(_Candidate(start, end, "document_acronym", doc_acronyms[acronym],
                                     "definition:acronym_use", "pipeline/acronyms.py"))

    chosen = _select(candidates)
    # 6. Names only their context shows: owners and list members (pipeline.members).
    if ctx.context_lexicon is not None:
        taken = [tokens for c in chosen if (tokens := view.expand(c.start, c.end)) is not None]
        verb_frames = frames if frames is not None else (lambda: _verb_frames(fn_spans, view, ctx))
        for f in find_context_names(doc, taken, ctx.context_lexicon, is_common_word, view, verb_frames):
            name = text[f.start:f.end]
            key = ctx.name_index.get(name_key(name)) or f"new:{name_key(name)}"
            org_for(key, name, None if key.startswith("new:") else key)
            chosen.append(_Candidate(f.start, f.end, "context", key, f.rule_id, "rules/org_shapes.yml"))
        chosen.sort(key=lambda c: c.start)
    mentions: list[Mention] = []
    for c in chosen:
        local = orgs.get(c.key) or org_for(c.key, text[c.start:c.end], c.key if not c.key.startswith("new:") else None)
        local.surfaces.add(text[c.start:c.end])
        mentions.append(Mention(c.start, c.end, text[c.start:c.end], "ORG", c.key, c.rule_id, c.rule_file))
    mentioned = {m.key for m in mentions}
    orgs = {k: v for k, v in orgs.items() if k in mentioned}

    # FUNCTION mentions: never inside an organization name ("Crime Research Institute").
    taken = _Intervals(mentions)
    fn_candidates = _function_candidates(fn_spans[FUNCTION_PHRASES], "phrase", taken, ctx.rule_files) + \
        _function_candidates(fn_spans[FUNCTION_PATTERNS], "pattern", taken, ctx.rule_files,
                             ctx.before_name, ctx.owners) + \
        _working_with_organizations(text, mentions, ctx.rules.linking)
    # A phrase is one term: "early warning" inside "early warning systems" is not
    # a second function. A token pattern is a frame whose object may be another
    # function ("fund [research and development] projects"), so it hides nothing.
    phrases = sorted((c for c in fn_candidates if c.kind == "phrase"), key=lambda c: c.start)
    phrase_starts = [p.start for p in phrases]

    def nested_in_phrase(c) -> bool:
        k = bisect.bisect_right(phrase_starts, c.start)
        for p in phrases[max(0, k - 16):k]:
            if p.key != c.key and p.start <= c.start and c.end <= p.end and (p.end - p.start) > (c.end - c.start):
                return True
        return False
    # Phrases that are whole terms: not frames that end in a preposition ("research on", "funded by").
    terms = [p for p in phrases if text[p.start:p.end].rsplit(None, 1)[-1].lower() not in _FRAME_ENDS]
    term_starts = [p.start for p in terms]
    longest = max((p.end - p.start for p in terms), default=0)

    def cuts_a_phrase(c) -> bool:
        # "approved a historic framework | agreement": a pattern that ends or starts inside a term
        # of another function reads only half of it. ("funds research | on malaria" keeps its frame.)
        lo, hi = bisect.bisect_left(term_starts, c.start - longest), bisect.bisect_left(term_starts, c.end)
        return any(p.key != c.key and c.start < p.end and p.start < c.end
                   and not (c.start <= p.start and p.end <= c.end) and not (p.start <= c.start and c.end <= p.end)
                   for p in terms[lo:hi])
    fn_candidates = [c for c in fn_candidates
                     if not nested_in_phrase(c) and not (c.kind == "pattern" and cuts_a_phrase(c))]
    # Overlaps are settled per function: "fund research and development projects"
    # is both funding and research.
    by_function: dict[str, list] = {}
    for c in fn_candidates:
        by_function.setdefault(c.key, []).append(c)
    functions = sorted(
        (Mention(c.start, c.end, text[c.start:c.end], "FUNCTION", c.key, c.rule_id, c.rule_file)
         for group in by_function.values() for c in _phrases_then_patterns(group, ctx.owners)),
        key=lambda m: (m.start, m.end, m.key))

    segments = segment(text, tuple(ctx.rules.linking.get("question_markers", ())),
                       tuple(ctx.rules.linking.get("answer_markers", ())))
    names = {key: frozenset(" ".join((local.name, *local.long_forms)).lower().split()) for key, local in orgs.items()}
    links = link_document(doc, segments, mentions, functions, ctx.rules.linking, ctx.lexicon.heads, text,
                          names=names, view=view, owners=ctx.owners)
    all_mentions = sorted(mentions + functions, key=lambda m: (m.start, m.end, m.label))
    return Extraction(all_mentions, orgs, links)


_WORD_OR_HYPHEN = re.compile(r"[\w-]")
# Last words of a phrase that is a frame around its object or agent, not a whole term.
_FRAME_ENDS = {"on", "of", "for", "by", "from", "with", "into", "in", "to", "between", "among", "against"}


def _acronym_uses(text: str, acronyms) -> list[tuple[int, int, str]]:
    """Where ``acronyms`` stand as whole words in ``text``, left to right, longest first where two start together.

    The same spans as ``(?<![\\w-])(A|B|...)(?![\\w-])`` with the longest
    alternative first, without compiling a regular expression for every
    document (whose acronyms are its own, so the regex cache never helps).
    """
    longest: dict[int, str] = {}       # start -> the longest acronym standing alone there
    for acronym in acronyms:
        pos = text.find(acronym)
        while pos >= 0:
            end = pos + len(acronym)
            if (pos == 0 or not _WORD_OR_HYPHEN.match(text, pos - 1)) and not _WORD_OR_HYPHEN.match(text, end) \
                    and len(acronym) > len(longest.get(pos, "")):
                longest[pos] = acronym
            pos = text.find(acronym, pos + 1)
    uses, cursor = [], 0
    for start in sorted(longest):
        if start >= cursor:             # a match never starts inside the previous one
            acronym = longest[start]
            uses.append((start, start + len(acronym), acronym))
            cursor = start + len(acronym)
    return uses


_NAME_JOINERS = {"of", "for", "on", "and", "against", "in", "the", "de", "des", "du", "la", "&", "to"}
_WORD_RE = re.compile(r"[^\s()]+")


_PARTNER_RE: dict = {}


def _working_with_organizations(text: str, mentions: list, linking: dict) -> list:
    """"EC3 works with the EU Intelligence and Situation Centre": working with an organization is cooperation.

    Plain "work with" is no function ("work with member states to develop
    frameworks" is about the frameworks); with an organization named right after
    it, it is the organizations' cooperation. The verbs are ``partner_verbs`` of
    ``rules/linking.yml``, and adverbs may stand between as linking allows them
    ("works very closely with"). Only the few words before each organization are read.
    """
    verbs = tuple(linking.get("partner_verbs", ()))
    if not verbs:
        return []
    regex = _PARTNER_RE.get(verbs)
    if regex is None:
        alternatives = "|".join(re.escape(str(v)) for v in sorted(verbs, key=len, reverse=True))
        regex = _PARTNER_RE[verbs] = re.compile(
            r"(?<![\w-])(?:%s)\s+(?:(?:\w+ly|%s)\s+){0,2}with\s+(?:the\s+)?\Z"
            % (alternatives, "|".join(PARTNER_ADVERBS)), re.IGNORECASE)
    found = []
    for m in mentions:
        if m.label != "ORG":
            continue
        window = max(0, m.start - 60)
        if "with" not in text[window:m.start]:
            continue
        # pos/endpos, not a slice: the look-behind still sees the character before the window.
        match = regex.search(text, window, m.start)
        if match is not None:
            start = match.start()
            end = start + match.group().lower().rindex("with") + 4
            found.append(_Candidate(start, end, "pattern", "cooperation_diplomacy",
                                    "cooperation_diplomacy/works_with_organization", "rules/linking.yml"))
    return found


def _trim_long_form(d, text: str):
    """Cut a long form after its last lowercase word that cannot join a name.

    "The Council of Europe and its Cybercrime Convention Committee (T-CY)":
    "its" cannot stand inside a name, so the long form is "Cybercrime
    Convention Committee". A leading article goes too.
    """
    cut = d.long_start
    for m in _WORD_RE.finditer(text, d.long_start, d.long_end):
        word = m.group()
        if word[:1].islower() and word.lower().strip(",.") not in _NAME_JOINERS and "-" not in word:
            cut = m.end()
    start = cut
    while start < d.long_end and not text[start].isalnum():
        start += 1
    for article in ("The ", "the "):
        if text.startswith(article, start):
            start += len(article)
    if start == d.long_start or start >= d.long_end:
        return d
    return replace(d, long=text[start:d.long_end], long_start=start)


def _select(candidates: list, priority: dict | None = None) -> list:
    """Longest match first, then rule priority, then position; no two overlap."""
    priority = priority or PRIORITY
    ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), priority.get(c.kind, 9), c.start, c.key))
    starts: list[int] = []
    ends: list[int] = []
    chosen = []
    for c in ordered:
        if c.end <= c.start:
            continue
        k = bisect.bisect_left(starts, c.end)        # chosen intervals starting before c ends
        if k > 0 and ends[k - 1] > c.start:
            continue
        starts.insert(k, c.start)
        ends.insert(k, c.end)
        chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def _function_candidates(spans, kind: str, taken: "_Intervals", rule_files: dict,
                         before_name: frozenset = frozenset(), owners: dict | None = None) -> list:
    """FUNCTION candidates of one span group ("phrase" or "pattern"), except those overlapping ``taken``.

    A pattern of ``before_name`` (rule ids) that runs into a name ends before it
    instead; one of ``owners`` (rule id -> "before" or "after") counts only beside the
    name of its owner, which the match starts ("a WHO report") or ends in ("a study by the OECD").
    Reads each span's attributes once: every attribute of a spaCy Span is a lookup.
    """
    out = []
    for span in spans:
        start, end = span.start_char, span.end_char
        rule_id = "" if kind == "phrase" else span.kb_id_
        owner = owners.get(rule_id) if owners else None
        if owner == "before":
            start = _start_after_name(span, taken)
            if start >= end or taken.overlaps(start, end):
                continue
        elif owner == "after":
            if span.start == 0 or span.doc[span.start - 1].lower_ not in _DETERMINERS:
                continue     # "Member states must report by the UN deadline", "Reports of NATO troops ..."
            if taken.overlaps(end - 1, end) and _possessed(span, taken.end_of(end - 1)):
                continue     # "their financial support of the ITU's work": the name only owns what follows
            end = _end_before_name(span, taken, verb_first=False) if taken.overlaps(end - 1, end) else start
            if start >= end or taken.overlaps(start, end):
                continue
        elif taken.overlaps(start, end):
            end = _end_before_name(span, taken) if rule_id in before_name else start
            if end <= start:
                continue
        function_id = span.id_
        rule_id = rule_id or f"{function_id}/phrase"
        out.append(_Candidate(start, end, kind, function_id, rule_id, rule_files.get(function_id, "")))
    return out


_NAME_OPENERS = {"the", "a", "an", "its", "their", "of", "to", "for", "with", "by"}


def _possessed(span, name_end: int) -> bool:
    """The name that ends at character ``name_end`` (after ``span``) is followed by a possessive."""
    doc = span.doc
    k = span.end
    while k < len(doc) and doc[k].idx < name_end:
        k += 1
    return k < len(doc) and doc[k].text in POSSESSIVE_MARKERS


def _start_after_name(span, taken: "_Intervals") -> int:
    """Where a token pattern that starts in an organization name starts after it, or its end if it
    does not start in one or what follows the name is not a noun.

    "a new UNICEF report", "ENISA's annual threat report": the name is an
    organization mention, and the words after it (and its possessive) say the
    function; "The report" without a name says nothing about who wrote it, and
    in "The head of EC3 reports to ..." the word is a verb.
    """
    if not taken.overlaps(span.start_char, span.start_char + 1):
        return span.end_char
    possessive = False
    for k, token in enumerate(span):
        if taken.overlaps(token.idx, token.idx + len(token.text)):
            continue
        if token.text in POSSESSIVE_MARKERS:
            possessive = True
            continue
        if not _noun_phrase_after_name(span, k, possessive) or \
                not possessive and not _determiner_before(span.doc, taken.start_of(span.start_char)):
            return span.end_char
        return token.idx
    return span.end_char


# Nouns that make a compound with the one before ("study visit", "report card", "assessment criteria").
_COMPOUND_HEADS = {"visit", "visits", "tour", "tours", "card", "cards", "trip", "trips", "criteria", "framework",
                   "tool", "tools", "methodology", "template", "form", "forms", "group", "period", "leave"}


# Plural nouns that are hardly ever verbs: "the Office for National Statistics figures show ...".
_NEVER_VERBS = {"figures", "statistics"}


def _noun_phrase_after_name(span, k: int, possessive: bool) -> bool:
    """The words of ``span`` from token ``k`` on are a noun phrase, not a subject and its verb.

    "The EU reports that ...", "The head of the EU reports to ...", "ENISA's critics
    report that ...", "The ITU's members study the proposal" are verbs: the last
    word is inflected (without a possessive), or follows a plural noun ("progress"
    and "readiness" are none: their lemma is themselves), or "that"/"to" follows
    after a possessive with words between or after "the". A noun that a compound
    continues ("study visit", "report card") is no report either.
    """
    tokens = list(span)[k:]
    last = tokens[-1]
    if not possessive and last.lower_ != last.norm_ and last.lower_ not in _NEVER_VERBS:
        return False
    if any(t.lower_.endswith("s") and t.lower_ != t.norm_ for t in tokens[:-1]):
        return False
    doc = span.doc
    nxt = doc[span.end].lower_ if span.end < len(doc) else ""
    if nxt in {"that", "to"} and (len(tokens) > 1 or not possessive and not _indefinite_before(span)):
        return False     # "ENISA and the EU report that ...", "ENISA's staff report to the board"
    return nxt not in _COMPOUND_HEADS


def _indefinite_before(span) -> bool:
    """An indefinite article or "new" opens the name before the noun ("A new UNICEF report that ...")."""
    doc = span.doc
    k = span.start - 1
    while k >= 0 and doc[k].text[:1].isupper() and doc[k].lower_ not in {"a", "an"}:
        k -= 1
    return k >= 0 and doc[k].lower_ in {"a", "an", "new", "latest"}


_ARTICLES = {"a", "an", "the", "this", "these", "those", "its", "their"}      # before a noun, never a verb
_DETERMINERS = {"a", "an", "the", "this", "that", "these", "its", "their", "new", "latest", "recent", "annual",
                "first", "last", "joint", "final"}
_AMOUNT_WORDS = {"million", "billion", "thousand", "m", "bn", "mn"}


def _determiner_before(doc: Doc, start: int) -> bool:
    """The word before the token at character ``start`` is an article or the like ("a new UNICEF report").

    Reads the tokens, not ``doc.text``, which spaCy builds anew on every call.
    """
    token = doc.char_span(start, start + 1, alignment_mode="expand")
    k = token.start - 1 if token is not None else -1
    while k >= 0 and doc[k].is_space:
        k -= 1
    # An amount stands where an article would: "a EUR 75 million EBRD loan", "a $5m World Bank grant".
    return k >= 0 and (doc[k].lower_ in _DETERMINERS or doc[k].like_num or doc[k].lower_ in _AMOUNT_WORDS)


def _end_before_name(span, taken: "_Intervals", verb_first: bool = True) -> int:
    """Where a token pattern that ends inside an organization name ends before it, or its start if none.

    "funds the OAS": the name is an organization mention, and the verb before it
    still says the function. Only patterns marked ``before_name`` are cut: in most
    the object carries the function, and a name holding that word ("established
    the International Training Centre") is no training. The mention ends before the
    first name in the match. A pattern that does not end in a name, begins inside
    one, or has no word left before it is dropped (returns the span's start), and
    so is one whose verb (``verb_first``) is a noun after an article ("Europol froze
    the funds INTERPOL traced").
    """
    start = span.start_char
    if taken.overlaps(start, start + 1) or not taken.overlaps(span.end_char - 1, span.end_char):
        return start
    if verb_first and span.start > 0 and span.doc[span.start - 1].lower_ in _ARTICLES:
        return start
    tokens = list(span)
    keep = 0
    for k, token in enumerate(tokens):
        if taken.overlaps(token.idx, token.idx + len(token.text)):
            break
        keep = k + 1
    while keep > 0 and (tokens[keep - 1].lower_ in _NAME_OPENERS or tokens[keep - 1].is_punct
                        or tokens[keep - 1].is_space):
        keep -= 1
    if keep == 0:
        return start
    last = tokens[keep - 1]
    return last.idx + len(last.text)


def _phrases_then_patterns(group: list, owners: dict | None = None) -> list:
    """Longest match first, but a token pattern never cuts through a phrase (a whole term).

    "Information Sharing and Threat Intelligence" gives the two terms, not a
    pattern span from "Sharing" to "Intelligence"; "the investigation and
    prosecution of cybercrime" keeps the pattern span, which holds the phrase whole.
    """
    if all(c.kind == "phrase" for c in group):
        return _select(group, {"phrase": 0, "pattern": 1})
    # A pattern with an owner ("with the financial support of the EU") that covers exactly a
    # phrase says whose it is: the phrase gives way. (``owners``: rule ids of such patterns.)
    owned = {(c.start, c.end) for c in group if c.kind == "pattern" and owners and c.rule_id in owners}
    if owned:
        group = [c for c in group if c.kind != "phrase" or (c.start, c.end) not in owned]
    phrases = sorted((c for c in group if c.kind == "phrase"), key=lambda c: c.start)
    starts = [p.start for p in phrases]
    longest = max((p.end - p.start for p in phrases), default=0)

    def cuts_a_phrase(c) -> bool:
        # Only phrases starting in [c.start - longest, c.end) can overlap c: a bisection, not a scan of the document.
        lo, hi = bisect.bisect_left(starts, c.start - longest), bisect.bisect_left(starts, c.end)
        return any(c.start < p.end and not (c.start <= p.start and p.end <= c.end) for p in phrases[lo:hi])
    whole = [c for c in group if c.kind == "phrase" or not cuts_a_phrase(c)]
    return _select(whole, {"phrase": 0, "pattern": 1})


class _Intervals:
    """Non-overlapping character intervals, sorted, for fast overlap tests."""

    def __init__(self, mentions: list):
        spans = sorted((m.start, m.end) for m in mentions)
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def overlaps(self, start: int, end: int) -> bool:
        k = bisect.bisect_left(self.starts, end)   # intervals starting before `end`
        return k > 0 and self.ends[k - 1] > start

    def start_of(self, offset: int) -> int:
        """The start of the interval holding ``offset`` (which must lie in one)."""
        return self.starts[bisect.bisect_right(self.starts, offset) - 1]

    def end_of(self, offset: int) -> int:
        """The end of the interval holding ``offset`` (which must lie in one)."""
        return self.ends[bisect.bisect_right(self.starts, offset) - 1]



def _headline(text: str, offset: int, known: dict | None = None) -> bool:
    """The line around ``offset`` is a title-case line of five to twenty words.

    Longer lines are sentences full of names ("The U.S. Cybersecurity and
    Infrastructure Security Agency (CISA), Australian Cyber Security Centre ..."),
    not headlines. ``known`` caches the answer by line start for one text.
    """
    start = text.rfind("\n", 0, offset) + 1
    if known is not None:
        if start not in known:
            known[start] = _headline(text, offset)
        return known[start]
    end = text.find("\n", offset)
    words = re.findall(r"[A-Za-z][\w'’-]*", text[start:end if end >= 0 else len(text)])
    content = [w for w in words if w.lower() not in _NAME_JOINERS and len(w) > 3]
    return 5 <= len(words) <= 20 and bool(content) and sum(w[0].isupper() for w in content) >= 0.75 * len(content)


def _capitalized(span, view: TokenView) -> bool:
    """Gazetteer names match case-insensitively, but a name in running text is capitalized."""
    texts, alpha = view.texts, view.is_alpha
    words = [texts[k] for k in range(span.start, span.end)
             if alpha[k] and len(texts[k]) > 3 or (alpha[k] and texts[k][:1].isupper())]
    if not words:
        return False
    return words[0][:1].isupper() and sum(1 for w in words if w[:1].isupper()) * 2 >= len(words)


def _modifies_longer_name(span, lexicon: ShapeLexicon, view: TokenView) -> bool:
    """"United Nations" in "United Nations Sustainable Development Goals" names no organization."""
    # A token's trailing whitespace is one space or nothing: spaCy makes a newline a token of its own.
    if span.end >= view.n or not view.space_after[span.end - 1]:
        return False
    k = span.end
    if lexicon.organ_at(view.lowers, k):
        return False        # "the World Bank Group Board of Directors": the bank acts through its board
    return view.texts[k][:1].isupper() and view.is_alpha[k] and view.lowers[k] not in lexicon.connectors \
        and not view.doc[k].is_sent_start


def _shouting(span, view: TokenView, lines: dict) -> bool:
    """An acronym inside an ALL-CAPS line is as likely a shouted word as a name.

    ``lines`` remembers each line's answer by its first token, so a long line
    with many acronyms is read once, not once per acronym.
    """
    # A line ends at a whitespace token: spaCy never puts a newline in a token's trailing whitespace.
    breaks = lines.get("breaks")
    if breaks is None:
        space = view.is_space
        breaks = lines["breaks"] = [k for k in range(view.n) if space[k]]
    k = bisect.bisect_left(breaks, span.start)
    line_start = breaks[k - 1] + 1 if k > 0 else 0
    known = lines.get(line_start)
    if known is not None:
        return known
    k = bisect.bisect_left(breaks, span.end)
    line_end = breaks[k] if k < len(breaks) else view.n
    texts, alpha, upper = view.texts, view.is_alpha, view.is_upper
    words = [k for k in range(line_start, line_end) if alpha[k] and len(texts[k]) > 1]
    lines[line_start] = answer = len(words) >= 4 and all(upper[k] for k in words)
    return answer


# Words that may stand between a verb and the function phrase that is its object
# ("works on nature conservation", "leads the demining of ...").
_OBJECT_LEAD = {"the", "a", "an", "its", "their", "on", "in", "to", "for", "with"}


def _verb_frames(fn_spans: dict[str, list[Span]], view: TokenView, ctx: Context) -> frozenset:
    """Tokens where a function token pattern starts that may say what its subject does, and
    verbs of carrying out an activity (``ACTIVITY_VERB_STEMS`` of pipeline.linking.cues) right before a function phrase
    or pattern (perhaps after an article, a preposition or a compound adjective): "trains
    judges", "delivers mine action", "works on nature conservation", "held a two-day workshop".

    Frames that open with a noun ("responders trained by", "assessments published by",
    "report of") end in a preposition or belong to a name: they say nothing of a subject.
    """
    lowers, texts = view.lowers, view.texts
    frames = set()
    for key in (FUNCTION_PATTERNS, FUNCTION_PHRASES):
        for s in fn_spans[key]:
            if s.kb_id_ in ctx.owners or lowers[s.end - 1] in {"by", "of", "from"}:
                continue
            if key == FUNCTION_PATTERNS:
                frames.add(s.start)
            k = s.start - 1
            # articles and prepositions, and a compound adjective ("held a two-day workshop")
            while k > 0 and s.start - k <= 5 and not activity_verb(lowers[k]) and (
                    lowers[k] in _OBJECT_LEAD or texts[k] == "-" or texts[k - 1] == "-" or texts[k + 1] == "-"):
                k -= 1
            if k >= 0 and texts[k].isalpha() and texts[k].islower() and activity_verb(lowers[k]):
                # "co-hosted a workshop": the frame starts with the compound
                frames.add(k - 2 if k >= 2 and texts[k - 1] == "-" else k)
    return frozenset(frames)




def _name_context(span, view: TokenView, ctx: Context, gid: str, frames: frozenset = frozenset()) -> bool:
    """An acronym that is also an English word (WHO, FIRST) counts only in name-like context:
    its long form appears in the document, or it follows "the" (or "Geneva-based") or
    precedes "'s" / ")", or stands between "a" and a noun ("a WHO report"), or before an
    apposition ("FIRST, a global forum of ...") or a verb it is the subject of ("WHO said"),
    or a function frame that opens with a verb ("WHO trains health workers"; ``frames``: the
    tokens where a function token pattern starts). A capitalized word opening a sentence
    ("FIRST responders arrived", "IMPACT assessments are required") is not enough."""
    entry = ctx.rules.organization(gid)
    if entry is not None and entry.name.lower() in view.text_lower:
        return True
    n, texts, lowers = view.n, view.texts, view.lowers
    prev = lowers[span.start - 1] if span.start > 0 else ""
    nxt = texts[span.end] if span.end < n else ""
    # Coordinated with another acronym: "WHO and UNICEF", "UNICEF, WHO".
    for k in (span.start - 2, span.end + 1):
        if 0 <= k < n and view.is_upper[k] and len(texts[k]) > 1 and view.is_alpha[k] and \
                lowers[min(k, span.start - 1) if k < span.start else span.end] in {"and", "or", ","}:
            return True
    if prev in {"a", "an"} and span.end < n and lowers[span.end] in _MODIFIED_NOUNS:
        return True      # "a WHO report", "a WHO team": an article, then the name as a modifier
    if nxt == "," and span.end + 1 < n and lowers[span.end + 1] in {"a", "an"} \
            and "," in lowers[span.end + 2:span.end + 14] \
            and any(w in ctx.lexicon.heads or w in _APPOSITION_HEADS for w in lowers[span.end + 2:span.end + 7]):
        return True      # "FIRST, a global forum of incident response teams, ...": an apposition naming a body
        #                  ("FIRST, the ministry ...", "FIRST, an attacker gains access, ..." are adverbs)
    if span.end < n and lowers[span.end] in _SUBJECT_VERBS:
        return True      # "WHO said ...", "WHO has declared ...": the acronym is a verb's subject
    if span.end in frames and texts[span.end].islower() and texts[span.end].endswith(("s", "ed")) \
            and not texts[span.end].endswith(("ss", "ings", "ions")):
        return True      # "WHO trains health workers": a verb in -s or -ed that opens a function frame
    return prev in {"the", "(", "and", "of", "by", "with", "like", "as", "including", ",", "based", "headquartered"} \
        or nxt in {"'s", "’s", ")"}


# Verbs whose subject an acronym is when it stands right before them ("WHO said", "WHO recommends");
# "FIRST responders" and "IMPACT assessments" are followed by nouns.
_SUBJECT_VERBS = {"said", "says", "has", "is", "was", "will", "does", "did", "warned", "warns", "announced", "announces",
                  "reported", "reports", "declared", "declares", "recommends", "recommended", "urged", "urges",
                  "estimates", "estimated", "noted", "confirmed", "called", "calls", "released", "published",
                  "issued", "launched", "launches", "added"}


def _short_names_in_context(name_spans: list, acronym_spans: list, ctx: Context) -> list:
    """The name spans, less the short names ("the Security Council") of organizations the
    document names no other way, itself or through its parent ("the United Nations", "UN").

    Many bodies share a short name (national security councils, a company's general
    assembly); beside the UN's name it is the UN's. A short name that ends a longer
    name ("the Atlas Digital Security Council") or has an owner ("Kenya's Security
    Council") is never the organization's.
    """
    named = {s.id_ for s in name_spans if s.label_ != SHORT_NAME} | {s.id_ for s in acronym_spans}
    name_tokens = {t for s in name_spans if s.label_ != SHORT_NAME for t in range(s.start, s.end)} | \
        {t for s in acronym_spans for t in range(s.start, s.end)}
    parent_tokens: dict = {}     # organization id -> tokens of its other names' mentions
    for s in acronym_spans + [s for s in name_spans if s.label_ != SHORT_NAME]:
        parent_tokens.setdefault(s.id_, set()).update(range(s.start, s.end))
    kept = []
    for span in name_spans:
        if span.label_ == SHORT_NAME:
            entry = ctx.rules.organization(span.id_)
            if span.id_ not in named and (entry is None or entry.parent not in named):
                continue
            doc = span.doc
            before = doc[span.start - 1] if span.start > 0 else None
            if before is not None and before.text in POSSESSIVE_MARKERS and span.start > 1 \
                    and span.start - 2 in parent_tokens.get(entry.parent if entry else None, ()):
                kept.append(span)     # "the UN's Security Council"
                continue
            if before is not None and (before.text in POSSESSIVE_MARKERS or before.text[:1].isupper()
                                       and before.lower_ not in {"the", "a", "an", "this", "that", "its"}):
                continue
            if before is not None and before.lower_ in {"and", "&"} and span.start > 1 \
                    and doc[span.start - 2].text[:1].isupper() and span.start - 2 not in name_tokens:
                continue     # "the African Union's Peace and Security Council" (not "the UN Security Council and ...")
            if span.end < len(doc) and doc[span.end].lower_ == "of":
                continue     # "the General Assembly of INTERPOL": another body's
        kept.append(span)
    return kept


# Nouns an organization's name modifies after "a" ("a WHO report"); "a FIRST step" and
# "an IMPACT on" are no names.
_MODIFIED_NOUNS = {"report", "team", "study", "survey", "official", "officials", "spokesperson", "statement",
                   "mission", "delegation", "programme", "program", "project", "expert", "experts",
                   "guideline", "guidelines", "document", "initiative", "recommendation", "decision",
                   "representative", "member", "press", "publication", "campaign"}
# ("an IMPACT assessment" is an impact assessment: assessment, analysis and review are left out)
# Heads of an apposition that names a body, beside the organization heads of rules/org_shapes.yml.
_APPOSITION_HEADS = {"forum", "body", "network", "organisation", "organization", "alliance", "coalition",
                     "partnership", "platform", "nonprofit", "non-profit", "association", "consortium"}


def _gazetteer_for_name(span, ctx: Context, names: list) -> str | None:
    """The gazetteer id of a generic name, if it is a gazetteer name with a qualifier in front.

    Names are head-final: "United States Department of Homeland Security" is
    the Department of Homeland Security, but "European Union Agency for
    Cybersecurity" is not the European Union.
    """
    gid = ctx.name_index.get(name_key(span.text)) or (ctx.acronym_index.get(span.text) or (None,))[0]
    if gid:
        return gid
    for inner in names:
        if inner.end == span.end and inner.start > span.start:
            return inner.id_
    return _near_gazetteer_name(span.text, ctx)


# Words of country names that say nothing of which country: "United", "Republic".
_COUNTRY_GENERIC = {"united", "states", "kingdom", "republic", "democratic", "federal", "federated", "people's",
                    "islamic", "great", "state", "islands", "saint", "north", "south", "new", "plurinational"}
# Two capitals after an acronym that are ISO codes and also words or abbreviations: "the DHS IT budget",
# "the CISA AI Roadmap", "FBI SA John Smith".
_CODE_WORDS = {"AI", "IT", "IN", "IS", "TO", "AM", "BE", "NO", "ID", "SA", "LA", "PR", "IR", "AT", "ME", "MY", "SO",
               "DO", "GO", "PM", "TV", "AS", "BY", "PA", "PE", "PS", "SE", "ST", "TC", "TT", "VA", "VI", "VC"}


_POSSESSIVE_NAME = re.compile(r"(.+?)['’]s (.+)")


def _one_countrys_bodies(shaped: list, ctx: Context) -> dict[str, tuple[str, str]]:
    """Key of a kind of body -> (key, name) of the one country's body of that kind the document names.

    "Kenya's Ministry of Health" makes a later "the Ministry of Health" Kenya's, when the
    document names no other country's ministry of health.
    """
    owned: dict[str, set] = {}
    for span in shaped:
        match = _POSSESSIVE_NAME.fullmatch(span.text)
        if match and ctx.context_lexicon is not None and ctx.context_lexicon.is_place(match.group(1)):
            owned.setdefault(f"new:{name_key(match.group(2))}", set()).add((f"new:{name_key(span.text)}", span.text))
    return {kind: min(bodies) for kind, bodies in owned.items() if len({k for k, _ in bodies}) == 1}


def _other_country(gid: str, k: int, ctx: Context, view: TokenView) -> tuple[str, int] | None:
    """(organization key, start of the country) when a national body's name or acronym at token
    ``k`` follows another country's possessive, else None.

    National agencies share names and acronyms: "New Zealand's National Cyber Security
    Centre" names the gazetteer's UK centre word for word and is another body. The key is
    that country's entry (one sharing the acronym, or the name), or an organization of
    its own keyed as :func:`_national_qualifier` keys "National Cyber Security Centre (NCSC NZ)".
    Only entries with a ``country`` are checked, and not those whose name states it
    ("Vanuatu's Australian Federal Police advisers" are Australian).
    """
    entry = ctx.rules.organization(gid)
    texts = view.texts
    if entry is None or not entry.country or k < 2 or texts[k - 1] not in ("'s", "’s"):
        return None
    found = _country_before(k, ctx, view)
    if found is None or found[1] == entry.country or _states_its_country(entry, ctx):
        return None
    first, code = found
    for acronym in (*entry.acronyms, *entry.shared_acronyms):
        for other in ctx.acronym_index.get(acronym, ()):       # "the Netherlands's NCSC" is the Dutch centre
            other_entry = ctx.rules.organization(other)
            if other_entry is not None and other_entry.country == code:
                return other, view.idx[first]
    key = ctx.national_names.get((name_key(entry.name), code)) or \
        f"new:{name_key(entry.name)} {country_key(code)}"
    return key, view.idx[first]


def _country_before(name_start: int, ctx: Context, view: TokenView) -> tuple[int, str] | None:
    """(first token, code) of the country whose possessive stands before token ``name_start``, or None.

    The place is the one :func:`pipeline.shapes.country_owner` reads ("Republic of Korea's";
    not "New Jersey's" or "the University of Ghana's"), and it must be a country.
    """
    first = country_owner(view, name_start, ctx.lexicon)
    if first is None:
        return None
    code = ctx.country_codes.get(name_key(view.span_text(first, name_start - 1)))
    return (first, code) if code is not None else None


def _states_its_country(entry, ctx: Context) -> bool:
    """The entry's name names its own country ("Australian Federal Police", "Cyber Security Agency of Singapore")."""
    names = ((ctx.rules.places or {}).get("countries") or {}).get(entry.country) or ()
    own = [f" {name_key(n)} " for n in (entry.name, *entry.aliases)]
    if any(f" {name_key(n)} " in o for n in names for o in own):
        return True                                  # "United States Department of Homeland Security"
    stems = {w[:4] for n in names for w in name_key(n).split() if len(w) >= 4 and w not in _COUNTRY_GENERIC}
    return any(w[:4] in stems for o in own for w in o.split() if len(w) >= 4)


def _country_coded(span, surface: str, gid: str, ctx: Context, view: TokenView) -> tuple[str, int] | None:
    """(organization key, end) of an acronym that national bodies of several countries share,
    followed by a country code ("NCSC NZ", "NCSC NL").

    The code picks that country's entry, or an organization of its own keyed as
    :func:`_national_qualifier` keys a definition "National Cyber Security Centre (NCSC NZ)".
    Codes that are also words ("the NCSC IT team") and a code that opens a hyphenated
    word ("DHS US-CERT") do not count.
    """
    entry = ctx.rules.organization(gid)
    k = span.end
    shared = ctx.acronym_index.get(surface, ())
    if entry is None or not entry.country or len(shared) < 2 or k >= view.n or view.idx[k] != span.end_char + 1:
        return None
    code_text = view.texts[k]
    if len(code_text) != 2 or not code_text.isupper() or code_text in _CODE_WORDS or \
            (k + 1 < view.n and view.idx[k + 1] == span.end_char + 3 and view.texts[k + 1][:1] in "-–/"):
        return None
    parts = split_country(f"{surface} {code_text}")
    countries = (ctx.rules.places or {}).get("countries") or {}
    if parts is None or parts[1] not in countries:
        return None
    end_char = span.end_char + 3
    for other in shared:                                       # "NCSC NL": the Dutch centre shares "NCSC"
        other_entry = ctx.rules.organization(other)
        if other_entry is not None and other_entry.country == parts[1]:
            return other, end_char
    key = ctx.national_names.get((name_key(entry.name), parts[1])) or \
        f"new:{name_key(entry.name)} {country_key(parts[1])}"
    return key, end_char


def _near_gazetteer_name(text: str, ctx: Context) -> str | None:
    """A gazetteer organization whose name holds every word of ``text`` and few more.

    "African Forum of Incident Response Teams" is AfricaCERT's "African Forum of
    Computer Incident Response Teams" with one word dropped; writers shorten
    names, they rarely swap words.
    """
    words = content_words(text)
    if len(words) < 3:
        return None
    rarest = min(words, key=lambda w: len(ctx.word_index.get(w, ())))
    found = set()
    for org_id in ctx.word_index.get(rarest, ()):
        for names in ctx.org_names[org_id]:
            if words <= names and len(words) >= 0.75 * len(names):
                found.add(org_id)
    return found.pop() if len(found) == 1 else None


def _ordered_content(text: str) -> list[str]:
    stop = {"of", "for", "on", "and", "the", "in", "against", "to", "de", "&"}
    return [w for w in name_key(text).split() if w not in stop]


_QUALIFIED_BRACKET = re.compile(r"\s*\(([A-Z][A-Za-z]+)[\s-]([A-Z]{2})\)")


def _qualified_definitions(text: str, names: list, ctx: Context) -> list:
    """"National Cyber Security Centre (NCSC NZ)": a gazetteer name followed by its acronym and a country code.

    General acronym detection rightly refuses a short form whose letters the long
    form does not spell ("NZ"); this adds the case where the gazetteer knows the
    name and the acronym, and only the code is new.
    """
    from pipeline.acronyms import Definition
    found = []
    for span in names:
        match = _QUALIFIED_BRACKET.match(text, span.end_char)
        if match and span.id_ in ctx.acronym_index.get(match.group(1), ()):
            found.append(Definition(f"{match.group(1)} {match.group(2)}", span.text, match.start(1), match.end(2),
                                    span.start_char, span.end_char))
    return found


def _national_qualifier(short: str, long: str, ctx: Context):
    """"National Cyber Security Centre (NCSC NZ)": a national agency's acronym with a country code.

    National agencies share names across countries; the code picks the one of
    that country, or, when the gazetteer has none, a separate organization,
    never another country's.
    """
    parts = split_country(short)
    if parts is None or parts[0] not in ctx.acronym_index:
        return None
    entries = [ctx.rules.organization(i) for i in ctx.acronym_index[parts[0]]]
    if not any(e is not None and e.country for e in entries):
        return None
    for entry in entries:
        if entry is not None and entry.country == parts[1]:
            return entry.id, entry.id, None
    return f"new:{name_key(long)} {country_key(parts[1])}", None, None    # "nz"; "UK" gives "gb"


def _names_a_kind(short: str, long: str, lexicon: ShapeLexicon) -> bool:
    """"Computer Security Incident Response Teams (CSIRTs)" defines a kind of body, not one."""
    from pipeline.shapes import _singular_key
    last = long.split()[-1] if long.split() else ""
    plural = short.endswith("s") and short[:-1].isupper() or (last.endswith("s") and lexicon.head_of(last)
                                                              and lexicon.head_of(last) != last.lower())
    return _singular_key(long) in lexicon.generic_phrases or bool(plural and short[:1].isupper())


def _resolve_definition(short: str, long: str, ctx: Context, view: TokenView, gazetteer_spans: list,
                        long_start: int, long_end: int):
    """(key, gazetteer id, conflicting gazetteer ids) for a definition, or (None, None, None).

    The long form decides: if it is a gazetteer name, that is the organization.
    If only the acronym is in the gazetteer, the long forms must agree (the
    document's words are all, or nearly all, words of a gazetteer name);
    otherwise the document means another organization and keeps it.
    """
    national = _national_qualifier(short, long, ctx)
    if national is not None:
        return national
    gid = ctx.name_index.get(name_key(long))
    if gid:
        return gid, gid, None
    ids = ctx.acronym_index.get(short) or ctx.acronym_index.get(short.replace(" ", "")) or ()
    words = content_words(long)
    ordered = _ordered_content(long)
    key = name_key(long)
    for candidate in ids:
        entry = ctx.rules.organization(candidate)
        # The gazetteer knows this body only by its acronym ("CERT NZ"): nothing contradicts the text.
        if entry is not None and all(n.replace(" ", "") in {a.lower().replace(" ", "").replace("-", "")
                                                             for a in entry.acronyms}
                                     for n in (name_key(entry.name), *(name_key(a) for a in entry.aliases))):
            return candidate, candidate, None
        for names, name_order in zip(ctx.org_names.get(candidate, []), ctx.org_name_orders.get(candidate, [])):
            # Nearly all the document's words are the gazetteer's ("Inter-regional Crime Research
            # Institute" for UNICRI), or the names open the same way and differ only at the end
            # ("Cybersecurity Service for the Union entities" for CERT-EU's official name).
            # "International Cyber Police Organisation" is neither: ICPO there is not INTERPOL.
            if words and len(words & names) >= 0.8 * len(words):
                return candidate, candidate, None
            prefix = min(3, len(ordered))
            if prefix >= 3 and ordered[:prefix] == name_order[:prefix]:
                return candidate, candidate, None
        # Names are head-final: "U.S. Cybersecurity and Infrastructure Security Agency" is CISA.
        if entry is not None and any(key.endswith(" " + name_key(n)) for n in (entry.name, *entry.aliases)):
            return candidate, candidate, None
    span = view.expand(long_start, long_end)      # token range, as doc.char_span(..., "expand")
    if _names_a_kind(short, long, ctx.lexicon) and not ids:
        return None, None, None
    org_shaped = span is not None and any(ctx.lexicon.head_of(t) for t in view.texts[span[0]:span[1]]
                                          if t[:1].isupper())
    inner_gid = None
    if span is not None:
        for inner in gazetteer_spans:
            if inner.start >= span[0] and inner.end == span[1]:
                inner_gid = inner.id_
    if inner_gid and not ids:
        return inner_gid, inner_gid, None
    if ids or org_shaped:
        return f"new:{name_key(long)}", None, set(ids) or None
    return None, None, None
