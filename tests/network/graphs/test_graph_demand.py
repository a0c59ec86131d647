"""Demand over shared edges: a single pair with every route admissible is served its max flow (min cut);
shared bottlenecks are split max-min fairly; routes below the fidelity bar carry nothing."""

import math

import networkx as nx
import pytest

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.graphs import star_network
from pqms_physics.network.graphs.demand import Demand, serve_demands


def plob(eta):
    return -math.log2(1 - eta)


def test_one_pair_with_all_routes_is_served_its_max_flow():
    g = nx.Graph()
    for u, v, eta in [("s", "a", 0.5), ("a", "t", 0.6), ("s", "b", 0.7), ("b", "t", 0.4), ("a", "b", 0.9)]:
        g.add_edge(u, v, transmissivity=eta)
    h = nx.Graph()
    for u, v, eta in g.edges(data="transmissivity"):
        h.add_edge(u, v, capacity=plob(eta))
    res = serve_demands(g, [("s", "t", 100.0)], routes_per_pair=10)  # 4 simple routes, all candidates
    assert res.total_served == pytest.approx(nx.maximum_flow_value(h, "s", "t"), rel=1e-7)
    assert res.pairs[0].meets_threshold


def test_shared_arm_is_split_fairly_and_threshold_excludes_noisy_routes():
    g = star_network(3, 50.0, edge_attrs={"link_fidelity": 0.95})
    g[0][3]["link_fidelity"] = 0.6
    c = plob(0.1)
    res = serve_demands(g, [(1, 2, 0.1), (2, 3, 0.05), Demand(1, 3, 0.1)], fidelity_threshold=0.8)
    by_pair = {(p.source, p.target): p for p in res.pairs}
    w = ((4 * 0.95 - 1) / 3) * ((4 * 0.6 - 1) / 3)
    assert by_pair[(2, 3)].best_fidelity == pytest.approx((1 + 3 * w) / 4)
    assert not by_pair[(2, 3)].meets_threshold and by_pair[(2, 3)].served == 0.0
    assert not by_pair[(1, 3)].meets_threshold
    assert by_pair[(1, 2)].served == pytest.approx(min(0.1, c))
    assert res.n_meeting_threshold == 1
    res = serve_demands(g, [(1, 2, 0.1), (1, 3, 0.1)])  # arm 1 (capacity c) shared by both pairs
    assert res.fair_fraction == pytest.approx(c / 0.2, rel=1e-7)
    assert res.total_served == pytest.approx(c, rel=1e-7)
    assert res.to_dict()["pairs"][0]["routes"] == [[1, 0, 2]]


def test_demand_errors():
    g = star_network(2, 10.0)
    with pytest.raises(PQMSValueError, match=r"demands\[0\].rate must be >= 0, got -1.0"):
        serve_demands(g, [(1, 2, -1.0)])
    with pytest.raises(PQMSValueError, match="target 7 is not a node"):
        serve_demands(g, [(1, 7, 1.0)])
    with pytest.raises(PQMSValueError, match="fidelity_threshold must be in"):
        serve_demands(g, [(1, 2, 1.0)], fidelity_threshold=2.0)
