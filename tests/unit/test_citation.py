"""CITATION.cff is valid CFF 1.2.0, matches the package version, and drives the card's BibTeX."""

from __future__ import annotations

import pytest
import yaml

from dataset import __version__
from dataset.release.citation import (
    citation_problems,
    find_citation_file,
    load_citation,
    to_apa,
    to_bibtex,
)


@pytest.fixture
def cff() -> dict:
    return load_citation(find_citation_file())


def test_citation_file_is_valid_cff_for_this_version(cff):
    assert citation_problems(cff, __version__) == []
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] == "dataset"
    assert str(cff["version"]) == __version__


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param({"license": "cc-by-4.0"}, "license", id="lowercase-hub-license-id"),
        pytest.param({"date-released": "15.01.2026"}, "is not a 'date'", id="dotted-date"),
        pytest.param({"authors": []}, "authors: [] should be non-empty", id="no-authors"),
        pytest.param({"message": None}, "message", id="no-message"),
        pytest.param({"type": "software"}, "type: must be 'dataset'", id="software"),
        pytest.param({"version": "9.9.9"}, "differs from the package version", id="version"),
    ],
)
def test_schema_and_own_rules_catch_known_pitfalls(cff, change, expected):
    broken = {**cff, **change}
    broken = {k: v for k, v in broken.items() if v is not None}
    problems = citation_problems(broken, __version__)
    assert any(expected in p for p in problems), problems


def test_pinned_url_must_name_the_version_tag(cff):
    broken = {**cff, "identifiers": [{"type": "url", "value": "https://x.org/tree/v0.0.1"}]}
    assert any("names v0.0.1" in p for p in citation_problems(broken, str(cff["version"])))


def test_bibtex_and_apa_are_generated_from_the_cff(cff):
    bibtex = to_bibtex(cff)
    assert bibtex.startswith("@misc{karabakh_news_")
    assert f"version = {{{__version__}}}" in bibtex
    assert "{{Karabakh News maintainers}}" in bibtex
    assert f"v{__version__}" in bibtex
    assert f"(Version {__version__})" in to_apa(cff)


def test_person_authors_become_family_given():
    data = {
        "title": "T",
        "date-released": "2026-01-02",
        "version": "1.0.0",
        "authors": [{"family-names": "Nguyễn", "given-names": "Văn An"}, {"name": "Org"}],
    }
    assert "author = {Nguyễn, Văn An and {Org}}" in to_bibtex(data)


def test_release_copy_carries_the_release_version_date_and_tag():
    from dataset.release.citation import release_citation

    text = find_citation_file().read_text(encoding="utf-8")
    stamped = release_citation(text, "2.3.4", "2027-01-05")
    data = yaml.safe_load(stamped)
    assert str(data["version"]) == "2.3.4"
    assert str(data["date-released"]) == "2027-01-05"
    assert citation_problems(load_citation_text(stamped), "2.3.4") == []
    assert "/tree/v2.3.4" in stamped and f"/tree/v{__version__}" not in stamped
    assert stamped.splitlines()[0] == text.splitlines()[0]  # comments kept


def load_citation_text(text: str) -> dict:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "CITATION.cff"
        path.write_text(text, encoding="utf-8")
        return load_citation(path)
