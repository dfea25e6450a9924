"""CHANGELOG.md entries and carrying the previous release's changelog forward."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow.parquet as pq
import pytest
from release_builders import article, make_release

from dataset.build.write import METADATA_KEY
from dataset.errors import ConfigError
from dataset.release.changelog import (
    HEADER,
    record_release_history,
    release_date,
    split_entries,
    update_changelog,
)
from dataset.release.diff import diff_releases

DAY = dt.date(2024, 6, 16)
AR = article("b000000000000002", "ar", "أعلنت أذربيجان أنها شنت عمليات في إقليم ناغورنو كاراباخ.")
FR = article("d000000000000004", "fr", "L'Azerbaïdjan lance une offensive au Haut-Karabakh.")


@pytest.fixture
def first(tmp_path):
    return make_release(tmp_path / "first", {("ar", "train"): [AR]}, version="0.1.0")


def test_initial_entry(first):
    log = update_changelog(None, diff_releases(None, first), DAY)
    assert log.startswith(HEADER)
    entries = split_entries(log)
    assert len(entries) == 1
    assert entries[0].startswith("## 0.1.0 (2024-06-16)\n")
    assert "built without `--previous`" in entries[0]
    assert "| ar | train | 1 |" in entries[0]


def test_new_entry_goes_on_top_and_old_entries_are_kept_verbatim(first, tmp_path):
    initial = update_changelog(None, diff_releases(None, first), DAY)
    second = make_release(
        tmp_path / "second", {("ar", "train"): [AR], ("fr", "test"): [FR]}, version="0.2.0"
    )
    log = update_changelog(initial, diff_releases(first, second), DAY + dt.timedelta(days=1))
    entries = split_entries(log)
    assert [e.splitlines()[0] for e in entries] == [
        "## 0.2.0 (2024-06-17)",
        "## 0.1.0 (2024-06-16)",
    ]
    assert entries[1] == split_entries(initial)[0]
    assert "MINOR release after 0.1.0; the change needs MINOR: 1 record added." in entries[0]
    assert "| fr | test | 0 | 1 | +1 |" in entries[0]
    assert log.count(HEADER) == 1


def test_unchanged_rebuild_of_the_same_version_keeps_the_changelog(first, tmp_path):
    initial = update_changelog(None, diff_releases(None, first), DAY)
    again = make_release(tmp_path / "again", {("ar", "train"): [AR]}, version="0.1.0")
    assert update_changelog(initial, diff_releases(first, again), DAY) == initial


def test_record_release_history_refuses_too_small_a_bump_and_writes_nothing(first, tmp_path):
    staged = make_release(tmp_path / "staged", {("fr", "test"): [FR]}, version="0.2.0")
    before = {p: p.read_bytes() for p in staged.rglob("*") if p.is_file()}
    with pytest.raises(ConfigError, match="1 record removed; 1 record added → MAJOR bump required"):
        record_release_history(staged, first, requested="0.2.0")
    assert not (staged / "diff.json").exists()
    assert not (staged / "CHANGELOG.md").exists()
    assert {p: p.read_bytes() for p in staged.rglob("*") if p.is_file()} == before


def test_record_release_history_stamps_the_smallest_allowed_version(first, tmp_path):
    """No version requested: the previous one bumped as the change needs, stamped everywhere."""
    staged = make_release(
        tmp_path / "staged", {("ar", "train"): [AR], ("fr", "test"): [FR]}, version="0.1.0"
    )
    diff = record_release_history(staged, first)
    assert diff.required_bump() == ("minor", ["1 record added"])
    manifest = json.loads((staged / "build_manifest.json").read_text(encoding="utf-8"))
    assert manifest["release_version"] == "0.2.0"
    written = json.loads((staged / "diff.json").read_text(encoding="utf-8"))
    assert written["new"]["release_version"] == "0.2.0"
    for path in staged.glob("data/*/*.parquet"):
        stamped = json.loads(pq.read_schema(path).metadata[METADATA_KEY])
        assert stamped["release_version"] == "0.2.0"
    assert (staged / "CHANGELOG.md").read_text(encoding="utf-8").count("## 0.2.0 (") == 1


def test_record_release_history_writes_diff_and_changelog(first, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (first / "CHANGELOG.md").write_text(update_changelog(None, diff_releases(None, first), DAY))
    staged = make_release(tmp_path / "staged", {("fr", "test"): [FR]}, version="1.0.0")
    record_release_history(staged, first, requested="1.0.0")
    diff = json.loads((staged / "diff.json").read_text(encoding="utf-8"))
    assert diff["required_bump"] == "major"
    assert diff["records"]["removed"] == [AR["id"]]
    log = (staged / "CHANGELOG.md").read_text(encoding="utf-8")
    assert [e.splitlines()[0] for e in split_entries(log)] == [
        "## 1.0.0 (2023-11-14)",
        "## 0.1.0 (2024-06-16)",
    ]


def test_release_date_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert release_date() == dt.date(1970, 1, 1)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert release_date() == dt.datetime.now(tz=dt.UTC).date()
