"""Corpus-level repeated-paragraph removal (dataset/build/repeated_lines.py) on inline data."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset.build.clean import KEY_MAX, ends_sentence, has_letter, match_key
from dataset.build.repeated_lines import (
    PARAGRAPH,
    RECORD,
    LineHashSpill,
    ParagraphDrops,
    drop_corpus_repeats,
    drop_repeated_lines,
    find_repeated_lines,
    find_repeats_and_drops,
    paragraph_hash,
    paragraph_records,
)

MAX = 200
ARTICLE = (
    "Ереван и Баку договорились о прекращении огня после ночных переговоров, которые шли "
    "почти двенадцать часов подряд при посредничестве трёх министров иностранных дел. "
    "Стороны обменяются пленными до конца месяца."
)
assert len(ARTICLE) > MAX  # an article paragraph: never a candidate


def text_of(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def spill_of(tmp_path, texts: list[str]) -> LineHashSpill:
    spill = LineHashSpill(tmp_path / "lines")
    for position, text in enumerate(texts):
        spill.append(position, paragraph_records(text, MAX))
    spill.close()
    return spill


def repeated(tmp_path, texts, groups=None, active=None, line_min=3, sentence_min=5) -> set[int]:
    spill = spill_of(tmp_path, texts)
    groups = np.arange(len(texts), dtype=np.uint64) if groups is None else np.array(groups)
    active = np.ones(len(texts), dtype=bool) if active is None else np.array(active)
    found = find_repeated_lines(spill, groups, active, line_min, sentence_min)
    assert found.dtype == np.uint64 and np.all(found[:-1] < found[1:])
    return set(found.tolist())


def test_hash_ignores_case_digits_and_punctuation_but_not_words():
    assert paragraph_hash("Comments (12)") == paragraph_hash("COMMENTS: 3")
    assert paragraph_hash("Bình luận (5)") == paragraph_hash("bình luận")
    assert paragraph_hash("مشاركة") != paragraph_hash("مشاركه عبر")
    assert paragraph_hash("分享到微信") != paragraph_hash("分享到微博")


@pytest.mark.parametrize(
    "paragraph",
    [
        "Chia sẻ bài viết",
        "Поделиться новостью: " + "переговоры Армении и Азербайджана, " * 4,
        "分享到微信，" * 30,
        "ՀԱՅԱՍՏԱՆ " * 15,
    ],
)
def test_hash_is_blake2b_of_the_match_key_at_any_length_and_cache_state(paragraph):
    key = match_key.__wrapped__(paragraph).encode()
    expected = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little")
    match_key.cache_clear()
    assert paragraph_hash(paragraph) == expected
    match_key(paragraph)  # cached now, if short enough to be cached
    assert paragraph_hash(paragraph) == expected


def test_only_short_paragraphs_with_a_letter_are_candidates():
    text = text_of("Գովազդ", "2024-01-02", "x" * (MAX + 1), "Chia sẻ bài viết.")
    records = np.frombuffer(paragraph_records(text, MAX), dtype=PARAGRAPH)
    assert records["hash"].tolist() == [
        paragraph_hash("Գովազդ"),
        paragraph_hash("Chia sẻ bài viết."),
    ]
    assert records["sentence"].astype(bool).tolist() == [False, True]
    assert records["paragraph"].tolist() == [0, 3]
    assert paragraph_records("", MAX) == b""


@pytest.mark.parametrize(
    "text",
    [
        text_of("新闻 | 国际", "分享到微信", ARTICLE, "点击查看更多。"),
        text_of("مشاركة عبر فيسبوك", "أرمينيا وأذربيجان توقعان اتفاق سلام.", "التعليقات (4)"),
        text_of("Chia sẻ bài viết", "Bình luận (5)", "Quan điểm của tác giả."),
        text_of("Գովազդ " * 20, "Новости: " * 15 + "конец.", "短" * (KEY_MAX + 1)),
        "",
        "   \n\n\t\n\n ",
    ],
)
def test_packed_records_are_the_hashes_flags_and_places_of_the_candidates(text):
    paragraphs = text.split("\n\n")
    candidates = [k for k, p in enumerate(paragraphs) if len(p) <= MAX and has_letter(p)]
    packed = np.frombuffer(paragraph_records(text, MAX), dtype=PARAGRAPH)
    assert packed["paragraph"].tolist() == candidates
    assert packed["hash"].tolist() == [paragraph_hash(paragraphs[k]) for k in candidates]
    assert packed["sentence"].astype(bool).tolist() == [
        ends_sentence(paragraphs[k]) for k in candidates
    ]


def test_spill_records_are_hash_position_and_flag_of_each_appended_article(tmp_path):
    texts = [text_of("Главная | Новости", ARTICLE, "Читайте также."), "", text_of("分享到微信")]
    spill = spill_of(tmp_path, texts)
    records = np.concatenate([np.fromfile(path, dtype=RECORD) for path in spill.bucket_files()])
    expected = sorted(
        (h, position, k, s)
        for position, text in enumerate(texts)
        for h, k, s in np.frombuffer(paragraph_records(text, MAX), dtype=PARAGRAPH).tolist()
    )
    fields = (records[f].tolist() for f in ("hash", "position", "paragraph", "sentence"))
    found = sorted(zip(*fields, strict=True))
    assert found == expected and len(found) == 3
    assert [(h, k) for h, _, k, _ in found] == sorted(
        [
            (paragraph_hash("Главная | Новости"), 0),
            (paragraph_hash("Читайте также."), 2),
            (paragraph_hash("分享到微信"), 0),
        ]
    )


def test_a_label_in_three_articles_is_repeated_in_two_it_is_not(tmp_path):
    menu = "相关新闻 | 国际"
    texts = [text_of(ARTICLE + str(i), menu) for i in range(3)] + [
        text_of(ARTICLE, "Ҳамаи хабарҳо")
    ]
    found = repeated(tmp_path / "a", texts)
    assert found == {paragraph_hash(menu)}
    assert repeated(tmp_path / "b", texts[1:]) == set()


def test_near_duplicate_copies_count_once(tmp_path):
    teaser = "أرمينيا وأذربيجان توقعان اتفاق سلام"
    texts = [text_of(ARTICLE, teaser)] * 4
    assert repeated(tmp_path / "same", texts, groups=[7, 7, 7, 9]) == set()
    assert repeated(tmp_path / "distinct", texts, groups=[7, 8, 9, 9]) == {paragraph_hash(teaser)}


def test_a_sentence_needs_the_higher_count(tmp_path):
    disclaimer = "Quan điểm trong bài viết là của tác giả."
    texts = [text_of(ARTICLE, disclaimer)] * 4
    assert repeated(tmp_path / "four", texts) == set()
    assert repeated(tmp_path / "five", texts * 2) == {paragraph_hash(disclaimer)}
    assert repeated(tmp_path / "never", texts * 5, sentence_min=None) == set()


def test_a_sentence_copy_anywhere_makes_the_stricter_count_apply(tmp_path):
    texts = [text_of(ARTICLE, "Read more")] * 3 + [text_of(ARTICLE, "Read more.")]
    assert repeated(tmp_path, texts, line_min=3, sentence_min=9) == set()


def test_inactive_positions_are_not_counted(tmp_path):
    texts = [text_of(ARTICLE, "Subscribe to our Telegram channel")] * 3
    assert repeated(tmp_path, texts, active=[True, True, False]) == set()


def test_result_does_not_depend_on_arrival_order_or_buffering(tmp_path, monkeypatch):
    labels = ["Поделиться", "Vidéos", "Գլխավոր", "ニュース一覧"]
    texts = [text_of(ARTICLE, *labels[: 1 + i % 4]) for i in range(12)]
    groups = np.arange(100, 112, dtype=np.uint64)
    # Label k is in 12 - 3k articles: with line_min=4 the first three are repeated.
    forward = repeated(tmp_path / "forward", texts, groups=groups, line_min=4)
    monkeypatch.setattr("dataset.build.repeated_lines.BUFFER_RECORDS", 3)
    backward = repeated(tmp_path / "backward", texts[::-1], groups=groups[::-1], line_min=4)
    assert forward == backward == {paragraph_hash(label) for label in labels[:3]}


def test_drop_keeps_long_and_unknown_paragraphs():
    menu = "Trang chủ | Thế giới"
    long_line = "Trang chủ | Thế giới " * 20
    text = text_of(menu, ARTICLE, long_line.strip(), "Bình luận")
    found = {paragraph_hash(menu), paragraph_hash(long_line)}
    assert drop_repeated_lines(text, found, MAX, 1) == text_of(
        ARTICLE, long_line.strip(), "Bình luận"
    )
    assert drop_repeated_lines(text, set(), MAX, 1) == text
    assert drop_repeated_lines("", found, MAX, 1) == ""


def test_drop_never_leaves_less_than_the_minimum():
    text = text_of("Tags: Karabakh", "Short body line.")
    found = {paragraph_hash("Tags: Karabakh")}
    assert drop_repeated_lines(text, found, MAX, 10) == "Short body line."
    assert drop_repeated_lines(text, found, MAX, 100) == text


@pytest.mark.parametrize("text", ["   ", "\n\n\n\n", "12 345"])
def test_texts_without_candidates_record_nothing(tmp_path, text):
    assert repeated(tmp_path, [text] * 4, line_min=2, sentence_min=2) == set()


MULTILINGUAL = [
    text_of("Главная | Новости", ARTICLE, "Читайте также", "", "Главная | Новости"),
    text_of("نص المقال " + ARTICLE, "مشاركة عبر فيسبوك", "   ", "التعليقات (4)"),
    text_of("分享到微信", "国际新闻 " + ARTICLE, "分享到微信", "点击查看更多"),
    text_of("Chia sẻ bài viết", "Bình luận (5)", "Việt Nam " + ARTICLE, "\t"),
    text_of("Հայերեն " + ARTICLE, "Chia sẻ bài viết", "Читайте также"),
    "",
    "   \n\n\t\n\n ",
    text_of("", "", "分享到微信"),
    text_of("Bình luận (5)", "Chia sẻ bài viết", "Главная | Новости"),
    text_of(ARTICLE, "点击查看更多", "مشاركة عبر فيسبوك"),
]


def drops_of(tmp_path, texts, active=None) -> tuple[np.ndarray, ParagraphDrops]:
    spill = spill_of(tmp_path, texts)
    groups = np.arange(len(texts), dtype=np.uint64)
    active = np.ones(len(texts), dtype=bool) if active is None else np.array(active)
    return find_repeats_and_drops(spill, groups, active, 2, None)


def dropped_texts(texts: list[str], drops: ParagraphDrops, min_chars: int) -> list[str]:
    """The texts as the writer makes them: ``drop_corpus_repeats`` over one table of them."""
    table = pa.table({"id": [str(k) for k in range(len(texts))], "text": texts})
    rows, paragraphs = drops.of(np.arange(len(texts)))
    dropped = drop_corpus_repeats(table, rows, paragraphs, min_chars)
    assert dropped.column("id").equals(table.column("id"))
    return dropped.column("text").to_pylist()


@pytest.mark.parametrize("min_chars", [1, 40, 100, 10_000])
def test_dropping_by_index_equals_dropping_by_hash(tmp_path, min_chars):
    found, drops = drops_of(tmp_path, MULTILINGUAL)
    repeated = frozenset(found.tolist())
    assert len(repeated) >= 5
    by_index = dropped_texts(MULTILINGUAL, drops, min_chars)
    by_hash = [drop_repeated_lines(text, repeated, MAX, min_chars) for text in MULTILINGUAL]
    assert by_index == by_hash
    assert (by_index != MULTILINGUAL) == (min_chars < 10_000)


PIECES = [
    "\n",
    "\n\n",
    "\n\n\n",
    " ",
    "\t",
    "Chia sẻ",
    "分享",
    "مشاركة",
    "Читайте",
    "x" * (MAX + 1),
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(PIECES), max_size=8).map("".join), min_size=1, max_size=6),
    st.integers(1, 30),
)
def test_dropping_by_index_equals_dropping_by_hash_on_any_layout(texts, min_chars):
    """Runs of blank lines, blank and over-long paragraphs, texts with none: same texts."""
    with tempfile.TemporaryDirectory() as folder:
        found, drops = drops_of(Path(folder), texts * 2)
    repeated = frozenset(found.tolist())
    by_hash = [drop_repeated_lines(text, repeated, MAX, min_chars) for text in texts * 2]
    assert dropped_texts(texts * 2, drops, min_chars) == by_hash


def test_drops_list_each_holder_and_its_repeated_paragraphs_only(tmp_path):
    menu, share = "Главная | Новости", "分享到微信"
    texts = [
        text_of(menu, ARTICLE),
        text_of("نص المقال " + ARTICLE, share),
        text_of(ARTICLE, "Bài viết liên quan", menu),
        text_of(share, "Հայերեն " + ARTICLE),
        "",
        text_of(menu, ARTICLE[:60], share),
        text_of(ARTICLE, share, "   "),
    ]
    spill = spill_of(tmp_path, texts)
    groups = np.arange(len(texts), dtype=np.uint64)
    active = np.array([True, True, True, True, True, True, False])
    found, drops = find_repeats_and_drops(spill, groups, active, 3, None)
    assert set(found.tolist()) == {paragraph_hash(menu), paragraph_hash(share)}
    assert found.tolist() == find_repeated_lines(spill, groups, active, 3, None).tolist()
    assert drops.holders().tolist() == [0, 1, 2, 3, 5, 6]  # an inactive holder is listed too
    rows, paragraphs = drops.of(np.array([6, 4, 0, 5, 2]))
    assert list(zip(rows.tolist(), paragraphs.tolist(), strict=True)) == [
        (0, 1),
        (2, 0),
        (3, 0),
        (3, 2),
        (4, 2),
    ]
    expected = [drop_repeated_lines(t, frozenset(found.tolist()), MAX, 1) for t in texts]
    assert dropped_texts(texts, drops, 1) == expected
    assert expected[0] == ARTICLE and expected[4] == ""
    table = pa.table({"text": texts})
    assert drop_corpus_repeats(table, np.empty(0, np.int64), np.empty(0, np.uint32), 1) is table


def test_drops_are_sorted_whatever_order_the_pairs_come_in():
    drops = ParagraphDrops(np.array([5, 2, 5, 9, 2]), np.array([3, 0, 1, 4, 7], np.uint32))
    assert drops.positions.tolist() == [2, 2, 5, 5, 9]
    assert drops.paragraphs.tolist() == [0, 7, 1, 3, 4]
    rows, paragraphs = drops.of(np.array([9, 5, 3]))
    assert rows.tolist() == [0, 1, 1] and paragraphs.tolist() == [4, 1, 3]


def test_an_index_past_the_text_is_refused():
    table = pa.table({"text": [text_of("Chia sẻ", "Bình luận"), "分享"]})
    kept = drop_corpus_repeats(table, np.array([0]), np.array([1], np.uint32), 1)
    assert kept.column("text").to_pylist() == ["Chia sẻ", "分享"]
    with pytest.raises(ValueError, match="paragraph index 1 past the 1 paragraphs"):
        drop_corpus_repeats(table, np.array([0, 1]), np.array([0, 1], np.uint32), 1)
