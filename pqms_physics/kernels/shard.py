"""One run of the kernels spread over a dask.distributed cluster, counts identical to the single call.

The stream is counter-based (:mod:`.rng`): pair ``i``'s draw depends only on ``(seed, stream, i)``. A run
of ``pairs`` pairs is cut into shards ``[lo, hi)`` of global pair indices; each shard is one
``sample_counts(..., start=lo, total_pairs=...)`` call on a worker, and the shards are added with
``SampleCounts.__add__``, which checks that they belong to the same run and do not overlap. Integer
sums do not depend on the order in which shards finish, so the result equals
``sample_counts(probs, pairs, seed, ...)`` exactly, whatever the number of shards, workers or devices.

How to run a 1e12-pair pool-bias experiment on a cluster
--------------------------------------------------------
Start a scheduler and workers on the machines (each with this package installed)::

    dask scheduler                                   # on the head node: prints tcp://HEAD:8786
    dask worker tcp://HEAD:8786 --nthreads 1         # on each node (Numba uses the node's cores)

then, from any machine that reaches the scheduler::

    from pqms_physics.nct.sharded import pool_bias_sharded
    r = pool_bias_sharded(5 * 10**11, seed=1, scheduler="tcp://HEAD:8786", shards=1000, progress=True)

(:func:`pqms_physics.nct.sharded.pool_bias_sharded` samples ``2N = 1e12`` interleaved pairs with
:func:`sample_counts_sharded`.) One worker thread per node is enough: inside a shard the Numba
kernel is parallel over all the node's cores (``NUMBA_NUM_THREADS``); use ``device="cuda"`` on GPU
nodes. A shard of 1e9 pairs takes a few seconds on a CPU node, so 1000 shards keep a few dozen nodes
busy with a useful progress bar. The result records the shard ranges (``ranges``) and the devices used.

Examples
--------
>>> import distributed
>>> with distributed.Client(processes=False, n_workers=1, threads_per_worker=2,
...                         dashboard_address=":0") as client:
...     res = sample_counts_sharded([[0.5, 0.5]], 1000, 7, scheduler=client, shards=3, device="numpy",
...                                 progress=False)
>>> from pqms_physics.kernels import sample_counts
>>> res.counts.tolist() == sample_counts([[0.5, 0.5]], 1000, 7, device="numpy").counts.tolist()
True
"""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np

from pqms_physics.cluster import dask_client, import_distributed
from pqms_physics.errors import PQMSValueError, check_choice, check_int
from pqms_physics.kernels._plan import make_plan
from pqms_physics.kernels.result import SampleCounts
from pqms_physics.progress import ProgressArg, progress_bar

#: Default pairs per shard when ``shards`` is not given.
DEFAULT_SHARD_PAIRS: int = 1 << 30


def shard_ranges(start: int, pairs: int, shards: int, window: int | None = None) -> list[tuple[int, int]]:
    """Cut global pairs ``[start, start + pairs)`` into ``shards`` consecutive ranges of near-equal size.

    With ``window``, every edge is a multiple of the window (so each shard holds whole windows) and
    the number of ranges is at most the number of windows.

    Examples
    --------
    >>> shard_ranges(0, 10, 3)
    [(0, 3), (3, 6), (6, 10)]
    >>> shard_ranges(100, 1000, 3, window=100)
    [(100, 400), (400, 700), (700, 1100)]
    """
    unit = window or 1
    units = pairs // unit
    shards = max(1, min(shards, units))
    edges = [start + (units * k // shards) * unit for k in range(shards + 1)]
    return [(lo, hi) for lo, hi in zip(edges[:-1], edges[1:], strict=True) if hi > lo]


def sample_shard(probs: np.ndarray, lo: int, hi: int, seed: int, kwargs: dict[str, Any]) -> SampleCounts:
    """One shard ``[lo, hi)`` of a run (the task a worker executes): ``sample_counts(..., start=lo)``."""
    from pqms_physics.kernels.sample import sample_counts

    return sample_counts(probs, hi - lo, seed, start=lo, progress=False, **kwargs)


def _check_scheduler(scheduler: Any) -> None:
    distributed = import_distributed()
    if not isinstance(scheduler, (distributed.Client, str)):
        raise PQMSValueError(
            f"scheduler must be a distributed.Client, 'local-cluster' or a scheduler address, got {scheduler!r}"
        )


def sample_counts_sharded(
    probs: Any,
    pairs: Any,
    seed: Any,
    *,
    scheduler: Any,
    shards: Any = None,
    setting_choice: str = "random",
    window: Any = None,
    stream: Any = 0,
    start: Any = 0,
    total_pairs: Any = None,
    device: str = "cpu",
    progress: ProgressArg = None,
) -> SampleCounts:
    """:func:`~pqms_physics.kernels.sample_counts` over a dask.distributed cluster, shard by shard.

    Parameters
    ----------
    probs, pairs, seed, setting_choice, window, stream, start, total_pairs, device
        As in :func:`~pqms_physics.kernels.sample_counts` (validated here, before anything is sent).
    scheduler : distributed.Client or str
        A connected client (e.g. on a ``LocalCluster``), ``"local-cluster"`` (a new LocalCluster on
        this machine) or a scheduler address such as ``"tcp://head:8786"`` (connected for this call,
        then closed); see :func:`pqms_physics.cluster.dask_client`.
    shards : int, optional
        Number of shards, ``>= 1`` (default: one per :data:`DEFAULT_SHARD_PAIRS` pairs). With
        ``window``, shards hold whole windows, so there are at most ``pairs // window`` of them.
    progress : None, bool or callable, optional
        Progress over shards (:func:`pqms_physics.progress.progress_bar`): None = a bar when stderr is a
        terminal; a callable receives ``(shards_done, shards)``.

    Returns
    -------
    SampleCounts
        The merged shards: counts (and window counts) identical to the single call with the same
        arguments; ``ranges`` coalesced to ``((start, start + pairs),)``; ``device`` joins the devices.

    Notes
    -----
    Shard ``[lo, hi)`` is ``sample_counts(probs, hi - lo, seed, start=lo, total_pairs=T, ...)``; the stream
    promise of :mod:`pqms_physics.kernels.rng` makes the sum of the shards the single call's counts.
    """
    plan = make_plan(
        probs,
        pairs,
        seed,
        setting_choice=setting_choice,
        window=window,
        stream=stream,
        start=start,
        total_pairs=total_pairs,
    )
    from pqms_physics.kernels.sample import DEVICES

    check_choice("device", device, DEVICES)
    if shards is None:
        shards = -(-plan.pairs // DEFAULT_SHARD_PAIRS)
    shards = check_int("shards", shards, 1)
    ranges = shard_ranges(plan.start, plan.pairs, shards, plan.window)
    kwargs = dict(
        setting_choice=plan.setting_choice,
        window=plan.window,
        stream=plan.stream,
        total_pairs=plan.total_pairs,
        device=device,
    )
    _check_scheduler(scheduler)
    with dask_client(scheduler) as client:
        distributed = import_distributed()
        token = uuid.uuid4().hex[:12]
        probs = np.array(plan.probs)  # small: sent with each task
        futures = [
            client.submit(sample_shard, probs, lo, hi, plan.seed, kwargs, key=f"pqms-shard-{token}-{k}")
            for k, (lo, hi) in enumerate(ranges)
        ]
        parts: dict[int, SampleCounts] = {}
        index = {fut.key: k for k, fut in enumerate(futures)}
        try:
            with progress_bar(progress, len(futures), desc=f"shards ({device})", unit="shard") as bar:
                for fut in distributed.as_completed(futures):
                    parts[index[fut.key]] = fut.result()
                    bar.update(1)
        except BaseException:
            client.cancel(futures)
            raise
    return merge_shards([parts[k] for k in range(len(ranges))])


def merge_shards(parts: list[SampleCounts]) -> SampleCounts:
    """Add shards of one run given in pair order, in one pass (``sum(parts)`` re-copies window rows per addition).

    Each shard must continue where the previous one ended and match its run (seed, stream, rule, total_pairs,
    window, stream version, table); the result is what ``parts[0] + parts[1] + ...`` gives.

    Examples
    --------
    >>> from pqms_physics.kernels import sample_counts
    >>> a = sample_counts([[0.5, 0.5]], 6, 1, total_pairs=10, window=2, device="numpy")
    >>> b = sample_counts([[0.5, 0.5]], 4, 1, start=6, total_pairs=10, window=2, device="numpy")
    >>> merge_shards([a, b]).window_counts.tolist() == (a + b).window_counts.tolist()
    True
    """
    first = parts[0]
    for prev, part in zip(parts[:-1], parts[1:], strict=True):
        first._check_compatible(part)
        if part.ranges[0][0] != prev.ranges[-1][1]:
            raise PQMSValueError(f"shards to merge must be consecutive, got {prev.ranges} then {part.ranges}")
    window_counts = None
    if first.window is not None:
        window_counts = np.concatenate([p.window_counts for p in parts], axis=0)
    devices = sorted({d for p in parts for d in p.device.split("+")})
    return SampleCounts(
        counts=np.sum([p.counts for p in parts], axis=0),
        window_counts=window_counts,
        pairs=sum(p.pairs for p in parts),
        start=first.start,
        total_pairs=first.total_pairs,
        seed=first.seed,
        stream=first.stream,
        setting_choice=first.setting_choice,
        window=first.window,
        device="+".join(devices),
        stream_version=first.stream_version,
        ranges=((first.start, parts[-1].ranges[-1][1]),),
        table_hash=first.table_hash,
    )


__all__ = ["DEFAULT_SHARD_PAIRS", "merge_shards", "sample_counts_sharded", "sample_shard", "shard_ranges"]
