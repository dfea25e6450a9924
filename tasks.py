#!/usr/bin/env python3
"""Set-up and run in one command, with nothing but Python 3.11 and pip.

    python3 tasks.py release   # create .venv, install the package, build the seed release
    python3 tasks.py test      # create .venv, install the package with dev extras, lint, test

The virtual environment is reused; it is reinstalled when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("KN_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=child_env())


def child_env() -> dict[str, str]:
    """The environment of the commands run here: Python's bytecode cached inside the venv.

    With PYTHONDONTWRITEBYTECODE set (as on CI), no process writes bytecode, so every process of
    a build or of the tests compiled pandas, pyarrow and Great Expectations again: importing the
    validation runner took 11.5 CPU s from source against 4.4 s from bytecode. Here the first
    process to import a module writes its bytecode under <venv>/pycache (PYTHONPYCACHEPREFIX),
    never beside the project's sources, and the others read it.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", str(VENV / "pycache"))
    return env


def ensure_venv(extras: str) -> None:
    """Create the venv and (re)install the package when pyproject.toml or the extras changed."""
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    if not PY.exists():
        venv.create(VENV, with_pip=True)
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    # --no-compile: Python writes the bytecode of the ~700 modules a build or the tests import on
    # first use (~3 s CPU; see child_env), instead of pip compiling all ~12,500 (~70 s CPU).
    run(PY, "-m", "pip", "install", "--quiet", "--no-compile", "-e", target)
    stamp.write_text(digest)


def release() -> None:
    ensure_venv("")
    run(PY, "-m", "dataset", "build", *sys.argv[2:])


# One pytest worker per core (at most 4: each holds a build's memory); a test file stays on one
# worker, so a module's fixtures (a corpus, its reference builds) are built once. Files are handed
# out in collection order, where tests/conftest.py puts the slowest first (xdist's default order,
# most tests first, left the few long integration tests to the end). `-n 0` after `test` runs in
# one process.
PYTEST_PARALLEL = (
    "-n", "logical", "--maxprocesses", "4", "--dist", "loadfile", "--no-loadscope-reorder",
)  # fmt: skip


def test() -> None:
    ensure_venv("dev")
    run(PY, "-m", "ruff", "check", ".")
    run(PY, "-m", "pytest", *PYTEST_PARALLEL, *sys.argv[2:])


COMMANDS = {"release": release, "test": test}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(COMMANDS)}}} [extra args]")
    try:
        COMMANDS[sys.argv[1]]()
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
