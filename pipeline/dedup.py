"""Mark exact and near-duplicate documents.

Duplicates are marked (``documents.duplicate_of``), not deleted, and are not
extracted, so their mentions and facts are not counted twice. Exact duplicates
share their normalized text. Near-duplicates are found with MinHash and
locality-sensitive hashing (datasketch): the Jaccard similarity of two
documents' sets of word 5-shingles is estimated from 128 hash permutations,
and a document whose estimate against an earlier one reaches
:data:`THRESHOLD` is that document's near-duplicate.

Why 0.8: a copy with a sentence or two edited keeps well above 0.9 of its
shingles on texts of a few hundred words; two different essays on the same
topic share well under 0.2 (the seed essays: about 0.0). 0.8 leaves margin on
both sides; ``tests/test_dedup.py`` pins both cases.
"""
from __future__ import annotations

import functools
import hashlib
import re
import zlib
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH

THRESHOLD = 0.8
NUM_PERM = 128
SHINGLE = 5
_SCHEME = MinHash(num_perm=1).scheme   # the library's default, named because permutations= needs it
_WORD = re.compile(r"\w+")


# Shingles hash with CRC-32, which is unsigned 32-bit in Python 3: passed as is, not wrapped in
# a function that masks it (a Python call per shingle was a sixth of a signature's time).
_CRC32 = zlib.crc32


@functools.lru_cache(maxsize=4)
def _permutations(num_perm: int):
    """The permutation parameters every signature with ``seed=1`` draws (shared, never written to).

    ``MinHash`` draws them from a fresh random generator on each construction,
    which cost about a seventh of a signature; given the same array it uses it as is.
    """
    return MinHash(num_perm=num_perm, hashfunc=_CRC32, seed=1).permutations


@dataclass(frozen=True)
class Duplicate:
    of: str              # doc_id of the earlier document
    kind: str            # 'exact' | 'near'
    similarity: float


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def signature(text: str, num_perm: int = NUM_PERM) -> MinHash | None:
    """MinHash of the document's word 5-shingles (None for texts too short to compare)."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE * 2:
        return None
    shingles = {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    m = MinHash(num_perm=num_perm, hashfunc=_CRC32, seed=1, permutations=_permutations(num_perm),
                scheme=_SCHEME)
    m.update_batch([s.encode() for s in shingles])   # a minimum over hashes: the order does not matter
    return m


class DuplicateFinder:
    """Feed documents in a stable order; each is compared with the ones before it."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM):
        self.threshold = threshold
        self.num_perm = num_perm
        self.exact: dict[str, str] = {}
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.signatures: dict[str, MinHash] = {}
        self.order: dict[str, int] = {}

    def add(self, doc_id: str, text_sha256: str, signature: MinHash | None) -> Duplicate | None:
        """Compare one document with the ones added before it; remember it."""
        if text_sha256 in self.exact:
            return Duplicate(self.exact[text_sha256], "exact", 1.0)
        self.exact[text_sha256] = doc_id
        if signature is None:
            return None
        best = None
        for other in self.lsh.query(signature):
            similarity = signature.jaccard(self.signatures[other])
            if similarity >= self.threshold and (best is None or (similarity, -self.order[other]) >
                                                 (best[1], -self.order[best[0]])):
                best = (other, similarity)
        self.order[doc_id] = len(self.order)
        self.signatures[doc_id] = signature
        self.lsh.insert(doc_id, signature)
        if best is not None:
            return Duplicate(best[0], "near", round(best[1], 4))
        return None
