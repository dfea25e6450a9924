"""croissant.json: Croissant 1.1 + RAI 1.0 metadata of a release, generated from its files.

- ``distribution``: one ``cr:FileObject`` per Parquet file (shards and rejects) with its sha256,
  plus a ``cr:FileSet`` over the shards for the ``articles`` record set.
- ``recordSet``: ``splits`` (``cr:Split``), ``articles`` (fields from schemas/article.yaml, the
  split read from the shard's path) and ``rejects`` (read from its FileObject, so reading it
  checks that file's sha256).
- RAI fields that apply: collection, collection type, missing data, raw data, preprocessing,
  machine annotation tools, biases, limitations, personal information, use cases, maintenance.

mlcroissant accepts misspelled ``rai:`` keys and missing "required" keys silently, so
``croissant_problems`` checks them itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dataset.build.write import write_json
from dataset.config import SPLIT_NAMES
from dataset.release.card import (
    LICENSE_NAME,
    PRETTY_NAME,
    card_repo_id,
    package_version,
    release_collection,
)
from dataset.release.citation import CFF_NAME, load_citation, to_bibtex
from dataset.release.integrity import sha256_file
from dataset.release.layout import read_layout
from dataset.release.manifest import read_manifest
from dataset.schema import Column, TableSchema, article_schema, reject_schema

CROISSANT_NAME = "croissant.json"
CONFORMS_TO = ["http://mlcommons.org/croissant/1.1", "http://mlcommons.org/croissant/RAI/1.0"]
REQUIRED_KEYS = ("name", "description", "license", "url", "creator", "datePublished")
RAI_KEYS = (
    "rai:dataCollection",
    "rai:dataCollectionType",
    "rai:dataCollectionMissingData",
    "rai:dataCollectionRawData",
    "rai:dataPreprocessingProtocol",
    "rai:machineAnnotationTools",
    "rai:dataBiases",
    "rai:dataLimitations",
    "rai:personalSensitiveInformation",
    "rai:dataUseCases",
    "rai:dataReleaseMaintenancePlan",
    # Spec keys this release does not fill (no human annotation, no imputation; the collection
    # period is free text, while rai:dataCollectionTimeframe takes dates):
    "rai:dataCollectionTimeframe",
    "rai:dataImputationProtocol",
    "rai:dataManipulationProtocol",
    "rai:dataAnnotationProtocol",
    "rai:dataAnnotationPlatform",
    "rai:dataAnnotationAnalysis",
    "rai:annotationsPerItem",
    "rai:annotatorDemographics",
    "rai:dataSocialImpact",
)
DATA_TYPES = {
    "string": "sc:Text",
    "float32": "sc:Float",
    "date32": "sc:Date",
    "timestamp": "sc:DateTime",
    "list<string>": "sc:Text",
    "int32": "sc:Integer",
}
SPLIT_URLS = {
    "train": "cr:TrainingSplit",
    "validation": "cr:ValidationSplit",
    "test": "cr:TestSplit",
}
# mlcroissant 1.1 applies a field's transform twice when the field references another record
# set: once to the file path (before the join with `splits`) and again to the joined value. The
# shard-name part is therefore optional, so the second pass matches the bare split name instead
# of logging "Could not match ..." for every row.
SHARD_SPLIT_REGEX = r"^(?:.*/)?(train|validation|test)(?:-\d{5}-of-\d{5}\.parquet)?$"
PARQUET = "application/x-parquet"


def croissant_context() -> dict[str, Any]:
    """The JSON-LD context mlcroissant itself writes for Croissant 1.1 (avoids its warning)."""
    from mlcroissant._src.core.context import Context, CroissantVersion
    from mlcroissant._src.core.rdf import make_context

    return make_context(Context(conforms_to=CroissantVersion.V_1_1))


def build_croissant(release_dir: Path, repo_id: str | None = None) -> dict[str, Any]:
    """The croissant.json document of a release (deterministic for an unchanged release).

    ``repo_id`` overrides the Hub id of the build's collection.repository.
    """
    layout = read_layout(release_dir)
    manifest = read_manifest(release_dir)
    collection = release_collection(manifest)
    repo_id = card_repo_id(manifest, repo_id)
    home = f"https://huggingface.co/datasets/{repo_id}" if repo_id else collection["repository"]
    creators = [{"@type": "sc:Organization", "name": name} for name in collection["curators"]]
    citation = load_citation(release_dir / CFF_NAME)
    version = manifest["release_version"]
    shards = sorted(
        p for lang in layout.languages for s in layout.splits(lang) for p in layout.files(lang, s)
    )
    files = [*shards, "rejects/rejects.parquet"]
    counts = manifest.get("counts", {})
    config = manifest.get("config", {})
    return {
        "@context": croissant_context(),
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": "karabakh-news",
        "alternateName": PRETTY_NAME,
        "description": (
            f"{PRETTY_NAME} {version}: {counts.get('kept', 0)} news articles about the "
            f"Nagorno-Karabakh conflict in {len(layout.languages)} languages, cleaned, "
            "language-identified, deduplicated and split without leakage."
        ),
        "license": f"{home}/blob/v{version}/{LICENSE_NAME}",
        "url": f"{home}/tree/v{version}",
        "creator": creators[0] if len(creators) == 1 else creators,
        "datePublished": manifest.get("build_date") or citation["date-released"],
        "version": version,
        "citeAs": to_bibtex(citation),
        "inLanguage": layout.languages,
        "keywords": [str(k) for k in citation.get("keywords", [])],
        "isLiveDataset": False,
        "distribution": [file_object(release_dir, f) for f in files]
        + [
            {
                "@type": "cr:FileSet",
                "@id": "article-shards",
                "name": "article-shards",
                "description": "Every article shard: data/{language}/{split}-*.parquet.",
                "encodingFormat": PARQUET,
                "includes": "data/*/*.parquet",
            }
        ],
        "recordSet": [
            splits_record_set(layout.splits("all")),
            table_record_set(
                article_schema(), "articles", {"fileSet": {"@id": "article-shards"}}, True
            ),
            table_record_set(
                reject_schema(),
                "rejects",
                {"fileObject": {"@id": "rejects/rejects.parquet"}},
                False,
            ),
        ],
        **rai_fields(manifest, config, layout.languages),
    }


def file_object(release_dir: Path, relative: str) -> dict[str, Any]:
    return {
        "@type": "cr:FileObject",
        "@id": relative,
        "name": relative,
        "contentUrl": relative,
        "contentSize": f"{(release_dir / relative).stat().st_size} B",
        "encodingFormat": PARQUET,
        "sha256": sha256_file(release_dir / relative),
    }


def splits_record_set(splits: list[str]) -> dict[str, Any]:
    return {
        "@type": "cr:RecordSet",
        "@id": "splits",
        "name": "splits",
        "dataType": "cr:Split",
        "key": {"@id": "splits/name"},
        "field": [
            {"@type": "cr:Field", "@id": "splits/name", "name": "name", "dataType": "sc:Text"},
            {"@type": "cr:Field", "@id": "splits/url", "name": "url", "dataType": "sc:URL"},
        ],
        "data": [
            {"splits/name": s, "splits/url": SPLIT_URLS[s]} for s in SPLIT_NAMES if s in splits
        ],
    }


def column_field(column: Column, record_set: str, source: dict[str, Any]) -> dict[str, Any]:
    """The ``cr:Field`` of one declared column; a ``list<struct>`` column is an array field
    whose ``subField``s are its record's fields, each read from the column by ``jsonPath``."""
    entry: dict[str, Any] = {
        "@type": "cr:Field",
        "@id": f"{record_set}/{column.name}",
        "name": column.name,
        "description": column.description,
        "source": {**source, "extract": {"column": column.name}},
    }
    if column.fields:
        entry["subField"] = [
            {
                "@type": "cr:Field",
                "@id": f"{record_set}/{column.name}/{sub.name}",
                "name": sub.name,
                "description": sub.description,
                "dataType": DATA_TYPES[sub.type],
                "source": {
                    **source,
                    "extract": {"column": column.name},
                    "transform": {"jsonPath": sub.name},
                },
            }
            for sub in column.fields
        ]
    else:
        entry["dataType"] = DATA_TYPES[column.type]
    if column.type.startswith("list<"):
        entry["isArray"] = True
        entry["arrayShape"] = "-1"
    return entry


def table_record_set(
    schema: TableSchema, name: str, source: dict[str, Any], with_split: bool
) -> dict[str, Any]:
    """A record set whose fields are the declared columns of ``schema``."""
    fields = []
    for column in schema.columns:
        fields.append(column_field(column, name, source))
    if with_split:
        fields.append(
            {
                "@type": "cr:Field",
                "@id": f"{name}/split",
                "name": "split",
                "description": "The split, read from the shard's file name.",
                "dataType": "sc:Text",
                "references": {"field": {"@id": "splits/name"}},
                "source": {
                    **source,
                    "extract": {"fileProperty": "fullpath"},
                    "transform": {"regex": SHARD_SPLIT_REGEX},
                },
            }
        )
    return {
        "@type": "cr:RecordSet",
        "@id": name,
        "name": name,
        "description": schema.description,
        "key": {"@id": f"{name}/{schema.primary_key}"},
        "field": fields,
    }


def rai_fields(manifest: dict, config: dict, languages: list[str]) -> dict[str, Any]:
    counts = manifest.get("counts", {})
    collection = release_collection(manifest)
    return {
        "rai:dataCollection": (
            "News articles about the Nagorno-Karabakh conflict, copied or scraped from news web "
            "pages as plain UTF-8 text files and locked by sha256 (see build_manifest.json). "
            f"{collection['description']} Selection: {collection['selection']}. "
            f"Collection period: {collection['period']}."
        ),
        "rai:dataCollectionType": ["Web Scraping", "Manual Human Curator"],
        "rai:dataCollectionMissingData": (
            "title, publisher and published_date are null when the document does not state them "
            "(never guessed); rejected documents are listed with a reason in rejects/."
        ),
        "rai:dataCollectionRawData": (
            f"{counts.get('documents_in', 0)} raw text files; their sha256 and sizes are in "
            "build_manifest.json. The raw files themselves are not redistributed."
        ),
        "rai:dataPreprocessingProtocol": [
            "Unicode NFC normalization and rule-based boilerplate removal.",
            f"Reject bodies shorter than {config.get('min_text_chars')} characters or longer "
            f"than {config.get('max_text_chars')}.",
            f"Language identification with fastText lid.176 (fasttext-predict-v2 "
            f"{package_version('fasttext-predict-v2')}); reject scores under "
            f"{config.get('language_score_threshold')}.",
            "Exact-duplicate removal; near-duplicate clustering with MinHash "
            f"({config.get('minhash_permutations')} permutations, Jaccard "
            f"{config.get('near_duplicate_threshold')}).",
            "Split assignment by a hash of the near-duplicate cluster id.",
        ],
        "rai:machineAnnotationTools": [
            f"fasttext-predict-v2 {package_version('fasttext-predict-v2')} (fastText lid.176)",
            f"rensa {package_version('rensa')} (MinHash permutations)",
            f"dateparser {package_version('dateparser')}",
        ],
        "rai:dataBiases": [
            "Uneven coverage of languages, outlets and periods: it holds what was collected.",
            "Partisan and state-affiliated outlets of the parties to the conflict are included as "
            "published; their framing is part of the data.",
        ],
        "rai:dataLimitations": [
            "Machine-detected languages can be wrong on short or mixed texts.",
            "Heuristic boilerplate removal can leave boilerplate or drop article lines.",
            "Dates and publishers are often missing; dates carry no time zone.",
            "Different articles about one event can fall into different splits.",
            "Article texts are third-party copyrighted; research use only.",
        ],
        "rai:personalSensitiveInformation": [
            "Names of public figures and sometimes of private individuals (victims, witnesses).",
            "Reports on ethnicity, nationality, religion and political opinions; not anonymized.",
        ],
        "rai:dataUseCases": [
            f"Research on multilingual news coverage of the conflict ({', '.join(languages)}).",
            "Language identification, extraction and deduplication benchmarks.",
        ],
        "rai:dataReleaseMaintenancePlan": [
            "Semantic versions tagged vX.Y.Z on the Hub; every release ships a changelog, a diff "
            "against the previous one, validation results and checksums.",
        ],
    }


def write_croissant(release_dir: Path, repo_id: str | None = None) -> Path:
    """Write ``croissant.json``; raises ValueError when our own checks find a problem."""
    document = build_croissant(release_dir, repo_id)
    problems = croissant_problems(document)
    if problems:
        raise ValueError("generated croissant.json is invalid: " + "; ".join(problems))
    path = release_dir / CROISSANT_NAME
    write_json(document, path)
    return path


def croissant_problems(document: dict[str, Any]) -> list[str]:
    """Checks mlcroissant does not make: required keys, conformsTo, ``rai:`` key spelling."""
    problems = [f"missing required key {key!r}" for key in REQUIRED_KEYS if not document.get(key)]
    if document.get("conformsTo") != CONFORMS_TO:
        problems.append(f"conformsTo must be {CONFORMS_TO}")
    unknown = sorted(k for k in document if k.startswith("rai:") and k not in RAI_KEYS)
    problems += [f"unknown RAI key {k!r} (known: {', '.join(RAI_KEYS)})" for k in unknown]
    for record_set in document.get("recordSet", []):
        for entry in record_set.get("field", []):
            for leaf in entry.get("subField") or [entry]:
                if not leaf.get("dataType"):
                    problems.append(f"field {leaf.get('@id')} has no dataType")
    return problems
