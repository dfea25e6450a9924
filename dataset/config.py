"""The build configuration: typed, frozen, strict, validated before any work.

A ``BuildConfig`` comes from defaults, then an optional YAML file (``--config``), then command-line
flags. Unknown keys and bad values raise ``ConfigError`` with one line that names the key, the
problem and the valid choices.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dataset.errors import ConfigError
from dataset.paths import SEED_DIR

SPLIT_NAMES = ("train", "validation", "test")
# Keys that change the content of the release; only these enter the config hash, so the same
# corpus built from another folder or with another worker count gives byte-identical files.
CONTENT_KEYS = (
    "split_ratios",
    "min_text_chars",
    "language_score_threshold",
    "near_duplicate_threshold",
    "minhash_permutations",
    "shingle_size",
    "max_file_bytes",
    "rows_per_shard",
    "row_group_size",
)


class BuildConfig(BaseModel):
    """Every setting of a build. Frozen: a config never changes once the build has started."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    raw_dir: Path = Field(SEED_DIR, description="Folder of raw .txt documents.")
    out_dir: Path = Field(Path("release"), description="Release folder to write.")
    split_ratios: dict[str, float] = Field(
        default_factory=lambda: {"train": 0.8, "validation": 0.1, "test": 0.1},
        description="Share of duplicate clusters per split; must sum to 1.",
    )
    min_text_chars: int = Field(200, ge=1, description="Shortest cleaned body kept (characters).")
    language_score_threshold: float = Field(
        0.5, ge=0.0, le=1.0, description="Lowest language score kept."
    )
    near_duplicate_threshold: float = Field(
        0.8, gt=0.0, le=1.0, description="MinHash Jaccard similarity that links near duplicates."
    )
    minhash_permutations: int = Field(128, ge=16, le=1024, description="MinHash permutations.")
    shingle_size: int = Field(5, ge=1, le=20, description="Character n-gram size for shingles.")
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
        ".cache/karabakh-news beside out_dir).",
    )
    strict: bool = Field(False, description="Fail on any reject other than a duplicate.")
    validate_release: bool = Field(True, description="Run the validation suites after the build.")

    @field_validator("split_ratios")
    @classmethod
    def _check_split_ratios(cls, ratios: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(ratios) - set(SPLIT_NAMES))
        if unknown:
            raise ValueError(f"unknown split {unknown[0]!r}; valid: {', '.join(SPLIT_NAMES)}")
        if any(v < 0 for v in ratios.values()):
            raise ValueError("ratios must not be negative")
        if abs(sum(ratios.values()) - 1.0) > 1e-9:
            raise ValueError(f"ratios must sum to 1, got {sum(ratios.values()):g}")
        return {name: float(ratios.get(name, 0.0)) for name in SPLIT_NAMES}

    @model_validator(mode="after")
    def _check_paths(self) -> BuildConfig:
        raw = self.raw_dir.resolve()
        out = self.out_dir.resolve()
        if out == raw or raw in out.parents:
            raise ValueError(
                f"out_dir {self.out_dir} is inside raw_dir {self.raw_dir}; pick another"
            )
        return self

    def content_hash(self) -> str:
        """sha256 (16 hex digits) of the settings that shape the release's content."""
        content = {key: getattr(self, key) for key in CONTENT_KEYS}
        blob = json.dumps(content, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def content_settings(self) -> dict[str, Any]:
        """The content-shaping settings as plain JSON values (for the manifest and the card)."""
        return json.loads(json.dumps({k: getattr(self, k) for k in CONTENT_KEYS}, default=str))


def load_config(path: Path | None = None, **overrides: Any) -> BuildConfig:
    """Build a ``BuildConfig`` from an optional YAML file and keyword overrides (None = unset).

    Raises ConfigError with a one-line message on an unreadable file, unknown keys or bad values.
    """
    values: dict[str, Any] = {}
    if path is not None:
        values.update(_read_config_file(path))
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return BuildConfig(**values)
    except ValidationError as exc:
        raise ConfigError(_describe_validation_error(exc, path)) from None


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"config file {path} does not exist; pass an existing YAML file"
        ) from None
    except (OSError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0]
        raise ConfigError(f"config file {path} could not be read as YAML: {reason}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"config file {path} must hold a mapping of settings, not {type(data).__name__}"
        )
    return data


def _describe_validation_error(exc: ValidationError, path: Path | None) -> str:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "config"
    where = f"{path}: " if path else ""
    if err["type"] == "extra_forbidden":
        valid = ", ".join(BuildConfig.model_fields)
        return f"{where}unknown setting {key!r}; valid settings: {valid}"
    message = err["msg"].removeprefix("Value error, ")
    return f"{where}bad value for {key!r}: {message}"
