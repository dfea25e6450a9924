"""Stage 4, dedupe: exact duplicates by fingerprint, near duplicates by MinHash + LSH.

Policy: among articles with the same cleaned text, the one with the smallest id is kept and the
others become ``exact_duplicate`` rejects. Near duplicates all stay, linked into one
``duplicate_cluster`` whose id is the smallest member id, so that a split can keep them together.
Only compact values (ids, fingerprints, signatures) are held here, never texts.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

_WHITESPACE = re.compile(r"\s+")
MINHASH_SEED = 1
MINHASH_SCHEME = "affine32"  # datasketch 2.x default; 32-bit values halve signature memory


def fingerprint_text(text: str) -> str:
    """Exact-duplicate key: sha256 of the case-folded NFC text with whitespace collapsed."""
    canonical = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def shingle_text(text: str, size: int) -> set[bytes]:
    """Character n-grams of the case-folded text with whitespace collapsed.

    Character shingles need no word segmentation, so Chinese and space-separated languages are
    treated alike. Texts shorter than ``size`` give one shingle (the whole text).
    """
    canonical = _WHITESPACE.sub(" ", text.casefold()).strip()
    if len(canonical) <= size:
        return {canonical.encode("utf-8")}
    return {canonical[i : i + size].encode("utf-8") for i in range(len(canonical) - size + 1)}


def compute_signature(text: str, size: int, permutations: int) -> np.ndarray:
    """MinHash signature (uint32 array of length ``permutations``) of the text's shingles."""
    minhash = MinHash(num_perm=permutations, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    minhash.update_batch(sorted(shingle_text(text, size)))
    return minhash.hashvalues.copy()


def select_exact_duplicates(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Map each duplicate id to the kept id, given ``(id, fingerprint)`` pairs.

    The kept article of a group is the one with the smallest id, whatever the input order.
    """
    kept_by_fingerprint: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for article_id, fp in items:
        members.setdefault(fp, []).append(article_id)
    duplicates: dict[str, str] = {}
    for fp, ids in members.items():
        keeper = min(ids)
        kept_by_fingerprint[fp] = keeper
        duplicates.update({i: keeper for i in ids if i != keeper})
    return duplicates


def cluster_near_duplicates(
    signatures: dict[str, np.ndarray], threshold: float, permutations: int
) -> dict[str, str]:
    """Map every id to its near-duplicate cluster id (the smallest id in its connected component).

    Candidate pairs come from MinHash LSH; a pair is linked when its estimated Jaccard similarity
    is at least ``threshold``. The result does not depend on the order of ``signatures``.
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=permutations)
    minhashes = {}
    for article_id in sorted(signatures):
        mh = MinHash(
            num_perm=permutations,
            seed=MINHASH_SEED,
            scheme=MINHASH_SCHEME,
            hashvalues=signatures[article_id],
        )
        minhashes[article_id] = mh
        lsh.insert(article_id, mh)
    parent = {article_id: article_id for article_id in minhashes}
    for article_id, mh in minhashes.items():
        for other in lsh.query(mh):
            if other != article_id and mh.jaccard(minhashes[other]) >= threshold:
                _union(parent, article_id, other)
    return {article_id: _find(parent, article_id) for article_id in parent}


def _find(parent: dict[str, str], node: str) -> str:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def _union(parent: dict[str, str], a: str, b: str) -> None:
    root_a, root_b = _find(parent, a), _find(parent, b)
    if root_a != root_b:
        # The smaller id becomes the root, so the cluster id is the smallest member id.
        low, high = sorted((root_a, root_b))
        parent[high] = low
