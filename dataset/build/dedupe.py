"""Stage 4, dedupe: exact duplicates by fingerprint, near duplicates by MinHash + LSH.

Policy: among articles with the same cleaned text, the one with the smallest key is kept (ties go
to the smallest order key) and the others become ``exact_duplicate`` rejects; the build passes the
document index (path order) as both, so the first file by path is kept. Near duplicates all
stay, linked into one ``duplicate_cluster`` whose id is the smallest member id, so that a split
can keep them together.

Only compact values are held here, never texts: ids as uint64 (16 hex digits), 128-bit
fingerprints as two uint64 columns, and MinHash signatures as a ``(n, permutations)`` uint32
matrix that may be a ``numpy.memmap`` of a spill file (only candidate rows are ever read).

MinHash: character shingles are hashed with a vectorised polynomial hash over code points and a
64-bit finaliser (numpy), and the permutations run in ``rensa`` (Rust, ``RMinHash``). The choice,
against datasketch and a pure-numpy variant, is measured in benchmarks/README.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import rensa

from dataset.build.casefold import casefold, nfc
from dataset.build.clean import has_irregular_spaces

MINHASH_SEED = 1
SIGNATURE_DTYPE = np.dtype(np.uint32)
# Everything below shapes signature values; it enters the per-document cache's code version.
_POLY = np.uint64(0x100000001B3)
_VERIFY_CHUNK = 8_192
_HASH_CHUNK = 16_384  # characters hashed together by dedupe_keys_many (uint64: 128 KiB a column)
_LSH_WEIGHTS = (0.2, 0.8)  # (false positive, false negative)
# Weighted errors closer than this are a tie for lsh_bands: scipy's quad (datasketch) is only
# asked for 1.5e-8, so nearer rivals are left to datasketch itself.
_LSH_TIE = 1e-6


def canonical_text(text: str) -> str:
    """The form both dedupe keys read: NFC, case-folded, whitespace runs collapsed."""
    return collapse_whitespace(casefold(nfc(text)))


def fingerprint_text(text: str) -> str:
    """Exact-duplicate key: sha256 of the case-folded NFC text with whitespace collapsed."""
    return fingerprint_canonical(canonical_text(text))


def fingerprint_canonical(canonical: str) -> str:
    """sha256 hex digest of an already canonical text."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def dedupe_keys(text: str, size: int, permutations: int) -> tuple[str, np.ndarray]:
    """``(fingerprint_text(text), compute_signature(text, ...))`` from one canonical pass."""
    canonical = canonical_text(text)
    return fingerprint_canonical(canonical), _signature(
        _shingle_hashes(canonical, size), permutations
    )


def dedupe_keys_many(
    texts: Sequence[str], size: int, permutations: int
) -> list[tuple[str, np.ndarray]]:
    """``[dedupe_keys(text, size, permutations) for text in texts]``, same values.

    The shingles of texts that add up to about _HASH_CHUNK characters are hashed by the same
    few numpy calls and signed by one rensa call: per call, numpy costs more than the arithmetic
    of a 3 KB document, and a larger chunk no longer fits the CPU caches.
    """
    canonicals = [canonical_text(text) for text in texts]
    signatures: list[np.ndarray] = []
    for chunk in _chunks(canonicals, _HASH_CHUNK):
        hashes, offsets = _shingle_hashes_many(chunk, size)
        matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
            hashes, offsets, permutations, MINHASH_SEED
        )
        signatures.extend(np.asarray(matrix.to_rows(), dtype=SIGNATURE_DTYPE))
    return [
        (fingerprint_canonical(canonical), signature)
        for canonical, signature in zip(canonicals, signatures, strict=True)
    ]


def _chunks(texts: list[str], limit: int) -> Iterator[list[str]]:
    """Consecutive runs of ``texts`` of at most ``limit`` characters (or one longer text)."""
    start, total = 0, 0
    for end, text in enumerate(texts):
        if total and total + len(text) > limit:
            yield texts[start:end]
            start, total = end, 0
        total += len(text)
    if start < len(texts):
        yield texts[start:]


def collapse_whitespace(text: str) -> str:
    r"""Runs of whitespace as one space, stripped at both ends.

    Same result as ``re.sub(r"\s+", " ", text).strip()`` (``str.split`` and ``re``'s ``\s`` use
    the same Unicode whitespace set; checked over every code point) at a quarter of the cost.
    A released body (single spaces, paragraphs joined by a blank line) takes a path that makes no
    word list: half the cost again. Its check starts with ``str.isprintable``: every whitespace
    character but the space is unprintable, so a printable text can hold no other (a third of
    the cost of searching them).
    """
    joined = text.replace("\n\n", " ")
    if joined.isprintable():
        irregular = "  " in joined or joined.startswith(" ") or joined.endswith(" ")
    else:
        irregular = "\n" in joined or has_irregular_spaces(joined)
    return " ".join(text.split()) if irregular else joined


def fingerprint_words(fingerprint: str) -> tuple[int, int]:
    """The first 128 bits of a hex fingerprint as two unsigned 64-bit integers."""
    return int(fingerprint[:16], 16), int(fingerprint[16:32], 16)


def id_to_int(article_id: str) -> int:
    """An article id (16 hex digits) as an unsigned 64-bit integer; order is preserved."""
    return int(article_id, 16)


def int_to_id(value: int) -> str:
    """The 16-hex-digit article id of a uint64 (inverse of ``id_to_int``)."""
    return f"{int(value):016x}"


def shingle_hashes(text: str, size: int) -> np.ndarray:
    """64-bit hashes (uint64, with repeats) of the character ``size``-grams of the text.

    The text is taken in its ``canonical_text`` form. Character shingles need no word
    segmentation, so Chinese and space-separated languages are treated alike. A text shorter than
    ``size`` gives one shingle (the whole text).
    """
    return _shingle_hashes(canonical_text(text), size)


def _shingle_hashes(canonical: str, size: int) -> np.ndarray:
    points = np.frombuffer(canonical.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return _mix64(_rolling_hashes(points, size))


def _rolling_hashes(points: np.ndarray, size: int) -> np.ndarray:
    """The unmixed polynomial hash of every ``size``-window of ``points`` (uint64 code points).

    Fewer than ``size`` points give one hash, of all of them.
    """
    width = min(size, len(points))
    count = len(points) - width + 1
    hashes = np.full(count, width, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(width):
            np.multiply(hashes, _POLY, out=hashes)
            np.add(hashes, points[offset : offset + count], out=hashes)
    return hashes


def _shingle_hashes_many(canonicals: Sequence[str], size: int) -> tuple[np.ndarray, np.ndarray]:
    """``_shingle_hashes`` of each text, end to end, and the offsets of each text's run.

    One rolling hash runs over the texts joined; each text keeps the windows that lie inside it
    (a text shorter than ``size`` gets its one whole-text hash, as in ``_shingle_hashes``).
    """
    lengths = [len(canonical) for canonical in canonicals]
    points = np.frombuffer("".join(canonicals).encode("utf-32-le"), dtype=np.uint32)
    points = points.astype(np.uint64)
    rolling = _rolling_hashes(points, size)  # windows across two texts are never taken
    runs, start = [], 0
    for length in lengths:
        if length >= size:
            runs.append(rolling[start : start + length - size + 1])
        else:
            runs.append(_rolling_hashes(points[start : start + length], size))
        start += length
    hashes = np.concatenate(runs)
    offsets = np.zeros(len(runs) + 1, dtype=np.uint64)
    np.cumsum([len(run) for run in runs], out=offsets[1:])
    return _mix64(hashes), offsets


_MIX_SHIFT = np.uint64(33)
_MIX_FACTORS = (np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))


def _mix64(x: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: spreads every input bit over the whole word.

    Works in place (``x`` is overwritten and returned): half the time of fresh arrays.
    """
    shifted = np.empty_like(x)
    with np.errstate(over="ignore"):
        for factor in _MIX_FACTORS:
            np.bitwise_xor(x, np.right_shift(x, _MIX_SHIFT, out=shifted), out=x)
            np.multiply(x, factor, out=x)
        np.bitwise_xor(x, np.right_shift(x, _MIX_SHIFT, out=shifted), out=x)
        return x


def compute_signature(text: str, size: int, permutations: int) -> np.ndarray:
    """MinHash signature (uint32 array of length ``permutations``) of the text's shingles.

    Deterministic across processes, machines and worker counts (fixed seed, no Python ``hash``).
    """
    return _signature(shingle_hashes(text, size), permutations)


def _signature(hashes: np.ndarray, permutations: int) -> np.ndarray:
    offsets = np.array([0, len(hashes)], dtype=np.uint64)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        hashes, offsets, permutations, MINHASH_SEED
    )
    return np.asarray(matrix.to_rows()[0], dtype=SIGNATURE_DTYPE)


def estimate_jaccard(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of signature rows: the share of equal MinHash slots."""
    return np.count_nonzero(a == b, axis=-1) / a.shape[-1]


def lsh_bands(threshold: float, permutations: int) -> tuple[int, int]:
    """``(bands, rows)`` of the LSH index for a threshold (datasketch's optimum).

    A missed pair is weighted four times a spurious candidate: every candidate is confirmed by its
    estimated Jaccard before it links anything, so extra candidates cost a comparison, not
    precision (on the 20k benchmark corpus: recall 0.989 -> 0.995, 725 -> 730 candidates).

    The answer is datasketch's ``_optimal_param``, computed without importing scipy (about
    0.8 s of CPU a build): both probabilities integrate a polynomial of degree ``bands * rows <=
    permutations``, which Gauss-Legendre quadrature with ``permutations // 2 + 1`` nodes
    integrates exactly. When another ``(bands, rows)`` comes within ``_LSH_TIE`` of the best
    weighted error (beyond what the two quadratures can disagree on), datasketch decides.
    """
    pairs = [(b, r) for b in range(1, permutations + 1) for r in range(1, permutations // b + 1)]
    bands, rows = np.array(pairs, dtype=np.float64).T
    false_positive = threshold - _integrate_miss(bands, rows, 0.0, threshold, permutations)
    false_negative = _integrate_miss(bands, rows, threshold, 1.0, permutations)
    error = false_positive * _LSH_WEIGHTS[0] + false_negative * _LSH_WEIGHTS[1]
    best = int(np.argmin(error))
    if np.count_nonzero(error - error[best] < _LSH_TIE) > 1:
        # Imported here: datasketch pulls in scipy, which the build otherwise never needs.
        from datasketch.lsh import _optimal_param

        return _optimal_param(threshold, permutations, *_LSH_WEIGHTS)
    return pairs[best]


def _integrate_miss(
    bands: np.ndarray, rows: np.ndarray, low: float, high: float, permutations: int
) -> np.ndarray:
    """``integral of (1 - s**rows) ** bands ds`` from ``low`` to ``high``, for each pair."""
    nodes, weights = np.polynomial.legendre.leggauss(permutations // 2 + 1)
    half = (high - low) / 2
    points = half * nodes + (high + low) / 2
    miss = (1.0 - points[None, :] ** rows[:, None]) ** bands[:, None]
    return half * (miss @ weights)


def band_hashes(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One uint64 hash per LSH band for each signature row: shape ``(n, bands)``."""
    n = signatures.shape[0]
    out = np.empty((n, bands), dtype=np.uint64)
    for start in range(0, n, _VERIFY_CHUNK):
        block = np.asarray(signatures[start : start + _VERIFY_CHUNK])[:, : bands * rows]
        block = block.astype(np.uint64).reshape(len(block), bands, rows)
        acc = np.full(block.shape[:2], rows, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for column in range(rows):
                acc = _mix64(acc * _POLY + block[:, :, column])
        out[start : start + len(block)] = acc
    return out


def candidate_pairs(bands: np.ndarray) -> np.ndarray:
    """Unique row pairs ``(i, j)``, ``i < j``, that share at least one band hash: ``(p, 2)``.

    All bands at once: rows are sorted by (band, hash, row), and each row of a run of equal
    (band, hash) is paired with the rows after it in the run, without a Python loop per run.
    """
    n, width = bands.shape
    if n < 2 or width == 0:
        return np.empty((0, 2), dtype=np.int64)
    values = bands.T.reshape(-1)
    band = np.repeat(np.arange(width), n)
    rows = np.tile(np.arange(n, dtype=np.int64), width)
    order = np.lexsort((rows, values, band))
    values, band, rows = values[order], band[order], rows[order]
    new_run = np.r_[True, (values[1:] != values[:-1]) | (band[1:] != band[:-1])]
    run_start = np.flatnonzero(new_run)
    run_end = np.r_[run_start[1:], len(rows)]
    # Each row pairs with the rows after it in its run.
    after = np.repeat(run_end, run_end - run_start) - np.arange(len(rows)) - 1
    total = int(after.sum())
    if total == 0:
        return np.empty((0, 2), dtype=np.int64)
    left = np.repeat(np.arange(len(rows)), after)
    step = np.arange(total) - np.repeat(np.cumsum(after) - after, after) + 1
    unique = np.unique(rows[left] * n + rows[left + step])
    return np.stack((unique // n, unique % n), axis=1)


def cluster_near_duplicates(
    ids: np.ndarray,
    signatures: np.ndarray,
    threshold: float,
    permutations: int,
    active: np.ndarray | None = None,
) -> np.ndarray:
    """The cluster id (uint64, the smallest id of its cluster) of every row.

    ``ids`` is a uint64 array and ``signatures`` the matching ``(n, permutations)`` matrix (any
    object that returns rows for a slice or an integer array, e.g. a ``SignatureSpill``). Rows are
    candidates when they share an LSH band and are linked when their estimated Jaccard similarity is
    at least ``threshold``. Links join clusters from the most similar pair down, and two clusters
    join only when their representatives (smallest ids) are themselves at least ``threshold``
    similar: a chain A~B~C~D never merges A with an unrelated D. Rows where ``active`` is False are
    left out (their cluster is their own id). The result depends on the rows, not on their order.
    """
    ids = np.asarray(ids, dtype=np.uint64)
    clusters = ids.copy()
    if len(ids) < 2:
        return clusters
    bands, rows = lsh_bands(threshold, permutations)
    pairs = candidate_pairs(band_hashes(signatures, bands, rows))
    if active is not None:
        pairs = pairs[active[pairs[:, 0]] & active[pairs[:, 1]]]
    links, similarity = confirm_pairs(pairs, signatures, threshold)
    parent: dict[int, int] = {}
    for a, b in links[rank_links(ids, links, similarity)].tolist():
        join_if_similar(parent, ids, signatures, threshold, a, b)
    for node in parent:
        clusters[node] = ids[_find(parent, node)]
    return clusters


def confirm_pairs(
    pairs: np.ndarray, signatures: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs whose estimated Jaccard reaches ``threshold``, and that similarity."""
    linked, similarity = [pairs[:0]], [np.empty(0)]
    for start in range(0, len(pairs), _VERIFY_CHUNK):
        chunk = pairs[start : start + _VERIFY_CHUNK]
        estimate = estimate_jaccard(signatures[chunk[:, 0]], signatures[chunk[:, 1]])
        similar = estimate >= threshold
        linked.append(chunk[similar])
        similarity.append(estimate[similar])
    return np.concatenate(linked), np.concatenate(similarity)


def rank_links(ids: np.ndarray, links: np.ndarray, similarity: np.ndarray) -> np.ndarray:
    """Order of the links: most similar first, ties by the pair's ids (independent of row order)."""
    low = np.minimum(ids[links[:, 0]], ids[links[:, 1]])
    high = np.maximum(ids[links[:, 0]], ids[links[:, 1]])
    return np.lexsort((high, low, -similarity))


def join_if_similar(
    parent: dict[int, int],
    ids: np.ndarray,
    signatures: np.ndarray,
    threshold: float,
    a: int,
    b: int,
) -> None:
    """Join the clusters of rows ``a`` and ``b`` when their representatives are similar enough."""
    root_a, root_b = _find(parent, a), _find(parent, b)
    if root_a == root_b:
        return
    if (a, b) != (root_a, root_b) and (b, a) != (root_a, root_b):
        rows = signatures[np.array([root_a, root_b])]
        if estimate_jaccard(rows[0], rows[1]) < threshold:
            return
    _union(parent, ids, root_a, root_b)


def _find(parent: dict[int, int], node: int) -> int:
    parent.setdefault(node, node)
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def _union(parent: dict[int, int], ids: np.ndarray, a: int, b: int) -> None:
    root_a, root_b = _find(parent, a), _find(parent, b)
    if root_a != root_b:
        # The row with the smaller id becomes the root, so the cluster id is the smallest member id.
        low, high = (root_a, root_b) if ids[root_a] < ids[root_b] else (root_b, root_a)
        parent[high] = low


def select_exact_duplicates(
    ids: np.ndarray, fingerprints: np.ndarray, order_keys: np.ndarray
) -> np.ndarray:
    """For each row, the row it duplicates (its group's keeper), or -1 when it is kept.

    ``fingerprints`` is ``(n, 2)`` uint64; rows with equal fingerprints form a group whose keeper
    has the smallest id, then the smallest ``order_keys`` value (e.g. the document index), so the
    answer does not depend on the order in which rows arrived.
    """
    n = len(ids)
    keeper_of = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return keeper_of
    order = np.lexsort((order_keys, ids, fingerprints[:, 1], fingerprints[:, 0]))
    fp_sorted = fingerprints[order]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = np.any(fp_sorted[1:] != fp_sorted[:-1], axis=1)
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    keepers = order[group_start]
    duplicate = ~new_group
    keeper_of[order[duplicate]] = keepers[duplicate]
    return keeper_of


def group_exact_duplicates(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Map each duplicate id to the kept id, given ``(id, fingerprint)`` pairs (small inputs)."""
    pairs = sorted(items)
    if not pairs:
        return {}
    ids = np.array([id_to_int(i) for i, _ in pairs], dtype=np.uint64)
    fps = np.array([fingerprint_words(fp) for _, fp in pairs], dtype=np.uint64)
    keeper_of = select_exact_duplicates(ids, fps, np.arange(len(pairs)))
    return {pairs[i][0]: pairs[k][0] for i, k in enumerate(keeper_of) if k >= 0}
