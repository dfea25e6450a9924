"""The check that every document found ends exactly once in the shards or the rejects."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dataset.build.read import DocumentNames
from dataset.errors import BuildError
from dataset.release.accounting import check_every_file_accounted

NAMES = ["中文/新闻.txt", "عربي.txt", "Tiếng Việt.txt", "fr/a-b.txt", "fr/a/b.txt", "z.txt"]


def stage(tmp_path: Path, shards: dict[str, list[str]], rejects: list[str] | None) -> Path:
    """A staging folder holding only the ``source_file`` column of shards and rejects."""
    staging = tmp_path / "staging"
    for shard, names in shards.items():
        (staging / shard).parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table({"source_file": pa.array(names, pa.string())}), staging / shard)
    if rejects is not None:
        (staging / "rejects").mkdir(parents=True)
        table = pa.table({"source_file": pa.array(rejects, pa.string())})
        pq.write_table(table, staging / "rejects" / "rejects.parquet")
    return staging


def check(tmp_path: Path, shards: dict[str, list[str]], rejects: list[str] | None) -> None:
    check_every_file_accounted(DocumentNames(tmp_path, NAMES), stage(tmp_path, shards, rejects))


def test_every_file_once_passes_in_any_order(tmp_path):
    shards = {"data/zh/train-00000-of-00001.parquet": ["z.txt", "中文/新闻.txt"]}
    shards["data/fr/test-00000-of-00001.parquet"] = ["fr/a/b.txt", "Tiếng Việt.txt", "fr/a-b.txt"]
    check(tmp_path, shards, ["عربي.txt"])


def test_no_rejects_file_is_no_rejects(tmp_path):
    check(tmp_path, {"data/fr/train-00000-of-00001.parquet": NAMES[::-1]}, None)


def test_a_lost_file_is_named(tmp_path):
    shards = {"data/fr/train-00000-of-00001.parquet": NAMES[2:]}
    with pytest.raises(BuildError) as error:
        check(tmp_path, shards, [NAMES[1]])
    assert str(error.value) == (
        "accounting mismatch: 1 file(s) neither kept nor rejected ['中文/新闻.txt'], "
        "0 counted twice or unknown []; nothing was written"
    )


def test_a_file_counted_twice_and_an_unknown_one_are_named(tmp_path):
    shards = {
        "data/fr/train-00000-of-00001.parquet": NAMES[:4],
        "data/fr/test-00000-of-00001.parquet": ["fr/a/b.txt", "z.txt"],
    }
    rejects = ["fr/a/b.txt", "ghost.txt", "ghost.txt", "عربي.txt"]
    with pytest.raises(BuildError) as error:
        check(tmp_path, shards, rejects)
    assert str(error.value) == (
        "accounting mismatch: 0 file(s) neither kept nor rejected [], 4 counted twice or unknown "
        "['fr/a/b.txt', 'ghost.txt', 'ghost.txt']; nothing was written"
    )


def test_nothing_written_at_all_loses_every_file(tmp_path):
    with pytest.raises(BuildError, match=r"6 file\(s\) neither kept nor rejected \['Ti"):
        check(tmp_path, {}, None)
