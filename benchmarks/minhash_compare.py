"""Compare MinHash implementations on labelled near-duplicate pairs: accuracy and speed.

    python -m benchmarks.minhash_compare --docs 300

Labelled cases: documents of the synthetic corpus, each paired with copies edited at several
rates (words replaced, lines dropped) and with an unrelated document. The label of a pair is its
exact Jaccard similarity of character 5-gram sets (computed from the sets, no sketch), and whether
that reaches the near-duplicate threshold 0.8. Each implementation is scored on: cost per
document, mean absolute error of its Jaccard estimate, precision and recall of "estimate >= 0.8"
against the label, and LSH candidate recall (pairs sharing a band) on the positive pairs.
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np
import rensa
from datasketch import MinHash

from benchmarks.corpus import make_document
from dataset.build.dedupe import (
    band_hashes,
    collapse_whitespace,
    compute_signature,
    estimate_jaccard,
    lsh_bands,
    shingle_hashes,
)

THRESHOLD = 0.8
PERMUTATIONS = 128
SIZE = 5
EDIT_RATES = (0.0, 0.01, 0.03, 0.05, 0.08, 0.12, 0.2, 0.35)


def shingles(text: str) -> set[str]:
    canonical = collapse_whitespace(text.casefold())
    if len(canonical) <= SIZE:
        return {canonical}
    return {canonical[i : i + SIZE] for i in range(len(canonical) - SIZE + 1)}


def datasketch_signature(text: str) -> np.ndarray:
    """The previous implementation: datasketch, sha1 of UTF-8 shingles, affine32 permutations."""
    minhash = MinHash(num_perm=PERMUTATIONS, seed=1, scheme="affine32")
    minhash.update_batch(sorted(s.encode("utf-8") for s in shingles(text)))
    return minhash.hashvalues.astype(np.uint64)


_RNG = np.random.default_rng(1)
_A = _RNG.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _RNG.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)


def numpy_signature(text: str) -> np.ndarray:
    """Pure numpy: the same shingle hashes, 128 multiply-shift permutations, min per column."""
    hashes = np.unique(shingle_hashes(text, SIZE))
    with np.errstate(over="ignore"):
        permuted = (hashes[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return permuted.min(axis=0)


def rensa_string_signature(text: str) -> np.ndarray:
    """rensa over Python string shingles (rensa hashes the strings itself)."""
    minhash = rensa.RMinHash(PERMUTATIONS, 1)
    minhash.update(sorted(shingles(text)))
    return np.asarray(minhash.digest(), dtype=np.uint32)


METHODS = {
    "datasketch MinHash (previous)": datasketch_signature,
    "numpy multiply-shift": numpy_signature,
    "rensa, string shingles": rensa_string_signature,
    "rensa, numpy shingle hashes (chosen)": lambda t: compute_signature(t, SIZE, PERMUTATIONS),
}


def edit(text: str, rate: float, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(int(len(words) * rate)):
        words[rng.randrange(len(words))] = rng.choice(("Karabakh", "Bakou", "Stepanakert", "巴库"))
    return " ".join(words)


def labelled_pairs(documents: int) -> list[tuple[str, str, float]]:
    rng = random.Random(0)
    texts = [make_document(11, i) for i in range(documents)]
    pairs = []
    for i, text in enumerate(texts):
        for rate in EDIT_RATES:
            pairs.append((text, edit(text, rate, rng)))
        pairs.append((text, texts[(i + 1) % len(texts)]))
    labelled = []
    for a, b in pairs:
        sa, sb = shingles(a), shingles(b)
        labelled.append((a, b, len(sa & sb) / len(sa | sb)))
    return labelled


def score(name: str, pairs: list[tuple[str, str, float]]) -> dict:
    function = METHODS[name]
    texts = list(dict.fromkeys(t for a, b, _ in pairs for t in (a, b)))
    started = time.process_time()
    signatures = {t: function(t) for t in texts}
    cost_ms = (time.process_time() - started) / len(texts) * 1000
    truth = np.array([j for _, _, j in pairs])
    left = np.stack([signatures[a] for a, _, _ in pairs])
    right = np.stack([signatures[b] for _, b, _ in pairs])
    estimate = estimate_jaccard(left, right)
    predicted, actual = estimate >= THRESHOLD, truth >= THRESHOLD
    bands, rows = lsh_bands(THRESHOLD, PERMUTATIONS)
    band_left = band_hashes(left.astype(np.uint32), bands, rows)
    band_right = band_hashes(right.astype(np.uint32), bands, rows)
    candidate = np.any(band_left == band_right, axis=1)
    return {
        "ms_per_doc": cost_ms,
        "mae": float(np.mean(np.abs(estimate - truth))),
        "precision": float((predicted & actual).sum() / max(1, predicted.sum())),
        "recall": float((predicted & actual).sum() / max(1, actual.sum())),
        "lsh_recall": float((candidate & actual).sum() / max(1, actual.sum())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    args = parser.parse_args()
    pairs = labelled_pairs(args.docs)
    positives = sum(j >= THRESHOLD for _, _, j in pairs)
    print(f"{len(pairs)} labelled pairs, {positives} with exact Jaccard >= {THRESHOLD}\n")
    print("| implementation | ms/doc (CPU) | mean abs. error | precision | recall | LSH recall |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in METHODS:
        s = score(name, pairs)
        print(
            f"| {name} | {s['ms_per_doc']:.3f} | {s['mae']:.4f} | {s['precision']:.3f} | "
            f"{s['recall']:.3f} | {s['lsh_recall']:.3f} |"
        )


if __name__ == "__main__":
    main()
