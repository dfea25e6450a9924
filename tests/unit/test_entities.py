"""Gazetteer matches, events and outlet names (dataset.build.entities) on inline samples."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset.build import entities as entities_module
from dataset.build.entities import (
    ENTITY_TYPES,
    LEXICON_DIR,
    annotate,
    find_entities,
    find_events,
    fold,
    load_lexicon,
    normalize_outlet,
)

# Languages every gazetteer entry must cover (issue 19 brief), and all the development set's.
REQUIRED_LANGUAGES = {"hy", "az", "ru", "tr", "fa", "ar", "zh", "vi", "fr", "de", "en", "es"}
DEVELOPMENT_LANGUAGES = REQUIRED_LANGUAGES | {
    "cs", "el", "et", "he", "hi", "hr", "id", "it", "ja", "ka", "kk", "ko", "nb", "nl", "pl", "ps",
    "pt", "ro", "sk", "sr", "uk", "ur"}


def counts(title: str | None, text: str | None) -> dict[str, int]:
    return {e["key"]: e["count"] for e in find_entities(title, text)}


# --- entity mentions: one sentence per language, written for these tests -----------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Armenian: case endings and articles (-ում, -ի, -ից, -ը) on the stem
        ("Փաշինյանը Երևանում ասաց, որ Ստեփանակերտից և Ադրբեջանի հետ բանակցում են:",
         {"person:nikol-pashinyan": 1, "place:yerevan": 1, "place:stepanakert": 1,
          "place:azerbaijan": 1}),
        # Azerbaijani: suffixes with and without an apostrophe
        ("Xankəndidə və Xankəndi'nə gələn nümayəndə heyəti Şuşaya, sonra Bakıya qayıtdı.",
         {"place:stepanakert": 2, "place:shusha": 1, "place:baku": 1}),
        # Russian: inflected forms, listed (Армении) and by suffix (Степанакерта, Лавровым)
        ("В Степанакерте и Ханкенди ждут Лаврова; из Армении прибыли гости, встреча с Лавровым.",
         {"place:stepanakert": 2, "person:sergey-lavrov": 2, "place:armenia": 1}),
        # Turkish: apostrophe suffixes and a declared suffix without one
        ("Erdoğan, Bakü'de Aliyev ile görüştü; Ermenistan'ın tepkisi Ermenistanda da konuşuldu.",
         {"person:recep-tayyip-erdogan": 1, "place:baku": 1, "person:ilham-aliyev": 1,
          "place:armenia": 2}),
        # Arabic: clitic prefixes و ب ال on the name
        ("وصل وزير الخارجية إلى باكو وبأرمينيا، وقال إن الاتحاد الأوروبي والاتحاد الأوروبي يدعمان.",
         {"place:baku": 1, "place:armenia": 1, "org:european-union": 2}),
        # Persian, with and without the zero-width non-joiner
        ("نیروهای حافظ صلح روسیه در قره\u200cباغ ماندند و ارمنستان از قرهباغ خبر داد.",
         {"org:russian-peacekeepers": 1, "place:nagorno-karabakh": 2, "place:armenia": 1}),
        # Chinese: no word boundaries; simplified and traditional forms
        ("普京与帕希尼扬和阿利耶夫在莫斯科会面，亞美尼亞和亚美尼亚代表团讨论纳卡局势。",
         {"person:vladimir-putin": 1, "person:nikol-pashinyan": 1, "person:ilham-aliyev": 1,
          "place:armenia": 2, "place:nagorno-karabakh": 1}),
        # Vietnamese diacritics
        ("Thủ tướng Armenia Nikol Pashinyan gặp Tổng thống Azerbaijan tại Nhà Trắng.",
         {"place:armenia": 1, "person:nikol-pashinyan": 1, "place:azerbaijan": 1}),
        # Hebrew: clitic prefixes, geresh or apostrophe, gershayim in an acronym-name
        ("שארל מישל ביקר בלאצ\u05f3ין ובלאצ'ין, ונאט\u05f4ו והצלב האדום שתקו.",
         {"person:charles-michel": 1, "place:lachin": 2, "org:nato": 1, "org:icrc": 1}),
        # Serbian: Cyrillic and Latin case forms of one entry
        ("Из Ганџе у Gandžu, преко Лачинског коридора и Lačinskog koridora.",
         {"place:ganja": 2, "place:lachin-corridor": 2}),
        # Georgian: stems with case endings (-ში, -ის); a vowel-final name whole
        ("ზანგეზურში და ფიზულიში ეუთოს მინსკის ჯგუფის წევრები ჩავიდნენ.",
         {"place:zangezur": 1, "place:fuzuli": 1, "org:osce-minsk-group": 1}),
        # Polish and Czech: inflected forms of multi-word names
        ("Przedstawiciele Czerwonego Krzyża i Rady Bezpieczeństwa ONZ; pozorovatelé EU přijeli.",
         {"org:icrc": 1, "org:un-security-council": 1, "org:euma": 1}),
        # Hindi, Urdu and Pashto: names as separate words
        ("लावरोव और ब्लिंकन ने लाचिन गलियारे पर बात की। لاوروف نے نیٹو کہا۔ ناټو او اروپايي ټولنه",
         {"person:sergey-lavrov": 2, "person:antony-blinken": 1, "place:lachin-corridor": 1,
          "org:nato": 2, "org:european-union": 1}),
        # Greek and Kazakh
        ("Ο Μπλίνκεν στην Ομάδα του Μινσκ. Гейдар Әлиев пен Шарль Мишельдің кездесуі.",
         {"person:antony-blinken": 1, "org:osce-minsk-group": 1, "person:heydar-aliyev": 1,
          "person:charles-michel": 1}),
    ],
    ids=["hy", "az", "ru", "tr", "ar", "fa", "zh", "vi", "he", "sr", "ka", "pl-cs", "hi-ur-ps",
         "el-kk"],
)
def test_mentions_across_scripts(text: str, expected: dict[str, int]) -> None:
    assert counts(None, text) == expected


def test_a_name_inside_a_longer_word_is_not_a_mention() -> None:
    # "Baku" in "Bakunin", "Armenia" in "Armenian", "Putin" in "Rasputin", "Goris" in "Gorisova"
    assert counts(None, "Bakunin read Rasputin; an Armenian scholar, Ms Gorisova, spoke.") == {}


def test_derived_adjectives_are_not_mentions_but_case_endings_are() -> None:
    text = "азербайджанский посол и армянская делегация прибыли в Азербайджан из Азербайджана"
    assert counts(None, text) == {"place:azerbaijan": 2}


def test_title_and_text_both_count() -> None:
    assert counts("Baku talks", "Talks in Baku.") == {"place:baku": 2}


def test_longest_name_wins_and_counts_once() -> None:
    found = counts(None, "Heydar Aliyev airport; Nagorno-Karabakh and the OSCE Minsk Group.")
    assert found == {"person:heydar-aliyev": 1, "place:nagorno-karabakh": 1,
                     "org:osce-minsk-group": 1}


def test_acronyms_are_case_sensitive() -> None:
    assert counts(None, "une réunion de l'UE et de l'OTAN") == {"org:european-union": 1,
                                                                "org:nato": 1}
    assert counts(None, "une eu otan") == {}


def test_armenian_ligature_spellings_meet() -> None:
    # reformed և, classical եւ and the capital ԵՎ spell the same name
    assert counts(None, "Ալիև Ալիեւ ԵՐԵՎԱՆ Երևան") == {"person:ilham-aliyev": 2, "place:yerevan": 2}


def test_handles_and_urls_are_not_mentions_but_slashes_in_prose_are() -> None:
    text = "@armenia_news https://example.org/armenia/news Armenia/Azerbaijan"
    assert counts(None, text) == {"place:armenia": 1, "place:azerbaijan": 1}


@pytest.mark.parametrize("text", ["", "   \n\t ", None])
def test_empty_and_whitespace_only(text: str | None) -> None:
    assert find_entities(text, text) == []
    assert find_events([], text, "en", None) == []


def test_result_shape_is_sorted_and_complete() -> None:
    found = find_entities("Pashinyan in Yerevan", "Pashinyan met Aliyev.")
    assert [e["key"] for e in found] == sorted(e["key"] for e in found)
    first = found[0]
    assert set(first) == {"key", "name", "type", "wikidata", "count"}
    assert first["type"] in ENTITY_TYPES and first["count"] >= 1


def test_fold_keeps_length_for_common_scripts() -> None:
    text = "Ադրբեջան Азербайджан أذربيجان 阿塞拜疆 Azərbaycan"
    assert len(fold(text)) == len(text)


def fold_by_definition(text: str) -> str:
    """The fold as the Definitions state it: the pairs, then casefolding, then Armenian եւ."""
    for old, new in entities_module._FOLD_PAIRS:
        text = text.replace(old, new)
    return text.casefold().replace("եւ", "եվ")


def test_fold_with_the_pairs_after_casefolding_agrees_on_every_code_point() -> None:
    # The pairs map code points one by one: "\0" (folded to itself) keeps each one's image apart.
    every = "\0".join(map(chr, range(1, 0x110000)))
    assert entities_module._fold_nfc(every).split("\0") == fold_by_definition(every).split("\0")


@pytest.mark.parametrize("text", [
    "İSTANBUL Əliyev", "ЁЛКА Ёж ёлка", "أذربيجان إيران آراء كيف على", "Ա ԵՎ Բ, և, եւ",
    "阿塞拜疆 Hà Nội", "l\u2019Arménie\u00a0d\u05f3x\u05f4", "", " \n ",
])
def test_fold_equals_its_definition(text: str) -> None:
    assert fold(text) == fold_by_definition(text)


# --- events ---------------------------------------------------------------------------------------

def test_a_later_repost_of_the_offensive_gets_the_offensive() -> None:
    text = ("Azerbaijan launched what it called an anti-terrorist operation in Nagorno-Karabakh; "
            "fighting stopped a day later.")
    found = find_entities(None, text)
    assert find_events(found, text, "en", dt.date(2024, 5, 2)) == ["2023-offensive"]


def test_context_words_need_the_date_window() -> None:
    text = "Fighting and shelling continued in Nagorno-Karabakh; soldiers were killed."
    found = find_entities(None, text)
    assert find_events(found, text, "en", dt.date(2020, 10, 12)) == ["2020-war"]
    assert find_events(found, text, "en", dt.date(2019, 3, 1)) == []


def test_background_reference_gives_way_to_the_event_in_its_window() -> None:
    text = ("Thousands of refugees fled Nagorno-Karabakh for Goris, decades after the First "
            "Karabakh War.")
    found = find_entities(None, text)
    assert find_events(found, text, "en", "2023-09-28") == ["2023-exodus"]


def test_one_year_of_a_long_war_is_background_not_a_report() -> None:
    text = ("Heavy fighting broke out again in Nagorno-Karabakh, a region held by Armenian "
            "forces since the 1994 ceasefire.")
    found = find_entities(None, text)
    assert find_events(found, text, "en", None) == []
    assert "place:nagorno-karabakh" in {e["key"] for e in found}
    text_hi = "नागोर्नो-काराबाख में फिर से भारी लड़ाई हुई; 1994 से यह इलाका विवादित है।"
    found_hi = find_entities(None, text_hi)
    assert "place:nagorno-karabakh" in {e["key"] for e in found_hi}
    assert find_events(found_hi, text_hi, "hi", None) == []


def test_a_long_war_named_by_its_years_twice_is_reported() -> None:
    text = "Veterans of the 1988-1994 war in Nagorno-Karabakh recalled the fighting of 1992."
    found = find_entities(None, text)
    assert find_events(found, text, "en", None) == ["first-war"]


def test_a_side_remark_of_another_kind_does_not_add_its_event() -> None:
    text = ("In 2023 fighting, shelling and drone attacks killed soldiers in Nagorno-Karabakh; "
            "one refugee family was seen on the road.")
    found = find_entities(None, text)
    assert find_events(found, text, "en", None) == ["2023-offensive"]
    both = text + " Refugees fled; the displaced and the refugees who fled filled Goris."
    assert find_events(find_entities(None, both), both, "en", None) == \
        ["2023-exodus", "2023-offensive"]


def test_new_languages_name_their_events() -> None:
    cases = [
        ("Válka trvající 44 dní skončila; po 44denní válce se Ázerbájdžán vrátil.", "cs",
         ["2020-war"]),
        ("Azerbejdżan rozpoczął operację antyterrorystyczną w Górskim Karabachu.", "pl",
         ["2023-offensive"]),
        ("Blokada Lačinskog koridora trajala je mjesecima.", "hr", ["lachin-blockade"]),
        ("Після вашингтонського саміту Вірменія та Азербайджан парафували угоду.", "uk",
         ["2025-peace-deal"]),
        ("De uittocht van de Armeniërs uit Nagorno-Karabach begon in 2023.", "nl",
         ["2023-exodus"]),
        ("המלחמה של 44 הימים הסתיימה; מלחמת 44 הימים שינתה את קרבאך.", "he", ["2020-war"]),
        ("44일 전쟁 이후 나고르노카라바흐에 러시아 평화유지군이 배치되었다.", "ko", ["2020-war"]),
        ("アゼルバイジャン軍の対テロ措置で、カラバフのアルメニア人が退避した。", "ja",
         ["2023-offensive"]),
        ("После 44-дневног рата у Нагорно-Карабаху.", "sr", ["2020-war"]),
        ("Терроризмге қарсы операция кезінде Әзербайжан әскері шабуылдады.", "kk",
         ["2023-offensive"]),
        ("ყარაბაღის მეორე ომის შემდეგ", "ka", ["2020-war"]),
        ("44 दिनों के युद्ध के बाद आर्मीनिया", "hi", ["2020-war"]),
        ("44 روزہ جنگ کے بعد آذربائیجان", "ur", ["2020-war"]),
        ("Pärast 44-päevast sõda jäi Mägi-Karabahh Aserbaidžaanile.", "et", ["2020-war"]),
        ("Etter firedagerskrigen i april var grensen rolig.", "nb", ["2016-april-war"]),
        ("Vašingtonska deklaracija i Trampov put", "sr", ["2025-peace-deal"]),
    ]
    for text, language, expected in cases:
        found = find_entities(None, text)
        assert find_events(found, text, language, None) == expected, (language, text)


@pytest.mark.parametrize(("text", "language"), [("44日間戦争の後、停戦が続いた。", "ja"),
                                                ("44일 전쟁 이후 휴전이 이어졌다.", "ko")])
def test_a_four_day_cue_is_not_read_inside_forty_four_days(text: str, language: str) -> None:
    strong, _ = entities_module._cue_counts([fold(text)], language, load_lexicon(), False)
    assert strong == {"2020-war": 1}


def test_a_cue_listed_in_several_languages_is_one_passing_mention() -> None:
    # "Tovuz" is a cue in six languages: one occurrence is still one background mention.
    text = "Fighting resumed in Nagorno-Karabakh, months after the clashes near Tovuz."
    found = find_entities(None, text)
    assert find_events(found, text, "en", dt.date(2020, 10, 5)) == ["2020-war"]


def test_undated_blockade_by_context_and_corridor() -> None:
    text = "Ռուս խաղաղապահները Լաչինի միջանցքը փակած ակտիվիստներին ժամանակ տվեցին:"
    found = find_entities(None, text)
    assert find_events(found, text, "hy", None) == ["lachin-blockade"]


def test_peace_deal_in_chinese_and_announced_summit() -> None:
    text = "特朗普在白宫见证亚美尼亚与阿塞拜疆签署和平协议，并宣布特朗普路线。"
    found = find_entities(None, text)
    assert find_events(found, text, "zh", dt.date(2025, 8, 9)) == ["2025-peace-deal"]
    assert find_events(found, text, "zh", dt.date(2025, 8, 1)) == ["2025-peace-deal"]


def test_events_that_had_not_happened_yet_are_dropped() -> None:
    text = "Trump route and a peace deal for Armenia were discussed in Washington."
    found = find_entities(None, text)
    assert find_events(found, text, "en", dt.date(2020, 10, 1)) == []


# --- the per-document path: annotate shares one fold between both matchers ----------------------

ANNOTATE_SAMPLES = [
    ("Փաշինյանը Երևանում", "Ադրբեջանի և ԵՄ ներկայացուցիչները Ստեփանակերտից հեռացան 2023 թ.:"),
    ("Карабах", "В Степанакерте и Ханкенди ЕС и ОБСЕ; боевые действия 2020 года в Карабахе."),
    (None, "وصل وزير الخارجية إلى باكو وبأرمينيا بعد حرب ٢٠٢٠ و2020 في قرهباغ."),
    ("纳卡", "阿塞拜疆在纳卡发动反恐行动，亚美尼亚难民2023年抵达戈里斯。"),
    ("Chiến sự", "Azerbaijan và Armenia giao tranh ở Nagorno-Karabakh năm 2020; Aİ, EU nói."),
    ("Straße", "Die EU-Mission in Armenien; ß und Ǆ und İlham Əliyev in Bakı, 2016."),
    ("", "   \n\t "),
    (None, None),
]


@pytest.mark.parametrize(("title", "text"), ANNOTATE_SAMPLES)
@pytest.mark.parametrize("day", [None, dt.date(2020, 10, 1), dt.date(2024, 5, 2)])
def test_annotate_answers_as_the_public_matchers(title: str | None, text: str | None,
                                                 day: dt.date | None) -> None:
    found = find_entities(title, text)
    events = find_events(found, text, "en", day, title=title)
    result = annotate(title, text, "en", day, "Reuters", None)
    assert result.entities == tuple((e["key"], e["name"], e["type"], e["wikidata"], e["count"])
                                    for e in found)
    assert result.events == tuple(events)
    assert (result.publisher, result.outlet_country) == ("Reuters", "GB")


YEAR_EXPRESSION = re.compile(r"(?:19[89]|20[0-4])\d")  # the definition _year_counts implements


def years_by_expression(text: str) -> set[str]:
    return {m.group() for m in YEAR_EXPRESSION.finditer(text)
            if (m.start() == 0 or not text[m.start() - 1].isdigit())
            and (m.end() == len(text) or not text[m.end()].isdigit())}


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="0123489 ٢٠١٩²x", max_size=14))
def test_years_are_the_expression_s_years(text: str) -> None:
    assert set(entities_module._year_counts(text)) == years_by_expression(text)


def test_years_in_prose() -> None:
    text = "1988-2020, 12020, 2049 and 2050, ١٩٩٤, 1979 or 19999; 2023"
    assert set(entities_module._year_counts(text)) == {"1988", "2020", "2049", "2023"}


def test_character_tables_give_the_same_answers_after_clearing(monkeypatch) -> None:
    monkeypatch.setattr(entities_module, "CHAR_TABLE_LIMIT", 2)
    table = entities_module._CharTable(str.isalpha)
    answers = [table[c] for c in "aβ1 ա中"]
    assert answers == [c.isalpha() for c in "aβ1 ա中"] and len(table) <= 2


def test_outlet_answers_are_kept_and_bounded(monkeypatch) -> None:
    monkeypatch.setattr(entities_module, "OUTLET_MEMO", 2)
    names = ["Reuters", "路透社", "Unknown Gazette", "Reuters"]
    first = [normalize_outlet(n) for n in names]
    assert first == [normalize_outlet(n) for n in names]
    assert first == [("Reuters", "GB"), ("Reuters", "GB"), None, ("Reuters", "GB")]
    assert len(load_lexicon().outlet_memo) <= 2


# --- outlets --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "expected"),
    [("Reuters", ("Reuters", "GB")), ("路透社", ("Reuters", "GB")), ("  ТАСС ", ("TASS", "RU")),
     ("新华社", ("Xinhua News Agency", "CN")), ("Armenpress", ("Armenpress", "AM")),
     ("BBC News Русская служба", ("BBC", "GB")), ("الجزيرة", ("Al Jazeera", "QA")),
     ("(EFE)", ("Agencia EFE", "ES")), ("Eddiba Sports", ("Eddiba Sports", None))],
)
def test_normalize_outlet(name: str, expected: tuple[str, str | None]) -> None:
    assert normalize_outlet(name) == expected


@pytest.mark.parametrize("name", ["Unknown Gazette", "", "   ", None, "AP-style blog"])
def test_unknown_outlets_stay_unknown(name: str | None) -> None:
    assert normalize_outlet(name) is None


# --- the data files -------------------------------------------------------------------------------

def test_every_entry_covers_the_required_languages() -> None:
    for filename in ("places.yaml", "people.yaml", "organizations.yaml"):
        for raw in yaml.safe_load((LEXICON_DIR / "gazetteer" / filename).read_text("utf-8")):
            missing = REQUIRED_LANGUAGES - set(raw["names"])
            assert not missing, f"{raw['key']} lacks names in {sorted(missing)}"


def test_every_entry_has_names_in_every_development_language_or_is_listed_without() -> None:
    """Both ways: a missing (language, entry) pair is listed in missing_names.yaml with its
    kind of reason, and a listed pair really lacks names (the list shrinks as names come)."""
    gazetteer = LEXICON_DIR / "gazetteer"
    listed_file = yaml.safe_load((gazetteer / "missing_names.yaml").read_text("utf-8"))
    assert set(listed_file) == {"unknown", "homographs"}
    listed = {(lang, key) for lang, keys in listed_file["unknown"].items() for key in keys}
    homographs = listed_file["homographs"]
    assert all(str(reason).strip() for reasons in homographs.values()
               for reason in reasons.values())
    listed |= {(lang, key) for lang, reasons in homographs.items() for key in reasons}
    missing = set()
    for filename in ("places.yaml", "people.yaml", "organizations.yaml"):
        for raw in yaml.safe_load((gazetteer / filename).read_text("utf-8")):
            assert set(raw["names"]) <= DEVELOPMENT_LANGUAGES, raw["key"]
            missing |= {(lang, raw["key"]) for lang in DEVELOPMENT_LANGUAGES - set(raw["names"])}
    assert not sorted(missing - listed), "names missing and not listed in missing_names.yaml"
    assert not sorted(listed - missing), "listed in missing_names.yaml but names exist"
    assert not {lang for lang, _ in listed} & REQUIRED_LANGUAGES


def test_verified_fields_name_their_source() -> None:
    lexicon = load_lexicon()
    for filename in ("places.yaml", "people.yaml", "organizations.yaml"):
        for raw in yaml.safe_load((LEXICON_DIR / "gazetteer" / filename).read_text("utf-8")):
            if raw.get("coordinates"):
                assert str(raw.get("source", "")).count("http") >= 1, raw["key"]
            if raw.get("wikidata"):  # a page address, or a stored repository file at a commit
                where = str(raw.get("wikidata_source") or raw.get("source") or "")
                assert "http" in where or re.search(r"commit [0-9a-f]{40}", where), raw["key"]
                assert re.fullmatch(r"Q[1-9][0-9]*", raw["wikidata"]), raw["key"]
            if raw.get("coordinates") is None and raw["type"] == "place":
                assert raw.get("note"), f"{raw['key']}: say why there are no coordinates"
    places = [e for e in lexicon.entries.values() if e.coordinates]
    assert all(38 < lat < 42 and 44 < lon < 50 for lat, lon in (e.coordinates for e in places))


def test_required_events_and_their_dates() -> None:
    events = load_lexicon().events
    assert {"first-war", "2016-april-war", "2020-july-clashes", "2020-war",
            "2022-september-clashes", "lachin-blockade", "2023-offensive", "2023-exodus",
            "2025-peace-deal"} <= set(events)
    assert (events["first-war"].start, events["first-war"].end) == \
        (dt.date(1988, 2, 20), dt.date(1994, 5, 12))
    assert (events["2020-war"].start, events["2020-war"].end) == \
        (dt.date(2020, 9, 27), dt.date(2020, 11, 10))
    assert (events["2023-offensive"].start, events["2023-offensive"].end) == \
        (dt.date(2023, 9, 19), dt.date(2023, 9, 20))
    raw = yaml.safe_load((LEXICON_DIR / "events.yaml").read_text("utf-8"))["events"]
    for event in raw:
        for side in ("start", "end"):
            assert (event[side] is None) == (event["sources"][side] is None) or event.get("note")


def test_a_name_listed_for_two_entries_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, copy)
    people = copy / "gazetteer" / "people.yaml"
    entries = yaml.safe_load(people.read_text("utf-8"))
    entries[0]["names"]["en"].append("Baku")
    people.write_text(yaml.safe_dump(entries, allow_unicode=True), "utf-8")
    with pytest.raises(ValueError, match=r"baku.*listed for both"):
        load_lexicon(copy)


@pytest.mark.parametrize(
    "text",
    [
        "Nagorno-Karabakh, Karabakh and the Karabakh region; Heydar Aliyev, Ilham Aliyev.",
        "Азербайджан и Армения: переговоры в Ереване, Баку и Степанакерте.",
        "ناگورنو قره باغ و ارمنستان و جمهوری آذربایجان در باکو",
        "纳戈尔诺-卡拉巴赫 阿塞拜疆 亚美尼亚 巴库 埃里温",
        "Hà Nội: Azerbaijan và Armenia, Lachin, UN, EU, OSCE; une union européenne",
        "Ստեփանակերտ Երևան եւ Բաքու",
        "",
        "   ",
    ],
)
def test_one_overlapping_pass_gives_the_leftmost_longest_name_hits(text: str) -> None:
    """The matcher's name hits are what a leftmost-longest automaton over the names finds."""
    import ahocorasick_rs

    lexicon = load_lexicon()
    names = lexicon.names
    longest = ahocorasick_rs.MatchKind.LeftmostLongest
    alone = ahocorasick_rs.AhoCorasick(names.keys, matchkind=longest)
    folded = fold(text)
    expected = [(names.patterns[i], start, end)
                for i, start, end in alone.find_matches_as_indexes(folded)]
    matcher = lexicon.matcher
    assert matcher.name_hits(matcher.find(folded)) == expected
