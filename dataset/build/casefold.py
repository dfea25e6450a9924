"""Casefolding of whole texts, remembered for the next step of the batch.

A body is casefolded twice per document: by ``dataset.build.entities.annotate`` (matching) and
by ``dataset.build.dedupe.canonical_text`` (dedupe keys), one batch step later. ``casefold``
keeps the last MEMO_SIZE answers, so the second asks for what the first computed (a third of
the cost of the dedupe keys of a 3 KB body).
"""

from __future__ import annotations

# Texts remembered: a batch is 128 documents, two texts each (title and body) are folded.
MEMO_SIZE = 1024
MEMO_MAX_CHARS = 1 << 20  # longer texts are folded, not kept
_MEMO: dict[str, str] = {}


def casefold(text: str) -> str:
    """``text.casefold()``; the last MEMO_SIZE texts' answers are kept, first in first out."""
    folded = _MEMO.get(text)
    if folded is None:
        folded = text.casefold()
        if len(text) <= MEMO_MAX_CHARS:
            if len(_MEMO) >= MEMO_SIZE:
                del _MEMO[next(iter(_MEMO))]
            _MEMO[text] = folded
    return folded
