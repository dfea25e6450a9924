"""One version, one place: ``dataset.__version__``. Every other declaration must read it.

The built release is checked in tests/integration/test_version_consistency_release.py.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

import dataset
from dataset.build.write import METADATA_KEY, article_arrow_schema, schema_with_metadata
from dataset.release.versions import parse_version
from dataset.schema import reject_schema

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_package_version_is_a_release_version():
    assert str(parse_version(dataset.__version__)) == dataset.__version__


def test_pyproject_reads_the_version_from_the_package():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "dataset/__init__.py"


def test_no_other_python_file_declares_a_version():
    declared = re.compile(r"""^\s*(__version__|VERSION|RELEASE_VERSION)\s*=\s*["']""", re.M)
    offenders = [
        path.relative_to(PROJECT_ROOT).as_posix()
        for path in (PROJECT_ROOT / "dataset").rglob("*.py")
        if declared.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == ["dataset/__init__.py"]


def test_parquet_metadata_stamps_the_package_version():
    for schema in (article_arrow_schema("0" * 16), schema_with_metadata(reject_schema(), "0")):
        stamped = json.loads(schema.metadata[METADATA_KEY])
        assert stamped["release_version"] == dataset.__version__


def test_citation_cff_at_the_project_root_has_the_package_version():
    path = PROJECT_ROOT / "CITATION.cff"
    citation = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert str(citation["version"]) == dataset.__version__
