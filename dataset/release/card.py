"""Stage 8, card: the dataset card ``README.md`` (YAML header + body), generated from the release.

Everything in the card is computed from the release folder itself: the shards (configs, split
sizes, date ranges, publishers, fill rates), ``build_manifest.json`` (version, settings, rejects),
``validation/summary.json`` and the release's ``CITATION.cff`` (BibTeX). Regenerating the card
of an unchanged release therefore gives the same bytes, which is what ``card --check`` tests.

This module builds the YAML header and checks the card; the facts are gathered by
``dataset.release.facts.ReleaseFacts`` and the body's prose is in ``templates/card.md.j2``, one
included template per section (``templates/card/*.md.j2``).

huggingface_hub does not validate card metadata offline (``DatasetCard.validate`` calls the Hub),
so ``card_problems`` checks the YAML values against the allowed lists itself.
"""

from __future__ import annotations

import copy
import difflib
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import yaml

from dataset.release.facts import (  # noqa: F401  (re-exported: the card's names before facts.py)
    LICENSE_NAME,
    OUR_LICENCE,
    PRETTY_NAME,
    ReleaseFacts,
    SplitStats,
    card_repo_id,
    collect_stats,
    package_version,
    release_collection,
)
from dataset.release.layout import ALL_CONFIG, ReleaseLayout
from dataset.release.prose import language_name, render  # noqa: F401  (re-exported)
from dataset.schema import article_schema
from dataset.validation.rules import allowed_language_codes

CARD_NAME = "README.md"
MISSING_MARKER = "[More Information Needed]"
# Language modelling on the article texts: the columns hold texts and metadata, no target labels
# (huggingface.js pipelines.ts task ids; cc_news declares the same pair).
TASK_CATEGORIES = ["text-generation", "fill-mask"]
TASK_IDS = ["language-modeling", "masked-language-modeling"]
# The target column a task category needs; a card may declare the task only when it exists.
TASK_TARGETS = {
    "text-classification": "label",
    "token-classification": "tags",
    "zero-shot-classification": "label",
    "summarization": "summary",
    "translation": "translation",
    "question-answering": "answers",
    "sentence-similarity": "score",
}

# Allowed values of the card metadata (huggingface/hub-docs datasetcard.md, the DatasetCardData
# docstring, hub-docs repositories-licenses.md and huggingface.js pipelines.ts). Only the values a
# text dataset could plausibly use are listed for licenses and tasks.
ALLOWED = {
    "license": {
        "apache-2.0",
        "cc-by-4.0",
        "cc-by-sa-4.0",
        "cc-by-nc-4.0",
        "cc-by-nc-sa-4.0",
        "cc-by-nd-4.0",
        "cc-by-nc-nd-4.0",
        "cc0-1.0",
        "mit",
        "odc-by",
        "odbl",
        "pddl",
        "other",
        "unknown",
    },
    "multilinguality": {"monolingual", "multilingual", "translation", "other"},
    "size_categories": {
        "n<1K",
        "1K<n<10K",
        "10K<n<100K",
        "100K<n<1M",
        "1M<n<10M",
        "10M<n<100M",
        "100M<n<1B",
        "1B<n<10B",
        "10B<n<100B",
        "100B<n<1T",
        "n>1T",
    },
    "annotations_creators": {
        "found",
        "crowdsourced",
        "expert-generated",
        "machine-generated",
        "no-annotation",
        "other",
    },
    "language_creators": {
        "found",
        "crowdsourced",
        "expert-generated",
        "machine-generated",
        "other",
    },
    "source_datasets": {"original", "extended"},
    "task_categories": {
        "text-classification",
        "token-classification",
        "text-generation",
        "fill-mask",
        "summarization",
        "translation",
        "question-answering",
        "feature-extraction",
        "sentence-similarity",
        "zero-shot-classification",
        "text-retrieval",
    },
}
REQUIRED_KEYS = (
    "pretty_name",
    "language",
    "language_details",
    "license",
    "multilinguality",
    "size_categories",
    "task_categories",
    "source_datasets",
    "annotations_creators",
    "language_creators",
    "tags",
    "configs",
    "dataset_info",
)
NON_SCRIPTS = {"Zyyy", "Zzzz", "Zinh", "Zxxx"}


# ---------------------------------------------------------------- YAML header


def size_category(rows: int) -> str:
    """The Hub's ``size_categories`` label for ``rows`` rows, e.g. ``"1K<n<10K"``."""
    bounds = [
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
        (100_000_000, "10M<n<100M"),
    ]
    return next((label for bound, label in bounds if rows < bound), "100M<n<1B")


def language_detail(language: str, scripts: Counter) -> str:
    """BCP-47 tag: the language plus its dominant ISO 15924 script when one was detected."""
    real = [(n, s) for s, n in scripts.items() if s and s not in NON_SCRIPTS]
    if not real:
        return language
    return f"{language}-{max(real)[1]}"


def config_entries(layout: ReleaseLayout) -> list[dict[str, Any]]:
    """The ``configs`` list: one per language, then ``all`` (default); empty splits left out."""
    entries = []
    for config in layout.configs:
        folder = "*" if config == ALL_CONFIG else config
        entry: dict[str, Any] = {
            "config_name": config,
            "data_files": [
                {"split": split, "path": f"data/{folder}/{split}-*.parquet"}
                for split in layout.splits(config)
            ],
        }
        if config == ALL_CONFIG:
            entry["default"] = True
        entries.append(entry)
    return entries


def dataset_info_entries(
    layout: ReleaseLayout, stats: dict[tuple[str, str], SplitStats]
) -> list[dict[str, Any]]:
    """The ``dataset_info`` list: one entry per config, in ``layout.configs`` order.

    Each entry holds the declared features, and per split the rows counted from the files and
    ``num_bytes`` (the split's size as Arrow in memory, which is what ``datasets`` records);
    ``dataset_size`` sums them, ``download_size`` sums the Parquet file sizes.

    datasets 5.x ignores a ``splits`` list (with a warning) unless every entry has ``name``,
    ``num_examples`` and ``num_bytes`` (``SplitDict._from_yaml_list``).
    """
    entries = []
    for config in layout.configs:
        languages = layout.languages if config == ALL_CONFIG else [config]
        splits = []
        download = 0
        for split in layout.splits(config):
            rows = 0
            for relative in layout.files(config, split):
                rows += pq.ParquetFile(layout.root / relative).metadata.num_rows
                download += (layout.root / relative).stat().st_size
            parts = [stats[(lang, split)] for lang in languages if (lang, split) in stats]
            splits.append(
                {"name": split, "num_bytes": sum(p.nbytes for p in parts), "num_examples": rows}
            )
        entries.append(
            {
                "config_name": config,
                # a private copy per config: shared objects would become YAML anchors (&id001)
                "features": copy.deepcopy(article_schema().to_hf_features()),
                "splits": splits,
                "download_size": download,
                "dataset_size": sum(split["num_bytes"] for split in splits),
            }
        )
    return entries


def card_metadata(layout: ReleaseLayout, stats: dict[tuple[str, str], SplitStats]) -> dict:
    """The card's YAML header as a dict, from the release layout and its per-split statistics.

    ``stats`` is keyed by ``(language, split)``; its row counts give the size category and its
    script counts the ``language_details`` tags.
    """
    total = sum(s.rows for s in stats.values())
    scripts: dict[str, Counter] = {}
    for (language, _), s in stats.items():
        scripts.setdefault(language, Counter()).update(s.scripts)
    return {
        "pretty_name": PRETTY_NAME,
        "language": layout.languages,
        "language_details": [
            language_detail(lang, scripts.get(lang, Counter())) for lang in layout.languages
        ],
        "license": "other",
        "license_name": "third-party-news-text",
        "license_link": LICENSE_NAME,
        "multilinguality": "multilingual" if len(layout.languages) > 1 else "monolingual",
        "size_categories": [size_category(total)],
        "task_categories": TASK_CATEGORIES,
        "task_ids": TASK_IDS,
        "source_datasets": ["original"],
        "annotations_creators": ["machine-generated"],
        "language_creators": ["found"],
        "tags": ["news", "nagorno-karabakh", "armenia", "azerbaijan", "conflict", "multilingual"],
        "configs": config_entries(layout),
        "dataset_info": dataset_info_entries(layout, stats),
    }


def render_yaml(data: dict[str, Any]) -> str:
    """The YAML text of card metadata, as huggingface_hub's ``DatasetCardData`` writes it."""
    from huggingface_hub import DatasetCardData

    return DatasetCardData(**data).to_yaml()


# ---------------------------------------------------------------- body


def render_card(release_dir: Path, repo_id: str | None = None) -> str:
    """The full README.md text of a release; the same text for an unchanged release.

    The YAML header comes from ``card_metadata``, the body from ``templates/card.md.j2`` and its
    sections.

    ``repo_id`` (``card --repo-id``) overrides the Hub id of the build's collection.repository.
    """
    facts = ReleaseFacts(release_dir, repo_id)
    header = render_yaml(card_metadata(facts.layout, facts.stats))
    return render("card.md.j2", release=facts, yaml_header=header)


# ---------------------------------------------------------------- write and check


def write_card(release_dir: Path, repo_id: str | None = None) -> Path:
    """Write ``LICENSE.md`` and ``README.md`` into the release; returns the card path.

    Raises ValueError listing every problem when the generated metadata fails our own checks.
    """
    (release_dir / LICENSE_NAME).write_text(
        render("license.md.j2", licence=OUR_LICENCE), encoding="utf-8"
    )
    text = render_card(release_dir, repo_id)
    problems = card_problems(text, release_dir)
    if problems:
        raise ValueError("generated card is invalid: " + "; ".join(problems))
    path = release_dir / CARD_NAME
    path.write_text(text, encoding="utf-8")
    return path


def card_drift(release_dir: Path, repo_id: str | None = None) -> list[str]:
    """Unified diff lines between the release's README.md and a regenerated card (empty = same)."""
    path = release_dir / CARD_NAME
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    fresh = render_card(release_dir, repo_id)
    return list(
        difflib.unified_diff(
            current.splitlines(),
            fresh.splitlines(),
            "README.md (release)",
            "README.md (regenerated)",
            lineterm="",
        )
    )


def split_card(text: str) -> tuple[dict[str, Any], str]:
    """The YAML header as a dict and the body of a card text."""
    if not text.startswith("---\n"):
        return {}, text
    header, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(header) or {}, body


def card_problems(text: str, release_dir: Path) -> list[str]:
    """Our own check of a card: required keys, allowed values, configs and counts vs files."""
    meta, _ = split_card(text)
    problems = [f"missing YAML key {key!r}" for key in REQUIRED_KEYS if key not in meta]
    if MISSING_MARKER in text:
        problems.append(f"the card contains {MISSING_MARKER!r}")
    for key, allowed in ALLOWED.items():
        values = meta.get(key)
        for value in values if isinstance(values, list) else [values]:
            if value is not None and value not in allowed:
                problems.append(f"{key}: {value!r} is not one of {sorted(allowed)}")
    if meta.get("license") == "other" and not (
        meta.get("license_name") and meta.get("license_link")
    ):
        problems.append("license: other needs license_name and license_link")
    codes = set(allowed_language_codes())
    problems += [
        f"language: {c!r} is not an allowed ISO 639 code"
        for c in meta.get("language", [])
        if c not in codes
    ]
    problems += language_detail_problems(meta)
    problems += task_problems(meta)
    problems += config_problems(meta, release_dir)
    return problems


def task_problems(meta: dict[str, Any]) -> list[str]:
    """A task category that needs a target column (a label, a summary...) the schema lacks."""
    columns = set(article_schema().column_names)
    return [
        f"task_categories: {task!r} needs a {TASK_TARGETS[task]!r} column, which the release "
        "does not have"
        for task in meta.get("task_categories", [])
        if task in TASK_TARGETS and TASK_TARGETS[task] not in columns
    ]


def language_detail_problems(meta: dict[str, Any]) -> list[str]:
    """A ``language_details`` tag that is not valid BCP-47 or has no ``language`` entry."""
    import langcodes

    problems = []
    for tag in meta.get("language_details", []):
        if not langcodes.tag_is_valid(tag):
            problems.append(f"language_details: {tag!r} is not a valid BCP-47 tag")
        elif langcodes.Language.get(tag).language not in meta.get("language", []):
            problems.append(f"language_details: {tag!r} has no matching `language` entry")
    return problems


def config_problems(meta: dict[str, Any], release_dir: Path) -> list[str]:
    """Every data_files glob matches files, no empty split is listed, counts equal the files."""
    problems = []
    defaults = [c["config_name"] for c in meta.get("configs", []) if c.get("default")]
    if defaults != [ALL_CONFIG]:
        problems.append(f"configs: exactly `{ALL_CONFIG}` must be default, got {defaults}")
    counts = {}
    for config in meta.get("configs", []):
        for entry in config.get("data_files", []):
            files = sorted(release_dir.glob(entry["path"]))
            if not files:
                problems.append(
                    f"configs: {config['config_name']}/{entry['split']} matches no file"
                )
            rows = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
            if files and rows == 0:
                problems.append(f"configs: {config['config_name']}/{entry['split']} has 0 rows")
            counts[(config["config_name"], entry["split"])] = rows
    for info in meta.get("dataset_info", []):
        problems += [
            f"dataset_info: {info.get('config_name')} has no {key} (datasets expects it)"
            for key in ("dataset_size", "download_size")
            if key not in info
        ]
        problems += [
            f"dataset_info: {info.get('config_name')}/{split.get('name')} has no num_bytes "
            "(datasets then ignores the splits with a warning)"
            for split in info.get("splits", [])
            if "num_bytes" not in split
        ]
        for split in info.get("splits", []):
            key = (info["config_name"], split["name"])
            if counts.get(key) != split["num_examples"]:
                problems.append(
                    f"dataset_info: {key[0]}/{key[1]} declares {split['num_examples']} rows, "
                    f"the files hold {counts.get(key)}"
                )
    return problems
