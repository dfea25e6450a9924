"""Shared fixtures. The seed release is built once per test session through the real CLI."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = PROJECT_ROOT / "dataset" / "raw"


# Test files that take longest (seconds of a 2-core run, slowest first). pytest-xdist hands whole
# files to its workers in collection order (tasks.py: --dist loadfile --no-loadscope-reorder):
# these go first, so that the many short files fill in at the end and neither worker is left
# alone with a long file while the other idles.
SLOWEST_FILES = (
    "test_faults.py",
    "test_validate_batches.py",
    "test_legitimate_corpus.py",
    "test_releases.py",
    "test_atomic.py",
    "test_parallel.py",
    "test_cache.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the files of ``SLOWEST_FILES`` first, in that order; the rest keep their order."""
    rank = {name: i for i, name in enumerate(SLOWEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def run_cli(
    *args: str, check: bool = True, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``python -m dataset ARGS`` as a user would; returns the completed process.

    ``env`` adds to (or overrides) this process's environment.
    """
    result = subprocess.run(
        [sys.executable, "-m", "dataset", *args],
        capture_output=True,
        text=True,
        cwd=cwd or PROJECT_ROOT,
        env={**os.environ, **env} if env else None,
        timeout=900,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"`dataset {' '.join(args)}` exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def validation_inputs(release: Path) -> dict:
    """What validation reads from build_manifest.json besides the data files: two releases with
    the same Parquet bytes and the same inputs get the same validation results."""
    manifest = json.loads((release / "build_manifest.json").read_text(encoding="utf-8"))
    return {k: manifest[k] for k in ("counts", "config", "reference_date", "release_version")}


@pytest.fixture(scope="session", autouse=True)
def private_cache_home(tmp_path_factory) -> Path:
    """Builds run by the tests cache per-document results in a folder of this session (of this
    xdist worker), never in the user's ~/.cache: parallel workers do not share one SQLite file,
    and a user's cache cannot change what a test sees."""
    home = tmp_path_factory.mktemp("xdg-cache")
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(home)
    yield home
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


def shared_temp_root(tmp_path_factory) -> Path:
    """The session's temporary folder, the same for every xdist worker of one run."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def exclusive_lock(path: Path):
    """Hold an exclusive lock on ``path`` (created if missing) across processes."""
    import fcntl

    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def seed_release(tmp_path_factory) -> Path:
    """A release built from the embedded seed corpus with default settings (do not modify it).

    Built once per run: under pytest-xdist the first worker that needs it builds it and the
    others wait for it and read the same folder."""
    root = shared_temp_root(tmp_path_factory)
    out = root / "seed" / "release"
    with exclusive_lock(root / "seed.lock"):
        if not (out / "build_manifest.json").is_file():  # published atomically, complete
            run_cli("build", "--out", str(out), "--no-progress")
    return out


@pytest.fixture
def seed_release_copy(seed_release, tmp_path) -> Path:
    """A private copy of the seed release that a test may modify or break."""
    import shutil

    copy = tmp_path / "release"
    shutil.copytree(seed_release, copy)
    return copy
