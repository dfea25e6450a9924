"""Semantic versions of the data: parse, compare, and refuse a bump smaller than a change needs.

The rules (design §7, Croissant 1.1 versioning): PATCH = same records, new serialization;
MINOR = records or columns added, or records corrected (same id, new content); MAJOR = records
removed or moved across splits or language configs, or columns removed or retyped. ``none`` means
nothing changed at all. The release version itself lives in one place, ``dataset.__version__``;
this module only reads and compares versions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from dataset.errors import BuildError, InputError
from dataset.manifest import read_manifest

BUMPS = ("none", "patch", "minor", "major")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


@dataclass(frozen=True, order=True)
class Version:
    """A ``MAJOR.MINOR.PATCH`` release version (no pre-release or build suffix: it names a tag)."""

    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    @property
    def tag(self) -> str:
        """The Hub tag of this release, e.g. ``v1.2.0``."""
        return f"v{self}"

    def bumped(self, bump: str) -> Version:
        """The smallest version above this one that makes a ``bump`` (``patch|minor|major``)."""
        if bump == "major":
            return Version(self.major + 1, 0, 0)
        if bump == "minor":
            return Version(self.major, self.minor + 1, 0)
        if bump == "patch":
            return Version(self.major, self.minor, self.patch + 1)
        return self


def parse_version(text: str) -> Version:
    """Parse ``MAJOR.MINOR.PATCH``; raises ValueError naming the text and the expected form."""
    match = _SEMVER.match(text.strip())
    if not match:
        raise ValueError(f"release version {text!r} is not MAJOR.MINOR.PATCH (e.g. 1.2.0)")
    return Version(*(int(part) for part in match.groups()))


def classify_bump(old: Version, new: Version) -> str:
    """Which bump takes ``old`` to ``new``: one of BUMPS, or ``downgrade`` when new < old."""
    if new < old:
        return "downgrade"
    if new.major != old.major:
        return "major"
    if new.minor != old.minor:
        return "minor"
    if new.patch != old.patch:
        return "patch"
    return "none"


def bump_rank(bump: str) -> int:
    return BUMPS.index(bump)


def check_bump(old: Version, new: Version, required: str, reasons: list[str]) -> None:
    """Refuse a version change smaller than the data change needs.

    ``required`` is one of BUMPS, ``reasons`` the facts that make it so (e.g. "2 records
    removed"). A larger bump than required is allowed. Raises BuildError with one line that names
    the required bump, why, the bump actually made and the version to set.
    """
    actual = classify_bump(old, new)
    if actual == "downgrade":
        raise BuildError(
            f"release version goes backwards: previous release is {old}, this build is {new}; "
            f"set __version__ in dataset/__init__.py to at least {old.bumped(required)}"
        )
    if bump_rank(actual) >= bump_rank(required):
        return
    why = "; ".join(reasons) if reasons else "the data changed"
    made = "no bump" if actual == "none" else f"{actual.upper()}"
    raise BuildError(
        f"{why} → {required.upper()} bump required, but {old} → {new} is {made}; "
        f'set __version__ = "{old.bumped(required)}" in dataset/__init__.py and rebuild'
    )


def read_release_version(release_dir: Path) -> Version:
    """The version a release was built as, from its ``build_manifest.json``.

    Raises InputError when the folder is not a release or the manifest holds no valid version.
    """
    manifest = release_dir / "build_manifest.json"
    if not manifest.is_file():
        raise InputError(
            f"{release_dir} is not a release folder (no build_manifest.json); "
            "pass a folder written by `build`"
        )
    try:
        version = read_manifest(release_dir)["release_version"]
        return parse_version(str(version))
    except (json.JSONDecodeError, KeyError, ValueError) as exc:
        raise InputError(f"{manifest}: no valid release_version ({exc}); rebuild it") from None
