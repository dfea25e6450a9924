"""CITATION.cff: load, validate against the vendored CFF 1.2.0 schema, and render BibTeX/APA.

``CITATION.cff`` at the project root is the one source of the citation; the card's BibTeX and
APA lines and croissant.json's ``citeAs`` are generated from it, and a copy ships in the release.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path
from typing import Any

import yaml

from dataset.errors import InputError
from dataset.paths import PACKAGE_DIR, PROJECT_ROOT

CFF_NAME = "CITATION.cff"
SCHEMA_PATH = PACKAGE_DIR / "resources" / "cff-1.2.0.schema.json"


def find_citation_file() -> Path:
    """The project's CITATION.cff (checkout first, then the copy bundled in a wheel)."""
    for candidate in (PROJECT_ROOT / CFF_NAME, PACKAGE_DIR / "_bundled" / CFF_NAME):
        if candidate.is_file():
            return candidate
    raise InputError(f"{CFF_NAME} not found in {PROJECT_ROOT}; restore it from git")


def load_citation(path: Path | None = None) -> dict[str, Any]:
    """Read a CITATION.cff as plain YAML values (dates stay ``YYYY-MM-DD`` strings)."""
    path = path or find_citation_file()
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StringDateLoader)
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a YAML mapping; see https://citation-file-format.github.io")
    return data


class _StringDateLoader(yaml.SafeLoader):
    """SafeLoader that keeps timestamps as strings, as the CFF JSON schema expects."""


_StringDateLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@functools.cache
def cff_schema() -> dict[str, Any]:
    """The vendored Citation File Format JSON schema."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def citation_problems(data: dict[str, Any], expected_version: str | None = None) -> list[str]:
    """Every schema violation (not only the first) plus our own rules, one line each.

    Our rules: ``type: dataset``; ``version`` equals ``expected_version`` when given; every
    ``identifiers`` URL that names a tag names ``v<version>``.
    """
    from jsonschema import Draft7Validator, FormatChecker

    validator = Draft7Validator(cff_schema(), format_checker=FormatChecker())
    problems = [
        f"{'/'.join(str(p) for p in err.absolute_path) or '(top)'}: {err.message}"
        for err in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    ]
    if data.get("type") != "dataset":
        problems.append(f"type: must be 'dataset', got {data.get('type')!r}")
    version = str(data.get("version", ""))
    if expected_version is not None and version != expected_version:
        problems.append(
            f"version: {version!r} differs from the package version {expected_version!r}"
        )
    for ident in data.get("identifiers", []):
        tag = re.search(r"/tree/(v[^/]+)$", str(ident.get("value", "")))
        if tag and tag.group(1) != f"v{version}":
            problems.append(f"identifiers: {ident['value']} names {tag.group(1)}, not v{version}")
    return problems


def release_citation(text: str, version: str, date: str) -> str:
    """The text of a release's CITATION.cff.

    The project's file with ``version``, ``date-released`` and every ``/tree/vX.Y.Z`` tag URL set
    to that release, all else (comments included) as written. ``date`` is ``YYYY-MM-DD``.
    """
    text = re.sub(r"^version:.*$", f"version: {version}", text, count=1, flags=re.M)
    text = re.sub(r"^date-released:.*$", f'date-released: "{date}"', text, count=1, flags=re.M)
    return re.sub(r"/tree/v\d+\.\d+\.\d+", f"/tree/v{version}", text)


def write_release_citation(release_dir: Path) -> None:
    """Write the release's CITATION.cff from the project's.

    It is stamped with the release version and build date of ``build_manifest.json``.
    """
    from dataset.release.manifest import read_manifest

    manifest = read_manifest(release_dir)
    text = find_citation_file().read_text(encoding="utf-8")
    stamped = release_citation(text, str(manifest["release_version"]), manifest["build_date"])
    (release_dir / CFF_NAME).write_text(stamped, encoding="utf-8")


def bibtex_key(data: dict[str, Any]) -> str:
    """The BibTeX key of a citation: the title's words before any colon, then the year."""
    words = re.findall(r"[A-Za-z0-9]+", str(data["title"]).split(":")[0])
    return "_".join(w.lower() for w in words) + f"_{release_year(data)}"


def release_year(data: dict[str, Any]) -> int:
    """The year of the citation's ``date-released``."""
    return dt.date.fromisoformat(str(data["date-released"])).year


def author_names(data: dict[str, Any]) -> list[str]:
    """Persons as ``Family, Given``; entities as ``{Name}`` (braced so BibTeX keeps them whole)."""
    names = []
    for author in data.get("authors", []):
        if "family-names" in author:
            given = author.get("given-names", "")
            names.append(f"{author['family-names']}, {given}".strip(", "))
        else:
            names.append("{" + str(author.get("name", "")) + "}")
    return names


def pinned_url(data: dict[str, Any]) -> str | None:
    """The citation's pinned URL (its first ``url`` identifier), else its ``url``."""
    for ident in data.get("identifiers", []):
        if ident.get("type") == "url":
            return str(ident["value"])
    return data.get("url")


def to_bibtex(data: dict[str, Any]) -> str:
    """A ``@misc`` BibTeX entry for the dataset version described by the CFF."""
    fields = {
        "title": "{" + str(data["title"]) + "}",
        "author": " and ".join(author_names(data)),
        "year": str(release_year(data)),
        "version": str(data.get("version", "")),
        "publisher": "Hugging Face",
        "howpublished": "Dataset",
        "url": pinned_url(data) or "",
        "note": f"License: {data['license']}" if data.get("license") else "",
    }
    if data.get("doi"):
        fields["doi"] = str(data["doi"])
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields.items() if value)
    return f"@misc{{{bibtex_key(data)},\n{body}\n}}"


def to_apa(data: dict[str, Any]) -> str:
    """The citation as one APA-style line."""
    authors = ", ".join(a.strip("{}") for a in author_names(data))
    url = pinned_url(data)
    return (
        f"{authors} ({release_year(data)}). *{data['title']}* (Version {data.get('version')}) "
        f"[Data set]. Hugging Face.{' ' + url if url else ''}"
    )
