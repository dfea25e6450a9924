"""Split: a pure, stable function of the cluster id that respects the ratios."""

from __future__ import annotations

from collections import Counter

import pytest

from dataset.build.split import assign_split, hash_to_unit

RATIOS = {"train": 0.8, "validation": 0.1, "test": 0.1}


def test_hash_to_unit_is_stable_and_in_range():
    assert hash_to_unit("00000000000000ab") == hash_to_unit("00000000000000ab")
    values = [hash_to_unit(f"{i:016x}") for i in range(2000)]
    assert all(0.0 <= v < 1.0 for v in values)


def test_assign_split_follows_the_ratios_roughly():
    counts = Counter(assign_split(f"{i:016x}", RATIOS) for i in range(20_000))
    assert set(counts) == set(RATIOS)
    for split, ratio in RATIOS.items():
        assert abs(counts[split] / 20_000 - ratio) < 0.02


def test_assign_split_does_not_depend_on_other_clusters():
    ids = [f"{i:016x}" for i in range(100)]
    forward = {i: assign_split(i, RATIOS) for i in ids}
    backward = {i: assign_split(i, RATIOS) for i in reversed(ids)}
    assert forward == backward


@pytest.mark.parametrize("only", ["train", "validation", "test"])
def test_a_single_split_takes_everything(only):
    ratios = {name: 1.0 if name == only else 0.0 for name in RATIOS}
    assert {assign_split(f"{i:016x}", ratios) for i in range(500)} == {only}
