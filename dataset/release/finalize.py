"""The last steps of a build, run on the staging folder before it is published.

Order (agreed): validation results -> card, LICENSE.md, CITATION.cff copy, croissant.json ->
checksums.sha256 last, over every other file. A critical validation failure raises BuildError, so
nothing is published and the previous release stays in place; failing quality expectations
(warnings) are recorded in validation/summary.json and the card and never stop the build.

The build date is the UTC date of the build, or the date of ``SOURCE_DATE_EPOCH`` when that is set
(reproducible-builds convention). It goes into the manifest. ``published_date`` is bounded from
above by the config's ``reference_date`` (the build date unless pinned), which the manifest
records too: pinning it to a release's recorded day rebuilds that release byte for byte.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from dataset.config import build_day
from dataset.errors import BuildError
from dataset.runtime.timing import stage

if TYPE_CHECKING:
    from dataset.validation.runner import SuitePool

MAX_FAILURES_SHOWN = 5


def build_date() -> str:
    """``YYYY-MM-DD`` of the build (``SOURCE_DATE_EPOCH`` wins when set)."""
    return build_day().isoformat()


def finalize_release(
    staging: Path, validate: bool = True, workers: int = 1, pool: SuitePool | None = None
) -> None:
    """Validate (in ``workers`` processes, or ``pool``), document and checksum a staged release.

    ``pool`` is one ``validation_pool`` started earlier (it stays open). Raises BuildError
    naming the first failing critical expectations, or when the generated card or
    croissant.json fails our own checks.
    """
    from dataset.release.card import write_card
    from dataset.release.citation import write_release_citation
    from dataset.release.croissant import write_croissant
    from dataset.release.integrity import write_checksums

    shutil.rmtree(staging / "_work", ignore_errors=True)  # scratch space, not part of a release
    if validate:
        with stage("validate"):
            run_validation(staging, workers, pool)
    write_release_citation(staging)
    with stage("card_checksums"):
        try:
            write_card(staging)
            write_croissant(staging)
        except ValueError as exc:
            raise BuildError(f"{exc}; nothing was published") from None
        write_checksums(staging)


@contextlib.contextmanager
def validation_pool(validate: bool, workers: int, rows: int) -> Iterator[SuitePool | None]:
    """A validation pool started now for a release of ``rows`` rows, shut down on leaving.

    None when the release will not be validated or is validated in one process
    (``worth_a_pool``). The build enters it before writing the release, whose stage leaves a
    core idle: the workers import GE meanwhile, and read the release on their first task. The
    pool shuts down however the block ends (an error, ``--strict``, Ctrl-C: workers ignore it).
    """
    if not validate:
        yield None
        return
    from dataset.validation.runner import SuitePool, worth_a_pool

    if not worth_a_pool(workers, rows):
        yield None
        return
    with SuitePool(workers) as pool:
        yield pool


def run_validation(staging: Path, workers: int = 1, pool: SuitePool | None = None) -> None:
    """Validate the staged release in ``workers`` processes or ``pool``; raise BuildError."""
    from dataset.validation.runner import validate_release

    report = validate_release(
        staging, check_checksums=False, write_results=True, workers=workers, pool=pool
    )
    if not report.success:
        names = report.failing_names()
        shown = "; ".join(names[:MAX_FAILURES_SHOWN])
        more = (
            f" and {len(names) - MAX_FAILURES_SHOWN} more"
            if len(names) > MAX_FAILURES_SHOWN
            else ""
        )
        raise BuildError(
            f"validation failed ({shown}{more}); nothing was published. "
            "Rebuild with --no-validate and run `python -m dataset validate` on it for details"
        )
