"""croissant.json: Croissant 1.1 + RAI 1.0 metadata of a release, generated from its files.

- ``distribution``: one ``cr:FileObject`` per Parquet file (shards and rejects) with its sha256,
  plus a ``cr:FileSet`` over the shards for the ``articles`` record set.
- ``recordSet``: ``splits`` (``cr:Split``), ``articles`` (fields from schemas/article.yaml, the
  split read from the shard's path) and ``rejects`` (read from its FileObject, so reading it
  checks that file's sha256).
- RAI fields that apply: collection, collection type, missing data, raw data, preprocessing,
  machine annotation tools, biases, limitations, personal information, use cases, maintenance.

Every description and RAI text is a Jinja2 string template in ``templates/croissant.yaml``, fed
the release's facts (``dataset.release.facts.ReleaseFacts``) that the card is fed too.

mlcroissant accepts misspelled ``rai:`` keys and missing "required" keys silently, so
``croissant_problems`` checks them itself.
"""

from __future__ import annotations

import copy
import functools
import importlib.resources
from pathlib import Path
from typing import Any

import yaml

from dataset.build.write import write_json
from dataset.config import SPLIT_NAMES
from dataset.release.citation import to_bibtex
from dataset.release.facts import ReleaseFacts
from dataset.release.integrity import sha256_file
from dataset.release.prose import render_string
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


# The JSON-LD context mlcroissant writes for Croissant 1.1 (``make_context`` of mlcroissant 1.1,
# with ``Context(conforms_to=CroissantVersion.V_1_1)``), written out so that a build does not
# import mlcroissant (0.6-1.2 s of CPU); a test compares it with mlcroissant's own.
CROISSANT_CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def croissant_context() -> dict[str, Any]:
    """The JSON-LD context mlcroissant itself writes for Croissant 1.1 (avoids its warning)."""
    return copy.deepcopy(CROISSANT_CONTEXT)


def build_croissant(release_dir: Path, repo_id: str | None = None) -> dict[str, Any]:
    """The croissant.json document of a release (deterministic for an unchanged release).

    ``repo_id`` overrides the Hub id of the build's collection.repository. The prose comes from
    ``templates/croissant.yaml``, fed the same facts as the card.
    """
    facts = ReleaseFacts(release_dir, repo_id)
    prose = croissant_prose(facts)
    layout = facts.layout
    home = (
        f"https://huggingface.co/datasets/{facts.repo_id}"
        if facts.repo_id
        else facts.collection["repository"]
    )
    creators = [{"@type": "sc:Organization", "name": name} for name in facts.collection["curators"]]
    version = facts.version
    shards = sorted(
        p for lang in layout.languages for s in layout.splits(lang) for p in layout.files(lang, s)
    )
    files = [*shards, "rejects/rejects.parquet"]
    return {
        "@context": croissant_context(),
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": "karabakh-news",
        "alternateName": facts.pretty_name,
        "description": prose["description"],
        "license": f"{home}/blob/v{version}/{facts.license_name}",
        "url": f"{home}/tree/v{version}",
        "creator": creators[0] if len(creators) == 1 else creators,
        "datePublished": facts.manifest.get("build_date") or facts.citation["date-released"],
        "version": version,
        "citeAs": to_bibtex(facts.citation),
        "inLanguage": layout.languages,
        "keywords": [str(k) for k in facts.citation.get("keywords", [])],
        "isLiveDataset": False,
        "distribution": [file_object(release_dir, f) for f in files]
        + [
            {
                "@type": "cr:FileSet",
                "@id": "article-shards",
                "name": "article-shards",
                "description": prose["article_shards"],
                "encodingFormat": PARQUET,
                "includes": "data/*/*.parquet",
            }
        ],
        "recordSet": [
            splits_record_set(layout.splits("all")),
            table_record_set(
                article_schema(),
                "articles",
                {"fileSet": {"@id": "article-shards"}},
                prose["split_field"],
            ),
            table_record_set(
                reject_schema(),
                "rejects",
                {"fileObject": {"@id": "rejects/rejects.parquet"}},
                None,
            ),
        ],
        **prose["rai"],
    }


@functools.cache
def croissant_templates() -> dict[str, Any]:
    """``templates/croissant.yaml``: the prose of croissant.json as Jinja2 string templates."""
    source = importlib.resources.files("dataset.release") / "templates" / "croissant.yaml"
    return yaml.safe_load(source.read_text(encoding="utf-8"))


def croissant_prose(facts: ReleaseFacts) -> dict[str, Any]:
    """Every string of ``croissant_templates`` rendered with ``facts`` (lists and mappings kept)."""

    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: fill(item) for key, item in value.items()}
        if isinstance(value, list):
            return [fill(item) for item in value]
        return render_string(value, release=facts)

    return fill(croissant_templates())


def file_object(release_dir: Path, relative: str) -> dict[str, Any]:
    """The ``cr:FileObject`` of the file at ``relative`` (a path inside the release folder).

    Its ``@id``, name and ``contentUrl`` are the relative path; size and sha256 are read from
    the file, so the file must exist.
    """
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
    """The ``splits`` record set (``cr:Split``), one row per split in ``splits``."""
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
    """The ``cr:Field`` of one declared column of record set ``record_set``, read from ``source``.

    A ``list<struct>`` column is an array field whose ``subField``s are its record's fields,
    each read from the column by ``jsonPath``.
    """
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
    schema: TableSchema, name: str, source: dict[str, Any], split_description: str | None
) -> dict[str, Any]:
    """The record set ``name``: one field per declared column of ``schema``.

    Field descriptions come from schemas/; every field is extracted from ``source`` (a
    ``fileSet`` or ``fileObject`` reference). When ``split_description`` is given, a ``split``
    field is added, read from the shard's path and referencing the ``splits`` record set.
    """
    fields = []
    for column in schema.columns:
        fields.append(column_field(column, name, source))
    if split_description is not None:
        fields.append(
            {
                "@type": "cr:Field",
                "@id": f"{name}/split",
                "name": "split",
                "description": split_description,
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
