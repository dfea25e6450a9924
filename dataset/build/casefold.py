"""Casefolding of whole texts, remembered for the next step of the batch.

A body is casefolded twice per document: by ``dataset.build.entities.annotate`` (matching) and
by ``dataset.build.dedupe.canonical_text`` (dedupe keys), one batch step later. ``casefold``
keeps its last answers, up to MEMO_CHARS characters of texts, so the second asks for what the
first computed (a fifth of the cost of the dedupe keys of a 3 KB body).
"""

from __future__ import annotations

# Characters of texts kept, oldest forgotten first: a batch (dataset.runtime.engine.BATCH_SIZE,
# 128 documents of 1-10 KB, title and body) needs about a million; the answers take as much
# again, so at most ~16-32 MB.
MEMO_CHARS = 1 << 22


class _Memo(dict[str, str]):
    """Answers by text, in the order they came, with the characters of the texts kept."""

    chars = 0


_MEMO = _Memo()


def casefold(text: str) -> str:
    """``text.casefold()``; recent answers are kept (see MEMO_CHARS), the oldest dropped first."""
    memo = _MEMO
    folded = memo.get(text)
    if folded is None:
        folded = text.casefold()
        if len(text) <= MEMO_CHARS:
            memo[text] = folded
            memo.chars += len(text)
            while memo.chars > MEMO_CHARS:
                oldest = next(iter(memo))
                memo.chars -= len(oldest)
                del memo[oldest]
    return folded
