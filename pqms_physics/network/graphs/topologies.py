"""Seeded builders of standard network topologies, with node positions in km.

Every builder returns an undirected :class:`networkx.Graph` whose nodes are the integers ``0..n-1`` with
attributes ``pos`` (x, y in km) and ``role`` (``"user"``, ``"repeater"`` or ``"gateway"``), and whose edges
carry ``length_km`` (the Euclidean distance between their nodes, fibre laid straight) plus any extra edge
attributes passed as ``edge_attrs`` (e.g. ``link_fidelity=0.99``, ``loss_db_per_km=0.16``). Node
attributes passed as ``node_attrs`` (e.g. ``coherence_time_s=1.0``) are set on every node. Random
builders take an explicit ``seed``; the same seed gives the same graph.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np

from pqms_physics.errors import PQMSValueError, check_int, check_positive, check_seed

TOPOLOGIES: tuple[str, ...] = ("chain", "ring", "grid", "star", "random_geometric", "waxman", "hierarchical")


def _finish(g: nx.Graph, edge_attrs: dict | None, node_attrs: dict | None) -> nx.Graph:
    pos = nx.get_node_attributes(g, "pos")
    for u, v in g.edges:
        g[u][v]["length_km"] = max(math.dist(pos[u], pos[v]), 1e-9)  # coincident nodes: a 1 pm patch cord
        g[u][v].update(edge_attrs or {})
    for n in g.nodes:
        g.nodes[n].update(node_attrs or {})
    return g


def chain_network(
    total_length_km: float, n_repeaters: int = 0, *, edge_attrs: dict | None = None, node_attrs: dict | None = None
) -> nx.Graph:
    """Two users ``0`` and ``n_repeaters + 1`` joined by ``n_repeaters`` equally spaced repeaters.

    Parameters
    ----------
    total_length_km : float
        Distance ``L`` between the users, ``> 0``.
    n_repeaters : int
        Number ``N >= 0`` of intermediate repeaters (``N + 1`` edges of ``L/(N + 1)`` each).

    Examples
    --------
    >>> g = chain_network(100.0, 3)
    >>> g.number_of_edges(), g[0][1]["length_km"]
    (4, 25.0)
    """
    length = check_positive("total_length_km", total_length_km)
    n = check_int("n_repeaters", n_repeaters, 0)
    g = nx.path_graph(n + 2)
    for i in g.nodes:
        g.nodes[i]["pos"] = (length * i / (n + 1), 0.0)
        g.nodes[i]["role"] = "user" if i in (0, n + 1) else "repeater"
    return _finish(g, edge_attrs, node_attrs)


def ring_network(
    n_nodes: int, radius_km: float, *, edge_attrs: dict | None = None, node_attrs: dict | None = None
) -> nx.Graph:
    """``n_nodes >= 3`` users on a circle of ``radius_km``, each linked to its two neighbours.

    Examples
    --------
    >>> g = ring_network(6, 10.0)
    >>> round(g[0][1]["length_km"], 9)  # a hexagon's side is its radius
    10.0
    """
    n = check_int("n_nodes", n_nodes, 3)
    r = check_positive("radius_km", radius_km)
    g = nx.cycle_graph(n)
    for i in g.nodes:
        g.nodes[i]["pos"] = (r * math.cos(2 * math.pi * i / n), r * math.sin(2 * math.pi * i / n))
        g.nodes[i]["role"] = "user"
    return _finish(g, edge_attrs, node_attrs)


def grid_network(
    rows: int, cols: int, spacing_km: float, *, edge_attrs: dict | None = None, node_attrs: dict | None = None
) -> nx.Graph:
    """A ``rows x cols`` square lattice with edges of ``spacing_km``; node ``r*cols + c`` at ``(c, r)``.

    Examples
    --------
    >>> g = grid_network(3, 4, 10.0)
    >>> g.number_of_nodes(), g.number_of_edges()  # 3*3 + 2*4 edges
    (12, 17)
    """
    nr, nc = check_int("rows", rows, 1), check_int("cols", cols, 1)
    if nr * nc < 2:
        raise PQMSValueError(f"rows * cols must be >= 2, got {nr * nc}")
    d = check_positive("spacing_km", spacing_km)
    g = nx.convert_node_labels_to_integers(nx.grid_2d_graph(nr, nc), ordering="sorted", label_attribute="rc")
    for i in g.nodes:
        r, c = g.nodes[i].pop("rc")
        g.nodes[i]["pos"] = (c * d, r * d)
        g.nodes[i]["role"] = "user"
    return _finish(g, edge_attrs, node_attrs)


def star_network(
    n_leaves: int, arm_length_km: float, *, edge_attrs: dict | None = None, node_attrs: dict | None = None
) -> nx.Graph:
    """A repeater hub ``0`` linked to ``n_leaves >= 1`` users on a circle of ``arm_length_km``.

    Examples
    --------
    >>> g = star_network(5, 20.0)
    >>> g.degree[0], g.nodes[0]["role"]
    (5, 'repeater')
    """
    n = check_int("n_leaves", n_leaves, 1)
    arm = check_positive("arm_length_km", arm_length_km)
    g = nx.star_graph(n)
    g.nodes[0].update(pos=(0.0, 0.0), role="repeater")
    for i in range(1, n + 1):
        a = 2 * math.pi * (i - 1) / n
        g.nodes[i].update(pos=(arm * math.cos(a), arm * math.sin(a)), role="user")
    return _finish(g, edge_attrs, node_attrs)


def random_geometric_network(
    n_nodes: int,
    side_km: float,
    radius_km: float,
    *,
    seed: int,
    edge_attrs: dict | None = None,
    node_attrs: dict | None = None,
) -> nx.Graph:
    """``n_nodes`` users uniform in a ``side_km`` square, linked when closer than ``radius_km``.

    Examples
    --------
    >>> g = random_geometric_network(50, 100.0, 30.0, seed=1)
    >>> all(d["length_km"] <= 30.0 for _, _, d in g.edges(data=True))
    True
    """
    n = check_int("n_nodes", n_nodes, 2)
    side = check_positive("side_km", side_km)
    radius = check_positive("radius_km", radius_km)
    rng = np.random.default_rng(check_seed("seed", seed))
    pts = rng.uniform(0.0, side, size=(n, 2))
    g = nx.random_geometric_graph(n, radius, pos={i: tuple(p) for i, p in enumerate(pts.tolist())})
    for i in g.nodes:
        g.nodes[i]["role"] = "user"
    return _finish(g, edge_attrs, node_attrs)


def waxman_network(
    n_nodes: int,
    side_km: float,
    *,
    alpha: float = 0.4,
    beta: float = 0.4,
    seed: int,
    edge_attrs: dict | None = None,
    node_attrs: dict | None = None,
) -> nx.Graph:
    """Waxman random graph: ``n_nodes`` uniform in a square, edge probability ``beta exp(-d/(alpha L))``.

    ``L`` is the largest distance between two nodes (networkx's convention).

    References
    ----------
    B. M. Waxman, "Routing of multipoint connections", IEEE J. Sel. Areas Commun. 6, 1617 (1988).

    Examples
    --------
    >>> g = waxman_network(40, 100.0, seed=2)
    >>> g.number_of_nodes()
    40
    """
    n = check_int("n_nodes", n_nodes, 2)
    side = check_positive("side_km", side_km)
    a, b = check_positive("alpha", alpha), check_positive("beta", beta)
    if b > 1:
        raise PQMSValueError(f"beta must be in (0, 1], got {b}")
    g = nx.waxman_graph(n, beta=b, alpha=a, domain=(0.0, 0.0, side, side), seed=check_seed("seed", seed))
    for i in g.nodes:
        g.nodes[i]["role"] = "user"
    return _finish(g, edge_attrs, node_attrs)


def hierarchical_network(
    n_districts: int = 10,
    nodes_per_district: int = 100,
    *,
    district_radius_km: float = 2.0,
    metro_radius_km: float = 10.0,
    neighbours: int = 2,
    seed: int,
    edge_attrs: dict | None = None,
    backbone_attrs: dict | None = None,
    node_attrs: dict | None = None,
) -> nx.Graph:
    """``n_districts`` districts of ``nodes_per_district`` nodes, joined by a ring backbone of gateways.

    The documents' "10 districts x 100 nodes" metro swarm: district ``d`` is centred on a circle of
    ``metro_radius_km``; its first node ``d * nodes_per_district`` is the gateway repeater at the centre,
    the others are users uniform in a disc of ``district_radius_km``, each linked to the gateway and to its
    ``neighbours`` nearest users in the district (a local mesh). Gateways are linked in a ring (the
    backbone, with ``backbone_attrs`` on top of ``edge_attrs``). Node attribute ``district`` = ``d``.

    Parameters
    ----------
    n_districts : int
        Number of districts ``k >= 1`` (``k >= 3`` for a ring; 2 gives one backbone edge).
    nodes_per_district : int
        Nodes per district ``m >= 1``, gateway included; the graph has ``k * m`` nodes.
    district_radius_km, metro_radius_km : float
        Radii in km, ``> 0``.
    neighbours : int
        Nearest-neighbour links per user inside its district, ``>= 0``.
    seed : int
        Seed of the user positions.

    Examples
    --------
    >>> g = hierarchical_network(4, 5, seed=0)
    >>> g.number_of_nodes(), sorted({g.nodes[n]["role"] for n in g})
    (20, ['gateway', 'user'])
    """
    k = check_int("n_districts", n_districts, 1)
    m = check_int("nodes_per_district", nodes_per_district, 1)
    if k * m < 2:
        raise PQMSValueError(f"n_districts * nodes_per_district must be >= 2, got {k * m}")
    rd = check_positive("district_radius_km", district_radius_km)
    rm = check_positive("metro_radius_km", metro_radius_km)
    nb = check_int("neighbours", neighbours, 0)
    rng = np.random.default_rng(check_seed("seed", seed))
    g = nx.Graph()
    for d in range(k):
        angle = 2 * math.pi * d / k
        cx, cy = (rm * math.cos(angle), rm * math.sin(angle)) if k > 1 else (0.0, 0.0)
        gw = d * m
        g.add_node(gw, pos=(cx, cy), role="gateway", district=d)
        r = rd * np.sqrt(rng.uniform(size=m - 1))  # uniform in the disc
        phi = rng.uniform(0.0, 2 * math.pi, size=m - 1)
        pts = np.column_stack([cx + r * np.cos(phi), cy + r * np.sin(phi)])
        users = list(range(gw + 1, gw + m))
        for i, node in enumerate(users):
            g.add_node(node, pos=(float(pts[i, 0]), float(pts[i, 1])), role="user", district=d)
            g.add_edge(gw, node)
        if nb and len(users) > 1:
            dist = np.linalg.norm(pts[:, None, :] - pts[None, :, :], axis=-1)
            np.fill_diagonal(dist, np.inf)
            for i in range(len(users)):
                for j in np.argsort(dist[i])[: min(nb, len(users) - 1)]:
                    g.add_edge(users[i], users[int(j)])
    _finish(g, edge_attrs, node_attrs)
    backbone = [(d * m, ((d + 1) % k) * m) for d in range(k if k > 2 else k - 1)]
    pos = nx.get_node_attributes(g, "pos")
    for u, v in backbone:
        attrs: dict[str, Any] = {"length_km": math.dist(pos[u], pos[v]), "backbone": True}
        attrs.update(edge_attrs or {})
        attrs.update(backbone_attrs or {})
        g.add_edge(u, v, **attrs)
    return g


def build_topology(name: str, *, seed: int = 0, **params: Any) -> nx.Graph:
    """Dispatch on ``name`` (one of :data:`TOPOLOGIES`) to the matching ``<name>_network`` builder.

    Examples
    --------
    >>> build_topology("ring", n_nodes=5, radius_km=3.0).number_of_nodes()
    5
    """
    from pqms_physics.errors import check_choice

    check_choice("topology", name, TOPOLOGIES)
    builder = globals()[f"{name}_network"]
    if name in ("random_geometric", "waxman", "hierarchical"):
        params["seed"] = seed
    return builder(**params)


__all__ = [
    "TOPOLOGIES",
    "chain_network",
    "ring_network",
    "grid_network",
    "star_network",
    "random_geometric_network",
    "waxman_network",
    "hierarchical_network",
    "build_topology",
]
