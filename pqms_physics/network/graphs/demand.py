"""Many user pairs at once: share the edge capacities among their routes, and say who meets a fidelity bar.

Each pair ``(a, b)`` asks for ``rate`` ebits per channel use. Its candidate routes are the best
``routes_per_pair`` by end-to-end fidelity (:mod:`pqms_physics.network.graphs.routing`); only routes whose
fidelity reaches ``fidelity_threshold`` may carry its demand. The routes share the edges as a multicommodity
flow: the flows of all routes through an edge add up to at most its capacity ``C_e`` (Pirandola's
multipath picture, Commun. Phys. 2, 51 (2019)). The allocation is max-min fair, then maximal: first the
largest common served fraction ``lambda`` of every demand is found, then, with each pair held at
``lambda`` of its demand or more, the total served rate is maximised (two linear programs, HiGHS).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.optimize import linprog

from pqms_physics.errors import PQMSValueError, check_in_range, check_int, check_nonnegative
from pqms_physics.network.graphs.capacity import _endpoints
from pqms_physics.network.graphs.model import NetworkModel, as_model
from pqms_physics.network.graphs.routing import _candidates, _evaluate


@dataclass(frozen=True)
class Demand:
    """A pair of users and the rate they ask for (ebits per channel use, ``>= 0``)."""

    source: Hashable
    target: Hashable
    rate: float


@dataclass(frozen=True)
class PairService:
    """What one pair gets: ``served`` ebits per use split over ``routes`` (``route_rates``), the fidelity of
    each route, and whether any candidate route reaches the threshold (``meets_threshold``)."""

    source: Hashable
    target: Hashable
    demand: float
    served: float
    routes: tuple
    route_rates: tuple
    route_fidelities: tuple
    best_fidelity: float
    meets_threshold: bool

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "target": self.target,
            "demand": self.demand,
            "served": self.served,
            "routes": [list(r) for r in self.routes],
            "route_rates": list(self.route_rates),
            "route_fidelities": list(self.route_fidelities),
            "best_fidelity": self.best_fidelity,
            "meets_threshold": self.meets_threshold,
        }


@dataclass(frozen=True)
class DemandResult:
    """Result of :func:`serve_demands`; ``fair_fraction`` is the max-min served fraction ``lambda``."""

    pairs: tuple[PairService, ...]
    fidelity_threshold: float
    fair_fraction: float
    total_served: float
    method: str

    @property
    def n_meeting_threshold(self) -> int:
        return sum(p.meets_threshold for p in self.pairs)

    def to_dict(self) -> dict:
        return {
            "pairs": [p.to_dict() for p in self.pairs],
            "fidelity_threshold": self.fidelity_threshold,
            "fair_fraction": self.fair_fraction,
            "total_served": self.total_served,
            "method": self.method,
            "n_meeting_threshold": self.n_meeting_threshold,
        }


def _as_demands(model: NetworkModel, demands: Sequence[Demand | tuple]) -> list[Demand]:
    out = []
    for i, d in enumerate(demands):
        d = d if isinstance(d, Demand) else Demand(*d)
        _endpoints(model, d.source, d.target)
        out.append(Demand(d.source, d.target, check_nonnegative(f"demands[{i}].rate", d.rate)))
    return out


def serve_demands(
    graph: nx.Graph | NetworkModel,
    demands: Sequence[Demand | tuple],
    *,
    fidelity_threshold: float = 0.0,
    routes_per_pair: int = 3,
) -> DemandResult:
    """Distribute several pairs' demands over their routes under the shared edge capacities.

    Parameters
    ----------
    graph : networkx.Graph or NetworkModel
        Undirected network.
    demands : sequence of Demand or (source, target, rate)
        ``rate`` in ebits per channel use, ``>= 0``.
    fidelity_threshold : float
        End-to-end fidelity in [0, 1] a route must reach to carry demand.
    routes_per_pair : int
        Candidate routes per pair (best by fidelity), ``>= 1``.

    Returns
    -------
    DemandResult

    Notes
    -----
    Variables ``x_{p,r} >= 0`` (rate of pair ``p`` on route ``r``); constraints
    ``sum_{(p,r) through e} x_{p,r} <= C_e`` and ``sum_r x_{p,r} <= d_p``. Stage 1 maximises ``lambda`` with
    ``sum_r x_{p,r} >= lambda d_p``; stage 2 fixes ``lambda`` and maximises ``sum x``. Pairs without an
    admissible route are reported with ``served = 0`` and excluded from the fairness constraint.

    References
    ----------
    S. Pirandola, Commun. Phys. 2, 51 (2019); D. Bertsekas, R. Gallager, Data Networks, ch. 6 (max-min fairness).

    Examples
    --------
    >>> from pqms_physics.network.graphs.topologies import star_network
    >>> g = star_network(3, 50.0)                  # every arm: C = -log2(0.9) = 0.152 ebits per use
    >>> res = serve_demands(g, [(1, 2, 0.1), (1, 3, 0.1)])
    >>> print(f"{res.fair_fraction:.4f} {res.total_served:.4f}")   # the two pairs share arm 1
    0.7600 0.1520
    """
    model = as_model(graph)
    if model.directed:
        raise PQMSValueError("serve_demands needs an undirected graph, got a DiGraph")
    f_min = check_in_range("fidelity_threshold", fidelity_threshold, 0.0, 1.0)
    k = check_int("routes_per_pair", routes_per_pair, 1)
    demands = _as_demands(model, demands)
    if not demands:
        raise PQMSValueError("demands must list at least one pair, got none")
    per_pair = []
    for d in demands:
        if nx.has_path(model.graph, d.source, d.target):
            routes = [_evaluate(model, p) for p in _candidates(model, d.source, d.target, "fidelity", k)]
        else:
            routes = []
        per_pair.append(routes)
    variables = [(i, r) for i, routes in enumerate(per_pair) for r in routes if r.fidelity >= f_min]
    edge_index: dict = {}
    for _, r in variables:
        for u, v in itertools.pairwise(r.path):
            edge_index.setdefault(frozenset((u, v)), len(edge_index))
    n_x = len(variables)
    x = np.zeros(n_x)
    lam = 0.0
    if n_x:
        cap_rows = np.zeros((len(edge_index), n_x))
        for j, (_, r) in enumerate(variables):
            for u, v in itertools.pairwise(r.path):
                cap_rows[edge_index[frozenset((u, v))], j] = 1.0
        caps = np.empty(len(edge_index))
        for e, row in edge_index.items():
            u, v = tuple(e)
            caps[row] = model.graph[u][v]["capacity"]
        pair_rows = np.zeros((len(demands), n_x))
        for j, (i, _) in enumerate(variables):
            pair_rows[i, j] = 1.0
        rate = np.array([d.rate for d in demands])
        active = (pair_rows.sum(axis=1) > 0) & (rate > 0)
        # stage 1: max lambda s.t. cap_rows x <= C, pair_rows x <= d, lambda d_p - pair_rows_p x <= 0
        a1 = np.block(
            [
                [cap_rows, np.zeros((len(caps), 1))],
                [pair_rows, np.zeros((len(rate), 1))],
                [-pair_rows[active], rate[active, None]],
            ]
        )
        b1 = np.concatenate([caps, rate, np.zeros(active.sum())])
        c1 = np.zeros(n_x + 1)
        c1[-1] = -1.0
        s1 = linprog(c1, A_ub=a1, b_ub=b1, bounds=[(0, None)] * n_x + [(0, 1)], method="highs")
        lam = float(s1.x[-1]) if active.any() else 0.0
        # stage 2: max sum x with every active pair served >= lambda d_p (a hair of slack for the solver)
        a2 = np.vstack([cap_rows, pair_rows, -pair_rows[active]])
        b2 = np.concatenate([caps, rate, -lam * rate[active] * (1 - 1e-9)])
        s2 = linprog(-np.ones(n_x), A_ub=a2, b_ub=b2, bounds=[(0, None)] * n_x, method="highs")
        if not (s1.success and s2.success):  # x = 0, lambda = 0 is always feasible: a failure is the solver's
            raise RuntimeError(f"the demand linear programs did not solve: {s1.message}; {s2.message}")
        x = np.maximum(s2.x, 0.0)
    services = []
    for i, (d, routes) in enumerate(zip(demands, per_pair, strict=True)):
        used = [(j, r) for j, (ii, r) in enumerate(variables) if ii == i]
        best = max((r.fidelity for r in routes), default=0.0)
        services.append(
            PairService(
                d.source,
                d.target,
                d.rate,
                float(sum(x[j] for j, _ in used)),
                tuple(r.path for _, r in used),
                tuple(float(x[j]) for j, _ in used),
                tuple(r.fidelity for _, r in used),
                float(best),
                bool(routes) and best >= f_min,
            )
        )
    return DemandResult(
        tuple(services),
        f_min,
        lam,
        float(x.sum()),
        "max-min fair, then max total, multicommodity flow over candidate routes (HiGHS LP)",
    )


__all__ = ["Demand", "PairService", "DemandResult", "serve_demands"]
