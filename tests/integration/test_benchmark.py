"""The benchmark runs end to end at a tiny N and reports every stage (not a timed test)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.integration


def test_benchmark_reports_stages_floor_and_identical_outputs(tmp_path):
    figures = tmp_path / "figures.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--docs",
            "60",
            "--workers",
            "1",
            "2",
            "--workdir",
            str(tmp_path / "work"),
            "--json",
            str(figures),
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(figures.read_text())
    assert data["docs"] == 60 and data["megabytes"] > 0
    assert data["floor"]["total"]["seconds"] > 0
    stages = data["local_w1"]["stages"]
    for name in ("process", "exact_duplicates", "near_duplicates", "split", "write_articles"):
        assert stages[name]["peak_rss_mb"] > 0 and stages[name]["seconds"] >= 0
    assert data["identical"] == {"1 vs 2 workers": True}
    assert len(data["host_scaling"]) == 2  # measured before and after the builds
    assert all(0 < scaling < 4 for scaling in data["host_scaling"])
    assert data["summary"]["workers_speedup"] > 0
    assert "2 workers / 1:" in result.stdout
    assert "| **floor**" in result.stdout and "of floor" in result.stdout


def test_language_id_comparison_reports_every_variant():
    command = [sys.executable, "-m", "benchmarks.lid_compare", "--docs", "5", "--repeat", "1"]
    command += ["--raw", str(PROJECT_ROOT / "dataset" / "raw")]
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300, check=True
    )
    rows = {
        cells[0]: cells[1:]
        for line in result.stdout.splitlines()
        if (cells := [c.strip() for c in line.strip("|").split("|")])[0]
    }
    assert {"shipped", "sample-60", "paragraphs-10", "min-40", "document"} <= set(rows)
    right, total = rows["shipped"][0].split("/")
    assert right == total  # the shipped design gets every labelled document right
    assert rows["shipped"][-2:] == ["100.0%", "100.0%"]  # the reference agrees with itself


def test_ceiling_splits_the_one_worker_build_of_the_seed_corpus(tmp_path):
    command = [sys.executable, "-m", "benchmarks.ceiling", "--workdir", str(tmp_path)]
    command += ["--raw", str(PROJECT_ROOT / "dataset" / "raw")]
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300, check=True
    )
    rows = {
        cells[0]: [float(cell.replace(",", "")) for cell in cells[1:]]
        for line in result.stdout.splitlines()
        if line.startswith("| ") and not line.startswith("| part")
        for cells in [[cell.strip() for cell in line.strip("|").split("|")]]
    }
    whole = rows["per-document stage, one process (process_paths)"][0]
    level = {name: len(re.match(r"(?:&nbsp;)*", name).group()) // len("&nbsp;") for name in rows}
    parts = [seconds for name, (seconds, _) in rows.items() if level[name] == 2]
    steps = [seconds for name, (seconds, _) in rows.items() if level[name] == 4]
    assert len(parts) == 4 and whole > 0 and all(seconds >= 0 for seconds in parts[:3])
    assert sum(parts) == pytest.approx(whole, abs=0.02)  # the rest is the whole minus the parts
    assert len(steps) == 8 and sum(steps) == pytest.approx(parts[3], abs=0.02)
    assert rows["process start-up: imports, lexicon, model (once a process)"][0] > 0
    assert "of the floor" in result.stdout and "the rest takes" in result.stdout
