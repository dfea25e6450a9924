"""Release history: ``diff.json`` and ``CHANGELOG.md`` of a new release, against the previous one.

This is step (1) of the final steps of ``build_release``: it compares the staged release with the
``--previous`` release, settles the release version (the requested one, refused when it is a
smaller bump than the change needs, else the smallest the change allows: dataset.release.versions),
stamps
it into the staged files, writes ``diff.json`` and carries the previous ``CHANGELOG.md`` forward
with a new entry on top.

Without ``--previous`` the release is described as an initial release: ``diff.json`` has
``"kind": "initial"`` (every id added, no bump) and ``CHANGELOG.md`` starts with that entry.
Entries are dated from ``SOURCE_DATE_EPOCH`` when it is set (reproducible builds), else today (UTC).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from pathlib import Path

from dataset import __version__
from dataset.release.diff import ReleaseDiff, diff_releases, write_diff
from dataset.release.versions import (
    Version,
    check_not_backwards,
    choose_release_version,
    classify_bump,
    parse_version,
    read_release_version,
)

CHANGELOG = "CHANGELOG.md"
DIFF = "diff.json"
HEADER = """# Changelog

Releases of the Karabakh News dataset, newest first. Versions are semantic versions of the data:
PATCH = same records, new serialization; MINOR = records or columns added, or records corrected
(same id, new content); MAJOR = records removed or moved between splits or language configs, or
columns removed or retyped. Each release's `diff.json` lists the ids behind the numbers below.
"""
_ENTRY = re.compile(r"^## ", re.MULTILINE)


def check_previous_release(previous: Path | None, requested: str | None = None) -> None:
    """Fail before any work when ``--previous`` or the requested version cannot be used.

    InputError when ``--previous`` is not a release folder, ConfigError when the requested
    version is below its version.
    """
    if previous is not None:
        old = read_release_version(previous)
        if requested is not None:
            check_not_backwards(old, parse_version(requested))


def provisional_version(previous: Path | None, requested: str | None) -> str:
    """The version to write the release with before the diff settles it.

    The requested one, else the previous release's (so that comparing files shows only real
    serialization changes), else the package version.
    """
    if requested is not None:
        return requested
    return str(read_release_version(previous)) if previous is not None else __version__


def settle_release_version(
    staging: Path, previous: Path | None, requested: str | None
) -> tuple[ReleaseDiff, Version]:
    """Compare the staged release with ``previous`` and choose its version.

    Raises ConfigError when the requested one is a smaller bump than the change needs.
    """
    diff = diff_releases(previous, staging)
    bump, reasons = diff.required_bump()
    version = choose_release_version(
        read_release_version(previous) if previous is not None else None,
        parse_version(requested) if requested is not None else None,
        bump,
        reasons,
        parse_version(__version__),
    )
    return diff, version


def record_release_history(
    staging: Path,
    previous: Path | None,
    requested: str | None = None,
    manifest: dict | None = None,
) -> ReleaseDiff:
    """Settle the release version, stamp it, and write ``diff.json`` and ``CHANGELOG.md``.

    Both are written into ``staging``; returns the diff.

    ``staging`` must already hold the data, rejects and ``build_manifest.json`` (``manifest`` is
    its content as built, or None to read it). Raises ConfigError, having written nothing, when
    ``requested`` is a smaller bump over ``previous`` than the change needs.
    """
    from dataset.build.write import stamp_release_version

    diff, version = settle_release_version(staging, previous, requested)
    if str(version) != diff.new["release_version"]:
        stamp_release_version(staging, str(version), manifest)
        diff.new["release_version"] = str(version)
    write_diff(diff, staging / DIFF)
    previous_log = read_changelog(previous)
    (staging / CHANGELOG).write_text(
        update_changelog(previous_log, diff, release_date()), encoding="utf-8"
    )
    return diff


def read_changelog(release_dir: Path | None) -> str | None:
    """The text of a release's CHANGELOG.md, or None when it has none."""
    if release_dir is None or not (release_dir / CHANGELOG).is_file():
        return None
    return (release_dir / CHANGELOG).read_text(encoding="utf-8")


def release_date() -> dt.date:
    """``SOURCE_DATE_EPOCH`` as a UTC date when set, else today's UTC date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


def update_changelog(previous: str | None, diff: ReleaseDiff, date: dt.date) -> str:
    """The new CHANGELOG.md: header, the entry for ``diff``, then the previous entries.

    A rebuild of the same version that changed nothing keeps the previous changelog as it was.
    """
    entries = split_entries(previous)
    version = diff.new["release_version"]
    if entries and entries[0].startswith(f"## {version} ") and diff.required_bump()[0] == "none":
        return HEADER + "\n" + "\n".join(entries)
    return HEADER + "\n" + "\n".join([format_entry(diff, date), *entries])


def split_entries(changelog: str | None) -> list[str]:
    """The ``## version`` sections of a changelog, newest first, each ending with a newline."""
    if not changelog:
        return []
    starts = [m.start() for m in _ENTRY.finditer(changelog)]
    bounds = [*starts, len(changelog)]
    return [changelog[a:b].rstrip("\n") + "\n" for a, b in itertools.pairwise(bounds)]


def format_entry(diff: ReleaseDiff, date: dt.date) -> str:
    """One changelog section in Markdown: version, date, bump and why, counts per language/split."""
    new = diff.new
    lines = [f"## {new['release_version']} ({date.isoformat()})", ""]
    if diff.initial:
        lines += [
            "Initial entry: built without `--previous`, so nothing was compared.",
            "",
            f"- records: {new['records']}",
        ]
    else:
        old = diff.old
        bump, reasons = diff.required_bump()
        made = classify_bump(
            parse_version(old["release_version"]), parse_version(new["release_version"])
        )
        lines += [
            f"{made.upper()} release after {old['release_version']}; the change needs "
            f"{bump.upper()}" + (f": {'; '.join(reasons)}." if reasons else " (nothing changed)."),
            "",
            f"- records: {old['records']} → {new['records']} ({len(diff.added)} added, "
            f"{len(diff.removed)} removed, {len(diff.modified)} modified, "
            f"{len(diff.moved)} moved between splits, {diff.unchanged} unchanged)",
        ]
        if diff.replaced:
            lines.append(
                f"- source identity changed (old id removed, new id added): {len(diff.replaced)}"
            )
        lines.append(f"- columns: {describe_columns(diff.columns)}")
        if diff.rejects.get("added") or diff.rejects.get("removed"):
            lines.append(
                f"- rejected raw files: {len(diff.rejects['added'])} newly rejected, "
                f"{len(diff.rejects['removed'])} no longer rejected"
            )
    lines += ["", *format_counts(diff)]
    return "\n".join(lines) + "\n"


def format_counts(diff: ReleaseDiff) -> list[str]:
    """Records per language and split as a Markdown table (with the change unless initial)."""
    if diff.initial:
        rows = ["| language | split | records |", "|---|---|---:|"]
        for language, splits in diff.counts.items():
            rows += [f"| {language} | {split} | {c['new']} |" for split, c in splits.items()]
        return rows
    rows = ["| language | split | before | after | change |", "|---|---|---:|---:|---:|"]
    for language, splits in diff.counts.items():
        rows += [
            f"| {language} | {split} | {c['old']} | {c['new']} | {c['change']:+d} |"
            for split, c in splits.items()
        ]
    return rows


def describe_columns(columns: dict[str, list]) -> str:
    """The column changes of a diff as one changelog phrase ("added `x`; removed `y`")."""
    parts = []
    if columns.get("added"):
        parts.append("added " + ", ".join(f"`{c['name']}`" for c in columns["added"]))
    if columns.get("removed"):
        parts.append("removed " + ", ".join(f"`{c}`" for c in columns["removed"]))
    if columns.get("type_changed"):
        parts.append("retyped " + ", ".join(f"`{c['name']}`" for c in columns["type_changed"]))
    return "; ".join(parts) or "unchanged"
