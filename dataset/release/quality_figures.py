"""The card's "Extraction quality" section: figures measured on the development set of real pages.

The figures are data, not code: ``python -m benchmarks.quality PAGES --write
dataset/resources/extraction_quality.json`` measures the extraction against the hand labels
(benchmarks/README.md) and stores only numbers (no text of the pages). The card reads that file
(the package's, not the release's), so a card shows the figures of the code that renders it.

Contract: ``read_stored_figures(path)`` returns a stored figures file's mapping, or None when the
file is absent (also for the entities section's figures, ``dataset.release.card_entities``);
``quality_facts(figures)`` is what the card's section template
(templates/card/extraction_quality.md.j2) reads; ``figures_problems(figures)`` lists how a
mapping differs from the benchmark's shape (empty: well formed). ``format_row`` is the one table
row format shared with the benchmark's own report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIGURES_FILE = Path(__file__).resolve().parent.parent / "resources" / "extraction_quality.json"
FIELDS = ("language", "title", "published_date", "publisher")
DATE_OUTCOMES = ("found", "null", "missed", "wrong", "spurious")
FURNITURE_KEYS = ("precision", "recall", "f1", "tp", "fp", "fn")
SUMMARY_KEYS = ("pages", "accuracy", "dates", "furniture")
TABLE_HEADER = (
    "| language | pages | language | title | published_date | publisher | "
    "furniture P | furniture R | furniture F1 |\n|---|---:|---:|---:|---|---:|---:|---:|---:|"
)


def read_stored_figures(path: Path) -> dict[str, Any] | None:
    """The figures a benchmark stored at ``path`` (JSON), or None when the file does not exist."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def format_row(name: str, summary: dict) -> str:
    """One Markdown table row of a summary (``benchmarks.quality.summarize``'s shape)."""
    acc, dates, lines = summary["accuracy"], summary["dates"], summary["furniture"]
    labelled = dates["found"] + dates["missed"] + dates["wrong"]
    return (
        f"| {name} | {summary['pages']} | {acc['language']:.0%} | {acc['title']:.0%} | "
        f"{dates['found']}/{labelled} found, {dates['wrong'] + dates['spurious']} wrong | "
        f"{acc['publisher']:.0%} | {lines['precision']:.2f} | "
        f"{lines['recall']:.2f} | {lines['f1']:.2f} |"
    )


def quality_facts(figures: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return what the card's "Extraction quality" section shows; None without figures.

    That is the overall figures and the table rows, overall first
    (templates/card/extraction_quality.md.j2).
    """
    if figures is None:
        return None
    return {
        "reference_date": figures["reference_date"],
        "overall": figures["overall"],
        "header": TABLE_HEADER,
        "overall_row": format_row("**all**", figures["overall"]),
        "rows": [format_row(code, s) for code, s in sorted(figures["by_language"].items())],
    }


def figures_problems(figures: Any) -> list[str]:
    """How ``figures`` differs from the stored shape (empty when it is well formed)."""
    if not isinstance(figures, dict):
        return ["the figures are not a JSON object"]
    problems = [
        f"missing key {key!r}"
        for key in ("reference_date", "overall", "by_language")
        if key not in figures
    ]
    if problems:
        return problems
    summaries = {
        "overall": figures["overall"],
        **{f"by_language.{code}": s for code, s in figures["by_language"].items()},
    }
    for name, summary in summaries.items():
        problems += [f"{name}: {p}" for p in summary_problems(summary)]
    return problems


def summary_problems(summary: Any) -> list[str]:
    """How one summary differs from ``benchmarks.quality.summarize``'s shape."""
    if not isinstance(summary, dict) or sorted(summary) != sorted(SUMMARY_KEYS):
        return [f"keys must be {', '.join(SUMMARY_KEYS)}"]
    problems = []
    if sorted(summary["accuracy"]) != sorted(FIELDS):
        problems.append(f"accuracy must have {', '.join(FIELDS)}")
    elif not all(0.0 <= v <= 1.0 for v in summary["accuracy"].values()):
        problems.append("accuracy values must be shares between 0 and 1")
    if sorted(summary["dates"]) != sorted(DATE_OUTCOMES):
        problems.append(f"dates must have {', '.join(DATE_OUTCOMES)}")
    elif sum(summary["dates"].values()) != summary["pages"]:
        problems.append("date outcomes must add up to the pages")
    if sorted(summary["furniture"]) != sorted(FURNITURE_KEYS):
        problems.append(f"furniture must have {', '.join(FURNITURE_KEYS)}")
    return problems
