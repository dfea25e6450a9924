"""Bad input through the real CLI: every file ends kept or rejected with a reason, counts add up,
--strict fails at once, bad arguments are one line, and an accounting mismatch fails the build.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dataset import pipeline
from dataset.build import corpus as corpus_state
from dataset.build import process
from dataset.config import load_config
from dataset.errors import BuildError
from dataset.pipeline import build_release
from dataset.records import Reject
from dataset.validation import runner as runner_module
from tests.bad_inputs import write_bad_corpus
from tests.conftest import SEED_DIR, run_cli

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory):
    """The whole bad corpus built once (non-strict): (expected outcomes, release, CLI result)."""
    root = tmp_path_factory.mktemp("bad")
    expected = write_bad_corpus(root / "raw")
    out = root / "release"
    result = run_cli("build", "--raw", str(root / "raw"), "--out", str(out), "--no-progress")
    return expected, out, result


def outcomes(release: Path) -> dict[str, list[str]]:
    """Per source file, every outcome recorded: 'kept' per shard row, or the reject reason."""
    found: dict[str, list[str]] = {}
    for shard in sorted((release / "data").glob("*/*.parquet")):
        for name in pq.read_table(shard, columns=["source_file"]).column(0).to_pylist():
            found.setdefault(name, []).append("kept")
    for row in pq.read_table(release / "rejects" / "rejects.parquet").to_pylist():
        found.setdefault(row["source_file"], []).append(row["reason"])
        assert row["detail"].startswith(row["source_file"]), row
    return found


def test_every_bad_file_is_kept_or_rejected_exactly_once_with_the_right_reason(bad_build):
    expected, release, _ = bad_build
    found = outcomes(release)
    assert sorted(found) == sorted(expected)
    for name, recorded in found.items():
        assert len(recorded) == 1, (name, recorded)
        assert recorded[0] in expected[name], (name, recorded)
    same_text = [n for n in expected if n.startswith("vietnamese_")]
    assert sorted(found[n][0] for n in same_text) == ["exact_duplicate"] * 3 + ["kept"]


def test_the_manifest_counts_add_up_and_record_decoding(bad_build):
    expected, release, result = bad_build
    manifest = json.loads((release / "build_manifest.json").read_text())
    counts = manifest["counts"]
    assert counts["documents_in"] == len(expected)
    assert counts["documents_in"] == counts["kept"] + counts["rejected"]
    assert sum(counts["rejected_by_reason"].values()) == counts["rejected"]
    reasons = Counter(r for rs in outcomes(release).values() for r in rs if r != "kept")
    assert counts["rejected_by_reason"] == dict(reasons)
    files = {f["source_file"]: f for f in manifest["raw"]["files"]}
    assert sorted(files) == sorted(expected)
    decoded = {n: (f["encoding"], f["decoded_from"]) for n, f in files.items()}
    assert decoded["arabic_cp1256.txt"] == ("cp1256", "charset-normalizer")
    assert decoded["chinese_gb18030.txt"] == ("gb18030", "charset-normalizer")
    assert decoded["french_utf16le_bom.txt"] == ("utf-16-le", "bom")
    assert decoded["chinese_utf16be_bom.txt"] == ("utf-16-be", "bom")
    assert decoded["huge_50mb.txt"] == (None, None)
    assert f"documents in: {len(expected)}" in result.stdout


def test_strict_fails_at_once_naming_the_file_and_writes_nothing(tmp_path):
    write_bad_corpus(tmp_path / "raw")
    out = tmp_path / "release"
    result = run_cli(
        "build",
        "--raw",
        str(tmp_path / "raw"),
        "--out",
        str(out),
        "--strict",
        "--no-progress",
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: --strict: a_directory.txt is a directory")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw", "raw-outside.txt"]


def test_an_empty_raw_folder_is_one_clear_message(tmp_path):
    (tmp_path / "raw").mkdir()
    result = run_cli(
        "build", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "out"), check=False
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"error: raw folder {tmp_path / 'raw'} holds no .txt documents (it is empty); put one "
        "UTF-8 text file per article, named *.txt, in it\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--raw", "/nonexistent/raw"], "error: raw folder /nonexistent/raw does not"),
        (["build", "--workers", "-3"], "error: bad value -3 for 'workers'"),
        (["build", "--workers", "many"], "error: Invalid value for '--workers'"),
        (["build", "--no-such-flag"], "error: No such option '--no-such-flag'"),
        (["no-such-command"], "error: No such command 'no-such-command'"),
    ],
)
def test_bad_arguments_fail_with_one_line_and_exit_2(args, message):
    result = run_cli(*args, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback_and_keeps_the_exit_code():
    result = run_cli("--debug", "build", "--raw", "/nonexistent/raw", check=False)
    assert result.returncode == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().endswith("or fix raw_dir in the config file")


@pytest.fixture
def seed_copy_with_release(tmp_path):
    """The seed documents in a folder of their own (no lock) and a release built from them."""
    raw = tmp_path / "raw"
    shutil.copytree(SEED_DIR, raw)
    config = load_config(raw_dir=raw, out_dir=tmp_path / "release", workers=1)
    build_release(config, show_progress=False)
    return config


def release_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_stage_that_loses_a_document_fails_the_build(seed_copy_with_release, monkeypatch):
    config = seed_copy_with_release
    before = release_bytes(config.out_dir)
    real = process.collect_processed
    lost = sorted(p.name for p in config.raw_dir.iterdir())[0]

    def drop_one(corpus, done, cfg):
        return None if done.source_file == lost else real(corpus, done, cfg)

    monkeypatch.setattr(process, "collect_processed", drop_one)
    with pytest.raises(BuildError, match=r"accounting mismatch: 5 documents in, 4 kept \+ 0"):
        build_release(config, show_progress=False)
    assert release_bytes(config.out_dir) == before
    assert sorted(p.name for p in config.out_dir.parent.iterdir()) == ["raw", "release"]


def test_counts_that_add_up_with_the_wrong_files_still_fail(seed_copy_with_release, monkeypatch):
    """A stage drops one document and rejects another twice: 5 = 4 + 1, but a file is lost."""
    config = seed_copy_with_release
    real = process.collect_processed
    names = sorted(p.name for p in config.raw_dir.iterdir())

    def swap(corpus, done, cfg):
        if done.source_file == names[0]:
            return None
        article = real(corpus, done, cfg)
        if done.source_file == names[1]:
            reject = Reject(names[1], None, "empty", f"{names[1]} twice")
            corpus_state.add_reject(corpus, reject)
        return article

    monkeypatch.setattr(process, "collect_processed", swap)
    with pytest.raises(BuildError, match=rf"1 file\(s\) neither kept nor rejected \['{names[0]}'"):
        build_release(config, show_progress=False)


def record_pool(monkeypatch) -> list[str]:
    """The names of the ``SuitePool`` methods ``start`` and ``close`` as they are called."""
    calls: list[str] = []
    for name in ("start", "close"):
        method = getattr(runner_module.SuitePool, name)

        def recorded(self, _method=method, _name=name):
            calls.append(_name)
            return _method(self)

        monkeypatch.setattr(runner_module.SuitePool, name, recorded)
    monkeypatch.setattr(runner_module, "PARALLEL_MIN_ROWS", 0)
    return calls


def test_a_build_validates_in_its_early_pool_as_in_one_process(seed_copy_with_release, monkeypatch):
    """Two workers: the pool starts before the release is written, its results are those of the
    one-worker build byte for byte, and it is shut down."""
    config = seed_copy_with_release
    calls = record_pool(monkeypatch)
    pooled = load_config(raw_dir=config.raw_dir, out_dir=config.out_dir.parent / "w2", workers=2)
    build_release(pooled, show_progress=False)
    assert calls[0] == "start" and calls[-1] == "close" and calls.count("close") == 1
    results = {
        name: data for name, data in release_bytes(config.out_dir).items() if "validation/" in name
    }
    assert len(results) > 3
    assert {n: d for n, d in release_bytes(pooled.out_dir).items() if "validation/" in n} == results


def test_an_early_pool_is_shut_down_when_the_build_fails(tmp_path, monkeypatch):
    """A failure after the pool started (here the accounting check, before validation) shuts it
    down and publishes nothing; a build without validation starts no pool."""
    raw = tmp_path / "raw"
    shutil.copytree(SEED_DIR, raw)
    calls = record_pool(monkeypatch)

    def fail(summary):
        raise BuildError("accounting mismatch: injected")

    monkeypatch.setattr(pipeline, "check_accounting", fail)
    for validate, expected in ((True, ["start", "close"]), (False, [])):
        calls.clear()
        out = tmp_path / f"release-{validate}"
        config = load_config(raw_dir=raw, out_dir=out, workers=2, validate_release=validate)
        with pytest.raises(BuildError, match="injected"):
            build_release(config, show_progress=False)
        assert calls == expected
        assert not out.exists()
