"""Many-scenario network studies chunked over dask.distributed: capacity matrices of many random topologies.

A scenario is a small dict ``{"topology": name, "seed": int, **builder parameters}`` (see
:func:`pqms_physics.network.graphs.topologies.build_topology`); the graph is built where it is computed, so
only the specification travels to a worker and only the matrix comes back. Scenarios are grouped into chunks
of ``chunk_size``, one dask task per chunk; results come back in the order of the scenarios, identical to
the local computation (every step is deterministic given the scenario's seed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pqms_physics._provenance import derive_seed
from pqms_physics.errors import PQMSValueError, check_int, check_seed
from pqms_physics.network.graphs.all_pairs import CapacityMatrix, capacity_matrix
from pqms_physics.network.graphs.model import validate_network
from pqms_physics.network.graphs.topologies import build_topology


def random_scenarios(topology: str, count: int, *, seed: int, **params: Any) -> list[dict]:
    """``count`` scenarios of one topology with seeds ``derive_seed(seed, i)``, ``i = 0..count-1``.

    Examples
    --------
    >>> s = random_scenarios("random_geometric", 2, seed=7, n_nodes=30, side_km=50.0, radius_km=15.0)
    >>> s[0]["topology"], s[0]["seed"] != s[1]["seed"]
    ('random_geometric', True)
    """
    n = check_int("count", count, 1)
    base = check_seed("seed", seed)
    return [{"topology": topology, "seed": derive_seed(base, i), **params} for i in range(n)]


def _one(scenario: dict, multipath: bool) -> CapacityMatrix:
    spec = dict(scenario)
    name = spec.pop("topology")
    seed = spec.pop("seed", 0)
    return capacity_matrix(validate_network(build_topology(name, seed=seed, **spec)), multipath=multipath)


def _chunk(scenarios: list[dict], multipath: bool) -> list[CapacityMatrix]:
    return [_one(s, multipath) for s in scenarios]


def capacity_matrices(
    scenarios: Sequence[dict],
    *,
    multipath: bool = False,
    scheduler: Any = None,
    chunk_size: int = 1,
    workers: int | None = None,
) -> tuple[CapacityMatrix, ...]:
    """All-pairs capacity matrices of many topologies, locally or over a dask.distributed cluster.

    Parameters
    ----------
    scenarios : sequence of dict
        Each ``{"topology": name, "seed": int, **builder parameters}`` (e.g. from :func:`random_scenarios`).
    multipath : bool
        Single-path (maximum spanning forest) or multipath (Gomory–Hu) matrices.
    scheduler : None, distributed.Client, str
        ``None``: compute here, one scenario after another. A ``distributed.Client``, a scheduler address
        (``"tcp://host:8786"``) or ``"local-cluster"`` (a new LocalCluster of ``workers`` processes): one
        task per chunk on the cluster.
    chunk_size : int
        Scenarios per task, ``>= 1``.
    workers : int, optional
        Worker processes of a ``"local-cluster"``.

    Returns
    -------
    tuple of CapacityMatrix
        In the order of ``scenarios``; equal to the local result whatever the scheduler and chunking.

    Examples
    --------
    >>> sc = random_scenarios("waxman", 3, seed=1, n_nodes=20, side_km=40.0)
    >>> [m.values.shape for m in capacity_matrices(sc)]
    [(20, 20), (20, 20), (20, 20)]
    """
    scenarios = [dict(s) for s in scenarios]
    for i, s in enumerate(scenarios):
        if "topology" not in s:
            raise PQMSValueError(f"scenarios[{i}] must name its topology, got keys {sorted(s)}")
    size = check_int("chunk_size", chunk_size, 1)
    chunks = [scenarios[i : i + size] for i in range(0, len(scenarios), size)]
    if scheduler is None:
        return tuple(m for c in chunks for m in _chunk(c, bool(multipath)))
    from pqms_physics.cluster import dask_client

    with dask_client(scheduler, workers) as client:
        futures = [client.submit(_chunk, c, bool(multipath), pure=False) for c in chunks]
        results = client.gather(futures)
    return tuple(m for r in results for m in r)


__all__ = ["random_scenarios", "capacity_matrices"]
