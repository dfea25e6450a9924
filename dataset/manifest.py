"""Read ``build_manifest.json`` without its entry per raw file.

The manifest lists every raw file under ``raw.files`` (at 200,000 documents: about 45 MB of text
and 100 MB of Python objects once parsed). Its readers (card, croissant.json, validation, diff,
versions, publish) need only the small fields, so ``read_manifest`` skips that list line by line
as the build writes it (``write.write_json``: 2-space indent, one line per key) and parses the
rest. A manifest laid out any other way is parsed whole and the list dropped afterwards.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MANIFEST = "build_manifest.json"
_RAW = '  "raw": {\n'
_RAW_FILES = '    "files": [\n'


def read_manifest(release_dir: Path, raw_files: bool = False) -> dict[str, Any]:
    """The parsed ``build_manifest.json`` of a release, without ``raw.files`` unless asked.

    Raises OSError when the file is missing and json.JSONDecodeError when it is not JSON.
    """
    path = release_dir / MANIFEST
    if raw_files:
        return json.loads(path.read_text(encoding="utf-8"))
    manifest = json.loads("".join(skip_raw_files(path)))
    raw = manifest.get("raw")
    if isinstance(raw, dict):
        raw.pop("files", None)
    return manifest


def skip_raw_files(path: Path):
    """The manifest's lines, with the lines of the ``raw.files`` list replaced by ``[]``.

    Only a line ``    "files": [`` inside the top-level ``"raw"`` object starts the list; it ends
    at the next line indented by 4 spaces (``    ]`` or ``    ],``): JSON strings hold no raw
    newline, so every line of the list's items is indented deeper.
    """
    in_raw = skipping = False
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if skipping:
                if line.startswith("    ]"):
                    skipping = False
                    yield '    "files": []' + line[len("    ]") :]
                continue
            if line.startswith('  "'):  # a key of the top-level object
                in_raw = line == _RAW
            elif in_raw and line == _RAW_FILES:
                skipping = True
                continue
            yield line
