"""Semantic versions of the data: parse, compare, and refuse a bump smaller than a change needs.

The rules (design §7, Croissant 1.1 versioning): PATCH = same records, new serialization;
MINOR = records or columns added, or records corrected (same id, new content); MAJOR = records
removed or moved across splits or language configs, or columns removed or retyped. ``none`` means
nothing changed at all.

The release version is a build input (``build --version`` or the ``release_version`` setting), not
an edit of the code: by default the smallest version the change allows (``choose_release_version``).
``dataset.__version__`` is the package's version, used for a first release built without
``--previous``; this module reads, compares and chooses versions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from dataset.errors import ConfigError, InputError
from dataset.release.manifest import read_manifest

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
    """The order of a semver bump name in ``BUMPS`` (none < patch < minor < major)."""
    return BUMPS.index(bump)


def check_bump(old: Version, new: Version, required: str, reasons: list[str]) -> None:
    """Refuse a version change smaller than the data change needs.

    ``required`` is one of BUMPS, ``reasons`` the facts that make it so (e.g. "2 records
    removed"). A larger bump than required is allowed. Raises BuildError with one line that names
    the required bump, why, the bump actually made and the version to pass.
    """
    check_not_backwards(old, new)
    actual = classify_bump(old, new)
    if bump_rank(actual) >= bump_rank(required):
        return
    why = "; ".join(reasons) if reasons else "the data changed"
    made = "no bump" if actual == "none" else f"{actual.upper()}"
    raise ConfigError(
        f"{why} → {required.upper()} bump required, but {old} → {new} is {made}; "
        f"pass --version {old.bumped(required)} (or higher), or leave --version out to get it"
    )


def check_not_backwards(old: Version, new: Version) -> None:
    """Refuse (ConfigError) a release version below the previous release's."""
    if new < old:
        raise ConfigError(
            f"release version goes backwards: previous release is {old}, --version is {new}; "
            f"pass --version {old} or higher, or leave it out to get the smallest allowed"
        )


def choose_release_version(
    previous: Version | None,
    requested: Version | None,
    required: str,
    reasons: list[str],
    package: Version,
) -> Version:
    """The version of a new release.

    A first release (no ``previous``) is ``requested``, else the package version. After a
    previous release it is ``requested`` when that is a large enough bump (ConfigError from
    ``check_bump`` when not), else the smallest version the change allows: ``previous`` bumped by
    ``required`` (the previous version itself when nothing changed).
    """
    if previous is None:
        return requested or package
    if requested is None:
        return previous.bumped(required)
    check_bump(previous, requested, required, reasons)
    return requested


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
