"""A document's token attributes as plain Python lists, read once per document.

spaCy creates a new ``Token`` object on every ``doc[i]`` and a new ``Span`` on
every iteration of a span group. The scans of extraction (shapes, context
names, linking, the checks on acronyms) look at each token a few times, and
creating those objects was most of their cost. :class:`TokenView` reads the
attributes once with ``doc.to_array`` and turns string hashes into strings
through a process-wide cache: a hash always names the same string, whatever
the vocabulary, so the cache can never be stale.

Every attribute here is the one spaCy would give: ``texts[i]`` is
``doc[i].text``, ``lowers[i]`` is ``doc[i].lower_``, ``idx[i]`` is
``doc[i].idx`` and so on.
"""
from __future__ import annotations

import bisect

import numpy
from spacy.attrs import IDX, IS_ALPHA, IS_SPACE, IS_UPPER, LOWER, ORTH, SPACY
from spacy.tokens import Doc

_ATTRS = [ORTH, LOWER, IDX, IS_SPACE, IS_UPPER, IS_ALPHA, SPACY]
_STRINGS: dict[int, str] = {}
_STRINGS_LIMIT = 300_000        # distinct strings kept (about 30 MB); the cache is emptied beyond


def strings_of(hashes: list[int], store) -> list[str]:
    """The strings of ``hashes`` (from ``doc.vocab.strings``), through the process-wide cache."""
    cache = _STRINGS
    try:
        return [cache[h] for h in hashes]
    except KeyError:
        if len(cache) > _STRINGS_LIMIT:
            cache.clear()
        for h in hashes:
            if h not in cache:
                cache[h] = store[h]
        return [cache[h] for h in hashes]


class TokenView:
    """Per-token attributes of one Doc as lists (see module docstring).

    String lists (``texts``, ``lowers``) are built on first use, for the whole
    document at once.
    """

    __slots__ = ("doc", "text", "n", "table", "orth", "lower_hash", "idx", "is_space", "is_upper", "is_alpha",
                 "space_after", "_texts", "_lowers", "_text_lower", "_words")
    COLUMNS = {attr: k for k, attr in enumerate(_ATTRS)}    # spaCy attribute -> column of ``table``

    def __init__(self, doc: Doc, text: str | None = None):
        self.doc = doc
        self.text = doc.text if text is None else text
        self.n = n = len(doc)
        # The uint64 array too, for callers that work on whole columns (pipeline.shapes).
        self.table = doc.to_array(_ATTRS) if n else numpy.zeros((0, len(_ATTRS)), dtype=numpy.uint64)
        columns = self.table.T.tolist()
        self.orth, self.lower_hash, self.idx = columns[0], columns[1], columns[2]
        # Flags stay 0/1 integers: as cheap to test as booleans, and not worth converting.
        self.is_space, self.is_upper, self.is_alpha, self.space_after = columns[3:]
        self._texts = self._lowers = self._text_lower = self._words = None

    @property
    def texts(self) -> list[str]:
        if self._texts is None:
            self._texts = strings_of(self.orth, self.doc.vocab.strings)
        return self._texts

    @property
    def lowers(self) -> list[str]:
        if self._lowers is None:
            self._lowers = strings_of(self.lower_hash, self.doc.vocab.strings)
        return self._lowers

    @property
    def words(self) -> tuple[list[int], list[str], list[str]]:
        """The tokens that are not whitespace, as (character offsets, lowercase, as written).

        Built once per document, so a sentence's words are two bisections and three slices.
        """
        if self._words is None:
            space, idx, lowers, texts = self.is_space, self.idx, self.lowers, self.texts
            kept = [k for k in range(self.n) if not space[k]]
            self._words = ([idx[k] for k in kept], [lowers[k] for k in kept], [texts[k] for k in kept])
        return self._words

    @property
    def text_lower(self) -> str:
        """``text.lower()``, computed once."""
        if self._text_lower is None:
            self._text_lower = self.text.lower()
        return self._text_lower

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text``: the tokens' characters without the last one's trailing space."""
        if end <= start:
            return ""
        return self.text[self.idx[start]:self.idx[end - 1] + len(self.texts[end - 1])]

    def end_char(self, i: int) -> int:
        """``doc[i].idx + len(doc[i])``."""
        return self.idx[i] + len(self.texts[i])

    def token_by_char(self, char: int) -> int:
        """The token whose text or trailing space holds ``char``, or -1 (spaCy's ``token_by_char``)."""
        if self.n == 0 or char < 0:
            return -1
        i = bisect.bisect_right(self.idx, char) - 1
        if i < 0 or char >= self.end_char(i) + self.space_after[i]:
            return -1
        return i

    def expand(self, start_char: int, end_char: int) -> tuple[int, int] | None:
        """Token range of ``doc.char_span(start_char, end_char, alignment_mode="expand")``, or None."""
        start = self.token_by_char(start_char)
        if start < 0:
            return None
        end = self.token_by_char(end_char - 1)
        if end < 0:
            return None
        if start_char == self.end_char(start):
            start += 1
        return start, end + 1
