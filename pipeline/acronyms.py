"""Find where a text defines an acronym: ``Long Form (LF)`` or ``LF (Long Form)``.

The core is the algorithm of Schwartz & Hearst (2003), "A simple algorithm for
identifying abbreviation definitions in biomedical text", PSB 2003 (S&H): look only next
to brackets; a short form has 1-2 words, at most 10 letters or digits, a letter, and an
alphanumeric first character; the long form is sought in the min(|A|+5, 2|A|) words
before the bracket; the short form's characters must occur in it in order, the first
one at the start of a word. On the Ab3P gold set (tests/data/ab3p) a port of S&H's code
scores P 0.949 / R 0.789; this module P 0.976 / R 0.860.

What we changed, and why each change is sound beyond the texts it was found on:

* Alignment. S&H match greedily from the right, so "International Index of Erectile
  Function (IIEF)" gives "Index of Erectile Function" (the second I lands inside
  "Erectile"). We score every alignment: +1 per character on a word initial, -1 per
  content word that no character explains, and reject scores below 1. Initials are how
  acronyms are made, and an unexplained word is evidence against a span. A hyphen starts
  a word ("Co-operation" lends its C to OECD), a digit may stand for a number word
  ("two-dimensional (2D)", "Group of Seven (G7)"), and a long form never starts with a
  lone function word ("of", "by").
* Boundaries. The long form stops at a clause end (. , ; : ! ? but not after "U.S." or
  "Corp."), a blank line, an unclosed bracket ("(body mass index (BMI) ..."), and an
  earlier bracketed remark, as S&H's own scan does. It starts at the matched initial,
  so "anti-human immunodeficiency virus (HIV)" loses "anti-", but keeps chemical
  locants and descriptors ("2,6-diaminopurine", "alpha-amino-...").
* Bracket shapes: square brackets; nested pairs; the short form first or last in a
  list "(LF, n = 4)", "(EC 1.1.1.9; GPx)"; both forms inside "(blood-brain barrier,
  BBB)"; a bracket glued to its word "clozapine(CLP)". Not short forms: years, list
  markers "(a)" "(iv)", "(see ...)", "(e.g. ...)", lower-case words over four letters,
  numbered items "(2b)", oxidation states "platinum(II)", notation "[Ca2+]i". A
  possessive "(UNGA's)" is not part of the short form.
* One-letter short forms ("Testosterone (T)") count only when the long form is the one
  preceding word and starts with that upper-case letter.
* Organization names, the domain of this pipeline:
  - A title-case long form grows left over adjacent capitalized words: an acronym often
    leaves out a leading part of the name, and the longest plausible span is wanted
    ("United Nations Group of Governmental Experts (GGE)"). It stops at possessives
    ("the ITU's International ... (IMPACT)"), lower-case words and function words; a
    capitalized sentence-initial word joins only together with another one.
  - A compound short form may name its parts in the other order: "Indian Computer
    Emergency Response Team (CERT-In)". Both parts must start on word initials.
  - When nothing aligns, an all-caps short form right after (or before) a title-case
    name is accepted if at least two, and at least half, of the name's word initials
    occur in it: "European Union Agency for Cybersecurity (ENISA)" (from an older name),
    "Inter-American Committee against Terrorism (CICTE)" (from the Spanish name). This
    costs precision: "Chief Information Security Officer (CEO)" is accepted too.

Known failures: long forms that are synonyms or translations with no letter overlap
("phenytoin (DPH)"); numbers above nine spelled out ("Group of Twenty (G20)");
characters out of order beyond the compound case ("cAMP" for "adenosine 3',5'-cyclic
monophosphate"); long forms containing commas ("Non-A, non-B hepatitis (NANB)"; a comma
is crossed only inside a title-case list that goes on to "and": "Arab League Educational,
Cultural and Scientific Organization (ALECSO)");
definitions split around the bracket ("scanning (SEM) and transmission (TEM) electron
microscopy"); unmatched trailing words stay in the long form ("high NaCl diet (HNa)");
a prefix that the short form does not spell is dropped even where it belongs
("anti-MuSK antibodies (MuSK+)"); and an extended name may swallow a modifier ("United
Nations Sustainable Development Goals (SDGs)").

Everything is pure string work in bounded windows around brackets: the cost per bracket
is bounded, so run time is linear in the text whatever its tokens or lines look like.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Definition", "find_definition_spans", "find_definitions"]

Span = tuple[int, int]  # [start, end) character offsets


@dataclass(frozen=True, slots=True)
class Definition:
    """A short form and its long form, as written, with character offsets in the text."""

    short: str
    long: str
    short_start: int
    short_end: int
    long_start: int
    long_end: int


# Bounds that keep every bracket's work constant, whatever the input looks like.
MAX_INNER = 300  # characters between a bracket pair that we look at
MAX_LEFT = 600  # characters scanned left of an opening bracket
MAX_TOKEN = 100  # a longer whitespace token is not prose and cannot be in a long form
MAX_SHORT = 10  # letters and digits in a short form (S&H)
MAX_SHORT_WORDS = 2  # whitespace words in a short form (S&H)
MAX_EXTEND = 4  # capitalized words a name may grow by to the left
FREE_TRAILING = 1  # unmatched words after the last match that cost nothing (a head noun)
MIN_SCORE = 1  # alignments scoring lower explain too little of the long form

_BRACKET = re.compile(r"[()\[\]]")
_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits
_TOKEN = re.compile(r"\S+")
_SEPARATOR = re.compile(r"[,;:]\s+|\s+=\s+|\s+=|=\s+")
# A word that can be part of a name: no possessive or punctuation, but "U.S." is fine.
_NAME_TOKEN = re.compile(r"[^\W_]+(?:[-&][^\W_]+)*|(?:[A-Z]\.){2,}")
_POSSESSIVE = re.compile(r"['\u2019]s$")
_ROMAN = re.compile(r"[ivx]+")
_ROMAN_UPPER = re.compile(r"[IVX]+")
_LABEL = re.compile(r"\d+[a-z]")  # numbered items such as compounds "(2b)"
# Compiled once here: re's own cache holds 512 patterns and is evicted in bulk use.
_INITIALS = re.compile(r"(?:[A-Z]\.)*[A-Z]")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_LETTER_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_COMPOUND_SPLIT = re.compile(r"[-/]")
_CAPS_ACRONYM = re.compile(r"[A-Z]{3,10}")
_OPEN_QUOTES = "\"'\u201c\u2018\u00ab"
_CLOSE_QUOTES = "\"'\u201d\u2019\u00bb"
_CLAUSE_END = ".,;:!?"

# Words that appear alone in brackets (or start them) without being short forms.
_NOT_SHORT = frozenset(
    """see cf cf. e.g. eg e.g i.e. ie i.e viz viz. etc etc. ibid ibid. idem sic and or the
    a an of to in on at by for with from as is are was were be not no yes nor but if so
    all any both each per via vs vs. et al al. fig fig. figs figs. figure figures table
    tables tab ref refs eq eqs eqn note notes ed eds ed. eds. p. pp pp. vol vol. no.
    chap ch section sec para also respectively resp""".split()
)

_ARTICLES = frozenset({"a", "an", "the"})

# Words that do not count against a long form when no short-form letter falls in them.
_FUNCTION_WORDS = frozenset(
    """a an the of for and or in on at to by with from against into onto upon under over
    between among via per as than that which who whose its their his her our de des du
    la le les del della di da der und für et""".split()
)

# Lower-case connectors allowed inside a capitalized name.
_NAME_CONNECTORS = frozenset(
    "of for and on against in the de des du la le les del della di der für to & at".split()
)

# Capitalized words that begin sentences or phrases rather than names.
_NOT_NAME = frozenset(
    """the a an this that these those its it their his her our we they he she i you in on
    at for by with from to of and or but as if when while since after before during under
    over between among into onto upon about through within without across against per
    via both each every all any some most many several such other another new recent
    recently however moreover furthermore additionally also thus hence therefore then
    here there where which who whose what why how although though because whereas
    unlike like despite following according including notably finally first second
    third last next only other overall""".split()
)

# Parts of chemical names that precede the letter an abbreviation starts with.
_DESCRIPTORS = frozenset(
    """alpha beta gamma delta epsilon kappa lambda omega cis trans sec tert iso neo
    ortho meta para endo exo""".split()
)

# Digits in a short form may stand for a number word: "two-dimensional (2D)", "G20".
_NUMBER_WORDS = {
    word: str(value)
    for value, words in enumerate(
        ["", "one first", "two second", "three third", "four fourth", "five fifth",
         "six sixth", "seven seventh", "eight eighth", "nine ninth", "ten tenth",
         "eleven eleventh", "twelve twelfth"]
    )
    for word in words.split()
} | {
    word: str(10 * tens)
    for tens, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}

# Abbreviations whose full stop does not end a clause.
_DOTTED = frozenset(
    "st dr mr mrs ms prof corp inc co ltd jr sr dept univ govt intl assn bros no nos".split()
)


# ---------------------------------------------------------------------------
# Brackets and windows


def _bracket_pairs(text: str) -> Iterator[Span]:
    """Matching ( ) and [ ] pairs at most MAX_INNER apart, in one linear pass.

    A closer of the wrong type is ignored; openers that stay unclosed for MAX_INNER
    characters are forgotten, so the stack stays small on any input.
    """
    stack: deque[tuple[int, str]] = deque(maxlen=64)
    for match in _BRACKET.finditer(text):
        char, pos = match.group(), match.start()
        if char in "([":
            stack.append((pos, char))
            continue
        while stack and pos - stack[0][0] > MAX_INNER:
            stack.popleft()
        if stack and stack[-1][1] == ("(" if char == ")" else "["):
            yield stack.pop()[0], pos


def _strip(text: str, start: int, end: int) -> Span:
    """Shrink [start, end) past surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _segments(text: str, start: int, end: int) -> list[Span]:
    """Split a bracket's content at ", ", "; ", ": " and "=", keeping offsets."""
    pieces: list[Span] = []
    cursor = start
    for sep in _SEPARATOR.finditer(text, start, end):
        pieces.append(_strip(text, cursor, sep.start()))
        cursor = sep.end()
    pieces.append(_strip(text, cursor, end))
    return [piece for piece in pieces if piece[0] < piece[1]]


def _ends_clause(token: str) -> bool:
    """Does this token close a clause, so that a long form cannot reach across it?

    A full stop after an initial ("O.", "U.S.") or a title ("Corp.") does not.
    """
    if not token or token[-1] not in _CLAUSE_END:
        return False
    if token[-1] != ".":
        return True
    body = token.rstrip(".")
    if _INITIALS.fullmatch(body):
        return False
    return body.lower() not in _DOTTED


def _tokens_before(text: str, end: int, limit: int) -> list[Span]:
    """Up to ``limit`` whitespace tokens of the clause ending at ``end``, left to right.

    The clause ends at a clause-closing token (but not at the comma of a title-case list
    in a name: :func:`_listed_in_name`), a blank line, a bracket opened and not
    closed inside it (so "(body mass index (BMI) ..." looks only at "body mass
    index"), and after an earlier bracketed remark, as S&H's scan does ("(group 1) and
    40% (group 2)"); brackets inside a word ("benz(a)anthracene", "E(2)",
    "(-)-[125I]-...") do not count. A full stop after an initial or a title does not end
    a clause ("British Aircraft Corp. (BAC)").
    """
    lo = max(0, end - MAX_LEFT)
    backwards = text[lo:end][::-1]  # scanned lazily from the bracket leftwards
    tokens: list[Span] = []  # right to left
    closers: list[int] = []  # closing brackets not yet matched, innermost last
    cut = None
    for match in _TOKEN.finditer(backwards):
        first, last = match.span()
        start, stop = end - last, end - first
        if start == lo and lo > 0 and not text[lo - 1].isspace():
            break  # cut by the window: not a whole token
        if stop - start > MAX_TOKEN or len(tokens) >= limit:
            break
        token = text[start:stop]
        if token[-1] in _CLAUSE_END and _ends_clause(token) and not _listed_in_name(text, token, tokens):
            break  # a clause end
        gap_end = tokens[-1][0] if tokens else end
        if gap_end - stop > 1 and text.count("\n", stop, gap_end) > 1:
            break  # a blank line between paragraphs
        if not token.isalnum() and (
            "(" in token or ")" in token or "[" in token or "]" in token
        ):  # most tokens are plain words
            for pos in range(stop - 1, start - 1, -1):
                char = text[pos]
                if char in ")]":
                    closers.append(pos)
                elif char in "([":
                    if not closers:
                        cut = pos + 1  # an unclosed bracket: the clause starts inside it
                        break
                    closer = closers.pop()
                    if closers:
                        continue
                    if pos == start and text[closer + 1 : closer + 2] != "-":
                        cut = closer + 1  # a remark: "(group 1) and ...", "(FEV1)/forced ..."
                        break
                    if closer + 1 == stop and sum(char.isupper() for char in text[pos:closer]) > 1:
                        cut = closer + 1  # a glued acronym: "clozapine(CLP) and its ..."
                        break
        tokens.append((start, stop))
        if cut is not None:
            break
    if cut is None and closers:
        cut = closers[0] + 1  # a remark opened before the clause: "(TEA; 10 mM) and ..."
    if cut is not None:
        clipped = [(max(start, cut), stop) for start, stop in tokens if stop > cut]
        tokens = [(start, stop) for start, stop in clipped if _WORD.search(text, start, stop)]
    tokens.reverse()
    return tokens


def _listed_in_name(text: str, token: str, after: list[Span]) -> bool:
    """Is ``token`` a capitalized word ending in a comma of a title-case list in a name?

    "Arab League Educational, Cultural and Scientific Organization (ALECSO)": the comma
    lists the name's own words, so the clause goes on. ``after`` holds the tokens
    already read to the right of ``token``, nearest last; they must go on in capitals
    to an "and" between two capitalized words ("Cultural and Scientific").
    """
    if not token.endswith(",") or not _capitalized(token) or not token[:-1].isalpha():
        return False
    words = [text[start:stop] for start, stop in reversed(after)]
    for index, word in enumerate(words):
        if word in ("and", "&"):
            return 0 < index < len(words) - 1 and _capitalized(words[index + 1])
        if not (_capitalized(word) and word.isalpha()):
            return False  # a lower-case or punctuated word before any "and"
    return False


# ---------------------------------------------------------------------------
# Short forms


def _alnum(short: str) -> list[str]:
    return [char.lower() for char in short if char.isalnum()]


def _short_span(text: str, start: int, end: int) -> Span | None:
    """The span of a plausible short form in text[start:end], or None.

    S&H's rules (1-2 words, a letter, first character alphanumeric, at most 10 letters
    and digits), plus rejections of what only looks like one: list markers "(a)",
    "(iv)", words like "see" or "range", and lower-case phrases.
    """
    start, end = _strip(text, start, end)
    if end - start > 3 and text[start] in _OPEN_QUOTES and text[end - 1] in _CLOSE_QUOTES:
        start, end = start + 1, end - 1      # legal style: 'the Kosovo Specialist Chambers ("KSC")', not "('S')"
    possessive = _POSSESSIVE.search(text, start, end)
    if possessive and possessive.start() - start >= 2:
        end = possessive.start()
    short = text[start:end]
    if not short or not short[0].isalnum():
        return None
    words = short.split()
    chars = _alnum(short)
    if len(words) > MAX_SHORT_WORDS or not 1 <= len(chars) <= MAX_SHORT:
        return None
    if not any(char.isalpha() for char in short):
        return None
    if _LABEL.fullmatch(short) or any(
        word.lower() in _NOT_SHORT and not word.isupper() for word in (words[0], short)
    ):
        return None  # "(see ...)", "(e.g. ...)", "(2b)"; but "(NO)" and "(OR)" are acronyms
    has_upper_or_digit = any(char.isupper() or char.isdigit() for char in short)
    if len(short) == 1:
        return (start, end) if short.isupper() else None
    if not has_upper_or_digit:
        # Lower-case short forms exist ("aa", "bpm") but are short and not numerals.
        if len(words) > 1 or len(short) > 4 or _ROMAN.fullmatch(short):
            return None
    return start, end


# ---------------------------------------------------------------------------
# Alignment


State = tuple[int, int]  # (score so far, end of the word holding the rightmost match)


@dataclass(frozen=True, slots=True)
class _Alignment:
    score: int  # short-form characters on word initials, minus content words skipped
    start: int  # where the first short-form character matched
    end: int  # end of the word that holds the rightmost matched character


def _rank(alignment: _Alignment) -> tuple[int, int, int]:
    return alignment.score, alignment.start, alignment.end  # later start: shorter long form


def _is_content(word: str) -> bool:
    """Should a long-form word be explained by the short form? Not numbers, single
    letters (the N of "N-n-propyl") or function words."""
    return len(word) > 1 and not word.isdigit() and word.lower() not in _FUNCTION_WORDS


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Is text[start:end] a whole word, not part of "over-the-counter" or "4,4'-di-"?"""
    alone_left = start == 0 or text[start - 1].isspace()
    return alone_left and (end == len(text) or text[end] not in "-/'")


def _better(a: State | None, b: State | None) -> State | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def _align(
    chars: list[str], text: str, lo: int, hi: int, initials: frozenset[int] = frozenset({0})
) -> _Alignment | None:
    """Best alignment of ``chars`` (a short form's letters and digits) in text[lo:hi].

    Every character must be found, in order, and those listed in ``initials`` on a
    word initial (S&H require it of the first, which may not be a lone function word
    like "of"). A digit may also match a number word ("two-dimensional (2D)"). The
    best alignment scores +1 per character on a word initial and -1 per content word
    that no character touches; ties go to the later start (the shorter long form).
    Words after the last match stay in the long form, as in S&H; the first of them is
    free (a head noun: "anterior hypothalamic nucleus (AHY)"), later ones cost 1.

    Dynamic programming over the words from right to left; the state is how many
    characters (from the right) are matched, holding (score, end of the word with the
    rightmost match). Cost: O(letters in the window x characters in the short form).
    """
    segment = text[lo:hi]
    window = segment.lower()
    if any(char not in window for char in chars if not char.isdigit()):
        return None  # cheap exit for most brackets
    m = len(chars)
    wanted: dict[str, list[int]] = {}
    for index in range(m):  # k = m - 1 - index, so each list is in descending k order
        wanted.setdefault(chars[index], []).append(m - 1 - index)
    words = list(_WORD.finditer(text, lo, hi))
    # Only positions holding a wanted character do anything; in ASCII text lower-casing
    # keeps positions, so str.find over the window finds them all ("hits").
    hits: list[int] | None = None
    if segment.isascii():
        hits = []
        for char in wanted:
            if len(char) != 1:
                continue  # "i̇" (from "İ") is never in ASCII text
            pos = window.find(char)
            while pos >= 0:
                hits.append(pos)
                pos = window.find(char, pos + 1)
        hits.sort()
        if 0 in initials:
            # Every alignment starts on a word initial that holds the first character
            # (or on a number word): words left of the leftmost such word cannot
            # contribute, and the scan from the right may stop there.
            first = chars[0]
            for index, word in enumerate(words):
                if window[word.start() - lo] == first or word.group().lower() in _NUMBER_WORDS:
                    del words[:index]
                    break
            else:
                return None
    cursor = len(hits) - 1 if hits is not None else -1
    best: list[State | None] = [None] * m
    best[0] = (0, -1)
    result: _Alignment | None = None
    trailing = 0  # content words after the last match
    for word in reversed(words):
        ws, we = word.span()
        token = word.group()
        lowered: str | list[str] = token.lower()
        offsets: Iterable[int]
        if hits is not None:  # this word's hits, right to left
            base = ws - lo
            mine: list[int] = []
            while cursor >= 0 and hits[cursor] >= base:
                mine.append(hits[cursor] - base)
                cursor -= 1
            offsets = mine
        else:
            if len(lowered) != len(token):  # a letter whose lower case is two characters
                lowered = [char.lower() for char in token]
            offsets = range(len(token) - 1, -1, -1)
        fresh = best  # states that have not used this word yet
        touched: list[State | None] = [None] * m
        numeral = _NUMBER_WORDS.get(token.lower())
        before_initial: list[State | None] | None = None
        function = token in _FUNCTION_WORDS and _stands_alone(text, ws, we)
        for offset in offsets:
            at_initial = offset == 0
            if at_initial and numeral is not None:
                before_initial = [_better(f, t) for f, t in zip(fresh, touched)]
            ks = wanted.get(lowered[offset])
            if not ks:
                continue
            for k in ks:  # descending, so one position never serves two characters
                if (m - 1 - k in initials and not at_initial) or (k + 1 == m and function):
                    continue
                source = _better(fresh[k], touched[k])
                if source is None:
                    continue
                score = source[0] + (1 if at_initial else 0)
                end = source[1] if source[1] >= 0 else we
                if k + 1 < m:
                    touched[k + 1] = _better(touched[k + 1], (score, end))
                    continue
                candidate = _Alignment(score, ws + offset, end)
                if result is None or _rank(candidate) > _rank(result):
                    result = candidate
        if numeral is not None and before_initial is None:
            before_initial = [_better(f, t) for f, t in zip(fresh, touched)]  # no hit at 0
        if before_initial is not None and numeral is not None:
            # A number word stands for its digits: "Group of Twenty (G20)".
            size = len(numeral)
            for k in range(m - size + 1):
                source = before_initial[k]
                if source is None or "".join(chars[m - k - size : m - k]) != numeral:
                    continue
                score, end = source[0] + 1, source[1] if source[1] >= 0 else we
                if k + size < m:
                    touched[k + size] = _better(touched[k + size], (score, end))
                    continue
                candidate = _Alignment(score, ws, end)
                if result is None or _rank(candidate) > _rank(result):
                    result = candidate
        penalty = 1 if _is_content(token) else 0
        # Capitalized words after the last match are the rest of a name ("Cybersecurity
        # Law of the People's Republic of China (CSL)"), not unexplained text.
        trailing += 0 if token[0].isupper() and not token.isupper() else penalty
        best = [(-max(0, trailing - FREE_TRAILING), -1)] + [
            _better(touched[k], None if fresh[k] is None else (fresh[k][0] - penalty, fresh[k][1]))
            for k in range(1, m)
        ]
    return result


def _long_start(text: str, token_start: int, matched: int, first: str) -> int:
    """Where the long form begins, given where its first letter matched in a token.

    A match after a hyphen or slash starts the long form there ("anti-human
    immunodeficiency virus (HIV)", "Ngn3/paired box factor 6 (PAX6)"). The token's
    start is kept when the part before the match is chemical locants or descriptors
    ("2,6-diaminopurine (DAP)", "c-Jun NH(2)-terminal kinase (JNK)") or carries the
    same initial ("alpha-amino-3-hydroxy-... acid (AMPA)").
    """
    if matched == token_start:
        return matched
    prefix = text[token_start:matched]
    head = _WORD.search(prefix)
    if head is None:
        # Only punctuation before the match: keep a bracket ("(AIDS)-related complex",
        # "(+/-)-3-...") so the long form stays balanced; drop '"' or "/".
        return token_start if any(char in "([" for char in prefix) else matched
    runs = _LETTER_RUN.findall(prefix)
    if all(len(run) == 1 or run.lower() in _DESCRIPTORS for run in runs):
        return token_start
    if head.group()[0].lower() == first:
        return token_start + head.start()
    return matched


def _trim_long(text: str, start: int, end: int) -> Span:
    """Drop quotes and clause punctuation that cling to a long form's ends."""
    start, end = _strip(text, start, end)
    while end > start and (
        text[end - 1] in ",;:" or text[end - 1] in _CLOSE_QUOTES and _quote_closes(text, start, end)
    ):
        end -= 1
    while start < end and text[start] in _OPEN_QUOTES:
        start += 1
    return _strip(text, start, end)


def _quote_closes(text: str, start: int, end: int) -> bool:
    """Is the quote at end-1 closing a quotation rather than part of a word ("3'")?"""
    if text[end - 1] in "\"\u201d\u00bb":
        return True
    return text[start] in _OPEN_QUOTES or (start > 0 and text[start - 1] in _OPEN_QUOTES)


def _contains_word(long: str, short: str) -> bool:
    """Does ``short`` occur in ``long`` with no letter or digit right before or after it?

    ("[^\\W_]" in re is exactly str.isalnum.) A find loop rather than a regex per short
    form, which would be compiled anew for almost every bracket.
    """
    if not short:
        return True
    size = len(short)
    pos = long.find(short)
    while pos >= 0:
        if (pos == 0 or not long[pos - 1].isalnum()) and (
            pos + size == len(long) or not long[pos + size].isalnum()
        ):
            return True
        pos = long.find(short, pos + 1)
    return False


def _acceptable(short: str, long: str) -> bool:
    """S&H's sanity checks, and no long form opens with a preposition or article."""
    first = long.split(maxsplit=1)[0] if long.split() else ""
    if first.islower() and first in _FUNCTION_WORDS:
        return False  # "by penicilloylated bovine IgG (BPO-BGG)"
    return len(long) > len(short) and not _contains_word(long, short)


def _max_words(chars: list[str]) -> int:
    return min(len(chars) + 5, 2 * len(chars))


def _last_words(text: str, tokens: list[Span], limit: int) -> list[Span]:
    """The shortest tail of ``tokens`` holding ``limit`` words that are not function words.

    S&H count every word, so "Cybersecurity Law of the People's Republic of China (CSL)"
    falls outside a three-letter acronym's six-word window; "of" and "the" carry no
    letters of the acronym and should not use up the window.
    """
    count = 0
    for index in range(len(tokens) - 1, -1, -1):
        if text[tokens[index][0] : tokens[index][1]].lower() not in _FUNCTION_WORDS:
            count += 1
            if count > limit:
                return tokens[index + 1 :]
    return tokens


def _match_tokens(
    text: str, short: Span, tokens: list[Span], end: int, attached: bool = False
) -> Span | None:
    """The long form for a short form among ``tokens`` (which end at ``end``), or None.

    As in S&H the long form runs to ``end``, unmatched trailing words included
    ("International Criminal Police Organization (INTERPOL)"). A bracket glued to a
    word ("clozapine(CLP)") must find the short form's last letter in that word, or
    "couplings J(eff)" would define "eff".

    The answer depends only on the short form and on the text from one character
    before the first token to one after ``end`` (word and quote boundaries look that
    far), so it is computed on that slice and cached: the same "Name (ACR)" recurs
    across a corpus, and alignment is the costliest step here.
    """
    if not tokens:
        return None
    offset = tokens[0][0] - 1 if tokens[0][0] > 0 else 0
    found = _match_context(
        text[short[0] : short[1]],
        text[offset : end + 1],
        tuple((start - offset, stop - offset) for start, stop in tokens),
        end - offset,
        attached,
    )
    return None if found is None else (found[0] + offset, found[1] + offset)


@lru_cache(maxsize=8192)
def _match_context(
    short_text: str, text: str, tokens: tuple[Span, ...], end: int, attached: bool
) -> Span | None:
    """:func:`_match_tokens` on a slice of the text, with offsets into the slice."""
    chars = _alnum(short_text)
    if len(chars) == 1:
        return _match_letter(text, short_text, tokens[-1], end)
    lo = tokens[0][0]
    found = _align(chars, text, lo, end) or _align_compound(short_text, text, lo, end)
    if found is None or found.score < MIN_SCORE or (attached and found.end <= tokens[-1][0]):
        return None
    token_start = max(start for start, _ in tokens if start <= found.start)
    start = _long_start(text, token_start, found.start, chars[0])
    span = _trim_long(text, start, end)
    if span[0] >= span[1] or not _acceptable(short_text, text[span[0] : span[1]]):
        return None
    return span


def _match_letter(text: str, letter: str, token: Span, end: int) -> Span | None:
    """A one-letter short form is defined only by one word that starts with it."""
    start, stop = _trim_long(text, token[0], end)
    word = text[start:stop]
    if len(word) < 3 or not _LETTER_WORD.fullmatch(word):
        return None
    if word[0].lower() != letter.lower() or word.lower() in _FUNCTION_WORDS:
        return None
    return start, stop


def _align_compound(short: str, text: str, lo: int, hi: int) -> _Alignment | None:
    """Align "AB-C" as "C AB": the qualifier of a compound acronym may lead the name.

    Both parts must start on word initials ("Indian Computer Emergency Response Team
    (CERT-In)"), which keeps this from matching letters scattered inside words.
    """
    parts = _COMPOUND_SPLIT.split(short)
    if len(parts) != 2 or not all(_alnum(part) for part in parts):
        return None
    first, second = _alnum(parts[0]), _alnum(parts[1])
    return _align(second + first, text, lo, hi, frozenset({0, len(second)}))


# ---------------------------------------------------------------------------
# Organization names


def _capitalized(token: str) -> bool:
    first = token[:1]
    return first.isupper() and (first.isalpha() or any(char.isalpha() for char in token))


def _name_like(text: str, start: int, end: int) -> bool:
    """Is text[start:end] a title-case name with at least two capitalized words?"""
    capitals = 0
    for word in text[start:end].split():  # one pass: each word is capitalized or a connector
        if _capitalized(word):
            capitals += 1
        elif word.lower() not in _NAME_CONNECTORS:
            return False
    return capitals >= 2


def _extend_name(text: str, start: int, clause: list[Span], opens_clause: bool) -> int:
    """Grow a title-case long form left over adjacent capitalized words of the same name.

    "United Nations Group of Governmental Experts (GGE)": S&H stop at "Group", but the
    name, and the longest plausible long form, begins at "United". Stops at
    possessives ("the ITU's International ... (IMPACT)"), lower-case or punctuated
    words and function words. The capitalized first word of a sentence proves nothing
    by itself, so it joins only together with another capitalized word, and never when
    it looks like a verb or adverb ("Using", "Recently").
    """
    taken: list[int] = []
    for tok_start, tok_end in reversed([token for token in clause if token[1] <= start]):
        token = text[tok_start:tok_end]
        if len(taken) >= MAX_EXTEND:
            break
        if tok_end != _previous_token_end(text, taken[-1] if taken else start):
            break
        if not (_capitalized(token) and _NAME_TOKEN.fullmatch(token)):
            break
        if token.lower() in _NOT_NAME:
            break
        taken.append(tok_start)
    if taken and opens_clause and taken[-1] == clause[0][0]:
        first = text[clause[0][0] : clause[0][1]]
        if len(taken) == 1 or first.endswith(("ing", "ly")):
            taken.pop()
    return taken[-1] if taken else start


def _text_end_before(text: str, open_: int) -> int | None:
    """Where the text before a bracket ends, or None across a blank line (a new paragraph)."""
    end = _previous_token_end(text, open_)
    return None if text.count("\n", end, open_) > 1 else end


def _previous_token_end(text: str, pos: int) -> int:
    """Where the text before ``pos`` stops being whitespace (looking back MAX_LEFT at most)."""
    chunk = text[max(0, pos - MAX_LEFT) : pos]
    return pos - (len(chunk) - len(chunk.rstrip()))


def _name_fallback(text: str, short: Span, name: Span) -> Span | None:
    """Accept an unalignable all-caps acronym after a title-case name, on initials alone.

    Names keep acronyms from older names or other languages (ENISA, CICTE), so the
    letters need not align. We ask that at least two of the name's word initials, and
    at least half of them, occur in the acronym.
    """
    short_text = text[short[0] : short[1]]
    if not _CAPS_ACRONYM.fullmatch(short_text):
        return None
    start, end = _trim_long(text, *name)
    if not _name_like(text, start, end):
        return None
    initials = {
        word.group()[0].upper()
        for token in text[start:end].split()
        if _capitalized(token)
        for word in _WORD.finditer(token)
        if word.group()[0].isupper()
    }
    shared = initials & set(short_text)
    if len(shared) < 2 or 2 * len(shared) < len(initials):
        return None
    if not _acceptable(short_text, text[start:end]):
        return None
    return start, end


def _name_run(text: str, tokens: list[Span]) -> Span | None:
    """The title-case name that ends the token list, without leading function words.

    It stops at a comma: without letters to align, "In Geneva, Health and Safety Authority
    (XHSA)" cannot tell a place before the name from a list inside it.
    """
    run: list[Span] = []
    for start, end in reversed(tokens):
        token = text[start:end]
        if token.endswith(","):
            break
        if _capitalized(token) and not _POSSESSIVE.search(token):
            run.append((start, end))
        elif token.lower() in _NAME_CONNECTORS and run:
            run.append((start, end))
        else:
            break
    run.reverse()
    while run and (text[run[0][0] : run[0][1]].lower() in _NOT_NAME | _NAME_CONNECTORS):
        run.pop(0)
    if not run:
        return None
    return run[0][0], run[-1][1]


def _bracketed_name(text: str, start: int, end: int) -> Span | None:
    """The name that fills text[start:end] after an optional article, or None."""
    tokens = [match.span() for match in _TOKEN.finditer(text, start, end)]
    name = _name_run(text, tokens)
    if name is None:
        return None
    lead = [text[a:b].lower() for a, b in tokens if b <= name[0]]
    return name if all(word in _ARTICLES for word in lead) else None


# ---------------------------------------------------------------------------
# Candidates around one bracket pair


def _before_bracket(text: str, short: Span, open_: int) -> Span | None:
    """Long Form (SF): align the short form against the clause before the bracket."""
    end = _text_end_before(text, open_)
    if end is None:
        return None
    chars = _alnum(text[short[0] : short[1]])
    limit = 2 * _max_words(chars) + MAX_EXTEND + 1  # room for function words
    clause = _tokens_before(text, end, limit)
    window = _last_words(text, clause, _max_words(chars))
    span = _match_tokens(text, short, window, end, attached=end == open_)
    if span is None:
        return None
    if len(chars) > 1 and _name_like(text, *span):
        span = (_extend_name(text, span[0], clause, opens_clause=len(clause) < limit), span[1])
    return span


def _inside_bracket(text: str, short: Span, start: int, end: int) -> Span | None:
    """A long form given in brackets, "SF (Long Form)" or "(long form, SF)".

    The bracket holds nothing else, so the long form must begin with its first word
    (after an article). A one-word long form needs an acronym-like short form with two
    capitals ("IL (interleukin)"), or "Si- (silylene, ...)" would pass.
    """
    short_text = text[short[0] : short[1]]
    chars = _alnum(short_text)
    tokens = [match.span() for match in _TOKEN.finditer(text, start, end)]
    if len(chars) < 2 or not tokens or len(tokens) > _max_words(chars):
        return None
    first = text[tokens[0][0] : tokens[0][1]].lower()
    if first in _ARTICLES:
        tokens = tokens[1:]
    elif first in _NOT_SHORT:
        return None  # "(see ...)", "(e.g. ...)"
    if not tokens or (len(tokens) == 1 and sum(char.isupper() for char in short_text) < 2):
        return None
    span = _match_tokens(text, short, tokens, end)
    if span is None or not tokens[0][0] <= span[0] < tokens[0][1]:
        return None
    return span


def _word_before(text: str, open_: int) -> Span | None:
    """The token right before a bracket, as a short-form candidate for "SF (Long Form)"."""
    end = _text_end_before(text, open_)
    if end is None:
        return None
    start = end
    while start > 0 and not text[start - 1].isspace() and end - start <= 2 * MAX_SHORT:
        start -= 1
    if start == end or end - start > 2 * MAX_SHORT:
        return None
    span = _short_span(text, start, end)
    if span is None or not any(char.isupper() for char in text[span[0] : span[1]]):
        return None
    return span


def _definition_at(text: str, open_: int, close: int) -> Definition | None:
    """The definition a bracket pair makes, trying its shapes from most to least common."""
    if text[close + 1 : close + 2].isalnum():
        return None  # notation inside a word: "[Ca2+]i", "(ERK)1/2", "dicyclopenta[a,e]pentalene"
    inner = _strip(text, open_ + 1, close)
    if inner[0] >= inner[1]:
        return None
    glued = open_ > 0 and text[open_ - 1].isalnum()
    if glued and _ROMAN_UPPER.fullmatch(text[inner[0] : inner[1]]):
        return None  # an oxidation state or a numbered part: "platinum(II)"
    segments = _segments(text, *inner)
    if not segments:
        return None
    first = _short_span(text, *segments[0])
    last = _short_span(text, *segments[-1]) if len(segments) > 1 else None

    # Long Form (SF), Long Form (SF, n = 4), Long Form (EC 1.1.1.9; SF)
    for short in (first, last):
        if short is not None and (span := _before_bracket(text, short, open_)) is not None:
            return _definition(text, short, span)
    # (long form, SF)
    if last is not None:
        head = _strip(text, segments[0][0], segments[-2][1])
        if (span := _inside_bracket(text, last, *head)) is not None:
            return _definition(text, last, span)
    # SF (Long Form)
    before = _word_before(text, open_) if first is None else None
    if before is not None and (span := _inside_bracket(text, before, *segments[0])) is not None:
        return _definition(text, before, span)

    # Last resort: names whose acronym does not spell them, in either order.
    end = _text_end_before(text, open_)
    if first is not None and end is not None:
        name = _name_run(text, _tokens_before(text, end, 12))
        if name is not None and (span := _name_fallback(text, first, name)) is not None:
            return _definition(text, first, span)
    if before is not None:
        name = _bracketed_name(text, *segments[0])
        if name is not None and (span := _name_fallback(text, before, name)) is not None:
            return _definition(text, before, span)
    return None


def _definition(text: str, short: Span, long: Span) -> Definition:
    return Definition(
        text[short[0] : short[1]], text[long[0] : long[1]], short[0], short[1], long[0], long[1]
    )


# ---------------------------------------------------------------------------
# Public API


def find_definition_spans(text: str) -> list[Definition]:
    """Every acronym definition in ``text``, in order of position, each span once."""
    found: set[Definition] = set()
    for open_, close in _bracket_pairs(text):
        definition = _definition_at(text, open_, close)
        if definition is not None:
            found.add(definition)
    return sorted(found, key=_position)


def _position(d: Definition) -> tuple[int, int, int, int, int]:
    return (min(d.short_start, d.long_start), d.short_start, d.long_start, d.short_end, d.long_end)


def find_definitions(text: str) -> list[tuple[str, str]]:
    """The (short, long) pairs of :func:`find_definition_spans`, in the same order."""
    return [(d.short, d.long) for d in find_definition_spans(text)]
