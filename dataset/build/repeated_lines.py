"""Corpus-level furniture: paragraphs that recur across many documents (CCNet's method).

A site's menu entries, share prompts, "Recent posts" headers and standing disclaimers recur on
every page of the site, whatever the per-document rules know. CCNet removes paragraphs that
recur across a crawl shard; here the same is done across the whole raw corpus, on compact
64-bit hashes, never on texts: memory holds one write buffer and one hash bucket at a time.

Contracts
---------
``paragraph_records(text, max_chars) -> bytes``
    One ``PARAGRAPH`` record (hash, paragraph, sentence) per *candidate* paragraph of a released
    body (paragraphs are separated by a blank line), in order: at most ``max_chars`` characters
    and holding a letter. ``hash`` (``paragraph_hash``) is the first 8 bytes of BLAKE2b over the
    paragraph's ``match_key`` (casefolded, accents, digits and punctuation dropped: "Comments
    (12)" and "COMMENTS (3)" hash alike); ``sentence`` says the paragraph ends with sentence
    punctuation; ``paragraph`` is the candidate's index among all the paragraphs of ``text``
    (its place in ``text.split(PARAGRAPH_SEPARATOR)``). A pure function of its arguments, and
    what a worker hands the driver with each article
    (``dataset.build.process.package_document``), so that the driver never splits or hashes a
    text to find or to drop a paragraph. One small ``bytes`` pickles faster than three arrays.
``LineHashSpill(folder)``
    ``append(position, paragraphs)`` writes the ``(hash, position, paragraph, sentence)`` records
    of one article (its ``paragraph_records``) to bucket files picked by the hash's top bits;
    ``close()`` flushes. Bucket files are read back one at a time by ``find_repeated_lines``.
``find_repeated_lines(spill, groups, active, line_min, sentence_min) -> np.ndarray``
    The sorted unique hashes found in at least ``line_min`` distinct groups (``sentence_min``
    for paragraphs that end a sentence; None: never), counting only records whose position is
    ``active``.
    A group is the article's near-duplicate cluster: syndicated copies and near copies of one
    article share their real sentences, and count once. Not the source domain: a site's own
    menus and prompts recur across its articles within one domain (and most raw folders record
    no URL at all), so counting domains would miss exactly the furniture this step is for.
    Depends only on the set of records, never on their order: a document's result does not
    depend on batch order or worker count.
``drop_repeated_lines(text, repeated, max_chars, min_chars) -> str``
    The text without its candidate paragraphs whose hash is in ``repeated``; the text unchanged
    when that would leave fewer than ``min_chars`` characters (corpus evidence never turns an
    accepted article into a reject). The definition of the step, one text at a time; the build
    gets the same texts from ``drop_corpus_repeats`` without hashing.
``find_repeats_and_drops(...) -> (hashes, ParagraphDrops)``
    ``find_repeated_lines``, and the ``(position, paragraph)`` of every record holding one of
    those hashes, read from the same bucket files.
``drop_corpus_repeats(table, rows, paragraphs, min_chars) -> pa.Table``
    The table with the paragraphs at the given indexes dropped from its texts, by Arrow kernels,
    under the same ``min_chars`` rule: given the rows' ``ParagraphDrops``, each text equals
    ``drop_repeated_lines`` of it.

Precision: only paragraphs up to ``max_chars`` characters are candidates (article paragraphs
are longer; a site's furniture is short), and a paragraph that ends a sentence needs its own,
higher count, by default none at all: distinct articles share quotes and background sentences
(on the 2,000-document benchmark corpus, article sentences recur in up to 28 clusters; its
label-shaped repeats are share buttons, a site name, date lines and teasers). Standing
disclaimers are left to the per-language phrase tables (dataset/lexicon/furniture/).

Where it runs (dataset/pipeline.py): ``find_corpus_repeats`` after near-duplicate clustering,
``drop_corpus_repeats`` on each bucket of rows as dataset.build.write writes them. The
per-document stages and their cache (dataset/runtime/cache.py) stay corpus-independent: the
cache holds each document's own extraction, and this step edits the released ``text`` at write
time. The exact-duplicate fingerprints and MinHash signatures are those of the per-document text
(furniture the per-document rules missed is still in it); they are what groups the counts, and
recomputing them after this step would need a second pass over every document.
"""

from __future__ import annotations

import hashlib
import struct
from array import array
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataset.build.clean import KEY_MAX, ends_sentence, has_letter, match_key
from dataset.config import BuildConfig
from dataset.runtime.timing import timed_stage

if TYPE_CHECKING:
    from dataset.build.corpus import Corpus

RECORD = np.dtype([("hash", "<u8"), ("position", "<u8"), ("paragraph", "<u4"), ("sentence", "u1")])
# A RECORD before its position.
PARAGRAPH = np.dtype([("hash", "<u8"), ("paragraph", "<u4"), ("sentence", "u1")])
# A PARAGRAPH record after its hash (packed, little-endian: the dtype has no padding).
PARAGRAPH_TAIL = struct.Struct("<IB")
BUCKET_BITS = 6  # 64 bucket files: one holds about 1/64 of the corpus's candidate paragraphs
BUFFER_RECORDS = 65_536
PARAGRAPH_SEPARATOR = "\n\n"


def paragraph_hash(paragraph: str) -> int:
    """The 64-bit hash of a paragraph's normalized form (``match_key``)."""
    return int.from_bytes(paragraph_digest(paragraph), "little")


def paragraph_digest(paragraph: str) -> bytes:
    """``paragraph_hash`` as its 8 little-endian bytes (BLAKE2b's first 8 bytes)."""
    # Lines of at most KEY_MAX characters had their key looked up by the boilerplate rules
    # (clean.classify_lines), so the cache holds it; longer ones occur once and bypass it.
    key = match_key(paragraph) if len(paragraph) <= KEY_MAX else match_key.__wrapped__(paragraph)
    return hashlib.blake2b(key.encode(), digest_size=8).digest()


def is_candidate(paragraph: str, max_chars: int) -> bool:
    """A paragraph short enough to be judged by repetition, holding a letter."""
    return len(paragraph) <= max_chars and has_letter(paragraph)


def paragraph_records(text: str, max_chars: int) -> bytes:
    """The candidate paragraphs of ``text`` as ``PARAGRAPH`` records, in order (see module).

    Packed record by record (``PARAGRAPH_TAIL``): the bytes of a ``PARAGRAPH`` array, without
    building arrays for a few records.
    """
    return b"".join(
        paragraph_digest(paragraph) + PARAGRAPH_TAIL.pack(index, ends_sentence(paragraph))
        for index, paragraph in enumerate(text.split(PARAGRAPH_SEPARATOR))
        if is_candidate(paragraph, max_chars)
    )


class LineHashSpill:
    """``(hash, position, sentence)`` records in bucket files by the hash's top BUCKET_BITS."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._pending: list[bytes] = []
        self._positions = array("Q")
        self._counts = array("Q")
        self._buffered = 0
        folder.mkdir(parents=True, exist_ok=True)

    def append(self, position: int, paragraphs: bytes) -> None:
        """Record the candidate paragraphs (``paragraph_records``) of the article at ``position``.

        Only buffered here: the records are built for the whole buffer at once in ``flush``.
        """
        count = len(paragraphs) // PARAGRAPH.itemsize
        if not count:
            return
        self._pending.append(paragraphs)
        self._positions.append(position)
        self._counts.append(count)
        self._buffered += count
        if self._buffered >= BUFFER_RECORDS:
            self.flush()

    def flush(self) -> None:
        """Append the buffered records to their bucket files."""
        if not self._buffered:
            return
        paragraphs = np.frombuffer(b"".join(self._pending), dtype=PARAGRAPH)
        records = np.empty(len(paragraphs), dtype=RECORD)
        for name in PARAGRAPH.names:
            records[name] = paragraphs[name]
        counts = np.frombuffer(self._counts, np.uint64).astype(np.intp)
        records["position"] = np.repeat(np.frombuffer(self._positions, np.uint64), counts)
        self._pending, self._positions, self._counts = [], array("Q"), array("Q")
        self._buffered = 0
        buckets = records["hash"] >> np.uint64(64 - BUCKET_BITS)
        for bucket in np.unique(buckets).tolist():
            with self.bucket_path(bucket).open("ab") as sink:
                records[buckets == bucket].tofile(sink)

    def close(self) -> None:
        """Write the records still buffered."""
        self.flush()

    def bucket_path(self, bucket: int) -> Path:
        """The file that holds the records of hash bucket ``bucket``."""
        return self.folder / f"{bucket:02x}.rec"

    def bucket_files(self) -> list[Path]:
        """The bucket files written so far, in bucket order."""
        return sorted(self.folder.glob("*.rec"))


def find_repeated_lines(
    spill: LineHashSpill,
    groups: np.ndarray,
    active: np.ndarray,
    line_min: int,
    sentence_min: int | None,
) -> np.ndarray:
    """Return the sorted hashes seen in at least ``line_min`` groups.

    Sentences need ``sentence_min`` groups instead (None: sentences never count as repeated).

    ``groups[position]`` is the group (near-duplicate cluster id) of the article spilled at
    ``position``; records of positions where ``active`` is False (dropped duplicates) are
    ignored.
    """
    return find_repeats_and_drops(spill, groups, active, line_min, sentence_min)[0]


class ParagraphDrops:
    """The paragraphs to drop, as ``(position, paragraph index)`` pairs, sorted and unique.

    ``positions`` (int64) and ``paragraphs`` (uint32) are parallel arrays sorted by position,
    then paragraph. Positions may include inactive articles (``find_repeats_and_drops``).
    """

    def __init__(self, positions: np.ndarray, paragraphs: np.ndarray):
        order = np.lexsort((paragraphs, positions))
        self.positions = np.asarray(positions, np.int64)[order]
        self.paragraphs = np.asarray(paragraphs, np.uint32)[order]

    def holders(self) -> np.ndarray:
        """The sorted unique positions that have a paragraph to drop."""
        return np.unique(self.positions)

    def of(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(rows, paragraphs)``: the paragraphs to drop of the articles at ``positions``.

        ``rows[k]`` is an index into ``positions`` and ``paragraphs[k]`` one of that article's
        paragraph indexes, sorted by row then paragraph; an article with none has no entry.
        """
        positions = np.asarray(positions, np.int64)
        starts = np.searchsorted(self.positions, positions, "left")
        counts = np.searchsorted(self.positions, positions, "right") - starts
        rows = np.repeat(np.arange(len(positions)), counts)
        # Each row's entries are the run starts[row] ... starts[row] + counts[row] - 1.
        first = np.repeat(starts - (np.cumsum(counts) - counts), counts)
        return rows, self.paragraphs[first + np.arange(len(rows))]


def find_repeats_and_drops(
    spill: LineHashSpill,
    groups: np.ndarray,
    active: np.ndarray,
    line_min: int,
    sentence_min: int | None,
) -> tuple[np.ndarray, ParagraphDrops]:
    """``find_repeated_lines``, and the paragraphs of every position that hold those hashes.

    The drops are read from the same bucket records, so the texts of all other positions are
    known to have no repeated paragraph without looking at them, and the holders' texts need no
    hashing (the records are of the text that is written:
    ``dataset.build.corpus.collect_processed``). Inactive positions may be among them.
    """
    found, positions, paragraphs = [], [], []
    for path in spill.bucket_files():
        records = np.fromfile(path, dtype=RECORD)
        repeated = repeated_in_bucket(records, groups, active, line_min, sentence_min)
        found.append(repeated)
        holding = records[np.isin(records["hash"], repeated)]
        positions.append(holding["position"].astype(np.int64))
        paragraphs.append(holding["paragraph"])
    if not found:
        empty = ParagraphDrops(np.empty(0, np.int64), np.empty(0, np.uint32))
        return np.empty(0, dtype=np.uint64), empty
    drops = ParagraphDrops(np.concatenate(positions), np.concatenate(paragraphs))
    return np.sort(np.concatenate(found)), drops


def repeated_in_bucket(
    records: np.ndarray,
    groups: np.ndarray,
    active: np.ndarray,
    line_min: int,
    sentence_min: int | None,
) -> np.ndarray:
    """``find_repeated_lines`` over one bucket's records (unsorted result)."""
    positions = records["position"].astype(np.int64)
    records = records[active[positions]]
    if not len(records):
        return np.empty(0, dtype=np.uint64)
    hashes = records["hash"]
    record_groups = groups[positions[active[positions]]].astype(np.uint64)
    order = np.lexsort((record_groups, hashes))
    hashes, record_groups = hashes[order], record_groups[order]
    sentences = records["sentence"][order]
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    new_pair = np.r_[True, (hashes[1:] != hashes[:-1]) | (record_groups[1:] != record_groups[:-1])]
    counts = np.add.reduceat(new_pair.astype(np.int64), starts)
    # A hash is a sentence when any copy ends one (order-independent, and the stricter count).
    is_sentence = np.maximum.reduceat(sentences, starts).astype(bool)
    repeated = counts >= line_min
    repeated &= ~is_sentence if sentence_min is None else (~is_sentence | (counts >= sentence_min))
    return hashes[starts][repeated]


def drop_repeated_lines(
    text: str, repeated: Collection[int], max_chars: int, min_chars: int
) -> str:
    """``text`` without its candidate paragraphs whose hash is in ``repeated`` (see module)."""
    if not repeated or not text:
        return text
    paragraphs = text.split(PARAGRAPH_SEPARATOR)
    kept = [
        p for p in paragraphs if not (is_candidate(p, max_chars) and paragraph_hash(p) in repeated)
    ]
    if len(kept) == len(paragraphs):
        return text
    result = PARAGRAPH_SEPARATOR.join(kept)
    return result if len(result) >= min_chars else text


@timed_stage("repeated_lines")
def find_corpus_repeats(corpus: Corpus, config: BuildConfig) -> None:
    """Fill ``corpus.repeat_drops`` with the repeated paragraphs of every article holding one.

    A paragraph is repeated when it recurs across the near-duplicate clusters of the kept
    articles (thresholds from ``config``; ``find_repeats_and_drops``).
    """
    _, drops = find_repeats_and_drops(
        corpus.line_hashes,
        corpus.clusters,
        corpus.keeper_of < 0,
        config.repeated_line_min_documents,
        config.repeated_sentence_min_documents,
    )
    corpus.repeat_drops = drops


def drop_corpus_repeats(
    table: pa.Table, rows: np.ndarray, paragraphs: np.ndarray, min_chars: int
) -> pa.Table:
    """``table`` with paragraph ``paragraphs[k]`` of row ``rows[k]`` dropped from its ``text``.

    ``(rows, paragraphs)`` as ``ParagraphDrops.of`` gives them: sorted, unique pairs. Each
    edited text equals ``drop_repeated_lines`` of it with the hashes the drops were found for
    (unchanged when the result would be shorter than ``min_chars``), computed by Arrow kernels
    over the rows that have a paragraph to drop; the other rows are left as they are. Raises
    ValueError when an index is past the last paragraph of its text.
    """
    if not len(rows):
        return table
    index = table.schema.get_field_index("text")
    texts = table.column(index).combine_chunks()
    picked, local = np.unique(rows, return_inverse=True)
    chosen = texts.take(pa.array(picked))
    parts = pc.split_pattern(chosen, PARAGRAPH_SEPARATOR)
    offsets = parts.offsets.to_numpy()
    counts = np.diff(offsets)
    if np.any(paragraphs >= counts[local]):
        k = int(np.flatnonzero(paragraphs >= counts[local])[0])
        raise ValueError(
            f"paragraph index {paragraphs[k]} past the {counts[local[k]]} paragraphs of a text: "
            "the paragraph records were not made from the text being written"
        )
    keep = np.ones(offsets[-1] - offsets[0], dtype=bool)
    keep[offsets[local] - offsets[0] + paragraphs] = False
    kept = counts - np.bincount(local, minlength=len(picked))
    lists = pa.ListArray.from_arrays(
        pa.array(np.concatenate(([0], np.cumsum(kept))), pa.int32()),
        parts.flatten().filter(pa.array(keep)),
    )
    joined = pc.binary_join(lists, PARAGRAPH_SEPARATOR)
    edited = pc.if_else(pc.greater_equal(pc.utf8_length(joined), min_chars), joined, chosen)
    mask = np.zeros(len(texts), dtype=bool)
    mask[picked] = True
    column = pc.replace_with_mask(texts, pa.array(mask), edited.cast(texts.type))
    return table.set_column(index, table.schema.field(index), column)
