"""Title, published date and publisher rules (dataset.build.metadata)."""

from __future__ import annotations

import datetime as dt

import pytest

from dataset.build.clean import normalize_text, split_lines
from dataset.build.metadata import (
    MONTH_NUMBERS,
    clean_title,
    extract_metadata,
    find_date,
    find_masthead,
    find_title_index,
    headline_facts,
    headline_keys,
    mentioning_lines,
    order_day_month,
)

TODAY = dt.date(2025, 1, 1)
PROSE = (
    "Azerbaijan launched what it called an anti-terrorist operation in Nagorno-Karabakh, "
    "and Armenia called on the international community to act."
)


def lines_of(text: str) -> list[str]:
    return split_lines(normalize_text(text))


# ---- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "date", "raw"),
    [
        pytest.param("16 6 月, 2024", dt.date(2024, 6, 16), "16 6 月, 2024", id="zh-wordpress"),
        pytest.param("2024年8月2日 18:11", dt.date(2024, 8, 2), "2024年8月2日 18:11", id="zh-ymd"),
        pytest.param("6月 16, 2024", dt.date(2024, 6, 16), "6月 16, 2024", id="zh-wordpress-mdy"),
        pytest.param("2024년 8월 2일", dt.date(2024, 8, 2), "2024년 8월 2일", id="ko"),
        pytest.param(
            "الاثنين 28 سبتمبر 2020 الساعة 05:53",
            dt.date(2020, 9, 28),
            "الاثنين 28 سبتمبر 2020 الساعة 05:53",
            id="ar-weekday-time",
        ),
        pytest.param(
            "٢٨ سبتمبر ٢٠٢٠", dt.date(2020, 9, 28), "٢٨ سبتمبر ٢٠٢٠", id="ar-indic-digits"
        ),
        pytest.param("28 أيلول 2020", dt.date(2020, 9, 28), "28 أيلول 2020", id="ar-levantine"),
        pytest.param(
            "12 تشرين الأول 2020",
            dt.date(2020, 10, 12),
            "12 تشرين الأول 2020",
            id="ar-two-word-month",
        ),
        pytest.param(
            "Báo Quốc TếBáo Quốc Tế20/09/2023",
            dt.date(2023, 9, 20),
            "20/09/2023",
            id="glued-ddmmyyyy",
        ),
        pytest.param(
            "Publié le 02/08/2024 à 18h11",
            dt.date(2024, 8, 2),
            "02/08/2024 à 18h11",
            id="fr-publie-le",
        ),
        pytest.param("2 août 2024", dt.date(2024, 8, 2), "2 août 2024", id="fr-month-name"),
        pytest.param("1er août 2024", dt.date(2024, 8, 1), "1er août 2024", id="fr-premier"),
        pytest.param("August 2, 2024", dt.date(2024, 8, 2), "August 2, 2024", id="en-mdy"),
        pytest.param(
            "Friday, 2nd August 2024",
            dt.date(2024, 8, 2),
            "Friday, 2nd August 2024",
            id="en-weekday-ordinal",
        ),
        pytest.param("02.08.2024", dt.date(2024, 8, 2), "02.08.2024", id="dotted"),
        pytest.param("2024-08-02", dt.date(2024, 8, 2), "2024-08-02", id="iso"),
        pytest.param("08/25/2024", dt.date(2024, 8, 25), "08/25/2024", id="us-order-forced"),
        pytest.param("2 августа 2024", dt.date(2024, 8, 2), "2 августа 2024", id="ru-genitive"),
        pytest.param("2 de agosto de 2024", dt.date(2024, 8, 2), "2 de agosto de 2024", id="es"),
        pytest.param("2. August 2024", dt.date(2024, 8, 2), "2. August 2024", id="de"),
        pytest.param("2 Ağustos 2024", dt.date(2024, 8, 2), "2 Ağustos 2024", id="tr"),
        pytest.param("2 avqust 2024", dt.date(2024, 8, 2), "2 avqust 2024", id="az"),
        pytest.param("2 օգոստոսի 2024", dt.date(2024, 8, 2), "2 օգոստոսի 2024", id="hy"),
        pytest.param(
            "Thứ tư, 20/09/2023 14:30",
            dt.date(2023, 9, 20),
            "Thứ tư, 20/09/2023 14:30",
            id="vi-weekday",
        ),
        pytest.param(
            "ngày 20 tháng 9 năm 2023",
            dt.date(2023, 9, 20),
            "ngày 20 tháng 9 năm 2023",
            id="vi-words",
        ),
    ],
)
def test_find_date_parses_and_keeps_raw(line, date, raw):
    match = find_date(normalize_text(line), TODAY)
    assert match is not None
    assert (match.date, match.raw) == (date, raw)
    assert raw in normalize_text(line)


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("اليوم الثلاثاء", id="ar-today-tuesday"),
        pytest.param("hôm thứ Ba", id="vi-on-tuesday"),
        pytest.param("le 19 septembre", id="fr-no-year"),
        pytest.param("yesterday at 10:00", id="en-relative"),
        pytest.param("12 May 1987", id="before-1988"),
        pytest.param("2 August 2031", id="future"),
        pytest.param("31/02/2024", id="impossible-day"),
        pytest.param("13/13/2024", id="both-over-12"),
        pytest.param("plus de 2 000 personnes", id="number-with-space"),
        pytest.param("120.000 cư dân năm 2020", id="thousands-separator"),
        pytest.param("12 soldiers 2024", id="unknown-month-word"),
    ],
)
def test_find_date_rejects(line):
    assert find_date(line, TODAY) is None


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        pytest.param(2, 8, (2, 8), id="day-first-default"),
        pytest.param(25, 8, (25, 8), id="day-first-forced"),
        pytest.param(8, 25, (25, 8), id="month-first-forced"),
        pytest.param(13, 13, None, id="undecidable"),
    ],
)
def test_order_day_month(first, second, expected):
    assert order_day_month(first, second) == expected


def test_month_table_is_multilingual_and_unambiguous():
    for name, month in [
        ("september", 9),
        ("septembre", 9),
        ("سبتمبر", 9),
        ("сентября", 9),
        ("eylül", 9),
        ("sentyabr", 9),
        ("սեպտեմբերի", 9),
        ("أيلول", 9),
    ]:
        assert MONTH_NUMBERS[name] == month


def test_body_date_in_prose_is_not_the_publication_date():
    text = f"Headline about the offensive in Karabakh\n\nOn 19 September 2023, {PROSE}"
    meta = extract_metadata(lines_of(text), TODAY)
    assert meta.published_date is None and meta.published_date_raw is None


def test_header_date_line_wins_over_later_dates():
    text = f"Headline about the offensive in Karabakh\n20/09/2023\n\n{PROSE}\n\nUpdated: 21/09/2023"
    meta = extract_metadata(lines_of(text), TODAY)
    assert (meta.published_date, meta.published_date_raw) == (dt.date(2023, 9, 20), "20/09/2023")


@pytest.mark.parametrize(
    "headline",
    [
        pytest.param("Protests in Yerevan on 2 September 2023", id="date-at-end-of-headline"),
        pytest.param("Armenia marks 2 September 2023 anniversary of Karabakh", id="date-inside"),
    ],
)
def test_headline_with_a_date_stays_the_title(headline):
    meta = extract_metadata(lines_of(f"{headline}\n\n{PROSE}"), TODAY)
    assert meta.title == headline
    assert meta.published_date is None


@pytest.mark.parametrize(
    "furniture",
    [
        pytest.param("لمتابعتنا على تيليجرام", id="ar-follow-us"),
        pytest.param("READ 两名中国渔民被台湾海巡署追捕时溺水身亡", id="zh-read-also"),
        pytest.param("جميع الحقوق محفوظة 2020", id="ar-copyright"),
        pytest.param("2022/05/21 (mis à jour)", id="other-dateline"),
    ],
)
def test_headline_is_never_page_furniture_or_a_dateline(furniture):
    meta = extract_metadata(lines_of(f"Le Courrier\n{furniture}\n12/01/2023\n\n{PROSE}"), TODAY)
    assert meta.title is None
    headed = f"{furniture}\nHeadline about the offensive in Karabakh\n\n{PROSE}"
    assert extract_metadata(lines_of(headed), TODAY).title == (
        "Headline about the offensive in Karabakh"
    )


def test_updated_suffix_keeps_a_dateline():
    meta = extract_metadata(
        lines_of(f"Headline about Karabakh\n22/09/2023 (mis à jour)\n\n{PROSE}")
    )
    assert meta.published_date == dt.date(2023, 9, 22)
    assert 1 in meta.header_lines  # consumed: it does not stay in the body


def test_labelled_date_line_at_the_end_is_used():
    text = f"Headline about the offensive in Karabakh\n\n{PROSE}\n\nPublished: 2 August 2024"
    meta = extract_metadata(lines_of(text), TODAY)
    assert meta.published_date == dt.date(2024, 8, 2)


def test_labelled_date_falls_back_to_dateparser():
    text = f"Headline about the offensive in Karabakh\n\n{PROSE}\n\nPublished: 2024, August the 2nd"
    meta = extract_metadata(lines_of(text), TODAY)
    assert meta.published_date == dt.date(2024, 8, 2)
    assert meta.published_date_raw == "2024, August the 2nd"


# ---- titles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "title"),
    [
        pytest.param(
            "随着新战争的威胁出现,阿塞拜疆军队进攻纳戈尔诺-卡拉巴赫| 消息",
            "随着新战争的威胁出现,阿塞拜疆军队进攻纳戈尔诺-卡拉巴赫",
            id="zh-pipe-suffix",
        ),
        pytest.param(
            "أذربيجان تشن عملية عسكرية ضد القوات الأرمنية في كاراباخ | أخبار",
            "أذربيجان تشن عملية عسكرية ضد القوات الأرمنية في كاراباخ",
            id="ar-pipe-suffix",
        ),
        # A site name or marker after the headline is part of it as printed (labelling rules).
        pytest.param(
            "Azerbaijan launches offensive - Example News",
            "Azerbaijan launches offensive - Example News",
            id="en-dash-site-kept",
        ),
        pytest.param(
            "Karabakh : l'offensive reprend – Le Quotidien",
            "Karabakh : l'offensive reprend – Le Quotidien",
            id="fr-en-dash-site-kept",
        ),
        pytest.param(
            "Миротворцы контролируют Лачинский коридор – ФОТО",
            "Миротворцы контролируют Лачинский коридор – ФОТО",
            id="ru-photo-marker-kept",
        ),
        pytest.param(
            "Offensive in Karabakh | World | News",
            "Offensive in Karabakh",
            id="two-section-segments",
        ),
        pytest.param(
            "Armenia and Azerbaijan - what comes next?",
            "Armenia and Azerbaijan - what comes next?",
            id="question-kept",
        ),
        pytest.param(
            "Nagorno-Karabakh talks resume",
            "Nagorno-Karabakh talks resume",
            id="hyphen-in-name-kept",
        ),
        pytest.param(
            "Peace talks - a long road ahead",
            "Peace talks - a long road ahead",
            id="lowercase-segment-kept",
        ),
    ],
)
def test_clean_title(line, title):
    assert clean_title(line) == title


def test_repeated_header_line_is_the_title():
    text = (
        "16 6 月, 2024\n\nEddiba Sports\n\n从亚洲的Eddiba获取最新的亚洲新闻。\n\n"
        "随着新战争的威胁出现| 消息\n\n随着新战争的威胁出现| 消息\n\n"
        "埃里温谴责对亚美尼亚控制地区的“大规模侵略”,巴库承诺继续军事行动“直到最后”。"
    )
    meta = extract_metadata(lines_of(text), TODAY)
    assert meta.title == "随着新战争的威胁出现"
    assert meta.publisher == "Eddiba Sports"
    assert meta.header_lines == frozenset(range(4))


def test_breadcrumb_is_not_a_title():
    text = (
        "Home | World | Europe\n\nAzerbaijan launches offensive in Karabakh - Example News\n\n"
        f"{PROSE}"
    )
    meta = extract_metadata(lines_of(text), TODAY)
    assert meta.title == "Azerbaijan launches offensive in Karabakh - Example News"
    assert meta.header_lines == frozenset({0, 1})


def test_breaking_ticker_is_not_a_title():
    text = (
        "عاجــــل : إعلان حالة الطوارئ القصوى وذعر كبير وسط المواطنين.\n"
        "الاثنين 28 سبتمبر 2020 الساعة 05:53\n\n"
        "دعت الولايات المتحدة، مساء اليوم الأحد، أذربيجان وأرمينيا إلى وقف فوري لإطلاق النار "
        "في منطقة ناغورنو كاراباخ المتنازع عليه، واستئناف المفاوضات."
    )
    meta = extract_metadata(lines_of(text), TODAY)
    assert meta.title is None
    assert meta.header_lines == frozenset({0, 1})


def test_first_line_prose_gives_no_title():
    assert extract_metadata(lines_of(PROSE), TODAY).title is None


def test_long_question_headline_is_a_title():
    headline = (
        "Le président azerbaïdjanais pose des conditions pour l'arrêt de la campagne "
        "militaire, la Russie évacue plus de 2 000 personnes, Bakou va « lancer un coup "
        "décisif » ?"
    )
    meta = extract_metadata(lines_of(f"{headline}\n\n{PROSE}"), TODAY)
    assert meta.title == headline


def test_category_tag_after_title_is_not_title_or_publisher():
    text = f"Azerbaijan mở chiến dịch chống khủng bố ở Nagorno-Karabakh\nArmenia\n{PROSE}"
    meta = extract_metadata(lines_of(text), TODAY)
    assert meta.title == "Azerbaijan mở chiến dịch chống khủng bố ở Nagorno-Karabakh"
    assert meta.publisher is None


# ---- publisher --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name"),
    [
        pytest.param("Vietnam.vn - Nền tảng quảng bá Việt Nam", "Vietnam.vn", id="domain-tagline"),
        pytest.param("azatutyun.am", "azatutyun.am", id="bare-domain"),
        pytest.param("Eddiba Sports", "Eddiba Sports", id="name-with-site-word"),
        pytest.param(
            "Armenpress News Agency - Armenian news", "Armenpress News Agency", id="site-tagline"
        ),
        pytest.param("صحيفة الوطن", "صحيفة الوطن", id="ar-newspaper"),
        pytest.param("APA", "APA", id="acronym"),
    ],
)
def test_find_masthead(line, name):
    assert find_masthead(line) == name


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("Armenia", id="category-word"),
        pytest.param("Armenia - Azerbaijan talks resume in Brussels", id="headline-with-dash"),
        pytest.param("Al Jazeera reported heavy shelling in Stepanakert on Tuesday.", id="prose"),
    ],
)
def test_find_masthead_rejects(line):
    assert find_masthead(line) is None


def test_aggregator_masthead_is_publisher_and_byline_outlet_is_credited():
    text = (
        "Vietnam.vn - Nền tảng quảng bá Việt Nam\n\nLe président pose des conditions ?\n\n"
        f"Báo Quốc TếBáo Quốc Tế20/09/2023\n\n{PROSE}"
    )
    meta = extract_metadata(lines_of(text), TODAY)
    assert meta.publisher == "Vietnam.vn"
    assert meta.credited_outlet == "Báo Quốc Tế"
    assert meta.published_date_raw == "20/09/2023"
    assert meta.header_lines == frozenset({0, 1, 2})


def test_author_byline_is_not_a_publisher():
    text = f"Headline about the offensive in Karabakh\nBy John Smith | 2 August 2024\n\n{PROSE}"
    meta = extract_metadata(lines_of(text), TODAY)
    assert meta.publisher is None
    assert meta.published_date == dt.date(2024, 8, 2)


def test_source_credit_at_the_end_names_the_publisher():
    text = f"Headline about the offensive in Karabakh\n\n{PROSE}\n\nNguồn: VnExpress"
    assert extract_metadata(lines_of(text), TODAY).publisher == "VnExpress"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            f"Headline about the offensive in Karabakh\n\n{PROSE}\n\nSource link", id="link"
        ),
        pytest.param(
            f"Headline about the offensive in Karabakh\n\nAl Jazeera said: {PROSE}",
            id="body-mention",
        ),
    ],
)
def test_no_publisher_is_guessed(text):
    assert extract_metadata(lines_of(text), TODAY).publisher is None


def test_empty_document_has_no_metadata():
    meta = extract_metadata([], TODAY)
    assert (meta.title, meta.published_date, meta.publisher, meta.header_lines) == (
        None,
        None,
        None,
        frozenset(),
    )


# ---- rules from the real-page development set (synthetic lines) ---------------------------


@pytest.mark.parametrize(
    ("line", "date"),
    [
        pytest.param("Երեքշաբթի, 3 մարտի, 2021 թ., 09:45", dt.date(2021, 3, 3), id="hy-dateline"),
        pytest.param("5 марта 2021 г.", dt.date(2021, 3, 5), id="ru-genitive"),
        pytest.param("17 листопада 2022 р., 10:00", dt.date(2022, 11, 17), id="uk-genitive"),
        pytest.param("7 ოქტომბრის 2020", dt.date(2020, 10, 7), id="ka-genitive-case-ending"),
        pytest.param("12 დეკემბერი, 2020", dt.date(2020, 12, 12), id="ka-nominative"),
        pytest.param("Salı, 10 Kasım 2020 14:05", dt.date(2020, 11, 10), id="tr-weekday"),
        pytest.param("۱۸ اکتبر ۲۰۲۰", dt.date(2020, 10, 18), id="fa-persian-digits"),
        pytest.param("شنبه ۱۸ مهر ۱۳۹۹ - ۱۰:۲۰", dt.date(2020, 10, 9), id="fa-solar-hijri"),
        pytest.param("31 اسفند 1399", None, id="fa-solar-hijri-no-such-day"),
        pytest.param("5 Μαρτίου 2021", dt.date(2021, 3, 5), id="el-genitive"),
        pytest.param("5 मार्च 2021", dt.date(2021, 3, 5), id="hi-devanagari-month"),
        pytest.param("2021 жылғы 5 наурыз", dt.date(2021, 3, 5), id="kk-year-first"),
        pytest.param("2021년 3월 5일 오전 9:10", dt.date(2021, 3, 5), id="ko"),
        pytest.param("2021年3月5日 20時13分", dt.date(2021, 3, 5), id="ja"),
        pytest.param("05.03.2021", dt.date(2021, 3, 5), id="dd.mm.yyyy"),
    ],
)
def test_multilingual_date_forms(line, date):
    found = find_date(line, TODAY)
    assert (found.date if found else None) == date


@pytest.mark.parametrize(
    ("label_line", "date"),
    [
        pytest.param("입력 2021.03.05 09:10", dt.date(2021, 3, 5), id="ko-label"),
        pytest.param("公開日：2021年3月5日", dt.date(2021, 3, 5), id="ja-label"),
        pytest.param("发布 : 2021-3-5  来源 : 示例日报", dt.date(2021, 3, 5), id="zh-label"),
    ],
)
def test_labelled_date_lines(label_line, date):
    text = f"Ceasefire holds along the line of contact\n{label_line}\n\n{PROSE}"
    assert extract_metadata(lines_of(text), TODAY).published_date == date


def test_store_stamp_gives_the_date_and_leaves_the_headline():
    text = f" date 2021-03-05 Ceasefire holds along the line of contact\n\n{PROSE}"
    meta = extract_metadata(lines_of(text), TODAY)
    assert meta.published_date == dt.date(2021, 3, 5)
    assert meta.title == "Ceasefire holds along the line of contact"
    month_only = extract_metadata(lines_of(f" date 2021-03 Ceasefire holds\n\n{PROSE}"), TODAY)
    assert month_only.published_date is None


def test_breaking_label_is_stripped_from_a_headline():
    text = f"BREAKING: Ceasefire announced in the South Caucasus\n\n{PROSE}"
    meta = extract_metadata(lines_of(text), TODAY)
    assert meta.title == "Ceasefire announced in the South Caucasus"
    assert 0 in meta.header_lines


@pytest.mark.parametrize(
    "updated",
    [
        pytest.param("Dernière mise à jour le 03/05/2021 à 10h15", id="fr"),
        pytest.param("Last updated: 5 March 2021 10:15", id="en"),
        pytest.param("Sist oppdatert fredag, 5. mars 2021 10:15", id="nb"),
        pytest.param("Обновлено 5 марта 2021 г.", id="ru"),
    ],
)
def test_last_updated_line_is_neither_date_nor_title(updated):
    meta = extract_metadata(lines_of(f"{updated}\n\n{PROSE}"), TODAY)
    assert meta.published_date is None
    assert meta.title is None


@pytest.mark.parametrize(
    "credit",
    [
        pytest.param("(Ảnh: Reuters/VNA)", id="vi-photo-credit"),
        pytest.param("Фото: Пресс-служба правительства", id="ru-photo-credit"),
        pytest.param("两国领导人在白宫握手言和。（示例社）", id="zh-caption-with-agency"),
    ],
)
def test_credit_line_is_not_a_title(credit):
    text = f"{credit}\nLãnh đạo hai nước ký tuyên bố chung về hòa bình\n\n{PROSE}"
    meta = extract_metadata(lines_of(text), TODAY)
    assert meta.title == "Lãnh đạo hai nước ký tuyên bố chung về hòa bình"


def test_site_prefix_headline_gives_title_and_publisher():
    text = "示例网|阿塞拜疆与亚美尼亚在华盛顿签署和平协议\n\n" + (
        "阿塞拜疆总统和亚美尼亚总理周五在白宫签署了一项和平协议，结束了两国之间长达数十年的冲突。"
    )
    meta = extract_metadata(lines_of(text), TODAY)
    assert meta.title == "阿塞拜疆与亚美尼亚在华盛顿签署和平协议"
    assert meta.publisher == "示例网"


def test_short_section_label_is_not_the_title():
    text = f"Conflicts & War\n\nCeasefire holds along the line of contact\n\n{PROSE}"
    assert extract_metadata(lines_of(text), TODAY).title == (
        "Ceasefire holds along the line of contact"
    )


def test_tweet_sign_off_is_not_a_dateline():
    text = (
        "Ceasefire holds along the line of contact\n\n"
        "Talks are expected this week, an adviser wrote on social media.\n"
        "— Example Person (@example_handle) March 5, 2021\n\n"
        f"{PROSE}"
    )
    assert extract_metadata(lines_of(text), TODAY).published_date is None


@pytest.mark.parametrize(
    ("lead", "publisher"),
    [
        pytest.param(f"Stepanakert, Mar 5 (EXA).- {PROSE}", "EXA", id="dateline-credit"),
        pytest.param(f"(EXAMPLEWORLD) - {PROSE}", "EXAMPLEWORLD", id="lead-credit"),
        pytest.param(
            "Misal.az xəbər verir ki, atəşkəs rejimi bütün cəbhə xətti boyunca qüvvədədir.",
            "Misal.az",
            id="az-self-credit",
        ),
        pytest.param(
            "Ереван, 5 марта – Пример. Переговоры продолжатся на следующей неделе в Москве.",
            "Пример",
            id="ru-dateline-dash-credit",
        ),
    ],
)
def test_lead_credits_name_the_publisher(lead, publisher):
    text = f"Ceasefire holds along the line of contact\n\n{lead}\n\n{PROSE}"
    assert extract_metadata(lines_of(text), TODAY).publisher == publisher


@pytest.mark.parametrize(
    "lead",
    [
        pytest.param(f"Officials said, TASS reports. {PROSE}", id="cited-agency"),
        pytest.param(f"Ереван, 5 марта – Переговоры продолжатся. {PROSE}", id="no-name"),
        pytest.param(f"Source: Interfax (2, 3), Lenta\n\n{PROSE}", id="source-list"),
    ],
)
def test_cited_outlets_are_not_publishers(lead):
    text = f"Ceasefire holds along the line of contact\n\n{lead}"
    assert extract_metadata(lines_of(text), TODAY).publisher is None


def test_sign_off_names_the_publisher():
    text = f"Ceasefire holds along the line of contact\n\n{PROSE}\n\nEXAWIRE."
    assert extract_metadata(lines_of(text), TODAY).publisher == "EXAWIRE"


def test_language_switch_is_not_a_masthead():
    text = f"EN\n5 March 2021 - 10:15\n\nCeasefire holds along the line of contact\n\n{PROSE}"
    meta = extract_metadata(lines_of(text), TODAY)
    assert meta.publisher is None
    assert meta.published_date == dt.date(2021, 3, 5)


@pytest.mark.parametrize(
    ("byline", "date", "publisher"),
    [
        pytest.param(
            "von Erika Muster in Beispiel Zeitung vom 27.10.20",
            dt.date(2020, 10, 27),
            "Beispiel Zeitung",
            id="de-short-year-byline",
        ),
        pytest.param(
            "By Jane Doe for Example News | 5 March 2021",
            dt.date(2021, 3, 5),
            "Example News",
            id="en-byline-for-outlet",
        ),
        pytest.param("By Jane Doe | 5 March 2021", dt.date(2021, 3, 5), None, id="author-only"),
    ],
)
def test_byline_gives_date_and_outlet(byline, date, publisher):
    meta = extract_metadata(
        lines_of(f"Ceasefire holds along the line of contact\n{byline}\n\n{PROSE}"), TODAY
    )
    assert (meta.published_date, meta.publisher) == (date, publisher)


def test_two_digit_year_needs_its_label():
    assert find_date("Version 2.10.20 der Software", TODAY) is None


@pytest.mark.parametrize("label", ["VIDEO", "ФОТО", "LIVE"])
def test_media_label_is_not_a_masthead(label):
    text = f"{label}\nCeasefire holds along the line of contact\n\n{PROSE}"
    assert extract_metadata(lines_of(text), TODAY).publisher is None


# ---- headline table ---------------------------------------------------------------------------

ARMENIAN_PROSE = (
    "Կողմերը քննարկել են սահմանազատման, տրանսպորտային ուղիների բացման և գերիների վերադարձի "
    "հարցերը, և նախարարները հայտարարել են, որ բանակցությունները կշարունակվեն հաջորդ ամիս։"
)


def test_headline_keys_leave_out_excluded_list_items_and_the_last_line():
    lines = [
        "Армения и Азербайджан подписали мирное соглашение",
        "- Пункт меню раздела новости",
        "Երևանում կայացել է հանդիպում խաղաղության շուրջ",
        "阿塞拜疆与亚美尼亚签署和平协议",
        "Cuối cùng là dòng bị cắt",
    ]
    facts = headline_keys(lines, range(5), frozenset({2}), TODAY)
    assert {i: fact.key for i, fact in facts.items()} == {
        0: "армения и азербаиджан подписали мирное соглашение",
        3: "阿塞拜疆与亚美尼亚签署和平协议",
    }
    assert all(fact.alone and fact.prefer for fact in facts.values())
    assert headline_keys(lines, range(0), frozenset(), TODAY) == {}


def test_headline_facts_tell_a_repeatable_headline_from_a_short_label():
    with_stop = headline_facts("Армения и Азербайджан подписали соглашение.", TODAY)
    assert with_stop.key == "армения и азербаиджан подписали соглашение"
    assert (with_stop.alone, with_stop.prefer) == (False, True)  # only as a repeat
    label = headline_facts("Мировые новости дня", TODAY)
    assert (label.alone, label.prefer) == (False, False)
    long_line = "Հայաստանի և Ադրբեջանի արտգործնախարարները հանդիպեցին " * 3
    assert headline_facts(long_line.strip(), TODAY).prefer is False
    assert headline_facts("- Пункт меню раздела новости", TODAY) is None
    assert headline_facts("   ", TODAY) is None


def test_a_repeat_below_the_first_prose_paragraph_makes_the_headline_preferred():
    other = "Շաբաթվա իրադարձությունների ամփոփում տարածաշրջանում"
    headline = "Երևանում կայացել է հանդիպում խաղաղության շուրջ"
    lines = [other, headline, ARMENIAN_PROSE, ARMENIAN_PROSE]
    assert find_title_index(lines, frozenset(), TODAY) == 0
    lines.insert(3, headline)
    assert find_title_index(lines, frozenset(), TODAY) == 1


def test_no_headline_above_the_first_prose_paragraph_gives_none_whatever_repeats_below():
    lines = [ARMENIAN_PROSE, "Հանդիպում Երևանում", "Հանդիպում Երևանում", ARMENIAN_PROSE]
    assert find_title_index(lines, frozenset(), TODAY) is None
    assert find_title_index(["", *lines], frozenset({0}), TODAY) is None


def test_cached_date_reading_depends_on_the_reference_day_and_the_first_300_characters():
    line = "Опубликовано: 20 сентября 2024, 10:15"
    assert find_date(line, dt.date(2024, 9, 19)) is None  # after that day: impossible
    found = find_date(line, dt.date(2024, 9, 21))
    assert found.date == dt.date(2024, 9, 20) and found.raw == "20 сентября 2024, 10:15"
    assert find_date(line, dt.date(2024, 9, 19)) is None  # the cached answer is per day
    long_line = "Հրապարակված է 12.03.2023 " + "ա" * 300
    assert find_date(long_line, TODAY) == find_date(long_line[:300] + "բ" * 10, TODAY)
    assert find_date(long_line, TODAY).date == dt.date(2023, 3, 12)
    assert find_date("   ", TODAY) is None and find_date("", TODAY) is None


def test_mentioning_lines_find_the_site_word_in_any_case_above_the_end():
    lines = ["从亚洲的EXAMPLENEWS获取最新消息", "Тема дня", "Examplenews.az: xəbərlər"]
    lines.append("examplenews")
    assert mentioning_lines(lines, 3, "ExampleNews.az Media") == {0, 2}
    assert mentioning_lines(lines, 4, "examplenews") == {0, 2, 3}
    assert mentioning_lines(lines, 4, "AB News") == set()  # too short a word to tell
    assert mentioning_lines([], 0, "Ժամանակ") == set()
