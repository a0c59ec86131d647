"""Routes through a network: end-to-end Werner fidelity, waiting time, capacity; best routes and trade-offs.

The end-to-end state of a route
-------------------------------
Each edge delivers a Werner pair of fidelity ``F_e`` (``link_fidelity``; Werner parameter
``w_e = (4F_e - 1)/3``); every interior node swaps with its Duer noise (``gate_fidelity``,
``measurement_fidelity``). Bell-diagonal states compose by XOR convolution, i.e. by multiplying their
Walsh–Hadamard characters (:mod:`pqms_physics.core.bell_algebra`): the end-to-end characters are
``chi_s = prod_e w_e * prod_v g_v,s * memory_s`` (``s = X, Y, Z``), ``F = (1 + chi_X + chi_Y + chi_Z)/4``.

Memories (best case, stated): a qubit waits only for the signals it must receive, under depolarising
decoherence ``exp(-t/T)`` (``coherence_time_s`` of its node): both qubits of edge ``e`` wait its
heralding time ``L_e/c``, and the two end qubits wait the Bell-measurement outcomes from across the
route, ``L_route/c`` (``c`` = :data:`pqms_physics.conventions.FIBRE_SPEED_KM_PER_S`). Waiting for slower
links is not included, so this is an upper bound on the fidelity of a real schedule.

Rate (labelled ``"parallel-then-swap"``): every link is attempted each round until all exist (perfect
memories for the timing), then all swaps succeed at once; a round lasts the longest link's heralding time
``max_e L_e/c``. Mean rounds from :func:`pqms_physics.network.graphs.waiting.expected_rounds`.

QBER: ``Q_Z = w_X + w_Y`` (bit flips in the Z basis) and ``Q_X = w_Y + w_Z`` from the Bell weights.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from pqms_physics.conventions import FIBRE_SPEED_KM_PER_S
from pqms_physics.core import bell_algebra as ba
from pqms_physics.errors import PQMSValueError, check_choice, check_int
from pqms_physics.network.graphs.capacity import _endpoints, _path_to, widest_paths
from pqms_physics.network.graphs.model import NetworkModel, as_model
from pqms_physics.network.graphs.waiting import expected_rounds

ROUTE_METRICS: tuple[str, ...] = ("capacity", "fidelity", "rate")
RATE_MODEL = "parallel-then-swap (all links kept until all exist, deterministic swaps)"
_TINY = 1e-300


@dataclass(frozen=True)
class Route:
    """One route and what it delivers.

    ``capacity`` (ebits per use) is the route's bottleneck edge capacity; ``fidelity`` the end-to-end
    fidelity with ``|Phi+>``; ``qber_z``/``qber_x`` the error rates in the Z and X bases;
    ``expected_rounds`` and ``rate_per_s`` from the parallel-then-swap model (``rate_model``).
    ``note`` says how the route was chosen.
    """

    path: tuple
    length_km: float
    capacity: float
    fidelity: float
    qber_z: float
    qber_x: float
    expected_rounds: float
    round_time_s: float
    rate_per_s: float
    rate_model: str = RATE_MODEL
    note: str = ""

    @property
    def hops(self) -> int:
        return len(self.path) - 1

    def to_dict(self) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["path"] = list(self.path)
        out["hops"] = self.hops
        if math.isinf(out["expected_rounds"]):
            out["expected_rounds"] = None
        return out


def _edge_chars(model: NetworkModel, u: Hashable, v: Hashable, end_rate_per_s: float) -> np.ndarray:
    """Characters (X, Y, Z) an edge contributes: its Werner link, its herald wait, its share of the end wait."""
    d = model.graph[u][v]
    nodes = model.graph.nodes
    w = (4.0 * d["link_fidelity"] - 1.0) / 3.0
    herald_s = d["length_km"] / FIBRE_SPEED_KM_PER_S
    decay = math.exp(-herald_s * (1.0 / nodes[u]["coherence_time_s"] + 1.0 / nodes[v]["coherence_time_s"]))
    decay *= math.exp(-herald_s * end_rate_per_s)
    return np.full(3, w * decay)


def _node_chars(model: NetworkModel, v: Hashable) -> np.ndarray:
    n = model.graph.nodes[v]
    return ba.swap_factor(n["gate_fidelity"], n["measurement_fidelity"])[1:]


def _end_rate(model: NetworkModel, s: Hashable, t: Hashable) -> float:
    nodes = model.graph.nodes
    return 1.0 / nodes[s]["coherence_time_s"] + 1.0 / nodes[t]["coherence_time_s"]


def _evaluate(model: NetworkModel, path: Sequence, note: str = "") -> Route:
    g = model.graph
    edges = list(itertools.pairwise(path))
    end_rate = _end_rate(model, path[0], path[-1])
    chars = np.ones(3)
    for u, v in edges:
        chars = chars * _edge_chars(model, u, v, end_rate)
    for v in path[1:-1]:
        chars = chars * _node_chars(model, v)
    weights = ba.from_characters(np.concatenate([[1.0], chars]))
    lengths = [g[u][v]["length_km"] for u, v in edges]
    rounds = expected_rounds([g[u][v]["p_link"] for u, v in edges])
    round_s = max(lengths) / FIBRE_SPEED_KM_PER_S
    rate = 0.0 if math.isinf(rounds) else 1.0 / (rounds * round_s) if round_s > 0 else math.inf
    return Route(
        path=tuple(path),
        length_km=float(sum(lengths)),
        capacity=float(min(g[u][v]["capacity"] for u, v in edges)),
        fidelity=float(weights[0]),
        qber_z=float(weights[1] + weights[2]),
        qber_x=float(weights[2] + weights[3]),
        expected_rounds=float(rounds),
        round_time_s=float(round_s),
        rate_per_s=float(rate),
        note=note,
    )


def evaluate_route(graph: nx.Graph | NetworkModel, path: Sequence[Hashable]) -> Route:
    """Fidelity, QBER, capacity and parallel-then-swap rate of a given route.

    Parameters
    ----------
    graph : networkx.Graph, networkx.DiGraph or NetworkModel
    path : sequence of hashable
        Distinct nodes, consecutive ones joined by an edge; at least two.

    Returns
    -------
    Route

    Notes
    -----
    See the module docstring: ``F = (1 + sum_s chi_s)/4`` with ``chi_s = prod_e w_e prod_v g_v,s`` times the
    memory factors; for Werner-symmetric swaps (``measurement_fidelity = 1``) ``F = (1 + 3 w)/4`` with
    ``w = prod_e w_e prod_v p_v``.

    References
    ----------
    W. Duer, H.-J. Briegel, J. I. Cirac, P. Zoller, Phys. Rev. A 59, 169 (1999).

    Examples
    --------
    >>> from pqms_physics.network.graphs.topologies import chain_network
    >>> g = chain_network(100.0, 1, edge_attrs={"link_fidelity": 0.97})
    >>> print(f"{evaluate_route(g, [0, 1, 2]).fidelity:.6f}")   # (1 + 3 w^2)/4, w = 0.96
    0.941200
    """
    model = as_model(graph)
    path = list(path)
    if len(path) < 2:
        raise PQMSValueError(f"path must have at least 2 nodes, got {len(path)}")
    for n in path:
        model.check_node("path node", n)
    if len(set(path)) != len(path):
        raise PQMSValueError(f"path must not revisit a node, got {path!r}")
    for u, v in itertools.pairwise(path):
        if not model.graph.has_edge(u, v):
            raise PQMSValueError(f"path uses ({u!r}, {v!r}), which is not an edge of the network")
    return _evaluate(model, path, "given route")


def _fidelity_weight(model: NetworkModel, s: Hashable, t: Hashable) -> Callable[[Hashable, Hashable, dict], float]:
    """Additive surrogate ``-log|chi|`` per edge (interior-node swap noise split over its two edges)."""
    end_rate = _end_rate(model, s, t)
    node_cost: dict = {}

    def cost(v: Hashable) -> float:  # computed on first visit: a single query on a 1e5-node graph touches few nodes
        if v not in node_cost:
            node_cost[v] = -0.5 * math.log(max(abs(float(np.mean(_node_chars(model, v)))), _TINY))
        return node_cost[v]

    def weight(u: Hashable, v: Hashable, d: dict) -> float:
        return -math.log(max(abs(float(_edge_chars(model, u, v, end_rate)[0])), _TINY)) + cost(u) + cost(v)

    return weight


def _rate_weight(u: Hashable, v: Hashable, d: dict) -> float:
    return -math.log(max(d["p_link"], _TINY))


def _top_k(model: NetworkModel, s: Hashable, t: Hashable, weight: Callable | str, k: int) -> list[tuple]:
    return [tuple(p) for p in itertools.islice(nx.shortest_simple_paths(model.graph, s, t, weight=weight), k)]


def _candidates(model: NetworkModel, s: Hashable, t: Hashable, by: str, k: int) -> list[tuple]:
    if by == "fidelity":
        found = _top_k(model, s, t, _fidelity_weight(model, s, t), k)
    else:  # rate: rank by -log p (product of success probabilities), by hops, and the widest route in p
        found = _top_k(model, s, t, _rate_weight, k) + _top_k(model, s, t, None, k)
        found += _top_k(model, s, t, "length_km", k)
    return list(dict.fromkeys(found))


def best_path(
    graph: nx.Graph | NetworkModel, source: Hashable, target: Hashable, *, by: str = "capacity", candidates: int = 8
) -> Route:
    """The best route between two nodes by capacity, end-to-end fidelity or rate.

    Parameters
    ----------
    graph : networkx.Graph, networkx.DiGraph or NetworkModel
    source, target : hashable
        Distinct, connected nodes.
    by : {"capacity", "fidelity", "rate"}
        ``"capacity"``: the widest path (exact). ``"fidelity"``: the route of highest end-to-end fidelity;
        exact when every swap is Werner-symmetric (``measurement_fidelity = 1``: the fidelity is then
        monotone in an additive path weight), otherwise the best of the ``candidates`` routes ranked by that
        weight. ``"rate"``: the highest parallel-then-swap rate (pairs per s) among the ``candidates``
        routes of highest success-probability product, fewest hops and shortest length (labelled in
        ``rate_model``: the ``"parallel"`` scheme of :mod:`pqms_physics.network.protocols` with deterministic
        swaps and perfect memories, extended to links of unequal ``p_link``; memory cutoffs, swap-asap and
        probabilistic swaps are that engine's, for chains of equal links).
    candidates : int
        Routes per ranking examined, ``>= 1``.

    Returns
    -------
    Route
        ``note`` says how it was chosen.

    Raises
    ------
    PQMSValueError
        Unknown nodes, a bad ``by``, or no route between the nodes.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_edge("a", "b", length_km=10.0, link_fidelity=0.90)
    >>> g.add_edge("a", "r", length_km=10.0, link_fidelity=0.99)
    >>> g.add_edge("r", "b", length_km=10.0, link_fidelity=0.99)
    >>> best_path(g, "a", "b", by="fidelity").path, best_path(g, "a", "b", by="rate").path
    (('a', 'r', 'b'), ('a', 'b'))
    """
    model = as_model(graph)
    check_choice("by", by, ROUTE_METRICS)
    k = check_int("candidates", candidates, 1)
    _endpoints(model, source, target)
    if not nx.has_path(model.graph, source, target):
        raise PQMSValueError(f"no route joins {source!r} and {target!r} (their capacity is 0)")
    if by == "capacity":
        _, pred = widest_paths(model, source)
        return _evaluate(model, _path_to(pred, target), "widest path (exact)")
    symmetric = all(d["measurement_fidelity"] == 1.0 for _, d in model.graph.nodes(data=True))
    if by == "fidelity" and symmetric:  # F is monotone in the additive weight: one Dijkstra is exact
        path = nx.dijkstra_path(model.graph, source, target, weight=_fidelity_weight(model, source, target))
        return _evaluate(model, path, "highest fidelity (exact: Werner-symmetric swaps make it a shortest path)")
    routes = [_evaluate(model, p) for p in _candidates(model, source, target, by, k)]
    key = (lambda r: r.fidelity) if by == "fidelity" else (lambda r: r.rate_per_s)
    best = max(routes, key=key)
    return _evaluate(model, best.path, f"best {by} of {len(routes)} candidate routes")


def k_shortest_paths(
    graph: nx.Graph | NetworkModel, source: Hashable, target: Hashable, k: int, *, weight: str = "length_km"
) -> list[tuple]:
    """The ``k`` shortest simple routes by ``weight`` (an edge attribute; ``"hops"`` counts edges), Yen's
    algorithm (networkx ``shortest_simple_paths``).

    Examples
    --------
    >>> from pqms_physics.network.graphs.topologies import ring_network
    >>> k_shortest_paths(ring_network(6, 1.0), 0, 2, 2)
    [(0, 1, 2), (0, 5, 4, 3, 2)]
    """
    model = as_model(graph)
    n = check_int("k", k, 1)
    check_choice("weight", weight, ("length_km", "hops"))
    _endpoints(model, source, target)
    if not nx.has_path(model.graph, source, target):
        return []
    return _top_k(model, source, target, None if weight == "hops" else weight, n)


@dataclass(frozen=True)
class RouteTradeoff:
    """Candidate routes between two users with their fidelity and rate; ``pareto[i]`` is True when no
    other route has both a higher-or-equal fidelity and rate (one of them strictly)."""

    source: Hashable
    target: Hashable
    routes: tuple[Route, ...]
    pareto: tuple[bool, ...]

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "target": self.target,
            "routes": [r.to_dict() for r in self.routes],
            "pareto": list(self.pareto),
        }


def route_tradeoff(
    graph: nx.Graph | NetworkModel, source: Hashable, target: Hashable, *, candidates: int = 5
) -> RouteTradeoff:
    """The fidelity/rate trade-off between the best routes by fidelity, by rate and by capacity.

    Examples
    --------
    >>> from pqms_physics.network.graphs.topologies import grid_network
    >>> t = route_tradeoff(grid_network(3, 3, 20.0, edge_attrs={"link_fidelity": 0.98}), 0, 8)
    >>> all(r.hops == 4 for r in t.routes), any(t.pareto)
    (True, True)
    """
    model = as_model(graph)
    k = check_int("candidates", candidates, 1)
    _endpoints(model, source, target)
    if not nx.has_path(model.graph, source, target):
        raise PQMSValueError(f"no route joins {source!r} and {target!r} (their capacity is 0)")
    _, pred = widest_paths(model, source)
    paths = _candidates(model, source, target, "fidelity", k) + _candidates(model, source, target, "rate", k)
    paths = list(dict.fromkeys(paths + [_path_to(pred, target)]))
    routes = sorted((_evaluate(model, p, "candidate") for p in paths), key=lambda r: (-r.fidelity, -r.rate_per_s))
    pareto = tuple(
        not any(
            (o.fidelity >= r.fidelity and o.rate_per_s >= r.rate_per_s)
            and (o.fidelity > r.fidelity or o.rate_per_s > r.rate_per_s)
            for o in routes
        )
        for r in routes
    )
    return RouteTradeoff(source, target, tuple(routes), pareto)


__all__ = [
    "ROUTE_METRICS",
    "RATE_MODEL",
    "Route",
    "RouteTradeoff",
    "evaluate_route",
    "best_path",
    "k_shortest_paths",
    "route_tradeoff",
]
