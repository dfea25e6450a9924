"""Scoring functions of the real-page quality benchmark (benchmarks/quality.py)."""

from __future__ import annotations

import datetime as dt

from benchmarks.quality import (
    LineCounts,
    Prediction,
    kept_from_text,
    map_raw_lines,
    metadata_lines,
    score_date,
    score_exact,
    score_lines,
    score_page,
    summarize,
)

TODAY = dt.date(2025, 1, 1)


def test_exact_match_ignores_nfc_and_surrounding_space_only():
    decomposed = "Tie\u0302\u0301u đề"  # "Tiếu đề" with combining marks
    assert score_exact("Tiếu đề", f"  {decomposed} ")
    assert score_exact(None, None)
    assert score_exact(None, "  ")
    assert not score_exact(None, "Ереван")  # a null gold must give null
    assert not score_exact("Ереван", None)
    assert not score_exact("Ереван сегодня", "Ереван  сегодня")


def test_date_outcomes():
    assert score_date("2020-12-12", "2020-12-12") == "found"
    assert score_date("2020-12-12", None) == "missed"
    assert score_date("2020-12-12", "2020-12-11") == "wrong"
    assert score_date(None, "2020-12-11") == "spurious"
    assert score_date(None, None) == "null"


def test_line_scores_count_only_scored_lines():
    counts = score_lines(gold=[1, 3, 9], predicted=[3, 4, 7], scored=[1, 3, 4, 5])
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 1)
    assert counts.scores() == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert LineCounts().scores()["f1"] == 1.0  # nothing to find, nothing found


def test_raw_lines_map_to_non_blank_normalized_lines():
    raw = "Главная\n\n  \nԵրևան, 12.12.2020\u200b\nتیتر"
    assert map_raw_lines(raw) == {1: 0, 4: 1, 5: 2}


def test_kept_lines_follow_released_paragraphs_in_order():
    lines = ["Menu", "标题", "第一段。", "Menu", "第二段。"]
    assert kept_from_text(lines, "第一段。\n\n第二段。") == {2, 4}
    assert kept_from_text(lines, "") == set()
    assert kept_from_text(lines, "第二段。\n\n第一段。") is None  # not in order: unmappable


def test_metadata_lines_are_not_furniture():
    lines = [
        "Trang chủ",
        "Báo Mẫu Online",
        "Tiêu đề bài viết thử",
        "20/09/2023",
        "Tiêu đề bài viết thử",
    ]
    removed = {0, 1, 2, 3, 4}
    # the masthead, the first title line and the date line; the repeated title stays furniture
    assert metadata_lines(lines, removed, "Tiêu đề bài viết thử", "20/09/2023") == {1, 2, 3}


def test_score_page_and_summary():
    raw = "Home | News | World\nAzərbaycan xəbəri burada yazılıb\n\nBirinci abzas mətni.\nShare"
    gold = {
        "file": "x.txt",
        "language": "az",
        "title": "Azərbaycan xəbəri burada yazılıb",
        "published_date": None,
        "publisher": None,
        "boilerplate_lines": [1, 5],
    }
    prediction = Prediction(
        language="az",
        title="Azərbaycan xəbəri burada yazılıb",
        published_date="2020-01-02",
        published_date_raw=None,
        publisher=None,
        text="Birinci abzas mətni.\n\nShare",
    )
    page = score_page(gold, raw, prediction, TODAY)
    assert page.fields == {
        "language": True,
        "title": True,
        "publisher": True,
        "published_date": False,
    }
    assert page.date_outcome == "spurious"
    assert (page.lines.tp, page.lines.fp, page.lines.fn) == (1, 0, 1)
    summary = summarize([page])
    assert summary["accuracy"]["title"] == 1.0
    assert summary["dates"]["spurious"] == 1
    assert summary["furniture"]["recall"] == 0.5
