"""The RPU golden model (pqms_physics.rpu.model): exact arithmetic, fixed-point accuracy against
float64 and exact rationals, the guardian / pruning / top-k rules, and the statistics of its
z-scores on no-signalling data."""

import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pqms_physics.errors import PQMSValueError
from pqms_physics.kernels import sample_counts
from pqms_physics.kernels.reference import sample_records
from pqms_physics.rpu.float_reference import float_reference
from pqms_physics.rpu.model import (
    FRAC_BITS,
    W_MAX,
    ZSQ_BITS,
    RPUConfig,
    confidence_to_z,
    divide_floor,
    isqrt_floor,
    run_rpu,
    threshold_raw,
    window_counts,
    window_stats,
)

LSB = 2.0**-FRAC_BITS
# float64 evaluates z = dmu / sqrt(p(1-p)(1/n0+1/n1)) with a handful of roundings: relative
# error < 1e-14, i.e. < 1.1e-11 absolute at the largest |z| = sqrt(W_MAX) ~ 1024.
FLOAT_SLACK = 1e-11


def nct_counts(n0, m0, n1, m1):
    """16 counts with pool 0 = (n0 pairs, m0 with b = 1), pool 1 likewise (outcomes 00 / 01)."""
    c = [0] * 16
    c[0], c[1], c[4], c[5] = n0 - m0, m0, n1 - m1, m1
    return c


pools = st.integers(0, W_MAX // 2).flatmap(
    lambda n0: st.tuples(st.just(n0), st.integers(0, n0), st.integers(0, W_MAX // 2), st.integers(0, W_MAX // 2)).map(
        lambda t: (t[0], t[1], t[2], min(t[3], t[2]))
    )
)
small_pools = st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40), st.integers(0, 40)).map(
    lambda t: (t[0], min(t[1], t[0]), t[2], min(t[3], t[2]))
)


def exact_z_squared(n0, m0, n1, m1):
    """z**2 as an exact rational from the textbook definition (pooled p)."""
    n, m = n0 + n1, m0 + m1
    dmu = Fraction(m1, n1) - Fraction(m0, n0)
    p = Fraction(m, n)
    return dmu * dmu / (p * (1 - p) * (Fraction(1, n0) + Fraction(1, n1))), dmu


# ---- exact integer arithmetic (mirrors of the hardware loops) -------------------------------


@given(st.integers(1, 2**76 - 1), st.integers(0, 2**54 - 1), st.data())
def test_restoring_division_is_floor_division(den, q, data):
    num = q * den + data.draw(st.integers(0, den - 1))
    assert divide_floor(num, den, 54) == num // den == q


@given(st.integers(0, 2**ZSQ_BITS - 1))
def test_digit_by_digit_square_root_is_integer_square_root(x):
    assert isqrt_floor(x, ZSQ_BITS) == math.isqrt(x)


def test_arithmetic_preconditions_are_enforced():
    with pytest.raises(PQMSValueError, match=r"num must be < den \* 2\*\*qbits = 32, got 32"):
        divide_floor(32, 1, 5)
    with pytest.raises(PQMSValueError, match="xbits must be even, got 7"):
        isqrt_floor(3, 7)


# ---- NCT z-score -----------------------------------------------------------------------


@given(pools)
def test_fixed_point_z_is_within_half_an_lsb_of_float64(p):
    n0, m0, n1, m1 = p
    w = window_stats(nct_counts(*p), 0, RPUConfig(window=W_MAX))
    ref = float_reference(np.array(nct_counts(*p)).reshape(1, 4, 4), RPUConfig(window=W_MAX))
    assert w.z_valid == bool(ref.z_valid[0])
    if w.z_valid:
        # rounding to nearest: 0.5 LSB, plus float64's own error
        assert abs(w.z - ref.z[0]) <= LSB / 2 + FLOAT_SLACK
    else:
        assert w.z_raw == 0 and w.veto and not w.decision


@given(small_pools)
def test_zsq_is_the_floor_of_exact_z_squared_times_2_to_34(p):
    n0, m0, n1, m1 = p
    assume(n0 and n1 and 0 < m0 + m1 < n0 + n1)
    z2, dmu = exact_z_squared(*p)
    w = window_stats(nct_counts(*p), 0, RPUConfig(window=W_MAX))
    assert w.zsq == math.floor(z2 * 2**34)
    # and z_raw is z rounded to nearest, ties away from zero, with the sign of dmu
    mag = math.floor(Fraction(math.isqrt(w.zsq) + 1, 2))
    assert w.z_raw == (mag if dmu >= 0 else -mag)


@given(pools)
def test_z_squared_never_exceeds_the_window_size(p):
    # z**2 is Pearson's chi-square of the 2x2 table: z**2 = N phi**2 <= N, so zsq < 2**54.
    n0, m0, n1, m1 = p
    w = window_stats(nct_counts(*p), 0, RPUConfig(window=W_MAX))
    assert w.zsq <= (n0 + n1) * 2**34


@given(small_pools)
def test_swapping_the_pools_flips_the_sign_of_z(p):
    n0, m0, n1, m1 = p
    cfg = RPUConfig(window=W_MAX)
    a = window_stats(nct_counts(n0, m0, n1, m1), 0, cfg)
    b = window_stats(nct_counts(n1, m1, n0, m0), 0, cfg)
    assert (a.z_raw, a.zsq, a.z_valid) == (-b.z_raw, b.zsq, b.z_valid)


@pytest.mark.parametrize(
    "counts, why",
    [
        pytest.param(nct_counts(5, 0, 5, 0), "M = 0", id="all-b-zero"),
        pytest.param(nct_counts(5, 5, 5, 5), "M = N", id="all-b-one"),
        pytest.param(nct_counts(5, 2, 0, 0), "n1 = 0", id="empty-pool"),
        pytest.param([0] * 16, "no pairs", id="empty-window"),
    ],
)
def test_undefined_z_is_invalid_vetoed_and_never_forwarded(counts, why):
    w = window_stats(counts, 3, RPUConfig(window=W_MAX, prune_threshold=0.0))
    assert (w.z_valid, w.z_raw, w.zsq, w.decision, w.veto, w.forwarded) == (False, 0, 0, False, True, False), why


# ---- guardian, decision, pruning ------------------------------------------------------------

thresholds = st.floats(0.0, 6.0)


@given(small_pools, thresholds, st.floats(0.5, 0.9999), thresholds)
def test_comparisons_are_exact_on_z(p, k, level, t):
    n0, m0, n1, m1 = p
    assume(n0 and n1 and 0 < m0 + m1 < n0 + n1)
    cfg = RPUConfig(window=W_MAX, k_threshold=k, veto_confidence=level, prune_threshold=t)
    reg = cfg.registers()
    z2, _ = exact_z_squared(*p)
    w = window_stats(nct_counts(*p), 0, cfg)
    veto = z2 < Fraction(reg["veto_z"], 2**16) ** 2
    assert w.veto == veto
    assert w.decision == (not veto and z2 >= Fraction(reg["k_thresh"], 2**16) ** 2)
    assert w.forwarded == (z2 > Fraction(reg["prune_z"], 2**16) ** 2)


def test_exact_ties_decide_veto_not_and_are_not_pruned():
    # pools (n0, m0, n1, m1) = (1, 0, 3, 3): z**2 = D**2 N / P = 9 * 4 / 9 = 4 exactly, z = 2.
    # Thresholds: |z| >= k decides, |z| < c vetoes, only |z| > t is forwarded.
    from statistics import NormalDist

    level = 2 * NormalDist().cdf(2 - 2.0**-17) - 1  # critical value rounds up to exactly 2.0
    cfg = RPUConfig(window=W_MAX, k_threshold=2.0, veto_confidence=level, prune_threshold=2.0)
    assert {cfg.registers()[k] for k in ("k_thresh", "veto_z", "prune_z")} == {2 * 2**16}
    w = window_stats(nct_counts(1, 0, 3, 3), 0, cfg)
    assert (w.z_raw, w.zsq) == (2 * 2**16, 4 * 2**34)
    assert (w.decision, w.veto, w.forwarded) == (True, False, False)


@given(pools, thresholds, st.floats(0.5, 0.9999), thresholds)
def test_decision_veto_and_pruning_bits_equal_the_float64_ones(p, k, level, t):
    cfg = RPUConfig(window=W_MAX, k_threshold=k, veto_confidence=level, prune_threshold=t)
    ref = float_reference(np.array(nct_counts(*p)).reshape(1, 4, 4), cfg)
    reg = cfg.registers()
    absz = abs(ref.z[0]) if ref.z_valid[0] else 0.0
    # exact ties (|z| equal to a register value within float64 rounding) may round either way
    for name in ("k_thresh", "veto_z", "prune_z"):
        assume(abs(absz - reg[name] * LSB) > 1e-9)
    w = window_stats(nct_counts(*p), 0, cfg)
    assert (w.decision, w.veto, w.forwarded) == (ref.decision[0], ref.veto[0], ref.forwarded[0])


@given(st.floats(0.0, 60000.0))
def test_threshold_registers_round_up_by_less_than_one_lsb(x):
    raw = threshold_raw("k_threshold", x)
    assert Fraction(x) <= Fraction(raw, 2**16) < Fraction(x) + Fraction(1, 2**16)


def test_guardian_level_095_is_the_two_sided_196_critical_value():
    # 1 - p = 2 Phi(|z|) - 1 = 0.95 at |z| = 1.959964 (two-sided normal quantile)
    assert confidence_to_z(0.95) == pytest.approx(1.959963984540054, abs=1e-12)
    assert RPUConfig(veto_confidence=0.95).registers()["veto_z"] == math.ceil(1.959963984540054 * 2**16)


# ---- CHSH ---------------------------------------------------------------------------------

chsh_counts = st.lists(st.integers(0, 2**16), min_size=16, max_size=16)


@given(chsh_counts)
def test_chsh_correlators_round_to_nearest_and_s_sums_them(c):
    cfg = RPUConfig(mode="chsh", window=W_MAX)
    w = window_stats(c, 0, cfg)
    ref = float_reference(np.array(c).reshape(1, 4, 4), cfg)
    for s in range(4):
        n = sum(c[4 * s : 4 * s + 4])
        assert bool(w.e_valid >> s & 1) == (n > 0)
        if n:
            exact = Fraction(c[4 * s] + c[4 * s + 3] - c[4 * s + 1] - c[4 * s + 2], n)
            assert abs(Fraction(w.e_raw[s], 2**16) - exact) <= Fraction(1, 2**17)
            assert abs(w.e[s] - ref.e[0, s]) <= LSB / 2 + 1e-15
        else:
            assert w.e_raw[s] == 0
    assert w.s_valid == (w.e_valid == 0b1111)
    if w.s_valid:
        assert w.s_raw == w.e_raw[0] + w.e_raw[1] + w.e_raw[2] - w.e_raw[3]
        assert abs(w.s - ref.s[0]) <= 4 * LSB / 2 + 1e-14  # four roundings of 0.5 LSB
    else:
        assert w.s_raw == 0
    # no z-test in CHSH mode: vetoed, never a decision, always forwarded
    assert (w.z_valid, w.decision, w.veto, w.forwarded) == (False, False, True, True)


def test_chsh_extreme_correlations_give_s_equal_4():
    c = [7, 0, 0, 0] * 3 + [0, 7, 0, 0]  # E = (1, 1, 1, -1)
    w = window_stats(c, 0, RPUConfig(mode="chsh", window=28))
    assert w.e_raw == (2**16, 2**16, 2**16, -(2**16)) and w.s_raw == 4 * 2**16


# ---- runs: top-k, counters, statistics on kernel data -------------------------------------


def test_top_k_ranks_by_z_squared_then_by_window_order():
    # windows 0..5 with |z| pattern including exact ties (identical counts)
    rows = [nct_counts(4, a, 4, b) for a, b in [(1, 3), (2, 2), (3, 1), (0, 4), (1, 3), (2, 3)]]
    cfg = RPUConfig(window=8, top_k=4)
    run = run_rpu(np.array(rows).reshape(-1, 4, 4), cfg)
    want = sorted((w for w in run.windows if w.z_valid), key=lambda w: (-w.zsq, w.index))[:4]
    assert [t.index for t in run.topk] == [w.index for w in want] == [3, 0, 2, 4]
    assert run.topk[1].zsq == run.topk[2].zsq == run.topk[3].zsq  # ties keep window order


def test_rpu_window_counts_equal_the_kernels_window_counts():
    # the hardware's counters see exactly what the streaming kernel counts, for the same seed
    probs = np.array([[0.4, 0.1, 0.1, 0.4], [0.25, 0.25, 0.25, 0.25]])
    for choice in ("cyclic", "random", "blocks"):
        s, o = sample_records(probs, 30_000, 11, setting_choice=choice, stream=2)
        ker = sample_counts(probs, 30_000, 11, setting_choice=choice, window=1000, stream=2, device="numpy")
        rpu = window_counts(s, o, 1000)
        np.testing.assert_array_equal(rpu[:, :2, :], ker.window_counts)
        assert not rpu[:, 2:, :].any()


def test_z_scores_on_no_signalling_data_are_standard_normal_false_alarms():
    # Pool bias under quantum mechanics: the receiver's P(b=1) is 1/2 in both pools, so z ~ N(0,1)
    # and decisions / forwarded windows are false alarms at 2(1 - Phi(1.96)) = 5%.
    from pqms_physics.rpu.vectors import nct_table

    n_windows, w = 2000, 1000
    cfg = RPUConfig(window=w, prune_threshold=1.959964)
    res = sample_counts(nct_table(0.9), n_windows * w, 20240611, setting_choice="cyclic", window=w, device="numpy")
    run = run_rpu(res.window_counts, cfg)
    z = np.array([x.z for x in run.windows])
    # 5-sigma bounds (false-failure probability ~6e-7 each): mean sd 1/sqrt(n), var sd sqrt(2/n)
    assert abs(z.mean()) < 5 / math.sqrt(n_windows)
    assert abs(z.var() - 1) < 5 * math.sqrt(2 / n_windows)
    # binomial(2000, 0.05): sd 9.7; 5 sigma, plus 10 for the discreteness of z at n0 = n1 = 500
    assert abs(run.n_forwarded - 100) < 5 * 9.75 + 10
    assert run.n_decisions == sum(w.forwarded and w.decision for w in run.windows)


def test_run_rejects_counts_that_do_not_fill_the_window():
    with pytest.raises(PQMSValueError, match="counts of every window must sum to window = 8, got 7 in window 1"):
        run_rpu(np.array([nct_counts(4, 1, 4, 1), nct_counts(4, 1, 3, 1)]).reshape(-1, 4, 4), RPUConfig(window=8))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        pytest.param({"window": 0}, "window must be >= 1, got 0", id="window-0"),
        pytest.param({"window": W_MAX + 1}, f"window must be <= {W_MAX}, got {W_MAX + 1}", id="window-too-large"),
        pytest.param({"mode": "bell"}, r"mode must be one of \['nct', 'chsh'\], got 'bell'", id="mode"),
        pytest.param({"k_threshold": -1.0}, "k_threshold must be >= 0, got -1.0", id="negative-k"),
        pytest.param({"veto_confidence": 1.0}, r"veto_confidence must be in \(0, 1\), got 1.0", id="level-1"),
        pytest.param({"prune_threshold": 70000.0}, r"prune_threshold must be <= 65535.9999847", id="prune-overflow"),
    ],
)
def test_config_rejects_values_outside_the_register_ranges(kwargs, message):
    with pytest.raises(PQMSValueError, match=message):
        RPUConfig(**kwargs)


def test_importing_the_model_loads_no_heavy_dependency():
    code = (
        "import sys, pqms_physics.rpu.model, pqms_physics.rpu.vectors; "
        "print([m for m in ('qutip', 'numba', 'matplotlib') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
