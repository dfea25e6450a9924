"""Build the seed release through the real CLI and read it back as users do."""

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from dataset.schema import article_schema
from tests.conftest import SEED_DIR, run_cli

pytestmark = pytest.mark.integration


def parquet_files(release):
    return sorted(p.relative_to(release).as_posix() for p in release.glob("data/*/*.parquet"))


def test_seed_release_layout_and_schema(seed_release):
    files = parquet_files(seed_release)
    assert files, "no Parquet files written"
    expected = article_schema().to_pyarrow()
    for name in files:
        lang, shard = name.split("/")[1:]
        assert shard.split("-")[0] in {"train", "validation", "test"}
        table = pq.read_table(seed_release / name)
        assert table.schema.remove_metadata() == expected.remove_metadata()
        assert table.num_rows > 0
        assert set(table.column("language").to_pylist()) == {lang}
        assert table.column("id").to_pylist() == sorted(table.column("id").to_pylist())
    assert (seed_release / "rejects" / "rejects.parquet").is_file()


def test_polars_reads_every_article(seed_release):
    frame = pl.read_parquet(seed_release / "data" / "*" / "*.parquet")
    assert frame.columns == article_schema().column_names
    assert frame["id"].n_unique() == frame.height
    assert set(frame["source_file"]) <= {p.name for p in SEED_DIR.glob("*.txt")}


def test_manifest_counts_add_up(seed_release):
    manifest = json.loads((seed_release / "build_manifest.json").read_text())
    counts = manifest["counts"]
    assert counts["documents_in"] == len(list(SEED_DIR.glob("*.txt")))
    assert counts["documents_in"] == counts["kept"] + counts["rejected"]
    assert counts["rejected"] == sum(counts["rejected_by_reason"].values())
    rejects = pq.read_table(seed_release / "rejects" / "rejects.parquet")
    assert rejects.num_rows == counts["rejected"]
    rows = sum(pq.read_metadata(seed_release / f).num_rows for f in parquet_files(seed_release))
    assert rows == counts["kept"]
    assert {f["source_file"] for f in manifest["raw"]["files"]} == {
        p.name for p in SEED_DIR.glob("*.txt")
    }
    assert manifest["raw"]["lock_checked"] is True


def test_rebuild_gives_byte_identical_parquet(seed_release, tmp_path):
    again = tmp_path / "again"
    # Not validated: only its Parquet bytes are compared, with those of the validated seed release.
    run_cli("build", "--out", str(again), "--no-progress", "--workers", "1", "--no-validate")
    assert parquet_files(again) == parquet_files(seed_release)
    for name in [*parquet_files(seed_release), "rejects/rejects.parquet"]:
        assert (again / name).read_bytes() == (seed_release / name).read_bytes(), name


def build_on_day(out: Path, epoch: int, *flags: str) -> dict:
    """Build the seeds as if on the UTC day of ``epoch``; returns the manifest."""
    flags = ("--out", str(out), "--no-progress", "--no-validate", "--no-cache", *flags)
    run_cli("build", *flags, env={"SOURCE_DATE_EPOCH": str(epoch)})
    return json.loads((out / "build_manifest.json").read_text())


def test_pinned_reference_date_rebuilds_byte_for_byte_on_a_later_day(tmp_path):
    pinned = ("--reference-date", "2023-09-19")
    first = build_on_day(tmp_path / "first", 1695168000, *pinned)  # built 2023-09-20
    later = build_on_day(tmp_path / "later", 1763769600, *pinned)  # built 2025-11-22
    assert (first["build_date"], later["build_date"]) == ("2023-09-20", "2025-11-22")
    assert first["reference_date"] == later["reference_date"] == "2023-09-19"
    for name in [*parquet_files(tmp_path / "first"), "rejects/rejects.parquet"]:
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "later" / name).read_bytes()
    dates = pl.read_parquet(tmp_path / "first" / "data" / "*" / "*.parquet")["published_date"]
    assert max(d for d in dates if d is not None) == dt.date(2020, 9, 28)  # 2023-09-20 refused


def test_reference_date_defaults_to_the_build_day(tmp_path):
    manifest = build_on_day(tmp_path / "release", 1695168000)
    assert manifest["reference_date"] == manifest["build_date"] == "2023-09-20"
    dates = pl.read_parquet(tmp_path / "release" / "data" / "*" / "*.parquet")["published_date"]
    assert dt.date(2023, 9, 20) in dates.to_list()


def test_changed_seed_file_fails_the_lock_check_and_names_it(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SEED_DIR, raw)
    shutil.copy(SEED_DIR.parent / "raw.lock", tmp_path / "raw.lock")
    victim = sorted(raw.glob("*.txt"))[2]
    victim.write_text(victim.read_text(encoding="utf-8") + "\nedited", encoding="utf-8")
    result = run_cli("build", "--raw", str(raw), "--out", str(tmp_path / "out"), check=False)
    assert result.returncode == 1
    assert victim.name in result.stderr and "lock" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_bad_config_fails_before_any_work(tmp_path):
    config = tmp_path / "build.yaml"
    config.write_text("split_ratios: {train: 0.5, test: 0.1}\n")
    result = run_cli("build", "--config", str(config), "--out", str(tmp_path / "out"), check=False)
    assert result.returncode == 2
    assert "sum to 1" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
