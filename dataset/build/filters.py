"""The filter steps an extracted document must pass, in order; the first failure is its reject.

Each is a step (``dataset.build.steps``): ``ExtractedDocument -> ExtractedDocument | Reject``,
declaring the reason codes it may give.
"""

from __future__ import annotations

import functools

from dataset.build.clean import Paragraph, normalized_lines
from dataset.build.language import detect_languages
from dataset.build.steps import ExtractedDocument, declares
from dataset.config import BuildConfig
from dataset.records import Article, Reject
from dataset.schema import article_schema


@declares("boilerplate_only")
def require_body(doc: ExtractedDocument, config: BuildConfig) -> ExtractedDocument | Reject:
    """Reject a document whose cleaned body is empty: nothing but boilerplate remained."""
    name = doc.raw.source_file
    if not doc.extraction.text:
        detail = f"{name}: nothing but boilerplate remained"
        language = detect_page_language(doc.raw.text)
        return Reject(name, doc.raw.raw_sha256, "boilerplate_only", detail, language=language)
    return doc


def detect_page_language(text: str) -> str | None:
    """The language of a whole page, furniture included; None when it has no letters to read.

    For a page whose body is empty after cleaning: its menus, teasers and headlines are still
    words of the page's language, and the rejects table records which languages were dropped.
    A page of symbols and digits gets None, not the detector's guess.
    """
    lines = normalized_lines(text)
    found = detect_languages([Paragraph(line) for line in lines])
    return found.language if found.script is not None else None


@declares("too_short")
def require_min_length(doc: ExtractedDocument, config: BuildConfig) -> ExtractedDocument | Reject:
    """Reject a cleaned body shorter than ``config.min_text_chars``."""
    name, text = doc.raw.source_file, doc.extraction.text
    if len(text) < config.min_text_chars:
        return Reject(
            name,
            doc.raw.raw_sha256,
            "too_short",
            f"{name}: cleaned body has {len(text)} characters, under "
            f"min_text_chars={config.min_text_chars}",
            text=text,
            language=doc.extraction.language,
        )
    return doc


@declares("too_long")
def require_max_length(doc: ExtractedDocument, config: BuildConfig) -> ExtractedDocument | Reject:
    """Reject a cleaned body longer than ``config.max_text_chars`` (several pages in one file)."""
    name, text = doc.raw.source_file, doc.extraction.text
    if len(text) > config.max_text_chars:
        return Reject(
            name,
            doc.raw.raw_sha256,
            "too_long",
            f"{name}: cleaned body has {len(text)} characters, over "
            f"max_text_chars={config.max_text_chars}; split the file into its articles",
            language=doc.extraction.language,
        )
    return doc


@declares("language_uncertain")
def require_language(doc: ExtractedDocument, config: BuildConfig) -> ExtractedDocument | Reject:
    """Reject a document without a language scored at ``config.language_score_threshold``."""
    ex = doc.extraction
    if ex.language is None or ex.language_score < config.language_score_threshold:
        name = doc.raw.source_file
        return Reject(
            name,
            doc.raw.raw_sha256,
            "language_uncertain",
            f"{name}: language {ex.language} scored {ex.language_score:.2f}, under "
            f"language_score_threshold={config.language_score_threshold}",
            text=ex.text,
            language=ex.language,
        )
    return doc


@declares("unknown_script")
def require_script(doc: ExtractedDocument, config: BuildConfig) -> ExtractedDocument | Reject:
    """Reject a body with no letter of a script ``dataset.build.language`` knows."""
    ex = doc.extraction
    if ex.script is None:
        name = doc.raw.source_file
        return Reject(
            name,
            doc.raw.raw_sha256,
            "unknown_script",
            f"{name}: no letter of a known script in the body's sample (language {ex.language}); "
            "add the script to dataset/build/language.py if it is a real article",
            text=ex.text,
            language=ex.language,
        )
    return doc


@declares("invalid_record")
def require_columns(doc: ExtractedDocument, config: BuildConfig) -> ExtractedDocument | Reject:
    """Reject an extraction that cannot fill a required column of schemas/article.yaml.

    Checked per document, so such a document is a reject naming the file instead of a failure
    of the whole build when its row is written.
    """
    name, sha = doc.raw.source_file, doc.raw.raw_sha256
    row = Article("0" * 16, name, sha, doc.extraction, "0" * 16).to_row()
    empty = [column for column in required_columns() if row.get(column) is None]
    if empty:
        return Reject(
            name,
            sha,
            "invalid_record",
            f"{name}: required column {empty[0]} is empty after extraction; report it with this "
            "file",
            text=doc.extraction.text,
            language=doc.extraction.language,
        )
    return doc


@functools.cache
def required_columns() -> tuple[str, ...]:
    """The non-nullable columns of schemas/article.yaml."""
    return tuple(column.name for column in article_schema().columns if not column.nullable)


FILTERS = (
    require_body,
    require_min_length,
    require_max_length,
    require_language,
    require_script,
    require_columns,
)
