"""The word lists of ``rules/linking.yml``, compiled once for token lookups.

Also the small closed word classes the linking rules share (articles,
coordinators, prepositions, modals): grammar, not domain knowledge, so they
stay in code while everything a domain expert may tune is in the rule file.
"""
from __future__ import annotations

import functools
import re


_BULLETS = ("-", "•", "*", "–", "—", "·")


_SKIP = {"the", "a", "an", "both", "either", "(", ")", "[", "]", '"', "“", "”"}


_COORD = {"and", "or", ",", "&"}


_LOCATED = {"based", "headquartered"}       # "<place>-based <organization>"


_PREPOSITIONS = {"with", "between", "among", "by", "from", "for", "on", "of", "to", "in", "against"}


_MODALS = {"can", "could", "may", "might", "will", "would", "should", "must", "to", "shall"}


# Finite auxiliaries: after an organization they make it a subject ("and the World Bank has funded ...").
_AUXILIARIES = (_MODALS - {"to"}) | {"is", "are", "was", "were", "has", "have", "had", "does", "do", "did"}


# The function of rules/functions.yml that gives money: its givers and receivers are told apart
# ("funded by", "a financing agreement with the borrower").
_FUNDING = "funding"


# Nouns for a group of people, before "of" and the people: "a team of experts from UNODC".
_GROUP_NOUNS = {"team", "group", "panel", "delegation", "number", "network", "pool", "cadre"}


# Verbs by which a subject carries out what their object names: "delivers mine action", "the
# incident responses that APCERT fosters", "held a workshop". Attending, receiving, judging or
# paying for an activity is not doing it ("the workshop that NATO officials attended", "the
# training that the World Bank sponsors"), and "MERS hampered capacity building" says nothing
# of a body. Stems: a form counts when it adds at most four letters.
ACTIVITY_VERB_STEMS = ("deliver", "lead", "led", "provid", "offer", "promot", "foster", "conduct", "organi", "host",
                       "run", "ran", "coordinat", "facilitat", "implement", "work", "carr", "undert", "manag",
                       "operat", "perform", "oversee", "oversaw", "build", "built", "strengthen", "develop",
                       "publish", "launch", "hold", "held", "focus", "speciali", "engag", "champion", "pursu",
                       "advanc", "spearhead", "convene", "give", "gave")


@functools.lru_cache(maxsize=65536)
def activity_verb(lower: str) -> bool:
    """``lower`` is a form of a verb of ``ACTIVITY_VERB_STEMS`` ("delivers", "held", "fostering").

    Cached per word: the acting-acronym frames ask it of every token before a function phrase.
    """
    return any(lower.startswith(stem) and len(lower) - len(stem) <= 4 for stem in ACTIVITY_VERB_STEMS)


# Irregular past tenses of verbs organizations do things with ("and UNODC held workshops"):
# the rules that tell a verb by its -s or -ed ending would miss them.
_IRREGULAR_PAST = {"held", "led", "made", "gave", "took", "ran", "built", "set", "sent", "won", "began", "brought",
                   "sought", "taught", "bought", "spent", "put", "kept", "met", "wrote", "undertook", "oversaw",
                   "chose", "drew", "lent", "paid", "sold", "struck", "drove", "fought", "found", "laid", "rose",
                   "broke", "froze", "spoke", "told", "saw", "went", "became", "grew", "threw", "withdrew", "forgave"}


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
        self.purpose_heads = {p[0] for p in low("purpose_heads") if len(p) == 1}
        self.judging_verbs = {p[0] for p in low("judging_verbs") if len(p) == 1}
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
        # Nouns for people and members: never a mere modifier of an activity noun ("the EU's member states' efforts").
        self.nouns_of_people = self.partner_nouns | self.participant_nouns | self.staff_nouns | self.member_nouns
        self.training_verbs = {p[0] for p in low("training_verbs") if len(p) == 1}
        self.receiving_verbs = {p[0] for p in low("receiving_verbs") if len(p) == 1}
        # The plurals of these nouns open clauses about other actors (see activities._without_others_clauses).
        self.others_plurals = frozenset(
            plural for noun in self.member_nouns | self.kind_heads
            for plural in (noun + "s", noun + "es", noun[:-1] + "ies") if _singular(plural) == noun)
        self.relative_pronouns = {p[0] for p in low("relative_pronouns") if len(p) == 1}
        self.instrument_verbs = frozenset(p[0] for p in low("instrument_verbs") if len(p) == 1)
        self.founding_verbs = frozenset(p[0] for p in low("founding_verbs") if len(p) == 1)
        # The words that may follow the organization after each verb that hands it an activity
        # ("tasked the FSB to review" and "tasked the FSB with reviewing").
        self.handing_verbs: dict[str, set] = {}
        for key, word in (("founding_verbs", "to"), ("charging_verbs", "to"), ("praise_verbs", "for"),
                          ("assigning_verbs", "with")):
            for p in low(key):
                if len(p) == 1:
                    self.handing_verbs.setdefault(p[0], set()).add(word)
        self.credit_verbs = frozenset(p[0] for key in ("praise_verbs", "assigning_verbs") for p in low(key)
                                      if len(p) == 1)
        # Who mandates, tasks or requests an organization "to" act does not do the act itself.
        self.charging_verbs = frozenset(p[0] for p in low("charging_verbs") if len(p) == 1)
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


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
