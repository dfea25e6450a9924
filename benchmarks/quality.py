"""Extraction quality on a hand-labelled set of real pages (e.g. ../shared/realpages).

Usage (from the repository root)::

    python -m benchmarks.quality PAGES_DIR [--mismatches] [--json] [--release DIR]
        [--reference-date YYYY-MM-DD] [--write FILE]

PAGES_DIR holds ``raw/NNN.txt`` and ``gold.jsonl`` (one object per raw file: ``file``,
``language``, ``title``, ``published_date``, ``publisher``, ``boilerplate_lines``; the labelling
rules are in the set's README.md).

Method
------
1. The pages are built with the real CLI (``python -m dataset build --raw PAGES_DIR/raw --out
   TMP --no-validate --no-cache --reference-date D``), so the figures measure what a release
   holds. ``--release DIR`` scores an existing build instead.
2. Fields come from the release's Parquet rows (``data/*/*.parquet``, the files of the ``all``
   config, matched by ``source_file``). A page the
   build rejected (too short, duplicate, ...) has no row: its language is the one the rejects
   table records (detected on the body, or on the whole page when no body remained), its other
   fields come from ``dataset.build.document.parse_document`` in-process (the same code), and
   the page is flagged.
3. Scoring, per page:
   - language, publisher: exact match (NFC, surrounding whitespace trimmed); a null gold must
     give null. A gold publisher in the outlet registry is compared by its registry name, as the
     release holds it.
   - title: the same, after NFC and whitespace trim.
   - published_date: ``found`` (equal), ``missed`` (gold date, none found), ``wrong`` (a
     different date), ``spurious`` (a date where the gold is null: the text does not state it
     as the publication date), ``null`` (both null). Accuracy counts found + null.
   - furniture lines: gold ``boilerplate_lines`` are 1-based raw line numbers. Raw lines are
     mapped to the normalized non-empty lines the pipeline works on (``normalize_text`` keeps one
     output line per raw line; blank and whitespace-only lines are never scored). A line is
     predicted furniture when the build removed it from the released ``text`` and it is not a
     metadata line (the line the title was read from, the date line, a masthead line:
     the labelling rules do not count headline, dateline or masthead lines as furniture).
     Kept lines are found by matching the released paragraphs (``text`` split on blank lines)
     in order against the normalized lines; when that does not consume every paragraph (the
     cleaning step rewrote a line), the cleaning code's own per-line labels
     (``dataset.build.clean.label_lines``) are used instead and the page is counted as
     ``labels_in_process``. Precision/recall/F1 are micro-averaged over all scored lines.
4. Output: per-field accuracy, furniture P/R/F1, a per-language table; ``--mismatches`` adds
   every page's mismatches; ``--json`` prints everything as one JSON object instead;
   ``--write FILE`` also stores the overall and per-language figures (numbers only, no page
   text) for the card (``dataset/resources/extraction_quality.json``, read by
   ``dataset.release.quality_figures``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from dataset.build.clean import BODY, label_lines, normalize_text, normalized_lines
from dataset.build.document import parse_document
from dataset.build.metadata import HEADER_LINES, extract_metadata, find_masthead
from dataset.release.quality_figures import TABLE_HEADER, figures_problems, format_row

FIELDS = ("language", "title", "published_date", "publisher")
DATE_OUTCOMES = ("found", "null", "missed", "wrong", "spurious")


# --------------------------------------------------------------------------------------------
# Scoring (pure functions)
# --------------------------------------------------------------------------------------------


def normalize_value(value: object) -> str | None:
    """NFC and trimmed whitespace; None and empty strings are null."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def score_exact(gold: object, predicted: object) -> bool:
    """True when both normalize to the same string (or both are null)."""
    return normalize_value(gold) == normalize_value(predicted)


def score_date(gold: str | None, predicted: str | None) -> str:
    """One of DATE_OUTCOMES for an ISO date pair (``YYYY-MM-DD`` strings or None)."""
    gold, predicted = normalize_value(gold), normalize_value(predicted)
    if gold is None:
        return "null" if predicted is None else "spurious"
    if predicted is None:
        return "missed"
    return "found" if gold == predicted else "wrong"


@dataclass
class LineCounts:
    """Furniture-line confusion counts."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: LineCounts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def scores(self) -> dict[str, float]:
        """Precision, recall and F1 (1.0 when there is nothing to find and nothing found)."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": precision, "recall": recall, "f1": f1}


def score_lines(gold: Iterable[int], predicted: Iterable[int], scored: Iterable[int]) -> LineCounts:
    """Confusion counts over the scored line numbers only (blank lines are never scored)."""
    scored_set = set(scored)
    gold_set, predicted_set = set(gold) & scored_set, set(predicted) & scored_set
    return LineCounts(
        tp=len(gold_set & predicted_set),
        fp=len(predicted_set - gold_set),
        fn=len(gold_set - predicted_set),
    )


def map_raw_lines(raw: str) -> dict[int, int] | None:
    """{1-based raw line number: index in split_lines(normalize_text(raw))}, non-blank only.

    None when normalization changed the number of lines (then raw lines cannot be mapped).
    """
    raw_lines = raw.split("\n")
    normalized = normalize_text(raw).split("\n")
    if len(raw_lines) != len(normalized):
        return None
    mapping: dict[int, int] = {}
    for number, line in enumerate(normalized, start=1):
        if line:
            mapping[number] = len(mapping)
    return mapping


def kept_from_text(lines: Sequence[str], text: str | None) -> set[int] | None:
    """Indices of the lines released in ``text`` (paragraphs matched in order), or None when the
    paragraphs are not an in-order subsequence of the lines."""
    paragraphs = [p for p in (text or "").split("\n\n") if p]
    kept: set[int] = set()
    position = 0
    for paragraph in paragraphs:
        while position < len(lines) and lines[position] != paragraph:
            position += 1
        if position == len(lines):
            return None
        kept.add(position)
        position += 1
    return kept


def metadata_lines(
    lines: Sequence[str],
    removed: set[int],
    title: str | None,
    date_raw: str | None,
) -> set[int]:
    """Removed lines that carry metadata, not furniture: the first line holding the title, the
    first line holding the raw date, and masthead lines above the title."""
    found: set[int] = set()
    title_index = None
    if title:
        title_index = next((i for i in sorted(removed) if title in lines[i]), None)
        if title_index is not None:
            found.add(title_index)
    if date_raw:
        date_index = next((i for i in sorted(removed) if date_raw in lines[i]), None)
        if date_index is not None:
            found.add(date_index)
    header_end = title_index if title_index is not None else HEADER_LINES
    found |= {i for i in removed if i < header_end and find_masthead(lines[i]) is not None}
    return found


# --------------------------------------------------------------------------------------------
# Building and reading
# --------------------------------------------------------------------------------------------


@dataclass
class Prediction:
    """What the build says about one raw page."""

    language: str | None
    title: str | None
    published_date: str | None
    published_date_raw: str | None
    publisher: str | None
    text: str | None
    rejected: str | None = None  # reject reason, when the page has no row


def build_release(raw_dir: Path, out: Path, reference_date: str) -> None:
    """Run the real CLI build (no validation, no cache) into ``out``."""
    command = [
        sys.executable,
        "-m",
        "dataset",
        "build",
        "--raw",
        str(raw_dir),
        "--out",
        str(out),
        "--no-validate",
        "--no-cache",
        "--reference-date",
        reference_date,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"build failed ({done.returncode}): {done.stderr.strip()[-500:]}")


def read_predictions(
    release: Path, raw_dir: Path, reference_date: dt.date
) -> dict[str, Prediction]:
    """Predictions by source file: Parquet rows, else rejects (fields computed in-process)."""
    predictions: dict[str, Prediction] = {}
    for path in sorted((release / "data").glob("*/*.parquet")):
        for row in pq.read_table(path).to_pylist():
            date = row["published_date"]
            predictions[row["source_file"]] = Prediction(
                language=row["language"],
                title=row["title"],
                published_date=date.isoformat() if date else None,
                published_date_raw=row["published_date_raw"],
                publisher=row["publisher"],
                text=row["text"],
            )
    rejects = release / "rejects" / "rejects.parquet"
    if rejects.exists():
        for row in pq.read_table(rejects).to_pylist():
            name = row["source_file"]
            raw = (raw_dir / name).read_text(encoding="utf-8")
            found = parse_document(raw, reference_date)
            predictions[name] = Prediction(
                language=row["language"],
                title=found.title,
                published_date=found.published_date.isoformat() if found.published_date else None,
                published_date_raw=found.published_date_raw,
                publisher=found.publisher,
                text=found.text,
                rejected=row["reason"],
            )
    return predictions


# --------------------------------------------------------------------------------------------
# Per-page and aggregate scores
# --------------------------------------------------------------------------------------------


@dataclass
class PageScore:
    """Every field's outcome for one page, and its mismatches for --mismatches."""

    file: str
    language: str
    fields: dict[str, bool]
    date_outcome: str
    lines: LineCounts
    mismatches: list[str] = field(default_factory=list)
    labels_in_process: bool = False
    rejected: str | None = None


def predicted_furniture(
    raw: str, prediction: Prediction, reference_date: dt.date
) -> tuple[set[int], set[int], bool] | None:
    """(predicted furniture raw line numbers, scored raw line numbers, labels_in_process)."""
    mapping = map_raw_lines(raw)
    if mapping is None:
        return None
    lines = normalized_lines(raw)  # the pipeline's lines
    kept = kept_from_text(lines, prediction.text)
    in_process = kept is None or prediction.rejected is not None
    if in_process:
        meta = extract_metadata(lines, reference_date)
        labels = label_lines(lines, skip=meta.header_lines, title=meta.title)
        kept = {i for i, label in enumerate(labels) if label == BODY}
    removed = set(range(len(lines))) - kept
    removed -= metadata_lines(lines, removed, prediction.title, prediction.published_date_raw)
    by_index = {index: number for number, index in mapping.items()}
    return {by_index[i] for i in removed}, set(mapping), in_process


def outlet_name(name: str | None) -> str | None:
    """The outlet registry's name for ``name`` when it is registered, else ``name``."""
    from dataset.build.entities import normalize_outlet

    found = normalize_outlet(name)
    return found[0] if found else name


def score_page(gold: dict, raw: str, prediction: Prediction, reference_date: dt.date) -> PageScore:
    """Compare one page's prediction with its gold labels."""
    fields = {
        name: score_exact(gold[name], getattr(prediction, name))
        for name in ("language", "title")
    }
    # The release normalizes publishers to the outlet registry's names ("路透社" -> "Reuters");
    # the gold spells them as in the text, so it is normalized the same way.
    fields["publisher"] = score_exact(outlet_name(gold["publisher"]), prediction.publisher)
    date_outcome = score_date(gold["published_date"], prediction.published_date)
    fields["published_date"] = date_outcome in ("found", "null")
    page = PageScore(
        gold["file"],
        gold["language"],
        fields,
        date_outcome,
        LineCounts(),
        rejected=prediction.rejected,
    )
    for name in FIELDS:
        if not fields[name]:
            extra = f" [{date_outcome}]" if name == "published_date" else ""
            page.mismatches.append(
                f"{name}{extra}: gold {gold[name]!r} got {getattr(prediction, name)!r}"
            )
    furniture = predicted_furniture(raw, prediction, reference_date)
    if furniture is None:
        page.mismatches.append("furniture: raw lines could not be mapped (not scored)")
        return page
    predicted, scored, page.labels_in_process = furniture
    gold_lines = set(gold["boilerplate_lines"])
    page.lines = score_lines(gold_lines, predicted, scored)
    if predicted - gold_lines:
        page.mismatches.append(
            f"furniture kept-lines removed (fp): {sorted(predicted - gold_lines)}"
        )
    if gold_lines - predicted:
        page.mismatches.append(f"furniture missed (fn): {sorted(gold_lines - predicted)}")
    return page


def summarize(pages: Sequence[PageScore]) -> dict:
    """Accuracy per field, date outcomes and furniture scores over the pages."""
    counts = LineCounts()
    for page in pages:
        counts.add(page.lines)
    n = len(pages)
    return {
        "pages": n,
        "accuracy": {
            name: (sum(p.fields[name] for p in pages) / n if n else 0.0) for name in FIELDS
        },
        "dates": {o: sum(p.date_outcome == o for p in pages) for o in DATE_OUTCOMES},
        "furniture": {**counts.scores(), "tp": counts.tp, "fp": counts.fp, "fn": counts.fn},
    }


def report(pages: Sequence[PageScore]) -> dict:
    """Overall and per-language summaries plus per-page mismatches."""
    languages = sorted({p.language for p in pages})
    return {
        "overall": summarize(pages),
        "by_language": {
            lang: summarize([p for p in pages if p.language == lang]) for lang in languages
        },
        "rejected": {p.file: p.rejected for p in pages if p.rejected},
        "labels_in_process": sorted(p.file for p in pages if p.labels_in_process),
        "mismatches": {p.file: p.mismatches for p in pages if p.mismatches},
    }


def stored_figures(result: dict, reference_date: dt.date) -> dict:
    """What ``--write`` stores for the card: numbers only, never a text of the pages."""
    return {
        "reference_date": reference_date.isoformat(),
        "overall": result["overall"],
        "by_language": result["by_language"],
    }


def format_report(result: dict, mismatches: bool) -> str:
    """Human-readable Markdown tables."""
    overall = result["overall"]
    header = TABLE_HEADER
    lines = [
        f"Pages: {overall['pages']}; dates: {overall['dates']}; furniture lines: "
        f"tp {overall['furniture']['tp']} fp {overall['furniture']['fp']} "
        f"fn {overall['furniture']['fn']}",
        "",
        header,
        format_row("**all**", overall),
        *(format_row(lang, s) for lang, s in result["by_language"].items()),
    ]
    if result["rejected"]:
        lines += [
            "",
            "Rejected by the build (language from the rejects table, other fields computed "
            f"in-process): {result['rejected']}",
        ]
    if result["labels_in_process"]:
        lines += ["", f"Furniture from in-process labels: {', '.join(result['labels_in_process'])}"]
    if mismatches:
        lines.append("")
        for name, found in result["mismatches"].items():
            lines.append(f"{name}:")
            lines.extend(f"  {m}" for m in found)
    return "\n".join(lines)


def run(pages_dir: Path, release: Path | None, reference_date: dt.date) -> dict:
    """Build (unless a release is given), score every gold page, return the report."""
    raw_dir = pages_dir / "raw"
    golds = [
        json.loads(line)
        for line in (pages_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    with tempfile.TemporaryDirectory(prefix="kn-quality-") as tmp:
        if release is None:
            release = Path(tmp) / "release"
            build_release(raw_dir, release, reference_date.isoformat())
        predictions = read_predictions(release, raw_dir, reference_date)
        pages = []
        for gold in golds:
            raw = (raw_dir / gold["file"]).read_text(encoding="utf-8")
            prediction = predictions.get(gold["file"])
            if prediction is None:
                raise SystemExit(f"{gold['file']}: neither a row nor a reject in the release")
            pages.append(score_page(gold, raw, prediction, reference_date))
    return report(pages)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Score the real extraction against hand labels.",
        epilog="Example: python -m benchmarks.quality ../shared/realpages --mismatches",
    )
    parser.add_argument("pages_dir", type=Path, help="folder with raw/ and gold.jsonl")
    parser.add_argument("--mismatches", action="store_true", help="print per-page mismatches")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--release", type=Path, help="score this built release (no build)")
    parser.add_argument(
        "--write",
        type=Path,
        metavar="FILE",
        help="also store the figures as JSON for the card "
        "(dataset/resources/extraction_quality.json)",
    )
    parser.add_argument(
        "--reference-date",
        type=dt.date.fromisoformat,
        default=dt.datetime.now(dt.UTC).date(),
        help="latest accepted published date (default: today, UTC)",
    )
    args = parser.parse_args(argv)
    if not (args.pages_dir / "gold.jsonl").is_file():
        parser.error(f"{args.pages_dir}: no gold.jsonl here; pass the labelled set's folder")
    result = run(args.pages_dir, args.release, args.reference_date)
    if args.write:
        write_figures(stored_figures(result, args.reference_date), args.write)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print(format_report(result, args.mismatches))


def write_figures(figures: dict, path: Path) -> None:
    """Write the card's figures as sorted, indented JSON (refused when not the stored shape)."""
    problems = figures_problems(figures)
    if problems:
        raise SystemExit(f"{path}: figures not written: {problems[0]}")
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
