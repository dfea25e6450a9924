"""Speed of the per-document extraction (``dataset.build.document.parse_document``), step by step.

Usage (from the repository root)::

    python benchmarks/extract_speed.py [--docs 1000] [--repeat 3] [--seed 0] [--profile]
        [--save OUT.jsonl | --compare OUT.jsonl]

The corpus is deterministic: the five seed documents plus ``--docs`` synthetic documents of
1-10 KB of UTF-8 (log-uniform), each built from sentences of one seed (so the languages and
scripts are real: zh, ar, vi, fr) in which WORD_SWAP_SHARE of the words are swapped for other
words of the same seed, so paragraphs differ from document to document as real articles do
(without it three samples in four would repeat, and any cache would look better than it is);
wrapped in a masthead, a date line in one of the seed
formats, a title, share/menu/"read also" furniture, and in one document out of five a photo
caption taken from a seed in another language (which ``other_languages`` must not report: captions
are not in the released text).

Output: per step, the mean microseconds per document (best of ``--repeat`` runs over the whole
corpus), then the median and 90th percentile of the whole ``parse_document`` per document and
documents per second, and the accuracy of the language labels on the hand-labelled sample of
tests/unit/language_samples.py. ``--profile`` prints the top of a cProfile of one run instead.
``--save`` writes every document's extraction (one JSON line each); ``--compare`` counts, per
field, the documents whose extraction differs from a saved run (and the largest change of
``language_score``), which is how a speed change proves it changed no result.

Times are CPU seconds of this process (``time.process_time``) unless ``--clock wall``: on a
shared machine other processes' load then slows the numbers less (it still costs cache).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import pstats
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dataset.build.clean import join_body, normalize_text, remove_boilerplate, split_lines
from dataset.build.document import parse_document
from dataset.build.language import detect_languages, load_model
from dataset.build.metadata import extract_metadata
from dataset.paths import SEED_DIR
from tests.unit.language_samples import CASES

WORD_SWAP_SHARE = 0.15
TOKEN = re.compile(r"\w+|\W+")
SENTENCE_END = re.compile(r"(?<=[.!?。！？؟])\s+|(?<=[。！？])")
DATE_LINES = (
    "{d} {m} 月, {y}",
    "{y}年{m}月{d}日",
    "الاثنين {d} سبتمبر {y} الساعة 05:53",
    "Publié le {d:02d}/{m:02d}/{y} à 18h11",
    "Báo Quốc TếBáo Quốc Tế{d:02d}/{m:02d}/{y}",
    "{y}-{m:02d}-{d:02d}",
)
SITES = (
    "Eddiba News",
    "Le Courrier - Actualités internationales",
    "Vietnam.vn - Nền tảng",
    "الوطن اليوم",
    "环球时报",
)
FURNITURE = (
    "Partager",
    "Comment (0)",
    "Chia sẻ",
    "شارك",
    "分享到微信",
    "Lire aussi : la chronologie",
    "Accueil | Monde | Europe",
    "Tags: Karabakh, Arménie",
    "https://t.me/channel",
)


def seed_sentences() -> list[list[str]]:
    """The sentences (> 20 characters) of each seed document, in file order."""
    pools = []
    for path in sorted(SEED_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        pools.append(
            [
                s.strip()
                for line in text.splitlines()
                for s in SENTENCE_END.split(line)
                if len(s.strip()) > 20
            ]
        )
    return pools


def make_document(index: int, pools: list[list[str]], rng_seed: int) -> str:
    """Synthetic document ``index``: a deterministic function of (rng_seed, index)."""
    rng = random.Random(f"{rng_seed}-{index}")
    pool_index = rng.randrange(len(pools))
    pool = pools[pool_index]
    words = sorted({w for sentence in pool for w in TOKEN.findall(sentence) if w[0].isalnum()})
    target = int(1000 * 10 ** rng.uniform(0, 1))
    lines = [
        rng.choice(SITES),
        rng.choice(DATE_LINES).format(
            d=rng.randint(1, 28), m=rng.randint(1, 12), y=rng.choice((2020, 2023, 2024))
        ),
    ]
    lines.append(rng.choice(pool)[:120].rstrip(".。") + " | Monde")
    lines.extend(rng.sample(FURNITURE, 2))
    size = sum(len(line.encode()) for line in lines)
    while size < target:
        paragraph = " ".join(vary(rng.choice(pool), words, rng) for _ in range(rng.randint(1, 4)))
        lines.append(paragraph)
        size += len(paragraph.encode()) + 1
        if rng.random() < 0.05:
            lines.append(rng.choice(FURNITURE))
    if rng.random() < 0.2:  # a caption in another language, as in seed 003
        other = pools[(pool_index + rng.randrange(1, len(pools))) % len(pools)]
        at = rng.randrange(3, len(lines))
        lines.insert(at, f"{rng.choice(other)[:150].rstrip('.。')}. Photo : AFP")
    lines.extend(rng.sample(FURNITURE, 3))
    return "\n".join(lines) + "\n"


def make_corpus(docs: int, rng_seed: int) -> list[str]:
    """The seed documents followed by ``docs`` synthetic ones."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEED_DIR.glob("*.txt"))]
    pools = seed_sentences()
    return seeds + [make_document(i, pools, rng_seed) for i in range(docs)]


def vary(sentence: str, words: list[str], rng: random.Random) -> str:
    """The sentence with WORD_SWAP_SHARE of its words replaced by words of the same seed."""
    return "".join(
        rng.choice(words) if token[0].isalnum() and rng.random() < WORD_SWAP_SHARE else token
        for token in TOKEN.findall(sentence)
    )


STEPS = ("normalize", "split_lines", "metadata", "boilerplate", "languages", "join_body")


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
clock = CLOCKS["cpu"]


def time_steps(corpus: list[str]) -> tuple[dict[str, float], list[float]]:
    """Run the steps of parse_document on every document; return step totals (s) and totals."""
    totals = dict.fromkeys(STEPS, 0.0)
    per_doc = []
    for text in corpus:
        t0 = clock()
        normalized = normalize_text(text)
        t1 = clock()
        lines = split_lines(normalized)
        t2 = clock()
        meta = extract_metadata(lines)
        t3 = clock()
        paragraphs = remove_boilerplate(lines, skip=meta.header_lines, title=meta.title)
        t4 = clock()
        detect_languages(paragraphs)
        t5 = clock()
        join_body(paragraphs)
        t6 = clock()
        for step, start, end in zip(
            STEPS, (t0, t1, t2, t3, t4, t5), (t1, t2, t3, t4, t5, t6), strict=True
        ):
            totals[step] += end - start
        per_doc.append(t6 - t0)
    return totals, per_doc


def time_whole(corpus: list[str]) -> tuple[float, list[float]]:
    """Time parse_document itself per document; return (total seconds, per-document seconds)."""
    per_doc = []
    for text in corpus:
        start = clock()
        parse_document(text)
        per_doc.append(clock() - start)
    return sum(per_doc), per_doc


def label_accuracy() -> tuple[int, int]:
    """(correct, total) documents of the labelled sample: language, other languages, script."""
    correct = 0
    for case in CASES:
        result = detect_languages(case.paragraphs())
        correct += (result.language, result.other_languages, result.script) == (
            case.language,
            case.other_languages,
            case.script,
        )
    return correct, len(CASES)


def extraction_rows(corpus: list[str]) -> list[dict]:
    """Every document's extraction as a JSON-ready dict."""
    return [
        json.loads(json.dumps(dataclasses.asdict(parse_document(text)), default=str))
        for text in corpus
    ]


def compare_rows(saved_path: Path, rows: list[dict]) -> None:
    """Print, per field, how many documents differ from a saved run."""
    saved = [json.loads(line) for line in saved_path.read_text(encoding="utf-8").splitlines()]
    if len(saved) != len(rows):
        sys.exit(f"{saved_path}: {len(saved)} documents saved, {len(rows)} now; same --docs/--seed")
    for field in rows[0]:
        changed = sum(old[field] != new[field] for old, new in zip(saved, rows, strict=True))
        print(f"  {field:<20} {changed} of {len(rows)} documents differ")
    delta = max(
        abs(old["language_score"] - new["language_score"])
        for old, new in zip(saved, rows, strict=True)
    )
    print(f"  largest language_score change: {delta:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu")
    parser.add_argument("--save", type=Path)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()

    global clock
    clock = CLOCKS[args.clock]
    corpus = make_corpus(args.docs, args.seed)
    load_model()
    for text in corpus[:50]:  # warm caches (model, lazy imports, regex compilation)
        parse_document(text)
    sizes = sorted(len(t.encode()) for t in corpus)
    print(
        f"corpus: {len(corpus)} documents, median {sizes[len(sizes) // 2]} bytes, "
        f"{sum(sizes) / 1e6:.1f} MB"
    )

    if args.save or args.compare:
        rows = extraction_rows(corpus)
        if args.save:
            args.save.write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
            )
            print(f"saved {len(rows)} extractions to {args.save}")
        else:
            compare_rows(args.compare, rows)
        return
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(time_whole, corpus)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return

    best_steps: dict[str, float] = {}
    best_total, best_per_doc = float("inf"), []
    for _ in range(args.repeat):
        steps, _ = time_steps(corpus)
        for step, seconds in steps.items():
            best_steps[step] = min(best_steps.get(step, float("inf")), seconds)
        total, per_doc = time_whole(corpus)
        if total < best_total:
            best_total, best_per_doc = total, per_doc
    n = len(corpus)
    for step in STEPS:
        print(f"  {step:<12} {best_steps[step] / n * 1e6:8.1f} µs/doc")
    quantiles = statistics.quantiles(best_per_doc, n=10)
    print(
        f"  {'parse_document':<12} mean {best_total / n * 1e6:.1f} µs/doc, "
        f"median {statistics.median(best_per_doc) * 1e6:.1f} µs, "
        f"p90 {quantiles[-1] * 1e6:.1f} µs, {n / best_total:,.0f} docs/s"
    )
    correct, total = label_accuracy()
    print(f"  language labels: {correct}/{total} labelled documents correct")


if __name__ == "__main__":
    main()
