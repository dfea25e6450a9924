"""The per-document step contract: record -> record or a Reject with a declared reason code."""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from dataset.build.corpus import NON_FATAL_REASONS, spill_schema
from dataset.build.filters import FILTERS
from dataset.build.process import (
    DOCUMENT_STEPS,
    FILTER_STEPS,
    READ_STEPS,
    package_document,
    process_paths,
    read_raw,
    with_dedupe_keys,
)
from dataset.build.read import hash_file
from dataset.build.repeated_lines import PARAGRAPH, paragraph_records
from dataset.build.steps import (
    ExtractedDocument,
    batch_step,
    declares,
    run_batch,
    run_steps,
    trace_batch,
)
from dataset.build.write import POSITION
from dataset.config import BuildConfig
from dataset.records import Article, Extraction, RawDocument, Reject
from dataset.runtime.cache import ResultCache, cache_path, unpack_value
from dataset.schema import reject_reasons
from tests.bad_inputs import ARABIC, CHINESE, VIETNAMESE

CONFIG = BuildConfig(min_text_chars=20, max_text_chars=200, language_score_threshold=0.5)


def extracted(text: str, language: str | None = "hy", score: float = 0.9, script="Armn"):
    raw = RawDocument("hy/լուր.txt", "cd" * 32, text)
    extraction = Extraction("Վերնագիր", text, None, None, None, language, score, script)
    return ExtractedDocument(raw, extraction)


def test_the_per_document_pipeline_is_one_list_of_steps():
    assert DOCUMENT_STEPS[: len(READ_STEPS)] == READ_STEPS
    assert DOCUMENT_STEPS[-len(FILTER_STEPS) :] == FILTER_STEPS
    batch = [step.__name__ for step in DOCUMENT_STEPS if getattr(step, "batch", False)]
    assert batch == ["extract_documents", "compute_dedupe_keys"]
    assert all(hasattr(step, "reasons") for step in DOCUMENT_STEPS)


def test_every_declared_reason_has_one_place_that_gives_it():
    per_document = [reason for step in DOCUMENT_STEPS for reason in step.reasons]
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


@declares("too_short")
def require_three_words(text: str, config) -> str | Reject:
    if len(text.split()) < 3:
        return Reject(text, None, "too_short", f"{text}: under three words")
    return text


SEEN_BY_BATCH: list[list[str]] = []


@batch_step
@declares("empty")
def mark_batch(texts: list[str], config) -> list[str | Reject]:
    SEEN_BY_BATCH.append(list(texts))
    return [Reject(t, None, "empty", "blank") if not t.strip("· ") else f"[{t}]" for t in texts]


BATCH = [
    "Ստեփանակերտ այսօր հանդիպում",
    "短",
    "مرحبا بكم في الأخبار",
    "· · ·",
    "Tin tức hôm nay",
]


def test_a_batch_gives_each_record_what_it_gives_alone():
    steps = [require_three_words, mark_batch]
    alone = [run_steps(text, steps, CONFIG) for text in BATCH]
    SEEN_BY_BATCH.clear()
    together = run_batch(BATCH, steps, CONFIG)
    assert together == alone
    assert together[0] == "[Ստեփանակերտ այսօր հանդիպում]"
    assert [r.reason for r in together if isinstance(r, Reject)] == ["too_short", "empty"]
    # the batch step ran once, on the records still alive, in order
    assert [[BATCH[0], BATCH[2], BATCH[3], BATCH[4]]] == SEEN_BY_BATCH


def test_trace_pairs_a_reject_with_the_record_its_step_was_given():
    traced = trace_batch(BATCH, [require_three_words, mark_batch], CONFIG)
    assert traced[0] == ("[Ստեփանակերտ այսօր հանդիպում]",) * 2
    assert traced[1][0] == "短" and traced[1][1].reason == "too_short"
    assert traced[3][0] == "· · ·" and traced[3][1].reason == "empty"


def test_a_batch_step_must_return_one_result_per_record():
    @batch_step
    @declares()
    def drop_one(texts, config):
        return texts[1:]

    with pytest.raises(ValueError, match="drop_one returned 1 results for 2 records"):
        run_batch(["Ա Բ Գ", "ا ب ت"], [drop_one], CONFIG)


def test_a_batch_step_rejecting_with_an_undeclared_reason_is_a_bug():
    @batch_step
    @declares()
    def reject_all(texts, config):
        return [Reject(t, None, "too_long", "x") for t in texts]

    with pytest.raises(ValueError, match=r"Việt: step reject_all .*'too_long'"):
        run_batch(["Việt"], [reject_all], CONFIG)


def test_an_empty_batch_gives_nothing():
    assert run_batch([], [require_three_words, mark_batch], CONFIG) == []


ARMENIAN_PAGE = (
    "Լուրեր\n\n" + "Ստեփանակերտում այսօր հանդիպում է տեղի ունեցել քաղաքի կենտրոնում։ " * 4
)


def test_the_pipeline_reuses_cached_values_and_hands_fresh_ones_to_the_driver(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "hy.txt").write_text(ARMENIAN_PAGE, encoding="utf-8")
    (raw / "hy2.txt").write_text(ARMENIAN_PAGE + "Ավարտ։", encoding="utf-8")
    config = BuildConfig(raw_dir=raw, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache")
    config = config.with_reference_date()
    jobs = [(0, str(raw / "hy.txt")), (1, str(raw / "hy2.txt"))]
    first = process_paths(jobs, config)
    assert all(done.cached is not None for done in first)
    extraction, fingerprint, signature = unpack_value(first[0].cached)
    marked = (
        extraction.__class__(**{**extraction.__dict__, "title": "Քեշից"}),
        fingerprint,
        signature,
    )
    store = ResultCache(cache_path(config), writable=True)
    store.put_many([(hash_file(raw / "hy.txt"), marked)])
    again = process_paths(jobs, config)
    assert again[0].cached is None and again[0].outcome.to_row()["title"] == "Քեշից"
    assert again[1].cached is not None  # not in the cache: computed, handed to the driver
    assert again[0].outcome.id == first[0].outcome.id  # the id is the source identity


def processed_multilingual(tmp_path, cache_dir=None):
    """``process_paths`` over Chinese, Arabic and Vietnamese pages with short label paragraphs,
    an empty and a whitespace-only file: the config, the jobs and the results, in job order.
    The cache is on when ``cache_dir`` is given."""
    pages = {
        "zh.txt": CHINESE + "\n\n分享到微信\n\n相关新闻",
        "ar.txt": "URL: https://news.example.ae/ar/1\n\n"
        + ARABIC
        + "\n\nمشاركة عبر فيسبوك\n\nالتعليقات (4)",
        "vi.txt": VIETNAMESE + "\n\nChia sẻ bài viết\n\nBình luận (5)",
        "empty.txt": "",
        "blank.txt": " \n\n\t \n",
    }
    tmp_path.mkdir(exist_ok=True)
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    config = BuildConfig(
        raw_dir=tmp_path,
        out_dir=tmp_path.parent / "o",
        cache=cache_dir is not None,
        cache_dir=cache_dir,
    )
    config = config.with_reference_date()
    jobs = [(i, str(tmp_path / name)) for i, name in enumerate(pages)]
    return config, jobs, process_paths(jobs, config)


def test_the_worker_hands_each_article_its_paragraph_records(tmp_path):
    config, _, results = processed_multilingual(tmp_path)
    articles = [done for done in results if not isinstance(done.outcome, Reject)]
    assert [done.source_file for done in articles] == ["zh.txt", "ar.txt", "vi.txt"]
    for done in articles:
        text = done.outcome.to_row()["text"]
        assert done.paragraphs == paragraph_records(text, config.repeated_line_max_chars)
    assert all(len(done.paragraphs) >= 2 * PARAGRAPH.itemsize for done in articles)
    assert [done.paragraphs for done in results[3:]] == [b"", b""]


def test_the_worker_hands_each_article_as_its_row_of_one_batch_table(tmp_path):
    """The row equals what the driver made of the ``Article`` before (its dict in the spill's
    schema), and the compact values equal the Article's."""
    config, jobs, results = processed_multilingual(tmp_path)
    traced = trace_batch([Path(path) for _, path in jobs], DOCUMENT_STEPS, config)
    before = [
        package_document(index, Path(path), last, outcome, config)
        for (index, path), (last, outcome) in zip(jobs, traced, strict=True)
    ]
    articles = [done for done in before if isinstance(done.outcome, Article)]
    assert len(articles) == 3 and [done.outcome for done in before[3:]] == [
        done.outcome for done in results[3:]
    ]
    for old, new in zip(before[:3], results[:3], strict=True):
        article, row = old.outcome, new.outcome
        driver_row = pa.Table.from_pylist([article.to_row() | {POSITION: 0}], spill_schema())
        assert row.rows.slice(row.row, 1).equals(driver_row.drop_columns([POSITION]))
        assert (row.id, row.fingerprint, row.language, row.has_url) == (
            article.id,
            article.text_fingerprint,
            article.extraction.language,
            article.source.url is not None,
        )
        assert new.signature == old.signature and len(new.signature) == 4 * 128
    assert [done.outcome.has_url for done in results[:3]] == [False, True, False]
    assert len({id(done.outcome.rows) for done in results[:3]}) == 1  # one table, pickled once
    assert results[1].outcome.to_row()["domain"] == "example.ae"


def test_the_worker_packs_the_values_the_driver_stores_in_the_cache(tmp_path):
    config, jobs, results = processed_multilingual(tmp_path / "raw", tmp_path / "cache")
    traced = trace_batch([Path(path) for _, path in jobs], DOCUMENT_STEPS, config)
    for (last, _), done in zip(traced[:3], results[:3], strict=True):
        assert unpack_value(done.cached) == (last.extraction, last.fingerprint, last.signature)
    assert [done.cached for done in results[3:]] == [None, None]  # rejected on reading
    _, _, uncached = processed_multilingual(tmp_path / "raw")
    assert [done.cached for done in uncached] == [None] * 5


FREEZE_PROBE = """
import gc, sys
from dataset.build.process import process_paths
from dataset.config import BuildConfig
from pathlib import Path
raw = Path(sys.argv[1])
config = BuildConfig(raw_dir=raw, out_dir=raw.parent / "o", cache=False).with_reference_date()
jobs = [(i, str(p)) for i, p in enumerate(sorted(raw.glob("*.txt")))]
before = gc.get_freeze_count()
first = process_paths(jobs, config)
after_first = gc.get_freeze_count()
gc.collect()
again = process_paths(jobs, config)
rows = [[d.outcome.to_row() if hasattr(d.outcome, "to_row") else d.outcome for d in run]
        for run in (first, again)]
print(before, after_first > 10_000, gc.get_freeze_count() <= after_first, rows[0] == rows[1])
"""


def test_the_first_batch_freezes_what_the_process_loaded_and_results_do_not_change(tmp_path):
    """In a fresh interpreter (a worker): frozen once, after the first batch; same results."""
    import subprocess
    import sys

    raw = tmp_path / "raw"
    raw.mkdir()
    pages = {"zh.txt": CHINESE, "ar.txt": ARABIC, "vi.txt": VIETNAMESE, "blank.txt": " \n\t\n"}
    for name, text in pages.items():
        (raw / name).write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", FREEZE_PROBE, str(raw)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.stdout.split() == ["0", "True", "True", "True"]


def test_with_dedupe_keys_keeps_every_other_field():
    raw = RawDocument("Հայ/ملف.txt", "cd" * 32, "Tin tức 新闻")
    found = Extraction("Tiêu đề", "Tin tức 新闻", None, None, None, "vi", 0.9, "Latn")
    for doc in (ExtractedDocument(raw, found), ExtractedDocument(raw, found, from_cache=True)):
        signature = np.arange(4, dtype=np.uint32)
        keyed = with_dedupe_keys(doc, "f" * 16, signature)
        assert keyed == dataclasses.replace(
            doc, fingerprint="f" * 16, signature=signature.tobytes()
        )
