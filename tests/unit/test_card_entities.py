"""The card's entities/events/outlets section and its stored benchmark figures."""

from __future__ import annotations

from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benchmarks.entities import DEFAULT_GOLD, measure
from dataset.paths import PROJECT_ROOT
from dataset.release.card_entities import FIGURES_FILE, entities_facts, load_figures
from dataset.release.layout import read_layout
from dataset.release.prose import render
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
    figures = load_figures()
    assert f"precision **{figures['mentions']['precision']:.3f}**" in text


def test_stored_figures_have_the_shape_measure_writes():
    stored = load_figures()
    assert stored is not None, f"{FIGURES_FILE} is missing: run benchmarks.entities --write"
    assert {"pages", "languages", "mentions", "mentions_by_type", "events"} <= set(stored)
    m = stored["mentions"]
    assert m["tp"] <= min(m["found"], m["gold"])
    assert sum(s["gold"] for s in stored["mentions_by_type"].values()) == m["gold"]


@pytest.mark.skipif(not (REALPAGES / "gold.jsonl").is_file(),
                    reason="the development set (../shared/realpages) is not on this machine")
def test_stored_figures_are_what_the_benchmark_measures_now():
    assert measure(REALPAGES, DEFAULT_GOLD) == load_figures(), (
        f"{FIGURES_FILE} is stale: run python -m benchmarks.entities {REALPAGES} --write"
    )
