"""`publish --dry-run` on the seed release, offline: validation first, then the upload plan."""

from __future__ import annotations

import hashlib

import pytest
from conftest import PROJECT_ROOT
from versions_support import run_cli_in

from dataset.release.integrity import write_checksums

pytestmark = pytest.mark.integration
REPO = "karabakh-news/test-release"


def publish(release, *extra):
    """Run `publish` with the Hub unreachable and no token, as an offline CI job would."""
    offline = {"HF_HUB_OFFLINE": "1", "HF_TOKEN": "", "HF_ENDPOINT": "http://127.0.0.1:9"}
    return run_cli_in(PROJECT_ROOT, "publish", str(release), *extra, check=False, env=offline)


@pytest.fixture
def publishable(seed_release_copy):
    """A seed release copy that passes the pre-publish checks."""
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


def test_release_with_an_id_in_two_splits_is_refused(seed_release_copy):
    shard = next(seed_release_copy.glob("data/*/train-*.parquet"))
    leaked = shard.with_name("test-00000-of-00001.parquet")
    if leaked.exists():
        pytest.skip("this language already has a test split")
    leaked.write_bytes(shard.read_bytes())
    write_checksums(seed_release_copy)  # as if the build itself had written the leak
    result = publish(seed_release_copy, "--repo-id", REPO, "--dry-run")
    assert result.returncode == 1
    assert "id_in_one_split_only" in result.stderr
    assert "would upload" not in result.stdout


def test_file_added_after_the_build_is_refused(seed_release_copy):
    (seed_release_copy / "rejects" / "notes.csv").write_text("id,why\n", encoding="utf-8")
    result = publish(seed_release_copy, "--repo-id", REPO, "--dry-run")
    assert result.returncode == 1
    assert "added since the build: rejects/notes.csv" in result.stderr


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
    assert "changed since the build: CHANGELOG.md" in result.stderr


@pytest.mark.parametrize("repo_id", ["no-slash", "a/b/c", "/name", "org/"])
def test_malformed_repo_id_is_a_usage_error(seed_release, repo_id):
    result = publish(seed_release, "--repo-id", repo_id, "--dry-run")
    assert result.returncode == 2
    assert "is not ORG/NAME" in result.stderr


def test_folder_that_is_not_a_release_is_refused(tmp_path):
    result = publish(tmp_path, "--repo-id", REPO, "--dry-run")
    assert result.returncode == 1
    assert "is not a release folder" in result.stderr
