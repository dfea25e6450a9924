"""Speed pre-checks of dataset.build.clean / metadata / read answer as the full rules do.

Each pre-check skips work only when the full rule cannot match; these properties compare them on
generated text rich in the characters the rules look at (mojibake pairs, Unicode spaces, dates).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from itertools import chain, repeat

from hypothesis import given, settings
from hypothesis import strategies as st

from dataset.build.clean import (
    BREADCRUMB_HINT,
    BREADCRUMB_SEPARATOR,
    COPYRIGHT_OPENING,
    COPYRIGHT_PHRASE,
    CREDIT_LINE,
    FOLLOW_PHRASE,
    INVISIBLE,
    KEY_MAX,
    LABEL_LINE,
    LEXICON,
    MOJIBAKE_HINT,
    NOTICE_LINE_MAX,
    NOTICE_PHRASE_RAW,
    NOTICE_TRIGGERS,
    ODD_CHARACTER,
    OPENING_LINE_MAX,
    OTHER_LINE_BREAKS,
    OTHER_SPACE,
    READ_ALSO_CAPS,
    READ_ALSO_LABELLED,
    SHARE_MULTIWORD,
    STOPLIST_INDEX,
    STOPLIST_MIN_HITS,
    STOPLIST_SAMPLE_CHARS,
    STOPLIST_VALUES,
    WORD_EDGE_PUNCTUATION,
    StopwordDensity,
    choose_stoplist,
    classify_line,
    classify_lines,
    classify_phrases,
    classify_shape,
    find_line_phrases,
    find_phrases,
    has_breadcrumb_separator,
    has_irregular_spaces,
    has_letter,
    is_notice,
    looks_like_mojibake,
    match_key,
    needs_repair,
    normalize_text,
    stopword_density,
)
from dataset.build.metadata import (
    DATE_HINT,
    DATE_PATTERN_WORDS,
    DATE_PATTERNS,
    DIGIT,
    TITLE_SUFFIX,
    may_end_with_title_suffix,
)
from dataset.build.read import _CONTROL, count_controls

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
def test_normalize_fast_path_gives_the_full_passes_result(text):
    full = INVISIBLE.sub("", text)
    full = unicodedata.normalize("NFC", full).replace("\r\n", "\n").replace("\r", "\n")
    lines = OTHER_LINE_BREAKS.sub("\n", full).split("\n")
    full = "\n".join(" ".join(line.split()) for line in lines)
    assert normalize_text(text) == full


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


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=SEPARATOR_ALPHABET, max_size=16))
def test_separator_hints_cover_every_separator(text):
    if len([p for p in BREADCRUMB_SEPARATOR.split(text) if p]) >= 2:
        assert BREADCRUMB_HINT.search(text)
    assert has_breadcrumb_separator(text) == (BREADCRUMB_HINT.search(text) is not None)


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
