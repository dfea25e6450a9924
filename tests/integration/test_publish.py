"""`publish --dry-run` on the seed release, offline: checks first, then the upload and tag plan.

Until ``dataset.validate`` is on this branch a release's validation result is its
``validation/summary.json`` (agreed format); the tests marked ``fallback`` cover that path and the
``validate`` ones the real validation once it is importable.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json

import pytest
from conftest import PROJECT_ROOT
from versions_support import run_cli_in

pytestmark = pytest.mark.integration
HAS_VALIDATE = importlib.util.find_spec("dataset.validate") is not None
fallback = pytest.mark.skipif(HAS_VALIDATE, reason="dataset.validate runs the real validation")
with_validate = pytest.mark.skipif(not HAS_VALIDATE, reason="dataset.validate is not merged yet")
REPO = "karabakh-news/test-release"


def publish(release, *extra):
    """Run `publish` with the Hub unreachable and no token, as an offline CI job would."""
    offline = {"HF_HUB_OFFLINE": "1", "HF_TOKEN": "", "HF_ENDPOINT": "http://127.0.0.1:9"}
    return run_cli_in(PROJECT_ROOT, "publish", str(release), *extra, check=False, env=offline)


def write_summary(release, success, failed=0):
    summary = {
        "success": success,
        "release_version": "0.1.0",
        "suites": [
            {"suite": "article_structure", "config": "ar", "split": "train", "evaluated": 9,
             "passed": 9 - failed, "failed": failed, "failures": []}
        ],
    }  # fmt: skip
    path = release / "validation" / "summary.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(summary), encoding="utf-8")


@pytest.fixture
def publishable(seed_release_copy):
    """A seed release copy that passes the pre-publish checks on this branch."""
    if not HAS_VALIDATE:
        write_summary(seed_release_copy, success=True)
    return seed_release_copy


def test_dry_run_lists_every_file_with_its_size_and_the_tag(publishable):
    result = publish(publishable, "--repo-id", REPO, "--dry-run")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("dry run: nothing is uploaded or tagged")
    files = sorted(p for p in publishable.rglob("*") if p.is_file())
    assert f"would upload {len(files)} files" in out
    for path in files:
        assert path.relative_to(publishable).as_posix() in out
    assert 'would tag that commit v0.1.0: "Karabakh News v0.1.0: ' in out
    assert f'load_dataset("{REPO}", "all", revision="v0.1.0")' in out


def test_dry_run_skips_hidden_files(publishable):
    (publishable / ".notes.txt").write_text("scratch", encoding="utf-8")
    result = publish(publishable, "--repo-id", REPO, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert ".notes.txt" not in result.stdout


@fallback
def test_release_without_validation_results_is_refused(seed_release_copy):
    result = publish(seed_release_copy, "--repo-id", REPO, "--dry-run")
    assert result.returncode == 1
    assert "validation/summary.json is missing" in result.stderr
    assert f"python -m dataset validate {seed_release_copy}" in result.stderr
    assert "would upload" not in result.stdout


@fallback
def test_failed_validation_is_refused(seed_release_copy):
    write_summary(seed_release_copy, success=False, failed=2)
    result = publish(seed_release_copy, "--repo-id", REPO, "--dry-run")
    assert result.returncode == 1
    assert "validation failed: ar/train article_structure (2 failed)" in result.stderr


@with_validate
def test_release_with_an_id_in_two_splits_is_refused(seed_release_copy):
    shard = next(seed_release_copy.glob("data/*/train-*.parquet"))
    leaked = shard.with_name("test-00000-of-00001.parquet")
    if leaked.exists():
        pytest.skip("this language already has a test split")
    leaked.write_bytes(shard.read_bytes())
    result = publish(seed_release_copy, "--repo-id", REPO, "--dry-run")
    assert result.returncode == 1
    assert "would upload" not in result.stdout


def test_file_changed_after_the_build_is_refused(publishable):
    listing = publishable / "checksums.sha256"
    if not listing.exists():
        lines = [
            f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(publishable).as_posix()}"
            for p in sorted(publishable.rglob("*"))
            if p.is_file()
        ]
        listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (publishable / "CHANGELOG.md").open("a", encoding="utf-8") as log:
        log.write("\nhand edit\n")
    result = publish(publishable, "--repo-id", REPO, "--dry-run")
    assert result.returncode == 1
    assert "CHANGELOG.md changed since the build (sha256 differs)" in result.stderr


@pytest.mark.parametrize("repo_id", ["no-slash", "a/b/c", "/name", "org/"])
def test_malformed_repo_id_is_a_usage_error(seed_release, repo_id):
    result = publish(seed_release, "--repo-id", repo_id, "--dry-run")
    assert result.returncode == 2
    assert "is not ORG/NAME" in result.stderr


def test_folder_that_is_not_a_release_is_refused(tmp_path):
    result = publish(tmp_path, "--repo-id", REPO, "--dry-run")
    assert result.returncode == 1
    assert "is not a release folder" in result.stderr
