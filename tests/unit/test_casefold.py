"""The remembered casefold (dataset.build.casefold) answers as str.casefold, before and after
it forgets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dataset.build import casefold as casefold_module
from dataset.build.casefold import casefold

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


@given(st.lists(st.sampled_from(TEXTS) | st.text(max_size=20), max_size=30))
def test_casefold_answers_as_str_casefold(texts):
    assert [casefold(text) for text in texts] == [text.casefold() for text in texts]


def test_casefold_forgets_the_oldest_first_and_still_answers(monkeypatch):
    monkeypatch.setattr(casefold_module, "MEMO_SIZE", 3)
    monkeypatch.setattr(casefold_module, "_MEMO", {})
    for text in TEXTS:
        assert casefold(text) == text.casefold()
    assert list(casefold_module._MEMO) == TEXTS[-3:]
    assert casefold(TEXTS[0]) == TEXTS[0].casefold()
    assert list(casefold_module._MEMO) == [*TEXTS[-2:], TEXTS[0]]


def test_casefold_does_not_keep_very_long_texts(monkeypatch):
    monkeypatch.setattr(casefold_module, "_MEMO", {})
    monkeypatch.setattr(casefold_module, "MEMO_MAX_CHARS", 10)
    long_text = "ԱԲԳ" * 10
    assert casefold(long_text) == long_text.casefold()
    assert casefold_module._MEMO == {}
