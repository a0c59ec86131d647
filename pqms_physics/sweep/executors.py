"""Where sweep chunks are computed: in this process, in a local process pool, or on dask.distributed.

Every executor runs the same worker function, :func:`compute_chunk`, on the
same small picklable :class:`ChunkTask`, and hands each finished chunk to a
callback in the calling process (which checkpoints it at once). A chunk's
numbers depend only on the task, never on the executor, the worker or the
completion order.

* :func:`run_serial`: this process, in chunk order.
* :func:`run_pool`: ``concurrent.futures.ProcessPoolExecutor`` with the
  "spawn" start method (safe with threads, Numba and dask in the parent);
  workers exit by themselves when the parent dies (:func:`watch_parent`).
* :func:`pqms_physics.cluster.dask_client` + :func:`run_dask`: a ``distributed.Client`` on a
  scheduler address or on a fresh ``LocalCluster``; tasks are submitted
  together and collected with ``distributed.as_completed``. dask is optional
  (``pip install 'pqms_physics[dask]'``) and imported lazily (:mod:`pqms_physics.cluster`).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from pqms_physics import __version__
from pqms_physics.cluster import import_distributed
from pqms_physics.sweep.config import SweepConfig
from pqms_physics.sweep.quantities import evaluate_points, get_quantity

if TYPE_CHECKING:
    from distributed import Client

OnDone = Callable[[int, dict, str], None]


@dataclass(frozen=True)
class ChunkTask:
    """Everything a worker needs to compute one chunk (small and picklable)."""

    index: int
    start: int
    stop: int
    quantity: str
    coords: tuple[tuple[str, tuple], ...]
    fixed: tuple[tuple[str, Any], ...]
    seed: int | None


def make_tasks(cfg: SweepConfig, indices: Iterable[int]) -> list[ChunkTask]:
    """One task per chunk index."""
    return [ChunkTask(k, *cfg.chunk_bounds(k), cfg.quantity, cfg.parameters, cfg.fixed, cfg.seed) for k in indices]


def chunk_values(task: ChunkTask) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Per-point parameter arrays of a chunk (swept ones by C-order unravelling, fixed ones repeated)."""
    spec = get_quantity(task.quantity)
    point_index = np.arange(task.start, task.stop, dtype=np.int64)
    shape = tuple(len(values) for _, values in task.coords)
    multi = np.unravel_index(point_index, shape) if shape else ()
    values = {}
    for (name, coord), idx in zip(task.coords, multi):
        values[name] = spec.parameter(name).array(coord)[idx]
    for name, value in task.fixed:
        values[name] = spec.parameter(name).array([value]).repeat(point_index.shape[0])
    return values, point_index


def compute_chunk(task: ChunkTask) -> tuple[int, dict[str, np.ndarray], str]:
    """Worker entry point: (chunk index, outputs, the worker's pqms_physics version)."""
    values, point_index = chunk_values(task)
    return task.index, evaluate_points(task.quantity, values, point_index, task.seed), __version__


def run_serial(tasks: list[ChunkTask], on_done: OnDone) -> None:
    """Compute the chunks in this process, in order."""
    for task in tasks:
        on_done(*compute_chunk(task))


def watch_parent(parent_pid: int) -> None:
    """Pool-worker initializer: exit when the parent dies (e.g. SIGKILL) instead of idling as an orphan."""

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def run_pool(tasks: list[ChunkTask], workers: int, on_done: OnDone) -> None:
    """Compute the chunks in ``workers`` spawned processes; ``on_done`` runs here as each one finishes."""
    ex = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=watch_parent,
        initargs=(os.getpid(),),
    )
    try:
        futures = [ex.submit(compute_chunk, task) for task in tasks]
        for fut in as_completed(futures):
            on_done(*fut.result())
    except BaseException:
        ex.shutdown(wait=False, cancel_futures=True)
        raise
    ex.shutdown(wait=True)


def run_dask(client: Client, tasks: list[ChunkTask], run_id: str, on_done: OnDone) -> None:
    """Submit every chunk to the cluster; ``on_done`` runs here as each one finishes."""
    distributed = import_distributed()
    futures = [client.submit(compute_chunk, task, key=f"pqms-sweep-{run_id}-{task.index}") for task in tasks]
    try:
        for fut in distributed.as_completed(futures):
            on_done(*fut.result())
    except BaseException:
        client.cancel(futures)
        raise


__all__ = [
    "ChunkTask",
    "make_tasks",
    "chunk_values",
    "compute_chunk",
    "run_serial",
    "run_pool",
    "watch_parent",
    "run_dask",
]
