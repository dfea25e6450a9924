"""The local engine's workers; the Ray engine's start-up options and its shutdown off the build's
path."""

import os
import threading
import time
from pathlib import Path

from dataset.config import BuildConfig
from dataset.runtime import engine
from dataset.runtime.engine import (
    BATCH_SIZE,
    ray_init_options,
    ray_task_count,
    run_stage,
    shutdown_ray_in_background,
)


def config(workers: int) -> BuildConfig:
    return BuildConfig(raw_dir=Path("raw"), engine="ray", workers=workers)


def tag_with_pid(batch, config):
    """A stage: each item with the process that ran it (module level, so a pool can import it)."""
    return [(item, os.getpid()) for item in batch]


def test_one_local_worker_is_this_process():
    items = list(range(BATCH_SIZE * 2 + 1))
    results = list(run_stage(tag_with_pid, items, BuildConfig(raw_dir=Path("raw"), workers=1)))
    assert results == [(item, os.getpid()) for item in items]


def test_two_local_workers_are_this_process_and_one_pool_process():
    """Every item comes back once; this process ran batches too, beside a single pool process."""
    items = list(range(BATCH_SIZE * 6 + 5))
    results = list(run_stage(tag_with_pid, items, BuildConfig(raw_dir=Path("raw"), workers=2)))
    assert sorted(item for item, _ in results) == items
    by_process = {pid: sum(1 for _, p in results if p == pid) for _, pid in results}
    assert os.getpid() in by_process
    assert len(by_process) == 2
    assert all(count % BATCH_SIZE == 0 or count % BATCH_SIZE == 5 for count in by_process.values())


def test_a_local_cluster_gets_the_worker_count_and_no_dashboard():
    options = ray_init_options(config(3), {})
    assert options["num_cpus"] == 3
    assert options["include_dashboard"] is False
    assert options["log_to_driver"] is False


def test_a_local_cluster_of_zero_workers_gets_every_core():
    assert ray_init_options(config(0), {"HOME": "/root"})["num_cpus"] == (os.cpu_count() or 1)


def test_joining_a_cluster_leaves_its_shape_to_it():
    """Ray refuses num_cpus and private (``_system_config``...) options when it joins a cluster."""
    options = ray_init_options(config(3), {"RAY_ADDRESS": "10.0.0.7:6379"})
    assert "num_cpus" not in options
    assert not [key for key in options if key.startswith("_")]
    assert options["log_to_driver"] is False


class SlowRay:
    """Just the ``shutdown`` of the ``ray`` module: it takes ``seconds`` and records that it ran."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.finished = threading.Event()

    def shutdown(self) -> None:
        time.sleep(self.seconds)
        self.finished.set()


def test_shutdown_runs_off_the_build_path_and_a_later_run_waits_for_it():
    ray = SlowRay(0.3)
    started = time.perf_counter()
    shutdown_ray_in_background(ray)
    assert time.perf_counter() - started < 0.2
    assert not ray.finished.is_set()
    engine.wait_for_ray_shutdown()
    assert ray.finished.is_set()


def test_ray_tasks_hold_four_batches_but_every_actor_gets_several():
    assert ray_task_count(157, 2) == 40  # 20,000 documents
    assert ray_task_count(1563, 2) == 391
    assert ray_task_count(20, 2) == 8  # four tasks an actor before four batches a task
    assert ray_task_count(2, 2) == 2  # never more tasks than batches
    assert ray_task_count(0, 2) == 1
