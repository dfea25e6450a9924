"""Stage 7, validate: run every suite on every config and split of a release.

Order of checks in ``validate_release``:

1. ``checksums.sha256`` (dataset/integrity.py): any file changed, added or removed since the build
   is named, and the release fails. The suites still run, so the report shows what broke, but
   nothing is written into a release whose checksums do not match.
2. ``parquet_schema``: every shard's Arrow schema equals the one declared in schemas/ (names,
   order, exact types, nullability). GE's pandas engine cannot see float32 vs float64.
3. Great Expectations 1.x (ephemeral context, pandas datasource; GE has no polars datasource):
   ``article.structural`` (generated from schemas/) and ``article.domain`` (validation/
   domain_rules.yaml) on each config (languages + ``all``) and each non-empty split.

Results go to ``<release>/validation/{config}/{split}.{structural|domain}.json`` (GE's result
JSON without run ids, timestamps or tracebacks, so re-validating an unchanged release writes the
same bytes) and ``validation/summary.json`` (the agreed summary format). After writing, an existing
``checksums.sha256`` is rewritten; it only changes when the results changed (a newer validator).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from dataset import __version__
from dataset.expectations import (
    DOMAIN_SUITE,
    STRUCTURAL_SUITE,
    ReleaseIndex,
    Rule,
    add_helper_columns,
    load_domain_rules,
    resolve_kwargs,
    rule_parameters,
    structural_rules,
)
from dataset.integrity import CHECKSUMS_NAME, ChecksumProblems, verify_checksums, write_checksums
from dataset.layout import ALL_CONFIG, ReleaseLayout, read_frame, read_layout, read_manifest
from dataset.schema import article_schema
from dataset.write import write_json

PARQUET_SCHEMA_SUITE = "parquet_schema"
RESULTS_DIR = "validation"
MAX_IDS_PER_FAILURE = 20
MAX_STRING_CHARS = 200
INDEX_COLUMN = "id"


@dataclass
class Failure:
    expectation: str
    description: str
    unexpected_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "expectation": self.expectation,
            "description": self.description,
            "unexpected_ids": self.unexpected_ids,
        }


@dataclass
class SuiteOutcome:
    """One suite run on one config/split: counts and the failing expectations by name."""

    suite: str
    config: str
    split: str
    evaluated: int
    passed: int
    failures: list[Failure] = field(default_factory=list)
    result_json: dict[str, Any] | None = None

    @property
    def failed(self) -> int:
        return self.evaluated - self.passed

    def to_json(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "config": self.config,
            "split": self.split,
            "evaluated": self.evaluated,
            "passed": self.passed,
            "failed": self.failed,
            "failures": [f.to_json() for f in self.failures],
        }


@dataclass
class ValidationReport:
    release_dir: Path
    release_version: str
    outcomes: list[SuiteOutcome]
    checksums: ChecksumProblems | None = None

    @property
    def success(self) -> bool:
        suites_ok = all(o.failed == 0 for o in self.outcomes)
        return suites_ok and (self.checksums is None or self.checksums.ok)

    def summary_json(self) -> dict[str, Any]:
        """The agreed ``validation/summary.json`` content."""
        return {
            "success": self.success,
            "release_version": self.release_version,
            "suites": [o.to_json() for o in self.outcomes],
        }

    def failing_names(self) -> list[str]:
        return [
            f"{o.suite} {o.config}/{o.split}: {f.expectation}"
            for o in self.outcomes
            for f in o.failures
        ]


def validate_release(
    release_dir: Path, *, check_checksums: bool = True, write_results: bool = True
) -> ValidationReport:
    """Validate a release folder; see the module docstring for the order of checks.

    ``check_checksums=False`` is for the build, which validates before checksums exist. Results
    are written only when the checksums (if checked) match. Raises InputError when the folder is
    not a release.
    """
    layout = read_layout(release_dir)
    manifest = read_manifest(release_dir)
    problems = verify_checksums(release_dir) if check_checksums else None
    outcomes = check_parquet_schemas(layout)
    outcomes += run_suites(layout, manifest)
    report = ValidationReport(
        release_dir, manifest.get("release_version", __version__), outcomes, problems
    )
    if write_results and (problems is None or problems.ok):
        write_validation_results(report)
        if (release_dir / CHECKSUMS_NAME).is_file():
            write_checksums(release_dir)
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
                            "schema_matches_declaration",
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


def run_suites(layout: ReleaseLayout, manifest: dict[str, Any]) -> list[SuiteOutcome]:
    """Run the structural and domain suites on every config and split."""
    domain = load_domain_rules()
    params = rule_parameters(manifest, domain.constants)
    by_language = {
        (lang, split): read_frame(layout.root, layout.files(lang, split))
        for lang in layout.languages
        for split in layout.splits(lang)
    }
    frames = dict(by_language)
    for split in layout.splits(ALL_CONFIG):
        parts = [f for (_, s), f in sorted(by_language.items()) if s == split]
        frames[(ALL_CONFIG, split)] = pd.concat(parts, ignore_index=True)
    index = ReleaseIndex.from_frames({s: f for (c, s), f in frames.items() if c == ALL_CONFIG})
    runner = GreatExpectationsRunner()
    outcomes = []
    for config in layout.configs:
        config_params = {**params, "config_language": config}
        domain_rules = [r for r in domain.rules if r.applies_to(config)]
        for split in layout.splits(config):
            frame = frames[(config, split)]
            outcomes.append(
                runner.run(STRUCTURAL_SUITE, structural_rules(), frame, config, split, {})
            )
            with_helpers, problems = add_helper_columns(frame, domain_rules, index)
            outcome = runner.run(
                DOMAIN_SUITE, domain_rules, with_helpers, config, split, config_params
            )
            for failure in outcome.failures:
                rule = next(r for r in domain_rules if r.name == failure.expectation)
                if rule.helper in problems:
                    failure.description += f" (helper {rule.helper}: {problems[rule.helper]})"
            outcomes.append(outcome)
    return outcomes


class GreatExpectationsRunner:
    """One ephemeral GE context (no files, no analytics, no progress bars) for a whole run."""

    def __init__(self) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
        import great_expectations as gx
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
        self.datasource = self.context.data_sources.add_pandas("release")
        self._definitions: dict[str, Any] = {}

    def _batch_definition(self, asset_name: str):
        """One dataframe asset per config/split/suite (its name shows in the result JSON)."""
        if asset_name not in self._definitions:
            asset = self.datasource.add_dataframe_asset(asset_name)
            self._definitions[asset_name] = asset.add_batch_definition_whole_dataframe("all_rows")
        return self._definitions[asset_name]

    def run(
        self,
        suite_name: str,
        rules: list[Rule],
        frame: pd.DataFrame,
        config: str,
        split: str,
        params: dict[str, Any],
    ) -> SuiteOutcome:
        """Validate ``frame`` against ``rules``; the outcome keeps the cleaned GE result JSON."""
        suite = self._gx.ExpectationSuite(name=suite_name)
        for rule in rules:
            suite.add_expectation(build_expectation(rule, params))
        batch = self._batch_definition(f"{config}/{split}/{suite_name}").get_batch(
            batch_parameters={"dataframe": frame}
        )
        result_format: dict[str, Any] = {"result_format": "COMPLETE"}
        if INDEX_COLUMN in frame.columns:
            result_format["unexpected_index_column_names"] = [INDEX_COLUMN]
        result = clean_result(batch.validate(suite, result_format=result_format).to_json_dict())
        failures = [to_failure(r) for r in result["results"] if not r["success"]]
        passed = sum(1 for r in result["results"] if r["success"])
        return SuiteOutcome(
            suite_name, config, split, len(result["results"]), passed, failures, result
        )


def build_expectation(rule: Rule, params: dict[str, Any]):
    """The GE expectation object of a rule; raises ValueError naming the rule on bad kwargs."""
    from great_expectations.expectations.registry import get_expectation_impl

    try:
        cls = get_expectation_impl(rule.expectation)
        return cls(**resolve_kwargs(rule.kwargs, params), meta=rule.meta())
    except Exception as exc:
        first = (str(exc).splitlines() or [""])[0]
        raise ValueError(f"rule {rule.name!r} ({rule.expectation}): {first}") from None


def clean_result(result: dict[str, Any]) -> dict[str, Any]:
    """Make a GE result JSON byte-stable: no load times, no tracebacks, results sorted by name.

    Long strings (offending texts) are cut to ``MAX_STRING_CHARS`` characters.
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
    return truncate_strings(result)


def simplify_exception_info(info: dict[str, Any]) -> dict[str, Any]:
    """GE nests errors under metric ids with tracebacks; keep whether it raised and the messages."""
    if "raised_exception" in info:
        messages = [info.get("exception_message")] if info.get("raised_exception") else []
    else:
        messages = [v.get("exception_message") for v in info.values() if isinstance(v, dict)]
    messages = sorted({m for m in messages if m})
    return {"raised_exception": bool(messages), "exception_messages": messages}


def truncate_strings(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_STRING_CHARS:
        return value[:MAX_STRING_CHARS] + "…"
    if isinstance(value, dict):
        return {k: truncate_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [truncate_strings(v) for v in value]
    return value


def to_failure(item: dict[str, Any]) -> Failure:
    """A failing GE result as a named ``Failure`` with a few offending ids."""
    config = item["expectation_config"]
    name = config["meta"].get("name", config["type"])
    description = config["meta"].get("explanation", config["type"])
    result = item.get("result") or {}
    if item["exception_info"]["raised_exception"]:
        description += " Error: " + "; ".join(item["exception_info"]["exception_messages"])
    elif "observed_value" in result:
        description += " Observed: " + describe_observed(config["kwargs"], result["observed_value"])
    ids = sorted(
        {
            str(row[INDEX_COLUMN])
            for row in result.get("unexpected_index_list") or []
            if isinstance(row, dict) and row.get(INDEX_COLUMN) is not None
        }
    )
    return Failure(name, description, ids[:MAX_IDS_PER_FAILURE])


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
    kind = outcome.suite.rsplit(".", 1)[-1]
    return f"{RESULTS_DIR}/{outcome.config}/{outcome.split}.{kind}.json"


def write_validation_results(report: ValidationReport) -> None:
    """Replace ``<release>/validation/`` with the GE results and ``summary.json``."""
    import shutil

    target = report.release_dir / RESULTS_DIR
    shutil.rmtree(target, ignore_errors=True)
    for outcome in report.outcomes:
        if outcome.result_json is not None:
            write_json(outcome.result_json, report.release_dir / result_path(outcome))
    write_json(report.summary_json(), target / "summary.json")
