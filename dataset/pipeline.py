"""The build, read top to bottom as the ordered list of its steps.

Per document (parallel, streaming):  read -> clean/extract/detect -> filter -> fingerprint
Whole corpus (compact values only):  drop exact duplicates -> cluster near duplicates ->
                                     find repeated paragraphs -> split
Output (into a staging folder):      write shards -> write rejects -> manifest -> publish atomically

Texts are never held for the whole corpus. Processed articles and rejects are spilled to
bucketed Arrow files in the staging folder (buckets are key ranges, so each is sorted alone and
written in order), MinHash signatures to a binary matrix file, and only compact per-article values
(uint64 ids, 128-bit fingerprints, language codes, document indexes) stay in memory. Results may
arrive in any order (engines, workers): every decision keys on ids and document indexes, so the
release bytes do not depend on the engine, the worker count or the cache.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import time
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

from dataset import __version__
from dataset.build.dedupe import (
    cluster_near_duplicates,
    dedupe_keys,
    fingerprint_words,
    id_to_int,
    int_to_id,
    select_exact_duplicates,
)
from dataset.build.document import parse_documents
from dataset.build.read import (
    DocumentNames,
    check_lock,
    find_document_names,
    hash_file,
    read_document,
    safe_name,
    source_id,
)
from dataset.build.repeated_lines import LineHashSpill, drop_repeated_lines, find_repeated_lines
from dataset.build.sources import describe_source, sidecar_warnings
from dataset.build.split import assign_split
from dataset.build.write import (
    REJECTS_PATH,
    StreamedList,
    article_arrow_schema,
    split_writer,
    write_json,
    write_sorted_rejects,
)
from dataset.config import SPLIT_NAMES, BuildConfig, check_paths
from dataset.errors import BuildError
from dataset.records import Article, Extraction, RawDocument, Reject
from dataset.release.changelog import (
    check_previous_release,
    provisional_version,
    record_release_history,
)
from dataset.release.finalize import build_date, finalize_release
from dataset.runtime.cache import ResultCache, cache_path, open_cache
from dataset.runtime.engine import run_stage
from dataset.runtime.spill import BucketSpill, SignatureSpill, id_prefix_buckets, name_range_buckets
from dataset.runtime.timing import timed_stage
from dataset.runtime.transaction import (
    lock_out_dir,
    make_staging_dir,
    publish_staging,
    unlock_out_dir,
)
from dataset.schema import article_schema, reject_reasons, reject_schema

SPILL_BATCH_ROWS = 2048
REJECT_BUCKET_ROWS = 8192
ARTICLE_BUCKET_ROWS = 4096
CACHE_WRITE_ROWS = 1024
NON_FATAL_REASONS = frozenset({"exact_duplicate", "duplicate_source"})
MAX_LISTED_WARNINGS = 1000
POSITION = "_position"


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
    """The per-document result that crosses the process boundary: small, picklable.

    ``index`` is the document's index in ``DocumentNames`` (path order). ``cached`` holds the
    values to store in the per-document cache when they were freshly computed (None on a hit).
    """

    index: int
    source_file: str
    raw_sha256: str | None
    raw_bytes: int | None
    outcome: Article | Reject
    signature: np.ndarray | None = None
    cached: tuple | None = None
    encoding: str | None = None
    decoded_from: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass
class Corpus:
    """Compact, corpus-wide state gathered while documents stream into the spill files.

    Per document (by index): raw sha256 and size. Per spilled article (by arrival position): its
    document index, id, fingerprint and language code; its signature row in ``signatures``. The
    global stages fill ``keeper_of`` (exact duplicates), ``clusters`` and ``splits``.
    """

    work_dir: Path
    names: DocumentNames
    articles: BucketSpill
    rejects: BucketSpill
    signatures: SignatureSpill
    line_hashes: LineHashSpill
    raw_sha256: np.ndarray
    raw_bytes: np.ndarray
    decodings: np.ndarray
    decoding_codes: dict[tuple, int] = field(default_factory=lambda: {(None, None): 0})
    reject_counts: Counter = field(default_factory=Counter)
    source_warnings: list[str] = field(default_factory=list)
    warning_count: int = 0
    has_url: array = field(default_factory=lambda: array("B"))
    doc_index: array = field(default_factory=lambda: array("q"))
    ids: array = field(default_factory=lambda: array("Q"))
    fingerprints: array = field(default_factory=lambda: array("Q"))
    language_codes: array = field(default_factory=lambda: array("H"))
    languages: dict[str, int] = field(default_factory=dict)
    keeper_of: np.ndarray | None = None
    clusters: np.ndarray | None = None
    repeated_lines: frozenset[int] = frozenset()
    splits: np.ndarray | None = None

    def iter_raw_files(self) -> Iterator[dict]:
        """``{source_file, sha256, bytes, encoding, decoded_from}`` of every raw document, in
        ``source_file`` order, one at a time."""
        decodings = {code: pair for pair, code in self.decoding_codes.items()}
        for index in self.names.name_order().tolist():
            size = int(self.raw_bytes[index])
            encoding, decoded_from = decodings[int(self.decodings[index])]
            yield {
                "source_file": self.names[index],
                "sha256": self.raw_sha256[index].tobytes().hex() if size >= 0 else None,
                "bytes": size if size >= 0 else None,
                "encoding": encoding,
                "decoded_from": decoded_from,
            }

    def kept_positions(self) -> np.ndarray:
        return np.flatnonzero(self.keeper_of < 0)


def build_release(
    config: BuildConfig, show_progress: bool = True, previous: Path | None = None
) -> BuildSummary:
    """Build a release from ``config.raw_dir`` into ``config.out_dir``.

    ``previous`` is the last release (may be ``out_dir`` itself): the new one records its changes
    against it in diff.json and CHANGELOG.md. The release version is ``config.release_version``
    when set, else the smallest the change since ``previous`` allows (the package version without
    ``previous``). Raises ConfigError (bad folders, a requested version smaller than the change
    needs), InputError (bad raw folder, lock or previous release), BuildError (strict-mode
    reject, accounting mismatch). On any failure, or a kill at any moment, the previous release
    at ``out_dir`` is left untouched.
    """
    started = time.perf_counter()
    config = config.with_reference_date()
    check_paths(config)
    names = find_document_names(config.raw_dir)
    lock_checked = check_lock(config.raw_dir)
    # Asked before the work: a child forked from a big driver looks as big to RSS samplers.
    git_commit = read_git_commit()
    check_previous_release(previous, config.release_version)
    version = provisional_version(previous, config.release_version)
    build_lock = lock_out_dir(config.out_dir)
    try:
        staging = make_staging_dir(config.out_dir)
    except BaseException:
        unlock_out_dir(build_lock, config.out_dir)
        raise
    try:
        corpus = process_documents(names, config, staging, show_progress)
        add_warnings(corpus, sidecar_warnings(config.raw_dir, names))
        drop_exact_duplicates(corpus)
        cluster_corpus(corpus, config)
        find_corpus_repeats(corpus, config)
        assign_splits(corpus, config)
        files = write_articles(corpus, staging, config, version)
        write_rejects_table(corpus, staging, config, version)
        summary = summarize(corpus, files, config, len(names), started)
        summary.manifest = make_manifest(corpus, summary, config, lock_checked, git_commit)
        summary.manifest["release_version"] = version
        check_accounting(summary)
        check_every_file_accounted(names, staging)
        write_json(summary.manifest, staging / "build_manifest.json")
        record_release_history(staging, previous, config.release_version, summary.manifest)
        finalize_release(staging, validate=config.validate_release)
        publish_staging(staging, config.out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        unlock_out_dir(build_lock, config.out_dir)
    summary.seconds = time.perf_counter() - started
    return summary


@timed_stage("process")
def process_documents(
    names: DocumentNames, config: BuildConfig, staging: Path, show_progress: bool
) -> Corpus:
    """Run the per-document stages over every document on ``config.engine``; spill the results.

    Raises BuildError in strict mode on the first reject that is not a duplicate.
    """
    work = staging / "_work"
    corpus = Corpus(
        work_dir=work,
        names=names,
        articles=BucketSpill(
            work / "articles",
            spill_schema(),
            id_prefix_buckets("id", bucket_digits(len(names))),
            SPILL_BATCH_ROWS,
        ),
        rejects=BucketSpill(
            work / "rejects",
            reject_schema().to_pyarrow(),
            name_range_buckets("source_file", names.in_name_order(), REJECT_BUCKET_ROWS),
            SPILL_BATCH_ROWS,
        ),
        signatures=SignatureSpill(work / "signatures.u32", config.minhash_permutations),
        line_hashes=LineHashSpill(work / "line_hashes", config.repeated_line_max_chars),
        raw_sha256=np.zeros((len(names), 32), dtype=np.uint8),
        raw_bytes=np.full(len(names), -1, dtype=np.int64),
        decodings=np.zeros(len(names), dtype=np.uint16),
    )
    location = cache_path(config)
    cache = open_cache(location) if location else None
    fresh: list[tuple[str, tuple]] = []
    results = iterate_processed(names, config)
    try:
        for done in tqdm(
            results,
            total=len(names),
            desc="documents",
            unit="doc",
            disable=not show_progress,
            leave=False,
        ):
            collect_processed(corpus, done, config)
            if cache and done.cached is not None:
                fresh.append((done.raw_sha256, done.cached))
                if len(fresh) >= CACHE_WRITE_ROWS:
                    cache.put_many(fresh)
                    fresh.clear()
        if cache:
            cache.put_many(fresh)
    finally:
        results.close()  # stops the engine now (an error or --strict): no worker is left behind
        if cache:
            cache.close()
        corpus.articles.close()
        corpus.signatures.close()
        corpus.line_hashes.close()
    return corpus


def bucket_digits(documents: int) -> int:
    """Hex digits of the id prefix that buckets the article spill: about 4,096 rows a bucket."""
    digits = 1
    while documents > ARTICLE_BUCKET_ROWS * 16**digits:
        digits += 1
    return digits


def spill_schema() -> pa.Schema:
    """The article columns plus the arrival position that links a row to the compact arrays."""
    return article_schema().to_pyarrow().append(pa.field(POSITION, pa.int64(), nullable=False))


def iterate_processed(names: DocumentNames, config: BuildConfig) -> Iterator[ProcessedDocument]:
    """Yield one ``ProcessedDocument`` per document, in no fixed order, on ``config.engine``."""
    yield from run_stage(process_batch, _Jobs(names), config)


class _Jobs(Sequence):
    """``(index, path)`` of every document, made only when a batch is sliced off."""

    def __init__(self, names: DocumentNames):
        self.names = names

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [self[i] for i in range(*key.indices(len(self.names)))]
        return (key, str(self.names.path(key)))


_CACHE_READERS: dict[str, ResultCache | None] = {}


def process_batch(jobs: Sequence[tuple[int, str]], config: BuildConfig) -> list[ProcessedDocument]:
    """The per-document stage over a batch of ``(index, path)``: the unit an engine runs."""
    location = cache_path(config)
    key = str(location)
    if key not in _CACHE_READERS:
        _CACHE_READERS[key] = ResultCache(location) if location else None
    return process_paths_safely(jobs, config, _CACHE_READERS[key])


def process_paths_safely(
    jobs: Sequence[tuple[int, str]], config: BuildConfig, cache: ResultCache | None = None
) -> list[ProcessedDocument]:
    """``process_paths``, with any exception confined to the document that raised it.

    When the batch raises, each document is processed alone; one that still raises becomes a
    ``processing_error`` reject naming the file and the error. One odd document never sinks a
    build.
    """
    try:
        return process_paths(jobs, config, cache)
    except Exception:
        return [process_alone(job, config, cache) for job in jobs]


def process_alone(
    job: tuple[int, str], config: BuildConfig, cache: ResultCache | None
) -> ProcessedDocument:
    """One document through ``process_paths``, or its ``processing_error`` reject."""
    try:
        return process_paths([job], config, cache)[0]
    except Exception as exc:
        return failed_document(job, exc, config)


def failed_document(job: tuple[int, str], exc: Exception, config: BuildConfig) -> ProcessedDocument:
    """The ``processing_error`` reject of a document whose processing raised ``exc``."""
    index, path = job
    name = safe_name(Path(path).relative_to(config.raw_dir).as_posix())
    sha = hash_file(Path(path))
    size = Path(path).stat().st_size if sha else None
    message = (str(exc).splitlines() or [""])[0][:200]
    reject = Reject(
        name,
        sha,
        "processing_error",
        f"{name}: processing raised {type(exc).__name__}: {message}; the rest of the build went "
        "on: report it with this file",
    )
    return ProcessedDocument(index, name, sha, size, reject)


def process_paths(
    jobs: Sequence[tuple[int, str]], config: BuildConfig, cache: ResultCache | None = None
) -> list[ProcessedDocument]:
    """Per-document stages for a batch of raw files: read, extract, filter, fingerprint, sign.

    Returns one ``ProcessedDocument`` per job, in job order. Never raises for a bad file: it
    becomes a ``Reject``. With a cache, the extraction, fingerprint and signature of
    already-seen raw bytes are reused (the id comes from the source identity, not the bytes); the
    filters always run. Each step runs over the whole batch before the next (see
    ``parse_documents``); results are those of one document at a time.
    """
    reads = [read_raw(Path(path), config) for _, path in jobs]
    hits = [
        cache.get(raw.raw_sha256) if cache and isinstance(raw, RawDocument) else None
        for raw, _ in reads
    ]
    todo = [
        k for k, (raw, _) in enumerate(reads) if isinstance(raw, RawDocument) and hits[k] is None
    ]
    texts = [reads[k][0].text for k in todo]
    extractions = parse_documents(texts, config.reference_date)
    keys = [
        dedupe_keys(ex.text, config.shingle_size, config.minhash_permutations) for ex in extractions
    ]
    computed = dict(zip(todo, zip(extractions, keys, strict=True), strict=True))
    results = []
    for k, ((index, _), (raw, size)) in enumerate(zip(jobs, reads, strict=True)):
        if isinstance(raw, Reject):
            results.append(ProcessedDocument(index, raw.source_file, raw.raw_sha256, size, raw))
        elif k in computed:
            extraction, (fingerprint, signature) = computed[k]
            fresh = (extraction, fingerprint, signature.tobytes())
            results.append(finish_document(index, raw, size, fresh, True, config))
        else:
            results.append(finish_document(index, raw, size, hits[k], False, config))
    return results


def finish_document(
    index: int,
    raw: RawDocument,
    size: int | None,
    values: tuple,
    fresh: bool,
    config: BuildConfig,
) -> ProcessedDocument:
    """Filter one extracted document; the result is its ``Article`` or its ``Reject``.

    ``values`` is ``(extraction, fingerprint, signature bytes)``, as the cache holds it;
    ``fresh`` says it was just computed (so the driver caches it). The id comes from the
    document's source identity (``source_id``), never from its bytes.
    """
    extraction, fingerprint, signature_bytes = values
    signature = np.frombuffer(signature_bytes, dtype=np.uint32)
    cached = values if fresh else None
    decoding = {
        "encoding": raw.encoding,
        "decoded_from": raw.decoded_from,
        "warnings": raw.warnings,
    }
    reject = check_quality(raw, extraction, config) or check_record(raw, extraction)
    if reject is not None:
        return ProcessedDocument(
            index, raw.source_file, raw.raw_sha256, size, reject, None, cached, **decoding
        )
    article = Article(
        id=source_id(raw.source_file, raw.source.url),
        source=raw.source,
        source_file=raw.source_file,
        raw_sha256=raw.raw_sha256,
        extraction=extraction,
        text_fingerprint=fingerprint,
    )
    return ProcessedDocument(
        index, raw.source_file, raw.raw_sha256, size, article, signature, cached, **decoding
    )


def read_raw(path: Path, config: BuildConfig) -> tuple[RawDocument | Reject, int | None]:
    """Read and decode one file and gather its source metadata (``dataset.build.sources``); returns
    the document (or reject) and its size in bytes. The document's text is without the scraper's
    header block; unusable metadata is a ``bad_source_metadata`` reject."""
    raw = read_document(path, config.raw_dir, config.max_file_bytes)
    size = path.stat().st_size if raw.raw_sha256 else None
    if not isinstance(raw, RawDocument):
        return raw, size
    found = describe_source(config.raw_dir, raw.source_file, raw.text)
    if found.error:
        return Reject(raw.source_file, raw.raw_sha256, "bad_source_metadata", found.error), size
    return replace(raw, text=found.text, source=found.info, warnings=found.warnings), size


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


def check_record(raw: RawDocument, ex: Extraction) -> Reject | None:
    """A reject when the extraction cannot fill a required column of schemas/article.yaml.

    Checked per document, so such a document is a reject naming the file instead of a failure
    of the whole build when its row is written.
    """
    name, sha = raw.source_file, raw.raw_sha256
    if ex.script is None:
        return Reject(
            name,
            sha,
            "unknown_script",
            f"{name}: no letter of a known script in the body's sample (language {ex.language}); "
            "add the script to dataset/build/language.py if it is a real article",
            text=ex.text,
        )
    row = Article("0" * 16, name, sha, ex, "0" * 16).to_row()
    empty = [column for column in required_columns() if row.get(column) is None]
    if empty:
        return Reject(
            name,
            sha,
            "invalid_record",
            f"{name}: required column {empty[0]} is empty after extraction; report it with this "
            "file",
            text=ex.text,
        )
    return None


@functools.cache
def required_columns() -> tuple[str, ...]:
    """The non-nullable columns of schemas/article.yaml."""
    return tuple(column.name for column in article_schema().columns if not column.nullable)


def collect_processed(corpus: Corpus, done: ProcessedDocument, config: BuildConfig) -> None:
    """Record one processed document: spill its article or reject, keep its compact values.

    Raises BuildError in strict mode for a reject that is not a duplicate.
    """
    if done.raw_sha256 is not None:
        corpus.raw_sha256[done.index] = np.frombuffer(bytes.fromhex(done.raw_sha256), np.uint8)
        corpus.raw_bytes[done.index] = done.raw_bytes if done.raw_bytes is not None else -1
    decoding = (done.encoding, done.decoded_from)
    code = corpus.decoding_codes.setdefault(decoding, len(corpus.decoding_codes))
    corpus.decodings[done.index] = code
    add_warnings(corpus, done.warnings)
    outcome = done.outcome
    if isinstance(outcome, Reject):
        if config.strict and outcome.reason not in NON_FATAL_REASONS:
            raise BuildError(f"--strict: {outcome.detail} (reason {outcome.reason})")
        add_reject(corpus, outcome)
        return
    language = outcome.extraction.language
    corpus.has_url.append(outcome.source.url is not None)
    position = len(corpus.ids)
    corpus.doc_index.append(done.index)
    corpus.ids.append(id_to_int(outcome.id))
    corpus.fingerprints.extend(fingerprint_words(outcome.text_fingerprint))
    corpus.language_codes.append(corpus.languages.setdefault(language, len(corpus.languages)))
    corpus.signatures.append(done.signature)
    corpus.line_hashes.append(position, outcome.extraction.text)
    row = outcome.to_row()
    row[POSITION] = position
    corpus.articles.append(row)


def add_warnings(corpus: Corpus, warnings: Sequence[str]) -> None:
    """Count warnings about source metadata and keep the ``MAX_LISTED_WARNINGS`` first in sorted
    order (each names its file first): the same lines whatever order documents arrive in."""
    if not warnings:
        return
    corpus.warning_count += len(warnings)
    corpus.source_warnings.extend(warnings)
    if len(corpus.source_warnings) > 2 * MAX_LISTED_WARNINGS:
        corpus.source_warnings[:] = sorted(corpus.source_warnings)[:MAX_LISTED_WARNINGS]


def add_reject(corpus: Corpus, reject: Reject) -> None:
    corpus.reject_counts[reject.reason] += 1
    corpus.rejects.append(reject.to_row())


@timed_stage("exact_duplicates")
def drop_exact_duplicates(corpus: Corpus) -> None:
    """Turn all but one article of each same-text group into ``exact_duplicate`` rejects, then
    all but one of each same-id group into ``duplicate_source`` rejects (``drop_same_source``).

    Fills ``corpus.keeper_of``: for every spilled article, the position of the article kept in
    its place, or -1 when it is kept itself.
    """
    ids = np.frombuffer(corpus.ids, dtype=np.uint64)
    fingerprints = np.frombuffer(corpus.fingerprints, dtype=np.uint64).reshape(-1, 2)
    doc_index = np.frombuffer(corpus.doc_index, dtype=np.int64)
    # The first document by path is kept: ids are hashes of identities, no better order.
    corpus.keeper_of = select_exact_duplicates(doc_index.astype(np.uint64), fingerprints, doc_index)
    dropped = np.flatnonzero(corpus.keeper_of >= 0)
    for position in dropped[np.argsort(doc_index[dropped], kind="stable")].tolist():
        index = int(doc_index[position])
        keeper = corpus.keeper_of[position]
        kept_id = int_to_id(ids[keeper])
        source_file = corpus.names[index]
        same_bytes = np.array_equal(
            corpus.raw_sha256[index], corpus.raw_sha256[int(doc_index[keeper])]
        )
        same = "content" if same_bytes else "cleaned text"
        corpus.rejects.append(
            Reject(
                source_file,
                bytes(corpus.raw_sha256[index]).hex(),
                "exact_duplicate",
                f"{source_file}: same {same} as article {kept_id}",
                duplicate_of=kept_id,
            ).to_row()
        )
        corpus.reject_counts["exact_duplicate"] += 1
    drop_same_source(corpus, ids, doc_index)


def drop_same_source(corpus: Corpus, ids: np.ndarray, doc_index: np.ndarray) -> None:
    """Among kept articles that share an id (raw files recording the same source URL), keep the
    first by path and turn the others into ``duplicate_source`` rejects (ids stay unique)."""
    kept = np.flatnonzero(corpus.keeper_of < 0)
    order = kept[np.lexsort((doc_index[kept], ids[kept]))]
    repeats = np.concatenate(([False], ids[order[1:]] == ids[order[:-1]]))
    if not repeats.any():
        return
    starts = np.maximum.accumulate(np.where(repeats, 0, np.arange(len(order))))
    for k in np.flatnonzero(repeats).tolist():
        position, keeper = int(order[k]), int(order[starts[k]])
        corpus.keeper_of[position] = keeper
        index = int(doc_index[position])
        source_file, kept_file = corpus.names[index], corpus.names[int(doc_index[keeper])]
        kept_id = int_to_id(ids[keeper])
        corpus.rejects.append(
            Reject(
                source_file,
                bytes(corpus.raw_sha256[index]).hex(),
                "duplicate_source",
                f"{source_file}: records the same source URL as {kept_file} (article "
                f"{kept_id}), which is kept; keep one file per URL",
                duplicate_of=kept_id,
            ).to_row()
        )
        corpus.reject_counts["duplicate_source"] += 1


@timed_stage("near_duplicates")
def cluster_corpus(corpus: Corpus, config: BuildConfig) -> None:
    """Fill ``corpus.clusters``: the near-duplicate cluster id (uint64) of every spilled article."""
    corpus.clusters = cluster_near_duplicates(
        np.frombuffer(corpus.ids, dtype=np.uint64),
        corpus.signatures,
        config.near_duplicate_threshold,
        config.minhash_permutations,
        active=corpus.keeper_of < 0,
    )


@timed_stage("repeated_lines")
def find_corpus_repeats(corpus: Corpus, config: BuildConfig) -> None:
    """Fill ``corpus.repeated_lines``: hashes of the paragraphs that recur across near-duplicate
    clusters of kept articles (``dataset.build.repeated_lines``); write_articles drops them."""
    found = find_repeated_lines(
        corpus.line_hashes,
        corpus.clusters,
        corpus.keeper_of < 0,
        config.repeated_line_min_documents,
        config.repeated_sentence_min_documents,
    )
    corpus.repeated_lines = frozenset(found.tolist())


@timed_stage("split")
def assign_splits(corpus: Corpus, config: BuildConfig) -> None:
    """Fill ``corpus.splits``: the index in ``SPLIT_NAMES`` of every spilled article's split."""
    clusters, inverse = np.unique(corpus.clusters, return_inverse=True)
    codes = np.array(
        [SPLIT_NAMES.index(assign_split(int_to_id(c), config.split_ratios)) for c in clusters],
        dtype=np.uint8,
    )
    corpus.splits = codes[inverse]


@timed_stage("write_articles")
def write_articles(
    corpus: Corpus, staging: Path, config: BuildConfig, release_version: str = __version__
) -> dict[str, int]:
    """Write every language/split from the spill, bucket by bucket; ``{relative path: rows}``.

    Buckets are id ranges in id order and each is sorted by id alone, so every shard is sorted by
    id with bounded memory (one bucket plus one row group per open language/split).
    """
    schema = article_arrow_schema(config.content_hash(), release_version)
    names = {code: language for language, code in corpus.languages.items()}
    kept = corpus.kept_positions()
    languages = np.frombuffer(corpus.language_codes, dtype=np.uint16)
    groups = Counter(zip(languages[kept].tolist(), corpus.splits[kept].tolist(), strict=True))
    writers = {
        (lang, split): split_writer(
            staging,
            names[lang],
            SPLIT_NAMES[split],
            rows,
            config.rows_per_shard,
            config.row_group_size,
            schema,
        )
        for (lang, split), rows in sorted(groups.items())
    }
    for table in corpus.articles.buckets():
        positions = table.column(POSITION).to_numpy()
        keep = corpus.keeper_of[positions] < 0
        table, positions = table.filter(pa.array(keep)), positions[keep]
        order = np.argsort(np.frombuffer(corpus.ids, dtype=np.uint64)[positions], kind="stable")
        table, positions = table.take(pa.array(order)), positions[order]
        clusters = pa.array([int_to_id(c) for c in corpus.clusters[positions]], pa.string())
        table = drop_corpus_repeats(table, corpus.repeated_lines, config)
        table = table.set_column(
            table.schema.get_field_index("duplicate_cluster"), "duplicate_cluster", clusters
        )
        keys = languages[positions].astype(np.int64) * len(SPLIT_NAMES) + corpus.splits[positions]
        for key in np.unique(keys).tolist():
            lang, split = divmod(key, len(SPLIT_NAMES))
            writers[(lang, split)].write(table.filter(pa.array(keys == key)))
    files: dict[str, int] = {}
    for writer in writers.values():
        files.update(writer.close())
    return files


def drop_corpus_repeats(table: pa.Table, repeated: frozenset[int], config: BuildConfig) -> pa.Table:
    """The table with the corpus's repeated paragraphs dropped from every ``text``."""
    if not repeated:
        return table
    texts = [
        drop_repeated_lines(text, repeated, config.repeated_line_max_chars, config.min_text_chars)
        for text in table.column("text").to_pylist()
    ]
    column = table.schema.get_field_index("text")
    return table.set_column(column, table.schema.field(column), pa.array(texts, pa.string()))


@timed_stage("write_rejects")
def write_rejects_table(
    corpus: Corpus, staging: Path, config: BuildConfig, release_version: str = __version__
) -> str:
    """Write ``rejects/rejects.parquet`` from the reject spill, sorted by source file."""
    corpus.rejects.close()
    return write_sorted_rejects(
        corpus.rejects.buckets(),
        staging,
        config.content_hash(),
        config.row_group_size,
        release_version,
    )


def summarize(
    corpus: Corpus, files: dict[str, int], config: BuildConfig, documents_in: int, started: float
) -> BuildSummary:
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
    """The build manifest: versions, commit (``read_git_commit``), config, raw sha256s and counts
    that add up.

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
