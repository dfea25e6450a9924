"""The facts of the card's section on entities, events and outlets (issue 19).

Contract: ``entities_facts(layout)`` gathers, per language, the most mentioned gazetteer entries,
the timeline events and the outlet countries, counted from the ``entities``, ``events`` and
``outlet_country`` columns of every shard (read a row group at a time, those columns only), and
the matcher's precision, recall and event accuracy as measured by ``python -m benchmarks.entities``
and stored in dataset/resources/entity_quality.json (never restated here). Plain data only: the
prose and tables are ``templates/card/entities.md.j2``. Deterministic for a release.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dataset.build.entities import load_lexicon
from dataset.paths import PACKAGE_DIR
from dataset.release.layout import ReleaseLayout
from dataset.release.quality_figures import read_stored_figures

FIGURES_FILE = PACKAGE_DIR / "resources" / "entity_quality.json"
TOP_ENTITIES = 10
COLUMNS = ["entities", "events", "outlet_country"]


@dataclass
class LanguageCounts:
    """Articles of one language: per entity key (articles, mentions), per event and country.

    A row without an outlet country counts under the country None.
    """

    articles: int = 0
    entity_articles: Counter = field(default_factory=Counter)
    entity_mentions: Counter = field(default_factory=Counter)
    events: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)

    def add_table(self, table) -> None:
        """Count the rows of ``table`` (an Arrow table holding at least ``COLUMNS``).

        Counted by Arrow kernels over the flattened lists, not one Python object per item.
        """
        self.articles += table.num_rows
        items = pc.list_flatten(table.column("entities"))
        if len(items):
            keyed = pa.table(
                {"key": pc.struct_field(items, "key"), "count": pc.struct_field(items, "count")}
            )
            per_key = keyed.group_by("key").aggregate([([], "count_all"), ("count", "sum")])
            for key, articles, mentions in zip(
                *(per_key[name].to_pylist() for name in ("key", "count_all", "count_sum")),
                strict=True,
            ):
                self.entity_articles[key] += articles
                self.entity_mentions[key] += mentions
        self.events.update(value_counts(pc.list_flatten(table.column("events"))))
        for country, count in value_counts(table.column("outlet_country")).items():
            self.countries[country or None] += count

    def add(self, other: LanguageCounts) -> None:
        """Add the counts of ``other`` (another split of the same language)."""
        self.articles += other.articles
        for mine, theirs in (
            (self.entity_articles, other.entity_articles),
            (self.entity_mentions, other.entity_mentions),
            (self.events, other.events),
            (self.countries, other.countries),
        ):
            mine.update(theirs)


def value_counts(values) -> dict[Any, int]:
    """``{value: occurrences}`` of an Arrow array, nulls under None."""
    counts = pc.value_counts(values)
    return dict(
        zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True)
    )


def count_language(layout: ReleaseLayout, language: str) -> LanguageCounts:
    """Count the issue-19 columns over every split of ``language``."""
    counts = LanguageCounts()
    for split in layout.splits(language):
        for relative in layout.files(language, split):
            parquet = pq.ParquetFile(layout.root / relative)
            for index in range(parquet.num_row_groups):
                counts.add_table(parquet.read_row_group(index, columns=COLUMNS))
    return counts


def entity_rows(counts: LanguageCounts) -> list[dict[str, Any]]:
    """One language's TOP_ENTITIES entries named in the most articles, most first.

    Ties go to more mentions, then the key. Each row: ``key``, ``name`` (the key for an entry
    no longer in the gazetteer), ``type`` (empty then), ``wikidata`` (None when unverified),
    ``articles`` and ``mentions``.
    """
    lexicon = load_lexicon()
    top = sorted(counts.entity_articles.items(),
                 key=lambda kv: (-kv[1], -counts.entity_mentions[kv[0]], kv[0]))[:TOP_ENTITIES]
    rows = []
    for key, articles in top:
        entry = lexicon.entries.get(key)
        rows.append({
            "key": key,
            "name": entry.name if entry else key,
            "type": entry.type if entry else "",
            "wikidata": entry.wikidata if entry else None,
            "articles": articles,
            "mentions": counts.entity_mentions[key],
        })
    return rows


def event_rows(languages: list[str], counts: dict[str, LanguageCounts]) -> list[dict[str, Any]]:
    """The timeline events some article reports, in timeline order.

    Each row: ``key``, ``name``, ``start`` and ``end`` (None when open) and ``articles``, one
    count per language of ``languages``.
    """
    lexicon = load_lexicon()
    return [
        {
            "key": key,
            "name": event.name,
            "start": event.start,
            "end": event.end,
            "articles": [counts[lang].events[key] for lang in languages],
        }
        for key, event in lexicon.events.items()
        if any(counts[lang].events[key] for lang in languages)
    ]


def country_rows(languages: list[str], counts: dict[str, LanguageCounts]) -> list[dict[str, Any]]:
    """The outlet countries of the articles, by code, then None (not in the registry).

    Each row: ``country`` and ``articles``, one count per language of ``languages``.
    """
    countries = sorted({c for lang in languages for c in counts[lang].countries},
                       key=lambda c: (c is None, c or ""))
    return [
        {"country": country, "articles": [counts[lang].countries[country] for lang in languages]}
        for country in countries
    ]


def entities_facts(
    layout: ReleaseLayout, counts: dict[str, LanguageCounts] | None = None
) -> dict[str, Any]:
    """What the card's entities section states about a release (see the module docstring).

    ``counts`` per language when the caller already counted the rows (``ReleaseFacts`` does, in
    its one pass over the shards); else they are counted here.

    Keys: ``languages`` (layout order), ``top_entities`` (TOP_ENTITIES), ``by_language`` (per
    language ``code``, ``articles`` and ``entries``, from ``entity_rows``), ``events``
    (``event_rows``), ``countries`` (``country_rows``), ``figures`` (the stored figures, None
    when absent) and ``figures_file`` (that file's name).
    """
    languages = list(layout.languages)
    if counts is None:
        counts = {lang: count_language(layout, lang) for lang in languages}
    counts = {lang: counts.get(lang) or LanguageCounts() for lang in languages}
    return {
        "languages": languages,
        "top_entities": TOP_ENTITIES,
        "by_language": [
            {"code": lang, "articles": counts[lang].articles, "entries": entity_rows(counts[lang])}
            for lang in languages
        ],
        "events": event_rows(languages, counts),
        "countries": country_rows(languages, counts),
        "figures": read_stored_figures(FIGURES_FILE),
        "figures_file": FIGURES_FILE.name,
    }
