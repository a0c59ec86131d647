"""``pqms network``: capacities, best routes and fidelities between user pairs of a network topology.

A thin edge over :mod:`pqms_physics.network.graphs`: builds the topology (seeded), validates it, and for each
user pair reports the single-path and multipath capacities (Pirandola 2019), the best route by fidelity, its
end-to-end fidelity and QBER, and its parallel-then-swap rate.
"""

from __future__ import annotations

import click

from pqms_physics.cli._common import COUNT, PROBABILITY, SEED, emit, library_errors, output_options

POSITIVE = click.FloatRange(0.0, min_open=True)
NONNEGATIVE = click.FloatRange(0.0)

#: Which CLI options each topology builder takes (option name -> builder argument).
_TOPOLOGY_PARAMS = {
    "chain": {"length_km": "total_length_km", "repeaters": "n_repeaters"},
    "ring": {"nodes": "n_nodes", "radius_km": "radius_km"},
    "grid": {"rows": "rows", "cols": "cols", "spacing_km": "spacing_km"},
    "star": {"nodes": "n_leaves", "radius_km": "arm_length_km"},
    "random_geometric": {"nodes": "n_nodes", "side_km": "side_km", "radius_km": "radius_km"},
    "waxman": {"nodes": "n_nodes", "side_km": "side_km"},
    "hierarchical": {
        "districts": "n_districts",
        "nodes_per_district": "nodes_per_district",
        "district_radius_km": "district_radius_km",
        "metro_radius_km": "metro_radius_km",
        "neighbours": "neighbours",
    },
}


def _pairs(graph, n_pairs: int, seed: int, source, target) -> list[tuple]:
    import numpy as np

    from pqms_physics._provenance import derive_seed

    if source is not None or target is not None:
        if source is None or target is None:
            raise click.UsageError("--source and --target go together (give both, or neither for random pairs)")
        return [(source, target)]
    users = [n for n, d in graph.nodes(data=True) if d.get("role") == "user"] or list(graph.nodes)
    if len(users) < 2:
        users = list(graph.nodes)
    rng = np.random.default_rng(derive_seed(seed, 14))
    districts = {graph.nodes[u].get("district") for u in users}
    cross = len(districts) > 1 and None not in districts  # hierarchical: pairs in different districts
    n_possible = len(users) * (len(users) - 1) // 2
    out: dict = {}
    for _ in range(100 * n_pairs + 100):  # distinct unordered pairs, in the order drawn
        if len(out) >= min(n_pairs, n_possible):
            break
        a, b = (users[int(i)] for i in rng.choice(len(users), 2, replace=False))
        if cross and graph.nodes[a]["district"] == graph.nodes[b]["district"]:
            continue
        out.setdefault(frozenset((a, b)), (a, b))
    return list(out.values())


@click.command("network")
@click.option(
    "--topology",
    type=click.Choice(list(_TOPOLOGY_PARAMS)),
    default="hierarchical",
    show_default=True,
    help="Network topology (pqms_physics.network.graphs.topologies).",
)
@click.option("--districts", type=COUNT, default=10, show_default=True, help="hierarchical: number of districts.")
@click.option(
    "--nodes-per-district",
    type=COUNT,
    default=100,
    show_default=True,
    help="hierarchical: nodes per district, gateway included.",
)
@click.option(
    "--district-radius-km",
    type=POSITIVE,
    default=2.0,
    show_default=True,
    help="hierarchical: radius of a district's disc of users, km.",
)
@click.option(
    "--metro-radius-km",
    type=POSITIVE,
    default=10.0,
    show_default=True,
    help="hierarchical: radius of the ring of gateways, km.",
)
@click.option(
    "--neighbours",
    type=click.IntRange(0),
    default=2,
    show_default=True,
    help="hierarchical: nearest-user links per user inside a district.",
)
@click.option(
    "--nodes", type=COUNT, default=100, show_default=True, help="ring / random_geometric / waxman: nodes; star: leaves."
)
@click.option("--length-km", type=POSITIVE, default=100.0, show_default=True, help="chain: total length, km.")
@click.option("--repeaters", type=click.IntRange(0), default=3, show_default=True, help="chain: repeaters.")
@click.option("--rows", type=COUNT, default=5, show_default=True, help="grid: rows.")
@click.option("--cols", type=COUNT, default=5, show_default=True, help="grid: columns.")
@click.option("--spacing-km", type=POSITIVE, default=10.0, show_default=True, help="grid: edge length, km.")
@click.option(
    "--side-km",
    type=POSITIVE,
    default=100.0,
    show_default=True,
    help="random_geometric / waxman: side of the square, km.",
)
@click.option(
    "--radius-km",
    type=POSITIVE,
    default=20.0,
    show_default=True,
    help="random_geometric: link radius; ring: circle radius; star: arm length, km.",
)
@click.option(
    "--link-fidelity",
    type=PROBABILITY,
    default=0.999,
    show_default=True,
    help="Werner fidelity of every elementary link.",
)
@click.option(
    "--gate-fidelity", type=PROBABILITY, default=1.0, show_default=True, help="Duer gate fidelity p of every swap."
)
@click.option("--coherence-time-s", type=POSITIVE, default=None, help="Memory coherence time T, s (default: inf).")
@click.option("--loss-db-per-km", type=NONNEGATIVE, default=0.2, show_default=True, help="Fibre loss, dB/km.")
@click.option(
    "--pairs",
    type=COUNT,
    default=5,
    show_default=True,
    help="Random user pairs to report (in different districts for hierarchical).",
)
@click.option("--source", type=int, default=None, help="One source node (with --target) instead of random pairs.")
@click.option("--target", type=int, default=None, help="Target node (with --source).")
@click.option("--seed", type=SEED, default=1, show_default=True, help="Seed of the topology and of the pairs.")
@output_options
def network_cmd(
    topology,
    pairs,
    source,
    target,
    seed,
    link_fidelity,
    gate_fidelity,
    coherence_time_s,
    loss_db_per_km,
    fmt,
    **geometry,
):
    """Capacities, best routes and end-to-end fidelities between user pairs of a network.

    Per pair: single-path and multipath capacity (ebits per channel use; Pirandola, Commun. Phys. 2, 51
    (2019)), and the best route by fidelity with its fidelity, Z-basis QBER and parallel-then-swap rate.

    \b
    Example:
      pqms network --topology hierarchical --districts 10 --nodes-per-district 100 --pairs 5 --seed 1
      pqms network --topology chain --length-km 500 --repeaters 4 --json
    """
    from pqms_physics.network.graphs import best_path, build_topology, network_capacity, validate_network

    params = {arg: geometry[opt] for opt, arg in _TOPOLOGY_PARAMS[topology].items()}
    node_attrs = {"gate_fidelity": gate_fidelity}
    if coherence_time_s is not None:
        node_attrs["coherence_time_s"] = coherence_time_s
    with library_errors():
        graph = build_topology(
            topology,
            seed=seed,
            edge_attrs={"link_fidelity": link_fidelity, "loss_db_per_km": loss_db_per_km},
            node_attrs=node_attrs,
            **params,
        )
        model = validate_network(graph)
        for name, node in (("source", source), ("target", target)):
            if node is not None:
                model.check_node(name, node)
        rows = []
        for a, b in _pairs(model.graph, pairs, seed, source, target):
            single = network_capacity(model, a, b)
            multi = network_capacity(model, a, b, multipath=True)
            if single.connected:
                r = best_path(model, a, b, by="fidelity")
                rows.append(
                    (a, b, r.hops, r.length_km, single.capacity, multi.capacity, r.fidelity, r.qber_z, r.rate_per_s)
                )
            else:
                rows.append((a, b, None, None, 0.0, 0.0, None, None, None))
    cols = (
        "source",
        "target",
        "hops",
        "route_km",
        "capacity_single",
        "capacity_multipath",
        "fidelity",
        "qber_z",
        "rate_per_s",
    )
    parameters = {
        "topology": topology,
        **params,
        "link_fidelity": link_fidelity,
        "gate_fidelity": gate_fidelity,
        "coherence_time_s": coherence_time_s if coherence_time_s is not None else "inf",
        "loss_db_per_km": loss_db_per_km,
        "seed": seed,
    }
    summary = {"nodes": model.n_nodes, "edges": model.graph.number_of_edges()}
    emit(
        fmt,
        "network",
        cols,
        rows,
        parameters=parameters,
        summary=summary,
        title=f"{topology} network, {model.n_nodes} nodes, {summary['edges']} edges: capacities in ebits per "
        "channel use; best route by fidelity (rate: parallel-then-swap model)",
    )
