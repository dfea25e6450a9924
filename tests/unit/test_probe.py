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


# A child that starts a grandchild burning one CPU second, and exits without reaping it once
# it is done: as Ray's workers end, their CPU never reaches this process's reaped-children totals.
ORPHANING_PARENT = """
import os, subprocess, sys, time
burn = "import time\\nwhile time.process_time() < 1.0: pass"
grandchild = subprocess.Popen([sys.executable, "-c", burn])
with open(f"/proc/{grandchild.pid}/stat") as stat:
    while stat.read().split(") ")[1][0] != "Z":  # until it is a zombie: done, never waited on
        time.sleep(0.05)
        stat.seek(0)
os._exit(0)  # skips Popen's clean-up, which would reap it
"""


def test_cpu_of_a_descendant_that_is_never_reaped_here_is_counted():
    import subprocess

    with Meter() as meter:
        meter.event("start", "orphaning")
        subprocess.run([sys.executable, "-c", ORPHANING_PARENT], check=True, timeout=120)
        meter.event("end", "orphaning")
    # one CPU second, less at most the last sample interval it ran in
    assert meter.stages["orphaning"]["cpu_seconds"] >= 0.7
