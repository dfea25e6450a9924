"""Normalization and boilerplate rules (dataset.clean)."""

from __future__ import annotations

import unicodedata

import pytest

from dataset.clean import (
    BODY,
    CAPTION,
    SKIPPED,
    Paragraph,
    classify_line,
    join_body,
    label_lines,
    load_furniture_lexicon,
    looks_like_mojibake,
    match_key,
    normalize_text,
    remove_boilerplate,
    split_lines,
)
from dataset.errors import ConfigError

# ---- normalization ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("a\r\nb\rc\u2028d", "a\nb\nc\nd", id="line-endings"),
        pytest.param("e\u0301te\u0301", "été", id="nfc"),
        pytest.param("Qu\u200bel\ufeff\u200ele\x00", "Quelle", id="zero-width-and-controls"),
        pytest.param("  a \u00a0\u00a0 b\t\tc  ", "a b c", id="nbsp-and-space-runs"),
        pytest.param("\u3000亚美尼亚\u3000表示", "亚美尼亚 表示", id="ideographic-space"),
        pytest.param("l\u2019\u00e9t\u00e9 \u201cquoted\u201d", "l’été “quoted”", id="quotes-kept"),
        pytest.param("阿塞拜疆，亚美尼亚！", "阿塞拜疆，亚美尼亚！", id="fullwidth-punct-kept"),
        pytest.param("می\u200cخواهم", "می\u200cخواهم", id="zwnj-kept-persian"),
        pytest.param("The caf\u00c3\u00a9 reopened", "The café reopened", id="mojibake-latin"),
        pytest.param(
            "\u00d8\u00a7\u00d9\u201e\u00d8\u00b9\u00d8\u00b1\u00d8\u00a8\u00d9\u0160\u00d8\u00a9",
            "العربية",
            id="mojibake-arabic",
        ),
        pytest.param("Azerbaïdjan, château", "Azerbaïdjan, château", id="french-not-mojibake"),
        pytest.param("", "", id="empty"),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("text", "damaged"),
    [
        pytest.param("caf\u00c3\u00a9", True, id="two-byte-sequence"),
        pytest.param("It\u00e2\u20ac\u2122s", True, id="three-byte-sequence"),
        pytest.param("It\u00e2\u20ac? here", True, id="three-byte-lost-byte"),
        pytest.param("bad \ufffd byte", True, id="replacement-character"),
        pytest.param("l\u2019arm\u00e9\u2019A", False, id="french-apostrophe"),
        pytest.param("Karabakh\u201d v\u00e0 c\u00e1\u201d v\u00e0", False, id="vietnamese-quote"),
        pytest.param("\u0623\u0630\u0631\u0628\u064a\u062c\u0627\u0646", False, id="arabic"),
        pytest.param("", False, id="empty"),
    ],
)
def test_mojibake_gate_needs_a_whole_utf8_sequence(text, damaged):
    assert looks_like_mojibake(text) is damaged


def test_normalize_text_is_nfc_and_idempotent():
    text = normalize_text("Nga\u0300y 20 tha\u0301ng 9\r\n\r\n  Ảnh\u00a0: RT. ")
    assert unicodedata.is_normalized("NFC", text)
    assert normalize_text(text) == text


def test_normalize_text_removes_lone_surrogates():
    assert normalize_text("a\ud800b") == "ab"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a\n\n \n\u00a0\nb", ["a", "b"], id="blank-and-nbsp-lines"),
        pytest.param("", [], id="empty"),
        pytest.param(" \n\t\n", [], id="whitespace-only"),
    ],
)
def test_split_lines(text, expected):
    assert split_lines(normalize_text(text)) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        pytest.param("Comment (0)", "comment", id="counter"),
        pytest.param("Même catégorie", "meme categorie", id="accents"),
        pytest.param("قد يهمك ايضاُ", "قد يهمك ايضا", id="harakat"),
        pytest.param("عاجــــل", "عاجل", id="tatweel"),
        pytest.param("Adblock test (Why?)", "adblock test why", id="punctuation"),
    ],
)
def test_match_key(text, key):
    assert match_key(text) == key


# ---- standalone line rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        # furniture that must go
        pytest.param("|", "no_letters", id="lone-pipe"),
        pytest.param("— • —", "no_letters", id="lone-punctuation"),
        pytest.param("https://t.me/yemen2saed", "link_only", id="telegram-link"),
        pytest.param("Source", "widget", id="en-source"),
        pytest.param("Source link", "widget", id="en-source-link"),
        pytest.param("Comment (0)", "widget", id="en-comment-counter"),
        pytest.param("Leave a Comment", "widget", id="en-leave-comment"),
        pytest.param("No data", "widget", id="en-no-data"),
        pytest.param("No videos available", "widget", id="en-no-videos"),
        pytest.param("Adblock test (Why?)", "widget", id="en-adblock"),
        pytest.param("Commentaires (12)", "widget", id="fr-comments"),
        pytest.param("Bình luận (0)", "widget", id="vi-comments"),
        pytest.param("Читать далее", "widget", id="ru-read-more"),
        pytest.param("المصدر", "widget", id="ar-source"),
        pytest.param("暂无评论", "widget", id="zh-no-comments"),
        pytest.param("Yorumlar", "widget", id="tr-comments"),
        pytest.param("Şərhlər", "widget", id="az-comments"),
        pytest.param("Մեկնաբանություններ", "widget", id="hy-comments"),
        pytest.param("Même sujet", "related_header", id="fr-related"),
        pytest.param("قد يهمك ايضاُ", "related_header", id="ar-related"),
        pytest.param("相关新闻", "related_header", id="zh-related"),
        pytest.param("Tin liên quan", "related_header", id="vi-related"),
        pytest.param("Читайте также", "related_header", id="ru-related"),
        pytest.param("Lesen Sie auch", "related_header", id="de-related"),
        pytest.param(
            "READ\u00a0 两名中国渔民被台湾海巡署追捕时溺水身亡", "read_also", id="zh-READ"
        ),
        pytest.param("Read more: Armenia recalls ambassador", "read_also", id="en-read-more"),
        pytest.param("Lire aussi : Bakou ferme le corridor", "read_also", id="fr-lire-aussi"),
        pytest.param("اقرأ أيضا: أرمينيا تستدعي سفيرها", "read_also", id="ar-read-also"),
        pytest.param("Xem thêm: Nga kêu gọi ngừng bắn", "read_also", id="vi-xem-them"),
        pytest.param("لمتابعتنا على تيليجرام\u00a0", "social_follow", id="ar-follow-telegram"),
        pytest.param("Suivez-nous sur Telegram", "social_follow", id="fr-follow"),
        pytest.param("Подписывайтесь на наш канал в Telegram", "social_follow", id="ru-follow"),
        pytest.param("Join us: t.me/newsroom for updates", "social_follow", id="channel-link"),
        pytest.param("© 2024 Le Quotidien. Tous droits réservés.", "copyright", id="fr-copyright"),
        pytest.param("جميع الحقوق محفوظة 2020", "copyright", id="ar-copyright"),
        pytest.param("版权所有 © 2024 环球时报", "copyright", id="zh-copyright"),
        pytest.param("Bản quyền thuộc về Báo Quốc Tế", "copyright", id="vi-copyright"),
        pytest.param("Copyright 2023 Reuters", "copyright", id="en-copyright"),
        pytest.param("Все права защищены", "copyright", id="ru-copyright"),
        pytest.param("Share Facebook Twitter WhatsApp", "share_bar", id="en-share-bar"),
        pytest.param("Chia sẻ Facebook Zalo", "share_bar", id="vi-share-bar"),
        pytest.param("Home | World | Europe", "breadcrumb", id="en-breadcrumb"),
        pytest.param("Trang chủ › Thế giới", "breadcrumb", id="vi-breadcrumb"),
        pytest.param("Tags: Armenia, Azerbaijan, Karabakh", "label_line", id="en-tags"),
        pytest.param("责任编辑：王明", "label_line", id="zh-editor"),
        # captions (kept for language detection, excluded from text)
        pytest.param(
            "亚美尼亚人在埃里温市中心政府大楼外抗议 [Karen Minasyan/AFP]",
            CAPTION,
            id="bracket-credit",
        ),
        pytest.param(
            "Khói bốc lên từ khu vực tranh chấp Nagorno-Karabakh. Ảnh: RT.",
            CAPTION,
            id="vi-anh-credit",
        ),
        pytest.param("Lính Azerbaijan gần Shusha - Ảnh 1.", CAPTION, id="vi-numbered-photo"),
        pytest.param(
            "La campagne « antiterroriste » aggrave la situation. (Source : Turquie)",
            CAPTION,
            id="fr-source-caption",
        ),
        pytest.param(
            "Protesters in Yerevan on Tuesday. (AP Photo/Jane Doe)", CAPTION, id="ap-photo"
        ),
        pytest.param("Беженцы на границе. Фото: ТАСС", CAPTION, id="ru-photo"),
        pytest.param("Des réfugiés à Goris. © AFP", CAPTION, id="copyright"),
    ],
)
def test_classify_line_removes_furniture(line, rule):
    assert classify_line(normalize_text(line)) == rule


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(
            "The ministry cited a source close to the talks, who said Baku would not stop.",
            id="en-source-in-prose",
        ),
        pytest.param(
            "وقالت وزارة الدفاع في بيان نشرته على موقعها الإلكتروني على منصة تليغرام: "
            "“أعلنت وزارة الدفاع الأرمينية مراراً”.",
            id="ar-telegram-in-prose",
        ),
        pytest.param(
            "Selon une source diplomatique, Bakou a reçu la délégation arménienne.",
            id="fr-source-in-prose",
        ),
        pytest.param(
            "Read the full statement, the spokesman said, before the talks resumed.",
            id="en-read-verb",
        ),
        pytest.param(
            "Nga đang theo dõi sát tình hình tại Nagorno-Karabakh.", id="vi-theo-doi-prose"
        ),
        pytest.param("Armenia did not subscribe to the plan.", id="en-subscribe-prose"),
        pytest.param(
            "The agency shared the report on Telegram and Facebook after midnight.",
            id="en-share-prose",
        ),
        pytest.param("他补充说:“我们呼吁所有平民与军事目标保持安全距离。”", id="zh-colon-quote"),
        pytest.param(
            "The photo: a grim reminder of the war, said the curator in a long interview "
            "with reporters who had gathered there.",
            id="photo-word-in-prose",
        ),
        pytest.param(
            "The court ruled that the copyright claim over the footage had no merit.",
            id="en-copyright-in-prose",
        ),
        pytest.param("Tác giả giữ quyền phát hành bài viết này.", id="vi-rights-prose"),
        pytest.param("西方领导人呼吁谈判并结束敌对行动", id="zh-subheading"),
        pytest.param("الأسلحة الدقيقة", id="ar-subheading"),
        # a "Source: X" credit is the article's attribution, not furniture
        pytest.param("Nguồn: VnExpress", id="vi-source-credit"),
        pytest.param("Source: Interfax, RIA Novosti", id="en-source-credit"),
    ],
)
def test_classify_line_keeps_body(line):
    assert classify_line(normalize_text(line)) is None


# ---- context rules ----------------------------------------------------------------------------

PROSE_FR = (
    "De son côté, le secrétaire d'État a exprimé sa profonde inquiétude face à la "
    "campagne militaire et a appelé Bakou à cesser immédiatement ces actions."
)
PROSE_AR = (
    "وأشار البيان إلى أن الجانبين مدعوان إلى استخدام روابط الاتصال المباشرة القائمة "
    "بينهما لتجنب المزيد من التصعيد."
)


def test_related_list_is_removed_until_next_prose():
    lines = [
        PROSE_AR,
        "قد يهمك ايضاُ",
        "عنوان خبر آخر",
        "لمتابعتنا على تيليجرام",
        "https://t.me/channel",
        PROSE_AR + " ثانية.",
    ]
    assert label_lines(lines) == [
        BODY,
        "related_header",
        "related_teaser",
        "social_follow",
        "link_only",
        BODY,
    ]


def test_trailing_teaser_run_is_removed():
    lines = [
        PROSE_FR,
        "Regardez les hélicoptères hisser le drapeau au-dessus de la ville",
        "Errant dans les nuages de Dalat",
        "Retour à la grande forêt",
    ]
    assert label_lines(lines) == [BODY] + ["trailing_teasers"] * 3


def test_two_short_trailing_lines_are_kept():
    lines = [PROSE_FR, "Errant dans les nuages de Dalat", "Retour à la grande forêt"]
    assert label_lines(lines) == [BODY, BODY, BODY]


def test_menu_run_is_removed_anywhere():
    lines = [PROSE_FR, "Patrimoine", "Chiffre", "Entreprise", PROSE_FR + " Encore."]
    assert label_lines(lines) == [BODY, "menu", "menu", "menu", BODY]


def test_single_subheading_between_paragraphs_is_kept():
    lines = [PROSE_AR, "الدعوة إلى وقف إطلاق النار", PROSE_AR + " مرة أخرى."]
    assert label_lines(lines) == [BODY, BODY, BODY]


def test_alt_text_before_caption_is_a_caption():
    alt = "Tổng thống Azerbaijan nêu điều kiện dừng chiến dịch quân sự ở Karabakh, Quân đội"
    caption = "La campagne aggrave la situation dans la région. (Source : Turquie)"
    assert label_lines([PROSE_FR, alt, caption, PROSE_AR]) == [BODY, CAPTION, CAPTION, BODY]


def test_title_repeat_and_duplicates_are_removed():
    title = "Azerbaijan launches offensive in Karabakh"
    lines = ["Azerbaijan launches offensive in Karabakh | News", PROSE_FR, PROSE_FR]
    assert label_lines(lines, title=title) == ["title_repeat", BODY, "duplicate"]


def test_skipped_lines_are_not_relabelled():
    assert label_lines(["Header", PROSE_FR], skip={0}) == [SKIPPED, BODY]


def test_remove_boilerplate_and_join_body():
    caption = "Беженцы на границе. Фото: ТАСС"
    paragraphs = remove_boilerplate([PROSE_FR, caption, "Comment (0)", PROSE_AR])
    assert paragraphs == [
        Paragraph(PROSE_FR),
        Paragraph(caption, is_caption=True),
        Paragraph(PROSE_AR),
    ]
    assert join_body(paragraphs) == f"{PROSE_FR}\n\n{PROSE_AR}"


# ---- phrase lexicon (dataset/lexicon/furniture) -------------------------------------------------


def test_lexicon_merges_every_language_file(tmp_path):
    (tmp_path / "xx.yaml").write_text("language: xx\nwidgets: [Foo bar, Baz]\n", "utf-8")
    (tmp_path / "yy.yaml").write_text(
        "language: yy\nwidgets: [Baz, Գովազդ]\nnotices: [we use cookies]\n", "utf-8"
    )
    lexicon = load_furniture_lexicon(tmp_path)
    assert lexicon["widgets"] == ("Foo bar", "Baz", "Գովազդ")
    assert lexicon["notices"] == ("we use cookies",)
    assert lexicon["follow"] == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("language: zz\n", "'language'", id="wrong-code"),
        pytest.param("- a\n", "'language'", id="not-a-mapping"),
        pytest.param("language: xx\nwidget: [a]\n", "unknown key 'widget'", id="unknown-key"),
        pytest.param("language: xx\nwidgets: a\n", "'widgets' must be a list", id="not-a-list"),
        pytest.param("language: xx\nwidgets: ['', a]\n", "'widgets' must be", id="empty-phrase"),
        pytest.param("language: xx\nwidgets: [a\n", "not valid YAML", id="bad-yaml"),
    ],
)
def test_lexicon_errors_name_the_file_and_key(tmp_path, text, message):
    path = tmp_path / "xx.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as info:
        load_furniture_lexicon(tmp_path)
    assert str(path) in str(info.value)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
