"""The ceiling report: what is left for the Python extraction once the library-bound parts and
the later stages are paid, at a target share of the floor."""

from __future__ import annotations

import time

import pytest

from benchmarks.ceiling import Stopwatch, report

STAGE = {"docs": 1000, "whole": 10.0, "fasttext": 2.0, "dedupe": 0.5, "read": 0.5}


def probed(seconds: float, cpu: float, process_cpu: float) -> dict:
    return {
        "total": {"seconds": seconds, "cpu_seconds": cpu},
        "stages": {"process": {"seconds": process_cpu, "cpu_seconds": process_cpu}},
    }


def test_the_rest_is_what_the_library_bound_parts_leave_of_the_target():
    floor = probed(0.5, 0.5, 0.0)
    built = probed(12.0, 12.0, 10.5)  # 1.5 CPU s after the per-document stage
    lines = report(STAGE, 0.5, floor, built, 0.10)
    table = {
        line.split(" | ")[0].removeprefix("| "): line for line in lines if line.startswith("|")
    }
    assert table["&nbsp;&nbsp;fastText predictions (lid.176, memoised)"].endswith(
        "| 2.00 | 2,000 |"
    )
    rest = next(name for name in table if "the rest" in name)
    assert table[rest].endswith("| 7.00 | 7,000 |")  # 10 - 2 - 0.5 - 0.5
    # 10% of a 0.5 s floor: 5 s; fastText, dedupe, read, start-up and later stages take 5 s
    assert "one worker has 5.00 s" in lines[-2] and "take 5.00 s of it" in lines[-2]
    assert "(10.0% of the floor if nothing else ran)" in lines[-2]
    assert lines[-1].endswith(
        "the target leaves it nothing: out of reach however fast the rest gets"
    )


def test_the_rest_must_shrink_by_its_ratio_to_the_time_left():
    lines = report(STAGE, 0.5, probed(1.0, 1.0, 0.0), probed(12.0, 12.0, 10.5), 0.10)
    # 10 s allowed, 5 s fixed: the 7 s of the rest must fit in 5 s
    assert lines[-1].endswith("would have to fit in 5.00 s (5,000 us/doc, 1.4x less)")
    lines = report(STAGE, 0.5, probed(2.0, 2.0, 0.0), probed(12.0, 12.0, 10.5), 0.10)
    assert lines[-1].endswith("the target leaves it 15.00 s: it fits")  # 20 s allowed


def test_the_stopwatch_sums_cpu_time_and_passes_results_and_errors_through():
    watch = Stopwatch()

    def spin(n: int) -> int:
        end = time.process_time() + n / 1000
        while time.process_time() < end:
            pass
        return n

    timed = watch.wrap(spin)
    assert timed(20) == 20 and timed(10) == 10
    assert watch.seconds >= 0.03
    failing = watch.wrap(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failing()


def test_the_rest_is_split_by_step_and_what_no_step_holds_is_other():
    stage = {**STAGE, "boilerplate": 1.5, "entities, events, outlets (annotate)": 2.5}
    lines = report(stage, 0.5, probed(1.0, 1.0, 0.0), probed(12.0, 12.0, 10.5), 0.10)
    rows = {line.split(" | ")[0].removeprefix("| "): line for line in lines if line.startswith("|")}
    indent = "&nbsp;" * 4
    assert rows[f"{indent}boilerplate"].endswith("| 1.50 | 1,500 |")
    assert rows[f"{indent}entities, events, outlets (annotate)"].endswith("| 2.50 | 2,500 |")
    other = rows[f"{indent}other: filters, packaging, Arrow rows, batch plumbing"]
    assert other.endswith("| 3.00 | 3,000 |")  # the rest, 7 s, less 1.5 and 2.5
    assert f"{indent}join body" not in rows  # a step not timed is not shown
