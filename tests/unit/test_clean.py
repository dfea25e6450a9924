"""Normalization and boilerplate rules (dataset.build.clean)."""

from __future__ import annotations

import re
import unicodedata

import pytest

from dataset.build.clean import (
    BODY,
    CAPTION,
    SKIPPED,
    STOPLISTS,
    STOPWORDS_LOW,
    Paragraph,
    StopwordDensity,
    alternation,
    choose_stoplist,
    classify_line,
    ends_sentence,
    join_body,
    label_lines,
    load_furniture_lexicon,
    looks_like_mojibake,
    match_key,
    normalize_text,
    remove_boilerplate,
    split_lines,
    stopword_density,
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
        pytest.param(
            '<image>data:image/png;base64,AAAA" alt="Колонна беженцев', "markup", id="image-tag"
        ),
        pytest.param("strong>", "markup", id="tag-fragment"),
        pytest.param('"</figure>', "markup", id="closing-tag"),
        pytest.param("<br/> <hr>", "markup", id="tags-only"),
        pytest.param("12 + seven =", "captcha", id="math-captcha"),
        pytest.param("#Мир #Переговоры", "hashtags", id="ru-hashtags"),
        pytest.param("300 x 250", "ad_slot", id="ad-size"),
        pytest.param("en_US", "markup", id="locale-code"),
        pytest.param("News ID: 98765", "news_id", id="en-news-id"),
        pytest.param("Haber kodu: 120934", "news_id", id="tr-news-id"),
        pytest.param("کد خبر: ۷۷۱۲۰", "news_id", id="fa-news-id-persian-digits"),
        pytest.param(
            "We use cookies to improve your experience. Accept", "notice", id="en-cookies"
        ),
        pytest.param(
            "Мы используем файлы cookie. Продолжая пользоваться сайтом, вы соглашаетесь.",
            "notice",
            id="ru-cookies",
        ),
        pytest.param("Please enable JavaScript to view this page.", "notice", id="en-javascript"),
        pytest.param("Your email address will not be published.", "notice", id="en-comment-form"),
        pytest.param(
            "Denne artikkelen er over ett år gammel.", "notice", id="nb-old-article-notice"
        ),
        pytest.param("სარეკლამო ადგილი - 3", "widget", id="ka-ad-slot"),
        pytest.param("פרסומת", "widget", id="he-ad"),
        pytest.param("विज्ञापन", "widget", id="hi-ad"),
        pytest.param("광고", "widget", id="ko-ad"),
        pytest.param("広告", "widget", id="ja-ad"),
        pytest.param("Жарнама", "widget", id="kk-ad"),
        pytest.param("Reklam", "widget", id="tr-ad"),
        pytest.param("Skip to main content", "widget", id="en-skip-link"),
        pytest.param("Последние новости", "related_header", id="ru-latest-news"),
        pytest.param("Son yazılar:", "related_header", id="az-recent-posts"),
        pytest.param("Կարդացեք նաև Երևանում բացվել է նոր թանգարան", "read_also", id="hy-read-also"),
        pytest.param("यह भी पढ़ें: दिल्ली में नई बस सेवा", "read_also", id="hi-read-also"),
        pytest.param("Lees ook: Nieuwe brug geopend in Gent", "read_also", id="nl-read-also"),
        pytest.param("轉載請註明出處，不得轉載", "copyright", id="zh-hant-no-reprint"),
        pytest.param("無断転載を禁じます", "copyright", id="ja-no-reprint"),
        pytest.param("ყველა უფლება დაცულია 2024", "copyright", id="ka-copyright"),
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
        pytest.param("Беженцы у границы. Фото: Пресс.Служба", CAPTION, id="ru-dotted-credit"),
        pytest.param("ფოტო: არქივი", CAPTION, id="ka-photo-label"),
        pytest.param("Photo by Jane Doe", CAPTION, id="en-photo-by"),
        pytest.param("Image from Example News", CAPTION, id="en-image-from"),
        pytest.param("서울 도심에서 열린 집회 모습. 사진=뉴스통신", CAPTION, id="ko-credit"),
        pytest.param(
            "서울 도심에서 열린 집회 모습. 사진=뉴스통신/공동취재단이미지 확대보기",
            CAPTION,
            id="ko-credit-enlarge-button",
        ),
        pytest.param(
            "©JANE DOE/AGENCY - Refugees walk along the road near the border " * 6,
            CAPTION,
            id="leading-credit-any-length",
        ),
        pytest.param("Митинг в столице（来源：新华社）", CAPTION, id="fullwidth-source-caption"),
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
        pytest.param("Если 3 < 5, то условие выполнено, сказал он журналистам.", id="lt-in-prose"),
        pytest.param("#1 в рейтинге оказался Ереван, сообщили организаторы.", id="hash-in-prose"),
        pytest.param("Цена составила 2 + 2 = 4 рубля за штуку.", id="equation-in-prose"),
        pytest.param("Photos from the front line reached the newsroom late.", id="photos-in-prose"),
        pytest.param(
            "The regulator fined the company because, it said, 'we use cookies' was not a valid "
            "consent notice under the law, and it ordered the firm to rewrite the banner, to "
            "stop tracking visitors without their consent and to report back to the authority "
            "within three months, in a ruling that lawyers said would shape the whole sector.",
            id="en-cookie-notice-quoted-in-long-prose",
        ),
        pytest.param("Новости ID-карт: что изменится с 2025 года", id="news-id-word-in-headline"),
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


def test_short_lines_after_a_footer_are_teasers():
    prose = "双方代表在会谈后表示，他们同意在下个月继续就边界问题举行谈判。"
    lines = [prose, "未经授权，不得转载。", "1、边境口岸重新开放的消息"]
    assert label_lines(lines) == [BODY, "copyright", "trailing_teasers"]
    lines = [PROSE_FR, "Nous utilisons des cookies. Accepter", "Errant dans les nuages"]
    assert label_lines(lines) == [BODY, "notice", "trailing_teasers"]


def test_last_short_line_before_a_footer_is_kept():
    lines = [PROSE_FR, "Errant dans les nuages de Dalat", "© 2024 Le Quotidien"]
    assert label_lines(lines) == [BODY, BODY, "copyright"]


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


def test_image_placeholder_caption_follows_it():
    lines = [
        PROSE_FR,
        '<image>data:image/jpeg;base64,AAAA" alt=""</image>',
        "Колонна на дороге",
        PROSE_AR,
    ]
    assert label_lines(lines) == [BODY, "markup", CAPTION, BODY]


@pytest.mark.parametrize(
    ("alt", "caption"),
    [
        pytest.param(
            "Беженцы у пункта пропуска на границе",
            "Беженцы у пункта пропуска на границе AP / Иван Петров",
            id="ru-alt-then-credit",
        ),
        pytest.param(
            "Փախստականները սահմանային անցակետում",
            "Փախստականները սահմանային անցակետում - 2023 GETTY IMAGES",
            id="hy-alt-then-credit",
        ),
        pytest.param(
            "국경 검문소 앞에 모인 피란민들의 모습 사진=통신사이미지 확대보기",
            "국경 검문소 앞에 모인 피란민들의 모습 사진=통신사",
            id="ko-caption-then-shorter",
        ),
    ],
)
def test_alt_text_and_its_credited_copy_are_captions(alt, caption):
    assert label_lines([PROSE_FR, alt, caption, PROSE_AR]) == [BODY, CAPTION, CAPTION, BODY]


def test_a_paragraph_and_a_longer_sentence_after_it_are_not_a_caption_pair():
    first = "Переговоры продолжатся в пятницу в Москве"
    second = first + ", сообщил представитель министерства, и стороны подпишут документ."
    assert label_lines([PROSE_FR, first, second, PROSE_AR]) == [BODY] * 4


def test_menu_entries_must_differ_and_be_words():
    byline = ["Анна Петрова", "Анна Петрова", "Видео"]
    assert label_lines([PROSE_FR, *byline, PROSE_AR]) == [BODY, BODY, "duplicate", BODY, BODY]
    stamps = ["2016-04-05T20:13+0900", "2016-04-06T08:00+0900", "Видео"]
    assert label_lines([PROSE_FR, *stamps, PROSE_AR]) == [BODY] * 5


def test_empty_and_whitespace_only_lines_have_no_letters():
    assert label_lines(["", " ", "\u3000"]) == ["no_letters"] * 3
    assert label_lines([]) == []


@pytest.mark.parametrize(
    ("title", "line", "label"),
    [
        pytest.param(
            "Հայաստանը և Ադրբեջանը ստորագրեցին հռչակագիր",
            "Հայաստանը և Ադրբեջանը ստորագրեցին հռչակագիր",
            "title_repeat",
            id="hy-first-body-line-repeats-headline",
        ),
        pytest.param(
            "Армения и Азербайджан подписали декларацию",
            "Армения и Азербайджан подписали декларацию | Новости дня",
            "title_repeat",
            id="ru-repeat-with-site-suffix",
        ),
        pytest.param(
            "Is a peace deal near?",
            "Is a peace deal near?",
            "title_repeat",
            id="en-question-headline-repeated",
        ),
        pytest.param(
            "Армения и Азербайджан подписали декларацию",
            "Армения и Азербайджан подписали декларацию.",
            BODY,
            id="ru-lead-sentence-word-for-word",
        ),
        pytest.param(
            "Is a peace deal near?",
            "Is a peace deal near? Diplomats doubt it after the talks stalled.",
            BODY,
            id="en-lead-opening-with-headline",
        ),
        pytest.param(
            "Армения и Азербайджан подписали декларацию",
            "Лидеры двух стран в пятницу подписали в Вашингтоне совместную декларацию.",
            BODY,
            id="ru-lead-in-own-words",
        ),
    ],
)
def test_headline_copy_goes_and_lead_sentence_stays(title, line, label):
    assert label_lines([title, line, PROSE_FR], skip={0}, title=title) == [SKIPPED, label, BODY]


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


def test_an_empty_phrase_table_matches_nothing():
    assert re.compile(alternation([])).search("any line at all") is None
    assert re.compile(alternation(["tag", "tags"])).match("tags: x").group() == "tags"


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


# ---- stop-word density (jusText's lists) ------------------------------------------------------

SCRIPT_PROSE = {
    "Russian": "Он сказал, что это было не так и что они будут на месте уже в этом году.",
    "Armenian": "Նա ասաց, որ այդ որոշումը կայացվել է այն բանից հետո, երբ նրանք վերադարձան տուն։",
    "Georgian": "მან თქვა, რომ ეს გადაწყვეტილება მიიღეს მას შემდეგ, რაც ისინი სახლში დაბრუნდნენ.",
    "Hebrew": "הוא אמר כי ההחלטה התקבלה לאחר שהם חזרו הביתה, וכי הם לא יעשו את זה שוב.",
    "Hindi": "उन्होंने कहा कि यह फैसला उनके घर लौटने के बाद लिया गया और वे इसे फिर से नहीं करेंगे।",
    "Korean": "그는 이 결정이 그들이 집으로 돌아온 후에 내려졌다고 말했다. "
    "그러나 이는 사실이 아니다.",
    "Turkish": "Bakanlık, bu kararın da bir süre önce alındığını ve bu konuda daha fazla bilgi "
    "verileceğini söyledi.",
    "Azerbaijani": "Nazirlik bildirib ki, bu qərar bir müddət əvvəl qəbul edilib və bu barədə "
    "əlavə məlumat veriləcək.",
}
# A gallery label in each language: a word no stop list holds.
SCRIPT_LABEL = {
    "Russian": "Видеосюжет",
    "Armenian": "Տեսանյութ",
    "Georgian": "ვიდეოსიუჟეტი",
    "Hebrew": "וידאו-קליפ",
    "Hindi": "वीडियोगैलरी",
    "Korean": "포토갤러리",
    "Turkish": "Fotogaleri",
    "Azerbaijani": "Fotoqalereya",
}


@pytest.mark.parametrize("language", sorted(SCRIPT_PROSE))
def test_document_language_picks_its_stop_list_and_prose_is_dense(language):
    prose = SCRIPT_PROSE[language]
    stoplist = choose_stoplist([prose])
    assert stoplist is STOPLISTS[language]
    assert stopword_density(prose, stoplist) >= STOPWORDS_LOW
    assert stopword_density(SCRIPT_LABEL[language], stoplist) < STOPWORDS_LOW


def test_kana_lines_are_measured_by_their_hiragana_share():
    prose = "彼はその決定が彼らが家に帰った後に下されたと話した。"
    assert choose_stoplist([prose]) is None
    assert stopword_density(prose, None) >= STOPWORDS_LOW
    assert stopword_density("スポーツ", None) == 0.0
    assert stopword_density("国际政治", None) is None  # Chinese: unknown, never judged


def test_han_lines_are_never_measured_by_a_word_list():
    english = STOPLISTS["English"]
    assert stopword_density("国际政治与外交关系的最新进展", english) is None
    assert stopword_density("彼はその決定が彼らが家に帰った後に下されたと話した。", english) > 0.3


def test_stopword_density_of_empty_and_whitespace_lines_is_unknown():
    assert stopword_density("", STOPLISTS["English"]) is None
    assert stopword_density("   ", STOPLISTS["English"]) is None
    assert choose_stoplist([]) is None
    assert choose_stoplist(["", " "]) is None


@pytest.mark.parametrize("language", sorted(SCRIPT_PROSE))
def test_short_low_density_line_between_furniture_is_furniture(language):
    prose, label = SCRIPT_PROSE[language], SCRIPT_LABEL[language]
    lines = [prose, "Advertisement", label, "Share Facebook Twitter", prose + " " + prose]
    assert label_lines(lines) == [BODY, "widget", "context", "share_bar", BODY]


@pytest.mark.parametrize("language", sorted(SCRIPT_PROSE))
def test_short_dense_line_between_furniture_is_kept(language):
    prose = SCRIPT_PROSE[language]
    short = prose[:60].rstrip(" ,.")
    assert StopwordDensity([prose])(short) >= STOPWORDS_LOW
    lines = [prose, "Advertisement", short, "Share Facebook Twitter", prose + " " + prose]
    assert label_lines(lines)[2] == BODY


def test_unknown_density_line_between_furniture_is_kept():
    prose = "双方代表在会谈后表示，他们同意在下个月继续就边界问题举行谈判。"
    lines = [prose, "广告", "国际政治与外交关系的最新进展报道", "分享", prose]
    assert label_lines(lines)[2] == BODY


def test_line_between_copies_of_the_headline_is_kept():
    title = "Переговоры в Вашингтоне завершились подписанием декларации"
    lines = [PROSE_FR, title, "Анна Петрова", title, PROSE_AR]
    assert label_lines(lines, title=title) == [BODY, "title_repeat", BODY, "title_repeat", BODY]


LISTING = [
    "- Парламент ухвалив закон про переселенців, повідомляє агентство, і уряд обіцяє житло.",
    "- Kolona uprchlíků dorazila k hranici v noci; úřady otevřely tři nové tábory.",
    "- Բանակցությունները կշարունակվեն հաջորդ շաբաթ, հայտնել է նախարարությունը։",
]


def test_a_page_of_bulleted_teasers_is_a_listing():
    assert label_lines(LISTING) == ["teaser_listing"] * 3
    bullets = [line.replace("- ", "• ", 1) for line in LISTING]
    assert label_lines(bullets) == ["teaser_listing"] * 3


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param([PROSE_FR, *LISTING], id="article-with-a-bullet-list"),
        pytest.param(LISTING[:2], id="two-items"),
        pytest.param([line.replace("- ", "– ", 1) for line in LISTING], id="en-dash-dialogue"),
        pytest.param([line.replace("- ", "— ", 1) for line in LISTING], id="em-dash-dialogue"),
        pytest.param(
            ["- Kiedy wrócicie do domu?", "- Nie wiem. Nikt nam nic nie mówi.", LISTING[1]],
            id="hyphen-interview",
        ),
    ],
)
def test_bullets_inside_an_article_or_dialogue_dashes_are_kept(lines):
    assert label_lines(lines) == [BODY] * len(lines)


def test_adjacent_single_letter_buttons_go_a_lone_last_letter_stays():
    assert label_lines([PROSE_FR, "A", "A+", PROSE_AR]) == [
        BODY,
        "letter_buttons",
        "letter_buttons",
        BODY,
    ]
    assert label_lines([PROSE_FR, "A", "A", PROSE_AR]) == [
        BODY,
        "letter_buttons",
        "duplicate",
        BODY,
    ]
    assert label_lines([PROSE_FR, PROSE_AR, "이"]) == [BODY, BODY, BODY]
    assert label_lines([PROSE_FR, "Д", PROSE_AR]) == [BODY, BODY, BODY]


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        pytest.param("Корреспондент Онлайн Telegram-канал", "social_follow", id="ru-channel"),
        pytest.param("环球视野 微信公众号", "social_follow", id="zh-wechat-account"),
        pytest.param("长按识别二维码，关注我们的新闻", "social_follow", id="zh-qr-prompt"),
        pytest.param("Fim do artigo", "widget", id="pt-end-of-article"),
        pytest.param("Article body", "widget", id="en-article-body"),
        pytest.param("Guarda il video", "widget", id="it-watch-video"),
    ],
)
def test_channel_prompts_and_landmarks_are_furniture(line, rule):
    assert classify_line(line) == rule


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(
            "据该部门的微信公众号消息，双方将于下周在日内瓦继续举行会谈，讨论边界划定问题。",
            id="zh-account-cited-in-prose",
        ),
        pytest.param(
            "Министр написал об этом в своём Telegram-канале поздно вечером.", id="ru-prose"
        ),
    ],
)
def test_channels_cited_in_prose_are_kept(line):
    assert classify_line(line) is None


MID_TEASER = "Ադրբեջանը հայտարարել է նոր բանակցությունների մասին Վաշինգտոնում հաջորդ ամսին"
PROSE_HY = (
    "Հայաստանի և Ադրբեջանի արտաքին գործերի նախարարները հանդիպել են Վաշինգտոնում, որտեղ "
    "երկար քննարկել են խաղաղության պայմանագրի տեքստը և սահմանազատման հարցերը։"
)
PROSE_HY_2 = (
    "Նախարարները պայմանավորվել են շարունակել աշխատանքը փորձագիտական մակարդակով, իսկ հաջորդ "
    "հանդիպումը տեղի կունենա Երևանում կամ Բաքվում մինչև տարեվերջ, հայտնում են աղբյուրները։"
)
assert len(PROSE_HY) >= 150 and len(PROSE_HY_2) >= 150  # prose, as the rule counts it


def test_armenian_full_stop_ends_a_sentence():
    assert ends_sentence(PROSE_HY)
    assert not ends_sentence(MID_TEASER)


@pytest.mark.parametrize(
    ("middle", "label"),
    [
        pytest.param(MID_TEASER, "mid_teaser", id="hy-headline-between-prose"),
        pytest.param("Ceasefire talks resume in Geneva", BODY, id="en-short-crosshead"),
        pytest.param(
            "The foreign ministers of both countries said in a joint statement on Tuesday:",
            BODY,
            id="en-lead-in-colon",
        ),
        pytest.param(MID_TEASER + "։", BODY, id="hy-one-sentence-paragraph"),
        pytest.param(
            "وأكد الوزير أن بلاده ستواصل العمل “من أجل تحقيق سلام دائم في المنطقة”",
            BODY,
            id="ar-paragraph-closing-a-quote",
        ),
        pytest.param(
            "Les deux ministres se sont rencontrés à Genève. Les discussions reprendront lundi",
            BODY,
            id="fr-two-sentences-last-unpunctuated",
        ),
    ],
)
def test_a_headline_between_prose_paragraphs_is_a_teaser(middle, label):
    lines = [PROSE_HY, middle, PROSE_HY_2]
    assert label_lines(lines) == [BODY, label, BODY]


def test_first_and_last_body_lines_are_never_mid_article_teasers():
    assert label_lines([MID_TEASER, PROSE_HY, PROSE_HY_2]) == [BODY, BODY, BODY]
    assert label_lines([PROSE_HY, PROSE_HY_2, MID_TEASER]) == [BODY, BODY, BODY]


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        pytest.param(
            "The views expressed in this article are the author's own.", "notice", id="en"
        ),
        pytest.param("Мнение автора может не совпадать с позицией редакции.", "notice", id="ru"),
        pytest.param("Yazıda yer alan görüşler yazarına aittir.", "notice", id="tr"),
        pytest.param(
            "Müəllifin mövqeyi redaksiyanın mövqeyi ilə üst-üstə düşməyə bilər.", "notice", id="az"
        ),
        pytest.param(
            "Officials said the statements do not necessarily reflect the views of all parties.",
            None,
            id="en-prose",
        ),
    ],
)
def test_standing_disclaimers_are_notices(line, rule):
    assert classify_line(line) == rule
