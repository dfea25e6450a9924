"""Near-duplicate clusters of a benchmark release against the corpus generator's ground truth.

    python -m benchmarks.near_duplicates RELEASE_DIR [--seed 0]

The generator knows which original each document copies (``benchmarks.corpus.document_kind``),
so every released row has a true family. Scores are over pairs of released rows: precision is the
share of pairs in one ``duplicate_cluster`` that are one family, recall the share of same-family
pairs that share a cluster. Exact copies are rejects, so only originals and near copies count.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import polars as pl

from benchmarks.corpus import document_kind

_INDEX = re.compile(r"doc-(\d+)")


def read_clusters(release: Path, seed: int) -> pl.DataFrame:
    """``id``, ``cluster`` and true ``family`` of every released row of a benchmark release."""
    rows = pl.concat(
        pl.read_parquet(path, columns=["id", "duplicate_cluster", "source_file"])
        for path in sorted(release.glob("data/*/*.parquet"))
    )
    families = [
        document_kind(seed, int(_INDEX.search(name).group(1)))[1] for name in rows["source_file"]
    ]
    return rows.select(pl.col("id"), pl.col("duplicate_cluster").alias("cluster")).with_columns(
        family=pl.Series(families, dtype=pl.Int64)
    )


def count_pairs(frame: pl.DataFrame, keys: list[str]) -> int:
    """Number of unordered row pairs that agree on ``keys``."""
    sizes = frame.group_by(keys).len()["len"]
    return int((sizes * (sizes - 1) // 2).sum())


def score_clusters(frame: pl.DataFrame) -> dict[str, float | int]:
    """Pair precision and recall of ``cluster`` against ``family``, and the mixed clusters."""
    predicted = count_pairs(frame, ["cluster"])
    true = count_pairs(frame, ["family"])
    both = count_pairs(frame, ["cluster", "family"])
    mixed = frame.group_by("cluster").agg(pl.col("family").n_unique().alias("families"))
    mixed = mixed.filter(pl.col("families") > 1)
    return {
        "predicted_pairs": predicted,
        "true_pairs": true,
        "precision": both / predicted if predicted else 1.0,
        "recall": both / true if true else 1.0,
        "mixed_clusters": mixed.height,
        "most_families_in_a_cluster": int(mixed["families"].max() or 1) if mixed.height else 1,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("release", type=Path, help="A release built from a benchmark corpus.")
    parser.add_argument("--seed", type=int, default=0, help="The corpus generator's seed.")
    args = parser.parse_args(argv)
    scores = score_clusters(read_clusters(args.release, args.seed))
    for name, value in scores.items():
        print(f"{name:28} {value:.4f}" if isinstance(value, float) else f"{name:28} {value}")


if __name__ == "__main__":
    main()
