"""The benchmark's meter: exact driver peaks per stage, without slowing what it measures."""

from __future__ import annotations

import sys

import pytest

from benchmarks.probe import Meter

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
MB = 2**20


def hold_briefly(megabytes: int) -> None:
    """Touch ``megabytes`` of memory and free it at once: far shorter than a sample interval."""
    block = bytearray(megabytes * MB)
    block[::4096] = b"x" * len(block[::4096])
    del block


def test_a_short_lived_peak_is_seen_by_its_stage_and_the_enclosing_one():
    with Meter() as meter:
        meter.event("start", "quiet")
        meter.event("end", "quiet")
        meter.event("start", "spike")
        hold_briefly(300)
        meter.event("end", "spike")
        meter.event("start", "after")
        meter.event("end", "after")
        hold_briefly(300)  # between stages: only the enclosing stage saw it
        meter.event("start", "later")
        meter.event("end", "later")
    spike, quiet, after = (meter.stages[name] for name in ("spike", "quiet", "after"))
    assert meter.stages["later"]["driver_peak_rss_mb"] < spike["driver_peak_rss_mb"] - 250
    assert spike["driver_peak_rss_mb"] >= quiet["driver_peak_rss_mb"] + 250
    assert meter.stages["total"]["driver_peak_rss_mb"] >= spike["driver_peak_rss_mb"]
    # the mark is reset at each boundary: the spike does not leak into the next stage
    assert after["driver_peak_rss_mb"] < spike["driver_peak_rss_mb"] - 250
    assert spike["peak_rss_mb"] >= spike["driver_peak_rss_mb"]
