"""Break copies of the seed release on purpose; `validate` and `card --check` must catch each."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.integration


def largest_shard(release) -> tuple[str, pa.Table]:
    """The shard with the most rows (release-relative path, table), so a break has a neighbour."""
    path = max(
        sorted(release.glob("data/*/*.parquet")), key=lambda p: pq.ParquetFile(p).metadata.num_rows
    )
    return path.relative_to(release).as_posix(), pq.read_table(path)


def rewrite(release, relative: str, table: pa.Table) -> None:
    pq.write_table(table, release / relative)


def other_split_shard(release, shard) -> tuple[str, pa.Table]:
    """A shard of another split than ``shard`` (release-relative path, table); a new, empty test
    shard of the same language when the release has one split only (the seed release today)."""
    split = shard.name.split("-")[0]
    others = [p for p in sorted(release.glob("data/*/*.parquet")) if p.name.split("-")[0] != split]
    if others:
        return others[0].relative_to(release).as_posix(), pq.read_table(others[0])
    empty = pq.read_schema(shard).empty_table()
    new = shard.parent / (
        "test-00000-of-00001.parquet" if split != "test" else "train-00000-of-00001.parquet"
    )
    return new.relative_to(release).as_posix(), empty


def validate(release, *options: str) -> tuple[int, str]:
    """`validate RELEASE` through the click command in-process (GE is imported once per session;
    the subprocess path is covered by test_bad_usage_exits_2 and test_release_loading)."""
    from click.testing import CliRunner

    from dataset.cli import cli

    result = CliRunner().invoke(cli, ["validate", str(release), *options])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_duplicated_id_is_caught_by_name_with_the_id(seed_release_copy):
    relative, table = largest_shard(seed_release_copy)
    duplicated = table.column("id")[0].as_py()
    rewrite(seed_release_copy, relative, pa.concat_tables([table, table.slice(0, 1)]))
    code, output = validate(seed_release_copy)
    assert code == 1
    assert f"changed since the build: {relative}" in output
    assert f"FAILED id_unique: ids {duplicated}" in output
    assert "FAILED raw_file_used_once" in output


def test_id_in_two_splits_is_caught(seed_release_copy):
    shards = sorted(seed_release_copy.glob("data/*/*.parquet"))
    source = pq.read_table(shards[0])
    other_split, target = other_split_shard(seed_release_copy, shards[0])
    row = source.slice(0, 1).cast(target.schema)
    rewrite(seed_release_copy, other_split, pa.concat_tables([target, row]))
    code, output = validate(seed_release_copy)
    leaked = row.column("id")[0].as_py()
    assert code == 1
    assert f"FAILED id_in_one_split_only: ids {leaked}" in output
    assert "FAILED duplicate_cluster_in_one_split_only" in output


def test_future_date_is_caught(seed_release_copy):
    relative, table = largest_shard(seed_release_copy)
    future = dt.date.today() + dt.timedelta(days=400)
    dates = [future, *table.column("published_date").to_pylist()[1:]]
    raws = [future.isoformat(), *table.column("published_date_raw").to_pylist()[1:]]
    for name, values in (("published_date", dates), ("published_date_raw", raws)):
        index = table.schema.get_field_index(name)
        table = table.set_column(
            index, table.schema.field(name), pa.array(values, table.schema.field(name).type)
        )
    rewrite(seed_release_copy, relative, table)
    code, output = validate(seed_release_copy)
    assert code == 1
    bad_id = table.column("id")[0].as_py()
    assert f"FAILED published_date_within_conflict_and_build: ids {bad_id}" in output


def test_missing_column_is_caught(seed_release_copy):
    relative, table = largest_shard(seed_release_copy)
    rewrite(seed_release_copy, relative, table.drop_columns(["publisher"]))
    code, output = validate(seed_release_copy)
    assert code == 1
    assert f"{relative}: missing columns ['publisher']" in output
    assert "FAILED columns_match_schema" in output
    assert "FAILED publisher_type" in output


def test_added_and_removed_files_are_named_and_nothing_is_written(seed_release_copy):
    summary = seed_release_copy / "validation" / "summary.json"
    before = summary.read_bytes()
    (seed_release_copy / "notes.txt").write_text("added after the build")
    (seed_release_copy / "LICENSE.md").unlink()
    code, output = validate(seed_release_copy, "--write")
    assert code == 1
    assert "added since the build: notes.txt" in output
    assert "removed since the build: LICENSE.md" in output
    assert summary.read_bytes() == before


def test_card_check_fails_on_an_edited_card(seed_release_copy):
    card = seed_release_copy / "README.md"
    card.write_text(card.read_text(encoding="utf-8").replace("n<1K", "1K<n<10K"), encoding="utf-8")
    result = run_cli("card", str(seed_release_copy), "--check", check=False)
    assert result.returncode == 1
    assert "card drift" in result.stdout
    assert "-- 1K<n<10K" in result.stdout or "-- 1K<n<10K" in result.stdout.replace("- -", "--")


def test_validation_results_are_byte_stable(seed_release_copy):
    results = sorted((seed_release_copy / "validation").rglob("*.json"))
    before = {p: p.read_bytes() for p in results}
    assert validate(seed_release_copy, "--write")[0] == 0
    assert {p: p.read_bytes() for p in results} == before
    summary = json.loads(before[seed_release_copy / "validation" / "summary.json"])
    assert summary["success"] is True


def test_bad_usage_exits_2(tmp_path):
    assert run_cli("validate", str(tmp_path / "missing"), check=False).returncode == 2
    result = run_cli("validate", str(tmp_path), check=False)
    assert result.returncode == 1
    assert "is not a release folder" in result.stderr


def test_a_failing_validation_stops_the_build_before_publishing(seed_release_copy):
    from dataset.errors import BuildError
    from dataset.release.finalize import finalize_release

    relative, table = largest_shard(seed_release_copy)
    rewrite(seed_release_copy, relative, pa.concat_tables([table, table.slice(0, 1)]))
    (seed_release_copy / "checksums.sha256").unlink()
    with pytest.raises(BuildError, match=r"validation failed \(.*id_unique.*nothing was published"):
        finalize_release(seed_release_copy)
    assert not (seed_release_copy / "checksums.sha256").exists()


def test_breakage_across_row_batches_is_caught_as_in_one_batch(seed_release_copy):
    """One row per batch: a duplicate id two rows apart, an id leaked into the other split and a
    future date give the same failures, ids and result files as validating each split at once."""
    from dataset.validation.runner import validate_release

    relative, table = largest_shard(seed_release_copy)
    duplicated = table.column("id")[0].as_py()
    rewrite(seed_release_copy, relative, pa.concat_tables([table, table.slice(0, 1)]))
    test_shard, test_rows = other_split_shard(seed_release_copy, seed_release_copy / relative)
    leaked = table.slice(1, 1).cast(test_rows.schema)
    future = leaked.set_column(
        leaked.schema.get_field_index("published_date"),
        leaked.schema.field("published_date"),
        pa.array([dt.date.today() + dt.timedelta(days=400)], pa.date32()),
    )
    rewrite(seed_release_copy, test_shard, pa.concat_tables([test_rows, future]))
    whole = validate_release(seed_release_copy, check_checksums=False, write_results=False)
    batched = validate_release(
        seed_release_copy, check_checksums=False, write_results=False, batch_rows=1
    )
    failing = set(batched.failing_names())
    assert "article.structural all/train: id_unique" in failing
    assert "article.domain all/train: raw_file_used_once" in failing
    assert "article.domain all/test: id_in_one_split_only" in failing
    assert "article.domain all/test: published_date_within_conflict_and_build" in failing
    id_unique = next(
        f for o in batched.outcomes for f in o.failures
        if (o.config, o.split, f.expectation) == ("all", "train", "id_unique")
    )  # fmt: skip
    assert id_unique.unexpected_ids == [duplicated]
    assert batched.summary_json() == whole.summary_json()
    assert [o.result_json for o in batched.outcomes] == [o.result_json for o in whole.outcomes]
