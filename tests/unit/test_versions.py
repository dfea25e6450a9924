"""Semantic versions of the data: parsing, classifying bumps and refusing one that is too small."""

from __future__ import annotations

import json

import pytest

from dataset.errors import ConfigError, InputError
from dataset.release.versions import (
    Version,
    check_bump,
    choose_release_version,
    classify_bump,
    parse_version,
    read_release_version,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1.0", Version(0, 1, 0)),
        ("10.20.30", Version(10, 20, 30)),
        (" 1.0.0\n", Version(1, 0, 0)),
    ],
)
def test_parse_version(text, expected):
    assert parse_version(text) == expected
    assert str(expected) == text.strip()


@pytest.mark.parametrize("text", ["1.0", "v1.0.0", "01.0.0", "1.0.0-rc.1", "", "一.二.三"])
def test_parse_version_refuses_anything_but_major_minor_patch(text):
    with pytest.raises(ValueError, match=r"is not MAJOR\.MINOR\.PATCH"):
        parse_version(text)


@pytest.mark.parametrize(
    ("old", "new", "bump"),
    [
        ("0.1.0", "0.1.0", "none"),
        ("0.1.0", "0.1.1", "patch"),
        ("0.1.9", "0.2.0", "minor"),
        ("0.1.0", "0.3.7", "minor"),
        ("0.9.9", "1.0.0", "major"),
        ("1.2.3", "1.2.2", "downgrade"),
        ("2.0.0", "1.9.9", "downgrade"),
    ],
)
def test_classify_bump(old, new, bump):
    assert classify_bump(parse_version(old), parse_version(new)) == bump


def test_version_tag_and_next_versions():
    version = Version(1, 2, 3)
    assert version.tag == "v1.2.3"
    assert [str(version.bumped(b)) for b in ("none", "patch", "minor", "major")] == [
        "1.2.3",
        "1.2.4",
        "1.3.0",
        "2.0.0",
    ]


@pytest.mark.parametrize(
    ("old", "new", "required"),
    [
        ("0.1.0", "0.1.0", "none"),
        ("0.1.0", "0.1.1", "patch"),
        ("0.1.0", "0.2.0", "patch"),
        ("0.1.0", "0.2.0", "minor"),
        ("0.1.0", "1.0.0", "minor"),
        ("0.1.0", "1.0.0", "major"),
    ],
)
def test_check_bump_accepts_a_large_enough_bump(old, new, required):
    check_bump(parse_version(old), parse_version(new), required, ["why"])


def test_check_bump_names_required_bump_reason_and_fix():
    with pytest.raises(ConfigError) as caught:
        check_bump(parse_version("0.1.0"), parse_version("0.2.0"), "major", ["2 records removed"])
    message = str(caught.value)
    assert message.startswith("2 records removed → MAJOR bump required, but 0.1.0 → 0.2.0 is MINOR")
    assert "pass --version 1.0.0 (or higher)" in message
    assert "\n" not in message
    assert caught.value.exit_code == 2


def test_check_bump_refuses_an_unchanged_version_for_a_patch():
    with pytest.raises(ConfigError, match=r"PATCH bump required, but 0\.1\.0 → 0\.1\.0 is no bump"):
        check_bump(parse_version("0.1.0"), parse_version("0.1.0"), "patch", ["same records"])


def test_check_bump_refuses_a_version_that_goes_backwards():
    with pytest.raises(ConfigError, match=r"goes backwards.*pass --version 1\.0\.0 or higher"):
        check_bump(parse_version("1.0.0"), parse_version("0.9.0"), "patch", [])


@pytest.mark.parametrize(
    ("required", "expected"),
    [("none", "1.4.2"), ("patch", "1.4.3"), ("minor", "1.5.0"), ("major", "2.0.0")],
)
def test_default_version_is_the_smallest_the_change_allows(required, expected):
    chosen = choose_release_version(
        parse_version("1.4.2"), None, required, ["why"], parse_version("0.1.0")
    )
    assert str(chosen) == expected


def test_requested_version_wins_when_large_enough_and_is_refused_when_not():
    old, package = parse_version("1.4.2"), parse_version("0.1.0")
    why = ["1 record added"]
    chosen = choose_release_version(old, parse_version("3.0.0"), "minor", why, package)
    assert str(chosen) == "3.0.0"
    with pytest.raises(ConfigError, match=r"MINOR bump required, but 1\.4\.2 → 1\.4\.3 is PATCH"):
        choose_release_version(old, parse_version("1.4.3"), "minor", why, package)


def test_first_release_is_the_requested_or_the_package_version():
    package = parse_version("0.1.0")
    assert choose_release_version(None, None, "none", [], package) == package
    chosen = choose_release_version(None, parse_version("0.0.1"), "none", [], package)
    assert str(chosen) == "0.0.1"


def test_read_release_version(tmp_path):
    (tmp_path / "build_manifest.json").write_text(json.dumps({"release_version": "1.4.2"}))
    assert read_release_version(tmp_path) == Version(1, 4, 2)


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        pytest.param(None, "is not a release folder", id="missing"),
        pytest.param("{not json", "is not valid JSON", id="broken-json"),
        pytest.param(json.dumps({"release_version": "1.0"}), "no valid release_version", id="bad"),
        pytest.param(json.dumps({}), "no valid release_version", id="absent"),
    ],
)
def test_read_release_version_errors_name_the_file(tmp_path, manifest, message):
    if manifest is not None:
        (tmp_path / "build_manifest.json").write_text(manifest)
    with pytest.raises(InputError, match=message):
        read_release_version(tmp_path)
