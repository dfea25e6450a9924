"""Stage 5, split: assign each duplicate cluster to train, validation or test.

The split is a pure function of the cluster id (a hash mapped to [0, 1) and cut at the cumulative
ratios), so it is stable when documents are reordered or added, and a whole near-duplicate cluster
always lands in one split: no leakage of near-identical articles between splits.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import numpy as np

from dataset.build.dedupe import int_to_id
from dataset.config import SPLIT_NAMES, BuildConfig
from dataset.runtime.timing import timed_stage

if TYPE_CHECKING:
    from dataset.build.corpus import Corpus


def hash_to_unit(key: str) -> float:
    """Map a string to a float in [0, 1) by sha256; the same key always gives the same value."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") / 2**64


def assign_split(cluster_id: str, ratios: dict[str, float]) -> str:
    """The split of a cluster given ``{split: ratio}`` ratios that sum to 1."""
    point = hash_to_unit(cluster_id)
    cumulative = 0.0
    for name in SPLIT_NAMES:
        cumulative += ratios.get(name, 0.0)
        if point < cumulative:
            return name
    # Only reached through float rounding at the top end: give it to the last non-empty split.
    return next(name for name in reversed(SPLIT_NAMES) if ratios.get(name, 0.0) > 0)


@timed_stage("split")
def assign_splits(corpus: Corpus, config: BuildConfig) -> None:
    """Fill ``corpus.splits``: the index in ``SPLIT_NAMES`` of every spilled article's split."""
    clusters, inverse = np.unique(corpus.clusters, return_inverse=True)
    codes = np.array(
        [SPLIT_NAMES.index(assign_split(int_to_id(c), config.split_ratios)) for c in clusters],
        dtype=np.uint8,
    )
    corpus.splits = codes[inverse]
