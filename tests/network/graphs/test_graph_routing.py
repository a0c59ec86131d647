"""Routing: end-to-end fidelity against an independent Werner product / Pauli convolution written here,
best routes against brute force over all simple paths, waiting times against inclusion-exclusion and
Monte Carlo.

Werner swapping law: w_out = w_1 w_2 p (Duer, Briegel, Cirac, Zoller, Phys. Rev. A 59, 169 (1999)), F = (1 + 3w)/4.
"""

import itertools
import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pqms_physics.conventions import FIBRE_SPEED_KM_PER_S
from pqms_physics.errors import PQMSValueError
from pqms_physics.network.graphs import chain_network, grid_network
from pqms_physics.network.graphs.routing import best_path, evaluate_route, k_shortest_paths, route_tradeoff
from pqms_physics.network.graphs.waiting import expected_rounds

# Pauli product table up to phase, order I, X, Y, Z: X.Z ~ Y etc. (written out, not from the package)
PAULI_PRODUCT = [[0, 1, 2, 3], [1, 0, 3, 2], [2, 3, 0, 1], [3, 2, 1, 0]]


def convolve(a, b):
    out = [0.0] * 4
    for i in range(4):
        for j in range(4):
            out[PAULI_PRODUCT[i][j]] += a[i] * b[j]
    return out


def werner(f):
    return [f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3]


def swap_noise(p, eta):
    """Duer swap noise as Pauli weights: depolarise with prob 1 - p, then misread bits (X: parity, Z: phase)."""
    misread = [eta * eta, eta * (1 - eta), (1 - eta) ** 2, eta * (1 - eta)]
    depol = [p + (1 - p) / 4, (1 - p) / 4, (1 - p) / 4, (1 - p) / 4]
    return convolve(misread, depol)


def path_graph(fids, gate=None, meas=None):
    g = nx.path_graph(len(fids) + 1)
    for i, f in enumerate(fids):
        g[i][i + 1].update(length_km=10.0 + i, link_fidelity=f)
    for v in g:
        if gate is not None:
            g.nodes[v]["gate_fidelity"] = gate[v]
        if meas is not None:
            g.nodes[v]["measurement_fidelity"] = meas[v]
    return g


@given(fids=st.lists(st.floats(0.5, 1.0), min_size=1, max_size=6), data=st.data())
def test_fidelity_is_the_werner_product_with_depolarising_swaps(fids, data):
    gate = data.draw(st.lists(st.floats(0.8, 1.0), min_size=len(fids) + 1, max_size=len(fids) + 1))
    route = evaluate_route(path_graph(fids, gate=gate), range(len(fids) + 1))
    w = math.prod((4 * f - 1) / 3 for f in fids) * math.prod(gate[1:-1])
    assert route.fidelity == pytest.approx((1 + 3 * w) / 4, abs=1e-12)
    assert route.qber_z == pytest.approx(2 * (1 - route.fidelity) / 3, abs=1e-12)


@given(fids=st.lists(st.floats(0.6, 1.0), min_size=2, max_size=5), data=st.data())
def test_fidelity_with_measurement_errors_equals_explicit_pauli_convolution(fids, data):
    n = len(fids) + 1
    gate = data.draw(st.lists(st.floats(0.8, 1.0), min_size=n, max_size=n))
    meas = data.draw(st.lists(st.floats(0.8, 1.0), min_size=n, max_size=n))
    route = evaluate_route(path_graph(fids, gate, meas), range(n))
    state = werner(fids[0])
    for i in range(1, len(fids)):
        state = convolve(convolve(state, werner(fids[i])), swap_noise(gate[i], meas[i]))
    assert route.fidelity == pytest.approx(state[0], abs=1e-12)
    assert route.qber_z == pytest.approx(state[1] + state[2], abs=1e-12)
    assert route.qber_x == pytest.approx(state[2] + state[3], abs=1e-12)


def test_memory_decay_of_heralding_and_end_waits():
    t_coh = 1e-4  # 100 us: comparable to 10 km of fibre (50 us)
    g = chain_network(40.0, 1, edge_attrs={"link_fidelity": 0.99}, node_attrs={"coherence_time_s": t_coh})
    route = evaluate_route(g, [0, 1, 2])
    c = FIBRE_SPEED_KM_PER_S
    # each link's two qubits wait L_e/c; both end qubits then wait L_route/c for the swap outcome
    decay = math.exp(-2 * (20.0 / c) * 2 / t_coh) * math.exp(-(40.0 / c) * 2 / t_coh)
    w = ((4 * 0.99 - 1) / 3) ** 2 * decay
    assert route.fidelity == pytest.approx((1 + 3 * w) / 4, rel=1e-12)


def random_fidelity_graph(n, p, seed):
    rng = np.random.default_rng(seed)
    g = nx.gnp_random_graph(n, p, seed=seed)
    for u, v in g.edges:
        g[u][v].update(
            length_km=float(rng.uniform(1, 50)),
            link_fidelity=float(rng.uniform(0.8, 1.0)),
            p_link=float(rng.uniform(0.05, 1.0)),
        )
    for v in g:
        g.nodes[v]["gate_fidelity"] = float(rng.uniform(0.9, 1.0))
    return g


@given(n=st.integers(3, 7), p=st.floats(0.3, 0.9), seed=st.integers(0, 10_000))
def test_best_fidelity_route_equals_brute_force_over_simple_paths(n, p, seed):
    g = random_fidelity_graph(n, p, seed)
    s, t = 0, n - 1
    routes = list(nx.all_simple_paths(g, s, t))
    if not routes:
        with pytest.raises(PQMSValueError, match="no route joins"):
            best_path(g, s, t, by="fidelity")
        return

    def werner_fidelity(r):
        w = math.prod((4 * g[a][b]["link_fidelity"] - 1) / 3 for a, b in itertools.pairwise(r))
        return (1 + 3 * w * math.prod(g.nodes[v]["gate_fidelity"] for v in r[1:-1])) / 4

    best = best_path(g, s, t, by="fidelity", candidates=1)  # exact with one candidate: Werner-symmetric swaps
    assert best.fidelity == pytest.approx(max(map(werner_fidelity, routes)), abs=1e-12)
    assert "exact" in best.note
    rate = best_path(g, s, t, by="rate", candidates=len(routes))
    assert rate.rate_per_s == pytest.approx(max(evaluate_route(g, r).rate_per_s for r in routes), rel=1e-12)
    cap = best_path(g, s, t, by="capacity")
    assert cap.capacity == pytest.approx(max(evaluate_route(g, r).capacity for r in routes), rel=1e-12)


@given(ps=st.lists(st.floats(0.01, 1.0), min_size=1, max_size=5))
def test_expected_rounds_equals_inclusion_exclusion(ps):
    q = [1 - p for p in ps]
    expected = sum(
        (-1) ** (len(s) + 1) / (1 - math.prod(q[i] for i in s))
        for k in range(1, len(ps) + 1)
        for s in itertools.combinations(range(len(ps)), k)
    )
    assert expected_rounds(ps) == pytest.approx(expected, rel=1e-9)


def test_expected_rounds_small_p_approximation_and_monte_carlo():
    ps = [2e-7, 5e-7]  # continuous regime; closed form by inclusion-exclusion, relative error O(p)
    q = [1 - p for p in ps]
    exact = 1 / ps[0] + 1 / ps[1] - 1 / (1 - q[0] * q[1])
    assert expected_rounds(ps) == pytest.approx(exact, rel=1e-6)
    rng = np.random.default_rng(5)
    ps = [0.1, 0.3, 0.05]
    draws = np.max([rng.geometric(p, size=200_000) for p in ps], axis=0)
    sigma = draws.std() / math.sqrt(draws.size)
    assert abs(draws.mean() - expected_rounds(ps)) < 5 * sigma
    assert expected_rounds([0.5, 0.0]) == math.inf


def test_tradeoff_on_a_grid_and_k_shortest_paths():
    g = grid_network(3, 3, 20.0, edge_attrs={"link_fidelity": 0.99})
    g[0][1]["link_fidelity"] = 0.9  # the upper row is noisy but has high p_link
    g[0][1]["p_link"] = g[1][2]["p_link"] = 0.9
    t = route_tradeoff(g, 0, 2)
    best_f = max(t.routes, key=lambda r: r.fidelity)
    best_r = max(t.routes, key=lambda r: r.rate_per_s)
    assert best_f.path != best_r.path and best_r.path == (0, 1, 2)
    assert t.pareto[t.routes.index(best_f)] and t.pareto[t.routes.index(best_r)]
    paths = k_shortest_paths(g, 0, 8, 6)
    assert len(paths) == 6 and all(len(p) == 5 for p in paths)  # 6 monotone lattice routes of 4 hops
    assert k_shortest_paths(g, 0, 8, 1, weight="hops")[0][0] == 0


def test_route_errors():
    g = grid_network(2, 2, 5.0)
    with pytest.raises(PQMSValueError, match="not an edge"):
        evaluate_route(g, [0, 3])
    with pytest.raises(PQMSValueError, match="by must be one of"):
        best_path(g, 0, 3, by="latency")
    g.add_node(9)
    with pytest.raises(PQMSValueError, match="no route joins 0 and 9"):
        best_path(g, 0, 9)


@pytest.mark.parametrize("n_links, p", [(2, 0.5), (3, 0.3), (5, 0.1)])
def test_parallel_then_swap_rounds_equal_the_protocols_engine(n_links, p):
    # the waiting-time engine of pqms_physics.network.protocols (exact, scheme "parallel", deterministic swaps);
    # the unequal-p series is checked at a 1e-12 perturbation of equal probabilities
    from pqms_physics.network.protocols import repeater_protocol

    engine = repeater_protocol(n_links, p, scheme="parallel").mean_time
    assert expected_rounds([p] * n_links) == pytest.approx(engine, rel=1e-12)
    assert expected_rounds([p] * (n_links - 1) + [p * (1 + 1e-12)]) == pytest.approx(engine, rel=1e-9)
