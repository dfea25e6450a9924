"""Fault tests through the real command line: no command destroys a release or a user's files,
one odd document never sinks a build, a killed or interrupted command leaves a valid release,
worker pools shut down, and every failure is one line naming its cause.

In-process fault tests (configs, garbage files, scripts, failing steps) are in
tests/unit/test_fault_inputs.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dataset.build.process import _Jobs, process_batch
from dataset.build.read import find_document_names
from dataset.config import load_config
from dataset.release.integrity import verify_checksums
from dataset.runtime.engine import run_stage
from dataset.runtime.transaction import sibling_path
from tests.bad_inputs import FRENCH, VIETNAMESE
from tests.conftest import PROJECT_ROOT, SEED_DIR, run_cli

pytestmark = pytest.mark.integration


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` by relative path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """The only line on stderr, which starts with ``error:``; no traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def write_corpus(folder: Path, count: int, empty: int | None = None) -> None:
    """``count`` distinct small French/Vietnamese documents; document ``empty`` is empty."""
    rng = random.Random(0)
    sentences = [s for s in (FRENCH + VIETNAMESE).replace("\n", " ").split(". ") if s.strip()]
    folder.mkdir(parents=True)
    for i in range(count):
        body = "" if i == empty else f"Dépêche {i}\n\n{'. '.join(rng.sample(sentences, 4))}.\n"
        (folder / f"doc_{i:05d}.txt").write_text(body, encoding="utf-8")


def can_mount() -> bool:
    if os.geteuid() != 0:
        return False
    probe = Path("/tmp") / f"kn-mount-probe-{os.getpid()}"
    probe.mkdir(exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)])
        if done.returncode != 0:
            return False
        subprocess.run(["umount", str(probe)], check=True)
        return True
    except OSError:
        return False
    finally:
        probe.rmdir()


MOUNTS = pytest.mark.skipif(not can_mount(), reason="needs root and mount (tmpfs, bind)")


# ---------------------------------------------------------------- nothing is destroyed


@pytest.mark.parametrize(
    "files",
    [
        {"build_manifest.json": "", "thesis.tex": "precious"},
        {"build_manifest.json": "{}", "checksums.sha256": "", "data/notes.md": "mine"},
    ],
    ids=["empty manifest", "release-like files of another tool"],
)
def test_build_never_replaces_a_folder_that_is_not_a_release(tmp_path, files):
    out = tmp_path / "home"
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    before = snapshot(out)
    result = run_cli("build", "--out", str(out), "--no-progress", check=False)
    assert result.returncode == 2
    assert "exists and is not a release" in one_error_line(result)
    assert snapshot(out) == before


def test_build_never_writes_inside_another_release(seed_release_copy):
    before = snapshot(seed_release_copy)
    out = seed_release_copy / "data" / "nested"
    result = run_cli("build", "--out", str(out), "--no-progress", check=False)
    assert result.returncode == 2 and "is inside the release" in one_error_line(result)
    assert snapshot(seed_release_copy) == before


def test_diff_never_writes_inside_a_release(seed_release, seed_release_copy):
    before = snapshot(seed_release_copy)
    shard = next(seed_release_copy.glob("data/*/*.parquet"))
    for out, cwd in [
        (str(shard), PROJECT_ROOT),
        (str(seed_release_copy / "diff.json"), PROJECT_ROOT),
        ("diff.json", seed_release_copy),  # `diff ../old .` from inside the new release
    ]:
        result = run_cli(
            "diff", str(seed_release), str(seed_release_copy), "--out", out, cwd=cwd, check=False
        )
        assert result.returncode == 2, (out, result.stderr)
        assert "is inside the release" in one_error_line(result)
    assert snapshot(seed_release_copy) == before


@MOUNTS
def test_validate_only_reads_and_works_on_a_read_only_release(seed_release_copy, tmp_path):
    before = snapshot(seed_release_copy)
    mounted = tmp_path / "ro"
    mounted.mkdir()
    subprocess.run(["mount", "--bind", str(seed_release_copy), str(mounted)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(mounted)], check=True)
        result = run_cli("validate", str(mounted), check=False)
        assert result.returncode == 0, result.stderr
        assert "PASSED" in result.stdout and result.stderr == ""
        refused = run_cli("validate", "--write", str(mounted), check=False)
        assert refused.returncode == 1 and "is read-only" in one_error_line(refused)
    finally:
        subprocess.run(["umount", str(mounted)], check=True)
    assert snapshot(seed_release_copy) == before


def kill_when(command: list[str], trigger, timeout: float) -> str:
    """Start ``python -m dataset COMMAND`` and SIGKILL its process group once ``trigger(pid)``
    is true or ``timeout`` seconds passed; returns when it was killed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "dataset", *command],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.perf_counter() + timeout
    while process.poll() is None and time.perf_counter() < deadline:
        if trigger(process.pid):
            break
        time.sleep(0.002)
    if process.poll() is not None:
        return "finished before the kill"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return "killed"


def test_a_killed_validate_write_leaves_a_valid_release(seed_release_copy):
    release = seed_release_copy
    before = snapshot(release)

    def staging(pid: int) -> Path:
        return sibling_path(release.resolve(), "staging", pid)

    triggers = {
        "copy started": lambda pid: staging(pid).exists(),
        "results written": lambda pid: (staging(pid) / "validation" / "summary.json").exists(),
        "checksums written": lambda pid: (staging(pid) / "checksums.sha256").exists(),
    }
    states = []
    for label, trigger in triggers.items():
        state = kill_when(["validate", "--write", str(release)], trigger, timeout=600)
        assert verify_checksums(release).ok, f"{label}: {state}"
        assert snapshot(release) == before, f"{label}: {state}"  # same results, same bytes
        states.append(f"{label}: {state}")
    assert any(s.endswith("killed") for s in states), states
    run_cli("validate", "--write", str(release))  # cleans up what the kills left
    assert snapshot(release) == before
    assert [p.name for p in release.parent.iterdir() if p.name.startswith(".release.")] == []


def test_a_killed_publish_dry_run_leaves_the_release_as_it_was(seed_release_copy):
    before = snapshot(seed_release_copy)
    command = ["publish", str(seed_release_copy), "--repo-id", "my-org/kn", "--dry-run"]
    for seconds in (2.0, 6.0):
        kill_when(command, lambda pid: False, timeout=seconds)
        assert snapshot(seed_release_copy) == before


# ---------------------------------------------------------------- odd documents


def test_odd_documents_become_rejects_or_rows_and_the_release_validates(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in SEED_DIR.glob("*.txt"):
        (raw / path.name).write_bytes(path.read_bytes())
    khmer = "ព័ត៌មាន ថ្មី\n\n" + "\n\n".join(
        "ប្រទេស កម្ពុជា ភាសា ខ្មែរ សេដ្ឋកិច្ច រដ្ឋាភិបាល ការប្រជុំ ថ្ងៃនេះ " * 6 for _ in range(4)
    )
    (raw / "khmer.txt").write_text(khmer, encoding="utf-8")
    title = "Les combats reprennent au Haut-Karabakh"
    (raw / "old-date.txt").write_text(f"{title}\n\n05.02.1988\n\n{FRENCH}", encoding="utf-8")
    future = f"{title} encore\n\n12.03.2031\n\n{FRENCH.replace('.', ' !', 1)}"
    (raw / "future-date.txt").write_text(future, encoding="utf-8")
    with open(os.fsencode(raw) + b"/caf\xe9.txt", "w", encoding="utf-8") as handle:
        handle.write(VIETNAMESE)
    out = tmp_path / "release"
    result = run_cli(
        "build", "--raw", str(raw), "--out", str(out), "--no-progress", "--no-cache",
        "--reference-date", "2099-12-31", check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

    import pyarrow.parquet as pq

    rejects = pq.read_table(out / "rejects" / "rejects.parquet").to_pylist()
    rejects = {r["source_file"]: r for r in rejects}
    rows = {
        r["source_file"]: r
        for path in out.glob("data/*/*.parquet")
        for r in pq.read_table(path).to_pylist()
    }
    assert rejects["khmer.txt"]["reason"] == "unknown_script"
    assert "caf\\xe9.txt" in rows or "caf\\xe9.txt" in rejects
    assert rows["old-date.txt"]["published_date"] is None  # 1988-02-05 or 05-02: both too early
    assert str(rows["future-date.txt"]["published_date"]) == "2031-03-12"
    assert len(rows) + len(rejects) == len(list(raw.iterdir()))


# ---------------------------------------------------------------- pools, Ctrl-C


def test_strict_with_two_workers_never_hangs_on_shutdown(tmp_path):
    """The consumer of a two-worker pool stops at the first result, as --strict does on a
    reject, while batches are queued and running: the pool must shut down, 10 times in a row."""
    empties = tmp_path / "empties"  # rejected on reading: the pool's own cost dominates
    empties.mkdir()
    for i in range(1000):
        (empties / f"e{i:04d}.txt").write_bytes(b"")
    config = load_config(raw_dir=empties, out_dir=tmp_path / "out", workers=2, cache=False)
    jobs = _Jobs(find_document_names(empties))

    def hung(signum, frame):
        raise TimeoutError("the worker pool did not shut down within 120 s")

    previous = signal.signal(signal.SIGALRM, hung)
    timings = []
    try:
        for _ in range(10):
            signal.alarm(120)  # a hang fails the test instead of blocking the suite
            started = time.perf_counter()
            results = run_stage(process_batch, jobs, config.with_reference_date())
            next(results)
            results.close()
            timings.append(time.perf_counter() - started)
            signal.alarm(0)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    print(f"10 pools stopped early: {min(timings):.1f}-{max(timings):.1f} s each")
    assert multiprocessing.active_children() == []

    raw = tmp_path / "raw"
    write_corpus(raw, 300, empty=3)
    result = run_cli(
        "build", "--raw", str(raw), "--out", str(tmp_path / "out"), "--workers", "2",
        "--strict", "--no-progress", "--no-cache", check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert one_error_line(result).startswith("error: --strict: doc_00003.txt is empty")
    assert not (tmp_path / "out").exists()


BUILD = [sys.executable, "-m", "dataset", "build", "--no-progress"]


def test_ctrl_c_ends_a_two_worker_build_with_one_line(tmp_path):
    raw = tmp_path / "raw"
    write_corpus(raw, 1200)
    out = tmp_path / "out"
    for attempt in range(2):
        process = subprocess.Popen(
            [*BUILD, "--raw", str(raw), "--out", str(out), "--workers", "2", "--no-cache"],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        staging = sibling_path(out.resolve(), "staging", process.pid)
        deadline = time.perf_counter() + 300
        while not (staging / "_work").exists() and time.perf_counter() < deadline:
            time.sleep(0.01)
        time.sleep(1.0 + attempt)  # workers are busy with batches
        os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 130, stderr
        assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
        assert [line for line in stderr.splitlines() if line.strip()] == [
            "interrupted; nothing was published (a previous release is untouched)"
        ]
        assert not out.exists()


# ---------------------------------------------------------------- errors name their cause


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty"])
def test_a_damaged_parquet_file_is_named(seed_release, seed_release_copy, damage):
    shards = sorted(seed_release_copy.glob("data/*/*.parquet"))
    shard = shards[0] if damage == "flip" else shards[-1]  # diff reads them with pyarrow, polars
    data = bytearray(shard.read_bytes())
    if damage == "flip":
        for offset in range(8, len(data) // 2, 97):  # many bytes of the data pages
            data[offset] ^= 0xFF
    shard.write_bytes({"flip": bytes(data), "truncate": bytes(data[:-100]), "empty": b""}[damage])
    result = run_cli("diff", str(seed_release), str(seed_release_copy), "--out",
                     str(seed_release_copy.parent / "d.json"), check=False)  # fmt: skip
    assert result.returncode == 1
    line = one_error_line(result)
    assert str(shard) in line and "not a readable Parquet file" in line and "rebuild" in line


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("checksums.sha256", b"garbage\n", "line 1 is not '<64 hex digits>  <path>'"),
        ("build_manifest.json", b"[]", "holds a JSON list, not an object"),
        ("build_manifest.json", b"{\n", "is not valid JSON"),
    ],
)
def test_garbage_release_files_are_named(seed_release_copy, name, content, expected):
    (seed_release_copy / name).write_bytes(content)
    result = run_cli("validate", str(seed_release_copy), check=False)
    assert result.returncode == 1
    line = one_error_line(result)
    assert str(seed_release_copy / name) in line and expected in line


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("split_ratios: {train: .nan, validation: 0.5, test: 0.5}\n", "finite"),
        ("reference_date: 2025-02-30\n", "impossible date"),
        ("a: &a [1, 1]\nb: &b [*a, *a]\nsplit_ratios: *b\n", "YAML alias"),
        ("cache_dir: /proc/version\n", "is a file, not a folder"),
    ],
)
def test_bad_configs_fail_before_any_work_with_exit_2(tmp_path, yaml_text, expected):
    config = tmp_path / "build.yaml"
    config.write_text(yaml_text)
    out = tmp_path / "out"
    result = run_cli("build", "--config", str(config), "--out", str(out), check=False)
    assert result.returncode == 2 and expected in one_error_line(result)
    assert not out.exists()


@MOUNTS
def test_a_full_disk_under_the_cache_is_one_warning_and_the_same_release(seed_release, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(cache)], check=True)
    try:
        # Leave a few KB free: SQLite starts, then the disk fills.
        with (cache / "filler").open("wb") as filler, contextlib.suppress(OSError):
            filler.write(b"\0" * 60_000)
        (tmp_path / "build.yaml").write_text(f"cache_dir: {cache}\n")
        out = tmp_path / "release"
        result = run_cli(  # not validated: its Parquet bytes are compared with the seed release's
            "build", "--config", str(tmp_path / "build.yaml"), "--out", str(out),
            "--no-progress", "--no-validate", check=False,
        )  # fmt: skip
    finally:
        subprocess.run(["umount", str(cache)], check=True)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and "goes on without the cache" in warnings[0], result.stderr
    parquet = lambda folder: {k: v for k, v in snapshot(folder).items() if k.endswith(".parquet")}  # noqa: E731
    assert parquet(out) == parquet(seed_release)


@pytest.mark.parametrize("repo_id", ["org/x.git", "org/x--y", "org/x\ny", "org/" + "a" * 300])
def test_repo_ids_the_hub_refuses_fail_publish_and_card(seed_release_copy, repo_id):
    before = snapshot(seed_release_copy)
    publish = run_cli(
        "publish", str(seed_release_copy), "--repo-id", repo_id, "--dry-run", check=False
    )
    card = run_cli("card", str(seed_release_copy), "--repo-id", repo_id, check=False)
    for result in (publish, card):
        assert result.returncode == 2 and "--repo-id" in one_error_line(result)
    assert snapshot(seed_release_copy) == before
