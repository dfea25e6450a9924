"""Release integrity: ``checksums.sha256`` over every file of a release, and its verification.

Format: ``sha256sum`` lines (``<64 hex>  <path>``), sorted by path, paths relative to the release
and POSIX, covering every file except ``checksums.sha256`` itself. ``sha256sum -c`` accepts it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from dataset.errors import InputError

CHECKSUMS_NAME = "checksums.sha256"
DIGEST = re.compile(r"[0-9a-fA-F]{64}")
CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class ChecksumProblems:
    """Files that changed, appeared or disappeared since the checksums were written."""

    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    missing_file: bool = False

    @property
    def ok(self) -> bool:
        """Whether every file matches its checksum and no file was added or removed."""
        return not (self.changed or self.added or self.removed or self.missing_file)

    def describe(self) -> list[str]:
        """One readable line per problem."""
        if self.missing_file:
            return [f"{CHECKSUMS_NAME} is missing; rebuild the release"]
        return (
            [f"changed since the build: {p}" for p in self.changed]
            + [f"added since the build: {p}" for p in self.added]
            + [f"removed since the build: {p}" for p in self.removed]
        )


def sha256_file(path: Path) -> str:
    """sha256 hex digest of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def is_hidden(relative: Path) -> bool:
    """Hidden entries (``.DS_Store``, ``.cache/``) are local clutter, not part of a release."""
    return any(part.startswith(".") for part in relative.parts)


def list_release_files(release_dir: Path) -> list[str]:
    """Sorted release-relative POSIX paths of every non-hidden file except the checksums file."""
    return sorted(
        p.relative_to(release_dir).as_posix()
        for p in release_dir.rglob("*")
        if p.is_file()
        and not is_hidden(p.relative_to(release_dir))
        and p.relative_to(release_dir).as_posix() != CHECKSUMS_NAME
    )


def compute_checksums(release_dir: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file of the release (except the checksums file)."""
    return {path: sha256_file(release_dir / path) for path in list_release_files(release_dir)}


def write_checksums(release_dir: Path) -> Path:
    """Write ``checksums.sha256`` (written last in a build: it covers every other file)."""
    lines = [f"{digest}  {path}\n" for path, digest in compute_checksums(release_dir).items()]
    target = release_dir / CHECKSUMS_NAME
    temporary = release_dir / f".{CHECKSUMS_NAME}.tmp"  # hidden: never listed itself
    temporary.write_text("".join(lines), encoding="utf-8")
    temporary.replace(target)  # atomic: a kill leaves the old file or the new one
    return target


def read_checksums(release_dir: Path) -> dict[str, str]:
    """Parse ``checksums.sha256`` into ``{relative path: sha256}`` (``*`` binary marks allowed).

    Raises InputError naming the file and line when it is not ``sha256sum`` output.
    """
    path = release_dir / CHECKSUMS_NAME
    fix = "restore it from the published release or rebuild the release"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text; {fix}") from None
    entries = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2 or not DIGEST.fullmatch(parts[0]):
            raise InputError(
                f"{path} line {number} is not '<64 hex digits>  <path>' (sha256sum format); {fix}"
            )
        entries[parts[1].lstrip("*")] = parts[0]
    return entries


def verify_checksums(release_dir: Path) -> ChecksumProblems:
    """Compare the release's files with its ``checksums.sha256``."""
    if not (release_dir / CHECKSUMS_NAME).is_file():
        return ChecksumProblems(missing_file=True)
    expected = read_checksums(release_dir)
    actual = compute_checksums(release_dir)
    return ChecksumProblems(
        changed=tuple(p for p in sorted(expected) if p in actual and actual[p] != expected[p]),
        added=tuple(p for p in sorted(actual) if p not in expected),
        removed=tuple(p for p in sorted(expected) if p not in actual),
    )


def find_damaged_parquet(release_dir: Path) -> tuple[Path, str] | None:
    """The first Parquet file of a release that cannot be read whole, and pyarrow's reason.

    Reads every ``*.parquet`` file (data and rejects) completely, so it is meant for the error
    path only: pyarrow's own messages ("Invalid BYTE_ARRAY value", bad magic bytes) name no file.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    for path in sorted(release_dir.rglob("*.parquet")):
        if is_hidden(path.relative_to(release_dir)):
            continue
        try:
            pq.read_table(path)
        except (pa.ArrowException, OSError) as exc:
            return path, (str(exc).splitlines() or [type(exc).__name__])[0]
    return None


def explain_damage(error: BaseException, releases: tuple[Path, ...]) -> InputError | None:
    """An InputError naming the damaged Parquet file of ``releases`` behind ``error``, if any.

    Any error but our own (already one named line) is checked: pyarrow, polars and datasets each
    word a damaged file differently.
    """
    from dataset.errors import KarabakhNewsError

    if isinstance(error, KarabakhNewsError):
        return None
    for release in releases:
        if release is None or not release.is_dir():
            continue
        found = find_damaged_parquet(release)
        if found:
            path, reason = found
            return InputError(
                f"{path} is not a readable Parquet file ({reason[:120]}); the release is "
                "damaged: restore the file from the published release or rebuild the release"
            )
    return None
