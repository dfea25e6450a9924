"""Atomic releases: a build killed at any moment leaves the previous release byte-identical (or
the new one complete), and nothing a later build or a user could mistake for a release.

The real CLI builds a generated corpus of a few hundred documents over the seed release and is
SIGKILLed (with its worker processes: the whole process group) at points triggered by what appears
in its staging folder (processing, writing, manifest written = right before publish) and at a
fixed fraction of a measured uninterrupted build.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dataset.errors import BuildError
from dataset.runtime import transaction
from dataset.runtime.transaction import make_staging_dir, publish_staging, sibling_path
from tests.bad_inputs import FRENCH, VIETNAMESE
from tests.conftest import PROJECT_ROOT, run_cli

pytestmark = pytest.mark.integration

# Three batches of dataset.runtime.engine.BATCH_SIZE: both workers are busy when a kill lands.
DOCUMENTS = 300


def write_corpus(folder: Path, count: int) -> None:
    """``count`` distinct small French/Vietnamese documents (deterministic)."""
    rng = random.Random(0)
    text = (FRENCH + VIETNAMESE).replace("\n", " ")
    sentences = [s for s in text.split(". ") if s.strip()]
    folder.mkdir(parents=True)
    for i in range(count):
        body = ". ".join(rng.sample(sentences, 4))
        (folder / f"doc_{i:05d}.txt").write_text(f"Dépêche {i}\n\n{body}.\n", encoding="utf-8")


def build_command(raw: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "dataset", "build", "--raw", str(raw), "--out", str(out)]


def run_build(raw: Path, out: Path) -> float:
    started = time.perf_counter()
    cmd = [*build_command(raw, out), "--no-progress", "--workers", "2"]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=900)
    assert result.returncode == 0, result.stderr
    return time.perf_counter() - started


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file in ``folder`` by relative path ({} when it does not exist)."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(out: Path) -> list[str]:
    """What a build left beside ``out``, apart from the release and the lock file a killed build
    leaves (stateless: the lock itself dies with the process)."""
    lock = sibling_path(out.resolve(), "lock", None).name
    return sorted(p.name for p in out.parent.iterdir() if p.name not in (out.name, lock))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The raw folder of the new release."""
    raw = tmp_path_factory.mktemp("atomic") / "raw"
    write_corpus(raw, DOCUMENTS)
    return raw


def kill_build_when(raw: Path, out: Path, trigger, timeout: float) -> str:
    """Start a build and SIGKILL its process group once ``trigger(staging)`` is true (or at
    ``timeout`` seconds); returns what the staging folder held when it was killed."""
    process = subprocess.Popen(
        [*build_command(raw, out), "--no-progress", "--workers", "2"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    staging = sibling_path(out.resolve(), "staging", process.pid)
    deadline = time.perf_counter() + timeout
    while process.poll() is None and time.perf_counter() < deadline and not trigger(staging):
        time.sleep(0.001)
    state = describe_staging(staging)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    else:
        state = "finished before the kill"
    process.wait()
    return state


def has_processed_documents(staging: Path) -> bool:
    """The build is processing documents: MinHash signatures of some are spilled to disk."""
    try:
        return (staging / "_work" / "signatures.u32").stat().st_size > 0
    except OSError:
        return False


def describe_staging(staging: Path) -> str:
    if not staging.exists():
        return "no staging folder (starting, or published)"
    if (staging / "build_manifest.json").exists():
        return "manifest written, before publish"
    if (staging / "data").exists():
        return "writing shards"
    if (staging / "_work").exists():
        return "processing documents"
    return "staging created"


def test_a_killed_build_leaves_the_old_or_the_new_release_complete(corpus, seed_release, tmp_path):
    raw_new = corpus
    reference = tmp_path / "reference" / "release"
    seconds = run_build(raw_new, reference)  # the new release, built uninterrupted
    new = snapshot(reference)
    out = tmp_path / "releases" / "release"
    shutil.copytree(seed_release, out)  # the release a killed build must leave as it is
    old = snapshot(out)
    assert old != new

    triggers = {
        "processing": has_processed_documents,
        "writing": lambda s: (s / "data").exists(),
        "before publish": lambda s: (s / "build_manifest.json").exists(),
    }
    never = lambda s: False  # noqa: E731
    kills = [(name, trigger, seconds * 2) for name, trigger in triggers.items()]
    # One kill at a fixed fraction lands wherever the build happens to be (the triggers above
    # cover processing, writing and the moment before publish).
    kills.append((f"30% of {seconds:.1f} s", never, seconds * 0.3))
    states = []
    for label, trigger, timeout in kills:
        state = kill_build_when(raw_new, out, trigger, timeout)
        if trigger is not never:  # a trigger that never fires tests nothing (and costs a build)
            assert state != "finished before the kill", f"{label}: the trigger never fired"
        found = snapshot(out)
        assert found in (old, new), f"{label}: target is neither release ({state})"
        states.append(f"{label}: {state} -> {'old' if found == old else 'new'} release at target")
        strays = [n for n in leftovers(out) if not re.fullmatch(r"\.release\.staging-\d+", n)]
        assert strays == [], f"{label}: unexpected folders {strays}"
    print("\n".join(states))
    assert len({s.split(": ", 1)[1].split(" -> ")[0] for s in states}) >= 2, states

    run_build(raw_new, out)
    assert snapshot(out) == new
    assert leftovers(out) == []


def test_publish_swaps_atomically_and_deletes_the_old_release(tmp_path):
    out = tmp_path / "release"
    out.mkdir()
    (out / "build_manifest.json").write_text("old")
    staging = make_staging_dir(out)
    (staging / "_work").mkdir()
    (staging / "build_manifest.json").write_text("new")
    publish_staging(staging, out)
    assert (out / "build_manifest.json").read_text() == "new"
    assert os.listdir(tmp_path) == ["release"]


def test_without_rename_exchange_a_kill_between_renames_is_undone(tmp_path, monkeypatch):
    """Fallback: two renames. Recreate the state a kill between them leaves, then recover."""
    monkeypatch.setattr(transaction, "exchange_paths", lambda a, b: False)
    out = tmp_path / "release"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    previous = sibling_path(out, "previous", dead_pid)
    previous.mkdir()
    (previous / "build_manifest.json").write_text("old")
    half_staging = sibling_path(out, "staging", dead_pid)
    (half_staging / "data").mkdir(parents=True)

    staging = make_staging_dir(out)  # what the next build does first
    assert (out / "build_manifest.json").read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == sorted(["release", staging.name])

    (staging / "build_manifest.json").write_text("new")
    publish_staging(staging, out)
    assert (out / "build_manifest.json").read_text() == "new"
    assert os.listdir(tmp_path) == ["release"]


def test_recovery_touches_only_dead_builds_of_the_same_release(tmp_path):
    out = tmp_path / "release"
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as alive:
        try:
            mine = [
                sibling_path(out, "staging", alive.pid),
                tmp_path / ".other.staging-1",
                tmp_path / "release.staging-1",
                tmp_path / ".release.staging-x",
            ]
            for folder in mine:
                folder.mkdir()
            staging = make_staging_dir(out)
            assert sorted(os.listdir(tmp_path)) == sorted([*(p.name for p in mine), staging.name])
        finally:
            alive.kill()


def test_a_second_build_of_the_same_out_is_refused_while_the_first_runs(tmp_path):
    out = tmp_path / "release"
    held = transaction.lock_out_dir(out)
    try:
        with pytest.raises(
            BuildError, match=rf"another build of .*release is running \(pid {os.getpid()}\)"
        ):
            transaction.lock_out_dir(out)
        result = run_cli("build", "--out", str(out), "--no-progress", "--no-validate", check=False)
        assert result.returncode == 1
        assert f"another build of {out.resolve()} is running (pid {os.getpid()})" in result.stderr
        assert not out.exists() and leftovers(out) == []
    finally:
        transaction.unlock_out_dir(held, out)
    assert leftovers(out) == [] and os.listdir(tmp_path) == []  # the lock file went with it
    # free again once the first is done
    transaction.unlock_out_dir(transaction.lock_out_dir(out), out)
