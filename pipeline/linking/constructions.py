"""Constructions that give an activity to someone other than the clause's subject, or take it away.

The parties an activity is "between", an organization whose support or
participation the sentence names, one praised, tasked or founded for an
activity ("created the FATF to combat ..."), the owner of an activity named
next to it ("a WHO report", "a study by the OECD"), a name in the complement of
another's activity ("the goal of the UNFCCC"), a receiver ("ASEAN received
funding from the World Bank") and the agent of a passive ("staff funded by the
World Bank").
"""
from __future__ import annotations

from pipeline.linking.cues import (Cues, _AUXILIARIES, _COORD, _FUNDING, _IRREGULAR_PAST, _SKIP, _singular,
                                   activity_verb)
from pipeline.linking.sentence import _Sentence, _org_token_indexes
from pipeline.linking.activities import _gives_from, _passive_by, _scope_end
from pipeline.linking.clauses import _negated, _verb_like
from pipeline.linking.roles import _noun_after_name


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
            if parties and _placed(sent, first, gap):
                gap = gap[2:]    # "between the Nanyang Technological University, Singapore and ..."
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


def _placed(sent: _Sentence, k: int, gap: list[str]) -> bool:
    """The words after a party (from token ``k``) open with where it is: a comma and one capitalized
    word that is no organization ("the Nanyang Technological University, Singapore and ...")."""
    return len(gap) > 2 and gap[0] == "," and sent.surfaces[k + 1][:1].isupper() and gap[1].isalpha() \
        and (gap[2] in _CONJUNCTIONS or gap[2] == ",")


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


# Words between a founding verb and the body it founds: "set up its own Digital Crimes Unit".
_FOUNDED_MODIFIERS = {"new", "its", "their", "own", "his", "her", "our"}


def _founded_for(sent: _Sentence, own: list, cues: Cues) -> tuple[list, set]:
    """(organization, function) pairs for a body created, praised or tasked for an activity:
    "created the Environmental Protection Agency (EPA) to enforce regulations", "established a
    Commission of Inquiry to investigate violations", "applauded the Global Partnership for
    Education for approving a grant", "tasked UNHCR with authoring the compact".

    The organization, or a list of them ("thanked the ITU and the World Bank for"), stands
    right after one of ``founding_verbs`` (an article, "new", "its" or "up" between) and right
    before "to" (perhaps after "in <year>"), or after one of ``charging_verbs`` and before "to",
    or after one of ``praise_verbs`` and before "for", or after one of ``assigning_verbs`` and
    before "with". The functions from there to the end of the clause (``activities._scope_end``)
    are its own. The founder keeps whatever the sentence gives it; who praises, tasks or
    requests does not do what it praises, tasks or requests: the ids of those functions are the
    second value. Praise and tasks are activities ("for approving", "for its
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
        if credit or words[k] in cues.charging_verbs:
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


def _right_after_by(words: list[str], k: int) -> bool:
    """"by" stands right before token ``k``, perhaps with an article ("by experts", "by the
    staff"); "funded by the EU and staff of UNICEF monitor it" starts a clause of its own."""
    j = k - 1
    while j >= 0 and words[j] in _SKIP:
        j -= 1
    return j >= 0 and words[j] == "by"


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
        # "trained by experts from the ITU": the organization whose people act is the agent.
        while k < len(words) and (k in org_tokens or words[k] in _SKIP or words[k] in _COORD or words[k] == "by"
                                  or words[k] in cues.possessive or surfaces[k][:1].isupper()
                                  or giving and _noun_after_name(words, surfaces, k)
                                  or _singular(words[k]) in cues.staff_nouns and _right_after_by(words, k)
                                  or words[k] in {"from", "at", "of"} and _singular(words[k - 1]) in cues.staff_nouns) \
                and k not in joins:
            if k in first_tokens:
                found[id(first_tokens[k])] = fn
            k += 1
    return found


def _object_relatives(sent: _Sentence, own: list) -> dict:
    """{id(function): organization} for a function that an organization's relative clause acts on.

    "the quality of incident responses that APCERT fosters", "the trainings which UNODC
    delivers": the organization right after "that" or "which" is the subject of the clause
    (a verb of carrying it out follows: ``ACTIVITY_VERB_STEMS``), and the function before is its
    object, whoever the main clause's subject is. Up to two lowercase words may close the
    function's noun phrase ("incident response capabilities that APCERT promotes"). Not
    after an actor of the sentence: in
    "ENISA publishes the reports that CERT-EU uses" the function is ENISA's verb.
    """
    if not own or not sent.orgs:
        return {}
    words, surfaces = sent.words, sent.surfaces
    org_at = {sent.token_at(org.start): org for org in sent.orgs}
    first_actor = min((org.start for org in sent.actors), default=sent.seg.end)
    out = {}
    for fn in own:
        if first_actor < fn.start:
            continue
        k = sent.token_at(fn.end)
        for _ in range(2):
            if k < len(words) and words[k] not in ("that", "which") and surfaces[k].isalpha() \
                    and surfaces[k].islower():
                k += 1
        if k >= len(words) or words[k] not in ("that", "which"):
            continue
        k += 1
        if k < len(words) and words[k] == "the":
            k += 1
        org = org_at.get(k)
        if org is None:
            continue
        after = sent.token_at(org.end)
        if after < len(words) and words[after] == ")":
            after += 1
        while after < len(words) and (words[after] == "also" or words[after].endswith("ly")):
            after += 1
        if after < len(words) and _performs(words[after]):
            out[id(fn)] = org
    return out


def _performs(word: str) -> bool:
    """``word`` is a finite form of a verb of carrying out an activity ("fosters", "led", "carried";
    ``ACTIVITY_VERB_STEMS``)."""
    return activity_verb(word) and (word.endswith(("s", "ed")) or word in _IRREGULAR_PAST)


def _judges(sent: _Sentence, org, fn, cues: Cues) -> bool:
    """The organization is the subject of one of ``judging_verbs`` whose object holds the function:
    "Amnesty International criticised a police operation", "The ITU has welcomed the World
    Bank's work" (perhaps after an auxiliary or an adverb)."""
    words = sent.words
    k = sent.token_at(org.end)
    if k < len(words) and words[k] == ")":
        k += 1
    while k < len(words) and (words[k] in _AUXILIARIES or words[k] == "also" or words[k].endswith("ly")):
        k += 1
    if k >= len(words) or words[k] not in cues.judging_verbs or sent.token_starts[k] >= fn.start:
        return False
    # "condemned the attack and pledged EUR 5 million": a second verb's object is its own
    end = sent.token_at(fn.start)
    return not any(w in _JUDGED_OBJECT_ENDS for w in words[k + 1:end])


_JUDGED_OBJECT_ENDS = {"and", "but", ";", "while", "whereas", "then", "before", "after"}

