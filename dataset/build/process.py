"""The per-document step over every raw file: read, extract, filter, fingerprint, sign.

``process_documents`` runs ``process_batch`` on the configured engine (local processes or Ray
Data) and streams each ``ProcessedDocument`` into the ``Corpus`` (``dataset.build.corpus``). The
per-document cache (``dataset.runtime.cache``) holds the extraction, fingerprint and signature of
already-seen raw bytes; a document whose processing raises becomes a ``processing_error`` reject.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from dataset.build.corpus import Corpus, ProcessedDocument, collect_processed, open_corpus
from dataset.build.dedupe import dedupe_keys
from dataset.build.document import parse_documents
from dataset.build.filters import check_quality, check_record
from dataset.build.read import DocumentNames, hash_file, read_document, safe_name, source_id
from dataset.build.sources import describe_source
from dataset.config import BuildConfig
from dataset.records import Article, RawDocument, Reject
from dataset.runtime.cache import ResultCache, cache_path, open_cache
from dataset.runtime.engine import run_stage
from dataset.runtime.timing import timed_stage

CACHE_WRITE_ROWS = 1024


@timed_stage("process")
def process_documents(
    names: DocumentNames, config: BuildConfig, staging: Path, show_progress: bool
) -> Corpus:
    """Run the per-document stages over every document on ``config.engine``; spill the results.

    Raises BuildError in strict mode on the first reject that is not a duplicate.
    """
    corpus = open_corpus(names, config, staging)
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
    return corpus


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
