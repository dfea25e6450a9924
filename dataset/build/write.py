"""Stage 6, write: byte-stable Parquet shards, the rejects table and the build manifest.

Layout (Hugging Face Hub): ``data/{language}/{split}-{i:05d}-of-{n:05d}.parquet``. Every file is
written with the explicit schema derived from schemas/, zstd, a fixed row-group size, rows sorted
by id, and key-value metadata holding the schema version, release version and config hash. A split
with zero rows is never written. The same rows and settings always give the same bytes.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import math
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from dataset import __version__
from dataset.build.repeated_lines import drop_corpus_repeats
from dataset.config import SPLIT_NAMES, BuildConfig
from dataset.release.layout import REJECTS_PATH
from dataset.runtime.engine import worker_count
from dataset.runtime.timing import timed_stage
from dataset.schema import TableSchema, article_schema, load_table_schema, reject_schema

if TYPE_CHECKING:
    from dataset.build.corpus import Corpus

METADATA_KEY = b"karabakh_news"
# The spill column linking an article row to the corpus's compact arrays (dataset.build.corpus).
POSITION = "_position"
# Level 6: 1.8x faster than 9 for 4% larger files (measured in benchmarks/README.md).
ZSTD_LEVEL = 6


def shard_path(language: str, split: str, index: int, count: int) -> str:
    """Release-relative path of one shard, e.g. ``data/fr/train-00000-of-00001.parquet``."""
    return f"data/{language}/{split}-{index:05d}-of-{count:05d}.parquet"


def schema_with_metadata(
    table: TableSchema, config_hash: str, release_version: str = __version__
) -> pa.Schema:
    """The declared Arrow schema plus our key-value metadata and the Hugging Face features."""
    schema = table.to_pyarrow()
    ours = {
        "table": table.name,
        "schema_version": table.schema_version,
        "release_version": release_version,
        "config_hash": config_hash,
    }
    features = {field.name: hf_feature(field.type) for field in schema}
    return schema.with_metadata(
        {
            METADATA_KEY: json.dumps(ours, sort_keys=True).encode(),
            b"huggingface": json.dumps({"info": {"features": features}}, sort_keys=True).encode(),
        }
    )


# Arrow type -> the ``dtype`` of a Hugging Face ``Value`` feature (datasets 5.x).
HF_VALUE_DTYPES: dict[pa.DataType, str] = {
    pa.string(): "string",
    pa.int32(): "int32",
    pa.float32(): "float32",
    pa.date32(): "date32",
    pa.timestamp("us", tz="UTC"): "timestamp[us, tz=UTC]",
}


def hf_feature(arrow_type: pa.DataType) -> dict[str, Any]:
    """``datasets.Features.from_arrow_schema(...).to_dict()``'s entry for one column type.

    Written out so that the build never imports ``datasets`` (about 0.6-1.3 s of CPU); a test
    compares it with datasets' own on every declared table. Raises ValueError for a type the
    schemas do not use.
    """
    if pa.types.is_list(arrow_type):
        return {"_type": "List", "feature": hf_feature(arrow_type.value_type)}
    if pa.types.is_struct(arrow_type):
        return {field.name: hf_feature(field.type) for field in arrow_type}
    if arrow_type not in HF_VALUE_DTYPES:
        raise ValueError(
            f"no Hugging Face feature for Arrow type {arrow_type}; add it to HF_VALUE_DTYPES "
            "in dataset/build/write.py"
        )
    return {"_type": "Value", "dtype": HF_VALUE_DTYPES[arrow_type]}


def datasets_features(schema: pa.Schema) -> dict[str, Any]:
    """The features ``datasets`` itself derives from ``schema``: what ``hf_feature`` must equal.

    Imports ``datasets`` (slow); the build never calls it, the tests compare with it.
    """
    from datasets import Features

    return Features.from_arrow_schema(schema).to_dict()


WRITER_OPTIONS = {
    "compression": "zstd",
    "compression_level": ZSTD_LEVEL,
    "write_statistics": True,
    "write_page_index": True,
    "store_schema": True,
}


class ShardWriter:
    """Streams rows, already in their final order, into shard files with fixed row groups.

    Shard ``i`` holds rows ``[i * rows_per_shard, (i + 1) * rows_per_shard)``; inside a shard, row
    groups hold exactly ``row_group_size`` rows (the last one fewer). Each row group is written
    from one contiguous chunk, so the bytes depend only on the rows and the settings, never on how
    the rows were batched on the way in. Memory is bounded by one row group plus one input batch.
    """

    def __init__(
        self,
        folder: Path,
        names: list[str],
        rows_per_shard: int,
        row_group_size: int,
        schema: pa.Schema,
    ):
        self.folder = folder
        self.names = names
        self.rows_per_shard = rows_per_shard
        self.row_group_size = row_group_size
        self.schema = schema
        self.written: dict[str, int] = {}
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._shard = -1
        self._shard_rows = rows_per_shard
        self._writer: pq.ParquetWriter | None = None

    def write(self, rows: pa.Table) -> None:
        """Append rows (exactly the schema's columns, in order); full row groups go to disk."""
        if rows.num_rows:
            self._pending.append(rows.select(self.schema.names).cast(self.schema))
            self._pending_rows += rows.num_rows
        while self._pending_rows >= self._next_group_rows():
            self._write_group(self._next_group_rows())

    def close(self) -> dict[str, int]:
        """Write what is left and close the last shard; returns ``{name: rows}``.

        A writer that never received a row writes its first shard with zero rows.
        """
        while self._pending_rows:
            self._write_group(min(self._pending_rows, self._next_group_rows()))
        if self._writer is None and not self.written:
            # Same bytes as pq.write_table of an empty table: one empty row group.
            self._open_next_shard()
            self._writer.write_table(self.schema.empty_table(), row_group_size=1)
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        return self.written

    def _next_group_rows(self) -> int:
        room = self.rows_per_shard - self._shard_rows
        return min(self.row_group_size, room if room > 0 else self.rows_per_shard)

    def _write_group(self, count: int) -> None:
        table = pa.concat_tables(self._pending) if len(self._pending) > 1 else self._pending[0]
        group, rest = table.slice(0, count), table.slice(count)
        self._pending = [rest] if rest.num_rows else []
        self._pending_rows = rest.num_rows
        if self._shard_rows >= self.rows_per_shard:
            self._open_next_shard()
        self._writer.write_table(group.combine_chunks(), row_group_size=self.row_group_size)
        self._shard_rows += count
        self.written[self.names[self._shard]] += count

    def _open_next_shard(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._shard += 1
        self._shard_rows = 0
        name = self.names[self._shard]
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(path, self.schema, **WRITER_OPTIONS)
        self.written[name] = 0


def write_split(
    rows: pa.Table,
    out_dir: Path,
    language: str,
    split: str,
    rows_per_shard: int,
    row_group_size: int,
    schema: pa.Schema,
) -> dict[str, int]:
    """Write one language/split as shards sorted by id; returns ``{relative path: row count}``.

    ``rows`` must hold exactly the declared columns; a zero-row table writes nothing.
    """
    if rows.num_rows == 0:
        return {}
    writer = split_writer(
        out_dir, language, split, rows.num_rows, rows_per_shard, row_group_size, schema
    )
    writer.write(rows.select(schema.names).cast(schema).sort_by("id"))
    return writer.close()


def split_writer(
    out_dir: Path,
    language: str,
    split: str,
    total_rows: int,
    rows_per_shard: int,
    row_group_size: int,
    schema: pa.Schema,
) -> ShardWriter:
    """A ``ShardWriter`` for one language/split of ``total_rows`` rows (the shard names need it)."""
    count = math.ceil(total_rows / rows_per_shard)
    names = [shard_path(language, split, index, count) for index in range(count)]
    return ShardWriter(out_dir, names, rows_per_shard, row_group_size, schema)


def write_rejects(
    rows: list[dict[str, Any]],
    out_dir: Path,
    config_hash: str,
    row_group_size: int,
    release_version: str = __version__,
) -> str:
    """Write ``rejects/rejects.parquet`` sorted by source file (written even when empty)."""
    schema = schema_with_metadata(reject_schema(), config_hash, release_version)
    table = pa.Table.from_pylist(rows, schema=schema)
    return write_sorted_rejects([table], out_dir, config_hash, row_group_size, release_version)


def write_sorted_rejects(
    tables: Iterable[pa.Table],
    out_dir: Path,
    config_hash: str,
    row_group_size: int,
    release_version: str = __version__,
) -> str:
    """Write ``rejects/rejects.parquet`` from tables whose key ranges come in order.

    Each table is sorted by source file on its own; the tables must not overlap in source files
    and must come in source-file order (e.g. the buckets of a ``BucketSpill``). Streaming: memory
    is bounded by the largest table.
    """
    schema = schema_with_metadata(reject_schema(), config_hash, release_version)
    writer = ShardWriter(out_dir, [REJECTS_PATH], 2**62, row_group_size, schema)
    for table in tables:
        writer.write(table.select(schema.names).cast(schema).sort_by("source_file"))
    writer.close()
    return REJECTS_PATH


def article_arrow_schema(config_hash: str, release_version: str = __version__) -> pa.Schema:
    """The Arrow schema of the article shards, with the release's key-value metadata."""
    return schema_with_metadata(article_schema(), config_hash, release_version)


def stamp_release_version(
    release_dir: Path, release_version: str, manifest: dict | None = None
) -> None:
    """Set the release version of a written release.

    In every Parquet file's key-value metadata (``data/`` and ``rejects/``) and in
    ``build_manifest.json``.

    The build writes with a provisional version before the diff says which version the change
    needs. Each Parquet file is rewritten row group by row group with the same writer settings,
    so its bytes equal those of a file written with ``release_version`` from the start.
    ``manifest`` is the manifest as built (its streamed lists intact); None reads the file.
    """
    paths = sorted(release_dir.glob("data/*/*.parquet"))
    if (release_dir / REJECTS_PATH).is_file():
        paths.append(release_dir / REJECTS_PATH)
    for path in paths:
        restamp_parquet(path, release_version)
    manifest_path = release_dir / "build_manifest.json"
    if manifest is None:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["release_version"] = release_version
    write_json(manifest, manifest_path)


def restamp_parquet(path: Path, release_version: str) -> None:
    """Rewrite one Parquet file with ``release_version`` in its metadata (same rows and groups)."""
    source = pq.ParquetFile(path)
    ours = json.loads(source.schema_arrow.metadata[METADATA_KEY])
    # The declared schema, not the one read back (whose list fields are named "element").
    table = load_table_schema(ours["table"])
    schema = schema_with_metadata(table, ours["config_hash"], release_version)
    temporary = path.with_name(path.name + ".restamp")
    with pq.ParquetWriter(temporary, schema, **WRITER_OPTIONS) as writer:
        for index in range(source.metadata.num_row_groups):
            group = source.read_row_group(index).cast(schema)
            writer.write_table(group, row_group_size=max(1, group.num_rows))
    source.close()
    os.replace(temporary, path)


class StreamedList:
    """A JSON list whose items are made one at a time while ``write_json`` writes them.

    ``items`` is called once per iteration and returns a fresh iterator of plain JSON values;
    ``length`` is how many it yields. Used for the manifest's entry per raw file, so that no list
    of the whole corpus is ever held.
    """

    def __init__(self, items: Callable[[], Iterable[Any]], length: int):
        self.items = items
        self.length = length

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items())

    def __len__(self) -> int:
        return self.length


JSON_OPTIONS: dict[str, Any] = {"indent": 2, "sort_keys": True, "ensure_ascii": False}
JSON_CHUNKS = 1024


def write_json(data: Any, path: Path) -> None:
    r"""Write JSON deterministically (sorted keys, UTF-8, 2-space indent, trailing newline).

    The text is streamed to the file chunk by chunk, and a ``StreamedList`` anywhere in ``data``
    item by item: the bytes are those of ``json.dumps(data, **JSON_OPTIONS) + "\n"`` with every
    ``StreamedList`` replaced by the list of its items, without holding that text or that list.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        sink = _JsonSink(out)
        encoder = json.JSONEncoder(**JSON_OPTIONS, default=sink.placeholder)
        # The encoder yields a chunk per token; the sink takes text cut anywhere, so it gets them
        # joined by the thousand (a validation result file is about 10,000 tokens).
        chunks = encoder.iterencode(data)
        while batch := "".join(itertools.islice(chunks, JSON_CHUNKS)):
            sink.write(batch)
        sink.close()
        out.write("\n")


class _JsonSink:
    """Writes JSON text to a file, putting each ``StreamedList``'s items in its placeholder."""

    def __init__(self, out: TextIO):
        self.out = out
        self.streams: list[StreamedList] = []
        self.written = 0  # streamed lists written so far
        self.line = ""  # the current line as written so far: a streamed list continues its indent
        self.pending = ""  # text held back while a placeholder's text is still arriving

    def placeholder(self, value: Any) -> str:
        """``default`` hook of the encoder: a unique string standing for a ``StreamedList``."""
        if not isinstance(value, StreamedList):
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
        self.streams.append(value)
        return f"\0streamed list {len(self.streams) - 1}\0"

    def write(self, chunk: str) -> None:
        self.pending += chunk
        while self.written < len(self.streams):
            mark = json.dumps(f"\0streamed list {self.written}\0")
            head, found, tail = self.pending.partition(mark)
            if not found:
                return
            self._emit(head)
            self._emit_list(self.streams[self.written])
            self.written += 1
            self.pending = tail
        self._emit(self.pending)
        self.pending = ""

    def close(self) -> None:
        if self.pending or self.written < len(self.streams):
            raise ValueError("write_json: a streamed list's placeholder was not found in the text")

    def _emit(self, text: str) -> None:
        self.out.write(text)
        newline = text.rfind("\n")
        self.line = text[newline + 1 :] if newline >= 0 else self.line + text

    def _emit_list(self, items: StreamedList) -> None:
        """The list as ``json.dumps`` indents it at the current line's level."""
        indent = self.line[: len(self.line) - len(self.line.lstrip(" "))]
        item_indent = "\n" + indent + " " * JSON_OPTIONS["indent"]
        encode = indented_encoder(item_indent)
        separator = "," + item_indent
        chunks = iter(items)
        written = False
        while batch := list(itertools.islice(chunks, JSON_CHUNKS)):
            text = separator.join(map(encode, batch))
            self._emit((separator if written else "[" + item_indent) + text)
            written = True
        self._emit("\n" + indent + "]" if written else "[]")


JSON_SCALARS = frozenset((str, int, float, bool, type(None)))


def indented_encoder(item_indent: str) -> Callable[[Any], str]:
    """``encode(item)``: ``json.dumps(item, **JSON_OPTIONS)`` with each newline + ``item_indent``.

    An item in a list whose items start at ``item_indent`` (a newline and spaces). A flat object
    (string keys, scalar values: a raw file's entry) is encoded by the json module's C encoder,
    its separator carrying the newline and indent: half the time of the pure-Python encoder that
    ``indent`` selects (20,000 entries), same text. Anything else takes that encoder.
    """
    nested = json.JSONEncoder(**JSON_OPTIONS)
    key_indent = item_indent + " " * JSON_OPTIONS["indent"]
    flat = json.JSONEncoder(
        sort_keys=JSON_OPTIONS["sort_keys"],
        ensure_ascii=JSON_OPTIONS["ensure_ascii"],
        separators=("," + key_indent, ": "),
    )

    def encode(item: Any) -> str:
        if (
            type(item) is dict
            and item
            and JSON_SCALARS.issuperset(map(type, item.values()))
            and all(type(key) is str for key in item)
        ):
            return "{" + key_indent + flat.encode(item)[1:-1] + item_indent + "}"
        return nested.encode(item).replace("\n", item_indent)

    return encode


@timed_stage("write_articles")
def write_articles(
    corpus: Corpus, staging: Path, config: BuildConfig, release_version: str = __version__
) -> dict[str, int]:
    """Write every language/split from the spill, bucket by bucket; ``{relative path: rows}``.

    Buckets are id ranges in id order and each is sorted by id alone, so every shard is sorted by
    id with bounded memory (one bucket plus one row group per open language/split). With more
    than one worker, the shards are encoded and compressed in WRITE_THREADS threads beside the
    reading (pyarrow releases the GIL there): each language/split has its lane, one thread that
    takes its rows in order, the lanes balanced by rows. Each shard gets the same rows in the
    same order either way, so the bytes are the same.
    """
    schema = article_arrow_schema(config.content_hash(), release_version)
    names = corpus.language_names()
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
    threads = WRITE_THREADS if worker_count(config) > 1 else 0
    lanes = balanced_lanes(dict(sorted(groups.items())), max(threads, 1))
    with writing_lanes(threads) as submit:
        for key, rows in split_buckets(corpus, config):
            submit(lanes[key], writers[key].write, rows)
        closed = [submit(lanes[key], writer.close) for key, writer in writers.items()]
    files: dict[str, int] = {}
    for written in closed:
        files.update(written.result())
    return files


# Threads that encode and compress shards when the build has several workers.
WRITE_THREADS = 2
# Row batches handed to the writing threads and not yet written: bounds the memory they hold.
MAX_PENDING_WRITES = 8


def balanced_lanes(sizes: dict[Any, int], lanes: int) -> dict[Any, int]:
    """``{key: lane}``: the largest sizes first, each to the lane with the least so far.

    Ties go to the lower lane, and keys of equal size keep the order of ``sizes``.
    """
    loads = [0] * lanes
    result = {}
    for key in sorted(sizes, key=lambda k: -sizes[k]):
        lane = loads.index(min(loads))
        loads[lane] += sizes[key]
        result[key] = lane
    return result


@contextlib.contextmanager
def writing_lanes(threads: int) -> Iterator[Callable[..., Future]]:
    """``submit(lane, function, *args)`` runs the call in thread ``lane`` of ``threads``, or here.

    With 0 threads every call runs at once, here. Otherwise each lane (``0 <= lane < threads``)
    is one thread that runs its calls in submission order; calls of different lanes must be
    independent. At most ``MAX_PENDING_WRITES`` calls wait at a time (``submit`` blocks).
    Leaving the block waits for every call and raises the first error.
    """
    if threads < 1:

        def run_here(lane: int, function: Callable, *args: Any) -> Future:
            done: Future = Future()
            done.set_result(function(*args))
            return done

        yield run_here
        return
    pending: collections.deque[Future] = collections.deque()
    with contextlib.ExitStack() as stack:
        pools = [
            stack.enter_context(ThreadPoolExecutor(1, thread_name_prefix=f"write-{lane}"))
            for lane in range(threads)
        ]

        def submit(lane: int, function: Callable, *args: Any) -> Future:
            while len(pending) >= MAX_PENDING_WRITES:
                pending.popleft().result()
            future = pools[lane].submit(function, *args)
            pending.append(future)
            return future

        try:
            yield submit
        finally:
            for future in pending:
                future.result()


def split_buckets(
    corpus: Corpus, config: BuildConfig
) -> Iterator[tuple[tuple[int, int], pa.Table]]:
    """``((language code, split code), rows)`` of the kept articles, bucket by bucket.

    Each bucket's rows sorted by id, corpus-wide repeated lines dropped, clusters filled in.
    """
    languages = np.frombuffer(corpus.language_codes, dtype=np.uint16)
    ids = np.frombuffer(corpus.ids, dtype=np.uint64)
    for table in corpus.articles.buckets():
        positions = table.column(POSITION).to_numpy()
        kept = np.flatnonzero(corpus.keeper_of[positions] < 0)
        order = kept[np.argsort(ids[positions[kept]], kind="stable")]
        table, positions = table.take(pa.array(order)), positions[order]
        clusters = ints_to_ids(corpus.clusters[positions])
        if corpus.repeat_drops is not None:
            rows, paragraphs = corpus.repeat_drops.of(positions)
            table = drop_corpus_repeats(table, rows, paragraphs, config.min_text_chars)
        table = table.set_column(
            table.schema.get_field_index("duplicate_cluster"), "duplicate_cluster", clusters
        )
        keys = languages[positions].astype(np.int64) * len(SPLIT_NAMES) + corpus.splits[positions]
        for key in np.unique(keys).tolist():
            yield divmod(key, len(SPLIT_NAMES)), table.filter(pa.array(keys == key))


def ints_to_ids(values: np.ndarray) -> pa.StringArray:
    """``int_to_id`` of each uint64 of ``values``, as one Arrow string array.

    Cut every 16 characters from the hex text of the big-endian bytes: no Python string per
    value.
    """
    count = len(values)
    text = np.asarray(values, dtype=">u8").tobytes().hex().encode("ascii")
    offsets = np.arange(0, 16 * (count + 1), 16, dtype=np.int32)
    return pa.StringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(text))


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
