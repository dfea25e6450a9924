"""Read ``build_manifest.json`` without its entry per raw file.

The manifest lists every raw file under ``raw.files`` (at 200,000 documents: about 45 MB of text
and 100 MB of Python objects once parsed). Its readers (card, croissant.json, validation, diff,
versions, publish) need only the small fields, so ``read_manifest`` skips that list line by line
as the build writes it (``write.write_json``: 2-space indent, one line per key) and parses the
rest. A manifest laid out any other way is parsed whole and the list dropped afterwards.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from dataset.errors import InputError

MANIFEST = "build_manifest.json"
# Top-level keys that hold objects in every manifest the build writes.
OBJECT_KEYS = ("raw", "counts", "config", "files")
_RAW = '  "raw": {\n'
_RAW_FILES = '    "files": [\n'
# The raw object's first line, its lines (4 spaces deeper) up to its "files" line.
_RAW_FILES_LIST = re.compile("^" + re.escape(_RAW) + "(?:    .*\n)*?" + re.escape(_RAW_FILES), re.M)
_LIST_END = "\n    ]"


def read_manifest(release_dir: Path, raw_files: bool = False) -> dict[str, Any]:
    """The parsed ``build_manifest.json`` of a release, without ``raw.files`` unless asked.

    Raises OSError when the file is missing, and InputError naming the file and the fix when it
    is not JSON, not UTF-8 or not shaped like a manifest (see ``check_manifest_shape``).
    """
    path = release_dir / MANIFEST
    try:
        if raw_files:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        else:
            manifest = json.loads(skip_raw_files(path))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
        raise InputError(
            f"{path} is not valid JSON ({reason}); the release is damaged: "
            "restore the file from the published release or rebuild it"
        ) from None
    check_manifest_shape(manifest, path)
    if raw_files:
        return manifest
    raw = manifest.get("raw")
    if isinstance(raw, dict):
        raw.pop("files", None)
    return manifest


def skip_raw_files(path: Path) -> str:
    """The manifest's text, with the lines of the ``raw.files`` list replaced by ``[]``.

    Only a line ``    "files": [`` inside the top-level ``"raw"`` object starts the list; it ends
    at the next line indented by 4 spaces (``    ]`` or ``    ],``): JSON strings hold no raw
    newline, so every line of the list's items is indented deeper. A list that never ends
    leaves out everything from its first line. Found by searching the text, not line by line.
    """
    text = path.read_text(encoding="utf-8")
    found = _RAW_FILES_LIST.search(text)
    if found is None:
        return text
    close = text.find(_LIST_END, found.end() - 1)
    if close < 0:
        return text[: found.end() - len(_RAW_FILES)]
    return text[: found.end() - len("[\n")] + "[]" + text[close + len(_LIST_END) :]


def check_manifest_shape(manifest: Any, path: Path) -> None:
    """Raise InputError unless ``manifest`` is shaped as the readers rely on.

    An object whose ``raw``, ``counts``, ``config`` and ``files`` (when present) are objects and
    whose ``release_version`` (when present) is a string. Missing keys are each reader's concern.
    """
    fix = "the release is damaged: restore the file from the published release or rebuild it"
    if not isinstance(manifest, dict):
        raise InputError(f"{path} holds a JSON {type(manifest).__name__}, not an object; {fix}")
    for key in OBJECT_KEYS:
        if key in manifest and not isinstance(manifest[key], dict):
            raise InputError(
                f"{path}: {key!r} is a JSON {type(manifest[key]).__name__}, not an object; {fix}"
            )
    if not isinstance(manifest.get("release_version", ""), str):
        raise InputError(f"{path}: 'release_version' is not a string; {fix}")


def release_problem(folder: Path) -> str | None:
    """Why ``folder`` is not a release this tool wrote, or None when it is one.

    A release is recognised by more than one file: a ``build_manifest.json`` that parses as a
    manifest naming this dataset, a ``checksums.sha256`` file and a ``data/`` folder. One file
    alone (an empty ``build_manifest.json`` in a user's folder) is not enough.
    """
    from dataset.release.integrity import CHECKSUMS_NAME

    if not (folder / MANIFEST).is_file():
        return f"no {MANIFEST}"
    if not (folder / CHECKSUMS_NAME).is_file():
        return f"no {CHECKSUMS_NAME}"
    if not (folder / "data").is_dir():
        return "no data/ folder"
    try:
        name = read_manifest(folder).get("name")
    except (OSError, InputError):
        return f"{MANIFEST} is not a build manifest"
    if name != "karabakh-news":
        return f"{MANIFEST} names {name!r}, not karabakh-news"
    return None


def is_release(folder: Path) -> bool:
    """Whether ``folder`` is a release this tool wrote (see ``release_problem``)."""
    return folder.is_dir() and release_problem(folder) is None


def enclosing_release(path: Path) -> Path | None:
    """The release folder ``path`` is (or lies inside), or None.

    Looks at ``path`` resolved (symlinks followed) and at each of its parents.
    """
    resolved = path.resolve()
    for folder in (resolved, *resolved.parents):
        if is_release(folder):
            return folder
    return None


def check_output_outside_releases(path: Path, option: str, *releases: Path) -> None:
    """Raise ConfigError when the output file ``path`` lies inside a release.

    Inside means: inside one of ``releases`` (the command's inputs, recognised or not) or inside
    any folder recognised as a release (``enclosing_release``). A command's output never
    overwrites a file of a release.
    """
    from dataset.errors import ConfigError

    target = path.resolve()
    for release in releases:
        root = release.resolve()
        if target == root or root in target.parents:
            raise ConfigError(
                f"{option} {path} is inside the release {release}; write it outside the release "
                "(e.g. --out diff.json in another folder)"
            )
    found = enclosing_release(target.parent)
    if found is not None:
        raise ConfigError(
            f"{option} {path} is inside the release {found}; write it outside the release"
        )
