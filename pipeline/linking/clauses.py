"""Where a sentence's clauses begin and end, read from the words alone.

The role of a name depends on its clause: the subject of "..., and the World
Bank funds projects" does not share the first clause's activity. Without a
parser, clause boundaries come from punctuation, conjunctions, relative
pronouns and verb-like words. This module also finds where the subject stands
after an opening phrase, a dateline (read by :mod:`pipeline.linking.sentence`)
or a person's reporting verb ("Burt said Microsoft's Digital Crimes Unit led
the investigation"), and the negations between an organization and its
activity.
"""
from __future__ import annotations

import bisect
import re

from pipeline.linking.cues import (Cues, _AUXILIARIES, _BULLETS, _COORD, _GROUP_NOUNS, _IRREGULAR_PAST, _LOCATED,
                                   _PREPOSITIONS, _SKIP, _singular)
from pipeline.linking.sentence import _Sentence, _after_dateline, _org_token_indexes, _starts_with
from pipeline.linking.activities import _own_functions


_PRONOUNS = {"they", "it", "we", "he", "she", "i", "you"}


_AGENT_PREPOSITIONS = {"from", "by"}     # in an opening phrase, they name its activity's own agent


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
    return word in _AUXILIARIES or word in _IRREGULAR_PAST or (word.endswith(("s", "ed"))
                                                              and not word.endswith(("ss", "us", "is")))


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


def _after_located(words: list[str], k: int) -> int:
    """The token after a "<place>-based" compound that starts at ``k`` ("the Lyon-based INTERPOL"), else ``k``."""
    if k + 2 < len(words) and words[k + 1] == "-" and words[k + 2] in _LOCATED:
        return k + 3
    return k


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
                or _closes_subject_relative(words, before, org_tokens, cues, clause_start) \
                or _place_after_name(sent, before, org_tokens):
            continue     # ("between the ITU, Geneva and the World Bank": two parties, not two clauses)
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
    opening = _opening_phrase_end(sent, clause_start, org_tokens, cues)
    return sorted({opening, *joins}) if opening else joins


def _place_after_name(sent: _Sentence, k: int, org_tokens: set) -> bool:
    """Token ``k`` is one capitalized word right after an organization and a comma: where it is
    ("the Nanyang Technological University, Singapore and ..."), not another name of a list."""
    return k >= 2 and sent.words[k - 1] == "," and (k - 2) in org_tokens and k not in org_tokens \
        and sent.words[k].isalpha() and sent.surfaces[k][:1].isupper()


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
    """Token ``k`` is a verb in -ed or -s (or an irregular past) whose object, a few words on, is a function:
    "and the World Bank added a $300 million grant", "and UNODC held workshops"."""
    reach = k + 4 if k + 1 < len(words) and words[k + 1] == "as" else k + 3    # "acts as the financing body"
    return (words[k].endswith(("ed", "s")) and words[k].isalpha() or words[k] in _IRREGULAR_PAST) \
        and any(k < f <= reach for f in function_starts)


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


_OPENING_PREPOSITIONS = {"together", "with", "in", "during", "through", "under", "after", "before", "following",
                         "since", "at", "on", "for", "from", "according", "alongside", "unlike", "like", "besides"}


def opens_with_preposition(words: list[str], start: int) -> bool:
    """The clause at ``start`` opens with a prepositional phrase: "In 2020, ...", "Working with ...",
    "As part of its mandate, ..." (not "As the ITU trains judges, the EU funds ...": a clause of its own)."""
    return words[start] in _OPENING_PREPOSITIONS or words[start:start + 3] == ["as", "part", "of"]


def _opening_phrase_end(sent: _Sentence, clause_start: int, org_tokens: set, cues: Cues) -> int:
    """The first token after an opening phrase that names another organization as an agent, or 0.

    "With funding from the World Bank, the ITU trains CSIRT staff", "Following
    a request from the OAS, the ITU trained CSIRT staff", "Funded by the World
    Bank, the ITU ...": the phrase opens with a preposition (or a participle
    and "by") and names an organization after "from" or "by", and an
    organization follows its comma. The phrase's organization does what the
    phrase says (funding), not what the main clause says (training).
    "Together with ENISA, Europol organises exercises" names a partner in the
    main clause's activity, and "Working with ENISA, CERT-EU ..." opens with a
    participle whose subject is the main clause's: neither is cut off. The
    organization after the comma may be named through its people ("With funding
    from the EU, a team of experts from UNODC trained judges").
    """
    words = sent.words
    if clause_start + 1 >= len(words):
        return 0
    first = words[clause_start]
    try:
        comma = words.index(",", clause_start)
    except ValueError:
        return 0
    # "Funded by the World Bank, ...", "Launched in 2018 and coordinated by the IUCN, ..."
    participle = first.endswith("ed") and "by" in words[clause_start + 1:comma]
    if not opens_with_preposition(words, clause_start) and not participle:
        return 0
    item_end = comma
    while participle:
        # The agents may be a list that its last item closes with "and": "coordinated by Conservation
        # International, the IUCN and the WWF, the GMA ..." ("Funded by the EU, UNODC, together with
        # UNDP, trains ...": UNODC is the subject, and no "and" closes a list).
        k = item_end + 1
        while k < len(words) and (k in org_tokens or words[k] in _SKIP or words[k] in {"and", "or"}
                                  or sent.surfaces[k][:1].isupper()):
            k += 1
        if k == item_end + 1 or k >= len(words) or words[k] != "," \
                or not any(j in org_tokens for j in range(item_end, k)):
            break
        if any(words[j] in {"and", "or"} for j in range(item_end + 1, k)):
            comma = k
            break
        item_end = k
    agent = False
    for k in range(clause_start + 1, comma):
        if k in org_tokens and (k - 1) not in org_tokens:
            j = k - 1
            while j > clause_start and words[j] in _SKIP:
                j -= 1
            agent = agent or words[j] in _AGENT_PREPOSITIONS
    if participle and not agent:
        by = words.index("by", clause_start)
        agent = any(k in org_tokens for k in range(by + 1, comma))     # one of the list after "by"
    k = comma + 1
    while k < len(words) and words[k] in _SKIP:
        k += 1
    if k + 2 < len(words) and words[k + 1] == "of" and words[k] in _GROUP_NOUNS:
        k += 2       # "a team of experts from ..."
    if k + 1 < len(words) and _singular(words[k]) in cues.staff_nouns and words[k + 1] in {"from", "at", "of"}:
        k += 2       # "experts from UNODC", "researchers at ENISA"
        while k < len(words) and words[k] in _SKIP:
            k += 1
    if agent and participle and k < len(words) and sent.surfaces[k][:1].isupper() and k not in org_tokens:
        return comma + 1     # "Coordinated by the IUCN and the WWF, the GMA has ...": a name nobody lists
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
