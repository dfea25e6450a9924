"""Per-language word and phrase lists of the metadata extractor (dataset/lexicon/metadata/).

Contract: ``load_metadata_lexicon(folder)`` reads every ``<code>.yaml`` of the folder (name order)
and returns one merged ``MetadataLexicon``; adding a language is adding a file (format:
dataset/lexicon/metadata/README.md). Month and weekday names come from CLDR (``babel``, through
the generated cldr_names.json: ``python -m dataset.build.metadata_lexicon`` rewrites it)
(format and stand-alone contexts, wide and abbreviated: the Russian genitive "декабря", the
Armenian "դեկտեմբերի", the Greek "Δεκεμβρίου") and from dateparser's language data, plus the
file's own ``months``; Solar Hijri month names (``jalali: true``) from dateparser's Jalali
parser. A name that means different months in different languages is dropped.
A bad file raises ConfigError naming the file and key. ``METADATA_LEXICON`` is loaded once at
import.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dataset.errors import ConfigError
from dataset.lexicon.loader import read_language_file

METADATA_LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicon" / "metadata"
CLDR_NAMES_FILE = (
    "cldr_names.json"  # generated from babel by ``python -m dataset.build.metadata_lexicon``
)
PHRASE_FIELDS = (
    "date_labels",
    "updated_labels",
    "breaking_labels",
    "source_labels",
    "self_credit",
    "section_labels",
    "site_words",
    "year_suffixes",
    "byline_labels",
    "short_year_prefixes",
    "byline_outlet",
    "media_labels",
    "wire_dateline",
    "agency_words",
)
OTHER_FIELDS = ("language", "cldr", "dateparser", "months", "month_stems", "jalali")
MONTH_KEYS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MIN_NAME_LEN = 3  # "ma", "po", "Oc" are too ambiguous to anchor a date
MIN_STEM_LEN = 3
ARABIC_TATWEEL = "\u0640"
NAME_PUNCTUATION = re.compile(r"[.\u0964\u0970]+$")  # "янв.", "जन॰"


@dataclass(frozen=True)
class MetadataLexicon:
    """Merged tables of all languages; names are casefolded (tatweel removed)."""

    month_numbers: dict[str, int]
    month_stems: dict[str, int]
    jalali_months: dict[str, int]
    weekday_names: frozenset[str]
    phrases: dict[str, tuple[str, ...]]


def name_key(name: str) -> str:
    """The lookup key of a month or weekday name: casefolded, one space, no tatweel or dot."""
    key = " ".join(name.casefold().replace(ARABIC_TATWEEL, "").split())
    return NAME_PUNCTUATION.sub("", key)


def is_name_token(name: str) -> bool:
    """Letters (and marks, spaces, apostrophes) only, at least MIN_NAME_LEN letters."""
    letters = [ch for ch in name if ch.isalpha()]
    return len(letters) >= MIN_NAME_LEN and not any(ch.isdigit() for ch in name)


def read_metadata_file(path: Path) -> dict:
    """Return one checked lexicon file as a mapping (see the folder's README.md)."""
    data = read_language_file(path)
    for key, value in data.items():
        if key not in PHRASE_FIELDS and key not in OTHER_FIELDS:
            raise ConfigError(
                f"{path}: unknown key {key!r}; use one of {', '.join(PHRASE_FIELDS + OTHER_FIELDS)}"
            )
        is_list = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        if (key in PHRASE_FIELDS or key == "cldr") and not is_list:
            raise ConfigError(f"{path}: {key!r} must be a list of non-empty strings")
    months = data.get("months", {})
    if not isinstance(months, dict) or not all(
        isinstance(k, int) and 1 <= k <= 12 and isinstance(v, list) for k, v in months.items()
    ):
        raise ConfigError(f"{path}: 'months' maps month numbers 1-12 to lists of names")
    if "self_credit" in data and not all(
        ("{name}" in f) != ("{outlet}" in f) for f in data["self_credit"]
    ):
        raise ConfigError(f"{path}: every 'self_credit' formula holds {{name}} or {{outlet}}")
    if "byline_outlet" in data and not all("{outlet}" in f for f in data["byline_outlet"]):
        raise ConfigError(f"{path}: every 'byline_outlet' formula holds {{outlet}}")
    if "wire_dateline" in data and not all(
        f.startswith("{outlet}") and "{date}" in f for f in data["wire_dateline"]
    ):
        raise ConfigError(
            f"{path}: every 'wire_dateline' formula starts with {{outlet}} and holds {{date}}"
        )
    return data


def read_babel_names(locale_id: str) -> dict:
    """Month and weekday names of one CLDR locale, read with babel (only to regenerate the table).

    Wide and abbreviated names, format and stand-alone contexts, as the JSON-ready entry of
    CLDR_NAMES_FILE: ``months`` and ``abbreviated`` map ``"1".."12"`` to sorted names,
    ``weekdays`` is a sorted list.
    """
    from babel import Locale, localedata

    # babel resolves the root locale's stand-alone aliases in place, in a cache shared by all
    # locales: one process reading many locales gets another locale's names. Start clean.
    localedata._cache.clear()
    locale = Locale.parse(locale_id)
    months: dict[int, set[str]] = {n: set() for n in range(1, 13)}
    abbreviated: dict[int, set[str]] = {n: set() for n in range(1, 13)}
    weekdays: set[str] = set()
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in locale.months[context][width].items():
                (abbreviated if width == "abbreviated" else months)[number].add(name)
            weekdays.update(locale.days[context][width].values())
    return {
        "months": {str(n): sorted(months[n]) for n in months},
        "abbreviated": {str(n): sorted(abbreviated[n]) for n in abbreviated},
        "weekdays": sorted(weekdays),
    }


def cldr_locales(folder: Path = METADATA_LEXICON_DIR) -> list[str]:
    """Every locale id the folder's files list under ``cldr``, sorted."""
    return sorted(
        {i for path in folder.glob("*.yaml") for i in read_metadata_file(path).get("cldr", ())}
    )


def write_cldr_names(folder: Path = METADATA_LEXICON_DIR) -> Path:
    """Regenerate CLDR_NAMES_FILE from babel for the folder's locales (a developer step)."""
    import babel

    table = {
        "babel": babel.__version__,
        "locales": {i: read_babel_names(i) for i in cldr_locales(folder)},
        "jalali": {str(n): sorted(names) for n, names in jalali_names().items()},
    }
    path = folder / CLDR_NAMES_FILE
    path.write_text(
        json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return path


def cldr_names(
    locale_id: str, table: dict, path: Path
) -> tuple[dict[int, list[str]], list[str], dict[int, list[str]]]:
    """Month names, weekday names and month abbreviations of a CLDR locale, from the table.

    ``table`` is the parsed CLDR_NAMES_FILE (read instead of babel, whose unpickled locale data
    costs ~2 s and ~75 MB a process). Returns ``{1..12: wide and abbreviated names}``, the
    weekday names and ``{1..12: abbreviations}``. Raises ConfigError naming ``path`` (the
    lexicon file that lists the locale) when the table has no entry for it.
    """
    names = table["locales"].get(locale_id)
    if names is None:
        raise ConfigError(
            f"{path}: no CLDR names for locale {locale_id!r} listed under 'cldr'; "
            "regenerate with: python -m dataset.build.metadata_lexicon"
        )
    months = {int(n): v for n, v in names["months"].items()}
    abbreviated = {int(n): v for n, v in names["abbreviated"].items()}
    merged = {n: months[n] + abbreviated[n] for n in months}
    return merged, names["weekdays"], abbreviated


def dateparser_names(code: str) -> tuple[dict[int, set[str]], set[str]]:
    """Month and weekday names of one dateparser language."""
    info = importlib.import_module(f"dateparser.data.date_translation_data.{code}").info
    months = {n: set(info.get(key, ())) for n, key in enumerate(MONTH_KEYS, start=1)}
    weekdays = {name for key in WEEKDAY_KEYS for name in info.get(key, ())}
    return months, weekdays


def jalali_names() -> dict[int, set[str]]:
    """Solar Hijri month names ``{1..12: names}`` from dateparser's Jalali parser.

    Needs convertdate; used only to regenerate CLDR_NAMES_FILE.
    """
    from dateparser.calendars.jalali_parser import jalali_parser

    return {number: set(names) for number, _, names in jalali_parser._months.values()}


def add_names(table: dict[str, set[int]], months: dict[int, Iterable[str]]) -> None:
    """Add each month name that ``is_name_token`` to ``table`` (name key -> month numbers)."""
    for number, names in months.items():
        for name in names:
            if is_name_token(name):
                table.setdefault(name_key(name), set()).add(number)


def unambiguous(table: dict[str, set[int]]) -> dict[str, int]:
    """The names of ``table`` that mean exactly one month, with that month's number."""
    return {name: next(iter(nums)) for name, nums in table.items() if len(nums) == 1}


def load_metadata_lexicon(folder: Path = METADATA_LEXICON_DIR) -> MetadataLexicon:  # noqa: C901
    """Merge every language file of the folder (see the module docstring)."""
    months: dict[str, set[int]] = {}
    stems: dict[str, set[int]] = {}
    weekdays: set[str] = set()
    jalali: dict[str, set[int]] = {}
    phrases: dict[str, list[str]] = {name: [] for name in PHRASE_FIELDS}
    table_path = folder / CLDR_NAMES_FILE
    table = json.loads(table_path.read_text(encoding="utf-8")) if table_path.exists() else None
    for path in sorted(folder.glob("*.yaml")):
        data = read_metadata_file(path)
        if data.get("cldr") and table is None:
            raise ConfigError(
                f"{path}: lists 'cldr' locales but {table_path} is missing; "
                "generate it with: python -m dataset.build.metadata_lexicon"
            )
        for locale_id in data.get("cldr", ()):
            names, days, abbreviations = cldr_names(locale_id, table, path)
            add_names(months, names)
            weekdays.update(name_key(d) for d in days if is_name_token(d))
            if data.get("month_stems"):
                for number, abbrs in abbreviations.items():
                    for abbr in abbrs:
                        key = name_key(abbr)
                        if len(key) >= MIN_STEM_LEN and is_name_token(key):
                            stems.setdefault(key, set()).add(number)
        if data.get("dateparser"):
            names, days = dateparser_names(data["dateparser"])
            add_names(months, names)
            weekdays.update(name_key(d) for d in days if is_name_token(d))
        add_names(months, data.get("months", {}))
        if data.get("jalali"):
            add_names(jalali, {int(n): v for n, v in (table or {}).get("jalali", {}).items()})
        for name in PHRASE_FIELDS:
            phrases[name].extend(data.get(name, ()))
    return MetadataLexicon(
        month_numbers=unambiguous(months),
        month_stems=unambiguous(stems),
        jalali_months=unambiguous(jalali),
        weekday_names=frozenset(weekdays),
        phrases={name: tuple(dict.fromkeys(values)) for name, values in phrases.items()},
    )


if __name__ == "__main__":  # before the load below, which needs the file
    print(f"wrote {write_cldr_names()}")

METADATA_LEXICON = load_metadata_lexicon()
