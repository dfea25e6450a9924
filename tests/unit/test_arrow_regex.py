"""``arrow_regex`` keeps every validation regex's matches while pandas runs it in Arrow (RE2).

GE tests a regex with ``column.astype(str).str.contains``; these compare that call on the
rewritten pattern with Python's ``re.search`` on the rule's own pattern, over generated text rich
in Unicode spaces, newlines and CJK / Arabic / Vietnamese / Armenian letters.
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataset.validation.rules import (
    LAST_PYTHON_SPACE,
    arrow_regex,
    arrow_regex_kwargs,
    load_domain_rules,
    python_space_class,
    structural_rules,
)

UNICODE_SPACES = "".join(chr(c) for c in range(LAST_PYTHON_SPACE + 1) if chr(c).isspace())
ALPHABET = UNICODE_SPACES + "\x1c\x1f\x00\x08\x7f" + "ab09f/:?#.-_Q" + "中文قرهViệtՀայ"
EDGE_PATTERNS = [
    r"^\s|\s$|\n\s*\n\s*\n",
    r"^$|^\s|\s$|\n",
    r"[^\s/?#]+/\S*$",
    r"[]\s]",
    r"a$|b",
    r"(?:a$)",  # left as it is (``$`` inside a group)
    r"[\S]",  # left as it is (``\S`` inside a class)
]


def rule_patterns() -> list[str]:
    """Every regex of the structural and domain suites."""
    rules = [*structural_rules(), *load_domain_rules().rules]
    return [r.kwargs["regex"] for r in rules if isinstance(r.kwargs.get("regex"), str)]


def arrow_contains(pattern: str, texts: list[str]) -> list[bool]:
    """What GE's pandas metric computes: ``astype(str).str.contains`` on an Arrow string column."""
    column = pd.Series(texts, dtype=pd.ArrowDtype(pa.large_string()))
    return column.astype(str).str.contains(pattern).tolist()


def test_the_space_class_is_what_python_reads_as_space_in_all_of_unicode():
    beyond = "".join(chr(c) for c in range(LAST_PYTHON_SPACE + 1, 0x110000))
    assert re.findall(r"\s", beyond) == []
    klass = re.compile(f"[{python_space_class()}]")
    everything = "".join(chr(c) for c in range(LAST_PYTHON_SPACE + 1))
    assert klass.findall(everything) == re.findall(r"\s", everything)


def test_the_suites_have_regexes_that_are_rewritten():
    patterns = rule_patterns()
    assert any("\\s" in p for p in patterns)
    for pattern in patterns:
        rewritten = arrow_regex(pattern)
        assert "\\s" not in rewritten and "\\S" not in rewritten and "$" not in rewritten


@pytest.mark.parametrize("pattern", sorted(set(rule_patterns() + EDGE_PATTERNS)))
@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.text(alphabet=ALPHABET, max_size=12), min_size=1, max_size=8))
def test_arrow_contains_on_the_rewrite_equals_python_search(pattern, texts):
    expected = [re.search(pattern, text) is not None for text in texts]
    assert arrow_contains(arrow_regex(pattern), texts) == expected


@pytest.mark.parametrize(
    "text",
    ["", "\n", "中文\n", "قره\u3000", "\u00a0Việt", "a\n\n \n", "Հայ\x85", "ab\u2028", "a\nb"],
)
def test_rewrites_agree_on_edge_texts(text):
    for pattern in set(rule_patterns() + EDGE_PATTERNS):
        assert arrow_contains(arrow_regex(pattern), [text]) == [bool(re.search(pattern, text))]


def test_only_the_regex_kwarg_is_rewritten():
    kwargs = {"column": "text", "regex": r"\s$", "mostly": 0.9}
    assert arrow_regex_kwargs(kwargs) == {**kwargs, "regex": arrow_regex(r"\s$")}
    assert arrow_regex_kwargs({"column": "text"}) == {"column": "text"}
