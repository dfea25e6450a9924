"""Spill files (dataset/runtime/spill.py) on inline multilingual rows."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from dataset.runtime.spill import BucketSpill, SignatureSpill, id_prefix_buckets

SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("text", pa.string()),
        pa.field("score", pa.float32(), nullable=False),
        pa.field("position", pa.int64(), nullable=False),
    ]
)
ROWS = [
    {"id": "0a1", "text": "亚美尼亚和阿塞拜疆继续举行谈判。", "score": 0.25},
    {"id": "f02", "text": "تتواصل المفاوضات بين أرمينيا وأذربيجان", "score": 1.0},
    {"id": "0b3", "text": "Các cuộc đàm phán vẫn đang tiếp diễn.", "score": 0.5},
    {"id": "7c4", "text": "", "score": 0.75},
    {"id": "f05", "text": " \n\n\t", "score": 0.125},
    {"id": "0d6", "text": None, "score": 0.0},
]


def spilled(folder, fill) -> list[pa.Table]:
    spill = BucketSpill(folder, SCHEMA, id_prefix_buckets("id", 1), batch_rows=4)
    fill(spill)
    spill.close()
    return list(spill.buckets())


def test_rows_taken_from_tables_spill_as_the_same_rows_appended_as_dicts(tmp_path):
    """Two batch tables, rows taken out of order, with reject-like dict rows in between."""
    batches = [
        pa.Table.from_pylist(ROWS[:3], SCHEMA.remove(3)),
        pa.Table.from_pylist(ROWS[3:], SCHEMA.remove(3)),
    ]
    picks = [(0, 2), (0, 0), (1, 1), (1, 0), (0, 1), (1, 2)]

    def as_dicts(spill):
        for position, (batch, row) in enumerate(picks):
            spill.append(ROWS[3 * batch + row] | {"position": position})

    def from_tables(spill):
        for position, (batch, row) in enumerate(picks):
            spill.append_from(batches[batch], row, {"position": position})

    expected = spilled(tmp_path / "dicts", as_dicts)
    found = spilled(tmp_path / "tables", from_tables)
    assert [len(t) for t in found] == [3, 1, 2]
    assert len(found) == len(expected)
    for got, want in zip(found, expected, strict=True):
        assert got.schema == SCHEMA and got.equals(want)


def test_dict_rows_and_table_rows_share_one_buffer(tmp_path):
    table = pa.Table.from_pylist(ROWS[:2], SCHEMA.remove(3))

    def mixed(spill):
        spill.append_from(table, 1, {"position": 0})
        spill.append(ROWS[2] | {"position": 1})
        spill.append_from(table, 0, {"position": 2})

    rows = pa.concat_tables(spilled(tmp_path, mixed)).to_pylist()
    assert sorted((row["id"], row["position"]) for row in rows) == [
        ("0a1", 2),
        ("0b3", 1),
        ("f02", 0),
    ]


def test_signatures_are_rows_of_bytes_of_the_declared_width(tmp_path):
    spill = SignatureSpill(tmp_path / "sig.u32", 4)
    rows = np.array([[1, 2, 3, 4], [2**32 - 1, 0, 7, 9]], dtype=np.uint32)
    for row in rows:
        spill.append(row.tobytes())
    with pytest.raises(ValueError, match="12 bytes in a spill of 4 uint32 values"):
        spill.append(rows[0, :3].tobytes())
    spill.close()
    assert spill.shape == (2, 4)
    assert np.array_equal(spill[0:2], rows) and np.array_equal(spill[np.array([1, 0])], rows[::-1])
