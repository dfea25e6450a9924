"""Removing the build's scratch folder beside the next steps (dataset/runtime/transaction.py)."""

from __future__ import annotations

from dataset.runtime.transaction import remove_in_background


def test_the_scratch_folder_is_gone_after_join_and_its_siblings_stay(tmp_path):
    scratch = tmp_path / "_work"
    for relative in ("articles/00.arrow", "line_hashes/3f.rec", "中文/مرحبا/Việt.bin"):
        (scratch / relative).parent.mkdir(parents=True, exist_ok=True)
        (scratch / relative).write_bytes(b"\0" * 4096)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.parquet").write_bytes(b"PAR1")
    thread = remove_in_background(scratch)
    thread.join()
    assert not scratch.exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["data", "train.parquet"]


def test_a_missing_folder_is_no_error(tmp_path):
    thread = remove_in_background(tmp_path / "never made")
    thread.join()
    assert not thread.is_alive() and sorted(tmp_path.iterdir()) == []
