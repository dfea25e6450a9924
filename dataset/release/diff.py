"""Compare two release folders: which records and columns changed, and which semver bump that needs.

Only the released files are read (``data/{language}/{split}-*.parquet``, ``rejects/rejects.parquet``
and ``build_manifest.json``), never the code that built them. Records are matched by ``id``:

- added / removed: the id is only in the new / the old release;
- modified: same id, at least one column differs (the differing columns are listed). Ids derive
  from the source identity (URL, else raw file path), so a corrected raw file is a modified record;
- moved: same id, another split (a language change shows as a modified ``language``);
- replaced: a removed and an added id with the same ``source_file`` (e.g. a URL recorded for a
  file that had none, which changes its identity); this pairs them up.

Columns are compared through a 64-bit hash per cell, so memory stays at a few numbers per row
however long the texts are. The required bump follows dataset.release.versions. ``old=None``
describes an
initial release (everything added, no bump).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dataset.errors import InputError
from dataset.release.manifest import read_manifest

DIFF_FORMAT_VERSION = 1
SHARD = re.compile(r"data/(?P<language>[^/]+)/(?P<split>\w+)-\d{5}-of-\d{5}\.parquet$")
KEY = "id"
PROVENANCE_COLUMN = "source_file"
LISTED_IDS = 10


@dataclass
class ReleaseDiff:
    """What changed between two releases; ``to_json()`` is the content of ``diff.json``."""

    old: dict[str, Any] | None
    new: dict[str, Any]
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    modified: list[dict[str, Any]] = field(default_factory=list)
    moved: list[dict[str, str]] = field(default_factory=list)
    replaced: list[dict[str, str]] = field(default_factory=list)
    unchanged: int = 0
    columns: dict[str, list] = field(default_factory=dict)
    counts: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    files: dict[str, list[str]] = field(default_factory=dict)
    rejects: dict[str, list[str]] = field(default_factory=dict)

    @property
    def initial(self) -> bool:
        """Whether there is no previous release to compare with."""
        return self.old is None

    def required_bump(self) -> tuple[str, list[str]]:
        """The smallest semver bump this change needs, and the facts that make it so.

        An initial release needs none. The MAJOR facts come first, then the MINOR ones. A
        corrected record (same id, other values) is MINOR, unless its ``language`` changed: it
        then leaves its language config, which is a removal there (MAJOR).
        """
        if self.initial:
            return "none", []
        relabelled = [m for m in self.modified if "language" in m["columns"]]
        major = _facts(
            _count(len(self.removed), "record", "removed"),
            _count(len(relabelled), "record", "moved to another language config"),
            _count(len(self.moved), "record", "moved between splits"),
            _names("removed", self.columns["removed"]),
            _names("retyped", [c["name"] for c in self.columns["type_changed"]]),
        )
        minor = _facts(
            _count(len(self.added), "record", "added"),
            _count(len(self.modified) - len(relabelled), "record", "corrected"),
            _names("added", [c["name"] for c in self.columns["added"]]),
        )
        rewritten = sum(len(paths) for paths in self.files.values())
        if major:
            return "major", major + minor
        if minor:
            return "minor", minor
        if rewritten:
            files = _count(rewritten, "Parquet file", "with other bytes")
            return "patch", [f"same records, {files}"]
        return "none", []

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReleaseDiff:
        """Rebuild a diff from the content of a ``diff.json`` (the inverse of ``to_json``)."""
        records = data["records"]
        return cls(
            old=data["old"],
            new=data["new"],
            added=records["added"],
            removed=records["removed"],
            modified=records["modified"],
            moved=records["moved"],
            replaced=records["replaced"],
            unchanged=records["unchanged"],
            columns=data["columns"],
            counts=data["counts"],
            files=data["files"],
            rejects=data["rejects"],
        )

    def to_json(self) -> dict[str, Any]:
        """The diff as the JSON object written to ``diff.json``."""
        bump, reasons = self.required_bump()
        return {
            "format_version": DIFF_FORMAT_VERSION,
            "kind": "initial" if self.initial else "comparison",
            "old": self.old,
            "new": self.new,
            "required_bump": None if self.initial else bump,
            "reasons": reasons
            if not self.initial
            else ["initial release: built without --previous, nothing to compare with"],
            "records": {
                "added": self.added,
                "removed": self.removed,
                "modified": self.modified,
                "moved": self.moved,
                "replaced": self.replaced,
                "unchanged": self.unchanged,
            },
            "columns": self.columns,
            "counts": self.counts,
            "files": self.files,
            "rejects": self.rejects,
        }


def diff_releases(old_dir: Path | None, new_dir: Path) -> ReleaseDiff:
    """Compare the release at ``old_dir`` (None: no previous release) with the one at ``new_dir``.

    Raises InputError when a folder is not a release or a release holds an id twice.
    """
    # A first release has nothing to compare values with: its column hashes are not read.
    new_rows, new_schema = read_release_rows(new_dir, hashes=old_dir is not None)
    if old_dir is None:
        old_rows, old_schema = new_rows.clear(), new_schema
    else:
        old_rows, old_schema = read_release_rows(old_dir)
    diff = ReleaseDiff(
        old=None if old_dir is None else describe_release(old_dir, old_rows),
        new=describe_release(new_dir, new_rows),
    )
    diff.columns = compare_columns(old_schema, new_schema)
    shared = sorted(set(old_schema) & set(new_schema)) if old_dir is not None else []
    compare_records(diff, old_rows, new_rows, shared)
    diff.counts = compare_counts(old_rows, new_rows)
    if old_dir is not None:
        diff.files = compare_files(old_dir, new_dir)
        diff.rejects = compare_rejects(old_dir, new_dir)
    return diff


def read_release_rows(
    release_dir: Path, hashes: bool = True
) -> tuple[pl.DataFrame, dict[str, str]]:
    """One row per record: ``id``, ``language`` and ``split``, and a hash per column.

    ``language`` and ``split`` come from the path; the hashes (``#name``) only when ``hashes``.

    Returns the frame and ``{column: arrow type}`` of the released schema. Raises InputError when
    the folder is not a release or an id occurs twice.
    """
    if not (release_dir / "build_manifest.json").is_file():
        raise InputError(
            f"{release_dir} is not a release folder (no build_manifest.json); "
            "pass a folder written by `build`"
        )
    shards = sorted(release_dir.glob("data/*/*.parquet"))
    if not shards:
        empty = {KEY: pl.String, "language": pl.String, "split": pl.String}
        return pl.DataFrame(schema=empty), {}
    arrow_schema = pq.read_schema(shards[0])
    schema = {f.name: type_name(f.type) for f in arrow_schema}
    hashed = list(schema) if hashes else []
    frames = [read_shard_hashes(path, release_dir, hashed) for path in shards]
    rows = pl.concat(frames, how="vertical_relaxed")
    repeated = rows.filter(pl.col(KEY).is_duplicated())[KEY].unique().sort()
    if len(repeated):
        raise InputError(
            f"{release_dir}: id {repeated[0]} occurs in more than one row; "
            "run `validate` on the release and rebuild it"
        )
    return rows.sort(KEY), schema


def type_name(arrow_type: pa.DataType) -> str:
    """Arrow type as text, without the list field name writers differ on (``list<string>``)."""
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        outer = "large_list" if pa.types.is_large_list(arrow_type) else "list"
        return f"{outer}<{type_name(arrow_type.value_type)}>"
    return str(arrow_type)


def read_shard_hashes(path: Path, release_dir: Path, columns: list[str]) -> pl.DataFrame:
    """The per-record hashes of one shard, with its language and split from its path."""
    relative = path.relative_to(release_dir).as_posix()
    match = SHARD.match(relative)
    if not match:
        raise InputError(f"{path}: not a data/{{language}}/{{split}}-NNNNN-of-NNNNN.parquet shard")
    # Streaming: the texts are hashed morsel by morsel instead of a whole shard at once.
    return (
        pl.scan_parquet(path)
        .select(
            pl.col(KEY),
            pl.lit(match["language"]).alias("language"),
            pl.lit(match["split"]).alias("split"),
            *(pl.col(c).hash(seed=0).alias(f"#{c}") for c in columns),
        )
        .collect(engine="streaming")
    )


def describe_release(release_dir: Path, rows: pl.DataFrame) -> dict[str, Any]:
    """The versions, config hash and counts of a release, as a diff describes each side."""
    manifest = read_manifest(release_dir)
    return {
        "release_version": manifest.get("release_version"),
        "schema_version": manifest.get("schema_version"),
        "config_hash": manifest.get("config_hash"),
        "git_commit": manifest.get("git_commit"),
        "records": rows.height,
    }


def compare_columns(old: dict[str, str], new: dict[str, str]) -> dict[str, list]:
    """Columns added, removed, or whose Arrow type changed (an empty release has no columns)."""
    if not old or not new:
        return {"added": [], "removed": [], "type_changed": []}
    return {
        "added": [{"name": c, "type": new[c]} for c in new if c not in old],
        "removed": [c for c in old if c not in new],
        "type_changed": [
            {"name": c, "old": old[c], "new": new[c]} for c in new if c in old and old[c] != new[c]
        ],
    }


def compare_records(
    diff: ReleaseDiff, old: pl.DataFrame, new: pl.DataFrame, shared_columns: list[str]
) -> None:
    """Fill added, removed, modified, moved, replaced and unchanged in ``diff``."""
    # Sorted by polars on UTF-8 bytes: the same order as sorted() on code points.
    diff.added = new.filter(~pl.col(KEY).is_in(old[KEY].implode()))[KEY].sort().to_list()
    diff.removed = old.filter(~pl.col(KEY).is_in(new[KEY].implode()))[KEY].sort().to_list()
    compared = [c for c in shared_columns if c != KEY]
    both = old.join(new, on=KEY, how="inner", suffix="~new").select(
        KEY,
        (pl.col("language") + "/" + pl.col("split")).alias("from"),
        (pl.col("language~new") + "/" + pl.col("split~new")).alias("to"),
        (pl.col("split") != pl.col("split~new")).alias("moved"),
        *(pl.col(f"#{c}").ne(pl.col(f"#{c}~new")).alias(c) for c in compared),
    )
    changed = both.filter(pl.col("moved") | pl.any_horizontal(compared or [pl.lit(False)]))
    for row in changed.sort(KEY).iter_rows(named=True):
        columns = [c for c in compared if row[c]]
        if columns:
            diff.modified.append({"id": row[KEY], "columns": columns})
        if row["moved"]:
            diff.moved.append({"id": row[KEY], "from": row["from"], "to": row["to"]})
    diff.unchanged = both.height - changed.height
    diff.replaced = pair_replaced(old, new, diff.removed, diff.added)


def pair_replaced(
    old: pl.DataFrame, new: pl.DataFrame, removed: list[str], added: list[str]
) -> list[dict[str, str]]:
    """Removed and added ids that share a ``source_file``: a raw file edited in place."""
    if not removed or not added or f"#{PROVENANCE_COLUMN}" not in old.columns:
        return []
    gone = old.filter(pl.col(KEY).is_in(removed)).select(KEY, f"#{PROVENANCE_COLUMN}")
    came = new.filter(pl.col(KEY).is_in(added)).select(KEY, f"#{PROVENANCE_COLUMN}")
    pairs = gone.join(came, on=f"#{PROVENANCE_COLUMN}", suffix="~new").sort(KEY)
    return [{"old_id": a, "new_id": b} for a, b in pairs.select(KEY, f"{KEY}~new").iter_rows()]


def compare_counts(old: pl.DataFrame, new: pl.DataFrame) -> dict[str, dict[str, dict[str, int]]]:
    """``{language: {split: {old, new, change}}}`` for every language/split in either release."""
    old_counts = _count_by_location(old)
    new_counts = _count_by_location(new)
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for language, split in sorted(set(old_counts) | set(new_counts)):
        before, after = old_counts.get((language, split), 0), new_counts.get((language, split), 0)
        counts.setdefault(language, {})[split] = {
            "old": before,
            "new": after,
            "change": after - before,
        }
    return counts


def _count_by_location(rows: pl.DataFrame) -> dict[tuple[str, str], int]:
    grouped = rows.group_by("language", "split").len()
    return {(lang, split): n for lang, split, n in grouped.iter_rows()}


def compare_files(old_dir: Path, new_dir: Path) -> dict[str, list[str]]:
    """Parquet files (data/ and rejects/) added, removed, or serialized otherwise.

    "Otherwise" ignores the release version stamped in the files' metadata
    (``serialization_digest``), so a new version alone is no change of serialization, and the
    build and the ``diff`` command agree.
    """
    old_files, new_files = _hash_parquet_files(old_dir), _hash_parquet_files(new_dir)
    return {
        "added": sorted(set(new_files) - set(old_files)),
        "removed": sorted(set(old_files) - set(new_files)),
        "changed": sorted(
            path for path in set(old_files) & set(new_files) if old_files[path] != new_files[path]
        ),
    }


def _hash_parquet_files(release_dir: Path) -> dict[str, str]:
    paths = sorted(release_dir.glob("data/*/*.parquet")) + sorted(
        release_dir.glob("rejects/*.parquet")
    )
    return {path.relative_to(release_dir).as_posix(): serialization_digest(path) for path in paths}


def serialization_digest(path: Path) -> str:
    """sha256 of a Parquet file's content, the release version left out.

    Hashes the bytes before its footer (pages, page indexes) and the footer's key-value metadata
    without the release version (the Arrow schema compared without metadata: its serialized copy
    embeds the version).
    """
    from dataset.build.write import METADATA_KEY

    digest = hashlib.sha256()
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(size - 8)
        data_end = size - 8 - int.from_bytes(handle.read(4), "little")
        handle.seek(0)
        remaining = data_end
        while remaining > 0:
            block = handle.read(min(1 << 20, remaining))
            if not block:
                break
            digest.update(block)
            remaining -= len(block)
    metadata = pq.read_metadata(path)
    pairs = dict(metadata.metadata or {})
    pairs.pop(b"ARROW:schema", None)
    if METADATA_KEY in pairs:
        ours = json.loads(pairs[METADATA_KEY])
        ours.pop("release_version", None)
        pairs[METADATA_KEY] = json.dumps(ours, sort_keys=True).encode()
    digest.update(repr(sorted(pairs.items())).encode())
    digest.update(metadata.schema.to_arrow_schema().remove_metadata().to_string().encode())
    return digest.hexdigest()


def compare_rejects(old_dir: Path, new_dir: Path) -> dict[str, list[str]]:
    """Raw files newly rejected or no longer rejected (by ``source_file``)."""
    old, new = _rejected_files(old_dir), _rejected_files(new_dir)
    return {"added": sorted(new - old), "removed": sorted(old - new)}


def _rejected_files(release_dir: Path) -> set[str]:
    path = release_dir / "rejects" / "rejects.parquet"
    if not path.is_file():
        return set()
    return set(pq.read_table(path, columns=["source_file"]).column(0).to_pylist())


def _facts(*facts: str) -> list[str]:
    return [f for f in facts if f]


def _count(n: int, noun: str, verb: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'} {verb}" if n else ""


def _names(verb: str, names: list[str]) -> str:
    if not names:
        return ""
    noun = "column" if len(names) == 1 else "columns"
    return f"{noun} {', '.join(names)} {verb}"


def write_diff(diff: ReleaseDiff, path: Path) -> None:
    """Write ``diff.json`` deterministically (sorted keys, no dates, no absolute paths)."""
    from dataset.build.write import write_json

    write_json(diff.to_json(), path)


def format_diff(diff: ReleaseDiff, listed: int = LISTED_IDS) -> str:
    """The readable report printed by ``diff`` and ``build --previous``."""
    data = diff.to_json()
    old_version = diff.old["release_version"] if diff.old else "nothing"
    records = data["records"]
    lines = [
        f"Release diff: {old_version} -> {diff.new['release_version']}",
        f"records: {diff.old['records'] if diff.old else 0} -> {diff.new['records']}   "
        f"added {len(diff.added)}   removed {len(diff.removed)}   modified {len(diff.modified)}"
        f"   moved {len(diff.moved)}   unchanged {diff.unchanged}",
    ]
    lines += _list_ids("added", records["added"], listed)
    lines += _list_ids("removed", records["removed"], listed)
    lines += _list_ids(
        "modified", [f"{m['id']} ({', '.join(m['columns'])})" for m in diff.modified], listed
    )
    lines += _list_ids("moved", [f"{m['id']} {m['from']} -> {m['to']}" for m in diff.moved], listed)
    lines += _list_ids(
        "replaced (source identity changed)",
        [f"{r['old_id']} -> {r['new_id']}" for r in diff.replaced],
        listed,
    )
    if not diff.initial:
        lines += _format_columns(diff.columns)
    lines += ["", f"{'language':<10}{'split':<12}{'old':>8}{'new':>8}{'change':>8}"]
    for language, splits in diff.counts.items():
        for split, c in splits.items():
            lines.append(f"{language:<10}{split:<12}{c['old']:>8}{c['new']:>8}{c['change']:>+8d}")
    if diff.files:
        lines.append(
            f"\nParquet files: {len(diff.files['added'])} added, {len(diff.files['removed'])} "
            f"removed, {len(diff.files['changed'])} with other bytes"
        )
    if diff.rejects.get("added") or diff.rejects.get("removed"):
        lines.append(
            f"rejected raw files: {len(diff.rejects['added'])} newly rejected, "
            f"{len(diff.rejects['removed'])} no longer rejected"
        )
    lines.append("")
    if diff.initial:
        lines.append("initial release: nothing to compare with, no bump required")
    else:
        bump, reasons = diff.required_bump()
        because = f" ({'; '.join(reasons)})" if reasons else " (nothing changed)"
        lines.append(f"required bump: {bump.upper()}{because}")
    return "\n".join(lines)


def _list_ids(label: str, items: list[str], listed: int) -> list[str]:
    if not items:
        return []
    shown = [f"  {item}" for item in items[:listed]]
    if len(items) > listed:
        shown.append(f"  ... and {len(items) - listed} more (see diff.json)")
    return [f"{label} ({len(items)}):", *shown]


def _format_columns(columns: dict[str, list]) -> list[str]:
    parts = []
    if columns.get("added"):
        parts.append("added " + ", ".join(f"{c['name']} ({c['type']})" for c in columns["added"]))
    if columns.get("removed"):
        parts.append("removed " + ", ".join(columns["removed"]))
    if columns.get("type_changed"):
        parts.append(
            "retyped "
            + ", ".join(f"{c['name']} ({c['old']} -> {c['new']})" for c in columns["type_changed"])
        )
    return [f"columns: {'; '.join(parts) if parts else 'unchanged'}"]
