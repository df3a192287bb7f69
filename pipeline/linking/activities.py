"""Which function mentions of a sentence are activities of its own actors.

Not every function the sentence names is done by its organizations: what
follows a topic cue is a topic ("skills in investigating cybercrime"), a
clause about other actors is theirs ("supports countries that prosecute
cybercriminals"), people are trained in things ("trains police officers in
cybercrime investigation"), a function that names a kind of body ("incident
response teams") is no activity, and a dateline holds none. What is left is
computed once per sentence. :func:`_scope_end` (where such a phrase ends) and
the tests for passive mentions ("funded by") serve the other modules too.
"""
from __future__ import annotations

import bisect
import re

from pipeline.linking.cues import Cues, _PREPOSITIONS, _SKIP, _singular
from pipeline.linking.sentence import _Sentence, _dateline_end, _org_token_indexes


_NEXT_GERUND = re.compile(r",\s+(?:and\s+)?([a-z]+ing)\b")


def _gives_from(fn) -> bool:
    """A function phrase that names its givers after "from" ("funding from", "loans from")."""
    return fn.text[-5:].lower() == " from"


def _passive_by(fn) -> bool:
    """A function phrase whose agent follows it ("funded by", "co-financed by", "funding from")."""
    return fn.text[-3:].lower() == " by" or _gives_from(fn)


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
    match = _topic(topic_re, text, cues) if topic_re is not None else None
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
                                         (topic_re is None or not _topic(topic_re, text[:f.start - sent.seg.start], cues)))
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


_WORD_BEFORE = re.compile(r"(\w+)\W*$")
# Who runs the action whose purpose follows: a verb of running it ("launched an operation") or
# an owner ("the WCO's strategic initiative", "its programme"), a few words before its noun.
_RUNS_THE_ACTION = re.compile(
    r"(?:\b(?:launch|conduct|lead|led|run|ran|carr(?:y|ie|ied)|implement|deploy|start|undert(?:ake|ook)|initiat|"
    r"beg[ia]n|mount|stag|organi[sz]|coordinat)\w*|['’]s|\bits|\btheir)\W+(?:[\w-]+\W+){0,3}$", re.IGNORECASE)


def _topic(topic_re: re.Pattern, text: str, cues: Cues) -> re.Match | None:
    """The first topic cue of ``text`` that does not state the purpose of an action.

    "workshops aimed at developing infrastructures" name a topic, but "launched an
    operation aimed at restoring security" says what the organization does: a cue
    right after one of the ``purpose_heads`` of ``rules/linking.yml`` is skipped when a
    verb of running it or an owner stands before the noun. ("criticised a police operation
    aimed at arresting protesters", "funds projects aimed at training judges": the
    purpose stays a topic.)
    """
    match = topic_re.search(text)
    while match is not None and cues.purpose_heads:
        before = _WORD_BEFORE.search(text, max(0, match.start() - 40), match.start())
        if before is None or before.group(1).lower() not in cues.purpose_heads \
                or not _RUNS_THE_ACTION.search(text, max(0, before.start(1) - 60), before.start(1)):
            break
        match = topic_re.search(text, match.end())
    return match


def _names_a_kind(sent: _Sentence, mention, cues: Cues) -> bool:
    """The word right after the mention is a kind of body ("incident response teams")."""
    k = sent.token_at(mention.end)
    words = mention.text.lower().split()
    if k >= len(sent.words) or sent.token_starts[k] != mention.end + 1 or words[-1] in _PREPOSITIONS:
        return False      # "collaboration between agencies": the noun is the object
    if any(w in _PREPOSITIONS for w in words[1:-1]):
        return False      # "training on digital forensics to police officers": a phrase, not a modifier
    return _singular(sent.words[k]) in cues.kind_heads and not _predicated_of_organization(sent, mention)


_KIND_COPULAS = {"is", "was", "are", "were", "remains", "remained", "became", "becomes", "has been", "had been"}
_AS_VERBS = {"serves", "served", "acts", "acted", "functions", "functioned", "operates", "operated"}
# Words that may always stand between "is" and the kind of body it names, even capitalized
# ("the European ...") or ending in -ing ("the leading ..."); other lowercase words may too,
# unless they are verbs in -ing or prepositions (see _qualifies_kind).
_KIND_QUALIFIERS = {"a", "an", "the", "its", "their", "first", "only", "main", "leading", "lead", "sole", "principal",
                    "primary", "new", "designated", "largest", "oldest", "official", "national", "regional",
                    "international", "global", "central", "federal", "european", "african", "asian", "pacific"}


def _qualifies_kind(words: list[str], surfaces: list[str], j: int) -> bool:
    """Token ``j`` may stand between a copula and a kind of body: an article or a lowercase
    modifier ("the first", "an independent", "a non-profit", "Africa's leading"), not a verb in
    -ing or a preposition ("is funding national incident response teams", "a donor to the
    centre")."""
    word = words[j]
    if word in _KIND_QUALIFIERS or word in {"-", "'s", "’s"}:
        return True
    if word.endswith("ing") or word in _PREPOSITIONS or word in _KIND_COPULAS or word in {"as", "been"} \
            or not surfaces[j].isalpha():
        return False
    return surfaces[j].islower() or j + 1 < len(words) and words[j + 1] in {"'s", "’s"}


def _predicated_of_organization(sent: _Sentence, mention) -> bool:
    """An organization is that kind of body: "The CERT/CC was the first incident response team".

    The kind phrase is then what the organization is, so its function is the
    organization's own. Up to six tokens of articles and adjectives (``_qualifies_kind``)
    may stand between the copula ("is", "serves as") and the mention, and a closing
    bracket between the organization and the copula ("Center (CERT/CC) was").
    """
    k = sent.token_at(mention.start)
    words, surfaces = sent.words, sent.surfaces
    j = k - 1
    while j >= 0 and k - j <= 6 and _qualifies_kind(words, surfaces, j):
        j -= 1
    if j < 0:
        return False
    if words[j] == "as" and j > 0 and words[j - 1] in _AS_VERBS:
        j -= 1
    elif words[j] == "been" and j > 0 and f"{words[j - 1]} been" in _KIND_COPULAS:
        j -= 1
    elif words[j] not in _KIND_COPULAS:
        return False
    j -= 1
    if j >= 0 and surfaces[j] == ")":
        j -= 1
    if j < 0:
        return False
    end = sent.token_starts[j] + len(surfaces[j])
    return any(org.end == end for org in sent.orgs)
