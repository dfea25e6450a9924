"""The facts the card, croissant.json and the project README state, gathered once.

Prose lives in ``dataset/release/templates/``; this module only gathers what the prose states:

- ``LIBRARIES``: every third-party library the texts credit, with the package module that imports
  it (a test checks that module really does) and the version installed, which is the one imported;
- ``OUR_LICENCE`` and ``LANGUAGE_MODEL``: the licence of what we publish and the attribution of the
  vendored language-identification model;
- ``content_settings``: the build settings that shape a release, their defaults and meanings,
  read from ``dataset.config.BuildConfig`` (the README's table);
- ``ReleaseFacts``: one release folder's facts (layout, manifest with its thresholds and counts,
  per-split statistics, collection, citation, validation summary, the entities section's rows
  and the matcher's stored figures), each read on first use.

A template names a library or a threshold only through these facts, never literally, so the texts
cannot contradict the code; ``tests/unit/test_named_libraries.py`` enforces it.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dataset.config import CONTENT_KEYS, SPLIT_NAMES, BuildConfig, Collection
from dataset.release.card_entities import LanguageCounts, entities_facts
from dataset.release.citation import CFF_NAME, load_citation
from dataset.release.layout import ALL_CONFIG, REJECTS_PATH, ReleaseLayout, read_layout
from dataset.release.manifest import read_manifest
from dataset.release.quality_figures import FIGURES_FILE, quality_facts, read_stored_figures
from dataset.schema import Column, article_schema, reject_reasons
from dataset.validation.rules import load_domain_rules, structural_rules

PRETTY_NAME = "Karabakh News"
EXAMPLE_TEXT_CHARS = 300
LICENSE_NAME = "LICENSE.md"
HUB_DATASET_URL = re.compile(r"^https://huggingface\.co/datasets/([\w.-]+/[\w.-]+)/?$")


@dataclass(frozen=True)
class Library:
    """A third-party library the texts credit: ``str(library)`` is ``"distribution version"``."""

    distribution: str  # as installed (pip name)
    module: str  # the top-level module the package imports
    used_in: str  # the package module that imports it, e.g. "dataset.build.dedupe"
    role: str  # what it does for the build, one phrase

    @property
    def version(self) -> str:
        """The installed version of the distribution, the one the package imports."""
        return package_version(self.distribution)

    @property
    def series(self) -> str:
        """The major version as a series, ``5.x`` for 5.2.0."""
        return self.version.split(".")[0] + ".x"

    def __str__(self) -> str:
        return f"{self.distribution} {self.version}"


@dataclass(frozen=True)
class Licence:
    """A licence as the texts name it: SPDX id, full name and the URL of its text."""

    spdx: str  # SPDX id, as pyproject.toml and CITATION.cff write it
    name: str
    url: str


# What we license (ids, labels, clusters, splits, card, code); the article texts stay the
# publishers'. pyproject.toml and CITATION.cff must say the same (tests/unit/test_release_facts).
OUR_LICENCE = Licence(
    "CC-BY-4.0",
    "Creative Commons Attribution 4.0 International",
    "https://creativecommons.org/licenses/by/4.0/",
)


@dataclass(frozen=True)
class Model:
    """A vendored model the texts credit: name, file, citation and licence."""

    name: str
    file: str  # inside the package, as dataset.build.language loads it
    citation: str
    licence: str
    licence_url: str  # as dataset/resources/README.md states it


LANGUAGE_MODEL = Model(
    "lid.176",
    "resources/lid.176.ftz",
    "Joulin et al. 2016",
    "CC BY-SA 3.0",
    "https://creativecommons.org/licenses/by-sa/3.0/",
)

# Templates reach these as ``libraries.<key>``.
LIBRARIES = {
    "fasttext": Library(
        "fasttext-predict-v2",
        "fasttext",
        "dataset.build.language",
        "runs the fastText `lid.176` language-identification model",
    ),
    "dateparser": Library(
        "dateparser",
        "dateparser",
        "dataset.build.metadata",
        "parses published dates, with languages restricted",
    ),
    "tldextract": Library(
        "tldextract",
        "tldextract",
        "dataset.build.sources",
        "registered domain of a URL, from its bundled Public Suffix List snapshot",
    ),
    "rensa": Library(
        "rensa", "rensa", "dataset.build.dedupe", "MinHash signatures of the shingles"
    ),
    "datasketch": Library(
        "datasketch",
        "datasketch",
        "dataset.build.dedupe",
        "LSH bands and rows for the near-duplicate threshold (`_optimal_param`)",
    ),
    "great_expectations": Library(
        "great-expectations",
        "great_expectations",
        "dataset.validation.runner",
        "runs the validation suites",
    ),
    "datasets": Library(
        "datasets",
        "datasets",
        "dataset.build.write",
        "Hugging Face features in the Parquet metadata; loads a release (the card's examples)",
    ),
    "polars": Library(
        "polars", "polars", "dataset.release.diff", "reads shards (diff; the card's example)"
    ),
}


def package_version(name: str) -> str:
    """The installed version of distribution ``name`` (``not installed`` when it is not)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def content_settings() -> list[dict[str, Any]]:
    """The settings that shape a release's content, as ``dataset.config.BuildConfig`` declares them.

    One ``{"key", "default", "description"}`` dict per entry of ``CONTENT_KEYS``, in that order.
    """
    defaults = BuildConfig().content_settings()
    fields = BuildConfig.model_fields
    return [
        {"key": key, "default": defaults[key], "description": fields[key].description}
        for key in CONTENT_KEYS
    ]


# ---------------------------------------------------------------- per-split statistics


@dataclass
class SplitStats:
    """One language's split, counted from its shards (``collect_stats`` fills it).

    ``dates`` holds every stated published date, in file order; ``publishers`` and ``scripts``
    count the values of those columns; ``filled`` counts the non-null values per declared
    column; ``nbytes`` is the size as Arrow in memory; ``entities`` counts the entities, events
    and outlet countries (for the card's entities section, in the same pass).
    """

    rows: int = 0
    dates: list = field(default_factory=list)
    publishers: Counter = field(default_factory=Counter)
    scripts: Counter = field(default_factory=Counter)
    filled: Counter = field(default_factory=Counter)
    nbytes: int = 0
    entities: LanguageCounts = field(default_factory=LanguageCounts)


def collect_stats(layout: ReleaseLayout) -> dict[tuple[str, str], SplitStats]:
    """Per language and split: rows, non-null dates, publishers, scripts and non-null counts."""
    stats = {}
    columns = article_schema().column_names
    for language in layout.languages:
        for split in layout.splits(language):
            s = SplitStats()
            for relative in layout.files(language, split):
                for table in row_groups(layout.root / relative):
                    s.rows += table.num_rows
                    s.nbytes += table.nbytes
                    for name in columns:
                        if name in table.column_names:
                            s.filled[name] += table.num_rows - table.column(name).null_count
                    s.dates += [d for d in table.column("published_date").to_pylist() if d]
                    s.publishers.update(p for p in table.column("publisher").to_pylist() if p)
                    s.scripts.update(table.column("script").to_pylist())
                    s.entities.add_table(table)
            stats[(language, split)] = s
    return stats


def row_groups(path: Path) -> Iterator[pa.Table]:
    """A Parquet file's row groups, one at a time: a whole shard of texts can be large."""
    parquet = pq.ParquetFile(path)
    for index in range(parquet.num_row_groups):
        yield parquet.read_row_group(index)


# ---------------------------------------------------------------- manifest facts


def release_collection(manifest: dict) -> dict[str, Any]:
    """The build's ``collection`` section, as ``build_manifest.json`` records it.

    A release built before that section existed gets the defaults, with every text marked as not
    described.
    """
    recorded = manifest.get("collection")
    if recorded:
        return recorded
    return Collection().described(Path("/nonexistent-raw-folder"))


def card_repo_id(manifest: dict, repo_id: str | None = None) -> str | None:
    """The Hub dataset id (``ORG/NAME``) of a release, or None when it is not on the Hub.

    ``repo_id`` when given, else the one in the collection's repository URL
    (``https://huggingface.co/datasets/ORG/NAME``).
    """
    if repo_id:
        return repo_id
    match = HUB_DATASET_URL.match(release_collection(manifest)["repository"])
    return match.group(1) if match else None


class ReleaseFacts:
    """Everything the card and croissant.json state about one release folder.

    Each fact is read on first use and kept (``functools.cached_property``), so croissant.json,
    which needs no row statistics, never scans the shards. Missing manifest entries (releases
    written by older builds) read as None, and missing counts as 0, as the texts always said.
    """

    def __init__(self, release_dir: Path, repo_id: str | None = None):
        self.root = release_dir
        self.layout = read_layout(release_dir)
        self.manifest = read_manifest(release_dir)
        self.repo_id = card_repo_id(self.manifest, repo_id)
        self.version = self.manifest["release_version"]
        self.pretty_name = PRETTY_NAME
        self.license_name = LICENSE_NAME
        self.all_config = ALL_CONFIG
        self.libraries = LIBRARIES
        self.licence = OUR_LICENCE
        self.language_model = LANGUAGE_MODEL
        self.example_text_chars = EXAMPLE_TEXT_CHARS

    # -- from build_manifest.json

    @functools.cached_property
    def config(self) -> defaultdict:
        """The content settings the build used (thresholds, ratios): ``config.min_text_chars``."""
        return defaultdict(lambda: None, self.manifest.get("config", {}))

    @functools.cached_property
    def counts(self) -> defaultdict:
        """The build's counts (``documents_in``, ``kept``, ``rejected``...), 0 when absent."""
        return defaultdict(int, self.manifest.get("counts", {}))

    @functools.cached_property
    def rejects(self) -> defaultdict:
        """Rejected documents per reason code, 0 for a reason that did not occur."""
        return defaultdict(int, self.counts["rejected_by_reason"] or {})

    @functools.cached_property
    def rejects_by_language(self) -> list[tuple[str, int]]:
        """``(language, rejected documents)`` from rejects/rejects.parquet, most first.

        Files with no detected language (not read as text, no letters) count under ``"none"``;
        a release without the rejects file or its ``language`` column (older builds) gives [].
        """
        path = self.root / REJECTS_PATH
        if not path.is_file() or "language" not in pq.read_schema(path).names:
            return []
        column = pq.read_table(path, columns=["language"]).column("language").to_pylist()
        counts = Counter(language or "none" for language in column)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    @functools.cached_property
    def split_ratios(self) -> list[tuple[str, float]]:
        """``(split, ratio)`` for each split the build configured, train first."""
        ratios = self.config["split_ratios"] or {}
        return [(name, ratios[name]) for name in SPLIT_NAMES if name in ratios]

    @functools.cached_property
    def collection(self) -> dict[str, Any]:
        """The build's ``collection`` section (``release_collection``)."""
        return release_collection(self.manifest)

    @property
    def languages(self) -> list[str]:
        """The release's language codes, as its layout lists them."""
        return self.layout.languages

    # -- from the other files of the release

    @functools.cached_property
    def citation(self) -> dict[str, Any]:
        """The release's ``CITATION.cff``, parsed."""
        return load_citation(self.root / CFF_NAME)

    @functools.cached_property
    def summary(self) -> dict[str, Any] | None:
        """``validation/summary.json``; None for a release built with ``--no-validate``."""
        path = self.root / "validation" / "summary.json"
        return json.loads(path.read_text()) if path.is_file() else None

    # -- from the shards

    @functools.cached_property
    def stats(self) -> dict[tuple[str, str], SplitStats]:
        """``SplitStats`` per ``(language, split)``, counted from the shards once."""
        return collect_stats(self.layout)

    @functools.cached_property
    def total(self) -> int:
        """Articles in the release, counted from the shards."""
        return sum(s.rows for s in self.stats.values())

    @functools.cached_property
    def dates(self) -> list:
        """Every stated published date, sorted."""
        return sorted(d for s in self.stats.values() for d in s.dates)

    @functools.cached_property
    def publishers(self) -> Counter:
        """Articles per stated publisher over the whole release."""
        publishers: Counter = Counter()
        for s in self.stats.values():
            publishers.update(s.publishers)
        return publishers

    @functools.cached_property
    def filled(self) -> Counter:
        """Non-null values per column over the whole release."""
        filled: Counter = Counter()
        for s in self.stats.values():
            filled.update(s.filled)
        return filled

    def language_stats(self, language: str) -> dict[str, SplitStats]:
        """One language's statistics per split (splits without rows are absent)."""
        return {split: s for (lang, split), s in self.stats.items() if lang == language}

    @property
    def columns(self) -> list[Column]:
        """The declared columns of an article (schemas/article.yaml)."""
        return article_schema().columns

    @property
    def reject_reasons(self) -> dict[str, str]:
        """Every reject reason code with its explanation (schemas/reject.yaml)."""
        return reject_reasons()

    @functools.cached_property
    def language_rows(self) -> list[dict[str, Any]]:
        """One dict per language, in layout order: the card's table of languages.

        Keys: ``code``, rows per split (``counts``, train/validation/test), ``total``, sorted
        ``dates`` and ``publishers`` (a Counter).
        """
        rows = []
        for language in self.languages:
            parts = self.language_stats(language)
            counts = [parts[s].rows if s in parts else 0 for s in SPLIT_NAMES]
            publishers: Counter = Counter()
            for s in parts.values():
                publishers.update(s.publishers)
            rows.append(
                {
                    "code": language,
                    "counts": counts,
                    "total": sum(counts),
                    "dates": sorted(d for s in parts.values() for d in s.dates),
                    "publishers": publishers,
                }
            )
        return rows

    @functools.cached_property
    def example(self) -> dict[str, Any] | None:
        """A real row to show (``example_row``); None for an empty release.

        ``shown`` holds its declared columns, ``text`` cut to EXAMPLE_TEXT_CHARS characters and
        floats to the digits a float32 holds; ``text_chars`` is the full text's length.
        """
        row = example_row(self.layout)
        if row is None:
            return None
        shown = {name: row.get(name) for name in article_schema().column_names}
        # float32 scores read back as doubles (0.9735999703...): show the digits a float32 holds
        shown = {k: float(f"{v:.7g}") if isinstance(v, float) else v for k, v in shown.items()}
        text = shown.get("text") or ""
        if len(text) > EXAMPLE_TEXT_CHARS:
            shown["text"] = text[:EXAMPLE_TEXT_CHARS] + " [...]"
        return {"shown": shown, "text_chars": len(text)}

    @functools.cached_property
    def validation(self) -> dict[str, Any] | None:
        """What the card says about validation (``validation_facts``); None when not validated."""
        return validation_facts(self.summary)

    @functools.cached_property
    def extraction_quality(self) -> dict[str, Any] | None:
        """The extraction's figures on the development set (dataset/resources/)."""
        return quality_facts(read_stored_figures(FIGURES_FILE))

    @functools.cached_property
    def entities(self) -> dict[str, Any]:
        """Entities, events and outlet countries per language, and the matcher's stored figures.

        Counted in the same pass over the shards as ``stats``
        (``dataset.release.card_entities.entities_facts``, issue 19).
        """
        counts: dict[str, LanguageCounts] = {}
        for (language, _), split_stats in self.stats.items():
            counts.setdefault(language, LanguageCounts()).add(split_stats.entities)
        return entities_facts(self.layout, counts)


def example_row(layout: ReleaseLayout) -> dict[str, Any] | None:
    """A real row of the release, as a dict of its columns; None for an empty release.

    The first row, in file order (language, then id), of the ``all`` config's first split that
    states a title, a date and a publisher; else that split's first row.
    """
    splits = layout.splits(ALL_CONFIG) if ALL_CONFIG in layout.configs else []
    if not splits:
        return None
    first = None
    for relative in sorted(layout.files(ALL_CONFIG, splits[0])):
        for table in row_groups(layout.root / relative):
            if first is None and table.num_rows:
                first = table.slice(0, 1).to_pylist()[0]
            stated = first_stated_row(table)
            if stated is not None:
                return table.slice(stated, 1).to_pylist()[0]
    return first


STATED_COLUMNS = ("title", "published_date", "publisher")


def first_stated_row(table: pa.Table) -> int | None:
    """Index of the first row whose title, published date and publisher are all truthy.

    Truthy as Python sees the values (a non-empty string, any date); None when no row is.
    Computed by Arrow kernels: only the chosen row becomes Python values.
    """
    if not table.num_rows or not all(name in table.column_names for name in STATED_COLUMNS):
        return None
    stated = None
    for name in STATED_COLUMNS:
        column = table.column(name)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            truthy = pc.greater(pc.utf8_length(column), 0)
        else:
            truthy = pc.is_valid(column)
        truthy = pc.fill_null(truthy, False)
        stated = truthy if stated is None else pc.and_(stated, truthy)
    index = pc.index(stated, True).as_py()
    return None if index < 0 else index


def validation_facts(summary: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the card says about validation; None for a release built without validation.

    From ``summary`` (``validation/summary.json``) and the declared rules: totals over the suite
    runs, the rules by severity, and each quality rule that warned (with ``share``, its
    unexpected fraction, and up to 5 of its unexpected ``ids``).
    """
    if summary is None:
        return None
    domain = load_domain_rules()
    warnings = [
        {
            **rule,
            "share": rule["unexpected_count"] / rule["element_count"]
            if rule["unexpected_count"] is not None and rule["element_count"]
            else 0,
            "ids": rule["unexpected_ids"][:5],
        }
        for rule in summary.get("rules", [])
        if rule["severity"] == "warning" and not rule["passed"]
    ]
    return {
        "success": summary["success"],
        "suites": summary["suites"],
        "evaluated": sum(s["evaluated"] for s in summary["suites"]),
        "passed": sum(s["passed"] for s in summary["suites"]),
        "warned": sum(s.get("warned", 0) for s in summary["suites"]),
        "structural_count": len(structural_rules()),
        "domain_rules": domain.rules,
        "critical_rules": [rule for rule in domain.rules if rule.blocking],
        "quality_rules": [rule for rule in domain.rules if not rule.blocking],
        "warnings": warnings,
    }
