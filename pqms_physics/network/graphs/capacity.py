"""End-to-end capacities of a quantum network: single-path (widest path) and multipath (minimum cut).

Pirandola's bounds (Commun. Phys. 2, 51 (2019)) for a network whose edges are distillable channels
(pure loss, erasure, dephasing) are achievable and tight:

* **single-path** capacity between users ``a`` and ``b``: the widest path,
  ``C_1(a, b) = max_{routes P} min_{e in P} C_e`` (Eq. (9));
* **multipath (flooding)** capacity: the minimum cut with the edge capacities as weights,
  ``C_m(a, b) = min_{cuts} sum_{e in cut} C_e`` (Eq. (15)), i.e. the maximum flow.

All pairs at once (:mod:`~pqms_physics.network.graphs.all_pairs`): single-path through the maximum spanning
tree (the widest path between two nodes runs along it; the bottleneck distances of all pairs come from one
Kruskal pass), multipath through a
Gomory–Hu tree in Gusfield's form (``n - 1`` maximum flows, Dinic's algorithm compiled with Numba in
:mod:`pqms_physics.kernels.maxflow`, give an equivalent flow tree whose path minima are every pairwise
minimum cut). Capacities are in ebits
(equivalently secret-key bits) per channel use.

References
----------
S. Pirandola, "End-to-end capacities of a quantum communication network", Commun. Phys. 2, 51 (2019).
T. C. Hu, "The maximum capacity route problem", Oper. Res. 9, 898 (1961).
R. E. Gomory, T. C. Hu, "Multi-terminal network flows", J. SIAM 9, 551 (1961).
D. Gusfield, "Very simple methods for all pairs network flow analysis", SIAM J. Comput. 19, 143 (1990).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
from networkx.algorithms.flow import build_residual_network, preflow_push

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.graphs.model import NetworkModel, as_model

UNITS = "ebits per channel use"


@dataclass(frozen=True)
class NetworkCapacity:
    """Result of :func:`network_capacity`.

    ``path``: the widest route (single-path; ``None`` for multipath or when disconnected); ``cut``: the
    edges of a minimum cut (multipath). ``connected`` is False when no route joins the users (capacity 0,
    and ``note`` says so).
    """

    source: Hashable
    target: Hashable
    capacity: float
    multipath: bool
    path: tuple | None
    cut: tuple | None
    connected: bool
    note: str
    units: str = UNITS

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "target": self.target,
            "capacity": self.capacity,
            "multipath": self.multipath,
            "path": None if self.path is None else list(self.path),
            "cut": None if self.cut is None else [list(e) for e in self.cut],
            "connected": self.connected,
            "note": self.note,
            "units": self.units,
        }


def widest_paths(model: NetworkModel, source: Hashable) -> tuple[dict, dict]:
    """Bottleneck (max-min) Dijkstra from ``source`` (trusted inputs): ``(capacity, predecessor)`` dicts.

    Reached nodes only; the source has capacity ``inf``. Edges are followed in their direction in a
    directed graph.
    """
    adj = model.graph.adj  # successors in a DiGraph
    best = {source: math.inf}
    pred: dict = {source: None}
    done = set()
    heap = [(-math.inf, 0, source)]
    counter = 1
    while heap:
        neg, _, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        cu = -neg
        for v, data in adj[u].items():
            if v in done:
                continue
            c = min(cu, data["capacity"])
            if c > best.get(v, -1.0):
                best[v] = c
                pred[v] = u
                heapq.heappush(heap, (-c, counter, v))
                counter += 1
    return best, pred


def _path_to(pred: dict, target: Hashable) -> tuple:
    path = [target]
    while pred[path[-1]] is not None:
        path.append(pred[path[-1]])
    return tuple(reversed(path))


def _endpoints(model: NetworkModel, source: Hashable, target: Hashable) -> None:
    model.check_node("source", source)
    model.check_node("target", target)
    if source == target:
        raise PQMSValueError(f"source and target must differ, got {source!r} for both")


def network_capacity(
    graph: nx.Graph | NetworkModel, source: Hashable, target: Hashable, *, multipath: bool = False
) -> NetworkCapacity:
    """End-to-end capacity between two nodes, in ebits (or secret-key bits) per channel use.

    Parameters
    ----------
    graph : networkx.Graph, networkx.DiGraph or NetworkModel
        The network (see :mod:`pqms_physics.network.graphs.model` for its attributes).
    source, target : hashable
        Two distinct nodes.
    multipath : bool
        False: single-path (one route at a time; widest path). True: flooding (all routes at once;
        minimum cut).

    Returns
    -------
    NetworkCapacity
        Capacity 0 with ``connected=False`` and a note when no route joins the two nodes.

    Notes
    -----
    ``C_1 = max_P min_{e in P} C_e`` and ``C_m = min_cut sum_{e in cut} C_e`` with
    ``C_e = -log2(1 - eta_e)`` for a pure-loss edge. A chain of ``N`` equally spaced repeaters over ``L``
    gives ``-log2(1 - eta_L^{1/(N+1)})`` either way.

    References
    ----------
    S. Pirandola, Commun. Phys. 2, 51 (2019), Eqs. (9) and (15).

    Examples
    --------
    >>> from pqms_physics.network.graphs.topologies import chain_network
    >>> g = chain_network(200.0, 3)                 # four 50 km edges, eta = 0.1 each
    >>> print(f"{network_capacity(g, 0, 4).capacity:.6f}")    # -log2(0.9)
    0.152003
    """
    model = as_model(graph)
    _endpoints(model, source, target)
    g = model.graph
    if not nx.has_path(g, source, target):
        return NetworkCapacity(
            source,
            target,
            0.0,
            bool(multipath),
            None,
            None,
            False,
            f"no route joins {source!r} and {target!r}: capacity 0",
        )
    if not multipath:
        best, pred = widest_paths(model, source)
        path = _path_to(pred, target)
        return NetworkCapacity(
            source, target, float(best[target]), False, path, None, True, "widest path (single-path capacity)"
        )
    value, (side_s, side_t) = nx.minimum_cut(g, source, target, capacity="capacity", flow_func=preflow_push)
    side_t = set(side_t)
    cut = tuple((u, v) for u in side_s for v in g.adj[u] if v in side_t)
    return NetworkCapacity(source, target, float(value), True, None, cut, True, "minimum cut (flooding capacity)")


@dataclass(frozen=True, eq=False)
class SourceCapacities:
    """Capacities from one ``source`` to ``nodes`` (0 where unreachable, ``inf`` at the source), ebits per use."""

    source: Hashable
    nodes: tuple
    values: np.ndarray
    multipath: bool = False
    units: str = UNITS

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "nodes": list(self.nodes),
            "multipath": self.multipath,
            "values": [None if math.isinf(x) else float(x) for x in self.values.tolist()],
            "units": self.units,
        }


def single_source_capacity(
    graph: nx.Graph | NetworkModel,
    source: Hashable,
    targets: Sequence[Hashable] | None = None,
    *,
    multipath: bool = False,
) -> SourceCapacities:
    """Capacities from ``source`` to ``targets`` (default: every node), single-path or multipath.

    Single-path: one bottleneck Dijkstra, O(E log n) for all targets at once (a 1e5-node graph takes about a
    second). Multipath: one maximum flow per target (Dinic in Numba on arcs built once; preflow-push on one
    residual network for a DiGraph). The source's own entry is ``inf``; unreachable nodes get 0.

    Examples
    --------
    >>> from pqms_physics.network.graphs.topologies import star_network
    >>> res = single_source_capacity(star_network(3, 50.0), 1)
    >>> print(", ".join(f"{c:.6f}" for c in res.values[[0, 2, 3]]))
    0.152003, 0.152003, 0.152003
    """
    model = as_model(graph)
    model.check_node("source", source)
    nodes = tuple(model.graph.nodes) if targets is None else tuple(targets)
    for n in nodes:
        model.check_node("target", n)
    if not multipath:
        best, _ = widest_paths(model, source)
        values = np.array([best.get(n, 0.0) for n in nodes])
    else:
        g = model.graph
        if model.directed:
            residual = build_residual_network(g, "capacity")
            reach = nx.descendants(g, source)
            values = np.array(
                [
                    math.inf
                    if n == source
                    else 0.0
                    if n not in reach
                    else preflow_push(g, source, n, capacity="capacity", residual=residual, value_only=True).graph[
                        "flow_value"
                    ]
                    for n in nodes
                ],
                dtype=float,
            )
        else:  # Dinic (Numba) on arcs built once
            from pqms_physics.kernels.maxflow import arcs_from_edges, dinic

            index = {v: i for i, v in enumerate(g)}
            pairs = np.array([(index[u], index[v]) for u, v in g.edges], dtype=np.int64).reshape(-1, 2)
            arcs = arcs_from_edges(len(index), pairs, np.array([c for *_, c in g.edges(data="capacity")], float))
            values = np.array([math.inf if n == source else dinic(arcs, index[source], index[n])[0] for n in nodes])
    values.setflags(write=False)
    return SourceCapacities(source, nodes, values, bool(multipath))


__all__ = ["NetworkCapacity", "SourceCapacities", "network_capacity", "single_source_capacity", "widest_paths"]
