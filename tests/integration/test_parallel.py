"""The same corpus gives byte-identical Parquet files on 1 or 2 workers and on Ray Data.

Only the one-worker release is validated: the others have the same Parquet bytes and the same
manifest counts, settings, dates and version, which is all validation reads: same results.
"""

from __future__ import annotations

import filecmp
import importlib.util
import json
from pathlib import Path

import pytest

from benchmarks.corpus import generate_corpus
from tests.conftest import run_cli, validation_inputs

pytestmark = pytest.mark.integration
DOCUMENTS = 240
# After every date the generator writes; pinned, so that builds minutes apart (or either side of
# midnight) record the same day.
REFERENCE_DATE = "2025-12-31"


def parquet_files(release: Path) -> list[Path]:
    return sorted(p.relative_to(release) for p in release.rglob("*.parquet"))


def assert_same_parquet(a: Path, b: Path) -> None:
    files = parquet_files(a)
    assert files == parquet_files(b)
    assert len(files) > 4
    different = [f for f in files if not filecmp.cmp(a / f, b / f, shallow=False)]
    assert different == []
    assert validation_inputs(a) == validation_inputs(b)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("parallel") / "raw"
    generate_corpus(raw, DOCUMENTS, seed=7, workers=1)
    return raw


@pytest.fixture(scope="module")
def one_worker(corpus) -> Path:
    out = corpus.parent / "w1"
    run_cli(
        "build",
        "--raw",
        str(corpus),
        "--out",
        str(out),
        "--workers",
        "1",
        "--no-cache",
        "--no-progress",
        "--reference-date",
        REFERENCE_DATE,
    )
    return out


def test_two_workers_write_the_same_bytes_as_one(corpus, one_worker):
    out = corpus.parent / "w2"
    run_cli(
        "build",
        "--raw",
        str(corpus),
        "--out",
        str(out),
        "--workers",
        "2",
        "--no-cache",
        "--no-progress",
        "--reference-date",
        REFERENCE_DATE,
        "--no-validate",
    )
    assert_same_parquet(one_worker, out)


def test_generated_corpus_has_duplicates_that_the_build_finds(one_worker):
    manifest = json.loads((one_worker / "build_manifest.json").read_text())
    assert manifest["counts"]["documents_in"] == DOCUMENTS
    assert manifest["counts"]["rejected_by_reason"].get("exact_duplicate", 0) > 0


@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None,
    reason="ray is not installed (pip install 'karabakh-news[ray]')",
)
def test_ray_engine_writes_the_same_bytes_as_local(corpus, one_worker):
    out = corpus.parent / "ray"
    run_cli(
        "build",
        "--raw",
        str(corpus),
        "--out",
        str(out),
        "--engine",
        "ray",
        "--workers",
        "2",
        "--no-cache",
        "--no-progress",
        "--reference-date",
        REFERENCE_DATE,
        "--no-validate",
    )
    assert_same_parquet(one_worker, out)


def test_share_buttons_that_recur_across_articles_leave_the_text(corpus, one_worker):
    """The generator's "Partager sur Facebook" line is known to no phrase table: corpus-level
    evidence (dataset/build/repeated_lines.py) removes it from every released text."""
    import pyarrow.parquet as pq

    share = "Partager sur Facebook"
    raw_with = [p for p in corpus.rglob("*.txt") if share in p.read_text(encoding="utf-8")]
    assert len(raw_with) >= 10
    texts = [
        text
        for path in (one_worker / "data").glob("*/*.parquet")
        for text in pq.read_table(path, columns=["text"]).column("text").to_pylist()
    ]
    assert texts and not any(share in text.split("\n\n") for text in texts)
