"""The build, read top to bottom as the ordered list of its steps.

Per document (parallel, streaming):  read -> clean/extract/detect -> filter -> fingerprint
Whole corpus (compact values only):  drop exact duplicates -> cluster near duplicates -> split
Output (into a staging folder):      write shards -> write rejects -> manifest -> publish atomically

Texts are never held for the whole corpus: each processed article is appended to a spill file in
the staging folder, and only ids, fingerprints and MinHash signatures stay in memory.
"""

from __future__ import annotations

import ctypes
import errno
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import psutil
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from tqdm import tqdm

from dataset import __version__
from dataset.changelog import check_previous_release, record_release_history
from dataset.config import BuildConfig, check_paths
from dataset.dedupe import (
    cluster_near_duplicates,
    compute_signature,
    fingerprint_text,
    select_exact_duplicates,
)
from dataset.document import parse_document
from dataset.errors import BuildError
from dataset.finalize import build_date, finalize_release
from dataset.read import check_lock, document_id, find_documents, read_document
from dataset.records import Article, Extraction, RawDocument, Reject
from dataset.schema import article_schema, reject_reasons, reject_schema
from dataset.split import assign_split
from dataset.write import article_arrow_schema, write_json, write_rejects, write_split

SPILL_BATCH_ROWS = 512
NON_FATAL_REASONS = frozenset({"exact_duplicate"})


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
        return sum(sum(splits.values()) for splits in self.kept_by_language_split.values())

    @property
    def rejected(self) -> int:
        return sum(self.rejected_by_reason.values())


@dataclass
class ProcessedDocument:
    """The per-document result that crosses the process boundary: small, picklable."""

    source_file: str
    raw_sha256: str | None
    raw_bytes: int | None
    outcome: Article | Reject
    signature: np.ndarray | None = None
    encoding: str | None = None
    decoded_from: str | None = None


@dataclass
class Corpus:
    """Compact, corpus-wide state gathered while documents stream into the spill file."""

    spill_path: Path
    raw_files: list[dict] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    languages: dict[str, str] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    signatures: dict[str, np.ndarray] = field(default_factory=dict)


def build_release(
    config: BuildConfig, show_progress: bool = True, previous: Path | None = None
) -> BuildSummary:
    """Build a release from ``config.raw_dir`` into ``config.out_dir``.

    ``previous`` is the last release (may be ``out_dir`` itself): the new one records its changes
    against it in diff.json and CHANGELOG.md and must carry a large enough version bump.
    Raises ConfigError (bad folders), InputError (bad raw folder, lock or previous release),
    BuildError (strict-mode reject, accounting mismatch, too small a version bump). On any
    failure, or a kill at any moment, the previous release at ``out_dir`` is left untouched.
    """
    started = time.perf_counter()
    check_paths(config)
    paths = find_documents(config.raw_dir)
    lock_checked = check_lock(config.raw_dir)
    check_previous_release(previous)
    staging = make_staging_dir(config.out_dir)
    try:
        corpus = process_documents(paths, config, staging, show_progress)
        duplicates = drop_exact_duplicates(corpus)
        clusters = cluster_near_duplicates(
            corpus.signatures, config.near_duplicate_threshold, config.minhash_permutations
        )
        splits = {cid: assign_split(cid, config.split_ratios) for cid in set(clusters.values())}
        files = write_articles(corpus, duplicates, clusters, splits, staging, config)
        write_rejects(
            [r.to_row() for r in corpus.rejects],
            staging,
            config.content_hash(),
            config.row_group_size,
        )
        summary = summarize(corpus, files, config, len(paths), started)
        summary.manifest = make_manifest(corpus, summary, config, lock_checked)
        check_accounting(summary)
        check_every_file_accounted(paths, config.raw_dir, staging, corpus.rejects)
        write_json(summary.manifest, staging / "build_manifest.json")
        record_release_history(staging, previous)
        finalize_release(staging, validate=config.validate_release)
        publish_staging(staging, config.out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary.seconds = time.perf_counter() - started
    return summary


def make_staging_dir(out_dir: Path) -> Path:
    """A fresh folder ``.<out name>.staging-<pid>`` beside ``out_dir``, after recovering from any
    build of the same ``out_dir`` that was killed (see ``recover_interrupted_builds``).

    The name is hidden and never the release's name, so a half-written build is never mistaken for
    a release; a release only appears at ``out_dir`` when it is complete (``publish_staging``).
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted_builds(out_dir)
    staging = sibling_path(out_dir, "staging", os.getpid())
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    return staging


def sibling_path(out_dir: Path, kind: str, pid: int) -> Path:
    """The hidden working folder ``.<out name>.<kind>-<pid>`` next to ``out_dir``."""
    return out_dir.parent / f".{out_dir.name}.{kind}-{pid}"


def recover_interrupted_builds(out_dir: Path) -> None:
    """Clean up after builds of ``out_dir`` that died (their process is gone).

    Only folders named ``.<out name>.staging-<pid>`` or ``.<out name>.previous-<pid>`` next to
    ``out_dir`` are touched, and only when no process ``pid`` is running. A ``previous`` folder
    whose build died between its two renames (see ``publish_staging``) is the last complete
    release: it is moved back to ``out_dir`` when that is missing, otherwise deleted.
    """
    pattern = re.compile(rf"\.{re.escape(out_dir.name)}\.(staging|previous)-(\d+)")
    stale = []
    for path in out_dir.parent.iterdir():
        match = pattern.fullmatch(path.name)
        if match and (int(match[2]) == os.getpid() or not psutil.pid_exists(int(match[2]))):
            stale.append((match[1], path))
    for kind, path in sorted(stale):
        if kind == "previous" and not os.path.lexists(out_dir):
            path.rename(out_dir)
        else:
            shutil.rmtree(path, ignore_errors=True)


def process_documents(
    paths: list[Path], config: BuildConfig, staging: Path, show_progress: bool
) -> Corpus:
    """Run the per-document stages over every path and spill the articles to Parquet."""
    corpus = Corpus(spill_path=staging / "_work" / "articles.parquet")
    corpus.spill_path.parent.mkdir(parents=True)
    spill_schema = article_schema().to_pyarrow()
    batch: list[dict] = []
    with pq.ParquetWriter(corpus.spill_path, spill_schema) as spill:
        results = iterate_processed(paths, config)
        for done in tqdm(
            results,
            total=len(paths),
            desc="documents",
            unit="doc",
            disable=not show_progress,
            leave=False,
        ):
            article = collect_processed(corpus, done, config)
            if article is not None:
                batch.append(article.to_row())
            if len(batch) >= SPILL_BATCH_ROWS:
                spill.write_table(pa.Table.from_pylist(batch, schema=spill_schema))
                batch.clear()
        if batch:
            spill.write_table(pa.Table.from_pylist(batch, schema=spill_schema))
    return corpus


def iterate_processed(paths: list[Path], config: BuildConfig) -> Iterator[ProcessedDocument]:
    """Yield processed documents in path order on ``config.workers`` processes (0 = all cores)."""
    workers = config.workers or os.cpu_count() or 1
    jobs = [(path, config) for path in paths]
    if workers == 1 or len(paths) < 2:
        yield from (process_path(job) for job in jobs)
        return
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers) as pool:
        yield from pool.imap(
            process_path, jobs, chunksize=max(1, min(64, len(jobs) // (workers * 8)))
        )


def process_path(job: tuple[Path, BuildConfig]) -> ProcessedDocument:
    """Per-document stages for one raw file: read, extract, filter, fingerprint."""
    path, config = job
    raw = read_document(path, config.raw_dir, config.max_file_bytes)
    size = path.stat().st_size if raw.raw_sha256 and path.is_file() else None
    if isinstance(raw, Reject):
        return ProcessedDocument(raw.source_file, raw.raw_sha256, size, raw)
    decoding = {"encoding": raw.encoding, "decoded_from": raw.decoded_from}
    extraction = parse_document(raw.text)
    reject = check_quality(raw, extraction, config)
    if reject is not None:
        return ProcessedDocument(raw.source_file, raw.raw_sha256, size, reject, **decoding)
    article = Article(
        id=document_id(raw.text),
        source_file=raw.source_file,
        raw_sha256=raw.raw_sha256,
        extraction=extraction,
        text_fingerprint=fingerprint_text(extraction.text),
    )
    signature = compute_signature(extraction.text, config.shingle_size, config.minhash_permutations)
    return ProcessedDocument(raw.source_file, raw.raw_sha256, size, article, signature, **decoding)


def check_quality(raw: RawDocument, ex: Extraction, config: BuildConfig) -> Reject | None:
    """The filters an extracted document must pass; a failure is a ``Reject`` with its reason."""
    name, sha = raw.source_file, raw.raw_sha256
    if not ex.text:
        return Reject(name, sha, "boilerplate_only", f"{name}: nothing but boilerplate remained")
    if len(ex.text) < config.min_text_chars:
        return Reject(
            name,
            sha,
            "too_short",
            f"{name}: cleaned body has {len(ex.text)} characters, under "
            f"min_text_chars={config.min_text_chars}",
            text=ex.text,
        )
    if len(ex.text) > config.max_text_chars:
        return Reject(
            name,
            sha,
            "too_long",
            f"{name}: cleaned body has {len(ex.text)} characters, over "
            f"max_text_chars={config.max_text_chars}; split the file into its articles",
        )
    if ex.language is None or ex.language_score < config.language_score_threshold:
        return Reject(
            name,
            sha,
            "language_uncertain",
            f"{name}: language {ex.language} scored {ex.language_score:.2f}, under "
            f"language_score_threshold={config.language_score_threshold}",
            text=ex.text,
        )
    return None


def collect_processed(
    corpus: Corpus, done: ProcessedDocument, config: BuildConfig
) -> Article | None:
    """Record one processed document in the corpus state; return the article to spill, if any."""
    corpus.raw_files.append(
        {
            "source_file": done.source_file,
            "sha256": done.raw_sha256,
            "bytes": done.raw_bytes,
            "encoding": done.encoding,
            "decoded_from": done.decoded_from,
        }
    )
    outcome = done.outcome
    if isinstance(outcome, Article) and outcome.id in corpus.fingerprints:
        # Byte-for-byte the same normalized document as one already read: same id, same text.
        outcome = Reject(
            outcome.source_file,
            outcome.raw_sha256,
            "exact_duplicate",
            f"{outcome.source_file}: same content as article {outcome.id}",
            duplicate_of=outcome.id,
        )
    if isinstance(outcome, Reject):
        if config.strict and outcome.reason not in NON_FATAL_REASONS:
            raise BuildError(f"--strict: {outcome.detail} (reason {outcome.reason})")
        corpus.rejects.append(outcome)
        return None
    corpus.languages[outcome.id] = outcome.extraction.language
    corpus.fingerprints[outcome.id] = outcome.text_fingerprint
    corpus.signatures[outcome.id] = done.signature
    return outcome


def drop_exact_duplicates(corpus: Corpus) -> dict[str, str]:
    """Turn all but one article of each same-text group into ``exact_duplicate`` rejects."""
    duplicates = select_exact_duplicates(corpus.fingerprints.items())
    sources = source_files_by_id(corpus.spill_path, set(duplicates))
    for dup_id, kept_id in sorted(duplicates.items()):
        source_file, raw_sha = sources[dup_id]
        corpus.rejects.append(
            Reject(
                source_file,
                raw_sha,
                "exact_duplicate",
                f"{source_file}: same cleaned text as article {kept_id}",
                duplicate_of=kept_id,
            )
        )
        for table in (corpus.languages, corpus.fingerprints, corpus.signatures):
            del table[dup_id]
    return duplicates


def source_files_by_id(spill_path: Path, ids: set[str]) -> dict[str, tuple[str, str]]:
    if not ids:
        return {}
    table = ds.dataset(spill_path).to_table(
        columns=["id", "source_file", "raw_sha256"], filter=pc.field("id").isin(sorted(ids))
    )
    return {r["id"]: (r["source_file"], r["raw_sha256"]) for r in table.to_pylist()}


def write_articles(
    corpus: Corpus,
    duplicates: dict[str, str],
    clusters: dict[str, str],
    splits: dict[str, str],
    staging: Path,
    config: BuildConfig,
) -> dict[str, int]:
    """Write every language/split from the spill file; returns ``{relative path: rows}``."""
    schema = article_arrow_schema(config.content_hash())
    spill = ds.dataset(corpus.spill_path)
    files: dict[str, int] = {}
    for language in sorted(set(corpus.languages.values())):
        table = spill.to_table(filter=pc.field("language") == language)
        table = table.filter(
            pc.invert(pc.field("id").isin(pa.array(sorted(duplicates), pa.string())))
        )
        ids = table.column("id").to_pylist()
        cluster_col = [clusters[i] for i in ids]
        split_col = np.array([splits[c] for c in cluster_col])
        table = table.set_column(
            table.schema.get_field_index("duplicate_cluster"),
            "duplicate_cluster",
            pa.array(cluster_col, pa.string()),
        )
        for split in config.split_ratios:
            part = table.filter(pa.array(split_col == split))
            files.update(
                write_split(
                    part,
                    staging,
                    language,
                    split,
                    config.rows_per_shard,
                    config.row_group_size,
                    schema,
                )
            )
    return files


def summarize(
    corpus: Corpus, files: dict[str, int], config: BuildConfig, documents_in: int, started: float
) -> BuildSummary:
    kept: dict[str, dict[str, int]] = {}
    for path, rows in files.items():
        _, language, name = path.split("/")
        split = name.split("-")[0]
        kept.setdefault(language, {}).setdefault(split, 0)
        kept[language][split] += rows
    reasons = Counter(r.reason for r in corpus.rejects)
    return BuildSummary(
        out_dir=config.out_dir,
        documents_in=documents_in,
        kept_by_language_split=kept,
        rejected_by_reason=dict(sorted(reasons.items())),
        files=files,
        seconds=time.perf_counter() - started,
    )


def make_manifest(
    corpus: Corpus, summary: BuildSummary, config: BuildConfig, lock_checked: bool
) -> dict:
    """The build manifest: versions, commit, config, raw sha256s and counts that add up."""
    return {
        "name": "karabakh-news",
        "release_version": __version__,
        "schema_version": article_schema().schema_version,
        "reject_schema_version": reject_schema().schema_version,
        "git_commit": read_git_commit(),
        "build_date": build_date(),
        "config": config.content_settings(),
        "config_hash": config.content_hash(),
        "raw": {
            "lock_checked": lock_checked,
            "files": sorted(corpus.raw_files, key=lambda f: f["source_file"]),
        },
        "counts": {
            "documents_in": summary.documents_in,
            "kept": summary.kept,
            "rejected": summary.rejected,
            "rejected_by_reason": summary.rejected_by_reason,
            "kept_by_language_split": summary.kept_by_language_split,
        },
        "files": dict(sorted(summary.files.items())),
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


def check_every_file_accounted(
    paths: list[Path], raw_dir: Path, staging: Path, rejects: list[Reject]
) -> None:
    """Each document found must end exactly once in the written shards or in the rejects.

    Reads back the ``source_file`` column of every shard in ``staging``. Raises BuildError naming
    the first files lost or counted twice.
    """
    found = Counter(p.relative_to(raw_dir).as_posix() for p in paths)
    shards = sorted((staging / "data").glob("*/*.parquet"))
    kept = [
        name
        for shard in shards
        for name in pq.read_table(shard, columns=["source_file"]).column(0).to_pylist()
    ]
    accounted = Counter(kept) + Counter(r.source_file for r in rejects)
    lost = sorted((found - accounted).elements())
    extra = sorted((accounted - found).elements())
    if lost or extra:
        raise BuildError(
            f"accounting mismatch: {len(lost)} file(s) neither kept nor rejected "
            f"{lost[:3]}, {len(extra)} counted twice or unknown {extra[:3]}; nothing was written"
        )


def publish_staging(staging: Path, out_dir: Path) -> None:
    """Put the finished staging folder at ``out_dir``, replacing any previous release.

    A kill at any moment leaves a complete release at ``out_dir``, the old or the new one. On
    Linux the two folders are swapped in one atomic ``renameat2(RENAME_EXCHANGE)`` and the old
    release, now at the staging path, is deleted. Where that call is missing, the old release is
    renamed to ``.<out name>.previous-<pid>`` first; a kill between the two renames leaves no
    release at ``out_dir`` for an instant, and the next build moves the previous one back
    (``recover_interrupted_builds``).
    """
    shutil.rmtree(staging / "_work", ignore_errors=True)
    out_dir = out_dir.resolve()
    if not os.path.lexists(out_dir):
        staging.rename(out_dir)
    elif exchange_paths(staging, out_dir):
        shutil.rmtree(staging)
    else:
        previous = sibling_path(out_dir, "previous", os.getpid())
        out_dir.rename(previous)
        staging.rename(out_dir)
        shutil.rmtree(previous, ignore_errors=True)
    sync_folder(out_dir.parent)


RENAME_EXCHANGE = 2  # linux/fs.h
AT_FDCWD = -100


def exchange_paths(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``).

    Returns False, having changed nothing, when the platform, C library or filesystem lacks the
    call; raises OSError on any other failure.
    """
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    first_b, second_b = os.fsencode(first), os.fsencode(second)
    if renameat2(AT_FDCWD, first_b, AT_FDCWD, second_b, RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (the renames) to disk where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
