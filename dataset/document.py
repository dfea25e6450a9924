"""Per-document extraction entry point: raw text -> ``Extraction``.

``parse_document`` is a pure function of its input and of the reference date that bounds the
published date (today when not given): it never raises on any ``str`` and returns the same result
for the same text and day.
The steps, in order, live in their own modules:

1. normalize        dataset.clean.normalize_text    NFC, ftfy repair, line ends, invisibles
2. split lines      dataset.clean.split_lines       one paragraph per non-empty line
3. metadata         dataset.extract.extract_metadata title, date (+ raw), publisher
4. boilerplate      dataset.clean.remove_boilerplate body + captions, furniture removed
5. languages        dataset.detect.detect_languages language, score, script, other languages
6. join body        dataset.clean.join_body         body paragraphs joined by a blank line
"""

from __future__ import annotations

import datetime as dt

from dataset.clean import join_body, normalize_text, remove_boilerplate, split_lines
from dataset.detect import detect_languages
from dataset.extract import extract_metadata
from dataset.records import Extraction


def parse_document(text: str, reference_date: dt.date | None = None) -> Extraction:
    """Turn one decoded document into an ``Extraction`` (never raises on any string).

    Published dates after ``reference_date`` (default: today) are refused as impossible.
    """
    normalized = normalize_text(text)
    lines = split_lines(normalized)
    meta = extract_metadata(lines, reference_date)
    paragraphs = remove_boilerplate(lines, skip=meta.header_lines, title=meta.title)
    languages = detect_languages(paragraphs)
    body = join_body(paragraphs)
    return Extraction(
        title=meta.title,
        text=body,
        published_date=meta.published_date,
        published_date_raw=meta.published_date_raw,
        publisher=meta.publisher,
        language=languages.language if body else None,
        language_score=languages.language_score if body else 0.0,
        script=languages.script if body else None,
        other_languages=languages.other_languages if body else (),
    )
