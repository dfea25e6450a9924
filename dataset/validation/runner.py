"""Stage 7, validate: run every suite on every config and split of a release.

Order of checks in ``validate_release``:

1. ``checksums.sha256`` (dataset/release/integrity.py): any file changed, added or removed since
the build
   is named, and the release fails. The suites still run, so the report shows what broke, but
   nothing is written into a release whose checksums do not match.
2. ``parquet_schema``: every shard's Arrow schema equals the one declared in schemas/ (names,
   order, exact types, nullability). GE's pandas engine cannot see float32 vs float64.
   ``accounting``: the counts of build_manifest.json equal the rows of the shards and rejects.
3. Great Expectations 1.x (ephemeral context, pandas datasource; GE has no polars datasource):
   ``article.structural`` (generated from schemas/) and ``article.domain`` (validation/
   domain_rules.yaml) on each config (languages + ``all``) and each non-empty split.

Severities: every expectation carries GE's ``severity`` (``critical`` or ``warning``, declared
per rule in domain_rules.yaml; structural and schema rules are critical). GE's verdict per
expectation is kept as is; ``ValidationReport.success`` counts only critical failures, so a
failing quality expectation is reported (``warned`` per suite run, ``rules`` in summary.json,
the CLI table, the card) and never blocks a release.

Memory stays bounded as the release grows: no split is ever loaded whole. The short key columns
(``RELEASE_INDEX_COLUMNS``: id, duplicate_cluster, raw_sha256, source_file) are read once for the
whole release; they feed the ``ReleaseIndex`` (splits of each id and cluster) and the rules that
compare or count rows (``WHOLE_SPLIT_EXPECTATIONS``: uniqueness, row counts), which run once per
config/split on those columns alone. Every other rule runs on batches of at most
``VALIDATION_BATCH_ROWS`` rows streamed from the split's shards in file order (the ``all`` config
walks the languages' shards one after another), and the batch results are merged into one result
per suite, config and split (``merge_items``): an expectation succeeds iff it succeeds in every
batch; counts add up and percentages are recomputed; unexpected values, indices (row positions in
the split) and the index query are concatenated in row order and capped at
``MAX_UNEXPECTED_KEPT``; column-level results (observed columns or dtype, errors) are those of the
first failing batch; ``statistics`` count expectations, not batches. A failure lists the smallest
offending ids over all batches.

The ``all`` config's rows are the languages' rows, language after language, so it is validated
first, and a language config takes from it every row or column rule that it has with the same
arguments and that passed on ``all`` without one unexpected row, exception or helper problem
(``derived_results``): that rule holds on the language's rows too, and its result is ``all``'s
with the language's row count, the nulls of its column counted per language on ``all``'s
batches, and GE's percentages of those; a column rule (names, types) is taken only when every
shard of the split has one schema. A language then runs only its own rules (``language``-scoped
ones, whole-split rules) and what failed on ``all``: about 3 GE expectation runs per language
and split on a clean release instead of 60. The result files are those of running every rule
on every config (a test compares both ways on clean, failing and null-laden releases). The
merged JSON has GE's shape and, for a split that fits in one batch, GE's exact content; the
batch size changes nothing unless the shards of one split have different columns (each batch
then reports the columns of its own shard).

GE is fed narrow frames (``validate_columns``): a rule on the article body gets the ``id`` and
body columns only, every other rule the batch with the bodies as typed nulls, and a config whose
remaining rules read only short columns (a language config, once it takes the rest from
``all``) reads only those from Parquet. GE's pandas engine copies the frame it validates for
every row rule, so without this each rule about a date copied every body again. Results are
unchanged (a test runs both ways on clean and failing releases); 31.1 to 24.1 CPU seconds on a
5,000-document benchmark release.

GE's own work per call is trimmed where it computes what it already knows, each change exact and
tested against GE's own path: no batch fingerprints (``skip_batch_fingerprints``), no config
save per asset (``skip_config_saves``), one configuration per expectation method and no
expectation rebuilt per metric (``share_expectation_configurations``), plain JSON values
converted directly (``convert_plain_json_directly``), no row lists read when no row is flagged
(``answer_unflagged_rows_directly``), flagged rows read by column
(``list_flagged_rows_by_column``); in one process, full garbage collections skip the objects
alive once GE is imported (``frozen_for_collections``).

A release of ``PARALLEL_MIN_ROWS`` rows or more is validated in ``workers`` processes
(``SuitePool``; the build passes its worker count, ``validate --workers``). The workers are forked
from a fork server that imports GE once (``dataset/validation/preload.py``); the build starts it
before writing the release (``dataset.release.finalize.validation_pool``), so GE is imported on
the core the write leaves idle, and the workers read the release's keys while the driver does.
Each suite on each config/split is a task, the ``all`` config's first, then the languages'
(which take from them); a suite estimated above an even share of the work (by rows and the
bytes of the columns its rules read) is cut into pieces of its rules, balanced by that estimate
(``ValidationPlan.tasks``), and their results are joined (``MergedResult.join``). The driver
imports no GE and only folds results, which equal those of one process byte for byte (tests
compare them, rule pieces included).

Results go to ``<release>/validation/{config}/{split}.{structural|domain}.json`` (GE's result
JSON without run ids, timestamps or tracebacks, so re-validating an unchanged release writes the
same bytes) and ``validation/summary.json`` (the agreed summary format), and only when asked
(``write_results``; ``validate --write``): by default validating a release only reads it, so a
read-only copy validates. Into a published release the results are written atomically: a copy of
the release made of hard links gets the new ``validation/`` and ``checksums.sha256``, and is
swapped with the release in one rename (``rewrite_release_validation``), so a kill at any moment
leaves the old release or the new one, both valid. The build writes into its staging folder
directly.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import functools
import importlib
import importlib.util
import json
import math
import os
import re
import sys
import types
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dataset import __version__
from dataset.release.integrity import (
    CHECKSUMS_NAME,
    ChecksumProblems,
    verify_checksums,
    write_checksums,
)
from dataset.release.layout import ALL_CONFIG, REJECTS_PATH, ReleaseLayout, read_layout
from dataset.release.manifest import read_manifest
from dataset.runtime.memory import arrow_on_c_heap, release_freed_memory
from dataset.schema import article_schema
from dataset.validation.rules import (
    CRITICAL,
    DOMAIN_SUITE,
    HELPERS,
    STRUCTURAL_SUITE,
    WARNING,
    ReleaseIndex,
    Rule,
    add_helper_columns,
    arrow_regex_kwargs,
    load_domain_rules,
    release_languages,
    resolve_kwargs,
    rule_parameters,
    structural_rules,
)

PARQUET_SCHEMA_SUITE = "parquet_schema"
PARQUET_SCHEMA_RULE = "schema_matches_declaration"
ACCOUNTING_SUITE = "accounting"
ACCOUNTING_RULE = "counts_match_manifest"
RESULTS_DIR = "validation"
MAX_IDS_PER_FAILURE = 20
MAX_STRING_CHARS = 200
INDEX_COLUMN = "id"
# Rows validated at a time (per config and split); tests lower it to split the seed release.
# GE's cost per call is high: on the 20k benchmark release 5,000 rows took 11.9 CPU s and 477 MB
# peak, 10,000 rows 10.5 s and 519-531 MB, 20,000 rows 10.0-11.0 s and 570 MB; on the 200k one
# 5,000 rows 74.6 s and 628 MB, 10,000 rows 54.0 s and 837 MB.
VALIDATION_BATCH_ROWS = 10_000
# Merged results keep this many unexpected values and indices per expectation (counts stay exact).
MAX_UNEXPECTED_KEPT = 1_000
PARTIAL_UNEXPECTED_COUNT = 20  # GE's default ``partial_unexpected_count``
INDEX_QUERY = re.compile(r"df\.filter\(items=(?P<items>\[.*\]), axis=0\)")
# Short key and provenance strings, read once for the whole release: the only columns that rules
# comparing rows across a split (uniqueness) may name, and the input of the ReleaseIndex.
RELEASE_INDEX_COLUMNS = ("id", "duplicate_cluster", "raw_sha256", "source_file")

# How an expectation type behaves when a split is validated in row batches.
# Row-wise: one verdict per row, so the batches' counts and lists add up.
ROW_WISE_EXPECTATIONS = frozenset(
    {
        "expect_column_value_lengths_to_be_between",
        "expect_column_value_lengths_to_equal",
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_be_null",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_match_regex_list",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_not_match_regex",
        "expect_column_values_to_not_match_regex_list",
    }
)
# A property of the columns (names, order, dtype) that every batch of a shard shares: it holds
# for the split iff it holds in every batch.
PER_BATCH_EXPECTATIONS = frozenset(
    {
        "expect_column_to_exist",
        "expect_column_values_to_be_in_type_list",
        "expect_column_values_to_be_of_type",
        "expect_table_column_count_to_equal",
        "expect_table_columns_to_match_ordered_list",
        "expect_table_columns_to_match_set",
    }
)
# Compare or count rows: run once per config/split on the RELEASE_INDEX_COLUMNS of every row.
WHOLE_SPLIT_EXPECTATIONS = frozenset(
    {
        "expect_column_values_to_be_unique",
        "expect_compound_columns_to_be_unique",
        "expect_table_row_count_to_be_between",
        "expect_table_row_count_to_equal",
    }
)


@dataclass
class Failure:
    """A failing rule on one config/split.

    ``severity`` says whether it blocks the release; ``unexpected_count`` and ``element_count``
    are None for a rule about the table, not rows.
    """

    expectation: str
    description: str
    unexpected_ids: list[str] = field(default_factory=list)
    severity: str = CRITICAL
    unexpected_count: int | None = None
    element_count: int | None = None

    @property
    def blocking(self) -> bool:
        """True for a critical failure, which blocks the release."""
        return self.severity == CRITICAL

    def to_json(self) -> dict[str, Any]:
        """The failure as written in ``summary.json``."""
        return {
            "expectation": self.expectation,
            "severity": self.severity,
            "description": self.description,
            "unexpected_count": self.unexpected_count,
            "element_count": self.element_count,
            "unexpected_ids": self.unexpected_ids,
        }


@dataclass
class SuiteOutcome:
    """One suite run on one config/split: counts and the failing expectations by name.

    ``passed + failed + warned == evaluated``: ``failed`` counts critical failures (they block
    the release), ``warned`` failing quality expectations (reported only).
    """

    suite: str
    config: str
    split: str
    evaluated: int
    passed: int
    failures: list[Failure] = field(default_factory=list)
    result_json: dict[str, Any] | None = None

    @property
    def warned(self) -> int:
        """Failing quality (non-blocking) expectations."""
        return sum(1 for f in self.failures if not f.blocking)

    @property
    def failed(self) -> int:
        """Failing critical expectations: evaluated minus passed minus warned."""
        return self.evaluated - self.passed - self.warned

    def to_json(self) -> dict[str, Any]:
        """The suite run as one entry of ``summary.json``'s ``suites``."""
        return {
            "suite": self.suite,
            "config": self.config,
            "split": self.split,
            "evaluated": self.evaluated,
            "passed": self.passed,
            "failed": self.failed,
            "warned": self.warned,
            "failures": [f.to_json() for f in self.failures],
        }


@dataclass
class ValidationReport:
    """The outcome of validating one release: every suite run and the checksum check."""

    release_dir: Path
    release_version: str
    outcomes: list[SuiteOutcome]
    checksums: ChecksumProblems | None = None

    @property
    def success(self) -> bool:
        """No critical failure and matching checksums; failing warnings do not count."""
        suites_ok = all(o.failed == 0 for o in self.outcomes)
        return suites_ok and (self.checksums is None or self.checksums.ok)

    def summary_json(self) -> dict[str, Any]:
        """The agreed ``validation/summary.json`` content.

        The verdict, one entry per suite run (``suites``) and one per rule over the whole
        release (``rules``, see ``rule_summaries``); ``warnings`` counts the quality rules that
        failed somewhere.
        """
        rules = rule_summaries(self.outcomes)
        return {
            "success": self.success,
            "release_version": self.release_version,
            "warnings": sum(1 for r in rules if r["severity"] == WARNING and not r["passed"]),
            "rules": rules,
            "suites": [o.to_json() for o in self.outcomes],
        }

    def failing_names(self) -> list[str]:
        """``suite config/split: rule`` of every critical failure (warnings left out)."""
        return [
            f"{o.suite} {o.config}/{o.split}: {f.expectation}"
            for o in self.outcomes
            for f in o.failures
            if f.blocking
        ]

    def warning_rules(self) -> list[dict[str, Any]]:
        """The ``rules`` entries of the quality rules that failed, in summary order."""
        return [
            r for r in rule_summaries(self.outcomes) if r["severity"] == WARNING and not r["passed"]
        ]


def rule_summaries(outcomes: list[SuiteOutcome]) -> list[dict[str, Any]]:
    """One entry per suite and rule, with its verdict and row counts over the whole release.

    An entry holds the severity, whether the rule passed on every config/split it ran on, on
    how many runs it failed, and its row counts over the release.

    Rows are counted once: on the ``all`` config's runs when the rule ran there (its rows are
    every article), else summed over the language configs (which partition the articles).
    ``unexpected_count`` and ``element_count`` are None for rules about tables, not rows.
    ``unexpected_ids`` are the smallest offending ids of those runs that failed (at most
    ``MAX_IDS_PER_FAILURE``; a run that met its ``mostly`` share lists none).
    """
    runs: dict[tuple[str, str], list[tuple[str, Failure | None, dict[str, Any]]]] = {}
    for outcome in outcomes:
        failures = {f.expectation: f for f in outcome.failures}
        for item in rule_items(outcome):
            name = item["name"]
            runs.setdefault((outcome.suite, name), []).append(
                (outcome.config, failures.get(name), item)
            )
    summaries = []
    for (suite, name), entries in runs.items():
        on_all = [e for e in entries if e[0] == ALL_CONFIG]
        counted = on_all or entries
        counts = [e[2]["counts"] for e in counted]
        rows = None
        if all(c is not None for c in counts):
            rows = (sum(c[0] for c in counts), sum(c[1] for c in counts))
        ids = sorted({i for _, failure, _ in counted if failure for i in failure.unexpected_ids})
        summaries.append(
            {
                "suite": suite,
                "rule": name,
                "severity": entries[0][2]["severity"],
                "passed": all(failure is None for _, failure, _ in entries),
                "runs": len(entries),
                "failed_runs": sum(1 for _, failure, _ in entries if failure is not None),
                "unexpected_count": rows[0] if rows else None,
                "element_count": rows[1] if rows else None,
                "unexpected_ids": ids[:MAX_IDS_PER_FAILURE],
            }
        )
    return summaries


def rule_items(outcome: SuiteOutcome) -> list[dict[str, Any]]:
    """Every rule evaluated in one suite run: ``name``, ``severity`` and row ``counts``.

    ``counts`` is (unexpected, elements), None for a table rule. A run without a GE result
    (``parquet_schema``) reports its failures, or its one check when nothing failed.
    """
    if outcome.result_json is None:
        if outcome.failures:
            return [
                {"name": f.expectation, "severity": f.severity, "counts": None}
                for f in outcome.failures
            ]
        name = ACCOUNTING_RULE if outcome.suite == ACCOUNTING_SUITE else PARQUET_SCHEMA_RULE
        return [{"name": name, "severity": CRITICAL, "counts": None}]
    items = []
    for item in outcome.result_json["results"]:
        result = item.get("result") or {}
        counts = (
            (result["unexpected_count"], result["element_count"])
            if "unexpected_count" in result and "element_count" in result
            else None
        )
        items.append({"name": result_name(item), "severity": item_severity(item), "counts": counts})
    return items


def item_severity(item: dict[str, Any]) -> str:
    """The severity GE recorded in a result item's expectation config (GE's default: critical)."""
    return item["expectation_config"].get("severity") or CRITICAL


def validate_release(
    release_dir: Path,
    *,
    check_checksums: bool = True,
    write_results: bool = False,
    batch_rows: int = VALIDATION_BATCH_ROWS,
    workers: int = 1,
    pool: SuitePool | None = None,
) -> ValidationReport:
    """Validate a release folder; see the module docstring for the order of checks.

    ``check_checksums=False`` is for the build, which validates its staging folder before
    checksums exist, and writes the results there in place. With ``write_results`` and checked
    checksums, the results go into the release atomically (``rewrite_release_validation``);
    results are written only when the checksums (if checked) match. The suites see at most
    ``batch_rows`` rows at a time; with ``workers`` above 1 a big release's suites run in that many
    processes (``run_suites``), or in ``pool`` when one is given (its owner shuts it down); the
    results depend on none of them. Raises InputError when the folder is not a release.
    """
    layout = read_layout(release_dir)
    manifest = read_manifest(release_dir)
    problems = verify_checksums(release_dir) if check_checksums else None
    outcomes = check_parquet_schemas(layout) + check_accounting(layout, manifest)
    outcomes += run_suites(layout, manifest, batch_rows, workers=workers, pool=pool)
    report = ValidationReport(
        release_dir, manifest.get("release_version", __version__), outcomes, problems
    )
    if write_results and problems is None:
        write_validation_results(report, release_dir)
    elif write_results and problems.ok:
        rewrite_release_validation(report)
    return report


def check_parquet_schemas(layout: ReleaseLayout) -> list[SuiteOutcome]:
    """Compare every shard's Arrow schema with the declared one; one outcome per language/split."""
    declared = article_schema().to_pyarrow()
    outcomes = []
    for language in layout.languages:
        for split in layout.splits(language):
            failures = []
            files = layout.files(language, split)
            for relative in files:
                actual = pq.read_schema(layout.root / relative).remove_metadata()
                if not actual.equals(declared):
                    failures.append(
                        Failure(
                            PARQUET_SCHEMA_RULE,
                            f"{relative}: {describe_schema_difference(declared, actual)}",
                        )
                    )
            outcomes.append(
                SuiteOutcome(
                    PARQUET_SCHEMA_SUITE,
                    language,
                    split,
                    len(files),
                    len(files) - len(failures),
                    failures,
                )
            )
    return outcomes


def check_accounting(layout: ReleaseLayout, manifest: dict[str, Any]) -> list[SuiteOutcome]:
    """The manifest's counts against the files (critical); one outcome, none without counts.

    Documents in = kept + rejected, the kept articles per language and split are the rows of
    their shards, the rejected documents the rows of the rejects table.
    """
    counts = manifest.get("counts")
    if not isinstance(counts, dict):
        return []
    declared = {
        (lang, split): n
        for lang, splits in (counts.get("kept_by_language_split") or {}).items()
        for split, n in splits.items()
    }
    found = {
        (lang, split): sum(
            pq.ParquetFile(layout.root / f).metadata.num_rows for f in layout.files(lang, split)
        )
        for lang in layout.languages
        for split in layout.splits(lang)
    }
    rejects = layout.root / REJECTS_PATH
    problems = []
    if counts.get("documents_in") != counts.get("kept", 0) + counts.get("rejected", 0):
        problems.append(
            f"{counts.get('documents_in')} documents in, {counts.get('kept')} kept + "
            f"{counts.get('rejected')} rejected"
        )
    for key in sorted(declared.keys() | found.keys()):
        if declared.get(key, 0) != found.get(key, 0):
            language, split = key
            problems.append(
                f"{language}/{split}: {declared.get(key, 0)} in the manifest, "
                f"{found.get(key, 0)} rows in the files"
            )
    if sum(found.values()) != counts.get("kept"):
        problems.append(f"kept {counts.get('kept')}, rows in the shards {sum(found.values())}")
    rejected = pq.ParquetFile(rejects).metadata.num_rows if rejects.is_file() else 0
    if rejected != counts.get("rejected"):
        problems.append(f"rejected {counts.get('rejected')}, rows in {REJECTS_PATH} {rejected}")
    failures = [
        Failure(
            ACCOUNTING_RULE,
            "Every raw document is one article or one reject, as build_manifest.json counts: "
            + "; ".join(problems),
        )
    ]
    if not problems:
        return [SuiteOutcome(ACCOUNTING_SUITE, ALL_CONFIG, "-", 1, 1)]
    return [SuiteOutcome(ACCOUNTING_SUITE, ALL_CONFIG, "-", 1, 0, failures)]


def describe_schema_difference(declared, actual) -> str:
    """One line naming missing, extra and retyped columns (or the order when only that differs)."""
    want = {f.name: f for f in declared}
    have = {f.name: f for f in actual}
    parts = []
    if missing := [n for n in want if n not in have]:
        parts.append(f"missing columns {missing}")
    if extra := [n for n in have if n not in want]:
        parts.append(f"undeclared columns {extra}")
    for name in want.keys() & have.keys():
        w, h = want[name], have[name]
        if not w.type.equals(h.type) or w.nullable != h.nullable:
            parts.append(
                f"{name} is {h.type}{'' if h.nullable else ' not null'}, declared "
                f"{w.type}{'' if w.nullable else ' not null'}"
            )
    if not parts:
        parts.append(f"column order {actual.names} differs from {declared.names}")
    return "; ".join(sorted(parts))


# ---------------------------------------------------------------- Great Expectations


@dataclass(frozen=True)
class Suite:
    """The rules of one suite as run on one config, with their ``{param: NAME}`` values."""

    name: str
    rules: list[Rule]
    params: dict[str, Any]


@dataclass(frozen=True)
class SuiteRun:
    """Rules of one suite to validate on one config/split.

    What GE runs, and under which asset (``config/split/suite``, shown in the result JSON) it
    reports.
    """

    suite: str
    rules: list[Rule]
    params: dict[str, Any]
    config: str
    split: str

    @classmethod
    def of(cls, suite: Suite, rules: list[Rule], config: str, split: str) -> SuiteRun:
        """The run of ``rules`` of ``suite``, with the suite's parameters, on config/split."""
        return cls(suite.name, rules, suite.params, config, split)

    @property
    def asset(self) -> str:
        """The GE asset name, ``config/split/suite``."""
        return f"{self.config}/{self.split}/{self.suite}"


def run_suites(
    layout: ReleaseLayout,
    manifest: dict[str, Any],
    batch_rows: int = VALIDATION_BATCH_ROWS,
    reuse: bool = True,
    narrow: bool = True,
    workers: int = 1,
    pool: SuitePool | None = None,
) -> list[SuiteOutcome]:
    """Run the structural and domain suites on every config and split, in batches of rows.

    Batches hold ``batch_rows`` rows (see the module docstring). Raises ValueError naming a
    rule that cannot be batched, or when ``batch_rows`` is below 1.

    With ``reuse``, the ``all`` config of each split is validated first, and a language config
    takes from it the result of each row or column rule that it has with the same arguments and
    that passed there without one unexpected row (``derived_results``): a language's rows are a
    run of the ``all`` config's rows, so that result, with the language's row and null counts,
    is what running the rule again would give. With ``narrow``, each rule is given only the
    columns it reads (``validate_columns``; a split whose rules read no text is read without
    it). With ``workers`` above 1 and a release of at least ``PARALLEL_MIN_ROWS`` rows, the
    suites run as tasks of a process pool (``SuitePool``), or of ``pool`` when one is given
    (started early by the caller, which also shuts it down). The results depend on none of
    ``reuse``, ``narrow``, ``workers`` and ``pool``; only the time does.
    """
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be at least 1, got {batch_rows}")
    if pool is not None:
        pool.prepare(layout.root, batch_rows)  # its workers read the release as this process does
    plan = plan_validation(layout, manifest, batch_rows)
    rows = sum(table.num_rows for table in plan.keys.values())
    if pool is not None:
        runs: Any = contextlib.nullcontext(pool)
    else:
        runs = SuitePool(workers) if worth_a_pool(workers, rows) else InProcess()
    with runs as runs:
        on_all: dict[str, AllRun] = {}
        first = [
            SplitRun(ALL_CONFIG, split, narrow=narrow, ranges=ranges)
            for split, ranges in plan.grouped_splits(reuse)
        ]
        for where, results in zip(first, runs.run(first, plan), strict=True):
            uniform = same_schema(layout, layout.files(ALL_CONFIG, where.split))
            on_all[where.split] = AllRun(plan.suites[ALL_CONFIG], results, where.ranges, uniform)
        rest = []
        for config in layout.configs:
            for split in layout.splits(config):
                if config == ALL_CONFIG and split in on_all:
                    continue
                derived = (
                    on_all[split].taken_by(plan.suites[config], config, split)
                    if split in on_all
                    else None
                )
                rest.append(SplitRun(config, split, derived, narrow))
        done = {(w.config, w.split): r for w, r in zip(rest, runs.run(rest, plan), strict=True)}
    outcomes = []
    for config in layout.configs:
        for split in layout.splits(config):
            merged = done[(config, split)] if (config, split) in done else on_all[split].results
            outcomes += [
                result.outcome(suite, config, split)
                for suite, result in zip(plan.suites[config], merged, strict=True)
            ]
    return outcomes


# Rows of a release below which ``run_suites`` validates in this process whatever ``workers``
# says. The pool's workers are forked from one fork server that imports GE (``SuitePool``), so GE
# is imported once either way, and in a build while the release is written; what the pool adds is
# small (forks, one plan per worker, the rule pieces' extra GE calls). Measured on the 2-core
# machine shared with other jobs (load 4-6: CPU seconds, since wall times there show only the
# share this job got), the pool's GE imported ahead as in a build: 1,859 rows, one process 14.7
# (7.5 of them importing GE), pool 1.1 in the driver and 4.1 + 4.3 in the workers (wall 22.1 vs
# 9.8 s); 18,646 rows, one process 18.2, pool 1.3 + 6.5 + 6.8. A 5-document build validated in
# 15.3 s pooled, 14.0 s alone: below 1,000 rows one process is kept, for fewer processes.
PARALLEL_MIN_ROWS = 1_000


@dataclass(frozen=True)
class ValidationPlan:
    """What every suite run of a release reads: its layout, suites per config, key columns.

    Made once by the driver and once by each pool worker (``plan_validation``).
    """

    layout: ReleaseLayout
    suites: dict[str, list[Suite]]
    keys: dict[str, pa.Table]
    index: ReleaseIndex
    batch_rows: int

    def grouped_splits(self, reuse: bool) -> list[tuple[str, dict[str, tuple[int, int]]]]:
        """``(split, language ranges)`` of each ``all`` split the languages take results from."""
        if not reuse:
            return []
        layout = self.layout
        return [
            (split, language_ranges(layout, split, self.keys))
            for split in layout.splits(ALL_CONFIG)
            if grouped_by_language(layout, split)
        ]

    def rows(self, where: SplitRun) -> int:
        """Rows of ``where``'s config/split."""
        return sum(self.keys[f].num_rows for f in self.layout.files(where.config, where.split))

    def run_split(
        self,
        runner: GreatExpectationsRunner,
        where: SplitRun,
        suites: list[int] | None = None,
        rules: frozenset[str] | None = None,
    ) -> list[MergedResult]:
        """``validate_split`` of ``where``'s config/split, for the suites numbered ``suites``.

        None: every suite. ``rules``: only the rules of those suites with these names (None:
        all); a unit with taken results (``where.reused``, one entry per suite of the config)
        runs whole suites.
        """
        chosen = range(len(self.suites[where.config])) if suites is None else suites
        files = self.layout.files(where.config, where.split)
        reused = [where.reused[i] for i in chosen] if where.reused else None
        if rules is not None and reused:
            raise ValueError("a unit that takes results from the all config runs whole suites")
        picked = [self.suites[where.config][i] for i in chosen]
        if rules is not None:
            picked = [replace(s, rules=[r for r in s.rules if r.name in rules]) for s in picked]
        return validate_split(
            runner,
            picked,
            functools.partial(stream_batches, self.layout.root, files, self.batch_rows),
            key_frame([self.keys[f] for f in files]),
            self.index,
            replace(where, reused=reused),
        )

    def tasks(self, units: list[SplitRun], workers: int) -> list[SuiteTask]:
        """Every suite of every unit as pool tasks, a costly suite cut into pieces of its rules.

        A suite estimated (``rule_costs``) above an even share of all of them (their total over
        ``TASKS_PER_WORKER * workers``) is cut into as many pieces as it holds shares, each
        a set of its batch rules balanced by cost (``cut_rules``); a unit with taken results runs
        whole suites, and the rules it takes cost nothing. Tasks come unit by unit, suite by
        suite, piece by piece: the order their results are joined in (``MergedResult.join``).
        """
        costed = []
        for where in units:
            widths = self.column_widths(where)
            for number, suite in enumerate(self.suites[where.config]):
                costs = rule_costs(suite.rules, self.rows(where), widths)
                taken = where.reused[number].names if where.reused else frozenset()
                costs = {name: 0.0 if name in taken else c for name, c in costs.items()}
                costed.append((where, number, costs))
        total = sum(cost for *_, costs in costed for cost in costs.values())
        share = max(total / (TASKS_PER_WORKER * workers), 1.0)
        tasks = []
        for where, number, costs in costed:
            pieces = 1 if where.reused else math.ceil(sum(costs.values()) / share)
            for names in cut_rules(self.suites[where.config][number].rules, costs, pieces):
                cost = sum(costs[n] for n in names) if names else sum(costs.values())
                tasks.append(SuiteTask(where, number, names, cost))
        return tasks

    def column_widths(self, where: SplitRun) -> dict[str, float]:
        """Uncompressed Parquet bytes a row of each top-level column of ``where``'s split."""
        sizes: Counter = Counter()
        rows = 0
        for relative in self.layout.files(where.config, where.split):
            metadata = pq.ParquetFile(self.layout.root / relative).metadata
            rows += metadata.num_rows
            for group in range(metadata.num_row_groups):
                row_group = metadata.row_group(group)
                for number in range(row_group.num_columns):
                    column = row_group.column(number)
                    sizes[column.path_in_schema.split(".")[0]] += column.total_uncompressed_size
        return {name: size / rows for name, size in sizes.items()} if rows else {}


def plan_validation(
    layout: ReleaseLayout, manifest: dict[str, Any], batch_rows: int
) -> ValidationPlan:
    """The suites of every config (domain rules with the manifest's parameters) and the keys.

    The keys and the index are made with Arrow on the C heap, which is then trimmed: they are
    the part of validation's memory that grows with the release (``dataset.runtime.memory``).
    """
    domain = load_domain_rules()
    params = rule_parameters(manifest, domain.constants)
    with arrow_on_c_heap():
        keys = read_key_columns(layout)
        index = ReleaseIndex.from_table(release_index_table(layout, keys))
    release_freed_memory()
    suites = {
        config: config_suites(layout, domain.rules, params, config) for config in layout.configs
    }
    return ValidationPlan(layout, suites, keys, index, batch_rows)


# A pool run's suites are cut so that each worker gets about this many tasks' worth of work:
# more pieces balance the workers better, but each piece reads its batches again.
TASKS_PER_WORKER = 2


@dataclass(frozen=True)
class SuiteTask:
    """Suite number ``suite`` of ``where``'s config/split, or only its rules named ``rules``.

    ``rules`` None: the whole suite. ``cost``: the estimate it is scheduled by (``rule_costs``).
    """

    where: SplitRun
    suite: int
    rules: frozenset[str] | None = None
    cost: float = 0.0


def rule_costs(rules: list[Rule], rows: int, widths: dict[str, float]) -> dict[str, float]:
    """The estimated cost of each rule on a split of ``rows`` rows, by name.

    A rule costs its rows times one plus the bytes a row of the columns it reads
    (``columns_read``; a table rule reads them all, ``widths`` gives the bytes) in units of
    ``WIDE_COLUMN_BYTES_PER_ROW``: GE copies what it validates, so a rule on the bodies costs
    about ten of one on a date. A whole-split rule reads only the short key columns.
    """
    costs = {}
    for rule in rules:
        if rule.expectation in WHOLE_SPLIT_EXPECTATIONS:
            costs[rule.name] = float(rows)
            continue
        read = columns_read([rule])
        width = sum(w for column, w in widths.items() if read is None or column in read)
        costs[rule.name] = rows * (1 + width / WIDE_COLUMN_BYTES_PER_ROW)
    return costs


def cut_rules(
    rules: list[Rule], costs: dict[str, float], pieces: int
) -> list[frozenset[str] | None]:
    """``rules``' names in at most ``pieces`` sets of about equal cost, or ``[None]`` (uncut).

    Batch rules go, costliest first, to the piece with the least cost so far; the whole-split
    rules join the cheapest piece at the end (a piece of them alone would run GE on no batch
    rule). Deterministic: ties go by name and piece order.
    """
    batch_rules, split_rules = plan_rules(rules)
    pieces = min(pieces, len(batch_rules))
    if pieces <= 1:
        return [None]
    names: list[list[str]] = [[] for _ in range(pieces)]
    loads = [0.0] * pieces
    for rule in sorted(batch_rules, key=lambda r: (-costs[r.name], r.name)):
        lightest = loads.index(min(loads))
        names[lightest].append(rule.name)
        loads[lightest] += costs[rule.name]
    names[loads.index(min(loads))] += [rule.name for rule in split_rules]
    return [frozenset(piece) for piece in names]


class InProcess:
    """Runs config/split units one after another in this process, with one GE context.

    From its GE context's making to the end of the block, the objects alive then (GE's modules
    and classes, the plan) are kept out of the garbage collector's full passes
    (``frozen_for_collections``), as the pool's workers have them from their fork server.
    """

    def __init__(self) -> None:
        self.runner: GreatExpectationsRunner | None = None
        self.frozen = contextlib.ExitStack()

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.frozen.close()

    def run(self, units: list[SplitRun], plan: ValidationPlan) -> list[list[MergedResult]]:
        """The merged results of each unit (one per suite of its config), in order."""
        if units and self.runner is None:
            self.runner = GreatExpectationsRunner()
            self.frozen.enter_context(frozen_for_collections())
        return [plan.run_split(self.runner, where) for where in units]


@contextlib.contextmanager
def frozen_for_collections() -> Iterator[None]:
    """Within the block, the objects alive on entry are left out of garbage collections.

    ``gc.freeze`` on entry, ``gc.unfreeze`` on exit (they then are collected as usual, so what
    died meanwhile is freed by the next full pass). Python's full collections walk every tracked
    object: with GE imported each took about 0.2 CPU s, 0.6 s of validating the 20,000-document
    release in one process; frozen, 0.1 s. Does nothing when objects are frozen already (a pool
    worker, forked frozen).
    """
    import gc

    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class SuitePool:
    """Runs the suites of config/split units as tasks of a process pool.

    ``start`` only starts, without waiting, a fork server that imports GE (``preload``, seconds
    of CPU): a build starts its pool before writing the release, which leaves a core idle, so the
    import is done by the time the release is validated. The workers are forked from that server
    on the first ``run``, each with GE imported; each makes its GE context and, on its first
    task, reads the release (its ``ValidationPlan``, ``worker_plan``). Where the platform has no
    fork server, the workers are spawned on the first ``run`` and import GE themselves. A task is a
    suite, or a piece of a costly suite's rules (``ValidationPlan.tasks``), and returns one
    ``MergedResult``, which is what the same rules give in this process (a rule's result never
    depends on another rule's); the pieces of a suite are joined in order
    (``MergedResult.join``), so the results are those of ``InProcess``. The costliest tasks are
    submitted first; results come back in unit order. Workers (and the fork server) ignore
    Ctrl-C; ``close`` (leaving the block) always shuts the pool down. The fork server, idle and
    small, lives on with this process (``multiprocessing``'s own rule), for the next pool.
    """

    def __init__(self, workers: int):
        self.workers = workers
        self.context: Any = None
        self.pool: Any = None

    def start(self) -> SuitePool:
        """Start the fork server importing GE for the workers, without waiting; idempotent."""
        if self.context is None:
            self.context = preloading_context()
        return self

    def close(self) -> None:
        """Cancel the tasks not started, wait for the running ones and the workers; idempotent."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def __enter__(self) -> SuitePool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def executor(self) -> Any:
        """The process pool, made on first use (workers ignore SIGINT from birth)."""
        from concurrent.futures import ProcessPoolExecutor

        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=self.start().context, initializer=start_suite_worker
            )
        return self.pool

    def prepare(self, root: Path, batch_rows: int) -> None:
        """Fork the workers and have each read the release at ``root`` now (``worker_plan``).

        For a pool started early, whose fork server has imported GE by then: the workers read
        the release while this process does, not after. Waits for the fork server, not for them.
        """
        from dataset.runtime.engine import interrupts_ignored

        with interrupts_ignored():
            pool = self.executor()
            for _ in range(self.workers):
                pool.submit(read_release_plan, str(root), batch_rows)

    def run(self, units: list[SplitRun], plan: ValidationPlan) -> list[list[MergedResult]]:
        """The merged results of each unit (one per suite of its config), in order."""
        from dataset.runtime.engine import interrupts_ignored

        tasks = plan.tasks(units, self.workers)
        root = str(plan.layout.root)
        with interrupts_ignored():  # workers start on submit: SIG_IGN from birth
            pool = self.executor()
            futures = {
                number: pool.submit(run_suite_task, root, plan.batch_rows, tasks[number])
                for number in sorted(range(len(tasks)), key=lambda number: -tasks[number].cost)
            }
        merged = {
            (where.config, where.split, number): MergedResult()
            for where in units
            for number in range(len(plan.suites[where.config]))
        }
        for number, task in enumerate(tasks):
            key = (task.where.config, task.where.split, task.suite)
            merged[key].join(futures[number].result())
        return [
            [merged[(w.config, w.split, n)] for n in range(len(plan.suites[w.config]))]
            for w in units
        ]


def worth_a_pool(workers: int, rows: int) -> bool:
    """True when a release of ``rows`` rows is validated faster in ``workers`` processes."""
    return workers > 1 and rows >= PARALLEL_MIN_ROWS


# The module the fork server imports for the workers (GE, with this module's tweaks).
WORKER_PRELOAD = "dataset.validation.preload"


def preloading_context() -> Any:
    """A multiprocessing context whose fork server imports ``WORKER_PRELOAD``, started now.

    The server is started (not awaited: it imports while this process goes on) with SIGINT
    ignored, which it and the workers forked from it keep. Without fork servers (Windows), the
    spawn context. A fork server already running in this process is used as it is.
    """
    import multiprocessing
    from multiprocessing import forkserver

    from dataset.runtime.engine import interrupts_ignored

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([WORKER_PRELOAD])
    with interrupts_ignored():
        forkserver.ensure_running()
    return context


_RUNNER: GreatExpectationsRunner | None = None
_PLANS: dict[tuple[str, int], ValidationPlan] = {}


def start_suite_worker() -> None:
    """Pool initializer: ignore Ctrl-C, make this worker's GE context (importing GE if needed)."""
    from dataset.runtime.engine import ignore_interrupts

    ignore_interrupts()
    global _RUNNER
    _RUNNER = GreatExpectationsRunner()


def worker_plan(root: str, batch_rows: int) -> ValidationPlan:
    """This worker's ``ValidationPlan`` of the release at ``root``, made on its first task."""
    key = (root, batch_rows)
    if key not in _PLANS:
        _PLANS.clear()
        layout = read_layout(Path(root))
        _PLANS[key] = plan_validation(layout, read_manifest(Path(root)), batch_rows)
    return _PLANS[key]


def read_release_plan(root: str, batch_rows: int) -> None:
    """Pool task: make this worker's ``worker_plan`` now (an error shows in the first task)."""
    with contextlib.suppress(Exception):
        worker_plan(root, batch_rows)


def run_suite_task(root: str, batch_rows: int, task: SuiteTask) -> MergedResult:
    """Pool task: ``task``'s suite (or rules of it) on its config/split, merged over batches."""
    plan = worker_plan(root, batch_rows)
    return plan.run_split(_RUNNER, task.where, [task.suite], task.rules)[0]


def config_suites(
    layout: ReleaseLayout, domain_rules: Iterable[Rule], params: dict[str, Any], config: str
) -> list[Suite]:
    """The structural and the domain suite as run on ``config``, with their parameters."""
    return [
        Suite(
            STRUCTURAL_SUITE,
            structural_rules(),
            {"release_languages": release_languages(layout.languages)},
        ),
        Suite(
            DOMAIN_SUITE,
            [r for r in domain_rules if r.applies_to(config)],
            {**params, "config_language": config},
        ),
    ]


@dataclass(frozen=True)
class SplitRun:
    """Where ``validate_split`` runs and how.

    The config and split, the results a language config takes from the ``all`` config instead
    of running rules (``reused``, one per suite), whether rules get only the columns they read
    (``narrow``), and for the ``all`` config the rows of each language (``ranges``: positions
    ``[start, stop)`` in the split), whose nulls are then counted per column.
    """

    config: str
    split: str
    reused: list[Reused] | None = None
    narrow: bool = True
    ranges: dict[str, tuple[int, int]] | None = None


def validate_split(
    runner: GreatExpectationsRunner,
    suites: list[Suite],
    read_batches: Callable[[frozenset[str] | None], Iterable[pd.DataFrame]],
    split_keys: pd.DataFrame,
    index: ReleaseIndex,
    where: SplitRun,
) -> list[MergedResult]:
    """One merged result per suite for one config/split.

    Row-wise and per-batch rules run on every frame of ``read_batches(columns)`` (helper
    columns added; ``columns`` is None for every column, else the set the rules left read) and
    their results are merged; whole-split rules run once on ``split_keys``, the key columns of
    every row of the split. The rules named in ``where.reused[i]`` are not run for suite ``i``:
    their result is taken as given. No batch is read when no suite has a rule left for it.
    """
    config, split = where.config, where.split
    reused = where.reused or [Reused() for _ in suites]
    plans = []
    for suite, taken in zip(suites, reused, strict=True):
        batch_rules, split_rules = plan_rules(suite.rules)
        left = [r for r in batch_rules if r.name not in taken.names]
        plans.append((left, split_rules, bool(left) or not taken.names))
    merged = [MergedResult() for _ in suites]
    runs = [
        (SuiteRun.of(suite, rules, config, split), result)
        for suite, (rules, _, run), result in zip(suites, plans, merged, strict=True)
        if run
    ]
    if runs:
        validate_batches(runner, runs, read_batches, index, where)
    for taken, result in zip(reused, merged, strict=True):
        if taken.result is not None:
            result.add(taken.result, same_rules=False)
    for suite, (_, split_rules, _), result in zip(suites, plans, merged, strict=True):
        if split_rules:
            result.add(
                runner.validate(SuiteRun.of(suite, split_rules, config, split), split_keys),
                same_rules=False,
            )
    return merged


def validate_batches(
    runner: GreatExpectationsRunner,
    runs: list[tuple[SuiteRun, MergedResult]],
    read_batches: Callable[[frozenset[str] | None], Iterable[pd.DataFrame]],
    index: ReleaseIndex,
    where: SplitRun,
) -> None:
    """Run each suite's batch rules on every batch (helper columns added).

    The results are folded into each run's ``MergedResult``; with ``where.narrow``, batches
    hold only the columns the rules read; with ``where.ranges``, the nulls of each rule's
    column are counted per language (``MergedResult.missing``). A batch and its frames are
    dropped before the next batch is read.
    """
    narrow = where.narrow
    columns = columns_read([r for run, _ in runs for r in run.rules]) if narrow else None
    for batch in read_batches(columns):
        for run, result in runs:
            frame, problems = add_helper_columns(batch, run.rules, index)
            result.problems = {**problems, **result.problems}
            if where.ranges:
                result.count_missing(frame, run.rules, where.ranges)
            result.add(
                validate_columns(runner, run, frame) if narrow else runner.validate(run, frame)
            )
            del frame
        del batch


# A column averaging more bytes a row than this (a body text) is given to GE alone, with ``id``.
WIDE_COLUMN_BYTES_PER_ROW = 256


def validate_columns(
    runner: GreatExpectationsRunner, run: SuiteRun, frame: pd.DataFrame
) -> dict[str, Any]:
    """``runner.validate(run, frame)``, each rule given only the wide columns it reads.

    GE's pandas engine copies the whole frame it validates several times for every row rule
    (its null filter, the offending rows' indices and query), so on a frame with the article
    bodies every rule about a date or a title copied every body again: the larger part of
    validating a big release. Here a rule on a wide column (more than
    ``WIDE_COLUMN_BYTES_PER_ROW`` bytes a row on average: the body) sees that column and
    ``id``; the other rules see only ``id`` and their own columns, or, when one of them is about
    the table (its column names, order or count), the frame with each wide column replaced by
    nulls of its type (same names, order and dtypes, so those see what they would). GE also
    filters the whole frame by rows for every row rule: each column left out is one copy fewer. A
    rule's result depends only on the column it reads and the ``id`` it names offending rows
    by, so the results, in name order with recounted statistics, are those of one call on the
    whole frame (a test compares both on clean and failing releases).
    """
    wide = [c for c in frame.columns if is_wide(frame[c])]
    groups: dict[str, list[Rule]] = {}
    for rule in run.rules:
        column = rule.helper or rule.kwargs.get("column")
        groups.setdefault(column if column in wide else "", []).append(rule)
    results = []
    for column, rules in groups.items():
        if column:
            part = frame[[c for c in (INDEX_COLUMN, column) if c in frame.columns]]
        elif (named := columns_named(rules)) is not None:
            part = frame[[c for c in frame.columns if c in named]]
        else:
            part = frame.assign(**{c: null_like(frame[c]) for c in wide})
        results.append(runner.validate(replace(run, rules=rules), part))
    combined = [item for result in results for item in result["results"]]
    return with_statistics({**results[0], "results": sorted_results(combined)})


def columns_named(rules: list[Rule]) -> frozenset[str] | None:
    """``id`` and the GE column of each rule, or None when one of them is about the table."""
    named = {INDEX_COLUMN}
    for rule in rules:
        column = rule.kwargs.get("column")
        if not isinstance(column, str):
            return None
        named.add(column)
    return frozenset(named)


def is_wide(column: pd.Series) -> bool:
    """An Arrow-backed column averaging more than ``WIDE_COLUMN_BYTES_PER_ROW`` bytes a row."""
    return isinstance(
        column.dtype, pd.ArrowDtype
    ) and column.nbytes > WIDE_COLUMN_BYTES_PER_ROW * len(column)


def null_like(column: pd.Series) -> pd.Series:
    """A column of nulls with the dtype and index of ``column`` (Arrow-backed)."""
    nulls = pa.nulls(len(column), column.dtype.pyarrow_dtype)
    return pd.Series(pd.arrays.ArrowExtensionArray(nulls), index=column.index)


def columns_read(rules: list[Rule]) -> frozenset[str] | None:
    """The columns ``rules`` read, or None when one of them is about the whole table.

    ``id`` is always among them: GE names offending rows by it. A table rule is one about the
    column list or the row count.
    """
    columns = {INDEX_COLUMN}
    for rule in rules:
        column = rule.kwargs.get("column")
        if rule.helper:
            columns.update(HELPERS[rule.helper].inputs)
        elif isinstance(column, str):
            columns.add(column)
        else:
            return None
    return frozenset(columns)


@dataclass
class Reused:
    """Results of the ``all`` config that a language config takes instead of running rules.

    The rule names and their result (None when nothing is taken).
    """

    names: frozenset[str] = frozenset()
    result: dict[str, Any] | None = None


@dataclass(frozen=True)
class AllRun:
    """The ``all`` config's suites and results on one split, for the languages to take from.

    ``ranges``: each language's row positions ``[start, stop)`` in the split; ``uniform``:
    every shard of the split has one Arrow schema.
    """

    suites: list[Suite]
    results: list[MergedResult]
    ranges: dict[str, tuple[int, int]]
    uniform: bool

    def taken_by(self, suites: list[Suite], config: str, split: str) -> list[Reused]:
        """What each of a language config's ``suites`` takes on ``split`` (``derived_results``)."""
        where = DerivedRun(config, split, self.uniform)
        return [
            derived_results(suite, all_suite, result, self.ranges[config], where)
            for suite, all_suite, result in zip(suites, self.suites, self.results, strict=True)
        ]


@dataclass(frozen=True)
class DerivedRun:
    """The language config and split a result is derived for.

    ``uniform``: every shard of the split has the same Arrow schema, so each batch of any
    config of it has the same columns and dtypes.
    """

    config: str
    split: str
    uniform: bool


def derived_results(
    suite: Suite,
    all_suite: Suite,
    on_all: MergedResult,
    rows: tuple[int, int],
    where: DerivedRun,
) -> Reused:
    """The results of ``suite`` on a language's split taken from the ``all`` config's run.

    ``rows`` are the language's positions ``[start, stop)`` in the ``all`` config's split. A
    batch rule is taken when the ``all`` config ran it with the same arguments and it passed
    there with no exception, no helper problem and no unexpected row: a row rule then holds
    for the language's rows too, and its result is the same but for the counts (rows, and the
    nulls of its column counted on ``all``'s batches, ``MergedResult.missing``); a column rule
    (names, types) sees the same columns when every shard of the split has one schema
    (``where.uniform``). Anything else (a failure, a ``mostly`` rule with exceptions, a
    language-only rule, an empty language) is run on the language as before. The caller checks
    ``grouped_by_language`` first.
    """
    start, stop = rows
    if on_all.result is None or stop <= start:
        return Reused()
    items = {result_name(item): item for item in on_all.result["results"]}
    batch_rules, _ = plan_rules(suite.rules)
    taken = []
    for rule in batch_rules:
        item = items.get(rule.name)
        if item is not None and derivable(rule, suite, all_suite, on_all, item, where.uniform):
            taken.append(derive_item(item, rule, suite, on_all.missing, where, rows))
    if not taken:
        return Reused()
    asset = f"{where.config}/{where.split}/{suite.name}"
    meta = json.loads(json.dumps(on_all.result.get("meta", {})))
    if "active_batch_definition" in meta:
        meta["active_batch_definition"]["data_asset_name"] = asset
    result = with_statistics({**on_all.result, "meta": meta, "results": sorted_results(taken)})
    return Reused(frozenset(result_name(item) for item in taken), result)


def derivable(
    rule: Rule,
    suite: Suite,
    all_suite: Suite,
    on_all: MergedResult,
    item: dict[str, Any],
    uniform: bool,
) -> bool:
    """``rule`` of a language's ``suite`` ran on ``all`` alike and passed on every row there."""
    all_rule = next((r for r in all_suite.rules if r.name == rule.name), None)
    if all_rule is None or (all_rule.expectation, all_rule.helper) != (
        rule.expectation,
        rule.helper,
    ):
        return False
    if resolve_kwargs(rule.kwargs, suite.params) != resolve_kwargs(
        all_rule.kwargs, all_suite.params
    ):
        return False
    if rule.helper and rule.helper in on_all.problems:
        return False
    if not item["success"] or item["exception_info"]["raised_exception"]:
        return False
    result = item.get("result") or {}
    if rule.expectation in ROW_WISE_EXPECTATIONS:
        return "unexpected_count" in result and result["unexpected_count"] == 0
    return rule.expectation in PER_BATCH_EXPECTATIONS and uniform


def derive_item(
    item: dict[str, Any],
    rule: Rule,
    suite: Suite,
    missing: Counter,
    where: DerivedRun,
    rows: tuple[int, int],
) -> dict[str, Any]:
    """The ``all`` config's passing ``item`` as the language's run would give it.

    A row result gets the language's row count and nulls, and percentages recomputed; a column
    result is kept as is.
    """
    kwargs = dict(item["expectation_config"]["kwargs"])
    if "batch_id" in kwargs:
        kwargs["batch_id"] = f"release-{where.config}/{where.split}/{suite.name}"
    result = item.get("result") or {}
    if "unexpected_count" in result:
        result = {**result, "element_count": rows[1] - rows[0]}
        if "missing_count" in result:
            column = resolve_kwargs(rule.kwargs, suite.params)["column"]
            result["missing_count"] = missing[(where.config, column)]
        result.update(row_percentages(result))
    return {
        **item,
        "expectation_config": {**item["expectation_config"], "kwargs": kwargs},
        "result": result,
    }


def grouped_by_language(layout: ReleaseLayout, split: str) -> bool:
    """True when the ``all`` config's files of ``split`` are the languages' files, in order.

    In order means language by language in ``layout.languages`` order, so its rows are theirs,
    concatenated.
    """
    expected = [f for lang in layout.languages for f in layout.files(lang, split)]
    return layout.files(ALL_CONFIG, split) == expected


def language_ranges(
    layout: ReleaseLayout, split: str, keys: dict[str, pa.Table]
) -> dict[str, tuple[int, int]]:
    """Each language's row positions ``[start, stop)`` in the ``all`` config's ``split``.

    The languages' files must be grouped (``grouped_by_language``).
    """
    ranges, start = {}, 0
    for language in layout.languages:
        files = layout.files(language, split)
        if files:
            stop = start + sum(keys[f].num_rows for f in files)
            ranges[language] = (start, stop)
            start = stop
    return ranges


def same_schema(layout: ReleaseLayout, files: list[str]) -> bool:
    """True when every file has the same Arrow schema (metadata aside)."""
    schemas = [pq.read_schema(layout.root / f).remove_metadata() for f in files]
    return all(schema.equals(schemas[0]) for schema in schemas[1:])


def plan_rules(rules: list[Rule]) -> tuple[list[Rule], list[Rule]]:
    """Split rules into (run on every batch, run once on the whole split's key columns).

    Raises ValueError naming a rule whose expectation type has no known batching behaviour, a
    whole-split rule that needs a helper, or one that names a column outside
    ``RELEASE_INDEX_COLUMNS`` (holding it for a whole split would hold the texts).
    """
    batch_rules, split_rules = [], []
    for rule in rules:
        if rule.expectation in WHOLE_SPLIT_EXPECTATIONS:
            columns = [v for k, v in rule.kwargs.items() if k in ("column", "column_list")]
            named = {c for v in columns for c in (v if isinstance(v, list) else [v])}
            if rule.helper or not named <= set(RELEASE_INDEX_COLUMNS):
                raise ValueError(
                    f"rule {rule.name!r} ({rule.expectation}) compares rows across a split, so it "
                    f"may only name columns of {list(RELEASE_INDEX_COLUMNS)} and no helper"
                )
            split_rules.append(rule)
        elif rule.expectation in ROW_WISE_EXPECTATIONS | PER_BATCH_EXPECTATIONS:
            batch_rules.append(rule)
        else:
            raise ValueError(
                f"rule {rule.name!r}: {rule.expectation} cannot be validated in row batches yet; "
                "add it to the right set in dataset/validation/runner.py"
            )
    return batch_rules, split_rules


# ---------------------------------------------------------------- reading in bounded batches


def stream_batches(
    root: Path, files: list[str], batch_rows: int, columns: frozenset[str] | None = None
) -> Iterator[pd.DataFrame]:
    """The rows of ``files`` (in that order) as pandas frames of at most ``batch_rows`` rows.

    Frames have Arrow-backed dtypes (types survive all-null columns); shards are converted one
    by one and concatenated by pandas, so a shard that lost a column still loads. Rows are indexed
    by their position in the whole split, so GE's ``unexpected_index_query`` is split-wide. A
    split whose shards hold no row yields one empty frame, so its rules still run. ``columns``
    (None: all) are read where a shard has them, in the shard's order.
    """
    pieces: list[tuple[str, pa.Table]] = []
    rows = offset = 0
    for relative in files:
        parquet = pq.ParquetFile(root / relative)
        names = None
        if columns is not None:
            names = [c for c in parquet.schema_arrow.names if c in columns]
        for record_batch in parquet.iter_batches(batch_size=batch_rows, columns=names):
            table = pa.Table.from_batches([record_batch])
            while table.num_rows:
                take = min(batch_rows - rows, table.num_rows)
                pieces.append((relative, table.slice(0, take)))
                rows, table = rows + take, table.slice(take)
                if rows == batch_rows:
                    yield batch_frame(pieces, offset)
                    pieces, rows, offset = [], 0, offset + rows
    if pieces or (offset == 0 and files):
        empty = pq.read_schema(root / files[0]).empty_table() if files else None
        if empty is not None and columns is not None:
            empty = empty.select([c for c in empty.column_names if c in columns])
        yield batch_frame(pieces or [(files[0], empty)], offset)


def batch_frame(pieces: list[tuple[str, pa.Table]], offset: int) -> pd.DataFrame:
    """Consecutive slices of shards as one frame whose index starts at ``offset``."""
    by_file: dict[str, list[pa.Table]] = {}
    for relative, table in pieces:
        by_file.setdefault(relative, []).append(table)
    frames = [
        pa.concat_tables(tables).to_pandas(types_mapper=pd.ArrowDtype)
        for tables in by_file.values()
    ]
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    frame.index = pd.RangeIndex(offset, offset + len(frame))
    return frame


def read_key_columns(layout: ReleaseLayout) -> dict[str, pa.Table]:
    """``{shard: table}`` of the ``RELEASE_INDEX_COLUMNS`` each shard has, for every shard.

    Read on this thread (a few small columns): each reading thread would keep its own heap.
    """
    keys = {}
    for split in layout.splits(ALL_CONFIG):
        for relative in layout.files(ALL_CONFIG, split):
            parquet = pq.ParquetFile(layout.root / relative)
            columns = [c for c in RELEASE_INDEX_COLUMNS if c in parquet.schema_arrow.names]
            keys[relative] = parquet.read(columns=columns, use_threads=False)
    return keys


def key_frame(tables: list[pa.Table]) -> pd.DataFrame:
    """The key columns of a split's shards as one frame, built like the batches."""
    frames = [t.to_pandas(types_mapper=pd.ArrowDtype) for t in tables]
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def release_index_table(layout: ReleaseLayout, keys: dict[str, pa.Table]) -> pa.Table:
    """``split``, ``id``, ``duplicate_cluster`` of every row of the release (null when absent)."""
    parts = []
    for split in layout.splits(ALL_CONFIG):
        for relative in layout.files(ALL_CONFIG, split):
            table = keys[relative]
            columns = {"split": pa.repeat(pa.scalar(split), table.num_rows)}
            for name in ("id", "duplicate_cluster"):
                present = name in table.column_names
                columns[name] = table[name] if present else pa.nulls(table.num_rows, pa.string())
            parts.append(pa.table(columns))
    if not parts:
        return pa.table({"split": pa.array([], pa.string())})
    return pa.concat_tables(parts, promote_options="permissive")


# ---------------------------------------------------------------- merging batch results


@dataclass
class MergedResult:
    """The GE results of the batches of one suite on one config/split, folded into one.

    ``ids`` keeps, per failing expectation, the ``MAX_IDS_PER_FAILURE`` smallest offending ids
    over all batches (the merged result's lists are capped, so they could miss some).
    """

    result: dict[str, Any] | None = None
    ids: dict[str, list[str]] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    missing: Counter = field(default_factory=Counter)

    def count_missing(
        self, frame: pd.DataFrame, rules: list[Rule], ranges: dict[str, tuple[int, int]]
    ) -> None:
        """Add the nulls of each row rule's column in ``frame`` to ``missing[(language, column)]``.

        Nulls as GE's pandas engine counts them (``isnull``); ``frame`` is indexed by position in
        the split and ``ranges`` are each language's positions.
        """
        columns = {
            rule.kwargs["column"]
            for rule in rules
            if rule.expectation in ROW_WISE_EXPECTATIONS
            and isinstance(rule.kwargs.get("column"), str)
            and rule.kwargs["column"] in frame.columns
        }
        if not columns or frame.empty:
            return
        first, end = frame.index[0], frame.index[-1] + 1
        for column in sorted(columns):
            nulls = frame[column].isnull().to_numpy()
            for language, (start, stop) in ranges.items():
                lo, hi = max(start, first), min(stop, end)
                if lo < hi:
                    self.missing[(language, column)] += int(nulls[lo - first : hi - first].sum())

    def add(self, result: dict[str, Any], same_rules: bool = True) -> None:
        """Fold in the result of the next batch (``same_rules``) or of other rules of the split."""
        for item in result["results"]:
            if not item["success"]:
                name = result_name(item)
                found = set(self.ids.get(name, [])) | set(unexpected_ids(item))
                self.ids[name] = sorted(found)[:MAX_IDS_PER_FAILURE]
        if self.result is None:
            self.result = result
        elif same_rules:
            self.result = merge_batch_results(self.result, result)
        else:
            self.result = with_statistics(
                {
                    **self.result,
                    "results": sorted_results(self.result["results"] + result["results"]),
                }
            )

    def join(self, other: MergedResult) -> None:
        """Fold in the merged result of other rules of the same suite on the same config/split.

        What one run of both rule sets gives (results in name order, statistics recounted):
        each rule's ids, helper problems and null counts are its own, so they are united
        (the null count of a column two rule sets read is the same in both).
        """
        if self.result is None:
            self.result = other.result
        elif other.result is not None:
            self.result = with_statistics(
                {
                    **self.result,
                    "results": sorted_results(self.result["results"] + other.result["results"]),
                }
            )
        self.ids.update(other.ids)
        self.problems = {**other.problems, **self.problems}
        self.missing.update({key: n for key, n in other.missing.items() if key not in self.missing})

    def outcome(self, suite: Suite, config: str, split: str) -> SuiteOutcome:
        """The merged result as a SuiteOutcome; a failing helper rule names the helper's problem."""
        helpers = {r.name: r.helper for r in suite.rules}
        result = self.result or with_statistics({"results": []})
        outcome = outcome_from_result(suite.name, config, split, result, self.ids)
        for failure in outcome.failures:
            helper = helpers.get(failure.expectation)
            if helper in self.problems:
                failure.description += f" (helper {helper}: {self.problems[helper]})"
        return outcome


def merge_batch_results(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Two cleaned GE results of the same rules on consecutive batches, as one result.

    Every expectation is merged by ``merge_items``; ``statistics`` and ``success`` are recounted
    over expectations (not batches); ``meta`` is the first batch's (the same for all batches).
    """
    later = {result_name(item): item for item in second["results"]}
    merged = [merge_items(item, later[result_name(item)]) for item in first["results"]]
    return with_statistics({**first, "results": merged})


def merge_items(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """One expectation's results on two consecutive batches, as if validated together.

    Row-wise results (with ``unexpected_count``) add up: counts are summed, percentages
    recomputed with GE's formulas, unexpected lists concatenated in row order and cut to
    ``MAX_UNEXPECTED_KEPT`` (partial lists to GE's 20), ``partial_unexpected_counts`` recounted
    from the kept values. Other results (observed column list or type, an exception) keep the
    first failing batch's result. The expectation succeeds iff it succeeds in both batches
    (with ``mostly``: iff the summed counts meet it).
    """
    success = first["success"] and second["success"]
    a, b = first.get("result") or {}, second.get("result") or {}
    if "unexpected_count" in a and "unexpected_count" in b:
        result = merge_row_results(a, b)
        mostly = first["expectation_config"]["kwargs"].get("mostly")
        if mostly is not None and not (
            first["exception_info"]["raised_exception"]
            or second["exception_info"]["raised_exception"]
        ):
            checked = result["element_count"] - result.get("missing_count", 0)
            success = checked == 0 or (checked - result["unexpected_count"]) / checked >= mostly
    else:
        result = (second if first["success"] and not second["success"] else first).get("result")
    messages = sorted(
        set(first["exception_info"]["exception_messages"])
        | set(second["exception_info"]["exception_messages"])
    )
    return {
        **first,
        "success": success,
        "result": result,
        "exception_info": {"raised_exception": bool(messages), "exception_messages": messages},
    }


def merge_row_results(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """The ``result`` of a row rule over batch ``a`` then batch ``b``, as one run would give it.

    Counts are summed, unexpected lists concatenated and capped (MAX_UNEXPECTED_KEPT, or
    PARTIAL_UNEXPECTED_COUNT for the partial ones), percentages recomputed; keys absent from
    ``a`` stay absent.
    """
    merged = dict(a)
    for key in ("element_count", "unexpected_count", "missing_count"):
        if key in a:
            merged[key] = a[key] + b.get(key, 0)
    for key, limit in (
        ("unexpected_list", MAX_UNEXPECTED_KEPT),
        ("unexpected_index_list", MAX_UNEXPECTED_KEPT),
        ("partial_unexpected_list", PARTIAL_UNEXPECTED_COUNT),
        ("partial_unexpected_index_list", PARTIAL_UNEXPECTED_COUNT),
    ):
        if key in a:
            merged[key] = (a[key] + b.get(key, []))[:limit]
    if "unexpected_index_query" in a:
        merged["unexpected_index_query"] = merge_index_queries(
            a["unexpected_index_query"], b.get("unexpected_index_query")
        )
    if "partial_unexpected_counts" in a and "unexpected_list" in merged:
        merged["partial_unexpected_counts"] = count_values(
            merged["unexpected_list"], a["partial_unexpected_counts"]
        )
    merged.update(row_percentages(merged))
    return merged


def row_percentages(result: dict[str, Any]) -> dict[str, float | None]:
    """GE's percentages (``_format_map_output``) of summed counts, for the keys present."""
    element, unexpected = result["element_count"], result["unexpected_count"]
    total = unexpected / element * 100 if element > 0 else None
    values: dict[str, float | None] = {"unexpected_percent": total}
    if "missing_count" in result:
        missing = result["missing_count"]
        checked = element - missing
        nonmissing = unexpected / checked * 100 if element > 0 and checked > 0 else None
        values = {
            "unexpected_percent": nonmissing,
            "missing_percent": missing / element * 100 if element > 0 else None,
            "unexpected_percent_total": total,
            "unexpected_percent_nonmissing": nonmissing,
        }
    return {k: v for k, v in values.items() if k in result}


def count_values(values: list[Any], fallback: list[Any]) -> list[Any]:
    """GE's ``partial_unexpected_counts``: the 20 most common values, by count then value."""
    try:
        common = Counter(values).most_common(PARTIAL_UNEXPECTED_COUNT)
        return [
            {"value": value, "count": count}
            for value, count in sorted(common, key=lambda x: (-x[1], x[0]))
        ]
    except TypeError:  # unhashable or unorderable values: GE could not count them either
        return fallback


def merge_index_queries(first: str, second: str | None) -> str:
    """Two ``df.filter(items=[...], axis=0)`` queries as one (capped like the lists)."""
    a, b = INDEX_QUERY.fullmatch(first), INDEX_QUERY.fullmatch(second or "")
    if not a or not b:
        return first
    items = (ast.literal_eval(a["items"]) + ast.literal_eval(b["items"]))[:MAX_UNEXPECTED_KEPT]
    return index_query(items)


def with_statistics(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` with ``success`` and GE's ``statistics`` recounted from its expectations."""
    results = result["results"]
    evaluated = len(results)
    successful = sum(1 for r in results if r["success"])
    return {
        **result,
        "success": successful == evaluated,
        "statistics": {
            "evaluated_expectations": evaluated,
            "successful_expectations": successful,
            "unsuccessful_expectations": evaluated - successful,
            "success_percent": successful / evaluated * 100 if evaluated else None,
        },
    }


def result_name(item: dict[str, Any]) -> str:
    """The rule name a GE result carries in its expectation's meta ("" when none)."""
    return item["expectation_config"]["meta"].get("name", "")


def sorted_results(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """GE results sorted by rule name (``result_name``)."""
    return sorted(results, key=result_name)


# Imported by GE at import time only for expectations and renderers this package never runs
# (KL divergence and KS tests, charts): loaded on first use instead (``DeferredModule``).
DEFERRED_MODULES = ("altair", "scipy.stats")


class DeferredModule(types.ModuleType):
    """Stands in ``sys.modules`` for a module not imported yet; imports it on first use.

    The first attribute it does not hold (``alt.Chart``, ``stats.entropy``) imports the real
    module, which then replaces it in ``sys.modules`` (and on its parent package), copies the
    real module's attributes into this stand-in for the modules that bound it, and is returned.
    """

    def __getattr__(self, attr: str) -> Any:
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        module = importlib.import_module(name)
        self.__dict__.update(module.__dict__)
        return getattr(module, attr)


def defer_modules(names: Iterable[str]) -> None:
    """Put a ``DeferredModule`` in ``sys.modules`` for each of ``names`` not imported yet.

    A name that is not installed is left alone (importing it fails as usual).
    """
    for name in names:
        if name in sys.modules or importlib.util.find_spec(name) is None:
            continue
        stub = DeferredModule(name)
        sys.modules[name] = stub
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, stub)


def import_great_expectations() -> Any:
    """``import great_expectations``, without its unused heavy imports.

    ``altair`` and ``scipy.stats`` (``DEFERRED_MODULES``) are deferred to their first use, which
    validation never reaches: GE's import 3.6-4.2 to 2.5-2.8 CPU s in a build process.

    GE imports altair, altair imports jsonschema, and jsonschema's format module imports
    ``rfc3987_syntax`` when it is installed, which builds about 35 Lark parsers at import time
    (python-jsonschema/jsonschema#1428): 2-4 s of CPU, a third of GE's import, on every
    validation. It only provides the ``iri`` and ``iri-reference`` format checkers, which neither
    GE nor this package's schemas use (CITATION.cff's schema checks ``uri``, ``date``). So when
    jsonschema is not imported yet, the module is hidden for the duration of the import:
    jsonschema treats it as not installed and leaves those two checkers out. Importing
    ``rfc3987_syntax`` afterwards works as usual.

    GE comes back with this module's tweaks applied (``tweak_great_expectations``).
    """
    if "great_expectations" not in sys.modules:
        defer_modules(DEFERRED_MODULES)
    if "great_expectations" in sys.modules or "jsonschema" in sys.modules:
        import great_expectations
    else:
        hidden = "rfc3987_syntax" not in sys.modules
        if hidden:
            sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # -> ImportError
        try:
            import great_expectations
        finally:
            if hidden and sys.modules.get("rfc3987_syntax", False) is None:
                del sys.modules["rfc3987_syntax"]
    tweak_great_expectations()
    return great_expectations


def tweak_great_expectations() -> None:
    """Apply every process-wide tweak of GE listed in the module docstring. Idempotent.

    ``skip_config_saves`` is the one left out: it changes one context, not GE.
    """
    share_expectation_configurations()
    convert_plain_json_directly()
    skip_batch_fingerprints()
    answer_unflagged_rows_directly()
    list_flagged_rows_by_column()


def skip_batch_fingerprints() -> None:
    """Stop GE's pandas engine from hashing every batch's rows (``pandas_data_fingerprint``).

    GE md5s each dataframe smaller than its ``HASH_THRESHOLD`` into the batch markers, which
    ``clean_result`` drops and nothing else reads: 10% of `validate` on a 20,000-document
    release. A threshold of 0 skips the hash (``memory_usage() < 0`` never holds).
    """
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


def skip_config_saves(context: Any) -> None:
    """Stop ``context``, an ephemeral GE context, from saving its config at every change.

    GE 1.x's ``_save_project_config`` runs after each asset or batch definition added: in an
    ephemeral context it serializes the whole config, every asset so far included, to YAML
    into an in-memory store that nothing reads (``EphemeralDataContextVariables.store``; the
    context keeps using its live config). A cost that grows with the square of the assets: the
    61 of a 20,000-document release took about 1 CPU s. Only this context is changed.
    """
    context._save_project_config = lambda: None


# Expectation methods that read ``self.configuration`` once per key: each read builds a new
# ExpectationConfiguration (a pydantic ``dict()`` with deep copies, then a constructor).
KWARG_METHODS = ("_get_domain_kwargs", "_get_success_kwargs", "_get_runtime_kwargs")
# Those, and the method that asks for every metric an expectation needs (``get_metric_kwargs``
# once per metric, each reading the configuration); overridden in subclasses, wrapped in each.
SHARING_METHODS = (*KWARG_METHODS, "get_validation_dependencies")


def share_expectation_configurations() -> None:
    """Make GE build an expectation's configuration once per kwargs lookup, not once per key.

    GE 1.x's ``Expectation.configuration`` is a property that rebuilds the configuration at
    every read, and ``_get_domain_kwargs``/``_get_success_kwargs``/``_get_runtime_kwargs`` read
    it once per key: about 100 rebuilds per expectation run, a quarter of ``Batch.validate``.
    While one of those methods, or ``get_validation_dependencies`` (``SHARING_METHODS``), runs,
    the expectation's reads get the configuration built at its start; nothing changes the
    expectation in between, so the kwargs are the same values. Within that window GE's
    ``get_metric_kwargs`` turns the configuration back into an expectation
    (``ExpectationConfiguration.to_domain_obj``, a pydantic model built anew for each of the
    expectation's metrics) only to read its runtime kwargs: the shared configuration's
    expectation is the one running, so it is returned instead (same class and values, built
    from them). The expectation type's name (``camel_to_snake`` of the class name, two regexes)
    is memoized. Idempotent.
    """
    from great_expectations.expectations import expectation as module
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    cls = module.Expectation
    if getattr(cls, "_shared_configurations", None) is not None:
        return
    build = cls.configuration.fget
    to_domain_obj = ExpectationConfiguration.to_domain_obj
    shared: dict[int, Any] = {}  # id(expectation) -> its configuration, while a method runs
    owners: dict[int, Any] = {}  # id(that configuration) -> the expectation

    @functools.wraps(build)
    def configuration(self: Any) -> Any:
        found = shared.get(id(self))
        return build(self) if found is None else found

    def domain_object(self: Any) -> Any:
        owner = owners.get(id(self))
        if owner is not None and shared.get(id(owner)) is self:
            return owner
        return to_domain_obj(self)

    def sharing(method: Callable) -> Callable:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            if id(self) in shared:
                return method(self, *args, **kwargs)
            built = shared[id(self)] = build(self)
            owners[id(built)] = self
            try:
                return method(self, *args, **kwargs)
            finally:
                del shared[id(self)], owners[id(built)]

        return wrapper

    for kind in [cls, *all_subclasses(cls)]:
        wrap_own_methods(kind, SHARING_METHODS, sharing)
    cls.configuration = property(configuration)
    ExpectationConfiguration.to_domain_obj = functools.wraps(to_domain_obj)(domain_object)
    cls._shared_configurations = shared
    module.camel_to_snake = functools.lru_cache(maxsize=1024)(module.camel_to_snake)


def wrap_own_methods(kind: type, names: Iterable[str], wrap: Callable) -> None:
    """Replace each method named in ``names`` that ``kind`` itself defines by ``wrap(method)``."""
    for name in names:
        if name in vars(kind):
            setattr(kind, name, wrap(vars(kind)[name]))


def all_subclasses(cls: type) -> list[type]:
    """Every subclass of ``cls`` defined so far, at any depth, each once."""
    found: dict[type, None] = {}
    pending = list(cls.__subclasses__())
    while pending:
        kind = pending.pop()
        if kind not in found:
            found[kind] = None
            pending.extend(kind.__subclasses__())
    return list(found)


def convert_plain_json_directly() -> None:
    """Make GE's ``convert_to_json_serializable`` answer plain JSON values without its type tests.

    GE converts every metric's kwargs (for the metric's id) and every result through that
    function, which tests a value against some twenty types, numpy's ``issubdtype`` four times
    for ``None``, before answering: about 40,000 calls a 20,000-document release. Here a value of
    exactly ``str``, ``int``, ``bool``, ``float`` or ``None`` is answered at once as GE would
    (itself, or None for a NaN float), a ``dict``, ``list`` or ``tuple`` (exactly those types) is
    converted item by item as GE does (string keys in the same order; a list), and anything else,
    subclasses included (numpy floats, GE's own dicts), goes to GE's function, whose own recursion
    comes back here. The function is replaced in ``great_expectations.util`` and in every GE
    module that imported it by name. Idempotent.
    """
    from great_expectations import util

    original = util.convert_to_json_serializable
    if getattr(original, "plain_json_first", False):
        return

    def convert(data: Any) -> Any:
        kind = type(data)
        if kind is str or kind is int or kind is bool or data is None:
            return data
        if kind is float:
            return None if data != data else data  # only NaN differs from itself
        if kind is dict:
            return {str(key): convert(value) for key, value in data.items()}
        if kind is list or kind is tuple:
            return [convert(value) for value in data]
        return original(data)

    convert.plain_json_first = True  # type: ignore[attr-defined]
    convert.__wrapped__ = original  # type: ignore[attr-defined]
    for name, module in list(sys.modules.items()):
        ge_module = name.startswith("great_expectations") and module is not None
        if ge_module and getattr(module, "convert_to_json_serializable", None) is original:
            module.convert_to_json_serializable = convert


def answer_unflagged_rows_directly() -> None:
    """Make GE's pandas engine list no unexpected rows without reading the rows when none is.

    For every row rule GE computes the offending rows' index list, index query and values
    (``_pandas_map_condition_index``, ``_pandas_map_condition_query``,
    ``_pandas_column_map_condition_values``), each by fetching the domain's rows and filtering
    every column of the frame twice (nulls, then the offending rows), even when the rule's
    condition flags no row, as on nearly every rule of a clean release. Those functions then find
    no row, so when the condition flags none (``flags_no_row``), the rule names a column the
    batch has and a query is asked for, they are answered ``[]``, ``df.filter(items=[], axis=0)``
    and ``[]`` at once. Anything else (a flagged row, a missing column: GE's errors) goes to GE's
    functions. Replaced in GE's metric registry for the pandas engine. Idempotent.
    """
    from great_expectations.expectations import registry
    from great_expectations.expectations.metrics.map_metric_provider import (
        column_map_condition_auxilliary_methods as values_module,
    )
    from great_expectations.expectations.metrics.map_metric_provider import (
        map_condition_auxilliary_methods as rows_module,
    )

    answers = {
        rows_module._pandas_map_condition_index: [],
        rows_module._pandas_map_condition_query: index_query([]),
        values_module._pandas_column_map_condition_values: [],
    }
    for definition in registry._registered_metrics.values():
        providers = definition.get("providers", {})
        metric_class, function = providers.get("PandasExecutionEngine", (None, None))
        if function in answers:
            metric = unless_flagged(function, answers[function])
            providers["PandasExecutionEngine"] = (metric_class, metric)


def list_flagged_rows_by_column() -> None:
    """Make GE's pandas engine read the offending rows' named values column by column.

    GE's ``compute_unexpected_pandas_indices`` lists, for each offending row, the rule's column
    and the ``unexpected_index_column_names`` (``id``) as ``{column: value}``, reading each value
    by ``frame.at[label, column]``: tens of microseconds a value, 0.23 CPU s for the 3,346 rows
    that mostly-rules and warnings flag on the 20,000-document release. With unique row labels
    and column names, ``at`` reads the value at the row's position in the column's array (unboxed
    as pandas unboxes it), which is what is read here, column by column, into the same dicts
    (same keys in the same order). Any other case (a named or repeated index, a column name GE
    does not resolve or the frame lacks, ``exclude_unexpected_values``, no domain column) goes
    to GE's function. Replaced where GE's row metric calls it. Idempotent.
    """
    from great_expectations.expectations.metrics.map_metric_provider import (
        map_condition_auxilliary_methods as module,
    )

    original = module.compute_unexpected_pandas_indices
    if getattr(original, "by_column", False):
        return

    @functools.wraps(original)
    def compute(**kwargs: Any) -> Any:
        found = flagged_rows_by_column(**kwargs)
        return original(**kwargs) if found is None else found

    compute.by_column = True  # type: ignore[attr-defined]
    module.compute_unexpected_pandas_indices = compute


def flagged_rows_by_column(
    domain_records_df: pd.DataFrame,
    expectation_domain_column_list: list[str],
    result_format: dict[str, Any],
    metrics: dict[str, Any],
    **_: Any,
) -> list[dict[str, Any]] | None:
    """GE's list of the offending rows' named values, or None where GE's function must answer."""
    from great_expectations.expectations.metrics.util import get_dbms_compatible_column_names

    try:  # pandas' own unboxing (what DataFrame.at returns); private, so GE answers without it
        from pandas.core.dtypes.cast import maybe_unbox_numpy_scalar
    except ImportError:
        return None
    frame, domain = domain_records_df, expectation_domain_column_list
    names = result_format.get("unexpected_index_column_names")
    if (
        not names
        or not domain
        or result_format.get("exclude_unexpected_values", False)
        or isinstance(frame.index, pd.MultiIndex)
        or frame.index.name is not None
        or not (frame.index.is_unique and frame.columns.is_unique)
    ):
        return None
    try:
        typed = [
            get_dbms_compatible_column_names(
                column_names=name, batch_columns_list=metrics["table.columns"]
            )
            for name in names
        ]
    except Exception:
        return None  # GE's function raises its own error
    if not all(column in frame.columns for column in [*domain, *typed]):
        return None

    rows = range(len(frame))

    def read(column: str) -> list[Any]:
        values = frame[column]._values
        return [maybe_unbox_numpy_scalar(values[k], object_with_dtype=values) for k in rows]

    domain_values = {column: read(column) for column in domain}
    named_values = {column: read(column) for column in typed}
    listed = []
    for k in rows:
        row: dict[str, Any] = {}
        for column in domain:
            row[column] = domain_values[column][k]
            for name in typed:
                row[name] = named_values[name][k]
        listed.append(row)
    return listed


def unless_flagged(function: Callable, answer: Any) -> Callable:
    """GE's row metric ``function``, answered by a copy of ``answer`` when no row is flagged."""

    @functools.wraps(function)
    def metric(**kwargs: Any) -> Any:
        metrics = kwargs["metrics"]
        flagged, _, accessor_kwargs = metrics["unexpected_condition"]
        result_format = kwargs["metric_value_kwargs"]["result_format"]
        if (
            flags_no_row(flagged)
            and accessor_kwargs.get("column") in metrics["table.columns"]
            and result_format.get("return_unexpected_index_query") is not False
        ):
            return copy.copy(answer)
        return function(**kwargs)

    return metric


def flags_no_row(flagged: Any) -> bool:
    """True for a boolean Series (numpy or Arrow) with an unnamed index, no True and no null."""
    return (
        isinstance(flagged, pd.Series)
        and (flagged.dtype == bool or flagged.dtype == ARROW_BOOL)
        and flagged.index.nlevels == 1
        and flagged.index.name is None
        and not flagged.any()
        and not flagged.isna().any()
    )


ARROW_BOOL = pd.ArrowDtype(pa.bool_())


class GreatExpectationsRunner:
    """One ephemeral GE context (no files, no analytics, no progress bars) for a whole run."""

    def __init__(self) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
        gx = import_great_expectations()
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        self._gx = gx
        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
        )
        self.context = gx.get_context(mode="ephemeral", project_config=config)
        skip_config_saves(self.context)
        self.datasource = self.context.data_sources.add_pandas("release")
        self._definitions: dict[str, Any] = {}
        self._suites: dict[str, Any] = {}

    def _batch_definition(self, asset_name: str):
        """One dataframe asset per config/split/suite (its name shows in the result JSON)."""
        if asset_name not in self._definitions:
            asset = self.datasource.add_dataframe_asset(asset_name)
            self._definitions[asset_name] = asset.add_batch_definition_whole_dataframe("all_rows")
        return self._definitions[asset_name]

    def _suite(self, run: SuiteRun):
        """The GE suite of ``run``'s rules and parameters, built once and reused for every batch.

        GE's ``add_expectation`` compares each new expectation with every one added before (it
        drops look-alikes), so building a 60-rule suite costs about 1,800 pydantic comparisons.
        """
        key = json.dumps(
            [run.suite, run.params, [rule.to_json() for rule in run.rules]],
            sort_keys=True,
            default=str,
        )
        if key not in self._suites:
            suite = self._gx.ExpectationSuite(name=run.suite)
            for rule in run.rules:
                suite.add_expectation(build_expectation(rule, run.params))
            self._suites[key] = suite
        return self._suites[key]

    def validate(self, run: SuiteRun, frame: pd.DataFrame) -> dict[str, Any]:
        """Validate ``frame`` against ``run.rules``; returns the cleaned GE result JSON."""
        suite = self._suite(run)
        batch = self._batch_definition(run.asset).get_batch(batch_parameters={"dataframe": frame})
        result_format: dict[str, Any] = {"result_format": "COMPLETE"}
        if INDEX_COLUMN in frame.columns:
            result_format["unexpected_index_column_names"] = [INDEX_COLUMN]
        try:
            result = batch.validate(suite, result_format=result_format)
        finally:
            forget_batch(batch)
        return clean_result(result.to_json_dict())

    def run(self, run: SuiteRun, frame: pd.DataFrame) -> SuiteOutcome:
        """Validate one whole frame (no batching); the outcome keeps the cleaned GE result."""
        result = self.validate(run, frame)
        return outcome_from_result(run.suite, run.config, run.split, result)


def forget_batch(batch: Any) -> None:
    """Drop ``batch`` and its frame from the caches of the GE engine that loaded it.

    GE's pandas engine keeps the frame of the last batch of every asset it has validated (keyed
    by batch id, one per asset) for as long as the context lives: on a big release, every
    split's key columns and one batch of every config/split/suite stay in memory until
    validation ends. A result never reads the frame again once ``Batch.validate`` returns.
    """
    manager = batch.data.execution_engine.batch_manager
    manager.batch_data_cache.pop(batch.id, None)
    manager.reset_batch_cache()


def outcome_from_result(
    suite_name: str,
    config: str,
    split: str,
    result: dict[str, Any],
    ids: dict[str, list[str]] | None = None,
) -> SuiteOutcome:
    """Counts and failures of a cleaned GE result; ``ids`` overrides the ids of failures by name."""
    ids = ids or {}
    failures = [
        to_failure(item, ids.get(result_name(item)))
        for item in result["results"]
        if not item["success"]
    ]
    passed = sum(1 for r in result["results"] if r["success"])
    return SuiteOutcome(suite_name, config, split, len(result["results"]), passed, failures, result)


def build_expectation(rule: Rule, params: dict[str, Any]):
    """The GE expectation object of a rule; raises ValueError naming the rule on bad kwargs."""
    from great_expectations.expectations.registry import get_expectation_impl

    try:
        cls = get_expectation_impl(rule.expectation)
        kwargs = arrow_regex_kwargs(resolve_kwargs(rule.kwargs, params))
        return cls(**kwargs, meta=rule.meta(), severity=rule.severity)
    except Exception as exc:
        first = (str(exc).splitlines() or [""])[0]
        raise ValueError(f"rule {rule.name!r} ({rule.expectation}): {first}") from None


def clean_result(result: dict[str, Any]) -> dict[str, Any]:
    """Make a GE result JSON byte-stable: no load times, no tracebacks, results sorted by name.

    Long strings (offending texts) are cut to ``MAX_STRING_CHARS`` characters, except GE's
    ``unexpected_index_query``, which keeps its first MAX_UNEXPECTED_KEPT row positions like the
    unexpected lists: cut by characters, the query of one batch could not be merged with the
    next one's, and the merged query depended on the batch size.
    """
    meta = result.get("meta", {})
    for key in ("batch_markers", "run_id", "validation_time", "checkpoint_id"):
        meta.pop(key, None)
    for item in result.get("results", []):
        item["expectation_config"].pop("id", None)
        item["exception_info"] = simplify_exception_info(item.get("exception_info") or {})
    result["results"] = sorted(
        result.get("results", []), key=lambda r: r["expectation_config"]["meta"].get("name", "")
    )
    queries = [
        (item.get("result") or {}).pop("unexpected_index_query", None) for item in result["results"]
    ]
    cleaned = truncate_strings(result)
    for item, query in zip(cleaned["results"], queries, strict=True):
        if query is not None:
            item["result"]["unexpected_index_query"] = cap_index_query(query)
    return cleaned


def cap_index_query(query: str) -> str:
    """GE's ``df.filter(items=[...], axis=0)`` with its first MAX_UNEXPECTED_KEPT items.

    Any other string is cut like every string of a result (``truncate_strings``).
    """
    found = INDEX_QUERY.fullmatch(query)
    if not found:
        return truncate_strings(query)
    items = ast.literal_eval(found["items"])
    return query if len(items) <= MAX_UNEXPECTED_KEPT else index_query(items[:MAX_UNEXPECTED_KEPT])


def index_query(items: list[Any]) -> str:
    """GE's pandas query for the rows at ``items``."""
    return f"df.filter(items={items}, axis=0)"


def simplify_exception_info(info: dict[str, Any]) -> dict[str, Any]:
    """GE nests errors under metric ids with tracebacks; keep whether it raised and the messages."""
    if "raised_exception" in info:
        messages = [info.get("exception_message")] if info.get("raised_exception") else []
    else:
        messages = [v.get("exception_message") for v in info.values() if isinstance(v, dict)]
    messages = sorted({m for m in messages if m})
    return {"raised_exception": bool(messages), "exception_messages": messages}


def truncate_strings(value: Any) -> Any:
    """``value`` with every string in it, at any depth, cut to MAX_STRING_CHARS characters + "…"."""
    if isinstance(value, str) and len(value) > MAX_STRING_CHARS:
        return value[:MAX_STRING_CHARS] + "…"
    if isinstance(value, dict):
        return {k: truncate_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [truncate_strings(v) for v in value]
    return value


def to_failure(item: dict[str, Any], ids: list[str] | None = None) -> Failure:
    """A failing GE result as a named ``Failure`` with a few offending ids.

    ``ids`` when given, else the smallest ids of its ``unexpected_index_list`` (at most
    MAX_IDS_PER_FAILURE).
    """
    config = item["expectation_config"]
    name = config["meta"].get("name", config["type"])
    description = config["meta"].get("explanation", config["type"])
    result = item.get("result") or {}
    if item["exception_info"]["raised_exception"]:
        description += " Error: " + "; ".join(item["exception_info"]["exception_messages"])
    elif "observed_value" in result:
        description += " Observed: " + describe_observed(config["kwargs"], result["observed_value"])
    if ids is None:
        ids = sorted(set(unexpected_ids(item)))[:MAX_IDS_PER_FAILURE]
    return Failure(
        name,
        description,
        ids,
        item_severity(item),
        result.get("unexpected_count"),
        result.get("element_count") if "unexpected_count" in result else None,
    )


def unexpected_ids(item: dict[str, Any]) -> list[str]:
    """The ids GE listed for an expectation's offending rows (empty for table-level ones)."""
    return [
        str(row[INDEX_COLUMN])
        for row in (item.get("result") or {}).get("unexpected_index_list") or []
        if isinstance(row, dict) and row.get(INDEX_COLUMN) is not None
    ]


def describe_observed(kwargs: dict[str, Any], observed: Any) -> str:
    """The observed value in a line: for a column list, what is missing, extra or out of order."""
    expected = kwargs.get("column_list")
    if isinstance(expected, list) and isinstance(observed, list):
        missing = [c for c in expected if c not in observed]
        extra = [c for c in observed if c not in expected]
        if missing or extra:
            return f"missing columns {missing}, undeclared columns {extra}"
        return f"columns in order {observed}"
    return truncate_strings(json.dumps(observed, ensure_ascii=False))


# ---------------------------------------------------------------- output


def result_path(outcome: SuiteOutcome) -> str:
    """Where a suite run's GE result is written: ``validation/<config>/<split>.<kind>.json``."""
    kind = outcome.suite.rsplit(".", 1)[-1]
    return f"{RESULTS_DIR}/{outcome.config}/{outcome.split}.{kind}.json"


def write_validation_results(report: ValidationReport, folder: Path) -> None:
    """Replace ``<folder>/validation/`` with the GE results and ``summary.json``, in place.

    Only for a folder nobody reads yet (the build's staging folder, or the copy made by
    ``rewrite_release_validation``): a kill midway leaves ``validation/`` half written.
    """
    import shutil

    from dataset.build.write import write_json

    target = folder / RESULTS_DIR
    shutil.rmtree(target, ignore_errors=True)
    for outcome in report.outcomes:
        if outcome.result_json is not None:
            write_json(outcome.result_json, folder / result_path(outcome))
    write_json(report.summary_json(), target / "summary.json")


def rewrite_release_validation(report: ValidationReport) -> None:
    """Replace a release's ``validation/`` and ``checksums.sha256`` atomically.

    Under the release's build lock (a build of it cannot run meanwhile), a staging copy of the
    release is made beside it of hard links (copies where links fail), except those two; the new
    results and checksums are written into it, and it is swapped with the release in one rename
    (``dataset.runtime.transaction.publish_staging``). A kill at any moment leaves a valid
    release; a leftover staging folder is removed by the next build or ``validate --write``. A
    shell whose working directory is inside the release keeps the old, deleted folder: ``cd``
    again.

    Raises InputError naming the release when it cannot be written (read-only, full disk).
    """
    import shutil

    from dataset.errors import InputError
    from dataset.runtime.transaction import (
        lock_out_dir,
        make_staging_dir,
        publish_staging,
        unlock_out_dir,
    )

    release = report.release_dir.resolve()
    if not os.access(release, os.W_OK):
        raise InputError(
            f"cannot write validation results into {report.release_dir}: it is read-only; "
            "run validate without --write, or on a writable copy"
        )
    try:
        lock = lock_out_dir(release)
    except OSError as exc:
        raise InputError(
            f"cannot write validation results into {report.release_dir} ({exc.strerror}); "
            "run validate without --write, or on a writable copy"
        ) from None
    staging = None
    try:
        staging = make_staging_dir(release)
        shutil.copytree(
            release,
            staging,
            symlinks=True,
            ignore=lambda folder, _: _left_out(release, folder),
            copy_function=link_or_copy,
            dirs_exist_ok=True,
        )
        write_validation_results(report, staging)
        write_checksums(staging)
        publish_staging(staging, release)
    except OSError as exc:
        raise InputError(
            f"cannot write validation results into {report.release_dir} ({exc.strerror}); "
            "the release is unchanged: run validate without --write, or free space / fix "
            "permissions"
        ) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        unlock_out_dir(lock, release)


def _left_out(release: Path, folder: str) -> set[str]:
    """What the staging copy leaves out: the two things it writes anew."""
    return {RESULTS_DIR, CHECKSUMS_NAME} if Path(folder) == release else set()


def link_or_copy(source: str, target: str) -> None:
    """Hard-link ``source`` at ``target`` (no bytes copied), or copy it where links fail."""
    import shutil

    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
