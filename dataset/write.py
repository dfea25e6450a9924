"""Stage 6, write: byte-stable Parquet shards, the rejects table and the build manifest.

Layout (Hugging Face Hub): ``data/{language}/{split}-{i:05d}-of-{n:05d}.parquet``. Every file is
written with the explicit schema derived from schemas/, zstd, a fixed row-group size, rows sorted
by id, and key-value metadata holding the schema version, release version and config hash. A split
with zero rows is never written. The same rows and settings always give the same bytes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from dataset import __version__
from dataset.schema import TableSchema, article_schema, reject_schema

METADATA_KEY = b"karabakh_news"
ZSTD_LEVEL = 9


def shard_path(language: str, split: str, index: int, count: int) -> str:
    """Release-relative path of one shard, e.g. ``data/fr/train-00000-of-00001.parquet``."""
    return f"data/{language}/{split}-{index:05d}-of-{count:05d}.parquet"


def schema_with_metadata(table: TableSchema, config_hash: str) -> pa.Schema:
    """The declared Arrow schema plus our key-value metadata and the Hugging Face features."""
    from datasets import Features  # imported lazily: `datasets` is slow to import

    schema = table.to_pyarrow()
    ours = {
        "table": table.name,
        "schema_version": table.schema_version,
        "release_version": __version__,
        "config_hash": config_hash,
    }
    features = Features.from_arrow_schema(schema).to_dict()
    return schema.with_metadata(
        {
            METADATA_KEY: json.dumps(ours, sort_keys=True).encode(),
            b"huggingface": json.dumps({"info": {"features": features}}, sort_keys=True).encode(),
        }
    )


def write_parquet(table: pa.Table, path: Path, row_group_size: int) -> None:
    """Write one table with the fixed, deterministic writer settings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        table,
        path,
        row_group_size=row_group_size,
        compression="zstd",
        compression_level=ZSTD_LEVEL,
        write_statistics=True,
        write_page_index=True,
        store_schema=True,
    )


def write_split(
    rows: pa.Table,
    out_dir: Path,
    language: str,
    split: str,
    rows_per_shard: int,
    row_group_size: int,
    schema: pa.Schema,
) -> dict[str, int]:
    """Write one language/split as shards sorted by id; returns ``{relative path: row count}``.

    ``rows`` must hold exactly the declared columns; a zero-row table writes nothing.
    """
    if rows.num_rows == 0:
        return {}
    rows = rows.select(schema.names).cast(schema).sort_by("id")
    count = math.ceil(rows.num_rows / rows_per_shard)
    written = {}
    for index in range(count):
        part = rows.slice(index * rows_per_shard, rows_per_shard)
        relative = shard_path(language, split, index, count)
        write_parquet(part, out_dir / relative, row_group_size)
        written[relative] = part.num_rows
    return written


def write_rejects(
    rows: list[dict[str, Any]], out_dir: Path, config_hash: str, row_group_size: int
) -> str:
    """Write ``rejects/rejects.parquet`` sorted by source file (written even when empty)."""
    schema = schema_with_metadata(reject_schema(), config_hash)
    table = pa.Table.from_pylist(sorted(rows, key=lambda r: r["source_file"]), schema=schema)
    relative = "rejects/rejects.parquet"
    write_parquet(table, out_dir / relative, row_group_size)
    return relative


def article_arrow_schema(config_hash: str) -> pa.Schema:
    return schema_with_metadata(article_schema(), config_hash)


def write_json(data: Any, path: Path) -> None:
    """Write JSON deterministically (sorted keys, UTF-8, trailing newline)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
