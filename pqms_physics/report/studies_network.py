"""The network study of ``pqms report``: the documents' metro swarm drawn, and capacity versus distance.

Panel (a): the hierarchical model (``NETWORK_DISTRICTS`` districts x ``NETWORK_NODES_PER_DISTRICT`` nodes,
:func:`pqms_physics.network.graphs.hierarchical_network`) at its positions, edges coloured by their pure-loss
capacity, with the best route by fidelity between a user of district 0 and one on the far side of the ring.
Panel (b): end-to-end capacity versus the straight-line distance between users for a repeater chain, a square
grid and the hierarchical model (single-path and multipath, Pirandola 2019), with the repeaterless PLOB bound
of direct transmission over that distance. Exact (no sampling); ``seed`` fixes the random node positions.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # studies.py imports this module for its STUDIES registry: import Study at call time
    import networkx as nx

    from pqms_physics.network.graphs.model import NetworkModel
    from pqms_physics.report.studies import Study

#: The metro swarm of panel (a) (quick mode: 5 x 20), with its geometry in km and fibre loss in dB/km.
NETWORK_DISTRICTS: int = 10
NETWORK_NODES_PER_DISTRICT: int = 100
NETWORK_GEOMETRY: dict = {"district_radius_km": 2.0, "metro_radius_km": 10.0, "neighbours": 2}
NETWORK_LINK_FIDELITY: float = 0.999
NETWORK_LOSS_DB_PER_KM: float = 0.2
#: Panel (b): chain repeaters, grid size and spacing (km), multipath targets sampled per topology.
NETWORK_CHAIN_REPEATERS: int = 9
NETWORK_GRID: tuple[int, float] = (10, 10.0)
NETWORK_MULTIPATH_TARGETS: int = 40
#: Spawn key of the study's seed (derive_seed(seed, NETWORK_STUDY_KEY)).
NETWORK_STUDY_KEY: int = 14


def _far_user(graph: nx.Graph, source: Hashable) -> int:
    pos = graph.nodes
    users = [n for n, d in graph.nodes(data=True) if d["role"] == "user"]
    return max(users, key=lambda n: math.dist(pos[n]["pos"], pos[source]["pos"]))


def _scan(
    model: NetworkModel,
    source: Hashable,
    targets: Sequence[Hashable],
    rows: list,
    label_single: str,
    label_multi: str,
    dist: dict,
    single: dict,
    multi: dict,
) -> None:
    from pqms_physics.network.graphs import single_source_capacity

    pos = model.graph.nodes
    everyone = [n for n in model.graph if n != source]
    for label, nodes, store, multipath in (
        (label_single, everyone, single, False),
        (label_multi, targets, multi, True),
    ):
        c = single_source_capacity(model, source, nodes, multipath=multipath).values.tolist()
        d = [math.dist(pos[source]["pos"], pos[t]["pos"]) for t in nodes]
        store[label] = (np.array(d), np.array(c))
        rows.extend((label, source, t, dd, cc) for t, dd, cc in zip(nodes, d, c, strict=True))
    dist.update({k: v[0] for k, v in {**single, **multi}.items()})


def study_network(quick: bool = False, seed: int | None = None) -> Study:
    """Hierarchical swarm with capacities and a best route; capacity vs distance for chain, grid, swarm."""
    from pqms_physics._provenance import derive_seed
    from pqms_physics.network.bounds import fiber_transmissivity, plob_bound
    from pqms_physics.network.graphs import (
        best_path,
        chain_network,
        grid_network,
        hierarchical_network,
        network_capacity,
        validate_network,
    )
    from pqms_physics.report.studies import DEFAULT_SEED, Study

    seed = DEFAULT_SEED if seed is None else seed
    k, m = (5, 20) if quick else (NETWORK_DISTRICTS, NETWORK_NODES_PER_DISTRICT)
    topo_seed = derive_seed(seed, NETWORK_STUDY_KEY)
    edge_attrs = {"link_fidelity": NETWORK_LINK_FIDELITY, "loss_db_per_km": NETWORK_LOSS_DB_PER_KM}
    swarm = validate_network(hierarchical_network(k, m, seed=topo_seed, edge_attrs=edge_attrs, **NETWORK_GEOMETRY))
    source = 1
    target = _far_user(swarm.graph, source)
    route = best_path(swarm, source, target, by="fidelity")
    g = swarm.graph
    edges = list(g.edges)
    caps = np.array([g[u][v]["capacity"] for u, v in edges])

    rows, dist, single, multi = [], {}, {}, {}
    lengths = np.linspace(2.0, 300.0, 31 if quick else 150)
    chain_label = f"chain, {NETWORK_CHAIN_REPEATERS} repeaters"
    chain_caps = np.array(
        [
            network_capacity(
                chain_network(float(L), NETWORK_CHAIN_REPEATERS, edge_attrs=edge_attrs), 0, NETWORK_CHAIN_REPEATERS + 1
            ).capacity
            for L in lengths
        ]
    )
    single[chain_label] = (lengths, chain_caps)
    rows.extend(
        (chain_label, 0, NETWORK_CHAIN_REPEATERS + 1, float(L), float(c))
        for L, c in zip(lengths, chain_caps, strict=True)
    )
    side, spacing = (6, 10.0) if quick else NETWORK_GRID
    grid = validate_network(grid_network(side, side, spacing, edge_attrs=edge_attrs))
    n_targets = 5 if quick else NETWORK_MULTIPATH_TARGETS
    rng = np.random.default_rng(topo_seed)
    n_grid = side * side
    grid_targets = [int(t) for t in rng.choice(np.arange(1, n_grid), min(n_targets, n_grid - 1), replace=False)]
    _scan(
        grid,
        0,
        grid_targets,
        rows,
        f"grid {side}x{side} single-path",
        f"grid {side}x{side} multipath",
        dist,
        single,
        multi,
    )
    others = [n for n in g if n != source and g.nodes[n]["role"] == "user"]
    swarm_targets = [others[int(i)] for i in rng.choice(len(others), min(n_targets, len(others)), replace=False)]
    _scan(swarm, source, swarm_targets, rows, "hierarchical single-path", "hierarchical multipath", dist, single, multi)
    dist[chain_label] = lengths
    capacity = {label: v[1] for label, v in {**single, **multi}.items()}
    d_max = max(float(np.max(v)) for v in dist.values())
    bound_d = np.geomspace(0.05, d_max, 200)
    bound = np.asarray(plob_bound(fiber_transmissivity(bound_d, NETWORK_LOSS_DB_PER_KM)), dtype=float)
    rows.extend(("PLOB bound (direct)", None, None, float(d), float(b)) for d, b in zip(bound_d, bound, strict=True))
    summary = {
        "nodes": swarm.n_nodes,
        "edges": g.number_of_edges(),
        "route": list(route.path),
        "route_hops": route.hops,
        "route_km": route.length_km,
        "route_fidelity": route.fidelity,
        "route_qber_z": route.qber_z,
        "route_capacity_single": network_capacity(swarm, source, target).capacity,
        "route_capacity_multipath": network_capacity(swarm, source, target, multipath=True).capacity,
    }
    params = {
        "hierarchical": {"n_districts": k, "nodes_per_district": m, **NETWORK_GEOMETRY, "seed": topo_seed},
        "link_fidelity": NETWORK_LINK_FIDELITY,
        "loss_db_per_km": NETWORK_LOSS_DB_PER_KM,
        "chain_repeaters": NETWORK_CHAIN_REPEATERS,
        "grid": {"side": side, "spacing_km": spacing},
        "multipath_targets": n_targets,
        "source": source,
        "target": target,
        "capacity": "Pirandola 2019: single-path = widest path, multipath = minimum cut; pure-loss edges",
    }
    caption = (
        f"(a) The documents' metro swarm as a hierarchical network ({k} districts x {m} nodes, "
        f"{NETWORK_GEOMETRY['district_radius_km']:g} km districts on a "
        f"{NETWORK_GEOMETRY['metro_radius_km']:g} km "
        f"ring), edges coloured by pure-loss capacity -log2(1 - eta), with the best route by fidelity between "
        f"users {source} and {target} (F = {route.fidelity:.4f} over {route.hops} links of F = "
        f"{NETWORK_LINK_FIDELITY:g}). (b) End-to-end capacity vs straight-line distance: a chain of "
        f"{NETWORK_CHAIN_REPEATERS} equally spaced repeaters, a square grid and the swarm (single-path and "
        f"multipath), against the PLOB bound of direct transmission ({NETWORK_LOSS_DB_PER_KM:g} dB/km)."
    )
    return Study(
        name="network",
        caption=caption,
        parameters=params,
        columns=("curve", "source", "target", "distance_km", "capacity_ebits_per_use"),
        rows=tuple(rows),
        functions=(
            "pqms_physics.network.graphs.hierarchical_network",
            "pqms_physics.network.graphs.best_path",
            "pqms_physics.network.graphs.network_capacity",
            "pqms_physics.network.graphs.single_source_capacity",
            "pqms_physics.network.bounds.plob_bound",
        ),
        plot="plot_network",
        plot_args=({n: g.nodes[n]["pos"] for n in g}, edges, caps, list(route.path), dist, capacity, bound_d, bound),
        plot_kwargs={"route_label": f"best route by fidelity (F = {route.fidelity:.3f})"},
        seeds=(topo_seed,),
        summary=summary,
    )


__all__ = [
    "study_network",
    "NETWORK_DISTRICTS",
    "NETWORK_NODES_PER_DISTRICT",
    "NETWORK_GEOMETRY",
    "NETWORK_LINK_FIDELITY",
    "NETWORK_LOSS_DB_PER_KM",
    "NETWORK_CHAIN_REPEATERS",
    "NETWORK_GRID",
    "NETWORK_MULTIPATH_TARGETS",
    "NETWORK_STUDY_KEY",
]
