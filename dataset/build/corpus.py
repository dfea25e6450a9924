"""The compact corpus state that documents stream into, and how one processed document joins it.

Texts are never held for the whole corpus. Processed articles and rejects are spilled to
bucketed Arrow files in the staging folder (buckets are key ranges, so each is sorted alone and
written in order), MinHash signatures to a binary matrix file, and only compact per-article values
(uint64 ids, 128-bit fingerprints, language codes, document indexes) stay in memory; the 64-bit
hashes of short paragraphs go to bucket files (``dataset.build.repeated_lines``). Results may
arrive in any order (engines, workers): every decision keys on ids and document indexes, so the
release bytes do not depend on the engine, the worker count or the cache.
"""

from __future__ import annotations

import functools
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pyarrow as pa

from dataset.build.dedupe import fingerprint_words, id_to_int
from dataset.build.read import DocumentNames
from dataset.build.repeated_lines import LineHashSpill, ParagraphDrops
from dataset.build.write import POSITION
from dataset.config import BuildConfig
from dataset.errors import BuildError
from dataset.records import Article, Reject
from dataset.runtime.spill import (
    BucketSpill,
    SignatureSpill,
    id_prefix_buckets,
    name_range_buckets,
    rows_to_table,
)
from dataset.schema import article_schema, reject_schema

SPILL_BATCH_ROWS = 2048
REJECT_BUCKET_ROWS = 8192
ARTICLE_BUCKET_ROWS = 4096
NON_FATAL_REASONS = frozenset({"exact_duplicate", "duplicate_source"})
MAX_LISTED_WARNINGS = 1000


@dataclass
class ArticleRow:
    """An article as it crosses the process boundary: its row of its batch's article table.

    With it, the compact values the ``Corpus`` keeps of the article. ``rows`` (the article
    schema, ``article_table``) is one object shared by every article of the batch, so it is
    pickled once per batch: the driver neither unpickles nor converts the records of each
    article, it only takes rows of the table (``BucketSpill.append_from``).
    """

    rows: pa.Table
    row: int
    id: str
    fingerprint: str
    language: str | None
    has_url: bool

    def to_row(self) -> dict:
        """The article as a row of schemas/article.yaml, read back from ``rows``.

        The values of ``Article.to_row`` as the columns hold them (``language_score`` a float32).
        """
        return self.rows.slice(self.row, 1).to_pylist()[0]


@dataclass
class ProcessedDocument:
    """The per-document result that crosses the process boundary: small, picklable.

    ``index`` is the document's index in ``DocumentNames`` (path order). ``outcome`` is the
    ``Reject``, or the ``Article`` until ``with_article_rows`` makes it an ``ArticleRow``.
    ``signature`` is the article's MinHash signature (uint32 bytes). ``cached`` holds the
    values to store in the per-document cache when they were freshly computed, packed
    (``dataset.runtime.cache.pack_value``; None on a hit or with the cache off).
    ``paragraphs`` are the article's ``paragraph_records`` (``dataset.build.repeated_lines``),
    computed by the worker so that the driver only appends them.
    """

    index: int
    source_file: str
    raw_sha256: str | None
    raw_bytes: int | None
    outcome: ArticleRow | Article | Reject
    signature: bytes | None = None
    cached: bytes | None = None
    encoding: str | None = None
    decoded_from: str | None = None
    warnings: tuple[str, ...] = ()
    paragraphs: bytes = b""


@dataclass
class Corpus:
    """Compact, corpus-wide state gathered while documents stream into the spill files.

    Per document (by index): raw sha256 and size. Per spilled article (by arrival position): its
    document index, id, fingerprint and language code; its signature row in ``signatures``; its
    short paragraphs' hashes in ``line_hashes``. The global stages fill ``keeper_of`` (exact
    duplicates), ``clusters``, ``repeat_drops`` (the repeated paragraphs to drop) and ``splits``.
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
    repeat_drops: ParagraphDrops | None = None
    splits: np.ndarray | None = None

    def iter_raw_files(self) -> Iterator[dict]:
        """Yield every raw document's entry, in ``source_file`` order, one at a time.

        Each is ``{source_file, sha256, bytes, encoding, decoded_from}``.
        """
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

    def language_names(self) -> list[str]:
        """Language names by code: ``language_names()[language_codes[position]]``.

        Codes are handed out in order of first arrival (``collect_processed``), so the list of
        ``languages`` in insertion order is indexed by code.
        """
        return list(self.languages)

    def kept_positions(self) -> np.ndarray:
        """Positions of the spilled articles that are kept (not turned into duplicates)."""
        return np.flatnonzero(self.keeper_of < 0)


def open_corpus(names: DocumentNames, config: BuildConfig, staging: Path) -> Corpus:
    """An empty ``Corpus`` for ``names``, its spill files under ``staging/_work``."""
    work = staging / "_work"
    return Corpus(
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
        line_hashes=LineHashSpill(work / "line_hashes"),
        raw_sha256=np.zeros((len(names), 32), dtype=np.uint8),
        raw_bytes=np.full(len(names), -1, dtype=np.int64),
        decodings=np.zeros(len(names), dtype=np.uint16),
    )


def bucket_digits(documents: int) -> int:
    """Hex digits of the id prefix that buckets the article spill: about 4,096 rows a bucket."""
    digits = 1
    while documents > ARTICLE_BUCKET_ROWS * 16**digits:
        digits += 1
    return digits


def spill_schema() -> pa.Schema:
    """The article columns plus the arrival position that links a row to the compact arrays."""
    return unstamped_article_schema().append(pa.field(POSITION, pa.int64(), nullable=False))


def article_table(articles: Sequence[Article]) -> pa.Table:
    """The rows (``Article.to_row``) of ``articles`` as one table of the article schema."""
    rows = [article.to_row(entity_tuples=True) for article in articles]
    return rows_to_table(rows, unstamped_article_schema())


@functools.cache
def unstamped_article_schema() -> pa.Schema:
    """``article_schema()`` in Arrow, made once per process (article tables are made per batch).

    Without the release's metadata, which ``dataset.build.write.article_arrow_schema`` stamps.
    """
    return article_schema().to_pyarrow()


def with_article_rows(processed: list[ProcessedDocument]) -> list[ProcessedDocument]:
    """``processed`` with each ``Article`` outcome made its ``ArticleRow`` in one shared table.

    Run by the worker over its batch: converting the articles to Arrow there takes that work,
    and the unpickling of each article's records, off the driver. The price: pyarrow imports
    pandas on its first conversion of Python values, once per worker process (0.4 s of CPU
    measured with bytecode cached), where before only the driver did.
    """
    articles = [k for k, done in enumerate(processed) if isinstance(done.outcome, Article)]
    if not articles:
        return processed
    rows = article_table([processed[k].outcome for k in articles])
    result = list(processed)
    for row, k in enumerate(articles):
        article = processed[k].outcome
        outcome = ArticleRow(
            rows,
            row,
            article.id,
            article.text_fingerprint,
            article.extraction.language,
            article.source.url is not None,
        )
        result[k] = replace(processed[k], outcome=outcome)
    return result


def collect_processed(corpus: Corpus, done: ProcessedDocument, config: BuildConfig) -> None:
    """Record one processed document: spill its article or reject, keep its compact values.

    The outcome is a ``Reject`` or an ``ArticleRow`` (``with_article_rows``). Raises BuildError
    in strict mode for a reject that is not a duplicate.
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
    language = outcome.language
    corpus.has_url.append(outcome.has_url)
    position = len(corpus.ids)
    corpus.doc_index.append(done.index)
    corpus.ids.append(id_to_int(outcome.id))
    corpus.fingerprints.extend(fingerprint_words(outcome.fingerprint))
    corpus.language_codes.append(corpus.languages.setdefault(language, len(corpus.languages)))
    corpus.signatures.append(done.signature)
    corpus.line_hashes.append(position, done.paragraphs)
    corpus.articles.append_from(outcome.rows, outcome.row, {POSITION: position})


def add_warnings(corpus: Corpus, warnings: Sequence[str]) -> None:
    """Count warnings about source metadata and keep the ``MAX_LISTED_WARNINGS`` first.

    First in sorted order (each names its file first): the same lines whatever order documents
    arrive in.
    """
    if not warnings:
        return
    corpus.warning_count += len(warnings)
    corpus.source_warnings.extend(warnings)
    if len(corpus.source_warnings) > 2 * MAX_LISTED_WARNINGS:
        corpus.source_warnings[:] = sorted(corpus.source_warnings)[:MAX_LISTED_WARNINGS]


def add_reject(corpus: Corpus, reject: Reject) -> None:
    """Count ``reject`` under its reason and spill its row."""
    corpus.reject_counts[reject.reason] += 1
    corpus.rejects.append(reject.to_row())
