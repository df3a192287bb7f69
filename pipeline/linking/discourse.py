"""Links across sentences.

A sentence that points back ("They ...", "The Agency ...", "It also ..."), a list
whose items take the organization of their lead-in line, the partners a
document lists for an organization, and the sentence a sentence of examples
illustrates ("Examples include the work of ISO and IEC"; :func:`link_document`
makes those links).
"""
from __future__ import annotations

from pipeline.structure import ANSWER, BODY, HEADING, LEAD, QUESTION
from pipeline.linking.cues import Cues, _BULLETS, _SKIP, _singular
from pipeline.linking.sentence import Link, _Sentence, _link, _starts_with
from pipeline.linking.clauses import _negated


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
