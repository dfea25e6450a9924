"""The filters an extracted document must pass: each failure is a ``Reject`` with its reason."""

from __future__ import annotations

import functools

from dataset.config import BuildConfig
from dataset.records import Article, Extraction, RawDocument, Reject
from dataset.schema import article_schema


def check_quality(raw: RawDocument, ex: Extraction, config: BuildConfig) -> Reject | None:
    """The filters an extracted document must pass; a failure is a ``Reject`` with its reason."""
    name, sha = raw.source_file, raw.raw_sha256
    if not ex.text:
        return Reject(name, sha, "boilerplate_only", f"{name}: nothing but boilerplate remained")
    if len(ex.text) < config.min_text_chars:
        return Reject(
            name,
            sha,
            "too_short",
            f"{name}: cleaned body has {len(ex.text)} characters, under "
            f"min_text_chars={config.min_text_chars}",
            text=ex.text,
        )
    if len(ex.text) > config.max_text_chars:
        return Reject(
            name,
            sha,
            "too_long",
            f"{name}: cleaned body has {len(ex.text)} characters, over "
            f"max_text_chars={config.max_text_chars}; split the file into its articles",
        )
    if ex.language is None or ex.language_score < config.language_score_threshold:
        return Reject(
            name,
            sha,
            "language_uncertain",
            f"{name}: language {ex.language} scored {ex.language_score:.2f}, under "
            f"language_score_threshold={config.language_score_threshold}",
            text=ex.text,
        )
    return None


def check_record(raw: RawDocument, ex: Extraction) -> Reject | None:
    """A reject when the extraction cannot fill a required column of schemas/article.yaml.

    Checked per document, so such a document is a reject naming the file instead of a failure
    of the whole build when its row is written.
    """
    name, sha = raw.source_file, raw.raw_sha256
    if ex.script is None:
        return Reject(
            name,
            sha,
            "unknown_script",
            f"{name}: no letter of a known script in the body's sample (language {ex.language}); "
            "add the script to dataset/build/language.py if it is a real article",
            text=ex.text,
        )
    row = Article("0" * 16, name, sha, ex, "0" * 16).to_row()
    empty = [column for column in required_columns() if row.get(column) is None]
    if empty:
        return Reject(
            name,
            sha,
            "invalid_record",
            f"{name}: required column {empty[0]} is empty after extraction; report it with this "
            "file",
            text=ex.text,
        )
    return None


@functools.cache
def required_columns() -> tuple[str, ...]:
    """The non-nullable columns of schemas/article.yaml."""
    return tuple(column.name for column in article_schema().columns if not column.nullable)
