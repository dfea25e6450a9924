"""Language identification against the hand-labelled sample of tests/unit/language_samples.py.

Every speed change in dataset.build.language must keep these labels; a known miss is kept visible
as a strict xfail in KNOWN_MISSES, so a change that fixes it (or breaks another case) shows up.
"""

from __future__ import annotations

import pytest

from dataset.build.language import detect_languages
from tests.unit.language_samples import CASES

KNOWN_MISSES: dict[str, str] = {}  # case name -> why it is missed (a strict xfail)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            id=c.name,
            marks=[pytest.mark.xfail(reason=KNOWN_MISSES[c.name], strict=True)]
            if c.name in KNOWN_MISSES
            else [],
        )
        for c in CASES
    ],
)
def test_labelled_document(case):
    result = detect_languages(case.paragraphs())
    assert (result.language, result.other_languages, result.script) == (
        case.language,
        case.other_languages,
        case.script,
    )


def test_sample_covers_many_languages_and_mixtures():
    languages = {c.language for c in CASES} | {lang for c in CASES for lang in c.other_languages}
    assert len(CASES) >= 40 and len(languages) >= 20
    assert sum(bool(c.other_languages) for c in CASES) >= 15
