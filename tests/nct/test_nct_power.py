"""Power analysis, fixed-threshold claims, the pool z-score and binomial intervals.

Each formula is checked against an independent evaluation: exact enumeration of the two binomials, brute
force over all outcomes for tiny N, published normal quantiles, or Monte Carlo with the kernels. Monte
Carlo assertions use seeds fixed in advance and 4-sigma binomial tolerances (false-failure probability
~6e-5 each) unless stated.
"""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from nct_helpers import documents_dephasing, receiver_damping
from scipy import signal, stats

from pqms_physics.nct import (
    binomial_ci,
    confidence_to_z,
    detectable_bias,
    no_signalling_stderr,
    pairs_needed,
    pool_probabilities,
    pool_z,
    threshold_pass_probability,
)
from pqms_physics.nct.pools import pool_bias_from_table

# two-sided 5% and one-sided 80% standard-normal quantiles (printed tables: 1.959964, 0.841621)
Z975, Z80 = 1.959963984540054, 0.8416212335729143


@pytest.fixture
def one_numba_thread():
    """Many tiny kernel calls run on one thread (counts do not depend on the thread count)."""
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(1)
    yield
    numba.set_num_threads(before)


def _exact_power(n, p0, p1, alpha):
    """Rejection probability of the pooled two-sided test, by enumerating every (k0, k1) within 12 sd of
    the means (the omitted binomial tails weigh < 1e-30)."""
    half = int(12 * math.sqrt(n / 4)) + 1
    k0 = np.arange(max(0, round(n * p0) - half), min(n, round(n * p0) + half) + 1)
    k1 = np.arange(max(0, round(n * p1) - half), min(n, round(n * p1) + half) + 1)
    w0, w1 = stats.binom.pmf(k0, n, p0), stats.binom.pmf(k1, n, p1)
    g0, g1 = np.meshgrid(k0, k1, indexing="ij")
    p_hat = (g0 + g1) / (2 * n)
    se = np.sqrt(p_hat * (1 - p_hat) * 2 / n)
    z = np.divide((g1 - g0) / n, se, out=np.zeros_like(se), where=se > 0)
    return float((np.outer(w0, w1) * (2 * stats.norm.sf(np.abs(z)) < alpha)).sum())


# ----------------------------------------------------------------------------- sigma and power
def test_no_signalling_stderr_is_the_issue_figure_at_1e8():
    assert no_signalling_stderr(1e8) == pytest.approx(7.0710678e-5, rel=1e-7)
    # Binomial(2N, 1/2) has sd sqrt(2N)/2; delta_mu = (M - N)/N
    assert no_signalling_stderr(12345) == pytest.approx(math.sqrt(2 * 12345) / 2 / 12345, rel=1e-14)


def test_detectable_bias_uses_published_normal_quantiles():
    assert detectable_bias(1e8, 0.05, 0.8) == pytest.approx((Z975 + Z80) * math.sqrt(0.5e-8), rel=1e-12)


@pytest.mark.parametrize(
    "n, alpha, power", [(1000, 0.05, 0.8), (1000, 0.01, 0.5), (3000, 0.05, 0.95), (10_000, 0.05, 0.8)]
)
def test_detectable_bias_has_its_nominal_power_by_exact_enumeration(n, alpha, power):
    d = detectable_bias(n, alpha, power)
    # normal approximation, p(1-p) at 1/2 and lattice effects: within 0.01 of nominal from N = 1e3
    assert _exact_power(n, 0.5, 0.5 - d, alpha) == pytest.approx(power, abs=0.01)
    assert _exact_power(n, 0.5, 0.5, alpha) == pytest.approx(alpha, abs=0.1 * alpha)


@given(n=st.integers(1, 10**13), alpha=st.floats(1e-6, 0.5), power=st.floats(0.3, 0.999))
def test_pairs_needed_inverts_detectable_bias(n, alpha, power):
    d = detectable_bias(n, alpha, power)
    if d > 1:
        return
    m = pairs_needed(d, alpha, power)
    assert detectable_bias(m, alpha, power) <= d
    assert m == 1 or detectable_bias(m - 1, alpha, power) > d
    assert m <= n  # n itself reaches d
    assert pairs_needed(-d, alpha, power) == m  # the sign of the bias does not matter


@pytest.mark.parametrize("alpha, power", [(0.05, 0.8), (0.01, 0.5)])
def test_signalling_model_is_detected_with_the_power_pairs_needed_predicts(alpha, power, one_numba_thread):
    # a deliberately signalling model: the receiver's own qubit is amplitude-damped in pool 1, so
    # P(b=1) drops by lam/2 there; choose lam so that N = pairs_needed(lam/2) = 1e4
    n, runs = 10_000, 1000
    lam = 2 * detectable_bias(n, alpha, power)
    assert pairs_needed(lam / 2, alpha, power) == n
    signal = pool_probabilities(sender_channel=receiver_damping(lam))
    quiet = pool_probabilities(sender_channel=documents_dephasing())
    hits = sum(
        pool_bias_from_table(
            signal, n, 20_000 + s, stream=0, sampler="kernel", device="cpu", basis="z", sender_label="damping"
        ).detected(alpha)
        for s in range(runs)
    )
    alarms = sum(
        pool_bias_from_table(
            quiet, n, 30_000 + s, stream=0, sampler="kernel", device="cpu", basis="z", sender_label="dephasing"
        ).detected(alpha)
        for s in range(runs)
    )
    # 4 sigma binomial tolerance, plus 0.005 for the approximation (exact power at N=1e4 is within 0.003)
    assert abs(hits / runs - power) < 4 * math.sqrt(power * (1 - power) / runs) + 0.005
    assert abs(alarms / runs - alpha) < 4 * math.sqrt(alpha * (1 - alpha) / runs) + 0.005


# ----------------------------------------------------------------------------- fixed thresholds
def _pass_by_convolution(threshold, n):
    """P(|K1 - K0| < threshold * N), K0, K1 ~ Bin(N, 1/2), by convolving the two pmfs (FFT, error ~1e-16)."""
    pmf = stats.binom.pmf(np.arange(n + 1), n, 0.5)
    diff = signal.fftconvolve(pmf, pmf[::-1])  # index j <-> K1 - K0 = j - n
    limit = Fraction(repr(threshold)) * n
    d = np.abs(np.arange(2 * n + 1) - n)
    return float(diff[d * limit.denominator < limit.numerator].sum())


def _pass_by_brute_force(threshold, n):
    """Exact rational probability over all 2^(2N) bit patterns of both pools."""
    limit = Fraction(repr(threshold)) * n
    hits = sum(abs(sum(bits[n:]) - sum(bits[:n])) < limit for bits in itertools.product((0, 1), repeat=2 * n))
    return Fraction(hits, 2 ** (2 * n))


@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("k", [0.5, 1, 1.5, 2, 7])
def test_threshold_pass_probability_matches_brute_force_for_tiny_pools(n, k):
    t = k / n  # includes thresholds exactly on the lattice: the comparison is strict
    assert threshold_pass_probability(t, n).probability_exact == pytest.approx(
        float(_pass_by_brute_force(t, n)), abs=1e-15
    )


@pytest.mark.parametrize("n, threshold", [(10, 0.3), (1000, 0.003), (1000, 0.0215), (12_345, 0.01), (200_000, 0.004)])
def test_threshold_pass_probability_matches_convolution_of_two_binomials(n, threshold):
    r = threshold_pass_probability(threshold, n)
    assert r.probability_exact == pytest.approx(_pass_by_convolution(threshold, n), abs=1e-12)


@pytest.mark.parametrize("k", [0.5, 2.0, 4.0])
def test_threshold_pass_probability_at_1e10_matches_continuity_corrected_normal(k):
    # |K1 - K0| = |M - N| with M ~ Bin(2N, 1/2), sd sqrt(N/2): P(|M - N| <= d) = erf((d + 1/2)/sqrt(N)) + O(1/N)
    n = 10**10
    r = threshold_pass_probability(k * math.sqrt(0.5 / n), n)
    d = r.max_abs_count_difference
    assert (d > 100_000) == (k > 1)  # k = 0.5 sums pmf terms, k = 2, 4 use the tail-function branch
    assert r.probability_exact == pytest.approx(math.erf((d + 0.5) / math.sqrt(n)), abs=1e-9)


def test_design_documents_threshold_at_1e8_is_met_about_one_percent_of_the_time():
    # |delta_mu| < 1e-6 at N = 1e8 <=> |M - N| <= 99, M ~ Bin(2e8, 1/2). Local CLT: each of the 199 central
    # pmf values is exp(-d^2/N)/sqrt(pi N) (1 + O(1/N)); exp(-99^2/1e8) > 0.9999
    r = threshold_pass_probability(1e-6, 1e8)
    clt = sum(math.exp(-d * d / 1e8) for d in range(-99, 100)) / math.sqrt(math.pi * 1e8)
    assert r.max_abs_count_difference == 99
    assert r.probability_exact == pytest.approx(clt, rel=1e-6)
    assert 0.01 < r.probability_exact < 0.0115
    assert r.threshold_in_sigma == pytest.approx(1e-6 / 7.0710678e-5, rel=1e-7)
    # the normal approximation misses the lattice by less than one central pmf value
    assert abs(r.probability_normal - r.probability_exact) < 1 / math.sqrt(math.pi * 1e8)


def test_documents_threshold_is_met_in_about_one_percent_of_exact_1e8_experiments():
    # 10,000 pool-bias experiments at N = 1e8 per pool, exact multinomial counts: the fraction meeting
    # |delta_mu| < 1e-6 is binomial around the exact 1.12% (4 sigma = 0.42%); a claim "always met" is refuted
    table = pool_probabilities(sender_channel=documents_dephasing())
    runs = 10_000
    met = sum(
        abs(
            pool_bias_from_table(
                table, 10**8, 40_000 + s, stream=0, sampler="multinomial", device="cpu", basis="z", sender_label="d"
            ).delta_mu
        )
        < 1e-6
        for s in range(runs)
    )
    p = threshold_pass_probability(1e-6, 10**8).probability_exact
    assert abs(met / runs - p) < 4 * math.sqrt(p * (1 - p) / runs)


@pytest.mark.parametrize("k", [1.0, 2.0, 3.0, 5.0])
def test_k_sigma_threshold_passes_with_probability_erf_k_over_root_two(k):
    n = 10**6
    r = threshold_pass_probability(k * math.sqrt(0.5 / n), n)
    assert r.probability_normal == pytest.approx(math.erf(k / math.sqrt(2)), abs=1e-12)
    assert abs(r.probability_exact - r.probability_normal) < 1 / math.sqrt(math.pi * n)


def test_threshold_pass_rate_in_monte_carlo_matches_exact_probability():
    n, runs, threshold = 1000, 4000, 0.02
    table = pool_probabilities(sender_channel=documents_dephasing())
    passed = sum(
        abs(
            pool_bias_from_table(
                table, n, s, stream=0, sampler="multinomial", device="cpu", basis="z", sender_label="d"
            ).delta_mu
        )
        < threshold
        for s in range(runs)
    )
    p = threshold_pass_probability(threshold, n).probability_exact
    assert abs(passed / runs - p) < 4 * math.sqrt(p * (1 - p) / runs)


# ----------------------------------------------------------------------------- z-score and intervals
def test_pool_z_is_the_pooled_two_proportion_statistic_with_unequal_pools():
    k0, n0, k1, n1 = 480, 1000, 1100, 2000
    p_hat = (480 + 1100) / 3000
    se = math.sqrt(p_hat * (1 - p_hat) * (1 / 1000 + 1 / 2000))
    s = pool_z(k0, k1, n0, n1)
    assert s.delta_mu == pytest.approx(0.55 - 0.48, abs=1e-15)
    assert s.stderr == pytest.approx(se, rel=1e-14)
    assert s.z == pytest.approx(0.07 / se, rel=1e-13)
    assert s.p_value == pytest.approx(2 * stats.norm.sf(0.07 / se), rel=1e-10)


def test_pool_z_is_zero_when_every_receiver_bit_is_equal_and_vectorises():
    assert (pool_z(0, 0, 10, 10).z, pool_z(10, 10, 10, 10).p_value) == (0.0, 1.0)
    v = pool_z(np.array([3, 5, 0]), np.array([7, 5, 0]), 10, 10)
    assert v.z.tolist() == [pool_z(3, 7, 10, 10).z, 0.0, 0.0]


def test_confidence_095_is_the_two_sided_1_96_sigma_veto():
    assert confidence_to_z(0.95) == pytest.approx(Z975, rel=1e-12)
    # by hand: d = 43 more ones in pool 1 gives z = 0.043/sqrt(0.5215*0.4785*0.002) = 1.925, d = 44 gives 1.970
    assert pool_z(500, 500 + 44, 1000, 1000).p_value < 0.05 < pool_z(500, 500 + 43, 1000, 1000).p_value


@given(n=st.integers(1, 500), data=st.data(), level=st.floats(0.5, 0.999))
def test_clopper_pearson_limits_put_alpha_half_in_each_tail(n, data, level):
    k = data.draw(st.integers(0, n))
    lo, hi = binomial_ci(k, n, level)
    a = 1 - level
    assert 0 <= lo <= k / n <= hi <= 1
    if k > 0:
        assert stats.binom.sf(k - 1, n, lo) == pytest.approx(a / 2, abs=1e-7)
    if k < n:
        assert stats.binom.cdf(k, n, hi) == pytest.approx(a / 2, abs=1e-7)


def test_clopper_pearson_edges():
    assert binomial_ci(0, 0) == (0.0, 1.0)
    assert binomial_ci(0, 10)[0] == 0.0 and binomial_ci(10, 10)[1] == 1.0
    # k = 0: upper = 1 - (a/2)^(1/n)
    assert binomial_ci(0, 10, 0.95)[1] == pytest.approx(1 - 0.025**0.1, rel=1e-10)


# ----------------------------------------------------------------------------- inputs
@pytest.mark.parametrize(
    "call, match",
    [
        pytest.param(lambda: detectable_bias(0), "pairs_per_pool must be >= 1, got 0", id="n"),
        pytest.param(lambda: detectable_bias(100, alpha=0), r"alpha must be in \(0, 1\), got 0.0", id="alpha0"),
        pytest.param(lambda: detectable_bias(100, alpha=1.0), r"alpha must be in \(0, 1\)", id="alpha1"),
        pytest.param(lambda: detectable_bias(100, power=1.2), r"power must be in \(0, 1\), got 1.2", id="power"),
        pytest.param(
            lambda: detectable_bias(100, alpha=0.5, power=0.2),
            r"power must be > alpha/2 = 0.25 .*, got 0.2",
            id="power-below-alpha",
        ),
        pytest.param(lambda: pairs_needed(0.0), r"delta_mu must satisfy 0 < \|delta_mu\| <= 1, got 0.0", id="d0"),
        pytest.param(lambda: pairs_needed(1.5), r"delta_mu must satisfy", id="d-big"),
        pytest.param(lambda: pairs_needed(float("nan")), "delta_mu must be finite", id="d-nan"),
        pytest.param(lambda: threshold_pass_probability(-1e-6, 100), "threshold must be > 0, got -1e-06", id="thr"),
        pytest.param(lambda: threshold_pass_probability(1e-6, -5), "pairs_per_pool must be >= 1", id="thr-n"),
        pytest.param(lambda: binomial_ci(5, 3), "successes must be <= 3, got 5", id="ci-k"),
        pytest.param(lambda: binomial_ci(1, 3, level=1.0), r"level must be in \(0, 1\)", id="ci-level"),
        pytest.param(lambda: confidence_to_z(1.0), r"confidence must be in \(0, 1\)", id="confidence"),
        pytest.param(
            lambda: pool_z(11, 0, 10, 10), r"ones_0 must be in \[0, n_0\], got ones_0=11, n_0=10", id="pool-z"
        ),
        pytest.param(lambda: pool_z(1, 0, 10, 0), "n_1 must be >= 1, got 0", id="pool-z-n"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()
