"""Reading build_manifest.json without its entry per raw file."""

from __future__ import annotations

import json

import pytest

from dataset.build.write import StreamedList, write_json
from dataset.errors import InputError
from dataset.release.manifest import MANIFEST, read_manifest, skip_raw_files

RAW_FILES = [
    {"source_file": "中文/新闻.txt", "sha256": "ab" * 32, "bytes": 12, "encoding": "utf-8"},
    {"source_file": "عربي.txt", "sha256": None, "bytes": None, "encoding": None},
    {"source_file": "Tiếng Việt.txt", "sha256": "cd" * 32, "bytes": 30, "encoding": "utf-16-le"},
    {"source_file": '\n    ],\n  "raw": {\n', "sha256": None, "bytes": None, "encoding": None},
]


def manifest(files: list) -> dict:
    return {
        "name": "karabakh-news",
        "release_version": "1.2.0",
        "counts": {"documents_in": len(files), "kept": 1, "rejected_by_reason": {"empty": 1}},
        "files": {"data/zh/train-00000-of-00001.parquet": 1},
        "raw": {"files": files, "lock_checked": False},
        "schema_version": "1.0.0",
    }


def without_raw_files(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    del data["raw"]["files"]
    return data


@pytest.mark.parametrize("files", [RAW_FILES, []], ids=["four files", "no file"])
def test_read_manifest_leaves_out_the_raw_files_and_keeps_everything_else(tmp_path, files):
    write_json(manifest(files), tmp_path / MANIFEST)
    assert read_manifest(tmp_path) == without_raw_files(manifest(files))
    assert read_manifest(tmp_path, raw_files=True) == manifest(files)


def test_the_raw_files_lines_are_skipped_before_parsing(tmp_path):
    write_json(manifest(RAW_FILES), tmp_path / MANIFEST)
    text = skip_raw_files(tmp_path / MANIFEST)
    assert "sha256" not in text and "新闻" not in text
    assert json.loads(text)["raw"]["files"] == []


def test_a_streamed_manifest_reads_like_a_written_one(tmp_path):
    data = manifest(RAW_FILES)
    data["raw"]["files"] = StreamedList(lambda: iter(RAW_FILES), len(RAW_FILES))
    write_json(data, tmp_path / MANIFEST)
    assert read_manifest(tmp_path) == without_raw_files(manifest(RAW_FILES))


def test_only_the_raw_objects_files_list_is_skipped(tmp_path):
    data = manifest(RAW_FILES)
    data["raw"]["a_first"] = {"nested": ["Ереван", {"files": ["x"]}]}  # sorted before "files"
    data["archive"] = {"files": ["中文/新闻.txt"], "sha256": "ef" * 32}  # a list at the same depth
    data["stats"] = {"files": [{"source_file": "عربي.txt"}], "zz": 1}
    write_json(data, tmp_path / MANIFEST)
    text = skip_raw_files(tmp_path / MANIFEST)
    assert "ab" * 32 not in text and "cd" * 32 not in text
    assert read_manifest(tmp_path) == without_raw_files(data)
    assert read_manifest(tmp_path, raw_files=True) == data


@pytest.mark.parametrize("indent", [None, 4], ids=["compact", "indent 4"])
def test_a_manifest_laid_out_otherwise_is_parsed_whole(tmp_path, indent):
    (tmp_path / MANIFEST).write_text(json.dumps(manifest(RAW_FILES), indent=indent))
    assert read_manifest(tmp_path) == without_raw_files(manifest(RAW_FILES))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{\n  "raw": {\n    "files": [\n      {\n', "is not valid JSON"),
        (b"", "is not valid JSON"),
        (b"\xff\xfe{}", "is not valid JSON (not UTF-8)"),
        (b"[1, 2]", "holds a JSON list, not an object"),
        (b'{"counts": []}', "'counts' is a JSON list, not an object"),
        (b'{"release_version": 1}', "'release_version' is not a string"),
    ],
    ids=["cut", "empty", "not utf-8", "list", "counts list", "version number"],
)
def test_a_broken_manifest_is_one_line_naming_the_file(tmp_path, content, expected):
    (tmp_path / MANIFEST).write_bytes(content)
    for raw_files in (False, True):
        with pytest.raises(InputError) as caught:
            read_manifest(tmp_path, raw_files=raw_files)
        message = str(caught.value)
        assert str(tmp_path / MANIFEST) in message and expected in message
        assert "\n" not in message and "rebuild" in message
