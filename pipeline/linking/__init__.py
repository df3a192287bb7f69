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
(:func:`~pipeline.linking.roles.role`): the start of a clause, "like", "such as", "by", "from" keep
it an actor; "for", "to" make it a receiver ("training for INTERPOL
officers"); any other word (a verb, "operates the Global Response Center")
makes it an object. Examples ("agencies such as INTERPOL") stand where the
noun before them stands; a partner after
"collaborates with" is not an actor. A possessor ("the ITU's IMPACT") is not an
actor, the owner of an activity ("the World Bank's work") is. Function
words after a topic cue ("skills in investigating cybercrime", "covering areas
such as incident response") or after another agent ("where nations can engage
in dialogue") are not the organization's own activity
(:mod:`pipeline.linking.activities`).

Known limits, without a parser: passive agents far from their verb are
missed; a name after "of" right after a function is read as its agent ("the
mediation of the African Union"), also where it is the target ("an
investigation of Europol"); a coordinated clause whose subject follows an
opening phrase ("..., and in 2023 ENISA published ...") is not recognised.

The rules are split by what they decide:

* :mod:`pipeline.linking.cues`: the word lists of ``rules/linking.yml``, compiled;
* :mod:`pipeline.linking.sentence`: one sentence's tokens and mentions, its
  dateline, and the :class:`Link` records;
* :mod:`pipeline.linking.activities`: which function mentions are the
  sentence's own activities (not a topic, not another agent's);
* :mod:`pipeline.linking.clauses`: where clauses begin and end (openings,
  coordinated, relative and object clauses, reported speech, negation);
* :mod:`pipeline.linking.roles`: the role of each organization mention;
* :mod:`pipeline.linking.constructions`: constructions that give an activity
  to someone other than the clause's subject, or take it away;
* :mod:`pipeline.linking.discourse`: links across sentences (anaphors, lists,
  examples, partners).

This module runs them over a document (:func:`link_document`).
"""
from __future__ import annotations

import bisect

from spacy.tokens import Doc

from pipeline.structure import ANSWER, BODY, HEADING, LEAD, QUESTION, Segment
from pipeline.tokens import TokenView
from pipeline.linking.cues import Cues, _cues
from pipeline.linking.sentence import Link, _Sentence, _link, _unique
from pipeline.linking.activities import _own_functions, _passive_by
from pipeline.linking.clauses import (
    _clause_of, _clause_start, _coordinated_clauses, _negated, _object_clauses, _relative_clauses,
)
from pipeline.linking.roles import PARTNER_ADVERBS, role
from pipeline.linking.constructions import (
    _between_parties, _founded_for, _judges, _object_relatives, _of_complement, _owners, _passive_agents,
    _receives, _supports, _takes_part,
)
from pipeline.linking.discourse import (
    _antecedents, _definite_antecedents, _is_list_item, _lead_in, _list_owner, _of_or_relative,
    _opens_with, _partner_lists, _partners, _pointed_links, _previous_body, _singular_antecedent,
    _verb_initial,
)


SENTENCE, ANAPHORA, EXAMPLE, HEADING_METHOD, QUESTION_METHOD = "sentence", "anaphora", "example", "heading", "question"


LIST = "list"

__all__ = ["Link", "PARTNER_ADVERBS", "link_document"]


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
    judges = not cues.judging_verbs.isdisjoint(sent.words)
    founded, credited = _founded_for(sent, own, cues) if own and len(sent.orgs) > len(sent.actors) else ([], ())
    owner = _owners(sent, own, cues, owners or {}) if own else {}
    if own and len(sent.orgs) > len(sent.actors):
        # "the incident responses that APCERT fosters": the relative clause's subject does it
        for key, org in _object_relatives(sent, own).items():
            owner.setdefault(key, org)
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
            if judges and org.end <= fn.start and _judges(sent, org, fn, cues):
                continue     # "Amnesty International criticised a police operation": it only judges it
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
