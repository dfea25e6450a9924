"""Fault tests, in process: bad configs, garbage release files, odd documents in any script,
failing steps and a full cache, repo ids the Hub refuses. Each fault ends in one readable line
naming its cause (config: ConfigError, exit 2; a damaged release: InputError, exit 1) or in a
reject with a declared reason code; never in another exception.

The command-line side (kills, read-only mounts, Ctrl-C, worker pools) is in
tests/integration/test_faults.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataset.build import process
from dataset.build.corpus import ArticleRow, spill_schema
from dataset.build.filters import require_columns, require_script
from dataset.build.process import process_paths_safely
from dataset.build.read import find_document_names, safe_name
from dataset.build.steps import ExtractedDocument
from dataset.build.write import POSITION
from dataset.config import EARLIEST_PUBLISHED_DATE, BuildConfig, load_config
from dataset.errors import ConfigError, InputError
from dataset.records import Extraction, RawDocument, Reject
from dataset.release.hub import check_repo_id
from dataset.release.integrity import CHECKSUMS_NAME, read_checksums, verify_checksums
from dataset.release.manifest import MANIFEST, read_manifest, release_problem
from dataset.runtime.cache import ResultCache
from dataset.schema import reject_reasons
from tests.bad_inputs import ARABIC, CHINESE, FRENCH, VIETNAMESE

QUICK = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture
def raw(tmp_path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "a.txt").write_text(FRENCH, encoding="utf-8")
    return folder


def config_message(tmp_path: Path, text: str | bytes) -> str:
    path = tmp_path / "build.yaml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, raw_dir=tmp_path / "raw", out_dir=tmp_path / "out")
    message = str(caught.value)
    assert "\n" not in message and len(message) < 600, message
    assert caught.value.exit_code == 2
    return message


# ---------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("split_ratios: {train: .nan, validation: 0.5, test: 0.5}\n", "finite"),
        ("split_ratios: {train: .inf, validation: 0, test: 0}\n", "finite"),
        ("language_score_threshold: .nan\n", "language_score_threshold"),
        ("near_duplicate_threshold: .inf\n", "near_duplicate_threshold"),
        ("min_text_chars: 500\nmax_text_chars: 100\n", "min_text_chars (500) is larger"),
        ("reference_date: 2025-02-30\n", "impossible date"),
        ("reference_date: 1980-01-01\n", "before the earliest published date"),
        ("1: 2\n", "setting name 1 is not a string"),
        ("? [a, b]\n: 1\n", "found unhashable key"),
        ("2023-01-01: 1\n", "setting name datetime.date(2023, 1, 1) is not a string"),
        ("min_text_chars: [1, 2]\n", "min_text_chars"),
        ("workers: -1\n", "workers"),
        ("- just\n- a list\n", "must hold a mapping"),
        ("a: &x [1]\nb: *x\n", "YAML alias"),
        ("split_ratios: {train: 0.8, validation: 0.1, test: 0.1\n", "could not be read as YAML"),
    ],
)
def test_a_bad_config_is_one_line_naming_the_setting(tmp_path, raw, yaml_text, expected):
    assert expected in config_message(tmp_path, yaml_text)


def test_a_non_utf8_config_file_names_the_offset(tmp_path, raw):
    message = config_message(tmp_path, "min_text_chars: 10\n# é\n".encode("latin-1"))
    assert "is not UTF-8 (bad byte at offset 21)" in message


def test_a_yaml_alias_bomb_is_refused_before_expansion(tmp_path, raw):
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    bomb = "\n".join(levels) + "\nsplit_ratios: *a9\n"
    started = time.perf_counter()
    message = config_message(tmp_path, bomb)
    assert "YAML alias (*a0, line 2)" in message
    assert time.perf_counter() - started < 5  # 9**10 values if expanded


def test_a_huge_config_file_is_refused_unread(tmp_path, raw):
    assert "over 64000" in config_message(tmp_path, "# padding\n" * 10_000)


def test_an_unusable_cache_dir_is_a_config_error(tmp_path, raw):
    a_file = tmp_path / "cache-file"
    a_file.write_text("not a folder")
    with pytest.raises(ConfigError, match=r"cache_dir .* is a file, not a folder"):
        load_config(raw_dir=raw, out_dir=tmp_path / "out", cache_dir=a_file)
    with pytest.raises(ConfigError, match=r"cache_dir .* cannot be created"):
        load_config(raw_dir=raw, out_dir=tmp_path / "out", cache_dir=a_file / "below")
    load_config(raw_dir=raw, out_dir=tmp_path / "out", cache_dir=a_file, cache=False)


SETTING_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["train", "validation", "test", "dev"]), st.floats()),
)


@QUICK
@given(
    st.dictionaries(
        st.sampled_from([*sorted(BuildConfig.model_fields), "spilt_ratios", "x"]),
        SETTING_VALUES,
        max_size=4,
    )
)
def test_any_config_is_accepted_or_one_config_error(tmp_path_factory, values):
    folder = tmp_path_factory.mktemp("config")
    (folder / "raw").mkdir()
    (folder / "raw" / "a.txt").write_text("x")
    values = {k: v for k, v in values.items() if k not in ("raw_dir", "out_dir", "cache_dir")}
    path = folder / "build.yaml"
    path.write_text(json.dumps(values, default=str))  # JSON is YAML
    try:
        config = load_config(path, raw_dir=folder / "raw", out_dir=folder / "out")
    except ConfigError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 600
    else:
        assert sum(config.split_ratios.values()) == pytest.approx(1.0)
        assert config.min_text_chars <= config.max_text_chars


# ---------------------------------------------------------------- damaged release files


@QUICK
@given(st.binary(max_size=300))
def test_garbage_checksums_are_read_or_one_input_error(tmp_path_factory, content):
    release = tmp_path_factory.mktemp("release")
    (release / CHECKSUMS_NAME).write_bytes(content)
    try:
        entries = read_checksums(release)
    except InputError as exc:
        assert str(release / CHECKSUMS_NAME) in str(exc) and "\n" not in str(exc)
    else:
        assert all(len(digest) == 64 for digest in entries.values())
        verify_checksums(release)


@pytest.mark.parametrize(
    "content",
    [b"not a checksum line\n", b"abc\n", b"  \n" + b"z" * 64 + b"  data/x\n", b"\xff\xfe\n"],
)
def test_garbage_checksums_name_the_file(tmp_path, content):
    (tmp_path / CHECKSUMS_NAME).write_bytes(content)
    with pytest.raises(InputError, match=r"checksums\.sha256 (line \d+ is not|is not UTF-8)"):
        verify_checksums(tmp_path)


@QUICK
@given(
    st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(
                    st.sampled_from(["raw", "counts", "config", "files", "name"]), inner
                )
            ),
            max_leaves=8,
        ).map(lambda value: json.dumps(value).encode()),
    )
)
def test_garbage_manifests_are_read_or_one_input_error(tmp_path_factory, content):
    release = tmp_path_factory.mktemp("release")
    (release / MANIFEST).write_bytes(content)
    for raw_files in (False, True):
        try:
            manifest = read_manifest(release, raw_files=raw_files)
        except InputError as exc:
            assert str(release / MANIFEST) in str(exc) and "\n" not in str(exc)
        else:
            assert isinstance(manifest, dict)
            assert all(isinstance(manifest.get(k, {}), dict) for k in ("raw", "counts"))
    assert release_problem(release) is not None  # no checksums, no data/: never a release


# ---------------------------------------------------------------- documents in any script

# Letters (or symbols) of scripts the detector's table may not know, and of ones it knows.
SCRIPT_RANGES = {
    "Khmer": (0x1780, 0x17B3),
    "Tibetan": (0x0F40, 0x0F6C),
    "Ethiopic": (0x1200, 0x1248),
    "Cherokee": (0x13A0, 0x13F4),
    "Mongolian": (0x1820, 0x1877),
    "Sinhala": (0x0D85, 0x0D96),
    "Georgian": (0x10D0, 0x10FA),
    "Armenian": (0x0561, 0x0586),
    "Han": (0x4E00, 0x4FFF),
    "emoji": (0x1F600, 0x1F64F),
    "arrows": (0x2190, 0x21FF),
    "math": (0x2200, 0x22FF),
    "digits": (0x0030, 0x0039),
    "box drawing": (0x2500, 0x257F),
}


def words_in(low: int, high: int) -> st.SearchStrategy[str]:
    return st.lists(
        st.text(st.characters(min_codepoint=low, max_codepoint=high), min_size=2, max_size=7),
        min_size=30,
        max_size=80,
    ).map(" ".join)


def documents() -> st.SearchStrategy[str]:
    """A title line and a few paragraphs, each paragraph in one of the script ranges."""
    paragraph = st.sampled_from(sorted(SCRIPT_RANGES)).flatmap(
        lambda name: words_in(*SCRIPT_RANGES[name])
    )
    return st.tuples(paragraph, st.lists(paragraph, min_size=1, max_size=4)).map(
        lambda parts: parts[0][:60] + "\n\n" + "\n\n".join(p + "." for p in parts[1])
    )


def assert_every_outcome_fits(results: list, names: list[str]) -> None:
    """One result per job, named; rejects declared; every article row fits the spill schema."""
    assert sorted(done.source_file for done in results) == sorted(names)
    reasons = set(reject_reasons())
    for done in results:
        if isinstance(done.outcome, Reject):
            assert done.outcome.reason in reasons
            assert done.outcome.detail.startswith(done.source_file)
        else:
            row = done.outcome.to_row() | {POSITION: 0}
            # What the spill does with every row: the cast fails on a null in a required column.
            pa.Table.from_pylist([row]).cast(spill_schema())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(documents(), min_size=1, max_size=4))
def test_documents_in_any_script_end_as_articles_or_declared_rejects(tmp_path_factory, texts):
    raw = tmp_path_factory.mktemp("raw")
    for i, text in enumerate(texts):
        (raw / f"doc{i}.txt").write_text(text, encoding="utf-8")
    config = BuildConfig(
        raw_dir=raw,
        out_dir=raw.parent / "out",
        min_text_chars=20,
        language_score_threshold=0.0,  # let any detected language through to the record check
        cache=False,
    )
    config = config.with_reference_date()
    jobs = [(i, str(raw / f"doc{i}.txt")) for i in range(len(texts))]
    results = process_paths_safely(jobs, config)
    assert_every_outcome_fits(results, [f"doc{i}.txt" for i in range(len(texts))])


def test_a_khmer_article_is_an_unknown_script_reject_not_a_failed_build(tmp_path):
    khmer = "ព័ត៌មាន ថ្មី\n\n" + "\n\n".join(
        "ប្រទេស កម្ពុជា ភាសា ខ្មែរ សេដ្ឋកិច្ច រដ្ឋាភិបាល ការប្រជុំ ថ្ងៃនេះ " * 6 for _ in range(4)
    )
    (tmp_path / "km.txt").write_text(khmer, encoding="utf-8")
    (tmp_path / "fr.txt").write_text(FRENCH, encoding="utf-8")
    config = BuildConfig(raw_dir=tmp_path, out_dir=tmp_path.parent / "o", cache=False)
    jobs = [(0, str(tmp_path / "km.txt")), (1, str(tmp_path / "fr.txt"))]
    results = process_paths_safely(jobs, config.with_reference_date())
    assert_every_outcome_fits(results, ["km.txt", "fr.txt"])
    assert results[0].outcome.reason == "unknown_script", results[0].outcome
    assert "language km" in results[0].outcome.detail
    assert isinstance(results[1].outcome, ArticleRow)


def extraction(**changes) -> Extraction:
    values = dict(
        title="Titre",
        text="Texte " * 50,
        published_date=None,
        published_date_raw=None,
        publisher=None,
        language="fr",
        language_score=1.0,
        script="Latn",
    )
    return Extraction(**(values | changes))


def test_record_filters_name_the_unknown_script_and_the_empty_required_column():
    raw = RawDocument("ա/b.txt", "ab" * 32, "text")
    config = BuildConfig()
    whole = ExtractedDocument(raw, extraction())
    assert require_script(whole, config) is whole
    assert require_columns(whole, config) is whole
    no_script = ExtractedDocument(raw, extraction(script=None))
    assert require_script(no_script, config).reason == "unknown_script"
    reject = require_columns(ExtractedDocument(raw, extraction(language=None)), config)
    assert reject.reason == "invalid_record" and "required column language" in reject.detail


def test_a_document_whose_processing_raises_is_a_reject_and_the_batch_goes_on(
    tmp_path, monkeypatch
):
    texts = {"ar.txt": ARABIC, "boom.txt": VIETNAMESE, "zh.txt": CHINESE}
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    real = process.dedupe_keys_many

    def fail_on_vietnamese(texts, *args):
        if any(VIETNAMESE.split()[1] in text for text in texts):
            raise RuntimeError("injected fault\nsecond line")
        return real(texts, *args)

    monkeypatch.setattr(process, "dedupe_keys_many", fail_on_vietnamese)
    config = BuildConfig(raw_dir=tmp_path, out_dir=tmp_path.parent / "o", cache=False)
    jobs = [(i, str(tmp_path / name)) for i, name in enumerate(texts)]
    results = process_paths_safely(jobs, config.with_reference_date())
    assert_every_outcome_fits(results, list(texts))
    kinds = [type(done.outcome).__name__ for done in results]
    assert kinds == ["ArticleRow", "Reject", "ArticleRow"]
    reject = results[1].outcome
    assert reject.reason == "processing_error" and reject.raw_sha256 == results[1].raw_sha256
    assert reject.detail == (
        "boom.txt: processing raised RuntimeError: injected fault; the rest of the build went "
        "on: report it with this file"
    )


# ---------------------------------------------------------------- names, folders, dates


@given(st.binary(min_size=1, max_size=30).filter(lambda b: b"/" not in b and b"\0" not in b))
def test_safe_name_is_utf8_and_keeps_valid_names(name_bytes):
    name = os.fsdecode(name_bytes)
    shown = safe_name(name)
    shown.encode("utf-8")  # never raises
    try:
        assert shown == name_bytes.decode("utf-8")
    except UnicodeDecodeError:
        assert "\\x" in shown


def test_a_subfolder_that_cannot_be_listed_is_an_error_not_a_silent_skip(tmp_path, monkeypatch):
    (tmp_path / "ok.txt").write_text(FRENCH)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "inside.txt").write_text(FRENCH)
    real_scandir = os.scandir

    def scandir(path="."):  # root lists any folder: deny this one as for a user
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(InputError, match=r"raw subfolder .*locked cannot be listed"):
        find_document_names(tmp_path)


def test_extraction_and_validation_share_one_date_range():
    from dataset.build.metadata import MIN_DATE
    from dataset.validation.rules import rule_parameters

    assert MIN_DATE == EARLIEST_PUBLISHED_DATE
    params = rule_parameters({"build_date": "2030-01-01", "reference_date": "2099-12-31"}, {})
    assert params["conflict_start"] == EARLIEST_PUBLISHED_DATE.isoformat()
    assert params["build_date"] == "2099-12-31"


@pytest.mark.parametrize(
    ("dateline", "expected"),
    [
        ("05.02.1988", None),  # before 1988-02-20, whichever order
        ("21.02.1988", dt.date(1988, 2, 21)),
        ("12.03.2031", dt.date(2031, 3, 12)),  # within 2099-12-31
    ],
)
def test_extracted_dates_lie_in_the_shared_range(dateline, expected):
    from dataset.build.document import parse_document

    text = f"Les combats reprennent au Haut-Karabakh\n\n{dateline}\n\n{FRENCH}"
    found = parse_document(text, dt.date(2099, 12, 31)).published_date
    assert found == expected
    assert found is None or EARLIEST_PUBLISHED_DATE <= found <= dt.date(2099, 12, 31)


# ---------------------------------------------------------------- cache on a full disk


def test_a_full_cache_switches_itself_off_with_one_warning(tmp_path, capsys):
    cache = ResultCache(tmp_path / "c.sqlite", writable=True)
    cache._db.execute("PRAGMA max_page_count = 8")  # SQLite's own "database or disk is full"
    big = [(f"{i:064x}", "x" * 5000) for i in range(40)]
    cache.put_many(big)
    cache.put_many(big)  # switched off: no second warning, no error
    cache.close()
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and "database or disk is full" in lines[0]
    assert "goes on without the cache" in lines[0]


def test_a_cache_that_cannot_be_opened_is_skipped_with_one_warning(tmp_path, capsys):
    from dataset.runtime.cache import open_cache

    (tmp_path / "file").write_text("x")
    assert open_cache(tmp_path / "file" / "c.sqlite") is None
    assert len(capsys.readouterr().err.splitlines()) == 1
    assert ResultCache(tmp_path / "file").get("00") is None  # a garbage file is a miss
    with pytest.raises(sqlite3.Error):
        sqlite3.connect(tmp_path / "file").execute("select 1 from results")


# ---------------------------------------------------------------- Hub repository ids


@pytest.mark.parametrize(
    "repo_id",
    ["org/x.git", "org/x--y", "org/x..y", "org/x\ny", "org/x\n", "org/" + "a" * 300, "x", "a/b/c"],
    ids=[".git", "--", "..", "newline", "trailing newline", "300 chars", "no org", "3 parts"],
)
def test_repo_ids_the_hub_refuses_are_config_errors(repo_id):
    with pytest.raises(ConfigError) as caught:
        check_repo_id(repo_id)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 300


@pytest.mark.parametrize("repo_id", ["my-org/karabakh-news", "Org_1/news.v2", "a/b"])
def test_repo_ids_the_hub_accepts_pass(repo_id):
    check_repo_id(repo_id)
