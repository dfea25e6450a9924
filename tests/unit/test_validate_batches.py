"""Validation in row batches: rules that span batches stay global, merged results equal unbatched.

Each test writes a tiny release (several languages, several shards) and validates it with a batch
size of a few rows, so a split is cut into several batches and the `all` config crosses shards.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dataset.build.write import article_arrow_schema
from dataset.errors import BuildError
from dataset.release.finalize import validation_pool
from dataset.release.layout import read_layout
from dataset.release.manifest import read_manifest
from dataset.report import format_validation_report
from dataset.validation import runner as runner_module
from dataset.validation.rules import DOMAIN_SUITE, Rule
from dataset.validation.runner import (
    MAX_STRING_CHARS,
    GreatExpectationsRunner,
    MergedResult,
    Reused,
    SplitRun,
    ValidationReport,
    check_accounting,
    cut_rules,
    plan_rules,
    plan_validation,
    result_name,
    rule_costs,
    run_suites,
    stream_batches,
)

VI_TEXT = (
    "Xung đột ở Nagorno-Karabakh tiếp diễn.\n\nHai bên cáo buộc lẫn nhau vi phạm lệnh ngừng bắn."
)
ZH_TEXT = "纳卡地区爆发冲突。\n\n亚美尼亚和阿塞拜疆互相指责对方首先开火。双方均称对方违反停火协议。"
AR_TEXT = "أعلنت وزارة الدفاع الأذربيجانية عن عملية عسكرية في كاراباخ.\n\nدعت الولايات المتحدة إلى وقف إطلاق النار."  # noqa: E501
# Bodies of a typical size (the quality rule text_size_typical), so clean rows raise no warning.
TEXTS = {
    lang: ("\n\n".join([text] * 6), script)
    for lang, text, script in (
        ("vi", VI_TEXT, "Latn"),
        ("zh", ZH_TEXT, "Hans"),
        ("ar", AR_TEXT, "Arab"),
    )
}
WARNED = "title_not_repeated_at_text_start"
MANIFEST = {
    "release_version": "0.1.0",
    "build_date": "2026-11-22",
    "config": {"min_text_chars": 20, "max_text_chars": 100_000, "language_score_threshold": 0.5},
}


def row(number: int, lang: str = "vi", **overrides) -> dict:
    """A valid article; ``number`` makes id, cluster, file and sha256 distinct."""
    id_ = f"{number:016x}"
    text, script = TEXTS[lang]
    values = {
        "id": id_,
        "language": lang,
        "language_score": 0.9,
        "script": script,
        "other_languages": [],
        "title": None,
        "text": text,
        "published_date": dt.date(2020, 9, 27),
        "published_date_raw": "27/09/2020",
        "publisher": None,
        "duplicate_cluster": id_,
        "source_file": f"{lang}/{id_}.txt",
        "raw_sha256": f"{number:064x}",
    }
    values.update(overrides)
    return values


def write_release(root: Path, shards: dict[tuple[str, str], list[list[dict]]]) -> Path:
    """``{(language, split): [rows of shard 0, rows of shard 1, ...]}`` as a release folder.

    Rows are written in the given order (not sorted), so a test decides which batch a row is in.
    """
    schema = article_arrow_schema("0" * 16)
    for (language, split), parts in shards.items():
        for i, rows in enumerate(parts):
            path = root / "data" / language / f"{split}-{i:05d}-of-{len(parts):05d}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    (root / "build_manifest.json").write_text(json.dumps(MANIFEST), encoding="utf-8")
    return root


def validate(release: Path, batch_rows: int) -> dict[tuple[str, str, str], object]:
    """``{(suite, config, split): SuiteOutcome}`` of the GE suites at ``batch_rows``."""
    outcomes = run_suites(read_layout(release), read_manifest(release), batch_rows)
    return {(o.suite, o.config, o.split): o for o in outcomes}


def failures(outcome) -> dict[str, list[str]]:
    return {f.expectation: f.unexpected_ids for f in outcome.failures}


def result_item(outcome, name: str) -> dict:
    return next(r for r in outcome.result_json["results"] if result_name(r) == name)


@pytest.fixture
def clean_release(tmp_path) -> Path:
    """vi/train in two shards (3 + 2 rows), zh/train, ar/test; 8 valid rows."""
    return write_release(
        tmp_path / "clean",
        {
            ("vi", "train"): [[row(1), row(2), row(3)], [row(4), row(5)]],
            ("zh", "train"): [[row(6, "zh"), row(7, "zh")]],
            ("ar", "test"): [[row(8, "ar")]],
        },
    )


def test_batches_are_bounded_in_file_order_with_split_positions(clean_release):
    layout = read_layout(clean_release)
    batches = list(stream_batches(clean_release, layout.files("all", "train"), 2))
    assert [len(b) for b in batches] == [
        2,
        2,
        2,
        1,
    ]  # the `all` config crosses shards and languages
    assert [i for b in batches for i in b.index] == list(range(7))
    ids = [i for b in batches for i in b["id"]]
    assert ids == [f"{n:016x}" for n in (1, 2, 3, 4, 5, 6, 7)]


def test_duplicated_id_and_sha256_in_different_batches_fail_uniqueness(tmp_path):
    twin = row(1, source_file="vi/copy.txt")  # same id and raw_sha256 as row(1), 3 batches later
    release = write_release(
        tmp_path / "dup",
        {("vi", "train"): [[row(1), row(2)], [row(3), row(4), row(5), twin]]},
    )
    duplicated = f"{1:016x}"
    outcomes = validate(release, batch_rows=2)
    for config in ("vi", "all"):
        assert failures(outcomes[("article.structural", config, "train")]) == {
            "id_unique": [duplicated]
        }
    domain = failures(outcomes[("article.domain", "all", "train")])
    assert domain == {"raw_file_used_once": [duplicated]}
    item = result_item(outcomes[("article.structural", "vi", "train")], "id_unique")
    assert item["result"]["unexpected_count"] == 2
    assert item["result"]["unexpected_index_query"] == "df.filter(items=[0, 5], axis=0)"


def test_row_count_and_row_wise_counts_cover_all_batches(tmp_path):
    future = dt.date(2100, 1, 1)
    release = write_release(
        tmp_path / "dates",
        {
            ("vi", "train"): [
                [row(1, published_date=future), row(2), row(3)],
                [row(4), row(5, published_date=future, published_date_raw="1/1/2100")],
            ]
        },
    )
    outcome = validate(release, batch_rows=2)[("article.domain", "vi", "train")]
    assert result_item(outcome, "split_not_empty")["result"] == {"observed_value": 5}
    dates = result_item(outcome, "published_date_within_conflict_and_build")
    assert not dates["success"]
    assert dates["result"]["element_count"] == 5
    assert dates["result"]["unexpected_count"] == 2
    assert dates["result"]["unexpected_percent"] == 40.0
    assert dates["result"]["unexpected_index_query"] == "df.filter(items=[0, 4], axis=0)"
    assert failures(outcome)["published_date_within_conflict_and_build"] == [
        f"{1:016x}",
        f"{5:016x}",
    ]
    assert outcome.evaluated == len(outcome.result_json["results"])  # expectations, not batches
    assert outcome.result_json["statistics"]["evaluated_expectations"] == outcome.evaluated


def test_merged_results_equal_unbatched_results(tmp_path):
    """Breakages in several batches, shards, languages and splits: every result file's content
    and every failure are the same whether a split is validated at once or 2 rows at a time
    (tests/integration/test_validation_catches.py does the same with 1 row on the seed release).
    """
    release = write_release(
        tmp_path / "broken",
        {
            ("vi", "train"): [
                [row(1, text=VI_TEXT + "\x00"), row(2), row(3, title=" ")],
                [row(4, published_date=dt.date(1920, 1, 1)), row(1, source_file="vi/b.txt")],
            ],
            ("zh", "train"): [[row(6, "zh", language_score=0.2), row(7, "zh", language="fr")]],
            ("zh", "test"): [[row(3, "zh", duplicate_cluster=f"{2:016x}")]],  # id in 2 splits
            ("ar", "test"): [[row(8, "ar", other_languages=["ar"]), row(9, "ar")]],
        },
    )
    whole = validate(release, batch_rows=1000)
    assert sum(o.failed for o in whole.values()) >= 10
    batched = validate(release, batch_rows=2)
    assert batched.keys() == whole.keys()
    for key, outcome in whole.items():
        assert batched[key].to_json() == outcome.to_json(), key
        assert batched[key].result_json == outcome.result_json, key


def test_a_long_index_query_merges_the_same_at_any_batch_size(tmp_path):
    """A rule failing on more rows than a result string keeps (its GE query is longer than
    MAX_STRING_CHARS): the query lists the failing rows' positions whatever the batch size,
    up to MAX_UNEXPECTED_KEPT of them."""
    rows = [row(n, title=" " if n % 3 else "Xung đột") for n in range(1, 121)]
    release = write_release(tmp_path / "long", {("vi", "train"): [rows[:50], rows[50:]]})
    whole = validate(release, batch_rows=1000)
    item = result_item(whole[(DOMAIN_SUITE, "all", "train")], "title_trimmed")
    positions = [n - 1 for n in range(1, 121) if n % 3]
    assert item["result"]["unexpected_index_query"] == f"df.filter(items={positions}, axis=0)"
    assert len(item["result"]["unexpected_index_query"]) > MAX_STRING_CHARS
    for batch_rows in (7, 50, 80):
        batched = validate(release, batch_rows)
        for key, outcome in whole.items():
            assert batched[key].result_json == outcome.result_json, (batch_rows, key)


def broken_release(root: Path) -> Path:
    """Failures in several languages, and a shard without the input column of a helper."""
    release = write_release(
        root,
        {
            ("vi", "train"): [
                [row(1, text=VI_TEXT + "\x00"), row(2), row(3, title=" ")],
                [row(4, published_date=dt.date(1920, 1, 1)), row(5)],
            ],
            ("zh", "train"): [[row(6, "zh", language="fr"), row(7, "zh")]],
            ("ar", "train"): [[row(8, "ar")], [row(10, "ar")]],
            ("ar", "test"): [[row(9, "ar", other_languages=["ar"])]],
        },
    )
    shard = release / "data" / "ar" / "train-00001-of-00002.parquet"
    pq.write_table(pq.read_table(shard).drop_columns(["duplicate_cluster"]), shard)
    return release


def release_with_nulls(root: Path) -> Path:
    """Nullable columns null in some rows of some languages, across batches and shards.

    The languages' null counts differ from each other and from the ``all`` config's, so a
    result taken from ``all`` must carry the language's own counts.
    """
    dated = {"published_date": None, "published_date_raw": None}
    return write_release(
        root,
        {
            ("vi", "train"): [
                [row(1, title="Xung đột", publisher="Báo A"), row(2, **dated), row(3)],
                [row(4, title="Hai bên"), row(5, **dated)],
            ],
            ("zh", "train"): [[row(6, "zh", title="纳卡地区"), row(7, "zh", publisher="新闻")]],
            ("ar", "train"): [[row(8, "ar", **dated)]],
            ("ar", "test"): [[row(9, "ar", title="كاراباخ", publisher="وكالة")]],
        },
    )


def record_runs(monkeypatch) -> list[tuple[str, str, str, list[str]]]:
    """Record (config, split, suite, rule names) of every GE call from now on."""
    ran: list[tuple[str, str, str, list[str]]] = []
    validate_frame = GreatExpectationsRunner.validate

    def record(self, run, frame):
        ran.append((run.config, run.split, run.suite, [r.name for r in run.rules]))
        return validate_frame(self, run, frame)

    monkeypatch.setattr(GreatExpectationsRunner, "validate", record)
    return ran


def test_language_configs_run_only_rules_they_cannot_take_from_all(clean_release, monkeypatch):
    ran = record_runs(monkeypatch)
    run_suites(read_layout(clean_release), read_manifest(clean_release), 2)
    on_all = {name for config, _, _, names in ran if config == "all" for name in names}
    on_languages = {name for config, _, _, names in ran if config != "all" for name in names}
    # Every rule runs on `all`; a language runs its own rule and the whole-split ones only.
    assert {"text_is_nfc", "columns_match_schema", "id_pattern", "id_in_one_split_only"} <= on_all
    assert on_languages == {"language_matches_config", "id_unique", "split_not_empty"}


def test_a_rule_failing_on_all_runs_again_on_each_language_of_the_split(tmp_path, monkeypatch):
    release = write_release(
        tmp_path / "control",
        {
            ("vi", "train"): [[row(1, text=VI_TEXT + "\x00"), row(2)]],
            ("zh", "train"): [[row(6, "zh"), row(7, "zh")]],
            ("ar", "test"): [[row(8, "ar")]],
        },
    )
    ran = record_runs(monkeypatch)
    outcomes = run_suites(read_layout(release), read_manifest(release), 2)
    rule = "text_has_no_control_characters"
    assert {(c, s) for c, s, _, names in ran if c != "all" and rule in names} == {
        ("vi", "train"),
        ("zh", "train"),
    }
    failed = {(o.config, o.split) for o in outcomes if rule in failures(o)}
    assert failed == {("vi", "train"), ("all", "train")}


@pytest.mark.parametrize(
    ("expectation", "kwargs", "message"),
    [
        ("expect_column_mean_to_be_between", {"column": "language_score"}, "row batches"),
        ("expect_column_values_to_be_unique", {"column": "text"}, "compares rows"),
    ],
)
def test_rules_that_cannot_be_batched_are_refused_by_name(expectation, kwargs, message):
    rule = Rule("new_rule", "A rule someone adds later.", expectation, kwargs)
    with pytest.raises(ValueError, match=rf"'new_rule'.*{message}"):
        plan_rules([rule])


def test_warnings_merge_across_batches_rerun_on_languages_and_never_fail_the_release(tmp_path):
    """Headlines echoed in the body in two languages and two shards: the quality rule warns on
    each config, the languages run it again (it had unexpected rows on `all`), and the release
    passes with the rule counted once over its articles."""
    echo = {"title": "Xung đột ở Nagorno-Karabakh"}
    release = write_release(
        tmp_path / "warned",
        {
            ("vi", "train"): [[row(1, **echo), row(2)], [row(3), row(4, **echo)]],
            ("zh", "train"): [[row(6, "zh", title="纳卡地区爆发冲突"), row(7, "zh")]],
            ("ar", "test"): [[row(8, "ar")]],
        },
    )
    layout, manifest = read_layout(release), read_manifest(release)
    again = run_suites(layout, manifest, 2, reuse=False)
    reused = run_suites(layout, manifest, 2, reuse=True)
    assert [o.to_json() for o in reused] == [o.to_json() for o in again]
    assert [o.result_json for o in reused] == [o.result_json for o in again]
    report = ValidationReport(release, "0.1.0", reused)
    assert report.success and report.failing_names() == []
    outcomes = {(o.suite, o.config, o.split): o for o in reused}
    assert [
        o.warned for o in (outcomes[("article.domain", c, "train")] for c in ("vi", "zh", "all"))
    ] == [1, 1, 1]
    rule = next(r for r in report.summary_json()["rules"] if r["rule"] == WARNED)
    assert rule["severity"] == "warning" and not rule["passed"]
    assert (rule["runs"], rule["failed_runs"]) == (5, 3)  # 3 languages, all/train, all/test
    assert (rule["unexpected_count"], rule["element_count"]) == (3, 7)  # the all/train rows
    assert rule["unexpected_ids"] == [f"{n:016x}" for n in (1, 4, 6)]
    assert report.summary_json()["warnings"] == 1
    text = format_validation_report(report)
    assert "FAILED" not in text
    assert (
        f"    WARNING {WARNED}: 3 of 7 articles (ids {', '.join(rule['unexpected_ids'])})" in text
    )
    assert text.splitlines()[-1].startswith("PASSED:") and text.endswith(", 1 warning")


def test_a_critical_failure_fails_the_report_beside_warnings(tmp_path):
    release = write_release(
        tmp_path / "mixed",
        {
            ("vi", "train"): [
                [row(1, title="Xung đột ở Nagorno-Karabakh"), row(2, text=VI_TEXT + "\x00")]
            ]
        },
    )
    report = ValidationReport(release, "0.1.0", validate(release, 2).values())
    assert not report.success
    assert report.failing_names() == [
        "article.domain vi/train: text_has_no_control_characters",
        "article.domain all/train: text_has_no_control_characters",
    ]
    text = format_validation_report(report)
    assert "    FAILED text_has_no_control_characters: ids 0000000000000002" in text
    assert f"    WARNING {WARNED}: 1 of 2 articles" in text
    assert text.splitlines()[-1].startswith("FAILED:")


def test_accounting_compares_the_manifest_counts_with_the_files(clean_release):
    manifest = json.loads((clean_release / "build_manifest.json").read_text(encoding="utf-8"))
    kept = {"vi": {"train": 5}, "zh": {"train": 2}, "ar": {"test": 1}}
    counts = {"documents_in": 9, "kept": 8, "rejected": 1, "kept_by_language_split": kept}
    rejects = clean_release / "rejects" / "rejects.parquet"
    rejects.parent.mkdir()
    pq.write_table(pa.table({"source_file": ["vi/empty.txt"]}), rejects)
    layout = read_layout(clean_release)
    assert check_accounting(layout, {**manifest, "counts": counts})[0].failures == []
    wrong = {**counts, "kept_by_language_split": {**kept, "zh": {"train": 3}}, "rejected": 2}
    (outcome,) = check_accounting(layout, {**manifest, "counts": wrong})
    assert outcome.failed == 1 and outcome.failures[0].severity == "critical"
    description = outcome.failures[0].description
    assert "9 documents in, 8 kept + 2 rejected" in description
    assert "zh/train: 3 in the manifest, 2 rows in the files" in description
    assert "rejected 2, rows in rejects/rejects.parquet 1" in description
    assert check_accounting(layout, manifest) == []  # a manifest without counts: nothing to compare


def release_missing_text(root: Path) -> Path:
    """A shard without the wide ``text`` column beside shards that have it, and a failure."""
    release = write_release(
        root,
        {
            ("vi", "train"): [[row(1), row(2, title=" ")], [row(3), row(4)]],
            ("zh", "train"): [[row(6, "zh"), row(7, "zh")]],
        },
    )
    shard = release / "data" / "vi" / "train-00001-of-00002.parquet"
    pq.write_table(pq.read_table(shard).drop_columns(["text"]), shard)
    return release


# The releases each shortcut of the default run is compared on: clean and failing ones for both,
# nulls in some languages for `reuse` (a taken result must carry the language's null counts), a
# shard without the wide text column for `narrow`.
SHORTCUTS = {"clean": ("reuse", "narrow"), "broken": ("reuse", "narrow"), "nulls": ("reuse",)}
SHORTCUTS["missing_text"] = ("narrow",)


@pytest.mark.parametrize("batch_rows", [2, 1000])
@pytest.mark.parametrize("make", list(SHORTCUTS))
def test_each_shortcut_of_the_default_run_changes_no_outcome(
    tmp_path, clean_release, make, batch_rows
):
    """The default run equals a run without each of its shortcuts, outcome for outcome and
    result file for result file: ``reuse`` (a language takes from ``all`` the rules that passed
    there on every row) and ``narrow`` (each rule sees only the columns it reads; ``all`` reads
    no text when it reuses the text rules). A shard that lost a column makes the column rules run
    on each language again."""
    release = {
        "clean": lambda: clean_release,
        "broken": lambda: broken_release(tmp_path / "broken"),
        "nulls": lambda: release_with_nulls(tmp_path / "nulls"),
        "missing_text": lambda: release_missing_text(tmp_path / "missing"),
    }[make]()
    layout, manifest = read_layout(release), read_manifest(release)
    default = run_suites(layout, manifest, batch_rows)
    for shortcut in SHORTCUTS[make]:
        without = run_suites(layout, manifest, batch_rows, **{shortcut: False})
        assert [o.to_json() for o in default] == [o.to_json() for o in without], shortcut
        assert [o.result_json for o in default] == [o.result_json for o in without], shortcut
    if make in ("broken", "missing_text"):
        assert sum(o.failed for o in default) >= 2
    if make == "broken":
        assert sum(o.failed for o in default if o.config == "all") >= 3
    if make == "nulls":
        titles = {
            o.config: result_item(o, "title_trimmed")["result"]["missing_count"]
            for o in default
            if o.suite == "article.domain" and o.split == "train"
        }
        assert titles == {"vi": 3, "zh": 1, "ar": 1, "all": 5}


@pytest.mark.parametrize("make", ["nulls", "broken"])
def test_a_process_pool_gives_the_results_of_one_process(tmp_path, monkeypatch, make):
    """``workers=2`` runs each suite of each config/split as a task of a spawn pool (whose
    workers import GE and read the release themselves); outcomes and result files equal those
    of one process, on a failing release and on one whose taken results carry null counts.
    A release below ``PARALLEL_MIN_ROWS`` rows is validated in this process, pool or not."""
    release = {"nulls": release_with_nulls, "broken": broken_release}[make](tmp_path / make)
    layout, manifest = read_layout(release), read_manifest(release)
    alone = run_suites(layout, manifest, 2)
    started = []
    monkeypatch.setattr(runner_module.SuitePool, "__enter__", record_call(started, "__enter__"))
    assert run_suites(layout, manifest, 2, workers=2) and not started  # 8 rows: no pool
    monkeypatch.setattr(runner_module, "PARALLEL_MIN_ROWS", 0)
    pooled = run_suites(layout, manifest, 2, workers=2)
    assert started == ["__enter__"]
    assert [o.to_json() for o in pooled] == [o.to_json() for o in alone]
    assert [o.result_json for o in pooled] == [o.result_json for o in alone]
    assert sum(o.failed + o.warned for o in alone) >= 1


PIECES = {
    "clean": lambda root: None,
    "broken": broken_release,
    "nulls": release_with_nulls,
    "missing_text": release_missing_text,
}


@pytest.mark.parametrize("make", list(PIECES))
def test_a_suite_cut_into_rule_pieces_joins_into_the_whole_suites_result(
    tmp_path, clean_release, make
):
    """What the pool does with a costly suite, here in one process: its batch rules cut in three
    pieces (the whole-split rules with the cheapest), each run alone and joined in order, give
    the whole suite's result JSON (same bytes), failing ids, helper problems and null counts per
    language, on clean and failing releases, a shard without a helper's input and one without
    the bodies (the table rules still see every column)."""
    release = PIECES[make](tmp_path / make) or clean_release
    plan = plan_validation(read_layout(release), read_manifest(release), 2)
    runner = GreatExpectationsRunner()
    failing = 0
    for split, ranges in plan.grouped_splits(reuse=True):
        where = SplitRun("all", split, ranges=ranges)
        whole = plan.run_split(runner, where)
        widths = plan.column_widths(where)
        for number, suite in enumerate(plan.suites["all"]):
            pieces = cut_rules(suite.rules, rule_costs(suite.rules, plan.rows(where), widths), 3)
            names = sorted(name for piece in pieces for name in piece)
            assert len(pieces) == 3 and names == sorted(r.name for r in suite.rules)
            joined = MergedResult()
            for piece in pieces:
                joined.join(plan.run_split(runner, where, [number], piece)[0])
            expected = whole[number]
            assert json.dumps(joined.result) == json.dumps(expected.result)
            assert (joined.ids, joined.problems) == (expected.ids, expected.problems)
            assert joined.missing == expected.missing
            assert joined.outcome(suite, "all", split) == expected.outcome(suite, "all", split)
            failing += len(expected.ids)
    assert (failing > 0) == (make != "clean")


def test_pool_tasks_cut_the_costly_suites_and_run_every_rule_once(clean_release):
    """Rules on the bodies are estimated dearer than rules on a date; with two workers the
    ``all`` config's costliest suites come in pieces, together every rule of each suite once;
    a language unit that takes results from ``all`` runs whole suites."""
    plan = plan_validation(read_layout(clean_release), read_manifest(clean_release), 2)
    units = [SplitRun("all", split, ranges=r) for split, r in plan.grouped_splits(reuse=True)]
    train = units[[u.split for u in units].index("train")]
    structural = plan.suites["all"][0]
    costs = rule_costs(structural.rules, plan.rows(train), plan.column_widths(train))
    assert costs["text_not_null"] > 2 * costs["published_date_type"]
    tasks = plan.tasks(units, workers=2)
    cut = 0
    for where in units:
        for number, suite in enumerate(plan.suites["all"]):
            pieces = [t.rules for t in tasks if (t.where, t.suite) == (where, number)]
            rules = [name for piece in pieces for name in (piece or [r.name for r in suite.rules])]
            assert sorted(rules) == sorted(r.name for r in suite.rules)
            cut += len(pieces) > 1
    assert cut >= 1
    taking = SplitRun("vi", "train", reused=[Reused(), Reused()])
    assert [t.rules for t in plan.tasks([taking], workers=2)] == [None, None]


def test_an_early_pool_validates_like_one_process_and_always_shuts_down(tmp_path, monkeypatch):
    """``validation_pool`` starts only its fork server (importing GE) before the release exists;
    the workers forked when it is validated give the results of one process; an error after
    that still shuts them down. No pool when nothing is validated, in one process, or few rows."""
    for validate, workers, rows in ((False, 2, 10**9), (True, 1, 10**9), (True, 2, 1)):
        with validation_pool(validate, workers, rows) as pool:
            assert pool is None
    release = broken_release(tmp_path / "broken")
    layout, manifest = read_layout(release), read_manifest(release)
    alone = run_suites(layout, manifest, 2)
    monkeypatch.setattr(runner_module, "PARALLEL_MIN_ROWS", 0)
    with pytest.raises(BuildError, match="card failed"), validation_pool(True, 2, 9) as pool:
        assert pool.pool is None
        pooled = run_suites(layout, manifest, 2, pool=pool)
        processes = list(pool.pool._processes.values())
        raise BuildError("card failed")
    assert pool.pool is None and processes
    assert not any(process.is_alive() for process in processes)
    assert [o.to_json() for o in pooled] == [o.to_json() for o in alone]
    assert [o.result_json for o in pooled] == [o.result_json for o in alone]


def record_call(calls: list[str], name: str):
    """``SuitePool``'s method ``name``, appending ``name`` to ``calls`` when it runs."""
    method = getattr(runner_module.SuitePool, name)

    def recorded(self, *args):
        calls.append(name)
        return method(self, *args)

    return recorded


def test_bodies_go_only_to_the_rules_that_read_them(clean_release, monkeypatch):
    seen: list[tuple[str, list[str], list[str], bool]] = []
    validate_frame = GreatExpectationsRunner.validate

    def record(self, run, frame):
        texts = "text" in frame.columns and bool(frame["text"].notna().any())
        seen.append((run.config, [r.name for r in run.rules], list(frame.columns), texts))
        return validate_frame(self, run, frame)

    monkeypatch.setattr(GreatExpectationsRunner, "validate", record)
    run_suites(read_layout(clean_release), read_manifest(clean_release), 2)
    with_texts = [(names, columns) for _, names, columns, texts in seen if texts]
    assert with_texts and all(set(columns) == {"id", "text"} for _, columns in with_texts)
    assert {"text_type", "text_paragraphs_well_formed", "text_has_no_control_characters"} <= {
        name for names, _ in with_texts for name in names
    }
    # The table rule sees every declared column, the bodies as nulls of their type.
    table = next(columns for _, names, columns, _ in seen if "columns_match_schema" in names)
    assert "text" in table and "title" in table
    # Every rule a language config runs itself reads short columns: its batches hold no body.
    assert not any("text" in columns for config, _, columns, _ in seen if config != "all")


def test_each_suite_is_built_once_for_every_batch_and_split_it_runs_on(clean_release, monkeypatch):
    """GE suites are cached by rules and parameters: a rule of the `all` config is built once for
    its 5 batches over 2 splits, a language's own rule once per language (its value differs)."""
    built: Counter[str] = Counter()
    build = runner_module.build_expectation

    def count(rule, params):
        built[rule.name] += 1
        return build(rule, params)

    monkeypatch.setattr(runner_module, "build_expectation", count)
    run_suites(read_layout(clean_release), read_manifest(clean_release), 2)
    assert built["id_pattern"] == 1
    assert built["language_matches_config"] == 3


def test_ge_keeps_no_frame_once_a_batch_is_validated(clean_release, monkeypatch):
    """GE's engine would keep the last frame of every asset until the run ends; each validated
    batch is dropped from its caches, so the engine holds no frame between two batches."""
    held = []
    validate_frame = GreatExpectationsRunner.validate

    def record(self, run, frame):
        result = validate_frame(self, run, frame)
        manager = self.datasource.get_execution_engine().batch_manager
        held.append((len(manager.batch_data_cache), len(manager.batch_cache)))
        return result

    monkeypatch.setattr(GreatExpectationsRunner, "validate", record)
    outcomes = run_suites(read_layout(clean_release), read_manifest(clean_release), 2)
    assert len(held) > 10
    assert set(held) == {(0, 0)}
    assert all(o.passed == o.evaluated for o in outcomes)


def test_the_release_keys_are_read_on_the_c_heap_and_the_pool_restored(clean_release, monkeypatch):
    """The key columns of the whole release (the memory that grows with it) are read while Arrow
    allocates from malloc (mimalloc keeps each thread's freed pages); the pool the caller had is
    back afterwards, also when reading fails."""
    pools = []
    read = runner_module.read_key_columns

    def record(layout):
        pools.append(pa.default_memory_pool().backend_name)
        return read(layout)

    monkeypatch.setattr(runner_module, "read_key_columns", record)
    before = pa.default_memory_pool().backend_name
    run_suites(read_layout(clean_release), read_manifest(clean_release), 2)
    assert pools == ["system"]
    assert pa.default_memory_pool().backend_name == before
    monkeypatch.setattr(runner_module, "read_key_columns", lambda layout: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run_suites(read_layout(clean_release), read_manifest(clean_release), 2)
    assert pa.default_memory_pool().backend_name == before


def test_one_process_runs_ge_with_the_objects_alive_frozen_then_unfreezes_them(
    clean_release, monkeypatch
):
    """Full collections skip what was alive once GE was imported; the block's end unfreezes it."""
    import gc

    frozen: list[int] = []
    validate_frame = GreatExpectationsRunner.validate

    def record(self, run, frame):
        frozen.append(gc.get_freeze_count())
        return validate_frame(self, run, frame)

    monkeypatch.setattr(GreatExpectationsRunner, "validate", record)
    assert gc.get_freeze_count() == 0
    outcomes = validate(clean_release, 2)
    assert frozen and min(frozen) > 0
    assert gc.get_freeze_count() == 0
    assert all(o.failed == 0 for o in outcomes.values())


def test_objects_frozen_before_stay_frozen_after_a_frozen_block():
    import gc

    from dataset.validation.runner import frozen_for_collections

    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with frozen_for_collections():
            assert gc.get_freeze_count() == before
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()
    with frozen_for_collections():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
