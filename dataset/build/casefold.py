"""Casefolding and NFC of whole texts, remembered for the next step of the batch.

A body is normalized to NFC and casefolded twice per document: by
``dataset.build.entities.annotate`` (matching) and by ``dataset.build.dedupe.canonical_text``
(dedupe keys), one batch step later. ``casefold`` and ``nfc`` keep their last answers, up to
MEMO_CHARS characters of texts each, so the second asks for what the first computed (a fifth
of the cost of the dedupe keys of a 3 KB body for casefold; NFC's check of a 3 KB body costs
about 25 instructions a character).
"""

from __future__ import annotations

import unicodedata

# Characters of texts kept, oldest forgotten first: a batch (dataset.runtime.engine.BATCH_SIZE,
# 128 documents of 1-10 KB, title and body) needs about a million; the answers take as much
# again, so at most ~16-32 MB.
MEMO_CHARS = 1 << 22


class _Memo(dict[str, str]):
    """Answers by text, in the order they came, with the characters of the texts kept."""

    chars = 0


_MEMO = _Memo()
_NFC_MEMO = _Memo()


def casefold(text: str) -> str:
    """``text.casefold()``; recent answers are kept (see MEMO_CHARS), the oldest dropped first."""
    memo = _MEMO
    folded = memo.get(text)
    if folded is None:
        folded = _remember(memo, text, text.casefold())
    return folded


def nfc(text: str) -> str:
    """``unicodedata.normalize("NFC", text)``, kept as ``casefold`` keeps its answers.

    A text already in NFC is its own answer (the same object).
    """
    memo = _NFC_MEMO
    normal = memo.get(text)
    if normal is None:
        normal = (
            text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
        )
        _remember(memo, text, normal)
    return normal


def _remember(memo: _Memo, text: str, answer: str) -> str:
    """Keep ``answer`` for ``text`` in ``memo``, dropping the oldest beyond MEMO_CHARS."""
    if len(text) <= MEMO_CHARS:
        memo[text] = answer
        memo.chars += len(text)
        while memo.chars > MEMO_CHARS:
            oldest = next(iter(memo))
            memo.chars -= len(oldest)
            del memo[oldest]
    return answer
