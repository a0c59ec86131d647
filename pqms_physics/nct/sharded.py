"""A pool-bias experiment sampled over a dask.distributed cluster (one run, shards of the kernels' stream).

Thin wrapper: the exact table of :func:`~pqms_physics.nct.pools.pool_probabilities`, the ``2N`` interleaved
pairs of :func:`~pqms_physics.nct.pools.sample_pools` (setting rule ``"cyclic"``: pool = pair index mod 2)
sampled by :func:`pqms_physics.kernels.shard.sample_counts_sharded`, and the statistic of
:func:`~pqms_physics.nct.power.pool_z`. The counts, and so the result, equal
``pool_bias_experiment(..., sampler="kernel")`` with the same seed and stream; see
:mod:`pqms_physics.kernels.shard` for setting up a cluster for a 1e12-pair run.
"""

from __future__ import annotations

from typing import Any

import qutip as qt

from pqms_physics.core.channels import Channel
from pqms_physics.errors import PQMSValueError, check_choice, check_int, check_seed
from pqms_physics.nct.pools import DEVICES, POOL_SETTING_CHOICE, PoolBiasResult, pool_probabilities, result_from_counts
from pqms_physics.progress import ProgressArg


def pool_bias_sharded(
    pairs_per_pool: Any,
    seed: Any,
    *,
    scheduler: Any,
    state: qt.Qobj | None = None,
    sender_channel: Channel | None = None,
    basis: str = "z",
    stream: Any = 0,
    device: str = "cpu",
    window_per_pool: Any = None,
    shards: Any = None,
    progress: ProgressArg = None,
) -> PoolBiasResult:
    """:func:`~pqms_physics.nct.pools.pool_bias_experiment` (kernel sampler) with its pairs sampled on a cluster.

    Parameters
    ----------
    pairs_per_pool : int
        ``N >= 1`` pairs in each pool (``2N`` sampled), e.g. ``5e11`` for a 1e12-pair run.
    seed, stream : int
        Stream, each in ``[0, 2**64 - 1]``.
    scheduler : distributed.Client or str
        A connected client or a scheduler address (``"tcp://head:8786"``).
    state, sender_channel, basis, device, window_per_pool
        As in :func:`~pqms_physics.nct.pools.pool_bias_experiment`.
    shards : int, optional
        Number of shards (default: one per ``2**30`` pairs); with windows, shards hold whole windows.
    progress : None, bool or callable, optional
        Progress over shards (:func:`pqms_physics.progress.progress_bar`).

    Returns
    -------
    PoolBiasResult
        Identical to ``pool_bias_experiment(N, seed, ..., sampler="kernel")``.

    Notes
    -----
    ``delta_mu = k_1/N - k_0/N``, ``z = delta_mu / sqrt(2 p_hat (1 - p_hat) / N)`` (pooled), as in
    :func:`~pqms_physics.nct.pools.pool_bias_experiment`; under quantum mechanics ``z ~ N(0, 1)`` for any
    local operation of the sender (no-communication theorem).

    References
    ----------
    A. Peres and D. R. Terno, "Quantum information and relativity theory", Rev. Mod. Phys. 76, 93 (2004).

    Examples
    --------
    >>> import distributed
    >>> from pqms_physics.nct.pools import pool_bias_experiment
    >>> with distributed.Client(processes=False, n_workers=1, dashboard_address=":0") as client:
    ...     r = pool_bias_sharded(5000, 3, scheduler=client, shards=4, device="numpy", progress=False)
    >>> r.counts.tolist() == pool_bias_experiment(5000, 3, device="numpy").counts.tolist()
    True
    """
    from pqms_physics.kernels.shard import sample_counts_sharded

    n = check_int("pairs_per_pool", pairs_per_pool, 1)
    seed = check_seed("seed", seed)
    stream = check_seed("stream", stream)
    check_choice("device", device, DEVICES)
    if window_per_pool is not None:
        window_per_pool = check_int("window_per_pool", window_per_pool, 1, n)
        if n % window_per_pool:
            raise PQMSValueError(f"window_per_pool must divide pairs_per_pool={n}, got {window_per_pool}")
    table = pool_probabilities(state, sender_channel, basis)
    res = sample_counts_sharded(
        table,
        2 * n,
        seed,
        scheduler=scheduler,
        shards=shards,
        setting_choice=POOL_SETTING_CHOICE,
        stream=stream,
        device=device,
        progress=progress,
        window=None if window_per_pool is None else 2 * window_per_pool,
    )
    return result_from_counts(
        table,
        res.counts,
        res.window_counts,
        n,
        seed,
        stream=stream,
        basis=basis,
        sender_label="none" if sender_channel is None else sender_channel.label,
        window_per_pool=window_per_pool,
        provenance={
            "sampler": "kernel",
            "device": res.device,
            "stream_version": res.stream_version,
            "setting_choice": res.setting_choice,
        },
    )


__all__ = ["pool_bias_sharded"]
