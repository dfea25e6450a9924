"""Corpus steps of deduplication over the compact ``Corpus`` state (``dataset.build.corpus``).

Exact duplicates and same-source files become rejects; near duplicates are clustered with the
MinHash signatures spilled per document. The algorithms live in ``dataset.build.dedupe``.
"""

from __future__ import annotations

import numpy as np

from dataset.build.corpus import Corpus
from dataset.build.dedupe import cluster_near_duplicates, int_to_id, select_exact_duplicates
from dataset.config import BuildConfig
from dataset.records import Reject
from dataset.runtime.timing import timed_stage


@timed_stage("exact_duplicates")
def drop_exact_duplicates(corpus: Corpus) -> None:
    """Turn exact duplicates into rejects, keeping one article of each group.

    All but one article of each same-text group become ``exact_duplicate`` rejects, then all but
    one of each same-id group ``duplicate_source`` rejects (``drop_same_source``).

    Fills ``corpus.keeper_of``: for every spilled article, the position of the article kept in
    its place, or -1 when it is kept itself.
    """
    ids = np.frombuffer(corpus.ids, dtype=np.uint64)
    fingerprints = np.frombuffer(corpus.fingerprints, dtype=np.uint64).reshape(-1, 2)
    doc_index = np.frombuffer(corpus.doc_index, dtype=np.int64)
    # The first document by path is kept: ids are hashes of identities, no better order.
    corpus.keeper_of = select_exact_duplicates(doc_index.astype(np.uint64), fingerprints, doc_index)
    dropped = np.flatnonzero(corpus.keeper_of >= 0)
    languages = corpus.language_names()
    for position in dropped[np.argsort(doc_index[dropped], kind="stable")].tolist():
        index = int(doc_index[position])
        keeper = corpus.keeper_of[position]
        kept_id = int_to_id(ids[keeper])
        source_file = corpus.names[index]
        same_bytes = np.array_equal(
            corpus.raw_sha256[index], corpus.raw_sha256[int(doc_index[keeper])]
        )
        same = "content" if same_bytes else "cleaned text"
        corpus.rejects.append(
            Reject(
                source_file,
                bytes(corpus.raw_sha256[index]).hex(),
                "exact_duplicate",
                f"{source_file}: same {same} as article {kept_id}",
                duplicate_of=kept_id,
                language=languages[corpus.language_codes[position]],
            ).to_row()
        )
        corpus.reject_counts["exact_duplicate"] += 1
    drop_same_source(corpus, ids, doc_index)


def drop_same_source(corpus: Corpus, ids: np.ndarray, doc_index: np.ndarray) -> None:
    """Keep one article per id: the others become ``duplicate_source`` rejects.

    Among kept articles that share an id (raw files recording the same source URL), the first by
    path is kept, so ids stay unique.
    """
    kept = np.flatnonzero(corpus.keeper_of < 0)
    order = kept[np.lexsort((doc_index[kept], ids[kept]))]
    repeats = np.concatenate(([False], ids[order[1:]] == ids[order[:-1]]))
    if not repeats.any():
        return
    starts = np.maximum.accumulate(np.where(repeats, 0, np.arange(len(order))))
    languages = corpus.language_names()
    for k in np.flatnonzero(repeats).tolist():
        position, keeper = int(order[k]), int(order[starts[k]])
        corpus.keeper_of[position] = keeper
        index = int(doc_index[position])
        source_file, kept_file = corpus.names[index], corpus.names[int(doc_index[keeper])]
        kept_id = int_to_id(ids[keeper])
        corpus.rejects.append(
            Reject(
                source_file,
                bytes(corpus.raw_sha256[index]).hex(),
                "duplicate_source",
                f"{source_file}: records the same source URL as {kept_file} (article "
                f"{kept_id}), which is kept; keep one file per URL",
                duplicate_of=kept_id,
                language=languages[corpus.language_codes[position]],
            ).to_row()
        )
        corpus.reject_counts["duplicate_source"] += 1


@timed_stage("near_duplicates")
def cluster_corpus(corpus: Corpus, config: BuildConfig) -> None:
    """Fill ``corpus.clusters``: the near-duplicate cluster id (uint64) of every spilled article."""
    corpus.clusters = cluster_near_duplicates(
        np.frombuffer(corpus.ids, dtype=np.uint64),
        corpus.signatures,
        config.near_duplicate_threshold,
        config.minhash_permutations,
        active=corpus.keeper_of < 0,
    )
