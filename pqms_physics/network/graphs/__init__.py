"""Quantum networks beyond a chain, on networkx graphs: topologies, end-to-end capacities, routing, demand.

* :mod:`~pqms_physics.network.graphs.model`: edge and node attributes, validated once (:func:`validate_network`);
* :mod:`~pqms_physics.network.graphs.topologies`: seeded builders with positions (chain, ring, grid, star,
  random geometric, Waxman, hierarchical districts);
* :mod:`~pqms_physics.network.graphs.capacity`: single-path and multipath capacities (Pirandola 2019),
  pairwise and all-pairs;
* :mod:`~pqms_physics.network.graphs.routing`: best routes by capacity, end-to-end Werner fidelity or rate;
* :mod:`~pqms_physics.network.graphs.demand`: many user pairs sharing the edges at once;
* :mod:`~pqms_physics.network.graphs.distributed`: many-scenario studies over dask.distributed, and
  the same many-topology study through the sweep engine: the plugin quantity
  :data:`pqms_physics.sweep.quantities_network.RANDOM_NETWORK_CAPACITY`.

networkx is imported on first use of a name, never by ``import pqms_physics``.
"""

from pqms_physics._lazy import lazy_exports

_EXPORTS = {
    "EDGE_CHANNELS": "model",
    "NetworkModel": "model",
    "validate_network": "model",
    "TOPOLOGIES": "topologies",
    "build_topology": "topologies",
    "chain_network": "topologies",
    "ring_network": "topologies",
    "grid_network": "topologies",
    "star_network": "topologies",
    "random_geometric_network": "topologies",
    "waxman_network": "topologies",
    "hierarchical_network": "topologies",
    "NetworkCapacity": "capacity",
    "CapacityMatrix": "all_pairs",
    "SourceCapacities": "capacity",
    "network_capacity": "capacity",
    "capacity_matrix": "all_pairs",
    "single_source_capacity": "capacity",
    "ROUTE_METRICS": "routing",
    "Route": "routing",
    "RouteTradeoff": "routing",
    "best_path": "routing",
    "evaluate_route": "routing",
    "k_shortest_paths": "routing",
    "route_tradeoff": "routing",
    "expected_rounds": "waiting",
    "Demand": "demand",
    "DemandResult": "demand",
    "PairService": "demand",
    "serve_demands": "demand",
    "capacity_matrices": "distributed",
    "random_scenarios": "distributed",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
