"""What a build did and the proof that it lost nothing: summary, manifest, accounting checks.

``make_manifest`` gives the content of ``build_manifest.json`` (read back by
``dataset.release.manifest``); ``check_accounting`` and ``check_every_file_accounted`` fail the
build before anything is published when a raw document is neither kept nor rejected, or counted
twice.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dataset import __version__
from dataset.build.corpus import MAX_LISTED_WARNINGS, Corpus
from dataset.build.read import DocumentNames
from dataset.build.write import StreamedList
from dataset.config import BuildConfig
from dataset.errors import BuildError
from dataset.release.finalize import build_date
from dataset.release.layout import REJECTS_PATH
from dataset.schema import article_schema, reject_reasons, reject_schema


@dataclass
class BuildSummary:
    """What a build did: counts that add up, where it wrote, and how long it took."""

    out_dir: Path
    documents_in: int
    kept_by_language_split: dict[str, dict[str, int]]
    rejected_by_reason: dict[str, int]
    files: dict[str, int]
    seconds: float
    manifest: dict = field(default_factory=dict)

    @property
    def kept(self) -> int:
        """Articles written, over every language and split."""
        return sum(sum(splits.values()) for splits in self.kept_by_language_split.values())

    @property
    def rejected(self) -> int:
        """Documents rejected, over every reason."""
        return sum(self.rejected_by_reason.values())


def summarize(
    corpus: Corpus, files: dict[str, int], config: BuildConfig, documents_in: int, started: float
) -> BuildSummary:
    """The ``BuildSummary`` of written ``files`` (``{relative path: rows}``) and rejects."""
    kept: dict[str, dict[str, int]] = {}
    for path, rows in files.items():
        _, language, name = path.split("/")
        split = name.split("-")[0]
        kept.setdefault(language, {}).setdefault(split, 0)
        kept[language][split] += rows
    reasons = corpus.reject_counts
    return BuildSummary(
        out_dir=config.out_dir,
        documents_in=documents_in,
        kept_by_language_split=kept,
        rejected_by_reason=dict(sorted(reasons.items())),
        files=files,
        seconds=time.perf_counter() - started,
    )


def make_manifest(
    corpus: Corpus,
    summary: BuildSummary,
    config: BuildConfig,
    lock_checked: bool,
    git_commit: str | None,
) -> dict:
    """The build manifest: versions, commit, config, raw sha256s and counts that add up.

    The commit is the one ``read_git_commit`` found.

    ``raw.files`` (one entry per raw document) is a ``StreamedList``: ``write_json`` writes it
    entry by entry, and iterating it reads the compact corpus arrays again.
    """
    return {
        "name": "karabakh-news",
        "release_version": __version__,
        "schema_version": article_schema().schema_version,
        "reject_schema_version": reject_schema().schema_version,
        "git_commit": git_commit,
        "build_date": build_date(),
        "reference_date": config.reference_date.isoformat() if config.reference_date else None,
        "config": config.content_settings(),
        "config_hash": config.content_hash(),
        "collection": config.collection.described(config.raw_dir),
        "raw": {
            "lock_checked": lock_checked,
            "files": StreamedList(corpus.iter_raw_files, len(corpus.names)),
        },
        "counts": {
            "documents_in": summary.documents_in,
            "kept": summary.kept,
            "rejected": summary.rejected,
            "rejected_by_reason": summary.rejected_by_reason,
            "kept_by_language_split": summary.kept_by_language_split,
        },
        "files": dict(sorted(summary.files.items())),
        "source_metadata": {
            "articles_with_url": int(
                np.frombuffer(corpus.has_url, dtype=np.uint8)[corpus.kept_positions()].sum()
            ),
            "warnings": corpus.warning_count,
            "listed_warnings": sorted(corpus.source_warnings)[:MAX_LISTED_WARNINGS],
        },
    }


def check_accounting(summary: BuildSummary) -> None:
    """Documents in must equal kept plus rejected; unknown reason codes are a failure too."""
    unknown = set(summary.rejected_by_reason) - set(reject_reasons())
    if unknown:
        raise BuildError(
            f"accounting: undeclared reject reasons {sorted(unknown)}; "
            "declare them in schemas/reject.yaml"
        )
    if summary.documents_in != summary.kept + summary.rejected:
        raise BuildError(
            f"accounting mismatch: {summary.documents_in} documents in, {summary.kept} kept + "
            f"{summary.rejected} rejected; nothing was written"
        )


def check_every_file_accounted(names: DocumentNames, staging: Path) -> None:
    """Each document found must end exactly once in the written shards or in the rejects.

    Reads back the ``source_file`` column of every shard and of ``rejects/rejects.parquet`` in
    ``staging``, sorts them as one Arrow array and compares it with the sorted document names (no
    Python string per file). Raises BuildError naming the first files lost or counted twice.
    """
    tables = sorted((staging / "data").glob("*/*.parquet"))
    if (staging / REJECTS_PATH).is_file():
        tables.append(staging / REJECTS_PATH)
    chunks = [
        chunk
        for table in tables
        for chunk in pq.read_table(table, columns=["source_file"]).column(0).chunks
    ]
    accounted = pa.chunked_array(chunks, pa.string()).cast(pa.large_string()).combine_chunks()
    accounted = accounted.take(pc.sort_indices(accounted))
    found = names.to_arrow()
    if accounted.equals(found):
        return
    lost = found.filter(pc.invert(pc.is_in(found, value_set=accounted)))
    unknown = pc.invert(pc.is_in(accounted, value_set=found))
    extra = accounted.filter(pc.or_(unknown, same_as_previous(accounted)))
    raise BuildError(
        f"accounting mismatch: {len(lost)} file(s) neither kept nor rejected "
        f"{lost[:3].to_pylist()}, {len(extra)} counted twice or unknown "
        f"{extra[:3].to_pylist()}; nothing was written"
    )


def same_as_previous(values: pa.Array) -> pa.BooleanArray:
    """For each value, whether it equals the one before it (False for the first)."""
    if len(values) < 2:
        return pa.array([False] * len(values), pa.bool_())
    return pa.concat_arrays([pa.array([False]), pc.equal(values[1:], values[:-1])])


def read_git_commit() -> str | None:
    """The project's current git commit, or None outside a checkout."""
    from dataset.paths import PROJECT_ROOT

    try:
        result = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None
