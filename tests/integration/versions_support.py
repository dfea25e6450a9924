"""Helpers for release-history tests: edited raw corpora and running the CLI with an environment.

The release version is a build input (``build --version`` or the ``release_version`` setting), so
a test that needs a build at another version passes it, as a maintainer does; no code is edited.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = PROJECT_ROOT / "dataset" / "raw"
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
# A correction of one word (a casualty figure) in the Vietnamese seed document.
EDIT_BEFORE, EDIT_AFTER = "ít nhất 7 người", "ít nhất 8 người"


def copy_seed_corpus(target: Path) -> Path:
    """A copy of the seed documents without their lock (so it may be edited)."""
    shutil.copytree(SEED_DIR, target)
    return target


def add_document(raw_dir: Path) -> Path:
    path = raw_dir / ADDED_FILE
    path.write_text(ADDED_TEXT, encoding="utf-8")
    return path


def edit_document(raw_dir: Path) -> Path:
    """Correct one word of the Vietnamese seed document in place."""
    path = raw_dir / EDITED_FILE
    text = path.read_text(encoding="utf-8")
    assert text.count(EDIT_BEFORE) == 1, f"{EDIT_BEFORE!r} not once in {path}"
    path.write_text(text.replace(EDIT_BEFORE, EDIT_AFTER), encoding="utf-8")
    return path


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
