"""Language, score, script and other languages (dataset.build.language)."""

from __future__ import annotations

import pytest

from dataset.build.clean import Paragraph
from dataset.build.language import (
    LEAD_BYTE_SCRIPTS,
    PREFIX_SCRIPTS,
    SIMPLIFIED_ONLY,
    TRADITIONAL_ONLY,
    LanguageResult,
    count_scripts,
    detect_languages,
    detect_languages_many,
    dominant_script,
    han_variant,
    plan_label,
    predict_language,
    to_iso,
)

FR = (
    "Le président azerbaïdjanais pose des conditions pour l'arrêt de la campagne militaire "
    "et la Russie évacue plus de deux mille personnes de la région."
)
FR2 = (
    "Selon le ministère russe des Affaires étrangères, plus de deux mille personnes ont été "
    "évacuées de la région après le lancement de l'opération."
)
VI = (
    "Tổng thống Azerbaijan nêu điều kiện dừng chiến dịch quân sự ở Karabakh, quân đội tấn công "
    "các vị trí của lực lượng Armenia"
)
AR = (
    "دعت الولايات المتحدة أذربيجان وأرمينيا إلى وقف فوري لإطلاق النار في منطقة ناغورنو "
    "كاراباخ المتنازع عليها واستئناف المفاوضات."
)
ZH_HANS = "阿塞拜疆已向亚美尼亚控制的纳戈尔诺-卡拉巴赫派遣军队,并在炮火支援下发动袭击。"
ZH_HANT = "阿塞拜疆已向亞美尼亞控制的納戈爾諾-卡拉巴赫派遣軍隊,並在炮火支援下發動襲擊。"
RU = (
    "Азербайджан начал военную операцию в Нагорном Карабахе, заявив о намерении разоружить "
    "армянские формирования."
)
HY = (
    "Ադրբեջանը ռազմական գործողություն է սկսել Լեռնային Ղարաբաղում, հայտնում է "
    "պաշտպանության նախարարությունը։"
)
JA = "アゼルバイジャンはナゴルノ・カラバフで軍事作戦を開始したと発表しました。"
KO = "아제르바이잔은 나고르노카라바흐에서 군사 작전을 시작했다고 발표했다."
EN_NAME = "Antony Blinken"


def body(*texts: str) -> list[Paragraph]:
    return [Paragraph(t) for t in texts]


@pytest.mark.parametrize(
    ("paragraphs", "language", "script"),
    [
        pytest.param(body(FR, FR2), "fr", "Latn", id="fr"),
        pytest.param(body(VI), "vi", "Latn", id="vi-diacritics"),
        pytest.param(body(AR), "ar", "Arab", id="ar-rtl"),
        pytest.param(body(ZH_HANS), "zh", "Hans", id="zh-simplified"),
        pytest.param(body(ZH_HANT), "zh", "Hant", id="zh-traditional"),
        pytest.param(body(RU), "ru", "Cyrl", id="ru"),
        pytest.param(body(HY), "hy", "Armn", id="hy"),
        pytest.param(body(JA), "ja", "Jpan", id="ja-kana"),
        pytest.param(body(KO), "ko", "Kore", id="ko"),
    ],
)
def test_main_language_and_script(paragraphs, language, script):
    result = detect_languages(paragraphs)
    assert (result.language, result.script) == (language, script)
    assert 0.5 < result.language_score <= 1.0
    assert result.other_languages == ()


def test_caption_in_other_language_neither_votes_nor_counts_as_other_language():
    # captions are left out of the released text, so they do not describe it
    result = detect_languages([Paragraph(FR), Paragraph(VI, is_caption=True), Paragraph(FR2)])
    assert (result.language, result.other_languages) == ("fr", ())
    assert result.language_score > 0.9  # captions are not in the body share


@pytest.mark.parametrize(
    ("other", "code"),
    [
        pytest.param(VI, "vi", id="vi-diacritics"),
        pytest.param(AR, "ar", id="ar-rtl"),
        pytest.param(RU, "ru", id="ru-cyrillic"),
        pytest.param(HY, "hy", id="hy-armenian"),
    ],
)
def test_body_paragraph_in_other_language_is_reported(other, code):
    result = detect_languages(body(FR, other, FR2, FR))
    assert (result.language, result.other_languages) == ("fr", (code,))


def test_other_language_in_body_and_caption_is_reported_once():
    result = detect_languages([Paragraph(FR), Paragraph(VI), Paragraph(VI, is_caption=True)])
    assert result.other_languages == ("vi",)


def test_mixed_body_lowers_the_score_and_lists_other_language():
    result = detect_languages(body(FR, AR))
    assert result.language in {"fr", "ar"}
    assert result.other_languages == tuple(sorted({"fr", "ar"} - {result.language}))
    assert result.language_score < 0.75


def test_short_name_does_not_add_a_language():
    result = detect_languages(body(FR, EN_NAME, FR2))
    assert (result.language, result.other_languages) == ("fr", ())


def test_only_short_paragraphs_are_still_detected():
    result = detect_languages(body("Guerre au Karabakh"))
    assert result.language is not None and result.script == "Latn"


@pytest.mark.parametrize(
    "paragraphs",
    [
        pytest.param([], id="empty"),
        pytest.param([Paragraph(VI, is_caption=True)], id="captions-only"),
    ],
)
def test_no_body_no_language(paragraphs):
    assert detect_languages(paragraphs) == LanguageResult()


def test_a_batch_detects_like_its_documents_one_at_a_time():
    documents = [
        body(FR, FR2),
        [],
        body(VI),
        [Paragraph(VI, is_caption=True)],
        body(AR, FR),
        body("Guerre au Karabakh"),  # too short: forced through the model
        body(ZH_HANS, EN_NAME),
        body(JA),
        [Paragraph(FR), Paragraph(VI, is_caption=True), Paragraph(FR)],  # a repeated sample
    ]
    single = [detect_languages(document) for document in documents]
    assert detect_languages_many(documents) == single
    assert detect_languages_many(documents[::-1]) == single[::-1]
    assert detect_languages_many([]) == []


def test_detection_is_deterministic():
    paragraphs = body(FR, VI, AR)
    assert detect_languages(paragraphs) == detect_languages(paragraphs)


@pytest.mark.parametrize(
    "sample", [FR[:100], "阿塞拜疆军队进攻纳戈尔诺-卡拉巴赫地区的亚美尼亚武装", "Tin tức mới nhất"]
)
def test_memoised_prediction_equals_the_model(sample):
    predict_language.cache_clear()
    fresh = predict_language.__wrapped__(sample)
    assert predict_language(sample) == fresh  # miss: computed
    assert predict_language(sample) == fresh  # hit: remembered
    assert predict_language.cache_info().hits == 1


@pytest.mark.parametrize(
    ("label", "code"),
    [
        pytest.param("__label__fr", "fr", id="iso-639-1"),
        pytest.param("__label__ceb", "ceb", id="iso-639-3"),
        pytest.param("__label__als", "gsw", id="alemannic-fixed"),
        pytest.param("__label__sh", "sr", id="serbo-croatian-is-serbian"),
        pytest.param("__label__no", "nb", id="norwegian-is-bokmal"),
        pytest.param("__label__eml", "egl", id="retired-emilian-romagnol-fixed"),
    ],
)
def test_to_iso(label, code):
    assert to_iso(label) == code


@pytest.mark.parametrize(
    ("text", "script"),
    [
        pytest.param("Nagorno-Karabakh", "Latn", id="ascii"),
        pytest.param("Nguyễn Phú Trọng", "Latn", id="vietnamese-extended"),
        pytest.param("Ереван", "Cyrl", id="cyrillic"),
        pytest.param("كاراباخ", "Arab", id="arabic"),
        pytest.param("Ստեփանակերտ", "Armn", id="armenian"),
        pytest.param("თბილისი", "Geor", id="georgian"),
        pytest.param("Αθήνα", "Grek", id="greek"),
        pytest.param("ירושלים", "Hebr", id="hebrew"),
        pytest.param("中国人民 China 中国人民", "Hans", id="han-majority"),
        pytest.param("中国 China", "Latn", id="latin-majority"),
        pytest.param("1234 ,.;", None, id="no-letters"),
    ],
)
def test_dominant_script(text, script):
    assert dominant_script(text) == script


def test_count_scripts_counts_letters_only():
    assert count_scripts("Baku, 2023 — Бакы!") == {"Latn": 4, "Cyrl": 4}


@pytest.mark.parametrize(
    ("text", "variant"),
    [
        pytest.param("这是国家的军队", "Hans", id="simplified"),
        pytest.param("這是國家的軍隊", "Hant", id="traditional"),
        pytest.param("阿塞拜疆", "Hans", id="shared-characters-default"),
    ],
)
def test_han_variant(text, variant):
    assert han_variant(text) == variant


@pytest.mark.parametrize(
    ("sample", "code"),
    [
        pytest.param(
            "بۇل ءسوز قازاق ءتىلىنىڭ ءتوتە جازۋىمەن جازىلعان ءماتىن، ونى قىتايداعى قازاقتار وقيدى",
            "kk",
            id="kazakh-arabic-script",
        ),
        pytest.param("ئۇيغۇر تىلى ئەرەب يېزىقىدا يېزىلىدۇ، بۇ تېكىست ئۇيغۇرچە", "ug", id="uyghur"),
    ],
)
def test_arabic_script_kazakh_is_not_uyghur(sample, code):
    assert predict_language(sample)[0] == code


def _scripts_by_utf8_bytes(text: str) -> dict[str, int]:
    """What ``count_scripts`` defines, read the slow way: each character's UTF-8 lead bytes."""
    counts: dict[str, int] = {}
    for char in text:
        data = char.encode("utf-8", "replace")
        if len(data) == 1:
            script = "Latn" if char.isascii() and char.isalpha() else None
        else:
            script = LEAD_BYTE_SCRIPTS.get(data[0]) or PREFIX_SCRIPTS.get(data[:2])
        if script:
            counts[script] = counts.get(script, 0) + 1
    return counts


def test_count_scripts_reads_every_code_point_as_its_utf8_lead_bytes():
    """The code-point table agrees with the byte definition on all of Unicode (in 4 KB slices).

    Lone surrogates (which UTF-8 "replace" turns into "?") and astral letters are not counted.
    """
    points = [chr(c) for c in range(0x110000)]
    for start in range(0, len(points), 4096):
        text = "".join(points[start : start + 4096])
        assert count_scripts(text) == _scripts_by_utf8_bytes(text), hex(start)


def test_han_variant_counts_each_listed_character():
    """Repeats count: three traditional-only characters outvote two simplified-only ones."""
    assert han_variant("国国 國國國 ") == "Hant"
    assert han_variant("国国国 國國 — Hangul 한국 ignored") == "Hans"
    assert set(count_scripts(SIMPLIFIED_ONLY + TRADITIONAL_ONLY)) == {"Hani"}


@pytest.mark.parametrize(
    ("text", "shortcut"),
    [
        pytest.param("阿塞拜疆和亚美尼亚的边界 Armenia", True, id="han-majority"),
        pytest.param("阿塞拜疆 Armenia and Azerbaijan talks", False, id="han-minority"),
        pytest.param("                         ", True, id="spaces-only-as-before"),
        pytest.param("", True, id="empty-as-before"),
        pytest.param("Ереван и Баку провели переговоры", False, id="no-han"),
        pytest.param("日本と阿塞拜疆の関係について", False, id="kana-is-not-the-shortcut"),
    ],
)
def test_plan_label_takes_the_han_shortcut_by_share_of_non_space_characters(text, shortcut):
    """Half the non-space characters Han and no kana/hangul: zh without the model (forced)."""
    sample, label = plan_label(Paragraph(text), force=True)
    assert (sample is None and label.language == "zh") is shortcut
