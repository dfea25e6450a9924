"""Plain-text summaries printed at the end of a command."""

from __future__ import annotations

from dataset.config import SPLIT_NAMES


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
    return "\n".join(lines)
