"""The benchmark's summary: validation's share of the build, Ray Data against local workers, 2
workers against 1 beside what the host allowed."""

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
    assert summary["workers_speedup"] == pytest.approx(20.0 / 12.0)
    assert summary["workers_speedup_process"] == pytest.approx(2.0)
    assert "host_scaling_low" not in summary
    lines = summary_lines(summary)
    assert lines[0] == "2 workers / 1: 1.67x the whole build, 2.00x the per-document stage"
    assert lines[1].startswith("validation: 4.00 s = 20.0% of the 1-worker build")
    assert "1.25x the whole build, 1.50x the per-document stage" in lines[2]


def test_the_workers_speedup_is_shown_beside_the_host_scaling_measured_around_it():
    results = {
        "local_w1": build(30.0, 29.0, process=(24.0, 23.0)),
        "local_w2": build(20.0, 36.0, process=(15.0, 28.0)),
        "host_scaling": [1.9, 1.55],
    }
    summary = summarize(results)
    assert (summary["host_scaling_low"], summary["host_scaling_high"]) == (1.55, 1.9)
    assert summary_lines(summary) == [
        "2 workers / 1: 1.50x the whole build, 1.60x the per-document stage; on this host two "
        "CPU-bound processes ran 1.55-1.90x as fast as one (the most 2 workers can gain)"
    ]


def test_nothing_is_claimed_without_validation_or_ray():
    assert summarize({"local_w1": build(10.0, 9.0, process=(8.0, 8.0))}) == {}


def test_validation_share_names_the_build_it_was_taken_from():
    results = {"local_w2": build(280.0, 499.0, process=(220.0, 420.0), validate=(22.4, 43.0))}
    summary = summarize(results)
    assert summary["validation_workers"] == 2
    assert summary_lines(summary) == [
        "validation: 22.40 s = 8.0% of the 2-worker build (8.6% of its CPU seconds)"
    ]
