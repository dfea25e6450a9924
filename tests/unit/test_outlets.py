"""Publisher vs credited outlet (dataset.build.metadata) and their registry normalization
(dataset.build.entities.annotate), on inline pages written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from dataset.build.clean import normalize_text, split_lines
from dataset.build.entities import annotate
from dataset.build.metadata import extract_metadata

DAY = dt.date(2026, 11, 29)


def metadata(text: str):
    return extract_metadata(split_lines(normalize_text(text)), DAY)


@pytest.mark.parametrize(
    ("page", "credited"),
    [
        # Chinese wire dateline: agency + place + date + 电, glued to the lead, no spaces
        ("阿塞拜疆与亚美尼亚外长在阿拉木图会谈\n\n"
         "新华社阿拉木图5月10日电（记者 李华）阿塞拜疆外长和亚美尼亚外长10日在阿拉木图举行会谈，"
         "双方讨论了边界划定问题。\n\n会谈持续了两天。",
         "新华社"),
        # Spanish dateline credit "(EFE).-"
        ("Armenia y Azerbaiyán reanudan las conversaciones de paz\n\n"
         "Ereván, 3 oct (EFE).- Los ministros de Exteriores de Armenia y Azerbaiyán se reunieron "
         "hoy en Ginebra para discutir el tratado de paz.\n\nLa reunión duró cuatro horas.",
         "EFE"),
        # Russian dateline with a dash credit "– РИА Новости."
        ("Пашинян и Алиев встретятся в Брюсселе\n\n"
         "БАКУ, 12 марта – РИА Новости. Президент Азербайджана Ильхам Алиев примет участие во "
         "встрече в Брюсселе, сообщила его пресс-служба.\n\nВстреча пройдёт в конце месяца.",
         "РИА Новости"),
        # Arabic "المصدر: X" line at the end of the article
        ("أذربيجان وأرمينيا تتفقان على ترسيم الحدود\n\n"
         "أعلنت أذربيجان وأرمينيا اليوم عن اتفاق مبدئي على ترسيم جزء من الحدود المشتركة بين "
         "البلدين بعد جولة جديدة من المحادثات.\n\nالمصدر: الجزيرة",
         "الجزيرة"),
    ],
    ids=["zh-wire", "es-efe", "ru-dash", "ar-source"],
)
def test_credited_outlet_from_credits_in_many_languages(page: str, credited: str) -> None:
    assert metadata(page).credited_outlet == credited


def test_the_site_naming_itself_is_the_publisher_and_its_byline_credit_the_credited_outlet():
    page = (
        "Newsportal.example - Tin tức mỗi ngày\n\n"
        "Armenia và Azerbaijan ký thỏa thuận hòa bình tại Washington\n\n"
        "Báo Thế GiớiBáo Thế Giới09/08/2025\n\n"
        "Armenia và Azerbaijan đã ký một thỏa thuận hòa bình tại Nhà Trắng, với sự chứng kiến "
        "của Tổng thống Mỹ.\n\nThỏa thuận mở ra một tuyến đường vận tải qua Armenia."
    )
    found = metadata(page)
    assert found.publisher == "Newsportal.example"
    assert found.credited_outlet == "Báo Thế Giới"


def test_a_page_that_only_credits_an_outlet_has_it_as_publisher_too():
    page = (
        "Armenia y Azerbaiyán reanudan las conversaciones\n\n"
        "Madrid, 3 oct (EFE).- Los ministros se reunieron hoy en Ginebra para discutir el tratado "
        "de paz entre ambos países.\n\nLa reunión duró cuatro horas."
    )
    found = metadata(page)
    assert found.publisher == found.credited_outlet == "EFE"


def test_outlets_mentioned_in_prose_are_no_credit():
    page = (
        "Переговоры в Брюсселе\n\nКак сообщает ТАСС, министры встретились в Брюсселе и обсудили "
        "мирный договор между двумя странами.\n\nПо данным Reuters, встреча длилась три часа."
    )
    found = metadata(page)
    assert found.credited_outlet is None and found.publisher is None


@pytest.mark.parametrize(
    ("publisher", "credited", "expected"),
    [
        # registered names normalize across scripts; the publisher's country wins
        ("新华社", None, ("Xinhua News Agency", None, "CN")),
        ("Vietnam.vn", "Báo Quốc Tế", ("Vietnam.vn", "Báo Quốc Tế", "VN")),
        ("РИА Новости", "ТАСС", ("RIA Novosti", "TASS", "RU")),
        # an unknown publisher stays as written; the country comes from the credited outlet
        ("Example Daily", "EFE", ("Example Daily", "Agencia EFE", "ES")),
        # nothing registered: as written, no country
        ("Example Daily", "Other Wire", ("Example Daily", "Other Wire", None)),
        (None, None, (None, None, None)),
    ],
)
def test_annotate_normalizes_outlets_and_fills_the_country(publisher, credited, expected):
    result = annotate(None, "", None, None, publisher, credited)
    assert (result.publisher, result.credited_outlet, result.outlet_country) == expected


def test_annotate_finds_entities_and_an_earlier_event_in_a_later_page():
    # Published a year after the offensive: the year in the text and the offensive's cue
    # words (context "armed" + an entity of the event) date it.
    text = ("Год спустя жители вспоминают, как 19 сентября 2023 года начались бои в Нагорном "
            "Карабахе и обстрелы Степанакерта.")
    result = annotate("Годовщина", text, "ru", dt.date(2024, 9, 19), None, None)
    assert [e[0] for e in result.entities] == ["place:nagorno-karabakh", "place:stepanakert"]
    assert all(e[4] >= 1 for e in result.entities)
    assert result.events == ("2023-offensive",)
    same_without_year = annotate("Годовщина", text.replace(" 2023 года", ""), "ru",
                                 dt.date(2024, 9, 19), None, None)
    assert same_without_year.events == ()


@pytest.mark.parametrize("text", ["", "   \n\t ", None])
def test_annotate_empty_and_whitespace_text(text):
    result = annotate(None, text, None, None, None, None)
    assert result.entities == () and result.events == () and result.outlet_country is None
