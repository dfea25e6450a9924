"""The card, croissant.json and README name, with their versions, only libraries the code imports.

A template names a library only through ``dataset.release.facts.LIBRARIES`` (``libraries.KEY``);
each entry declares the package module that imports it, and this checks that module really does
and that the installed distribution provides the imported module. A library written literally in
a template's prose (as croissant once credited datasketch for MinHash after dedupe had moved to
rensa) fails ``test_no_template_names_a_dependency_literally``.
"""

from __future__ import annotations

import ast
import re
import tomllib
from importlib import metadata

import pytest

from dataset.paths import PROJECT_ROOT
from dataset.release.facts import LIBRARIES

PACKAGE = PROJECT_ROOT / "dataset"
TEMPLATES = PACKAGE / "release" / "templates"


def template_sources() -> dict[str, str]:
    return {
        path.relative_to(TEMPLATES).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file()
    }


def named_library_keys() -> set[str]:
    """The ``libraries.KEY`` the templates use."""
    return {
        key
        for text in template_sources().values()
        for key in re.findall(r"libraries\.(\w+)(?![\w(])", text)
    }


def imported_modules(module: str) -> set[str]:
    """Top-level names a package module imports (lazily imported ones included)."""
    path = PROJECT_ROOT / (module.replace(".", "/") + ".py")
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def canonical(name: str) -> str:
    """A distribution name in PEP 503 normal form (lower case, ``-`` for runs of ``-_.``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def dependency_names() -> set[str]:
    """Distribution names of the package's declared dependencies (pyproject.toml)."""
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    return {re.match(r"[A-Za-z0-9._-]+", spec)[0] for spec in project["dependencies"]}


def prose_only(text: str) -> str:
    """A template's literal prose: Jinja tags, fenced code examples (the reader's own code) and
    URLs removed."""
    text = re.sub(r"{{.*?}}|{%.*?%}|{#.*?#}", " ", text, flags=re.S)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    return re.sub(r"\S+://\S+", " ", text)


def test_the_templates_name_the_build_tools():
    assert {"fasttext", "rensa", "dateparser", "tldextract"} <= named_library_keys()


def test_every_named_library_is_declared():
    assert named_library_keys() <= set(LIBRARIES)


@pytest.mark.parametrize("key", sorted(LIBRARIES))
def test_each_library_is_installed_and_imported_where_declared(key):
    library = LIBRARIES[key]
    provided = {
        top
        for top, dists in metadata.packages_distributions().items()
        if canonical(library.distribution) in {canonical(d) for d in dists}
    }
    assert library.module in provided, f"{library.distribution} does not provide {library.module}"
    assert library.module in imported_modules(library.used_in), (
        f"{library.used_in} does not import {library.module}: fix LIBRARIES[{key!r}] in "
        "dataset/release/facts.py or stop naming it"
    )
    assert canonical(library.distribution) in {canonical(d) for d in dependency_names()}


@pytest.mark.parametrize("name", sorted(template_sources()))
def test_no_template_names_a_dependency_literally(name):
    words = {canonical(d) for d in dependency_names()} | {lib.module for lib in LIBRARIES.values()}
    prose = prose_only(template_sources()[name])
    found = sorted(w for w in words if re.search(rf"(?<![\w/.-]){re.escape(w)}(?![\w-])", prose))
    assert not found, f"{name} names {found} literally; use libraries.KEY from the facts"


def test_the_vendored_model_is_the_recorded_file():
    import hashlib

    model = PACKAGE / "resources" / "lid.176.ftz"
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    assert digest in (PACKAGE / "resources" / "README.md").read_text(encoding="utf-8")
