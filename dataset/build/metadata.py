"""Document metadata: title, published date (+ the raw string) and publisher.

Contract: ``extract_metadata(lines)`` takes the normalized, non-empty lines of one document and
returns a ``Metadata`` whose ``header_lines`` are the indices of the lines it consumed (date
line, masthead, tagline, breaking-news ticker, title and the lines before it); the boilerplate
stage skips them. It never raises and never guesses: a field is None when the document does not
state it.

Policies (the dataset card quotes them)
---------------------------------------
Word and phrase lists (month names with their case forms, date, last-updated, breaking-news,
source and byline labels, self-credit formulas, section, media and site words) live in the
per-language files of dataset/lexicon/metadata/ (dataset.build.metadata_lexicon); month and weekday
names come from CLDR (generated cldr_names.json) and dateparser's data.

Store stamp
    A stored copy that opens with " date YYYY-MM-DD" states that date (a month-only stamp
    states none); the stamp is removed before the title is looked for.
Title
    The first headline-shaped line of the header (the first HEADER_LINES lines) before the first
    prose paragraph, not the document's last line (cut excerpts end mid-sentence); a header line
    that appears twice wins over position when it is at most REPEATED_TITLE_MAX characters (a
    standfirst repeated as the lead does not) and may then end with a full stop. Masthead,
    date, last-updated, list-item ("- ...") and caption/credit lines are never titles, nor is a
    sentence followed by a bracketed credit ("...。（Agency）"). A short label (at most three
    words, a few CJK characters: "Conflicts & War", a slogan) is a title only when repeated.
    The headline part of a line is kept: a breaking-news label ("BREAKING:", "عاجل :"), a
    premium label ("XY+ "), a site prefix ("Example网|..."), a glued section word and a trailing
    date-and-time stamp are dropped; a trailing segment after " | ", " - ", " – " is dropped
    only when it is a generic section word ("| 消息", "| أخبار"): site names and markers ("|
    Example News", "– ФОТО") are part of the headline as printed. Seed 004's breaking ticker
    ends with a full stop (a sentence), so that document still has no title.
Published date
    Candidates come from compiled patterns only (never from a free-text search):
    numeric dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy, yyyy-mm-dd (also / and .), CJK 年月日 and the
    WordPress "16 6 月, 2024" form, Korean 년월일, Vietnamese "ngày 20 tháng 9 năm 2023",
    day-month-year / month-day-year / year-first forms with month names in any case form CLDR
    lists ("12 դեկտեմբերի, 2020 թ.", "5 марта 2021 г.") or, for languages with case endings, a
    word starting with a month's abbreviation ("7 ოქტომბრის 2020"), Solar Hijri dates
    converted to the Gregorian calendar ("۱۸ مهر ۱۳۹۹"), and two-digit years only after a date
    word ("vom 27.10.20"). An optional weekday before, a year suffix and a time after are part
    of the raw string.
    Numeric day/month order: day first (the convention of almost every outlet outside the US,
    and of every seed); month first only when the first number is <= 12 and the second is > 12
    (so it cannot be a month). Both > 12: rejected.
    Where: the store stamp, else the first date line of the header (a line that is mostly the
    date: the rest is at most a short name, place or label, or the same name on both sides; a
    short byline "By Name | date"), else any line that starts with a date label ("Published",
    "Publié le", "تاريخ النشر", "发布时间", ...). Lines of body prose are never searched, so a
    date inside a sentence ("le 19 septembre") is never taken; a date without a year never
    matches; last-updated lines ("Dernière mise à jour ...") and embedded posts' sign-offs
    ("— Name (@handle) date") never give the date. Labelled lines whose date none of the
    patterns reads go to dateparser (relative parser disabled, day/month/year required,
    strict, languages chosen by script, cached).
    Dates before 1988-02-20 (``dataset.config.EARLIEST_PUBLISHED_DATE``, shared with validation)
    or after the reference date (the build's ``reference_date``, today by default) are rejected.
    Relative words ("today", "اليوم الثلاثاء") are never dates.
Publisher and credited outlet (the development set's labelling rules: the site that names
    itself is the publisher; an outlet it credits is the credited outlet)
    The site naming itself, first found of: a masthead line in the header before the title (a
    domain-like name, "Vietnam.vn - Nền tảng quảng bá Việt Nam" -> "Vietnam.vn", a "Site -
    tagline" line, or a short name line with a publication word ("Eddiba Sports") or in
    capitals, any script; not a media label such as "VIDEO" or a language switch such as
    "EN"); a site prefix of the headline line ("Example网|..."); a self-credit formula with a
    domain-like name ("Example.az xəbər verir") or one only a site uses of itself ("本文系X独家
    稿件"); a domain at the end of the headline line; a sign-off among the last lines
    ("EXAMPLE.", '"The Example Times"'); a capitalised domain on a line of its own.
    The credited outlet, first found of: a name beside the date or in the byline ("Báo Quốc
    TếBáo Quốc Tế20/09/2023" -> "Báo Quốc Tế", a domain there, "by Name for X", "von Name in X
    vom", an inline "Source: X"); a dateline credit in the lead ("City, date (X).-", "(X) -",
    "CITY, date – X."); a wire dateline ("新华社巴库9月20日电", lexicon ``wire_dateline``); a
    "Source: X" line among the last lines (one name: not a list of sources, not a photo credit).
    ``publisher`` is the site when the page names itself, else the credited outlet; an
    aggregator's masthead therefore wins over the original outlet its byline credits, which
    stays in ``credited_outlet``.
    Outlets mentioned in body prose ("Al Jazeera reported", "TASS reports") are never used.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from dataset.build.clean import (
    ARABIC_TATWEEL,
    BREADCRUMB_MAX,
    CLOSING_MARKS,
    classify_line,
    ends_sentence,
    has_letter,
    is_breadcrumb,
    match_key,
)
from dataset.build.metadata_lexicon import METADATA_LEXICON, name_key
from dataset.config import EARLIEST_PUBLISHED_DATE

HEADER_LINES = 15
LINE_SCAN_MAX = 300  # date/title/masthead checks read at most this many characters of a line
TITLE_MIN, TITLE_MIN_CJK, TITLE_MAX, TITLE_MAX_CJK = 15, 6, 250, 80
MASTHEAD_MAX = 120  # a longer line is no masthead
REPEATED_TITLE_MAX = 120  # a repeated line longer than this is a standfirst repeated as lead
PROSE_MIN = 100  # a header line this long that ends a sentence is prose: the title is above it
FULL_STOPS = (".", "。", "۔", "।", "։")
INNER_SENTENCE_END = re.compile(r"[.!?。！？؟](?:\s|[”»\"])")
MIN_DATE = EARLIEST_PUBLISHED_DATE  # one range with validation: see dataset.config

# --------------------------------------------------------------------------------------------
# Month and weekday names
# --------------------------------------------------------------------------------------------

# Month and weekday names: CLDR (babel) and dateparser data for every language file of
# dataset/lexicon/metadata/, plus the files' own extra forms (dataset.build.metadata_lexicon).
MONTH_NUMBERS = METADATA_LEXICON.month_numbers
MONTH_STEMS = METADATA_LEXICON.month_stems
JALALI_MONTHS = METADATA_LEXICON.jalali_months
JALALI_YEARS = (1366, 1499)  # 1987-2121
MIN_STEM, STEM_MAX = 3, 6
WEEKDAY_NAMES = METADATA_LEXICON.weekday_names
PHRASES = METADATA_LEXICON.phrases


def phrase_alternation(phrases: Sequence[str]) -> str:
    """A regex alternation of literal phrases, longest first; spaces match any whitespace."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)


# Month and weekday names are matched as generic word slots and looked up in the tables above
# (a regex alternation of ~900 names is ~50x slower). Multi-word names ("كانون الثاني") are
# matched through their known second words.
_SECOND_WORDS = sorted(
    {n.split(" ", 1)[1] for n in [*MONTH_NUMBERS, *WEEKDAY_NAMES] if " " in n},
    key=len,
    reverse=True,
)
# A word: letters plus the combining marks that \w leaves out (Devanagari vowel signs and
# virama, Arabic harakat, the Persian hamza above).
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"
)
_WORD = rf"[^\W\d_][^\W\d_{_MARKS}]*(?:[{_MARKS}]+[^\W\d_]*)*"
YEAR_SUFFIX = r"(?:\s*(?:{})(?![^\W\d_]))?".format(
    "|".join(re.escape(x) for x in sorted(PHRASES["year_suffixes"], key=len, reverse=True))
)
NAME_SLOT = rf"(?<![^\W\d_])(?P<mname>{_WORD}(?:\s+(?:{'|'.join(map(re.escape, _SECOND_WORDS))}))?)"
ORDINAL = r"(?:st|nd|rd|th|er|º|°|-?го|-?ci|-?cı|-?cu|-?cü)?"
WEEKDAY_BEFORE = re.compile(rf"(?<![^\W\d_])({_WORD}(?:\s+{_WORD})?)\.?[,،]?\s*$")
TIME_AFTER = re.compile(
    r"\s*[,،|\-–—]?\s*(?:(?:à|at|um|в|alle|a las|às|saat|lúc|الساعة|o)\s+)?"
    r"\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*(?:[AaPp]\.?[Mm]\.?|ص|م)(?!\w))?",
    re.IGNORECASE,
)

# Each pattern names its parts d/m/y (numeric) or d/mname/y. Order does not matter: the
# leftmost match in a line wins. A pattern that opens with a number opens with a bare digit
# and checks "no digit before" after it ("\d(?<!\d\d)" for "(?<!\d)\d"): the same matches,
# and ``re`` then jumps from digit to digit instead of trying every position (about 2x faster).
_DATE_BODIES = {
    "iso": r"(?P<y>\d(?<!\d\d)\d{3})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)",
    "day_first": (
        r"(?P<d>\d(?<!\d\d)\d?)(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)" + YEAR_SUFFIX
    ),
    "cjk": r"(?P<y>\d\d{3})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号號]?",
    "korean": r"(?P<y>\d\d{3})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일",
    "cjk_wordpress_dmy": (
        r"(?P<d>\d(?<!\d\d)\d?)\s+(?P<m>\d{1,2})\s*月\s*[,，]?\s*"
        r"(?P<y>\d{4})(?!\d)"
    ),
    "cjk_wordpress_mdy": (
        r"(?P<m>\d(?<!\d\d)\d?)\s*月\s*(?P<d>\d{1,2})\s*[日,，]\s*"
        r"(?P<y>\d{4})(?!\d)"
    ),
    "vietnamese": (
        r"(?:(?<!\w)ngày\s+)?(?P<d>\d(?<!\d\d)\d?)\s+(?:tháng|thg)\s+(?P<m>\d{1,2})"
        r"\s*(?:năm|,)?\s*(?P<y>\d{4})(?!\d)"
    ),
    "day_month_name": (
        rf"(?P<d>\d(?<!\d\d)\d?){ORDINAL}\.?\s*(?:de\s+)?{NAME_SLOT}\.?"
        r"\s*[,،]?\s*(?:de\s+|del\s+)?(?P<y>\d{4})(?!\d)" + YEAR_SUFFIX
    ),
    "month_name_day": (
        rf"{NAME_SLOT}\.?\s+(?P<d>\d{{1,2}}){ORDINAL}\s*[,،]?\s+"
        r"(?P<y>\d{4})(?!\d)" + YEAR_SUFFIX
    ),
    # Solar Hijri (Persian calendar): "۱۸ مهر ۱۳۹۹", "18 مهر 1399"
    "jalali": rf"(?P<d>\d(?<!\d\d)\d?)\s+{NAME_SLOT}\s+(?P<y>\d{{4}})(?!\d)",
    # "2020 жылғы 12 желтоқсан", "2020. december 12."
    "year_day_month_name": (
        rf"(?P<y>\d(?<!\d\d)\d{{3}}){YEAR_SUFFIX}\.?\s+(?P<d>\d{{1,2}})\.?\s+{NAME_SLOT}"
    ),
    "year_month_name_day": (
        rf"(?P<y>\d(?<!\d\d)\d{{3}}){YEAR_SUFFIX}\.?\s+{NAME_SLOT}\.?\s+(?P<d>\d{{1,2}})(?!\d)"
    ),
}
if PHRASES["short_year_prefixes"]:
    # "vom 27.10.20": a two-digit year only right after a word that introduces a date.
    _DATE_BODIES["short_year"] = (
        rf"(?<![^\W\d_])(?:{phrase_alternation(PHRASES['short_year_prefixes'])})\s+"
        r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<yy>\d{2})(?![\d.])"
    )
DATE_PATTERNS = tuple(
    (name, re.compile(body, re.IGNORECASE)) for name, body in _DATE_BODIES.items()
)
# Words a pattern cannot match without (in the lowercased line): the pattern is skipped when the
# line has none of them. None of their letters has a special case-insensitive match in ``re``.
DATE_PATTERN_WORDS = {
    "cjk": ("年",),
    "korean": ("년",),
    "cjk_wordpress_dmy": ("月",),
    "cjk_wordpress_mdy": ("月",),
    "vietnamese": ("tháng", "thg"),
}
YEAR_HINT = re.compile(r"(?<!\d)\d{4}(?!\d)")
# A year (a run of exactly four digits), or "27.10.20"; written to open with a bare digit (see
# _DATE_BODIES): 4x faster than "(?<!\d)\d{4}(?!\d)|\d\.\d{2}(?![\d.])".
DATE_HINT = re.compile(r"\d(?:(?<=(?<!\d)\d)\d{3}(?!\d)|\.\d{2}(?![\d.]))")
DIGIT = re.compile(r"\d")  # DATE_HINT needs one; a lone class is searched 5x faster
# Digit-shape pre-checks (see date_pattern_candidates): every pattern but short_year holds a
# four-digit year and a day in another run of digits, the year before (YEAR_FIRST) or after
# (YEAR_LAST) the day; numeric forms need a separator between digits; Solar Hijri needs a month
# name's letter; "Month 5, 2024" needs a day before the year with only an ordinal, a comma and
# spaces between.
YEAR_FIRST = frozenset({"iso", "cjk", "korean", "year_day_month_name", "year_month_name_day"})
YEAR_LAST = frozenset(
    {
        "day_first",
        "cjk_wordpress_dmy",
        "cjk_wordpress_mdy",
        "vietnamese",
        "day_month_name",
        "month_name_day",
        "jalali",
    }
)
FOUR_DIGITS = re.compile(r"\d(?=\d{3})")  # where four digits start ("\d{4}" scans slower)
# Patterns whose match starts with a digit (a lookbehind before it), or with the four digits of
# the year (in the first run of four digits or more): none starts before the first one.
STARTS_WITH_DIGIT = frozenset(
    {"day_first", "cjk_wordpress_dmy", "cjk_wordpress_mdy", "day_month_name", "jalali"}
)
STARTS_WITH_YEAR = frozenset({"iso", "cjk", "korean", "year_day_month_name", "year_month_name_day"})
DIGIT_RUN = re.compile(r"\d+")
JALALI_LETTER = re.compile("[{}]".format(re.escape("".join(sorted(set("".join(JALALI_MONTHS)))))))
DAY_BEFORE_YEAR = re.compile(rf"\s\d{{1,2}}{ORDINAL}\s*[,،]?\s+\d{{4}}(?!\d)", re.IGNORECASE)
# A digit, a separator, a digit ("\d[-/.]\d"), found from the separator (a faster scan).
NUMERIC_SEPARATOR = re.compile(r"[-/.](?<=\d[-/.])\d")
DOTTED_NUMBER = re.compile(r"\.(?<=\d\.)\d")
DATE_PATTERN_GATES = {
    "iso": NUMERIC_SEPARATOR,
    "day_first": NUMERIC_SEPARATOR,
    "short_year": DOTTED_NUMBER,
    "jalali": JALALI_LETTER,
    "month_name_day": DAY_BEFORE_YEAR,
}
# (name, pattern, year first, year last, words, gate) of each DATE_PATTERNS entry.
DATE_PATTERN_RULES = tuple(
    (
        name,
        pattern,
        name in YEAR_FIRST,
        name in YEAR_LAST,
        DATE_PATTERN_WORDS.get(name, ()),
        DATE_PATTERN_GATES.get(name),
    )
    for name, pattern in DATE_PATTERNS
)
# The (name, pattern, words, gate) of the DATE_PATTERN_RULES a line's digit shape allows, by
# (year first, year last): the shape test done once for all of them.
DATE_RULES_BY_SHAPE = {
    (year_first, year_last): tuple(
        (name, pattern, words, gate)
        for name, pattern, needs_first, needs_last, words, gate in DATE_PATTERN_RULES
        if (year_first or not needs_first) and (year_last or not needs_last)
    )
    for year_first in (False, True)
    for year_last in (False, True)
}


@dataclass(frozen=True)
class LabelPattern:
    """A line-start alternation of label phrases, run only where a phrase may start.

    It only runs on a line whose first letter starts one of them (a hundred alternatives cost
    ~2 µs a line otherwise).
    """

    pattern: re.Pattern[str]
    firsts: frozenset[str]

    def match(self, line: str) -> re.Match[str] | None:
        """The pattern's match at the start of ``line``, or None (gated by first letters)."""
        return self.pattern.match(line) if line[:1].casefold()[:1] in self.firsts else None

    def sub(self, replacement: str, line: str) -> str:
        """``line`` with the pattern's matches replaced by ``replacement``."""
        return self.pattern.sub(replacement, line)


def label_pattern(phrases: Sequence[str], tail: str) -> LabelPattern:
    """``^(?:phrase|...)`` + tail, case-insensitive, gated by the phrases' first letters."""
    return LabelPattern(
        re.compile(rf"^(?:{phrase_alternation(phrases)}){tail}", re.IGNORECASE),
        frozenset(p.strip()[:1].casefold()[:1] for p in phrases if p.strip()),
    )


# A line opening with a date label is a date line wherever it is ("Published:", "发布时间").
DATE_LABEL = label_pattern(PHRASES["date_labels"], r"(?![^\W\d_])\s*[:：]?\s*")
# A line opening with a last-updated label ("Dernière mise à jour", "Sist oppdatert") never
# gives the publication date and is never a title.
UPDATED_LABEL = label_pattern(PHRASES["updated_labels"], r"(?![^\W\d_])")
# "(mis à jour)" after the date: the line is still a dateline, whatever the case of its words.
DATE_UPDATED_SUFFIX = re.compile(
    rf"\(\s*(?:{phrase_alternation(PHRASES['updated_labels'])}|update)\s*\)",
    re.IGNORECASE,
)
DATE_LINE_REST_MAX = 40  # a date line may carry a short name or label besides the date
SEPARATORS = " ,،|-–—·•:"
DATEPARSER_FRAGMENT_MAX = 80
DATEPARSER_SETTINGS = {
    "PARSERS": ["custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "STRICT_PARSING": True,
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
}
# dateparser languages to try for a labelled fragment, by the script of its letters.
DATEPARSER_LANGUAGES_BY_SCRIPT = {
    "latin": ["en", "fr", "de", "es", "it", "pt", "nl", "tr", "az", "vi", "pl", "ro"],
    "cyrillic": ["ru", "uk", "be", "bg", "sr", "kk"],
    "arabic": ["ar", "fa", "ur"],
    "armenian": ["hy"],
    "georgian": ["ka"],
    "greek": ["el"],
    "hebrew": ["he"],
    "cjk": ["zh", "ja", "ko"],
}

# --------------------------------------------------------------------------------------------
# Publisher and title rules
# --------------------------------------------------------------------------------------------

# Words that make a short line a publication name (compared by match key, word by word; CJK and
# Hangul entries by substring): the ``site_words`` of the lexicon files.
_CJK_OR_HANGUL = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
SITE_WORDS = frozenset(match_key(w) for w in PHRASES["site_words"] if not _CJK_OR_HANGUL.search(w))
SITE_MULTIWORDS = tuple(sorted(w for w in SITE_WORDS if " " in w))
SITE_WORDS_CJK = tuple(w for w in PHRASES["site_words"] if _CJK_OR_HANGUL.search(w))


def literal_alternation(words: Sequence[str]) -> re.Pattern[str]:
    """A pattern found exactly where one of ``words`` is a substring (never, without words)."""
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))) or r"(?!)")


# One search instead of a ``w in text`` loop over the words (same answer: substring tests).
SITE_MULTIWORD = literal_alternation(SITE_MULTIWORDS)
SITE_WORD_CJK = literal_alternation(SITE_WORDS_CJK)
SECTION_LABELS = frozenset(match_key(w) for w in PHRASES["section_labels"])
MEDIA_LABELS = frozenset(match_key(w) for w in PHRASES["media_labels"])
NAME_MAX_CHARS, NAME_MAX_WORDS = 40, 5
DOMAIN = r"(?:[\w-]+\.)+[A-Za-z]{2,24}"
DOMAIN_MASTHEAD = re.compile(rf"^(?P<name>{DOMAIN})(?:\s*[-–—|:·•]\s*(?P<tag>.+))?$")
SITE_TAGLINE = re.compile(r"^(?P<name>[^|\-–—]{2,40}?)\s+[-–—|]\s+(?P<tag>.{3,100})$")
TAGLINE_SEPARATOR = re.compile(r"[-–—|]")  # SITE_TAGLINE needs one
REPEATED_NAME = re.compile(r"^(?P<name>.+?)\s*(?P=name)$")
BYLINE_AUTHOR = re.compile(
    rf"^(?:{phrase_alternation(PHRASES['byline_labels'])})(?![^\W\d_])", re.IGNORECASE
)
BYLINE_MAX = 120
# "von Name in Example Zeitung vom ...", "By Name for Example News": the outlet in a byline.


def byline_outlet_pattern(number: int, formula: str) -> str:
    """One ``byline_outlet`` formula as a regex; ``{outlet}`` is group ``o<number>``."""
    slot = rf"(?P<o{number}>[^\W\d_][^,|·•()]{{1,40}}?)"
    pattern = re.escape(formula).replace(re.escape("{outlet}"), slot)
    return pattern + r"(?=\s*(?:$|[,|·•]))" if formula.endswith("{outlet}") else pattern


BYLINE_OUTLET = re.compile(
    "|".join(byline_outlet_pattern(n, f) for n, f in enumerate(PHRASES["byline_outlet"]))
    or r"(?!)",
    re.IGNORECASE,
)
SOURCE_CREDIT = re.compile(
    rf"^(?:{phrase_alternation(PHRASES['source_labels'])})\s*[:：]\s*(?P<name>[^:：]{{2,40}})$",
    re.IGNORECASE,
)
# "来源 : 明报新闻网" inside a date line.
INLINE_SOURCE_CREDIT = re.compile(
    rf"(?<![^\W\d_])(?:{phrase_alternation(PHRASES['source_labels'])})\s*[:：]\s*"
    r"(?P<name>[^:：|·•]{2,40}?)\s*(?:$|[|·•])",
    re.IGNORECASE,
)
SOURCE_CREDIT_WINDOW = 5  # last lines searched for a "Source: X" credit
SIGN_OFF_WINDOW = 3  # last lines searched for an outlet's sign-off
SELF_CREDIT_WINDOW = 6  # lines after the title, and last lines, searched for a self-credit
DATELINE_WINDOW = 4  # lines after the title searched for a dateline credit
ACRONYM_MIN, ACRONYM_MAX = 3, 10
DOMAIN_NAME = re.compile(r"(?:[^\W_][\w-]*\.)+[a-zA-Z]{2,24}")
BULLET = re.compile(r"^[-–—•·*]\s")
TWEET_HANDLE = re.compile(r"\(@\w{1,30}\)")
# "(EFE).-", "(VOVWORLD) -", "(PLO)-": a bracketed name followed by a dash, at the start of the
# lead or after a short dateline.
DATELINE_CREDIT = re.compile(r"^(?:[^()\n]{0,60}?[\s,])?\((?P<name>[^()]{2,30})\)\s*\.?\s*[-–—]")
DATELINE_OPEN_MAX = 62  # DATELINE_CREDIT's "(" is among a line's first 62 characters
# "ЕРЕВАН, 8 апреля – Sputnik. ...": a capitalised place, a comma, a short date, a dash, a name.
DATELINE_DASH_CREDIT = re.compile(
    r"^[^\W\d_][^,.\n]{1,30},\s[^,.\n–—]{1,25}\s[–—]\s(?P<name>[^\s.,]{2,30}(?:\s[^\s.,]{2,30})?)\.\s"
)
DATELINE_COMMA_MAX = 32  # DATELINE_DASH_CREDIT's first comma is among a line's first 32 characters


def wire_dateline_pattern(formula: str) -> str:
    """Return one ``wire_dateline`` formula as a regex anchored at the line start.

    The outlet is group ``outlet``: a short name ending in an agency word ("新华社北京9月20日电").
    """
    agency = phrase_alternation(PHRASES["agency_words"]) or r"(?!)"
    slots = {
        "{outlet}": rf"(?P<outlet>[^\W\d_]{{0,10}}?(?:{agency}))",
        "{place}": r"[^\W\d_]{0,10}?",
        "{date}": r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日",
    }
    pattern = re.escape(formula)
    for slot, regex in slots.items():
        pattern = pattern.replace(re.escape(slot), regex)
    return pattern


def wire_dateline_literals(formula: str) -> tuple[str, ...]:
    """What a line holds when the formula's regex matches it: its literal text, 月 with a date."""
    parts = tuple(p for p in re.split(r"\{outlet\}|\{place\}|\{date\}", formula) if p)
    return (*parts, "月") if "{date}" in formula else parts


# "新华社巴库9月20日电": a wire agency's dateline, the first thing in the lead; each regex runs only
# on a line holding its literals.
WIRE_DATELINES = tuple(
    (wire_dateline_literals(f), re.compile("^" + wire_dateline_pattern(f)))
    for f in PHRASES["wire_dateline"]
)
# The literals of every formula: a line without them holds no wire dateline.
WIRE_DATELINE_COMMON = (
    tuple(sorted(set.intersection(*(set(literals) for literals, _ in WIRE_DATELINES))))
    if WIRE_DATELINES
    else ()
)


def self_credit_pattern(formula: str) -> tuple[tuple[str, ...], re.Pattern[str]]:
    """(the formula's literal words, casefolded; its regex).

    The regex only runs on a line holding every literal word (a domain-name slot is slow to scan
    for).
    """
    parts = re.split(r"\{name\}|\{outlet\}", formula)
    literal = tuple(p.strip().casefold() for p in parts if p.strip())
    pattern = (
        re.escape(formula)
        .replace(re.escape("{name}"), rf"(\b{DOMAIN_NAME.pattern}\b)")
        .replace(re.escape("{outlet}"), r"([^\s,，、。:：«»\"“”]{2,30}?)")
    )
    return literal, re.compile(pattern, re.IGNORECASE)


SELF_CREDITS = tuple(self_credit_pattern(f) for f in PHRASES["self_credit"])
# A casefolded line holding none of the formulas' first literal words holds no self-credit (None
# when a formula has no literal word: every line may then hold one).
SELF_CREDIT_HINT = (
    literal_alternation([literal[0] for literal, _ in SELF_CREDITS])
    if all(literal for literal, _ in SELF_CREDITS)
    else None
)
TITLE_DOMAIN = re.compile(rf"\s(?:[-–—|]\s*)?(?P<name>{DOMAIN_NAME.pattern})$")
BREAKING_LABEL = label_pattern(PHRASES["breaking_labels"], r"\s*(?:[:：!|\-–—]+\s*)")
# Title suffixes: "|" is always a site/section separator; dashes only with spaces around.
TITLE_SUFFIX = re.compile(
    r"^(?P<head>.*\S)(?P<sep>\s*[|｜]\s*|\s[-–—]\s|\s[–—]|[–—]\s)(?P<suffix>[^|｜]{1,40})$"
)
TITLE_SUFFIX_MAX = 40  # TITLE_SUFFIX's {1,40}: the longest suffix it drops
# TITLE_SUFFIX's separator without its whitespace runs: every separator it accepts holds one.
TITLE_SEPARATOR = re.compile(r"[|｜]|\s[-–—]\s|\s[–—]|[–—]\s")
TITLE_SEPARATOR_CHAR = re.compile(r"[|｜\-–—]")  # its bar or dash: a 2.5x faster search
SHORT_LABEL_WORDS, SHORT_LABEL_CHARS, SHORT_LABEL_CJK = 3, 30, 8
PREMIUM_LABEL_MAX = 8
PREMIUM_LABEL = re.compile(r"^[A-ZÆØÅ]{1,6}\+\s+")  # "XY+ Headline": a subscriber-only label
TIME_IN_RAW = re.compile(r"[:h](?<=\d[:h])\d\d")  # "\d[:h]\d\d", found faster from its [:h]
TRAILING_CREDIT = re.compile(r"[（(][^（()）]{1,20}[）)]\s*$")
SITE_PREFIX = re.compile(r"^(?P<name>[^|｜]{2,30}?)\s*[|｜]\s*(?P<head>[^|｜]+)$")
STORE_STAMP = re.compile(r"^date (?P<date>(?P<y>\d{4})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)(?:\s+|$)")
ARMENIAN = re.compile(r"[\u0531-\u0587]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class DateMatch:
    """A date found in a line: the parsed date, the exact text and where it sits."""

    date: dt.date
    raw: str
    start: int
    end: int


@dataclass(frozen=True)
class Metadata:
    """What the header and date lines say about the document."""

    title: str | None = None
    published_date: dt.date | None = None
    published_date_raw: str | None = None
    publisher: str | None = None
    header_lines: frozenset[int] = frozenset()
    credited_outlet: str | None = None


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


def build_date(year: int, month: int, day: int, today: dt.date) -> dt.date | None:
    """Return the date if it exists and lies in [MIN_DATE, today], else None."""
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    return date if MIN_DATE <= date <= today else None


def order_day_month(first: int, second: int) -> tuple[int, int] | None:
    """Numeric dd/mm vs mm/dd: day first unless only month-first is possible."""
    if first <= 31 and second <= 12:
        return first, second
    if first <= 12 < second:
        return second, first
    return None


def parse_date_match(name: str, match: re.Match[str], today: dt.date) -> dt.date | None:
    """Turn one pattern match into a checked date."""
    parts = match.groupdict()
    day = int(parts["d"])
    if parts.get("yy"):
        year = 2000 + int(parts["yy"])
        year = year if year <= today.year else year - 100
    else:
        year = int(parts["y"])
    if name == "jalali":
        return jalali_to_gregorian(year, parts["mname"], day, today)
    if parts.get("mname"):
        month = month_number(parts["mname"])
        if month is None:
            return None
        return build_date(year, month, day, today)
    month = int(parts["m"])
    if name == "day_first":
        ordered = order_day_month(day, month)
        if ordered is None:
            return None
        day, month = ordered
    return build_date(year, month, day, today)


def jalali_to_gregorian(year: int, month_name: str, day: int, today: dt.date) -> dt.date | None:
    """A Solar Hijri date (Persian calendar) as a checked Gregorian date."""
    from convertdate import persian  # imported lazily: only Persian datelines need it

    month = JALALI_MONTHS.get(name_key(month_name))
    if month is None or not JALALI_YEARS[0] <= year <= JALALI_YEARS[1]:
        return None
    if not 1 <= day <= persian.month_length(year, month):
        return None
    return build_date(*persian.to_gregorian(year, month, day), today)


@functools.lru_cache(maxsize=4096)
def month_number(name: str) -> int | None:
    """The month a name means.

    An exact name, else (languages with case endings) a word that starts with a month's
    abbreviation ("დეკემბრის", "желтоқсанда").
    """
    key = name_key(name)
    month = MONTH_NUMBERS.get(key)
    if month is not None or " " in key:
        return month
    for size in range(min(len(key), STEM_MAX), MIN_STEM - 1, -1):
        month = MONTH_STEMS.get(key[:size])
        if month is not None:
            return month
    return None


def find_date(line: str, today: dt.date | None = None) -> DateMatch | None:
    """Return the leftmost valid date stated in the line (with a year), or None.

    The raw string spans an optional weekday before the date and an optional time after it.
    """
    text = line[:LINE_SCAN_MAX]
    digit = DIGIT.search(text)
    if digit is None or not DATE_HINT.search(text, digit.start()):
        return None
    return read_date(text, digit.start(), today or dt.date.today())


@functools.lru_cache(maxsize=4096)
def read_date(text: str, first: int, today: dt.date) -> DateMatch | None:
    """``find_date`` of a text of at most LINE_SCAN_MAX characters that DATE_HINT matches.

    ``first`` is where its first digit is. Cached: a document's title line is read again when it
    is chosen, and pages repeat lines (a DateMatch is frozen: sharing it is safe).
    """
    year = None  # where the first four digits start, once a pattern needs it
    best: tuple[int, int, dt.date] | None = None
    for name, pattern in date_pattern_candidates(text, first):
        # Each pattern is searched from where its match may start (the same matches, less scan).
        if name in STARTS_WITH_YEAR:
            year = FOUR_DIGITS.search(text, first).start() if year is None else year
            position = year
        else:
            position = first if name in STARTS_WITH_DIGIT else 0
        for match in pattern.finditer(text, position):
            if best is not None and match.start() > best[0]:
                break  # this and every later match starts after the best date: none can win
            date = parse_date_match(name, match, today)
            if date is not None:
                start = match.start("d") if name == "short_year" else match.start()
                if best is None or (start, -match.end()) < (best[0], -best[1]):
                    best = (start, match.end(), date)
                break
    if best is None:
        return None
    start, end, date = best
    start = extend_to_weekday(text, start)
    time = TIME_AFTER.match(text, end)
    if time is not None:
        end = time.end()
    return DateMatch(date, text[start:end], start, end)


def date_pattern_candidates(text: str, first_digit: int) -> list[tuple[str, re.Pattern[str]]]:
    """The DATE_PATTERNS (in order) that may date ``text`` (first digit: ``first_digit``).

    A pattern is left out only when it cannot give one: its words (DATE_PATTERN_WORDS) are missing,
    its gate (DATE_PATTERN_GATES, searched once a call) does not match, or the digits lack its
    shape: no run of digits after the first four-digit run (YEAR_FIRST), no four digits after
    the first run (YEAR_LAST).
    """
    four = FOUR_DIGITS.search(text, first_digit)  # in the first run of four digits or more
    if four is None:
        year_first = year_last = False
    else:
        run_end = DIGIT_RUN.match(text, four.start()).end()
        year_first = DIGIT.search(text, run_end) is not None
        # Four digits past the first run: that run is shorter, or four more follow it.
        year_last = four.start() != first_digit or FOUR_DIGITS.search(text, run_end) is not None
    lowered = None
    candidates = []
    gates: dict[re.Pattern[str], bool] = {}
    for name, pattern, words, gate in DATE_RULES_BY_SHAPE[year_first, year_last]:
        if words:
            lowered = text.lower() if lowered is None else lowered
            if not any(map(lowered.__contains__, words)):
                continue
        if gate is not None:
            if gate not in gates:
                gates[gate] = gate.search(text) is not None
            if not gates[gate]:
                continue
        candidates.append((name, pattern))
    return candidates


def extend_to_weekday(text: str, start: int) -> int:
    """Move the start of a date back over a weekday name right before it ("الاثنين 28 ...")."""
    before = WEEKDAY_BEFORE.search(text, 0, start)
    if before is None:
        return start
    words = before.group(1)
    if words.casefold() in WEEKDAY_NAMES:
        return before.start()
    last = words.rsplit(None, 1)[-1]
    if last.casefold() in WEEKDAY_NAMES:
        return before.start() + len(words) - len(last)
    return start


def _script_of(text: str) -> str:  # noqa: C901
    for ch in text:
        if ch.isalpha():
            code = ord(ch)
            if code < 0x0250:
                return "latin"
            if 0x0370 <= code < 0x0400:
                return "greek"
            if 0x0400 <= code < 0x0530:
                return "cyrillic"
            if 0x0530 <= code < 0x0590:
                return "armenian"
            if 0x0590 <= code < 0x0600:
                return "hebrew"
            if 0x0600 <= code < 0x0800 or 0xFB50 <= code < 0xFF00:
                return "arabic"
            if 0x10A0 <= code < 0x1100:
                return "georgian"
            if 0x1E00 <= code < 0x1F00:
                return "latin"
            return "cjk"
    return "latin"


@functools.lru_cache(maxsize=4096)
def parse_with_dateparser(fragment: str, today: dt.date) -> dt.date | None:
    """Strict dateparser fallback for a labelled date fragment the patterns could not read."""
    import dateparser  # imported lazily: ~0.3 s, and most documents never need it

    languages = DATEPARSER_LANGUAGES_BY_SCRIPT[_script_of(fragment)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = dateparser.parse(fragment, languages=languages, settings=DATEPARSER_SETTINGS)
        except Exception:  # dateparser raises assorted errors on odd input; a miss is a miss
            return None
    if parsed is None:
        return None
    date = parsed.date()
    return date if MIN_DATE <= date <= today else None


def is_date_line(line: str, match: DateMatch) -> bool:
    """The line is a dateline: a label, or the date at one end beside a short name at most.

    "Protests in Yerevan on 2 September 2023" is a headline, not a dateline: its rest holds
    lowercase words; a date in the middle of a line is prose, except between two copies of one
    name ("Glas Amerike 20.09.2023 | Glas Amerike"). A place after the date may end with a full
    stop ("04.04.2016, Nagorny Karabakh."). A tweet's sign-off ("— Name (@handle) August 4,
    2025") and a last-updated line are never datelines.
    """
    if TWEET_HANDLE.search(line) or UPDATED_LABEL.match(line):
        return False
    if DATE_LABEL.match(line) or (BYLINE_AUTHOR.match(line) and len(line) <= BYLINE_MAX):
        return True  # "Published: ...", "By Name | 2 August 2024", "von Name ... vom 27.10.20"
    before, after = line[: match.start], line[match.end :]
    if has_letter(before) and has_letter(after):
        return before.strip(SEPARATORS) == after.strip(SEPARATORS)
    rest = (before + " " + after).strip(SEPARATORS)
    if not rest or DATE_UPDATED_SUFFIX.fullmatch(rest):
        return True
    rest = INLINE_SOURCE_CREDIT.sub("", rest).strip(SEPARATORS)
    repeated = REPEATED_NAME.match(rest)
    name = (repeated["name"] if repeated else rest).removesuffix(".")
    return (
        len(name) <= DATE_LINE_REST_MAX
        and not ends_sentence(name)
        and not any(word[0].islower() and not DOMAIN_NAME.fullmatch(word) for word in name.split())
    )


def find_published_date(
    lines: Sequence[str],
    today: dt.date | None = None,
) -> tuple[int, DateMatch, bool] | None:
    """Return (line index, date, ``is_date_line`` of that line and date), or None.

    The third value is known without a second call for a date line of the header.
    """
    today = today or dt.date.today()
    for i, line in enumerate(lines[:HEADER_LINES]):
        if DIGIT.search(line, 0, LINE_SCAN_MAX) is None:
            continue  # find_date's first test, without the call
        match = find_date(line, today)
        if match is not None and is_date_line(line, match):
            return i, match, True
    for i, line in enumerate(lines):
        label = DATE_LABEL.match(line)
        if label is None or len(line) > LINE_SCAN_MAX or UPDATED_LABEL.match(line):
            continue
        match = find_date(line, today)
        if match is None:
            fragment = line[label.end() : label.end() + DATEPARSER_FRAGMENT_MAX].strip()
            date = parse_with_dateparser(fragment, today) if YEAR_HINT.search(fragment) else None
            if date is None:
                continue
            start = line.find(fragment)
            match = DateMatch(date, fragment, start, start + len(fragment))
        return i, match, is_date_line(line, match)
    return None


# --------------------------------------------------------------------------------------------
# Publisher
# --------------------------------------------------------------------------------------------


def is_name_like(text: str) -> bool:
    """A short name: few words, no sentence punctuation, starts with a capital or non-Latin."""
    words = text.split()
    return (
        0 < len(text) <= NAME_MAX_CHARS
        and 0 < len(words) <= NAME_MAX_WORDS
        and not ends_sentence(text)
        and has_letter(text)
        and not text[0].islower()
    )


def has_site_word(text: str) -> bool:
    """The name contains a publication word ("News", "Báo", "صحيفة", "日报", ...)."""
    key = match_key(text)
    if not SITE_WORDS.isdisjoint(key.split()):
        return True
    if " " in key and SITE_MULTIWORD.search(key) is not None:
        return True
    # Every word of SITE_WORDS_CJK holds a CJK or Hangul character: one search rules them all out.
    return _CJK_OR_HANGUL.search(text) is not None and SITE_WORD_CJK.search(text) is not None


# Site furniture (mastheads, navigation trails) repeats from page to page of one outlet: the
# verdicts on short header lines are cached (a miss costs ~0.3 µs more than the plain call).
is_nav_trail = functools.lru_cache(maxsize=4096)(is_breadcrumb)


@functools.lru_cache(maxsize=4096)
def find_masthead(line: str) -> str | None:
    """Return the outlet name when the line is a masthead, else None.

    A list item ("- Main news") and a two-letter code ("EN", a language switch) are not.
    """
    if len(line) > MASTHEAD_MAX or BULLET.match(line):
        return None
    # Each rule below runs only on a line holding what its pattern needs: a bar, a dot, a dash.
    if ("|" in line or "｜" in line) and split_site_prefix(line) is not None:
        return None
    domain = DOMAIN_MASTHEAD.match(line) if "." in line else None
    if domain and (domain["tag"] is None or not ends_sentence(domain["tag"])):
        return domain["name"]
    tagline = SITE_TAGLINE.match(line) if TAGLINE_SEPARATOR.search(line) else None
    if (
        tagline
        and not ends_sentence(tagline["tag"])
        and is_name_like(tagline["name"])
        and (has_site_word(tagline["name"]) or is_acronym(tagline["name"].strip()))
    ):
        return tagline["name"].strip()
    if (
        len(line) <= NAME_MAX_CHARS
        and is_name_like(line)
        and len(line.split()) <= 4
        and (has_site_word(line) or (is_acronym(line) and classify_line(line) is None))
    ):
        return line
    return None


def find_byline_outlet(line: str, match: DateMatch) -> str | None:
    """Return the outlet named beside the date, else the credited source.

    Beside the date: "Báo Quốc TếBáo Quốc Tế20/09/2023", "2025-08-09 · example.com · Source:
    Other" (the site named beside the date wins over the source it credits); credited: "发布 :
    2023-9-26 来源 : Example 新闻网".
    """
    before, after = line[: match.start], line[match.end :]
    glued = bool(before) and not before[-1].isspace()
    rest = (before + " " + after).strip(SEPARATORS)
    rest = DATE_LABEL.sub("", rest).strip(SEPARATORS)
    credit = INLINE_SOURCE_CREDIT.search(rest)
    if credit is not None:
        rest = (rest[: credit.start()] + " " + rest[credit.end() :]).strip(SEPARATORS)
    if BYLINE_AUTHOR.match(rest):
        return find_byline_formula_outlet(rest) or (credit_name(credit["name"]) if credit else None)
    if not rest:
        return credit_name(credit["name"]) if credit else None
    around = before.strip(SEPARATORS)
    twice = REPEATED_NAME.match(rest)
    if around and around == after.strip(SEPARATORS):
        name, repeated = around, True  # "Name 20.09.2023 | Name"
    elif twice:
        name, repeated = twice["name"].strip(SEPARATORS), True  # "NameName20/09/2023"
    else:
        name, repeated = rest, False
    if DOMAIN_NAME.fullmatch(name) or (
        is_name_like(name) and (glued or repeated or has_site_word(name))
    ):
        return name
    return credit_name(credit["name"]) if credit else None


def find_inline_credit(line: str, match: DateMatch) -> str | None:
    """The outlet an inline "Source: X" beside the date credits ("2023-9-26 来源 : X")."""
    rest = (line[: match.start] + " " + line[match.end :]).strip(SEPARATORS)
    credit = INLINE_SOURCE_CREDIT.search(rest)
    return credit_name(credit["name"]) if credit else None


def find_byline_formula_outlet(byline: str) -> str | None:
    """The outlet a byline names through a lexicon formula ("By Name for Example News")."""
    outlet = BYLINE_OUTLET.search(byline)
    name = next((v for v in outlet.groupdict().values() if v), None) if outlet else None
    if name and is_name_like(name) and not any(w[0].islower() for w in name.split()):
        return name
    return None


def credit_name(text: str) -> str | None:
    """The credited name when it is one outlet.

    Not a list ("Interfax (2, 3), Lenta"), not a photo credit ("AP Photo/Name").
    """
    name = text.strip().rstrip(".")
    if not is_name_like(name) or any(ch in name for ch in "/,()[]") or YEAR_HINT.search(name):
        return None
    return name


def find_source_credit(lines: Sequence[str]) -> str | None:
    """Return X from a "Source: X" line among the last lines, when X is a name."""
    for line in reversed(lines[-SOURCE_CREDIT_WINDOW:]):
        credit = SOURCE_CREDIT.match(line) if ":" in line or "：" in line else None
        if credit and (name := credit_name(credit["name"])):
            return name
    return None


def find_dateline_credit(lines: Sequence[str], start: int) -> str | None:
    """The agency or outlet credited in the lead's dateline.

    For example "Shusha, Jan 16 (EFE).- ...", "(VOVWORLD) - ...", "MADRID, 21 Nov. (EUROPA
    PRESS) -", "CITY, 8 April – Sputnik. ...".
    """
    for line in lines[start : start + DATELINE_WINDOW]:
        credit = (DATELINE_CREDIT.match(line) if "(" in line[:DATELINE_OPEN_MAX] else None) or (
            DATELINE_DASH_CREDIT.match(line) if "," in line[:DATELINE_COMMA_MAX] else None
        )
        name = credit_name(credit["name"]) if credit else None
        if name and not any(word[0].islower() for word in name.split()):
            return name
    return None


def find_wire_dateline(lines: Sequence[str], start: int) -> str | None:
    """The wire agency whose dateline opens the lead ("新华社巴库9月20日电（记者 X）...")."""
    for line in lines[start : start + DATELINE_WINDOW]:
        head = line.lstrip("（(【[ ")
        if not all(map(head.__contains__, WIRE_DATELINE_COMMON)):
            continue
        for literals, pattern in WIRE_DATELINES:
            if all(map(head.__contains__, literals)) and (credit := pattern.match(head)):
                return credit.group("outlet")
    return None


def find_self_credit(lines: Sequence[str], start: int) -> str | None:
    """A site crediting itself in the lead or the last lines.

    By its domain-like name ("Example.az xəbər verir"), or by any name in a formula only a site
    uses of itself ("本文系X独家稿件").
    """
    lead = range(start, min(len(lines), start + SELF_CREDIT_WINDOW))
    tail = range(max(lead.stop, len(lines) - SELF_CREDIT_WINDOW), len(lines))
    for i in [*lead, *tail]:
        text = lines[i][:LINE_SCAN_MAX]
        folded = text.casefold()
        if SELF_CREDIT_HINT is not None and SELF_CREDIT_HINT.search(folded) is None:
            continue  # most lines: no formula's first word
        for literal, pattern in SELF_CREDITS:
            if literal and literal[0] not in folded:
                continue  # most formulas fail on their first word: no generator for them
            if all(word in folded for word in literal[1:]) and (credit := pattern.search(text)):
                name = credit.group(1)
                return name if DOMAIN_NAME.fullmatch(name) else credit_name(name)
    return None


def find_footer_domain(lines: Sequence[str]) -> str | None:
    """A line that is only a domain-like name after the title: the site's footer or sign-off."""
    for line in reversed(lines[1:]):
        if len(line) <= NAME_MAX_CHARS and DOMAIN_NAME.fullmatch(line) and has_upper(line):
            return line
    return None


def has_upper(text: str) -> bool:
    """A capital letter: "Example.com" names a site, "t.me" or "bit.ly" is a link."""
    return any(ch.isupper() for ch in text)


def find_sign_off(lines: Sequence[str]) -> str | None:
    """An outlet's sign-off among the last lines.

    An all-capitals name ("EXAMPLE.") or a short quoted name with a publication word
    ('"The Example Times"').
    """
    for line in reversed(lines[-SIGN_OFF_WINDOW:]):
        name = line.strip().strip("\"'«»“”").rstrip(".").strip()
        if is_acronym(name) or (
            name != line.strip() and is_name_like(name) and has_site_word(name)
        ):
            return name
    return None


def is_acronym(name: str) -> bool:
    """An all-capitals name of 3-10 letters, any script ("EFE", "КУРЕЦ").

    Not a media or section label ("VIDEO", "ФОТО", "WORLD").
    """
    letters = name.replace(" ", "")
    key = match_key(name)
    return (
        ACRONYM_MIN <= len(letters) <= ACRONYM_MAX
        and key not in MEDIA_LABELS
        and key not in SECTION_LABELS
        and letters.isalpha()
        and letters.isupper()
        and len(name.split()) <= 2
    )


def find_title_domain(line: str | None) -> str | None:
    """A site's domain printed at the end of the headline line ("... Karabakh example.com")."""
    if not line:
        return None
    tail = TITLE_DOMAIN.search(line)
    return tail["name"] if tail else None


# --------------------------------------------------------------------------------------------
# Title
# --------------------------------------------------------------------------------------------


def clean_title(line: str) -> str:
    """Drop up to two trailing generic section segments (" | 消息", " | أخبار").

    Any other suffix (a site name "| Example News", a marker "– ФОТО") is part of the headline
    as printed and stays.
    """
    title = line.strip()
    if not may_end_with_title_suffix(title):
        return title
    for _ in range(2):
        suffix = TITLE_SUFFIX.search(title)
        if suffix is None:
            break
        name, head = suffix["suffix"].strip(), suffix["head"].strip()
        if match_key(name) not in SECTION_LABELS or len(head) < max(TITLE_MIN_CJK, len(name)):
            break
        title = head
    return title


def may_end_with_title_suffix(text: str) -> bool:
    """False only when ``TITLE_SUFFIX`` cannot match ``text`` (a pre-check: it is 10x cheaper).

    The suffix holds at most TITLE_SUFFIX_MAX characters (it may stop before a final newline), so
    its separator ends within the last TITLE_SUFFIX_MAX + 1 characters, or a bar sits before a
    run of whitespace reaching there. Only that tail is searched for a separator: a dash in the
    middle of a long line (most header lines) or in a word ("Sud-Est") costs nothing.
    """
    start = max(len(text) - TITLE_SUFFIX_MAX - 4, 0)
    while start > 0 and text[start].isspace():
        start -= 1
    if TITLE_SEPARATOR_CHAR.search(text, start) is None:
        return False  # most lines: no bar or dash in the tail
    return TITLE_SEPARATOR.search(text, start) is not None


def breaking_label(line: str) -> re.Match[str] | None:
    """BREAKING_LABEL's match on the line without tatweel, or None.

    The tatweel-free copy is made only when the first letter may start a label.
    """
    if not may_open_breaking_label(line[:1]):
        return None
    if line.lstrip(ARABIC_TATWEEL)[:1].casefold()[:1] not in BREAKING_LABEL.firsts:
        return None
    return BREAKING_LABEL.pattern.match(line.replace(ARABIC_TATWEEL, ""))


@functools.lru_cache(maxsize=4096)
def may_open_breaking_label(first: str) -> bool:
    """False when a line opening with ``first`` (one character or none) has no breaking label.

    A tatweel may come before the label's first letter. Cached: a line's first characters are few.
    """
    return first == ARABIC_TATWEEL or first.casefold()[:1] in BREAKING_LABEL.firsts


@functools.lru_cache(maxsize=4096)
def headline_text(line: str, today: dt.date) -> str:
    """The headline part of a header line.

    Without a breaking-news label ("BREAKING: ..."), a premium label ("XY+ ..."), a date-and-time
    stamp printed after it, or a section suffix.
    """
    text = line
    breaking = breaking_label(text)
    if breaking is not None:
        text = text.replace(ARABIC_TATWEEL, "")[breaking.end() :]
    if "+" in text[:PREMIUM_LABEL_MAX]:
        text = PREMIUM_LABEL.sub("", text)
    prefixed = split_site_prefix(text) if "|" in text or "｜" in text else None
    if prefixed is not None:
        text = prefixed[1]
    first, _, rest = text.partition(" ")
    if rest[:1].isupper() and match_key(first) in SECTION_LABELS and is_title_like(rest):
        text = rest  # "World Headline ...": a section word glued before the headline
    # The stamp ends the text and find_date reads LINE_SCAN_MAX characters: none in a longer one.
    stamp = (
        find_date(text[: LINE_SCAN_MAX + 1], today)
        if (len(text) <= LINE_SCAN_MAX or len(text.rstrip()) <= LINE_SCAN_MAX)
        and TIME_IN_RAW.search(text)
        else None
    )
    if (
        stamp is not None
        and stamp.end >= len(text.rstrip())
        and stamp.start > 0
        and TIME_IN_RAW.search(stamp.raw)
    ):
        text = text[: stamp.start].rstrip(SEPARATORS)
    return clean_title(text)


def split_site_prefix(line: str) -> tuple[str, str] | None:
    """(site, headline) of a "Site|Headline" line ("示例网|阿塞拜疆与亚美尼亚签署和平协议").

    A short site name with a publication word (or a domain) before a bar, a headline after it.
    """
    prefixed = SITE_PREFIX.match(line)
    if prefixed is None:
        return None
    name, head = prefixed["name"].strip(), prefixed["head"].strip()
    is_site = DOMAIN_NAME.fullmatch(name) or (is_name_like(name) and has_site_word(name))
    if not is_site or len(head) <= len(name) or not is_title_like(head):
        return None
    return name, head


def is_short_label(text: str) -> bool:
    """A section label or slogan shape: at most three words (a few CJK characters)."""
    if _CJK.search(text):
        return len(text) <= SHORT_LABEL_CJK
    return len(text.split()) <= SHORT_LABEL_WORDS and len(text) <= SHORT_LABEL_CHARS


def is_title_like(line: str, full_stop: bool = False) -> bool:
    """A headline-shaped line: not too short or long, not ending with a full stop.

    Unless ``full_stop``: a line the page repeats is a headline even with one.
    """
    if len(line) > TITLE_MAX or not has_letter(line):
        return False
    trimmed = line.rstrip()
    if trimmed.endswith((")", "）")):
        trimmed = TRAILING_CREDIT.sub("", trimmed)  # "...。（Agency）": a caption, not a headline
    trimmed = trimmed.rstrip(CLOSING_MARKS)
    if ends_with_full_stop(trimmed) and not (full_stop and trimmed == line.rstrip()):
        return False  # a repeated headline may end with "。", not with a bracketed credit
    if TITLE_MIN <= len(line) <= TITLE_MAX_CJK:
        return True  # long enough without CJK, short enough with it: no need to look
    if _CJK.search(line):
        return TITLE_MIN_CJK <= len(line) <= TITLE_MAX_CJK
    return len(line) >= TITLE_MIN


def ends_with_full_stop(text: str) -> bool:
    """A full stop ends the text (an ellipsis does not); Armenian often types ":" for "։"."""
    if text.endswith(FULL_STOPS) and not text.endswith(("...", "…")):
        return True
    return text.endswith(":") and ARMENIAN.search(text) is not None


def is_prose(line: str) -> bool:
    """A body paragraph: long, and ending with a full stop or holding several sentences.

    A long headline may end with "?" or "!", so that alone does not make a line prose.
    """
    if len(line) < PROSE_MIN:
        return False
    if ends_with_full_stop(line.rstrip(CLOSING_MARKS)):
        return True
    return ends_sentence(line) and INNER_SENTENCE_END.search(line) is not None


def find_title_index(
    lines: Sequence[str], excluded: frozenset[int], today: dt.date | None = None
) -> int | None:
    """Return the index of the headline line in the header, or None.

    The first headline-shaped line before the first prose paragraph; a line the header repeats
    wins (and may end with a full stop). A short label ("Conflicts & War", a slogan) is a
    headline only when repeated. List items and last-updated lines never are.
    """
    today = today or dt.date.today()
    header = min(len(lines), HEADER_LINES)
    header_end = next(
        (i for i in range(header) if len(lines[i]) >= PROSE_MIN and is_prose(lines[i])), header
    )  # is_prose's first test inlined: most header lines are short
    facts = headline_keys(lines, range(header_end), excluded, today)
    if not facts:
        return None  # every candidate is a keyed line above the prose
    keys = {i: fact.key for i, fact in facts.items()}
    alone = {i for i, fact in facts.items() if fact.alone}
    prefer = {i for i, fact in facts.items() if fact.prefer}
    if repeats_below_may_matter(keys, alone, prefer):  # lines below only count as repeats
        below = headline_keys(lines, range(header_end, header), excluded, today)
        keys.update((i, fact.key) for i, fact in below.items())
    counts = count_keys(keys)
    repeated = {i for i, key in keys.items() if key and counts[key] > 1}
    candidates = [i for i in keys if i < header_end and (i in repeated or i in alone)]
    preferred = [i for i in candidates if i in repeated and i in prefer]
    return next(iter(preferred or candidates), None)


def repeats_below_may_matter(keys: dict[int, str], alone: set[int], prefer: set[int]) -> bool:
    """Whether a repeat below the prose may change find_title_index's answer from these keys.

    ``keys`` are the keys of the lines above the prose, in order. A key seen once above becomes
    repeated when a line below has it: that changes the answer only when the line may then be
    preferred before the answer (or, with no preferred line, anywhere but at the answer), or may
    become a candidate before the first candidate.
    """
    counts = count_keys(keys)
    once = [i for i, key in keys.items() if key and counts[key] == 1]
    preferred = [i for i, key in keys.items() if key and counts[key] > 1 and i in prefer]
    if preferred:
        return any(i < preferred[0] for i in once if i in prefer)
    first = next((i for i, key in keys.items() if (key and counts[key] > 1) or i in alone), None)
    return any(
        (i in prefer and i != first) or (i not in alone and (first is None or i < first))
        for i in once
    )


def count_keys(keys: dict[int, str]) -> dict[str, int]:
    """How many times each key occurs (``Counter(keys.values())``, without its overhead)."""
    counts: dict[str, int] = {}
    for key in keys.values():
        counts[key] = counts.get(key, 0) + 1
    return counts


class HeadlineFacts(NamedTuple):
    """What find_title_index needs of one headline-shaped line (``headline_facts``)."""

    key: str  # match_key of its headline text
    alone: bool  # a candidate without a repeat: headline-shaped without a full stop, no label
    prefer: bool  # preferred when repeated: at most REPEATED_TITLE_MAX characters, no label


def headline_keys(
    lines: Sequence[str], indexes: range, excluded: frozenset[int], today: dt.date
) -> dict[int, HeadlineFacts]:
    """The ``headline_facts`` of the lines at ``indexes`` that may be headlines.

    Not ``excluded``, not the last line of a document of several (a cut line), and headline-shaped
    (``headline_facts`` is not None).
    """
    last = len(lines) - 1 if len(lines) > 1 else None
    found = {}
    for i in indexes:
        if i != last and i not in excluded:
            fact = headline_facts(lines[i], today)
            if fact is not None:
                found[i] = fact
    return found


@functools.lru_cache(maxsize=4096)
def headline_facts(line: str, today: dt.date) -> HeadlineFacts | None:
    """The ``HeadlineFacts`` of a header line, or None when it cannot be a headline.

    None for a list item, a last-updated line, and a line whose ``headline_text`` is not
    headline-shaped even allowing a full stop (a repeated headline may end with one). Cached: a
    pure function of the line (and the day), and site furniture repeats from page to page.
    """
    if BULLET.match(line) or UPDATED_LABEL.match(line):
        return None
    text = headline_text(line, today)
    if not is_title_like(text, full_stop=True):
        return None
    label = is_short_label(text)
    return HeadlineFacts(
        match_key(text),
        not label and is_title_like(text),
        not label and len(text) <= REPEATED_TITLE_MAX,
    )


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------


def extract_metadata(lines: Sequence[str], today: dt.date | None = None) -> Metadata:
    """Find title, publication date and publisher; report the lines they consumed."""
    today = today or dt.date.today()
    lines, stamp = split_store_stamp(lines, today)
    header = range(min(len(lines), HEADER_LINES))
    consumed: set[int] = set()

    breaking = {
        i for i in header if may_open_breaking_label(lines[i][:1]) and has_breaking_label(lines[i])
    }
    consumed |= {i for i in header if len(lines[i]) <= BREADCRUMB_MAX and is_nav_trail(lines[i])}

    dated = (0, stamp, False) if stamp is not None else find_published_date(lines, today)
    byline_outlet = inline_credit = None
    if dated is not None and stamp is None:
        date_index, date_match, dateline = dated
        if dateline:
            consumed.add(date_index)
        byline_outlet = find_byline_outlet(lines[date_index], date_match)
        inline_credit = find_inline_credit(lines[date_index], date_match)

    mastheads = {
        i: name
        for i in header
        if i not in consumed
        and len(lines[i]) <= MASTHEAD_MAX  # find_masthead's first test, without the call
        and (name := find_masthead(lines[i][: LINE_SCAN_MAX + 1])) is not None
    }
    title_index = find_headline(lines, consumed | set(mastheads), today)
    title = headline_text(lines[title_index], today) if title_index is not None else None

    header_end = title_index if title_index is not None else _first_prose(lines)
    masthead = next((name for i, name in sorted(mastheads.items()) if i < header_end), None)
    consumed |= {i for i in mastheads if i < header_end} | breaking
    if title_index is not None:
        consumed |= set(range(title_index + 1))
    elif masthead is not None:
        consumed |= mentioning_lines(lines, header_end, masthead)

    body_start = title_index + 1 if title_index is not None else 0
    site_prefix = split_site_prefix(lines[title_index]) if title_index is not None else None
    if inline_credit and byline_outlet and inline_credit != byline_outlet:
        site_beside_date, byline_outlet = byline_outlet, inline_credit  # "date · site · Source: X"
    else:
        site_beside_date = None
    credited = (
        byline_outlet
        or find_dateline_credit(lines, body_start)
        or find_wire_dateline(lines, body_start)
        or find_source_credit(lines)
    )
    site = (
        masthead
        or (site_prefix[0] if site_prefix else None)
        or find_self_credit(lines, body_start)
        or find_title_domain(title)
        or find_sign_off(lines)
        or find_footer_domain(lines)
        or site_beside_date
    )
    return Metadata(
        title=title or None,
        published_date=dated[1].date if dated else None,
        published_date_raw=dated[1].raw if dated else None,
        publisher=site or credited,
        header_lines=frozenset(consumed),
        credited_outlet=credited,
    )


def has_breaking_label(line: str) -> bool:
    """The line opens with a breaking-news label ("BREAKING:", "عـاجل :"); tatweel is ignored."""
    return breaking_label(line) is not None


def split_store_stamp(lines: Sequence[str], today: dt.date) -> tuple[list[str], DateMatch | None]:
    """Lines without a leading store stamp, and the stamp's date when it gives a full day.

    The stamp (" date YYYY-MM[-DD] ") is added to stored copies of pages; a full day is a stated
    date, a month is not.
    """
    stamp = STORE_STAMP.match(lines[0]) if lines else None
    if stamp is None:
        return list(lines), None
    rest = [lines[0][stamp.end() :], *lines[1:]]
    if stamp["d"] is None:
        return rest, None
    date = build_date(int(stamp["y"]), int(stamp["m"]), int(stamp["d"]), today)
    if date is None:
        return rest, None
    return rest, DateMatch(date, stamp["date"], stamp.start("date"), stamp.end("date"))


def find_headline(lines: Sequence[str], excluded: set[int], today: dt.date) -> int | None:
    """``find_title_index``, passing over page furniture and other datelines.

    Furniture: "لمتابعتنا على تيليجرام", a copyright footer; datelines other than the publication
    date's: "2022年5月1日 (mis à jour)".

    Only the chosen line is checked (a few rule checks a document, not a few a line).
    """
    excluded = set(excluded)
    while (index := find_title_index(lines, frozenset(excluded), today)) is not None:
        line = lines[index]
        dated = find_date(line[: LINE_SCAN_MAX + 1], today)
        furniture = classify_line(line) is not None  # captions and credits included
        if not furniture and not (dated is not None and is_date_line(line, dated)):
            return index
        excluded.add(index)
    return None


def _first_prose(lines: Sequence[str]) -> int:
    for i in range(min(len(lines), HEADER_LINES)):
        if is_prose(lines[i]):
            return i
    return min(len(lines), HEADER_LINES)


def mentioning_lines(lines: Sequence[str], end: int, name: str) -> set[int]:
    """The indices below ``end`` of the lines that mention the site's distinctive first word.

    A tagline does ("从亚洲的Eddiba获取..."); a word shorter than three characters is none.
    """
    word = name.split()[0].split(".")[0]
    if len(word) < 3:
        return set()
    folded = word.casefold()
    return {i for i in range(end) if folded in lines[i].casefold()}
