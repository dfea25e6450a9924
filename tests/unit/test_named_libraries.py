"""The card and croissant.json name, with their versions, only libraries the package really imports.

Each ``package_version("X")`` in the generated text names distribution X as the tool behind a
field; this fails when X provides no module that some module of the package imports (a card that
credits a library the code no longer uses).
"""

from __future__ import annotations

import ast
import re
from importlib import metadata

import pytest

from dataset.paths import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "dataset"
NAMING_MODULES = ("card.py", "croissant.py")


def imported_top_levels() -> set[str]:
    """Top-level module names imported anywhere in the package's source."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def named_distributions() -> set[str]:
    """Distributions whose version the card or croissant.json prints."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name in NAMING_MODULES:
            text = path.read_text(encoding="utf-8")
            found.update(re.findall(r"package_version\(['\"]([^'\"]+)['\"]\)", text))
    return found


def canonical(name: str) -> str:
    """A distribution name in PEP 503 normal form (lower case, ``-`` for runs of ``-_.``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_card_and_croissant_name_some_libraries():
    assert {"fasttext-predict-v2", "rensa", "dateparser"} <= named_distributions()


@pytest.mark.parametrize("distribution", sorted(named_distributions()))
def test_each_named_library_is_imported_by_the_package(distribution):
    provided = {
        top
        for top, dists in metadata.packages_distributions().items()
        if canonical(distribution) in {canonical(d) for d in dists}
    }
    assert provided, f"{distribution} is not installed"
    assert provided & imported_top_levels(), f"{distribution} is named but never imported"


def test_the_vendored_model_is_the_recorded_file():
    import hashlib

    model = PACKAGE / "resources" / "lid.176.ftz"
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    assert digest in (PACKAGE / "resources" / "README.md").read_text(encoding="utf-8")
