"""parse_document: the whole per-document stage on small inline documents."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset.build.document import parse_document
from dataset.records import Extraction

FR_DOC = (
    "Le Courrier - Actualités internationales\r\n\r\n"
    "Karabakh : Bakou pose ses conditions | Monde\r\n"
    "Publié le 02/08/2024 à 18h11\r\n\r\n"
    "Le 20 septembre, des unités azerbaïdjanaises ont attaqué des positions arméniennes au "
    "Haut-Karabakh, selon une source proche du ministère.\r\n"
    "Tổng thống Azerbaijan nêu điều kiện dừng chiến dịch quân sự ở Karabakh, quân đội tấn công\r\n"
    "La campagne aggrave la situation dans la région. (Source : Turquie)\r\n"
    "Le ministère a publié le communiqué sur sa chaîne Telegram, sans donner de bilan chiffré "
    "des victimes.\r\n\r\n"
    "Partager\r\nComment (0)\r\nMême sujet\r\nRetour à la grande forêt\r\nSa Mu précaire\r\n"
)


def test_inline_french_document():
    ex = parse_document(FR_DOC)
    assert ex.title == "Karabakh : Bakou pose ses conditions"
    assert (ex.published_date, ex.published_date_raw) == (dt.date(2024, 8, 2), "02/08/2024 à 18h11")
    assert ex.publisher == "Le Courrier"
    # the Vietnamese line is a caption: removed from the text, so not an other language
    assert (ex.language, ex.script, ex.other_languages) == ("fr", "Latn", ())
    assert ex.text.split("\n\n") == [
        "Le 20 septembre, des unités azerbaïdjanaises ont attaqué des positions arméniennes au "
        "Haut-Karabakh, selon une source proche du ministère.",
        "Le ministère a publié le communiqué sur sa chaîne Telegram, sans donner de bilan chiffré "
        "des victimes.",
    ]


def test_other_languages_describe_the_released_text():
    vietnamese = (
        "Theo Bộ Quốc phòng, quân đội Azerbaijan đã tấn công các vị trí ở Karabakh và yêu cầu "
        "lực lượng Armenia rút khỏi khu vực ngay lập tức."
    )
    cyrillic = "Москва призвала стороны немедленно прекратить огонь и вернуться к переговорам."
    doc = FR_DOC.replace("victimes.\r\n", f"victimes.\r\n{vietnamese}\r\n{cyrillic}\r\n")
    ex = parse_document(doc)
    assert vietnamese in ex.text and cyrillic in ex.text
    assert "Tổng thống" not in ex.text  # the caption is still removed
    assert (ex.language, ex.other_languages) == ("fr", ("ru", "vi"))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param(" \n\t\r\n\u00a0\u3000\n", id="whitespace-only"),
        pytest.param("|\n—\n• • •\n12345", id="punctuation-only"),
        pytest.param("Source link\nLeave a Comment\nhttps://t.me/channel", id="furniture-only"),
    ],
)
def test_nothing_left_gives_empty_extraction(text):
    ex = parse_document(text)
    assert ex.text == ""
    assert (ex.language, ex.script, ex.language_score, ex.other_languages) == (None, None, 0.0, ())


def test_binary_looking_junk_does_not_raise():
    junk = bytes(range(256)).decode("latin-1") * 20 + "\ud800\udfff\x00\x1b[31m"
    assert isinstance(parse_document(junk), Extraction)


def test_one_megabyte_single_line():
    line = "Azerbaijan launched an offensive in Nagorno-Karabakh and Armenia protested. " * 14000
    ex = parse_document(line[:1_000_000])
    assert ex.language == "en"
    assert len(ex.text) > 900_000


def test_reference_date_bounds_the_published_date():
    day = dt.date(2024, 8, 2)
    assert parse_document(FR_DOC, day).published_date == day
    before = parse_document(FR_DOC, day - dt.timedelta(days=1))
    assert (before.published_date, before.published_date_raw) == (None, None)


def test_parse_document_is_deterministic():
    assert parse_document(FR_DOC) == parse_document(FR_DOC)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_any_string(text):
    ex = parse_document(text)
    assert isinstance(ex, Extraction)
    assert 0.0 <= ex.language_score <= 1.0
    assert (ex.language is None) == (ex.text == "")
    assert ex.published_date_raw is None or ex.published_date is not None


def test_a_batch_parses_like_its_documents_one_at_a_time():
    from dataset.build.document import parse_documents
    from dataset.paths import SEED_DIR

    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEED_DIR.glob("*.txt"))]
    texts = [*seeds, FR_DOC, "", " \n\t ", "قصف مدفعي على ستيباناكيرت\n" * 3, "巴库。\n" * 40]
    day = dt.date(2026, 1, 1)
    single = [parse_document(text, day) for text in texts]
    assert parse_documents(texts, day) == single
    assert parse_documents(texts[::-1], day) == single[::-1]
    assert parse_documents([], day) == []
