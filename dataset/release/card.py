"""Stage 8, card: the dataset card ``README.md`` (YAML header + body), generated from the release.

Everything in the card is computed from the release folder itself: the shards (configs, split
sizes, date ranges, publishers, fill rates), ``build_manifest.json`` (version, settings, rejects),
``validation/summary.json`` and the release's ``CITATION.cff`` (BibTeX). Regenerating the card
of an unchanged release therefore gives the same bytes, which is what ``card --check`` tests.

huggingface_hub does not validate card metadata offline (``DatasetCard.validate`` calls the Hub),
so ``card_problems`` checks the YAML values against the allowed lists itself.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import functools
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from dataset.config import SPLIT_NAMES, Collection
from dataset.release.card_entities import entities_section
from dataset.release.citation import CFF_NAME, load_citation, to_apa, to_bibtex
from dataset.release.layout import ALL_CONFIG, ReleaseLayout, read_layout
from dataset.release.manifest import read_manifest
from dataset.schema import article_schema, reject_reasons
from dataset.validation.rules import allowed_language_codes, load_domain_rules, structural_rules

CARD_NAME = "README.md"
LICENSE_NAME = "LICENSE.md"
PRETTY_NAME = "Karabakh News"
MISSING_MARKER = "[More Information Needed]"
PUBLISHERS_SHOWN = 5
EXAMPLE_TEXT_CHARS = 300
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
HUB_DATASET_URL = re.compile(r"^https://huggingface\.co/datasets/([\w.-]+/[\w.-]+)/?$")

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


@dataclass
class SplitStats:
    rows: int = 0
    dates: list = field(default_factory=list)
    publishers: Counter = field(default_factory=Counter)
    scripts: Counter = field(default_factory=Counter)
    filled: Counter = field(default_factory=Counter)
    nbytes: int = 0


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
            stats[(language, split)] = s
    return stats


def row_groups(path: Path) -> Iterator[pa.Table]:
    """A Parquet file's row groups, one at a time: a whole shard of texts can be large."""
    parquet = pq.ParquetFile(path)
    for index in range(parquet.num_row_groups):
        yield parquet.read_row_group(index)


# ---------------------------------------------------------------- YAML header


def size_category(rows: int) -> str:
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
    """``dataset_info`` per config: declared features, and per split the rows counted from the
    files and ``num_bytes`` (the split's size as Arrow in memory, which is what ``datasets``
    records); ``dataset_size`` sums them, ``download_size`` sums the Parquet file sizes.

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
    from huggingface_hub import DatasetCardData

    return DatasetCardData(**data).to_yaml()


# ---------------------------------------------------------------- body


def release_collection(manifest: dict) -> dict[str, Any]:
    """The build's ``collection`` section; a release built before it existed gets the defaults
    with every text marked as not described."""
    recorded = manifest.get("collection")
    if recorded:
        return recorded
    return Collection().described(Path("/nonexistent-raw-folder"))


def card_repo_id(manifest: dict, repo_id: str | None = None) -> str | None:
    """The Hub dataset id: ``repo_id`` when given, else the one in the collection's repository
    URL (``https://huggingface.co/datasets/ORG/NAME``), else None (not a Hub repository)."""
    if repo_id:
        return repo_id
    match = HUB_DATASET_URL.match(release_collection(manifest)["repository"])
    return match.group(1) if match else None


def render_card(release_dir: Path, repo_id: str | None = None) -> str:
    """The full README.md text of a release (deterministic for an unchanged release).

    ``repo_id`` (``card --repo-id``) overrides the Hub id of the build's collection.repository.
    """
    layout = read_layout(release_dir)
    manifest = read_manifest(release_dir)
    repo_id = card_repo_id(manifest, repo_id)
    stats = collect_stats(layout)
    meta = card_metadata(layout, stats)
    citation = load_citation(release_dir / CFF_NAME)
    summary_path = release_dir / "validation" / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.is_file() else None
    version = manifest["release_version"]
    body = "\n\n".join(
        [
            f"# Dataset Card for {PRETTY_NAME}",
            summary_paragraph(layout, stats, version),
            details_section(layout, manifest, repo_id, version),
            uses_section(layout, repo_id, version),
            structure_section(layout, stats),
            example_section(layout),
            entities_section(layout),
            creation_section(manifest, stats, layout),
            validation_section(summary),
            limitations_section(stats, manifest),
            licensing_section(),
            citation_section(citation),
            more_information_section(release_collection(manifest)),
        ]
    )
    return f"---\n{render_yaml(meta)}\n---\n\n{body}\n"


def summary_paragraph(layout, stats, version: str) -> str:
    total = sum(s.rows for s in stats.values())
    languages = ", ".join(f"`{lang}`" for lang in layout.languages)
    return (
        f"{PRETTY_NAME} (version {version}) is a multilingual corpus of {total} news articles "
        f"about the Nagorno-Karabakh conflict in {len(layout.languages)} languages ({languages}). "
        "Each row is one article: cleaned body text, machine-detected language with its score, "
        "headline, publication date and publisher when the document states them, a near-duplicate "
        "cluster id and provenance back to the raw file. Splits are assigned per near-duplicate "
        "cluster, so no article or near-copy of it appears in two splits."
    )


def details_section(layout, manifest: dict, repo_id: str | None, version: str) -> str:
    package = f"karabakh-news {version}"
    commit = manifest.get("git_commit") or "not recorded (built outside a git checkout)"
    collection = release_collection(manifest)
    pinned = (
        f"https://huggingface.co/datasets/{repo_id}/tree/v{version}"
        if repo_id
        else f"the repository's tag `v{version}`"
    )
    return "\n".join(
        [
            "## Dataset Details",
            "",
            "### Dataset Description",
            "",
            "News reports, analyses and wire copy about the Nagorno-Karabakh conflict, collected "
            "as plain-text documents (copied or scraped from news web pages) and turned into a "
            "versioned, validated Parquet release by the `karabakh-news` build package.",
            "",
            f"- **Curated by:** {', '.join(collection['curators'])}",
            f"- **Language(s) (NLP):** {', '.join(layout.languages)}",
            "- **License:** article texts: third-party copyright (see *Licensing and copyright*); "
            "metadata, annotations, code and documentation: CC-BY-4.0",
            f"- **Version:** {version} (schema {manifest.get('schema_version')}, "
            f"config hash `{manifest.get('config_hash')}`)",
            f"- **Built by:** {package}, git commit `{commit}`, "
            f"build date {manifest.get('build_date', 'not recorded')}, reference date "
            f"{manifest.get('reference_date') or 'not recorded'} (published dates after it are "
            "refused; rebuild with `--reference-date` set to it to reproduce these files)",
            "",
            "### Dataset Sources",
            "",
            f"- **Repository:** {collection['repository']}",
            f"- **Pinned release:** {pinned}",
            "- **Raw inputs:** the sha256 of every raw file is listed in `build_manifest.json`",
        ]
    )


def uses_section(layout, repo_id: str | None, version: str) -> str:
    example = layout.languages[0] if layout.languages else ALL_CONFIG
    if repo_id is None:
        return local_uses_section(example)
    return "\n".join(
        [
            "## Uses",
            "",
            "### Direct Use",
            "",
            "Research on multilingual news coverage of the conflict (framing, agenda, timelines), "
            "language identification and cross-lingual retrieval evaluation, and as a test bed "
            "for news extraction and deduplication. Load a pinned revision so results stay "
            "reproducible:",
            "",
            "```python",
            "from datasets import load_dataset",
            "",
            f'ds = load_dataset("{repo_id}", "{ALL_CONFIG}", revision="v{version}")'
            "  # every language",
            f'{example} = load_dataset("{repo_id}", "{example}", revision="v{version}")',
            "```",
            "",
            "With polars: "
            f'`pl.read_parquet("hf://datasets/{repo_id}@v{version}/data/*/*.parquet")`. '
            'A local release folder loads the same way: `load_dataset("path/to/release", '
            f'"{example}")`.',
            "",
            "### Out-of-Scope Use",
            "",
            *OUT_OF_SCOPE,
        ]
    )


OUT_OF_SCOPE = [
    "- Republishing or commercially exploiting the article texts: they are copyrighted "
    "by their publishers.",
    "- Treating the corpus as a balanced or representative sample of coverage: it holds "
    "what was collected, in uneven amounts per language and outlet.",
    "- Establishing facts about the conflict: articles report claims of the parties and "
    "outlets, some of them contested or propagandistic.",
    "- Profiling people named in the articles.",
]


def local_uses_section(example: str) -> str:
    """Direct use of a release whose repository is not on the Hub: load the folder."""
    return "\n".join(
        [
            "## Uses",
            "",
            "### Direct Use",
            "",
            "Research on multilingual news coverage of the conflict (framing, agenda, timelines), "
            "language identification and cross-lingual retrieval evaluation, and as a test bed "
            "for news extraction and deduplication. Load the release folder of the version you "
            "cite:",
            "",
            "```python",
            "from datasets import load_dataset",
            "",
            f'ds = load_dataset("path/to/release", "{ALL_CONFIG}")  # every language',
            f'{example} = load_dataset("path/to/release", "{example}")',
            "```",
            "",
            "### Out-of-Scope Use",
            "",
            *OUT_OF_SCOPE,
        ]
    )


def structure_section(layout, stats) -> str:
    lines = [
        "## Dataset Structure",
        "",
        "One config per language (named by its ISO 639 code) plus `all` (the default), each with "
        "the splits that hold rows. A split with zero rows is never published (datasets 5.x "
        "cannot load a config with an empty split), so some configs have fewer than three splits.",
        "",
        "| language | config | train | validation | test | total | published dates | publishers |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for language in layout.languages:
        parts = {split: s for (lang, split), s in stats.items() if lang == language}
        counts = [parts[s].rows if s in parts else 0 for s in ("train", "validation", "test")]
        dates = sorted(d for s in parts.values() for d in s.dates)
        publishers = Counter()
        for s in parts.values():
            publishers.update(s.publishers)
        lines.append(
            f"| {language_name(language)} | `{language}` | "
            + " | ".join(str(c) for c in counts)
            + f" | {sum(counts)} | {date_range(dates, sum(counts))} | "
            + f"{publisher_list(publishers)} |"
        )
    lines += ["", "### Fields", "", "| field | type | nullable | filled | description |"]
    lines.append("|---|---|---|---:|---|")
    total = sum(s.rows for s in stats.values())
    for column in article_schema().columns:
        filled = sum(s.filled[column.name] for s in stats.values())
        lines.append(
            f"| `{column.name}` | {column.type} | {'yes' if column.nullable else 'no'} | "
            f"{filled}/{total} | {column.description.replace('|', '&#124;')} |"
        )
    return "\n".join(lines)


def example_row(layout: ReleaseLayout) -> dict[str, Any] | None:
    """A real row of the release: the first, in file order (language, then id), of the ``all``
    config's first split that states a title, a date and a publisher, else the first row; None
    for an empty release."""
    splits = layout.splits(ALL_CONFIG) if ALL_CONFIG in layout.configs else []
    if not splits:
        return None
    first = None
    for relative in sorted(layout.files(ALL_CONFIG, splits[0])):
        for table in row_groups(layout.root / relative):
            for row in table.to_pylist():
                first = first or row
                if row.get("title") and row.get("published_date") and row.get("publisher"):
                    return row
    return first


def example_section(layout: ReleaseLayout) -> str:
    """One released row as JSON, its text cut to EXAMPLE_TEXT_CHARS characters."""
    row = example_row(layout)
    lines = ["### Data Instances", ""]
    if row is None:
        return "\n".join([*lines, "This release has no rows."])
    shown = {name: row.get(name) for name in article_schema().column_names}
    # float32 scores read back as doubles (0.9735999703...): show the digits a float32 holds
    shown = {k: float(f"{v:.7g}") if isinstance(v, float) else v for k, v in shown.items()}
    text = shown.get("text") or ""
    if len(text) > EXAMPLE_TEXT_CHARS:
        shown["text"] = text[:EXAMPLE_TEXT_CHARS] + " [...]"
    lines += [
        f"A row of this release (`text` cut to {EXAMPLE_TEXT_CHARS} of its {len(text)} "
        "characters here):",
        "",
        "```json",
        json.dumps(shown, ensure_ascii=False, indent=2, default=json_value),
        "```",
    ]
    return "\n".join(lines)


def json_value(value: Any) -> Any:
    """JSON form of the values a Parquet row can hold beyond JSON's own (dates, timestamps)."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"no JSON form for {type(value).__name__}")


@functools.cache
def language_name(code: str) -> str:
    """English name of an ISO 639 code from the IANA registry shipped with langcodes (an ISO
    639-3 code of a language with a 639-1 code, such as ``hbs``, is named by the latter)."""
    from langcodes.data_dicts import LANGUAGE_ALPHA3
    from langcodes.registry_parser import parse_registry

    alpha2 = {alpha3: tag for tag, alpha3 in LANGUAGE_ALPHA3.items() if "-" not in tag}
    subtag = alpha2.get(code, code)
    for entry in parse_registry():
        if entry.get("Type") == "language" and entry.get("Subtag") == subtag:
            return entry["Description"][0]
    return code


def date_range(dates: list, rows: int) -> str:
    if not dates:
        return f"none stated (0/{rows} dated)"
    return f"{dates[0].isoformat()} to {dates[-1].isoformat()} ({len(dates)}/{rows} dated)"


def publisher_list(publishers: Counter) -> str:
    if not publishers:
        return "none stated"
    top = sorted(publishers.items(), key=lambda kv: (-kv[1], kv[0]))[:PUBLISHERS_SHOWN]
    shown = ", ".join(f"{name.replace('|', '&#124;')} ({n})" for name, n in top)
    more = len(publishers) - len(top)
    return shown + (f" and {more} more" if more > 0 else "")


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def collection_lines(manifest: dict, stats, layout: ReleaseLayout) -> list[str]:
    """The collection facts: how the raw folder was assembled (from the build config's
    ``collection`` section) and what the build found in it (dates, outlets, languages)."""
    collection = release_collection(manifest)
    counts = manifest.get("counts", {})
    dates = sorted(d for s in stats.values() for d in s.dates)
    total = sum(s.rows for s in stats.values())
    publishers = Counter()
    for s in stats.values():
        publishers.update(s.publishers)
    outlets = (
        f"{len(publishers)} stated by the articles: {publisher_list(publishers)}"
        if publishers
        else "none stated by the articles"
    )
    languages = ", ".join(f"{language_name(lang)} (`{lang}`)" for lang in layout.languages)
    return [
        "#### Collection",
        "",
        f"- **How the raw folder was assembled:** {collection['description']}",
        f"- **Selection:** {collection['selection']}",
        f"- **Collection period:** {collection['period']}",
        f"- **Publication dates in this release:** {date_range(dates, total)}",
        f"- **Outlets:** {outlets}",
        f"- **Languages:** {languages or 'none'}",
        f"- **Raw documents:** {counts.get('documents_in', 0)}, each listed with its sha256 in "
        "`build_manifest.json`",
        "",
    ]


def creation_section(manifest: dict, stats, layout: ReleaseLayout) -> str:
    config = manifest.get("config", {})
    counts = manifest.get("counts", {})
    ratios = config.get("split_ratios", {})
    reasons = reject_reasons()
    rejects = counts.get("rejected_by_reason", {})
    reject_lines = [
        f"- `{reason}` ({rejects.get(reason, 0)}): {text}" for reason, text in reasons.items()
    ]
    ratio_text = ", ".join(f"{name} {ratios[name]:g}" for name in SPLIT_NAMES if name in ratios)
    total = sum(s.rows for s in stats.values())
    found = {
        n: sum(s.filled[n] for s in stats.values())
        for n in ("title", "published_date", "publisher", "url", "scraped_at")
    }
    return "\n".join(
        [
            "## Dataset Creation",
            "",
            "### Curation Rationale",
            "",
            "Coverage of the Nagorno-Karabakh conflict differs sharply between languages and "
            "outlets. The corpus puts reports in many languages side by side with typed dates, "
            "publishers, stable ids and a leakage-free split, so that comparisons and models "
            "can be reproduced release by release.",
            "",
            "### Source Data",
            "",
            *collection_lines(manifest, stats, layout),
            "#### Data Collection and Processing",
            "",
            f"{counts.get('documents_in', 0)} raw UTF-8 text files went in; "
            f"{counts.get('kept', 0)} became articles and {counts.get('rejected', 0)} were "
            "rejected, each with a reason code (listed in `rejects/rejects.parquet`):",
            "",
            *reject_lines,
            "",
            "How each field is produced (the field descriptions above are the contract; the "
            "versions are those of the build environment):",
            "",
            '- **Text:** Unicode NFC; boilerplate (site names, menus, share and "read also" '
            "lines, widgets, captions, repeated titles, empty lines) removed by rules; paragraphs "
            "joined by a blank line. Bodies shorter than "
            f"{config.get('min_text_chars')} characters are rejected (`too_short`), and bodies "
            f"longer than {config.get('max_text_chars')} (`too_long`: pages glued together).",
            "- **Language, language_score, other_languages, script:** fastText `lid.176` "
            "(Joulin et al. 2016; model file CC BY-SA 3.0, shipped with the package) run with "
            f"fasttext-predict-v2 {package_version('fasttext-predict-v2')}; articles scoring under "
            f"{config.get('language_score_threshold')} are rejected (`language_uncertain`). "
            "`other_languages` describes the released `text`: languages of its long, confident "
            "paragraphs; captions and other removed lines do not count. "
            "Script codes are ISO 15924.",
            "- **Title, publisher, published_date, published_date_raw:** rule-based extraction "
            "from the document's own lines; dates parsed with explicit patterns and dateparser "
            f"{package_version('dateparser')} with languages restricted. A date that the "
            "document does not state is null, never a guess; relative words are not dates. "
            f"Found in this release: titles {found['title']}/{total}, dates "
            f"{found['published_date']}/{total}, publishers {found['publisher']}/{total}.",
            "- **id:** first 16 hex digits of the sha256 of the document's source identity: its "
            "URL when the scraper recorded one, else the raw file's path relative to the raw "
            "folder (POSIX separators, NFC); never its bytes. Stable across rebuilds, code "
            "changes and corrections of the page: a corrected page keeps its id and shows as "
            "modified in `diff.json`. Exact duplicates are found from the content instead.",
            "- **url, domain, scraped_at:** what the scraper recorded beside the raw file "
            "(`sources.jsonl` at the raw folder's root, `NAME.json` beside `NAME.txt`) or in a "
            "header block at its top (`URL:`, `Scraped:` lines, removed from the text); the URL "
            "in canonical form, its registered domain from the Public Suffix List snapshot "
            f"bundled with tldextract {package_version('tldextract')}, the time in UTC. Null when "
            f"the raw folder does not say. Found in this release: URLs {found['url']}/{total}, "
            f"scrape times {found['scraped_at']}/{total}.",
            "- **duplicate_cluster:** exact duplicates (same cleaned text) are dropped "
            f"(`exact_duplicate`, {rejects.get('exact_duplicate', 0)} in this release); near "
            f"duplicates are linked by MinHash ({config.get('minhash_permutations')} "
            f"permutations, {config.get('shingle_size')}-character shingles, Jaccard threshold "
            f"{config.get('near_duplicate_threshold')}); the cluster id is the smallest member id.",
            f"- **Split:** a hash of `duplicate_cluster` picks the split (ratios {ratio_text}). "
            "A split depends only on its cluster id, so it is stable when documents are added or "
            "reordered, and a whole cluster lands in one split.",
            "",
            "**Leakage statement.** No `id` and no `duplicate_cluster` appears in two splits; "
            "validation checks both on every release (rules `id_in_one_split_only` and "
            "`duplicate_cluster_in_one_split_only`). Different articles about the same event by "
            "different outlets are not near-duplicates and can fall into different splits: "
            "event-level overlap between train and test remains possible.",
            "",
            "#### Who are the source data producers?",
            "",
            "Journalists and editors of news outlets and agencies in each language, writing for "
            "their own audiences; some outlets are state-affiliated or partisan in the conflict.",
            "",
            "### Annotations",
            "",
            "#### Annotation process",
            "",
            "There is no human annotation. Language labels, scores, scripts and duplicate "
            "clusters are machine-generated by the tools above.",
            "",
            "#### Who are the annotators?",
            "",
            "No human annotators; the build package's rules and models only.",
            "",
            "#### Personal and Sensitive Information",
            "",
            "Articles name public figures (politicians, military officials) and sometimes "
            "private individuals such as victims or witnesses, and report on ethnicity, "
            "nationality, religion and political opinions, as war reporting does. No "
            "anonymization is applied; the texts are kept as published.",
        ]
    )


def validation_section(summary: dict | None) -> str:
    """The validation summary: the verdict, the rules by severity, the quality warnings with
    their counts (from ``validation/summary.json``) and the table of suite runs."""
    lines = ["## Validation", ""]
    if summary is None:
        return "\n".join([*lines, "This release was built without validation (`--no-validate`)."])
    evaluated = sum(s["evaluated"] for s in summary["suites"])
    passed = sum(s["passed"] for s in summary["suites"])
    warned = sum(s.get("warned", 0) for s in summary["suites"])
    verdict = "passed" if summary["success"] else "FAILED"
    domain = load_domain_rules()
    critical = [rule for rule in domain.rules if rule.blocking]
    quality = [rule for rule in domain.rules if not rule.blocking]
    lines += [
        f"Validation {verdict}: {passed} of {evaluated} expectations passed"
        + (f" and {warned} quality expectation{'s' if warned > 1 else ''} warned" if warned else "")
        + f" over {len(summary['suites'])} suite runs (results in `validation/`). Great "
        f"Expectations {package_version('great-expectations')} ran on every config and split. "
        "Critical rules are invariants: one failure and the release is not published. Quality "
        "expectations are warnings (Great Expectations `severity: warning`): they are reported "
        "here and never block a release.",
        "",
        f"- `article.structural` (critical): {len(structural_rules())} expectations generated "
        "from `schemas/article.yaml` (column set and order, types, nullability, patterns, id "
        "uniqueness, ISO 639 language codes);",
        "- `parquet_schema` (critical): every shard's Arrow schema equals the declared one;",
        "- `accounting` (critical): the counts of `build_manifest.json` (documents in, kept per "
        "language and split, rejected) equal the rows of the shards and of the rejects;",
        f"- `article.domain`: {len(critical)} critical rules and {len(quality)} quality "
        "expectations, written by hand:",
        "",
    ]
    lines += [f"  - `{rule.name}` ({rule.severity}): {rule.explanation}" for rule in domain.rules]
    lines += ["", *quality_warnings(summary)]
    lines += [
        "",
        "| suite | config | split | passed | failed | warned |",
        "|---|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {s['suite']} | {s['config']} | {s['split']} | {s['passed']} | {s['failed']} "
        f"| {s.get('warned', 0)} |"
        for s in summary["suites"]
    ]
    return "\n".join(lines)


def quality_warnings(summary: dict) -> list[str]:
    """The quality section's lines: each failing warning rule with its count over the release."""
    warnings = [
        r for r in summary.get("rules", []) if r["severity"] == "warning" and not r["passed"]
    ]
    lines = ["### Quality warnings", ""]
    if not warnings:
        return [*lines, "Every quality expectation held on every config and split."]
    for rule in warnings:
        if rule["unexpected_count"] is not None:
            share = rule["unexpected_count"] / rule["element_count"] if rule["element_count"] else 0
            counts = f"{rule['unexpected_count']} of {rule['element_count']} articles ({share:.1%})"
        else:
            counts = f"failed on {rule['failed_runs']} of {rule['runs']} config/splits"
        ids = ", ".join(f"`{i}`" for i in rule["unexpected_ids"][:5])
        lines.append(f"- `{rule['rule']}`: {counts}" + (f"; e.g. ids {ids}" if ids else ""))
    return lines


def limitations_section(stats, manifest: dict) -> str:
    total = sum(s.rows for s in stats.values())
    dated = sum(len(s.dates) for s in stats.values())
    with_publisher = sum(s.filled["publisher"] for s in stats.values())
    documents = manifest.get("counts", {}).get("documents_in", 0)
    return "\n".join(
        [
            "## Bias, Risks, and Limitations",
            "",
            f"- **Size:** this release is built from {documents} raw documents; it is far too "
            "small for statistics about coverage and should be read as a sample.",
            "- **Machine-detected languages:** labels come from a fastText model; short or mixed "
            "texts can be mislabelled. Filter on `language_score` when precision matters.",
            "- **Heuristic boilerplate removal:** rules remove navigation, share lines and "
            "widgets; some boilerplate can remain and some article lines can be lost.",
            f"- **Dates and publishers are often missing:** {dated} of {total} articles have a "
            f"`published_date` and {with_publisher} of {total} a `publisher`; a missing value is "
            "null, never a guess, and dates carry no time zone.",
            "- **Selection bias:** the documents were collected by hand or by scraping selected "
            "sites; languages, outlets and periods are unevenly represented, and partisan "
            "outlets of both sides are included as published.",
            "- **Event-level overlap:** different articles about one event can sit in different "
            "splits (see the leakage statement).",
            "- **Reposts and machine-translated copies:** outlets republish agency stories and "
            "other outlets' articles, sometimes machine-translated. A repost is a row of its own "
            "with the repost's date, publisher and language: `published_date` is when that copy "
            "appeared, which can be months after the original story. A translated copy is not "
            "linked to its original (near-duplicate detection compares wording, so it works "
            "within one language). Count events, not rows, before reading timing or volume.",
            "- **Copyright:** the texts are third-party copyrighted news (see below).",
            "",
            "### Recommendations",
            "",
            "Report the release version you used; check `language_score` and the null rates "
            "before comparing languages; treat outlets' claims as claims; do not redistribute "
            "the texts outside research use.",
        ]
    )


def licensing_section() -> str:
    return "\n".join(
        [
            "## Licensing and copyright",
            "",
            "The article texts (`title`, `text`, `published_date_raw`, `publisher`) are "
            "copyrighted by their original publishers and are **not** licensed by us. They are "
            "provided for non-commercial research (text and data mining) where the law of your "
            "jurisdiction allows it; you are responsible for checking that your use is lawful. "
            "Rights holders who want an article removed can ask the maintainers, and it will be "
            "dropped in the next release. Everything we created (ids, language labels and "
            "scores, clusters, splits, validation results, this card, croissant.json and the "
            f"code) is licensed under CC-BY-4.0. Hence `license: other` (see `{LICENSE_NAME}`).",
        ]
    )


def citation_section(citation: dict) -> str:
    return "\n".join(
        [
            "## Citation",
            "",
            "**BibTeX** (generated from `CITATION.cff`):",
            "",
            "```bibtex",
            to_bibtex(citation),
            "```",
            "",
            "**APA:**",
            "",
            to_apa(citation),
            "",
            "Please also cite the original outlets when you quote article texts.",
        ]
    )


def more_information_section(collection: dict[str, Any]) -> str:
    curators = ", ".join(collection["curators"])
    return "\n".join(
        [
            "## Glossary",
            "",
            '- **config:** a subset loadable by name (`load_dataset(path, "fr")`); one per '
            "language plus `all`.",
            "- **near-duplicate cluster:** articles whose MinHash similarity links them "
            "(re-posts, lightly edited copies).",
            "- **reject:** a raw file that did not become an article, with a reason code.",
            "",
            "## More Information",
            "",
            "Files of the release: `data/` (Parquet, zstd, rows sorted by `id`), `rejects/` "
            "(dropped files with reasons), `validation/` (Great Expectations results and "
            "`summary.json`), `build_manifest.json` (versions, settings, raw sha256s, counts), "
            "`croissant.json` (Croissant 1.1 + RAI 1.0), `CITATION.cff`, `checksums.sha256` "
            "(verify with `sha256sum -c checksums.sha256`), and `CHANGELOG.md`/`diff.json` when "
            "built against a previous release.",
            "",
            "## Dataset Card Authors",
            "",
            "Generated by the `karabakh-news` build package from the release itself; maintained "
            f"by {curators}.",
            "",
            "## Dataset Card Contact",
            "",
            f"{curators}, through the issues or discussions of {collection['repository']}.",
        ]
    )


LICENSE_TEXT = """# License

This release mixes material under two regimes.

1. **Article texts** (`title`, `text`, `published_date_raw`, `publisher` columns, and the `text`
   column of `rejects/rejects.parquet`): copyright of their original publishers. They are not
   licensed by the Karabakh News maintainers and are provided for non-commercial research (text
   and data mining) where the applicable law permits it. Rights holders may request removal.
2. **Everything else** (ids, language labels and scores, scripts, duplicate clusters, splits,
   validation results, dataset card, croissant.json, CITATION.cff, build code): Creative Commons
   Attribution 4.0 International (CC-BY-4.0), https://creativecommons.org/licenses/by/4.0/
"""


# ---------------------------------------------------------------- write and check


def write_card(release_dir: Path, repo_id: str | None = None) -> Path:
    """Write ``LICENSE.md`` and ``README.md`` into the release; returns the card path.

    Raises ValueError listing every problem when the generated metadata fails our own checks.
    """
    (release_dir / LICENSE_NAME).write_text(LICENSE_TEXT, encoding="utf-8")
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
