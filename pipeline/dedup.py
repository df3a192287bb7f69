"""Mark exact and near-duplicate documents.

Duplicates are marked (``documents.duplicate_of``), not deleted, and are not
extracted, so their mentions and facts are not counted twice. Exact duplicates
share their normalized text. Near-duplicates are found with MinHash and
locality-sensitive hashing: the Jaccard similarity of two
documents' sets of word 5-shingles is estimated from 128 hash permutations,
and a document whose estimate against an earlier one reaches
:data:`THRESHOLD` is that document's near-duplicate.

Why 0.8: a copy with a sentence or two edited keeps well above 0.9 of its
shingles on texts of a few hundred words; two different essays on the same
topic share well under 0.2 (the seed essays: about 0.0). 0.8 leaves margin on
both sides; ``tests/test_dedup.py`` pins both cases.

Why not datasketch: this module computes the signatures and the LSH bands
exactly as datasketch 2.0 does (its ``MinHash`` with the default "affine32"
scheme and ``seed=1``, and ``MinHashLSH``), in a few numpy lines; importing
datasketch brought in scipy, a third of a second of every run's start-up.
``tests/test_dedup.py`` checks the hash values, similarities, band parameters
and candidates against datasketch itself.
"""
from __future__ import annotations

import functools
import hashlib
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

THRESHOLD = 0.8
NUM_PERM = 128
SHINGLE = 5
_WORD = re.compile(r"\w+")
_SEED = 1
_BLOCK = 1024             # shingles per block of the signature's computation
_MAX_HASH = np.uint32(0xFFFFFFFF)
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
# (bands, rows) that minimize the equally weighted false positive and negative probabilities
# for (threshold, permutations), as datasketch's MinHashLSH chooses them (a search with
# numerical integration, which needs scipy); other settings ask datasketch.
_LSH_PARAMS = {(0.8, 128): (9, 13)}


@functools.lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations ``a * h + b`` (mod 2^32, ``a`` odd) drawn from seed 1, as datasketch draws them."""
    gen = np.random.RandomState(_SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer: spreads the CRC-32 values before the affine permutations."""
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


@dataclass(frozen=True, eq=False)
class Signature:
    """A document's MinHash: per permutation, the least permuted hash of its shingles."""

    hashvalues: np.ndarray      # uint32, one value per permutation

    def jaccard(self, other: Signature) -> float:
        """The estimated Jaccard similarity: the share of permutations whose minima agree."""
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) / float(len(self.hashvalues))


@dataclass(frozen=True)
class Duplicate:
    of: str              # doc_id of the earlier document
    kind: str            # 'exact' | 'near'
    similarity: float


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def signature(text: str, num_perm: int = NUM_PERM) -> Signature | None:
    """MinHash of the document's word 5-shingles (None for texts too short to compare).

    Each shingle (its UTF-8 bytes: the words joined by spaces) is hashed with
    CRC-32 and pre-mixed; the signature keeps, per permutation, the minimum
    over the shingles. Words are encoded once and joined as bytes, which gives
    the same bytes as encoding each joined shingle, for a fifth of the work.
    """
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE * 2:
        return None
    encoded = [word.encode() for word in words]
    shingles = set(map(b" ".join, zip(*(encoded[k:] for k in range(SHINGLE)))))
    hashes = np.fromiter(map(zlib.crc32, shingles), dtype=np.uint32, count=len(shingles))
    a, b = _permutations(num_perm)
    mixed = _fmix32(hashes)
    least = np.full(num_perm, _MAX_HASH, dtype=np.uint32)
    # Blocks of shingles x permutations (mod 2^32), computed in place: a block stays
    # in the processor's cache, and a long document needs no matrix of its own size.
    block = np.empty((min(len(mixed), _BLOCK), num_perm), dtype=np.uint32)
    for first in range(0, len(mixed), _BLOCK):
        rows = mixed[first:first + _BLOCK, None]
        permuted = block[:len(rows)]
        np.multiply(rows, a, out=permuted)
        np.add(permuted, b, out=permuted)
        np.minimum(least, permuted.min(axis=0), out=least)
    return Signature(least)


def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) for the LSH index (see :data:`_LSH_PARAMS`)."""
    known = _LSH_PARAMS.get((threshold, num_perm))
    if known is not None:
        return known
    from datasketch.lsh import _optimal_param
    return _optimal_param(threshold, num_perm, 0.5, 0.5)


class _BandIndex:
    """LSH over signatures: cut into bands of rows, two documents are candidates when one band is equal."""

    def __init__(self, threshold: float, num_perm: int):
        bands, rows = _lsh_params(threshold, num_perm)
        self.ranges = [(i * rows, (i + 1) * rows) for i in range(bands)]
        self.tables: list[dict[bytes, list[str]]] = [defaultdict(list) for _ in range(bands)]
        self.keys: set[str] = set()

    def _bands(self, signature: Signature) -> list[bytes]:
        return [signature.hashvalues[start:end].tobytes() for start, end in self.ranges]

    def query(self, signature: Signature) -> set[str]:
        """The documents that share at least one band with ``signature``."""
        return {key for band, table in zip(self._bands(signature), self.tables) for key in table.get(band, ())}

    def insert(self, key: str, signature: Signature) -> None:
        if key in self.keys:
            raise ValueError("The given key already exists")      # as MinHashLSH.insert
        self.keys.add(key)
        for band, table in zip(self._bands(signature), self.tables):
            table[band].append(key)


class DuplicateFinder:
    """Feed documents in a stable order; each is compared with the kept documents before it.

    A duplicate always names a kept document (one that is extracted), never
    another duplicate: near-duplicates are not indexed, so a chain of small
    edits (A, A', A'', ...) cannot drift away from the document it is said to
    copy, and an exact copy of a near-duplicate names what that one copies.
    """

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM):
        self.threshold = threshold
        self.num_perm = num_perm
        self.exact: dict[str, str] = {}
        self.lsh = _BandIndex(threshold, num_perm)
        self.signatures: dict[str, Signature] = {}
        self.order: dict[str, int] = {}
        self.near: dict[str, Duplicate] = {}       # near-duplicate doc_id -> what it duplicates

    def add(self, doc_id: str, text_sha256: str, signature: Signature | None) -> Duplicate | None:
        """Compare one document with the kept ones added before it; remember it."""
        if text_sha256 in self.exact:
            first = self.exact[text_sha256]
            return self.near.get(first) or Duplicate(first, "exact", 1.0)
        self.exact[text_sha256] = doc_id
        if signature is None:
            return None
        best = None
        for other in self.lsh.query(signature):
            similarity = signature.jaccard(self.signatures[other])
            if similarity >= self.threshold and (best is None or (similarity, -self.order[other]) >
                                                 (best[1], -self.order[best[0]])):
                best = (other, similarity)
        if best is not None:
            self.near[doc_id] = Duplicate(best[0], "near", round(best[1], 4))
            return self.near[doc_id]
        self.order[doc_id] = len(self.order)
        self.signatures[doc_id] = signature
        self.lsh.insert(doc_id, signature)
        return None
