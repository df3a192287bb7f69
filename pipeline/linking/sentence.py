"""One sentence as the linking rules read it, and the links they produce.

A :class:`_Sentence` holds its organization and function mentions and reads its
tokens from the document's token view only when a rule asks for them, so a
sentence no rule reads costs nothing here. A press
release's dateline ("WASHINGTON - The CISA ...") is found here too, because
the clause and the activity rules both start reading after it.
"""
from __future__ import annotations

from dataclasses import dataclass
import bisect
import re

from pipeline.structure import Segment
from pipeline.tokens import TokenView


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
        self._own = None               # activities._own_functions
        self.actors: list = []
        self.agents: set = set()       # ids of actors that own an activity ("the World Bank's work")
        self.roles: dict = {}          # id(organization mention) -> its role (see roles.role)
        self.dateline_end = None       # where the text after a dateline starts ("WASHINGTON - ..."), -1 if none
        self._words = None
        self._list_item = None         # discourse._is_list_item: every later item of a list asks again
        self._negatable = None         # clauses._negated: holds a negation's first word

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


def _org_token_indexes(sent: _Sentence) -> set:
    """Indexes of the sentence's tokens that lie inside an organization mention.

    A name made a modifier by a prefix ("intra-EAC trade", "non-EU countries") names no
    organization in the sentence's structure: its tokens are left out.
    """
    if sent._org_tokens is None:
        # Tokens are sorted by offset: those starting inside a mention are one run of indices.
        starts = sent.token_starts
        sent._org_tokens = {i for m in sent.orgs if not prefixed_name(sent, m)
                            for i in range(bisect.bisect_left(starts, m.start), bisect.bisect_left(starts, m.end))}
    return sent._org_tokens


# Prefixes that make a name a modifier: "intra-EAC trade", "non-EU countries", "pan-African".
NAME_PREFIXES = {"intra", "inter", "non", "pan", "extra", "anti", "pro", "post", "pre", "ex", "trans", "sub"}


def prefixed_name(sent: _Sentence, mention) -> bool:
    """The mention follows a prefix and a hyphen ("intra-EAC", "non-EU"): it only qualifies a noun."""
    text, offset = sent._view.text, mention.start
    if offset < 2 or text[offset - 1] != "-":
        return False
    k = offset - 1
    while k > 0 and text[k - 1].isalpha():
        k -= 1
    return text[k:offset - 1].lower() in NAME_PREFIXES
