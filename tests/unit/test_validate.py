"""Validation rules on tiny inline tables: helpers, rule files, GE runs, results, checksums."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
import yaml

from dataset.release.integrity import verify_checksums, write_checksums
from dataset.schema import article_schema
from dataset.validation import rules as rules_module
from dataset.validation.rules import (
    HELPERS,
    ReleaseIndex,
    Rule,
    add_helper_columns,
    allowed_language_codes,
    detector_language_codes,
    load_domain_rules,
    release_languages,
    resolve_kwargs,
    rule_parameters,
    structural_rules,
)
from dataset.validation.runner import SuiteRun, clean_result, describe_schema_difference

AR_TEXT = "أعلنت وزارة الدفاع الأذربيجانية عن عملية عسكرية في كاراباخ.\n\nدعت الولايات المتحدة إلى وقف إطلاق النار."  # noqa: E501
ZH_TEXT = "纳卡地区爆发冲突。\n\n亚美尼亚和阿塞拜疆互相指责对方首先开火。"
VI_TEXT = (
    "Xung đột ở Nagorno-Karabakh tiếp diễn.\n\nHai bên cáo buộc lẫn nhau vi phạm lệnh ngừng bắn."
)


def body(text: str, times: int = 6) -> str:
    """``text`` repeated as paragraphs, long enough for the quality rule on text size."""
    return "\n\n".join([text] * times)


def article(**overrides) -> dict:
    row = {
        "id": "0123456789abcdef",
        "language": "vi",
        "language_score": 0.93,
        "script": "Latn",
        "other_languages": [],
        "title": None,
        "text": body(VI_TEXT),
        "published_date": None,
        "published_date_raw": None,
        "publisher": None,
        "duplicate_cluster": "0123456789abcdef",
        "source_file": "vi.txt",
        "raw_sha256": "a" * 64,
        "entities": [],
        "events": [],
    }
    row.update(overrides)
    return row


def entity(key: str, name: str, kind: str, wikidata: str | None, count: int) -> dict:
    return {"key": key, "name": name, "type": kind, "wikidata": wikidata, "count": count}


def known_entity(key: str, count: int) -> dict:
    """An entity as the gazetteer states it, with ``count`` mentions."""
    from dataset.build.entities import entry

    found = entry(key)
    return entity(key, found.name, found.type, found.wikidata, count)


def frame(rows: list[dict]) -> pd.DataFrame:
    """Rows as the validator sees them: the declared Arrow schema, Arrow-backed pandas dtypes."""
    table = pa.Table.from_pylist(rows, schema=article_schema().to_pyarrow())
    return table.to_pandas(types_mapper=pd.ArrowDtype)


@pytest.fixture(scope="module")
def runner():
    from dataset.validation.runner import GreatExpectationsRunner

    return GreatExpectationsRunner()


def domain_rule(name: str) -> Rule:
    return next(r for r in load_domain_rules().rules if r.name == name)


PARAMS = rule_parameters(
    {
        "build_date": "2026-11-22",
        "config": {
            "min_text_chars": 40,
            "max_text_chars": 100_000,
            "language_score_threshold": 0.5,
        },
    },
    load_domain_rules().constants,
)


STRUCTURAL_PARAMS = {"release_languages": release_languages(["vi", "xx-bogus"])}


def run_rule(runner, rule: Rule, df: pd.DataFrame, config="vi", index=None):
    index = index or ReleaseIndex.from_frames({"train": df})
    with_helpers, _ = add_helper_columns(df, [rule], index)
    params = {**PARAMS, "config_language": config}
    return runner.run(SuiteRun("test.domain", [rule], params, config, "train"), with_helpers)


@pytest.mark.parametrize(
    ("rule", "bad"),
    [
        pytest.param(
            "published_date_within_conflict_and_build",
            article(published_date=dt.date(2100, 1, 1), published_date_raw="1/1/2100"),
            id="future-date",
        ),
        pytest.param(
            "published_date_within_conflict_and_build",
            article(published_date=dt.date(1920, 5, 1), published_date_raw="1920"),
            id="before-conflict",
        ),
        pytest.param(
            "published_date_raw_present_when_dated",
            article(published_date=dt.date(2020, 9, 27)),
            id="date-without-raw",
        ),
        pytest.param(
            "published_date_raw_null_when_undated",
            article(published_date_raw="hôm nay"),
            id="raw-without-date",
        ),
        pytest.param(
            "title_not_repeated_at_text_start",
            article(title="Xung đột ở  NAGORNO-Karabakh"),
            id="title-in-text",
        ),
        pytest.param("text_is_nfc", article(text="Xung \u0111o\u0302\u0323t " * 10), id="not-nfc"),
        pytest.param(
            "text_paragraphs_well_formed", article(text=VI_TEXT + "\n\n\n\nthêm"), id="blank-run"
        ),
        pytest.param("text_has_no_control_characters", article(text=VI_TEXT + "\x00"), id="nul"),
        pytest.param("text_length_within_bounds", article(text="quá ngắn"), id="too-short"),
        pytest.param("title_trimmed", article(title=" "), id="blank-title"),
        pytest.param("publisher_trimmed", article(publisher="VnExpress\n"), id="publisher-newline"),
        pytest.param("language_score_above_threshold", article(language_score=0.2), id="low-score"),
        pytest.param(
            "other_languages_exclude_main_language",
            article(other_languages=["vi"]),
            id="self-in-others",
        ),
        pytest.param("language_matches_config", article(language="fr"), id="wrong-config"),
        pytest.param(
            "entities_in_gazetteer",
            article(entities=[entity("place:atlantis", "Atlantis", "place", None, 1)]),
            id="unknown-entity",
        ),
        pytest.param(
            "entities_in_gazetteer",
            article(entities=[known_entity("place:baku", 0)]),
            id="zero-count",
        ),
        pytest.param(
            "entities_in_gazetteer",
            article(entities=[entity("place:baku", "Bakou", "place", None, 2)]),
            id="name-not-the-gazetteer's",
        ),
        pytest.param(
            "entities_in_gazetteer",
            article(entities=[known_entity("place:baku", 1)] * 2),
            id="listed-twice",
        ),
        pytest.param("events_in_timeline", article(events=["2099-war"]), id="unknown-event"),
        pytest.param(
            "events_in_timeline", article(events=["2020-war", "2016-april-war"]), id="unsorted"
        ),
        pytest.param("credited_outlet_trimmed", article(credited_outlet=" EFE"), id="credit-space"),
        pytest.param("text_size_typical", article(text=VI_TEXT), id="brief"),
        pytest.param("language_score_mostly_confident", article(language_score=0.6), id="hesitant"),
    ],
)
def test_domain_rule_flags_the_bad_row_by_id(runner, rule, bad):
    good = article(id="fedcba9876543210", duplicate_cluster="fedcba9876543210")
    outcome = run_rule(runner, domain_rule(rule), frame([good, bad]))
    blocking = domain_rule(rule).blocking
    assert (outcome.failed, outcome.warned) == ((1, 0) if blocking else (0, 1))
    assert outcome.failures[0].expectation == rule
    assert outcome.failures[0].severity == domain_rule(rule).severity
    assert (outcome.failures[0].unexpected_count, outcome.failures[0].element_count) == (1, 2)
    # table-level failures carry no ids; every rule above is row-level
    assert outcome.failures[0].unexpected_ids == ["0123456789abcdef"]


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(article(), id="vietnamese"),
        pytest.param(article(language="ar", script="Arab", text=body(AR_TEXT)), id="arabic"),
        pytest.param(article(language="zh", script="Hans", text=body(ZH_TEXT)), id="chinese"),
        pytest.param(
            article(
                title="Hai bên cáo buộc",
                published_date=dt.date(2020, 9, 27),
                published_date_raw="27/09/2020",
                publisher="VnExpress",
                other_languages=["fr"],
                entities=[known_entity("place:baku", 2), known_entity("place:stepanakert", 1)],
                events=["2020-war"],
                credited_outlet="Agencia EFE",
                outlet_country="ES",
            ),
            id="all-fields",
        ),
    ],
)
def test_clean_rows_pass_every_domain_rule(runner, row):
    config = row["language"]
    rules = [r for r in load_domain_rules().rules if r.applies_to(config)]
    df = frame([row])
    with_helpers, problems = add_helper_columns(df, rules, ReleaseIndex.from_frames({"train": df}))
    params = {**PARAMS, "config_language": config}
    outcome = runner.run(SuiteRun("test.domain", rules, params, config, "train"), with_helpers)
    assert problems == {}
    assert outcome.failures == []
    assert outcome.evaluated == len(rules)


def test_cross_split_rules_flag_an_id_and_a_cluster_in_two_splits(runner):
    train = frame([article()])
    test = frame([article(source_file="other.txt", raw_sha256="b" * 64)])
    index = ReleaseIndex.from_frames({"train": train, "test": test})
    for name in ("id_in_one_split_only", "duplicate_cluster_in_one_split_only"):
        outcome = run_rule(runner, domain_rule(name), test, config="all", index=index)
        assert [f.unexpected_ids for f in outcome.failures] == [["0123456789abcdef"]]


def test_the_release_index_counts_the_distinct_splits_of_each_key():
    """Keys in order of first appearance, each with the number of splits holding it; null keys
    are left out, a key twice in one split counts that split once; unknown keys look up as 0."""
    table = pa.table(
        {
            "split": ["train", "test", "train", "validation", "train", "test", "train"],
            "id": ["卡拉巴赫", "卡拉巴赫", "كاراباخ", None, "كاراباخ", "Ka-ra-bắc", "卡拉巴赫"],
            "duplicate_cluster": [None, None, None, None, None, None, None],
        },
        schema=pa.schema(
            [("split", pa.string()), ("id", pa.string()), ("duplicate_cluster", pa.string())]
        ),
    )
    index = ReleaseIndex.from_table(table)
    assert index.ids.to_pylist() == ["卡拉巴赫", "كاراباخ", "Ka-ra-bắc"]
    assert index.id_split_counts.to_pylist() == [2, 1, 1]
    assert index.id_split_counts.type == pa.int64()
    assert index.clusters.to_pylist() == [] and index.cluster_split_counts.to_pylist() == []
    looked_up = index.splits_of_ids(pa.array(["Ka-ra-bắc", "", None, "卡拉巴赫"]))
    assert looked_up.tolist() == [1, 0, 0, 2]
    empty = ReleaseIndex.from_table(table.slice(0, 0))
    assert len(empty.ids) == 0 and empty.splits_of_clusters(pa.array(["x"])).tolist() == [0]


def test_structural_suite_catches_duplicate_ids_and_bad_codes(runner):
    rows = [article(), article(), article(id="NOT-AN-ID", language="xx-bogus")]
    run = SuiteRun("test.structural", structural_rules(), STRUCTURAL_PARAMS, "vi", "train")
    outcome = runner.run(run, frame(rows))
    failed = {f.expectation: f.unexpected_ids for f in outcome.failures}
    assert failed["id_unique"] == ["0123456789abcdef"]
    assert failed["id_pattern"] == ["NOT-AN-ID"]
    assert failed["language_code_allowed"] == ["NOT-AN-ID"]
    assert failed["language_pattern"] == ["NOT-AN-ID"]


def test_structural_suite_passes_all_null_optional_columns_and_empty_lists(runner):
    run = SuiteRun("test.structural", structural_rules(), STRUCTURAL_PARAMS, "vi", "t")
    outcome = runner.run(run, frame([article()]))
    assert outcome.failures == []


def test_missing_column_is_reported_not_crashed(runner):
    df = frame([article()]).drop(columns=["published_date_raw"])
    rules = [domain_rule("published_date_raw_present_when_dated")]
    with_helpers, problems = add_helper_columns(df, rules, ReleaseIndex())
    assert "published_date_raw" in problems["dated_without_raw"]
    outcome = runner.run(SuiteRun("test.domain", rules, PARAMS, "vi", "train"), with_helpers)
    assert outcome.failed == 1
    assert "does not exist" in outcome.failures[0].description


def test_every_helper_named_in_rules_exists_and_names_are_unique():
    rules = load_domain_rules().rules
    assert {r.helper for r in rules if r.helper} <= set(HELPERS)
    assert len({r.name for r in rules}) == len(rules)
    assert all(r.explanation and len(r.explanation) > 20 for r in rules)


def test_resolve_kwargs_replaces_params_and_names_unknown_ones():
    assert resolve_kwargs({"a": {"param": "x"}, "b": [{"param": "x"}, 1]}, {"x": 5}) == {
        "a": 5,
        "b": [5, 1],
    }
    with pytest.raises(KeyError, match="unknown rule parameter 'y'"):
        resolve_kwargs({"a": {"param": "y"}}, {"x": 5})


def test_clean_result_drops_volatile_fields_and_sorts_by_name():
    raw = {
        "meta": {"batch_markers": {"ge_load_time": "20261122T050027Z"}, "run_id": "x"},
        "results": [
            {
                "expectation_config": {"id": "uuid", "meta": {"name": "b"}},
                "exception_info": {"raised_exception": False, "exception_traceback": None},
                "result": {"unexpected_list": ["é" * 500]},
            },
            {
                "expectation_config": {"meta": {"name": "a"}},
                "exception_info": {"metric-id": {"exception_message": "boom", "tb": "/abs/path"}},
            },
        ],
    }
    cleaned = clean_result(raw)
    assert cleaned["meta"] == {}
    assert [r["expectation_config"]["meta"]["name"] for r in cleaned["results"]] == ["a", "b"]
    assert cleaned["results"][0]["exception_info"] == {
        "raised_exception": True,
        "exception_messages": ["boom"],
    }
    assert len(cleaned["results"][1]["result"]["unexpected_list"][0]) == 201
    assert "/abs/path" not in json.dumps(cleaned)


def test_schema_difference_names_missing_and_retyped_columns():
    declared = article_schema().to_pyarrow()
    actual = declared.remove(declared.get_field_index("publisher"))
    actual = actual.set(2, pa.field("language_score", pa.float64(), nullable=False))
    message = describe_schema_difference(declared, actual)
    assert "missing columns ['publisher']" in message
    assert "language_score is double not null, declared float not null" in message


def test_checksums_name_changed_added_and_removed_files(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.parquet").write_bytes(b"a")
    (tmp_path / "README.md").write_text("card")
    write_checksums(tmp_path)
    assert verify_checksums(tmp_path).ok
    lines = (tmp_path / "checksums.sha256").read_text().splitlines()
    assert [line.split("  ")[1] for line in lines] == ["README.md", "data/a.parquet"]
    (tmp_path / "README.md").write_text("edited")
    (tmp_path / "data" / "a.parquet").unlink()
    (tmp_path / "extra.json").write_text("{}")
    problems = verify_checksums(tmp_path)
    assert problems.describe() == [
        "changed since the build: README.md",
        "added since the build: extra.json",
        "removed since the build: data/a.parquet",
    ]
    (tmp_path / "checksums.sha256").unlink()
    assert verify_checksums(tmp_path).missing_file


def test_allowed_language_codes_are_the_full_iso_639_list():
    codes = allowed_language_codes()
    # ISO 639-1, 639-3 without a 639-1 code, 639-3 of a language with one, the detector's fixes
    assert {"hy", "ka", "ko", "he", "ceb", "yue", "ckb", "hbs", "gsw", "bho", "egl"} <= codes
    assert len(codes) > 7_000  # the registry, not the languages of one corpus or one detector
    # special, private-use and deprecated codes, and things that are not codes
    assert not {"und", "mul", "zxx", "mis", "qaa", "iw", "in", "xx", "xx-bogus", ""} & codes


def test_every_code_the_detector_can_give_is_allowed():
    detector = detector_language_codes()
    assert len(detector) > 150
    assert detector - allowed_language_codes() == set()


def test_release_languages_keeps_the_iso_codes_in_order():
    assert release_languages(["he", "hy", "ka", "ko", "xx-bogus", "und"]) == [
        "he",
        "hy",
        "ka",
        "ko",
    ]


def write_rules(tmp_path, **rule) -> Path:
    item = {
        "name": "text_present",
        "explanation": "A body is present.",
        "expectation": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "text"},
        **rule,
    }
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"rules": [{k: v for k, v in item.items() if v}]}))
    return path


@pytest.mark.parametrize(
    ("severity", "message"),
    [
        pytest.param(None, r"missing keys \['severity'\]", id="missing"),
        pytest.param("info", "severity must be one of critical, warning", id="unknown"),
    ],
)
def test_domain_rules_file_requires_a_known_severity(tmp_path, severity, message):
    path = write_rules(tmp_path, severity=severity)
    with pytest.raises(ValueError, match=rf"rules.yaml: rule 'text_present': {message}"):
        load_domain_rules(path)


def test_invariants_are_critical_and_quality_expectations_are_warnings():
    severity = {r.name: r.severity for r in load_domain_rules().rules}
    invariants = {
        "published_date_within_conflict_and_build",
        "text_is_nfc",
        "text_has_no_control_characters",
        "id_in_one_split_only",
        "duplicate_cluster_in_one_split_only",
        "raw_file_used_once",
        "language_matches_config",
    }
    assert {severity[name] for name in invariants} == {"critical"}
    assert severity["title_not_repeated_at_text_start"] == "warning"
    assert all(r.severity == "critical" for r in structural_rules())


def test_a_warning_rule_runs_with_ge_severity_and_does_not_fail_the_outcome(runner):
    rule = domain_rule("title_not_repeated_at_text_start")
    echo = article(title="Xung đột ở Nagorno-Karabakh")  # the body opens with the headline
    outcome = run_rule(runner, rule, frame([echo, article(id="fedcba9876543210")]))
    item = outcome.result_json["results"][0]
    assert item["expectation_config"]["severity"] == "warning"
    assert not item["success"]  # GE's verdict is kept; only the severity differs
    assert (outcome.passed, outcome.failed, outcome.warned) == (0, 0, 1)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        pytest.param("Xung đột", 8, id="latin"),
        pytest.param("纳卡地区。", 13, id="han-counts-three-punctuation-one"),
        pytest.param("평화 협정", 13, id="hangul"),
        pytest.param("", 0, id="empty"),
        pytest.param(None, 0, id="null"),
    ],
)
def test_text_size_counts_cjk_characters_three_times(text, size):
    df = pd.DataFrame({"text": pd.array([text], dtype="string")})
    assert HELPERS["text_size"].compute(df, ReleaseIndex()).tolist() == [size]


def test_text_size_counts_the_cjk_characters_pythons_regex_finds_at_every_range_edge():
    from dataset.build.language import CJK_CHAR

    edges = [0x303F, 0x3040, 0x30FF, 0x3100, 0x33FF, 0x3400, 0x4DBF, 0x4DC0, 0x4E00, 0x9FFF]
    edges += [0xA000, 0xABFF, 0xAC00, 0xD7AF, 0xD7B0, 0xF8FF, 0xF900, 0xFAFF, 0xFB00, 0x1F600]
    texts = ["".join(map(chr, edges)), "ي" + chr(0xAC01) + "ё e\u0301", None, "   ", "中"]
    df = pd.DataFrame({"text": pd.Series(texts, dtype=object, index=[5, 3, 9, 1, 2])})
    expected = [0 if t is None else len(t) + 2 * len(CJK_CHAR.findall(t)) for t in texts]
    sizes = HELPERS["text_size"].compute(df, ReleaseIndex())
    assert sizes.tolist() == expected and sizes.index.tolist() == [5, 3, 9, 1, 2]


@pytest.mark.parametrize("scan_bytes", [1, 7, 1 << 22])
def test_cjk_characters_counted_on_bytes_equal_pythons_regex_on_sliced_arrays(
    scan_bytes, monkeypatch
):
    """``count_cjk`` reads UTF-8 bytes in pieces of ``CJK_SCAN_BYTES``; on a slice of an array
    (offset into shared buffers), nulls, 2- and 4-byte characters beside the ranges' edges, its
    counts are those of the regular expression."""
    from dataset.build.language import CJK_CHAR, CJK_RANGES
    from dataset.validation.rules import count_cjk

    monkeypatch.setattr(rules_module, "CJK_SCAN_BYTES", scan_bytes)
    edges = [chr(c) for lo, hi in CJK_RANGES for c in (lo - 1, lo, hi, hi + 1)]
    texts = ["é" + "".join(edges), None, "纳卡 평화 カタ", "", "😀𠀀中", "مرحبا", "Việt", "中" * 9]
    array = pa.array(["skipped 中", *texts, "中"], pa.string()).slice(1, len(texts))
    expected = [0 if t is None else len(CJK_CHAR.findall(t)) for t in texts]
    assert count_cjk(array).tolist() == expected
    assert expected[0] == 10 and expected[2] == 6


def test_shared_expectation_configurations_give_the_kwargs_of_fresh_ones(runner):
    from great_expectations.expectations.expectation import Expectation

    from dataset.validation.runner import KWARG_METHODS

    gx = sys.modules["great_expectations"]
    made = [
        gx.expectations.ExpectColumnValuesToMatchRegex(column="title", regex=r"^\S", mostly=0.9),
        gx.expectations.ExpectColumnValuesToBeBetween(column="text_size", min_value=1),
        gx.expectations.ExpectColumnValuesToBeInSet(column="language", value_set=["hy", "ar"]),
    ]
    for expectation in made:
        for name in KWARG_METHODS:
            fresh = getattr(Expectation, name).__wrapped__  # reads a new configuration per key
            assert getattr(expectation, name)() == fresh(expectation), name
        assert expectation.configuration == Expectation.configuration.fget(expectation)


def test_mostly_lets_a_quality_rule_pass_below_the_share(runner):
    """Nine typical bodies and one brief: 90% meet text_size_typical, its `mostly` share."""
    rows = [article(id=f"{i:016x}", duplicate_cluster=f"{i:016x}") for i in range(9)]
    rows.append(article(id="f" * 16, duplicate_cluster="f" * 16, text=VI_TEXT))
    outcome = run_rule(runner, domain_rule("text_size_typical"), frame(rows))
    item = outcome.result_json["results"][0]
    assert item["success"] and item["result"]["unexpected_count"] == 1
    assert outcome.failures == []


@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_each_helper_reads_only_its_declared_input_columns(helper):
    """A config that reads only the columns its rules read (their Helper.inputs) computes the same
    helper values as one that reads every column."""
    rows = [
        article(),
        article(id="0000000000000002", title="Xung đột", published_date_raw=None),
        article(id="0000000000000003", text="纳卡地区爆发冲突。" * 5, other_languages=["vi"]),
    ]
    whole = frame(rows)
    index = ReleaseIndex.from_frames({"train": whole})
    narrow = whole[list(HELPERS[helper].inputs)]
    compute = HELPERS[helper].compute
    assert compute(narrow, index).tolist() == compute(whole, index).tolist()


def test_great_expectations_import_defers_altair_and_scipy_stats_to_their_first_use():
    """Validation never uses them; code that does gets the real modules on first access."""
    code = "\n".join(
        [
            "import sys",
            "from dataset.validation.runner import import_great_expectations",
            "import_great_expectations()",
            "m = sys.modules",
            "print(type(m['altair']).__name__, type(m['scipy.stats']).__name__)",
            "from great_expectations.expectations.core import "
            "expect_column_kl_divergence_to_be_less_than as kl",
            "print(round(kl.stats.entropy([0.5, 0.5]), 4), kl.alt.Chart.__name__)",
            "import scipy.stats",
            "print(type(sys.modules['altair']).__name__, scipy.stats is sys.modules['scipy.stats'],"
            " type(scipy.stats).__name__)",
        ]
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert done.stdout.splitlines() == [
        "DeferredModule DeferredModule",
        "0.6931 Chart",
        "module True module",
    ]


def test_entities_in_gazetteer_judges_each_row_alone_in_arrow_and_object_columns():
    baku, shusha = known_entity("place:baku", 2), known_entity("place:shusha", 1)
    unnamed = dict(known_entity("place:baku", 1), wikidata=None if baku["wikidata"] else "Q1")
    rows = [
        [baku, shusha],  # in key order
        [shusha, baku],  # out of order
        None,
        [],
        [entity("place:atlantis", "Ատլանտիս", "place", None, 1)],
        [dict(baku, name="باكو")],
        [unnamed],
        [baku, dict(shusha, count=None)],
        [shusha],
    ]
    expected = [True, False, True, True, False, False, False, False, True]
    entity_type = article_schema().to_pyarrow().field("entities").type
    arrow = pa.chunked_array([pa.array(rows[:4], entity_type), pa.array(rows[4:], entity_type)])
    index = [40, 7, 3, 99, 12, 5, 6, 1, 0]
    columns = [
        pd.Series(pd.arrays.ArrowExtensionArray(arrow), index=index),
        pd.Series(rows, dtype=object, index=index),
    ]
    for column in columns:
        found = HELPERS["entities_in_gazetteer"].compute(pd.DataFrame({"entities": column}), None)
        assert found.tolist() == expected and found.index.tolist() == index


def test_batches_are_not_fingerprinted_and_results_do_not_change(runner, monkeypatch):
    """GE's per-batch md5 of the rows is skipped; the cleaned result never carried it."""
    from great_expectations.execution_engine import pandas_execution_engine

    rows = [article(id=f"{i:016x}", duplicate_cluster=f"{i:016x}") for i in range(3)]
    unhashed = run_rule(runner, domain_rule("text_size_typical"), frame(rows)).result_json

    def refuse(df):
        raise AssertionError("a batch was fingerprinted")

    monkeypatch.setattr(pandas_execution_engine, "hash_pandas_dataframe", refuse)
    assert run_rule(runner, domain_rule("text_size_typical"), frame(rows)).result_json == unhashed
    monkeypatch.setattr(pandas_execution_engine, "HASH_THRESHOLD", 1e9)
    with pytest.raises(AssertionError, match="fingerprinted"):
        run_rule(runner, domain_rule("text_size_typical"), frame(rows))


def test_the_context_adds_assets_without_saving_its_config_and_results_do_not_change(monkeypatch):
    """GE saves an ephemeral context's whole config at every asset added; ours skips it."""
    from dataset.validation.runner import GreatExpectationsRunner

    saving, quiet = GreatExpectationsRunner(), GreatExpectationsRunner()
    del saving.context._save_project_config  # GE's own method again
    saves = []
    monkeypatch.setattr(type(quiet.context.variables), "save", lambda self: saves.append(self))
    rows = [article(id=f"{i:016x}", duplicate_cluster=f"{i:016x}") for i in range(3)]
    rows.append(article(id="f" * 16, duplicate_cluster="f" * 16, text=AR_TEXT, language="ar"))
    for config in ("vi", "ar", "all"):
        for rule in (domain_rule("text_size_typical"), domain_rule("language_matches_config")):
            expected = run_rule(saving, rule, frame(rows), config).result_json
            assert run_rule(quiet, rule, frame(rows), config).result_json == expected
    assert saves and all(variables is saving.context.variables for variables in saves)
    assert len(quiet.datasource.assets) == len(saving.datasource.assets) == 3


def test_plain_json_values_convert_as_great_expectations_converts_them(runner):
    import enum

    import numpy as np
    from great_expectations import util
    from great_expectations.core.id_dict import IDDict
    from great_expectations.validator import metric_configuration

    class Kind(enum.Enum):
        COLUMN = "column"

    convert = util.convert_to_json_serializable
    original = convert.__wrapped__
    assert metric_configuration.IDDict.to_id.__globals__["convert_to_json_serializable"] is convert
    values = [
        "Ղարաբաղ",
        "",
        0,
        -7,
        True,
        None,
        1.5,
        float("nan"),
        float("inf"),
        np.float64("nan"),
        np.float32(0.1),
        np.int64(3),
        np.bool_(False),
        np.array([1.0, np.nan]),
        dt.date(2023, 9, 19),
        Kind.COLUMN,
        {1: "一", "b": [None, (2, "ك")], 2.5: {"x": float("nan")}},
        ("Việt", [np.int64(1), {"k": np.float64(2.0)}]),
        {"a", "b"},
        IDDict({"column": "title", "mostly": 0.9, "value_set": ["hy", "az"]}),
        pd.Series([1, None], name="n"),
    ]
    for value in values:
        got, expected = convert(value), original(value)
        assert json.dumps(got, sort_keys=True) == json.dumps(expected, sort_keys=True), value
        assert type(got) is type(expected), value


def test_column_values_cut_to_characters_alike_from_arrow_and_object_columns():
    from dataset.validation.rules import _column

    texts = ["Ղարաբաղ纳卡😀 Việt", None, "", "  \n", ZH_TEXT, AR_TEXT, "Ё"]
    arrow = pd.Series(pd.arrays.ArrowExtensionArray(pa.array(texts, pa.string())))
    plain = pd.Series(texts, dtype=object)
    for chars in (None, 0, 1, 3, 9, 500):
        expected = [t if t is None or chars is None else t[:chars] for t in texts]
        for column in (arrow, plain):
            assert _column(pd.DataFrame({"text": column}), "text", chars) == expected


def test_shared_domain_objects_give_the_metric_dependencies_of_fresh_ones(runner, monkeypatch):
    """Within get_validation_dependencies, get_metric_kwargs is handed the running expectation
    instead of one rebuilt from its configuration: the metrics asked for are the same."""
    from great_expectations.expectations.expectation import Expectation
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    gx = sys.modules["great_expectations"]
    made = [
        gx.expectations.ExpectColumnValuesToMatchRegex(column="title", regex=r"^\S", mostly=0.9),
        gx.expectations.ExpectColumnValuesToBeBetween(column="text_size", min_value=1),
        gx.expectations.ExpectColumnValuesToBeInSet(column="language", value_set=["hy", "ar"]),
        gx.expectations.ExpectColumnValuesToBeOfType(column="script", type_="str"),
        gx.expectations.ExpectTableColumnsToMatchOrderedList(column_list=["id", "text"]),
    ]
    formats = [
        None,
        {"result_format": {"result_format": "COMPLETE", "unexpected_index_column_names": ["id"]}},
    ]

    def metrics(expectation, runtime):
        found = expectation.get_validation_dependencies(runtime_configuration=runtime)
        configurations = found.metric_configurations
        return sorted((name, repr(c.id)) for name, c in configurations.items())

    shared = [metrics(e, runtime) for e in made for runtime in formats]
    fresh_domain_obj = ExpectationConfiguration.to_domain_obj.__wrapped__
    monkeypatch.setattr(ExpectationConfiguration, "to_domain_obj", fresh_domain_obj)
    rebuilt = Expectation.configuration.fget.__wrapped__  # a new configuration at every read
    monkeypatch.setattr(Expectation, "configuration", property(rebuilt))
    assert [metrics(e, runtime) for e in made for runtime in formats] == shared
    assert all(found for found in shared)


def test_rules_that_flag_no_row_give_ge_s_own_results(runner, monkeypatch):
    """GE's offending-row lists, query and values are answered at once when no row is flagged;
    every rule, flagging rows or not, gives the result of GE's own functions."""
    from great_expectations.expectations import registry

    from dataset.validation import runner as runner_module

    rows = [
        article(),
        article(id="00000000000000a2", title="Ղարաբաղ", language_score=None),
        article(id="00000000000000a3", language="zh", script="Hans", text=body(ZH_TEXT)),
        article(id="00000000000000a4", language="ar", script="Arab", text=body(AR_TEXT)),
        article(id="not-an-id", language_score=1.5, text="  \x07 ", script="Cyrl"),
    ]
    rules = structural_rules() + list(load_domain_rules().rules)
    params = {**PARAMS, "config_language": "all", "release_languages": ["ar", "vi", "zh"]}
    index = ReleaseIndex.from_frames({"train": frame(rows)})

    def results() -> list[dict]:
        found = []
        for rule in rules:
            with_helpers, _ = add_helper_columns(frame(rows), [rule], index)
            run = SuiteRun("test.rules", [rule], params, "all", "train")
            found.append(runner.run(run, with_helpers).result_json)
        return found

    answered = []

    def counting(flagged):
        answered.append(found := flags_no_row(flagged))
        return found

    flags_no_row = runner_module.flags_no_row
    monkeypatch.setattr(runner_module, "flags_no_row", counting)
    quick = results()
    assert any(answered) and not all(answered)
    names = {"_pandas_map_condition_index", "_pandas_map_condition_query"}
    names.add("_pandas_column_map_condition_values")
    for definition in registry._registered_metrics.values():
        providers = definition.get("providers", {})
        metric_class, function = providers.get("PandasExecutionEngine", (None, None))
        if getattr(function, "__name__", None) in names:
            monkeypatch.setitem(
                providers, "PandasExecutionEngine", (metric_class, function.__wrapped__)
            )
    answered.clear()
    assert results() == quick
    assert not answered


def test_cjk_lead_bytes_cover_every_cjk_range():
    from dataset.build.language import CJK_RANGES
    from dataset.validation.rules import CJK_LEAD_BYTES

    leads = {chr(code).encode()[0] for low, high in CJK_RANGES for code in (low, high)}
    assert all(len(chr(low).encode()) == 3 for low, _ in CJK_RANGES)
    assert min(leads) >= CJK_LEAD_BYTES[0] and max(leads) <= CJK_LEAD_BYTES[1]


def test_flagged_rows_read_by_column_equal_ge_s_reads_row_by_row(runner):
    import numpy as np
    from great_expectations.expectations.metrics.map_metric_provider import (
        map_condition_auxilliary_methods as module,
    )

    from dataset.validation.runner import flagged_rows_by_column

    compute = module.compute_unexpected_pandas_indices
    original = compute.__wrapped__
    whole = frame(
        [
            article(id=f"{i:016x}", title=t, language_score=s, published_date=d, events=e)
            for i, (t, s, d, e) in enumerate(
                [
                    ("Ղարաբաղ", 0.25, dt.date(2023, 9, 19), ["2023-offensive"]),
                    (None, None, None, []),
                    ("纳卡", 0.5, dt.date(2020, 9, 27), None),
                    ("  ", 0.75, None, ["2020-war"]),
                ]
            )
        ]
    )
    whole["text_size"] = np.array([5, 0, 12, 3], dtype=np.int64)
    whole["flag"] = np.array([True, False, True, False])
    whole["ratio"] = np.array([0.1, 0.2, 0.3, 0.4], dtype=np.float32)
    whole.index = pd.RangeIndex(7, 11)
    frames = [whole, whole[whole["flag"]], whole.iloc[:0]]
    formats = [
        {"result_format": "COMPLETE", "unexpected_index_column_names": ["id"]},
        {"result_format": "SUMMARY", "unexpected_index_column_names": ["id", "title"]},
    ]
    columns = ["title", "language_score", "published_date", "events", "text_size", "ratio", "id"]
    metrics = {"table.columns": list(whole.columns)}
    for df in frames:
        for result_format in formats:
            for domain in ([column] for column in columns):
                kwargs = {
                    "domain_records_df": df,
                    "expectation_domain_column_list": domain,
                    "result_format": result_format,
                    "execution_engine": None,
                    "metrics": metrics,
                }
                got, expected = compute(**kwargs), original(**kwargs)
                assert got == expected
                assert [list(map(type, r.values())) for r in got] == [
                    list(map(type, r.values())) for r in expected
                ]
                assert [list(r) for r in got] == [list(r) for r in expected]
    named = whole.rename_axis("row")
    excluded = {**formats[0], "exclude_unexpected_values": True}
    for df, result_format in ((named, formats[0]), (whole, excluded)):
        kwargs = {
            "domain_records_df": df,
            "expectation_domain_column_list": ["title"],
            "result_format": result_format,
            "metrics": metrics,
        }
        assert flagged_rows_by_column(**kwargs) is None
    missing = {**formats[0], "unexpected_index_column_names": ["raw_id"]}
    kwargs = {"domain_records_df": whole, "expectation_domain_column_list": ["title"]}
    assert flagged_rows_by_column(**kwargs, result_format=missing, metrics=metrics) is None


def test_the_rules_read_language_constants_without_loading_the_cleaner():
    """``text_size`` and ``count_cjk`` take their constants from dataset.build.language; importing
    it must not import dataset.build.clean, which loads its lexicons (0.5 s of CPU in every
    validation worker)."""
    code = "import sys, dataset.build.language; sys.exit('dataset.build.clean' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0
