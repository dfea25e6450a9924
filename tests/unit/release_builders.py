"""Tiny release folders written straight from rows, for unit tests of diff and changelog."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa

from dataset.build.write import article_arrow_schema, write_split

CONFIG_HASH = "0123456789abcdef"


def article(
    id_: str, language: str = "zh", text: str = "卡拉巴赫冲突新闻正文。", **overrides
) -> dict:
    """One article row with every declared column filled (override any column by name)."""
    row = {
        "id": id_,
        "language": language,
        "language_score": 0.9,
        "script": "Hans",
        "other_languages": [],
        "title": None,
        "text": text,
        "published_date": dt.date(2023, 9, 20),
        "published_date_raw": "20/09/2023",
        "publisher": None,
        "duplicate_cluster": id_,
        "source_file": f"{id_}.txt",
        "raw_sha256": "0" * 64,
        "entities": [],
        "events": [],
    }
    row.update(overrides)
    return row


def make_release(
    root: Path,
    rows: dict[tuple[str, str], list[dict]],
    version: str = "0.1.0",
    row_group_size: int = 1000,
    schema: pa.Schema | None = None,
) -> Path:
    """Write ``{(language, split): rows}`` as a release folder with a minimal manifest."""
    schema = schema or article_arrow_schema(CONFIG_HASH)
    for (language, split), part in rows.items():
        table = pa.Table.from_pylist(part, schema=schema)
        write_split(table, root, language, split, 100, row_group_size, schema)
    manifest = {"release_version": version, "schema_version": "1.0.0", "config_hash": CONFIG_HASH}
    (root / "build_manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root
