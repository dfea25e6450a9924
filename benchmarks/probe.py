"""Measure one run in a fresh process: a release build (per stage) or the read-and-write floor.

Run by ``benchmarks.run``; prints one JSON object on the last line of stdout:
``{"total": {...}, "stages": {name: {...}}}`` where each entry has ``seconds``, ``cpu_seconds``
(this process and every descendant it had, including pool and Ray workers; see ``Meter._cpu``)
and ``peak_rss_mb`` (the largest sum of resident memory of this process tree, sampled every
SAMPLE_SECONDS) plus ``driver_peak_rss_mb`` (this process alone: the kernel's high-water mark
``VmHWM``, exact, reset at every stage boundary through ``/proc/self/clear_refs``; sampled where
that is unavailable).

The meter must not slow what it measures: a sample walks ``/proc`` for the process tree (about
1 ms of CPU, holding the GIL), so it runs five times a second. Sampling every 20 ms made a
one-worker build about 20% slower than the same build run without the meter.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import threading
import time
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.2
STATUS, CLEAR_REFS = Path("/proc/self/status"), Path("/proc/self/clear_refs")


class Meter:
    """Wall time, CPU time and peak resident memory of this process tree, per named stage."""

    def __init__(self):
        self.process = psutil.Process()
        self.stages: dict[str, dict] = {}
        self._open: dict[str, tuple[float, float]] = {}
        self._peaks: dict[str, list[float]] = {}
        self._stop = threading.Event()
        self._lock = threading.RLock()  # _cpu samples the tree (taking it) inside event()
        self._hwm = True
        self._descendant_cpu: dict[tuple[int, float], float] = {}  # (pid, start) -> CPU seconds
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> Meter:
        self._thread.start()
        self.event("start", "total")
        return self

    def __exit__(self, *exc) -> None:
        self.event("end", "total")
        self._stop.set()
        self._thread.join()

    def event(self, kind: str, name: str) -> None:
        rss, driver = self._sample_tree()
        with self._lock:
            # The mark since the last boundary belongs to the stages open before this one.
            high = max(driver, self._take_high_water_mark())
            for peaks in self._peaks.values():
                peaks[0] = max(peaks[0], rss, high)
                peaks[1] = max(peaks[1], high)
            if kind == "start":
                self._open[name] = (time.perf_counter(), self._cpu())
                self._peaks[name] = [rss, driver]
                return
            wall0, cpu0 = self._open.pop(name)
            peak, driver_peak = self._peaks.pop(name)
        self.stages[name] = {
            "seconds": time.perf_counter() - wall0,
            "cpu_seconds": self._cpu() - cpu0,
            "peak_rss_mb": peak / 2**20,
            "driver_peak_rss_mb": driver_peak / 2**20,
        }

    def _take_high_water_mark(self) -> int:
        """This process's peak RSS since the last call (bytes), then reset it; 0 if unsupported."""
        if not self._hwm:
            return 0
        try:
            line = next(x for x in STATUS.read_text().splitlines() if x.startswith("VmHWM:"))
            CLEAR_REFS.write_text("5")
        except (OSError, StopIteration):
            self._hwm = False
            return 0
        return int(line.split()[1]) * 1024

    def _sample_tree(self) -> tuple[float, float]:
        """Resident bytes of the tree and of this process; notes each descendant's CPU too."""
        driver = self.process.memory_info().rss
        total = driver
        for child in self.process.children(recursive=True):
            with contextlib.suppress(psutil.Error), child.oneshot():
                total += child.memory_info().rss
                cpu = child.cpu_times()
                with self._lock:
                    self._descendant_cpu[child.pid, child.create_time()] = cpu.user + cpu.system
        return total, driver

    def _cpu(self) -> float:
        """CPU seconds of this process and of every descendant seen so far.

        A descendant counts with its CPU at the last sample that saw it alive, not through the
        kernel's reaped-children totals: Ray's workers are children of its raylet, orphaned at
        shutdown, and their CPU never reached this process's ``os.times()`` (a 4,000-document
        Ray build reported 14 s of CPU where its process tree used 53 s). A process loses at
        most the CPU of its last SAMPLE_SECONDS; one that lives less than that may be missed.
        """
        times = os.times()
        self._sample_tree()
        with self._lock:
            return times.user + times.system + sum(self._descendant_cpu.values())

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            rss, driver = self._sample_tree()
            with self._lock:
                for peaks in self._peaks.values():
                    peaks[0] = max(peaks[0], rss)
                    peaks[1] = max(peaks[1], driver)


def measure_build(args: argparse.Namespace) -> dict:
    from dataset.config import load_config
    from dataset.pipeline import build_release
    from dataset.runtime.timing import observe

    config = load_config(
        raw_dir=Path(args.raw),
        out_dir=Path(args.out),
        workers=args.workers,
        engine=args.engine,
        cache=args.cache_dir is not None,
        cache_dir=Path(args.cache_dir) if args.cache_dir else None,
        validate_release=args.validate,
    )
    with Meter() as meter:
        observe(meter.event)
        summary = build_release(config, show_progress=False)
    return {
        "total": meter.stages.pop("total"),
        "stages": meter.stages,
        "kept": summary.kept,
        "rejected": summary.rejected_by_reason,
    }


def measure_floor(args: argparse.Namespace) -> dict:
    """The plain baseline: read every file, decode it, write all to one zstd Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dataset.build.read import find_documents

    schema = pa.schema([("path", pa.string()), ("text", pa.string())])
    with Meter() as meter:
        paths = find_documents(Path(args.raw))
        with pq.ParquetWriter(args.out, schema, compression="zstd") as writer:
            for start in range(0, len(paths), 2048):
                batch = paths[start : start + 2048]
                texts = [p.read_bytes().decode("utf-8") for p in batch]
                writer.write_table(
                    pa.table({"path": [str(p) for p in batch], "text": texts}, schema=schema)
                )
    return {"total": meter.stages.pop("total"), "stages": {}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["build", "floor"])
    parser.add_argument("--raw", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--engine", default="local")
    parser.add_argument("--cache-dir", default=None)
    parser.add_argument("--validate", action="store_true", help="Also run the GE suites.")
    args = parser.parse_args()
    result = measure_build(args) if args.what == "build" else measure_floor(args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
