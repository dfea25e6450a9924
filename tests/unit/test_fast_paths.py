"""Speed pre-checks of dataset.build.clean / metadata / read answer as the full rules do.

Each pre-check skips work only when the full rule cannot match; these properties compare them on
generated text rich in the characters the rules look at (mojibake pairs, Unicode spaces, dates).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from itertools import chain, repeat
from unittest import mock

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dataset.build.clean import (
    BREADCRUMB_HINT,
    BREADCRUMB_SEPARATOR,
    COPYRIGHT_OPENING,
    COPYRIGHT_PHRASES,
    CREDIT_LINE,
    FOLLOW_PHRASES,
    HOME_WORDS,
    INVISIBLE,
    KEY_MAX,
    LABEL_LINE,
    LEXICON,
    MOJIBAKE_AT_TRAIL,
    MOJIBAKE_HINT,
    NOTICE_LINE_MAX,
    NOTICE_PHRASE_RAW,
    NOTICE_TRIGGERS,
    ODD_CHARACTER,
    OPENING_LINE_MAX,
    OTHER_LINE_BREAKS,
    OTHER_SPACE,
    READ_ALSO_CAPS,
    READ_ALSO_KEY_PREFIXES,
    READ_ALSO_LABELLED,
    SHARE_MULTIWORD,
    STOPLIST_INDEX,
    STOPLIST_MIN_HITS,
    STOPLIST_SAMPLE_CHARS,
    STOPLIST_VALUES,
    WORD_EDGE_PUNCTUATION,
    StopwordDensity,
    alternation,
    choose_stoplist,
    classify_line,
    classify_lines,
    classify_phrases,
    classify_shape,
    ends_sentence,
    find_line_phrases,
    find_phrases,
    fix_mojibake,
    has_breadcrumb_separator,
    has_irregular_spaces,
    has_letter,
    has_read_also_prefix,
    is_breadcrumb,
    is_notice,
    looks_like_mojibake,
    match_key,
    needs_repair,
    normalize_text,
    normalized_lines,
    stopword_density,
)
from dataset.build.metadata import (
    BREAKING_LABEL,
    DATE_HINT,
    DATE_PATTERN_WORDS,
    DATE_PATTERNS,
    DATELINE_COMMA_MAX,
    DATELINE_CREDIT,
    DATELINE_DASH_CREDIT,
    DATELINE_OPEN_MAX,
    DIGIT,
    FOUR_DIGITS,
    PHRASES,
    SOURCE_CREDIT,
    STARTS_WITH_DIGIT,
    STARTS_WITH_YEAR,
    TITLE_SUFFIX,
    WIRE_DATELINE_COMMON,
    WIRE_DATELINES,
    YEAR_FIRST,
    breaking_label,
    date_pattern_candidates,
    find_title_index,
    may_end_with_title_suffix,
    parse_date_match,
)
from dataset.build.read import _CONTROL, count_controls

# The phrase regexes the byte-level search in find_phrases replaced: the reference it must equal.
FOLLOW_PHRASE = re.compile(alternation(FOLLOW_PHRASES))
COPYRIGHT_PHRASE = re.compile(alternation(COPYRIGHT_PHRASES))

MOJIBAKE_ALPHABET = "abéÂÃßàâïôõ©\u0080¿«»’“—€™\ufffd ?\n"
SPACE_ALPHABET = "ab \n\t\r\u00a0\u2003\u3000\u202f\u0085\x1c\x1f"
# Invisible characters, odd line breaks and spaces, decomposed and composed accents (NFC).
NORMALIZE_ALPHABET = "aé e\u0301Ư\u1ee9 \n\r\t\u00a0\u2000\u2028\u200b\u00ad\ufeff\u061cس\u200c"
DATE_ALPHABET = "0123456789 ,./-年月日号년월일ngàyTHÁNGtháng thgnămMaiSeptembre"
SEPARATOR_ALPHABET = "ab -|｜–—›»>/•·→⟩\u00a0\t"
# Long suffixes and whitespace runs, so that separators sit on both sides of the suffix window.
SUFFIX_ALPHABET = "aé世 \u00a0\t\n-|｜–—"
DIGIT_ALPHABET = "a 0123456789.٣۴०"
# C0 and C1 controls (U+0085 is a line break, not counted), tab/newline, and multi-byte letters.
CONTROL_ALPHABET = "a\x00\x08\t\n\x0e\x1f\x7f\x80\x84\x85\x86\x9f\xa0\xc2é€世\U0001f600"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=MOJIBAKE_ALPHABET, max_size=12))
def test_mojibake_gate_agrees_with_the_signature_regex(text):
    assert looks_like_mojibake(text) == (MOJIBAKE_HINT.search(text) is not None)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=MOJIBAKE_ALPHABET + "\u00a0\u00ad\u0085Ÿ–", max_size=12))
def test_trail_first_signature_finds_the_texts_the_signature_regex_finds(text):
    assert (MOJIBAKE_AT_TRAIL.search(text) is None) == (MOJIBAKE_HINT.search(text) is None)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=MOJIBAKE_ALPHABET + NORMALIZE_ALPHABET + "\x85\u00a0", max_size=12))
def test_repair_scan_answers_both_gates(text):
    expected = (looks_like_mojibake(text), ODD_CHARACTER.search(text) is not None)
    assert needs_repair(text) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=SPACE_ALPHABET, max_size=12))
def test_irregular_spaces_iff_collapsing_changes_the_text(text):
    collapsed = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    assert has_irregular_spaces(text) == (collapsed != text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=NORMALIZE_ALPHABET, max_size=16))
@example("é\xa0\xa0\r\ufeff\n")  # looks like mojibake: ftfy unifies its breaks first
def test_normalize_fast_path_gives_the_full_passes_result(text):
    full = INVISIBLE.sub("", fix_mojibake(text)[0])
    full = unicodedata.normalize("NFC", full).replace("\r\n", "\n").replace("\r", "\n")
    lines = OTHER_LINE_BREAKS.sub("\n", full).split("\n")
    full = "\n".join(" ".join(line.split()) for line in lines)
    assert normalize_text(text) == full


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=NORMALIZE_ALPHABET + SPACE_ALPHABET + MOJIBAKE_ALPHABET, max_size=16))
def test_normalized_lines_are_the_lines_of_the_normalized_text(text):
    assert normalized_lines(text) == [line for line in normalize_text(text).split("\n") if line]


def test_odd_character_is_any_character_the_passes_change():
    for char in map(chr, range(0x10000)):
        changed = INVISIBLE.match(char) or OTHER_LINE_BREAKS.match(char) or OTHER_SPACE.match(char)
        assert (ODD_CHARACTER.match(char) is not None) == (changed is not None), hex(ord(char))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=DATE_ALPHABET, max_size=30))
def test_date_patterns_skipped_only_without_their_words(text):
    lowered = text.lower()
    for name, pattern in DATE_PATTERNS:
        words = DATE_PATTERN_WORDS.get(name)
        if words is not None and pattern.search(text):
            assert any(word in lowered for word in words), name


# Numbers and words of dates in several calendars and scripts, and what may join them.
DATE_TOKENS = ("5", "12", "31", "2023", "1399", "۱۸", "۱۳۹۹", "20231")
DATE_TOKENS += ("Mai", "mars", "март", "مهر", "de", "st", "г.", "vom")
DATE_JOINS = (" ", "/", "-", ".", ", ", "年", "月", "日", "년 ", "월 ", "일", " tháng ", "ngày ")
ONE_DATE_PER_PATTERN = {
    "iso": "Cập nhật 2023/9/20 10:00",
    "day_first": "Publié le 08.09.2023",
    "cjk": "发布时间：2023年9月20日",
    "korean": "2023년 9월 20일",
    "cjk_wordpress_dmy": "16 6 月, 2024",
    "cjk_wordpress_mdy": "6 月 16, 2024",
    "vietnamese": "ngày 20 tháng 9 năm 2023",
    "day_month_name": "5 марта 2021 г.",
    "month_name_day": "May 1st, 2024",
    "jalali": "۱۸ مهر ۱۳۹۹",
    "year_day_month_name": "2020 жылғы 12 желтоқсан",
    "year_month_name_day": "2020. december 12.",
    "short_year": "vom 27.10.20",
}


LATE_TODAY = dt.date(2100, 1, 1)  # every year of DATE_TOKENS is before it


def candidate_names(text: str) -> set[str]:
    """The names date_pattern_candidates keeps for a line (none without a digit)."""
    digit = DIGIT.search(text)
    return {name for name, _ in date_pattern_candidates(text, digit.start())} if digit else set()


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(DATE_TOKENS), st.sampled_from(DATE_JOINS)), max_size=6))
def test_date_patterns_left_out_only_when_they_cannot_give_a_date(pieces):
    text = "".join(token + join for token, join in pieces)
    kept = candidate_names(text)
    for name, pattern in DATE_PATTERNS:
        if any(parse_date_match(name, m, LATE_TODAY) for m in pattern.finditer(text)):
            assert name in kept, name


SEARCH_TOKENS = ("ngày", "x", "9999", "٣")  # a word before the digits, a long year, Arabic digit


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(DATE_TOKENS + SEARCH_TOKENS), st.sampled_from(DATE_JOINS)),
        max_size=6,
    )
)
def test_date_patterns_searched_from_the_first_digit_find_every_match(pieces):
    text = "".join(token + join for token, join in pieces)
    assert STARTS_WITH_YEAR <= YEAR_FIRST  # find_date relies on the four digits being there
    for name, pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if name in STARTS_WITH_DIGIT:
                assert DIGIT.match(text, match.start()), name
            if name in STARTS_WITH_YEAR:
                assert FOUR_DIGITS.match(text, match.start()), name


def test_each_date_pattern_is_kept_for_its_own_form():
    patterns = dict(DATE_PATTERNS)
    assert set(ONE_DATE_PER_PATTERN) == set(patterns)
    for name, text in ONE_DATE_PER_PATTERN.items():
        assert patterns[name].search(text), name
        assert name in candidate_names(text), name
    assert candidate_names("Armenia, 2023: no day here") == set()
    # a year before the date: the first run of digits is four long, the date's year comes later
    assert {"day_first", "day_month_name"} <= candidate_names("1999 - 08.09.2023, 5 марта 2021")


# Header lines: headlines with and without a full stop (same key), short labels, a list item,
# an Armenian line ending with ":", whitespace, and prose (the first prose line ends the header).
HEADER_PIECES = (
    "Peace talks resume in Geneva",
    "Переговоры возобновились в Женеве.",
    "越南与柬埔寨举行边境会谈。",
    "بيروت تستضيف مؤتمرا إقليميا للسلام",
    "Հայաստանը հայտարարեց նոր ծրագրի մասին:",
    "Мировые новости дня",  # a short label (three words)
    "   ",
    "The ministers met on Tuesday and agreed on a timetable for the next round of talks. " * 2,
)


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(st.sampled_from(HEADER_PIECES), min_size=1, max_size=10),
    st.frozensets(st.integers(0, 9), max_size=2),
)
def test_title_search_skips_lines_below_only_when_they_cannot_change_it(lines, excluded):
    today = dt.date(2026, 1, 1)
    found = find_title_index(lines, excluded, today)
    with mock.patch("dataset.build.metadata.repeats_below_may_matter", return_value=True):
        assert find_title_index(lines, excluded, today) == found


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=SEPARATOR_ALPHABET, max_size=16))
def test_separator_hints_cover_every_separator(text):
    if len([p for p in BREADCRUMB_SEPARATOR.split(text) if p]) >= 2:
        assert BREADCRUMB_HINT.search(text)
    assert has_breadcrumb_separator(text) == (BREADCRUMB_HINT.search(text) is not None)


def breadcrumb_by_parts(line: str) -> bool:
    """is_breadcrumb without its separator and sentence-end gate (kept here as the reference)."""
    parts = [p for p in BREADCRUMB_SEPARATOR.split(line) if p]
    if len(line) > 120 or len(parts) < 2:
        return False
    if any(len(p.split()) > 3 or ends_sentence(p) for p in parts):
        return False
    return match_key(parts[0]) in HOME_WORDS or (
        len(parts) >= 3 and all(len(p.split()) <= 2 for p in parts)
    )


# Separators (some also closing marks: » ›), sentence ends, closing marks, words, a home word.
CRUMB_PARTS = [" | ", " › ", "»", "›", " - ", "-", "/", "·", ".", "。", "?", ")", "”", " ", "a"]
CRUMB_PARTS += ["Tin", "新闻", "Новости", sorted(HOME_WORDS)[0], "x" * 40]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(CRUMB_PARTS), max_size=10))
def test_breadcrumb_gate_skips_only_lines_that_are_no_trail(parts):
    line = "".join(parts)
    assert is_breadcrumb(line) == breadcrumb_by_parts(line)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=SUFFIX_ALPHABET, max_size=120))
def test_title_suffix_skipped_only_without_a_separator_in_its_window(text):
    if TITLE_SUFFIX.search(text):
        assert may_end_with_title_suffix(text)


def test_title_suffix_window_reaches_a_bar_before_a_run_of_spaces():
    # "Заголовок новости |" + 60 spaces + a 3-letter site: the bar is 63 characters from the end
    text = "Заголовок новости |" + " " * 60 + "ТАСС"
    assert TITLE_SUFFIX.search(text) and may_end_with_title_suffix(text)
    assert not may_end_with_title_suffix("Armenia - Azerbaijan talks" + " continue" * 6)
    assert not may_end_with_title_suffix("")
    assert not may_end_with_title_suffix("越南 — " + "长" * 50)


BREAKING_PIECES = (
    *sorted(PHRASES["breaking_labels"])[:6],
    *(p.upper() for p in sorted(PHRASES["breaking_labels"])[:3]),
    "\u0640", ":", " : ", "!", " - ", " ", "Ünal", "ß", "Шуша", "Հայաստան", "越南", "عاجل", "x",
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(BREAKING_PIECES), max_size=6))
def test_breaking_label_gate_keeps_every_label(pieces):
    line = "".join(pieces)
    expected = BREAKING_LABEL.pattern.match(line.replace("\u0640", ""))
    found = breaking_label(line)
    assert (found and found.span()) == (expected and expected.span())


# Pieces of lead datelines and credit lines in several scripts, and what joins them.
CREDIT_PIECES = (
    "Shusha", "ЕРЕВАН", "Hà Nội", "بغداد", "巴库", "Երևան", ", ", ",", " ", "(", ")", "（", "）",
    "(EFE)", "(VOVWORLD)", " – ", " — ", "-", ".", ". ", "Sputnik", "8 апреля", "Jan 16", ":", "：",
    "Source", "Nguồn", "来源", "新华社", "中新社", "巴库", "9月20日", "2023年", "电", "消息",
    "x" * 35,
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(CREDIT_PIECES), max_size=10))
def test_credit_regexes_are_skipped_only_on_lines_they_cannot_match(pieces):
    line = "".join(pieces)
    if DATELINE_CREDIT.match(line):
        assert "(" in line[:DATELINE_OPEN_MAX]
    if DATELINE_DASH_CREDIT.match(line):
        assert "," in line[:DATELINE_COMMA_MAX]
    if SOURCE_CREDIT.match(line):
        assert ":" in line or "：" in line
    for literals, pattern in WIRE_DATELINES:
        if pattern.match(line):
            assert all(part in line for part in (*literals, *WIRE_DATELINE_COMMON))


def test_each_credit_form_passes_its_pre_check():
    assert DATELINE_CREDIT.match("Shusha, Jan 16 (EFE).- Texto")
    assert DATELINE_DASH_CREDIT.match("ЕРЕВАН, 8 апреля – Sputnik. Текст")
    assert any(pattern.match("新华社巴库9月20日电（记者）") for _, pattern in WIRE_DATELINES)
    assert WIRE_DATELINE_COMMON == ("月",)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=DIGIT_ALPHABET, max_size=12))
def test_date_hint_needs_a_digit(text):
    if DATE_HINT.search(text):
        assert DIGIT.search(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=CONTROL_ALPHABET, max_size=20))
def test_control_count_from_utf8_bytes_equals_the_regex_count(text):
    assert count_controls(text, text.encode("utf-8")) == len(_CONTROL.findall(text))
    assert count_controls(text) == len(_CONTROL.findall(text))


def notice_words_hold_a_trigger(line: str) -> bool:
    """The word test is_notice made before its trigger finder (kept here as the reference)."""
    words = line.casefold().split()
    stripped = [w.strip(WORD_EDGE_PUNCTUATION) for w in words]
    return not (NOTICE_TRIGGERS.isdisjoint(words) and NOTICE_TRIGGERS.isdisjoint(stripped))


# Trigger words, whole notice phrases (capitalised too) and what may stick to a word's edges.
NOTICE_PARTS = [
    *sorted(NOTICE_TRIGGERS)[:12],
    *sorted(LEXICON["notices"])[:6],
    *(p.upper() for p in sorted(LEXICON["notices"])[:3]),
    *["«", "».", "(", "x", "Ω", "ß", "世界", " ", " "],
]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(NOTICE_PARTS), max_size=8))
def test_notice_trigger_finder_skips_only_lines_without_a_trigger_word(parts):
    line = "".join(parts).strip() or "x"
    expected = notice_words_hold_a_trigger(line) and NOTICE_PHRASE_RAW.search(line.casefold())
    assert is_notice(line) == bool(expected)


# Pieces of furniture lines (phrases of every table, capitalised too), multilingual prose, and
# what separates or ends them; joined they make lines that several rules look at.
LINE_PARTS = [
    *(sorted(LEXICON[name])[0] for name in LEXICON if name != "stoplist" and LEXICON[name]),
    *sorted(LEXICON["follow"])[:4],
    *sorted(LEXICON["copyright"])[:4],
    *sorted(LEXICON["read_also"])[:4],
    *sorted(LEXICON["label_prefixes"])[:4],
    *sorted(NOTICE_TRIGGERS)[:4],
    *SHARE_MULTIWORD,
    *(p.upper() for p in sorted(LEXICON["read_also"])[:2]),
    *["©", "(c) 2024", "Copyright", ": ", " | ", " › ", "/", "https://t.me/x", "<img>", "?"],
    *["Ảnh: AP", "(Photo/AP)", "Hà Nội", "世界新闻", "الأخبار", "Новости", "Հայաստան", "ß"],
    *(p.upper() for p in sorted(LEXICON["channel_names"])[:2]),
    *sorted(LEXICON["channel_names"])[-2:],
    *["#Tin", "728 x 90", "en_US", " = ", "]", "）", "：", "Photo by ", "<b>", "사진=", "Ảnh 1."],
    *[" ", " ", "\n", "2024", "x" * 120],
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(LINE_PARTS), max_size=6), max_size=8),
    st.sets(st.integers(0, 7), max_size=3),
)
def test_classify_lines_answers_as_each_line_alone(parts, skip):
    lines = ["".join(line).strip() or "x" for line in parts]
    expected = [None if i in skip else classify_line(line) for i, line in enumerate(lines)]
    assert classify_lines(lines, frozenset(skip)) == expected


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(LINE_PARTS), max_size=6), min_size=1, max_size=6))
def test_found_phrases_are_those_the_patterns_find(parts):
    lines = ["".join(line).strip() or "x" for line in parts]
    keys = [match_key(line) for line in lines]
    for line, key, found in zip(lines, keys, find_phrases(lines, keys), strict=True):
        assert find_line_phrases(line, key) == found
        assert ("follow" in found) == (FOLLOW_PHRASE.search(key) is not None)
        assert ("copyright" in found) == (COPYRIGHT_PHRASE.search(key) is not None)
        assert ("share" in found) == any(phrase in key for phrase in SHARE_MULTIWORD)
        folded = line.casefold()
        assert ("notice" in found) == (
            len(line) <= NOTICE_LINE_MAX and any(word in folded for word in NOTICE_TRIGGERS)
        )
        openers = (READ_ALSO_CAPS, READ_ALSO_LABELLED, LABEL_LINE, COPYRIGHT_OPENING, CREDIT_LINE)
        if len(line) <= OPENING_LINE_MAX and any(pattern.match(line) for pattern in openers):
            assert "opening" in found


def classify_every_rule(line: str) -> str | None:
    """classify_line trying every rule, without may_be_furniture (kept here as the reference)."""
    if not has_letter(line):
        return "no_letters"
    key = match_key(line) if len(line) <= KEY_MAX else None
    return classify_shape(line) or classify_phrases(line, key, find_phrases([line], [key])[0])


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(LINE_PARTS), min_size=1, max_size=6))
def test_furniture_gate_skips_only_lines_no_rule_matches(parts):
    line = "".join(parts).strip() or "x"
    assert classify_line(line) == classify_every_rule(line)


# Words of several stop lists, Han, kana and Hangul: lines measured with and without a list.
DENSITY_PARTS = ["the", "and", "of", "le", "et", "của", "và", "في", "من", "и", "в"]
DENSITY_PARTS += ["東京", "ひらがな", "カタカナ", "新闻", "한국", "word", "x", "1"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(DENSITY_PARTS), min_size=1, max_size=8), max_size=6))
def test_density_skips_choosing_a_list_only_where_none_is_used(parts):
    lines = [" ".join(words) for words in parts]
    density = StopwordDensity(lines)
    stoplist = choose_stoplist(lines)
    assert [density(line) for line in lines] == [stopword_density(x, stoplist) for x in lines]


def choose_stoplist_by_word(lines: list[str]) -> frozenset[str] | None:
    """choose_stoplist counting each word's lists one word at a time (kept as the reference)."""
    words = " ".join(lines)[:STOPLIST_SAMPLE_CHARS].lower().split()
    hits = Counter(chain.from_iterable(map(STOPLIST_INDEX.get, words, repeat(()))))
    if not hits:
        return None
    number = min(hits, key=lambda n: (-hits[n], n))
    return STOPLIST_VALUES[number] if hits[number] >= STOPLIST_MIN_HITS else None


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(DENSITY_PARTS), min_size=1, max_size=12), max_size=8))
def test_stoplist_counted_per_distinct_word_is_the_same_choice(parts):
    lines = [" ".join(words) for words in parts]
    assert choose_stoplist(lines) is choose_stoplist_by_word(lines)


def test_letter_test_answers_as_the_letter_regex_for_every_character():
    letter = re.compile(r"[^\W\d_]")
    for char in map(chr, range(0x10000)):
        for line in (char, f"{char}1", f"1{char}", f"- {char}"):
            assert has_letter(line) == (letter.search(line) is not None), repr(line)
    assert not has_letter("")


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from([*READ_ALSO_KEY_PREFIXES, "", " ", "x", "читайте", "另见"]),
    st.text(max_size=4),
)
def test_read_also_prefix_gate_answers_as_startswith(head, tail):
    for key in (head + tail, head.strip() + tail, tail):
        assert has_read_also_prefix(key) == f"{key} ".startswith(READ_ALSO_KEY_PREFIXES)


def lookbehind_first(pattern: str) -> str:
    """A date pattern written the plain way: "(?<!\\d)" before the group, not after its digit."""
    return re.sub(r"\(\?P<(\w+)>\\d\(\?<!\\d\\d\)", r"(?<!\\d)(?P<\1>\\d", pattern)


PLAIN_DATE_PATTERNS = {
    name: re.compile(lookbehind_first(pattern.pattern), pattern.flags)
    for name, pattern in DATE_PATTERNS
}
PLAIN_DATE_HINT = re.compile(r"(?<!\d)\d{4}(?!\d)|\d\.\d{2}(?![\d.])")


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(DATE_TOKENS + SEARCH_TOKENS), st.sampled_from(DATE_JOINS)),
        max_size=6,
    ),
    st.integers(0, 8),
)
def test_digit_first_date_patterns_match_as_the_plain_lookbehind_forms(pieces, start):
    text = "".join(token + join for token, join in pieces)
    assert (DATE_HINT.search(text, start) is None) == (PLAIN_DATE_HINT.search(text, start) is None)
    for name, pattern in DATE_PATTERNS:
        plain = PLAIN_DATE_PATTERNS[name]
        found = [(m.span(), m.groupdict()) for m in pattern.finditer(text, start)]
        assert found == [(m.span(), m.groupdict()) for m in plain.finditer(text, start)], name


def test_the_plain_forms_are_other_patterns_that_agree_on_dates():
    rewritten = [n for n, p in DATE_PATTERNS if PLAIN_DATE_PATTERNS[n].pattern != p.pattern]
    assert {"iso", "day_first", "day_month_name", "jalali", "year_month_name_day"} <= set(rewritten)
    for text in ("2023/9/20", "08.09.2023", "5 марта 2021", "12023/9/20", "108.09.2023"):
        assert (DATE_HINT.search(text) is None) == (PLAIN_DATE_HINT.search(text) is None)
    patterns = dict(DATE_PATTERNS)
    assert patterns["iso"].search("12023/9/20") is None  # no digit before the year
    assert patterns["day_first"].search("108.09.2023") is None
    assert patterns["day_first"].search("x08.09.2023").span() == (1, 11)
