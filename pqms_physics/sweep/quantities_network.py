"""A sweep quantity for many random topologies: summary statistics of their all-pairs capacity matrices.

Use it with the sweep engine (local, process pool or dask.distributed: ``pqms sweep``,
:func:`pqms_physics.sweep.engine.run_sweep`) as
``quantity = "pqms_physics.sweep.quantities_network:RANDOM_NETWORK_CAPACITY"``. It is a plugin quantity: its
topology-specific parameters are used only by their topology, so it stays out of the built-in registry, whose
laws require every parameter to be validated by the physics. Sweeping an integer ``trial`` parameter gives
independent topologies, each built from its point's seed (:func:`pqms_physics.sweep.spec.point_seeds`), so the
result is the same for any chunking, worker count or scheduler.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from pqms_physics.sweep.spec import OutputSpec, ParameterSpec, Quantity, point_seeds

if TYPE_CHECKING:
    import networkx as nx

NETWORK_TOPOLOGIES: tuple[str, ...] = ("random_geometric", "waxman", "hierarchical")


def topology_of_point(values: Mapping[str, np.ndarray], k: int, seed: int) -> nx.Graph:
    """The graph of point ``k`` (trusted, validated values) built with ``seed``."""
    from pqms_physics.network.graphs.topologies import build_topology

    name = str(values["topology"][k])
    edges = {"loss_db_per_km": float(values["loss_db_per_km"][k])}
    if name == "hierarchical":
        params = {
            "n_districts": int(values["n_districts"][k]),
            "nodes_per_district": int(values["nodes_per_district"][k]),
        }
    else:
        params = {"n_nodes": int(values["n_nodes"][k]), "side_km": float(values["side_km"][k])}
        if name == "random_geometric":
            params["radius_km"] = float(values["radius_km"][k])
    return build_topology(name, seed=seed, edge_attrs=edges, **params)


def _eval_random_network_capacity(
    values: Mapping[str, np.ndarray], point_index: np.ndarray, seed: int | None
) -> dict[str, np.ndarray]:
    from pqms_physics.network.graphs.all_pairs import capacity_matrix

    seeds = point_seeds(seed, point_index)
    n = point_index.shape[0]
    out = {key: np.empty(n) for key in ("mean_capacity", "min_capacity", "connected_fraction")}
    out["n_edges"] = np.empty(n, dtype=np.int64)
    for k in range(n):
        graph = topology_of_point(values, k, int(seeds[k]))
        m = capacity_matrix(graph, multipath=bool(values["multipath"][k])).values
        pairs = m[np.triu_indices(m.shape[0], 1)]
        connected = pairs[pairs > 0]
        out["mean_capacity"][k] = pairs.mean()
        out["min_capacity"][k] = connected.min() if connected.size else 0.0
        out["connected_fraction"][k] = connected.size / pairs.size
        out["n_edges"][k] = graph.number_of_edges()
    return out


RANDOM_NETWORK_CAPACITY = Quantity(
    name="pqms_physics.sweep.quantities_network:RANDOM_NETWORK_CAPACITY",  # a plugin, named by its path
    description="All-pairs end-to-end capacity (Pirandola 2019) of a random network topology, summarised",
    parameters=(
        ParameterSpec("topology", "choice", "1", "topology builder", choices=NETWORK_TOPOLOGIES),
        ParameterSpec(
            "trial", "int", "1", "scenario index (a new topology per value)", low=0, required=False, default=0
        ),
        ParameterSpec(
            "multipath",
            "bool",
            "1",
            "multipath (min cut) instead of single-path (widest path)",
            required=False,
            default=False,
        ),
        ParameterSpec("n_nodes", "int", "1", "nodes (random_geometric, waxman)", low=2, required=False, default=100),
        ParameterSpec(
            "side_km",
            "float",
            "km",
            "side of the square (random_geometric, waxman)",
            low=0.0,
            low_open=True,
            required=False,
            default=100.0,
        ),
        ParameterSpec(
            "radius_km",
            "float",
            "km",
            "link radius (random_geometric)",
            low=0.0,
            low_open=True,
            required=False,
            default=20.0,
        ),
        ParameterSpec("n_districts", "int", "1", "districts (hierarchical)", low=1, required=False, default=10),
        ParameterSpec(
            "nodes_per_district", "int", "1", "nodes per district (hierarchical)", low=1, required=False, default=100
        ),
        ParameterSpec("loss_db_per_km", "float", "dB km-1", "fibre attenuation", low=0.0, required=False, default=0.2),
    ),
    outputs=(
        OutputSpec("mean_capacity", "1", "mean capacity over all pairs, ebits per channel use (0 if disconnected)"),
        OutputSpec("min_capacity", "1", "smallest capacity over connected pairs, ebits per channel use"),
        OutputSpec("connected_fraction", "1", "fraction of pairs with a route"),
        OutputSpec("n_edges", "1", "edges of the topology", dtype="int64"),
    ),
    evaluate=_eval_random_network_capacity,
    randomised=True,
    source="pqms_physics.network.graphs.capacity",
    cost_per_point_s=0.05,
)

__all__ = ["RANDOM_NETWORK_CAPACITY", "NETWORK_TOPOLOGIES", "topology_of_point"]
