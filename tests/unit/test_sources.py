"""Source metadata from the scraper: sidecars, header blocks, canonical URLs, domains, times."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dataset.build.read import source_id
from dataset.build.sources import (
    canonical_url,
    describe_source,
    parse_scraped_at,
    registered_domain,
    sidecar_warnings,
    split_header,
)

ARABIC_NAME = "عربي/خبر-كاراباخ.txt"
CHINESE_NAME = "中文/纳卡新闻.txt"
ARABIC_BODY = "أعلنت أذربيجان وقف العمليات العسكرية في إقليم كاراباخ.\n"
CHINESE_BODY = "阿塞拜疆宣布在纳卡地区停火。\n"
VIETNAMESE_BODY = "Azerbaijan tuyên bố ngừng bắn ở Nagorno-Karabakh.\n"


def write(raw, name, text):
    path = raw / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_sidecar(raw, *lines):
    (raw / "sources.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def line(**entry):
    return json.dumps(entry, ensure_ascii=False)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://News.Example.AM/hy/a?id=3#top", "https://news.example.am/hy/a?id=3"),
        ("  http://example.az:80  ", "http://example.az/"),
        ("https://user:secret@example.am:8443/x", "https://example.am:8443/x"),
        ("https://пример.рф/новости", "https://xn--e1afmkfd.xn--p1ai/новости"),
        ("ftp://example.am/x", None),
        ("example.am/x", None),
        ("https://", None),
        ("https://exa mple.am/", None),
        ("", None),
        (42, None),
    ],
)
def test_canonical_url(given, expected):
    assert canonical_url(given) == expected


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://news.bbc.co.uk/x", "bbc.co.uk"),
        ("https://www.example.com.vn/tin", "example.com.vn"),
        ("https://xn--e1afmkfd.xn--p1ai/", "xn--e1afmkfd.xn--p1ai"),
        ("http://192.0.2.7/x", None),
        ("http://localhost/x", None),
        (None, None),
    ],
)
def test_registered_domain_from_the_bundled_suffix_list(url, domain):
    assert registered_domain(url) == domain


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2024-06-16T10:30:00+04:00", dt.datetime(2024, 6, 16, 6, 30, tzinfo=dt.UTC)),
        ("2024-06-16T10:30:00Z", dt.datetime(2024, 6, 16, 10, 30, tzinfo=dt.UTC)),
        ("2024-06-16 10:30", dt.datetime(2024, 6, 16, 10, 30, tzinfo=dt.UTC)),
        ("2024-06-16", dt.datetime(2024, 6, 16, tzinfo=dt.UTC)),
        ("16/06/2024", None),
        ("hôm qua", None),
        (1718533800, None),
        ("", None),
    ],
)
def test_scraped_at_is_iso_8601_in_utc(given, expected):
    assert parse_scraped_at(given) == expected


def test_header_block_is_read_and_stripped():
    text = (
        "\nURL: https://example.am/hy/lur/1\nScraped at: 2024-06-16T08:00:00Z\n\n"
        + CHINESE_BODY
        + "Source: https://example.am/quoted-later\n"
    )
    found, body = split_header(text)
    assert found == {"url": "https://example.am/hy/lur/1", "scraped_at": "2024-06-16T08:00:00Z"}
    assert body == CHINESE_BODY + "Source: https://example.am/quoted-later\n"


@pytest.mark.parametrize(
    "text",
    [
        "Source: AFP\n" + ARABIC_BODY,  # a credit, not a URL: body
        ARABIC_BODY + "URL: https://example.am/x\n",  # not at the top
        "",
        "   \n\t\n",
        "Title: " + VIETNAMESE_BODY,
    ],
    ids=["credit", "not-at-top", "empty", "whitespace", "unknown-key"],
)
def test_text_without_a_header_block_is_unchanged(text):
    assert split_header(text) == ({}, text)


def test_full_width_colon_and_case_are_accepted():
    found, body = split_header("source url： HTTPS://Example.CN/a\n" + CHINESE_BODY)
    assert found == {"url": "HTTPS://Example.CN/a"}
    assert body == CHINESE_BODY


def test_sidecar_matches_arabic_and_chinese_file_names(tmp_path):
    write(tmp_path, ARABIC_NAME, ARABIC_BODY)
    write(tmp_path, CHINESE_NAME, CHINESE_BODY)
    write_sidecar(
        tmp_path,
        line(file=ARABIC_NAME, url="https://www.Example.qa/ar/1", scraped_at="2023-09-19T12:00"),
        line(file=CHINESE_NAME, url="https://news.example.cn/zh/2", outlet="示例新闻"),
    )
    arabic = describe_source(tmp_path, ARABIC_NAME, ARABIC_BODY)
    chinese = describe_source(tmp_path, CHINESE_NAME, CHINESE_BODY)
    assert arabic.info.url == "https://www.example.qa/ar/1"
    assert arabic.info.domain == "example.qa"
    assert arabic.info.scraped_at == dt.datetime(2023, 9, 19, 12, tzinfo=dt.UTC)
    assert (chinese.info.domain, chinese.info.outlet) == ("example.cn", "示例新闻")
    assert arabic.warnings == chinese.warnings == ()
    assert sidecar_warnings(tmp_path, [ARABIC_NAME, CHINESE_NAME]) == []


def test_decomposed_sidecar_name_matches_the_composed_file_name(tmp_path):
    name = "tin/Việt.txt"
    write(tmp_path, name, VIETNAMESE_BODY)
    decomposed = name.replace("ệ", "e\u0323\u0302")
    write_sidecar(tmp_path, line(file=decomposed, url="https://example.vn/a"))
    assert describe_source(tmp_path, name, VIETNAMESE_BODY).info.url == "https://example.vn/a"


def test_bad_sidecar_lines_are_warnings_naming_the_line(tmp_path):
    write(tmp_path, "a.txt", VIETNAMESE_BODY)
    write_sidecar(
        tmp_path,
        "{not json",
        "[1, 2]",
        line(file="missing/ghost.txt", url="https://example.vn/ghost"),
        line(file="a.txt", url="https://example.vn/a"),
        line(file="a.txt", url="https://example.vn/other"),
    )
    warnings = sidecar_warnings(tmp_path, ["a.txt"])
    assert len(warnings) == 4
    assert warnings[0].startswith("sources.jsonl line 1: not JSON")
    assert warnings[1].startswith('sources.jsonl line 2: not an object with a "file"')
    assert "line 5: a.txt is already described on line 4" in warnings[2]
    assert "line 3: missing/ghost.txt is not a .txt document" in warnings[3]
    assert describe_source(tmp_path, "a.txt", VIETNAMESE_BODY).info.url == "https://example.vn/a"


def test_bad_url_rejects_the_document_naming_file_and_place(tmp_path):
    write(tmp_path, CHINESE_NAME, CHINESE_BODY)
    write_sidecar(tmp_path, line(file=CHINESE_NAME, url="news.example.cn/zh/2"))
    outcome = describe_source(tmp_path, CHINESE_NAME, CHINESE_BODY)
    assert outcome.error.startswith(f"{CHINESE_NAME}: url 'news.example.cn/zh/2' in sources.jsonl")
    assert "line 1 is not an absolute http(s) URL" in outcome.error


@pytest.mark.parametrize(
    ("content", "expected"),
    [("{broken", "is not JSON"), ('["https://example.am"]', "holds a JSON list, not an object")],
)
def test_unreadable_document_sidecar_rejects_the_document(tmp_path, content, expected):
    write(tmp_path, "hy/lur.txt", VIETNAMESE_BODY)
    (tmp_path / "hy" / "lur.json").write_text(content, encoding="utf-8")
    outcome = describe_source(tmp_path, "hy/lur.txt", VIETNAMESE_BODY)
    assert outcome.error.startswith("hy/lur.txt: hy/lur.json ")
    assert expected in outcome.error


def test_bad_timestamp_is_a_warning_and_null(tmp_path):
    write(tmp_path, "a.txt", ARABIC_BODY)
    (tmp_path / "a.json").write_text(json.dumps({"scraped_at": "أمس"}), encoding="utf-8")
    outcome = describe_source(tmp_path, "a.txt", ARABIC_BODY)
    assert outcome.error is None
    assert outcome.info.scraped_at is None
    assert outcome.warnings == (
        "a.txt: scraped_at 'أمس' in a.json is not an ISO 8601 date or time; scraped_at left "
        "null, fix it",
    )


def test_document_sidecar_wins_over_the_folder_sidecar_and_the_header(tmp_path):
    text = "URL: https://example.am/from-header\n\n" + ARABIC_BODY
    write(tmp_path, "a.txt", text)
    (tmp_path / "a.json").write_text(json.dumps({"url": "https://example.am/own"}), "utf-8")
    write_sidecar(
        tmp_path, line(file="a.txt", url="https://example.am/listed", scraped_at="2024-01-02")
    )
    outcome = describe_source(tmp_path, "a.txt", text)
    assert outcome.info.url == "https://example.am/own"
    assert outcome.info.scraped_at == dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    assert outcome.text == ARABIC_BODY
    assert len(outcome.warnings) == 2
    assert all("differs from 'https://example.am/own' in a.json" in w for w in outcome.warnings)


def test_no_metadata_gives_nulls_and_the_path_id(tmp_path):
    write(tmp_path, "a.txt", CHINESE_BODY)
    outcome = describe_source(tmp_path, "a.txt", CHINESE_BODY)
    assert (outcome.info.url, outcome.info.domain, outcome.info.scraped_at) == (None, None, None)
    assert outcome.text == CHINESE_BODY
    assert source_id("a.txt", outcome.info.url) == source_id("a.txt")
