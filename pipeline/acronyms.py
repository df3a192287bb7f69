"""Find where a text defines an acronym: ``Long Form (LF)`` or ``LF (Long Form)``.

The core is the algorithm of Schwartz & Hearst (2003), "A simple algorithm for
identifying abbreviation definitions in biomedical text", PSB 2003: candidates only
next to brackets; a short form of 1-2 words, at most 10 letters or digits, with a letter
and an alphanumeric first character; a long-form window of min(|A|+5, 2|A|) words; and
the short form's characters found, in order, in the long form, the first one at the
start of a word.

Changes to that algorithm, each because it failed on a kind of text we meet:

* Alignment. S&H match greedily from the right, so "International Index of Erectile
  Function (IIEF)" gives "Index of Erectile Function" (the second I lands inside
  "Erectile"). We score every alignment instead: +1 per short-form character on a word
  initial, -1 per content word of the long form that no character touches; the best
  score wins, ties go to the shorter long form. A hyphen starts a word, so
  "Co-operation" lends its C to OECD.
* Boundaries. The long form stops at an unclosed bracket, a clause end (. , ; : ! ?,
  but not after initials like "U.S." or "Corp."), and starts at the matched initial,
  so "anti-human immunodeficiency virus (HIV)" loses "anti-" (the prefix is kept when it
  carries the initial itself, as in "alpha-amino-... acid (AMPA)").
* More bracket shapes: square brackets; nested pairs "(long form (LF))"; the short
  form first or last in a list "(LF, n = 4)", "(EC 1.1.1.9; GPx)"; and both inside
  "(blood-brain barrier, BBB)". A possessive "(UNGA's)" is not part of the short form.
* One-letter short forms "Testosterone (T)" count only when the long form is the single
  preceding word and starts with that (upper-case) letter.
* Organization names (the domain of this pipeline):
  - A title-case long form grows left over adjacent capitalized words, because a
    name's acronym often leaves out a prefix: "United Nations Group of Governmental
    Experts (GGE)". It stops at possessives ("the ITU's ... (IMPACT)"), lower-case
    words and sentence-initial function words.
  - Compound short forms may name their parts in the other order: "Indian Computer
    Emergency Response Team (CERT-In)".
  - When no alignment exists, an all-caps short form after a title-case name is still
    accepted if at least two, and at least half, of the name's word initials occur in
    it: "European Union Agency for Cybersecurity (ENISA)" (an older name's acronym),
    "Inter-American Committee against Terrorism (CICTE)" (a Spanish one). This costs
    precision: "Chief Information Security Officer (CEO)" would be accepted too.

Known failures: long forms that are synonyms or translations with no letter overlap
("phenytoin (DPH)"), numerals spelled out ("two-dimensional (2D)"), characters out of
order beyond the compound case ("cAMP" for "adenosine 3',5'-cyclic monophosphate"),
long forms containing commas ("Non-A, non-B hepatitis (NANB)"), and unmatched trailing
words, which stay in the long form ("high NaCl diet (HNa)").

Everything is pure string work in bounded windows around brackets, so run time is
linear in the text and a huge token or line costs no more per bracket than a normal one.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Definition", "find_definition_spans", "find_definitions"]


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
FREE_TRAILING = 1
MIN_SCORE = 1  # alignments scoring lower explain too little of the long form

_BRACKET = re.compile(r"[()\[\]]")
_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits
_TOKEN = re.compile(r"\S+")
_SEPARATOR = re.compile(r"[,;:]\s+|\s+=\s+|\s+=|=\s+")
_NAME_TOKEN = re.compile(r"[^\W_]+(?:[-&][^\W_]+)*")  # no possessive, no punctuation
_POSSESSIVE = re.compile(r"['\u2019]s$")
_ROMAN = re.compile(r"[ivx]+")
_ROMAN_UPPER = re.compile(r"[IVX]+")
_LABEL = re.compile(r"\d+[a-z]")  # numbered items such as compounds "(2b)"
_OPEN_QUOTES = "\"'\u201c\u2018\u00ab"
_CLOSE_QUOTES = "\"'\u201d\u2019\u00bb"
_CLAUSE_END = ".,;:!?"

# Words that appear alone in brackets (or start them) without being short forms.
_NOT_SHORT = frozenset(
    """see cf cf. e.g. eg e.g i.e. ie i.e viz viz. etc etc. ibid ibid. idem sic and or the
    a an of to in on at by for with from as is are was were be not no yes nor but if so
    all any both each per via vs vs. et al al. fig fig. figs figs. figure figures table
    tables tab ref refs eq eqs eqn note notes ed eds ed. eds. p. pp pp. vol vol. no.
    chap ch section sec para see: i.e.: e.g.: for example also respectively resp""".split()
)

_ARTICLES = frozenset({"a", "an", "the"})

# Words that do not count against a long form when no short-form letter falls in them.
_FUNCTION_WORDS = frozenset(
    """a an the of for and or in on at to by with from against into onto upon under over
    between among via per as than that which who whose its their his her our de des du la
    le les del della di da der die das und fur für et en y""".split()
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

# A digit in a short form may stand for a number word: "two-dimensional (2D)".
_NUMBER_WORDS = {
    word: str(digit)
    for digit, words in enumerate(
        ["", "one first", "two second", "three third", "four fourth", "five fifth",
         "six sixth", "seven seventh", "eight eighth", "nine ninth"]
    )
    for word in words.split()
}

# Abbreviations whose full stop does not end a clause.
_DOTTED = frozenset(
    "st dr mr mrs ms prof corp inc co ltd jr sr dept univ govt intl assn bros no nos".split()
)


# ---------------------------------------------------------------------------
# Brackets and windows


def _bracket_pairs(text: str) -> Iterator[tuple[int, int]]:
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


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a bracket's content at ", ", "; ", ": " and "=", keeping offsets."""
    pieces: list[tuple[int, int]] = []
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
    if re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", body):
        return False
    return body.lower() not in _DOTTED


def _tokens_before(text: str, end: int, limit: int) -> list[tuple[int, int]]:
    """Up to ``limit`` whitespace tokens of the clause ending at ``end``, left to right.

    The clause ends at a clause-closing token, at a bracket opened and not closed
    inside it (so "(body mass index (BMI) ..." looks only at "body mass index"), and
    after an earlier bracketed remark, as S&H's scan does ("(group 1) and 40% (group
    2)"); brackets inside a word ("benz(a)anthracene") do not count. The last token may
    itself end in a full stop ("British Aircraft Corp. (BAC)").
    """
    lo = max(0, end - MAX_LEFT)
    found = list(_TOKEN.finditer(text, lo, end))
    if lo > 0 and found and found[0].start() == lo:
        found = found[1:]  # cut by the window: not a whole token
    tokens: list[tuple[int, int]] = []  # right to left
    closers: list[int] = []  # closing brackets not yet matched, innermost last
    cut = None
    for match in reversed(found):
        start, stop = match.span()
        if stop - start > MAX_TOKEN or len(tokens) >= limit or (tokens and _ends_clause(match.group())):
            break
        for pos in range(stop - 1, start - 1, -1):
            char = text[pos]
            if char in ")]":
                closers.append(pos)
            elif char in "([":
                if not closers:
                    cut = pos + 1  # an unclosed bracket: the clause starts inside it
                    break
                closer = closers.pop()
                if not closers and pos == start and text[closer + 1 : closer + 2] != "-":
                    cut = closer + 1  # a remark: "(group 1) and ...", "(FEV1)/forced ..."
                    break
        tokens.append((start, stop))
        if cut is not None:
            break
    if cut is None and closers:
        cut = closers[0] + 1  # a remark opened before the clause: "(TEA; 10 mM) and ..."
    if cut is not None:
        tokens = [(max(a, cut), b) for a, b in tokens if b > cut and _WORD.search(text, max(a, cut), b)]
    tokens.reverse()
    return tokens


# ---------------------------------------------------------------------------
# Short forms


def _alnum(short: str) -> list[str]:
    return [char.lower() for char in short if char.isalnum()]


def _short_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of a plausible short form in text[start:end], or None.

    S&H's rules (1-2 words, a letter, first character alphanumeric, at most 10 letters
    and digits), plus rejections of what only looks like one: list markers "(a)",
    "(iv)", words like "see" or "range", and lower-case phrases.
    """
    start, end = _strip(text, start, end)
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


@dataclass(frozen=True, slots=True)
class _Alignment:
    score: int  # short-form characters on word initials, minus content words skipped
    start: int  # where the first short-form character matched
    end: int  # end of the word that holds the rightmost matched character


def _is_content(word: str) -> bool:
    return not word.isdigit() and word.lower() not in _FUNCTION_WORDS


def _better(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
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
    word initial (S&H require it of the first). Among all such alignments the best
    scores +1 per character on an initial and -1 per content word between the first
    and last match that no character touches; ties go to the later start (the
    shorter long form). Words after the last match are not scored: the caller
    decides whether they belong to the long form.

    Dynamic programming over the words from right to left; the state is how many
    characters (from the right) are matched, holding (score, end of first match).
    Cost: O(letters in the window x characters in the short form).
    """
    m = len(chars)
    wanted: dict[str, list[int]] = {}
    for index in range(m):  # k = m - 1 - index, so each list is in descending k order
        wanted.setdefault(chars[index], []).append(m - 1 - index)
    best: list[tuple[int, int] | None] = [None] * m
    best[0] = (0, -1)
    result: _Alignment | None = None
    trailing = 0  # content words after the last match
    for word in reversed(list(_WORD.finditer(text, lo, hi))):
        ws, we = word.span()
        fresh = best  # states that have not used this word yet
        touched: list[tuple[int, int] | None] = [None] * m
        numeral = _NUMBER_WORDS.get(word.group().lower())
        for pos in range(we - 1, ws - 1, -1):
            ks = wanted.get(text[pos].lower())
            at_initial = pos == ws
            if at_initial and numeral in wanted:  # "two-dimensional (2D)"
                ks = sorted(set(ks or []) | set(wanted[numeral]), reverse=True)
            if not ks:
                continue
            for k in ks:  # descending, so one position never serves two characters
                if m - 1 - k in initials and not at_initial:
                    continue
                source = _better(fresh[k], touched[k])
                if source is None:
                    continue
                score = source[0] + (1 if at_initial else 0)
                end = source[1] if source[1] >= 0 else we
                if k + 1 < m:
                    touched[k + 1] = _better(touched[k + 1], (score, end))
                elif result is None or (score, pos, end) > (result.score, result.start, result.end):
                    result = _Alignment(score, pos, end)
        penalty = 1 if _is_content(word.group()) else 0
        trailing += penalty
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
    runs = re.findall(r"[^\W\d_]+", prefix)
    if all(len(run) == 1 or run.lower() in _DESCRIPTORS for run in runs):
        return token_start
    if head.group()[0].lower() == first:
        return token_start + head.start()
    return matched


def _trim_long(text: str, start: int, end: int) -> tuple[int, int]:
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
    pattern = r"(?<![^\W_])" + re.escape(short) + r"(?![^\W_])"
    return re.search(pattern, long) is not None


def _acceptable(short: str, long: str) -> bool:
    """S&H's sanity checks, and no long form opens with a preposition or article."""
    first = long.split(maxsplit=1)[0] if long.split() else ""
    if first.islower() and first in _FUNCTION_WORDS:
        return False  # "by penicilloylated bovine IgG (BPO-BGG)"
    return len(long) > len(short) and not _contains_word(long, short)


def _max_words(chars: list[str]) -> int:
    return min(len(chars) + 5, 2 * len(chars))


def _match_tokens(
    text: str, short: tuple[int, int], tokens: list[tuple[int, int]], end: int, attached: bool = False
) -> tuple[int, int] | None:
    """The long form for a short form among ``tokens`` (which end at ``end``), or None.

    As in S&H the long form runs to ``end``, unmatched trailing words included
    ("International Criminal Police Organization (INTERPOL)"). A bracket glued to a
    word ("clozapine(CLP)") must find the short form's last letter in that word, or
    "couplings J(eff)" would define "eff".
    """
    if not tokens:
        return None
    short_text = text[short[0] : short[1]]
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


def _match_letter(text: str, letter: str, token: tuple[int, int], end: int) -> tuple[int, int] | None:
    """A one-letter short form is defined only by one word that starts with it."""
    start, stop = _trim_long(text, token[0], end)
    word = text[start:stop]
    if len(word) < 3 or not re.fullmatch(r"[^\W\d_]+(?:-[^\W\d_]+)*", word):
        return None
    if word[0].lower() != letter.lower() or word.lower() in _FUNCTION_WORDS:
        return None
    return start, stop


def _align_compound(short: str, text: str, lo: int, hi: int) -> _Alignment | None:
    """Align "AB-C" as "C AB": the qualifier of a compound acronym may lead the name.

    Both parts must start on word initials ("Indian Computer Emergency Response Team
    (CERT-In)"), which keeps this from matching letters scattered inside words.
    """
    parts = re.split(r"[-/]", short)
    if len(parts) != 2 or not all(_alnum(part) for part in parts):
        return None
    first, second = _alnum(parts[0]), _alnum(parts[1])
    return _align(second + first, text, lo, hi, frozenset({0, len(second)}))


# ---------------------------------------------------------------------------
# Organization names


def _capitalized(token: str) -> bool:
    return token[:1].isupper() and any(char.isalpha() for char in token)


def _name_like(text: str, start: int, end: int) -> bool:
    """Is text[start:end] a title-case name with at least two capitalized words?"""
    words = text[start:end].split()
    capitals = [word for word in words if _capitalized(word)]
    return len(capitals) >= 2 and all(_capitalized(w) or w.lower() in _NAME_CONNECTORS for w in words)


def _extend_name(text: str, start: int, clause: list[tuple[int, int]], opens_clause: bool) -> int:
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
        if len(taken) >= MAX_EXTEND or tok_end != _previous_token_end(text, taken[-1] if taken else start):
            break
        if not _capitalized(token) or not _NAME_TOKEN.fullmatch(token) or token.lower() in _NOT_NAME:
            break
        taken.append(tok_start)
    if taken and opens_clause and taken[-1] == clause[0][0]:
        first = text[clause[0][0] : clause[0][1]]
        if len(taken) == 1 or first.endswith(("ing", "ly")):
            taken.pop()
    return taken[-1] if taken else start


def _previous_token_end(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return pos


def _name_fallback(text: str, short: tuple[int, int], name: tuple[int, int]) -> tuple[int, int] | None:
    """Accept an unalignable all-caps acronym after a title-case name, on initials alone.

    Names keep acronyms from older names or other languages (ENISA, CICTE), so the
    letters need not align. We ask that at least two of the name's word initials, and
    at least half of them, occur in the acronym.
    """
    short_text = text[short[0] : short[1]]
    if not re.fullmatch(r"[A-Z]{3,10}", short_text):
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


def _name_run(text: str, tokens: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The title-case name that ends the token list, without leading function words."""
    run: list[tuple[int, int]] = []
    for start, end in reversed(tokens):
        token = text[start:end]
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


# ---------------------------------------------------------------------------
# Candidates around one bracket pair


def _before_bracket(text: str, short: tuple[int, int], open_: int) -> tuple[int, int] | None:
    """Long Form (SF): align the short form against the clause before the bracket."""
    end = _previous_token_end(text, open_)
    chars = _alnum(text[short[0] : short[1]])
    limit = _max_words(chars) + MAX_EXTEND + 1
    clause = _tokens_before(text, end, limit)
    window = clause[-_max_words(chars) :]
    span = _match_tokens(text, short, window, end, attached=end == open_)
    if span is None:
        return None
    if len(chars) > 1 and _name_like(text, *span):
        span = (_extend_name(text, span[0], clause, opens_clause=len(clause) < limit), span[1])
    return span


def _inside_bracket(text: str, short: tuple[int, int], start: int, end: int) -> tuple[int, int] | None:
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


def _word_before(text: str, open_: int) -> tuple[int, int] | None:
    """The token right before a bracket, as a short-form candidate for "SF (Long Form)"."""
    end = _previous_token_end(text, open_)
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
    attached = open_ > 0 and text[open_ - 1].isalnum()
    if attached and _ROMAN_UPPER.fullmatch(text[inner[0] : inner[1]]):
        return None  # an oxidation state or a numbered part: "platinum(II)"
    segments = _segments(text, *inner)
    if not segments:
        return None
    shorts = [_short_span(text, *segments[0])]
    if len(segments) > 1:
        shorts.append(_short_span(text, *segments[-1]))

    for short in shorts:
        if short is not None:
            span = _before_bracket(text, short, open_)
            if span is not None:
                return _definition(text, short, span)

    last = shorts[-1] if len(segments) > 1 else None
    if last is not None:
        head = _strip(text, segments[0][0], segments[-2][1])
        span = _inside_bracket(text, last, *head)
        if span is not None:
            return _definition(text, last, span)

    short = _word_before(text, open_)
    if short is not None and shorts[0] is None:
        span = _inside_bracket(text, short, *segments[0])
        if span is not None:
            return _definition(text, short, span)

    # Last resort for names whose acronym does not spell them.
    if shorts[0] is not None:
        end = _previous_token_end(text, open_)
        name = _name_run(text, _tokens_before(text, end, 12))
        if name is not None:
            span = _name_fallback(text, shorts[0], name)
            if span is not None:
                return _definition(text, shorts[0], span)
    if short is not None and shorts[0] is None:
        span = _name_fallback(text, short, segments[0])
        if span is not None:
            return _definition(text, short, span)
    return None


def _definition(text: str, short: tuple[int, int], long: tuple[int, int]) -> Definition:
    return Definition(text[short[0] : short[1]], text[long[0] : long[1]], short[0], short[1], long[0], long[1])


# ---------------------------------------------------------------------------
# Public API


def find_definition_spans(text: str) -> list[Definition]:
    """Every acronym definition in ``text``, in order of position, each span once."""
    found: set[Definition] = set()
    for open_, close in _bracket_pairs(text):
        definition = _definition_at(text, open_, close)
        if definition is not None:
            found.add(definition)
    return sorted(
        found,
        key=lambda d: (min(d.short_start, d.long_start), d.short_start, d.long_start, d.short_end, d.long_end),
    )


def find_definitions(text: str) -> list[tuple[str, str]]:
    """The (short, long) pairs of :func:`find_definition_spans`, in the same order."""
    return [(d.short, d.long) for d in find_definition_spans(text)]
