"""The card's entities/events/outlets section and its stored benchmark figures."""

from __future__ import annotations

from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benchmarks.entities import DEFAULT_GOLD, measure
from dataset.paths import PROJECT_ROOT
from dataset.release.card_entities import FIGURES_FILE, entities_facts
from dataset.release.facts import ReleaseFacts
from dataset.release.layout import read_layout
from dataset.release.prose import render
from dataset.release.quality_figures import read_stored_figures
from dataset.schema import article_schema

REALPAGES = PROJECT_ROOT.parent / "shared" / "realpages"


def entity(key: str, name: str, kind: str, count: int) -> dict:
    return {"key": key, "name": name, "type": kind, "wikidata": None, "count": count}


def row(i: int, language: str, entities: list, events: list, country: str | None) -> dict:
    return {
        "id": f"{i:016x}", "language": language, "language_score": 0.99, "script": "Latn",
        "other_languages": [], "title": None, "text": "x", "published_date": None,
        "published_date_raw": None, "publisher": None, "duplicate_cluster": f"{i:016x}",
        "source_file": f"{i}.txt", "raw_sha256": "a" * 64, "entities": entities,
        "events": events, "credited_outlet": None, "outlet_country": country,
    }


def write_release(root, rows_by_language: dict) -> None:
    (root / "build_manifest.json").write_text("{}")
    for language, rows in rows_by_language.items():
        shard = root / "data" / language / "train-00000-of-00001.parquet"
        shard.parent.mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(rows, schema=article_schema().to_pyarrow()), shard)


def entities_section(root) -> str:
    """The card's entities section of the release in ``root``, as the card renders it."""
    facts = SimpleNamespace(entities=entities_facts(read_layout(root)))
    return render("card/entities.md.j2", release=facts)


def test_section_counts_articles_per_language(tmp_path):
    baku = entity("place:baku", "Baku", "place", 3)
    shusha = entity("place:shusha", "Shusha / Shushi", "place", 1)
    write_release(tmp_path, {
        "hy": [row(1, "hy", [baku, shusha], ["2020-war"], "AM"),
               row(2, "hy", [baku], [], None)],
        "zh": [row(3, "zh", [], ["2023-offensive"], "CN")],
    })
    text = entities_section(tmp_path)
    assert "| Baku (`place:baku`) | place | Q9248 | 2 | 6 |" in text
    assert "| Shusha / Shushi (`place:shusha`) | place | — | 1 | 1 |" in text
    assert "- `zh`: no gazetteer entry mentioned (1 article)." in text
    assert "(`2020-war`) | 2020-09-27 – 2020-11-10 | 1 | 0 |" in text
    assert "(`2023-offensive`) | 2023-09-19 – 2023-09-20 | 0 | 1 |" in text
    assert "| AM | 1 | 0 |" in text and "| CN | 0 | 1 |" in text
    assert "| not in the registry / unknown | 1 | 0 |" in text
    figures = read_stored_figures(FIGURES_FILE)
    assert f"precision **{figures['mentions']['precision']:.3f}**" in text


def test_stored_figures_have_the_shape_measure_writes():
    stored = read_stored_figures(FIGURES_FILE)
    assert stored is not None, f"{FIGURES_FILE} is missing: run benchmarks.entities --write"
    assert {"pages", "languages", "mentions", "mentions_by_type", "events"} <= set(stored)
    m = stored["mentions"]
    assert m["tp"] <= min(m["found"], m["gold"])
    assert sum(s["gold"] for s in stored["mentions_by_type"].values()) == m["gold"]


@pytest.mark.skipif(not (REALPAGES / "gold.jsonl").is_file(),
                    reason="the development set (../shared/realpages) is not on this machine")
def test_stored_figures_are_what_the_benchmark_measures_now():
    assert measure(REALPAGES, DEFAULT_GOLD) == read_stored_figures(FIGURES_FILE), (
        f"{FIGURES_FILE} is stale: run python -m benchmarks.entities {REALPAGES} --write"
    )


def test_facts_are_plain_rows_in_a_stable_order(tmp_path, monkeypatch):
    monkeypatch.setattr("dataset.release.card_entities.TOP_ENTITIES", 2)
    baku = entity("place:baku", "Baku", "place", 1)
    shusha = entity("place:shusha", "Shusha / Shushi", "place", 4)
    stepanakert = entity("place:stepanakert", "Stepanakert / Khankendi", "place", 1)
    unknown = entity("place:not-in-gazetteer", "Nowhere", "place", 9)
    write_release(tmp_path, {
        "ar": [row(1, "ar", [baku, stepanakert], ["2020-war", "first-war"], "AZ"),
               row(2, "ar", [shusha], [], "")],
        "ru": [row(3, "ru", [unknown], ["first-war"], None)],
        "vi": [row(4, "vi", [], [], "VN")],
    })
    facts = entities_facts(read_layout(tmp_path))
    assert facts["languages"] == ["ar", "ru", "vi"] and facts["top_entities"] == 2
    ar, ru, vi = facts["by_language"]
    # one article each: more mentions first, then the key; the third is cut
    assert [e["key"] for e in ar["entries"]] == ["place:shusha", "place:baku"]
    assert ar["articles"] == 2 and vi == {"code": "vi", "articles": 1, "entries": []}
    assert ru["entries"] == [{"key": "place:not-in-gazetteer", "name": "place:not-in-gazetteer",
                              "type": "", "wikidata": None, "articles": 1, "mentions": 9}]
    assert [(e["key"], e["articles"]) for e in facts["events"]] == [
        ("first-war", [1, 1, 0]), ("2020-war", [1, 0, 0])]
    assert facts["countries"] == [{"country": "AZ", "articles": [1, 0, 0]},
                                  {"country": "VN", "articles": [0, 0, 1]},
                                  {"country": None, "articles": [1, 1, 0]}]
    assert facts["figures"] == read_stored_figures(FIGURES_FILE)


def test_section_says_what_was_not_measured_or_found(tmp_path):
    write_release(tmp_path, {"ja": [row(1, "ja", [], [], None)],
                             "hy": [row(2, "hy", [], [], None), row(3, "hy", [], [], None)]})
    facts = entities_facts(read_layout(tmp_path))
    facts["figures"] = None
    text = render("card/entities.md.j2", release=SimpleNamespace(entities=facts))
    assert "has not been measured for this package version (entity_quality.json is missing)" in text
    assert "- `hy`: no gazetteer entry mentioned (2 articles).\n\n- `ja`:" in text
    assert "No article of this release reports a timeline event.\n\n### Outlet" in text
    assert text.endswith("### Outlet countries per language (articles)\n\n"
                         "| outlet country | `hy` | `ja` |\n|---|---:|---:|\n"
                         "| not in the registry / unknown | 2 | 1 |\n")


def test_section_of_an_empty_release_ends_with_its_last_heading(tmp_path):
    write_release(tmp_path, {})
    text = entities_section(tmp_path)
    assert "### Entities per language\n\n### Events" in text
    assert text.endswith("No article of this release reports a timeline event.\n\n"
                         "### Outlet countries per language (articles)\n")


def test_the_card_counts_in_its_one_pass_what_the_section_counts_alone(tmp_path):
    baku = entity("place:baku", "Baku", "place", 2)
    lachin = entity("place:lachin", "Lachin / Berdzor", "place", 1)
    splits = {
        ("ru", "train"): [row(1, "ru", [baku], ["2020-war"], "RU"), row(2, "ru", [], [], None)],
        ("ru", "test"): [row(3, "ru", [baku, lachin], ["lachin-blockade"], "AZ")],
        ("vi", "validation"): [row(4, "vi", [lachin], [], "VN")],
    }
    (tmp_path / "build_manifest.json").write_text('{"release_version": "1.0.0"}')
    for (language, split), rows in splits.items():
        shard = tmp_path / "data" / language / f"{split}-00000-of-00001.parquet"
        shard.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(rows, schema=article_schema().to_pyarrow()), shard)
    from_card = ReleaseFacts(tmp_path).entities
    assert from_card == entities_facts(read_layout(tmp_path))
    ru = from_card["by_language"][0]
    assert ru["articles"] == 3
    top = ru["entries"][0]
    assert (top["key"], top["articles"], top["mentions"]) == ("place:baku", 2, 4)
