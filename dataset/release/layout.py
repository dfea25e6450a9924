"""Read a built release folder: which configs, splits and shards it holds, and their rows.

The layout is discovered from the files (``data/{language}/{split}-{i}-of-{n}.parquet``), never
from the manifest, so validation, the card and croissant.json describe what is really there.
Configs are the languages in sorted order followed by ``all``; a split with no file does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dataset.config import SPLIT_NAMES
from dataset.errors import InputError

ALL_CONFIG = "all"
REJECTS_PATH = "rejects/rejects.parquet"  # release-relative, written even when empty
SHARD_NAME = re.compile(r"^(?P<split>\w+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.parquet$")


@dataclass(frozen=True)
class ReleaseLayout:
    """``shards[language][split]`` = sorted release-relative shard paths (POSIX)."""

    root: Path
    shards: dict[str, dict[str, list[str]]]

    @property
    def languages(self) -> list[str]:
        """The release's languages, sorted."""
        return sorted(self.shards)

    @property
    def configs(self) -> list[str]:
        """The dataset configs: one per language, then the all-languages config."""
        return [*self.languages, ALL_CONFIG]

    def splits(self, config: str) -> list[str]:
        """The non-empty splits of a config, in the canonical order train/validation/test."""
        present = {s for lang in self._languages_of(config) for s in self.shards[lang]}
        return [s for s in SPLIT_NAMES if s in present]

    def files(self, config: str, split: str) -> list[str]:
        """The shards of a config's split, sorted by path."""
        return sorted(
            path for lang in self._languages_of(config) for path in self.shards[lang].get(split, [])
        )

    def _languages_of(self, config: str) -> list[str]:
        return self.languages if config == ALL_CONFIG else [config]


def read_layout(release_dir: Path) -> ReleaseLayout:
    """Discover the shards of a release.

    Raises InputError when the folder is not a release (no build_manifest.json or no data/) or a
    shard name does not follow ``{split}-NNNNN-of-NNNNN.parquet``.
    """
    if not (release_dir / "build_manifest.json").is_file():
        raise InputError(
            f"{release_dir} is not a release folder (no build_manifest.json); "
            "pass the folder written by `python -m dataset build`"
        )
    shards: dict[str, dict[str, list[str]]] = {}
    data = release_dir / "data"
    for path in sorted(data.glob("*/*.parquet")) if data.is_dir() else []:
        match = SHARD_NAME.match(path.name)
        if not match or match["split"] not in SPLIT_NAMES:
            raise InputError(
                f"{path}: not a shard name {{train|validation|test}}-NNNNN-of-NNNNN.parquet; "
                "remove or rename it"
            )
        relative = path.relative_to(release_dir).as_posix()
        shards.setdefault(path.parent.name, {}).setdefault(match["split"], []).append(relative)
    return ReleaseLayout(release_dir, shards)
