"""The built seed release carries ``dataset.__version__`` everywhere it states a version."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
import yaml

import dataset
from dataset.write import METADATA_KEY

pytestmark = pytest.mark.integration
VERSION = dataset.__version__


def test_manifest_and_every_parquet_file_carry_the_package_version(seed_release):
    manifest = json.loads((seed_release / "build_manifest.json").read_text(encoding="utf-8"))
    assert manifest["release_version"] == VERSION
    parquet_files = sorted(seed_release.rglob("*.parquet"))
    assert parquet_files
    for path in parquet_files:
        stamped = json.loads(pq.read_schema(path).metadata[METADATA_KEY])
        assert stamped["release_version"] == VERSION, path


def test_diff_and_changelog_name_the_package_version(seed_release):
    diff = json.loads((seed_release / "diff.json").read_text(encoding="utf-8"))
    assert diff["new"]["release_version"] == VERSION
    changelog = (seed_release / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.split("\n## ")[1].startswith(f"{VERSION} (")


def test_card_citation_and_croissant_carry_the_package_version(seed_release):
    # These three files come from the validation branch; each is checked as soon as it exists.
    card = seed_release / "README.md"
    if card.exists():
        assert f'revision="v{VERSION}"' in card.read_text(encoding="utf-8")
    citation = seed_release / "CITATION.cff"
    if citation.exists():
        assert str(yaml.safe_load(citation.read_text(encoding="utf-8"))["version"]) == VERSION
    croissant = seed_release / "croissant.json"
    if croissant.exists():
        assert json.loads(croissant.read_text(encoding="utf-8"))["version"] == VERSION
