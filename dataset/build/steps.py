"""The step contract of the per-document pipeline.

A step is a function ``step(record, config)`` that returns the record the next step takes, or a
``Reject`` whose reason is one of the codes the step declares with ``declares``. Reason codes are
declared once, in schemas/reject.yaml: ``declares`` refuses any other code when the step is
defined, and the runners refuse a reject with a code its step did not declare.

A batch step (marked with ``batch_step``) has the same contract over a whole batch:
``step(records, config)`` returns one record or ``Reject`` per record, in order. It is the same
contract, written for steps whose tables or model stay in the CPU caches while they run over many
documents in a row (extraction, dedupe keys: measured in benchmarks/README.md).

A pipeline is a plain list of steps: ``run_steps`` applies it to one record, ``run_batch`` to a
batch (each step over every record still alive before the next step), both stopping a record at
its first reject. They give the same result for a record whatever batch it is in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from dataset.config import BuildConfig
from dataset.records import Extraction, RawDocument, Reject
from dataset.schema import reject_reasons

StepFunction = TypeVar("StepFunction", bound=Callable[[Any, BuildConfig], Any])


@dataclass(frozen=True)
class ExtractedDocument:
    """A raw document with what extraction found in it: the record the filter steps take.

    ``fingerprint`` and ``signature`` (MinHash, uint32 bytes) are the dedupe keys, None until
    they are computed; ``from_cache`` says extraction and keys were read from the per-document
    cache rather than computed.
    """

    raw: RawDocument
    extraction: Extraction
    fingerprint: str | None = None
    signature: bytes | None = None
    from_cache: bool = False


def declares(*reasons: str) -> Callable[[StepFunction], StepFunction]:
    """Mark a function as a step that may reject with ``reasons`` (codes of schemas/reject.yaml).

    Raises ValueError naming the unknown codes when one is not declared in schemas/reject.yaml.
    """
    unknown = sorted(set(reasons) - set(reject_reasons()))
    if unknown:
        raise ValueError(
            f"reject reasons {unknown} are not declared; declare them in schemas/reject.yaml"
        )

    def mark(step: StepFunction) -> StepFunction:
        step.reasons = reasons  # type: ignore[attr-defined]
        return step

    return mark


def batch_step(step: StepFunction) -> StepFunction:
    """Mark a step (already marked with ``declares``) as taking the whole batch of records.

    ``step(records, config)`` must return a list with one record or ``Reject`` per record, in
    the order of ``records``.
    """
    step.batch = True  # type: ignore[attr-defined]
    return step


def run_steps(record: Any, steps: Sequence[Callable[[Any, BuildConfig], Any]], config: BuildConfig):
    """``record`` through ``steps`` in order: the last step's record, or the first ``Reject``.

    Raises ValueError when a step rejects with a reason it did not declare (a bug in the step).
    """
    return run_batch([record], steps, config)[0]


def run_batch(
    records: Sequence[Any], steps: Sequence[Callable[[Any, BuildConfig], Any]], config: BuildConfig
) -> list:
    """Every record through ``steps``: per record, the last step's record or its first ``Reject``.

    Each step runs over every record still alive before the next step starts; a batch step gets
    them as one list. Raises ValueError when a step rejects with a reason it did not declare, or
    when a batch step returns a different number of results than it was given (bugs in the step).
    """
    return [outcome for _, outcome in trace_batch(records, steps, config)]


def trace_batch(
    records: Sequence[Any], steps: Sequence[Callable[[Any, BuildConfig], Any]], config: BuildConfig
) -> list[tuple[Any, Any]]:
    """``run_batch``, with each outcome paired with the last record before it.

    For a rejected record that is what the rejecting step was given (what the driver still needs
    to know about a rejected document: its decoding, its extraction for the cache); for a record
    that passed every step it is the outcome itself. Same errors as ``run_batch``.
    """
    last = list(records)
    results = list(records)
    for step in steps:
        alive = [k for k, record in enumerate(results) if not isinstance(record, Reject)]
        if not alive:
            break
        if getattr(step, "batch", False):
            outcomes = step([results[k] for k in alive], config)
            if len(outcomes) != len(alive):
                raise ValueError(
                    f"batch step {step.__name__} returned {len(outcomes)} results for "
                    f"{len(alive)} records; it must return one per record"
                )
        else:
            outcomes = [step(results[k], config) for k in alive]
        for k, outcome in zip(alive, outcomes, strict=True):
            last[k] = results[k]
            results[k] = check_reason(outcome, step)
    return [
        (record if isinstance(outcome, Reject) else outcome, outcome)
        for record, outcome in zip(last, results, strict=True)
    ]


def check_reason(outcome: Any, step: Callable) -> Any:
    """``outcome``, unless it is a ``Reject`` with a reason ``step`` does not declare.

    Raises ValueError naming the file, the step and the reason.
    """
    if isinstance(outcome, Reject) and outcome.reason not in step.reasons:
        raise ValueError(
            f"{outcome.source_file}: step {step.__name__} rejected with reason "
            f"{outcome.reason!r}, which it does not declare; add it to its @declares"
        )
    return outcome
