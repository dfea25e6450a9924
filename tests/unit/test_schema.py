"""The schema declarations load, and every derived form agrees with them."""

import pyarrow as pa
import pytest

from dataset.build.corpus import article_table
from dataset.records import ENTITY_FIELDS, Article, Extraction, Reject, entity_rows
from dataset.runtime.spill import rows_to_table
from dataset.schema import article_schema, reject_reasons, reject_schema


def test_article_schema_derives_plain_arrow_types():
    schema = article_schema().to_pyarrow()
    assert schema.field("text").type == pa.string()  # never large_string
    assert schema.field("other_languages").type == pa.list_(pa.string())
    assert schema.field("published_date").type == pa.date32()
    assert schema.field("language_score").type == pa.float32()


def test_nullability_follows_declaration():
    table = article_schema()
    schema = table.to_pyarrow()
    for column in table.columns:
        assert schema.field(column.name).nullable == column.nullable, column.name
    assert {c.name for c in table.columns if c.nullable} == {
        "title",
        "published_date",
        "published_date_raw",
        "publisher",
        "url",
        "domain",
        "scraped_at",
        "credited_outlet",
        "outlet_country",
    }


def test_entities_is_a_list_of_declared_records():
    table = article_schema()
    column = table.column("entities")
    assert [f.name for f in column.fields] == ["key", "name", "type", "wikidata", "count"]
    item = table.to_pyarrow().field("entities").type.value_type
    assert item.field("count").type == pa.int32() and not item.field("count").nullable
    assert item.field("wikidata").nullable and not item.field("key").nullable
    assert {"name": "events", "dtype": {"list": "string"}} in table.to_hf_features()
    assert table.schema_version == "1.2.0"


def test_struct_fields_are_required_exactly_for_list_of_struct():
    from dataset.schema import _parse_column

    with pytest.raises(ValueError, match="fields"):
        _parse_column({"name": "x", "type": "list<struct>", "nullable": False, "description": "d"})
    with pytest.raises(ValueError, match="unknown type"):
        _parse_column({"name": "x", "type": "list<struct>", "nullable": False, "description": "d",
                       "fields": [{"name": "y", "type": "date32", "nullable": True,
                                   "description": "d"}]})


def test_scraped_at_is_a_utc_timestamp_everywhere():
    table = article_schema()
    assert table.to_pyarrow().field("scraped_at").type == pa.timestamp("us", tz="UTC")
    assert {"name": "scraped_at", "dtype": "timestamp[us, tz=UTC]"} in table.to_hf_features()


def test_hf_features_follow_column_order():
    table = article_schema()
    features = table.to_hf_features()
    assert [f["name"] for f in features] == table.column_names
    assert {"name": "other_languages", "dtype": {"list": "string"}} in features


@pytest.mark.parametrize(
    "record, table",
    [
        pytest.param(
            Article(
                id="0" * 16,
                source_file="a.txt",
                raw_sha256="f" * 64,
                text_fingerprint="x",
                extraction=Extraction(
                    title="标题",
                    text="正文",
                    published_date=None,
                    published_date_raw=None,
                    publisher=None,
                    language="zh",
                    language_score=0.9,
                    script="Hans",
                ),
            ),
            article_schema(),
            id="article",
        ),
        pytest.param(
            Reject("a.txt", None, "empty", "a.txt is empty"), reject_schema(), id="reject"
        ),
    ],
)
def test_record_rows_have_exactly_the_declared_columns(record, table):
    assert list(record.to_row()) == table.column_names


def test_reject_reasons_are_declared_with_explanations():
    reasons = reject_reasons()
    assert {"not_utf8", "empty", "too_short", "exact_duplicate"} <= set(reasons)
    assert all(text.strip() for text in reasons.values())


def test_entity_rows_have_the_declared_fields_in_order():
    entities = (
        ("azerbaijan", "Азербайджан", "country", "Q227", 3),
        ("stepanakert", "ستيباناكيرت", "place", None, 1),
    )
    rows = entity_rows(entities)
    assert [list(row) for row in rows] == [list(ENTITY_FIELDS)] * 2
    assert [list(row.values()) for row in rows] == [list(e) for e in entities]
    assert [f.name for f in article_schema().column("entities").fields] == list(ENTITY_FIELDS)
    assert entity_rows(()) == []
    with pytest.raises(ValueError):
        entity_rows((("armenia", "Հայաստան", "country", "Q399"),))


def test_rows_to_table_reads_missing_keys_as_nulls():
    schema = pa.schema([("title", pa.string()), ("count", pa.int32())])
    rows = [{"title": "Tiêu đề", "count": 2}, {"count": 5}, {"title": "标题"}]
    table = rows_to_table(rows, schema)
    assert table.equals(pa.Table.from_pylist(rows, schema))
    assert table.column("title").to_pylist() == ["Tiêu đề", None, "标题"]


def test_article_table_from_entity_tuples_equals_the_table_of_dict_rows():
    found = Extraction(
        title="Xin chào Baku",
        text="Բաքու 新闻",
        published_date=None,
        published_date_raw=None,
        publisher=None,
        language="vi",
        language_score=0.75,
        script="Latn",
        entities=(("baku", "Bakı", "city", "Q9248", 2), ("yerevan", "Երևան", "city", None, 1)),
        events=("2023-09-19",),
    )
    articles = [
        Article(id="1" * 16, source_file="a.txt", raw_sha256="f" * 64, extraction=found,
                text_fingerprint="x"),
        Article(id="2" * 16, source_file="b.txt", raw_sha256="e" * 64, text_fingerprint="y",
                extraction=Extraction("", "", None, None, None, None, 0.0, None)),
    ]
    table = article_table(articles)
    schema = article_schema().to_pyarrow()
    assert table.equals(pa.Table.from_pylist([a.to_row() for a in articles], schema))
    assert table.column("entities").to_pylist()[0] == entity_rows(found.entities)
