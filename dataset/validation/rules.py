"""The validation suites as data: structural rules generated from schemas/, domain rules by hand.

A ``Rule`` is one Great Expectations expectation with a stable name and an explanation. Two
suites exist:

- ``article.structural``: generated here from ``schemas/article.yaml`` (column set and order,
  value types, nullability, patterns, bounds, primary-key uniqueness, allowed language codes).
  It is built at run time, so validation never uses a stale copy; the committed snapshot
  ``validation/structural_suite.json`` shows it in review, and tests/unit/test_schema_drift.py
  fails when the snapshot is stale (regenerate with ``python -m dataset.validation.rules``).
- ``article.domain``: read from ``validation/domain_rules.yaml`` (hand-written, each rule named
  and explained). Rules may need a derived column (``helper``) computed by ``HELPERS`` from a
  batch of rows and a release-wide ``ReleaseIndex`` (in how many splits each id and cluster lies),
  so a row-wise check on one batch can still state a fact about the whole release.

This module knows nothing about Great Expectations objects; dataset/validation/runner.py runs the
rules.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from dataset.config import EARLIEST_PUBLISHED_DATE
from dataset.paths import find_resource_dir
from dataset.schema import Column, TableSchema, article_schema

STRUCTURAL_SUITE = "article.structural"
DOMAIN_SUITE = "article.domain"
SNAPSHOT_NAME = "structural_suite.json"
DOMAIN_RULES_NAME = "domain_rules.yaml"
CONFIG_SCOPES = ("any", "language", "all")
# A critical rule is an invariant: its failure blocks the release (`validate` exits 1, the build
# refuses to publish). A warning is a quality expectation: reported, never blocking. The names are
# Great Expectations' own ``FailureSeverity`` values, passed to each expectation's ``severity``.
CRITICAL, WARNING = "critical", "warning"
SEVERITIES = (CRITICAL, WARNING)

# What a declared type looks like to GE's pandas engine once Parquet is read with
# ``types_mapper=pd.ArrowDtype`` (the ArrowDtype's ``.type``). The exact Arrow types (float32,
# not float64; string, not large_string) are checked on the Parquet schema by
# dataset/validation/runner.py.
GE_VALUE_TYPES = {
    "string": "str",
    "float32": "float",
    "date32": "date",
    "timestamp": "datetime",
    "list<string>": "list",
    "list<struct>": "list",
}
# Special-purpose ISO 639 codes that are never the language of an article body.
NON_LANGUAGE_CODES = frozenset({"mis", "mul", "und", "zxx"})


@dataclass(frozen=True)
class Rule:
    """One named expectation. ``kwargs`` may hold ``{"param": NAME}`` placeholders."""

    name: str
    explanation: str
    expectation: str
    kwargs: dict[str, Any]
    configs: str = "any"
    helper: str | None = None
    severity: str = CRITICAL

    @property
    def blocking(self) -> bool:
        """True when a failure of this rule blocks the release."""
        return self.severity == CRITICAL

    def applies_to(self, config: str) -> bool:
        """True when the rule runs on ``config`` (a language code or ``all``)."""
        if self.configs == "any":
            return True
        return (self.configs == "all") == (config == "all")

    def to_json(self) -> dict[str, Any]:
        """The rule as a Great Expectations expectation configuration."""
        return {
            "type": self.expectation,
            "kwargs": self.kwargs,
            "meta": self.meta(),
            "severity": self.severity,
        }

    def meta(self) -> dict[str, str]:
        """The ``meta`` of the expectation: the rule's name and explanation."""
        return {"name": self.name, "explanation": self.explanation}


def _empty_strings() -> pa.Array:
    return pa.array([], pa.string())


def _empty_counts() -> pa.Array:
    return pa.array([], pa.int64())


@dataclass(frozen=True)
class ReleaseIndex:
    """Release-wide facts a batch cannot see on its own.

    In how many splits each id and each duplicate cluster lies.

    Held as Arrow arrays (distinct keys and their split counts, a few dozen bytes a row), never as
    frames of the articles, so validation can stream the texts in bounded batches.
    """

    ids: pa.Array = field(default_factory=_empty_strings)
    id_split_counts: pa.Array = field(default_factory=_empty_counts)
    clusters: pa.Array = field(default_factory=_empty_strings)
    cluster_split_counts: pa.Array = field(default_factory=_empty_counts)

    @classmethod
    def from_table(cls, table: pa.Table) -> ReleaseIndex:
        """Build the index from a table of ``split``, ``id`` and ``duplicate_cluster``.

        Strings, nullable, one row per article of the release; null keys are left out.
        """
        ids, id_counts = _split_counts(table, "id")
        clusters, cluster_counts = _split_counts(table, "duplicate_cluster")
        return cls(ids, id_counts, clusters, cluster_counts)

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame]) -> ReleaseIndex:
        """Build the index from ``{split: frame}`` frames (a frame may lack either key column)."""
        parts = [
            pa.table(
                {
                    "split": pa.array([split] * len(frame), pa.string()),
                    **{
                        name: _strings(frame[name]) if name in frame else pa.nulls(len(frame))
                        for name in ("id", "duplicate_cluster")
                    },
                }
            )
            for split, frame in frames.items()
        ]
        return (
            cls.from_table(pa.concat_tables(parts, promote_options="permissive"))
            if parts
            else cls()
        )

    def splits_of_ids(self, values: pa.Array) -> np.ndarray:
        """Number of splits holding each id (0 for an unknown or null id)."""
        return _lookup(values, self.ids, self.id_split_counts)

    def splits_of_clusters(self, values: pa.Array) -> np.ndarray:
        """Number of splits holding each duplicate cluster (0 for an unknown or null one)."""
        return _lookup(values, self.clusters, self.cluster_split_counts)


def _strings(values: Any) -> pa.Array:
    """A pandas column or Arrow array as an Arrow ``string`` array (other types are cast)."""
    array = values if isinstance(values, pa.Array | pa.ChunkedArray) else pa.array(values)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array if array.type == pa.string() else pc.cast(array, pa.string())


def _split_counts(table: pa.Table, key: str) -> tuple[pa.Array, pa.Array]:
    """Distinct non-null ``key`` values of ``table`` and the number of distinct splits of each.

    Keys come in order of first appearance. Counted by encoding both columns as integers and
    keeping the distinct (key, split) pairs in numpy: Arrow's group-by runs on its thread pool,
    whose per-thread heaps kept about 50 MB more after a 200,000-row release.
    """
    if key not in table.column_names:
        return _empty_strings(), _empty_counts()
    keys = _strings(table[key])
    valid = keys.is_valid()
    keys = keys.filter(valid).dictionary_encode()
    splits = _strings(table["split"]).filter(valid).dictionary_encode()
    if not len(keys):
        return _empty_strings(), _empty_counts()
    width = len(splits.dictionary)
    pairs = keys.indices.to_numpy().astype(np.int64) * width + splits.indices.to_numpy()
    counts = np.bincount(np.unique(pairs) // width, minlength=len(keys.dictionary))
    return keys.dictionary, pa.array(counts, pa.int64())


def _lookup(values: Any, keys: pa.Array, counts: pa.Array) -> np.ndarray:
    positions = pc.index_in(_strings(values), value_set=keys)
    found = pc.take(counts, positions).fill_null(0)
    return found.to_numpy(zero_copy_only=False).astype("int64")


# ---------------------------------------------------------------- structural suite (generated)


def structural_rules(schema: TableSchema | None = None) -> list[Rule]:
    """The structural rules of a declared table, in column order; derived, never hand-written."""
    schema = schema or article_schema()
    rules = [
        Rule(
            "columns_match_schema",
            f"The columns are exactly those of schemas/{schema.name}.yaml, in declared order.",
            "expect_table_columns_to_match_ordered_list",
            {"column_list": schema.column_names},
        ),
        Rule(
            f"{schema.primary_key}_unique",
            f"`{schema.primary_key}` is the primary key: no two rows share it.",
            "expect_column_values_to_be_unique",
            {"column": schema.primary_key},
        ),
    ]
    for column in schema.columns:
        rules.extend(column_rules(column))
    return rules


def column_rules(column: Column) -> list[Rule]:
    """Type, nullability, pattern, bounds and allowed values of one declared column."""
    name = column.name
    rules = [
        Rule(
            f"{name}_type",
            f"`{name}` holds {column.type} values.",
            "expect_column_values_to_be_of_type",
            {"column": name, "type_": GE_VALUE_TYPES[column.type]},
        )
    ]
    if not column.nullable:
        rules.append(
            Rule(
                f"{name}_not_null",
                f"`{name}` is declared non-nullable.",
                "expect_column_values_to_not_be_null",
                {"column": name},
            )
        )
    if column.pattern:
        rules.append(
            Rule(
                f"{name}_pattern",
                f"`{name}` matches the declared pattern {column.pattern}.",
                "expect_column_values_to_match_regex",
                {"column": name, "regex": column.pattern},
            )
        )
    if column.minimum is not None or column.maximum is not None:
        rules.append(
            Rule(
                f"{name}_range",
                f"`{name}` lies within the declared bounds [{column.minimum}, {column.maximum}].",
                "expect_column_values_to_be_between",
                {"column": name, "min_value": column.minimum, "max_value": column.maximum},
            )
        )
    if name == "language":
        rules.append(
            Rule(
                "language_code_allowed",
                "`language` is an ISO 639 code: ISO 639-1, or ISO 639-2/3/5 (the IANA language "
                "subtag registry plus the ISO 639-3 codes of languages that also have a 639-1 "
                "code; deprecated, private-use and special codes excluded). Any language the "
                "detector finds is allowed: the value set is the release's language configs "
                "that are in that full list (`release_languages`), since every row lies in "
                "its language's config.",
                "expect_column_values_to_be_in_set",
                {"column": name, "value_set": {"param": "release_languages"}},
            )
        )
    return rules


@functools.cache
def allowed_language_codes() -> frozenset[str]:
    """Every code a ``language`` value may take.

    The full ISO 639 list as shipped with ``langcodes`` (about 8,000 codes), never a hand list.

    The IANA language subtag registry lists ISO 639-1 codes and, for languages without one, the
    ISO 639-2/3/5 code; ``langcodes``' alpha-3 table adds the ISO 639-3 codes of languages that
    have a 639-1 code (``hbs`` beside ``sh``). Deprecated, private-use (``qaa``-``qtz``) and
    special codes (``und``, ``mul``, ``zxx``, ``mis``) are excluded. The structural suite does not
    pass this list to GE (a value set this large costs seconds a batch) but the release's
    languages that are in it (``release_languages``).
    """
    from langcodes.data_dicts import LANGUAGE_ALPHA3
    from langcodes.registry_parser import parse_registry

    codes = set()
    for entry in parse_registry():
        code = entry.get("Subtag", "")
        if (
            entry.get("Type") == "language"
            and "Deprecated" not in entry
            and ".." not in code
            and entry.get("Scope") not in {"special", "private-use"}
            and code not in NON_LANGUAGE_CODES
        ):
            codes.add(code)
    codes |= {alpha3 for alpha2, alpha3 in LANGUAGE_ALPHA3.items() if alpha2 in codes}
    return frozenset(codes)


@functools.cache
def detector_language_codes() -> frozenset[str]:
    """Every code the detector can give a document.

    The labels of its fastText ``lid.176`` model after dataset/build/language.py's
    ``LABEL_FIXES``.
    """
    from dataset.build.language import LABEL_FIXES, LABEL_PREFIX, load_model

    labels, _ = load_model().predict("Karabakh", k=-1)
    raw = (label.removeprefix(LABEL_PREFIX) for label in labels)
    return frozenset(LABEL_FIXES.get(code, code) for code in raw)


def structural_suite_json() -> dict[str, Any]:
    """The generated structural suite in GE's suite shape (the committed snapshot's content)."""
    return {
        "name": STRUCTURAL_SUITE,
        "notes": "Generated from schemas/article.yaml by dataset/validation/rules.py; do not edit.",
        "expectations": [rule.to_json() for rule in structural_rules()],
    }


def write_structural_snapshot(path: Path | None = None) -> Path:
    """Write the structural suite snapshot (default: validation/structural_suite.json)."""
    path = path or find_resource_dir("validation") / SNAPSHOT_NAME
    text = json.dumps(structural_suite_json(), indent=2, ensure_ascii=False, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- domain suite (hand-written)


@dataclass(frozen=True)
class DomainRules:
    """The hand-written rules and their constants, as read from validation/domain_rules.yaml."""

    constants: dict[str, Any]
    rules: tuple[Rule, ...]


RULE_KEYS = frozenset(
    {"name", "explanation", "expectation", "kwargs", "configs", "helper", "severity"}
)


@functools.cache
def load_domain_rules(path: Path | None = None) -> DomainRules:
    """Read and check the domain rules file.

    Raises ValueError naming the file and the rule when a key, scope, helper or name is wrong.
    """
    path = path or find_resource_dir("validation") / DOMAIN_RULES_NAME
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rules = []
    for item in raw.get("rules", []):
        where = f"{path}: rule {item.get('name', '?')!r}"
        missing = {"name", "explanation", "expectation", "kwargs", "severity"} - set(item)
        if missing:
            raise ValueError(f"{where}: missing keys {sorted(missing)}")
        unknown = set(item) - RULE_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        rule = Rule(
            name=item["name"],
            explanation=" ".join(str(item["explanation"]).split()),
            expectation=item["expectation"],
            kwargs=dict(item["kwargs"]),
            configs=item.get("configs", "any"),
            helper=item.get("helper"),
            severity=item["severity"],
        )
        if rule.severity not in SEVERITIES:
            raise ValueError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
        if rule.configs not in CONFIG_SCOPES:
            raise ValueError(f"{where}: configs must be one of {', '.join(CONFIG_SCOPES)}")
        if rule.helper is not None and rule.helper not in HELPERS:
            raise ValueError(f"{where}: unknown helper {rule.helper!r}; known: {sorted(HELPERS)}")
        rules.append(rule)
    names = [r.name for r in rules]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"{path}: rule names must be unique; repeated: {repeated}")
    return DomainRules(dict(raw.get("constants") or {}), tuple(rules))


def resolve_kwargs(kwargs: Any, params: dict[str, Any]) -> Any:
    """Replace every ``{"param": NAME}`` in ``kwargs`` by ``params[NAME]``.

    Raises KeyError naming the parameter and the known ones when it is missing.
    """
    if isinstance(kwargs, dict):
        if set(kwargs) == {"param"}:
            name = kwargs["param"]
            if name not in params:
                raise KeyError(f"unknown rule parameter {name!r}; known: {sorted(params)}")
            return params[name]
        return {k: resolve_kwargs(v, params) for k, v in kwargs.items()}
    if isinstance(kwargs, list):
        return [resolve_kwargs(v, params) for v in kwargs]
    return kwargs


# ---------------------------------------------------------------- regexes in Arrow

# GE's pandas engine tests a regex with ``column.astype(str).str.contains``. pandas runs that in
# Arrow (RE2) unless the pattern has syntax the two engines read differently (``\s``, ``$``...),
# and then runs Python's ``re`` row by row: on the 20,000-document benchmark release the body
# rule ``^\s|\s$|\n\s*\n\s*\n`` took 1.55 CPU s that way against 0.16 s in RE2.

# Highest code point Python's ``\s`` matches (a test checks the whole Unicode range).
LAST_PYTHON_SPACE = 0x3000


@functools.cache
def python_space_class() -> str:
    r"""The inside of a character class matching exactly what Python's ``\s`` matches in str.

    Control characters are written ``\xHH`` (both engines read it), the others literally.
    """
    spaces = [c for c in range(LAST_PYTHON_SPACE + 1) if re.match(r"\s", chr(c))]
    runs: list[list[int]] = []
    for code in spaces:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])

    def spell(code: int) -> str:
        return f"\\x{code:02x}" if code < 0x21 or 0x7F <= code <= 0x9F else chr(code)

    return "".join(spell(a) if a == b else f"{spell(a)}-{spell(b)}" for a, b in runs)


def arrow_regex(pattern: str) -> str:
    r"""``pattern`` rewritten so that pandas tests it in Arrow, with the same matches as ``re``.

    ``\s`` becomes the class of what Python's ``\s`` matches (RE2's misses some Unicode
    spaces), ``\S`` outside a class its negation, and a ``$`` ending a top-level alternative
    ``\n?\Z`` (Python's ``$`` also matches before a final newline; pandas hands ``\Z`` to RE2
    as ``\z``). Any other case (``\S`` inside a class, ``$`` elsewhere) returns ``pattern``
    unchanged, which pandas then runs in Python: never a different result, at worst no gain.
    """
    out: list[str] = []
    depth, i, klass = 0, 0, -1  # klass: index of the open class's "[", -1 outside a class
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            piece = rewrite_escape(pattern[i + 1], klass >= 0)
            if piece is None:
                return pattern
            out.append(piece)
            i += 2
            continue
        if klass >= 0:
            if char == "]" and pattern[klass + 1 : i] not in ("", "^"):  # "]" first is literal
                klass = -1
        elif char == "[":
            klass = i
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "$":
            if depth or pattern[i + 1 : i + 2] not in ("", "|"):
                return pattern
            char = "\\n?\\Z"
        out.append(char)
        i += 1
    return pattern if klass >= 0 else "".join(out)


def rewrite_escape(escaped: str, in_class: bool) -> str | None:
    """The ``arrow_regex`` spelling of a backslash and ``escaped``; None when it has none."""
    if escaped == "s":
        return python_space_class() if in_class else f"[{python_space_class()}]"
    if escaped == "S":
        return None if in_class else f"[^{python_space_class()}]"
    return "\\" + escaped


def arrow_regex_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Expectation kwargs with ``regex`` (if any) rewritten by ``arrow_regex``."""
    if isinstance(kwargs.get("regex"), str):
        return {**kwargs, "regex": arrow_regex(kwargs["regex"])}
    return kwargs


# ---------------------------------------------------------------- helper columns


def _column(frame: pd.DataFrame, name: str, chars: int | None = None) -> list[Any]:
    """A column's values as Python objects (None for nulls); raises KeyError when it is absent.

    With ``chars``, each string is cut to its first ``chars`` characters. An Arrow-backed column
    is converted by Arrow (cut first, so only what is kept becomes Python strings), any other as
    pandas converts it.
    """
    column = frame[name]
    if isinstance(column.dtype, pd.ArrowDtype):
        array = pa.array(column)  # zero-copy for an Arrow-backed column
        if chars is not None:
            array = pc.utf8_slice_codeunits(array, 0, chars)  # by code points, as str slices
        return array.to_pylist()
    values = column.astype(object).where(column.notna(), None).tolist()
    return [v[:chars] if chars is not None and isinstance(v, str) else v for v in values]


@dataclass(frozen=True)
class Helper:
    """A derived column a rule can check: ``compute(frame, index)`` reads only ``inputs``."""

    compute: Callable[[pd.DataFrame, ReleaseIndex], pd.Series]
    inputs: tuple[str, ...]


# Helper name (the function's) -> Helper. Filled by @helper where each helper is defined, so a
# helper cannot lack its input columns (a config whose other rules are all reused reads only them).
HELPERS: dict[str, Helper] = {}


def helper(*inputs: str) -> Callable:
    """Register the decorated function as a helper that reads the columns ``inputs``."""

    def register(compute: Callable[[pd.DataFrame, ReleaseIndex], pd.Series]) -> Callable:
        HELPERS[compute.__name__] = Helper(compute, inputs)
        return compute

    return register


@helper("published_date", "published_date_raw")
def dated_without_raw(frame: pd.DataFrame, index: ReleaseIndex) -> pd.Series:
    """True where a published date has no raw date string."""
    return frame["published_date"].notna() & frame["published_date_raw"].isna()


@helper("published_date", "published_date_raw")
def raw_without_date(frame: pd.DataFrame, index: ReleaseIndex) -> pd.Series:
    """True where a raw date string gave no published date."""
    return frame["published_date"].isna() & frame["published_date_raw"].notna()


@helper("title", "text")
def title_at_text_start(frame: pd.DataFrame, index: ReleaseIndex) -> pd.Series:
    """True when the body starts with the headline (NFC, casefolded, whitespace collapsed)."""

    def starts_with_title(title: str | None, text: str | None) -> bool:
        if not title or not text:
            return False
        head = _comparable(text[: len(title) * 2 + 20])
        return head.startswith(_comparable(title))

    titles = _column(frame, "title")
    # Only the head of each body is compared: convert no more of any of them.
    texts = _column(frame, "text", max((len(t) * 2 + 20 for t in titles if t), default=0))
    return pd.Series(
        [starts_with_title(a, b) for a, b in zip(titles, texts, strict=True)],
        index=frame.index,
        dtype=bool,
    )


def _comparable(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


@helper("text")
def text_size(frame: pd.DataFrame, index: ReleaseIndex) -> pd.Series:
    """Characters of the body, each Han, kana or hangul character counting ``CJK_WEIGHT`` times.

    The size dataset/build/language.py weighs languages by; 0 for a null body.
    """
    from dataset.build.language import CJK_WEIGHT

    texts = _strings(frame["text"])
    sizes = pc.utf8_length(texts).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    return pd.Series(sizes + (CJK_WEIGHT - 1) * count_cjk(texts), index=frame.index)


# Bytes of UTF-8 that ``count_cjk`` reads at a time (its temporaries are a few times this).
CJK_SCAN_BYTES = 1 << 22


def count_cjk(texts: pa.Array) -> np.ndarray:
    """Han, kana and hangul characters (``CJK_RANGES``) of each string of ``texts``; 0 for null.

    Counted on the UTF-8 bytes, where each is a 3-byte sequence, without a regex step per
    character: on 3,000 Chinese bodies 0.17 CPU s against 0.58 s for RE2's
    ``count_substring_regex`` of the same class (equal on other scripts). ``texts`` is a
    ``string`` array.
    """
    counts = np.zeros(len(texts), dtype=np.int64)
    _, offsets_buffer, data_buffer = texts.buffers()
    if data_buffer is None or not len(texts):
        return counts
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[
        texts.offset : texts.offset + len(texts) + 1
    ].astype(np.int64)
    data = np.frombuffer(data_buffer, dtype=np.uint8)
    start = 0
    while start < len(texts):
        stop = int(np.searchsorted(offsets, offsets[start] + CJK_SCAN_BYTES, side="right"))
        stop = min(max(stop - 1, start + 1), len(texts))
        counts[start:stop] = _count_cjk_bytes(data, offsets[start : stop + 1])
        start = stop
    counts[texts.is_null().to_numpy(zero_copy_only=False)] = 0
    return counts


# The UTF-8 lead bytes of the code points of ``CJK_RANGES`` (U+3000-U+FFFF: 0xE3-0xEF).
CJK_LEAD_BYTES = (0xE3, 0xEF)


def _count_cjk_bytes(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """``count_cjk`` of the strings whose bytes are ``data[offsets[i]:offsets[i + 1]]``."""
    from dataset.build.language import CJK_RANGES

    first = int(offsets[0])
    chunk = data[first : int(offsets[-1])]
    # Lead bytes of 3-byte sequences from U+3000 (E3) on: the ranges lie in U+3040-U+FAFF. In
    # UTF-8 these bytes only ever lead; one unsigned subtraction tests the span.
    low, high = CJK_LEAD_BYTES
    leads = np.flatnonzero((chunk - np.uint8(low)) <= np.uint8(high - low))
    leads = leads[leads + 2 < len(chunk)]
    points = (
        ((chunk[leads] & 0x0F).astype(np.uint32) << 12)
        | ((chunk[leads + 1] & 0x3F).astype(np.uint32) << 6)
        | (chunk[leads + 2] & 0x3F)
    )
    hit = np.zeros(len(points), dtype=bool)
    for low, high in CJK_RANGES:
        hit |= (points >= low) & (points <= high)
    return np.diff(np.searchsorted(leads[hit], offsets - first))


@helper("text")
def text_is_nfc(frame: pd.DataFrame, index: ReleaseIndex) -> pd.Series:
    """True where the body is in Unicode NFC (or null)."""
    texts = _column(frame, "text")
    return pd.Series(
        [t is None or unicodedata.is_normalized("NFC", t) for t in texts],
        index=frame.index,
        dtype=bool,
    )


@helper("language", "other_languages")
def other_languages_well_formed(frame: pd.DataFrame, index: ReleaseIndex) -> pd.Series:
    """Sorted, without repeats, and without the row's own ``language``."""

    def well_formed(language: str | None, others: Any) -> bool:
        others = list(others) if others is not None else []
        return others == sorted(set(others)) and language not in others

    languages, others = _column(frame, "language"), _column(frame, "other_languages")
    return pd.Series(
        [well_formed(a, b) for a, b in zip(languages, others, strict=True)],
        index=frame.index,
        dtype=bool,
    )


@helper("id")
def id_split_count(frame: pd.DataFrame, index: ReleaseIndex) -> pd.Series:
    """In how many splits of the release each row's id lies."""
    return pd.Series(index.splits_of_ids(frame["id"]), index=frame.index, dtype="int64")


@helper("duplicate_cluster")
def cluster_split_count(frame: pd.DataFrame, index: ReleaseIndex) -> pd.Series:
    """In how many splits of the release each row's duplicate cluster lies."""
    counts = index.splits_of_clusters(frame["duplicate_cluster"])
    return pd.Series(counts, index=frame.index, dtype="int64")


@helper("id", "duplicate_cluster")
def cluster_names_member(frame: pd.DataFrame, index: ReleaseIndex) -> pd.Series:
    """True when the cluster id is an id of the release that sorts at or before the row's id."""
    ids, clusters = _strings(frame["id"]), _strings(frame["duplicate_cluster"])
    named = index.splits_of_ids(clusters) > 0
    in_order = pc.less_equal(clusters, ids).fill_null(False).to_numpy(zero_copy_only=False)
    return pd.Series(named & in_order, index=frame.index, dtype=bool)


@helper("entities")
def entities_in_gazetteer(frame: pd.DataFrame, index: ReleaseIndex) -> pd.Series:
    """Return True where every entity of the row is a gazetteer entry as the gazetteer states it.

    That is key, name, type and Wikidata id as in the gazetteer, mentioned at least once, listed
    once and in key order. Computed on the flattened Arrow list (one kernel per check), not per
    row in Python.
    """
    from dataset.build.entities import load_lexicon

    entries = load_lexicon().entries
    lists = pa.array(frame["entities"])  # zero-copy for an Arrow-backed column
    lists = lists.combine_chunks() if isinstance(lists, pa.ChunkedArray) else lists
    result = np.ones(len(frame), dtype=bool)
    items = None if pa.types.is_null(lists.type) else lists.flatten()
    if items is None or not len(items):  # no entity in any row
        return pd.Series(result, index=frame.index, dtype=bool)
    rows = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)

    def field_of(name: str, kind: pa.DataType) -> pa.Array:
        return pc.cast(items.field(name), kind)

    keys = field_of("key", pa.string())
    known = sorted(entries)
    at = pc.index_in(keys, value_set=pa.array(known, pa.string()))
    good = pc.is_valid(at)
    for name in ("name", "type", "wikidata"):
        stated = pa.array([getattr(entries[key], name) for key in known], pa.string()).take(at)
        given = field_of(name, pa.string())
        both_null = pc.and_(pc.is_null(given), pc.is_null(stated))
        same = pc.or_kleene(pc.equal(given, stated), both_null)
        good = pc.and_(good, same.fill_null(False))
    counts = field_of("count", pa.int64())
    good = pc.and_(good, pc.greater_equal(counts, 1).fill_null(False))
    good = good.fill_null(False).to_numpy(zero_copy_only=False)
    # Listed once and in key order: each key after the previous one of its row.
    ordered = pc.less(keys[:-1], keys[1:]).fill_null(False).to_numpy(zero_copy_only=False)
    good[1:] &= ordered | (rows[1:] != rows[:-1])
    result[rows[~good]] = False
    return pd.Series(result, index=frame.index, dtype=bool)


@helper("events")
def events_in_timeline(frame: pd.DataFrame, index: ReleaseIndex) -> pd.Series:
    """True when every event key of the row is a key of the timeline, listed once, sorted."""
    from dataset.build.entities import load_lexicon

    timeline = load_lexicon().events

    def known(keys: Any) -> bool:
        keys = list(keys) if keys is not None else []
        return keys == sorted(set(keys)) and all(key in timeline for key in keys)

    return pd.Series([known(v) for v in _column(frame, "events")], index=frame.index, dtype=bool)


def add_helper_columns(
    frame: pd.DataFrame, rules: list[Rule], index: ReleaseIndex
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return a copy of ``frame`` with the helper columns the rules need.

    ``frame`` itself when they need none.

    A helper whose input column is missing is skipped and reported as ``{helper: reason}``; its
    rule then fails in GE with "column does not exist", which names the problem.
    """
    helpers = sorted({r.helper for r in rules if r.helper})
    if not helpers:
        return frame, {}
    frame = frame.copy()
    problems = {}
    for helper in helpers:
        try:
            frame[helper] = HELPERS[helper].compute(frame, index)
        except KeyError as exc:
            problems[helper] = f"input column {exc} is missing"
    return frame, problems


def release_languages(languages: list[str]) -> list[str]:
    """The sorted codes of ``languages`` (a release's language configs) that are ISO 639 codes.

    The value set of the structural rule ``language_code_allowed``.
    """
    allowed = allowed_language_codes()
    return sorted(code for code in languages if code in allowed)


def rule_parameters(manifest: dict[str, Any], constants: dict[str, Any]) -> dict[str, Any]:
    """The values ``{param: NAME}`` placeholders take for one release."""
    config = manifest.get("config", {})
    params = dict(constants)
    # The published_date range extraction used (dataset.config.published_date_range): the
    # earliest date and the release's reference_date (older manifests: the build date).
    params["conflict_start"] = EARLIEST_PUBLISHED_DATE.isoformat()
    params["build_date"] = (
        manifest.get("reference_date") or manifest.get("build_date") or dt.date.today().isoformat()
    )
    for key in ("min_text_chars", "max_text_chars", "language_score_threshold"):
        if key in config:
            params[key] = config[key]
    return params


if __name__ == "__main__":
    print(f"wrote {write_structural_snapshot()}")
