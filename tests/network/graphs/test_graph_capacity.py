"""End-to-end capacities against closed forms, brute force and networkx's own flows.

Sources of the closed forms: S. Pirandola, Commun. Phys. 2, 51 (2019): edge capacity of pure loss
-log2(1 - eta) (PLOB, Nat. Commun. 8, 15043 (2017)); single-path = widest path (Eq. 9); multipath = min
cut (Eq. 15). A chain of N equally spaced repeaters over L: -log2(1 - eta_L^{1/(N+1)}).
"""

import itertools
import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.graphs import (
    capacity_matrix,
    chain_network,
    network_capacity,
    random_geometric_network,
    single_source_capacity,
    validate_network,
)


def plob(eta):  # written out here independently of pqms_physics.network.bounds
    return -math.log2(1.0 - eta)


@pytest.mark.parametrize("length_km, n_repeaters", [(100.0, 0), (500.0, 4), (1000.0, 9), (1000.0, 0)])
@pytest.mark.parametrize("multipath", [False, True])
def test_chain_of_equally_spaced_repeaters_gives_plob_of_one_segment(length_km, n_repeaters, multipath):
    g = chain_network(length_km, n_repeaters)
    res = network_capacity(g, 0, n_repeaters + 1, multipath=multipath)
    eta_l = 10 ** (-0.2 * length_km / 10)
    expected = -math.log1p(-(eta_l ** (1 / (n_repeaters + 1)))) / math.log(2)
    assert res.capacity == pytest.approx(expected, rel=1e-12)
    assert res.connected


def test_1000_km_of_fibre_does_not_underflow():
    # eta = 1e-20: 1 - eta == 1 in floating point, yet the capacity is eta / ln 2 to first order
    res = network_capacity(chain_network(1000.0, 0), 0, 1)
    assert res.capacity == pytest.approx(1e-20 / math.log(2), rel=1e-12)


def diamond(eta_top=0.5, eta_bottom=0.75):
    g = nx.Graph()
    g.add_edge("s", "a", transmissivity=eta_top)
    g.add_edge("a", "t", transmissivity=eta_top)
    g.add_edge("s", "b", transmissivity=eta_bottom)
    g.add_edge("b", "t", transmissivity=eta_bottom)
    return g


def test_diamond_single_path_is_the_wider_route_and_multipath_adds_both():
    g = diamond()
    single = network_capacity(g, "s", "t")
    multi = network_capacity(g, "s", "t", multipath=True)
    assert single.capacity == pytest.approx(plob(0.75))  # 2 ebits: route s-b-t
    assert single.path == ("s", "b", "t")
    assert multi.capacity == pytest.approx(plob(0.5) + plob(0.75))  # 1 + 2 ebits
    assert multi.capacity > single.capacity
    assert len(multi.cut) == 2


def test_erasure_and_dephasing_edges():
    g = nx.Graph()
    g.add_edge(0, 1, length_km=1.0, channel="erasure", erasure_probability=0.3)
    g.add_edge(1, 2, length_km=1.0, channel="dephasing", dephasing_probability=0.1)
    h = -(0.1 * math.log2(0.1) + 0.9 * math.log2(0.9))
    assert network_capacity(g, 0, 1).capacity == pytest.approx(0.7)
    assert network_capacity(g, 1, 2).capacity == pytest.approx(1 - h)
    assert network_capacity(g, 0, 2).capacity == pytest.approx(min(0.7, 1 - h))


def test_disconnected_pair_has_capacity_zero_and_says_so():
    g = diamond()
    g.add_edge("x", "y", length_km=5.0)
    for multipath in (False, True):
        res = network_capacity(g, "s", "x", multipath=multipath)
        assert res.capacity == 0.0 and not res.connected
        assert "no route" in res.note
    cm = capacity_matrix(g, multipath=True)
    assert cm.capacity("s", "y") == 0.0


def test_unknown_node_and_same_endpoints_are_errors():
    g = diamond()
    with pytest.raises(PQMSValueError, match="target 'z' is not a node of the network"):
        network_capacity(g, "s", "z")
    with pytest.raises(PQMSValueError, match="source and target must differ"):
        network_capacity(g, "s", "s")


def random_graph(n, p, seed):
    rng = np.random.default_rng(seed)
    g = nx.gnp_random_graph(n, p, seed=seed)
    for u, v in g.edges:
        g[u][v]["transmissivity"] = float(rng.uniform(0.001, 0.99))
    return g


@given(n=st.integers(2, 12), p=st.floats(0.15, 0.9), seed=st.integers(0, 10_000))
def test_multipath_equals_networkx_max_flow_and_matrix_equals_pairwise(n, p, seed):
    g = random_graph(n, p, seed)
    h = nx.Graph()
    h.add_nodes_from(g)
    for u, v, eta in g.edges(data="transmissivity"):
        h.add_edge(u, v, capacity=plob(eta))  # oracle: networkx's default max flow on independent weights
    cm = capacity_matrix(g, multipath=True)
    for s, t in itertools.combinations(range(n), 2):
        expected = nx.maximum_flow_value(h, s, t) if nx.has_path(h, s, t) else 0.0
        assert network_capacity(g, s, t, multipath=True).capacity == pytest.approx(expected, rel=1e-9, abs=1e-12)
        assert cm.capacity(s, t) == pytest.approx(expected, rel=1e-9, abs=1e-12)
        assert cm.capacity(t, s) == cm.capacity(s, t)


@given(n=st.integers(2, 8), p=st.floats(0.2, 0.9), seed=st.integers(0, 10_000))
def test_single_path_equals_brute_force_over_all_simple_paths(n, p, seed):
    g = random_graph(n, p, seed)
    cm = capacity_matrix(g)
    for s, t in itertools.combinations(range(n), 2):
        routes = list(nx.all_simple_paths(g, s, t))
        expected = max(
            (min(plob(g[a][b]["transmissivity"]) for a, b in itertools.pairwise(r)) for r in routes), default=0.0
        )
        res = network_capacity(g, s, t)
        assert res.capacity == pytest.approx(expected, rel=1e-12)
        assert cm.capacity(s, t) == pytest.approx(expected, rel=1e-12)
        if routes:  # the reported path achieves the capacity
            achieved = min(plob(g[a][b]["transmissivity"]) for a, b in itertools.pairwise(res.path))
            assert achieved == pytest.approx(res.capacity, rel=1e-12)  # log2 vs log1p/ln 2: an ulp apart


def test_directed_graph_follows_edge_directions():
    g = nx.DiGraph()
    g.add_edge(0, 1, transmissivity=0.5)
    g.add_edge(1, 2, transmissivity=0.5)
    g.add_edge(2, 0, transmissivity=0.75)
    assert network_capacity(g, 0, 2).capacity == pytest.approx(1.0)
    assert network_capacity(g, 2, 0).capacity == pytest.approx(2.0)
    cm = capacity_matrix(g)
    assert cm.capacity(0, 2) == pytest.approx(1.0) and cm.capacity(2, 0) == pytest.approx(2.0)
    assert cm.capacity(2, 1) == pytest.approx(1.0)  # 2 -> 0 -> 1
    assert network_capacity(g, 0, 2, multipath=True).capacity == pytest.approx(1.0)  # one directed route
    assert network_capacity(g, 2, 1, multipath=True).capacity == pytest.approx(1.0)
    assert single_source_capacity(g, 0, [2, 1], multipath=True).values.tolist() == pytest.approx([1.0, 1.0])
    assert single_source_capacity(g, 2, [0], multipath=True).values.tolist() == pytest.approx([2.0])
    with pytest.raises(PQMSValueError, match="undirected"):
        capacity_matrix(g, multipath=True)


def test_single_source_agrees_with_matrix_row_on_a_random_geometric_graph():
    g = validate_network(random_geometric_network(150, 100.0, 15.0, seed=4))
    cm = capacity_matrix(g)
    row = single_source_capacity(g, 7)
    vals = np.array(row.values)
    vals[7] = np.nan
    np.testing.assert_allclose(vals, cm.values[7], rtol=1e-12)


def test_single_source_multipath_equals_per_pair_min_cuts():
    g = validate_network(random_geometric_network(60, 40.0, 10.0, seed=2))
    targets = [5, 17, 33, 59, 0]
    res = single_source_capacity(g, 0, targets, multipath=True)
    assert res.multipath and math.isinf(res.values[-1])
    for t, c in zip(targets[:-1], res.values[:-1], strict=True):
        assert c == pytest.approx(network_capacity(g, 0, t, multipath=True).capacity, rel=1e-9, abs=0.0)
    assert res.to_dict()["values"][-1] is None


def test_matrix_of_a_subset_and_its_labelled_forms():
    g = diamond()
    cm = capacity_matrix(g, ["t", "s"])
    assert cm.nodes == ("t", "s") and cm.values.shape == (2, 2)
    assert math.isnan(cm.values[0, 0])
    d = cm.to_dict()
    assert d["values"][0][0] is None and d["values"][0][1] == pytest.approx(plob(0.75))
    xa = cm.to_xarray()
    assert float(xa.sel(source="s", target="t")) == pytest.approx(plob(0.75))
    with pytest.raises(PQMSValueError, match="node 'q' is not a node"):
        capacity_matrix(g, ["s", "q"])
