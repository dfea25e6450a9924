"""diff_releases on tiny hand-written releases: ids, columns, counts and the bump needed."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from release_builders import article, make_release

from dataset.errors import InputError
from dataset.release.diff import ReleaseDiff, diff_releases, format_diff, write_diff

ZH = article("a000000000000001", "zh", "阿塞拜疆军队进攻纳戈尔诺-卡拉巴赫。")
AR = article("b000000000000002", "ar", "أعلنت أذربيجان أنها شنت عمليات في إقليم ناغورنو كاراباخ.")
VI = article("c000000000000003", "vi", "Azerbaijan mở chiến dịch ở vùng Nagorno-Karabakh.")
BASE = {("zh", "train"): [ZH], ("ar", "train"): [AR], ("vi", "test"): [VI]}


@pytest.fixture
def old(tmp_path):
    return make_release(tmp_path / "old", BASE)


def build_new(tmp_path, rows, **kwargs):
    return make_release(tmp_path / "new", rows, **kwargs)


def test_identical_releases_need_no_bump(old, tmp_path):
    diff = diff_releases(old, build_new(tmp_path, BASE))
    assert diff.required_bump() == ("none", [])
    assert diff.unchanged == 3
    assert diff.added == diff.removed == diff.modified == diff.moved == []
    assert diff.files == {"added": [], "removed": [], "changed": []}


def test_added_record_needs_minor(old, tmp_path):
    fr = article("d000000000000004", "fr", "L'Azerbaïdjan lance une offensive au Haut-Karabakh.")
    diff = diff_releases(old, build_new(tmp_path, {**BASE, ("fr", "validation"): [fr]}))
    assert diff.added == [fr["id"]]
    assert diff.required_bump() == ("minor", ["1 record added"])
    assert diff.counts["fr"]["validation"] == {"old": 0, "new": 1, "change": 1}
    assert diff.files["added"] == ["data/fr/validation-00000-of-00001.parquet"]


def test_removed_record_needs_major(old, tmp_path):
    diff = diff_releases(old, build_new(tmp_path, {("zh", "train"): [ZH], ("ar", "train"): [AR]}))
    assert diff.removed == [VI["id"]]
    assert diff.required_bump() == ("major", ["1 record removed"])
    assert diff.counts["vi"]["test"] == {"old": 1, "new": 0, "change": -1}


@pytest.mark.parametrize(
    ("column", "value"),
    [
        pytest.param("text", "阿塞拜疆军队进攻纳戈尔诺-卡拉巴赫。 ", id="text-trailing-space"),
        pytest.param("title", "", id="title-null-to-empty"),
        pytest.param("other_languages", ["vi"], id="list-empty-to-one"),
        pytest.param("published_date", None, id="date-to-null"),
        pytest.param("language_score", 0.91, id="float32"),
        pytest.param("source_file", "renamed/000.txt", id="provenance-only"),
    ],
)
def test_any_column_change_is_a_modified_record(old, tmp_path, column, value):
    edited = {**ZH, column: value}
    diff = diff_releases(old, build_new(tmp_path, {**BASE, ("zh", "train"): [edited]}))
    assert diff.modified == [{"id": ZH["id"], "columns": [column]}]
    assert diff.added == diff.removed == diff.moved == []
    bump, reasons = diff.required_bump()
    assert (bump, reasons) == ("minor", ["1 record corrected"])


def test_language_change_leaves_its_config_and_needs_major(old, tmp_path):
    relabelled = {**VI, "language": "fr"}
    rows = {("zh", "train"): [ZH], ("ar", "train"): [AR], ("fr", "test"): [relabelled]}
    diff = diff_releases(old, build_new(tmp_path, rows))
    assert diff.modified == [{"id": VI["id"], "columns": ["language"]}]
    assert diff.required_bump() == ("major", ["1 record moved to another language config"])


def test_record_moved_between_splits_needs_major(old, tmp_path):
    rows = {("zh", "test"): [ZH], ("ar", "train"): [AR], ("vi", "test"): [VI]}
    diff = diff_releases(old, build_new(tmp_path, rows))
    assert diff.moved == [{"id": ZH["id"], "from": "zh/train", "to": "zh/test"}]
    assert diff.modified == []
    assert diff.required_bump() == ("major", ["1 record moved between splits"])
    assert diff.counts["zh"] == {
        "test": {"old": 0, "new": 1, "change": 1},
        "train": {"old": 1, "new": 0, "change": -1},
    }


def test_corrected_raw_file_keeps_its_id_and_needs_minor(old, tmp_path):
    """Ids derive from the source identity: a corrected file is the same record, modified."""
    corrected = {**VI, "text": VI["text"] + " Cập nhật.", "raw_sha256": "f" * 64}
    diff = diff_releases(old, build_new(tmp_path, {**BASE, ("vi", "test"): [corrected]}))
    assert diff.modified == [{"id": VI["id"], "columns": ["raw_sha256", "text"]}]
    assert diff.added == diff.removed == diff.replaced == []
    assert diff.required_bump() == ("minor", ["1 record corrected"])


def test_changed_identity_pairs_removed_and_added_ids(old, tmp_path):
    """A file that gains a URL gets a new identity: a removal plus an addition, paired up."""
    renamed = article("e000000000000005", "vi", VI["text"], source_file=VI["source_file"])
    diff = diff_releases(old, build_new(tmp_path, {**BASE, ("vi", "test"): [renamed]}))
    assert diff.replaced == [{"old_id": VI["id"], "new_id": renamed["id"]}]
    bump, reasons = diff.required_bump()
    assert bump == "major"
    assert reasons == ["1 record removed", "1 record added"]


def test_same_records_other_bytes_need_patch(old, tmp_path):
    rows = {("zh", "train"): [ZH, article("a000000000000009", "zh", "第二篇。")]}
    first = make_release(tmp_path / "one", rows, row_group_size=1000)
    second = make_release(tmp_path / "two", rows, row_group_size=1)
    diff = diff_releases(first, second)
    assert diff.unchanged == 2
    assert diff.files["changed"] == ["data/zh/train-00000-of-00001.parquet"]
    assert diff.required_bump() == ("patch", ["same records, 1 Parquet file with other bytes"])


def test_column_changes(old, tmp_path):
    schema = pq.read_schema(old / "data/zh/train-00000-of-00001.parquet")
    added = schema.append(pa.field("topics", pa.list_(pa.string())))
    rows = {k: [{**r, "topics": ["Nagorno-Karabakh"]} for r in v] for k, v in BASE.items()}
    diff = diff_releases(old, build_new(tmp_path, rows, schema=added))
    assert diff.columns["added"] == [{"name": "topics", "type": "list<string>"}]
    assert diff.modified == []
    assert diff.required_bump() == ("minor", ["column topics added"])

    removed = schema.remove(schema.get_field_index("publisher"))
    diff = diff_releases(old, make_release(tmp_path / "removed", BASE, schema=removed))
    assert diff.columns["removed"] == ["publisher"]
    assert diff.required_bump()[0] == "major"

    index = schema.get_field_index("language_score")
    retyped = schema.set(index, pa.field("language_score", pa.float64(), nullable=False))
    diff = diff_releases(old, make_release(tmp_path / "retyped", BASE, schema=retyped))
    assert diff.columns["type_changed"] == [
        {"name": "language_score", "old": "float", "new": "double"}
    ]
    assert "column language_score retyped" in diff.required_bump()[1]


def test_initial_release_adds_everything_and_needs_no_bump(old):
    data = diff_releases(None, old).to_json()
    assert data["kind"] == "initial"
    assert data["old"] is None
    assert data["required_bump"] is None
    assert data["records"]["added"] == sorted(r["id"] for rows in BASE.values() for r in rows)
    assert data["new"]["records"] == 3


def test_diff_json_round_trips_and_is_deterministic(old, tmp_path):
    new = build_new(tmp_path, {("zh", "test"): [ZH], ("ar", "train"): [AR]})
    diff = diff_releases(old, new)
    write_diff(diff, tmp_path / "a.json")
    write_diff(diff_releases(old, new), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert ReleaseDiff.from_json(data).to_json() == data
    assert str(tmp_path) not in (tmp_path / "a.json").read_text(encoding="utf-8")


def test_report_lists_a_few_ids_then_points_to_the_json(old, tmp_path):
    many = [article(f"f{i:015d}", "zh", f"第{i}篇。") for i in range(12)]
    diff = diff_releases(old, build_new(tmp_path, {**BASE, ("zh", "validation"): many}))
    report = format_diff(diff, listed=10)
    assert "added (12):" in report
    assert "... and 2 more (see diff.json)" in report
    assert "required bump: MINOR (12 records added)" in report


def test_repeated_id_is_refused(old, tmp_path):
    new = build_new(tmp_path, {("zh", "train"): [ZH], ("zh", "test"): [ZH]})
    with pytest.raises(InputError, match=f"id {ZH['id']} occurs in more than one row"):
        diff_releases(old, new)


def test_folder_without_manifest_is_not_a_release(old, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="is not a release folder"):
        diff_releases(old, tmp_path / "empty")


def test_a_new_version_stamp_alone_is_no_new_serialization(old, tmp_path):
    from release_builders import CONFIG_HASH

    from dataset.build.write import article_arrow_schema

    stamped = article_arrow_schema(CONFIG_HASH, "7.0.0")
    new = build_new(tmp_path, BASE, schema=stamped)
    shard = "data/zh/train-00000-of-00001.parquet"
    assert (old / shard).read_bytes() != (new / shard).read_bytes()
    diff = diff_releases(old, new)
    assert diff.files == {"added": [], "removed": [], "changed": []}
    assert diff.required_bump() == ("none", [])
