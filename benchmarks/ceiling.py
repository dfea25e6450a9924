"""How far one worker can get towards the floor: the build's CPU split into the parts that run in
libraries (model, hashing, reading, Parquet) and the Python extraction around them.

    python -m benchmarks.ceiling --raw DIR [--target 0.10]

``DIR`` is a benchmark corpus (``python -m benchmarks.run`` keeps one under its ``--workdir``,
e.g. ``.bench/n20000-seed0/raw``). Runs, over every document of it:

1. the floor and a 1-worker build without validation, each in a fresh process (``benchmarks.probe``,
   as ``benchmarks.run`` does);
2. in this process, after one warm-up batch, the per-document stage (``process_paths``, batches of
   the local engine's size) with the fastText predictions (``predict_language``, memoised as in a
   build), the dedupe keys (``dedupe_keys_many``) and the steps of the extraction
   (``REST_PARTS``) timed apart, then the read steps alone;
3. in a fresh process, the start-up every build process pays: imports, the lexicon, the model.

Times are CPU seconds of the measured process. The report gives each part per document and the
time left for everything else if one worker is to reach ``--target`` of the floor (10%: the
target of issue 17); the rest is split by step too. Timing a call adds two clock reads to it
(~1 us; about 12 timed calls a document). The build's driver also collects the results into
spill files, which no row holds: the rest is, if anything, larger than reported.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.run import build, measure_floor

STARTUP_CODE = (
    "import resource\n"
    "import dataset.build.process\n"
    "from dataset.build.entities import load_lexicon\n"
    "from dataset.build.language import load_model\n"
    "load_lexicon(); load_model()\n"
    "usage = resource.getrusage(resource.RUSAGE_SELF)\n"
    "print(usage.ru_utime + usage.ru_stime)\n"
)


INDENT = "&nbsp;&nbsp;"


class Stopwatch:
    """CPU seconds spent inside the functions it wraps (``wrap``), summed."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, function: Callable) -> Callable:
        """``function`` that adds its own CPU time to ``seconds``."""

        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.process_time() - start

        return timed


# The steps of the rest timed apart: (module, function, label). The language step's own time
# is reported without the model's predictions inside it.
REST_PARTS = (
    ("document", "normalized_lines", "normalize and split lines"),
    ("document", "extract_metadata", "metadata (title, date, publisher)"),
    ("document", "remove_boilerplate", "boilerplate"),
    ("document", "detect_languages_many", "languages, without the model"),
    ("document", "join_body", "join body"),
    ("document", "annotate", "entities, events, outlets (annotate)"),
    ("process", "paragraph_records", "paragraph records (repeated lines)"),
)


def measure_stage(raw: Path) -> dict[str, float]:
    """CPU seconds of the per-document stage over ``raw`` in this process, and of its parts."""
    from dataset.build import document, language, process
    from dataset.build.read import find_document_names
    from dataset.build.steps import run_steps
    from dataset.config import load_config
    from dataset.runtime.engine import BATCH_SIZE

    config = load_config(raw_dir=raw, workers=1, cache=False)
    names = find_document_names(raw)
    jobs = [(i, str(names.path(i))) for i in range(len(names))]
    batches = [jobs[i : i + BATCH_SIZE] for i in range(0, len(jobs), BATCH_SIZE)]
    process.process_paths(batches[0], config)  # loads the lexicon, the model, the caches
    language.predict_language.cache_clear()
    modules = {"document": document, "language": language, "process": process}
    timed = [
        ("language", "predict_language", "fasttext"),
        ("process", "dedupe_keys_many", "dedupe"),
    ]
    timed += [(module, name, label) for module, name, label in REST_PARTS]
    watches = {label: Stopwatch() for _, _, label in timed}
    originals = [
        (modules[module], name, getattr(modules[module], name)) for module, name, _ in timed
    ]
    for (module, name, function), (_, _, label) in zip(originals, timed, strict=True):
        setattr(module, name, watches[label].wrap(function))
    try:
        start = time.process_time()
        for batch in batches:
            process.process_paths(batch, config)
        whole = time.process_time() - start
    finally:
        for module, name, function in originals:
            setattr(module, name, function)
    start = time.process_time()
    for _, path in jobs:
        run_steps(path, process.READ_STEPS, config)
    read = time.process_time() - start
    seconds = {label: watch.seconds for label, watch in watches.items()}
    seconds["languages, without the model"] -= seconds["fasttext"]
    return {"docs": len(jobs), "whole": whole, "read": read, **seconds}


def measure_startup() -> float:
    """CPU seconds a fresh process spends on imports, the lexicon and the model."""
    result = subprocess.run(
        [sys.executable, "-c", STARTUP_CODE], capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip())


def later_stages(result: dict) -> float:
    """CPU seconds of a probed build outside its per-document stage."""
    return result["total"]["cpu_seconds"] - result["stages"]["process"]["cpu_seconds"]


def report(
    stage: dict[str, float], startup: float, floor: dict, built: dict, target: float
) -> list[str]:
    """The report's lines (markdown table and the conclusion)."""
    docs = stage["docs"]
    rest = stage["whole"] - stage["fasttext"] - stage["dedupe"] - stage["read"]
    parts = sum(stage.get(label, 0.0) for _, _, label in REST_PARTS)
    after = later_stages(built)
    rows = [
        ("per-document stage, one process (process_paths)", stage["whole"]),
        (f"{INDENT}fastText predictions (lid.176, memoised)", stage["fasttext"]),
        (f"{INDENT}dedupe keys (fingerprint, MinHash)", stage["dedupe"]),
        (f"{INDENT}read steps (read, decode, source), timed apart", stage["read"]),
        (
            f"{INDENT}the rest: cleaning, metadata, entities, language bookkeeping, filters, "
            "packaging, Arrow rows",
            rest,
        ),
        *[(f"{INDENT * 2}{label}", stage[label]) for _, _, label in REST_PARTS if label in stage],
        (f"{INDENT * 2}other: filters, packaging, Arrow rows, batch plumbing", rest - parts),
        ("process start-up: imports, lexicon, model (once a process)", startup),
        ("build stages after the per-document one, 1 worker (probe)", after),
    ]
    lines = ["| part | CPU s | us/doc |", "|---|---:|---:|"]
    lines += [f"| {name} | {seconds:.2f} | {seconds / docs * 1e6:,.0f} |" for name, seconds in rows]
    floor_seconds = floor["total"]["seconds"]
    allowed = floor_seconds / target
    fixed = stage["fasttext"] + stage["dedupe"] + stage["read"] + startup + after
    lines += [
        "",
        f"floor {floor_seconds:.2f} s; 1-worker build {built['total']['seconds']:.2f} s "
        f"({floor_seconds / built['total']['seconds']:.1%} of the floor), "
        f"{built['total']['cpu_seconds']:.2f} CPU s",
        f"at {target:.0%} of the floor one worker has {allowed:.2f} s; the model, the hashing, "
        f"the reads, the start-up and the later stages take {fixed:.2f} s of it "
        f"({floor_seconds / fixed:.1%} of the floor if nothing else ran)",
        f"the rest takes {rest:.2f} s ({rest / docs * 1e6:,.0f} us/doc); "
        + fit(rest, allowed - fixed, docs),
    ]
    return lines


def fit(rest: float, left: float, docs: int) -> str:
    """How the rest compares with the ``left`` seconds the target leaves it."""
    if rest <= left:
        return f"the target leaves it {left:.2f} s: it fits"
    if left <= 0:
        return "the target leaves it nothing: out of reach however fast the rest gets"
    per_doc = left / docs * 1e6
    return f"it would have to fit in {left:.2f} s ({per_doc:,.0f} us/doc, {rest / left:.1f}x less)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--raw", type=Path, required=True, help="benchmark corpus folder")
    parser.add_argument("--workdir", type=Path, default=Path(".bench/ceiling"))
    parser.add_argument("--target", type=float, default=0.10, help="share of the floor")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    floor = measure_floor(args.raw, args.workdir / "floor.parquet")
    built = build(args.raw, args.workdir / "release", 1)
    stage = measure_stage(args.raw)
    startup = measure_startup()
    print("\n".join(report(stage, startup, floor, built, args.target)))


if __name__ == "__main__":
    main()
