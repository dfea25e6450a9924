"""The per-document step contract: record -> record or a Reject with a declared reason code."""

import json

import pytest

from dataset.build.corpus import NON_FATAL_REASONS
from dataset.build.filters import FILTERS
from dataset.build.process import FILTER_STEPS, READ_STEPS, read_raw
from dataset.build.steps import ExtractedDocument, declares, run_steps
from dataset.config import BuildConfig
from dataset.records import Extraction, RawDocument, Reject
from dataset.schema import reject_reasons

CONFIG = BuildConfig(min_text_chars=20, max_text_chars=200, language_score_threshold=0.5)


def extracted(text: str, language: str | None = "hy", score: float = 0.9, script="Armn"):
    raw = RawDocument("hy/լուր.txt", "cd" * 32, text)
    extraction = Extraction("Վերնագիր", text, None, None, None, language, score, script)
    return ExtractedDocument(raw, extraction)


def test_every_declared_reason_has_one_place_that_gives_it():
    per_document = [reason for step in READ_STEPS + FILTER_STEPS for reason in step.reasons]
    given = [*per_document, *sorted(NON_FATAL_REASONS), "processing_error"]
    assert len(given) == len(set(given))
    assert set(given) == set(reject_reasons())


def test_a_step_cannot_declare_a_reason_missing_from_the_schema():
    with pytest.raises(ValueError, match=r"\['not_news'\].*schemas/reject.yaml"):
        declares("too_short", "not_news")


def test_a_step_rejecting_with_an_undeclared_reason_is_a_bug():
    @declares("too_short")
    def confused(doc, config):
        return Reject(doc.raw.source_file, None, "too_long", "wrong code")

    with pytest.raises(ValueError, match=r"hy/լուր.txt: step confused .*'too_long'"):
        run_steps(extracted("Հայերեն տեքստ " * 5), [confused], CONFIG)


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        (extracted(""), "boilerplate_only"),
        (extracted("Կարճ"), "too_short"),
        (extracted("Ш" * 201, "ru", 0.9, "Cyrl"), "too_long"),
        (extracted("مرحبا بكم في الأخبار اليوم", "ar", 0.3, "Arab"), "language_uncertain"),
        (extracted("Tin tức hôm nay từ Việt Nam", None, 0.0, "Latn"), "language_uncertain"),
        (extracted("★☆★☆★☆★☆★☆★☆★☆★☆★☆★☆★☆", "vi", 0.9, None), "unknown_script"),
    ],
)
def test_the_filters_stop_at_the_first_failure_with_its_reason(doc, reason):
    reject = run_steps(doc, FILTERS, CONFIG)
    assert isinstance(reject, Reject)
    assert reject.reason == reason
    assert reject.detail.startswith("hy/լուր.txt: ")


@pytest.mark.parametrize(
    ("doc", "language"),
    [
        (extracted("Կարճ"), "hy"),
        (extracted("Ш" * 201, "ru", 0.9, "Cyrl"), "ru"),
        (extracted("مرحبا بكم في الأخبار اليوم", "ar", 0.3, "Arab"), "ar"),
        (extracted("Tin tức hôm nay từ Việt Nam", None, 0.0, "Latn"), None),
    ],
)
def test_a_reject_after_extraction_records_the_bodys_language(doc, language):
    reject = run_steps(doc, FILTERS, CONFIG)
    assert reject.language == language
    assert reject.to_row()["language"] == language


def page_without_body(text: str) -> ExtractedDocument:
    raw = RawDocument("menu.txt", "ef" * 32, text)
    return ExtractedDocument(raw, Extraction(None, "", None, None, None, None, 0.0, None))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Главная\nПолитика\nЭкономика\nВ мире\nГлавные новости дня и последние события "
            "в регионе\nПодпишитесь на наш канал, чтобы не пропустить важные новости",
            "ru",
        ),
        (
            "Trang chủ\nThời sự\nThế giới\nTin mới nhất hôm nay về tình hình khu vực\n"
            "Đăng ký nhận bản tin của chúng tôi để cập nhật những tin tức quan trọng",
            "vi",
        ),
        ("\u200b\n★ ★ ★\n12345", None),
    ],
)
def test_a_page_without_body_records_the_language_of_its_whole_text(text, language):
    reject = run_steps(page_without_body(text), FILTERS, CONFIG)
    assert reject.reason == "boilerplate_only"
    assert reject.language == language


def test_a_record_that_cannot_fill_a_required_column_is_the_last_filters_reject():
    doc = extracted("今日新闻，来自各地的报道与评论。今日新闻，来自各地。", "zh", 0.9, "Hani")
    unhashed = ExtractedDocument(RawDocument("zh/新闻.txt", None, ""), doc.extraction)
    reject = run_steps(unhashed, FILTERS, CONFIG)
    assert reject.reason == "invalid_record"
    assert reject.detail.startswith("zh/新闻.txt: required column raw_sha256 is empty")


def test_a_document_passing_every_filter_comes_out_unchanged():
    doc = extracted("Ստեփանակերտում այսօր հանդիպում է տեղի ունեցել։")
    assert run_steps(doc, FILTERS, CONFIG) is doc


def test_the_read_steps_decode_then_attach_the_source_or_reject_it(tmp_path):
    (tmp_path / "ok.txt").write_text("URL: https://example.org/a\n\nТекст новости.", "utf-8")
    (tmp_path / "bad.txt").write_text("Բարեւ", "utf-8")
    (tmp_path / "bad.json").write_text(json.dumps(["not", "an", "object"]), "utf-8")
    (tmp_path / "blank.txt").write_text(" \n\t ", "utf-8")
    config = BuildConfig(raw_dir=tmp_path, out_dir=tmp_path.parent / "out")
    ok, size = read_raw(tmp_path / "ok.txt", config)
    assert isinstance(ok, RawDocument)
    assert ok.source.url == "https://example.org/a" and ok.text.strip() == "Текст новости."
    assert size == (tmp_path / "ok.txt").stat().st_size
    bad, _ = read_raw(tmp_path / "bad.txt", config)
    assert bad.reason == "bad_source_metadata" and len(bad.raw_sha256) == 64
    assert bad.detail.startswith("bad.txt")
    blank, _ = read_raw(tmp_path / "blank.txt", config)
    assert blank.reason == "empty"
