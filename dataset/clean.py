"""Text normalization and boilerplate removal for one document.

Contracts
---------
``normalize_text(text) -> str``
    NFC text, mojibake repaired (ftfy, only when the text shows its signature), "\\n" as the only
    line break, no control / zero-width / bidi characters, and every run of spaces (including
    NBSP and other Unicode spaces) inside a line collapsed to one ASCII space. Never raises.
``split_lines(text) -> list[str]``
    The stripped, non-empty lines of normalized text. A line is the paragraph unit of the corpus.
``label_lines(lines, skip, title) -> list[str]``
    One label per line: ``BODY``, ``CAPTION`` or the name of the boilerplate rule that removed it
    (``SKIPPED`` for lines the metadata stage already consumed). Tests assert on the rule names.
``remove_boilerplate(lines, skip, title) -> list[Paragraph]``
    The body and caption paragraphs in document order. Captions are kept apart because the
    language detector looks at them (e.g. Vietnamese alt text in a French article) while the
    released ``text`` does not contain them.

The rules are grouped by category below. Each is a named pattern or phrase table, written to
generalize across outlets and languages (en/fr/ar/zh/vi/ru/es/de/tr/az/hy at least), and each is
anchored to the WHOLE line or to a short line, so a body sentence that merely mentions "source"
or "Telegram" in prose is never removed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ftfy

# --------------------------------------------------------------------------------------------
# Normalization
# --------------------------------------------------------------------------------------------

FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # “typographic” quotes are data, not damage
    fix_character_width=False,  # full-width CJK punctuation (，。！) is correct as it is
    normalization="NFC",
    explain=False,
)

# UTF-8 bytes decoded as cp1252/latin-1: a whole UTF-8 sequence shown as a lead byte and its
# continuation bytes (C1 controls, cp1252 specials or Latin-1 symbols, \x80-\xbf): Â..ß and one,
# à..ô and at least two (the second may be a "?", as in ftfy's lossy repairs); or U+FFFD. A lead
# with too few continuations is ordinary text: "é’A" is French with a curly apostrophe, "á” và"
# Vietnamese with a closing quote. A damaged document has many whole sequences, so the rarer
# damaged ones (a lost byte, an NBSP turned into a space) need not open the gate on their own.
# ftfy costs ~1.8 ms on a 5 kB document, so it only runs on this signature.
_TRAIL = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
    "\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
MOJIBAKE_HINT = re.compile(f"[\u00c2-\u00df][{_TRAIL}]|[\u00e0-\u00f4][{_TRAIL}][{_TRAIL}?]|\ufffd")

# The continuation characters of MOJIBAKE_HINT: rarer than the leads (é, à, ô... in French or
# Vietnamese), so looking for them first is faster.
MOJIBAKE_TRAIL = re.compile(f"[{_TRAIL}]")
OTHER_LINE_BREAKS = re.compile("[\u2028\u2029\x0b\x0c\x85\x1c-\x1e]")
# Whitespace (what str.split splits on) other than " " and "\n", listed: a listed class is twice
# as fast as r"[^\S\n ]". Every Unicode whitespace character is in the BMP.
OTHER_SPACE = re.compile(
    "[{}]".format(
        "".join(
            re.escape(chr(c)) for c in range(0x10000) if chr(c).isspace() and chr(c) not in " \n"
        )
    )
)

# Deleted outright: C0/C1 controls except tab and newline, zero-width space, word joiner, BOM,
# soft hyphen, bidi marks and embeddings, Arabic letter mark, lone surrogates. ZWJ/ZWNJ
# (U+200C/U+200D) are kept: they are spelling in Persian, Indic scripts and emoji.
INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]"
)


def normalize_text(text: str) -> str:
    """Return NFC text with unified line breaks, no invisible characters, collapsed spaces.

    Spaces: every run of Unicode whitespace inside a line (space, NBSP, tab, en/em/thin
    spaces, ideographic space...) becomes one ASCII space, and lines are stripped.
    """
    if looks_like_mojibake(text):
        text = ftfy.fix_text(text, FTFY_CONFIG)
    text = INVISIBLE.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = OTHER_LINE_BREAKS.sub("\n", text)
    if not has_irregular_spaces(text):
        return text
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def has_irregular_spaces(text: str) -> bool:
    """True when collapsing each line's whitespace (" ".join(line.split())) would change text."""
    return (
        "  " in text
        or " \n" in text
        or "\n " in text
        or text.startswith(" ")
        or text.endswith(" ")
        or OTHER_SPACE.search(text) is not None
    )


def looks_like_mojibake(text: str) -> bool:
    """True when the text shows the signature of UTF-8 read as cp1252/latin-1, or U+FFFD.

    Same answer as ``MOJIBAKE_HINT.search(text) is not None``.
    """
    if "\ufffd" in text:
        return True
    for trail in MOJIBAKE_TRAIL.finditer(text, 1):
        lead = text[trail.start() - 1]
        if "\u00c2" <= lead <= "\u00df":
            return True
        if "\u00e0" <= lead <= "\u00f4" and (
            text.startswith("?", trail.end()) or MOJIBAKE_TRAIL.match(text, trail.end())
        ):
            return True
    return False


def split_lines(text: str) -> list[str]:
    """Return the non-empty lines of normalized text."""
    return [line for line in text.split("\n") if line]


# --------------------------------------------------------------------------------------------
# Line shape helpers (shared with dataset.extract)
# --------------------------------------------------------------------------------------------

SENTENCE_END = frozenset(".!?…。！？؟۔।")
CLOSING_MARKS = "\"'”’»›)]）】」』 "
SHORT_LINE_MAX = 150  # longest teaser headline seen: ~110 characters
KEY_MAX = 100  # widget phrases are short; longer lines are never keyed
ARABIC_TATWEEL = "\u0640"
_NON_LETTER_RUN = re.compile(r"[\W\d_]+")
# Combining marks of the Basic Multilingual Plane (accents, harakat) plus the Arabic tatweel.
COMBINING_MARK = re.compile(
    "[{}{}]".format(
        "".join(re.escape(chr(c)) for c in range(0x10000) if unicodedata.combining(chr(c))),
        ARABIC_TATWEEL,
    )
)
_HAS_LETTER = re.compile(r"[^\W\d_]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@functools.lru_cache(maxsize=8192)
def match_key(text: str) -> str:
    """Return a comparison key: casefolded, accents/harakat/tatweel dropped, letters only.

    "Comment (0)" -> "comment", "قد يهمك ايضاُ" -> "قد يهمك ايضا", "Même sujet" -> "meme sujet".
    """
    folded = text.casefold()
    if not folded.isascii():
        folded = COMBINING_MARK.sub("", unicodedata.normalize("NFKD", folded))
    return _NON_LETTER_RUN.sub(" ", folded).strip()


def keys(phrases: Iterable[str]) -> frozenset[str]:
    """Return the match keys of a phrase table."""
    return frozenset(match_key(p) for p in phrases)


def ends_sentence(line: str) -> bool:
    """True when the line ends with sentence punctuation (closing quotes/brackets ignored)."""
    trimmed = line.rstrip(CLOSING_MARKS)
    return bool(trimmed) and trimmed[-1] in SENTENCE_END


def has_letter(line: str) -> bool:
    """True when the line contains at least one letter (any script)."""
    return _HAS_LETTER.search(line) is not None


def is_short_line(line: str) -> bool:
    """A teaser/menu-shaped line: at most SHORT_LINE_MAX characters, no sentence punctuation."""
    return len(line) <= SHORT_LINE_MAX and not ends_sentence(line)


def is_menu_item(line: str) -> bool:
    """A navigation/category entry: one to three words (or a few CJK characters), no sentence."""
    if ends_sentence(line) or len(line) > 30:
        return False
    if _CJK.search(line):
        return len(line) <= 12
    return len(line.split()) <= 3


# --------------------------------------------------------------------------------------------
# Rule tables (multilingual). Phrases are compared through ``match_key``.
# --------------------------------------------------------------------------------------------

# Breadcrumbs: "Home | World | Europe", "Trang chủ › Thế giới". A line of short segments joined
# by navigation separators, starting with a home link or made of three or more one/two-word parts.
BREADCRUMB_SEPARATOR = re.compile(r"\s*(?:[|›»>/•·→⟩]|\s-\s)\s*")
HOME_WORDS = keys(
    [
        "Home",
        "Accueil",
        "الرئيسية",
        "首页",
        "首頁",
        "Trang chủ",
        "Главная",
        "Головна",
        "Inicio",
        "Início",
        "Startseite",
        "Ana Sayfa",
        "Ana səhifə",
        "Գլխավոր",
        "News",
        "Actualités",
        "Tin tức",
        "Новости",
        "Haberler",
        "أخبار",
    ]
)
BREADCRUMB_MAX = 120
BREADCRUMB_HINT = re.compile(r"[|›»>/•·→⟩]|\s-\s")  # a separator BREADCRUMB_SEPARATOR can split on

# Whole-line widgets: comment counters, source-link buttons, empty-state placeholders, ads,
# navigation buttons. Matched only when the ENTIRE line is the phrase (digits/brackets ignored).
WIDGET_PHRASES = keys(
    [
        # en
        "Source",
        "Sources",
        "Source link",
        "Source URL",
        "Original source",
        "Comment",
        "Comments",
        "Leave a comment",
        "Leave a reply",
        "Post a comment",
        "Add a comment",
        "Add comment",
        "No comments",
        "No comments yet",
        "Be the first to comment",
        "No data",
        "No videos available",
        "No video available",
        "No posts found",
        "Adblock test (Why?)",
        "Advertisement",
        "Sponsored",
        "Loading",
        "Print",
        "Back to top",
        "Read more",
        "Continue reading",
        "Show more",
        "See more",
        "Load more",
        "Click here",
        "Previous article",
        "Next article",
        "Previous post",
        "Next post",
        "Home",
        "Menu",
        "Search",
        "Subscribe",
        "Sign in",
        "Log in",
        "Tags",
        "Share",
        "Share this article",
        "Share this",
        "Related",
        "Email",
        "Copy link",
        "Link copied",
        # fr
        "Commentaire",
        "Commentaires",
        "Laisser un commentaire",
        "Aucun commentaire",
        "Publicité",
        "Lire la suite",
        "Voir plus",
        "Article précédent",
        "Article suivant",
        "Accueil",
        "Partager",
        "Partager cet article",
        "Imprimer",
        "Lien source",
        "Aucune donnée",
        "Aucune vidéo disponible",
        # ar
        "المصدر",
        "مصدر",
        "رابط المصدر",
        "تعليقات",
        "التعليقات",
        "اترك تعليقا",
        "أضف تعليق",
        "أضف تعليقك",
        "لا توجد تعليقات",
        "إعلان",
        "اقرأ المزيد",
        "المزيد",
        "شارك",
        "شارك الخبر",
        "مشاركة",
        "طباعة",
        "الرئيسية",
        "لا توجد بيانات",
        # zh
        "来源",
        "來源",
        "评论",
        "評論",
        "发表评论",
        "發表評論",
        "暂无评论",
        "暫無評論",
        "广告",
        "廣告",
        "阅读更多",
        "閱讀更多",
        "查看更多",
        "加载更多",
        "分享",
        "分享到",
        "首页",
        "首頁",
        "返回顶部",
        "返回頂部",
        "打印",
        "暂无数据",
        "暫無數據",
        # vi
        "Nguồn",
        "Bình luận",
        "Gửi bình luận",
        "Viết bình luận",
        "Quảng cáo",
        "Xem thêm",
        "Đọc thêm",
        "Chia sẻ",
        "Trang chủ",
        "In bài viết",
        "Không có dữ liệu",
        "Không có video",
        # ru / uk
        "Источник",
        "Комментарии",
        "Комментарий",
        "Оставить комментарий",
        "Реклама",
        "Читать далее",
        "Подробнее",
        "Поделиться",
        "Главная",
        "Печать",
        "Нет данных",
        "Джерело",
        "Коментарі",
        # es / pt / it
        "Fuente",
        "Comentarios",
        "Deja un comentario",
        "Deja una respuesta",
        "Publicidad",
        "Leer más",
        "Compartir",
        "Inicio",
        "Imprimir",
        "Fonte",
        "Comentários",
        "Deixe um comentário",
        "Publicidade",
        "Leia mais",
        "Partilhar",
        "Commenti",
        "Lascia un commento",
        "Pubblicità",
        "Leggi di più",
        "Condividi",
        # de
        "Quelle",
        "Kommentare",
        "Kommentar",
        "Kommentar schreiben",
        "Anzeige",
        "Werbung",
        "Weiterlesen",
        "Mehr lesen",
        "Teilen",
        "Startseite",
        "Drucken",
        # tr / az
        "Kaynak",
        "Yorumlar",
        "Yorum yap",
        "Yorum yaz",
        "Reklam",
        "Devamını oku",
        "Paylaş",
        "Ana sayfa",
        "Yazdır",
        "Mənbə",
        "Şərhlər",
        "Şərh yaz",
        "Ardını oxu",
        "Ana səhifə",
        "Çap et",
        # hy
        "Աղբյուր",
        "Մեկնաբանություններ",
        "Գովազդ",
        "Կարդալ ավելին",
        "Կիսվել",
        "Տպել",
    ]
)

# "Label: value" lines that are page furniture (tags, source credits, editors, photo credits).
LABEL_PREFIXES = (
    r"tags?|keywords?|topics?|source|sources|image source|photo source|editor|edited by|"
    r"mots[- ]cl[ée]s|[ée]tiquettes?|sujets?|"
    r"الكلمات المفتاحية|الوسوم|وسوم|كلمات دلالية|المصدر|"
    r"标签|標籤|关键词|關鍵詞|责任编辑|責任編輯|编辑|編輯|来源|來源|"
    r"từ khóa|từ khoá|nguồn|"
    r"теги|метки|ключевые слова|источник|джерело|"
    r"etiquetas|palabras clave|fuente|schlagw[öo]rter|quelle|"
    r"etiketler|anahtar kelimeler|kaynak|etiketl[əe]r|m[əe]nb[əe]|"
    r"պիտակներ|աղբյուր"
)
LABEL_LINE = re.compile(rf"^(?:{LABEL_PREFIXES})\s*[:：]", re.IGNORECASE)
LABEL_LINE_MAX = 160

# Headers that open a list of related / recommended teasers. The header and the run of short
# teaser lines after it are removed; the run stops at the first prose paragraph.
RELATED_HEADERS = keys(
    [
        "Related",
        "Related articles",
        "Related posts",
        "Related news",
        "Related stories",
        "Read also",
        "Read more",
        "See also",
        "You may also like",
        "You might also like",
        "More from",
        "More stories",
        "More news",
        "Recommended",
        "Most read",
        "Most popular",
        "Même sujet",
        "Même catégorie",
        "Même auteur",
        "Sur le même sujet",
        "Lire aussi",
        "À lire aussi",
        "Articles similaires",
        "Dans la même rubrique",
        "Les plus lus",
        "قد يهمك ايضا",
        "قد يهمك أيضا",
        "قد يهمك",
        "اقرأ أيضا",
        "اقرأ ايضا",
        "مواضيع ذات صلة",
        "أخبار ذات صلة",
        "اخبار ذات صلة",
        "أخبار متعلقة",
        "اخبار متعلقة",
        "الأكثر قراءة",
        "相关文章",
        "相關文章",
        "相关新闻",
        "相關新聞",
        "延伸阅读",
        "延伸閱讀",
        "推荐阅读",
        "推薦閱讀",
        "热门文章",
        "熱門文章",
        "猜你喜欢",
        "Tin liên quan",
        "Bài viết liên quan",
        "Tin cùng chuyên mục",
        "Cùng chuyên mục",
        "Đọc nhiều",
        "Có thể bạn quan tâm",
        "Читайте также",
        "Похожие новости",
        "По теме",
        "Ещё по теме",
        "Самое читаемое",
        "Читайте також",
        "Lee también",
        "Noticias relacionadas",
        "Te puede interesar",
        "Leia também",
        "Notícias relacionadas",
        "Leggi anche",
        "Articoli correlati",
        "Lesen Sie auch",
        "Mehr zum Thema",
        "Das könnte Sie auch interessieren",
        "Auch interessant",
        "İlgili haberler",
        "Benzer haberler",
        "Bunlar da ilginizi çekebilir",
        "Oxşar xəbərlər",
        "Digər xəbərlər",
        "Həmçinin oxuyun",
        "Kարդացեք նաև",
        "Կարդացեք նաև",
        "Նմանատիպ նյութեր",
    ]
)

# "READ  <teaser headline>" lines. Latin keywords need a separator or to be written in capitals,
# so "Read the full statement." in prose is kept; non-Latin keywords are distinctive enough.
READ_ALSO_CAPS = re.compile(
    r"^(?:READ(?: MORE| ALSO)?|ALSO READ|SEE ALSO|LIRE AUSSI|À LIRE AUSSI|LEA TAMBIÉN|"
    r"LEE TAMBIÉN|LESEN SIE AUCH|XEM THÊM|ĐỌC THÊM|AYRICA OKU(?:YUN)?)\b\s*[:：\-–—|»>]?\s*\S"
)
READ_ALSO_LABELLED = re.compile(
    r"^(?:read(?: more| also)?|also read|see also|related|lire aussi|à lire aussi|voir aussi|"
    r"lea también|lee también|leia também|leggi anche|lesen sie auch|mehr zum thema|"
    r"xem thêm|đọc thêm|ayrıca oku(?:yun)?|ilgili haber|həmçinin oxuyun|daha çox)"
    r"\s*[:：\-–—|»>]\s*\S",
    re.IGNORECASE,
)
READ_ALSO_KEY_PREFIXES = tuple(
    sorted(
        keys(
            [
                "اقرأ أيضا",
                "اقرأ ايضا",
                "إقرأ أيضاً",
                "اقرأ المزيد",
                "اقرأ كذلك",
                "طالع أيضا",
                "另请阅读",
                "另請閱讀",
                "阅读更多",
                "延伸阅读",
                "相关阅读",
                "相關閱讀",
                "推荐阅读",
                "Читайте также",
                "Читайте ещё",
                "Читайте також",
                "Смотрите также",
                "Կարդացեք նաև",
                "Կարդացեք նաեւ",
            ]
        )
    )
)
READ_ALSO_MAX = 250

# Copyright footers: a short line holding a "rights reserved" phrase, or opening with "©" or
# "Copyright". "© AFP" at the END of a line is a photo credit (a caption), not a footer.
COPYRIGHT_PHRASES = tuple(
    sorted(
        keys(
            [
                "all rights reserved",
                "tous droits réservés",
                "todos los derechos reservados",
                "todos os direitos reservados",
                "tutti i diritti riservati",
                "alle rechte vorbehalten",
                "все права защищены",
                "tüm hakları saklıdır",
                "bütün hüquqlar qorunur",
                "բոլոր իրավունքները պաշտպանված են",
                "جميع الحقوق محفوظة",
                "حقوق النشر محفوظة",
                "كل الحقوق محفوظة",
                "تمامی حقوق",
                "כל הזכויות שמורות",
                "版权所有",
                "版權所有",
                "著作権",
                "무단 전재",
                "bản quyền thuộc về",
                "giữ bản quyền",
            ]
        )
    )
)
COPYRIGHT_PHRASE = re.compile("|".join(re.escape(p) for p in COPYRIGHT_PHRASES))
COPYRIGHT_OPENING = re.compile(r"(?:©|\(c\)\s*\d{4}|copyright\b)", re.IGNORECASE)
COPYRIGHT_LINE_MAX = 200  # a phrase is looked for in lines up to KEY_MAX characters only

# Calls to follow/subscribe, and channel links. Only first-person-plural calls to action
# ("follow us", "لمتابعتنا") count, so prose such as "Russia is following the situation" stays.
FOLLOW_PHRASES = tuple(
    sorted(
        keys(
            [
                "follow us",
                "subscribe to our",
                "subscribe now",
                "join our channel",
                "join us on",
                "suivez-nous",
                "abonnez-vous",
                "rejoignez-nous",
                "تابعونا",
                "تابعنا",
                "لمتابعتنا",
                "للمتابعة على",
                "اشترك في قناتنا",
                "اشترك الآن",
                "انضم إلى قناتنا",
                "انضم الى قناتنا",
                "قناتنا على",
                "关注我们",
                "關注我們",
                "订阅我们",
                "加入我们的",
                "theo dõi chúng tôi",
                "theo dõi kênh",
                "đăng ký kênh",
                "tham gia kênh",
                "подписывайтесь",
                "подпишитесь на",
                "присоединяйтесь",
                "наш канал",
                "síguenos",
                "suscríbete",
                "siga-nos",
                "seguici",
                "folgen sie uns",
                "abonnieren sie",
                "bizi takip edin",
                "abone ol",
                "bizi izləyin",
                "abunə olun",
                "kanalımıza",
                "հետևեք մեզ",
                "բաժանորդագրվեք",
            ]
        )
    )
)
FOLLOW_PHRASE = re.compile("|".join(re.escape(p) for p in FOLLOW_PHRASES))
FOLLOW_LINE_MAX = 150
CHANNEL_HOSTS = ("t.me/", "telegram.me/", "wa.me/", "chat.whatsapp.com/", "whatsapp.com/channel")
LINK_ONLY = re.compile(r"^(?:(?:https?://|www\.)\S+\s*)+$", re.IGNORECASE)

# Share bars: a line made only of share verbs and platform names.
SHARE_WORDS = keys(
    [
        "share",
        "shares",
        "tweet",
        "facebook",
        "twitter",
        "x",
        "whatsapp",
        "telegram",
        "linkedin",
        "email",
        "e mail",
        "mail",
        "print",
        "pinterest",
        "reddit",
        "vk",
        "vkontakte",
        "zalo",
        "copy link",
        "messenger",
        "viber",
        "line",
        "weibo",
        "wechat",
        "partager",
        "imprimer",
        "envoyer",
        "поделиться",
        "печать",
        "شارك",
        "مشاركة",
        "طباعة",
        "واتساب",
        "فيسبوك",
        "تويتر",
        "分享",
        "打印",
        "微信",
        "微博",
        "chia sẻ",
        "in",
        "compartir",
        "imprimir",
        "teilen",
        "drucken",
        "paylaş",
        "yazdır",
        "bölüş",
        "կիսվել",
    ]
)
SHARE_MULTIWORD = tuple(sorted((w for w in SHARE_WORDS if " " in w), key=len, reverse=True))

# Photo captions: a line ENDING with a photo credit. Kept for language detection only. Each
# credit shape has its own rule and a cheap trigger (the line's last character, a colon, ©).
CREDIT_LABELS = keys(
    [
        "Ảnh",
        "Hình",
        "Hình ảnh",
        "Photo",
        "Photos",
        "Foto",
        "Fotos",
        "Фото",
        "Image",
        "Images",
        "Illustration",
        "Crédit photo",
        "Crédits photo",
        "Photo credit",
        "Credit",
        "Crédit",
        "Picture",
        "Pictures",
        "Bild",
        "Fotograf",
        "الصورة",
        "صورة",
        "图",
        "圖",
        "图片",
        "圖片",
        "照片",
        "摄影",
        "攝影",
        "Resim",
        "Fotoğraf",
        "Şəkil",
        "Լուսանկարը",
        "Լուսանկար",
    ]
)
BRACKET_CREDIT = re.compile(r"\[[^\[\]]{2,80}/[^\[\]]{1,40}\]$")  # [Karen Minasyan/AFP]
PHOTO_SLASH_CREDIT = re.compile(
    r"\((?:[^()]{0,30}\s)?(?:Photo|Foto|Фото)\s*/[^()]{1,60}\)$", re.IGNORECASE
)  # (AP Photo/Jane Doe)
NUMBERED_PHOTO = re.compile(
    r"[\-–—]\s*(?:Ảnh|Hình|Photo|Image|Foto|Фото)\s*\d+\s*\.?$", re.IGNORECASE
)  # <alt text> - Ảnh 1.
CREDIT_VALUE = re.compile(r"\s*[^.:：]{1,60}\.?\)?$")  # after "Ảnh:" -> " RT."
CREDIT_VALUE_MAX = 64
COPYRIGHT_CREDIT = re.compile(r"©\s*[^©]{1,60}$")
# "(Source : X)" at the end of a caption; in prose it would also end a paragraph, so it only
# marks a caption when the line is a single short sentence.
CAPTION_SOURCE = re.compile(
    r"\(\s*(?:source|nguồn|источник|fuente|quelle|kaynak|mənbə|المصدر|来源|來源)\s*[:：][^()]{1,50}\)$",
    re.IGNORECASE,
)
CAPTION_MAX = 300
SOURCE_CAPTION_MAX = 200

TITLE_REPEAT_SLACK = 40  # a repeated title may carry a site suffix of up to this many characters

# Runs: a list of teasers/menu entries. A run of at least this many short lines is removed.
MIN_MENU_RUN = 3
MIN_TRAILING_RUN = 3


# --------------------------------------------------------------------------------------------
# Line rules
# --------------------------------------------------------------------------------------------

BODY = "BODY"
CAPTION = "CAPTION"
SKIPPED = "SKIPPED"


def is_widget(key: str) -> bool:
    """A whole-line widget phrase (comment counter, source-link button, placeholder...)."""
    return key in WIDGET_PHRASES


def is_breadcrumb(line: str) -> bool:
    """A navigation trail: "Home | World | Europe", "Trang chủ › Thế giới › Châu Âu"."""
    if len(line) > BREADCRUMB_MAX or BREADCRUMB_HINT.search(line) is None:
        return False
    parts = [p for p in BREADCRUMB_SEPARATOR.split(line) if p]
    if len(parts) < 2 or any(len(p.split()) > 3 or ends_sentence(p) for p in parts):
        return False
    return match_key(parts[0]) in HOME_WORDS or (
        len(parts) >= 3 and all(len(p.split()) <= 2 for p in parts)
    )


def is_label_line(line: str) -> bool:
    """A short "Tags: ...", "Source: ...", "责任编辑：..." furniture line."""
    return len(line) <= LABEL_LINE_MAX and LABEL_LINE.match(line) is not None


def is_read_also(line: str, key: str | None) -> bool:
    """A "READ <headline>" / "Lire aussi : <headline>" / "اقرأ أيضا <headline>" teaser."""
    if len(line) > READ_ALSO_MAX:
        return False
    if READ_ALSO_CAPS.match(line) or READ_ALSO_LABELLED.match(line):
        return True
    return key is not None and key.startswith(READ_ALSO_KEY_PREFIXES)


def is_copyright(line: str, key: str | None) -> bool:
    """A site's copyright footer: "© 2024 Le Quotidien", "جميع الحقوق محفوظة 2020", "版权所有"."""
    if len(line) > COPYRIGHT_LINE_MAX:
        return False
    if COPYRIGHT_OPENING.match(line):
        return True
    return key is not None and COPYRIGHT_PHRASE.search(key) is not None


def is_social_follow(line: str, key: str | None) -> bool:
    """A "follow us on Telegram" call to action or a line carrying a channel link."""
    if len(line) > FOLLOW_LINE_MAX:
        return False
    if "/" in line and any(host in line.lower() for host in CHANNEL_HOSTS):  # hosts end in "/"
        return True
    return key is not None and FOLLOW_PHRASE.search(key) is not None


def is_share_bar(key: str) -> bool:
    """A line made only of share verbs and platform names."""
    if not key:
        return False
    words = key.split()
    if len(words) > 8:
        return False
    rest = key
    for phrase in SHARE_MULTIWORD:
        rest = rest.replace(phrase, " ")
    return all(word in SHARE_WORDS for word in rest.split())


def is_caption(line: str) -> bool:
    """A photo caption or credit line (kept aside: detected, never released as body)."""
    if len(line) > CAPTION_MAX:
        return False
    last = line[-1]
    if last == "]":
        return BRACKET_CREDIT.search(line) is not None
    if last == ")" and (PHOTO_SLASH_CREDIT.search(line) or is_source_caption(line)):
        return True
    if last.isdigit() or (last == "." and line[-2:-1].isdigit()):
        return NUMBERED_PHOTO.search(line) is not None
    if "©" in line and COPYRIGHT_CREDIT.search(line):
        return True
    return has_credit_label(line)


def has_credit_label(line: str) -> bool:
    """The line ends with "<credit label>: <name>" ("... Ảnh: RT.", "Photo : AFP")."""
    colon = max(line.rfind(":"), line.rfind("："))
    if colon < 0 or len(line) - colon > CREDIT_VALUE_MAX:
        return False
    if not CREDIT_VALUE.match(line, colon + 1):
        return False
    words = line[:colon].rstrip(" 0123456789").split()
    if not words:
        return False
    label = words[-1].lstrip("(-–—.")
    two_words = f"{words[-2]} {label}" if len(words) > 1 else label
    return match_key(label) in CREDIT_LABELS or match_key(two_words) in CREDIT_LABELS


def is_source_caption(line: str) -> bool:
    """A single short sentence ending with "(Source : X)" is a photo caption."""
    return (
        len(line) <= SOURCE_CAPTION_MAX
        and CAPTION_SOURCE.search(line) is not None
        and _count_sentences(line) <= 1
    )


def _count_sentences(line: str) -> int:
    """Sentence-final punctuation marks followed by a space (a rough sentence count - 1)."""
    return len(re.findall(r"[.!?。！？؟](?=\s)", line))


def classify_line(line: str) -> str | None:
    """Return the name of the standalone rule that makes this line boilerplate, or None.

    Caption lines return ``CAPTION``. Context rules (runs, related lists, title repeats,
    duplicates) are applied by ``label_lines``.
    """
    if not has_letter(line):
        return "no_letters"
    if line[0] in "hHwW" and LINK_ONLY.match(line):  # LINK_ONLY starts with http(s):// or www.
        return "link_only"
    key = match_key(line) if len(line) <= KEY_MAX else None
    if key is not None and is_widget(key):
        return "widget"
    if key is not None and key in RELATED_HEADERS:
        return "related_header"
    if is_read_also(line, key):
        return "read_also"
    if is_social_follow(line, key):
        return "social_follow"
    if is_copyright(line, key):
        return "copyright"
    if key is not None and is_share_bar(key):
        return "share_bar"
    if is_breadcrumb(line):
        return "breadcrumb"
    if is_label_line(line):
        return "label_line"
    if is_caption(line):
        return CAPTION
    return None


# --------------------------------------------------------------------------------------------
# Context rules and the public API
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """A kept paragraph; captions are detected for language but excluded from ``text``."""

    text: str
    is_caption: bool = False


def label_lines(
    lines: Sequence[str],
    skip: Iterable[int] = (),
    title: str | None = None,
) -> list[str]:
    """Label every line BODY, CAPTION, SKIPPED or with the boilerplate rule that removed it."""
    skipped = frozenset(skip)
    labels = [
        SKIPPED if i in skipped else (classify_line(line) or BODY) for i, line in enumerate(lines)
    ]
    mark_title_repeats(lines, labels, title)
    mark_alt_text(lines, labels)
    mark_related_lists(lines, labels)
    mark_menu_runs(lines, labels)
    mark_trailing_teasers(lines, labels)
    mark_duplicates(lines, labels)
    return labels


def remove_boilerplate(
    lines: Sequence[str], skip: Iterable[int] = (), title: str | None = None
) -> list[Paragraph]:
    """Return the body and caption paragraphs of the document, in order."""
    labels = label_lines(lines, skip, title)
    return [
        Paragraph(line, label == CAPTION)
        for line, label in zip(lines, labels, strict=True)
        if label in (BODY, CAPTION)
    ]


def mark_title_repeats(lines: Sequence[str], labels: list[str], title: str | None) -> None:
    """A line that repeats the title (possibly with its site suffix) is not body."""
    if not title:
        return
    title_key = match_key(title)
    if not title_key:
        return
    for i, line in enumerate(lines):
        if labels[i] == BODY and abs(len(line) - len(title)) <= TITLE_REPEAT_SLACK:
            key = match_key(line)
            if key == title_key or (key.startswith(title_key) and not ends_sentence(line)):
                labels[i] = "title_repeat"


def mark_alt_text(lines: Sequence[str], labels: list[str]) -> None:
    """Image alt text: an unpunctuated line right before a caption belongs to the photo."""
    for i in range(len(lines) - 1):
        if (
            labels[i] == BODY
            and labels[i + 1] == CAPTION
            and len(lines[i]) <= CAPTION_MAX
            and not ends_sentence(lines[i])
        ):
            labels[i] = CAPTION


def mark_related_lists(lines: Sequence[str], labels: list[str]) -> None:
    """After a related-articles header, drop the teaser run up to the next prose paragraph."""
    in_list = False
    for i, line in enumerate(lines):
        if labels[i] == "related_header":
            in_list = True
        elif in_list and labels[i] in (BODY, CAPTION):
            if is_short_line(line):
                labels[i] = "related_teaser"
            else:
                in_list = False


def mark_menu_runs(lines: Sequence[str], labels: list[str]) -> None:
    """A run of MIN_MENU_RUN+ consecutive one-to-three-word lines is a menu or category list."""
    run: list[int] = []
    for i in [*range(len(lines)), -1]:
        if i >= 0 and labels[i] == BODY and is_menu_item(lines[i]):
            run.append(i)
            continue
        if i >= 0 and labels[i] not in (BODY, CAPTION):
            continue  # already-removed furniture does not break a menu
        if len(run) >= MIN_MENU_RUN:
            for j in run:
                labels[j] = "menu"
        run = []


def mark_trailing_teasers(lines: Sequence[str], labels: list[str]) -> None:
    """At the end of a document, MIN_TRAILING_RUN+ short unpunctuated lines are a teaser list."""
    run: list[int] = []
    for i in range(len(lines) - 1, -1, -1):
        if labels[i] not in (BODY, CAPTION):
            continue
        if not is_short_line(lines[i]):
            break
        run.append(i)
    if len(run) >= MIN_TRAILING_RUN:
        for j in run:
            labels[j] = "trailing_teasers"


def mark_duplicates(lines: Sequence[str], labels: list[str]) -> None:
    """A paragraph identical to an earlier kept one is a scraping repeat."""
    seen: set[str] = set()
    for i, line in enumerate(lines):
        if labels[i] in (BODY, CAPTION):
            if line in seen:
                labels[i] = "duplicate"
            seen.add(line)


def join_body(paragraphs: Iterable[Paragraph]) -> str:
    """Join the body paragraphs (captions excluded) with a blank line."""
    return "\n\n".join(p.text for p in paragraphs if not p.is_caption)
