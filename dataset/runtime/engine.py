"""Engines that run the per-document stage over batches of documents.

The stage is one plain function, ``stage(batch, config) -> list[result]``, importable at module
level (so that it pickles by reference). Two engines run it unchanged:

- ``local``: in this process, helped by a ``multiprocessing`` pool (spawn) of ``workers - 1``
  processes (``workers`` is one per core by default);
- ``ray``: Ray Data ``map_batches`` on a local Ray cluster started here (``--workers`` CPUs), or on
  the existing cluster named by ``RAY_ADDRESS`` (``ray start --head`` on a real cluster).

Results come back as they finish, in no fixed order: every result carries its document index and
the global stages never depend on arrival order, so the release bytes are the same for every
engine and worker count.

What Ray adds to the local engine (Ray 2.60, 2 CPUs, measured at 2,000 and 20,000 documents) is
mostly start-up, and a cost per task: each task costs scheduling, stats and object-store work in
the driver, the actors and Ray Data's own actors, so a task holds 4 batches (``ray_task_count``).
The two actors take task after task (about 25 ms between two) and results stream back as they
finish. Before the first batch, ``ray.init`` starts the GCS, the dashboard's API server (and waits
for it, even with ``include_dashboard=False``), the autoscaler monitor, the log monitor, the raylet
with its dashboard and runtime-env agents, and two pre-started workers; then Ray Data starts its
stats actor, autoscaling coordinator and actor location tracker beside the two actors. Each of
these Python processes imports Ray (Ray Data imports pandas): about 15 CPU s besides the actors'
work, and twice as much where Python may not write bytecode (``PYTHONDONTWRITEBYTECODE``) and the
venv was installed without it. No public Ray or Ray Data setting removes those processes (worker
pre-start, which Ray does by default, helps).
The local cluster shuts down in a background thread: ``ray.shutdown`` waits 1-1.5 s for its
daemons to exit, one by one, and the build's next stages need not wait.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from dataset.config import BuildConfig

Stage = Callable[[Sequence[Any], BuildConfig], list[Any]]
# Documents per task. Each step runs over the whole batch (dataset.build.document.parse_documents);
# 128 is 5-15% faster a document than 32 and still gives 2 workers two batches at 240 documents.
BATCH_SIZE = 128
# Ray Data's cost per task (scheduling, stats, the object store, in the driver, the actors and its
# own actors) is paid once per 4 batches: on 20,000 documents (157 batches, 2 CPUs) 157 -> 40 tasks
# took the build from 43.6-47.7 to 39.3-40.4 s and from 74-80 to 67-68 CPU s; 8 a task gained
# nothing more. Each actor still gets at least ``RAY_MIN_TASKS_PER_ACTOR`` tasks, for balance.
RAY_BATCHES_PER_TASK = 4
RAY_MIN_TASKS_PER_ACTOR = 4


def worker_count(config: BuildConfig) -> int:
    """Processes to use: ``config.workers``, or one per CPU core when it is 0."""
    return processes(config.workers)


def processes(requested: int) -> int:
    """``requested`` processes, or one per CPU core when it is 0."""
    return requested or os.cpu_count() or 1


def run_stage(stage: Stage, items: Sequence[Any], config: BuildConfig) -> Iterator[Any]:
    """Yield ``stage``'s results for every item, batch by batch, on ``config.engine``.

    ``items`` may be a lazy sequence: batches are sliced from it only as they are dispatched.
    """
    if config.engine == "ray":
        yield from _run_ray(stage, items, config)
    else:
        yield from _run_local(stage, items, config)


def _batches(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _run_local(stage: Stage, items: Sequence[Any], config: BuildConfig) -> Iterator[Any]:
    """Run batches in this process, helped by a spawn process pool when there are more workers.

    This process is one of the workers: with ``n`` workers it runs batches itself between
    collecting the results of ``n - 1`` pool processes (``run_here_and_in_pool``). With one
    worker there is no pool.
    """
    workers = min(worker_count(config), -(-len(items) // BATCH_SIZE))
    if workers <= 1:
        for batch in _batches(items):
            yield from stage(batch, config)
        return
    yield from run_here_and_in_pool(stage, _batches(items), config, workers - 1)


def run_here_and_in_pool(
    stage: Stage, batches: Iterator[Sequence[Any]], config: BuildConfig, helpers: int
) -> Iterator[Any]:
    """Yield ``stage``'s results over ``batches``, run here and in ``helpers`` spawn processes.

    Each pool process gets one batch at once and, from this process's first batch of its own
    on, ``IN_FLIGHT_PER_WORKER`` batches submitted ahead; between two batches of its own this
    process yields the pool's finished results and tops the pool up. Working here instead of
    waiting spares one process's start-up (importing the pipeline and loading its models) and the
    pickling of a share of the results; the batches are still sliced only as needed. When the
    consumer stops early (``--strict``, an error, Ctrl-C) the generator's ``finally`` cancels the
    batches not started and waits for the running ones: the pool always shuts down, and never
    hangs (``concurrent.futures`` joins workers that finished, where
    ``multiprocessing.Pool.terminate`` could wait forever on a worker holding a queue lock). Pool
    processes ignore SIGINT: Ctrl-C reaches this process alone, so it ends with one message.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(helpers, mp_context=ctx, initializer=ignore_interrupts)
    pending: set = set()

    def submit(count: int) -> None:
        for batch in itertools.islice(batches, max(0, count)):
            pending.add(pool.submit(stage, batch, config))

    try:
        with interrupts_ignored():  # the workers start now, and inherit SIG_IGN from birth
            submit(helpers)
        for batch in batches:  # the batches that submit() leaves
            yield from stage(batch, config)
            for future in [future for future in pending if future.done()]:
                pending.discard(future)
                yield from future.result()
            submit(helpers * IN_FLIGHT_PER_WORKER - len(pending))
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield from future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


IN_FLIGHT_PER_WORKER = 2


@contextlib.contextmanager
def interrupts_ignored():
    """Ignore SIGINT in this (main) thread for the block.

    Processes started in it ignore Ctrl-C even while they import, before ``ignore_interrupts``
    runs (Python keeps an inherited SIG_IGN). A no-op outside the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def ignore_interrupts() -> None:
    """Worker initializer: leave SIGINT (Ctrl-C) to the driver, which shuts the pool down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_ray(stage: Stage, items: Sequence[Any], config: BuildConfig) -> Iterator[Any]:
    ray = _import_ray()
    wait_for_ray_shutdown()
    started_here = not ray.is_initialized()
    if started_here:
        _start_ray(ray, config)
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        blobs = [{"batch": pickle.dumps(list(batch), protocol=5)} for batch in _batches(items)]
        actors = config.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        dataset = ray.data.from_items(blobs, override_num_blocks=ray_task_count(len(blobs), actors))
        results = dataset.map_batches(
            _RayStage,
            fn_constructor_kwargs={"stage": stage, "config": config},
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=actors),
        )
        for row in results.iter_rows():
            yield from pickle.loads(row["results"])
    finally:
        if started_here:
            shutdown_ray_in_background(ray)


def ray_task_count(batches: int, actors: int) -> int:
    """Ray Data tasks (blocks) for ``batches`` batches on ``actors`` actors.

    ``RAY_BATCHES_PER_TASK`` batches a task, but at least ``RAY_MIN_TASKS_PER_ACTOR`` tasks an
    actor and never more tasks than batches (nor fewer than one).
    """
    spread = min(batches, actors * RAY_MIN_TASKS_PER_ACTOR)
    return max(1, spread, -(-batches // RAY_BATCHES_PER_TASK))


_shutdown_thread: threading.Thread | None = None


def shutdown_ray_in_background(ray: Any) -> None:
    """Stop the local Ray cluster in a thread while the build goes on with its next stages.

    ``ray.shutdown()`` spends 1-1.5 s (measured) waiting for each of Ray's daemons to exit, one
    after another, with no work for the build's CPU. The thread is not a daemon: Python joins it
    before exiting, before the ``atexit`` hook where Ray would shut down anyway. A later Ray run in
    this process waits for it first (``wait_for_ray_shutdown``).
    """
    global _shutdown_thread
    _shutdown_thread = threading.Thread(target=ray.shutdown, name="ray-shutdown")
    _shutdown_thread.start()


def wait_for_ray_shutdown() -> None:
    """Block until a shutdown begun by ``shutdown_ray_in_background`` is over."""
    if _shutdown_thread is not None:
        _shutdown_thread.join()


class _RayStage:
    """Ray Data callable: unpickles a batch of items, runs the stage, pickles the results."""

    def __init__(self, stage: Stage, config: BuildConfig):
        self.stage = stage
        self.config = config

    def __call__(self, rows: dict[str, Any]) -> dict[str, list[bytes]]:
        out = []
        for blob in rows["batch"]:
            results = self.stage(pickle.loads(blob), self.config)
            out.append(pickle.dumps(results, protocol=5))
        return {"results": out}


def _import_ray():
    from dataset.errors import ConfigError

    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError(
            "--engine ray needs Ray Data; install it with `pip install 'karabakh-news[ray]'`"
        ) from None
    return ray


def _start_ray(ray: Any, config: BuildConfig) -> None:
    """Join the cluster of ``RAY_ADDRESS`` if set, else start a local one with the worker count."""
    logging.getLogger("ray").setLevel(logging.WARNING)
    # On a busy machine Ray's agents can take longer than the default 30 s to register.
    os.environ.setdefault("RAY_agent_register_timeout_ms", "120000")
    ray.init(**ray_init_options(config, os.environ))


def ray_init_options(config: BuildConfig, environ: Mapping[str, str]) -> dict[str, Any]:
    """``ray.init`` keyword arguments for a local cluster, or for the one named by RAY_ADDRESS.

    A local cluster gets ``--workers`` CPUs. Options that shape a new cluster (``num_cpus``) are
    left out when ``environ`` names an existing one (``RAY_ADDRESS``): Ray refuses them there.
    """
    options: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.WARNING,
    }
    if not environ.get("RAY_ADDRESS"):
        options["num_cpus"] = worker_count(config)
    return options
