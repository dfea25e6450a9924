"""Language identification: the shipped per-paragraph design against cheaper alternatives.

Usage (from the repository root)::

    python -m benchmarks.lid_compare [--docs 5000] [--raw DIR] [--repeat 3]

For each variant of ``dataset.build.language``: accuracy on the hand-labelled sample of
tests/unit/language_samples.py (language, other languages and script all right), fastText calls
and CPU microseconds of language detection per document, and agreement with the shipped design
(same ``language``, same ``other_languages``) on the first ``--docs`` documents of a benchmark
corpus (default: ``.bench/n20000-seed0/raw``, made by ``python -m benchmarks.run``). The input of
each variant is the same: the paragraphs ``remove_boilerplate`` keeps. One untimed pass warms the
caches first; the variants then run interleaved ``--repeat`` times and the fastest run counts
(load from other processes varies); the prediction memo is cleared before every timed run, so
that no variant profits from another's predictions.

Variants:

- ``shipped``: every paragraph (up to 30) on its first 100 characters.
- ``sample-60``: the same on the first 60 characters.
- ``paragraphs-10``: at most 10 paragraphs.
- ``min-40``: paragraphs under 40 characters are not detected (they cannot add another language).
- ``document``: one call on the first 400 characters of the body for the language, and a call
  only for captions and for paragraphs whose script differs from the body's for other languages.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import dataset.build.language as detect
from dataset.build.clean import Paragraph, normalized_lines, remove_boilerplate
from dataset.build.metadata import extract_metadata
from dataset.build.read import find_documents
from tests.unit.language_samples import CASES

Detector = Callable[[Sequence[Paragraph]], detect.LanguageResult]
DOCUMENT_SAMPLE_CHARS = 400


@contextlib.contextmanager
def patched(**constants: int) -> Iterator[None]:
    """Set module constants of dataset.build.language for the duration of the block."""
    saved = {name: getattr(detect, name) for name in constants}
    for name, value in constants.items():
        setattr(detect, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(detect, name, value)


def detect_per_document(paragraphs: Sequence[Paragraph]) -> detect.LanguageResult:
    """One call for the body's language; calls for captions and other-script paragraphs only."""
    body = [p.text for p in paragraphs if not p.is_caption]
    if not body:
        return detect.LanguageResult()
    sample = " ".join(body)[:DOCUMENT_SAMPLE_CHARS]
    language, confidence = detect.predict_language(sample)
    script = detect.dominant_script(sample)
    others = [
        detect.label_paragraph(p)
        for p in paragraphs
        if p.is_caption or detect.dominant_script(p.text[: detect.SAMPLE_CHARS]) != script
    ]
    return detect.LanguageResult(
        language, round(confidence, 4), script, detect.find_other_languages(others, language)
    )


VARIANTS: dict[str, tuple[dict[str, int], Detector]] = {
    "shipped": ({}, detect.detect_languages),
    "sample-60": ({"SAMPLE_CHARS": 60}, detect.detect_languages),
    "paragraphs-10": ({"MAX_PARAGRAPHS": 10}, detect.detect_languages),
    "min-40": ({"MIN_DETECT_CHARS": 40}, detect.detect_languages),
    "document": ({}, detect_per_document),
}


def corpus_paragraphs(raw: Path, docs: int) -> list[list[Paragraph]]:
    """The kept paragraphs of the first ``docs`` documents under ``raw``."""
    result = []
    for path in find_documents(raw)[:docs]:
        lines = normalized_lines(path.read_text(encoding="utf-8", errors="replace"))
        meta = extract_metadata(lines)
        result.append(remove_boilerplate(lines, skip=meta.header_lines, title=meta.title))
    return result


def count_calls() -> Callable[[], int]:
    """Count fastText calls (memo misses) from now on."""
    detect.predict_language.cache_clear()
    return lambda: detect.predict_language.cache_info().misses


def run_variant(detector: Detector, corpus: list[list[Paragraph]]) -> tuple[list, float, int]:
    calls = count_calls()
    start = time.process_time()
    results = [detector(paragraphs) for paragraphs in corpus]
    return results, time.process_time() - start, calls()


def labelled_accuracy(detector: Detector) -> int:
    correct = 0
    for case in CASES:
        result = detector(case.paragraphs())
        expected = (case.language, case.other_languages, case.script)
        correct += (result.language, result.other_languages, result.script) == expected
    return correct


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--raw", type=Path, default=Path(".bench/n20000-seed0/raw"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = corpus_paragraphs(args.raw, args.docs)
    detect.load_model()
    run_variant(detect.detect_languages, corpus)  # warm-up: the first pass pays for cold caches
    best: dict[str, float] = {}
    outcomes: dict[str, tuple[list, int]] = {}
    for _ in range(args.repeat):  # interleaved, best of --repeat: load on the machine varies
        for name, (constants, detector) in VARIANTS.items():
            with patched(**constants):
                results, seconds, calls = run_variant(detector, corpus)
            best[name] = min(seconds, best.get(name, seconds))
            outcomes[name] = (results, calls)
    reference = outcomes["shipped"][0]
    print(f"{len(CASES)} labelled documents; {len(corpus):,} corpus documents from {args.raw}\n")
    print(
        "| variant | labelled right | fastText calls/doc | µs/doc (CPU) | same language | "
        "same other_languages |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, (constants, detector) in VARIANTS.items():
        with patched(**constants):
            right = labelled_accuracy(detector)
        results, calls = outcomes[name]
        pairs = list(zip(reference, results, strict=True))
        same_language = sum(a.language == b.language for a, b in pairs)
        same_others = sum(a.other_languages == b.other_languages for a, b in pairs)
        print(
            f"| {name} | {right}/{len(CASES)} | {calls / len(corpus):.1f} | "
            f"{best[name] / len(corpus) * 1e6:.0f} | {same_language / len(corpus):.1%} | "
            f"{same_others / len(corpus):.1%} |"
        )


if __name__ == "__main__":
    main()
