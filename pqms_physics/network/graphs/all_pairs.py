"""All-pairs capacities of a network: single-path through the maximum spanning tree, multipath through
Gusfield's flow tree (``n - 1`` maximum flows), never ``n^2`` independent computations.

The widest path between two nodes of a graph is the bottleneck path of its maximum spanning tree (Hu 1961), so
all single-path capacities come from one spanning tree; the minimum cuts of all pairs are encoded in a
Gomory–Hu tree, built here in Gusfield's form with Dinic's algorithm compiled with Numba
(:mod:`pqms_physics.kernels.maxflow`).

References
----------
T. C. Hu, "The maximum capacity route problem", Oper. Res. 9, 898 (1961).
R. E. Gomory, T. C. Hu, "Multi-terminal network flows", J. SIAM 9, 551 (1961).
D. Gusfield, "Very simple methods for all pairs network flow analysis", SIAM J. Comput. 19, 143 (1990).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
from networkx.algorithms.flow import preflow_push

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.graphs.capacity import UNITS, widest_paths
from pqms_physics.network.graphs.model import NetworkModel, as_model

if TYPE_CHECKING:
    import xarray as xr


@dataclass(frozen=True, eq=False)
class CapacityMatrix:
    """All-pairs capacities: ``values[i, j]`` between ``nodes[i]`` and ``nodes[j]`` (ebits per use).

    The diagonal is NaN (a node does not share a channel with itself); disconnected pairs are 0.
    ``method`` says how it was computed.
    """

    nodes: tuple
    values: np.ndarray
    multipath: bool
    method: str
    units: str = UNITS

    def capacity(self, u: Hashable, v: Hashable) -> float:
        index = {n: i for i, n in enumerate(self.nodes)}
        return float(self.values[index[u], index[v]])

    def to_xarray(self) -> xr.DataArray:
        """The matrix as an :class:`xarray.DataArray` with dims ``("source", "target")``."""
        import xarray as xr

        return xr.DataArray(
            self.values,
            dims=("source", "target"),
            coords={"source": list(self.nodes), "target": list(self.nodes)},
            attrs={"units": self.units, "multipath": int(self.multipath), "method": self.method},
        )

    def to_dict(self) -> dict:
        rows = [[None if math.isnan(x) else float(x) for x in row] for row in self.values.tolist()]
        return {
            "nodes": list(self.nodes),
            "values": rows,
            "multipath": self.multipath,
            "method": self.method,
            "units": self.units,
        }


def bottleneck_matrix(n: int, edges: Sequence[tuple[int, int, float]], keep: np.ndarray | None = None) -> np.ndarray:
    """Max-min (bottleneck) capacities between all pairs of ``n`` indexed nodes (trusted inputs).

    Kruskal's maximum spanning forest: edges in decreasing capacity; when an edge first joins two
    components, every pair across them has that edge as its bottleneck. ``keep`` (indices) restricts the
    rows and columns filled and returned. O(E log E + n_keep^2).
    """
    keep_idx = np.arange(n) if keep is None else np.asarray(keep)
    slot = np.full(n, -1, dtype=np.int64)
    slot[keep_idx] = np.arange(len(keep_idx))
    out = np.zeros((len(keep_idx), len(keep_idx)))
    parent = list(range(n))
    members = [[int(slot[i])] if slot[i] >= 0 else [] for i in range(n)]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v, c in sorted(edges, key=lambda e: -e[2]):
        ru, rv = find(u), find(v)
        if ru == rv:
            continue
        a, b = members[ru], members[rv]
        if a and b:
            ia, ib = np.array(a), np.array(b)
            out[np.ix_(ia, ib)] = c
            out[np.ix_(ib, ia)] = c
        if len(a) < len(b):
            ru, rv, a, b = rv, ru, b, a
        parent[rv] = ru
        a.extend(b)
        members[rv] = []
    np.fill_diagonal(out, np.nan)
    return out


def gomory_hu_edges(g: nx.Graph, index: dict, *, engine: str = "numba") -> list[tuple[int, int, float]]:
    """Edges ``(i, j, min cut)`` of an equivalent flow tree of the undirected graph ``g`` (trusted inputs).

    ``engine="numba"``: Gusfield's algorithm on :mod:`pqms_physics.kernels.maxflow` (Dinic, floating point);
    ``"networkx"``: ``networkx.gomory_hu_tree`` (preflow-push) per connected component, the slow oracle.
    """
    if engine == "networkx":
        edges = []
        for comp in nx.connected_components(g):
            if len(comp) > 1:
                tree = nx.gomory_hu_tree(g.subgraph(comp), capacity="capacity", flow_func=preflow_push)
                edges.extend((index[u], index[v], float(w)) for u, v, w in tree.edges(data="weight"))
        return edges
    from pqms_physics.kernels.maxflow import arcs_from_edges, gusfield_tree

    pairs = np.array([(index[u], index[v]) for u, v in g.edges], dtype=np.int64).reshape(-1, 2)
    caps = np.array([c for _, _, c in g.edges(data="capacity")], dtype=float)
    parent, weight = gusfield_tree(arcs_from_edges(len(index), pairs, caps))
    return [(i, int(parent[i]), float(weight[i])) for i in range(1, len(index))]


def capacity_matrix(
    graph: nx.Graph | NetworkModel, nodes: Sequence[Hashable] | None = None, *, multipath: bool = False
) -> CapacityMatrix:
    """Capacities between all pairs of ``nodes`` (default: every node), as a labelled matrix.

    Parameters
    ----------
    graph : networkx.Graph, networkx.DiGraph or NetworkModel
    nodes : sequence of hashable, optional
        Distinct nodes to report, in this order.
    multipath : bool
        False: single-path (widest path); True: flooding (minimum cut; undirected graphs only).

    Returns
    -------
    CapacityMatrix

    Notes
    -----
    Undirected single-path: one Kruskal pass over the edges sorted by capacity (maximum spanning
    forest); O(E log E + n^2). Directed single-path: one bottleneck Dijkstra per source node.
    Multipath: Gusfield's equivalent flow tree (the Gomory–Hu construction without contractions: ``n - 1``
    maximum flows, Dinic's algorithm in Numba), whose path minima are the pairwise minimum cuts; never
    ``n^2`` independent flows. With ``nodes`` a subset,
    the tree is still built over the whole graph.

    References
    ----------
    R. E. Gomory, T. C. Hu, J. SIAM 9, 551 (1961); S. Pirandola, Commun. Phys. 2, 51 (2019).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_edge("s", "a", transmissivity=0.5); g.add_edge("a", "t", transmissivity=0.5)
    >>> g.add_edge("s", "b", transmissivity=0.5); g.add_edge("b", "t", transmissivity=0.5)
    >>> cm = capacity_matrix(g, ["s", "t"], multipath=True)
    >>> print(f"{cm.capacity('s', 't'):.3f}")  # two disjoint routes of 1 ebit each
    2.000
    """
    model = as_model(graph)
    g = model.graph
    if nodes is None:
        nodes = list(g.nodes)
    else:
        nodes = list(nodes)
        for n in nodes:
            model.check_node("node", n)
        if len(set(nodes)) != len(nodes):
            raise PQMSValueError("nodes must be distinct, got a repeated node")
    index = {n: i for i, n in enumerate(g.nodes)}
    keep = np.array([index[n] for n in nodes], dtype=np.int64)
    if multipath:
        if model.directed:
            raise PQMSValueError(
                "multipath capacity_matrix needs an undirected graph (Gomory-Hu trees exist "
                "for undirected graphs only); use network_capacity per pair, got a DiGraph"
            )
        values = bottleneck_matrix(len(index), gomory_hu_edges(g, index), keep)
        method = "Gusfield equivalent flow tree (n - 1 Dinic maximum flows)"
    elif not model.directed:
        edges = [(index[u], index[v], c) for u, v, c in g.edges(data="capacity")]
        values = bottleneck_matrix(len(index), edges, keep)
        method = "maximum spanning forest (Kruskal bottleneck distances)"
    else:
        values = np.zeros((len(nodes), len(nodes)))
        col = {n: j for j, n in enumerate(nodes)}
        for i, s in enumerate(nodes):
            best, _ = widest_paths(model, s)
            for t, c in best.items():
                if t in col:
                    values[i, col[t]] = c
        np.fill_diagonal(values, np.nan)
        method = "bottleneck Dijkstra from every source (directed)"
    values.setflags(write=False)
    return CapacityMatrix(tuple(nodes), values, bool(multipath), method)


__all__ = ["CapacityMatrix", "capacity_matrix", "bottleneck_matrix", "gomory_hu_edges"]
