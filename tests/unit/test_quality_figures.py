"""The card's extraction-quality figures: the stored file has the benchmark's shape."""

from __future__ import annotations

import copy
import datetime as dt
from types import SimpleNamespace

import pytest

from benchmarks.quality import LineCounts, PageScore, report, stored_figures, write_figures
from dataset.release.prose import render
from dataset.release.quality_figures import (
    FIGURES_FILE,
    figures_problems,
    format_row,
    quality_facts,
    read_stored_figures,
)

REFERENCE = dt.date(2026, 11, 29)


def page(language: str, correct: bool, date: str, lines: tuple[int, int, int]) -> PageScore:
    fields = {"language": True, "title": correct, "publisher": correct, "published_date": True}
    return PageScore(f"{language}.txt", language, fields, date, LineCounts(*lines))


def measured() -> dict:
    """Figures as the benchmark writes them, from inline page scores (no build)."""
    pages = [
        page("hy", True, "found", (3, 0, 1)),
        page("zh", False, "null", (2, 1, 0)),
        page("zh", True, "null", (0, 0, 2)),
    ]
    return stored_figures(report(pages), REFERENCE)


def shape(value):
    """The nested key structure of a JSON value (leaves: their type)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    return "number" if isinstance(value, int | float) else type(value).__name__


def test_the_stored_figures_have_the_benchmarks_shape():
    stored = read_stored_figures(FIGURES_FILE)
    assert stored is not None, f"{FIGURES_FILE} is missing: run benchmarks.quality --write"
    assert figures_problems(stored) == []
    reference = shape(measured()["overall"])
    assert shape(stored["overall"]) == reference
    assert all(shape(s) == reference for s in stored["by_language"].values())
    assert stored["overall"]["pages"] == sum(s["pages"] for s in stored["by_language"].values())
    furniture = stored["overall"]["furniture"]
    assert furniture["tp"] == sum(s["furniture"]["tp"] for s in stored["by_language"].values())


def quality_section(figures: dict | None) -> str:
    release = SimpleNamespace(extraction_quality=quality_facts(figures))
    return render("card/extraction_quality.md.j2", release=release)


def test_section_shows_overall_and_every_language():
    figures = measured()
    section = quality_section(figures)
    assert section.startswith("## Extraction quality")
    assert format_row("**all**", figures["overall"]) in section
    assert "| hy | 1 | 100% | 100% | 1/1 found, 0 wrong | 100% | 1.00 | 0.75 | 0.86 |" in section
    assert "| zh | 2 | 100% | 50% | 0/0 found, 0 wrong | 50% | 0.67 | 0.50 | 0.57 |" in section
    assert "precision 0.83, recall 0.62" in section
    assert "No figures" in quality_section(None)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda f: f.pop("reference_date"), "missing key 'reference_date'"),
        (lambda f: f["overall"].pop("dates"), "overall: keys must be"),
        (
            lambda f: f["by_language"]["zh"]["accuracy"].update(title=1.5),
            "by_language.zh: accuracy",
        ),
        (lambda f: f["overall"]["dates"].update(found=9), "overall: date outcomes must add up"),
        (lambda f: f["overall"]["furniture"].pop("f1"), "overall: furniture must have"),
    ],
)
def test_a_malformed_figures_file_is_named_and_never_written(tmp_path, change, expected):
    figures = copy.deepcopy(measured())
    change(figures)
    assert any(expected in problem for problem in figures_problems(figures))
    target = tmp_path / "figures.json"
    with pytest.raises(SystemExit, match="figures not written"):
        write_figures(figures, target)
    assert not target.exists()


def test_written_figures_load_back(tmp_path):
    target = tmp_path / "figures.json"
    write_figures(measured(), target)
    assert read_stored_figures(target) == measured()
    assert read_stored_figures(tmp_path / "absent.json") is None
    assert figures_problems([1, 2]) == ["the figures are not a JSON object"]
