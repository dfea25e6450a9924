"""Entity mentions, events and outlet names measured on the development set (issue 19).

Usage (from the repository root)::

    python -m benchmarks.entities /work/shared/realpages [--gold benchmarks/entities_gold.jsonl]
        [--seeds dataset/raw] [--repeat 3] [--verbose]

- Entity mentions: ``dataset.build.entities.find_entities`` on each hand-labelled stored page (the
whole
  file; labelling rules in benchmarks/README.md) against benchmarks/entities_gold.jsonl.
  Mention precision = sum(min(found, gold)) / sum(found), recall = sum(min(found, gold)) /
  sum(gold), over every (file, key); also per entity type and per language.
- Events: ``find_events`` with the page's language and labelled publication date (the
  development set's gold.jsonl) against the hand-labelled event sets: exact-set accuracy and
  per-event precision/recall.
- Outlets: how many labelled publishers (gold.jsonl ``publisher``) ``normalize_outlet`` knows.
- Cost: CPU microseconds per document of find_entities and of annotate (what the build calls:
  entities, events and outlets) on the seed documents
  and on all development pages, against the build's own per-document work (``parse_documents``)
  timed in the same runs (best of ``--repeat`` after a warm-up run), and the one-off time to
  load the lexicon.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

from dataset.build import entities
from dataset.build.document import parse_documents
from dataset.paths import SEED_DIR

DEFAULT_GOLD = Path(__file__).resolve().parent / "entities_gold.jsonl"


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSON-lines file; exits 2 with the path when it is missing."""
    if not path.is_file():
        sys.exit(f"error: {path} not found; pass the right path")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def score_mentions(pairs: Sequence[tuple[Counter, Counter]]) -> tuple[int, int, int]:
    """(true positives, found, gold) of mention counts over (found, gold) counters."""
    tp = found = gold = 0
    for predicted, truth in pairs:
        for key in predicted.keys() | truth.keys():
            tp += min(predicted[key], truth[key])
        found += sum(predicted.values())
        gold += sum(truth.values())
    return tp, found, gold


def line(label: str, tp: int, found: int, gold: int) -> str:
    return (f"  {label:<14} P {ratio(tp, found):.3f} R {ratio(tp, gold):.3f}  "
            f"(tp {tp}, found {found}, gold {gold})")


def cpu_us_per_doc(work: Callable[[], object], docs: int) -> float:
    """CPU microseconds per document of one call of ``work`` over ``docs`` documents."""
    start = time.process_time()
    work()
    return (time.process_time() - start) / max(docs, 1) * 1e6


def cost_line(name: str, texts: Sequence[str], repeat: int) -> str:
    """Matcher cost against the build's own per-document work (``parse_documents``).

    The machine is shared, so absolute times drift with its load; each run times the three
    steps back to back on the same documents and the best of ``repeat`` runs counts for each.
    The matchers get what the pipeline will give them: the extracted title, body, language and
    publication date.
    """
    docs = parse_documents(texts)

    def both() -> None:
        for d in docs:  # as the pipeline calls it: one document at a time
            entities.annotate(d.title, d.text, d.language, d.published_date, d.publisher,
                              d.credited_outlet)

    best = {"parse": float("inf"), "entities": float("inf"), "both": float("inf")}
    for run_index in range(repeat + 1):  # the first run warms caches and is not counted
        run = {
            "parse": cpu_us_per_doc(lambda: parse_documents(texts), len(texts)),
            "entities": cpu_us_per_doc(
                lambda: [entities.find_entities(d.title, d.text) for d in docs], len(texts)),
            "both": cpu_us_per_doc(both, len(texts)),
        }
        if run_index:
            best = {k: min(best[k], run[k]) for k in best}
    mean_kb = sum(len(t.encode()) for t in texts) / max(len(texts), 1) / 1024
    return (f"  {name:<10} {len(texts):>4} docs, {mean_kb:.1f} KB mean: find_entities "
            f"{best['entities']:.0f} us/doc, annotate (entities, events, outlets) "
            f"{best['both']:.0f} us/doc; "
            f"parse_documents {best['parse']:.0f} us/doc; matchers = "
            f"{best['both'] / best['parse']:.1%} of it")


def coverage() -> list[str]:
    """The gazetteer's coverage: entries per type, verified fields, names per language."""
    lexicon = entities.load_lexicon()
    rows = []
    for filename in entities.GAZETTEER_FILES:
        rows += read_yaml_list(entities.LEXICON_DIR / "gazetteer" / filename)
    lines = ["Gazetteer coverage:"]
    for kind in entities.ENTITY_TYPES:
        of_kind = [e for e in lexicon.entries.values() if e.type == kind]
        lines.append(f"  {kind:<13} {len(of_kind):>3} entries, "
                     f"{sum(e.wikidata is not None for e in of_kind)} with a verified Wikidata id, "
                     f"{sum(e.coordinates is not None for e in of_kind)} with verified coordinates")
    per_language: dict[str, tuple[int, int]] = {}
    for row in rows:
        for lang, forms in (row.get("names") or {}).items():
            entries_n, names_n = per_language.get(lang, (0, 0))
            per_language[lang] = (entries_n + 1, names_n + len(forms))
    lines.append("  names per language (entries covered / names): " + ", ".join(
        f"{lang} {e}/{n}" for lang, (e, n) in sorted(per_language.items())))
    missing = yaml.safe_load(
        (entities.LEXICON_DIR / "gazetteer" / "missing_names.yaml").read_text(encoding="utf-8"))
    listed = [(lang, key) for lang, keys in missing["unknown"].items() for key in keys]
    listed += [(lang, key) for lang, keys in missing["homographs"].items() for key in keys]
    per_gap = sorted(Counter(lang for lang, _ in listed).items())
    lines.append(f"  {len(listed)} (language, entry) pairs without names, with reasons in "
                 "missing_names.yaml: " + ", ".join(f"{lang} {n}" for lang, n in per_gap))
    acronyms = sum(len(row.get("acronyms") or []) for row in rows)
    lines.append(f"  plus {acronyms} case-sensitive acronyms; {len(lexicon.events)} events; "
                 f"{len({v for v in lexicon.outlets.values()})} outlets")
    return lines


def read_yaml_list(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


FIGURES_FILE = Path(__file__).resolve().parents[1] / "dataset" / "resources" / "entity_quality.json"


def measure(realpages: Path, gold: Path = DEFAULT_GOLD, verbose: bool = False) -> dict:
    """Mention precision/recall (overall, per type, per language) and event accuracy on the
    hand-labelled pages, as the card shows them (``FIGURES_FILE``)."""
    meta = {row["file"]: row for row in read_jsonl(realpages / "gold.jsonl")}
    labels = read_jsonl(gold)
    lexicon = entities.load_lexicon()
    by_type: dict[str, list] = {t: [] for t in entities.ENTITY_TYPES}
    by_lang: dict[str, list] = {}
    pairs, exact = [], 0
    event_tp, event_found, event_gold = Counter(), Counter(), Counter()
    for label in labels:
        text = (realpages / "raw" / label["file"]).read_text(encoding="utf-8")
        page = meta[label["file"]]
        found = entities.find_entities(None, text)
        predicted = Counter({e["key"]: e["count"] for e in found})
        truth = Counter(label["entities"])
        pairs.append((predicted, truth))
        by_lang.setdefault(page["language"], []).append((predicted, truth))
        for kind in entities.ENTITY_TYPES:
            keep = [k for k in predicted.keys() | truth.keys() if lexicon.entries[k].type == kind]
            by_type[kind].append((Counter({k: predicted[k] for k in keep}),
                                  Counter({k: truth[k] for k in keep})))
        events = entities.find_events(found, text, page["language"], page["published_date"])
        gold_events = set(label["events"])
        exact += set(events) == gold_events
        event_found.update(events)
        event_tp.update(key for key in events if key in gold_events)
        event_gold.update(gold_events)
        if verbose and (predicted != truth or set(events) != gold_events):
            print(f"{label['file']} [{page['language']}] missed {dict(truth - predicted)} "
                  f"extra {dict(predicted - truth)} events {sorted(events)} "
                  f"gold {sorted(gold_events)}")

    def scores(group: Sequence[tuple[Counter, Counter]]) -> dict:
        tp, found_n, gold_n = score_mentions(group)
        return {"precision": round(ratio(tp, found_n), 3), "recall": round(ratio(tp, gold_n), 3),
                "tp": tp, "found": found_n, "gold": gold_n, "pages": len(group)}

    return {
        "pages": len(labels),
        "languages": len(by_lang),
        "mentions": scores(pairs),
        "mentions_by_type": {kind: scores(group) for kind, group in by_type.items()},
        "mentions_by_language": {lang: scores(group) for lang, group in sorted(by_lang.items())},
        "events": {"exact_set_accuracy": round(ratio(exact, len(labels)), 3), "exact": exact,
                   "pages": len(labels)},
        "events_by_key": {
            key: {"precision": round(ratio(event_tp[key], event_found[key]), 3),
                  "recall": round(ratio(event_tp[key], event_gold[key]), 3),
                  "tp": event_tp[key], "found": event_found[key], "gold": event_gold[key]}
            for key in sorted(event_gold.keys() | event_found.keys())
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("realpages", type=Path, help="development set folder (raw/, gold.jsonl)")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--seeds", type=Path, default=SEED_DIR)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--verbose", action="store_true", help="list misses and false hits")
    parser.add_argument("--write", action="store_true",
                        help=f"store the figures the card shows in {FIGURES_FILE.name}")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    entities.load_lexicon()
    load_ms = (time.perf_counter() - start) * 1e3
    figures = measure(args.realpages, args.gold, args.verbose)
    m = figures["mentions"]
    print(f"Entity mentions on {figures['pages']} hand-labelled pages "
          f"({figures['languages']} languages):")
    print(line("all", m["tp"], m["found"], m["gold"]))
    for kind, s in figures["mentions_by_type"].items():
        print(line(kind, s["tp"], s["found"], s["gold"]))
    print("  per language:")
    for lang, s in figures["mentions_by_language"].items():
        print("  " + line(lang, s["tp"], s["found"], s["gold"]))
    e = figures["events"]
    print(f"Events: exact-set accuracy {e['exact_set_accuracy']:.3f} ({e['exact']}/{e['pages']})")
    for key, s in figures["events_by_key"].items():
        print(f"  {key:<24} P {s['precision']:.3f} R {s['recall']:.3f} "
              f"(tp {s['tp']}, found {s['found']}, gold {s['gold']})")
    if args.write:
        FIGURES_FILE.write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n",
                                encoding="utf-8")
        print(f"wrote {FIGURES_FILE}")

    meta = {row["file"]: row for row in read_jsonl(args.realpages / "gold.jsonl")}
    publishers = [row["publisher"] for row in meta.values() if row.get("publisher")]
    known = [p for p in publishers if entities.normalize_outlet(p) is not None]
    print(f"Outlets: {len(known)}/{len(publishers)} labelled publishers normalized")
    if args.verbose:
        for name in known:
            print(f"  {name} -> {entities.normalize_outlet(name)}")

    print("\n".join(coverage()))
    print(f"Cost (CPU, best of {args.repeat} interleaved runs; lexicon load {load_ms:.0f} ms "
          "once per process):")
    for name, folder in (("seeds", args.seeds), ("realpages", args.realpages / "raw")):
        print(cost_line(name, [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))],
                        args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
