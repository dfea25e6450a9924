"""Where the package finds its declared resources: schemas/, validation/ and the seed corpus.

In a source checkout (or an editable install) they are read from the project root. A wheel carries
copies under ``dataset/_bundled/`` (see pyproject.toml), used when the checkout is absent.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
SEED_DIR = PACKAGE_DIR / "raw"
SEED_LOCK = PACKAGE_DIR / "raw.lock"


def find_resource_dir(name: str) -> Path:
    """Return the folder ``name`` (``schemas`` or ``validation``) from the checkout or the wheel.

    Raises FileNotFoundError naming both places looked at when neither exists.
    """
    for candidate in (PROJECT_ROOT / name, PACKAGE_DIR / "_bundled" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"resource folder {name!r} not found in {PROJECT_ROOT} or {PACKAGE_DIR / '_bundled'}; "
        "reinstall the package"
    )
