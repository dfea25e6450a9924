"""Plain-text summaries printed at the end of a command."""

from __future__ import annotations

from dataset.config import SPLIT_NAMES

MAX_SHOWN_WARNINGS = 5


def format_build_summary(summary) -> str:
    """The end-of-build summary: documents in, kept per language and split, rejects, time."""
    lines = [
        f"Built {summary.out_dir} in {summary.seconds:.1f} s",
        f"documents in: {summary.documents_in}   kept: {summary.kept}   "
        f"rejected: {summary.rejected}",
        "",
        f"{'language':<10}" + "".join(f"{s:>12}" for s in SPLIT_NAMES) + f"{'total':>10}",
    ]
    for language, splits in sorted(summary.kept_by_language_split.items()):
        counts = [splits.get(s, 0) for s in SPLIT_NAMES]
        lines.append(f"{language:<10}" + "".join(f"{c:>12}" for c in counts) + f"{sum(counts):>10}")
    if summary.rejected_by_reason:
        lines += ["", "rejected by reason:"]
        lines += [f"  {reason:<20}{n:>6}" for reason, n in summary.rejected_by_reason.items()]
    sources = summary.manifest.get("source_metadata") or {}
    if sources.get("warnings"):
        listed = sources["listed_warnings"]
        lines += ["", f"source metadata warnings: {sources['warnings']} (build_manifest.json)"]
        lines += [f"  {line}" for line in listed[:MAX_SHOWN_WARNINGS]]
        if sources["warnings"] > MAX_SHOWN_WARNINGS:
            lines.append(f"  ... and {sources['warnings'] - MAX_SHOWN_WARNINGS} more")
    return "\n".join(lines)


def format_build_validation(release_dir) -> str:
    """One line on the published release's validation, and one per failing quality rule.

    Read from its ``summary.json``; empty when the build did not validate.
    """
    import json
    from pathlib import Path

    path = Path(release_dir) / "validation" / "summary.json"
    if not path.is_file():
        return ""
    summary = json.loads(path.read_text(encoding="utf-8"))
    warnings = [
        r for r in summary.get("rules", []) if r["severity"] == "warning" and not r["passed"]
    ]
    count = f"{len(warnings)} {plural(len(warnings), 'warning')}" if warnings else "no warnings"
    lines = [f"validation: passed, {count} (details: {path})"]
    lines += [format_warning(rule, max_ids=3) for rule in warnings]
    return "\n".join(lines)


def format_validation_report(report, max_ids: int = 3) -> str:
    """The validation table.

    One row per suite/config/split with each critical failure by name and ids under it, then the
    failing quality rules (warnings) once each with their counts over the release, then the
    verdict. Warnings never change the verdict.
    """
    header = f"{'suite':<20}{'config':<8}{'split':<12}{'passed':>8}{'failed':>8}{'warned':>8}"
    lines = [f"Validated {report.release_dir}", ""]
    if report.checksums is not None:
        problems = report.checksums.describe()
        status = "FAILED" if problems else "ok"
        lines.append(f"checksums.sha256: {status}")
        lines += [f"  {line}" for line in problems]
        lines.append("")
    lines += [header, "-" * len(header)]
    for outcome in report.outcomes:
        lines.append(
            f"{outcome.suite:<20}{outcome.config:<8}{outcome.split:<12}"
            f"{outcome.passed:>8}{outcome.failed:>8}{outcome.warned:>8}"
        )
        for failure in outcome.failures:
            if failure.blocking:
                shown = format_ids(failure.unexpected_ids, max_ids)
                ids = f": ids {shown}" if shown else ""
                lines.append(f"    FAILED {failure.expectation}{ids}")
                lines.append(f"           {failure.description}")
    warnings = report.warning_rules()
    if warnings:
        lines += ["", "Warnings (quality expectations; they never block a release):"]
        lines += [format_warning(rule, max_ids) for rule in warnings]
    evaluated = sum(o.evaluated for o in report.outcomes)
    failed = sum(o.failed for o in report.outcomes)
    warned = sum(o.warned for o in report.outcomes)
    verdict = "PASSED" if report.success else "FAILED"
    with_warnings = f", {len(warnings)} {plural(len(warnings), 'warning')}" if warnings else ""
    lines += [
        "",
        f"{verdict}: {evaluated - failed - warned}/{evaluated} expectations passed, "
        f"{failed} failed{with_warnings}",
    ]
    return "\n".join(lines)


def format_warning(rule: dict, max_ids: int) -> str:
    """``WARNING name: N of M articles (ids ...)``, or the failed runs for a table rule."""
    if rule["unexpected_count"] is not None:
        counts = f"{rule['unexpected_count']} of {rule['element_count']} articles"
    else:
        counts = f"failed on {rule['failed_runs']} of {rule['runs']} config/splits"
    shown = format_ids(rule["unexpected_ids"], max_ids)
    return f"    WARNING {rule['rule']}: {counts}" + (f" (ids {shown})" if shown else "")


def format_ids(ids: list[str], max_ids: int) -> str:
    """The first ``max_ids`` ids and how many more there are."""
    shown = ids[:max_ids]
    more = len(ids) - len(shown)
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")


def plural(count: int, word: str) -> str:
    """``word``, with an ``s`` unless ``count`` is 1."""
    return word if count == 1 else f"{word}s"
