"""parse_document against the hand annotation of the five seed documents (tests/golden)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from dataset.build.document import parse_document

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "dataset" / "raw"
SEEDS = yaml.safe_load((ROOT / "tests" / "golden" / "seeds.yaml").read_text(encoding="utf-8"))
MIN_SEED_LANGUAGE_SCORE = 0.9  # every seed body is written in one language


def _params():
    return [pytest.param(seed, id=seed["file"][:3]) for seed in SEEDS["seeds"]]


@pytest.fixture(scope="module")
def extractions():
    return {
        seed["file"]: parse_document((RAW / seed["file"]).read_text(encoding="utf-8"))
        for seed in SEEDS["seeds"]
    }


def test_golden_file_covers_every_seed():
    assert sorted(s["file"] for s in SEEDS["seeds"]) == sorted(p.name for p in RAW.glob("*.txt"))


@pytest.mark.parametrize("seed", _params())
def test_metadata_matches_annotation(seed, extractions):
    ex = extractions[seed["file"]]
    date = seed["published_date"]
    assert ex.title == seed["title"]
    assert ex.published_date == (date if date is None else dt.date.fromisoformat(str(date)))
    assert ex.published_date_raw == seed["published_date_raw"]
    assert ex.publisher == seed["publisher"]


@pytest.mark.parametrize("seed", _params())
def test_entities_events_and_outlets_match_annotation(seed, extractions):
    ex = extractions[seed["file"]]
    keys = [entity[0] for entity in ex.entities]
    assert keys == sorted(set(keys))
    assert set(seed["entities_include"]) <= set(keys)
    assert all(entity[4] >= 1 for entity in ex.entities)
    assert set(seed["events_reported"]) <= set(ex.events)
    assert ex.credited_outlet == seed["credited_outlet"]
    assert ex.outlet_country == seed["outlet_country"]


@pytest.mark.parametrize("seed", _params())
def test_language_matches_annotation(seed, extractions):
    ex = extractions[seed["file"]]
    assert ex.language == seed["language"]
    assert ex.script == seed["script"]
    assert list(ex.other_languages) == seed["other_languages"]
    assert MIN_SEED_LANGUAGE_SCORE <= ex.language_score <= 1.0


@pytest.mark.parametrize("seed", _params())
def test_text_boundaries_match_annotation(seed, extractions):
    paragraphs = extractions[seed["file"]].text.split("\n\n")
    assert paragraphs[0] == seed["first_paragraph"]
    assert paragraphs[-1] == seed["last_paragraph"]


@pytest.mark.parametrize("seed", _params())
def test_text_keeps_body_and_drops_boilerplate(seed, extractions):
    text = extractions[seed["file"]].text
    paragraphs = set(text.split("\n\n"))
    for needle in seed.get("must_contain", []):
        assert needle in text, f"body lost: {needle!r}"
    for needle in seed.get("must_not_contain", []):
        assert needle not in text, f"boilerplate kept: {needle!r}"
    for paragraph in seed.get("must_not_be_paragraph", []):
        assert paragraph not in paragraphs, f"boilerplate paragraph kept: {paragraph!r}"


@pytest.mark.parametrize("seed", _params())
def test_title_is_not_left_in_text(seed, extractions):
    ex = extractions[seed["file"]]
    if ex.title:
        assert ex.title not in ex.text
