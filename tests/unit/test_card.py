"""The card's own metadata checks (huggingface_hub does not validate offline) and helpers."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from dataset.release.card import (
    card_problems,
    language_detail,
    language_name,
    render_yaml,
    size_category,
    split_card,
)
from dataset.release.facts import LIBRARIES, validation_facts
from dataset.release.prose import registry_language_names, render
from dataset.schema import article_schema


def good_meta() -> dict:
    return {
        "pretty_name": "Karabakh News",
        "language": ["ar", "vi", "zh"],
        "language_details": ["ar-Arab", "vi-Latn", "zh-Hans"],
        "license": "other",
        "license_name": "third-party-news-text",
        "license_link": "LICENSE.md",
        "multilinguality": "multilingual",
        "size_categories": ["n<1K"],
        "task_categories": ["text-generation", "fill-mask"],
        "source_datasets": ["original"],
        "annotations_creators": ["machine-generated"],
        "language_creators": ["found"],
        "tags": ["news"],
        "configs": [
            {"config_name": "vi", "data_files": [{"split": "train", "path": "data/vi/train-*"}]},
            {
                "config_name": "all",
                "default": True,
                "data_files": [{"split": "train", "path": "data/*/train-*"}],
            },
        ],
        "dataset_info": [
            {
                "config_name": name,
                "splits": [{"name": "train", "num_bytes": 40, "num_examples": 2}],
                "dataset_size": 40,
                "download_size": 900,
            }
            for name in ("vi", "all")
        ],
    }


@pytest.fixture
def release(tmp_path):
    table = pa.Table.from_pylist([], schema=article_schema().to_pyarrow())
    (tmp_path / "data" / "vi").mkdir(parents=True)
    rows = [{c: None for c in table.column_names} | {"other_languages": []}] * 2
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "data/vi/train-00000-of-00001.parquet")
    return tmp_path


def card_text(meta: dict, body: str = "# Card\n") -> str:
    return f"---\n{render_yaml(meta)}\n---\n\n{body}"


def test_good_metadata_has_no_problems(release):
    assert card_problems(card_text(good_meta()), release) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param({"size_categories": ["huge"]}, "size_categories: 'huge'", id="size"),
        pytest.param({"license": "not-a-license"}, "license: 'not-a-license'", id="license"),
        pytest.param({"language": ["xx-bogus"]}, "'xx-bogus' is not an allowed", id="language"),
        pytest.param({"language_details": ["vi-Latn-!!"]}, "not a valid BCP-47", id="bcp47"),
        pytest.param({"multilinguality": "many"}, "multilinguality: 'many'", id="multi"),
        pytest.param({"annotations_creators": ["robots"]}, "annotations_creators", id="creators"),
        pytest.param({"license_name": None}, "license_name and license_link", id="other"),
        pytest.param({"pretty_name": None}, "missing YAML key 'pretty_name'", id="missing-key"),
        pytest.param(
            {"task_categories": ["text-classification"]},
            "'text-classification' needs a 'label' column",
            id="task-without-label",
        ),
        pytest.param(
            {
                "dataset_info": [
                    {"config_name": "vi", "splits": [{"name": "train", "num_examples": 2}]}
                ]
            },
            "vi/train has no num_bytes",
            id="no-num-bytes",
        ),
        pytest.param(
            {"dataset_info": [{"config_name": "vi", "splits": []}]},
            "vi has no dataset_size",
            id="no-dataset-size",
        ),
    ],
)
def test_bad_values_are_named(release, change, expected):
    meta = {k: v for k, v in (good_meta() | change).items() if v is not None}
    assert any(expected in p for p in card_problems(card_text(meta), release))


def test_counts_globs_defaults_and_placeholders_are_checked(release):
    meta = good_meta()
    meta["dataset_info"][0]["splits"][0]["num_examples"] = 3
    meta["configs"][0]["data_files"].append({"split": "test", "path": "data/vi/test-*"})
    meta["configs"][1]["default"] = False
    problems = card_problems(card_text(meta, "[More Information Needed]\n"), release)
    assert "dataset_info: vi/train declares 3 rows, the files hold 2" in problems
    assert "configs: vi/test matches no file" in problems
    assert "configs: exactly `all` must be default, got []" in problems
    assert "the card contains '[More Information Needed]'" in problems


def test_split_card_round_trips_the_yaml_header():
    meta, body = split_card(card_text(good_meta(), "# Titel – ناغورنو كاراباخ\n"))
    assert meta == yaml.safe_load(render_yaml(good_meta()))
    assert body.strip() == "# Titel – ناغورنو كاراباخ"


@pytest.mark.parametrize(
    ("rows", "label"), [(0, "n<1K"), (999, "n<1K"), (1000, "1K<n<10K"), (250_000, "100K<n<1M")]
)
def test_size_category(rows, label):
    assert size_category(rows) == label


def test_language_detail_uses_the_dominant_real_script():
    assert language_detail("zh", Counter({"Hans": 3, "Hant": 1})) == "zh-Hans"
    assert language_detail("ar", Counter({"Zyyy": 5})) == "ar"
    assert language_name("vi") == "Vietnamese"
    assert [language_name(c) for c in ("hy", "ka", "ko", "he")] == [
        "Armenian",
        "Georgian",
        "Korean",
        "Hebrew",
    ]
    assert language_name("hbs") == "Serbo-Croatian"  # ISO 639-3 beside the 639-1 `sh`


def parser_language_names() -> dict[str, str]:
    """The definition: langcodes' own parser, first description of each language subtag."""
    from langcodes.registry_parser import parse_registry

    names: dict[str, str] = {}
    for entry in parse_registry():
        if entry.get("Type") == "language" and "Subtag" in entry:
            names.setdefault(entry["Subtag"], entry["Description"][0])
    return names


def test_language_names_read_the_registry_once_as_langcodes_parses_it(monkeypatch):
    import langcodes.util

    calls = []
    real = langcodes.util.data_filename
    monkeypatch.setattr(langcodes.util, "data_filename", lambda name: calls.append(1) or real(name))
    registry_language_names.cache_clear()
    language_name.cache_clear()
    try:
        names = [language_name(c) for c in ("hy", "ar", "zh", "vi", "xx", "arb")]
        assert registry_language_names() == parser_language_names()
    finally:
        registry_language_names.cache_clear()
        language_name.cache_clear()
    assert names == ["Armenian", "Arabic", "Chinese", "Vietnamese", "xx", "Standard Arabic"]
    assert len(calls) == 1


REGISTRY = """File-Date: 2021-08-06
%%
Type: language
Subtag: hy
Description: Armenian
Description: Second name
  of it
Added: 2005-10-16
%%
Type: language
Subtag: cu
Description: Church Slavic
  Old Slavonic
%%
Type: script
Subtag: Armn
Description: Armenian script
%%
"""


@pytest.mark.parametrize("reordered", [False, True], ids=["as shipped", "fields reordered"])
def test_language_names_of_any_registry_layout_are_langcodes_own(monkeypatch, tmp_path, reordered):
    import langcodes.registry_parser
    import langcodes.util

    text = REGISTRY
    if reordered:
        text += "Subtag: vi\nType: language\nDescription: Vietnamese\n  (Việt)\n%%\n"
    (tmp_path / "registry.txt").write_text(text, encoding="utf-8")
    monkeypatch.setattr(langcodes.util, "data_filename", lambda name: tmp_path / "registry.txt")
    monkeypatch.setattr(
        langcodes.registry_parser, "data_filename", lambda name: tmp_path / "registry.txt"
    )
    registry_language_names.cache_clear()
    try:
        names = registry_language_names()
    finally:
        registry_language_names.cache_clear()
    assert names == parser_language_names()
    expected = {"hy": "Armenian", "cu": "Church Slavic Old Slavonic"}
    assert names == (expected | {"vi": "Vietnamese (Việt)"} if reordered else expected)


def test_card_yaml_has_no_anchors(tmp_path):
    from dataset.release.card import card_metadata
    from dataset.release.layout import read_layout

    (tmp_path / "build_manifest.json").write_text("{}")
    for lang in ("ar", "zh"):
        shard = tmp_path / "data" / lang / "train-00000-of-00001.parquet"
        shard.parent.mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist([], schema=article_schema().to_pyarrow()), shard)
    text = render_yaml(card_metadata(read_layout(tmp_path), {}))
    assert "&id" not in text and "*id" not in text


def test_any_iso_639_language_passes_the_card_check(release):
    meta = good_meta() | {"language": ["he", "hy", "ka", "ko", "hbs", "gsw"]}
    assert not [p for p in card_problems(card_text(meta), release) if p.startswith("language:")]


def validation_section(summary: dict | None) -> str:
    """The card's validation section alone, rendered from ``summary`` as the card renders it."""
    release = SimpleNamespace(validation=validation_facts(summary), libraries=LIBRARIES)
    return render("card/validation.md.j2", release=release)


def test_validation_section_lists_quality_warnings_with_counts():
    warned = {
        "suite": "article.domain",
        "rule": "title_not_repeated_at_text_start",
        "severity": "warning",
        "passed": False,
        "runs": 4,
        "failed_runs": 2,
        "unexpected_count": 3,
        "element_count": 12,
        "unexpected_ids": ["0000000000000001", "0000000000000004", "0000000000000006"],
    }
    suite = {"suite": "article.domain", "config": "all", "split": "train", "evaluated": 20}
    summary = {
        "success": True,
        "warnings": 1,
        "rules": [
            warned,
            {**warned, "rule": "text_is_nfc", "severity": "critical", "passed": True},
        ],
        "suites": [{**suite, "passed": 19, "failed": 0, "warned": 1, "failures": []}],
    }
    text = validation_section(summary)
    assert (
        "Validation passed: 19 of 20 expectations passed and 1 quality expectation warned" in text
    )
    assert "- `title_not_repeated_at_text_start`: 3 of 12 articles (25.0%); e.g. ids" in text
    assert "text_is_nfc`:" not in text.split("### Quality warnings")[1]
    assert "| article.domain | all | train | 19 | 0 | 1 |" in text
    clean = {**summary, "rules": [{**warned, "passed": True}]}
    assert "Every quality expectation held" in validation_section(clean)
    assert f"Great Expectations {LIBRARIES['great_expectations'].version} ran" in text
    unvalidated = validation_section(None)
    assert (
        unvalidated
        == "## Validation\n\nThis release was built without validation (`--no-validate`).\n"
    )
