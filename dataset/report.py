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


def format_validation_report(report, max_ids: int = 3) -> str:
    """The validation table: one row per suite/config/split, then each failure by name with ids."""
    header = f"{'suite':<20}{'config':<8}{'split':<12}{'passed':>8}{'failed':>8}"
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
            f"{outcome.passed:>8}{outcome.failed:>8}"
        )
        for failure in outcome.failures:
            ids = failure.unexpected_ids[:max_ids]
            more = len(failure.unexpected_ids) - len(ids)
            shown = ", ".join(ids) + (f" (+{more} more)" if more > 0 else "")
            lines.append(f"    FAILED {failure.expectation}" + (f": ids {shown}" if ids else ""))
            lines.append(f"           {failure.description}")
    evaluated = sum(o.evaluated for o in report.outcomes)
    failed = sum(o.failed for o in report.outcomes)
    verdict = "PASSED" if report.success else "FAILED"
    lines += ["", f"{verdict}: {evaluated - failed}/{evaluated} expectations passed"]
    return "\n".join(lines)
