"""Helpers for release-history tests: edited raw corpora and project copies at another version.

The release version lives in one place, ``dataset/__init__.py``. A test that needs a build at
another version therefore does what a maintainer does: it edits that one line, in a private copy
of the project (package, schemas, validation suites; about 100 kB), and runs the CLI from there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = PROJECT_ROOT / "dataset" / "raw"
PROJECT_PARTS = ("dataset", "schemas", "validation", "pyproject.toml", "CITATION.cff")
EDITED_FILE = "002_1adc4a78b7f1ebcc.txt"
ADDED_FILE = "005_added_es.txt"
# A short news text in a language the seed corpus lacks (Spanish), long enough to be kept.
ADDED_TEXT = """Azerbaiyán anuncia el fin de su operación militar en Nagorno Karabaj

Bakú, 20 de septiembre de 2023. El Ministerio de Defensa de Azerbaiyán anunció este miércoles \
un alto el fuego con las fuerzas armenias de Nagorno Karabaj, un día después de lanzar una \
ofensiva que, según las autoridades locales, causó decenas de muertos y obligó a miles de civiles \
a refugiarse en Stepanakert.

Las autoridades separatistas aceptaron entregar sus armas y negociar la reintegración del \
territorio. Miles de personas comenzaron a huir hacia Armenia por el corredor de Lachín en los \
días siguientes, mientras la misión rusa de mantenimiento de la paz evacuaba a los heridos.
"""
EDIT_APPENDED = "\n\nCập nhật: Bộ Ngoại giao Armenia kêu gọi cộng đồng quốc tế can thiệp ngay.\n"


def copy_seed_corpus(target: Path) -> Path:
    """A copy of the seed documents without their lock (so it may be edited)."""
    shutil.copytree(SEED_DIR, target)
    return target


def add_document(raw_dir: Path) -> Path:
    path = raw_dir / ADDED_FILE
    path.write_text(ADDED_TEXT, encoding="utf-8")
    return path


def edit_document(raw_dir: Path) -> Path:
    path = raw_dir / EDITED_FILE
    path.write_text(path.read_text(encoding="utf-8") + EDIT_APPENDED, encoding="utf-8")
    return path


def project_at_version(target: Path, version: str) -> Path:
    """A copy of the project whose ``dataset.__version__`` is ``version``; returns its root."""
    for part in PROJECT_PARTS:
        source = PROJECT_ROOT / part
        if source.is_dir():
            shutil.copytree(
                source, target / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        elif source.is_file():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / part)
    init = target / "dataset" / "__init__.py"
    text, count = re.subn(
        r'^__version__ = "[^"]*"$', f'__version__ = "{version}"', init.read_text(), flags=re.M
    )
    assert count == 1, f"no __version__ line in {init}"
    init.write_text(text)
    return target


def run_cli_in(
    project: Path, *args: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``python -m dataset ARGS`` with ``project`` as the working directory (its package).

    ``env`` adds to (or overrides) the current environment.
    """
    result = subprocess.run(
        [sys.executable, "-m", "dataset", *args],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=900,
        env={**os.environ, **(env or {})},
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"`dataset {' '.join(args)}` in {project} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result
