"""The remembered casefold (dataset.build.casefold) answers as str.casefold, before and after
it forgets."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from dataset.build import casefold as casefold_module
from dataset.build.casefold import casefold, nfc

TEXTS = [
    "Ադրբեջանի ԵՎ Հայաստանի",
    "ИЗ МОСКВЫ В БАКУ",
    "أعلنت أذربيجان",
    "阿塞拜疆 ＡＢＣ",
    "HÀ NỘI ĐÃ",
    "Straße İstanbul ﬁ",
    "",
    " \n\t",
]


@given(st.lists(st.sampled_from(TEXTS) | st.text(max_size=12), max_size=8))
def test_casefold_answers_as_str_casefold(texts):
    assert [casefold(text) for text in texts] == [text.casefold() for text in texts]


def test_casefold_forgets_the_oldest_first_and_still_answers(monkeypatch):
    monkeypatch.setattr(casefold_module, "MEMO_CHARS", 40)
    monkeypatch.setattr(casefold_module, "_MEMO", casefold_module._Memo())
    for text in TEXTS:
        assert casefold(text) == text.casefold()
    kept = casefold_module._MEMO
    assert sum(map(len, kept)) == kept.chars <= 40
    assert list(kept) == TEXTS[-len(kept):]  # the most recent ones
    assert casefold(TEXTS[0]) == TEXTS[0].casefold()
    assert list(kept)[-1] == TEXTS[0] and kept.chars <= 40


def test_casefold_does_not_keep_a_text_longer_than_the_memo(monkeypatch):
    monkeypatch.setattr(casefold_module, "MEMO_CHARS", 10)
    monkeypatch.setattr(casefold_module, "_MEMO", casefold_module._Memo())
    long_text = "ԱԲԳ" * 10
    assert casefold(long_text) == long_text.casefold()
    assert casefold_module._MEMO == {} and casefold_module._MEMO.chars == 0


DECOMPOSED = [
    "Nguye\u0302\u0303n Phu\u0301 Tro\u0323ng",  # Vietnamese with combining marks
    "\u1100\u1161\u11a8",  # hangul jamo that compose into one syllable
    "Ա\u0301 Ереван",
    "ﬁ Å",  # a ligature NFC keeps, the angstrom sign it replaces
]


@given(st.lists(st.sampled_from(TEXTS + DECOMPOSED) | st.text(max_size=12), max_size=8))
def test_nfc_answers_as_unicodedata_normalize(texts):
    assert [nfc(text) for text in texts] == [unicodedata.normalize("NFC", t) for t in texts]


def test_nfc_keeps_an_nfc_text_as_its_own_answer(monkeypatch):
    monkeypatch.setattr(casefold_module, "_NFC_MEMO", casefold_module._Memo())
    text = "Հայաստան Ադրբեջան " * 3
    assert nfc(text) is text and nfc(text) is text
    assert list(casefold_module._NFC_MEMO) == [text]
    decomposed = DECOMPOSED[0]
    assert nfc(decomposed) == unicodedata.normalize("NFC", decomposed) != decomposed
