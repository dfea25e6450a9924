"""Gazetteer entities, conflict events and outlet names of an article (issue 19).

Contract
--------
``annotate(title, text, language, published_date, publisher, credited_outlet)`` is what the
per-document driver calls: it returns an ``Annotation`` with the four columns below and the
normalized publisher.
``find_entities(title, text)`` returns the gazetteer entries mentioned in the title and text as a
list of ``{"key", "name", "type", "wikidata", "count"}`` dicts sorted by key, each count >= 1.
``find_events(entities, text, language, published_date)`` returns the sorted keys of the conflict
events (dataset/lexicon/events.yaml) the article reports. ``normalize_outlet(name)`` returns
``(canonical name, ISO 3166-1 alpha-2 country or None)`` for a registered outlet, else None.
All three are pure and deterministic; the data files are read once per process
(``load_lexicon``), and a malformed file raises ``ValueError`` naming the file and entry.

Definitions (quoted by the dataset card)
----------------------------------------
Data
    dataset/lexicon/gazetteer/{places,people,organizations}.yaml (names per language, ISO 639-1),
    gazetteer/affixes.yaml (inflection suffixes and clitic prefixes per language),
    lexicon/events.yaml (timeline, cue terms) and lexicon/outlets.yaml (outlet registry).
Folding
    Text and names are compared after ``fold``: Unicode casefolding, Turkish dotted capital I
    read as i, Russian ё read as е, Arabic/Persian letter variants unified (أ إ آ -> ا,
    ي ى -> ی, ك -> ک), Armenian և/եւ/ԵՎ read as եվ, no-break spaces read as spaces, ’ as ',
    Hebrew geresh ׳ as ' and gershayim ״ as ".
    Acronyms
    (``acronyms:`` in the gazetteer) are matched case-sensitively on the unfolded text, so
    "UN" or "EU" never match inside "une" or "Europe".
Matching
    One Aho-Corasick pass over the folded title and text finds every name and acronym
    (ahocorasick-rs, a DFA over UTF-8: 43 us for a 3 KB document where pyahocorasick 2.3.1
    took 330-460 us on the same machine, its Unicode trie searching the ~250 first letters of
    the names at every character); an acronym counts only where the unfolded text spells it
    exactly. A hit counts only at word
    boundaries of its script: letters of the same script glued before it must form a prefix
    declared for one of the languages the name is listed in (Arabic و/ب/ال..., Hebrew ה/ו/ב...),
    and letters glued after it a declared suffix (Russian case endings, Armenian -ում/-ի/-ից/-ը,
    Turkish and Azerbaijani case suffixes...). Han, kana and hangul have no boundary check.
    Overlapping hits resolve leftmost-longest ("Heydar Aliyev" is one mention of Heydar Aliyev,
    not also one of Ilham Aliyev; "Nagorno-Karabakh" is one mention, not two).
Events
    An event is a candidate when a cue naming it occurs (strong cue), or when a generic cue of
    its kind (fighting, refugees, blockade, peace deal; in the article's language) occurs
    together with one of its entities and date evidence. With a publication date, the evidence
    is that date within [start - ANNOUNCE_DAYS, end + reporting_days] (a summit is reported
    while announced). Otherwise (no date, or a page published after that window, such as a
    2024 page on the September 2023 offensive) it is a year of the event written in the
    text (written twice for an event spanning several years: "since the 1994 ceasefire" is a
    background reference to the first war, not a report of it); an undated article needs
    nothing more for events marked ``dateless`` in the data:
    blockade words next to the Lachin corridor, or peace-deal words next to Trump, name
    those events in any year. Events
    starting more than ANNOUNCE_DAYS after the publication date are dropped, and so are
    candidates by generic cues only whose kind has fewer than half the hits of the article's
    main kind (refugees named once in a report on the fighting). If some candidate
    is in its date window, the article reports those; other candidates stay only with two or
    more strong cues (more than a passing background reference). Otherwise (no date, or a
    later repost) the article reports the latest episode among the candidates: those whose
    period (end + reporting_days) reaches within EPISODE_DAYS of the latest candidate's start.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ahocorasick_rs
import yaml

from dataset.build.casefold import casefold, nfc
from dataset.paths import PACKAGE_DIR

LEXICON_DIR = PACKAGE_DIR / "lexicon"
GAZETTEER_FILES = ("places.yaml", "people.yaml", "organizations.yaml")
ENTITY_TYPES = ("place", "person", "organization")
EPISODE_DAYS = 30
ANNOUNCE_DAYS = 14
_ANNOUNCE = dt.timedelta(days=ANNOUNCE_DAYS)
MIN_OUTLET_PREFIX = 3
OUTLET_MEMO = 4096
CHAR_TABLE_LIMIT = 65_536  # characters whose class is kept (_CharTable)

# One-to-one replacements (str.replace per pair: str.translate with a dict costs ~100 ns per
# character on non-ASCII text, ten times more). _FOLD_PAIRS is the definition, applied before
# casefolding; _fold_nfc applies the same map as İ -> i before casefolding (casefold alone
# reads İ as i + combining dot) and _FOLDED_PAIRS after it, which lets the casefold of the
# body be shared with the dedupe keys (dataset.build.casefold). A unit test checks that the two
# orders agree on every code point.
_FOLD_PAIRS = (
    ("İ", "i"), ("ё", "е"), ("Ё", "е"), ("أ", "ا"), ("إ", "ا"), ("آ", "ا"),
    ("ي", "ی"), ("ى", "ی"), ("ك", "ک"), ("\u00a0", " "), ("\u2019", "'"),
    ("\u05f3", "'"), ("\u05f4", '"'),  # Hebrew geresh and gershayim, typed either way
)
_FOLDED_PAIRS = tuple(pair for pair in _FOLD_PAIRS if pair[0] not in "İЁ")  # casefold: Ё -> ё
_EXPANDING = re.compile("[" + "".join(
    re.escape(chr(c)) for c in range(0x80, 0x10000) if len(chr(c).casefold()) > 1) + "]")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # same result, 30x faster

# Scripts whose words are not separated by spaces: no boundary check.
_UNBOUNDED = "unbounded"
_SCRIPT_RANGES = (
    (0x0000, 0x024F, "Latn"), (0x0370, 0x03FF, "Grek"), (0x0400, 0x052F, "Cyrl"),
    (0x0530, 0x058F, "Armn"), (0x0590, 0x05FF, "Hebr"), (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"), (0x0900, 0x097F, "Deva"), (0x10A0, 0x10FF, "Geor"),
    (0x1100, 0x11FF, _UNBOUNDED), (0x1C90, 0x1CBF, "Geor"), (0x1E00, 0x1EFF, "Latn"),
    (0x1F00, 0x1FFF, "Grek"), (0x3040, 0x30FF, _UNBOUNDED), (0x3130, 0x318F, _UNBOUNDED),
    (0x3400, 0x4DBF, _UNBOUNDED), (0x4E00, 0x9FFF, _UNBOUNDED), (0xAC00, 0xD7AF, _UNBOUNDED),
    (0xF900, 0xFAFF, _UNBOUNDED), (0xFB50, 0xFDFF, "Arab"), (0xFE70, 0xFEFF, "Arab"),
    (0xFF66, 0xFF9F, _UNBOUNDED), (0x20000, 0x3FFFF, _UNBOUNDED),
)


@dataclass(frozen=True)
class Entry:
    """One gazetteer entry; ``coordinates`` is ``(lat, lon)`` or None."""

    key: str
    name: str
    type: str
    wikidata: str | None
    coordinates: tuple[float, float] | None


@dataclass(frozen=True, slots=True)
class _Pattern:
    """What an automaton hit stands for, with the affixes allowed at its edges."""

    target: str
    length: int
    suffixes: frozenset[str]
    prefixes: frozenset[str]
    stem: bool = False
    regex: re.Pattern[str] | None = None
    kind: str = ""
    languages: frozenset[str] = frozenset()
    exact: str | None = None  # an acronym: the unfolded text must read exactly this
    unbounded: bool = False  # both edges in a script without word boundaries (Han, kana, hangul)


class _Scanner:
    """The keys of one matcher and what each stands for (``patterns[i]`` for ``keys[i]``).

    Names count as leftmost-longest, non-overlapping occurrences ("Nagorno-Karabakh" once, not
    also its "Karabakh"), event cues at every occurrence: both are found by the one automaton of
    ``_Matcher``.
    """

    def __init__(self, keys: list[str], patterns: list[Any]) -> None:
        self.keys = keys
        self.patterns = patterns


_Hit = tuple[int, int, int]  # (key index, start, end) of an automaton hit
_START = operator.itemgetter(1)


class _Matcher:
    """One Aho-Corasick automaton over the gazetteer names and every event cue.

    It reports every occurrence of every key (``find``), once per text instead of one pass
    per scanner; ``names[i]`` is the name pattern of key i (or None) and ``cues[i]`` its cue
    patterns (possibly none). Name hits are reduced to leftmost-longest ones (``name_hits``).
    """

    def __init__(self, names: _Scanner, cues: _Scanner) -> None:
        keys = list(dict.fromkeys([*names.keys, *cues.keys]))
        number = {key: i for i, key in enumerate(keys)}
        self.names: list[_Pattern | None] = [None] * len(keys)
        self.cues: list[tuple[_Pattern, ...]] = [()] * len(keys)
        for key, pattern in zip(names.keys, names.patterns, strict=True):
            self.names[number[key]] = pattern
        for key, patterns in zip(cues.keys, cues.patterns, strict=True):
            self.cues[number[key]] = patterns
        self.automaton = ahocorasick_rs.AhoCorasick(
            keys, matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.DFA) if keys else None

    def find(self, folded: str) -> list[_Hit]:
        """``(key index, start, end)`` of every occurrence of every key in ``folded``."""
        if self.automaton is None:
            return []
        return self.automaton.find_matches_as_indexes(folded, overlapping=True)

    def name_hits(self, hits: Iterable[_Hit]) -> list[tuple[_Pattern, int, int]]:
        """The leftmost-longest, non-overlapping name hits among ``hits``, in text order.

        What a leftmost-longest automaton over the names alone reports: the hit that starts
        first, the longest of those starting there, then the same after its end.
        """
        names = self.names
        chosen: list[tuple[_Pattern, int, int]] = []
        last_start, last_end = -1, 0
        for index, start, end in sorted(hits, key=_START):  # stable: the same start stays together
            pattern = names[index]
            if pattern is None:
                continue
            if start >= last_end:
                chosen.append((pattern, start, end))
                last_start, last_end = start, end
            elif start == last_start and end > last_end:  # a longer name at the same start
                chosen[-1] = (pattern, start, end)
                last_end = end
        return chosen


@dataclass(frozen=True)
class Event:
    """One timeline event; ``end`` may be None (not verified).

    ``window``: [start - ANNOUNCE_DAYS, (end or start) + reporting_days], None without a start;
    ``years``: the years the event spans, as written; ``dateless``: its context cues plus one
    of its entities identify it without date evidence (events.yaml ``dateless: true``).
    """

    key: str
    name: str
    start: dt.date | None
    end: dt.date | None
    reporting_days: int
    context: str
    entities: frozenset[str]
    window: tuple[dt.date, dt.date] | None = None
    years: frozenset[str] = frozenset()
    dateless: bool = False


@dataclass(frozen=True)
class Lexicon:
    """Everything the matchers need, built once from the data files."""

    entries: Mapping[str, Entry]
    names: _Scanner  # folded names and acronyms (acronyms checked case-sensitively)
    events: Mapping[str, Event]
    context_cues: _Scanner  # strong cues + every language's context cues (each key: patterns)
    event_entities: frozenset[str]  # gazetteer keys some event names
    outlets: Mapping[str, tuple[str, str | None]]
    context_languages: frozenset[str] = frozenset()  # languages that have context cues
    rows: Mapping[str, tuple[str, str, str, str | None]] = field(default_factory=dict)
    events_by_context: Mapping[str, tuple[Event, ...]] = field(default_factory=dict)
    # normalize_outlet's answers per name as written (at most OUTLET_MEMO, then cleared)
    outlet_memo: dict[str, tuple[str, str | None] | None] = field(
        default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def matcher(self) -> _Matcher:
        """The one automaton over the names and every event cue (built on first use)."""
        return _Matcher(self.names, self.context_cues)


def fold(text: str) -> str:
    """Fold ``text`` for matching (see Definitions); keeps boundaries where they were."""
    return _fold_nfc(_nfc(text))


def _nfc(text: str) -> str:
    return nfc(text)  # remembered: dedupe_keys asks again for the same body


def _fold_nfc(text: str) -> str:
    """``fold`` of a text already in NFC."""
    if "İ" in text:
        text = text.replace("İ", "i")
    text = casefold(text)
    for old, new in _FOLDED_PAIRS:
        if old in text:
            text = text.replace(old, new)
    # Armenian: casefold turns the ligature և into ե + ւ; its capital is ԵՎ and the reformed
    # spelling writes եվ, so every spelling meets at եվ.
    return text.replace("եւ", "եվ") if "ւ" in text else text


class _CharTable(dict[str, Any]):
    """``compute(char)`` per character, kept as characters come.

    A dict lookup per use instead of a function call; cleared at CHAR_TABLE_LIMIT entries.
    """

    def __init__(self, compute: Callable[[str], Any]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, char: str) -> Any:
        if len(self) >= CHAR_TABLE_LIMIT:
            self.clear()
        value = self[char] = self.compute(char)
        return value


def _script_of(char: str) -> str:
    point = ord(char)
    for low, high, script in _SCRIPT_RANGES:
        if low <= point <= high:
            return script
    return "Other"


def _is_letter(char: str) -> bool:
    """Letters and combining marks (Devanagari vowel signs, Arabic harakat) glue to words."""
    return char.isalpha() or (not char.isascii() and unicodedata.category(char)[0] == "M")


def _is_clear(char: str) -> bool:
    """True for a character that ends a word on its own: no letter, no mark, not @ _ /."""
    if char.isascii():
        return (not char.isalnum() and char not in "@_/") or char.isdigit()
    return not char.isalpha() and unicodedata.category(char)[0] != "M"


_SCRIPT = _CharTable(_script_of)
_LETTER_SCRIPT = _CharTable(lambda char: _SCRIPT[char] if _is_letter(char) else None)
_CLEAR = _CharTable(_is_clear)


def _script(char: str) -> str:
    return _SCRIPT[char]


def _glued_before(text: str, start: int, script: str, limit: int) -> str:
    """The run of same-script letters that ends right before ``start``.

    At most ``limit`` + 1 letters: a longer run is no declared affix anyway.
    """
    i, stop, letter_script = start, max(0, start - limit - 1), _LETTER_SCRIPT
    while i > stop and letter_script[text[i - 1]] == script:
        i -= 1
    return text[i:start]


def _glued_after(text: str, end: int, script: str, limit: int) -> str:
    """The run of same-script letters that starts at ``end`` (at most ``limit`` + 1 letters)."""
    j, n, letter_script = end, min(len(text), end + limit + 1), _LETTER_SCRIPT
    while j < n and letter_script[text[j]] == script:
        j += 1
    return text[end:j]


@functools.lru_cache(maxsize=256)
def _longest(affixes: frozenset[str]) -> int:
    return max(map(len, affixes), default=0)


def _in_url(text: str, position: int) -> bool:
    """True when the whitespace-delimited token around ``position`` is a URL."""
    token_start = max(text.rfind(" ", 0, position), text.rfind("\n", 0, position)) + 1
    token = text[token_start:position]
    return "://" in token or token.startswith("www.")


def _at_boundaries(text: str, start: int, end: int, pattern: _Pattern) -> bool:
    """True when the hit text[start:end] is a word (plus declared affixes) of its script.

    A name inside a handle, identifier or URL (@armenia_news, https://x.am/armenia) is no
    mention; "Armenia/Azerbaijan" in prose is two. Letters of another script glued to a hit
    are a boundary; letters of its own script must form one declared affix.
    """
    size, letter_script = len(text), _LETTER_SCRIPT
    before = text[start - 1] if start > 0 else " "
    if before in "@_" or (end < size and text[end] == "_") or \
            (before == "/" and _in_url(text, start)):
        return False
    if start > 0:  # a letter before the hit: of the hit's script, it must end a prefix
        first = _SCRIPT[text[start]]
        if first != _UNBOUNDED and letter_script[before] == first:
            prefixes = pattern.prefixes
            if not prefixes or \
                    _glued_before(text, start, first, _longest(prefixes)) not in prefixes:
                return False
    if pattern.stem or end >= size:
        return True
    after = letter_script[text[end]]  # None: no letter
    last = _SCRIPT[text[end - 1]]
    if after is None or last == _UNBOUNDED or after != last:
        return True
    suffixes = pattern.suffixes
    return bool(suffixes) and _glued_after(text, end, last, _longest(suffixes)) in suffixes


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read lexicon data ({exc}); fix the file") from exc


Affixes = tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]


def _affixes(directory: Path) -> Affixes:
    data = _read_yaml(directory / "gazetteer" / "affixes.yaml") or {}
    suffixes = {lang: frozenset(fold(s) for s in items)
                for lang, items in (data.get("suffixes") or {}).items()}
    prefixes = {lang: frozenset(fold(p) for p in items)
                for lang, items in (data.get("prefixes") or {}).items()}
    return suffixes, prefixes


def _union(table: Mapping[str, frozenset[str]], languages: Iterable[str]) -> frozenset[str]:
    out: frozenset[str] = frozenset()
    for lang in languages:
        out |= table.get(lang, frozenset())
    return out


def _entry_of(raw: Mapping[str, Any], path: Path) -> Entry:
    key = raw.get("key")
    if not isinstance(key, str) or raw.get("type") not in ENTITY_TYPES:
        raise ValueError(f"{path}: entry {key!r} needs a string key and a type in {ENTITY_TYPES}")
    coords = raw.get("coordinates")
    point = None if coords is None else (float(coords["lat"]), float(coords["lon"]))
    if point is not None and not raw.get("source"):
        raise ValueError(f"{path}: {key} has coordinates but no source; name the page or null them")
    if raw.get("wikidata") is not None and not (raw.get("wikidata_source") or raw.get("source")):
        raise ValueError(f"{path}: {key} has a wikidata id but no source; name the page or null it")
    if raw.get("wikidata") is not None and not re.fullmatch(r"Q[1-9][0-9]*", str(raw["wikidata"])):
        raise ValueError(f"{path}: {key} has a wikidata id that is not Q<digits>; fix or null it")
    return Entry(key, str(raw["name"]), str(raw["type"]), raw.get("wikidata"), point)


def _gazetteer(directory: Path, affixes: Affixes) -> tuple[dict[str, Entry], _Scanner]:  # noqa: C901
    suffixes, prefixes = affixes
    entries: dict[str, Entry] = {}
    languages_of: dict[tuple[str, str], set[str]] = {}
    acronyms: dict[str, str] = {}
    for filename in GAZETTEER_FILES:
        path = directory / "gazetteer" / filename
        for raw in _read_yaml(path) or []:
            entry = _entry_of(raw, path)
            if entry.key in entries:
                raise ValueError(f"{path}: key {entry.key} is defined twice; keep one entry")
            entries[entry.key] = entry
            for lang, forms in (raw.get("names") or {}).items():
                for form in forms:
                    languages_of.setdefault((fold(form), entry.key), set()).add(lang)
            for acronym in raw.get("acronyms") or []:
                if acronyms.setdefault(acronym, entry.key) != entry.key:
                    raise ValueError(f"{path}: acronym {acronym!r} is used by two entries")
    owner: dict[str, str] = {}
    forms, patterns = [], []
    for (form, key), languages in sorted(languages_of.items()):
        if owner.setdefault(form, key) != key:
            raise ValueError(f"{directory}: name {form!r} is listed for both {owner[form]} and "
                             f"{key}; keep it in one entry")
        forms.append(form)
        patterns.append(_Pattern(key, len(form), _union(suffixes, languages),
                                 _union(prefixes, languages),
                                 unbounded=_script(form[0]) == _script(form[-1]) == _UNBOUNDED))
    for acronym, key in sorted(acronyms.items()):
        form = fold(acronym)
        if owner.setdefault(form, key) != key:
            raise ValueError(f"{directory}: acronym {acronym!r} of {key} folds to a name of "
                             f"{owner[form]}; keep one")
        if form not in forms:
            forms.append(form)
            patterns.append(_Pattern(key, len(form), frozenset(), frozenset(), exact=acronym))
    return entries, _Scanner(forms, patterns)


def _cue_pattern(cue: str, target: str, kind: str, languages: frozenset[str],
                 suffixes: frozenset[str], prefixes: frozenset[str]) -> tuple[str, _Pattern]:
    """Automaton key and pattern of one cue; ``word*`` is a stem, inner stars become regexes."""
    folded = fold(cue)
    stem = folded.endswith("*")
    body = folded.rstrip("*")
    literal = body.split("*", 1)[0]
    regex = None
    if "*" in body:
        parts = [re.escape(p).replace(r"\ ", r"\s+") for p in body.split("*")]
        regex = re.compile(r"\w*".join(parts))
    return literal, _Pattern(target, len(literal), suffixes, prefixes, stem, regex, kind, languages)


def _date(value: Any, path: Path, key: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    raise ValueError(f"{path}: event {key} has a date that is not YYYY-MM-DD: {value!r}")


def _cue_scanner(cues: Mapping[str, list[_Pattern]]) -> _Scanner:
    literals = sorted(cues)
    return _Scanner(literals, [tuple(cues[literal]) for literal in literals])


def _event(raw: Mapping[str, Any], path: Path, key: str) -> Event:
    start = _date(raw.get("start"), path, key)
    end = _date(raw.get("end"), path, key)
    reporting = int(raw.get("reporting_days", 0))
    window = None if start is None else (start - _ANNOUNCE,
                                         (end or start) + dt.timedelta(days=reporting))
    years = frozenset() if start is None else \
        frozenset(str(y) for y in range(start.year, (end or start).year + 1))
    return Event(key, raw["name"], start, end, reporting, raw["context"],
                 frozenset(raw.get("entities") or []), window, years, bool(raw.get("dateless")))


def _timeline(directory: Path,  # noqa: C901
              affixes: Affixes) -> tuple[dict[str, Event], _Scanner, frozenset[str]]:
    """The timeline of ``directory/events.yaml`` with its cue scanner.

    Returns the events, a scanner of strong and context cues (every language: a hit's pattern
    says its kind and language, so one automaton serves every language and both kinds) and the
    languages with context cues.
    """
    suffixes, prefixes = affixes
    path = directory / "events.yaml"
    data = _read_yaml(path) or {}
    contexts = data.get("context_cues") or {}
    events: dict[str, Event] = {}
    strong: dict[str, list[_Pattern]] = {}
    by_language: dict[str | None, dict[str, list[_Pattern]]] = {None: {}}

    def add(cue: str, target: str, kind: str, lang: str) -> None:
        langs = frozenset([lang])
        literal, pattern = _cue_pattern(str(cue), target, kind, langs,
                                        _union(suffixes, langs), _union(prefixes, langs))
        tables = [strong] if kind == "strong" else [by_language[None],
                                                    by_language.setdefault(lang, {})]
        for table in tables:
            table.setdefault(literal, []).append(pattern)

    def with_strong(table: dict[str, list[_Pattern]]) -> dict[str, list[_Pattern]]:
        merged = {literal: list(patterns) for literal, patterns in strong.items()}
        for literal, patterns in table.items():
            merged.setdefault(literal, []).extend(patterns)
        return merged

    for raw in data.get("events") or []:
        key = raw["key"]
        if raw.get("context") not in contexts:
            raise ValueError(f"{path}: event {key} names an unknown context {raw.get('context')!r}")
        events[key] = _event(raw, path, key)
        for lang, items in (raw.get("cues") or {}).items():
            for cue in items:
                add(cue, key, "strong", lang)
    for context, by_lang in contexts.items():
        for lang, items in by_lang.items():
            for cue in items:
                add(cue, context, "context", lang)
    # One scan per article: the context cues ride with all the strong cues.
    return events, _cue_scanner(with_strong(by_language[None])), \
        frozenset(lang for lang in by_language if lang is not None)


def _outlets(directory: Path) -> dict[str, tuple[str, str | None]]:
    path = directory / "outlets.yaml"
    table: dict[str, tuple[str, str | None]] = {}
    for raw in (_read_yaml(path) or {}).get("outlets") or []:
        value = (str(raw["name"]), raw.get("country"))
        for alias in [raw["name"], *(raw.get("aliases") or [])]:
            folded = _fold_outlet(str(alias))
            if table.setdefault(folded, value) != value:
                raise ValueError(f"{path}: alias {alias!r} belongs to two outlets; keep one")
    return table


@functools.cache
def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    """Read and compile the lexicon data once per process (cached per directory)."""
    affixes = _affixes(directory)
    entries, names = _gazetteer(directory, affixes)
    events, context_cues, context_languages = _timeline(directory, affixes)
    for event in events.values():
        unknown = sorted(event.entities - entries.keys())
        if unknown:
            raise ValueError(f"{directory / 'events.yaml'}: event {event.key} names unknown "
                             f"gazetteer keys {unknown}")
    linked = frozenset().union(*(event.entities for event in events.values()))
    rows = {key: (e.key, e.name, e.type, e.wikidata) for key, e in entries.items()}
    by_context: dict[str, tuple[Event, ...]] = {}
    for event in events.values():
        by_context[event.context] = (*by_context.get(event.context, ()), event)
    return Lexicon(entries, names, events, context_cues, linked, _outlets(directory),
                   context_languages, rows, by_context)


def _raw_position(raw: str, folded_position: int) -> int:
    """Position in ``raw`` of ``folded_position`` in ``fold(raw)``.

    Only casefolding changes lengths (Armenian և -> եւ, German ß -> ss); the characters that
    expand are found with one regular-expression scan.
    """
    position = folded_position
    for match in _EXPANDING.finditer(raw):
        if match.start() >= position:
            break
        position -= len(match.group().casefold()) - 1
    return position


def _count_mentions(raw: str, folded: str, hits: Iterable[tuple[_Pattern, int, int]],
                    counts: dict[str, int]) -> None:
    """Add to ``counts`` the mentions per key: the name ``hits`` at word boundaries.

    ``raw`` is in NFC and ``folded`` is its fold; ``hits`` are ``_Matcher.name_hits`` of
    ``folded``. The common hit, with a space or punctuation on both sides, is accepted without
    looking further; acronyms must also read exactly so in the unfolded text.
    """
    size, clear = len(folded), _CLEAR
    same_length = len(raw) == size
    for pattern, start, end in hits:
        exact = pattern.exact
        if exact is not None and same_length and raw[start:end] != exact:
            continue  # most folded acronym hits are inside words ("ue" in "militaire")
        if pattern.unbounded:  # only handles and identifiers need a look ("@中国新闻")
            bounded = (start == 0 or folded[start - 1] not in "@_/") and \
                (end == size or folded[end] != "_")
        else:
            bounded = (start == 0 or clear[folded[start - 1]]) and \
                (end == size or clear[folded[end]])
        if not bounded and not _at_boundaries(folded, start, end, pattern):
            continue
        if exact is not None and not same_length and \
                raw[_raw_position(raw, start):_raw_position(raw, end)] != exact:
            continue
        counts[pattern.target] = counts.get(pattern.target, 0) + 1


def _prepared(parts: Iterable[str | None]) -> list[tuple[str, str]]:
    """``(NFC text, its fold)`` of each non-empty part, in order."""
    return [(nfc, _fold_nfc(nfc)) for nfc in map(_nfc, filter(None, parts))]


def _entity_counts(prepared: Iterable[tuple[str, str]], lexicon: Lexicon,
                   hits: Iterable[list[_Hit]] | None = None) -> dict[str, int]:
    """Mentions per gazetteer key in the ``(raw, folded)`` parts.

    ``hits``: ``_Matcher.find`` of each folded part, when already found.
    """
    # Title and text are scanned apart (a line break separates them anyway).
    matcher = lexicon.matcher
    counts: dict[str, int] = {}
    prepared = list(prepared)
    found = _found(matcher, [folded for _, folded in prepared], hits)
    for (raw, folded), part_hits in zip(prepared, found, strict=True):
        _count_mentions(raw, folded, matcher.name_hits(part_hits), counts)
    return counts


def _found(matcher: _Matcher, parts: list[str],
           hits: Iterable[list[_Hit]] | None) -> Iterable[list[_Hit]]:
    """``hits`` when given, else ``matcher.find`` of each folded part."""
    return [matcher.find(folded) for folded in parts] if hits is None else hits


def find_entities(title: str | None, text: str | None,
                  lexicon: Lexicon | None = None) -> list[dict[str, Any]]:
    """Gazetteer entries mentioned in ``title`` and ``text`` with mention counts, sorted by key."""
    lex = lexicon or load_lexicon()
    counts = _entity_counts(_prepared((title, text)), lex)
    return [{"key": key, "name": lex.entries[key].name, "type": lex.entries[key].type,
             "wikidata": lex.entries[key].wikidata, "count": counts[key]}
            for key in sorted(counts)]


def _cue_counts(parts: Iterable[str], language: str | None, lexicon: Lexicon,
                with_context: bool, hits: Iterable[list[_Hit]] | None = None
                ) -> tuple[dict[str, int], dict[str, int]]:
    """Strong-cue hits per event and (``with_context``) context-cue hits per context kind.

    Counted in the folded ``parts`` (title, text); ``hits``: ``_Matcher.find`` of each part,
    when already found.
    """
    matcher = lexicon.matcher
    # A language without context cues of its own takes every language's (unknown language).
    own = language if language in lexicon.context_languages else None
    strong: dict[str, int] = {}
    context: dict[str, int] = {}
    parts = list(parts)
    table_of, clear = matcher.cues, _CLEAR
    for folded, part_hits in zip(parts, _found(matcher, parts, hits), strict=True):
        size = len(folded)
        for index, start, literal_end in part_hits:
            patterns = table_of[index]
            if not patterns or \
                    (start > 0 and folded[start].isdigit() and folded[start - 1].isdigit()):
                continue  # "4일 전쟁" (four-day war) inside "44일 전쟁": a number is whole
            bounded_before = start == 0 or clear[folded[start - 1]]
            counted: tuple[str, ...] = ()  # a cue listed under several languages counts once
            for pattern in patterns:
                if pattern.kind != "strong" and (not with_context or (
                        own is not None and own not in pattern.languages)):
                    continue
                if pattern.target in counted:
                    continue
                end = literal_end
                if pattern.regex is not None:
                    match = pattern.regex.match(folded, start)
                    if match is None:
                        continue
                    end = match.end()
                # A clear character on both sides is a boundary (what _at_boundaries says).
                if not (bounded_before and (end == size or clear[folded[end]])) and \
                        not _at_boundaries(folded, start, end, pattern):
                    continue
                table = strong if pattern.kind == "strong" else context
                table[pattern.target] = table.get(pattern.target, 0) + 1
                counted += (pattern.target,)
    return strong, context


_YEAR_STARTS = (("19", "89"), ("20", "01234"))  # 198x-199x, 200x-204x: the years 1980-2049


def _year_counts(text: str) -> Counter[str]:
    """How often each year 1980-2049 is written in ``text`` as four digits not glued to others.

    ``str.find`` of "19" and "20" instead of a regular expression (which tried every
    position: ten times slower). The fourth digit is any decimal digit (``str.isdecimal``,
    what a regular expression's digit class reads).
    """
    found: Counter[str] = Counter()
    size = len(text)
    for head, thirds in _YEAR_STARTS:
        i = text.find(head)
        while 0 <= i <= size - 4:
            if text[i + 2] in thirds and text[i + 3].isdecimal() and \
                    (i == 0 or not text[i - 1].isdigit()) and \
                    (i + 4 == size or not text[i + 4].isdigit()):
                found[text[i:i + 4]] += 1
            i = text.find(head, i + 1)
    return found


def _period_end(event: Event) -> dt.date:
    return event.window[1] if event.window is not None else dt.date.max


def find_events(entities: Iterable[Mapping[str, Any] | str], text: str | None,
                language: str | None, published_date: dt.date | str | None,
                lexicon: Lexicon | None = None, title: str | None = None) -> list[str]:
    """Sorted keys of the timeline events the article (``title`` and ``text``) reports.

    See Definitions in the module docstring.
    """
    lex = lexicon or load_lexicon()
    day = dt.date.fromisoformat(published_date) if isinstance(published_date, str) \
        else published_date
    present = {e if isinstance(e, str) else e["key"] for e in entities}
    parts = [folded for _, folded in _prepared((title, text))]
    return _reported_events(present, parts, language, day, lex)


def _reported_events(present: Iterable[str], parts: list[str],  # noqa: C901
                     language: str | None, day: dt.date | None, lex: Lexicon,
                     hits: Iterable[list[_Hit]] | None = None) -> list[str]:
    """``find_events`` given the found entity keys and the folded title and text.

    ``hits``: ``_Matcher.find`` of each part, when already found.
    """
    linked = not lex.event_entities.isdisjoint(present)
    strong, context = _cue_counts(parts, language, lex, with_context=linked, hits=hits)
    if not strong and not context:
        return []
    present = set(present)
    years: Counter[str] | None = None
    last_start = None if day is None else day + _ANNOUNCE
    candidates, windowed = [], []
    # Only events with a cue hit can be candidates (the result is sorted: order is free).
    events = [lex.events[key] for key in strong]
    events += [e for kind in context for e in lex.events_by_context.get(kind, ())
               if e.key not in strong]
    for event in events:
        if last_start is not None and event.start is not None and event.start > last_start:
            continue
        in_window = day is not None and event.window is not None and \
            event.window[0] <= day <= event.window[1]
        if strong.get(event.key):
            candidates.append(event)
            if in_window:
                windowed.append(event)
            continue
        if not (context.get(event.context) and present & event.entities):
            continue
        dated = in_window or (day is None and event.dateless)
        if not dated:  # a later page about an earlier event: a year of it written in the text
            if years is None:
                years = _year_counts(" ".join(parts))
            # One year of a war spanning several is a passing background reference ("since
            # the 1994 ceasefire"): such an event needs its years written twice.
            needed = 1 if len(event.years) == 1 else 2
            dated = sum(years[year] for year in event.years) >= needed
        if dated:
            candidates.append(event)
            if in_window:
                windowed.append(event)
    # Context-only candidates of a kind named less than half as often as the article's main
    # kind are side remarks (an offensive report that mentions the blockade or refugees).
    top = max((context[e.context] for e in candidates if not strong.get(e.key)), default=0)
    if top:
        candidates = [e for e in candidates if strong.get(e.key) or 2 * context[e.context] >= top]
        windowed = [e for e in windowed if e in candidates]
    if windowed:
        chosen = windowed + [e for e in candidates
                             if e not in windowed and strong.get(e.key, 0) >= 2]
    else:
        dated_candidates = [e for e in candidates if e.start is not None]
        if not dated_candidates:
            return []
        latest = max(e.start for e in dated_candidates)
        horizon = latest - dt.timedelta(days=EPISODE_DAYS)
        chosen = [e for e in dated_candidates if _period_end(e) >= horizon]
    return sorted(e.key for e in chosen)


def _fold_outlet(name: str) -> str:
    return " ".join(fold(name).strip(" \t.,;:|-–—()[]«»\"'").split())


def normalize_outlet(name: str | None,
                     lexicon: Lexicon | None = None) -> tuple[str, str | None] | None:
    """(canonical name, country) of a registered outlet named by ``name``, else None.

    The whole folded name is looked up first; then its leading words (split on spaces and
    hyphens), longest first, when they are at least MIN_OUTLET_PREFIX characters long.
    Answers are kept per lexicon (a build sees few distinct publishers).
    """
    if not name or not name.strip():
        return None
    lex = lexicon or load_lexicon()
    memo = lex.outlet_memo
    if name not in memo:
        if len(memo) >= OUTLET_MEMO:
            memo.clear()
        memo[name] = _registered_outlet(name, lex.outlets)
    return memo[name]


def _registered_outlet(name: str, table: Mapping[str, tuple[str, str | None]]
                       ) -> tuple[str, str | None] | None:
    folded = _fold_outlet(name)
    if folded in table:
        return table[folded]
    words = re.split(r"[\s\-]+", folded)
    for size in range(len(words) - 1, 0, -1):
        head = " ".join(words[:size])
        if len(head) >= MIN_OUTLET_PREFIX and head in table:
            return table[head]
    return None


@dataclass(frozen=True)
class Annotation:
    """The issue-19 fields of one article (what ``annotate`` returns).

    ``entities``: ``(key, name, type, wikidata, count)`` tuples sorted by key; ``events``: sorted
    timeline keys; ``publisher``/``credited_outlet``: registry names where registered, else as
    given; ``outlet_country``: the publisher's registry country, else the credited outlet's.
    """

    entities: tuple[tuple[str, str, str, str | None, int], ...]
    events: tuple[str, ...]
    publisher: str | None
    credited_outlet: str | None
    outlet_country: str | None


def annotate(title: str | None, text: str | None, language: str | None,
             published_date: dt.date | None, publisher: str | None,
             credited_outlet: str | None, lexicon: Lexicon | None = None) -> Annotation:
    """Entities, events and normalized outlets of one extracted article (pure, deterministic).

    The one call the per-document driver makes; ``find_entities``, ``find_events`` and
    ``normalize_outlet`` state the rules. Title and text are normalized and folded once here
    for both matchers.
    """
    lex = lexicon or load_lexicon()
    prepared = _prepared((title, text))
    matcher = lex.matcher
    hits = [matcher.find(folded) for _, folded in prepared]  # one pass: names and cues
    counts = _entity_counts(prepared, lex, hits)
    day = dt.date.fromisoformat(published_date) if isinstance(published_date, str) \
        else published_date
    events = _reported_events(counts.keys(), [folded for _, folded in prepared], language,
                              day, lex, hits)
    site = normalize_outlet(publisher, lex)
    credit = normalize_outlet(credited_outlet, lex)
    country = (site[1] if site else None) or (credit[1] if credit else None)
    rows = lex.rows
    return Annotation(
        entities=tuple([(*rows[key], counts[key]) for key in sorted(counts)]),
        events=tuple(events),
        publisher=site[0] if site else publisher,
        credited_outlet=credit[0] if credit else credited_outlet,
        outlet_country=country,
    )


def entry(key: str, lexicon: Lexicon | None = None) -> Entry:
    """The gazetteer entry for ``key`` (coordinates for maps); KeyError if unknown."""
    return (lexicon or load_lexicon()).entries[key]
