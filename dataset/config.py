"""The build configuration: typed, frozen, strict, validated before any work.

A ``BuildConfig`` comes from defaults, then an optional YAML file (``--config``), then command-line
flags. Unknown keys and bad values raise ``ConfigError`` with one line that names the key, the
problem and the valid choices.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dataset.errors import ConfigError
from dataset.paths import SEED_DIR

SPLIT_NAMES = ("train", "validation", "test")
# The ONE definition of the published_date range, shared by extraction (dataset.build.metadata) and
# validation (dataset.validation.rules): 20 February 1988, when the Supreme Soviet of the
# Nagorno-Karabakh Autonomous Oblast voted to join the Armenian SSR, the accepted start of the
# conflict, up to the build's reference_date. An extracted date outside it is null, never a
# release-blocking validation failure.
EARLIEST_PUBLISHED_DATE = dt.date(1988, 2, 20)
# A config file is a few settings: larger files, or YAML aliases (which can expand a small file
# into gigabytes: the "billion laughs"), are refused before parsing.
MAX_CONFIG_BYTES = 64_000
# Keys that change the content of the release; only these enter the config hash, so the same
# corpus built from another folder or with another worker count gives byte-identical files.
CONTENT_KEYS = (
    "split_ratios",
    "min_text_chars",
    "max_text_chars",
    "language_score_threshold",
    "near_duplicate_threshold",
    "minhash_permutations",
    "shingle_size",
    "max_file_bytes",
    "rows_per_shard",
    "row_group_size",
    "repeated_line_min_documents",
    "repeated_sentence_min_documents",
    "repeated_line_max_chars",
)


# What the embedded seed corpus is: the card's collection facts when the build reads it.
SEED_COLLECTION = {
    "description": (
        "The seed corpus embedded in the package (dataset/raw/, pinned by dataset/raw.lock): "
        "five news pages about the Nagorno-Karabakh conflict in Chinese, Arabic, Vietnamese and "
        "French, each copied by hand from a web page as plain text, with the site's menus, "
        "share buttons, captions and footers left in. It demonstrates and tests the build; it "
        "is not a sample of the coverage."
    ),
    "period": "not recorded: the pages were copied by hand, on days that were not noted",
    "selection": (
        "picked by hand, one or two pages per language, to cover scripts, date formats and "
        "kinds of page furniture; one page is a repost of an agency story by another outlet"
    ),
}
UNDESCRIBED = "not described in the build config (set collection.{key} in the --config file)"


class Collection(BaseModel):
    """How the raw folder was assembled: the card's collection facts and curation credits."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str | None = Field(
        None, description="What the raw folder holds and how it was assembled."
    )
    period: str | None = Field(None, description="When the documents were collected.")
    selection: str | None = Field(
        None, description="How documents were selected (sites, queries, sampling)."
    )
    curators: list[str] = Field(
        default_factory=lambda: ["Karabakh News maintainers"],
        min_length=1,
        description="Who collected and curated the documents (the card's 'Curated by').",
    )
    repository: str = Field(
        "https://huggingface.co/datasets/karabakh-news/karabakh-news",
        pattern=r"^https://\S+$",
        description="URL of the dataset repository (a Hub URL gives the load_dataset id).",
    )

    def described(self, raw_dir: Path) -> dict[str, Any]:
        """The section as JSON values, unset texts filled.

        Filled with the seed's facts when ``raw_dir`` is the embedded seed corpus, else with a
        plain "not described" note naming the key to set.
        """
        values = self.model_dump()
        seed = raw_dir.resolve() == SEED_DIR.resolve()
        for key in ("description", "period", "selection"):
            if values[key] is None:
                values[key] = SEED_COLLECTION[key] if seed else UNDESCRIBED.format(key=key)
        return values


class BuildConfig(BaseModel):
    """Every setting of a build. Frozen: a config never changes once the build has started."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    raw_dir: Path = Field(SEED_DIR, description="Folder of raw .txt documents.")
    out_dir: Path = Field(Path("release"), description="Release folder to write.")
    split_ratios: dict[str, float] = Field(
        default_factory=lambda: {"train": 0.8, "validation": 0.1, "test": 0.1},
        description="Share of duplicate clusters per split; must sum to 1.",
    )
    min_text_chars: int = Field(200, ge=1, description="Shortest cleaned body kept (characters).")
    max_text_chars: int = Field(
        100_000,
        ge=1,
        description="Longest cleaned body kept (characters); longer is pages glued together.",
    )
    language_score_threshold: float = Field(
        0.5, ge=0.0, le=1.0, description="Lowest language score kept."
    )
    near_duplicate_threshold: float = Field(
        0.8, gt=0.0, le=1.0, description="MinHash Jaccard similarity that links near duplicates."
    )
    minhash_permutations: int = Field(128, ge=16, le=1024, description="MinHash permutations.")
    shingle_size: int = Field(5, ge=1, le=20, description="Character n-gram size for shingles.")
    repeated_line_min_documents: int = Field(
        3,
        ge=2,
        description="A paragraph of at most repeated_line_max_chars characters found in at least "
        "this many distinct articles (near-duplicate clusters count once) is page furniture and "
        "leaves the released text (dataset/build/repeated_lines.py).",
    )
    repeated_sentence_min_documents: int | None = Field(
        None,
        ge=2,
        description="The same for a paragraph that ends a sentence (a standing disclaimer, but "
        "also a background sentence many articles share); at least repeated_line_min_documents. "
        "Default: never (article sentences recur in up to 28 clusters of the 2,000-document "
        "benchmark corpus).",
    )
    repeated_line_max_chars: int = Field(
        200,
        ge=1,
        description="Longer paragraphs are article text: never removed for recurring.",
    )
    max_file_bytes: int = Field(10_000_000, ge=1, description="Larger raw files are rejected.")
    rows_per_shard: int = Field(100_000, ge=1, description="Rows per Parquet shard.")
    row_group_size: int = Field(1_000, ge=1, description="Rows per Parquet row group.")
    workers: int = Field(0, ge=0, description="Worker processes; 0 means one per CPU core.")
    engine: Literal["local", "ray"] = Field(
        "local",
        description="Runs the per-document stages: local process pool, or Ray Data (a local "
        "Ray cluster, or the cluster named by RAY_ADDRESS).",
    )
    cache: bool = Field(True, description="Reuse per-document results cached by raw sha256.")
    cache_dir: Path | None = Field(
        None,
        description="Per-document cache folder (default: $XDG_CACHE_HOME/karabakh-news, else "
        "~/.cache/karabakh-news).",
    )
    reference_date: dt.date | None = Field(
        None,
        description="Published dates after this day are refused as impossible (default: the "
        "build date). The build records the day it used; pin it to rebuild a release byte for "
        "byte on a later day.",
    )
    strict: bool = Field(False, description="Fail on any reject other than a duplicate.")
    release_version: str | None = Field(
        None,
        description="Version of this data release, MAJOR.MINOR.PATCH (default: the smallest the "
        "change since --previous allows; the package version for a first release).",
    )
    validate_release: bool = Field(True, description="Run the validation suites after the build.")
    collection: Collection = Field(
        default_factory=Collection,
        description="How the raw folder was assembled (description, period, selection, "
        "curators, repository); shown in the card, not part of the content hash.",
    )

    @field_validator("split_ratios")
    @classmethod
    def _check_split_ratios(cls, ratios: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(ratios) - set(SPLIT_NAMES))
        if unknown:
            raise ValueError(f"unknown split {unknown[0]!r}; valid: {', '.join(SPLIT_NAMES)}")
        if not all(math.isfinite(v) for v in ratios.values()):
            raise ValueError("ratios must be finite numbers (no NaN or infinity)")
        if any(v < 0 for v in ratios.values()):
            raise ValueError("ratios must not be negative")
        if abs(sum(ratios.values()) - 1.0) > 1e-9:
            raise ValueError(
                f"ratios must sum to 1, got {sum(ratios.values()):g}; "
                "e.g. {train: 0.8, validation: 0.1, test: 0.1}"
            )
        return {name: float(ratios.get(name, 0.0)) for name in SPLIT_NAMES}

    @field_validator("release_version")
    @classmethod
    def _check_release_version(cls, version: str | None) -> str | None:
        from dataset.release.versions import parse_version

        return None if version is None else str(parse_version(version))

    @model_validator(mode="after")
    def _check_ranges(self) -> BuildConfig:
        if self.min_text_chars > self.max_text_chars:
            raise ValueError(
                f"min_text_chars ({self.min_text_chars}) is larger than max_text_chars "
                f"({self.max_text_chars}); every document would be rejected: make min <= max"
            )
        sentence_min = self.repeated_sentence_min_documents
        if sentence_min is not None and sentence_min < self.repeated_line_min_documents:
            raise ValueError(
                f"repeated_sentence_min_documents ({self.repeated_sentence_min_documents}) is "
                f"smaller than repeated_line_min_documents ({self.repeated_line_min_documents}); "
                "a sentence needs at least as much evidence as a label: make it >="
            )
        if self.reference_date is not None and self.reference_date < EARLIEST_PUBLISHED_DATE:
            raise ValueError(
                f"reference_date {self.reference_date} is before the earliest published date "
                f"{EARLIEST_PUBLISHED_DATE}; give a later day (YYYY-MM-DD)"
            )
        return self

    @model_validator(mode="after")
    def _check_paths(self) -> BuildConfig:
        raw = self.raw_dir.resolve()
        out = self.out_dir.resolve()
        if out == raw or raw in out.parents:
            raise ValueError(
                f"out_dir {self.out_dir} is inside raw_dir {self.raw_dir}; its files would be read "
                "as documents: pick an out_dir outside the raw folder"
            )
        if out in raw.parents:
            raise ValueError(
                f"raw_dir {self.raw_dir} is inside out_dir {self.out_dir}, which the build "
                "replaces as a whole: pick an out_dir outside the raw folder"
            )
        return self

    def content_hash(self) -> str:
        """sha256 (16 hex digits) of the settings that shape the release's content."""
        content = {key: getattr(self, key) for key in CONTENT_KEYS}
        blob = json.dumps(content, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def with_reference_date(self) -> BuildConfig:
        """This config with ``reference_date`` set: itself when set, else the build date.

        A build resolves it once, before any work, so a build that runs past midnight still
        judges every document against the same day.
        """
        if self.reference_date is not None:
            return self
        return self.model_copy(update={"reference_date": build_day()})

    def content_settings(self) -> dict[str, Any]:
        """The content-shaping settings as plain JSON values (for the manifest and the card)."""
        return json.loads(json.dumps({k: getattr(self, k) for k in CONTENT_KEYS}, default=str))


def published_date_range(reference_date: dt.date) -> tuple[dt.date, dt.date]:
    """``(earliest, latest)`` published date a release may hold: the one shared definition."""
    return EARLIEST_PUBLISHED_DATE, reference_date


def build_day() -> dt.date:
    """The UTC date of the build; the date of ``SOURCE_DATE_EPOCH`` when that is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


def load_config(path: Path | None = None, **overrides: Any) -> BuildConfig:
    """Build a ``BuildConfig`` from an optional YAML file and keyword overrides (None = unset).

    Raises ConfigError with a one-line message on an unreadable file, unknown keys or bad values.
    """
    values: dict[str, Any] = {}
    if path is not None:
        values.update(_read_config_file(path))
    given = {k: v for k, v in overrides.items() if v is not None}
    values.update(given)
    try:
        config = BuildConfig(**values)
    except ValidationError as exc:
        raise ConfigError(_describe_validation_error(exc, path, set(given))) from None
    check_paths(config)
    return config


def check_paths(config: BuildConfig) -> None:
    """Check the folders before any work.

    The raw folder exists, and ``out_dir`` is new, empty or a previous release (the build
    replaces it as a whole, so nothing else may live there).

    Raises ConfigError with one line naming the path and the fix.
    """
    raw, out = config.raw_dir, config.out_dir
    if not raw.exists():
        raise ConfigError(
            f"raw folder {raw} does not exist; pass --raw DIR (a folder of .txt documents) "
            "or fix raw_dir in the config file"
        )
    if not raw.is_dir():
        raise ConfigError(f"raw_dir {raw} is a file, not a folder; pass the folder that holds it")
    if out.exists() and not out.is_dir():
        raise ConfigError(f"out_dir {out} is a file; pass --out with a folder path")
    check_out_dir_replaceable(out)
    check_cache_dir(config)


def check_cache_dir(config: BuildConfig) -> None:
    """An explicit ``cache_dir`` must be a folder that exists or can be created.

    The default folder is optional: when it cannot be made the build runs without a cache
    (``dataset.runtime.cache.open_cache`` says so once).
    """
    folder = config.cache_dir
    if not config.cache or folder is None:
        return
    if folder.exists() and not folder.is_dir():
        raise ConfigError(
            f"cache_dir {folder} is a file, not a folder; point cache_dir at a folder or pass "
            "--no-cache"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cache_dir {folder} cannot be created ({exc.strerror}); point cache_dir at a "
            "writable folder or pass --no-cache"
        ) from None


def check_out_dir_replaceable(out: Path) -> None:
    """Raise ConfigError unless ``out`` may be replaced as a whole by a build.

    It may when it is absent, an empty folder, or a release this tool wrote (recognised by its
    manifest, checksums and data folder together: ``dataset.release.manifest.release_problem``),
    and it
    lies inside no other release.
    """
    from dataset.release.manifest import enclosing_release, release_problem

    if out.is_dir():
        try:
            empty = not any(out.iterdir())
        except OSError as exc:
            raise ConfigError(
                f"out_dir {out} cannot be listed ({exc.strerror}); pass --out with a new folder"
            ) from None
        problem = None if empty else release_problem(out)
        if problem:
            raise ConfigError(
                f"out_dir {out} exists and is not a release ({problem}); the build "
                "replaces out_dir as a whole, so pass --out with a new or empty folder"
            )
    parent = enclosing_release(out.parent) if out.parent.exists() else None
    if parent is not None:
        raise ConfigError(
            f"out_dir {out} is inside the release {parent}; pass --out with a folder outside it"
        )


def _read_config_file(path: Path) -> dict[str, Any]:
    """The settings of a YAML config file, checked to be a mapping of string keys.

    Raises ConfigError (one line naming the file and the fix) when the file is missing, not a
    file, larger than ``MAX_CONFIG_BYTES``, not UTF-8, not YAML, uses aliases, holds an impossible
    date (``2025-02-30``) or is not a mapping with string keys.
    """
    text = _read_config_text(path)
    try:
        _refuse_aliases(text, path)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(
            f"config file {path} could not be read as YAML{at}: {reason}; fix the file"
        ) from None
    except ValueError as exc:  # YAML's timestamp constructor: a date that does not exist
        raise ConfigError(
            f"config file {path} holds an impossible date ({exc}); write an existing day as "
            "YYYY-MM-DD"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"config file {path} must hold a mapping of settings, not {type(data).__name__}"
        )
    keys = [key for key in data if not isinstance(key, str)]
    if keys:
        raise ConfigError(
            f"config file {path}: setting name {_shorten(keys[0])} is not a string; valid "
            f"settings: {', '.join(BuildConfig.model_fields)}"
        )
    return data


def _read_config_text(path: Path) -> str:
    try:
        if path.is_dir():
            raise ConfigError(f"config file {path} is a folder; pass a YAML file")
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(
                f"config file {path} has {size} bytes, over {MAX_CONFIG_BYTES}; a config holds a "
                "few settings: pass the right file"
            )
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"config file {path} does not exist; pass an existing YAML file"
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"config file {path} is not UTF-8 (bad byte at offset {exc.start}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"config file {path} could not be read ({exc.strerror}); fix it"
        ) from None


def _refuse_aliases(text: str, path: Path) -> None:
    """Raise ConfigError when the YAML uses an alias (``*name``): expansion is unbounded."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise ConfigError(
                f"config file {path} uses a YAML alias (*{event.anchor[:40]}, line "
                f"{mark.line + 1}); aliases are not allowed in a config file: write the value out"
            )


def _shorten(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters: an error line never echoes a huge value."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


# Settings that have their own command-line flag (the others come from the config file).
FLAGS = {
    "raw_dir": "--raw",
    "out_dir": "--out",
    "workers": "--workers",
    "strict": "--strict",
    "release_version": "--version",
}


def _describe_validation_error(exc: ValidationError, path: Path | None, flags: set[str]) -> str:
    """One line: where the bad setting came from, what is wrong, the valid choices or the fix."""
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "config"
    where = f"{path}: " if path else ""
    if err["type"] == "extra_forbidden":
        nested = len(err["loc"]) > 1 and err["loc"][0] == "collection"
        fields = Collection.model_fields if nested else BuildConfig.model_fields
        close = difflib.get_close_matches(str(err["loc"][-1]), fields, n=1)
        hint = f"did you mean {('collection.' if nested else '') + close[0]!r}? " if close else ""
        valid = ", ".join(fields)
        return f"{where}unknown setting {key!r}; {hint}valid settings: {valid}"
    message = err["msg"].removeprefix("Value error, ")
    if not err["loc"]:  # a check across settings (the folders): its message says it all
        return f"{where}{message}"
    top = str(err["loc"][0])
    field = BuildConfig.model_fields.get(top)
    about = f" ({field.description.rstrip('.')})" if field and field.description else ""
    if top in flags:
        fix = f"fix the {FLAGS.get(top, top)} option"
    elif path:
        fix = f"fix {top} in {path}"
    else:
        fix = f"fix {top}"
    shown = f" {_shorten(err['input'])}" if "input" in err else ""
    return f"{where}bad value{shown} for {key!r}{about}: {message}; {fix}"
