"""Dinic maximum flows and Gusfield's equivalent flow tree (pqms_physics.kernels.maxflow): the Numba kernels
equal their plain-Python twins exactly, and networkx's maximum flows and Gomory-Hu trees to rounding."""

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pqms_physics.kernels.maxflow import arcs_from_edges, dinic, gusfield_tree
from pqms_physics.network.graphs.all_pairs import bottleneck_matrix, gomory_hu_edges


def weighted_graph(n, p, seed):
    rng = np.random.default_rng(seed)
    g = nx.gnp_random_graph(n, p, seed=seed)
    for u, v in g.edges:
        g[u][v]["capacity"] = float(rng.choice([rng.uniform(1e-6, 10.0), 1.0, 2.5]))  # ties on purpose
    return g


def arcs_of(g):
    edges = np.array(list(g.edges), dtype=np.int64).reshape(-1, 2)
    caps = np.array([c for *_, c in g.edges(data="capacity")], dtype=float)
    return arcs_from_edges(g.number_of_nodes(), edges, caps)


@given(n=st.integers(2, 14), p=st.floats(0.1, 0.9), seed=st.integers(0, 10_000))
def test_dinic_equals_networkx_and_its_twin_and_the_cut_has_the_flow_value(n, p, seed):
    g = weighted_graph(n, p, seed)
    arcs = arcs_of(g)
    for s, t in [(0, n - 1), (n // 2, 0)]:
        if s == t:
            continue
        value, side = dinic(arcs, s, t)
        twin_value, twin_side = dinic(arcs, s, t, jit=False)
        assert value == twin_value and np.array_equal(side, twin_side)
        expected = nx.maximum_flow_value(g, s, t) if nx.has_path(g, s, t) else 0.0
        assert value == pytest.approx(expected, rel=1e-12, abs=1e-12)
        assert side[s] and not side[t]
        cut = sum(c for u, v, c in g.edges(data="capacity") if side[u] != side[v])  # min-cut theorem
        assert cut == pytest.approx(value, rel=1e-12, abs=1e-12)


@given(n=st.integers(2, 12), p=st.floats(0.1, 0.9), seed=st.integers(0, 10_000))
def test_gusfield_tree_gives_every_pairwise_max_flow(n, p, seed):
    g = weighted_graph(n, p, seed)
    arcs = arcs_of(g)
    parent, weight = gusfield_tree(arcs)
    twin = gusfield_tree(arcs, jit=False)
    assert np.array_equal(parent, twin[0]) and np.array_equal(weight, twin[1])
    index = {v: v for v in g}
    ours = bottleneck_matrix(n, [(i, int(parent[i]), float(weight[i])) for i in range(1, n)])
    theirs = bottleneck_matrix(n, gomory_hu_edges(g, index, engine="networkx"))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    for s, t in itertools.combinations(range(n), 2):
        expected = nx.maximum_flow_value(g, s, t) if nx.has_path(g, s, t) else 0.0
        assert ours[s, t] == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_graph_without_edges():
    g = nx.empty_graph(3)
    parent, weight = gusfield_tree(arcs_from_edges(3, np.zeros((0, 2), np.int64), np.zeros(0)))
    assert weight.tolist() == [0.0, 0.0, 0.0] and g.number_of_edges() == 0
