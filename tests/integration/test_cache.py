"""Per-document cache: a rebuild reprocesses only new documents and writes the same bytes."""

from __future__ import annotations

import datetime as dt
import filecmp
import shutil
from pathlib import Path

import pytest

from benchmarks.corpus import generate_corpus
from dataset.build.process import iterate_processed
from dataset.build.read import find_document_names
from dataset.config import load_config
from dataset.runtime.cache import ResultCache, cache_path, code_version, per_document_sources
from tests.conftest import run_cli, validation_inputs

pytestmark = pytest.mark.integration
DOCUMENTS = 150
ADDED = 3
# After every date the generator writes; pinned, so that builds minutes apart (or either side of
# midnight) share the cache key and read the same day.
REFERENCE_DATE = "2025-12-31"


def build(raw: Path, out: Path, *flags: str) -> Path:
    run_cli(
        "build", "--raw", str(raw), "--out", str(out), "--workers", "2", "--no-progress",
        "--reference-date", REFERENCE_DATE, *flags,
    )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cache")
    grown = root / "grown"
    generate_corpus(grown, DOCUMENTS + ADDED, seed=3, workers=1)
    first = root / "first"
    shutil.copytree(grown, first)
    for path in sorted(first.rglob("*.txt"))[DOCUMENTS:]:
        path.unlink()
    return first, grown


def test_rebuild_after_adding_documents_reprocesses_only_those(corpora, tmp_path):
    first, grown = corpora
    cache_dir = tmp_path / "cache"
    # This build only fills the cache (its release is never read): validation adds nothing here.
    build(
        first, tmp_path / "first", "--cache", "--no-validate",
        "--config", str(write_cache_config(tmp_path)),
    )  # fmt: skip
    config = load_config(
        raw_dir=grown, out_dir=tmp_path / "grown", workers=1, cache_dir=cache_dir,
        reference_date=dt.date.fromisoformat(REFERENCE_DATE),
    )  # fmt: skip
    cache_file = cache_path(config)
    assert cache_file.is_file()
    processed = iterate_processed(find_document_names(grown), config)
    fresh = [d for d in processed if d.cached is not None]
    assert len(fresh) == ADDED
    assert {d.source_file for d in fresh} == {
        p.relative_to(grown).as_posix() for p in sorted(grown.rglob("*.txt"))[DOCUMENTS:]
    }
    cached = build(  # not validated: the same Parquet and manifest inputs as `clean`, which is
        grown, tmp_path / "cached", "--cache", "--no-validate",
        "--config", str(write_cache_config(tmp_path)),
    )  # fmt: skip
    clean = build(grown, tmp_path / "clean", "--no-cache")
    files = sorted(p.relative_to(clean) for p in clean.rglob("*.parquet"))
    assert files
    assert files == sorted(p.relative_to(cached) for p in cached.rglob("*.parquet"))
    assert all(filecmp.cmp(clean / f, cached / f, shallow=False) for f in files)
    assert validation_inputs(cached) == validation_inputs(clean)


def write_cache_config(folder: Path) -> Path:
    path = folder / "cache.yaml"
    path.write_text(f"cache_dir: {folder / 'cache'}\n", encoding="utf-8")
    return path


def test_code_version_follows_content_settings_not_engine_or_workers(tmp_path):
    base = load_config(out_dir=tmp_path / "a")
    assert code_version(base) == code_version(load_config(out_dir=tmp_path / "b", workers=2))
    assert code_version(base) == code_version(load_config(out_dir=tmp_path / "c", engine="ray"))
    assert code_version(base) != code_version(load_config(out_dir=tmp_path / "d", shingle_size=4))


def test_code_version_covers_the_per_document_modules():
    names = {p.name for p in per_document_sources()}
    assert {"document.py", "dedupe.py", "read.py", "records.py"} <= names
    assert not {"pipeline.py", "process.py", "corpus.py", "cli.py"} & names


def test_unreadable_cache_is_a_miss(tmp_path):
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database")
    assert ResultCache(broken).get("0" * 64) is None
    assert ResultCache(tmp_path / "missing.sqlite").get("0" * 64) is None
