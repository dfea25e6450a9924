"""Source metadata from the scraper: where a raw document came from and when it was fetched.

A raw folder may say, per document, the page's URL, when it was scraped and by which outlet, in
three places, most specific first (for each field the first place that has it wins; a different
value in a later place is a warning):

1. ``NAME.json`` beside ``NAME.txt``: one JSON object with ``url``, ``scraped_at``, ``outlet``;
2. ``sources.jsonl`` at the raw folder's root: one JSON object a line, with ``file`` (the document's
   path relative to the raw folder, POSIX separators) and the same keys;
3. a header block at the very top of the text, as scrapers commonly write it: ``URL: ...``,
   ``Source URL: ...``, ``Link: https://...``, ``Scraped: ...``, ``Scraped at: ...``,
   ``Retrieved: ...`` lines (any case, ``:`` or ``：``). It is stripped from the text.

Released: ``url`` (canonical, see ``canonical_url``), ``domain`` (the registered domain under the
Public Suffix List's ICANN section: tldextract's bundled snapshot, never fetched) and
``scraped_at`` (UTC). ``outlet`` is checked to be a string and otherwise not used yet: the
``publisher`` column says what the document itself states.

Policies (nothing crashes the build, everything names the file):

- A document whose metadata is unusable for its identity (its ``NAME.json`` is not a JSON object,
  or its URL is not an absolute http(s) URL) is rejected as ``bad_source_metadata``: the id
  derives from the URL, so a document is not published under a guessed identity.
- A bad ``scraped_at`` is a warning; the column is then null.
- In ``sources.jsonl``, a line that is not a JSON object, has no ``file``, names a file that is not
  a document of the raw folder, or repeats a file, is a warning naming the line; the line is
  ignored (the document, if any, falls back to its other sources).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SIDECAR_NAME = "sources.jsonl"
DOCUMENT_SIDECAR_SUFFIX = ".json"
MAX_SIDECAR_BYTES = 1_000_000
FIELDS = ("url", "scraped_at", "outlet")
MAX_HEADER_LINES = 8
_URL_KEYS = ("url", "source url", "source", "link", "canonical url", "original url")
_TIME_KEYS = ("scraped", "scraped at", "scraped on", "retrieved", "retrieved at", "fetched",
              "fetched at", "crawled", "crawled at")  # fmt: skip
_HEADER_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z _-]{1,20}?)\s*[:：]\s*(\S.*?)\s*$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class SourceInfo:
    """What the scraper recorded about one document; every field may be None."""

    url: str | None = None
    domain: str | None = None
    scraped_at: dt.datetime | None = None
    outlet: str | None = None


@dataclass(frozen=True)
class SourceOutcome:
    """The metadata of one document: ``info``, the text without its header block, warnings.

    ``error`` (a detail line) is set when the document must be rejected as
    ``bad_source_metadata``.
    """

    info: SourceInfo
    text: str
    warnings: tuple[str, ...] = ()
    error: str | None = None


def canonical_url(value: object) -> str | None:
    """The canonical form of an absolute http(s) URL, or None when ``value`` is not one.

    NFC, surrounding whitespace removed; scheme and host lower-cased, the host in its ASCII
    (IDNA) form, default ports, user names and the ``#fragment`` dropped, an empty path made
    ``/``. Path and query are kept as given. The id of a document with a URL derives from this
    form, so two spellings of the same address give one id.
    """
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFC", value.strip())
    if not text or any(c.isspace() or unicodedata.category(c) == "Cc" for c in text):
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def registered_domain(url: str | None) -> str | None:
    """The registered domain of a canonical URL (``news.bbc.co.uk`` -> ``bbc.co.uk``).

    None for an IP address or a host under no public suffix. Offline: the bundled PSL snapshot.
    """
    if not url:
        return None
    parts = _domain_extractor()(url)
    if not parts.domain or not parts.suffix:
        return None
    return f"{parts.domain}.{parts.suffix}"


@functools.cache
def _domain_extractor():
    import tldextract  # imported lazily: only documents with a URL need it

    # No list URLs and no cache folder: the snapshot inside the package, never a download.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def parse_scraped_at(value: object) -> dt.datetime | None:
    """An ISO 8601 date or date-time as a UTC ``datetime`` (microseconds), else None.

    A time without an offset is taken as UTC; a bare date as its midnight UTC.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            parsed = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        else:
            parsed = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def split_header(text: str) -> tuple[dict[str, str], str]:
    """The scraper's header block at the top of ``text`` and the text without it.

    Returns ``({"url": value, "scraped_at": value}, rest)`` with the values as written. The block
    is the run of leading lines (blank lines before it allowed, at most ``MAX_HEADER_LINES``)
    whose key is a known one; a URL key counts only when its value starts with ``http://`` or
    ``https://`` (so a "Source: AFP" credit is left in the text). The block and the blank lines
    after it are removed; a text without a block is returned unchanged.
    """
    lines = text.split("\n")
    found: dict[str, str] = {}
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    end = start
    while end < len(lines) and end - start < MAX_HEADER_LINES:
        field = _header_field(lines[end])
        if field is None:
            break
        found.setdefault(field[0], field[1])
        end += 1
    if end == start:
        return {}, text
    while end < len(lines) and not lines[end].strip():
        end += 1
    return found, "\n".join(lines[end:])


def _header_field(line: str) -> tuple[str, str] | None:
    match = _HEADER_LINE.match(line.rstrip("\r"))
    if not match:
        return None
    key = " ".join(match[1].replace("_", " ").replace("-", " ").lower().split())
    value = match[2]
    if key in _URL_KEYS and value.lower().startswith(("http://", "https://")):
        return "url", value
    if key in _TIME_KEYS:
        return "scraped_at", value
    return None


def sidecar_key(name: str) -> str:
    """How a document's relative path is matched with a ``file`` in ``sources.jsonl``."""
    return unicodedata.normalize("NFC", name.strip()).removeprefix("./")


def read_sidecar(raw_dir: Path) -> tuple[dict[str, tuple[int, dict]], list[str]]:
    """``sources.jsonl`` of a raw folder: ``{file key: (line number, entry)}`` and warnings.

    No sidecar gives ``({}, [])``. Lines that are not JSON objects or have no string ``file`` are
    warnings; a repeated file keeps its first line (a warning). Never raises for bad content;
    an unreadable sidecar is one warning.
    """
    path = raw_dir / SIDECAR_NAME
    if not path.is_file():
        return {}, []
    entries: dict[str, tuple[int, dict]] = {}
    warnings: list[str] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [f"{SIDECAR_NAME}: could not be read ({exc}); it was ignored, fix the file"]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{SIDECAR_NAME} line {number}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            warnings.append(f"{where}: not JSON ({exc.msg}); the line was ignored, fix it")
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            warnings.append(
                f'{where}: not an object with a "file" string; the line was ignored, fix it'
            )
            continue
        key = sidecar_key(entry["file"])
        if key in entries:
            warnings.append(
                f"{where}: {entry['file']} is already described on line {entries[key][0]}; "
                "this line was ignored, keep one line per file"
            )
            continue
        entries[key] = (number, entry)
    return entries, warnings


def sidecar_warnings(raw_dir: Path, names: Iterable[str]) -> list[str]:
    """Every warning about ``sources.jsonl`` as a whole, including lines naming unknown files.

    ``names`` are the documents' relative paths. Read once by the build's driver.
    """
    entries, warnings = read_sidecar(raw_dir)
    if not entries:
        return warnings
    known = {sidecar_key(name) for name in names}
    for key, (number, entry) in sorted(entries.items(), key=lambda item: item[1][0]):
        if key not in known:
            warnings.append(
                f"{SIDECAR_NAME} line {number}: {entry['file']} is not a .txt document of the "
                "raw folder; the line was ignored, fix the path"
            )
    return warnings


@functools.lru_cache(maxsize=4)
def _sidecar_index(raw_dir: str, stamp: tuple[int, int]) -> dict[str, tuple[int, dict]]:
    return read_sidecar(Path(raw_dir))[0]


def sidecar_index(raw_dir: Path) -> dict[str, tuple[int, dict]]:
    """``read_sidecar``'s entries, read once per process (workers call it for every batch)."""
    try:
        info = os.stat(os.path.join(raw_dir, SIDECAR_NAME))  # per document: no Path built
    except OSError:
        return {}
    return _sidecar_index(str(raw_dir), (info.st_mtime_ns, info.st_size))


def read_document_sidecar(raw_dir: Path, source_file: str) -> tuple[dict | None, str | None]:
    """``NAME.json`` beside the document: ``(entry, None)``.

    ``(None, None)`` when there is none, or ``(None, detail)`` when it is unreadable or not a JSON
    object.
    """
    name = source_file.removesuffix(".txt") + DOCUMENT_SIDECAR_SUFFIX
    if not os.path.isfile(os.path.join(raw_dir, name)):  # per document: no Path built
        return None, None
    path = raw_dir / name
    try:
        if path.stat().st_size > MAX_SIDECAR_BYTES:
            return None, f"{name} is over {MAX_SIDECAR_BYTES} bytes; it must hold one small object"
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"{name} could not be read ({exc}); fix or remove it"
    except json.JSONDecodeError as exc:
        return None, f"{name} is not JSON ({exc.msg}, line {exc.lineno}); fix or remove it"
    if not isinstance(entry, dict):
        return None, f"{name} holds a JSON {type(entry).__name__}, not an object; fix it"
    return entry, None


def describe_source(raw_dir: Path, source_file: str, text: str) -> SourceOutcome:  # noqa: C901
    """Gather a document's source metadata from its three places (see the module docstring).

    ``text`` is the decoded document; the outcome's ``text`` is it without the header block.
    Never raises for bad metadata: a reason to reject is ``error``, the rest are ``warnings``.
    """
    header, body = split_header(text)
    own, error = read_document_sidecar(raw_dir, source_file)
    if error:
        return SourceOutcome(SourceInfo(), body, error=f"{source_file}: {error}")
    places: list[tuple[str, dict[str, Any]]] = []
    if own is not None:
        places.append((source_file.removesuffix(".txt") + DOCUMENT_SIDECAR_SUFFIX, own))
    listed = sidecar_index(raw_dir).get(sidecar_key(source_file))
    if listed is not None:
        places.append((f"{SIDECAR_NAME} line {listed[0]}", listed[1]))
    if header:
        places.append(("its header block", header))
    values, warnings = merge_places(source_file, places)
    url = None
    if values.get("url") is not None:
        url = canonical_url(values["url"][1])
        if url is None:
            where, raw = values["url"]
            return SourceOutcome(
                SourceInfo(),
                body,
                tuple(warnings),
                f"{source_file}: url {raw!r} in {where} is not an absolute http(s) URL; fix it "
                "or remove it",
            )
    scraped_at = None
    if values.get("scraped_at") is not None:
        where, raw = values["scraped_at"]
        scraped_at = parse_scraped_at(raw)
        if scraped_at is None:
            warnings.append(
                f"{source_file}: scraped_at {raw!r} in {where} is not an ISO 8601 date or "
                "time; scraped_at left null, fix it"
            )
    outlet = None
    if values.get("outlet") is not None:
        where, raw = values["outlet"]
        if isinstance(raw, str) and raw.strip():
            outlet = raw.strip()
        else:
            warnings.append(f"{source_file}: outlet {raw!r} in {where} is not a name; ignored")
    info = SourceInfo(url, registered_domain(url), scraped_at, outlet)
    return SourceOutcome(info, body, tuple(warnings))


def merge_places(
    source_file: str, places: list[tuple[str, dict[str, Any]]]
) -> tuple[dict[str, tuple[str, Any]], list[str]]:
    """``{field: (where, value)}`` from the first place that has each field, and warnings.

    A warning for every later place that states another value (compared in canonical form for
    URLs).
    """
    values: dict[str, tuple[str, Any]] = {}
    warnings = []
    for where, entry in places:
        for name in FIELDS:
            value = entry.get(name)
            if value is None:
                continue
            if name not in values:
                values[name] = (where, value)
            elif _comparable(name, values[name][1]) != _comparable(name, value):
                warnings.append(
                    f"{source_file}: {name} {value!r} in {where} differs from "
                    f"{values[name][1]!r} in {values[name][0]}; the latter is used"
                )
    return values, warnings


def _comparable(name: str, value: Any) -> Any:
    if name == "url":
        return canonical_url(value) or value
    if name == "scraped_at":
        return parse_scraped_at(value) or value
    return value
