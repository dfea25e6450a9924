"""The Ray engine's start-up options and its shutdown off the build's path."""

import os
import threading
import time
from pathlib import Path

from dataset.config import BuildConfig
from dataset.runtime import engine
from dataset.runtime.engine import ray_init_options, shutdown_ray_in_background


def config(workers: int) -> BuildConfig:
    return BuildConfig(raw_dir=Path("raw"), engine="ray", workers=workers)


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
