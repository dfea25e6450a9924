"""Scraper metadata through the real CLI: sidecars and header blocks in, url/domain/scraped_at
out, bad entries as rejects or warnings, and URL-based ids that survive a corrected word."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow.parquet as pq
import pytest
from conftest import run_cli
from versions_support import EDIT_AFTER, EDIT_BEFORE, EDITED_FILE, copy_seed_corpus

from dataset.build.read import source_id

pytestmark = pytest.mark.integration

ZH, AR, VI, FR, AR2 = (
    "000_d6be7386c54635d0.txt",
    "001_d700e3aec273a0fa.txt",
    EDITED_FILE,
    "003_e861dd76286c35ca.txt",
    "004_5d190e1fc6d5d137.txt",
)
assert VI.startswith("002_")


def rows_by_source(release) -> dict[str, dict]:
    found = {}
    for path in release.glob("data/*/*.parquet"):
        for row in pq.read_table(path).to_pylist():
            found[row["source_file"]] = row
    return found


def rejects_by_source(release) -> dict[str, dict]:
    rows = pq.read_table(release / "rejects" / "rejects.parquet").to_pylist()
    return {row["source_file"]: row for row in rows}


@pytest.fixture(scope="module")
def annotated_raw(tmp_path_factory):
    """The seed corpus with scraper metadata in all three places, good and bad."""
    raw = copy_seed_corpus(tmp_path_factory.mktemp("annotated") / "raw")
    fr = raw / FR
    fr.write_text(
        "URL: https://Example.fr/monde/article-3\nScraped: 2024-08-02\n\n" + fr.read_text("utf-8"),
        encoding="utf-8",
    )
    (raw / VI.replace(".txt", ".json")).write_text(
        json.dumps({"url": "https://tin.example.vn/the-gioi/1", "scraped_at": "hôm qua"}),
        encoding="utf-8",
    )
    arabic = (raw / AR).read_text("utf-8")
    update = "\n\nوأضافت الوزارة في بيان لاحق أن المحادثات ستستأنف الأسبوع المقبل في العاصمة.\n"
    (raw / "zz_same_url.txt").write_text(arabic + update, "utf-8")  # same URL, other text
    (raw / "zz_bad_url.txt").write_text((raw / AR2).read_text("utf-8") + "\nتحديث.\n", "utf-8")
    (raw / "zz_bad_url.json").write_text(json.dumps({"url": "www.example.qa/x"}), "utf-8")
    lines = [
        {"file": ZH, "url": "https://www.Example.com/zh/a#top",
         "scraped_at": "2024-06-16T18:00+08:00"},
        {"file": AR, "url": "https://news.example.qa/ar/1", "outlet": "مثال"},
        {"file": "zz_same_url.txt", "url": "https://news.example.qa/ar/1"},
        {"file": "missing.txt", "url": "https://example.org/x"},
    ]  # fmt: skip
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    (raw / "sources.jsonl").write_text(text + "\n{broken\n", encoding="utf-8")
    return raw


@pytest.fixture(scope="module")
def annotated_release(annotated_raw, tmp_path_factory):
    out = tmp_path_factory.mktemp("annotated-release") / "release"
    result = run_cli("build", "--raw", str(annotated_raw), "--out", str(out), "--no-progress")
    return out, result.stdout


def test_metadata_becomes_url_domain_and_scraped_at(annotated_release):
    release, _ = annotated_release
    rows = rows_by_source(release)
    zh, ar, vi, fr, ar2 = (rows[name] for name in (ZH, AR, VI, FR, AR2))
    assert (zh["url"], zh["domain"]) == ("https://www.example.com/zh/a", "example.com")
    assert zh["scraped_at"] == dt.datetime(2024, 6, 16, 10, tzinfo=dt.UTC)
    assert (ar["url"], ar["domain"]) == ("https://news.example.qa/ar/1", "example.qa")
    assert (vi["url"], vi["scraped_at"]) == ("https://tin.example.vn/the-gioi/1", None)
    assert (fr["url"], fr["domain"]) == ("https://example.fr/monde/article-3", "example.fr")
    assert fr["scraped_at"] == dt.datetime(2024, 8, 2, tzinfo=dt.UTC)
    assert "example.fr" not in fr["text"] and "Scraped" not in fr["text"]
    assert (ar2["url"], ar2["domain"], ar2["scraped_at"]) == (None, None, None)
    for name, row in rows.items():
        assert row["id"] == source_id(name, row["url"]), name


def test_bad_entries_are_rejects_or_warnings_naming_the_file(annotated_release):
    release, stdout = annotated_release
    rejects = rejects_by_source(release)
    assert rejects["zz_bad_url.txt"]["reason"] == "bad_source_metadata"
    assert "url 'www.example.qa/x' in zz_bad_url.json" in rejects["zz_bad_url.txt"]["detail"]
    same = rejects["zz_same_url.txt"]
    assert same["reason"] == "duplicate_source"
    assert same["duplicate_of"] == source_id(AR, "https://news.example.qa/ar/1")
    assert same["language"] == "ar"  # the rejects record which languages were dropped
    assert rejects["zz_bad_url.txt"]["language"] is None  # rejected before extraction
    assert AR in same["detail"]
    manifest = json.loads((release / "build_manifest.json").read_text(encoding="utf-8"))
    sources = manifest["source_metadata"]
    assert sources["articles_with_url"] == 4
    listed = sources["listed_warnings"]
    assert sources["warnings"] == len(listed) == 3
    assert any(w.startswith(f"{VI}: scraped_at 'hôm qua' in ") for w in listed)
    assert any(
        w.startswith("sources.jsonl line 4: missing.txt is not a .txt document") for w in listed
    )
    assert any(w.startswith("sources.jsonl line 5: not JSON") for w in listed)
    assert "source metadata warnings: 3" in stdout
    assert manifest["counts"]["documents_in"] == 7
    assert manifest["counts"]["kept"] + manifest["counts"]["rejected"] == 7


def test_corrected_word_keeps_the_url_id_and_needs_minor(
    annotated_raw, annotated_release, tmp_path
):
    release, _ = annotated_release
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in annotated_raw.iterdir():
        (raw / path.name).write_bytes(path.read_bytes())
    text = (raw / VI).read_text(encoding="utf-8")
    (raw / VI).write_text(text.replace(EDIT_BEFORE, EDIT_AFTER), encoding="utf-8")
    out = tmp_path / "release"
    result = run_cli(
        "build", "--raw", str(raw), "--out", str(out), "--previous", str(release), "--no-progress"
    )
    diff = json.loads((out / "diff.json").read_text(encoding="utf-8"))
    vi_id = source_id(VI, "https://tin.example.vn/the-gioi/1")
    assert [m["id"] for m in diff["records"]["modified"]] == [vi_id]
    assert diff["records"]["added"] == diff["records"]["removed"] == []
    assert (diff["required_bump"], diff["reasons"]) == ("minor", ["1 record corrected"])
    assert diff["new"]["release_version"] == "0.2.0"
    assert "required bump: MINOR (1 record corrected)" in result.stdout
    assert EDIT_AFTER in rows_by_source(out)[VI]["text"]
