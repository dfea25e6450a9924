"""Gazetteer entities, conflict events and outlet names of an article (issue 19).

Contract
--------
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
    ي ى -> ی, ك -> ک) and line breaks, tabs and no-break spaces read as spaces. Acronyms
    (``acronyms:`` in the gazetteer) are matched case-sensitively on the unfolded text, so
    "UN" or "EU" never match inside "une" or "Europe".
Matching
    One Aho-Corasick pass (pyahocorasick) over the folded title and text finds every name; a
    second, small one over the unfolded text finds the acronyms. A hit counts only at word
    boundaries of its script: letters of the same script glued before it must form a prefix
    declared for one of the languages the name is listed in (Arabic و/ب/ال..., Hebrew ה/ו/ב...),
    and letters glued after it a declared suffix (Russian case endings, Armenian -ում/-ի/-ից/-ը,
    Turkish and Azerbaijani case suffixes...). Han, kana and hangul have no boundary check.
    Overlapping hits resolve leftmost-longest ("Heydar Aliyev" is one mention of Heydar Aliyev,
    not also one of Ilham Aliyev; "Nagorno-Karabakh" is one mention, not two).
Events
    An event is a candidate when a cue naming it occurs (strong cue), or when a generic cue of
    its kind (fighting, refugees, blockade, peace deal; in the article's language) occurs
    together with one of its entities and date evidence: the publication date within
    [start - ANNOUNCE_DAYS, end + reporting_days] (a summit is reported while announced) or the
    event's start year written in the text. Events starting more than ANNOUNCE_DAYS after the
    publication date are dropped. If some candidate is in its date window, the
    article reports those; other candidates stay only with two or more strong cues (more than a
    passing background reference). Otherwise (no date, or a later repost) the article reports
    the latest episode among the candidates: those whose period (end + reporting_days) reaches
    within EPISODE_DAYS of the latest candidate's start.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick
import yaml

from dataset.paths import PACKAGE_DIR

LEXICON_DIR = PACKAGE_DIR / "lexicon"
GAZETTEER_FILES = ("places.yaml", "people.yaml", "organizations.yaml")
ENTITY_TYPES = ("place", "person", "organization")
EPISODE_DAYS = 30
ANNOUNCE_DAYS = 14
MIN_OUTLET_PREFIX = 3

_FOLD_TABLE = str.maketrans({
    "İ": "i", "ё": "е", "Ё": "е",
    "أ": "ا", "إ": "ا", "آ": "ا", "ي": "ی", "ى": "ی", "ك": "ک",
    "\n": " ", "\r": " ", "\t": " ", "\u00a0": " ", "\u2019": "'",
})
_YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)(?!\d)")

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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Event:
    """One timeline event; ``end`` may be None (not verified)."""

    key: str
    name: str
    start: dt.date | None
    end: dt.date | None
    reporting_days: int
    context: str
    entities: frozenset[str]


@dataclass(frozen=True)
class Lexicon:
    """Everything the matchers need, built once from the data files."""

    entries: Mapping[str, Entry]
    names: Any  # ahocorasick.Automaton over folded names
    acronyms: Any  # ahocorasick.Automaton over exact-case acronyms (None when there are none)
    events: Mapping[str, Event]
    cues: Any  # ahocorasick.Automaton over folded event cues
    outlets: Mapping[str, tuple[str, str | None]]


def fold(text: str) -> str:
    """Fold ``text`` for matching (see Definitions); keeps boundaries where they were."""
    return unicodedata.normalize("NFC", text).translate(_FOLD_TABLE).casefold()


@functools.lru_cache(maxsize=4096)
def _script(char: str) -> str:
    point = ord(char)
    for low, high, script in _SCRIPT_RANGES:
        if low <= point <= high:
            return script
    return "Other"


def _is_letter(char: str) -> bool:
    return char.isalpha() or unicodedata.category(char)[0] == "M"


def _glued_before(text: str, start: int, script: str) -> str:
    """The run of same-script letters that ends right before ``start``."""
    i = start
    while i > 0 and _is_letter(text[i - 1]) and _script(text[i - 1]) == script:
        i -= 1
    return text[i:start]


def _glued_after(text: str, end: int, script: str) -> str:
    """The run of same-script letters that starts at ``end``."""
    j, n = end, len(text)
    while j < n and _is_letter(text[j]) and _script(text[j]) == script:
        j += 1
    return text[end:j]


def _at_boundaries(text: str, start: int, end: int, pattern: _Pattern) -> bool:
    """True when the hit text[start:end] is a word (plus declared affixes) of its script."""
    first = _script(text[start])
    if first != _UNBOUNDED:
        glued = _glued_before(text, start, first)
        if glued and glued not in pattern.prefixes:
            return False
    if pattern.stem:
        return True
    last = _script(text[end - 1])
    if last != _UNBOUNDED:
        glued = _glued_after(text, end, last)
        if glued and glued not in pattern.suffixes:
            return False
    return True


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read lexicon data ({exc}); fix the file") from exc


def _affixes(directory: Path) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
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
    if raw.get("wikidata") is not None and not raw.get("source"):
        raise ValueError(f"{path}: {key} has a wikidata id but no source; name the page or null it")
    return Entry(key, str(raw["name"]), str(raw["type"]), raw.get("wikidata"), point)


def _gazetteer(directory: Path) -> tuple[dict[str, Entry], Any, Any]:
    suffixes, prefixes = _affixes(directory)
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
    names = ahocorasick.Automaton()
    for (form, key), languages in sorted(languages_of.items()):
        if owner.setdefault(form, key) != key:
            raise ValueError(f"{directory}: name {form!r} is listed for both {owner[form]} and "
                             f"{key}; keep it in one entry")
        names.add_word(form, _Pattern(key, len(form), _union(suffixes, languages),
                                      _union(prefixes, languages)))
    names.make_automaton()
    exact = None
    if acronyms:
        exact = ahocorasick.Automaton()
        for acronym, key in sorted(acronyms.items()):
            exact.add_word(acronym, _Pattern(key, len(acronym), frozenset(), frozenset()))
        exact.make_automaton()
    return entries, names, exact


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


def _timeline(directory: Path) -> tuple[dict[str, Event], Any]:
    suffixes, prefixes = _affixes(directory)
    path = directory / "events.yaml"
    data = _read_yaml(path) or {}
    contexts = data.get("context_cues") or {}
    events: dict[str, Event] = {}
    cues: dict[str, list[_Pattern]] = {}

    def add(cue: str, target: str, kind: str, lang: str) -> None:
        langs = frozenset([lang])
        literal, pattern = _cue_pattern(str(cue), target, kind, langs,
                                        _union(suffixes, langs), _union(prefixes, langs))
        cues.setdefault(literal, []).append(pattern)

    for raw in data.get("events") or []:
        key = raw["key"]
        if raw.get("context") not in contexts:
            raise ValueError(f"{path}: event {key} names an unknown context {raw.get('context')!r}")
        events[key] = Event(key, raw["name"], _date(raw.get("start"), path, key),
                            _date(raw.get("end"), path, key), int(raw.get("reporting_days", 0)),
                            raw["context"], frozenset(raw.get("entities") or []))
        for lang, items in (raw.get("cues") or {}).items():
            for cue in items:
                add(cue, key, "strong", lang)
    for context, by_lang in contexts.items():
        for lang, items in by_lang.items():
            for cue in items:
                add(cue, context, "context", lang)
    automaton = ahocorasick.Automaton()
    for literal in sorted(cues):
        automaton.add_word(literal, tuple(cues[literal]))
    automaton.make_automaton()
    return events, automaton


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
    entries, names, acronyms = _gazetteer(directory)
    events, cues = _timeline(directory)
    for event in events.values():
        unknown = sorted(event.entities - entries.keys())
        if unknown:
            raise ValueError(f"{directory / 'events.yaml'}: event {event.key} names unknown "
                             f"gazetteer keys {unknown}")
    return Lexicon(entries, names, acronyms, events, cues, _outlets(directory))


def _hits(text: str, automaton: Any) -> list[tuple[int, int, str]]:
    """(start, end, key) of every boundary-respecting hit of ``automaton`` in ``text``."""
    found = []
    for last, pattern in automaton.iter(text):
        start = last + 1 - pattern.length
        if _at_boundaries(text, start, last + 1, pattern):
            found.append((start, last + 1, pattern.target))
    return found


def _in_folded_positions(raw: str, folded: str,
                         hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Move hits on ``raw`` to positions in ``fold(raw)`` so overlaps with names resolve.

    Folding keeps the length of almost every text; where it does not (Armenian և, German ß),
    positions are recomputed character by character, once, up to the last hit.
    """
    if not hits or len(raw) == len(folded):
        return hits
    last = max(end for _, end, _ in hits)
    offsets, total = [], 0
    for char in raw[:last]:
        offsets.append(total)
        total += len(fold(char))
    offsets.append(total)
    return [(offsets[start], offsets[end], key) for start, end, key in hits]


def _leftmost_longest(hits: list[tuple[int, int, str]]) -> list[str]:
    kept, reach = [], 0
    for start, end, key in sorted(hits, key=lambda h: (h[0], h[0] - h[1], h[2])):
        if start >= reach:
            kept.append(key)
            reach = end
    return kept


def find_entities(title: str | None, text: str | None,
                  lexicon: Lexicon | None = None) -> list[dict[str, Any]]:
    """Gazetteer entries mentioned in ``title`` and ``text`` with mention counts, sorted by key."""
    lex = lexicon or load_lexicon()
    raw = unicodedata.normalize("NFC", f"{title or ''}\n{text or ''}")
    folded = fold(raw)
    hits = _hits(folded, lex.names)
    if lex.acronyms is not None:
        hits += _in_folded_positions(raw, folded, _hits(raw, lex.acronyms))
    keys = _leftmost_longest(hits)
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return [{"key": key, "name": lex.entries[key].name, "type": lex.entries[key].type,
             "wikidata": lex.entries[key].wikidata, "count": counts[key]}
            for key in sorted(counts)]


def _cue_counts(folded: str, language: str | None,
                lexicon: Lexicon) -> tuple[dict[str, int], dict[str, int]]:
    """Strong-cue hits per event and context-cue hits per context kind."""
    strong: dict[str, int] = {}
    context: dict[str, int] = {}
    for last, patterns in lexicon.cues.iter(folded):
        for pattern in patterns:
            start = last + 1 - pattern.length
            end = last + 1
            if pattern.regex is not None:
                match = pattern.regex.match(folded, start)
                if match is None:
                    continue
                end = match.end()
            if not _at_boundaries(folded, start, end, pattern):
                continue
            if pattern.kind == "strong":
                strong[pattern.target] = strong.get(pattern.target, 0) + 1
            elif language is None or language in pattern.languages:
                context[pattern.target] = context.get(pattern.target, 0) + 1
    return strong, context


def _period_end(event: Event) -> dt.date | None:
    last = event.end or event.start
    return None if last is None else last + dt.timedelta(days=event.reporting_days)


def _in_window(event: Event, day: dt.date | None) -> bool:
    """Publication ``day`` within [start - ANNOUNCE_DAYS, end + reporting_days]."""
    end = _period_end(event)
    return day is not None and event.start is not None and end is not None and \
        event.start - dt.timedelta(days=ANNOUNCE_DAYS) <= day <= end


def find_events(entities: Iterable[Mapping[str, Any] | str], text: str | None,
                language: str | None, published_date: dt.date | str | None,
                lexicon: Lexicon | None = None) -> list[str]:
    """Sorted keys of the timeline events the article reports (see Definitions)."""
    lex = lexicon or load_lexicon()
    day = dt.date.fromisoformat(published_date) if isinstance(published_date, str) \
        else published_date
    present = {e if isinstance(e, str) else e["key"] for e in entities}
    folded = fold(text or "")
    strong, context = _cue_counts(folded, language, lex)
    years = set(_YEAR.findall(folded))
    candidates = []
    for event in lex.events.values():
        if day is not None and event.start is not None and \
                event.start > day + dt.timedelta(days=ANNOUNCE_DAYS):
            continue
        dated = _in_window(event, day) or \
            (event.start is not None and str(event.start.year) in years)
        if strong.get(event.key) or (context.get(event.context) and present & event.entities
                                     and dated):
            candidates.append(event)
    windowed = [e for e in candidates if _in_window(e, day)]
    if windowed:
        chosen = windowed + [e for e in candidates
                             if e not in windowed and strong.get(e.key, 0) >= 2]
    else:
        dated_candidates = [e for e in candidates if e.start is not None]
        if not dated_candidates:
            return []
        latest = max(e.start for e in dated_candidates)
        horizon = latest - dt.timedelta(days=EPISODE_DAYS)
        chosen = [e for e in dated_candidates if (_period_end(e) or latest) >= horizon]
    return sorted(e.key for e in chosen)


def _fold_outlet(name: str) -> str:
    return " ".join(fold(name).strip(" \t.,;:|-–—()[]«»\"'").split())


def normalize_outlet(name: str | None,
                     lexicon: Lexicon | None = None) -> tuple[str, str | None] | None:
    """(canonical name, country) of a registered outlet named by ``name``, else None.

    The whole folded name is looked up first; then its leading words (split on spaces and
    hyphens), longest first, when they are at least MIN_OUTLET_PREFIX characters long.
    """
    if not name or not name.strip():
        return None
    table = (lexicon or load_lexicon()).outlets
    folded = _fold_outlet(name)
    if folded in table:
        return table[folded]
    words = re.split(r"[\s\-]+", folded)
    for size in range(len(words) - 1, 0, -1):
        head = " ".join(words[:size])
        if len(head) >= MIN_OUTLET_PREFIX and head in table:
            return table[head]
    return None


def entry(key: str, lexicon: Lexicon | None = None) -> Entry:
    """The gazetteer entry for ``key`` (coordinates for maps); KeyError if unknown."""
    return (lexicon or load_lexicon()).entries[key]
