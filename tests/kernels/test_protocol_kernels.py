"""The repeater-protocol Monte Carlo kernel equals its plain-Python twin run by run, on any thread count,
task count, chunking and sharding of the runs (the promise of kernels/protocol_cpu.py)."""

import math

import numba
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pqms_physics.kernels import protocol_reference as ref
from pqms_physics.kernels.protocol_cpu import simulate_block
from pqms_physics.kernels.rng import stream_key


def _args(scheme, segments, p, w0, p_swap, t_coh, cutoffs, wcut, tables=True):
    inv_tc = 0.0 if math.isinf(t_coh) else 1.0 / t_coh
    use = tables and scheme == ref.NESTED and len(cutoffs) > 0
    tab = ref.level1_tables(p, p_swap, w0, inv_tc, int(cutoffs[0]), wcut) if use else (np.zeros(0, np.int64),) * 4
    return (
        scheme,
        segments,
        ref.geometric_factor(p),
        w0,
        ref.swap_threshold(p_swap),
        inv_tc,
        np.array(cutoffs, dtype=np.int64),
        wcut,
        *tab,
    )


CASES = [
    pytest.param(ref.NESTED, 1, [], id="nested-1"),
    pytest.param(ref.NESTED, 2, [3], id="nested-2-cut"),
    pytest.param(ref.NESTED, 4, [-1, 5], id="nested-4-mixed-cut"),
    pytest.param(ref.NESTED, 8, [16, 31, 55], id="nested-8-lce"),
    pytest.param(ref.SWAP_ASAP, 2, [4], id="asap-2"),
    pytest.param(ref.SWAP_ASAP, 5, [6], id="asap-5-cut"),
    pytest.param(ref.SWAP_ASAP, 3, [-1], id="asap-3"),
    pytest.param(ref.PARALLEL, 4, [-1], id="parallel-4"),
    pytest.param(ref.PARALLEL, 3, [2], id="parallel-3-cut"),
]


@pytest.mark.parametrize("scheme, segments, cutoffs", CASES)
@pytest.mark.parametrize("wcut", [-1.0, 0.5])
@pytest.mark.parametrize("tables", [True, False])
def test_kernel_equals_python_twin_exactly(scheme, segments, cutoffs, wcut, tables):
    args = _args(scheme, segments, 0.3, 0.95, 0.6, 40.0, cutoffs, wcut, tables)
    want = ref.simulate_reference(*args, 11, 5, 300, 40)
    got = simulate_block(*args, np.uint64(ref.base_key(11)), 5, 300, 40, 3)
    for a, b in zip(want, got, strict=True):
        np.testing.assert_array_equal(a, b)


@given(
    p=st.floats(0.1, 1.0),
    p_swap=st.floats(0.3, 1.0),
    w0=st.floats(0.0, 1.0),
    t_coh=st.sampled_from([1.0, 7.5, 100.0, math.inf]),
    tau=st.integers(-1, 12),
    seed=st.integers(0, 2**64 - 1),
    scheme=st.sampled_from([0, 1, 2]),
    k=st.integers(0, 2),
)
def test_kernel_equals_twin_for_all_parameters(p, p_swap, w0, t_coh, tau, seed, scheme, k):
    segments = 2**k if scheme == ref.NESTED else k + 2
    cutoffs = [tau] * max(k, 1)
    args = _args(scheme, segments, p, w0, p_swap, t_coh, cutoffs, -1.0)
    want = ref.simulate_reference(*args, seed, 0, 20, 30)
    got = simulate_block(*args, np.uint64(ref.base_key(seed)), 0, 20, 30, 2)
    for a, b in zip(want, got, strict=True):
        np.testing.assert_array_equal(a, b)


def test_same_result_for_any_thread_and_task_count_and_sharding():
    args = _args(ref.NESTED, 8, 0.1, 0.98, 0.5, 400.0, [16, 31, 55], -1.0)
    base = np.uint64(ref.base_key(5))
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = simulate_block(*args, base, 0, 3000, 2000, 1)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = simulate_block(*args, base, 0, 3000, 2000, 7)
    finally:
        numba.set_num_threads(before)
    parts = [simulate_block(*args, base, a, b - a, 2000, 3) for a, b in [(0, 1000), (1000, 1001), (1001, 3000)]]
    for i in range(3):
        np.testing.assert_array_equal(one[i], two[i])
        np.testing.assert_array_equal(one[i], sum(p[i] for p in parts))


def test_run_key_is_the_rng_sub_stream_of_the_run():
    # kernels/rng.py: key = mix64(mix64(seed + GAMMA) ^ mix64(stream + 2 GAMMA)); a run is stream r
    assert all(ref.run_key(9, r) == stream_key(9, r) for r in range(5))


def test_geometric_inversion_has_the_geometric_law():
    # P(G = g) = p (1 - p)^(g - 1): chi-square of 2e5 draws from the twin's stream against the law
    p, n = 0.2, 200_000
    s = ref._Stream(ref.run_key(3, 0))
    c = ref.geometric_factor(p)
    g = np.array([s.geometric(c) for _ in range(n)])
    top = 30
    obs = np.bincount(np.minimum(g, top), minlength=top + 1)[1:]
    k = np.arange(1, top + 1)
    exp = np.where(k < top, p * (1 - p) ** (k - 1), (1 - p) ** (top - 1)) * n
    chi2 = float(((obs - exp) ** 2 / exp).sum())
    assert chi2 < 29 + 6 * math.sqrt(2 * 29)  # 29 degrees of freedom, a 6-sigma bound
    assert g.min() == 1


def test_geometric_with_certain_success_is_one_round():
    s = ref._Stream(ref.run_key(3, 0))
    assert {s.geometric(ref.geometric_factor(1.0)) for _ in range(100)} == {1}


@pytest.mark.parametrize(
    "p, p_swap, tau, t_coh, wcut",
    [(0.1, 0.5, 16, 400.0, -1.0), (0.3, 0.9, 0, 10.0, -1.0), (0.05, 0.7, 40, 20.0, 0.2), (0.6, 1.0, 3, math.inf, -1.0)],
)
def test_level1_tables_are_the_law_of_the_attempt_by_attempt_level1_link(p, p_swap, tau, t_coh, wcut):
    # E[T1] and E[w1] of the tables against the attempt-by-attempt twin (same model, no tables), 20000 runs:
    # 5 standard errors; and the tables' mean against the renewal closed form (Wald) to 1e-9
    inv_tc = 0.0 if math.isinf(t_coh) else 1.0 / t_coh
    v_cdf, _, d_cdf, _ = ref.level1_tables(p, p_swap, 0.9, inv_tc, tau, wcut)
    pv = np.diff(np.concatenate([[0], v_cdf])) / 2.0**53
    pd = np.diff(np.concatenate([[0], d_cdf])) / 2.0**53
    k = np.arange(pd.size)
    mean_table = float((pv * np.arange(1, pv.size + 1)).sum() + (pd * k).sum())
    werner_table = float((pd * 0.81 * np.exp(-k * inv_tc)).sum())
    q = 1 - p
    kk = np.arange(0, 200_000)
    law = np.where(kk == 0, p / (2 - p), 2 * p * q**kk / (2 - p))
    ok = (kk <= tau) & (0.81 * np.exp(-kk * inv_tc) >= wcut)
    duration = 1 / (p * (2 - p)) + (np.minimum(kk, tau) * law).sum()
    assert mean_table == pytest.approx(duration / (p_swap * law[ok].sum()), rel=1e-9)
    args = _args(ref.NESTED, 2, p, 0.9, p_swap, t_coh, [tau], wcut, tables=False)
    hist, hist_w, sums = ref.simulate_reference(*args, 3, 0, 20_000, 10)
    n = 20_000
    m, m2 = sums[0] / n, sums[1] / n
    assert abs(m - mean_table) <= 5 * math.sqrt((m2 - m * m) / n)
    w, w2 = sums[2] / ref.W_SCALE / n, sums[3] / ref.W_SCALE / n
    assert abs(w - werner_table) <= 5 * math.sqrt(max(w2 - w * w, 0.0) / n) + 1e-9
