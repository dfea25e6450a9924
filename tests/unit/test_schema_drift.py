"""schemas/ is the one declaration: the Parquet schema, the GE suites and the card agree with it."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Features

from dataset.build.write import article_arrow_schema
from dataset.paths import find_resource_dir
from dataset.release.card import collect_stats, dataset_info_entries
from dataset.release.layout import read_layout
from dataset.schema import article_schema
from dataset.validation.rules import (
    GE_VALUE_TYPES,
    SNAPSHOT_NAME,
    load_domain_rules,
    structural_rules,
    structural_suite_json,
)


def rules_by_name() -> dict:
    return {r.name: r for r in structural_rules()}


def test_committed_structural_snapshot_is_current():
    path = find_resource_dir("validation") / SNAPSHOT_NAME
    committed = json.loads(path.read_text(encoding="utf-8"))
    assert committed == structural_suite_json(), (
        f"{path} is stale; regenerate it with `python -m dataset.validation.rules` and commit it"
    )


def test_ge_suite_covers_every_declared_column_rule():
    schema, rules = article_schema(), rules_by_name()
    assert rules["columns_match_schema"].kwargs["column_list"] == schema.column_names
    assert rules[f"{schema.primary_key}_unique"].kwargs == {"column": schema.primary_key}
    for column in schema.columns:
        assert rules[f"{column.name}_type"].kwargs["type_"] == GE_VALUE_TYPES[column.type]
        assert (f"{column.name}_not_null" in rules) == (not column.nullable)
        if column.pattern:
            assert rules[f"{column.name}_pattern"].kwargs["regex"] == column.pattern
    assert "language_code_allowed" in rules


def test_domain_rules_only_name_declared_or_helper_columns():
    declared = set(article_schema().column_names)
    for rule in load_domain_rules().rules:
        column = rule.kwargs.get("column")
        assert column is None or column in declared or column == rule.helper, rule.name


def test_parquet_schema_and_card_features_equal_the_declaration():
    declared = article_schema().to_pyarrow()
    written = article_arrow_schema("0" * 16)
    assert written.remove_metadata().equals(declared)
    card_features = Features._from_yaml_list(article_schema().to_hf_features())
    assert Features.from_arrow_schema(declared) == card_features
    embedded = json.loads(written.metadata[b"huggingface"])["info"]["features"]
    assert Features.from_dict(embedded) == card_features


def test_card_dataset_info_declares_the_schema_features(tmp_path):
    (tmp_path / "build_manifest.json").write_text("{}")
    shard = tmp_path / "data" / "zh" / "test-00000-of-00001.parquet"
    shard.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist([], schema=article_schema().to_pyarrow()), shard)
    layout = read_layout(tmp_path)
    entries = dataset_info_entries(layout, collect_stats(layout))
    assert [e["config_name"] for e in entries] == ["zh", "all"]
    arrow_bytes = pq.read_table(shard).nbytes
    for entry in entries:
        assert entry["features"] == article_schema().to_hf_features()
        assert entry["splits"] == [{"name": "test", "num_bytes": arrow_bytes, "num_examples": 0}]
        assert entry["dataset_size"] == arrow_bytes
        assert entry["download_size"] == shard.stat().st_size
