"""The benchmark's summary: validation's share of the build, Ray Data against local workers."""

from __future__ import annotations

import pytest

from benchmarks.run import summarize, summary_lines


def build(total: float, cpu: float, **stages: tuple[float, float]) -> dict:
    return {
        "total": {"seconds": total, "cpu_seconds": cpu},
        "stages": {name: {"seconds": s, "cpu_seconds": c} for name, (s, c) in stages.items()},
    }


def test_validation_share_and_ray_ratio_come_from_the_same_run():
    results = {
        "local_w1": build(20.0, 19.0, process=(12.0, 12.0), validate=(4.0, 3.8)),
        "local_w2": build(12.0, 20.0, process=(6.0, 14.0), validate=(4.0, 3.8)),
        "ray_w2": build(15.0, 18.0, process=(9.0, 12.0), validate=(4.0, 3.8)),
    }
    summary = summarize(results)
    assert summary["validation_share"] == pytest.approx(0.2)
    assert summary["validation_share_cpu"] == pytest.approx(0.2)
    assert summary["ray_vs_local"] == pytest.approx(1.25)
    assert summary["ray_vs_local_process"] == pytest.approx(1.5)
    lines = summary_lines(summary)
    assert lines[0].startswith("validation: 4.00 s = 20.0% of the 1-worker build")
    assert "1.25x the whole build, 1.50x the per-document stage" in lines[1]


def test_nothing_is_claimed_without_validation_or_ray():
    assert summarize({"local_w1": build(10.0, 9.0, process=(8.0, 8.0))}) == {}
