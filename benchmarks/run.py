"""Benchmark: generate a synthetic corpus of N documents, build releases from it, report.

    python -m benchmarks.run --docs 20000                 # floor, 1 and 2 workers
    python -m benchmarks.run --docs 20000 --ray --incremental
    python -m benchmarks.run --docs 20000 --validate --ray    # validation share, Ray vs local

Every run happens in a fresh process (``benchmarks.probe``) so that peak RSS is its own. Reported
per stage and in total: seconds, documents/s, MB/s of raw text, peak RSS of the process tree and
CPU seconds; the build's throughput is also given as a fraction of the floor (read, decode and
write everything to one zstd Parquet file with pyarrow, on one core; the faster of two runs, so
that the floor reads from a warm page cache like the builds after it). Builds that must be
byte-identical (1 vs 2 workers, local vs Ray, incremental vs clean) are compared file by file.
The corpus is kept under ``--workdir`` and reused when it was generated with the same settings.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.corpus import GENERATOR_VERSION, document_path, generate_corpus

STAGES = (
    "process",
    "exact_duplicates",
    "near_duplicates",
    "repeated_lines",
    "split",
    "write_articles",
)
STAGES += ("write_rejects", "validate", "card_checksums")


def ensure_corpus(raw_dir: Path, documents: int, seed: int) -> float:
    """Generate the corpus unless a matching one is there; returns its size in MB."""
    marker = raw_dir.parent / f"{raw_dir.name}.done.json"
    settings = {"documents": documents, "seed": seed, "generator": GENERATOR_VERSION}
    if marker.is_file() and json.loads(marker.read_text())["settings"] == settings:
        return json.loads(marker.read_text())["megabytes"]
    shutil.rmtree(raw_dir, ignore_errors=True)
    started = time.perf_counter()
    written = generate_corpus(raw_dir, documents, seed, workers=os.cpu_count() or 1)
    megabytes = written / 2**20
    print(
        f"generated {documents} documents ({megabytes:.1f} MB) in "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    marker.write_text(json.dumps({"settings": settings, "megabytes": megabytes}))
    return megabytes


def grow_corpus(raw_dir: Path, grown_dir: Path, documents: int, extra: int, seed: int) -> None:
    """``grown_dir`` = the corpus of ``raw_dir`` (hard links) plus ``extra`` new documents."""
    shutil.rmtree(grown_dir, ignore_errors=True)
    for index in range(documents):
        target = document_path(grown_dir, index)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(document_path(raw_dir, index), target)
    generate_corpus(grown_dir, documents + extra, seed, start=documents, workers=1)


def probe(*args: str) -> dict:
    """Run ``benchmarks.probe ARGS`` in a fresh process; returns its JSON result."""
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.probe", *args], capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"probe {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_floor(raw: Path, out: Path, runs: int = 2) -> dict:
    """The floor's figures: the fastest of ``runs`` probes.

    The first run also warms the page cache, as it is warm for the builds that run after it; a
    cold first read would make the floor slower and every build look closer to it.
    """
    timings = [probe("floor", "--raw", str(raw), "--out", str(out)) for _ in range(runs)]
    return min(timings, key=lambda result: result["total"]["seconds"])


VALIDATE: list[str] = []


def build(raw: Path, out: Path, workers: int, engine: str = "local", cache: Path | None = None):
    shutil.rmtree(out, ignore_errors=True)
    args = ["build", "--raw", str(raw), "--out", str(out), "--workers", str(workers)]
    args += ["--engine", engine, *VALIDATE]
    if cache is not None:
        args += ["--cache-dir", str(cache)]
    return probe(*args)


def same_release(a: Path, b: Path) -> bool:
    """True when every Parquet file of the two releases exists in both with the same bytes."""
    files_a = sorted(p.relative_to(a) for p in a.rglob("*.parquet"))
    files_b = sorted(p.relative_to(b) for p in b.rglob("*.parquet"))
    return files_a == files_b and all(filecmp.cmp(a / f, b / f, shallow=False) for f in files_a)


def row(name: str, m: dict, docs: int, megabytes: float, floor_rate: float | None) -> str:
    rate = docs / m["seconds"] if m["seconds"] else float("inf")
    fraction = f"{rate / floor_rate:.1%}" if floor_rate else ""
    return (
        f"| {name} | {m['seconds']:.2f} | {rate:,.0f} | {megabytes / m['seconds']:.1f} | "
        f"{m['peak_rss_mb']:.0f} | {m['driver_peak_rss_mb']:.0f} | {m['cpu_seconds']:.2f} | "
        f"{fraction} |"
    )


HEADER = (
    "| run / stage | seconds | docs/s | MB/s | peak RSS MB (tree) | peak RSS MB (driver) "
    "| CPU s | of floor |\n|---|---:|---:|---:|---:|---:|---:|---:|"
)


def report_build(label: str, result: dict, docs: int, mb: float, floor_rate: float) -> list[str]:
    lines = [row(f"**{label}**", result["total"], docs, mb, floor_rate)]
    stages = result["stages"]
    for name in STAGES:
        if name in stages:
            lines.append(row(f"&nbsp;&nbsp;{name}", stages[name], docs, mb, None))
    other = dict(result["total"])
    other["seconds"] = max(1e-9, other["seconds"] - sum(s["seconds"] for s in stages.values()))
    other["cpu_seconds"] = other["cpu_seconds"] - sum(s["cpu_seconds"] for s in stages.values())
    lines.append(
        row(
            "&nbsp;&nbsp;other (find, lock, lazy imports, manifest, publish)", other, docs, mb, None
        )
    )
    return lines


# Iterations of the pure-Python loop that ``host_scaling`` times: about 1.7 s on this machine.
SPIN_ITERATIONS = 8_000_000


def host_scaling() -> float:
    """How many times faster two CPU-bound processes do two units of work than one process does.

    The most a second worker can gain on this machine at this moment: 2.0 on two free cores,
    less where other tenants' work (on a shared host) takes part of the second core. Times one
    process running a pure-Python loop, then two running it at once.
    """
    return 2 * spin_seconds(1) / spin_seconds(2)


def spin_seconds(processes: int) -> float:
    """Wall seconds for ``processes`` processes, started together, to run the loop each."""
    code = f"x = 0\nfor i in range({SPIN_ITERATIONS}):\n    x += i ^ (i >> 3)"
    started = time.perf_counter()
    children = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(processes)]
    for child in children:
        child.wait()
    return time.perf_counter() - started


def summarize(results: dict) -> dict[str, float]:
    """The shares the targets are stated in, from one run's results.

    ``validation_share[_cpu]``: the validate stage's part of the 1-worker build (wall seconds,
    CPU seconds), or of the local build there is without one (``validation_workers``: its worker
    count); present when the builds validated. ``ray_vs_local[_process]``: the Ray Data
    build's seconds over those of the local build with as many workers (whole build, and the
    per-document stage alone); present with ``--ray``. ``workers_speedup[_process]``: the
    1-worker build's seconds over the 2-worker build's, with ``host_scaling_low``/``_high``, the
    least and most ``host_scaling`` measured around the builds (present when measured).
    """
    summary: dict[str, float] = {}
    one, two = results.get("local_w1"), results.get("local_w2")
    if one and two:
        summary["workers_speedup"], summary["workers_speedup_process"] = seconds_ratio(one, two)
        if results.get("host_scaling"):
            summary["host_scaling_low"] = min(results["host_scaling"])
            summary["host_scaling_high"] = max(results["host_scaling"])
    name = "local_w1" if one else next((k for k in results if k.startswith("local_w")), None)
    local = results.get(name) if name else None
    if local and "validate" in local["stages"]:
        stage, total = local["stages"]["validate"], local["total"]
        summary["validation_workers"] = int(name.removeprefix("local_w"))
        summary["validation_seconds"] = stage["seconds"]
        summary["validation_share"] = stage["seconds"] / total["seconds"]
        summary["validation_share_cpu"] = stage["cpu_seconds"] / total["cpu_seconds"]
    ray = results.get("ray_w2")
    if ray and two:
        summary["ray_vs_local"], summary["ray_vs_local_process"] = seconds_ratio(ray, two)
    return summary


def seconds_ratio(slower: dict, faster: dict) -> tuple[float, float]:
    """``slower``'s seconds over ``faster``'s: the whole build, then the per-document stage."""
    return (
        slower["total"]["seconds"] / faster["total"]["seconds"],
        slower["stages"]["process"]["seconds"] / faster["stages"]["process"]["seconds"],
    )


def summary_lines(summary: dict[str, float]) -> list[str]:
    lines = []
    if "workers_speedup" in summary:
        line = (
            f"2 workers / 1: {summary['workers_speedup']:.2f}x the whole build, "
            f"{summary['workers_speedup_process']:.2f}x the per-document stage"
        )
        if "host_scaling_low" in summary:
            line += (
                f"; on this host two CPU-bound processes ran {summary['host_scaling_low']:.2f}-"
                f"{summary['host_scaling_high']:.2f}x as fast as one (the most 2 workers can gain)"
            )
        lines.append(line)
    if "validation_share" in summary:
        lines.append(
            f"validation: {summary['validation_seconds']:.2f} s = "
            f"{summary['validation_share']:.1%} of the "
            f"{summary['validation_workers']}-worker build "
            f"({summary['validation_share_cpu']:.1%} of its CPU seconds)"
        )
    if "ray_vs_local" in summary:
        lines.append(
            f"Ray Data / local, 2 workers: {summary['ray_vs_local']:.2f}x the whole build, "
            f"{summary['ray_vs_local_process']:.2f}x the per-document stage"
        )
    return lines


def describe_machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    import psutil

    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB RAM, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}"
    )


EXTRACTOR_PATHS = ("dataset/build", "dataset/lexicon", "dataset/records.py")


def extractor_version() -> str:
    """The last commit of the per-document code: the build's modules and the lexicons.

    ``$KN_EXTRACTOR`` when set (a run from a snapshot without git history).
    """
    if os.environ.get("KN_EXTRACTOR"):
        return os.environ["KN_EXTRACTOR"]
    result = subprocess.run(
        ["git", "log", "-1", "--format=%h %s", "--", *EXTRACTOR_PATHS],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return result.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark the release build.")
    parser.add_argument("--docs", type=int, default=20_000, help="Documents to generate.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=Path(".bench"))
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--ray", action="store_true", help="Also build on Ray Data (2 CPUs), against 2 workers."
    )
    parser.add_argument("--incremental", action="store_true", help="Also time cached rebuilds.")
    parser.add_argument("--json", type=Path, default=None, help="Write all figures here too.")
    parser.add_argument(
        "--validate",
        action="store_true",
        help="Run the Great Expectations suites inside each build, as a default build does, "
        "and report their share of the 1-worker build.",
    )
    args = parser.parse_args(argv)
    VALIDATE[:] = ["--validate"] if args.validate else []

    work = args.workdir.resolve() / f"n{args.docs}-seed{args.seed}"
    work.mkdir(parents=True, exist_ok=True)
    raw = work / "raw"
    mb = ensure_corpus(raw, args.docs, args.seed)
    docs = args.docs
    results: dict = {"docs": docs, "megabytes": mb, "machine": describe_machine()}
    results["extractor"] = extractor_version()

    results["floor"] = measure_floor(raw, work / "floor.parquet")
    floor_rate = docs / results["floor"]["total"]["seconds"]
    lines = [
        HEADER,
        row(
            "**floor** (read + decode + one zstd Parquet)",
            results["floor"]["total"],
            docs,
            mb,
            floor_rate,
        ),
    ]
    identical: dict[str, bool] = {}
    compare_workers = {1, 2} <= set(args.workers)
    results["host_scaling"] = [host_scaling()] if compare_workers else []
    for workers in args.workers:
        result = build(raw, work / f"release-w{workers}", workers)
        results[f"local_w{workers}"] = result
        lines += report_build(f"build, local, {workers} worker(s)", result, docs, mb, floor_rate)
        if workers != args.workers[0]:
            identical[f"{args.workers[0]} vs {workers} workers"] = same_release(
                work / f"release-w{args.workers[0]}", work / f"release-w{workers}"
            )
    if compare_workers:
        results["host_scaling"].append(host_scaling())
    reference = work / f"release-w{args.workers[0]}"
    if args.ray:
        result = build(raw, work / "release-ray", 2, engine="ray")
        results["ray_w2"] = result
        lines += report_build("build, Ray Data, 2 CPUs", result, docs, mb, floor_rate)
        identical["local vs Ray"] = same_release(reference, work / "release-ray")
    if args.incremental:
        cache = work / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        full = build(raw, work / "release-cached", 2, cache=cache)
        extra = max(1, docs // 100)
        grown = work / "raw-grown"
        grow_corpus(raw, grown, docs, extra, args.seed)
        incremental = build(grown, work / "release-incremental", 2, cache=cache)
        clean = build(grown, work / "release-grown-clean", 2)
        results.update(full_cached=full, incremental=incremental, grown_clean=clean)
        lines += report_build("full build, 2 workers, empty cache", full, docs, mb, floor_rate)
        lines += report_build(
            f"incremental: +{extra} docs, 2 workers, warm cache", incremental, docs, mb, floor_rate
        )
        lines += report_build(
            f"clean build of the same {docs + extra}", clean, docs, mb, floor_rate
        )
        identical["cached vs clean"] = same_release(
            work / "release-grown-clean", work / "release-incremental"
        )
    results["identical"] = identical
    results["summary"] = summarize(results)
    print(f"\nN = {docs:,} documents, {mb:.1f} MB; {results['machine']}")
    print(f"extractor (last commit of the per-document code): {results['extractor']}\n")
    print("\n".join(lines))
    for line in summary_lines(results["summary"]):
        print(f"\n{line}")
    for name, same in identical.items():
        print(f"\nbyte-identical Parquet, {name}: {same}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
    if not all(identical.values()):
        raise SystemExit("outputs that must be byte-identical differ")


if __name__ == "__main__":
    main()
