"""The built seed release carries ``dataset.__version__`` everywhere it states a version."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
import yaml

import dataset
from dataset.build.write import METADATA_KEY

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
    card = (seed_release / "README.md").read_text(encoding="utf-8")
    assert f'revision="v{VERSION}"' in card
    citation = yaml.safe_load((seed_release / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(citation["version"]) == VERSION
    croissant = json.loads((seed_release / "croissant.json").read_text(encoding="utf-8"))
    assert croissant["version"] == VERSION
