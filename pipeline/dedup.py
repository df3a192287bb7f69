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

import hashlib
import re
import zlib
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH

THRESHOLD = 0.8
NUM_PERM = 128
SHINGLE = 5
_WORD = re.compile(r"\w+")


def _hash32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


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
    shingles = {" ".join(words[i:i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}
    m = MinHash(num_perm=num_perm, hashfunc=_hash32, seed=1)
    m.update_batch(list(shingles))   # a minimum over hashes: the order does not matter
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
