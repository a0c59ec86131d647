"""Attribute validation names the node or edge and the attribute; topologies are seeded and sized."""

import math

import networkx as nx
import pytest

from pqms_physics.errors import PQMSValueError
from pqms_physics.network.graphs import (
    build_topology,
    grid_network,
    hierarchical_network,
    random_geometric_network,
    validate_network,
    waxman_network,
)


def edge(**attrs):
    g = nx.Graph()
    g.add_edge("a", "b", **attrs)
    return g


@pytest.mark.parametrize(
    "attrs, message",
    [
        pytest.param({}, r"edge \('a', 'b'\) has neither length_km nor transmissivity", id="missing-length"),
        pytest.param({"length_km": -2.0}, r"edge \('a', 'b'\): length_km must be > 0, got -2.0", id="negative"),
        pytest.param({"length_km": 0.0}, r"edge \('a', 'b'\): length_km must be > 0, got 0.0", id="zero"),
        pytest.param({"transmissivity": 1.2}, r"transmissivity must be in \[0.0, 1.0\], got 1.2", id="eta>1"),
        pytest.param({"transmissivity": 1.0}, r"transmissivity must be < 1", id="eta=1"),
        pytest.param({"length_km": 1.0, "loss_db_per_km": -0.1}, r"loss_db_per_km must be >= 0", id="alpha"),
        pytest.param({"length_km": 1.0, "link_fidelity": 1.5}, r"link_fidelity must be in", id="fidelity"),
        pytest.param({"length_km": 1.0, "p_link": -0.5}, r"p_link must be in", id="p_link"),
        pytest.param({"length_km": 1.0, "channel": "amp"}, r"channel must be one of", id="channel"),
        pytest.param({"length_km": 1.0, "channel": "erasure"}, r"no erasure_probability", id="erasure-p"),
        pytest.param({"length_km": "far"}, r"length_km must be a real number, got 'far'", id="type"),
    ],
)
def test_bad_edge_attributes_are_named(attrs, message):
    with pytest.raises(PQMSValueError, match=message):
        validate_network(edge(**attrs))


def test_bad_node_attribute_self_loop_and_graph_kinds():
    g = edge(length_km=1.0)
    g.nodes["b"]["coherence_time_s"] = 0.0
    with pytest.raises(PQMSValueError, match=r"node 'b': coherence_time_s must be > 0, got 0.0"):
        validate_network(g)
    g = edge(length_km=1.0)
    g.add_edge("a", "a", length_km=1.0)
    with pytest.raises(PQMSValueError, match="self-loop at node 'a'"):
        validate_network(g)
    with pytest.raises(PQMSValueError, match="multigraph"):
        validate_network(nx.MultiGraph(edge(length_km=1.0)))
    with pytest.raises(PQMSValueError, match="empty graph"):
        validate_network(nx.Graph())
    with pytest.raises(PQMSValueError, match="networkx Graph"):
        validate_network({"a": "b"})


def test_defaults_and_transmissivity_override():
    m = validate_network(edge(length_km=50.0))
    d = m.graph["a"]["b"]
    assert d["transmissivity"] == pytest.approx(0.1) and d["p_link"] == pytest.approx(0.1)
    assert d["link_fidelity"] == 1.0 and m.graph.nodes["a"]["coherence_time_s"] == math.inf
    m = validate_network(edge(transmissivity=0.01))  # equivalent length at 0.2 dB/km: 100 km
    assert m.graph["a"]["b"]["length_km"] == pytest.approx(100.0)
    assert validate_network(m) is m


def test_input_graph_is_not_modified():
    g = edge(length_km=50.0)
    validate_network(g)
    assert g["a"]["b"] == {"length_km": 50.0}


def test_hierarchical_network_matches_the_documents_districts():
    g = hierarchical_network(10, 100, seed=3)
    assert g.number_of_nodes() == 1000 and nx.is_connected(g)
    gateways = [n for n in g if g.nodes[n]["role"] == "gateway"]
    assert gateways == list(range(0, 1000, 100))
    assert sum(1 for *_, b in g.edges(data="backbone") if b) == 10
    assert all(g.nodes[n]["district"] == n // 100 for n in g)
    # backbone ring of 10 gateways on a 10 km circle: chord 2 r sin(pi/10)
    assert g[0][100]["length_km"] == pytest.approx(2 * 10.0 * math.sin(math.pi / 10))
    validate_network(g)


def test_random_builders_are_seeded():
    for build in (
        lambda s: random_geometric_network(60, 50.0, 12.0, seed=s),
        lambda s: waxman_network(60, 50.0, seed=s),
        lambda s: hierarchical_network(3, 7, seed=s),
    ):
        a, b, c = build(1), build(1), build(2)
        assert nx.utils.graphs_equal(a, b)
        assert not nx.utils.graphs_equal(a, c)


def test_grid_lengths_and_dispatch_errors():
    g = grid_network(2, 3, 5.0)
    assert {d for *_, d in g.edges(data="length_km")} == {5.0}
    with pytest.raises(PQMSValueError, match="topology must be one of"):
        build_topology("torus")
    with pytest.raises(PQMSValueError, match="nodes_per_district must be >= 1, got 0"):
        hierarchical_network(3, 0, seed=0)


def test_vectorised_and_per_edge_validation_agree():
    # a dephasing edge sends the whole graph through the scalar per-edge checks; the rest must not change
    g = random_geometric_network(
        40, 30.0, 10.0, seed=5, edge_attrs={"link_fidelity": 0.97}, node_attrs={"coherence_time_s": 0.5}
    )
    g.add_edge(0, 1, transmissivity=0.3, p_link=0.2)
    fast = validate_network(g).graph
    h = g.copy()
    h.add_edge("x", "y", length_km=1.0, channel="dephasing", dephasing_probability=0.1)
    slow = validate_network(h).graph
    for u, v, d in fast.edges(data=True):  # 10**x in NumPy and in Python may differ in the last bit
        assert slow[u][v]["channel"] == d.pop("channel")
        assert {k: slow[u][v][k] for k in d} == pytest.approx(d, rel=1e-15)
    for n, d in fast.nodes(data=True):
        assert slow.nodes[n] == d


def test_link_werner_is_the_werner_parameter_of_the_link():
    m = validate_network(edge(length_km=1.0, link_werner=0.9))
    assert m.graph["a"]["b"]["link_fidelity"] == pytest.approx((1 + 3 * 0.9) / 4)
    with pytest.raises(PQMSValueError, match="both link_fidelity and link_werner"):
        validate_network(edge(length_km=1.0, link_werner=0.9, link_fidelity=0.9))
    with pytest.raises(PQMSValueError, match=r"link_werner must be in \[-0.333"):
        validate_network(edge(length_km=1.0, link_werner=1.2))
