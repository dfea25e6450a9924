"""Stage 1, read: find the raw documents, check the lock, decode each file or reject it.

A raw folder holds documents as ``*.txt`` paths (any depth; hidden files and folders are skipped).
Every such path becomes either a ``RawDocument`` or a ``Reject`` with a reason code from
schemas/reject.yaml; nothing is dropped without one, and a bad file never raises.

Policies (each is a reject, never a crash):

- Only regular files are read. A directory, FIFO, socket or device named ``*.txt`` is
  ``not_a_file``; it is never opened for reading, so a FIFO cannot block the build.
- A symlink is followed only when it resolves to a regular file inside the raw folder (it then
  reads like that file, so a link to another document becomes an ``exact_duplicate``). A dangling
  link, a link loop or a link leading outside the raw folder is ``unreadable``.
- A file over ``max_file_bytes`` is ``too_large``; its size comes from ``fstat`` and at most
  ``max_file_bytes + 1`` bytes are ever read, so a huge file costs no memory.
- Decoding: a UTF-8/16/32 byte-order mark names the encoding; otherwise NUL bytes mean ``binary``;
  valid UTF-8 is taken as is; anything else goes to charset-normalizer, and is decoded only when
  the detector is confident (see ``detect_encoding``), else ``not_utf8``. The encoding used and how
  it was established are kept in ``RawDocument.encoding``/``decoded_from`` (and the manifest).
- Text that is mostly control characters is ``binary``; text that is nothing but whitespace or
  invisible format characters (after decoding) is ``empty``.

The ``id`` of an article is derived here from its source identity (``source_id``): the URL the
scraper recorded, else the raw file's relative path; never from the file's bytes.
"""

from __future__ import annotations

import codecs
import hashlib
import heapq
import itertools
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa

from dataset.build.sources import describe_source
from dataset.build.steps import declares
from dataset.config import BuildConfig
from dataset.errors import InputError
from dataset.records import RawDocument, Reject
from dataset.release.integrity import sha256_file

DOCUMENT_SUFFIX = ".txt"
# Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0/C1 control characters other than the whitespace ones (\t \n \v \f \r, and NEL U+0085).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
# The same characters in UTF-8: one byte each below U+0080, "\xc2" and a byte above (a lead byte
# never occurs inside another character, so each pair is one character).
_NOT_CONTROL_BYTES = bytes(set(range(256)) - {*range(0x09), *range(0x0E, 0x20), 0x7F})
_C1_CONTROL_UTF8 = re.compile(rb"\xc2[\x80-\x84\x86-\x9f]")
# A real text has at most a few stray control characters; decoded binary data has many.
MAX_CONTROL_SHARE = 0.01
# charset-normalizer's mess ratio (percent) above which a decoding is not trusted.
MAX_CHAOS_PERCENT = 10.0
# Two detector candidates whose coherence differs by less than this (percent) are a tie.
COHERENCE_TIE_PERCENT = 1.0


class DocumentNames(Sequence[str]):
    """The documents of a raw folder as relative POSIX names, compactly (one UTF-8 buffer).

    ``names[i]`` is document ``i`` in path order: the order of the sorted ``Path`` objects, by
    path components (``a/b.txt`` before ``a-b.txt``), which is the document index of the build.
    ``in_name_order()`` gives plain string order instead, the order of ``source_file`` columns.
    About 25 bytes a document, against 70 for a ``str`` and 300 or more for a ``Path``.
    """

    def __init__(self, raw_dir: Path, names: Iterable[str]):
        # A name that is not valid UTF-8 is kept as its safe form (``safe_name``); the real name,
        # needed to open the file, is kept aside for those few.
        names = list(names)
        self._real = {safe_name(name): name for name in names if safe_name(name) != name}
        if self._real:
            names = [safe_name(name) for name in names]
        ordered = sorted(names, key=path_order)
        encoded = [name.encode("utf-8", "surrogatepass") for name in ordered]
        self.raw_dir = raw_dir
        self._data = b"".join(encoded)
        self._offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=self._offsets[1:])
        del encoded
        by_name = sorted(range(len(ordered)), key=ordered.__getitem__)
        self._name_order = np.array(by_name, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [self[i] for i in range(*key.indices(len(self)))]
        start, end = self._offsets[key], self._offsets[key + 1]
        return self._data[start:end].decode("utf-8", "surrogatepass")

    def path(self, index: int) -> Path:
        """The path of document ``index`` (``raw_dir`` joined with its real name)."""
        name = self[index]
        return self.raw_dir / self._real.get(name, name)

    def name_order(self) -> np.ndarray:
        """Document indexes in string order of their names (int64)."""
        return self._name_order

    def in_name_order(self) -> Iterator[str]:
        """The names in plain string order (code points, as ``sorted`` on ``str``)."""
        for index in self._name_order.tolist():
            yield self[index]

    def to_arrow(self) -> pa.Array:
        """The names in string order as an Arrow ``large_string`` array (no Python strings)."""
        names = pa.Array.from_buffers(
            pa.large_string(),
            len(self),
            [None, pa.py_buffer(self._offsets), pa.py_buffer(self._data)],
        )
        return names.take(pa.array(self._name_order))


def safe_name(name: str) -> str:
    r"""``name`` as valid UTF-8 text: undecodable bytes of a file name become ``\xNN`` escapes.

    File names are bytes on POSIX; Python hands undecodable ones over as lone surrogates
    (surrogateescape), which no UTF-8 column can hold. Valid names are returned unchanged.
    """
    if name.isascii():
        return name
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def path_order(name: str) -> str:
    """Sort key giving ``Path`` order for relative POSIX names: "/" sorts before any character."""
    return name.replace("/", "\0")


def find_document_names(raw_dir: Path) -> DocumentNames:
    """The documents under ``raw_dir`` (names only, never their contents), in path order.

    Every non-hidden path ending in ``.txt`` counts, whatever it is (a directory or a FIFO named
    ``x.txt`` is a document that ``read_document`` rejects). Hidden files and folders (a name
    starting with ".") are skipped; symlinked folders are not entered. Raises InputError when the
    folder is missing or holds no ``*.txt`` document.
    """
    if not raw_dir.is_dir():
        raise InputError(f"raw folder {raw_dir} does not exist; pass --raw DIR with .txt documents")
    top = str(raw_dir)
    names: list[str] = []
    others: list[str] = []  # other visible files, named in the error when there is no document
    for folder, dirs, files in os.walk(top, onerror=refuse_unlistable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files = [f for f in files if not f.startswith(".")]
        prefix = folder[len(top) :].lstrip(os.sep).replace(os.sep, "/")
        prefix = f"{prefix}/" if prefix else ""
        names.extend(prefix + name for name in (*dirs, *files) if name.endswith(DOCUMENT_SUFFIX))
        if not names:
            others.extend(prefix + name for name in files)
    if not names:
        found = "it is empty"
        if others:
            found = f"it has {len(others)} other file(s), e.g. {min(others)}"
        raise InputError(
            f"raw folder {raw_dir} holds no {DOCUMENT_SUFFIX} documents ({found}); "
            f"put one UTF-8 text file per article, named *{DOCUMENT_SUFFIX}, in it"
        )
    return DocumentNames(raw_dir, names)


def refuse_unlistable(error: OSError) -> None:
    """``os.walk`` error handler: a folder of the raw corpus that cannot be listed is an error.

    Skipping it would drop its documents without a reject.
    """
    folder = safe_name(str(error.filename))
    raise InputError(
        f"raw subfolder {folder} cannot be listed ({error.strerror}); its documents would be "
        "lost: fix its permissions (chmod a+rx) or move it out of the raw folder"
    )


def find_documents(raw_dir: Path) -> list[Path]:
    """Sorted paths of the documents under ``raw_dir``: ``find_document_names`` as ``Path``s.

    A ``Path`` costs over 300 bytes: the build keeps ``DocumentNames`` instead.
    """
    names = find_document_names(raw_dir)
    return [names.path(i) for i in range(len(names))]


def lock_path_for(raw_dir: Path) -> Path:
    """The lock file of a raw folder: ``<folder>.lock`` beside it (seeds: ``dataset/raw.lock``)."""
    return raw_dir.parent / f"{raw_dir.name}.lock"


def check_lock(raw_dir: Path) -> bool:
    """Verify ``sha256sum``-style lock lines against the files; True when a lock was checked.

    Raises InputError naming the first file that changed, disappeared or is not in the lock.
    """
    lock = lock_path_for(raw_dir)
    if not lock.is_file():
        return False
    expected = dict(
        reversed(line.split(maxsplit=1)) for line in lock.read_text().splitlines() if line.strip()
    )
    listed = ((name, "lock") for name in sorted(expected))
    found = ((name, "raw") for name in find_document_names(raw_dir).in_name_order())
    for name, group in itertools.groupby(heapq.merge(listed, found), key=lambda pair: pair[0]):
        sources = {source for _, source in group}
        if "raw" not in sources:
            raise InputError(f"{raw_dir / name} is in {lock} but missing; restore it or relock")
        if "lock" not in sources:
            raise InputError(f"{raw_dir / name} is not in {lock}; add its sha256 line to the lock")
        actual = hash_file(raw_dir / name)
        if expected[name] != actual:
            found_text = f"sha256 {actual[:12]}…" if actual else "not a readable file"
            raise InputError(
                f"{raw_dir / name} changed since {lock} was written ({found_text} "
                f"!= {expected[name][:12]}…); restore the file or update the lock"
            )
    return True


def hash_file(path: Path) -> str | None:
    """sha256 of a regular file's bytes, read in chunks; None for anything else or on error."""
    try:
        if not path.is_file():
            return None
        return sha256_file(path)
    except OSError:
        return None


def read_document(path: str | Path, raw_dir: Path, max_file_bytes: int) -> RawDocument | Reject:
    """Read and decode one raw file. Never raises for a bad file: returns a ``Reject`` instead.

    The policies (regular files only, symlinks, size limit) are in the module docstring. One
    ``lstat`` tells a symlink and, for any other path, the kind of file (no second ``stat``).
    """
    name = safe_name(relative_name(path, raw_dir))
    try:
        mode: int | None = os.lstat(path).st_mode
    except OSError as exc:
        return Reject(
            name, None, "unreadable", f"{name} could not be read: {exc.strerror}; check it"
        )
    target: str | Path = path
    if stat.S_ISLNK(mode):
        target = resolve_document(Path(path), raw_dir)
        if isinstance(target, str):
            return Reject(name, None, "unreadable", f"{name} {target}")
        mode = None  # the target's kind is not known yet
    data = read_bytes_bounded(target, max_file_bytes, mode)
    if isinstance(data, Reject):
        return Reject(name, None, data.reason, f"{name} {data.detail}")
    return decode_document(name, data)


def relative_name(path: str | Path, raw_dir: Path) -> str:
    """``path`` relative to ``raw_dir``, POSIX separators: ``Path.relative_to``'s ``as_posix``.

    A plain ``raw_dir/name`` string (what the build hands its workers) is cut as a string; any
    other spelling goes through ``pathlib``. Raises ValueError when ``path`` is not inside.
    """
    text, root = os.fspath(path), os.fspath(raw_dir)
    rest = text[len(root) + 1 :]
    wrapped = f"/{rest}/"  # no empty or "." component in it: the spelling pathlib would give
    if (
        os.sep == "/"
        and text.startswith(root)
        and text[len(root) : len(root) + 1] == "/"
        and "//" not in wrapped
        and "/./" not in wrapped
    ):
        return rest
    return Path(path).relative_to(raw_dir).as_posix()


@declares("not_utf8", "binary", "empty", "too_large", "unreadable", "not_a_file")
def read_file(path: str | Path, config: BuildConfig) -> RawDocument | Reject:
    """Step: read and decode one file of ``config.raw_dir`` (``read_document``)."""
    return read_document(path, config.raw_dir, config.max_file_bytes)


@declares("bad_source_metadata")
def attach_source(raw: RawDocument, config: BuildConfig) -> RawDocument | Reject:
    """Step: add the scraper's metadata (``dataset.build.sources``) to a decoded document.

    The text loses the scraper's header block; metadata unusable for the document's identity is a
    ``bad_source_metadata`` reject, lesser problems become ``warnings``.
    """
    found = describe_source(config.raw_dir, raw.source_file, raw.text)
    if found.error:
        return Reject(raw.source_file, raw.raw_sha256, "bad_source_metadata", found.error)
    return replace(raw, text=found.text, source=found.info, warnings=found.warnings)


def resolve_document(path: Path, raw_dir: Path) -> Path | str:
    """The path to open for a document: itself, or a symlink's target inside ``raw_dir``.

    Returns the reason (a phrase following the file name) when a symlink must not be followed.
    """
    if not path.is_symlink():
        return path
    link = os.readlink(path)
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return f"is a dangling symlink (to {link}); remove it or restore its target"
    except (OSError, RuntimeError):
        return f"is a symlink loop (to {link}); remove it"
    if not target.is_relative_to(raw_dir.resolve()):
        return (
            f"is a symlink to {target}, outside the raw folder; copy the file into the folder "
            "instead of linking it"
        )
    return target


def read_bytes_bounded(
    path: str | Path, max_file_bytes: int, mode: int | None = None
) -> bytes | Reject:
    """The bytes of a regular file of at most ``max_file_bytes``; otherwise a partial Reject.

    ``mode`` is the path's ``st_mode`` when the caller already has it (None: ``os.stat`` it).
    The Reject's ``detail`` is a phrase that follows the file name (the caller prefixes it).
    """
    try:
        kind = file_kind(os.stat(path).st_mode if mode is None else mode)
        if kind != "regular file":
            return Reject("", None, "not_a_file", f"is a {kind}, not a regular file; remove it")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        try:
            info = os.fstat(fd)
            kind = file_kind(info.st_mode)
            if kind != "regular file":  # replaced between stat and open
                return Reject("", None, "not_a_file", f"is a {kind}, not a regular file; remove it")
            if info.st_size > max_file_bytes:
                return too_large(info.st_size, max_file_bytes)
            data = read_up_to(fd, info.st_size, max_file_bytes + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        return Reject("", None, "unreadable", f"could not be read: {exc.strerror}; check it")
    if len(data) > max_file_bytes:  # grew after fstat
        return too_large(len(data), max_file_bytes)
    return data


def read_up_to(fd: int, expected: int, limit: int) -> bytes:
    """Read from ``fd`` until end of file or ``limit`` bytes, asking first for ``expected + 1``.

    Unbuffered ``os.read`` sized to the file: a buffered ``read(limit)`` allocates the whole limit
    on every call, and a file object costs more than the read itself for a few-KB file.
    """
    chunks = []
    size = 0
    want = min(expected + 1, limit)
    while size < limit:
        chunk = os.read(fd, want)
        chunks.append(chunk)
        size += len(chunk)
        if len(chunk) < want:  # a short read of a regular file is its end: no extra call
            break
        want = min(max(want, 1 << 16), limit - size)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def too_large(size: int, max_file_bytes: int) -> Reject:
    """The ``too_large`` reject of a file of ``size`` bytes (its name is added by the caller)."""
    return Reject(
        "",
        None,
        "too_large",
        f"has {size} bytes, over max_file_bytes={max_file_bytes}; split the file or raise "
        "max_file_bytes in the config",
    )


def file_kind(mode: int) -> str:
    """A readable name for the type of file ``mode`` describes."""
    kinds = (
        (stat.S_ISREG, "regular file"),
        (stat.S_ISDIR, "directory"),
        (stat.S_ISFIFO, "FIFO (named pipe)"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
    )
    return next((label for test, label in kinds if test(mode)), "special file")


def decode_document(name: str, data: bytes) -> RawDocument | Reject:
    """Decode raw bytes into a ``RawDocument``, or reject them (never raises).

    Order: byte-order mark, NUL bytes (``binary``), strict UTF-8, charset-normalizer when
    confident (``not_utf8`` when not), then the ``binary`` (control characters) and ``empty``
    checks on the decoded text. ``encoding`` is the codec used; ``decoded_from`` says how it was
    established: ``"utf-8"`` (valid as is), ``"utf-8-truncated"`` (valid UTF-8 cut inside its
    last character, which is dropped), ``"bom"`` or ``"charset-normalizer"``.
    """
    sha = hashlib.sha256(data).hexdigest()
    decoded = decode_bytes(data)
    if isinstance(decoded, Reject):
        return Reject(name, sha, decoded.reason, f"{name} {decoded.detail}")
    text, encoding, decoded_from = decoded
    controls = count_controls(text, data if decoded_from == "utf-8" else None)
    if controls > MAX_CONTROL_SHARE * len(text):
        return Reject(
            name,
            sha,
            "binary",
            f"{name} decodes ({encoding}) to {controls} control characters in {len(text)}; "
            "it is not a text document",
        )
    if is_blank(text):
        return Reject(name, sha, "empty", f"{name} is empty or whitespace-only; remove it")
    return RawDocument(
        source_file=name, raw_sha256=sha, text=text, encoding=encoding, decoded_from=decoded_from
    )


def count_controls(text: str, utf8: bytes | None = None) -> int:
    """The control characters of ``text`` (``_CONTROL``); ``utf8``: the bytes it was decoded from.

    From the bytes, the count is one C-level pass (``bytes.translate``) and a search for the rare
    C1 pairs instead of a regex scan of every character: about 5x faster.
    """
    if utf8 is None:
        return len(_CONTROL.findall(text))
    return len(utf8.translate(None, _NOT_CONTROL_BYTES)) + len(_C1_CONTROL_UTF8.findall(utf8))


def decode_bytes(data: bytes) -> tuple[str, str, str] | Reject:
    """``(text, encoding, decoded_from)`` or a partial Reject (detail follows the file name)."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding, "bom"
            except UnicodeDecodeError as exc:
                return Reject(
                    "",
                    None,
                    "not_utf8",
                    f"starts with a {encoding} byte-order mark but is not {encoding} (bad byte at "
                    f"offset {exc.start + len(bom)}); re-save it as UTF-8",
                )
    if b"\x00" in data:
        return Reject("", None, "binary", "holds NUL bytes; it is not a text document")
    try:
        return data.decode("utf-8"), "utf-8", "utf-8"
    except UnicodeDecodeError as exc:
        bad_offset = exc.start
        if exc.end == len(data) and exc.reason == "unexpected end of data":
            # Cut inside its last character (a byte limit while scraping): drop that character.
            try:
                return data[: exc.start].decode("utf-8"), "utf-8", "utf-8-truncated"
            except UnicodeDecodeError:
                pass
    detected = detect_encoding(data)
    if isinstance(detected, str):
        return Reject(
            "",
            None,
            "not_utf8",
            f"is not UTF-8 (bad byte at offset {bad_offset}) and {detected}; re-save it as UTF-8",
        )
    text, encoding = detected
    return text, encoding, "charset-normalizer"


def detect_encoding(data: bytes) -> tuple[str, str] | str:
    """``(text, encoding)`` when charset-normalizer is confident, else why it is not.

    Confident means: the best candidate's mess ratio is at most ``MAX_CHAOS_PERCENT``, and every
    other candidate as good (same mess ratio, coherence within ``COHERENCE_TIE_PERCENT``) decodes
    to the same text. Latin-1 French, for instance, ties between cp1250, cp1252 and cp1257, which
    disagree on letters such as è and ï, so it is rejected rather than decoded wrongly.
    """
    from charset_normalizer import from_bytes  # imported lazily: only non-UTF-8 files need it

    matches = list(from_bytes(data))
    if not matches:
        return "charset-normalizer found no plausible encoding"
    best = matches[0]
    if best.percent_chaos > MAX_CHAOS_PERCENT:
        return (
            f"the best guess ({best.encoding}) looks garbled ({best.percent_chaos:.0f}% mess); "
            "it may be binary"
        )
    text = str(best)
    rivals = sorted(
        {
            m.encoding
            for m in matches[1:]
            if m.percent_chaos <= best.percent_chaos
            and best.percent_coherence - m.percent_coherence < COHERENCE_TIE_PERCENT
            and str(m) != text
        }
    )
    if rivals:
        return (
            f"its encoding is ambiguous ({', '.join([best.encoding, *rivals])} fit equally well "
            "and decode it differently)"
        )
    return text, codecs.lookup(best.encoding).name


def is_blank(text: str) -> bool:
    """True when ``text`` holds only whitespace and invisible format characters (e.g. U+200B)."""
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in text.strip())


def source_id(source_file: str, url: str | None = None) -> str:
    """Stable article id from the document's source identity, never from its bytes.

    The identity is ``"url:" + url`` when the scraper recorded a URL for the document (pass it
    canonical, see ``dataset.build.sources.canonical_url``), else ``"file:" + source_file``: the raw
    file's path relative to the raw folder, POSIX separators, in NFC (so a name decomposed by
    macOS gives the same id). The id is the first 16 hex digits of the identity's sha256. A
    corrected page (same URL or same file, other bytes) keeps its id; exact duplicates are found
    from the content instead (``dataset.build.dedupe.fingerprint_text``).
    """
    identity = "url:" + url if url else "file:" + unicodedata.normalize("NFC", source_file)
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:16]
