"""Shared fixtures. The seed release is built once per test session through the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = PROJECT_ROOT / "dataset" / "raw"


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


@pytest.fixture(scope="session")
def seed_release(tmp_path_factory) -> Path:
    """A release built from the embedded seed corpus with default settings (do not modify it)."""
    out = tmp_path_factory.mktemp("seed") / "release"
    run_cli("build", "--out", str(out), "--no-progress")
    return out


@pytest.fixture
def seed_release_copy(seed_release, tmp_path) -> Path:
    """A private copy of the seed release that a test may modify or break."""
    import shutil

    copy = tmp_path / "release"
    shutil.copytree(seed_release, copy)
    return copy
