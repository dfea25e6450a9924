"""Two releases through the real CLI: the seed release, then the seed corpus with one document
added and one word corrected in another. Checks the ids, diff.json, CHANGELOG.md, the version the
build chooses or refuses, and the `diff` command."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
import yaml
from conftest import run_cli
from versions_support import (
    EDITED_FILE,
    add_document,
    copy_seed_corpus,
    edit_document,
)

from dataset.build.write import METADATA_KEY

pytestmark = pytest.mark.integration


def ids_by_source(release) -> dict[str, str]:
    """``{source_file: id}`` read straight from a release's Parquet files."""
    found = {}
    for path in release.glob("data/*/*.parquet"):
        for row in pq.read_table(path, columns=["id", "source_file"]).to_pylist():
            found[row["source_file"]] = row["id"]
    return found


def read_json(path):
    return json.loads(path.read_text(encoding="utf-8"))


def parquet_bytes(release) -> dict[str, bytes]:
    return {p.relative_to(release).as_posix(): p.read_bytes() for p in release.rglob("*.parquet")}


@pytest.fixture(scope="module")
def changed_raw(tmp_path_factory):
    """The seed corpus plus one added document and one document with a corrected word."""
    raw = copy_seed_corpus(tmp_path_factory.mktemp("changed") / "raw")
    add_document(raw)
    edit_document(raw)
    return raw


@pytest.fixture(scope="module")
def second_release(seed_release, changed_raw, tmp_path_factory):
    """The changed corpus built with --previous pointing at the seed release, no --version."""
    out = tmp_path_factory.mktemp("second") / "release"
    result = run_cli(
        "build", "--raw", str(changed_raw), "--out", str(out), "--previous", str(seed_release),
        "--no-progress",
    )  # fmt: skip
    return out, result.stdout


def test_diff_json_lists_the_added_and_edited_documents(seed_release, second_release):
    release, _ = second_release
    before, after = ids_by_source(seed_release), ids_by_source(release)
    diff = read_json(release / "diff.json")
    assert diff["kind"] == "comparison"
    assert diff["old"]["release_version"] == "0.1.0"
    assert diff["new"]["release_version"] == "0.2.0"
    records = diff["records"]
    assert after[EDITED_FILE] == before[EDITED_FILE]  # the id survives the correction
    assert records["added"] == sorted(set(after.values()) - set(before.values()))
    assert len(records["added"]) == 1
    assert [m["id"] for m in records["modified"]] == [before[EDITED_FILE]]
    assert {"text", "raw_sha256"} <= set(records["modified"][0]["columns"])
    assert records["removed"] == records["replaced"] == records["moved"] == []
    assert records["unchanged"] == len(before) - 1
    assert diff["required_bump"] == "minor"
    assert diff["reasons"] == ["1 record added", "1 record corrected"]
    new_language = set(diff["counts"]) - {p.parent.name for p in seed_release.glob("data/*/*")}
    assert len(new_language) == 1
    (counts,) = diff["counts"][new_language.pop()].values()
    assert counts == {"old": 0, "new": 1, "change": 1}
    assert sum(c["change"] for s in diff["counts"].values() for c in s.values()) == 1


def test_build_prints_the_diff(second_release):
    _, stdout = second_release
    assert "Release diff: 0.1.0 -> 0.2.0" in stdout
    assert "required bump: MINOR (1 record added; 1 record corrected)" in stdout


def test_changelog_carries_the_previous_entries_forward(seed_release, second_release):
    release, _ = second_release
    old_log = (seed_release / "CHANGELOG.md").read_text(encoding="utf-8")
    new_log = (release / "CHANGELOG.md").read_text(encoding="utf-8")
    new_entry, old_entry = new_log.split("\n## ")[1:]
    assert new_entry.startswith("0.2.0 (")
    assert "MINOR release after 0.1.0; the change needs MINOR" in new_entry
    assert "1 modified" in new_entry
    assert "## " + old_entry in old_log
    assert old_entry.startswith("0.1.0 (")


def test_diff_command_prints_and_writes_the_same_diff(seed_release, second_release, tmp_path):
    release, _ = second_release
    out = tmp_path / "diff.json"
    result = run_cli("diff", str(seed_release), str(release), "--out", str(out))
    assert "required bump: MINOR" in result.stdout
    assert f"wrote {out}" in result.stdout
    assert read_json(out) == read_json(release / "diff.json")


@pytest.mark.parametrize("version", ["0.1.0", "0.1.1"])
def test_too_small_a_version_is_refused_and_nothing_is_written(
    seed_release, changed_raw, tmp_path, version
):
    out = tmp_path / "release"
    result = run_cli(
        "build", "--raw", str(changed_raw), "--out", str(out), "--previous", str(seed_release),
        "--version", version, "--no-progress", check=False,
    )  # fmt: skip
    assert result.returncode == 2
    made = "no bump" if version == "0.1.0" else "PATCH"
    assert result.stderr.strip().splitlines() == [
        f"error: 1 record added; 1 record corrected → MINOR bump required, but 0.1.0 → {version} "
        f"is {made}; pass --version 0.2.0 (or higher), or leave --version out to get it"
    ]
    assert not out.exists()
    assert not list(tmp_path.glob(".release.staging-*"))


def test_a_version_below_the_previous_is_refused_before_any_work(seed_release, tmp_path):
    result = run_cli(
        "build", "--out", str(tmp_path / "r"), "--previous", str(seed_release),
        "--version", "0.0.9", "--no-progress", check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "release version goes backwards: previous release is 0.1.0, --version is 0.0.9" in (
        result.stderr
    )
    assert not (tmp_path / "r").exists()


def test_removed_document_is_major_and_minor_is_refused(seed_release, tmp_path):
    raw = copy_seed_corpus(tmp_path / "raw")
    (raw / EDITED_FILE).unlink()
    result = run_cli(
        "build", "--raw", str(raw), "--out", str(tmp_path / "r"),
        "--previous", str(seed_release), "--version", "0.2.0", "--no-progress", check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "1 record removed → MAJOR bump required, but 0.1.0 → 0.2.0 is MINOR" in result.stderr


def test_version_from_the_config_file_gives_the_bytes_of_the_default(
    seed_release, changed_raw, second_release, tmp_path
):
    """``release_version: 0.2.0`` (written directly) and the default 0.2.0 (written as 0.1.0,
    then restamped once the diff asked for MINOR) give the same Parquet bytes."""
    settings = tmp_path / "settings.yaml"
    settings.write_text("release_version: 0.2.0\n", encoding="utf-8")
    out = tmp_path / "release"
    run_cli(  # not validated: its Parquet bytes are compared with those of the validated default
        "build", "--raw", str(changed_raw), "--out", str(out), "--config", str(settings),
        "--previous", str(seed_release), "--no-progress", "--no-validate",
    )  # fmt: skip
    release, _ = second_release
    assert parquet_bytes(out) == parquet_bytes(release)
    assert read_json(out / "build_manifest.json")["release_version"] == "0.2.0"


def test_larger_version_than_needed_is_accepted(seed_release, tmp_path):
    raw = copy_seed_corpus(tmp_path / "raw")
    add_document(raw)
    out = tmp_path / "release"
    run_cli(
        "build", "--raw", str(raw), "--out", str(out), "--version", "1.0.0",
        "--previous", str(seed_release), "--no-progress",
    )  # fmt: skip
    diff = read_json(out / "diff.json")
    assert diff["required_bump"] == "minor"
    assert diff["reasons"] == ["1 record added"]
    assert diff["records"]["removed"] == diff["records"]["modified"] == []
    assert "MAJOR release after 0.1.0; the change needs MINOR" in (out / "CHANGELOG.md").read_text()


def test_new_serialization_is_a_patch_by_default(seed_release, tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text("row_group_size: 2\n", encoding="utf-8")
    out = tmp_path / "r"
    result = run_cli(
        "build", "--config", str(settings), "--out", str(out),
        "--previous", str(seed_release), "--no-progress",
    )  # fmt: skip
    assert "required bump: PATCH (same records, " in result.stdout
    assert read_json(out / "diff.json")["new"]["release_version"] == "0.1.1"


def test_unchanged_rebuild_over_the_previous_release_in_place(seed_release_copy):
    """`build --out R --previous R`: same input and version, nothing changes, bytes identical."""
    before = {
        p.relative_to(seed_release_copy): p.read_bytes()
        for p in seed_release_copy.rglob("*.parquet")
    }
    old_log = (seed_release_copy / "CHANGELOG.md").read_text(encoding="utf-8")
    run_cli(
        "build", "--out", str(seed_release_copy), "--previous", str(seed_release_copy),
        "--no-progress",
    )  # fmt: skip
    diff = read_json(seed_release_copy / "diff.json")
    assert diff["required_bump"] == "none"
    assert diff["records"]["unchanged"] == diff["new"]["records"] > 0
    assert (seed_release_copy / "CHANGELOG.md").read_text(encoding="utf-8") == old_log
    after = {
        p.relative_to(seed_release_copy): p.read_bytes()
        for p in seed_release_copy.rglob("*.parquet")
    }
    assert after == before


def test_every_artifact_carries_the_chosen_version(second_release):
    release, _ = second_release
    assert read_json(release / "build_manifest.json")["release_version"] == "0.2.0"
    for path in release.rglob("*.parquet"):
        stamped = json.loads(pq.read_schema(path).metadata[METADATA_KEY])
        assert stamped["release_version"] == "0.2.0", path
    citation = yaml.safe_load((release / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(citation["version"]) == "0.2.0"
    assert "/tree/v0.2.0" in citation["identifiers"][0]["value"]
    assert read_json(release / "croissant.json")["version"] == "0.2.0"
    assert 'revision="v0.2.0"' in (release / "README.md").read_text(encoding="utf-8")
    offline = {"HF_HUB_OFFLINE": "1", "HF_TOKEN": "", "HF_ENDPOINT": "http://127.0.0.1:9"}
    plan = run_cli("publish", str(release), "--repo-id", "org/name", "--dry-run", env=offline)
    assert "would tag that commit v0.2.0" in plan.stdout
