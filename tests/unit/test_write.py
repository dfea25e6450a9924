"""The Parquet writer: explicit schema, sorted rows, metadata, no empty files, stable bytes."""

import datetime as dt
import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dataset.build.write import (
    METADATA_KEY,
    StreamedList,
    article_arrow_schema,
    datasets_features,
    hf_feature,
    write_json,
    write_split,
)

ROWS = [
    {
        "id": i,
        "language": lang,
        "language_score": 0.99,
        "script": script,
        "other_languages": others,
        "title": title,
        "text": text,
        "published_date": date,
        "published_date_raw": raw_date,
        "publisher": None,
        "duplicate_cluster": i,
        "source_file": f"{i}.txt",
        "raw_sha256": "a" * 64,
        "entities": entities,
        "events": [],
    }
    for i, lang, script, others, title, text, date, raw_date, entities in [
        ("ffff000000000000", "ar", "Arab", [], "عنوان", "نص عربي طويل", None, None, []),
        ("0000aaaa00000000", "vi", "Latn", ["fr"], "Tiêu đề", "Nội dung Việt", None, None, []),
        (
            "7777000000000000",
            "zh",
            "Hans",
            [],
            None,
            "巴库中文正文",
            dt.date(2024, 6, 16),
            "16 6 月, 2024",
            [{"key": "baku", "name": "Baku", "type": "place", "wikidata": None, "count": 1}],
        ),
    ]
]


def make_table(rows):
    return pa.Table.from_pylist(rows, schema=article_arrow_schema("cafe"))


def test_write_split_sorts_by_id_and_keeps_declared_schema(tmp_path):
    schema = article_arrow_schema("cafe")
    files = write_split(make_table(ROWS), tmp_path, "xx", "train", 10, 2, schema)
    assert files == {"data/xx/train-00000-of-00001.parquet": 3}
    table = pq.read_table(tmp_path / "data/xx/train-00000-of-00001.parquet")
    assert table.column("id").to_pylist() == sorted(r["id"] for r in ROWS)
    assert table.schema.remove_metadata() == schema.remove_metadata()
    meta = json.loads(table.schema.metadata[METADATA_KEY])
    assert meta["config_hash"] == "cafe" and meta["schema_version"]


def test_write_split_shards_by_rows_per_shard(tmp_path):
    schema = article_arrow_schema("cafe")
    files = write_split(make_table(ROWS), tmp_path, "xx", "test", 2, 1, schema)
    assert files == {
        "data/xx/test-00000-of-00002.parquet": 2,
        "data/xx/test-00001-of-00002.parquet": 1,
    }


def test_zero_rows_write_nothing(tmp_path):
    schema = article_arrow_schema("cafe")
    assert write_split(make_table([]), tmp_path, "xx", "validation", 10, 2, schema) == {}
    assert not (tmp_path / "data").exists()


def test_same_rows_in_any_order_give_identical_bytes(tmp_path):
    schema = article_arrow_schema("cafe")
    write_split(make_table(ROWS), tmp_path / "a", "xx", "train", 10, 2, schema)
    write_split(make_table(ROWS[::-1]), tmp_path / "b", "xx", "train", 10, 2, schema)
    name = "data/xx/train-00000-of-00001.parquet"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


STREAMED_ITEMS = [
    {"source_file": "中文/新闻.txt", "sha256": "ab" * 32, "bytes": 12, "encoding": "utf-8"},
    {"source_file": "عربي.txt", "sha256": None, "bytes": None, "decoded_from": "bom"},
    {"source_file": 'Tiếng Việt "quoted" \\ back.txt', "nested": {"list": [1, [], {}]}},
    {"source_file": "line\nbreak\t\x01.txt", "empty": [], "blank": "   "},
    {"score": 0.973599970340728, "tiny": 1e-07, "big": 1e300, "flag": True, "no": False},
    {"Հայերեն": "Ереван \u2028 \U0001f600", "": "", "z": -3, "a": None},
    {"nan": float("nan"), "inf": float("-inf")},
    "a plain string",
    7,
    [],
    {},
]


@pytest.mark.parametrize("chunks", [1, 2, 7, 1024])
@pytest.mark.parametrize("items", [STREAMED_ITEMS, [], [{"one": 1}]], ids=["mixed", "empty", "one"])
def test_write_json_streams_a_list_with_the_bytes_of_json_dumps(
    tmp_path, monkeypatch, items, chunks
):
    monkeypatch.setattr("dataset.build.write.JSON_CHUNKS", chunks)  # encoder tokens per write
    def streamed() -> StreamedList:
        return StreamedList(lambda: iter(items), len(items))

    data = {
        "name": "karabakh-news",
        "raw": {"lock_checked": True, "files": streamed()},
        "files": {"data/fr/train-00000-of-00001.parquet": 3},
        "top": streamed(),
        "in_a_list": [streamed(), "x"],
    }
    plain = {
        "name": "karabakh-news",
        "raw": {"lock_checked": True, "files": list(items)},
        "files": {"data/fr/train-00000-of-00001.parquet": 3},
        "top": list(items),
        "in_a_list": [list(items), "x"],
    }
    write_json(data, tmp_path / "streamed.json")
    expected = json.dumps(plain, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert (tmp_path / "streamed.json").read_text(encoding="utf-8") == expected


def test_write_json_still_refuses_values_json_cannot_write(tmp_path):
    with pytest.raises(TypeError, match="set is not JSON serializable"):
        write_json({"files": {"a"}}, tmp_path / "bad.json")


@pytest.mark.parametrize(("rows", "group"), [(0, 2), (1, 2), (3, 2), (3, 1000)])
def test_restamped_release_version_gives_the_bytes_of_a_direct_write(tmp_path, rows, group):
    """The build writes a provisional version first; restamping must not change anything else."""
    from dataset.build.write import restamp_parquet

    for version in ("0.1.0", "0.2.0"):
        schema = article_arrow_schema("0" * 16, version)
        write_split(pa.Table.from_pylist(ROWS[:rows], schema=schema), tmp_path / version,
                    "xx", "train", 100, group, schema)  # fmt: skip
    if rows == 0:
        assert not list(tmp_path.rglob("*.parquet"))  # a zero-row split is never written
        return
    (old,) = (tmp_path / "0.1.0").rglob("*.parquet")
    (new,) = (tmp_path / "0.2.0").rglob("*.parquet")
    assert old.read_bytes() != new.read_bytes()
    restamp_parquet(old, "0.2.0")
    assert old.read_bytes() == new.read_bytes()


@pytest.mark.parametrize("table", ["article", "reject"])
def test_hf_features_equal_those_datasets_derives_from_the_declared_schema(table):
    from dataset.schema import load_table_schema

    schema = load_table_schema(table).to_pyarrow()
    ours = {field.name: hf_feature(field.type) for field in schema}
    assert ours == datasets_features(schema)
    embedded = json.loads(article_arrow_schema("cafe").metadata[b"huggingface"])
    if table == "article":
        assert embedded["info"]["features"] == ours


def test_hf_feature_of_nested_types_equals_datasets_and_an_unknown_type_is_named():
    nested = pa.schema([
        ("counts", pa.list_(pa.int32())),
        ("pairs", pa.list_(pa.struct([("word", pa.string()), ("score", pa.float32())]))),
        ("when", pa.list_(pa.date32())),
    ])
    ours = {field.name: hf_feature(field.type) for field in nested}
    assert ours == datasets_features(nested)
    with pytest.raises(ValueError, match="uint8"):
        hf_feature(pa.uint8())


@pytest.mark.parametrize("threads", [0, 1, 2])
def test_writing_lanes_run_each_lanes_calls_in_order_and_raise_the_first_error(threads):
    """Zero threads run each call at once; otherwise each lane is one thread that runs its calls
    in submission order, more than MAX_PENDING_WRITES of them (submit waits); leaving the block
    raises a call's error."""
    import threading

    from dataset.build.write import MAX_PENDING_WRITES, writing_lanes

    seen: list[tuple[int, int, str]] = []

    def record(lane: int, number: int) -> int:
        seen.append((lane, number, threading.current_thread().name))
        return number * 2

    count = 3 * MAX_PENDING_WRITES
    lanes = [n % max(threads, 1) for n in range(count)]
    with writing_lanes(threads) as submit:
        futures = [submit(lane, record, lane, n) for n, lane in enumerate(lanes)]
    assert [f.result() for f in futures] == [2 * n for n in range(count)]
    for lane in set(lanes):
        assert [n for k, n, _ in seen if k == lane] == [n for n in range(count) if lanes[n] == lane]
    names = {lane: {name for k, _, name in seen if k == lane} for lane in set(lanes)}
    if threads == 0:
        assert names == {0: {threading.main_thread().name}}
    else:
        assert all(len(found) == 1 for found in names.values())  # one thread per lane
        assert len(set.union(*names.values())) == threads

    def fail(text: str) -> None:
        raise ValueError(text)

    with pytest.raises(ValueError, match="disk full: 中文"), writing_lanes(threads) as submit:
        submit(0, fail, "disk full: 中文")


@pytest.mark.parametrize("lanes", [1, 2, 3])
def test_balanced_lanes_give_the_largest_first_to_the_least_loaded(lanes):
    from dataset.build.write import balanced_lanes

    sizes = {("zh", 0): 900, ("ar", 0): 700, ("vi", 1): 300, ("hy", 2): 250, ("ru", 0): 40}
    result = balanced_lanes(sizes, lanes)
    assert set(result) == set(sizes) and set(result.values()) == set(range(min(lanes, 5)))
    loads = [sum(sizes[k] for k, lane in result.items() if lane == n) for n in range(lanes)]
    expected = {1: [2190], 2: [1150, 1040], 3: [900, 700, 590]}[lanes]
    assert loads == expected


def test_ints_to_ids_are_the_ids_int_to_id_gives():
    from dataset.build.dedupe import int_to_id
    from dataset.build.write import ints_to_ids

    values = np.array([0, 1, 0xABCDEF, 2**63, 2**64 - 1, 0x0123456789ABCDEF], dtype=np.uint64)
    made = ints_to_ids(values)
    made.validate(full=True)
    assert made.type == pa.string()
    assert made.to_pylist() == [int_to_id(v) for v in values.tolist()]
    assert ints_to_ids(values[2:4]).to_pylist() == [int_to_id(v) for v in values[2:4].tolist()]
    assert ints_to_ids(np.empty(0, np.uint64)).to_pylist() == []
