r"""Text normalization and boilerplate removal for one document.

Contracts
---------
``normalize_text(text) -> str``
    NFC text, mojibake repaired (ftfy, only when the text shows its signature), "\n" as the only
    line break, no control / zero-width / bidi characters, and every run of spaces (including
    NBSP and other Unicode spaces) inside a line collapsed to one ASCII space. Never raises.
``split_lines(text) -> list[str]``
    The stripped, non-empty lines of normalized text. A line is the paragraph unit of the corpus.
``classify_lines(lines, skip) -> list[str | None]``
    ``classify_line`` of every line not in ``skip``: the rule that removes it on its own, or None.
    The phrase tables are searched once over the document and a cheap gate
    (``may_be_furniture``) spares most body lines the rules; the answers are those of each line
    alone.
``label_lines(lines, skip, title) -> list[str]``
    One label per line: ``BODY``, ``CAPTION`` or the name of the boilerplate rule that removed it
    (``SKIPPED`` for lines the metadata stage already consumed). Tests assert on the rule names.
``remove_boilerplate(lines, skip, title) -> list[Paragraph]``
    The body and caption paragraphs in document order. Captions are kept apart because the
    language detector looks at them (e.g. Vietnamese alt text in a French article) while the
    released ``text`` does not contain them.

The rules are grouped by category below. Each is a named pattern or a phrase table, written to
generalize across outlets and languages, and each is anchored to the WHOLE line or to a short
line, so a body sentence that merely mentions "source" or "Telegram" in prose is never removed.
The phrase tables are data: one file per language in dataset/lexicon/furniture/ (README.md
there), merged at import. Line shape is judged as jusText does (length, punctuation, stop-word
density with jusText's own stop lists, read from the pinned ``justext`` package): a short line
with few stop words between two furniture lines is furniture. When unsure, a line is kept.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import ahocorasick_rs
import ftfy

from dataset.errors import ConfigError
from dataset.lexicon.loader import read_language_file

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
_LINE_BREAK_CHARS = "\u2028\u2029\x0b\x0c\x85\x1c-\x1e"
OTHER_LINE_BREAKS = re.compile(f"[{_LINE_BREAK_CHARS}]")
# Whitespace (what str.split splits on) other than " " and "\n", listed: a listed class is twice
# as fast as r"[^\S\n ]". Every Unicode whitespace character is in the BMP.
_OTHER_SPACE_CHARS = "".join(
    re.escape(chr(c)) for c in range(0x10000) if chr(c).isspace() and chr(c) not in " \n"
)
OTHER_SPACE = re.compile(f"[{_OTHER_SPACE_CHARS}]")

# Deleted outright: C0/C1 controls except tab and newline, zero-width space, word joiner, BOM,
# soft hyphen, bidi marks and embeddings, Arabic letter mark, lone surrogates. ZWJ/ZWNJ
# (U+200C/U+200D) are kept: they are spelling in Persian, Indic scripts and emoji.
_INVISIBLE_CHARS = (
    "\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff"
)
INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# Any character INVISIBLE, OTHER_LINE_BREAKS or OTHER_SPACE finds ("\r" included), in one scan:
# most texts have none, and then one search replaces three.
ODD_CHARACTER = re.compile(f"[{_INVISIBLE_CHARS}{_LINE_BREAK_CHARS}{_OTHER_SPACE_CHARS}]")
ODD_CHARACTERS = frozenset(filter(ODD_CHARACTER.match, map(chr, range(0x10000))))
# MOJIBAKE_HINT written trail first: it finds the same texts, but the scan stops only at trails
# (and U+FFFD), then looks behind for the lead, all inside the regex engine (a pattern opening
# with one character class is scanned for that class; one opening with an alternation is not).
_AT_TRAIL = f"(?:(?<=[\u00c2-\u00df].)|(?<=[\u00e0-\u00f4].)[{_TRAIL}?])"
MOJIBAKE_AT_TRAIL = re.compile(f"[{_TRAIL}\ufffd](?:(?<=\ufffd)|{_AT_TRAIL})")
_ODD_CHARS = f"{_INVISIBLE_CHARS}{_LINE_BREAK_CHARS}{_OTHER_SPACE_CHARS}"
# The first character ODD_CHARACTER finds or the trail of the first MOJIBAKE_AT_TRAIL match,
# whichever comes first: both gates of normalize_text in one scan (``needs_repair``).
REPAIR_SIGNAL = re.compile(f"[{_ODD_CHARS}{_TRAIL}\ufffd](?:(?<=[{_ODD_CHARS}\ufffd])|{_AT_TRAIL})")


def normalize_text(text: str) -> str:
    """Return NFC text with unified line breaks, no invisible characters, collapsed spaces.

    Spaces: every run of Unicode whitespace inside a line (space, NBSP, tab, en/em/thin
    spaces, ideographic space...) becomes one ASCII space, and lines are stripped.
    """
    text, odd = fix_mojibake(text)
    if not odd and unicodedata.is_normalized("NFC", text):
        return collapse_spaces(text) if has_irregular_spaces(text, odd=False) else text
    return normalize_odd_text(text)


def normalized_lines(text: str) -> list[str]:
    """``split_lines(normalize_text(text))``; most texts are split once and never joined.

    A text with no odd character, in NFC, has its lines' spaces collapsed one line at a time.
    """
    text, odd = fix_mojibake(text)
    if not odd and unicodedata.is_normalized("NFC", text):
        return split_spaced_lines(text)
    # Odd texts mostly hold odd spaces (NBSP, tabs): collapse every line, no need to ask.
    lines = [" ".join(line.split()) for line in unify_line_breaks(text).split("\n")]
    return [line for line in lines if line]


def fix_mojibake(text: str) -> tuple[str, bool]:
    """``text`` repaired by ftfy when it shows mojibake, and whether it holds an odd character.

    The odd character is one ODD_CHARACTER finds, in the text returned.
    """
    mojibake, odd = needs_repair(text)
    if mojibake:
        text = ftfy.fix_text(text, FTFY_CONFIG)
        odd = ODD_CHARACTER.search(text) is not None
    return text, odd


def split_spaced_lines(text: str) -> list[str]:
    """``split_lines(collapse_spaces(text))`` for text whose only whitespace is " " and line breaks.

    Lines are collapsed only when some line's spaces are irregular (``has_irregular_spaces``:
    a double space, or a line opening or ending with a space); collapsing a regular line leaves
    it as it is.
    """
    lines = text.split("\n")
    if "  " in text or any(line[:1] == " " or line[-1:] == " " for line in lines):
        lines = [" ".join(line.split()) for line in lines]
    return [line for line in lines if line]


def normalize_odd_text(text: str) -> str:
    """``normalize_text`` of mojibake-free text: invisibles dropped, NFC, line breaks, spaces."""
    text = unify_line_breaks(text)
    if not has_irregular_spaces(text):
        return text
    return collapse_spaces(text)


def unify_line_breaks(text: str) -> str:
    """``text`` without invisible characters, in NFC, with the line feed as its only break."""
    text = INVISIBLE.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return OTHER_LINE_BREAKS.sub("\n", text)


def collapse_spaces(text: str) -> str:
    """Each line's whitespace runs as one ASCII space, the line stripped."""
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def has_irregular_spaces(text: str, odd: bool = True) -> bool:
    """True when collapsing each line's whitespace (" ".join(line.split())) would change text.

    ``odd=False``: the caller knows ``text`` holds no whitespace but the space and line break.
    """
    return (
        "  " in text
        or " \n" in text
        or "\n " in text
        or text.startswith(" ")
        or text.endswith(" ")
        or (odd and OTHER_SPACE.search(text) is not None)
    )


def looks_like_mojibake(text: str) -> bool:
    """True when the text shows the signature of UTF-8 read as cp1252/latin-1, or U+FFFD.

    Same answer as ``MOJIBAKE_HINT.search(text) is not None``.
    """
    if "\ufffd" in text:
        return True
    return any(
        "\u00c2" <= text[trail.start() - 1] <= "\u00f4" and ends_mojibake(text, trail.start())
        for trail in MOJIBAKE_TRAIL.finditer(text, 1)
    )


def ends_mojibake(text: str, trail: int) -> bool:
    """True when the MOJIBAKE_TRAIL character at index ``trail`` ends a MOJIBAKE_HINT sequence."""
    if trail == 0:
        return False
    lead = text[trail - 1]
    if "\u00c2" <= lead <= "\u00df":
        return True
    return "\u00e0" <= lead <= "\u00f4" and (
        text.startswith("?", trail + 1) or MOJIBAKE_TRAIL.match(text, trail + 1) is not None
    )


def needs_repair(text: str) -> tuple[bool, bool]:
    """``(looks_like_mojibake(text), ODD_CHARACTER.search(text) is not None)``.

    One scan of the text answers both unless it holds an odd character before any mojibake;
    the other gate is then answered from the first signal on (a character both odd and a
    trail, such as NBSP, may be both).
    """
    signal = REPAIR_SIGNAL.search(text)
    if signal is None:
        return False, False
    start = signal.start()
    if text[start] in ODD_CHARACTERS:
        return MOJIBAKE_AT_TRAIL.search(text, start) is not None, True
    return True, ODD_CHARACTER.search(text, start) is not None


def split_lines(text: str) -> list[str]:
    """Return the non-empty lines of normalized text."""
    return [line for line in text.split("\n") if line]


# --------------------------------------------------------------------------------------------
# Line shape helpers (shared with dataset.build.metadata)
# --------------------------------------------------------------------------------------------

SENTENCE_END = frozenset(".!?…。！？؟۔।։")  # ։ Armenian full stop
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
_LETTER = _HAS_LETTER
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")


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
    # An alphabetic first character is a letter of _HAS_LETTER: most lines answer without a search.
    return line[:1].isalpha() or _HAS_LETTER.search(line) is not None


def is_short_line(line: str) -> bool:
    """A teaser/menu-shaped line: at most SHORT_LINE_MAX characters, no sentence punctuation."""
    return len(line) <= SHORT_LINE_MAX and not ends_sentence(line)


MENU_ITEM_MAX = 30


def is_menu_item(line: str) -> bool:
    """A navigation/category entry: one to three words (or a few CJK characters), no sentence."""
    if len(line) > MENU_ITEM_MAX or ends_sentence(line) or not is_mostly_letters(line):
        return False
    if _CJK.search(line):
        return len(line) <= 12
    return len(line.split()) <= 3


def is_mostly_letters(line: str) -> bool:
    """At least half of the non-space characters are letters ("2016-04-05T20:13" is not)."""
    letters = len(_LETTER.findall(line))
    return 2 * letters >= len(line) - line.count(" ")


# --------------------------------------------------------------------------------------------
# Rule tables (multilingual). Phrases are compared through ``match_key``.
# --------------------------------------------------------------------------------------------

# The phrase tables live in data files, one per language: dataset/lexicon/furniture/<code>.yaml
# (format in the README.md beside them). They are merged over all languages at import: a page's
# language is only known after boilerplate removal, and a phrase of one language is furniture
# wherever it appears as a whole line.
FURNITURE_LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicon" / "furniture"
FURNITURE_FIELDS = (
    "widgets",
    "home_words",
    "related_headers",
    "read_also",
    "label_prefixes",
    "source_labels",
    "copyright",
    "follow",
    "share_words",
    "credit_labels",
    "notices",
    "news_id_labels",
    "channel_names",
)


def load_furniture_lexicon(folder: Path = FURNITURE_LEXICON_DIR) -> dict[str, tuple[str, ...]]:
    """Return each field's phrases merged over the folder's ``<code>.yaml`` files (name order).

    A field a file leaves out has no phrases there. ``"stoplist"`` lists the files' jusText
    stop-list names (``stoplist: Armenian``). Raises ConfigError naming the file and key
    when a file is not valid YAML, does not name its own language code, or holds an unknown key
    or a value that is not a list of non-empty strings.
    """
    merged: dict[str, list[str]] = {name: [] for name in (*FURNITURE_FIELDS, "stoplist")}
    for path in sorted(folder.glob("*.yaml")):
        for name, phrases in read_lexicon_file(path).items():
            merged[name].extend(phrases)
    return {name: tuple(dict.fromkeys(phrases)) for name, phrases in merged.items()}


def read_lexicon_file(path: Path) -> dict[str, list[str]]:
    """Return the phrase lists of one lexicon file (see ``load_furniture_lexicon``)."""
    data = read_language_file(path)
    fields = {key: value for key, value in data.items() if key not in ("language", "stoplist")}
    stoplist = data.get("stoplist")
    if stoplist is not None and not (isinstance(stoplist, str) and stoplist.strip()):
        raise ConfigError(f"{path}: 'stoplist' must be a jusText list name such as English")
    for key, value in fields.items():
        if key not in FURNITURE_FIELDS:
            raise ConfigError(
                f"{path}: unknown key {key!r}; use one of {', '.join(FURNITURE_FIELDS)}"
            )
        if not isinstance(value, list) or not all(
            isinstance(phrase, str) and phrase.strip() for phrase in value
        ):
            raise ConfigError(f"{path}: {key!r} must be a list of non-empty strings")
    return {**fields, "stoplist": [stoplist]} if stoplist else fields


def is_latin_phrase(phrase: str) -> bool:
    """True when every letter of the phrase is Latin script (ASCII or a LATIN ... letter)."""
    return all(
        ch.isascii() or unicodedata.name(ch, "").startswith("LATIN")
        for ch in phrase
        if ch.isalpha()
    )


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of the literal phrases, longest first (so "tags" beats "tag").

    With no phrases, a pattern that never matches (an empty table removes nothing).
    """
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(re.escape(p) for p in ordered) if ordered else "(?!)"


LEXICON = load_furniture_lexicon()


def load_stoplists(names: Iterable[str]) -> dict[str, frozenset[str]]:
    """The stop-word lists of jusText, by name, lower-cased as jusText does.

    Read from the data files of the installed ``justext`` package without importing it (its
    import pulls in lxml, which this package does not use). Raises ConfigError naming the list
    when the package or a list is missing.
    """
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the justext package is missing; install the project (pip install -e .)")
    folder = Path(next(iter(spec.submodule_search_locations))) / "stoplists"
    stoplists = {}
    for name in names:
        path = folder / f"{name}.txt"
        if not path.is_file():
            raise ConfigError(f"{path}: no such jusText stop list; fix 'stoplist: {name}'")
        words = path.read_text(encoding="utf-8").split("\n")
        stoplists[name] = frozenset(w.strip().lower() for w in words if w.strip())
    return stoplists


STOPLISTS = load_stoplists(LEXICON["stoplist"])
STOPLIST_VALUES = tuple(STOPLISTS.values())


def index_stoplists(stoplists: Sequence[frozenset[str]]) -> dict[str, tuple[int, ...]]:
    """An index ``word -> positions of the lists that hold it`` over ``stoplists``.

    With it, a document's hits per list are counted in one pass over its words.
    """
    index: dict[str, tuple[int, ...]] = {}
    for number, words in enumerate(stoplists):
        for word in words:
            index[word] = (*index.get(word, ()), number)
    return index


STOPLIST_INDEX = index_stoplists(STOPLIST_VALUES)

# Breadcrumbs: "Home | World | Europe", "Trang chủ › Thế giới". A line of short segments joined
# by navigation separators, starting with a home link or made of three or more one/two-word parts.
BREADCRUMB_SEPARATOR = re.compile(r"\s*(?:[|›»>/•·→⟩]|\s-\s)\s*")
HOME_WORDS = keys(LEXICON["home_words"])
BREADCRUMB_MAX = 120
BREADCRUMB_HINT = re.compile(r"[|›»>/•·→⟩]|\s-\s")  # a separator BREADCRUMB_SEPARATOR can split on
# BREADCRUMB_HINT in two searches: a lone character class is found 3x faster than an alternation.
BREADCRUMB_CHARS = re.compile(r"[|›»>/•·→⟩]")
SPACED_HYPHEN = re.compile(r"\s-\s")

# Whole-line widgets: comment counters, source-link buttons, empty-state placeholders, ads,
# navigation buttons. Matched only when the ENTIRE line is the phrase (digits/brackets ignored).
WIDGET_PHRASES = keys(LEXICON["widgets"])

# "Label: value" lines that are page furniture (tags, editors, photo sources). A "Source: X"
# credit is not among them: the labelling rules count it as the article's attribution.
LABEL_LINE = re.compile(rf"^(?:{alternation(LEXICON['label_prefixes'])})\s*[:：]", re.IGNORECASE)
LABEL_LINE_MAX = 160

# "News ID: 12345", "کد خبر : ۴۴۳۳۹۵": a label and a number, nothing else.
NEWS_ID_LINE = re.compile(
    rf"^(?:{alternation(LEXICON['news_id_labels'])})\s*[:：#№]?\s*\d+$", re.IGNORECASE
)
NEWS_ID_MAX = 60

# "<outlet> WeChat official account", "<outlet> on Telegram": a short line ENDING with the name
# of a messenger channel is a subscription prompt; in prose such a name is followed by more words.
CHANNEL_NAME_LINE = re.compile(rf"(?:{alternation(LEXICON['channel_names'])})\s*$", re.IGNORECASE)
CHANNEL_LINE_MAX = 40
# The last characters of the channel names: a line ending (before spaces) with none of them, case
# ignored as CHANNEL_NAME_LINE ignores it, ends with no channel name.
CHANNEL_NAME_END = re.compile(
    "[{}]".format("".join(re.escape(p.rstrip()[-1]) for p in LEXICON["channel_names"])),
    re.IGNORECASE,
)

# Listing pages: every body line is a bulleted teaser ("- <summary of another article>"). The
# hyphen and bullet signs only: an en or em dash opens dialogue and quoted posts.
BULLET_ITEM = re.compile(r"^[-•·▪►]\s+\S")
MIN_LISTING_ITEMS = 3
QUESTION_MARKS = ("?", "？", "؟", ";")  # ";" is the Greek question mark
# A headline of another article inside the body: a headline-shaped line (MID_TEASER_MIN to
# SHORT_LINE_MAX characters, no sentence end, no lead-in colon) between two prose paragraphs
# (PROSE_MIN+ characters, the first one ending a sentence). Crossheads are shorter: the longest
# seen is under 60 characters.
MID_TEASER_MIN = 70
PROSE_MIN = 150
LEAD_IN_END = ":,;-–—(«"
# A paragraph that closes a quotation is reported speech, and one with a sentence end inside is
# prose whose last sentence lacks its full stop: both are article text, never a headline.
CLOSING_QUOTES = "\"'”’»›」』"
INNER_SENTENCE_END = re.compile(r"[.!?…。！？؟۔।։]\s")
# Font-size buttons: two or more adjacent lines of one letter ("A", "A+", "A-"). One such line
# alone may be the last letter of a truncated page.
SINGLE_LETTER = re.compile(r"^[^\W\d_][+\-−]?$")

# Headers that open a list of related / recommended teasers. The header and the run of short
# teaser lines after it are removed; the run stops at the first prose paragraph.
RELATED_HEADERS = keys(LEXICON["related_headers"])

# "READ  <teaser headline>" lines. Latin keywords need a separator or to be written in capitals,
# so "Read the full statement." in prose is kept; non-Latin keywords are distinctive enough and
# are matched as whole words at the start of the line's match key.
_READ_LATIN = [p for p in LEXICON["read_also"] if is_latin_phrase(p)]
READ_ALSO_CAPS = re.compile(
    rf"^(?:{alternation(p.upper() for p in _READ_LATIN)})\b\s*[:：\-–—|»>]?\s*\S"
)
READ_ALSO_LABELLED = re.compile(
    rf"^(?:{alternation(_READ_LATIN)})\s*[:：\-–—|»>]\s*\S", re.IGNORECASE
)
_READ_KEYS = keys(p for p in LEXICON["read_also"] if not is_latin_phrase(p))
# Scripts written without spaces take the prefix as it is; the others need a word boundary.
READ_ALSO_KEY_PREFIXES = tuple(
    sorted(k if _CJK.search(k) and not _HANGUL.search(k) else f"{k} " for k in _READ_KEYS)
)
READ_ALSO_MAX = 250
# The first characters of READ_ALSO_KEY_PREFIXES: a key (with its trailing space) opening with
# none of them has none of the prefixes, and skips the long startswith.
READ_ALSO_KEY_FIRSTS = frozenset(p[:1] for p in READ_ALSO_KEY_PREFIXES)

# Copyright footers: a short line holding a "rights reserved" phrase, or opening with "©" or
# "Copyright". "© AFP" at the END of a line is a photo credit (a caption), not a footer.
COPYRIGHT_PHRASES = tuple(sorted(keys(LEXICON["copyright"])))
COPYRIGHT_OPENING = re.compile(r"(?:©|\(c\)\s*\d{4}|copyright\b)", re.IGNORECASE)
COPYRIGHT_LINE_MAX = 200  # a phrase is looked for in lines up to KEY_MAX characters only

# Calls to follow/subscribe, and channel links. Only first-person-plural calls to action
# ("follow us", "لمتابعتنا") count, so prose such as "Russia is following the situation" stays.
FOLLOW_PHRASES = tuple(sorted(keys(LEXICON["follow"])))
FOLLOW_LINE_MAX = 150
CHANNEL_HOSTS = ("t.me/", "telegram.me/", "wa.me/", "chat.whatsapp.com/", "whatsapp.com/channel")
LINK_ONLY = re.compile(r"^(?:(?:https?://|www\.)\S+\s*)+$", re.IGNORECASE)

# Site notices: cookie consent, "enable JavaScript", comment-form hints, old-article warnings.
# A phrase anywhere in a line of at most NOTICE_LINE_MAX characters (NOTICE_PHRASE_RAW below).
NOTICE_LINE_MAX = 300

# Share bars: a line made only of share verbs and platform names.
SHARE_WORDS = keys(LEXICON["share_words"])
SHARE_MULTIWORD = tuple(sorted((w for w in SHARE_WORDS if " " in w), key=len, reverse=True))

# Photo captions: a line ENDING with a photo credit. Kept for language detection only. Each
# credit shape has its own rule and a cheap trigger (the line's last character, a colon, ©).
CREDIT_LABELS = keys(LEXICON["credit_labels"])
BRACKET_CREDIT = re.compile(r"\[[^\[\]]{2,80}/[^\[\]]{1,40}\]$")  # [Karen Minasyan/AFP]
PHOTO_SLASH_CREDIT = re.compile(
    r"\((?:[^()]{0,30}\s)?(?:Photo|Foto|Фото)\s*/[^()]{1,60}\)$", re.IGNORECASE
)  # (AP Photo/Jane Doe)
NUMBERED_PHOTO = re.compile(
    r"[\-–—]\s*(?:Ảnh|Hình|Photo|Image|Foto|Фото)\s*\d+\s*\.?$", re.IGNORECASE
)  # <alt text> - Ảnh 1.
# After "Ảnh:" -> " RT."; a dot inside a name ("Yandex.News") is no sentence end.
CREDIT_VALUE = re.compile(r"\s*(?:[^.:：]|\.(?=\S)){1,60}\.?\)?$")
CREDIT_VALUE_MAX = 64
COPYRIGHT_CREDIT = re.compile(r"©\s*[^©]{1,60}$")
# "(Source : X)" at the end of a caption; in prose it would also end a paragraph, so it only
# marks a caption when the line is a single short sentence.
CAPTION_SOURCE = re.compile(
    rf"[(（]\s*(?:{alternation(LEXICON['source_labels'])})\s*[:：][^()（）]{{1,50}}[)）]$",
    re.IGNORECASE,
)
CAPTION_MAX = 300
SOURCE_CAPTION_MAX = 200

TITLE_REPEAT_SLACK = 40  # a repeated title may carry a site suffix of up to this many characters

# Runs: a list of teasers/menu entries. A run of at least this many short lines is removed.
MIN_MENU_RUN = 3
MIN_TRAILING_RUN = 3
FOOTER_LABELS = frozenset({"copyright", "notice"})  # what follows them is page footer

# Markup residue: image placeholders, lines made only of tags, bare tag fragments ("strong>").
MARKUP_OPENING = re.compile(
    r"^<(?:image|img|figure|picture|video|iframe|script|style|source)\b", re.IGNORECASE
)
TAG = re.compile(r"<[^<>]*>")
TAG_FRAGMENT = re.compile(r"^[\"']?(?:</?[A-Za-z][\w-]*\s*/?>|[A-Za-z]+>|<[A-Za-z]+)[\"']?$")
CAPTCHA = re.compile(r"^\w{1,12}\s*[+\-−–×x*/]\s*\w{1,12}\s*=\s*\??$")  # "15 − eight ="
AD_SIZE = re.compile(r"^\d{2,4}\s*[x×]\s*\d{2,4}$")  # "728 x 90": an empty ad slot
LOCALE_CODE = re.compile(r"^[a-z]{2,3}[_-][A-Z]{2}$")  # "en_US": page metadata residue
# "Photo by Jane Doe", "Image from AP": a credit line on its own (English wording).
CREDIT_LINE = re.compile(
    r"^(?:photos?|images?|pictures?|videos?)\s+(?:by|from|courtesy of|via)\s+[^.:!?]{1,50}$",
    re.IGNORECASE,
)
HASHTAGS = re.compile(r"^#[^\W\d_][\w-]*(?:[\s,]+#[^\W\d_][\w-]*)*$")  # "#War #Peace"
# "©AGENCY/Photographer ...": a photo credit opening a caption (any length).
CREDIT_OPENING = re.compile(r"^©\s*[^\s/©][^/©]{0,40}/")
# Korean photo credits: "... 사진=연합뉴스", optionally followed by the "enlarge image" button.
KOREAN_CREDIT = re.compile(r"(?:사진|그래픽|자료)\s*=\s*\S{1,40}?(?:\s*이미지\s*확대보기)?$")
# Site notices (cookies, JavaScript, comment forms, old-article warnings), searched in the
# casefolded line: the phrases are written as printed.
NOTICE_PHRASE_RAW = re.compile(alternation(p.casefold() for p in LEXICON["notices"]))
_WORD = re.compile(r"\w+")
WORD_EDGE_PUNCTUATION = "\"'«»“”„‘’()[].,;:!?…-–—"
# The longest word of each notice phrase: the phrase regex only runs on a line holding one.
NOTICE_TRIGGERS = frozenset(
    max(_WORD.findall(p.casefold()), key=len) for p in LEXICON["notices"] if _WORD.search(p)
)


def build_phrase_finder(
    tables: dict[str, Iterable[str]], first_match: bool = False
) -> tuple[ahocorasick_rs.BytesAhoCorasick | None, tuple[frozenset[str], ...], frozenset[str]]:
    """An automaton over the UTF-8 phrases of ``tables``, and the tables owning its patterns.

    Returns the automaton (None without phrases), the tables holding each of its patterns, and
    the tables holding an empty phrase (found in every text, as an empty regex branch is).
    UTF-8 is self-synchronizing: the bytes of a phrase occur in the bytes of a text exactly
    where the phrase occurs in the text. The bytes automaton skips the str one's offset
    conversion. ``first_match``: a leftmost-first automaton, searched without overlaps (about
    four times faster: it skips ahead to the phrases' first bytes); it still finds a phrase in
    every line holding one (a match never spans a line break), but only one of the phrases that
    start at a place, so only for a single table.
    """
    owners: dict[str, set[str]] = {}
    for name, phrases in tables.items():
        for phrase in phrases:
            owners.setdefault(phrase, set()).add(name)
    always = frozenset(owners.pop("", ()))
    patterns = sorted(owners)
    if not patterns:
        return None, (), always
    if first_match and len(tables) > 1:
        raise ValueError("a first-match phrase finder serves a single table")
    kind = (
        ahocorasick_rs.MatchKind.LeftmostFirst if first_match else ahocorasick_rs.MatchKind.Standard
    )
    finder = ahocorasick_rs.BytesAhoCorasick(
        [utf8(p) for p in patterns],
        matchkind=kind,
        implementation=ahocorasick_rs.Implementation.DFA,
    )
    return finder, tuple(frozenset(owners[p]) for p in patterns), always


def utf8(text: str) -> bytes:
    """The UTF-8 bytes of ``text``, lone surrogates included (as three bytes each)."""
    return text.encode("utf-8", "surrogatepass")


# The tables a rule searches anywhere in a line's match key, all found in one automaton pass over
# a document's keys (``find_phrases``); their names are what ``found`` holds.
KEY_PHRASE_FINDER, KEY_PHRASE_OWNERS, KEY_PHRASE_ALWAYS = build_phrase_finder(
    {"follow": FOLLOW_PHRASES, "copyright": COPYRIGHT_PHRASES, "share": SHARE_MULTIWORD}
)
NOTICE_WORD_FINDER, NOTICE_WORD_OWNERS, _ = build_phrase_finder(
    {"notice": NOTICE_TRIGGERS}, first_match=True
)
# The first OPENING_CHARS characters (case ignored) a line must open with for READ_ALSO_CAPS,
# READ_ALSO_LABELLED, LABEL_LINE, COPYRIGHT_OPENING or CREDIT_LINE to match it ("opening" in
# ``found``): the other lines skip those long alternations. A pattern ignoring case matches one
# character for one, so a line it matches opens with the first characters of a phrase.
OPENING_CHARS = 4
_OPENING_PHRASES = (
    *_READ_LATIN,
    *(p.upper() for p in _READ_LATIN),
    *LEXICON["label_prefixes"],
    *("©", "(c", "copyright"),
    *("photo", "image", "picture", "video"),
)
OPENING_HINT = re.compile(alternation(p[:OPENING_CHARS] for p in _OPENING_PHRASES), re.IGNORECASE)
OPENING_FOUND = frozenset({"opening"})
# The longest line those patterns' rules look at.
OPENING_LINE_MAX = max(READ_ALSO_MAX, COPYRIGHT_LINE_MAX, LABEL_LINE_MAX, CAPTION_MAX)
NOTICE_FOUND = frozenset({"notice"})
NOTHING_FOUND: frozenset[str] = frozenset()

# Caption pairs: image alt text followed by the same text plus a credit (or the reverse).
PAIR_MIN = 20  # the shorter line of a pair
PAIR_TAIL_MAX = 80  # what the longer line adds: a credit or an "enlarge" button, not a sentence

# jusText's "short" and "bad" paragraph classes applied to lines, with its default thresholds:
# a line under LENGTH_LOW characters whose stop-word density is under STOPWORDS_LOW, between two
# furniture lines, is furniture. (jusText's "good" class needs 200+ characters: no context rule
# here reaches such lines.)
LENGTH_LOW = 70
STOPWORDS_LOW = 0.30
STOPLIST_SAMPLE_CHARS = 3000  # the document's language is judged on its first kept lines
STOPLIST_MIN_HITS = 5  # fewer stop words of any list: the language is unknown (CJK, or too short)
_HIRAGANA = re.compile("[\u3041-\u309f]")
_KANA = re.compile("[\u3041-\u30ff]")
_HAN_OR_KANA = re.compile("[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


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
    """A navigation trail: "Home | World | Europe", "Trang chủ › Thế giới › Châu Âu".

    A line that ends a sentence is none: its last part ends that sentence.
    """
    if len(line) > BREADCRUMB_MAX or not may_be_breadcrumb(line):
        return False
    parts = [p for p in BREADCRUMB_SEPARATOR.split(line) if p]
    if len(parts) < 2 or any(len(p.split()) > 3 or ends_sentence(p) for p in parts):
        return False
    return match_key(parts[0]) in HOME_WORDS or (
        len(parts) >= 3 and all(len(p.split()) <= 2 for p in parts)
    )


def may_be_breadcrumb(line: str) -> bool:
    """False when ``is_breadcrumb`` is for a short line: it has no separator or ends a sentence.

    After a line's sentence end come only CLOSING_MARKS, none of them a word, so the part of
    the line holding that end (``BREADCRUMB_SEPARATOR`` parts) ends the sentence too.
    """
    return has_breadcrumb_separator(line) and not ends_sentence(line)


def has_breadcrumb_separator(line: str) -> bool:
    """``BREADCRUMB_HINT.search(line) is not None``, faster: a separator is in the line."""
    return BREADCRUMB_CHARS.search(line) is not None or (
        "-" in line and SPACED_HYPHEN.search(line) is not None
    )


def is_label_line(line: str, found: Collection[str]) -> bool:
    """A short "Tags: ...", "Source: ...", "责任编辑：..." furniture line.

    ``found``: the line's ``find_phrases`` tables ("opening": OPENING_HINT matches it).
    """
    return len(line) <= LABEL_LINE_MAX and "opening" in found and LABEL_LINE.match(line) is not None


def is_read_also(line: str, key: str | None, found: Collection[str]) -> bool:
    """A "READ <headline>" / "Lire aussi : <headline>" / "اقرأ أيضا <headline>" teaser.

    ``found``: the line's ``find_phrases`` tables ("opening": OPENING_HINT matches it).
    """
    if len(line) > READ_ALSO_MAX:
        return False
    if "opening" in found and (READ_ALSO_CAPS.match(line) or READ_ALSO_LABELLED.match(line)):
        return True
    return key is not None and has_read_also_prefix(key)


def has_read_also_prefix(key: str) -> bool:
    """True when ``f"{key} "`` starts with one of READ_ALSO_KEY_PREFIXES."""
    return (key[:1] or " ") in READ_ALSO_KEY_FIRSTS and f"{key} ".startswith(
        READ_ALSO_KEY_PREFIXES
    )


def is_copyright(line: str, key: str | None, found: Collection[str]) -> bool:
    """A site's copyright footer: "© 2024 Le Quotidien", "جميع الحقوق محفوظة 2020", "版权所有".

    ``found``: the line's ``find_phrases`` tables ("copyright": a COPYRIGHT_PHRASES key in it,
    "opening": OPENING_HINT matches it).
    """
    if len(line) > COPYRIGHT_LINE_MAX:
        return False
    if "opening" in found and COPYRIGHT_OPENING.match(line):
        return True
    return key is not None and "copyright" in found


def is_social_follow(line: str, key: str | None, found: Collection[str]) -> bool:
    """A "follow us on Telegram" call to action or a line carrying a channel link.

    ``found``: the line's ``find_phrases`` tables ("follow": a FOLLOW_PHRASES key in it).
    """
    if len(line) > FOLLOW_LINE_MAX:
        return False
    if "/" in line and any(host in line.lower() for host in CHANNEL_HOSTS):  # hosts end in "/"
        return True
    if len(line) <= CHANNEL_LINE_MAX and CHANNEL_NAME_LINE.search(line):
        return True
    return key is not None and "follow" in found


def is_share_bar(key: str, found: Collection[str]) -> bool:
    """A line made only of share verbs and platform names.

    ``found``: the key's ``find_phrases`` tables ("share": a multi-word share phrase in it).
    """
    if not key:
        return False
    words = key.split()
    if len(words) > 8:
        return False
    if "share" not in found:
        return all(word in SHARE_WORDS for word in words)
    rest = key
    for phrase in SHARE_MULTIWORD:
        rest = rest.replace(phrase, " ")
    return all(word in SHARE_WORDS for word in rest.split())


def is_caption(line: str) -> bool:
    """A photo caption or credit line (kept aside: detected, never released as body)."""
    if line[0] == "©" and CREDIT_OPENING.match(line):
        return True
    if len(line) > CAPTION_MAX:
        return False
    last = line[-1]
    if last == "]":
        return BRACKET_CREDIT.search(line) is not None
    if last in ")）" and (PHOTO_SLASH_CREDIT.search(line) or is_source_caption(line)):
        return True
    if "=" in line[-60:] and KOREAN_CREDIT.search(line):
        return True
    if line[0] in "PpIiVv" and CREDIT_LINE.match(line):
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
    duplicates) are applied by ``label_lines``. Rules run in order: the line's shape first
    (``classify_shape``), then its phrases (``classify_phrases``).
    """
    key = match_key(line) if len(line) <= KEY_MAX else None
    return classify_keyed_line(line, key, find_line_phrases(line, key))


def classify_lines(lines: Sequence[str], skip: Collection[int] = ()) -> list[str | None]:
    """``classify_line`` of every line (None for the indices in ``skip``, never classified).

    The phrase tables searched anywhere in a line are searched once over the whole document
    (``find_phrases``).
    """
    keys = [
        match_key(line) if len(line) <= KEY_MAX and i not in skip else None
        for i, line in enumerate(lines)
    ]
    found = find_phrases(lines, keys, skip)
    return [
        None if i in skip else classify_keyed_line(line, keys[i], found[i])
        for i, line in enumerate(lines)
    ]


def classify_keyed_line(line: str, key: str | None, found: Collection[str]) -> str | None:
    """``classify_line`` given the line's ``find_phrases`` tables and ``match_key``.

    ``key`` is None for a line over KEY_MAX characters.
    """
    if not has_letter(line):
        return "no_letters"
    if not found and not may_be_furniture(line, key):
        return None
    shape = classify_shape(line)
    if shape is not None:
        return shape
    return classify_phrases(line, key, found)


def may_be_furniture(line: str, key: str | None) -> bool:
    """False only when no rule can match a line in which ``find_phrases`` found nothing.

    Each rule's cheapest necessary condition, so that most body lines skip all rules.

    ``key`` is the line's ``match_key`` (None over KEY_MAX characters).
    """
    first, last, length = line[0], line[-1], len(line)
    if (
        first in "hHwW#©"  # link_only, hashtags, caption (CREDIT_OPENING)
        or first.isdigit()  # ad_slot
        or last in ">=?])）"  # markup, captcha, caption (bracket, photo and source credits)
        or last.isdigit()  # news_id, caption (NUMBERED_PHOTO)
        or "<" in line  # markup
        or length <= 6  # markup (LOCALE_CODE)
    ):
        return True
    if length <= CHANNEL_LINE_MAX and may_end_channel_name(line.rstrip()[-1:]):
        return True  # social_follow (CHANNEL_NAME_LINE)
    if key is not None and (
        key in WIDGET_PHRASES
        or key in RELATED_HEADERS
        or has_read_also_prefix(key)
        or (key and key.partition(" ")[0] in SHARE_WORDS)  # keys are single-spaced, stripped
    ):
        return True
    if length <= FOLLOW_LINE_MAX and "/" in line:  # social_follow (channel hosts)
        return True
    if length <= BREADCRUMB_MAX and may_be_breadcrumb(line):
        return True
    return (
        length <= CAPTION_MAX
        and (
            "=" in line[-60:]  # KOREAN_CREDIT
            or (last == "." and line[-2:-1].isdigit())  # NUMBERED_PHOTO
            or "©" in line  # COPYRIGHT_CREDIT
            # has_credit_label needs a colon among the last CREDIT_VALUE_MAX characters
            or ((":" in line[-CREDIT_VALUE_MAX:] or "：" in line) and has_credit_label(line))
        )
    )


@functools.lru_cache(maxsize=4096)
def may_end_channel_name(last: str) -> bool:
    """True when CHANNEL_NAME_END matches ``last``, a line's last character before spaces."""
    return CHANNEL_NAME_END.match(last) is not None


def find_phrases(
    lines: Sequence[str], keys: Sequence[str | None], skip: Collection[int] = ()
) -> list[frozenset[str]]:
    """Per line, the names of the phrase tables found in it, searched once over the document.

    A phrase of KEY_PHRASE_FINDER in its match key (``keys``: None for a line without one),
    "notice" for a NOTICE_TRIGGERS word in its casefolded text (lines of at most
    NOTICE_LINE_MAX characters not in ``skip``), "opening" for a line OPENING_HINT matches
    (lines of at most OPENING_LINE_MAX characters).

    Same answers as searching each line alone: no phrase holds a line break, so no match spans
    two lines of the document searched at once.
    """
    found = [NOTHING_FOUND] * len(lines)
    if KEY_PHRASE_FINDER is not None or KEY_PHRASE_ALWAYS:
        hits = lines_with_phrases(KEY_PHRASE_FINDER, KEY_PHRASE_OWNERS, [k or "" for k in keys])
        for i, key in enumerate(keys):
            if key is not None and (KEY_PHRASE_ALWAYS or i in hits):
                found[i] = KEY_PHRASE_ALWAYS.union(hits.get(i, ()))
    if NOTICE_WORD_FINDER is not None:
        texts = [
            "" if len(line) > NOTICE_LINE_MAX or i in skip else line for i, line in enumerate(lines)
        ]
        notices = lines_with_phrases(
            NOTICE_WORD_FINDER, NOTICE_WORD_OWNERS, texts, fold=True, overlapping=False
        )
        for i in notices:
            found[i] = found[i] | NOTICE_FOUND
    for i, line in enumerate(lines):
        if len(line) <= OPENING_LINE_MAX and may_open_furniture(line[:OPENING_CHARS]):
            found[i] = found[i] | OPENING_FOUND
    return found


@functools.lru_cache(maxsize=8192)
def may_open_furniture(opening: str) -> bool:
    """True when OPENING_HINT matches ``opening``, a line's first OPENING_CHARS characters."""
    return OPENING_HINT.match(opening) is not None


def find_line_phrases(line: str, key: str | None) -> frozenset[str]:
    """``find_phrases`` of one line, without the document joins (``key``: its match key)."""
    found = set(KEY_PHRASE_ALWAYS) if key is not None else set()
    if key is not None and KEY_PHRASE_FINDER is not None:
        for pattern, _, _ in KEY_PHRASE_FINDER.find_matches_as_indexes(utf8(key), overlapping=True):
            found |= KEY_PHRASE_OWNERS[pattern]
    if (
        NOTICE_WORD_FINDER is not None
        and len(line) <= NOTICE_LINE_MAX
        and NOTICE_WORD_FINDER.find_matches_as_indexes(utf8(line.casefold()))
    ):
        found |= NOTICE_FOUND
    if len(line) <= OPENING_LINE_MAX and may_open_furniture(line[:OPENING_CHARS]):
        found |= OPENING_FOUND
    return frozenset(found)


def lines_with_phrases(
    finder: ahocorasick_rs.BytesAhoCorasick | None,
    owners: Sequence[frozenset[str]],
    texts: Sequence[str],
    fold: bool = False,
    overlapping: bool = True,
) -> dict[int, set[str]]:
    """The index of each text with a phrase of ``finder``, and the tables owning those phrases.

    One overlapping pass over all texts (casefolded with ``fold``); ``owners`` holds the tables
    of each pattern; ``overlapping=False`` for a ``first_match`` finder (``build_phrase_finder``).
    A text holding a line break is searched alone (in the texts joined by line breaks, the
    number of breaks before a match is its text's index). Casefolding maps each
    character alone and none but the line break to one, so the texts are folded joined.
    """
    hits: dict[int, set[str]] = {}
    if finder is None:
        return hits
    text = "\n".join(texts)
    joined = utf8(text.casefold() if fold else text)
    if joined.count(b"\n") != len(texts) - 1:
        for i, piece in enumerate(texts):
            searched = utf8(piece.casefold() if fold else piece)
            for pattern, _, _ in finder.find_matches_as_indexes(searched, overlapping):
                hits.setdefault(i, set()).update(owners[pattern])
        return hits
    for pattern, start, _ in finder.find_matches_as_indexes(joined, overlapping):
        hits.setdefault(joined.count(b"\n", 0, start), set()).update(owners[pattern])
    return hits


def classify_shape(line: str) -> str | None:
    """The rule a non-empty line's form alone decides: links, markup, captchas, tags, ad slots."""
    if line[0] in "hHwW" and LINK_ONLY.match(line):  # LINK_ONLY starts with http(s):// or www.
        return "link_only"
    if ("<" in line or line[-1] == ">") and is_markup(line):
        return "markup"
    if line[-1] in "=?" and CAPTCHA.match(line):
        return "captcha"
    if line[0] == "#" and HASHTAGS.match(line):
        return "hashtags"
    if line[0].isdigit() and AD_SIZE.match(line):
        return "ad_slot"
    if len(line) <= 6 and LOCALE_CODE.match(line):
        return "markup"
    return None


def classify_phrases(line: str, key: str | None, found: Collection[str]) -> str | None:
    """The rule a line's words decide (widgets, teasers, share bars, notices, captions...).

    ``key`` is the line's ``match_key`` (None for lines too long to be a phrase of the lexicon),
    ``found`` its ``find_phrases`` tables.
    """
    if key is not None:
        if is_widget(key):
            return "widget"
        if key in RELATED_HEADERS:
            return "related_header"
    for name, applies in PHRASE_RULES:
        if applies(line, key, found):
            return name
    if line[-1].isdigit() and len(line) <= NEWS_ID_MAX and NEWS_ID_LINE.match(line):
        return "news_id"
    if is_notice(line, found):
        return "notice"
    if is_caption(line):
        return CAPTION
    return None


def is_markup(line: str) -> bool:
    """HTML residue: an image placeholder, a line made only of tags, or a bare tag fragment."""
    if MARKUP_OPENING.match(line) or TAG_FRAGMENT.match(line):
        return True
    return "<" in line and not has_letter(TAG.sub("", line))


def is_notice(line: str, found: Collection[str] | None = None) -> bool:
    """A cookie, JavaScript, comment-form or old-article notice (a short line with its phrase).

    ``found``: the line's ``find_phrases`` tables ("notice": a trigger word in it); looked up
    when None.
    """
    if len(line) > NOTICE_LINE_MAX:
        return False
    if found is None:
        found = find_line_phrases(line, None)
    if "notice" not in found:
        return False
    folded = line.casefold()
    words = folded.split()
    if NOTICE_TRIGGERS.isdisjoint(words) and NOTICE_TRIGGERS.isdisjoint(
        [w.strip(WORD_EDGE_PUNCTUATION) for w in words]
    ):
        return False
    return NOTICE_PHRASE_RAW.search(folded) is not None


# --------------------------------------------------------------------------------------------
# Stop-word density (jusText)
# --------------------------------------------------------------------------------------------


def choose_stoplist(lines: Sequence[str]) -> frozenset[str] | None:
    """The stop list with the most hits in the document's first STOPLIST_SAMPLE_CHARS characters.

    None under STOPLIST_MIN_HITS hits; on a tie, the first list in lexicon order.
    """
    words = " ".join(lines)[:STOPLIST_SAMPLE_CHARS].lower().split()
    hits: Counter[int] = Counter()
    for numbers, count in Counter(map(STOPLIST_INDEX.get, words)).items():
        for number in numbers or ():  # the lists holding the word (None: no list holds it)
            hits[number] += count
    if not hits:
        return None
    number = min(hits, key=lambda n: (-hits[n], n))
    return STOPLIST_VALUES[number] if hits[number] >= STOPLIST_MIN_HITS else None


def stopword_density(line: str, stoplist: frozenset[str] | None) -> float | None:
    """Stop-word density as jusText has it: the share of whitespace-separated words in the list.

    Lines written without spaces (Han, kana) are never measured by a word list: one holding
    kana is measured by its share of hiragana among its letters (Japanese function words are
    written in hiragana), others are unknown (None), as is every line without a stop list.
    """
    if stoplist is None or _HAN_OR_KANA.search(line):
        if not _KANA.search(line):
            return None
        return len(_HIRAGANA.findall(line)) / len(_LETTER.findall(line))
    words = line.lower().split()
    if not words:
        return None
    return sum(map(stoplist.__contains__, words)) / len(words)


class StopwordDensity:
    """Stop-word density of one document's lines; the stop list is chosen on first use."""

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = lines
        self._chosen = False
        self._stoplist: frozenset[str] | None = None

    def __call__(self, line: str) -> float | None:
        """The density of ``line`` (``stopword_density``) with the document's stop list."""
        if _HAN_OR_KANA.search(line):  # measured without a word list: no need to choose one
            return stopword_density(line, None)
        if not self._chosen:
            self._stoplist = choose_stoplist(self._lines)
            self._chosen = True
        return stopword_density(line, self._stoplist)


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
        SKIPPED if i in skipped else (rule or BODY)
        for i, rule in enumerate(classify_lines(lines, skipped))
    ]
    density = StopwordDensity(lines)
    mark_title_repeats(lines, labels, title)
    mark_image_captions(lines, labels)
    mark_caption_pairs(lines, labels)
    mark_alt_text(lines, labels)
    mark_related_lists(lines, labels)
    mark_menu_runs(lines, labels)
    mark_trailing_teasers(lines, labels)
    mark_duplicates(lines, labels)
    mark_mid_article_teasers(lines, labels)
    mark_context_furniture(lines, labels, density)
    mark_teaser_listing(lines, labels)
    mark_letter_buttons(lines, labels)
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
    """A line that repeats the title (possibly with its site suffix) is not body.

    Compared through ``match_key``. A line that ends a sentence where the title does not is a
    lead sentence restating the headline, not a copy of it: article text, kept. So is a lead
    that restates the headline in its own words (its key differs).
    """
    if not title:
        return
    title_key = match_key(title)
    if not title_key:
        return
    title_is_sentence = ends_sentence(title)
    for i, line in enumerate(lines):
        if labels[i] == BODY and abs(len(line) - len(title)) <= TITLE_REPEAT_SLACK:
            key = match_key(line)
            if key == title_key:
                repeat = title_is_sentence or not ends_sentence(line)
            else:
                repeat = key.startswith(title_key) and not ends_sentence(line)
            if repeat:
                labels[i] = "title_repeat"


def mark_image_captions(lines: Sequence[str], labels: list[str]) -> None:
    """The short unpunctuated line right after an image placeholder is its caption."""
    if "markup" not in labels:
        return
    for i in range(1, len(lines)):
        if (
            labels[i] == BODY
            and labels[i - 1] == "markup"
            and MARKUP_OPENING.match(lines[i - 1])
            and len(lines[i]) <= CAPTION_MAX
            and not ends_sentence(lines[i])
        ):
            labels[i] = CAPTION


def mark_caption_pairs(lines: Sequence[str], labels: list[str]) -> None:
    """Label image alt text and its caption ``CAPTION``, both of the pair, in place.

    A pair is two adjacent body or caption lines, one the other plus a short credit ("<alt>"
    then "<alt> AP / Jane Doe", or "<caption> enlarge" then "<caption>").
    """
    heads = [line[:PAIR_MIN] for line in lines]
    if len(set(heads)) == len(heads):  # no two lines open alike, so no two adjacent ones
        return
    for i in range(len(lines) - 1):
        if heads[i] != heads[i + 1]:
            continue
        if labels[i] not in (BODY, CAPTION) or labels[i + 1] not in (BODY, CAPTION):
            continue
        short, long = sorted((lines[i], lines[i + 1]), key=len)
        tail = long[len(short) :]
        if (
            PAIR_MIN <= len(short) < len(long) <= CAPTION_MAX
            and len(tail) <= PAIR_TAIL_MAX
            and long.startswith(short)
            and not ends_sentence(tail)
        ):
            labels[i] = labels[i + 1] = CAPTION


NOT_CONTEXT_EVIDENCE = frozenset({BODY, SKIPPED, "title_repeat", "duplicate"})


def mark_context_furniture(
    lines: Sequence[str], labels: list[str], density: StopwordDensity
) -> None:
    """Label short body lines between two furniture lines ``context``, in place (jusText's step).

    A short unpunctuated line with few stop words between two furniture lines is furniture too
    (a menu entry or widget label no table knows). Lines of unknown density (no stop list fits:
    Chinese) are kept, and so are lines whose neighbours are only copies (a headline repeat, a
    duplicate): a byline sits there.
    """
    removed = [label not in NOT_CONTEXT_EVIDENCE for label in labels]
    for i in range(1, len(lines) - 1):
        line = lines[i]
        if (
            labels[i] == BODY
            and removed[i - 1]
            and removed[i + 1]
            and len(line) < LENGTH_LOW
            and not ends_sentence(line)
            and (value := density(line)) is not None
            and value < STOPWORDS_LOW
        ):
            labels[i] = "context"


def mark_alt_text(lines: Sequence[str], labels: list[str]) -> None:
    """Image alt text: an unpunctuated line right before a caption belongs to the photo."""
    if CAPTION not in labels:
        return
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
    if "related_header" not in labels:
        return
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
    """A run of MIN_MENU_RUN+ consecutive one-to-three-word lines is a menu or category list.

    The entries must differ: a name printed twice (a byline) is no menu.
    """
    items = {
        i
        for i, line in enumerate(lines)
        if len(line) <= MENU_ITEM_MAX and labels[i] == BODY and is_menu_item(line)
    }
    if len(items) < MIN_MENU_RUN:
        return
    run: list[int] = []
    for i in [*range(len(lines)), -1]:
        if i in items:
            run.append(i)
            continue
        if i >= 0 and labels[i] not in (BODY, CAPTION):
            continue  # already-removed furniture does not break a menu
        if len({lines[j] for j in run}) >= MIN_MENU_RUN:
            for j in run:
                labels[j] = "menu"
        run = []


def mark_trailing_teasers(lines: Sequence[str], labels: list[str]) -> None:
    """Label a run of short lines at the end of a document ``trailing_teasers``, in place.

    MIN_TRAILING_RUN or more short unpunctuated lines are a teaser list; after a footer (a
    copyright line or a site notice) any run of them is.
    """
    run: list[int] = []
    after_footer = 0  # how many lines of the run follow the last footer line
    for i in range(len(lines) - 1, -1, -1):
        if labels[i] not in (BODY, CAPTION):
            if labels[i] in FOOTER_LABELS and not after_footer:
                after_footer = len(run)
            continue
        if not is_short_line(lines[i]):
            break
        run.append(i)
    for j in run if len(run) >= MIN_TRAILING_RUN else run[:after_footer]:
        labels[j] = "trailing_teasers"


def mark_teaser_listing(lines: Sequence[str], labels: list[str]) -> None:
    """Label every body line of a listing page ``teaser_listing``, in place.

    A listing page: MIN_LISTING_ITEMS or more body lines remain and every one is a bulleted
    item ("- ...", "• ..."); they are teasers of other articles, not one article. An item that
    asks a question makes it an interview written with hyphen dashes: kept.
    """
    body = [i for i, label in enumerate(labels) if label == BODY]
    if (
        len(body) >= MIN_LISTING_ITEMS
        and all(BULLET_ITEM.match(lines[i]) for i in body)
        and not any(lines[i].rstrip(CLOSING_MARKS).endswith(QUESTION_MARKS) for i in body)
    ):
        for i in body:
            labels[i] = "teaser_listing"


def mark_mid_article_teasers(lines: Sequence[str], labels: list[str]) -> None:
    """Label headline-shaped lines between two prose paragraphs ``mid_teaser``, in place.

    Such a line is a teaser of another article (see MID_TEASER_MIN); the first and last body
    lines are never judged, nor a line that closes a quotation or holds a sentence end (see
    CLOSING_QUOTES).
    """
    body = [i for i, label in enumerate(labels) if label == BODY]
    for before, i, after in zip(body, body[1:], body[2:], strict=False):
        line = lines[i]
        if (
            MID_TEASER_MIN <= len(line) <= SHORT_LINE_MAX
            and not ends_sentence(line)
            and line[-1] not in LEAD_IN_END
            and line[-1] not in CLOSING_QUOTES
            and INNER_SENTENCE_END.search(line) is None
            and len(lines[before]) >= PROSE_MIN
            and ends_sentence(lines[before])
            and len(lines[after]) >= PROSE_MIN
        ):
            labels[i] = "mid_teaser"


def mark_letter_buttons(lines: Sequence[str], labels: list[str]) -> None:
    """Label font-size buttons ``letter_buttons``, in place: adjacent lines of a single letter.

    Two or more such lines are furniture; a button already removed as a duplicate still counts
    as the neighbour of one kept.
    """
    if min(map(len, lines), default=3) > 2:
        return
    button = [
        label in (BODY, "duplicate") and len(line) <= 2 and SINGLE_LETTER.match(line) is not None
        for line, label in zip(lines, labels, strict=True)
    ]
    if not any(button):
        return
    for i, line_is_button in enumerate(button):
        paired = (i > 0 and button[i - 1]) or (i + 1 < len(lines) and button[i + 1])
        if line_is_button and paired and labels[i] == BODY:
            labels[i] = "letter_buttons"


def mark_duplicates(lines: Sequence[str], labels: list[str]) -> None:
    """A paragraph identical to an earlier kept one is a scraping repeat."""
    if len(set(lines)) == len(lines):
        return
    seen: set[str] = set()
    for i, line in enumerate(lines):
        if labels[i] in (BODY, CAPTION):
            if line in seen:
                labels[i] = "duplicate"
            seen.add(line)


def join_body(paragraphs: Iterable[Paragraph]) -> str:
    """Join the body paragraphs (captions excluded) with a blank line."""
    return "\n\n".join(p.text for p in paragraphs if not p.is_caption)


# Phrase rules in the order classify_phrases tries them; each takes (line, match key, found).
PHRASE_RULES = (
    ("read_also", is_read_also),
    ("social_follow", is_social_follow),
    ("copyright", is_copyright),
    ("share_bar", lambda line, key, found: key is not None and is_share_bar(key, found)),
    ("breadcrumb", lambda line, key, found: is_breadcrumb(line)),
    ("label_line", lambda line, key, found: is_label_line(line, found)),
)
