"""Link each organization to the functions the text says it performs.

Real prose says "who does what" in several ways, and each link records which one
(``method``):

* ``sentence``: the organization acts in the sentence that names the function,
  alone or in an enumeration ("Organizations like the ITU and the OAS
  facilitate information sharing");
* ``anaphora``: a sentence opened by "They" or "These bodies" points back to
  the organizations that acted just before;
* ``example``: "Examples include X and Y" gives X and Y the functions of the
  sentence it illustrates;
* ``list``: the items of a list take the organization of its lead-in line
  ("For each type, EC3:" then "- serves as ..."; paragraphs ending in ";" are
  items too); an item that opens with its verb has the lead-in's subject;
* ``heading`` / ``question``: an organization that acts in a section but whose
  own sentence names no function takes the functions of the section's heading,
  paragraph lead ("Information Sharing: ...") or question.

Without a parser, "acts" is decided from the words just before the mention
(:func:`role`): the start of a clause, "like", "such as", "by", "from" keep
it an actor; "for", "to" make it a receiver ("training for INTERPOL
officers"); any other word (a verb, "operates the Global Response Center")
makes it an object. Examples ("agencies such as INTERPOL") stand where the
noun before them stands; a partner after
"collaborates with" is not an actor. A possessor ("the ITU's IMPACT") is not an
actor, the owner of an activity ("the World Bank's work") is. Function
words after a topic cue ("skills in investigating cybercrime", "covering areas
such as incident response") or after another agent ("where nations can engage
in dialogue") are not the organization's own activity.

Known limits, without a parser: passive agents far from their verb are
missed; a name after "of" right after a function is read as its agent ("the
mediation of the African Union"), also where it is the target ("an
investigation of Europol"); a coordinated clause whose subject follows an
opening phrase ("..., and in 2023 ENISA published ...") is not recognised.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Doc

from pipeline.names import DATE_WORDS
from pipeline.structure import ANSWER, BODY, HEADING, LEAD, QUESTION, Segment
from pipeline.tokens import TokenView

SENTENCE, ANAPHORA, EXAMPLE, HEADING_METHOD, QUESTION_METHOD = "sentence", "anaphora", "example", "heading", "question"
LIST = "list"
_BULLETS = ("-", "•", "*", "–", "—", "·")
_SKIP = {"the", "a", "an", "both", "either", "(", ")", "[", "]", '"', "“", "”"}
_COORD = {"and", "or", ",", "&"}
_PRONOUNS = {"they", "it", "we", "he", "she", "i", "you"}
_LOCATED = {"based", "headquartered"}       # "<place>-based <organization>"
_NEXT_GERUND = re.compile(r",\s+(?:and\s+)?([a-z]+ing)\b")
_PREPOSITIONS = {"with", "between", "among", "by", "from", "for", "on", "of", "to", "in", "against"}
_AGENT_PREPOSITIONS = {"from", "by"}     # in an opening phrase, they name its activity's own agent
_MODALS = {"can", "could", "may", "might", "will", "would", "should", "must", "to", "shall"}
# Finite auxiliaries: after an organization they make it a subject ("and the World Bank has funded ...").
_AUXILIARIES = (_MODALS - {"to"}) | {"is", "are", "was", "were", "has", "have", "had", "does", "do", "did"}


@dataclass(frozen=True, slots=True)
class Link:
    """An organization performs a function, and where the text says so."""

    org_key: str
    function_id: str
    method: str
    sentence_start: int      # the sentence that names the organization
    sentence_end: int
    org_start: int
    org_end: int
    function_start: int      # the function mention (in a heading or question for those methods)
    function_end: int


_CUES: dict = {}


def _cues(linking: dict) -> "Cues":
    """Compiled cues, built once per rules object (linking runs once per document)."""
    key = id(linking)
    cached = _CUES.get(key)
    if cached is None or cached[0] is not linking:
        cached = _CUES[key] = (linking, Cues(linking))
    return cached[1]


class Cues:
    """The word lists of ``rules/linking.yml``, compiled for token lookups."""

    def __init__(self, linking: dict):
        low = lambda key: [tuple(str(p).lower().split()) for p in linking.get(key, ())]  # noqa: E731
        self.openers = {p[0] for p in low("actor_openers") if len(p) == 1}
        self.receivers = {p[0] for p in low("receiver_prepositions") if len(p) == 1}
        self.possessive = {p[0] for p in low("possessive_markers") if len(p) == 1}
        self.topic = low("topic_cues")
        self.other_agent = low("other_agent_cues")
        self.anaphors = low("anaphors")
        self.anaphors_longest_first = sorted(self.anaphors, key=len, reverse=True)
        # First words of the phrases a sentence may open with: most sentences open with none of them.
        self.anaphor_firsts = _first_words(self.anaphors)
        self.anaphor_heads = {p[0] for p in low("anaphor_heads") if len(p) == 1}
        self.example_openers = low("example_openers")
        self.example_markers_by_last: dict[str, list] = {}
        for phrase in sorted(low("example_markers"), key=len, reverse=True):
            self.example_markers_by_last.setdefault(phrase[-1], []).append(phrase)
        self.partner_verbs = {p[0] for p in low("partner_verbs") if len(p) == 1}
        self.kind_heads = {p[0] for p in low("kind_heads") if len(p) == 1}
        self.activity_nouns = {p[0] for p in low("activity_nouns") if len(p) == 1}
        self.definite_heads = {p[0] for p in low("definite_heads") if len(p) == 1}
        self.lead_in_pronouns = {p[0] for p in low("lead_in_pronouns") if len(p) == 1}
        self.reporting_verbs = {p[0] for p in low("reporting_verbs") if len(p) == 1}
        self.partner_nouns = {p[0] for p in low("partner_nouns") if len(p) == 1}
        self.participant_nouns = {p[0] for p in low("participant_nouns") if len(p) == 1}
        self.staff_nouns = {p[0] for p in low("staff_nouns") if len(p) == 1}
        self.member_nouns = {p[0] for p in low("member_nouns") if len(p) == 1}
        self.training_verbs = {p[0] for p in low("training_verbs") if len(p) == 1}
        self.receiving_verbs = {p[0] for p in low("receiving_verbs") if len(p) == 1}
        # The plurals of these nouns open clauses about other actors (see _without_others_clauses).
        self.others_plurals = frozenset(
            plural for noun in self.member_nouns | self.kind_heads
            for plural in (noun + "s", noun + "es", noun[:-1] + "ies") if _singular(plural) == noun)
        self.relative_pronouns = {p[0] for p in low("relative_pronouns") if len(p) == 1}
        self.instrument_verbs = frozenset(p[0] for p in low("instrument_verbs") if len(p) == 1)
        self.founding_verbs = frozenset(p[0] for p in low("founding_verbs") if len(p) == 1)
        # The words that may follow the organization after each verb that hands it an activity
        # ("tasked the FSB to review" and "tasked the FSB with reviewing").
        self.handing_verbs: dict[str, set] = {}
        for key, word in (("founding_verbs", "to"), ("praise_verbs", "for"), ("assigning_verbs", "with")):
            for p in low(key):
                if len(p) == 1:
                    self.handing_verbs.setdefault(p[0], set()).add(word)
        self.credit_verbs = frozenset(p[0] for key in ("praise_verbs", "assigning_verbs") for p in low(key)
                                      if len(p) == 1)
        self.participation_verbs = frozenset(p[0] for p in low("participation_verbs") if len(p) == 1)
        self.clause_joiners = {p[0] for p in low("clause_joiners") if len(p) == 1}
        # First words of the cue phrases, as tokens: a sentence without any of them
        # cannot match the regular expression (tokens split where \b does).
        self.topic_firsts = frozenset(p[0] for p in self.topic)
        self.other_agent_firsts = frozenset(p[0] for p in self.other_agent)
        negations = low("negations")
        self.negation_firsts = frozenset(p[0] for p in negations) | {"n't", "n’t"}
        self.cue_firsts = self.topic_firsts | self.other_agent_firsts
        self.negation_re = _phrase_regex([p for p in negations if p != ("n't",)])
        if ("n't",) in negations:
            alternatives = self.negation_re.pattern if self.negation_re is not None else "(?!)"
            self.negation_re = re.compile(r"n[’']t\b|" + alternatives, re.IGNORECASE)
        self.example_firsts = _first_words(self.example_openers)
        self.lead_adverbials = low("lead_adverbials")
        # Longest first, grouped by first word: a clause opener is looked up, not searched for.
        self.leads_by_first: dict[str, list] = {}
        for phrase in sorted(self.lead_adverbials, key=len, reverse=True):
            self.leads_by_first.setdefault(phrase[0], []).append(phrase)
        self.topic_re = _phrase_regex(self.topic)
        leads = sorted((r"\s+".join(re.escape(w) for w in p) for p in self.lead_adverbials), key=len, reverse=True)
        self.singular_anaphors = {p[0] for p in low("singular_anaphors") if len(p) == 1}
        openers = sorted((r"\s+".join(re.escape(w) for w in p) for p in
                          self.anaphors + [(w,) for w in sorted(self.singular_anaphors)]), key=len, reverse=True)
        # A sentence without organizations matters only if it points back to some:
        # "They ...", "These bodies ...", "The Centre ...", or a list item.
        self.points_back_re = re.compile(
            r"^\s*(?:[-•*–—·]|(?:(?:%s)\W+)?(?:%s|the)\b)" % ("|".join(leads) or "(?!)", "|".join(openers) or "(?!)"),
            re.IGNORECASE)
        self.other_agent_re = _phrase_regex(self.other_agent, follow=r"(?:\W+\w+){0,3}?\W+(?:%s)\b"
                                            % "|".join(sorted(_MODALS)))


def _first_words(phrases: list[tuple[str, ...]]) -> frozenset | None:
    """The first word of each phrase, or None if a phrase is empty (it would open every sentence)."""
    return None if any(not p for p in phrases) else frozenset(p[0] for p in phrases)


def _phrase_regex(phrases: list[tuple[str, ...]], follow: str = "") -> re.Pattern | None:
    """One case-insensitive regular expression for a list of cue phrases (word-bounded)."""
    if not phrases:
        return None
    alternatives = sorted((r"\s+".join(re.escape(w) for w in p) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:%s)(?![\w-])%s" % ("|".join(alternatives), f"(?={follow})" if follow else ""),
                      re.IGNORECASE)


def _within(mentions: tuple, start: int, end: int) -> list:
    """Mentions that begin inside [start, end); ``mentions`` is (sorted mentions, their starts)."""
    items, keys = mentions
    return items[bisect.bisect_left(keys, start):bisect.bisect_left(keys, end)]


def _starts_with(words: list[str], phrase: tuple[str, ...], at: int = 0) -> bool:
    """``words[at:]`` begins with ``phrase`` (without copying the rest of the sentence)."""
    return tuple(words[at:at + len(phrase)]) == phrase


class _Sentence:
    """One segment with its organization and function mentions; tokens are read only when needed.

    The sentence's tokens (whitespace tokens left out) are three parallel
    lists read from the document's :class:`TokenView`: ``words`` (lowercase),
    ``surfaces`` (as written) and ``token_starts`` (character offsets).
    """

    def __init__(self, index: int, seg: Segment, view: TokenView, orgs: tuple, functions: tuple):
        self.index, self.seg = index, seg
        self._view = view
        self.orgs = _within(orgs, seg.start, seg.end)
        self.functions = _within(functions, seg.start, seg.end)
        self._org_tokens = None
        self._own = None
        self.actors: list = []
        self.agents: set = set()       # ids of actors that own an activity ("the World Bank's work")
        self.roles: dict = {}          # id(organization mention) -> its role (see role())
        self.dateline_end = None       # where the text after a dateline starts ("WASHINGTON - ..."), -1 if none
        self._words = None
        self._list_item = None         # computed once: every later item of a list asks again
        self._negatable = None         # holds a negation's first word

    def _read_tokens(self) -> None:
        idx, lowers, texts = self._view.words
        first = bisect.bisect_left(idx, self.seg.start)
        last = bisect.bisect_left(idx, self.seg.end, first)
        self._words = lowers[first:last]
        self._surfaces = texts[first:last]
        self._token_starts = idx[first:last]

    @property
    def words(self) -> list[str]:
        if self._words is None:
            self._read_tokens()
        return self._words

    @property
    def surfaces(self) -> list[str]:
        if self._words is None:
            self._read_tokens()
        return self._surfaces

    @property
    def token_starts(self) -> list[int]:
        if self._words is None:
            self._read_tokens()
        return self._token_starts

    @property
    def text(self) -> str:
        return self._view.text[self.seg.start:self.seg.end]

    def token_at(self, char: int) -> int:
        """Index in the sentence's tokens of the token that starts at or after ``char``."""
        return bisect.bisect_left(self.token_starts, char)


def link_document(doc: Doc, segments: list[Segment], orgs: list, functions: list, linking: dict,
                  heads: frozenset = frozenset(), text: str | None = None,
                  names: dict | None = None, view: TokenView | None = None,
                  owners: dict | None = None) -> list[Link]:
    """Every (organization, function) link in one document, with its evidence.

    ``heads`` are the organization head words of ``rules/org_shapes.yml``: a
    sentence opened by "The Centre" or "The Agency" points back to the last
    organization whose name holds that word, as written or in its full name
    (``names``: organization key -> lowercase words of its names), so "ENISA
    ... the Agency" finds the European Union Agency for Cybersecurity. ``view`` is the
    document's token view when the caller has one. ``owners`` maps the rule ids of
    function patterns whose mention belongs to the name right before it ("a WHO
    report") or after it ("a study by the OECD") to "before" or "after".
    """
    cues = _cues(linking)
    view = TokenView(doc, text) if view is None else view
    orgs = sorted(orgs, key=lambda m: m.start)
    functions = sorted(functions, key=lambda m: m.start)
    orgs, functions = (orgs, [m.start for m in orgs]), (functions, [m.start for m in functions])
    sentences = [_Sentence(i, s, view, orgs, functions) for i, s in enumerate(segments)]
    seg_starts = [s.seg.start for s in sentences]

    def sentence_of(mention) -> _Sentence:
        return sentences[max(0, bisect.bisect_right(seg_starts, mention.start) - 1)]

    partner_lists = None     # built on first use: most documents never say "and its partners"
    links: list[Link] = []
    for sent in sentences:
        if sent.seg.kind in (HEADING, LEAD, QUESTION) or not sent.orgs and (
                not sent.functions or not cues.points_back_re.match(sent.text)
                and not _is_list_item(sentences, sent.index)):
            if not sent.orgs and not sent.functions and sent.index > 0 and sentences[sent.index - 1].actors \
                    and sent.seg.kind in (BODY, ANSWER) and len({m.key for m in sentences[sent.index - 1].orgs}) <= 1:
                # "ENISA was founded in 2004. It is based in Athens. It publishes ...": a
                # sentence that only describes the organization passes it on to the next "It".
                # Not after a sentence naming two ("The EU funds the OAS. It is based in ...").
                sent.actors = _singular_antecedent(sentences, sent, 0, cues)
            continue
        clause_start = _clause_start(sent, cues)
        own = _own_functions(sent, cues)
        joins = _coordinated_clauses(sent, cues, clause_start)
        roles = {id(m): role(sent, m, max(clause_start, _clause_of(joins, sent.token_at(m.start))) if joins
                              else clause_start, cues)
                 for m in sent.orgs}
        sent.roles = roles
        sent.actors = [m for m in sent.orgs if roles[id(m)] in ("actor", "agent")]
        sent.agents = {id(m) for m in sent.orgs if roles[id(m)] == "agent"}
        lead_in = _lead_in(sentences, sent.index) if own and _is_list_item(sentences, sent.index) else None
        verb_item = lead_in is not None and bool(lead_in.actors) and _verb_initial(sent, clause_start)
        if verb_item:
            # "EC3: - provides support ... within the scope of Europol's mandate": an item
            # that opens with its verb continues the lead-in, whose organization is the
            # subject; only the owner of an activity ("the efforts of J-CAT") acts too.
            sent.actors = [m for m in sent.orgs if roles[id(m)] == "agent"]
        pointed = []
        if own and sent.actors and not verb_item and not joins \
                and all(m.start > own[0].start and _of_or_relative(sent, m, cues) for m in sent.actors):
            # "The organization develops standards ..., which are the responsibility of the IEC":
            # a subject that points back ("The organization", "The Centre") acts, and names
            # after "of" or in a relative clause after its verb do not. Names after "by" or
            # "with" still act ("The agency is funded by the EU", "trains ... with INTERPOL").
            pointed = _definite_antecedents(sentences, sent, clause_start, heads, names or {}, cues)
            if pointed:
                sent.actors = []
        linked: set[str] = set()
        links += _sentence_links(sent, own, cues, linked, joins, owners or {})
        if own and (not sent.actors or verb_item) and lead_in is not None:
            owner = _list_owner(sentences, lead_in, cues)
            links += _pointed_links(owner.actors, own, LIST, sent, clause_start, cues, linked, lambda org: owner)
        if _opens_with(sent, clause_start, cues.example_openers, cues.example_firsts) and sent.index > 0:
            previous = _previous_body(sentences, sent.index)
            if previous is not None:
                for org in sent.actors:
                    for fn in _own_functions(previous, cues):
                        links.append(_link(org, fn, EXAMPLE, sent, fn_sentence=previous))
                        linked.add(org.key)
        antecedents = _antecedents(sentences, sent, clause_start, cues) or pointed or \
            (_definite_antecedents(sentences, sent, clause_start, heads, names or {}, cues) or
             _singular_antecedent(sentences, sent, clause_start, cues) if own and not sent.actors else [])
        if antecedents and not sent.actors:
            # The organizations pointed back to act here, and the next sentence may
            # point back to them again: "FIRST ... The organisation also undertakes
            # ... Moreover, it participates in ...".
            sent.actors = list(antecedents)
        elif own and sent.actors:
            if partner_lists is None:
                partner_lists = _partner_lists(sentences, cues)
            antecedents = antecedents + _partners(sent, partner_lists, cues)
        links += _pointed_links(antecedents, own, ANAPHORA, sent, clause_start, cues, linked, sentence_of)
        if own and not sent.actors and not antecedents:
            # "Cooperation between the ITU and the World Bank has grown": with nobody else acting,
            # the parties an activity is between do it. ("ENISA ensures information flow between
            # A and B": ENISA acts, and A and B only take part.)
            for org, fn in _between_parties(sent, own, cues):
                links.append(_link(org, fn, SENTENCE, sent))
                linked.add(org.key)
        if sent.seg.scope >= 0:
            scope = sentences[sent.seg.scope]
            method = QUESTION_METHOD if scope.seg.kind == QUESTION else HEADING_METHOD
            takes_part = not cues.participation_verbs.isdisjoint(sent.words)
            for org in sent.actors:
                if org.key in linked or own:
                    continue     # its own sentence names functions (even denied ones): the heading's are not its
                if takes_part and _takes_part(sent, org, cues):
                    continue     # "11 CSIRTs of OIC-CERT and AfricaCERT participated": they take part only
                for fn in scope.functions:
                    links.append(_link(org, fn, method, sent, org_sentence=sentence_of(org)))
    return _unique(links)


def _sentence_links(sent: _Sentence, own: list, cues: Cues, linked: set, joins: list | None = None,
                    owners: dict | None = None) -> list[Link]:
    """The sentence's actors and its own functions, each relative or coordinated clause kept to its organizations."""
    out = []
    clauses = _relative_clauses(sent, cues) if own and len(sent.actors) > 1 else {}
    joins = joins or []
    if own and len(sent.orgs) > len(sent.actors):
        clauses.update(_object_clauses(sent, cues, joins))
    agent_of = _passive_agents(sent, own, joins, cues)
    receives = not cues.receiving_verbs.isdisjoint(sent.words)     # read once: most sentences have no such verb
    founded, credited = _founded_for(sent, own, cues) if own and len(sent.orgs) > len(sent.actors) else ([], ())
    owner = _owners(sent, own, cues, owners or {}) if own else {}
    for key in [key for key in clauses if key in owner]:
        del clauses[key]     # "INTERPOL, which cited a WHO report": the report stays the WHO's
    for org in sent.actors:
        for fn in own:
            if id(fn) in owner:
                continue     # "The ITU cited a WHO report": the WHO's (below)
            if joins and _clause_of(joins, sent.token_at(org.start)) != _clause_of(joins, sent.token_at(fn.start)):
                continue     # "The ITU sets standards, and the World Bank funds projects": each its own
            if agent_of.get(id(org), fn) is not fn:
                continue     # "The ITU trains staff funded by the World Bank": the World Bank funds only
            if _passive_by(fn) and agent_of.get(id(org)) is not fn:
                continue     # "The PaCSON initiative is funded by ...": PaCSON receives the funds; and in
                #              "funded by the EU and implemented by UNODC" UNODC implements only
            if fn.start < org.start and id(org) in sent.agents and not _supports(sent, org, fn, cues):
                continue     # "The workshop discussed the role of the World Bank in financing ...": after it only
            if fn.end <= org.start and _of_complement(sent, org, fn, cues):
                continue     # "UNEP produces reports consistent with the goal of the UNFCCC"
            if id(fn) in clauses:
                continue     # the relative clause's own organization does it (below)
            if id(fn) in credited:
                continue     # "The Ministry applauded the GPE for approving a grant": the GPE's (below)
            if org.end <= fn.start and _negated(sent, org.end, fn.start, cues):
                continue     # "member states have not ratified the convention"
            if receives and org.end <= fn.start and _receives(sent, org, fn, cues):
                continue     # "ASEAN received funding from the World Bank": ASEAN is funded
            out.append(_link(org, fn, SENTENCE, sent))
            linked.add(org.key)
    for org, fn in list(clauses.values()) + [(org, fn) for fn in own if (org := owner.get(id(fn))) is not None] \
            + founded:
        if not _negated(sent, org.end, fn.start, cues):
            out.append(_link(org, fn, SENTENCE, sent))
            linked.add(org.key)
    return out


def _between_parties(sent: _Sentence, own: list, cues: Cues) -> list:
    """(organization, function) pairs for the organizations an activity is "between" or "among",
    for a sentence where no organization acts (the caller checks): "Cooperation between the ITU
    and the World Bank has grown", "Information sharing among CERT-EU, ENISA and Europol", "To
    promote co-operation between A and B, the two institutions agree". ("ENISA ensures
    information flow between A and B" is ENISA's: A and B only take part.)

    The parties are the names listed right after the word: joined by commas and a last "and"
    ("between A and B, UNESCO said" keeps UNESCO out), each ending there ("between the ITU's
    members" has no party). A sentence that denies, wishes or asks for the activity gives none.
    """
    words, starts = sent.words, sent.token_starts
    if "?" in words:
        return []
    found = []
    for fn in own:
        if fn.key == _FUNDING or _negated(sent, sent.seg.start, fn.start, cues) or \
                not _WISHED.isdisjoint(words[:sent.token_at(fn.start)]):
            continue     # a financing agreement between a lender and a borrower; "no cooperation between"
        k = sent.token_at(fn.end)
        if words[k - 1:k] in (["between"], ["among"]):
            first = k
        elif words[k:k + 1] in (["between"], ["among"]):
            first = k + 1
        else:
            continue
        parties, joined = [], []
        for org in sent.orgs:
            if first >= len(words) or org.start < starts[first]:
                continue
            gap = words[first:sent.token_at(org.start)]
            if any(w not in _SKIP and w not in _COORD for w in gap) or (parties and not gap):
                break
            first = sent.token_at(org.end)
            follows = words[first] if first < len(words) else ""
            if follows in cues.possessive or follows in cues.member_nouns or \
                    follows.rstrip("s") in cues.member_nouns or follows.rstrip("s") in cues.staff_nouns:
                break        # "between the ITU's members", "among the WTO members"
            parties.append(org)
            joined.append(not _CONJUNCTIONS.isdisjoint(gap))
        if len(parties) > 1 and not joined[-1]:
            parties.pop()    # "between A and B, UNESCO said"
        if len(parties) == 1:
            after = sent.token_at(parties[0].end)
            if after >= len(words) or words[after] not in _CONJUNCTIONS:
                continue     # one party needs another: "between the ITU and member states"
        if parties and not _WISHED.isdisjoint(words[first:first + 3]):
            continue         # "cooperation between the OSCE and the EU should be strengthened"
        found += [(org, fn) for org in parties]
    return found


_CONJUNCTIONS = {"and", "&", "or"}
_FUNDING = "funding"
# Words that make an activity one that is missing, wished for or asked for (``negations`` in
# rules/linking.yml deny it): "No cooperation between", "should be strengthened", "called for".
_WISHED = {"no", "without", "should", "could", "must", "would", "might", "call", "calls", "called", "calling",
           "urge", "urges", "urged", "urging"}


def _supports(sent: _Sentence, org, fn, cues: Cues) -> bool:
    """The organization's activity is to support the function before it: "Police arrested 27 people
    with the support of Interpol", "... with the active participation of Europol and Eurojust". It
    takes part in it, as it does after an opening "With the support of the World Bank, ...". Not
    across a semicolon, a relative clause or another organization ("UNDP trained judges, and the
    World Bank built courts with the support of the EU"), nor for a name that opens a clause of
    its own ("... with the support of Interpol, and Europol trained officers")."""
    words = sent.words
    k = sent.token_at(org.start) - 1
    while k >= 0 and words[k] in _SKIP:
        k -= 1
    if k >= 0 and words[k] in _COORD:
        after = sent.token_at(org.end)
        previous = next((m for m in reversed(sent.orgs) if m.end <= sent.token_starts[k]), None)
        if previous is None or _verb_like(words, after) or \
                not all(w in _SKIP or w in _COORD for w in words[sent.token_at(previous.end):k]):
            return False
        return _supports(sent, previous, fn, cues)
    if k < 2 or words[k] != "of" or words[k - 1] not in _SUPPORT_NOUNS:
        return False
    k -= 2
    while k >= 0 and (words[k] in _SKIP or words[k] in _SUPPORT_ADJECTIVES):
        k -= 1
    if k < 0 or words[k] != "with":
        return False
    between = words[sent.token_at(fn.end):k]
    return ";" not in between and cues.relative_pronouns.isdisjoint(between) and _THAT_WHOSE.isdisjoint(between) and \
        not any(fn.end <= m.start and m.end <= sent.token_starts[k] for m in sent.orgs)


_THAT_WHOSE = {"that", "whose"}      # relative words beside ``relative_pronouns`` of rules/linking.yml
_SUPPORT_NOUNS = {"support", "assistance", "help", "backing", "cooperation", "co-operation", "collaboration",
                  "participation", "involvement", "coordination", "co-ordination"}
_SUPPORT_ADJECTIVES = {"active", "close", "full", "technical", "operational", "strong", "direct", "invaluable"}


def _takes_part(sent: _Sentence, org, cues: Cues) -> bool:
    """The organization is the subject of a participation verb a few words after it ("teams from
    OIC-CERT and AfricaCERT participated") or its agent ("attended by ECOWAS"); not the host
    of an event others attend ("UNODC hosted the event, which was attended by prosecutors")."""
    words = sent.words
    first, last = sent.token_at(org.start), sent.token_at(org.end)
    k = first - 1
    while k >= 0 and words[k] in _SKIP:
        k -= 1
    if k >= 1 and words[k] == "by" and words[k - 1] in cues.participation_verbs:
        return True
    for k in range(last, min(len(words), last + 8)):
        if words[k] in cues.participation_verbs:
            return True
        if words[k] in {",", ";", ":", "which", "that", "who"}:
            return False
    return False


def _of_or_relative(sent: _Sentence, mention, cues: Cues) -> bool:
    """The mention follows "of" (an article between) or stands in a relative clause opened
    earlier in the sentence: "the responsibility of the IEC", "fields which the IEC covers"."""
    words = sent.words
    k = sent.token_at(mention.start) - 1
    while k >= 0 and words[k] in _SKIP:
        k -= 1
    if k >= 0 and words[k] == "of":
        return True
    return any(words[j] in cues.relative_pronouns or words[j] == "that" for j in range(k + 1))


# Words between a founding verb and the body it founds: "set up its own Digital Crimes Unit".
_FOUNDED_MODIFIERS = {"new", "its", "their", "own", "his", "her", "our"}


def _founded_for(sent: _Sentence, own: list, cues: Cues) -> tuple[list, set]:
    """(organization, function) pairs for a body created, praised or tasked for an activity:
    "created the Environmental Protection Agency (EPA) to enforce regulations", "established a
    Commission of Inquiry to investigate violations", "applauded the Global Partnership for
    Education for approving a grant", "tasked UNHCR with authoring the compact".

    The organization, or a list of them ("thanked the ITU and the World Bank for"), stands
    right after one of ``founding_verbs`` (an article, "new", "its" or "up" between) and right
    before "to" (perhaps after "in <year>"), or after one of ``praise_verbs`` and before "for",
    or after one of ``assigning_verbs`` and before "with". The functions from there to the end
    of the clause (:func:`_scope_end`) are its own. The founder keeps whatever the sentence
    gives it; who praises or tasks does not do what it praises or tasks: the ids of those
    functions are the second value. Praise and tasks are activities ("for approving", "for its
    work", "with developing"), not gifts ("thanked the ITU for the invitation").
    """
    words, starts = sent.words, sent.token_starts
    actors = {id(m) for m in sent.actors}
    found, credited = [], set()
    for group in _listed_objects(sent, actors):
        k = sent.token_at(group[0].start) - 1
        while k >= 0 and (words[k] in _SKIP or words[k] in _FOUNDED_MODIFIERS):
            k -= 1
        if k > 0 and words[k] == "up":
            k -= 1
        connectors = cues.handing_verbs.get(words[k]) if k >= 0 else None
        if connectors is None:
            continue
        after = sent.token_at(group[-1].end)
        if after < len(words) and words[after] == "(":
            close = next((j for j in range(after + 1, min(after + 6, len(words))) if words[j] == ")"), None)
            after = close + 1 if close is not None else after
        elif after < len(words) and words[after] == ")":
            after += 1
        if after + 2 < len(words) and words[after] == "in" and words[after + 1].isdigit():
            after += 2       # "formed the FATF in 1989 to ..."
        if after + 1 >= len(words) or words[after] not in connectors:
            continue
        credit = words[after] != "to" and words[k] in cues.credit_verbs
        if credit:
            if not (words[after + 1].endswith("ing") or words[after + 1] in _ACTIVITY_OWNERS):
                continue
            stop = _credit_end(sent, after + 1)
        else:
            stop = _scope_end(sent, own, after + 1)
        purpose = [fn for fn in own if starts[after + 1] <= fn.start < stop and (fn.end <= stop or not credit)]
        found += [(org, fn) for org in group for fn in purpose]
        if credit:
            credited.update(id(fn) for fn in purpose)
    return found, credited


# "thanked the ITU for its support", "for their work".
_ACTIVITY_OWNERS = {"its", "their", "his", "her", "our"}


def _listed_objects(sent: _Sentence, actors: set) -> list:
    """The sentence's organizations that do not act, in runs joined only by commas, "and",
    "or" and articles: "the ITU and the World Bank" is one run."""
    words = sent.words
    groups: list = []
    end = None
    for org in sent.orgs:
        if id(org) in actors:
            end = None
            continue
        start = sent.token_at(org.start)
        if end is not None and all(w in _COORD or w in _SKIP for w in words[end:start]):
            groups[-1].append(org)
        else:
            groups.append([org])
        end = sent.token_at(org.end)
    return groups


def _credit_end(sent: _Sentence, first: int) -> int:
    """Where the activity an organization is praised or tasked for ends: at a comma, semicolon,
    colon or a subordinating word ("while the IMF provided ..."), or at "and"/"but" before a new
    subject or the subject's next verb ("thanked the ITU for its hospitality and pledged to fund
    ...", "and will provide ...", "and provides ...", "and UNICEF trained ...", "and the EU
    funded ..."). Returns a character offset."""
    words, starts = sent.words, sent.token_starts
    names = {sent.token_at(m.start) for m in sent.orgs}
    for k in range(first, len(words)):
        if words[k] in {",", ";", ":"} or words[k] in _SUBORDINATORS:
            return starts[k]
        if words[k] in {"and", "but"} and k + 1 < len(words) and (
                words[k + 1] in {"to", "then", "the", "a", "an", "its", "their"} or k + 1 in names
                or _verb_like(words, k + 1)):
            return starts[k]
    return sent.seg.end


_SUBORDINATORS = {"while", "whereas", "since", "after", "before", "because", "although", "though", "as", "when"}


def _owners(sent: _Sentence, own: list, cues: Cues, owners: dict) -> dict:
    """{id(function): organization} for a noun function that an organization's name right beside it owns.

    "ENISA's annual threat report", "The ITU cited a WHO report", "a new UNICEF
    report", "a study by the OECD": the name is the author of the noun, whatever
    else the sentence says; no other organization of the sentence does it. The
    function is a noun when a possessive stands between, or when its rule says so
    (``owners``: rule id -> "before" or "after", where the name stands): "the
    Atlantic Council conduct research" is a subject and its verb.
    """
    out = {}
    text, base = sent.text, sent.seg.start
    for fn in own:
        if owners.get(fn.rule_id) == "after":
            # "a study by the OECD": the name follows after "by", "of" or "from" and perhaps "the".
            org = next((m for m in sent.orgs if m.start >= fn.end), None)
            between = text[fn.end - base:org.start - base].lower().split() if org is not None else None
            if between and between[0] in {"by", "of", "from"} and set(between[1:]) <= {"the"}:
                out[id(fn)] = org
            continue
        window = max(0, fn.start - base - 40)       # the few words before the function
        before = text[window:fn.start - base].rstrip()
        if text[fn.start - base - 1:fn.start - base] == "-":
            # "the EU-funded project", "ITU-developed standards": the name before the hyphen does it.
            org = next((m for m in sent.orgs if m.end == fn.start - 1), None)
            if org is not None:
                out[id(fn)] = org
            continue
        possessed = False
        for marker in cues.possessive:
            if before.endswith(marker):
                before, possessed = before[:-len(marker)], True
                break
        if not possessed and owners.get(fn.rule_id) != "before":
            continue
        if possessed and (_passive_by(fn) or _authored_by(sent.words, sent.token_at(fn.end))):
            continue     # "ENISA's report was written by Europol": the agent after "by" decides
        end = base + window + len(before)
        org = next((m for m in sent.orgs if m.end == end), None)
        # "EC3, the EU's hub for cybercrime intelligence": the hub is EC3's, the EU only describes it.
        if org is not None and fn.start - end <= 3 and sent.roles.get(id(org)) != "possessor":
            out[id(fn)] = org
    return out


_PASSIVE_FILLERS = {",", "was", "were", "is", "are", "has", "have", "been", "be", "being", "first", "jointly"}


def _authored_by(words: list[str], k: int) -> bool:
    """A passive with its agent right after token ``k``: ", was written by", "prepared by"."""
    while k < len(words) and words[k] in _PASSIVE_FILLERS:
        k += 1
    return k + 1 < len(words) and words[k].endswith(("ed", "en")) and words[k + 1] == "by"


def _of_complement(sent: _Sentence, org, fn, cues: Cues) -> bool:
    """The organization follows the function after "of", and another actor comes before the function.

    "UNEP produces reports consistent with the long-term goal of the UNFCCC":
    the organization completes a noun in the function's clause; the actor before
    the function does it. ("The Secretariat of the OSCE trains ...", with the
    organization before the function, still acts; so does the one after "of"
    when "of" follows the function or an activity: "the mediation of the African
    Union", "the takedown operations of Europol". "an investigation of Europol"
    may name the target instead; without a parser the agent reading is kept.)
    """
    words = sent.words
    k = sent.token_at(org.start) - 1
    if k >= 0 and words[k] == "(":
        # "... goal of the United Nations Framework Convention on Climate Change (UNFCCC)": the acronym
        # in brackets stands where its long form stands.
        long_form = next((m for m in sent.orgs if m.key == org.key and m.end <= org.start
                          and sent.token_at(m.end) == k), None)
        if long_form is not None:
            k = sent.token_at(long_form.start) - 1
    while k >= 0 and words[k] in _SKIP:
        k -= 1
    if k < 1 or words[k] != "of":
        return False
    if sent.token_starts[k - 1] < fn.end or words[k - 1] in cues.activity_nouns or words[k - 1] in _OPERATIONS:
        return False     # "the mediation of the African Union", "the investigation of the FBI"
    return any(other.end <= fn.start and other.key != org.key for other in sent.actors)


# What an organization does, named before "of" like the activity_nouns of rules/linking.yml
# ("the takedown operations of Europol"), but not making the organization an agent.
_OPERATIONS = {"operation", "operations", "action", "actions", "campaign", "campaigns", "activity", "activities"}


def _receives(sent: _Sentence, org, fn, cues: Cues) -> bool:
    """The organization's verb receives the function: "ASEAN received funding", "The AU has
    received technical assistance from the EU", "Ghana's CERT received training".

    The verb follows the organization after at most auxiliaries and adverbs, and
    the function is its object: it follows within four words, with no
    preposition between (or opens with the verb).
    """
    words = sent.words
    k = sent.token_at(org.end)
    while k < len(words) and (words[k] in _AUXILIARIES or words[k].endswith("ly") or words[k] in {"also", "been"}):
        k += 1
    if k >= len(words) or words[k] not in cues.receiving_verbs:
        return False
    gap = sent.token_at(fn.start) - k
    # The function is the verb's object: not "received a mandate to develop standards".
    return 0 <= gap <= 4 and not any(w in _COORD or w in {";", ":", "to", "in", "on", "for"}
                                     for w in words[k + 1:k + gap])


def _passive_agents(sent: _Sentence, own: list, joins: list, cues: Cues) -> dict:
    """{id(organization): function} for each organization named right after a passive function ("funded by").

    After "funded by" the organizations (one, or several joined by "and") are
    the agents of that function, and of nothing else the sentence says: "The
    ITU trains CSIRT staff funded by the World Bank" does not make the World
    Bank a trainer. The agents end where a clause of ``joins`` begins ("Funded
    by the OAS, INTERPOL trains ...").
    """
    passive = [fn for fn in own if _passive_by(fn)]
    if not passive:
        return {}
    words = sent.words
    org_tokens = _org_token_indexes(sent)
    first_tokens = {sent.token_at(org.start): org for org in sent.actors}
    found = {}
    for fn in passive:
        # The agents: one organization or several ("co-financed by the EU and the World Bank").
        k = sent.token_at(fn.end)
        surfaces = sent.surfaces
        # The list may hold other givers ("funded by Canada, the EU and the World Bank"),
        # repeat "by" ("by the EU and by the World Bank") or name an owner ("the EU's Fund").
        giving = _gives_from(fn)
        while k < len(words) and (k in org_tokens or words[k] in _SKIP or words[k] in _COORD or words[k] == "by"
                                  or words[k] in cues.possessive or surfaces[k][:1].isupper()
                                  or giving and _noun_after_name(words, surfaces, k)) and k not in joins:
            if k in first_tokens:
                found[id(first_tokens[k])] = fn
            k += 1
    return found


def _pointed_links(orgs: list, own: list, method: str, sent: _Sentence, clause_start: int, cues: Cues,
                   linked: set, sentence_of) -> list[Link]:
    """Links to organizations named elsewhere (a list's lead-in, an antecedent), unless the
    sentence denies it ("They have not funded projects")."""
    if not orgs:
        return []
    starts = sent.token_starts
    begin = starts[clause_start] if clause_start < len(starts) else sent.seg.start
    out = []
    for fn in own:
        if _negated(sent, begin, fn.start, cues) or fn.text[-3:].lower() == " by":
            continue     # "The partnership is funded by Canada": what is pointed back to receives
        for org in orgs:
            out.append(_link(org, fn, method, sent, org_sentence=sentence_of(org)))
            linked.add(org.key)
    return out


def _list_owner(sentences: list[_Sentence], lead_in: _Sentence, cues: Cues) -> _Sentence:
    """The sentence whose organizations a list belongs to: its lead-in, or the sentence
    before a lead-in opened by a pronoun ("C-PROC assists ... This includes support for:")."""
    if not lead_in.actors and lead_in.words and lead_in.words[0] in cues.lead_in_pronouns \
            and lead_in.index > 0 and sentences[lead_in.index - 1].seg.kind in (BODY, ANSWER):
        return sentences[lead_in.index - 1]
    return lead_in


def _object_clauses(sent: _Sentence, cues: Cues, joins: list) -> dict:
    """Functions said in a relative clause about an organization that does not act in the sentence.

    "Many states rely on INTERPOL, which shares threat data", "The EU funds the
    OAS, which trains officials": the organization the clause is about does
    what it says, and the subject does not. When the subject runs the object
    ("IMPACT operates the Global Response Center, which serves as a hub ...",
    a verb of ``instrument_verbs`` before it), the clause stays the subject's
    doing. The clause ends where :func:`_relative_clauses` ends one, at the next
    coordinated clause of ``joins``, or at a comma and a conjunction, after which
    the subject goes on ("ENISA works with CERT-EU, which handles incidents, and
    publishes threat reports"). A clause with a subject of its own ("INTERPOL,
    which it funds", "the OAS, which the EU funds") is not the object's doing.
    """
    actors = {id(m) for m in sent.actors}
    objects = [m for m in sent.orgs if id(m) not in actors]
    if not objects:
        return {}
    words = sent.words
    found = _relative_clauses(sent, cues, objects)
    org_tokens = _org_token_indexes(sent) if found else set()
    out = {}
    for key, (org, fn) in found.items():
        first, at = sent.token_at(org.start), sent.token_at(fn.start)
        if any(first < j <= at for j in joins):
            continue
        if _runs(words, first, cues):
            continue
        after = sent.token_at(org.end)
        subject = after + (3 if words[after] == ")" else 2)      # the word after "(ACR), which"
        if subject < len(words) and (words[subject] in _PRONOUNS or words[subject] in _CLAUSE_SUBJECTS):
            continue
        if any(words[k] == "," and words[k + 1] in _CLAUSE_CONJUNCTIONS and
               (_verb_like(words, k + 2) or any(t in org_tokens for t in range(k + 2, k + 8)))
               for k in range(first, at)):
            continue     # ", and publishes ...", ", and in 2023 ENISA published ...": the clause has ended
        out[key] = (org, fn)
    return out


_CLAUSE_CONJUNCTIONS = {"and", "but", "or", "while", "whereas", "yet"}


def _clause_closed_by_subject(sent: _Sentence, start: int, end: int, org_tokens: set) -> int:
    """Where a relative clause opened at character ``start`` ends when a comma and a conjunction
    before another organization close it: "The AfDB, which is based in Abidjan, and the World Bank
    co-finance the programme" (both co-finance). Returns a character offset, ``end`` without one."""
    words, starts = sent.words, sent.token_starts
    for j in range(sent.token_at(start), min(sent.token_at(end), len(words) - 1)):
        if words[j] == "," and words[j + 1] in _CLAUSE_CONJUNCTIONS:
            m = j + 2
            while m < len(words) and words[m] in _SKIP:
                m += 1
            if m in org_tokens:
                return starts[j]
    return end


def _runs(words: list[str], first: int, cues: Cues) -> bool:
    """The verb right before the object at token ``first`` is one of ``instrument_verbs``
    ("operates the Global Response Center", "set up EC3"), after at most an article and a particle."""
    k = first - 1
    while k >= 0 and words[k] in _SKIP:
        k -= 1
    return k >= 0 and (words[k] in cues.instrument_verbs or
                       words[k] in {"up", "out"} and k > 0 and words[k - 1] in cues.instrument_verbs)


# Words opening the subject of a relative clause ("which the EU funds"); not "which this year trained".
_CLAUSE_SUBJECTS = {"the", "a", "an", "its", "their", "our", "his", "her", "these", "those", "many", "several"}


def _verb_like(words: list[str], k: int) -> bool:
    """The word at ``k`` (after adverbs) looks like a finite verb ("publishes", "published", "has"):
    ", and publishes threat reports" opens a clause, ", and technical assistance" goes on a list."""
    while k < len(words) and (words[k] == "also" or words[k].endswith("ly")):
        k += 1
    if k >= len(words):
        return False
    word = words[k]
    return word in _AUXILIARIES or (word.endswith(("s", "ed")) and not word.endswith(("ss", "us", "is")))


def _relative_clauses(sent: _Sentence, cues: Cues, about: list | None = None) -> dict:
    """Functions said in a relative clause about one of several actors, with that actor.

    "implemented by the Council of Europe, which focuses on legal frameworks; and
    INTERPOL, which focuses on investigations": each does what its own clause
    says, not what the other's does. The clause runs from "which" or "who" right
    after the organization (and a comma) to the next semicolon or the next such
    clause. Only actors open one, unless ``about`` names other organizations
    (see :func:`_object_clauses`). Returns {id(function): (org, function)}.
    """
    words, starts = sent.words, sent.token_starts
    opened = []
    for org in sent.actors if about is None else about:
        k = sent.token_at(org.end)
        if k < len(words) and words[k] == ")":
            k += 1       # "the International Criminal Tribunal (ICTY), which ..."
        if k + 1 < len(words) and words[k] == "," and words[k + 1] in cues.relative_pronouns:
            opened.append((starts[k + 1], org))
    if not opened:
        return {}
    found = {}
    org_tokens = _org_token_indexes(sent)
    bounds = [start for start, _ in opened] + [sent.seg.end + 1]
    for n, (start, org) in enumerate(opened):
        end = bounds[n + 1]
        semicolon = sent.text.find(";", start - sent.seg.start)
        if semicolon >= 0:
            end = min(end, sent.seg.start + semicolon)
        end = _clause_closed_by_subject(sent, start, end, org_tokens)
        for fn in _own_functions(sent, cues):
            if start <= fn.start < end:
                found[id(fn)] = (org, fn)
    return found


def _coordinated_clauses(sent: _Sentence, cues: Cues, clause_start: int = 0) -> list[int]:
    """Token indexes where a coordinated clause with organizations of its own as subject begins.

    "The ITU sets standards, and the World Bank funds development projects",
    "INTERPOL coordinates investigations; ENISA publishes threat reports": the
    organizations after the joiner (``clause_joiners``) act in their clause
    only, and the ones before it only in theirs. Without a parser a subject is
    recognised by what follows it (and its possessor, as in "Europol's EC3"): a
    function mention ("funds ...") or a finite auxiliary ("has funded"), perhaps
    after "also" or an adverb in -ly. A joiner right after an organization
    joins two subjects instead ("The ITU and the World Bank fund projects"),
    and opens no clause.

    An opening phrase whose activity has an agent of its own is such a clause
    too: in "With funding from the World Bank, the ITU trains CSIRT staff" the
    World Bank funds and the ITU trains (see :func:`_opening_phrase_end`).
    """
    words = sent.words
    if len(sent.orgs) < 2 or not sent.functions:
        return []
    org_tokens = _org_token_indexes(sent)
    function_starts = None      # read at the first joiner
    joins = []
    for joiner in [k for k, word in enumerate(words) if word in cues.clause_joiners]:
        b = joiner + 1
        if joiner == 0 or b >= len(words) or joiner in org_tokens:
            continue
        before = joiner - 1
        if before >= 0 and words[before] == "," and words[joiner] != ";":
            before -= 1
        while before >= 0 and words[before] in {")", "]"}:
            before -= 1      # "the International Telecommunication Union (ITU) and ..."
        if before < 0 or before in org_tokens or _ends_name_list(sent.surfaces, before, org_tokens, clause_start) \
                or _closes_subject_relative(words, before, org_tokens, cues, clause_start):
            continue
        if function_starts is None:
            function_starts = {sent.token_at(f.start) for f in sent.functions}
        k = start = _after_short_opening(words, b, org_tokens, function_starts)
        while k < len(words) and words[k] in _SKIP:
            k += 1
        k = _after_located(words, k)
        if k not in org_tokens:
            continue
        while k < len(words) and (k in org_tokens or words[k] in _SKIP or words[k] in _COORD
                                  or words[k] in cues.possessive):
            k += 1       # the subject: one organization or several ("the World Bank and the IMF", "Europol's EC3")
        while k < len(words) and (words[k] == "also" or words[k].endswith("ly")):
            k += 1
        if k < len(words) and (k in function_starts or words[k] in _AUXILIARIES or _verb_before_function(
                words, k, function_starts)):
            joins.append(start)     # after a short opening ("and in 2023 UNODC trained ..."), its subject
    opening = _opening_phrase_end(sent, clause_start, org_tokens)
    return sorted({opening, *joins}) if opening else joins


def _closes_subject_relative(words: list[str], j: int, org_tokens: set, cues: Cues, clause_start: int) -> bool:
    """Token ``j`` ends a relative clause about the organization that opens the clause:
    "The AfDB, which is based in Abidjan, and the World Bank co-finance ..." is one list of
    subjects. After an object ("The EU funds INTERPOL, which shares data, and Europol
    trains police") a second clause begins."""
    for k in range(j, max(clause_start, j - 15), -1):
        if words[k] in {";", ":"} or words[k] in cues.clause_joiners:
            return False
        if words[k] in cues.relative_pronouns and words[k - 1] == ",":
            m = k - 2
            while m >= clause_start and words[m] in {")", "]"}:
                m -= 1
            if m not in org_tokens:
                return False
            while m > clause_start and (m - 1 in org_tokens or words[m - 1] in _SKIP):
                m -= 1
            return m == clause_start
    return False


def _ends_name_list(surfaces: list[str], j: int, org_tokens: set, clause_start: int) -> bool:
    """Token ``j`` ends a run of capitalized words and commas that goes back, through a comma, to
    an organization opening the clause: "the GFCE, Africa Hub, and the ACBF have inked ..." is
    one list of subjects, not two clauses ("The EU funds UNICEF Kenya, and the World Bank ..."
    is two)."""
    saw_name = False
    for k in range(j, max(clause_start - 1, j - 8), -1):
        if k in org_tokens:
            if not saw_name or surfaces[k + 1] not in {",", "(", ")"}:
                return False
            while k > clause_start and (k - 1 in org_tokens or surfaces[k - 1].lower() in _SKIP):
                k -= 1
            return k == clause_start or surfaces[k - 1] == ","      # "In a move ..., the GFCE, Africa Hub, and"
        if surfaces[k] in {",", "(", ")"}:
            continue
        if not surfaces[k][:1].isupper():
            return False
        saw_name = True
    return False


def _verb_before_function(words: list[str], k: int, function_starts: set) -> bool:
    """Token ``k`` is a verb in -ed or -s whose object, a few words on, is a function: "and the World
    Bank added a $300 million grant"."""
    return words[k].endswith(("ed", "s")) and words[k].isalpha() and any(k < f <= k + 3 for f in function_starts)


# Words that open a short phrase of time or place before a coordinated clause's subject:
# ", and in 2023 UNODC trained judges", ", and since then the ITU has ...".
_SHORT_OPENERS = {"in", "since", "during", "after", "before", "on", "at", "by", "over", "until", "within",
                  "then", "later", "now", "subsequently", "meanwhile", "today", "recently"}


def _after_short_opening(words: list[str], k: int, org_tokens: set, function_starts: set) -> int:
    """The token after a short opening phrase that starts at ``k`` and ends where an organization
    starts (perhaps after a comma and an article), or ``k`` without one. After its first word the
    phrase holds at most four words, none a preposition, an organization or the start of a
    function ("and in partnership with UNDP, the ITU trains ..." is no such phrase)."""
    if k >= len(words) or words[k] not in _SHORT_OPENERS:
        return k
    for j in range(k + 1, min(len(words), k + 6)):
        if j in function_starts or words[j] in {";", ":", "and", "or"} or words[j] in _PREPOSITIONS:
            return k
        if j in org_tokens or words[j] in _SKIP and j + 1 in org_tokens:
            return j
        if words[j] == ",":
            return j + 1
    return k


def _opening_phrase_end(sent: _Sentence, clause_start: int, org_tokens: set) -> int:
    """The first token after an opening phrase that names another organization as an agent, or 0.

    "With funding from the World Bank, the ITU trains CSIRT staff", "Following
    a request from the OAS, the ITU trained CSIRT staff", "Funded by the World
    Bank, the ITU ...": the phrase opens with a preposition (or a participle
    and "by") and names an organization after "from" or "by", and an
    organization follows its comma. The phrase's organization does what the
    phrase says (funding), not what the main clause says (training).
    "Together with ENISA, Europol organises exercises" names a partner in the
    main clause's activity, and "Working with ENISA, CERT-EU ..." opens with a
    participle whose subject is the main clause's: neither is cut off.
    """
    words = sent.words
    if clause_start + 1 >= len(words):
        return 0
    first = words[clause_start]
    if first not in _OPENING_PREPOSITIONS and not (first.endswith("ed") and words[clause_start + 1] == "by"):
        return 0
    try:
        comma = words.index(",", clause_start)
    except ValueError:
        return 0
    agent = False
    for k in range(clause_start + 1, comma):
        if k in org_tokens and (k - 1) not in org_tokens:
            j = k - 1
            while j > clause_start and words[j] in _SKIP:
                j -= 1
            agent = agent or words[j] in _AGENT_PREPOSITIONS
    k = comma + 1
    while k < len(words) and words[k] in _SKIP:
        k += 1
    return comma + 1 if agent and k in org_tokens else 0


def _clause_of(joins: list[int], token: int) -> int:
    """The first token of the coordinated clause that holds ``token`` (0 for the first clause)."""
    k = bisect.bisect_right(joins, token)
    return joins[k - 1] if k else 0


def _negated(sent: _Sentence, start: int, end: int, cues: Cues) -> bool:
    """A negation between two offsets of the sentence ("has not ratified"; not "not only")."""
    if sent._negatable is None:
        sent._negatable = cues.negation_re is not None and not cues.negation_firsts.isdisjoint(sent.words)
    if not sent._negatable:
        return False
    text = sent.text
    base = sent.seg.start
    for match in cues.negation_re.finditer(text, start - base, end - base):
        if text[match.end():match.end() + 6].lower().lstrip().startswith("only"):
            continue
        # "ENISA, which was not established until 2004, provides training": the negation
        # belongs to the relative clause, which closes before the function.
        opened = max(text.rfind(", which", start - base, match.start()), text.rfind(", who", start - base,
                                                                                  match.start()))
        if opened >= 0 and "," in text[match.end():end - base]:
            continue
        # "NATO has never conducted offensive operations, but it shares threat
        # intelligence": a contrast or a semicolon ends what the negation denies.
        if _NEGATION_ENDS.search(text, match.end(), end - base):
            continue
        return True
    return False


# Not "however": "does not, however, fund" stays denied.
_NEGATION_ENDS = re.compile(r"\b(?:but|whereas|instead)\b|;", re.IGNORECASE)


def _passive_by(fn) -> bool:
    """A function phrase whose agent follows it ("funded by", "co-financed by", "funding from")."""
    return fn.text[-3:].lower() == " by" or _gives_from(fn)


def _gives_from(fn) -> bool:
    """A function phrase that names its givers after "from" ("funding from", "loans from")."""
    return fn.text[-5:].lower() == " from"


def _link(org, fn, method: str, sent: _Sentence, org_sentence: _Sentence | None = None,
          fn_sentence: _Sentence | None = None) -> Link:
    """A link whose evidence runs from the sentence naming the organization to the one naming the function."""
    if org_sentence is None and fn_sentence is None:
        return Link(org.key, fn.key, method, sent.seg.start, sent.seg.end, org.start, org.end, fn.start, fn.end)
    first = min((s for s in (sent, org_sentence, fn_sentence) if s is not None), key=lambda s: s.seg.start)
    last = max((s for s in (sent, org_sentence, fn_sentence) if s is not None), key=lambda s: s.seg.end)
    return Link(org.key, fn.key, method, first.seg.start, last.seg.end, org.start, org.end, fn.start, fn.end)


def _unique(links: list[Link]) -> list[Link]:
    seen, out = set(), []
    for link in links:
        key = (link.org_key, link.function_id, link.method, link.sentence_start, link.function_start)
        if key not in seen:
            seen.add(key)
            out.append(link)
    return out


def _clause_start(sent: _Sentence, cues: Cues) -> int:
    """Index of the first token of the clause proper, after list markers, a dateline (recorded
    in ``sent.dateline_end``) and leading adverbials."""
    i = 0
    words = sent.words
    while i < len(words) and (words[i] in _BULLETS or (words[i].rstrip(".)").isdigit() and i == 0)):
        i += 1
    i = _after_dateline(sent, i)
    for phrase in cues.leads_by_first.get(words[i], ()) if i < len(words) else ():
        if _starts_with(words, phrase, i):
            j = i + len(phrase)
            if j < len(words) and words[j] == ",":
                return j + 1
            return j
    return _after_reporting_verb(sent, i, cues)


_DASHES = {"-", "–", "—", "--"}


def _dateline_end(sent: _Sentence) -> int:
    """Where the text after the sentence's dateline starts (-1 without one), read once."""
    if sent.dateline_end is None:
        _after_dateline(sent, 0)
    return sent.dateline_end


def _spaced(sent: _Sentence, k: int) -> bool:
    """Token ``k`` stands between spaces ("WASHINGTON - The ..."), not inside a word."""
    text, at = sent.text, sent.token_starts[k] - sent.seg.start
    end = at + len(sent.surfaces[k])
    return at > 0 and text[at - 1].isspace() and end < len(text) and text[end].isspace()


def _space_after(sent: _Sentence, k: int) -> bool:
    """Whitespace follows token ``k``."""
    end = sent.token_starts[k] - sent.seg.start + len(sent.surfaces[k])
    return end < len(sent.text) and sent.text[end].isspace()


_SPACED_DASH = re.compile(r"\s(?:-|–|—|--)\s")


def _after_dateline(sent: _Sentence, start: int) -> int:
    """The first token after a press release's dateline, or ``start`` if the sentence has none.

    "WASHINGTON - The CISA and the FBI published ...", "Brussels, 12 March 2024 – ENISA ...",
    "GENEVA (Reuters) — ...", "Cyber Capacity Building - The World Bank funds ...": a few
    capitalized words, numbers and punctuation, then a dash (or, once a date, a comma or a word
    in capitals has been seen, a colon or a dash with space after it only: "Manila, June 15 : The
    ADB ...", "Phnom Penh, November 16, 2018— The ..."). An organization before the dash
    ("ENISA - the EU agency - publishes ...") is the subject, not a dateline, unless it stands
    in brackets (the news agency). Without a place in capitals, a date or a comma, a second
    dash makes the words a person and an apposition ("Catherine De Bolle - Europol's
    Executive Director - said ..."), which are no dateline either. The functions the dateline
    names are no one's (``sent.dateline_end``).
    """
    surfaces = sent.surfaces
    limit = min(len(surfaces), start + 10)
    org_tokens = None
    depth = 0
    dated = False
    sent.dateline_end = -1
    for k in range(start, limit):
        word = surfaces[k]
        if word in _DASHES and not _spaced(sent, k) \
                and not (dated and word in {"–", "—"} and _space_after(sent, k)):
            return start     # "Capacity-building": a hyphen inside a word ("16, 2018— The ..." is a dash)
        if word == ":" and dated and k > start and k + 1 < len(surfaces) and surfaces[k + 1][:1].isupper():
            sent.dateline_end = sent.token_starts[k + 1]     # "Manila [Philippines], June 15 : The ADB ..."
            return k + 1
        if word in _DASHES:
            after = sent.token_starts[k] - sent.seg.start + len(word)
            if k == start or not dated and _SPACED_DASH.search(sent.text, after):
                return start     # a person and a pair of dashes around an apposition
            if k + 1 < len(surfaces):
                sent.dateline_end = sent.token_starts[k + 1]
            return k + 1
        if word == "," or word[:1].isdigit() or (word.isupper() and word.isalpha() and len(word) > 2 and depth == 0):
            dated = True
        if word in {"(", "["}:
            depth += 1
        elif word in {")", "]"}:
            depth -= 1
        elif word[:1].islower():
            return start
        elif depth == 0 and word[:1].isalpha():
            if org_tokens is None:
                org_tokens = _org_token_indexes(sent)
            if k in org_tokens:
                return start
    return start


def _after_reporting_verb(sent: _Sentence, start: int, cues: Cues) -> int:
    """"Burt said Microsoft's Digital Crimes Unit led the investigation": the reported
    clause is the one whose subject acts, when a person (no organization) speaks."""
    words = sent.words
    for k in range(start, min(len(words), start + 8)):
        if words[k] in cues.reporting_verbs:
            if any(start <= t < k for t in _org_token_indexes(sent)):
                return start
            k += 1
            while k < len(words) and words[k] in {"that", ",", ":"}:
                k += 1
            if k < len(words) and words[k] in _PRONOUNS:
                return start     # "The experts said they need training": the speakers, not an organization
            return k
    return start


# Words between a speaker and its reporting verb: "Europol has also said ...".
_BEFORE_REPORTING = {"has", "have", "had", "also", "again", "recently", "publicly", "then"}
# Reporting verbs that also take an object or an addressee ("announced the EU funding", "told the ITU
# that ..."): the name after them opens the reported clause only after "that".
_REPORTS_AN_OBJECT = {"told", "tells", "announced", "announces", "reported", "reports", "mentioned", "highlighted",
                      "expressed", "stressed", "underlined", "emphasized", "emphasised", "confirmed"}


def _reports_another(words: list[str], k: int, org_tokens: set, cues: Cues) -> bool:
    """The organization before token ``k``, or the list of them it ends, says what another does.

    "Europol said the ITU trains judges", "Europol and Eurojust have said that the ITU ...":
    the reported clause has an organization of its own as subject, which acts; the speaker
    does not. ("ENISA said it will train judges" keeps ENISA: the pronoun is the speaker itself.)
    """
    while k < len(words) and (k in org_tokens or words[k] in _COORD or words[k] in _SKIP):
        k += 1
    while k < len(words) and words[k] in _BEFORE_REPORTING:
        k += 1
    return k < len(words) and words[k] in cues.reporting_verbs and _reported_subject(words, k, org_tokens, cues) \
        is not None


def _reported_by_organization(words: list[str], j: int, org_tokens: set, cues: Cues) -> bool:
    """Token ``j``, a reporting verb or the "that" or colon after one, follows an organization that
    speaks and opens a clause whose subject is an organization ("Europol said (that) the ITU ...").
    After a person or a clause ("The EU funds the project, said UNODC") it opens none."""
    while j > 0 and words[j] in {"that", ":"}:
        j -= 1
    if j < 1 or words[j] not in cues.reporting_verbs or _reported_subject(words, j, org_tokens, cues) is None:
        return False
    k = j - 1
    while k >= 0 and words[k] in _BEFORE_REPORTING:
        k -= 1
    return k >= 0 and k in org_tokens


def _reported_subject(words: list[str], k: int, org_tokens: set, cues: Cues) -> int | None:
    """Where the clause reported after the verb at token ``k`` begins, if its subject is an
    organization: "said (that) the ITU trains ...", "announced that UNODC will ..." (but not
    "announced the EU funding", "told the ITU that ...", nor an organization that only
    describes a noun: "said the EU's support ...", "said the EU-funded project ...")."""
    verb, k = words[k], k + 1
    that = False
    while k < len(words) and words[k] in {"that", ",", ":"}:
        that = that or words[k] == "that"
        k += 1
    if verb in _REPORTS_AN_OBJECT and not that:
        return None
    start = k
    while k < len(words) and words[k] in _SKIP:
        k += 1
    if k not in org_tokens:
        return None
    while k < len(words) and k in org_tokens:
        k += 1
    if k < len(words) and (words[k] in cues.possessive or words[k] in {"-", "–"}):
        return None
    return start


# Verbs of handing something over: the organization after "with" right after them receives it.
# ("exchanges information with", "conducts joint investigations with", "develops standards with"
# name partners who do it too.)
_TRANSFER_VERBS = {f"{stem}{end}" for stem, ends in (
    ("shar", ("e", "es", "ed", "ing")), ("disseminat", ("e", "es", "ed", "ing")),
    ("circulat", ("e", "es", "ed", "ing")), ("distribut", ("e", "es", "ed", "ing")),
    ("send", ("", "s", "ing")), ("sent", ("",)), ("pass", ("", "es", "ed", "ing")),
    ("transmit", ("", "s", "ted", "ting"))) for end in ends}


def _after_function(sent: _Sentence, j: int) -> bool:
    """Token ``j`` ends a function mention that hands something over, or comes right after one
    ("shares them with", "shares data with")."""
    start, end = sent.token_starts[j], sent.token_starts[j] + len(sent.surfaces[j])
    return any((f.end == end or start - 1 <= f.end <= start) and f.text.split(None, 1)[0].lower() in _TRANSFER_VERBS
               for f in sent.functions)


_PARTNER_NOUNS = {"collaboration", "cooperation", "co-operation", "partnership", "partnerships", "coordination",
                  "consultation", "consultations"}
_PARTNER_ADJECTIVES = {"close", "closer", "strong", "strategic", "ongoing", "long-standing"}


def _partner_noun_after_function(sent: _Sentence, j: int) -> bool:
    """"with" at token ``j`` follows the subject's noun of working together ("its close
    collaboration with") after a function of the sentence: the organization after it is the
    partner of whoever does that function, not a second actor. ("in cooperation with CERT-EU"
    does it jointly; "In partnership with the OAS, the GFCE runs ..." is left as it is.)"""
    words = sent.words
    k = j - 1
    if k < 1 or words[k] not in _PARTNER_NOUNS:
        return False
    start = sent.token_starts[k]
    m = k - 1
    while m >= 0 and words[m] in _PARTNER_ADJECTIVES:
        m -= 1
    # "its collaboration with": the subject's tie to a partner; "in cooperation with" does it jointly.
    # The function stands before it in the same clause, and none after it ("in its partnership with
    # INTERPOL, conducts joint operations": INTERPOL takes part).
    if m < 0 or words[m] not in {"its", "their", "our"}:
        return False
    if any(f.start > start for f in sent.functions):
        return False
    return any(f.end <= start and ";" not in sent.text[f.end - sent.seg.start:start - sent.seg.start]
               for f in sent.functions)


def _org_token_indexes(sent: _Sentence) -> set:
    """Indexes of the sentence's tokens that lie inside an organization mention."""
    if sent._org_tokens is None:
        # Tokens are sorted by offset: those starting inside a mention are one run of indices.
        starts = sent.token_starts
        sent._org_tokens = {i for m in sent.orgs
                            for i in range(bisect.bisect_left(starts, m.start), bisect.bisect_left(starts, m.end))}
    return sent._org_tokens


def role(sent: _Sentence, mention, clause_start: int, cues: Cues) -> str:
    """'actor', 'agent' (the owner of an activity: "the World Bank's work"), 'possessor',
    'receiver', 'speaker' (of a clause with an organization of its own as subject) or 'object',
    from the words around the mention."""
    words, starts = sent.words, sent.token_starts
    org_tokens = _org_token_indexes(sent)
    first = sent.token_at(mention.start)
    last = first
    while last + 1 < len(starts) and starts[last + 1] < mention.end:
        last += 1
    if _describes_the_name_before(sent, first, last, org_tokens, cues, clause_start):
        return "possessor"
    # "the ITU's IMPACT": the owner is not the one acting. "the World Bank's work
    # in helping countries ...": the owner of an activity is the one acting.
    nxt = last + 1
    if nxt + 1 < len(words) and words[nxt] == "-" and sent.surfaces[nxt + 1][:1].islower() \
            and sent.token_starts[nxt] == mention.end and words[nxt + 1] not in _LEADING_PARTICIPLES:
        return "possessor"     # "UN-trained units intercepted ...": a modifier (its own "-funded" noun aside)
    if _reports_another(words, nxt, org_tokens, cues):
        return "speaker"       # "Europol said the ITU trains judges": the ITU trains, Europol only says so
    if nxt < len(words) and _describes_members(words, nxt, sent.surfaces, cues):
        return "possessor"     # "EU member states", "NATO allies": the noun acts, not the organization
    if nxt < len(words) and first > 0 and words[first - 1] in {"a", "an"} \
            and _describes_apposed_name(sent, nxt, org_tokens, cues):
        return "possessor"     # "A United Nations fund, the CERF, has allocated ...": the CERF acts
    if nxt < len(words) and words[nxt] in cues.possessive:
        after = nxt + 1
        while after < len(words) and words[after] in _SKIP:
            after += 1
        if after in org_tokens:
            return "possessor"
        if after < len(words) and words[after] in cues.activity_nouns:
            return "agent"
        # "Together with INTERPOL's other private sector partners, Kaspersky shared ...":
        # the partners act, not the organization they work with.
        if any(_singular(w) in cues.partner_nouns for w in words[after:after + 4]):
            return "possessor"
    return _role_before(sent, first - 1, clause_start, cues, org_tokens)


# "An INTERPOL-led operation resulted in arrests": the name before these runs what it describes.
_LEADING_PARTICIPLES = {"led", "run", "coordinated", "organised", "organized", "hosted", "managed", "operated",
                        "driven", "initiated", "launched", "convened", "chaired", "implemented", "facilitated",
                        "mediated", "brokered", "verified", "mandated"}


_TIME_PREPOSITIONS = {"in", "on", "since", "during", "until", "last", "this", "early", "late"}
_TIME_FILLERS = {"the", "of", "early", "late", "mid", "first", "second", "third", "fourth", "half", "-", "–", ".",
                 "a", "an"}
_TIME_WORDS = DATE_WORDS | {"year", "years", "month", "months", "week", "weeks", "quarter", "spring", "summer",
                            "autumn", "fall", "winter"}


def _time_phrase(words: list[str], start: int, end: int) -> bool:
    """Tokens ``start`` to ``end`` (inclusive, at most eight) name a date or a period: "September",
    "the 30th of September", "12 May 2021", "early 2020", "last year"."""
    if end < start or end - start > 7:
        return False
    dated = False
    for word in words[start:end + 1]:
        if word.isdigit() or word[:-2].isdigit() and word[-2:] in {"st", "nd", "rd", "th"} or word in _TIME_WORDS:
            dated = True
        elif word not in _TIME_FILLERS:
            return False
    return dated


def _describes_apposed_name(sent: _Sentence, k: int, org_tokens: set, cues: Cues) -> bool:
    """Tokens from ``k``, right after an organization (itself after "a" or "an"), are up to three
    lowercase words, a comma and another organization (an article between): "A United Nations
    fund, the Central Emergency Response Fund (CERF), ...", "an EU agency, ENISA, ...". The
    organization describes a noun that the second name names."""
    words, surfaces = sent.words, sent.surfaces
    j = k
    while j < len(words) and j - k < 3 and surfaces[j].isalpha() and surfaces[j].islower():
        j += 1
    if j == k or j >= len(words) or words[j] != "," or _singular(words[j - 1]) not in _APPOSED_KINDS | cues.kind_heads:
        return False     # "an EBRD loan, the IFC and commercial banks" is a list of funders
    j += 1
    while j < len(words) and words[j] in _SKIP:
        j += 1
    if j not in org_tokens:
        return False
    while j < len(words) and (j in org_tokens or words[j] in {"(", ")"}):
        j += 1
    return j < len(words) and words[j] == ","     # "A UN fund, the CERF, ..."


# Nouns for a body that an organization's name may describe: "A United Nations fund, the CERF, ...".
_APPOSED_KINDS = {"fund", "programme", "program", "initiative", "mission", "network", "forum", "facility", "entity",
                  "panel", "organization", "organisation", "agency", "body", "institution", "office", "platform"}


def _after_described_noun(sent: _Sentence, j: int, org_tokens: set, clause_start: int) -> bool:
    """The comma at ``j`` follows "a|an <organization> <lowercase words>" that opens the clause
    (perhaps after a colon): the name after it is in apposition with the subject."""
    words, surfaces = sent.words, sent.surfaces
    k = j - 1
    while k >= clause_start and j - k <= 3 and surfaces[k].isalpha() and surfaces[k].islower():
        k -= 1
    if k == j - 1 or k not in org_tokens or _singular(words[j - 1]) not in _APPOSED_KINDS:
        return False
    while k - 1 in org_tokens:
        k -= 1
    k -= 1
    if k < clause_start or words[k] not in {"a", "an"}:
        return False
    return k == clause_start or words[k - 1] in {":", ",", ";", "—", "–", "-"}


def _describes_members(words: list[str], k: int, surfaces: list[str], cues: Cues) -> bool:
    """Token ``k``, right after an organization, is a noun of ``member_nouns`` that the organization
    describes: "member" ("EU member states") or a plural ("NATO allies", "UN agencies"), but not the
    verb "states" ("ENISA states that ...") nor a singular ("UNDP country offices")."""
    word = words[k]
    if not surfaces[k][:1].islower() or _singular(word) not in cues.member_nouns:
        return False
    if word == "states":
        return k + 1 >= len(words) or words[k + 1] not in _STATES_VERB_NEXT
    return word == "member" or word.endswith("s")


_STATES_VERB_NEXT = {"that", "in", "it", "its", "the", "a", ",", ":", "clearly", "explicitly"}


def _describes_the_name_before(sent: _Sentence, first: int, last: int, org_tokens: set, cues: Cues,
                               clause_start: int = 0) -> bool:
    """The mention (tokens ``first`` to ``last``) modifies the noun of an apposition to another organization.

    "ENISA, the EU agency for cybersecurity, publishes threat reports" and
    "Europol, the EU's law enforcement agency, ...": the EU only describes the
    organization before the comma; it does not act. The mention stands after
    "<organization>, the" and before a lowercase noun; a lowercase word that
    can follow a subject ("and", "has", a function) keeps it a name of its own
    ("ENISA, the EU and INTERPOL train ..."). A comma that closes an opening
    phrase opens the main clause instead ("In partnership with the OAS, the
    GFCE runs ...").
    """
    words, surfaces = sent.words, sent.surfaces
    j = first - 1
    if j < 2 or words[j] not in {"the", "a", "an"} or words[j - 1] != ",":
        return False
    if j - 1 < clause_start or _closes_opening_phrase(words, j - 1, clause_start):
        return False
    j -= 2
    while j >= 0 and words[j] in {")", "]"}:
        j -= 1
    if j < 0 or j not in org_tokens:
        return False
    k = last + 1
    possessed = k < len(words) and words[k] in cues.possessive
    if possessed:
        k += 1
    if k >= len(words) or not surfaces[k].isalpha() or not surfaces[k][:1].islower():
        return False
    if possessed:
        return True      # "EC3, the EU's hub for cybercrime intelligence, ...": whatever the noun
    if words[k] in _COORD or words[k] in cues.clause_joiners or words[k] in _AUXILIARIES:
        return False
    return not any(f.start == sent.token_starts[k] for f in sent.functions)


def _role_before(sent: _Sentence, j: int, clause_start: int, cues: Cues, org_tokens: set) -> str:
    """The role given by the words before token ``j + 1``, walking back to the clause start."""
    words, surfaces = sent.words, sent.surfaces
    if j >= clause_start and words[clause_start] in _TIME_PREPOSITIONS and _time_phrase(words, clause_start + 1, j):
        return "actor"       # "In September WHO issued ...", "On 12 May 2021 the ITU ...": a date, no comma
    while j >= clause_start:
        word = words[j]
        if j in org_tokens or word in _SKIP or word in cues.possessive and (j - 1) in org_tokens:
            j -= 1
            continue
        if word in cues.possessive and j >= 1 and surfaces[j - 1][:1].isupper():
            # "New Zealand's National Cyber Security Centre": a country (or any proper name)
            # owning the organization leaves it where it stands.
            j = _before_proper_name(surfaces, j - 1, clause_start, org_tokens)
            continue
        if word in _LOCATED and j >= 2 and words[j - 1] == "-":
            # "the Geneva-based ITU", "the New York-based ...": the place describes the organization
            j = _before_proper_name(surfaces, j - 3, clause_start, org_tokens)
            continue
        if word == "as" and j >= 2 and words[j - 1] == "well" and words[j - 2] == "as":
            j -= 3       # "X as well as Y"
            continue
        if word == "as" and j >= 1 and words[j - 1] in {"known", "called", "named", "renamed"}:
            j -= 2       # "the European Border and Coast Guard Agency (EBCG, also known as Frontex)"
            continue
        if word in _COORD and j >= 1 and words[j - 1] == "," and word != "," \
                and _closes_subject_relative(words, j - 2, org_tokens, cues, clause_start):
            return "actor"       # "The AfDB, which is based in Abidjan, and the World Bank co-finance ..."
        if word == "," and _after_described_noun(sent, j, org_tokens, clause_start):
            return "actor"       # "A United Nations fund, the CERF, has allocated ...": the subject's name
        if word in _COORD:
            # A comma closing an introductory phrase ("In 2020, the ITU ...", "Working with
            # ENISA, CERT-EU ...", "Together with INTERPOL's partners, Kaspersky ..."), not
            # one inside an enumeration after another organization's verb ("ENISA ensures
            # flow between the CSIRTs Network, the EU-CyCLONe ...").
            if word == "," and (_closes_opening_phrase(words, j, clause_start) or
                                not ((j - 1) in org_tokens or (j - 1 >= 0 and words[j - 1] in {")", "]"}))
                                and not any(clause_start <= k < j for k in org_tokens)):
                return "actor"
            j -= 1
            continue
        if word in ("example", "instance") and j >= 1 and words[j - 1] == "for":
            return "actor"       # "(for example, the GGE and the OEWG)" introduces examples, not receivers
        marker = _example_marker(words, j, cues)
        if marker == 1 and word in _INCLUDE_VERBS and j - clause_start <= 7 \
                and not any(clause_start <= k < j for k in org_tokens) \
                and not any(w.endswith("ed") for w in words[clause_start + 1:j]):
            return "actor"       # "Other donors supporting the programme include the GCF": the subject's list
            #                      ("Agencies funded through the trust fund include UNDP" receive)
        if marker:
            return _role_of_examples(sent, j - marker, clause_start, cues, org_tokens)
        if word in {"at", "from"} and j >= 1 and _singular(words[j - 1]) in cues.staff_nouns:
            if _reports_a_clause(words, j + 1, cues, org_tokens):
                return "object"      # "Officials from the World Bank said the OAS trains ...": they speak
            if word == "at" and cues.reporting_verbs.intersection(words[j + 1:]):
                return "object"
            if _opens(words, j - 1, clause_start):
                # "Researchers at ENISA conduct research", "Experts from Europol delivered training"
                return "actor"
        if word in cues.receivers:
            return "receiver"
        if (word in cues.reporting_verbs or word in {"that", ":"}) \
                and _reported_by_organization(words, j, org_tokens, cues):
            return "actor"       # "Europol said (that) the ITU trains judges": the subject of what is said
        if word == "with" and _after_partner_verb(words, j, cues):
            return "object"      # "EC3 collaborates with INTCEN": INTCEN is the partner
        if word == "with" and _partner_noun_after_function(sent, j):
            return "object"      # "creates market access through its close collaboration with the IEC"
        if word == "with" and _after_function(sent, j):
            return "receiver"    # "ENISA shares data with CERT-EU": CERT-EU is told, it does not share
        if word == "of" and _inside_partner_phrase(words, j, cues, org_tokens):
            return "object"      # "works closely with the IT security teams of the EU institutions"
        if word == "by" and _reduced_relative(words, j, org_tokens):
            return "object"      # "the European Cybercrime Centre (EC3) set up by Europol": agent of "set up" only
        if word == "by" and _participle_after_function(sent, j):
            return "object"      # "approved US$17.8m for proposals submitted by UNIDO": UNIDO submitted them only
        if word == "by" and _relative_passive(sent, j):
            return "object"      # "investments which will be rolled out by UNICEF": UNICEF rolls them out only
        if word == "of" and j >= 2 and words[j - 1] == "part" and words[j - 2] == "as":
            return "object"      # "conducted a training ... as part of the G5 Sahel Police Component"
        if word == "of" and j >= 1 and words[j - 1] in cues.activity_nouns:
            return "agent"       # "the efforts of J-CAT in combating cybercrime"
        if word == "from" and j >= 1 and _singular(words[j - 1]) in cues.participant_nouns:
            return "receiver"    # "Participants from the ITU attended ..."
        if word in cues.openers:
            return "actor"
        if j + 1 < len(words) and words[j + 1] in _COORD and surfaces[j][:1].isupper():
            # Another member of the list, not an organization ("funding from Japan and
            # the World Bank", "Governments and the ITU share ...").
            j = _before_proper_name(surfaces, j, clause_start, org_tokens)
            continue
        if _noun_after_name(words, surfaces, j) and (j - 1) not in org_tokens:
            # The same with a common noun after the name: "funding from Unitaid, the
            # United Kingdom government and the Gates Foundation".
            j = _before_proper_name(surfaces, j - 1, clause_start, org_tokens)
            continue
        return "object"
    return "actor"


def _reports_a_clause(words: list[str], k: int, cues: Cues, org_tokens: set) -> bool:
    """A reporting verb after token ``k`` opens a clause of its own: "said (that) the OAS trains ...",
    not "agreed confidence-building measures"."""
    for r in range(k, len(words) - 1):
        if words[r] in cues.reporting_verbs:
            return words[r + 1] in {"that", "the", "it", "they", "its", "their"} or (r + 1) in org_tokens
    return False


def _noun_after_name(words: list[str], surfaces: list[str], k: int) -> bool:
    """Token ``k`` is a common noun closing a list member that opens with a name:
    "the United Kingdom government" in "funded by Unitaid, the United Kingdom government and ..."."""
    return 0 < k < len(words) - 1 and surfaces[k].isalpha() and surfaces[k - 1][:1].isupper() \
        and words[k + 1] in _COORD


def _before_proper_name(surfaces: list[str], j: int, clause_start: int, org_tokens: set) -> int:
    """The token before the run of capitalized words, no organization's, that ends at token ``j``."""
    while j >= clause_start and surfaces[j][:1].isupper() and j not in org_tokens:
        j -= 1
    return j


def _after_located(words: list[str], k: int) -> int:
    """The token after a "<place>-based" compound that starts at ``k`` ("the Lyon-based INTERPOL"), else ``k``."""
    if k + 2 < len(words) and words[k + 1] == "-" and words[k + 2] in _LOCATED:
        return k + 3
    return k


def _opens(words: list[str], k: int, clause_start: int) -> bool:
    """The noun at ``k`` opens its clause, after at most an article or "senior" ("Senior analysts at ..."),
    or opens the main clause after an opening phrase ("In 2023, analysts at Europol ...")."""
    j = k - 1
    while j >= clause_start and (words[j] in _SKIP or words[j] == "senior"):
        j -= 1
    return j < clause_start or words[j] == "," and _closes_opening_phrase(words, j, clause_start)


def _example_marker(words: list[str], j: int, cues: Cues) -> int:
    """Length of the example marker ("like", "such as", "e.g.") that ends at token ``j``, or 0."""
    for phrase in cues.example_markers_by_last.get(words[j], ()):
        n = len(phrase)
        if j - n + 1 >= 0 and tuple(words[j - n + 1:j + 1]) == phrase:
            return n
    return 0


_INCLUDE_VERBS = {"include", "includes", "included"}


def _role_of_examples(sent: _Sentence, j: int, clause_start: int, cues: Cues, org_tokens: set) -> str:
    """Examples stand where the noun they exemplify stands.

    "Organizations like the ITU facilitate ..." (the noun opens the clause):
    actors; "training for agencies such as INTERPOL": receivers; "collaborates
    with services such as CERT-EU": partners. ``j`` is the token before the
    marker. Without a parser the noun phrase is at most four words; a longer
    stretch holds a verb ("EC3 supports Member States such as ..."): objects.
    """
    words = sent.words
    consumed = 0
    while j >= clause_start:
        word = words[j]
        if word in {"(", "[", ",", '"', "“"} and consumed == 0:
            j -= 1
            continue
        if j in org_tokens and j + 1 < len(words) and _describes_members(words, j + 1, sent.surfaces, cues):
            while j >= clause_start and j in org_tokens:
                j -= 1       # "UN agencies such as UNODC": the organization is part of the noun
            consumed += 1
            continue
        if j in org_tokens:
            return "object" if consumed else "actor"
        if word in _COORD or word in cues.openers or word in cues.receivers or word in cues.possessive \
                or word == "with":
            return _role_before(sent, j, clause_start, cues, org_tokens)
        if consumed == 4:
            return "object"
        consumed += 1
        j -= 1
    return "actor"


_OPENING_PREPOSITIONS = {"together", "with", "in", "during", "through", "under", "after", "before", "following",
                         "since", "at", "on", "for", "from", "according", "alongside", "unlike", "like", "besides"}


def _closes_opening_phrase(words: list[str], j: int, clause_start: int) -> bool:
    """The comma at ``j`` is the first of a clause that opens with a preposition or a gerund
    ("Together with INTERPOL's partners, Kaspersky ...", "Working with ENISA, CERT-EU ...")."""
    first = words[clause_start]
    return (first in _OPENING_PREPOSITIONS or first.endswith("ing")) and "," not in words[clause_start:j]


def _inside_partner_phrase(words: list[str], j: int, cues: Cues, org_tokens: set) -> bool:
    """"of" inside the phrase naming a partner: "with the internal IT security teams of ..."."""
    k = j - 1
    while k >= 0 and j - k <= 6 and words[k].isalpha() and k not in org_tokens and words[k] != "with":
        k -= 1
    return k >= 0 and words[k] == "with" and _after_partner_verb(words, k, cues)


def _reduced_relative(words: list[str], j: int, org_tokens: set) -> bool:
    """"by" after a participle that follows an organization: "EC3 set up by Europol",
    "IMPACT, operated by the ITU". Its agent did that, not the sentence's verb."""
    k = j - 1
    if k >= 1 and words[k] == "up":
        k -= 1
    if k < 1 or not (words[k].endswith("ed") or words[k] in {"set", "run", "led", "built", "made"}):
        return False
    before = k - 1
    if before >= 0 and words[before] == ",":
        before -= 1
    return before >= 0 and (before in org_tokens or words[before] in {")", "]"})


def _participle_after_function(sent: _Sentence, j: int) -> bool:
    """"by" at token ``j`` follows a participle in -ed that is no function, right after a
    lowercase noun that stands after a function of the sentence: "approved US$17.8m for project
    proposals submitted by UNIDO". The agent did what the participle says. Before the
    sentence's function ("The workshop organised by the ITU trained officials") it acts."""
    words, surfaces, starts = sent.words, sent.surfaces, sent.token_starts
    k = j - 1
    if k < 1 or not words[k].endswith("ed") or not surfaces[k - 1].isalpha():
        return False
    if any(f.start <= starts[k] < f.end for f in sent.functions):
        return False     # "training funded by the EU": the participle is the function
    holding = [f for f in sent.functions if f.start <= starts[k - 1] < f.end]
    if not holding and not surfaces[k - 1].islower():
        return False
    if holding:
        # "an investigation led by the NCA": the noun is the activity and its agent does it;
        # "finances local NGOs selected by UNHCR": the noun is the object of the function.
        return all(f.start < starts[k - 1] and f.text.split()[0].lower().endswith(("s", "ed", "ing"))
                   for f in holding)      # a verb and its object, not "incident response organised by"
    if words[k] in _AGENT_PARTICIPLES or words[k] in _LEADING_PARTICIPLES:
        return False     # "an operation led by Europol": its agent runs the activity
    return any(f.end <= starts[k - 1] for f in sent.functions)


# Participles whose agent takes part in the activity they describe: "projects implemented by UNDP".
_AGENT_PARTICIPLES = {"implemented", "supported", "conducted", "delivered", "executed", "carried", "undertaken",
                      "provided", "performed", "spearheaded", "co-organised", "co-organized", "sponsored"}


# The finite auxiliaries (not "do"), the forms of "be" and a few adverbs: "which will also be rolled out by".
_PASSIVE_AUXILIARIES = (_AUXILIARIES - {"does", "do", "did"}) | {"be", "been", "being", "also", "then", "later"}


def _relative_passive(sent: _Sentence, j: int) -> bool:
    """"by" at token ``j`` names the agent of a passive in a relative clause after a function:
    "provided investments which will be rolled out by", "that are distributed by". Its
    organizations do what that verb says, not what the sentence's functions say, unless the
    verb is itself a function ("which is funded by")."""
    words = sent.words
    k = j - 1
    if k >= 0 and words[k] in {"out", "up", "over"}:
        k -= 1
    if k < 1 or not (words[k].endswith(("ed", "en")) or words[k] in {"run", "led", "set", "held", "made", "built"}):
        return False
    start = sent.token_starts[k]
    if any(f.start <= start < f.end for f in sent.functions):
        return False
    k -= 1
    while k >= 0 and words[k] in _PASSIVE_AUXILIARIES:
        k -= 1
    if k < 0 or words[k] not in {"which", "that", "who"}:
        return False
    # The clause describes what a function names before it, not the subject ("The project, which
    # is run by UNODC, trains judges": UNODC trains).
    return any(f.end <= sent.token_starts[k] for f in sent.functions)


def _after_partner_verb(words: list[str], j: int, cues: Cues) -> bool:
    """"with" right after a verb of working together ("cooperates closely with")."""
    k = j - 1
    while k >= 0 and j - k <= 3 and _partner_adverb(words[k]):
        k -= 1      # "works very closely with"
    if k >= 2 and words[k - 1] == "-":
        return f"{words[k - 2]}-{words[k]}" in cues.partner_verbs     # "co-operates": three tokens
    return k >= 0 and words[k] in cues.partner_verbs


def _partner_adverb(word: str) -> bool:
    """A word that may stand between a partner verb and "with" ("very closely", "together")."""
    return word.endswith("ly") or word in PARTNER_ADVERBS


PARTNER_ADVERBS = ("very", "together", "also")


def _own_functions(sent: _Sentence, cues: Cues) -> list:
    """Function mentions of the sentence that are an activity of its actors (computed once per sentence)."""
    if not sent.functions:
        return []
    if sent._own is None:
        sent._own = _find_own_functions(sent, cues)
    return sent._own


def _find_own_functions(sent: _Sentence, cues: Cues) -> list:
    text = sent.text
    limit = sent.seg.end + 1
    resume = limit
    # The regular expressions run only on sentences holding a cue's first word.
    present = cues.cue_firsts.intersection(sent.words)
    topic_re = cues.topic_re if present & cues.topic_firsts else None
    match = topic_re.search(text) if topic_re is not None else None
    if match:
        # What follows the cue is a topic; the cue's own words may be an activity
        # ("organised a workshop on incident response": the workshop is).
        limit = sent.seg.start + match.end()
    other_re = cues.other_agent_re if present & cues.other_agent_firsts else None
    match = other_re.search(text) if other_re is not None else None
    if match and sent.seg.start + match.start() < limit:
        # "enabling experts to share information, developing training modules, and
        # organising trainings": the other agent's clause ends where the next
        # activity of the organization (a gerund after a comma) begins.
        limit = sent.seg.start + match.start()
        follow = _NEXT_GERUND.search(text, match.end())
        resume = sent.seg.start + follow.start(1) if follow else sent.seg.end + 1
    # "incident response teams", "capacity building centres": a function word
    # before an organization head names a kind of body, not an activity.
    own = [f for f in sent.functions if (f.start < limit or f.start >= resume and
                                         (topic_re is None or not topic_re.search(text[:f.start - sent.seg.start])))
           and not _names_a_kind(sent, f, cues) and f.start >= _dateline_end(sent)]
    if len(own) > 1 and not cues.training_verbs.isdisjoint(sent.words):
        own = _without_training_topics(sent, own, cues)
    if own and not cues.others_plurals.isdisjoint(sent.words):
        own = _without_others_clauses(sent, own, cues)
    if not own:
        return own
    words, starts = sent.words, sent.token_starts
    # "disseminate threat intelligence reports to raise awareness": an activity
    # introduced by "to" after another activity is its purpose, not a second one.
    # After a partnership it is the work the partners do together: "partnered with
    # NCFRMI to review the policy", "a strategic partnership to build capacity".
    kept = []
    for f in own:
        i = bisect.bisect_left(starts, f.start)
        i = i if i < len(starts) and starts[i] == f.start else None
        if kept and i is not None and i > 0 and words[i - 1] == "to" and i > 1 and words[i - 2] != "contribute" \
                and not (kept[-1].key == _JOINT_WORK != f.key and _partnership(kept[-1], cues)):
            continue
        kept.append(f)
    return kept


# The function whose purpose is a further activity of the same actors (see _find_own_functions),
# when it names a partnership: a partner verb or one of these nouns ("signed a memorandum of
# understanding to ..."), not "promotes international cooperation to combat cybercrime".
_JOINT_WORK = "cooperation_diplomacy"
_PARTNERSHIP_NOUNS = {"partnership", "partnerships", "memorandum", "mou", "agreement", "alliance"}


def _partnership(mention, cues: Cues) -> bool:
    words = mention.text.lower().split()
    return any(w in cues.partner_verbs or w in _PARTNERSHIP_NOUNS for w in words)


_COPULAS = {"is", "are", "was", "were", "be", "been", "being", "become", "became", "becomes", "remain", "remains"}
# Words in -ing that are prepositions, not participles opening a clause.
_ING_PREPOSITIONS = {"during", "according", "including", "regarding", "concerning", "following", "excluding",
                     "pending", "notwithstanding", "considering", "involving"}
_THAT_COMPLEMENT = {"it", "they", "we", "he", "she", "the", "its", "their", "this", "these", "a", "an"}


def _scope_end(sent: _Sentence, own: list, first: int) -> int:
    """Where a clause opened at token ``first`` ends: at a comma, semicolon or colon, or where
    "and"/"or"/"but" comes right before a verb that opens a function ("... and funds research
    projects": the subject's own next activity). Returns a character offset."""
    words, starts = sent.words, sent.token_starts
    verb_starts = {sent.token_at(g.start) for g in own if " " in g.text and words[sent.token_at(g.start)][-1:] in "sd"}
    for k in range(first, len(words)):
        if words[k] in {",", ";", ":"} or words[k] in {"and", "or", "but"} and k + 1 in verb_starts:
            return starts[k]
    return sent.seg.end


def _without_others_clauses(sent: _Sentence, own: list, cues: Cues) -> list:
    """Drop the functions of a clause about other actors: "supports countries that prosecute cybercriminals".

    The clause opens with "that", "who" or a participle right after a plural
    noun of ``member_nouns`` or ``kind_heads`` that is no organization mention
    ("provides technical assistance to countries drafting cybercrime laws") and
    runs to :func:`_scope_end`. After a copula the noun is the subject itself
    ("ENISA and Europol are agencies that share ..."), and "that" before a
    pronoun or an article reports what was said ("told governments that it will fund").
    """
    words, starts = sent.words, sent.token_starts
    org_tokens = _org_token_indexes(sent)
    cut: set[int] = set()
    for i in [k + 1 for k, w in enumerate(words[:-1]) if w in cues.others_plurals]:
        w = words[i]
        if not (w in ("that", "who") or w.endswith("ing") and len(w) > 5 and w not in _ING_PREPOSITIONS) \
                or (i - 1) in org_tokens:
            continue
        if w == "that" and i + 1 < len(words) and (words[i + 1] in _THAT_COMPLEMENT or (i + 1) in org_tokens):
            continue     # "assured member states that it would share ...": what was said, no relative clause
        if _after_copula(words, i - 2, org_tokens):
            continue     # "ENISA and Europol are (all the) agencies that share ...": the subject itself
        stop = _scope_end(sent, own, i)
        cut.update(id(g) for g in own if starts[i] <= g.start < stop)
    return [g for g in own if id(g) not in cut] if cut else own


def _after_copula(words: list[str], k: int, org_tokens: set) -> bool:
    """A copula stands at token ``k`` or up to three words before it, and the words between only
    qualify the noun after them: "are agencies", "are the agencies", "are all government
    organizations", "are EU agencies". A preposition, a participle or a comma between makes the
    noun an object ("is working with countries that ...", "was commended by governments that ...")."""
    for m in range(k, max(-1, k - 4), -1):
        word = words[m]
        if word in _COPULAS:
            return True
        if m in org_tokens:
            continue
        if word in {",", ";", ":"} or word in _PREPOSITIONS or word.endswith(("ing", "ed")) and len(word) > 4:
            return False
    return False


def _without_training_topics(sent: _Sentence, own: list, cues: Cues) -> list:
    """Drop what people are trained in: "trains police officers in cybercrime investigation".

    After a function mention that opens with a training verb and is followed by
    "in" or "on" and a lowercase word, the functions up to the end of that
    phrase (:func:`_scope_end`) are the subject of the training, not more
    activities of the trainer. "trains officers in Africa" names a place.
    """
    words, surfaces, starts = sent.words, sent.surfaces, sent.token_starts
    topics: set[int] = set()
    for f in own:
        first = sent.token_at(f.start)
        k = sent.token_at(f.end)
        if first >= len(words) or words[first] not in cues.training_verbs or k >= len(words) \
                or words[k] not in ("in", "on"):
            continue
        n = k + 1
        while n < len(words) and words[n] in _SKIP:
            n += 1
        if n >= len(words) or not surfaces[n][:1].islower():
            continue
        stop = _scope_end(sent, own, n)
        # "trains judges in a programme funded by the EU": a passive with its agent is no topic
        topics.update(id(g) for g in own if g is not f and starts[n] <= g.start < stop and not _passive_by(g))
    return [g for g in own if id(g) not in topics] if topics else own


def _names_a_kind(sent: _Sentence, mention, cues: Cues) -> bool:
    """The word right after the mention is a kind of body ("incident response teams")."""
    k = sent.token_at(mention.end)
    words = mention.text.lower().split()
    if k >= len(sent.words) or sent.token_starts[k] != mention.end + 1 or words[-1] in _PREPOSITIONS:
        return False      # "collaboration between agencies": the noun is the object
    if any(w in _PREPOSITIONS for w in words[1:-1]):
        return False      # "training on digital forensics to police officers": a phrase, not a modifier
    return _singular(sent.words[k]) in cues.kind_heads


def _opens_with(sent: _Sentence, start: int, phrases: list[tuple[str, ...]], firsts: frozenset | None = None) -> bool:
    """``sent`` opens with one of ``phrases`` at token ``start``; ``firsts`` are their first words."""
    words = sent.words
    if firsts is not None and (start >= len(words) or words[start] not in firsts):
        return False
    return any(_starts_with(words, p, start) for p in phrases)


def _previous_body(sentences: list[_Sentence], index: int) -> _Sentence | None:
    """The sentence just before, if it is running text (not a heading or a question)."""
    previous = sentences[index - 1]
    return previous if previous.seg.kind in (BODY, ANSWER) else None


def _is_list_item(sentences: list[_Sentence], index: int) -> bool:
    """A bulleted line, a paragraph ending in ";" (an item of a list written as
    paragraphs: "Facilitating information sharing ...;"), or the last such item."""
    sent = sentences[index]
    if sent._list_item is None:
        sent._list_item = _list_item(sentences, index)
    return sent._list_item


def _list_item(sentences: list[_Sentence], index: int) -> bool:
    text = sentences[index].text.strip()
    if text.startswith(_BULLETS) or text.endswith((";", "; and", "; or")):
        return True
    if index == 0 or not text.endswith("."):
        return False
    previous = sentences[index - 1].text.strip()
    return previous.endswith((";", "; and", "; or")) and \
        sentences[index - 1].seg.paragraph != sentences[index].seg.paragraph and _verb_initial(sentences[index], 0)


_DETERMINERS = {"the", "a", "an", "its", "their", "our", "his", "her", "this", "these", "those", "all", "each",
                "other", "such", "some", "many", "most", "both"}


def _verb_initial(sent: _Sentence, start: int) -> bool:
    """The item opens with its verb ("provides support", "Facilitating information sharing",
    "Jointly developing measures"), so its subject is the lead-in's."""
    surfaces = sent.surfaces
    k = start
    while k < len(surfaces) and not surfaces[k].isalpha():
        k += 1
    if k >= len(surfaces):
        return False
    word = surfaces[k]
    if word.lower().endswith("ly") and k + 1 < len(surfaces):
        word = surfaces[k + 1]
    if word.lower().endswith("ing") and len(word) > 5:
        return True
    return word.islower() and word not in _DETERMINERS


def _lead_in(sentences: list[_Sentence], index: int) -> _Sentence | None:
    """The sentence ending in ":" that introduces the list an item belongs to ("For each type, EC3:")."""
    for k in range(index - 1, max(-1, index - 40), -1):
        earlier = sentences[k]
        if earlier.seg.kind in (HEADING, LEAD, QUESTION):
            return None
        if _is_list_item(sentences, k):
            continue
        return earlier if earlier.text.rstrip().endswith(":") else None
    return None


_SCOPE_WORDS = {"regional", "subregional", "global", "international", "intergovernmental", "continental",
                "multilateral", "specialized", "specialised", "umbrella"}


def _definite_antecedents(sentences: list[_Sentence], sent: _Sentence, start: int, heads: frozenset,
                          names: dict, cues: Cues) -> list:
    """"The Centre also trains ...": the last organization named with that head word, a few sentences back.

    A word of scope may stand before the head word: "The regional body is leading the mediation"
    ("The new body", "The advisory body" may be another one).
    """
    words = sent.words[start:start + 4]
    known = heads | cues.definite_heads
    if len(words) >= 3 and words[1] in _SCOPE_WORDS and words[2] in known:
        words = [words[0]] + words[2:]       # "the regional body" reads as "the body"
    words = words[:3]
    if len(words) < 2 or words[0] != "the" or words[1] not in known or words[2:] == ["of"]:
        return []       # "The body of research on incident response ..." is no organization
    for earlier in reversed(sentences[max(0, sent.index - 6):sent.index]):
        for mention in reversed(earlier.orgs):
            if words[1] in mention.text.lower().split() or words[1] in names.get(mention.key, ()):
                return [mention]
    if words[1] in cues.definite_heads:
        # "FIRST ... The organisation also undertakes ...": a word any organization
        # answers to points back to the one that acted last.
        for earlier in reversed(sentences[max(0, sent.index - 3):sent.index]):
            if earlier.actors:
                return [earlier.actors[-1]]
    return []


_LIST_VERBS = {"include", "includes", "included", "are", "were", ":"}


def _partner_lists(sentences: list[_Sentence], cues: Cues) -> dict:
    """The organizations the document lists as someone's partners, by owner.

    "ENISA's partners include CERT-EU" is ENISA's list (key: ENISA's key); "Its
    partners include FS-ISAC, ESET" is the list of whoever "Its" means (key None).
    Built once per document.
    """
    lists: dict = {}
    for sent in sentences:
        words = sent.words
        if _LIST_VERBS.isdisjoint(words):
            continue
        for k in range(len(words) - 1):
            if words[k + 1] not in _LIST_VERBS or _singular(words[k]) not in cues.partner_nouns:
                continue
            owner = None
            if k >= 2 and words[k - 1] in cues.possessive:
                before = sent.token_starts[k - 1]
                owner = next((m.key for m in sent.orgs if m.end == before), None)
            # "Symantec, a division of Broadcom": an owner named in apposition is no partner.
            listed = [m for m in sent.orgs if m.start >= sent.token_starts[k + 1] and
                      words[max(0, sent.token_at(m.start) - 1)] != "of"]
            lists.setdefault(owner, []).extend(listed)
            break
    return lists


def _partners(sent: _Sentence, lists: dict, cues: Cues) -> list:
    """"Microsoft and its partners obtained the authority ...": the partners the document
    lists for that organization (or for an unnamed "Its") act too."""
    words = sent.words
    for k in range(1, len(words) - 1):
        if words[k] in {"its", "their"} and _singular(words[k + 1]) in cues.partner_nouns and \
                words[k - 1] in {"and", ","}:
            before = sent.token_starts[k - 1]
            owner = next((m.key for m in reversed(sent.actors) if m.end <= before), None)
            return list(lists.get(owner) or lists.get(None, ()))
    return []


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


_EXPLETIVE_VERBS = {"is", "was", "seems", "seemed", "appears", "appeared", "remains", "becomes", "became", "takes",
                   "took", "will", "would", "may", "might", "can", "could", "should", "must", "has", "had"}


def _singular_antecedent(sentences: list[_Sentence], sent: _Sentence, start: int, cues: Cues) -> list:
    """"It also cooperates closely with NATO", "Its mission is to ...": the one organization
    that acted in the sentence before. "It is important to ..." points nowhere."""
    words = sent.words[start:start + 2]
    if not words or words[0] not in cues.singular_anaphors:
        return []
    nxt = words[1] if len(words) > 1 else ""
    if words[0] == "it" and nxt in _EXPLETIVE_VERBS and \
            any(w in {"to", "that"} for w in sent.words[start + 2:start + 9]):
        return []       # "It is important to ...", "It takes years to build capacity"
    if words[0] == "its" and nxt not in cues.activity_nouns:
        return []       # "Its partners include ...": the partners act, not the owner
    # Only the sentence just before, and only if one organization acts there: after
    # "X and Y convened a workshop.", "It ..." is the workshop (two actors would be "They").
    earlier = sentences[sent.index - 1] if sent.index > 0 else None
    if earlier is None or earlier.seg.kind not in (BODY, ANSWER) or len({m.key for m in earlier.actors}) != 1:
        return []
    return [earlier.actors[0]]


def _antecedents(sentences: list[_Sentence], sent: _Sentence, start: int, cues: Cues) -> list:
    """Organizations an opening "They" / "These bodies" points back to (none if generic)."""
    if cues.anaphor_firsts is not None and (start >= len(sent.words) or sent.words[start] not in cues.anaphor_firsts):
        return []
    words = sent.words[start:]
    phrase = next((p for p in cues.anaphors_longest_first if _starts_with(words, p)), None)
    if phrase is None:
        return []
    previous = [s for s in sentences[max(0, sent.index - 4):sent.index] if s.seg.kind in (BODY, ANSWER)]
    if not previous:
        return []
    head = _singular(words[len(phrase)]) if len(words) > len(phrase) else ""
    if head in cues.anaphor_heads:
        for earlier in reversed(previous):
            for i, w in enumerate(earlier.words):
                if _singular(w) == head:
                    idx = earlier.token_starts[i]
                    if any(m.start <= idx < m.end for m in earlier.orgs):
                        continue
                    # "Institutions like the WTO ..." names its examples; "international institutions ..." is generic.
                    follow = earlier.words[i + 1:i + 4]
                    if earlier.actors and ("like" in follow or "as" in follow or "including" in follow):
                        return list(earlier.actors)
                    return []
        if len(phrase) == 1 and phrase[0] in {"such"}:
            return []
    elif phrase[0] in {"these", "those", "such"} and head and head not in {",", "two", "three"}:
        return []   # "These standards ...": not about organizations
    return list(previous[-1].actors)
