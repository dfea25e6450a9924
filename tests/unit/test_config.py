"""Bad configuration fails before any work with one line that names the setting and the fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dataset.config import BuildConfig, check_paths, load_config
from dataset.errors import ConfigError


@pytest.fixture
def raw(tmp_path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "a.txt").write_text("Bonjour", encoding="utf-8")
    return folder


def config_error(tmp_path, yaml_text: str | None = None, **overrides) -> str:
    path = None
    if yaml_text is not None:
        path = tmp_path / "build.yaml"
        path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path, **overrides)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_defaults_are_valid():
    assert load_config().split_ratios == {"train": 0.8, "validation": 0.1, "test": 0.1}


def test_unknown_key_suggests_the_close_one(tmp_path, raw):
    message = config_error(tmp_path, "min_text_char: 5\n", raw_dir=raw)
    assert "unknown setting 'min_text_char'" in message
    assert "did you mean 'min_text_chars'?" in message
    assert "valid settings: raw_dir, out_dir" in message


def test_ratios_that_do_not_sum_to_one(tmp_path, raw):
    message = config_error(tmp_path, "split_ratios: {train: 0.5, test: 0.4}\n", raw_dir=raw)
    assert "must sum to 1, got 0.9" in message
    assert "e.g. {train: 0.8, validation: 0.1, test: 0.1}" in message
    assert "build.yaml" in message


def test_unknown_split_lists_the_valid_ones(tmp_path, raw):
    message = config_error(tmp_path, "split_ratios: {training: 1.0}\n", raw_dir=raw)
    assert "unknown split 'training'; valid: train, validation, test" in message


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("language_score_threshold", -0.2),
        ("near_duplicate_threshold", -1),
        ("min_text_chars", -5),
        ("max_file_bytes", 0),
        ("repeated_line_min_documents", 1),
        ("repeated_line_max_chars", 0),
    ],
)
def test_negative_thresholds_name_the_key_the_value_and_where_to_fix(tmp_path, raw, key, value):
    message = config_error(tmp_path, f"{key}: {value}\n", raw_dir=raw)
    assert f"bad value {value!r} for {key!r}" in message
    assert "greater than" in message
    assert f"fix {key} in {tmp_path / 'build.yaml'}" in message


def test_a_sentence_threshold_under_the_line_threshold_is_refused(tmp_path, raw):
    yaml_text = "repeated_line_min_documents: 5\nrepeated_sentence_min_documents: 3\n"
    message = config_error(tmp_path, yaml_text, raw_dir=raw)
    assert "repeated_sentence_min_documents (3) is smaller than" in message


def test_a_bad_flag_points_at_the_flag(raw, tmp_path):
    message = config_error(tmp_path, raw_dir=raw, workers=-2)
    assert "bad value -2 for 'workers'" in message
    assert message.endswith("fix the --workers option")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("min_text_chars: [\n", "could not be read as YAML (line 2, column 1)"),
        ("- 1\n", "must hold a mapping of settings, not list"),
    ],
)
def test_unreadable_config_files(tmp_path, text, expected):
    assert expected in config_error(tmp_path, text)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist; pass an existing YAML file"):
        load_config(tmp_path / "nope.yaml")


def test_missing_raw_folder(tmp_path):
    message = config_error(tmp_path, raw_dir=tmp_path / "nope")
    assert message.startswith(f"raw folder {tmp_path / 'nope'} does not exist; pass --raw DIR")


def test_raw_folder_that_is_a_file(tmp_path):
    (tmp_path / "raw.txt").write_text("x")
    assert "is a file, not a folder" in config_error(tmp_path, raw_dir=tmp_path / "raw.txt")


def test_out_inside_raw(tmp_path, raw):
    message = config_error(tmp_path, raw_dir=raw, out_dir=raw / "release")
    assert "is inside raw_dir" in message
    assert "pick an out_dir outside the raw folder" in message


def test_raw_inside_out(tmp_path, raw):
    message = config_error(tmp_path, raw_dir=raw, out_dir=tmp_path)
    assert "raw_dir" in message
    assert "is inside out_dir" in message


def test_out_that_is_a_file(tmp_path, raw):
    (tmp_path / "out").write_text("x")
    assert "is a file; pass --out" in config_error(tmp_path, raw_dir=raw, out_dir=tmp_path / "out")


def test_out_folder_that_is_not_a_release_is_never_replaced(tmp_path, raw):
    out = tmp_path / "home"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    message = config_error(tmp_path, raw_dir=raw, out_dir=out)
    assert "exists and is not a release (no build_manifest.json)" in message


def test_out_folder_that_is_empty_or_a_release_is_accepted(tmp_path, raw):
    empty = tmp_path / "empty"
    empty.mkdir()
    release = tmp_path / "release"
    (release / "data").mkdir(parents=True)
    (release / "build_manifest.json").write_text('{"name": "karabakh-news"}')
    (release / "checksums.sha256").write_text("")
    for out in (empty, release, tmp_path / "new"):
        check_paths(BuildConfig(raw_dir=raw, out_dir=out))


@pytest.mark.parametrize(
    "files",
    [
        {"build_manifest.json": ""},
        {"build_manifest.json": "{}", "checksums.sha256": "", "data/x": ""},
        {"build_manifest.json": '{"name": "karabakh-news"}', "notes.txt": "mine"},
        {"build_manifest.json": "[]", "checksums.sha256": "", "data/x": ""},
    ],
    ids=["empty manifest", "manifest of another tool", "no checksums", "manifest not an object"],
)
def test_a_folder_with_one_release_file_is_not_a_release(tmp_path, raw, files):
    out = tmp_path / "home"
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    before = sorted(p.name for p in out.rglob("*"))
    assert "exists and is not a release" in config_error(tmp_path, raw_dir=raw, out_dir=out)
    assert sorted(p.name for p in out.rglob("*")) == before


def test_reference_date_defaults_to_the_build_day(monkeypatch, tmp_path, raw):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1695168000")  # 2023-09-20 00:00 UTC
    config = load_config(raw_dir=raw, out_dir=tmp_path / "out")
    assert config.reference_date is None
    assert config.with_reference_date().reference_date == dt.date(2023, 9, 20)
    pinned = load_config(raw_dir=raw, out_dir=tmp_path / "out", reference_date=dt.date(2020, 1, 2))
    assert pinned.with_reference_date() is pinned


def test_reference_date_from_a_config_file(tmp_path, raw):
    path = tmp_path / "build.yaml"
    path.write_text("reference_date: 2023-09-20\n", encoding="utf-8")
    assert load_config(path, raw_dir=raw).reference_date == dt.date(2023, 9, 20)
    assert "reference_date" in config_error(tmp_path, "reference_date: last tuesday\n")


def test_collection_defaults_describe_the_seed_corpus_only_for_the_seed_folder(raw):
    from dataset.paths import SEED_DIR

    collection = load_config().collection
    seed = collection.described(SEED_DIR)
    assert "seed corpus" in seed["description"] and "five news pages" in seed["description"]
    other = collection.described(raw)
    assert other["description"].startswith("not described in the build config")
    assert "collection.period" in other["period"]
    assert other["curators"] == seed["curators"] == ["Karabakh News maintainers"]
    assert seed["repository"].startswith("https://")


def test_collection_from_a_config_file(tmp_path, raw):
    path = tmp_path / "build.yaml"
    path.write_text(
        "collection:\n"
        "  description: Pages saved by our scraper – 卡拉巴赫, كاراباخ, Карабах.\n"
        "  period: 2023-09-01 to 2023-10-31\n"
        "  curators: [Trần Thị Mai, Անի Հակոբյան]\n"
        "  repository: https://huggingface.co/datasets/my-org/kn\n",
        encoding="utf-8",
    )
    config = load_config(path, raw_dir=raw)
    described = config.collection.described(raw)
    assert described["description"].endswith("Карабах.")
    assert described["period"] == "2023-09-01 to 2023-10-31"
    assert described["selection"].startswith("not described")
    assert described["curators"] == ["Trần Thị Mai", "Անի Հակոբյան"]
    assert config.content_hash() == load_config(raw_dir=raw).content_hash()  # not content


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        pytest.param(
            "collection: {curator: [A]}\n",
            "unknown setting 'collection.curator'; did you mean 'collection.curators'?",
            id="unknown-nested-key",
        ),
        pytest.param("collection: {curators: []}\n", "'collection.curators'", id="no-curator"),
        pytest.param(
            "collection: {repository: my-org/kn}\n", "'collection.repository'", id="not-a-url"
        ),
    ],
)
def test_bad_collection_settings_are_named(tmp_path, raw, yaml_text, expected):
    assert expected in config_error(tmp_path, yaml_text, raw_dir=raw)
