"""The step contract of the per-document pipeline.

A step is a function ``step(record, config)`` that returns the record the next step takes, or a
``Reject`` whose reason is one of the codes the step declares with ``declares``. Reason codes are
declared once, in schemas/reject.yaml: ``declares`` refuses any other code when the step is
defined, and ``run_steps`` refuses a reject with a code its step did not declare. A pipeline is a
plain list of steps that ``run_steps`` applies in order, stopping at the first reject.
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
    """A raw document with what extraction found in it: the record the filter steps take."""

    raw: RawDocument
    extraction: Extraction


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


def run_steps(record: Any, steps: Sequence[Callable[[Any, BuildConfig], Any]], config: BuildConfig):
    """``record`` through ``steps`` in order: the last step's record, or the first ``Reject``.

    Raises ValueError when a step rejects with a reason it did not declare (a bug in the step).
    """
    for step in steps:
        record = step(record, config)
        if isinstance(record, Reject):
            if record.reason not in step.reasons:
                raise ValueError(
                    f"{record.source_file}: step {step.__name__} rejected with reason "
                    f"{record.reason!r}, which it does not declare; add it to its @declares"
                )
            return record
    return record
