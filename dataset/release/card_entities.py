"""The card's section on entities, events and outlets (issue 19), from the release's rows.

Contract: ``entities_section(layout)`` returns the Markdown of one section ("## Entities,
events and outlets"): per language, the most mentioned gazetteer entries, the timeline events and
the outlet countries, counted from the ``entities``, ``events`` and ``outlet_country`` columns of
every shard (read a row group at a time, those columns only), and the matcher's precision,
recall and event accuracy as measured by ``python -m benchmarks.entities`` and stored in
dataset/resources/entity_quality.json (never restated here). Deterministic for a release.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from dataset.build.entities import load_lexicon
from dataset.paths import PACKAGE_DIR
from dataset.release.layout import ReleaseLayout

FIGURES_FILE = PACKAGE_DIR / "resources" / "entity_quality.json"
TOP_ENTITIES = 10
COLUMNS = ["entities", "events", "outlet_country"]


@dataclass
class LanguageCounts:
    """Articles of one language: per entity key (articles, mentions), per event and country."""

    articles: int = 0
    entity_articles: Counter = field(default_factory=Counter)
    entity_mentions: Counter = field(default_factory=Counter)
    events: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)


def count_language(layout: ReleaseLayout, language: str) -> LanguageCounts:
    """Count the issue-19 columns over every split of ``language``."""
    counts = LanguageCounts()
    for split in layout.splits(language):
        for relative in layout.files(language, split):
            parquet = pq.ParquetFile(layout.root / relative)
            for index in range(parquet.num_row_groups):
                table = parquet.read_row_group(index, columns=COLUMNS)
                counts.articles += table.num_rows
                for items in table.column("entities").to_pylist():
                    for item in items or ():
                        counts.entity_articles[item["key"]] += 1
                        counts.entity_mentions[item["key"]] += item["count"]
                for keys in table.column("events").to_pylist():
                    counts.events.update(keys or ())
                counts.countries.update(c or "unknown" for c in
                                        table.column("outlet_country").to_pylist())
    return counts


def load_figures(path: Path = FIGURES_FILE) -> dict[str, Any] | None:
    """The stored benchmark figures, or None when the file is absent."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def entity_table(language: str, counts: LanguageCounts) -> list[str]:
    """Return the Markdown lines of one language's top gazetteer entries."""
    lexicon = load_lexicon()
    top = sorted(counts.entity_articles.items(),
                 key=lambda kv: (-kv[1], -counts.entity_mentions[kv[0]], kv[0]))[:TOP_ENTITIES]
    noun = "article" if counts.articles == 1 else "articles"
    if not top:
        return [f"- `{language}`: no gazetteer entry mentioned ({counts.articles} {noun}).", ""]
    lines = [f"**`{language}`** ({counts.articles} {noun}): the {TOP_ENTITIES} entries named in "
             "the most articles", "",
             "| entry | type | Wikidata | articles | mentions |", "|---|---|---|---:|---:|"]
    for key, articles in top:
        entry = lexicon.entries.get(key)
        name = entry.name if entry else key
        kind = entry.type if entry else ""
        wikidata = (entry.wikidata if entry else None) or "—"
        lines.append(f"| {name} (`{key}`) | {kind} | {wikidata} | {articles} | "
                     f"{counts.entity_mentions[key]} |")
    return [*lines, ""]


def events_table(languages: list[str], counts: dict[str, LanguageCounts]) -> list[str]:
    """Return the Markdown lines of the articles per timeline event and language."""
    lexicon = load_lexicon()
    keys = [key for key in lexicon.events if any(counts[lang].events[key] for lang in languages)]
    if not keys:
        return ["No article of this release reports a timeline event.", ""]
    lines = ["| event | dates | " + " | ".join(f"`{lang}`" for lang in languages) + " |",
             "|---|---|" + "---:|" * len(languages)]
    for key in keys:
        event = lexicon.events[key]
        dates = f"{event.start or '?'} – {event.end or '?'}"
        cells = " | ".join(str(counts[lang].events[key]) for lang in languages)
        lines.append(f"| {event.name} (`{key}`) | {dates} | {cells} |")
    return [*lines, ""]


def countries_table(languages: list[str], counts: dict[str, LanguageCounts]) -> list[str]:
    """Return the Markdown lines of the articles per outlet country and language."""
    countries = sorted({c for lang in languages for c in counts[lang].countries},
                       key=lambda c: (c == "unknown", c))
    if not countries:
        return []
    lines = ["| outlet country | " + " | ".join(f"`{lang}`" for lang in languages) + " |",
             "|---|" + "---:|" * len(languages)]
    for country in countries:
        cells = " | ".join(str(counts[lang].countries[country]) for lang in languages)
        label = "not in the registry / unknown" if country == "unknown" else country
        lines.append(f"| {label} | {cells} |")
    return [*lines, ""]


def quality_lines(figures: dict[str, Any] | None) -> list[str]:
    """Return the Markdown lines of the matcher's measured accuracy (or why there is none)."""
    if figures is None:
        return ["The matcher's accuracy has not been measured for this package version "
                f"({FIGURES_FILE.name} is missing).", ""]
    m, e = figures["mentions"], figures["events"]
    by_type = ", ".join(f"{kind} P {s['precision']:.3f} R {s['recall']:.3f}"
                        for kind, s in figures["mentions_by_type"].items())
    return [
        f"Measured on {figures['pages']} hand-labelled pages of a development set of real "
        f"pages in {figures['languages']} languages (`python -m benchmarks.entities`; labelling "
        "rules in benchmarks/README.md): entity mention precision "
        f"**{m['precision']:.3f}**, recall **{m['recall']:.3f}** ({m['tp']} of {m['gold']} "
        f"labelled mentions found, {m['found']} found in all; {by_type}); events: the exact "
        f"set of events right on **{e['exact_set_accuracy']:.3f}** of the pages "
        f"({e['exact']} of {e['pages']}). The rules were refined on these same pages, so "
        "unseen pages will score lower.",
        "",
    ]


def entities_section(layout: ReleaseLayout) -> str:
    """The card section on entities, events and outlet countries (see the module docstring)."""
    languages = list(layout.languages)
    counts = {lang: count_language(layout, lang) for lang in languages}
    lines = [
        "## Entities, events and outlets",
        "",
        "`entities` lists the entries of the project's gazetteer (places, people and "
        "organizations of the conflict, dataset/lexicon/gazetteer/) each article names in any "
        "language or script, with mention counts; `events` the conflict-timeline events "
        "(dataset/lexicon/events.yaml) it reports; `credited_outlet` the outlet it credits as "
        "its source; `outlet_country` the home country of its publisher (else of the credited "
        "outlet) in the outlet registry (dataset/lexicon/outlets.yaml). Wikidata ids are given "
        "only where verified on a stored public page the gazetteer names.",
        "",
        *quality_lines(load_figures()),
        "### Entities per language",
        "",
    ]
    for lang in languages:
        lines += entity_table(lang, counts[lang])
    lines += ["### Events per language (articles)", "", *events_table(languages, counts)]
    lines += ["### Outlet countries per language (articles)", "",
              *countries_table(languages, counts)]
    return "\n".join(lines).rstrip()
