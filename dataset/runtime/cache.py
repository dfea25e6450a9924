"""Per-document result cache: the expensive per-document work, keyed by raw sha256 + code version.

What is cached for a decoded document is what its raw bytes alone determine: the
``Extraction``, the text fingerprint and the MinHash signature. The id (from the source identity,
not the bytes) and the filters that read the configuration and name the file
(``dataset.build.filters``) are computed on every build, so a cached result
gives the same article or reject as a fresh one, byte for byte.

The code version is a hash of everything that shapes those values:
- the source of the per-document modules (``dataset.build.document``, ``dataset.build.dedupe``,
  ``dataset.build.read``, ``dataset.records`` and every ``dataset`` module they import, found by
  reading
  their import statements) and every data file inside the package (rules, word lists), except the
  vendored raw corpus;
- the installed versions of the third-party distributions those modules import and of every
  runtime dependency the project declares (the vendored fastText model is a package data file,
  so it is hashed with them), the Python version and the
  Unicode database version (NFC and case folding);
- the content-shaping settings of the build configuration;
- the build's ``reference_date``: ``parse_document`` rejects published dates after it, so an
  extraction is only valid for the day it was made against. It defaults to the build date, so
  the cache starts afresh each day unless the configuration pins ``reference_date``.
Any change to one of them starts a fresh cache file; old files can simply be deleted.

Storage: one SQLite file per code version under the cache folder. Worker processes read it; only
the driver writes, in batches, so there is a single writer.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import pickle
import sqlite3
import sys
import unicodedata
from functools import cache
from importlib import metadata
from pathlib import Path

from dataset.config import BuildConfig
from dataset.paths import PROJECT_ROOT

PACKAGE_DIR = PROJECT_ROOT / "dataset"
PER_DOCUMENT_MODULES = (
    "dataset.build.document",
    "dataset.build.dedupe",
    "dataset.build.read",
    "dataset.records",
)
_SKIPPED_DATA = ("raw", "raw.lock", "__pycache__", "_bundled")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/karabakh-news``, else ``~/.cache/karabakh-news`` (the XDG default).

    Outside the release and beside nothing of it, so a build leaves no stray folder next to
    its output.
    """
    import os

    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "karabakh-news"


def cache_path(config: BuildConfig) -> Path | None:
    """The cache file of this code version, or None when the cache is switched off."""
    if not config.cache:
        return None
    folder = config.cache_dir or default_cache_dir()
    return folder / f"documents-{code_version(config)}.sqlite"


def code_version(config: BuildConfig) -> str:
    """16 hex digits identifying the per-document code, libraries and content settings."""
    digest = hashlib.sha256()
    digest.update(_static_code_version().encode())
    digest.update(json.dumps(config.content_settings(), sort_keys=True).encode())
    reference = config.with_reference_date().reference_date  # it bounds published_date
    digest.update(reference.isoformat().encode())
    return digest.hexdigest()[:16]


@cache
def _static_code_version() -> str:
    digest = hashlib.sha256()
    imports = source_imports()
    for path in sorted(set(imports) | package_data_files()):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for name, version in sorted(library_versions(imports).items()):
        digest.update(f"{name}=={version}\0".encode())
    digest.update(f"python {sys.version_info[:3]} unicode {unicodedata.unidata_version}".encode())
    return digest.hexdigest()


def per_document_sources() -> set[Path]:
    """Source files of the per-document modules and of every ``dataset`` module they import."""
    return set(source_imports())


def source_imports() -> dict[Path, set[str]]:
    """``per_document_sources()``, each with its ``imported_modules`` (every file parsed once)."""
    found: dict[Path, set[str]] = {}
    pending = [module_file(name) for name in PER_DOCUMENT_MODULES]
    while pending:
        path = pending.pop()
        if path is None or path in found:
            continue
        found[path] = imported_modules(path)
        pending.extend(module_file(name) for name in found[path] if _is_ours(name))
    return found


def package_data_files() -> set[Path]:
    """Non-Python files inside the package (rules, lists) that extraction code may read."""
    return {
        path
        for path in PACKAGE_DIR.rglob("*")
        if path.is_file()
        and path.suffix not in {".py", ".pyc"}
        and path.relative_to(PACKAGE_DIR).parts[0] not in _SKIPPED_DATA
    }


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules a source file imports (``from x import y`` gives x and x.y)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def library_versions(imports: dict[Path, set[str]]) -> dict[str, str]:
    """Installed ``{distribution: version}`` of the third-party packages the sources import.

    ``imports``: each source file with its ``imported_modules`` (``source_imports()``).
    """
    top_levels = {
        name.split(".")[0]
        for names in imports.values()
        for name in names
        if name and not _is_ours(name)
    }
    providers = metadata.packages_distributions()
    names = {dist for top in top_levels for dist in providers.get(top, [])}
    names |= declared_dependencies()
    versions = {}
    for name in sorted(names):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def declared_dependencies() -> set[str]:
    """Distribution names of the project's runtime dependencies (from pyproject.toml)."""
    import re
    import tomllib

    pyproject = PROJECT_ROOT / "pyproject.toml"
    if pyproject.is_file():
        requirements = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        requirements = requirements.get("dependencies", [])
    else:
        try:
            requirements = [
                r for r in metadata.requires("karabakh-news") or [] if "extra ==" not in r
            ]
        except metadata.PackageNotFoundError:
            requirements = []
    return {re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0].lower() for r in requirements}


def module_file(name: str) -> Path | None:
    """The source file of a ``dataset`` module (package ``__init__.py`` or module), or None."""
    relative = Path(*name.split(".")[1:]) if name != "dataset" else Path()
    for candidate in (PACKAGE_DIR / relative / "__init__.py", PACKAGE_DIR / f"{relative}.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
    parts = parts[:-1] if parts[-1] == "__init__" else parts
    return ".".join(("dataset", *parts))


def _is_ours(name: str) -> bool:
    return name == "dataset" or name.startswith("dataset.")


def open_cache(path: Path) -> ResultCache | None:
    """The driver's writable cache at ``path``, or None when it cannot be opened.

    Then one warning goes to stderr: the cache is optional, so a read-only or full disk never
    stops a build.
    """
    try:
        return ResultCache(path, writable=True)
    except (OSError, sqlite3.Error) as exc:
        warn_cache_off(path, exc)
        return None


_READERS: dict[Path, ResultCache] = {}


def cache_reader(config: BuildConfig) -> ResultCache | None:
    """This process's read-only cache for ``config``, None when the cache is switched off.

    One reader per cache file and process, kept open for the process's next batches; while the
    file does not exist yet (the driver creates it) every look-up is a miss.
    """
    location = cache_path(config)
    if location is None:
        return None
    if location not in _READERS:
        reader = ResultCache(location)
        if not location.is_file():
            return reader
        _READERS[location] = reader
    return _READERS[location]


def warn_cache_off(path: Path, exc: BaseException) -> None:
    """Say once, on stderr, that the build goes on without the cache, and why."""
    reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
    print(
        f"warning: cache {path} is not usable ({reason}); the build goes on without the cache",
        file=sys.stderr,
    )


def pack_value(value: object) -> bytes:
    """A cache value as the bytes stored for it (a pickle of plain records)."""
    return pickle.dumps(value, protocol=5)


def unpack_value(packed: bytes) -> object:
    """The value of ``pack_value``'s bytes."""
    return pickle.loads(packed)


class ResultCache:
    """Cached per-document values by raw sha256, in one SQLite file (one code version).

    ``get`` works in any process; ``put_many`` is meant for the single driver process. Values are
    pickles of plain records; a missing or unreadable file is simply a cache miss.
    """

    def __init__(self, path: Path, writable: bool = False):
        self.path = path
        self._db: sqlite3.Connection | None = None
        if writable:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS results (sha256 TEXT PRIMARY KEY, value BLOB)"
            )
        elif path.is_file():
            uri = f"file:{path}?mode=ro"
            with contextlib.suppress(sqlite3.Error):  # an unreadable cache is a miss
                self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)

    def get(self, sha256: str) -> object | None:
        """The cached values of the raw bytes with this sha256, or None (a miss or unreadable)."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT value FROM results WHERE sha256 = ?", (sha256,)
            ).fetchone()
        except sqlite3.Error:
            return None
        return unpack_value(row[0]) if row else None

    def put_many(self, items: list[tuple[str, object]]) -> None:
        """Store values in one transaction (``put_packed`` of their ``pack_value``)."""
        self.put_packed([(sha, pack_value(value)) for sha, value in items])

    def put_packed(self, items: list[tuple[str, bytes]]) -> None:
        """Store values already packed (``pack_value``) in one transaction.

        Workers pack the values they computed, so the driver only writes bytes. When the write
        fails (a full disk, an I/O error) the cache switches itself off with one warning: it is
        optional, the build goes on.
        """
        if self._db is None or not items:
            return
        try:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)", items)
            self._db.execute("COMMIT")
        except (OSError, sqlite3.Error) as exc:
            warn_cache_off(self.path, exc)
            self.close()

    def close(self) -> None:
        """Close the database; later calls are misses."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
