"""The role of one organization mention in its clause: :func:`role`.

An actor ("The ITU trains ..."), an agent that owns an activity ("the World
Bank's work"), a possessor ("the ITU's IMPACT"), a receiver ("training for
INTERPOL officers"), a speaker whose clause has a subject of its own ("Europol
said the ITU trains judges") or an object ("operates the Global Response
Center"), decided from the words just before and after the name. Examples
("agencies such as INTERPOL") stand where the noun before them stands.
"""
from __future__ import annotations

from pipeline.names import DATE_WORDS
from pipeline.linking.cues import (Cues, _AUXILIARIES, _COORD, _FUNDING, _GROUP_NOUNS, _LOCATED, _PREPOSITIONS, _SKIP,
                                   _singular)
from pipeline.linking.sentence import _Sentence, _org_token_indexes, prefixed_name
from pipeline.linking.clauses import _closes_subject_relative, _place_after_name, opens_with_preposition


# Words that may stand between a partner verb and "with" besides adverbs in -ly ("work very
# closely with"); pipeline/extract.py builds its partner-phrase pattern from them too.
PARTNER_ADVERBS = ("very", "together", "also")


# Words between a speaker and its reporting verb: "Europol has also said ...".
_BEFORE_REPORTING = {"has", "have", "had", "also", "again", "recently", "publicly", "then"}


# Reporting verbs that also take an object or an addressee ("announced the EU funding", "told the ITU
# that ..."): the name after them opens the reported clause only after "that".
_REPORTS_AN_OBJECT = {"told", "tells", "announced", "announces", "reported", "reports", "mentioned", "highlighted",
                      "expressed", "stressed", "underlined", "emphasized", "emphasised", "confirmed"}


def _reports_another(words: list[str], k: int, org_tokens: set, cues: Cues, surfaces: list[str] = ()) -> bool:
    """The organization before token ``k``, or the list of them it ends, says what another does.

    "Europol said the ITU trains judges", "Europol and Eurojust have said that the ITU ...":
    the reported clause has an organization of its own as subject, which acts; the speaker
    does not. ("ENISA said it will train judges" keeps ENISA: the pronoun is the speaker itself.)
    After "that" a government is such a subject too ("GAVI announced on Thursday that the
    Government of India contributed $4 million"; ``surfaces`` tells it by its capital). Other
    names are not: in "The World Bank said that Ghana would receive a loan" and "Europol
    announced that Operation Endgame had arrested four suspects" the speaker still acts.
    """
    while k < len(words) and (k in org_tokens or words[k] in _COORD or words[k] in _SKIP):
        k += 1
    while k < len(words) and words[k] in _BEFORE_REPORTING:
        k += 1
    if k >= len(words) or words[k] not in cues.reporting_verbs:
        return False
    if _reported_subject(words, k, org_tokens, cues) is not None:
        return True
    that = _that_after(words, k + 1)
    if that is None or not surfaces:
        return False
    name = that + 1
    while name < len(words) and words[name] in _SKIP:
        name += 1
    return name < len(words) and words[name] == "government" and surfaces[name][:1].isupper()


def _that_after(words: list[str], k: int) -> int | None:
    """The "that" at token ``k``, or after a short time phrase there ("on Thursday that"), or None."""
    for j in range(k, min(len(words), k + 5)):
        if words[j] == "that":
            timed = j == k or words[k] in {"today", "yesterday"} or _time_phrase(words, k, j - 1) \
                or words[k] in _TIME_PREPOSITIONS and _time_phrase(words, k + 1, j - 1)
            return j if timed else None
        if words[j] in {",", ";", ":", "."}:
            return None
    return None


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


_AGREEMENT_NOUNS = {"agreement", "agreements", "contract", "contracts", "deal", "deals"}


def _after_funding_agreement(sent: _Sentence, j: int) -> bool:
    """"with" at token ``j`` follows a funding mention that ends in an agreement ("the EIB signed
    a €24 million financing agreement with", "a loan agreement with") after another
    organization: the organization after it receives. Without an organization before it the
    borrower is no organization ("The Government of Kenya signed a loan agreement with the
    World Bank": the lender), and in a co-financing agreement both give."""
    if j < 1 or sent.words[j - 1] not in _AGREEMENT_NOUNS:
        return False
    end = sent.token_starts[j - 1] + len(sent.surfaces[j - 1])
    mention = next((f for f in sent.functions if f.end == end and f.key == _FUNDING), None)
    if mention is None:
        return False
    at = mention.start - sent.seg.start
    co = mention.text.lower().startswith("co") or sent.text[max(0, at - 3):at].lower() == "co-"
    return not co and any(org.end <= mention.start for org in sent.orgs)


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
    if prefixed_name(sent, mention):
        return "possessor"     # "intra-EAC trade", "non-EU states": the name only qualifies a noun
    if _reports_another(words, nxt, org_tokens, cues, sent.surfaces):
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
        # "the WCO's strategic initiative", "the Bank's ongoing work": one or two modifiers first
        modifiers = after
        while modifiers < min(len(words), after + 2) and words[modifiers] not in cues.activity_nouns \
                and sent.surfaces[modifiers].isalpha() and sent.surfaces[modifiers].islower() \
                and _singular(words[modifiers]) not in cues.nouns_of_people:
            modifiers += 1
        if after < modifiers < len(words) and words[modifiers] in cues.activity_nouns:
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
        if j - 2 >= clause_start and _place_after_name(sent, j, org_tokens) and words[j + 1] in _COORD:
            j -= 2       # "between the Nanyang Technological University, Singapore and ...": where it is
            continue
        if word in _LOCATED and j >= 2 and words[j - 1] == "-":
            # "the Geneva-based ITU", "the New York-based ...": the place describes the organization
            j = _before_proper_name(surfaces, j - 3, clause_start, org_tokens)
            continue
        if word == "as" and j >= 2 and words[j - 1] == "well" and words[j - 2] == "as":
            j -= 3       # "X as well as Y"
            continue
        if word == "as" and j >= 1 and words[j - 1] in {"known", "called", "named", "renamed"}:
            if _names_the_subject(sent, j - 2, clause_start):
                return "actor"   # "BIO, a state-owned institution also known as the Belgian Investment Company, lent ..."
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
            if not _after_by(words, j - 1, clause_start) \
                    and any(sent.token_starts[clause_start] <= f.start and f.end + 1 < sent.token_starts[j - 1]
                            for f in sent.functions):
                # "The exercise featured teams from NATO", "UNODC trained officials from the
                # Ministry": after the activity, the people take part or are trained
                # ("trained by experts from the ITU": the ITU's experts train; in "Incident
                # response experts from ENISA" the function only describes them)
                return "object"
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
        if word == "with" and _after_funding_agreement(sent, j):
            return "receiver"    # "signed a financing agreement with the Terna Group": the borrower
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


def _names_the_subject(sent: _Sentence, j: int, clause_start: int) -> bool:
    """The words up to token ``j`` are a name opening the clause and an apposition after its comma,
    so a name "also known as" there is the subject's other name: "BIO, a government-owned
    institution also known as ..." (at most ten words of apposition, no auxiliary in it, and no
    preposition: in "The ITU, a partner of the forum also known as FIRST" the forum is FIRST)."""
    words, surfaces = sent.words, sent.surfaces
    comma = next((k for k in range(j, max(clause_start, j - 10) - 1, -1) if words[k] == ","), None)
    if comma is None or comma == clause_start:
        return False
    name = [k for k in range(clause_start, comma) if words[k] not in _SKIP]
    return bool(name) and len(name) <= 4 and all(surfaces[k][:1].isupper() for k in name) \
        and not any(words[k] in _AUXILIARIES or words[k] in _PREPOSITIONS for k in range(comma + 1, j + 1))


def _after_by(words: list[str], k: int, clause_start: int) -> bool:
    """The noun at ``k`` is the agent of a passive: "by" at most five words before it, with no
    comma or conjunction between ("trained by senior experts from ...", "by a team of experts")."""
    j = k - 1
    while j >= clause_start and k - j <= 5 and words[j] != "by" and words[j] not in _COORD:
        j -= 1
    return j >= clause_start and words[j] == "by"


def _opens(words: list[str], k: int, clause_start: int) -> bool:
    """The noun at ``k`` opens its clause, after at most an article or "senior" ("Senior analysts at ..."),
    or opens the main clause after an opening phrase ("In 2023, analysts at Europol ...")."""
    j = k - 1
    while j >= clause_start and (words[j] in _SKIP or words[j] == "senior"
                                 or words[j] == "of" and j >= 1 and words[j - 1] in _GROUP_NOUNS):
        j -= 1 if words[j] != "of" else 2     # "a team of experts from UNODC trained judges"
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


def _closes_opening_phrase(words: list[str], j: int, clause_start: int) -> bool:
    """The comma at ``j`` is the first of a clause that opens with a preposition or a gerund
    ("Together with INTERPOL's partners, Kaspersky ...", "Working with ENISA, CERT-EU ...")."""
    first = words[clause_start]
    return (opens_with_preposition(words, clause_start) or first.endswith("ing")) and "," not in words[clause_start:j]


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
